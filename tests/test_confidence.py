"""Consistency rules, confidence and status (`extractor.confidence`). Relations are taken from the real
catalogue (`patterns/catalogue.yaml`), picked by what they declare, not by hard-coded ids."""

from __future__ import annotations

import json
from collections import defaultdict
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from extractor.answers import Answer, read_answer
from extractor.catalogue import Catalogue, FieldSpec, Keys, OptionSpec, load_catalogue
from extractor.confidence import (
    FEATURES,
    Evidence,
    consistency,
    doubts,
    empty_in_doubt,
    evidences_features,
    model,
    score,
    status_of,
)
from extractor.matching import Match
from extractor.slots import Option, Slot

CAT = load_catalogue()
TRUTH = Path(__file__).resolve().parent.parent / "corpora" / "truth"


def _part_total() -> tuple[str, str]:
    """A field that is one part of a total (and not also one of summing columns), both integers."""
    return next((f.id, f.part_of) for f in CAT.fields.values()
                if f.part_of and not f.sums_to and f.type == "integer" and f.part_of in CAT.fields)


def _rate() -> tuple[str, str, str]:
    return next((f.id, *f.rate_of) for f in CAT.fields.values()
                if f.rate_of and f.type == "percent" and all(x in CAT.fields for x in f.rate_of))


def _sums() -> tuple[str, list[str]]:
    groups: dict[str, list[str]] = defaultdict(list)
    for f in CAT.fields.values():
        if f.sums_to:
            groups[f.sums_to].append(f.id)
    total = sorted(t for t, parts in groups.items() if len(parts) >= 2 and t in CAT.fields)[0]
    return total, sorted(groups[total])


PART, TOTAL = _part_total()
RATE, RATE_A, RATE_B = _rate()
SUM_TOTAL, SUM_PARTS = _sums()


# -- consistency ---------------------------------------------------------------------------------------
def test_catalogue_declares_the_relations() -> None:
    assert CAT.fields[PART].part_of == TOTAL
    assert CAT.fields[RATE].rate_of == (RATE_A, RATE_B)
    assert all(CAT.fields[p].sums_to == SUM_TOTAL for p in SUM_PARTS)


def test_part_greater_than_total_flags_both() -> None:
    fails = consistency({PART: 12, TOTAL: 10}, CAT)
    assert fails[PART] == [f"part_gt_total ({TOTAL})"]
    assert fails[TOTAL] == [f"part_gt_total ({PART})"]


@pytest.mark.parametrize("values", [
    {PART: 10, TOTAL: 10},  # equal is fine
    {PART: 3, TOTAL: 10},
    {PART: 12},  # no total: nothing to check
    {PART: 12, TOTAL: None},
    {PART: "12", TOTAL: 10},  # not a number (unparsed text)
    {PART: True, TOTAL: 0},  # booleans are not counts
])
def test_part_within_total_or_unknown(values: dict[str, Any]) -> None:
    assert not consistency(values, CAT)


def test_exceeds_bound() -> None:
    """`le` relations (no field of the shipped catalogue uses one yet, so a two-field catalogue)."""
    fields = {"a.count": FieldSpec("a.count", "integer", le="a.max"), "a.max": FieldSpec("a.max", "integer")}
    cat = Catalogue(fields, {}, ())
    assert consistency({"a.count": 8, "a.max": 5}, cat) == {"a.count": ["exceeds_bound (a.max)"],
                                                             "a.max": ["exceeds_bound (a.count)"]}
    assert not consistency({"a.count": 5, "a.max": 5}, cat)


@pytest.mark.parametrize(("rate", "fails"), [
    (75.0, False),
    (75.0 + 1.4, False),  # within the tolerance of 1.5 points
    (75.0 - 1.4, False),
    (75.0 + 1.6, True),
    (60.0, True),
    (0.75, False),  # written as a fraction
    (0.5, True),
])
def test_percent_mismatch_with_tolerance(rate: float, fails: bool) -> None:
    result = consistency({RATE: rate, RATE_A: 30, RATE_B: 40}, CAT)
    assert bool(result.get(RATE)) is fails
    if fails:
        assert result[RATE] == [f"percent_mismatch ({RATE} {rate:g} vs 75.0)"]
        # the rate and the two counts it should follow are all flagged, as the truth lists them
        assert result[RATE_A] == result[RATE_B] == result[RATE]
    else:
        assert RATE_A not in result and RATE_B not in result


