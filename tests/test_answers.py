"""Typed answers of matched slots (`extractor.answers.read_answer`, `strip_printed`): checkbox groups mapped to
option keys in every way a clerk marks them, typed text parsed by the field's type, printed words removed."""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from dataclasses import replace
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from extractor.answers import cut_label, cut_label_number, read_answer, strip_label, strip_printed
from extractor.catalogue import FieldSpec, Keys, OptionSpec, TemplateSlot, load_catalogue
from extractor.slots import Option, Slot


# -- builders ------------------------------------------------------------------------------------------
def spec(type_: str, options: Sequence[tuple[Any, Sequence[str]]] = (), unit: str | None = None) -> FieldSpec:
    return FieldSpec("test.field", type_, unit,
                     options=[OptionSpec(key, list(texts), [Keys.of(t) for t in texts]) for key, texts in options])


def group(*options: tuple[str, bool | None] | tuple[str, bool | None, str]) -> Slot:
    """A checkbox group: (text, checked) or (text, checked, mark)."""
    return Slot("choice", "Hình thức kết nối Internet",
                options=[Option(o[0], o[1], o[2] if len(o) > 2 else "box") for o in options])  # type: ignore[misc]


def blank(raw: str | None, unit_text: str | None = None) -> Slot:
    return Slot("blank", "Tổng số", raw=raw, unit_text=unit_text)


def template(before: str = "", after: str = "", type_: str = "text") -> TemplateSlot:
    return TemplateSlot(form="f999", index=0, field="test.field", kind="blank", type=type_, label="Tổng số",
                        context="Tổng số", section="", column=None, unit=None, list=None,
                        label_keys=Keys.of("Tổng số"), context_keys=Keys.of("Tổng số"), column_keys=None,
                        option_keys=[], before=before, after=after)


CONNECTION = spec("choice", [("adsl", ["ADSL"]), ("fiber", ["Cáp quang", "Cáp quang FTTH"]),
                             ("leased", ["Kênh thuê riêng"])])
CONNECTIONS = spec("multi_choice", [(o.key, o.texts) for o in CONNECTION.options])
DEPLOYED = spec("boolean", [(True, ["Đã triển khai"]), (False, ["Chưa triển khai"])])


def answer_tuple(slot: Slot, field: FieldSpec | None, tmpl: TemplateSlot | None = None) -> tuple[Any, ...]:
    a = read_answer(slot, field, tmpl)
    return a.value, a.ok, a.reason


# -- checkbox groups -------------------------------------------------------------------------------------
def test_choice_by_option_text() -> None:
    a = read_answer(group(("ADSL", False), ("Cáp quang", True), ("Kênh thuê riêng", False)), CONNECTION)
    assert (a.value, a.raw, a.ok, a.quality, a.reason) == ("fiber", "Cáp quang", True, 1.0, None)


@pytest.mark.parametrize("printed", ["Cap quang", "CÁP QUANG", "Cáp quang FTTH", "Cáp  quang"])
def test_choice_by_option_text_variants(printed: str) -> None:
    a = read_answer(group(("ADSL", False), (printed, True), ("Kênh thuê riêng", False)), CONNECTION)
    assert (a.value, a.ok) == ("fiber", True)
    assert a.quality >= 0.9


def test_choice_order_of_printed_options_does_not_matter() -> None:
    a = read_answer(group(("Kênh thuê riêng", True), ("Cáp quang", False), ("ADSL", False)), CONNECTION)
    assert a.value == "leased"


def test_choice_by_position_when_reworded() -> None:
    """Options the catalogue does not know, as many as the field has: the n-th printed is the n-th option."""
    slot = group(("Đường truyền loại 1", False), ("Đường truyền loại 2", True), ("Đường truyền loại 3", False))
    a = read_answer(slot, CONNECTION)
    assert (a.value, a.ok) == ("fiber", True)
    assert a.quality < 1.0  # less sure than a match by text


def test_choice_by_position_only_for_unknown_texts() -> None:
    a = read_answer(group(("ADSL", True), ("Đường truyền loại 2", False), ("Đường truyền loại 3", False)), CONNECTION)
    assert (a.value, a.quality) == ("adsl", 1.0)


