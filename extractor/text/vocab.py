"""Load and validate the Vietnamese word lists in ``patterns/`` (once per process).

    patterns/vocabulary.yaml   booleans, zero words, date words, ratio and range words, abbreviations -> Vocabulary
    patterns/units.yaml        canonical unit -> spellings                                     -> UnitTable

A malformed file raises ``PatternError`` naming the file and the entry (``booleans.true_words[3]``).
All strings are NFC-normalised at load; lookups compare ``fold`` keys (case- and diacritic-free).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from types import MappingProxyType
from typing import Any

from extractor.errors import PatternError
from extractor.text.normalize import fold, nfc
from extractor.yamlfile import load_text, yaml_error

__all__ = [
    "PATTERNS_DIR",
    "RANGE_ROLES",
    "UnitTable",
    "Vocabulary",
    "abbreviations",
    "load_units",
    "load_vocabulary",
]

PATTERNS_DIR = Path(__file__).resolve().parents[2] / "patterns"
VOCABULARY_FILE = PATTERNS_DIR / "vocabulary.yaml"
UNITS_FILE = PATTERNS_DIR / "units.yaml"
# the roles of `range_words` (patterns/vocabulary.yaml): a word before / after a number that makes it the lower or
# upper bound, and the signs between two terms
RANGE_ROLES = ("lower_before", "upper_before", "lower_after", "upper_after", "less_signs", "greater_signs")


@dataclass(frozen=True, eq=False)
class Vocabulary:
    """The validated content of ``patterns/vocabulary.yaml`` (all strings NFC)."""

    true_words: tuple[str, ...]
    false_words: tuple[str, ...]
    zero_words: tuple[str, ...]
    zero_signs: tuple[str, ...]  # what a clerk types alone for none ("-"): read as 0, shown to a reviewer
    day_words: tuple[str, ...]
    month_words: tuple[str, ...]
    year_words: tuple[str, ...]
    ratio_words: tuple[str, ...]
    range_words: Mapping[str, tuple[str, ...]]  # RANGE_ROLES -> the words and signs of a range of amounts
    value_anchors: tuple[str, ...]  # words after which a typed number is a value ("… đi là 1.250 văn bản")
    tick_marks: tuple[str, ...]  # characters a clerk types to tick an option ("x", "✓")
    abbreviations: Mapping[str, str]


@dataclass(frozen=True, eq=False)
class UnitTable:
    """The validated content of ``patterns/units.yaml``: canonical units and a fold-key lookup."""

    canonical: tuple[str, ...]
    by_fold: Mapping[str, str]  # fold(spelling) -> canonical unit, canonical spellings included

    def canonical_of(self, text: str) -> str | None:
        """The canonical unit written as `text` (any case, tones, NFC/NFD), or None."""
        return self.by_fold.get(_unit_fold(text))


def _unit_fold(text: str) -> str:
    return " ".join(fold(text).split())


# ── YAML with duplicate-key detection ───────────────────────────────────────────────────────────


def _read_yaml(path: Path) -> Any:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise PatternError(f"cannot read the pattern file ({exc.strerror or exc}); restore it from git",
                           path=str(path)) from exc
    try:
        return load_text(text, unique_keys=True)  # the safe loader refusing duplicate mapping keys
    except yaml_error() as exc:
        raise PatternError(f"not valid YAML: {exc}", path=str(path)) from exc


# ── shape checks ────────────────────────────────────────────────────────────────────────────────


def _fail(path: Path, entry: str, message: str) -> PatternError:
    return PatternError(f"entry '{entry}': {message}", path=str(path))


def _mapping(value: Any, path: Path, entry: str, keys: set[str] | None = None) -> dict[Any, Any]:
    if not isinstance(value, dict):
        raise _fail(path, entry, f"expected a mapping, got {type(value).__name__}")
    if keys is not None:
        unknown = sorted(str(k) for k in value if k not in keys)
        missing = sorted(k for k in keys if k not in value)
        if unknown:
            raise _fail(path, entry, f"unknown key(s) {', '.join(unknown)}; expected {', '.join(sorted(keys))}")
        if missing:
            raise _fail(path, entry, f"missing key(s) {', '.join(missing)}")
    return value


def _string(value: Any, path: Path, entry: str) -> str:
    if not isinstance(value, str) or not value.strip():
        shown = f"{value!r} ({type(value).__name__})"
        raise _fail(path, entry, f"expected a non-empty string, got {shown}; quote words YAML reads as "
                                 "booleans or numbers")
    return nfc(value.strip())


def _word_list(value: Any, path: Path, entry: str, *, allow_empty: bool = False) -> tuple[str, ...]:
    if value is None and allow_empty:
        return ()
    if not isinstance(value, list) or (not value and not allow_empty):
        raise _fail(path, entry, f"expected a non-empty list of strings, got {type(value).__name__}")
    words: list[str] = []
    seen: dict[str, int] = {}
    for i, item in enumerate(value):
        word = _string(item, path, f"{entry}[{i}]")
        key = _unit_fold(word)
        if key in seen:
            raise _fail(path, f"{entry}[{i}]", f"{word!r} repeats {entry}[{seen[key]}] (same without "
                                               "diacritics and case)")
        seen[key] = i
        words.append(word)
    return tuple(words)


# ── loaders ─────────────────────────────────────────────────────────────────────────────────────


def load_vocabulary(path: str | os.PathLike[str] | None = None) -> Vocabulary:
    """The vocabulary in `path` (default ``patterns/vocabulary.yaml``), validated; cached per path."""
    return _load_vocabulary(str(path or VOCABULARY_FILE))


@lru_cache(maxsize=8)
def _load_vocabulary(file: str) -> Vocabulary:
    path = Path(file)
    top = _mapping(_read_yaml(path), path, "(top level)",
                   {"booleans", "zero_words", "zero_signs", "date_words", "ratio_words", "range_words",
                    "value_anchors", "tick_marks", "abbreviations"})
    booleans = _mapping(top["booleans"], path, "booleans", {"true_words", "false_words"})
    true_words = _word_list(booleans["true_words"], path, "booleans.true_words")
    false_words = _word_list(booleans["false_words"], path, "booleans.false_words")
    clash = {_unit_fold(w) for w in true_words} & {_unit_fold(w) for w in false_words}
    if clash:
        raise _fail(path, "booleans", f"{sorted(clash)[0]!r} is both a true and a false word")
    dates = _mapping(top["date_words"], path, "date_words", {"day", "month", "year"})
    ranges = _mapping(top["range_words"], path, "range_words", set(RANGE_ROLES))
    abbrev_raw = _mapping(top["abbreviations"], path, "abbreviations")
    table: dict[str, str] = {}
    for key, value in abbrev_raw.items():
        short = _string(key, path, f"abbreviations.{key}")
        if any(c.isspace() for c in short):
            raise _fail(path, f"abbreviations.{short}", "an abbreviation is one word (no spaces)")
        table[short] = _string(value, path, f"abbreviations.{short}")
    return Vocabulary(
        true_words=true_words,
        false_words=false_words,
        zero_words=_word_list(top["zero_words"], path, "zero_words"),
        zero_signs=_word_list(top["zero_signs"], path, "zero_signs", allow_empty=True),
        day_words=_word_list(dates["day"], path, "date_words.day"),
        month_words=_word_list(dates["month"], path, "date_words.month"),
        year_words=_word_list(dates["year"], path, "date_words.year"),
        ratio_words=_word_list(top["ratio_words"], path, "ratio_words"),
        range_words=MappingProxyType({role: _word_list(ranges[role], path, f"range_words.{role}")
                                      for role in RANGE_ROLES}),
        value_anchors=_word_list(top["value_anchors"], path, "value_anchors"),
        tick_marks=_tick_marks(top["tick_marks"], path),
        abbreviations=MappingProxyType(table),
    )


def _tick_marks(value: Any, path: Path) -> tuple[str, ...]:
    marks = _word_list(value, path, "tick_marks")
    for m in marks:
        if len(m) != 1:
            raise _fail(path, "tick_marks", f"{m!r} is not a single character")
    return marks


def load_units(path: str | os.PathLike[str] | None = None) -> UnitTable:
    """The unit table in `path` (default ``patterns/units.yaml``), validated; cached per path."""
    return _load_units(str(path or UNITS_FILE))


@lru_cache(maxsize=8)
def _load_units(file: str) -> UnitTable:
    path = Path(file)
    top = _mapping(_read_yaml(path), path, "(top level)", {"units"})
    units = _mapping(top["units"], path, "units")
    if not units:
        raise _fail(path, "units", "no units listed")
    canonical: list[str] = []
    by_fold: dict[str, str] = {}
    for key, aliases in units.items():
        unit = _string(key, path, f"units.{key}")
        spellings = (unit, *_word_list(aliases, path, f"units.{unit}", allow_empty=True))
        for spelling in spellings:
            k = _unit_fold(spelling)
            other = by_fold.get(k)
            if other is not None and other != unit:
                raise _fail(path, f"units.{unit}", f"spelling {spelling!r} is already a spelling of unit "
                                                  f"{other!r} (compared without case and diacritics)")
            by_fold[k] = unit
        canonical.append(unit)
    return UnitTable(canonical=tuple(canonical), by_fold=MappingProxyType(by_fold))


def abbreviations() -> Mapping[str, str]:
    """The abbreviation table of ``patterns/vocabulary.yaml`` (short form -> expansion), for ``label_key``."""
    return load_vocabulary().abbreviations
