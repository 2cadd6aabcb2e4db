"""Remembered values of the label-similarity tables (extractor.similarity, extractor.narrow) are the ones a fresh
computation gives: narrowed texts from the memo, a target list's own table, the tables of the pair scores when
they are big enough not to start again, the target index built at once."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rapidfuzz import fuzz, process

from extractor import narrow as narrowing
from extractor import similarity
from extractor.catalogue import Keys

_WORDS = st.sampled_from(["số", "so", "sổ", "lượng", "luong", "cán", "bộ", "bo", "tổng", "máy", "tính", "a", "ab",
                          "ba", "b", "tỷ", "lệ", "đi", "điện", "tử", "x", "ÿ", "Ω", "中", "\U0001f600"])
_TEXT = st.one_of(st.lists(_WORDS, max_size=7).map(" ".join), st.text(st.characters(), max_size=20))


@settings(max_examples=150, deadline=None)
@given(st.lists(st.lists(_TEXT, max_size=6), min_size=1, max_size=5), st.integers(min_value=1, max_value=8))
def test_remembered_narrowed_texts_equal_fresh_ones(batches: list[list[str]], cap: int) -> None:
    """Through the memo (a small one too: it starts again within a call) every text narrows as in one fresh
    pass over all the texts."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(narrowing, "MAX_MEMO", cap)
        got = [narrowing.narrowed(b) for b in batches]
    flat = [t for b in batches for t in b]
    fresh = narrowing._narrowed(flat)
    assert [t for b in got for t in b] == fresh


def test_memo_follows_the_stand_in_tables(monkeypatch: pytest.MonkeyPatch) -> None:
    narrowing.narrowed(["aé"])
    fresh = np.full(0x10000, narrowing._UNSET, dtype=np.uint32)
    fresh[:128] = np.arange(128)
    monkeypatch.setattr(narrowing, "_LOOKUP", fresh)
    monkeypatch.setattr(narrowing, "_STAND_INS", {})
    assert narrowing.narrowed(["ê", "aé"]) == ["\x81", "a\x80"]  # (new ones in code order, not the memo)


def _keys(texts: list[str]) -> list[Keys]:
    return [Keys(t, t.replace("ố", "o").replace("ộ", "o")) for t in texts]


def test_targets_find_the_table_of_their_pairs(monkeypatch: pytest.MonkeyPatch) -> None:
    """A Targets remembers its table while `_TABLES` holds it; once `_TABLES` is cleared or replaced it looks
    again, and its scores are always those of a plain list of the same keys."""
    monkeypatch.setattr(similarity, "_TABLES", {})
    b = similarity.Targets(_keys(["số cán bộ", "tổng số", "số cán bộ", "máy tính"]))
    a = _keys(["số bộ", "tổng", "máy"])
    plain = similarity.sim_matrix(a, list(b))
    table = similarity._table(b.pairs, True)
    assert np.array_equal(similarity.sim_matrix(a, b), plain)
    assert b.tables[True][2] is table
    monkeypatch.setattr(similarity, "MAX_TABLES", 1)
    similarity.sim_matrix(a, _keys(["khác"]))  # clears `_TABLES`
    assert similarity._table(b.pairs, True) is not table
    again = similarity.sim_matrix(a, b)
    assert np.array_equal(again, plain) and b.tables[True][2] is similarity._TABLES[b.pairs, True]
    monkeypatch.setattr(similarity, "_TABLES", {})
    assert np.array_equal(similarity.sim_matrix(a, b, subset=False), similarity.sim_matrix(a, list(b), False))
    assert b.tables[False][2] is similarity._TABLES[b.pairs, False]
    import pickle
    copy = pickle.loads(pickle.dumps(b))
    assert copy == b and copy.pairs == b.pairs and copy.tables == {}


@settings(max_examples=100, deadline=None)
@given(st.lists(st.lists(_WORDS, max_size=6).map(" ".join), min_size=1, max_size=10),
       st.lists(st.lists(_WORDS, max_size=6).map(" ".join), min_size=1, max_size=6))
def test_token_set_targets_equal_rapidfuzz(qb: list[str], qa: list[str]) -> None:
    got = similarity._TokenSetTargets(qb).scores(qa)
    want = process.cdist(qa, qb, scorer=fuzz.token_set_ratio, workers=1)
    assert got.dtype == want.dtype and np.array_equal(got, want)


def test_table_targets_in_np_unique_order() -> None:
    b = [("b a", "b a"), ("a", "a"), ("c", "c"), ("a", "a"), ("ä", "a")]
    table = similarity.SimTable(b, True)
    for n in range(2):
        qb, ib = np.unique([k[n] for k in b], return_inverse=True)
        assert table.targets[n] == list(qb) and np.array_equal(table.inverse[n], ib.ravel())
        assert all(type(t) is str for t in table.targets[n])
