"""One PDF page read: pdfminer lays it out (with /ActualText honoured; its content streams parsed by
extractor/readers/pdf_content.py, its characters collected apart from the layout as `Char`s), the characters become
glyphs (checkboxes classified), vector checkboxes are added, and ruled tables take the glyphs inside them.

    read_page(page, number, glyph_table) -> Page
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any

from pdfminer.layout import LTChar, LTContainer
from pdfminer.pdffont import PDFUnicodeNotDefined
from pdfminer.pdftypes import resolve1
from pdfminer.utils import decode_text
from pdfplumber.page import PDFPageAggregatorWithMarkedContent

from extractor.model import CHECKED_BOX, EMPTY_BOX
from extractor.readers import pdf_content
from extractor.readers.pdf_boxes import DROP, MISSING_GLYPH, NOTDEF, GlyphTable, is_bold_font, vector_boxes
from extractor.readers.pdf_lines import Glyph, Line, group_lines
from extractor.readers.pdf_tables import Grid, PageTable
from extractor.text.legacy import ENCODINGS

_TABLE_SETTINGS = {"vertical_strategy": "lines", "horizontal_strategy": "lines"}
OPEN_TOL = 3.0  # pt: rules this close are one (pdfplumber's snap and join tolerances)
TOUCH = 0.5  # pt: a glyph starting this close to where the one before ends touches it
RULE_MAX = 1.5  # pt: a horizontal rule no thicker than this through a glyph's body strikes it out
STRIKE_BAND = (0.45, 0.9)  # where, from a glyph box's top (× its height), a strike-out runs (LibreOffice: 0.72;
# an underline runs at ~1.09, below the box)
UNDERLINE_BAND = (0.15, 0.4)  # × glyph height above / below a glyph box's bottom: where an underline runs
UNDERLINE_COVER = 0.7  # share of an underline's length the glyphs above it cover
HIGHLIGHT_MAX = 2.5  # × font size: a coloured rectangle behind a glyph no taller than this highlights it

logging.getLogger("pdfminer").setLevel(logging.ERROR)


# -- pdfminer device: /ActualText of marked content replaces the text of the glyphs it covers ------------------
Char = tuple  # (text, font name, x0, y0, x1, y1, size, notdef): a character as the reader needs it, what pdfminer's
# `LTChar` gives (text, font name, box, size) and whether /ActualText replaced a missing glyph (MISSING_GLYPH)


def _char(obj: LTChar) -> Char:
    """An `LTChar` as a `Char`."""
    return obj._text, obj.fontname, obj.x0, obj.y0, obj.x1, obj.y1, obj.size, getattr(obj, "notdef", False)


class _Aggregator(PDFPageAggregatorWithMarkedContent):
    """pdfplumber's aggregator plus /ActualText: the first glyph of a span gets the span's text, the rest "".

    With the fast parser (`pdf_content.FAST`) the characters are collected in `chars` (drawing order) instead of the
    layout, as `Char`s: horizontal text computed as pdfminer computes an `LTChar`'s box (same arithmetic, same
    order: equal floats), vertical text from pdfminer's `LTChar`s taken out of the layout."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._spans: list[list[Any]] = []  # [actual text or None, used]
        self._actual = 0  # how many of the open spans have an /ActualText
        self.chars: list[Char] = []
        self._fast = pdf_content.FAST
        self._fonts: dict[int, tuple[Any, dict[int, tuple[str, float]]]] = {}  # id(font) -> (font, cid -> text, width)

    def begin_tag(self, tag: Any, props: Any = None) -> None:
        super().begin_tag(tag, props)
        text = None
        if isinstance(props, dict) and "ActualText" in props:
            raw = resolve1(props["ActualText"])
            text = decode_text(raw) if isinstance(raw, bytes) else raw if isinstance(raw, str) else None
        self._spans.append([text, False])
        self._actual += text is not None

    def end_tag(self) -> None:
        super().end_tag()
        if self._spans:
            self._actual -= self._spans.pop()[0] is not None

    def _to_text(self, font: Any, cid: int) -> str:
        """A character's text as pdfminer's `render_char` finds it."""
        try:
            text = font.to_unichr(cid)
            assert isinstance(text, str), str(type(text))
        except PDFUnicodeNotDefined:
            text = self.handle_undefined_char(font, cid)
        return text

    def _actual_text(self, text: str) -> tuple[str, bool]:
        """A character's text given the /ActualText of the innermost span that has one (the span's first character
        only; the others ""), and whether it replaced a missing glyph."""
        span = next((s for s in reversed(self._spans) if s[0] is not None), None)
        if span is None:
            return text, False
        actual = "" if span[1] else span[0]
        span[1] = True
        return actual, text == MISSING_GLYPH

    def render_char(self, *args: Any, **kwargs: Any) -> float:
        adv = super().render_char(*args, **kwargs)
        if self._actual and self.cur_item._objs:
            obj = self.cur_item._objs[-1]
            if isinstance(obj, LTChar):
                obj._text, obj.notdef = self._actual_text(obj._text)
        if self._fast and self.cur_item._objs and isinstance(self.cur_item._objs[-1], LTChar):
            self.chars.append(_char(self.cur_item._objs.pop()))
        return adv

    def render_string_horizontal(self, seq: Any, matrix: Any, pos: Any, font: Any, fontsize: float, scaling: float,
                                 charspace: float, wordspace: float, rise: float, dxscale: float, ncs: Any,
                                 graphicstate: Any) -> Any:
        """pdfminer's `render_string_horizontal` and `LTChar` box in one loop, making `Char`s (see the class)."""
        if not self._fast:
            return super().render_string_horizontal(seq, matrix, pos, font, fontsize, scaling, charspace, wordspace,
                                                    rise, dxscale, ncs, graphicstate)
        entry = self._fonts.get(id(font))
        if entry is None:
            entry = self._fonts[id(font)] = (font, {})
        cache = entry[1]
        (x, y) = pos
        (a, b, c, d, e, f) = matrix
        descent = font.get_descent() * fontsize
        by0 = descent + rise
        by1 = descent + rise + fontsize
        fontname = font.fontname
        chars = self.chars
        actual = self._actual
        to_text = self._to_text
        # pdfminer boxes a character by translate_matrix(matrix, (x, y)), then apply_matrix_rect(it, (0, by0, adv,
        # by1)): the parts of those sums that do not depend on x or the advance are computed once, in the same order
        yc, yd = y * c, y * d
        a0, b0 = a * 0, b * 0
        cby0, dby0, cby1, dby1 = c * by0, d * by0, c * by1, d * by1
        upright = b == 0 and c == 0
        if upright:  # no rotation or skew: the box's top and bottom are the same for every character of the string
            mf = x * b + yd + f
            bottom, top = b0 + dby0 + mf, b0 + dby1 + mf
            y0, y1 = (bottom, top) if bottom <= top else (top, bottom)
            size = y1 - y0
        needcharspace = False
        for obj in seq:
            if isinstance(obj, (int, float)):
                x -= obj * dxscale
                needcharspace = True
            elif isinstance(obj, bytes):
                for cid in font.decode(obj):
                    if needcharspace:
                        x += charspace
                    hit = cache.get(cid)
                    if hit is None:
                        hit = cache[cid] = (to_text(font, cid), font.char_width(cid))
                    me = x * a + yc + e
                    adv = hit[1] * fontsize * scaling
                    text, notdef = self._actual_text(hit[0]) if actual else (hit[0], False)
                    if upright:
                        left, right = a0 + cby0 + me, a * adv + cby0 + me
                        chars.append((text, fontname, left, y0, right, y1, size, notdef) if left <= right else
                                     (text, fontname, right, y0, left, y1, size, notdef))
                    else:
                        mf = x * b + yd + f
                        left1, bottom1 = a0 + cby0 + me, b0 + dby0 + mf
                        right1, bottom2 = a * adv + cby0 + me, b * adv + dby0 + mf
                        right2, top1 = a * adv + cby1 + me, b * adv + dby1 + mf
                        left2, top2 = a0 + cby1 + me, b0 + dby1 + mf
                        lo, hi = min(bottom1, bottom2, top1, top2), max(bottom1, bottom2, top1, top2)
                        chars.append((text, fontname, min(left1, left2, right1, right2), lo,
                                      max(left1, left2, right1, right2), hi, hi - lo, notdef))
                    x += adv
                    if cid == 32 and wordspace:
                        x += wordspace
                    needcharspace = True
        return (x, y)


