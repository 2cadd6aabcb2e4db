"""Measure drafting on the corpus forms (the figures in README "Adding a new form").

    python -m extractor.template.measure                 # per form: draft vs checked slots, leave-one-out F1
    python -m extractor.template.measure --returns 8     # leave-one-out on the first 4 plain + 4 variant returns

Draft agreement: each form drafted from `corpora/templates/FORM.docx` with the full catalogue, aligned slot by
slot with the hand-checked `patterns/forms/FORM.yaml` (extractor.template.compare).

Leave-one-out: a patterns folder without the form (and without the fields only it uses), the form drafted
into it from its blank template, unedited; the form's returns extracted with that catalogue and scored
against `corpora/truth` (extractor.evaluate) after renaming drafted ids to checked ids through the alignment
of the two slot lists (never through the returns).
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import yaml

from extractor import evaluate as ev
from extractor.catalogue import PATTERNS, Catalogue, load_catalogue
from extractor.pipeline import extract_path
from extractor.template.compare import Agreement, agreement, id_map, view_of
from extractor.template.draft import draft_path
from extractor.template.write import form_data, write_draft

ROOT = PATTERNS.parent
FORMS = ("f000", "f001", "f002", "f003", "f004")


def checked_slots(form_id: str, patterns: Path = PATTERNS) -> list[dict[str, Any]]:
    return yaml.safe_load((patterns / "forms" / f"{form_id}.yaml").read_text(encoding="utf-8"))["slots"]


def draft_agreement(form_id: str, template: Path, catalogue: Catalogue | None = None,
                    wording_only: bool = False) -> Agreement:
    """Draft `template` with the full catalogue and compare with the checked form; with `wording_only`, compare
    the types and units the wording alone suggests (before any catalogue match)."""
    draft = draft_path(template, form_id, catalogue or load_catalogue())
    views = [view_of(e) for e in form_data(draft)["slots"]]
    if wording_only:
        for v, d in zip(views, draft.slots, strict=True):
            v.type, v.unit = d.inferred.type, d.inferred.unit
    return agreement(views, [view_of(e) for e in checked_slots(form_id)])


def without_form(form_id: str, target: Path, patterns: Path = PATTERNS) -> Path:
    """A patterns folder at `target`: `patterns` minus the form and the fields only it uses."""
    (target / "forms").mkdir(parents=True, exist_ok=True)
    for f in (patterns / "forms").glob("*.yaml"):
        if f.stem != form_id:
            shutil.copy(f, target / "forms" / f.name)
    cat = yaml.safe_load((patterns / "catalogue.yaml").read_text(encoding="utf-8"))
    fields = {}
    for fid, e in cat["fields"].items():
        forms = [f for f in e.get("forms") or [] if f != form_id]
        if forms:
            fields[fid] = dict(e, forms=forms)
    (target / "catalogue.yaml").write_text(yaml.safe_dump({"fields": fields}, allow_unicode=True, sort_keys=False),
                                           encoding="utf-8")
    return target


def _rename(prediction: dict[str, Any], ids: dict[str, str], options: dict[str, dict]) -> dict[str, Any]:
    """Drafted field ids and option keys -> checked ones (unmapped ids stay, and count as wrong)."""
    fields = []
    for f in prediction["fields"]:
        f = dict(f)
        fid = f.get("field_id")
        keys = options.get(fid or "")
        if keys and f.get("value") is not None:
            v = f["value"]
            f["value"] = [keys.get(x, x) for x in v] if isinstance(v, list) and f.get("type") == "multi_choice" \
                else keys.get(v, v)
        f["field_id"] = ids.get(fid, fid) if fid else fid
        fields.append(f)
    return dict(prediction, fields=fields)


def leave_one_out(form_id: str, truth: Sequence[dict[str, Any]], returns: int | None = None,
                  fmt: str = "docx") -> tuple[ev.Report, list[str]]:
    """Extract the form's returns with a catalogue where the form was drafted from its blank template."""
    with tempfile.TemporaryDirectory(prefix=f"loo-{form_id}-") as tmp:
        root = without_form(form_id, Path(tmp))
        base = load_catalogue(str(root), overlay="")
        draft = draft_path(ROOT / "corpora" / "templates" / f"{form_id}.docx", form_id, base)
        write_draft(draft, root / "forms" / f"{form_id}.yaml")
        load_catalogue.cache_clear()  # the same folder now holds the drafted form
        cat = load_catalogue(str(root), overlay="")
        load_catalogue.cache_clear()
        ids, options = id_map([view_of(e) for e in form_data(draft)["slots"]],
                              [view_of(e) for e in checked_slots(form_id)])
        docs = [t for t in truth if t["form"] == form_id]
        if returns:
            plain = [t for t in docs if not t.get("variant")][: (returns + 1) // 2]
            variant = [t for t in docs if t.get("variant")][: returns // 2]
            docs = plain + variant
        pairs = []
        detected = []
        for t in docs:
            result = extract_path(ROOT / "corpora" / t["files"][fmt], catalogue=cat).to_dict()
            detected.append(result["form"]["id"])
            pairs.append((t, fmt, _rename(result, ids, options)))
    return ev.evaluate(pairs, 0.9), detected


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m extractor.template.measure", description=__doc__.split("\n")[0])
    parser.add_argument("forms", nargs="*", default=list(FORMS))
    parser.add_argument("--returns", type=int, default=None, help="returns per form (half plain, half variant)")
    parser.add_argument("--no-loo", action="store_true", help="only the draft agreement")
    parser.add_argument("--json", type=Path, help="also write the figures as JSON")
    args = parser.parse_args(argv)
    truth = ev.load_truth(ROOT / "corpora" / "truth")
    out: dict[str, Any] = {}
    for form in args.forms:
        a = draft_agreement(form, ROOT / "corpora" / "templates" / f"{form}.docx")
        row = {"slots": a.checked, "aligned": a.aligned, "id": round(a.rate("same_id"), 3),
               "type": round(a.rate("same_type"), 3), "unit": round(a.rate("same_unit"), 3)}
        w = draft_agreement(form, ROOT / "corpora" / "templates" / f"{form}.docx", wording_only=True)
        row.update(wording_type=round(w.rate("same_type"), 3), wording_unit=round(w.rate("same_unit"), 3))
        line = (f"{form}: {a.checked} checked slots, ids {row['id']:.3f}, types {row['type']:.3f}, "
                f"units {row['unit']:.3f} (wording only: types {row['wording_type']:.3f}, "
                f"units {row['wording_unit']:.3f})")
        if not args.no_loo:
            report, detected = leave_one_out(form, truth, args.returns)
            m = report.overall
            row.update(returns=m.documents, filled=m.truth_filled, precision=m.precision, recall=m.recall, f1=m.f1,
                       detected=sum(d == form for d in detected))
            line += (f"; leave-one-out on {m.documents} returns: P {m.precision:.3f} R {m.recall:.3f} "
                     f"F1 {m.f1:.3f}, detected as {form} {row['detected']}/{m.documents}")
        print(line, flush=True)
        out[form] = row
    if args.json:
        args.json.write_text(json.dumps(out, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
