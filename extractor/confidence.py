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
import operator
import unicodedata
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from extractor.answers import Answer
from extractor.catalogue import PATTERNS, Catalogue
from extractor.compiled import regex_compile
from extractor.matching import Match
from extractor.text.values import Q_TIE
from extractor.yamlfile import load_text

FEATURES = ("label_score", "margin", "parse_quality", "same_form", "form_confidence", "consistency_fail",
            "choice")
RATE_TOLERANCE = 1.5  # percentage points between a stated rate and the one its counts give
DOUBT_CAP = 0.5  # confidence of a field with a doubt (damaged file, undecodable text): never accepted
UNDECODABLE = "undecodable_text"  # reason: the value holds words that are no Vietnamese in any known encoding
# value readings the reader cannot decide between (`1,587`: 1 587 or 1.587): never accepted, whatever the score
UNDECIDABLE_VALUES = frozenset({"ambiguous_separator"})
AMBIGUOUS_MARGIN = 0.05  # a label whose match beats another field's by less than this is ambiguous
AMBIGUOUS_PREFIX = "ambiguous: "  # the reason naming the field a label was as close to
RUNNER_UP = "runner_up"  # an empty field another field's value was as close to: maybe the value was its own


@functools.lru_cache(maxsize=1)
def model() -> dict[str, Any]:
    with open(PATTERNS / "confidence.yaml", encoding="utf-8") as fh:
        data = load_text(fh.read())
    missing = set(FEATURES) - set(data.get("weights", {}))
    if missing:
        from extractor.errors import PatternError

        raise PatternError(f"weights missing for {sorted(missing)}", path=str(PATTERNS / "confidence.yaml"))
    return data


@dataclass(slots=True)
class Evidence:
    """What a matched field's confidence is made of: its match, its answer, the form's confidence, failed rules."""

    match: Match
    answer: Answer
    form_confidence: float
    consistency: list[str]

    def inputs(self) -> tuple[Any, ...]:
        """What the features are made of (`_features`' arguments, in order)."""
        m = self.match
        return (m.score, m.margin, m.form_prior, m.slot.options is not None, self.answer.ok, self.answer.quality,
                self.form_confidence, bool(self.consistency))

    def values(self) -> tuple[float, ...]:
        """The features' values, in the order of `FEATURES`."""
        return _features(*self.inputs())

    def features(self) -> dict[str, float]:
        return dict(zip(FEATURES, self.values(), strict=True))


def _features(label_score: float, margin: float, form_prior: Any, choice: bool, ok: bool, quality: float,
              form_confidence: float, failed: bool) -> tuple[float, ...]:
    """The features' values (in the order of `FEATURES`) from what `Evidence` holds: the match's label score,
    margin and form prior, whether the slot is a choice, the answer's ok and quality, the form's confidence, whether
    a consistency rule failed."""
    return (
        max(0.0, min(1.0, label_score)),  # label_score
        max(0.0, min(0.3, margin)) / 0.3,  # margin
        quality if ok else 0.0,  # parse_quality
        1.0 if form_prior else 0.0,  # same_form
        form_confidence,  # form_confidence
        1.0 if failed else 0.0,  # consistency_fail
        1.0 if choice else 0.0,  # choice
    )


def coefficients(params: dict[str, Any]) -> tuple[float, tuple[float, ...]]:
    """The model's bias and its weights in the order of `FEATURES`."""
    return params["bias"], tuple(params["weights"][k] for k in FEATURES)


@functools.lru_cache(maxsize=1)
def _model_coefficients() -> tuple[float, tuple[float, ...]]:
    return coefficients(model())


def score(evidence: Evidence, weights: dict[str, Any] | None = None) -> tuple[float, list[str]]:
    """Confidence in 0..1 and the reasons that pulled it down."""
    m = evidence.match
    answer = evidence.answer
    if weights:
        conf = _logistic(coefficients(weights), evidence.values())
    else:  # the calibrated model's, remembered by the inputs of the features (see `_model_confidence`)
        key = evidence.inputs()
        conf = _CONFIDENCE.get(key)
        if conf is None:
            conf = _model_confidence(key)
    reasons = []
    if m.score < 0.85:  # the label-score feature below 0.85 (clipping to 0..1 changes no comparison with it)
        reasons.append(f"label_match {m.score:.2f}")
    if m.margin < AMBIGUOUS_MARGIN:
        alt = next((c for c in m.candidates if c[0] != m.field_id), None)
        reasons.append(f"{AMBIGUOUS_PREFIX}{alt[0]} {alt[1]:.2f}" if alt else "ambiguous")
    if not answer.ok:
        reasons.append(f"unparsed: {answer.reason}")
    elif answer.quality < 1.0:
        reasons.append(f"value: {answer.reason or 'approximate'}")
    if not m.form_prior:
        reasons.append("field from another form")
    if evidence.consistency:
        reasons += [f"check: {c}" for c in evidence.consistency]
    return conf, reasons


def _logistic(coefficients: tuple[float, tuple[float, ...]], features: tuple[float, ...]) -> float:
    """The model's confidence for `features` (in the order of `FEATURES`), rounded to 4 places."""
    bias, coef = coefficients
    z = bias + sum(map(operator.mul, coef, features))
    return round(1.0 / (1.0 + math.exp(-z)), 4)


_CONFIDENCE: dict[tuple[Any, ...], float] = {}
_CONFIDENCE_MAX = 65536


def _model_confidence(key: tuple[Any, ...]) -> float:
    """`_logistic` with the calibrated weights for the features made of the inputs `key` (`_features`' arguments,
    in order), remembered under it in `_CONFIDENCE`: label scores, margins and qualities repeat across the fields
    and returns of a form, and equal inputs make equal features, so an entry is exact. Cleared past
    `_CONFIDENCE_MAX` entries."""
    conf = _logistic(_model_coefficients(), _features(*key))
    if len(_CONFIDENCE) >= _CONFIDENCE_MAX:
        _CONFIDENCE.clear()
    _CONFIDENCE[key] = conf
    return conf


