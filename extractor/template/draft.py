"""Draft a form's patterns file from its blank template: every blank, checkbox group, table cell and list
column the slot finder sees, with an inferred type and unit and a proposed field id.

    read(BLANK) ─► find_slots() ─► blanks of the blank form (printed notes dropped, list tables folded to
    their columns) ─► infer_type() ─► Matcher.score() against every known template slot ─► one id per slot:
    an existing catalogue id at or above `reuse_min`, else a new readable id ─► Draft ─► YAML (write.py)

Pure over the document except `draft_path`, which reads the template.
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, replace
from dataclasses import field as dc_field
from pathlib import Path
from typing import Any

import numpy as np

from extractor.blanks import LEADER, date_words, is_date_line
from extractor.catalogue import Catalogue, FieldSpec, Keys, TemplateSlot
from extractor.matching import Matcher
from extractor.model import Block, Document, Table
from extractor.readers import read
from extractor.slots import Slot, find_slots, signer_label
from extractor.template.rules import (
    Inference,
    Rules,
    boolean_options,
    canonical_unit,
    header_options,
    infer_type,
    load_rules,
    new_id,
    similarity,
    slug,
    unique,
)
from extractor.text.normalize import clean_label, nfc

_PLACE_KEYS = ("start", "end", "row", "cell", "col", "blocks")


@dataclass
class DraftSlot:
    """One slot of the drafted form, with the evidence a reviewer needs."""

    kind: str  # blank | cell | choice | list
    label: str
    context: str
    section: str
    column: str | None
    options: list[str]  # printed option texts, in order
    inferred: Inference
    type: str
    unit: str | None
    field: str = ""
    score: float | None = None  # catalogue match score when an existing id is reused
    option_keys: list[Any] = dc_field(default_factory=list)
    list: str | None = None
    before: str = ""
    after: str = ""
    source: str = ""  # the printed line or table, for the reviewer
    slot: Slot | None = None  # what the slot finder saw (not written)
    position: tuple[int, int] = (0, 0)


@dataclass
class Draft:
    id: str
    source: str
    headings: list[str]
    slots: list[DraftSlot]
    fields: dict[str, dict[str, Any]]  # definitions of the new field ids


# -- where things are --------------------------------------------------------------------------------------
def _place(location: dict[str, Any]) -> str:
    return json.dumps({k: v for k, v in location.items() if k not in _PLACE_KEYS}, sort_keys=True)


def _item_index(doc: Document) -> dict[str, int]:
    return {_place(it.location): i for i, it in enumerate(doc.items)}


# -- the blanks of a blank form ----------------------------------------------------------------------------
def _printed_blank(slot: Slot, doc: Document, where: dict[str, int]) -> tuple[bool, str, str]:
    """Whether a slot whose "answer" is printed on the blank form is still a blank, and the printed words
    before / after it: `Liệt kê……` is a blank with printed words; `Quý báo cáo: Quý III/2019` is not."""
    raw = (slot.raw or "").strip()
    if canonical_unit(raw):
        return True, "", raw  # "……… máy", "triệu đồng": the unit printed in the cell
    idx = where.get(_place(slot.location))
    item = doc.items[idx] if idx is not None else None
    if not isinstance(item, Block) or slot.location.get("start") is None:
        return False, "", ""
    region = nfc(item.text)[slot.location["start"]:slot.location["end"]]
    leader = LEADER.search(region)
    if leader is None or len(raw.split()) > 10:
        return False, "", ""
    printed_first = region.find(raw[:3]) < leader.start()
    return True, (raw if printed_first else ""), ("" if printed_first else raw)


def _list_tables(slots: Sequence[Slot]) -> dict[int, list[Slot]]:
    """Tables whose rows repeat the same empty columns with no row labels: lists a clerk adds rows to."""
    by_table: dict[int, list[Slot]] = defaultdict(list)
    for s in slots:
        if s.table is not None:
            by_table[s.table].append(s)
    out = {}
    for table, cells in by_table.items():
        if any(s.kind == "label" or s.row_label for s in cells):
            continue
        if all(s.label == (s.column or s.label) for s in cells) and len({s.column for s in cells}) >= 2:
            out[table] = cells
    return out


def _list_columns(cells: Sequence[Slot]) -> list[Slot]:
    """One slot per column of a list table, in column order; numbering columns (printed 1, 2, 3…) left out."""
    by_col: dict[str, list[Slot]] = defaultdict(list)
    for s in cells:
        by_col[s.column or ""].append(s)
    out = []
    for _col, ss in by_col.items():
        if all(s.raw for s in ss):
            continue  # item numbers printed in every row
        out.append(ss[0])
    return sorted(out, key=lambda s: s.location.get("col", 0))


def _empty_list_table(table: Table, section: str, number: int) -> list[Slot]:
    """Columns of a table printed with a header and empty rows only (the slot finder skips empty rows)."""
    if len(table.rows) < 2:
        return []
    head = [c for c in table.rows[0]]
    body = [c for row in table.rows[1:] for c in row]
    if any(LEADER.sub("", c.text).strip() for c in body):
        return []
    cols = []
    for c in head:
        text = clean_label(c.text)
        if not text or len(text) <= 5 and text.isupper():
            continue  # "TT", "STT": the numbering column
        cols.append(Slot("cell", text, text, section, text, location=dict(table.location, row=0, col=c.col),
                         table=number, row=1))
    return cols if len(cols) >= 2 else []


def collect(doc: Document, catalogue: Catalogue) -> tuple[list[DraftSlot], list[str]]:
    """The slots a clerk can fill on the blank form `doc`, in document order, with inferred types; and the
    form's headings."""
    rules = load_rules()
    found = find_slots(doc, catalogue.units)
    where = _item_index(doc)
    lists = _list_tables(found)
    out: list[DraftSlot] = []
    sections: dict[int, str] = {}
    for s in found:
        idx = where.get(_place(s.location), 0)
        if s.table is not None:
            sections.setdefault(s.table, s.section)
        if s.kind == "label" or s.weak:
            continue
        if s.table in lists:
            continue
        before = after = ""
        block = doc.items[idx] if idx < len(doc.items) else None
        if isinstance(block, Block) and (rules.date_line.match(nfc(block.text)) or is_date_line(block.text)):
            if any(_place(o.location) == _place(s.location) for o in found if o.order > s.order):
                # the place of "……, ……": kept (as the slot finder names it) so that a return's place blank
                # is taken by it and not by a field nearby
                out.append(DraftSlot("blank", s.label, s.context or s.label, s.section, None, [],
                                     Inference("text", None, "place of a date line"), "text", None,
                                     source=block.text, slot=replace(s, raw=None), position=(idx, s.order)))
                continue
            signer = signer_label(doc.items[idx + 1:]) or f"{s.label} ({date_words()})"  # "Người khai (ngày tháng năm)"
            inf = Inference("date", None, "date line")
            out.append(DraftSlot("blank", signer, signer, s.section, None, [], inf, "date", None, source=block.text,
                                 slot=replace(s, raw=None, label=signer, context=signer), position=(idx, s.order)))
            continue
        if s.raw:
            keep, before, after = _printed_blank(s, doc, where)
            if not keep:
                continue
        unit_text = s.unit_text or (after if canonical_unit(after) else None)
        opts = [o.text for o in s.options or []]
        caption = _caption(doc, idx) if s.table is not None else ""
        inf = infer_type(s.label, s.column, s.context, s.section, unit_text, opts or None, rules, caption)
        printed = replace(s, raw=None, unit_text=unit_text)
        out.append(DraftSlot("choice" if s.kind == "choice" else s.kind, s.label, s.context or s.label, s.section,
                             s.column, opts, inf, inf.type, inf.unit, before=before,
                             after=after if after != before else "", source=s.context or s.label, slot=printed,
                             position=(idx, s.order)))
    for cells in lists.values():
        for s in _list_columns(cells):
            out.append(_list_slot(s, s.section, where.get(_place(s.location), 0), s.order, rules))
    tables = [it for it in doc.items if isinstance(it, Table)]
    for number, table in enumerate(tables):
        if number in sections:
            continue
        idx = where.get(_place(table.location), 0)
        section = next((d.section for d in reversed(out) if d.position[0] < idx), "")
        for k, s in enumerate(_empty_list_table(table, section, number)):
            out.append(_list_slot(s, section, idx, k, rules))
    out.sort(key=lambda d: d.position)
    _share_units(out)
    _table_majority(out)
    _grids(out, rules)
    headings = [clean_label(b.text) for b in doc.items
                if isinstance(b, Block) and b.bold and b.text.strip() and not LEADER.search(b.text)
                and len(b.text) <= 160]
    return out, list(dict.fromkeys(h for h in headings if h))


