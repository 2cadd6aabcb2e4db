"""Compare two slot lists of the same blank form (a draft and a hand-checked patterns file): align them by
document order and wording, then count equal field ids, types and units.

Used by the tests and `python -m extractor.template.measure`; the alignment reads only the two slot lists
(labels, columns, kinds, order), never returns or truth.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from extractor.catalogue import Keys
from extractor.template.rules import similarity

MIN_PAIR = 0.6  # two slots are the same blank only when their wording is at least this close
RARE_TYPES = ("date", "ratio")


@dataclass
class SlotView:
    """What alignment needs of a slot, from either side."""

    field: str
    kind: str
    type: str
    unit: str | None
    label: str
    column: str | None
    options: list[tuple[Any, str]]  # (key, printed text)


def view_of(entry: dict[str, Any]) -> SlotView:
    """A slot entry of a patterns file (`forms/ID.yaml`) as a SlotView."""
    opts = [(o.get("key"), str(o.get("text", ""))) for o in entry.get("options") or []]
    return SlotView(str(entry["field"]), str(entry["kind"]), str(entry["type"]), entry.get("unit"),
                    str(entry.get("label") or ""), entry.get("column"), opts)


def _pair_score(a: SlotView, b: SlotView) -> float:
    if (a.kind == "list") != (b.kind == "list") or (a.kind == "choice") != (b.kind == "choice"):
        return 0.0
    label = similarity(Keys.of(a.label), Keys.of(b.label), subset=True)
    if a.column or b.column:
        col = similarity(Keys.of(a.column), Keys.of(b.column)) if a.column and b.column else 0.5
        label = 0.7 * label + 0.3 * col
    if a.type == b.type and a.type in RARE_TYPES:
        label = max(label, MIN_PAIR + 0.05)  # two date blanks at the same place of the form
    return label


def align(a: Sequence[SlotView], b: Sequence[SlotView]) -> list[tuple[int, int]]:
    """Index pairs (i, j) of the best order-preserving alignment of `a` with `b` (weighted LCS, gain
    `score - MIN_PAIR` for pairs at or above MIN_PAIR)."""
    n, m = len(a), len(b)
    gain = np.full((n, m), -np.inf)
    for i in range(n):
        for j in range(m):
            s = _pair_score(a[i], b[j])
            if s >= MIN_PAIR:
                gain[i, j] = s - MIN_PAIR + 1e-3
    best = np.zeros((n + 1, m + 1))
    for i in range(1, n + 1):
        for j in range(1, m + 1):
            best[i, j] = max(best[i - 1, j], best[i, j - 1], best[i - 1, j - 1] + gain[i - 1, j - 1])
    pairs = []
    i, j = n, m
    while i > 0 and j > 0:
        if best[i, j] == best[i - 1, j]:
            i -= 1
        elif best[i, j] == best[i, j - 1]:
            j -= 1
        else:
            pairs.append((i - 1, j - 1))
            i, j = i - 1, j - 1
    return pairs[::-1]


@dataclass
class Agreement:
    """How much of the checked form the draft reproduces, per checked slot."""

    checked: int
    aligned: int
    same_id: int
    same_type: int
    same_unit: int
    misses: list[str]  # one line per disagreement, for reports

    def rate(self, what: str) -> float:
        return getattr(self, what) / self.checked if self.checked else 0.0


def agreement(draft: Sequence[SlotView], checked: Sequence[SlotView]) -> Agreement:
    """Share of the checked slots whose aligned drafted slot has the same field id / type / unit."""
    pairs = align(draft, checked)
    same = {"id": 0, "type": 0, "unit": 0}
    misses = []
    for i, j in pairs:
        d, c = draft[i], checked[j]
        same["id"] += d.field == c.field
        same["type"] += d.type == c.type
        same["unit"] += (d.unit or None) == (c.unit or None)
        if d.field != c.field or d.type != c.type or (d.unit or None) != (c.unit or None):
            misses.append(f"{c.field} {c.type} {c.unit} <- {d.field} {d.type} {d.unit} | {c.label[:60]}")
    lost = set(range(len(checked))) - {j for _, j in pairs}
    misses += [f"{checked[j].field}: no drafted slot | {checked[j].label[:60]}" for j in sorted(lost)]
    return Agreement(len(checked), len(pairs), same["id"], same["type"], same["unit"], misses)


def id_map(draft: Sequence[SlotView], checked: Sequence[SlotView]) -> tuple[dict[str, str], dict[str, dict]]:
    """Drafted field id -> checked field id through the alignment, and per drafted choice field its option
    keys -> the checked option keys (by printed text, else by position)."""
    ids: dict[str, str] = {}
    options: dict[str, dict] = {}
    for i, j in align(draft, checked):
        d, c = draft[i], checked[j]
        ids.setdefault(d.field, c.field)
        if d.options and c.options:
            keys = {}
            for n, (dk, dt) in enumerate(d.options):
                k = Keys.of(dt)
                scored = [(similarity(k, Keys.of(ct)), ck) for ck, ct in c.options]
                sc, ck = max(scored, key=lambda p: p[0])
                keys[dk] = ck if sc >= MIN_PAIR or n >= len(c.options) else c.options[n][0]
            options[d.field] = keys
    return ids, options
