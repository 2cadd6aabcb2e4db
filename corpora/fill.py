"""Invent plausible answers for a form and type them the way clerks do.

`plan_values` decides the typed value of every slot (parts ≤ totals, percentages from their counts, a few
deliberate inconsistencies); `type_value` turns a value into the text a clerk would type (`1.250`,
`85,5%`, `không có`, `ngày 15 tháng 8 năm 2019` …).
"""

from __future__ import annotations

import datetime as dt
import random
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from corpora.dateframe import frame_date, parse_frame
from corpora.formdesc import (
    Blank,
    Choice,
    FormDesc,
    Line,
    ListColumn,
    ListTable,
    Option,
    Table,
)

TICKS = ["X", "x", "✓", "☒"]  # how a clerk ticks an option sub-column ("☒": a checked box, any encoding)
POOLS = yaml.safe_load(Path(__file__).with_name("data").joinpath("pools.yaml").read_text(encoding="utf-8"))


@dataclass
class SlotSpec:
    """Everything the generator needs to know about one fillable slot."""

    field_id: str
    type: str
    kind: str = "free"
    min: float | None = None
    max: float | None = None
    part_of: str | None = None
    rate_of: tuple[str, str] | None = None
    options: list[Option] | None = None
    le: str | None = None  # value ≤ that field (not a share of it)
    sums_to_total: bool = False  # a column of a table whose total column is `part_of`
    slot: str = "line"  # where it sits (corpora/habits.yaml slots): line, cell_line, choice, cell_choice
    layout: str = "line"  # recorded in the truth: the slot, and a checkbox group's layout
    last_on_line: bool = True  # no other blank after it on its line
    frame: str | None = None  # a date blank printed as a frame (corpora/dateframe.py)
    unit: str | None = None  # the unit printed after the blank


@dataclass
class Plan:
    values: dict[str, Any]
    list_rows: dict[str, list[dict[str, Any]]]
    inconsistencies: list[dict[str, Any]] = field(default_factory=list)


def slot_specs(desc: FormDesc) -> list[SlotSpec]:
    """Every non-list slot of a form, in document order."""
    specs: list[SlotSpec] = []

    def from_line(item: Any, cell: bool) -> list[SlotSpec]:
        """The slots of one printed line (or checkbox group with its options' blanks), with their habit slot."""
        out: list[SlotSpec] = []
        runs = [item] if not isinstance(item, Choice) else [[item], *[o.tail for o in item.options]]
        for run in runs:
            blanks = [s for s in run if isinstance(s, Blank)]
            for s in run:
                if isinstance(s, Choice):
                    slot = "single_box" if s.single else ("cell_choice" if cell else "choice")
                    layout = "single_box" if s.single else ("cell_choice" if cell else f"choice_{s.layout}")
                    out.append(SlotSpec(s.field, s.type, options=s.options, slot=slot, layout=layout))
                elif isinstance(s, Blank):
                    slot = "cell_line" if cell else "line"
                    out.append(SlotSpec(s.field, s.type, s.kind, s.min, s.max, s.part_of or s.sums_to, s.rate_of,
                                        le=s.le, sums_to_total=bool(s.sums_to), slot=slot, layout=slot,
                                        last_on_line=s is blanks[-1], frame=s.frame, unit=s.unit))
        return out

    for b in desc.body:
        if isinstance(b, Line):
            specs += from_line(b.segments, False)
        elif isinstance(b, Choice):
            specs += from_line(b, False)
        elif isinstance(b, Table):
            for r in b.rows:
                if r.cells is not None:
                    specs += [s for cell in r.cells for line in cell.lines for s in from_line(line, True)]
                elif r.field:
                    has_total = "" in b.columns and r.type in ("integer", "decimal")
                    for q in b.columns:
                        if q is None or q in r.skip:
                            continue
                        fid = f"{r.field}.{q}" if q else r.field
                        part = (f"{r.part_of}.{q}" if q else r.part_of) if r.part_of else None
                        if has_total and q and not part:
                            part = r.field
                        slot = "cell_choice" if r.options else "cell_line"
                        specs.append(SlotSpec(fid, r.type or "text", "free", r.min, r.max, part,
                                              options=r.options, sums_to_total=has_total and bool(q),
                                              slot=slot, layout=slot, unit=r.unit))
    return specs


