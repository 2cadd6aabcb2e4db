"""PDF glyphs and lines: the characters of a page grouped into lines by vertical centre, ordered by x, with
their text (tabs for uncovered gaps, checkbox tokens) and what paragraph joining needs (see extractor/readers/pdf.py).

    group_lines(glyphs) -> list[list[Glyph]]      Line(glyphs, spaces_drawn, page)
"""

from __future__ import annotations

import unicodedata
from operator import attrgetter

from extractor.model import CHECKED_BOX, EMPTY_BOX, UNKNOWN_BOX, Box, Span

GAP = 0.075  # a horizontal gap wider than this × font size (1 pt at 13 pt), no space glyph in it, separates words
BOX_GAP = 0.3  # pt: a box is never part of a word, so a smaller gap beside it separates too
TAB_GAP = 0.9  # ... and is a tab when wider than this × font size (producers that do not draw spaces)
VECTOR_GAP = 0.1  # × font size: a narrower gap beside a vector box (LibreOffice draws a FORMCHECKBOX ~0.6 pt inside
# its advance) is a space; a wider one is a tab stop (they may end 3 pt after the text)
LINE_TOL = 0.3  # glyphs whose vertical centres differ by at most this × height (+ 0.5 pt) are on one line
_NO_BREAK_BEFORE = frozenset(")]}!?,.:;/%…")
_BOX_TOKENS = {False: EMPTY_BOX, True: CHECKED_BOX, None: UNKNOWN_BOX}


class Glyph:
    __slots__ = ("text", "x0", "x1", "top", "bottom", "size", "bold", "box", "space", "styles")

    def __init__(self, text: str, x0: float, x1: float, top: float, bottom: float, size: float, bold: bool,
                 box: tuple[bool | None, str] | None = None) -> None:
        self.text = text
        self.x0, self.x1, self.top, self.bottom = x0, x1, top, bottom
        self.size = size
        self.bold = bold
        self.box = box
        self.space = box is None and text.isspace()
        self.styles: tuple[str, ...] = ("bold",) if bold else ()  # Span styles: bold, strike, highlight

    @property
    def mid(self) -> float:
        return (self.top + self.bottom) / 2


_X0 = attrgetter("x0")


def _median(values: list[float]) -> float:
    """`statistics.median` of a non-empty list (the same arithmetic)."""
    data = sorted(values)
    n = len(data)
    i = n // 2
    return data[i] if n % 2 else (data[i - 1] + data[i]) / 2


def _most_common(values: list[float]) -> float:
    """The most frequent value, the first met among equals (`Counter(values).most_common(1)[0][0]`)."""
    counts: dict[float, int] = {}
    for v in values:
        counts[v] = counts.get(v, 0) + 1
    return max(counts, key=counts.__getitem__)


class Line:
    """One line of text: its glyphs in x order, its text with boxes, and what paragraph joining needs."""

    __slots__ = ("text", "boxes", "x0", "x1", "end", "top", "bottom", "base", "size", "first_word", "last_word",
                 "first_glyph", "space_w", "trailing_space", "bold_n", "text_n", "page", "spans")

    def __init__(self, glyphs: list[Glyph], spaces_drawn: bool, page: int) -> None:
        gl = sorted(glyphs, key=_X0)
        kept: list[Glyph] = []
        for g in gl:  # overprinted duplicates (fake bold, doubled text)
            if kept and g.text == kept[-1].text and abs(g.x0 - kept[-1].x0) < 0.5 and abs(g.top - kept[-1].top) < 0.5:
                continue
            kept.append(g)
        ink = [g for g in kept if not g.space]
        letters = [g for g in ink if g.box is None] or ink
        self.page = page
        self.size = _median([g.size for g in letters])
        self.x0, self.x1 = ink[0].x0, max(g.x1 for g in ink)
        self.first_glyph = ink[0].x1 - ink[0].x0
        self.top, self.bottom = min(g.top for g in ink), max(g.bottom for g in ink)
        self.base = _most_common([round(g.bottom, 1) for g in letters])
        spaces = [g.x1 - g.x0 for g in kept if g.text == " "]
        self.space_w = _median(spaces) if spaces else 0.25 * self.size
        self.trailing_space = kept[-1].space
        self.end = max(self.x1, kept[-1].x1)  # where the line's trailing spaces end
        # words and gaps: a gap no glyph covers is a tab stop (or a word space when spaces are not drawn);
        # after a drawn space, only a gap wider than the space stretching of a justified line is a tab
        stretched = sum(1 for a, b in zip(kept, kept[1:], strict=False)
                        if a.space and not b.space and b.x0 - a.x1 > 0.5)
        seq: list[tuple[str, Glyph | None]] = []
        prev: Glyph | None = None
        for g in kept:
            if prev is not None:
                gap = g.x0 - prev.x1
                if not prev.space and not g.space and (gap > GAP * self.size or
                                                       (gap > BOX_GAP and (g.box or prev.box))):
                    vector = (g.box or prev.box or ("", ""))[1] == "vector" and gap <= VECTOR_GAP * self.size
                    seq.append(("\t" if (spaces_drawn and not vector) or gap > TAB_GAP * self.size else " ", None))
                elif prev.space and not g.space and gap > GAP * self.size and \
                        (stretched <= 1 or gap > TAB_GAP * self.size):
                    seq.append(("\t", None))
            seq.append((g.text, g))
            prev = g
        parts: list[str] = []
        self.boxes: list[Box] = []
        self.spans: list[Span] = []
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
                for style in g.styles:
                    last = next((sp for sp in reversed(self.spans) if sp.style == style), None)
                    if last is not None and last.end == n:
                        last.end += len(text)
                    else:
                        self.spans.append(Span(n, n + len(text), style))
            parts.append(text)
            n += len(text)
        self.text = "".join(parts)
        self.first_word = _first_segment(seq, self.x0, self.x1)
        self.last_word = self.x1 - _last_word_start(seq, self.x0)

    @property
    def starts_box(self) -> bool:
        return bool(self.boxes) and not self.text[:self.boxes[0].offset].strip()


def _last_word_start(seq: list[tuple[str, Glyph | None]], x0: float) -> float:
    """Left edge of the line's last word (after its last space or gap; trailing spaces ignored)."""
    start, in_word = x0, False
    for _, g in seq:
        if g is None or g.space:
            in_word = False
        elif not in_word:
            start, in_word = g.x0, True
    return start


def _first_segment(seq: list[tuple[str, Glyph | None]], x0: float, x1: float) -> float:
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


def group_lines(glyphs: list[Glyph]) -> list[list[Glyph]]:
    """Glyphs grouped into lines by vertical centre, top to bottom (groups of spaces only dropped)."""
    mids = [(g.top + g.bottom) / 2 for g in glyphs]  # Glyph.mid, once each
    order = sorted(range(len(glyphs)), key=mids.__getitem__)
    groups: list[list[Glyph]] = []
    group: list[Glyph] = []
    ref_mid = ref_h = 0.0
    k = 0
    for i in order:
        g = glyphs[i]
        mid = mids[i]
        h = max(g.bottom - g.top, 1.0)
        if groups and abs(mid - ref_mid) <= LINE_TOL * min(h, ref_h) + 0.5:
            group.append(g)
            if not g.space and g.box is None:
                k += 1
                ref_mid += (mid - ref_mid) / k
        else:
            group = [g]
            groups.append(group)
            ref_mid, ref_h = mid, h
            k = 1 if not g.space and g.box is None else 0
    return [grp for grp in groups if not all(g.space for g in grp)]
