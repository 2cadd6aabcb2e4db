"""Typed corrections are read by the extractor's own parsers and refused when they do not read."""

from __future__ import annotations

import pytest

from extractor.catalogue import load_catalogue
from extractor.errors import ReviewError
from extractor.review.validate import option_choices, parse_input


@pytest.mark.parametrize(("text", "type_", "value"), [
    ("1.250", "integer", 1250), ("12", "integer", 12), ("12,5", "decimal", 12.5), ("45 %", "percent", 45.0),
    ("3/4", "ratio", [3, 4]), ("15/08/2019", "date", "2019-08-15"), ("Có", "boolean", True),
    ("Phòng CNTT", "text", "Phòng CNTT"),
])
def test_typed_values(text: str, type_: str, value: object) -> None:
    assert parse_input([text], type_, None) == value


@pytest.mark.parametrize(("text", "type_", "message"), [
    ("abc", "integer", "not a whole number"), ("1,250", "integer", "reads two ways"), ("", "integer", "no value"),
    ("x", "date", "not a date"), ("12 và 14", "integer", "more than one number"),
])
def test_refused_values(text: str, type_: str, message: str) -> None:
    with pytest.raises(ReviewError, match=message):
        parse_input([text], type_, None)


def test_choices_come_from_the_catalogue() -> None:
    cat = load_catalogue()
    spec = next(s for s in cat.fields.values() if s.type == "choice" and len(s.options) > 2)
    keys = [k for k, _ in option_choices(spec, spec.type)]
    assert len(keys) == len(spec.options)
    assert parse_input([keys[1]], spec.type, spec) == spec.options[1].key
    assert parse_input([spec.options[2].texts[0]], spec.type, spec) == spec.options[2].key
    with pytest.raises(ReviewError, match="not an option"):
        parse_input(['"no-such-option"'], spec.type, spec)
    multi = next(s for s in cat.fields.values() if s.type == "multi_choice")
    mkeys = [k for k, _ in option_choices(multi, multi.type)]
    assert parse_input(mkeys[:2], multi.type, multi) == sorted({multi.options[0].key, multi.options[1].key}, key=str)
