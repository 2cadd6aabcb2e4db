"""A reviewer's typed correction → the field's typed value, with the extractor's own parsers.

Numbers, percents, ratios, dates and yes/no words are read by `extractor.text.values.parse_value` (so
`1.250` is 1250 and `12,5` is 12.5, as in the forms); a reading the parser finds ambiguous is refused so
the reviewer writes it unambiguously. Choices come from the page's option list as JSON-encoded keys and
must be among the catalogue's options.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from extractor.catalogue import FieldSpec
from extractor.errors import ReviewError
from extractor.text.normalize import fold
from extractor.text.values import parse_value

REFUSED = {"ambiguous_separator": "it reads two ways (thousands or decimals); write e.g. 1250 or 1,25",
           "multiple_numbers": "it holds more than one number",
           "extra_text": "it has words besides the value"}
HINTS = {"integer": "a whole number, e.g. 1250", "decimal": "a number, e.g. 12,5", "percent": "a percentage, e.g. 45",
         "ratio": "two numbers, e.g. 3/4", "date": "a date, e.g. 15/08/2019", "boolean": "yes or no",
         "text": "some text", "choice": "one of the options", "multi_choice": "one or more of the options"}


def option_choices(spec: FieldSpec | None, type_: str | None) -> list[tuple[str, str]]:
    """(JSON-encoded key, label) pairs a reviewer can pick for a choice or yes/no field; [] for typed fields."""
    if spec is not None and spec.options and type_ in ("choice", "multi_choice", "boolean"):
        return [(json.dumps(o.key, ensure_ascii=False), o.texts[0] if o.texts else str(o.key)) for o in spec.options]
    if type_ == "boolean":
        return [("true", "true"), ("false", "false")]
    return []


def parse_input(texts: Sequence[str], type_: str | None, spec: FieldSpec | None) -> Any:
    """The typed value of a correction; ReviewError with a message naming what to type when it does not read."""
    type_ = type_ or "text"
    texts = [t.strip() for t in texts if t is not None and t.strip()]
    if not texts:
        raise ReviewError(f"no value given: type {HINTS.get(type_, 'a value')}, or mark the field empty")
    choices = option_choices(spec, type_)
    if choices:
        values = [_option(t, spec, choices) for t in texts]
        if type_ == "multi_choice":
            return sorted(set(values), key=str)
        if len(values) > 1:
            raise ReviewError("pick one option only")
        return values[0]
    if type_ in ("choice", "multi_choice"):
        raise ReviewError("this field has no option list in the catalogue; choose another field id")
    text = " ".join(texts)
    parsed = parse_value(text, type_, spec.unit if spec else None)
    if not parsed.ok or parsed.value is None:
        raise ReviewError(f"{text!r} is not {HINTS.get(type_, 'a value of type ' + type_)}")
    if parsed.reason in REFUSED:
        raise ReviewError(f"{text!r}: {REFUSED[parsed.reason]}")
    return parsed.value


def _option(text: str, spec: FieldSpec | None, choices: list[tuple[str, str]]) -> Any:
    """An option key from its JSON encoding (the page's pickers), the key itself or one of its texts."""
    if text in {c for c, _ in choices}:
        return json.loads(text)
    folded = fold(text)
    for o in spec.options if spec is not None else []:
        if folded == fold(str(o.key)) or any(folded == fold(t) for t in o.texts):
            return o.key
    if {c for c, _ in choices} <= {"true", "false"}:  # a yes/no field: Có / Không / x … as the forms write them
        parsed = parse_value(text, "boolean")
        if parsed.ok and parsed.value is not None:
            return parsed.value
    raise ReviewError(f"{text!r} is not an option of this field ({', '.join(label for _, label in choices)})")
