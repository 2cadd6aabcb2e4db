"""Unicode keys for Vietnamese text: pure functions, no I/O.

NFC alone does not make two spellings of one word equal: typists place the tone mark on different vowels
(``hoà``/``hòa``, ``thuỷ``/``thủy``, ``khoẻ``/``khỏe``), some converters write NFD, and some labels come
without tones. Two keys cover this:

    tone_key   NFD, each tone mark moved to the end of its syllable, lowercase, NFC   hoà, hòa -> "hoà"
    fold       NFD, every combining mark dropped, đ -> d, lowercase                   Hoà, hoa -> "hoa"

For labels, ``clean_label`` removes what is not wording (item numbers, dotted leaders, checkbox glyphs,
a trailing colon) and ``label_key`` / ``label_fold_key`` add the keys above, abbreviation expansion and
punctuation removal.

Fuzzy matching: these keys ARE the processor. Pass keys to rapidfuzz with ``processor=None``; never use
``rapidfuzz.utils.default_process``: it does no Unicode normalisation and mangles NFD Vietnamese
(``'so   lu o  ng'``).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from functools import lru_cache
from types import MappingProxyType
from typing import Any

import regex

from extractor.compiled import regex_compile

__all__ = [
    "CHECKBOX_GLYPHS",
    "REGEX_WHITESPACE",
    "WHITESPACE",
    "clean_label",
    "clean_text",
    "expand_abbreviations",
    "fold",
    "is_blank_text",
    "label_fold_key",
    "label_key",
    "label_keys",
    "nfc",
    "nfd",
    "remove_leaders",
    "tone_key",
]

#: The five Vietnamese tone marks as combining characters: grave, acute, tilde, hook above, dot below.
TONE_MARKS = frozenset("\u0300\u0301\u0303\u0309\u0323")

#: Checkbox glyphs that may stand in a label: the reader's ☐ ☒ ▢, other box and tick characters, and the
#: Wingdings private-use characters some templates type as text (U+F020–U+F0FF, e.g. U+F071, U+F0A8).
CHECKBOX_GLYPHS = "☐☑☒▢□■◻◼❑❒✓✔✗✘"
_GLYPHS_RE = re.compile("[" + re.escape(CHECKBOX_GLYPHS) + r"\uf020-\uf0ff]")  # (literal classes: `re`, faster)

#: Characters that carry no text and are dropped everywhere (zero-width space/joiners, BOM, soft hyphen).
_INVISIBLE_RE = re.compile("[\u200b\u200c\u200d\u2060\ufeff\u00ad]")

#: Either of the two above: one scan tells whether `clean_text` needs their passes.
_INVISIBLE_OR_GLYPH_RE = re.compile(_INVISIBLE_RE.pattern[:-1] + _GLYPHS_RE.pattern[1:])

#: Dotted leaders: a run of two or more dots, or any run containing an ellipsis character (one `…` already
#: draws three dots); also runs of two or more underscores.
_LEADER_RE = regex_compile(r"[.…‥⋯]*[…‥⋯][.…‥⋯]*|\.{2,}|_{2,}")

_BLANK_RE = regex_compile(r"[\s.…‥⋯_]*")

_SYLLABLE_RE = regex_compile(r"[\p{L}\p{M}]+")
_SPACE_RE = regex_compile(r"\s+")
#: Every character `str.isspace` or `\s` takes (Unicode White_Space, and U+001C-U+001F, which only `str.isspace`
#: takes), and those of them the two disagree on.
WHITESPACE = "".join(map(chr, (*range(0x09, 0x0E), *range(0x1C, 0x21), 0x85, 0xA0, 0x1680, *range(0x2000, 0x200B),
                               0x2028, 0x2029, 0x202F, 0x205F, 0x3000)))
#: The characters of `WHITESPACE` that `\s` matches in `regex` patterns (Unicode White_Space).
REGEX_WHITESPACE = "".join(c for c in WHITESPACE if _SPACE_RE.match(c))
_ODD_SPACES = "".join(c for c in WHITESPACE if c.isspace() != (c in REGEX_WHITESPACE))
_SPLIT_ODD = re.compile("[" + re.escape(_ODD_SPACES) + "]" if _ODD_SPACES else "(?!)")  # (?!): never matches

#: Item numbering at the start of a label, removed repeatedly ("1.", "1.2.", "2.2.2", "1)", "a)", "a.",
#: "đ.", "I.", "IV.", bullets). Heading words ("MỤC 2.") are wording and stay.
_NUMBERING_RE = regex_compile(
    r"""^(?:
        \d{1,3}(?:\.\d{1,3})*[.)](?!\d)          # 1.   1.2.   10.1.   1)
      | \d{1,3}(?:\.\d{1,3})+(?=\s|$)            # 2.2.2
      | (?:[IVXL]{1,6}|[ivx]{1,6})[.)](?=\s|$)   # IV.  ii)
      | \p{L}[.](?=\s|$)                         # a.   đ.   A.
      | \p{L}\)                                  # a)
      | [-+*·•–—▪►◦‣⁃]                           # bullets
    )\s*""",
    regex.VERBOSE,
)
_BULLETS = "-+*·•–—▪►◦‣⁃"  # the bullets of `_NUMBERING_RE`


def _may_be_numbered(s: str) -> bool:
    """False when `_NUMBERING_RE` cannot match at the start of `s` (a plain test of the first character): an
    empty text, an ASCII character other than a digit, a letter or a bullet, or a letter with no ``.`` or ``)``
    among the next 7 characters (numbering that starts with a letter has one within 7: ``IV.``, ``a)``, ``đ.``).
    Any other non-ASCII character is left to the pattern (`regex` may know digits and letters `str` does not)."""
    if not s:
        return False
    c = s[0]
    if c in _BULLETS:
        return True
    if c.isalpha():
        head = s[1:8]
        return "." in head or ")" in head
    return not c.isascii() or c.isdigit()


_TRAILING_RE = regex_compile(r"[\s:?：？]+$")
_TRAILING = " :?：？"  # what `_TRAILING_RE` takes from a text whose only whitespace is spaces

#: Kept by label keys (they change meaning in option texts such as "KT < 10 Mb"); all other punctuation
#: and symbols become spaces.
_KEPT_SYMBOLS = "%/<>≤≥"
_PUNCT_RE = regex_compile(r"[[\p{P}\p{S}]--[" + regex.escape(_KEPT_SYMBOLS) + "]]+", regex.V1)
_KEPT_RE = re.compile("([" + re.escape(_KEPT_SYMBOLS) + "])")


def nfc(text: str) -> str:
    """`text` in Unicode NFC (composed)."""
    return unicodedata.normalize("NFC", text)


def nfd(text: str) -> str:
    """`text` in Unicode NFD (decomposed)."""
    return unicodedata.normalize("NFD", text)


def _move_tone(match: regex.Match[str]) -> str:
    syllable = match.group(0)
    tones = [c for c in syllable if c in TONE_MARKS]
    if not tones:
        return syllable
    return "".join(c for c in syllable if c not in TONE_MARKS) + "".join(tones)


@lru_cache(maxsize=65536)  # pure, and called on the same few thousand texts again and again
def tone_key(text: str) -> str:
    """A lowercase key equal for old and new tone placement: ``tone_key("Hoà") == tone_key("hòa")``.

    NFD, lowercase, then within each syllable (a run of letters and combining marks) every tone mark
    (U+0300, U+0301, U+0303, U+0309, U+0323) is moved to the end of the syllable; vowel-shape marks
    (breve, circumflex, horn) stay where they are. The result is recomposed to NFC, so ``hòa`` and
    ``hoà`` both give ``"hoà"``. NFC and NFD input give the same key; tones still count (``hoa`` differs).
    """
    decomposed = nfd(nfd(text).lower())
    if _TONES_APART_RE.search(decomposed) is None:  # (the usual case) each syllable's tone marks in one run:
        return nfc(_TONE_RUN_RE.sub(r"\2\1", decomposed))  # the run moved past the rest of its syllable
    return nfc(_SYLLABLE_RE.sub(_move_tone, decomposed))


# a tone mark, and a letter or mark of the same syllable that is not one
_TONE = "[" + "".join(sorted(TONE_MARKS)) + "]"
_NOT_TONE = r"[[\p{L}\p{M}]--" + _TONE + "]"
#: Two runs of tone marks in one syllable (letters or other marks between them): `_move_tone` syllable by syllable.
_TONES_APART_RE = regex_compile(_TONE + _NOT_TONE + "+" + _TONE, regex.V1)
#: A syllable's run of tone marks and the rest of the syllable after it (the syllable's only run): swapping the
#: two is what `_move_tone` does to it.
_TONE_RUN_RE = regex_compile("(" + _TONE + "+)(" + _NOT_TONE + "+)", regex.V1)


@lru_cache(maxsize=65536)  # pure, and called on the same few thousand texts again and again
def fold(text: str) -> str:
    """A diacritic-free lowercase key: NFD, every combining mark dropped, ``đ``/``Đ`` -> ``d``.

    ``fold("Đơn vị")`` is ``"don vi"``. Idempotent; NFC and NFD input give the same key.
    """
    if text.isascii():
        return text.lower()  # what the steps below give for ASCII
    decomposed = nfd(nfd(text).lower()).replace("đ", "d")
    if _NOT_ASCII_OR_MARK.search(decomposed) is None:  # dropping the marks is dropping all that is not ASCII
        return decomposed.encode("ascii", "ignore").decode("ascii")
    return decomposed.translate(_MARKS_DROPPED)  # every combining character (`unicodedata.combining`) dropped


class _MarksDropped(dict[int, "int | None"]):
    """A `str.translate` table that drops every character with a combining class and keeps the others, filled a
    code point at a time as texts bring them (at most one entry per code point: a few hundred in practice)."""

    def __missing__(self, code: int) -> int | None:
        kept = None if unicodedata.combining(chr(code)) else code
        self[code] = kept
        return kept


_MARKS_DROPPED = _MarksDropped()


# a character other than ASCII and the combining diacritical marks U+0300-U+036F that are marks (U+034F, the
# grapheme joiner, is not: `unicodedata.combining` gives 0)
_NOT_ASCII_OR_MARK = re.compile("[^\x00-\x7f\u0300-\u034e\u0350-\u036f]")


def _squeeze(text: str) -> str:
    """`_SPACE_RE.sub(" ", text).strip()`: each run of whitespace one space, none at the ends. By `str.split`
    where its whitespace is `\\s`'s (a text without the characters the two disagree on), a few times faster."""
    if _SPLIT_ODD.search(text) is None:
        return " ".join(text.split())
    return _SPACE_RE.sub(" ", text).strip()


