"""Split one line of text into its blanks: dotted leaders (with what was typed inside or beside them),
values typed where the dots were deleted, and `label: value` tails.

    "1.2. Tổng số …: …..120…… người, Tỷ lệ: 85 %"  →  [Region(label="Tổng số …", raw="120", unit="người"),
                                                      Region(label="Tỷ lệ", raw="85", unit="%")]
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass

import regex

from extractor.text.normalize import fold, nfc
from extractor.text.vocab import load_vocabulary

LEADER = regex.compile(r"(?:[.…_]\s?){2,}|…")
NUMBER = r"(?:\d{1,3}(?:[.,\u00a0 ]\d{3})+|\d+)(?:[.,]\d+)?"
# a phone: "0911773136", "0257.3841 234", "(0299) 387 7990", "024.3338547", "(0257) 3.840.392", "0257 3 842 554";
# several joined by a dash or a slash: "0257 3 842 554 - 0902 642 322"
_ONE_PHONE = r"\(?0\d{2,3}\)?(?:[. -]?\d){6,8}(?!\d)"
PHONE = _ONE_PHONE + r"(?:\s?[-–/;]\s?" + _ONE_PHONE + r")*"
# a value typed where the dots were deleted: a number, percent, ratio or date right after ':' ')' or a leader
ANCHORED_VALUE = regex.compile(
    r"(?<=(?:[:)\]…\t]|\.\.)\s{0,3})"
    r"(?:\d{1,2}/\d{1,2}/\d{2,4}|" + PHONE + "|" + NUMBER + r"(?:\s?%)?(?:\s?/\s?" + NUMBER + r")?)"
    r"(?=\s*(?:$|[,;](?!\d)|[(\t…%]|\.\.|\.\s*$|\s\S)|\p{L}|/\p{Ll}{2})"  # "50 / 141/tháng": a ratio per month
    # a phone number typed straight after its label: "Điện thoại cơ quan0972676431"
    r"|(?<=\p{L})(?:" + PHONE + r"|\d{1,2}/\d{1,2}/\d{4})" +
    # a date typed after the place name of a signature line: "Tuy Hòa, 15/08/2019", "……, ngày 15 tháng 8 …"
    r"|(?<=,\s{0,3})(?:\d{1,2}/\d{1,2}/\d{4}|ngày\s+\d{1,2}\s+tháng\s+\d{1,2}\s+năm\s+\d{4})"
)
COLON = regex.compile(r":(?!//)")
_SPACED_VALUE = regex.compile(
    r"(?<=\p{L}\)?[ \t]+(?:\S+[ \t]+)*?)(?:(?P<addr>[\w.+-]+@[\w-]+(?:\.[\w-]+)+|(?:https?://|www\.)[^\s,;]+[^\s,;.]|"
    + PHONE + r")|" + NUMBER + r"(?:\s?%)?(?:\s?/\s?" + NUMBER + r")?)(?=[\s.,;%]|$)")
_YEAR = regex.compile(r"(?:19|20)\d\d")
_ANSWER_AFTER_BRACKET = regex.compile(r"\)[ \t]+(?P<word>\p{L}+(?: \p{L}+){0,3})[ \t.;,]*$")
_LEADING_VALUE = regex.compile(r"\s*(?:" + NUMBER + r"(?:\s?%)?|\d{1,2}/\d{1,2}/\d{2,4})\s*")
# what may follow the dots that end a line as its value: an address, or a few words (checked against the vocabulary)
_TAIL_WORD = regex.compile(r"[ \t]*(?P<value>(?P<addr>[\w.+-]+@[\w-]+(?:\.[\w-]+)+|(?:https?://|www\.)\S+?)"
                           r"|(?P<word>\p{L}+(?: \p{L}+){0,3}))[ \t.;,]*")
QUALIFIER = regex.compile(r"\(([^()]{2,30})\)\s*$")
_NEXT_LABEL = regex.compile(r" \p{L}[^,;\t]{0,40}:")


@dataclass
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


def split_unit(text: str, units: Sequence[str]) -> tuple[str, str]:
    """Split a leading unit off NFC `text`: `' người, Tỷ lệ: '` → ('người', 'Tỷ lệ: ').

    `units` are folded spellings (see `extractor.text.normalize.fold`), longest first; folding keeps
    NFC string positions, so tone-less and differently-cased units match too.
    """
    stripped = text.lstrip(" \t\u00a0")
    paren = stripped.startswith("(")
    body = stripped[1:] if paren else stripped
    low = fold(body)
    for ul in units:
        u = ul
        if low.startswith(ul) and (len(low) == len(ul) or not low[len(ul)].isalnum()):
            rest = body[len(u):]
            if _NEXT_LABEL.match(rest):
                continue  # "Tỷ lệ:", "Cán bộ phụ trách:": the start of the next label, not a unit
            if paren:
                if not rest.startswith(")"):
                    continue
                rest = rest[1:]
            return body[:len(u)], rest.lstrip(" \t.,;")
    return "", text


def split_value_unit(text: str, units: Sequence[str]) -> tuple[str, str]:
    """`'150 chiếc.'` → ('150', 'chiếc'); text without a trailing unit is returned whole."""
    t = text.strip().rstrip(".;,")
    low = fold(t)
    if isinstance(units, tuple):  # the catalogue's units, longest first: one regex search
        m = _unit_suffix(units).search(low)
        if m is None:
            return t, ""
        n = len(m.group())
        return t[:-n].strip().rstrip("("), t[-n:]
    for ul in units:
        u = ul
        if low.endswith(ul) and len(low) > len(ul) and not low[-len(ul) - 1].isalpha():
            return t[:-len(u)].strip().rstrip("("), t[-len(u):]
    return t, ""


@functools.lru_cache(maxsize=8)
def _unit_suffix(units: tuple[str, ...]) -> regex.Pattern[str]:
    """The longest unit ending the text after a non-letter: the leftmost match of the alternation (units longest
    first) is the first unit of the list `split_value_unit`'s loop would take."""
    return regex.compile(r"(?<=\P{L})(?:" + "|".join(regex.escape(u) for u in units) + r")\Z")


