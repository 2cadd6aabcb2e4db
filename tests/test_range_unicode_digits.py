"""An option range written with digits the `regex` module's `\\d` matches but float() refuses (U+116D0 and other
digits newer than the interpreter's Unicode database) is no range this grammar reads: `read_range` returns None
instead of raising ValueError. Digits Python knows still give their bounds."""

from __future__ import annotations

import regex
from hypothesis import example, given, settings
from hypothesis import strategies as st

from extractor.text.ranges import read_range

_D = regex.compile(r"\d")
_UNREADABLE = tuple(c for c in map(chr, range(0x110000)) if _D.match(c) and not c.isdecimal())
_WORDS = ["từ ", " đến ", "trên ", "dưới ", " người", " Mb", " ≤ ", " < ", " - ", ""]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(st.sampled_from(_WORDS), st.text(st.sampled_from("0123456789" + "".join(_UNREADABLE[:40])),
                                                       min_size=1, max_size=3)), min_size=1, max_size=6).map("".join))
@example("từ \U000116d1 đến 5 người")
@example("Trên \U000116d0 Mb")
def test_read_range_never_raises(text: str) -> None:
    found = read_range(text)
    if any(c in _UNREADABLE for c in text):  # every \d digit is part of a number token: that number is unreadable
        assert found is None


def test_unreadable_digit_is_no_range_and_known_digits_still_read() -> None:
    if _UNREADABLE:
        assert read_range(f"từ {_UNREADABLE[0]} đến 5 người") is None
    found = read_range("từ 2 đến 5 người")
    assert found is not None and found.lower is not None and found.upper is not None
    assert (found.lower.value, found.upper.value) == (2.0, 5.0)
