"""PDF reader: the characters and ruling lines of each page, rebuilt into the block model.

    read_pdf(data, source) -> Document

What comes out (see extractor/model.py):

- Items: per page, top to bottom, the body paragraphs (`Block`) and the ruled tables (`Table`) in the order of
  their top edges. A table continued at the top of the next page (same outer column edges) is joined to the one
  that ended the previous page: a repeated header row is skipped, a row cut by the page break is joined back
  (a cell whose text ended on the previous page, or whose first line is the word wrap of its last line there;
  not when the first column has text on both pages). A paragraph wrapped over a page break is joined too.
- Lines: characters (pdfminer through pdfplumber's aggregator, with the /ActualText of marked-content spans
  honoured) grouped by vertical centre, then ordered by x, so glyphs drawn out of order by font fallback come
  back in place. A horizontal gap not covered by a space glyph is a tab when the producer draws its spaces
  (LibreOffice and Word do: such a gap is a tab stop), else a space, or a tab when wider than `TAB_GAP` × the
  font size. Overprinted duplicates are dropped; each glyph's text is NFC (fallback fonts map one glyph to
  decomposed text). Dotted leaders stay as the `…` / `.` characters drawn.
- Paragraphs: consecutive lines of one region (the page body, or one table cell) make one `Block` when the next
  line is the word wrap of the previous one (`_Flow`): the lines are a wrapped line's distance apart (the line
  pitch inside paragraphs is measured per document and font size; paragraph spacing shows as a larger pitch),
  and either the previous line ends with a drawn space (producers that draw the space a wrap left at the end
  of the line: then a wrap at a space without one, where it would have fitted, is no wrap) or the next line's
  first unbreakable segment would not have fitted on it. Centered and right-aligned lines are measured by
  their width; a line starting a list item (numbering, bullet) or a checkbox option is not a wrap unless the
  previous line was cut with no room left. In a document with paragraph spacing, a line at the wrap pitch that
  is no wrap is a line break ("\n") or a tab that did not fit ("\t") inside the paragraph. Wrapped lines are
  joined with a space, or with nothing where the cut fell inside a leader or a value typed in it, after a
  hyphen or a slash, before closing punctuation, or inside a word wider than the line (an address, a number,
  a fragment that is no Vietnamese syllable).
- Tables: `page.find_tables()` on ruling lines (checkbox squares and their marks excluded); the grid is the
  distinct x / y cell edges, so merged cells come once with colspan / rowspan. Cell text as paragraphs inside
  the cell box; an empty cell has one empty block (as a Word cell has one empty paragraph).
- Headers / footers: the first or last body line of a page whose text (digits aside) recurs at the same place
  on at least half of the pages (two or more) is dropped: running titles, ``Trang 3/9``, page numbers.
- Checkboxes (extractor/readers/pdf_boxes.py, data in patterns/pdf.yaml and patterns/checkboxes.yaml): glyphs
  (☐ ☒ □ ■ …), private-use codes of symbol fonts and of fallback fonts (``pua_text``; /ActualText gives the
  true code where LibreOffice draws every private-use character of a Wingdings run with one fallback glyph),
  and vector squares (``vector``, legacy FORMCHECKBOX fields); written into `Block.text` as ☐ / ☒ / ▢ with a
  `Box` at the offset (▢: a symbol-font glyph with no text, state unknown).
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
import logging
import re
import statistics
import unicodedata
from bisect import bisect_right
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import pdfplumber
import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
from pdfminer.layout import LTChar, LTContainer
from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect
from pdfminer.pdfinterp import PDFPageInterpreter
from pdfminer.pdftypes import resolve1
from pdfminer.utils import decode_text
from pdfplumber.page import PDFPageAggregatorWithMarkedContent

from extractor.errors import InputError
from extractor.model import CHECKED_BOX, EMPTY_BOX, UNKNOWN_BOX, Block, Box, Cell, Document, Source, Table
from extractor.readers.pdf_boxes import DROP, GlyphTable, is_bold_font, vector_boxes

GAP = 0.075  # a horizontal gap wider than this × font size (1 pt at 13 pt), no space glyph in it, separates words
BOX_GAP = 0.3  # pt: a box is never part of a word, so a smaller gap beside it separates too
TAB_GAP = 0.9  # ... and is a tab when wider than this × font size (producers that do not draw spaces)
LINE_TOL = 0.3  # glyphs whose vertical centres differ by at most this × height (+ 0.5 pt) are on one line
PITCH_TOL = 0.12  # a line pitch more than max(1.5 pt, this × size) over the wrap pitch is a paragraph break
EDGE_TOL = 2.0  # pt: cell edges closer than this are one grid line
CELL_PAD = 6.0  # pt: most a cell's text is inset from its side (LibreOffice 0.19 cm, Word 0.08 in)
SPACE_MARGIN = 0.5  # pt: a trailing space "clearly fits" when it ends this far inside the right edge
FIT_TOL = 0.2  # pt: a segment fits when it ends at most this far past the right edge
_NUMBERING = re.compile(r"^(?:\d{1,2}(?:\.\d{1,2})*[.)]|\d{1,2}(?:\.\d{1,2})+|[a-zđ][.)]|[IVX]{1,4}\.|"
                        r"[-+•–*·▪◦]|\(\d{1,2}\)|(?:MỤC|PHẦN|Mục|Phần|Điều|Chương)\s+[\dIVX]+[.:]?)\s+\S")
_NO_BREAK_BEFORE = frozenset(")]}!?,.:;/%…")
_ALNUM_TAIL = re.compile(r"\w+$")
_URLISH = re.compile(r"[^\W\d][.@][^\W\d]|://")
_ALNUM_HEAD = re.compile(r"\w+")
_SYLLABLE = re.compile(r"(?:ngh|ng|nh|ch|gh|gi|kh|ph|qu|th|tr|[bcdghklmnprstvx])?[aeiouy]{1,3}(?:ch|ng|nh|[cmnpt])?")


def _word_like(word: str) -> bool:
    """Can `word` stand alone: one Vietnamese syllable (tones and vowel marks ignored), an acronym, a number?"""
    if word.isdigit() or (word.isupper() and len(word) >= 2):
        return True
    base = "".join(c for c in unicodedata.normalize("NFD", word.casefold()) if not unicodedata.combining(c))
    return bool(_SYLLABLE.fullmatch(base.replace("đ", "d")))
_BOX_TOKENS = {False: EMPTY_BOX, True: CHECKED_BOX, None: UNKNOWN_BOX}
_TABLE_SETTINGS = {"vertical_strategy": "lines", "horizontal_strategy": "lines"}
_PASSWORD = ("the PDF is password-protected; ask the sender for a copy without a password (or for the .docx)")

logging.getLogger("pdfminer").setLevel(logging.ERROR)


# -- pdfminer device: /ActualText of marked content replaces the text of the glyphs it covers ------------------
class _Aggregator(PDFPageAggregatorWithMarkedContent):
    """pdfplumber's aggregator plus /ActualText: the first glyph of a span gets the span's text, the rest ""."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._spans: list[list[Any]] = []  # [actual text or None, used]
        self._actual = 0  # how many of the open spans have an /ActualText

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

    def render_char(self, *args: Any, **kwargs: Any) -> float:
        adv = super().render_char(*args, **kwargs)
        if not self._actual:
            return adv
        span = next((s for s in reversed(self._spans) if s[0] is not None), None)
        if span is not None and self.cur_item._objs:
            obj = self.cur_item._objs[-1]
            if isinstance(obj, LTChar):
                obj._text = "" if span[1] else span[0]
                span[1] = True
        return adv


