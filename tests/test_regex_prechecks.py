"""Plain tests that skip a regex pass in the slot finder (issue 18, round 8): each gives the pattern's own result
(property tests against the pattern run on every text)."""

from __future__ import annotations

import regex
from hypothesis import given, settings
from hypothesis import strategies as st

from extractor import blanks, printed
from extractor.blanks import COLON, LEADER, find_leader, unlead
from extractor.text.normalize import WHITESPACE, fold

# characters the patterns look at: leaders, colons, slashes, digits, letters the numbering and anchors take,
# boxes and marks, white space of every kind (the ones `str.isspace` and `\s` disagree on too)
_CHARS = st.sampled_from([
    ".", "…", "_", "‥", "⋯", ":", "/", "//", "(", ")", "-", "+", "•", "*", "–", "1", "2", "3", "0", "٣", "²", "a", "i",
    "v", "x", "đ", "Đ", "là", "Là", "LÀ", "=", "%", ",", "ố", "Số", " ", " ", "\t", "\u00a0", "\u2003", "\x1c",
    "\x85", "\n", "☐", "☒", "■", "✓", "\uf0a8", "\u25a0", "\u259f", "Z"])
_TEXTS = st.lists(_CHARS, max_size=16).map("".join)


@settings(max_examples=500, deadline=None)
@given(_TEXTS, st.sampled_from([" ", ""]))
def test_unlead_and_find_leader_are_the_pattern(text: str, repl: str) -> None:
    assert unlead(text, repl) == LEADER.sub(repl, text)
    found, plain = find_leader(text), LEADER.search(text)
    assert (found and found.span()) == (plain and plain.span())


@settings(max_examples=500, deadline=None)
@given(_TEXTS, st.integers(0, 20))
def test_last_colon_is_the_last_match(text: str, after: int) -> None:
    colons = [m.start() for m in COLON.finditer(text) if m.start() >= after]
    assert blanks._last_colon(text, after) == (colons[-1] if colons else -1)


@settings(max_examples=500, deadline=None)
@given(_TEXTS)
def test_anchor_word_look_ahead_keeps_the_matches(text: str) -> None:
    pattern = blanks._after_anchor_word()
    assert pattern.pattern.startswith(r"(?=\d)")
    plain = regex.compile(pattern.pattern[len(r"(?=\d)"):], pattern.flags)
    assert [m.span() for m in pattern.finditer(text)] == [m.span() for m in plain.finditer(text)]


@settings(max_examples=1000, deadline=None)
@given(_TEXTS)
def test_masked_prechecks_say_no_only_where_the_pattern_finds_nothing(text: str) -> None:
    folded = fold(text)
    if folded and not printed._may_number(folded):
        assert printed._NUMBERING.match(folded) is None
    if folded and max(folded) < printed._FIRST_MARK:
        assert printed._MARKS.search(folded) is None
    if "." not in folded and "_" not in folded and not printed._may_lead_wide(folded):
        assert printed._LEADER.search(folded) is None


def test_numbering_precheck_lets_every_start_through() -> None:
    for text in ["1. Số", "  2.1) a", "a) Có", "iv. Mục", "đ. Khác", "- Có", "• x", "– y", "+ z", "* w", "٣. x",
                 "\u2003 1. x", "\x1c1. x", "\u00a0\u00a01. x"]:
        folded = fold(text)
        if printed._NUMBERING.match(folded) is not None:
            assert printed._may_number(folded), text
    assert all(c.isspace() or regex.match(r"\s", c) for c in WHITESPACE)


def test_first_mark_is_the_lowest_mark() -> None:
    marks = [chr(c) for c in range(0x2000, 0xF100) if printed._MARKS.fullmatch(chr(c))]
    assert min(marks) == printed._FIRST_MARK
    assert all(printed._MARKS.fullmatch(chr(c)) is None for c in range(0, 0x2000))


@settings(max_examples=500, deadline=None)
@given(_TEXTS)
def test_two_labelled_numbers_need_two_colons(text: str) -> None:
    from extractor.slots import _LABELLED_NUMBER

    if text.count(":") < 2:
        assert len(_LABELLED_NUMBER.findall(text)) < 2


_COUNT_PIECES = st.sampled_from(["0", "1", "12", "không có", "Không có", " ", "  ", "\t", ":", "Chuyên trách",
                                 "Phụ trách", "người", "Tiến sỹ", "x", ",", "2019", "\u00a0"])


@settings(max_examples=1000, deadline=None)
@given(st.lists(_COUNT_PIECES, max_size=10).map("".join))
def test_a_line_without_boxes_has_a_place_per_count_typed_over_a_box(text: str) -> None:
    """`counts.parse` returns None for a line without boxes where fewer than two counts stand as typed over a
    box (followed by words, after a gap): its loop makes a place of each of those and of nothing else."""
    from extractor import counts

    line = counts.parse.__wrapped__(text)
    if line is None:
        return
    folded = fold(text)
    typed = [(m.start(), m.end()) for m in counts._count_re().finditer(folded)
             if counts._after_words(text, m.end()) and counts._before_gap(text, m.start())]
    assert [(p.start, p.end) for p in line.places] == typed


@settings(max_examples=1000, deadline=None)
@given(_TEXTS)
def test_zero_sign_precheck_says_no_only_where_the_pattern_finds_nothing(text: str) -> None:
    if not blanks._may_zero_sign(text):
        assert blanks._zero_sign_value().search(text) is None


def test_zero_sign_starts_are_the_signs_first_characters() -> None:
    from extractor.text.vocab import load_vocabulary

    signs = load_vocabulary().zero_signs
    assert blanks._zero_sign_starts() == frozenset(s[0] for s in signs)
    assert all(blanks._may_zero_sign(f"Số: {s}") for s in signs)
