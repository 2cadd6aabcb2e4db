"""The report as plain tables — columns with types, rows of typed values, notes on cells — built once and
written by every writer (XLSX, CSV, Parquet), so the three always hold the same columns and values."""

from __future__ import annotations

import datetime as dt
import math
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from extractor.catalogue import Catalogue
from extractor.report.checks import Check, fits
from extractor.report.config import Indicator, indicators_config, levels_config, report_config
from extractor.report.indicators import DivisionByZero, evaluate, names_in
from extractor.report.load import FieldValue, Return

NUMERIC = ("integer", "decimal", "percent", "boolean")
SHORT_LABEL = 12  # labels shorter than this ("Tỷ lệ") get the label of the slot before them


@dataclass
class Column:
    key: str  # field id, indicator id, or a fixed key of report.yaml `columns`
    header: str
    type: str  # catalogue type, or "confidence"
    unit: str | None = None
    is_field: bool = False  # a canonical field or indicator: its ID is shown under the header


@dataclass
class Note:
    kind: str  # "unreviewed" | "failing"
    text: str


@dataclass
class Table:
    key: str
    name: str  # Excel sheet
    file: str  # CSV / Parquet stem
    columns: list[Column]
    rows: list[list[Any]] = field(default_factory=list)
    notes: dict[tuple[int, int], list[Note]] = field(default_factory=dict)  # (row, column) index -> notes

    @property
    def id_row(self) -> bool:
        return any(c.is_field for c in self.columns)


@dataclass
class Report:
    tables: list[Table]
    checks: list[Check]

    def table(self, key: str) -> Table:
        return next(t for t in self.tables if t.key == key)


def _cfg() -> dict[str, Any]:
    return report_config()


def _fixed(key: str, ctype: str = "text") -> Column:
    return Column(key, _cfg()["columns"][key], ctype)


def field_order(catalogue: Catalogue, form_id: str) -> list[str]:
    """The form's fields outside list tables, in template order."""
    out: dict[str, None] = {}
    for slot in catalogue.forms[form_id].slots:
        spec = catalogue.fields.get(slot.field)
        if slot.list is None and (spec is None or spec.list is None):
            out.setdefault(slot.field)
    return list(out)


def header(catalogue: Catalogue, field_id: str, form_id: str | None) -> str:
    """A field's Vietnamese heading: the form's own label (with its column), else the catalogue's first."""
    forms = [form_id] if form_id in catalogue.forms else sorted(catalogue.fields[field_id].forms)
    for fid in forms:
        slots = catalogue.forms[fid].slots if fid in catalogue.forms else []
        for i, slot in enumerate(slots):
            if slot.field == field_id:
                label = slot.label.replace("{}", "").strip(" :")
                if len(label) < SHORT_LABEL and i:
                    label = f"{label} – {slots[i - 1].label.replace('{}', '').strip(' :')}"
                return f"{label} ({slot.column})" if slot.column else label
    spec = catalogue.fields[field_id]
    return spec.labels[0] if spec.labels else field_id


def cell(catalogue: Catalogue, fid: str, value: Any) -> Any:
    """A field value as the report shows it: typed, option keys turned into their wording."""
    spec = catalogue.fields.get(fid)
    ftype = spec.type if spec else None
    if value is None or not fits(ftype, value):
        return None
    if ftype == "integer":
        return int(value) if float(value).is_integer() else float(value)
    if ftype in ("decimal", "percent"):
        return float(value)
    if ftype == "date":
        return dt.date.fromisoformat(value)
    if ftype == "ratio":
        return [float(x) for x in value]
    if spec and spec.options and ftype in ("choice", "multi_choice"):
        words = {o.key: o.texts[0] for o in spec.options}
        if ftype == "multi_choice":
            return [str(words.get(v, v)) for v in value]
        return str(words.get(value, value))
    if ftype == "multi_choice":
        return [str(v) for v in value]
    return value


def _indicators_for(fields: set[str]) -> list[Indicator]:
    return [i for i in indicators_config() if names_in(i.formula) <= fields]


def _indicator_value(ind: Indicator, values: dict[str, Any]) -> Any:
    try:
        v = evaluate(ind.formula, values)
    except DivisionByZero:
        return None
    return None if v is None else round(v, 6)


