"""Clerk habits (corpora/habits.yaml): declared once, checked at load, drawn per field, rendered, re-read."""

from __future__ import annotations

import random
from pathlib import Path

import pytest
import regex
import yaml

from corpora import build, verify
from corpora.fill import POOLS, habit_value
from corpora.formdesc import Blank, Choice, HeaderCell, Line, ListColumn, ListTable, Option, load_form
from corpora.habits import HABITS_FILE, STYLES, draw, load_habits, more_habits, parse_habits
from corpora.render import Fill, Mark, RenderOptions, render
from extractor.errors import PatternError

MINI = Path(__file__).parent / "data" / "mini_form.yaml"
HABITS = load_habits()


def test_every_habit_is_declared_with_a_renderable_style() -> None:
    assert len(HABITS) >= 20
    for h in HABITS.values():
        assert h.description and h.slots
        assert all(h.style in STYLES[s] for s in h.slots), h.id
    styles = {h.style for h in more_habits().values()}
    # every mechanism the renderer has is reachable from a declared habit (of habits.yaml or habits_more.yaml)
    assert set().union(*STYLES.values()) <= styles


@pytest.mark.parametrize(("change", "message"), [
    (lambda h: h[0].update(weight=-1), "weight must be a number >= 0"),
    (lambda h: h[0].update(applies_to={"slots": ["margin"]}), "unknown slots"),
    (lambda h: h[0].update(applies_to={"slots": ["line"], "types": ["money"]}), "unknown types"),
    (lambda h: h[0].update(style="native"), "cannot be rendered in slots"),
    (lambda h: h[0].update(values="no_such_pool"), "not in corpora/data/pools.yaml"),
    (lambda h: h[0].pop("description"), "missing keys ['description']"),
    (lambda h: h[0].update(colour="red"), "unknown keys ['colour']"),
    (lambda h: h.append(dict(h[1])), "listed twice"),
])
def test_bad_habits_are_refused_with_the_habit_named(change, message: str) -> None:
    data = yaml.safe_load(HABITS_FILE.read_text(encoding="utf-8"))
    change(data["habits"])
    with pytest.raises(PatternError) as err:
        parse_habits(data, POOLS)
    assert message in str(err.value) and "habit" in str(err.value) and "habits.yaml" in str(err.value)


def test_draw_is_seeded_and_respects_where_a_habit_applies() -> None:
    picks = [draw(random.Random(f"s{i}"), "line", "text", "address").id for i in range(300)]
    assert picks == [draw(random.Random(f"s{i}"), "line", "text", "address").id for i in range(300)]
    assert "address_house_number" in picks and "phone_formatted" not in picks
    not_last = {draw(random.Random(i), "line", "integer", last_on_line=False).id for i in range(400)}
    assert "next_line" not in not_last and "inside_leader" in not_last
    multi = {draw(random.Random(i), "choice", "multi_choice").id for i in range(400)}
    assert "multi_tick" not in multi and "x_after_box" in multi
    assert "worked_example" not in {draw(random.Random(i), "cell_line", "integer").id for i in range(400)}
    assert {draw(random.Random(i), "list_table", "text").id for i in range(200)} == {"list_cell", "extra_column"}


def test_habit_values_look_like_other_types() -> None:
    rng = random.Random(3)
    addresses = {habit_value("address_house", "x", "text", rng)[0] for _ in range(40)}
    assert all(regex.match(r"^\d", a) and "," in a for a in addresses)
    phones = {habit_value("phone_formatted", "x", "text", rng)[1] for _ in range(40)}
    assert all("{" not in p and regex.search(r"\d{3}", p) for p in phones)
    assert any(p.startswith("(0") for p in phones) and any(regex.match(r"^\d{4}\.\d{4} \d{3}$", p) for p in phones)
    value, text = habit_value("ratio_units", [50, 141], "ratio", rng)
    assert value == [50, 141] and regex.match(r"^50 ?/ ?141", text)


def _line_text(fill: Fill, segments: list | None = None) -> tuple[str, list[str]]:
    desc = load_form(MINI)
    segments = segments or ["Số máy chiếu: ", Blank("infra.projectors", "integer", leader="…………"), " chiếc"]
    desc.body = [Line(segments)]
    data, records = render(desc, fills={("infra.projectors", None): fill})
    blocks = verify.body_blocks(data)
    return verify.located_text(blocks, records[0].location), [verify.element_text(b) for b in blocks]


@pytest.mark.parametrize(("style", "expected"), [
    ("inside_leader", r"^\nSố máy chiếu: …+4…+ chiếc$"),
    ("replaced_leader", r"^\nSố máy chiếu: 4 chiếc$"),
    ("before_short_leader", r"^\nSố máy chiếu: 4 …{1,2} chiếc$"),
    ("after_leader", r"^\nSố máy chiếu: …………4 chiếc$"),
    ("space_only", r"^\nSố máy chiếu 4 chiếc$"),
    ("next_line", r"^\n4$"),
    ("worked_example", r"^\nSố máy chiếu: …+4…+ chiếc$"),
])
def test_each_typing_habit_places_the_value_as_clerks_do(style: str, expected: str) -> None:
    text, blocks = _line_text(Fill("4", style, 0.5, note="(Ví dụ: 25 máy)" if style == "worked_example" else ""))
    assert regex.match(expected, text), text
    if style == "next_line":
        assert blocks[-2] == "\nSố máy chiếu: ………… chiếc"  # the printed line keeps its leader
    if style == "worked_example":
        assert blocks[-1] == "\n(Ví dụ: 25 máy)"  # the example stays under the question


