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


def test_spread_of_rows_in_order_is_the_grid() -> None:
    m = np.arange(12, dtype=np.float32).reshape(3, 4)
    cols = np.array([3, 0, 0, 2, 1], dtype=np.intp)
    assert np.array_equal(similarity._spread(m, None, cols), similarity.grid(m, np.arange(3), cols))
    rows = np.array([2, 0, 2], dtype=np.intp)
    assert np.array_equal(similarity._spread(m, rows, cols), similarity.grid(m, rows, cols))


def test_keys_sharing_a_folded_text_and_keys_in_order_score_as_each_pair() -> None:
    """A batch whose folded texts repeat (rows gathered) and one whose texts are all distinct (rows in order):
    each row the one its key alone gets."""
    from extractor.catalogue import Keys

    b = [Keys.of(t) for t in ("số máy tính", "sổ tay", "tính số", "máy chủ số", "sở hữu")]
    a = [Keys.of(t) for t in ("so may tinh", "số máy tính", "sổ máy tính", "sở máy tính", "tay sổ", "chủ máy")]
    assert len({k.folded for k in a}) < len(a)
    for subset in (False, True):
        table = similarity.SimTable([(k.tone, k.folded) for k in b], subset)
        together = table.matrix(a)
        for k, row in zip(a, together, strict=True):
            alone = similarity.SimTable([(k.tone, k.folded) for k in b], subset).matrix([k])
            assert np.array_equal(alone[0], row)
