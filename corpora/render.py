"""Render a form description, blank or filled, to DOCX, and record where every slot landed.

The renderer knows nothing about a particular form: it walks the description's blocks. What a clerk typed
comes in as `Fill` (for blanks) and `Mark` (for checkbox groups) keyed by slot key; the renderer returns a
`SlotRecord` per slot (label, section, column, location, raw text) for the ground truth.
"""

from __future__ import annotations

import hashlib
import io
import zipfile
from dataclasses import dataclass, field
from typing import Any

import regex
from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.oxml.ns import qn
from docx.shared import Cm, Pt
from docx.table import _Cell
from docx.text.paragraph import Paragraph

from corpora.boxes import add_box
from corpora.formdesc import (
    Blank,
    Choice,
    FormDesc,
    HeaderCell,
    Heading,
    Line,
    ListTable,
    PageBreak,
    Para,
    Segment,
    Signature,
    Table,
)

LEADERS = ["…...............", "……………", ".............", "…..........", "………………..", "…………"]
NUMBERING = regex.compile(r"^\s*(?:(?:[IVX]+|\d+(?:\.\d+)*|[a-zđ])[\.\)]\s*|[-+·•*]\s*)+")
EDGE_JUNK = regex.compile(r"^[\s,;:\.…)]+|[\s,;:\.…(]+$")
FIXED_ZIP_TIME = (2020, 1, 1, 0, 0, 0)
COLUMN_NUMBER = regex.compile(r"^\(?\d+\)?$")  # "(1)", "(2)" … numbering rows under a header

SlotKey = tuple[str, Any]  # (field_id, row-or-None)


@dataclass
class Fill:
    """What a clerk typed into one blank."""

    text: str
    style: str = "inside_leader"  # inside_leader | replaced_leader | cell
    split: float = 0.3  # where inside the leader the value goes (0..1)


@dataclass
class Mark:
    """How a clerk answered one checkbox group."""

    chosen: list[Any]
    style: str = "native"  # native | typed_x | bracket_x | deleted_others


@dataclass
class SlotRecord:
    field_id: str
    row: int | None
    label: str
    section: str
    column: str | None
    type: str
    unit: str | None
    location: dict[str, Any]
    raw: str | None = None
    fill: str | None = None
    context: str = ""  # the whole line / row label / question around the slot
    before: str = ""  # printed text right before the blank (since the previous blank)
    after: str = ""  # printed text right after the blank (up to the next blank)


@dataclass
class RenderOptions:
    box: str = "glyph"
    box_variant: int = 0
    list_rows: dict[str, list[dict[str, str]]] = field(default_factory=dict)  # list-table field -> rows


def clean_label(text: str) -> str:
    """Label text as a person would quote it: numbering, leaders and edge punctuation stripped."""
    text = regex.sub(r"[…\.]{3,}", " ", text)
    text = NUMBERING.sub("", text)
    text = EDGE_JUNK.sub("", text)
    return regex.sub(r"\s+", " ", text).strip()


def default_leader(field_id: str) -> str:
    digest = hashlib.sha1(field_id.encode()).digest()
    return LEADERS[digest[0] % len(LEADERS)]