def _layout(page: Any) -> None:
    """Lay the page out with `_Aggregator` and install the result as the page's layout."""
    device = _Aggregator(page.pdf.rsrcmgr, pageno=page.page_number, laparams=page.pdf.laparams)
    PDFPageInterpreter(page.pdf.rsrcmgr, device).process_page(page.page_obj)
    page._layout = device.get_result()


# -- glyphs and lines -------------------------------------------------------------------------------------------
class _Glyph:
    __slots__ = ("text", "x0", "x1", "top", "bottom", "size", "bold", "box", "space")

    def __init__(self, text: str, x0: float, x1: float, top: float, bottom: float, size: float, bold: bool,
                 box: tuple[bool | None, str] | None = None) -> None:
        self.text = text
        self.x0, self.x1, self.top, self.bottom = x0, x1, top, bottom
        self.size = size
        self.bold = bold
        self.box = box
        self.space = box is None and text.isspace()

    @property
    def mid(self) -> float:
        return (self.top + self.bottom) / 2


class _Line:
    """One line of text: its glyphs in x order, its text with boxes, and what paragraph joining needs."""

    __slots__ = ("text", "boxes", "x0", "x1", "top", "bottom", "base", "size", "first_word", "last_word",
                 "first_glyph", "space_w", "trailing_space", "bold_n", "text_n", "page")

    def __init__(self, glyphs: list[_Glyph], spaces_drawn: bool, page: int) -> None:
        gl = sorted(glyphs, key=lambda g: g.x0)
        kept: list[_Glyph] = []
        for g in gl:  # overprinted duplicates (fake bold, doubled text)
            if kept and g.text == kept[-1].text and abs(g.x0 - kept[-1].x0) < 0.5 and abs(g.top - kept[-1].top) < 0.5:
                continue
            kept.append(g)
        ink = [g for g in kept if not g.space]
        letters = [g for g in ink if g.box is None] or ink
        self.page = page
        self.size = statistics.median(g.size for g in letters)
        self.x0, self.x1 = ink[0].x0, max(g.x1 for g in ink)
        self.first_glyph = ink[0].x1 - ink[0].x0
        self.top, self.bottom = min(g.top for g in ink), max(g.bottom for g in ink)
        self.base = Counter(round(g.bottom, 1) for g in letters).most_common(1)[0][0]
        spaces = [g.x1 - g.x0 for g in kept if g.text == " "]
        self.space_w = statistics.median(spaces) if spaces else 0.25 * self.size
        self.trailing_space = kept[-1].space
        # words and gaps: a gap no glyph covers is a tab stop (or a word space when spaces are not drawn);
        # after a drawn space, only a gap wider than the space stretching of a justified line is a tab
        stretched = sum(1 for a, b in zip(kept, kept[1:], strict=False)
                        if a.space and not b.space and b.x0 - a.x1 > 0.5)
        seq: list[tuple[str, _Glyph | None]] = []
        prev: _Glyph | None = None
        for g in kept:
            if prev is not None:
                gap = g.x0 - prev.x1
                if not prev.space and not g.space and (gap > GAP * self.size or
                                                       (gap > BOX_GAP and (g.box or prev.box))):
                    seq.append(("\t" if spaces_drawn or gap > TAB_GAP * self.size else " ", None))
                elif prev.space and not g.space and gap > GAP * self.size and \
                        (stretched <= 1 or gap > TAB_GAP * self.size):
                    seq.append(("\t", None))
            seq.append((g.text, g))
            prev = g
        parts: list[str] = []
        self.boxes: list[Box] = []
        n = self.bold_n = self.text_n = 0
        for text, g in seq:
            if g is not None and g.box is not None:
                self.boxes.append(Box(n, g.box[0], g.box[1]))
                text = _BOX_TOKENS[g.box[0]]
            elif g is not None and not g.space:
                if len(text) > 1:
                    text = unicodedata.normalize("NFC", text)
                self.text_n += 1
                self.bold_n += g.bold
            parts.append(text)
            n += len(text)
        self.text = "".join(parts)
        self.first_word = _first_segment(seq, self.x0, self.x1)
        self.last_word = self.x1 - _last_word_start(seq, self.x0)

    @property
    def starts_box(self) -> bool:
        return bool(self.boxes) and not self.text[:self.boxes[0].offset].strip()