def _caption(doc: Document, idx: int) -> str:
    """The text printed right above the table at `idx` ("… tại đơn vị: (Mbps)")."""
    for item in reversed(doc.items[max(0, idx - 2):idx]):
        if isinstance(item, Block) and item.text.strip():
            return item.text
    return ""


def _grids(slots: Sequence[DraftSlot], rules: Rules) -> None:
    """Runs of `grid_rows` or more checkbox lines with the same options are a grid: several ticks per row."""
    runs: list[list[DraftSlot]] = []
    for d in slots:
        if d.type == "choice" and runs and runs[-1][-1].options == d.options and runs[-1][-1].kind == d.kind:
            runs[-1].append(d)
        else:
            runs.append([d])
    for run in runs:
        if rules.grid_rows and len(run) >= rules.grid_rows and run[0].type == "choice":
            for d in run:
                d.inferred = Inference("multi_choice", None, "grid of options")
                d.type = "multi_choice"


def _table_majority(slots: Sequence[DraftSlot]) -> None:
    """Cells of a grid table with no cue of their own take the type most cells of the table have
    (`ADSL` under rows of computer counts)."""
    by_table: dict[int, list[DraftSlot]] = defaultdict(list)
    for d in slots:
        if d.kind == "cell" and d.slot is not None and d.slot.table is not None:
            by_table[d.slot.table].append(d)
    for cells in by_table.values():
        votes = Counter(d.type for d in cells if d.inferred.why != "default")
        if not votes:
            continue
        type_, n = votes.most_common(1)[0]
        if n * 2 > len(cells):
            for d in cells:
                if d.inferred.why == "default":
                    d.inferred = Inference(type_, None, "table majority")
                    d.type = type_


