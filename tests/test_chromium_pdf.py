"""The Chromium PDF recipe (corpora/chromium_pdf.py): page rule from the DOCX, truth files for the group. The
conversion itself (LibreOffice, Chromium) is replaced here; `python -m corpora.chromium_pdf` runs it."""

from __future__ import annotations

import json
from pathlib import Path

from docx import Document
from docx.shared import Cm

from corpora import chromium_pdf


def test_page_rule_is_the_docx_page(tmp_path: Path) -> None:
    doc = Document()
    sec = doc.sections[0]
    sec.page_width, sec.page_height = Cm(21), Cm(29.7)
    sec.top_margin, sec.right_margin, sec.bottom_margin, sec.left_margin = Cm(2), Cm(2), Cm(2), Cm(3)
    doc.save(str(tmp_path / "a.docx"))
    assert chromium_pdf.page_css(tmp_path / "a.docx") == \
        "@page { size: 21.00cm 29.70cm; margin: 2.00cm 2.00cm 2.00cm 3.00cm; }"


def test_make_writes_pdfs_and_their_truth(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    corpus, out = tmp_path / "corpus", tmp_path / "out"
    (corpus / "truth").mkdir(parents=True)
    (corpus / "returns").mkdir()
    Document().save(str(corpus / "returns" / "f000_r000.docx"))
    truth = {"return_id": "f000_r000", "form": "f000", "fields": [],
             "files": {"docx": "returns/f000_r000.docx", "pdf": "returns/f000_r000.pdf"}}
    (corpus / "truth" / "f000_r000.json").write_text(json.dumps(truth), encoding="utf-8")
    printed: list[tuple[str, str]] = []

    def to_html(paths: list[Path], outdir: Path) -> list[Path]:
        html = [outdir / (p.stem + ".html") for p in paths]
        for h in html:
            h.write_text("<html><head></head><body>x</body></html>", encoding="utf-8")
        return html

    def print_pdf(html: Path, pdf: Path, css: str) -> None:
        printed.append((html.name, css))
        pdf.write_bytes(b"%PDF-1.4\n")

    monkeypatch.setattr(chromium_pdf, "to_html", to_html)
    monkeypatch.setattr(chromium_pdf, "print_pdf", print_pdf)
    written = chromium_pdf.make(["f000_r000"], corpus, out)
    assert written == [out / "f000_r000.pdf"] and printed[0][0] == "f000_r000.html"
    assert printed[0][1].startswith("@page { size: ")
    got = json.loads((out / "truth" / "f000_r000.json").read_text(encoding="utf-8"))
    assert got == {**truth, "files": {"pdf": "f000_r000.pdf"}, "producer": "chromium"}
