"""Table cells (`extractor.table_slots`) under each clerk habit, on small tables built by hand: group titles next to
an added column, numbers before or after a cell's dots, lines of a multi-line cell, option blanks in a checkbox
cell, a sub-label typed with its value; and list-table columns tied to their headers (`Matcher._list_fit`)."""

from __future__ import annotations

import numpy as np

from extractor.answers import read_answer
from extractor.catalogue import Keys, TemplateSlot, load_catalogue
from extractor.matching import Matcher, _aligned_pairs
from extractor.printed import build
from extractor.slots import find_slots
from tests.test_slots import brief, doc, grid, opts, slots_of

UNITS = load_catalogue().units
HEAD = ["TT", "Tên thiết bị", "Khối Văn phòng Sở", "Tổng số"]


def cells(slots: list, *keys: str) -> list[tuple]:
    return brief([s for s in slots if s.kind != "label"], *keys)


# -- group titles and added columns ------------------------------------------------------------------
def test_a_group_title_one_column_short_of_an_added_column_is_no_data_row() -> None:
    table = grid([["TT", "Nhóm dịch vụ", "Tên dịch vụ", "Số lượng", "Ghi chú"],
                  ["A", ("DỊCH VỤ CÔNG TRỰC TUYẾN CẤP TỈNH", 3)],  # the title spans the form's columns only
                  ["1", "Lĩnh vực xây dựng", "Cấp phép xây dựng", "19", "Triển khai năm 2019"]])
    slots = slots_of(table)
    assert {s.row for s in slots} == {1}
    assert ("Cấp phép xây dựng", "Tên dịch vụ", 1) in cells(slots, "raw", "column", "row")
    assert ("Triển khai năm 2019", "Ghi chú", 1) in cells(slots, "raw", "column", "row")  # the added column
    assert all(s.column != "DỊCH VỤ CÔNG TRỰC TUYẾN CẤP TỈNH" for s in slots)  # a title names no column


def test_the_item_numbers_of_a_list_left_blank_are_no_values() -> None:
    table = grid([["TT", "Nhóm dịch vụ", "Tên dịch vụ", "Số lượng"],
                  ["(1)", "(2)", "(3)", "(4)"],
                  ["1", "", "", ""], ["2", "", "", ""], ["3", "", "", ""]])
    raws = [s.raw for s in slots_of(table) if s.raw]
    assert raws == []  # the printed row numbers of empty rows: nothing typed, nothing to review


def test_a_wide_cell_with_boxes_is_no_group_title() -> None:
    table = grid([HEAD, ["1", "Có tường lửa không?", "☒ Có ☐ Không", ""],
                  ["", "", ("Tường lửa cứng ☒ Tên thiết bị: Fortinet 60F", 2)]])
    slots = slots_of(table)
    assert ("Tên thiết bị", "Fortinet 60F") in cells(slots, "label", "raw")


# -- numbers around a cell's dots ----------------------------------------------------------------------
def test_a_number_before_a_cells_dots_is_its_value() -> None:  # before_short_leader
    slots = slots_of(grid([HEAD, ["1", "Số máy tính xách tay", "22 ….... máy", "…74……… máy"]]))
    assert cells(slots, "label", "raw") == [("Số máy tính xách tay", "22"), ("Số máy tính xách tay", "74")]


def test_a_value_alone_after_a_cells_dots_is_read_once() -> None:  # after_leader
    slots = slots_of(grid([["Văn bản", "Số, ký hiệu"], ["Kế hoạch ứng dụng CNTT", "……………1063/KH-SYT"]]))
    (cell,) = [s for s in slots if s.kind == "cell"]
    assert (cell.raw, cell.extra) == ("1063/KH-SYT", None)
    spec = load_catalogue().fields["policy.ministry_security_rules.ref"]
    assert read_answer(cell, spec).value == "1063/KH-SYT"


