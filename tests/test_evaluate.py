"""Tests of the scorer behind `extractor eval`, on small synthetic truth documents."""

from __future__ import annotations

import copy
import datetime as dt
import json
import sys
import types
import unicodedata

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from extractor.cli import main
from extractor.errors import EvaluationError, InputError
from extractor.evaluate import (
    Metrics,
    evaluate,
    expected_calibration_error,
    format_field_table,
    load_truth,
    normalise_value,
    score_document,
)

approx = pytest.approx

# ── synthetic truth ─────────────────────────────────────────────────────────────────────────────

FA_FIELDS = [  # 12 filled, 3 empty
    ("report.agency_name", None, "text", "Sở Thông tin  và Truyền thông"),
    ("infra.computers.total", None, "integer", 1250),
    ("infra.bandwidth.total", None, "decimal", 85.5),
    ("email.accounts_rate", None, "percent", 92.5),
    ("dvc.level3.ratio", None, "ratio", [45, 60]),
    ("infra.lan", None, "boolean", True),
    ("email.attachment_max", None, "choice", "10to20"),
    ("security.measures", None, "multi_choice", ["a", "c"]),
    ("report.date", None, "date", "2019-08-15"),
    ("infra.printers", None, "integer", None),
    ("contact.email", None, "text", None),
    ("apps.specialised.name", 1, "text", "Phần mềm một cửa"),
    ("apps.specialised.name", 2, "text", "Quản lý văn bản"),
    ("apps.specialised.connected", 1, "boolean", False),
    ("apps.specialised.connected", 2, "boolean", None),
]
FB_FIELDS = [  # 3 filled, 1 empty
    ("staff.total", None, "integer", 40),
    ("report.agency_name", None, "text", "UBND xã Hòa An"),
    ("security.policy", None, "boolean", None),
    ("docs.sent.electronic_rate", None, "percent", 75),
]


def make_doc(return_id: str, form: str, variant: bool, spec: list) -> dict:
    return {
        "return_id": return_id,
        "form": form,
        "variant": variant,
        "files": {"docx": f"returns/{return_id}.docx", "pdf": f"returns/{return_id}.pdf"},
        "fields": [{"field_id": f, "row": r, "type": t, "value": copy.deepcopy(v), "label": f}
                   for f, r, t, v in spec],
    }


def corpus() -> list[dict]:
    fb_variant = [("staff.total", None, "integer", 55), ("report.agency_name", None, "text", "Sở Nội vụ"),
                  ("security.policy", None, "boolean", True),
                  ("docs.sent.electronic_rate", None, "percent", None)]
    return [make_doc("fa_r001", "fa", False, FA_FIELDS), make_doc("fa_r002", "fa", True, FA_FIELDS),
            make_doc("fb_r001", "fb", False, FB_FIELDS), make_doc("fb_r002", "fb", True, fb_variant)]


def perfect(truth: dict, confidence: float = 1.0) -> dict:
    """The prediction an ideal extractor would give: every slot, null where the clerk left it empty."""
    return {"fields": [{"field_id": f["field_id"], "row": f["row"], "type": f["type"],
                        "value": copy.deepcopy(f["value"]), "confidence": confidence,
                        "status": "ok" if f["value"] is not None else "empty"} for f in truth["fields"]]}


def pred(field_id, value, confidence, row=None) -> dict:
    return {"field_id": field_id, "row": row, "value": value, "type": "?", "confidence": confidence,
            "status": "ok"}


def corrupted(truth: dict) -> dict:
    """fa_r001 with 2 changed values, 1 dropped, a duplicate, a spurious, a null-id and a filled blank."""
    p = perfect(truth)
    fields = {(f["field_id"], f["row"]): f for f in p["fields"]}
    fields[("infra.computers.total", None)].update(value=1251, confidence=0.95)       # changed, accepted
    fields[("report.agency_name", None)].update(value="Sở Y tế", confidence=0.5)      # changed
    del fields[("report.date", None)]                                                  # dropped
    fields[("infra.bandwidth.total", None)].update(value=58.5, confidence=0.92)       # kept duplicate, wrong
    fields[("infra.printers", None)].update(value=7, confidence=0.99)                 # filled an empty blank
    extra = [pred("infra.bandwidth.total", 85.5, 0.6),                                 # lower duplicate
             pred("made.up.field", 3, 0.8),                                            # not in the truth
             pred(None, "xyz", 0.4)]                                                   # unmatched slot
    return {"fields": list(fields.values()) + extra}


