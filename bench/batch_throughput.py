"""Batch throughput: returns per second of `extractor batch` with one job and with every core.

    python3 bench/batch_throughput.py [--limit N] [--format docx|pdf|both] [--jobs N]

Runs the whole batch (planning, long-lived worker processes, result JSON, manifest) on the corpus returns
into a fresh temporary folder for each setting and writes bench/results/batch.json. The figures depend on
what else the machine is doing: the load average before each run is recorded next to it, and so is the CPU time
the run used (parent and workers, user + system), which depends much less on the load.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.cpu import cpu_seconds  # noqa: E402
from extractor.batch.run import Options, run_batch  # noqa: E402


def measure(files: list[Path], jobs: int) -> dict:
    with tempfile.TemporaryDirectory(prefix="bench-batch-") as tmp:
        inputs = Path(tmp) / "in"
        inputs.mkdir()
        for f in files:
            (inputs / f.name).symlink_to(f)
        load = os.getloadavg()[0] if hasattr(os, "getloadavg") else None
        cpu_before = cpu_seconds()
        start = time.perf_counter()
        summary = run_batch([inputs], Path(tmp) / "out", Options(jobs=jobs))
        seconds = time.perf_counter() - start
        cpu = cpu_seconds() - cpu_before
    counts = summary.by_status()
    return {"jobs": jobs, "returns": len(files), "seconds": round(seconds, 2),
            "returns_per_s": round(len(files) / seconds, 2), "cpu_s": round(cpu, 2),
            "cpu_ms_per_return": round(1000 * cpu / len(files), 1), "load_before": load, "statuses": dict(counts)}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--limit", type=int, default=None, help="only the first N returns (in name order)")
    ap.add_argument("--format", choices=("docx", "pdf", "both"), default="docx")
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 1, help="the 'all cores' setting")
    ap.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "batch.json")
    args = ap.parse_args(argv)
    suffixes = (".docx", ".pdf") if args.format == "both" else (f".{args.format}",)
    files = sorted(p for p in (ROOT / "corpora" / "returns").iterdir() if p.suffix in suffixes)[: args.limit]
    runs = [measure(files, 1)]
    if args.jobs > 1:
        runs.append(measure(files, args.jobs))
    report = {"what": "extractor batch over corpora/returns", "format": args.format, "cpu_count": os.cpu_count(),
              "python": platform.python_version(), "machine": platform.machine(),
              "at": time.strftime("%Y-%m-%dT%H:%M:%S%z"), "runs": runs,
              "speedup": round(runs[-1]["returns_per_s"] / runs[0]["returns_per_s"], 2) if len(runs) > 1 else None}
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, indent=1) + "\n", encoding="utf-8")
    for r in runs:
        load = f" (load before {r['load_before']:.2f})" if r["load_before"] is not None else ""
        print(f"jobs={r['jobs']}: {r['returns']} returns in {r['seconds']} s = {r['returns_per_s']} returns/s, "
              f"CPU {r['cpu_s']} s{load}")
    print(f"written {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
