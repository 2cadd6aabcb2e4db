"""`Matcher.score` remembers finished score rows (a slot's wording row minus its typed value's type steps and the
weak-blank penalty) by wording, type key and weakness (`_RowMemory.scored`): the rows served from that memory must
be the numbers a fresh batch computation gives, whatever return, order or batch they were first computed in."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from extractor.catalogue import load_catalogue
from extractor.matching import Matcher, _RowMemory, detect_form
from extractor.readers import read
from extractor.slots import find_slots

RETURNS = Path(__file__).resolve().parent.parent / "corpora" / "returns"


def _fresh(matcher: Matcher, slots: list, form: str | None) -> np.ndarray:
    return matcher._finish(matcher._wording_rows(slots, form), slots)


def test_remembered_score_rows_equal_a_fresh_computation() -> None:
    cat = load_catalogue()
    matcher = Matcher(cat)
    matcher.tpl.rows = _RowMemory()
    names = ["f000_r002.docx", "f000_r004.docx", "f001_r003.docx", "f003_r001.docx"]
    docs = [find_slots(read(RETURNS / name), cat.units) for name in names]
    forms = [detect_form(slots, [], cat).id for slots in docs]
    for slots, form in zip(docs, forms, strict=True):  # other returns first, in reverse order: rows remembered
        matcher.score(list(reversed(slots)), form)
    typed = weak = 0
    for slots, form in zip(docs, forms, strict=True):
        _templates, served = matcher.score(slots, form)
        fresh = _fresh(matcher, slots, form)
        assert served.dtype == fresh.dtype
        assert np.array_equal(served, fresh)
        typed += sum(bool(s.raw and s.options is None) for s in slots)
        weak += sum(bool(s.weak) for s in slots)
    assert typed > 50  # (typed values of several types were served, and weak blanks if the returns hold any)
    assert len(matcher.tpl.rows.finished) > 0


def test_scored_rows_under_no_form_and_new_aliases() -> None:
    cat = load_catalogue()
    matcher = Matcher(cat)
    matcher.tpl.rows = _RowMemory()
    slots = find_slots(read(RETURNS / "f002_r001.docx"), cat.units)
    first = matcher.score(slots, None)[1]
    assert np.array_equal(first, _fresh(matcher, slots, None))
    assert np.array_equal(matcher.score(slots, None)[1], first)
    memory = matcher.tpl.rows
    assert len(memory.finished) > 3
    memory.scored({"x.y": ["Tổng số"]}, None, slots[:3], matcher._wording_rows, matcher._finish)
    assert len(memory.finished) <= 3  # learnt aliases change the label scores: nothing served from before