def remove_leaders(text: str, repl: str = " ") -> str:
    """`text` with dotted leaders (``.....``, ``…``, ``___``) replaced by `repl`; single dots stay."""
    return _LEADER_RE.sub(repl, text)


@lru_cache(maxsize=65536)  # pure, and called on the same few thousand texts again and again
def clean_text(text: str) -> str:
    """`text` in NFC without invisible characters, checkbox glyphs and dotted leaders, whitespace collapsed.

    Single dots and commas stay (``1.250`` is a number); ``"…...150.....chiếc"`` -> ``"150 chiếc"``.
    """
    if text.isascii():  # already NFC, nothing invisible, no glyph, and the only leaders are ".." and "__"
        return _squeeze(_LEADER_RE.sub(" ", text) if ".." in text or "__" in text else text)
    s = nfc(text)
    if _INVISIBLE_OR_GLYPH_RE.search(s) is not None:  # (else both passes leave the text as it is)
        s = _GLYPHS_RE.sub(" ", _INVISIBLE_RE.sub("", s))
    if ".." in s or "__" in s or "…" in s or "‥" in s or "⋯" in s:  # (else `_LEADER_RE` finds nothing)
        s = remove_leaders(s)
    return _squeeze(s)


def is_blank_text(text: str) -> bool:
    """True when `text` holds only whitespace, dots, ellipses and underscores (an untouched blank)."""
    return _BLANK_RE.fullmatch(_INVISIBLE_RE.sub("", text)) is not None


