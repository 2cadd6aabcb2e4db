"""Typed text no slot took goes to review (`extractor.coverage`): unit tests on built documents, and end to end
on a small DOCX made by recipe (tests/docx_xml.py)."""

from __future__ import annotations

from pathlib import Path

import docx
import pytest

from extractor.catalogue import load_catalogue
from extractor.coverage import NOT_FOUND, is_typed, missing_fields, unplaced_blocks
from extractor.model import EMPTY_BOX, Block, Box, Document, Source
from extractor.pipeline import extract_path
from extractor.printed import build
from extractor.slots import find_slots
from tests.docx_xml import p, r, write_docx
from tests.test_habits_docx import CONTACT_001

PRINTED = build([
    "MỤC 1. DỊCH VỤ CÔNG",
    "- Số hồ sơ tiếp nhận trực tuyến mức độ 4 tính đến 1/10/2020:……………hồ sơ",
    "Ghi chú: số liệu tính đến ngày 30/9/2020 theo báo cáo của Văn phòng",
    "Cao đẳng",
])


def doc(*texts: str, bold: tuple[int, ...] = ()) -> Document:
    items = [Block(t, location={"part": "body", "block": n}, bold=n in bold) for n, t in enumerate(texts)]
    for b in items:
        if EMPTY_BOX in b.text:
            b.boxes = [Box(b.text.index(EMPTY_BOX), False, "glyph")]
    return Document(Source("x.docx", "0" * 64, "docx"), items)


def unplaced(d: Document) -> list[str]:
    return [b.text for b, _ in unplaced_blocks(d.items, find_slots(d, (), PRINTED), PRINTED)]


QUESTION = "- Số hồ sơ tiếp nhận trực tuyến mức độ 4 tính đến 1/10/2020:……………hồ sơ"


@pytest.mark.parametrize("typed", ["25,538", "15", "1", "Không", "Có.", "2 / 2", "31/10/2017",
                                   "Phần mềm quản lý cấp phép xây dựng"])
def test_a_typed_paragraph_no_slot_took_is_unplaced(typed: str) -> None:
    answered = QUESTION.replace("……………", "412")  # the blank above is answered: the line under is no answer to it
    d = doc("MỤC 1. DỊCH VỤ CÔNG", answered, typed, bold=(0,))
    assert unplaced(d) == [typed]
    assert unplaced_blocks(d.items, find_slots(d, (), PRINTED), PRINTED)[0][1] == answered


@pytest.mark.parametrize("printed", [
    "Ghi chú: số liệu tính đến ngày 30/9/2020 theo báo cáo của Văn phòng",  # a whole printed line
    "số liệu tính đến ngày 30/9/2020",  # a long piece of one
    "Ghi chu: so lieu tinh den ngay 30/9/2020 theo bao cao cua Van phong",  # tones dropped
    "Ghi chú: các số liệu tính đến ngày 30/9/2020 theo báo cáo của Văn phòng",  # a word added
    "2. Đơn vị có ban hành quy chế bảo đảm an toàn thông tin chưa?",  # a question, any wording
    "……………………………",  # nothing but leaders
    "",
])
def test_printed_words_questions_and_empty_lines_are_not_unplaced(printed: str) -> None:
    assert unplaced(doc(printed)) == []


@pytest.mark.parametrize(("text", "typed"), [
    ("Ghi chú: các số liệu tính đến ngày 30/9/2020 theo báo cáo của Văn phòng", False),
    ("Ghi chú: các số liệu tính đến ngày 30/9/2020 theo báo cáo của Văn phòng 412", True),
])
def test_a_figure_the_printed_line_lacks_was_typed(text: str, typed: bool) -> None:
    assert is_typed(Block(text), text, PRINTED) is typed


def test_headings_checkbox_lines_and_answered_blanks_are_not_unplaced() -> None:
    d = doc("MỤC 1. DỊCH VỤ CÔNG", f"{EMPTY_BOX} Cao đẳng", QUESTION.replace("……………", "412"), bold=(0,))
    assert unplaced(d) == []


def test_typed_text_under_an_answered_question_reaches_a_reviewer_end_to_end(tmp_path: Path) -> None:
    lines = [(text.format(name="Nguyễn Văn An", unit="Văn phòng Sở", position="Chuyên viên", phone="0257 3842812",
                          mobile="0905123456", email="an@sotttt.gov.vn"), bold) for text, bold in CONTACT_001]
    lines.insert(4, ("Phụ trách công nghệ thông tin của Sở từ năm 2019", False))
    result = extract_path(write_docx(tmp_path / "r.docx", "".join(p(r(t, bold=b)) for t, b in lines)))
    assert result.form_id is not None
    # a slot of its own or the coverage net: either way the whole line is before a reviewer
    items = [f for f in result.unmatched if "năm 2019" in (f.raw or "")]
    assert len(items) == 1 and items[0].status == "review"
    assert " ".join(filter(None, (items[0].label, items[0].raw))).endswith(
        "Phụ trách công nghệ thông tin của Sở từ năm 2019") or items[0].label == "Chức vụ: Chuyên viên"
    assert {f.field_id: f.value for f in result.fields}["contact.position"] == "Chuyên viên"


def test_a_field_the_form_prints_but_no_slot_gave_is_not_found_under_review(tmp_path: Path) -> None:
    source = Path(__file__).resolve().parent.parent / "corpora" / "returns" / "f001_r000.docx"
    doc = docx.Document(str(source))
    lost_line = next(par for par in doc.paragraphs if "Chức vụ" in par.text)  # the clerk's copy lost it
    lost_line._element.getparent().remove(lost_line._element)
    doc.save(str(tmp_path / "r.docx"))
    before = {f.field_id: f for f in extract_path(source).fields}
    after = {f.field_id: f for f in extract_path(tmp_path / "r.docx").fields}
    assert before["contact.position"].reasons != [NOT_FOUND]
    lost = after["contact.position"]
    assert (lost.value, lost.status, lost.reasons, lost.confidence) == (None, "review", [NOT_FOUND], 0.0)
    assert "Chức vụ" in lost.label
    assert {k for k, f in after.items() if f.reasons == [NOT_FOUND]} == \
        {k for k, f in before.items() if f.reasons == [NOT_FOUND]} | {"contact.position"}


def test_missing_fields_are_each_field_of_the_form_once_in_order_without_list_rows() -> None:
    form = load_catalogue().forms["f001"]
    fields = [t.field for t in form.slots if t.kind != "list" and not t.list]
    first, *rest = dict.fromkeys(fields)
    assert [t.field for t in missing_fields(form, rest)] == [first]
    assert [t.field for t in missing_fields(form, [])] == list(dict.fromkeys(fields))
    assert all(t.kind != "list" for t in missing_fields(form, []))
