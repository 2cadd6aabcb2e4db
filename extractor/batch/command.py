"""``extractor batch INPUT... -o DIR``: every return in folders, archives, e-mails and mailboxes, in parallel.

Exit code: 0 when every input was accounted for without failure (ok, review, skipped, duplicate, superseded,
ignored), 1 when at least one input failed (the others are still processed), 2 for a usage error.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

import click

from extractor.batch.manifest import STATUSES
from extractor.batch.run import Options, Summary, run_batch
from extractor.errors import ExtractionError

MB = 1024 * 1024


class _Progress:
    """A tqdm bar on stderr (only on a terminal) with the last file's status; failures always printed."""

    def __init__(self, quiet: bool) -> None:
        self.bar: Any = None
        self.quiet = quiet
        self.tty = sys.stderr.isatty() and not quiet

    def total(self, n: int) -> None:
        if self.tty:
            import tqdm

            tqdm.tqdm.monitor_interval = 0  # no monitor thread: workers are forked from this process
            self.bar = tqdm.tqdm(total=n, unit="file", file=sys.stderr, dynamic_ncols=True)

    def line(self, line: dict[str, Any]) -> None:
        status = line["status"]
        text = f"{status:10} {line['input']}" + (f"  ({line['form']})" if line.get("form") else "")
        if line.get("error") and status == "failed":
            text += f"\n           {line['error']}"
        if self.bar is not None:
            if line.get("n") is not None and "note" not in line:
                self.bar.update(1)
            self.bar.set_postfix_str(f"{status}: {line.get('name') or line['input']}"[-60:], refresh=True)
            if status == "failed":
                self.bar.write(text, file=sys.stderr)
        elif status == "failed" or not self.quiet:
            click.echo(text, err=status == "failed")

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()


def format_summary(summary: Summary, out: Path) -> list[str]:
    """The closing account: counts by status, then by form."""
    counts = summary.by_status()
    total = len(summary.lines)
    lines = [f"{total} inputs in {summary.seconds:.1f} s: "
             + ", ".join(f"{counts[s]} {s}" for s in STATUSES if counts[s])]
    for form, c in summary.by_form().items():
        lines.append(f"  {form}: " + ", ".join(f"{c[s]} {s}" for s in STATUSES if c[s]))
    possible = sum(bool(line.get("possible_resend_of")) for line in summary.lines)
    if possible:
        lines.append(f"{possible} returns kept that may be resends of each other: see the possible_resend checks "
                     "of `extractor aggregate --checks`.")
    lines.append(f"Results in {out / 'results'}, manifest {out / 'manifest.jsonl'} (run {summary.run}).")
    return lines


def _scheduler(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    if not value:
        return None
    from extractor.batch.dask_runner import check_scheduler

    try:
        return check_scheduler(value)
    except ValueError as exc:
        raise click.BadParameter(str(exc)) from None


@click.command("batch")
@click.argument("inputs", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("-o", "--output", type=click.Path(file_okay=False, path_type=Path), required=True,
              help="Folder for results/<sha256>.json and manifest.jsonl.")
@click.option("-j", "--jobs", type=click.IntRange(1, 256), default=os.cpu_count() or 1, show_default=True,
              help="Files processed at the same time (one worker process each, reused); with --scheduler, the "
                   "archives and e-mails unpacked here at the same time.")
@click.option("--timeout", type=click.FloatRange(min=1), default=None,
              help="Seconds one file may take before it is stopped and reported.  [default: patterns/batch.yaml]")
@click.option("--max-memory", type=click.IntRange(min=0), default=None,
              help="Memory (MB of address space) a worker, running one file at a time, may use; 0: no limit."
                   "  [default: patterns/batch.yaml]")
@click.option("--threshold", type=click.FloatRange(0.0, 1.0), default=0.9, show_default=True,
              help="Confidence at or above which a field is accepted without review.")
@click.option("--force", is_flag=True, help="Extract again returns that already have a result.")
@click.option("--scheduler", envvar="EXTRACTOR_SCHEDULER", callback=_scheduler, metavar="ADDRESS|local:N",
              help="Extract on a Dask cluster: its scheduler (tcp://HOST:8786), or local:N to start N worker "
                   "processes here; unpacking, manifest and results stay on this machine.  [env: EXTRACTOR_SCHEDULER]")
@click.option("-q", "--quiet", is_flag=True, help="Print only failures and the summary.")
def batch_command(inputs: tuple[Path, ...], output: Path, jobs: int, timeout: float | None,
                  max_memory: int | None, threshold: float, force: bool, scheduler: str | None, quiet: bool) -> None:
    """Process every return in folders, .zip archives, .eml/.msg e-mails and .mbox mailboxes.

    Attachments are taken from e-mails (forwarded messages and nested archives too) with the sender,
    subject and date kept as provenance. One result per distinct file in DIR/results/<sha256>.json, one
    line per input in DIR/manifest.jsonl; a re-run skips returns already done.
    """
    options = Options(jobs=jobs, timeout_s=timeout, threshold=threshold, force=force, scheduler=scheduler,
                      max_memory_bytes=None if max_memory is None else max_memory * MB)
    progress = _Progress(quiet or not sys.stderr.isatty())
    try:
        summary = run_batch(list(inputs), output, options, on_line=progress.line, on_total=progress.total)
    except ExtractionError as exc:
        raise click.ClickException(str(exc)) from None
    except OSError as exc:
        raise click.ClickException(f"cannot write to {output}: {exc}") from None
    finally:
        progress.close()
    for text in format_summary(summary, output):
        click.echo(text)
    if summary.failed:
        raise SystemExit(1)
