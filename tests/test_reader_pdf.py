"""Tests of the PDF reader (extractor/readers/pdf.py, pdf_boxes.py).

Fixtures are generated in the session (tests/pdf_fixtures.py): a DOCX built with python-docx and corpora.boxes,
exported by LibreOffice (tests marked `libreoffice`: skipped when soffice is missing, failed in CI), a hand-written
encrypted PDF and an image-only PDF. The acceptance test reads corpus returns.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import unicodedata
from pathlib import Path
from typing import Any

import pytest

from extractor import readers
from extractor.errors import InputError, PatternError
from extractor.model import CHECKED_BOX, EMPTY_BOX, UNKNOWN_BOX, Block, Document, Source, Table
from extractor.readers import pdf as pdf_reader
from extractor.readers.pdf_boxes import DROP, GlyphTable, font_key, load_pdf_patterns, vector_boxes
from tests import pdf_fixtures as fx

CORPUS = Path(__file__).resolve().parents[1] / "corpora"


def needs_libreoffice() -> None:
    if not (shutil.which("soffice") or shutil.which("libreoffice")):
        if os.environ.get("CI"):
            pytest.fail("LibreOffice must be installed in CI (.ci/run installs it)")
        pytest.skip("LibreOffice not installed")


@pytest.fixture(scope="module")
def form_pdf(tmp_path_factory: pytest.TempPathFactory) -> Path:
    needs_libreoffice()
    folder = tmp_path_factory.mktemp("pdf")
    return fx.to_pdf(fx.form_docx(folder / "form.docx"))


@pytest.fixture(scope="module")
def form(form_pdf: Path) -> Document:
    return readers.read(form_pdf)


def blocks(doc: Document) -> list[Block]:
    return [i for i in doc.items if isinstance(i, Block)]


def block_starting(doc: Document, prefix: str) -> Block:
    found = [b for b in blocks(doc) if b.text.startswith(prefix)]
    assert len(found) == 1, (prefix, [b.text for b in blocks(doc)])
    return found[0]


def all_blocks(doc: Document) -> list[Block]:
    out: list[Block] = []
    for item in doc.items:
        out += [item] if isinstance(item, Block) else [b for row in item.rows for c in row for b in c.blocks]
    return out


def assert_tokens_match_boxes(block: Block) -> None:
    tokens = [i for i, ch in enumerate(block.text) if ch in (EMPTY_BOX, CHECKED_BOX, UNKNOWN_BOX)]
    assert tokens == [b.offset for b in block.boxes], block
    for b in block.boxes:
        assert block.text[b.offset] == (CHECKED_BOX if b.checked else EMPTY_BOX if b.checked is False else UNKNOWN_BOX)


# -- LibreOffice exports ----------------------------------------------------------------------------------------
@pytest.mark.libreoffice
@pytest.mark.parametrize("encoding", sorted(fx.ENCODINGS))
def test_checkbox_encodings_with_their_state(form: Document, encoding: str) -> None:
    block = block_starting(form, fx.LABELS[encoding])
    assert block.text == f"{fx.LABELS[encoding]}: {CHECKED_BOX} Có   {EMPTY_BOX} Không"
    assert [(b.checked, b.encoding) for b in block.boxes] == [(True, fx.ENCODINGS[encoding]),
                                                              (False, fx.ENCODINGS[encoding])]


@pytest.mark.libreoffice
def test_every_box_token_has_its_box(form: Document) -> None:
    for block in all_blocks(form):
        assert_tokens_match_boxes(block)


@pytest.mark.libreoffice
def test_leaders_keep_their_dots_and_the_values_typed_in_them(form: Document) -> None:
    for written in fx.LEADER_LINES:
        assert block_starting(form, written[:12]).text == written


@pytest.mark.libreoffice
def test_a_wrapped_paragraph_is_one_block_and_a_line_break_stays_inside_it(form: Document) -> None:
    assert block_starting(form, "4. Tổng số cán bộ").text == fx.WRAPPED
    assert block_starting(form, "5. Ghi chú").text == "5. Ghi chú có ngắt dòng:\ndòng thứ hai của cùng đoạn"


@pytest.mark.libreoffice
def test_headings_are_bold(form: Document) -> None:
    assert block_starting(form, "MỤC 1.").bold and block_starting(form, "MỤC 2.").bold
    assert not block_starting(form, "1. Tên cơ quan").bold


@pytest.mark.libreoffice
def test_table_split_over_pages_is_one_table(form: Document, form_pdf: Path) -> None:
    tables = [i for i in form.items if isinstance(i, Table)]
    assert len(tables) == 1
    table = tables[0]
    assert len(table.location["pages"]) >= 3 and form.pages == len(table.location["pages"])
    assert len(table.rows) == 1 + fx.TABLE_ROWS  # the header once, and the row taller than a page once
    assert [c.text for c in table.rows[0]] == ["STT", "Tên thiết bị", "Số lượng"]
    for r in range(1, fx.TABLE_ROWS + 1):
        row = table.rows[r]
        assert [(c.row, c.col, c.colspan, c.rowspan) for c in row] == [(r, 0, 1, 1), (r, 1, 1, 1), (r, 2, 1, 1)]
        assert row[0].text == str(r) and row[2].text == f"…{r * 7}… chiếc"
    tall = table.rows[fx.TALL_ROW][1]
    assert tall.text.split("\n") == ["Thiết bị nhiều dòng"] + [f"dòng {k}" for k in range(1, fx.TALL_LINES + 1)]
    pages = {b.location["page"] for b in tall.blocks}
    assert len(pages) >= 2 and all(b.location["col"] == 1 and b.location["row"] == fx.TALL_ROW for b in tall.blocks)


@pytest.mark.libreoffice
def test_running_header_and_page_numbers_are_dropped(form: Document) -> None:
    texts = [b.text for b in all_blocks(form)]
    assert not any(fx.HEADER_TEXT in t or re.fullmatch(r"Trang \d+", t) for t in texts)
    assert any("running header/footer" in w for w in form.warnings)
    assert texts[-1] == "Người lập biểu"


@pytest.mark.libreoffice
def test_locations(form: Document) -> None:
    assert form.source.format == "pdf" and form.pages >= 3
    block = block_starting(form, "MỤC 1.")
    assert block.location["page"] == 1
    x0, top, x1, bottom = block.location["bbox"]
    assert 0 < x0 < x1 < 600 and 0 < top < bottom < 850


@pytest.fixture(scope="module")
def layout_pdfs(tmp_path_factory: pytest.TempPathFactory) -> tuple[Document, Document]:
    """Narrow cells, paragraphs ending with a space and vector boxes against text; rows cut by page breaks."""
    needs_libreoffice()
    folder = tmp_path_factory.mktemp("layouts")
    docs = [fx.layout_docx(folder / "layout.docx"), fx.split_rows_docx(folder / "split.docx")]
    from corpora import build

    build.to_pdf(docs)
    return readers.read(docs[0].with_suffix(".pdf")), readers.read(docs[1].with_suffix(".pdf"))


@pytest.mark.libreoffice
def test_words_cut_inside_narrow_cells_are_joined_back(layout_pdfs: tuple[Document, Document]) -> None:
    tables = [i for i in layout_pdfs[0].items if isinstance(i, Table)]
    assert len(tables) == 3  # left-aligned 13 pt, centered 13 pt, left-aligned 14 pt
    for table in tables:
        assert [[c.text for c in row] for row in table.rows] == fx.NARROW_CELLS


@pytest.mark.libreoffice
def test_a_row_cut_by_a_page_break_is_joined_back(layout_pdfs: tuple[Document, Document]) -> None:
    tables = [i for i in layout_pdfs[1].items if isinstance(i, Table)]
    assert len(tables) == len(fx.SPLIT_FILLERS)
    for table in tables:
        assert [[c.text for c in row] for row in table.rows] == fx.SPLIT_ROWS
    # the case itself occurred: a value cell whose text is all on the page after its row's number
    assert any(t.rows[0][2].blocks[0].location["page"] > t.rows[0][0].blocks[0].location["page"] for t in tables)


@pytest.mark.libreoffice
def test_a_vector_box_against_its_text_is_a_box_and_a_space(layout_pdfs: tuple[Document, Document]) -> None:
    block = block_starting(layout_pdfs[0], fx.VECTOR_GAP_LABEL)
    assert block.text == f"{fx.VECTOR_GAP_LABEL}: {CHECKED_BOX} Có {EMPTY_BOX} Không"
    assert [(b.checked, b.encoding) for b in block.boxes] == [(True, "vector"), (False, "vector")]
    assert_tokens_match_boxes(block)


@pytest.mark.libreoffice
def test_a_short_line_ending_with_a_space_ends_its_paragraph(layout_pdfs: tuple[Document, Document]) -> None:
    texts = [b.text for b in blocks(layout_pdfs[0])]
    start = texts.index(fx.TRAILING_SPACE_LINES[0].rstrip())
    assert texts[start:start + len(fx.TRAILING_SPACE_LINES)] == [t.rstrip() for t in fx.TRAILING_SPACE_LINES]
    assert texts[start - 1].startswith("Phần đầu:") and texts[start + len(fx.TRAILING_SPACE_LINES)].startswith(
        fx.VECTOR_GAP_LABEL)


@pytest.mark.libreoffice
def test_image_only_pdf_goes_to_the_ocr_reader(form_pdf: Path, tmp_path: Path) -> None:
    png = None
    if shutil.which("pdftoppm"):
        subprocess.run(["pdftoppm", "-r", "150", "-png", "-f", "1", "-l", "1", "-singlefile", str(form_pdf),
                        str(tmp_path / "page")], check=True)
        png = tmp_path / "page.png"
    scan = fx.image_only_pdf(tmp_path / "scan.pdf", png)
    if not shutil.which("tesseract"):
        pytest.skip("Tesseract not installed (tests/test_reader_ocr.py fails in CI without it)")
    doc = readers.read(scan)
    assert doc.source.format == "pdf" and any("read by OCR" in w for w in doc.warnings)
    assert blocks(doc)


# -- without LibreOffice ------------------------------------------------------------------------------------------
def test_image_only_pdf_without_tesseract_says_what_to_install(tmp_path: Path, monkeypatch: pytest.MonkeyPatch
                                                               ) -> None:
    import pytesseract

    from extractor.readers import ocr_engine

    scan = fx.image_only_pdf(tmp_path / "scan.pdf")
    # neither tesserocr (not taken when the command engine is asked for) nor the tesseract command
    monkeypatch.setenv("EXTRACTOR_OCR_ENGINE", "command")
    monkeypatch.setattr(ocr_engine, "_ENGINES", {})
    monkeypatch.setattr(pytesseract.pytesseract, "tesseract_cmd", "/nonexistent/tesseract")
    with pytest.raises(InputError, match="needs OCR, but Tesseract is not installed") as err:
        readers.read(scan)
    assert str(scan) in str(err.value) and "tesseract-ocr-vie" in str(err.value) and "\n" not in str(err.value)


def test_a_scanned_page_in_a_text_pdf_is_a_warning(tmp_path: Path) -> None:
    import pypdfium2 as pdfium

    merged = pdfium.PdfDocument.new()
    merged.import_pages(pdfium.PdfDocument(CORPUS / "returns" / "f003_r002.pdf"), [0])
    merged.import_pages(pdfium.PdfDocument(fx.image_only_pdf(tmp_path / "scan.pdf")))
    path = tmp_path / "mixed.pdf"
    merged.save(str(path))
    doc = readers.read(path)
    assert doc.pages == 2 and blocks(doc)
    assert any("page 2 of 2 is an image without text" in w and "OCR" in w for w in doc.warnings), doc.warnings


def test_pdfium_is_asked_only_about_pages_without_text(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Loading a page in PDFium costs about a millisecond: only pages where pdfminer drew no text are checked for
    being scans; the scanned page's warning still comes first."""
    import pypdfium2 as pdfium

    from extractor.readers import pdf as pdf_reader

    merged = pdfium.PdfDocument.new()
    merged.import_pages(pdfium.PdfDocument(fx.image_only_pdf(tmp_path / "scan.pdf")))
    merged.import_pages(pdfium.PdfDocument(CORPUS / "returns" / "f003_r002.pdf"), [0, 1])
    path = tmp_path / "mixed.pdf"
    merged.save(str(path))
    asked: list[list[int]] = []
    original = pdf_reader._textless
    monkeypatch.setattr(pdf_reader, "_textless", lambda doc, numbers: asked.append(numbers) or original(doc, numbers))
    doc = readers.read(path)
    assert asked == [[1]]
    assert doc.warnings[0].startswith("page 1 of 3 is an image without text"), doc.warnings


