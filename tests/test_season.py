"""A reporting season end to end through the CLI, across the stages' agreed JSON contracts:
`batch` (mailbox folder → results/<sha256>.json) → review decisions (the review page's store) →
`export-reviewed` → `aggregate` (CSV read back). Each stage has its own tests; this one proves they fit."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

from click.testing import CliRunner

from extractor.cli import main
from extractor.review.results import ItemKey, load_results
from extractor.review.store import Store

REPO = Path(__file__).resolve().parent.parent
RETURNS = ["f001_r000.docx", "f004_r003.docx", "f000_r002.pdf"]
CORRECTED = 987654


def _csv_cell(folder: Path, field_id: str, source_name: str) -> str | None:
    """The value under `field_id` in the row of `source_name`, in the first CSV sheet that has both."""
    for path in sorted(folder.glob("*.csv")):
        with open(path, encoding="utf-8-sig", newline="") as fh:
            rows = list(csv.reader(fh))
        if not rows or field_id not in rows[0]:
            continue
        col = rows[0].index(field_id)
        for row in rows[1:]:
            if any(Path(cell).name == source_name for cell in row):
                return row[col]
    return None


def test_a_season_from_inbox_to_report(tmp_path: Path) -> None:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    for name in RETURNS:
        shutil.copy(REPO / "corpora" / "returns" / name, inbox / name)
    shutil.copy(REPO / "corpora" / "returns" / RETURNS[0], inbox / "resent-copy.docx")  # the same file twice
    run, reviewed, report = tmp_path / "run", tmp_path / "reviewed", tmp_path / "report"
    cli = CliRunner()

    out = cli.invoke(main, ["batch", str(inbox), "-o", str(run), "--jobs", "1", "-q"])
    assert out.exit_code == 0, out.output
    results = load_results(run)
    assert sorted(r.name for r in results.returns.values()) == sorted(RETURNS)  # the copy is one return

    # a reviewer corrects one number of the f004 return and empties another
    ret = next(r for r in results.returns.values() if r.form_id == "f004")
    numbers = [(i, f) for i, f in enumerate(ret.data["fields"])
               if f["type"] == "integer" and f["value"] is not None and f["row"] is None]
    (fixed, fixed_field), (emptied, emptied_field) = numbers[0], numbers[1]
    store = Store(run / "review.sqlite")
    for index, action, value in ((fixed, "correct", CORRECTED), (emptied, "empty", None)):
        key = ItemKey(ret.sha256, "fields", index)
        f = ret.data["fields"][index]
        store.decide(key, action, seen_version=store.current(key).version, by="Lan", value=value,
                     field_id=f["field_id"], shown=(f["value"], f["field_id"]))

    out = cli.invoke(main, ["export-reviewed", str(run), "-o", str(reviewed)])
    assert out.exit_code == 0, out.output
    out = cli.invoke(main, ["aggregate", str(reviewed), "-o", str(tmp_path / "report.xlsx"), "--csv", str(report)])
    assert out.exit_code == 0, out.output
    assert (tmp_path / "report.xlsx").stat().st_size > 0

    source = Path(ret.source_path).name
    assert _csv_cell(report, fixed_field["field_id"], source) in (str(CORRECTED), "987.654", "987,654")
    assert _csv_cell(report, emptied_field["field_id"], source) == ""
    other = next(r for r in results.returns.values() if r.form_id == "f001")
    kept = next(f for f in other.data["fields"] if f["type"] == "integer" and f["value"] is not None
                and f["row"] is None and f["status"] == "accepted")
    assert _csv_cell(report, kept["field_id"], Path(other.source_path).name) == str(kept["value"])
