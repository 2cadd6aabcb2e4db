"""PDF paragraphs: consecutive lines of one region joined when the next is the word wrap of the previous
(`Flow`, measured per document), and what stood at each wrap (see extractor/readers/pdf.py).

    Flow(regions).paragraphs(lines, left, right) -> list[Para]      Para.block() -> Block
"""

from __future__ import annotations

import re
import statistics
from dataclasses import dataclass, field
from typing import Any

from extractor.model import Block, Box, Span
from extractor.readers.pdf_lines import Line
from extractor.readers.pdf_words import MAX_PIECES, MAYBE, may_join, resolve, running_pieces
from extractor.text.legacy import ENCODINGS, JUDGE
from extractor.text.syllables import SYLLABLES

PITCH_TOL = 0.12  # a line pitch more than max(1.5 pt, this × size) over the wrap pitch is a paragraph break
SPACE_MARGIN = 0.5  # pt: a trailing space "clearly fits" when it ends this far inside the right edge
FIT_TOL = 0.2  # pt: a segment fits when it ends at most this far past the right edge
LOWER_BAND = 0.5  # × space width: a next line in lower case that would have fitted by less is a wrap all the same
CUT_SLACK = 0.1  # × size: a word may have been cut at a wrap when it reaches this close to the edge (cell paddings
# are estimated from the text, not read)
_NUMBERING = re.compile(r"^(?:\d{1,2}(?:\.\d{1,2})*[.)]|\d{1,2}(?:\.\d{1,2})+|[a-zđ][.)]|[IVX]{1,4}\.|"
                        r"[-+•–*·▪◦]|\(\d{1,2}\)|(?:MỤC|PHẦN|Mục|Phần|Điều|Chương)\s+[\dIVX]+[.:]?)\s+\S")
_URLISH = re.compile(r"[^\W\d][.@][^\W\d]|://")