def _share_units(slots: Sequence[DraftSlot]) -> None:
    """Blanks of one line, one per level, share the unit printed after the last: "(Cấp tỉnh)…(Cấp xã)… hộp thư"."""
    by_line: dict[int, list[DraftSlot]] = defaultdict(list)
    for d in slots:
        if d.kind == "blank" and d.column:
            by_line[d.position[0]].append(d)
    for line in by_line.values():
        units = {d.unit for d in line if d.unit}
        if len(units) == 1 and len(line) > 1:
            unit = units.pop()
            for d in line:
                if d.unit is None and d.inferred.type in ("integer", "decimal", "text"):
                    d.unit = unit
                    d.inferred = infer_type(d.label, d.column, d.context, d.section, unit, None)
                    d.type = d.inferred.type


def _list_slot(s: Slot, section: str, idx: int, order: int, rules: Rules) -> DraftSlot:
    header = s.column or s.label
    opts = header_options(header, rules)
    inf = infer_type(header.split(" / ")[-1], None, header, section, None, opts or None, rules)
    return DraftSlot("list", header, header, section, header, opts, inf, inf.type, inf.unit, source=header,
                     slot=replace(s, raw=None), position=(idx, order))


# -- field ids ---------------------------------------------------------------------------------------------
def _field_scores(slots: Sequence[DraftSlot], catalogue: Catalogue, rules: Rules
                  ) -> list[dict[str, tuple[float, TemplateSlot]]]:
    """Per drafted (non-list) slot: each catalogue field's best matching score (extractor.matching scores)
    and the known template slot that gave it."""
    subject = [d for d in slots if d.kind != "list"]
    if not subject:
        return []
    templates, S = Matcher(catalogue).score([d.slot for d in subject], None)  # type: ignore[misc]
    out = []
    for i, d in enumerate(subject):
        best: dict[str, tuple[float, TemplateSlot]] = {}
        for j in np.argsort(-S[i])[:40]:
            t = templates[int(j)]
            score = float(S[i, int(j)]) - _type_penalty(d.inferred, catalogue.fields.get(t.field), rules)
            if score > best.get(t.field, (-1.0,))[0]:
                best[t.field] = (score, t)
        out.append(best)
    return out


