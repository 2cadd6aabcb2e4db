"""A fast check of a JSON value against a JSON Schema written with a small set of keywords (those of
`patterns/schema/result.schema.json`), compiled once into closures over the schema.

    check = compile_schema(schema)   # raises UnsupportedSchema for a keyword it does not know
    check(value) -> bool             # True: the JSON that `output.dumps` writes for `value` is valid

Exact in one direction: True only for a valid value, never for an invalid one. It reads Python values as
`output.dumps` writes them (dict → object, list or tuple → array, str → string, int → integer, float →
number, bool → boolean, None → null) and is stricter than JSON Schema where that reading is not enough
(subclasses, numpy scalars, ``1.0`` as an integer, NaN against a bound): False then means "not shown
valid", and the full validator (`jsonschema`) has the last word. A keyword it does not know, or a `$ref` it
cannot follow, fails at compile time, so a schema that grows a keyword is never checked loosely.

Each schema becomes a `_Node`: the Python types a valid value may have, and one closure for the keywords
that constrain such a value further. An object's properties are checked in one loop over (name, types,
rest) triples, so a property whose schema is a type alone costs a dict lookup and a set lookup.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

Check = Callable[[Any], bool]

_NONE = type(None)
TYPES: dict[str, frozenset[type]] = {
    "object": frozenset({dict}), "array": frozenset({list, tuple}), "string": frozenset({str}),
    "number": frozenset({int, float}), "integer": frozenset({int}), "boolean": frozenset({bool}),
    "null": frozenset({_NONE}),
}
ANY = frozenset().union(*TYPES.values())
_NUMBERS = TYPES["number"]
_ARRAYS = TYPES["array"]
# keywords that say nothing about validity
ANNOTATIONS = frozenset({"$schema", "$id", "$comment", "$defs", "definitions", "title", "description", "default",
                         "examples"})
CHECKED = frozenset({"type", "enum", "pattern", "minimum", "maximum", "required", "properties",
                     "additionalProperties", "items", "$ref"})
_MISSING = object()


class UnsupportedSchema(ValueError):
    """The schema uses a keyword (or a form of one) this checker does not implement."""


@dataclass(frozen=True, slots=True)
class _Node:
    types: frozenset[type]  # the Python types a valid value may have
    rest: Check | None  # the other keywords, for a value of one of `types`; None: nothing more to check

    def __call__(self, value: Any) -> bool:
        return type(value) in self.types and (self.rest is None or self.rest(value))


def compile_schema(schema: dict[str, Any]) -> Check:
    """The check of `schema` (a JSON Schema document, its `$ref`s local: ``#/$defs/name``)."""
    return _Compiler(schema).node(schema)


class _Compiler:
    def __init__(self, root: dict[str, Any]) -> None:
        self.root = root
        self.refs: dict[str, _Node | None] = {}  # None: being compiled

    def node(self, schema: Any) -> _Node:
        if schema is True or schema == {}:
            return _Node(ANY, None)
        if not isinstance(schema, dict):
            raise UnsupportedSchema(f"schema {schema!r}")
        unknown = set(schema) - ANNOTATIONS - CHECKED
        if unknown:
            raise UnsupportedSchema(f"keywords {sorted(unknown)}")
        types = self.types(schema.get("type"))
        rests = [c for c in (self.enum(schema), self.pattern(schema), self.bounds(schema), self.items(schema),
                             self.object(schema)) if c is not None]
        if "$ref" in schema:
            target = self.ref(schema["$ref"])
            types &= target.types
            if target.rest is not None:
                rests.insert(0, target.rest)
        if not rests:
            return _Node(types, None)
        if len(rests) == 1:
            return _Node(types, rests[0])
        return _Node(types, lambda v: all(c(v) for c in rests))

    def types(self, named: Any) -> frozenset[type]:
        if named is None:
            return ANY
        names = [named] if isinstance(named, str) else named
        if not isinstance(names, list) or any(n not in TYPES for n in names):
            raise UnsupportedSchema(f"type {named!r}")
        return frozenset().union(*(TYPES[n] for n in names))

    def ref(self, ref: Any) -> _Node:
        if ref not in self.refs:
            parts = ref.split("/") if isinstance(ref, str) else []
            if len(parts) != 3 or parts[0] != "#" or parts[1] not in ("$defs", "definitions"):
                raise UnsupportedSchema(f"$ref {ref!r}")
            try:
                target = self.root[parts[1]][parts[2]]
            except KeyError:
                raise UnsupportedSchema(f"$ref {ref!r} names no definition") from None
            self.refs[ref] = None
            self.refs[ref] = self.node(target)
        found = self.refs[ref]
        if found is None:
            raise UnsupportedSchema(f"$ref {ref!r} refers to itself")
        return found

    @staticmethod
    def enum(schema: dict[str, Any]) -> Check | None:
        if "enum" not in schema:
            return None
        members = schema["enum"]
        if not isinstance(members, list) or any(m is not None and type(m) is not str for m in members):
            raise UnsupportedSchema(f"enum {members!r} (only strings and null)")
        allowed = frozenset(members)
        return lambda v: (v is None or type(v) is str) and v in allowed

    @staticmethod
    def pattern(schema: dict[str, Any]) -> Check | None:
        if "pattern" not in schema:
            return None
        search = re.compile(schema["pattern"]).search  # what jsonschema does: re.search
        return lambda v: type(v) is not str or search(v) is not None

    @staticmethod
    def bounds(schema: dict[str, Any]) -> Check | None:
        low, high = schema.get("minimum"), schema.get("maximum")
        if low is None and high is None:
            return None
        if any(b is not None and type(b) not in _NUMBERS for b in (low, high)):
            raise UnsupportedSchema(f"bounds {low!r}, {high!r}")
        low = float("-inf") if low is None else low
        high = float("inf") if high is None else high
        return lambda v: type(v) not in _NUMBERS or low <= v <= high  # NaN fails: the full validator decides

    def items(self, schema: dict[str, Any]) -> Check | None:
        if "items" not in schema:
            return None
        item = self.node(schema["items"])
        if item.rest is None:
            if item.types == ANY:
                return None
            known = item.types.__contains__
            return lambda v: type(v) not in _ARRAYS or all(map(known, map(type, v)))
        types, rest = item.types, item.rest

        def check(v: Any) -> bool:
            if type(v) in _ARRAYS:
                for x in v:
                    if type(x) not in types or not rest(x):
                        return False
            return True

        return check

    def object(self, schema: dict[str, Any]) -> Check | None:
        required = schema.get("required", [])
        props = schema.get("properties", {})
        extra_schema = schema.get("additionalProperties", True)
        if not isinstance(required, list) or not isinstance(props, dict):
            raise UnsupportedSchema(f"required {required!r} / properties")
        if not required and not props and extra_schema is True:
            return None
        needed = frozenset(required)
        checked = tuple((name, n.types, n.rest) for name, sub in props.items()
                        if (n := self.node(sub)).types != ANY or n.rest is not None)
        named = frozenset(props)
        extra = None if extra_schema is True else self.node(extra_schema)

        def check(v: Any) -> bool:
            if type(v) is not dict:
                return True
            if not v.keys() >= needed:
                return False
            get = v.get
            for name, types, rest in checked:
                x = get(name, _MISSING)
                if x is not _MISSING and (type(x) not in types or (rest is not None and not rest(x))):
                    return False
            return extra is None or all(k in named or extra(x) for k, x in v.items())

        return check
