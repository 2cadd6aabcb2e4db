"""`slots._all_nfc` (a table's texts checked joined by line feeds, issue 18 round 9) says what checking each text
says, whatever marks begin or end the texts."""

from __future__ import annotations

import unicodedata

from hypothesis import given, settings
from hypothesis import strategies as st

from extractor.slots import _all_nfc

_PIECES = st.sampled_from(["a", "e", "E", " ", "\n", "\u0301", "\u0300", "\u0323", "\u0302", "\u0306", "ế", "ệ", "Đ",
                           "\u1100", "\u1161", "\u11a8", "가", "\u0338", "=", "\u212b", "q", "\u0345", "ι", "\u0308"])


def _each(texts: list[str]) -> bool:
    return all(unicodedata.is_normalized("NFC", t) for t in texts)


@settings(max_examples=1500, deadline=None)
@given(st.lists(st.lists(_PIECES, max_size=6).map("".join), max_size=5))
def test_joined_check_equals_each_text_checked(texts: list[str]) -> None:
    assert _all_nfc(texts) == _each(texts)


@settings(max_examples=600, deadline=None)
@given(st.lists(st.text(max_size=8), max_size=5))
def test_joined_check_of_any_texts(texts: list[str]) -> None:
    assert _all_nfc(texts) == _each(texts)


def test_a_mark_beginning_a_text_does_not_compose_across_the_join() -> None:
    assert _all_nfc(["e", "\u0301"]) and not _all_nfc(["e\u0301"]) and _all_nfc([])


def test_a_block_in_nfd_moves_its_spans_the_same_when_its_text_comes_back() -> None:
    """`_nfc_block` remembers the NFC text and moved span points per text and points (`_nfc_moved`)."""
    from extractor.model import Block, Span
    from extractor.slots import _nfc_block, _nfc_offsets

    text = unicodedata.normalize("NFD", "Số lượng: …… người, Tỷ lệ")
    spans = [Span(0, 6, "bold"), Span(10, len(text), "highlight")]
    want_at = _nfc_offsets(text, [0, 6, 10, len(text)])
    for _ in range(2):
        got = _nfc_block(Block(text=text, spans=list(spans)))
        assert got.text == unicodedata.normalize("NFC", text)
        assert got.spans == [Span(want_at[s.start], want_at[s.end], s.style) for s in spans]
