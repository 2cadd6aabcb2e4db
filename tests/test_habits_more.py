"""The clerk habits of corpora/habits_more.yaml (issue 15), one test per habit: rendered on one field, re-read by
the corpus verifier and by the product (DOCX reader → slots → answer), and the group corpora/returns_more built
from them."""

from __future__ import annotations

import json
import random
import zipfile
from pathlib import Path

import pytest

from corpora import more, verify
from corpora.fill import habit_value
from corpora.formdesc import Blank, Choice, Line, Option, load_form
from corpora.habits import HABITS_MORE_FILE, STYLES, load_habits, more_habits
from corpora.render import Fill, Mark, RenderOptions, render
from extractor.answers import read_answer
from extractor.catalogue import FieldSpec, Keys, OptionSpec, load_catalogue
from extractor.model import Block, Document, Source
from extractor.readers.docx import read_docx
from extractor.readers.pdf_lines import Glyph
from extractor.readers.pdf_page import decorate
from extractor.slots import Slot, find_slots
from extractor.text.values import parse_value

MINI = Path(__file__).parent / "data" / "mini_form.yaml"
UNITS = load_catalogue().units
GROUP = Path(__file__).parents[1] / "corpora" / "returns_more"
NEW = ("value_with_unit", "typed_none", "date_dashes", "other_font", "tracked_insert", "commented",
       "bold_chosen", "highlight_chosen", "strike_others")


def _read(data: bytes) -> Document:
    return read_docx(data, Source("mini.docx", "0" * 64, "docx"))


def test_more_habits_are_declared_apart_and_every_style_is_reachable() -> None:
    main, extra = load_habits(), load_habits(HABITS_MORE_FILE)
    assert set(extra) == set(NEW) and not set(extra) & set(main)
    assert set(more_habits()) == set(main) | set(extra)
    # every renderer mechanism is drawn by a habit of one list or the other
    assert set().union(*STYLES.values()) <= {h.style for h in more_habits().values()}
    assert "strike_others" not in STYLES["single_box"]  # one box: no other option to strike


def test_needs_keep_a_habit_to_the_fields_that_have_it() -> None:
    h = load_habits(HABITS_MORE_FILE)
    assert h["value_with_unit"].applies("line", "integer", traits=frozenset({"unit"}))
    assert not h["value_with_unit"].applies("line", "integer")
    assert h["typed_none"].applies("cell_line", "integer", traits=frozenset({"zero_ok"}))
    assert not h["typed_none"].applies("line", "integer", traits=frozenset({"unit"}))


# -- typing habits ------------------------------------------------------------------------------------------
@pytest.mark.parametrize(("pool", "value", "type_", "unit", "expected", "read"), [
    ("with_unit", 15, "integer", "người", "15 người", 15),
    ("none_words", 7, "integer", None, None, 0),
    ("date_formats", "2019-03-05", "date", None, None, "2019-03-05"),
])
def test_typed_values_of_the_new_pools_read_back(pool: str, value, type_: str, unit, expected, read) -> None:
    for seed in range(12):
        got_value, text = habit_value(pool, value, type_, random.Random(seed), unit)
        assert expected is None or text == expected
        parsed = parse_value(text, type_, unit)
        assert parsed.value == read == got_value, (text, parsed)


@pytest.mark.parametrize(("line", "raws"), [
    ("- Số DVCTT mức độ 4 tính đến 1/10/2020:-dịch vụ", ["-"]),  # the dots replaced by a dash, unit glued
    ("+ Tổng số máy tính bảng: --chiếc.", ["--"]),
    ("(Cấp tỉnh)-- (Cấp huyện)…109……… (Cấp xã)….....241....", ["--", "109", "241"]),
    ("Ghi chú: - Các CQNN báo cáo theo mẫu", ["- Các CQNN báo cáo theo mẫu"]),  # printed text: no sign value
    ("Số máy: -5 chiếc", ["-5 chiếc"]),  # a signed number is no dash for none
])
def test_a_dash_typed_for_none_where_the_dots_were_is_a_value(line: str, raws: list[str]) -> None:
    from extractor.blanks import split_line
    assert [r.raw for r in split_line(line, UNITS)] == raws