# ── normalisation ───────────────────────────────────────────────────────────────────────────────


@pytest.mark.parametrize(("type_", "a", "b"), [
    ("integer", 1250, 1250.0),
    ("decimal", 85.5, 85.50000000001),
    ("decimal", 0.1 + 0.2, 0.3),
    ("percent", 85, 85.0),
    ("text", "Hà  Nội", "hà nội"),
    ("text", unicodedata.normalize("NFD", "Phần mềm một cửa"), "Phần mềm một cửa"),
    ("text", " Sở\u00a0Y tế ;", "SỞ Y TẾ"),
    ("text", "Sở Y tế.", "sở y tế"),
    ("multi_choice", ["c", "a"], ["a", "c"]),
    ("multi_choice", ("a", "c", "a"), {"c", "a"}),
    ("ratio", [45, 60], (45.0, 60.0)),
    ("boolean", False, False),
    ("choice", "10to20", "10to20"),
    ("date", "2019-08-15", dt.date(2019, 8, 15)),
    ("date", dt.datetime(2019, 8, 15, 10, 30), "2019-08-15"),
])
def test_normalise_equal(type_, a, b):
    assert normalise_value(a, type_) == normalise_value(b, type_)


@pytest.mark.parametrize(("type_", "a", "b"), [
    ("integer", 1250, 1251),
    ("decimal", 85.5, 85.51),
    ("percent", 85, 0.85),
    ("text", "Hà Nội", "Ha Noi"),
    ("text", "Sở Y tế", "Sở Ytế"),
    ("multi_choice", ["a"], ["a", "c"]),
    ("ratio", [45, 60], [60, 45]),
    ("boolean", True, False),
    ("choice", "lt10", "gt20"),
    ("date", "2019-08-15", "2019-08-16"),
])
def test_normalise_different(type_, a, b):
    assert normalise_value(a, type_) != normalise_value(b, type_)


def test_normalise_shapes():
    assert normalise_value(1250, "integer") == 1250.0 and isinstance(normalise_value(1250, "integer"), float)
    assert normalise_value([45, 60], "ratio") == (45.0, 60.0)
    assert normalise_value(["c", "a"], "multi_choice") == frozenset({"a", "c"})
    assert normalise_value("  Hà\tNội  ,", "text") == "hà nội"
    assert normalise_value(1.23456789, "decimal") == 1.234568
    for type_ in ("integer", "text", "ratio", "multi_choice", "date", "boolean"):
        assert normalise_value(None, type_) is None


@pytest.mark.parametrize(("type_", "value"), [
    ("integer", "1250"), ("integer", "1.250"), ("integer", True), ("decimal", float("nan")),
    ("ratio", [45]), ("ratio", "45/60"), ("boolean", 1), ("boolean", "Có"), ("choice", 2),
    ("multi_choice", "a"), ("text", 5), ("date", "15/08/2019"), ("date", "2019-02-30"),
    ("colour", "red"),
])
def test_normalise_rejects_untyped(type_, value):
    with pytest.raises(EvaluationError):
        normalise_value(value, type_)


# ── one document ────────────────────────────────────────────────────────────────────────────────


def test_perfect_prediction_scores_one():
    truth = corpus()[0]
    s = score_document(truth, perfect(truth), 0.9)
    assert (s.truth_filled, s.truth_empty, s.predicted, s.correct, s.blank_correct) == (12, 3, 12, 12, 3)
    m = Metrics.from_scores([s])
    assert (m.precision, m.recall, m.f1, m.blank_accuracy) == (1.0, 1.0, 1.0, 1.0)
    assert (m.straight_through_rate, m.accepted_precision, m.ece) == (1.0, 1.0, 0.0)


def test_perfect_prediction_low_confidence_is_not_straight_through():
    truth = corpus()[0]
    m = Metrics.from_scores([score_document(truth, perfect(truth, confidence=0.85), 0.9)])
    assert m.f1 == 1.0
    assert m.straight_through_rate == 0.0
    assert m.accepted_precision is None        # nothing accepted: no denominator
    assert m.ece == approx(0.15)               # all correct at confidence 0.85