def test_deleted_other_options() -> None:
    """The clerk deleted the options not chosen: what is left (no box ticked) is the answer."""
    a = read_answer(group(("Cáp quang", False)), CONNECTION)
    assert (a.value, a.ok, a.reason) == ("fiber", True, "deleted_options")
    assert a.quality < 1.0


def test_deleted_others_multi_choice() -> None:
    a = read_answer(group(("ADSL", False), ("Kênh thuê riêng", False)), CONNECTIONS)
    assert (a.value, a.reason) == (["adsl", "leased"], "deleted_options")


def test_typed_x_mark() -> None:
    a = read_answer(group(("ADSL", False), ("Cáp quang", True, "typed_x"), ("Kênh thuê riêng", False)), CONNECTION)
    assert (a.value, a.ok, a.reason) == ("fiber", True, "typed_mark")
    assert 0.5 < a.quality < 1.0


def test_multi_choice_list_is_sorted_keys() -> None:
    a = read_answer(group(("Kênh thuê riêng", True), ("Cáp quang", False), ("ADSL", True)), CONNECTIONS)
    assert (a.value, a.ok, a.raw) == (["adsl", "leased"], True, "Kênh thuê riêng; ADSL")


def test_several_marked_on_a_single_choice_is_a_review_item_not_a_pick() -> None:
    a = read_answer(group(("ADSL", True), ("Cáp quang", True), ("Kênh thuê riêng", False)), CONNECTION)
    assert (a.value, a.ok, a.reason, a.raw) == (None, False, "several_marked", "ADSL; Cáp quang")


@pytest.mark.parametrize(("checked", "expected"), [(True, (True, True, "single_box")), (False, (None, True, "empty")),
                                                   (None, (None, False, "unreadable_box"))])
def test_a_single_box_after_an_item_is_its_yes_no_answer(checked: bool | None, expected: tuple[Any, ...]) -> None:
    slot = Slot("choice", "Ứng dụng một cửa điện tử", options=[Option("Ứng dụng một cửa điện tử", checked, "box")])
    a = read_answer(slot, spec("boolean", [(True, ["Có"]), (False, ["Không"])]))
    assert (a.value, a.ok, a.reason) == expected


def test_text_the_finder_could_not_place_is_never_a_silent_empty() -> None:
    slot = Slot("blank", "Thư điện tử", raw=None, extra="abc@sotttt.gov.vn")
    a = read_answer(slot, spec("text"))
    # a text field takes it as its value, for a reviewer to confirm; other types cannot read it
    assert (a.value, a.ok, a.reason, a.raw) == ("abc@sotttt.gov.vn", False, "after_blank", "abc@sotttt.gov.vn")
    n = read_answer(slot, spec("integer"))
    assert (n.value, n.ok, n.reason, n.raw) == (None, False, "unplaced_text", "abc@sotttt.gov.vn")
    assert read_answer(Slot("blank", "Thư điện tử", raw=None), spec("text")).reason == "empty"


@pytest.mark.parametrize(("marks", "expected"), [
    ((True, False), True),
    ((False, True), False),
])
def test_boolean_fallback_words(marks: tuple[bool, bool], expected: bool) -> None:
    """Có/Không boxes for a field whose catalogue options are worded differently, or that has none."""
    for field in (DEPLOYED, spec("boolean")):
        a = read_answer(group(("Có", marks[0]), ("Không", marks[1])), field)
        assert (a.value, a.ok) == (expected, True)


def test_boolean_by_option_text() -> None:
    a = read_answer(group(("Đã triển khai", False), ("Chưa triển khai", True)), DEPLOYED)
    assert (a.value, a.ok) == (False, True)
    assert a.quality >= 0.9


def test_unknown_option() -> None:
    a = read_answer(group(("Vệ tinh VSAT", True), ("ADSL", False)), CONNECTION)
    assert (a.value, a.ok, a.reason, a.raw) == (None, False, "unknown_option", "Vệ tinh VSAT")


def test_empty_group() -> None:
    a = read_answer(group(("ADSL", False), ("Cáp quang", False), ("Kênh thuê riêng", False)), CONNECTION)
    assert (a.value, a.ok, a.raw, a.reason) == (None, True, None, "empty")


