"""Where a field came from: the PDF box of a table cell (on the page it is on) and the DOCX row / paragraph."""

from __future__ import annotations

import json
from pathlib import Path

from extractor.review import source_view

from .conftest import CORPUS


def fields(results: Path, name: str) -> list[dict]:
    return json.loads((results / f"{name}.json").read_text(encoding="utf-8"))["fields"]


def test_pdf_table_cell_is_found_on_its_own_page(corpus_results: Path) -> None:
    f = next(f for f in fields(corpus_results, "f000_r017.pdf") if f["field_id"] == "investment.software.other.units")
    assert f["location"]["pages"] == [6, 7] and f["location"]["page"] == 6  # the table's, not the cell's
    page, bbox = source_view.pdf_target(CORPUS / "f000_r017.pdf", f["location"])
    assert page == 7 and bbox[0] > 380 and bbox[3] - bbox[1] < 20
    assert "triệu đồng" in source_view.pdf_context(CORPUS / "f000_r017.pdf", f["location"])
    png = source_view.pdf_crop_png(CORPUS / "f000_r017.pdf", f["location"])
    assert png.startswith(b"\x89PNG")


def test_docx_paragraph_and_row_are_rendered_escaped(corpus_results: Path) -> None:
    fs = fields(corpus_results, "f000_r001.docx")
    para = next(f for f in fs if f["field_id"] == "report.enterprises_count")
    view = source_view.docx_view(CORPUS / "f000_r001.docx", para["location"])
    assert str(view.html) == '<p class="src-block">- Số lượng doanh nghiệp:<mark>....3.........</mark></p>'
    cell = next(f for f in fs if f["field_id"] == "infra.projectors.office")
    view = source_view.docx_view(CORPUS / "f000_r001.docx", cell["location"])
    assert "<th" in view.html and 'class="src-target"' in view.html and "Máy chiếu" in view.context