def _layout(page: Any) -> list[Char]:
    """Lay the page out with `_Aggregator`, install the result as the page's layout; its characters (drawing order),
    taken out of it."""
    device = _Aggregator(page.pdf.rsrcmgr, pageno=page.page_number, laparams=page.pdf.laparams)
    pdf_content.interpreter_class()(page.pdf.rsrcmgr, device).process_page(page.page_obj)
    page._layout = device.get_result()
    chars = device.chars
    _take_chars(page._layout, chars)  # with pdfminer's parser: all of them, else none are left in the layout
    return chars


# -- pages ------------------------------------------------------------------------------------------------------
@dataclass
class Page:
    number: int
    width: float
    height: float
    body: list[list[Glyph]]  # line groups until the lines are built, then
    tables: list[PageTable]
    spaces: int
    glyphs: int
    lines: list[Line] = field(default_factory=list)
    grids: list[Grid] = field(default_factory=list)
    missing: dict[str, list[Glyph]] = field(default_factory=dict)  # boxes drawn with a font's missing glyph
    known: dict[str, set[bool | None]] = field(default_factory=dict)  # states of missing glyphs with a code, by font
    decoded: dict[str, int] = field(default_factory=dict)  # legacy encoding -> glyphs decoded by their font
    text: bool = True  # pdfminer drew a character with text (not white space, not an unmapped `(cid:n)`)


