"""Count boxes (`extractor.counts` and the count branch of `slots.find_slots`): a box that takes a typed number,
whichever way the clerk typed it, is a blank labelled by its option; a plain tick is still a tick."""

from __future__ import annotations

import pytest

from extractor.catalogue import load_catalogue
from extractor.counts import is_count, parse
from extractor.model import Block, Document, Source
from extractor.printed import build
from extractor.slots import Slot, find_slots

UNITS = load_catalogue().units
PRINTED = build(["Đại học: \t\t ☐ Chuyên trách  ☐ Phụ trách  ☐ Kiêm nhiệm",
                 "Cao đẳng: \t\t ☐ Chuyên trách  ☐ Phụ trách  ☐ Kiêm nhiệm",
                 "Đại học: \t\t(5) ☐ Chuyên trách  ☐ Phụ trách  ☐ Kiêm nhiệm"])


def places(text: str) -> tuple[str, list[tuple[str, str | None]], bool]:
    line = parse(text)
    assert line is not None
    return line.label, [(p.option, p.raw) for p in line.places], line.glued


@pytest.mark.parametrize(("text", "expected"), [
    # a count glued after the box, before it, over the box, a zero word, a box left empty
    ("Tiến sỹ:\t\t ☐0 Chuyên trách  ☐2 Phụ trách  ☐1 Kiêm nhiệm",
     ("Tiến sỹ", [("Chuyên trách", "0"), ("Phụ trách", "2"), ("Kiêm nhiệm", "1")], True)),
    ("Thạc sỹ: \t\t 0☐ Chuyên trách  3 Phụ trách  ☐ Kiêm nhiệm",
     ("Thạc sỹ", [("Chuyên trách", "0"), ("Phụ trách", "3"), ("Kiêm nhiệm", None)], True)),
    ("Cao đẳng: \t\t ☐không có Chuyên trách  Không có☐ Phụ trách  ☐01 Kiêm nhiệm",
     ("Cao đẳng", [("Chuyên trách", "không có"), ("Phụ trách", "Không có"), ("Kiêm nhiệm", "01")], True)),
    # the colon and tabs deleted, every box typed over
    ("Cao đẳng 0 Chuyên trách  1 Phụ trách  0 Kiêm nhiệm",
     ("Cao đẳng", [("Chuyên trách", "0"), ("Phụ trách", "1"), ("Kiêm nhiệm", "0")], False)),
    ("Tien sy:\t\t ☐ 2 Chuyen trach  ☐0 Phu trach  0☐ Kiem nhiem",  # a space between box and count
     ("Tien sy", [("Chuyen trach", "2"), ("Phu trach", "0"), ("Kiem nhiem", "0")], True)),
    # the count typed after the option's words, or before the next box with a space
    ("☐ Chuyên trách 2  ☐ Phụ trách 0  ☐ Kiêm nhiệm 1",
     ("", [("Chuyên trách", "2"), ("Phụ trách", "0"), ("Kiêm nhiệm", "1")], False)),
    ("Tiến sỹ: ☐ Chuyên trách: 2 ☐ Phụ trách: 0",
     ("Tiến sỹ", [("Chuyên trách", "2"), ("Phụ trách", "0")], False)),
    ("Tiến sỹ: 0 ☐ Chuyên trách 1 ☐ Phụ trách",
     ("Tiến sỹ", [("Chuyên trách", "0"), ("Phụ trách", "1")], False)),
])
def test_count_typed_at_each_box(text: str, expected: tuple) -> None:
    assert places(text) == expected


def test_lines_that_are_no_count_lines() -> None:
    assert parse("Số máy chủ: 5") is None  # one place
    tick = parse("☐Không sử dụng ☐Có sử dụng")  # a zero word glued to a box may be an option's first word
    assert tick is None or not tick.glued
    assert parse("☐ 1 ☐ 2") is None  # no option words after the places


def test_a_count_alone_on_a_line() -> None:
    assert is_count("1") and is_count(" Không có ") and is_count("05")
    assert not is_count("Ví dụ: 3 hệ thống") and not is_count("x")


