"""`extractor review DIR` (the web app) and `extractor export-reviewed DIR -o OUT`."""

from __future__ import annotations

from pathlib import Path

import click

from extractor.errors import ExtractionError
from extractor.review.server import LOOPBACK_NAMES

WILDCARD_HOSTS = ("0.0.0.0", "::")
TOKEN_ENV = "EXTRACTOR_REVIEW_TOKEN"


@click.command("review")
@click.argument("results_dir", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--db", "db_path", type=click.Path(dir_okay=False, path_type=Path),
              help="SQLite file of the review decisions.  [default: RESULTS_DIR/review.sqlite]")
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on; anything but localhost needs --token.")
@click.option("--port", type=click.IntRange(0, 65535), default=5000, show_default=True,
              help="Port to listen on (0: any free one, printed at start).")
@click.option("--allow-host", "allow_hosts", multiple=True, metavar="NAME",
              help="Another host name browsers use to reach the app, e.g. this machine's name when listening on "
                   "0.0.0.0 (repeatable). 127.0.0.1, localhost and --host are always answered; any other Host "
                   "header gets 400.")
@click.option("--threads", type=click.IntRange(1, 64), default=4, show_default=True,
              help="Worker threads of the server (waitress).")
@click.option("--token", envvar=TOKEN_ENV, show_envvar=True,
              help="Access token every request must carry (open the app once with ?token=…).")
@click.option("--reviewer", help="Your name, recorded with every decision (else set it on the page).")
@click.option("--overlay", type=click.Path(file_okay=False, path_type=Path),
              help="Patterns overlay where learnt label aliases go.  [default: RESULTS_DIR/patterns-overlay]")
@click.option("--sources", "source_roots", multiple=True, type=click.Path(exists=True, file_okay=False, path_type=Path),
              help="Folder to look for the returns in when their recorded path is not found (repeatable).")
def review_command(results_dir: Path, db_path: Path | None, host: str, port: int, allow_hosts: tuple[str, ...],
                   threads: int, token: str | None, reviewer: str | None, overlay: Path | None,
                   source_roots: tuple[Path, ...]) -> None:
    """Review low-confidence fields of a results folder in the browser."""
    if host not in LOOPBACK_NAMES and not token:
        raise click.ClickException(f"refusing to listen on {host} without an access token: pass --token "
                                   f"(or set {TOKEN_ENV}), or keep the default 127.0.0.1")
    from extractor.review.app import create_app
    from extractor.review.server import PORT_KEY, make_server

    try:
        app = create_app(results_dir, db_path, reviewer=reviewer, token=token, overlay=overlay,
                         source_roots=source_roots, hosts=(host, *allow_hosts), port=port or None)
    except ExtractionError as exc:
        raise click.ClickException(str(exc)) from None
    try:
        server = make_server(app, host, port, threads=threads)
    except OSError as exc:
        raise click.ClickException(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from None
    n = len(app.extensions["review"]["results"].returns)
    name = f"[{host}]" if ":" in host else host
    click.echo(f"Reviewing {n} returns of {results_dir} — http://{name}:{app.config[PORT_KEY] or port}/"
               + ("?token=…" if token else ""))
    if host in WILDCARD_HOSTS and not allow_hosts:
        click.echo("Only the names 127.0.0.1 and localhost are answered: give the name other browsers use to "
                   "reach this machine with --allow-host NAME.")
    try:
        server.run()
    except KeyboardInterrupt:
        pass
    finally:
        server.close()


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
