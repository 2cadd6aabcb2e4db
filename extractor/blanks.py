"""Split one line of text into its blanks: dotted leaders (with what was typed inside or beside them),
values typed where the dots were deleted, and `label: value` tails.

    "1.2. Tổng số …: …..120…… người, Tỷ lệ: 85 %"  →  [Region(label="Tổng số …", raw="120", unit="người"),
                                                      Region(label="Tỷ lệ", raw="85", unit="%")]
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

import regex
from rapidfuzz.distance import OSA

from extractor.compiled import regex_compile
from extractor.text.normalize import REGEX_WHITESPACE, fold, nfc
from extractor.text.vocab import load_vocabulary

# `(?:[.…_]\s?){2,}|…` matched a run at a time: a run of leader characters, or one `\s` and the next leader character
# (the two begin differently: nothing to backtrack into, hence possessive). The same matches; the engine kept a
# backtrack entry per dot of the repeated group (a 150-dot leader: 14 µs to find, 1.2 µs so)
LEADER = regex_compile(r"[.…_](?:[.…_]++|\s[.…_])++\s?|…")
NUMBER = r"(?:\d{1,3}(?:[.,\u00a0 ]\d{3})+|\d+)(?:[.,]\d+)?"
# a phone: "0911773136", "0257.3841 234", "(0299) 387 7990", "024.3338547", "(0257) 3.840.392", "0257 3 842 554";
# several joined by a dash or a slash: "0257 3 842 554 - 0902 642 322"
_ONE_PHONE = r"\(?0\d{2,3}\)?(?:[. -]?\d){6,8}(?!\d)"
PHONE = _ONE_PHONE + r"(?:\s?[-–/;]\s?" + _ONE_PHONE + r")*"
# a value typed where the dots were deleted: a number, percent, ratio or date right after ':' ')' or a leader (each
# alternative first looks ahead for the digit or the phone's bracket it begins with: the look-behind, slower, is
# tried only there)
ANCHORED_VALUE = regex_compile(
    # every alternative begins with a digit or a bracket: one look-ahead for it before the alternatives (the same
    # matches as the look-ahead at the head of each, at about half the cost: the engine tried each in turn)
    r"(?=[\d(])(?:(?<=(?:[:)\]…\t]|\.\.)\s{0,3})"
    r"(?:\d{1,2}/\d{1,2}/\d{2,4}|" + PHONE + "|" + NUMBER + r"(?:\s?%)?(?:\s?/\s?" + NUMBER + r")?)"
    r"(?=\s*(?:$|[,;](?!\d)|[(\t…%]|\.\.|\.\s*$|\s\S)|\p{L}|/\p{Ll}{2})"  # "50 / 141/tháng": a ratio per month
    # a phone number typed straight after its label: "Điện thoại cơ quan0972676431"
    r"|(?<=\p{L})(?:" + PHONE + r"|\d{1,2}/\d{1,2}/\d{4})" +
    # a date typed after the place name of a signature line: "Tuy Hòa, 15/08/2019" (spelled-out dates: _date_frames)
    r"|(?=\d)(?<=,\s{0,3})\d{1,2}/\d{1,2}/\d{4})"
)
COLON = re.compile(r":(?!//)")  # (literal characters only: `re` gives the same matches at a third of the call's cost)
_ADDRESS = r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+|(?:https?://|www\.)[^\s,;]+[^\s,;.]"  # an e-mail or a web address


def _spaced_value(addresses: bool) -> regex.Pattern[str]:
    """A value after label words and a space: a number, a phone, or (with `addresses`) an e-mail or a web address."""
    addr = (_ADDRESS + "|" + PHONE) if addresses else PHONE
    pattern = (
        r"(?<=\p{L}\)?[ \t]+(?:\S+[ \t]+)*?)(?:(?P<addr>" + addr + r")|" + NUMBER + r"(?:\s?%)?(?:\s?/\s?" +
        NUMBER + r")?)(?=[\s.,;%]|/\p{L}|$)"
        # a ratio glued to the label's last word, the dots deleted: "… văn bản đi1308 / 2053/tháng" (never a month and
        # year: "… quý 3/2019")
        r"|(?=\d)(?<=\p{Ll})(?!\d{1,2}/(?:19|20)\d\d(?!\d))" + NUMBER + r"\s?/\s?" + NUMBER + r"(?=[\s.,;]|/\p{L}|$)")
    # without addresses, a phone or a number begins with a digit or a bracket: one look-ahead before both
    # alternatives (the second's own `(?=\d)` is stricter)
    return regex_compile(pattern if addresses else r"(?=[\d(])(?:" + pattern + ")")


_SPACED_VALUE = _spaced_value(addresses=True)
# the same for a text with no "@", "http" or "www." (no address can match): trying an e-mail at every word, the
# whole word read before the "@" is missed, was most of the pattern's time
_SPACED_NUMBER = _spaced_value(addresses=False)


def _spaced_values(text: str) -> Iterator[regex.Match[str]]:
    """`_SPACED_VALUE`'s matches in `text`. Without an address, every alternative holds a digit (`\\d`, the
    patterns' own class): a text without one has none (one search instead of a try at every word)."""
    if "@" in text or "http" in text or "www." in text:
        return _SPACED_VALUE.finditer(text)
    start = _first_value_start(text)
    return _SPACED_NUMBER.finditer(text, start) if start >= 0 else iter(())


