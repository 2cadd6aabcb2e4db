"""The column-by-column field test (`extractor.field_check`) accepts only field lists the generated schema check
accepts, accepts the field lists the pipeline writes, and `output.validate` accepts and refuses what the generated
check alone did."""

from __future__ import annotations

import json
import math
from decimal import Decimal
from typing import Any

import fastjsonschema
import jsonschema
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from extractor import field_check
from extractor.field_check import NAMES, enabled, fields_valid
from extractor.model import Field, Result, Source
from extractor.output import SCHEMA, _fast_check, _fields_shortcut, validate


class _Text(str):
    pass


def _schema() -> dict[str, Any]:
    with open(SCHEMA, encoding="utf-8") as fh:
        return json.load(fh)


def _field(**over: Any) -> dict[str, Any]:
    field = Field("a.b", "Tổng số", "", None, 3, "3", None, "integer", 0.95, "accepted", {"part": "body", "block": 1},
                  None, ["x"], [{"field_id": "a.b", "score": 0.9}]).to_dict()
    field.update(over)
    return field


def _result(fields: Any, unmatched: Any) -> dict[str, Any]:
    return {"source": {"path": "x.docx", "sha256": "0" * 64, "format": "docx"},
            "form": {"id": "f000", "confidence": 1.0, "scores": {"f000": 0.9}}, "fields": fields,
            "unmatched": unmatched, "warnings": []}


def _generated_accepts(items: Any) -> bool:
    try:
        _fast_check()(_result(items, []))
    except fastjsonschema.JsonSchemaException:
        return False
    return True


def test_the_test_stands_for_the_schema_as_written() -> None:
    # fails when the field definition changes: bring field_check in line, then its FIELD_SCHEMA_SHA256
    assert enabled(_schema()) and _fields_shortcut()
    changed = _schema()
    changed["$defs"]["field"]["properties"]["label"]["maxLength"] = 5
    assert not enabled(changed)


def test_the_names_are_the_fields_in_order() -> None:
    assert tuple(_field()) == NAMES
    assert set(_schema()["$defs"]["field"]["properties"]) == {*NAMES, "review"}


def test_field_dicts_as_the_pipeline_makes_them_are_accepted() -> None:
    items = [_field(), _field(field_id=None, value=None, raw=None, type=None, status="review", confidence=0,
                              reasons=[], candidates=[]),
             _field(value=[1, 2], type="ratio", row=3, confidence=1), _field(value=True, type="boolean"),
             _field(value="x", type="text", unit="người", column="Nam", section="A"),
             _field(value=1.5, type="decimal", candidates=[{"field_id": "c", "score": 1}])]
    assert fields_valid(items) and fields_valid([]) and _generated_accepts(items)
    f = Field("x.y", "a", "", None, None, None, None, None, 0.5, "review", {}, None)
    result = Result(Source("a.docx", "0" * 64, "docx"), "f000", 0.9, [f], [f])
    assert fields_valid(result.view()["fields"])


_ODD = [None, "", "a", "a.b", "A", "a.", "a\n", "é", _Text("a"), _Text("accepted"), 0, 1, -1, 2, 0.5, 1.5, -0.0,
        math.nan, math.inf, True, False, Decimal("0.5"), [], ["a"], [1], (1,), {}, {"a": 1}, {"field_id": "a"},
        {"field_id": "a", "score": 1}, {"score": 1, "field_id": "a"}, "accepted", "review", "empty", "integer",
        "ratio", "multi_choice", [{"field_id": "a", "score": 0.5}], [{"field_id": 1, "score": 0.5}],
        [{"field_id": "a", "score": True}], [{"field_id": "a", "score": "1"}], [{"field_id": "a"}],
        [{"field_id": "a", "score": 1, "x": 2}], [None], [_Text("r")], ["a", 1], ({"field_id": "a", "score": 1},)]


@st.composite
def _field_dicts(draw: st.DrawFn) -> Any:
    field = _field()
    for _ in range(draw(st.integers(0, 3))):
        field[draw(st.sampled_from([*NAMES, "review", "extra"]))] = draw(st.sampled_from(_ODD))
    if draw(st.booleans()):
        del field[draw(st.sampled_from(NAMES))]
    if draw(st.booleans()):  # the same properties in another order
        keys = list(field)
        field = {k: field[k] for k in draw(st.permutations(keys))}
    return field if draw(st.integers(0, 9)) else draw(st.sampled_from(_ODD))


@settings(max_examples=3000, deadline=None)
@given(st.lists(_field_dicts(), max_size=4))
def test_a_list_accepted_here_is_accepted_by_the_generated_check(items: list[Any]) -> None:
    if fields_valid(items):
        assert _generated_accepts(items)


@settings(max_examples=300, deadline=None)
@given(st.lists(_field_dicts(), max_size=3), st.lists(_field_dicts(), max_size=3),
       st.sampled_from(["fields", "unmatched", None]))
def test_validate_refuses_what_the_generated_check_refuses(fields: list[Any], unmatched: list[Any],
                                                            drop: str | None) -> None:
    data = _result(fields, unmatched)
    if drop:
        del data[drop]
    try:
        _fast_check()(data)
        plain = True
    except fastjsonschema.JsonSchemaException:
        plain = False
    if plain:
        validate(data)
    else:  # jsonschema has the last word, as before
        try:
            jsonschema.Draft202012Validator(_schema()).validate(data)
            ok = True
        except jsonschema.ValidationError:
            ok = False
        if ok:
            validate(data)
        else:
            with pytest.raises(jsonschema.ValidationError):
                validate(data)


def test_a_bad_field_or_a_missing_list_is_still_refused() -> None:
    for bad in ({"confidence": 1.5}, {"field_id": "Bad"}, {"status": "ok"}, {"row": 0}, {"reasons": [1]},
                {"candidates": [{"field_id": "a"}]}, {"location": []}):
        with pytest.raises(jsonschema.ValidationError):
            validate(_result([_field(**bad)], []))
        with pytest.raises(jsonschema.ValidationError):
            validate(_result([], [_field(**bad)]))
    data = _result([_field()], [])
    del data["unmatched"]
    with pytest.raises(jsonschema.ValidationError):
        validate(data)
    validate(_result([_field()], [_field(field_id=None)]))


def test_the_remembered_field_ids_are_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(field_check, "GOOD_IDS_MAX", 3)
    field_check._GOOD_IDS.clear()
    for i in range(10):
        assert fields_valid([_field(field_id=f"f{i}")])
        assert len(field_check._GOOD_IDS) <= 3
    assert not fields_valid([_field(field_id="f.")])
    assert "f." not in field_check._GOOD_IDS


def test_candidates_are_read_by_their_two_properties() -> None:
    """A candidate is a dict of exactly `field_id` and `score` (in either order); any other shape goes to the full
    check (which allows more properties: this test never needs to accept them)."""
    assert fields_valid([_field(candidates=[{"score": 0.5, "field_id": "a"}, {"field_id": "b", "score": 1}])])
    for bad in ([{"field_id": "a"}], [{"field_id": "a", "score": 1, "x": 2}], [{"field_id": "a", "x": 1}],
                [{"field_id": 1, "score": 1}], [{"field_id": "a", "score": True}], [("field_id", "score")]):
        assert not fields_valid([_field(candidates=bad)])
