"""The provincial report: reviewed result JSONs → per-form and cross-form tables, totals per level, derived
indicators and checks, written as XLSX, CSV and Parquet (`extractor aggregate`).

    load.py        result JSONs (raw, batch or reviewed) → Return records with final values and flags
    levels.py      agency level (tỉnh / huyện / xã …) from the agency name, by rules in patterns/
    indicators.py  derived indicators: safe formulas over canonical field IDs (patterns/indicators.yaml)
    checks.py      consistency rules of the forms, plausible ranges, unreviewed, duplicates, missing returns
    tables.py      the report as plain tables (columns, rows, cell notes), shared by every writer
    xlsx.py        Excel workbook (openpyxl); tabular.py: CSV (UTF-8 with BOM) and Parquet (pyarrow)
    command.py     the click command
"""
