"""Typed values from the text a clerk typed into a blank or a cell: ``parse_value(text, type_, unit_hint)``.

Value shapes (corpora/TRUTH.md): integer -> int; decimal, percent -> float; ratio -> [a, b]; boolean -> bool;
date -> ISO ``YYYY-MM-DD``; text -> the typed string without leaders and surrounding punctuation. ``choice``
and ``multi_choice`` are read by the slot stage against the options (here: ``needs_options``).

Numbers follow the Vietnamese convention: ``.`` (or a space) groups thousands, ``,`` marks decimals
(``1.250.000``, ``1 250``, ``12,5``, ``1.250,75``). Clerks on English-set computers also type ``1,250`` and
``12.5``. The rules:

1. A token that fits only one reading is read that way. Formats that exist only in the English convention
   (``1,250,000``, ``1,250.5``, ``12.5``, ``0.25``) get reason ``foreign_separator``.
2. A single ``.`` or ``,`` followed by exactly three digits, with a 1–3 digit leading group not starting
   with 0 (``1.250``, ``1,250``, ``12.500``) has two readings: thousands (1250) and decimal (1.25). Each
   reading gets a plausibility: 0 if impossible in the slot (not a whole number in an integer slot, outside
   0–100 in a percent slot), 1 if a decimal reading ending in 0 (nobody types 1,250 for 1.25), else 2.
   The most plausible reading wins; on a tie the Vietnamese reading (``.`` thousands, ``,`` decimal) wins.
   Choosing against the convention gives ``ambiguous_separator`` at quality 0.7 (``1,250`` in an integer
   slot -> 1250); a tie of two fully plausible readings gives ``ambiguous_separator`` at 0.6 (``3,125`` in a
   decimal slot -> 3.125; ``1.125`` -> 1125); a clear winner on the convention side is not flagged
   (``1.250`` -> 1250, ``12,500 %`` -> 12.5).
3. Any other mix (``1.2.3``, ``1,25,0``, a decimal mark before a thousands mark) is ``bad_number``.
4. Digits that the ``regex`` module's digit class matches but Python cannot read as a number (Unicode digits newer
   than the interpreter's Unicode database, such as U+116D0) are ``bad_number`` too, in a date as well.

Reason codes (``ok`` / quality): empty (ok, 1.0, value None), no_number, bad_number, not_integer,
no_ratio, no_boolean, conflicting_boolean, no_date, partial_date, invalid_date, needs_options (not ok, 0.0);
foreign_separator 0.85, zero_word 0.85, unit_mismatch 0.8, two_digit_year 0.8, ambiguous_separator 0.7/0.6,
zero_sign 0.7 (a dash alone read as 0), extra_text 0.6, out_of_range_percent 0.5, negative 0.5,
zero_denominator 0.5, multiple_numbers 0.4
(ok). When several apply, quality is the lowest and reason the one that set it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass, replace
from functools import lru_cache
from typing import Any

import regex

from extractor.compiled import regex_compile
from extractor.text.normalize import REGEX_WHITESPACE, clean_text, fold, is_blank_text, nfc
from extractor.text.vocab import load_units, load_vocabulary

__all__ = ["PLAIN_NUMBER_TYPES", "TYPES", "ParsedValue", "is_blank_text", "parse_value", "plain_number_qualities",
           "read_number"]

TYPES = ("integer", "decimal", "percent", "ratio", "boolean", "date", "text", "choice", "multi_choice")

Q_FOREIGN, Q_ZERO_WORD, Q_UNIT, Q_TWO_DIGIT_YEAR = 0.85, 0.85, 0.8, 0.8
Q_ZERO_SIGN = 0.7  # a dash alone read as 0: "none" or "not applicable", a reviewer decides
Q_AGAINST_CONVENTION, Q_TIE, Q_EXTRA, Q_RANGE, Q_MULTIPLE = 0.7, 0.6, 0.6, 0.5, 0.4


@dataclass(frozen=True)
class ParsedValue:
    """A typed value read from text, with how sure the reading is.

    `unit` is the canonical unit found next to the number (``patterns/units.yaml``), else None. `ok` False
    means no value of the type could be read (`value` is None, except ``needs_options``, which carries the
    stripped text); `quality` in 0..1 lowers for readings that
    need a look; `reason` is a short code (module docstring) for the lowest quality or the failure.
    """

    value: Any
    unit: str | None = None
    ok: bool = True
    quality: float = 1.0
    reason: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


class _Notes:
    """Collects (reason, quality) notes; keeps the lowest quality and its reason."""

    def __init__(self) -> None:
        self.quality, self.reason = 1.0, None

    def add(self, reason: str | None, quality: float) -> None:
        if reason is not None and quality < self.quality:
            self.quality, self.reason = quality, reason

    def result(self, value: Any, unit: str | None = None) -> ParsedValue:
        return ParsedValue(value, unit, True, self.quality, self.reason)


def _fail(reason: str, value: Any = None, unit: str | None = None) -> ParsedValue:
    if value is None and unit is None:  # one frozen value per reason code (a dozen): no new object each time
        failed = _FAILED.get(reason)
        if failed is None:
            failed = _FAILED[reason] = ParsedValue(None, None, False, 0.0, reason)
        return failed
    return ParsedValue(value, unit, False, 0.0, reason)


_FAILED: dict[str, ParsedValue] = {}


# ── words from patterns/ (compiled once) ────────────────────────────────────────────────────────


def _alternation(words: list[str]) -> str:
    return "|".join(regex.escape(w) for w in sorted(set(words), key=lambda w: (-len(w), w)))


def _fkey(text: str) -> str:
    return " ".join(fold(text).split())


@dataclass(frozen=True, eq=False)
class _Lexicon:
    """The vocabulary's words as the value readers use them: folded sets and compiled patterns."""

    zero_words: frozenset[str]
    zero_signs: frozenset[str]
    polarity: dict[str, bool]  # folded boolean word -> True/False
    boolean_re: regex.Pattern[str]  # any boolean word, whole words
    date_re: regex.Pattern[str]
    ratio_re: regex.Pattern[str]
    unit_by_fold: dict[str, str]


