"""Merge review decisions into reviewed result JSONs (`extractor export-reviewed DIR -o OUT`).

For every result of DIR, a copy under OUT (same relative path) where each decided field carries
``review`` {action, by, at, old_value, old_field_id} and its `value` / `field_id` are the reviewed ones
(`old_*` are the extractor's). Status becomes ``accepted`` (``empty`` when marked empty) and the type and
unit follow a new field id. An unmatched slot given a field id moves to `fields`. Every exported result has
a top-level ``review`` {not_a_form, by, at}. The extractor's files are never changed.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jsonschema

from extractor.catalogue import Catalogue
from extractor.errors import ReviewError
from extractor.output import validate, write_data
from extractor.review.results import ItemKey, ResultSet, ReturnFile
from extractor.review.store import Decision, Store


def apply_decision(f: dict[str, Any], d: Decision, catalogue: Catalogue) -> dict[str, Any]:
    """A field dict with decision `d` merged in (a copy; `f` is untouched)."""
    out = copy.deepcopy(f)
    if d.state is None:
        return out
    out["review"] = {"action": d.state, "by": d.by, "at": d.at, "old_value": f["value"],
                     "old_field_id": f["field_id"]}
    if d.state == "empty":
        out["value"], out["status"] = None, "empty"
        return out
    if d.state in ("correct", "relabel"):
        out["value"] = d.value
    if d.state == "relabel" and d.field_id:
        out["field_id"] = d.field_id
        spec = catalogue.fields.get(d.field_id)
        if spec is not None:
            out["type"], out["unit"] = spec.type, spec.unit or f["unit"]
    out["status"] = "accepted"
    return out


def reviewed_result(ret: ReturnFile, decisions: dict[ItemKey, Decision], catalogue: Catalogue) -> dict[str, Any]:
    """One result with its decisions merged, schema-valid."""
    data = copy.deepcopy(ret.data)
    fields, unmatched = [], []
    for kind in ("fields", "unmatched"):
        for i, f in enumerate(ret.data[kind]):
            d = decisions.get(ItemKey(ret.sha256, kind, i))
            merged = apply_decision(f, d, catalogue) if d else copy.deepcopy(f)
            (fields if kind == "fields" or merged["field_id"] else unmatched).append(merged)
    data["fields"], data["unmatched"] = fields, unmatched
    doc = decisions.get(ItemKey(ret.sha256, "return", 0))
    marked = doc is not None and doc.state == "not_a_form"
    data["review"] = {"not_a_form": marked, "by": doc.by if doc and doc.state else None,
                      "at": doc.at if doc and doc.state else None}
    try:
        validate(data)
    except jsonschema.ValidationError as exc:
        raise ReviewError(f"reviewed result is not schema-valid: {exc.message}", path=str(ret.path)) from exc
    return data


@dataclass
class ExportSummary:
    written: list[Path]
    decided: int
    not_a_form: int


def export_reviewed(results: ResultSet, store: Store, out_dir: Path, catalogue: Catalogue) -> ExportSummary:
    """Write every result of `results` with its decisions into `out_dir` (same relative paths)."""
    decisions = store.all_current()
    written = []
    for ret in results.returns.values():
        data = reviewed_result(ret, decisions, catalogue)
        target = Path(out_dir) / ret.path.relative_to(results.root)
        if target.resolve() == ret.path.resolve():
            raise ReviewError("the export would overwrite the extractor's result; choose another -o folder",
                              path=str(target))
        write_data(data, target)
        written.append(target)
    decided = sum(1 for k, d in decisions.items() if d.state and k.kind != "return" and k.sha256 in results.returns)
    gone = sum(1 for k, d in decisions.items() if k.kind == "return" and d.state == "not_a_form")
    return ExportSummary(written, decided, gone)
