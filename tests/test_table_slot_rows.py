"""The table finder's per-row shortcuts (issue 18, round 12) give what the plain steps gave: a cell's first tests
remembered per its lines (`_simple_cell`), the grid's width read without `Table.ncols`' generator, the label cell
found by index. Checked on every table of the corpus returns and on hand-made cells."""

from __future__ import annotations

import functools
from pathlib import Path

import pytest

from extractor.blanks import split_value_unit, unlead
from extractor.catalogue import load_catalogue
from extractor.model import Block, Cell, Table
from extractor.printed import Printed, build
from extractor.readers import read
from extractor.slots import Slot, stable_units
from extractor.table_slots import (
    _after_sub_label,
    _cell_slots,
    _Grid,
    _has_own_label,
    _is_label_cell,
    _label_index,
    _simple_cell,
    _whole_cell_value,
)

CORPUS = Path(__file__).resolve().parent.parent / "corpora" / "returns"
UNITS = stable_units(load_catalogue().units)
PRINTED = build(["Số máy chủ đang sử dụng", "……máy", "Tường lửa mềm ☐ Tên phần mềm:……………"])


def _both_paths(cell: Cell, printed: Printed | None) -> tuple[list[Slot], list[Slot]]:
    """`_cell_slots` of `cell` through the remembered first tests (units as a tuple) and through the plain steps
    (the same units as a list, which the memo cannot take)."""
    loc = {"row": 1, "cell": 0}
    return (_cell_slots(cell, cell.text, dict(loc), "", UNITS, printed),
            _cell_slots(cell, cell.text, dict(loc), "", list(UNITS), printed))


@functools.lru_cache(maxsize=1)
def _tables() -> list[Table]:
    files = sorted(CORPUS.glob("*.docx"))[::4]
    return [it for f in files for it in read(f).items if isinstance(it, Table) and len(it.rows) > 1]


@pytest.mark.parametrize("lines", [(), ("",), ("X",), ("[x]",), ("✓",), ("☒",), ("☐ Có ☒ Không",), ("15",),
                                   ("…483……máy",), ("89", "1", "7"), ("ADSL: ……", "FTTH: ……"),
                                   ("Số máy chủ đang sử dụng",), ("Fortinet 60F", "X")])
@pytest.mark.parametrize("printed", [None, PRINTED])
def test_a_cells_remembered_first_tests_give_the_plain_steps_slots(lines: tuple[str, ...],
                                                                    printed: Printed | None) -> None:
    fast, plain = _both_paths(Cell(0, 1, [Block(t) for t in lines]), printed)
    assert fast == plain


@pytest.mark.skipif(not CORPUS.is_dir(), reason="corpus returns not built")
def test_row_shortcuts_equal_the_plain_steps_on_corpus_tables() -> None:
    tables = _tables()
    assert tables
    for table in tables:
        grid = _Grid.of(table)
        assert grid.ncols == table.ncols
        assert grid.texts == [[c.text for c in row] for row in table.rows]
        numbering = {0}
        for row, lines, texts in zip(grid.rows, grid.lines, grid.texts, strict=True):
            assert lines == [tuple(b.text for b in c.blocks) for c in row]
            plain = next((k for k, (c, t) in enumerate(zip(row, texts, strict=True)) if c.col not in numbering
                          and _is_label_cell(t) and not any(_has_own_label(b.text, UNITS) for b in c.blocks)), None)
            assert _label_index(row, texts, numbering, UNITS) == plain
            for c, ls, text in zip(row, lines, texts, strict=True):
                for printed in (None, PRINTED):
                    fast, plain = _both_paths(c, printed)
                    assert fast == plain
                    # a plain cell's slot `table_slots` makes itself, without calling `_cell_slots`
                    if _simple_cell(ls, UNITS, printed) == "plain":
                        loc = {"row": 1, "cell": 0}
                        assert _cell_slots(c, text, loc, "", UNITS, printed) == [Slot("cell", "", location=loc)]



def _plain_whole(text: str, subs: tuple[str, ...]) -> Slot:
    """`_whole_cell_value` as it was written out before its memo."""
    s = Slot("cell", "row")
    raw = " ".join(unlead(text).split())
    if raw:
        raw_value, unit = split_value_unit(raw, UNITS)
        if not raw_value[:1].isdigit():
            raw_value, unit = raw, ""
        s.raw, s.unit_text = raw_value or None, unit or None
        split = _after_sub_label(s.raw or "", subs)
        if split is not None:
            s.label, s.raw = split
    return s


def _whole(text: str, subs: tuple[str, ...]) -> Slot:
    s = Slot("cell", "row")
    _whole_cell_value(s, text, UNITS, subs)
    return s


@pytest.mark.parametrize("text", ["", " … ", "150 chiếc.", "…74……… máy", "Leased Line 93,8", "Leased Line",
                                  "Kaspersky", "1063/KH-SYT", "12 máy\n3"])
@pytest.mark.parametrize("subs", [(), ("Leased Line",), ("Leased Line", "ADSL")])
def test_a_whole_cells_remembered_value_equals_the_plain_reading(text: str, subs: tuple[str, ...]) -> None:
    assert _whole(text, subs) == _plain_whole(text, subs)


@pytest.mark.skipif(not CORPUS.is_dir(), reason="corpus returns not built")
def test_whole_cell_values_equal_the_plain_reading_on_corpus_cells() -> None:
    for table in _tables():
        for row in table.rows:
            for c in row:
                for subs in ((), ("Leased Line",)):
                    assert _whole(c.text, subs) == _plain_whole(c.text, subs)