# -- values -------------------------------------------------------------------------------------------
def _number(spec: SlotSpec, rng: random.Random) -> float:
    lo = spec.min if spec.min is not None else 0
    hi = spec.max if spec.max is not None else (100 if spec.type == "percent" else 500)
    x = lo + (hi - lo) * rng.random() ** 1.7
    if spec.type == "integer":
        return int(round(x))
    if spec.type == "percent":
        return round(x, rng.choice([0, 0, 1]))
    return round(x, rng.choice([0, 0, 1]))


def _text(kind: str, rng: random.Random) -> str:
    if kind in ("agency", "person", "position", "app_name", "address", "free", "period", "service",
                "service_group"):
        return rng.choice(POOLS[kind])
    if kind == "phone":
        return rng.choice(["0257.3", "0299.3", "024.3", "0257 3"]) + f"{rng.randint(100000, 999999)}" \
            if rng.random() < 0.5 else f"09{rng.randint(10000000, 99999999)}"
    if kind == "email":
        name = _ascii(rng.choice(POOLS["person"])).lower().split()
        return f"{name[-1]}{name[0][0]}@{rng.choice(POOLS['domains'])}"
    if kind == "url":
        return rng.choice(["https://", "http://", ""]) + rng.choice(["stnmt", "skhdt", "syt", "stp", "snv"]) + \
            "." + rng.choice(["phuyen", "soctrang"]) + ".gov.vn"
    if kind == "docno":
        return f"{rng.randint(12, 1999)}/{rng.choice(POOLS['docno_suffix'])}"
    if kind == "year":
        return str(rng.randint(2015, 2020))
    if kind == "code":
        return f"T-STG-{rng.randint(100000, 299999)}-TT"
    raise ValueError(f"unknown text kind {kind!r}")


def _ascii(text: str) -> str:
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _value(spec: SlotSpec, rng: random.Random) -> Any:
    t = spec.type
    if t in ("integer", "decimal", "percent"):
        return _number(spec, rng)
    if t == "boolean":
        return rng.random() < 0.65
    if t == "choice":
        return rng.choice(spec.options).key if spec.options else None
    if t == "multi_choice":
        keys = [o.key for o in spec.options or []]
        return sorted(rng.sample(keys, rng.randint(1, max(1, len(keys) - 1))), key=str)
    if t == "ratio":
        b = rng.randint(int(spec.min) if spec.min is not None else 5, int(spec.max) if spec.max is not None else 400)
        return [rng.randint(0, b), b]
    if t == "date":
        day = dt.date(2017, 1, 1) + dt.timedelta(days=rng.randint(0, 4 * 365))
        if spec.frame:  # the month and year the frame prints
            day = frame_date(parse_frame(spec.frame), day)
        return day.isoformat()
    return _text(spec.kind, rng)


