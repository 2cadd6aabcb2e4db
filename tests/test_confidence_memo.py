"""The calibrated confidence is remembered by the inputs of its features (`confidence._CONFIDENCE`): a remembered
score equals the plain logistic of `Evidence.values`, whatever was scored before, and the memory stays bounded."""

from __future__ import annotations

import math
import operator

from hypothesis import given, settings
from hypothesis import strategies as st

from extractor import confidence
from extractor.answers import Answer
from extractor.confidence import Evidence, score
from extractor.matching import Match
from extractor.slots import Option, Slot

NUMBERS = st.one_of(st.floats(-0.5, 1.5, allow_nan=False), st.sampled_from([0.0, -0.0, 1.0, 0.85, 0.05, 0.3, 1, 0]))
QUALITY = st.sampled_from([1.0, 0.95, 0.9, 0.85, 0.5, 0.0, 1])


def plain(ev: Evidence) -> float:
    """The confidence as computed before the memory: the logistic of `Evidence.values` with the model's weights."""
    params = confidence.model()
    z = params["bias"] + sum(map(operator.mul, (params["weights"][k] for k in confidence.FEATURES), ev.values()))
    return round(1.0 / (1.0 + math.exp(-z)), 4)


def plain_reasons_label(ev: Evidence) -> bool:
    return ev.values()[0] < 0.85


def evidence(label: float, margin: float, quality: float, ok: bool, prior: bool, form: float, checks: list[str],
             choice: bool) -> Evidence:
    slot = Slot("choice" if choice else "blank", "Tổng số máy tính", raw="150",
                options=[Option("Có", True, "box")] if choice else None)
    match = Match(slot, "infra.computers.total", score=label, margin=margin, form_prior=prior,
                  candidates=[("infra.computers.total", 0.9), ("infra.computers.desktop", 0.88)])
    return Evidence(match, Answer(150 if ok else None, "150", None, ok, quality, None if quality >= 1 else "x"),
                    form, checks)


EVIDENCE = st.builds(evidence, NUMBERS, NUMBERS, QUALITY, st.booleans(), st.booleans(), NUMBERS,
                     st.sampled_from([[], ["sum_mismatch"]]), st.booleans())


@settings(max_examples=400, deadline=None)
@given(st.lists(EVIDENCE, min_size=1, max_size=6))
def test_a_remembered_confidence_is_the_plain_one(evs: list[Evidence]) -> None:
    for ev in evs + evs:  # the second time from the memory
        conf, reasons = score(ev)
        assert conf == plain(ev)
        assert any(r.startswith("label_match") for r in reasons) == plain_reasons_label(ev)
        assert score(ev, confidence.model())[0] == conf  # explicit weights: computed, never remembered


def test_the_memory_is_bounded(monkeypatch) -> None:  # noqa: ANN001
    monkeypatch.setattr(confidence, "_CONFIDENCE_MAX", 8)
    confidence._CONFIDENCE.clear()
    for n in range(40):
        ev = evidence(n / 40, 0.3, 1.0, True, True, 0.9, [], False)
        assert score(ev)[0] == plain(ev)
        assert len(confidence._CONFIDENCE) <= 8


@settings(max_examples=200, deadline=None)
@given(EVIDENCE)
def test_score_remembers_under_the_inputs_of_the_features(ev: Evidence) -> None:
    """The key `score` remembers a confidence under is `Evidence.inputs()`."""
    confidence._CONFIDENCE.clear()
    score(ev)
    assert list(confidence._CONFIDENCE) == [ev.inputs()]
