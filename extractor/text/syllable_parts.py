"""Is a piece of text one written Vietnamese syllable? Onsets and rimes are data (patterns/syllable_parts.yaml);
used where a reader joins or splits words at a wrap (extractor/readers/pdf_words.py). (Telling mojibake from
Vietnamese is extractor/text/syllables.py's job, with its own table.)

    is_syllable("Xây") -> True      is_syllable("Xâ") -> False      is_syllable("cơbản") -> False
    is_syllable_start("Nguyễ") -> True (the beginning of `Nguyễn`)      is_syllable_start("ờng") -> False
    split_tone("Hường") -> ("hương", "\\u0300")

A syllable is an onset from the list (or none), then a rime from the list, with at most one tone mark; a rime
ending in a stop (`c`, `ch`, `p`, `t`) takes only the sắc or nặng tone; `gh`, `ngh`, `k` come only before front
vowels, `c`, `ng` never before them. Text in plain ASCII is read as typed without diacritics (`luong`, `tiep`).
Case and Unicode normalisation (NFC or NFD, `hoà` or `hòa`) do not matter. A malformed pattern file raises
`PatternError` naming the entry.
"""

from __future__ import annotations

import functools
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from extractor.errors import PatternError
from extractor.yamlfile import read_mapping

SYLLABLES_FILE = Path(__file__).resolve().parents[2] / "patterns" / "syllable_parts.yaml"
TONES = frozenset("\u0300\u0301\u0303\u0309\u0323")  # huyền, sắc, ngã, hỏi, nặng (combining marks)
_LETTERS = frozenset("abcdefghijklmnopqrstuvwxyzăâđêôơư")


@dataclass(frozen=True, eq=False)
class SyllableTable:
    onsets: frozenset[str]
    rimes: frozenset[str]
    stop_codas: tuple[str, ...]
    front_onsets: dict[str, tuple[str, ...]]
    back_onsets: dict[str, tuple[str, ...]]
    stop_tones: frozenset[str]
    longest_onset: int

    @functools.cached_property
    def rime_prefixes(self) -> frozenset[str]:
        return frozenset(r[:n] for r in self.rimes for n in range(1, len(r) + 1))

    @functools.cached_property
    def onset_prefixes(self) -> frozenset[str]:
        return frozenset(o[:n] for o in self.onsets for n in range(1, len(o) + 1))

    @functools.cached_property
    def plain(self) -> SyllableTable:
        """The table with every vowel mark and đ removed: syllables typed without diacritics (`luong`, `tiep`)."""
        onsets, rimes = frozenset(_plain(o) for o in self.onsets), frozenset(_plain(r) for r in self.rimes)
        return SyllableTable(onsets, rimes, tuple({_plain(c) for c in self.stop_codas}),
                             {_plain(k): tuple(_plain(v) for v in vs) for k, vs in self.front_onsets.items()},
                             {_plain(k): tuple(_plain(v) for v in vs) for k, vs in self.back_onsets.items()},
                             self.stop_tones, self.longest_onset)


