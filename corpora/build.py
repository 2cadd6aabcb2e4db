"""Build the corpus: blank templates, filled returns and their ground truth, then PDFs through LibreOffice.

    python -m corpora.build                 # everything, into corpora/
    python -m corpora.build --no-pdf --out /tmp/c   # DOCX + truth only (deterministic, byte for byte)

The same description and seed always give the same DOCX bytes and truth JSON.
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import subprocess
import sys
import tempfile
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from corpora.fill import Plan, plan_values, slot_specs, type_list_cell, type_value
from corpora.formdesc import FormDesc, ListTable, load_forms
from corpora.render import Fill, Mark, RenderOptions, SlotRecord, render
from corpora.variants import make_variant

HERE = Path(__file__).parent
RETURNS_PER_FORM = 32
EXAMPLES = ["f003_r000", "f001_r001", "f004_r002"]
MARK_STYLES = [("native", 0.7), ("typed_x", 0.1), ("bracket_x", 0.05), ("deleted_others", 0.15)]


@dataclass
class Return:
    return_id: str
    docx: bytes
    truth: dict[str, Any]


def _pick(rng: random.Random, weighted: list[tuple[str, float]]) -> str:
    return rng.choices([w[0] for w in weighted], [w[1] for w in weighted])[0]


def clerk_answers(desc: FormDesc, plan: Plan, rng: random.Random, nfd: bool
                  ) -> tuple[dict, dict, dict[str, list[dict[str, str | None]]]]:
    """Turn planned values into what the clerk types (fills) and ticks (marks)."""
    norm = (lambda t: unicodedata.normalize("NFD", t)) if nfd else (lambda t: t)
    fills: dict = {}
    marks: dict = {}
    for spec in slot_specs(desc):
        value = plan.values.get(spec.field_id)
        if value is None:
            continue
        if spec.options is not None:
            chosen = value if isinstance(value, list) else [value]
            marks[(spec.field_id, None)] = Mark(chosen, _pick(rng, MARK_STYLES))
        else:
            text = norm(type_value(value, spec.type, rng, spec.options))
            style = "inside_leader" if rng.random() < 0.6 else "replaced_leader"
            fills[(spec.field_id, None)] = Fill(text, style, rng.uniform(0.1, 0.6))
    list_rows: dict[str, list[dict[str, str | None]]] = {}
    for b in desc.body:
        if isinstance(b, ListTable):
            cols = {c.key: c for c in b.columns if c.key}
            list_rows[b.field] = [
                {k: (norm(t) if (t := type_list_cell(v, cols[k], rng)) else None) for k, v in row.items()}
                for row in plan.list_rows.get(b.field, [])
            ]
    return fills, marks, list_rows


def truth_fields(records: list[SlotRecord], plan: Plan, desc: FormDesc) -> list[dict[str, Any]]:
    """Merge the renderer's slot records with the planned values."""
    list_prefix = {b.field: b for b in desc.body if isinstance(b, ListTable)}
    out = []
    for r in records:
        if r.row is not None:
            prefix, _, key = r.field_id.rpartition(".")
            value = plan.list_rows[prefix][r.row - 1].get(key) if prefix in list_prefix else None
        else:
            value = plan.values.get(r.field_id)
        if r.raw is None:
            value = None
        out.append({
            "field_id": r.field_id, "row": r.row, "label": r.label, "section": r.section, "column": r.column,
            "type": r.type, "unit": r.unit, "value": value, "raw": r.raw, "fill": r.fill, "location": r.location,
        })
    return out


def build_return(desc: FormDesc, index: int) -> Return:
    """Generate one filled return of `desc` (odd indexes on variant templates)."""
    return_id = f"{desc.id}_r{index:03d}"
    rng = random.Random(f"{desc.id}:{index}")
    variant = index % 2 == 1
    shown, ops, box = make_variant(desc, rng) if variant else (desc, [], desc.box)
    plan = plan_values(desc, rng)
    fills, marks, list_rows = clerk_answers(desc, plan, rng, nfd="nfd" in ops)
    options = RenderOptions(box=box, box_variant=rng.randrange(3), list_rows=list_rows)
    data, records = render(shown, fills, marks, options)
    truth = {
        "return_id": return_id, "form": desc.id, "variant": variant, "variant_ops": ops, "box": box,
        "files": {"docx": f"returns/{return_id}.docx", "pdf": f"returns/{return_id}.pdf"},
        "agency": plan.values.get("report.agency_name"),
        "fields": truth_fields(records, plan, desc),
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
