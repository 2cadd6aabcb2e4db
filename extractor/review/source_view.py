"""Show a field where it came from: a PNG crop of the PDF page around the value (pdfplumber), or the DOCX
paragraph / table row named by the field's `location`, rendered as escaped HTML; and the text around it.

The source file is looked up from the result's `source.path` (as given, then relative to the results
folder and the extra roots) and must still have the sha256 the result records.
"""

from __future__ import annotations

import functools
import hashlib
import io
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pdfplumber
from markupsafe import Markup, escape

from extractor.errors import ExtractionError, ReviewError
from extractor.model import Block, Document, Table
from extractor.readers import read

MARGIN_Y = 36.0  # points of page kept above and below the value's box
RESOLUTION = 110
CONTEXT_Y = 60.0  # points above and below whose text is "the surrounding text"


@functools.lru_cache(maxsize=256)
def _sha256(path: Path, mtime: float) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def find_source(path_text: str, sha256: str, roots: tuple[Path, ...]) -> Path:
    """The source file of a result: `path_text` as given or under one of `roots`, with the recorded sha256."""
    given = Path(path_text)
    candidates = [given] if given.is_absolute() else [given] + [r / given for r in roots] + \
        [r / given.name for r in roots]
    seen_other = None
    for c in candidates:
        if c.is_file():
            if _sha256(c.resolve(), c.stat().st_mtime) == sha256:
                return c
            seen_other = c
    if seen_other is not None:
        raise ReviewError(f"the source file changed since extraction (sha256 differs): {seen_other}")
    raise ReviewError(f"source file not found: {path_text} (start the review where the extraction ran, "
                      "or pass --sources DIR)")


@functools.lru_cache(maxsize=16)
def _document(path: Path, mtime: float) -> Document:
    return read(path)


def _doc(path: Path) -> Document:
    try:
        return _document(path.resolve(), path.stat().st_mtime)
    except ExtractionError as exc:
        raise ReviewError(f"cannot re-read the source: {exc}") from exc


def pdf_target(path: Path, location: dict[str, Any]) -> tuple[int | None, list[float] | None]:
    """(page, bbox) of the value: a block's own, or for a table cell (the location names the table, which may
    run over pages) the box around the cell's text, found by re-reading the PDF."""
    page_no, bbox = location.get("page"), location.get("bbox")
    if "row" not in location:
        return page_no, bbox
    for item in _doc(path).items:
        if not (isinstance(item, Table) and item.location.get("page") == page_no
                and item.location.get("bbox") == bbox):
            continue
        rows = item.rows
        r, c = location["row"], location.get("cell", -1)
        if 0 <= r < len(rows) and 0 <= c < len(rows[r]):
            boxes = [b.location for b in rows[r][c].blocks if b.location.get("bbox")]
            if boxes:
                page = boxes[0].get("page", page_no)
                on_page = [b["bbox"] for b in boxes if b.get("page", page) == page]
                return page, [min(b[0] for b in on_page), min(b[1] for b in on_page),
                              max(b[2] for b in on_page), max(b[3] for b in on_page)]
    return page_no, bbox


def pdf_crop_png(path: Path, location: dict[str, Any], resolution: int = RESOLUTION) -> bytes:
    """The page strip around the value's box, full page width, the box outlined; PNG bytes. A scan (its location
    says how the page image was turned before OCR) is cropped from the page image turned the same way."""
    page_no, bbox = pdf_target(path, location)
    if not page_no or not bbox:
        raise ReviewError("this field has no page position")
    if "scan" in location:
        return _scan_crop_png(path, page_no, bbox, location["scan"])
    with pdfplumber.open(path) as pdf:
        if not 1 <= page_no <= len(pdf.pages):
            raise ReviewError(f"page {page_no} is not in the document")
        page = pdf.pages[page_no - 1]
        x0, top, x1, bottom = (float(v) for v in bbox)
        box = (0, max(0.0, top - MARGIN_Y), page.width, min(float(page.height), bottom + MARGIN_Y))
        image = page.crop(box).to_image(resolution=resolution)
        image.draw_rect((x0 - 2, top - 2, x1 + 2, bottom + 2), fill=(255, 200, 0, 50), stroke=(220, 40, 40),
                        stroke_width=2)
        buf = io.BytesIO()
        image.save(buf, format="PNG")
        return buf.getvalue()


