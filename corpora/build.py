"""Build the corpus: blank templates, filled returns and their ground truth, then PDFs through LibreOffice.

    python -m corpora.build                 # everything, into corpora/
    python -m corpora.build --no-pdf --out /tmp/c   # DOCX + truth only (deterministic, byte for byte)

The same description and seed always give the same DOCX bytes and truth JSON.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import shutil
import subprocess
import sys
import tempfile
import unicodedata
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from corpora.dateframe import fill_frame, parse_frame
from corpora.fill import POOLS, Plan, habit_value, plan_values, slot_specs, type_list_cell, type_value
from corpora.formdesc import FormDesc, ListColumn, ListTable, load_forms
from corpora.habits import Habit, draw
from corpora.render import Fill, Mark, RenderOptions, SlotKey, SlotRecord, Tick, render
from corpora.variants import make_variant

HERE = Path(__file__).parent
RETURNS_PER_FORM = 32
EXAMPLES = ["f003_r000", "f001_r001", "f004_r002"]
@dataclass
class Return:
    return_id: str
    docx: bytes
    truth: dict[str, Any]


@dataclass
class Clerk:
    """What the clerk typed (fills), ticked (marks) and added, and the habit drawn for each field."""

    fills: dict[SlotKey, Fill] = field(default_factory=dict)
    marks: dict[SlotKey, Mark] = field(default_factory=dict)
    list_rows: dict[str, list[dict[str, str | Tick | None]]] = field(default_factory=dict)
    habits: dict[SlotKey, str] = field(default_factory=dict)  # filled non-list fields
    ticked: dict[SlotKey, list[Any]] = field(default_factory=dict)  # single-choice groups ticked twice
    tables: dict[str, str] = field(default_factory=dict)  # list table field -> its table habit
    extra_columns: dict[str, tuple[str, list[str]]] = field(default_factory=dict)


X_AFTER_BOX = ["x", "x ", "X "]  # ☐xKhông, ☐x Có, ☐X Có
CHECK_AFTER = [" ✓", "✓"]


def _mark(spec: Any, value: Any, habit: Habit, rng: random.Random, clerk: Clerk) -> Mark:
    chosen = value if isinstance(value, list) else [value]
    text = ""
    if habit.style == "multi_tick":
        other = rng.choice([o.key for o in spec.options if o.key not in chosen])
        chosen = sorted([*chosen, other], key=str)
        clerk.ticked[(spec.field_id, None)] = chosen
    elif habit.style == "x_after_box":
        text = rng.choice(X_AFTER_BOX)
    elif habit.style == "check_after_option":
        text = rng.choice(CHECK_AFTER)
    return Mark(chosen, habit.style, text)


def _frame_fill(frame: str, value: dt.date, fill: Fill, field_id: str, norm: Any) -> Fill:
    """The fill of a date frame: its parts typed by the field's habit, maybe the place over its leader (drawn by a
    generator of its own, so that the draws of every other field stay as they were)."""
    rng = random.Random(f"{field_id}:{value.isoformat()}:{fill.style}")
    place = rng.choice(POOLS["places"]) if rng.random() < 0.6 else None
    whole, date = fill_frame(parse_frame(frame), value, fill.style, fill.split, rng, place)
    return replace(fill, frame=norm(whole), raw=norm(date))


def _traits(specs: list[Any], plan: Plan) -> dict[str, frozenset[str]]:
    """What each field has for the habits that need it (corpora/habits.py NEEDS): `unit` printed after its
    blank; `zero_ok` a count that can be typed as none without breaking a sum, a rate or a planned error."""
    derived = {f for s in specs for f in (*(s.rate_of or ()), s.le) if f}
    derived |= {f for i in plan.inconsistencies for f in i["fields"]}
    out = {}
    for s in specs:
        traits = {"unit"} if s.unit and s.unit != "%" else set()
        if s.part_of and not s.sums_to_total and s.field_id not in derived:
            traits.add("zero_ok")
        out[s.field_id] = frozenset(traits)
    return out


def clerk_answers(desc: FormDesc, plan: Plan, rng: random.Random, nfd: bool,
                  habits: dict[str, Habit] | None = None) -> Clerk:
    """Turn planned values into what the clerk types (fills) and ticks (marks), one habit per field drawn
    from `habits` (default: corpora/habits.yaml)."""
    norm = (lambda t: unicodedata.normalize("NFD", t)) if nfd else (lambda t: t)
    clerk = Clerk()
    specs = slot_specs(desc)
    traits = _traits(specs, plan) if habits is not None else {}
    for spec in specs:
        value = plan.values.get(spec.field_id)
        if value is None:
            continue
        key = (spec.field_id, None)
        habit = draw(rng, spec.slot, spec.type, spec.kind, spec.last_on_line, habits,
                     traits.get(spec.field_id, frozenset()))
        clerk.habits[key] = habit.id
        if spec.options is not None:
            clerk.marks[key] = _mark(spec, value, habit, rng, clerk)
            continue
        if habit.values:
            value, text = habit_value(habit.values, value, spec.type, rng, spec.unit)
            plan.values[spec.field_id] = value
        else:
            text = type_value(value, spec.type, rng, spec.options)
        note = norm(rng.choice(POOLS["worked_examples"])) if habit.style == "worked_example" else ""
        fill = Fill(norm(text), habit.style, rng.uniform(0.1, 0.6), note)
        if spec.frame and habit.style != "next_line":
            clerk.fills[key] = _frame_fill(spec.frame, dt.date.fromisoformat(value), fill, spec.field_id, norm)
        else:
            clerk.fills[key] = fill
    for b in desc.body:
        if isinstance(b, ListTable):
            cols = {c.key: c for c in b.columns if c.key}
            rows = plan.list_rows.get(b.field, [])
            clerk.list_rows[b.field] = [
                {k: _list_cell(v, cols[k], rng, norm) for k, v in row.items()}
                for row in rows
            ]
            table = draw(rng, "list_table", "text", habits=habits)
            clerk.tables[b.field] = table.id
            if table.style == "extra_column" and rows:
                extra = rng.choice(POOLS[table.values])
                cells = [norm(rng.choice(extra["cells"])) for _ in rows]
                clerk.extra_columns[b.field] = (norm(extra["header"]), cells)
    return clerk


def _list_cell(value: Any, col: ListColumn, rng: random.Random, norm: Any) -> str | Tick | None:
    """What the clerk writes in a list-table cell; a tick in the chosen option's sub-column."""
    text = type_list_cell(value, col, rng)
    if not text:
        return None
    return Tick(text, value) if col.subcolumns else norm(text)


