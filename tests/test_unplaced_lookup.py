"""`coverage._where` and `coverage._covered` take a location's values in one C pass (`operator.itemgetter`) while
every location holds every key with hashable values, and go through `_key` one location at a time otherwise.
They give what the plain forms give (written out here) on locations drawn with keys missing, extra keys, lists,
a single key, `next_line` and `blocks` counts of every kind."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from extractor.coverage import _covered, _key, _where
from extractor.model import Block

KEYS = ("part", "block", "page")
VALUES = st.one_of(st.integers(0, 4), st.sampled_from(["body", "header"]), st.none(),
                   st.lists(st.integers(0, 2), max_size=2))


def plain_where(blocks: list[tuple[int, Block]], keys: tuple[str, ...]) -> dict[tuple[Any, ...], int]:
    return {_key(b.location, keys): n for n, b in blocks}


def plain_covered(where: dict[tuple[Any, ...], int], slots: list[Any], keys: tuple[str, ...]) -> set[int]:
    covered: set[int] = set()
    for s in slots:
        own = s.location
        nxt = own.get("next_line")
        for loc in (own, nxt) if isinstance(nxt, dict) else (own,):
            if not isinstance(loc, dict):
                continue
            n = where.get(_key(loc, keys))
            if n is not None:
                span = loc.get("blocks", 1)
                covered.update([n] if span == 1 else range(n, n + int(span)))
    return covered


def a_location(draw: Any, hashable: bool) -> dict[str, Any]:
    keys = draw(st.lists(st.sampled_from(KEYS + ("start",)), unique=True, max_size=4))
    values = st.integers(0, 4) if hashable else VALUES
    return {k: draw(values) for k in keys}


@settings(max_examples=400, deadline=None)
@given(st.data(), st.booleans())
def test_where_and_covered_as_the_plain_forms(data: st.DataObject, hashable: bool) -> None:
    if data.draw(st.booleans()):  # DOCX-like: every block has the same two keys
        keys = ("part", "block")
        blocks = [(n, Block("x", location={"part": "body", "block": n})) for n in range(data.draw(st.integers(1, 6)))]
    else:
        blocks = [(n, Block("x", location=a_location(data.draw, hashable)))
                  for n in range(data.draw(st.integers(1, 6)))]
        keys = tuple(blocks[0][1].location)
    want_where = plain_where(blocks, keys)
    got_where = _where(blocks, keys)
    assert got_where == want_where and list(got_where) == list(want_where)
    slots = []
    for _ in range(data.draw(st.integers(0, 8))):
        loc = a_location(data.draw, hashable) if data.draw(st.booleans()) else \
            dict(blocks[data.draw(st.integers(0, len(blocks) - 1))][1].location)
        if data.draw(st.booleans()):
            loc["blocks"] = data.draw(st.integers(-1, 3))
        if data.draw(st.booleans()):
            loc["next_line"] = data.draw(st.sampled_from([None, "x", dict(loc), dict(loc, blocks=2)]))
        slots.append(SimpleNamespace(location=loc))
    assert _covered(want_where, slots, keys) == plain_covered(want_where, slots, keys)


def test_a_single_key() -> None:
    """One key: `itemgetter` would give the bare value, so `_key`'s tuples are used."""
    blocks = [(n, Block("x", location={"block": n})) for n in range(3)]
    where = _where(blocks, ("block",))
    assert where == {(0,): 0, (1,): 1, (2,): 2}
    slots = [SimpleNamespace(location={"block": 1, "start": 0}), SimpleNamespace(location={"block": 0, "blocks": 3})]
    assert _covered(where, slots, ("block",)) == {0, 1, 2}
