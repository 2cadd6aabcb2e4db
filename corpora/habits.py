"""Clerk habits (`corpora/habits.yaml`): loaded and checked once, drawn per field by the generator.

A habit says how a clerk types a value or marks a box (`style`, a mechanism of `corpora/render.py`), where
it can happen (`applies_to`: slot kinds, field types, text kinds) and how often (`weight`).
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from extractor.errors import PatternError

HABITS_FILE = Path(__file__).with_name("habits.yaml")
HABITS_MORE_FILE = Path(__file__).with_name("habits_more.yaml")  # habits drawn only for corpora/returns_more
SLOTS = ("line", "cell_line", "choice", "cell_choice", "single_box", "list_table")
TYPES = ("integer", "decimal", "percent", "boolean", "choice", "multi_choice", "text", "date", "ratio")
STYLES = {
    "line": {"inside_leader", "replaced_leader", "before_short_leader", "after_leader", "next_line",
             "space_only", "worked_example",
             # corpora/habits_more.yaml: the value's run formatted or marked up as Word leaves it
             "other_font", "tracked_insert", "commented"},
    "choice": {"native", "typed_x", "bracket_x", "deleted_others", "x_after_box", "x_before_box",
               "glyph_replaced", "check_after_option", "multi_tick",
               # corpora/habits_more.yaml: the chosen option shown by its text's formatting, boxes left empty
               "bold_chosen", "highlight_chosen", "strike_others"},
    "list_table": {"added_row", "plain_rows", "extra_column"},
}
STYLES["cell_line"] = STYLES["line"] - {"next_line", "worked_example"}  # those add a paragraph
STYLES["cell_choice"] = STYLES["choice"]
STYLES["single_box"] = STYLES["choice"] - {"deleted_others", "multi_tick", "strike_others"}  # one box: no other option
_KEYS = {"id", "applies_to", "weight", "style", "values", "description"}
_APPLIES = {"slots", "types", "kinds", "last_on_line", "needs"}
# what a field must have for a habit to be drawn (`applies_to.needs`): `unit` a unit printed after the blank,
# `zero_ok` a count that may be typed as none (a part of a total, not a column summed into one, no rate of it)
NEEDS = ("unit", "zero_ok")


@dataclass(frozen=True)
class Habit:
    id: str
    slots: tuple[str, ...]
    types: tuple[str, ...] | None
    kinds: tuple[str, ...] | None
    weight: float
    style: str
    description: str
    values: str | None = None
    last_on_line: bool = False
    needs: tuple[str, ...] = ()

    def applies(self, slot: str, type_: str, kind: str = "free", last_on_line: bool = True,
                traits: frozenset[str] = frozenset()) -> bool:
        """Can this habit be drawn for a field of `type_` (text `kind`) in a `slot`, the field having `traits`
        (NEEDS)?"""
        return (slot in self.slots and (self.types is None or type_ in self.types)
                and (self.kinds is None or (type_ == "text" and kind in self.kinds))
                and (last_on_line or not self.last_on_line) and all(n in traits for n in self.needs))


def _names(raw: Any, allowed: tuple[str, ...] | None, what: str, where: str) -> tuple[str, ...] | None:
    if raw is None:
        return None
    if not isinstance(raw, list) or not raw or not all(isinstance(x, str) for x in raw):
        raise PatternError(f"{where}: {what} must be a non-empty list of names", path=str(HABITS_FILE))
    bad = [x for x in raw if allowed is not None and x not in allowed]
    if bad:
        raise PatternError(f"{where}: unknown {what} {bad} (known: {', '.join(allowed)})", path=str(HABITS_FILE))
    return tuple(raw)


def parse_habits(data: Any, pools: dict[str, Any], path: Path = HABITS_FILE) -> dict[str, Habit]:
    """Check the `habits:` list and return habits by id; a PatternError names the habit and the problem."""
    items = data.get("habits") if isinstance(data, dict) else None
    if not isinstance(items, list) or not items:
        raise PatternError("needs a non-empty `habits:` list", path=str(path))
    out: dict[str, Habit] = {}
    for n, raw in enumerate(items, 1):
        where = f"habit #{n}"
        if not isinstance(raw, dict) or not isinstance(raw.get("id"), str) or not raw["id"]:
            raise PatternError(f"{where}: needs a string `id`", path=str(path))
        where = f"habit {raw['id']!r}"
        if raw["id"] in out:
            raise PatternError(f"{where}: listed twice", path=str(path))
        unknown = set(raw) - _KEYS
        missing = {"applies_to", "weight", "style", "description"} - set(raw)
        if unknown or missing:
            raise PatternError(f"{where}: unknown keys {sorted(unknown)}, missing keys {sorted(missing)}",
                               path=str(path))
        applies = raw["applies_to"]
        if not isinstance(applies, dict) or set(applies) - _APPLIES or "slots" not in applies:
            raise PatternError(f"{where}: applies_to needs `slots` and may hold {sorted(_APPLIES)}",
                               path=str(path))
        slots = _names(applies["slots"], SLOTS, "slots", where)
        weight = raw["weight"]
        if isinstance(weight, bool) or not isinstance(weight, (int, float)) or weight < 0:
            raise PatternError(f"{where}: weight must be a number >= 0", path=str(path))
        style = raw["style"]
        wrong = [s for s in slots or () if style not in STYLES[s]]
        if wrong:
            raise PatternError(f"{where}: style {style!r} cannot be rendered in slots {wrong}", path=str(path))
        values = raw.get("values")
        if values is not None and values not in pools:
            raise PatternError(f"{where}: values pool {values!r} not in corpora/data/pools.yaml", path=str(path))
        if not isinstance(raw["description"], str) or not raw["description"].strip():
            raise PatternError(f"{where}: needs a description", path=str(path))
        needs = _names(applies.get("needs"), NEEDS, "needs", where) or ()
        out[raw["id"]] = Habit(raw["id"], slots, _names(applies.get("types"), TYPES, "types", where),
                               _names(applies.get("kinds"), None, "kinds", where), float(weight), style,
                               raw["description"].strip(), values, bool(applies.get("last_on_line", False)),
                               needs)
    return out


@cache
def load_habits(path: Path = HABITS_FILE) -> dict[str, Habit]:
    """The declared habits (read and checked once)."""
    from corpora.fill import POOLS

    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise PatternError(f"cannot read habits: {exc}", path=str(path)) from None
    return parse_habits(data, POOLS, path)


@cache
def more_habits() -> dict[str, Habit]:
    """The habits of corpora/returns_more: the main list and `habits_more.yaml` drawn together (an id in
    both lists is an error)."""
    main, more = load_habits(), load_habits(HABITS_MORE_FILE)
    twice = sorted(set(main) & set(more))
    if twice:
        raise PatternError(f"habits {twice} are declared in both habit lists", path=str(HABITS_MORE_FILE))
    return {**main, **more}


def draw(rng: random.Random, slot: str, type_: str, kind: str = "free", last_on_line: bool = True,
         habits: dict[str, Habit] | None = None, traits: frozenset[str] = frozenset()) -> Habit:
    """One habit for a field, drawn by weight among those that apply (weight 0 habits are never drawn)."""
    habits = habits if habits is not None else load_habits()
    fits = [h for h in habits.values() if h.weight > 0 and h.applies(slot, type_, kind, last_on_line, traits)]
    if not fits:
        raise PatternError(f"no habit applies to a {type_} field in a {slot} slot", path=str(HABITS_FILE))
    return rng.choices(fits, [h.weight for h in fits])[0]