def _line(fill: Fill) -> tuple[bytes, str]:
    desc = load_form(MINI)
    desc.body = [Line(["Số máy chiếu: ", Blank("infra.projectors", "integer", unit="chiếc", leader="…………"),
                       " chiếc"])]
    data, records = render(desc, fills={("infra.projectors", None): fill})
    text = verify.located_text(verify.body_blocks(data), records[0].location)
    return data, text


@pytest.mark.parametrize("style", ["other_font", "tracked_insert", "commented"])
def test_each_marked_up_value_is_in_its_line_for_the_verifier_and_the_reader(style: str) -> None:
    data, text = _line(Fill("24", style, 0.5))
    assert "24" in text
    blocks = [b for b in _read(data).items if isinstance(b, Block) and "24" in b.text]
    assert len(blocks) == 1
    slots = [s for s in find_slots(_read(data), UNITS) if s.raw]
    assert [s.raw for s in slots] == ["24"] and slots[0].label.startswith("Số máy chiếu")
    with zipfile.ZipFile(__import__("io").BytesIO(data)) as z:
        xml = z.read("word/document.xml").decode()
        if style == "tracked_insert":  # the dots deleted as a tracked change, the value inserted as one
            assert "<w:del " in xml and "<w:ins " in xml and "…" not in blocks[0].text
        elif style == "commented":
            assert "commentReference" in xml and "Văn thư" in z.read("word/comments.xml").decode()
        else:
            assert 'w:ascii="Arial"' in xml or 'w:ascii="Calibri"' in xml


def test_marked_up_values_render_the_same_bytes_twice() -> None:
    for style in ("other_font", "tracked_insert", "commented"):
        assert _line(Fill("24", style, 0.5))[0] == _line(Fill("24", style, 0.5))[0]


# -- marking habits: the chosen option shown by formatting ------------------------------------------------
OPTIONS = [Option("yes", "Có"), Option("no", "Không"), Option("na", "Chưa có kế hoạch")]
SPEC = FieldSpec("infra.lan", "choice", options=[OptionSpec(o.key, [o.text], [Keys.of(o.text)]) for o in OPTIONS])


@pytest.mark.parametrize("style", ["bold_chosen", "highlight_chosen", "strike_others"])
@pytest.mark.parametrize("box", ["glyph", "wingdings_sym", "formcheckbox", "sdt"])
@pytest.mark.parametrize(("layout", "item"), [("same_line", "{box} {text}"), ("list", "{box} {text}"),
                                              ("list", "- {text}:     {box}")])
def test_each_formatted_choice_reads_back(style: str, box: str, layout: str, item: str) -> None:
    desc = load_form(MINI)
    # boxes before their options, or after them one per line ("- Chưa cài đặt:   ☐", the question above)
    desc.body = [Choice("infra.lan", "choice", OPTIONS, label="Có mạng LAN:", layout=layout, item=item)]
    data, records = render(desc, marks={("infra.lan", None): Mark(["no"], style)}, options=RenderOptions(box=box))
    els = verify.located(verify.body_blocks(data), records[0].location)
    text = verify.located_text(verify.body_blocks(data), records[0].location)
    assert verify.FORMAT_MARKS[style](els, text) == 1 and verify.CHECKED not in text
    choice = [s for s in find_slots(_read(data), UNITS) if s.kind == "choice"]
    assert len(choice) == 1 and not any(o.checked for o in choice[0].options or [])
    answer = read_answer(choice[0], SPEC)
    assert (answer.value, answer.reason) == ("no", "format_mark"), answer


def _group(*styled: tuple[str, tuple[str, ...]]) -> Slot:
    from extractor.slots import Option as SlotOption
    return Slot("choice", "Có mạng LAN", options=[SlotOption(t, False, "box", s) for t, s in styled])


@pytest.mark.parametrize(("styled", "value", "reason"), [
    ((("Có", ("bold",)), ("Không", ()), ("Chưa có kế hoạch", ())), "yes", "format_mark"),
    ((("Có", ("strike",)), ("Không", ()), ("Chưa có kế hoạch", ("strike",))), "no", "format_mark"),
    ((("Có", ("bold", "strike")), ("Không", ()), ("Chưa có kế hoạch", ())), None, "format_unclear"),
    ((("Có", ("bold",)), ("Không", ("bold",)), ("Chưa có kế hoạch", ("bold",))), None, "empty"),  # all alike
    ((("Có", ()), ("Không", ()), ("Chưa có kế hoạch", ())), None, "empty"),
])
def test_formatting_chooses_only_when_it_tells_options_apart(styled, value, reason: str) -> None:
    answer = read_answer(_group(*styled), SPEC)
    assert (answer.value, answer.reason) == (value, reason)
    assert answer.ok == (reason != "format_unclear")  # contradicting formats go to a reviewer


