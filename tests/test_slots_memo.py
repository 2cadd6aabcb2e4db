"""The slot finder's per-text memos and cheap tests (issue 18): each gives what the plain computation gives, a
remembered reading is never changed by its caller, and the units key is the catalogue's tuple hashed once."""

from __future__ import annotations

from extractor.blanks import stable_units
from extractor.model import CHECKED_BOX, EMPTY_BOX, UNKNOWN_BOX, Block
from extractor.printed import build
from extractor.slots import _heading_level, find_slots, has_box, is_heading
from extractor.table_slots import _Grid, _lone_tick, _plain_cell
from tests.test_slots import UNITS, doc, grid, p

PRINTED = build(["Số máy tính: ……… chiếc", "Họ và tên: ………"])


def test_has_box_finds_each_box_glyph_anywhere() -> None:
    for box in (EMPTY_BOX, CHECKED_BOX, UNKNOWN_BOX):
        assert has_box(f"Có {box} Không")
        assert has_box(box)
    assert not has_box("Có [x] Không ……")
    assert not has_box("")


def test_stable_units_are_one_object_equal_to_the_catalogue_tuple() -> None:
    units = tuple(UNITS)
    kept = stable_units(units)
    assert kept == units and isinstance(kept, tuple)
    assert stable_units(units) is kept  # the memos see one key, hashed by identity
    assert stable_units(kept) is kept
    as_list = list(units)
    assert stable_units(as_list) is as_list  # a list is no memo key: left as it is


def test_heading_level_is_the_section_rule() -> None:
    assert _heading_level("MỤC 2. HẠ TẦNG KỸ THUẬT CNTT", True) == 1
    assert _heading_level("1. Trang bị máy tính", True) == 2
    assert _heading_level("1. Trang bị máy tính", False) == 0  # a sub-heading is bold
    assert _heading_level("Tổng số máy tính: ……150……", True) == 0  # dots: a blank, never a heading
    assert _heading_level("   ", True) == 0
    assert is_heading(Block("PHẦN I. THÔNG TIN CHUNG", bold=True))


def test_lone_tick_is_one_mark_only() -> None:
    assert _lone_tick(" X ")
    assert _lone_tick("[x]")
    assert not _lone_tick("X X")
    assert not _lone_tick("Xã")
    assert not _lone_tick("")


def test_plain_cell_is_a_cell_without_a_blank_of_its_own() -> None:
    units = stable_units(tuple(UNITS))
    assert _plain_cell(("Nguyễn Văn A",), units, PRINTED)
    assert _plain_cell(("", "Sở Y tế"), units, None)
    assert not _plain_cell(("ADSL: ……",), units, PRINTED)  # dots: the cell's own blank
    assert not _plain_cell(("89", "1", "7"), units, PRINTED)  # a column of numbers: a value a line
    assert not _plain_cell(("Số máy tính: 12 chiếc",), units, PRINTED)  # a label and its value


def test_grid_reads_each_cell_text_and_group_title_once() -> None:
    table = grid([["TT", "Nhóm dịch vụ", "Tên dịch vụ", "Số lượng"],
                  ["A", ("DỊCH VỤ CÔNG TRỰC TUYẾN", 3)],
                  ["1", "Lĩnh vực xây dựng", "Cấp phép\nxây dựng", "19"]])
    g = _Grid.of(table)
    assert g.texts[2] == ["1", "Lĩnh vực xây dựng", "Cấp phép\nxây dựng", "19"]
    assert g.titles[0] is None and g.titles[2] is None
    assert g.titles[1] is table.rows[1][1]
    assert g.ncols == 4


def test_a_second_reading_of_the_same_document_gives_the_same_slots() -> None:
    """The memos hand out shared readings: a caller that changed one would change the next document's slots."""
    def items() -> list:
        return [p("Số máy tính: ……12…… chiếc"), p("Họ và tên Nguyễn Văn A"),
                grid([["TT", "Nội dung", "Số lượng"], ["1", "ADSL: ……5……", "3"], ["2", "Máy chủ", "X"]]),
                p(f"Có {CHECKED_BOX}  Không {EMPTY_BOX}")]

    first = [s.to_dict() for s in find_slots(doc(*items()), UNITS, PRINTED)]
    again = [s.to_dict() for s in find_slots(doc(*items()), UNITS, PRINTED)]
    assert first == again
    assert any(s["raw"] == "12" for s in first)
