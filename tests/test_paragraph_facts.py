"""`slots._paragraph_facts`: the one look-up `find_slots` makes per paragraph (issue 18) gives what each of the
per-text functions it stands for gives, on corpus paragraphs (bold or not, with and without printed lines)."""

from __future__ import annotations

from pathlib import Path

from extractor.model import Block, Table
from extractor.pipeline import load_printed, read
from extractor.slots import (
    _count_candidate_text,
    _has_tick,
    _has_typed_mark,
    _heading_level,
    _paragraph_facts,
    has_box,
)


def slow(text: str, bold: bool, printed: object) -> tuple:
    """Each fact by its own function (a heading is asked nothing else)."""
    level = _heading_level.__wrapped__(text, bold)
    if level:
        return level, None, False, False, False
    boxed = has_box(text)
    return (level, _count_candidate_text.__wrapped__(text, printed), boxed,
            not boxed and _has_tick.__wrapped__(text), _has_typed_mark.__wrapped__(text))


def corpus_blocks() -> list[Block]:
    files = sorted(Path("corpora/returns").glob("*.docx"))[::15][:14]
    out: list[Block] = []
    for f in files:
        for it in read(f).items:
            if isinstance(it, Table):
                out += [b for row in it.rows for c in row for b in c.blocks]
            else:
                out.append(it)
    return out


def test_corpus_paragraphs_get_each_fact() -> None:
    printed = load_printed()
    blocks = corpus_blocks()
    texts = {(b.text, b.bold) for b in blocks}
    assert len(texts) > 300
    seen = [0, 0, 0, 0, 0]
    for text, bold in texts:
        for pr in (printed, None):
            facts = _paragraph_facts(text, bold, pr)
            assert facts == slow(text, bold, pr)
        seen = [n + bool(f) for n, f in zip(seen, facts, strict=True)]
    assert all(seen[k] for k in (0, 1, 2))  # headings, count lines and boxes are among them


def test_edge_paragraphs() -> None:
    printed = load_printed()
    for text in ("", "   ", "X Tài liệu họp", "☐ 0 Chuyên trách  ☐ 2 Phụ trách", "MỤC 2. HẠ TẦNG", "x☐ Không",
                 "Họ và tên: ……", "[x] Có"):
        for bold in (True, False):
            assert _paragraph_facts(text, bold, printed) == slow(text, bold, printed)
