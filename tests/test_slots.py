"""Slots of a document (`extractor.slots.find_slots`), on small `Document`s built by hand: sections, checkbox
groups in their layouts, grid and list tables, labels inside cells, answers under a question."""

from __future__ import annotations

from typing import Any

import pytest

from extractor.catalogue import load_catalogue
from extractor.model import Block, Cell, Document, Source, Table
from extractor.printed import build, load_printed
from extractor.slots import Option, Slot, find_slots

UNITS = load_catalogue().units


# -- builders ------------------------------------------------------------------------------------------
def doc(*items: Block | Table) -> Document:
    """A document of these items, each block numbered in order like the DOCX reader does."""
    for n, item in enumerate(items):
        item.location = {"part": "body", "block": n}
    return Document(Source("mini.docx", "0" * 64, "docx"), list(items))


def p(text: str, bold: bool = False) -> Block:
    return Block(text, bold=bold)


def grid(rows: list[list[Any]], bold: set[tuple[int, int]] = frozenset()) -> Table:  # type: ignore[assignment]
    """A table from rows of cell texts; `(text, colspan)` for a merged cell, `\\n` for paragraphs in a cell,
    `bold` the (row, column) positions whose text is bold."""
    out = []
    for r, row in enumerate(rows):
        cells, c = [], 0
        for x in row:
            text, span = x if isinstance(x, tuple) else (x, 1)
            cells.append(Cell(r, c, [Block(t, bold=(r, c) in bold) for t in text.split("\n")], colspan=span))
            c += span
        out.append(cells)
    return Table(out)


def slots_of(*items: Block | Table) -> list[Slot]:
    return find_slots(doc(*items), UNITS)


def brief(slots: list[Slot], *keys: str) -> list[tuple[Any, ...]]:
    return [tuple(getattr(s, k) for k in keys) for s in slots]


def opts(slot: Slot) -> list[tuple[str, bool | None, str]]:
    return [(o.text, o.checked, o.mark) for o in slot.options or []]


# -- sections ------------------------------------------------------------------------------------------
def test_bold_headings_set_the_section_path() -> None:
    slots = slots_of(
        p("MỤC 2. HẠ TẦNG KỸ THUẬT CNTT", bold=True),
        p("1. Trang bị máy tính", bold=True),
        p("Tổng số máy tính: …...150.....chiếc"),
        p("2. Kết nối mạng", bold=True),
        p("Số mạng LAN: ……3……"),
        p("MỤC 3. NHÂN LỰC CNTT", bold=True),
        p("Số cán bộ chuyên trách: ……"),
    )
    assert brief(slots, "label", "section", "raw", "unit_text") == [
        ("Tổng số máy tính", "MỤC 2. HẠ TẦNG KỸ THUẬT CNTT / 1. Trang bị máy tính", "150", "chiếc"),
        ("Số mạng LAN", "MỤC 2. HẠ TẦNG KỸ THUẬT CNTT / 2. Kết nối mạng", "3", None),
        ("Số cán bộ chuyên trách", "MỤC 3. NHÂN LỰC CNTT", None, None),  # a new heading clears the sub-heading
    ]


@pytest.mark.parametrize(("heading", "bold"), [
    ("MỤC 1. THÔNG TIN CHUNG", False),  # short "MỤC n." lines need no bold
    ("PHẦN II. ỨNG DỤNG CNTT", True),
    ("A. TÌNH HÌNH CHUNG", False),
    ("IV. ĐẦU TƯ CHO CNTT", True),
    ("THÔNG TIN VỀ CƠ QUAN", True),  # a bold line in capitals
])
def test_heading_shapes(heading: str, bold: bool) -> None:
    (slot,) = slots_of(p(heading, bold=bold), p("Tên cơ quan: ……Sở Tư pháp……"))
    assert slot.section == heading
    assert (slot.label, slot.raw) == ("Tên cơ quan", "Sở Tư pháp")


def test_numbered_lines_that_are_not_headings() -> None:
    slots = slots_of(
        p("MỤC 1. THÔNG TIN CHUNG", bold=True),
        p("1. Số cán bộ: ……12……"),  # not bold: a question, not a sub-heading
        p("2. Hạ tầng mạng:", bold=True),  # bold but ends with ':' — a question over its answer
        p("Loại kết nối: ☐ ADSL\t☒ Cáp quang"),
    )
    assert {s.section for s in slots} == {"MỤC 1. THÔNG TIN CHUNG"}
    assert ("Số cán bộ", "12") in brief(slots, "label", "raw")
    choice = next(s for s in slots if s.kind == "choice")
    assert (choice.label, choice.context) == ("Loại kết nối", "Hạ tầng mạng")


