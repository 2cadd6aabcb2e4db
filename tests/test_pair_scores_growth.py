"""`similarity._PairScores` keeps its rows when new target columns outgrow its matrix: a table registering more
columns after many texts were scored (the rows in use times the new width past MAX_PAIR_CELLS) gets the very
numbers a fresh computation gives, and no row is lost or mixed up."""

import numpy as np

from extractor import similarity


def _plain(qa: list[str], qb: list[str]) -> np.ndarray:
    return similarity._sort_scores(qa, qb, None, 1.0)


def test_columns_growing_past_the_cap_keep_the_rows(monkeypatch) -> None:
    monkeypatch.setattr(similarity, "MAX_PAIR_CELLS", 64 * 400)
    pairs = similarity._PairScores(1.0)
    first = [f"số máy tính {n}" for n in range(20)]
    texts = [f"cán bộ công chức số {n} đơn vị" for n in range(200)]
    cols = pairs.register(first)
    got = pairs.scores(texts, first, cols, None, (similarity.narrowed(first), None))
    assert np.array_equal(got, _plain(texts, first))
    # 300 more targets: 200 rows in use x 320 columns is past the cap of 25 600 cells
    more = [f"phần mềm dùng chung {n}" for n in range(300)]
    cols_more = pairs.register(more)
    assert pairs.values.shape[0] >= 200
    again = pairs.scores(texts, first, cols, None, (similarity.narrowed(first), None))
    assert np.array_equal(again, got)  # the kept rows: the first scores, gathered
    fresh = pairs.scores(texts[:10], more, cols_more, None, (similarity.narrowed(more), None))
    assert np.array_equal(fresh, _plain(texts[:10], more))


def test_new_texts_known_texts_and_rows_started_again(monkeypatch) -> None:
    """Texts new to every table (scored straight, `_row_ids`' first new row), texts already scored against other
    targets, a mix of both, and texts whose rows start again past the cap: each score a fresh computation's, and
    the gathered ones the same afterwards."""
    monkeypatch.setattr(similarity, "MAX_PAIR_CELLS", 64 * 100)
    pairs = similarity._PairScores(1.0)
    a = [f"số máy tính {n}" for n in range(12)]
    b = [f"tính số {n} máy chủ" for n in range(12)] + a[:4]
    cols_a, cols_b = pairs.register(a), pairs.register(b)
    narrow_a, narrow_b = (similarity.narrowed(a), None), (similarity.narrowed(b), None)
    texts = [f"số {n} máy tính bảng" for n in range(30)]
    assert np.array_equal(pairs.scores(texts[:10], a, cols_a, None, narrow_a), _plain(texts[:10], a))  # new
    assert np.array_equal(pairs.scores(texts[:10], b, cols_b, None, narrow_b), _plain(texts[:10], b))  # known
    assert np.array_equal(pairs.scores(texts[5:20], b, cols_b, None, narrow_b), _plain(texts[5:20], b))  # mixed
    # (the matrix is 256 columns wide: 25 rows at most, so these rows start again, and again below)
    assert np.array_equal(pairs.scores(texts[20:], a, cols_a, None, narrow_a), _plain(texts[20:], a))
    assert len(pairs.rows) == 10
    rows_before = dict(pairs.rows)
    assert np.array_equal(pairs.scores(texts[:25], a, cols_a, None, narrow_a), _plain(texts[:25], a))
    assert pairs.rows != rows_before
    assert np.array_equal(pairs.scores(texts[:25], b, cols_b, None, narrow_b), _plain(texts[:25], b))