_NUM = r"\d+(?:(?:[.,]|\s(?=\d{3}(?!\d)))\d+)*"
_NUM_RE = regex_compile(r"(?<![\p{L}\d])" + _NUM)
_EDGE_RE = regex_compile(r"^[\s\p{P}]+|[\s\p{P}]+$")
_CONTENT_RE = regex_compile(r"[\p{L}\p{N}]")
_ASCII_ALNUM = frozenset("0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ")


def _strip_edges(text: str) -> str:
    """`_EDGE_RE.sub("", text)`: white space and punctuation off both ends. A text that begins and ends with an
    ASCII letter or digit (never `\\s` or `\\p{P}`; `$` also stands before a final newline, which is `\\s`) has
    none to strip: the pattern is run only on the others."""
    if text[:1] in _ASCII_ALNUM and text[-1:] in _ASCII_ALNUM:
        return text
    return _EDGE_RE.sub("", text)


@lru_cache(maxsize=1)
def _lexicon() -> _Lexicon:
    voc, units = load_vocabulary(), load_units()
    polarity = {_fkey(w): True for w in voc.true_words} | {_fkey(w): False for w in voc.false_words}
    word = r"(?<![\p{L}\p{N}])(?:%s)(?![\p{L}\p{N}])"
    day = _alternation([_fkey(w) for w in voc.day_words])
    month = _alternation([_fkey(w) for w in voc.month_words])
    year = _alternation([_fkey(w) for w in voc.year_words])
    ratio = _alternation([_fkey(w) for w in voc.ratio_words])
    date_re = regex_compile(
        rf"(?:(?:{day})\s*)?(?<!\d)(\d{{1,2}})\s*(?:(?:{month})|[/.\-])\s*(\d{{1,2}})\s*"
        rf"(?:(?:{year})|[/.\-]|,)\s*(\d{{4}}|\d{{2}})(?!\d)"
        rf"|(?<!\d)(\d{{4}})-(\d{{1,2}})-(\d{{1,2}})(?!\d)")
    return _Lexicon(
        zero_words=frozenset(_fkey(w) for w in voc.zero_words),
        zero_signs=frozenset("".join(w.split()) for w in voc.zero_signs),
        polarity=polarity,
        boolean_re=regex_compile(word % _alternation(list(polarity))),
        date_re=date_re,
        ratio_re=regex_compile(rf"(?<![\p{{L}}\d])({_NUM})\s*(?:/|:|{word % ratio})\s*({_NUM})"),
        unit_by_fold=dict(units.by_fold),
    )


