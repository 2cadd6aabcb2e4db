"""The report as an Excel workbook (openpyxl): a sheet per table, frozen header rows, filters, Vietnamese
number formats, column widths, and unreviewed / failing cells filled and commented with the reason."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

from extractor.report.config import report_config
from extractor.report.tables import Column, Report, Table

FILLS = {  # light fills that print well in grey too
    "header": PatternFill("solid", fgColor="DDEBF7"),
    "id": PatternFill("solid", fgColor="F2F2F2"),
    "unreviewed": PatternFill("solid", fgColor="FFF2CC"),
    "failing": PatternFill("solid", fgColor="F8CBAD"),
}
SEVERITY_FILLS = {"error": "failing", "warning": "unreviewed"}
THIN = Side(style="thin", color="BFBFBF")
MAX_WIDTH = {"text": 45, "field": 18}
AUTHOR = "extractor aggregate"


def _shown(col: Column, value: Any) -> Any:
    """The cell value Excel gets: numbers and dates stay typed; booleans, ratios and lists become words."""
    words = report_config()["words"]
    if value is None:
        return None
    if isinstance(value, bool):
        return words["yes"] if value else words["no"]
    if isinstance(value, list):
        if col.type == "ratio":
            return "/".join(f"{x:g}" for x in value)
        return "; ".join(str(x) for x in value)
    return value


def _format(col: Column, value: Any) -> str | None:
    formats = report_config()["formats"]
    if col.type == "decimal" and isinstance(value, (int, float)) and float(value).is_integer():
        return formats["integer"]  # 9.041 rather than "9.041,"
    return formats.get(col.type)


def _width(col: Column, table: Table, index: int) -> float:
    if col.is_field:
        return MAX_WIDTH["field"]
    longest = max([len(str(_shown(col, r[index]) or "")) for r in table.rows[:500]] + [len(col.header) // 2, 8])
    return min(MAX_WIDTH["text"], longest + 2)


def _write_table(wb: Workbook, table: Table) -> None:
    ws = wb.create_sheet(table.name[:31])
    header_rows = 2 if table.id_row else 1
    bold = Font(bold=True)
    for j, col in enumerate(table.columns, start=1):
        c = ws.cell(row=1, column=j, value=col.header)
        c.font, c.fill = bold, FILLS["header"]
        c.alignment = Alignment(wrap_text=True, vertical="top")
        c.border = Border(bottom=THIN, right=THIN)
        if table.id_row:
            unit = f" ({col.unit})" if col.unit else ""
            c2 = ws.cell(row=2, column=j, value=f"{col.key}{unit}" if col.is_field else None)
            c2.font, c2.fill = Font(italic=True, size=8, color="595959"), FILLS["id"]
            c2.border = Border(bottom=THIN, right=THIN)
        ws.column_dimensions[get_column_letter(j)].width = _width(col, table, j - 1)
    ws.row_dimensions[1].height = 90 if table.id_row else 32
    for i, row in enumerate(table.rows):
        r = header_rows + 1 + i
        for j, (col, value) in enumerate(zip(table.columns, row, strict=True), start=1):
            c = ws.cell(row=r, column=j, value=_shown(col, value))
            fmt = _format(col, value)
            if fmt and isinstance(value, (int, float, dt.date)) and not isinstance(value, bool):
                c.number_format = fmt
            notes = table.notes.get((i, j - 1))
            if notes:
                kind = "failing" if any(n.kind == "failing" for n in notes) else "unreviewed"
                c.fill = FILLS[kind]
                text = "\n".join(n.text for n in notes)
                height = min(400, 40 + 15 * text.count("\n") + len(text) // 2)
                c.comment = Comment(text, AUTHOR, width=320, height=height)
    if table.key == "checks":
        severities = {v: k for k, v in report_config()["severities"].items()}
        for i, row in enumerate(table.rows):
            fill = SEVERITY_FILLS.get(severities.get(row[0], ""))
            if fill:
                ws.cell(row=header_rows + 1 + i, column=1).fill = FILLS[fill]
    last = get_column_letter(len(table.columns))
    ws.auto_filter.ref = f"A{header_rows}:{last}{header_rows + max(1, len(table.rows))}"
    ws.freeze_panes = ws.cell(row=header_rows + 1, column=2)


def write_xlsx(report: Report, path: Path) -> Path:
    """Write the workbook atomically enough for a clerk: to a temporary name, then renamed."""
    wb = Workbook()
    wb.remove(wb.active)
    for table in report.tables:
        _write_table(wb, table)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    wb.save(tmp)
    tmp.replace(path)
    return path
