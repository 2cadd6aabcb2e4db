"""`Matcher.assign` remembers what the one-to-one assignment gave (`Matcher._assigned`) by (form, the slots' score
keys, their document order): a return served from that memory must get the fields, scores, margins and candidates
a fresh computation gives, also when its typed values differ (same kinds of values), its slots come in another
order, or learnt aliases changed the scores."""

from __future__ import annotations

import dataclasses
from pathlib import Path

from extractor.assignments import Assignments, Plan
from extractor.catalogue import load_catalogue
from extractor.matching import Match, Matcher, _RowMemory, _type_key, detect_form
from extractor.readers import read
from extractor.slots import Slot, find_slots

RETURNS = Path(__file__).resolve().parent.parent / "corpora" / "returns"


def _fresh(matcher: Matcher, slots: list[Slot], form: str | None) -> list[Match]:
    """The plain computation: score rows computed afresh (no memory), then `_greedy`."""
    S = matcher._finish(matcher._wording_rows(slots, form), slots)
    return matcher._greedy(slots, matcher.tpl.slots, S, form)


def _view(matches: list[Match]) -> list[tuple]:
    return [(id(m.slot), m.field_id, m.template, m.score, m.margin, m.row, m.form_prior, m.candidates)
            for m in matches]


def _rest(slots: list[Slot]) -> list[Slot]:
    return [s for s in slots if s.kind != "label" and s.table is None]


def test_remembered_assignments_equal_a_fresh_computation() -> None:
    cat = load_catalogue()
    matcher = Matcher(cat)
    matcher.tpl.rows = _RowMemory()
    names = ["f000_r002.docx", "f001_r003.docx", "f002_r001.docx", "f003_r001.docx"]
    for name in names:
        slots = _rest(find_slots(read(RETURNS / name), cat.units))
        form = detect_form(slots, [], cat).id
        first = matcher._assigned(slots, form)
        assert len(matcher.tpl.rows.assigned.plans) > 0
        served = matcher._assigned(slots, form)
        assert _view(served) == _view(first) == _view(_fresh(matcher, slots, form))
        assert all(a.candidates is not b.candidates for a, b in zip(served, first, strict=True))
        # the same slots in another document order: another key, its own (fresh) numbers
        moved = [dataclasses.replace(s, order=len(slots) - n) for n, s in enumerate(slots)]
        assert _view(matcher._assigned(moved, form)) == _view(_fresh(matcher, moved, form))


def test_other_values_of_the_same_kinds_are_served_the_fresh_numbers() -> None:
    cat = load_catalogue()
    matcher = Matcher(cat)
    matcher.tpl.rows = _RowMemory()
    slots = _rest(find_slots(read(RETURNS / "f001_r003.docx"), cat.units))
    form = detect_form(slots, [], cat).id
    matcher._assigned(slots, form)
    changed = 0
    other = []
    for s in slots:
        new = s
        if s.raw and s.options is None and s.raw.strip().isdigit():
            new = dataclasses.replace(s, raw=str(int(s.raw.strip()) + 1))
            changed += _type_key(new.raw) == _type_key(s.raw)
        other.append(new)
    assert changed >= 3
    remembered = len(matcher.tpl.rows.assigned.plans)
    served = matcher._assigned(other, form)
    if all(_type_key(a.raw) == _type_key(b.raw) for a, b in zip(slots, other, strict=True) if a.raw):
        assert len(matcher.tpl.rows.assigned.plans) == remembered  # (served from the memory)
    assert _view(served) == _view(_fresh(matcher, other, form))


def test_learnt_aliases_forget_the_assignments(monkeypatch) -> None:
    cat = load_catalogue()
    matcher = Matcher(cat)
    matcher.tpl.rows = _RowMemory()
    slots = _rest(find_slots(read(RETURNS / "f002_r001.docx"), cat.units))
    form = detect_form(slots, [], cat).id
    matcher._assigned(slots, form)
    assert matcher.tpl.rows.assigned.plans
    field = next(t.field for t in matcher.tpl.slots if t.form == form)
    monkeypatch.setattr(cat, "aliases", {field: [slots[0].label]})
    served = matcher._assigned(slots, form)
    assert len(matcher.tpl.rows.assigned.plans) == 1
    assert _view(served) == _view(_fresh(matcher, slots, form))


