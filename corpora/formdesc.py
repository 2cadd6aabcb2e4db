"""Load and validate a form description (`corpora/forms/<form>.yaml`, see FORMAT.md) into plain objects.

Run as ``python -m corpora.formdesc FILE...`` to check description files.
"""

from __future__ import annotations

import sys
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field
from dataclasses import field as dc_field
from pathlib import Path
from typing import Any

import regex
import yaml

from corpora.dateframe import parse_frame
from extractor.errors import PatternError

TYPES = {"integer", "decimal", "percent", "boolean", "choice", "multi_choice", "text", "date", "ratio"}
BOX_ENCODINGS = {"glyph", "glyph_square", "wingdings_sym", "wingdings2_sym", "wingdings_text", "formcheckbox", "sdt"}
TEXT_KINDS = {"agency", "person", "phone", "email", "url", "docno", "position", "address", "app_name", "free",
              "year", "period", "code", "service", "service_group"}
LAYOUTS = {"inline", "list", "same_line"}
LEADER_WORDS = {"tab", "box"}  # a tab to a dotted tab stop (Word's dot leader); a box that takes a number
FIELD_ID = regex.compile(r"^[a-z0-9_]+(\.[a-z0-9_]+)*$")
BLANK = regex.compile(r"\{([a-z0-9_.]+)\|([a-z_]+)((?:\|[^{}|]*)*)\}")


@dataclass
class Blank:
    """One blank written ``{FIELD|TYPE|key=value…}`` inside a line or a table cell."""

    field: str
    type: str
    unit: str | None = None
    label: str | None = None
    col: str | None = None
    leader: str | None = None
    kind: str = "free"
    min: float | None = None
    max: float | None = None
    part_of: str | None = None
    le: str | None = None
    rate_of: tuple[str, str] | None = None
    sums_to: str | None = None  # a column of a table row whose total column is this field (adds up exactly)
    frame: str | None = None  # a date blank printed as a frame: `……, ngày ...... tháng  8 năm 2019` (dateframe.py)


Segment = str | Blank


@dataclass
class Option:
    key: Any
    text: str
    tail: list[Segment] = dc_field(default_factory=list)  # printed after the option (and its box): blanks
    item: str | None = None  # this option's own printing when it differs from the group's (see Choice.item)


@dataclass
class Heading:
    level: int
    text: str


@dataclass
class Para:
    text: str


@dataclass
class Line:
    segments: list[Segment]


@dataclass
class Choice:
    field: str
    type: str
    options: list[Option]
    label: str | None = None
    layout: str = "inline"
    item: str = "{box} {text}"  # how one option is printed: where the box stands against its text
    sep: str | None = None  # between options on one line (default: a tab; three spaces in a table cell)
    single: bool = False  # one box answers the question: ticked = yes, left empty = not said
    box: str | None = None  # this group's own box encoding when the form mixes two (□ lists beside ☐ pairs)


CellLine = list[Segment] | Choice


@dataclass
class Cell:
    """One table cell of a free-form row: one or more lines (paragraphs), each text with blanks or a choice."""

    lines: list[CellLine]
    colspan: int = 1


@dataclass
class TableRow:
    """A table row: a field row (n, label, one blank/choice per value column), a group row, or free cells."""

    cells: list[Cell] | None = None
    n: str = ""
    label: str = ""
    field: str | None = None
    type: str | None = None
    unit: str | None = None
    options: list[Option] | None = None
    group: bool = False
    skip: list[str] = dc_field(default_factory=list)  # qualifiers of value columns left without a blank
    min: float | None = None
    max: float | None = None
    part_of: str | None = None
    item: str | None = None  # option printing of the row's checkbox groups (see Choice.item)


@dataclass
class HeaderCell:
    text: str
    colspan: int = 1
    rowspan: int = 1


@dataclass
class Table:
    header: list[list[HeaderCell]]
    columns: list[str | None]
    rows: list[TableRow]


@dataclass
class ListColumn:
    key: str | None
    type: str = "text"
    kind: str = "free"
    options: list[Option] | None = None
    min: float | None = None
    max: float | None = None
    subcolumns: bool = False  # one grid column per option; the clerk ticks one (X, x, ✓ or a box)

    @property
    def width(self) -> int:
        return len(self.options or []) if self.subcolumns else 1


