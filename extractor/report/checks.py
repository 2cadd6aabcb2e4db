"""Everything to look at before the report goes out, one `Check` per finding: the consistency rules the forms
state (reused from `extractor.confidence.consistency`), plausible ranges (`patterns/report.yaml`), fields not
reviewed yet, values no field took, duplicate, superseded and possibly resent returns (kept by the batch when
the evidence was too weak to drop one), and agencies that have not returned."""

from __future__ import annotations

import csv
import datetime as dt
import fnmatch
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from extractor.catalogue import Catalogue
from extractor.confidence import consistency
from extractor.errors import InputError
from extractor.report.config import indicators_config, report_config
from extractor.report.indicators import DivisionByZero, evaluate
from extractor.report.levels import agency_key
from extractor.report.load import Loaded, Return


@dataclass
class Check:
    rule: str
    source: str  # the return's file name (or the result JSON / expected-agencies row it is about)
    form_id: str | None
    agency: str | None
    field_id: str | None
    detail: str
    sha256: str | None = None

    @property
    def severity(self) -> str:
        return report_config()["checks"][self.rule]["severity"]

    @property
    def description(self) -> str:
        return report_config()["checks"][self.rule]["label"]

    def line(self) -> str:
        """One console line."""
        cfg = report_config()
        where = " · ".join(x for x in (self.source, self.form_id, self.agency, self.field_id) if x)
        return f"[{cfg['severities'][self.severity]}] {self.rule}: {where}: {self.description}" + (
            f" ({self.detail})" if self.detail else "")


def _check(r: Return, rule: str, field_id: str | None = None, detail: str = "") -> Check:
    return Check(rule, r.name, r.form_id, r.agency, field_id, detail, r.sha256)


def _number(v: Any) -> float | None:
    return float(v) if isinstance(v, (int, float)) and not isinstance(v, bool) else None


def _bounds(field_id: str, ftype: str | None) -> tuple[Any, Any]:
    lo = hi = None
    for rule in report_config()["ranges"]:
        patterns = rule.get("fields") or []
        if ftype in (rule.get("types") or []) or any(fnmatch.fnmatchcase(field_id, p) for p in patterns):
            lo = rule["min"] if lo is None and "min" in rule else lo
            hi = rule["max"] if hi is None and "max" in rule else hi
    return lo, hi


def out_of_range(field_id: str, ftype: str | None, value: Any) -> str | None:
    """Why `value` is implausible for the field, or None."""
    lo, hi = _bounds(field_id, ftype)
    if lo is None and hi is None:
        return None
    if ftype == "date" and isinstance(value, str):
        try:
            v: Any = dt.date.fromisoformat(value)
            lo = dt.date.fromisoformat(str(lo)) if lo is not None else None
            hi = dt.date.fromisoformat(str(hi)) if hi is not None else None
        except ValueError:
            return None
    elif ftype == "ratio" and isinstance(value, list) and len(value) == 2:
        a, b = (_number(x) for x in value)
        if a is None or not b:
            return None
        v = a / b
    else:
        v = _number(value)
        if v is None:
            return None
    if lo is not None and v < lo:
        return f"{value} < {lo}"
    if hi is not None and v > hi:
        return f"{value} > {hi}"
    return None


def fits(ftype: str | None, value: Any) -> bool:
    """Whether a (non-empty) value has the shape its catalogue type promises."""
    if ftype in ("integer", "decimal", "percent"):
        return _number(value) is not None
    if ftype == "boolean":
        return isinstance(value, bool)
    if ftype == "date":
        try:
            dt.date.fromisoformat(str(value))
        except ValueError:
            return False
        return isinstance(value, str)
    if ftype == "ratio":
        return isinstance(value, list) and len(value) == 2 and all(_number(x) is not None for x in value)
    if ftype == "multi_choice":
        return isinstance(value, list)
    if ftype == "text":
        return isinstance(value, str)
    return not isinstance(value, (list, dict))


