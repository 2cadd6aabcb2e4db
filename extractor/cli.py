"""Command-line interface (``extractor``). Library errors become click errors only here."""

from __future__ import annotations

import importlib
import json
from pathlib import Path
from typing import Any

import click

from . import __version__
from .errors import ExtractionError

FORMATS = ("docx", "pdf")


@click.group()
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
              help="Format to score (repeatable). Default: docx and pdf.")
@click.option("--threshold", type=click.FloatRange(0.0, 1.0), default=0.9, show_default=True,
              help="Confidence at or above which a field is accepted without review.")
@click.option("--json", "json_out", type=click.Path(dir_okay=False, path_type=Path),
              help="Also write the full report as JSON to this file.")
def eval_command(corpus: Path, predictions: Path | None, formats: tuple[str, ...], threshold: float,
                 json_out: Path | None) -> None:
    """Score predictions against the ground truth.

    Prints precision, recall, F1, blank accuracy, straight-through rate and calibration overall, per
    form, per format, plain vs variant and per form/format. Failed predictions count as misses.
    """
    from . import evaluate as ev

    fmts = list(dict.fromkeys(f.lower() for f in formats)) or list(FORMATS)
    try:
        truth_docs = ev.load_truth(corpus / "truth")
    except ExtractionError as exc:
        raise click.ClickException(str(exc)) from None
    pipeline = None if predictions is not None else _load_extractor()

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

    try:
        report = ev.evaluate(pairs, threshold, reasons=reasons)
    except ExtractionError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(report.format_table())
    if json_out is not None:
        try:
            json_out.write_text(json.dumps(report.to_dict(), ensure_ascii=False, indent=2) + "\n",
                                encoding="utf-8")
        except OSError as exc:
            raise click.ClickException(f"cannot write {json_out}: {exc}") from None
        click.echo(f"Report written to {json_out}")
    if report.failures:
        click.echo(f"{len(report.failures)} of {len(pairs)} predictions failed (counted as misses).",
                   err=True)
