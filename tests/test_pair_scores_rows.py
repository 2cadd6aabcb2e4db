"""_PairScores stores a batch of new (distinct) texts' scores in a slice of its rows: the scores gathered later are
the very numbers of a fresh computation, also when the rows start again."""

from __future__ import annotations

import numpy as np
import pytest

from extractor import similarity
from extractor.narrow import narrowed
from tests.similarity_state import catalogue_labels


@pytest.mark.parametrize("cells", [2**21, 600 * 20])  # room for all; the rows start again
def test_stored_rows_equal_a_fresh_computation(monkeypatch: pytest.MonkeyPatch, cells: int) -> None:
    monkeypatch.setattr(similarity, "MAX_PAIR_CELLS", cells)
    labels = [k.tone for k in catalogue_labels()]
    qb = sorted(set(labels[::2]))
    qb_sorted = [similarity._sorted_tokens(t) for t in qb]
    narrow = (narrowed(qb), narrowed(qb_sorted))
    pairs = similarity._PairScores(0.98)
    cols = pairs.register(qb)
    first = labels[1:40:3]
    want = similarity._sort_scores(first, qb, qb_sorted, 0.98, narrow)
    assert np.array_equal(pairs.scores(first, qb, cols, qb_sorted, narrow), want)  # (new texts: stored)
    again = labels[1:60:3]  # (the stored rows gathered, the rest scored)
    got = pairs.scores(again, qb, cols, qb_sorted, narrow)
    assert np.array_equal(got, similarity._sort_scores(again, qb, qb_sorted, 0.98, narrow))
    part = qb[5:40]  # (another table's targets: a part of the columns)
    got = pairs.scores(first, part, pairs.register(part), [similarity._sorted_tokens(t) for t in part],
                       (narrowed(part), narrowed([similarity._sorted_tokens(t) for t in part])))
    assert np.array_equal(got, want[:, 5:40])
    assert np.array_equal(pairs.scores(again[::-1], qb, cols, qb_sorted, narrow),
                          similarity._sort_scores(again[::-1], qb, qb_sorted, 0.98, narrow))
