"""PDF tables: ruled tables found on a page as grids of cells holding their glyphs, turned into `Table`s,
with tables continued on the next page joined (see extractor/readers/pdf.py).

    PageTable(page, bbox, cells).take(glyph)    build_grid(page_table, spaces_drawn) -> Grid
    Tables(flow).join(prev, nxt)                to_table(grid) -> Table
"""

from __future__ import annotations

import re
import statistics
from bisect import bisect_right
from dataclasses import dataclass, field
from typing import Any

from extractor.model import Block, Cell, Table
from extractor.readers.pdf_lines import Glyph, Line, group_lines
from extractor.readers.pdf_paragraphs import Flow, Para

_ITEM_NUMBER = re.compile(r"\d{1,3}[.)]?|[IVX]{1,5}[.)]?|[a-zđA-Z][.)]")
EDGE_TOL = 2.0  # pt: cell edges closer than this are one grid line
CELL_PAD = 6.0  # pt: most a cell's text is inset from its side (LibreOffice 0.19 cm, Word 0.08 in)


# -- tables -------------------------------------------------------------------------------------------------
def cluster(values: list[float], tol: float = EDGE_TOL) -> list[float]:
    out: list[float] = []
    for v in sorted(values):
        if not out or v - out[-1] > tol:
            out.append(v)
    return out


def _index(edges: list[float], v: float) -> int:
    return max(0, min(bisect_right(edges, v + EDGE_TOL) - 1, len(edges) - 1))


class PageTable:
    """A ruled table found on a page: its grid edges, cells and the glyphs inside each cell."""

    def __init__(self, page: int, bbox: tuple[float, float, float, float],
                 boxes: list[tuple[float, float, float, float]]) -> None:
        self.page = page
        self.bbox = bbox
        self.xs = cluster([b[0] for b in boxes] + [b[2] for b in boxes])
        self.ys = cluster([b[1] for b in boxes] + [b[3] for b in boxes])
        self.cells: list[dict[str, Any]] = []
        self.cover: dict[tuple[int, int], dict[str, Any]] = {}
        for b in sorted(boxes, key=lambda b: (round(b[1]), b[0])):
            r, c = _index(self.ys, b[1]), _index(self.xs, b[0])
            if (r, c) in self.cover:
                continue
            cell = {"row": r, "col": c, "rowspan": max(1, _index(self.ys, b[3]) - r),
                    "colspan": max(1, _index(self.xs, b[2]) - c), "bbox": b, "glyphs": []}
            self.cells.append(cell)
            for rr in range(r, r + cell["rowspan"]):
                for cc in range(c, c + cell["colspan"]):
                    self.cover.setdefault((rr, cc), cell)

    def take(self, g: Glyph) -> bool:
        """Put `g` in its cell if it lies inside the table."""
        x, y = (g.x0 + g.x1) / 2, g.mid
        x0, top, x1, bottom = self.bbox
        if not (x0 <= x <= x1 and top <= y <= bottom):
            return False
        cell = self.cover.get((max(0, bisect_right(self.ys, y) - 1), max(0, bisect_right(self.xs, x) - 1)))
        if cell is None:  # a hole in the grid: the nearest cell
            cell = min(self.cells, key=lambda cl: _distance(cl["bbox"], x, y))
        cell["glyphs"].append(g)
        return True


def _distance(b: tuple[float, float, float, float], x: float, y: float) -> float:
    dx = max(b[0] - x, 0, x - b[2])
    dy = max(b[1] - y, 0, y - b[3])
    return dx * dx + dy * dy


@dataclass
class GridCell:
    row: int
    col: int
    rowspan: int
    colspan: int
    page: int
    bbox: list[float]
    lines: list[Line]
    left: float = 0.0
    right: float = 0.0
    paras: list[Para] = field(default_factory=list)


@dataclass
class Grid:
    """A table as rows of cells, before it becomes a `Table` (tables continued on the next page are joined)."""

    rows: list[list[GridCell]]
    xs: list[float]
    page: int
    bbox: list[float]
    pages: list[int]
    last_row_cut: bool = False  # the last row ends closer below its text than the table's rows do: cut off

    def texts(self, r: int) -> list[str]:
        return [" ".join(" ".join(ln.text.split()) for ln in c.lines) for c in self.rows[r]]


def build_grid(pt: PageTable, spaces_drawn: bool) -> Grid:
    rows: list[list[GridCell]] = [[] for _ in range(max(len(pt.ys) - 1, 1))]
    for cell in pt.cells:
        x0, top, x1, bottom = cell["bbox"]
        lines = [Line(grp, spaces_drawn, pt.page) for grp in group_lines(cell["glyphs"])]
        pad = max(0.5, min(min((ln.x0 - x0 for ln in lines), default=CELL_PAD), CELL_PAD))
        r = min(cell["row"], len(rows) - 1)
        rows[r].append(GridCell(cell["row"], cell["col"], cell["rowspan"], cell["colspan"], pt.page,
                              [round(v, 2) for v in cell["bbox"]], lines, x0 + pad, x1 - pad))
    for row in rows:
        row.sort(key=lambda c: c.col)
    # the space between a row's last line and its bottom edge: the same in every row, unless a page break cut it
    gaps = []
    for r, row in enumerate(rows):
        bottoms = [ln.bottom for c in row if c.rowspan == 1 for ln in c.lines[-1:]]
        if bottoms and r + 1 < len(pt.ys):
            gaps.append(pt.ys[r + 1] - max(bottoms))
    cut = len(gaps) >= 3 and bool(rows[-1]) and any(c.lines for c in rows[-1]) and \
        gaps[-1] < statistics.median(gaps[:-1]) - 1.5
    return Grid(rows, pt.xs, pt.page, [round(v, 2) for v in pt.bbox], [pt.page], cut)


