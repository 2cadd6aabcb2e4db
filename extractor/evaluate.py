"""Score extractor predictions against the corpus ground truth (``extractor eval``).

Everything here is a pure function over dicts except the two loaders, ``load_truth`` and
``load_prediction``, which read JSON files. The truth format is described in ``corpora/TRUTH.md``.

Matching
    A field's key is ``(field_id, row)``; ``row`` is the 1-based list-table row, else None. Both sides are
    normalised with the *truth* type (:func:`normalise_value`) and compared with ``==``. A field counts as
    predicted when its ``value`` is not null; null-valued predictions are ignored.

Counts per document (:class:`DocScore`)
    truth_filled      truth keys whose value is not null
    truth_empty       truth keys whose value is null (blanks the clerk left empty)
    predicted         predicted fields, including duplicates, keys not in the truth and null field_ids
    correct           kept predictions of a truth-filled key whose value equals the truth (≤ 1 per key)
    blank_correct     truth-empty keys with no predicted field
    accepted          predicted fields with confidence >= threshold
    accepted_correct  accepted fields that are correct
    straight_through  accepted kept predictions of a truth-filled key, right or wrong (≤ 1 per key)
    calibration       (confidence, correct) of every predicted field

    Duplicate keys: the predicted field with the highest confidence is kept (the first on ties); the others
    count as predicted and wrong. A value that does not fit the truth type (the string "1.250" for an
    integer: predictions must already be typed) is predicted and wrong, and is listed as an issue.
    A failed document (extraction error, missing or unusable prediction file) predicts nothing and earns
    nothing: its filled fields are misses and its blanks are NOT counted as correct.

Metrics (:class:`Metrics`, computed from the counts summed over a group of documents)
    precision             = correct / predicted
    recall                = correct / truth_filled
    f1                    = 2 * precision * recall / (precision + recall)      (0.0 when both are 0)
    blank_accuracy        = blank_correct / truth_empty
    straight_through_rate = straight_through / truth_filled
    accepted_precision    = accepted_correct / accepted
    ece                   = sum over bins b of |acc_b - conf_b| * n_b / N, over the N predicted fields;
                            10 equal-width confidence bins [0, .1), [.1, .2), …, [.9, 1.0]; n_b, acc_b and
                            conf_b are the bin's count, share correct and mean confidence
    A metric whose denominator is 0 is None (printed "—"), never 0 or 1.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import re
import unicodedata
from collections import defaultdict
from collections.abc import Hashable, Iterable, Mapping
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from .errors import EvaluationError, InputError

TYPES = ("integer", "decimal", "percent", "ratio", "boolean", "choice", "multi_choice", "text", "date")
N_BINS = 10
Key = tuple[Any, Any]  # (field_id, row)

_WS = re.compile(r"\s+")
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


# ── normalisation ──────────────────────────────────────────────────────────────────────────────


def _check(ok: bool, value: Any, what: str) -> None:
    if not ok:
        raise EvaluationError(f"value {value!r} is not {what}")


def _number(value: Any, type_: str) -> float:
    _check(not isinstance(value, bool) and isinstance(value, (int, float)) and math.isfinite(value),
           value, f"a finite number (type {type_})")
    return round(float(value), 6) + 0.0  # 6 decimal places; + 0.0 turns -0.0 into 0.0


def normalise_text(text: str) -> str:
    """NFC, case-folded, whitespace collapsed, surrounding spaces and trailing ``.,;:`` removed."""
    text = unicodedata.normalize("NFC", unicodedata.normalize("NFC", text).casefold())
    return _WS.sub(" ", text).strip().rstrip(".,;: ")


def normalise_value(value: Any, type_: str) -> Hashable:
    """Normalise a typed value for comparison; raise EvaluationError when it does not fit ``type_``.

    Numbers (integer/decimal/percent) → float rounded to 6 decimal places; ratio → (float, float);
    boolean → bool; choice → str; multi_choice → frozenset of str; text → :func:`normalise_text`;
    date → ISO ``YYYY-MM-DD`` string. None stays None. Strings are never parsed as numbers or dates.
    """
    if type_ not in TYPES:
        raise EvaluationError(f"unknown field type {type_!r} (known: {', '.join(TYPES)})")
    if value is None:
        return None
    if type_ in ("integer", "decimal", "percent"):
        return _number(value, type_)
    if type_ == "ratio":
        _check(isinstance(value, (list, tuple)) and len(value) == 2, value, "a ratio [a, b]")
        return (_number(value[0], type_), _number(value[1], type_))
    if type_ == "boolean":
        _check(isinstance(value, bool), value, "a boolean")
        return value
    if type_ == "choice":
        _check(isinstance(value, str), value, "a choice key (string)")
        return value
    if type_ == "multi_choice":
        _check(isinstance(value, (list, tuple, set, frozenset)) and all(isinstance(v, str) for v in value),
               value, "a list of choice keys")
        return frozenset(value)
    if type_ == "text":
        _check(isinstance(value, str), value, "text")
        return normalise_text(value)
    # date
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, str) and _ISO_DATE.fullmatch(value):
        try:
            return dt.date.fromisoformat(value).isoformat()
        except ValueError:
            pass
    raise EvaluationError(f"value {value!r} is not an ISO date YYYY-MM-DD")


# ── loading ────────────────────────────────────────────────────────────────────────────────────


def _truth_index(truth: Mapping[str, Any], where: str) -> dict[Key, tuple[str, Hashable]]:
    """Map each truth key to (type, normalised value); raise EvaluationError naming ``where``."""
    index: dict[Key, tuple[str, Hashable]] = {}
    for n, item in enumerate(truth.get("fields") or [], 1):
        if not isinstance(item, dict) or not isinstance(item.get("field_id"), str) or "value" not in item:
            raise EvaluationError(f"truth field #{n} needs a string 'field_id' and a 'value'", path=where)
        row = item.get("row")
        if row is not None and (isinstance(row, bool) or not isinstance(row, int)):
            raise EvaluationError(f"truth field {item['field_id']}: row {row!r} is not an int", path=where)
        key = (item["field_id"], row)
        if key in index:
            raise EvaluationError(f"truth field {key} is listed twice", path=where)
        try:
            index[key] = (item.get("type"), normalise_value(item["value"], item.get("type")))
        except EvaluationError as exc:
            raise EvaluationError(f"truth field {key}: {exc.message}", path=where) from None
    return index


def load_truth(truth_dir: str | Path) -> list[dict]:
    """Read every ``*.json`` of ``truth_dir`` (sorted by name) and check its shape."""
    truth_dir = Path(truth_dir)
    if not truth_dir.is_dir():
        raise InputError("truth directory not found; build the corpus first", path=str(truth_dir))
    docs: list[dict] = []
    seen: dict[str, Path] = {}
    for path in sorted(truth_dir.glob("*.json")):
        try:
            doc = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise EvaluationError(f"not a valid JSON truth file: {exc}", path=str(path)) from None
        if not isinstance(doc, dict):
            raise EvaluationError("truth file must hold a JSON object", path=str(path))
        missing = [k for k in ("return_id", "form", "fields") if k not in doc]
        if missing:
            raise EvaluationError(f"truth file lacks {', '.join(missing)}", path=str(path))
        if not isinstance(doc["fields"], list):
            raise EvaluationError("'fields' must be a list", path=str(path))
        if doc["return_id"] in seen:
            raise EvaluationError(f"return_id {doc['return_id']!r} also in {seen[doc['return_id']]}",
                                  path=str(path))
        seen[doc["return_id"]] = path
        _truth_index(doc, str(path))
        docs.append(doc)
    if not docs:
        raise EvaluationError("no *.json truth files found", path=str(truth_dir))
    return docs


def load_prediction(path: str | Path) -> dict:
    """Read one extractor result JSON; raise EvaluationError naming the file if it is unusable."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise EvaluationError(f"cannot read prediction: {exc}", path=str(path)) from None
    if not isinstance(data, dict) or not isinstance(data.get("fields"), list):
        raise EvaluationError("prediction must be a JSON object with a 'fields' list", path=str(path))
    return data


