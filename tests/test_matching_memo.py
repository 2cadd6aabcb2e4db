"""The memos and shortcuts of matching (issue 18) give exactly what the plain computations give: the form guess
remembered by the set of a document's keys, the column hits computed once per distinct column text, the
alignment's traceback reading only the cells it passes, the candidates' scores rounded
in a few numpy steps (`rounded3`)."""

from __future__ import annotations

import math

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from extractor.catalogue import Keys, load_catalogue
from extractor.matching import _alignment_table, _guess_form, _templates, _traceback, detect_form, rounded3
from extractor.slots import Slot


def _slot(label: str, order: int) -> Slot:
    return Slot(kind="blank", label=label, context=label, section="", raw="12", order=order)


def test_a_remembered_form_guess_equals_a_fresh_one() -> None:
    cat = load_catalogue()
    form = next(iter(cat.forms.values()))
    labels = [t.label for t in form.slots if t.label][:30] + ["Một câu hỏi không có trong mẫu nào"]
    slots = [_slot(x, n) for n, x in enumerate(labels)]
    first = detect_form(slots, form.headings, cat)
    first.scores.clear()  # a caller changing its guess does not change the remembered one
    # the same keys in another order, one twice: the same set, so the remembered guess
    again = detect_form(list(reversed(slots)) + slots[:1], list(reversed(form.headings)), cat)
    keys = list({(k.tone, k.folded): k for k in [Keys.of(x) for x in labels + form.headings]}.values())
    fresh = _guess_form(keys, cat)
    assert (again.id, again.confidence, again.scores) == (fresh.id, fresh.confidence, fresh.scores)
    assert again.id == form.id and again.scores
    other = detect_form(slots[:3], [], cat)  # another set of keys: its own guess
    assert other.scores == _guess_form(list({(k.tone, k.folded): k for k in
                                              [Keys.of(x) for x in labels[:3]]}.values()), cat).scores


def test_column_hits_equal_the_plain_test_of_each_column() -> None:
    tpl = _templates(load_catalogue())
    texts = ["so luong can bo cap huyen", "cap tinh va cap xa", "", "tong so"] + [col for _j, col in tpl.col_folded[:5]]
    for ctx in texts:
        plain = np.array([1.0 if col and col in ctx else 0.3 for _j, col in tpl.col_folded])
        hit = tpl.column_in(ctx)
        assert hit.dtype == plain.dtype and np.array_equal(hit, plain)


def _plain_traceback(best: np.ndarray) -> list[tuple[int, int]]:
    """The traceback over the whole table as Python lists (as it was before it read only the cells it passes)."""
    pairs = []
    i, j = best.shape[0] - 1, best.shape[1] - 1
    b = best.tolist()
    while i > 0 and j > 0:
        if b[i][j] == b[i][j - 1]:
            j -= 1
        elif b[i][j] == b[i - 1][j]:
            i -= 1
        else:
            pairs.append((i - 1, j - 1))
            i, j = i - 1, j - 1
    return pairs[::-1]


@settings(max_examples=200, deadline=None)
@given(st.integers(1, 12), st.integers(1, 12), st.data())
def test_traceback_takes_the_pairs_of_the_whole_table(n: int, m: int, data: st.DataObject) -> None:
    values = st.one_of(st.just(-math.inf), st.floats(0.001, 1.0), st.sampled_from([0.25, 0.5]))  # ties too
    gain = np.array(data.draw(st.lists(values, min_size=n * m, max_size=n * m))).reshape(n, m)
    table = _alignment_table(gain)
    assert _traceback(table) == _plain_traceback(table)


def _same_rounding(xs: list[float], got: list[float]) -> None:
    assert len(got) == len(xs)
    for x, r in zip(xs, got, strict=True):
        want = round(x, 3)
        assert (r == want and math.copysign(1.0, r) == math.copysign(1.0, want)) or (math.isnan(r) and math.isnan(want))


# values on and next to the halfway points of 3 places (ties in decimal, not in binary), zeros of both signs
HALVES = [(k + 0.5) / 1000 for k in range(-1200, 1200, 7)]
NEAR = st.sampled_from(HALVES + [math.nextafter(h, 9.0) for h in HALVES] + [math.nextafter(h, -9.0) for h in HALVES]
                       + [0.0, -0.0, 0.1235, 0.0005, -0.0005, -0.0004, 1e-300, 2.5e6])


@given(st.lists(st.one_of(st.floats(), st.floats(-3.0, 3.0), NEAR), max_size=60))
def test_rounding_in_numpy_equals_round(xs: list[float]) -> None:
    _same_rounding(xs, rounded3(np.array(xs, dtype=np.float64)))


@given(st.lists(st.floats(-3.0, 3.0, width=32), max_size=60))
def test_rounding_float32_scores_equals_round_of_their_value(xs: list[float]) -> None:
    a = np.array(xs, dtype=np.float32)
    _same_rounding(a.tolist(), rounded3(a))


def test_rounding_many_scores_equals_round() -> None:
    rng = np.random.default_rng(3)
    x = np.concatenate([rng.random(200_000) * 4 - 2, np.array(HALVES)])
    _same_rounding(x.tolist(), rounded3(x))