def consistency(values: dict[str, Any], catalogue: Catalogue, form_id: str | None = None) -> dict[str, list[str]]:
    """Failed rules per field id, for the relations the detected form (else the catalogue) states."""
    fails: dict[str, list[str]] = defaultdict(list)

    def num(fid: str | None) -> float | None:
        v = values.get(fid) if fid else None
        return float(v) if isinstance(v, (int, float)) and not isinstance(v, bool) else None

    sums: dict[str, list[str]] = defaultdict(list)
    known = _relations(catalogue, form_id)
    for fid in values:
        rel = known.get(fid)
        if rel is None:
            rel = known[fid] = catalogue.relations(fid, form_id)
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


def _relations(catalogue: Catalogue, form_id: str | None) -> dict[str, dict[str, Any]]:
    """Field id -> `catalogue.relations(field id, form_id)`, filled as fields are met (a function of the loaded
    catalogue, which does not change, and its arguments: kept in the catalogue's `derived`, one table a form;
    a caller only reads what it gives)."""
    return catalogue.derived.setdefault("confidence.relations", {}).setdefault(form_id, {})


@functools.lru_cache(maxsize=1)
def _ocr_rules() -> dict[str, Any]:
    with open(PATTERNS / "ocr.yaml", encoding="utf-8") as fh:
        return load_text(fh.read())["confidence"]


def ocr_cap(conf: float, reasons: list[str], location: dict[str, Any], answer: Answer,
            type_: str | None = None) -> tuple[float, list[str]]:
    """A value read by OCR (its block's location has ``ocr``, the lowest Tesseract word confidence in it) keeps its
    confidence only on strong evidence: every word read clearly, the value parsed exactly and nothing else against it
(label match, margin, consistency: on a scan a weak signal is more often a misread table); otherwise it is
    capped below acceptance with the reason ``ocr``, so a reviewer sees it beside the page crop. Typed text
    (`type_` ``text``) with Vietnamese marks is capped too (Tesseract takes ``thông`` for ``thống``, ``để`` for
    ``đề`` at high confidence: each is a word), and so is a value that ends cut short (``-``, ``/``: rest unread)."""
    quality = location.get("ocr")
    if quality is None or answer.raw is None:
        return conf, reasons
    rules = _ocr_rules()
    raw = answer.raw.strip()
    if rules["review_toned_text"] and type_ == "text" and _TONED.search(unicodedata.normalize("NFD", raw)):
        return min(conf, rules["cap"]), [*reasons, f"ocr: accented typed text (word confidence {quality})"]
    if raw and raw[-1] in rules["cut_short"]:
        return min(conf, rules["cap"]), [*reasons, f"ocr: value cut short ({raw[-1]!r} at its end)"]
    if quality >= rules["accept_word_conf"] and answer.ok and answer.quality >= 1.0 and not reasons:
        return conf, reasons
    return min(conf, rules["cap"]), [*reasons, f"ocr: word confidence {quality}"]


_TONED = regex_compile(r"[\u0300-\u036f\u0110\u0111]")  # any mark of a decomposed letter (tone, hat, horn), đ


def doubts(answer: Answer, document_doubts: Sequence[str], type_: str | None = "text") -> list[str]:
    """Reasons that keep a field from being accepted whatever its score: the document's own (e.g.
    ``damaged_file``), the value readings it cannot decide between (`UNDECIDABLE_VALUES`), and
    ``undecodable_text`` when a text value (typed words, not a number or an option the
    form printed) holds a word that is no Vietnamese syllable, abbreviation or plain ASCII (mojibake that no
    known encoding repairs, an unreadable U+FFFD)."""
    out = list(document_doubts)
    if type_ in (None, "text") and answer.raw and _undecodable(answer.raw):
        out.append(UNDECODABLE)
    if answer.reason in UNDECIDABLE_VALUES and answer.quality <= Q_TIE:
        out.append(answer.reason)  # two readings the text cannot tell apart (a tie): a person decides
    return out


@functools.lru_cache(maxsize=16384)
def _undecodable(raw: str) -> bool:
    """Does `raw` hold a word that is no Vietnamese syllable (see `doubts`; remembered: values come back)?"""
    from extractor.text.legacy import JUDGE

    return JUDGE.verdict(raw).invalid > 0


def apply_doubts(confidence: float, status: str, reasons: list[str], found: Sequence[str],
                 threshold: float) -> tuple[float, str]:
    """Confidence and status of a field with doubts `found`: below the threshold, never accepted; the
    doubts are added to `reasons`."""
    if not found:
        return confidence, status
    reasons += [d for d in found if d not in reasons]
    confidence = round(min(confidence, DOUBT_CAP, max(0.0, threshold - 0.01)), 4)
    return confidence, "review" if status == "accepted" else status


def status_of(value: Any, answer: Answer, confidence: float, threshold: float) -> str:
    if value is None and answer.ok and answer.raw is None:
        return "empty"
    return "accepted" if confidence >= threshold and answer.ok else "review"


def empty_in_doubt(evidence: Evidence) -> bool:
    """Is an empty blank's field uncertain: its label as close to another field's? Then the field's answer may be
    in the other blank (the two were told apart wrongly), and "empty" is not known: a reviewer looks. On the
    corpus nine in ten such empties were filled somewhere else."""
    return evidence.match.margin < AMBIGUOUS_MARGIN


def evidences_features(evidence: Sequence[Evidence]) -> list[list[float]]:
    return [[e.features()[k] for k in FEATURES] for e in evidence]