# ── scoring one document ───────────────────────────────────────────────────────────────────────


@dataclass
class Counts:
    """The counts every metric is derived from (see the module docstring)."""

    truth_filled: int = 0
    truth_empty: int = 0
    predicted: int = 0
    correct: int = 0
    blank_correct: int = 0
    accepted: int = 0
    accepted_correct: int = 0
    straight_through: int = 0


@dataclass
class DocScore(Counts):
    """Counts for one (truth document, prediction) pair; see the module docstring."""

    return_id: str = ""
    failed: bool = False
    calibration: list[tuple[float, bool]] = field(default_factory=list)
    issues: list[str] = field(default_factory=list)


def _predicted_fields(prediction: Mapping[str, Any], where: str) -> list[tuple[Key, Any, float]]:
    """(key, value, confidence) of each predicted (non-null) field, in input order."""
    items = prediction.get("fields")
    if not isinstance(items, list):
        raise EvaluationError("prediction has no 'fields' list", path=where)
    out = []
    for n, item in enumerate(items, 1):
        if not isinstance(item, dict):
            raise EvaluationError(f"prediction field #{n} is not an object", path=where)
        if item.get("value") is None:
            continue
        fid, row, conf = item.get("field_id"), item.get("row"), item.get("confidence")
        if fid is not None and not isinstance(fid, str):
            raise EvaluationError(f"prediction field #{n}: field_id {fid!r} is not a string", path=where)
        if row is not None and (isinstance(row, bool) or not isinstance(row, int)):
            raise EvaluationError(f"prediction field #{n} ({fid}): row {row!r} is not an integer", path=where)
        if (isinstance(conf, bool) or not isinstance(conf, (int, float)) or not math.isfinite(conf)
                or not 0.0 <= conf <= 1.0):
            raise EvaluationError(f"prediction field #{n} ({fid}): confidence {conf!r} is not in [0, 1]",
                                  path=where)
        out.append(((fid, row), item["value"], float(conf)))
    return out


