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
from dataclasses import dataclass

import regex

from extractor.blanks import LEADER, NUMBER
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


def count_boxes(text: str, printed: Printed) -> list[CountBox]:
    """The count boxes of one NFC line, or [] when the line is not a printed box line typed with counts."""
    blanks = printed.align_boxes(text)
    if not blanks:
        return []
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
