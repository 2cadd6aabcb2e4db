"""A file holding several returns is named in a result warning (issue 14): by the form's headings repeated,
else by the document's first heading repeated. Multi-return files are made by recipe from corpus returns."""

from __future__ import annotations

import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest
from lxml import etree

from extractor.catalogue import load_catalogue
from extractor.pipeline import extract_path
from extractor.repeats import several_returns

RETURNS = Path(__file__).resolve().parents[1] / "corpora" / "returns"
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def concat_docx(parts: list[Path], target: Path) -> Path:
    """The first DOCX with the body of every other one appended (as a clerk pasting returns one after another)."""
    with zipfile.ZipFile(parts[0]) as z:
        files = {name: z.read(name) for name in z.namelist()}
    root = etree.fromstring(files["word/document.xml"])
    body = root.find(f"{W}body")
    sect = body.find(f"{W}sectPr")
    for part in parts[1:]:
        with zipfile.ZipFile(part) as z:
            other = etree.fromstring(z.read("word/document.xml")).find(f"{W}body")
        for child in other:
            if child.tag != f"{W}sectPr":
                (sect.addprevious(child) if sect is not None else body.append(child))
    files["word/document.xml"] = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in files.items():
            z.writestr(name, data)
    return target


def _several(warnings: list[str]) -> list[str]:
    return [w for w in warnings if w.startswith("looks like ")]


def test_the_forms_headings_repeated_make_a_warning() -> None:
    form = load_catalogue().forms["f003"].headings
    assert several_returns(list(form), form) is None
    text = several_returns([*form, "Kính gửi", *form, *form], form)
    assert text is not None and text.startswith("looks like 3 returns in one file (the form's heading ")
    assert "occurs 3 times" in text and "split it" in text


def test_one_heading_repeated_alone_is_not_enough() -> None:
    form = load_catalogue().forms["f003"].headings
    assert several_returns([*form, form[2]], form) is None  # a return may repeat one heading


def test_without_the_form_the_first_heading_repeated_is_the_evidence() -> None:
    doc = ["BÁO CÁO TÌNH HÌNH", "I. Nhân lực", "II. Hạ tầng", "BÁO CÁO TÌNH HÌNH", "I. Nhân lực"]
    text = several_returns(doc)
    assert text is not None and "looks like 2 returns" in text and "first heading 'BÁO CÁO TÌNH HÌNH'" in text
    assert several_returns(["I.", "II.", "I.", "II."]) is None  # too short to be a return's title
    assert several_returns([]) is None


def test_a_docx_of_three_returns_warns_and_one_return_does_not(tmp_path: Path) -> None:
    three = concat_docx([RETURNS / f"f003_r00{i}.docx" for i in (0, 2, 3)], tmp_path / "ca-huyen.docx")
    warned = _several(extract_path(three).warnings)
    assert len(warned) == 1 and warned[0].startswith("looks like 3 returns in one file"), warned
    assert _several(extract_path(RETURNS / "f003_r000.docx").warnings) == []


@pytest.mark.skipif(shutil.which("pdfunite") is None, reason="needs pdfunite (poppler-utils)")
def test_a_pdf_of_several_returns_warns(tmp_path: Path) -> None:
    target = tmp_path / "ca-tinh.pdf"
    subprocess.run(["pdfunite", *(str(RETURNS / f"f001_r00{i}.pdf") for i in (0, 2, 3)), str(target)], check=True)
    warned = _several(extract_path(target).warnings)
    assert len(warned) == 1 and warned[0].startswith("looks like 3 returns in one file"), warned