# -- checkbox groups -----------------------------------------------------------------------------------
def test_inline_checkbox_group() -> None:
    slots = slots_of(p("MỤC 2. HẠ TẦNG", bold=True), p("Hình thức kết nối Internet: ☐ ADSL\t☒ Cáp quang\t☐ Khác"))
    (slot,) = slots
    assert (slot.kind, slot.label, slot.section, slot.raw) == ("choice", "Hình thức kết nối Internet", "MỤC 2. HẠ TẦNG",
                                                               None)
    assert opts(slot) == [("ADSL", False, "box"), ("Cáp quang", True, "box"), ("Khác", False, "box")]


def test_inline_group_under_its_question() -> None:
    """Boxes alone on the line below the question: the question is the label."""
    slots = slots_of(p("Hình thức kết nối Internet"), p("☐ ADSL\t☒ Cáp quang\t☐ Khác"))
    (slot,) = [s for s in slots if s.kind == "choice"]
    assert slot.label == "Hình thức kết nối Internet"
    assert [o.text for o in slot.options or []] == ["ADSL", "Cáp quang", "Khác"]


def test_list_layout_one_paragraph_per_option() -> None:
    slots = slots_of(
        p("Cơ quan sử dụng hình thức kết nối Internet nào?"),
        p("☐ ADSL"),
        p("☒ Cáp quang FTTH"),
        p("☒ Kênh thuê riêng (Leased line)"),
        p("Số máy tính kết nối Internet: ……45……"),
    )
    assert brief(slots, "kind", "label") == [("choice", "Cơ quan sử dụng hình thức kết nối Internet nào"),
                                             ("blank", "Số máy tính kết nối Internet")]
    choice = slots[0]
    assert opts(choice) == [("ADSL", False, "box"), ("Cáp quang FTTH", True, "box"),
                            ("Kênh thuê riêng (Leased line)", True, "box")]
    assert choice.location.get("blocks") == 3  # the group spans the three option paragraphs
    assert slots[1].raw == "45"


def test_list_layout_after_a_question_with_colon() -> None:
    """The question line may also come back as an (empty) blank; the group keeps the question as label."""
    slots = slots_of(p("Hình thức kết nối Internet của cơ quan:"), p("☐ ADSL"), p("☒ Cáp quang"), p("☐ Khác"))
    choices = [s for s in slots if s.kind == "choice"]
    assert len(choices) == 1 and choices[0].label == "Hình thức kết nối Internet của cơ quan"
    assert [o.text for o in choices[0].options or [] if o.checked] == ["Cáp quang"]
    assert all(s.raw is None for s in slots if s.kind == "blank")


@pytest.mark.parametrize(("line", "expected"), [
    ("Cơ quan có mạng LAN: ☒ Có   ☐ Không", [("Có", True, "box"), ("Không", False, "box")]),
    ("Cơ quan có mạng LAN ☐ Có\t☒ Không", [("Có", False, "box"), ("Không", True, "box")]),
    ("Cơ quan có mạng LAN: ☐ Có   ☐ Không", [("Có", False, "box"), ("Không", False, "box")]),
    ("Cơ quan có mạng LAN: ▢ Có   ▢ Không", [("Có", None, "box"), ("Không", None, "box")]),  # unreadable boxes
    ("Cơ quan có mạng LAN:  X Có\t☐ Không", [("Có", True, "typed_x"), ("Không", False, "box")]),
])
def test_same_line_yes_no_after_label(line: str, expected: list[tuple[str, bool | None, str]]) -> None:
    (slot,) = slots_of(p("MỤC 2. HẠ TẦNG", bold=True), p(line))
    assert (slot.kind, slot.label) == ("choice", "Cơ quan có mạng LAN")
    assert opts(slot) == expected


@pytest.mark.parametrize("mark", ["X", "x", "[x]", "(X)", "✓"])
def test_typed_mark_replaces_a_box_in_list_layout(mark: str) -> None:
    slots = slots_of(p("Hình thức kết nối Internet"), p("☐ ADSL"), p(f"{mark} Cáp quang"), p("☐ Kênh thuê riêng"))
    (choice,) = [s for s in slots if s.kind == "choice"]
    assert opts(choice) == [("ADSL", False, "box"), ("Cáp quang", True, "typed_x"), ("Kênh thuê riêng", False, "box")]


