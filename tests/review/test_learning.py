"""A label a reviewer maps to a field id is saved as an alias; re-extraction with the overlay accepts it."""

from __future__ import annotations

import json
from pathlib import Path

import docx
from click.testing import CliRunner
from docx.text.paragraph import Paragraph

from extractor.cli import main
from extractor.output import write_result
from extractor.pipeline import extract_path
from extractor.review.app import create_app

from .conftest import CORPUS, csrf

REWORDED = "Tổng cộng các công ty đang hoạt động trên địa bàn"  # the template says "Số doanh nghiệp"
FIELD = "report.enterprises_count"


def reworded_return(target: Path) -> Path:
    """f000_r000 with the enterprises question reworded (the paragraph "- Số doanh nghiệp:.............4")."""
    document = docx.Document(str(CORPUS / "f000_r000.docx"))
    para = next(p for p in (Paragraph(el, document) for el in document.element.body.iterchildren())
                if p.runs and p.runs[0].text == "- Số doanh nghiệp:")
    para.runs[0].text = f"- {REWORDED}:"
    document.save(str(target))
    return target


def test_saved_alias_makes_the_reworded_label_match(tmp_path: Path) -> None:
    source = reworded_return(tmp_path / "reworded.docx")
    results = tmp_path / "results"
    before = extract_path(source)
    assert not any(f.field_id == FIELD and f.value is not None for f in before.fields)
    slot = next(i for i, f in enumerate(before.unmatched) if f.label == REWORDED)
    assert before.unmatched[slot].status == "review"
    write_result(before, results)

    app = create_app(results, reviewer="An")
    c = app.test_client()
    slug = f"{before.source.sha256}/unmatched/{slot}"
    token = csrf(c.get(f"/item/{slug}").data.decode())
    resp = c.post(f"/item/{slug}", data={"csrf_token": token, "version": 0, "action": "relabel",
                                         "field_id": FIELD, "alias": "1"})
    assert resp.status_code == 303
    overlay = results / "patterns-overlay"
    assert REWORDED in (overlay / "aliases.yaml").read_text(encoding="utf-8")

    again = tmp_path / "again"
    res = CliRunner().invoke(main, ["extract", str(source), "-o", str(again), "--patterns-overlay", str(overlay)],
                             catch_exceptions=False)
    assert res.exit_code == 0, res.output
    data = json.loads((again / "reworded.docx.json").read_text(encoding="utf-8"))
    got = [(f["label"], f["value"], f["status"]) for f in data["fields"] if f["field_id"] == FIELD]
    assert got == [(REWORDED, 4, "accepted")]
    assert all(f["label"] != REWORDED for f in data["unmatched"])
