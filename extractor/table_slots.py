"""Slots of a table: a slot per value cell, labelled by its row's label cell and named by its column header;
option sub-columns (`Có` / `Không` ticks) as one choice per group; blanks printed inside a cell read as lines."""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import regex

from extractor.blanks import find_leader, has_leader, split_line, split_value_unit, unlead
from extractor.compiled import regex_compile
from extractor.model import EMPTY_BOX, UNKNOWN_BOX, Block, Cell, Table
from extractor.options import parse as parse_options
from extractor.options import tokens as tokens_of
from extractor.printed import Printed
from extractor.slots import (
    BOX_CHARS,
    TYPED_MARK,
    Option,
    Slot,
    _has_tick,
    _options_in,
    block_slots,
    has_box,
    line_labels,
    split_lines,
)
from extractor.text.normalize import clean_label, fold

COLUMN_NUMBER = regex_compile(r"\(?\d{1,2}\)?")
_ITEM_NUMBER = regex_compile(r"[\da-zđ]{1,3}\.?")
_NUMERIC = regex_compile(r"[\d\s.,%/]+")
_NUMBERING_CELL = regex_compile(r"[\dIVXa-zđ]{0,4}\.?")
_ITEM_MARK = regex_compile(r"[\dA-ZĐa-zđ]{1,4}[.)]?")  # an item's number or letter: `1`, `A`, `IV.`, `b)`
# `Leased Line:31` ends a line: a colon with a letter before it on its line (no colon between), digits after it.
# Searched from each colon, the letter looked for behind it: `\p{L}[^:\n]*:…`, searched from each letter, read the
# rest of the line from every one (97 µs for a 120-character line, 1.2 µs so). Only whether it matches is asked.
_LABELLED_NUMBER = regex_compile(r"(?=:)(?<=\p{L}[^:\n]*):[ \t]*\d[\d \t.,]*$", regex.M)