@pytest.mark.parametrize("values", [
    {RATE: 60.0, RATE_A: 30, RATE_B: 0},  # no denominator
    {RATE: 60.0, RATE_B: 40},
    {RATE: None, RATE_A: 30, RATE_B: 40},
])
def test_percent_not_checkable(values: dict[str, Any]) -> None:
    assert RATE not in consistency(values, CAT)


def test_columns_not_summing_to_total() -> None:
    parts = {p: 10 + n for n, p in enumerate(SUM_PARTS)}
    good = sum(parts.values())
    assert SUM_TOTAL not in consistency({**parts, SUM_TOTAL: good}, CAT)
    fails = consistency({**parts, SUM_TOTAL: good + 1}, CAT)
    for fid in [SUM_TOTAL, *SUM_PARTS]:
        assert "sum_mismatch" in fails[fid]
    # an empty column (the pipeline passes it as None): the sum cannot be checked
    assert SUM_TOTAL not in consistency({**parts, SUM_PARTS[0]: None, SUM_TOTAL: good + 1}, CAT)


def test_decimal_columns_sum_within_half_a_unit() -> None:
    parts = {p: 10.2 for p in SUM_PARTS}
    total = sum(parts.values())
    assert not consistency({**parts, SUM_TOTAL: total + 0.5}, CAT).get(SUM_TOTAL)
    assert "sum_mismatch" in consistency({**parts, SUM_TOTAL: total + 0.6}, CAT)[SUM_TOTAL]


@settings(max_examples=100, deadline=None)
@given(st.lists(st.integers(0, 10**6), min_size=len(SUM_PARTS), max_size=len(SUM_PARTS)))
def test_consistent_columns_never_fail(values: list[int]) -> None:
    parts = dict(zip(SUM_PARTS, values, strict=True))
    fails = consistency({**parts, SUM_TOTAL: sum(values)}, CAT)
    assert not any("sum_mismatch" in r for rs in fails.values() for r in rs)
    assert not any(r.startswith("part_gt_total") for rs in fails.values() for r in rs)


def test_unknown_field_ids_are_ignored() -> None:
    assert not consistency({"no.such.field": 5, PART: 1}, CAT)


def test_deliberate_inconsistencies_of_the_corpus_are_found() -> None:
    """Every inconsistency the corpus generator put in whose relation the catalogue records is flagged."""
    checked = 0
    for path in sorted(TRUTH.glob("*.json")):
        truth = json.loads(path.read_text(encoding="utf-8"))
        values = {f["field_id"]: f["value"] for f in truth["fields"] if f["row"] is None}
        fails = consistency(values, CAT)
        for inc in truth["inconsistencies"]:
            first, *others = inc["fields"]
            spec = CAT.fields[first]
            recorded = (spec.part_of == others[0] if inc["rule"] == "part_gt_total" and spec.part_of
                        else spec.rate_of == tuple(others) if inc["rule"] == "percent_mismatch"
                        else spec.sums_to in others if inc["rule"] == "sum_mismatch" else False)
            if not recorded:
                continue
            checked += 1
            assert any(r.startswith(inc["rule"]) for r in fails.get(first, [])), (truth["return_id"], inc)
    assert checked >= 10


# -- score ---------------------------------------------------------------------------------------------
def evidence(label: float = 0.95, margin: float = 0.3, quality: float = 1.0, ok: bool = True,
             reason: str | None = None, form_prior: bool = True, form_confidence: float = 0.9,
             checks: list[str] | None = None, choice: bool = False) -> Evidence:
    slot = Slot("choice" if choice else "blank", "Tổng số máy tính", raw="150",
                options=[Option("Có", True, "box")] if choice else None)
    match = Match(slot, "infra.computers.total", score=label, margin=margin, form_prior=form_prior,
                  candidates=[("infra.computers.total", label), ("infra.computers.desktop", label - margin)])
    answer = Answer(150 if ok else None, "150", None, ok, quality, reason)
    return Evidence(match, answer, form_confidence, checks or [])


def test_clean_evidence_is_confident_and_unexplained() -> None:
    conf, reasons = score(evidence(label=1.0))
    assert conf >= 0.9 and reasons == []


