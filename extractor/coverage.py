"""Typed text that no slot took: never lost in silence.

The slot finder reads the layouts it knows. A clerk who types where no rule looks (a value alone on a
paragraph under its question, a note under a table, a figure after the last line of a section) leaves a
paragraph that gave no slot. When such a paragraph is not the blank form's printed text, it is something the
clerk typed, and the product does not know where it belongs: it goes before a reviewer as `unplaced_text`,
labelled by the question above it, instead of vanishing.

Only returns of a known form are checked (typed and printed text are told apart by the form's printed lines,
`extractor.printed`); table cells are the table reader's business (a cell's typed text is a cell slot).

The other side of the same rule: a field the detected form prints but for which no slot of the return was
found (a layout the finder cannot read, a line retyped beyond recognition) is `not_found`, under review with
no value, never simply absent from the result.
"""

from __future__ import annotations

import functools
import itertools
import operator
from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np
from rapidfuzz import fuzz, process

from extractor.blanks import unlead
from extractor.catalogue import FormSpec, TemplateSlot
from extractor.compiled import regex_compile
from extractor.model import Block, Table
from extractor.printed import Printed, line_key
from extractor.slots import Slot, is_heading
from extractor.text.normalize import clean_label

UNPLACED = "unplaced_text"
NOT_FOUND = "not_found"
# key characters (folded, no spaces or punctuation) a paragraph needs before it can be called printed: a
# number, "Có" or "Không" alone on a paragraph is what a clerk types, though some form prints it in a cell
MIN_PRINTED_LINE = 6
MIN_PRINTED_PIECE = 12
REWORDED_RATIO = 80  # rapidfuzz ratio of line keys above which a line is a printed line reworded
_FIGURES = regex_compile(r"\d+|@")
MAX_WORDS = 60  # a longer typed paragraph is prose (a report's own comments), still shown, cut to this


def _key(location: dict[str, Any], keys: tuple[str, ...]) -> tuple[Any, ...]:
    """The values of `keys` in `location` (None where it has none), a list as a tuple: equal for two locations
    exactly when they agree on every one of `keys`."""
    values = tuple(map(location.get, keys))
    try:
        hash(values)
    except TypeError:  # a PDF bbox
        return tuple(tuple(v) if isinstance(v, list) else v for v in values)
    return values


def _found(where: dict[tuple[Any, ...], int], location: dict[str, Any], keys: tuple[str, ...]) -> int | None:
    """`where.get(_key(location, keys))`, the values' tuple hashed once when they are all hashable."""
    try:
        return where.get(tuple(map(location.get, keys)))
    except TypeError:  # a list among them (a PDF bbox)
        return where.get(_key(location, keys))


def unplaced_blocks(items: Sequence[Block | Table], slots: Sequence[Slot], printed: Printed
                    ) -> list[tuple[Block, str]]:
    """The paragraphs of `items` (the document body, top level) holding typed text that no slot covers, each
    with the text of the paragraph above it (its question)."""
    blocks = [(n, it) for n, it in enumerate(items) if isinstance(it, Block)]
    if not blocks:
        return []
    keys = tuple(blocks[0][1].location)
    where = _where(blocks, keys)
    covered = _covered(where, slots, keys)
    out: list[tuple[Block, str]] = []
    above = ""
    for n, block in blocks:
        if n in covered:
            text = block.text
            if text and not text.isspace():
                above = text  # stripped only when a paragraph below needs it
            continue
        text = block.text.strip()
        if is_typed(block, text, printed):
            out.append((block, above.strip()))
        if text:
            above = text
    return out


def _where(blocks: list[tuple[int, Block]], keys: tuple[str, ...]) -> dict[tuple[Any, ...], int]:
    """Each paragraph's number by its location's `_key` (the last paragraph of a key when several share it).

    While every location holds every one of `keys` (two or more) with hashable values (a DOCX location), the
    values' tuples are taken by `operator.itemgetter` in one pass; otherwise each location goes through `_key`
    (a missing key is None there, a PDF bbox's lists become tuples)."""
    numbers = [n for n, _ in blocks]
    if len(keys) > 1:
        try:
            return dict(zip(map(operator.itemgetter(*keys), [b.location for _, b in blocks]), numbers, strict=True))
        except (KeyError, TypeError):
            pass
    return {_key(b.location, keys): n for n, b in blocks}


def _covered(where: dict[tuple[Any, ...], int], slots: Sequence[Slot], keys: tuple[str, ...]) -> set[int]:
    """The numbers (`where`'s values) of the paragraphs the slots' locations name: a slot's own location and its
    `next_line`, each with the paragraphs its `blocks` count spans (one when it has none).

    Most slots' locations name one paragraph and nothing more (a dict with no `next_line` and no `blocks`): while
    those hold every one of `keys` (two or more) with hashable values, they are looked up in one pass
    (`operator.itemgetter`: the same tuples as `_key`'s), and the other locations one at a time (`_cover`);
    otherwise every location goes through `_cover`. The same set either way."""
    single: list[dict[str, Any]] = []  # locations naming one paragraph and nothing more
    rest: list[Any] = []
    for s in slots:
        loc = s.location
        (single if type(loc) is dict and "next_line" not in loc and "blocks" not in loc else rest).append(loc)
    covered: set[int] = set()
    if len(keys) > 1:  # (`itemgetter` of one key gives the value, not a tuple)
        try:
            covered = {n for n in map(where.get, map(operator.itemgetter(*keys), single)) if n is not None}
            single = []
        except (KeyError, TypeError):  # a location without one of the keys, a list among its values
            pass
    for loc in itertools.chain(rest, single):
        _cover(covered, where, loc, keys)
    return covered


