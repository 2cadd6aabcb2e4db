"""Plain data passed between the pipeline stages.

    reader → Document(items: Block | Table) → slots → Slot(value text) → values → matching → Field → Result

Readers know formats; every later stage sees only these objects. Each has ``to_dict()`` for JSON and
debugging dumps.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field, fields
from operator import attrgetter
from typing import Any

EMPTY_BOX = "\u2610"  # ☐ — how every unchecked checkbox appears in Block.text
CHECKED_BOX = "\u2612"  # ☒ — how every checked checkbox appears in Block.text
UNKNOWN_BOX = "\u25a2"  # ▢ — a box whose state the reader could not tell


@dataclass
class Box:
    """One checkbox in a block: where it stands in the block's text, its state and how it was encoded."""

    offset: int
    checked: bool | None  # None: the state could not be read (e.g. PDF glyphs that all look alike)
    encoding: str  # glyph | sym | pua_text | formcheckbox | sdt | vector


@dataclass
class Span:
    """A stretch of a block's text `[start, end)` the clerk formatted: `bold`, `highlight` (a highlight or a
    shading colour behind the text) or `strike` (struck through once or twice). Readers report what they can
    see; what the formatting means (an option chosen, one not chosen) is decided after them."""

    start: int
    end: int
    style: str  # bold | highlight | strike


SPAN_STYLES = ("bold", "highlight", "strike")


@dataclass
class Block:
    """A paragraph (or one paragraph of a table cell) with its text in reading order.

    Checkboxes are written into `text` as ☐ / ☒ / ▢ at `Box.offset`, whatever their source encoding.
    `location` is format-specific but JSON-plain: DOCX ``{"part": "body", "block": 12}`` (cells add
    ``row``/``cell``), PDF ``{"page": 2, "bbox": [x0, top, x1, bottom]}``.
    """

    text: str
    boxes: list[Box] = field(default_factory=list)
    location: dict[str, Any] = field(default_factory=dict)
    bold: bool = False
    spans: list[Span] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    def styles_at(self, start: int, end: int) -> frozenset[str]:
        """The span styles covering most of the non-space characters of `text[start:end]`."""
        if not self.spans:
            return frozenset()
        chars = [i for i in range(start, min(end, len(self.text))) if not self.text[i].isspace()]
        if not chars:
            return frozenset()
        out = set()
        for style in {sp.style for sp in self.spans}:
            covered = sum(1 for i in chars if any(sp.style == style and sp.start <= i < sp.end for sp in self.spans))
            if 2 * covered > len(chars):
                out.add(style)
        return frozenset(out)


@dataclass
class Cell:
    """A table cell, merged cells given once with their span."""

    row: int
    col: int
    blocks: list[Block] = field(default_factory=list)
    colspan: int = 1
    rowspan: int = 1

    @property
    def text(self) -> str:
        return "\n".join(b.text for b in self.blocks)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class Table:
    """A table as a grid of cells; `rows[r]` lists the cells starting in row r, left to right."""

    rows: list[list[Cell]]
    location: dict[str, Any] = field(default_factory=dict)

    @property
    def ncols(self) -> int:
        return max((c.col + c.colspan for row in self.rows for c in row), default=0)

    def to_dict(self) -> dict[str, Any]:
        return {"rows": [[c.to_dict() for c in row] for row in self.rows], "location": self.location}


def item_texts(items: Iterable[Block | Table]) -> list[str]:
    """The texts of a document's items in order: each Block's, each Table cell's blocks' (row by row)."""
    out: list[str] = []
    for item in items:
        if isinstance(item, Block):
            out.append(item.text)
        elif isinstance(item, Table):
            out += [b.text for row in item.rows for cell in row for b in cell.blocks]
    return out


@dataclass
class Source:
    """The file a result was read from: its path, the SHA-256 of its bytes and its format."""

    path: str
    sha256: str
    format: str  # docx | pdf | doc …


