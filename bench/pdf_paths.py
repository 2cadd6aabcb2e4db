"""The PDF reader's two paths side by side: pdfminer's own content-stream parser and `LTChar`s
(``EXTRACTOR_PDF_PARSER=pdfminer``) and the fast path (extractor/readers/pdf_content.py): the same Document?
CPU per page of each?

    python3 -m bench.pdf_paths                                  # every text PDF of the corpus folders below
    python3 -m bench.pdf_paths corpora/returns_chromium --passes 3

Prints each file whose `Document.to_dict()` differs between the paths, then the reader's CPU time per page on each
path (the fastest of `--passes`, the two paths alternating file by file so a busy machine weighs on both alike).
Exits 1 when a file differs.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from extractor.readers import pdf_content, read

ROOT = Path(__file__).resolve().parents[1]
FOLDERS = ["corpora/returns", "corpora/returns_chromium", "corpora/legacy/returns", "corpora/examples",
           "corpora/templates"]


def _read(path: Path, fast: bool) -> tuple[dict, float]:
    pdf_content.FAST = fast
    start = time.process_time()
    doc = read(path)
    return doc.to_dict(), time.process_time() - start


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("paths", nargs="*", type=Path, help="PDF files or folders (default: the corpus folders)")
    ap.add_argument("--passes", type=int, default=1)
    a = ap.parse_args()
    files: list[Path] = []
    for p in a.paths or [ROOT / f for f in FOLDERS]:
        files += sorted(p.glob("*.pdf")) if p.is_dir() else [p]
    saved = pdf_content.FAST
    best = {True: float("inf"), False: float("inf")}
    pages = 0
    differ = 0
    try:
        for n in range(max(1, a.passes)):
            total = {True: 0.0, False: 0.0}
            for f in files:
                try:
                    fast, t_fast = _read(f, True)
                    slow, t_slow = _read(f, False)
                except Exception as exc:  # a scan without tesseract, a damaged file: both paths alike
                    print(f"skipped {f}: {type(exc).__name__}")
                    continue
                total[True] += t_fast
                total[False] += t_slow
                if n == 0:
                    pages += fast.get("pages") or 0
                    if fast != slow:
                        differ += 1
                        print(f"DIFFERS {f}")
            best = {k: min(best[k], total[k]) for k in best}
    finally:
        pdf_content.FAST = saved
    per_page = {k: 1000 * v / max(pages, 1) for k, v in best.items()}
    print(f"{len(files)} files, {pages} pages, {differ} differ; reader CPU per page: pdfminer's path "
          f"{per_page[False]:.2f} ms, fast path {per_page[True]:.2f} ms ({per_page[False] / per_page[True]:.2f}×)")
    raise SystemExit(1 if differ else 0)


if __name__ == "__main__":
    main()
