"""A template view made of parts (the other forms' columns of a return's detected form: each other form's own view)
gets its similarity matrices from the parts' tables, side by side (`matching._View.matrix`). The numbers are those
of one table of all its columns, bit for bit: a similarity is a function of its pair alone (`similarity.SimTable`).
Checked on the texts of corpus returns, plain and reworded."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from bench.user_cases import variant_returns
from extractor.catalogue import Keys, load_catalogue
from extractor.matching import Matcher, _View
from extractor.readers import read
from extractor.similarity import sim_matrix
from extractor.slots import find_slots

RETURNS = Path(__file__).resolve().parent.parent / "corpora" / "returns"
WHICH = (("label_keys", True), ("context_keys", False), ("section_keys", False), ("col_keys", True))


@pytest.fixture(scope="module")
def texts() -> list[str]:
    """Labels, contexts, sections and column headers of a few plain and reworded returns (each text once)."""
    cat = load_catalogue()
    paths = sorted(RETURNS.glob("f00*_r001.docx")) + variant_returns(RETURNS, 8)
    found: dict[str, None] = {}
    for p in paths:
        for s in find_slots(read(p), cat.units):
            for t in (s.label, s.context, s.section, s.column):
                if t:
                    found.setdefault(t, None)
    return list(found)


def _same(a: np.ndarray, b: np.ndarray) -> bool:
    return a.dtype == b.dtype and a.shape == b.shape and np.array_equal(a, b)


def test_other_forms_views_are_made_of_the_forms_own_views() -> None:
    tpl = Matcher(load_catalogue()).tpl
    forms = list(dict.fromkeys(tpl.forms.tolist()))
    assert len(forms) >= 2
    for form in forms:
        outside = tpl.view(form, False)
        assert [p.idx.tolist() for p in outside.parts] == \
            [tpl.view(f, True).idx.tolist() for f in forms if f != form]
        assert np.concatenate([p.idx for p in outside.parts]).tolist() == outside.idx.tolist()
        assert not tpl.view(form, True).parts and not tpl.all.parts


def test_parts_side_by_side_equal_one_table_of_every_column(texts) -> None:
    tpl = Matcher(load_catalogue()).tpl
    keys = [Keys.of(t) for t in texts]
    assert len(keys) > 300
    for form in dict.fromkeys(tpl.forms.tolist()):
        outside = tpl.view(form, False)
        for which, subset in WHICH:
            whole = getattr(outside, which)
            for a in (keys, keys[:1], keys[::7]):
                assert _same(outside.matrix(a, which, subset), sim_matrix(a, whole, subset))


def test_views_without_parts_and_empty_inputs_take_the_plain_table(texts) -> None:
    tpl = Matcher(load_catalogue()).tpl
    keys = [Keys.of(t) for t in texts[:20]]
    form = tpl.forms[0]
    outside = tpl.view(form, False)
    for which, subset in WHICH:
        assert _same(outside.matrix([], which, subset), sim_matrix([], getattr(outside, which), subset))
        assert _same(tpl.all.matrix(keys, which, subset), sim_matrix(keys, getattr(tpl.all, which), subset))
    # parts that do not cover the view's columns, in order, are not used
    inside = tpl.view(form, True)
    assert not _View(tpl, outside.idx, [inside]).parts
    assert not _View(tpl, outside.idx, outside.parts[::-1]).parts or len(outside.parts) == 1
