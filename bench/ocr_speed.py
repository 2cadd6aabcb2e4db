"""OCR speed: seconds per scanned page on one core, by stage, and the pages-in-parallel speed-up.

    python3 bench/ocr_speed.py [--scans corpora/scans/returns] [--limit N] [--out bench/results/ocr.json]

Reads each scan of the scan corpus (`python -m corpora.scans`) through the whole pipeline twice: once with one
page at a time (``EXTRACTOR_OCR_THREADS=1``; Tesseract single-threaded, so this is one core's cost) and once
with a page per core. CPU time counts this process and Tesseract's subprocesses (user + system). The load
average before each run is recorded: on a shared machine wall time moves with it, CPU time much less.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.cpu import cpu_seconds  # noqa: E402
from extractor.pipeline import extract_document  # noqa: E402
from extractor.readers import read  # noqa: E402


def measure(files: list[Path], threads: int) -> dict:
    os.environ["EXTRACTOR_OCR_THREADS"] = str(threads)
    load = os.getloadavg()[0]
    pages = 0
    wall0, cpu0 = time.perf_counter(), cpu_seconds()
    read_wall = 0.0
    for f in files:
        t = time.perf_counter()
        doc = read(f)
        read_wall += time.perf_counter() - t
        pages += doc.pages or 0
        extract_document(doc)
    wall, cpu = time.perf_counter() - wall0, cpu_seconds() - cpu0
    return {"threads": threads, "files": len(files), "pages": pages, "wall_s": round(wall, 2),
            "cpu_s": round(cpu, 2), "wall_s_per_page": round(wall / pages, 3), "cpu_s_per_page": round(cpu / pages, 3),
            "read_share": round(read_wall / wall, 3), "load_before": round(load, 2)}


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--scans", type=Path, default=ROOT / "corpora" / "scans" / "returns")
    ap.add_argument("--limit", type=int, default=0)
    ap.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "ocr.json")
    args = ap.parse_args(argv)
    files = sorted(args.scans.glob("*.pdf"))[: args.limit or None]
    if not files:
        raise SystemExit(f"no scans in {args.scans}: run python -m corpora.scans first")
    runs = [measure(files, 1), measure(files, os.cpu_count() or 1)]
    data = {"machine": {"cores": os.cpu_count(), "python": platform.python_version()}, "runs": runs}
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")
    for r in runs:
        print(f"{r['threads']} thread(s): {r['pages']} pages, {r['wall_s_per_page']} s/page wall, "
              f"{r['cpu_s_per_page']} s/page CPU (load {r['load_before']})")


if __name__ == "__main__":
    main()
