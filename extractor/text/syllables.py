"""Is this Vietnamese? A syllable check from the onset / rime inventory in `patterns/syllables.yaml`.

    SYLLABLES.valid("người") -> True        SYLLABLES.valid("ng­êi") -> False
    Judge(extra).verdict(text) -> Verdict(valid, invalid, neutral)

A syllable is an onset (possibly empty) + a rime + at most one tone mark, and a rime ending in a stop
consonant (p t c ch) carries only a stop tone. Text is cut into words (letters, plus the `extra`
characters legacy encodings put letters on); a word is

- ``valid``: a Vietnamese syllable;
- ``neutral``: plain ASCII that is no syllable (``UBND``, ``FTTH``, ``gmail``), or an upper-case
  abbreviation or a single letter made of Vietnamese letters (``HĐND``, ``ƯDCNTT``, ``đ``) — nothing to judge;
- ``invalid``: anything else with a non-ASCII character (``§Æng``, ``tØnh``, ``Ñaëng``), or a U+FFFD.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NamedTuple

from extractor.errors import PatternError
from extractor.yamlfile import load_text, yaml_error

PATTERN_FILE = Path(__file__).resolve().parents[2] / "patterns" / "syllables.yaml"
REPLACEMENT = "\ufffd"  # what a reader puts where text could not be read (e.g. an unresolved XML entity)


class Verdict(NamedTuple):
    valid: int
    invalid: int
    neutral: int


def _hex_char(value: Any, where: str, path: Path) -> str:
    if not isinstance(value, str) or not re.fullmatch(r"[0-9A-Fa-f]{4}", value):
        raise PatternError(f"{where}: {value!r} is not a quoted 4-digit hex code point", path=str(path))
    return chr(int(value, 16))


@dataclass(frozen=True, eq=False)
class Syllables:
    """The Vietnamese syllable of ``patterns/syllables.yaml``: onsets, rimes, tones and the letters marks sit on."""

    onsets: tuple[str, ...]  # longest first
    rimes: frozenset[str]
    tones: dict[str, str]  # combining character -> tone name
    stop_codas: tuple[str, ...]
    stop_tones: frozenset[str]  # combining characters
    vowels: str
    letter_marks: dict[str, str]  # combining character -> the base letters it may sit on

    def valid(self, word: str) -> bool:
        """Whether `word` (any case, NFC or NFD) is one Vietnamese syllable."""
        return _valid(self, word)

    def vietnamese_char(self, ch: str) -> bool:
        """Whether `ch` can occur in Vietnamese text: an ASCII letter, đ/Đ, or a vowel with its marks."""
        return _vchar(self, ch)


@functools.lru_cache(maxsize=65536)
def _valid(s: Syllables, word: str) -> bool:
    tone = ""
    rest = []
    for c in unicodedata.normalize("NFD", word.lower()):
        if c in s.tones:
            if tone:
                return False
            tone = c
        else:
            rest.append(c)
    base = unicodedata.normalize("NFC", "".join(rest))
    for onset in s.onsets:
        if base.startswith(onset):
            rime = base[len(onset):]
            if rime in s.rimes:
                if tone and tone not in s.stop_tones and rime.endswith(s.stop_codas):
                    continue
                return True
    return False


@functools.lru_cache(maxsize=4096)
def _vchar(s: Syllables, ch: str) -> bool:
    if ch.isascii():
        return ch.isalpha()
    if ch in "đĐ":
        return True
    d = unicodedata.normalize("NFD", ch.lower())
    base, marks = d[0], d[1:]
    if not base.isascii() or not base.isalpha() or not marks:
        return False
    tones = [m for m in marks if m in s.tones]
    quality = [m for m in marks if m not in s.tones]
    if len(tones) > 1 or len(quality) > 1 or base not in s.vowels:
        return False
    return all(base in s.letter_marks.get(m, "") for m in quality)


def load_syllables(path: Path = PATTERN_FILE) -> Syllables:
    """Load and validate `patterns/syllables.yaml`; `PatternError` naming the file and the entry."""
    try:
        raw = load_text(path.read_text(encoding="utf-8"))
    except (OSError, yaml_error()) as exc:
        raise PatternError(f"cannot be read: {' '.join(str(exc).split())}", path=str(path)) from None
    keys = ("onsets", "rimes", "tones", "stop_codas", "stop_tones", "vowels", "letter_marks")
    if not isinstance(raw, dict) or set(raw) != set(keys):
        raise PatternError(f"must be a mapping with exactly the keys {', '.join(keys)}", path=str(path))
    for key in ("onsets", "rimes", "stop_codas", "stop_tones"):
        if not isinstance(raw[key], list) or not all(isinstance(x, str) for x in raw[key]):
            raise PatternError(f"{key}: must be a list of strings", path=str(path))
    if not isinstance(raw["tones"], dict) or not isinstance(raw["letter_marks"], dict):
        raise PatternError("tones and letter_marks must be mappings", path=str(path))
    tones = {_hex_char(v, f"tones.{k}", path): str(k) for k, v in raw["tones"].items()}
    by_name = {v: k for k, v in tones.items()}
    unknown = [t for t in raw["stop_tones"] if t not in by_name]
    if unknown:
        raise PatternError(f"stop_tones: {unknown} are not tones", path=str(path))
    rimes = [unicodedata.normalize("NFC", r) for line in raw["rimes"] for r in line.split()]
    for r in rimes:
        if not r or any(c in tones for c in unicodedata.normalize("NFD", r)):
            raise PatternError(f"rimes: {r!r} must be a non-empty rime without a tone mark", path=str(path))
    marks = {_hex_char(k, f"letter_marks.{k}", path): str(v) for k, v in raw["letter_marks"].items()}
    onsets = {""} | {unicodedata.normalize("NFC", o) for line in raw["onsets"] for o in line.split()}
    codas = tuple(c for line in raw["stop_codas"] for c in line.split())
    return Syllables(tuple(sorted(onsets, key=len, reverse=True)), frozenset(rimes), tones, codas,
                     frozenset(by_name[t] for t in raw["stop_tones"]), str(raw["vowels"]), marks)


SYLLABLES = load_syllables()


class Judge:
    """Counts valid, invalid and neutral words of a text; `extra` are non-letter characters that count as
    word characters (the symbols legacy encodings store letters as: ``§``, ``¸``, U+00AD …)."""

    def __init__(self, extra: Iterable[str] = (), syllables: Syllables = SYLLABLES) -> None:
        self.syllables = syllables
        chars = "".join(sorted({c for c in extra if not c.isalpha()} | {REPLACEMENT}))
        self.word_re = self._word = re.compile(r"(?:[^\W\d_]|[" + re.escape(chars) + "])+")

    def words(self, text: str) -> list[str]:
        return [w for w in self._word.findall(text) if any(c.isalpha() or c == REPLACEMENT for c in w)]

    def word(self, w: str) -> str:
        """"valid", "invalid" or "neutral" (see the module docstring)."""
        if REPLACEMENT in w:
            return "invalid"
        if self.syllables.valid(w):
            return "valid"
        if w.isascii():
            return "neutral"
        if (w.isupper() or len(w) == 1) and all(self.syllables.vietnamese_char(c) for c in w):
            return "neutral"
        return "invalid"

    def verdict(self, text: str) -> Verdict:
        counts = {"valid": 0, "invalid": 0, "neutral": 0}
        for w in self.words(text):
            counts[self.word(w)] += 1
        return Verdict(counts["valid"], counts["invalid"], counts["neutral"])

    def invalid_words(self, text: str) -> list[str]:
        return [w for w in self.words(text) if self.word(w) == "invalid"]

    def foreign(self, text: str) -> bool:
        """Whether `text` holds a word character no Vietnamese text has (``§``, ``Æ``, ``ñ``, U+00AD)."""
        return any(not self.syllables.vietnamese_char(c) for w in self.words(text) for c in w)