def test_next_line_values_come_before_examples_and_each_blank_keeps_its_place() -> None:
    desc = load_form(MINI)
    desc.body = [Line(["Email: ", Blank("contact.email", "text"), " Fax: ", Blank("contact.fax", "text")])]
    fills = {("contact.email", None): Fill("a@b.vn", "worked_example", note="Ví dụ: x@y.vn"),
             ("contact.fax", None): Fill("0299 3", "next_line")}
    data, records = render(desc, fills=fills)
    blocks = verify.body_blocks(data)
    assert [r.location for r in records] == [{"block": 1}, {"block": 2}]
    assert [verify.element_text(b) for b in blocks[2:]] == ["\n0299 3", "\nVí dụ: x@y.vn"]


OPTIONS = [Option("yes", "Có"), Option("no", "Không")]


@pytest.mark.parametrize(("style", "typed", "expected"), [
    ("native", "", "☐ Có\t☒ Không"),
    ("typed_x", "", "☐ Có\tX Không"),
    ("bracket_x", "", "☐ Có\t[x] Không"),
    ("deleted_others", "", "☐ Không"),
    ("x_after_box", "x", "☐ Có\t☐xKhông"),
    ("x_after_box", "X ", "☐ Có\t☐X Không"),
    ("x_before_box", "", "☐ Có\tx☐ Không"),
    ("check_after_option", " ✓", "☐ Có\t☐ Không ✓"),
])
@pytest.mark.parametrize("box", ["glyph", "wingdings_sym", "formcheckbox"])
def test_each_marking_habit_reads_back(style: str, typed: str, expected: str, box: str) -> None:
    desc = load_form(MINI)
    desc.body = [Choice("infra.lan", "choice", OPTIONS, label="Có mạng LAN:", layout="same_line")]
    mark = Mark(["no"], style, typed)
    data, records = render(desc, marks={("infra.lan", None): mark}, options=RenderOptions(box=box))
    text = verify.located_text(verify.body_blocks(data), records[0].location)
    assert text.endswith(expected), text
    assert verify.MARKS[style](text) == 1
    assert records[0].fill == style and records[0].raw == "Không"


def test_glyph_replaced_types_a_checked_box_over_any_encoding() -> None:
    desc = load_form(MINI)
    desc.body = [Choice("infra.lan", "choice", OPTIONS, label="LAN:", layout="same_line")]
    data, records = render(desc, marks={("infra.lan", None): Mark(["yes"], "glyph_replaced")},
                           options=RenderOptions(box="wingdings_sym"))
    text = verify.located_text(verify.body_blocks(data), records[0].location)
    assert "\u2612 Có" in text and verify.MARKS["glyph_replaced"](text) == 1


def test_two_ticks_in_a_single_choice_group_are_a_review_item_in_the_truth() -> None:
    desc = load_form(MINI)
    for i in range(200):
        truth = build.build_return(desc, i).truth
        ticked = [f for f in truth["fields"] if f.get("expect") == "review"]
        if ticked:
            break
    else:
        pytest.fail("no return of the mini form has a group ticked twice")
    f = ticked[0]
    assert f["value"] is None and len(f["ticked"]) == 2 and f["habit"] == "multi_tick"
    assert f["type"] in ("choice", "boolean") and f["raw"].count(";") == 1
    blocks = verify.body_blocks(build.build_return(desc, i).docx)
    assert verify.located_text(blocks, f["location"]).count(verify.CHECKED) == 2


def test_added_column_cells_are_recorded_as_extras_and_verified(tmp_path: Path) -> None:
    desc = load_form(MINI)
    header = [[HeaderCell("TT"), HeaderCell("Tên ứng dụng")]]
    desc.body = [ListTable("apps.specialised", header, [ListColumn(None), ListColumn("name")], blank_rows=2)]
    options = RenderOptions(list_rows={"apps.specialised": [{"name": "Một cửa"}, {"name": "QLVB"},
                                                            {"name": "Kế toán"}]},
                            extra_columns={"apps.specialised": ("Ghi chú", ["Tốt", "Tạm dừng", "Mới"])})
    data, records, extras = render(desc, options=options, with_extras=True)
    assert [e["raw"] for e in extras] == ["Tốt", "Tạm dừng", "Mới"] and extras[0]["label"] == "Ghi chú"
    docx = tmp_path / "x.docx"
    docx.write_bytes(data)
    truth = {"fields": [], "extras": extras}
    assert verify.check_return(docx, truth) == []
    truth["extras"][1]["raw"] = "Hoạt động"
    assert any("extra column" in p for p in verify.check_return(docx, truth))


def test_every_filled_field_of_a_built_return_records_its_habit_and_layout() -> None:
    desc = load_form(MINI)
    for i in range(4):
        truth = build.build_return(desc, i).truth
        for f in truth["fields"]:
            assert f["layout"] in ("line", "cell_line", "choice_inline", "choice_list", "choice_same_line",
                                   "cell_choice", "single_box", "list", "list_option_columns"), f
            if f["raw"] is None:
                assert f["habit"] is None
            else:
                assert f["habit"] in HABITS, f
                slot = {"list": "list_table", "list_option_columns": "list_table"}.get(f["layout"], f["layout"])
                slot = "choice" if slot.startswith("choice_") else slot
                assert slot in HABITS[f["habit"]].slots, f
