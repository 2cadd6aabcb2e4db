"""Shortcuts of matching's steady path against the plain computation they replace: the two-index gather
(`similarity.grid`), row stacking (`matching._stacked`), the order alignment's column slice
(`_Templates.order_span`), and `_fill_gaps`' strict pass skipping a typed value without a rare type."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from extractor.catalogue import load_catalogue
from extractor.matching import Match, Matcher, _stacked, _type_key, detect_form
from extractor.readers import read
from extractor.similarity import grid
from extractor.slots import find_slots

RETURNS = Path(__file__).resolve().parent.parent / "corpora" / "returns"


@pytest.mark.parametrize("seed", range(20))
def test_grid_is_the_two_index_gather(seed: int) -> None:
    rng = np.random.default_rng(seed)
    m = rng.random((int(rng.integers(1, 30)), int(rng.integers(1, 30))))
    for _ in range(5):
        rows = rng.integers(0, m.shape[0], int(rng.integers(0, 40)))  # repeats, any order, none
        cols = rng.integers(0, m.shape[1], int(rng.integers(0, 40)))
        assert np.array_equal(grid(m, rows, cols), m[np.ix_(rows, cols)])
        assert np.array_equal(grid(m, rows.tolist(), cols.tolist()), m[np.ix_(rows, cols)])


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_stacked_rows_equal_np_stack(dtype: type) -> None:
    rng = np.random.default_rng(3)
    base = rng.random((7, 11)).astype(dtype)
    rows = [base[i] for i in (3, 0, 3, 6)] + [rng.random(11).astype(dtype)]
    got = _stacked(rows)
    assert got.dtype == np.stack(rows).dtype and np.array_equal(got, np.stack(rows))
    got[0, 0] = -1.0  # a new array: the rows it came from are untouched
    assert base[3, 0] != -1.0


def test_each_forms_order_columns_as_a_slice() -> None:
    tpl = Matcher(load_catalogue()).tpl
    for form_id in load_catalogue().forms:
        cols = tpl.order_cols(form_id)
        span = tpl.order_span(form_id)
        if span is not None:
            assert list(range(len(tpl.slots)))[span] == cols
        m = np.arange(3 * len(tpl.slots), dtype=np.float64).reshape(3, -1)
        assert np.array_equal(m[:, span] if span is not None else m.take(cols, axis=1), m[:, cols])


@pytest.mark.parametrize("name", ["f000_r001.docx", "f001_r002.docx", "f002_r003.docx", "f004_r001.docx"])
def test_strict_gap_filling_takes_only_rare_typed_values(name: str) -> None:
    """Where `_type_key(raw)` names no rare type, neither `_gap_candidate` (strict) nor `_held_by_empty` can give
    a field, over any pool of the form's slots: `_fill_gaps` may skip such a slot in its strict pass."""
    cat = load_catalogue()
    slots = find_slots(read(RETURNS / name), cat.units)
    form_id = detect_form(slots, [], cat).id
    assert form_id is not None
    matcher = Matcher(cat)
    matches = matcher.assign(slots, form_id)
    form = cat.forms[form_id]
    raws = [s for s in slots if s.raw or s.options]
    plain = [s for s in raws if not _type_key(s.raw or "")[1]]
    assert plain
    empty = [Match(m.slot, m.field_id, m.template, m.score) for m in matches]
    for s in plain:
        for lo in range(0, len(form.slots), 7):
            assert matcher._gap_candidate(s, form.slots[lo:], set(), True) is None
        assert matcher._held_by_empty(s, empty, form_id) is None


@pytest.mark.parametrize("name", ["f000_r001.docx", "f001_r002.docx", "f002_r003.docx", "f004_r001.docx"])
def test_column_hit_by_unfolded_text_is_the_folded_hit(name: str) -> None:
    """`_Templates.column_hit_of(text)` (remembered by the unfolded text) is `column_hit(fold(text))`, asked
    twice, over a corpus return's slot texts and texts that fold alike."""
    from extractor.text.normalize import fold

    cat = load_catalogue()
    tpl = Matcher(cat).tpl
    texts = [s.context or s.label for s in find_slots(read(RETURNS / name), cat.units)]
    texts += ["", "  ", *(t.upper() for t in texts[:5]), *(col.upper() for col in tpl.col_texts[:5])]
    for _ in range(2):
        for text in texts:
            got, want = tpl.column_hit_of(text), tpl.column_hit(fold(text))
            assert (got is None and want is None) or np.array_equal(got, want)


def test_view_rows_without_columns_equal_in_a_mixed_batch() -> None:
    """The rows of slots with no column written are the same whether their batch holds only such slots (the
    column factors set by a slice) or also slots with a column (set through an index grid)."""
    cat = load_catalogue()
    matcher = Matcher(cat)
    tried = 0
    for path in sorted(RETURNS.glob("*.docx"))[:40]:
        slots = [s for s in find_slots(read(path), cat.units) if s.kind != "list" and s.kind != "label"]
        plain = [s for s in slots if not s.column]
        if len(plain) == len(slots) or not plain:
            continue
        form_id = detect_form(slots, [], cat).id
        view = matcher.tpl.all
        mixed = matcher._view_rows(slots, form_id, view)
        alone = matcher._view_rows(plain, form_id, view)
        at = [i for i, s in enumerate(slots) if not s.column]
        assert np.array_equal(mixed[at], alone)
        tried += 1
        if tried == 3:
            break
    assert tried


def test_finish_without_weak_blanks_is_the_wording_rows_typed() -> None:
    """`_finish` of slots with no weak blank: `_type_adjust` alone (the weak penalty step skipped)."""
    cat = load_catalogue()
    matcher = Matcher(cat)
    slots = [s for s in find_slots(read(RETURNS / "f000_r001.docx"), cat.units) if not s.weak]
    rows = matcher._view_rows(slots, None, matcher.tpl.all)
    want = rows.copy()
    matcher._type_adjust(want, slots)
    assert np.array_equal(matcher._finish(rows.copy(), slots), want)
