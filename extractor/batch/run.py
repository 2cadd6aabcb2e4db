"""One batch run: inputs → unpack containers → decide (duplicate: the richest copy kept / skipped / to
extract) → extract in parallel → reconcile resends (`extractor.batch.dedupe`) → manifest and summary.

    run_batch(inputs, out, options, on_line=...) -> Summary

Layout of the output folder::

    DIR/results/<sha256>.json   one result per distinct file content (schema-valid, written atomically)
    DIR/manifest.jsonl          one line per input per run (`extractor.batch.manifest`)
    DIR/.staging/               attachments and archive entries being read (removed at the end of a run)

Resuming: a content whose result already exists and is valid is ``skipped`` (unless ``force``); a run killed
at any point leaves only whole results and whole manifest lines, so running the same command again
finishes the rest without redoing what was done.
"""

from __future__ import annotations

import functools
import os
import shutil
import time
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from extractor.batch.config import BatchConfig, load_config
from extractor.batch.containers import expand_container
from extractor.batch.dedupe import Decision, Known, kept_copies, reconcile
from extractor.batch.manifest import MANIFEST, Manifest, final_lines, read_manifest
from extractor.batch.runner import Done, Limits, run_tasks
from extractor.batch.sources import Item, Provenance, plan_inputs
from extractor.batch.work import Outcome, extract_item, load_valid, result_path, summarize

RESULT_STATUSES = ("ok", "review", "skipped", "superseded")


@dataclass
class Options:
    """How to run: parallel jobs, per-file limits, the acceptance threshold, redo finished files."""

    jobs: int = os.cpu_count() or 1
    timeout_s: float | None = None  # None: patterns/batch.yaml
    max_memory_bytes: int | None = None  # None: patterns/batch.yaml; 0: no limit
    threshold: float = 0.9
    force: bool = False
    scheduler: str | None = None  # a Dask scheduler's address or local:N: extract there (`dask_runner`)


@dataclass
class Summary:
    """The final line of every input of this run, and the counts the command prints."""

    run: str
    lines: list[dict[str, Any]] = field(default_factory=list)
    seconds: float = 0.0

    def by_status(self) -> Counter[str]:
        return Counter(line["status"] for line in self.lines)

    def by_form(self) -> dict[str, Counter[str]]:
        out: dict[str, Counter[str]] = defaultdict(Counter)
        for line in self.lines:
            if line.get("form") or line["status"] in ("ok", "review"):
                out[line.get("form") or "unknown form"][line["status"]] += 1
        return dict(sorted(out.items()))

    @property
    def failed(self) -> int:
        return self.by_status()["failed"]


def _run_id() -> str:
    # to the microsecond: two runs of one process within a second (a rerun, tests) must not share their id
    return datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%S%fZ") + f"-{os.getpid()}"


def _preload(config: BatchConfig) -> None:
    """Load the catalogue, schema and pipeline once in the parent: forked workers inherit them."""
    from extractor import pipeline  # noqa: F401
    from extractor.catalogue import load_catalogue
    from extractor.output import validator

    load_catalogue()
    validator()


def _expand(task: tuple[int, str, str], staging: str, config: BatchConfig) -> list[Item]:
    return expand_container(task[1], task[2], staging, config)


def _line(item: Item, status: str, **extra: Any) -> dict[str, Any]:
    prov = item.provenance
    return {"input": item.input, "name": prov.original_name, "sha256": item.sha256, "status": status,
            "form": None, "counts": None, "agency": None, "received": item.received, "error": None,
            "container": prov.container, "sender": prov.sender, "subject": prov.subject, "date": prov.date,
            "parcel": item.parcel, **extra}


def _outcome_fields(outcome: Outcome, results: Path) -> dict[str, Any]:
    return {"sha256": outcome.sha256, "form": outcome.form, "counts": outcome.counts or None,
            "agency": outcome.agency, "error": outcome.error, "format": outcome.format,
            "values_key": outcome.values_key,
            "result": str(result_path(results, outcome.sha256).relative_to(results.parent))
            if outcome.sha256 and outcome.status != "failed" else None}


def _agency(line: dict[str, Any]) -> str | None:
    agency = line.get("agency")
    # manifests written before agencies were read only from the return held the sender's "<address>"
    return None if not agency or (agency.startswith("<") and agency.endswith(">")) else agency


def _known(out: Path, results: Path) -> list[Known]:
    """Every result on record (all runs' manifests) that still exists: form, agency, and the received time,
    sender and parcel of the first copy on record."""
    seen: dict[str, Known] = {}
    for line in read_manifest(out / MANIFEST):
        sha = line.get("sha256")
        if not sha or line.get("status") not in RESULT_STATUSES or not line.get("form"):
            continue
        k = seen.get(sha)
        if k is None:
            k = seen[sha] = Known(sha, line.get("form"), _agency(line), line.get("received"), line.get("sender"),
                                  line.get("parcel"), name=str(line.get("input") or ""))
        else:
            k.form, k.agency = line.get("form"), _agency(line)
            if not k.received:
                k.received, k.sender, k.parcel = line.get("received"), line.get("sender"), line.get("parcel")
        k.values_key, k.format = line.get("values_key"), line.get("format")
        k.review = int((line.get("counts") or {}).get("review") or 0)
    return [k for k in seen.values() if result_path(results, k.sha256).exists()]


