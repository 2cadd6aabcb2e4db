"""A fast sufficient test that a result's field dicts follow the schema's field definition (`$defs.field`).

    fields_valid(items) -> bool   True: every item is valid (fastjsonschema's check would accept each);
                                  False: nothing is known, the full check must decide

`output.validate` checks a result's `fields` and `unmatched` lists here and the rest of the result with the
generated schema check; any list this test does not accept goes through the full check, so a result is accepted
or refused exactly as before. The generated check walks each of the ~120 field dicts of a return key by key
(a set of its keys, one `in` and `remove` per property, an enum as a chain of comparisons, three sets per
candidate): ~58 % of the write stage. Here the lists are checked column by column with C loops (`map`, `set`,
`min`/`max`): the set of Python types found in each property, the values of the enums, the range of the
numbers, and each distinct field id against the pattern once per process.

The test only accepts the shape `Field` gives (a plain `dict` holding exactly `Field`'s properties, in its
order; candidates as ``{"field_id", "score"}`` dicts) with values of exact built-in types; a subclass, an extra
property (such as a reviewer's `review`) or anything else unusual returns False. It was written for one
version of the field definition: `FIELD_SCHEMA_SHA256` is the digest of it (and of the two lists that use it)
and `enabled()` is False for any other schema, so a changed schema is checked in full until this test is
brought in line (tests/test_field_check.py fails meanwhile).
"""

from __future__ import annotations

import hashlib
import json
import re
from decimal import Decimal
from itertools import chain
from operator import itemgetter
from typing import Any

# the properties of a field, in `extractor.model.Field`'s order (the order of its instance dict)
NAMES = ("field_id", "label", "section", "column", "value", "raw", "unit", "type", "confidence", "status",
         "location", "row", "reasons", "candidates")
# digest of {"field": $defs.field, "fields": properties.fields, "unmatched": properties.unmatched}, canonical JSON
FIELD_SCHEMA_SHA256 = "7bbc438154c2f6db26fcc89476476859b36c51feaaf58752a390f81047f56715"

_NONE = type(None)
_STR = frozenset({str})
_STR_NONE = frozenset({str, _NONE})
_NUMBER = frozenset({int, float})  # exact types: `bool` is no number to the schema
_INT_NONE = frozenset({int, _NONE})
_VALUE = frozenset({int, float, Decimal, str, bool, list, tuple, _NONE})
_DICT = frozenset({dict})
_LIST = frozenset({list})
_TYPES = frozenset({"integer", "decimal", "percent", "boolean", "choice", "multi_choice", "text", "date", "ratio",
                    None})
_STATUSES = frozenset({"accepted", "review", "empty"})
_CANDIDATE_ID = itemgetter("field_id")  # a candidate's two properties
_CANDIDATE_SCORE = itemgetter("score")
_TWO = {2}
# the schema's field id pattern as fastjsonschema compiles it (its `$` becomes `\Z`: no match before a final "\n")
_FIELD_ID = re.compile(r"^[a-z0-9_]+(\.[a-z0-9_]+)*\Z")
_GOOD_IDS: set[str] = set()  # field ids that matched _FIELD_ID (a pure test of the text)
GOOD_IDS_MAX = 65_536  # a catalogue has a few thousand field ids; started again when full


def schema_digest(schema: dict[str, Any]) -> str:
    """The digest of the parts of the result schema this test stands for."""
    props = schema.get("properties", {})
    part = {"field": schema.get("$defs", {}).get("field"), "fields": props.get("fields"),
            "unmatched": props.get("unmatched")}
    return hashlib.sha256(json.dumps(part, sort_keys=True, ensure_ascii=False).encode("utf-8")).hexdigest()


def enabled(schema: dict[str, Any]) -> bool:
    """Does this test stand for `schema`'s field definition (the one it was written for)?"""
    return schema_digest(schema) == FIELD_SCHEMA_SHA256


def _types(values: Any) -> set[type]:
    return set(map(type, values))


def fields_valid(items: Any) -> bool:
    """True when `items` is a list of field dicts each valid against the schema's field definition; False when
    that is not shown here (the full check decides)."""
    if type(items) is not list:
        return False
    if not items:
        return True
    if _types(items) != _DICT or not all(map(NAMES.__eq__, map(tuple, items))):
        return False
    (ids, labels, sections, columns, values, raws, units, types, confs, statuses, locations, rows, reasons,
     candidates) = zip(*map(dict.values, items), strict=True)
    if not (_types(chain(labels, sections)) <= _STR and _types(chain(columns, raws, units)) <= _STR_NONE
            and _types(values) <= _VALUE and _types(locations) == _DICT):
        return False
    if not (_types(types) <= _STR_NONE and set(types) <= _TYPES and _types(statuses) == _STR
            and set(statuses) <= _STATUSES):
        return False
    if not (_types(confs) <= _NUMBER and min(confs) >= 0 and max(confs) <= 1):
        return False  # (a NaN fails `>= 0` or `<= 1` wherever min/max meet it: such a list goes to the full check)
    if not _types(rows) <= _INT_NONE:
        return False
    numbered = [r for r in rows if r is not None]
    if numbered and not min(numbered) >= 1:
        return False
    if not (_types(reasons) == _LIST and _types(chain.from_iterable(reasons)) <= _STR
            and _types(candidates) == _LIST):
        return False
    cands = list(chain.from_iterable(candidates))
    if cands:
        # plain dicts of two entries each holding both properties: exactly {"field_id", "score"}, in either order
        if _types(cands) != _DICT or set(map(len, cands)) != _TWO:
            return False
        try:
            if not (_types(map(_CANDIDATE_ID, cands)) == _STR and _types(map(_CANDIDATE_SCORE, cands)) <= _NUMBER):
                return False
        except KeyError:
            return False
    return _ids_valid(ids)


def _ids_valid(ids: tuple[Any, ...]) -> bool:
    if not _types(ids) <= _STR_NONE:
        return False
    new = set(ids)
    new.discard(None)
    new -= _GOOD_IDS
    if not new:
        return True
    if not all(map(_FIELD_ID.search, new)):
        return False
    if len(_GOOD_IDS) + len(new) > GOOD_IDS_MAX:
        _GOOD_IDS.clear()
    _GOOD_IDS.update(new)
    return True
