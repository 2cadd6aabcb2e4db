"""The report's data files, loaded and validated once: `patterns/report.yaml`, `patterns/agency_levels.yaml`
and `patterns/indicators.yaml`."""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from extractor.catalogue import PATTERNS
from extractor.errors import PatternError
from extractor.yamlfile import read_mapping


def _need(cond: bool, path: Path, entry: str, message: str) -> None:
    if not cond:
        raise PatternError(f"{entry}: {message}", path=str(path))


@dataclass(frozen=True)
class LevelRule:
    level: str
    pattern: re.Pattern[str]


@dataclass(frozen=True)
class Levels:
    labels: dict[str, str]  # level key -> column label, report order (unknown last)
    short: dict[str, str]  # level key -> the word in the level column
    unknown: str  # key of the "unknown level" bucket
    name_fields: tuple[str, ...]
    rules: tuple[LevelRule, ...]
    form_defaults: dict[str, str]


UNKNOWN = "unknown"


@functools.lru_cache(maxsize=1)
def levels_config() -> Levels:
    """`patterns/agency_levels.yaml`, validated."""
    path = PATTERNS / "agency_levels.yaml"
    data = read_mapping(path)
    levels = data.get("levels")
    _need(isinstance(levels, dict) and levels, path, "levels", "needs a mapping of level keys")
    _need(isinstance(data.get("unknown"), dict), path, "unknown", "needs label and short")
    labels = {k: str(v["label"]) for k, v in levels.items()} | {UNKNOWN: str(data["unknown"]["label"])}
    short = {k: str(v.get("short", "")) for k, v in levels.items()} | {UNKNOWN: str(data["unknown"].get("short", ""))}
    rules = []
    for i, r in enumerate(data.get("rules") or []):
        _need(isinstance(r, dict) and r.get("level") in levels, path, f"rules[{i}]", "needs a known level")
        try:
            rules.append(LevelRule(r["level"], re.compile(str(r["pattern"]))))
        except (re.error, KeyError) as exc:
            raise PatternError(f"rules[{i}]: bad pattern ({exc})", path=str(path)) from exc
    defaults = data.get("form_defaults") or {}
    for form, lvl in defaults.items():
        _need(lvl in levels, path, f"form_defaults.{form}", f"unknown level {lvl!r}")
    return Levels(labels, short, UNKNOWN, tuple(data.get("name_fields") or ()), tuple(rules), dict(defaults))


@dataclass(frozen=True)
class Indicator:
    id: str
    label: str
    formula: str
    type: str
    unit: str | None


@functools.lru_cache(maxsize=1)
def indicators_config() -> tuple[Indicator, ...]:
    """`patterns/indicators.yaml`, each formula parsed and checked against the catalogue."""
    from extractor.catalogue import load_catalogue
    from extractor.report.indicators import names_in

    path = PATTERNS / "indicators.yaml"
    data = read_mapping(path).get("indicators")
    _need(isinstance(data, dict), path, "indicators", "needs a mapping")
    fields = load_catalogue().fields
    out = []
    for iid, e in data.items():
        _need(isinstance(e, dict) and e.get("formula") and e.get("label"), path, iid, "needs label and formula")
        _need(e.get("type") in ("integer", "decimal", "percent"), path, iid, "type must be integer, decimal or percent")
        try:
            names = names_in(str(e["formula"]))
        except ValueError as exc:
            raise PatternError(f"{iid}: {exc}", path=str(path)) from exc
        unknown = sorted(n for n in names if n not in fields)
        _need(not unknown, path, iid, f"unknown field ids {unknown}")
        out.append(Indicator(iid, str(e["label"]), str(e["formula"]), str(e["type"]), e.get("unit")))
    return tuple(out)


@functools.lru_cache(maxsize=1)
def report_config() -> dict[str, Any]:
    """`patterns/report.yaml` (sheet names, headers, words, number formats, check labels, ranges)."""
    path = PATTERNS / "report.yaml"
    data = read_mapping(path)
    for key in ("sheets", "columns", "words", "methods", "formats", "checks", "severities", "ranges", "expected"):
        _need(key in data, path, key, "missing")
    for rule, e in data["checks"].items():
        _need(isinstance(e, dict) and e.get("severity") in data["severities"], path, f"checks.{rule}",
              "needs a known severity and a label")
    for i, r in enumerate(data["ranges"]):
        _need(isinstance(r, dict) and ("types" in r or "fields" in r) and ("min" in r or "max" in r), path,
              f"ranges[{i}]", "needs types or fields, and min or max")
    return data
