"""The table finder's column tests (issue 18, round 5) give what they gave before their shortcuts: item-number
columns gather cells only under short headers (the only ones that can qualify), option columns gather the data
cells only once a parent header has two adjacent sub-columns. Checked on every table of the corpus returns."""

from __future__ import annotations

import functools
from pathlib import Path

import pytest

from extractor.model import Table
from extractor.readers import read
from extractor.table_slots import (
    _NUMBERING_CELL,
    _bare,
    _Grid,
    _header_rows,
    _is_tick_cell,
    _numbering_columns,
    _option_columns,
)
from extractor.text.normalize import clean_label

CORPUS = Path(__file__).resolve().parent.parent / "corpora" / "returns"


def _plain_numbering(grid: _Grid, nhead: int, col_header: list[str]) -> set[int]:
    cols: dict[int, list[str]] = {}
    for row, texts, title in zip(grid.rows[nhead:], grid.texts[nhead:], grid.titles[nhead:], strict=True):
        filled = [t.strip() for t in texts if t.strip()]
        if title is not None or (len(filled) == 1 and not _NUMBERING_CELL.fullmatch(filled[0])):
            continue
        for c, t in zip(row, texts, strict=True):
            cols.setdefault(c.col, []).append(_bare(t))
    return {col for col, texts in cols.items()
            if len(col_header[col]) <= 5 and any(texts) and all(_NUMBERING_CELL.fullmatch(t) for t in texts)}


def _plain_options(grid: _Grid, nhead: int, col_header: list[str]) -> dict[int, tuple[str, str]]:
    by_parent: dict[str, list[int]] = {}
    for k, h in enumerate(col_header):
        if " / " in h:
            by_parent.setdefault(h.rsplit(" / ", 1)[0], []).append(k)
    out: dict[int, tuple[str, str]] = {}
    pairs = [(c, t) for row, texts in zip(grid.rows[nhead:], grid.texts[nhead:], strict=True)
             for c, t in zip(row, texts, strict=True)]
    for cols in by_parent.values():
        if len(cols) < 2 or cols != list(range(cols[0], cols[-1] + 1)):
            continue
        cells = [t for c, t in pairs if c.col in cols and c.colspan == 1]
        if cells and all(_is_tick_cell(t) for t in cells) and any(t.strip() for t in cells):
            out.update({k: tuple(col_header[k].rsplit(" / ", 1)) for k in cols})  # type: ignore[misc]
    return out


def _headers(grid: _Grid, nhead: int) -> list[str]:
    """`table_slots`' column headers (the same steps)."""
    ncols = grid.ncols
    col_header = [""] * ncols
    for row, texts, title in zip(grid.rows[:nhead], grid.texts, grid.titles, strict=False):
        if title is not None:
            continue
        for c, text in zip(row, texts, strict=True):
            t = clean_label(text)
            if t and c.colspan < ncols - 1:
                for k in range(c.col, min(ncols, c.col + c.colspan)):
                    parent = col_header[k] if c.colspan == 1 and col_header[k] and t not in col_header[k] else ""
                    col_header[k] = f"{parent} / {t}" if parent else t
    return col_header


@functools.lru_cache(maxsize=1)
def _tables() -> list[Table]:
    files = sorted(CORPUS.glob("*.docx"))[::4]
    return [it for f in files for it in read(f).items if isinstance(it, Table) and len(it.rows) > 1]


@pytest.mark.skipif(not CORPUS.is_dir(), reason="corpus returns not built")
def test_column_tests_equal_the_plain_ones_on_corpus_tables() -> None:
    tables = _tables()
    assert tables
    for table in tables:
        grid = _Grid.of(table)
        nhead = _header_rows(grid)
        for header in (_headers(grid, nhead), ["TT"] * grid.ncols, [""] * grid.ncols):
            assert _numbering_columns(grid, nhead, header) == _plain_numbering(grid, nhead, header)
            found = _option_columns(grid, nhead, header)
            assert found == _plain_options(grid, nhead, header)
        # sub-columns under one parent: the option test gathers the cells
        parented = [f"Đánh dấu / {k}" for k in range(grid.ncols)]
        assert _option_columns(grid, nhead, parented) == _plain_options(grid, nhead, parented)
