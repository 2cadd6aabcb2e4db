"""No return is dropped on a guess (issue 14): resends only on strong evidence, the kept copy of a duplicate,
empty files. Unit tests of `extractor.batch.dedupe` and batches over folders and messages built from corpus
returns (tests/mailbox_fixture.py), each followed by `extractor aggregate`."""

from __future__ import annotations

import json
import os
import shutil
from collections import Counter
from pathlib import Path

import pytest
from click.testing import CliRunner

from extractor.batch.dedupe import Known, decide
from extractor.batch.manifest import final_lines, read_manifest
from extractor.cli import main
from tests.mailbox_fixture import CORPUS, corpus, message

T1, T2 = "2020-06-01T09:30:00+00:00", "2020-06-02T09:30:00+00:00"
A, B, C, D = ("a" * 64, "b" * 64, "c" * 64, "d" * 64)

# 40 different returns, 8 per form; f000, f001 and f004 hold 12 pairs with the same agency on the return
FORTY = [*(f"f000_r{n:03}" for n in (1, 14, 5, 24, 6, 30, 18, 19)),
         *(f"f001_r{n:03}" for n in (2, 18, 6, 11, 7, 20, 5, 24)),
         *(f"f004_r{n:03}" for n in (6, 28, 7, 11, 21, 27, 22, 25)),
         *(f"f002_r{n:03}" for n in range(8)), *(f"f003_r{n:03}" for n in range(8))]


def _batch(*args: str) -> tuple[int, str]:
    res = CliRunner().invoke(main, ["batch", *args, "--jobs", "2"], catch_exceptions=False)
    return res.exit_code, res.output


def _aggregate(folder: Path, tmp: Path) -> str:
    res = CliRunner().invoke(main, ["aggregate", str(folder), "-o", str(tmp / "report.xlsx"), "--checks"],
                             catch_exceptions=False)
    assert res.exit_code == 0, res.output
    return res.output


def _final(out: Path) -> list[dict]:
    return final_lines(read_manifest(out / "manifest.jsonl"))


# ------------------------------------------------------------------ the rule itself
def test_same_form_and_agency_strictly_later_supersedes() -> None:
    d = decide([Known(A, "f000", "so y te", T1), Known(B, "f000", "so y te", T2)])
    assert d.superseded == {A: B} and not d.possible


def test_a_tie_in_time_is_never_broken() -> None:
    d = decide([Known(A, "f000", "so y te", T1), Known(B, "f000", "so y te", T1)])
    assert d.superseded == {} and d.possible == {A: {B}, B: {A}}


def test_an_unknown_time_is_uncertain() -> None:
    d = decide([Known(A, "f000", "so y te", None), Known(B, "f000", "so y te", T2)])
    assert d.superseded == {} and d.possible == {A: {B}, B: {A}}


def test_other_agency_or_other_form_is_no_resend() -> None:
    d = decide([Known(A, "f000", "so y te", T1), Known(B, "f000", "so tu phap", T2),
                Known(C, "f001", "so y te", T2)])
    assert d.superseded == {} and not d.possible


def test_the_sender_alone_is_no_agency() -> None:
    # agencies read and different: the same sender (a relay) does not make them resends
    sender = "Văn phòng <vp@example.gov.vn>"
    d = decide([Known(A, "f000", "so y te", T1, sender, "m1"), Known(B, "f000", "so tu phap", T2, sender, "m2")])
    assert d.superseded == {} and not d.possible


def test_attachments_of_one_message_are_never_resends_of_each_other() -> None:
    sender = "Sở <s@example.gov.vn>"
    d = decide([Known(A, "f003", None, T1, sender, "box > message 1"),
                Known(B, "f003", None, T1, sender, "box > message 1"),
                Known(C, "f000", "so y te", T1, sender, "box > message 1"),
                Known(D, "f000", "so y te", T1, sender, "box > message 1")])
    assert d.superseded == {}
    assert d.possible == {A: {B}, B: {A}, C: {D}, D: {C}}


def test_agency_unknown_a_later_message_from_the_same_sender_replaces_the_earlier() -> None:
    d = decide([Known(A, "f003", None, T1, "X <s@example.gov.vn>", "m1"),
                Known(B, "f003", None, T2, "s@EXAMPLE.gov.vn", "m2"),
                Known(C, "f003", None, T1, "other@example.gov.vn", "m3")])
    assert d.superseded == {A: B} and not d.possible


def test_agency_unknown_two_in_one_message_are_kept() -> None:
    # the later message carries two returns of the form: which one replaces the earlier is not known
    s = "s@example.gov.vn"
    d = decide([Known(A, "f003", None, T1, s, "m1"), Known(B, "f003", None, T2, s, "m2"),
                Known(C, "f003", None, T2, s, "m2")])
    assert d.superseded == {} and d.possible == {A: {B, C}, B: {A, C}, C: {A, B}}
    # the earlier message carries two: neither is superseded, the later one is listed with them
    d = decide([Known(A, "f003", None, T1, s, "m1"), Known(B, "f003", None, T1, s, "m1"),
                Known(C, "f003", None, T2, s, "m2")])
    assert d.superseded == {} and d.possible == {A: {B, C}, B: {A, C}, C: {A, B}}
    assert decide([Known(A, "f003", None, T1, s, "m1"), Known(B, "f003", None, T2, s, "m2")],
                  by_sender=False).superseded == {}


