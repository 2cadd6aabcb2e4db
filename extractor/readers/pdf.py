"""PDF reader: the characters and ruling lines of each page, rebuilt into the block model.

    read_pdf(data, source) -> Document

    pdf.py             the file: open checks (PDFium), pages, running headers, reading order, joins across pages
    pdf_page.py        one page: pdfminer layout (/ActualText), glyphs, vector boxes, ruled tables take glyphs
    pdf_content.py     content streams parsed by one regex for pdfminer's interpreter (pdfminer's own: an option)
    pdf_lines.py       glyphs → lines (text, tabs, boxes, word measures)
    pdf_paragraphs.py  lines → paragraphs (`Flow`: wrap pitch, fit tests, separators at wraps)
    pdf_words.py       words cut at wraps: each reading scored by its words (syllables, numbers, addresses)
    pdf_tables.py      ruled tables → grids → `Table`, tables continued on the next page joined
    pdf_boxes.py       which glyphs and vector squares are checkboxes

What comes out (see extractor/model.py):

- Items: per page, top to bottom, the body paragraphs (`Block`) and the ruled tables (`Table`) in the order of
  their top edges. A table continued at the top of the next page (same outer column edges) is joined to the one
  that ended the previous page: a repeated header row is skipped, a row cut by the page break is joined back
  (a cell whose text ended on the previous page, or whose first line is the word wrap of its last line there;
  not when the first column has text on both pages; cells whose text starts on the new page only count against
  it unless the first column's text stayed on the previous page and no other cell has text on both pages that
  does not run on). A paragraph wrapped over a page break is joined too.
- Lines: characters (pdfminer's interpreter and pdfplumber's aggregator, content streams parsed by
  extractor/readers/pdf_content.py and characters boxed without pdfminer's `LTChar`, the same figures; the
  /ActualText of marked-content spans honoured) grouped by vertical centre, then ordered by x, so glyphs drawn
  out of order by font fallback come back in place. A horizontal gap not covered by a space glyph is a tab when
  the producer draws its spaces (LibreOffice and Word do: such a gap is a tab stop), else a space, or a tab when
  wider than `TAB_GAP` × the font size; a gap beside a vector box narrower than `VECTOR_GAP` × the font size is a
  space (the square is drawn inside its advance). Overprinted duplicates are dropped; each glyph's text is NFC
  (fallback fonts map one glyph to decomposed text). Dotted leaders stay as the `…` / `.` characters drawn.
- Paragraphs: consecutive lines of one region (the page body, or one table cell) make one `Block` when the next line
  is the word wrap of the previous one (`Flow`): the lines are a wrapped line's distance apart (the line pitch inside
  paragraphs is measured per document and font size; paragraph spacing shows as a larger pitch), and either the
  previous line ends with a drawn space (producers that draw the space a wrap left at the end of the line: then a wrap
  at a space without one, where it would have fitted, is no wrap) or the next line's first unbreakable segment would
  not have fitted on it (a line ending with a drawn space still ends its paragraph when the next word would have
  fitted with a space to spare; when it would just have fitted, by less than half a space, a next line starting in
  lower case is a wrap). Centered and right-aligned lines are measured by their width (the right edge of the text is
  the furthest end of a line that could have been broken: a dotted leader that Chromium could not break overflows the
  margin); a line starting a list item (numbering, bullet) or a checkbox option is not a wrap unless the previous line
  was cut with no room left (a box alone on its line is the wrap of the box ending the line above when it would not
  have fitted there after a space). In a document with paragraph spacing, a line at the wrap pitch that is no wrap is
  a line break ("\n") or a tab that did not fit ("\t") inside the paragraph. Wrapped lines are joined with a space, or
  with nothing where the cut fell inside a leader or a value typed in it, after a hyphen, a slash or an opening
  bracket, or before closing punctuation. Where a word wider than the line may have been cut (narrow table cells:
  LibreOffice cuts anywhere and often draws no space at a wrap), the run of pieces is split into the words of least
  cost (extractor/readers/pdf_words.py: one Vietnamese syllable by the onset/rime table of
  patterns/syllable_parts.yaml, a number, an e-mail, a URL, an acronym; `Xâ|y` → `Xây`, `cơ|bản` → `cơ bản`), and a
  wrap where a producer that draws trailing spaces drew none is no paragraph end while the pieces so far could go on
  (`Nguy|ễ|n`).
- Tables: `page.find_tables()` on ruling lines (checkbox squares and their marks excluded; cells a producer left
  open at a page break, sides drawn but no bottom or top border, are closed at the ends of their sides); the grid
  is the distinct x / y cell edges, so merged cells come once with colspan / rowspan. Cell text as paragraphs
  inside the cell box; an empty cell has one empty block (as a Word cell has one empty paragraph).
- Headers / footers: the first or last body line of a page whose text (digits aside) recurs at the same place
  on at least half of the pages (two or more) is dropped: running titles, ``Trang 3/9``, page numbers.
- Checkboxes (extractor/readers/pdf_boxes.py, data in patterns/pdf.yaml and patterns/checkboxes.yaml): glyphs (☐ ☒ □
  ■ …), private-use codes of symbol fonts and of fallback fonts (``pua_text``; /ActualText gives the true code where
  LibreOffice draws every private-use character of a Wingdings run with one fallback glyph), a text font's missing
  glyph (``notdef``: Chromium's rendering of Wingdings codes it has no font for; its state inferred where the document
  tells; a missing glyph touching a box is no box of its own: Chromium draws the U+0001 LibreOffice's HTML puts after
  a content-control box so), and vector squares (``vector``: legacy FORMCHECKBOX fields, HTML checkboxes as rounded
  paths); written into `Block.text` as ☐ / ☒ / ▢ with a `Box` at the offset (▢: a symbol-font glyph with no text,
  state unknown).
- Bold: every non-space character of the block (boxes aside) is drawn with a bold font.
- Locations: ``{"page": n, "bbox": [x0, top, x1, bottom]}`` (1-based page, PDF points from the top-left of
  the page; a block's bbox covers its lines on its first page); cell blocks add ``row`` and ``col``; a block
  or a table continued on later pages adds ``pages``.
- Errors (`InputError`, one line naming the file): password-protected, damaged, no pages, no text layer at all
  (a scan: needs OCR). Pages without text in an otherwise text PDF, pages that fail to parse, an encryption
  that needs no password, and dropped header/footer lines are warnings.
"""

