"""Command-line interface (``extractor``). Library errors become click errors only here."""

from __future__ import annotations

import gc
import importlib
import json
import os
import sys
from pathlib import Path
from typing import Any

import click

from . import __version__
from .errors import ExtractionError

FORMATS = ("docx", "pdf", "doc")


# commands that live in their own packages (batch, aggregation, review, template drafting): name -> module:object,
# imported only when that command runs (or help lists it), so `extractor extract` does not load Flask, openpyxl …
LAZY_COMMANDS = {
    "batch": "extractor.batch.command:batch_command",
    "aggregate": "extractor.report.command:aggregate_command",
    "review": "extractor.review.cli:review_command",
    "export-reviewed": "extractor.review.cli:export_command",
    "template": "extractor.template.command:template",
}


class _LazyGroup(click.Group):
    """A click group whose `LAZY_COMMANDS` are imported the first time they are looked up."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*super().list_commands(ctx), *LAZY_COMMANDS})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in self.commands and cmd_name in LAZY_COMMANDS:
            module, _, name = LAZY_COMMANDS[cmd_name].partition(":")
            self.add_command(getattr(importlib.import_module(module), name), cmd_name)
        return super().get_command(ctx, cmd_name)


@click.group(cls=_LazyGroup)
@click.version_option(__version__, prog_name="extractor")
def main() -> None:
    """Extract values from returned Vietnamese survey forms into JSON."""


def _load_extractor() -> Any:
    """Import ``extractor.pipeline`` lazily; a click error if extraction is not available."""
    try:
        return importlib.import_module("extractor.pipeline")
    except ImportError as exc:
        raise click.ClickException(
            f"extraction is not available ({exc}); pass --predictions DIR to score saved predictions"
        ) from None


@main.command("eval")
@click.option("--corpus", type=click.Path(file_okay=False, path_type=Path), default=Path("corpora"),
              show_default=True, help="Corpus directory; truth is read from CORPUS/truth.")
@click.option("--predictions", type=click.Path(exists=True, file_okay=False, path_type=Path),
              help="Score saved results PRED/<return_id>.<format>.json instead of running extraction.")
@click.option("--format", "formats", type=click.Choice(FORMATS, case_sensitive=False), multiple=True,
              help="Format to score (repeatable). Default: every format the truth files list (docx, pdf; "
                   "doc in corpora/legacy).")
@click.option("--threshold", type=click.FloatRange(0.0, 1.0), default=0.9, show_default=True,
              help="Confidence at or above which a field is accepted without review.")
@click.option("--json", "json_out", type=click.Path(dir_okay=False, path_type=Path),
              help="Also write the full report as JSON to this file.")
@click.option("--by", "by", type=click.Choice(("habit", "layout"), case_sensitive=False), multiple=True,
              help="Also print recall and silent loss per clerk habit or per slot layout (repeatable).")
def eval_command(corpus: Path, predictions: Path | None, formats: tuple[str, ...], threshold: float,
                 json_out: Path | None, by: tuple[str, ...]) -> None:
    """Score predictions against the ground truth.

    Prints precision, recall, F1, silent loss (filled values lost with nothing under review), blank
    accuracy, straight-through rate and calibration overall, per form, per format, plain vs variant and
    per form/format; with --by habit / --by layout, per clerk habit or slot layout recorded in the truth.
    Failed predictions count as misses. A folder of the corpus with a truth/ of its own
    (corpora/returns_chromium: returns made by another producer; corpora/scans: scanned returns) is scored
    as its own group, after the main table (saved results under PRED/<folder>/).
    """
    from . import evaluate as ev

    try:
        truth_docs = ev.load_truth(corpus / "truth")
    except ExtractionError as exc:
        raise click.ClickException(str(exc)) from None
    fmts = list(dict.fromkeys(f.lower() for f in formats)) or [
        f for f in FORMATS if any(f in (t.get("files") or {}) for t in truth_docs)]
    pipeline = None if predictions is not None else _load_extractor()
    pairs, reasons = _eval_pairs(corpus, truth_docs, fmts, predictions, pipeline)

    try:
        report = ev.evaluate(pairs, threshold, reasons=reasons)
    except ExtractionError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(report.format_table())
    for group in dict.fromkeys(b.lower() for b in by):
        click.echo("")
        click.echo(ev.format_field_table(report, group))
    ids = _field_id_rates(pairs)
    for line in ids["lines"]:
        click.echo(line)
    groups = {}
    for sub in sorted(d for d in corpus.iterdir() if (d / "truth").is_dir()) if corpus.is_dir() else []:
        # a folder of the corpus with its own truth/ (returns made by another producer): its own group, not in
        # the figures above; only the formats its truth lists
        try:
            sub_docs = ev.load_truth(sub / "truth")
        except ExtractionError as exc:
            raise click.ClickException(str(exc)) from None
        sub_fmts = [f for f in fmts if any((t.get("files") or {}).get(f) for t in sub_docs)]
        if not sub_fmts:
            continue
        sub_pred = predictions / sub.name if predictions is not None else None
        sub_pairs, sub_reasons = _eval_pairs(sub, sub_docs, sub_fmts, sub_pred, pipeline)
        try:
            sub_report = ev.evaluate(sub_pairs, threshold, reasons=sub_reasons)
        except ExtractionError as exc:
            raise click.ClickException(str(exc)) from None
        producer = next((t["producer"] for t in sub_docs if t.get("producer")), "")
        click.echo(f"\nGroup {sub.name}{f' (made by {producer})' if producer else ''}: {sub}")
        click.echo(sub_report.format_table())
        groups[sub.name] = sub_report.to_dict()
    if json_out is not None:
        try:
            data = dict(report.to_dict(), field_id_rates=ids["rates"], groups=groups)
            json_out.write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
        except OSError as exc:
            raise click.ClickException(f"cannot write {json_out}: {exc}") from None
        click.echo(f"Report written to {json_out}")
    if report.failures:
        click.echo(f"{len(report.failures)} of {len(pairs)} predictions failed (counted as misses).",
                   err=True)


def _eval_pairs(corpus: Path, truth_docs: list[dict], fmts: list[str], predictions: Path | None,
                pipeline: Any) -> tuple[list[tuple[dict, str, dict | None]], dict[tuple[str, str], str]]:
    """(truth, format, prediction or None) for every truth document and format, and why a prediction is None."""
    from . import evaluate as ev

    pairs: list[tuple[dict, str, dict | None]] = []
    reasons: dict[tuple[str, str], str] = {}
    for truth in truth_docs:
        rid = truth["return_id"]
        for fmt in fmts:
            prediction, reason = None, None
            if predictions is not None:
                path = predictions / f"{rid}.{fmt}.json"
                if not path.is_file():
                    reason = f"no prediction file {path}"
                else:
                    try:
                        prediction = ev.load_prediction(path)
                    except ExtractionError as exc:
                        reason = str(exc)
            elif not (truth.get("files") or {}).get(fmt):
                reason = f"truth lists no {fmt} file"
            else:
                try:
                    prediction = pipeline.extract_path(corpus / truth["files"][fmt]).to_dict()
                except ExtractionError as exc:
                    reason = str(exc)
            if reason:
                reasons[(rid, fmt)] = reason
            pairs.append((truth, fmt, prediction))
    return pairs, reasons


def _field_id_rates(pairs: list[tuple[dict, str, dict | None]]) -> dict[str, Any]:
    """Same concept, same field id: across forms (ids several forms share) and across template variants."""
    from .catalogue import load_catalogue
    from .evaluate import field_id_rate

    try:
        shared = {fid for fid, spec in load_catalogue().fields.items() if len(spec.forms) > 1}
    except ExtractionError:
        shared = set()
    rates: dict[str, Any] = {}
    lines = []
    for name, kwargs in (("shared_across_forms", {"only": shared}), ("variant_returns", {"variant": True})):
        found, total = field_id_rate(pairs, **kwargs)
        rates[name] = {"found": found, "total": total, "rate": found / total if total else None}
        rate = f"{found / total:.3f}" if total else "—"
        lines.append(f"same field id, {name.replace('_', ' ')}: {found}/{total} = {rate}")
    return {"rates": rates, "lines": lines}


RETURN_SUFFIXES = (".docx", ".pdf", ".doc", ".rtf", ".odt", ".docm")


def _inputs(paths: tuple[Path, ...]) -> list[tuple[Path, Path | None]]:
    """Files named directly (whatever their extension) and, inside folders, files with a return's extension,
    each with the folder it was found in (None when named directly); a file given twice is taken once."""
    out: dict[Path, tuple[Path, Path | None]] = {}
    for p in paths:
        found = [(f, p) for f in sorted(p.rglob("*")) if f.is_file() and f.suffix.lower() in RETURN_SUFFIXES] \
            if p.is_dir() else [(p, None)]
        for f, base in found:
            out.setdefault(f.resolve() if f.exists() else f, (f, base))
    return list(out.values())


def _explain(result: Any) -> None:
    for f in [*result.fields, *result.unmatched]:
        fid = f.field_id or "UNMATCHED"
        best = f" (best {f.candidates[0]['field_id']} {f.candidates[0]['score']:.2f})" \
            if f.field_id is None and f.candidates else ""
        score = next((c["score"] for c in f.candidates if c["field_id"] == f.field_id), None)
        score_s = f" {score:.2f}" if score is not None else ""
        row = f"[{f.row}]" if f.row else ""
        click.echo(f"  {f.label[:60]!r:64} → {fid}{row}{score_s}{best}")
        click.echo(f"      value={f.value!r} raw={f.raw!r} conf={f.confidence:.2f} {f.status}"
                   + (f" ({'; '.join(f.reasons)})" if f.reasons else ""))


@main.command("extract")
@click.argument("inputs", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("-o", "--output", type=click.Path(file_okay=False, path_type=Path), default=Path("outputs"),
              show_default=True, help="Folder for one JSON per return.")
@click.option("--threshold", type=click.FloatRange(0.0, 1.0), default=0.9, show_default=True,
              help="Confidence at or above which a field is accepted without review.")
@click.option("--explain", is_flag=True, help="Print every slot: label, matched field and score, value, confidence.")
@click.option("--patterns-overlay", "overlay", type=click.Path(exists=True, file_okay=False, path_type=Path),
              envvar="EXTRACTOR_PATTERNS_OVERLAY", show_envvar=True,
              help="Local patterns folder read after patterns/ (e.g. aliases.yaml learnt by `extractor review`).")
def extract_command(inputs: tuple[Path, ...], output: Path, threshold: float, explain: bool,
                    overlay: Path | None) -> None:
    """Extract every filled value of returned forms (files or folders) into JSON, one per return."""
    held = _hold_gc()
    try:
        _extract(inputs, output, threshold, explain, overlay, held)
    finally:
        if held:
            gc.enable()


# OpenBLAS's own thread count variables: when none is set, numpy's OpenBLAS starts one thread per core at import
OPENBLAS_THREADS = ("OPENBLAS_NUM_THREADS", "GOTO_NUM_THREADS", "OMP_NUM_THREADS")


def _hold_gc() -> bool:
    """Start-up of an extraction in a fresh process: True if the cyclic garbage collector was on and is now held
    off over start-up and the returns after each of which `pipeline.settle_gc` freezes what is alive (up to the
    first `SETTLE_RETURNS` DOCX returns): it is turned back on after the first return settling ends with, or that
    failed.

    Imports, the catalogue, the first returns' tables and the caches they fill are objects that live as long as
    the process, and next to none is cyclic garbage (~360 objects over start-up and a first return, ~2 a DOCX
    return after it): the collector's ~180 passes over them (~90 ms in the unseen-wording case) freed next to
    nothing. Also, when the user sets no thread count, numpy's OpenBLAS is loaded with one thread: extraction
    does no linear algebra, and starting a thread per core costs ~60 ms at `import numpy`. Neither changes a
    result."""
    if "numpy" not in sys.modules and not any(v in os.environ for v in OPENBLAS_THREADS):
        os.environ["OPENBLAS_NUM_THREADS"] = "1"
    if not gc.isenabled():
        return False
    gc.disable()
    return True


def _extract(inputs: tuple[Path, ...], output: Path, threshold: float, explain: bool, overlay: Path | None,
             held: bool) -> None:
    """`extract_command`; `held`: the garbage collector is to be turned back on when settling ends (`_hold_gc`)."""
    from .catalogue import load_catalogue
    from .output import output_paths, write_result
    from .pipeline import extract_path, settling
    from .text.legacy import label

    try:
        catalogue = load_catalogue(overlay=str(overlay) if overlay else None)
    except ExtractionError as exc:
        raise click.ClickException(str(exc)) from None
    found = _inputs(inputs)
    if not found:
        raise click.ClickException("no returns found in " + ", ".join(map(str, inputs)))
    targets = output_paths(found, output)
    files = [f for f, _ in found]
    failed = 0
    for path in files:
        done = False
        try:
            result = extract_path(path, catalogue, threshold=threshold)
            target = write_result(result, output, targets[path])
            done = True
        except ExtractionError as exc:
            failed += 1
            click.echo(f"FAILED {exc}", err=True)
            continue
        except OSError as exc:
            failed += 1
            click.echo(f"FAILED {path}: cannot write the result: {exc}", err=True)
            continue
        finally:
            if held and (not done or not settling()):
                gc.enable()
                held = False
        filled = sum(f.status != "empty" for f in result.fields)
        review = sum(f.status == "review" for f in result.fields) + len(result.unmatched)
        form = f"{result.form_id} ({result.form_confidence:.2f})" if result.form_id else "unknown form"
        repaired = f", {label(result.repairs)}" if result.repairs else ""
        click.echo(f"{path}: {form}, {filled} fields filled, {review} to review{repaired} → {target}")
        if explain:
            _explain(result)
    if failed:
        click.echo(f"{failed} of {len(files)} inputs failed.", err=True)
        raise SystemExit(1)


if __name__ == "__main__":  # python -m extractor.cli
    main()