def test_corrupted_prediction_exact_figures():
    truth = corpus()[0]
    s = score_document(truth, corrupted(truth), 0.9)
    # predicted: 12 kept keys (name, total, bandwidth, rate, ratio, lan, choice, multi, printers, 2 row
    # names, row-1 connected) + 3 extras (lower bandwidth duplicate, made.up.field, null field_id)
    assert s.predicted == 15
    assert s.correct == 8                      # rate, ratio, lan, choice, multi, 2 names, connected
    assert s.truth_filled == 12 and s.truth_empty == 3
    assert s.blank_correct == 2                # contact.email and row-2 connected; printers got a value
    assert s.accepted == 11                    # 0.95, 0.92, 0.99 and eight at 1.0
    assert s.accepted_correct == 8
    assert s.straight_through == 10            # accepted kept predictions of filled keys (not printers)
    m = Metrics.from_scores([s])
    assert m.precision == approx(8 / 15, rel=1e-12)
    assert m.recall == approx(8 / 12, rel=1e-12)
    assert m.f1 == approx(16 / 27, rel=1e-12)  # 2 * 8 / (15 + 12)
    assert m.blank_accuracy == approx(2 / 3, rel=1e-12)
    assert m.straight_through_rate == approx(10 / 12, rel=1e-12)
    assert m.accepted_precision == approx(8 / 11, rel=1e-12)
    # bins: 0.4, 0.5, 0.6, 0.8 one wrong each; bin 9: 3 wrong (0.95, 0.92, 0.99) + 8 right at 1.0
    # bin 9: |8/11 - 10.86/11| * 11 = 2.86 → ECE = (0.4 + 0.5 + 0.6 + 0.8 + 2.86) / 15
    assert m.ece == approx(5.16 / 15, rel=1e-9)


def test_confidence_equal_to_threshold_is_accepted():
    truth = corpus()[2]
    s = score_document(truth, perfect(truth, confidence=0.9), 0.9)
    assert (s.accepted, s.straight_through) == (3, 3)


def test_all_wrong_gives_f1_zero_not_none():
    truth = corpus()[2]
    p = {"fields": [pred("staff.total", 41, 0.5)]}
    m = Metrics.from_scores([score_document(truth, p, 0.9)])
    assert (m.precision, m.recall, m.f1) == (0.0, 0.0, 0.0)
    assert m.blank_accuracy == 1.0 and m.accepted_precision is None


def test_duplicate_key_keeps_highest_confidence():
    truth = corpus()[2]
    p = perfect(truth, confidence=0.7)
    p["fields"].insert(0, pred("staff.total", 41, 0.6))    # wrong and less confident: a false positive
    s = score_document(truth, p, 0.9)
    assert (s.predicted, s.correct) == (4, 3)
    p["fields"][0]["confidence"] = 0.8                     # now the wrong one is kept, the right one is extra
    s = score_document(truth, p, 0.9)
    assert (s.predicted, s.correct) == (4, 2)


def test_value_of_wrong_type_is_wrong_and_listed():
    truth = corpus()[2]
    p = perfect(truth)
    p["fields"][0]["value"] = "40"                         # staff.total as a string: not parsed
    s = score_document(truth, p, 0.9)
    assert (s.predicted, s.correct) == (3, 2)
    assert len(s.issues) == 1 and "staff.total" in s.issues[0] and "'40'" in s.issues[0]


def test_missing_prediction_is_a_failure():
    truth = corpus()[0]
    s = score_document(truth, None, 0.9)
    assert s.failed
    assert (s.predicted, s.correct, s.blank_correct, s.truth_filled, s.truth_empty) == (0, 0, 0, 12, 3)
    m = Metrics.from_scores([s])
    assert (m.precision, m.recall, m.f1, m.blank_accuracy, m.ece) == (None, 0.0, None, 0.0, None)


def test_malformed_prediction_raises_naming_source():
    truth = corpus()[2]
    p = perfect(truth)
    p["fields"][0]["confidence"] = None
    with pytest.raises(EvaluationError, match=r"preds/x\.json.*staff\.total.*confidence"):
        score_document(truth, p, 0.9, source="preds/x.json")