def _list_habit(desc_tables: dict[str, ListTable], prefix: str, row: int, clerk: Clerk) -> str:
    if row > desc_tables[prefix].blank_rows:
        return "added_row"
    table = clerk.tables.get(prefix, "")
    return table if table == "extra_column" else "list_cell"


def _layout(r: SlotRecord, specs: dict[str, Any]) -> str:
    if getattr(r, "layout", None):  # the renderer knows better where it put the slot
        return r.layout
    if r.row is not None:
        return "list_option_columns" if "span" in r.location else "list"
    spec = specs.get(r.field_id)
    return spec.layout if spec else ("cell_line" if "row" in r.location else "line")


def truth_fields(records: list[SlotRecord], plan: Plan, desc: FormDesc, clerk: Clerk | None = None
                 ) -> list[dict[str, Any]]:
    """Merge the renderer's slot records with the planned values and the habits drawn."""
    clerk = clerk or Clerk()
    list_prefix = {b.field: b for b in desc.body if isinstance(b, ListTable)}
    specs = {s.field_id: s for s in slot_specs(desc)}
    out = []
    for r in records:
        habit = None
        if r.row is not None:
            prefix, _, key = r.field_id.rpartition(".")
            value = plan.list_rows[prefix][r.row - 1].get(key) if prefix in list_prefix else None
            if prefix in list_prefix:
                habit = _list_habit(list_prefix, prefix, r.row, clerk)
        else:
            value = plan.values.get(r.field_id)
            habit = clerk.habits.get((r.field_id, None))
        if r.raw is None:
            value, habit = None, None
        if habit == "deleted_others" and r.fill == "native":
            habit = "native"  # the renderer keeps every option when an option carries its own blank
        item = {
            "field_id": r.field_id, "row": r.row, "label": r.label, "section": r.section, "column": r.column,
            "type": r.type, "unit": r.unit, "value": value, "raw": r.raw, "fill": r.fill, "habit": habit,
            "layout": _layout(r, specs), "location": r.location,
        }
        ticked = clerk.ticked.get((r.field_id, r.row))
        if ticked is not None and r.raw is not None:
            item.update(value=None, ticked=ticked, expect="review")
        out.append(item)
    return out


