"""Load a results folder for review: every `*.json` under it (recursively) that is an extraction result
per `patterns/schema/result.schema.json`. Other JSON (a batch manifest, settings) and results already
exported by `extractor export-reviewed` (they carry a top-level `review`) are skipped, with the reason.

Items are identified by ``(source sha256, "fields" | "unmatched", index)``; the return itself is the item
``(sha256, "return", 0)`` (its not-a-form decision).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jsonschema

from extractor.batch.manifest import MANIFEST, final_lines, read_manifest
from extractor.output import validate

KINDS = ("fields", "unmatched")
AGENCY_FIELDS = ("report.agency_name", "contact.unit")  # field ids whose value names the reporting agency


@dataclass(frozen=True, order=True)
class ItemKey:
    """One reviewable item of one return."""

    sha256: str
    kind: str  # fields | unmatched | return
    index: int

    @property
    def slug(self) -> str:
        return f"{self.sha256}/{self.kind}/{self.index}"


@dataclass
class ReturnFile:
    """One extraction result as found in the folder."""

    path: Path
    data: dict[str, Any]

    @property
    def sha256(self) -> str:
        return self.data["source"]["sha256"]

    @property
    def form_id(self) -> str | None:
        return self.data["form"]["id"]

    @property
    def format(self) -> str:
        return self.data["source"]["format"]

    @property
    def source_path(self) -> str:
        return self.data["source"]["path"]

    @property
    def name(self) -> str:
        prov = self.data.get("provenance") or {}
        return prov.get("original_name") or Path(self.source_path).name

    @property
    def superseded_by(self) -> str | None:
        return self.data.get("superseded_by")

    @property
    def agency(self) -> str:
        """The reporting agency as the return names it, else the sender, else the file name."""
        for fid in AGENCY_FIELDS:
            for f in self.data["fields"]:
                if f["field_id"] == fid and isinstance(f["value"], str) and f["value"].strip():
                    return f["value"].strip()
        prov = self.data.get("provenance") or {}
        return prov.get("sender") or self.name

    def field(self, kind: str, index: int) -> dict[str, Any]:
        return self.data[kind][index]

    def item_keys(self) -> list[ItemKey]:
        return [ItemKey(self.sha256, kind, i) for kind in KINDS for i in range(len(self.data[kind]))]


def category(f: dict[str, Any], kind: str) -> str:
    """accepted / review / empty / failed (text found that could not be read as a value); disjoint."""
    if kind == "unmatched":
        return "review"
    if f["status"] == "review" and f["value"] is None and f["raw"] is not None:
        return "failed"
    return f["status"]


def needs_review(f: dict[str, Any], kind: str) -> bool:
    return category(f, kind) in ("review", "failed")


@dataclass
class ResultSet:
    """The results of a folder, by source sha256, and what was skipped and why."""

    root: Path
    returns: dict[str, ReturnFile] = field(default_factory=dict)
    skipped: list[tuple[Path, str]] = field(default_factory=list)
    failed_inputs: list[tuple[str, str]] = field(default_factory=list)  # (input, reason) from a batch manifest

    def get(self, sha256: str) -> ReturnFile | None:
        return self.returns.get(sha256)

    def item(self, key: ItemKey) -> dict[str, Any] | None:
        ret = self.returns.get(key.sha256)
        if ret is None or key.kind not in KINDS or not 0 <= key.index < len(ret.data[key.kind]):
            return None
        return ret.data[key.kind][key.index]


def load_results(root: Path) -> ResultSet:
    """Every extraction result under `root`, keyed by source sha256 (the first file wins a duplicate)."""
    out = ResultSet(Path(root))
    for path in sorted(Path(root).rglob("*.json")):
        if any(part.startswith(".") for part in path.relative_to(root).parts):
            continue
        reason = None
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            validate(data)
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
            reason = f"not readable JSON: {exc}"
        except jsonschema.ValidationError as exc:
            reason = f"not an extraction result: {exc.message}"
        else:
            if "review" in data:
                reason = "already a reviewed export"
            elif data["source"]["sha256"] in out.returns:
                reason = f"same return as {out.returns[data['source']['sha256']].path}"
        if reason:
            out.skipped.append((path, reason))
            continue
        ret = ReturnFile(path, data)
        out.returns[ret.sha256] = ret
    out.failed_inputs = failed_inputs(Path(root) / MANIFEST)
    return out


def failed_inputs(manifest: Path) -> list[tuple[str, str]]:
    """Inputs a batch could not extract (their final manifest line says `failed`), with the reason: they have
    no result to review, and the clerk must still chase them."""
    return [(str(line.get("input") or line.get("name") or "?"), str(line.get("error") or "failed"))
            for line in final_lines(read_manifest(manifest)) if line.get("status") == "failed"]
