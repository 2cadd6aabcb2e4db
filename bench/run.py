"""Benchmark of the whole pipeline on the corpus: `python3 -m bench.run [--quick] [--scale …] [--out DIR]`.

One run, in one process tree, on the corpus returns (`corpora/returns/*.docx` and `*.pdf`):

1. stages    CPU time of each stage per return (read, slots, match, answers, confidence, write), DOCX and PDF,
             over a first pass (the process starts cold: label scores are computed and remembered) and a
             second pass (steady state, as in a season where every return of a form shares its labels);
             returns/s on one core and pages/s for PDF from the steady-state pass;
   The steady-state figures are those of the fastest of `--passes` passes (3 by default), as `timeit` reports the
   best of its repeats: on a shared machine the slower passes measure the neighbours, not the code; every pass's
   total is kept in the JSON; `new returns` is the steady state on returns the process has not met (warmed on
   every other file, then a forked copy extracts the rest: labels seen, typed values new; `new_returns_pass`);
   `reworded returns at first sight` is what a return of new wording costs a warm process (warmed on the plain
   DOCX returns only, then a forked copy extracts the 20 variant returns of the `unseen` case; `first_sight_pass`);
2. floors    the same files through zipfile + lxml (DOCX floor), docx2python, `pdftotext -layout` (PDF floor),
             pdfplumber `extract_text` and PDFium's characters with boxes (pypdfium2), each as a ratio to ours;
   user      what a user meets first, each in a fresh `python -m extractor extract` process, start-up included
             (`bench/user_cases.py`): one DOCX return cold (wall), 100 returns of unseen wording (the corpus's
             variant returns, 20 distinct × 5), PDF returns end to end (pages/s of wall time);
3. scaling   the corpus file list replicated to each size of `--scale` (DOCX) and `--pdf-scale` (PDF), through
             a pool of one worker per core: wall time, returns/s, CPU per return, peak RSS of each worker;
4. results   `OUT/bench.json` (everything above), `OUT/throughput.png` (throughput and RSS vs input size) and
             `OUT/bench.md` (the tables the README shows).

Times are CPU seconds (`time.process_time`, children's for pdftotext) except the pool runs, whose returns/s is
wall-clock: on a shared machine the CPU figures are the ones to compare.
"""

from __future__ import annotations

import argparse
import itertools
import json
import multiprocessing as mp
import os
import platform
import resource
import statistics
import sys
import sysconfig
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
STAGES = ("read", "slots", "match", "answers", "confidence", "write")


