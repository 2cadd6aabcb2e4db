"""Options that are ranges of amounts: ``read_range("Trên 20 Mb")`` → lower bound 20 MB, no upper bound.

A form prints `KT < 10 Mb`, `10 Mb ≤ KT ≤ 20 Mb`, `KT > 20 Mb`; a clerk's copy may say `Dưới 10 Mb`, `Từ 10 Mb
đến 20 Mb`, `Trên 20 Mb`. Read as bounds, both say the same, so a reworded option is known by its bounds
(`same_bounds`) even when the clerk deleted its siblings and no order is left to go by.

A small token grammar over the folded text: numbers (with the unit written after them, ``patterns/units.yaml``),
the words and signs of ``range_words`` (``patterns/vocabulary.yaml``) and other words (a variable such as `KT`).
Each number takes its role from its neighbours: a word before it (`trên` → lower, `dưới` → upper), a word after
it (`trở lên` → lower), a sign after it (`10 <` → lower) or before it (`< 20` → upper). A number with no role
followed by an upper-bound word is the lower bound (`10 đến 20`). A text with a number whose role is unknown,
two lower or two upper bounds, or no number is not a range. Which bound is strict is not kept: options are told
apart by their limits, and a clerk writes `Trên 20` for `> 20` and `≥ 20` alike.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

import regex

from extractor.compiled import regex_compile
from extractor.text.normalize import fold, nfc
from extractor.text.vocab import load_units, load_vocabulary

__all__ = ["Bound", "Range", "read_range", "same_bounds"]


@dataclass(frozen=True)
class Bound:
    """One end of a range of amounts: its value and unit."""

    value: float
    unit: str | None  # canonical unit (patterns/units.yaml), None when none was written

    def same(self, other: Bound) -> bool:
        """The same amount: equal numbers, and equal units when both are written."""
        return self.value == other.value and (self.unit is None or other.unit is None or self.unit == other.unit)


@dataclass(frozen=True)
class Range:
    """A range of amounts an option states: its lower and upper bounds (None: open on that side)."""

    lower: Bound | None
    upper: Bound | None


_NUMBER = regex_compile(r"\d+(?:[.,]\d+)?")
_WORD = r"[\p{L}%]+(?:/[\p{L}]+)?"  # a part of `_grammar` alone (compiled with it, at first need)
_RUN = regex_compile(r"[\p{L}\p{N}]+")


@lru_cache(maxsize=1)
def _roles() -> dict[str, str]:
    """Folded range word or sign → its role (`range_words`, patterns/vocabulary.yaml)."""
    roles: dict[str, str] = {}
    for role, words in load_vocabulary().range_words.items():
        for w in words:
            roles[" ".join(fold(w).split())] = role
    return roles


@lru_cache(maxsize=1)
def _cues() -> tuple[frozenset[str], tuple[str, ...]]:
    """What a text must hold for the grammar to find a range word in it: the first run of letters and figures
    of a word (the grammar takes a word whole, so that run is a whole run of the text), or a sign itself."""
    runs: set[str] = set()
    signs: list[str] = []
    for w in _roles():
        m = _RUN.match(w) if w[0].isalnum() else None
        if m is not None:
            runs.add(m.group())
        else:
            signs.append(w)
    return frozenset(runs), tuple(signs)


@lru_cache(maxsize=1)
def _grammar() -> regex.Pattern[str]:
    """One pattern finding numbers, range words and signs, other words (`_rel_pattern`)."""
    return regex_compile(rf"(?P<num>{_NUMBER.pattern})|(?P<rel>{_rel_pattern(_roles())})|(?P<word>{_WORD})")


def _rel_pattern(roles: Iterable[str]) -> str:
    """The range words and signs, longest first: a word whole (no letter or figure around it), a sign anywhere.

    The words are one group between one look-behind and one look-ahead: the same matches as each word between
    its own (`(?<!…)w1(?!…)|(?<!…)w2(?!…)|s1`, the plain form, ~10x slower to compile): at any position only the
    words or only the signs can match (a word begins with a letter or figure, a sign with neither), each group
    keeps its order, and a look-ahead that fails sends the search back to the group's next word."""
    ordered = sorted(roles, key=lambda w: (-len(w), w))
    words = "|".join(regex.escape(w) for w in ordered if w[0].isalnum())
    signs = "|".join(regex.escape(w) for w in ordered if not w[0].isalnum())
    parts = [rf"(?<![\p{{L}}\p{{N}}])(?:{words})(?![\p{{L}}\p{{N}}])" if words else "", signs]
    return "|".join(p for p in parts if p)


