"""Count boxes: a printed box that takes a number instead of a tick.

Some forms print a row of boxes after a row label and ask for a count in each (`Ghi rõ số lượng … vào ô tương
ứng`): `Thạc sỹ: ☐ Chuyên trách  ☐ Phụ trách  ☐ Kiêm nhiệm`. Clerks type the count after the box, before it,
over it, or delete the box: `Thạc sỹ: ☐3 Chuyên trách  0☐ Phụ trách  1 Kiêm nhiệm`. Such a line is read by the
printed line it was typed over, each box a blank (`Printed.align_boxes`), and only when what stands at the boxes
is counts (numbers or zero words such as `không có`): a tick (`☒`, `x`) keeps the line a checkbox group.

Each box is labelled by the printed words after it (before it when the line ends with a box), and the line's
head (`Thạc sỹ`) is its column.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass

import regex

from extractor.blanks import LEADER, NUMBER
from extractor.model import CHECKED_BOX, EMPTY_BOX, UNKNOWN_BOX
from extractor.printed import Blank, Printed, box_as_leader
from extractor.text.normalize import clean_label, fold
from extractor.text.vocab import load_vocabulary

_COUNT = regex.compile(NUMBER)


@dataclass(frozen=True)
class CountBox:
    """One count box of a line: its label, the line's head as column, what was typed (None: nothing)."""

    label: str
    column: str | None
    context: str
    raw: str | None
    start: int
    end: int


@functools.lru_cache(maxsize=1)
def _zero_words() -> frozenset[str]:
    return frozenset(fold(w) for w in load_vocabulary().zero_words)


def is_count(raw: str) -> bool:
    """A number, or a word typed for zero (`không có`)."""
    t = raw.strip(" .;,")
    return bool(_COUNT.fullmatch(t)) or fold(" ".join(t.split())) in _zero_words()


def count_boxes(text: str, printed: Printed, units: Sequence[str] = ()) -> list[CountBox]:
    """The count boxes of one NFC line, or [] when the line is not a box line typed with counts: read by the
    printed line it was typed over, else (a reworded form) by the shape `head: ☐3 label ☐0 label …`."""
    if isinstance(units, tuple):  # the printed lines of a form come back in every return: read each one once
        return list(_count_boxes_cached(text, printed, units))
    return _count_boxes(text, printed, units)


@functools.lru_cache(maxsize=16384)
def _count_boxes_cached(text: str, printed: Printed, units: tuple[str, ...]) -> tuple[CountBox, ...]:
    return tuple(_count_boxes(text, printed, units))


def _count_boxes(text: str, printed: Printed, units: Sequence[str]) -> list[CountBox]:
    blanks = printed.align_boxes(text)
    if not blanks:
        return [] if printed.is_printed(text) else _by_shape(text, units)
    typed = [b.raw for b in blanks if b.raw]
    if not typed or not all(is_count(r) for r in typed):
        return []
    plain = box_as_leader(text)
    pieces = _between(plain, blanks)  # printed words: the head, then what follows each box
    after = bool(clean_label(LEADER.sub(" ", pieces[-1])))
    words = [clean_label(LEADER.sub(" ", p)) for p in pieces]
    context = clean_label(" ".join(words))
    out = []
    for k, b in enumerate(blanks):
        label = words[k + 1] if after else words[k]
        column = (words[0] or None) if after else None
        out.append(CountBox(label, column, context, b.raw or None, b.start, b.end))
    return out


def _between(text: str, blanks: list[Blank]) -> list[str]:
    pieces, pos = [], 0
    for b in blanks:
        pieces.append(text[pos:b.start])
        pos = b.end
    pieces.append(text[pos:])
    return pieces


@functools.lru_cache(maxsize=1)
def _token() -> regex.Pattern[str]:
    zeros = sorted(load_vocabulary().zero_words, key=len, reverse=True)
    ticks = "".join(regex.escape(t) for t in load_vocabulary().tick_marks if len(t) == 1)
    return regex.compile(
        r"(?P<box>[" + regex.escape(EMPTY_BOX + UNKNOWN_BOX) + r"])"
        r"|(?P<count>(?:" + NUMBER + r"|" + "|".join(regex.escape(z) for z in zeros) + r")(?![\w" + ticks + r"]))"
        r"|(?P<word>[\p{L}][\p{L}\p{M}./-]*)"
        r"|(?P<other>[^\s:])", regex.IGNORECASE)


def _by_shape(text: str, units: Sequence[str]) -> list[CountBox]:
    """`Thạc sĩ:  ☐0 Chuyên trách  0☐ Phụ trách  ☐Không có Kiêm nhiệm`: a head, then two or more positions (a box,
    a count or both, at most one of each) each followed by words; at least one box and one count, no tick."""
    if CHECKED_BOX in text or (EMPTY_BOX not in text and UNKNOWN_BOX not in text):
        return []
    colon = text.find(":")
    first = min((i for i, ch in enumerate(text) if ch in (EMPTY_BOX, UNKNOWN_BOX)), default=len(text))
    head_end = colon + 1 if 0 <= colon < first else 0
    positions: list[list[regex.Match[str]]] = []
    labels: list[list[regex.Match[str]]] = []
    for m in _token().finditer(text, head_end):
        kind = m.lastgroup
        if kind == "other":
            return []
        if kind == "word":
            if not positions:  # words before the first position: the head (no colon typed)
                head_end = m.end()
                continue
            if len(labels) < len(positions):
                labels.append([])
            labels[-1].append(m)
        else:
            if not positions or len(labels) == len(positions):
                positions.append([])
            positions[-1].append(m)
    if len(positions) < 2 or len(labels) != len(positions):
        return []
    kinds = [[m.lastgroup for m in pos] for pos in positions]
    counts = [m.group() for pos in positions for m in pos if m.lastgroup == "count"]
    if any(k.count("box") > 1 or k.count("count") > 1 for k in kinds) or \
            not any("box" in k for k in kinds) or not any(c[:1].isdigit() for c in counts):
        return []  # a zero word alone may be an option's first word ("☐ Chưa triển khai")
    words = [" ".join(m.group() for m in lab) for lab in labels]
    column = clean_label(text[:head_end]) or None
    ticks = {fold(t) for t in load_vocabulary().tick_marks}
    if column is None or any(fold(w) in ticks or fold(w) in units for w in [*words, *column.split()]):
        return []
    context = clean_label(" ".join([column, *words]))
    out = []
    for pos, word in zip(positions, words, strict=True):
        count = next((m for m in pos if m.lastgroup == "count"), None)
        out.append(CountBox(clean_label(word), column, context, count.group() if count else None,
                            pos[0].start(), pos[-1].end()))
    return out
