"""similarity._plain: a text whose words are apart by single spaces only, told by a split and a join: the same
answer as the regular expression it replaced (`[^\\S ]|  |^ | $` finds nothing)."""

from __future__ import annotations

import re
import sys

from hypothesis import given, settings
from hypothesis import strategies as st

from extractor import similarity

_ODD_SPACE = re.compile(r"[^\S ]|  |^ | $")  # whitespace other than single spaces between words
_SPACES = [chr(c) for c in range(sys.maxunicode + 1) if _ODD_SPACE.match(chr(c)) or chr(c).isspace()]


def _expected(text: str) -> bool:
    return _ODD_SPACE.search(text) is None


def test_every_whitespace_character() -> None:
    assert " " in _SPACES and "\u00a0" in _SPACES and "\x1f" in _SPACES and len(_SPACES) > 20
    for ch in _SPACES + ["a", "ß", "ạ", "\u200b", "\ufeff"]:  # (zero-width space, BOM: not whitespace)
        for text in (ch, "a" + ch + "b", "ab" + ch, ch + "ab", "a " + ch + " b", "a" + ch + ch + "b"):
            assert similarity._plain.__wrapped__(text) == _expected(text), repr(text)


@settings(max_examples=500, deadline=None)
@given(st.text(st.sampled_from(["a", "b", "ố", " ", "\t", "\n", "\u00a0", "\u3000", "\x1c", "\u2028"]),
               max_size=12))
def test_texts_of_letters_and_spaces(text: str) -> None:
    assert similarity._plain.__wrapped__(text) == _expected(text)
