"""Scan reader: image-only PDFs and page images (PNG, JPEG, TIFF — every frame — BMP, GIF) read by Tesseract
(`vie`), giving the same `Document` as the PDF reader.

    read_scan(data, source, pdf) -> Document

Each page: rendered or resampled to the OCR resolution (`patterns/ocr.yaml`), red / blue ink removed by colour
(seal, signature), turned upright (a page whose words read poorly is checked with Tesseract's orientation
detection and turned), straightened, binarised (adaptive threshold: uneven light; a band along the sheet's edges
holds no ink); ruling lines, table cells and checkbox squares are found in the image (`ocr_image.py`) and erased,
and the paper away from ink made white, before Tesseract reads the words (`ocr_engine.py`: in-process through
tesserocr; `--psm 6`: one block, keeps the dotted-leader lines). Words become glyphs (each word's box shared out
among its characters, the line's height as size), boxes become ☐ / ☒ / ▢ glyphs (encoding ``ocr``), cells a ruled
`PageTable`, and the PDF reader's own line, paragraph and table assembly (`pdf.assemble`) builds the blocks, so
every later stage treats a scan like a PDF. Locations are PDF points (72 per inch) on the page image.

A table's row of column numbers `(1) (2) …` that Tesseract garbled is rewritten (`ocr_tables.py`).
Every block's location carries ``ocr``: the lowest Tesseract word confidence (0–100) inside it; the confidence
stage accepts an OCR'd value only when that evidence is strong (`extractor.confidence.ocr_cap`).
Tesseract runs single-threaded (``OMP_THREAD_LIMIT=1``); the pages of one file are read in parallel, one per core
(``EXTRACTOR_OCR_THREADS`` sets how many; a batch worker, one per core already, reads its pages one at a time).
"""

from __future__ import annotations

import functools
import os
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

import yaml

from extractor.catalogue import PATTERNS
from extractor.errors import InputError
from extractor.model import CHECKED_BOX, EMPTY_BOX, UNKNOWN_BOX, Block, Document, Source, Table
from extractor.readers.ocr_engine import Engine, Word, engine
from extractor.readers.ocr_image import TURNS
from extractor.readers.ocr_tables import repair_column_numbers
from extractor.readers.pdf_lines import Glyph, group_lines
from extractor.readers.pdf_page import Page
from extractor.readers.pdf_tables import PageTable

_NO_TESSERACT = ("is a scan (no text layer) and needs OCR, but Tesseract is not installed; install the Debian "
                 "packages tesseract-ocr and tesseract-ocr-vie, or ask the sender for the .docx")


@functools.lru_cache(maxsize=1)
def settings() -> dict[str, Any]:
    """`patterns/ocr.yaml`, read once."""
    with open(PATTERNS / "ocr.yaml", encoding="utf-8") as fh:
        return yaml.safe_load(fh)


def mean_conf(words: list[Word]) -> float:
    """Mean Tesseract confidence of `words` (0 for none)."""
    return sum(w[5] for w in words) / len(words) if words else 0.0


def _upright(gray: Any, quality: float, tess: Engine, cfg: dict[str, Any]) -> tuple[Any, int]:
    """The page turned upright when its words read poorly (mean confidence `quality`) and Tesseract's orientation
    detection says so."""
    import cv2

    if quality >= cfg["tesseract"]["upside_down_conf"]:
        return gray, 0
    turn = tess.turn(gray)
    if turn not in TURNS:
        return gray, 0
    return cv2.rotate(gray, TURNS[turn]), turn


def _cell_words(image: Any, cells: list[tuple[int, int, int, int]], tess: Engine) -> list[Word]:
    """The words of every non-blank table cell, read in one Tesseract call: the cells are stacked one under the
    other on a white sheet (a page-wide block mixes the lines of neighbouring cells), and each word is moved back
    to its cell on the page."""
    import numpy as np

    inset, gap = 3, 40
    crops = []
    for x0, y0, x1, y1 in cells:
        crop = image[y0 + inset:y1 - inset, x0 + inset:x1 - inset]
        if crop.size and int((crop < 128).sum()) >= 12:  # a cell without ink is blank
            crops.append((x0 + inset, y0 + inset, crop))
    if not crops:
        return []
    sheet = np.full((sum(c.shape[0] + gap for _, _, c in crops) + gap, max(c.shape[1] for _, _, c in crops) + 2 * gap),
                    255, dtype=np.uint8)
    spans = []  # (top, bottom, dx, dy) on the sheet
    y = gap
    for ox, oy, crop in crops:
        sheet[y:y + crop.shape[0], gap:gap + crop.shape[1]] = crop
        spans.append((y, y + crop.shape[0], ox - gap, oy - y))
        y += crop.shape[0] + gap
    out: list[Word] = []
    for text, x0, y0, x1, y1, conf, ltop, lbottom in tess.words(sheet):
        mid = (y0 + y1) / 2
        span = next((s for s in spans if s[0] - gap / 2 <= mid <= s[1] + gap / 2), None)
        if span is not None:
            _, _, dx, dy = span
            out.append((text, x0 + dx, y0 + dy, x1 + dx, y1 + dy, conf, ltop + dy, lbottom + dy))
    return out