from __future__ import annotations

import io
import re
from typing import Any

import pdfplumber
import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect

from extractor.errors import InputError
from extractor.model import Block, Document, Source, Table
from extractor.readers.pdf_boxes import GlyphTable, infer_missing
from extractor.readers.pdf_lines import Line
from extractor.readers.pdf_page import Page, read_page
from extractor.readers.pdf_paragraphs import Flow, Para
from extractor.readers.pdf_tables import Grid, Tables, build_grid, same_columns, to_table
from extractor.text.legacy import label

EDGE_TOL = 0.5  # pt: a line whose first segment is this close to its width is one unbreakable segment
_PASSWORD = ("the PDF is password-protected; ask the sender for a copy without a password (or for the .docx)")


def _drop_running(pages: list[Page]) -> int:
    """Drop running headers / footers and page numbers (see the module docstring); returns lines dropped."""
    if len(pages) < 2:
        return 0
    hits: dict[tuple[str, str], list[tuple[int, Line]]] = {}
    for p in pages:
        if not p.lines:
            continue
        top_tables = min((t.bbox[1] for t in p.tables), default=p.height)
        bottom_tables = max((t.bbox[3] for t in p.tables), default=0.0)
        ends = []
        if p.lines[0].bottom <= top_tables:
            ends.append(("top", p.lines[0]))
        if p.lines[-1].top >= bottom_tables and len(p.lines) > 1:
            ends.append(("bottom", p.lines[-1]))
        for where, ln in ends:
            key = re.sub(r"\d+", "#", " ".join(ln.text.split()))
            hits.setdefault((where, key), []).append((p.number, ln))
    need = max(2, (len(pages) + 1) // 2)
    drop: set[int] = set()
    for group in hits.values():
        tops = [ln.top for _, ln in group]
        if len({n for n, _ in group}) >= need and max(tops) - min(tops) <= 8:
            drop.update(id(ln) for _, ln in group)
    for p in pages:
        p.lines = [ln for ln in p.lines if id(ln) not in drop]
    return len(drop)


def _right_edge(lines: list[Line], default: float) -> float:
    """The right edge of the text: the furthest end of a line that could have been broken. A run that cannot be
    broken (a long dotted leader) is cut at the margin by some producers but overflows it in others (Chromium):
    lines of one unbreakable segment set the edge only when there are no others."""
    breakable = [ln.x1 for ln in lines if ln.first_word < ln.x1 - ln.x0 - EDGE_TOL]
    return max(breakable or [ln.x1 for ln in lines] or [default])


def _items(pages: list[Page], flow: Flow, cell_flow: Flow, left: float, right: float) -> list[Block | Table]:
    """Paragraphs and tables of every page in reading order, page-crossing tables and paragraphs joined.

    `flow` joins body lines, `cell_flow` cell lines (cells often have other line and paragraph spacing)."""
    tables = Tables(cell_flow)
    seq: list[Para | Grid] = []
    for p in pages:
        entries: list[tuple[float, int, Para | Grid]] = []
        for para in flow.paragraphs(p.lines, left, right):
            entries.append((para.lines[0].top, 1, para))
        for g in p.grids:
            tables.cell_paragraphs(g)
            entries.append((g.bbox[1], 0, g))
        entries.sort(key=lambda e: (e[0], e[1]))
        for k, (_, _, obj) in enumerate(entries):
            last = seq[-1] if seq else None
            if k == 0 and isinstance(obj, Grid) and isinstance(last, Grid) and last.pages[-1] == p.number - 1 \
                    and same_columns(last, obj):
                tables.join(last, obj)
                continue
            if k == 0 and isinstance(obj, Para) and isinstance(last, Para) and \
                    last.lines[-1].page == p.number - 1 and \
                    flow.continues(last.lines[-1], obj.lines[0], last.lines[0], left, right, same_page=False):
                last.extend(obj, flow.separator(last.lines[-1], obj.lines[0], left, right))
                continue
            seq.append(obj)
    return [to_table(obj) if isinstance(obj, Grid) else obj.block() for obj in seq]


# -- the file ---------------------------------------------------------------------------------------------------
def _open(data: bytes, path: str) -> Any:
    """The PDFium document; raises InputError for unusable files: password-protected, damaged, no pages."""
    try:
        doc = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        if getattr(exc, "err_code", None) == pdfium_c.FPDF_ERR_PASSWORD or "password" in str(exc).lower():
            raise InputError(_PASSWORD, path=path) from None
        reason = str(exc).split("(PDFium: ")[-1].rstrip(")") if "PDFium" in str(exc) else str(exc)
        raise InputError(f"the PDF is damaged and cannot be opened ({reason}); ask for it again or re-export it",
                         path=path) from None
    if len(doc) == 0:
        doc.close()
        raise InputError("the PDF has no pages; ask for the return again", path=path)
    return doc


def _textless(doc: Any, numbers: list[int]) -> tuple[int, list[int]]:
    """Of the pages `numbers` (1-based), how many have no text by PDFium, and those that are images without text,
    i.e. scanned pages. Only pages where pdfminer drew no text are asked (loading a page in PDFium costs about a
    millisecond): a page where it did has text by PDFium too."""
    textless = 0
    scans = []
    for i in numbers:
        page = doc[i - 1]
        tp = page.get_textpage()
        if not tp.get_text_range().strip():
            textless += 1
            if next(page.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_IMAGE], max_depth=2), None) is not None:
                scans.append(i)
        tp.close()
        page.close()
    return textless, scans


