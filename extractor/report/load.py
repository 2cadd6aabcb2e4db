"""Result JSONs → plain return records with the final value of every field.

Reads a folder recursively: raw `extractor extract` output, batch output (`results/<sha256>.json`, optional
`provenance` / `superseded_by` / `possible_resend_of`) and reviewed output (`export-reviewed`: per-field
`review`, top-level `review.not_a_form`). JSON files that are not results (a manifest, settings …) are
ignored; files that look like results but break the schema are reported, not guessed at.
"""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jsonschema
import yaml

from extractor.catalogue import PATTERNS
from extractor.output import validate
from extractor.report.config import levels_config
from extractor.report.levels import level_of

RESULT_KEYS = ("source", "form", "fields")


@dataclass
class FieldValue:
    """One field of one return, after review."""

    field_id: str
    value: Any
    type: str | None
    unit: str | None
    label: str
    confidence: float
    status: str  # accepted | review | empty (as extracted)
    location: dict[str, Any]
    row: int | None = None
    reasons: list[str] = field(default_factory=list)
    review: dict[str, Any] | None = None  # the reviewer's decision, when there is one

    @property
    def unreviewed(self) -> bool:
        """Extracted with low confidence and not looked at by anyone yet."""
        return self.status == "review" and self.review is None


@dataclass
class Return:
    """One returned form, as the report sees it."""

    result_path: Path
    source: str  # the return's own file (source.path)
    sha256: str
    format: str
    form_id: str | None
    agency: str | None
    level: str
    period: str
    fields: dict[str, FieldValue]  # field id -> field (fields outside list tables)
    rows: list[FieldValue]  # fields of list tables (row numbers)
    unmatched: list[dict[str, Any]]
    superseded_by: str | None = None
    possible_resend_of: list[str] = field(default_factory=list)  # kept by the batch; a person should look
    not_a_form: bool = False
    provenance: dict[str, Any] = field(default_factory=dict)

    @property
    def values(self) -> dict[str, Any]:
        return {fid: f.value for fid, f in self.fields.items()}

    @property
    def current(self) -> bool:
        """Counted in the report: neither replaced by a newer return nor dropped by a reviewer."""
        return not self.superseded_by and not self.not_a_form

    @property
    def name(self) -> str:
        """The return's file name as received (a batch's original attachment name when known)."""
        return str(self.provenance.get("original_name") or Path(self.source).name)


@dataclass
class Problem:
    """A JSON file that looks like a result and cannot be used."""

    path: Path
    message: str


@dataclass
class Loaded:
    returns: list[Return]
    problems: list[Problem]


@functools.lru_cache(maxsize=1)
def form_periods() -> dict[str, str]:
    """Form id → the reporting period its template states (`period:` of patterns/forms/*.yaml)."""
    out = {}
    for path in sorted((PATTERNS / "forms").glob("*.yaml")):
        with open(path, encoding="utf-8") as fh:
            data = yaml.safe_load(fh) or {}
        if data.get("id"):
            out[str(data["id"])] = str(data.get("period") or "")
    return out


def _rank(f: FieldValue) -> tuple[int, int, float]:
    # one field id found twice in a return: a reviewer's decision first, then a value, then confidence
    return (f.review is not None, f.value is not None, f.confidence)


def _field(d: dict[str, Any]) -> FieldValue:
    return FieldValue(str(d["field_id"]), d.get("value"), d.get("type"), d.get("unit"), str(d.get("label") or ""),
                      float(d.get("confidence") or 0.0), str(d.get("status") or ""), dict(d.get("location") or {}),
                      d.get("row"), list(d.get("reasons") or []), d.get("review"))


def to_return(data: dict[str, Any], path: Path) -> Return:
    """A validated result dict → Return (agency, level and period resolved)."""
    fields: dict[str, FieldValue] = {}
    rows: list[FieldValue] = []
    for d in data["fields"]:
        if not d.get("field_id"):
            continue
        f = _field(d)
        if f.row is not None:
            rows.append(f)
        elif f.field_id not in fields or _rank(f) > _rank(fields[f.field_id]):
            fields[f.field_id] = f
    form_id = data["form"].get("id")
    agency = next((str(fields[n].value).strip() for n in levels_config().name_fields
                   if n in fields and isinstance(fields[n].value, str) and fields[n].value.strip()), None)
    period_field = fields.get("report.period")
    period = str(period_field.value) if period_field and period_field.value else form_periods().get(form_id or "", "")
    src = data["source"]
    return Return(
        result_path=path, source=str(src["path"]), sha256=str(src["sha256"]), format=str(src["format"]),
        form_id=form_id, agency=agency, level=level_of(agency, form_id), period=period, fields=fields, rows=rows,
        unmatched=[u for u in data.get("unmatched") or []
                   if (u.get("value") is not None or u.get("raw")) and not u.get("review")],
        superseded_by=data.get("superseded_by"), possible_resend_of=list(data.get("possible_resend_of") or []),
        not_a_form=bool((data.get("review") or {}).get("not_a_form")),
        provenance=dict(data.get("provenance") or {}))


def load_results(folder: Path) -> Loaded:
    """Every result JSON under `folder` (recursively), in path order."""
    returns: list[Return] = []
    problems: list[Problem] = []
    for path in sorted(folder.rglob("*.json")):
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
            problems.append(Problem(path, f"cannot read JSON: {exc}"))
            continue
        if not isinstance(data, dict) or not all(k in data for k in RESULT_KEYS):
            continue  # not a result: a manifest, a settings file …
        try:
            validate(data)
        except jsonschema.ValidationError as exc:
            where = "/".join(str(p) for p in exc.absolute_path) or "top level"
            problems.append(Problem(path, f"not a valid result at {where}: {exc.message}"))
            continue
        returns.append(to_return(data, path))
    return Loaded(returns, problems)