def silent_loss_case() -> tuple[dict, dict]:
    """A crafted truth (8 filled, 1 to review, 1 empty) and a result that loses 6 filled values in 6 ways."""
    spec = [
        ("a.right", None, "integer", 5, "inside_leader", {"block": 1}, "5"),
        ("b.wrong_silent", None, "integer", 7, "inside_leader", {"block": 2}, "7"),
        ("c.missing_silent", None, "text", "Sở Y tế", "next_line", {"block": 3}, "Sở Y tế"),
        ("d.empty_silent", None, "integer", 9, "after_leader", {"block": 4}, "9"),
        ("e.wrong_reviewed", None, "integer", 11, "after_leader", {"block": 5}, "11"),
        ("f.missing_located", None, "integer", 12, "space_only", {"block": 6}, "12"),
        ("g.cell_other_cell", 1, "text", "VNPT", "list_cell", {"block": 7, "row": 2, "cell": 1}, "VNPT"),
        ("h.cell_reviewed", 1, "text", "FPT", "list_cell", {"block": 7, "row": 2, "cell": 2}, "FPT"),
        ("i.two_ticks", None, "choice", None, "multi_tick", {"block": 8}, "Có; Không"),
        ("j.left_empty", None, "integer", None, None, {"block": 9}, None),
    ]
    truth = make_doc("fs_r001", "fs", False, [(f, r, t, v) for f, r, t, v, *_ in spec])
    for item, (*_, habit, loc, raw) in zip(truth["fields"], spec, strict=True):
        item.update(habit=habit, layout="list" if item["row"] else "line", location=loc, raw=raw)
    truth["fields"][8].update(ticked=["no", "yes"], expect="review")

    def field(fid, value, status, block, conf=0.99, row=None, **loc):
        return {"field_id": fid, "row": row, "value": value, "confidence": conf, "status": status,
                "location": {"part": "body", "block": block, **loc}}

    result = {"fields": [
        field("a.right", 5, "accepted", 1),
        field("b.wrong_silent", 8, "accepted", 2),                    # wrong, accepted: silent
        field("d.empty_silent", None, "empty", 4),                    # empty at high confidence: silent
        field("e.wrong_reviewed", 10, "review", 5, conf=0.4),         # wrong but under review
        field("g.cell_other_cell", None, "empty", 7, row=1, cell=1),  # missing: silent …
        field("h.cell_reviewed", None, "empty", 7, row=1, cell=2),    # … missing, but see unmatched below
        field("i.two_ticks", "yes", "accepted", 8),                   # a silent pick of an ambiguous group
        field("j.left_empty", None, "empty", 9),
    ], "unmatched": [
        # f.missing_located: a review item in its paragraph; h.cell_reviewed: one in its table cell
        {"field_id": None, "value": "12", "raw": "12", "status": "review", "confidence": 0.0,
         "location": {"part": "body", "block": 6}},
        {"field_id": None, "value": "FPT", "raw": "FPT", "status": "review", "confidence": 0.0,
         "location": {"part": "body", "block": 7, "row": 2, "cell": 2}},
        # a review item in another cell of the same row does not cover g.cell_other_cell
        {"field_id": None, "value": "x", "raw": "x", "status": "review", "confidence": 0.0,
         "location": {"part": "body", "block": 7, "row": 2, "cell": 3}},
    ]}
    return truth, result


def test_silent_loss_counts_only_losses_nobody_reviews():
    truth, result = silent_loss_case()
    s = score_document(truth, result, 0.9)
    assert (s.truth_filled, s.truth_empty, s.review_expected) == (8, 1, 1)
    assert s.correct == 1
    # lost: b, c, d, e, f, g, h (7); under review: e (own status), f (block), h (same cell) → silent 4
    assert s.silent_loss == 4
    lost = sorted(o.habit + ("!" if o.silent_loss else "") for o in s.fields if o.filled and not o.correct)
    assert lost == ["after_leader", "after_leader!", "inside_leader!", "list_cell", "list_cell!",
                    "next_line!", "space_only"]
    # the ambiguous group was picked silently: predicted and wrong, not under review
    assert (s.review_met, s.predicted) == (0, 4)
    m = Metrics.from_scores([s])
    assert m.silent_loss_rate == approx(4 / 8) and m.review_rate == 0.0


