"""PDFs of corpus returns made by another producer: DOCX → HTML (LibreOffice) → PDF (Chromium's print to PDF).

    python -m corpora.chromium_pdf                    # the default returns into corpora/returns_chromium/
    python -m corpora.chromium_pdf --ids f001_r002 --out /tmp/c

Word-like PDFs that LibreOffice's own PDF export never makes: Chromium lays the HTML out itself (its own line
breaking, table widths from the HTML, fonts through Skia, checkbox glyphs missing from the fonts drawn as
.notdef with the code only in /ActualText, form fields as HTML inputs). The page is the DOCX's (size and margins
as an ``@page`` rule added to the HTML). Each PDF gets a truth file: the source return's truth with ``files``
pointing at the PDF (paths relative to the output folder, so the folder is a corpus of its own) and
``producer: chromium``. ``extractor eval`` scores the folder as its own group.

Chromium runs headless with a throw-away profile and no network (see `CHROMIUM_FLAGS`); one process per file.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from docx import Document

from corpora.build import soffice, source_truths, write_group_truth

HERE = Path(__file__).parent
OUT = HERE / "returns_chromium"
PRODUCER = "chromium"
DEFAULT_IDS = [f"f00{f}_r00{r}" for f in range(5) for r in range(4)]  # two plain, two variant returns per form
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--no-first-run", "--no-pdf-header-footer"]


def chromium() -> str:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        if path := shutil.which(name):
            return path
    raise SystemExit("Chromium is needed for these PDFs: apt-get install chromium")


def page_css(docx: Path) -> str:
    """An ``@page`` rule with the DOCX's first section's page size and margins."""
    sec = Document(str(docx)).sections[0]

    def cm(length: object) -> str:
        return f"{(length or 0) / 360000:.2f}cm"  # EMU

    return (f"@page {{ size: {cm(sec.page_width)} {cm(sec.page_height)}; margin: {cm(sec.top_margin)} "
            f"{cm(sec.right_margin)} {cm(sec.bottom_margin)} {cm(sec.left_margin)}; }}")


def to_html(docx_paths: list[Path], outdir: Path, timeout: int = 900) -> list[Path]:
    """LibreOffice's HTML export of each DOCX into `outdir` (one process for all)."""
    with tempfile.TemporaryDirectory() as profile:
        subprocess.run([soffice(), f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to", "html",
                        "--outdir", str(outdir), *map(str, docx_paths)], check=True, timeout=timeout,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    html = [outdir / (p.stem + ".html") for p in docx_paths]
    missing = [str(h) for h in html if not h.is_file()]
    if missing:
        raise SystemExit(f"LibreOffice did not write HTML for: {', '.join(missing)}")
    return html


def print_pdf(html: Path, pdf: Path, css: str, timeout: int = 120) -> None:
    """Chromium's print to PDF of `html`, with `css` added to its head."""
    text = html.read_text(encoding="utf-8", errors="replace")
    style = f"<style>{css}</style>"
    text = text.replace("</head>", style + "</head>", 1) if "</head>" in text else style + text
    html.write_text(text, encoding="utf-8")
    with tempfile.TemporaryDirectory() as profile:
        subprocess.run([chromium(), *CHROMIUM_FLAGS, f"--user-data-dir={profile}", f"--print-to-pdf={pdf}",
                        html.resolve().as_uri()], check=True, timeout=timeout,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    if not pdf.is_file():
        raise SystemExit(f"Chromium did not write {pdf}")


def make(return_ids: list[str], corpus: Path = HERE, out: Path = OUT) -> list[Path]:
    """PDFs and truth files for `return_ids` of `corpus` (its returns/ and truth/) into `out`."""
    truths = source_truths(corpus, return_ids)
    docx = [corpus / t["files"]["docx"] for t in truths.values()]
    (out / "truth").mkdir(parents=True, exist_ok=True)
    written = []
    with tempfile.TemporaryDirectory() as tmp:
        for rid, src, html in zip(return_ids, docx, to_html(docx, Path(tmp)), strict=True):
            pdf = out / f"{rid}.pdf"
            print_pdf(html, pdf, page_css(src))
            write_group_truth(out, truths[rid], [pdf], PRODUCER)
            written.append(pdf)
    return written


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m corpora.chromium_pdf", description=__doc__.splitlines()[0])
    ap.add_argument("--corpus", type=Path, default=HERE, help="corpus with returns/ and truth/ (default: corpora/)")
    ap.add_argument("--out", type=Path, default=OUT, help="output folder (default: corpora/returns_chromium/)")
    ap.add_argument("--ids", nargs="+", default=DEFAULT_IDS, help="return ids (default: r000–r003 of each form)")
    args = ap.parse_args(argv)
    written = make(args.ids, args.corpus, args.out)
    print(f"wrote {len(written)} PDFs + truth under {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