def _first_value_start(text: str) -> int:
    """Where a match of a pattern that begins `(?=[\\d(])` (`ANCHORED_VALUE`, `_SPACED_NUMBER`) can begin first in a
    text whose values all hold a digit: its first digit, or a bracket before it (-1: no digit). The search starts
    there: its look-behinds still see the text before it (a start position is not a slice), and the scan for the
    first character is not done twice."""
    digit = _DIGIT.search(text)
    if digit is None:
        return -1
    paren = text.find("(", 0, digit.start())
    return paren if paren >= 0 else digit.start()


_YEAR = regex_compile(r"(?:19|20)\d\d")
_DIGIT = regex_compile(r"\d")
_ANSWER_AFTER_BRACKET = regex_compile(r"\)[ \t]+(?P<word>\p{L}+(?: \p{L}+){0,3})[ \t.;,]*$")
_LEADING_VALUE = regex_compile(r"\s*(?:" + NUMBER + r"(?:\s?%)?|\d{1,2}/\d{1,2}/\d{2,4})\s*")
# what may follow the dots that end a line as its value: an address, or a few words (checked against the vocabulary)
_TAIL_WORD = regex_compile(r"[ \t]*(?P<value>(?P<addr>[\w.+-]+@[\w-]+(?:\.[\w-]+)+|(?:https?://|www\.)\S+?)"
                           r"|(?P<word>\p{L}+(?: \p{L}+){0,3}))[ \t.;,]*")
QUALIFIER = regex_compile(r"\(([^()]{2,30})\)\s*$")
# between a value (and its unit) and the next label: a tab, a run of spaces, a comma, the end of a sentence
_SEPARATOR = regex_compile(r",?\t+|,? {3,}|, (?=\p{L})|(?<=\S{2})\. (?=\p{Lu})")


def _may_separate(text: str) -> bool:
    """False when `_SEPARATOR` cannot match `text`: each of its alternatives holds a tab, three spaces, `, ` or
    `. ` (substring tests instead of the pattern's four tries at every position)."""
    return "\t" in text or "   " in text or ", " in text or ". " in text
_PHONE = regex_compile(PHONE)
_SHORT_LABEL = 4  # words of the label after a phone or an address typed with no separator before it
_NOTE = regex_compile(r"^[ .;,]*\([^()]*\)[ .;,]*$")  # a bracketed note after a value and its unit
_FUZZY_UNIT = 4  # letters a unit needs before a slip in it is still read as that unit
_NEXT_LABEL = regex_compile(r" \p{L}[^,;\t]{0,40}:")


@dataclass(slots=True)
class Region:
    """One blank of a line."""

    start: int
    end: int
    raw: str  # what was typed ("" when empty)
    label: str = ""  # raw label text before it (numbering and punctuation not yet cleaned)
    unit: str = ""  # unit printed or typed right after it
    column: str | None = None  # per-level qualifier printed before it: "(Cấp huyện)…"
    weak: bool = False  # an empty `label:` with no dots: maybe a blank, maybe a sub-heading
    spaced: bool = False  # a value after its label and a space (`Số điện thoại 0967011931`); printed words if the
    # line is a printed line


class _Units(tuple):
    """The catalogue's units, hashed by identity: the per-line memos take them as a key, and a tuple of ~90
    strings costs ~0.7 µs to hash at every look-up. Equal to the plain tuple; only `stable_units` makes one."""

    __slots__ = ()
    __hash__ = object.__hash__


_LAST_UNITS: list[tuple[tuple[str, ...], _Units]] = []


def stable_units(units: Sequence[str]) -> Sequence[str]:
    """`units` as the one `_Units` object kept for that tuple (a list or other sequence is returned as is)."""
    if not isinstance(units, tuple) or isinstance(units, _Units):
        return units
    if not _LAST_UNITS or _LAST_UNITS[0][0] is not units:
        _LAST_UNITS[:] = [(units, _Units(units))]  # the tuple is kept: its identity stays its own
    return _LAST_UNITS[0][1]


def split_unit(text: str, units: Sequence[str]) -> tuple[str, str]:
    """Split a leading unit off NFC `text`: `' người, Tỷ lệ: '` → ('người', 'Tỷ lệ: ').

    `units` are folded spellings (see `extractor.text.normalize.fold`), longest first; folding keeps
    NFC string positions, so tone-less and differently-cased units match too. A rate is one unit: a unit per
    another (`văn bản/tháng`, in brackets too) or per a unit alone, right after the number (`/tháng`).
    """
    stripped = text.lstrip(" \t\u00a0")
    paren = stripped.startswith("(")
    body = stripped[1:] if paren else stripped
    n = _unit_at(body, units)
    if n and body[n:n + 1] == "/" and (per := _unit_at(body[n + 1:], units)):
        n += 1 + per  # "văn bản/tháng"
    elif not n and not paren and body.startswith("/") and (per := _unit_at(body[1:], units)):
        n = 1 + per  # "2053/tháng"
    if not n:
        return "", text
    rest = body[n:]
    if paren:
        if not rest.startswith(")"):
            return "", text
        rest = rest[1:]
    return body[:n], rest.lstrip(" \t.,;")