def test_silent_loss_review_of_the_group_and_pdf_text_links():
    truth, result = silent_loss_case()
    result["fields"][6].update(status="review", confidence=0.3)    # the ambiguous group now goes to review
    s = score_document(truth, result, 0.9)
    assert (s.review_met, s.predicted, s.silent_loss) == (1, 3, 4)  # not a prediction any more
    # a PDF result locates items by page and bbox: a review item is linked by its text
    pdf = copy.deepcopy(result)
    for item in pdf["fields"] + pdf["unmatched"]:
        item["location"] = {"page": 1, "bbox": [0, 0, 1, 1]}
    pdf["unmatched"].append({"field_id": None, "value": None, "raw": "Đơn vị: Sở  y tế.", "status": "review",
                             "confidence": 0.0, "location": {"page": 1, "bbox": [0, 0, 1, 1]}})
    s = score_document(truth, pdf, 0.9)
    # f (raw "12") and h ("FPT") are still linked by text, c ("Sở Y tế") now too; "x" is no truth raw
    assert s.silent_loss == 3
    # … and, when the item has a label, half the words of the truth label: "12" under another label is not f
    pdf["unmatched"][0]["label"] = "Số máy chủ"
    truth["fields"][5]["label"] = "Số máy in của cơ quan"
    assert score_document(truth, pdf, 0.9).silent_loss == 4
    pdf["unmatched"][0]["label"] = "Số máy in:"
    assert score_document(truth, pdf, 0.9).silent_loss == 3
    # a text link needs whole words: "1" inside "12" does not cover a value typed "1"
    truth["fields"][0]["raw"] = "1"
    pdf["fields"][0]["value"] = 6
    assert score_document(truth, pdf, 0.9).silent_loss == 4


def test_failed_document_has_no_silent_loss_and_groups_by_habit():
    truth, result = silent_loss_case()
    assert score_document(truth, None, 0.9).silent_loss == 0
    r = evaluate([(truth, "docx", result)], 0.9)
    assert r.overall.silent_loss == 4 and r.overall.silent_loss_rate == approx(0.5)
    habits = r.by_habit["docx"]
    assert (habits["after_leader"].truth_filled, habits["after_leader"].silent_loss) == (2, 1)
    assert habits["inside_leader"].recall == approx(0.5)
    assert (habits["multi_tick"].review_expected, habits["multi_tick"].review_rate) == (1, 0.0)
    assert habits["multi_tick"].recall is None
    assert "j.left_empty" not in str(r.to_dict()["by_habit"]) and "—" not in habits
    assert r.by_layout["docx"]["list"].truth_filled == 2
    d = json.loads(json.dumps(r.to_dict()))
    assert d["overall"]["silent_loss"] == 4 and d["by_habit"]["docx"]["next_line"]["silent_loss"] == 1
    table = format_field_table(r, "habit")
    row = next(line for line in table.splitlines() if line.startswith("inside_leader")).split()
    assert row[1:] == ["2", "2", "2", "1", "0.500", "0.500", "0.500", "1", "0.500", "0", "—"]
    assert "silent" in r.format_table().splitlines()[0]


def test_cells_of_added_columns_are_kept_when_some_item_holds_them_as_words():
    truth, result = silent_loss_case()
    truth["extras"] = [{"table": "t", "label": "Ghi chú", "row": 1, "raw": "fpt", "location": {"block": 7}},
                       {"table": "t", "label": "Ghi chú", "row": 2, "raw": "FP", "location": {"block": 7}},
                       {"table": "t", "label": "Ghi chú", "row": 3, "raw": "Sở Y tế", "location": {"block": 7}}]
    s = score_document(truth, result, 0.9)
    assert (s.extras_kept, s.extras_total) == (1, 3)  # "FP" is inside "FPT"; nothing holds "Sở Y tế"
    r = evaluate([(truth, "docx", result)], 0.9)
    assert r.extras == {"docx": {"kept": 1, "total": 3}}
    assert "cells of added columns kept as a field or review item: 1/3" in format_field_table(r, "habit")


# ── calibration ─────────────────────────────────────────────────────────────────────────────────


def test_ece_hand_computed():
    pairs = [(0.95, True), (0.95, False), (0.15, False), (0.15, False), (0.55, True)]
    # bin 9: |0.5 - 0.95| * 2 = 0.9; bin 1: |0 - 0.15| * 2 = 0.3; bin 5: |1 - 0.55| * 1 = 0.45
    assert expected_calibration_error(pairs) == approx(1.65 / 5)


def test_ece_bins_are_lower_inclusive():
    # 0.1 and 0.19 share bin [0.1, 0.2): |0.5 - 0.145| = 0.355 (separate bins would give 0.545)
    assert expected_calibration_error([(0.1, True), (0.19, False)]) == approx(0.355)
    assert expected_calibration_error([(1.0, True)]) == 0.0
    assert expected_calibration_error([(0.0, True)]) == 1.0
    assert expected_calibration_error([]) is None


