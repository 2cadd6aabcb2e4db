"""The whole pipeline on corpus returns (`extractor.pipeline.extract_path`), the result writer and the
`extractor extract` command run in-process.

Golden files `tests/golden/<return_id>.json` hold the `{field_id, row, value}` of every field of a result;
after checking that a change is an improvement, regenerate them with
``REGENERATE_GOLDEN=1 python3 -m pytest tests/test_pipeline.py``.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import re
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from click.testing import CliRunner

from extractor.catalogue import load_catalogue
from extractor.cli import main
from extractor.evaluate import score_document
from extractor.model import Result
from extractor.output import SCHEMA, validate, write_result
from extractor.pipeline import extract_path

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpora"
GOLDEN = Path(__file__).resolve().parent / "golden"
REGENERATE = bool(os.environ.get("REGENERATE_GOLDEN"))

# two returns per form: a plain one and a variant (reworded; NFD text, other checkbox encodings …)
SAMPLE = ["f000_r000", "f000_r003", "f001_r002", "f001_r007", "f002_r000", "f002_r001", "f003_r004", "f003_r003",
          "f004_r002", "f004_r003"]
GOLDEN_IDS = ["f003_r003", "f004_r002"]
F1_FLOOR = 0.85  # a regression guard, not a target


@functools.cache
def truth(return_id: str) -> dict[str, Any]:
    return json.loads((CORPUS / "truth" / f"{return_id}.json").read_text(encoding="utf-8"))


@functools.cache
def result(return_id: str) -> Result:
    return extract_path(CORPUS / "returns" / f"{return_id}.docx")


def field_keys() -> list[str]:
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    return schema["$defs"]["field"]["required"]


# -- results -------------------------------------------------------------------------------------------
def test_sample_has_plain_and_variant_returns_of_every_form() -> None:
    kinds = {(truth(r)["form"], truth(r)["variant"]) for r in SAMPLE}
    assert kinds == {(f, v) for f in ("f000", "f001", "f002", "f003", "f004") for v in (False, True)}


@pytest.mark.parametrize("return_id", SAMPLE)
def test_result_follows_the_schema(return_id: str) -> None:
    data = result(return_id).to_dict()
    validate(data)
    required = field_keys()
    for f in data["fields"] + data["unmatched"]:
        assert set(required) <= set(f), f
    assert all(f["field_id"] for f in data["fields"])
    assert all(f["field_id"] is None and f["status"] == "review" for f in data["unmatched"])


@pytest.mark.parametrize("return_id", SAMPLE)
def test_fields_are_known_typed_and_statused(return_id: str) -> None:
    res, cat = result(return_id), load_catalogue()
    for f in res.fields:
        assert f.field_id in cat.fields
        assert f.type == cat.fields[f.field_id].type
        assert 0.0 <= f.confidence <= 1.0
        if f.status == "empty":
            assert f.value is None
        if f.status == "accepted":
            assert f.value is not None
    keys = [(f.field_id, f.row) for f in res.fields]
    assert len(keys) == len(set(keys)), "a (field_id, row) given twice"


@pytest.mark.parametrize("return_id", SAMPLE)
def test_detected_form_is_the_true_form(return_id: str) -> None:
    res = result(return_id)
    assert res.form_id == truth(return_id)["form"]
    assert 0.0 < res.form_confidence <= 1.0
    assert max(res.form_scores, key=res.form_scores.__getitem__) == res.form_id


def test_source_is_recorded() -> None:
    res = result(SAMPLE[0])
    path = CORPUS / "returns" / f"{SAMPLE[0]}.docx"
    assert res.source.format == "docx"
    assert res.source.sha256 == hashlib.sha256(path.read_bytes()).hexdigest()


def test_accuracy_floor() -> None:
    correct = predicted = filled = 0
    per_doc = {}
    for rid in SAMPLE:
        s = score_document(truth(rid), result(rid).to_dict(), 0.9)
        assert not s.issues, s.issues
        correct, predicted, filled = correct + s.correct, predicted + s.predicted, filled + s.truth_filled
        per_doc[rid] = (s.correct, s.predicted, s.truth_filled)
    precision, recall = correct / predicted, correct / filled
    f1 = 2 * precision * recall / (precision + recall)
    assert f1 >= F1_FLOOR, per_doc


# -- writing -------------------------------------------------------------------------------------------
def test_write_result_is_atomic(tmp_path: Path) -> None:
    res = result("f003_r003")
    target = write_result(res, tmp_path / "out")
    assert target == tmp_path / "out" / "f003_r003.docx.json"
    assert [p.name for p in (tmp_path / "out").iterdir()] == [target.name]  # no temp file left
    data = json.loads(target.read_text(encoding="utf-8"))
    validate(data)
    assert data == json.loads(json.dumps(res.to_dict(), ensure_ascii=False))
    # writing again replaces the file in place
    assert write_result(res, tmp_path / "out") == target
    assert [p.name for p in (tmp_path / "out").iterdir()] == [target.name]


def test_write_result_leaves_nothing_when_writing_fails(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken_dump(*args: Any, **kwargs: Any) -> None:
        raise OSError("disk full")

    monkeypatch.setattr("extractor.output.dumps", broken_dump)
    with pytest.raises(OSError, match="disk full"):
        write_result(result("f003_r003"), tmp_path)
    assert list(tmp_path.iterdir()) == []


def test_write_result_refuses_an_invalid_result(tmp_path: Path) -> None:
    res = extract_path(CORPUS / "returns" / "f003_r003.docx")  # a copy: the cached one stays intact
    res.fields[0].confidence = 1.5
    with pytest.raises(jsonschema.ValidationError):
        write_result(res, tmp_path)
    assert list(tmp_path.iterdir()) == []


# -- golden files ----------------------------------------------------------------------------------------
def triples(res: Result) -> list[dict[str, Any]]:
    rows = [{"field_id": f.field_id, "row": f.row, "value": f.value} for f in res.fields]
    rows.sort(key=lambda t: (t["field_id"], t["row"] or 0))
    return json.loads(json.dumps(rows, ensure_ascii=False))


@pytest.mark.parametrize("return_id", GOLDEN_IDS)
def test_golden(return_id: str) -> None:
    path = GOLDEN / f"{return_id}.json"
    got = triples(result(return_id))
    if REGENERATE:
        path.parent.mkdir(exist_ok=True)
        lines = ",\n".join(" " + json.dumps(t, ensure_ascii=False) for t in got)  # one field a line: short diffs
        path.write_text(f"[\n{lines}\n]\n", encoding="utf-8")
    assert path.exists(), f"missing {path}: run with REGENERATE_GOLDEN=1"
    expected = json.loads(path.read_text(encoding="utf-8"))
    assert got == expected


def test_golden_regeneration_is_off_in_ci() -> None:
    assert not (os.environ.get("CI") and os.environ.get("REGENERATE_GOLDEN")), \
        "REGENERATE_GOLDEN must not be set in CI: golden files would be rewritten instead of checked"


# -- command line ----------------------------------------------------------------------------------------
def run(*args: str) -> Any:
    return CliRunner().invoke(main, ["extract", *args], catch_exceptions=False)


FAILED_LINE = re.compile(r"^FAILED \[E101\] (?P<path>.+?): \S.*$")


def failed_paths(stderr: str) -> list[str]:
    lines = [ln for ln in stderr.splitlines() if ln.startswith("FAILED")]
    assert all(FAILED_LINE.match(ln) for ln in lines), lines
    return [FAILED_LINE.match(ln)["path"] for ln in lines]  # type: ignore[index]


def test_cli_extract_examples(tmp_path: Path) -> None:
    examples = CORPUS / "examples"
    out = tmp_path / "out"
    r = run(str(examples), "-o", str(out))
    assert r.exit_code == 0, r.stderr
    returns = sorted(examples.glob("*.docx")) + sorted(examples.glob("*.pdf"))
    assert len(returns) == 6
    assert sorted(p.name for p in out.iterdir()) == sorted(f"{p.name}.json" for p in returns)
    for p in returns:
        result = json.loads((out / f"{p.name}.json").read_text(encoding="utf-8"))
        validate(result)
        assert result["source"]["format"] == p.suffix[1:]
    assert failed_paths(r.stderr) == []
    assert len([ln for ln in r.stdout.splitlines() if ".docx:" in ln or ".pdf:" in ln]) == len(returns)


def test_cli_bad_inputs_fail_one_line_each(tmp_path: Path) -> None:
    missing = tmp_path / "missing.docx"
    notes = tmp_path / "notes.txt"
    notes.write_text("Ghi chú họp giao ban\nkhông phải phiếu khảo sát\n", encoding="utf-8")
    good = CORPUS / "returns" / "f003_r003.docx"
    r = run(str(missing), str(notes), str(good), "-o", str(tmp_path / "out"))
    assert r.exit_code == 1
    assert failed_paths(r.stderr) == [str(missing), str(notes)]
    assert (tmp_path / "out" / "f003_r003.docx.json").is_file()  # the other input is still processed
    assert list((tmp_path / "out").iterdir()) == [tmp_path / "out" / "f003_r003.docx.json"]


def test_cli_explain(tmp_path: Path) -> None:
    r = run("--explain", str(CORPUS / "returns" / "f003_r000.docx"), "-o", str(tmp_path))
    assert r.exit_code == 0
    targets = re.findall(r"→ (\S+)", r.stdout)
    assert targets
    known = set(load_catalogue().fields)
    for t in targets:
        if t.endswith(".json"):
            continue  # the summary line names the written file
        assert t == "UNMATCHED" or re.sub(r"\[\d+\]$", "", t) in known, t
    assert "email.accounts" in targets
    # the blank form's own words (the cover letter's "Kính gửi", "Nơi nhận") are never unmatched review items,
    # and the rate the clerk typed on the line under its question is its field's value (habit next_line)
    assert "UNMATCHED" not in targets
    assert re.search(r"→ email.accounts_rate\b.*\n\s+value=89.9 raw='89,9'", r.stdout)
    assert not re.search(r"'(Kính gửi|Nơi nhận)'.*UNMATCHED", r.stdout)
    # a reworded template's notes are not printed text: they still come out as unmatched, never dropped
    r = run("--explain", str(CORPUS / "returns" / "f003_r003.docx"), "-o", str(tmp_path))
    assert "UNMATCHED" in re.findall(r"→ (\S+)", r.stdout)


def test_a_review_item_shows_the_typed_text_and_the_label_the_reviewer_needs() -> None:
    from extractor.pipeline import _review_label
    from extractor.slots import Slot

    # "1.306,5 ….. triệu" in a table cell: the number before the dots is no label, it is the typed value
    cell = Slot("cell", "1.306,5", context="Đầu tư / Từ ngân sách tỉnh", row_label="Từ ngân sách tỉnh")
    assert _review_label(cell, "1.306") == ("Từ ngân sách tỉnh", "1.306,5")
    assert _review_label(cell, "triệu đồng") == ("Từ ngân sách tỉnh", "1.306,5 triệu đồng")
    # in a paragraph, the question the slot answers names it
    line = Slot("blank", "236", context="Số máy tính được cài phần mềm diệt virus")
    assert _review_label(line, "236") == ("Số máy tính được cài phần mềm diệt virus", "236")
    # a real label is kept, and so is a digit label with nothing better to name it
    assert _review_label(Slot("blank", "Họ và tên"), "Đỗ Thị Hòa") == ("Họ và tên", "Đỗ Thị Hòa")
    assert _review_label(Slot("blank", "12", context="12"), "12") == ("12", "12")
