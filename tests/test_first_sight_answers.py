"""First-sight shortcuts of issue 18 give what the plain computations give: `read_range` asks `_may_be_range`
before it compiles its grammar, `_cut_label_number` takes the numbers its labels end with from `_label_numbers`,
coverage's `_reworded` scores the printed lines of a near length only."""

from __future__ import annotations

from unittest import mock

from hypothesis import given, settings
from hypothesis import strategies as st
from rapidfuzz import fuzz, process

from extractor.answers import _TRAILING_NUMBER, GLUED_LABEL_NUMBER, cut_label_number
from extractor.coverage import _FIGURES, MIN_PRINTED_PIECE, REWORDED_RATIO, _near_length, _printed_keys, _reworded
from extractor.printed import load_printed
from extractor.text import ranges
from extractor.text.ranges import read_range

# pieces of option texts: range words and signs (and words holding them: `tuong` holds `tu`), numbers, units
PIECES = ["Trên", "trên", "Dưới", "Từ", "đến", "tới", "Tưởng", "trở lên", "trở xuống", "không quá", "lớn hơn",
          "hơn", "ít nhất", "tối thiểu", "KT", "DL", "Mb", "Gb", "GB", "%", "người", "FortiGate", "60F", "10", "20",
          "2,5", "500", "<", ">", "≤", "≥", "<=", "=>", "-", "–", "(", ")", ":", "x", "", " "]


def _plain(text: str) -> ranges.Range | None:
    """`read_range` with only the number asked before the grammar (the reading before the cue test)."""
    with mock.patch.object(ranges, "_may_be_range", lambda folded: ranges._NUMBER.search(folded) is not None):
        return read_range(text)


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(PIECES), max_size=8), st.lists(st.sampled_from([" ", "", "  "]), min_size=8,
                                                                  max_size=8))
def test_cue_test_keeps_every_range(pieces: list[str], gaps: list[str]) -> None:
    text = "".join(p + g for p, g in zip(pieces, gaps, strict=False))
    assert read_range(text) == _plain(text)


def test_no_range_word_no_grammar() -> None:
    """A text with a number but no range word (`Tường lửa FortiGate 60F`: `tu` only inside `tuong`) is no
    range, told without compiling the grammar; a range still compiles it and is read."""
    ranges._grammar.cache_clear()
    assert read_range("Tên phần mềm Tường lửa Fortinet FortiGate 60F") is None
    assert read_range("Chưa cài đặt") is None
    assert ranges._grammar.cache_info().currsize == 0
    got = read_range("Từ 10 Mb đến 20 Mb")
    assert got is not None and got.lower is not None and got.upper is not None
    assert (got.lower.value, got.upper.value, got.upper.unit) == (10.0, 20.0, "MB")
    assert ranges._grammar.cache_info().currsize == 1


def _plain_cut(raw: str, label: str, labels: tuple[str, ...]) -> tuple[str, tuple[str, float] | None] | None:
    """The label-number part of `_cut_label_number` computed from scratch (None where it leaves the year test
    to the rest of the function)."""
    text = raw.strip()
    if _TRAILING_NUMBER.search(label):
        return raw, None
    numbers = {m.group(1) for t in labels if (m := _TRAILING_NUMBER.search(t))}
    for n in sorted(numbers, key=len, reverse=True):
        if text == n:
            return "", None
        if text.startswith(n) and text[len(n)].isdigit():
            return text[len(n):], ("glued_to_label", GLUED_LABEL_NUMBER)
    return None


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="0128 ", max_size=8),
       st.lists(st.sampled_from(["Năm 2018", "Số máy tính 2", "Điểm năm 201", "Tổng số", "Mục 12:", "1.2"]),
                max_size=4))
def test_label_numbers_as_computed(raw: str, labels: list[str]) -> None:
    got = cut_label_number(raw, "Số điểm", labels)
    plain = _plain_cut(raw, "Số điểm", tuple(labels))
    if plain is not None:
        assert got == plain



@settings(max_examples=300, deadline=None)
@given(st.integers(min_value=0, max_value=10**6), st.integers(min_value=-30, max_value=30),
       st.text(alphabet="abcdeghinortu0123 ", max_size=12))
def test_reworded_among_near_lengths(pick: int, cut: int, extra: str) -> None:
    """`_reworded` asks rapidfuzz among the printed keys of a near length only, and finds what it found among
    all of them: a printed key cut short or lengthened, with letters and figures added."""
    printed = load_printed()
    keys = _printed_keys(printed)
    base = keys[pick % len(keys)]
    key = (base[:cut] if cut < 0 else base + base[:cut]) + extra
    plain = process.extractOne(key, keys, scorer=fuzz.ratio, score_cutoff=REWORDED_RATIO)
    near = process.extractOne(key, _near_length(printed, len(key)), scorer=fuzz.ratio, score_cutoff=REWORDED_RATIO)
    assert (plain is None) == (near is None)
    if plain is not None and near is not None:
        assert (plain[0], plain[1]) == (near[0], near[1])
        assert _reworded(key, printed) == (len(key) >= MIN_PRINTED_PIECE and all(
            f in plain[0] for f in _FIGURES.findall(key)))