@lru_cache(maxsize=65536)
def clean_label(text: str) -> str:
    """The wording of a label, as label matching compares it (case and tones kept, NFC).

    Removes invisible characters, checkbox glyphs, dotted leaders (anywhere), item numbering at the start
    (``1.``, ``1.2.``, ``2.2.2``, ``a)``, ``a.``, ``đ.``, ``IV.``, ``-``, ``+``, ``•``, ``*`` …; heading
    words such as ``MỤC 2.`` are kept), a trailing ``:`` / ``?``; collapses whitespace. Parenthesised
    text is kept.
    """
    s = clean_text(text)
    for _ in range(4):
        if not _may_be_numbered(s):
            break
        stripped = _NUMBERING_RE.sub("", s, count=1)
        if stripped == s:
            break
        s = stripped
    return s.rstrip(_TRAILING)  # (what `_TRAILING_RE` removes: `clean_text` left no whitespace but spaces)


@lru_cache(maxsize=32)
def _abbreviation_pattern(items: tuple[tuple[str, str], ...]
                          ) -> tuple[regex.Pattern[str] | None, dict[str, str], re.Pattern[str] | None]:
    """The pattern of the abbreviations `items`, the expansion of each spelling it matches, and a plain search
    for those spellings anywhere (a text without one has nothing the pattern can match)."""
    table: dict[str, str] = {}
    for short, long in items:
        table[nfc(short)] = long
    for short, long in items:  # the same abbreviation typed without diacritics: QLVBĐH -> QLVBDH
        bare = fold(short).upper()
        table.setdefault(bare, long)
    if not table:
        return None, table, None
    spellings = sorted(table, key=lambda k: (-len(k), k))
    alternatives = "|".join(regex.escape(k) for k in spellings)
    return (regex_compile(r"(?<![\p{L}\p{N}])(?:" + alternatives + r")(?![\p{L}\p{N}])"), table,
            re.compile("|".join(re.escape(k) for k in spellings)))