_SLASH_RE = regex_compile(r"\s*/\s*")
_UNIT_SPLIT_RE = regex_compile(r"(/| )")
_UNIT_WORDS_RE = regex_compile(r"/| ")


@lru_cache(maxsize=4096)
def _ukey(text: str) -> str:
    """Lookup key of a unit spelling: folded, spaces collapsed, none around ``/``."""
    return _SLASH_RE.sub("/", _fkey(text))


@lru_cache(maxsize=4096)
def _unit_regex(key: str) -> str:
    """A unit key as a pattern: flexible spaces between words and around ``/``."""
    pieces = _UNIT_SPLIT_RE.split(key)
    return "".join(r"\s*/\s*" if p == "/" else r"\s+" if p == " " else regex.escape(p) for p in pieces)


_PUNCT_ONLY_RE = regex_compile(r"[\p{P}]")
_DIGIT_RE = regex_compile(r"\d")
_NUMBER_SEP_RE = regex_compile(r"([.,\s])")
_MINUS_RE = regex_compile(r"(?:^|\s)[-−]$")
_BIT_RE = regex_compile(r"0*([01])")
_INVISIBLE_RE = regex_compile("[\u200b\u200c\u200d\u2060\ufeff\u00ad]")
_HINT_EDGE_RE = regex_compile(r"^[\s.,;:()\[\]_\-–]+|[\s.,;:()\[\]_\-–]+$")


@dataclass(frozen=True, eq=False)
class _UnitMatcher:
    """The unit patterns and table of `_units` for one unit hint."""

    after: regex.Pattern[str]  # a unit at the start of the text after the number
    before: regex.Pattern[str]  # a unit at the end of the text before the number
    table: dict[str, str]  # unit key -> canonical unit
    expected: str | None  # the canonical form of the form's unit
    last_chars: frozenset[str] | None  # the last characters of the unit keys (None: one is a closing character)


#: What `_UnitMatcher.before` takes after the unit: `\s` (White_Space as `regex` knows it), ``)``, ``]``, ``:``.
_CLOSING = REGEX_WHITESPACE + ")]:"


def _may_end_with_unit(units: _UnitMatcher, text: str) -> bool:
    """False when ``units.before`` cannot match `text`: the last character before the closing ones (spaces,
    ``)``, ``]``, ``:``) does not end any unit key. A plain test instead of a search from every position."""
    if units.last_chars is None:
        return True
    stripped = text.rstrip(_CLOSING)
    if stripped[-1:] not in units.last_chars:
        return False
    tails = _unit_tails(units)
    if tails is None:
        return True
    # the unit's last word ends where the closing characters begin (its last character is none of them)
    size = len(stripped)
    return any(n <= size and stripped[size - n:] in same for n, same in tails)


@lru_cache(maxsize=64)  # one per `_UnitMatcher` (hashed by identity; `_units` keeps 64)
def _unit_tails(units: _UnitMatcher) -> tuple[tuple[int, frozenset[str]], ...] | None:
    """The last words of the unit keys (what follows a key's last space or ``/``, written as it is in the
    pattern: `_unit_regex`), by length, longest first: a match of ``units.before`` ends with one of them, then
    closing characters only. None when a key ends with a space or ``/`` (no last word: the search decides)."""
    tails = {_UNIT_WORDS_RE.split(key)[-1] for key in units.table}
    if "" in tails:
        return None
    return tuple((n, frozenset(t for t in tails if len(t) == n)) for n in sorted({len(t) for t in tails}, reverse=True))


