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
    silent_loss       truth-filled keys lost with nothing about them under review (see below)
    review_expected   truth keys marked ``"expect": "review"`` (a single-choice group ticked twice)
    review_met        those of them that are under review
    calibration       (confidence, correct) of every predicted field

    Silent loss. A truth-filled key is *lost* when its kept prediction is not correct: no predicted field,
    a null value, or another value. It is *under review* when the prediction holds a field with that key
    and ``status`` ``review`` (whatever its value), or any item of ``fields`` or ``unmatched`` with status
    ``review`` that points at the key's place: for an item located by ``block`` (DOCX), the same block as
    the truth ``location`` (within ``block`` … ``block + blocks - 1``) and, when both give one, the same
    table ``row`` and ``cell``; for an item without a block (PDF: page and bbox), its ``raw`` or ``value``
    text holding the truth ``raw`` as a whole word sequence (both normalised as text) and, when the item
    has a label, that label holding at least half the words of the truth ``label`` (so a review item that
    happens to contain "Có" does not cover every Có/Không group). A lost key that is
    not under review is a silent loss: nobody will look at it. A failed document has no silent loss (its
    failure is reported on its own).

    Expected reviews. A truth field with ``"expect": "review"`` has a null value (no answer can be read
    from it) and counts neither as filled nor as empty. The right outcome is that it is under review
    (as above, with the field's ``raw`` being the ticked options). A predicted value for its key that is
    not under review is a silent pick: predicted, wrong, in the calibration and, when accepted, in
    ``accepted``; one under review is a question to a person and is not counted as predicted.

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
    silent_loss_rate      = silent_loss / truth_filled
    review_rate           = review_met / review_expected
    accepted_precision    = accepted_correct / accepted
    ece                   = sum over bins b of |acc_b - conf_b| * n_b / N, over the N predicted fields;
                            10 equal-width confidence bins [0, .1), [.1, .2), …, [.9, 1.0]; n_b, acc_b and
                            conf_b are the bin's count, share correct and mean confidence
    A metric whose denominator is 0 is None (printed "—"), never 0 or 1.

Per habit and per layout (``--by habit``, ``--by layout``; :class:`FieldMetrics`)
    Each truth field carries the clerk habit it was filled with (``habit``) and where it sits (``layout``).
    The counts above are kept per field and summed over the fields of a group: filled, predicted (kept and
    extra predictions of the group's keys), correct, silent_loss, review_expected, review_met; precision,
    recall, f1, silent_loss_rate and review_rate as above. Predictions of keys not in the truth belong to
    no group. Cells of columns a clerk added to a list table (truth ``extras``) are *kept* when some item of
    ``fields`` or ``unmatched`` holds their text (``extras_kept`` / ``extras_total``).
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
    silent_loss: int = 0
    review_expected: int = 0
    review_met: int = 0


@dataclass
class FieldOutcome:
    """What became of one truth field (for the per-habit and per-layout tables)."""

    habit: str
    layout: str
    filled: bool
    predicted: int = 0
    correct: bool = False
    silent_loss: bool = False
    review_expected: bool = False
    review_met: bool = False


@dataclass
class DocScore(Counts):
    """Counts for one (truth document, prediction) pair; see the module docstring."""

    return_id: str = ""
    failed: bool = False
    calibration: list[tuple[float, bool]] = field(default_factory=list)
    issues: list[str] = field(default_factory=list)
    fields: list[FieldOutcome] = field(default_factory=list)
    extras_total: int = 0
    extras_kept: int = 0


def _predicted_fields(prediction: Mapping[str, Any], where: str) -> list[tuple[Key, Any, float, bool]]:
    """(key, value, confidence, under review) of each predicted (non-null) field, in input order."""
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
        out.append(((fid, row), item["value"], float(conf), item.get("status") == "review"))
    return out


def _item_text(item: Mapping[str, Any]) -> str:
    """Normalised raw and value text of a result item (for linking it to a truth field without a block)."""
    parts = [item.get("raw"), item.get("value")]
    return " ".join(normalise_text(p) for p in parts if isinstance(p, str))


class _Reviews:
    """The review items of one prediction, to tell whether a truth field is under review."""

    def __init__(self, prediction: Mapping[str, Any]) -> None:
        items = [i for part in ("fields", "unmatched") for i in (prediction.get(part) or [])
                 if isinstance(i, dict) and i.get("status") == "review"]
        self.keys = {(i.get("field_id"), i.get("row")) for i in items if i.get("field_id") is not None}
        self.located = [i["location"] for i in items
                        if isinstance(i.get("location"), dict) and isinstance(i["location"].get("block"), int)]
        self.texts = [(t, _label_words(i.get("label"))) for i in items
                      if not (isinstance(i.get("location"), dict) and isinstance(i["location"].get("block"), int))
                      and (t := _item_text(i))]

    def covers(self, key: Key, truth_item: Mapping[str, Any]) -> bool:
        """Is something about this truth field under review? (module docstring, "Silent loss")"""
        if key in self.keys:
            return True
        loc = truth_item.get("location")
        if isinstance(loc, dict) and isinstance(loc.get("block"), int):
            first, last = loc["block"], loc["block"] + int(loc.get("blocks", 1)) - 1
            for where in self.located:
                if not first <= where["block"] <= last:
                    continue
                if "row" in loc and "row" in where and (loc["row"], loc.get("cell")) != (where["row"],
                                                                                        where.get("cell")):
                    continue
                return True
        raw = truth_item.get("raw")
        if isinstance(raw, str) and (needle := normalise_text(raw)):
            pattern, label = _words(needle), _label_words(truth_item.get("label"))
            return any(pattern.search(t) and (not words or not label or 2 * len(label & words) >= len(label))
                       for t, words in self.texts)
        return False


def _extras_kept(truth: Mapping[str, Any], prediction: Mapping[str, Any]) -> tuple[int, int]:
    """(kept, total) cells of columns the clerk added (truth ``extras``) found in any result item."""
    extras = [e for e in truth.get("extras") or [] if isinstance(e, dict) and isinstance(e.get("raw"), str)]
    if not extras:
        return 0, 0
    texts = [_item_text(i) for part in ("fields", "unmatched") for i in (prediction.get(part) or [])
             if isinstance(i, dict)]
    kept = sum(1 for e in extras if any(_words(normalise_text(e["raw"])).search(t) for t in texts))
    return kept, len(extras)


def _label_words(label: Any) -> set[str]:
    return set(re.findall(r"\w+", normalise_text(label))) if isinstance(label, str) else set()


def _words(needle: str) -> re.Pattern[str]:
    """``needle`` as a whole word sequence (not inside a longer word or number)."""
    return re.compile(r"(?<!\w)" + re.escape(needle) + r"(?!\w)")


def score_document(truth: Mapping[str, Any], prediction: Mapping[str, Any] | None, threshold: float,
                   *, source: str | None = None) -> DocScore:
    """Score one prediction (an extractor result dict, or None when extraction failed) against its truth.

    ``source`` names the prediction in error messages; a malformed prediction raises EvaluationError.
    """
    rid = str(truth.get("return_id"))
    index = _truth_index(truth, f"truth {rid}")
    items = {(f["field_id"], f.get("row")): f for f in truth["fields"]}
    to_review = {k for k, f in items.items() if f.get("expect") == "review"}
    score = DocScore(return_id=rid, failed=prediction is None)
    score.truth_filled = sum(1 for _, v in index.values() if v is not None)
    score.review_expected = len(to_review)
    score.truth_empty = len(index) - score.truth_filled - score.review_expected
    outcomes = {k: FieldOutcome(str(f.get("habit") or "—"), str(f.get("layout") or "—"), index[k][1] is not None,
                                review_expected=k in to_review) for k, f in items.items()}
    score.fields = list(outcomes.values())
    if prediction is None:
        return score
    reviews = _Reviews(prediction)
    by_key: dict[Key, list[tuple[Any, float, bool]]] = defaultdict(list)
    for key, value, conf, review in _predicted_fields(prediction, source or f"prediction {rid}"):
        by_key[key].append((value, conf, review))
    for key, candidates in by_key.items():
        ranked = sorted(candidates, key=lambda c: -c[1])  # stable: first one wins ties
        for rank, (value, conf, review) in enumerate(ranked):
            if key in to_review and (review or reviews.covers(key, items[key])):
                continue  # an ambiguous group put to a person: the right outcome, not a prediction
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
            if key in outcomes:
                outcomes[key].predicted += 1
                outcomes[key].correct |= correct
            if conf >= threshold:
                score.accepted += 1
                score.accepted_correct += correct
                score.straight_through += kept_filled
    score.blank_correct = sum(1 for key, (_, v) in index.items()
                              if v is None and key not in to_review and key not in by_key)
    for key, out in outcomes.items():
        if out.review_expected:
            out.review_met = reviews.covers(key, items[key])
            score.review_met += out.review_met
        elif out.filled and not out.correct and not reviews.covers(key, items[key]):
            out.silent_loss = True
            score.silent_loss += 1
    score.extras_kept, score.extras_total = _extras_kept(truth, prediction)
    return score


# ── aggregation ────────────────────────────────────────────────────────────────────────────────


def _ratio(num: float, den: float) -> float | None:
    return num / den if den else None


def _precision_recall_f1(correct: int, predicted: int, filled: int) -> tuple[float | None, float | None,
                                                                          float | None]:
    """Precision (right / predicted), recall (right / filled) and their harmonic mean; None where undefined."""
    precision, recall = _ratio(correct, predicted), _ratio(correct, filled)
    if precision is None or recall is None:
        return precision, recall, None
    return precision, recall, _ratio(2 * precision * recall, precision + recall) or 0.0


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
           "accepted_correct", "straight_through", "silent_loss", "review_expected", "review_met")


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
    silent_loss_rate: float | None = None
    review_rate: float | None = None
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
        m.precision, m.recall, m.f1 = _precision_recall_f1(m.correct, m.predicted, m.truth_filled)
        m.blank_accuracy = _ratio(m.blank_correct, m.truth_empty)
        m.straight_through_rate = _ratio(m.straight_through, m.truth_filled)
        m.silent_loss_rate = _ratio(m.silent_loss, m.truth_filled)
        m.review_rate = _ratio(m.review_met, m.review_expected)
        m.accepted_precision = _ratio(m.accepted_correct, m.accepted)
        m.ece = expected_calibration_error(pairs)
        return m

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class FieldMetrics:
    """Counts and metrics over the truth fields of one habit or layout (see the module docstring)."""

    fields: int = 0
    truth_filled: int = 0
    predicted: int = 0
    correct: int = 0
    silent_loss: int = 0
    review_expected: int = 0
    review_met: int = 0
    precision: float | None = None
    recall: float | None = None
    f1: float | None = None
    silent_loss_rate: float | None = None
    review_rate: float | None = None

    @classmethod
    def from_outcomes(cls, outcomes: Iterable[FieldOutcome]) -> FieldMetrics:
        m = cls()
        for o in outcomes:
            m.fields += 1
            m.truth_filled += o.filled
            m.predicted += o.predicted
            m.correct += o.correct
            m.silent_loss += o.silent_loss
            m.review_expected += o.review_expected
            m.review_met += o.review_met
        m.precision, m.recall, m.f1 = _precision_recall_f1(m.correct, m.predicted, m.truth_filled)
        m.silent_loss_rate = _ratio(m.silent_loss, m.truth_filled)
        m.review_rate = _ratio(m.review_met, m.review_expected)
        return m

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def group_fields(scores: Iterable[DocScore], by: str) -> dict[str, FieldMetrics]:
    """FieldMetrics per ``habit`` or ``layout`` over the filled and to-review truth fields of ``scores``."""
    groups: dict[str, list[FieldOutcome]] = defaultdict(list)
    for s in scores:
        for o in s.fields:
            if o.filled or o.review_expected:
                groups[getattr(o, by)].append(o)
    return {k: FieldMetrics.from_outcomes(v) for k, v in sorted(groups.items())}


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
    by_habit: dict[str, dict[str, FieldMetrics]] = field(default_factory=dict)  # format -> habit -> metrics
    by_layout: dict[str, dict[str, FieldMetrics]] = field(default_factory=dict)  # format -> layout -> …
    extras: dict[str, dict[str, int]] = field(default_factory=dict)  # format -> {kept, total}
    # returns whose truth names an `encoding` (corpora/legacy): per encoding and per encoding/format
    by_encoding: dict[str, Metrics] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dict (None stays null)."""
        groups = ("by_form", "by_format", "by_variant", "by_form_format") + (("by_encoding",) if self.by_encoding
                                                                             else ())
        return {
            "threshold": self.threshold,
            "overall": self.overall.to_dict(),
            **{g: {k: m.to_dict() for k, m in getattr(self, g).items()} for g in groups},
            **{g: {fmt: {k: m.to_dict() for k, m in d.items()} for fmt, d in getattr(self, g).items()}
               for g in ("by_habit", "by_layout")},
            "extras": self.extras,
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
        g: defaultdict(list) for g in ("overall", "by_form", "by_format", "by_variant", "by_form_format",
                                       "by_encoding")}
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
        if truth.get("encoding"):
            groups["by_encoding"][str(truth["encoding"])].append(score)
            groups["by_encoding"][f"{truth['encoding']}/{fmt}"].append(score)
    metrics = {g: {k: Metrics.from_scores(v) for k, v in sorted(d.items())} for g, d in groups.items()}
    per_format = groups["by_format"]
    extras = {fmt: {"kept": sum(s.extras_kept for s in v), "total": sum(s.extras_total for s in v)}
              for fmt, v in sorted(per_format.items())}
    return Report(threshold=threshold, overall=metrics.pop("overall").get("", Metrics()), **metrics,
                  failures=failures, issues=issues,
                  by_habit={fmt: group_fields(v, "habit") for fmt, v in sorted(per_format.items())},
                  by_layout={fmt: group_fields(v, "layout") for fmt, v in sorted(per_format.items())},
                  extras=extras)


# ── console table ──────────────────────────────────────────────────────────────────────────────

_COLUMNS = (("docs", "documents", 5), ("fail", "failed", 5), ("filled", "truth_filled", 7),
            ("empty", "truth_empty", 6), ("pred", "predicted", 6), ("right", "correct", 6),
            ("prec", "precision", 6), ("recall", "recall", 6), ("f1", "f1", 6),
            ("silent", "silent_loss_rate", 6), ("blank", "blank_accuracy", 6), ("stp", "straight_through_rate", 6),
            ("acc_p", "accepted_precision", 6), ("ece", "ece", 6))
_LEGEND = ("prec = right/pred   recall = right/filled   blank = empty blanks predicted empty / empty\n"
           "silent = filled values lost (wrong or missing) with nothing about them under review / filled\n"
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
    rows += [(f"encoding {k}", m) for k, m in report.by_encoding.items()]
    label_w = max(12, *(len(r[0]) for r in rows))
    head = "group".ljust(label_w) + "".join(" " + h.rjust(w) for h, _, w in _COLUMNS)
    lines = [head, "-" * len(head)]
    for label, m in rows:
        lines.append(label.ljust(label_w) + "".join(" " + _cell(getattr(m, a), w) for _, a, w in _COLUMNS))
    lines.append(_LEGEND.format(t=report.threshold))
    if report.overall.review_expected:
        o = report.overall
        lines.append(f"groups to review (a single choice ticked twice): {o.review_met}/{o.review_expected} "
                     f"under review, {o.review_expected - o.review_met} picked or dropped silently")
    for title, items in (("Failed predictions", [f"{f.return_id} {f.format}: {f.reason}"
                                                 for f in report.failures]),
                         ("Values not of the truth type", report.issues)):
        if items:
            lines.append(f"{title} ({len(items)}):")
            lines += [f"  {i}" for i in items[:max_listed]]
            if len(items) > max_listed:
                lines.append(f"  … and {len(items) - max_listed} more (see --json)")
    return "\n".join(lines)


_FIELD_COLUMNS = (("fields", "fields", 6), ("filled", "truth_filled", 7), ("pred", "predicted", 6),
                  ("right", "correct", 6), ("prec", "precision", 6), ("recall", "recall", 6), ("f1", "f1", 6),
                  ("lost", "silent_loss", 5), ("silent", "silent_loss_rate", 6), ("to_rev", "review_expected", 6),
                  ("rev", "review_rate", 6))


def format_field_table(report: Report, by: str) -> str:
    """Recall and silent loss per habit (``by="habit"``) or per layout, one block per format."""
    lines = []
    for fmt, groups in getattr(report, f"by_{by}").items():
        label_w = max(14, *(len(k) for k in groups)) if groups else 14
        head = f"{by} ({fmt})".ljust(label_w) + "".join(" " + h.rjust(w) for h, _, w in _FIELD_COLUMNS)
        lines += [head, "-" * len(head)]
        for k, m in groups.items():
            lines.append(k.ljust(label_w) + "".join(" " + _cell(getattr(m, a), w) for _, a, w in _FIELD_COLUMNS))
        extras = report.extras.get(fmt) or {}
        if by == "habit" and extras.get("total"):
            lines.append(f"cells of added columns kept as a field or review item: {extras['kept']}/{extras['total']}")
        lines.append("")
    lines.append("lost = filled values wrong or missing with nothing under review; silent = lost / filled\n"
                 "to_rev = groups that must go to review (ticked twice); rev = share of them under review")
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
