"""What a Dask worker does with one return (`extractor batch --scheduler`), and what travels with the task.

    extract_on_worker(Job(item, data, settings)) -> Done((Outcome, result JSON bytes | None) | error)

A worker needs only the package and its ``patterns/``; the return's bytes come with the task, and so does
the client's patterns overlay (``EXTRACTOR_PATTERNS_OVERLAY``), written once per worker machine into a
folder named by its digest. Every task carries the client's `version` (a digest of the package and
``patterns/``): a worker running another version refuses the task rather than extract differently.

On the worker the extraction runs exactly as in the local pool (`extractor.batch.runner`): in a long-lived
child process forked from the worker — one per worker thread, caches kept warm from one return to the next —
with the same address-space limit, the same deadline (overrun: the child's process group is killed and the
return reported as timed out) and the same replacement after a crash or 500 returns. So a hung or hostile
return costs one child, never the Dask worker. The result is extracted into a temporary folder by
`extractor.batch.work.extract_item` and sent back as bytes; the client writes it (`extractor.batch.dask_runner`).
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import multiprocessing
import os
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from multiprocessing.connection import wait
from pathlib import Path
from typing import Any

import orjson

import extractor
from extractor.batch.config import load_config
from extractor.batch.runner import Done, Limits, _Pool
from extractor.batch.sources import Item
from extractor.batch.work import Outcome, extract_item, result_path
from extractor.catalogue import PATTERNS
from extractor.output import dumps

OVERLAY_ENV = "EXTRACTOR_PATTERNS_OVERLAY"


@dataclass(frozen=True)
class Settings:
    """What is the same for every task of a run: threshold, per-return limits, the client's version, overlay."""

    threshold: float
    limits: Limits
    version: str
    overlay: tuple[tuple[str, bytes], ...] = ()  # (path inside the overlay folder, content)

    @functools.cached_property
    def overlay_digest(self) -> str | None:
        if not self.overlay:
            return None
        h = hashlib.sha256()
        for name, content in self.overlay:
            h.update(name.encode() + b"\0" + hashlib.sha256(content).digest())
        return h.hexdigest()[:16]


@dataclass(frozen=True)
class Job:
    """One return: its manifest item (the path as the client sees it), its bytes, the run's settings."""

    item: Item
    data: bytes
    settings: Settings


