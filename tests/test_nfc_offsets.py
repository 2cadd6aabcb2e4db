"""`slots._nfc_offsets` (issue 18, round 7): the NFC length of each prefix of a block, cut at ASCII characters,
equals normalising the whole prefix (the spans of an NFD block are moved by it)."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from extractor.slots import _nfc_offsets
from extractor.text.normalize import nfc, nfd

# Vietnamese letters and marks, Hangul jamo that compose, marks that reorder, an ASCII character a mark composes
# with (= + U+0338), characters NFC decomposes (U+0958, U+0F73, U+0344)
_PIECES = st.sampled_from([
    "a", "e", "o", "u", "A", " ", ".", "=", "<", "đ", "ố", nfd("ườ"), nfd("Ệ"), "\u0301", "\u0300", "\u0323", "\u0302",
    "\u0306", "\u031b", "\u0338", "\u05b0", "\u0591", "\u1100", "\u1161", "\u11a8", "\uac00", "\u0958", "\u0f73",
    "\u0344", "\u212b"])


@settings(max_examples=5000, deadline=None)
@given(st.lists(_PIECES, max_size=14).map("".join), st.lists(st.integers(0, 40), max_size=6))
def test_nfc_offsets_equal_normalising_each_prefix(text: str, points: list[int]) -> None:
    got = _nfc_offsets(text, points)
    assert got == {k: len(nfc(text[:k])) for k in points}