def _last_word_start(seq: list[tuple[str, _Glyph | None]], x0: float) -> float:
    """Left edge of the line's last word (after its last space or gap; trailing spaces ignored)."""
    start, in_word = x0, False
    for _, g in seq:
        if g is None or g.space:
            in_word = False
        elif not in_word:
            start, in_word = g.x0, True
    return start


def _first_segment(seq: list[tuple[str, _Glyph | None]], x0: float, x1: float) -> float:
    """Width of the line's first unbreakable segment (roughly UAX #14): what a wrap had to move down whole.

    Breaks are at spaces and gaps (but not before ``) ] } ! ? , . : ; / % …`` even after spaces) and after a
    hyphen between letters. A word wider than the whole line is cut anywhere (an emergency break); the fit test
    fails for it anyway.
    """
    started = False
    last_x1 = x0
    for i, (text, g) in enumerate(seq):
        if not started:
            if g is not None and not g.space:
                started = True
                last_x1 = g.x1
            continue
        if g is None or g.space:
            nxt = next((t for t, h in seq[i + 1:] if h is None or not h.space), "")
            if nxt and nxt not in ("\t", " ") and nxt[0] in _NO_BREAK_BEFORE:
                continue
            return last_x1 - x0
        if seq[i - 1][0] == "-" and text[:1].isalpha() and i >= 2 and seq[i - 2][0][-1:].isalpha():
            return last_x1 - x0
        last_x1 = g.x1
    return x1 - x0


def _group_lines(glyphs: list[_Glyph]) -> list[list[_Glyph]]:
    """Glyphs grouped into lines by vertical centre, top to bottom (groups of spaces only dropped)."""
    order = sorted(glyphs, key=lambda g: g.mid)
    groups: list[list[_Glyph]] = []
    ref_mid = ref_h = 0.0
    k = 0
    for g in order:
        h = max(g.bottom - g.top, 1.0)
        if groups and abs(g.mid - ref_mid) <= LINE_TOL * min(h, ref_h) + 0.5:
            groups[-1].append(g)
            if not g.space and g.box is None:
                k += 1
                ref_mid += (g.mid - ref_mid) / k
        else:
            groups.append([g])
            ref_mid, ref_h = g.mid, h
            k = 1 if not g.space and g.box is None else 0
    return [grp for grp in groups if not all(g.space for g in grp)]


# -- paragraphs -------------------------------------------------------------------------------------------------
@dataclass
class _Para:
    lines: list[_Line]
    seps: list[str] = field(default_factory=list)  # what stood between line i and line i + 1

    def add(self, line: _Line, sep: str) -> None:
        self.seps.append(sep)
        self.lines.append(line)

    def extend(self, other: _Para, sep: str) -> None:
        self.seps.append(sep)
        self.seps.extend(other.seps)
        self.lines.extend(other.lines)

    def block(self, extra: dict[str, Any] | None = None) -> Block:
        parts: list[str] = []
        boxes: list[Box] = []
        n = 0
        for i, ln in enumerate(self.lines):
            if i:
                sep = self.seps[i - 1]
                parts.append(sep)
                n += len(sep)
            boxes.extend(Box(b.offset + n, b.checked, b.encoding) for b in ln.boxes)
            parts.append(ln.text)
            n += len(ln.text)
        text = "".join(parts).rstrip()
        boxes = [b for b in boxes if b.offset < len(text)]
        text_n = sum(ln.text_n for ln in self.lines)
        bold = text_n > 0 and sum(ln.bold_n for ln in self.lines) == text_n
        first = [ln for ln in self.lines if ln.page == self.lines[0].page]
        bbox = [round(min(ln.x0 for ln in first), 2), round(min(ln.top for ln in first), 2),
                round(max(ln.x1 for ln in first), 2), round(max(ln.bottom for ln in first), 2)]
        loc: dict[str, Any] = {"page": self.lines[0].page, "bbox": bbox}
        pages = sorted({ln.page for ln in self.lines})
        if len(pages) > 1:
            loc["pages"] = pages
        if extra:
            loc.update(extra)
        return Block(text, boxes, loc, bold)


