"""The leader patterns matched a run at a time (issue 18, round 11) find what the patterns they replace found: the
same spans, substitutions and splits, on the known forms' printed lines and on texts of the characters a leader
is made of, every kind of white space among them."""

from __future__ import annotations

import regex
from hypothesis import given, settings
from hypothesis import strategies as st

from extractor import blanks, printed, table_slots
from extractor.text.normalize import WHITESPACE, fold
from extractor.yamlfile import load_text

# the patterns as they were, in `regex`
_LEADER = regex.compile(r"(?:[.…_]\s?){2,}|…")
_PRINTED_LEADER = regex.compile(r"(?:[.…_‥⋯]\s?){2,}|[…‥⋯]")
_PAIRS = [(blanks.LEADER, _LEADER), (printed._LEADER, _PRINTED_LEADER)]

_CHARS = st.sampled_from([".", "…", "_", "‥", "⋯", ". ", "a", "1", ":", ",", ")", ";", "Số", *WHITESPACE])
_TEXTS = st.lists(_CHARS, max_size=24).map("".join)


def _same(new: regex.Pattern[str], old: regex.Pattern[str], text: str) -> None:
    assert [m.span() for m in new.finditer(text)] == [m.span() for m in old.finditer(text)], text
    assert new.sub(" ", text) == old.sub(" ", text), text
    assert new.split(text) == old.split(text), text


def _printed_lines() -> list[str]:
    lines: list[str] = []
    for path in sorted(printed.PRINTED_DIR.glob("*.yaml")):
        lines += [str(x) for x in (load_text(path.read_text(encoding="utf-8")) or {}).get("lines", [])]
    return lines


def test_leaders_of_the_printed_lines() -> None:
    lines = _printed_lines()
    assert sum(bool(_LEADER.search(t)) for t in lines) > 50  # the forms print many blanks
    for text in lines:
        for new, old in _PAIRS:
            _same(new, old, text)
            _same(new, old, fold(text))


def test_edge_cases() -> None:
    for text in ["", ".", "..", ". .", ".  .", "…", "… ", "…\u2003", "._", "a.b.c", "CISM…)", "….", "…..120……",
                 ". . . . 12", "_\x1c_", "_\x85_", "\u00a0.\u00a0.\u00a0", "‥ ⋯", "..\n..", ".\t.\t"]:
        for new, old in _PAIRS:
            _same(new, old, text)


@settings(max_examples=1000, deadline=None)
@given(_TEXTS)
def test_any_text(text: str) -> None:
    for new, old in _PAIRS:
        _same(new, old, text)


# `table_slots._LABELLED_NUMBER` as it was, searched from each letter
_LABELLED_NUMBER = regex.compile(r"\p{L}[^:\n]*:[ \t]*\d[\d \t.,]*$", regex.M)
_CELL_CHARS = st.sampled_from(["a", "Số", "Đ", ":", "://", "1", "23", "4.5", " ", "\t", "\n", ",", ".", "(", "x:"])


def test_labelled_number_on_the_printed_lines() -> None:
    for text in _printed_lines() + ["Leased Line:31", "ADSL: 12\nFTTH:", "1: 2", "Số: a1", "a:\n1", "ab:cd: 3 4,5"]:
        assert (table_slots._LABELLED_NUMBER.search(text) is None) == (_LABELLED_NUMBER.search(text) is None), text


@settings(max_examples=1000, deadline=None)
@given(st.lists(_CELL_CHARS, max_size=16).map("".join))
def test_labelled_number_on_any_text(text: str) -> None:
    assert (table_slots._LABELLED_NUMBER.search(text) is None) == (_LABELLED_NUMBER.search(text) is None)
