"""Corrected resends: of the returns of one form from one agency, the newest is current, the others are
superseded (``superseded_by`` = the newest's sha256 in their result JSON).

    reconcile(results, known) -> ({superseded sha256: newest sha256}, {sha256 whose mark changed})

`known` describes every result in the output folder (from the manifest of all runs): form, agency key
(`extractor.batch.work.agency_of`) and ``received`` (message date, else file time, UTC ISO 8601).
"Newest" orders by ``received``, then by sha256 so that the choice is stable. Identical files (same sha256)
are not resends: the batch reports them as ``duplicate`` before extraction. Running `reconcile` again
changes nothing: it is how a run that was killed before this step finishes it.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from extractor.batch.work import load_valid, result_path
from extractor.output import write_data


@dataclass
class Known:
    """What reconciliation needs to know about one result."""

    sha256: str
    form: str | None
    agency: str | None
    received: str | None


def groups(known: list[Known]) -> dict[tuple[str, str], list[Known]]:
    """Results by (form, agency), only where both are known."""
    out: dict[tuple[str, str], list[Known]] = defaultdict(list)
    for k in known:
        if k.form and k.agency:
            out[(k.form, k.agency)].append(k)
    return out


def reconcile(results: Path, known: list[Known]) -> tuple[dict[str, str], set[str]]:
    """Mark every older return of a (form, agency) superseded by the newest; clear the mark on the newest.

    Rewrites (atomically) only the result files whose ``superseded_by`` changes. Returns superseded sha256 →
    newest sha256, and the sha256 of the results rewritten.
    """
    superseded: dict[str, str] = {}
    changed: set[str] = set()
    for members in groups(known).values():
        if len(members) < 2:
            continue
        newest = max(members, key=lambda k: (k.received or "", k.sha256))
        for k in members:
            target = newest.sha256 if k.sha256 != newest.sha256 else None
            if target:
                superseded[k.sha256] = target
            path = result_path(results, k.sha256)
            data = load_valid(path)
            if data is None or data.get("superseded_by") == target:
                continue
            if target is None:
                data.pop("superseded_by", None)
            else:
                data["superseded_by"] = target
            write_data(data, path)
            changed.add(k.sha256)
    return superseded, changed