def test_unreadable_boxes() -> None:
    a = read_answer(group(("ADSL", None), ("Cáp quang", None), ("Kênh thuê riêng", None)), CONNECTION)
    assert (a.value, a.ok, a.reason) == (None, False, "unreadable_box")


def test_group_without_a_field() -> None:
    """An unmatched group keeps the ticked text as its value."""
    assert answer_tuple(group(("ADSL", False), ("Cáp quang", True)), None) == ("Cáp quang", True, "option_wording")


def test_real_catalogue_options() -> None:
    cat = load_catalogue()
    field = cat.fields["email.attachment_max"]
    texts = [o.texts[0] for o in field.options]
    a = read_answer(group(*[(t, n == 1) for n, t in enumerate(texts)]), field)
    assert (a.value, a.ok) == (field.options[1].key, True)


@pytest.mark.parametrize(("field_id", "text", "key"), [
    ("email.attachment_max", "Trên 20 Mb", "gt20"),
    ("email.attachment_max", "Dưới 10 Mb", "lt10"),
    ("email.attachment_max", "Từ 10 Mb đến 20 Mb", "10to20"),
    ("email.mailbox_max", "Dưới 2 Gb", "lt2g"),
    ("email.mailbox_max", "Tren 5 Gb", "gt5g"),
    ("email.mailbox_max", "5 GB trở lên", "gt5g"),
])
def test_a_reworded_range_option_left_alone_is_known_by_its_bounds(field_id: str, text: str, key: str) -> None:
    """issue 15, deleted_others: the siblings deleted, the one option left reworded (`Trên 20 Mb` for `KT > 20 Mb`):
    no order is left to go by, its bounds tell which option it is."""
    field = load_catalogue().fields[field_id]
    a = read_answer(group((text, False)), field)
    assert (a.value, a.ok, a.reason) == (key, True, "deleted_options")
    ticked = read_answer(group((text, True)), field)
    assert (ticked.value, ticked.ok) == (key, True)


def test_a_range_option_whose_bounds_no_option_has_is_unknown() -> None:
    field = load_catalogue().fields["email.attachment_max"]
    a = read_answer(group(("Trên 50 Mb", True)), field)
    assert (a.value, a.ok, a.reason) == (None, False, "unknown_option")


TYPES = spec("multi_choice", [("schedule", ["Lịch công tác của đơn vị"]),
                              ("meetings", ["Tài liệu phục vụ các cuộc hội họp"]),
                              ("notices", ["Văn bản gửi đến các cơ quan, đơn vị để biết, để báo cáo..."]),
                              ("work", ["Tài liệu, dữ liệu trao đổi phục vụ công việc"])])


def test_an_unknown_option_is_known_by_its_place_between_known_ones() -> None:
    """issue 15, deleted_others: `Tài liệu họp` kept before `Văn bản gửi …`: one of the options printed before it,
    the one whose words it shares; read at a lower quality."""
    a = read_answer(group(("Tài liệu họp", False), ("Văn bản gửi các cơ quan, đơn vị để biết, để báo cáo", False),
                          ("Tài liệu, dữ liệu trao đổi phục vụ công việc", False)), TYPES)
    assert (a.value, a.ok) == (["meetings", "notices", "work"], True)
    assert a.quality < 0.9


@pytest.mark.parametrize("options", [
    # after the known option: nothing of its words among the options left
    [("Lịch công tác", False), ("Mạng xã hội nội bộ", False)],
    # the known options out of the printed order: places say nothing
    [("Tài liệu, dữ liệu trao đổi phục vụ công việc", False), ("Tài liệu họp", False), ("Lịch công tác", False)],
    # after the last option printed: no place left
    [("Tài liệu, dữ liệu trao đổi phục vụ công việc", False), ("Tài liệu họp", False)],
])
def test_an_unknown_option_with_no_place_stays_unknown(options: list[tuple[str, bool]]) -> None:
    a = read_answer(group(*options), TYPES)
    assert (a.ok, a.reason) == (False, "unknown_option")