def plan_values(desc: FormDesc, rng: random.Random, empty_rate: float = 0.07,
                inconsistency_rate: float = 0.15) -> Plan:
    """Decide every slot's value: totals first, then parts, then rates; maybe one deliberate error."""
    specs = slot_specs(desc)
    by_id = {s.field_id: s for s in specs}
    values: dict[str, Any] = {}
    for s in specs:
        if s.part_of or s.rate_of or s.le:
            continue
        values[s.field_id] = None if rng.random() < empty_rate else _value(s, rng)
    parts: dict[str, list[SlotSpec]] = {}
    for s in specs:
        if s.part_of:
            parts.setdefault(s.part_of, []).append(s)
    for total_id, group in parts.items():
        total = values.get(total_id)
        if not isinstance(total, (int, float)) or isinstance(total, bool) or total <= 0:
            for s in group:
                values[s.field_id] = None if rng.random() < empty_rate else _value(s, rng)
            continue
        exact = 0.95 if any(s.sums_to_total for s in group) else 0.5
        budget = total if rng.random() < exact else total * rng.uniform(0.5, 1.0)
        shares = [rng.random() for _ in group]
        for s, share in zip(group, shares, strict=True):
            v = budget * share / sum(shares) if len(group) > 1 else budget
            values[s.field_id] = int(v) if s.type == "integer" else round(v, 1)
        if group[0].sums_to_total and budget == total and total == int(total):
            # the last column takes the rounding remainder so the row adds up exactly
            rest = sum(values[s.field_id] for s in group[:-1])
            values[group[-1].field_id] = type(values[group[-1].field_id])(total - rest)
    for s in specs:
        if s.le:
            bound = values.get(s.le)
            if isinstance(bound, (int, float)) and not isinstance(bound, bool) and rng.random() > empty_rate:
                v = bound * rng.uniform(0.3, 1.0)
                values[s.field_id] = int(v) if s.type == "integer" else round(v, 1)
            else:
                values[s.field_id] = None if rng.random() < empty_rate else _value(s, rng)
    for s in specs:
        if s.rate_of:
            num, den = (values.get(f) for f in s.rate_of)
            if isinstance(num, (int, float)) and isinstance(den, (int, float)) and den > 0 and num <= den:
                values[s.field_id] = round(100 * num / den, rng.choice([0, 1]))
            else:
                values[s.field_id] = None if rng.random() < empty_rate else _value(s, rng)
    plan = Plan(values, _list_rows(desc, rng))
    if rng.random() < inconsistency_rate:
        _inconsistency(plan, specs, by_id, rng)
    return plan


def _inconsistency(plan: Plan, specs: list[SlotSpec], by_id: dict[str, SlotSpec], rng: random.Random) -> None:
    """One deliberate error a clerk makes: a part above its total, a rate that disagrees with its counts,
    or table columns that do not add up to their total column. The rule is drawn first, then the field."""
    v = plan.values

    def num(fid: str | None) -> bool:
        return isinstance(v.get(fid), (int, float)) and not isinstance(v.get(fid), bool) if fid else False

    rules: dict[str, list[Any]] = {
        "part_gt_total": [s for s in specs if s.part_of and num(s.part_of) and num(s.field_id)
                          and not s.sums_to_total],
        "percent_mismatch": [s for s in specs if s.rate_of and num(s.field_id) and all(num(f) for f in s.rate_of)],
    }
    groups: dict[str, list[SlotSpec]] = {}
    for s in specs:
        if s.sums_to_total and s.part_of:
            groups.setdefault(s.part_of, []).append(s)
    rules["sum_mismatch"] = [(total, parts) for total, parts in sorted(groups.items())
                             if num(total) and all(num(p.field_id) for p in parts)]
    available = sorted(r for r, cands in rules.items() if cands)
    if not available:
        return
    rule = rng.choice(available)
    pick = rng.choice(rules[rule])
    if rule == "part_gt_total":
        s = pick
        v[s.field_id] = v[s.part_of] + rng.randint(1, 40)
        if s.type != "integer":
            v[s.field_id] = float(v[s.field_id])
        fields = [s.field_id, s.part_of]
    elif rule == "percent_mismatch":
        s = pick
        old = v[s.field_id]
        v[s.field_id] = round(min(100.0, old + rng.choice([-1, 1]) * rng.randint(15, 40)) if old < 60
                              else max(0.0, old - rng.randint(15, 40)), 0)
        fields = [s.field_id, *s.rate_of]
    else:
        total, parts = pick
        v[total] = type(v[total])(v[total] + rng.randint(1, 30))  # the total column no longer adds up
        fields = [total, *(p.field_id for p in parts)]
    plan.inconsistencies.append({"rule": rule, "fields": fields})


def _list_rows(desc: FormDesc, rng: random.Random) -> dict[str, list[dict[str, Any]]]:
    out = {}
    for b in desc.body:
        if isinstance(b, ListTable):
            n = rng.choice([0, 1, 2, 2, 3, b.blank_rows, b.blank_rows + 1, b.blank_rows + 3])
            out[b.field] = [{c.key: _list_value(c, rng) for c in b.columns if c.key} for _ in range(n)]
    return out