def _may_be_range(folded: str) -> bool:
    """False when `folded` (folded, spaces single) cannot be a range: no number, or no range word or sign for a
    number to take its role from (`read_range` gives None for both). Asked before the grammar is compiled, so
    a process whose texts hold no range (most returns) never compiles it."""
    if _NUMBER.search(folded) is None:
        return False
    runs, signs = _cues()
    return any(s in folded for s in signs) or not runs.isdisjoint(_RUN.findall(folded))


def _tokens(folded: str) -> list[tuple[str, object]] | None:
    """("num", Bound) / (role, word) / ("word", word) tokens of `folded` (folded, spaces single); None when a
    number is written in digits Python cannot read (the grammar's digit class knows newer Unicode digits)."""
    pattern, roles = _grammar(), _roles()
    units = load_units()
    out: list[tuple[str, object]] = []
    for m in pattern.finditer(folded):
        if m.group("num"):
            digits = m.group("num").replace(",", ".")
            if not digits.replace(".", "").isdecimal():  # float()'s own test of each digit
                return None
            out.append(("num", Bound(float(digits), None)))
        elif m.group("rel"):
            out.append((roles[" ".join(m.group("rel").split())], m.group("rel")))
        elif out and out[-1][0] == "num" and (unit := units.canonical_of(m.group("word"))) is not None:
            number = out[-1][1]
            assert isinstance(number, Bound)
            out[-1] = ("num", Bound(number.value, unit))  # the unit written after the number
        else:
            out.append(("word", m.group("word")))
    return out


def read_range(text: str) -> Range | None:
    """The bounds an option text states (`Trên 20 Mb`, `2Gb≤ DL ≤ 5Gb`), or None when it is no range."""
    folded = " ".join(fold(nfc(text)).split())
    if not _may_be_range(folded):
        return None
    tokens = _tokens(folded)
    if tokens is None:
        return None
    lower: Bound | None = None
    upper: Bound | None = None
    for i, (kind, value) in enumerate(tokens):
        if kind != "num":
            continue
        before = tokens[i - 1][0] if i else None
        after = tokens[i + 1][0] if i + 1 < len(tokens) else None
        role = {"lower_before": "lower", "upper_before": "upper", "less_signs": "upper",
                "greater_signs": "lower"}.get(before or "")
        if role is None:
            role = {"lower_after": "lower", "upper_after": "upper", "less_signs": "lower",
                    "greater_signs": "upper", "upper_before": "lower"}.get(after or "")
        assert isinstance(value, Bound)
        if role == "lower" and lower is None:
            lower = value
        elif role == "upper" and upper is None:
            upper = value
        else:  # a number of unknown role, or a second bound on one side: not a range this grammar reads
            return None
    if lower is not None and upper is not None:
        if lower.unit is None and upper.unit is not None:  # `Từ 10 đến 20 Mb`: one unit for both
            lower = Bound(lower.value, upper.unit)
        elif upper.unit is None and lower.unit is not None:
            upper = Bound(upper.value, lower.unit)
    return Range(lower, upper)


def same_bounds(typed: Range, printed: Range) -> bool:
    """Every bound `typed` states is the bound `printed` has on that side (`Dưới 2 Gb` for `500 Mb < DL < 2Gb`)."""
    if typed.lower is None and typed.upper is None:
        return False
    for mine, theirs in ((typed.lower, printed.lower), (typed.upper, printed.upper)):
        if mine is not None and (theirs is None or not mine.same(theirs)):
            return False
    return True
