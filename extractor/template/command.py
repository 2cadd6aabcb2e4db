"""`extractor template draft|check`: add a new form from its blank template (library errors become click
errors here)."""

from __future__ import annotations

from pathlib import Path

import click
import regex

from extractor.errors import ExtractionError

FORM_ID = regex.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$")


@click.group("template")
def template() -> None:
    """Add a new form from its blank template: draft its patterns, review, check."""


@template.command("draft")
@click.argument("blank", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--form-id", required=True, help="Id of the new form (file name of its patterns file).")
@click.option("--overlay", type=click.Path(file_okay=False, path_type=Path),
              help="Write to OVERLAY/forms/ID.yaml (a local patterns overlay) instead of patterns/forms/.")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), help="Write to this file.")
@click.option("--force", is_flag=True, help="Replace an existing patterns file.")
def draft_command(blank: Path, form_id: str, overlay: Path | None, output: Path | None, force: bool) -> None:
    """Draft the patterns file of a form from its BLANK template (DOCX, PDF, .doc …).

    Every blank, checkbox group, table cell and list column gets its label, section, column, options, an
    inferred type and unit, and a field id: the catalogue's when the wording matches a known slot (with
    its score), else a new readable id defined in the file. Review the file, then run `template check`.
    """
    from extractor.catalogue import PATTERNS, load_catalogue
    from extractor.printed import main as printed_main
    from extractor.template.draft import draft_path
    from extractor.template.write import write_draft

    if not FORM_ID.match(form_id):
        raise click.BadParameter("letters, digits, _ and - only (it names the patterns file)", param_hint="--form-id")
    if output and overlay:
        raise click.UsageError("give either --overlay or -o, not both")
    target = output or (overlay or PATTERNS) / "forms" / f"{form_id}.yaml"
    if target.exists() and not force:
        raise click.ClickException(f"{target} exists; review it, or pass --force to replace it")
    try:
        catalogue = load_catalogue(None, str(overlay) if overlay else None)
        draft = draft_path(blank, form_id, catalogue)
        write_draft(draft, target, force=True)
        # the blank form's printed lines: never values, and the lines typed values are read against
        printed_target = target.parent.parent / "printed" / f"{form_id}.yaml"
        printed_main([str(blank), "--form-id", form_id, "-o", str(printed_target)])
    except ExtractionError as exc:
        raise click.ClickException(str(exc)) from None
    except OSError as exc:
        raise click.ClickException(f"cannot write {target}: {exc.strerror or exc}") from None
    reused = sum(d.field not in draft.fields for d in draft.slots)
    click.echo(f"{blank}: {len(draft.slots)} slots, {reused} with catalogue ids, {len(draft.fields)} new ids "
               f"→ {target}")
    check = f"extractor template check {form_id}" + (f" --overlay {overlay}" if overlay else "")
    click.echo(f"Review the file, then run `{check}`.")


@template.command("check")
@click.argument("form")
@click.option("--overlay", type=click.Path(file_okay=False, path_type=Path),
              help="A local patterns overlay (default: $EXTRACTOR_PATTERNS_OVERLAY).")
def check_command(form: str, overlay: Path | None) -> None:
    """Validate the patterns file of FORM (a form id, or the path of a patterns file) against the
    catalogue, and print its slots: label, field id, score, type, unit, and the ids that are new,
    duplicated or unused. Exits with 1 when the file has errors."""
    import os

    from extractor.template.check import check_file, check_form, format_report

    overlay = overlay or (Path(os.environ["EXTRACTOR_PATTERNS_OVERLAY"])
                          if os.environ.get("EXTRACTOR_PATTERNS_OVERLAY") else None)
    try:
        path = Path(form)
        report = check_file(path, None, overlay) if path.suffix in (".yaml", ".yml") and path.is_file() \
            else check_form(form, None, overlay)
    except ExtractionError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(format_report(report))
    if not report.ok:
        raise SystemExit(1)