def test_words_typed_before_a_printed_unit_are_the_value() -> None:
    printed = build(["……máy", "Số máy chủ đang sử dụng"])
    table = grid([HEAD, ["1", "Số máy chủ đang sử dụng", "không có ……máy", "3 máy"]])
    slots = find_slots(doc(table), UNITS, printed)
    assert cells(slots, "label", "raw") == [("Số máy chủ đang sử dụng", "không có"), ("Số máy chủ đang sử dụng", "3")]


def test_a_value_glued_after_a_printed_label_colon_is_split_off() -> None:  # before_short_leader, sub-label
    printed = build(["Khác (ghi rõ):……"])
    table = grid([HEAD, ["1", "Sao lưu dữ liệu?", "☐ USB Box ☒ Đĩa CD/DVD\nKhác (ghi rõ):Phần mềm Kaspersky ....", ""]])
    slots = find_slots(doc(table), UNITS, printed)
    assert ("Khác (ghi rõ)", "Phần mềm Kaspersky") in cells(slots, "label", "raw")


# -- multi-line cells ----------------------------------------------------------------------------------
def test_unlabelled_lines_take_the_sub_labels_of_their_row() -> None:  # replaced_leader, space_only in lines
    table = grid([HEAD, ["10", "Máy tính kết nối internet", "…483……máy\nADSL:1\nFTTH:….3……", "…503……\n…..2....\n15"]])
    total = [s for s in slots_of(table) if s.column == "Tổng số"]
    assert brief(total, "label", "raw") == [("Máy tính kết nối internet", "503"), ("ADSL", "2"), ("FTTH", "15")]


def test_numbers_on_lines_of_their_own_are_a_value_each() -> None:
    table = grid([HEAD, ["10", "Máy tính kết nối internet", "…483……máy\nADSL:1\nFTTH:3", "89\n1\n7"]])
    total = [s for s in slots_of(table) if s.column == "Tổng số"]
    assert brief(total, "label", "raw") == [("Máy tính kết nối internet", "89"), ("ADSL", "1"), ("FTTH", "7")]


def test_a_sub_label_typed_with_its_value_and_no_colon_is_a_value_cell() -> None:  # space_only in a cell
    table = grid([["Cấp tỉnh", "Cấp huyện", "Cấp xã"], ["Leased Line:31", "Leased Line 93,8", "Leased Line:43"],
                  ["FTTH:…710……", "FTTH:341", "FTTH:417"]])
    slots = slots_of(table)
    first = [s for s in slots if s.row == 1]
    assert brief(first, "kind", "label", "column", "raw") == [
        ("cell", "Leased Line", "Cấp tỉnh", "31"), ("cell", "Leased Line", "Cấp huyện", "93,8"),
        ("cell", "Leased Line", "Cấp xã", "43")]


# -- checkbox cells --------------------------------------------------------------------------------------
def test_a_cell_of_boxes_and_a_blank_line_keeps_both() -> None:  # cell_choice with several ticks
    boxes = "SAN/NAS/DAS ☐  USB Box x☐  Đĩa CD/DVD ☒\nKhác (nêu tên):....."
    table = grid([HEAD, ["14", "Thiết bị sao lưu?", boxes, ""]])
    slots = slots_of(table)
    (choice,) = [s for s in slots if s.kind == "choice"]
    assert opts(choice) == [("SAN/NAS/DAS", False, "box"), ("USB Box", True, "typed_x"), ("Đĩa CD/DVD", True, "box")]
    assert ("Khác (nêu tên)", None) in cells(slots, "label", "raw")


def test_the_blank_inside_a_ticked_option_is_a_slot_of_its_own() -> None:
    options = "Tường lửa cứng ☒ Tên, loại thiết bị:……Fortinet 60F……\nTường lửa mềm ☐ Tên phần mềm:……"
    table = grid([HEAD, ["13", "Có tường lửa không?", "☒ Có ☐ Không", ""], ["", "", (options, 2)]])
    slots = slots_of(table)
    got = [s for s in slots if s.row == 2 and s.kind == "cell" and s.label.startswith("Tên")]
    assert brief(got, "label", "raw", "context") == [("Tên, loại thiết bị", "Fortinet 60F", "Có tường lửa không"),
                                                     ("Tên phần mềm", None, "Có tường lửa không")]