def test_a_full_memory_starts_again(monkeypatch) -> None:
    cat = load_catalogue()
    matcher = Matcher(cat)
    matcher.tpl.rows = _RowMemory()
    monkeypatch.setattr(Assignments, "MAX", 2)
    slots = _rest(find_slots(read(RETURNS / "f000_r002.docx"), cat.units))
    form = detect_form(slots, [], cat).id
    for n in range(4):
        part = slots[n:]
        assert _view(matcher._assigned(part, form)) == _view(_fresh(matcher, part, form))
        assert len(matcher.tpl.rows.assigned.plans) <= 2


def test_a_plan_gives_back_its_numbers_bit_for_bit() -> None:
    plan = Plan([3, -1], [0.5, -0.0], [0.1, 0.0], [True, False], [[(0, 0.5), (2, -0.0)], [(1, 0.25)]])
    rows = plan.rows(["a", "b", "c"])
    assert rows == [(3, 0.5, 0.1, True, [("a", 0.5), ("c", -0.0)]), (-1, -0.0, 0.0, False, [("b", 0.25)])]
    assert str(rows[1][1]) == "-0.0" and str(rows[0][4][1][1]) == "-0.0"  # (the sign of zero kept)
    assert all(type(x) is float for x in (rows[0][1], rows[0][2], rows[0][4][0][1]))


def test_starting_again_never_serves_a_plan_under_another_numbering(monkeypatch) -> None:
    monkeypatch.setattr(Assignments, "MAX", 1)
    memory = Assignments()
    plan = Plan([0], [1.0], [1.0], [True], [[(0, 1.0)]])
    memory.put(memory.key("f", ["x", "y"], [0, 1]), plan, ["x", "y"])
    memory.put(memory.key("f", ["z", "w"], [0, 1]), plan, ["z", "w"])  # full: starts again, numbered afresh
    assert len(memory.plans) == 1
    for keys in (["a", "b"], ["c", "d"], ["x", "y"]):
        assert memory.get(memory.key("f", keys, [0, 1])) is None
    assert memory.get(memory.key("f", ["z", "w"], [0, 1])) is plan


def _plan_of_matches(matcher: Matcher, matches: list[Match]) -> Plan:
    """The plan made from the matches themselves (as `_assigned` made it before `_greedy` gave its arrays)."""
    column, code = matcher.tpl.column_of, matcher.tpl.code_of
    return Plan([-1 if m.template is None else column[id(m.template)] for m in matches], [m.score for m in matches],
                [m.margin for m in matches], [m.form_prior for m in matches],
                [[(code[name], v) for name, v in m.candidates] for m in matches])


def test_the_plan_made_from_greedy_arrays_equals_the_plan_of_its_matches() -> None:
    """Bit for bit (dtypes, the sign of zero), on real returns (rows whose top columns repeat a field among them)
    and with the form unknown."""
    from extractor.matching import _top_columns

    cat = load_catalogue()
    matcher = Matcher(cat)
    repeated = 0
    for name in ["f000_r002.docx", "f001_r003.docx", "f002_r001.docx", "f003_r001.docx", "f004_r001.docx"]:
        slots = _rest(find_slots(read(RETURNS / name), cat.units))
        for form in (detect_form(slots, [], cat).id, None):
            S = matcher._finish(matcher._wording_rows(slots, form), slots)
            plans: list[Plan] = []
            matches = matcher._greedy(slots, matcher.tpl.slots, S, form, plans)
            codes = matcher.tpl.field_code[_top_columns(S.copy(), matcher.cfg["top_k"])]
            repeated += int((codes[:, :, None] == codes[:, None, :]).sum() > codes.size)
            got, want = plans[0], _plan_of_matches(matcher, matches)
            for attr in Plan.__slots__:
                a, b = getattr(got, attr), getattr(want, attr)
                assert a.dtype == b.dtype and a.shape == b.shape, attr
                assert a.tobytes() == b.tobytes(), attr
            assert got.rows(matcher.tpl.field_names) == want.rows(matcher.tpl.field_names)
    assert repeated
