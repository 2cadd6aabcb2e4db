"""Run tasks in parallel on long-lived worker processes, each task with a time limit, each worker with a
memory limit.

    run_tasks(fn, tasks, jobs, limits, on_done)   on_done(task, Done(value | error)) in completion order

Why long-lived workers rather than one process per task: the pipeline remembers a lot per process (label
similarity rows, parsed patterns, lazily imported readers), and in steady state a DOCX return takes a few
tens of milliseconds — a fresh fork per file threw those caches away and cost more than the file itself.
So each of the `jobs` workers handles many files in turn (tasks go over a pipe, results come back on it).

Why processes at all, and not a thread or a plain pool: a task that hangs or eats memory must be stoppable on
its own without losing the others. The parent keeps a deadline per running task; a task that overruns it is
stopped by SIGKILL to its worker's process group (so a LibreOffice conversion it started goes too) and the
next task gets a fresh worker. A worker that dies (out of memory, segfault, killed) is reported as that
task's error and replaced the same way; one that raised ``MemoryError`` reports it and retires, and every
worker retires after ``Limits.max_tasks`` tasks to bound slow memory growth. Workers are forked from the
parent, so they start in a few milliseconds with the catalogue and libraries already loaded. In each worker:
its own process group, an address-space limit (``RLIMIT_AS``) and, on Linux, death when the parent dies.
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
    """Per-task wall-clock seconds, per-worker address space in bytes (None: no memory limit), and how many
    tasks a worker runs before it is replaced (None: no limit)."""

    timeout_s: float
    max_memory_bytes: int | None
    max_tasks: int | None = 500


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


def _worker(fn: Callable[[Any], Any], conn: Connection, max_memory_bytes: int | None,
            inherited: list[Connection]) -> None:
    """The worker's loop: receive a task, send ``(kind, payload, retire)`` back, until EOF."""
    for other in inherited:  # the parent's ends of the other workers' pipes, copied by fork: not ours to hold
        with contextlib.suppress(OSError):
            other.close()
    _limit_self(max_memory_bytes)
    os.environ["EXTRACTOR_OCR_THREADS"] = "1"  # one worker per core already: a scan's pages one at a time
    while True:
        try:
            task = conn.recv()
        except (EOFError, OSError):
            return
        retire = False
        try:
            message: tuple[str, Any] = ("ok", fn(task[0]))
        except MemoryError:
            retire = True  # the heap may be left fragmented near the cap: let a fresh worker take the next task
            limit = f" of {max_memory_bytes / MB:.0f} MB" if max_memory_bytes else ""
            message = ("error", f"ran out of memory (over the limit{limit}); the file is too large or hostile")
        except BaseException as exc:  # noqa: BLE001 - reported to the parent, the batch goes on
            message = ("error", f"unexpected error ({type(exc).__name__}: {exc})")
        try:
            conn.send((*message, retire))
        except Exception as exc:  # noqa: BLE001 - e.g. the value cannot be pickled
            conn.send(("error", f"could not send the result back ({type(exc).__name__}: {exc})", retire))


@dataclass
class _Worker:
    process: Any
    conn: Connection
    tasks_run: int = 0
    task: Any = None
    busy: bool = False
    started: float = 0.0
    deadline: float = 0.0


def _kill(process: Any) -> None:
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError, OSError):
        process.kill()
    process.join()


def _discard(worker: _Worker) -> None:
    """End a worker with its process group: an idle one has nothing in flight, a busy one is being stopped."""
    _kill(worker.process)
    worker.conn.close()


def _died(code: int | None) -> str:
    if code is not None and code < 0:
        try:
            name = signal.Signals(-code).name
        except ValueError:
            name = str(-code)
        hint = " (often: out of memory)" if -code == signal.SIGKILL else ""
        return f"the worker process was killed by {name}{hint}"
    return f"the worker process ended with exit code {code} without a result"


