"""`extractor batch` on a generated mailbox (tests/mailbox_fixture.py): every input accounted for, good returns
equal to `extractor extract`, provenance, duplicates and resends, hostile files refused, re-runs skipped."""

from __future__ import annotations

import json
import shutil
from collections import Counter
from pathlib import Path

import pytest
from click.testing import CliRunner

from extractor.batch.manifest import final_lines, read_manifest
from extractor.cli import main
from tests.mailbox_fixture import Expected, build_mailbox


def _batch(*args: str) -> tuple[int, str]:
    res = CliRunner().invoke(main, ["batch", *args], catch_exceptions=False)
    return res.exit_code, res.output


@pytest.fixture(scope="module")
def mailbox_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Expected, list[dict], int, str]:
    root = tmp_path_factory.mktemp("mailbox")
    expected = build_mailbox(root / "in")
    code, output = _batch(str(root / "in"), "-o", str(root / "out"), "--jobs", "2")
    lines = list(read_manifest(root / "out" / "manifest.jsonl"))
    return root, expected, lines, code, output


def _final(lines: list[dict]) -> dict[str, list[dict]]:
    out: dict[str, list[dict]] = {}
    for line in final_lines(lines):
        out.setdefault(line["input"], []).append(line)
    return out


def test_every_input_is_accounted_for(mailbox_run) -> None:
    _, expected, lines, code, output = mailbox_run
    final = _final(lines)
    assert set(final) == set(expected.statuses), set(final) ^ set(expected.statuses)
    for inp, want in expected.statuses.items():
        got = {line["status"] for line in final[inp]}
        assert got <= ({"ok", "review"} if want == "review" else {want}), (inp, got)
    assert code == 1  # some inputs failed; the others were processed
    assert "failed" in output and "superseded" in output and "f002:" in output


def test_good_returns_equal_single_file_extract(mailbox_run, tmp_path: Path, monkeypatch) -> None:
    root, expected, lines, _, _ = mailbox_run
    final = _final(lines)
    # extract sees each attachment saved under its original name in the current folder
    monkeypatch.chdir(tmp_path)
    names = []
    for inp, src in expected.sources.items():
        line = final[inp][0]
        if line["container"]:
            shutil.copy(src, tmp_path / line["name"])
            names.append(line["name"])
        else:
            names.append(inp)
    res = CliRunner().invoke(main, ["extract", *names, "-o", str(tmp_path / "single")], catch_exceptions=False)
    assert res.exit_code == 0, res.output
    for inp, name in zip(expected.sources, names, strict=True):
        line = final[inp][0]
        batch = json.loads((root / "out" / line["result"]).read_text(encoding="utf-8"))
        single = json.loads((tmp_path / "single" / f"{Path(name).name}.json").read_text(encoding="utf-8"))
        provenance = batch.pop("provenance")
        batch.pop("superseded_by", None)
        batch.pop("possible_resend_of", None)
        assert batch == single, inp
        assert provenance["original_name"] == line["name"]
        assert batch["source"]["sha256"] == line["sha256"] == Path(line["result"]).stem


def test_provenance_of_a_zipped_attachment_and_of_a_forward(mailbox_run) -> None:
    root, _, lines, _, _ = mailbox_run
    final = _final(lines)
    box = root / "in" / "inbox.mbox"
    zipped = final[f"{box} > message 2 > returns.zip > nested.zip > f000_r003.docx"][0]
    data = json.loads((root / "out" / zipped["result"]).read_text(encoding="utf-8"))
    assert data["provenance"] == {"original_name": "f000_r003.docx",
                                  "container": [str(box), "message 2", "returns.zip", "nested.zip"],
                                  "sender": "Sở Y tế <syt@example.gov.vn>", "subject": "Báo cáo (nén)",
                                  "date": "2020-06-02T09:30:00+00:00"}
    forwarded = final[f"{box} > message 3 > forwarded: Báo cáo phường 7 > f001_r004.docx"][0]
    assert forwarded["sender"] == "UBND phường 7 <p7@example.gov.vn>"  # the original sender, not the forwarder
    msg = final[f"{root / 'in' / 'outlook.msg'} > f004_r001.docx"][0]
    assert msg["subject"] == "Báo cáo Q2" and msg["date"].startswith("2020-06-07T09:30")
    assert "vp@example.gov.vn" in msg["sender"]


def test_duplicate_and_corrected_resend(mailbox_run) -> None:
    root, expected, lines, _, _ = mailbox_run
    final = _final(lines)
    box = root / "in" / "inbox.mbox"
    dup = final[f"{box} > message 4 > f000_r016.docx"][0]
    assert dup["duplicate_of"] == f"{box} > message 1 > f000_r016.docx"
    for older, newer in expected.superseded.items():
        old_line, new_line = final[older][0], final[newer][0]
        assert old_line["superseded_by"] == new_line["sha256"]
        assert new_line["status"] in ("ok", "review")
        old = json.loads((root / "out" / "results" / f"{old_line['sha256']}.json").read_text(encoding="utf-8"))
        new = json.loads((root / "out" / "results" / f"{new_line['sha256']}.json").read_text(encoding="utf-8"))
        assert old["superseded_by"] == new["source"]["sha256"] and "superseded_by" not in new
    # the older line was written as extracted first, then superseded: the manifest keeps both
    assert [ln["status"] for ln in lines if ln["input"] == next(iter(expected.superseded))][-1] == "superseded"


def test_hostile_and_broken_files_are_refused_with_a_reason(mailbox_run) -> None:
    root, _, lines, _, _ = mailbox_run
    errors = " | ".join(ln["error"] or "" for ln in lines if ln["status"] == "failed")
    for reason in ("archive bomb: the entry is compressed", "over the 500 MB limit", "path traversal",
                   "absolute path", "damaged ZIP", "password-protected", "empty (0 bytes)"):
        assert reason in errors
    assert not (root / "evil.docx").exists() and not (root / "out" / "evil.docx").exists()
    assert not (root / "out" / ".staging").exists()


def test_rerun_skips_everything_and_force_redoes(mailbox_run, tmp_path: Path) -> None:
    root, _, lines, _, _ = mailbox_run
    out = tmp_path / "out"
    shutil.copytree(root / "out", out)
    first_run = lines[0]["run"]
    code, output = _batch(str(root / "in"), "-o", str(out), "--jobs", "2")
    assert code == 1  # the broken files fail again
    again = [ln for ln in read_manifest(out / "manifest.jsonl") if ln["run"] != first_run]
    statuses = Counter(ln["status"] for ln in final_lines(again))
    assert statuses["ok"] == statuses["review"] == 0
    assert statuses["skipped"] == 8 and statuses["superseded"] == 1 and statuses["duplicate"] == 1
    code, _ = _batch(str(root / "in" / "single.eml"), "-o", str(out), "--force")
    forced = [ln for ln in read_manifest(out / "manifest.jsonl")][-1]
    assert code == 0 and forced["status"] in ("ok", "review") and forced["input"].endswith("f003_r000.docx")
