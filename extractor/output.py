"""Write results as JSON, atomically, valid against `patterns/schema/result.schema.json`."""

from __future__ import annotations

import functools
import json
import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import fastjsonschema
import jsonschema
import orjson

from extractor.catalogue import PATTERNS
from extractor.model import Result

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


_OPTIONS = orjson.OPT_INDENT_2 | orjson.OPT_APPEND_NEWLINE | orjson.OPT_SERIALIZE_NUMPY


def dumps(data: Any) -> bytes:
    """A result as indented UTF-8 JSON text ending in a newline (orjson: ~10× the standard library's indented
    encoder, which works in pure Python one token at a time). Raises TypeError for a type JSON has no form for."""
    return orjson.dumps(data, option=_OPTIONS)


def output_name(source: Path) -> str:
    """`returns/a.docx` → `a.docx.json` (the format stays in the name: a.docx and a.pdf do not collide)."""
    return f"{source.name}.json"


def write_result(result: Result, out_dir: Path) -> Path:
    """Write `result` into `out_dir` atomically (temp file + rename) and return the path."""
    return write_data(result.to_dict(shallow=True), out_dir / output_name(Path(result.source.path)))


def write_data(data: dict[str, Any], target: Path) -> Path:
    """Validate a result dict and write it to `target` atomically (temp file + rename); return `target`."""
    validate(data)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".tmp-", suffix=".json", dir=target.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(dumps(data))
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return target
