"""The committed corpus: rebuilt identically, true to its documents, and as varied as the issue asks."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from collections import Counter
from pathlib import Path

import pdfplumber
import pytest

from corpora import build, verify
from corpora.formdesc import load_forms
from corpora.habits import load_habits

CORPUS = Path(__file__).parent.parent / "corpora"
TRUTHS = sorted((CORPUS / "truth").glob("*.json"))


def _truths() -> list[dict]:
    return [json.loads(p.read_text(encoding="utf-8")) for p in TRUTHS]


def test_corpus_is_built() -> None:
    assert len(TRUTHS) >= 150, "run `python -m corpora.build` to build the corpus"


@pytest.fixture(scope="module")
def rebuilt(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("rebuilt")
    build.build(out, CORPUS / "forms", build.RETURNS_PER_FORM, pdf=False)
    return out


def test_rebuild_gives_the_same_docx_and_truth_bytes(rebuilt: Path) -> None:
    committed = sorted((CORPUS / "templates").glob("*.docx")) + sorted((CORPUS / "returns").glob("*.docx")) \
        + TRUTHS
    assert committed
    rebuilt_files = {p.relative_to(rebuilt) for p in rebuilt.rglob("*") if p.suffix in (".docx", ".json")
                     and p.parent.name != "examples"}
    assert rebuilt_files == {p.relative_to(CORPUS) for p in committed}
    for path in committed:
        assert (rebuilt / path.relative_to(CORPUS)).read_bytes() == path.read_bytes(), path.name


@pytest.mark.parametrize("truth_path", TRUTHS, ids=[p.stem for p in TRUTHS])
def test_truth_matches_the_document(truth_path: Path) -> None:
    truth = json.loads(truth_path.read_text(encoding="utf-8"))
    assert verify.check_return(CORPUS / truth["files"]["docx"], truth) == []
    assert (CORPUS / truth["files"]["pdf"]).is_file()


def test_size_and_balance() -> None:
    truths = _truths()
    per_form = Counter(t["form"] for t in truths)
    assert set(per_form) == {d.id for d in load_forms(CORPUS / "forms")}
    assert min(per_form.values()) >= 25
    variants = sum(t["variant"] for t in truths)
    assert 0.4 <= variants / len(truths) <= 0.6


def test_fill_formats_cover_what_clerks_type() -> None:
    raws = [f["raw"] for t in _truths() for f in t["fields"] if f["raw"]]
    patterns = {
        "thousands dot": r"^\d{1,3}\.\d{3}$", "thousands comma": r"^\d{1,3},\d{3}$",
        "thousands space": r"^\d{1,3} \d{3}$", "decimal comma": r"^\d+,\d{1,2}$", "percent": r"^\d+%$",
        "percent spaced": r"^\d+ %$", "percent decimal": r"^\d+,\d%$", "zero": r"^0$",
        "none words": r"^[Kk]hông có$", "ratio": r"^\d+ ?/ ?\d+$", "yes": r"^Có\.?$", "no": r"^Không\.?$",
        "date words": r"^ngày \d+ tháng \d+ năm \d{4}$", "date slashes": r"^\d+/\d+/\d{4}$",
        "email": r"@", "url": r"\.gov\.vn$", "doc number": r"^\d+/[A-ZĐ]+-[A-ZĐ]+$",
    }
    for name, pattern in patterns.items():
        assert any(re.search(pattern, r) for r in raws), f"no typed value looks like {name}"


def test_every_checkbox_encoding_and_marking_is_used() -> None:
    truths = _truths()
    boxes_marked = {t["box"] for t in truths if any(f["fill"] == "native" for f in t["fields"])}
    assert boxes_marked >= {"glyph", "glyph_square", "wingdings_sym", "wingdings2_sym", "wingdings_text",
                            "formcheckbox", "sdt"}
    fills = Counter(f["fill"] for t in truths for f in t["fields"])
    for style in ("inside_leader", "replaced_leader", "cell", "native", "typed_x", "bracket_x", "deleted_others"):
        assert fills[style] > 0, style
    types = Counter(f["type"] for t in truths for f in t["fields"] if f["value"] is not None)
    for type_ in ("integer", "decimal", "percent", "boolean", "choice", "multi_choice", "text", "date", "ratio"):
        assert types[type_] > 0, type_


def test_every_declared_habit_occurs_and_is_recorded_per_field() -> None:
    truths = _truths()
    habits = Counter(f["habit"] for t in truths for f in t["fields"] if f["raw"] is not None)
    for habit in load_habits():
        assert habits[habit] >= 10, f"habit {habit} occurs {habits[habit]} times"
    assert None not in habits  # every filled field says how it was filled
    assert all(f["habit"] is None for t in truths for f in t["fields"] if f["raw"] is None)
    layouts = Counter(f["layout"] for t in truths for f in t["fields"])
    assert set(layouts) >= {"line", "cell_line", "choice_inline", "choice_list", "cell_choice", "list"}
    review = [f for t in truths for f in t["fields"] if f.get("expect") == "review"]
    assert review and all(f["value"] is None and len(f["ticked"]) == 2 for f in review)
    assert sum(len(t["extras"]) for t in truths) >= 20
    raws = [f["raw"] for t in truths for f in t["fields"] if f["raw"]]
    assert any(re.match(r"^\d+ [^\d,]+, (phường|P\.)", r) for r in raws)  # 168 Lê Duẩn, phường 9, …
    assert any(re.match(r"^\(0\d{3}\) \d", r) for r in raws)  # (0299) 387 7990
    assert any(re.match(r"^\d+ ?/ ?\d+ ?/tháng$", r) for r in raws)  # 50 / 141/tháng


def test_variant_operations_all_occur_and_rows_get_added() -> None:
    truths = _truths()
    ops = Counter(op.split(":")[0] for t in truths for op in t["variant_ops"])
    for op in ("reword", "abbreviations", "old_tones", "no_tones", "typos", "renumber", "reorder", "box", "nfd"):
        assert ops[op] > 0, op
    assert any(t["inconsistencies"] for t in truths)
    assert any(f["row"] and f["row"] > 3 for t in truths for f in t["fields"])
    assert any(f["column"] == "Cấp huyện" for t in truths for f in t["fields"])
    several_on_a_line = Counter((t["return_id"], f["location"]["block"]) for t in truths for f in t["fields"]
                                if "row" not in f["location"] and f["raw"])
    assert max(several_on_a_line.values()) >= 3


def test_examples_ship_with_docx_pdf_and_truth() -> None:
    for rid in build.EXAMPLES:
        for name in (f"{rid}.docx", f"{rid}.pdf", f"{rid}.truth.json"):
            assert (CORPUS / "examples" / name).is_file(), name


def _pdf_text(path: Path) -> str:
    with pdfplumber.open(path) as pdf:
        return "\n".join(page.extract_text() or "" for page in pdf.pages)


@pytest.mark.libreoffice
def test_pdfs_rebuild_with_the_same_content(tmp_path: Path) -> None:
    if not (shutil.which("soffice") or shutil.which("libreoffice")):
        if os.environ.get("CI"):
            pytest.fail("LibreOffice must be installed in CI (.ci/run installs it)")
        pytest.skip("LibreOffice not installed")
    picks = [TRUTHS[0], TRUTHS[len(TRUTHS) // 2 + 1]]
    docs = []
    for tp in picks:
        rid = tp.stem
        shutil.copyfile(CORPUS / "returns" / f"{rid}.docx", tmp_path / f"{rid}.docx")
        docs.append(tmp_path / f"{rid}.docx")
    build.to_pdf(docs)
    for doc in docs:
        assert _pdf_text(doc.with_suffix(".pdf")) == _pdf_text(CORPUS / "returns" / doc.with_suffix(".pdf").name)


def test_pdftoppm_renders_a_return(tmp_path: Path) -> None:
    if not shutil.which("pdftoppm"):
        pytest.skip("poppler-utils not installed")
    pdf = CORPUS / "examples" / f"{build.EXAMPLES[0]}.pdf"
    subprocess.run(["pdftoppm", "-r", "30", "-png", "-f", "1", "-l", "1", str(pdf), str(tmp_path / "p")], check=True)
    assert list(tmp_path.glob("p*.png"))
