"""similarity._cdist: a long text against a short target scored from the target's side (rapidfuzz scores
queries of up to SIMD_LENGTH characters in SIMD lanes) gives the very matrix of rapidfuzz's own cdist, whether
the call is split (`_split_cdist`, also forced here) or not."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rapidfuzz import fuzz, process
from rapidfuzz.distance import Indel

from extractor import similarity
from extractor.narrow import narrowed
from tests.similarity_state import catalogue_labels

_SCORERS = (fuzz.ratio, Indel.distance)
_WORDS = st.sampled_from(["số", "so", "sổ", "lượng", "luong", "cán", "bộ", "tổng", "máy", "tính", "a", "ab", "b",
                          "điện", "tử", "dien", "x", "Ω", "中", "\U0001f600", "ß"])
# word lists across SIMD_LENGTH (up to ~160 characters), and any characters
_TEXT = st.one_of(st.lists(_WORDS, max_size=40).map(" ".join), st.text(st.characters(), max_size=150))


def _check(qa: list[str], qb: list[str]) -> None:
    for texts_a, texts_b in ((qa, qb), (narrowed(qa), narrowed(qb))):
        for scorer in _SCORERS:
            want = process.cdist(texts_a, texts_b, scorer=scorer, workers=1)
            la = np.array([len(t) > similarity.SIMD_LENGTH for t in texts_a], dtype=bool)
            lb = np.array([len(t) > similarity.SIMD_LENGTH for t in texts_b], dtype=bool)
            for got in (similarity._cdist(texts_a, texts_b, scorer),  # (split where it pays)
                        similarity._split_cdist(texts_a, texts_b, scorer, la, lb)):  # (split always)
                assert got.dtype == want.dtype and got.shape == want.shape and np.array_equal(got, want)


@settings(max_examples=300, deadline=None)
@given(st.lists(_TEXT, max_size=8), st.lists(_TEXT, max_size=12))
def test_cdist_equals_rapidfuzz(qa: list[str], qb: list[str]) -> None:
    _check(qa, qb)


@pytest.mark.parametrize("lengths_a, lengths_b", [
    ([65], [64]), ([64, 65], [0, 1, 64, 65]), ([200, 65], [3]), ([100], [100, 120]), ([0, 130], [64, 65, 0]),
    ([], [70]), ([70], []), ([10], [70])])
def test_cdist_at_the_simd_length(lengths_a: list[int], lengths_b: list[int]) -> None:
    text = "số lượng cán bộ chuyên trách công nghệ thông tin ab ba " * 5
    _check([text[i % 7:i % 7 + n] for i, n in enumerate(lengths_a)],
           [text[i % 5:i % 5 + n][::-1] for i, n in enumerate(lengths_b)])


def test_cdist_on_catalogue_labels() -> None:
    """Label keys and long texts made of them (sentences, contexts), both key kinds."""
    labels = catalogue_labels()
    for kind in ("tone", "folded"):
        keys = [getattr(k, kind) for k in labels]
        long = [" ".join(keys[i:i + 4]) for i in range(0, len(keys), 9)]
        assert max(map(len, long)) > similarity.SIMD_LENGTH and min(map(len, keys)) <= similarity.SIMD_LENGTH
        qa, qb = keys[::3] + long[:40], keys[1::2] + long[40:80]
        la = np.array([len(t) > similarity.SIMD_LENGTH for t in qa])
        lb = np.array([len(t) > similarity.SIMD_LENGTH for t in qb])
        assert (lb.size - lb.sum()) * (la.sum() * similarity.PAIR_GAIN - similarity.QUERY_SETUP) \
            > similarity.SPLIT_COST  # (`_cdist` splits this one)
        _check(qa, qb)


@pytest.mark.parametrize("split", [[True, False, True], [False, False, False], [True, True, True]])
def test_split_cdist_whatever_the_split(split: list[bool]) -> None:
    """The numbers never depend on which columns go which way (a remembered `_long_targets` of a list changed since
    gives a wrong split, never a wrong number)."""
    qa = ["số lượng cán bộ chuyên trách " * 3, "máy tính", "tổng số máy tính được trang bị tại đơn vị năm nay " * 2]
    qb = ["số lượng", "cán bộ chuyên trách công nghệ thông tin của đơn vị trong năm báo cáo này ạ", "máy"]
    for scorer in _SCORERS:
        want = process.cdist(qa, qb, scorer=scorer, workers=1)
        for rows in ([True, False, True], [True, True, True]):
            got = similarity._split_cdist(qa, qb, scorer, np.array(rows), np.array(split))
            assert np.array_equal(got, want)


def test_long_targets_remembered_per_list() -> None:
    qb = ["a" * 70, "b"]
    long, count = similarity._long_targets(qb)
    assert long.tolist() == [True, False] and count == 1
    assert similarity._long_targets(qb)[0] is long  # (remembered)
    qb.append("c" * 65)  # (a list changed in place: its length tells)
    long, count = similarity._long_targets(qb)
    assert long.tolist() == [True, False, True] and count == 2
