"""Write results as JSON, atomically, valid against `patterns/schema/result.schema.json`."""

from __future__ import annotations

import functools
import hashlib
import json
import os
import tempfile
import unicodedata
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import fastjsonschema
import orjson

from extractor.catalogue import PATTERNS
from extractor.model import Result

if TYPE_CHECKING:
    import jsonschema

SCHEMA = PATTERNS / "schema" / "result.schema.json"


@functools.lru_cache(maxsize=1)
def validator() -> jsonschema.Draft202012Validator:
    import jsonschema  # only when fastjsonschema objects: it is slow to import and rarely needed

    with open(SCHEMA, encoding="utf-8") as fh:
        return jsonschema.Draft202012Validator(json.load(fh))


@functools.lru_cache(maxsize=1)
def _fast_check() -> Callable[[Any], Any]:
    # The schema uses only keywords whose meaning draft-07 shares with 2020-12 (type, enum, pattern, $ref …),
    # so fastjsonschema's generated code checks it ~20× faster than jsonschema walks it. Its local references
    # are put in place first: fastjsonschema makes each `$ref` a function call whose name for error messages
    # (`data.fields[7]`) is formatted from `locals()` before every call, ~30 % of the check of a result of
    # 120 fields; in place, the same checks run inline and name the item only when they raise.
    with open(SCHEMA, encoding="utf-8") as fh:
        schema = json.load(fh)
    schema.pop("$schema", None)
    return fastjsonschema.compile(inline_refs(schema))


def inline_refs(schema: dict[str, Any]) -> dict[str, Any]:
    """`schema` with each local reference (``{"$ref": "#/$defs/NAME"}``, alone in its object) replaced by the
    definition it names, and `$defs` dropped when no reference to it is left. The same schema for a
    validator: it accepts and rejects the same documents. A definition that refers to itself (directly or
    through others) keeps its references, and so `$defs`."""
    defs = schema.get("$defs", {})
    kept = False

    def put(node: Any, open_: tuple[str, ...]) -> Any:
        nonlocal kept
        if isinstance(node, list):
            return [put(v, open_) for v in node]
        if not isinstance(node, dict):
            return node
        ref = node.get("$ref")
        if isinstance(ref, str) and len(node) == 1 and ref.startswith("#/$defs/"):
            name = ref[len("#/$defs/"):]
            if name in defs and name not in open_ and "/" not in name and "~" not in name:
                return put(defs[name], (*open_, name))
            kept = True
            return node
        return {k: put(v, open_) for k, v in node.items()}

    out = {k: put(v, ()) for k, v in schema.items() if k != "$defs"}
    if kept and "$defs" in schema:
        out["$defs"] = schema["$defs"]
    return out


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


def _short_hash(path: Path) -> str:
    return hashlib.sha256(str(path.resolve()).encode("utf-8", "surrogateescape")).hexdigest()[:8]


def _name_key(name: Path) -> str:
    # names equal on a case-insensitive file system (Windows, macOS) collide too
    return unicodedata.normalize("NFC", name.as_posix()).casefold()


def _owner(target: Path) -> str | None:
    """The ``source.path`` of the result already at `target`, None when there is none (or it is unreadable)."""
    try:
        data = json.loads(target.read_bytes())
        return str(data["source"]["path"])
    except (OSError, ValueError, KeyError, TypeError):
        return None


def output_paths(inputs: list[tuple[Path, Path | None]], out_dir: Path) -> dict[Path, Path]:
    """Where `extract` writes the result of each input: one distinct file per input, never another's.

    `inputs` are (file, the folder it was found in, or None when named directly). The name keeps the path
    under that folder (``IN/soA/baocao.docx`` given as ``IN`` → ``soA/baocao.docx.json``), else the file's
    name (``baocao.docx.json``). Inputs whose names would still be equal (two files named directly, two
    folders holding the same relative path), or whose name is taken by the result of another file from an
    earlier run, get a short hash of their full path: ``baocao.docx.1a2b3c4d.json``."""
    named = {}
    for file, base in inputs:
        named[file] = file.relative_to(base) if base is not None else Path(file.name)
    count = Counter(_name_key(n) for n in named.values())
    out: dict[Path, Path] = {}
    for file, rel in named.items():
        target = out_dir / f"{rel}.json"
        owner = _owner(target) if target.exists() else None
        if count[_name_key(rel)] > 1 or (owner is not None and owner != str(file)):
            target = out_dir / f"{rel}.{_short_hash(file)}.json"
        out[file] = target
    return out


def write_result(result: Result, out_dir: Path, target: Path | None = None) -> Path:
    """Write `result` atomically (temp file + rename) to `target`, by default ``out_dir/<file name>.json``;
    return the path."""
    return write_data(result.to_dict(shallow=True), target or out_dir / output_name(Path(result.source.path)))


def write_data(data: dict[str, Any], target: Path) -> Path:
    """Validate a result dict and write it to `target` atomically (temp file + rename); return `target`."""
    validate(data)
    blob = dumps(data)
    folder = target.parent
    if folder not in _FOLDERS:
        folder.mkdir(parents=True, exist_ok=True)
        _FOLDERS.add(folder)
    try:
        return write_bytes(blob, target, suffix=".json")
    except FileNotFoundError:  # the folder was removed since it was made: made again
        folder.mkdir(parents=True, exist_ok=True)
        return write_bytes(blob, target, suffix=".json")


_FOLDERS: set[Path] = set()  # folders this process made (or found) for results: not asked again


def write_bytes(blob: bytes, target: Path, suffix: str = "") -> Path:
    """Write `blob` to `target` atomically: a temp file (``.tmp-*``, removed by the next run if left behind) in the
    same folder, then a rename; return `target`."""
    fd, tmp = tempfile.mkstemp(prefix=".tmp-", suffix=suffix, dir=target.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(blob)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return target
