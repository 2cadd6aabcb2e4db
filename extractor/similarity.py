"""Label similarity matrices, with each distinct text scored once against a fixed list and remembered.

    sim_matrix(a, b, subset) -> (len(a), len(b)) float32 array

sim(a, b) = max over the tone key and the diacritic-free key (weight 0.98) of (ratio + token_sort_ratio) / 200,
and, with `subset`, of 0.8 · token_set_ratio / 100 (a label holding all the words of the other scores well).

Most of the time of a return goes into these fuzzy scores, and most of the texts are the same from one
return to the next (the printed labels of a form). So the right-hand list `b` (template labels, contexts,
sections, …) gets a `SimTable` once, and each text of `a` is scored against all of `b`'s distinct texts the
first time it is seen; later returns reuse the row. The rows are the very numbers a fresh computation gives
(the same rapidfuzz call on the same pair, then the same float32 arithmetic elementwise).
"""

from __future__ import annotations

import functools
from collections.abc import Sequence

import numpy as np
from rapidfuzz import fuzz, process

from extractor.catalogue import Keys

SUBSET_WEIGHT = 0.8
ATTRS = (("tone", 1.0), ("folded", 0.98))
MAX_CELLS = 2**20  # remembered scores per table and key kind (4 MB); past it the table starts again


class SimTable:
    """Similarity of any text to the fixed texts of `b`, one remembered row per distinct text."""

    def __init__(self, b: Sequence[tuple[str, str]], subset: bool) -> None:
        self.subset = subset
        self.targets: list[list[str]] = []
        self.inverse: list[np.ndarray] = []
        for n in range(len(ATTRS)):
            qb, ib = np.unique([k[n] for k in b], return_inverse=True)
            self.targets.append(list(qb))
            self.inverse.append(ib.ravel())
        self.rows: list[dict[str, np.ndarray]] = [{} for _ in ATTRS]

    def _rows(self, n: int, texts: list[str]) -> np.ndarray:
        """Rows of key kind `n` for `texts` (distinct), computing the missing ones in one batch."""
        cache = self.rows[n]
        missing = [t for t in texts if t not in cache]
        if missing:
            qb = self.targets[n]
            if (len(cache) + len(missing)) * max(1, len(qb)) > MAX_CELLS:
                cache.clear()
            weight = ATTRS[n][1]
            m = (process.cdist(missing, qb, scorer=fuzz.ratio, workers=1)
                 + process.cdist(missing, qb, scorer=fuzz.token_sort_ratio, workers=1)) / 200.0 * weight
            if self.subset:
                m = np.maximum(m, process.cdist(missing, qb, scorer=fuzz.token_set_ratio, workers=1) / 100.0
                               * SUBSET_WEIGHT)
            for t, row in zip(missing, m, strict=True):
                cache[t] = row
        return np.stack([cache[t] for t in texts])

    def matrix(self, a: Sequence[Keys]) -> np.ndarray:
        out = None
        for n, (attr, _weight) in enumerate(ATTRS):
            qa, ia = np.unique([getattr(k, attr) for k in a], return_inverse=True)
            m = self._rows(n, list(qa))[np.ix_(ia.ravel(), self.inverse[n])]
            out = m if out is None else np.maximum(out, m)
        assert out is not None
        return out


@functools.lru_cache(maxsize=32)
def _table(b: tuple[tuple[str, str], ...], subset: bool) -> SimTable:
    return SimTable(b, subset)


def sim_matrix(a: Sequence[Keys], b: Sequence[Keys], subset: bool = True) -> np.ndarray:
    """max(tone, folded) of (ratio + token_sort_ratio) / 200 for every pair (and, with `subset`, of a
    capped token_set_ratio); rows of texts already seen against the same `b` are reused."""
    if not a or not b:
        return np.zeros((len(a), len(b)))
    return _table(tuple((k.tone, k.folded) for k in b), subset).matrix(a)