@lru_cache(maxsize=64)
def _units(hint: str | None) -> _UnitMatcher:
    """Unit patterns for the unit table plus the form's unit `hint` (recognised even if not in the table)."""
    table = {_ukey(k): unit for k, unit in _lexicon().unit_by_fold.items()}
    hint = _HINT_EDGE_RE.sub("", clean_text(hint)) if hint else None
    if hint:
        table.setdefault(_ukey(hint), hint)
    after, before = _unit_patterns(tuple(sorted(table, key=lambda k: (-len(k), k))))
    last = frozenset(k[-1] for k in table if k)
    return _UnitMatcher(after=after, before=before, table=table, expected=table[_ukey(hint)] if hint else None,
                        last_chars=None if "" in table or last & set(_CLOSING) else last)


@lru_cache(maxsize=64)
def _unit_patterns(keys: tuple[str, ...]) -> tuple[regex.Pattern[str], regex.Pattern[str]]:
    """The unit patterns of `_units` for these unit keys (a hint already in the unit table gives the same keys:
    the patterns are compiled once, not once per hint)."""
    alts = "|".join(_unit_regex(k) for k in keys)
    return (regex_compile(r"^[\s(\[/:]*(" + alts + r")(?![\p{L}\p{N}])"),
            regex_compile(r"(?<![\p{L}\p{N}])(" + alts + r")[\s)\]:]*$"))


def _take_unit(notes: _Notes, prefix: str, suffix: str, type_: str, unit_hint: str | None,
               ) -> tuple[str | None, str, str]:
    """Split a unit off the start of `suffix` (else the end of `prefix`): (unit, prefix, suffix).

    A unit other than the form's (``%`` for percent slots without a hint) is noted as ``unit_mismatch``.
    """
    unit, prefix, suffix = _split_unit(prefix, suffix, unit_hint)
    _note_unit(notes, unit, type_, unit_hint)
    return unit, prefix, suffix


def _split_unit(prefix: str, suffix: str, unit_hint: str | None) -> tuple[str | None, str, str]:
    """The unit at the start of `suffix` (else at the end of `prefix`), and what is left of both."""
    units = _units(unit_hint)
    m = units.after.search(suffix)
    if m:
        return units.table[_ukey(m.group(1))], prefix, suffix[m.end():]
    m = units.before.search(prefix) if _may_end_with_unit(units, prefix) else None
    if m:
        return units.table[_ukey(m.group(1))], prefix[:m.start()], suffix
    return None, prefix, suffix


def _note_unit(notes: _Notes, unit: str | None, type_: str, unit_hint: str | None) -> None:
    """Note ``unit_mismatch`` for a unit other than the form's (``%`` for percent slots without a hint)."""
    expected = _units(unit_hint).expected or ("%" if type_ == "percent" else None)
    if unit is not None and expected is not None and unit != expected:
        notes.add("unit_mismatch", Q_UNIT)


def _residue(notes: _Notes, rest: str, *, zero_value: bool = False, numeric: bool = True) -> None:
    """Note leftover text: another number beside a number -> multiple_numbers, else extra_text.

    A zero word beside the number 0 (``0 (không)``) is not leftover.
    """
    rest = _strip_edges(rest)
    if not _CONTENT_RE.search(rest):
        return
    if zero_value and _fkey(_PUNCT_ONLY_RE.sub(" ", rest)) in _lexicon().zero_words:
        return
    if numeric and _DIGIT_RE.search(rest):
        notes.add("multiple_numbers", Q_MULTIPLE)
    else:
        notes.add("extra_text", Q_EXTRA)


# ── numbers ─────────────────────────────────────────────────────────────────────────────────────


def _readable_digits(text: str) -> bool:
    """Can int() and float() read `text`'s digits? `str.isdecimal` is their own test (Unicode category Nd in the
    interpreter's Unicode database); the `regex` module's `\\d` may know newer digits (U+116D0) that they refuse."""
    return text.isdecimal()


def _grouped(groups: list[str]) -> bool:
    """Valid thousands grouping: one group of any length, or 1–3 digits (no leading 0) then groups of 3."""
    if len(groups) == 1:
        return True
    head = groups[0]
    return 1 <= len(head) <= 3 and not head.startswith("0") and all(len(g) == 3 for g in groups[1:])


def _plausibility(value: float, type_: str, decimal_frac: str | None) -> int:
    if type_ == "integer" and not float(value).is_integer():
        return 0
    if type_ == "percent" and not 0 <= value <= 100:
        return 0
    if decimal_frac is not None and decimal_frac.endswith("0"):
        return 1
    return 2