@dataclass
class ListTable:
    field: str
    header: list[list[HeaderCell]]
    columns: list[ListColumn]
    blank_rows: int = 3


@dataclass
class PageBreak:
    pass


@dataclass
class Signature:
    lines: list[str]


Block = Heading | Para | Line | Choice | Table | ListTable | PageBreak | Signature


@dataclass
class FormDesc:
    id: str
    seed: str
    issuer: str
    period: str
    box: str
    title: list[str]
    body: list[Block]
    rewrites: dict[str, list[str]] = field(default_factory=dict)
    path: str = ""


class _Loader:
    """Validates one description, collecting errors that name the file and the block."""

    def __init__(self, path: str) -> None:
        self.path = path
        self.where = ""

    def fail(self, msg: str) -> PatternError:
        return PatternError(f"{self.where}: {msg}" if self.where else msg, path=self.path)

    def text(self, value: Any, what: str) -> str:
        if not isinstance(value, str) or not value.strip():
            raise self.fail(f"{what} must be a non-empty string, got {value!r}")
        return unicodedata.normalize("NFC", value)

    def field_id(self, value: Any) -> str:
        if not isinstance(value, str) or not FIELD_ID.match(value):
            raise self.fail(f"bad field id {value!r} (lowercase dotted [a-z0-9_] segments)")
        return value

    def type_(self, value: Any) -> str:
        if value not in TYPES:
            raise self.fail(f"unknown type {value!r}; expected one of {sorted(TYPES)}")
        return value

    def number(self, value: Any, what: str) -> float | None:
        if value is None:
            return None
        try:
            return float(value)
        except (TypeError, ValueError):
            raise self.fail(f"{what} must be a number, got {value!r}") from None

    def options(self, raw: Any, type_: str) -> list[Option]:
        if not isinstance(raw, list) or len(raw) < 2:
            raise self.fail("options must be a list of at least two {key, text}")
        opts = []
        for o in raw:
            if not isinstance(o, dict) or "key" not in o or "text" not in o:
                raise self.fail(f"option must have key and text: {o!r}")
            tail = self.segments(o["tail"], strip=False) if o.get("tail") else []
            opts.append(Option(o["key"], self.text(o["text"], "option text"), tail, self.item(o.get("item"))))
        keys = [o.key for o in opts]
        if len(set(map(str, keys))) != len(keys):
            raise self.fail(f"duplicate option keys {keys}")
        if type_ == "boolean" and set(keys) != {True, False}:
            raise self.fail(f"boolean options need keys true and false, got {keys}")
        return opts

    def segments(self, text: Any, strip: bool = True) -> list[Segment]:
        if strip:
            text = self.text(text, "line text")
        elif not isinstance(text, str):
            raise self.fail(f"text must be a string, got {text!r}")
        out: list[Segment] = []
        pos = 0
        for m in BLANK.finditer(text):
            if m.start() > pos:
                out.append(text[pos:m.start()])
            out.append(self.blank(m))
            pos = m.end()
        if pos < len(text):
            out.append(text[pos:])
        stray = [s for s in out if isinstance(s, str) and ("{" in s or "}" in s)]
        if stray:
            raise self.fail(f"malformed blank in {text!r}")
        return out

    def blank(self, m: regex.Match) -> Blank:
        b = Blank(field=self.field_id(m.group(1)), type=self.type_(m.group(2)))
        for part in filter(None, m.group(3).split("|")):
            key, sep, val = part.partition("=")
            if not sep:
                raise self.fail(f"blank option {part!r} must be key=value in {m.group(0)!r}")
            if key in ("unit", "label", "col", "leader"):
                if key == "leader" and val not in LEADER_WORDS and not regex.fullmatch(r"[.…\s]*", val):
                    raise self.fail(f"leader must be dots, spaces or one of {sorted(LEADER_WORDS)}: {val!r}")
                setattr(b, key, unicodedata.normalize("NFC", val))
            elif key == "frame":
                if b.type != "date":
                    raise self.fail(f"frame= is for date blanks only: {m.group(0)!r}")
                try:
                    parse_frame(unicodedata.normalize("NFC", val))
                except ValueError as exc:
                    raise self.fail(str(exc)) from None
                b.frame = unicodedata.normalize("NFC", val)
            elif key == "kind":
                if val not in TEXT_KINDS:
                    raise self.fail(f"unknown kind {val!r}; expected one of {sorted(TEXT_KINDS)}")
                b.kind = val
            elif key in ("min", "max"):
                setattr(b, key, self.number(val, key))
            elif key in ("part_of", "le", "sums_to"):
                setattr(b, key, self.field_id(val))
            elif key == "rate_of":
                num, _, den = val.partition("/")
                b.rate_of = (self.field_id(num), self.field_id(den))
            else:
                raise self.fail(f"unknown blank option {key!r} in {m.group(0)!r}")
        return b

    def header(self, raw: Any) -> list[list[HeaderCell]]:
        if raw is None:
            return []
        if not isinstance(raw, list) or not all(isinstance(r, list) for r in raw):
            raise self.fail("header must be a list of rows (lists of cells)")
        rows = []
        for r in raw:
            row = []
            for c in r:
                if isinstance(c, dict):
                    row.append(HeaderCell(unicodedata.normalize("NFC", str(c.get("text", ""))),
                                          int(c.get("colspan", 1)), int(c.get("rowspan", 1))))
                else:
                    row.append(HeaderCell(unicodedata.normalize("NFC", "" if c is None else str(c))))
            rows.append(row)
        return rows

    def table(self, raw: dict) -> Table:
        columns = raw.get("columns")
        if not isinstance(columns, list):
            raise self.fail("table needs a columns list (qualifier per column, null for non-value columns)")
        rows = []
        for r in raw.get("rows") or []:
            if not isinstance(r, dict):
                raise self.fail(f"table row must be a mapping: {r!r}")
            if "cells" in r:
                cells = [self.cell(c) for c in r["cells"]]
                width = sum(c.colspan for c in cells)
                if width > len(columns):
                    raise self.fail(f"row spans {width} cells but the table has {len(columns)} columns")
                rows.append(TableRow(cells=cells))
                continue
            row = TableRow(n=str(r.get("n", "")), label=self.text(r.get("label"), "row label"),
                           group=bool(r.get("group", False)))
            if not row.group:
                row.field = self.field_id(r.get("field"))
                row.type = self.type_(r.get("type"))
                row.unit = r.get("unit")
                row.min = self.number(r.get("min"), "min")
                row.max = self.number(r.get("max"), "max")
                row.part_of = r.get("part_of")
                row.skip = [str(q) for q in r.get("skip") or []]
                row.item = self.item(r.get("item"))
                if row.type in ("boolean", "choice", "multi_choice"):
                    raw_opts = r.get("options") or [{"key": True, "text": "Có"}, {"key": False, "text": "Không"}]
                    row.options = self.options(raw_opts, row.type)
            rows.append(row)
        if not any(c is not None for c in columns) and any(r.field for r in rows):
            raise self.fail("field rows need at least one value column (non-null entry in columns)")
        return Table(self.header(raw.get("header")), columns, rows)

    def cell(self, raw: Any) -> Cell:
        """A free-form cell: a string (one line), a list of lines, or {lines: [...], colspan: N}."""
        colspan = 1
        if isinstance(raw, dict) and "choice" not in raw:
            colspan = int(raw.get("colspan", 1))
            raw = raw.get("lines", [])
        items = raw if isinstance(raw, list) else [raw]
        lines: list[CellLine] = []
        for it in items:
            if isinstance(it, dict) and set(it) == {"choice"}:
                lines.append(self.choice(it["choice"]))
            elif it is None or (isinstance(it, str) and not it.strip()):
                lines.append([])
            else:
                lines.append(self.segments(it))
        return Cell(lines or [[]], colspan)

    def item(self, raw: Any) -> str | None:
        if raw is None:
            return None
        if not isinstance(raw, str) or raw.count("{box}") != 1 or raw.count("{text}") > 1:
            raise self.fail(f"item must hold one {{box}} and at most one {{text}}: {raw!r}")
        return unicodedata.normalize("NFC", raw)

    def choice(self, val: Any) -> Choice:
        if not isinstance(val, dict):
            raise self.fail(f"choice must be a mapping: {val!r}")
        type_ = self.type_(val.get("type", "choice"))
        if type_ not in ("choice", "multi_choice", "boolean"):
            raise self.fail(f"choice type must be choice, multi_choice or boolean, got {type_!r}")
        layout = val.get("layout", "inline")
        if layout not in LAYOUTS:
            raise self.fail(f"unknown layout {layout!r}")
        label = self.text(val["label"], "choice label") if val.get("label") else None
        single = bool(val.get("single", False))
        if single:
            if type_ != "boolean" or "options" in val:
                raise self.fail("a single-box choice is a boolean without options (ticked = yes)")
            text = unicodedata.normalize("NFC", str(val.get("text", "")))
            options = [Option(True, text)]
        else:
            options = self.options(val.get("options"), type_)
        sep = val.get("sep")
        item = self.item(val.get("item")) or ("{text} {box}" if single else "{box} {text}")
        box = val.get("box")
        if box is not None and box not in BOX_ENCODINGS:
            raise self.fail(f"unknown box encoding {box!r}; expected one of {sorted(BOX_ENCODINGS)}")
        return Choice(self.field_id(val.get("field")), type_, options, label, layout, item,
                      None if sep is None else str(sep), single, box)

    def list_table(self, raw: dict) -> ListTable:
        cols = []
        for c in raw.get("columns") or []:
            if not isinstance(c, dict) or "key" not in c:
                raise self.fail(f"list_table column needs a key (null for the running number): {c!r}")
            col = ListColumn(key=c["key"], type=self.type_(c.get("type", "text")), kind=c.get("kind", "free"),
                             min=self.number(c.get("min"), "min"), max=self.number(c.get("max"), "max"))
            if col.kind not in TEXT_KINDS:
                raise self.fail(f"unknown kind {col.kind!r}")
            if col.type in ("choice", "multi_choice"):
                col.options = self.options(c.get("options"), col.type)
            col.subcolumns = bool(c.get("subcolumns", False))
            if col.subcolumns and col.type != "choice":
                raise self.fail(f"subcolumns need a choice column: {c!r}")
            cols.append(col)
        if not any(c.key for c in cols):
            raise self.fail("list_table needs at least one keyed column")
        return ListTable(self.field_id(raw.get("field")), self.header(raw.get("header")), cols,
                         int(raw.get("blank_rows", 3)))

    def block(self, raw: Any) -> Block:
        if not isinstance(raw, dict) or len(raw) != 1:
            raise self.fail(f"a block is a one-key mapping, got {raw!r}")
        (kind, val), = raw.items()
        if kind == "h1":
            return Heading(1, self.text(val, "h1"))
        if kind == "h2":
            return Heading(2, self.text(val, "h2"))
        if kind == "p":
            return Para(self.text(val, "p"))
        if kind == "line":
            return Line(self.segments(val))
        if kind == "choice":
            return self.choice(val)
        if kind == "table":
            return self.table(val)
        if kind == "list_table":
            return self.list_table(val)
        if kind == "page_break":
            return PageBreak()
        if kind == "signature":
            return Signature([self.text(t, "signature line") for t in val])
        raise self.fail(f"unknown block kind {kind!r}")

    def load(self, data: Any) -> FormDesc:
        if not isinstance(data, dict):
            raise self.fail("top level must be a mapping")
        for key in ("id", "seed", "body"):
            if key not in data:
                raise self.fail(f"missing top-level key {key!r}")
        box = data.get("box", "glyph")
        if box not in BOX_ENCODINGS:
            raise self.fail(f"unknown box encoding {box!r}; expected one of {sorted(BOX_ENCODINGS)}")
        body = []
        for i, raw in enumerate(data["body"]):
            self.where = f"body[{i}]"
            body.append(self.block(raw))
        self.where = "rewrites"
        rewrites = {}
        for k, v in (data.get("rewrites") or {}).items():
            alts = v if isinstance(v, list) else [v]
            rewrites[unicodedata.normalize("NFC", str(k))] = [self.text(a, "rewrite") for a in alts]
        self.where = ""
        desc = FormDesc(id=str(data["id"]), seed=str(data["seed"]), issuer=str(data.get("issuer", "")),
                        period=str(data.get("period", "")), box=box,
                        title=[self.text(t, "title") for t in data.get("title") or []],
                        body=body, rewrites=rewrites, path=self.path)
        self.check_fields(desc)
        return desc

    def check_fields(self, desc: FormDesc) -> None:
        seen: dict[str, str] = {}
        refs: list[str] = []
        for fid, where, blank in iter_field_ids(desc):
            if fid in seen:
                raise self.fail(f"field id {fid!r} used twice ({seen[fid]} and {where})")
            seen[fid] = where
            if blank is not None:
                refs += [r for r in (blank.part_of, blank.le, blank.sums_to, *(blank.rate_of or ())) if r]
        missing = sorted({r for r in refs if r not in seen})
        if missing:
            raise self.fail(f"part_of/le/rate_of name fields not on this form: {missing}")


