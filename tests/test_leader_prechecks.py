"""The leader and numbering prechecks (issue 18, round 9) never skip a match: a leader needs a `…` (`‥`, `⋯` for
the printed lines' pattern) or two of `._` with at most one white-space character between them
(`blanks.close_pair`); item numbering that begins with a letter needs `.` or `)` after it or after a run of
`ivx` (`printed._may_number`)."""

from __future__ import annotations

import regex
from hypothesis import given, settings
from hypothesis import strategies as st

from extractor import blanks, printed

_PIECES = st.sampled_from([".", "..", "_", "…", "‥", "⋯", " ", "\t", "\u00a0", "\u2003", "\u3000", "\n", "\x1c", "a",
                           "i", "v", "x", "ix", "iv.", "đ", "Ă", "1", "2.", ")", "(", "-", "•", "b)", ":", "x.", "iii",
                           "vvvv", "xxxxx.", "ố", "\u0301"])


@settings(max_examples=6000, deadline=None)
@given(st.lists(_PIECES, max_size=10).map("".join))
def test_no_leader_search_skipped_that_would_match(text: str) -> None:
    assert blanks._may_lead(text) or blanks.LEADER.search(text) is None
    assert blanks.close_pair(text, "._") == (regex.search(r"[._]\s?[._]", text) is not None)
    wide = printed._may_lead_wide(text) or blanks.close_pair(text, "._")
    assert wide or printed._LEADER.search(text) is None


@settings(max_examples=6000, deadline=None)
@given(st.lists(_PIECES, max_size=6).map("".join))
def test_no_numbering_match_skipped_that_would_match(text: str) -> None:
    assert printed._may_number(text) or printed._NUMBERING.match(text) is None


def test_leader_gap_is_every_white_space_character_of_the_pattern() -> None:
    every = "".join(map(chr, range(0x110000)))
    assert frozenset(regex.findall(r"\s", every)) == blanks._LEADER_GAP


def test_prechecks_on_lines() -> None:
    assert not blanks._may_lead("1.2. Tên cơ quan: Sở Y tế.") and blanks._may_lead("Tên: . .") and \
        blanks._may_lead("Tên…") and blanks._may_lead("a._b")
    assert not printed._may_number("ten co quan") and printed._may_number("iv. ten") and printed._may_number("b) x")