# -- one process: stages ---------------------------------------------------------------------------------------
def _maxrss_mb() -> float:
    """Peak resident memory of this process in MB: VmHWM of /proc/self/status (Linux), else ru_maxrss.

    ru_maxrss is not used on Linux: it survives fork and exec, so a pool worker would report its parent's peak."""
    try:
        with open("/proc/self/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024  # kB
    except OSError:
        pass
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return rss / 2**20 if sys.platform == "darwin" else rss / 1024  # bytes on macOS, KiB elsewhere


def stage_pass(files: list[Path], out_dir: Path) -> dict[str, Any]:
    """Extract and write every file once in this process; per-stage CPU seconds per return."""
    from extractor.catalogue import load_catalogue
    from extractor.output import write_result
    from extractor.pipeline import Stopwatch, extract_path

    cat = load_catalogue()
    watch = Stopwatch()
    pages = failed = 0
    for f in files:
        try:
            result = extract_path(f, cat, watch=watch)
        except Exception as exc:  # noqa: BLE001 (a benchmark counts failures, it does not stop on them)
            failed += 1
            print(f"  failed: {f.name}: {exc}", file=sys.stderr)
            continue
        write_result(result, out_dir)
        watch.lap("write")
        pages += _pages(f, result)
    n = len(files) - failed
    per = {s: watch.seconds.get(s, 0.0) / max(1, n) for s in STAGES}
    total = sum(per.values())
    out: dict[str, Any] = {"returns": n, "failed": failed,
                           "ms_per_return": {s: round(v * 1000, 2) for s, v in per.items()},
                           "ms_total": round(total * 1000, 2),
                           "returns_per_s_one_core": round(1 / total, 2) if total else None}
    if pages:
        out["pages"] = pages
        out["pages_per_return"] = round(pages / max(1, n), 2)
        out["pages_per_s_one_core"] = round(pages / (total * n), 2) if total else None
    return out


_PAGES: dict[str, int] = {}


def _measure_child(files: list[Path], out_dir: Path, conn: Any) -> None:
    conn.send(stage_pass(files, out_dir))
    conn.close()


def _forked_passes(warm: list[Path], measured: list[Path], out_dir: Path, passes: int) -> dict[str, Any] | None:
    """`warm` extracted in this process, then `measured` by a forked copy of it, `passes` times from the same
    warmed state; the fastest pass, with every pass's total. None where fork is not available."""
    if "fork" not in mp.get_all_start_methods() or not warm or not measured:
        return None
    stage_pass(warm, out_dir)
    ctx = mp.get_context("fork")
    runs = []
    for _ in range(max(1, passes)):
        parent, child = ctx.Pipe(duplex=False)
        proc = ctx.Process(target=_measure_child, args=(measured, out_dir, child))
        proc.start()
        child.close()
        runs.append(parent.recv())
        proc.join()
    best = min(runs, key=lambda p: p["ms_total"])
    return dict(best, pass_totals_ms=[p["ms_total"] for p in runs], warmed_on=len(warm))


def new_returns_pass(files: list[Path], out_dir: Path, passes: int = 3) -> dict[str, Any] | None:
    """Steady state on returns the process has not seen: every other file warms this process (labels of every
    form scored, caches filled), then a forked copy of it extracts the other half, each of `passes` times from
    the same warmed state, so the measured returns' typed values are new to the process in every pass (the
    repeated passes of `stage_pass` meet the same values again, which per-text memos remember). The fastest
    pass is reported. None where fork is not available."""
    if len(files) < 2:
        return None
    return _forked_passes(files[0::2], files[1::2], out_dir, passes)


def first_sight_pass(plain: list[Path], reworded: list[Path], out_dir: Path,
                     passes: int = 3) -> dict[str, Any] | None:
    """What a reworded return (wording the process has never scored) costs once the process is warm: a new
    interpreter (spawned: this process may have scored the reworded returns already) is warmed on the plain
    returns (no reworded one among them: every form's own labels scored, one-time set-up done), then a forked
    copy of it extracts the reworded ones, `passes` times from the same state (`_forked_passes`). Start-up and
    set-up are left out: this is the per-return price of new wording that the fresh-process `unseen` case pays
    on top of them. None where fork is not available."""
    if "fork" not in mp.get_all_start_methods() or not plain or not reworded:
        return None
    ctx = mp.get_context("spawn")
    parent, child = ctx.Pipe(duplex=False)
    proc = ctx.Process(target=_first_sight_child, args=(plain, reworded, out_dir, passes, child))
    proc.start()
    child.close()
    out = parent.recv()
    proc.join()
    return out


def _first_sight_child(plain: list[Path], reworded: list[Path], out_dir: Path, passes: int, conn: Any) -> None:
    conn.send(_forked_passes(plain, reworded, out_dir, passes))
    conn.close()


def _pages(path: Path, result: Any) -> int:
    """Pages of a PDF return (0 for other formats); counted once per file with pypdfium2."""
    if result.source.format != "pdf":
        return 0
    key = str(path)
    if key not in _PAGES:
        import pypdfium2 as pdfium

        doc = pdfium.PdfDocument(str(path))
        _PAGES[key] = len(doc)
        doc.close()
    return _PAGES[key]


def reader_only(files: list[Path], passes: int = 1) -> float:
    """CPU seconds per return of our reader alone (steady state; the fastest of `passes` passes)."""
    from extractor.readers import read

    best = float("inf")
    for _ in range(passes):
        t = time.process_time()
        for f in files:
            read(f)
        best = min(best, time.process_time() - t)
    return best / max(1, len(files))


# -- floors ------------------------------------------------------------------------------------------------------
def floors(fmt: str, files: list[Path], ours_ms: float, reader_ms: float, passes: int = 1) -> dict[str, Any]:
    """Each alternative on the same files (the fastest of `passes` passes, as ours), and ours as a ratio to it."""
    from bench.floors import FLOORS, available

    why = available()
    out: dict[str, Any] = {}
    for name, fn in FLOORS[fmt].items():
        if why.get(name):
            out[name] = {"skipped": why[name]}
            continue
        cpu, chars = float("inf"), 0
        for _ in range(passes):
            this = 0.0
            chars = 0
            for f in files:
                c, n = fn(f)
                this += c
                chars += n
            cpu = min(cpu, this)
        ms = cpu / max(1, len(files)) * 1000
        out[name] = {"ms_per_return": round(ms, 2), "chars_per_return": chars // max(1, len(files)),
                     # how many times the alternative's time ours takes (whole pipeline / reader alone)
                     "ours_over_it": round(ours_ms / ms, 2) if ms else None,
                     "our_reader_over_it": round(reader_ms / ms, 2) if ms else None}
    return out


# -- user cases: fresh processes ------------------------------------------------------------------------------------
def count_pages(files: list[Path]) -> int:
    import pypdfium2 as pdfium

    n = 0
    for f in files:
        doc = pdfium.PdfDocument(str(f))
        n += len(doc)
        doc.close()
    return n


def user_cases(corpus: Path, files: dict[str, list[Path]], quick: bool) -> dict[str, Any]:
    """Cold single return, unseen returns and PDF end to end (`bench.user_cases`), for the formats run."""
    from bench import user_cases as uc

    out: dict[str, Any] = {}
    repeats = 1 if quick else 3
    if files.get("docx"):
        print("user: one DOCX return in a fresh process …", flush=True)
        out["cold_single"] = uc.cold_single(files["docx"][0], repeats)
        distinct = uc.variant_returns(corpus, 20)
        print(f"user: {len(distinct) * 5} unseen-wording returns ({len(distinct)} × 5) in a fresh process …",
              flush=True)
        out["unseen_returns"] = uc.unseen_returns(distinct, 5, repeats)
    if files.get("pdf"):
        pdfs = files["pdf"][: 4 if quick else 20]
        print(f"user: {len(pdfs)} PDF returns end to end in a fresh process …", flush=True)
        out["pdf_end_to_end"] = uc.pdf_end_to_end(pdfs, count_pages(pdfs))
    return out


# -- pool: scaling ------------------------------------------------------------------------------------------------
def _worker_init() -> None:
    from extractor.catalogue import load_catalogue

    load_catalogue()


def _ready(_: int) -> int:
    return os.getpid()


def _work(task: tuple[list[str], str]) -> dict[str, Any]:
    from extractor.output import write_result
    from extractor.pipeline import extract_path

    paths, out_dir = task
    t = time.process_time()
    done = failed = 0
    for p in paths:
        try:
            write_result(extract_path(p), Path(out_dir))
            done += 1
        except Exception:  # noqa: BLE001
            failed += 1
    return {"pid": os.getpid(), "cpu": time.process_time() - t, "done": done, "failed": failed,
            "rss_mb": _maxrss_mb()}


def pool_run(files: list[Path], n: int, workers: int, out_dir: Path, chunk: int = 10) -> dict[str, Any]:
    """The corpus list replicated to `n` returns, extracted and written by `workers` processes."""
    paths = [str(p) for p in itertools.islice(itertools.cycle(files), n)]
    tasks = [(paths[i:i + chunk], str(out_dir)) for i in range(0, n, chunk)]
    ctx = mp.get_context("spawn")  # fresh workers: their RSS is their own, not a copy of ours
    with ctx.Pool(workers, initializer=_worker_init) as pool:
        pool.map(_ready, range(workers * 2))  # workers up and the catalogue loaded before the clock starts
        t = time.perf_counter()
        reports = pool.map(_work, tasks, chunksize=1)
        wall = time.perf_counter() - t
    cpu = sum(r["cpu"] for r in reports)
    done = sum(r["done"] for r in reports)
    rss: dict[int, float] = {}
    for r in reports:
        rss[r["pid"]] = max(rss.get(r["pid"], 0.0), r["rss_mb"])
    return {"returns": n, "done": done, "failed": sum(r["failed"] for r in reports), "workers": workers,
            "wall_s": round(wall, 2), "returns_per_s": round(done / wall, 2) if wall else None,
            "cpu_ms_per_return": round(cpu / max(1, done) * 1000, 2),
            "peak_rss_mb_per_worker": sorted(round(v, 1) for v in rss.values())}


# -- output ---------------------------------------------------------------------------------------------------------
def plot(results: dict[str, Any], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import matplotlib.ticker

    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(10, 4))
    for fmt, style in (("docx", "o-"), ("pdf", "s-")):
        runs = results["scaling"].get(fmt) or []
        if not runs:
            continue
        xs = [r["returns"] for r in runs]
        ax1.plot(xs, [r["returns_per_s"] for r in runs], style, label=f"{fmt}: returns/s (wall, all cores)")
        ax1.plot(xs, [1000 / r["cpu_ms_per_return"] for r in runs], style, alpha=0.5,
                 label=f"{fmt}: returns per CPU-second")
        ax2.plot(xs, [max(r["peak_rss_mb_per_worker"]) for r in runs], style, label=f"{fmt}: peak RSS per worker")
    for ax in (ax1, ax2):
        ax.set_xscale("log")
        ax.set_xlabel("returns in the run (corpus replicated)")
        ax.grid(True, alpha=0.3)
        ax.legend(fontsize=8)
    ax1.set_ylabel("returns per second")
    ax1.set_yscale("log")
    ax1.yaxis.set_major_formatter(matplotlib.ticker.ScalarFormatter())
    ax1.yaxis.set_minor_formatter(matplotlib.ticker.NullFormatter())
    ax2.set_ylabel("MB")
    ax2.set_ylim(bottom=0)
    fig.suptitle(f"vn-form-extractor throughput ({results['machine']['cpus']} cores)")
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)