def read_pdf(data: bytes, source: Source, checkboxes: dict[str, Any] | None = None) -> Document:
    """Read PDF bytes into a `Document` (see the module docstring); raises `InputError` for bad input.

    A PDF where no page has any text is a scan: the OCR reader rasterises the pages and reads them."""
    path = source.path
    doc = _open(data, path)
    try:
        npages = len(doc)
        try:
            pages, warnings, encrypted = _read_pages(data, path, checkboxes)
        except InputError:
            if _textless(doc, list(range(1, npages + 1)))[0] == npages:
                return _read_scan(data, source)
            raise
        read = {p.number for p in pages if p.text}
        textless, scans = _textless(doc, [i for i in range(1, npages + 1) if i not in read])
    finally:
        doc.close()
    if textless == npages:
        return _read_scan(data, source)
    if scans:
        warnings.insert(0, f"page{'s' if len(scans) > 1 else ''} {', '.join(map(str, scans))} of {npages} "
                        f"{'are images' if len(scans) > 1 else 'is an image'} without text (scanned?): their "
                        "content needs OCR and was not read")
    if encrypted:
        warnings.append("the PDF is encrypted (no password is needed to open it); it was read")
    if not pages:
        raise InputError("no page of the PDF could be read; the file is damaged, ask for it again", path=path)
    missing: dict[str, list] = {}
    known: dict[str, set[bool | None]] = {}
    for p in pages:
        for font, gl in p.missing.items():
            missing.setdefault(font, []).extend(gl)
        for font, states in p.known.items():
            known.setdefault(font, set()).update(states)
    infer_missing(missing, known)
    return assemble(pages, npages, source, warnings)