def read_number(token: str, type_: str = "decimal") -> tuple[int | float, str | None, float] | None:
    """Read one number token (digits with ``.``, ``,`` or space separators) for a slot of `type_`.

    Returns (value, reason, quality) or None when the separators fit no convention. Rules: module docstring.
    """
    shape = _token_reading(token)
    if shape is None or len(shape) == 3:  # the reading does not depend on the type
        return shape
    thousands, decimal, frac, mark = shape
    readings = [(thousands, _plausibility(thousands, type_, None)), (decimal, _plausibility(decimal, type_, frac))]
    if mark == ",":
        readings.reverse()  # the Vietnamese reading first
    (conv, p_conv), (other, p_other) = readings
    if p_other > p_conv:
        return other, "ambiguous_separator", Q_AGAINST_CONVENTION
    if p_other == p_conv == 2:
        return conv, "ambiguous_separator", Q_TIE
    return conv, None, 1.0


@lru_cache(maxsize=4096)  # bounded; pure: the three number types of one text read the same token
def _token_reading(token: str) -> tuple[Any, ...] | None:
    """What `read_number` reads of `token` before the slot's type matters: its (value, reason, quality), or
    (thousands, decimal, fraction, mark) for the two readings of a single mark before three digits, or None."""
    parts = _NUMBER_SEP_RE.split(token.strip())
    groups, seps = parts[0::2], parts[1::2]
    if not all(map(_readable_digits, groups)):
        return None  # digits `\d` matched that int() and float() refuse
    if not seps:
        return int(groups[0]), None, 1.0
    marks = [s for s in seps if not s.isspace()]
    if not marks:
        return (int("".join(groups)), None, 1.0) if _grouped(groups) else None
    if len(set(marks)) == 2:  # 1.250,5 (Vietnamese) or 1,250.5 (English)
        dec = marks[-1]
        if marks.count(dec) != 1 or seps[-1] != dec or not _grouped(groups[:-1]):
            return None
        value = float("".join(groups[:-1]) + "." + groups[-1])
        return (value, None, 1.0) if dec == "," else (value, "foreign_separator", Q_FOREIGN)
    mark = marks[0]
    if len(marks) >= 2 or seps[-1].isspace():  # every separator groups thousands
        if not _grouped(groups):
            return None
        return (int("".join(groups)), "foreign_separator", Q_FOREIGN) if mark == "," else \
            (int("".join(groups)), None, 1.0)
    whole, frac = groups[:-1], groups[-1]
    if not _grouped(whole):
        return None
    decimal = float("".join(whole) + "." + frac)
    if not (len(frac) == 3 and _grouped(groups)):  # only a decimal reading
        return (decimal, None, 1.0) if mark == "," else (decimal, "foreign_separator", Q_FOREIGN)
    return int("".join(groups)), decimal, frac, mark


@lru_cache(maxsize=4096)  # bounded; the three number types of one text come one after the other (`_readable`)
def _number_front(text: str, unit_hint: str | None) -> tuple[Any, ...]:
    """What `_number` reads of `text` before the number's type matters: ``(kind, unit, unit_mismatch)`` for a
    zero word (``"zero_word"``) or zero sign (``"zero_sign"``), ``("no_number",)``, else
    ``("number", f, start, token, end, unit_mismatch)``: the folded text and the number token found in it (and
    whether a unit at the end of the text is not the form's: noted first, as for a zero). A pure function of
    its arguments (the unit table and vocabulary are loaded once), so remembering it is exact."""
    lex, units = _lexicon(), _units(unit_hint)
    f = fold(clean_text(text))
    head, unit, mismatch = f, None, False
    tail = units.before.search(f) if _may_end_with_unit(units, f) else None  # "Không văn bản", "- (người)"
    if tail is not None and tail.start() > 0:
        head, unit = f[:tail.start()].rstrip(" \t([/:"), units.table[_ukey(tail.group(1))]
        mismatch = units.expected not in (None, unit)
    if _fkey(_strip_edges(head)) in lex.zero_words:
        return "zero_word", unit, mismatch
    if "".join(head.split()) in lex.zero_signs:  # "-" typed alone for none
        return "zero_sign", unit, mismatch
    m = _NUM_RE.search(f)
    if m is None:
        return ("no_number",)
    return "number", f, m.start(), m.group(0), m.end(), mismatch


