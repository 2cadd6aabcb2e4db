"""`Matcher._fill_gaps` walks only the unmatched answers (`pending`, in document order) rather than every match twice:
the same fields, scores and margins as the walk over every match it replaced (kept here as the reference), on
corpus returns whose typed dates and reworded answers are placed by order."""

from __future__ import annotations

import bisect
import copy
from pathlib import Path

import pytest

from extractor.catalogue import load_catalogue
from extractor.matching import Match, Matcher, _type_key
from tests.matching_inputs import detected

RETURNS = sorted((Path(__file__).parent.parent / "corpora" / "returns").glob("*.docx"))[::6]


def _reference_fill_gaps(self: Matcher, matches: list[Match], form_id: str) -> None:
    """`_fill_gaps` as it was: every match visited in each pass, in document order."""
    form = self.cat.forms[form_id]
    taken = {m.field_id for m in matches if m.field_id}
    anchored = sorted((m.slot.order, m.template.index) for m in matches
                      if m.template is not None and m.template.form == form_id)
    if not anchored:
        return
    orders = [a[0] for a in anchored]
    in_order: set[str] = set()
    by_order = sorted(matches, key=lambda m: m.slot.order)
    for strict in (True, False):
        for m in by_order:
            s = m.slot
            if m.field_id is not None or not (s.raw or (s.options and any(o.checked for o in s.options))):
                continue
            if strict and not _type_key(s.raw or "")[1]:
                continue
            if not strict and m.score < self.cfg["gap_min_score"]:
                continue
            k = bisect.bisect_left(orders, s.order)
            lo = anchored[k - 1][1] if k > 0 else -1
            hi = anchored[k][1] if k < len(anchored) else len(form.slots)
            if lo >= hi:
                hi = len(form.slots)
            t = self._gap_candidate(s, form.slots[lo + 1:hi], taken, strict)
            if t is None and strict:
                t = self._gap_candidate(s, form.slots[lo + 1:], taken, strict)
            if t is None and strict:
                t = self._gap_candidate(s, form.slots, taken, strict)
            if t is None and strict:
                held = self._held_by_empty(s, matches, form_id)
                if held is not None:
                    t = held.template
                    held.field_id, held.template, held.score, held.margin = None, None, held.score, 0.0
                    taken.discard(t.field)
                    in_order.add(t.field)
            if t is None:
                continue
            m.field_id, m.template, m.form_prior = t.field, t, True
            m.score = max(m.score, 0.5)
            m.margin = 0.0
            taken.add(t.field)
            if strict:
                in_order.add(t.field)
    if in_order:
        types = {t.type for t in form.slots if t.field in in_order}
        self._in_form_order([m for m in matches if m.template is not None and m.template.form == form_id
                             and (m.field_id in in_order or (m.template.type in types and m.slot.raw
                                                             and m.score < self.cfg["order_by_label_below"]))])


def _state(matches: list[Match]) -> list[tuple[object, ...]]:
    return [(id(m.slot), m.field_id, id(m.template), m.score, m.margin, m.form_prior) for m in matches]


@pytest.mark.parametrize("path", RETURNS, ids=lambda p: p.name)
def test_pending_walk_is_the_walk_over_every_match(path: Path) -> None:
    cat, slots, guess = detected(path)
    if guess.id is None:
        pytest.skip("no form detected")
    matcher = Matcher(cat)
    _lists, rest = matcher._list_tables(slots, guess.id)
    base = matcher._assigned([s for s in rest if s.kind != "label"], guess.id)
    # an answer or two left unmatched as well, so that both passes have work
    for m in base[::7]:
        if m.slot.raw:
            m.field_id, m.template, m.margin = None, None, 0.0
    fast, slow = [copy.copy(m) for m in base], [copy.copy(m) for m in base]
    matcher._fill_gaps(fast, guess.id)
    _reference_fill_gaps(matcher, slow, guess.id)
    assert _state(fast) == _state(slow)


def test_an_answer_given_a_field_in_the_strict_pass_is_not_placed_again() -> None:
    """A typed date placed by its type in the first pass is passed over in the second (its field is set)."""
    from extractor.slots import Slot

    m = Matcher(load_catalogue())
    form = m.cat.forms["f001"]
    email = next(t for t in form.slots if t.field == "contact.email")
    date = Match(Slot("blank", "", raw="18/09/2017", order=9), None, None, 0.7, 0.0)
    anchor = Match(Slot("blank", "Thư điện tử", raw="a@b.vn", order=1), email.field, email, 0.95, 0.3)
    fast, slow = [copy.copy(anchor), copy.copy(date)], [copy.copy(anchor), copy.copy(date)]
    m._fill_gaps(fast, "f001")
    _reference_fill_gaps(m, slow, "f001")
    assert _state(fast) == _state(slow)
    assert fast[1].field_id is not None
