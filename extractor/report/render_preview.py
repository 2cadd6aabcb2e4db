"""A picture of the report as a person sees it: the workbook's sheets, each cut to its top-left corner,
converted by LibreOffice headless to PDF and by pdftoppm to PNG (one image per sheet).

    python3 -m extractor.report.render_preview report.xlsx out_dir [--rows 30] [--cols 12]

Needs `soffice` (Debian: libreoffice-calc-nogui) and `pdftoppm` (poppler-utils).
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from extractor.errors import InputError

TIMEOUT = 180  # seconds for one LibreOffice conversion


def preview_copy(xlsx: Path, target: Path, rows: int, cols: int) -> list[str]:
    """A copy of the workbook whose sheets print their first `rows` × `cols` cells on one landscape page."""
    wb = load_workbook(xlsx)
    for ws in wb.worksheets:
        ws.print_area = f"A1:{get_column_letter(min(cols, ws.max_column))}{min(rows, ws.max_row)}"
        ws.page_setup.orientation = "landscape"
        ws.page_setup.paperSize = ws.PAPERSIZE_A4
        ws.sheet_properties.pageSetUpPr.fitToPage = True
        ws.page_setup.fitToWidth = 1
        ws.page_setup.fitToHeight = 1
        ws.print_options.gridLines = True
    wb.save(target)
    return wb.sheetnames


def render(xlsx: Path, out_dir: Path, rows: int = 30, cols: int = 12, dpi: int = 80) -> list[Path]:
    """PNG files `out_dir/<stem>-<n>.png`, one per sheet, in sheet order."""
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if not soffice or not shutil.which("pdftoppm"):
        raise InputError("needs LibreOffice (soffice) and pdftoppm (poppler-utils) installed", path=str(xlsx))
    out_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        copy = Path(tmp) / f"{xlsx.stem}.xlsx"
        preview_copy(xlsx, copy, rows, cols)
        cmd = [soffice, f"-env:UserInstallation=file://{tmp}/profile", "--headless", "--convert-to", "pdf",
               "--outdir", tmp, str(copy)]
        try:
            subprocess.run(cmd, check=True, capture_output=True, timeout=TIMEOUT)
            pdf = Path(tmp) / f"{xlsx.stem}.pdf"
            subprocess.run(["pdftoppm", "-png", "-r", str(dpi), str(pdf), str(out_dir / xlsx.stem)], check=True,
                           capture_output=True, timeout=TIMEOUT)
        except (subprocess.CalledProcessError, subprocess.TimeoutExpired) as exc:
            raise InputError(f"cannot render the workbook: {exc}", path=str(xlsx)) from exc
    return sorted(out_dir.glob(f"{xlsx.stem}-*.png"))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("xlsx", type=Path)
    parser.add_argument("out_dir", type=Path)
    parser.add_argument("--rows", type=int, default=30)
    parser.add_argument("--cols", type=int, default=12)
    parser.add_argument("--dpi", type=int, default=80)
    args = parser.parse_args(argv)
    try:
        for path in render(args.xlsx, args.out_dir, args.rows, args.cols, args.dpi):
            print(path)
    except InputError as exc:
        print(exc, file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