@lru_cache(maxsize=4096)  # bounded; pure: the same (text, number span) for the three number types of a text
def _number_rest(f: str, start: int, end: int, zero_value: bool, unit_hint: str | None,
                 ) -> tuple[bool, str | None, tuple[str, float] | None]:
    """What `_number` reads around the number ``f[start:end]``: (a minus sign before it, the unit found beside
    it, the leftover note of `_residue` or None). The unit's mismatch depends on the type: `_number` notes it."""
    prefix, suffix = f[:start], f[end:]
    negative = _MINUS_RE.search(prefix) is not None
    if negative:
        prefix = prefix[:-1]
    unit, prefix, suffix = _split_unit(prefix, suffix, unit_hint)
    notes = _Notes()
    _residue(notes, prefix + " " + suffix, zero_value=zero_value)
    return negative, unit, (None if notes.reason is None else (notes.reason, notes.quality))


def _number(text: str, type_: str, unit_hint: str | None) -> ParsedValue:
    front = _number_front(text, unit_hint)
    kind = front[0]
    notes = _Notes()
    if kind == "zero_word" or kind == "zero_sign":
        _, unit, mismatch = front
        if mismatch:
            notes.add("unit_mismatch", Q_UNIT)
        if kind == "zero_word":
            if type_ != "integer":
                notes.add("zero_word", Q_ZERO_WORD)
        else:
            notes.add("zero_sign", Q_ZERO_SIGN)
        return notes.result(0 if type_ == "integer" else 0.0, unit)
    if kind == "no_number":
        return _fail("no_number")
    _, f, start, token, end, mismatch = front
    if mismatch:
        notes.add("unit_mismatch", Q_UNIT)
    reading = read_number(token, type_)
    if reading is None and " " in token:  # "2019 150": not a space-grouped number; read the first one
        token = token.split(" ")[0]
        end = start + len(token)
        reading = read_number(token, type_)
    if reading is None:
        return _fail("bad_number")
    value, reason, quality = reading
    notes.add(reason, quality)
    negative, unit, residue = _number_rest(f, start, end, value == 0, unit_hint)
    if negative:
        value = -value
        notes.add("negative", Q_RANGE)
    _note_unit(notes, unit, type_, unit_hint)
    if residue is not None:
        notes.add(*residue)
    if type_ == "integer":
        if not float(value).is_integer():
            return _fail("not_integer", unit=unit)
        return notes.result(int(value), unit)
    value = float(value)
    if type_ == "percent" and not 0 <= value <= 100:
        notes.add("out_of_range_percent", Q_RANGE)
    return notes.result(value, unit)


def _ratio(text: str, unit_hint: str | None) -> ParsedValue:
    f = fold(clean_text(text))
    if _DIGIT_RE.search(f) is None:  # (both patterns below need a digit)
        return _fail("no_number")
    m = _lexicon().ratio_re.search(f) if _may_be_ratio(f) else None
    if m is None:
        return _fail("no_ratio" if _NUM_RE.search(f) else "no_number")
    notes = _Notes()
    sides: list[int | float] = []
    for token in (m.group(1), m.group(2)):
        reading = read_number(token, "decimal")
        if reading is None:
            return _fail("bad_number")
        value, reason, quality = reading
        notes.add(reason, quality)
        sides.append(int(value) if float(value).is_integer() else float(value))
    unit, prefix, suffix = _take_unit(notes, f[:m.start()], f[m.end():], "ratio", unit_hint)
    _residue(notes, prefix + " " + suffix)
    if sides[1] == 0:
        notes.add("zero_denominator", Q_RANGE)
    return notes.result(sides, unit)


def _may_be_ratio(f: str) -> bool:
    """False when the lexicon's `ratio_re` cannot match the folded `f`: a match holds `/`, `:` or a ratio word as
    written in the pattern (`_fkey` of the vocabulary's, escaped: the word itself)."""
    return "/" in f or ":" in f or any(w in f for w in _ratio_words())