def _returns_table(key: str, name: str, file: str, returns: list[Return], fields: list[str],
                   catalogue: Catalogue, form_id: str | None, checks: list[Check]) -> Table:
    lv = levels_config()
    inds = _indicators_for(set(fields))
    cols = [_fixed("agency"), _fixed("level"), _fixed("period"), _fixed("form"), _fixed("source"),
            _fixed("unreviewed", "integer")]
    cols += [Column(f, header(catalogue, f, form_id), catalogue.fields[f].type,
                    catalogue.fields[f].unit, True) for f in fields]
    cols += [Column(i.id, i.label, i.type, i.unit, True) for i in inds]
    failing: dict[tuple[str, str], list[str]] = defaultdict(list)
    for c in checks:
        if c.field_id and c.sha256 and c.rule != "unreviewed":
            failing[(c.sha256, c.field_id)].append(c.description + (f": {c.detail}" if c.detail else ""))
    unknown = _cfg()["words"]["unknown_agency"]
    table = Table(key, name, file, cols)
    for r in returns:
        n_unrev = sum(f.unreviewed for f in [*r.fields.values(), *r.rows])
        row: list[Any] = [r.agency or unknown, lv.short[r.level], r.period, r.form_id, r.name, n_unrev]
        i = len(table.rows)
        for f in fields:
            fv: FieldValue | None = r.fields.get(f)
            j = len(row)
            row.append(cell(catalogue, f, fv.value) if fv else None)
            notes = []
            if fv is not None and fv.unreviewed:
                notes.append(Note("unreviewed", f"{_cfg()['words']['unreviewed']}: " + "; ".join(fv.reasons)))
            if failing.get((r.sha256, f)):
                notes.append(Note("failing", "\n".join(dict.fromkeys(failing[(r.sha256, f)]))))
            if notes:
                table.notes[(i, j)] = notes
        values = r.values
        for ind in inds:
            if failing.get((r.sha256, ind.id)):
                table.notes[(i, len(row))] = [Note("failing", "\n".join(failing[(r.sha256, ind.id)]))]
            row.append(_indicator_value(ind, values))
        table.rows.append(row)
    return table


def _aggregate(how: str, values: list[Any]) -> Any:
    if how == "count_true":
        return sum(v is True for v in values) if values else None
    nums = [float(v) for v in values if isinstance(v, (int, float)) and not isinstance(v, bool)]
    if not nums:
        return None
    if how == "mean":
        return round(math.fsum(nums) / len(nums), 6)
    total = math.fsum(nums)
    return int(total) if all(isinstance(v, int) for v in values) else round(total, 6)


def _totals_table(catalogue: Catalogue, scopes: list[tuple[str, list[Return], list[str]]]) -> Table:
    cfg = _cfg()
    lv = levels_config()
    sheet = cfg["sheets"]["totals"]
    cols = [_fixed("scope"), _fixed("field_id"), _fixed("label"), _fixed("unit"), _fixed("method")]
    cols += [Column(f"level.{k}", label, "decimal") for k, label in lv.labels.items()]
    cols += [_fixed("overall", "decimal"), _fixed("count", "integer")]
    table = Table("totals", sheet["name"], sheet["file"], cols)
    levels = list(lv.labels)
    for scope, rets, fields in scopes:
        groups = {k: [r for r in rets if r.level == k] for k in levels}
        sums: dict[str, dict[str, Any]] = defaultdict(dict)  # field -> level / overall -> total
        for f in fields:
            spec = catalogue.fields[f]
            if spec.type not in NUMERIC:
                continue
            method = cfg["methods"][spec.type]
            vals = {k: [cell(catalogue, f, r.fields[f].value) for r in g if f in r.fields] for k, g in groups.items()}
            vals = {k: [v for v in vs if v is not None] for k, vs in vals.items()}
            everything = [v for vs in vals.values() for v in vs]
            if not everything:
                continue
            per_level = [_aggregate(method["how"], vals[k]) for k in levels]
            overall = _aggregate(method["how"], everything)
            sums[f] = dict(zip(levels, per_level, strict=True)) | {"": overall}
            table.rows.append([scope, f, header(catalogue, f, None), spec.unit or "", method["label"], *per_level,
                               overall, len(everything)])
        for ind in _indicators_for(set(fields)):
            inputs = names_in(ind.formula)
            out = []
            for k in [*levels, ""]:
                try:
                    v = evaluate(ind.formula, {n: sums.get(n, {}).get(k) for n in inputs})
                except DivisionByZero:
                    v = None
                out.append(None if v is None else round(v, 6))
            if any(v is not None for v in out):
                count = sum(1 for r in rets if _indicator_value(ind, r.values) is not None)
                table.rows.append([scope, ind.id, ind.label, ind.unit or "", cfg["methods"]["indicator"]["label"],
                                   *out, count])
    return table