class Renderer:
    """Walks one description and writes the DOCX."""

    def __init__(self, desc: FormDesc, fills: dict[SlotKey, Fill], marks: dict[SlotKey, Mark],
                 options: RenderOptions) -> None:
        self.desc = desc
        self.fills = fills
        self.marks = marks
        self.opt = options
        self.doc = Document()
        self.records: list[SlotRecord] = []
        self.section = ["", ""]
        self.block_no = -1
        self.last_text = ""
        self.box_counter = 0
        self.context = ""
        self.around = ("", "")
        self._setup()

    # -- document set-up -------------------------------------------------------------------------
    def _setup(self) -> None:
        style = self.doc.styles["Normal"]
        style.font.name = "Times New Roman"
        style.font.size = Pt(13)
        rfonts = style.element.rPr.find(qn("w:rFonts"))
        for attr in ("w:eastAsia", "w:cs", "w:hAnsi"):
            rfonts.set(qn(attr), "Times New Roman")
        style.paragraph_format.space_after = Pt(3)
        sec = self.doc.sections[0]
        sec.page_width, sec.page_height = Cm(21), Cm(29.7)
        sec.left_margin, sec.right_margin = Cm(3), Cm(2)
        sec.top_margin, sec.bottom_margin = Cm(2), Cm(2)
        props = self.doc.core_properties
        props.title = f"{self.desc.id} {self.desc.period}"
        props.author = self.desc.issuer or "Sở Thông tin và Truyền thông"
        props.last_modified_by = props.author

    def _para(self, align: Any = None) -> Paragraph:
        self.block_no += 1
        p = self.doc.add_paragraph()
        if align is not None:
            p.alignment = align
        return p

    @property
    def section_path(self) -> str:
        return " / ".join(s for s in self.section if s)

    # -- blocks ------------------------------------------------------------------------------------
    def render(self) -> bytes:
        for line in self.desc.title:
            self._para(WD_ALIGN_PARAGRAPH.CENTER).add_run(line).bold = True
        dispatch = {Heading: self._heading, Para: self._para_block, Line: self._line, Choice: self._choice,
                    Table: self._table, ListTable: self._listtable, PageBreak: self._pagebreak,
                    Signature: self._signature}
        for block in self.desc.body:
            dispatch[type(block)](block)
        return self._save()

    def _heading(self, b: Heading) -> None:
        if b.level == 1:
            self.section = [b.text, ""]
        else:
            self.section[1] = b.text
        self._para().add_run(b.text).bold = True
        self.last_text = b.text

    def _para_block(self, b: Para) -> None:
        self._para().add_run(b.text)
        self.last_text = b.text

    def _line(self, b: Line) -> None:
        self.context = clean_label("".join(s for s in b.segments if isinstance(s, str)))
        p = self._para()
        self._segments(p, b.segments, {"block": self.block_no})
        self.last_text = "".join(s for s in b.segments if isinstance(s, str))

    def _pagebreak(self, b: PageBreak) -> None:
        self._para().add_run().add_break(WD_BREAK.PAGE)

    def _signature(self, b: Signature) -> None:
        for i, text in enumerate(b.lines):
            self._para(WD_ALIGN_PARAGRAPH.RIGHT).add_run(text).bold = i == 0

    def _segments(self, p: Paragraph, segments: list[Segment], location: dict[str, Any],
                  default_label: str | None = None, column: str | None = None) -> None:
        """Write literal text and blanks; record a slot per blank."""
        lead = next((s for s in segments if isinstance(s, str)), "")
        before = ""
        for k, seg in enumerate(segments):
            if isinstance(seg, str):
                p.add_run(seg)
                before += seg
                continue
            nxt = segments[k + 1] if k + 1 < len(segments) else ""
            self.around = (before, nxt if isinstance(nxt, str) else "")
            label = seg.label or clean_label(before)
            if seg.col and not seg.label:
                label = clean_label(regex.sub(r"\([^()]*\)\s*$", "", lead).replace(seg.col, ""))
            if not label:
                label = default_label or clean_label(lead)
            self._blank(p, seg, label, location, column=column)
            before = ""

    def _blank(self, p: Paragraph, b: Blank, label: str, location: dict[str, Any], row: int | None = None,
               cell: bool = False, column: str | None = None) -> None:
        key = (b.field, row)
        fill = self.fills.get(key)
        leader = "" if cell else (b.leader or default_leader(b.field))
        if fill is None:
            p.add_run(leader)
        elif fill.style == "inside_leader" and leader:
            k = max(1, int(len(leader) * fill.split))
            p.add_run(leader[:k] + fill.text + leader[k:])
        else:
            p.add_run(fill.text)
        self.records.append(SlotRecord(b.field, row, label, self.section_path, b.col or column, b.type, b.unit,
                                       dict(location), fill.text if fill else None,
                                       (fill.style if not cell else "cell") if fill else None, self.context,
                                       *self.around))
        self.around = ("", "")

    def _choice(self, b: Choice) -> None:
        label = b.label
        self.context = clean_label(label or self.last_text)
        if label:
            p = self._para()
            p.add_run(label)
            if b.layout == "same_line":
                self._options(p, b, clean_label(label), {"block": self.block_no}, b.field)
                return
        else:
            label = self.last_text
        if b.layout == "list":
            self._options(None, b, clean_label(label), {"block": self.block_no + 1}, b.field)
        else:
            p = self._para()
            self._options(p, b, clean_label(label), {"block": self.block_no}, b.field)

    def _options(self, p: Paragraph | None, b: Any, label: str, location: dict[str, Any], fid: str,
                 column: str | None = None, cell: _Cell | None = None) -> None:
        """Write a checkbox group (options in one paragraph, or one paragraph per option)."""
        mark = self.marks.get((fid, None))
        chosen = mark.chosen if mark else []
        style = mark.style if mark else "native"
        first_block = self.block_no + 1
        written = 0
        for opt in b.options:
            is_chosen = opt.key in chosen
            if style == "deleted_others" and mark and not is_chosen:
                continue
            if p is None or b.layout == "list":
                if cell is not None:
                    p = cell.add_paragraph() if written else cell.paragraphs[0]
                else:
                    p = self._para()
                    p.paragraph_format.left_indent = Cm(1)
            elif cell is None or p.text:
                p.add_run("\t" if cell is None else "   ")
            written += 1
            self.box_counter += 1
            if style == "typed_x" and is_chosen:
                p.add_run("X")
            elif style == "bracket_x" and is_chosen:
                p.add_run("[x]")
            else:
                add_box(p, self.opt.box, is_chosen and style == "native", self.opt.box_variant,
                        f"Check{self.box_counter}")
            p.add_run(" " + opt.text)
        if b.layout == "list" and cell is None:
            location = {"block": first_block, "blocks": self.block_no - first_block + 1}
        raw = None
        if mark:
            raw = "; ".join(o.text for o in b.options if o.key in chosen)
        self.records.append(SlotRecord(fid, None, label, self.section_path, column, b.type, None,
                                       location, raw, style if mark else None, self.context or label))

    # -- tables ------------------------------------------------------------------------------------
    def _header(self, table: Any, header: list[list[HeaderCell]]) -> list[str]:
        """Write header rows with merges; return the header text for each grid column."""
        ncols = len(table.columns)
        col_text = [""] * ncols
        occupied: set[tuple[int, int]] = set()
        for r, row in enumerate(header):
            c = 0
            for hc in row:
                while (r, c) in occupied:
                    c += 1
                if c >= ncols:
                    break
                cell = table.cell(r, c)
                if hc.colspan > 1 or hc.rowspan > 1:
                    cell = cell.merge(table.cell(r + hc.rowspan - 1, min(ncols, c + hc.colspan) - 1))
                names_column = hc.text and hc.colspan < ncols - 1 and not COLUMN_NUMBER.match(hc.text)
                for rr in range(r, r + hc.rowspan):
                    for cc in range(c, c + hc.colspan):
                        occupied.add((rr, cc))
                        if names_column and hc.text not in col_text[min(cc, ncols - 1)]:
                            # a sub-column is named with its parent: "Văn bản hiện hành / Năm"
                            parent = col_text[min(cc, ncols - 1)] if hc.colspan == 1 and rr > 0 else ""
                            col_text[min(cc, ncols - 1)] = f"{parent} / {hc.text}" if parent else hc.text
                cell.text = ""
                run = cell.paragraphs[0].add_run(hc.text)
                run.bold = True
                cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
                c += hc.colspan
        return [clean_label(t) for t in col_text]

    def _new_table(self, nrows: int, ncols: int, label_col: int = 1) -> Any:
        self.block_no += 1
        t = self.doc.add_table(rows=nrows, cols=ncols)
        t.style = "Table Grid"
        t.alignment = WD_TABLE_ALIGNMENT.CENTER
        t.autofit = False
        widths = _column_widths(ncols, label_col)
        for row in t.rows:
            for cell, w in zip(row.cells, widths, strict=True):
                cell.width = w
        self._para()  # Word joins tables that touch; real forms keep an empty paragraph between them
        return t

    def _table(self, b: Table) -> None:
        ncols = len(b.columns)
        nhead = len(b.header)
        first_value = next((c for c, q in enumerate(b.columns) if q is not None), 1)
        label_col = max(0, first_value - 1)
        t = self._new_table(nhead + len(b.rows), ncols, label_col)
        col_text = self._header(t, b.header) if nhead else [""] * ncols
        tno = self.block_no - 1
        group = ""
        for i, row in enumerate(b.rows):
            r = nhead + i
            cells = t.rows[r].cells
            if row.group:
                group = clean_label(row.label)
            label = clean_label(row.label) if row.cells is None else ""
            self.context = f"{group} / {label}" if group and label and not row.group else label
            if row.cells is not None:
                row_label = ""
                for c, segs in enumerate(row.cells):
                    literal = clean_label("".join(s for s in segs if isinstance(s, str)))
                    own = row_label or literal
                    self.context = f"{group} / {own}" if group and own else own
                    self._segments(cells[c].paragraphs[0], segs, {"block": tno, "row": r, "cell": c},
                                   default_label=row_label or col_text[c], column=col_text[c] or None)
                    row_label = row_label or literal
                continue
            if label_col > 0:
                cells[0].text = row.n
            cells[label_col].paragraphs[0].add_run(row.label).bold = row.group
            if row.group:
                continue
            for c, q in enumerate(b.columns):
                if q is None or q in row.skip:
                    continue
                fid = f"{row.field}.{q}" if q else row.field
                loc = {"block": tno, "row": r, "cell": c}
                column = col_text[c] or None
                if row.options:
                    group = Choice(fid, row.type or "boolean", row.options, layout="inline")
                    self._options(cells[c].paragraphs[0], group, clean_label(row.label), loc, fid, column,
                                  cell=cells[c])
                else:
                    blank = Blank(fid, row.type or "text", unit=row.unit, col=column)
                    p = cells[c].paragraphs[0]
                    self._blank(p, blank, clean_label(row.label), loc)
                    if row.unit and p.text and not p.text.endswith(row.unit):
                        p.add_run(" " + row.unit)

    def _listtable(self, b: ListTable) -> None:
        rows = self.opt.list_rows.get(b.field)
        nrows = max(b.blank_rows, len(rows)) if rows else b.blank_rows
        nhead = len(b.header)
        t = self._new_table(nhead + nrows, len(b.columns))
        col_text = self._header(t, b.header) if nhead else [""] * len(b.columns)
        tno = self.block_no - 1
        for i in range(nrows):
            r = nhead + i
            values = rows[i] if rows and i < len(rows) else None
            for c, col in enumerate(b.columns):
                cell = t.rows[r].cells[c]
                if col.key is None:
                    cell.text = str(i + 1) if values or not rows else ""
                    continue
                fid = f"{b.field}.{col.key}"
                text = values.get(col.key) if values else None
                if text:
                    cell.paragraphs[0].add_run(text)
                if values is not None:
                    self.records.append(SlotRecord(fid, i + 1, col_text[c], self.section_path, col_text[c],
                                                   col.type, None, {"block": tno, "row": r, "cell": c},
                                                   text, "cell" if text else None, col_text[c]))

    # -- output --------------------------------------------------------------------------------------
    def _save(self) -> bytes:
        buf = io.BytesIO()
        self.doc.save(buf)
        return deterministic_zip(buf.getvalue())


