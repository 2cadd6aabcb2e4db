"""Run tasks in parallel, one worker process per task, each with a time and a memory limit.

    run_tasks(fn, tasks, jobs, limits, on_done)   on_done(task, Done(value | error)) in completion order

Why one process per task rather than a pool: a task that hangs or eats memory must be killable on its own
without losing the others, and a fresh process starts each file with clean memory. The worker is forked
from the parent, so it starts in a few milliseconds with the catalogue and the libraries already loaded.
In the worker: its own process group (so a timeout also ends a LibreOffice conversion it started), an
address-space limit (``RLIMIT_AS``) and, on Linux, death when the parent dies. A worker that overruns its
time is killed (SIGKILL to its group); one that dies is reported with its exit code; either way the slot
is reused for the next task.
"""

from __future__ import annotations

import contextlib
import ctypes
import multiprocessing
import os
import signal
import sys
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from multiprocessing.connection import Connection, wait
from typing import Any, Generic, TypeVar

T = TypeVar("T")
MB = 1024 * 1024
_PR_SET_PDEATHSIG = 1


@dataclass(frozen=True)
class Limits:
    """Per-task limits: wall-clock seconds, and address space in bytes (None: no memory limit)."""

    timeout_s: float
    max_memory_bytes: int | None


@dataclass
class Done(Generic[T]):
    """How one task ended: its return value, or a one-line error (exception, timeout, killed)."""

    value: Any = None
    error: str | None = None
    seconds: float = 0.0


def _context() -> Any:
    methods = multiprocessing.get_all_start_methods()
    return multiprocessing.get_context("fork" if "fork" in methods else "spawn")


def _limit_self(max_memory_bytes: int | None) -> None:
    """In the worker: own process group, memory cap, and die with the parent (Linux)."""
    with contextlib.suppress(OSError):
        os.setpgid(0, 0)
    if sys.platform.startswith("linux"):
        with contextlib.suppress(OSError, AttributeError):
            ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    if max_memory_bytes is not None:
        try:
            import resource

            resource.setrlimit(resource.RLIMIT_AS, (max_memory_bytes, max_memory_bytes))
        except (ImportError, ValueError, OSError):
            pass


def _child(fn: Callable[[Any], Any], task: Any, conn: Connection, max_memory_bytes: int | None) -> None:
    _limit_self(max_memory_bytes)
    try:
        message: tuple[str, Any] = ("ok", fn(task))
    except MemoryError:
        limit = f" of {max_memory_bytes / MB:.0f} MB" if max_memory_bytes else ""
        message = ("error", f"ran out of memory (over the limit{limit}); the file is too large or hostile")
    except BaseException as exc:  # noqa: BLE001 - reported to the parent, the batch goes on
        message = ("error", f"unexpected error ({type(exc).__name__}: {exc})")
    try:
        conn.send(message)
    except Exception as exc:  # noqa: BLE001 - e.g. the value cannot be pickled
        conn.send(("error", f"could not send the result back ({type(exc).__name__}: {exc})"))
    finally:
        conn.close()


@dataclass
class _Running:
    task: Any
    process: Any
    conn: Connection
    started: float
    deadline: float


def _kill(process: Any) -> None:
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError, OSError):
        process.kill()
    process.join()


def _died(code: int | None) -> str:
    if code is not None and code < 0:
        try:
            name = signal.Signals(-code).name
        except ValueError:
            name = str(-code)
        hint = " (often: out of memory)" if -code == signal.SIGKILL else ""
        return f"the worker process was killed by {name}{hint}"
    return f"the worker process ended with exit code {code} without a result"


def run_tasks(fn: Callable[[T], Any], tasks: Iterable[T], jobs: int, limits: Limits,
              on_done: Callable[[T, Done], None]) -> None:
    """Run ``fn(task)`` for every task, at most `jobs` at a time, calling `on_done` as each ends.

    `fn` and its return value must be picklable only when fork is unavailable. `on_done` runs in the
    parent, one call at a time. On KeyboardInterrupt every running worker is killed before re-raising.
    """
    ctx = _context()
    pending = iter(tasks)
    running: dict[Connection, _Running] = {}
    exhausted = False
    try:
        while True:
            while not exhausted and len(running) < max(1, jobs):
                task = next(pending, None)
                if task is None:
                    exhausted = True
                    break
                recv, send = ctx.Pipe(duplex=False)
                process = ctx.Process(target=_child, args=(fn, task, send, limits.max_memory_bytes), daemon=True)
                process.start()
                send.close()
                now = time.monotonic()
                running[recv] = _Running(task, process, recv, now, now + limits.timeout_s)
            if not running:
                return
            now = time.monotonic()
            timeout = max(0.0, min(r.deadline for r in running.values()) - now)
            ready = wait(list(running), timeout=timeout)
            now = time.monotonic()
            for conn in ready:
                run = running.pop(conn)  # type: ignore[arg-type]
                try:
                    kind, payload = conn.recv()  # type: ignore[union-attr]
                    done = Done(value=payload) if kind == "ok" else Done(error=payload)
                except (EOFError, OSError):
                    run.process.join()
                    done = Done(error=_died(run.process.exitcode))
                else:
                    run.process.join()
                conn.close()  # type: ignore[union-attr]
                done.seconds = now - run.started
                on_done(run.task, done)
            for conn, run in list(running.items()):
                if now >= run.deadline:
                    running.pop(conn)
                    _kill(run.process)
                    conn.close()
                    on_done(run.task, Done(error=f"took more than {limits.timeout_s:g} s and was stopped",
                                           seconds=now - run.started))
    finally:
        for run in running.values():
            _kill(run.process)
            run.conn.close()