@settings(max_examples=100, deadline=None)
@given(st.floats(0, 1), st.floats(0, 1))
def test_score_monotone_in_label_score(a: float, b: float) -> None:
    lo, hi = sorted((a, b))
    assert score(evidence(label=lo))[0] <= score(evidence(label=hi))[0]


@settings(max_examples=100, deadline=None)
@given(st.floats(0, 1), st.floats(0, 1))
def test_score_monotone_in_parse_quality(a: float, b: float) -> None:
    lo, hi = sorted((a, b))
    assert score(evidence(quality=lo, reason="x" if lo < 1 else None))[0] <= \
        score(evidence(quality=hi, reason="x" if hi < 1 else None))[0]


# Weights with the signs the model documents; the shipped ones are fitted (only label score, margin and parse
# quality are required to push confidence up whatever the fit).
SIGNED = {"bias": -6.0, "weights": {"label_score": 6.0, "margin": 3.0, "parse_quality": 3.0, "same_form": 1.0,
                                    "form_confidence": 1.0, "consistency_fail": -2.0, "choice": 0.0}}
WORSE = [{"label": 0.6}, {"margin": 0.01}, {"quality": 0.5, "reason": "extra_text"},
         {"ok": False, "reason": "no_number"}, {"form_prior": False}, {"form_confidence": 0.2},
         {"checks": ["part_gt_total (x)"]}]


@pytest.mark.parametrize("worse", WORSE)
def test_each_bad_signal_lowers_confidence(worse: dict[str, Any]) -> None:
    assert score(evidence(**worse), SIGNED)[0] < score(evidence(), SIGNED)[0]


@pytest.mark.parametrize("worse", WORSE[:4])
def test_match_and_parse_signals_lower_shipped_confidence(worse: dict[str, Any]) -> None:
    assert score(evidence(**worse))[0] < score(evidence())[0]


def test_confidence_bounds() -> None:
    for ev in (evidence(label=0, margin=0, quality=0, ok=False, form_prior=False, form_confidence=0, checks=["x"]),
               evidence(label=1, margin=1, quality=1, form_confidence=1)):
        conf, _ = score(ev)
        assert 0.0 <= conf <= 1.0 and conf == round(conf, 4)
    assert score(evidence(label=5.0))[0] == score(evidence(label=1.0))[0]  # signals are clipped


@pytest.mark.parametrize(("kwargs", "expected"), [
    ({"label": 0.7}, ["label_match 0.70"]),
    ({"margin": 0.02}, ["ambiguous: infra.computers.desktop 0.93"]),
    ({"ok": False, "quality": 0.0, "reason": "no_number"}, ["unparsed: no_number"]),
    ({"quality": 0.85, "reason": "typed_mark"}, ["value: typed_mark"]),
    ({"form_prior": False}, ["field from another form"]),
    ({"checks": ["part_gt_total (infra.computers.total)"]}, ["check: part_gt_total (infra.computers.total)"]),
])
def test_reasons_listed(kwargs: dict[str, Any], expected: list[str]) -> None:
    assert score(evidence(**kwargs))[1] == expected


def test_all_reasons_together_in_order() -> None:
    _, reasons = score(evidence(label=0.7, margin=0.0, ok=False, quality=0, reason="bad_number", form_prior=False,
                                checks=["sum_mismatch"]))
    assert reasons == ["label_match 0.70", "ambiguous: infra.computers.desktop 0.70", "unparsed: bad_number",
                       "field from another form", "check: sum_mismatch"]


def test_ambiguous_without_other_candidate() -> None:
    ev = evidence(margin=0.0)
    ev.match.candidates = [("infra.computers.total", 0.95)]
    assert score(ev)[1] == ["ambiguous"]


def test_reasons_never_say_none() -> None:
    field = FieldSpec("net.type", "choice", options=[OptionSpec(k, [t], [Keys.of(t)])
                                                     for k, t in (("adsl", "ADSL"), ("fiber", "Cáp quang"))])
    slot = Slot("choice", "Loại kết nối", options=[Option("Loại một", False, "box"), Option("Loại hai", True, "box")])
    answer = read_answer(slot, field)
    assert answer.quality < 1.0  # mapped by position
    match = Match(slot, "net.type", score=0.95, margin=0.3, candidates=[("net.type", 0.95)])
    _, reasons = score(Evidence(match, answer, 0.9, []))
    assert all("None" not in r for r in reasons)