@functools.lru_cache(maxsize=1)
def _after_anchor_word() -> regex.Pattern[str]:
    words = "|".join(regex.escape(w) for w in load_vocabulary().value_anchors)
    return regex.compile(r"(?<=(?:^|\s)(?:" + words + r")\s{0,3})(?:" + NUMBER + r")(?:\s?%)?"
                         r"(?=\s*(?:$|[,;.(…]|\s\S)|\p{L})",
                         regex.IGNORECASE)


@functools.lru_cache(maxsize=1)
def _zero_sign_value() -> regex.Pattern[str]:
    """A sign typed for none where the dots were (`tính đến 1/10/2020:-dịch vụ`, `(Cấp tỉnh)-- (Cấp huyện)…`): one
    of the vocabulary's zero signs right after a colon or a closing bracket, then the end, punctuation or a
    lower-case unit (a capital starts printed text: `Ghi chú: - Các …`)."""
    signs = "|".join(regex.escape(w) for w in sorted(load_vocabulary().zero_signs, key=len, reverse=True))
    return regex.compile(r"(?<=[:)]\s{0,3})(?<![\d\p{L}]\s{0,3}[-–—])(?:" + (signs or "(?!)") + r")"
                         r"(?![-–—\d])(?=\s{0,3}(?:$|[,;.(…\t]|\p{Ll}))")


def _spans(text: str) -> list[tuple[int, int, str]]:
    spans = [(m.start(), m.end(), "leader") for m in LEADER.finditer(text) if not _is_ellipsis(text, m)]
    for m in [*ANCHORED_VALUE.finditer(text), *_after_anchor_word().finditer(text), *_zero_sign_value().finditer(text)]:
        if not any(a <= m.start() < b for a, b, _ in spans):
            spans.append((m.start(), m.end(), "value"))
    return sorted(spans)


def _is_ellipsis(text: str, m: regex.Match[str]) -> bool:
    """`CISM…)`, `Cao đẳng....;`: one `…` or a few dots glued to a word and closing a list is not a blank
    (a leader is longer: `………,` is a blank before a comma)."""
    before = text[m.start() - 1] if m.start() else " "
    after = text[m.end()] if m.end() < len(text) else " "
    mark = m.group(0).strip()
    short = mark == "…" or (set(mark) <= {"."} and len(mark) <= 4) or mark in ("….", "...…")
    return short and (before.isalnum() or before == ",") and after in "),;:"


def has_leader(text: str) -> bool:
    """Does `text` hold a dotted leader (an ellipsis closing a list does not count)?"""
    return any(not _is_ellipsis(text, m) for m in LEADER.finditer(text))


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