def _take_chars(container: Any, out: list[Char]) -> None:
    """Take the characters out of a layout tree (into `out` as `Char`s, in drawing order), leaving the graphics."""
    kept = []
    for obj in container._objs:
        if isinstance(obj, LTChar):
            out.append(_char(obj))
        else:
            if isinstance(obj, LTContainer):
                _take_chars(obj, out)
            kept.append(obj)
    container._objs = kept


def open_ends(edges: list[dict[str, Any]]) -> list[float]:
    """Heights where ruled cells are left open: the ends of vertical rules that no horizontal rule crosses.

    A producer that splits a table row over a page break may draw its cells' sides but no bottom (and no top on the
    next page) border: Chromium does. A horizontal line there closes the cells so the row is read as a row."""
    rules = [e for e in edges if e["orientation"] == "h" and e["x1"] - e["x0"] > OPEN_TOL]
    by_y: dict[int, list[dict[str, Any]]] = {}
    for h in rules:
        by_y.setdefault(round(h["top"]), []).append(h)
    ends: list[float] = []
    for v in edges:
        if v["orientation"] != "v" or v["bottom"] - v["top"] <= OPEN_TOL:
            continue
        x = v["x0"]
        for y in (v["top"], v["bottom"]):
            near = (h for k in range(round(y) - 3, round(y) + 4) for h in by_y.get(k, ()))
            if not any(abs(h["top"] - y) <= OPEN_TOL and h["x0"] - 1 <= x <= h["x1"] + 1 for h in near):
                ends.append(y)
    out: list[float] = []
    for y in sorted(ends):
        if not out or y - out[-1] > OPEN_TOL:
            out.append(y)
    return out


def _follows_box(glyphs: list[Glyph], x0: float, bottom: float) -> bool:
    """Does a glyph starting at `x0` touch the box glyph drawn just before it on its line (a box never touches
    another box: a missing glyph there is no box of its own)?"""
    if not glyphs:
        return False
    last = glyphs[-1]
    return last.box is not None and last.box[1] != NOTDEF and abs(x0 - last.x1) <= TOUCH and \
        abs(bottom - last.bottom) <= 0.3 * last.size