def _unit_at(body: str, units: Sequence[str]) -> int:
    """The length of the unit `body` starts with (the longest of `units`), 0 when none; never the start of the
    next label (`Tỷ lệ:`, `Cán bộ phụ trách:`)."""
    if isinstance(units, tuple):  # only the units that begin with the text's first letter can begin it
        by_first = _units_by_first(units)
        first = fold(body[:1])  # folding is a map of each character: when one comes of it, it begins fold(body)
        if len(first) == 1 and first not in by_first and not by_first[""]:
            return 0  # (no unit to try: the whole text is not folded)
        low = fold(body)
        units = by_first.get(low[:1], by_first[""])
    else:
        low = fold(body)
    for ul in units:
        if low.startswith(ul) and (len(low) == len(ul) or not low[len(ul)].isalnum()):
            if _NEXT_LABEL.match(body[len(ul):]):
                continue
            return len(ul)
    return 0


@functools.lru_cache(maxsize=8)
def _units_by_first(units: tuple[str, ...]) -> dict[str, tuple[str, ...]]:
    """`units` by their first character, each in the order of `units` (an empty unit, which begins any text, in
    every list); under "": the empty units alone, for a text that begins with no unit's first character."""
    empty = tuple(u for u in units if not u)
    out = {u[:1]: tuple(x for x in units if x[:1] in ("", u[:1])) for u in units if u}
    out[""] = empty
    return out


def split_value_unit(text: str, units: Sequence[str]) -> tuple[str, str]:
    """`'150 chiếc.'` → ('150', 'chiếc'); text without a trailing unit is returned whole."""
    if isinstance(units, tuple):  # the catalogue's units, longest first: one regex search, once per text
        return _split_value_unit(text, units)
    t = text.strip().rstrip(".;,")
    low = fold(t)
    for ul in units:
        u = ul
        if low.endswith(ul) and len(low) > len(ul) and not low[-len(ul) - 1].isalpha():
            return t[:-len(u)].strip().rstrip("("), t[-len(u):]
    return t, ""


@functools.lru_cache(maxsize=16384)
def _split_value_unit(text: str, units: tuple[str, ...]) -> tuple[str, str]:
    t = text.strip().rstrip(".;,")
    n = _unit_suffix_length(fold(t), units)
    if not n:
        return t, ""
    return t[:-n].strip().rstrip("("), t[-n:]


_LETTER = regex_compile(r"\p{L}")


def _unit_suffix_length(folded: str, units: tuple[str, ...]) -> int:
    """The length of `_unit_suffix(units)`'s match in `folded`, 0 for none, without a search from every position:
    the pattern ends at the end of the text, so its leftmost match is the longest unit that ends the text after a
    non-letter (`\\p{L}`, the pattern's own test). A set look-up per unit length, longest first."""
    ends = _unit_ends(units)
    if ends is None:  # an empty unit: the pattern as it is
        m = _unit_suffix(units).search(folded)
        return len(m.group()) if m is not None else 0
    size = len(folded)
    for n, same in ends:
        if n < size and folded[size - n:] in same and _LETTER.match(folded, size - n - 1) is None:
            return n
    return 0


@functools.lru_cache(maxsize=8)
def _unit_ends(units: tuple[str, ...]) -> tuple[tuple[int, frozenset[str]], ...] | None:
    """`units` by length, longest first (None when one is empty: the search handles that case)."""
    if "" in units:
        return None
    return tuple((n, frozenset(u for u in units if len(u) == n)) for n in sorted({len(u) for u in units}, reverse=True))


@functools.lru_cache(maxsize=8)
def _unit_suffix(units: tuple[str, ...]) -> regex.Pattern[str]:
    """The longest unit ending the text after a non-letter: the leftmost match of the alternation (units longest
    first) is the first unit of the list `split_value_unit`'s loop would take."""
    return regex_compile(r"(?<=\P{L})(?:" + "|".join(regex.escape(u) for u in units) + r")\Z")


@functools.lru_cache(maxsize=1)
def _after_anchor_word() -> regex.Pattern[str]:
    words = "|".join(regex.escape(w) for w in load_vocabulary().value_anchors)
    # (a number begins with a digit: the look-ahead lets the look-behind be tried only there, the same matches)
    return regex_compile(r"(?=\d)(?<=(?:^|\s)(?:" + words + r")\s{0,3})(?:" + NUMBER + r")(?:\s?%)?"
                         r"(?=\s*(?:$|[,;.(…]|\s\S)|\p{L})",
                         regex.IGNORECASE)


@functools.lru_cache(maxsize=1)
def _zero_sign_value() -> regex.Pattern[str]:
    """A sign typed for none where the dots were (`tính đến 1/10/2020:-dịch vụ`, `(Cấp tỉnh)-- (Cấp huyện)…`): one
    of the vocabulary's zero signs right after a colon or a closing bracket, then the end, punctuation or a
    lower-case unit (a capital starts printed text: `Ghi chú: - Các …`)."""
    zero_signs = load_vocabulary().zero_signs
    signs = "|".join(regex.escape(w) for w in sorted(zero_signs, key=len, reverse=True))
    return regex_compile(_first_of(zero_signs) + r"(?<=[:)]\s{0,3})(?<![\d\p{L}]\s{0,3}[-–—])(?:" + (signs or "(?!)") +
                         r")"
                         r"(?![-–—\d])(?=\s{0,3}(?:$|[,;.(…\t]|\p{Ll}))")


