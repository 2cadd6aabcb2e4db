"""`extractor aggregate`: totals against the ground truth, every deliberate inconsistency in the checks,
unreviewed flags, and the XLSX / CSV / Parquet files read back."""

from __future__ import annotations

import csv
import json
import math
import shutil
from collections import defaultdict
from pathlib import Path

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from extractor.catalogue import load_catalogue
from extractor.cli import main
from extractor.report.checks import all_checks, read_expected
from extractor.report.config import levels_config, report_config
from extractor.report.indicators import DivisionByZero, evaluate, names_in
from extractor.report.levels import level_of
from extractor.report.load import load_results
from extractor.report.tables import build_report
from tests import report_fixtures as rf

WORDS = report_config()["words"]
COLS = report_config()["columns"]


@pytest.fixture(scope="session")
def corpus_results(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Raw results of the subset, and the same results after a simulated review, in two folders."""
    root = tmp_path_factory.mktemp("report")
    raw = rf.extract(rf.subset(), root / "raw")
    reviewed = root / "reviewed" / "results"
    reviewed.mkdir(parents=True)
    shas = {}
    for rid, path in raw.items():
        data = rf.review(json.loads(path.read_text(encoding="utf-8")), rf.truth(rid))
        shas[rid] = data["source"]["sha256"]
        if rid == rf.NOT_A_FORM:
            data["review"] = {"not_a_form": True, "by": "tester", "at": "2024-01-15T09:00:00"}
        (reviewed / path.name).write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    sup = reviewed / f"{rf.SUPERSEDED}.docx.json"
    data = json.loads(sup.read_text(encoding="utf-8"))
    data["superseded_by"] = shas["f004_r000"]
    sup.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    # what else a batch folder holds: a manifest, other JSON, and a broken result
    (reviewed.parent / "manifest.jsonl").write_text('{"sha256": "x"}\n', encoding="utf-8")
    (reviewed.parent / "settings.json").write_text('{"threshold": 0.9}', encoding="utf-8")
    (reviewed.parent / "broken.json").write_text('{"source": {}, "form": {}, "fields": 3}', encoding="utf-8")
    expected = root / "expected.csv"
    expected.write_text("agency,form\nSở Y tế,f002\nSở Nội vụ,\nUBND xã Hòa Kiến,f001\n", encoding="utf-8-sig")
    return {"raw": root / "raw", "reviewed": reviewed.parent, "root": root, "expected": expected}


@pytest.fixture(scope="session")
def reviewed_report(corpus_results: dict[str, Path]) -> dict[str, Path]:
    root = corpus_results["root"] / "out"
    result = CliRunner().invoke(main, [
        "aggregate", str(corpus_results["reviewed"]), "-o", str(root / "report.xlsx"), "--csv", str(root / "csv"),
        "--parquet", str(root / "parquet"), "--checks", "--expected", str(corpus_results["expected"])],
        catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return {"xlsx": root / "report.xlsx", "csv": root / "csv", "parquet": root / "parquet", "output": result.output}


def _current_ids() -> list[str]:
    return [i for i in rf.subset() if i not in (rf.SUPERSEDED, rf.NOT_A_FORM)]


def _truth_level(t: dict) -> str:
    values = {f["field_id"]: f["value"] for f in t["fields"] if f["row"] is None}
    name = t.get("agency") or next((values[n] for n in levels_config().name_fields if values.get(n)), None)
    return level_of(name, t["form"])


def _truth_totals() -> dict[tuple[str, str, str], float]:
    """(scope, field, level or overall) → total, computed from corpora/truth alone."""
    methods = report_config()["methods"]
    groups: dict[tuple[str, str, str], list] = defaultdict(list)
    for rid in _current_ids():
        t = rf.truth(rid)
        level = _truth_level(t)
        for f in t["fields"]:
            if f["row"] is None and f["value"] is not None and f["type"] in ("integer", "decimal", "percent",
                                                                               "boolean"):
                for scope in (WORDS["all_forms"], t["form"]):
                    for lv in (level, "overall"):
                        groups[(scope, f["field_id"], lv)].append((f["type"], f["value"]))
    out = {}
    for key, vals in groups.items():
        how = methods[vals[0][0]]["how"]
        nums = [v for _, v in vals]
        out[key] = (sum(v is True for v in nums) if how == "count_true"
                    else sum(nums) / len(nums) if how == "mean" else sum(nums))
    return out


def _sheet_rows(ws, header_rows: int) -> tuple[list[str], list[list]]:
    rows = list(ws.iter_rows(values_only=True))
    return list(rows[0]), [list(r) for r in rows[header_rows:]]


def test_totals_equal_sums_from_the_ground_truth(reviewed_report: dict[str, Path]) -> None:
    wb = load_workbook(reviewed_report["xlsx"])
    headers, rows = _sheet_rows(wb[report_config()["sheets"]["totals"]["name"]], 1)
    labels = levels_config().labels
    level_col = {k: headers.index(label) for k, label in labels.items()} | {"overall": headers.index(COLS["overall"])}
    expected = _truth_totals()
    got = {}
    for row in rows:
        if row[1].startswith("ind."):
            continue
        for lv, j in level_col.items():
            if row[j] is not None:
                got[(row[0], row[1], lv)] = row[j]
    assert set(got) == set(expected)
    wrong = {k: (got[k], v) for k, v in expected.items() if not math.isclose(got[k], v, rel_tol=1e-9, abs_tol=1e-6)}
    assert not wrong
    assert len(expected) > 1000  # every form, every level: the comparison is not vacuous


def test_every_deliberate_inconsistency_is_in_the_checks(reviewed_report: dict[str, Path]) -> None:
    with open(reviewed_report["csv"] / "checks.csv", encoding="utf-8-sig", newline="") as fh:
        checks = list(csv.DictReader(fh))
    found = {(c[COLS["source"]], c[COLS["rule"]], c[COLS["field_id"]]) for c in checks}
    wanted = [(f"{rid}.docx", inc["rule"], fid) for rid in _current_ids()
              for inc in rf.truth(rid)["inconsistencies"] for fid in inc["fields"]]
    assert len(wanted) >= 70  # 27 inconsistencies of 2–3 fields
    assert [w for w in wanted if w not in found] == []


def test_checks_list_dropped_duplicate_missing_and_broken(reviewed_report: dict[str, Path]) -> None:
    with open(reviewed_report["csv"] / "checks.csv", encoding="utf-8-sig", newline="") as fh:
        checks = list(csv.DictReader(fh))
    by_rule = defaultdict(set)
    for c in checks:
        by_rule[c[COLS["rule"]]].add((c[COLS["source"]], c[COLS["agency"]]))
    assert {s for s, _ in by_rule["superseded"]} == {f"{rf.SUPERSEDED}.docx"}
    assert {s for s, _ in by_rule["not_a_form"]} == {f"{rf.NOT_A_FORM}.docx"}
    # same form and agency: Sở Công Thương, Sở Tài nguyên và Môi trường (f000 and f004)
    assert {s for s, _ in by_rule["duplicate"]} == {"f000_r001.docx", "f000_r014.docx", "f000_r007.docx",
                                                    "f000_r026.docx", "f004_r000.docx", "f004_r030.docx"}
    assert {a for _, a in by_rule["missing_return"]} == {"Sở Nội vụ"}  # Sở Y tế (f002) and Hòa Kiến (f001) returned
    assert {s for s, _ in by_rule["invalid_result"]} == {"broken.json"}
    assert "unreviewed" not in by_rule  # every field was reviewed
    assert "missing_return: " in reviewed_report["output"] and "Sở Nội vụ" in reviewed_report["output"]
    # dropped returns are in no data sheet
    wb = load_workbook(reviewed_report["xlsx"])
    sources = {r[4] for ws in wb.worksheets[:6] for r in ws.iter_rows(min_row=3, values_only=True)}
    assert f"{rf.SUPERSEDED}.docx" not in sources and f"{rf.NOT_A_FORM}.docx" not in sources


def test_unreviewed_fields_are_flagged(corpus_results: dict[str, Path], tmp_path: Path) -> None:
    out = tmp_path / "raw.xlsx"
    result = CliRunner().invoke(main, ["aggregate", str(corpus_results["raw"]), "-o", str(out)],
                                catch_exceptions=False)
    assert result.exit_code == 0, result.output
    unreviewed = set()
    for path in corpus_results["raw"].glob("*.json"):
        data = json.loads(path.read_text(encoding="utf-8"))
        unreviewed |= {(data["source"]["path"].rsplit("/", 1)[-1], f["field_id"]) for f in data["fields"]
                       if f["status"] == "review" and f.get("row") is None}
    assert len(unreviewed) >= 5
    wb = load_workbook(out)
    flagged = set()
    for ws in wb.worksheets:
        if not ws.title.startswith("Biểu"):
            continue
        ids = [c.value.split(" ")[0] if c.value else None for c in ws[2]]
        for row in ws.iter_rows(min_row=3):
            for c in row:
                if c.comment and WORDS["unreviewed"] in c.comment.text:
                    assert c.fill.fgColor.rgb.endswith("FFF2CC") or c.fill.fgColor.rgb.endswith("F8CBAD")
                    flagged.add((row[4].value, ids[c.column - 1]))
    assert flagged == unreviewed


def test_xlsx_layout(reviewed_report: dict[str, Path]) -> None:
    wb = load_workbook(reviewed_report["xlsx"])
    names = wb.sheetnames
    assert names[0] == report_config()["sheets"]["all_forms"]["name"]
    assert [n for n in names if n.startswith("Biểu")] == [f"Biểu f00{i}" for i in range(5)]
    ws = wb["Biểu f004"]
    assert ws.freeze_panes == "B3" and ws.auto_filter.ref.startswith("A2:")
    header = [c.value for c in ws[1]]
    ids = [c.value.split(" ")[0] if c.value else None for c in ws[2]]
    assert header[0] == COLS["agency"] and "staff.total.district" in ids
    # a district's return with a part larger than its total (f004_r007, UBND huyện Mỹ Tú, on this corpus)
    rid, part = next((i, inc["fields"][0]) for i in rf.subset() if rf.truth(i)["form"] == "f004"
                     and (rf.truth(i)["agency"] or "").startswith("UBND huyện")
                     for inc in rf.truth(i)["inconsistencies"] if inc["rule"] == "part_gt_total")
    col = ids.index(part) + 1
    row = next(r for r in range(3, ws.max_row + 1) if ws.cell(r, 5).value == f"{rid}.docx")
    bad = ws.cell(row, col)
    assert bad.number_format.endswith("#,##0") and isinstance(bad.value, int)
    assert bad.comment is not None and report_config()["checks"]["part_gt_total"]["label"] in bad.comment.text
    assert bad.fill.fgColor.rgb.endswith("F8CBAD")
    assert ws.cell(row, 2).value == levels_config().short["district"]
    bandwidth = ids.index("ind.bandwidth_converted.district") + 1
    t = {f["field_id"]: f["value"] for f in rf.truth(rid)["fields"]}
    want = sum(t[f"infra.bandwidth.{k}.district"] * m for k, m in (("leased_line", 5), ("ftth", 5), ("xdsl", 1),
                                                                   ("other", 1)))
    assert ws.cell(row, bandwidth).value == pytest.approx(want)
    totals = wb[report_config()["sheets"]["totals"]["name"]]
    assert totals.freeze_panes == "B2" and totals.auto_filter.ref.startswith("A1:")
    prov_headers = [c.value for c in wb[report_config()["sheets"]["provenance"]["name"]][1]]
    assert {COLS["location"], COLS["confidence"], COLS["reviewer"]} <= set(prov_headers)


def test_csv_is_utf8_with_bom_and_vietnamese(reviewed_report: dict[str, Path]) -> None:
    raw = (reviewed_report["csv"] / "all_forms.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    with open(reviewed_report["csv"] / "all_forms.csv", encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.reader(fh))
    assert rows[0][:3] == [COLS["agency"], COLS["level"], COLS["period"]]
    assert "staff.total" in rows[0] and "Sở Tài nguyên và Môi trường" in {r[0] for r in rows[1:]}
    assert {r[1] for r in rows[1:]} <= set(levels_config().short.values())
    with open(reviewed_report["csv"] / "totals.csv", encoding="utf-8-sig", newline="") as fh:
        labels = {r[COLS["label"]] for r in csv.DictReader(fh)}
    assert "Tổng số máy tính tại cơ quan" in labels


def test_parquet_reads_back_with_the_same_values_and_types(corpus_results: dict[str, Path],
                                                          reviewed_report: dict[str, Path]) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    cat = load_catalogue()
    loaded = load_results(corpus_results["reviewed"])
    checks = all_checks(loaded, cat, read_expected(corpus_results["expected"]))
    report = build_report(loaded.returns, checks, cat)
    kinds = {"integer": (pa.int64(), pa.float64()), "percent": (pa.float64(),), "decimal": (pa.float64(),),
             "boolean": (pa.bool_(),), "date": (pa.date32(),), "text": (pa.string(),)}
    for table in report.tables:
        back = pq.read_table(reviewed_report["parquet"] / f"{table.file}.parquet")
        assert back.num_rows == len(table.rows) and back.num_columns == len(table.columns)
        for j, col in enumerate(table.columns):
            field = back.schema.field(j)
            assert field.metadata[b"label"].decode() == col.header
            if col.type in kinds:
                assert field.type in kinds[col.type], (table.key, col.key, field.type)
            values = back.column(j).to_pylist()
            assert values == [row[j] for row in table.rows], (table.key, col.key)
    with open(reviewed_report["csv"] / "form_f001.csv", encoding="utf-8-sig", newline="") as fh:
        header = next(csv.reader(fh))
    assert header == pq.read_table(reviewed_report["parquet"] / "form_f001.parquet").column_names


def test_indicator_formulas_are_safe_and_exact() -> None:
    assert evaluate("a.b * 5 + c.d", {"a.b": 2, "c.d": 1.5}) == 11.5
    assert evaluate("100 * a.b / c.d", {"a.b": 1, "c.d": None}) is None
    with pytest.raises(DivisionByZero):
        evaluate("a.b / c.d", {"a.b": 1, "c.d": 0})
    for bad in ('__import__("os").system("true")', "a.b ** 2", "a.b.__class__", "[a.b]", "a.b if 1 else 2"):
        with pytest.raises(ValueError):
            names_in(bad)


def test_division_by_zero_is_a_check(corpus_results: dict[str, Path], tmp_path: Path) -> None:
    src = next(corpus_results["reviewed"].rglob("f001_r004.docx.json"))
    data = json.loads(src.read_text(encoding="utf-8"))
    for f in data["fields"]:
        if f["field_id"] == "staff.total":
            f["value"] = 0
    (tmp_path / "one.json").write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    loaded = load_results(tmp_path)
    checks = all_checks(loaded, load_catalogue())
    assert {c.field_id for c in checks if c.rule == "division_by_zero"} >= {"ind.computers_per_staff"}


@pytest.mark.parametrize("name, form, level", [
    ("UBND thị xã Vĩnh Châu", "f001", "district"), ("UBND phuong 7", "f004", "commune"),
    ("Uỷ ban nhân dân xã Hoà Kiến", None, "commune"), ("UBND thành phố Tuy Hòa", "f001", "district"),
    ("Văn phòng UBND tỉnh", "f004", "province"), ("Sở Y tế", "f000", "province"), ("Vụ Pháp chế", "f000", "central"),
    (None, "f003", "province"), (None, "f000", "unknown"),
])
def test_agency_level_from_name(name: str | None, form: str | None, level: str) -> None:
    assert level_of(name, form) == level


@pytest.mark.libreoffice
def test_xlsx_renders_in_libreoffice(reviewed_report: dict[str, Path], tmp_path: Path) -> None:
    from extractor.report.render_preview import render

    if not shutil.which("soffice"):
        pytest.skip("LibreOffice is not installed")
    pngs = render(reviewed_report["xlsx"], tmp_path, rows=20, cols=8, dpi=40)
    assert len(pngs) == len(load_workbook(reviewed_report["xlsx"]).sheetnames)
    assert all(p.stat().st_size > 5000 for p in pngs)
