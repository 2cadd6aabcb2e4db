"""Find every slot of a document: dotted blanks (filled or not), `label: value` pairs whose dots were
deleted, several blanks on one line, table cells under a header, and checkbox groups.

A slot carries what matching needs (label, the whole line as context, section path, column or per-level
qualifier, table coordinates) and the raw text the clerk typed; parsing the value is the next stage's job.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

import regex

from extractor.blanks import LEADER, has_leader, split_line, split_value_unit
from extractor.model import CHECKED_BOX, EMPTY_BOX, UNKNOWN_BOX, Block, Cell, Document, Table
from extractor.text.normalize import clean_label, nfc

BOX_CHARS = EMPTY_BOX + CHECKED_BOX + UNKNOWN_BOX
_BOX_SET = frozenset(BOX_CHARS)
DATE_ONLY = regex.compile(r"\d{1,2}/\d{1,2}/\d{2,4}|\p{L}{3,5}\s+\d{1,2}\s+\p{L}{4,5}\s+\d{1,2}\s+\p{L}{2,3}\s+\d{4}")
COLUMN_NUMBER = regex.compile(r"\(?\d{1,2}\)?")
TYPED_MARK = regex.compile(r"(?:(?<=^)|(?<=[\s\t]))(\[[xX✓✔]\]|\([xX]\)|[xX✓✔])(?=[ \t]+\S)")
HEADING = regex.compile(r"^\s*(?:(?:MỤC|PHẦN|Mục|Phần)\s+[\dIVX]+|[IVX]{1,4}\.|[A-H][\.:]\s)", regex.V1)
SUBHEADING = regex.compile(r"^\s*\d+(?:\.\d+)*\.?\s+\S")
_ITEM_NUMBER = regex.compile(r"[\da-zđ]{1,3}\.?")
_NUMERIC = regex.compile(r"[\d\s.,%/]+")
_NUMBERING_CELL = regex.compile(r"[\dIVXa-zđ]{0,4}\.?")


@dataclass
class Option:
    text: str
    checked: bool | None  # None: unknown (box state not readable)
    mark: str  # box | typed_x


@dataclass
class Slot:
    """One place a clerk could answer, with what was typed or ticked there."""

    kind: str  # blank | cell | choice | label (a table row's label cell: an answer only in list tables)
    label: str
    context: str = ""
    section: str = ""
    column: str | None = None
    raw: str | None = None  # typed text, None when the blank is empty
    unit_text: str | None = None  # text printed right after the blank (a unit, usually)
    options: list[Option] | None = None
    location: dict[str, Any] = field(default_factory=dict)
    order: int = 0
    table: int | None = None  # table number in the document, for cells
    row: int | None = None  # data row (1-based) within the table
    row_label: str | None = None
    weak: bool = False  # an empty `label:` with no dots: weaker evidence of a blank than a drawn leader

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class _Section:
    path: list[str] = field(default_factory=lambda: ["", ""])

    def update(self, block: Block) -> bool:
        text = block.text.strip()
        if not text or LEADER.search(text) or not _BOX_SET.isdisjoint(text) or len(text) > 160:
            return False
        if HEADING.match(text) and (block.bold or text.isupper() or len(text) < 90):
            self.path = [text, ""]
            return True
        if block.bold and SUBHEADING.match(text) and not text.rstrip().endswith(":"):
            self.path[1] = text
            return True
        if block.bold and text.isupper():
            self.path = [text, ""]
            return True
        return False

    def __str__(self) -> str:
        return " / ".join(p for p in self.path if p)


# -- text blocks -----------------------------------------------------------------------------------------
def block_slots(block: Block, section: str, units: Sequence[str]) -> list[Slot]:
    """Blank slots of one paragraph (checkbox groups are found separately)."""
    text = block.text
    if not _BOX_SET.isdisjoint(text):
        return []
    regions = split_line(text, units)
    # the line as the form printed it: what the clerk typed is cut out
    printed, pos = [], 0
    for r in regions:
        printed.append(text[pos:r.start])
        pos = r.end
    printed.append(text[pos:])
    context = clean_label(LEADER.sub(" ", " ".join(printed)))
    return [Slot("blank", clean_label(r.label), context, section, r.column, r.raw or None, r.unit or None,
                 location=dict(block.location, start=r.start, end=r.end), weak=r.weak) for r in regions]


# -- checkbox groups ---------------------------------------------------------------------------------------
def _options_in(block: Block) -> list[Option]:
    """Options of a paragraph with boxes or typed X marks, in order."""
    text = block.text
    marks: list[tuple[int, int, bool | None, str]] = []
    for i, ch in enumerate(text):
        if ch in BOX_CHARS:
            marks.append((i, i + 1, {EMPTY_BOX: False, CHECKED_BOX: True}.get(ch), "box"))
    if marks or TYPED_MARK.search(text):
        for m in TYPED_MARK.finditer(text):
            if not any(a <= m.start() < b for a, b, *_ in marks):
                marks.append((m.start(), m.end(), True, "typed_x"))
    marks.sort()
    options = []
    for k, (_start, b, state, how) in enumerate(marks):
        end = marks[k + 1][0] if k + 1 < len(marks) else len(text)
        opt = text[b:end].split("\t")[0].strip()
        opt = LEADER.split(opt)[0].strip().rstrip(":")
        if opt:
            options.append(Option(opt, state, how))
    return options


def _label_before_boxes(block: Block) -> str:
    first = min((i for i, ch in enumerate(block.text) if ch in BOX_CHARS), default=None)
    m = TYPED_MARK.search(block.text)
    if m and (first is None or m.start() < first):
        first = m.start()
    return clean_label(block.text[:first]) if first else ""


def has_options(block: Block) -> bool:
    return not _BOX_SET.isdisjoint(block.text)


# -- tables ------------------------------------------------------------------------------------------------
def _is_group_row(row: list, ncols: int) -> bool:
    """A row whose text sits in one cell spanning (nearly) the whole table: a group title, not data."""
    return any(c.colspan >= ncols - 1 and c.text.strip() for c in row) and ncols > 2


def _header_rows(table: Table) -> int:
    """Rows at the top whose cells are all static text: headings, column numbers `(1) (2) …`, group titles."""
    n = 0
    ncols = table.ncols
    for row in table.rows[:6]:
        texts = [c.text.strip() for c in row]
        if any(LEADER.search(t) or not _BOX_SET.isdisjoint(t) for t in texts):
            break
        numbers = all(COLUMN_NUMBER.fullmatch(t) or not t for t in texts) and sum(bool(t) for t in texts) > 2
        if n and not numbers and sum(bool(t) for t in texts) == 1 and not _is_group_row(row, ncols):
            break  # one label alone under the header: a group title or a data row, not more header
        if n and not numbers and not _is_group_row(row, ncols):
            if _ITEM_NUMBER.fullmatch(texts[0]) or not any(texts) or n >= 3:
                break
            if n >= 2 and any(_looks_like_value(t) for t in texts[1:]):
                break
        n += 1
    return min(n, max(0, len(table.rows) - 1))


def _looks_like_value(text: str) -> bool:
    return bool(_NUMERIC.fullmatch(text))


def table_slots(table: Table, number: int, section: str, units: Sequence[str]) -> list[Slot]:
    """A slot per value cell: label from the row's label cell, column from the header."""
    nhead = _header_rows(table)
    ncols = table.ncols
    col_header = [""] * ncols
    for row in table.rows[:nhead]:
        for c in row:
            t = clean_label(c.text)
            if t and not COLUMN_NUMBER.fullmatch(t) and c.colspan < ncols - 1:
                for k in range(c.col, min(ncols, c.col + c.colspan)):
                    # a sub-column is named with its parent: "Văn bản hiện hành / Năm"
                    parent = col_header[k] if c.colspan == 1 and col_header[k] and t not in col_header[k] else ""
                    col_header[k] = f"{parent} / {t}" if parent else t
    numbering = _numbering_columns(table, nhead, col_header)
    slots: list[Slot] = []
    group = ""
    for r, row in enumerate(table.rows[nhead:], start=1):
        label_cell = next((c for c in row if c.col not in numbering and _is_label_cell(c.text)
                           and not any(r.label.strip(" :") for b in c.blocks for r in split_line(b.text, units))),
                          None)
        row_label = clean_label(label_cell.text) if label_cell else ""
        values = [c for c in row if c is not label_cell and c.col not in numbering and c.colspan < ncols]
        if not row_label and all(not LEADER.sub("", c.text).strip() for c in row):
            continue  # an empty row (a list table's spare row, or a "…" filler row)
        if _is_group_row(row, ncols):
            group = clean_label(next(c.text for c in row if c.colspan >= ncols - 1))
            continue
        if label_cell is not None and all(c.blocks and c.blocks[0].bold for c in [label_cell]) and \
                not any(c.text.strip() for c in values):
            group = row_label  # a bold title row over the rows that follow ("1. Đầu tư cho phần cứng")
            continue
        context = f"{group} / {row_label}" if group and row_label else row_label
        cell_slots: list[tuple[Cell, list[Slot]]] = []
        for c in values:
            loc = dict(table.location, row=nhead + r - 1, cell=row.index(c), col=c.col)
            inner = [s for b in c.blocks for s in block_slots(b, section, units)]
            own_label = [s for s in inner if s.label]
            if inner and (own_label or any(LEADER.search(b.text) for b in c.blocks)):
                for s in inner:
                    s.location = dict(loc, start=s.location.get("start"), end=s.location.get("end"))
                cell_slots.append((c, inner))
            else:
                cell_slots.append((c, [Slot("cell", "", location=loc)]))
        if not row_label:  # a row whose label is printed inside its cells ("ADSL: …")
            row_label = next((s.label for _, ss in cell_slots for s in ss if s.label), "")
            context = f"{group} / {row_label}" if group and row_label else row_label
        if label_cell is not None and not LEADER.search(label_cell.text) and not has_options_text(label_cell.text):
            loc = dict(table.location, row=nhead + r - 1, cell=row.index(label_cell), col=label_cell.col)
            slots.append(Slot("label", row_label, context, section, col_header[label_cell.col] or None,
                              raw=" ".join(label_cell.text.split()), location=loc, table=number, row=r,
                              row_label=row_label))
        for c, ss in cell_slots:
            column = col_header[c.col] or None
            for s in ss:
                s.kind, s.section, s.column, s.context = "cell", section, column, context
                s.table, s.row, s.row_label = number, r, row_label or None
                if not s.label:
                    s.label = row_label or (column or "")
                if len(ss) == 1 and s.raw is None and not s.location.get("start"):
                    text = c.text
                    if has_options_text(text):
                        s.kind = "choice"
                        s.options = _options_in(Block(text=text.replace("\n", "\t"), location=s.location))
                    else:
                        raw = " ".join(LEADER.sub(" ", text).split())
                        raw_value, unit = split_value_unit(raw, units) if raw else ("", "")
                        if not raw_value[:1].isdigit():  # a unit only follows a number
                            raw_value, unit = raw, ""
                        s.raw, s.unit_text = raw_value or None, unit or None
                slots.append(s)
    return slots