def score_document(truth: Mapping[str, Any], prediction: Mapping[str, Any] | None, threshold: float,
                   *, source: str | None = None) -> DocScore:
    """Score one prediction (an extractor result dict, or None when extraction failed) against its truth.

    ``source`` names the prediction in error messages; a malformed prediction raises EvaluationError.
    """
    rid = str(truth.get("return_id"))
    index = _truth_index(truth, f"truth {rid}")
    score = DocScore(return_id=rid, failed=prediction is None)
    score.truth_filled = sum(1 for _, v in index.values() if v is not None)
    score.truth_empty = len(index) - score.truth_filled
    if prediction is None:
        return score
    by_key: dict[Key, list[tuple[Any, float]]] = defaultdict(list)
    for key, value, conf in _predicted_fields(prediction, source or f"prediction {rid}"):
        by_key[key].append((value, conf))
    for key, candidates in by_key.items():
        ranked = sorted(candidates, key=lambda c: -c[1])  # stable: first one wins ties
        for rank, (value, conf) in enumerate(ranked):
            correct = False
            kept_filled = rank == 0 and key in index and index[key][1] is not None
            if kept_filled:
                type_, expected = index[key]
                try:
                    correct = normalise_value(value, type_) == expected
                except EvaluationError as exc:
                    score.issues.append(f"{rid} {key[0]}{'' if key[1] is None else f'[{key[1]}]'}: "
                                        f"{exc.message}")
            score.predicted += 1
            score.correct += correct
            score.calibration.append((conf, correct))
            if conf >= threshold:
                score.accepted += 1
                score.accepted_correct += correct
                score.straight_through += kept_filled
    score.blank_correct = sum(1 for key, (_, v) in index.items() if v is None and key not in by_key)
    return score


# ── aggregation ────────────────────────────────────────────────────────────────────────────────


def _ratio(num: float, den: float) -> float | None:
    return num / den if den else None