def _marks(lines: list[dict[str, Any]], decision: Decision) -> list[dict[str, Any]]:
    """A later line for each input of this run whose standing the resend decision changes: superseded,
    kept as a possible resend, or (a result marked by an earlier run) no longer superseded."""
    finals = final_lines(lines)
    inputs_of = {line["sha256"]: line["input"] for line in finals if line.get("sha256")}
    out = []
    for line in finals:
        sha = line.get("sha256") or ""
        newest = decision.superseded.get(sha)
        if line["status"] not in ("ok", "review", "skipped"):
            continue
        if newest and sha in decision.same:
            out.append({**line, "status": "superseded", "superseded_by": newest,
                        "note": f"was {line['status']}; another file holds the same return (every filled value "
                                "equal, e.g. its PDF export): counted once"})
        elif newest:
            out.append({**line, "status": "superseded", "superseded_by": newest,
                        "note": f"was {line['status']}; a later return of this form from the same agency (or, "
                                "the agency unknown, a later message from the same sender) replaces it"})
        elif decision.possible.get(sha):
            others = sorted(inputs_of.get(o, o) for o in decision.possible[sha])
            out.append({**line, "superseded_by": None, "possible_resend_of": sorted(decision.possible[sha]),
                        "note": "kept; it may be a resend of " + ", ".join(others) + " (listed in the report's "
                                "checks)"})
        elif line.get("superseded_by"):
            out.append({**line, "superseded_by": None, "note": "kept: no later return replaces it"})
    return out


def run_batch(inputs: list[Path], out: Path, options: Options,
              on_line: Callable[[dict[str, Any]], None] | None = None,
              on_total: Callable[[int], None] | None = None) -> Summary:
    """Process every return found in `inputs` into `out` (see the module docstring); never raises for a file."""
    start = time.monotonic()
    config = load_config()
    results, staging = out / "results", out / ".staging"
    results.mkdir(parents=True, exist_ok=True)
    for tmp in results.glob(".tmp-*"):  # left by a run killed while writing
        tmp.unlink(missing_ok=True)
    memory = config.max_memory_bytes if options.max_memory_bytes is None else (options.max_memory_bytes or None)
    limits = Limits(options.timeout_s or config.timeout_s, memory)
    _preload(config)
    summary = Summary(_run_id())
    counter = iter(range(1, 1 << 62))

    with Manifest(out, summary.run) as manifest:
        def emit(line: dict[str, Any]) -> None:
            line.setdefault("n", next(counter))
            written = manifest.write(line)
            summary.lines.append(written)
            if on_line is not None:
                on_line(written)

        plan = plan_inputs(inputs, config)
        unpacked: dict[int, list[Item]] = {}

        def expanded(task: tuple[int, str, str], done: Done) -> None:
            if done.error is None:
                unpacked[task[0]] = done.value
            else:
                name = task[1]
                unpacked[task[0]] = [Item(name, Provenance(Path(name).name), path=name, status="failed",
                                          error=f"[E101] {name}: could not be unpacked: {done.error}")]

        run_tasks(functools.partial(_expand, staging=str(staging), config=config),
                  [(i, str(p), kind) for i, (p, kind) in enumerate(plan.containers)], options.jobs, limits, expanded)
        # input order, whatever order the workers finished in
        items: list[Item] = [*plan.refused, *plan.returns]
        for i in range(len(plan.containers)):
            items += unpacked.get(i, [])
        if on_total is not None:
            on_total(len(items))

        kept = kept_copies(items)
        todo: list[Item] = []
        for item in items:
            if item.status is not None:
                emit(_line(item, item.status, error=item.error))
            elif kept[item.sha256] is not item:  # type: ignore[index]
                other = kept[item.sha256].input  # type: ignore[index]
                emit(_line(item, "duplicate", duplicate_of=other, error=f"the same file as {other}"))
            else:
                existing = None if options.force else load_valid(result_path(results, item.sha256))
                if existing is not None:
                    emit(_line(item, "skipped", **_outcome_fields(summarize(existing, config), results),
                               superseded_by=existing.get("superseded_by")))
                else:
                    todo.append(item)

        def extracted(item: Item, done: Done) -> None:
            if done.error is not None:
                outcome = Outcome("failed", item.sha256, error=f"[E101] {item.input}: {done.error}")
            else:
                outcome = done.value
            emit(_line(item, outcome.status, seconds=round(done.seconds, 3), **_outcome_fields(outcome, results)))

        if options.scheduler:
            from extractor.batch.dask_runner import run_on_cluster

            run_on_cluster(options.scheduler, todo, results, options.threshold, limits, extracted)
        else:
            run_tasks(functools.partial(extract_item, results=results, threshold=options.threshold, config=config),
                      todo, options.jobs, limits, extracted)

        decision, changed = reconcile(results, _known(out, results), config.resend_by_sender)
        superseded = decision.superseded
        mine = {line["sha256"] for line in summary.lines if line.get("sha256")}
        for line in _marks(summary.lines, decision):
            emit(line)
        for k in _known(out, results):
            if k.sha256 in superseded and k.sha256 in changed and k.sha256 not in mine:
                data = load_valid(result_path(results, k.sha256)) or {}
                prov = data.get("provenance") or {}
                emit({"n": None, "input": " > ".join([*prov.get("container", []), prov.get("original_name", "")]),
                      "sha256": k.sha256, "status": "superseded", "superseded_by": superseded[k.sha256],
                      "form": k.form, "agency": k.agency, "received": k.received,
                      "note": "a result of an earlier run, replaced by a newer return of this run"})
    shutil.rmtree(staging, ignore_errors=True)
    summary.lines = final_lines(summary.lines)
    summary.seconds = time.monotonic() - start
    return summary