def return_checks(r: Return, catalogue: Catalogue) -> list[Check]:
    """The checks of one current return: consistency, ranges, indicators, unreviewed and unmatched values."""
    out: list[Check] = []
    for fid, fails in sorted(consistency(r.values, catalogue, r.form_id).items()):
        for fail in fails:
            rule, _, detail = fail.partition(" ")
            out.append(_check(r, rule, fid, detail.strip("()")))
    for fid, f in r.fields.items():
        spec = catalogue.fields.get(fid)
        ftype = spec.type if spec else f.type
        if f.value is not None and not fits(ftype, f.value):
            out.append(_check(r, "bad_value", fid, f"{f.value!r} ({ftype})"))
            continue
        why = out_of_range(fid, ftype, f.value) if f.value is not None else None
        if why:
            out.append(_check(r, "out_of_range", fid, why))
    for ind in indicators_config():
        try:
            evaluate(ind.formula, r.values)
        except DivisionByZero:
            out.append(_check(r, "division_by_zero", ind.id, ind.formula))
    for f in [*r.fields.values(), *r.rows]:
        if f.unreviewed:
            row = f" [{f.row}]" if f.row is not None else ""
            out.append(_check(r, "unreviewed", f.field_id, f"{f.value!r}{row}; " + "; ".join(f.reasons)))
    for u in r.unmatched:
        out.append(_check(r, "unmatched", None, f"{u.get('label', '')!r} = {u.get('raw')!r}"))
    return out


def read_expected(path: Path) -> list[tuple[str, str | None]]:
    """(agency, form or None) per row of an expected-agencies CSV (UTF-8, with or without BOM)."""
    cfg = report_config()["expected"]
    try:
        with open(path, encoding="utf-8-sig", newline="") as fh:
            rows = list(csv.reader(fh))
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise InputError(f"cannot read the expected agencies: {exc}", path=str(path)) from exc
    if not rows:
        raise InputError("the expected agencies file is empty", path=str(path))
    header = [h.strip() for h in rows[0]]
    name_col = next((header.index(c) for c in cfg["name_columns"] if c in header), None)
    form_col = next((header.index(c) for c in cfg["form_columns"] if c in header), None)
    body = rows[1:] if name_col is not None else rows  # no known header: every row is a name
    name_col = name_col or 0
    out = []
    for row in body:
        if len(row) > name_col and row[name_col].strip():
            form = row[form_col].strip() if form_col is not None and len(row) > form_col else ""
            out.append((row[name_col].strip(), form or None))
    return out


def collection_checks(loaded: Loaded, expected: Iterable[tuple[str, str | None]] = ()) -> list[Check]:
    """Checks across returns: unreadable results, dropped, superseded, possible resends, unknown forms,
    duplicates, missing."""
    out = [Check("invalid_result", p.path.name, None, None, None, p.message) for p in loaded.problems]
    current = [r for r in loaded.returns if r.current]
    for r in loaded.returns:
        if r.not_a_form:
            out.append(_check(r, "not_a_form"))
        elif r.superseded_by:
            out.append(_check(r, "superseded", None, r.superseded_by))
        elif r.form_id is None:
            out.append(_check(r, "unknown_form"))
    names = {r.sha256: r.name for r in loaded.returns}
    for r in current:
        if r.possible_resend_of:
            out.append(_check(r, "possible_resend", None,
                              ", ".join(names.get(o, o[:12]) for o in r.possible_resend_of)))
    groups: dict[tuple[str | None, str], list[Return]] = defaultdict(list)
    for r in current:
        if r.agency:
            groups[(r.form_id, agency_key(r.agency))].append(r)
    for group in groups.values():
        if len(group) > 1:
            for r in group:
                others = [o for o in group if o is not r]
                if all(o.sha256 in r.possible_resend_of for o in others):
                    continue  # already listed as a possible resend
                out.append(_check(r, "duplicate", None, ", ".join(o.name for o in others)))
    returned = {(agency_key(r.agency), r.form_id) for r in current if r.agency}
    returned_any = {a for a, _ in returned}
    for name, form in expected:
        key = agency_key(name)
        if (key, form) not in returned if form else key not in returned_any:
            out.append(Check("missing_return", "", form, name, None, ""))
    return out


def all_checks(loaded: Loaded, catalogue: Catalogue, expected: Iterable[tuple[str, str | None]] = ()) -> list[Check]:
    """Every check of the report, collection-wide first, then per current return in load order."""
    out = collection_checks(loaded, expected)
    for r in loaded.returns:
        if r.current:
            out += return_checks(r, catalogue)
    return out
