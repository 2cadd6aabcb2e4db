"""Unit tests of the corpus builder on a small form that uses every block kind (tests/data/mini_form.yaml)."""

from __future__ import annotations

import io
import json
import random
from pathlib import Path

import pytest
from docx import Document

from corpora import build, verify
from corpora.formdesc import Choice, Option, load_form
from corpora.render import Mark, RenderOptions, clean_label, render
from extractor.errors import PatternError

DATA = Path(__file__).parent / "data"
MINI = DATA / "mini_form.yaml"


@pytest.fixture(scope="module")
def mini_corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("corpus")
    forms = tmp_path_factory.mktemp("forms")
    (forms / "f900.yaml").write_bytes(MINI.read_bytes())
    build.build(out, forms, per_form=24, pdf=False)
    return out


def test_mini_form_loads_with_every_block_kind() -> None:
    desc = load_form(MINI)
    kinds = {type(b).__name__ for b in desc.body}
    assert kinds >= {"Heading", "Para", "Line", "Choice", "Table", "ListTable", "Signature"}


@pytest.mark.parametrize(
    ("patch", "message"),
    [
        ('  - line: "x {Bad.Id|integer}"\n', "malformed blank"),
        ('  - line: "x {a.b|number}"\n', "unknown type"),
        ('  - line: "x {a.b|integer|colour=red}"\n', "unknown blank option"),
        ('  - line: "x {a.b|integer|part_of=no.such}"\n', "not on this form"),
        ('  - line: "x {staff.total|integer}"\n', "used twice"),
        ("  - quote: \"x\"\n", "unknown block kind"),
    ],
)
def test_bad_descriptions_are_reported_with_file_and_block(tmp_path: Path, patch: str, message: str) -> None:
    text = MINI.read_text(encoding="utf-8").replace("  - signature:", patch + "  - signature:", 1)
    bad = tmp_path / "bad.yaml"
    bad.write_text(text, encoding="utf-8")
    with pytest.raises(PatternError) as err:
        load_form(bad)
    assert message in str(err.value)
    assert "bad.yaml" in str(err.value)


def test_clean_label_strips_numbering_and_leaders() -> None:
    assert clean_label("1.2. Tổng số máy tính: …......") == "Tổng số máy tính"
    assert clean_label("  + Máy chủ:") == "Máy chủ"
    assert clean_label("a) Quản lý nhân sự") == "Quản lý nhân sự"


def test_blank_template_has_no_values_and_renders_deterministically() -> None:
    desc = load_form(MINI)
    first, records = render(desc)
    second, _ = render(desc)
    assert first == second
    assert all(r.raw is None for r in records)
    text = "\n".join(p.text for p in Document(io.BytesIO(first)).paragraphs)
    assert "Tổng số máy tính tại cơ quan" in text


def test_build_is_byte_for_byte_reproducible(mini_corpus: Path, tmp_path: Path) -> None:
    forms = tmp_path / "forms"
    forms.mkdir()
    (forms / "f900.yaml").write_bytes(MINI.read_bytes())
    again = tmp_path / "again"
    build.build(again, forms, per_form=24, pdf=False)
    for path in sorted((mini_corpus / "returns").glob("*.docx")) + sorted((mini_corpus / "truth").glob("*.json")):
        assert (again / path.parent.name / path.name).read_bytes() == path.read_bytes(), path.name


def test_every_truth_value_is_where_the_truth_says(mini_corpus: Path) -> None:
    for tp in sorted((mini_corpus / "truth").glob("*.json")):
        truth = json.loads(tp.read_text(encoding="utf-8"))
        assert verify.check_return(mini_corpus / truth["files"]["docx"], truth) == [], tp.name


def test_verifier_catches_a_wrong_truth(mini_corpus: Path) -> None:
    truth = json.loads((mini_corpus / "truth" / "f900_r000.json").read_text(encoding="utf-8"))
    typed = next(f for f in truth["fields"] if f["raw"] and f["type"] == "integer")
    typed["raw"] = typed["raw"] + "9"
    boxes = next(f for f in truth["fields"] if f["fill"] == "native")
    boxes["value"] = ["a", "b", "c", "d"]
    problems = verify.check_return(mini_corpus / truth["files"]["docx"], truth)
    assert any(typed["field_id"] in p for p in problems)
    assert any(boxes["field_id"] in p for p in problems)


def test_variants_are_about_half_and_carry_their_operations(mini_corpus: Path) -> None:
    truths = [json.loads(p.read_text(encoding="utf-8")) for p in (mini_corpus / "truth").glob("*.json")]
    variants = [t for t in truths if t["variant"]]
    assert len(variants) == len(truths) // 2
    assert all("reword" in t["variant_ops"] for t in variants)
    assert all(t["variant_ops"] == [] for t in truths if not t["variant"])


def test_parts_never_exceed_totals_unless_flagged(mini_corpus: Path) -> None:
    for tp in (mini_corpus / "truth").glob("*.json"):
        truth = json.loads(tp.read_text(encoding="utf-8"))
        values = {f["field_id"]: f["value"] for f in truth["fields"] if f["row"] is None}
        flagged = {fid for inc in truth["inconsistencies"] for fid in inc["fields"]}
        total, part = values.get("infra.computers.total"), values.get("infra.computers.desktop")
        if total is not None and part is not None and "infra.computers.desktop" not in flagged:
            assert part <= total, tp.name


@pytest.mark.parametrize("encoding", ["glyph", "glyph_square", "wingdings_sym", "wingdings2_sym", "wingdings_text",
                                      "formcheckbox", "sdt"])
def test_each_checkbox_encoding_reads_back_with_its_state(encoding: str) -> None:
    desc = load_form(MINI)
    group = Choice("email.pick", "choice", [Option("a", "Một"), Option("b", "Hai"), Option("c", "Ba")],
                   label="Chọn một:")
    desc.body = [group]
    data, records = render(desc, marks={("email.pick", None): Mark(["b"])}, options=RenderOptions(box=encoding))
    blocks = verify.body_blocks(data)
    text = verify.located_text(blocks, records[0].location)
    assert text.count(verify.CHECKED) == 1
    assert text.count(verify.EMPTY) == 2
    assert text.index(verify.CHECKED) < text.index("Hai") < text.index(verify.EMPTY, text.index("Hai"))


def test_plan_values_is_deterministic_for_a_seed() -> None:
    from corpora.fill import plan_values

    desc = load_form(MINI)
    a = plan_values(desc, random.Random("x"))
    b = plan_values(desc, random.Random("x"))
    assert a == b
