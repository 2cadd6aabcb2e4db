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


def output_name(source: Path) -> str:
    """`returns/a.docx` → `a.docx.json` (the format stays in the name: a.docx and a.pdf do not collide)."""
    return f"{source.name}.json"


def write_result(result: Result, out_dir: Path) -> Path:
    """Write `result` into `out_dir` atomically (temp file + rename) and return the path."""
    data = result.to_dict()
    validate(data)
    out_dir.mkdir(parents=True, exist_ok=True)
    target = out_dir / output_name(Path(result.source.path))
    fd, tmp = tempfile.mkstemp(prefix=".tmp-", suffix=".json", dir=out_dir)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(json.dumps(data, ensure_ascii=False, indent=1))  # one write, not one per token
            fh.write("\n")
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return target