# ── aggregation ─────────────────────────────────────────────────────────────────────────────────


def scenario() -> list[tuple[dict, str, dict | None]]:
    docs = corpus()
    pairs = [(d, "docx", perfect(d)) for d in docs]
    pairs += [(docs[0], "pdf", corrupted(docs[0])), (docs[1], "pdf", None),
              (docs[2], "pdf", perfect(docs[2])), (docs[3], "pdf", perfect(docs[3]))]
    return pairs


def test_evaluate_groups():
    r = evaluate(scenario(), 0.9, reasons={("fa_r002", "pdf"): "extraction failed: [E101] bad pdf"})
    o = r.overall
    assert (o.documents, o.failed, o.truth_filled, o.truth_empty) == (8, 1, 60, 16)
    assert (o.predicted, o.correct, o.blank_correct) == (51, 44, 12)
    assert o.precision == approx(44 / 51) and o.recall == approx(44 / 60) and o.blank_accuracy == 0.75
    assert set(r.by_format) == {"docx", "pdf"}
    assert (r.by_format["docx"].precision, r.by_format["docx"].recall) == (1.0, 1.0)
    pdf = r.by_format["pdf"]
    assert (pdf.predicted, pdf.correct, pdf.failed) == (21, 14, 1)
    assert (pdf.precision, pdf.recall, pdf.blank_accuracy) == (approx(2 / 3), approx(14 / 30), 0.5)
    assert r.by_form["fb"].f1 == 1.0 and r.by_form["fb"].documents == 4
    variant = r.by_variant["variant"]
    assert (variant.precision, variant.recall, variant.blank_accuracy) == (1.0, 0.6, 5 / 8)
    assert set(r.by_variant) == {"plain", "variant"}
    fa_pdf = r.by_form_format["fa/pdf"]
    assert (fa_pdf.precision, fa_pdf.recall) == (approx(8 / 15), approx(1 / 3))
    assert [(f.return_id, f.format, f.reason) for f in r.failures] == [
        ("fa_r002", "pdf", "extraction failed: [E101] bad pdf")]


def test_evaluate_malformed_prediction_is_listed_failure():
    docs = corpus()
    r = evaluate([(docs[2], "docx", {"fields": "nope"})], 0.9)
    assert r.overall.failed == 1 and r.overall.recall == 0.0
    assert "no 'fields' list" in r.failures[0].reason


def test_report_dict_and_table():
    r = evaluate(scenario(), 0.9)
    d = json.loads(json.dumps(r.to_dict()))
    assert d["overall"]["precision"] == approx(44 / 51)
    assert d["by_form_format"]["fb/docx"]["accepted_precision"] == 1.0
    assert d["failures"] == [{"return_id": "fa_r002", "format": "pdf", "reason": "no prediction"}]
    only_failed = evaluate([(corpus()[0], "pdf", None)], 0.9)
    assert only_failed.to_dict()["overall"]["precision"] is None
    table = only_failed.format_table()
    assert "—" in table and "fa_r001 pdf: no prediction" in table
    lines = r.format_table().splitlines()
    assert lines[0].split()[:4] == ["group", "docs", "fail", "filled"]
    overall = lines[2].split()
    assert overall[:7] == ["overall", "8", "1", "60", "16", "51", "44"]
    assert overall[7] == f"{44 / 51:.3f}"


# ── loading ─────────────────────────────────────────────────────────────────────────────────────


def write_corpus(root, docs):
    (root / "truth").mkdir(parents=True)
    for d in docs:
        (root / "truth" / f"{d['return_id']}.json").write_text(json.dumps(d, ensure_ascii=False), "utf-8")


def test_load_truth_sorted(tmp_path):
    write_corpus(tmp_path, reversed(corpus()))
    assert [d["return_id"] for d in load_truth(tmp_path / "truth")] == [
        "fa_r001", "fa_r002", "fb_r001", "fb_r002"]


