"""The drafting rules of `patterns/type_rules.yaml`, loaded and validated once, and the mechanisms that use
them: a slot's type and unit from its wording, readable new field ids, label similarity.

    infer_type(label, column, context, section, unit_text, options) -> Inference(type, unit, why)
    slug(text, words) -> "so_luong_may_tinh"            new_id(section, label, column, taken) -> "a.b.c"
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import regex
from rapidfuzz import fuzz

from extractor.catalogue import PATTERNS, TYPES, Keys
from extractor.errors import PatternError
from extractor.text.normalize import clean_label, fold
from extractor.text.values import parse_value
from extractor.text.vocab import load_units
from extractor.yamlfile import read_yaml

RULES_FILE = PATTERNS / "type_rules.yaml"
ID_RE = regex.compile(r"^[a-z0-9_]+(\.[a-z0-9_]+)*$")


@dataclass(frozen=True)
class Rule:
    type: str
    pattern: regex.Pattern[str]
    before_unit: bool


@dataclass(frozen=True)
class Rules:
    default_type: str
    unit_types: dict[str, str]
    label_unit_ignore: frozenset[str]
    unit_statement: regex.Pattern[str]
    rules: tuple[Rule, ...]
    multi_choice: regex.Pattern[str]
    grid_rows: int
    date_line: regex.Pattern[str]
    header_options: regex.Pattern[str]
    header_option_separator: str
    matching: dict[str, float]
    id_stopwords: frozenset[str]
    id_words: dict[str, int]


@dataclass
class Inference:
    type: str
    unit: str | None
    why: str  # which evidence decided: "options", "unit %", "wording 'ty le'", "default"


def _fail(path: Path, entry: str, message: str) -> PatternError:
    return PatternError(f"entry '{entry}': {message}", path=str(path))


def _compile(value: Any, path: Path, entry: str) -> regex.Pattern[str]:
    if not isinstance(value, str) or not value:
        raise _fail(path, entry, "expected a regular expression")
    try:
        return regex.compile(value)
    except regex.error as exc:
        raise _fail(path, entry, f"bad regular expression: {exc}") from None


@functools.lru_cache(maxsize=4)
def load_rules(path: str | None = None) -> Rules:
    """The validated drafting rules (default `patterns/type_rules.yaml`)."""
    file = Path(path) if path else RULES_FILE
    data = read_yaml(file)
    keys = {"default_type", "unit_types", "label_unit_ignore", "unit_statement", "rules", "multi_choice",
            "date_line", "header_options", "header_option_separator", "matching", "id_stopwords", "id_words"}
    if not isinstance(data, dict) or set(data) != keys:
        raise _fail(file, "(top level)", f"expected exactly the keys {', '.join(sorted(keys))}")
    units = load_units()
    unit_types = {}
    for unit, type_ in (data["unit_types"] or {}).items():
        if units.canonical_of(str(unit)) is None:
            raise _fail(file, f"unit_types.{unit}", "not a unit of patterns/units.yaml")
        if type_ not in TYPES:
            raise _fail(file, f"unit_types.{unit}", f"unknown type {type_!r}")
        unit_types[units.canonical_of(str(unit))] = type_
    rules = []
    for i, r in enumerate(data["rules"] or []):
        if not isinstance(r, dict) or r.get("type") not in TYPES or set(r) - {"type", "pattern", "before_unit"}:
            raise _fail(file, f"rules[{i}]", "needs a known type and a pattern (and may set before_unit)")
        rules.append(Rule(r["type"], _compile(r.get("pattern"), file, f"rules[{i}].pattern"),
                          bool(r.get("before_unit"))))
    if data["default_type"] not in TYPES:
        raise _fail(file, "default_type", f"unknown type {data['default_type']!r}")
    matching = data["matching"]
    need = {"reuse_min", "type_mismatch_penalty", "weak_type_mismatch_penalty", "list_column_min", "option_min"}
    if not isinstance(matching, dict) or set(matching) != need:
        raise _fail(file, "matching", f"expected the keys {', '.join(sorted(need))}")
    words = data["id_words"]
    if not isinstance(words, dict) or set(words) != {"section", "label", "column", "option", "list"}:
        raise _fail(file, "id_words", "expected section, label, column, option and list word counts")
    return Rules(
        default_type=data["default_type"], unit_types=unit_types,
        label_unit_ignore=frozenset(fold(str(u)) for u in data["label_unit_ignore"] or []),
        unit_statement=_compile(data["unit_statement"], file, "unit_statement"), rules=tuple(rules),
        multi_choice=_compile((data["multi_choice"] or {}).get("pattern"), file, "multi_choice.pattern"),
        grid_rows=int((data["multi_choice"] or {}).get("grid_rows") or 0),
        date_line=_compile(data["date_line"], file, "date_line"),
        header_options=_compile(data["header_options"], file, "header_options"),
        header_option_separator=str(data["header_option_separator"]),
        matching={k: float(v) for k, v in matching.items()},
        id_stopwords=frozenset(str(w) for w in data["id_stopwords"] or []),
        id_words={k: int(v) for k, v in words.items()})


# -- units and types ---------------------------------------------------------------------------------------
def canonical_unit(text: str | None) -> str | None:
    """The canonical unit `text` spells (`patterns/units.yaml`), or None."""
    if not text:
        return None
    return load_units().canonical_of(text.strip(" ().:"))


def _unit_in(text: str, rules: Rules) -> str | None:
    """A unit the wording states: `(Đơn vị tính: triệu đồng)`, or a unit in the last parentheses."""
    f = fold(text)
    m = rules.unit_statement.search(f)
    if m:
        unit = canonical_unit(m.group(1))
        if unit:
            return unit
    for inner in reversed(regex.findall(r"\(([^()]{1,20})\)", f)):
        unit = canonical_unit(inner)
        if unit and fold(unit) not in rules.label_unit_ignore:
            return unit
    return None


def boolean_options(options: Sequence[str]) -> list[bool] | None:
    """[True, False] (in print order) when the options are a yes and a no answer, else None."""
    values = []
    for text in options:
        parsed = parse_value(text, "boolean")
        if not parsed.ok:
            return None
        values.append(parsed.value)
    return values if len(values) == 2 and set(values) == {True, False} else None


def header_options(header: str, rules: Rules | None = None) -> list[str]:
    """Options printed inside a column header: `Quy mô (Đánh dấu [x] vào ô phù hợp: A / B)` -> [A, B]."""
    rules = rules or load_rules()
    m = rules.header_options.search(header)
    if not m:
        return []
    parts = [p.strip(" .;") for p in m.group(1).split(rules.header_option_separator)]
    return parts if len(parts) >= 2 and all(len(p.split()) >= 1 and p[:1].isalpha() for p in parts) else []


def infer_type(label: str, column: str | None = None, context: str = "", section: str = "",
               unit_text: str | None = None, options: Sequence[str] | None = None,
               rules: Rules | None = None, caption: str = "") -> Inference:
    """The type and unit a blank's wording suggests (see `patterns/type_rules.yaml` for the order);
    `caption` is the line printed above the slot's table, if any."""
    rules = rules or load_rules()
    texts = [fold(clean_label(t)) for t in (label, column or "", context) if t]
    if options:
        if boolean_options(options):
            return Inference("boolean", None, "options yes/no")
        if len(options) == 1:  # one box answering its item or row: ticked is yes
            return Inference("boolean", None, "single box")
        multi = any(rules.multi_choice.search(t) for t in texts[:1] + texts[2:])
        return Inference("multi_choice" if multi else "choice", None, "options")
    if column and parse_value(column, "boolean").ok and parse_value(column, "boolean").value is True:
        return Inference("boolean", None, "yes/no column")
    unit = canonical_unit(unit_text)
    if unit is None:
        for t in (column or "", label, section, caption):
            unit = _unit_in(t, rules) if t else None
            if unit:
                break
    for r in rules.rules:
        hit = next((m for t in texts[:2] if (m := r.pattern.search(t))), None) if r.before_unit else None
        if hit:
            return Inference(r.type, None, f"wording '{hit.group(0).strip()}'")
    if unit is not None:
        return Inference(rules.unit_types.get(unit, "integer"), unit, f"unit {unit}")
    for t in texts + ([fold(clean_label(caption))] if caption else []):
        for r in rules.rules:
            hit = r.pattern.search(t) if not r.before_unit else None
            if hit:
                return Inference(r.type, None, f"wording '{hit.group(0).strip()}'")
    return Inference(rules.default_type, None, "default")


