"""`legacy.foreign_chars`, the bound `document_encoding` checks first: it is never below the number of foreign
words (`Judge.foreign`) of the texts, and `document_encoding` gives what it gives without it, on the block texts
of every corpus return as read (before any repair) and on hand-made texts."""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

import pytest

from extractor.model import Source, item_texts
from extractor.readers import docx as D
from extractor.text import legacy as L

ROOT = Path(__file__).resolve().parents[1]
CORPUS = sorted((ROOT / "corpora").glob("**/*.docx"))


def _texts(path: Path) -> list[str]:
    data = path.read_bytes()
    z = zipfile.ZipFile(io.BytesIO(data))
    items = D.read_docx(data, Source(path=str(path), sha256="", format="docx"), package=z).items
    return [t for t in item_texts(items) if t and not t.isascii()]


def _foreign_words(texts: list[str]) -> int:
    return sum(L.JUDGE.foreign(w) for t in texts for w in L.JUDGE.words(t))


def _unbounded(texts: list[str], monkeypatch: pytest.MonkeyPatch) -> str | None:
    with monkeypatch.context() as m:
        m.setattr(L, "foreign_chars", lambda texts: 2**62)
        return L.document_encoding(texts)


def test_pattern_is_built() -> None:
    assert L._foreign_char() is not None


def test_corpus_bound_and_answer(monkeypatch: pytest.MonkeyPatch) -> None:
    assert CORPUS
    cut = legacy = 0
    for f in CORPUS:
        texts = _texts(f)
        bound = L.foreign_chars(texts)
        assert bound >= _foreign_words(texts), f
        expected = _unbounded(texts, monkeypatch)
        assert L.document_encoding(texts) == expected, f
        cut += bound < L.WHOLE_MIN
        legacy += expected is not None
    assert cut  # the bound decides documents (the legacy returns are decoded by their fonts, not here)


@pytest.mark.parametrize("texts", [
    ["Số lượng · cán bộ · viên chức", "Có · Không"],
    ["mañana señor niño " * 10],  # foreign letters beyond Vietnamese, no mojibake
    ["Hä tªn: NguyÔn V¨n A, ®Þa chØ: Hµ Néi, sè ®iÖn tho¹i " * 3],  # TCVN3 read as Latin-1
    ["Ho\u0323 te\u0302n", "\ufffd\ufffd words \ufffd"],  # decomposed marks, replacement characters
    ["Привет мир " * 12, "中文字符 " * 5],
    [],
])
def test_edges(texts: list[str], monkeypatch: pytest.MonkeyPatch) -> None:
    assert L.foreign_chars(texts) >= _foreign_words(texts)
    assert L.document_encoding(texts) == _unbounded(texts, monkeypatch)


def test_legacy_document_still_found() -> None:
    texts = ["Hä tªn: NguyÔn V¨n A, ®Þa chØ: Hµ Néi, sè ®iÖn tho¹i " * 3]
    assert L.foreign_chars(texts) >= L.WHOLE_MIN
    assert L.document_encoding(texts) == "TCVN3"


def test_word_pattern_is_a_repeated_character() -> None:
    """The bound reads `JUDGE`'s word pattern as a one-character group repeated: every word is that many matches."""
    single = L._foreign_char()
    assert single is not None
    group = L.JUDGE.word_re.pattern[:-1]
    for word in ["Số", "·Có", "®Þa", "mañana", "\ufffdx"]:
        assert len(re.findall(group, word)) == len(word)