def _legacy_words(head: str, tail: str) -> bool:
    """Are the words either side of a cut two syllables in a legacy encoding (TCVN3 `thèng|qu¶n`, whose
    font name the PDF lost, to be decoded later by `extractor.text.legacy`)?"""
    hw, tw = JUDGE.words(head), JUDGE.words(tail)
    if not hw or not tw or not JUDGE.foreign(hw[-1] + " " + tw[0]):
        return False
    return any(SYLLABLES.valid(ENCODINGS.decode(hw[-1], enc)) and SYLLABLES.valid(ENCODINGS.decode(tw[0], enc))
               for enc in ("TCVN3", "VNI"))


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
        spans: list[Span] = []
        n = 0
        seps = resolve([ln.text for ln in self.lines], self.seps)
        for i, ln in enumerate(self.lines):
            if i:
                sep = seps[i - 1]
                parts.append(sep)
                n += len(sep)
            boxes.extend(Box(b.offset + n, b.checked, b.encoding) for b in ln.boxes)
            spans.extend(Span(sp.start + n, sp.end + n, sp.style) for sp in ln.spans)
            parts.append(ln.text)
            n += len(ln.text)
        text = "".join(parts).rstrip()
        boxes = [b for b in boxes if b.offset < len(text)]
        spans = [Span(sp.start, min(sp.end, len(text)), sp.style) for sp in spans if sp.start < len(text)]
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
        return Block(text, boxes, loc, bold, spans)


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
             same_page: bool = True, head: list[str] | None = None) -> str | None:
        """What joins `nxt` to the paragraph ending with `prev` (" ", "", "\\n" or "\\t"), or None: a new paragraph.
        `head`: the pieces the paragraph ends with (over wraps that may have cut a word), when known."""
        if self.continues(prev, nxt, first, left, right, same_page, head):
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
                  same_page: bool = True, head: list[str] | None = None) -> bool:
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
        room = nxt.first_word + prev.space_w
        if prev.trailing_space and self.trailing_wraps and prev.end + nxt.first_word + prev.space_w > right:
            # the space the wrap left is drawn at the end of the line (a line ending with a space typed before
            # Enter ends its paragraph when the next word would clearly have fitted: with a space to spare)
            return True
        if centered or is_centered(prev, left, right):
            if not centered or (prev.x1 - prev.x0) + room <= width + FIT_TOL:
                return False
        elif prev.x0 > left + 0.3 * width and abs(nxt.x0 - prev.x0) > 2:
            # a short line far to the right (right-aligned, or after tabs) that the next line does not line up with
            if (prev.x1 - prev.x0) + room <= width + FIT_TOL:
                return False
        elif prev.x1 + room <= right + FIT_TOL and \
                not (prev.x1 + room > right - max(FIT_TOL, LOWER_BAND * prev.space_w) and nxt.text[:1].islower()):
            # the next line's first segment would have fitted: the paragraph ended here (when it would just have
            # fitted, a line starting in lower case is taken for a wrap: the right edge is measured, not read)
            return False
        elif self.trailing_wraps and not (same_page and self.spaced.get(round(prev.size * 2) / 2)) and \
                self.room_for_space(prev, left, right) and self.wrap_at_space(prev, nxt, left, right, head):
            # a wrap at a space, but no trailing space drawn where one would have fitted: the paragraph ended
            # (when paragraph spacing is measured, the pitch already told; tabs at a wrap leave no glyph)
            return False
        if nxt.starts_box or _NUMBERING.match(nxt.text.lstrip()):
            # a new option or list item, unless the pitch says otherwise (paragraphs are spaced) and no trailing
            # space could be drawn; without those clues, unless the previous line was cut with no room left at all
            if self.trailing_wraps:
                return same_page and bool(self.spaced.get(round(prev.size * 2) / 2)) and \
                    not self.room_for_space(prev, left, right)
            if len(nxt.text.strip()) == 1 and nxt.starts_box and not prev.starts_box:
                # a box alone on its line: the box ending the line above, wrapped when it did not fit after a space
                return prev.x1 + prev.space_w + nxt.first_word > right + FIT_TOL
            return prev.x1 + 0.5 * nxt.first_word > right + FIT_TOL and not prev.starts_box and not nxt.starts_box
        return True

    @staticmethod
    def room_for_space(prev: Line, left: float, right: float) -> bool:
        """Was there clearly room for a space after `prev` (so a producer that draws the trailing space of a wrapped
        line would have drawn it)? Centered lines are trimmed: their trailing spaces are never drawn."""
        return prev.x1 + prev.space_w <= right - SPACE_MARGIN and not is_centered(prev, left, right)

    @staticmethod
    def cut_inside(prev: Line, nxt: Line, left: float, right: float) -> bool:
        """May the wrap have cut a word (an emergency break): the word across it is wider than the line, and the
        line was full (the next line's first character would not have fitted on it)?"""
        width, slack = right - left, CUT_SLACK * prev.size
        return prev.last_word + nxt.first_word > width - slack and \
            (prev.x1 + nxt.first_glyph > right - slack or prev.x1 - prev.x0 + nxt.first_glyph > width - slack)

    def wrap_at_space(self, prev: Line, nxt: Line, left: float, right: float, head: list[str] | None = None) -> bool:
        """Did a space stand at the wrap between `prev` and `nxt`? Where a word may have been cut, whether the word
        so far (the pieces `head`, else the last word of `prev`) could go on with `nxt`."""
        sep = self.separator(prev, nxt, left, right)
        if sep == MAYBE:
            return not may_join(head if head is not None else running_pieces([prev.text], []), nxt.text)
        return sep == " "

    def separator(self, prev: Line, nxt: Line, left: float, right: float) -> str:
        """What stood at the wrap between `prev` and `nxt`: " ", or "" where the line was cut without a space:
        inside a leader (or a value typed in one), after a hyphen, a slash or an opening bracket, before closing
        punctuation; MAYBE where a word wider than the line may have been cut (the full line reached the edge): the
        paragraph's words decide (extractor/readers/pdf_words.py). A letter after a leader is a space's question:
        producers that draw the trailing space of a wrapped line would have drawn it if it fitted."""
        if prev.trailing_space or not prev.text or not nxt.text:
            return ""  # a drawn trailing space is already the last character of prev.text
        a, b = prev.text[-1], nxt.text[0]
        if b in ",;:)]}" or a in "([{":
            return ""  # punctuation that may not start (end) a line: the line was cut before (after) it
        if b == "/":
            return " " if nxt.text[1:2] == " " else ""  # "50 / 93" keeps its spaces, "huyện/cấp" has none
        if b in "….":
            # a leader: glued to what precedes, except after a label's colon when the line was full (a space
            # there is not drawn when it does not fit; centered lines never draw it)
            # a producer that draws no trailing space breaks there only at a space (no line break opportunity
            # between a colon and a leader, UAX #14), unless it cut a word wider than the line
            if not self.trailing_wraps:
                return " " if a == ":" and not self.cut_inside(prev, nxt, left, right) else ""
            full = not self.room_for_space(prev, left, right) and not is_centered(prev, left, right)
            return " " if a == ":" and full else ""
        head = prev.text.split()[-1]
        if a in "./" and b.isalnum() and len(head) > 1 and head[-2].isalpha() and \
                (_URLISH.search(head) or (b.islower() and prev.last_word + nxt.first_word > right - left)):
            return ""  # an address or a dotted name cut after a dot or a slash
        if a in "….":
            if b.isdigit():
                return ""
            # glued to the leader when a producer that draws trailing spaces drew none where one fitted
            return "" if self.trailing_wraps and self.room_for_space(prev, left, right) else " "
        if a in "-/" and len(prev.text) > 1 and not prev.text[-2].isspace() and \
                (not (a == "/" and prev.text[-2].isdigit() and b.isalpha()) or
                 (self.trailing_wraps and self.room_for_space(prev, left, right))):
            return ""  # after a hyphen or a slash inside a word ("CNTT-|TT", "dụng/|phần"; not "1/ Không")
        if (a.isalnum() or a in "@_" or a == "," and prev.text[-2:-1].isdigit()) and (b.isalnum() or b in "@_") and \
                self.cut_inside(prev, nxt, left, right) and not _legacy_words(prev.text, nxt.text):
            return MAYBE  # a word wider than the line may have been cut here: decided from the words (pdf_words.py)
        return " "

    def paragraphs(self, lines: list[Line], left: float, right: float) -> list[Para]:
        paras: list[Para] = []
        for ln in lines:
            sep = None
            if paras:
                last = paras[-1]
                head = running_pieces([x.text for x in last.lines[-MAX_PIECES:]], last.seps[-MAX_PIECES + 1:])
                sep = self.link(last.lines[-1], ln, last.lines[0], left, right, head=head)
            if sep is not None:
                paras[-1].add(ln, sep)
            else:
                paras.append(Para([ln]))
        return paras


def is_centered(ln: Line, left: float, right: float, indented: bool = True) -> bool:
    """Is the line centered in [left, right] (with `indented`: and visibly inside both edges)?"""
    margin_l, margin_r = ln.x0 - left, right - ln.x1
    return abs(margin_l - margin_r) < 8 and (not indented or min(margin_l, margin_r) > 2.5)