def expected_calibration_error(pairs: Iterable[tuple[float, bool]], bins: int = N_BINS) -> float | None:
    """ECE over (confidence, correct) pairs with ``bins`` equal-width bins; None when there are none."""
    count, conf_sum, hits = [0] * bins, [0.0] * bins, [0] * bins
    for conf, correct in pairs:
        b = min(int(conf * bins), bins - 1)
        count[b] += 1
        conf_sum[b] += conf
        hits[b] += bool(correct)
    total = sum(count)
    if not total:
        return None
    # |acc_b - conf_b| * n_b == |hits_b - conf_sum_b|
    return sum(abs(hits[b] - conf_sum[b]) for b in range(bins)) / total


_COUNTS = ("truth_filled", "truth_empty", "predicted", "correct", "blank_correct", "accepted",
           "accepted_correct", "straight_through")


@dataclass
class Metrics(Counts):
    """Summed counts and the metrics derived from them (see the module docstring)."""

    documents: int = 0
    failed: int = 0
    precision: float | None = None
    recall: float | None = None
    f1: float | None = None
    blank_accuracy: float | None = None
    straight_through_rate: float | None = None
    accepted_precision: float | None = None
    ece: float | None = None

    @classmethod
    def from_scores(cls, scores: Iterable[DocScore]) -> Metrics:
        """Sum the counts of ``scores`` and compute the metrics."""
        m, pairs = cls(), []
        for s in scores:
            m.documents += 1
            m.failed += s.failed
            for name in _COUNTS:
                setattr(m, name, getattr(m, name) + getattr(s, name))
            pairs.extend(s.calibration)
        m.precision = _ratio(m.correct, m.predicted)
        m.recall = _ratio(m.correct, m.truth_filled)
        if m.precision is not None and m.recall is not None:
            m.f1 = _ratio(2 * m.precision * m.recall, m.precision + m.recall) or 0.0
        m.blank_accuracy = _ratio(m.blank_correct, m.truth_empty)
        m.straight_through_rate = _ratio(m.straight_through, m.truth_filled)
        m.accepted_precision = _ratio(m.accepted_correct, m.accepted)
        m.ece = expected_calibration_error(pairs)
        return m

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class Failure:
    """A document whose prediction is missing: why, for which return and format."""

    return_id: str
    format: str
    reason: str


