"""Date frames: a date blank printed as the form prints it, `……, ngày ...... tháng  8 năm 2019`.

A frame (`frame=` of a date blank, see FORMAT.md) is a place leader, then the date words of
patterns/vocabulary.yaml (`date_words`: day, month, year), each followed by a leader the clerk fills or a number the
form already prints. The generator keeps the printed parts (a date drawn for the frame has its printed month and
year) and types the others the way the field's habit says: inside the dots, over them, before or after them; a
clerk may also type the place over the place leader, or one `dd/mm/yyyy` over the whole date.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass

import regex

from extractor.text.normalize import fold
from extractor.text.vocab import load_vocabulary

_TOKEN = regex.compile(r"(?P<leader>(?:[.…_]\s?)*[.…_])|(?P<number>\d+)|(?P<word>\p{L}+)|(?P<other>\S)")
PARTS = ("day", "month", "year")


@dataclass(frozen=True)
class Frame:
    """A parsed frame: the text before the date (the place leader), and each date part as printed."""

    text: str
    date_start: int  # where the first date word starts
    parts: tuple[tuple[str, int, int, str], ...]  # (part, start, end, printed text: a leader or a number)

    def fixed(self) -> dict[str, int]:
        """The parts the form prints (`tháng  8`): part → number."""
        return {p: int(t) for p, _, _, t in self.parts if t.isdigit()}


def _part_of(word: str) -> str | None:
    voc = load_vocabulary()
    w = fold(word)
    for part, words in zip(PARTS, (voc.day_words, voc.month_words, voc.year_words), strict=True):
        if w in {fold(x) for x in words}:
            return part
    return None


def parse_frame(text: str) -> Frame:
    """Parse a frame; ValueError when it holds no date word followed by a leader or a number."""
    parts: list[tuple[str, int, int, str]] = []
    date_start = -1
    tokens = list(_TOKEN.finditer(text))
    for n, m in enumerate(tokens):
        part = _part_of(m.group()) if m.lastgroup == "word" else None
        if part is None or n + 1 == len(tokens) or tokens[n + 1].lastgroup not in ("leader", "number"):
            continue
        nxt = tokens[n + 1]
        if date_start < 0:
            date_start = m.start()
        parts.append((part, nxt.start(), nxt.end(), nxt.group()))
    if not parts or not any(not t.isdigit() for _, _, _, t in parts):
        raise ValueError(f"a date frame needs date words followed by dots to fill: {text!r}")
    return Frame(text, date_start, tuple(parts))


def frame_date(frame: Frame, drawn: dt.date) -> dt.date:
    """`drawn` moved to the month and year the frame prints (the day kept when that month has it)."""
    fixed = frame.fixed()
    year, month = fixed.get("year", drawn.year), fixed.get("month", drawn.month)
    for day in range(drawn.day, 0, -1):
        try:
            return dt.date(year, month, day)
        except ValueError:
            continue
    raise ValueError(f"no day in {month}/{year}")


def fill_frame(frame: Frame, value: dt.date, style: str, split: float, rng: random.Random,
               place: str | None = None) -> tuple[str, str]:
    """(the whole frame as the clerk left it, the date as it reads in it from its first date word)."""
    numbers = {"day": value.day, "month": value.month, "year": value.year}
    if style == "replaced_leader" and rng.random() < 0.3:  # "Tuy Hòa, 18/08/2019": one date over the whole frame
        date = f"{value.day:02d}/{value.month:02d}/{value.year}"
    else:
        out, pos = [], frame.date_start
        for part, start, end, printed in frame.parts:
            out.append(frame.text[pos:start])
            typed = str(numbers[part])
            if printed.isdigit():
                out.append(printed)
            elif style in ("inside_leader", "worked_example"):
                k = max(1, int(len(printed) * split))
                out.append(printed[:k] + typed + printed[k:])
            elif style == "before_short_leader":
                out.append(typed + " " + printed[:max(2, len(printed) // 3)])
            elif style == "after_leader":
                out.append(printed + typed)
            else:  # replaced_leader, space_only, cell
                out.append(typed)
            pos = end
        out.append(frame.text[pos:])
        date = "".join(out)
    head = frame.text[:frame.date_start]
    if place:
        head = regex.sub(r"^(\s*)(?:[.…_]\s?)*[.…_]", lambda m: m.group(1) + place, head, count=1)
    return head + date, date.strip()