def split_line(text: str, units: Sequence[str], spaced: bool = False) -> list[Region]:
    """The blanks of one line, in order, with labels, units and qualifiers (read as NFC; positions too). With
    `spaced`, a line with no blank otherwise may end with a value after its label and a space (`_space_tail`)."""
    if not isinstance(units, tuple):
        return _split_line(text, units, spaced)
    # the printed lines of a form come back in every return: split each distinct line once
    return [Region(r.start, r.end, r.raw, r.label, r.unit, r.column, r.weak, r.spaced)
            for r in _split_line_cached(text, units, spaced)]


@functools.lru_cache(maxsize=16384)
def _split_line_cached(text: str, units: tuple[str, ...], spaced: bool) -> tuple[Region, ...]:
    return tuple(_split_line(text, units, spaced))


def _split_line(text: str, units: Sequence[str], spaced: bool = False) -> list[Region]:
    text = nfc(text)
    groups: list[list[tuple[int, int, str]]] = []
    typed = False  # the current group holds typed text
    for span in _spans(text):
        if groups:
            prev = groups[-1][-1]
            gap = text[prev[1]:span[0]]
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
        raw = " ".join(LEADER.sub(" ", text[start:end]).split())
        if not raw and g[0][2] == "leader":
            # a value typed right before the leader, after the label's colon: ": .stp.gov.vn………"
            gap = text[prev_end:start]
            colon = list(COLON.finditer(gap))
            before = gap[colon[-1].end():] if colon else ""
            if before.strip(" .…") and not before.endswith("\t") and not QUALIFIER.search(before):
                raw = before.strip(" .…")
                start = prev_end + colon[-1].end()
            elif not regions and _LEADING_VALUE.fullmatch(gap):  # a cell or line that starts "43 ….. máy"
                raw = gap.strip(" .…")
                start = len(gap) - len(gap.lstrip())
        regions.append(Region(start, end, raw.strip(" ,;:")))
        prev_end = end
    _word_after_leader(text, regions)
    _colon_tail(text, regions)
    if spaced and not regions:
        _space_tail(text, regions, units)
    _labels(text, regions, units)
    return regions


def _space_tail(text: str, regions: list[Region], units: Sequence[str]) -> None:
    """`Số điện thoại 0967011931`, `Số lao động hợp đồng 68 29`, `… tính đến 1/10/2020 190 dịch vụ`: a line with no
    colon and no dots that ends with a number (a unit or `%` may follow), a phone, an e-mail or a web address after
    label words. The value is the last such token; a date or a year alone is a printed note, not a value."""
    word = _ANSWER_AFTER_BRACKET.search(text)
    if word and fold(" ".join(word.group("word").split())) in answer_words():  # "(có/không) Không."
        regions.append(Region(word.start("word"), word.end("word"), word.group("word"), spaced=True))
        return
    found = None
    for m in _SPACED_VALUE.finditer(text):
        unit, rest = split_unit(text[m.end():], units)
        if not rest.strip(" \t.;,%") and not _YEAR.fullmatch(m.group()) or (m.group("addr") and not rest.strip()):
            found = m
    if found is None:
        return
    label = text[:found.start()]
    if sum(ch.isalpha() for ch in label) < 4 or "\t" in label.strip() or label.rstrip().endswith(("/", "-")):
        return
    regions.append(Region(found.start(), found.end(), found.group(), spaced=True))


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
    after = regions[-1].end if regions else 0
    colons = [m for m in COLON.finditer(text) if m.start() >= after]
    if not colons:
        return
    c = colons[-1]
    tail = text[c.end():]
    if "\t" in tail.strip():
        return
    words = tail.split()
    if len(words) > 25:
        return
    regions.append(Region(c.end(), len(text), " ".join(words), weak=not words))


def label_regions(text: str, regions: list[Region], units: Sequence[str]) -> list[Region]:
    """Give blanks found some other way (start, end, raw) their labels, units and qualifiers, as `split_line`
    does for its own."""
    _labels(nfc(text), regions, units)
    return regions


def _qualifier_row(text: str, regions: list[Region]) -> bool:
    """`(Cấp tỉnh)……(Cấp huyện)……(Cấp xã)……`: every blank of the line follows a qualifier and nothing else; the line
    answers the question above it, one blank per qualifier (a lone `(ghi rõ)……` is a note, not a qualifier)."""
    if len(regions) < 2:
        return False
    prev_end = 0
    for r in regions:
        gap = LEADER.sub(" ", text[prev_end:r.start]).strip(" \t,;:.")
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
        q = QUALIFIER.search(gap)
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
