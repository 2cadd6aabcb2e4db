"""The write stage's fast paths give what the plain computations give: the result schema with its local
references put in place accepts and rejects exactly what the schema as written does."""

from __future__ import annotations

import copy
import json
import pickle
from typing import Any

import fastjsonschema
import jsonschema
from hypothesis import given, settings
from hypothesis import strategies as st

from extractor.output import SCHEMA, _fast_check, inline_refs, validate, validator


def _schema() -> dict[str, Any]:
    with open(SCHEMA, encoding="utf-8") as fh:
        schema = json.load(fh)
    schema.pop("$schema", None)
    return schema


def _field(**over: Any) -> dict[str, Any]:
    field = {"field_id": "a.b", "label": "Tổng số", "section": "", "column": None, "value": 3, "raw": "3",
             "unit": None, "type": "integer", "confidence": 0.95, "status": "accepted",
             "location": {"part": "body", "block": 1}, "row": None, "reasons": ["x"],
             "candidates": [{"field_id": "a.b", "score": 0.9}]}
    field.update(over)
    return field


def _result(fields: list[dict[str, Any]], unmatched: list[dict[str, Any]]) -> dict[str, Any]:
    return {"source": {"path": "x.docx", "sha256": "0" * 64, "format": "docx"},
            "form": {"id": "f000", "confidence": 1.0, "scores": {"f000": 0.9}}, "fields": fields,
            "unmatched": unmatched, "warnings": []}


def test_the_result_schema_has_no_reference_left() -> None:
    inlined = inline_refs(_schema())
    assert "$ref" not in json.dumps(inlined) and "$defs" not in inlined
    assert inlined["properties"]["fields"]["items"] == _schema()["$defs"]["field"]


def test_a_definition_that_refers_to_itself_keeps_its_references() -> None:
    schema = {"type": "object", "properties": {"tree": {"$ref": "#/$defs/node"}},
              "$defs": {"node": {"type": "object", "properties": {"kids": {"type": "array",
                                                                            "items": {"$ref": "#/$defs/node"}}}}}}
    inlined = inline_refs(schema)
    assert inlined["$defs"] == schema["$defs"]
    check = fastjsonschema.compile(inlined)
    check({"tree": {"kids": [{"kids": []}]}})
    try:
        check({"tree": {"kids": [{"kids": 3}]}})
    except fastjsonschema.JsonSchemaException:
        pass
    else:
        raise AssertionError("a bad grandchild was accepted")


_VALUES = st.one_of(st.none(), st.booleans(), st.integers(-3, 3), st.floats(-1, 2, allow_nan=False),
                    st.sampled_from(["", "a.b", "A.b", "x", "accepted", "review", "integer", "0" * 64]),
                    st.just([]), st.just({}), st.just([1, "a"]), st.just({"field_id": "a", "score": 1}))
_KEYS = st.sampled_from(["field_id", "label", "section", "column", "value", "raw", "unit", "type", "confidence",
                         "status", "location", "row", "reasons", "candidates", "review", "extra"])


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(st.booleans(), st.integers(0, 2), _KEYS, _VALUES, st.booleans()), max_size=4))
def test_inlined_and_written_schema_give_the_same_verdict(changes: list[tuple[bool, int, str, Any, bool]]
                                                          ) -> None:
    """Random changes to a valid result's fields: the inlined schema's check, the check compiled from the
    schema as written and jsonschema all agree (valid or not)."""
    data = _result([_field(), _field(row=2), _field(field_id=None)], [_field(field_id=None)])
    for unmatched, i, key, value, drop in changes:
        items = data["unmatched" if unmatched else "fields"]
        target = items[i % len(items)]
        if drop:
            target.pop(key, None)
        else:
            target[key] = copy.deepcopy(value)
    written = fastjsonschema.compile(_schema())

    def verdict(check: Any) -> bool:
        try:
            check(copy.deepcopy(data))
        except (fastjsonschema.JsonSchemaException, jsonschema.ValidationError):
            return False
        return True

    fast = verdict(_fast_check())
    assert fast == verdict(written)
    assert verdict(validate) == validator().is_valid(data)
    if fast:
        assert validator().is_valid(data)


def test_the_compiled_check_is_kept_in_the_cache_and_read_back(tmp_path: Any, monkeypatch: Any) -> None:
    """The first process stores the check's code; the next loads it (no generation) and it gives the same
    verdicts; a damaged entry is generated again."""
    from extractor import compiled, output

    monkeypatch.setenv("EXTRACTOR_CACHE_DIR", str(tmp_path))
    built = output._fast_check.__wrapped__()
    stored = list(tmp_path.glob("schema_check-*.pickle"))
    assert len(stored) == 1

    def no_generation() -> str:
        raise AssertionError("generated again though the cache holds it")

    monkeypatch.setattr(output, "check_source", no_generation)
    loaded = output._fast_check.__wrapped__()
    good = _result([_field()], [])
    bad = _result([_field(status="done")], [])
    for check in (built, loaded):
        check(copy.deepcopy(good))
        try:
            check(copy.deepcopy(bad))
        except fastjsonschema.JsonSchemaException:
            pass
        else:
            raise AssertionError("a bad status was accepted")
    monkeypatch.undo()
    monkeypatch.setenv("EXTRACTOR_CACHE_DIR", str(tmp_path))
    key = pickle.loads(stored[0].read_bytes())[0]
    compiled.store("schema_check", key, b"not marshal data")  # the same entry, damaged
    assert compiled.load("schema_check", key) == b"not marshal data"
    again = output._fast_check.__wrapped__()
    assert compiled.load("schema_check", key) != b"not marshal data"  # stored again
    again(copy.deepcopy(good))
