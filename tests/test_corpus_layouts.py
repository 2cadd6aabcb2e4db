"""The layouts the seed forms print (FORMAT.md "Layouts as printed"), one test each, on tests/data/layout_form.yaml."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from lxml import etree

from corpora import build, verify
from corpora.formdesc import load_form
from corpora.render import Fill, Mark, RenderOptions, Tick, render
from extractor.errors import PatternError

FORM = Path(__file__).parent / "data" / "layout_form.yaml"


def _render(marks: dict | None = None, fills: dict | None = None, **opts):
    desc = load_form(FORM)
    data, records = render(desc, fills or {}, marks or {}, RenderOptions(**{"box": desc.box, **opts}))
    return verify.body_blocks(data), {(r.field_id, r.row): r for r in records}


def _text(blocks, record) -> str:
    return verify.located_text(blocks, record.location)


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out, forms = tmp_path_factory.mktemp("corpus"), tmp_path_factory.mktemp("forms")
    (forms / "f901.yaml").write_bytes(FORM.read_bytes())
    build.build(out, forms, per_form=16, pdf=False)
    return out


def test_every_layout_builds_and_each_truth_value_is_in_its_document(corpus: Path) -> None:
    truths = [json.loads(p.read_text(encoding="utf-8")) for p in sorted((corpus / "truth").glob("*.json"))]
    for truth in truths:
        assert verify.check_return(corpus / truth["files"]["docx"], truth) == [], truth["return_id"]
    fills = {f["fill"] for t in truths for f in t["fields"]}
    assert "tick" in fills
    assert any(f["field_id"] == "security.firewall_hw_name" and f["raw"] for t in truths for f in t["fields"])


def test_box_after_its_option_text() -> None:
    blocks, rec = _render()
    assert _text(blocks, rec[("docs.qlvb.level", None)]).split("\n") == [
        "", "- Chưa cài đặt:       ☐", "- Lập hồ sơ trên phần mềm  ☐"]
    assert _text(blocks, rec[("apps.hr", None)]).strip() == "Có sử dụng  ☐          Không sử dụng  ☐"


def test_a_single_box_answers_yes_or_says_nothing() -> None:
    blocks, rec = _render({("dvc.mcdt.records_software", None): Mark([True])})
    r = rec[("dvc.mcdt.records_software", None)]
    assert _text(blocks, r).strip().endswith("một cửa  ☒")
    assert (r.raw, r.fill) == ("☒", "native")
    blocks, rec = _render({("dvc.mcdt.records_software", None): Mark([False], "deleted_others")})
    r = rec[("dvc.mcdt.records_software", None)]
    assert verify.CHECKED not in _text(blocks, r) and verify.EMPTY in _text(blocks, r)
    assert (r.raw, r.fill) == (None, None)  # an empty box does not say "no"


def test_group_in_a_continuation_row_answers_the_row_above_and_keeps_its_blanks() -> None:
    fills = {("security.firewall_hw_name", None): Fill("Fortigate 60E", "replaced_leader")}
    blocks, rec = _render({("security.firewall_type", None): Mark(["hardware"])}, fills)
    group, name = rec[("security.firewall_type", None)], rec[("security.firewall_hw_name", None)]
    assert group.label == "Mạng LAN có tường lửa không?"
    assert group.location == name.location  # the same merged cell
    assert name.label == "Tên thiết bị"
    assert _text(blocks, group).split("\n")[1:] == ["Tường lửa cứng ☒ Tên thiết bị:Fortigate 60E",
                                                    "Tường lửa mềm ☐ Tên phần mềm:" + name_leader(blocks, group)]


def name_leader(blocks, group) -> str:
    return _text(blocks, group).split("Tên phần mềm:")[1].strip()


def test_several_lines_in_one_cell() -> None:
    blocks, rec = _render()
    total, adsl = rec[("infra.computers.internet.office", None)], rec[("infra.internet_lines.adsl.office", None)]
    assert total.location == adsl.location
    lines = _text(blocks, total).split("\n")[1:]
    assert lines[0].endswith("máy") and lines[1].startswith("ADSL:")
    assert total.label == "Số máy tính kết nối internet" and adsl.label == "ADSL"
    assert rec[("infra.internet_lines.adsl", None)].label == "ADSL"


def test_a_line_of_qualified_blanks_answers_the_question_above_it() -> None:
    _, rec = _render()
    r = rec[("infra.computers.antivirus.district", None)]
    assert (r.label, r.column) == ("Tổng số máy tính có cài phần mềm diệt virus", "Cấp huyện")


def test_blank_inside_an_option_line_and_a_group_box_of_its_own() -> None:
    blocks, rec = _render({("security.backup_device", None): Mark(["other"])})
    group = rec[("security.backup_device", None)]
    assert "☐ USB Box\t☒ Khác (nêu tên): " in _text(blocks, group)
    xml = etree.tostring(blocks[group.location["block"]], encoding="unicode")
    assert "□" in xml and "■" in xml  # □/■ in a form that draws its other boxes in Wingdings
    assert rec[("security.backup_device_other", None)].label == "Khác (nêu tên)"
    blocks, rec = _render({("security.backup_device", None): Mark(["other"])}, box="sdt")
    assert "☐ USB Box\t☒ Khác" in _text(blocks, rec[("security.backup_device", None)])  # a variant redraws all


@pytest.mark.parametrize("mark", ["X", "x", "✓", "☒"])
def test_option_sub_columns_are_ticked_in_the_chosen_column(mark: str) -> None:
    rows = {"apps.specialised": [{"name": "Phần mềm A", "scale": Tick(mark, "province")}]}
    blocks, rec = _render(list_rows=rows)
    r = rec[("apps.specialised.scale", 1)]
    assert r.location["span"] == [2, 2] and r.location["cell"] == 3
    assert (r.raw, r.fill, r.column) == (mark, "tick", "Quy mô sử dụng Đánh dấu [x] vào ô phù hợp")
    assert _text(blocks, r).strip() == mark
    assert verify.located_text(blocks, {**r.location, "cell": 2}).strip() == ""


def test_verifier_catches_a_tick_in_the_wrong_column(corpus: Path) -> None:
    for tp in sorted((corpus / "truth").glob("*.json")):
        truth = json.loads(tp.read_text(encoding="utf-8"))
        tick = next((f for f in truth["fields"] if f["fill"] == "tick"), None)
        if tick:
            first, width = tick["location"]["span"]
            tick["location"]["cell"] = first + (tick["location"]["cell"] - first + 1) % width
            assert verify.check_return(corpus / truth["files"]["docx"], truth)
            return
    pytest.fail("no tick in the corpus")


def test_single_box_in_a_table_cell_takes_the_row_label() -> None:
    blocks, rec = _render({("policy.plan.applied", None): Mark([True], "typed_x")})
    r = rec[("policy.plan.applied", None)]
    assert (r.label, r.column, _text(blocks, r).strip()) == ("Thực hiện Kế hoạch ứng dụng CNTT", "Có thực hiện", "X")


def test_tab_leader_is_a_tab_to_a_dotted_stop() -> None:
    blocks, rec = _render()
    p = blocks[rec[("report.agency_name", None)].location["block"]]
    w = verify.W
    assert p.find(f".//{{{w}}}tabs/{{{w}}}tab").get(f"{{{w}}}leader") == "dot"
    assert len(p.findall(f"{{{w}}}r/{{{w}}}tab")) == 1
    assert verify.element_text(p) == "\n1. Tên đơn vị: \t"


@pytest.mark.parametrize(("style", "expected"), [(None, "Thạc sỹ: ☐ Chuyên trách"),
                                                 ("inside_leader", "Thạc sỹ: ☐2 Chuyên trách"),
                                                 ("replaced_leader", "Thạc sỹ: 2 Chuyên trách")])
def test_a_box_that_takes_a_number(style: str | None, expected: str) -> None:
    key = ("it_staff.degree_role.master.dedicated", None)
    blocks, rec = _render(fills={key: Fill("2", style)} if style else {})
    assert _text(blocks, rec[key]).strip() == expected
    assert (rec[key].label, rec[key].column) == ("Chuyên trách", "Thạc sỹ")


def test_printed_example_boxes_are_no_slot() -> None:
    blocks, rec = _render()
    example = next(b for b in blocks if "Ví dụ" in verify.element_text(b))
    assert verify.element_text(example).count(verify.EMPTY) == 2
    assert all(r.location.get("block") != blocks.index(example) for r in rec.values())
    assert etree.tostring(example).count(b"Wingdings") >= 2


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ('item: "{text}  {box}"', 'item: "{text}"', "item must hold one {box}"),
        ("single: true\n", "single: true\n      options: [{key: true, text: Có}, {key: false, text: Không}]\n",
         "single-box choice"),
        ("subcolumns: true, options", "subcolumns: true, type: text, options", "subcolumns need a choice"),
        ("|leader=tab}", "|leader=xx}", "leader must be"),
        ("- \"{infra.computers.internet|integer}\"", "- \"{infra.computers.internet|integer|sums_to=no.such}\"",
         "not on this form"),
    ],
)
def test_bad_layouts_are_reported(tmp_path: Path, old: str, new: str, message: str) -> None:
    text = FORM.read_text(encoding="utf-8")
    assert old in text
    bad = tmp_path / "bad.yaml"
    bad.write_text(text.replace(old, new, 1), encoding="utf-8")
    with pytest.raises(PatternError) as err:
        load_form(bad)
    assert message in str(err.value) and "bad.yaml" in str(err.value)