def _numbering_columns(table: Table, nhead: int, col_header: list[str]) -> set[int]:
    """Columns holding only item numbers (`1`, `2`, `a`, `IV.`) under a short header (`TT`, `Stt`)."""
    cols: dict[int, list[str]] = {}
    ncols = table.ncols  # a max over every cell: once, not once a row
    for row in table.rows[nhead:]:
        if _is_group_row(row, ncols) or sum(bool(c.text.strip()) for c in row) == 1:
            continue  # group titles say nothing about which column holds the item numbers
        for c in row:
            cols.setdefault(c.col, []).append(LEADER.sub("", c.text).strip())
    numbers = _NUMBERING_CELL
    return {col for col, texts in cols.items()
            if len(col_header[col]) <= 5 and any(texts) and all(numbers.fullmatch(t) for t in texts)}


def has_options_text(text: str) -> bool:
    return not _BOX_SET.isdisjoint(text)


def _is_label_cell(text: str) -> bool:
    t = text.strip()
    if not t or has_leader(t) or has_options_text(t):
        return False
    letters = sum(map(str.isalpha, t))
    return letters >= 6 and not _NUMERIC.fullmatch(t)


# -- document ----------------------------------------------------------------------------------------------
def _nfc_items(items: Sequence[Block | Table]) -> list[Block | Table]:
    """The document's text in NFC (readers keep NFD as found; every rule here is written for NFC)."""
    out: list[Block | Table] = []
    for it in items:
        if isinstance(it, Table):
            if all(_is_nfc(b.text) for row in it.rows for c in row for b in c.blocks):
                out.append(it)  # most documents are NFC already: nothing to copy
                continue
            rows = [[_copy(c, blocks=[_copy(b, text=nfc(b.text)) for b in c.blocks]) for c in row]
                    for row in it.rows]
            out.append(_copy(it, rows=rows))
        else:
            out.append(it if _is_nfc(it.text) else _copy(it, text=nfc(it.text)))
    return out