def _scan_crop_png(path: Path, page_no: int, bbox: list[float], turned: list[float]) -> bytes:
    import cv2

    from extractor.readers.ocr import settings
    from extractor.readers.ocr_image import page_images, prepared

    dpi = int(settings()["tesseract"]["dpi"])
    data = path.read_bytes()
    try:
        images = page_images(data, data[:1024].find(b"%PDF-") >= 0, dpi, only=page_no)
    except Exception as exc:  # Pillow / PDFium raise many types on damaged images
        raise ReviewError(f"cannot render the scanned page ({type(exc).__name__})") from exc
    if not images:
        raise ReviewError(f"page {page_no} is not in the document")
    img = prepared(images[0], turned)
    px = dpi / 72.0
    x0, top, x1, bottom = (int(float(v) * px) for v in bbox)
    cv2.rectangle(img, (x0 - 4, top - 4), (x1 + 4, bottom + 4), (40, 40, 220), 3)
    band = img[max(0, top - int(MARGIN_Y * px)):bottom + int(MARGIN_Y * px)]
    scale = RESOLUTION / dpi
    ok, png = cv2.imencode(".png", cv2.resize(band, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA))
    if not ok:
        raise ReviewError("cannot encode the crop")
    return png.tobytes()


def pdf_context(path: Path, location: dict[str, Any]) -> str:
    """The page text in a band around the value (for a scan, the OCR'd blocks in that band)."""
    page_no, bbox = pdf_target(path, location)
    if not page_no or not bbox:
        return ""
    if "scan" in location:
        lo, hi = bbox[1] - CONTEXT_Y, bbox[3] + CONTEXT_Y
        blocks = [b for b in _doc(path).items if isinstance(b, Block) and b.location.get("page") == page_no
                  and lo <= b.location.get("bbox", [0, -1e9])[1] <= hi]
        return "\n".join(b.text for b in blocks)
    with pdfplumber.open(path) as pdf:
        if not 1 <= page_no <= len(pdf.pages):
            return ""
        page = pdf.pages[page_no - 1]
        band = (0, max(0.0, bbox[1] - CONTEXT_Y), page.width, min(float(page.height), bbox[3] + CONTEXT_Y))
        return unicodedata.normalize("NFC", page.crop(band).extract_text() or "")


@dataclass
class DocxView:
    """The paragraph or table row a field sits in (escaped HTML) and the text around it."""

    html: Markup
    context: str


def _same_place(loc: dict[str, Any], target: dict[str, Any]) -> bool:
    keys = ("part", "partname", "block", "textbox", "sdt")
    return all(loc.get(k) == target.get(k) for k in keys)


def _marked(text: str, start: int | None, end: int | None) -> Markup:
    if start is None or end is None or not 0 <= start <= end <= len(text):
        return escape(text)
    return escape(text[:start]) + Markup("<mark>") + escape(text[start:end]) + Markup("</mark>") + escape(text[end:])


def docx_view(path: Path, location: dict[str, Any]) -> DocxView:
    """Find the item the location names and render it: a paragraph with the value marked, or a table's
    header row and the field's row with its cell marked."""
    items = _doc(path).items
    for n, item in enumerate(items):
        if not _same_place(item.location, location):
            continue
        before = _plain(items[n - 1]) if n > 0 else ""
        after = _plain(items[n + 1]) if n + 1 < len(items) else ""
        if isinstance(item, Block) and "row" not in location:
            html = Markup('<p class="src-block">') + _marked(item.text, location.get("start"), location.get("end")) \
                + Markup("</p>")
            return DocxView(html, "\n".join(t for t in (before, item.text, after) if t))
        if isinstance(item, Table) and "row" in location:
            return _table_view(item, location, before, after)
    raise ReviewError(f"the location {location} is not in the re-read document")


def _plain(item: Block | Table) -> str:
    if isinstance(item, Block):
        return item.text
    return "\n".join(" | ".join(c.text for c in row) for row in item.rows[:2]) + " …"


def _table_view(table: Table, location: dict[str, Any], before: str, after: str) -> DocxView:
    r = location["row"]
    if not 0 <= r < len(table.rows):
        raise ReviewError(f"row {r} is not in the table")
    rows = [0, r] if r > 0 else [0]
    out = Markup('<table class="src-table">')
    for k in rows:
        out += Markup("<tr>")
        for i, c in enumerate(table.rows[k]):
            target = k == r and i == location.get("cell")
            attrs = Markup(' class="src-target"') if target else Markup("")
            if c.colspan > 1:
                attrs += Markup(' colspan="%d"') % c.colspan
            text = c.text
            if target and len(c.blocks) == 1:
                cell_html = _marked(text, location.get("start"), location.get("end"))
            else:
                cell_html = escape(text)
            tag = "th" if k == 0 and r > 0 else "td"
            out += Markup(f"<{tag}") + attrs + Markup(">") + cell_html + Markup(f"</{tag}>")
        out += Markup("</tr>")
    out += Markup("</table>")
    row_text = " | ".join(c.text for c in table.rows[r])
    return DocxView(out, "\n".join(t for t in (before, row_text, after) if t))