@dataclass
class Report:
    """Metrics grouped overall, per form, per format, plain/variant and per (form, format)."""

    threshold: float
    overall: Metrics
    by_form: dict[str, Metrics]
    by_format: dict[str, Metrics]
    by_variant: dict[str, Metrics]
    by_form_format: dict[str, Metrics]
    failures: list[Failure]
    issues: list[str]

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dict (None stays null)."""
        groups = ("by_form", "by_format", "by_variant", "by_form_format")
        return {
            "threshold": self.threshold,
            "overall": self.overall.to_dict(),
            **{g: {k: m.to_dict() for k, m in getattr(self, g).items()} for g in groups},
            "failures": [asdict(f) for f in self.failures],
            "issues": list(self.issues),
        }

    def format_table(self) -> str:
        """A fixed-width table for the console."""
        return format_table(self)  # defined below, with the column layout


def evaluate(pairs: Iterable[tuple[Mapping[str, Any], str, Mapping[str, Any] | None]], threshold: float,
             *, reasons: Mapping[tuple[str, str], str] | None = None) -> Report:
    """Score (truth_doc, format, prediction_or_None) triples and group the metrics.

    ``reasons`` maps (return_id, format) to why a prediction is None (listed in the report). A malformed
    prediction is scored as a failure with the error as its reason.
    """
    reasons = reasons or {}
    groups: dict[str, dict[str, list[DocScore]]] = {
        g: defaultdict(list) for g in ("overall", "by_form", "by_format", "by_variant", "by_form_format")}
    failures: list[Failure] = []
    issues: list[str] = []
    for truth, fmt, prediction in pairs:
        rid, form = str(truth.get("return_id")), str(truth.get("form"))
        try:
            score = score_document(truth, prediction, threshold)
        except EvaluationError as exc:
            if prediction is None:
                raise  # the truth itself is bad
            score = score_document(truth, None, threshold)
            reasons = {**reasons, (rid, fmt): str(exc)}
        if score.failed:
            failures.append(Failure(rid, fmt, reasons.get((rid, fmt), "no prediction")))
        issues.extend(f"{fmt} {i}" for i in score.issues)
        groups["overall"][""].append(score)
        groups["by_form"][form].append(score)
        groups["by_format"][fmt].append(score)
        groups["by_variant"]["variant" if truth.get("variant") else "plain"].append(score)
        groups["by_form_format"][f"{form}/{fmt}"].append(score)
    metrics = {g: {k: Metrics.from_scores(v) for k, v in sorted(d.items())} for g, d in groups.items()}
    return Report(threshold=threshold, overall=metrics.pop("overall").get("", Metrics()), **metrics,
                  failures=failures, issues=issues)


# ── console table ──────────────────────────────────────────────────────────────────────────────

_COLUMNS = (("docs", "documents", 5), ("fail", "failed", 5), ("filled", "truth_filled", 7),
            ("empty", "truth_empty", 6), ("pred", "predicted", 6), ("right", "correct", 6),
            ("prec", "precision", 6), ("recall", "recall", 6), ("f1", "f1", 6),
            ("blank", "blank_accuracy", 6), ("stp", "straight_through_rate", 6),
            ("acc_p", "accepted_precision", 6), ("ece", "ece", 6))
_LEGEND = ("prec = right/pred   recall = right/filled   blank = empty blanks predicted empty / empty\n"
           "stp = filled keys predicted with confidence >= {t:.2f} / filled   acc_p = right / accepted\n"
           "ece = expected calibration error (10 bins)   — = empty denominator   fail = no prediction")


def _cell(value: Any, width: int) -> str:
    text = "—" if value is None else f"{value:.3f}" if isinstance(value, float) else str(value)
    return text.rjust(width)


def format_table(report: Report, max_listed: int = 20) -> str:
    """Render ``report`` as a fixed-width table, followed by failures and issues."""
    rows: list[tuple[str, Metrics]] = [("overall", report.overall)]
    rows += [(f"form {k}", m) for k, m in report.by_form.items()]
    rows += [(f"format {k}", m) for k, m in report.by_format.items()]
    rows += [(k, m) for k, m in report.by_variant.items()]
    rows += [(k, m) for k, m in report.by_form_format.items()]
    label_w = max(12, *(len(r[0]) for r in rows))
    head = "group".ljust(label_w) + "".join(" " + h.rjust(w) for h, _, w in _COLUMNS)
    lines = [head, "-" * len(head)]
    for label, m in rows:
        lines.append(label.ljust(label_w) + "".join(" " + _cell(getattr(m, a), w) for _, a, w in _COLUMNS))
    lines.append(_LEGEND.format(t=report.threshold))
    for title, items in (("Failed predictions", [f"{f.return_id} {f.format}: {f.reason}"
                                                 for f in report.failures]),
                         ("Values not of the truth type", report.issues)):
        if items:
            lines.append(f"{title} ({len(items)}):")
            lines += [f"  {i}" for i in items[:max_listed]]
            if len(items) > max_listed:
                lines.append(f"  … and {len(items) - max_listed} more (see --json)")
    return "\n".join(lines)



def field_id_rate(pairs: Iterable[tuple[Mapping[str, Any], str, Mapping[str, Any] | None]],
                  only: set[str] | None = None, variant: bool | None = None) -> tuple[int, int]:
    """How often a filled truth field comes back under its own field id (value right or not).

    (found, total) over truth fields with a value, optionally only those whose id is in `only` (concepts
    several forms share) and only plain (`variant=False`) or variant (`True`) returns.
    """
    found = total = 0
    for truth, _fmt, prediction in pairs:
        if variant is not None and bool(truth.get("variant")) != variant:
            continue
        keys = set()
        for item in (prediction or {}).get("fields") or []:
            if isinstance(item, dict) and item.get("value") is not None:
                keys.add((item.get("field_id"), item.get("row")))
        for f in truth["fields"]:
            if f.get("value") is None or (only is not None and f["field_id"] not in only):
                continue
            total += 1
            found += (f["field_id"], f.get("row")) in keys
    return found, total
