"""`extractor batch --scheduler ADDRESS|local:N`: each return's extraction a task on a Dask cluster.

    run_on_cluster(scheduler, items, results, threshold, limits, on_done)   like runner.run_tasks

Everything else of a batch stays on this machine (the client): planning, unpacking archives and e-mails,
duplicates, skipping what is done, the manifest, the results folder and the resend rules
(`extractor.batch.run`). Only the extraction goes out: a task carries the return's bytes
(`extractor.batch.dask_task`) and brings back the outcome and the result JSON, which the client writes
atomically before it writes the manifest line — so a kill of the client, or of any worker, is resumed
exactly as a local run is: run the same command again.

Returns are handed out a few per worker thread ahead of the results (``patterns/cluster.yaml``), so the
bytes in flight stay bounded whatever the size of the batch, and workers that join later get work too.
A worker lost mid-task (killed, machine gone) has its task run again elsewhere by the scheduler; a return
that has been on ``allowed-failures + 1`` dying workers is ``failed`` (Dask's ``KilledWorker``). If the
scheduler goes away, or no worker is left for ``wait_for_workers_s``, the run stops with a one-line error
and what was done is kept.

``local:N`` starts a `distributed.LocalCluster` of N worker processes with one thread each, for trying the
cluster path on one machine.
"""

from __future__ import annotations

import contextlib
import itertools
import logging
import os
import re
import time
import uuid
from collections.abc import Callable, Iterator
from concurrent.futures import CancelledError
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from extractor.batch.dask_task import OVERLAY_ENV, Job, Settings, extract_on_worker, read_overlay, version
from extractor.batch.runner import Done, Limits
from extractor.batch.sources import Item
from extractor.batch.work import Outcome, result_path
from extractor.catalogue import PATTERNS
from extractor.errors import ExtractionError, PatternError
from extractor.output import write_bytes
from extractor.yamlfile import read_mapping

CLUSTER_FILE = PATTERNS / "cluster.yaml"
_LOCAL = re.compile(r"local:(\d+)")
_POLL_S = 1.0


class ClusterError(ExtractionError):
    """The Dask cluster cannot be reached or used (the batch stops; what was done is kept)."""

    code = "E102"


@dataclass(frozen=True)
class ClusterConfig:
    """The validated content of ``patterns/cluster.yaml``."""

    connect_timeout_s: float
    wait_for_workers_s: float
    tasks_per_thread: int
    allowed_failures: int


@lru_cache(maxsize=2)
def load_cluster_config(path: str | None = None) -> ClusterConfig:
    """Read and validate ``patterns/cluster.yaml``; PatternError when malformed."""
    file = Path(path) if path else CLUSTER_FILE
    data = read_mapping(file)
    values: dict[str, Any] = {}
    for key, kind, low in (("connect_timeout_s", float, 0), ("wait_for_workers_s", float, 0),
                           ("tasks_per_thread", int, 0), ("allowed_failures", int, -1)):
        value = data.get(key)
        if isinstance(value, bool) or not isinstance(value, (int, float)) or value <= low \
                or (kind is int and not isinstance(value, int)):
            raise PatternError(f"{key}: must be a{' whole' if kind is int else ''} number over {low}", path=str(file))
        values[key] = kind(value)
    return ClusterConfig(**values)


def check_scheduler(value: str) -> str:
    """`value` if it names a scheduler (``tcp://host:8786``, ``host:8786``, ``local:N``); ValueError if not."""
    value = value.strip()
    if value.startswith("local"):
        m = _LOCAL.fullmatch(value)
        if not m or not 1 <= int(m.group(1)) <= 256:
            raise ValueError(f"{value!r}: write local:N with N worker processes, 1 to 256 (e.g. local:2)")
    elif ":" not in value:
        raise ValueError(f"{value!r}: give the scheduler's address, e.g. tcp://HOST:8786, or local:N")
    return value


def local_cluster(workers: int, allowed_failures: int) -> Any:
    """A `distributed.LocalCluster` of `workers` processes with one thread each, without dashboard or profiler."""
    import dask
    from distributed import LocalCluster

    with dask.config.set({"distributed.worker.profile.enabled": False}):  # nobody looks at it: save its CPU
        return LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None,
                            silence_logs=logging.ERROR, scheduler_kwargs={"allowed_failures": allowed_failures})


@contextlib.contextmanager
def connect(scheduler: str, config: ClusterConfig) -> Iterator[Any]:
    """A `distributed.Client` of the scheduler (or of a LocalCluster for ``local:N``) with a worker ready."""
    try:
        import dask
        from distributed import Client
    except ImportError:
        raise ClusterError("--scheduler needs Dask: pip install 'vn-form-extractor[cluster]'") from None
    with contextlib.ExitStack() as stack:
        quiet = logging.getLogger("distributed")  # its tracebacks (e.g. reconnecting) would bury the one-line error
        stack.callback(quiet.setLevel, quiet.level)
        quiet.setLevel(logging.CRITICAL)
        # a scanned return of more than 10 MB in its task is by design (the scheduler can give it to another
        # worker if the first dies): not the "large graph" Dask warns about
        stack.enter_context(dask.config.set({"distributed.admin.large-graph-warning-threshold": "1GiB"}))
        m = _LOCAL.fullmatch(scheduler)
        if m:
            cluster = stack.enter_context(local_cluster(int(m.group(1)), config.allowed_failures))
            client = stack.enter_context(Client(cluster))
        else:
            try:
                client = stack.enter_context(Client(scheduler, timeout=config.connect_timeout_s))
            except (OSError, TimeoutError, ValueError) as exc:
                raise ClusterError(f"cannot reach the Dask scheduler at {scheduler}: {exc}") from None
        try:
            client.wait_for_workers(1, timeout=config.wait_for_workers_s)
        except TimeoutError:
            raise ClusterError(f"no Dask worker joined the scheduler at {scheduler} within "
                               f"{config.wait_for_workers_s:g} s; start some with: dask worker {scheduler}") from None
        yield client


