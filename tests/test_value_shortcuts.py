"""The typed-value reader's shortcuts (issue 18, round 7) give what the plain steps give: a number token's
separators read once for every slot type (`_token_reading`), the edges of a text stripped by the pattern only
when they are not ASCII letters or digits (`_strip_edges`), and the unit before a number looked for only where
a unit can end the text (`_may_end_with_unit` in `_split_unit`)."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from extractor.text import values as V

_TYPES = ("integer", "decimal", "percent", "ratio")


def _plain_read_number(token: str, type_: str) -> tuple[int | float, str | None, float] | None:
    """`read_number` as it was: every step for every type."""
    parts = V._NUMBER_SEP_RE.split(token.strip())
    groups, seps = parts[0::2], parts[1::2]
    if not all(map(V._readable_digits, groups)):
        return None
    if not seps:
        return int(groups[0]), None, 1.0
    marks = [s for s in seps if not s.isspace()]
    if not marks:
        return (int("".join(groups)), None, 1.0) if V._grouped(groups) else None
    if len(set(marks)) == 2:
        dec = marks[-1]
        if marks.count(dec) != 1 or seps[-1] != dec or not V._grouped(groups[:-1]):
            return None
        value = float("".join(groups[:-1]) + "." + groups[-1])
        return (value, None, 1.0) if dec == "," else (value, "foreign_separator", V.Q_FOREIGN)
    mark = marks[0]
    if len(marks) >= 2 or seps[-1].isspace():
        if not V._grouped(groups):
            return None
        return (int("".join(groups)), "foreign_separator", V.Q_FOREIGN) if mark == "," else \
            (int("".join(groups)), None, 1.0)
    whole, frac = groups[:-1], groups[-1]
    if not V._grouped(whole):
        return None
    decimal = float("".join(whole) + "." + frac)
    if not (len(frac) == 3 and V._grouped(groups)):
        return (decimal, None, 1.0) if mark == "," else (decimal, "foreign_separator", V.Q_FOREIGN)
    thousands = int("".join(groups))
    readings = [(thousands, V._plausibility(thousands, type_, None)),
                (decimal, V._plausibility(decimal, type_, frac))]
    if mark == ",":
        readings.reverse()
    (conv, p_conv), (other, p_other) = readings
    if p_other > p_conv:
        return other, "ambiguous_separator", V.Q_AGAINST_CONVENTION
    if p_other == p_conv == 2:
        return conv, "ambiguous_separator", V.Q_TIE
    return conv, None, 1.0


_GROUP = st.sampled_from(["0", "1", "12", "125", "250", "500", "000", "1250", "3", "07", "100", "\U000116d0"])
_TOKENS = st.tuples(_GROUP, st.lists(st.tuples(st.sampled_from([".", ",", " "]), _GROUP), max_size=4)).map(
    lambda t: t[0] + "".join(a + b for a, b in t[1]))


@settings(max_examples=3000, deadline=None)
@given(_TOKENS, st.sampled_from(_TYPES))
def test_read_number_equals_the_plain_reading(token: str, type_: str) -> None:
    got = V.read_number(token, type_)
    want = _plain_read_number(token, type_)
    assert got == want and type(got and got[0]) is type(want and want[0])


def test_read_number_of_the_ambiguous_tokens_per_type() -> None:
    for token in ("1.250", "1,250", "3,125", "1.125", "12,500", "0,250", "100.000", "999,999"):
        for type_ in _TYPES:
            assert V.read_number(token, type_) == _plain_read_number(token, type_), (token, type_)


_EDGE_PIECES = st.sampled_from([
    "a", "Z", "0", "9", "đ", "ố", "Đ", "١", "²", " ", "\t", "\n", "\u00a0", "\u3000", "\x1c", ".", ",", "-", "(", ")",
    "…", "%", "+", "$", "“", "”", "'", "_", "/", ":", "không", "12", "\u0301"])


@settings(max_examples=5000, deadline=None)
@given(st.lists(_EDGE_PIECES, max_size=8).map("".join))
def test_strip_edges_equals_the_edge_pattern(text: str) -> None:
    assert V._strip_edges(text) == V._EDGE_RE.sub("", text)


_UNIT_TEXT = st.lists(st.sampled_from(["người", "nguoi", "chiếc", "%", " ", "(", ")", "]", ":", "\n", "máy",
                                       "tinh", "văn bản", "12", "/", "tháng", "x", "."]), max_size=6).map("".join)


@settings(max_examples=3000, deadline=None)
@given(_UNIT_TEXT, _UNIT_TEXT, st.sampled_from([None, "người", "chiếc", "%", "triệu đồng"]))
def test_split_unit_equals_the_plain_searches(prefix: str, suffix: str, hint: str | None) -> None:
    prefix, suffix = V.fold(prefix), V.fold(suffix)
    units = V._units(hint)
    m = units.after.search(suffix)
    if m:
        want = units.table[V._ukey(m.group(1))], prefix, suffix[m.end():]
    elif m := units.before.search(prefix):
        want = units.table[V._ukey(m.group(1))], prefix[:m.start()], suffix
    else:
        want = None, prefix, suffix
    assert V._split_unit(prefix, suffix, hint) == want