def _column_widths(ncols: int, label_col: int) -> list[Any]:
    """A narrow number column, a wide label column, the rest shared (16 cm of text width)."""
    total = 16.0
    if ncols == 1:
        return [Cm(total)]
    number = 1.2 if label_col >= 1 else 0.0
    label = min(6.5, total * 0.4)
    rest = ncols - (2 if label_col >= 1 else 1)
    other = (total - number - label) / max(1, rest)
    widths = []
    for c in range(ncols):
        if c == label_col:
            widths.append(Cm(label))
        elif c == 0 and label_col >= 1:
            widths.append(Cm(number))
        else:
            widths.append(Cm(other))
    return widths


def deterministic_zip(data: bytes) -> bytes:
    """Rewrite a zip with fixed timestamps so that the same document gives the same bytes."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            zi = zipfile.ZipInfo(info.filename, FIXED_ZIP_TIME)
            zi.compress_type = zipfile.ZIP_DEFLATED
            zi.external_attr = 0o644 << 16
            dst.writestr(zi, src.read(info.filename))
    return out.getvalue()


def render(desc: FormDesc, fills: dict[SlotKey, Fill] | None = None, marks: dict[SlotKey, Mark] | None = None,
           options: RenderOptions | None = None) -> tuple[bytes, list[SlotRecord]]:
    """Render `desc` (blank when no fills/marks) and return the DOCX bytes and the slot records."""
    r = Renderer(desc, fills or {}, marks or {}, options or RenderOptions(box=desc.box))
    data = r.render()
    return data, r.records