def check_versions(client: Any, scheduler: str) -> str:
    """This installation's version; ClusterError when the scheduler or a worker runs another one (or cannot
    import ours: the scheduler unpickles every task, so it needs the package too)."""
    mine = version()
    try:
        theirs = {f"the scheduler {scheduler}": client.run_on_scheduler(version)}
        theirs.update((f"worker {addr}", v) for addr, v in client.run(version).items())
    except Exception as exc:  # noqa: BLE001 - e.g. the package is not installed there
        raise ClusterError(f"the Dask cluster at {scheduler} cannot run the extractor ({type(exc).__name__}: "
                           f"{exc}); install it on the scheduler and every worker") from None
    other = sorted(name for name, v in theirs.items() if v != mine)
    if other:
        raise ClusterError(f"{', '.join(other)} run another version of the extractor or its patterns/ than this "
                           f"client ({mine}); install the same on the scheduler and every worker")
    return mine


def _lost(scheduler: str) -> ClusterError:
    return ClusterError(f"lost the Dask scheduler at {scheduler}; run the same command again to finish")


def _reply(future: Any, result: Any, scheduler: str) -> Done:
    """The worker's `Done`, or the cluster's reason why the task did not end (`result` from as_completed)."""
    from distributed.scheduler import KilledWorker

    if future.status == "finished":
        return result
    if future.status == "cancelled" or isinstance(result, CancelledError):
        raise _lost(scheduler)
    exc = result[1] if isinstance(result, tuple) and len(result) == 3 else result
    if isinstance(exc, KilledWorker):
        return Done(error=f"the Dask worker running it was lost {exc.allowed_failures + 1} times in a row "
                          "(allowed-failures); not tried again")
    return Done(error=f"unexpected error on the cluster ({type(exc).__name__}: {exc})")


def _next_batch(ac: Any, timeout: float) -> list[tuple[Any, Any]]:
    """The (future, result) pairs that have finished, waiting up to `timeout` seconds for the first."""
    deadline = time.monotonic() + timeout
    while not ac.has_ready() and not ac.is_empty():
        left = deadline - time.monotonic()
        if left <= 0:
            break
        with ac.thread_condition:  # as_completed notifies it after queueing a result: checked under the lock
            if not ac.has_ready():
                ac.thread_condition.wait(timeout=left)
    return ac.next_batch(block=False)


def _written(done: Done, item: Item, results: Path) -> Done:
    """Write the result the worker sent and pass on its outcome. The worker validated it against the schema
    (`extractor.batch.work.extract_item`), so the client writes the bytes as they came."""
    if done.error is not None:
        return done
    outcome, blob = done.value
    if blob is not None:
        try:
            write_bytes(blob, result_path(results, outcome.sha256), suffix=".json")
        except OSError as exc:
            outcome = Outcome("failed", outcome.sha256, error=f"[E100] {item.input}: cannot write the result: {exc}")
    return Done(value=outcome, seconds=done.seconds)


def run_on_cluster(scheduler: str, items: list[Item], results: Path, threshold: float, limits: Limits,
                   on_done: Callable[[Item, Done], None], task: Callable[[Job], Done] = extract_on_worker) -> None:
    """Extract every item on the cluster, calling ``on_done(item, Done(Outcome | error))`` as each ends,
    after its result is written (see the module docstring). Nothing to do: no connection is made."""
    if not items:
        return
    from distributed import as_completed

    config = load_cluster_config()
    with connect(scheduler, config) as client:
        settings = Settings(threshold, limits, check_versions(client, scheduler),
                            read_overlay(os.environ.get(OVERLAY_ENV)))
        run = uuid.uuid4().hex[:12]
        numbers = itertools.count()
        pending = iter(items)
        in_flight: dict[str, Item] = {}  # by task key
        ac = as_completed(with_results=True, raise_errors=False)  # results fetched as they come, in the background
        capacity, checked, idle_since = 1, 0.0, None
        while True:
            now = time.monotonic()
            if now - checked >= _POLL_S:  # workers come and go: hand out work for the threads there are now
                try:
                    threads = sum(client.nthreads().values())
                except OSError:
                    raise _lost(scheduler) from None
                capacity, checked = max(1, config.tasks_per_thread * threads), now
                idle_since = None if threads else (idle_since or now)
                if idle_since is not None and now - idle_since > config.wait_for_workers_s:
                    raise ClusterError(f"no Dask worker left at {scheduler} for {config.wait_for_workers_s:g} s; "
                                       "run the same command again to finish")
            while len(in_flight) < capacity:
                item = next(pending, None)
                if item is None:
                    break
                assert item.path is not None
                try:
                    data = Path(item.path).read_bytes()
                except OSError as exc:
                    on_done(item, Done(error=f"cannot be read ({exc.strerror or exc})"))
                    continue
                future = client.submit(task, Job(item, data, settings), key=f"extract-{run}-{next(numbers)}",
                                       pure=False)
                in_flight[future.key] = item
                ac.add(future)
            if not in_flight:
                return
            for future, result in _next_batch(ac, _POLL_S):
                item = in_flight.pop(future.key)
                done = _reply(future, result, scheduler)
                future.release()
                on_done(item, _written(done, item, results))
