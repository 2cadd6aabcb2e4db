"""The memos and shortcuts of matching (issue 18) give exactly what the plain computations give: the form guess
remembered by the set of a document's keys, the column hits computed once per distinct column text."""

from __future__ import annotations

import numpy as np

from extractor.catalogue import Keys, load_catalogue
from extractor.matching import _guess_form, _templates, detect_form
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