# -- typed choices -------------------------------------------------------------------------------------
def test_choice_typed_as_text() -> None:
    assert answer_tuple(blank("Cáp quang"), CONNECTION) == ("fiber", True, "typed_option")
    assert answer_tuple(blank("Cáp quang; ADSL"), CONNECTIONS) == (["adsl", "fiber"], True, "typed_option")
    assert answer_tuple(blank("Vệ tinh"), CONNECTION) == (None, False, "unknown_option")


# -- numbers and other types -----------------------------------------------------------------------------
@pytest.mark.parametrize(("raw", "unit_text", "field", "value", "unit"), [
    ("150", "chiếc", spec("integer", unit="chiếc"), 150, "chiếc"),
    ("1.250 chiếc", None, spec("integer", unit="chiếc"), 1250, "chiếc"),
    ("1 250", None, spec("integer"), 1250, None),
    ("không có", None, spec("integer"), 0, None),
    ("85,5", None, spec("percent", unit="%"), 85.5, None),
    ("85,5%", None, spec("percent", unit="%"), 85.5, "%"),
    ("2 120,1", "triệu đồng", spec("decimal", unit="triệu đồng"), 2120.1, "triệu đồng"),
    ("30/45", None, spec("ratio"), [30, 45], None),
    ("15/08/2019", None, spec("date"), "2019-08-15", None),
    ("ngày 15 tháng 8 năm 2019", None, spec("date"), "2019-08-15", None),
    ("Nguyễn Văn An", None, spec("text"), "Nguyễn Văn An", None),
    ("Nguyễn Văn An", None, None, "Nguyễn Văn An", None),  # no field: read as text
])
def test_typed_values(raw: str, unit_text: str | None, field: FieldSpec | None, value: Any, unit: str | None) -> None:
    a = read_answer(blank(raw, unit_text), field)
    assert (a.value, a.unit, a.ok, a.raw) == (value, unit, True, raw)


def test_unparsable_number() -> None:
    a = read_answer(blank("abc"), spec("integer"))
    assert (a.value, a.ok, a.raw, a.quality) == (None, False, "abc", 0.0)
    assert a.reason


@pytest.mark.parametrize("raw", [None, ""])
def test_empty_blank(raw: str | None) -> None:
    a = read_answer(blank(raw), spec("integer"))
    assert (a.value, a.raw, a.ok, a.reason) == (None, None, True, "empty")


@settings(max_examples=100, deadline=None)
@given(n=st.integers(0, 10**9), sep=st.sampled_from([".", " ", ""]))
def test_integer_roundtrip(n: int, sep: str) -> None:
    a = read_answer(blank(f"{n:,}".replace(",", sep)), spec("integer"))
    assert (a.value, a.ok) == (n, True)


# -- printed words -------------------------------------------------------------------------------------
@pytest.mark.parametrize(("raw", "before", "after", "expected"), [
    ("Liệt kêPhần mềm kế toán MISA", "Liệt kê", "", "Phần mềm kế toán MISA"),
    ("Liệt kê: Phần mềm kế toán MISA", "Liệt kê", "", "Phần mềm kế toán MISA"),
    ("Liet ke Phần mềm kế toán MISA", "Liệt kê", "", "Phần mềm kế toán MISA"),  # tones lost
    ("Liệt kê", "Liệt kê", "", ""),  # only the printed word: nothing typed
    ("Đại học, chuyên ngành Công nghệ thông tin", "", ", chuyên ngành", "Đại học"),
    ("Đại học , chuyên ngành Công nghệ thông tin", "", ", chuyên ngành", "Đại học"),
    ("150 văn bản", "", "văn bản", "150"),
    ("Phần mềm văn bản điện tử", "", "văn bản", "Phần mềm văn bản điện tử"),  # inside the value: kept
    ("văn bản hành chính", "", "văn bản", "văn bản hành chính"),
    ("  MISA  ", "", "", "MISA"),
])
def test_strip_printed(raw: str, before: str, after: str, expected: str) -> None:
    assert strip_printed(raw, before, after) == expected


def test_read_answer_strips_printed_words() -> None:
    assert answer_tuple(blank("Liệt kêPhần mềm kế toán MISA"), spec("text"), template(before="Liệt kê")) == (
        "Phần mềm kế toán MISA", True, None)
    a = read_answer(blank("Đại học, chuyên ngành Công nghệ thông tin"), spec("text"), template(after=", chuyên ngành"))
    assert (a.value, a.raw) == ("Đại học", "Đại học")
    # only the printed word left: the blank is empty
    assert answer_tuple(blank("Liệt kê"), spec("text"), template(before="Liệt kê")) == (None, True, "empty")