def _files(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*") if p.is_file() and "__pycache__" not in p.parts)


@functools.lru_cache(maxsize=1)
def version() -> str:
    """A digest of this installation's ``extractor`` package and ``patterns/`` folder (16 hex digits)."""
    h = hashlib.sha256()
    for label, root in (("extractor", Path(extractor.__file__).resolve().parent), ("patterns", PATTERNS)):
        for path in _files(root):
            h.update(f"{label}/{path.relative_to(root).as_posix()}".encode() + b"\0")
            h.update(hashlib.sha256(path.read_bytes()).digest())
    return h.hexdigest()[:16]


def read_overlay(folder: str | os.PathLike[str] | None) -> tuple[tuple[str, bytes], ...]:
    """Every file of a patterns overlay folder, to ship with the tasks (empty when there is none)."""
    if not folder or not Path(folder).is_dir():
        return ()
    root = Path(folder)
    return tuple((p.relative_to(root).as_posix(), p.read_bytes()) for p in _files(root))


def _overlay_dir(settings: Settings) -> str | None:
    """The shipped overlay as a folder on this machine, ``<tmp>/extractor-overlay-<digest>`` (written once)."""
    digest = settings.overlay_digest
    if digest is None:
        return None
    target = Path(tempfile.gettempdir()) / f"extractor-overlay-{digest}"
    if not target.is_dir():
        staging = Path(tempfile.mkdtemp(prefix=".extractor-overlay-", dir=target.parent))
        for name, content in settings.overlay:
            (staging / name).parent.mkdir(parents=True, exist_ok=True)
            (staging / name).write_bytes(content)
        try:
            os.rename(staging, target)
        except OSError:  # another worker on this machine wrote it first: the same content
            import shutil

            shutil.rmtree(staging, ignore_errors=True)
    return str(target)


def _extract_here(task: tuple[Item, str | None, float], overlay: str | None) -> tuple[Outcome, bytes | None]:
    """In the child: extract the staged copy, return the outcome and the result JSON (``source.path`` put
    back to the client's path for a file named there)."""
    item, client_path, threshold = task
    if os.environ.get(OVERLAY_ENV) != overlay:
        from extractor.catalogue import load_catalogue

        if overlay is None:
            os.environ.pop(OVERLAY_ENV, None)
        else:
            os.environ[OVERLAY_ENV] = overlay
        load_catalogue.cache_clear()
    with tempfile.TemporaryDirectory(prefix="extractor-result-") as tmp:
        outcome = extract_item(item, Path(tmp), threshold, load_config())
        path = result_path(Path(tmp), outcome.sha256 or "")
        if outcome.status == "failed" or not path.exists():
            return outcome, None
        blob = path.read_bytes()
    if client_path is not None:
        data = orjson.loads(blob)
        data["source"]["path"] = client_path
        blob = dumps(data)
    return outcome, blob


class Sandbox:
    """One long-lived child process that runs one task at a time under `limits` (`extractor.batch.runner`)."""

    def __init__(self, fn: Callable[[Any], Any], limits: Limits, key: Any = None) -> None:
        self.key, self.limits = key, limits
        self.pool = _Pool(fn, 1, limits)

    def run(self, task: Any) -> Done:
        error = self.pool.submit(0, task)
        if error is not None:
            return Done(error=error)
        worker = self.pool.slots[0]
        assert worker is not None
        ready = wait([worker.conn], timeout=self.limits.timeout_s)
        now = time.monotonic()
        if ready:
            return self.pool.collect(worker, now)
        self.pool.stop(worker)
        return Done(error=f"took more than {self.limits.timeout_s:g} s and was stopped", seconds=now - worker.started)

    def close(self) -> None:
        self.pool.close()


_local = threading.local()
_preload_lock = threading.Lock()


@functools.lru_cache(maxsize=1)
def _preload() -> None:
    """Load the pipeline once in the worker, so that its forked children start warm; let it have children."""
    from extractor import pipeline  # noqa: F401
    from extractor.catalogue import load_catalogue
    from extractor.output import validate, validator

    load_catalogue()
    validator()
    with contextlib.suppress(Exception):
        validate({})  # compiles the fast schema check
    load_config()
    me = multiprocessing.current_process()
    if me.daemon:  # Dask's nanny starts workers as daemonic processes, which multiprocessing forbids children
        me.daemon = False  # ours die with the worker anyway (PR_SET_PDEATHSIG) and are killed on close


def _sandbox(settings: Settings) -> Sandbox:
    overlay = _overlay_dir(settings)
    key = (settings.limits, overlay)
    box: Sandbox | None = getattr(_local, "box", None)
    if box is None or box.key != key:
        if box is not None:
            box.close()
        with _preload_lock:
            _preload()
        box = _local.box = Sandbox(functools.partial(_extract_here, overlay=overlay), settings.limits, key)
    return box


def extract_on_worker(job: Job) -> Done:
    """The Dask task: extract one return in this worker's sandbox; never raises for a bad file."""
    settings = job.settings
    if settings.version != version():
        return Done(error=f"the Dask worker runs another version of the extractor or its patterns/ "
                          f"({version()}, this client {settings.version}); install the same on every worker")
    item = job.item
    assert item.path is not None
    with tempfile.TemporaryDirectory(prefix="extractor-task-") as tmp:
        staged = Path(tmp) / Path(item.path).name
        staged.write_bytes(job.data)
        # extracted as an attachment (errors name item.input, which for a file named on the client is its path)
        local = replace(item, path=str(staged), contained=True)
        return _sandbox(settings).run((local, None if item.contained else item.path, settings.threshold))