def _may_be_date(f: str) -> bool:
    """False when the lexicon's `date_re` cannot match the folded `f`: its day-month-year form holds a month word
    (as written in the pattern: `_fkey` of the vocabulary's) or one of `/.-`, its ISO form a `-`."""
    return "/" in f or "." in f or "-" in f or any(w in f for w in _month_words())


@lru_cache(maxsize=1)
def _ratio_words() -> tuple[str, ...]:
    return tuple({_fkey(w) for w in load_vocabulary().ratio_words})


@lru_cache(maxsize=1)
def _month_words() -> tuple[str, ...]:
    return tuple({_fkey(w) for w in load_vocabulary().month_words})


# ── booleans, dates, text ───────────────────────────────────────────────────────────────────────


def _boolean(text: str) -> ParsedValue:
    lex = _lexicon()
    f = _strip_edges(fold(clean_text(text)))
    digit = _BIT_RE.fullmatch(f)
    if digit:
        return ParsedValue(digit.group(1) == "1")
    m = lex.boolean_re.match(f)
    if m is None:
        return _fail("no_boolean")
    value = lex.polarity[_fkey(m.group(0))]
    notes = _Notes()
    rest = f[m.end():]
    if any(lex.polarity[_fkey(w)] != value for w in lex.boolean_re.findall(rest)):
        return _fail("conflicting_boolean")
    _residue(notes, lex.boolean_re.sub(" ", rest), numeric=False)
    return notes.result(value)


def _date(text: str) -> ParsedValue:
    lex = _lexicon()
    f = fold(clean_text(text))
    if _DIGIT_RE.search(f) is None:  # (both patterns below need a digit)
        return _fail("no_date")
    m = lex.date_re.search(f) if _may_be_date(f) else None
    if m is None:
        return _fail("partial_date" if _NUM_RE.search(f) else "no_date")
    if not all(map(_readable_digits, filter(None, m.groups()))):
        return _fail("bad_number")  # digits `\d` matched that int() refuses
    notes = _Notes()
    if m.group(1):
        day, month, year_text = int(m.group(1)), int(m.group(2)), m.group(3)
    else:
        year_text, month, day = m.group(4), int(m.group(5)), int(m.group(6))
    year = int(year_text)
    if len(year_text) == 2:
        year += 2000 if year < 70 else 1900
        notes.add("two_digit_year", Q_TWO_DIGIT_YEAR)
    try:
        date = dt.date(year, month, day)
    except ValueError:
        return _fail("invalid_date")
    _residue(notes, f[:m.start()] + " " + f[m.end():], numeric=False)
    return notes.result(date.isoformat())


_TEXT_EDGE = r"[\s.…‥⋯_:;,\-–—·•*]"
_TEXT_EDGE_RE = regex_compile(rf"^{_TEXT_EDGE}+|{_TEXT_EDGE}+$")


def _text(text: str) -> str:
    s = _INVISIBLE_RE.sub("", nfc(text))
    return _TEXT_EDGE_RE.sub("", s)


def parse_value(text: str, type_: str, unit_hint: str | None = None) -> ParsedValue:
    """Read `text` (NFC or NFD, leaders and all) as a value of `type_`.

    `unit_hint` is the unit the form prints by the blank: it is recognised even if not in
    ``patterns/units.yaml``, and a different unit typed by the clerk gives ``unit_mismatch`` (the value
    is never converted). Blank text (only leaders, spaces, underscores) gives value None, ok, ``empty``.
    Raises ValueError for an unknown `type_`.
    """
    if type_ not in TYPES:
        raise ValueError(f"unknown value type {type_!r}; expected one of {', '.join(TYPES)}")
    parsed = _parse(text, type_, unit_hint)
    if type(parsed.value) is list:  # a ratio: the caller gets a list of its own, the remembered one stays as read
        return replace(parsed, value=list(parsed.value))
    return parsed


#: The types `plain_number_qualities` reads.
PLAIN_NUMBER_TYPES = ("integer", "decimal", "percent", "ratio", "date", "boolean")
# a number typed alone in ASCII: digits in groups joined by one `.`, `,` or a space before exactly three digits
# (`_NUM`'s shape in ASCII: `_NUM_RE` finds it whole); at most 18 characters (int and float read it, no overflow)
_PLAIN_NUMBER_RE = regex_compile(r"[0-9]+(?:(?:[.,]| (?=[0-9]{3}(?![0-9])))[0-9]+)*\Z")
_PLAIN_NUMBER_MAX = 18
_PLAIN_CHARS = frozenset("0123456789., ")


