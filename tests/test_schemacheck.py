"""The compiled schema check (extractor.schemacheck) never passes what jsonschema rejects, passes the results
the pipeline writes, and refuses to compile a schema keyword it does not implement."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from extractor.output import SCHEMA, validator
from extractor.schemacheck import UnsupportedSchema, compile_schema

CHECK = compile_schema(json.loads(SCHEMA.read_text(encoding="utf-8")))


def _result() -> dict[str, Any]:
    field = {"field_id": "a.b", "label": "Tổng số", "section": "", "column": None, "value": 3, "raw": "3",
             "unit": None, "type": "integer", "confidence": 0.95, "status": "accepted",
             "location": {"part": "body", "block": 1}, "row": 2, "reasons": ["x"],
             "candidates": [{"field_id": "a.b", "score": 0.9}], "review": {"action": "accept"}}
    return {"source": {"path": "x.docx", "sha256": "0" * 64, "format": "docx"},
            "form": {"id": "f000", "confidence": 1.0, "scores": {"f000": 0.9}}, "fields": [field],
            "unmatched": [dict(field, field_id=None)], "warnings": ["w"], "provenance": {"container": ["x"]},
            "review": {"not_a_form": False}}


# every place of a result a value can stand, and values of every JSON type (and some Python ones)
PLACES = [("source",), ("source", "path"), ("source", "sha256"), ("source", "format"), ("form",), ("form", "id"),
          ("form", "confidence"), ("form", "scores"), ("form", "scores", "f000"), ("fields",), ("fields", 0),
          ("warnings",), ("warnings", 0), ("unmatched", 0, "field_id"),
          *[("fields", 0, k) for k in _result()["fields"][0]], ("fields", 0, "candidates", 0),
          ("fields", 0, "candidates", 0, "field_id"), ("fields", 0, "candidates", 0, "score"),
          ("fields", 0, "reasons", 0), ("fields", 0, "review", "action"),
          ("review",), ("review", "not_a_form"), ("superseded_by",), ("possible_resend_of",),
          ("provenance", "container")]
ODD = [None, True, False, 0, 1, -1, 2, 1.0, 0.5, 1.5, -0.1, float("nan"), "", "a.b", "a.b\n", "A.b", "x", "docx",
       "review", "accept", "0" * 64, [], ["x"], [1], (), ("x",), {}, {"a": 1}, {"action": "accept"},
       {"field_id": "a", "score": 1}, {"field_id": 1, "score": 1}, {"score": 1}]


def _put(data: dict[str, Any], place: tuple[Any, ...], value: Any) -> None:
    target: Any = data
    for key in place[:-1]:
        target = target[key]
    target[place[-1]] = value


def _jsonschema_valid(data: Any) -> bool:
    # tuples are written as arrays: ask jsonschema about the value as it is written
    return validator().is_valid(json.loads(json.dumps(data)))


def test_the_sample_and_its_variants_pass() -> None:
    data = _result()
    assert CHECK(data) and _jsonschema_valid(data)
    data["fields"][0]["value"] = [1, "a", None]
    data["fields"][0]["reasons"] = ("a", "b")
    assert CHECK(data)


@pytest.mark.parametrize("place", PLACES, ids=lambda p: "/".join(map(str, p)))
@pytest.mark.parametrize("value", ODD, ids=repr)
def test_never_passes_what_jsonschema_rejects(place: tuple[Any, ...], value: Any) -> None:
    data = _result()
    _put(data, place, value)
    if CHECK(data):
        assert _jsonschema_valid(data), "the fast check passed an invalid result"


@pytest.mark.parametrize("place", PLACES, ids=lambda p: "/".join(map(str, p)))
@pytest.mark.parametrize("value", [v for v in ODD if not isinstance(v, (tuple, float)) or v in (0.5, -0.1, 1.5)],
                         ids=repr)
def test_passes_plain_valid_values(place: tuple[Any, ...], value: Any) -> None:
    """Stricter only where the brief says: on plain JSON values (no 1.0 as an integer, no NaN) it agrees."""
    data = _result()
    _put(data, place, value)
    assert CHECK(data) == _jsonschema_valid(data)


@pytest.mark.parametrize("bad", [
    ("fields", 0, "confidence", True), ("fields", 0, "row", 0), ("fields", 0, "field_id", "A.b"),
    ("fields", 0, "status", "done"), ("fields", 0, "candidates", 0, "score", "1"), ("form", "scores", "x", None),
    ("fields", 0, "reasons", 1, 3)])
def test_rejects_a_broken_result(bad: tuple[Any, ...]) -> None:
    data = _result()
    data["fields"][0]["reasons"].append("y")
    *place, value = bad
    _put(data, tuple(place), value)
    assert not CHECK(data)
    assert not _jsonschema_valid(data)


def test_a_missing_required_key_fails() -> None:
    for key in ("source", "fields"):
        data = _result()
        del data[key]
        assert not CHECK(data)
    data = _result()
    del data["fields"][0]["location"]
    assert not CHECK(data)


json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-3, 3) | st.floats(-2, 2, allow_nan=False)
    | st.sampled_from(["", "a", "a.b", "review", "docx", "0" * 64]),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.sampled_from(["field_id", "score", "x"]),
                                                                inner, max_size=3),
    max_leaves=8)


@settings(max_examples=400, deadline=None)
@given(st.sampled_from(PLACES), json_values)
def test_random_values_anywhere(place: tuple[Any, ...], value: Any) -> None:
    data = _result()
    _put(data, place, copy.deepcopy(value))
    if CHECK(data):
        assert _jsonschema_valid(data)


@pytest.mark.parametrize("schema", [{"type": "string", "format": "date"}, {"oneOf": [{"type": "string"}]},
                                    {"enum": [1, 2]}, {"type": "decimal"}, {"$ref": "#/$defs/nothing"},
                                    {"$ref": "other.json#/x"}, {"items": {"minLength": 2}}])
def test_an_unknown_keyword_does_not_compile(schema: dict[str, Any]) -> None:
    with pytest.raises(UnsupportedSchema):
        compile_schema(schema)


def test_a_recursive_reference_does_not_compile() -> None:
    with pytest.raises(UnsupportedSchema):
        compile_schema({"$ref": "#/$defs/a", "$defs": {"a": {"items": {"$ref": "#/$defs/a"}}}})
