"""A fast check of a JSON value against a JSON Schema written with a small set of keywords (those of
`patterns/schema/result.schema.json`), compiled once into Python source.

    check = compile_schema(schema)   # raises UnsupportedSchema for a keyword it does not know
    check(value) -> bool             # True: the JSON that `output.dumps` writes for `value` is valid
    check.source                     # the generated code, for reading

Exact in one direction: True only for a valid value, never for an invalid one. It reads Python values as
`output.dumps` writes them (dict → object, list or tuple → array, str → string, int → integer, float →
number, bool → boolean, None → null) and is stricter than JSON Schema where that reading is not enough
(subclasses, numpy scalars, ``1.0`` as an integer, NaN against a bound): False then means "not shown
valid", and the full validator (`jsonschema`) has the last word. A keyword it does not know, or a `$ref` it
cannot follow, fails at compile time, so a schema that grows a keyword is never checked loosely.

Each keyword becomes one or two lines that ``return False`` (`fastjsonschema` does the same, with more
general code): a definition (``#/$defs/field``) becomes a function of its own, an array's items a loop, an
object's properties a `dict.get` each. A result of 120 fields is checked in a few hundred microseconds.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

Check = Callable[[Any], bool]

_NONE = type(None)
TYPES: dict[str, frozenset[type]] = {
    "object": frozenset({dict}), "array": frozenset({list, tuple}), "string": frozenset({str}),
    "number": frozenset({int, float}), "integer": frozenset({int}), "boolean": frozenset({bool}),
    "null": frozenset({_NONE}),
}
ANY = frozenset().union(*TYPES.values())
# keywords that say nothing about validity
ANNOTATIONS = frozenset({"$schema", "$id", "$comment", "$defs", "definitions", "title", "description", "default",
                         "examples"})
CHECKED = frozenset({"type", "enum", "pattern", "minimum", "maximum", "required", "properties",
                     "additionalProperties", "items", "$ref"})


class UnsupportedSchema(ValueError):
    """The schema uses a keyword (or a form of one) this checker does not implement."""


def compile_schema(schema: dict[str, Any]) -> Check:
    """The check of `schema` (a JSON Schema document, its `$ref`s local: ``#/$defs/name``)."""
    gen = _Generator(schema)
    gen.function("check", schema)
    source = "\n".join(line for body in gen.functions.values() for line in body)
    namespace: dict[str, Any] = dict(gen.constants)
    exec(compile(source, "<schemacheck>", "exec"), namespace)  # noqa: S102 (our own code, from the schema)
    check = namespace["check"]
    check.source = source
    return check  # type: ignore[no-any-return]


class _Generator:
    def __init__(self, root: dict[str, Any]) -> None:
        self.root = root
        self.functions: dict[str, list[str]] = {}  # name -> lines
        self.constants: dict[str, Any] = {"_MISSING": object(), "_NUMBERS": TYPES["number"],
                                          "_ARRAYS": TYPES["array"]}
        self.refs: dict[str, str] = {}  # $ref -> function name
        self.names = 0

    def function(self, name: str, schema: Any) -> None:
        self.functions[name] = []  # placed before the functions it calls (any order works)
        body: list[str] = []
        self.emit(schema, "v", None, body, 1)
        self.functions[name] = [f"def {name}(v):", *body, "    return True", ""]

    def constant(self, value: Any) -> str:
        name = f"_k{len(self.constants)}"
        self.constants[name] = value
        return name

    def variable(self) -> str:
        self.names += 1
        return f"v{self.names}"

    def emit(self, schema: Any, var: str, known: frozenset[type] | None, out: list[str], depth: int) -> None:
        """Lines (at `depth`) that return False when `var` fails `schema`; `var` is of one of the `known` types
        (None: of any Python type; its type is then always tested, a value JSON has no form for fails)."""
        pad = "    " * depth
        if schema is True or schema == {}:
            return
        if not isinstance(schema, dict):
            raise UnsupportedSchema(f"schema {schema!r}")
        unknown = set(schema) - ANNOTATIONS - CHECKED
        if unknown:
            raise UnsupportedSchema(f"keywords {sorted(unknown)}")
        if "$ref" in schema:
            out.append(f"{pad}if not {self.ref(schema['$ref'])}({var}): return False")
        types = self.types(schema.get("type")) & (ANY if known is None else known)
        if types != known and not ("$ref" in schema and "type" not in schema):  # a definition tests its own
            out.append(f"{pad}if type({var}) not in {self.constant(types)}: return False")
        if "enum" in schema:
            members = schema["enum"]
            if not isinstance(members, list) or any(m is not None and type(m) is not str for m in members):
                raise UnsupportedSchema(f"enum {members!r} (only strings and null)")
            allowed = self.constant(frozenset(members))
            out.append(f"{pad}if not (({var} is None or type({var}) is str) and {var} in {allowed}): return False")
        if "pattern" in schema:
            search = self.constant(re.compile(schema["pattern"]).search)  # what jsonschema does: re.search
            out.append(f"{pad}if type({var}) is str and {search}({var}) is None: return False")
        self.bounds(schema, var, types, out, pad)
        self.items(schema, var, types, out, depth)
        self.object(schema, var, types, out, depth)

    def types(self, named: Any) -> frozenset[type]:
        if named is None:
            return ANY
        names = [named] if isinstance(named, str) else named
        if not isinstance(names, list) or any(n not in TYPES for n in names):
            raise UnsupportedSchema(f"type {named!r}")
        return frozenset().union(*(TYPES[n] for n in names))

    def ref(self, ref: Any) -> str:
        if ref not in self.refs:
            parts = ref.split("/") if isinstance(ref, str) else []
            if len(parts) != 3 or parts[0] != "#" or parts[1] not in ("$defs", "definitions"):
                raise UnsupportedSchema(f"$ref {ref!r}")
            try:
                target = self.root[parts[1]][parts[2]]
            except KeyError:
                raise UnsupportedSchema(f"$ref {ref!r} names no definition") from None
            name = f"check_{len(self.refs)}_{re.sub(r'[^0-9A-Za-z_]', '_', parts[2])}"
            self.refs[ref] = ""  # being compiled
            self.function(name, target)
            self.refs[ref] = name
        if not self.refs[ref]:
            raise UnsupportedSchema(f"$ref {ref!r} refers to itself")
        return self.refs[ref]

    def bounds(self, schema: dict[str, Any], var: str, types: frozenset[type], out: list[str], pad: str) -> None:
        low, high = schema.get("minimum"), schema.get("maximum")
        if low is None and high is None:
            return
        if any(b is not None and type(b) not in TYPES["number"] for b in (low, high)):
            raise UnsupportedSchema(f"bounds {low!r}, {high!r}")
        test = " and ".join(t for t in (f"{low!r} <= {var}" if low is not None else "",
                                        f"{var} <= {high!r}" if high is not None else "") if t)
        guard = "" if types <= TYPES["number"] else f"type({var}) in _NUMBERS and "
        out.append(f"{pad}if {guard}not ({test}): return False")  # NaN fails: the full validator decides

    def items(self, schema: dict[str, Any], var: str, types: frozenset[type], out: list[str], depth: int) -> None:
        if "items" not in schema:
            return
        body: list[str] = []
        item = self.variable()
        self.emit(schema["items"], item, None, body, depth + 2)
        if not body:
            return
        pad = "    " * depth
        if types <= TYPES["array"]:
            out += [f"{pad}for {item} in {var}:", *(line[4:] for line in body)]
        else:
            out += [f"{pad}if type({var}) in _ARRAYS:", f"{pad}    for {item} in {var}:", *body]

    def object(self, schema: dict[str, Any], var: str, types: frozenset[type], out: list[str], depth: int) -> None:
        required = schema.get("required", [])
        props = schema.get("properties", {})
        extra = schema.get("additionalProperties", True)
        if not isinstance(required, list) or not isinstance(props, dict):
            raise UnsupportedSchema(f"required {required!r} / properties")
        body: list[str] = []
        inner = "    " * (depth + 1)
        if required:
            body.append(f"{inner}if not {var}.keys() >= {self.constant(frozenset(required))}: return False")
        for name, sub in props.items():
            lines: list[str] = []
            value = self.variable()
            self.emit(sub, value, None, lines, depth + 2)
            if lines:
                body += [f"{inner}{value} = {var}.get({name!r}, _MISSING)", f"{inner}if {value} is not _MISSING:",
                         *lines]
        if extra is not True:
            key, value, lines = self.variable(), self.variable(), []
            self.emit(extra, value, None, lines, depth + 3)
            if lines:
                body += [f"{inner}for {key}, {value} in {var}.items():",
                         f"{inner}    if {key} not in {self.constant(frozenset(props))}:", *lines]
        if not body:
            return
        pad = "    " * depth
        if types <= TYPES["object"]:
            out += [line[4:] for line in body]
        else:
            out += [f"{pad}if type({var}) is dict:", *body]