def test_custom_weights() -> None:
    weights = {"bias": 0.0, "weights": dict.fromkeys(FEATURES, 0.0)}
    assert score(evidence(), weights)[0] == 0.5
    assert set(model()["weights"]) >= set(FEATURES)


def test_features_in_order() -> None:
    ev = evidence(choice=True, checks=["x"])
    (row,) = evidences_features([ev])
    assert row == [ev.features()[k] for k in FEATURES]
    assert ev.features()["choice"] == 1.0 and ev.features()["consistency_fail"] == 1.0
    assert all(0.0 <= v <= 1.0 for v in row)


# -- status --------------------------------------------------------------------------------------------
EMPTY = Answer(None, None, None, True, 1.0, "empty")
GOOD = Answer(150, "150", "chiếc", True, 1.0, None)
BAD = Answer(None, "abc", None, False, 0.0, "no_number")
UNKNOWN = Answer(None, "Vệ tinh", None, False, 0.0, "unknown_option")


@pytest.mark.parametrize(("value", "answer", "confidence", "expected"), [
    (None, EMPTY, 0.99, "empty"),
    (None, EMPTY, 0.01, "empty"),  # empty whatever the confidence
    (150, GOOD, 0.95, "accepted"),
    (150, GOOD, 0.9, "accepted"),  # at the threshold
    (150, GOOD, 0.8999, "review"),
    (None, BAD, 0.99, "review"),  # typed but unreadable: never accepted, never empty
    (None, UNKNOWN, 0.99, "review"),
    (False, Answer(False, "Không", None, True, 1.0, None), 0.95, "accepted"),  # False is a value
    (0, Answer(0, "không có", None, True, 1.0, None), 0.95, "accepted"),
])
def test_status_of(value: Any, answer: Answer, confidence: float, expected: str) -> None:
    assert status_of(value, answer, confidence, 0.9) == expected


@pytest.mark.parametrize(("margin", "doubt"), [(0.3, False), (0.05, False), (0.049, True), (0.0, True), (-0.1, True)])
def test_an_empty_blank_whose_label_is_as_close_to_another_field_is_in_doubt(margin: float, doubt: bool) -> None:
    assert empty_in_doubt(evidence(margin=margin)) is doubt


@pytest.mark.parametrize(("quality", "doubted"), [(0.6, True), (0.7, False)])
def test_a_tie_of_two_number_readings_is_never_accepted(quality: float, doubted: bool) -> None:
    """`3,125`: 3 125 or 3.125, both plausible (a tie) goes to a person; a reading against the convention that the
    field's type settles (`1,250` in an integer slot) does not."""
    answer = Answer(3.125, "3,125", None, True, quality, "ambiguous_separator")
    assert ("ambiguous_separator" in doubts(answer, [], "decimal")) is doubted


# -- the runner-up of an ambiguous value (issue 15: docs.sent.electronic silently empty) ---------------------------
def _field(fid: str, value: Any, status: str, reasons: list[str], row: int | None = None) -> Any:
    from extractor.model import Field
    return Field(fid, fid, "", None, value, None if value is None else str(value), None, "integer",
                 0.96 if value is not None else 0.95, status, {}, row, list(reasons))


def test_an_empty_field_an_ambiguous_value_was_as_close_to_goes_to_review() -> None:
    """`53` read for docs.sent.signed, as close to docs.sent.electronic, which came back empty: the value may be the
    empty field's, so "empty" is not known."""
    from extractor.pipeline import _empty_runner_up_in_doubt
    fields = [_field("docs.sent.signed", 53, "accepted", ["ambiguous: docs.sent.electronic 0.80"]),
              _field("docs.sent.electronic", None, "empty", []),
              _field("docs.sent.paper", None, "empty", [])]
    _empty_runner_up_in_doubt(fields, 0.9)
    assert [(f.status, "runner_up" in f.reasons) for f in fields] == [("accepted", False), ("review", True),
                                                                       ("empty", False)]
    assert fields[1].confidence < 0.9


def test_an_ambiguous_empty_field_puts_no_other_in_doubt() -> None:
    from extractor.pipeline import _empty_runner_up_in_doubt
    fields = [_field("a.b", None, "empty", ["ambiguous: c.d 0.80"]), _field("c.d", None, "empty", [])]
    _empty_runner_up_in_doubt(fields, 0.9)
    assert [f.status for f in fields] == ["empty", "empty"]
