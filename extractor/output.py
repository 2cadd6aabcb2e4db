"""Write results as JSON, atomically, valid against `patterns/schema/result.schema.json`."""

from __future__ import annotations

import functools
import json
import os
import tempfile
from collections.abc import Callable, Iterator
from json.encoder import c_encode_basestring, py_encode_basestring  # type: ignore[attr-defined]
from pathlib import Path
from typing import Any

import fastjsonschema
import jsonschema

from extractor.catalogue import PATTERNS
from extractor.model import Result

_encode_str = c_encode_basestring or py_encode_basestring
SCHEMA = PATTERNS / "schema" / "result.schema.json"


@functools.lru_cache(maxsize=1)
def validator() -> jsonschema.Draft202012Validator:
    with open(SCHEMA, encoding="utf-8") as fh:
        return jsonschema.Draft202012Validator(json.load(fh))


@functools.lru_cache(maxsize=1)
def _fast_check() -> Callable[[Any], Any]:
    # The schema uses only keywords whose meaning draft-07 shares with 2020-12 (type, enum, pattern, $ref …),
    # so fastjsonschema's generated code checks it ~20× faster than jsonschema walks it.
    with open(SCHEMA, encoding="utf-8") as fh:
        schema = json.load(fh)
    schema.pop("$schema", None)
    return fastjsonschema.compile(schema)


def validate(data: dict[str, Any]) -> None:
    """Raise jsonschema.ValidationError when `data` does not follow the result schema."""
    try:
        _fast_check()(data)
    except fastjsonschema.JsonSchemaException:
        # jsonschema has the last word (and the clearer message); fastjsonschema is a little stricter
        # (e.g. its `$` does not match before a final newline)
        validator().validate(data)


class _Unusual(Exception):
    """A value `dumps` leaves to the json module (non-string keys, types JSON has no form for)."""


def _float(o: float) -> str:
    # what json writes for a float (allow_nan=True): repr, or NaN / Infinity / -Infinity
    if o != o:
        return "NaN"
    if o == float("inf"):
        return "Infinity"
    if o == -float("inf"):
        return "-Infinity"
    return float.__repr__(o)


def _encode(o: Any, indent: str, parts: list[str]) -> None:
    # exact types only: subclasses (IntEnum, numpy floats, str enums …) go to the json module (`_Unusual`)
    inner = indent + " "
    t = type(o)
    if t is dict:
        if not o:
            parts.append("{}")
            return
        sep, nxt = "{\n" + inner, ",\n" + inner
        for k, v in o.items():
            if type(k) is not str:
                raise _Unusual
            tv = type(v)
            if tv is str:
                parts.append(sep + _encode_str(k) + ": " + _encode_str(v))
            elif v is None:
                parts.append(sep + _encode_str(k) + ": null")
            elif tv is int:
                parts.append(sep + _encode_str(k) + ": " + int.__repr__(v))
            elif tv is float:
                parts.append(sep + _encode_str(k) + ": " + _float(v))
            elif v is True:
                parts.append(sep + _encode_str(k) + ": true")
            elif v is False:
                parts.append(sep + _encode_str(k) + ": false")
            else:
                parts.append(sep + _encode_str(k) + ": ")
                _encode(v, inner, parts)
            sep = nxt
        parts.append("\n" + indent + "}")
    elif t is list or t is tuple:
        if not o:
            parts.append("[]")
            return
        sep, nxt = "[\n" + inner, ",\n" + inner
        for v in o:
            if type(v) is str:
                parts.append(sep + _encode_str(v))
            else:
                parts.append(sep)
                _encode(v, inner, parts)
            sep = nxt
        parts.append("\n" + indent + "]")
    elif t is str:
        parts.append(_encode_str(o))
    elif o is None:
        parts.append("null")
    elif o is True:
        parts.append("true")
    elif o is False:
        parts.append("false")
    elif t is int:
        parts.append(int.__repr__(o))
    elif t is float:
        parts.append(_float(o))
    else:
        raise _Unusual


def dumps(data: Any) -> str:
    """`json.dumps(data, ensure_ascii=False, indent=1)`, to the byte, about 3× faster: the standard library
    encodes indented JSON in pure Python one token at a time (its C encoder has no indentation)."""
    parts: list[str] = []
    try:
        _encode(data, "", parts)
    except (_Unusual, RecursionError):
        return json.dumps(data, ensure_ascii=False, indent=1)
    return "".join(parts)


class _OnePiece(json.JSONEncoder):
    """`json.dump`'s encoder for results (ensure_ascii=False, indent=1): the text of `dumps`, in one piece."""

    def iterencode(self, o: Any, _one_shot: bool = False) -> Iterator[str]:
        yield dumps(o)


def output_name(source: Path) -> str:
    """`returns/a.docx` → `a.docx.json` (the format stays in the name: a.docx and a.pdf do not collide)."""
    return f"{source.name}.json"


def write_result(result: Result, out_dir: Path) -> Path:
    """Write `result` into `out_dir` atomically (temp file + rename) and return the path."""
    return write_data(result.to_dict(), out_dir / output_name(Path(result.source.path)))


def write_data(data: dict[str, Any], target: Path) -> Path:
    """Validate a result dict and write it to `target` atomically (temp file + rename); return `target`."""
    validate(data)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".tmp-", suffix=".json", dir=target.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(data, fh, ensure_ascii=False, indent=1, cls=_OnePiece)
            fh.write("\n")
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return target