def markdown(r: dict[str, Any]) -> str:
    """The README tables."""
    lines = ["| | DOCX | PDF |", "|---|---|---|"]
    st = r["stages"]

    def both(fn: Any) -> str:
        return " | ".join(fn(fmt) if fmt in st else "—" for fmt in ("docx", "pdf"))

    for s in STAGES:
        lines.append(f"| {s} (ms/return, CPU) | " + both(lambda f, s=s: f"{st[f]['steady']['ms_per_return'][s]:.1f}")
                     + " |")
    lines.append("| **whole pipeline (ms/return)** | " + both(lambda f: f"**{st[f]['steady']['ms_total']:.1f}**")
                 + " |")
    lines.append("| first pass, cold caches (ms/return) | " + both(lambda f: f"{st[f]['first_pass']['ms_total']:.1f}")
                 + " |")
    lines.append("| returns/s, one core | " + both(lambda f: f"{st[f]['steady']['returns_per_s_one_core']}") + " |")
    lines.append("| new returns of seen forms: ms/return (returns/s) | " + both(
        lambda f: f"{st[f]['new_returns']['ms_total']:.1f} ({st[f]['new_returns']['returns_per_s_one_core']})"
        if st[f].get("new_returns") else "—") + " |")
    lines.append("| reworded returns at first sight (warm process): ms/return | " + both(
        lambda f: f"{st[f]['first_sight']['ms_total']:.1f}" if st[f].get("first_sight") else "—") + " |")
    lines.append("| pages/s, one core | — | " + (f"{st['pdf']['steady'].get('pages_per_s_one_core')}"
                                                    if "pdf" in st else "—") + " |")
    sc = r["scaling"]
    lines.append("| returns/s, all cores (largest run, wall) | " + both(
        lambda f: f"{sc[f][-1]['returns_per_s']} ({sc[f][-1]['workers']} workers)" if sc.get(f) else "—") + " |")
    lines.append("| peak RSS per worker (MB) | " + both(
        lambda f: f"{max(max(x['peak_rss_mb_per_worker']) for x in sc[f]):.0f}" if sc.get(f) else "—") + " |")
    lines += user_markdown(r.get("user_cases") or {}, st)
    lines += ["", "| alternative (same files) | ms/return (CPU) | ours ÷ it: whole pipeline | ours ÷ it: reader only |",
              "|---|---|---|---|"]
    for fmt in ("docx", "pdf"):
        for name, v in r["floors"].get(fmt, {}).items():
            if "skipped" in v:
                lines.append(f"| {fmt}: {name} | skipped: {v['skipped']} | | |")
            else:
                lines.append(f"| {fmt}: {name} | {v['ms_per_return']:.1f} | {v['ours_over_it']}× | "
                             f"{v['our_reader_over_it']}× |")
    lines += ["", "| run | returns | workers | wall (s) | returns/s (wall) | CPU ms/return | peak RSS per worker (MB) "
              "|", "|---|---|---|---|---|---|---|"]
    for fmt in ("docx", "pdf"):
        for x in sc.get(fmt, []):
            lines.append(f"| {fmt} | {x['returns']} | {x['workers']} | {x['wall_s']} | {x['returns_per_s']} | "
                         f"{x['cpu_ms_per_return']} | {', '.join(f'{v:.0f}' for v in x['peak_rss_mb_per_worker'])} |")
    m = r.get("machine") or {}
    if m.get("python_build"):
        b = m["python_build"]
        lines += ["", f"Python {m.get('python')} ({b['executable']}, "
                      f"{'shared' if b['shared_libpython'] else 'static'} libpython, {b['compiler']}), "
                      f"{m.get('cpus')} CPUs."]
    return "\n".join(lines) + "\n"


