"""Matching's cheaper steps give the numbers of the plain computation, bit for bit: a list table's fit
(`Matcher._list_fit`: each row's best once, the mean of the pairs by one gather, the checks it does not need
skipped) and the unit adjustments (`Matcher._unit_adjust`: every slot's steps taken off at once). The plain
computations are the code before them, kept here."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from extractor.catalogue import load_catalogue
from extractor.matching import Matcher, _aligned_pairs, _greedy_pairs, _list_columns, _pairs_mean
from extractor.slots import Slot
from extractor.text.normalize import fold


def _plain_list_fit(m: Matcher, headers: list[str], cols: list, mat: np.ndarray):
    one_form = len({t.form for t in cols}) == 1
    strong = int((mat.max(axis=1) >= m.cfg["list_column_min"]).sum())
    same_shape = len(headers) == len(cols) and float(mat.max(axis=1).mean()) >= 0.6
    if strong < 1:
        return None
    if len(headers) == len(cols) and one_form:
        pairs = list(enumerate(range(len(cols))))
    else:
        pairs = _greedy_pairs(mat)
        crossed = any(j2 < j1 for (_, j1), (_, j2) in zip(pairs, pairs[1:], strict=False))
        crossed = crossed and one_form
        aligned = _aligned_pairs(mat) if crossed else []
        if crossed and len(aligned) >= len(pairs):
            pairs = aligned
        same_shape = len(pairs) == len(cols) >= 2 and float(np.mean([mat[i, j] for i, j in pairs])) >= 0.6
    if not pairs or (strong < 2 and not same_shape):
        return None
    return {headers[i]: cols[j] for i, j in pairs}, float(np.mean([mat[i, j] for i, j in pairs]))


@pytest.fixture(scope="module")
def matcher() -> Matcher:
    return Matcher(load_catalogue())


def _same_float(a: float, b: float) -> bool:
    return np.array_equal(np.float64(a), np.float64(b)) and np.signbit(a) == np.signbit(b)


@settings(max_examples=300, deadline=None)
@given(st.integers(0, 2**32 - 1), st.integers(1, 7), st.sampled_from([2, 5, 50]),
       st.sampled_from([np.float32, np.float64]), st.booleans())
def test_list_fit_equals_the_plain_computation(matcher: Matcher, seed: int, n_headers: int, levels: int,
                                               dtype: type, mixed: bool) -> None:
    """Any similarity matrix (few score levels: ties; float32 and float64), lists of one form and of several."""
    rng = np.random.default_rng(seed)
    lists = list(matcher.tpl.lists.values())
    tslots = lists[int(rng.integers(len(lists)))]
    form = tslots[0].form
    cols = _list_columns(tslots, None if mixed else form)
    if mixed and len({t.form for t in tslots}) > 1:
        cols = sorted(tslots, key=lambda t: t.index)[: max(2, len(cols))]
    headers = [f"h{n}" for n in range(n_headers)]
    mat = (rng.integers(0, levels + 1, size=(n_headers, len(cols))) / levels).astype(dtype)
    fast = matcher._list_fit(headers, tslots, form, mat, cols)
    plain = _plain_list_fit(matcher, headers, cols, mat)
    assert (fast is None) == (plain is None)
    if fast is not None and plain is not None:
        assert fast[0] == plain[0]
        assert _same_float(fast[1], plain[1])


@settings(max_examples=200, deadline=None)
@given(st.integers(0, 2**32 - 1), st.integers(1, 12), st.sampled_from([np.float32, np.float64]))
def test_pairs_mean_equals_numpy_mean_of_the_scalars(seed: int, n: int, dtype: type) -> None:
    rng = np.random.default_rng(seed)
    mat = rng.normal(size=(8, 9)).astype(dtype)
    pairs = [(int(rng.integers(8)), int(rng.integers(9))) for _ in range(n)]
    assert _same_float(_pairs_mean(mat, pairs), float(np.mean([mat[i, j] for i, j in pairs])))


def _plain_unit_adjust(m: Matcher, S: np.ndarray, slots: list[Slot], view) -> None:
    by_unit: dict[str, list[int]] = {}
    for i, s in enumerate(slots):
        if s.unit_text:
            by_unit.setdefault(s.unit_text, []).append(i)
    for unit, rows in by_unit.items():
        agree, clash = view.unit_columns(fold(unit))
        if agree.size:
            S[np.ix_(rows, agree)] += m.cfg["unit_agree_bonus"]
        if clash.size:
            S[np.ix_(rows, clash)] -= m.cfg["unit_clash_penalty"]


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_unit_adjust_equals_the_per_unit_steps(matcher: Matcher, dtype: type) -> None:
    """Every unit of the catalogue (and two spellings folding alike, one no template prints), on rows holding
    -0.0, 0.0, infinities and odd values."""
    units = sorted({t.unit for t in matcher.tpl.slots if t.unit}) + ["Người", "xyz", None]
    slots = [Slot(kind="blank", label=f"s{n}", unit_text=u, order=n) for n, u in enumerate(units * 2)]
    rng = np.random.default_rng(3)
    form = matcher.tpl.slots[0].form
    for view in (matcher.tpl.all, matcher.tpl.view(form, True), matcher.tpl.view(form, False)):
        S = rng.normal(size=(len(slots), view.idx.size)).astype(dtype)
        S[:, ::7] = -0.0
        S[:, 1::11] = 0.0
        S[0, :3] = [np.inf, -np.inf, 1e-8]
        fast, plain = S.copy(), S.copy()
        matcher._unit_adjust(fast, slots, view)
        _plain_unit_adjust(matcher, plain, slots, view)
        assert fast.dtype == plain.dtype
        assert np.array_equal(fast, plain) and np.array_equal(np.signbit(fast), np.signbit(plain))
        assert not np.array_equal(fast, S)  # (the units did something)


def test_column_hit_is_none_exactly_when_no_column_is_written_inside(matcher: Matcher) -> None:
    """One search for any column decides the rows with no hit (every value 0.3); the others are the plain test of
    each column. Over every folded label and context of the catalogue, the columns themselves and a few made
    texts (a column at the very start or end, inside a word, an empty text)."""
    tpl = matcher.tpl
    cols = [col for _j, col in tpl.col_folded]
    texts = {fold(t.context or t.label) for t in tpl.slots} | {fold(t.label) for t in tpl.slots} | set(cols)
    texts |= {"", "x", cols[0] + " tong so", "tong so " + cols[-1], "ab" + cols[len(cols) // 2] + "cd"}
    seen = {True: 0, False: 0}
    for ctx in sorted(texts):
        plain = np.array([1.0 if col and col in ctx else 0.3 for col in cols])
        hit = tpl.column_hit(ctx)
        assert (hit is None) == bool((plain == 0.3).all())
        assert np.array_equal(tpl.column_in(ctx), plain) and tpl.column_in(ctx).dtype == plain.dtype
        seen[hit is None] += 1
    assert seen[True] and seen[False]