def _list_value(col: ListColumn, rng: random.Random) -> Any:
    spec = SlotSpec(col.key or "", col.type, col.kind, col.min, col.max, options=col.options)
    if rng.random() < 0.05 and col.type != "text":
        return None
    return _value(spec, rng)


# -- typing ---------------------------------------------------------------------------------------------
def _thousands(n: int, rng: random.Random) -> str:
    if abs(n) < 1000:
        return str(n)
    sep = rng.choice([".", ".", ",", " ", ""])
    s = f"{n:,}"
    return s.replace(",", sep)


def _decimal(x: float, rng: random.Random) -> str:
    if float(x).is_integer():
        return _thousands(int(x), rng)
    whole, frac = f"{x}".split(".")
    return _thousands(int(whole), rng) + "," + frac


def type_value(value: Any, type_: str, rng: random.Random, options: list[Option] | None = None) -> str:
    """The text a clerk types for `value` (never empty)."""
    if type_ == "integer":
        if value == 0 and rng.random() < 0.35:
            return rng.choice(["không có", "Không có", "0"])
        if 0 < value < 10 and rng.random() < 0.15:
            return f"0{value}"
        return _thousands(int(value), rng)
    if type_ == "decimal":
        return _decimal(value, rng)
    if type_ == "percent":
        num = _decimal(value, rng)
        return rng.choice([num, num + "%", num + " %", num + "%"])
    if type_ == "boolean":
        return rng.choice(["Có", "có", "Có."]) if value else rng.choice(["Không", "không", "Không."])
    if type_ == "ratio":
        return rng.choice(["{}/{}", "{} / {}", "{}/{}"]).format(*value)
    if type_ == "date":
        d = dt.date.fromisoformat(value)
        return rng.choice([f"ngày {d.day} tháng {d.month} năm {d.year}", f"{d.day:02d}/{d.month:02d}/{d.year}",
                           f"{d.day}/{d.month}/{d.year}"])
    if type_ in ("choice", "multi_choice"):
        keys = value if isinstance(value, list) else [value]
        texts = [o.text for o in options or [] if o.key in keys]
        return "; ".join(texts)
    return str(value)


def habit_value(pool: str, value: Any, type_: str, rng: random.Random, unit: str | None = None
                ) -> tuple[Any, str]:
    """(value, typed text) for a habit that types from a pool of `corpora/data/pools.yaml`.

    address_house and other text pools replace the value; phone_formatted fills `{d}` with digits;
    ratio_units formats the planned ratio `{a}`/`{b}` with a unit; with_unit types the number `{v}` with the
    field's `{unit}`; none_words types none for a count (the value becomes 0); date_formats types the date
    from its `{d}`, `{m}`, `{y}`."""
    choices = POOLS[pool]
    if pool == "with_unit":
        return value, rng.choice(choices).format(v=type_value(value, type_, rng), unit=unit or "")
    if pool == "none_words":
        return 0, rng.choice(choices)
    if pool == "date_formats":
        d = dt.date.fromisoformat(value)
        return value, rng.choice(choices).format(d=d.day, m=d.month, y=d.year)
    if type_ == "ratio":
        text = rng.choice(choices).format(a=value[0], b=value[1])
        return value, text
    text = rng.choice(choices)
    if "{d}" in text:
        text = "".join(str(rng.randint(0, 9)) if part == "{d}" else part
                       for part in _split_digits(text))
    return text, text


def _split_digits(template: str) -> list[str]:
    parts: list[str] = []
    for i, chunk in enumerate(template.split("{d}")):
        if i:
            parts.append("{d}")
        parts.append(chunk)
    return parts


def type_list_cell(value: Any, col: ListColumn, rng: random.Random) -> str | None:
    """Text typed into a list-table cell (`1`/`0` or `Có`/`Không` for booleans, `x` marks for choices)."""
    if value is None:
        return None
    if col.subcolumns:  # the chosen option's own column is ticked
        return rng.choice(TICKS)
    if col.type == "boolean":
        return rng.choice(["1", "Có"]) if value else rng.choice(["0", "Không"])
    return type_value(value, col.type, rng, col.options)