class _Flow:
    """Decides whether a line continues the paragraph above, and with what (see the module docstring).

    Measured per region kind (body, cells): the wrap pitch per font size (from lines ending with a drawn
    space when the producer draws them, else the tightest common pitch), and whether paragraphs are spaced
    (a common pitch clearly above the wrap pitch). In spaced documents a line at the wrap pitch that is no
    wrap is a line break inside the paragraph ("\n"), or a tab that did not fit ("\t").
    """

    def __init__(self, regions: list[list[_Line]]) -> None:
        sure: dict[float, list[float]] = {}
        every: dict[float, list[float]] = {}
        self.trailing_wraps = False
        for lines in regions:
            for a, b in zip(lines, lines[1:], strict=False):
                if abs(a.size - b.size) > 0.5:
                    continue
                pitch = b.base - a.base
                if not 0.8 * a.size < pitch < 2.2 * a.size:
                    continue
                key = round(a.size * 2) / 2
                every.setdefault(key, []).append(pitch)
                if a.trailing_space:
                    sure.setdefault(key, []).append(pitch)
        self.pitch: dict[float, float] = {}
        self.spaced: dict[float, bool] = {}
        for key, values in every.items():
            if len(sure.get(key, ())) >= 2:
                self.pitch[key] = statistics.median(sure[key])
                self.trailing_wraps = True
            else:  # the tightest common pitch: lines of one paragraph (or of paragraphs without spacing)
                values.sort()
                low = values[len(values) // 10]
                self.pitch[key] = statistics.median(v for v in values if v <= low + 0.6)
            wider = [v for v in values if v > self.pitch[key] + self.tolerance(key)]
            self.spaced[key] = len(wider) >= 3 and len(wider) >= 0.2 * len(values)

    @staticmethod
    def tolerance(size: float) -> float:
        return max(1.5, PITCH_TOL * size)

    def link(self, prev: _Line, nxt: _Line, first: _Line, left: float, right: float,
             same_page: bool = True) -> str | None:
        """What joins `nxt` to the paragraph ending with `prev` (" ", "", "\\n" or "\\t"), or None: a new paragraph."""
        if self.continues(prev, nxt, first, left, right, same_page):
            return self.separator(prev, nxt, left, right)
        key = round(prev.size * 2) / 2
        if same_page and self.spaced.get(key) and abs(prev.size - nxt.size) <= 0.5 and \
                0.5 * prev.size < nxt.base - prev.base <= self.pitch[key] + self.tolerance(key) and \
                not (nxt.starts_box or _NUMBERING.match(nxt.text.lstrip())) and \
                (prev.bold_n == prev.text_n) == (nxt.bold_n == nxt.text_n):
            # (list items and headings often go without paragraph spacing: they stay paragraphs of their own)
            # no wrap, but no paragraph spacing either (the document has it): a line break inside the paragraph,
            # or a tab that did not fit on the line (the next line then starts at a tab stop)
            return "\t" if nxt.x0 > min(first.x0, prev.x0) + 2 and not _centered(nxt, left, right) else "\n"
        return None

    def continues(self, prev: _Line, nxt: _Line, first: _Line, left: float, right: float,
                  same_page: bool = True) -> bool:
        """Is `nxt` the word wrap of the paragraph whose last line so far is `prev`?"""
        size = max(prev.size, nxt.size)
        if abs(prev.size - nxt.size) > 1.5:
            return False
        if same_page:
            pitch = nxt.base - prev.base
            wrap = self.pitch.get(round(prev.size * 2) / 2)
            if pitch < 0.5 * size or pitch > 2.2 * size:
                return False
            if wrap is not None and pitch > wrap + self.tolerance(prev.size):
                return False
        width = right - left
        # a centered paragraph: both lines centered, one of them visibly shorter than the region
        centered = _centered(prev, left, right, indented=False) and _centered(nxt, left, right, indented=False) \
            and (_centered(prev, left, right) or _centered(nxt, left, right))
        if nxt.x0 > min(first.x0, prev.x0) + 0.25 * width and nxt.x0 > left + 40 and not centered:
            return False  # a line starting far to the right of the paragraph's lines
        if prev.trailing_space and self.trailing_wraps:
            return True  # the space the wrap left is drawn at the end of the line
        room = nxt.first_word + prev.space_w
        if centered or _centered(prev, left, right):
            if not centered or (prev.x1 - prev.x0) + room <= width + FIT_TOL:
                return False
        elif prev.x0 > left + 0.3 * width and abs(nxt.x0 - prev.x0) > 2:
            # a short line far to the right (right-aligned, or after tabs) that the next line does not line up with
            if (prev.x1 - prev.x0) + room <= width + FIT_TOL:
                return False
        elif prev.x1 + room <= right + FIT_TOL:
            return False  # the next line's first segment would have fitted: the paragraph ended here
        elif self.trailing_wraps and not (same_page and self.spaced.get(round(prev.size * 2) / 2)) and \
                self.room_for_space(prev, left, right) and self.separator(prev, nxt, left, right) == " ":
            # a wrap at a space, but no trailing space drawn where one would have fitted: the paragraph ended
            # (when paragraph spacing is measured, the pitch already told; tabs at a wrap leave no glyph)
            return False
        if nxt.starts_box or _NUMBERING.match(nxt.text.lstrip()):
            # a new option or list item, unless the pitch says otherwise (paragraphs are spaced) and no trailing
            # space could be drawn; without those clues, unless the previous line was cut with no room left at all
            if self.trailing_wraps:
                return same_page and bool(self.spaced.get(round(prev.size * 2) / 2)) and \
                    not self.room_for_space(prev, left, right)
            return prev.x1 + 0.5 * nxt.first_word > right + FIT_TOL and not prev.starts_box and not nxt.starts_box
        return True

    @staticmethod
    def room_for_space(prev: _Line, left: float, right: float) -> bool:
        """Was there clearly room for a space after `prev` (so a producer that draws the trailing space of a wrapped
        line would have drawn it)? Centered lines are trimmed: their trailing spaces are never drawn."""
        return prev.x1 + prev.space_w <= right - SPACE_MARGIN and not _centered(prev, left, right)

    def separator(self, prev: _Line, nxt: _Line, left: float, right: float) -> str:
        """What stood at the wrap between `prev` and `nxt`: " ", or "" where the line was cut without a space:
        inside a leader (or a value typed in one), after a hyphen or slash, before closing punctuation, or inside
        a word wider than the line (cut where the full line reached the edge; two Vietnamese syllables are two
        words). A letter after a leader is a space's question: producers that draw the trailing space of a
        wrapped line would have drawn it if it fitted."""
        if prev.trailing_space or not prev.text or not nxt.text:
            return ""  # a drawn trailing space is already the last character of prev.text
        a, b = prev.text[-1], nxt.text[0]
        if b in ",;:)]}":
            return ""  # punctuation that may not start a line: the line was cut before it
        if b == "/":
            return " " if nxt.text[1:2] == " " else ""  # "50 / 93" keeps its spaces, "huyện/cấp" has none
        if b in "….":
            # a leader: glued to what precedes, except after a label's colon when the line was full (a space
            # there is not drawn when it does not fit; centered lines never draw it)
            full = not self.room_for_space(prev, left, right) and not _centered(prev, left, right)
            return " " if a == ":" and full else ""
        head, tail = prev.text.split()[-1], nxt.text.split()[0]
        if a in "./" and b.isalnum() and len(head) > 1 and head[-2].isalpha() and \
                (_URLISH.search(head) or (b.islower() and prev.last_word + nxt.first_word > right - left)):
            return ""  # an address or a dotted name cut after a dot or a slash
        if a in "….":
            if b.isdigit():
                return ""
            return "" if self.trailing_wraps and self.room_for_space(prev, left, right) else " "
        if a in "-/" and len(prev.text) > 1 and not prev.text[-2].isspace() and \
                (not (a == "/" and prev.text[-2].isdigit() and b.isalpha()) or
                 (self.trailing_wraps and self.room_for_space(prev, left, right))):
            return ""  # after a hyphen or a slash inside a word ("CNTT-|TT", "dụng/|phần"; not "1/ Không")
        width = right - left
        if a.isalnum() and b.isalnum() and prev.last_word + nxt.first_word > width + FIT_TOL and \
                (prev.x1 + nxt.first_glyph > right + FIT_TOL or prev.x1 - prev.x0 + nxt.first_glyph > width + FIT_TOL):
            if _URLISH.search(head) or _URLISH.search(tail):
                return ""  # an address or a dotted name cut at the edge
            m, n = _ALNUM_TAIL.search(head), _ALNUM_HEAD.match(tail)
            head_w, tail_w = m.group(0) if m else "", n.group(0) if n else ""
            if a.isdigit() and b.isdigit() or not (_word_like(head_w) and _word_like(tail_w)):
                return ""  # a number, or a fragment that is no word on its own: "Truyề|n", "Fortine|t", "DVCT|T"
        return " "

    def paragraphs(self, lines: list[_Line], left: float, right: float) -> list[_Para]:
        paras: list[_Para] = []
        for ln in lines:
            sep = self.link(paras[-1].lines[-1], ln, paras[-1].lines[0], left, right) if paras else None
            if sep is not None:
                paras[-1].add(ln, sep)
            else:
                paras.append(_Para([ln]))
        return paras


def _centered(ln: _Line, left: float, right: float, indented: bool = True) -> bool:
    """Is the line centered in [left, right] (with `indented`: and visibly inside both edges)?"""
    margin_l, margin_r = ln.x0 - left, right - ln.x1
    return abs(margin_l - margin_r) < 8 and (not indented or min(margin_l, margin_r) > 2.5)


# -- tables -------------------------------------------------------------------------------------------------
def _cluster(values: list[float], tol: float = EDGE_TOL) -> list[float]:
    out: list[float] = []
    for v in sorted(values):
        if not out or v - out[-1] > tol:
            out.append(v)
    return out


def _index(edges: list[float], v: float) -> int:
    return max(0, min(bisect_right(edges, v + EDGE_TOL) - 1, len(edges) - 1))


class _PTable:
    """A ruled table found on a page: its grid edges, cells and the glyphs inside each cell."""

    def __init__(self, page: int, bbox: tuple[float, float, float, float],
                 boxes: list[tuple[float, float, float, float]]) -> None:
        self.page = page
        self.bbox = bbox
        self.xs = _cluster([b[0] for b in boxes] + [b[2] for b in boxes])
        self.ys = _cluster([b[1] for b in boxes] + [b[3] for b in boxes])
        self.cells: list[dict[str, Any]] = []
        self.cover: dict[tuple[int, int], dict[str, Any]] = {}
        for b in sorted(boxes, key=lambda b: (round(b[1]), b[0])):
            r, c = _index(self.ys, b[1]), _index(self.xs, b[0])
            if (r, c) in self.cover:
                continue
            cell = {"row": r, "col": c, "rowspan": max(1, _index(self.ys, b[3]) - r),
                    "colspan": max(1, _index(self.xs, b[2]) - c), "bbox": b, "glyphs": []}
            self.cells.append(cell)
            for rr in range(r, r + cell["rowspan"]):
                for cc in range(c, c + cell["colspan"]):
                    self.cover.setdefault((rr, cc), cell)

    def take(self, g: _Glyph) -> bool:
        """Put `g` in its cell if it lies inside the table."""
        x, y = (g.x0 + g.x1) / 2, g.mid
        x0, top, x1, bottom = self.bbox
        if not (x0 <= x <= x1 and top <= y <= bottom):
            return False
        cell = self.cover.get((max(0, bisect_right(self.ys, y) - 1), max(0, bisect_right(self.xs, x) - 1)))
        if cell is None:  # a hole in the grid: the nearest cell
            cell = min(self.cells, key=lambda cl: _distance(cl["bbox"], x, y))
        cell["glyphs"].append(g)
        return True


def _distance(b: tuple[float, float, float, float], x: float, y: float) -> float:
    dx = max(b[0] - x, 0, x - b[2])
    dy = max(b[1] - y, 0, y - b[3])
    return dx * dx + dy * dy


@dataclass
class _TCell:
    row: int
    col: int
    rowspan: int
    colspan: int
    page: int
    bbox: list[float]
    lines: list[_Line]
    left: float = 0.0
    right: float = 0.0
    paras: list[_Para] = field(default_factory=list)


@dataclass
class _Grid:
    """A table as rows of cells, before it becomes a `Table` (tables continued on the next page are joined)."""

    rows: list[list[_TCell]]
    xs: list[float]
    page: int
    bbox: list[float]
    pages: list[int]
    last_row_cut: bool = False  # the last row ends closer below its text than the table's rows do: cut off

    def texts(self, r: int) -> list[str]:
        return [" ".join(" ".join(ln.text.split()) for ln in c.lines) for c in self.rows[r]]


def _grid(pt: _PTable, spaces_drawn: bool) -> _Grid:
    rows: list[list[_TCell]] = [[] for _ in range(max(len(pt.ys) - 1, 1))]
    for cell in pt.cells:
        x0, top, x1, bottom = cell["bbox"]
        lines = [_Line(grp, spaces_drawn, pt.page) for grp in _group_lines(cell["glyphs"])]
        pad = max(0.5, min(min((ln.x0 - x0 for ln in lines), default=CELL_PAD), CELL_PAD))
        r = min(cell["row"], len(rows) - 1)
        rows[r].append(_TCell(cell["row"], cell["col"], cell["rowspan"], cell["colspan"], pt.page,
                              [round(v, 2) for v in cell["bbox"]], lines, x0 + pad, x1 - pad))
    for row in rows:
        row.sort(key=lambda c: c.col)
    # the space between a row's last line and its bottom edge: the same in every row, unless a page break cut it
    gaps = []
    for r, row in enumerate(rows):
        bottoms = [ln.bottom for c in row if c.rowspan == 1 for ln in c.lines[-1:]]
        if bottoms and r + 1 < len(pt.ys):
            gaps.append(pt.ys[r + 1] - max(bottoms))
    cut = len(gaps) >= 3 and bool(rows[-1]) and any(c.lines for c in rows[-1]) and \
        gaps[-1] < statistics.median(gaps[:-1]) - 1.5
    return _Grid(rows, pt.xs, pt.page, [round(v, 2) for v in pt.bbox], [pt.page], cut)


def _same_columns(a: _Grid, b: _Grid) -> bool:
    """Can `b` continue `a`: same outer edges, and the inner edges of one are mostly edges of the other (a table
    continued on the next page may lack some inner edges, or split a merged header cell into sub-columns)?"""
    if abs(a.xs[0] - b.xs[0]) > 3 or abs(a.xs[-1] - b.xs[-1]) > 3:
        return False
    common = sum(1 for x in b.xs if any(abs(x - y) <= 3 for y in a.xs))
    return common >= 0.8 * min(len(a.xs), len(b.xs))


def _recolumn(grid: _Grid, xs: list[float]) -> None:
    """Renumber the cells of `grid` on the column edges `xs`."""
    grid.xs = xs
    for row in grid.rows:
        for c in row:
            c0 = min(range(len(xs)), key=lambda i: abs(xs[i] - c.bbox[0]))
            c1 = min(range(len(xs)), key=lambda i: abs(xs[i] - c.bbox[2]))
            c.col, c.colspan = c0, max(1, c1 - c0)
        row.sort(key=lambda c: c.col)


def _bottom_cells(grid: _Grid) -> dict[int, _TCell]:
    """The cells reaching the last row of `grid`, by their first column (cells merged down from above included)."""
    last = len(grid.rows) - 1
    return {c.col: c for row in grid.rows for c in row if c.row + c.rowspan - 1 >= last}


class _Tables:
    """Turns grids into `Table`s, joining tables continued across pages."""

    def __init__(self, flow: _Flow) -> None:
        self.flow = flow

    def cell_paragraphs(self, grid: _Grid) -> None:
        for row in grid.rows:
            for c in row:
                c.paras = self.flow.paragraphs(c.lines, c.left, c.right)

    def row_split(self, prev: _Grid, nxt: _Grid) -> bool:
        """Is the first row of `nxt` the rest of the last row of `prev`, cut by the page break?

        For: a cell whose text ended on the previous page (empty now), or whose first line is the word wrap of
        the cell's last line there. Against: a cell whose text starts on the new page only, or a first column
        with text on both pages (item numbers and row labels do not run on). Neutral: other cells with text on
        both pages (a paragraph of a cell may end at the page break)."""
        first = nxt.rows[0]
        by_col = _bottom_cells(prev)
        if not by_col:
            return False
        if not any(c.lines for c in first):
            return prev.last_row_cut  # the rest of a cut row may hold no text (an empty last paragraph)
        leftmost = min(c.col for c in first)
        votes_for = votes_against = 0
        for c in first:
            p = by_col.get(c.col)
            if p is None or p.colspan != c.colspan:
                return False
            if not c.lines:
                votes_for += bool(p.lines)
            elif not p.lines:
                votes_against += 1
            elif self.flow.continues(p.lines[-1], c.lines[0], p.paras[-1].lines[0], p.left, p.right,
                                     same_page=False):
                votes_for += 1
            elif c.col == leftmost:
                votes_against += 1
        return votes_for > 0 and votes_against == 0

    def join(self, prev: _Grid, nxt: _Grid) -> None:
        """Append the rows of `nxt` (continued on the next page) to `prev`."""
        xs = _cluster(prev.xs + nxt.xs, tol=3.0)
        if len(xs) != len(prev.xs):
            _recolumn(prev, xs)
        _recolumn(nxt, xs)
        if len(nxt.rows) > 1 and len(prev.rows) > 1 and any(prev.texts(0)) and prev.texts(0) == nxt.texts(0):
            nxt.rows = nxt.rows[1:]  # a repeated header row
        if nxt.rows and self.row_split(prev, nxt):
            last = _bottom_cells(prev)
            for c in nxt.rows[0]:
                target = last[c.col]
                if target.paras and c.paras and self.flow.continues(
                        target.paras[-1].lines[-1], c.paras[0].lines[0], target.paras[-1].lines[0], target.left,
                        target.right, same_page=False):
                    target.paras[-1].extend(c.paras[0], self.flow.separator(
                        target.paras[-1].lines[-1], c.paras[0].lines[0], target.left, target.right))
                    target.paras.extend(c.paras[1:])
                else:
                    target.paras.extend(c.paras)
                target.lines.extend(c.lines)
                target.rowspan = max(target.rowspan, c.rowspan)
            nxt.rows = nxt.rows[1:]
        offset = len(prev.rows)
        for i, row in enumerate(nxt.rows):
            for c in row:
                c.row = offset + i
        prev.rows.extend(nxt.rows)
        prev.pages.append(nxt.page)
        prev.last_row_cut = nxt.last_row_cut


def _table(grid: _Grid) -> Table:
    rows: list[list[Cell]] = []
    for r, row in enumerate(grid.rows):
        out = []
        for c in row:
            extra = {"row": r, "col": c.col}
            blocks = [p.block(extra) for p in c.paras] or [Block("", [], {"page": c.page, "bbox": c.bbox, **extra})]
            out.append(Cell(row=r, col=c.col, blocks=blocks, colspan=c.colspan, rowspan=c.rowspan))
        rows.append(out)
    loc: dict[str, Any] = {"page": grid.page, "bbox": grid.bbox}
    if len(grid.pages) > 1:
        loc["pages"] = list(grid.pages)
    return Table(rows, loc)


# -- pages ------------------------------------------------------------------------------------------------------
@dataclass
class _Page:
    number: int
    width: float
    height: float
    body: list[list[_Glyph]]  # line groups until the lines are built, then
    tables: list[_PTable]
    spaces: int
    glyphs: int
    lines: list[_Line] = field(default_factory=list)
    grids: list[_Grid] = field(default_factory=list)


def _take_chars(container: Any, out: list[LTChar]) -> None:
    """Move the characters out of a layout tree (into `out`, in drawing order), leaving the graphics."""
    kept = []
    for obj in container._objs:
        if isinstance(obj, LTChar):
            out.append(obj)
        else:
            if isinstance(obj, LTContainer):
                _take_chars(obj, out)
            kept.append(obj)
    container._objs = kept


def _read_page(page: Any, number: int, table: GlyphTable) -> _Page:
    """Glyphs, vector boxes and ruled tables of one page (characters are read from the layout directly: making
    pdfplumber's per-character dicts costs as much as the layout itself; graphics still go through pdfplumber)."""
    _layout(page)
    chars: list[LTChar] = []
    _take_chars(page._layout, chars)
    mb_x0, mb_top = page.mediabox[:2]
    height = page.height
    glyphs: list[_Glyph] = []
    spaces = 0
    for ch in chars:
        text = ch.get_text()
        if not text:
            continue
        font = ch.fontname if isinstance(ch.fontname, str) else str(ch.fontname)
        box = None
        if table.special(text, font):
            found = table.classify(text, font)
            if found == DROP:
                continue
            box = found if isinstance(found, tuple) else None
        g = _Glyph(text, ch.x0 + mb_x0, ch.x1 + mb_x0, height - ch.y1 + mb_top, height - ch.y0 + mb_top,
                   ch.size or 10.0, is_bold_font(font), box)
        spaces += g.space
        glyphs.append(g)
    vboxes, used = vector_boxes(page.rects, page.lines, page.curves)
    for vb in vboxes:
        glyphs.append(_Glyph(CHECKED_BOX if vb.checked else EMPTY_BOX, vb.x0, vb.x1, vb.top, vb.bottom,
                             vb.bottom - vb.top, False, (vb.checked, "vector")))
    ruled = page.filter(lambda o: id(o) not in used) if used else page
    tables = [_PTable(number, tuple(t.bbox), [tuple(c) for c in t.cells])
              for t in ruled.find_tables(_TABLE_SETTINGS) if len(t.cells) >= 2]
    body = [g for g in glyphs if not any(t.take(g) for t in tables)]
    return _Page(number, page.width, page.height, _group_lines(body), tables, spaces, len(glyphs))


def _drop_running(pages: list[_Page]) -> int:
    """Drop running headers / footers and page numbers (see the module docstring); returns lines dropped."""
    if len(pages) < 2:
        return 0
    hits: dict[tuple[str, str], list[tuple[int, _Line]]] = {}
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


def _items(pages: list[_Page], flow: _Flow, cell_flow: _Flow, left: float, right: float) -> list[Block | Table]:
    """Paragraphs and tables of every page in reading order, page-crossing tables and paragraphs joined.

    `flow` joins body lines, `cell_flow` cell lines (cells often have other line and paragraph spacing)."""
    tables = _Tables(cell_flow)
    seq: list[_Para | _Grid] = []
    for p in pages:
        entries: list[tuple[float, int, _Para | _Grid]] = []
        for para in flow.paragraphs(p.lines, left, right):
            entries.append((para.lines[0].top, 1, para))
        for g in p.grids:
            tables.cell_paragraphs(g)
            entries.append((g.bbox[1], 0, g))
        entries.sort(key=lambda e: (e[0], e[1]))
        for k, (_, _, obj) in enumerate(entries):
            last = seq[-1] if seq else None
            if k == 0 and isinstance(obj, _Grid) and isinstance(last, _Grid) and last.pages[-1] == p.number - 1 \
                    and _same_columns(last, obj):
                tables.join(last, obj)
                continue
            if k == 0 and isinstance(obj, _Para) and isinstance(last, _Para) and \
                    last.lines[-1].page == p.number - 1 and \
                    flow.continues(last.lines[-1], obj.lines[0], last.lines[0], left, right, same_page=False):
                last.extend(obj, flow.separator(last.lines[-1], obj.lines[0], left, right))
                continue
            seq.append(obj)
    return [_table(obj) if isinstance(obj, _Grid) else obj.block() for obj in seq]


# -- the file ---------------------------------------------------------------------------------------------------
def _open_checks(data: bytes, path: str) -> tuple[int, list[int]]:
    """Open with PDFium: (page count, pages that are images without text, i.e. scanned pages); raises InputError
    for unusable files: password-protected, damaged, no pages, no text on any page (needs OCR)."""
    try:
        doc = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        if getattr(exc, "err_code", None) == pdfium_c.FPDF_ERR_PASSWORD or "password" in str(exc).lower():
            raise InputError(_PASSWORD, path=path) from None
        reason = str(exc).split("(PDFium: ")[-1].rstrip(")") if "PDFium" in str(exc) else str(exc)
        raise InputError(f"the PDF is damaged and cannot be opened ({reason}); ask for it again or re-export it",
                         path=path) from None
    try:
        n = len(doc)
        if n == 0:
            raise InputError("the PDF has no pages; ask for the return again", path=path)
        textless = 0
        scans = []
        for i in range(n):
            page = doc[i]
            tp = page.get_textpage()
            if not tp.get_text_range().strip():
                textless += 1
                if next(page.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_IMAGE], max_depth=2), None) is not None:
                    scans.append(i + 1)
            tp.close()
            page.close()
    finally:
        doc.close()
    if textless == n:
        raise InputError("the PDF needs OCR: no text layer (a scanned or image-only PDF); run it through OCR or ask "
                         "for the .docx", path=path)
    return n, scans


