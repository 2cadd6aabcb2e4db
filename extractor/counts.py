"""Count boxes: a line of boxes the clerk answers with a number typed at each box ("Ghi rõ số lượng … vào ô
tương ứng"), not with a tick.

    "Tiến sỹ:  ☐0 Chuyên trách  0☐ Phụ trách  1 Kiêm nhiệm"  →  label "Tiến sỹ",
        places [("Chuyên trách", "0"), ("Phụ trách", "0"), ("Kiêm nhiệm", "1")]

A line is read as LABEL PLACE OPTION (PLACE OPTION)*, where a PLACE is a box, a COUNT (digits or a zero word of
patterns/vocabulary.yaml: `không có`) glued to a box on either side (`☐0`, `0☐`, `☐không có`), or a COUNT
standing where the box was (`0 Phụ trách`: the clerk typed over the box). Whether a line of boxes is a count line
is the caller's decision (see `slots.find_slots`): a number glued to a box says so by itself (`glued`); a typed
count elsewhere (or a zero word, which may be an option's first word: `☐Không sử dụng`) needs the printed form
or a neighbouring count line with the same options to say so.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import regex
from rapidfuzz import fuzz

from extractor.compiled import regex_compile
from extractor.model import CHECKED_BOX, EMPTY_BOX, UNKNOWN_BOX
from extractor.text.normalize import clean_label, fold
from extractor.text.vocab import load_vocabulary

_BOXES = EMPTY_BOX + CHECKED_BOX + UNKNOWN_BOX
_SPACE_LETTER = regex_compile(r"[ \t\u00a0]+\p{L}")
_BOX = regex_compile("[" + regex.escape(_BOXES) + "]")  # one box glyph (a regex walks the line in C)
SAME_OPTION = 80  # rapidfuzz ratio of two folded option texts that are the same option


@dataclass(frozen=True)
class CountPlace:
    """One box of a count line: the option it counts, what was typed there (None: nothing), its span."""

    option: str
    raw: str | None
    start: int
    end: int
    ticked: bool = False  # the box is ticked and holds no number: a count nobody can read


@dataclass(frozen=True)
class CountLine:
    """A line of boxes that take numbers: its label, one place per box, its printed words."""

    label: str  # the line's own label ("Tiến sỹ"), "" when the line starts with a box
    places: tuple[CountPlace, ...]
    glued: bool  # some number is glued to its box: a count line whatever its neighbours
    boxes: int  # boxes drawn on the line
    printed: str  # the line with what was typed cut out (its printed words, boxes kept)

    @property
    def filled(self) -> bool:
        return any(p.raw is not None for p in self.places)


@functools.lru_cache(maxsize=1)
def _count_re() -> regex.Pattern[str]:
    """A count on the folded line: digits or a zero word, a whole word (a box may touch it)."""
    words = sorted({" ".join(fold(w).split()) for w in load_vocabulary().zero_words}, key=len, reverse=True)
    alternatives = "|".join([r"\d{1,4}"] + [r"\s+".join(map(regex.escape, w.split())) for w in words])
    return regex_compile(rf"(?<![\p{{L}}\p{{N}}])(?:{alternatives})(?![\p{{L}}\p{{N}}])")


@dataclass
class _Place:
    """A box of a count line while it is being read."""

    start: int
    end: int
    count: tuple[int, int] | None = None  # span of the typed count
    glued: bool = False
    ticked: bool = False
    trailing: tuple[int, int] | None = None  # a count typed after the option's words (`Chuyên trách 2`)


@functools.lru_cache(maxsize=8192)
def parse(text: str) -> CountLine | None:
    """The places of a line read as a count line; None when the line cannot be one (fewer than two places, or
    a place with no option words after it). Remembered per line: callers read the result, never change it."""
    folded = fold(text)
    if len(folded) != len(text):
        return None  # positions would not map back (NFD input): slots work on NFC text
    spans: list[tuple[int, int, str]] = []  # (start, end, kind): BOX or COUNT
    for m in _count_re().finditer(folded):
        spans.append((m.start(), m.end(), "COUNT"))
    if EMPTY_BOX in text or CHECKED_BOX in text or UNKNOWN_BOX in text:  # (`_BOX` is one of the three)
        spans += [(m.start(), m.end(), "BOX") for m in _BOX.finditer(text)]
    elif sum(_after_words(text, b) and _before_gap(text, a) for a, b, _ in spans) < 2:
        return None  # no box: a place is only a count typed over one (the loop's third case), two are needed
    if len(spans) < 2:
        return None  # every place holds a box or a count (or both): two places need two of them
    spans.sort()
    places: list[_Place] = []
    k = 0
    while k < len(spans):
        a, b, kind = spans[k]
        nxt = spans[k + 1] if k + 1 < len(spans) else None
        beside = nxt is not None and nxt[2] != kind and not text[b:nxt[0]].strip()
        glued = beside and nxt is not None and b == nxt[0]
        if kind == "BOX":
            if beside and nxt is not None and (glued or _after_words(text, nxt[1])):
                # "☐0 Chuyên trách", "☐ 2 Phụ trách": the box's count; glued digits prove a count line (a glued zero
                # word may be an option's first word: `☐Không sử dụng`)
                places.append(_Place(a, nxt[1], (nxt[0], nxt[1]), glued and text[nxt[0]].isdigit(),
                                     text[a] == CHECKED_BOX))
                k += 2
                continue
            places.append(_Place(a, b, ticked=text[a] == CHECKED_BOX))
        elif beside and nxt is not None and (glued or not places or places[-1].count or places[-1].trailing
                                             or _before_gap(text, a, wide=True)):
            # "0☐ Chuyên trách", "Tiến sỹ: 0 ☐ …": the count typed before its box (unless it can end the option
            # before it, which has no count yet: `☐ Chuyên trách 2 ☐ Phụ trách 0`)
            places.append(_Place(a, nxt[1], (a, b), glued and text[a].isdigit(), text[nxt[0]] == CHECKED_BOX))
            k += 2
            continue
        elif _after_words(text, b) and _before_gap(text, a):
            places.append(_Place(a, b, (a, b)))  # typed over the box: "0 Phụ trách"
        elif places and places[-1].count is None and places[-1].trailing is None and _before_gap(text, a) and \
                (nxt is None or nxt[2] == "BOX") and not text[b:nxt[0] if nxt else len(text)].strip(" \t\u00a0.;,"):
            places[-1].trailing = (a, b)  # "☐ Chuyên trách 2  ☐ Phụ trách 0": after the option's words
        k += 1
    if len(places) < 2:
        return None
    out = []
    pieces = [text[:places[0].start]]
    for n, p in enumerate(places):
        end = places[n + 1].start if n + 1 < len(places) else len(text)
        words = text[p.end:p.trailing[0]] + " " + text[p.trailing[1]:end] if p.trailing else text[p.end:end]
        option = clean_label(words)
        if not any(ch.isalpha() for ch in option):
            return None
        count = p.count or p.trailing
        raw = " ".join(text[count[0]:count[1]].split()) if count else None
        out.append(CountPlace(option, raw, count[0] if count else p.start, count[1] if count else p.end,
                              p.ticked and count is None))
        pieces.append(words)
    boxes = sum(text.count(b) for b in _BOXES)
    return CountLine(clean_label(pieces[0]), tuple(out), any(p.glued for p in places), boxes, " ".join(pieces))


def is_count(text: str) -> bool:
    """Is `text` a count alone (`1`, `không có`): the value of the line above's last box, typed under it?"""
    return bool(_count_re().fullmatch(" ".join(fold(text).split())))


def same_options(a: CountLine, b: CountLine) -> bool:
    """Do two count lines count the same options (a typo or a retyped tone apart)?"""
    return len(a.places) == len(b.places) and all(
        fuzz.ratio(fold(x.option), fold(y.option)) >= SAME_OPTION for x, y in zip(a.places, b.places, strict=True))


def _after_words(text: str, end: int) -> bool:
    """A count typed over a box is followed by a space and the option's words."""
    return end < len(text) and text[end] in " \t\u00a0" and _SPACE_LETTER.match(text, end) is not None


def _before_gap(text: str, start: int, wide: bool = False) -> bool:
    """… and stands after a space, a tab or a colon (or at the start), never inside a word or a number; `wide`:
    after a tab or two spaces, not right after an option's words."""
    if start == 0 or not text[:start].strip():
        return True
    if wide:
        return text[:start].endswith(("  ", "\t")) or text[:start].rstrip(" \u00a0").endswith("\t")
    return text[start - 1] in " \t\u00a0:"