def _type_penalty(inferred: Inference, spec: FieldSpec | None, rules: Rules) -> float:
    """How much a field of another type than the wording suggests loses (choice and multi_choice agree)."""
    if spec is None or spec.type == inferred.type or {spec.type, inferred.type} <= {"choice", "multi_choice"}:
        return 0.0
    weak = inferred.why in ("default", "options", "table majority")
    return rules.matching["weak_type_mismatch_penalty" if weak else "type_mismatch_penalty"]


def _known_lists(catalogue: Catalogue) -> dict[str, dict[str, list[Keys]]]:
    """Catalogue list tables: list id -> column field id -> the column headers the forms print."""
    lists: dict[str, dict[str, list[Keys]]] = defaultdict(lambda: defaultdict(list))
    for form in catalogue.forms.values():
        for t in form.slots:
            if t.kind == "list" and t.list:
                lists[t.list][t.field].append(t.label_keys)
    return lists


def _assign_lists(table_slots: list[list[DraftSlot]], catalogue: Catalogue, rules: Rules, used: set[str],
                  taken: set[str]) -> None:
    known = _known_lists(catalogue)
    for cols in table_slots:
        best: tuple[float, str, dict[int, tuple[str, float]]] | None = None
        for prefix, fields in known.items():
            if prefix in used:
                continue
            pairs = sorted(((max(similarity(Keys.of(d.label), k) for k in keys), i, fid)
                            for i, d in enumerate(cols) for fid, keys in fields.items()), reverse=True)
            chosen: dict[int, tuple[str, float]] = {}
            for sc, i, fid in pairs:
                if sc >= rules.matching["list_column_min"] and i not in chosen and \
                        fid not in {f for f, _ in chosen.values()}:
                    chosen[i] = (fid, sc)
            if len(chosen) >= 2 and (best is None or len(chosen) > len(best[2])):
                best = (float(np.mean([s for _, s in chosen.values()])), prefix, chosen)
        if best is not None:
            _, prefix, chosen = best
            used.add(prefix)
        else:
            title = cols[0].section.split(" / ")[-1]
            title = title.split(":", 1)[1] if ":" in title and len(title.split(":", 1)[1].split()) >= 2 else title
            prefix = unique(slug(title, rules.id_words["list"], rules) or "list", used | set(known) | taken)
            used.add(prefix)
            chosen = {}
        taken_cols = {fid for fid, _ in chosen.values()}
        for i, d in enumerate(cols):
            d.list = prefix
            if i in chosen:
                d.field, d.score = chosen[i][0], round(chosen[i][1], 3)
                taken.add(d.field)
            else:
                name = slug(d.label.split(" / ")[-1], rules.id_words["label"], rules) or "column"
                d.field = unique(f"{prefix}.{name}", taken | taken_cols)
                taken.add(d.field)


