"""What a user meets first, each in a fresh process (`python -m extractor extract …`), start-up included:

    cold_single(file)       one DOCX return, wall and CPU: with the compiled patterns already cached (every run
                            after the first) and with an empty cache (the very first run after installing)
    unseen_returns(files)   returns whose wording the process has never scored (the corpus's variant returns,
                            `distinct` of them, each `times` times: 20 × 5 = 100) in one fresh process
    pdf_end_to_end(files)   PDF returns in one fresh process: pages per second of wall time, start-up included

Wall times are `time.perf_counter` around the child; CPU is the child's user + system time; peak RSS is the
child's (`ru_maxrss` of a wrapper process that runs only that child). The child runs as Python does by default,
writing and reusing compiled bytecode (`__pycache__`): a `PYTHONDONTWRITEBYTECODE` set in the benchmark's own
environment (some sandboxes and containers set it) is dropped, or every "fresh process" would compile the
package's sources again (about 0.1 s here), which no installed copy does after its first run.
"""

from __future__ import annotations

import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent

# runs `python -m extractor ARGS…` as its only child and prints the child's CPU seconds and peak RSS (MB)
_WRAPPER = """
import resource, subprocess, sys, time
t = time.perf_counter()
rc = subprocess.run([sys.executable, "-m", "extractor", *sys.argv[1:]], stdout=subprocess.DEVNULL).returncode
wall = time.perf_counter() - t
u = resource.getrusage(resource.RUSAGE_CHILDREN)
print(rc, wall, u.ru_utime + u.ru_stime, u.ru_maxrss / 1024)
"""


def _run(args: list[str], cache_dir: str | None) -> dict[str, float]:
    """One fresh `python -m extractor` process: wall seconds (child only), CPU seconds, peak RSS MB."""
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]).rstrip(os.pathsep))
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    if cache_dir is not None:
        env["EXTRACTOR_CACHE_DIR"] = cache_dir
    out = subprocess.run([sys.executable, "-c", _WRAPPER, *args], capture_output=True, text=True, env=env,
                         cwd=ROOT, check=True).stdout.split()
    rc, wall, cpu, rss = int(out[0]), float(out[1]), float(out[2]), float(out[3])
    if rc != 0:
        raise RuntimeError(f"`python -m extractor {' '.join(args[:3])} …` exited with {rc}")
    return {"wall_s": wall, "cpu_s": cpu, "peak_rss_mb": rss}


def _summary(runs: list[dict[str, float]]) -> dict[str, Any]:
    return {"wall_s": round(min(r["wall_s"] for r in runs), 3),
            "wall_s_median": round(statistics.median(r["wall_s"] for r in runs), 3),
            "cpu_s": round(min(r["cpu_s"] for r in runs), 3),
            "peak_rss_mb": round(max(r["peak_rss_mb"] for r in runs), 1),
            "runs_wall_s": [round(r["wall_s"], 3) for r in runs]}


def cold_single(file: Path, repeats: int = 3) -> dict[str, Any]:
    """One return extracted by a fresh process, `repeats` times: with the compiled catalogue cached and with
    an empty cache folder each time (the best of the repeats is reported, every run is kept)."""
    with tempfile.TemporaryDirectory(prefix="bench-cold-") as tmp:
        out = str(Path(tmp) / "out")
        cached = str(Path(tmp) / "cache")
        _run(["extract", str(file), "-o", out], cached)  # fills the cache
        warm = [_run(["extract", str(file), "-o", out], cached) for _ in range(repeats)]
        empty = [_run(["extract", str(file), "-o", out], str(Path(tmp) / f"empty{n}")) for n in range(repeats)]
    return {"file": file.name, "patterns_cached": _summary(warm), "empty_cache": _summary(empty)}


def variant_returns(corpus: Path, distinct: int) -> list[Path]:
    """Up to `distinct` variant DOCX returns (reworded templates, `variant: true` in CORPUS/../truth), taken in
    turn from each form; every DOCX return of `corpus` when it has no truth."""
    truth = corpus.parent / "truth"
    by_form: dict[str, list[Path]] = {}
    for f in sorted(truth.glob("*.json")) if truth.is_dir() else []:
        data = json.loads(f.read_text(encoding="utf-8"))
        path = corpus / f"{data['return_id']}.docx"
        if data.get("variant") and path.is_file():
            by_form.setdefault(str(data.get("form")), []).append(path)
    if not by_form:
        by_form = {"": sorted(corpus.glob("*.docx"))}
    picked: list[Path] = []
    for n in range(max(len(v) for v in by_form.values())):
        for form in sorted(by_form):
            if n < len(by_form[form]) and len(picked) < distinct:
                picked.append(by_form[form][n])
    return picked


def plain_returns(corpus: Path) -> list[Path]:
    """The DOCX returns of `corpus` printed from the forms' own wording (no `variant: true` in CORPUS/../truth)."""
    truth = corpus.parent / "truth"
    out = []
    for f in sorted(truth.glob("*.json")) if truth.is_dir() else []:
        data = json.loads(f.read_text(encoding="utf-8"))
        path = corpus / f"{data['return_id']}.docx"
        if not data.get("variant") and path.is_file():
            out.append(path)
    return out


def unseen_returns(files: list[Path], times: int = 5, repeats: int = 1) -> dict[str, Any]:
    """`files` (distinct returns), each `times` times, through one fresh `extractor extract` process.

    Each repeat is a copy under its own name (`extract` reads a path once however often it is given), so the
    process extracts len(files) × times returns: the first sight of each wording, then its repeats."""
    with tempfile.TemporaryDirectory(prefix="bench-unseen-") as tmp:
        copies = Path(tmp) / "returns"
        copies.mkdir()
        paths = []
        for n in range(times):
            for f in files:
                dest = copies / f"{f.stem}-{n}{f.suffix}"
                shutil.copyfile(f, dest)
                paths.append(str(dest))
        cache = str(Path(tmp) / "cache")
        _run(["extract", str(files[0]), "-o", str(Path(tmp) / "warm")], cache)  # compiled patterns cached
        runs = [_run(["extract", *paths, "-o", str(Path(tmp) / "out")], cache) for _ in range(repeats)]
    s = _summary(runs)
    n = len(paths)
    return dict(s, returns=n, distinct=len(files), times=times,
                returns_per_s_wall=round(n / s["wall_s"], 1), returns_per_cpu_s=round(n / s["cpu_s"], 1))


def pdf_end_to_end(files: list[Path], pages: int, repeats: int = 1) -> dict[str, Any]:
    """`files` (PDF returns with `pages` pages in all) through one fresh `extractor extract` process."""
    with tempfile.TemporaryDirectory(prefix="bench-pdf-") as tmp:
        cache = str(Path(tmp) / "cache")
        _run(["extract", str(files[0]), "-o", str(Path(tmp) / "warm")], cache)
        runs = [_run(["extract", *map(str, files), "-o", str(Path(tmp) / "out")], cache) for _ in range(repeats)]
    s = _summary(runs)
    return dict(s, returns=len(files), pages=pages, pages_per_s_wall=round(pages / s["wall_s"], 1),
                pages_per_cpu_s=round(pages / s["cpu_s"], 1))
