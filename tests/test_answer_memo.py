"""Typed answers are remembered by what reading them looks at (`answers._ANSWERS`): a remembered answer equals a
fresh reading, in any order of calls, over the slots of real returns and over made-up slots; answers whose value
could be changed in place (lists) are never shared; the memory stays bounded."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from extractor import answers
from extractor.answers import _choice, _typed_answer, read_answer
from extractor.catalogue import load_catalogue
from extractor.matching import Matcher, detect_form
from extractor.model import Block
from extractor.printed import load_printed
from extractor.readers import read
from extractor.slots import Option, Slot, find_slots

CAT = load_catalogue()
RETURNS = sorted((Path(__file__).resolve().parent.parent / "corpora" / "returns").glob("*.docx"))[:12]


def _matches() -> list[tuple[Slot, object, object]]:
    out = []
    for f in RETURNS:
        doc = read(f)
        slots = find_slots(doc, CAT.units, load_printed())
        headings = [b.text for b in doc.items if isinstance(b, Block) and b.bold]
        for m in Matcher(CAT).assign(slots, detect_form(slots, headings, CAT).id):
            out.append((m.slot, CAT.fields.get(m.field_id) if m.field_id else None, m.template))
    return out


@pytest.fixture(scope="module")
def matched() -> list[tuple[Slot, object, object]]:
    return _matches()


def test_remembered_answers_of_real_returns_are_fresh_readings(matched) -> None:  # noqa: ANN001
    answers._ANSWERS.clear()
    for _ in range(2):  # the second pass from the memory
        for slot, spec, tpl in matched:
            got = read_answer(slot, spec, tpl)  # type: ignore[arg-type]
            if slot.options is not None:
                assert got == _choice(slot, spec, spec.type if spec else "text")  # type: ignore[union-attr]
            elif slot.raw or slot.extra:
                assert got == _typed_answer(slot, spec, tpl)  # type: ignore[arg-type]
    assert answers._ANSWERS
    assert all(type(a.value) is not list for *_, a in answers._ANSWERS.values())


SPECS = [None, *(CAT.fields[k] for k in sorted(CAT.fields)[:: max(1, len(CAT.fields) // 40)])]
TEXTS = ["", "150", "1.587", "Có", "Không", "12/10/2020", "Lê Hoàng Minh", "Họ và tên Lê Văn A", "25%", "2 / 3",
         "201888", "máy", "Trình độ Đại học", "abc; def", "X"]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(TEXTS), st.sampled_from([None, "thêm chữ", ""]), st.booleans(),
                          st.sampled_from(["Họ và tên", "Số máy tính năm 2018", "Tỷ lệ", "12"]),
                          st.sampled_from([None, "máy", "%"]), st.sampled_from(SPECS)), min_size=1, max_size=8))
def test_remembered_answers_are_fresh_readings_in_any_order(calls) -> None:  # noqa: ANN001
    for raw, extra, whole, label, unit, spec in calls + calls[::-1]:
        slot = Slot("blank", label, raw=raw or None, extra=extra, whole_line=whole, unit_text=unit)
        got = read_answer(slot, spec)
        if raw or extra:
            assert got == _typed_answer(slot, spec, None)


def test_the_memory_is_bounded(monkeypatch) -> None:  # noqa: ANN001
    monkeypatch.setattr(answers, "_ANSWERS_MAX", 4)
    answers._ANSWERS.clear()
    for n in range(20):
        slot = Slot("blank", "Số máy", raw=str(n))
        assert read_answer(slot, None) == _typed_answer(slot, None, None)
        assert len(answers._ANSWERS) <= 4


CHOICE_SPECS = [None, *(f for f in (CAT.fields[k] for k in sorted(CAT.fields)) if f.options)][:30]
OPTION_TEXTS = ["Có", "Không", "Đã triển khai", "Chưa triển khai", "A. Trên 20 Mb", "B. Dưới 2 Gb", "Khác"]
OPTIONS = st.lists(st.builds(Option, st.sampled_from(OPTION_TEXTS), st.sampled_from([True, False, None]),
                             st.sampled_from(["box", "typed_x"]),
                             st.sampled_from([(), ("bold",), ("strike",), ("highlight",)])), min_size=0, max_size=4)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(OPTIONS, st.sampled_from(CHOICE_SPECS)), min_size=1, max_size=6))
def test_remembered_choices_are_fresh_readings_in_any_order(calls) -> None:  # noqa: ANN001
    for options, spec in calls + calls[::-1]:
        slot = Slot("choice", "Câu hỏi", options=options)
        assert read_answer(slot, spec) == _choice(slot, spec, spec.type if spec else "text")


def test_options_with_list_styles_are_read_not_remembered() -> None:
    slot = Slot("choice", "Câu hỏi", options=[Option("Có", True, "box", ["bold"])])  # type: ignore[arg-type]
    assert read_answer(slot, None) == _choice(slot, None, "text")