def line_slots(item: list[Segment] | Choice) -> Iterator[Blank | Choice]:
    """Blanks and checkbox groups of one line or choice, in printed order (a choice, then its options' blanks)."""
    if isinstance(item, Choice):
        yield item
        for o in item.options:
            yield from (s for s in o.tail if isinstance(s, Blank))
    else:
        yield from (s for s in item if isinstance(s, Blank))


def cells_slots(cells: list[Cell]) -> Iterator[Blank | Choice]:
    """Blanks and checkbox groups of a free-form table row, cell by cell, line by line."""
    for cell in cells:
        for line in cell.lines:
            yield from line_slots(line)


def block_slots(b: Block) -> Iterator[Blank | Choice]:
    """Blanks and checkbox groups of a line, a choice or the free-form rows of a table."""
    if isinstance(b, Line):
        yield from line_slots(b.segments)
    elif isinstance(b, Choice):
        yield from line_slots(b)
    elif isinstance(b, Table):
        for r in b.rows:
            if r.cells is not None:
                yield from cells_slots(r.cells)


def iter_field_ids(desc: FormDesc):
    """Yield (field_id, where, blank-or-None) for every fillable item of a form (list tables: column ids)."""
    for i, b in enumerate(desc.body):
        where = f"body[{i}]"
        if isinstance(b, (Line, Choice)):
            for s in block_slots(b):
                yield s.field, where, (s if isinstance(s, Blank) else None)
        elif isinstance(b, Table):
            for r in b.rows:
                if r.cells is not None:
                    for s in cells_slots(r.cells):
                        yield s.field, where, (s if isinstance(s, Blank) else None)
                elif r.field:
                    for q in b.columns:
                        if q is not None and q not in r.skip:
                            fid = f"{r.field}.{q}" if q else r.field
                            yield fid, where, Blank(fid, r.type or "text", part_of=_qualified(r.part_of, q))
        elif isinstance(b, ListTable):
            for c in b.columns:
                if c.key:
                    yield f"{b.field}.{c.key}", where, None


def _qualified(part_of: str | None, qualifier: str | None) -> str | None:
    if not part_of:
        return None
    return f"{part_of}.{qualifier}" if qualifier else part_of


def load_form(path: str | Path) -> FormDesc:
    """Load and validate one description file; raises PatternError naming the file and block."""
    path = str(path)
    try:
        with open(path, encoding="utf-8") as fh:
            data = yaml.safe_load(fh)
    except (OSError, yaml.YAMLError) as exc:
        raise PatternError(f"cannot read form description: {exc}", path=path) from exc
    return _Loader(path).load(data)


def load_forms(forms_dir: str | Path) -> list[FormDesc]:
    """All descriptions in a folder, sorted by form id."""
    return sorted((load_form(p) for p in sorted(Path(forms_dir).glob("*.yaml"))), key=lambda d: d.id)


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    status = 0
    for p in argv or sorted(str(p) for p in Path(__file__).parent.joinpath("forms").glob("*.yaml")):
        try:
            desc = load_form(p)
        except PatternError as exc:
            print(exc)
            status = 1
            continue
        ids = list(iter_field_ids(desc))
        print(f"{p}: ok — {len(desc.body)} blocks, {len(ids)} fields")
    return status


if __name__ == "__main__":
    raise SystemExit(main())