def test_encrypted_pdf_is_password_protected(tmp_path: Path) -> None:
    path = tmp_path / "locked.pdf"
    path.write_bytes(fx.encrypted_pdf())
    with pytest.raises(InputError, match="password-protected") as err:
        readers.read(path)
    text = str(err.value)
    assert str(path) in text and text.startswith("[E101]") and "\n" not in text


def test_encrypted_pdf_without_an_open_password_is_read(tmp_path: Path) -> None:
    """The same hand-written encryption with an empty user password: the fixture's RC4 is right, and a PDF that
    opens without a password is read (with a warning)."""
    path = tmp_path / "restricted.pdf"
    path.write_bytes(fx.encrypted_pdf(user_password=""))
    doc = readers.read(path)
    assert [b.text for b in blocks(doc)] == ["Hello"]
    assert any("encrypted" in w for w in doc.warnings)


@pytest.mark.parametrize("data", [
    b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n",
    b"%PDF-1.4\n" + bytes(range(256)) * 8,
])
def test_damaged_pdf(tmp_path: Path, data: bytes) -> None:
    path = tmp_path / "broken.pdf"
    path.write_bytes(data)
    with pytest.raises(InputError, match="damaged") as err:
        readers.read(path)
    assert str(path) in str(err.value) and "\n" not in str(err.value)


