"""PDF paragraphs: consecutive lines of one region joined when the next is the word wrap of the previous
(`Flow`, measured per document), and what stood at each wrap (see extractor/readers/pdf.py).

    Flow(regions).paragraphs(lines, left, right) -> list[Para]      Para.block() -> Block
"""

from __future__ import annotations

import re
import statistics
import unicodedata
from dataclasses import dataclass, field
from typing import Any

from extractor.model import Block, Box
from extractor.readers.pdf_lines import Line

PITCH_TOL = 0.12  # a line pitch more than max(1.5 pt, this × size) over the wrap pitch is a paragraph break
SPACE_MARGIN = 0.5  # pt: a trailing space "clearly fits" when it ends this far inside the right edge
FIT_TOL = 0.2  # pt: a segment fits when it ends at most this far past the right edge
_NUMBERING = re.compile(r"^(?:\d{1,2}(?:\.\d{1,2})*[.)]|\d{1,2}(?:\.\d{1,2})+|[a-zđ][.)]|[IVX]{1,4}\.|"
                        r"[-+•–*·▪◦]|\(\d{1,2}\)|(?:MỤC|PHẦN|Mục|Phần|Điều|Chương)\s+[\dIVX]+[.:]?)\s+\S")
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


# -- paragraphs -------------------------------------------------------------------------------------------------
@dataclass
class Para:
    lines: list[Line]
    seps: list[str] = field(default_factory=list)  # what stood between line i and line i + 1

    def add(self, line: Line, sep: str) -> None:
        self.seps.append(sep)
        self.lines.append(line)

    def extend(self, other: Para, sep: str) -> None:
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


class Flow:
    """Decides whether a line continues the paragraph above, and with what (see the module docstring).

    Measured per region kind (body, cells): the wrap pitch per font size (from lines ending with a drawn
    space when the producer draws them, else the tightest common pitch), and whether paragraphs are spaced
    (a common pitch clearly above the wrap pitch). In spaced documents a line at the wrap pitch that is no
    wrap is a line break inside the paragraph ("\n"), or a tab that did not fit ("\t").
    """

    def __init__(self, regions: list[list[Line]]) -> None:
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

    def link(self, prev: Line, nxt: Line, first: Line, left: float, right: float,
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
            return "\t" if nxt.x0 > min(first.x0, prev.x0) + 2 and not is_centered(nxt, left, right) else "\n"
        return None

    def continues(self, prev: Line, nxt: Line, first: Line, left: float, right: float,
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
        centered = is_centered(prev, left, right, indented=False) and is_centered(nxt, left, right, indented=False) \
            and (is_centered(prev, left, right) or is_centered(nxt, left, right))
        if nxt.x0 > min(first.x0, prev.x0) + 0.25 * width and nxt.x0 > left + 40 and not centered:
            return False  # a line starting far to the right of the paragraph's lines
        if prev.trailing_space and self.trailing_wraps:
            return True  # the space the wrap left is drawn at the end of the line
        room = nxt.first_word + prev.space_w
        if centered or is_centered(prev, left, right):
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
    def room_for_space(prev: Line, left: float, right: float) -> bool:
        """Was there clearly room for a space after `prev` (so a producer that draws the trailing space of a wrapped
        line would have drawn it)? Centered lines are trimmed: their trailing spaces are never drawn."""
        return prev.x1 + prev.space_w <= right - SPACE_MARGIN and not is_centered(prev, left, right)

    def separator(self, prev: Line, nxt: Line, left: float, right: float) -> str:
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
            full = not self.room_for_space(prev, left, right) and not is_centered(prev, left, right)
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

    def paragraphs(self, lines: list[Line], left: float, right: float) -> list[Para]:
        paras: list[Para] = []
        for ln in lines:
            sep = self.link(paras[-1].lines[-1], ln, paras[-1].lines[0], left, right) if paras else None
            if sep is not None:
                paras[-1].add(ln, sep)
            else:
                paras.append(Para([ln]))
        return paras


def is_centered(ln: Line, left: float, right: float, indented: bool = True) -> bool:
    """Is the line centered in [left, right] (with `indented`: and visibly inside both edges)?"""
    margin_l, margin_r = ln.x0 - left, right - ln.x1
    return abs(margin_l - margin_r) < 8 and (not indented or min(margin_l, margin_r) > 2.5)
