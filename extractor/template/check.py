"""Validate one form's patterns file against the catalogue and describe it slot by slot
(`extractor template check ID`): label, field id, score, type, unit, and which ids are new, duplicated or
unused.

The file is loaded with `extractor.catalogue.load_catalogue`, exactly as extraction loads it, so any
PatternError it raises is the error extraction would raise.
"""

from __future__ import annotations

import shutil
import tempfile
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from extractor.catalogue import PATTERNS, Catalogue, Keys, load_catalogue
from extractor.errors import PatternError
from extractor.template.rules import ID_RE, similarity
from extractor.yamlfile import read_yaml


@dataclass
class CheckRow:
    index: int
    label: str
    field: str
    score: float | None  # best similarity of the label to the field's catalogue labels; None for new ids
    type: str
    unit: str | None
    notes: list[str] = field(default_factory=list)  # new, duplicated, type differs …


@dataclass
class CheckReport:
    form_id: str
    path: Path
    rows: list[CheckRow]
    new: list[str]  # ids the form defines itself
    duplicated: list[str]  # ids on more than one slot
    unused: list[str]  # ids the form defines and no slot uses
    errors: list[str]  # problems that must be fixed before extraction can trust the form

    @property
    def ok(self) -> bool:
        return not self.errors


def form_file(form_id: str, patterns_dir: Path | None = None, overlay: Path | None = None) -> Path:
    """The patterns file of `form_id`: the overlay's if it has one, else the built-in one."""
    for root in ([overlay] if overlay else []) + [patterns_dir or PATTERNS]:
        path = root / "forms" / f"{form_id}.yaml"
        if path.is_file():
            return path
    raise PatternError(f"no patterns file for form {form_id!r}; draft it first with `extractor template draft`",
                       path=str((overlay or patterns_dir or PATTERNS) / "forms" / f"{form_id}.yaml"))


def _read(path: Path) -> dict[str, Any]:
    data = read_yaml(path)
    if not isinstance(data, dict) or not data.get("id") or not isinstance(data.get("slots"), list):
        raise PatternError("form: needs id and a slots list", path=str(path))
    return data


def check_file(path: Path, patterns_dir: Path | None = None, overlay: Path | None = None) -> CheckReport:
    """Check the form file at `path`; a file outside the patterns folders is checked as if in an overlay."""
    data = _read(path)
    form_id = str(data["id"])
    inside = path.resolve().parent.parent in {p.resolve() for p in (patterns_dir or PATTERNS, overlay) if p}
    if inside:
        return _check(data, path, _fresh(patterns_dir, overlay))
    with tempfile.TemporaryDirectory(prefix="template-check-") as tmp:
        root = Path(tmp)
        if overlay and overlay.is_dir():
            shutil.copytree(overlay, root, dirs_exist_ok=True)
        (root / "forms").mkdir(exist_ok=True)
        shutil.copy(path, root / "forms" / f"{form_id}.yaml")
        return _check(data, path, _fresh(patterns_dir, root))


def check_form(form_id: str, patterns_dir: Path | None = None, overlay: Path | None = None) -> CheckReport:
    """Check the patterns file of `form_id` (see `form_file`)."""
    return check_file(form_file(form_id, patterns_dir, overlay), patterns_dir, overlay)


def _fresh(patterns_dir: Path | None, overlay: Path | None) -> Catalogue:
    load_catalogue.cache_clear()  # the file may have been edited since the last load
    try:
        return load_catalogue(str(patterns_dir) if patterns_dir else None, str(overlay) if overlay else None)
    finally:
        load_catalogue.cache_clear()


def _check(data: dict[str, Any], path: Path, cat: Catalogue) -> CheckReport:
    own = dict(data.get("fields") or {})
    slots = data["slots"]
    counts = Counter(str(s.get("field")) for s in slots if isinstance(s, dict))
    errors: list[str] = []
    rows: list[CheckRow] = []
    for i, s in enumerate(slots):
        fid = str(s.get("field"))
        spec = cat.fields.get(fid)
        label = str(s.get("label") or "")
        notes = []
        score = None
        if fid in own:
            notes.append("new")
        elif spec is not None and spec.labels:
            score = round(max(similarity(Keys.of(label), Keys.of(x), subset=True) for x in spec.labels), 3)
        if counts[fid] > 1:
            notes.append("duplicated")
        if not ID_RE.match(fid):
            notes.append("bad id")
            errors.append(f"slots[{i}]: field id {fid!r} must be lowercase words joined by _ and .")
        if spec is not None and spec.type != s.get("type"):
            notes.append(f"field is {spec.type}")
            errors.append(f"slots[{i}]: type {s.get('type')} but field {fid} is {spec.type}")
        rows.append(CheckRow(i, label, fid, score, str(s.get("type")), s.get("unit"), notes))
    duplicated = sorted(f for f, n in counts.items() if n > 1)
    errors += [f"field id {f} is used by {counts[f]} slots; give each blank its own id" for f in duplicated]
    unused = sorted(f for f in own if f not in counts)
    for fid in own:
        if not ID_RE.match(str(fid)):
            errors.append(f"fields: {fid!r} must be lowercase words joined by _ and .")
    return CheckReport(str(data["id"]), path, rows, sorted(own), duplicated, unused, errors)


def format_report(report: CheckReport, width: int = 48) -> str:
    """The report as a plain-text table and a summary."""
    lines = [f"{report.path}: form {report.form_id}, {len(report.rows)} slots",
             f"{'#':>3}  {'label':<{width}}  {'field id':<44} {'score':>5}  {'type':<12} {'unit':<10} notes"]
    for r in report.rows:
        label = r.label if len(r.label) <= width else r.label[:width - 1] + "…"
        score = f"{r.score:.2f}" if r.score is not None else "—"
        lines.append(f"{r.index:>3}  {label:<{width}}  {r.field:<44} {score:>5}  {r.type:<12} {r.unit or '':<10} "
                     f"{', '.join(r.notes)}")
    lines.append(f"new ids: {len(report.new)}" + (f" ({', '.join(report.new[:8])}{' …' if len(report.new) > 8 else ''})"
                                                   if report.new else ""))
    lines.append(f"duplicated ids: {', '.join(report.duplicated) or 'none'}")
    lines.append(f"unused ids: {', '.join(report.unused) or 'none'}")
    lines += [f"ERROR {e}" for e in report.errors]
    lines.append("OK: extraction will use this form" if report.ok else f"{len(report.errors)} error(s) to fix")
    return "\n".join(lines)