@pytest.mark.parametrize(("raw", "before", "after", "expected"), [
    ("Liệt kêPhần mềm kế toán MISA", "Liệt kê", "", "Phần mềm kế toán MISA"),
    ("Liệt kê", "Liệt kê", "", ""),
    ("Đại học, chuyên ngành Công nghệ thông tin", "", ", chuyên ngành", "Đại học"),
], ids=["before-glued", "before-only", "after-separator"])
def test_strip_printed_nfd(raw: str, before: str, after: str, expected: str) -> None:
    got = strip_printed(unicodedata.normalize("NFD", raw), before, after)
    assert unicodedata.normalize("NFC", got) == expected


# -- blanks left empty that show only the form's printed words ---------------------------------------------
@pytest.mark.parametrize(("raw", "field", "tmpl", "unit_text"), [
    ("máy", spec("integer", unit="máy"), None, None),
    ("triệu", spec("decimal", unit="triệu đồng"), None, None),
    ("Triệu đồng", spec("decimal"), template(after="triệu đồng"), None),
    ("mạng", spec("integer"), None, "mạng"),
])
def test_only_the_printed_unit_is_an_empty_blank(raw: str, field: FieldSpec, tmpl: TemplateSlot | None,
                                                 unit_text: str | None) -> None:
    a = read_answer(blank(raw, unit_text), field, tmpl)
    assert (a.value, a.raw, a.reason) == (None, None, "empty")


@pytest.mark.parametrize(("raw", "field", "value"), [
    ("12 máy", spec("integer", unit="máy"), 12),
    ("máy in", spec("text", unit="máy"), "máy in"),  # more than the printed word: typed
    ("Hà Nội", spec("text"), "Hà Nội"),
])
def test_typed_words_beside_a_unit_are_kept(raw: str, field: FieldSpec, value: Any) -> None:
    assert read_answer(blank(raw), field).value == value


@pytest.mark.parametrize(("raw", "labels", "value"), [
    ("Họ và tên Đỗ Thị Hòa", ["Họ và tên"], "Đỗ Thị Hòa"),  # colon and dots deleted, label typed with the value
    ("Ho va ten: Đỗ Thị Hòa", ["Họ và tên", "Họ tên"], "Đỗ Thị Hòa"),  # tones dropped, colon kept
    ("Họ tên Bùi Quang Huy", ["Họ và tên", "Họ tên"], "Bùi Quang Huy"),
    ("Đỗ Thị Hòa", ["Họ và tên"], "Đỗ Thị Hòa"),  # no label: the value as typed
    ("Họ và tên", ["Họ và tên"], "Họ và tên"),  # nothing would be left: kept
    ("Họ và Tên tuổi", ["Họ và tên người báo cáo"], "Họ và Tên tuổi"),  # a longer label does not begin it
])
def test_a_text_value_loses_its_own_label_typed_in_front(raw: str, labels: list[str], value: str) -> None:
    assert strip_label(raw, labels) == value


def test_text_typed_after_the_dots_of_an_empty_blank_is_its_value_for_a_reviewer() -> None:
    slot = Slot("blank", "Họ tên", raw=None, extra="Lê Hoàng Minh")
    answer = read_answer(slot, FieldSpec("it_staff.officer.name", "text"))
    assert (answer.value, answer.ok, answer.reason) == ("Lê Hoàng Minh", False, "after_blank")
    number = read_answer(slot, FieldSpec("staff.total", "integer"))
    assert (number.value, number.ok, number.reason) == (None, False, "unplaced_text")


# -- a value glued to the number its label ends with (issue 15: `năm 201888 điểm`) -------------------------------
SCORE_LABELS = ("Điểm xếp loại trang thông tin điện tử của cơ quan năm 2018",)


