"""Smoke test of the benchmark (`python3 -m bench.run`): a tiny run writes the JSON, the PNG and the tables.
No timing is asserted: the figures depend on the machine."""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path

import pytest

from bench import run

CORPUS = Path(__file__).resolve().parent.parent / "corpora" / "returns"


@pytest.fixture(scope="module")
def results(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict, Path]:
    corpus = tmp_path_factory.mktemp("corpus")
    for name in ("f003_r000", "f004_r001"):
        for ext in ("docx", "pdf"):
            shutil.copy(CORPUS / f"{name}.{ext}", corpus)
    out = tmp_path_factory.mktemp("results")
    run.main(["--quick", "--corpus", str(corpus), "--scale", "2,4", "--pdf-scale", "2", "--workers", "1",
              "--passes", "2", "--out", str(out)])
    return json.loads((out / "bench.json").read_text(encoding="utf-8")), out


def test_the_run_writes_json_png_and_tables(results: tuple[dict, Path]) -> None:
    data, out = results
    assert (out / "throughput.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    table = (out / "bench.md").read_text(encoding="utf-8")
    assert "whole pipeline" in table and "docx: docx_lxml" in table and "pdf: pdftotext" in table
    assert set(data) >= {"command", "machine", "stages", "floors", "user_cases", "scaling", "scaling_summary",
                         "seconds"}
    assert "unseen-wording DOCX returns" in table and "PDF end to end" in table
    build = data["machine"]["python_build"]
    assert build["executable"] == sys.executable and isinstance(build["shared_libpython"], bool)
    assert f"({sys.executable}, " in table


def test_stages_cover_every_step_for_both_formats(results: tuple[dict, Path]) -> None:
    data, _ = results
    for fmt in ("docx", "pdf"):
        steady = data["stages"][fmt]["steady"]
        assert steady["returns"] == 2 and steady["failed"] == 0
        assert set(steady["ms_per_return"]) == set(run.STAGES)
        assert all(v >= 0 for v in steady["ms_per_return"].values())
        assert steady["returns_per_s_one_core"] > 0
        assert len(steady["pass_totals_ms"]) == 2 and steady["ms_total"] == min(steady["pass_totals_ms"])
    assert data["stages"]["pdf"]["steady"]["pages_per_s_one_core"] > 0
    assert data["stages"]["pdf"]["steady"]["pages"] == 2 * data["stages"]["pdf"]["steady"]["pages_per_return"]


def test_floors_read_the_same_files(results: tuple[dict, Path]) -> None:
    data, _ = results
    assert set(data["floors"]["docx"]) == {"docx_lxml", "docx2python"}
    assert set(data["floors"]["pdf"]) == {"pdftotext", "pdfplumber_text", "pypdfium2_chars"}
    for fmt in ("docx", "pdf"):
        for name, floor in data["floors"][fmt].items():
            if "skipped" in floor:
                continue
            assert floor["chars_per_return"] > 500, name  # the alternative really read the text
            assert floor["ours_over_it"] > 0


def test_scaling_runs_report_throughput_and_memory(results: tuple[dict, Path]) -> None:
    data, _ = results
    assert [r["returns"] for r in data["scaling"]["docx"]] == [2, 4]
    assert [r["returns"] for r in data["scaling"]["pdf"]] == [2]
    for r in data["scaling"]["docx"] + data["scaling"]["pdf"]:
        assert r["done"] == r["returns"] and r["failed"] == 0
        assert r["workers"] == 1 and len(r["peak_rss_mb_per_worker"]) == 1
        assert 20 < r["peak_rss_mb_per_worker"][0] < 2000
    assert "docx" in data["scaling_summary"] and "pdf" not in data["scaling_summary"]


def test_user_cases_run_fresh_processes(results: tuple[dict, Path]) -> None:
    data, _ = results
    user = data["user_cases"]
    for case in ("patterns_cached", "empty_cache"):
        cold = user["cold_single"][case]
        assert cold["wall_s"] > 0 and cold["cpu_s"] > 0 and cold["peak_rss_mb"] > 10
    unseen = user["unseen_returns"]
    assert unseen["distinct"] == 2 and unseen["times"] == 5 and unseen["returns"] == 10  # no truth: every DOCX
    assert unseen["returns_per_s_wall"] > 0
    pdf = user["pdf_end_to_end"]
    assert pdf["returns"] == 2 and pdf["pages"] == data["stages"]["pdf"]["steady"]["pages"]
    assert pdf["pages_per_s_wall"] > 0


def test_unseen_returns_are_the_variant_returns_of_every_form() -> None:
    from bench.user_cases import variant_returns

    picked = variant_returns(CORPUS, 20)
    assert len(picked) == len(set(picked)) == 20
    assert {p.name[:4] for p in picked} == {"f000", "f001", "f002", "f003", "f004"}
    truth = CORPUS.parent / "truth"
    assert all(json.loads((truth / f"{p.stem}.json").read_text(encoding="utf-8"))["variant"] for p in picked)


def test_pdf_blocks_lists_the_runs_where_the_pdf_differs_from_its_docx() -> None:
    from bench.pdf_blocks import differences

    docx = [("B", "1. Tên cơ quan: ……"), ("B", ""), ("B", "Sở Văn hóa"), ("C", "Trình độ\nĐối tượng")]
    pdf = [("B", "1. Tên cơ quan: ……"), ("B", "Sở Văn hóa"), ("C", "Trình độ"), ("C", "Đối tượng")]
    assert differences(docx, pdf) == [([("C", "Trình độ\nĐối tượng")], [("C", "Trình độ"), ("C", "Đối tượng")])]
    assert differences(pdf, pdf) == []
