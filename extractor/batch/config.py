"""Load and validate ``patterns/batch.yaml`` once: suffixes, archive limits, per-file limits, agency fields."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import Any

from extractor.catalogue import PATTERNS
from extractor.errors import PatternError
from extractor.yamlfile import read_yaml

BATCH_FILE = PATTERNS / "batch.yaml"
CONTAINER_KINDS = ("zip", "eml", "mbox", "msg")
MB = 1024 * 1024


@dataclass(frozen=True)
class ArchiveLimits:
    """Limits that make an archive (or a nest of messages and archives) refused rather than unpacked."""

    max_members: int
    max_member_bytes: int
    max_total_bytes: int
    max_ratio: float
    ratio_min_bytes: int
    max_depth: int


@dataclass(frozen=True, eq=False)
class BatchConfig:
    """The validated content of ``patterns/batch.yaml``."""

    return_suffixes: tuple[str, ...]
    container_suffixes: MappingProxyType[str, str]  # ".zip" -> "zip"
    archive: ArchiveLimits
    timeout_s: float
    max_memory_bytes: int
    max_name_length: int
    agency_fields: MappingProxyType[str, tuple[str, ...]]  # form id (or "default") -> field ids
    resend_by_sender: bool  # agency unknown: a later message from the same sender may replace an earlier one
    same_values_min_filled: int  # two results with the same values (at least this many) are one return
    scan_min_side_px: int  # an image is taken as a scanned return when its shorter side has this many pixels

    def agency_fields_of(self, form_id: str | None) -> tuple[str, ...]:
        """The fields naming the sending agency on `form_id`."""
        return self.agency_fields.get(form_id or "", self.agency_fields.get("default", ()))


def _need(cond: bool, entry: str, message: str, path: Path) -> None:
    if not cond:
        raise PatternError(f"{entry}: {message}", path=str(path))


def _positive(data: dict[str, Any], key: str, entry: str, path: Path) -> float:
    value = data.get(key)
    _need(isinstance(value, (int, float)) and not isinstance(value, bool) and value > 0, f"{entry}.{key}",
          "must be a positive number", path)
    return float(value)


def _suffixes(value: Any, entry: str, path: Path) -> tuple[str, ...]:
    _need(isinstance(value, list) and value and all(isinstance(s, str) and s.startswith(".") for s in value),
          entry, "must be a list of file endings such as .docx", path)
    return tuple(s.lower() for s in value)


@functools.lru_cache(maxsize=4)
def load_config(path: str | None = None) -> BatchConfig:
    """Read and validate the batch settings (default ``patterns/batch.yaml``); PatternError when malformed."""
    file = Path(path) if path else BATCH_FILE
    data = read_yaml(file)
    _need(isinstance(data, dict), "(top)", "must be a mapping", file)
    containers = data.get("container_suffixes")
    _need(isinstance(containers, dict) and set(containers) <= set(CONTAINER_KINDS), "container_suffixes",
          f"must map some of {', '.join(CONTAINER_KINDS)} to file endings", file)
    by_suffix = {s: kind for kind, items in containers.items()
                 for s in _suffixes(items, f"container_suffixes.{kind}", file)}
    arch = data.get("archive")
    _need(isinstance(arch, dict), "archive", "must be a mapping of limits", file)
    limits = data.get("limits")
    _need(isinstance(limits, dict), "limits", "must be a mapping with timeout_s and max_memory_mb", file)
    agency = data.get("agency_fields")
    _need(isinstance(agency, dict) and all(isinstance(v, list) and all(isinstance(f, str) for f in v)
                                           for v in agency.values()),
          "agency_fields", "must map form ids (or default) to lists of field ids", file)
    name_len = data.get("max_name_length")
    _need(isinstance(name_len, int) and name_len >= 16, "max_name_length", "must be an integer ≥ 16", file)
    return BatchConfig(
        return_suffixes=_suffixes(data.get("return_suffixes"), "return_suffixes", file),
        container_suffixes=MappingProxyType(by_suffix),
        archive=ArchiveLimits(
            max_members=int(_positive(arch, "max_members", "archive", file)),
            max_member_bytes=int(_positive(arch, "max_member_mb", "archive", file) * MB),
            max_total_bytes=int(_positive(arch, "max_total_mb", "archive", file) * MB),
            max_ratio=_positive(arch, "max_ratio", "archive", file),
            ratio_min_bytes=int(_positive(arch, "ratio_min_kb", "archive", file) * 1024),
            max_depth=int(_positive(arch, "max_depth", "archive", file)),
        ),
        timeout_s=_positive(limits, "timeout_s", "limits", file),
        max_memory_bytes=int(_positive(limits, "max_memory_mb", "limits", file) * MB),
        max_name_length=name_len,
        agency_fields=MappingProxyType({str(k): tuple(v) for k, v in agency.items()}),
        resend_by_sender=bool(data.get("resend_by_sender", False)),
        same_values_min_filled=int(_positive(data, "same_values_min_filled", "(top)", file)),
        scan_min_side_px=int(_positive(data, "scan_min_side_px", "(top)", file)),
    )