def plain_number_qualities(text: str, types: tuple[str, ...]) -> dict[str, float] | None:
    """``{t: parse_value(text, t).quality for t in types if parse_value(text, t).ok}`` (no unit hint) for a
    number typed alone in ASCII (``1250``, ``1.250``, ``12,5``, ``1 250``), read once for the three number
    types, the others known to fail without a search; None for any other text (the caller parses it). A
    quarter to a third of the typed texts of a return are such numbers."""
    if (len(text) > _PLAIN_NUMBER_MAX or not text.isascii() or _PLAIN_NUMBER_RE.match(text) is None
            or not set(types) <= set(PLAIN_NUMBER_TYPES) or not _plain_numbers_apart()):
        return None
    found = {t: _plain_number_quality(text, t) for t in ("integer", "decimal", "percent")}
    if None in found.values() and " " in text:
        return None  # "2019 150": `_number` reads its first number (multiple_numbers)
    bit = text.lstrip("0") in ("", "1")  # `_BIT_RE`: 0*([01])
    out: dict[str, float] = {}
    for t in types:
        if t == "date":  # (`_may_be_date`: only a "." can begin a date here: "1.2.2020")
            parsed = _parse(text, t, None) if "." in text else None
            quality = parsed.quality if parsed is not None and parsed.ok else None
        elif t == "boolean":
            quality = 1.0 if bit else None
        else:  # (a ratio needs "/", ":" or a ratio word)
            quality = found.get(t)
        if quality is not None:
            out[t] = quality
    return out


def _plain_number_quality(text: str, type_: str) -> float | None:
    """`_number(text, type_, None)`'s quality (None: not ok) for a text `_PLAIN_NUMBER_RE` matches, when
    `_plain_numbers_apart`: the token is the whole text, with no sign, unit, zero word or leftover beside it."""
    reading = read_number(text, type_)
    if reading is None:
        return None
    value, _reason, quality = reading  # (a reason comes with a quality below 1, none with 1.0)
    if type_ == "integer":
        return quality if float(value).is_integer() else None
    if type_ == "percent" and not 0 <= float(value) <= 100:
        return min(quality, Q_RANGE)
    return quality


@lru_cache(maxsize=1)
def _plain_numbers_apart() -> bool:
    """Does no word a reading looks for fit in a plain number's characters (digits, ``.``, ``,``, space)? Units
    (no unit hint), zero words and signs, boolean, ratio and month words: each holds another character, so
    none is found in such a text (and no empty one matches anywhere)."""
    lex = _lexicon()
    words = [*_units(None).table, *lex.zero_words, *lex.zero_signs, *lex.polarity, *_ratio_words(), *_month_words()]
    return all(set(w) - _PLAIN_CHARS for w in words)


@lru_cache(maxsize=4096)  # bounded; pure: the six types `matching._readable` tries come one after the other
def _empty(text: str) -> bool:
    """Blank text (only leaders, spaces, underscores) or nothing left once cleaned: every type reads it as empty."""
    return is_blank_text(text) or not clean_text(text)


@lru_cache(maxsize=65536)  # pure; the same typed texts (numbers, yes/no words, names) come back return after return
def _parse(text: str, type_: str, unit_hint: str | None) -> ParsedValue:
    """`parse_value` for a known `type_`."""
    if _empty(text):
        return ParsedValue(None, None, True, 1.0, "empty")
    if type_ in ("integer", "decimal", "percent"):
        return _number(text, type_, unit_hint)
    if type_ == "ratio":
        return _ratio(text, unit_hint)
    if type_ == "boolean":
        return _boolean(text)
    if type_ == "date":
        return _date(text)
    stripped = _text(text)
    if not stripped:
        return ParsedValue(None, None, True, 1.0, "empty")
    if type_ == "text":
        return ParsedValue(stripped)
    return _fail("needs_options", value=stripped)
