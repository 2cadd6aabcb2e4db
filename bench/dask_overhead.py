"""What extraction on a Dask cluster costs beside the local pool: `extractor batch --scheduler` vs `--jobs`.

    python3 bench/dask_overhead.py [--limit N] [--noop 200] [--kill-check] [--out bench/results/dask.json]

On the same corpus DOCX returns, each into a fresh output folder: the local pool with 1 and 2 jobs, then a
`LocalCluster` (worker processes, 1 thread each) with 1 and 2 workers, started before the clock runs as a real
cluster is (the start-up is recorded apart). For each run: wall seconds, returns/s, and the CPU time of
everything involved (this process with the in-process scheduler and nannies, the local pool's workers, the
Dask workers and their extraction children); for the cluster also what it uses idle (heartbeats, the scheduler's
periodic work: CPU per second, measured for 5 s before the run), since under load a run lasts longer and that
part grows with the wall time, not with the returns. Then:

- the overhead per return on the cluster: the extra wall time per return beside the local pool with as many
  workers, and the extra CPU time per return, each against a DOCX return's cost (local pool, 1 job);
- the overhead per task of the machinery alone: `--noop` tasks that carry a return's bytes to a worker and
  an outcome back without extracting, through the same client loop, on 1 worker;
- the 2-worker cluster's results compared byte for byte with the 2-job local pool's, and with `--kill-check`
  a third 2-worker run during which one worker is killed (SIGKILL) after 10 results.

The figures depend on what else the machine is doing: the load average before each run is recorded next to it.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import signal
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.cpu import cpu_seconds  # noqa: E402
from extractor.batch.dask_runner import load_cluster_config, local_cluster, run_on_cluster  # noqa: E402
from extractor.batch.dask_task import Job, _preload, version  # noqa: E402
from extractor.batch.run import Options, run_batch  # noqa: E402
from extractor.batch.runner import Done, Limits  # noqa: E402
from extractor.batch.sources import Item, Provenance, sha256_file  # noqa: E402
from extractor.batch.work import Outcome  # noqa: E402


def _worker_cpu() -> float:
    """On a Dask worker: CPU seconds of the worker process, its live children and its reaped ones."""
    import psutil

    me = psutil.Process()
    t = me.cpu_times()
    total = t.user + t.system + t.children_user + t.children_system
    for child in me.children(recursive=True):
        try:
            c = child.cpu_times()
            total += c.user + c.system
        except psutil.Error:
            pass
    return total


def _warm() -> str:
    """On a Dask worker: what a long-running worker has done once already (import, version, catalogue)."""
    _preload()
    return version()


def _noop(job: Job) -> Done:
    """A task that does everything but the extraction: the bytes arrive, an outcome goes back."""
    return Done(value=(Outcome("review", job.item.sha256), None), seconds=0.0)


def _load() -> float | None:
    return os.getloadavg()[0] if hasattr(os, "getloadavg") else None


def _results(out: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in (out / "results").glob("*.json") if not p.name.startswith(".")}


def _row(kind: str, workers: int, n: int, seconds: float, cpu: float, load: float | None) -> dict[str, Any]:
    return {"runner": kind, "workers": workers, "returns": n, "seconds": round(seconds, 2),
            "returns_per_s": round(n / seconds, 2), "ms_per_return": round(1000 * seconds / n, 1),
            "cpu_s": round(cpu, 2), "cpu_ms_per_return": round(1000 * cpu / n, 1), "load_before": load}


def local_run(inputs: Path, out: Path, jobs: int, n: int) -> dict[str, Any]:
    load, cpu0, t0 = _load(), cpu_seconds(), time.perf_counter()
    summary = run_batch([inputs], out, Options(jobs=jobs))
    seconds, cpu = time.perf_counter() - t0, cpu_seconds() - cpu0
    return {**_row("local pool", jobs, n, seconds, cpu, load), "statuses": dict(summary.by_status())}


class Cluster:
    """A LocalCluster of `workers` processes, warmed up as a long-running cluster would be."""

    def __init__(self, workers: int) -> None:
        from distributed import Client

        t0 = time.perf_counter()
        self.lc = local_cluster(workers, load_cluster_config().allowed_failures)  # what local:N starts
        self.client = Client(self.lc)
        self.client.wait_for_workers(workers, timeout=300)
        self.start_s = time.perf_counter() - t0
        self.client.run(_warm)
        self.address = self.lc.scheduler_address

    def idle_cpu_per_s(self, seconds: float = 5.0) -> float:
        """CPU seconds per second the cluster (scheduler, nannies, client, workers) uses doing nothing."""
        cpu0, t0 = self.cpu(), time.perf_counter()
        time.sleep(seconds)
        return (self.cpu() - cpu0) / (time.perf_counter() - t0)

    def cpu(self) -> float:
        return cpu_seconds() + sum(self.client.run(_worker_cpu).values())

    def pids(self) -> dict[str, int]:
        return self.client.run(os.getpid)

    def close(self) -> None:
        self.client.close()
        self.lc.close()


def dask_run(cluster: Cluster, inputs: Path, out: Path, workers: int, n: int,
             kill_after: int | None = None) -> dict[str, Any]:
    killed: list[int] = []
    seen = [0]

    def on_line(line: dict[str, Any]) -> None:
        if kill_after is None or killed or line["status"] not in ("ok", "review"):
            return
        seen[0] += 1
        if seen[0] >= kill_after:
            pid = next(iter(cluster.pids().values()))
            os.kill(pid, signal.SIGKILL)
            killed.append(pid)

    idle = cluster.idle_cpu_per_s()
    load, cpu0, t0 = _load(), cluster.cpu(), time.perf_counter()
    summary = run_batch([inputs], out, Options(scheduler=cluster.address), on_line=on_line)
    seconds = time.perf_counter() - t0
    cpu = cluster.cpu() - cpu0
    row = {**_row("dask", workers, n, seconds, cpu, load), "statuses": dict(summary.by_status()),
           "cluster_start_s": round(cluster.start_s, 2), "idle_cpu_per_s": round(idle, 3),
           "cpu_ms_per_return_less_idle": round(1000 * (cpu - idle * seconds) / n, 1)}
    if kill_after is not None:  # a killed worker's CPU (and its child's) is lost from the count: no CPU figure
        row.update(killed_worker_pid=killed[0] if killed else None, cpu_s=None, cpu_ms_per_return=None,
                   cpu_ms_per_return_less_idle=None)
    return row


def noop_run(cluster: Cluster, files: list[Path], count: int, out: Path) -> dict[str, Any]:
    items = []
    for i in range(count):
        f = files[i % len(files)]
        items.append(Item(str(f), Provenance(f.name), path=str(f), sha256=sha256_file(f)))
    done: list[Done] = []
    load, cpu0, t0 = _load(), cluster.cpu(), time.perf_counter()
    run_on_cluster(cluster.address, items, out, 0.9, Limits(60, None), lambda i, d: done.append(d), task=_noop)
    seconds, cpu = time.perf_counter() - t0, cluster.cpu() - cpu0
    assert len(done) == count and all(d.error is None for d in done)
    return {"tasks": count, "workers": 1, "seconds": round(seconds, 2),
            "ms_per_task": round(1000 * seconds / count, 2), "cpu_ms_per_task": round(1000 * cpu / count, 2),
            "mean_bytes": round(sum(f.stat().st_size for f in files) / len(files)), "load_before": load}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--limit", type=int, default=None, help="only the first N DOCX returns (in name order)")
    ap.add_argument("--noop", type=int, default=200, help="tasks of the machinery-only measure (0: skip)")
    ap.add_argument("--kill-check", action="store_true", help="also a 2-worker run with a worker killed")
    ap.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "dask.json")
    args = ap.parse_args(argv)
    files = sorted(p for p in (ROOT / "corpora" / "returns").iterdir() if p.suffix == ".docx")[: args.limit]
    n = len(files)
    runs: list[dict[str, Any]] = []
    report: dict[str, Any] = {"what": "extractor batch --scheduler (Dask LocalCluster) beside the local pool, "
                                      "corpora/returns DOCX", "cpu_count": os.cpu_count(),
                              "python": platform.python_version(), "machine": platform.machine(),
                              "at": time.strftime("%Y-%m-%dT%H:%M:%S%z"), "runs": runs}
    with tempfile.TemporaryDirectory(prefix="bench-dask-") as tmp:
        inputs = Path(tmp) / "in"
        inputs.mkdir()
        for f in files:
            (inputs / f.name).symlink_to(f)
        for jobs in (1, 2):
            runs.append(local_run(inputs, Path(tmp) / f"local{jobs}", jobs, n))
            print(runs[-1], flush=True)
        for workers in (1, 2):
            cluster = Cluster(workers)
            try:
                runs.append(dask_run(cluster, inputs, Path(tmp) / f"dask{workers}", workers, n))
                print(runs[-1], flush=True)
                if workers == 1 and args.noop:
                    report["noop"] = noop_run(cluster, files, args.noop, Path(tmp) / "noop")
                    print(report["noop"], flush=True)
                if workers == 2 and args.kill_check:
                    report["killed_worker"] = dask_run(cluster, inputs, Path(tmp) / "kill", 2, n, kill_after=10)
                    report["killed_worker"]["same_results_as_local_pool"] = (
                        _results(Path(tmp) / "kill") == _results(Path(tmp) / "local2"))
                    print(report["killed_worker"], flush=True)
            finally:
                cluster.close()
        report["same_results_as_local_pool"] = {
            f"dask {w} workers": _results(Path(tmp) / f"dask{w}") == _results(Path(tmp) / f"local{w}")
            for w in (1, 2)}
        shutil.rmtree(inputs)
    by = {(r["runner"], r["workers"]): r for r in runs}
    docx_ms, docx_cpu_ms = by[("local pool", 1)]["ms_per_return"], by[("local pool", 1)]["cpu_ms_per_return"]
    report["docx_return_cost"] = {"ms_per_return": docx_ms, "cpu_ms_per_return": docx_cpu_ms,
                                  "from": "local pool, 1 job"}
    overhead = {}
    for w in (1, 2):
        local, dask = by[("local pool", w)], by[("dask", w)]
        extra_ms = dask["ms_per_return"] - local["ms_per_return"]
        extra_cpu = dask["cpu_ms_per_return"] - local["cpu_ms_per_return"]
        extra_busy = dask["cpu_ms_per_return_less_idle"] - local["cpu_ms_per_return"]
        overhead[f"{w} workers"] = {
            "wall_ms_per_return": round(extra_ms, 1), "wall_share_of_docx_return": round(extra_ms / docx_ms, 3),
            "cpu_ms_per_return": round(extra_cpu, 1), "cpu_share_of_docx_return": round(extra_cpu / docx_cpu_ms, 3),
            "cpu_ms_per_return_less_idle": round(extra_busy, 1),
            "cpu_less_idle_share_of_docx_return": round(extra_busy / docx_cpu_ms, 3)}
    if "noop" in report:
        overhead["machinery per task (noop, 1 worker)"] = {
            "wall_ms_per_task": report["noop"]["ms_per_task"],
            "wall_share_of_docx_return": round(report["noop"]["ms_per_task"] / docx_ms, 3),
            "cpu_ms_per_task": report["noop"]["cpu_ms_per_task"],
            "cpu_share_of_docx_return": round(report["noop"]["cpu_ms_per_task"] / docx_cpu_ms, 3)}
    report["overhead"] = overhead
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, indent=1) + "\n", encoding="utf-8")
    print(json.dumps({k: report[k] for k in ("docx_return_cost", "overhead", "same_results_as_local_pool")},
                     indent=1))
    print(f"written {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