def test_truncated_corpus_pdf_is_damaged_or_read(tmp_path: Path) -> None:
    data = (CORPUS / "returns" / "f003_r000.pdf").read_bytes()
    path = tmp_path / "cut.pdf"
    path.write_bytes(data[: len(data) // 3])
    try:
        doc = readers.read(path)  # PDFium and pdfminer both repair what they can
    except InputError as err:
        assert "damaged" in str(err) or "no page" in str(err)
    else:
        assert doc.items


def test_pdf_is_routed_to_the_pdf_reader() -> None:
    assert readers.READERS["pdf"] is pdf_reader.read_pdf and "pdf" not in readers.PLANNED


# -- glyph classification -------------------------------------------------------------------------------------------
TABLE = GlyphTable()


@pytest.mark.parametrize(("text", "font", "expected"), [
    ("☐", "DejaVuSans", (False, "glyph")),
    ("☒", "BAAAAA+DejaVuSans", (True, "glyph")),
    ("☑", "MS-Gothic", (True, "glyph")),
    ("□", "LiberationSerif", (False, "glyph")),
    ("■", "LiberationSerif", (True, "glyph")),
    ("\uf0fe", "CAAAAA+OpenSymbol", (True, "pua_text")),  # w:sym Wingdings checked
    ("\uf0a8", "OpenSymbol", (False, "pua_text")),
    ("\uf054", "OpenSymbol", (True, "pua_text")),  # Wingdings 2 codes in the same stand-in font
    ("\uf0a3", "OpenSymbol", (False, "pua_text")),
    ("\uf020", "OpenSymbol", DROP),  # a symbol font's space
    ("\uf0b7", "Wingdings-Regular", DROP),  # a symbol that is not a box
    ("þ", "Wingdings", (True, "pua_text")),  # 0xFE in a symbol font without Unicode mapping
    ("(cid:12)", "Wingdings", (None, "pua_text")),  # a glyph with no text: a box whose state is unknown
    ("(cid:12)", "Symbol", DROP),
    ("\uf071", "FAAAAA+DejaVuSans", (False, "pua_text")),  # typed private-use text, fallback font
    ("\uf0fe", "DejaVuSans", (True, "pua_text")),
    ("\uf0b7", "DejaVuSans", None),  # not a box code: text
    ("a", "Wingdings", DROP),
    ("a", "LiberationSerif", None),
    ("(cid:0)", "CAAAAA+LiberationSerif", (None, "notdef")),  # a text font's missing glyph: a box (Chromium)
    ("(cid:7)", "LiberationSerif", None),
])
def test_glyph_classification(text: str, font: str, expected: Any) -> None:
    assert TABLE.classify(text, font) == expected


def test_font_key() -> None:
    assert font_key("ABCDEF+Wingdings-Regular") == "wingdings"
    assert font_key("Wingdings 2") == font_key("Wingdings2") == "wingdings2"
    assert font_key("SymbolMT") == "symbol"


def rect(x0: float, top: float, size: float, **kw: Any) -> dict[str, Any]:
    return {"x0": x0, "top": top, "x1": x0 + size, "bottom": top + size, "stroke": True, "fill": False, **kw}


def line(ax: float, ay: float, bx: float, by: float) -> dict[str, Any]:
    return {"x0": min(ax, bx), "x1": max(ax, bx), "top": min(ay, by), "bottom": max(ay, by),
            "pts": [(ax, ay), (bx, by)]}


def test_vector_boxes() -> None:
    empty, checked, big = rect(100, 100, 13.9), rect(200, 100, 13.9), rect(300, 100, 80)
    x = [line(200, 100, 213.9, 113.9), line(213.9, 100, 200, 113.9)]
    border = line(0, 50, 500, 50)
    found, used = vector_boxes([empty, checked, big], x + [border], [])
    assert [(b.x0, b.checked) for b in found] == [(100, False), (200, True)]
    assert used == {id(empty), id(checked), *map(id, x)}


def test_vector_box_with_a_check_mark_path_or_a_fill() -> None:
    tick = {"x0": 101, "x1": 112, "top": 103, "bottom": 111, "pts": [(101, 106), (105, 111), (112, 103)]}
    fill = {"x0": 202, "x1": 210, "top": 102, "bottom": 110, "fill": True, "stroke": False}
    found, _ = vector_boxes([rect(100, 100, 13), rect(200, 100, 12), fill], [], [tick])
    assert [b.checked for b in found] == [True, True]


def test_one_diagonal_is_not_a_check() -> None:
    found, _ = vector_boxes([rect(100, 100, 13)], [line(100, 100, 113, 113)], [])
    assert [b.checked for b in found] == [False]


def rounded(x: float, top: float, size: float, **style: Any) -> dict[str, Any]:
    """A closed square path with rounded corners (how Chromium prints an HTML checkbox)."""
    pts = [(x + 1, top), (x + size - 1, top), (x + size, top + 1), (x + size, top + size - 1),
           (x + size - 1, top + size), (x + 1, top + size), (x, top + size - 1), (x, top + 1), (x + 1, top)]
    return {"x0": x, "x1": x + size, "top": top, "bottom": top + size, "pts": pts, **style}


def test_html_checkboxes_printed_as_rounded_paths() -> None:
    white = (1.0, 1.0, 1.0)
    empty = [rounded(100, 100, 6.85, fill=True, stroke=False, non_stroking_color=white),
             rounded(100.2, 100.2, 6.5, fill=False, stroke=True, non_stroking_color=(0.46, 0.46, 0.46))]
    checked = [rounded(200, 100, 6.85, fill=True, stroke=False, non_stroking_color=white),
               rounded(199.9, 99.9, 7.06, fill=True, stroke=False, non_stroking_color=(0.0, 0.46, 1.0))]
    tick = {"x0": 201.4, "x1": 205.6, "top": 101.4, "bottom": 104.9,
            "pts": [(201.4, 103.5), (202.8, 104.9), (205.6, 101.4)]}
    found, used = vector_boxes([], [], [*empty, *checked, tick])
    assert sorted((round(b.x0), b.checked) for b in found) == [(100, False), (200, True)]
    assert used == {id(o) for o in (*empty, *checked, tick)}  # the fills under the boxes are not table rules


def test_missing_glyph_boxes_take_the_state_their_coded_twins_do_not_have() -> None:
    from extractor.readers.pdf_boxes import infer_missing
    from extractor.readers.pdf_lines import Glyph

    lost = [Glyph(UNKNOWN_BOX, 0, 5, 0, 10, 10, False, (None, "notdef")) for _ in range(2)]
    other = [Glyph(UNKNOWN_BOX, 0, 5, 0, 10, 10, False, (None, "notdef"))]
    alone = [Glyph(UNKNOWN_BOX, 0, 5, 0, 10, 10, False, (None, "notdef"))]
    infer_missing({"F1": lost, "F2": other, "F3": alone}, {"F1": {True}, "F2": {True, False}})
    assert [g.box for g in lost] == [(False, "notdef")] * 2
    assert other[0].box == (None, "notdef") and alone[0].box == (None, "notdef")  # no clue, or a mixed one


def test_a_missing_glyph_touching_a_box_is_no_box_of_its_own() -> None:
    from extractor.readers.pdf_lines import Glyph
    from extractor.readers.pdf_page import _follows_box

    box = Glyph(EMPTY_BOX, 100, 107.7, 0, 10, 10, False, (False, "glyph"))
    assert _follows_box([box], 107.7, 10)  # "☐\x01": Chromium draws the control character as .notdef
    assert not _follows_box([box], 110.0, 10)  # a box after a space: a box of its own
    assert not _follows_box([box], 107.7, 30)  # on another line
    lost = Glyph(UNKNOWN_BOX, 100, 107.7, 0, 10, 10, False, (None, "notdef"))
    assert not _follows_box([lost], 107.7, 10) and not _follows_box([], 0, 10)


def test_chromium_content_control_boxes_count_once() -> None:
    """LibreOffice's HTML writes a content-control checkbox as its glyph and a U+0001 that Chromium draws as a
    missing glyph; the PDF has the DOCX's boxes, states and all."""
    pdf = readers.read(CORPUS / "returns_chromium" / "f002_r001.pdf")
    docx = readers.read(CORPUS / "returns" / "f002_r001.docx")
    states = [[b.checked for b in block.boxes] for block in all_blocks(pdf) if block.boxes]
    assert states == [[b.checked for b in block.boxes] for block in all_blocks(docx) if block.boxes]


def test_the_right_edge_is_set_by_lines_that_could_have_been_broken() -> None:
    from types import SimpleNamespace

    from extractor.readers.pdf import _right_edge

    def line(x0: float, x1: float, first_word: float) -> Any:
        return SimpleNamespace(x0=x0, x1=x1, first_word=first_word)
    text = [line(88, 534, 20), line(88, 530, 12), line(88, 300, 30)]
    overflow = line(88, 546, 458)  # a dotted leader Chromium could not break, past the margin
    assert _right_edge([*text, overflow], 595) == 534
    assert _right_edge([overflow], 595) == 546 and _right_edge([], 595) == 595


def test_cells_a_page_break_left_open_are_closed() -> None:
    from extractor.readers.pdf_page import open_ends

    def edge(orientation: str, x0: float, x1: float, top: float, bottom: float) -> dict[str, Any]:
        return {"orientation": orientation, "x0": x0, "x1": x1, "top": top, "bottom": bottom}

    closed = [edge("h", 90, 540, 100, 100), edge("h", 90, 540, 150, 150)] + \
        [edge("v", x, x, 100, 150) for x in (90, 300, 540)]
    cut = [edge("h", 90, 540, 700, 700)] + [edge("v", x, x, 700, 786) for x in (90, 300, 540)] + \
        [edge("h", x - 0.3, x + 0.3, 786, 786) for x in (90, 300, 540)]  # only the rules' own ends
    assert open_ends(closed) == []
    assert open_ends(closed + cut) == [786]


def test_malformed_pdf_patterns(tmp_path: Path) -> None:
    bad = tmp_path / "pdf.yaml"
    bad.write_text("symbol_fonts:\n  OpenSymbol: {tables: [Nope], unmapped_is_box: true}\n"
                   "vector_box: {min_size: 5, max_size: 20, max_aspect: 1.2, mark_min_span: 0.5}\n"
                   "missing_glyph_font: OpenSymbol\n")
    with pytest.raises(PatternError, match="Nope"):
        load_pdf_patterns(bad)
    bad.write_text("symbol_fonts:\n  OpenSymbol: {tables: [Wingdings], unmapped_is_box: true}\n"
                   "vector_box: {min_size: 5, max_size: 20, max_aspect: 1.2, mark_min_span: 0.5}\n"
                   "missing_glyph_font: Arial\n")
    with pytest.raises(PatternError, match="missing_glyph_font"):
        load_pdf_patterns(bad)
    bad.write_text("symbol_fonts: {}\n")
    with pytest.raises(PatternError, match=r"pdf\.yaml"):
        load_pdf_patterns(bad)


# -- acceptance on the corpus ---------------------------------------------------------------------------------------
ACCEPTANCE = ["f000_r000", "f000_r011", "f001_r003", "f002_r001", "f002_r013", "f003_r002", "f004_r005", "f004_r027"]
TEXT_TYPES = {"text", "integer", "decimal", "percent", "ratio", "date"}


def _squash(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text).split())


def _document_text(doc: Document) -> str:
    return _squash(" ".join(b.text for b in all_blocks(doc)))


@pytest.mark.parametrize("return_id", ACCEPTANCE)
def test_every_typed_value_of_the_truth_is_in_the_pdf_text(return_id: str) -> None:
    truth = json.loads((CORPUS / "truth" / f"{return_id}.json").read_text(encoding="utf-8"))
    doc = readers.read(CORPUS / truth["files"]["pdf"])
    text = _document_text(doc)
    missing = [(f["field_id"], f["raw"]) for f in truth["fields"]
               if f["value"] is not None and f["type"] in TEXT_TYPES and f["raw"] and _squash(f["raw"]) not in text]
    assert not missing
    for block in all_blocks(doc):
        assert_tokens_match_boxes(block)


# Returns where a clerk habit of corpora/habits.yaml meets a PDF reader limit that issue 15 part D fixes: an x
# typed against a box (☐x, x☐) reads with a space between them, and a value typed alone on the next line is
# joined to the line above. Strict: remove an entry when the reader handles it.
# On the corpus rebuilt with the faithful layouts (integ15) none of the acceptance returns shows either gap.
PDF_HABIT_GAPS: dict[str, str] = {}


@pytest.mark.parametrize("return_id", [
    pytest.param(r, marks=pytest.mark.xfail(strict=True, reason=PDF_HABIT_GAPS[r])) if r in PDF_HABIT_GAPS else r
    for r in ACCEPTANCE])
def test_pdf_blocks_match_the_docx_blocks(return_id: str) -> None:
    """Paragraph joins and table cells as the DOCX reader gives them (whitespace and leaders aside: a tab to a
    dotted tab stop is a tab in the DOCX and a run of dots in the PDF)."""
    docx = readers.read(CORPUS / "returns" / f"{return_id}.docx")
    pdf = readers.read(CORPUS / "returns" / f"{return_id}.pdf")

    def squash(text: str) -> str:
        return _squash(re.sub(r"[.…]{3,}", " ", text))

    def shape(doc: Document) -> list[Any]:
        out: list[Any] = []
        for item in doc.items:
            if isinstance(item, Table):
                out.append([[(c.col, c.colspan, squash(c.text)) for c in row] for row in item.rows if row])
            elif item.text.strip():
                out.append(squash(item.text))
        return out

    a, b = shape(docx), shape(pdf)
    assert len(a) == len(b), (len(a), len(b))
    differ = [(x, y) for x, y in zip(a, b, strict=True) if x != y]
    assert len(differ) <= 2, differ[:3]


def test_box_states_of_a_fallback_font_return_come_from_actual_text() -> None:
    """f000_r000 types its boxes as private-use text in a Wingdings run; LibreOffice draws them all with one
    fallback glyph mapped to one code, and gives the real code in /ActualText."""
    doc = readers.read(CORPUS / "returns" / "f000_r000.pdf")
    boxes = [b for block in all_blocks(doc) for b in block.boxes if b.encoding == "pua_text"]
    assert {b.checked for b in boxes} == {True, False}
    ref = readers.read(CORPUS / "returns" / "f000_r000.docx")
    ref_boxes = [b for block in all_blocks(ref) for b in block.boxes if b.encoding == "pua_text"]
    assert [b.checked for b in boxes] == [b.checked for b in ref_boxes]


def test_read_pdf_directly() -> None:
    data = (CORPUS / "returns" / "f003_r002.pdf").read_bytes()
    doc = pdf_reader.read_pdf(data, Source("x.pdf", "0" * 64, "pdf"))
    assert doc.pages == 5 and any(isinstance(i, Table) for i in doc.items)