def _plain(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFD", text) if not unicodedata.combining(c)).replace("đ", "d")


def load_syllables(path: Path = SYLLABLES_FILE) -> SyllableTable:
    """Load and validate patterns/syllables.yaml."""
    raw = read_mapping(path)

    def strings(key: str, value: object) -> list[str]:
        if not isinstance(value, list) or not value or not all(isinstance(v, str) and v for v in value):
            raise PatternError(f"{key}: must be a non-empty list of strings", path=str(path))
        out = [unicodedata.normalize("NFC", v).casefold() for v in value]
        for v in out:
            if key != "stop_tones" and not set(v) <= _LETTERS:
                raise PatternError(f"{key}: {v!r} holds a character that is not a Vietnamese letter without tone",
                                   path=str(path))
        return out

    def onset_vowels(key: str) -> dict[str, tuple[str, ...]]:
        value = raw[key]
        if not isinstance(value, dict):
            raise PatternError(f"{key}: must be a mapping of onset to a list of vowels", path=str(path))
        out = {}
        for onset, vowels in value.items():
            name = unicodedata.normalize("NFC", str(onset)).casefold()
            if name not in onsets:
                raise PatternError(f"{key}.{onset}: not one of the onsets", path=str(path))
            out[name] = tuple(strings(f"{key}.{onset}", vowels))
        return out

    missing = {"onsets", "rimes", "front_onsets", "back_onsets", "stop_codas", "stop_tones"} - set(raw)
    if missing:
        raise PatternError(f"missing key(s): {', '.join(sorted(missing))}", path=str(path))
    onsets = strings("onsets", raw["onsets"])
    if not isinstance(raw["rimes"], dict) or not raw["rimes"]:
        raise PatternError("rimes: must be a mapping of first letter to a list of rimes", path=str(path))
    rimes: list[str] = []
    for first, group in raw["rimes"].items():
        for r in strings(f"rimes.{first}", group):
            if not r.startswith(unicodedata.normalize("NFC", str(first)).casefold()):
                raise PatternError(f"rimes.{first}: {r!r} does not start with {first!r}", path=str(path))
            rimes.append(r)
    tones = strings("stop_tones", raw["stop_tones"])
    if not set(tones) <= TONES:
        raise PatternError("stop_tones: must be tone marks (U+0300, U+0301, U+0303, U+0309, U+0323)", path=str(path))
    return SyllableTable(frozenset(onsets), frozenset(rimes), tuple(strings("stop_codas", raw["stop_codas"])),
                         onset_vowels("front_onsets"), onset_vowels("back_onsets"), frozenset(tones),
                         max(map(len, onsets)))


@functools.cache
def _table() -> SyllableTable:
    return load_syllables()


def split_tone(text: str) -> tuple[str, str]:
    """(`text` in lower case without tone marks, NFC; the tone marks it had, in order)."""
    decomposed = unicodedata.normalize("NFD", text.casefold())
    base = "".join(c for c in decomposed if c not in TONES)
    return unicodedata.normalize("NFC", base), "".join(c for c in decomposed if c in TONES)


def _parts(text: str, table: SyllableTable | None) -> tuple[str, str, SyllableTable] | None:
    """`text` without its tone, the tone, and the table to read it by (toneless ASCII text by the plain table);
    None when it cannot be one syllable (no letters, two tones, too long)."""
    t = table or _table()
    base, tones = split_tone(text)
    if not base or len(tones) > 1 or len(base) > 8:
        return None
    return base, tones, t.plain if base.isascii() else t


@functools.lru_cache(maxsize=65536)
def is_syllable(text: str, table: SyllableTable | None = None) -> bool:
    """Is `text` exactly one written Vietnamese syllable (see the module docstring)?"""
    parts = _parts(text, table)
    if parts is None:
        return False
    base, tones, t = parts
    for n in range(min(t.longest_onset, len(base) - 1), -1, -1):
        onset, rime = base[:n], base[n:]
        if (n and onset not in t.onsets) or rime not in t.rimes:
            continue
        if (onset in t.front_onsets and not rime.startswith(t.front_onsets[onset])) or \
                (onset in t.back_onsets and rime.startswith(t.back_onsets[onset])):
            continue
        if tones and rime.endswith(t.stop_codas) and tones not in t.stop_tones:
            continue
        return True
    return False


@functools.lru_cache(maxsize=65536)
def is_syllable_start(text: str, table: SyllableTable | None = None) -> bool:
    """Is `text` the beginning of a written syllable (an onset or its beginning, or an onset and the beginning of a
    rime; tone marks are not checked)?"""
    parts = _parts(text, table)
    if parts is None:
        return False
    base, tones, t = parts
    if base in t.onset_prefixes:
        return True
    for n in range(min(t.longest_onset, len(base) - 1), -1, -1):
        if (not n or base[:n] in t.onsets) and base[n:] in t.rime_prefixes:
            return True
    return False