def same_columns(a: Grid, b: Grid) -> bool:
    """Can `b` continue `a`: same outer edges, and the inner edges of one are mostly edges of the other (a table
    continued on the next page may lack some inner edges, or split a merged header cell into sub-columns)?"""
    if abs(a.xs[0] - b.xs[0]) > 3 or abs(a.xs[-1] - b.xs[-1]) > 3:
        return False
    common = sum(1 for x in b.xs if any(abs(x - y) <= 3 for y in a.xs))
    return common >= 0.8 * min(len(a.xs), len(b.xs))


def _recolumn(grid: Grid, xs: list[float]) -> None:
    """Renumber the cells of `grid` on the column edges `xs`."""
    grid.xs = xs
    for row in grid.rows:
        for c in row:
            c0 = min(range(len(xs)), key=lambda i: abs(xs[i] - c.bbox[0]))
            c1 = min(range(len(xs)), key=lambda i: abs(xs[i] - c.bbox[2]))
            c.col, c.colspan = c0, max(1, c1 - c0)
        row.sort(key=lambda c: c.col)


def _bottom_cells(grid: Grid) -> dict[int, GridCell]:
    """The cells reaching the last row of `grid`, by their first column (cells merged down from above included)."""
    last = len(grid.rows) - 1
    return {c.col: c for row in grid.rows for c in row if c.row + c.rowspan - 1 >= last}


class Tables:
    """Turns grids into `Table`s, joining tables continued across pages."""

    def __init__(self, flow: Flow) -> None:
        self.flow = flow

    def cell_paragraphs(self, grid: Grid) -> None:
        for row in grid.rows:
            for c in row:
                c.paras = self.flow.paragraphs(c.lines, c.left, c.right)

    def row_split(self, prev: Grid, nxt: Grid) -> bool:
        """Is the first row of `nxt` the rest of the last row of `prev`, cut by the page break?

        For: a cell whose text ended on the previous page (empty now), or whose first line is the word wrap of
        the cell's last line there. Against: a first column with text on both pages that does not run on, or whose
        text on the new page is an item number (however narrow the column); a cell whose text starts on the new
        page only, unless the first column's text stayed on the previous page and no cell has text on both pages
        that does not run on (then the row goes on: a cell whose first lines, or whose first paragraph was empty,
        did not fit above the break). Neutral: other cells with text on both pages (a paragraph of a cell may end
        at the page break)."""
        first = nxt.rows[0]
        by_col = _bottom_cells(prev)
        if not by_col:
            return False
        if not any(c.lines for c in first):
            return prev.last_row_cut  # the rest of a cut row may hold no text (an empty last paragraph)
        leftmost = min(c.col for c in first)
        votes_for = starts = breaks = 0
        head_stayed = False
        for c in first:
            p = by_col.get(c.col)
            if p is None or p.colspan != c.colspan:
                return False
            if not c.lines:
                votes_for += bool(p.lines)
                head_stayed |= c.col == leftmost and bool(p.lines)
            elif not p.lines:
                starts += 1
            elif c.col == leftmost and _ITEM_NUMBER.fullmatch(c.lines[0].text.strip()):
                return False
            elif self.flow.continues(p.lines[-1], c.lines[0], p.paras[-1].lines[0], p.left, p.right,
                                     same_page=False):
                votes_for += 1
            elif c.col == leftmost:
                return False
            else:
                breaks += 1
        return votes_for > 0 and (not starts or (head_stayed and not breaks))

    def join(self, prev: Grid, nxt: Grid) -> None:
        """Append the rows of `nxt` (continued on the next page) to `prev`."""
        xs = cluster(prev.xs + nxt.xs, tol=3.0)
        if len(xs) != len(prev.xs):
            _recolumn(prev, xs)
        _recolumn(nxt, xs)
        if len(nxt.rows) > 1 and len(prev.rows) > 1 and any(prev.texts(0)) and prev.texts(0) == nxt.texts(0):
            nxt.rows = nxt.rows[1:]  # a repeated header row
        if nxt.rows and self.row_split(prev, nxt):
            last = _bottom_cells(prev)
            for c in nxt.rows[0]:
                target = last[c.col]
                if target.paras and c.paras and self.flow.continues(
                        target.paras[-1].lines[-1], c.paras[0].lines[0], target.paras[-1].lines[0], target.left,
                        target.right, same_page=False):
                    target.paras[-1].extend(c.paras[0], self.flow.separator(
                        target.paras[-1].lines[-1], c.paras[0].lines[0], target.left, target.right))
                    target.paras.extend(c.paras[1:])
                else:
                    target.paras.extend(c.paras)
                target.lines.extend(c.lines)
                target.rowspan = max(target.rowspan, c.rowspan)
            nxt.rows = nxt.rows[1:]
        offset = len(prev.rows)
        for i, row in enumerate(nxt.rows):
            for c in row:
                c.row = offset + i
        prev.rows.extend(nxt.rows)
        prev.pages.append(nxt.page)
        prev.last_row_cut = nxt.last_row_cut


def to_table(grid: Grid) -> Table:
    rows: list[list[Cell]] = []
    for r, row in enumerate(grid.rows):
        out = []
        for c in row:
            extra = {"row": r, "col": c.col}
            blocks = [p.block(extra) for p in c.paras] or [Block("", [], {"page": c.page, "bbox": c.bbox, **extra})]
            out.append(Cell(row=r, col=c.col, blocks=blocks, colspan=c.colspan, rowspan=c.rowspan))
        rows.append(out)
    loc: dict[str, Any] = {"page": grid.page, "bbox": grid.bbox}
    if len(grid.pages) > 1:
        loc["pages"] = list(grid.pages)
    return Table(rows, loc)