def _is_nfc(text: str) -> bool:
    return unicodedata.is_normalized("NFC", text)


def _copy(obj: Any, **changes: Any) -> Any:
    """`dataclasses.replace` for the model's plain dataclasses (no __post_init__, no slots), at half the cost."""
    new = object.__new__(type(obj))
    new.__dict__.update(obj.__dict__, **changes)
    return new


def find_slots(doc: Document, units: Sequence[str]) -> list[Slot]:
    """Every slot of the document, in reading order."""
    section = _Section()
    slots: list[Slot] = []
    items = _nfc_items(doc.items)
    last_text = ""
    i = 0
    tables = 0
    while i < len(items):
        item = items[i]
        if isinstance(item, Table):
            slots += table_slots(item, tables, str(section), units)
            tables += 1
            i += 1
            continue
        block = item
        if section.update(block):
            last_text = block.text
            i += 1
            continue
        options = _options_in(block) if (has_options(block) or TYPED_MARK.search(block.text)) else []
        if options and (has_options(block) or _looks_like_choice_line(block, items, i)):
            label = _label_before_boxes(block)
            group = list(options)
            locs = [block.location]
            j = i + 1
            if not label:
                # list layout: following paragraphs that each start with a box join the group
                while j < len(items) and isinstance(items[j], Block) and _starts_with_option(items[j]):
                    group += _options_in(items[j])
                    locs.append(items[j].location)
                    j += 1
                label = clean_label(last_text)
            loc = dict(locs[0], blocks=len(locs)) if len(locs) > 1 else dict(locs[0])
            slots.append(Slot("choice", label, clean_label(last_text) if label != clean_label(last_text) else label,
                              str(section), options=group, location=loc))
            i = j
            continue
        found = block_slots(block, str(section), units)
        if not found and last_text.rstrip().endswith(":") and _plain_answer(block):
            # the answer to the question above, typed over the dotted lines (dots deleted)
            found = [Slot("blank", clean_label(last_text), clean_label(last_text), str(section),
                          raw=" ".join(block.text.split()), location=dict(block.location))]
        for s in found:
            if not s.label and s.raw and DATE_ONLY.fullmatch(s.raw):
                continue  # "……, 15/08/2019" under a signature: a date line, not the answer to the line above
            if not s.label:
                # a line of leaders under its question: the question is the label
                s.label = clean_label(last_text)
                s.context = clean_label(last_text)
            if not s.context:
                s.context = clean_label(last_text)
        slots += found
        if block.text.strip():
            last_text = block.text
        i += 1
    for n, s in enumerate(slots):
        s.order = n
    return slots


def _plain_answer(block: Block) -> bool:
    text = block.text.strip()
    return bool(text) and not block.bold and len(text.split()) <= 80 and not HEADING.match(text) \
        and not has_options(block)


def _starts_with_option(block: Block) -> bool:
    t = block.text.lstrip()
    return bool(t) and (t[0] in BOX_CHARS or bool(TYPED_MARK.match(t)))


def _looks_like_choice_line(block: Block, items: Sequence[Any], i: int) -> bool:
    """A line with a typed X and no box: a choice when its neighbours are checkbox lines."""
    neighbours: Iterable[Any] = items[max(0, i - 2):i] + items[i + 1:i + 3]
    return any(isinstance(n, Block) and has_options(n) for n in neighbours)
