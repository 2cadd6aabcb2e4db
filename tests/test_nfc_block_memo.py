"""`slots._nfc_block` remembers an NFD block's NFC text and moved span points per text and points (`_nfc_moved`,
issue 18 round 9): a block that comes back gets what the plain steps give."""

from __future__ import annotations

import unicodedata

from extractor.model import Block, Span
from extractor.slots import _nfc_block, _nfc_offsets


def test_a_block_in_nfd_moves_its_spans_the_same_when_its_text_comes_back() -> None:
    text = unicodedata.normalize("NFD", "Số lượng: …… người, Tỷ lệ")
    spans = [Span(0, 6, "bold"), Span(10, len(text), "highlight")]
    want_at = _nfc_offsets(text, [0, 6, 10, len(text)])
    for _ in range(2):
        got = _nfc_block(Block(text=text, spans=list(spans)))
        assert got.text == unicodedata.normalize("NFC", text)
        assert got.spans == [Span(want_at[s.start], want_at[s.end], s.style) for s in spans]
        assert got.spans is not spans


def test_a_block_without_spans() -> None:
    text = unicodedata.normalize("NFD", "Họ và tên: ……")
    assert _nfc_block(Block(text=text)).text == unicodedata.normalize("NFC", text)
