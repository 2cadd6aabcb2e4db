"""Write results as JSON, atomically, valid against `patterns/schema/result.schema.json`."""

from __future__ import annotations

import functools
import json
import os
import tempfile
from pathlib import Path
from typing import Any

import jsonschema

from extractor.catalogue import PATTERNS
from extractor.model import Result

SCHEMA = PATTERNS / "schema" / "result.schema.json"


@functools.lru_cache(maxsize=1)
def validator() -> jsonschema.Draft202012Validator:
    with open(SCHEMA, encoding="utf-8") as fh:
        return jsonschema.Draft202012Validator(json.load(fh))


def validate(data: dict[str, Any]) -> None:
    """Raise jsonschema.ValidationError when `data` does not follow the result schema."""
    validator().validate(data)


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
            json.dump(data, fh, ensure_ascii=False, indent=1)
            fh.write("\n")
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return target