def _doc(*texts: str) -> Document:
    return Document(Source("mini.docx", "0" * 64, "docx"),
                    [Block(t, location={"part": "body", "block": n}) for n, t in enumerate(texts)])


def _blanks(slots: list[Slot]) -> list[tuple[str, str | None, str | None]]:
    return [(s.label, s.column, s.raw) for s in slots if s.kind == "blank"]


def test_count_lines_become_blanks_labelled_by_option_and_line() -> None:
    slots = find_slots(_doc("Đại học: \t\t ☐3 Chuyên trách  0 Phụ trách  ☐ Kiêm nhiệm",
                            "2",  # typed under the line: the last, empty box's count
                            "Cao đẳng: \t\t 0 Chuyên trách  1 Phụ trách  0 Kiêm nhiệm"), UNITS, PRINTED)
    assert _blanks(slots) == [
        ("Chuyên trách", "Đại học", "3"), ("Phụ trách", "Đại học", "0"), ("Kiêm nhiệm", "Đại học", "2"),
        ("Chuyên trách", "Cao đẳng", "0"), ("Phụ trách", "Cao đẳng", "1"), ("Kiêm nhiệm", "Cao đẳng", "0")]
    assert not [s for s in slots if s.kind == "choice"]
    assert slots[0].context == "Đại học: Chuyên trách Phụ trách Kiêm nhiệm"
    assert slots[2].location["next_line"]["block"] == 1


def test_a_count_line_the_printed_form_knows() -> None:
    # no count glued to a box, no neighbour: the printed line (counts cut out) says the boxes take numbers
    slots = find_slots(_doc("Đại học: \t\t ☐ Chuyên trách  2 Phụ trách  ☐ Kiêm nhiệm"), UNITS, PRINTED)
    assert _blanks(slots) == [("Chuyên trách", "Đại học", None), ("Phụ trách", "Đại học", "2"),
                              ("Kiêm nhiệm", "Đại học", None)]


def test_ticks_and_printed_examples_stay_choices() -> None:
    slots = find_slots(_doc("Đại học: \t\t(5) ☐ Chuyên trách  ☐ Phụ trách  ☐ Kiêm nhiệm",  # worked example
                            "☒ Chuyên trách ☐ Kiêm nhiệm ☐ Không có",
                            "Băng thông:",
                            "☐ KT < 10 Mb\t☒ 10 Mb ≤ KT ≤ 20 Mb\t☐ KT > 20 Mb"), UNITS, PRINTED)
    choices = [s for s in slots if s.kind != "blank" or s.raw is not None]  # "Băng thông:" is an empty blank
    assert [s.kind for s in choices] == ["choice", "choice", "choice"]
    assert [o.text for o in choices[2].options or []] == ["KT < 10 Mb", "10 Mb ≤ KT ≤ 20 Mb", "KT > 20 Mb"]


def test_label_colon_counts_beside_count_lines_are_not_count_lines() -> None:
    # `Chuyên trách: 0 người  Phụ trách: 06 người` next to count lines keeps its own blanks
    slots = find_slots(_doc("Chuyên trách:0 người      Phụ trách:06 người      Kiêm nhiệm:7 người",
                            "Tiến sỹ:\t\t ☐0 Chuyên trách  ☐1 Phụ trách  1☐ Kiêm nhiệm"), UNITS, PRINTED)
    assert [(s.label, s.raw) for s in slots[:3]] == [("Chuyên trách", "0"), ("Phụ trách", "06"), ("Kiêm nhiệm", "7")]


def test_a_ticked_count_box_is_a_review_item() -> None:
    slots = find_slots(_doc("Cao đẳng: \t\t ☐1 Chuyên trách  ☒ Phụ trách  ☐0 Kiêm nhiệm"), UNITS, PRINTED)
    assert [(s.label, s.raw, s.extra) for s in slots] == [
        ("Chuyên trách", "1", None), ("Phụ trách", None, "☒"), ("Kiêm nhiệm", "0", None)]
