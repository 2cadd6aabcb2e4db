"""The label cleaners' plain shortcuts (issue 18, round 4) give what the regexes give: `clean_text` skips the
NFC, invisible-character, glyph and leader passes of an ASCII text (only ``..`` and ``__`` can be leaders there)
and the leader pass of a text without a leader character; `clean_label` tries the numbering pattern only when the
first characters allow it (`_may_be_numbered`)."""

from __future__ import annotations

import sys

from hypothesis import given, settings
from hypothesis import strategies as st

from extractor.catalogue import load_catalogue
from extractor.text.normalize import (
    _GLYPHS_RE,
    _INVISIBLE_OR_GLYPH_RE,
    _INVISIBLE_RE,
    _LEADER_RE,
    _NUMBERING_RE,
    _TRAILING,
    _may_be_numbered,
    _squeeze,
    clean_label,
    clean_text,
    nfc,
)
from tests.test_number_reading_paths import _corpus_texts


def _plain_clean_text(text: str) -> str:
    """`clean_text` as it was: every pass on every text."""
    s = _INVISIBLE_RE.sub("", nfc(text))
    s = _GLYPHS_RE.sub(" ", s)
    s = _LEADER_RE.sub(" ", s)
    return _squeeze(s)


def _plain_clean_label(text: str) -> str:
    """`clean_label` as it was: the numbering pattern tried on every text."""
    s = _plain_clean_text(text)
    for _ in range(4):
        stripped = _NUMBERING_RE.sub("", s, count=1)
        if stripped == s:
            break
        s = stripped
    return s.rstrip(_TRAILING)


def _check(text: str) -> None:
    assert clean_text(text) == _plain_clean_text(text), text
    assert clean_label(text) == _plain_clean_label(text), text


_PIECES = st.sampled_from(["1.", "1.2.", "2.2.2", "10.1.", "1)", "a)", "a.", "đ.", "A.", "I.", "IV.", "ii)", "iv",
                           "MỤC 2.", "-", "+", "*", "•", "–", "▪", " ", "  ", "\u00a0", "\u200b", "\u00ad", ".", "..",
                           "…", "‥", "⋯", "_", "__", ":", "?", "：", "☐", "☒", "\uf0a8", "Số lượng", "so luong",
                           "CBCCVC", "(", ")", "x", "Tổng", "12", "\u0301", "o\u0302\u0301", "\t", "\n"])
_TEXTS = st.one_of(st.lists(_PIECES, max_size=8).map("".join), st.text(max_size=20),
                   st.text(alphabet=st.characters(max_codepoint=127), max_size=20))


@settings(max_examples=3000, deadline=None)
@given(_TEXTS)
def test_clean_text_and_label_equal_the_plain_passes(text: str) -> None:
    _check(text)


def test_clean_text_and_label_on_corpus_and_catalogue_texts() -> None:
    cat = load_catalogue()
    labels = {t.label for f in cat.forms.values() for t in f.slots}
    texts = sorted(labels | set(_corpus_texts()))
    assert len(texts) > 1000
    for text in texts:
        _check(text)


def test_may_be_numbered_is_false_only_where_numbering_cannot_match() -> None:
    """Every character, alone and before each ending numbering can have: no match where the test says none."""
    endings = ["", ".", ")", " ", "a.", "IV.", "12.", "abcdef.", "abcdefg)"]
    for code in range(sys.maxunicode + 1):
        c = chr(code)
        if 0xD800 <= code <= 0xDFFF:
            continue
        for ending in endings:
            s = c + ending
            if not _may_be_numbered(s):
                assert _NUMBERING_RE.match(s) is None, repr(s)


def test_one_scan_finds_what_the_invisible_and_glyph_passes_remove() -> None:
    """`_INVISIBLE_OR_GLYPH_RE` matches a character exactly when one of the two passes would take it."""
    for code in range(sys.maxunicode + 1):
        c = chr(code)
        either = _INVISIBLE_RE.match(c) is not None or _GLYPHS_RE.match(c) is not None
        assert (_INVISIBLE_OR_GLYPH_RE.match(c) is not None) == either, hex(code)