def user_markdown(u: dict[str, Any], st: dict[str, Any]) -> list[str]:
    """The table of what a user meets: fresh processes, start-up included."""
    if not u:
        return []
    lines = ["", "| fresh process, start-up included | wall | CPU | rate | peak RSS |", "|---|---|---|---|---|"]
    if "cold_single" in u:
        c = u["cold_single"]
        for key, name in (("patterns_cached", "compiled patterns cached"), ("empty_cache", "first run, empty cache")):
            x = c[key]
            lines.append(f"| one DOCX return ({c['file']}), {name} | {x['wall_s']:.2f} s | {x['cpu_s']:.2f} s | — | "
                         f"{x['peak_rss_mb']:.0f} MB |")
    if "unseen_returns" in u:
        x = u["unseen_returns"]
        lines.append(f"| {x['returns']} unseen-wording DOCX returns ({x['distinct']} × {x['times']}) | "
                     f"{x['wall_s']:.2f} s | {x['cpu_s']:.2f} s | **{x['returns_per_s_wall']} returns/s** | "
                     f"{x['peak_rss_mb']:.0f} MB |")
    if "docx" in st:
        lines.append(f"| DOCX steady state (stages above) | — | {st['docx']['steady']['ms_total']:.1f} ms/return | "
                     f"**{st['docx']['steady']['returns_per_s_one_core']} returns/s** | — |")
    if "pdf_end_to_end" in u:
        x = u["pdf_end_to_end"]
        lines.append(f"| PDF end to end ({x['returns']} returns, {x['pages']} pages) | {x['wall_s']:.2f} s | "
                     f"{x['cpu_s']:.2f} s | **{x['pages_per_s_wall']} pages/s** | {x['peak_rss_mb']:.0f} MB |")
    return lines