def test_a_line_starting_with_x_is_not_a_choice_without_boxes_nearby() -> None:
    slots = slots_of(p("Ghi chú"), p("X quang kỹ thuật số: ……2…… máy"))
    assert all(s.kind == "blank" for s in slots)


# -- grid tables -----------------------------------------------------------------------------------------
GRID = [
    ["TT", "Nội dung", "Văn phòng Sở", "Đơn vị trực thuộc", "Tổng số"],
    ["(1)", "(2)", "(3)", "(4)", "(5)"],
    ["1", "Máy tính để bàn", "…12…", "……", "20"],
    ["2", "Máy tính xách tay", "5", "3 chiếc", "……8……"],
    ["3", "Máy chủ vật lý", "", "", ""],
]


def test_grid_table_cells() -> None:
    slots = slots_of(p("MỤC 2. HẠ TẦNG", bold=True), grid(GRID))
    cells = [s for s in slots if s.kind == "cell"]
    assert brief(cells, "label", "column", "raw", "unit_text", "row") == [
        ("Máy tính để bàn", "Văn phòng Sở", "12", None, 1),
        ("Máy tính để bàn", "Đơn vị trực thuộc", None, None, 1),
        ("Máy tính để bàn", "Tổng số", "20", None, 1),
        ("Máy tính xách tay", "Văn phòng Sở", "5", None, 2),
        ("Máy tính xách tay", "Đơn vị trực thuộc", "3", "chiếc", 2),
        ("Máy tính xách tay", "Tổng số", "8", None, 2),
        ("Máy chủ vật lý", "Văn phòng Sở", None, None, 3),
        ("Máy chủ vật lý", "Đơn vị trực thuộc", None, None, 3),
        ("Máy chủ vật lý", "Tổng số", None, None, 3),
    ]
    assert {(s.section, s.table, s.row_label == s.label) for s in cells} == {("MỤC 2. HẠ TẦNG", 0, True)}
    # the numbering column "TT" and the "(1) (2) …" row give no slot
    assert "TT" not in {s.column for s in slots}
    assert {s.kind for s in slots} == {"cell", "label"} and len(slots) == len(cells) + 3


def test_grid_table_label_slots_and_locations() -> None:
    slots = slots_of(grid(GRID))
    labels = [s for s in slots if s.kind == "label"]
    assert brief(labels, "raw", "column", "row") == [("Máy tính để bàn", "Nội dung", 1),
                                                     ("Máy tính xách tay", "Nội dung", 2),
                                                     ("Máy chủ vật lý", "Nội dung", 3)]
    cell = next(s for s in slots if s.kind == "cell" and s.raw == "20")
    # table row 2 (0-based, after two header rows), fifth cell
    assert {k: cell.location[k] for k in ("row", "cell", "col")} == {"row": 2, "cell": 4, "col": 4}
    assert [s.order for s in slots] == list(range(len(slots)))


def test_grid_table_group_rows_give_context() -> None:
    table = grid([
        ["Nội dung", "Văn phòng Sở", "Đơn vị trực thuộc"],
        ["Máy tính để bàn", "…12…", "……"],
        [("Thiết bị ngoại vi", 3)],  # a merged group row
        ["Máy in các loại", "5", "3"],
        ["Hạ tầng mạng nội bộ", "", ""],  # a bold title row
        ["Số mạng LAN", "2", ""],
    ], bold={(4, 0)})
    cells = [s for s in slots_of(table) if s.kind == "cell"]
    assert sorted({(s.row, s.context) for s in cells}) == [
        (1, "Máy tính để bàn"),
        (3, "Thiết bị ngoại vi / Máy in các loại"),
        (5, "Hạ tầng mạng nội bộ / Số mạng LAN"),
    ]
    assert {s.label for s in cells} == {"Máy tính để bàn", "Máy in các loại", "Số mạng LAN"}