# the last abbreviation table `expand_abbreviations` was given (a copy), its `_abbreviation_pattern` and the word
# keys made with it (`label_keys`), and the read-only view it came as (or None): the same table comes with every
# label, and comparing it is cheaper than sorting and hashing its items (and the same view cheaper still)
_LAST_TABLE: list[Any] = [None, None, None, None]


def _compiled_table(abbreviations: Mapping[str, str]
                    ) -> tuple[regex.Pattern[str] | None, dict[str, str], re.Pattern[str] | None]:
    """`_abbreviation_pattern` of `abbreviations`, remembered for the last table (a new table drops the word keys)."""
    last, compiled, _, proxy = _LAST_TABLE
    if abbreviations is proxy:  # the read-only view it was copied from: the same table (see below)
        return compiled  # type: ignore[no-any-return]
    if last is None or last != abbreviations:
        compiled = _abbreviation_pattern(tuple(sorted(abbreviations.items())))
        _LAST_TABLE[:] = [dict(abbreviations), compiled, None if any(" " in k for k in compiled[1]) else {}, None]
    # the vocabulary's table is a `MappingProxyType` over a dict only the proxy holds (`vocab._load_vocabulary`):
    # it cannot change, so the same proxy is the same table without comparing its items at every call
    _LAST_TABLE[3] = abbreviations if isinstance(abbreviations, MappingProxyType) else None
    return compiled  # type: ignore[no-any-return]


def expand_abbreviations(text: str, abbreviations: Mapping[str, str]) -> str:
    """`text` with each abbreviation replaced by its expansion: whole words, case-sensitive, longest first.

    ``CCVC-NLĐ`` is one abbreviation (not ``CC`` + ``NLĐ``); the diacritic-free spelling of each
    abbreviation (``QLVBDH`` for ``QLVBĐH``) is expanded too unless it is an abbreviation itself.
    """
    pattern, table, spelled = _compiled_table(abbreviations)
    if pattern is None or spelled.search(text) is None:  # (no spelling in it: nothing to expand)
        return text
    return pattern.sub(lambda m: " " + table[m.group(0)] + " ", text)


def label_key(text: str, abbreviations: Mapping[str, str]) -> str:
    """The key labels are matched on: ``clean_label`` + abbreviation expansion + ``tone_key``, then every
    punctuation mark and symbol except ``% / < > ≤ ≥`` removed (those stand as separate tokens) and
    whitespace collapsed.

    `abbreviations` is the table from ``extractor.text.vocab.abbreviations()`` (``patterns/vocabulary.yaml``).
    Example: ``"1.2. Số lượng CBCCVC:"`` -> ``"số lượng cán bộ công chức viên chức"`` (in tone-key form).
    Give rapidfuzz these keys with ``processor=None`` (never ``utils.default_process``).
    """
    s = expand_abbreviations(clean_label(text), abbreviations)
    s = tone_key(s)
    s = _PUNCT_RE.sub(" ", s)
    s = _KEPT_RE.sub(r" \1 ", s)
    return _squeeze(s)