def build_return(desc: FormDesc, index: int, habits: dict[str, Habit] | None = None, group: str = "r"
                 ) -> Return:
    """Generate one filled return of `desc` (odd indexes on variant templates). A corpus group draws from
    its own `habits` and names its returns and seeds by its `group` letter (`f001_m003`, seed "m:f001:3")."""
    return_id = f"{desc.id}_{group}{index:03d}"
    rng = random.Random(f"{desc.id}:{index}" if group == "r" else f"{group}:{desc.id}:{index}")
    variant = index % 2 == 1
    shown, ops, box = make_variant(desc, rng) if variant else (desc, [], desc.box)
    plan = plan_values(desc, rng)
    clerk = clerk_answers(desc, plan, rng, nfd="nfd" in ops, habits=habits)
    options = RenderOptions(box=box, box_variant=rng.randrange(3), list_rows=clerk.list_rows,
                            extra_columns=clerk.extra_columns)
    data, records, extras = render(shown, clerk.fills, clerk.marks, options, with_extras=True)
    truth = {
        "return_id": return_id, "form": desc.id, "variant": variant, "variant_ops": ops, "box": box,
        "files": {"docx": f"returns/{return_id}.docx", "pdf": f"returns/{return_id}.pdf"},
        "agency": plan.values.get("report.agency_name"),
        "fields": truth_fields(records, plan, desc, clerk),
        "extras": extras,
        "inconsistencies": plan.inconsistencies,
    }
    return Return(return_id, data, truth)


def write_json(path: Path, data: Any) -> None:
    path.write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")


def build(out: Path, forms_dir: Path, per_form: int, pdf: bool) -> list[Path]:
    """Write templates/, returns/, truth/ (and examples/) under `out`; returns the DOCX paths written."""
    for sub in ("templates", "returns", "truth"):
        (out / sub).mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    for desc in load_forms(forms_dir):
        tpl = out / "templates" / f"{desc.id}.docx"
        tpl.write_bytes(render(desc)[0])
        written.append(tpl)
        for i in range(per_form):
            ret = build_return(desc, i)
            path = out / "returns" / f"{ret.return_id}.docx"
            path.write_bytes(ret.docx)
            write_json(out / "truth" / f"{ret.return_id}.json", ret.truth)
            written.append(path)
    if pdf:
        to_pdf(written)
    examples = out / "examples"
    examples.mkdir(exist_ok=True)
    for rid in EXAMPLES:
        for src in [out / "returns" / f"{rid}.docx", out / "returns" / f"{rid}.pdf", out / "truth" / f"{rid}.json"]:
            if src.exists():
                shutil.copyfile(src, examples / (src.name if src.suffix != ".json" else f"{rid}.truth.json"))
    return written


def soffice() -> str:
    for name in ("soffice", "libreoffice"):
        if path := shutil.which(name):
            return path
    raise SystemExit("LibreOffice is needed for the PDFs: apt-get install libreoffice-writer-nogui")


def source_truths(corpus: Path, return_ids: list[str]) -> dict[str, dict[str, Any]]:
    """The truth of each of `return_ids` in `corpus`/truth/, by id (the returns a corpus group is made from)."""
    return {rid: json.loads((corpus / "truth" / f"{rid}.json").read_text(encoding="utf-8")) for rid in return_ids}


def write_group_truth(out: Path, truth: dict[str, Any], files: list[Path], producer: str) -> None:
    """The truth of a corpus group's return (`extractor eval` scores a folder with a `truth/` as a group): the
    return's truth with `files` naming each of `files` by its format (relative to `out`) and the `producer` that
    made it."""
    data = dict(truth, files={f.suffix[1:]: f.name for f in files}, producer=producer)
    write_json(out / "truth" / f"{truth['return_id']}.json", data)


def to_pdf(docx_paths: list[Path], batch: int = 40, timeout: int = 900) -> None:
    """Export DOCX files to PDF beside them with LibreOffice headless (one process per batch)."""
    exe = soffice()
    with tempfile.TemporaryDirectory() as profile:
        for start in range(0, len(docx_paths), batch):
            chunk = docx_paths[start:start + batch]
            by_dir: dict[Path, list[Path]] = {}
            for p in chunk:
                by_dir.setdefault(p.parent, []).append(p)
            for folder, files in by_dir.items():
                cmd = [exe, f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to", "pdf",
                       "--outdir", str(folder), *map(str, files)]
                subprocess.run(cmd, check=True, timeout=timeout, stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL)
            missing = [p for p in chunk if not p.with_suffix(".pdf").exists()]
            if missing:
                raise SystemExit(f"LibreOffice did not write PDFs for: {', '.join(map(str, missing))}")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m corpora.build", description=__doc__.splitlines()[0])
    ap.add_argument("--out", type=Path, default=HERE, help="output folder (default: corpora/)")
    ap.add_argument("--forms", type=Path, default=HERE / "forms", help="form descriptions folder")
    ap.add_argument("--per-form", type=int, default=RETURNS_PER_FORM, help="returns per form")
    ap.add_argument("--no-pdf", dest="pdf", action="store_false", help="skip the LibreOffice PDF export")
    args = ap.parse_args(argv)
    written = build(args.out, args.forms, args.per_form, args.pdf)
    print(f"wrote {len(written)} DOCX{' + PDF' if args.pdf else ''} under {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