@functools.lru_cache(maxsize=1)
def _zero_sign_starts() -> frozenset[str] | None:
    """The first characters of the vocabulary's zero signs (None when one is empty: it begins anywhere)."""
    signs = load_vocabulary().zero_signs
    return frozenset(s[0] for s in signs) if all(signs) else None


def _may_zero_sign(text: str) -> bool:
    """False when `_zero_sign_value` cannot match `text`: every match begins with a zero sign's first character."""
    starts = _zero_sign_starts()
    return starts is None or any(c in text for c in starts)


def _may_lead(text: str) -> bool:
    """False when `LEADER` cannot match `text`: a match is a `…`, or two of `.…_` with at most one `\\s` character
    between them (a full stop, a decimal point or `a.b.c` alone is none: the pattern is not run there)."""
    return "…" in text or close_pair(text, "._")


_LEADER_GAP = frozenset(REGEX_WHITESPACE)  # (`\s`: the one character a leader may hold between two dots)


def close_pair(text: str, chars: str) -> bool:
    """Does `text` hold two of `chars` (each one character) with at most one `\\s` character between them? A look
    at each occurrence of `chars` (a few in a line) instead of a pattern's try at every position."""
    end = len(text)
    for ch in chars:
        at = text.find(ch)
        while at >= 0:
            k = at + 1
            if k < end and text[k] in _LEADER_GAP:
                k += 1
            if k < end and text[k] in chars:
                return True
            at = text.find(ch, at + 1)
    return False


def unlead(text: str, repl: str = " ") -> str:
    """`LEADER.sub(repl, text)`, with no pass over a text that holds no leader (`_may_lead`)."""
    return LEADER.sub(repl, text) if _may_lead(text) else text


def find_leader(text: str) -> regex.Match[str] | None:
    """`LEADER.search(text)`, with no pass over a text that holds no leader (`_may_lead`)."""
    return LEADER.search(text) if _may_lead(text) else None


def _spans(text: str, units: Sequence[str] = ()) -> list[tuple[int, int, str]]:
    spans = [(m.start(), m.end(), "leader") for m in LEADER.finditer(text) if not _is_ellipsis(text, m)] \
        if _may_lead(text) else []
    found: list[regex.Match[str]] = []
    start = _first_value_start(text)
    if start >= 0:  # a number, a phone or a date: digits (an anchor word's number begins at a digit, `(?=\d)`)
        found += [*ANCHORED_VALUE.finditer(text, start), *_after_anchor_word().finditer(text, _digit_at(text, start))]
    if ":" in text:  # an answer word after a colon
        found += _answer_words_after_colon(text, units)
    if (":" in text or ")" in text) and _may_zero_sign(text):  # a zero sign after a colon or a closing bracket
        found += _zero_sign_value().finditer(text)
    for m in found:
        if not any(a <= m.start() < b for a, b, _ in spans):
            spans.append((m.start(), m.end(), "value"))
    return sorted(spans)


def _digit_at(text: str, start: int) -> int:
    """The first digit at or after `_first_value_start`'s `start` (itself, unless it is a bracket)."""
    if text[start] != "(":
        return start
    digit = _DIGIT.search(text, start)
    return digit.start() if digit is not None else len(text)


@functools.lru_cache(maxsize=1)
def _anchored_answer_word() -> regex.Pattern[str]:
    words = sorted(answer_words(), key=lambda w: (-len(w), w))  # (the same pattern text in every process)
    return regex_compile(_first_of(words) + r"(?<=:[ \t]{0,3})(?:" + "|".join(regex.escape(w) for w in words) +
                         r")(?!\p{L})")


def _first_of(words: Sequence[str]) -> str:
    """A look-ahead for the first characters of `words` (case as given): put before a look-behind and the words'
    alternation, the look-behind is tried only where a word can begin (the same matches). Empty when a word is."""
    if not words or not all(words):
        return ""
    return "(?=[" + "".join(regex.escape(c) for c in sorted({w[0] for w in words})) + "])"


def _answer_words_after_colon(text: str, units: Sequence[str]) -> list[regex.Match[str]]:
    """A yes/no or zero word typed where the dots were after a colon, the next blank on the same line
    (`Cán bộ phụ trách:Không có người      Cán bộ kiêm nhiệm:…5…người`): followed by a unit, a tab or a wide gap, or
    ending the line. Matched on the folded text, whose positions are the text's."""
    out: list[regex.Match[str]] = []
    folded = fold(text)
    if not _word_may_follow_colon(folded):
        return out
    for m in _anchored_answer_word().finditer(folded):
        rest = text[m.end():]
        unit, _ = split_unit(rest, units) if units else ("", rest)
        if unit or not rest.strip() or rest.startswith(("\t", "  ", " \t")):
            out.append(m)
    return out


def _word_may_follow_colon(folded: str) -> bool:
    """False when `_anchored_answer_word` cannot match `folded`: a match begins with a word's first character
    (never a space or a tab) right after a colon and at most three spaces or tabs, so the first character after
    each colon's spaces and tabs (three at most) is the only place one can begin. A plain test at each colon
    instead of the pattern's look-ahead at every position."""
    starts = _answer_starts()
    if starts is None:
        return True
    at = folded.find(":")
    while at >= 0:
        k = at + 1
        while k < len(folded) and k - at <= 3 and folded[k] in " \t":
            k += 1
        if folded[k:k + 1] in starts:
            return True
        at = folded.find(":", at + 1)
    return False