def summarise(scaling: dict[str, list[dict[str, Any]]]) -> dict[str, dict[str, Any]]:
    """Is the cost linear and the memory flat? Per format with two runs or more: the CPU cost of each return
    added between the two largest runs (the steady cost once every worker has seen the corpus), the CPU per
    return of each run, and how much the peak RSS per worker grew between the two largest runs."""
    out = {}
    for fmt, runs in scaling.items():
        if len(runs) < 2:
            continue
        a, b = runs[-2], runs[-1]
        cpu_a, cpu_b = a["done"] * a["cpu_ms_per_return"], b["done"] * b["cpu_ms_per_return"]
        added = (cpu_b - cpu_a) / max(1, b["done"] - a["done"])
        out[fmt] = {"marginal_cpu_ms_per_return": round(added, 2),
                    "cpu_ms_per_return": [r["cpu_ms_per_return"] for r in runs],
                    "rss_growth_mb_last_two_runs": round(max(b["peak_rss_mb_per_worker"])
                                                        - max(a["peak_rss_mb_per_worker"]), 1),
                    "median_cpu_ms_per_return": statistics.median(r["cpu_ms_per_return"] for r in runs)}
    return out


def _sizes(text: str) -> list[int]:
    return [int(x.replace("_", "")) for x in text.split(",") if x.strip()]


def python_build() -> dict[str, Any]:
    """The interpreter the figures come from: its path and whether it runs from a shared libpython. The same
    Python version runs the pure-Python stages a few percent slower from a shared library (calls through the PLT):
    pyenv builds one, Debian's /usr/bin/python3 is linked statically."""
    return {"executable": sys.executable, "shared_libpython": bool(sysconfig.get_config_var("Py_ENABLE_SHARED")),
            "compiler": platform.python_compiler()}