@pytest.mark.parametrize(("content", "message"), [
    ("{not json", "not a valid JSON"),
    ('{"return_id": "x", "form": "fa"}', "lacks fields"),
    ('{"return_id": "x", "form": "fa", "fields": [{"field_id": "a", "type": "integer", "value": "1"}]}',
     "not a finite number"),
    ('{"return_id": "x", "form": "fa", "fields": [{"field_id": "a", "type": "size", "value": 1}]}',
     "unknown field type"),
])
def test_load_truth_errors_name_the_file(tmp_path, content, message):
    write_corpus(tmp_path, corpus()[:1])
    (tmp_path / "truth" / "zz_bad.json").write_text(content, "utf-8")
    with pytest.raises(EvaluationError, match=message) as info:
        load_truth(tmp_path / "truth")
    assert "zz_bad.json" in str(info.value)


def test_load_truth_missing_or_empty_dir(tmp_path):
    with pytest.raises(InputError, match="nowhere"):
        load_truth(tmp_path / "nowhere")
    with pytest.raises(EvaluationError, match="no \\*.json"):
        load_truth(tmp_path)


# ── CLI ─────────────────────────────────────────────────────────────────────────────────────────


@pytest.fixture
def cli_corpus(tmp_path):
    """A corpus + predictions dir reproducing scenario(): fa_r002.pdf.json is missing."""
    root, preds = tmp_path / "corpus", tmp_path / "preds"
    write_corpus(root, corpus())
    preds.mkdir()
    for truth, fmt, prediction in scenario():
        if prediction is not None:
            (preds / f"{truth['return_id']}.{fmt}.json").write_text(json.dumps(prediction), "utf-8")
    return root, preds