def _checks_table(checks: list[Check]) -> Table:
    cfg = _cfg()
    sheet = cfg["sheets"]["checks"]
    cols = [_fixed(k) for k in ("severity", "rule", "description", "source", "form", "agency", "field_id", "detail")]
    table = Table("checks", sheet["name"], sheet["file"], cols)
    order = {s: i for i, s in enumerate(cfg["severities"])}
    for c in sorted(checks, key=lambda c: order[c.severity]):
        table.rows.append([cfg["severities"][c.severity], c.rule, c.description, c.source, c.form_id, c.agency,
                           c.field_id, c.detail])
    return table


def _text(v: Any) -> str | None:
    if v is None:
        return None
    if isinstance(v, list):
        return "; ".join(str(x) for x in v)
    return str(v)


def _provenance_table(returns: list[Return]) -> Table:
    cfg = _cfg()
    sheet = cfg["sheets"]["provenance"]
    cols = [_fixed(k) for k in ("source", "agency", "form", "field_id", "label")] + [
        _fixed("row", "integer"), _fixed("value"), _fixed("location"), _fixed("confidence", "confidence"),
        _fixed("status"), _fixed("reviewer"), _fixed("action"), _fixed("old_value")]
    statuses = cfg["words"]["statuses"]
    table = Table("provenance", sheet["name"], sheet["file"], cols)
    for r in returns:
        for f in [*r.fields.values(), *r.rows]:
            if f.value is None and f.review is None:
                continue
            rv = f.review or {}
            loc = ", ".join(f"{k}={v}" for k, v in f.location.items())
            status = statuses["reviewed"] if f.review else statuses.get(f.status, f.status)
            table.rows.append([r.name, r.agency, r.form_id, f.field_id, f.label, f.row, _text(f.value), loc,
                               round(f.confidence, 4), status, rv.get("by"), rv.get("action"),
                               _text(rv.get("old_value"))])
    return table


def build_report(returns: list[Return], checks: list[Check], catalogue: Catalogue) -> Report:
    """Every table of the report from the loaded returns and their checks (only current returns count)."""
    cfg = _cfg()
    current = [r for r in returns if r.current]
    forms = sorted({r.form_id for r in current if r.form_id in catalogue.forms})
    orders = {f: field_order(catalogue, f) for f in forms}
    shared: dict[str, None] = {}
    for f in forms:
        for fid in orders[f]:
            if len(catalogue.fields[fid].forms) > 1:
                shared.setdefault(fid)
    sheet = cfg["sheets"]["all_forms"]
    tables = [_returns_table("all_forms", sheet["name"], sheet["file"], current, list(shared), catalogue, None, checks)]
    for f in forms:
        rets = [r for r in current if r.form_id == f]
        s = cfg["sheets"]["form"]
        tables.append(_returns_table(f"form_{f}", s["name"].format(form=f), s["file"].format(form=f), rets,
                                     orders[f], catalogue, f, checks))
    union: dict[str, None] = {}
    for f in forms:
        union.update(dict.fromkeys(orders[f]))
    scopes = [(cfg["words"]["all_forms"], [r for r in current if r.form_id in forms], list(union))]
    scopes += [(f, [r for r in current if r.form_id == f], orders[f]) for f in forms]
    tables.append(_totals_table(catalogue, scopes))
    tables.append(_checks_table(checks))
    tables.append(_provenance_table(current))
    return Report(tables, checks)