class _Pool:
    """`jobs` worker slots; a slot without a live worker gets a fresh one when it is next given a task."""

    def __init__(self, fn: Callable[[Any], Any], jobs: int, limits: Limits) -> None:
        self.ctx, self.fn, self.limits = _context(), fn, limits
        self.slots: list[_Worker | None] = [None] * max(1, jobs)

    def _start(self) -> _Worker:
        mine, theirs = self.ctx.Pipe(duplex=True)
        inherited = [w.conn for w in self.slots if w is not None]
        process = self.ctx.Process(target=_worker, args=(self.fn, theirs, self.limits.max_memory_bytes, inherited),
                                   daemon=True)
        process.start()
        theirs.close()
        return _Worker(process, mine)

    def submit(self, slot: int, task: Any) -> str | None:
        """Give `task` to the worker of `slot` (starting one if needed); an error if the task cannot be sent."""
        for _ in range(2):
            worker = self.slots[slot]
            if worker is None or not worker.process.is_alive():
                if worker is not None:
                    _discard(worker)
                worker = self.slots[slot] = None
                worker = self.slots[slot] = self._start()
            try:
                worker.conn.send((task,))
            except (BrokenPipeError, ConnectionResetError, EOFError):
                _discard(worker)  # died while idle: once more on a fresh one
                self.slots[slot] = None
                continue
            except Exception as exc:  # noqa: BLE001 - e.g. the task cannot be pickled
                return f"could not hand the task to a worker ({type(exc).__name__}: {exc})"
            now = time.monotonic()
            worker.task, worker.busy, worker.started = task, True, now
            worker.deadline = now + self.limits.timeout_s
            worker.tasks_run += 1
            return None
        return "could not start a worker process"

    def busy(self) -> list[_Worker]:
        return [w for w in self.slots if w is not None and w.busy]

    def collect(self, worker: _Worker, now: float) -> Done:
        """The result a worker sent (or its death); the worker is retired or replaced if it must be."""
        slot = self.slots.index(worker)
        worker.busy = False
        retire = False
        try:
            kind, payload, retire = worker.conn.recv()
            done = Done(value=payload) if kind == "ok" else Done(error=payload)
        except (EOFError, OSError):
            worker.process.join()
            done = Done(error=_died(worker.process.exitcode))
            retire = True
        if retire or (self.limits.max_tasks is not None and worker.tasks_run >= self.limits.max_tasks):
            _discard(worker)
            self.slots[slot] = None
        done.seconds = now - worker.started
        return done

    def stop(self, worker: _Worker) -> None:
        """Kill an overrunning worker with its process group; its slot gets a fresh worker next time."""
        _discard(worker)
        self.slots[self.slots.index(worker)] = None

    def close(self) -> None:
        for worker in self.slots:
            if worker is not None:
                _discard(worker)
        self.slots = [None] * len(self.slots)


def run_tasks(fn: Callable[[T], Any], tasks: Iterable[T], jobs: int, limits: Limits,
              on_done: Callable[[T, Done], None]) -> None:
    """Run ``fn(task)`` for every task on at most `jobs` workers, calling `on_done` as each task ends.

    Tasks and return values travel over a pipe, so they must be picklable (and `fn` too when fork is
    unavailable). `on_done` runs in the parent, one call at a time. On KeyboardInterrupt (or any error in
    `on_done`) every worker is killed before re-raising.
    """
    pending = iter(tasks)
    pool = _Pool(fn, jobs, limits)
    exhausted = False
    try:
        while True:
            for slot, worker in enumerate(pool.slots):
                if exhausted or (worker is not None and worker.busy):
                    continue
                task = next(pending, None)
                if task is None:
                    exhausted = True
                    break
                error = pool.submit(slot, task)
                if error is not None:
                    on_done(task, Done(error=error))
            busy = pool.busy()
            if not busy:
                if exhausted:
                    return
                continue
            now = time.monotonic()
            ready = wait([w.conn for w in busy], timeout=max(0.0, min(w.deadline for w in busy) - now))
            now = time.monotonic()
            for worker in busy:
                if worker.conn in ready:
                    task = worker.task
                    on_done(task, pool.collect(worker, now))
                elif now >= worker.deadline:
                    task = worker.task
                    pool.stop(worker)
                    on_done(task, Done(error=f"took more than {limits.timeout_s:g} s and was stopped",
                                       seconds=now - worker.started))
    finally:
        pool.close()