def main(argv: list[str] | None = None) -> dict[str, Any]:
    ap = argparse.ArgumentParser(prog="python3 -m bench.run", description=__doc__.split("\n\n")[0])
    ap.add_argument("--corpus", type=Path, default=ROOT / "corpora" / "returns", help="folder of returns")
    ap.add_argument("--formats", default="docx,pdf", help="formats to run (default: docx,pdf)")
    ap.add_argument("--limit", type=int, default=0, help="use only the first N files of each format")
    ap.add_argument("--scale", help="DOCX pool runs, returns per run (default: 100,1000,10000)")
    ap.add_argument("--pdf-scale", help="PDF pool runs, returns per run (default: 100,1000)")
    ap.add_argument("--workers", type=int, default=os.cpu_count() or 1, help="pool size (default: every core)")
    ap.add_argument("--passes", type=int, default=3,
                    help="steady-state passes over the files; the fastest is reported (default: 3)")
    ap.add_argument("--quick", action="store_true", help="8 files per format, runs of 16 and 32 returns")
    ap.add_argument("--skip-user", action="store_true",
                    help="leave out the fresh-process cases (cold return, unseen returns, PDF end to end)")
    ap.add_argument("--only-user", action="store_true",
                    help="only the fresh-process cases and the stages (no floors, no pool runs)")
    ap.add_argument("--out", type=Path, default=ROOT / "bench" / "results", help="where bench.json and the PNG go")
    args = ap.parse_args(argv)
    if args.quick:
        args.limit = args.limit or 8
    args.scale = args.scale or ("16,32" if args.quick else "100,1000,10000")
    args.pdf_scale = args.pdf_scale or ("16,32" if args.quick else "100,1000")
    formats = [f.strip() for f in args.formats.split(",") if f.strip()]
    args.out.mkdir(parents=True, exist_ok=True)
    started = time.time()
    results: dict[str, Any] = {
        "command": " ".join(["python3 -m bench.run", *(argv if argv is not None else sys.argv[1:])]),
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version(), "platform": platform.platform(),
                    "python_build": python_build(), "load_average_start": [round(x, 2) for x in os.getloadavg()]},
        "stages": {}, "floors": {}, "user_cases": {}, "scaling": {}, "scaling_summary": {}}
    with tempfile.TemporaryDirectory(prefix="bench-") as tmp:
        files = {fmt: sorted(args.corpus.glob(f"*.{fmt}"))[: args.limit or None] for fmt in formats}
        for fmt in formats:
            if not files[fmt]:
                raise SystemExit(f"no .{fmt} file in {args.corpus}")
            print(f"{fmt}: stages on {len(files[fmt])} returns …", flush=True)
            first = stage_pass(files[fmt], Path(tmp) / fmt)
            passes = [stage_pass(files[fmt], Path(tmp) / fmt) for _ in range(max(1, args.passes))]
            steady = dict(min(passes, key=lambda p: p["ms_total"]), pass_totals_ms=[p["ms_total"] for p in passes])
            reader_ms = reader_only(files[fmt], args.passes) * 1000
            results["stages"][fmt] = {"first_pass": first, "steady": steady, "reader_only_ms": round(reader_ms, 2),
                                      "rss_mb_main": round(_maxrss_mb(), 1)}
            new = new_returns_pass(files[fmt], Path(tmp) / f"new-{fmt}", args.passes)
            if new:
                results["stages"][fmt]["new_returns"] = new
            if fmt == "docx":
                from bench.user_cases import plain_returns, variant_returns

                sight = first_sight_pass(plain_returns(args.corpus), variant_returns(args.corpus, 20),
                                         Path(tmp) / "first-sight", args.passes)
                if sight:
                    results["stages"][fmt]["first_sight"] = sight
            if not args.only_user:
                print(f"{fmt}: floors …", flush=True)
                results["floors"][fmt] = floors(fmt, files[fmt], steady["ms_total"], reader_ms, args.passes)
        if not args.skip_user:
            results["user_cases"] = user_cases(args.corpus, files, args.quick)
        for fmt in [] if args.only_user else formats:
            results["scaling"][fmt] = []
            for n in _sizes(args.scale if fmt == "docx" else args.pdf_scale):
                print(f"{fmt}: pool run of {n} returns on {args.workers} workers …", flush=True)
                results["scaling"][fmt].append(pool_run(files[fmt], n, args.workers, Path(tmp) / f"pool-{fmt}"))
    results["machine"]["load_average_end"] = [round(x, 2) for x in os.getloadavg()]
    results["seconds"] = round(time.time() - started, 1)
    results["scaling_summary"] = summarise(results["scaling"])
    (args.out / "bench.json").write_text(json.dumps(results, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    plot(results, args.out / "throughput.png")
    md = markdown(results)
    (args.out / "bench.md").write_text(md, encoding="utf-8")
    print(md)
    print(f"written: {args.out / 'bench.json'}, {args.out / 'throughput.png'}, {args.out / 'bench.md'}")
    return results


if __name__ == "__main__":
    main()