def read_pdf(data: bytes, source: Source, checkboxes: dict[str, Any] | None = None) -> Document:
    """Read PDF bytes into a `Document` (see the module docstring); raises `InputError` for bad input."""
    path = source.path
    npages, scans = _open_checks(data, path)
    glyph_table = GlyphTable(checkboxes) if checkboxes else _GLYPHS
    warnings: list[str] = []
    if scans:
        warnings.append(f"page{'s' if len(scans) > 1 else ''} {', '.join(map(str, scans))} of {npages} "
                        f"{'are images' if len(scans) > 1 else 'is an image'} without text (scanned?): their "
                        "content needs OCR and was not read")
    try:
        pdf = pdfplumber.open(io.BytesIO(data))
    except (PDFPasswordIncorrect, PDFEncryptionError):
        raise InputError(_PASSWORD, path=path) from None
    except Exception as exc:  # pdfminer raises many unrelated types on damaged files
        raise InputError(f"the PDF is damaged and cannot be parsed ({type(exc).__name__}); ask for it again or "
                         "re-export it", path=path) from None
    pages: list[_Page] = []
    with pdf:
        try:
            encrypted = bool(pdf.doc.encryption)
            for i, page in enumerate(pdf.pages, start=1):
                try:
                    pages.append(_read_page(page, i, glyph_table))
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
    if encrypted:
        warnings.append("the PDF is encrypted (no password is needed to open it); it was read")
    if not pages:
        raise InputError("no page of the PDF could be read; the file is damaged, ask for it again", path=path)

    spaces_drawn = sum(p.spaces for p in pages) > 0.03 * max(1, sum(p.glyphs for p in pages))
    for p in pages:
        p.lines = [_Line(grp, spaces_drawn, p.number) for grp in p.body]
        p.lines.sort(key=lambda ln: (ln.top, ln.x0))
        p.grids = [_grid(t, spaces_drawn) for t in p.tables]
    flow = _Flow([p.lines for p in pages])
    cell_flow = _Flow([c.lines for p in pages for g in p.grids for r in g.rows for c in r])
    flow.trailing_wraps = cell_flow.trailing_wraps = flow.trailing_wraps or cell_flow.trailing_wraps
    dropped = _drop_running(pages)
    if dropped:
        warnings.append(f"{dropped} running header/footer line{'s' if dropped > 1 else ''} (page numbers, "
                        "titles) dropped")
    body = [ln for p in pages for ln in p.lines if ln.x1 < p.width - 10]
    left = min((ln.x0 for ln in body), default=0.0)
    right = max((ln.x1 for ln in body), default=pages[0].width)
    items = _items(pages, flow, cell_flow, left, right)
    return Document(source=source, items=items, pages=npages, warnings=warnings)


_GLYPHS = GlyphTable()