# -- list tables: columns tied to their headers ------------------------------------------------------------
def _tslot(field: str, label: str, index: int, form: str = "f001") -> TemplateSlot:
    k = Keys.of(label)
    return TemplateSlot(form, index, field, "list", "text", label, label, "", label, None, "svc", k, k, k, [], "", "")


def test_an_added_column_never_shifts_its_neighbours() -> None:  # extra_column
    cols = [_tslot("svc.units", "Số lượng UBND đã triển khai", 1), _tslot("svc.rate", "Tỷ lệ UBND đã triển khai", 2),
            _tslot("svc.files", "Số hồ sơ đã giải quyết", 3)]
    headers = ["Số UBND cấp huyện đã triển khai", "Ghi chú của đơn vị", "Tỷ lệ UBND cấp huyện đã sử dụng",
               "Số hồ sơ đã giải quyết qua mạng"]
    col_map, _ = Matcher(load_catalogue())._list_fit(headers, cols, "f001")
    assert {h: t.field for h, t in col_map.items()} == {headers[0]: "svc.units", headers[2]: "svc.rate",
                                                        headers[3]: "svc.files"}


def test_another_forms_column_does_not_make_the_counts_agree() -> None:
    cols = [_tslot("app.name", "Tên ứng dụng", 1), _tslot("app.owner", "Đơn vị chủ trì quản lý sử dụng", 2),
            _tslot("app.builder", "Cơ quan xây dựng ứng dụng", 0, form="f004")]
    headers = ["Tên ứng dụng", "Đơn vị chủ trì quản lý", "Đơn vị cung cấp"]  # the last one added by the clerk
    col_map, _ = Matcher(load_catalogue())._list_fit(headers, cols, "f001")
    got = {h: t.field for h, t in col_map.items()}
    assert (got[headers[0]], got[headers[1]]) == ("app.name", "app.owner")  # not by position: no shift


def test_aligned_pairs_keep_order_and_skip_weak_pairs() -> None:
    m = np.array([[0.9, 0.5, 0.1], [0.2, 0.3, 0.2], [0.1, 0.8, 0.7]])
    assert _aligned_pairs(m) == [(0, 0), (2, 1)]


def test_a_line_ticked_with_a_typed_mark_joins_the_box_lines_of_its_cell() -> None:  # bracket_x, typed_x
    options = "Tường lửa cứng [x] Tên thiết bị: Fortinet\nTường lửa mềm ☐ Tên phần mềm:……"
    table = grid([HEAD, ["13", "Có tường lửa không?", "☒ Có ☐ Không", ""], ["", "", (options, 2)]])
    choice = [s for s in slots_of(table) if s.kind == "choice" and s.row == 2]
    assert [o.checked for o in choice[0].options] == [True, False]


def test_a_number_the_label_cleaner_would_take_for_an_item_number_is_the_value() -> None:
    slots = slots_of(grid([["Tiêu chí", "Số lượng đăng tải"], ["Ý kiến chỉ đạo, điều hành", "1.500 ……"]]))
    assert cells(slots, "raw") == [("1.500",)]


def test_an_option_typed_over_its_printed_blank_without_colon_gives_the_value() -> None:  # space_only in options
    printed = build(["Tường lửa mềm ☐ Tên phần mềm:……………"])
    options = "Tường lửa cứng ☐ Tên thiết bị:……\nTường lửa mềm ☒  Tên phần mềm Fortinet FortiGate 60F"
    table = grid([HEAD, ["13", "Có tường lửa không?", "☒ Có ☐ Không", ""], ["", "", (options, 2)]])
    slots = find_slots(doc(table), UNITS, printed)
    assert ("Tên phần mềm", "Fortinet FortiGate 60F") in cells(slots, "label", "raw")