def assign_ids(slots: list[DraftSlot], catalogue: Catalogue, rules: Rules | None = None
               ) -> dict[str, dict[str, Any]]:
    """Give every drafted slot a field id, type, unit and option keys; returns the new fields' definitions."""
    rules = rules or load_rules()
    scores = _field_scores(slots, catalogue, rules)
    plain = [d for d in slots if d.kind != "list"]
    pairs = sorted(((sc, i, fid, t) for i, best in enumerate(scores) for fid, (sc, t) in best.items()
                    if sc >= rules.matching["reuse_min"]), key=lambda p: (-p[0], p[1]))
    taken: set[str] = set()
    known_unit: dict[int, str | None] = {}
    for sc, i, fid, t in pairs:
        d = plain[i]
        if d.field or fid in taken:
            continue
        d.field, d.score = fid, round(sc, 3)
        known_unit[id(d)] = t.unit  # the unit the matching form prints, when this one prints none
        taken.add(fid)
    tables: dict[tuple[int, int | None], list[DraftSlot]] = defaultdict(list)
    for d in slots:
        if d.kind == "list":
            tables[(d.position[0], d.slot.table if d.slot else None)].append(d)
    _assign_lists(list(tables.values()), catalogue, rules, set(), taken)
    all_ids = set(catalogue.fields) | taken
    new: dict[str, dict[str, Any]] = {}
    for d in slots:
        spec = catalogue.fields.get(d.field) if d.field else None
        if spec is not None:
            d.type = spec.type
            d.unit = d.inferred.unit or known_unit.get(id(d))
            d.option_keys = _known_option_keys(d.options, spec, d.type, rules)
            continue
        if not d.field:
            d.field = new_id(d.section, d.label, d.column if d.kind == "cell" else None, all_ids, rules)
        all_ids.add(d.field)
        d.option_keys = _new_option_keys(d.options, d.type, rules)
        new[d.field] = _definition(d)
    return new


def _known_option_keys(options: Sequence[str], spec: FieldSpec, type_: str, rules: Rules) -> list[Any]:
    if not options:
        return []
    if type_ == "boolean" and boolean_options(options):
        return list(boolean_options(options) or [])
    keys: list[Any] = []
    for n, text in enumerate(options):
        k = Keys.of(text)
        scored = [(max(similarity(k, ok) for ok in o.keys), o.key) for o in spec.options if o.keys]
        best = max(scored, default=(0.0, None), key=lambda p: p[0])
        if best[0] >= rules.matching["option_min"] and best[1] not in keys:
            keys.append(best[1])
        elif len(options) == len(spec.options) and spec.options[n].key not in keys:
            keys.append(spec.options[n].key)  # reworded options: the n-th is the n-th
        else:
            keys.append(unique(slug(text, rules.id_words["option"], rules) or f"option_{n + 1}", set(map(str, keys))))
    return keys


def _new_option_keys(options: Sequence[str], type_: str, rules: Rules) -> list[Any]:
    if type_ == "boolean" and boolean_options(options):
        return list(boolean_options(options) or [])
    taken: set[str] = set()
    return [unique(slug(t, rules.id_words["option"], rules) or f"option_{n + 1}", taken)
            for n, t in enumerate(options)]


def _definition(d: DraftSlot) -> dict[str, Any]:
    out: dict[str, Any] = {"type": d.type}
    if d.unit:
        out["unit"] = d.unit
    out["labels"] = [d.label]
    if d.list:
        out["list"] = d.list
    if d.options:
        out["options"] = [{"key": k, "texts": [t]} for k, t in zip(d.option_keys, d.options, strict=True)]
    return out


# -- entry points ------------------------------------------------------------------------------------------
def draft_document(doc: Document, form_id: str, catalogue: Catalogue) -> Draft:
    """The draft of the blank form `doc` against `catalogue`."""
    slots, headings = collect(doc, catalogue)
    fields = assign_ids(slots, catalogue)
    return Draft(form_id, Path(doc.source.path).name, headings, slots, fields)


def draft_path(path: str | Path, form_id: str, catalogue: Catalogue) -> Draft:
    """Read the blank template at `path` (DOCX, PDF, .doc …) and draft its patterns."""
    return draft_document(read(Path(path)), form_id, catalogue)