def decorate(glyphs: list[Glyph], lines: list[dict[str, Any]], rects: list[dict[str, Any]]) -> set[int]:
    """Give glyphs the text decorations drawn over them as span styles: `strike`, a thin horizontal rule through
    the glyph's body (STRIKE_BAND of its height from the top; an underline runs below it), and `highlight`, a
    coloured filled rectangle no taller than HIGHLIGHT_MAX × the glyph's size behind its centre. Returns the ids of
    the graphics so used, and of change bars (`_change_bars`): they are no table rules. A horizontal rule that meets
    a vertical one at an end is a cell's border, never a decoration (Word draws cells with no top or bottom padding:
    their borders run right under the text)."""
    used = _change_bars(lines, rects)
    sides = [o for o in [*lines, *rects] if o["x1"] - o["x0"] <= RULE_MAX and o["bottom"] - o["top"] > RULE_MAX]
    rules = [o for o in [*lines, *rects] if o["bottom"] - o["top"] <= RULE_MAX and o["x1"] - o["x0"] >= 1.0
             and not _meets_a_side(o, sides)]
    fills = [r for r in rects if r.get("fill") and _coloured(r.get("non_stroking_color"))
             and r["bottom"] - r["top"] >= 2.0]
    if not rules and not fills:
        return used
    lo, hi = STRIKE_BAND
    for g in glyphs:
        if g.space or g.box is not None:
            continue
        x, h = (g.x0 + g.x1) / 2, g.bottom - g.top
        mid = (g.top + g.bottom) / 2
        for o in rules:
            y = (o["top"] + o["bottom"]) / 2
            if o["x0"] <= x <= o["x1"] and g.top + lo * h <= y <= g.top + hi * h:
                g.styles = (*g.styles, "strike") if "strike" not in g.styles else g.styles
                used.add(id(o))
        for r in fills:
            if r["x0"] <= x <= r["x1"] and r["top"] <= mid <= r["bottom"] and r["bottom"] - r["top"] <= \
                    HIGHLIGHT_MAX * g.size:
                g.styles = (*g.styles, "highlight") if "highlight" not in g.styles else g.styles
                used.add(id(r))
    for o in rules:
        if id(o) not in used and _underline(o, glyphs):
            used.add(id(o))
    return used


def _meets_a_side(rule: dict[str, Any], sides: list[dict[str, Any]]) -> bool:
    """Does a horizontal rule end on a vertical line (a table's or a box's side)?"""
    y = (rule["top"] + rule["bottom"]) / 2
    return any(s["top"] - OPEN_TOL <= y <= s["bottom"] + OPEN_TOL and
               (abs(s["x0"] - rule["x0"]) <= OPEN_TOL or abs(s["x0"] - rule["x1"]) <= OPEN_TOL) for s in sides)


def _underline(rule: dict[str, Any], glyphs: list[Glyph]) -> bool:
    """Is a horizontal rule an underline: just under the bottom of glyphs (UNDERLINE_BAND × their height) that
    cover most of its length (a table rule runs on under empty space)?"""
    y = (rule["top"] + rule["bottom"]) / 2
    width = rule["x1"] - rule["x0"]
    lo, hi = UNDERLINE_BAND
    covered = 0.0
    for g in glyphs:
        if g.box is None and rule["x0"] <= (g.x0 + g.x1) / 2 <= rule["x1"]:
            h = g.bottom - g.top
            if g.bottom - lo * h <= y <= g.bottom + hi * h:
                covered += g.x1 - g.x0
    return covered >= UNDERLINE_COVER * width


def _change_bars(lines: list[dict[str, Any]], rects: list[dict[str, Any]]) -> set[int]:
    """Ids of the vertical bars a word processor draws in the margin beside tracked changes: vertical lines that no
    horizontal line or rectangle edge meets (a table's sides meet its rules; a box's sides meet its top and
    bottom), one or several stacked."""
    tol = OPEN_TOL
    verticals = [o for o in lines if o["x1"] - o["x0"] <= RULE_MAX and o["bottom"] - o["top"] > tol]
    if not verticals:
        return set()
    across = [(o["x0"], o["x1"], y) for o in lines if o["bottom"] - o["top"] <= RULE_MAX
              for y in ((o["top"] + o["bottom"]) / 2,)]
    across += [(r["x0"], r["x1"], y) for r in rects for y in (r["top"], r["bottom"])]

    def met(o: dict[str, Any]) -> bool:
        return any(x0 - tol <= o["x0"] <= x1 + tol and o["top"] - tol <= y <= o["bottom"] + tol
                   for x0, x1, y in across)

    return {id(o) for o in verticals if not met(o)}


def _coloured(color: Any) -> bool:
    """A fill colour that is not white, black or a grey (a highlight, not a table's shading or a box)."""
    if not isinstance(color, (list, tuple)) or len(color) != 3:
        return False
    return max(color) - min(color) > 0.2


