"""Remembered one-to-one assignments of a return's slots (`matching.Matcher._assigned`).

What the assignment gives a return (each slot's field, score, margin, candidates) depends on its score matrix, its
slots' document order and the detected form alone, and each score row on its slot's score key (wording, kind of
typed value, weakness). A plan is kept by (form, the slots' score keys, their order) in a compact form: the keys
as small ids (each distinct key once), the numbers in numpy arrays (float64 holds every Python float bit for bit,
-0.0 included), field names as codes. Bounded: past MAX plans the memory starts again.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from typing import Any

import numpy as np


class Plan:
    """One remembered assignment: for slot i, the column taken (-1: none), its score, margin, whether the column is
    the detected form's, and its candidates (field code, rounded score) at [starts[i], starts[i + 1])."""

    __slots__ = ("columns", "scores", "margins", "priors", "starts", "codes", "values")

    def __init__(self, columns: list[int], scores: list[float], margins: list[float], priors: list[bool],
                 cands: Sequence[Sequence[tuple[int, float]]]) -> None:
        self.columns = np.array(columns, dtype=np.intp)
        self.scores = np.array(scores, dtype=np.float64)
        self.margins = np.array(margins, dtype=np.float64)
        self.priors = np.array(priors, dtype=bool)
        self.starts = np.cumsum([0] + [len(c) for c in cands], dtype=np.intp)
        self.codes = np.array([code for c in cands for code, _v in c], dtype=np.intp)
        self.values = np.array([v for c in cands for _code, v in c], dtype=np.float64)

    @classmethod
    def of_arrays(cls, columns: np.ndarray, scores: list[float], margins: list[float], priors: list[bool],
                  counts: np.ndarray, codes: np.ndarray, values: np.ndarray) -> Plan:
        """The plan whose slot i has `counts[i]` candidates, their field codes and rounded scores the next ones of
        `codes` and `values` (already arrays: no Python pair per candidate)."""
        plan = cls.__new__(cls)
        plan.columns = np.asarray(columns, dtype=np.intp)
        plan.scores = np.array(scores, dtype=np.float64)
        plan.margins = np.array(margins, dtype=np.float64)
        plan.priors = np.array(priors, dtype=bool)
        plan.starts = np.zeros(len(counts) + 1, dtype=np.intp)
        np.cumsum(counts, out=plan.starts[1:])
        plan.codes = np.asarray(codes, dtype=np.intp)
        plan.values = np.asarray(values, dtype=np.float64)
        return plan

    def rows(self, names: Sequence[str]) -> list[tuple[int, float, float, bool, list[tuple[str, float]]]]:
        """(column, score, margin, prior, candidates as (field name, score)) of each slot, as Python values."""
        starts = self.starts.tolist()
        pairs = list(zip([names[c] for c in self.codes.tolist()], self.values.tolist(), strict=True))
        return [(j, score, margin, prior, pairs[starts[i]:starts[i + 1]])
                for i, (j, score, margin, prior) in enumerate(zip(self.columns.tolist(), self.scores.tolist(),
                                                                  self.margins.tolist(), self.priors.tolist(),
                                                                  strict=True))]


class Assignments:
    """Plans by (form, score keys, order); each distinct score key is held once, as an id."""

    MAX = 256  # plans kept (a few KB each); past it the memory starts again
    MAX_IDS = 65536  # distinct score keys held

    def __init__(self) -> None:
        self.ids: dict[Hashable, int] = {}
        self.plans: dict[tuple[Any, ...], Plan] = {}

    def clear(self) -> None:
        self.ids.clear()
        self.plans.clear()

    def key(self, form_id: str | None, keys: Sequence[Hashable], order: Sequence[int]) -> tuple[Any, ...]:
        """The memory's key of a return whose slots have these score keys, in this document order (slot indexes
        sorted by position). Two returns get equal keys exactly when their forms, keys and orders are equal."""
        ids = self.ids
        got = list(map(ids.get, keys))
        if None in got:
            for n, k in enumerate(keys):
                if got[n] is None:
                    got[n] = ids.setdefault(k, len(ids))
        return form_id, tuple(got), tuple(order)

    def get(self, key: tuple[Any, ...]) -> Plan | None:
        return self.plans.get(key)

    def put(self, key: tuple[Any, ...], plan: Plan, keys: Sequence[Hashable]) -> None:
        """Keep `plan` under `key` (made by `key` of these score `keys`)."""
        if len(self.plans) >= self.MAX or len(self.ids) >= self.MAX_IDS:
            self.clear()  # (the ids go too, so the key is made again under the new numbering)
            key = self.key(key[0], keys, key[2])
        self.plans[key] = plan
