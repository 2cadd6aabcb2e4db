"""Review decisions in SQLite, append-only: who, when, old and new value, per item, with a version.

Every change is a new row of `decisions`; the newest row of an item holds its current state. A reviewer
saves against the version they saw: if another reviewer saved first, the write is refused with
`ConflictError` (the row's UNIQUE(item, version) also guards writers in other processes). Undo is a new
row restoring the state before the last change not yet undone, so history is never lost.

The extractor's result JSON is never edited: `export.py` merges these decisions into new files.
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from extractor.errors import ConflictError, ReviewError
from extractor.review.results import ItemKey

FIELD_ACTIONS = ("accept", "correct", "relabel", "empty")
RETURN_ACTIONS = ("not_a_form", "is_a_form")

SCHEMA = """
CREATE TABLE IF NOT EXISTS decisions (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    sha256 TEXT NOT NULL,
    kind TEXT NOT NULL,             -- fields | unmatched | return
    idx INTEGER NOT NULL,
    version INTEGER NOT NULL,       -- 1, 2, … per item
    action TEXT NOT NULL,           -- what the reviewer did: accept correct relabel empty not_a_form is_a_form undo
    state TEXT,                     -- the item's decision after this row (NULL: none, the extractor's reading)
    value TEXT,                     -- JSON: the value after this row
    field_id TEXT,                  -- the field id after this row
    old_value TEXT,                 -- JSON: the value shown before this row
    old_field_id TEXT,
    reviewer TEXT NOT NULL,
    at TEXT NOT NULL,               -- ISO 8601 UTC
    undoes INTEGER,                 -- for undo rows: the version undone
    UNIQUE (sha256, kind, idx, version)
);
CREATE TABLE IF NOT EXISTS aliases (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    label TEXT NOT NULL,
    field_id TEXT NOT NULL,
    overlay TEXT NOT NULL,
    reviewer TEXT NOT NULL,
    at TEXT NOT NULL
);
"""


@dataclass(frozen=True)
class Decision:
    """An item's current review state. `state` None: no decision (the extractor's reading stands)."""

    state: str | None
    value: Any
    field_id: str | None
    version: int
    by: str | None
    at: str | None
    action: str | None = None  # what the newest row did (an undo shows as "undo")


NONE = Decision(None, None, None, 0, None, None)


def now() -> str:
    return dt.datetime.now(dt.timezone.utc).replace(microsecond=0).isoformat()


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)


class Store:
    """Decisions of one results folder in the SQLite file `path` (created on first use)."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            with self._connect() as db:
                db.executescript(SCHEMA)
        except (OSError, sqlite3.Error) as exc:
            raise ReviewError(f"cannot open the review database: {exc}", path=str(self.path)) from exc

    @contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        db = sqlite3.connect(self.path, timeout=10, isolation_level=None)
        db.row_factory = sqlite3.Row
        try:
            yield db
        finally:
            db.close()

    @staticmethod
    def _decision(row: sqlite3.Row | None) -> Decision:
        if row is None:
            return NONE
        return Decision(row["state"], json.loads(row["value"]) if row["value"] is not None else None,
                        row["field_id"], row["version"], row["reviewer"], row["at"], row["action"])

    def current(self, key: ItemKey) -> Decision:
        with self._connect() as db:
            return self._current(db, key)

    def _current(self, db: sqlite3.Connection, key: ItemKey) -> Decision:
        row = db.execute("SELECT * FROM decisions WHERE sha256=? AND kind=? AND idx=? ORDER BY version DESC LIMIT 1",
                         (key.sha256, key.kind, key.index)).fetchone()
        return self._decision(row)

    def all_current(self) -> dict[ItemKey, Decision]:
        """The current state of every item that has a row."""
        with self._connect() as db:
            rows = db.execute("SELECT d.* FROM decisions d JOIN (SELECT sha256, kind, idx, MAX(version) v "
                              "FROM decisions GROUP BY sha256, kind, idx) m ON d.sha256=m.sha256 "
                              "AND d.kind=m.kind AND d.idx=m.idx AND d.version=m.v").fetchall()
        return {ItemKey(r["sha256"], r["kind"], r["idx"]): self._decision(r) for r in rows}

    def history(self, key: ItemKey) -> list[dict[str, Any]]:
        """Every row of an item, oldest first."""
        with self._connect() as db:
            rows = db.execute("SELECT * FROM decisions WHERE sha256=? AND kind=? AND idx=? ORDER BY version",
                              (key.sha256, key.kind, key.index)).fetchall()
        out = []
        for r in rows:
            row = dict(r)
            for k in ("value", "old_value"):
                row[k] = json.loads(row[k]) if row[k] is not None else None
            out.append(row)
        return out

    def decide(self, key: ItemKey, action: str, *, seen_version: int, by: str, value: Any = None,
               field_id: str | None = None, shown: tuple[Any, str | None] = (None, None)) -> Decision:
        """Record `action` on `key`; `shown` is the (value, field id) the reviewer saw before it."""
        allowed = RETURN_ACTIONS if key.kind == "return" else FIELD_ACTIONS
        if action not in allowed:
            raise ReviewError(f"unknown action {action!r} for a {key.kind} item")
        state = None if action == "is_a_form" else action
        return self._write(key, seen_version, by, action, state, value, field_id, shown, None)

    def undo(self, key: ItemKey, *, seen_version: int, by: str, shown: tuple[Any, str | None] = (None, None),
             ) -> Decision:
        """Restore the state before the newest change of `key` not yet undone."""
        with self._connect() as db:
            rows = {r["version"]: r for r in db.execute(
                "SELECT * FROM decisions WHERE sha256=? AND kind=? AND idx=?", (key.sha256, key.kind, key.index))}
        v = max(rows, default=0)
        while v > 0 and rows[v]["action"] == "undo":
            v = rows[v]["undoes"] - 1  # that change is undone: the state before it is the live one
        if v == 0:
            raise ReviewError("nothing to undo on this item")
        before = self._decision(rows[v - 1]) if v > 1 else NONE
        return self._write(key, seen_version, by, "undo", before.state, before.value, before.field_id, shown, v)

    def _write(self, key: ItemKey, seen_version: int, by: str, action: str, state: str | None, value: Any,
               field_id: str | None, shown: tuple[Any, str | None], undoes: int | None) -> Decision:
        if not by.strip():
            raise ReviewError("a reviewer name is needed to save a decision")
        with self._connect() as db:
            try:
                db.execute("BEGIN IMMEDIATE")
                cur = self._current(db, key)
                if cur.version != seen_version:
                    db.execute("ROLLBACK")
                    raise self._conflict(cur)
                db.execute(
                    "INSERT INTO decisions (sha256, kind, idx, version, action, state, value, field_id, old_value, "
                    "old_field_id, reviewer, at, undoes) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)",
                    (key.sha256, key.kind, key.index, seen_version + 1, action, state,
                     None if state is None else _dumps(value), field_id, _dumps(shown[0]), shown[1], by.strip(),
                     now(), undoes))
                db.execute("COMMIT")
            except sqlite3.IntegrityError:  # another process wrote the same version first
                db.execute("ROLLBACK")
                raise self._conflict(self._current(db, key)) from None
            except sqlite3.Error as exc:
                if db.in_transaction:
                    db.execute("ROLLBACK")
                raise ReviewError(f"cannot save the decision: {exc}", path=str(self.path)) from exc
            return self._current(db, key)

    @staticmethod
    def _conflict(cur: Decision) -> ConflictError:
        what = cur.state or "restored the extractor's reading"
        return ConflictError(f"{cur.by} changed this item at {cur.at} ({what}) after you opened it; your change "
                             f"was not saved. Look at the current state and decide again.")

    def add_alias(self, label: str, field_id: str, overlay: str, by: str) -> None:
        """Log an alias saved to the patterns overlay."""
        with self._connect() as db:
            db.execute("INSERT INTO aliases (label, field_id, overlay, reviewer, at) VALUES (?,?,?,?,?)",
                       (label, field_id, overlay, by, now()))

    def reviewer_last(self, by: str) -> ItemKey | None:
        """The item of the reviewer's newest non-undo row (for "undo my last decision")."""
        with self._connect() as db:
            row = db.execute("SELECT sha256, kind, idx FROM decisions WHERE reviewer=? AND action != 'undo' "
                             "ORDER BY id DESC LIMIT 1", (by,)).fetchone()
        return ItemKey(row["sha256"], row["kind"], row["idx"]) if row else None
