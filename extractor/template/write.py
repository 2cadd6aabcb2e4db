"""A Draft as a reviewable patterns file: one entry per slot in document order, each under a comment with
the proposal's evidence (catalogue score or NEW, the inferred type's reason, the printed line).

The file has the layout `extractor.catalogue.load_catalogue` reads (`id`, `headings`, `slots`), plus
`fields:` defining the new field ids, so a drafted form is used exactly like a hand-checked one.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Any

import yaml

from extractor.template.draft import Draft, DraftSlot

HEADER = """\
# Drafted by `extractor template draft` from {source}: review every slot, then run
# `extractor template check {id}`. Each comment says where the proposal comes from:
#   catalogue 0.97   the field id of the known slot that matches this blank best, with extraction's matching
#                    score (1.0 and above: same wording, section and unit)
#   NEW              no catalogue field matches: a new id from the section and the label, defined in `fields:`
# Edit `field`, `type`, `unit` freely; a new id must also be renamed under `fields:`.
"""


def slot_entry(d: DraftSlot) -> dict[str, Any]:
    """The patterns-file entry of one drafted slot (the keys `corpora.patterns_export` writes)."""
    entry: dict[str, Any] = {"field": d.field, "kind": d.kind, "type": d.type, "label": d.label}
    if d.context and d.context != d.label:
        entry["context"] = d.context
    entry["section"] = d.section
    for key, value in (("column", d.column), ("unit", d.unit), ("before", d.before), ("after", d.after)):
        if value:
            entry[key] = value
    if d.list:
        entry["list"] = d.list
    if d.options:
        entry["options"] = [{"key": k, "text": t} for k, t in zip(d.option_keys, d.options, strict=True)]
    return entry


def form_data(draft: Draft) -> dict[str, Any]:
    """The whole patterns file as plain data."""
    return {"id": draft.id, "source": draft.source, "headings": draft.headings,
            "slots": [slot_entry(d) for d in draft.slots], "fields": draft.fields}


def _dump(data: Any) -> str:
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=1000)


def _comment(n: int, d: DraftSlot) -> str:
    origin = f"catalogue {d.score:.2f}" if d.score is not None else "NEW"
    where = " ".join(d.source.split())
    where = where if len(where) <= 100 else where[:97] + "…"
    return f"# [{n}] {origin} · type from {d.inferred.why} · «{where}»\n"


def to_yaml(draft: Draft) -> str:
    """The reviewable YAML text of a draft."""
    head = {"id": draft.id, "source": draft.source, "headings": draft.headings}
    parts = [HEADER.format(source=draft.source, id=draft.id), _dump(head), "slots:\n"]
    for n, d in enumerate(draft.slots):
        parts.append(_comment(n, d))
        parts.append(_dump([slot_entry(d)]))
    if draft.fields:
        parts.append("# New field ids this form defines (not in catalogue.yaml).\n")
        parts.append(_dump({"fields": draft.fields}))
    return "".join(parts)


def write_draft(draft: Draft, target: Path, force: bool = False) -> Path:
    """Write the draft to `target` atomically; refuses to replace an existing file unless `force`."""
    if target.exists() and not force:
        raise FileExistsError(str(target))
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(to_yaml(draft))
    os.replace(tmp, target)
    return target
