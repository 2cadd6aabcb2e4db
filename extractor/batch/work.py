"""What a worker process does with one return: extract it exactly as ``extractor extract`` would, add the
provenance, and write ``results/<sha256>.json`` atomically. Returns a small `Outcome` for the manifest.

The result equals ``extract``'s for the same file apart from ``provenance`` (always added) and
``superseded_by`` / ``possible_resend_of`` (added later by `extractor.batch.dedupe`). For an attachment or
archive entry, ``source.path`` is its (sanitised) original name — what ``extract`` writes when run on the
attachment saved under that name in the current folder; the container chain is in ``provenance.container``.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from extractor.batch.config import BatchConfig
from extractor.batch.sources import Item
from extractor.errors import ExtractionError
from extractor.output import validate, write_data
from extractor.text import fold


@dataclass
class Outcome:
    """What the manifest records of one extraction."""

    status: str  # ok | review | failed
    sha256: str | None = None
    form: str | None = None
    counts: dict[str, int] = field(default_factory=dict)
    agency: str | None = None
    error: str | None = None
    format: str | None = None
    values_key: str | None = None  # equal for two files holding the same values (`values_key`)


def result_path(results: Path, sha256: str) -> Path:
    """``results/<sha256>.json``."""
    return results / f"{sha256}.json"


def counts_of(data: dict[str, Any]) -> dict[str, int]:
    """Fields matched, filled, to review (review fields + unmatched values), unmatched."""
    fields = data.get("fields", [])
    unmatched = data.get("unmatched", [])
    return {"fields": len(fields), "filled": sum(f.get("status") != "empty" for f in fields),
            "review": sum(f.get("status") == "review" for f in fields) + len(unmatched), "unmatched": len(unmatched)}


def status_of(data: dict[str, Any]) -> str:
    """``ok`` when the form is known and nothing needs a look, else ``review``."""
    return "ok" if data.get("form", {}).get("id") and counts_of(data)["review"] == 0 else "review"


def agency_of(data: dict[str, Any], config: BatchConfig) -> str | None:
    """A key for the agency that sent the return, read from the return itself: its first non-empty agency
    field (folded), else None. Never the sender's address: one sender may send the returns of many agencies."""
    form = data.get("form", {}).get("id")
    for fid in config.agency_fields_of(form):
        for f in data.get("fields", []):
            if f.get("field_id") == fid and f.get("row") is None and isinstance(f.get("value"), str):
                key = " ".join(fold(f["value"]).replace(",", " ").replace(".", " ").split())
                if key:
                    return key
    return None


def values_key(data: dict[str, Any], min_filled: int) -> str | None:
    """A digest of the form and every filled value (field, row, value) of a result; None with fewer than
    `min_filled` values. Two files with the same key hold the same return (e.g. a DOCX and its PDF export)."""
    form = data.get("form", {}).get("id")
    filled = sorted(json.dumps([f.get("field_id"), f.get("row"), f.get("value")], ensure_ascii=False, sort_keys=True)
                    for f in data.get("fields", []) if f.get("value") not in (None, "", []))
    if not form or len(filled) < min_filled:
        return None
    return hashlib.sha256("\n".join([form, *filled]).encode("utf-8")).hexdigest()


def summarize(data: dict[str, Any], config: BatchConfig, error: str | None = None) -> Outcome:
    """The manifest's view of a result dict."""
    return Outcome(status_of(data), data["source"]["sha256"], data.get("form", {}).get("id"), counts_of(data),
                   agency_of(data, config), error, data["source"].get("format"),
                   values_key(data, config.same_values_min_filled))


def load_valid(path: Path) -> dict[str, Any] | None:
    """A result JSON that exists and follows the schema, else None (then it is made again)."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        validate(data)
    except Exception:  # noqa: BLE001 - missing, cut, or invalid: all mean "not done"
        return None
    return data if isinstance(data, dict) else None


def extract_item(item: Item, results: Path, threshold: float, config: BatchConfig) -> Outcome:
    """Extract one return and write its result; a return that cannot be read is a ``failed`` outcome."""
    from extractor.pipeline import extract_path

    assert item.path is not None
    try:
        result = extract_path(item.path, threshold=threshold)
    except ExtractionError as exc:
        if item.contained:
            exc.path = item.input
        return Outcome("failed", item.sha256, error=str(exc))
    if item.contained:
        result.source.path = item.provenance.original_name
    data = result.to_dict(shallow=True)
    data["provenance"] = item.provenance.to_dict()
    try:
        write_data(data, result_path(results, result.source.sha256))
    except OSError as exc:
        return Outcome("failed", result.source.sha256, error=f"[E100] {item.input}: cannot write the result: {exc}")
    return summarize(data, config)