@dataclass
class Document:
    """What a reader produces: the body in reading order, format-free."""

    source: Source
    items: list[Block | Table]
    pages: int | None = None
    warnings: list[str] = field(default_factory=list)
    # legacy encodings the reader decoded to Unicode (by font, or as mojibake), e.g. ["TCVN3"]
    repairs: list[str] = field(default_factory=list)
    # reason codes every field of this document carries, which keep it from being accepted (e.g. a part
    # of the file was damaged and read in recovery mode: "damaged_file")
    doubts: list[str] = field(default_factory=list)
    # the text was recognised from page images (OCR): it is Unicode as read, never in a legacy encoding
    recognised: bool = False

    def to_dict(self) -> dict[str, Any]:
        return {
            "source": asdict(self.source),
            "pages": self.pages,
            "warnings": list(self.warnings),
            "repairs": list(self.repairs),
            "doubts": list(self.doubts),
            "items": [{"table" if isinstance(i, Table) else "block": i.to_dict()} for i in self.items],
        }


@dataclass
class Field:
    """One answer of a return as the product reports it (the output JSON's `fields[]` entry)."""

    field_id: str | None
    label: str
    section: str
    column: str | None
    value: Any
    raw: str | None
    unit: str | None
    type: str | None
    confidence: float
    status: str  # accepted | review | empty
    location: dict[str, Any]
    row: int | None = None
    reasons: list[str] = field(default_factory=list)  # why confidence is what it is
    candidates: list[dict[str, Any]] = field(default_factory=list)  # other field ids considered, with scores

    def to_dict(self, shallow: bool = False) -> dict[str, Any]:
        """The field as a JSON-plain dict; `shallow` shares the nested containers (location, reasons …) with
        the field instead of copying them: for serialising at once, not for a dict that will be edited."""
        # what asdict() gives, without its copy.deepcopy of every leaf (a return has thousands of them): a copy
        # of the instance's own dict when it holds the fields alone (its order is theirs: __init__ sets them)
        own = self.__dict__
        out = own.copy() if len(own) == len(_FIELD_NAMES) else dict(zip(_FIELD_NAMES, _field_values(self),
                                                                            strict=True))
        if not shallow:
            for name in _CONTAINER_NAMES:
                out[name] = _plain(out[name])
        return out


def _field_view(f: Field) -> dict[str, Any]:
    """`f.to_dict(shallow=True)` without the copy: the field's own dict when it holds the fields alone (in their
    order), which the caller must not change."""
    own = f.__dict__
    return own if len(own) == len(_FIELD_NAMES) else f.to_dict(shallow=True)


def _plain(value: Any) -> Any:
    """A copy of a JSON-plain value (dicts, lists, tuples of scalars)."""
    t = type(value)
    if t is str or t is float or t is int or value is None:
        return value
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, tuple):
        return tuple(_plain(v) for v in value)
    return value


_FIELD_NAMES = tuple(f.name for f in fields(Field))
_field_values = attrgetter(*_FIELD_NAMES)
# the fields that may hold a dict, list or tuple (the others are typed as str, float, int or None)
_CONTAINER_NAMES = ("value", "location", "reasons", "candidates")


def _source_dict(source: Source) -> dict[str, Any]:
    """`asdict(source)` without its recursion: each field's value as a JSON-plain copy (`_plain`)."""
    return {name: _plain(value) for name, value in zip(_SOURCE_NAMES, _source_values(source), strict=True)}


_SOURCE_NAMES = tuple(f.name for f in fields(Source))
_source_values = attrgetter(*_SOURCE_NAMES)


@dataclass
class Result:
    """Everything extracted from one return."""

    source: Source
    form_id: str | None
    form_confidence: float
    fields: list[Field]
    unmatched: list[Field]
    warnings: list[str] = field(default_factory=list)
    form_scores: dict[str, float] = field(default_factory=dict)
    repairs: list[str] = field(default_factory=list)  # legacy encodings decoded (Document.repairs); not in JSON

    def to_dict(self, shallow: bool = False) -> dict[str, Any]:
        """The result as the output JSON's dict (`shallow`: see `Field.to_dict`)."""
        return self._dict(lambda f: f.to_dict(shallow))

    def view(self) -> dict[str, Any]:
        """`to_dict(shallow=True)` sharing each field's own dict rather than a copy of it: only to check and
        serialise at once (`output.write_result`), never to change."""
        return self._dict(_field_view)

    def _dict(self, field_dict: Callable[[Field], dict[str, Any]]) -> dict[str, Any]:
        """The output JSON's dict with each field (matched or not) as `field_dict` gives it."""
        return {
            "source": _source_dict(self.source),
            "form": {"id": self.form_id, "confidence": self.form_confidence, "scores": self.form_scores},
            "fields": list(map(field_dict, self.fields)),
            "unmatched": list(map(field_dict, self.unmatched)),
            "warnings": list(self.warnings),
        }
