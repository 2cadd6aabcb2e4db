"""Token-set scores from word counts and lengths (similarity._TokenSetTargets): the very float32 numbers of
rapidfuzz's `token_set_ratio`, and, with a floor, the very numbers of `max(floor, 0.8 * score / 100)`."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rapidfuzz import fuzz, process

from extractor import similarity
from extractor.catalogue import Keys, load_catalogue
from tests.similarity_state import catalogue_labels, fresh_tables

# words sharing letters, prefixes of one another, with and without tones: repeats, "" and one-word texts come too
_WORDS = st.sampled_from(["số", "so", "sổ", "lượng", "luong", "cán", "bộ", "bo", "tổng", "máy", "tính", "a", "ab",
                          "ba", "b", "tỷ", "lệ", "đi", "điện", "tử", "dien", "tu", "x", "xy"])
_TEXT = st.lists(_WORDS, max_size=9).map(" ".join)


def _plain(qa: list[str], qb: list[str]) -> np.ndarray:
    return process.cdist(qa, qb, scorer=fuzz.token_set_ratio, workers=1)


def _weighted(floor: np.ndarray, scores: np.ndarray) -> np.ndarray:
    return np.maximum(floor, scores / 100.0 * similarity.SUBSET_WEIGHT)


def _floor(qa: list[str], qb: list[str]) -> np.ndarray:
    """What SimTable._add passes: (ratio + token_sort_ratio) / 200."""
    return (process.cdist(qa, qb, scorer=fuzz.ratio) + process.cdist(qa, qb, scorer=fuzz.token_sort_ratio)) / 200.0


@settings(max_examples=300, deadline=None)
@given(st.lists(_TEXT, min_size=1, max_size=8), st.lists(_TEXT, min_size=1, max_size=12, unique=True),
       st.lists(st.floats(0, 1, width=32), min_size=1, max_size=96))
def test_token_set_scores_equal_rapidfuzz(qa: list[str], qb: list[str], noise: list[float]) -> None:
    targets = similarity._TokenSetTargets(qb)
    plain = _plain(qa, qb)
    got = targets.scores(qa)
    assert got.dtype == plain.dtype and np.array_equal(got, plain)
    floor = _floor(qa, qb)
    assert np.array_equal(_weighted(floor, targets.scores(qa, floor)), _weighted(floor, plain))
    other = np.resize(np.array(noise, dtype=np.float32), plain.shape)  # any floor, ties with the scores included
    other = np.where(np.arange(other.size).reshape(other.shape) % 3 == 0, plain / 100.0 * 0.8, other)
    assert np.array_equal(_weighted(other, targets.scores(qa, other)), _weighted(other, plain))


def test_token_set_scores_on_catalogue_labels_equal_rapidfuzz() -> None:
    cat = load_catalogue()
    qb = sorted({k for f in cat.forms.values() for t in f.slots for k in (t.label_keys.tone, t.label_keys.folded)})
    qa = qb[::5] + [Keys.of(x).tone for x in ("Số lượng cán bộ công chức", "Tổng số máy tính", "", "máy")]
    targets = similarity._TokenSetTargets(qb)
    plain = _plain(qa, qb)
    assert np.array_equal(targets.scores(qa), plain)
    floor = _floor(qa, qb)
    assert np.array_equal(_weighted(floor, targets.scores(qa, floor)), _weighted(floor, plain))


def test_shared_and_contained_words() -> None:
    """The cases decided from lengths alone: no word (0), one text's words all in the other's (100), and a
    shared word with differences on both sides (rapidfuzz's `sect_ab_ratio` / `result`)."""
    qb = ["tổng số máy tính", "máy", "", "số lượng cán bộ"]
    qa = ["máy tính tổng số", "", "tính máy", "số lượng", "cán bộ số lượng chuyên trách", "tỷ lệ"]
    assert np.array_equal(similarity._TokenSetTargets(qb).scores(qa), _plain(qa, qb))


def _plain_matrix(a: list[Keys], b: list[Keys], subset: bool) -> np.ndarray:
    out = None
    for attr, weight in similarity.ATTRS:
        qa, qb = [getattr(k, attr) for k in a], [getattr(k, attr) for k in b]
        m = (process.cdist(qa, qb, scorer=fuzz.ratio) + process.cdist(qa, qb, scorer=fuzz.token_sort_ratio)) \
            / 200.0 * weight
        if subset:
            m = np.maximum(m, _plain(qa, qb) / 100.0 * similarity.SUBSET_WEIGHT)
        out = m if out is None else np.maximum(out, m)
    assert out is not None
    return out


@pytest.mark.parametrize("cells", [2**21, 64 * 44, 64 * 20])  # room for all; rows start again; columns too
def test_pair_scores_shared_by_tables_equal_a_fresh_computation(monkeypatch: pytest.MonkeyPatch, cells: int) -> None:
    """Tables with overlapping targets (detect_form's and a view's) gather the (ratio + token_sort) scores of
    pairs another table scored: the very numbers, also when the shared scores start again."""
    monkeypatch.setattr(similarity, "MAX_PAIR_CELLS", cells)
    fresh_tables(monkeypatch)
    labels = catalogue_labels()
    every = labels[:40]
    view, other = every[5:25], [Keys.of(x) for x in ("Tổng số máy tính", "Số lượng", "ghi rõ")] + every[30:36]
    texts = [Keys.of(x) for x in ("Tổng số máy tính được trang bị", "So luong can bo", "", "máy", "Số lượng",
                                  "Sổ lượng", "so luong")] + labels[::3]  # (three texts with one folded key)
    assert len(texts) > 100
    chunks = (texts[:3], texts[:60], texts, texts[50:], texts[90:], texts[20:70])
    tables = ((every, False), (view, True), (other, False), (view, False), (every + other, True))
    for step in range(len(chunks)):  # each table gets the chunks in its own order: texts it has not seen yet
        for t, (b, subset) in enumerate(tables):  # while another table has (or the shared scores started again)
            chunk = chunks[(step + t) % len(chunks)]
            assert np.array_equal(similarity.sim_matrix(chunk, b, subset), _plain_matrix(chunk, b, subset))


def test_least_over_the_keys_holding_each_text() -> None:
    rng = np.random.default_rng(7)
    for rows, cols in (([0, 1, 2], [2, 0, 1]), ([0, 1, 0, 2], [1, 1, 0]), ([1, 0], [0, 0, 0])):
        full = rng.random((len(rows), len(cols)), dtype=np.float32)
        shape = (max(rows) + 1, max(cols) + 1)
        expected = np.full(shape, np.inf, dtype=np.float32)
        for r, u in enumerate(rows):
            for c, v in enumerate(cols):
                expected[u, v] = min(expected[u, v], full[r, c])
        runs = similarity._runs(np.array(rows), shape[0]), similarity._runs(np.array(cols), shape[1])
        got = similarity._least(full, *runs)
        assert np.array_equal(got, expected)