def test_first_group_row_under_the_header() -> None:
    table = grid([
        ["Nguồn chi", "Khối VP Sở", "Khối đơn vị sự nghiệp thuộc Sở"],
        ["1. Đầu tư cho phần cứng", "", ""],
        ["Từ ngân sách Trung ương", "…47,3……triệu", "…2 803……triệu"],
        ["2. Đầu tư cho phần mềm", "", ""],
        ["Từ ngân sách Trung ương", "…15……triệu", "…20……triệu"],
    ], bold={(1, 0), (3, 0)})
    slots = slots_of(table)
    assert sorted({s.context for s in slots if s.kind == "cell"}) == [
        "Đầu tư cho phần cứng / Từ ngân sách Trung ương", "Đầu tư cho phần mềm / Từ ngân sách Trung ương"]
    assert {s.column for s in slots if s.kind == "label"} == {"Nguồn chi"}


def test_merged_group_row_keeps_the_numbering_column() -> None:
    table = grid([
        ["TT", "Nội dung", "Văn phòng Sở", "Đơn vị trực thuộc"],
        ["1", "Máy tính để bàn", "…12…", "……"],
        [("Thiết bị ngoại vi", 4)],
        ["2", "Máy in các loại", "5", "3"],
    ])
    assert "TT" not in {s.column for s in slots_of(table)}


def test_group_title_with_an_ellipsis() -> None:
    table = grid([
        ["Nguồn chi", "Khối VP Sở", "Khối đơn vị sự nghiệp thuộc Sở"],
        ["Từ ngân sách Trung ương", "…47,3……triệu", "…2 803……triệu"],
        ["2. Đầu tư cho phần cứng (máy tính, thiết bị mạng…)", "", ""],
        ["Nguồn vốn khác", "303triệu", "982triệu"],
    ], bold={(2, 0)})
    slots = slots_of(table)
    assert all("Đầu tư" not in (s.raw or "") for s in slots)
    contexts = {s.context for s in slots if s.row_label == "Nguồn vốn khác"}
    assert len(contexts) == 1 and all(c.startswith("Đầu tư cho phần cứng") and c.endswith(" / Nguồn vốn khác")
                                      for c in contexts)


def test_choice_cells_in_a_table() -> None:
    table = grid([
        ["TT", "Hệ thống", "Có/Không"],
        ["1", "Hệ thống thư điện tử công vụ", "☒ Có\n☐ Không"],
        ["2", "Cổng thông tin điện tử", "☐ Có\n☒ Không"],
    ])
    choices = [s for s in slots_of(table) if s.kind == "choice"]
    assert [(s.label, s.column, s.row, opts(s)) for s in choices] == [
        ("Hệ thống thư điện tử công vụ", "Có/Không", 1, [("Có", True, "box"), ("Không", False, "box")]),
        ("Cổng thông tin điện tử", "Có/Không", 2, [("Có", False, "box"), ("Không", True, "box")]),
    ]


# -- list tables -----------------------------------------------------------------------------------------
def test_list_table_filled_rows_and_spare_rows() -> None:
    table = grid([
        ["STT", "Tên phần mềm", "Đơn vị cung cấp", "Năm triển khai"],
        ["1", "Phần mềm quản lý văn bản", "VNPT", "2018"],
        ["2", "Hệ thống một cửa điện tử", "Viettel", "2019"],
        ["", "", "", ""],
        ["", "", "", ""],
    ])
    slots = slots_of(p("Danh sách phần mềm đang sử dụng"), table)
    assert brief(slots, "kind", "row", "column", "raw") == [
        ("label", 1, "Tên phần mềm", "Phần mềm quản lý văn bản"),
        ("cell", 1, "Đơn vị cung cấp", "VNPT"),
        ("cell", 1, "Năm triển khai", "2018"),
        ("label", 2, "Tên phần mềm", "Hệ thống một cửa điện tử"),
        ("cell", 2, "Đơn vị cung cấp", "Viettel"),
        ("cell", 2, "Năm triển khai", "2019"),
    ]  # the spare rows give no slot
    assert {s.row_label for s in slots if s.row == 2} == {"Hệ thống một cửa điện tử"}


def test_list_table_numbered_spare_rows_stay_empty() -> None:
    table = grid([
        ["STT", "Tên phần mềm", "Đơn vị cung cấp"],
        ["1", "Phần mềm quản lý văn bản", "VNPT"],
        ["2", "", ""],
        ["3", "", ""],
    ])
    slots = slots_of(table)
    assert [s.raw for s in slots if s.row == 1] == ["Phần mềm quản lý văn bản", "VNPT"]
    assert all(s.raw is None for s in slots if s.row != 1)


