"""`extractor aggregate DIR -o report.xlsx [--csv DIR] [--parquet DIR] [--checks] [--expected agencies.csv]`."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import click

from extractor.errors import ExtractionError


@click.command("aggregate")
@click.argument("folder", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), default=Path("report.xlsx"),
              show_default=True, help="Excel workbook to write.")
@click.option("--csv", "csv_dir", type=click.Path(file_okay=False, path_type=Path),
              help="Also write every sheet as CSV (UTF-8 with BOM) into this folder.")
@click.option("--parquet", "parquet_dir", type=click.Path(file_okay=False, path_type=Path),
              help="Also write every sheet as Parquet into this folder.")
@click.option("--checks", "print_checks", is_flag=True, help="Print every check on the console.")
@click.option("--expected", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="CSV of the agencies expected to return (column agency, optional column form).")
def aggregate_command(folder: Path, output: Path, csv_dir: Path | None, parquet_dir: Path | None,
                      print_checks: bool, expected: Path | None) -> None:
    """Aggregate reviewed result JSONs under FOLDER into the provincial report (XLSX, CSV, Parquet).

    One sheet per form (a row per return, a column per canonical field), a cross-form sheet of the fields
    several forms share, totals per agency level, checks, and the provenance of every value.
    """
    from extractor.catalogue import load_catalogue
    from extractor.report.checks import all_checks, read_expected
    from extractor.report.load import load_results
    from extractor.report.tables import build_report
    from extractor.report.tabular import write_all
    from extractor.report.xlsx import write_xlsx

    try:
        catalogue = load_catalogue()
        loaded = load_results(folder)
        if not loaded.returns and not loaded.problems:
            raise click.ClickException(f"no result JSON found under {folder}")
        wanted = read_expected(expected) if expected else []
        checks = all_checks(loaded, catalogue, wanted)
        report = build_report(loaded.returns, checks, catalogue)
        write_xlsx(report, output)
        written = write_all(report, csv_dir, parquet_dir)
    except ExtractionError as exc:
        raise click.ClickException(str(exc)) from None
    except OSError as exc:
        raise click.ClickException(f"cannot write the report: {exc}") from None
    current = sum(r.current for r in loaded.returns)
    if print_checks:
        for c in checks:
            click.echo(c.line())
    by_rule = Counter(c.rule for c in checks)
    summary = ", ".join(f"{rule} {n}" for rule, n in sorted(by_rule.items())) or "none"
    click.echo(f"{current} returns in the report ({len(loaded.returns) - current} left out, "
               f"{len(loaded.problems)} unreadable); checks: {summary}")
    click.echo(f"Report written to {output}" + (f" and {len(written)} CSV/Parquet files" if written else ""))