def read_page(page: Any, number: int, table: GlyphTable) -> Page:
    """Glyphs, vector boxes and ruled tables of one page (characters are read from the device directly: making
    pdfplumber's per-character dicts costs as much as the layout itself; graphics still go through pdfplumber)."""
    chars = _layout(page)
    mb_x0, mb_top = page.mediabox[:2]
    height = page.height
    glyphs: list[Glyph] = []
    spaces = 0
    missing: dict[str, list[Glyph]] = {}
    known: dict[str, set[bool | None]] = {}
    decoded: dict[str, int] = {}
    vni_base = False  # the previous glyph is a VNI letter a modifier may follow
    fonts: dict[Any, tuple[str, Any, bool, bool]] = {}  # font name -> (as str, legacy encoding, bold, symbol font)
    box_glyphs = table.glyphs
    has_text = False
    for text, fontname, x0, y0, x1, y1, size, notdef in chars:
        if not text:
            continue
        if not has_text:
            has_text = not text.isspace() and not text.startswith("(cid:")
        info = fonts.get(fontname)
        if info is None:
            name = fontname if isinstance(fontname, str) else str(fontname)
            info = fonts[fontname] = (name, ENCODINGS.font(name), is_bold_font(name),
                                      table.symbol_font(name) is not None)
        font, legacy, bold, symbol = info
        if legacy is not None:
            if legacy.encoding == "VNI" and vni_base and text in ENCODINGS.vni_marks:
                prev = glyphs[-1]  # a VNI modifier drawn as its own glyph: it belongs to the letter before
                prev.text = ENCODINGS.decode(prev.text + text, "VNI", legacy.capitals)
                prev.x1 = max(prev.x1, x1 + mb_x0)
                decoded["VNI"] = decoded.get("VNI", 0) + 1
                vni_base = False
                continue
            raw = text
            text = ENCODINGS.decode(text, legacy.encoding, legacy.capitals)
            decoded[legacy.encoding] = decoded.get(legacy.encoding, 0) + (text != raw)
            vni_base = legacy.encoding == "VNI" and text[-1:] in ENCODINGS.vni_bases
            if legacy.encoding == "VNI":
                text = raw if vni_base else text  # kept raw until its modifier (if any) is met
        else:
            vni_base = False
        box = None
        # table.special(text, font), its tests in line
        if (symbol or text in box_glyphs or 0xF000 <= ord(text) <= 0xF0FF) if len(text) == 1 else \
                table.special(text, font):
            # a missing glyph's code (its /ActualText) is a symbol font's: read it with that font's tables
            found = table.classify(text, table.missing_glyph_font if notdef and len(text) == 1 else font)
            if found == DROP:
                continue
            box = found if isinstance(found, tuple) else None
            if box is not None and box[1] == NOTDEF and _follows_box(glyphs, x0 + mb_x0, height - y0 + mb_top):
                continue  # a control character drawn as .notdef against a box (Chromium: a content control's "☐\x01")
        g = Glyph(text, x0 + mb_x0, x1 + mb_x0, height - y1 + mb_top, height - y0 + mb_top, size or 10.0, bold, box)
        spaces += g.space
        glyphs.append(g)
        if box is not None and box[1] == NOTDEF:
            missing.setdefault(font, []).append(g)
        elif box is not None and notdef:
            known.setdefault(font, set()).add(box[0])
    vboxes, used = vector_boxes(page.rects, page.lines, page.curves)
    decorations = decorate(glyphs, page.lines, page.rects)
    if decorations:
        used = set(used) | decorations
    for vb in vboxes:
        glyphs.append(Glyph(CHECKED_BOX if vb.checked else EMPTY_BOX, vb.x0, vb.x1, vb.top, vb.bottom,
                             vb.bottom - vb.top, False, (vb.checked, "vector")))
    ruled = page.filter(lambda o: id(o) not in used) if used else page
    settings = _TABLE_SETTINGS
    opens = open_ends(ruled.edges)
    if opens:
        settings = {**_TABLE_SETTINGS, "explicit_horizontal_lines": opens}
    tables = [PageTable(number, tuple(t.bbox), [tuple(c) for c in t.cells])
              for t in ruled.find_tables(settings) if len(t.cells) >= 2]
    if tables:
        body = []
        for g in glyphs:
            for t in tables:
                if t.take(g):
                    break
            else:
                body.append(g)
    else:
        body = glyphs
    return Page(number, page.width, page.height, group_lines(body), tables, spaces, len(glyphs), missing=missing,
                known=known, decoded={k: v for k, v in decoded.items() if v}, text=has_text)