# -- labels inside cells -----------------------------------------------------------------------------------
def test_table_with_labels_printed_in_cells() -> None:
    table = grid([
        ["ADSL: ……3……", "Cáp quang: ……5……"],
        ["Kênh thuê riêng: ……", "Khác: …1… đường"],
    ])
    slots = slots_of(p("Số đường truyền Internet theo loại"), table)
    assert brief(slots, "kind", "label", "raw", "row", "row_label") == [
        ("cell", "ADSL", "3", 1, "ADSL"),
        ("cell", "Cáp quang", "5", 1, "ADSL"),
        ("cell", "Kênh thuê riêng", None, 2, "Kênh thuê riêng"),
        ("cell", "Khác", "1", 2, "Kênh thuê riêng"),
    ]
    assert all(s.location.get("start") is not None for s in slots)  # position of the blank inside the cell


# -- answers typed under their question ------------------------------------------------------------------
def test_answer_paragraph_under_a_question_with_colon() -> None:
    slots = slots_of(
        p("MỤC 5. ĐỀ XUẤT, KIẾN NGHỊ", bold=True),
        p("Đề xuất, kiến nghị của cơ quan:"),
        p("Đề nghị Sở Thông tin và Truyền thông hỗ trợ nâng cấp đường truyền."),
    )
    filled = [s for s in slots if s.raw]
    answer = "Đề nghị Sở Thông tin và Truyền thông hỗ trợ nâng cấp đường truyền."
    assert brief(filled, "kind", "label", "raw", "section") == [
        ("blank", "Đề xuất, kiến nghị của cơ quan", answer, "MỤC 5. ĐỀ XUẤT, KIẾN NGHỊ")]
    assert filled[0].location["block"] == 2


def test_leader_line_under_its_question() -> None:
    slots = slots_of(p("Đề xuất, kiến nghị của cơ quan"), p("……Cần bổ sung kinh phí……"))
    assert brief(slots, "label", "raw") == [("Đề xuất, kiến nghị của cơ quan", "Cần bổ sung kinh phí")]


def test_no_answer_taken_from_a_heading_under_a_question() -> None:
    slots = slots_of(p("Ghi chú khác:"), p("MỤC 3. NHÂN LỰC", bold=True), p("Số cán bộ: ……"))
    assert all(s.raw is None for s in slots)


def test_slot_to_dict_is_plain() -> None:
    (slot,) = slots_of(p("Cơ quan có mạng LAN: ☒ Có   ☐ Không"))
    data = slot.to_dict()
    assert data["options"][0] == {"text": "Có", "checked": True, "mark": "box", "styles": ()}
    assert isinstance(slot.options[0], Option)  # type: ignore[index]


# -- clerk habits (issue 15) ----------------------------------------------------------------------------------
PRINTED = build(["3. Chức vụ: ….................", "5. Thư điện tử: ….................",
                 "Ngày, tháng, năm sinh………………..", "Họ và tên:…………………………….",
                 "Tổng số văn bản đi của cơ quan: ………./……….", "Ghi chú: Số liệu phần này tính đến 1/10/2020"])


def printed_slots(*items: Block | Table) -> list[Slot]:
    return find_slots(doc(*items), UNITS, PRINTED)


@pytest.mark.parametrize(("line", "label", "raw"), [
    ("3. Chức vụ: Trưởng phòng …….", "Chức vụ", "Trưởng phòng"),
    ("5. Thư điện tử: ……abc@sotttt.gov.vn", "Thư điện tử", "abc@sotttt.gov.vn"),
    ("Ngày, tháng, năm sinh 28/2/1978", "Ngày, tháng, năm sinh", "28/2/1978"),
    ("Tổng số văn bản đi của cơ quan1026/3238", "Tổng số văn bản đi của cơ quan", "1026/3238"),
])
def test_a_value_placed_anywhere_on_its_printed_line(line: str, label: str, raw: str) -> None:
    assert brief(printed_slots(p(line)), "label", "raw") == [(label, raw)]


def test_a_value_typed_on_the_next_line_under_an_empty_blank() -> None:
    slots = printed_slots(p("Họ và tên:……………………………."), p("Nguyễn Thị Hoa"), p("Ngày, tháng, năm sinh………………"))
    assert brief(slots, "label", "raw") == [("Họ và tên", "Nguyễn Thị Hoa"), ("Ngày, tháng, năm sinh", None)]
    # printed text under an empty blank is not its answer
    slots = printed_slots(p("Họ và tên:……………………………."), p("Ghi chú: Số liệu phần này tính đến 1/10/2020"))
    assert slots[0].raw is None
    # a number alone under the blank is its answer, even one a printed row number spells ("11")
    forms = load_printed()  # the five blank forms: their tables print row numbers such as "11"
    assert forms.in_printed("11")
    slots = find_slots(doc(p("- Số CB hợp đồng 68:…..............."), p("11")), UNITS, forms)
    assert brief(slots, "label", "raw") == [("Số CB hợp đồng 68", "11")]