@pytest.mark.parametrize(("raw", "label", "labels", "expected"), [
    ("201888", "Điểm xếp hạng website của cơ quan năm", SCORE_LABELS, ("88", ("glued_to_label", 0.9))),
    ("201888,7", "Điểm xếp hạng website của cơ quan năm", SCORE_LABELS, ("88,7", ("glued_to_label", 0.9))),
    ("2018", "Điểm xếp hạng website của cơ quan năm", SCORE_LABELS, ("", None)),  # the printed number alone
    # the slot's label keeps its number: what was typed is the value, whatever it starts with
    ("201888", "Điểm xếp hạng website của cơ quan năm 2018", SCORE_LABELS, ("201888", None)),
    # another year than the field's label: cut after the year word, for a reviewer
    ("201988", "Điểm xếp hạng website của cơ quan năm", SCORE_LABELS, ("88", ("glued_to_label", 0.6))),
    ("201988", "Điểm xếp hạng website của cơ quan năm", (), ("88", ("glued_to_label", 0.6))),
    # no year word, no number in the labels: nothing to cut
    ("201888", "Tổng kinh phí", ("Tổng kinh phí",), ("201888", None)),
])
def test_cut_label_number(raw: str, label: str, labels: tuple[str, ...], expected: tuple[str, Any]) -> None:
    assert cut_label_number(raw, label, labels) == expected


def test_a_value_glued_to_the_year_of_its_label_is_read_without_it() -> None:
    field = spec("decimal", unit="điểm")
    tmpl = TemplateSlot(form="f999", index=0, field="test.field", kind="blank", type="decimal", label=SCORE_LABELS[0],
                        context=SCORE_LABELS[0], section="", column=None, unit="điểm", list=None,
                        label_keys=Keys.of(SCORE_LABELS[0]), context_keys=Keys.of(SCORE_LABELS[0]),
                        column_keys=None, option_keys=[], after="điểm")
    a = read_answer(Slot("blank", "Điểm xếp hạng website của cơ quan năm", raw="201888,7", unit_text="điểm"),
                    field, tmpl)
    assert (a.value, a.ok, a.reason) == (88.7, True, "glued_to_label")
    empty = read_answer(Slot("blank", "Điểm xếp hạng website của cơ quan năm", raw="2018", unit_text="điểm"),
                        field, tmpl)
    assert (empty.value, empty.reason) == (None, "empty")


DATABASES = "Liệt kê các cơ sở dữ liệu chuyên ngành sở đang quản lý hoặc sử dụng"


@pytest.mark.parametrize(("line", "labels", "value"), [
    ("Kê tên cac CSDL chuyên nganh do Sơ quan ly, sư dung Hệ thống giám sát môi trường tự động", [DATABASES],
     "Hệ thống giám sát môi trường tự động"),  # reworded, abbreviated, no tones
    ("Thông tin khác về tình hình ứng dụng CNTT và kiến nghị, đề xuất (nếu có) Đề nghị nâng cấp đường truyền",
     ["Thông tin khác về tình hình ứng dụng CNTT và ý kiến khác"], "Đề nghị nâng cấp đường truyền"),
    ("Hồ Văn Khánh", ["Họ và tên"], None),  # a name starting like the label is no label
    ("Đơn vị Trung tâm Công nghệ thông tin", ["Đơn vị công tác"], None),  # the value's words are not the label's
    ("Cơ sở dữ liệu công chứng, chứng thực", [DATABASES], None),  # a value alone
])
def test_a_reworded_label_typed_before_a_text_value_is_cut_off(line: str, labels: list[str], value: str | None) -> None:
    at = cut_label(line, labels)
    assert (line[at:] if at is not None else None) == value


def test_a_whole_paragraph_under_its_question_loses_the_reworded_label() -> None:
    line = "- Kê tên cac CSDL chuyên nganh do Sơ quan ly, sư dung Hệ thống giám sát môi trường tự động"
    printed = replace(template(), label=DATABASES)
    field = FieldSpec("apps.databases", "text", labels=[DATABASES])
    answer = read_answer(Slot("blank", "Cơ sở dữ liệu", raw=line, whole_line=True), field, printed)
    assert (answer.value, answer.reason) == ("Hệ thống giám sát môi trường tự động", "label_cut")
    # a blank's own text is never cut: the finder split label and value already
    assert "Kê tên" in read_answer(Slot("blank", "Cơ sở dữ liệu", raw=line), field, printed).value
