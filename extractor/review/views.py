"""What the review pages show, as plain dicts (also served as the pages' JSON twins): the returns list, the
queue, and one field with why its confidence is low."""

from __future__ import annotations

import json
from collections import Counter
from typing import Any

from extractor.review.results import ItemKey, ResultSet, ReturnFile, category, needs_review
from extractor.review.store import NONE, Decision

# reason code prefix (extractor.confidence.score) -> the signal it comes from, for reviewers
SIGNALS = (
    ("label_match", "label match: the printed label is only this close to the catalogue's wording"),
    ("ambiguous", "margin: another field id scores nearly as well"),
    ("unparsed", "value: the text could not be read as this field's type"),
    ("value", "value: the reading needed a guess"),
    ("field from another form", "form: this field belongs to another form than the one detected"),
    ("check", "consistency: a rule between fields of the form fails"),
    ("no field matched", "label match: no catalogue field is close enough"),
)


def signal(reason: str) -> str:
    """Which confidence signal a reason code comes from, in words."""
    for prefix, text in SIGNALS:
        if reason.startswith(prefix):
            return text
    return "other"


def shown_value(value: Any) -> str:
    """A value as the pages print it (lists and ratios as JSON; None as an em dash)."""
    if value is None:
        return "—"
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False)


def input_text(value: Any) -> str:
    """A value as a reviewer would type it (ratio as a/b)."""
    if value is None:
        return ""
    if isinstance(value, list) and len(value) == 2 and all(isinstance(v, (int, float)) for v in value):
        return f"{value[0]}/{value[1]}"
    return value if isinstance(value, str) else shown_value(value)


def current(f: dict[str, Any], d: Decision) -> tuple[Any, str | None]:
    """The (value, field id) an item shows now: the decision's, else the extractor's."""
    if d.state in ("correct", "relabel"):
        return d.value, d.field_id or f["field_id"]
    if d.state == "empty":
        return None, f["field_id"]
    return f["value"], f["field_id"]


def return_row(ret: ReturnFile, decisions: dict[ItemKey, Decision]) -> dict[str, Any]:
    """One line of the returns list: agency, form, counts per category, how many review items are decided."""
    counts: Counter[str] = Counter()
    to_review = reviewed = 0
    for key in ret.item_keys():
        f = ret.field(key.kind, key.index)
        counts[category(f, key.kind)] += 1
        if needs_review(f, key.kind):
            to_review += 1
            reviewed += bool(decisions.get(key, NONE).state)
    doc = decisions.get(ItemKey(ret.sha256, "return", 0), NONE)
    return {"sha256": ret.sha256, "name": ret.name, "agency": ret.agency, "form": ret.form_id,
            "format": ret.format, "accepted": counts["accepted"], "review": counts["review"],
            "empty": counts["empty"], "failed": counts["failed"], "to_review": to_review, "reviewed": reviewed,
            "superseded_by": ret.superseded_by, "not_a_form": doc.state == "not_a_form",
            "decided_by": doc.by if doc.state else None}


def queue(results: ResultSet, decisions: dict[ItemKey, Decision], include_done: bool = False) -> list[dict[str, Any]]:
    """Items that need review across returns, lowest confidence first; returns marked not-a-form or
    superseded are left out; decided items only with `include_done`."""
    rows = []
    for ret in results.returns.values():
        if ret.superseded_by or decisions.get(ItemKey(ret.sha256, "return", 0), NONE).state == "not_a_form":
            continue
        for key in ret.item_keys():
            f = ret.field(key.kind, key.index)
            if not needs_review(f, key.kind):
                continue
            d = decisions.get(key, NONE)
            if d.state and not include_done:
                continue
            rows.append(item_row(ret, key, f, d))
    rows.sort(key=lambda r: (r["confidence"], r["return"], r["kind"], r["index"]))
    return rows


def item_row(ret: ReturnFile, key: ItemKey, f: dict[str, Any], d: Decision) -> dict[str, Any]:
    value, fid = current(f, d)
    return {"slug": key.slug, "sha256": key.sha256, "kind": key.kind, "index": key.index, "return": ret.name,
            "agency": ret.agency, "form": ret.form_id, "label": f["label"], "section": f["section"],
            "column": f["column"], "field_id": fid, "value": shown_value(value), "raw": f["raw"],
            "confidence": f["confidence"], "status": f["status"], "category": category(f, key.kind),
            "reasons": f.get("reasons") or [], "decision": d.state, "decided_by": d.by, "version": d.version}


def field_detail(ret: ReturnFile, key: ItemKey, d: Decision) -> dict[str, Any]:
    """Everything the field page shows about one item."""
    f = ret.field(key.kind, key.index)
    row = item_row(ret, key, f, d)
    value, fid = current(f, d)
    row.update({
        "type": f["type"], "unit": f["unit"], "row": f.get("row"), "location": f["location"],
        "extracted_value": shown_value(f["value"]), "extracted_field_id": f["field_id"],
        "current_value": value, "why": [{"reason": r, "signal": signal(r)} for r in f.get("reasons") or []],
        "candidates": f.get("candidates") or [], "format": ret.format, "source_path": ret.source_path,
        "decision_at": d.at, "action": d.action, "superseded_by": ret.superseded_by,
    })
    row["input_text"] = input_text(value) if d.state in ("correct", "relabel") else (f["raw"] or "")
    row["unsure"] = key.kind == "unmatched" or any(r.startswith(("label_match", "ambiguous", "no field"))
                                                   for r in row["reasons"])
    row["field_id"] = fid
    return row
