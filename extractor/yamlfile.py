"""Reading the YAML files of `patterns/`: one place turns an unreadable or malformed file into `PatternError`,
and parses with libyaml (`yaml.CSafeLoader`) when PyYAML was built with it (five times faster than the
pure-Python `SafeLoader`, which is the fallback; both build the same safe Python objects)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from extractor.errors import PatternError

SafeLoader: type = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def load_text(text: str) -> Any:
    """`yaml.safe_load(text)`, with libyaml when available."""
    return yaml.load(text, Loader=SafeLoader)  # noqa: S506 - a safe loader (CSafeLoader or SafeLoader)


def read_yaml(path: Path) -> Any:
    """The parsed YAML in `path`; `PatternError` naming the file when it cannot be read or parsed."""
    try:
        return load_text(Path(path).read_text(encoding="utf-8"))
    except OSError as exc:
        raise PatternError(f"cannot be read ({exc.strerror or exc})", path=str(path)) from None
    except yaml.YAMLError as exc:
        raise PatternError("is not valid YAML: " + " ".join(str(exc).split()), path=str(path)) from None


def read_mapping(path: Path) -> dict[str, Any]:
    """Like `read_yaml`, for files whose top level must be a mapping."""
    data = read_yaml(path)
    if not isinstance(data, dict):
        raise PatternError("must be a mapping at the top level", path=str(path))
    return data
