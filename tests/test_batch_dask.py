"""`extractor batch --scheduler`: the extraction on a real Dask `LocalCluster` (2 worker processes) gives the
same results and manifest as the local pool on the generated mailbox (tests/mailbox_fixture.py); a worker killed
mid-run loses nothing; a return that kills its workers is `failed`; a killed client resumes like a local run.
Plus the worker's sandbox and the option's checks, without a cluster."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from extractor.batch.dask_task import Job, Sandbox, Settings, extract_on_worker, read_overlay, version
from extractor.batch.manifest import final_lines, read_manifest
from extractor.batch.run import Options, run_batch
from extractor.batch.runner import Done, Limits
from extractor.batch.sources import Item, Provenance, sha256_file
from extractor.cli import main
from extractor.errors import PatternError
from tests.mailbox_fixture import build_mailbox

ROOT = Path(__file__).resolve().parents[1]
TIMING = ("run", "at", "seconds", "n")  # differ from run to run, whatever runs the extraction
WAIT_S = 120  # every wait in this file is bounded


def _batch(*args: str) -> tuple[int, str]:
    res = CliRunner().invoke(main, ["batch", *args], catch_exceptions=False)
    return res.exit_code, res.output


def _final(out: Path) -> list[dict]:
    """Each input's final manifest line of the last run, without the fields that differ between runs, sorted."""
    lines = list(read_manifest(out / "manifest.jsonl"))
    last = [{k: v for k, v in ln.items() if k not in TIMING} for ln in final_lines(lines, lines[-1]["run"])]
    return sorted(last, key=lambda ln: json.dumps(ln, sort_keys=True))


def _results(out: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted((out / "results").glob("*.json")) if not p.name.startswith(".")}


@pytest.fixture(scope="module")
def local_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, int]:
    """The mailbox, and the local pool's run of it (`--jobs 2`): the reference."""
    root = tmp_path_factory.mktemp("dask")
    build_mailbox(root / "in")
    code, _ = _batch(str(root / "in"), "-o", str(root / "local"), "--jobs", "2")
    return root, code


@pytest.fixture(scope="module")
def cluster() -> Iterator[tuple[str, object]]:
    """A LocalCluster of 2 worker processes (1 thread each) that lets a return kill 2 workers before failing it."""
    distributed = pytest.importorskip("distributed")
    from extractor.batch.dask_runner import local_cluster

    with local_cluster(2, allowed_failures=1) as lc, distributed.Client(lc) as client:
        client.wait_for_workers(2, timeout=WAIT_S)
        yield lc.scheduler_address, client


def _two_workers(client: object) -> None:
    """After a test that killed workers: wait until the nannies have brought both back."""
    client.wait_for_workers(2, timeout=WAIT_S)  # type: ignore[attr-defined]


def test_same_results_as_the_local_pool(local_run, cluster) -> None:
    root, local_code = local_run
    address, _ = cluster
    code, output = _batch(str(root / "in"), "-o", str(root / "dask"), "--scheduler", address)
    assert code == local_code == 1  # the mailbox's broken files fail either way
    assert _results(root / "dask") == _results(root / "local")  # byte-equal result JSON
    assert _final(root / "dask") == _final(root / "local")
    assert "superseded" in output and not (root / "dask" / ".staging").exists()


def test_a_worker_killed_mid_run_loses_nothing(local_run, cluster, tmp_path: Path) -> None:
    root, _ = local_run
    address, client = cluster
    killed: list[int] = []

    def executing(dask_worker) -> tuple[int, int]:  # noqa: ANN001 - run on each worker by client.run
        return os.getpid(), sum(ts.state == "executing" for ts in dask_worker.state.tasks.values())

    def kill_one(line: dict) -> None:
        if killed or line["status"] not in ("ok", "review"):
            return
        deadline = time.monotonic() + 10
        while not killed and time.monotonic() < deadline:  # a worker that is running a return right now
            for pid, busy in client.run(executing).values():  # type: ignore[attr-defined]
                if busy:
                    os.kill(pid, signal.SIGKILL)
                    killed.append(pid)
                    break
            time.sleep(0.01)

    out = tmp_path / "out"
    summary = run_batch([root / "in"], out, Options(scheduler=address, timeout_s=60), on_line=kill_one)
    assert killed, "no worker was running a return"
    assert _results(out) == _results(root / "local")
    assert _final(out) == _final(root / "local")
    assert summary.failed == sum(ln["status"] == "failed" for ln in _final(root / "local"))
    _two_workers(client)


