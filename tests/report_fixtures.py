"""Results for the aggregation tests: a subset of corpus DOCX returns extracted by the pipeline, and a
simulated reviewer that brings every field to its ground-truth value with the agreed `review` decisions."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

from extractor.evaluate import normalise_value
from extractor.output import validate, write_result
from extractor.pipeline import extract_path

CORPUS = Path(__file__).resolve().parent.parent / "corpora"
EXTRA = ["f000_r000", "f001_r000", "f002_r000", "f003_r000", "f004_r000", "f004_r010", "f000_r010"]
SUPERSEDED = "f004_r010"  # marked as replaced by a newer return of the same agency
NOT_A_FORM = "f000_r010"  # marked by a reviewer as not a form


def truth(return_id: str) -> dict[str, Any]:
    return json.loads((CORPUS / "truth" / f"{return_id}.json").read_text(encoding="utf-8"))


def subset() -> list[str]:
    """Every return with a deliberate inconsistency, plus a few clean ones (one per form and two to drop)."""
    ids = [p.stem for p in sorted((CORPUS / "truth").glob("*.json")) if truth(p.stem)["inconsistencies"]]
    return ids + [i for i in EXTRA if i not in ids]


def extract(ids: list[str], out: Path) -> dict[str, Path]:
    """Extract each return's DOCX into `out`; return id → result JSON."""
    return {rid: write_result(extract_path(CORPUS / "returns" / f"{rid}.docx"), out) for rid in ids}


def _same(a: Any, b: Any, type_: str) -> bool:
    try:
        return normalise_value(a, type_) == normalise_value(b, type_)
    except Exception:  # noqa: BLE001 — a value the scorer cannot read is simply not the truth
        return False


def review(result: dict[str, Any], truth_doc: dict[str, Any], by: str = "tester") -> dict[str, Any]:
    """The result as a reviewer would hand it back: wrong values corrected, extra ones emptied, missed
    ones added, low-confidence right ones accepted — each with a per-field `review` decision."""
    out = copy.deepcopy(result)
    expected = {(f["field_id"], f["row"]): f for f in truth_doc["fields"]}
    seen: set[tuple[str, Any]] = set()
    stamp = {"by": by, "at": "2024-01-15T09:00:00"}
    for f in out["fields"]:
        key = (f["field_id"], f.get("row"))
        t = expected.get(key)
        if t is None or key in seen:
            if f["value"] is not None or f["status"] == "review":
                f["review"] = {"action": "empty", "old_value": f["value"], **stamp}
                f["value"] = None
        elif t["value"] is None and f["value"] is None:
            if f["status"] == "review":
                f["review"] = {"action": "accept", **stamp}
        elif t["value"] is None or f["value"] is None or not _same(f["value"], t["value"], t["type"]):
            f["review"] = {"action": "correct", "old_value": f["value"], **stamp}
            f["value"] = t["value"]
        elif f["status"] == "review":
            f["review"] = {"action": "accept", **stamp}
        seen.add(key)
    for key, t in expected.items():
        if key not in seen and t["value"] is not None:
            out["fields"].append({
                "field_id": t["field_id"], "label": t["label"], "section": t["section"], "column": t["column"],
                "value": t["value"], "raw": t["raw"], "unit": t["unit"], "type": t["type"], "confidence": 0.0,
                "status": "review", "location": {}, "row": t["row"], "reasons": ["missed by extraction"],
                "candidates": [], "review": {"action": "correct", "old_value": None, **stamp}})
    validate(out)
    return out
