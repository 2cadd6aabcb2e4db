"""The shortcuts of `Matcher._wording_rows` (issue 18) give the numbers of the plain computation, bit for bit: one
kind of slot scored on the whole matrices (no gathers), the column hits of the slots without a column put in place
at once, the options' rows made once for both template views, the other forms' penalty and the unit adjustments
on columns found once per view. The plain computation is the code before them, kept here."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pytest

from bench.user_cases import variant_returns
from extractor.catalogue import Keys, load_catalogue
from extractor.matching import NOT_SCORED, Matcher, _put, _View, detect_form
from extractor.readers import read
from extractor.similarity import sim_matrix as _sim_matrix
from extractor.slots import Slot, find_slots
from extractor.text.normalize import fold

RETURNS = Path(__file__).resolve().parent.parent / "corpora" / "returns"


def _plain_option_sim(m: Matcher, slots: Sequence[Slot]) -> np.ndarray:
    templates = m.tpl.slots
    out = np.zeros((len(slots), len(templates)))
    s_keys = [Keys.of(o.text) for s in slots for o in s.options or []]
    s_owner = [i for i, s in enumerate(slots) for _ in s.options or []]
    tpl = m.tpl
    if not s_keys or not tpl.option_keys:
        return out
    sims = _sim_matrix(s_keys, tpl.option_keys)
    best = np.zeros((len(s_keys), len(templates)))
    best[:, tpl.option_owner] = np.maximum.reduceat(sims, tpl.option_start, axis=1)
    s_owner_arr = np.array(s_owner)
    for i in set(s_owner):
        out[i] = best[s_owner_arr == i].mean(axis=0)
    return out


def _plain_view_rows(m: Matcher, slots: Sequence[Slot], form_id: str | None, view: _View) -> np.ndarray:
    tpl, cfg, templates = m.tpl, m.cfg, view.slots
    s_label = [Keys.of(s.label) for s in slots]
    s_ctx = [Keys.of(s.context or s.label) for s in slots]
    L = _sim_matrix(s_label, view.label_keys)
    C = _sim_matrix(s_ctx, view.context_keys, subset=False)
    if m.cat.aliases:
        m._alias_adjust(L, C, s_label, templates)
    s_col = [Keys.of(s.column) if s.column else None for s in slots]
    K = np.full((len(slots), len(templates)), 1.0)
    with_col = [i for i, k in enumerate(s_col) if k is not None]
    if with_col and view.col_pos:
        sub = _sim_matrix([s_col[i] for i in with_col], view.col_keys)
        K[with_col] = 0.3
        K[np.ix_(with_col, view.col_pos)] = sub
    elif with_col:
        K[with_col] = 0.3
    without = [i for i, k in enumerate(s_col) if k is None]
    if without and view.col_folded_pos:
        for i in without:
            hit = tpl.column_in(fold(slots[i].context or slots[i].label))
            K[i, view.col_folded_pos] = hit[view.col_folded_sel]
    kinds = [s.kind for s in slots]
    S = np.zeros_like(L)
    for kind in ("blank", "cell", "choice"):
        rows = [i for i, k in enumerate(kinds) if k == kind]
        if not rows:
            continue
        w = cfg[kind]
        if kind == "choice":
            opt = _plain_option_sim(m, [slots[i] for i in rows])[:, view.idx]
            S[rows] = w["label"] * L[rows] + w["context"] * C[rows] + w["options"] * opt + w["column"] * K[rows]
        else:
            S[rows] = w["label"] * L[rows] + w["context"] * C[rows] + w["column"] * K[rows]
        S[rows] *= view.factor[kind]
    Sec = _sim_matrix([Keys.of(s.section) for s in slots], view.section_keys, subset=False)
    S += cfg["section_weight"] * (Sec - 0.5)
    if form_id:
        S[:, view.forms != form_id] -= cfg["other_form_penalty"]
    for i, s in enumerate(slots):
        if s.unit_text:
            same = view.units == fold(s.unit_text)
            S[i, view.has_unit & same] += cfg["unit_agree_bonus"]
            S[i, view.has_unit & ~same] -= cfg["unit_clash_penalty"]
    return S


def _plain_wording_rows(m: Matcher, slots: Sequence[Slot], form_id: str | None) -> np.ndarray:
    tpl = m.tpl
    widen = m.cfg.get("widen_below")
    if not form_id or widen is None or not tpl.in_form(form_id).any():
        return _plain_view_rows(m, slots, form_id, tpl.all)
    inside, outside = tpl.view(form_id, True), tpl.view(form_id, False)
    S = np.full((len(slots), len(tpl.slots)), NOT_SCORED)
    S_in = _plain_view_rows(m, slots, form_id, inside)
    S[:, inside.idx] = S_in
    weak = np.flatnonzero(S_in.max(axis=1, initial=-np.inf) < widen)
    if weak.size and outside.idx.size:
        S[np.ix_(weak, outside.idx)] = _plain_view_rows(m, [slots[i] for i in weak], form_id, outside)
    return S


def _same(a: np.ndarray, b: np.ndarray) -> bool:
    return a.dtype == b.dtype and a.shape == b.shape and np.array_equal(a, b) and \
        np.array_equal(np.signbit(a), np.signbit(b))


def _documents() -> list[tuple[list[Slot], str | None]]:
    cat = load_catalogue()
    paths = [RETURNS / n for n in ("f000_r002.docx", "f001_r003.docx", "f002_r001.docx", "f003_r001.docx",
                                   "f004_r001.docx")] + variant_returns(RETURNS, 5)
    docs = []
    for p in paths:
        if p.is_file():
            slots = [s for s in find_slots(read(p), cat.units) if s.kind != "label"]
            docs.append((slots, detect_form(slots, [], cat).id))
    return docs


@pytest.fixture(scope="module")
def documents() -> list[tuple[list[Slot], str | None]]:
    return _documents()


def test_wording_rows_equal_the_plain_computation(documents) -> None:
    m = Matcher(load_catalogue())
    kinds = set()
    for slots, form in documents:
        kinds |= {s.kind for s in slots}
        for form_id in (form, None):
            assert _same(m._wording_rows(slots, form_id), _plain_wording_rows(m, slots, form_id))
    assert {"blank", "cell", "choice"} <= kinds


@pytest.mark.parametrize("kind", ["blank", "cell", "choice"])
def test_slots_of_one_kind_scored_whole_equal_the_plain_computation(documents, kind: str) -> None:
    m = Matcher(load_catalogue())
    seen = 0
    for slots, form in documents:
        one = [s for s in slots if s.kind == kind]
        if one:
            seen += 1
            assert _same(m._wording_rows(one, form), _plain_wording_rows(m, one, form))
            assert _same(m._wording_rows(one[:1], form), _plain_wording_rows(m, one[:1], form))
    assert seen


def test_units_and_columns_equal_the_plain_computation(documents) -> None:
    m = Matcher(load_catalogue())
    slots, form = documents[0]
    base = [s for s in slots if s.kind == "blank"][:6]
    assert len(base) == 6
    units = ["người", "%", "đồng", "người", None, "Người"]  # (two slots of one unit, one folded alike)
    made = [Slot(kind=s.kind, label=s.label, context=s.context, section=s.section, unit_text=u,
                 column="Cấp huyện" if n % 3 == 0 else None, order=n)
            for n, (s, u) in enumerate(zip(base, units, strict=True))]
    for form_id in (form, None):
        assert _same(m._wording_rows(made, form_id), _plain_wording_rows(m, made, form_id))


def test_rows_put_by_runs_of_columns_equal_the_fancy_assignment() -> None:
    m = Matcher(load_catalogue())
    width = len(m.tpl.slots)
    rng = np.random.default_rng(7)
    form = m.tpl.slots[0].form
    views = [m.tpl.view(form, True), m.tpl.view(form, False), m.tpl.all]
    for size in (1, 5, 40):  # (scattered columns: many runs)
        views.append(_View(m.tpl, np.sort(rng.choice(width, size, replace=False))))
    views.append(_View(m.tpl, np.r_[3:9, 20:22, width - 4:width]))
    assert {len(v.runs) <= 4 for v in views} == {True, False}
    for view in views:
        for rows in (None, [0, 2, 3], [1]):
            n = 4 if rows is None else len(rows)
            part = rng.random((n, view.idx.size))
            fancy, put = np.full((4, width), NOT_SCORED), np.full((4, width), NOT_SCORED)
            if rows is None:
                fancy[:, view.idx] = part
            else:
                fancy[np.ix_(rows, view.idx)] = part
            _put(put, rows, view, part)
            assert _same(put, fancy)
