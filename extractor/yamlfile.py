"""Reading the YAML files of `patterns/`: one place turns an unreadable or malformed file into `PatternError`."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from extractor.errors import PatternError


def read_yaml(path: Path) -> Any:
    """The parsed YAML in `path`; `PatternError` naming the file when it cannot be read or parsed."""
    try:
        return yaml.safe_load(Path(path).read_text(encoding="utf-8"))
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