@functools.lru_cache(maxsize=1)
def _answer_starts() -> frozenset[str] | None:
    """The first characters of `answer_words` (None when a word is empty or begins with a space or a tab)."""
    words = answer_words()
    if not all(words) or any(w[0] in " \t" for w in words):
        return None
    return frozenset(w[0] for w in words)


def _is_ellipsis(text: str, m: regex.Match[str]) -> bool:
    """`CISM…)`, `Cao đẳng....;`: one `…` or a few dots glued to a word and closing a list is not a blank
    (a leader is longer: `………,` is a blank before a comma)."""
    end = m.end()
    if end >= len(text) or text[end] not in "),;:":  # (tested first: what follows most leaders says no)
        return False
    before = text[m.start() - 1] if m.start() else " "
    mark = m.group(0).strip()
    short = mark == "…" or (len(mark) <= 4 and not mark.strip(".")) or mark in ("….", "...…")
    return short and (before.isalnum() or before == ",")


@functools.lru_cache(maxsize=16384)
def has_leader(text: str) -> bool:
    """Does `text` hold a dotted leader (an ellipsis closing a list does not count)?"""
    return _may_lead(text) and any(not _is_ellipsis(text, m) for m in LEADER.finditer(text))


def _joinable(gap: str, units: Sequence[str]) -> bool:
    """Is the text between two leaders a value typed inside one blank (`…..150.....`)?"""
    t = gap.strip()
    if not t:
        return True
    if t[0] in ",;":  # ", chuyên ngành": a separator and the next label
        return False
    return not (COLON.search(t) or "(" in t or ")" in t or "\t" in gap) and len(t.split()) <= 30


def _continues(gap: str) -> bool:
    """Is the text after a typed number more of the same value (`…168 Lê Duẩn, phường 9, TP. Tuy Hòa……`) rather
    than the next blank's sub-label (`……2…… Phụ trách ……`)? A sub-label holds no digit and no comma."""
    t = gap.strip().lstrip(",; ")  # "18, Hùng Vương, phường 7": a comma after a house number
    return bool(t) and "\t" not in gap and not COLON.search(t) and (any(ch.isdigit() for ch in t) or "," in t)


def split_line(text: str, units: Sequence[str], spaced: bool = False,
               sub_labels: frozenset[str] = frozenset()) -> list[Region]:
    """The blanks of one line, in order, with labels, units and qualifiers (read as NFC; positions too). With
    `spaced`, a line with no blank otherwise may end with a value after its label and a space (`_space_tail`).
    `sub_labels` (folded, `Printed.sub_labels`) are the printed labels a separator brings in between two blanks
    (`, chuyên ngành`): where one follows typed text, the next blank starts there (`_sub_label_split`)."""
    if sub_labels and "," not in text:
        sub_labels = frozenset()  # a sub-label follows its comma: a line without one is split the same without them
    if not isinstance(units, tuple):
        return _split_line(text, units, spaced, sub_labels)
    # the printed lines of a form come back in every return: split each distinct line once
    return [Region(r.start, r.end, r.raw, r.label, r.unit, r.column, r.weak, r.spaced)
            for r in _split_line_cached(text, units, spaced, sub_labels)]


@functools.lru_cache(maxsize=16384)
def _split_line_cached(text: str, units: tuple[str, ...], spaced: bool,
                       sub_labels: frozenset[str]) -> tuple[Region, ...]:
    return tuple(_split_line(text, units, spaced, sub_labels))


@functools.lru_cache(maxsize=8)
def _sub_label_re(sub_labels: frozenset[str]) -> regex.Pattern[str] | None:
    if not sub_labels:
        return None
    # (longest first, then by text: the same pattern, and compiled-cache key, in every process)
    words = "|".join(regex.escape(w).replace("\\ ", r"\s+") for w in sorted(sub_labels, key=lambda w: (-len(w), w)))
    return regex_compile(r",\s*(?:" + words + r")")


def _sub_label_split(gap: str, sub_labels: frozenset[str]) -> tuple[int, int] | None:
    """Where a printed sub-label (`, chuyên ngành`) sits in the text between two blanks: (its comma, its end), when
    it ends the text (the next blank's dots follow) or typed text is glued after it (`, chuyên ngànhĐề nghị …`)."""
    pattern = _sub_label_re(sub_labels)
    if pattern is None:
        return None
    found = None
    for m in pattern.finditer(fold(gap)):
        end = m.end()
        if end == len(gap.rstrip()) or gap[end:end + 1].isupper():  # never inside a word: `…, ngàyx`
            found = (m.start(), end)
    return found