# -- ids ---------------------------------------------------------------------------------------------------
def slug(text: str, words: int, rules: Rules | None = None) -> str:
    """`text` as a snake_case id part: folded, numbering and punctuation dropped, stop words left out."""
    rules = rules or load_rules()
    tokens = regex.findall(r"[a-z0-9]+", fold(clean_label(text)))
    kept = [t for t in tokens if t not in rules.id_stopwords] or tokens
    return "_".join(kept[:words])


def section_slug(section: str, rules: Rules | None = None) -> str:
    """The id part of a section path: its first heading without the heading word and number."""
    rules = rules or load_rules()
    head = section.split(" / ")[0]
    head = regex.sub(r"^\s*(?:\p{L}{2,6}\s+)?(?:[\dIVXLivxl]+|[A-Z])(?:\.\d+)*[.:)]?\s+|^\s*[A-Z][.:]\s*", "", head)
    if ":" in head and len(head.split(":", 1)[1].split()) >= 2:
        head = head.split(":", 1)[1]  # "BẢNG 3A.1: DANH SÁCH …" -> "DANH SÁCH …"
    return slug(head, rules.id_words["section"], rules)


def unique(base: str, taken: set[str]) -> str:
    """`base`, or `base_2`, `base_3` … when taken; the result is added to `taken`."""
    out, n = base, 2
    while out in taken:
        out, n = f"{base}_{n}", n + 1
    taken.add(out)
    return out


def new_id(section: str, label: str, column: str | None, taken: set[str], rules: Rules | None = None) -> str:
    """A readable new field id from the section and the label (and column): `ha_tang_ky.tong_so_may_tinh`."""
    rules = rules or load_rules()
    parts = [section_slug(section, rules) or "form", slug(label, rules.id_words["label"], rules) or "field"]
    if column:
        parts.append(slug(column, rules.id_words["column"], rules) or "column")
    return unique(".".join(parts), taken)


# -- similarity --------------------------------------------------------------------------------------------
def similarity(a: Keys, b: Keys, subset: bool = False) -> float:
    """max over the tone key and the diacritic-free key of (ratio + token_sort_ratio) / 200, as matching does;
    with `subset`, also 0.8 × token_set_ratio (one label holds all the words of the other)."""
    tone = (fuzz.ratio(a.tone, b.tone) + fuzz.token_sort_ratio(a.tone, b.tone)) / 200
    folded = (fuzz.ratio(a.folded, b.folded) + fuzz.token_sort_ratio(a.folded, b.folded)) / 200 * 0.98
    best = max(tone, folded)
    if subset:
        best = max(best, fuzz.token_set_ratio(a.folded, b.folded) / 100 * 0.8)
    return best