def test_a_killed_client_resumes(local_run, cluster, tmp_path: Path) -> None:
    root, _ = local_run
    address, client = cluster
    out = tmp_path / "out"
    proc = subprocess.Popen([sys.executable, "-m", "extractor", "batch", str(root / "in"), "-o", str(out),
                             "--scheduler", address, "--timeout", "60"],
                            cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + WAIT_S
        while not (out / "results").is_dir() or not _results(out):
            assert proc.poll() is None and time.monotonic() < deadline, "the first result never came"
            time.sleep(0.01)
        proc.send_signal(signal.SIGKILL)  # kill -9 of the client
    finally:
        proc.wait(timeout=WAIT_S)
    finished = set(_results(out))
    reference = _results(root / "local")
    assert finished and finished < set(reference), "the client must be killed half-way"

    code, _ = _batch(str(root / "in"), "-o", str(out), "--scheduler", address, "--timeout", "60")
    assert code == 1
    assert _results(out) == reference
    final = _final(out)
    assert sorted(ln["input"] for ln in final) == sorted(ln["input"] for ln in _final(root / "local"))
    skipped = {ln["sha256"] + ".json" for ln in final if ln["status"] == "skipped"}
    skipped |= {ln["sha256"] + ".json" for ln in final if ln.get("note", "").startswith("was skipped")}
    assert skipped == finished  # done before the kill: not extracted again
    assert not list((out / "results").glob(".tmp-*"))
    _two_workers(client)


def _kill_my_worker(job: Job) -> Done:
    os.kill(os.getpid(), signal.SIGKILL)  # as the kernel's OOM killer would, or a machine going away
    return Done(error="not reached")


def test_a_return_that_kills_its_workers_is_failed_not_lost(cluster, tmp_path: Path) -> None:
    from extractor.batch.dask_runner import run_on_cluster

    address, _ = cluster
    path = ROOT / "corpora" / "returns" / "f000_r000.docx"
    item = Item(str(path), Provenance(path.name), path=str(path), sha256=sha256_file(path))
    done: list[tuple[Item, Done]] = []
    run_on_cluster(address, [item], tmp_path, 0.9, Limits(60, None), lambda i, d: done.append((i, d)),
                   task=_kill_my_worker)
    assert len(done) == 1 and done[0][0] is item
    assert "was lost 2 times in a row" in done[0][1].error
    # the last test on this cluster: a worker killed as it starts can leave its nanny closed, one worker short


# -- without a cluster ------------------------------------------------------------------------------------------

def test_scheduler_option_is_checked() -> None:
    code, output = _batch("x", "-o", "y", "--scheduler", "local:two")
    assert code == 2 and "local:N" in output
    res = CliRunner().invoke(main, ["batch", "x", "-o", "y"], env={"EXTRACTOR_SCHEDULER": "nowhere"})
    assert res.exit_code == 2 and "tcp://HOST:8786" in res.output


def test_cluster_settings_are_validated(tmp_path: Path) -> None:
    from extractor.batch.dask_runner import load_cluster_config

    assert load_cluster_config().tasks_per_thread >= 1
    bad = tmp_path / "cluster.yaml"
    bad.write_text("connect_timeout_s: 30\nwait_for_workers_s: 0\ntasks_per_thread: 2\nallowed_failures: 3\n")
    with pytest.raises(PatternError, match="wait_for_workers_s"):
        load_cluster_config(str(bad))


def test_worker_extracts_like_the_local_pool_and_refuses_another_version(tmp_path: Path) -> None:
    from extractor.batch import dask_task
    from extractor.batch.config import load_config
    from extractor.batch.work import extract_item

    path = ROOT / "corpora" / "returns" / "f001_r000.docx"
    item = Item(str(path), Provenance(path.name), path=str(path), sha256=sha256_file(path))
    limits = Limits(60, None)
    wrong = extract_on_worker(Job(item, path.read_bytes(), Settings(0.9, limits, "0" * 16)))
    assert "another version" in wrong.error
    try:  # this process plays the worker: its sandbox child is forked from the test run
        done = extract_on_worker(Job(item, path.read_bytes(), Settings(0.9, limits, version())))
    finally:
        box = getattr(dask_task._local, "box", None)
        if box is not None:
            box.close()
            del dask_task._local.box
    assert done.error is None
    outcome, blob = done.value
    local = extract_item(item, tmp_path, 0.9, load_config())
    assert outcome == local
    assert json.loads(blob) == json.loads((tmp_path / f"{item.sha256}.json").read_bytes())
    assert json.loads(blob)["source"]["path"] == str(path)  # the client's path, not the worker's copy


def test_overlay_travels_with_the_task(tmp_path: Path) -> None:
    from extractor.batch.dask_task import _overlay_dir

    (tmp_path / "ov" / "forms").mkdir(parents=True)
    (tmp_path / "ov" / "aliases.yaml").write_text("a: b\n", encoding="utf-8")
    (tmp_path / "ov" / "forms" / "x.yaml").write_text("id: x\n", encoding="utf-8")
    settings = Settings(0.9, Limits(60, None), version(), read_overlay(tmp_path / "ov"))
    folder = Path(_overlay_dir(settings))
    assert folder.name == f"extractor-overlay-{settings.overlay_digest}"
    assert read_overlay(folder) == settings.overlay
    shutil.rmtree(folder)


def _sleep(seconds: float) -> float:
    time.sleep(seconds)
    return seconds


def test_sandbox_stops_an_overrun_and_goes_on() -> None:
    box = Sandbox(_sleep, Limits(timeout_s=1, max_memory_bytes=None))
    try:
        assert "took more than 1 s and was stopped" in box.run(30).error
        assert box.run(0).value == 0
    finally:
        box.close()