def test_a_ticked_box_wins_over_formatting() -> None:
    from extractor.slots import Option as SlotOption
    slot = Slot("choice", "Có mạng LAN", options=[SlotOption("Có", True, "box"), SlotOption("Không", False, "box",
                                                                                             ("bold",))])
    assert read_answer(slot, SPEC).value == "yes"


# -- PDF: decorations drawn over glyphs -------------------------------------------------------------------
def _glyphs(text: str, x: float = 100.0, top: float = 200.0) -> list[Glyph]:
    return [Glyph(ch, x + 6.5 * i, x + 6.5 * (i + 1), top, top + 13.0, 13.0, False) for i, ch in enumerate(text)]


def _hline(x0: float, x1: float, y: float) -> dict:
    return {"x0": x0, "x1": x1, "top": y, "bottom": y, "object_type": "line"}


def test_pdf_strike_highlight_underline_and_change_bars() -> None:
    struck, marked, under = _glyphs("Không"), _glyphs("Có", top=240.0), _glyphs("24", top=280.0)
    strike = _hline(100.0, 132.5, 209.4)  # 0.72 of the glyph box: LibreOffice's strike-out
    underline = _hline(100.0, 113.0, 294.2)  # 1.09: below the box
    rule = _hline(85.0, 400.0, 294.0)  # a table rule under a cell's text runs on under empty space
    bar = {"x0": 78.0, "x1": 78.0, "top": 276.0, "bottom": 294.0, "object_type": "line"}
    fill = {"x0": 99.0, "x1": 114.0, "top": 239.0, "bottom": 254.0, "fill": True,
            "non_stroking_color": (1.0, 1.0, 0.0), "object_type": "rect"}
    used = decorate([*struck, *marked, *under], [strike, underline, rule, bar], [fill])
    assert all("strike" in g.styles for g in struck) and all("highlight" in g.styles for g in marked)
    assert not any(g.styles for g in under)
    assert used == {id(strike), id(underline), id(bar), id(fill)}
    side = {"x0": 85.0, "x1": 85.0, "top": 276.0, "bottom": 294.0, "object_type": "line"}  # a table's side
    assert id(side) not in decorate(under, [rule, side], [])
    # a cell's bottom border right under text that fills the cell (Word: no cell padding) stays a rule
    border = _hline(99.0, 114.0, 294.0)
    ends = [{"x0": x, "x1": x, "top": 276.0, "bottom": 294.0, "object_type": "line"} for x in (99.0, 114.0)]
    assert not {id(border), *map(id, ends)} & decorate(under, [border, *ends], [])


# -- the group ----------------------------------------------------------------------------------------------
def test_group_rebuilds_byte_for_byte_and_verifies(tmp_path: Path) -> None:
    written = more.make(tmp_path, pdf=False)
    assert len(written) == 25
    for path in written:
        assert path.read_bytes() == (GROUP / path.name).read_bytes(), path.name
        name = f"truth/{path.stem}.json"
        assert (tmp_path / name).read_bytes() == (GROUP / name).read_bytes(), name
        truth = json.loads((tmp_path / name).read_text(encoding="utf-8"))
        assert verify.check_return(path, truth) == []
        assert truth["files"] == {"docx": path.name, "pdf": path.with_suffix(".pdf").name}
        assert (GROUP / truth["files"]["pdf"]).is_file()


def test_every_new_habit_occurs_in_the_group() -> None:
    drawn: dict[str, int] = {}
    for tp in (GROUP / "truth").glob("*.json"):
        for f in json.loads(tp.read_text(encoding="utf-8"))["fields"]:
            if f["habit"]:
                drawn[f["habit"]] = drawn.get(f["habit"], 0) + 1
    assert all(drawn.get(h, 0) >= 5 for h in NEW), drawn
