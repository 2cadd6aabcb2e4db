"""`fold`'s shortcuts give the plain steps' key (NFD, lowercase, NFD, đ -> d, every combining character dropped):
ASCII lowered, marks of U+0300-U+036F dropped by an encoding, and the others through a translate table filled a
code point at a time (issue 18, round 7)."""

from __future__ import annotations

import unicodedata

from hypothesis import given, settings
from hypothesis import strategies as st

from extractor.text import normalize as N


def _plain_fold(text: str) -> str:
    decomposed = N.nfd(N.nfd(text).lower()).replace("đ", "d")
    return "".join(c for c in decomposed if not unicodedata.combining(c))


_PIECES = st.sampled_from([
    "a", "Z", " ", "Đ", "đ", "Ố", "ườ", "\u0301", "\u034f", "\u05b0", "\u0591", "\u1dc0", "\u20d0", "\u3099", "…",
    "☐", "“", "–", "\u00a0", "ß", "İ", "Σ", "ǅ", "\u212b", "\u0958", "\U0001d15e", "x\u0338", "가", "\ufb2c"])


@settings(max_examples=5000, deadline=None)
@given(st.lists(_PIECES, max_size=12).map("".join))
def test_fold_equals_the_plain_steps(text: str) -> None:
    assert N.fold.__wrapped__(text) == _plain_fold(text)


@settings(max_examples=3000, deadline=None)
@given(st.text(max_size=12))
def test_fold_of_any_text_equals_the_plain_steps(text: str) -> None:
    assert N.fold.__wrapped__(text) == _plain_fold(text)


def test_translate_table_drops_exactly_the_combining_characters() -> None:
    for code in (*range(0x250, 0x400), *range(0x591, 0x5d0), *range(0x1dc0, 0x1e10), *range(0x20d0, 0x2100)):
        assert (chr(code).translate(N._MARKS_DROPPED) == "") == bool(unicodedata.combining(chr(code)))
