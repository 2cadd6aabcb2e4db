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
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK, WD_COLOR_INDEX, WD_TAB_ALIGNMENT, WD_TAB_LEADER
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor
from docx.table import _Cell
from docx.text.paragraph import Paragraph

from corpora.boxes import add_box
from corpora.formdesc import (
    Blank,
    Cell,
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
SPACE_ONLY_TRIM = regex.compile(r"[\s:]+$")  # the colon and spaces a clerk deletes before typing the value
TYPED_CHECKED = "\u2612"  # ☒ typed as a character over a box
PRINTED_BOX = "{box}"  # a box printed in static text (a worked example), drawn in the form's encoding
ROW_NUMBER = regex.compile(r"^\(?(?:\d+|[IVX]+|[a-zđ])\)?\.?$")  # "3", "a", "IV." in a table's first column
TAB_STOP = Cm(16)  # right margin of the text area: where a `leader=tab` dot leader ends
COLUMN_NUMBER = regex.compile(r"^\(?\d+\)?$")  # "(1)", "(2)" … numbering rows under a header

SlotKey = tuple[str, Any]  # (field_id, row-or-None)
# corpora/habits_more.yaml styles: the value's run formatted or marked up, the chosen option shown by formatting
MARKED_UP = {"other_font", "tracked_insert", "commented"}
SHOWN_BY_FORMAT = {"bold_chosen", "highlight_chosen", "strike_others"}
OTHER_FONTS = [("Arial", "0000FF"), ("Calibri", "C00000"), ("Arial", "1F4E79")]
COMMENTS = ["Số liệu ước tính", "Đề nghị kiểm tra lại", "Số liệu tạm tính đến ngày báo cáo"]
CLERK = "Văn thư"
REVISION_DATE = "2019-08-15T09:00:00Z"


@dataclass
class Fill:
    """What a clerk typed into one blank."""

    text: str
    style: str = "inside_leader"  # a blank style of corpora/habits.py STYLES (inside_leader, next_line …)
    split: float = 0.3  # where inside the leader the value goes (0..1)
    note: str = ""  # worked_example: the printed example left under the question
    # a date frame (corpora/dateframe.py): the whole frame as left, and what the truth records (the date as it reads)
    frame: str | None = None
    raw: str | None = None


@dataclass
class Mark:
    """How a clerk answered one checkbox group."""

    chosen: list[Any]
    style: str = "native"  # a checkbox style of corpora/habits.py STYLES (native, typed_x, x_after_box …)
    text: str = ""  # what is typed against the box (x_after_box: "x ", check_after_option: " ✓")


@dataclass
class Tick:
    """A clerk's tick in an option sub-column of a list table: the mark typed and the option it stands for."""

    mark: str  # "X", "x", "✓", or "☒" for a checked box drawn in the return's encoding
    key: Any


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
    list_rows: dict[str, list[dict[str, Any]]] = field(default_factory=dict)  # list-table field -> rows
    # (cell text by column key; a `Tick` for option sub-columns)
    extra_columns: dict[str, tuple[str, list[str]]] = field(default_factory=dict)  # field -> (header, cells)


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
        self.after_line: list[tuple[SlotRecord | None, str]] = []  # next_line values and notes to write
        self.extras: list[dict[str, Any]] = []  # cells of columns the clerk added
        self.revision = 0  # tracked-change ids, and which font or comment a marked-up value takes
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
        p = self._para()
        for k, part in enumerate(b.text.split(PRINTED_BOX)):
            if k:
                self.box_counter += 1
                add_box(p, self.opt.box, False, self.opt.box_variant, f"Check{self.box_counter}")
            if part:
                p.add_run(part)
        self.last_text = b.text.replace(PRINTED_BOX, "")

    def _line(self, b: Line) -> None:
        literal = "".join(s for s in b.segments if isinstance(s, str))
        own = _own_label(b.segments)
        question = clean_label(self.last_text)
        # a line of qualified blanks only ("(Cấp tỉnh)…… (Cấp huyện)……") answers the question printed above it
        self.context = clean_label(literal) if own else question
        p = self._para()
        self._segments(p, b.segments, {"block": self.block_no}, default_label=None if own else question)
        self.last_text = literal if own else self.last_text
        self._after_line()

    def _after_line(self) -> None:
        """Values the clerk typed on the next line, then printed examples left in place, one paragraph each."""
        pending, self.after_line = self.after_line, []
        for record, text in sorted(pending, key=lambda x: x[0] is None):
            p = self._para()
            p.add_run(text).italic = record is None
            if record is not None:
                record.location = {"block": self.block_no}

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
                nxt = segments[k + 1] if k + 1 < len(segments) else None
                fill = self.fills.get((nxt.field, None)) if isinstance(nxt, Blank) else None
                if fill is not None and fill.style == "space_only":
                    seg = SPACE_ONLY_TRIM.sub("", seg) + " "  # "năm sinh: …" → "năm sinh 28/2/1978"
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
        leader = "" if cell else (b.leader if b.leader is not None else default_leader(b.field))
        if leader in ("box", "tab"):
            self._box_or_tab_blank(p, leader, fill)
        elif b.frame:  # a date frame: as printed, or as the clerk filled its parts
            p.add_run(fill.frame if fill is not None and fill.frame else b.frame)
        elif fill is not None and fill.style in MARKED_UP:
            space = " " if fill.text[-1:].isalnum() and self.around[1][:1].isalnum() else ""
            self._marked_up_blank(p, fill, leader, space)
        else:
            typed = typed_blank(fill, leader)
            if typed[-1:].isalnum() and self.around[1][:1].isalnum():
                typed += " "  # a clerk separates the value from the unit printed after the blank
            p.add_run(typed)
        self.records.append(SlotRecord(b.field, row, label, self.section_path, b.col or column, b.type, b.unit,
                                       dict(location), (fill.raw or fill.text) if fill else None,
                                       (fill.style if not cell else "cell") if fill else None, self.context,
                                       *self.around))
        self.around = ("", "")
        if fill is not None and fill.style == "next_line":
            self.after_line.append((self.records[-1], fill.text))
        if fill is not None and fill.note:
            self.after_line.append((None, fill.note))

    def _choice(self, b: Choice) -> None:
        label = b.label
        self.context = clean_label(label or self.last_text)
        if label:
            p = self._para()
            p.add_run(label)
            if b.layout == "same_line":
                self._options(p, b, clean_label(label), {"block": self.block_no})
                self.last_text = label
                self._after_line()
                return
        else:
            label = self.last_text
        if b.layout == "list":
            self._options(None, b, clean_label(label), {"block": self.block_no + 1})
        else:
            p = self._para()
            self._options(p, b, clean_label(label), {"block": self.block_no})
        self.last_text = label
        self._after_line()  # an option's own blank typed on the next line

    def _options(self, p: Paragraph | None, b: Choice, label: str, location: dict[str, Any],
                 column: str | None = None, cell: _Cell | None = None) -> None:
        """Write a checkbox group: options on one line, or one paragraph per option (`list`); each option printed
        by the group's `item` template (box before or after its text) and followed by its own blanks."""
        fid = b.field
        mark = self.marks.get((fid, None))
        chosen = mark.chosen if mark else []
        style = mark.style if mark else "native"
        if style == "deleted_others" and (b.single or any(o.tail for o in b.options)):
            style = "native"  # nothing to delete beside a single box; an option's own blanks stay printed
        said = bool(mark) and not (b.single and True not in chosen)  # an empty single box says nothing
        sep = b.sep if b.sep is not None else ("   " if cell is not None else "\t")
        box = b.box if b.box and self.opt.box == self.desc.box else self.opt.box  # a variant redraws them all
        first_block = self.block_no + 1
        at = len(self.records)  # the group's record goes before its options' own blanks
        written = 0
        for opt in b.options:
            is_chosen = said and opt.key in chosen
            if style == "deleted_others" and said and not is_chosen:
                continue
            if p is None or b.layout == "list":
                if cell is not None:
                    p = cell.add_paragraph() if (written or cell.paragraphs[-1].text) else cell.paragraphs[-1]
                else:
                    p = self._para()
                    p.paragraph_format.left_indent = Cm(1)
            elif written or p.text:
                p.add_run(sep)
            written += 1
            before, _, after = (opt.item or b.item).partition("{box}")
            self.box_counter += 1
            self._mark_option(p, style, is_chosen, mark.text if mark else "", box, before.replace("{text}", opt.text),
                              after.replace("{text}", opt.text))
            if opt.tail:
                self._segments(p, opt.tail, dict(location) if cell is not None else {"block": self.block_no},
                               default_label=clean_label(opt.text))
        if b.layout == "list" and cell is None:
            location = {"block": first_block, "blocks": self.block_no - first_block + 1}
        raw = "; ".join(o.text or "☒" for o in b.options if o.key in chosen) if said else None
        self.records.insert(at, SlotRecord(fid, None, label, self.section_path, column, b.type, None,
                                           location, raw, style if said else None, self.context or label))

    def _box_or_tab_blank(self, p: Paragraph, leader: str, fill: Fill | None) -> None:
        """A blank printed as a box ("ghi số lượng vào ô tương ứng") or a dotted tab stop, filled by the habit."""
        style = fill.style if fill is not None else "next_line"
        text = fill.text if fill is not None and style != "next_line" else ""
        keep = style in ("inside_leader", "worked_example", "next_line", "after_leader", "before_short_leader")
        if leader == "tab":
            _dot_tab_stop(p)

        def empty() -> None:
            if leader == "tab":
                p.add_run("\t")
            else:
                self.box_counter += 1
                add_box(p, self.opt.box, False, self.opt.box_variant, f"Check{self.box_counter}")

        if keep and (style == "before_short_leader" or (leader == "tab" and style != "after_leader")):
            if text:
                p.add_run(text)
            empty()
        elif keep:
            empty()
            if text:
                p.add_run(text)
        elif text and style in MARKED_UP:
            self._value_run(p, text, style)
        elif text:
            p.add_run(text)

    def _marked_up_blank(self, p: Paragraph, fill: Fill, leader: str, space: str) -> None:
        """A value whose run Word keeps formatted or marked up: in another font inside the leader, inserted as a
        tracked change where the dots were deleted as one, or carrying a comment."""
        if fill.style == "tracked_insert":
            if leader:
                _tracked(p, "del", leader, self._revision())
            _tracked(p, "ins", fill.text + space, self._revision())
            return
        k = max(1, int(len(leader) * fill.split)) if leader else 0
        if leader[:k]:
            p.add_run(leader[:k])
        self._value_run(p, fill.text, fill.style)
        if leader[k:] or space:
            p.add_run(space + leader[k:])

    def _value_run(self, p: Paragraph, text: str, style: str) -> None:
        """The typed value as one run formatted by a MARKED_UP style."""
        if style == "tracked_insert":
            _tracked(p, "ins", text, self._revision())
            return
        run = p.add_run(text)
        if style == "other_font":
            font, colour = OTHER_FONTS[self.revision % len(OTHER_FONTS)]
            self.revision += 1
            run.font.name = font
            rfonts = run._r.rPr.find(qn("w:rFonts"))
            rfonts.set(qn("w:hAnsi"), font)
            rfonts.set(qn("w:cs"), font)
            run.font.color.rgb = RGBColor.from_string(colour)
        elif style == "commented":
            note = COMMENTS[self.revision % len(COMMENTS)]
            self.revision += 1
            comment = self.doc.add_comment(run, note, author=CLERK, initials="VT")
            comment._comment_elm.set(qn("w:date"), REVISION_DATE)  # python-docx stamps the time: fix it

    def _revision(self) -> int:
        self.revision += 1
        return self.revision

    def _mark_option(self, p: Paragraph, style: str, chosen: bool, typed: str, box_enc: str, before: str,
                     after: str) -> None:
        """One option of a checkbox group: the printed text `before` its box, the box (or what replaces it) and
        the text `after` it, marked by `style`."""
        def box(on: bool) -> None:
            add_box(p, box_enc, on, self.opt.box_variant, f"Check{self.box_counter}")

        def run(text: str) -> None:
            if text:
                p.add_run(text)

        if style in SHOWN_BY_FORMAT:  # every box empty; the chosen (or the struck) options' text formatted
            formatted = chosen if style != "strike_others" else not chosen
            wide = 1 if len(regex.sub(r"\W", "", after)) >= len(regex.sub(r"\W", "", before)) else 0
            for k, part in enumerate((before, after)):
                if k == 1:
                    box(False)
                if part and formatted and k == wide:
                    _format_run(p, part, style)
                else:
                    run(part)
            return
        run(before)
        if not chosen or style == "deleted_others":
            box(False)
            run(after)
        elif style in ("native", "multi_tick"):
            box(True)
            run(after)
        elif style in ("typed_x", "bracket_x"):
            p.add_run("X" if style == "typed_x" else "[x]")
            run(after)
        elif style == "x_after_box":  # ☐xKhông, ☐x Có
            box(False)
            run(typed + after.lstrip() if after else typed.rstrip())
        elif style == "x_before_box":  # x☐ Có
            p.add_run("x")
            box(False)
            run(after)
        elif style == "glyph_replaced":  # ☒ typed over the template's box
            p.add_run(TYPED_CHECKED)
            run(after)
        elif style == "check_after_option":  # ☐ Có ✓
            box(False)
            run(after + typed)
        else:
            raise ValueError(f"unknown checkbox marking {style!r}")

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
        above = ""  # the label of the last row that had one: the question of a continuation row
        for i, row in enumerate(b.rows):
            r = nhead + i
            if row.cells is not None:
                above = self._cells_row(t, r, row.cells, tno, col_text, group, above)
                continue
            cells = t.rows[r].cells
            if row.group:
                group = clean_label(row.label)
            label = clean_label(row.label)
            above = label
            self.context = f"{group} / {label}" if group and label and not row.group else label
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
                    choice = Choice(fid, row.type or "boolean", row.options, layout="inline",
                                    item=row.item or "{box} {text}")
                    self._options(cells[c].paragraphs[0], choice, label, loc, column, cell=cells[c])
                else:
                    blank = Blank(fid, row.type or "text", unit=row.unit, col=column)
                    p = cells[c].paragraphs[0]
                    self._blank(p, blank, label, loc)
                    if row.unit and p.text and not p.text.endswith(row.unit):
                        p.add_run(" " + row.unit)

    def _cells_row(self, t: Any, r: int, spec: list[Cell], tno: int, col_text: list[str], group: str,
                   above: str) -> str:
        """A free-form row: literal cells, blanks and checkbox groups, one or more lines per cell. A row with
        no label of its own continues the row above (its groups answer that row's question)."""
        ncols = len(t.columns)
        grid = 0
        tcs = []
        for cell in spec:
            tc = t.cell(r, grid)
            if cell.colspan > 1:
                tc = tc.merge(t.cell(r, min(ncols, grid + cell.colspan) - 1))
            tcs.append((tc, grid, cell))
            grid += cell.colspan
        literals = [clean_label(" ".join("".join(line) for line in cell.lines))  # cells of printed text only
                    for cell in spec if all(not isinstance(line, Choice) and all(isinstance(s, str) for s in line)
                                            for line in cell.lines)]
        row_label = next((x for x in literals if x and not ROW_NUMBER.match(x)), "")
        question = row_label or above
        for k, (tc, c, cell) in enumerate(tcs):
            column = (col_text[c] or None) if cell.colspan == 1 else None
            loc = {"block": tno, "row": r, "cell": k}
            for n, line in enumerate(cell.lines):
                p = tc.paragraphs[0] if n == 0 else tc.add_paragraph()
                if isinstance(line, Choice):
                    self.context = f"{group} / {question}" if group and question else question
                    self._options(p, line, clean_label(line.label or question), loc, column, cell=tc)
                    continue
                literal = clean_label("".join(s for s in line if isinstance(s, str)))
                own = row_label or literal
                self.context = f"{group} / {own}" if group and own else own
                self._segments(p, line, loc, default_label=question or col_text[c], column=column)
        return row_label or above

    def _listtable(self, b: ListTable) -> None:
        rows = self.opt.list_rows.get(b.field)
        nrows = max(b.blank_rows, len(rows)) if rows else b.blank_rows
        nhead = len(b.header)
        ngrid = sum(col.width for col in b.columns)
        t = self._new_table(nhead + nrows, ngrid)
        col_text = self._header(t, b.header) if nhead else [""] * ngrid
        tno = self.block_no - 1
        if b.field in self.opt.extra_columns:
            self._extra_column(t, b.field, nhead, tno)
        for i in range(nrows):
            r = nhead + i
            values = rows[i] if rows and i < len(rows) else None
            c = 0
            for col in b.columns:
                first, c = c, c + col.width
                if col.key is None:
                    t.rows[r].cells[first].text = str(i + 1) if values or not rows else ""
                    continue
                fid = f"{b.field}.{col.key}"
                header = col_text[first]
                if col.subcolumns:  # "Quy mô sử dụng / Nội bộ": the column is the parent header
                    header = header.rpartition(" / ")[0] or header
                value = values.get(col.key) if values else None
                loc = {"block": tno, "row": r, "cell": first}
                text = value.mark if isinstance(value, Tick) else value
                if isinstance(value, Tick):
                    k = next(n for n, o in enumerate(col.options or []) if o.key == value.key)
                    loc = {"block": tno, "row": r, "cell": first + k, "span": [first, col.width]}
                    p = t.rows[r].cells[first + k].paragraphs[0]
                    if value.mark == "☒":
                        self.box_counter += 1
                        add_box(p, self.opt.box, True, self.opt.box_variant, f"Check{self.box_counter}")
                    else:
                        p.add_run(value.mark)
                elif text:
                    t.rows[r].cells[first].paragraphs[0].add_run(text)
                if values is not None:
                    fill = ("tick" if isinstance(value, Tick) else "cell") if text else None
                    self.records.append(SlotRecord(fid, i + 1, header, self.section_path, header, col.type, None,
                                                   loc, text, fill, header))

    def _extra_column(self, t: Any, fid: str, nhead: int, tno: int) -> None:
        """A column the clerk added at the right of a list table: header, then one note per filled row."""
        header, cells = self.opt.extra_columns[fid]
        col = t.add_column(Cm(2.5))
        c = len(t.columns) - 1
        head = col.cells[0]
        if nhead > 1:
            head = head.merge(col.cells[nhead - 1])
        head.paragraphs[0].add_run(header).bold = True
        head.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
        for i, text in enumerate(cells):
            col.cells[nhead + i].paragraphs[0].add_run(text)
            self.extras.append({"table": fid, "label": header, "row": i + 1, "raw": text,
                                "location": {"block": tno, "row": nhead + i, "cell": c}})

    # -- output --------------------------------------------------------------------------------------
    def _save(self) -> bytes:
        buf = io.BytesIO()
        self.doc.save(buf)
        return deterministic_zip(buf.getvalue())


def _own_label(segments: list[Segment]) -> bool:
    """Does a line carry label text of its own before its first blank, beyond qualifiers ("(Cấp tỉnh)")?"""
    lead = ""
    for seg in segments:
        if isinstance(seg, Blank):
            break
        lead += seg
    return bool(clean_label(regex.sub(r"\([^()]*\)", "", lead)))


def _dot_tab_stop(p: Paragraph) -> None:
    """A right tab stop with a dot leader at the margin (how Word forms print `Tên đơn vị: ……` as one tab)."""
    stops = p.paragraph_format.tab_stops
    if not any(ts.position == TAB_STOP for ts in stops):
        stops.add_tab_stop(TAB_STOP, WD_TAB_ALIGNMENT.RIGHT, WD_TAB_LEADER.DOTS)


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


def _tracked(p: Paragraph, kind: str, text: str, rev: int) -> None:
    """A tracked change left in the document: `text` inserted (`ins`) or deleted (`del`) by the clerk."""
    change = OxmlElement(f"w:{kind}")
    change.set(qn("w:id"), str(rev))
    change.set(qn("w:author"), CLERK)
    change.set(qn("w:date"), REVISION_DATE)
    r = OxmlElement("w:r")
    t = OxmlElement("w:t" if kind == "ins" else "w:delText")
    t.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
    t.text = text
    r.append(t)
    change.append(r)
    p._p.append(change)


def _format_run(p: Paragraph, text: str, style: str) -> None:
    """An option's text formatted to show the choice: bold, highlighted, or struck through."""
    run = p.add_run(text)
    if style == "bold_chosen":
        run.bold = True
    elif style == "highlight_chosen":
        run.font.highlight_color = WD_COLOR_INDEX.YELLOW
    else:
        run.font.strike = True


def typed_blank(fill: Fill | None, leader: str) -> str:
    """The text of one blank as the clerk left it: the leader, the value inside, before or after it …"""
    if fill is None or fill.style == "next_line":
        return leader
    if not leader:
        return fill.text
    if fill.style in ("inside_leader", "worked_example"):
        k = max(1, int(len(leader) * fill.split))
        return leader[:k] + fill.text + leader[k:]
    if fill.style == "before_short_leader":  # "4 …." — the dots shortened after the value
        return fill.text + " " + leader[:max(2, len(leader) // 3)]
    if fill.style == "after_leader":  # "……abc@sotttt.gov.vn"
        return leader + fill.text
    return fill.text  # replaced_leader, space_only, cell


def render(desc: FormDesc, fills: dict[SlotKey, Fill] | None = None, marks: dict[SlotKey, Mark] | None = None,
           options: RenderOptions | None = None, with_extras: bool = False) -> tuple:
    """Render `desc` (blank when no fills/marks) and return the DOCX bytes and the slot records (and,
    `with_extras`, the cells of columns the clerk added to list tables)."""
    r = Renderer(desc, fills or {}, marks or {}, options or RenderOptions(box=desc.box))
    data = r.render()
    return (data, r.records, r.extras) if with_extras else (data, r.records)