def test_a_value_on_the_next_line_is_found_whatever_the_reader_locates_blocks_by() -> None:
    # a PDF (or OCR) block is located by page and bbox, not by a block index
    items = [p("1. Tên Sở, ban, ngành: ………………"), p("Sở Văn hóa, Thể thao và Du lịch"), p("2. Địa chỉ: ……")]
    for n, item in enumerate(items):
        item.location = {"page": 1, "bbox": [85.0, 100.0 + 20 * n, 400.0, 113.0 + 20 * n]}
    slots = find_slots(Document(Source("mini.pdf", "0" * 64, "pdf"), items), UNITS, PRINTED)
    assert brief(slots, "label", "raw") == [("Tên Sở, ban, ngành", "Sở Văn hóa, Thể thao và Du lịch"),
                                            ("Địa chỉ", None)]
    assert slots[0].location["next_line"] == items[1].location
    # a line under a blank that is not the last on its block's line is no answer to it
    items = [p("Họ tên: …… Chức vụ: Trưởng phòng"), p("Nguyễn Văn An")]
    for n, item in enumerate(items):
        item.location = {"page": 2, "bbox": [85.0, 100.0 + 20 * n, 400.0, 113.0 + 20 * n]}
    slots = find_slots(Document(Source("mini.pdf", "0" * 64, "pdf"), items), UNITS, PRINTED)
    assert "Nguyễn Văn An" not in [s.raw for s in slots[:2]]


@pytest.mark.parametrize(("line", "raw"), [
    ("Số điện thoại: (0299) 387 7990", "(0299) 387 7990"),
    ("Số điện thoại: 0257.3841 234", "0257.3841 234"),
    ("Tỷ lệ văn bản ký số: 50 / 141/tháng", "50 / 141"),
])
def test_text_values_that_look_like_numbers_are_kept_whole(line: str, raw: str) -> None:
    assert [s.raw for s in slots_of(p(line))] == [raw]


def test_text_typed_past_the_value_is_kept_for_review() -> None:
    (slot,) = printed_slots(p("Địa chỉ trụ sở: 168 Lê Duẩn, phường 9, TP. Tuy Hòa"))
    assert (slot.raw, slot.extra) == ("168", "Lê Duẩn, phường 9, TP. Tuy Hòa")
    (slot,) = printed_slots(p("Ghi chú khác của cơ quan: …… Đã gửi kèm"))
    assert (slot.raw, slot.extra) == (None, "Đã gửi kèm")
    assert printed_slots(p("Thư điện tử: ……"))[0].extra is None  # nothing typed: nothing to review


def test_sub_labelled_blanks_on_one_line_without_colons() -> None:
    slots = slots_of(p("Thạc sỹ: Chuyên trách ……2…… Phụ trách ……3……"))
    assert brief(slots, "label", "raw") == [("Thạc sỹ: Chuyên trách", "2"), ("Phụ trách", "3")]


def test_qualifier_line_under_its_question() -> None:
    slots = slots_of(p("6. Tổng số CBCC tại đơn vị:"), p("(Cấp tỉnh)…12……. (Cấp huyện)……….. (Cấp xã)…3……."))
    assert brief(slots, "label", "raw", "column")[-3:] == [("Tổng số CBCC tại đơn vị", "12", "Cấp tỉnh"),
                                                           ("Tổng số CBCC tại đơn vị", None, "Cấp huyện"),
                                                           ("Tổng số CBCC tại đơn vị", "3", "Cấp xã")]


def test_boxes_after_their_options_group_under_the_question_above() -> None:
    slots = slots_of(p("1.1.1. Mức độ ứng dụng phần mềm:"), p("- Chưa cài đặt: ☐"),
                     p("- Đã cài đặt nhưng chưa sử dụng: ☒"),
                     p("- Sử dụng phần mềm để QLVB đi và đến tại bộ phận văn thư: ☐"))
    (choice,) = [s for s in slots if s.kind == "choice"]
    assert choice.label == "Mức độ ứng dụng phần mềm"
    assert opts(choice) == [("Chưa cài đặt", False, "box"), ("Đã cài đặt nhưng chưa sử dụng", True, "box"),
                            ("Sử dụng phần mềm để QLVB đi và đến tại bộ phận văn thư", False, "box")]


