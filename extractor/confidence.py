"""Confidence and status per field from the evidence: label match, margin over other fields, value parse,
form prior and the consistency rules the forms state (parts ≤ total, columns adding up to a total,
percentages agreeing with their counts).

Confidence is a logistic model over those signals; its weights live in `patterns/confidence.yaml` and are
fitted on the training half of the corpus (`python -m extractor.calibrate`) so that a confidence of 0.9
means nine in ten such fields are right.
"""

from __future__ import annotations

import functools
import math
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import yaml

from extractor.answers import Answer
from extractor.catalogue import PATTERNS, Catalogue
from extractor.matching import Match

FEATURES = ("label_score", "margin", "parse_quality", "same_form", "form_confidence", "consistency_fail",
            "choice")
RATE_TOLERANCE = 1.5  # percentage points between a stated rate and the one its counts give


@functools.lru_cache(maxsize=1)
def model() -> dict[str, Any]:
    with open(PATTERNS / "confidence.yaml", encoding="utf-8") as fh:
        data = yaml.safe_load(fh)
    missing = set(FEATURES) - set(data.get("weights", {}))
    if missing:
        from extractor.errors import PatternError

        raise PatternError(f"weights missing for {sorted(missing)}", path=str(PATTERNS / "confidence.yaml"))
    return data


@dataclass
class Evidence:
    match: Match
    answer: Answer
    form_confidence: float
    consistency: list[str]

    def features(self) -> dict[str, float]:
        m = self.match
        return {
            "label_score": max(0.0, min(1.0, m.score)),
            "margin": max(0.0, min(0.3, m.margin)) / 0.3,
            "parse_quality": self.answer.quality if self.answer.ok else 0.0,
            "same_form": 1.0 if m.form_prior else 0.0,
            "form_confidence": self.form_confidence,
            "consistency_fail": 1.0 if self.consistency else 0.0,
            "choice": 1.0 if m.slot.options is not None else 0.0,
        }


def score(evidence: Evidence, weights: dict[str, Any] | None = None) -> tuple[float, list[str]]:
    """Confidence in 0..1 and the reasons that pulled it down."""
    params = weights or model()
    feats = evidence.features()
    z = params["bias"] + sum(params["weights"][k] * v for k, v in feats.items())
    conf = 1.0 / (1.0 + math.exp(-z))
    reasons = []
    if feats["label_score"] < 0.85:
        reasons.append(f"label_match {evidence.match.score:.2f}")
    if evidence.match.margin < 0.05:
        alt = next((c for c in evidence.match.candidates if c[0] != evidence.match.field_id), None)
        reasons.append(f"ambiguous: {alt[0]} {alt[1]:.2f}" if alt else "ambiguous")
    if not evidence.answer.ok:
        reasons.append(f"unparsed: {evidence.answer.reason}")
    elif evidence.answer.quality < 1.0:
        reasons.append(f"value: {evidence.answer.reason or 'approximate'}")
    if not evidence.match.form_prior:
        reasons.append("field from another form")
    reasons += [f"check: {c}" for c in evidence.consistency]
    return round(conf, 4), reasons


def consistency(values: dict[str, Any], catalogue: Catalogue, form_id: str | None = None) -> dict[str, list[str]]:
    """Failed rules per field id, for the relations the detected form (else the catalogue) states."""
    fails: dict[str, list[str]] = defaultdict(list)

    def num(fid: str | None) -> float | None:
        v = values.get(fid) if fid else None
        return float(v) if isinstance(v, (int, float)) and not isinstance(v, bool) else None

    sums: dict[str, list[str]] = defaultdict(list)
    for fid in values:
        rel = catalogue.relations(fid, form_id)
        if not rel:
            continue
        v = num(fid)
        for rule, bound in (("part_gt_total", rel.get("part_of")), ("exceeds_bound", rel.get("le"))):
            b = num(bound)
            if v is not None and b is not None and v > b:
                fails[fid].append(f"{rule} ({bound})")
                fails[bound].append(f"{rule} ({fid})")
        if rel.get("sums_to"):
            sums[rel["sums_to"]].append(fid)
        if rel.get("rate_of") and v is not None:
            a, b = (num(x) for x in rel["rate_of"])
            if a is not None and b:
                expected = 100.0 * a / b
                if abs(expected - v) > RATE_TOLERANCE and abs(expected - v * 100) > RATE_TOLERANCE:
                    for culprit in (fid, *rel["rate_of"]):
                        fails[culprit].append(f"percent_mismatch ({fid} {v:g} vs {expected:.1f})")
    for total, parts in sums.items():
        t = num(total)
        vals = [num(p) for p in parts]
        if t is not None and all(x is not None for x in vals) and abs(sum(vals) - t) > 0.51:  # type: ignore[arg-type]
            for fid in [total, *parts]:
                fails[fid].append("sum_mismatch")
    return fails


def status_of(value: Any, answer: Answer, confidence: float, threshold: float) -> str:
    if value is None and answer.ok and answer.raw is None:
        return "empty"
    return "accepted" if confidence >= threshold and answer.ok else "review"


def evidences_features(evidence: Sequence[Evidence]) -> list[list[float]]:
    return [[e.features()[k] for k in FEATURES] for e in evidence]