def _split_line(text: str, units: Sequence[str], spaced: bool = False,
                sub_labels: frozenset[str] = frozenset()) -> list[Region]:
    text = nfc(text)
    groups: list[list[tuple[int, int, str]]] = []
    typed = False  # the current group holds typed text
    for span in _spans(text, units):
        if groups:
            prev = groups[-1][-1]
            gap = text[prev[1]:span[0]]
            cut = _sub_label_split(gap, sub_labels) if span[2] == "leader" else None
            if cut is not None:
                # "…Đại học, chuyên ngành…CNTT…", "…Kỹ sư, chính quy……, chuyên ngànhMáy tính …..": typed text before the
                # sub-label is the blank's before it, typed text glued after it the next blank's
                comma, end = prev[1] + cut[0], prev[1] + cut[1]
                if text[prev[1]:comma].strip(" .…"):
                    groups[-1].append((prev[1], comma, "value"))
                glued = text[end:span[0]].strip(" .…")
                groups.append([(end, span[0], "value"), span] if glued else [span])
                typed = bool(glued)
                continue
            kinds = {prev[2], span[2]}
            # "……2…… Phụ trách ……3……": words after a typed value are the next blank's sub-label
            sub_label = typed and any(ch.isalpha() for ch in gap) and not _continues(gap)
            if (kinds == {"leader"} and _joinable(gap, units) and not sub_label) or \
                    ("value" in kinds and kinds != {"value"} and (not gap.strip() or
                                                               (prev[2] == "value" and _continues(gap)))):
                typed = typed or bool(gap.strip()) or span[2] == "value"
                groups[-1].append(span)
                continue
        groups.append([span])
        typed = span[2] == "value"
    regions = []
    prev_end = 0
    for g in groups:
        start, end = g[0][0], g[-1][1]
        raw = " ".join(unlead(text[start:end]).split())
        if not raw and g[0][2] == "leader":
            # a value typed right before the leader, after the label's colon: ": .stp.gov.vn………"
            gap = text[prev_end:start]
            colon = list(COLON.finditer(gap))
            before = gap[colon[-1].end():] if colon else ""
            if before.strip(" .…") and not before.endswith("\t") and not _qualifier(before):
                raw = before.strip(" .…")
                start = prev_end + colon[-1].end()
            elif not regions and _LEADING_VALUE.fullmatch(gap):  # a cell or line that starts "43 ….. máy"
                raw = gap.strip(" .…")
                start = len(gap) - len(gap.lstrip())
        regions.append(Region(start, end, raw.strip(" ,;:")))
        prev_end = end
    _date_frames(text, regions)
    _word_after_leader(text, regions)
    _colon_tail(text, regions)
    if spaced and not regions:
        _space_tail(text, regions, units)
    if spaced and regions:
        _space_head(text, regions, units)
        _space_after(text, regions, units)
    _labels(text, regions, units)
    return regions


_DATE_TOKEN = regex_compile(r"\p{L}+|\d+")
_NUMERIC_DATE = regex_compile(r"\d{1,2}/\d{1,2}/\d{4}")
# the place before a date frame: a leader or a few words ending with a comma, alone on the line but for a tab
_PLACE = regex_compile(r"(?<=^[ \t]*)(?:(?:[.…_][ ]?)+|[\p{L}.][\p{L}. ]{0,40}),[ \t]*$")


@functools.lru_cache(maxsize=1)
def _date_frame() -> regex.Pattern[str]:
    """A date as forms print it for the clerk to fill, day, month and year words each followed by dots or a number
    (`ngày ...... tháng  8 năm 2019`, typed: `ngày ..18.. tháng  8 năm 2019`), matched on folded text; the words
    are patterns/vocabulary.yaml's `date_words`."""
    voc = load_vocabulary()

    def words(ws: Sequence[str]) -> str:
        return "(?:" + "|".join(regex.escape(fold(w)) for w in sorted(ws, key=len, reverse=True)) + ")"

    part = r"[ \t]*(?P<{}>(?:[.…_][ ]?)*\d{{1,4}}(?:[ ]?[.…_])*|(?:[.…_][ ]?)*[.…_])"
    return regex_compile(r"(?<!\w)" + words(voc.day_words) + r"(?:" + part.format("day") + r"[ \t,]*" +
                         words(voc.month_words) + part.format("month") + r"[ \t,]*" +
                         words(voc.year_words) + part.format("year") +
                         r"|[ \t]*(?P<numeric>" + _NUMERIC_DATE.pattern + "))")  # "ngày 20/8/2019" over the frame


def _date_frames(text: str, regions: list[Region]) -> None:
    """A spelled-out date frame is one blank, whatever blanks its dots made: its value is the date it reads with the
    dots left out (`ngày 18 tháng 8 năm 2019`), or nothing while no part the clerk fills holds a number (the
    month and year a form prints alone are no answer). A part is the clerk's when it has dots beside its number
    or is the day (forms print a month and a year for the clerk to complete, never a day)."""
    for m in _frames(text):
        typed = bool(m.group("numeric")) or any(
            m.group(p) and any(ch.isdigit() for ch in m.group(p)) and (p == "day" or LEADER.search(m.group(p)))
            for p in ("day", "month", "year"))
        raw = m.group("numeric") or (" ".join(_DATE_TOKEN.findall(text[m.start():m.end()])) if typed else "")
        start = m.start()
        place = _PLACE.search(text[:start])  # "……, ngày", "Tuy Hòa, ngày": the place the date is given at
        if place:
            start = place.start()
        inside = [r for r in regions if r.start < m.end() and r.end > start]
        if not inside and not typed:
            continue
        at = regions.index(inside[0]) if inside else sum(r.end <= start for r in regions)
        for r in inside:
            regions.remove(r)
        if inside and inside[0].start < start:  # "Số: …… ngày ..12..": the blank before the frame stays its own
            head = inside[0]
            regions.insert(at, Region(head.start, start, " ".join(unlead(text[head.start:start]).split())
                                      .strip(" ,;:")))
            at += 1
        regions.insert(at, Region(start, m.end(), raw))
    for r in list(regions):  # "Phú Yên, 26/10/2017", "……, 26/10/2017": a signature line's date, its place before it
        if "/" in r.raw and _NUMERIC_DATE.fullmatch(r.raw) and (place := _PLACE.search(text[:r.start])):
            regions[:] = [o for o in regions if o is r or not place.start() <= o.start < r.start]
            r.start = place.start()


