"""`extractor review DIR` (the web app) and `extractor export-reviewed DIR -o OUT`."""

from __future__ import annotations

from pathlib import Path

import click

from extractor.errors import ExtractionError

LOCAL_HOSTS = ("127.0.0.1", "localhost", "::1")
TOKEN_ENV = "EXTRACTOR_REVIEW_TOKEN"


@click.command("review")
@click.argument("results_dir", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--db", "db_path", type=click.Path(dir_okay=False, path_type=Path),
              help="SQLite file of the review decisions.  [default: RESULTS_DIR/review.sqlite]")
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on; anything but localhost needs --token.")
@click.option("--port", type=click.IntRange(0, 65535), default=5000, show_default=True)
@click.option("--token", envvar=TOKEN_ENV, show_envvar=True,
              help="Access token every request must carry (open the app once with ?token=…).")
@click.option("--reviewer", help="Your name, recorded with every decision (else set it on the page).")
@click.option("--overlay", type=click.Path(file_okay=False, path_type=Path),
              help="Patterns overlay where learnt label aliases go.  [default: RESULTS_DIR/patterns-overlay]")
@click.option("--sources", "source_roots", multiple=True, type=click.Path(exists=True, file_okay=False, path_type=Path),
              help="Folder to look for the returns in when their recorded path is not found (repeatable).")
def review_command(results_dir: Path, db_path: Path | None, host: str, port: int, token: str | None,
                   reviewer: str | None, overlay: Path | None, source_roots: tuple[Path, ...]) -> None:
    """Review low-confidence fields of a results folder in the browser."""
    if host not in LOCAL_HOSTS and not token:
        raise click.ClickException(f"refusing to listen on {host} without an access token: pass --token "
                                   f"(or set {TOKEN_ENV}), or keep the default 127.0.0.1")
    from werkzeug.serving import run_simple

    from extractor.review.app import create_app

    try:
        app = create_app(results_dir, db_path, reviewer=reviewer, token=token, overlay=overlay,
                         source_roots=source_roots)
    except ExtractionError as exc:
        raise click.ClickException(str(exc)) from None
    n = len(app.extensions["review"]["results"].returns)
    click.echo(f"Reviewing {n} returns of {results_dir} — http://{host}:{port}/" + ("?token=…" if token else ""))
    run_simple(host, port, app, threaded=True, use_reloader=False, use_debugger=False)


@click.command("export-reviewed")
@click.argument("results_dir", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("-o", "--output", type=click.Path(file_okay=False, path_type=Path), required=True,
              help="Folder for the reviewed results (same relative paths as in RESULTS_DIR).")
@click.option("--db", "db_path", type=click.Path(dir_okay=False, path_type=Path),
              help="SQLite file of the review decisions.  [default: RESULTS_DIR/review.sqlite]")
def export_command(results_dir: Path, output: Path, db_path: Path | None) -> None:
    """Write the results with the reviewers' decisions merged in (the extractor's files stay untouched)."""
    from extractor.catalogue import load_catalogue
    from extractor.review.export import export_reviewed
    from extractor.review.results import load_results
    from extractor.review.store import Store

    db = db_path or results_dir / "review.sqlite"
    if not db.is_file():
        raise click.ClickException(f"no review database at {db}: run `extractor review {results_dir}` first, "
                                   "or pass --db")
    try:
        summary = export_reviewed(load_results(results_dir), Store(db), output, load_catalogue())
    except ExtractionError as exc:
        raise click.ClickException(str(exc)) from None
    except OSError as exc:
        raise click.ClickException(f"cannot write to {output}: {exc}") from None
    click.echo(f"{len(summary.written)} reviewed results written to {output} ({summary.decided} field decisions, "
               f"{summary.not_a_form} returns marked not a form).")