def test_a_single_box_after_an_item_is_its_own_question() -> None:
    (choice,) = slots_of(p("1. Ứng dụng một cửa điện tử ☒"), p("1.1 Mức độ sử dụng phần mềm:"))[:1]
    assert (choice.kind, choice.label, opts(choice)) == (
        "choice", "Ứng dụng một cửa điện tử", [("Ứng dụng một cửa điện tử", True, "box")])


def test_a_blank_inside_an_option_line_is_a_slot_of_its_own() -> None:
    slots = slots_of(p("Thiết bị lưu trữ dự phòng:"), p("☐ Ổ cứng di động"), p("☒ Khác (nêu tên): Misa ……"))
    assert brief(slots, "kind", "label", "raw")[-2:] == [
        ("choice", "Thiết bị lưu trữ dự phòng", None), ("blank", "Khác (nêu tên)", "Misa")]


def test_checkbox_group_in_a_continuation_row_answers_the_row_above() -> None:
    slots = slots_of(grid([["Nội dung", "Trả lời"], ["Có ban hành quy chế sử dụng phần mềm không?", ""],
                           ["", "☐ Có ☒ Không"]]))
    (choice,) = [s for s in slots if s.kind == "choice"]
    assert (choice.label, opts(choice)) == ("Có ban hành quy chế sử dụng phần mềm không",
                                            [("Có", False, "box"), ("Không", True, "box")])


def test_option_sub_columns_are_one_choice_per_row() -> None:
    slots = slots_of(grid([["Stt", "Tên dịch vụ", ("Đánh dấu [x] vào ô phù hợp", 2)], ["", "", "Mức 3", "Mức 4"],
                           ["1", "Cấp giấy phép xây dựng", "X", ""], ["2", "Đăng ký kinh doanh", "", "✓"]]))
    choices = [s for s in slots if s.kind == "choice"]
    assert {s.column for s in choices} == {"Đánh dấu [x] vào ô phù hợp"}
    assert [(s.label, opts(s)) for s in choices] == [
        ("Cấp giấy phép xây dựng", [("Mức 3", True, "typed_x"), ("Mức 4", False, "typed_x")]),
        ("Đăng ký kinh doanh", [("Mức 3", False, "typed_x"), ("Mức 4", True, "typed_x")])]


def test_a_value_line_beside_sub_labelled_blanks_in_one_cell() -> None:
    slots = slots_of(grid([["Loại kết nối", "Số đường truyền"],
                           ["Internet băng rộng", "5\nADSL: ……3……\nFTTH: ……2……"]]))
    assert brief([s for s in slots if s.kind == "cell"], "label", "raw") == [
        ("Internet băng rộng", "5"), ("ADSL", "3"), ("FTTH", "2")]


def test_a_column_the_form_did_not_have_keeps_its_header() -> None:
    slots = slots_of(grid([["Stt", "Tên thiết bị", "Khối Văn phòng Sở", "Ghi chú mới"],
                           ["1", "Số máy chiếu", "4", "mượn 2"]]))
    assert ("Số máy chiếu", "Ghi chú mới", "mượn 2") in brief(slots, "label", "column", "raw")


def test_a_one_cell_table_reads_like_a_paragraph() -> None:
    assert brief(slots_of(grid([["Họ tên: ……Nguyễn Văn A……"]])), "kind", "label", "raw") == [
        ("blank", "Họ tên", "Nguyễn Văn A")]


def test_aligned_blanks_keep_everything_the_splitter_read() -> None:
    printed = build(["+ Trình độ CNTT (ghi rõ: Thạc sĩ, Đại học):…………………, chuyên ngành…………………."])
    line = "+ Trình độ CNTT (ghi rõ: Thạc sĩ, Đại học):Kỹ sư, chuyên ngànhMạng máy tính."
    slots = find_slots(doc(p(line)), UNITS, printed)
    assert brief(slots, "label", "raw") == [("Trình độ CNTT (ghi rõ: Thạc sĩ, Đại học)", "Kỹ sư"),
                                             ("chuyên ngành", "Mạng máy tính")]