def _read_scan(data: bytes, source: Source) -> Document:
    from extractor.readers.ocr import read_scan  # imported only here: heavy

    return read_scan(data, source, pdf=True)


def _read_pages(data: bytes, path: str, checkboxes: dict[str, Any] | None) -> tuple[list[Page], list[str], bool]:
    """The pages pdfminer reads, with their warnings (pages that could not be read), and whether the PDF is
    encrypted; raises InputError when the file cannot be parsed or is password-protected."""
    glyph_table = GlyphTable(checkboxes) if checkboxes else _GLYPHS
    warnings: list[str] = []
    try:
        pdf = pdfplumber.open(io.BytesIO(data))
    except (PDFPasswordIncorrect, PDFEncryptionError):
        raise InputError(_PASSWORD, path=path) from None
    except Exception as exc:  # pdfminer raises many unrelated types on damaged files
        raise InputError(f"the PDF is damaged and cannot be parsed ({type(exc).__name__}); ask for it again or "
                         "re-export it", path=path) from None
    pages: list[Page] = []
    with pdf:
        try:
            encrypted = bool(pdf.doc.encryption)
            for i, page in enumerate(pdf.pages, start=1):
                try:
                    pages.append(read_page(page, i, glyph_table))
                except (PDFPasswordIncorrect, PDFEncryptionError):
                    raise
                except Exception as exc:  # one bad page must not lose the others
                    warnings.append(f"page {i} could not be read ({type(exc).__name__}); skipped")
                finally:
                    page.close()
        except (PDFPasswordIncorrect, PDFEncryptionError):
            raise InputError(_PASSWORD, path=path) from None
        except Exception as exc:
            raise InputError(f"the PDF is damaged and cannot be parsed ({type(exc).__name__}); ask for it again "
                             "or re-export it", path=path) from None
    return pages, warnings, encrypted


def assemble(pages: list[Page], npages: int, source: Source, warnings: list[str]) -> Document:
    """Lines, paragraphs and tables of read pages (PDF glyphs or OCR words) in reading order: the `Document`."""
    spaces_drawn = sum(p.spaces for p in pages) > 0.03 * max(1, sum(p.glyphs for p in pages))
    for p in pages:
        p.lines = [Line(grp, spaces_drawn, p.number) for grp in p.body]
        p.lines.sort(key=lambda ln: (ln.top, ln.x0))
        p.grids = [build_grid(t, spaces_drawn) for t in p.tables]
    flow = Flow([p.lines for p in pages])
    cell_flow = Flow([c.lines for p in pages for g in p.grids for r in g.rows for c in r])
    flow.trailing_wraps = cell_flow.trailing_wraps = flow.trailing_wraps or cell_flow.trailing_wraps
    dropped = _drop_running(pages)
    if dropped:
        warnings.append(f"{dropped} running header/footer line{'s' if dropped > 1 else ''} (page numbers, "
                        "titles) dropped")
    body = [ln for p in pages for ln in p.lines if ln.x1 < p.width - 10]
    left = min((ln.x0 for ln in body), default=0.0)
    right = _right_edge(body, pages[0].width)
    items = _items(pages, flow, cell_flow, left, right)
    decoded: dict[str, int] = {}
    for p in pages:
        for enc, n in p.decoded.items():
            decoded[enc] = decoded.get(enc, 0) + n
    if decoded:
        warnings.append(f"text in legacy fonts decoded ({sum(decoded.values())} characters): {label(sorted(decoded))}")
    return Document(source=source, items=items, pages=npages, warnings=warnings, repairs=sorted(decoded))


_GLYPHS = GlyphTable()
