"""The run manifest ``DIR/manifest.jsonl``: an append-only log, one JSON object per line, one line per input.

Each line is written with one ``write`` and flushed and fsynced before the next input is reported, so a run
killed at any moment leaves every finished input on record (at worst the last line is cut short, and that
line is skipped when the file is read back). Lines of every run stay in the file; ``run`` tells them apart.

Statuses: ``ok`` (read, form known, nothing to review), ``review`` (read, some field or the form needs a
look), ``failed`` (unreadable, empty, refused, timed out, out of memory: see ``error``), ``skipped`` (this
content already has a valid result from an earlier run), ``duplicate`` (the same content as the copy kept in
this run: ``duplicate_of``), ``superseded`` (a later return of the same form from the same agency, or the
same values in another file, replaces it: ``superseded_by``, `extractor.batch.dedupe`), ``ignored`` (an
attachment that is not a return, a message without attachment).
Each input has a number ``n`` within its run. A return found superseded after its line was written gets a
second, later line with the same ``n`` and status ``superseded``; a return kept although it may be a resend
gets a second line with ``possible_resend_of`` and a ``note``: the last line of an input is its final
state (`final_lines`). A result of an earlier run superseded by this run gets a line without ``n`` naming
its sha256 and ``from_run``.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, TextIO

STATUSES = ("ok", "review", "failed", "skipped", "duplicate", "superseded", "ignored")
MANIFEST = "manifest.jsonl"


def now_iso() -> str:
    """The current UTC time, ISO 8601 to the second."""
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


class Manifest:
    """Appends lines to ``manifest.jsonl`` durably; use as a context manager."""

    def __init__(self, folder: Path, run: str) -> None:
        self.path = folder / MANIFEST
        self.run = run
        self._fh: TextIO | None = None

    def __enter__(self) -> Manifest:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._fh = open(self.path, "a+", encoding="utf-8")
        self._fh.seek(0, os.SEEK_END)
        if self._fh.tell() > 0:  # a run killed mid-line: start on a fresh line
            self._fh.seek(self._fh.tell() - 1)
            last = self._fh.read(1)
            if last != "\n":
                self._fh.write("\n")
        return self

    def __exit__(self, *exc: object) -> None:
        if self._fh is not None:
            self._fh.close()
            self._fh = None

    def write(self, line: dict[str, Any]) -> dict[str, Any]:
        """Append one line (this run's ``run`` and the time ``at`` set), flushed and fsynced; return it."""
        assert self._fh is not None, "use Manifest as a context manager"
        assert line.get("status") in STATUSES, line.get("status")
        full = {"run": self.run, "at": now_iso(), **{k: v for k, v in line.items() if k not in ("run", "at")}}
        self._fh.write(json.dumps(full, ensure_ascii=False) + "\n")
        self._fh.flush()
        os.fsync(self._fh.fileno())
        return full


def read_manifest(path: Path) -> Iterator[dict[str, Any]]:
    """Every complete line of a manifest, oldest first; a cut or unreadable line is skipped."""
    if not path.exists():
        return
    with open(path, encoding="utf-8", errors="replace") as fh:
        for raw in fh:
            if not raw.endswith("\n"):
                continue
            try:
                line = json.loads(raw)
            except json.JSONDecodeError:
                continue
            if isinstance(line, dict):
                yield line


def line_key(line: dict[str, Any]) -> tuple[Any, ...]:
    """What a line is about: (run, n) for an input of a run, (run, sha256) for a result of an earlier run."""
    n = line.get("n")
    return (line.get("run"), n) if n is not None else (line.get("run"), "sha", line.get("sha256"))


def final_lines(lines: Iterator[dict[str, Any]] | list[dict[str, Any]], run: str | None = None) -> list[dict]:
    """The last line of each input (of one run, when `run` is given), in the order inputs first appear."""
    last: dict[tuple[Any, ...], dict[str, Any]] = {}
    for line in lines:
        if run is None or line.get("run") == run:
            last[line_key(line)] = line
    return list(last.values())
