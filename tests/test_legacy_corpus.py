"""The legacy-encoded corpus (corpora/legacy, made by corpora/legacy.py): the recipe, and what the extractor makes
of it — every accepted text value is valid Vietnamese, and the legacy returns score like their Unicode sources."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest

from corpora import legacy as recipe
from extractor.text.legacy import ENCODINGS, JUDGE

ROOT = Path(__file__).resolve().parents[1]
LEGACY = ROOT / "corpora" / "legacy"
SOURCE = ROOT / "corpora"


def _truths() -> list[dict]:
    if not (LEGACY / "truth").is_dir():
        pytest.skip("corpora/legacy not built (python -m corpora.legacy)")
    return [json.loads(p.read_text(encoding="utf-8")) for p in sorted((LEGACY / "truth").glob("*.json"))]


def _source(rid: str) -> tuple[bytes, dict]:
    truth = json.loads((SOURCE / "truth" / f"{rid}.json").read_text(encoding="utf-8"))
    return (SOURCE / truth["files"]["docx"]).read_bytes(), truth


def _runs(docx: bytes) -> list[tuple[str, str]]:
    """(font, text) of every text run of word/document.xml."""
    from lxml import etree

    w = recipe.W
    with zipfile.ZipFile(__import__("io").BytesIO(docx)) as z:
        root = etree.fromstring(z.read("word/document.xml"))
    out = []
    for run in root.iter(f"{{{w}}}r"):
        t = "".join(x.text or "" for x in run.iter(f"{{{w}}}t"))
        f = run.find(f"{{{w}}}rPr/{{{w}}}rFonts")
        out.append(((f.get(f"{{{w}}}hAnsi") or "") if f is not None else "", t))
    return [r for r in out if r[1]]


@pytest.mark.parametrize("kind", recipe.KINDS)
def test_recipe_is_deterministic_and_decodes_back(kind: str) -> None:
    docx, truth = _source("f000_r000")
    made = recipe.convert(docx, truth, kind)
    assert made == recipe.convert(docx, truth, kind)
    runs = _runs(made)
    fonts = {f for f, _ in runs}
    legacy = [(f, t) for f, t in runs if ENCODINGS.font(f)]
    if kind == "unicode":
        assert not legacy
        return
    if kind == "tcvn3-nofont":
        assert not legacy and any(JUDGE.verdict(t).invalid for _, t in runs)
        return
    assert legacy, fonts
    source_text = "".join(t for _, t in _runs(docx))
    decoded = "".join(ENCODINGS.decode(t, *ENCODINGS.font(f)) if ENCODINGS.font(f) else t for f, t in runs)
    assert decoded.casefold() == source_text.casefold()


def test_legacy_truth_stays_unicode() -> None:
    for truth in _truths():
        src = json.loads((SOURCE / "truth" / f"{truth['source_return']}.json").read_text(encoding="utf-8"))
        assert truth["fields"] == src["fields"]
        assert truth["encoding"] in recipe.KINDS


@pytest.fixture(scope="module")
def docx_results() -> list[tuple[dict, object]]:
    from extractor.pipeline import extract_path

    return [(t, extract_path(LEGACY / t["files"]["docx"])) for t in _truths()]


def test_no_accepted_text_holds_invalid_vietnamese(docx_results: list) -> None:
    """Every accepted text value of every legacy DOCX return is made of valid syllables (or plain ASCII)."""
    bad = []
    for truth, result in docx_results:
        for f in result.fields:  # type: ignore[attr-defined]
            if f.status == "accepted" and isinstance(f.value, str) and JUDGE.verdict(f.value).invalid:
                bad.append((truth["return_id"], f.field_id, f.value))
    assert not bad


def test_legacy_returns_score_like_their_sources(docx_results: list) -> None:
    """F1 of each encoding's DOCX returns within 0.02 of the same returns in Unicode, and every legacy
    return says which encoding it repaired."""
    from extractor.evaluate import evaluate

    report = evaluate([(t, "docx", r.to_dict()) for t, r in docx_results], 0.9)  # type: ignore[attr-defined]
    base = report.by_encoding["unicode"].f1
    for kind in recipe.KINDS:
        assert report.by_encoding[kind].f1 >= base - 0.02, (kind, report.by_encoding[kind].f1, base)
    for truth, result in docx_results:
        # a repair is expected wherever the recipe changed the text: the document differs from the Unicode one
        # (a return whose only non-ASCII answers are checkbox options has nothing typed to encode)
        unicode_twin = LEGACY / "returns" / f"unicode__{truth['source_return']}.docx"
        changed = _body(LEGACY / truth["files"]["docx"]) != _body(unicode_twin)
        expected = truth["encoding"] != "unicode" and changed
        assert bool(result.repairs) == expected, truth["return_id"]  # type: ignore[attr-defined]


def _body(path: Path) -> bytes:
    with zipfile.ZipFile(path) as z:
        return z.read("word/document.xml")


def test_extract_line_names_the_repair(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from extractor.cli import main

    docx, truth = _source("f003_r000")
    path = tmp_path / "whole.docx"
    path.write_bytes(recipe.convert(docx, truth, "tcvn3-whole"))
    res = CliRunner().invoke(main, ["extract", str(path), "-o", str(tmp_path / "out")], catch_exceptions=False)
    assert res.exit_code == 0
    assert "TCVN3 → Unicode" in res.output


def test_eval_groups_by_encoding(tmp_path: Path) -> None:
    """`extractor eval` reports an `encoding` group for truth files that name one; the main corpus has none."""
    from extractor.evaluate import evaluate

    docx, truth = _source("f003_r000")
    legacy = {**truth, "return_id": "vni-whole__f003_r000", "encoding": "vni-whole"}
    report = evaluate([(truth, "docx", None), (legacy, "docx", None)], 0.9)
    assert set(report.by_encoding) == {"vni-whole", "vni-whole/docx"}
    assert "encoding vni-whole" in report.format_table()
    assert "by_encoding" not in evaluate([(truth, "docx", None)], 0.9).to_dict()