def test_two_files_with_the_same_values_are_one_return_the_docx_kept() -> None:
    pdf = Known(A, "f000", "so y te", T1, parcel="m1", values_key="v", format="pdf", name="m1 > a.pdf")
    docx = Known(B, "f000", "so y te", T1, parcel="m1", values_key="v", format="docx", name="m1 > a.docx")
    other = Known(C, "f000", "so y te", T1, parcel="m1", values_key="w", format="docx", name="m1 > b.docx")
    d = decide([pdf, docx])
    assert d.superseded == {A: B} and d.same == {A} and not d.possible
    d = decide([pdf, docx, other])  # the kept copy is still uncertain with another return of the message
    assert d.superseded == {A: B} and d.possible == {B: {C}, C: {B}}
    later = Known(D, "f000", "so y te", T2, parcel="m2", values_key="x", format="docx", name="m2 > c.docx")
    assert decide([pdf, docx, later]).superseded == {A: D, B: D}  # the twin points at the current return
    assert decide([pdf, Known(B, "f001", None, T1, values_key="v", format="docx")]).superseded == {}


# ------------------------------------------------------------------ batches, then the report
def test_a_folder_of_40_returns_with_equal_file_times_keeps_all(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    for name in FORTY:
        target = folder / f"{name}.docx"
        shutil.copy(CORPUS / f"{name}.docx", target)
        os.utime(target, (1_590_000_000, 1_590_000_000))
    code, output = _batch(str(folder), "-o", str(tmp_path / "out"), "-q")
    assert code == 0, output
    final = _final(tmp_path / "out")
    assert len(final) == 40 and {ln["status"] for ln in final} <= {"ok", "review"}
    groups = Counter((ln["form"], ln["agency"]) for ln in final if ln.get("agency"))
    same_agency = sum(n for n in groups.values() if n > 1)  # returns sharing form and agency read from them
    assert same_agency >= 4, groups  # the corpus gives several returns of a form one agency name
    assert sum(bool(ln.get("possible_resend_of")) for ln in final) == same_agency  # every one of them listed
    report = _aggregate(tmp_path / "out", tmp_path)
    assert "40 returns in the report (0 left out" in report
    assert report.count("possible_resend:") >= same_agency // 2
    assert " duplicate:" not in report  # a pair listed as a possible resend is not listed twice


def test_one_message_with_four_returns_from_one_sender_keeps_all(tmp_path: Path) -> None:
    names = ["f003_r000.docx", "f003_r001.docx", "f004_r023.docx", "f004_r024.docx"]
    eml = tmp_path / "in" / "bao-cao.eml"
    eml.parent.mkdir()
    eml.write_bytes(bytes(message("Văn phòng UBND tỉnh <vp@example.gov.vn>", "Báo cáo", 5,
                                  [(n, corpus(n)) for n in names])))
    code, output = _batch(str(eml), "-o", str(tmp_path / "out"))
    assert code == 0, output
    final = _final(tmp_path / "out")
    assert sorted(ln["name"] for ln in final) == names
    assert {ln["status"] for ln in final} <= {"ok", "review"}
    by_name = {ln["name"]: ln for ln in final}
    assert by_name["f003_r000.docx"]["possible_resend_of"] == [by_name["f003_r001.docx"]["sha256"]]
    result = json.loads((tmp_path / "out" / by_name["f004_r023.docx"]["result"]).read_text(encoding="utf-8"))
    assert result["possible_resend_of"] == [by_name["f004_r024.docx"]["sha256"]]
    assert "superseded_by" not in result
    report = _aggregate(tmp_path / "out", tmp_path)
    assert "4 returns in the report (0 left out" in report
    assert report.count("possible_resend:") == 4 and "f003_r001.docx" in report


def test_a_corrected_resend_in_a_later_message_is_still_superseded(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    sender = "Văn phòng UBND tỉnh <vp@example.gov.vn>"
    (folder / "1.eml").write_bytes(bytes(message(sender, "Báo cáo", 5, [("bc.docx", corpus("f003_r000.docx"))])))
    (folder / "2.eml").write_bytes(bytes(message(sender, "Sửa", 9, [("bc.docx", corpus("f003_r001.docx"))])))
    code, output = _batch(str(folder), "-o", str(tmp_path / "out"), "-q")
    assert code == 0, output
    final = {ln["input"].split(" > ")[0]: ln for ln in _final(tmp_path / "out")}
    old, new = final[str(folder / "1.eml")], final[str(folder / "2.eml")]
    assert old["status"] == "superseded" and old["superseded_by"] == new["sha256"]
    assert "1 returns in the report (1 left out" in _aggregate(tmp_path / "out", tmp_path)


@pytest.mark.parametrize("eml_first", [True, False])
def test_a_duplicate_keeps_the_e_mail_attachment_over_the_loose_file(tmp_path: Path, eml_first: bool) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    loose = folder / "f004_r003.docx"
    loose.write_bytes(corpus("f004_r003.docx"))
    eml = folder / "thu.eml"
    eml.write_bytes(bytes(message("Sở Công Thương <sct@example.gov.vn>", "Báo cáo", 5,
                                  [("bao-cao.docx", corpus("f004_r003.docx"))])))
    inputs = [str(eml), str(loose)] if eml_first else [str(loose), str(eml)]
    code, output = _batch(*inputs, "-o", str(tmp_path / "out"), "-q")
    assert code == 0, output
    final = {ln["input"]: ln for ln in _final(tmp_path / "out")}
    kept, dup = final[f"{eml} > bao-cao.docx"], final[str(loose)]
    assert kept["status"] in ("ok", "review") and dup["status"] == "duplicate"
    assert dup["duplicate_of"] == kept["input"]
    result = json.loads((tmp_path / "out" / kept["result"]).read_text(encoding="utf-8"))
    assert result["provenance"]["sender"] == "Sở Công Thương <sct@example.gov.vn>"
    assert result["source"]["path"] == "bao-cao.docx"


def test_empty_files_fail_on_their_own_and_are_never_duplicates(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.docx").write_bytes(b"")
    (folder / "b.pdf").write_bytes(b"")
    (folder / "thu.eml").write_bytes(bytes(message("S <s@example.gov.vn>", "x", 5,
                                                   [("c.docx", b""), ("d.docx", b"")])))
    code, _ = _batch(str(folder), "-o", str(tmp_path / "out"), "-q")
    assert code == 1
    final = _final(tmp_path / "out")
    assert len(final) == 4 and {ln["status"] for ln in final} == {"failed"}
    for ln in final:
        assert ln["sha256"] is None and ln["error"].startswith("[E101] ") and "the file is empty" in ln["error"]
        assert ln["error"].split(": ")[0].endswith(ln["input"])
    res = CliRunner().invoke(main, ["extract", str(folder / "a.docx"), str(folder / "b.pdf"), "-o",
                                    str(tmp_path / "x")], catch_exceptions=False)
    assert res.exit_code == 1 and res.output.count("the file is empty") == 2


def test_a_docx_and_its_pdf_export_in_one_message_count_once(tmp_path: Path) -> None:
    eml = tmp_path / "in" / "thu.eml"
    eml.parent.mkdir()
    eml.write_bytes(bytes(message("Sở Y tế <syt@example.gov.vn>", "Báo cáo", 5,
                                  [("bao-cao.docx", corpus("f001_r002.docx")),
                                   ("bao-cao.pdf", corpus("f001_r002.pdf"))])))
    code, output = _batch(str(eml), "-o", str(tmp_path / "out"))
    assert code == 0, output
    final = {ln["name"]: ln for ln in _final(tmp_path / "out")}
    assert final["bao-cao.pdf"]["status"] == "superseded"
    assert final["bao-cao.pdf"]["superseded_by"] == final["bao-cao.docx"]["sha256"]
    assert final["bao-cao.docx"]["status"] in ("ok", "review") and not final["bao-cao.docx"].get("possible_resend_of")
    assert "1 returns in the report (1 left out" in _aggregate(tmp_path / "out", tmp_path)


def test_a_rerun_clears_a_mark_the_old_rule_left(tmp_path: Path) -> None:
    # an output folder from before: one of two returns of one message was marked superseded on a hash tie
    names = ["f003_r000.docx", "f003_r001.docx"]
    eml = tmp_path / "in" / "thu.eml"
    eml.parent.mkdir()
    eml.write_bytes(bytes(message("Văn phòng UBND tỉnh <vp@example.gov.vn>", "Báo cáo", 5,
                                  [(n, corpus(n)) for n in names])))
    out = tmp_path / "out"
    assert _batch(str(eml), "-o", str(out), "-q")[0] == 0
    first = {ln["name"]: ln for ln in _final(out)}
    old, new = (first[n]["sha256"] for n in names)
    path = out / "results" / f"{old}.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    data["superseded_by"] = new
    data.pop("possible_resend_of")
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    assert "1 returns in the report (1 left out" in _aggregate(out, tmp_path)

    assert _batch(str(eml), "-o", str(out), "-q")[0] == 0
    again = {ln["name"]: ln for ln in _final(out) if ln["run"] != first[names[0]]["run"]}
    assert again[names[0]]["status"] == "skipped" and again[names[0]]["superseded_by"] is None
    assert again[names[0]]["possible_resend_of"] == [new]
    data = json.loads(path.read_text(encoding="utf-8"))
    assert "superseded_by" not in data and data["possible_resend_of"] == [new]
    assert "2 returns in the report (0 left out" in _aggregate(out, tmp_path)
