"""The floor's gathers (`similarity._runs`, `_least`) and the distinct sorted words (`_words`, from the sorted
tokens): the same numbers and words as the plain formulations."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from extractor import similarity


def _plain_least(full: np.ndarray, rows: np.ndarray, cols: np.ndarray, shape: tuple[int, int]) -> np.ndarray:
    """Each (row id, column id)'s least over the cells holding them, cell by cell."""
    out = np.full(shape, np.inf, dtype=full.dtype)
    for i, r in enumerate(rows.tolist()):
        for j, c in enumerate(cols.tolist()):
            out[r, c] = min(out[r, c], full[i, j])
    return out


def _ids(count: int) -> st.SearchStrategy[np.ndarray]:
    """Ids 0 .. count - 1, each held once at least, in any order, some twice or more."""
    return st.lists(st.integers(0, count - 1), max_size=6).flatmap(
        lambda extra: st.permutations(list(range(count)) + extra)).map(lambda ids: np.array(ids, dtype=np.intp))


@settings(max_examples=300, deadline=None)
@given(st.integers(1, 5).flatmap(lambda n: st.tuples(st.just(n), _ids(n))),
       st.integers(1, 5).flatmap(lambda m: st.tuples(st.just(m), _ids(m))), st.randoms())
def test_least_equals_the_least_cell_by_cell(rows: tuple[int, np.ndarray], cols: tuple[int, np.ndarray],
                                             rnd: object) -> None:
    (n, row_ids), (m, col_ids) = rows, cols
    full = np.array([[rnd.random() for _ in col_ids] for _ in row_ids], dtype=np.float32)  # type: ignore[attr-defined]
    got = similarity._least(full, similarity._runs(row_ids, n), similarity._runs(col_ids, m))
    assert np.array_equal(got, _plain_least(full, row_ids, col_ids, (n, m)))


def test_ids_in_order_are_not_gathered() -> None:
    ids = np.arange(4, dtype=np.intp)
    assert similarity._runs(ids, 4) == (None, None)
    full = np.ones((4, 4), dtype=np.float32)
    assert similarity._least(full, similarity._runs(ids, 4), similarity._runs(ids, 4)) is full
    order, starts = similarity._runs(np.array([1, 0, 2], dtype=np.intp), 3)
    assert order is not None and starts is None


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(["số", "so", "a", "ab", "b", "đi", "điện", "x", "ß", "Z", "z", "1"]), max_size=8))
def test_words_are_the_sorted_distinct_words(words: list[str]) -> None:
    text = " ".join(words)
    similarity._words.cache_clear()
    assert similarity._words(text) == (tuple(sorted(set(text.split(" ")))) if text else ())
