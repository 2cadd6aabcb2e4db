"""`Matcher._list_tables` gives back the slots no list table took (`rest`, found by their ids in one `map`): the
document's slots in their order, less every cell of each table taken for a list and nothing else, as a new list."""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

import pytest

from extractor.catalogue import load_catalogue
from extractor.matching import Matcher
from extractor.slots import Slot
from tests.matching_inputs import detected

CORPORA = Path(__file__).parent.parent / "corpora"
RETURNS = sorted((CORPORA / "returns").glob("*.docx"))[::9] + sorted((CORPORA / "returns_more").glob("*.docx"))[::9]


def _eligible(s: Slot) -> bool:
    return s.table is not None and s.kind in ("cell", "choice", "label")


@pytest.mark.parametrize("path", RETURNS, ids=lambda p: p.name)
def test_rest_is_the_slots_less_the_taken_tables(path: Path) -> None:
    cat, slots, guess = detected(path)
    matched, rest = Matcher(cat)._list_tables(slots, guess.id)
    assert rest is not slots
    kept = {id(s) for s in rest}
    assert rest == [s for s in slots if id(s) in kept] and len(kept) == len(rest)  # in order, each once
    by_table: dict[int, list[Slot]] = defaultdict(list)
    for s in slots:
        if _eligible(s):
            by_table[s.table].append(s)
    taken = {s.table for s in slots if id(s) not in kept}
    assert all(_eligible(s) for s in slots if id(s) not in kept)
    for table in taken:  # a table taken gives up every cell
        assert not any(id(s) in kept for s in by_table[table])
    assert {m.slot.table for m in matched} <= taken


def test_no_table_taken_gives_every_slot_back() -> None:
    slots = [Slot("blank", "Họ và tên", order=1), Slot("cell", "Số máy", column="Số lượng", table=0, row=1, order=2)]
    matched, rest = Matcher(load_catalogue())._list_tables(slots, None)
    assert matched == [] and rest == slots and rest is not slots
