"""`legacy._suspect_in` (the byte-table check `repair_items` makes first) against the regex it stands for, on
every block text of every corpus return and on characters around and beyond Latin-1."""

from __future__ import annotations

from pathlib import Path

import pytest

from extractor import readers
from extractor.model import item_texts
from extractor.text import legacy as L

ROOT = Path(__file__).resolve().parents[1]
CORPUS = sorted((ROOT / "corpora").glob("**/*.docx"))


def _texts(path: Path) -> list[str]:
    return item_texts(readers.read(path).items)


def test_corpus_texts_agree() -> None:
    assert CORPUS
    hits = 0
    for f in CORPUS:
        texts = _texts(f)
        for text in [*texts, "\n".join(texts)]:
            expected = L._SUSPECT.search(text) is not None
            assert L._suspect_in(text) == expected, (f, text)
            hits += expected
    assert hits  # the corpus has suspect text (mojibake returns, bullets)


@pytest.mark.parametrize("text", [
    "", "ascii only", "Việt Nam", "\x00\x7f", "\ud800 lone surrogate", "\U0001f600 beyond the BMP",
    "".join(map(chr, range(0x100))), "".join(map(chr, range(0x100, 0x3000))), "Vieät", "Viá»‡t", "\xb7 bullet",
])
def test_edges_agree(text: str) -> None:
    assert L._suspect_in(text) == (L._SUSPECT.search(text) is not None)


def test_each_character_agrees() -> None:
    for code in range(0x400):
        ch = chr(code)
        for text in (ch, f"ạ{ch}ư", f"{ch}đ"):
            assert L._suspect_in(text) == (L._SUSPECT.search(text) is not None), hex(code)


def test_wide_suspects_fall_back_to_the_regex(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(L, "_NOT_SUSPECT", None)
    assert L._suspect_in("\xb7") == (L._SUSPECT.search("\xb7") is not None)
    assert not L._suspect_in("Việt")
