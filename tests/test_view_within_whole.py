"""The other forms' columns of a return's detected form (a template view) take their similarity matrices from the
table of every column, their columns of it (`matching._View.matrix`): one table for every detected form. The numbers
are those of a table of the view's own columns, bit for bit: a similarity is a function of its pair alone
(`similarity.SimTable`). Checked on the texts of corpus returns, plain and reworded."""

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


def test_other_forms_views_are_taken_from_every_column() -> None:
    tpl = Matcher(load_catalogue()).tpl
    forms = list(dict.fromkeys(tpl.forms.tolist()))
    assert len(forms) >= 2
    for form in forms:
        outside, inside = tpl.view(form, False), tpl.view(form, True)
        assert outside.whole is tpl.all and inside.whole is None and tpl.all.whole is None
        for which, _subset in WHICH:
            whole = [k.tone for k in getattr(tpl.all, which)]
            assert [whole[j] for j in outside.within[which].tolist()] == [k.tone for k in getattr(outside, which)]


def test_columns_of_every_column_equal_a_table_of_the_view(texts) -> None:
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
    # a whole that does not hold the view's columns is refused
    with pytest.raises(ValueError):
        _View(tpl, outside.idx, tpl.view(form, True))