def _frames(text: str) -> list[regex.Match[str]]:
    """The date frames of a line that are blanks: printed with dots, or a signature line's date after its place
    (a date inside a sentence, `Kế hoạch số 12/KH-UBND ngày 15 tháng 3 năm 2019`, is part of a value)."""
    folded = fold(text)
    if not any(w in folded for w in _day_words()):
        return []  # every frame begins with a day word: a text without one has none
    return [m for m in _date_frame().finditer(folded)
            if LEADER.search(m.group().rstrip(" .…_")) or _PLACE.search(text[:m.start()])]


@functools.lru_cache(maxsize=1)
def _day_words() -> tuple[str, ...]:
    """The folded day words `_date_frame` begins with (`ngay`)."""
    return tuple(fold(w) for w in load_vocabulary().day_words)


@functools.lru_cache(maxsize=16384)
def is_date_line(text: str) -> bool:
    """Is this line a date to fill or filled (`……, ngày ...... tháng  8 năm 2019`, `Tuy Hòa, 15/08/2019`)?"""
    text = nfc(text)
    return bool(_frames(text)) or bool(
        "/" in text and (m := _NUMERIC_DATE.search(text)) and _PLACE.search(text[:m.start()]) and
        not text[m.end():].strip(" .;"))


def date_words() -> str:
    """`ngày tháng năm`: the first day, month and year words of the vocabulary."""
    v = load_vocabulary()
    return " ".join(words[0] for words in (v.day_words, v.month_words, v.year_words))


def _space_tail(text: str, regions: list[Region], units: Sequence[str]) -> None:
    """`Số điện thoại 0967011931`, `Số lao động hợp đồng 68 29`, `… tính đến 1/10/2020 190 dịch vụ`: a line with no
    colon and no dots that ends with a number (a unit or `%` may follow), a phone, an e-mail or a web address after
    label words. The value is the last such token; a date or a year alone is a printed note, not a value."""
    word = _ANSWER_AFTER_BRACKET.search(text) if ")" in text else None  # (the pattern begins with the bracket)
    if word and fold(" ".join(word.group("word").split())) in answer_words():  # "(có/không) Không."
        regions.append(Region(word.start("word"), word.end("word"), word.group("word"), spaced=True))
        return
    found = None
    for m in _spaced_values(text):
        unit, rest = split_unit(text[m.end():], units)
        rest = _NOTE.sub("", rest) if unit else rest  # "1479 văn bản. (Văn bản ký số …)": a note after the unit
        ends = not rest.strip(" \t.;,%") or unit_like(rest, units)  # "58 dcịh vụ": a unit mistyped
        if ends and not _YEAR.fullmatch(m.group()) or (m.group("addr") and not rest.strip()):
            found = (m.start(), m.end(), m.group())
    if found is None:
        found = _zero_tail(text, units)
    if found is None:
        return
    label = text[:found[0]]
    if sum(ch.isalpha() for ch in label) < 4 or "\t" in label.strip() or label.rstrip().endswith(("/", "-")):
        return
    regions.append(Region(*found, spaced=True))


def _zero_tail(text: str, units: Sequence[str]) -> tuple[int, int, str] | None:
    """`… của tổ chức Không có văn bản`: a zero word (`patterns/vocabulary.yaml`) and a unit end the line."""
    value, unit = split_value_unit(text, units)
    words = value.split()
    for n in (3, 2, 1):
        if unit and len(words) > n and fold(" ".join(words[-n:])) in answer_words():
            start = value.rfind(words[-n])
            return start, len(value), value[start:]
    return None


def unit_like(text: str, units: Sequence[str]) -> bool:
    """Is `text` a unit alone, perhaps mistyped by one letter or two swapped (`nggười`, `/táng`, `dcịh vụ`, `%`)?"""
    t = " ".join(fold(text).strip(" /.,;:()").split())
    return bool(t) and not any(ch.isdigit() for ch in t) and any(
        t == u or (len(u) >= _FUZZY_UNIT and OSA.distance(t, u) <= 1) for u in units)


def _space_head(text: str, regions: list[Region], units: Sequence[str]) -> None:
    """`- Số CCVC … của cơ quan 67 người,\tTỉ lệ: 83 %`, `Chuyên trách không có người      Phụ trách: ……0…… người`:
    the words before the first blank hold a value typed after its own label and a space (a number, or a zero
    word, a unit may follow), then a separator (a tab, a run of spaces, a comma; none after a phone or an address
    and before a short label: `Điện thoại cơ quan 0957352361 DĐ: …`) and the first blank's label. The value is a
    blank of its own."""
    head = text[:regions[0].start]
    seps = list(_SEPARATOR.finditer(head)) if _may_separate(head) else []
    if seps:
        segment = head[:seps[-1].start()]
    else:  # "Điện thoại cơ quan 0957352361 DĐ: …": a phone or an address needs no separator before a short label
        typed = [m for m in _spaced_values(head) if m.group("addr") or _PHONE.fullmatch(m.group())]
        if not typed or not any(ch.isalpha() for ch in head[typed[-1].end():]) or \
                len(head[typed[-1].end():].split()) > _SHORT_LABEL:
            return
        segment = head[:typed[-1].end()]
    found: list[Region] = []
    _space_tail(segment, found, units)
    if found:
        regions.insert(0, found[0])