def _words(gray: Any, tess: Engine, cfg: dict[str, Any], dpi: int) -> tuple[Any, list[Word], float]:
    """The prepared page, its words (body text read as one block, table cells apart) and the body's mean
    word confidence."""
    from extractor.readers.ocr_image import Scan

    scan = Scan.of(gray, cfg, dpi)
    body = scan.text_image.copy()
    for (x0, y0, x1, y1), _ in scan.tables:
        body[y0:y1, x0:x1] = 255
    words = tess.words(body)
    cells = [c for _, table_cells in scan.tables for c in table_cells]
    return scan, words + _cell_words(scan.text_image, cells, tess), mean_conf(words)


def _page(number: int, img: Any, tess: Engine, cfg: dict[str, Any]) -> ScanPage:
    """One page image read: glyphs, ruled tables, its words' confidences, and how the page image was turned before
    reading: [skew°, turn°, skew° after the turn] (`ocr_image.prepared`)."""
    warnings: list[str] = []
    from extractor.readers.ocr_image import clean, straighten

    dpi = int(cfg["tesseract"]["dpi"])
    gray, skew = straighten(clean(img, cfg), cfg)
    scan, words, quality = _words(gray, tess, cfg, dpi)
    gray, turn = _upright(gray, quality, tess, cfg)
    if turn:
        warnings.append(f"page {number} was scanned upside down or sideways; it was turned before reading")
        gray, again = straighten(gray, cfg)
        scan, words, _ = _words(gray, tess, cfg, dpi)
    else:
        again = 0.0
    pt = 72.0 / dpi
    glyphs: list[Glyph] = []
    confs: list[tuple[float, float, float, float, float]] = []
    heights = sorted(lb - lt for *_, lt, lb in words) or [12 * dpi / 72]
    line_h = heights[len(heights) // 2]
    for text, x0, y0, x1, y1, conf, _, lbottom in words:
        # every line the page's usual height up from its bottom: Tesseract's line box grows with stacked marks and
        # capitals, and a taller box would read as another font size or a paragraph gap to the line assembly
        top, bottom, size = (lbottom - line_h) * pt, lbottom * pt, max(4.0, line_h * pt)
        step = (x1 - x0) * pt / len(text)
        for k, ch in enumerate(text):
            glyphs.append(Glyph(ch, x0 * pt + k * step, x0 * pt + (k + 1) * step, top, bottom, size, False))
        confs.append((x0 * pt, y0 * pt, x1 * pt, y1 * pt, conf))
    for (x0, _, x1, y1), dots in scan.leaders:  # a leader as the `…` it was typed with, on its line's baseline
        n = max(1, dots // 3)
        top, bottom = (y1 - 0.8 * line_h) * pt, (y1 + 0.2 * line_h) * pt
        step = (x1 - x0) * pt / n
        glyphs.extend(Glyph("…", x0 * pt + k * step, x0 * pt + (k + 1) * step, top, bottom, line_h * pt, False)
                      for k in range(n))
    for (x0, y0, x1, y1), ticked in scan.boxes:
        mark = UNKNOWN_BOX if ticked is None else CHECKED_BOX if ticked else EMPTY_BOX
        glyphs.append(Glyph(mark, x0 * pt, x1 * pt, y0 * pt, y1 * pt,
                            (y1 - y0) * pt, False, (ticked, "ocr")))
        confs.append((x0 * pt, y0 * pt, x1 * pt, y1 * pt, 100.0))
    tables = [([v * pt for v in bbox], [[v * pt for v in c] for c in cells]) for bbox, cells in scan.tables]
    h, w = gray.shape
    return ScanPage(number, w * pt, h * pt, glyphs, tables, confs, [skew, turn, again], warnings)


@dataclass
class ScanPage:
    """One page as OCR read it (points): glyphs, ruled tables (box, cells), word confidences, how it was turned."""

    number: int
    width: float
    height: float
    glyphs: list[Glyph]
    tables: list[tuple[list[float], list[list[float]]]]
    confs: list[tuple[float, float, float, float, float]]
    turned: list[float]
    notes: list[str]

    def shift(self, dx: float) -> None:
        """Move everything on the page `dx` points to the right."""
        for g in self.glyphs:
            g.x0 += dx
            g.x1 += dx
        for bbox, cells in self.tables:
            for box in (bbox, *cells):
                box[0] += dx
                box[2] += dx
        self.confs = [(a + dx, b, c + dx, d, e) for a, b, c, d, e in self.confs]

    def page(self) -> Page:
        """The `Page` the PDF reader's assembly takes."""
        tables = [PageTable(self.number, tuple(bbox), [tuple(c) for c in cells]) for bbox, cells in self.tables]
        body = [g for g in self.glyphs if not any(t.take(g) for t in tables)]
        return Page(self.number, self.width, self.height, group_lines(body), tables, 0, len(self.glyphs))


def _align_continued_tables(pages: list[ScanPage], tolerance: float) -> None:
    """A scanner puts each sheet a little elsewhere: a table continued at the top of the next page is moved (with
    its whole page) onto the columns of the table that ended the previous page, when their widths agree, so the
    PDF reader's assembly joins them as it joins a PDF's."""
    for prev, page in zip(pages, pages[1:], strict=False):
        if not prev.tables or not page.tables:
            continue
        a = max(prev.tables, key=lambda t: t[0][3])[0]
        b = min(page.tables, key=lambda t: t[0][1])[0]
        dx = a[0] - b[0]
        if abs((a[2] - a[0]) - (b[2] - b[0])) <= tolerance and 0.5 < abs(dx) <= 8 * tolerance:
            page.shift(dx)


def _mark_confidence(doc: Document, confs: dict[int, list[tuple[float, float, float, float, float]]],
                     turns: dict[int, list[float]]) -> None:
    """Give every block's location ``ocr``: the lowest word confidence inside its box (100 for no word); blocks
    and tables also get ``scan``: how their page image was turned before reading (for the review page's crop)."""

    def mark(block: Block) -> None:
        loc = block.location
        x0, top, x1, bottom = loc.get("bbox", (0, 0, 0, 0))
        inside = [c for (a, b, c2, d, c) in confs.get(loc.get("page", 0), [])
                  if x0 - 1 <= (a + c2) / 2 <= x1 + 1 and top - 1 <= (b + d) / 2 <= bottom + 1]
        loc["ocr"] = round(min(inside, default=100.0))
        loc["scan"] = turns.get(loc.get("page", 0), [0.0, 0, 0.0])

    for item in doc.items:
        if isinstance(item, Table):
            item.location["scan"] = turns.get(item.location.get("page", 0), [0.0, 0, 0.0])
            for row in item.rows:
                for cell in row:
                    for b in cell.blocks:
                        mark(b)
        else:
            mark(item)


def read_image(data: bytes, source: Source) -> Document:
    """A page image (a scan or photo: PNG, JPEG, TIFF, BMP, GIF) read by OCR."""
    return read_scan(data, source, pdf=False)


def read_scan(data: bytes, source: Source, pdf: bool) -> Document:
    """Read a scanned PDF (`pdf`) or a page image into a `Document` (see the module docstring)."""
    from extractor.readers.ocr_image import page_images
    from extractor.readers.pdf import assemble

    cfg = settings()
    tess = engine(cfg["tesseract"])
    if tess is None:
        raise InputError(_NO_TESSERACT, path=source.path)
    try:
        images = page_images(data, pdf, int(cfg["tesseract"]["dpi"]), int(cfg["tesseract"]["min_source_dpi"]))
    except Exception as exc:  # Pillow / PDFium raise many types on damaged images
        raise InputError(f"{'the scanned PDF' if pdf else 'the image (a scan/photo, read by OCR)'} cannot be decoded "
                         f"({type(exc).__name__}); ask the sender for the scan again", path=source.path) from None
    if not images:
        raise InputError("the scan has no page", path=source.path)
    warnings = ["read by OCR (a scan or photo): every value needs a look unless Tesseract read it clearly"]

    def one(i: int) -> ScanPage | str:
        try:
            return _page(i, images[i - 1], tess, cfg)
        except tess.error as exc:
            return f"page {i} could not be read by OCR ({str(exc).strip()[:80]}); skipped"

    threads = int(os.environ.get("EXTRACTOR_OCR_THREADS") or 0) or (os.cpu_count() or 1)
    if threads > 1 and len(images) > 1:  # Tesseract runs as a subprocess and OpenCV frees the GIL: threads suffice
        with ThreadPoolExecutor(min(threads, len(images))) as pool:
            done = list(pool.map(one, range(1, len(images) + 1)))
    else:
        done = [one(i) for i in range(1, len(images) + 1)]
    read: list[ScanPage] = []
    for got in done:
        if isinstance(got, str):
            warnings.append(got)
        else:
            read.append(got)
            warnings.extend(got.notes)
    if not read:
        raise InputError("no page of the scan could be read by OCR", path=source.path)
    _align_continued_tables(read, float(cfg["tables"]["join_tolerance"]))
    pages = [r.page() for r in read]
    confs = {r.number: r.confs for r in read}
    turns = {r.number: r.turned for r in read}
    doc = assemble(pages, len(images), source, warnings)
    doc.recognised = True
    for item in doc.items:
        if isinstance(item, Table):
            repair_column_numbers(item, cfg["column_numbers"])
    _mark_confidence(doc, confs, turns)
    return doc