def test_cli_eval_predictions(cli_corpus, tmp_path):
    root, preds = cli_corpus
    out = tmp_path / "report.json"
    result = CliRunner().invoke(main, ["eval", "--corpus", str(root), "--predictions", str(preds),
                                       "--json", str(out)], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    overall = next(line for line in lines if line.startswith("overall")).split()
    assert overall[1:8] == ["8", "1", "60", "16", "51", "44", f"{44 / 51:.3f}"]
    assert any(line.startswith("fa/pdf") for line in lines)
    assert "fa_r002 pdf: no prediction file" in result.output and "fa_r002.pdf.json" in result.output
    report = json.loads(out.read_text("utf-8"))
    assert report["overall"]["recall"] == approx(44 / 60)
    assert report["by_format"]["pdf"]["failed"] == 1
    assert report["failures"][0]["return_id"] == "fa_r002"


def test_cli_eval_one_format(cli_corpus):
    root, preds = cli_corpus
    result = CliRunner().invoke(main, ["eval", "--corpus", str(root), "--predictions", str(preds),
                                       "--format", "docx", "--threshold", "0.5"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    overall = next(line for line in result.output.splitlines() if line.startswith("overall")).split()
    # prec, recall, f1, silent (0: nothing lost), blank, stp, acc_p, ece
    assert overall[1:] == ["4", "0", "30", "8", "30", "30"] + ["1.000"] * 3 + ["0.000"] + ["1.000"] * 3 + ["0.000"]
    assert "format pdf" not in result.output and "Failed" not in result.output


def test_cli_eval_bad_truth_is_click_error(tmp_path):
    result = CliRunner().invoke(main, ["eval", "--corpus", str(tmp_path), "--predictions", str(tmp_path)])
    assert result.exit_code == 1
    assert "[E101]" in result.output and "truth" in result.output


def test_cli_eval_without_pipeline(cli_corpus, monkeypatch):
    monkeypatch.setitem(sys.modules, "extractor.pipeline", None)   # makes the import fail
    result = CliRunner().invoke(main, ["eval", "--corpus", str(cli_corpus[0])])
    assert result.exit_code == 1
    assert "extraction is not available" in result.output and "--predictions" in result.output


def test_cli_eval_runs_extraction_and_lists_errors(cli_corpus, monkeypatch):
    root, _ = cli_corpus
    truths = {d["return_id"]: d for d in corpus()}
    seen = []

    def extract_path(path):
        seen.append(path)
        if path.suffix == ".pdf":
            raise InputError("encrypted PDF", path=str(path))
        doc = truths[path.stem]
        return types.SimpleNamespace(to_dict=lambda: perfect(doc))

    monkeypatch.setitem(sys.modules, "extractor.pipeline", types.SimpleNamespace(extract_path=extract_path))
    result = CliRunner().invoke(main, ["eval", "--corpus", str(root)], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert root / "returns" / "fa_r001.docx" in seen and len(seen) == 8
    overall = next(line for line in result.output.splitlines() if line.startswith("overall")).split()
    assert overall[1:7] == ["8", "4", "60", "16", "30", "30"]
    assert "fb_r002 pdf: [E101]" in result.output and "encrypted PDF" in result.output


# ── property ────────────────────────────────────────────────────────────────────────────────────

VI_LETTERS = "aăâbcdđeêghiklmnoôơpqrstuưvxyàáảãạằắẳẵặầấẩẫậèéẻẽẹềếểễệìíỉĩịòóỏõọồốổỗộờớởỡợùúủũụừứửữựỳýỷỹỵ"
numbers = st.floats(min_value=-1e9, max_value=1e9, allow_nan=False) | st.integers(-10**9, 10**9)
VALUES = {
    "integer": st.integers(0, 10**12), "decimal": numbers, "percent": numbers,
    "ratio": st.lists(numbers, min_size=2, max_size=2),
    "boolean": st.booleans(), "choice": st.sampled_from(["lt10", "10to20", "gt20"]),
    "multi_choice": st.lists(st.sampled_from("abcdef"), min_size=1, unique=True).map(sorted),
    "text": st.text(VI_LETTERS + VI_LETTERS.upper() + "0123456789 .,;:-/", max_size=30),
    "date": st.dates().map(dt.date.isoformat),
}


@st.composite
def truth_docs(draw):
    specs = draw(st.lists(
        st.tuples(st.sampled_from(["a.x", "a.y", "b.z", "apps.list.name"]), st.none() | st.integers(1, 4),
                  st.sampled_from(sorted(VALUES))),
        min_size=1, max_size=25, unique_by=lambda t: t[:2]))
    spec = [(f, r, t, draw(st.none() | VALUES[t])) for f, r, t in specs]
    if all(v is None for *_, v in spec):
        f, r, t, _ = spec[0]
        spec[0] = (f, r, t, draw(VALUES[t]))
    return make_doc("p_r001", "fp", draw(st.booleans()), spec)


def disguise(field: dict) -> dict:
    """The same value written differently: NFD upper-case text, reordered choices, floats for ints."""
    value, type_ = field["value"], field["type"]
    if value is None:
        return field
    if type_ == "text":
        value = unicodedata.normalize("NFD", value.upper()) + " "
    elif type_ == "multi_choice":
        value = list(reversed(value))
    elif type_ == "integer":
        value = float(value)
    return {**field, "value": value}


@settings(max_examples=200, deadline=None)
@given(truth_docs(), st.randoms(use_true_random=False), st.floats(0, 1))
def test_truth_against_itself_is_perfect(truth, rnd, confidence):
    p = perfect(truth, confidence)
    p["fields"] = [disguise(f) for f in p["fields"]]
    rnd.shuffle(p["fields"])
    m = Metrics.from_scores([score_document(truth, p, 0.9)])
    assert m.f1 == 1.0 and m.precision == 1.0 and m.recall == 1.0
    assert m.blank_accuracy in (None, 1.0)


def test_cli_eval_scores_a_producer_folder_as_its_own_group(cli_corpus, tmp_path):
    """A corpus folder with a truth/ of its own (corpora/returns_chromium) is a group of its own, after the main
    table and not in it; its saved results are under PRED/<folder>/; only the formats its truth lists."""
    root, preds = cli_corpus
    sub = root / "returns_other"
    docs = [dict(d, files={"pdf": f"{d['return_id']}.pdf"}, producer="chromium") for d in corpus()[:2]]
    write_corpus(sub, docs)
    (preds / "returns_other").mkdir()
    for truth, fmt, prediction in scenario():
        if fmt == "pdf" and prediction is not None and truth["return_id"] in {d["return_id"] for d in docs}:
            (preds / "returns_other" / f"{truth['return_id']}.pdf.json").write_text(json.dumps(prediction), "utf-8")
    out = tmp_path / "report.json"
    result = CliRunner().invoke(main, ["eval", "--corpus", str(root), "--predictions", str(preds),
                                       "--json", str(out)], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    main_table, group = result.output.split("Group returns_other (made by chromium)")
    overall = next(line for line in main_table.splitlines() if line.startswith("overall")).split()
    assert overall[1] == "8"  # the main figures do not include the group
    group_overall = next(line for line in group.splitlines() if line.startswith("overall")).split()
    assert group_overall[1] == "2" and "format docx" not in group
    assert json.loads(out.read_text("utf-8"))["groups"]["returns_other"]["overall"]["documents"] == 2
