"""The report's tables as CSV (UTF-8 with BOM, so Excel shows Vietnamese) and Parquet (pyarrow), one file per
table with the same columns and values as the workbook's sheets. Column names are the field IDs for
canonical fields and indicators (stable for analysts) and the Vietnamese headers for the others; the
Vietnamese label of every column is kept in the Parquet schema metadata (`label`, `unit`)."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path
from typing import Any

from extractor.report.tables import Column, Report, Table


def column_name(col: Column) -> str:
    return col.key if col.is_field else col.header


def _csv_value(col: Column, v: Any) -> Any:
    if v is None:
        return ""
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, list):
        return "/".join(f"{x:g}" for x in v) if col.type == "ratio" else "; ".join(str(x) for x in v)
    if isinstance(v, dt.date):
        return v.isoformat()
    if isinstance(v, float):
        return f"{v:.10g}"
    return v


def write_csv(table: Table, folder: Path) -> Path:
    """`folder/<table.file>.csv`, UTF-8 with BOM, comma-separated, one header row."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{table.file}.csv"
    with open(path, "w", encoding="utf-8-sig", newline="") as fh:
        w = csv.writer(fh)
        w.writerow([column_name(c) for c in table.columns])
        for row in table.rows:
            w.writerow([_csv_value(c, v) for c, v in zip(table.columns, row, strict=True)])
    return path


def _arrow_type(col: Column, values: list[Any]) -> Any:
    import pyarrow as pa

    present = [v for v in values if v is not None]
    if col.type == "integer" and all(isinstance(v, int) for v in present):
        return pa.int64()
    if col.type in ("integer", "decimal", "percent", "confidence"):
        return pa.float64()
    if col.type == "boolean":
        return pa.bool_()
    if col.type == "date":
        return pa.date32()
    if col.type == "ratio":
        return pa.list_(pa.float64())
    if col.type == "multi_choice":
        return pa.list_(pa.string())
    return pa.string()


def arrow_table(table: Table) -> Any:
    """The table as a pyarrow Table with typed, nullable columns."""
    import pyarrow as pa

    fields, arrays = [], []
    for j, col in enumerate(table.columns):
        values = [row[j] for row in table.rows]
        typ = _arrow_type(col, values)
        if typ == pa.float64():
            values = [None if v is None else float(v) for v in values]
        elif typ == pa.string():
            values = [None if v is None else str(v) for v in values]
        meta = {"label": col.header, "unit": col.unit or "", "type": col.type}
        fields.append(pa.field(column_name(col), typ, metadata=meta))
        arrays.append(pa.array(values, type=typ))
    return pa.Table.from_arrays(arrays, schema=pa.schema(fields))


def write_parquet(table: Table, folder: Path) -> Path:
    """`folder/<table.file>.parquet`."""
    import pyarrow.parquet as pq

    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{table.file}.parquet"
    pq.write_table(arrow_table(table), path)
    return path


def write_all(report: Report, csv_dir: Path | None = None, parquet_dir: Path | None = None) -> list[Path]:
    """Every table as CSV and / or Parquet; the paths written."""
    out = []
    for table in report.tables:
        if csv_dir is not None:
            out.append(write_csv(table, csv_dir))
        if parquet_dir is not None:
            out.append(write_parquet(table, parquet_dir))
    return out