_WORD_KEYS_MAX = 32768  # words remembered by `label_keys` (a few thousand distinct in every form's labels)


def label_keys(text: str, abbreviations: Mapping[str, str]) -> tuple[str, str]:
    """``(label_key(text), fold(label_key(text)))``, computed a word at a time and each word's keys remembered.

    Exact: after ``clean_label`` every step keeps to the words between two spaces (U+0020). NFD, NFC and
    `str.lower` never join a space to a neighbour (it is a starter that composes with nothing, and not
    case-ignorable: a final sigma is told the same either side of it); a syllable is letters and marks; a
    punctuation run holds no space; an abbreviation is matched between non-letters and no spelling holds a space
    (else the whole text takes the plain steps). The keys of the text are then the keys of its words, joined by
    one space, empty ones left out (`_squeeze` of the joined keys: `str.split` where no word's keys hold
    U+001C-U+001F, else the text takes the plain steps), and ``fold`` keeps every space in place."""
    s = clean_label(text)
    _compiled_table(abbreviations)
    words: dict[str, tuple[str, str]] | None = _LAST_TABLE[2]
    if words is None:  # a spelling with a space: an abbreviation may span two words
        key = label_key(text, abbreviations)
        return key, fold(key)
    parts = s.split(" ")
    try:
        got = [words[w] for w in parts]
    except KeyError:  # words not seen before: their keys, remembered (a word with an odd space is not)
        got = [words.get(w) or _word_keys(w, abbreviations, words) for w in parts]  # type: ignore[misc]
        if None in got:
            key = label_key(text, abbreviations)
            return key, fold(key)
    tones, folds = zip(*got, strict=True)
    tone = " ".join(tones)
    if "  " in tone or tone[:1] == " " or tone[-1:] == " ":  # a word with no key (punctuation alone): left out,
        # its fold with it (a fold may be empty where the key is not: a lone combining mark). No word's key has a
        # space at an end or two together, so only an empty key makes them.
        kept = [g for g in got if g[0]]
        return " ".join([g[0] for g in kept]), " ".join([g[1] for g in kept])
    return tone, " ".join(folds)


def _word_keys(w: str, abbreviations: Mapping[str, str], words: dict[str, tuple[str, str]]) -> tuple[str, str] | None:
    """The keys of one word of a cleaned label (`label_keys`), remembered in `words` (bounded: cleared when full);
    None for a word whose keys hold U+001C-U+001F (`_squeeze` keeps them inside a text but strips them at its
    ends: the whole text takes the plain steps). A word whose tone key is ASCII letters and digits has no
    punctuation, symbol or odd space for the steps after `tone_key` to act on (ASCII's categories are fixed):
    those steps are skipped."""
    expanded = expand_abbreviations(w, abbreviations)
    if expanded.isascii():  # NFD and NFC leave ASCII as it is, and it has no tone mark: `tone_key` is `lower`
        raw = expanded.lower()
        if raw.isalnum():
            return _remember(words, w, (raw, raw))  # (`fold` of ASCII is `lower`)
    else:
        raw = tone_key.__wrapped__(expanded)
    raw = _KEPT_RE.sub(r" \1 ", _PUNCT_RE.sub(" ", raw))
    if _SPLIT_ODD.search(raw) is not None:
        return None
    tone = " ".join(raw.split())
    return _remember(words, w, (tone, fold.__wrapped__(tone)))


def _remember(words: dict[str, tuple[str, str]], w: str, got: tuple[str, str]) -> tuple[str, str]:
    if len(words) >= _WORD_KEYS_MAX:
        words.clear()
    words[w] = got
    return got


def label_fold_key(text: str, abbreviations: Mapping[str, str]) -> str:
    """``label_key`` without diacritics (``fold``): matches labels typed without tones."""
    return fold(label_key(text, abbreviations))
