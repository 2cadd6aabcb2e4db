"""The batch's process runner (long-lived workers, a time limit per task, a memory limit per worker) and the
manifest's durability; a batch killed with SIGKILL half-way and run again finishes without redoing finished files."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from extractor.batch.manifest import Manifest, final_lines, read_manifest
from extractor.batch.run import Options, run_batch
from extractor.batch.runner import Done, Limits, run_tasks
from extractor.batch.sources import sanitize_name, unsafe_member

ROOT = Path(__file__).resolve().parents[1]
MB = 1024 * 1024


def _task(kind: str) -> str:
    if kind == "sleep":
        time.sleep(60)
    elif kind == "memory":
        block = bytearray(1024 * MB)  # over the limit set below
        return str(len(block))
    elif kind == "crash":
        os.kill(os.getpid(), signal.SIGKILL)  # as the kernel's OOM killer would
    elif kind == "raise":
        raise ValueError("bad input")
    elif kind.startswith("pid"):
        return os.getpid()
    return f"done {kind}"


def _address_space() -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmSize:"):
            return int(line.split()[1]) * 1024
    return 512 * MB


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="rlimits and /proc are Linux")
def test_one_bad_task_never_stops_the_others() -> None:
    done: dict[str, Done] = {}
    tasks = ["a", "sleep", "memory", "crash", "raise", "b"]
    run_tasks(_task, tasks, 3, Limits(timeout_s=3, max_memory_bytes=_address_space() + 256 * MB),
              lambda t, d: done.__setitem__(t, d))
    assert set(done) == set(tasks)
    assert done["a"].value == "done a" and done["b"].value == "done b"
    assert "took more than 3 s" in done["sleep"].error
    assert "ran out of memory" in done["memory"].error
    assert "killed by SIGKILL" in done["crash"].error
    assert done["raise"].error == "unexpected error (ValueError: bad input)"


def test_a_worker_runs_many_tasks_and_a_fresh_one_follows_a_failure() -> None:
    done: list[tuple[str, Done]] = []
    tasks = ["pid1", "pid2", "pid3", "sleep", "pid4", "crash", "pid5", "raise", "pid6"]
    run_tasks(_task, tasks, 1, Limits(timeout_s=2, max_memory_bytes=None), lambda t, d: done.append((t, d)))
    assert [t for t, _ in done] == tasks  # one worker: in order
    pid = {t: d.value for t, d in done if t.startswith("pid")}
    assert pid["pid1"] == pid["pid2"] == pid["pid3"] != os.getpid()  # one worker reused, not the parent
    assert pid["pid4"] != pid["pid3"]  # the hung task's worker was killed, a fresh one took the next task
    assert pid["pid5"] not in (pid["pid4"], pid["pid3"])  # the same after a worker killed by a signal
    assert pid["pid6"] == pid["pid5"]  # an exception in a task does not cost the worker
    errors = dict(done)
    assert "took more than 2 s" in errors["sleep"].error and "killed by SIGKILL" in errors["crash"].error


def test_workers_are_recycled_after_max_tasks() -> None:
    done: dict[str, Done] = {}
    tasks = [f"pid{i}" for i in range(7)]
    run_tasks(_task, tasks, 1, Limits(timeout_s=10, max_memory_bytes=None, max_tasks=3),
              lambda t, d: done.__setitem__(t, d))
    pids = [done[t].value for t in tasks]
    assert len(set(pids[0:3])) == len(set(pids[3:6])) == 1 and len({pids[0], pids[3], pids[6]}) == 3


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="rlimits and /proc are Linux")
def test_memory_limit_holds_in_a_reused_worker() -> None:
    done: list[tuple[str, Done]] = []
    tasks = ["pid1", "pid2", "memory", "pid3", "memory", "pid4"]
    run_tasks(_task, tasks, 1, Limits(timeout_s=10, max_memory_bytes=_address_space() + 256 * MB),
              lambda t, d: done.append((t, d)))
    assert [t for t, _ in done] == tasks
    assert all("ran out of memory" in d.error for t, d in done if t == "memory")  # the second time too
    pid = {t: d.value for t, d in done if t.startswith("pid")}
    assert pid["pid1"] == pid["pid2"] and len({pid["pid2"], pid["pid3"], pid["pid4"]}) == 3  # retired after it


def test_unpicklable_task_or_result_is_that_tasks_error() -> None:
    done: dict[object, Done] = {}
    lock = __import__("threading").Lock()
    run_tasks(_echo, ["a", lock, "b", "lambda"], 2, Limits(timeout_s=10, max_memory_bytes=None),
              lambda t, d: done.__setitem__(id(t) if t is lock else t, d))
    assert done["a"].value == "a" and done["b"].value == "b"
    assert "could not hand the task to a worker" in done[id(lock)].error
    assert "could not send the result back" in done["lambda"].error


def _echo(task: object) -> object:
    return (lambda: None) if task == "lambda" else task


def test_names_are_sanitised_and_unsafe_members_refused() -> None:
    assert sanitize_name("../../evil.docx") == "evil.docx"
    assert sanitize_name("C:\\tmp\\a?b.pdf") == "a_b.pdf"
    assert sanitize_name(".hidden\x00.docx") == "hidden.docx"
    assert sanitize_name("") == "attachment"
    long = sanitize_name("x" * 500 + ".docx", 40)
    assert len(long) == 40 and long.endswith(".docx")
    assert unsafe_member("a/../../b.docx") and unsafe_member("/etc/x.docx") and unsafe_member("C:/x.docx")
    assert unsafe_member("returns/2020/a.docx") is None


def test_manifest_survives_a_cut_last_line(tmp_path: Path) -> None:
    with Manifest(tmp_path, "r1") as m:
        m.write({"n": 1, "input": "a", "status": "ok"})
    with open(tmp_path / "manifest.jsonl", "a", encoding="utf-8") as fh:
        fh.write('{"run": "r1", "n": 2, "input": "b", "sta')  # killed mid-write
    with Manifest(tmp_path, "r2") as m:
        m.write({"n": 1, "input": "b", "status": "review"})
    lines = list(read_manifest(tmp_path / "manifest.jsonl"))
    assert [(ln["run"], ln["input"]) for ln in lines] == [("r1", "a"), ("r2", "b")]
    assert final_lines(lines, "r2")[0]["status"] == "review"


def _results(out: Path) -> set[str]:
    return {p.stem for p in (out / "results").glob("*.json") if not p.name.startswith(".")}


def test_killed_batch_resumes_without_redoing_finished_files(tmp_path: Path) -> None:
    inputs = tmp_path / "in"
    inputs.mkdir()
    names = [f"f00{f}_r0{r}.docx" for f in range(5) for r in (10, 11)]
    for name in names:
        shutil.copy(ROOT / "corpora" / "returns" / name, inputs / name)
    out = tmp_path / "out"
    proc = subprocess.Popen([sys.executable, "-m", "extractor", "batch", str(inputs), "-o", str(out), "-j", "1"],
                            cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        while len(_results(out)) < 2 and proc.poll() is None:
            time.sleep(0.01)
        proc.send_signal(signal.SIGKILL)  # kill -9 of the batch; its worker dies with it (PDEATHSIG)
    finally:
        proc.wait()
    time.sleep(0.2)
    finished = _results(out)
    assert 2 <= len(finished) < len(names), "the batch must be killed half-way"
    for sha in finished:  # every result left behind is whole and valid
        json.loads((out / "results" / f"{sha}.json").read_text(encoding="utf-8"))

    summary = run_batch([inputs], out, Options(jobs=2))
    first: dict[str, str] = {}  # each input's first line in the re-run (a later one may say superseded)
    for ln in read_manifest(out / "manifest.jsonl"):
        if ln["run"] == summary.run and ln.get("n") is not None:
            first.setdefault(ln["sha256"], ln["status"])
    assert {sha for sha, st in first.items() if st == "skipped"} == finished
    assert all(first[sha] in ("ok", "review") for sha in first if sha not in finished)
    by_status = {ln["sha256"]: ln["status"] for ln in summary.lines}
    assert _results(out) == set(by_status) and len(by_status) == len(names)
    assert not list((out / "results").glob(".tmp-*"))


def test_archives_nested_too_deep_are_refused(tmp_path: Path) -> None:
    from extractor.batch.config import load_config
    from extractor.batch.containers import expand_container
    from tests.mailbox_fixture import corpus, zip_bytes

    data = corpus("f000_r000.docx")
    name = "f000_r000.docx"
    for level in range(6):  # a return inside six archives
        data, name = zip_bytes([(name, data)]), f"level{level}.zip"
    (tmp_path / "deep.zip").write_bytes(data)
    items = expand_container(str(tmp_path / "deep.zip"), "zip", str(tmp_path / "staging"), load_config())
    assert len(items) == 1 and items[0].status == "failed" and "nested more than 4 levels" in items[0].error