def _space_after(text: str, regions: list[Region], units: Sequence[str]) -> None:
    """`Tiến sỹ: …2… người\t\tThạc sĩ 5 người`, `…: …10… người,\t\tĐạt tỷ lệ 100%`: after the last blank and its
    unit, a separator, then label words and a value with only a space between them: a blank of its own."""
    base = regions[-1].end
    tail = text[base:]
    sep = _SEPARATOR.search(tail) if _may_separate(tail) else None
    if sep is None:
        return
    unit, before = split_unit(unlead(tail[:sep.start()]), units)
    if before.strip(" \t.,;:%)") and not unit_like(before, units):
        return  # words of their own before the separator: not the last blank's unit
    found: list[Region] = []
    _space_tail(tail[sep.end():], found, units)
    if found:
        at = base + sep.end()
        regions.append(Region(found[0].start + at, found[0].end + at, found[0].raw, spaced=True))


def _word_after_leader(text: str, regions: list[Region]) -> None:
    """A yes/no or zero word, an e-mail or a web address typed after the dots that end the line
    (`(có/không): ……Không.`, `Thư điện tử: ……abc@sotttt.gov.vn`): the last blank's value."""
    if not regions or regions[-1].raw:
        return
    tail = text[regions[-1].end:]
    m = _TAIL_WORD.fullmatch(tail)
    if m and (m.group("addr") or fold(" ".join(m.group("word").split())) in answer_words()):
        r = regions[-1]
        regions[-1] = Region(r.start, r.end + m.end("value"), m.group("value"))


@functools.lru_cache(maxsize=1)
def answer_words() -> frozenset[str]:
    """Folded yes/no and zero words (`patterns/vocabulary.yaml`)."""
    voc = load_vocabulary()
    return frozenset(fold(w) for w in (*voc.true_words, *voc.false_words, *voc.zero_words))


def _colon_tail(text: str, regions: list[Region]) -> None:
    """A `label: text` tail after the last blank (dots deleted for a text answer), or an empty one."""
    at = _last_colon(text, regions[-1].end if regions else 0)
    if at < 0:
        return
    tail = text[at + 1:]
    if "\t" in tail.strip():
        return
    words = tail.split()
    if len(words) > 25:
        return
    regions.append(Region(at + 1, len(text), " ".join(words), weak=not words))


def _last_colon(text: str, after: int) -> int:
    """The position of the last `COLON` match at or after `after` (-1: none): the last colon there that no `//`
    follows (a match is the colon alone), found from the end instead of by every match of the text."""
    at = text.rfind(":", after)
    while at >= 0 and text.startswith("//", at + 1):
        at = text.rfind(":", after, at)
    return at


def label_regions(text: str, regions: list[Region], units: Sequence[str]) -> list[Region]:
    """Give blanks found some other way (start, end, raw) their labels, units and qualifiers, as `split_line`
    does for its own."""
    _labels(nfc(text), regions, units)
    return regions


def _qualifier(text: str) -> regex.Match[str] | None:
    """`QUALIFIER.search(text)`, tried only on a text that ends with `)` but for white space (every match does:
    what `\\s` takes, `str.rstrip` strips)."""
    return QUALIFIER.search(text) if text.rstrip().endswith(")") else None


def _qualifier_row(text: str, regions: list[Region]) -> bool:
    """`(Cấp tỉnh)……(Cấp huyện)……(Cấp xã)……`: every blank of the line follows a qualifier and nothing else; the line
    answers the question above it, one blank per qualifier (a lone `(ghi rõ)……` is a note, not a qualifier)."""
    if len(regions) < 2:
        return False
    prev_end = 0
    for r in regions:
        gap = unlead(text[prev_end:r.start]).strip(" \t,;:.")
        q = QUALIFIER.fullmatch(gap)
        if not q:
            return False
        prev_end = r.end
    return True


def _labels(text: str, regions: list[Region], units: Sequence[str]) -> None:
    prev_end = 0
    lead = ""
    for i, r in enumerate(regions):
        gap = text[prev_end:r.start]
        if i > 0:
            unit, gap = split_unit(gap, units)
            regions[i - 1].unit = regions[i - 1].unit or unit
        q = _qualifier(gap)
        if q and (i > 0 or gap[:q.start()].strip() or _qualifier_row(text, regions)):
            r.column = q.group(1).strip()
            gap = gap[:q.start()]
        r.label = gap if gap.strip(" \t,;:.") else lead
        if i == 0:
            lead = gap
        prev_end = r.end
    if regions:
        unit, _ = split_unit(text[prev_end:], units)
        regions[-1].unit = regions[-1].unit or unit
        if not regions[-1].raw:
            return
        value, unit = split_value_unit(regions[-1].raw, units)
        if unit and not regions[-1].unit and value[:1].isdigit():
            regions[-1].raw, regions[-1].unit = value, unit