def _group_title(row: Sequence[Cell], texts: Sequence[str], ncols: int) -> Cell | None:
    """The cell of a group-title row (`texts`: its cells' texts): its text sits in one cell spanning most of the
    table, with at most an item number before it (`A | DỊCH VỤ CÔNG …`). A column the clerk added leaves the
    title one column short of the table's width, so "most" is more than half, not all but one."""
    wide_span = max(2, ncols // 2 + 1)
    if ncols <= 2 or all(c.colspan < wide_span for c in row):
        return None
    filled = [(c, t) for c, t in zip(row, texts, strict=True) if t.strip()]
    wide = [c for c, t in filled if c.colspan >= wide_span and not has_leader(t) and not has_box(t)]
    if len(wide) != 1:
        return None
    title = wide[0]
    if all(c.col < title.col and _ITEM_MARK.fullmatch(t.strip()) for c, t in filled if c is not title):
        return title
    return None


@dataclass
class _Grid:
    """What every step asks of a table's rows, read once: each cell's lines and text (a cell joins its
    paragraphs at every read) and each row's group-title cell (None: not a group row)."""

    rows: list[list[Cell]]
    lines: list[list[tuple[str, ...]]]
    texts: list[list[str]]
    titles: list[Cell | None]
    ncols: int

    @classmethod
    def of(cls, table: Table) -> _Grid:
        ncols = max([c.col + c.colspan for row in table.rows for c in row], default=0)  # `Table.ncols`
        lines = [[(c.blocks[0].text,) if len(c.blocks) == 1 else tuple([b.text for b in c.blocks]) for c in row]
                 for row in table.rows]  # (most cells are one paragraph: no comprehension per cell, -30 %)
        texts = [["\n".join(t) for t in row] for row in lines]  # `Cell.text`
        titles = [_group_title(row, t, ncols) for row, t in zip(table.rows, texts, strict=True)]
        return cls(table.rows, lines, texts, titles, ncols)


def _header_rows(grid: _Grid) -> int:
    """Rows at the top whose cells are all static text: headings, column numbers `(1) (2) …`, group titles."""
    n = 0
    for raw_texts, title in zip(grid.texts[:6], grid.titles, strict=False):
        texts = [t.strip() for t in raw_texts]
        if any(_data_text(t) for t in texts):
            break  # dots, boxes or a number typed after a label's colon (`Leased Line:31`): data, not header
        numbers = all(COLUMN_NUMBER.fullmatch(t) or not t for t in texts) and sum(bool(t) for t in texts) > 2
        if n and not numbers and sum(bool(t) for t in texts) == 1 and title is None:
            break  # one label alone under the header: a group title or a data row, not more header
        if n and not numbers and title is None:
            if _ITEM_NUMBER.fullmatch(texts[0]) or not any(texts) or n >= 3:
                break
            if n >= 2 and any(_looks_like_value(t) for t in texts[1:]):
                break
        n += 1
    return min(n, max(0, len(grid.rows) - 1))


@functools.lru_cache(maxsize=16384)
def _data_text(text: str) -> bool:
    """A cell text no header has: dots, boxes or a number typed after a label's colon (`Leased Line:31`)."""
    return _dotted(text) or has_box(text) or (":" in text and _LABELLED_NUMBER.search(text) is not None)


@functools.lru_cache(maxsize=16384)
def _dotted(text: str) -> bool:
    """Does `text` hold a run of dots (a leader or an ellipsis)?"""
    return find_leader(text) is not None


@functools.lru_cache(maxsize=16384)
def _bare(text: str) -> str:
    """`text` without its dots, stripped: the words printed or typed around them."""
    return unlead(text, "").strip()


@functools.lru_cache(maxsize=16384)
def _typed_words(text: str) -> str:
    """`text` with its dots made spaces, white space collapsed: a cell's words as one value."""
    return " ".join(unlead(text).split())


def _looks_like_value(text: str) -> bool:
    return bool(_NUMERIC.fullmatch(text))


def table_slots(table: Table, number: int, section: str, units: Sequence[str],
                printed: Printed | None = None) -> list[Slot]:
    """A slot per value cell: label from the row's label cell, column from the header."""
    grid = _Grid.of(table)
    nhead = _header_rows(grid)
    ncols = grid.ncols
    col_header = [""] * ncols
    for row, texts, title in zip(grid.rows[:nhead], grid.texts, grid.titles, strict=False):
        if title is not None:
            continue  # a group title under the header names no column
        for c, text in zip(row, texts, strict=True):
            t = clean_label(text)
            if t and not COLUMN_NUMBER.fullmatch(t) and c.colspan < ncols - 1:
                for k in range(c.col, min(ncols, c.col + c.colspan)):
                    # a sub-column is named with its parent: "Văn bản hiện hành / Năm"
                    parent = col_header[k] if c.colspan == 1 and col_header[k] and t not in col_header[k] else ""
                    col_header[k] = f"{parent} / {t}" if parent else t
    numbering = _numbering_columns(grid, nhead, col_header)
    option_cols = _option_columns(grid, nhead, col_header)
    slots: list[Slot] = []
    plain = isinstance(units, tuple)  # the common cell told once per text (`_cell_slots`' first step)
    group = ""
    above = ""  # the label of the row above: the question of a continuation row of boxes
    for r, (row, lines, texts, title) in enumerate(zip(grid.rows[nhead:], grid.lines[nhead:], grid.texts[nhead:],
                                                       grid.titles[nhead:], strict=True), start=1):
        # cells are named by their index in the row: `row[k]`, `texts[k]`
        label_k = _label_index(row, texts, numbering, units)
        label_cell = row[label_k] if label_k is not None else None
        subs = _sub_labels_of(tuple([t for k, ts in enumerate(lines) if k != label_k for t in ts]), units)
        label_text = texts[label_k] if label_k is not None else ""
        if label_k is not None and _after_sub_label(label_text, subs) is not None:
            label_k = label_cell = None  # `Leased Line 93,8` beside `Leased Line:149`: a value whose colon was deleted
        row_label = clean_label(label_text) if label_cell else ""
        values = [k for k, c in enumerate(row) if k != label_k and c.col not in numbering and c.colspan < ncols]
        if not row_label and not any(map(_bare, texts)):
            continue  # an empty row (a list table's spare row, or a "…" filler row)
        if title is not None:
            group = clean_label(next(t for c, t in zip(row, texts, strict=True) if c is title))
            continue
        if label_cell is not None and label_cell.blocks and label_cell.blocks[0].bold and \
                not any(texts[k].strip() for k in values):
            group = row_label  # a bold title row over the rows that follow ("1. Đầu tư cho phần cứng")
            continue
        if not row_label and above and any(has_box(texts[k]) for k in values):
            row_label = above  # a row of boxes with no label of its own answers the row above
        above = row_label
        context = f"{group} / {row_label}" if group and row_label else row_label
        row_at = nhead + r - 1
        if option_cols and any(row[k].col in option_cols for k in values):
            slots += _choice_slots(table, row, texts, [k for k in values if row[k].col in option_cols], option_cols,
                                   row_at, (row_label, context, section, number, r))
            values = [k for k in values if row[k].col not in option_cols]
        cell_slots = [(k, [Slot("cell", "", location=_cell_location(table, row[k], row_at, k))]
                       if plain and _simple_cell(lines[k], units, printed) == "plain" else
                       _cell_slots(row[k], texts[k], _cell_location(table, row[k], row_at, k), section, units,
                                   printed, lines[k])) for k in values]
        if any(len(ss) > 1 or "line" in ss[0].location for _, ss in cell_slots if ss):
            _line_labels(cell_slots)
            for _, ss in cell_slots:  # line numbers and option texts served the line labels: a cell's place is its own
                for s in ss:
                    s.location.pop("line", None)
                    s.location.pop("option", None)
        if not row_label:  # a row whose label is printed inside its cells ("ADSL: …")
            row_label = next((s.label for _, ss in cell_slots for s in ss if s.label), "")
            context = f"{group} / {row_label}" if group and row_label else row_label
        if label_cell is not None and not _dotted(label_text) and not has_box(label_text):
            loc = _cell_location(table, label_cell, row_at, label_k)
            slots.append(Slot("label", row_label, context, section, col_header[label_cell.col] or None,
                              raw=" ".join(label_text.split()), location=loc, table=number, row=r,
                              row_label=row_label))
        row_name = row_label or None
        for k, ss in cell_slots:
            column = col_header[row[k].col] or None
            for s in ss:
                s.section, s.column, s.context = section, column, context
                s.table, s.row, s.row_label = number, r, row_name
                if not s.label:
                    s.label = row_label or (column or "")
                if len(ss) == 1 and s.kind == "cell" and s.raw is None and s.location.get("start") is None:
                    _whole_cell_value(s, texts[k], units, subs)
            slots += ss
    return slots


def _label_index(row: Sequence[Cell], texts: Sequence[str], numbering: set[int], units: Sequence[str]) -> int | None:
    """The index of a row's label cell: the first outside the numbering columns whose text can be a label and
    whose lines print no label of their own (None: no label cell)."""
    for k, (c, t) in enumerate(zip(row, texts, strict=True)):
        if c.col not in numbering and _is_label_cell(t) and not any(_has_own_label(b.text, units) for b in c.blocks):
            return k
    return None


def _choice_slots(table: Table, row: Sequence[Cell], texts: Sequence[str], ticks: Sequence[int],
                  option_cols: dict[int, tuple[str, str]], row_at: int, where: tuple[str, str, str, int, int]
                  ) -> list[Slot]:
    """A choice per option group of a row's option sub-columns (`ticks`: the row's cells in them);
    `where`: the row's label, context, section, table number and data row."""
    row_label, context, section, number, r = where
    out = []
    for parent, cols in _groups_of(option_cols):
        cells = [k for k in ticks if row[k].col in cols]
        loc = dict(table.location, row=row_at, cell=row.index(row[cells[0]]), col=row[cells[0]].col)
        options = [Option(option_cols[row[k].col][1], _tick_state(texts[k]), "typed_x") for k in cells]
        out.append(Slot("choice", row_label or parent, context, section, parent or None, options=options,
                        location=loc, table=number, row=r, row_label=row_label or None))
    return out


def _whole_cell_value(s: Slot, text: str, units: Sequence[str], subs: tuple[str, ...]) -> None:
    """A cell read as one slot: its whole text typed, a unit after a number, a row's sub-label before it."""
    found = _whole_value(text, units, subs) if isinstance(units, tuple) else _whole_value.__wrapped__(text, units, subs)
    if found is not None:
        s.raw, s.unit_text, split = found
        if split is not None:
            s.label, s.raw = split


@functools.lru_cache(maxsize=16384)
def _whole_value(text: str, units: Sequence[str], subs: tuple[str, ...]
                 ) -> tuple[str | None, str | None, tuple[str, str] | None] | None:
    """(raw, unit, (sub-label, raw) or None) of a cell `text` read whole; None: nothing typed (remembered per text:
    the blank form's cells come back in every return)."""
    raw = _typed_words(text)
    if not raw:
        return None
    raw_value, unit = split_value_unit(raw, units)
    if not raw_value[:1].isdigit():  # a unit only follows a number
        raw_value, unit = raw, ""
    return raw_value or None, unit or None, _after_sub_label(raw_value or "", subs)


def _cell_slots(cell: Cell, text: str, loc: dict[str, Any], section: str, units: Sequence[str],
                printed: Printed | None, line_texts: tuple[str, ...] | None = None) -> list[Slot]:
    """The slots of one value cell, in its line order: a choice for its checkbox lines, a slot for each blank an
    option holds (`☒ Tên thiết bị: …`), a slot for each blank of its other lines (`ADSL: ……`) and for each run of
    lines typed without one. A cell with none of these is one slot, its whole text read later. `text`: the cell's;
    `line_texts`: its blocks' texts (None: read from the cell)."""
    if line_texts is None:
        line_texts = tuple([b.text for b in cell.blocks])
    # (told once per text when `units` is a tuple; a list, which the memory cannot take, is told afresh)
    kind = (_simple_cell if isinstance(units, tuple) else _simple_cell.__wrapped__)(line_texts, units, printed)
    if kind == "tick":
        return [Slot("choice", "", options=_cell_options(cell.blocks), location=dict(loc))]
    if kind == "plain":
        return [Slot("cell", "", location=loc)]
    boxed = [b for b in cell.blocks if has_box(b.text)] if has_box(text) else []  # (`text` joins the lines)
    if boxed:  # beside box lines, a line ticked with a typed mark instead (`Tường lửa cứng [x] Tên thiết bị …`)
        boxed = [b for b in cell.blocks if has_box(b.text) or TYPED_MARK.search(b.text)
                 or _has_tick(b.text)]
    out: list[Slot] = []
    if boxed:
        out.append(Slot("choice", "", options=_cell_options(boxed), location=dict(loc)))
        out += _cell_option_blanks(boxed, loc, printed)
    lines = [b for b in cell.blocks if b not in boxed and b.text.strip()]  # a ticked line's blank is an option's
    inner = [block_slots(b, section, units, printed) for b in lines]
    numbers = len(lines) > 1 and all(_is_number_line(b.text, units) for b in lines)
    if not boxed and not numbers and not (any(s.label for ss in inner for s in ss)
                                          or any(_dotted(b.text) for b in lines)):
        return [Slot("cell", "", location=loc)]
    loose: list[str] = []
    first = 0
    for k, (b, found) in enumerate(zip(lines, inner, strict=True)):
        if numbers and not found:  # numbers on lines of their own: a value each (`89` / `1` / `7`)
            out += _loose_slot([b.text], dict(loc, line=k), units)
            continue
        if not found:
            # a value line beside the cell's blanks ("5" over "ADSL: ……" / "FTTH: ……", "15" under "……" / "……")
            if _bare(b.text) and not (printed is not None and _is_printed_words(b.text, printed)):
                first = first if loose else k
                loose.append(b.text)
            continue
        out += _loose_slot(loose, dict(loc, line=first), units)
        loose = []
        for s in found:
            s.kind = "cell"
            s.location = dict(loc, start=s.location.get("start"), end=s.location.get("end"), line=k)
            _typed_in_label(s, b.text, printed)
        out += found
    out += _loose_slot(loose, dict(loc, line=first), units)
    return out


@functools.lru_cache(maxsize=16384)
def _simple_cell(lines: tuple[str, ...], units: Sequence[str], printed: Printed | None) -> str | None:
    """`_cell_slots`' first tests on a cell's `lines`, remembered: "tick" (a single-box cell whose box the clerk
    replaced by a mark: `X`, `[x]`, `✓`), "plain" (one slot, its whole text read later; told by `_plain_cell` when
    `units` is a tuple, else by the line-by-line reading) or None (boxes, dots or blanks: read line by line)."""
    text = "\n".join(lines)
    if has_box(text):
        return None
    if _lone_tick(text):
        return "tick"
    return "plain" if isinstance(units, tuple) and _plain_cell(lines, units, printed) else None


@functools.lru_cache(maxsize=16384)
def _plain_cell(texts: tuple[str, ...], units: tuple[str, ...], printed: Printed | None) -> bool:
    """Is a cell without boxes (its lines' `texts`) one slot, its whole text read later: no line holds dots or a
    blank with a label of its own, and its lines are not a column of numbers? (`_cell_slots`' test, per text.)"""
    lines = [t for t in texts if t.strip()]
    if len(lines) > 1 and all(_is_number_line(t, units) for t in lines):
        return False
    return not any(_dotted(t) or any(line_labels(t, units, printed)) for t in lines)


def _typed_in_label(s: Slot, text: str, printed: Printed | None) -> None:
    """A cell's blank whose value the splitter took for its label or its extra text: the row and column name the
    cell, so what was typed before the dots (`22 ….... máy`, `không có ……máy`), after a printed `label:`
    (`Khác (ghi rõ):Kaspersky ....`) or after the dots with nothing else on the line (`……1063/KH-SYT`) is the
    value."""
    if s.raw is not None:
        return
    if not s.label and s.extra:
        s.raw, s.extra = s.extra, None
        return
    before = " ".join(text[:s.location.get("start") or 0].split())
    if not s.label and before and any(ch.isdigit() for ch in before) and _looks_like_value(before):
        s.raw = before  # a number the label cleaner took for an item number (`1.500 ……`)
        return
    if not s.label and printed is None:  # no printed form to tell a unit from a value: what follows the dots
        rest = " ".join(unlead(text[s.location.get("end") or 0:]).split())
        s.raw = rest or None
        return
    if not s.label:
        return
    start = s.location.get("start") or 0
    typed_line = printed is not None and not printed.is_printed(text) and printed.is_printed(text[start:])
    if _looks_like_value(s.label) or typed_line:
        s.raw, s.label = s.label, ""
        s.extra = None if s.extra == s.raw else s.extra
        return
    head, colon, tail = s.label.rpartition(":")
    if colon and head.strip() and tail.strip() and printed is not None and not printed.in_printed(tail):
        s.label, s.raw = clean_label(head), tail.strip()
        s.extra = None if s.extra == s.raw else s.extra


@functools.lru_cache(maxsize=16384)
def _sub_labels_of(texts: tuple[str, ...], units: Sequence[str]) -> tuple[str, ...]:
    """The labels printed before the blanks of a row's cells whose lines are `texts` (`Leased Line:` of
    `Leased Line:31`), longest first, labels of one length in the row's order (`Khac` and `Khác` beside each
    other: the first cell's; a set's order changed with the process's string hashing). Remembered per row's
    texts: one look-up instead of one per line."""
    found = dict.fromkeys(label for t in texts for label in _clean_labels(t, units))
    return tuple(sorted((x for x in found if x.strip(" :")), key=len, reverse=True))


@functools.lru_cache(maxsize=16384)
def _clean_labels(text: str, units: Sequence[str]) -> tuple[str, ...]:
    """The cleaned labels of a line's blanks (remembered per line)."""
    return tuple(clean_label(rg.label) for rg in split_line(text, units))


def _after_sub_label(text: str, subs: Sequence[str]) -> tuple[str, str] | None:
    """(label, value) of a cell typed as one of its row's sub-labels and a value, the colon and dots gone."""
    if not subs:
        return None
    t = " ".join(text.split())
    for sub in subs:
        if fold(t).startswith(fold(sub) + " "):
            rest = t[len(sub):].strip(" :")
            if rest:
                return sub, rest
    return None


def _is_number_line(text: str, units: Sequence[str]) -> bool:
    """A cell line holding one number and nothing but dots and a unit around it (`…483……máy`, `15`)."""
    value, _ = split_value_unit(" ".join(unlead(text).split()), units)
    return bool(value) and any(ch.isdigit() for ch in value) and _looks_like_value(value)


def _loose_slot(lines: list[str], loc: dict[str, Any], units: Sequence[str]) -> list[Slot]:
    """Lines typed without a blank of their own, one slot (none for no lines)."""
    if not lines:
        return []
    raw = " ".join(unlead(" ".join(lines)).split())
    value, unit = split_value_unit(raw, units)
    if value[:1].isdigit() and unit:
        return [Slot("cell", "", raw=value, unit_text=unit, location=dict(loc, lines=len(lines)))]
    return [Slot("cell", "", raw=raw, location=dict(loc, lines=len(lines)))]


def _line_labels(cell_slots: Sequence[tuple[Any, list[Slot]]]) -> None:
    """A cell whose lines carry no label of their own takes, line by line, the sub-labels the row's other cells
    print on the same lines (`…503……` / `……2……` / `15` under `ADSL: ……` / `FTTH: ……` beside it)."""
    sub: dict[int, str] = {}
    for _, ss in cell_slots:
        for s in ss:
            line = s.location.get("line")
            if s.label and line is not None and "option" not in s.location:
                sub.setdefault(line, s.label)
    if not sub:
        return
    for _, ss in cell_slots:
        lined = [s for s in ss if s.location.get("line") is not None]
        if len(lined) > 1 and not any(s.label for s in lined):
            for s in lined:
                s.label = sub.get(s.location["line"], "")


def _cell_option_blanks(boxed: Sequence[Block], loc: dict[str, Any], printed: Printed | None) -> list[Slot]:
    """The blank an option of a cell holds (`☒ Tên, loại thiết bị: Fortinet ……`): a slot labelled by the option.
    With the printed form, also a blank whose colon and dots were deleted (`☒ Tên phần mềm Fortinet 60F`)."""
    out = []
    for b in boxed:
        for line in b.text.split("\n"):
            parsed = parse_options(line)
            for o in parsed.options if parsed is not None else []:
                if o.has_blank:
                    out.append(Slot("cell", clean_label(o.blank_label or o.text), raw=o.blank,
                                    location=dict(loc, option=o.text)))
                elif printed is not None and (typed := _typed_in_option(line, o.text, printed)) is not None:
                    out.append(Slot("cell", typed[0], raw=typed[1], location=dict(loc, option=o.text)))
    return out


def _typed_in_option(line: str, option: str, printed: Printed) -> tuple[str, str] | None:
    """(label, value) of an option whose printed `label: ……` the clerk typed over, dots and colon gone: the
    printed line read against the typed one gives the value at the option's end."""
    if printed.is_printed(line):
        return None
    blanks = printed.align(line)
    if not blanks or len(blanks) != 1 or not blanks[0].raw:
        return None
    raw = blanks[0].raw
    text = " ".join(option.split())
    if not text.endswith(raw) or not text[:-len(raw)].strip():
        return None
    return clean_label(text[:-len(raw)]), raw


def _cell_location(table: Table, cell: Cell, row: int, index: int) -> dict[str, Any]:
    """A cell's location: the table's, the row and cell; and the lowest OCR word confidence of a scanned cell."""
    loc = dict(table.location, row=row, cell=index, col=cell.col)
    read_quality = [b.location["ocr"] for b in cell.blocks if "ocr" in b.location]
    if read_quality:
        loc["ocr"] = min(read_quality)
    return loc


def _is_printed_words(text: str, printed: Printed) -> bool:
    """Printed text of the blank form (a number alone, such as a row number, proves nothing either way)."""
    return any(ch.isalpha() for ch in text) and printed.is_printed(text)


def _tick_state(text: str) -> bool | None:
    t = text.strip()
    if not t or t == EMPTY_BOX:
        return False
    return None if t == UNKNOWN_BOX else True


@functools.lru_cache(maxsize=16384)
def _is_tick_cell(text: str) -> bool:
    """A cell holding only ticks (X, x, ✓, a box) or nothing (remembered per text: a table's data cells are asked
    once for each option group, and the blank form's cells come back in every return)."""
    t = "".join(text.split())
    return not t or t in BOX_CHARS or (len(t) <= 3 and bool(tokens_of(t)) and
                                        all(k in ("MARK", "TICK", "BOX") for k, _, _ in tokens_of(t)))


def _option_columns(grid: _Grid, nhead: int, col_header: list[str]) -> dict[int, tuple[str, str]]:
    """Sub-columns that are the options of one question (`Đánh dấu [x] vào ô phù hợp` / `Có` / `Không`): two or
    more adjacent columns under one parent header whose cells hold only ticks (X, x, ✓, a box) or nothing, at
    least one ticked. Column → (parent header, option text)."""
    by_parent: dict[str, list[int]] = {}
    for k, h in enumerate(col_header):
        if " / " in h:
            by_parent.setdefault(h.rsplit(" / ", 1)[0], []).append(k)
    out: dict[int, tuple[str, str]] = {}
    pairs: list[tuple[Cell, str]] | None = None  # every data cell with its text, gathered for the first group
    for cols in by_parent.values():
        if len(cols) < 2 or cols != list(range(cols[0], cols[-1] + 1)):
            continue
        if pairs is None:
            pairs = [(c, t) for row, texts in zip(grid.rows[nhead:], grid.texts[nhead:], strict=True)
                     for c, t in zip(row, texts, strict=True)]
        cells = [t for c, t in pairs if c.col in cols and c.colspan == 1]
        if cells and all(_is_tick_cell(t) for t in cells) and any(t.strip() for t in cells):
            out.update({k: tuple(col_header[k].rsplit(" / ", 1)) for k in cols})  # type: ignore[misc]
    return out


def _groups_of(option_cols: dict[int, tuple[str, str]]) -> list[tuple[str, list[int]]]:
    """The option columns grouped by their parent header (one question each), left to right."""
    groups: dict[str, list[int]] = {}
    for k in sorted(option_cols):
        groups.setdefault(option_cols[k][0], []).append(k)
    return list(groups.items())


def _numbering_columns(grid: _Grid, nhead: int, col_header: list[str]) -> set[int]:
    """Columns holding only item numbers (`1`, `2`, `a`, `IV.`) under a short header (`TT`, `Stt`)."""
    cols: dict[int, list[str]] = {}
    numbers = _NUMBERING_CELL
    short = [len(h) <= 5 for h in col_header]  # only a column under a short header can be one
    if not any(short):
        return set()
    for row, texts, title in zip(grid.rows[nhead:], grid.texts[nhead:], grid.titles[nhead:], strict=True):
        if title is not None:
            continue  # group titles say nothing about which column holds the item numbers
        filled = [t for t in texts if t.strip()]
        if len(filled) == 1 and not numbers.fullmatch(filled[0].strip()):
            continue  # nor does a row of one text (a blank row's number does)
        for c, t in zip(row, texts, strict=True):
            if short[c.col]:
                cols.setdefault(c.col, []).append(_bare(t))
    return {col for col, texts in cols.items() if any(texts) and all(numbers.fullmatch(t) for t in texts)}


@functools.lru_cache(maxsize=16384)
def _is_label_cell(text: str) -> bool:
    """A cell whose text can be its row's label: six letters or more, no dots, no boxes, not a number."""
    t = text.strip()
    if not t or has_leader(t) or has_box(t):
        return False
    letters = sum(map(str.isalpha, t))
    return letters >= 6 and not _NUMERIC.fullmatch(t)



@functools.lru_cache(maxsize=16384)
def _has_own_label(text: str, units: Sequence[str]) -> bool:
    """Does a cell line print a label before a blank of its own (`ADSL: ……`): no row label, a value cell?"""
    return any(r.label.strip(" :") for r in split_line(text, units))


def _cell_options(blocks: Sequence[Block]) -> list[Option]:
    """The options of a table cell, one line at a time (a box before or after each option's text)."""
    return [o for b in blocks for line in split_lines(b) for o in _options_in(line)]



def _lone_tick(text: str) -> bool:
    """A cell holding only a mark typed in its box's place (`X`, `[x]`, `✓`)."""
    t = text.strip()
    if len(t) not in (1, 3):  # one mark token: `X`, `✓` or `[x]`
        return False
    toks = tokens_of(t)
    return len(toks) == 1 and toks[0][0] == "TICK"