def _cover(covered: set[int], where: dict[tuple[Any, ...], int], own: Any, keys: tuple[str, ...]) -> None:
    """Add to `covered` the paragraphs a slot's location `own` names (see `_covered`)."""
    nxt = own.get("next_line")
    for loc in (own, nxt) if isinstance(nxt, dict) else (own,):
        if not isinstance(loc, dict):
            continue
        n = _found(where, loc, keys)
        if n is not None:
            span = loc.get("blocks", 1)
            if span == 1:
                covered.add(n)
            else:
                covered.update(range(n, n + int(span)))


def is_typed(block: Block, text: str, printed: Printed) -> bool:
    """Does a paragraph hold words or figures the blank form did not print?"""
    # a checkbox line is the choice finder's, a heading the form's; the words are asked first (remembered by
    # text, and most paragraphs are printed lines): the three tests are independent
    return bool(text) and _typed_words(text, printed) and not block.boxes and not is_heading(block)


@functools.lru_cache(maxsize=16384)
def _typed_words(text: str, printed: Printed) -> bool:
    """`is_typed` for a paragraph's words alone (no boxes, not a heading; `text` not empty): most paragraphs are a
    season's printed lines seen in every return, so the answer is kept by text."""
    if not unlead(text, "").strip(" \t.:;,-–—()"):
        return False  # leaders and punctuation only
    if text[-1] in "?:" and not _FIGURES.search(clean_label(text)):
        return False  # a question, in whatever words: what answers it is typed elsewhere
    key = line_key(text)
    if len(key) >= MIN_PRINTED_LINE and any(ch.isalpha() for ch in key) and printed.is_printed(text):
        return False
    # a piece of a printed line is printed words only when it is long enough to say so ("2 / 2" is found
    # inside some printed line)
    if len(key) >= MIN_PRINTED_PIECE and printed.in_printed(text):
        return False
    return not _reworded(key, printed)


def _reworded(key: str, printed: Printed) -> bool:
    """Is a line the blank form's printed text in other words (a return retyped from an older copy, tones
    dropped, words abbreviated), with no figure of its own? A figure the printed line lacks was typed."""
    if len(key) < MIN_PRINTED_PIECE:
        return False
    best = process.extractOne(key, _near_length(printed, len(key)), scorer=fuzz.ratio, score_cutoff=REWORDED_RATIO)
    if best is None:
        return False
    return all(figure in best[0] for figure in _FIGURES.findall(key))


@functools.lru_cache(maxsize=4)
def _printed_keys(printed: Printed) -> list[str]:
    return printed.text.split("\n")


@functools.lru_cache(maxsize=4)
def _key_lengths(printed: Printed) -> np.ndarray:
    return np.fromiter(map(len, _printed_keys(printed)), dtype=np.int64)


@functools.lru_cache(maxsize=1024)
def _near_length(printed: Printed, n: int) -> list[str]:
    """The printed keys, in their order, long enough and short enough to reach `REWORDED_RATIO` with a key of
    `n` characters. rapidfuzz's ratio is 100 × (1 − indel distance / total length), and the distance is at least
    the difference in length, so a key outside 100·|n − m| ≤ (100 − ratio)·(n + m) cannot reach it: `_reworded`
    finds the same best line among these alone (ties keep their order). Kept by length (1024 lengths)."""
    lengths = _key_lengths(printed)
    keys = _printed_keys(printed)
    near = np.flatnonzero(100 * np.abs(lengths - n) <= (100 - REWORDED_RATIO) * (lengths + n))
    return [keys[i] for i in near.tolist()]


def unplaced_text(block: Block, above: str) -> tuple[str, str]:
    """(label, text) of an unplaced paragraph as a reviewer sees it."""
    words = " ".join(block.text.split()).split(" ")
    return clean_label(above), " ".join(words[:MAX_WORDS]) + (" …" if len(words) > MAX_WORDS else "")


def missing_fields(form: FormSpec, found: Iterable[str | None]) -> list[TemplateSlot]:
    """The first template slot of each field of `form` that is none of `found` (field ids the return gave),
    in the form's order. Rows of list tables are left out: a list has as many rows as the clerk filled."""
    seen = set(found)
    out: list[TemplateSlot] = []
    for t in form.slots:
        if t.field not in seen and t.kind != "list" and not t.list:
            seen.add(t.field)
            out.append(t)
    return out
