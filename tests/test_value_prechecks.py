"""The typed-value reader's prechecks (issue 18, round 9) never skip a match: a unit ends a text before a number
only when the text, its closing characters stripped, ends with a unit key's last word (`_unit_tails`); a ratio
needs `/`, `:` or a ratio word, a date `/`, `.`, `-` or a month word."""

from __future__ import annotations

import functools

from hypothesis import given, settings
from hypothesis import strategies as st

from extractor.text import values as V
from extractor.text.vocab import load_vocabulary


@functools.lru_cache(maxsize=1)
def _pieces() -> list[str]:
    voc = load_vocabulary()
    keys = sorted(V._units(None).table)
    words = [*voc.month_words, *voc.ratio_words, *voc.day_words, *voc.year_words]
    return [*keys[::3], *(k.split(" ")[-1] for k in keys[::5]), *(V.fold(w) for w in words), "12", "3", "2019",
            " ", "  ", "/", ":", "-", ".", ",", ")", "]", "\n", "\t", "\u00a0", "(", "x", "a", "người", "tren"]


@st.composite
def _texts(draw: st.DrawFn) -> str:
    return "".join(draw(st.lists(st.sampled_from(_pieces()), max_size=7)))


@settings(max_examples=4000, deadline=None)
@given(_texts(), st.sampled_from([None, "người", "chiếc", "%", "triệu đồng", "lượt/tháng", "km"]))
def test_no_unit_search_skipped_that_would_match(text: str, hint: str | None) -> None:
    units = V._units(hint)
    assert V._may_end_with_unit(units, text) or units.before.search(text) is None


@settings(max_examples=4000, deadline=None)
@given(_texts())
def test_no_ratio_or_date_search_skipped_that_would_match(text: str) -> None:
    lex = V._lexicon()
    assert V._may_be_ratio(text) or lex.ratio_re.search(text) is None
    assert V._may_be_date(text) or lex.date_re.search(text) is None


def test_unit_tails_are_the_keys_last_words() -> None:
    units = V._units("lượt/tháng")
    tails = V._unit_tails(units)
    assert tails is not None
    flat = {t for _, same in tails for t in same}
    assert "thang" in flat and all(not (" " in t or "/" in t) for t in flat)
    assert not V._may_end_with_unit(units, "nguyen van a") and V._may_end_with_unit(units, "12 nguoi)")
