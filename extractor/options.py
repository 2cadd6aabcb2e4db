"""A checkbox line read as tokens: BOX (☐ ☒ ▢), MARK (a tick the clerk typed: `x`, `X`, `✓` …) and TEXT.

The options follow from a small grammar over those tokens, whatever the layout:

    box-before   TEXT? (BOX MARK? TEXT MARK?)+        "Câu hỏi: ☐ Có ☐x Không", "☐ Có ✓ ☐ Không"
    box-after    (TEXT MARK? BOX MARK?)+              "- Chưa cài đặt: ☐", "Có ☐  Không ☒"
    single box   TEXT BOX                             "Ứng dụng một cửa điện tử ☐" (a yes/no answer)

A MARK ticks the option of the box it touches (`☐x Có`, `☐xKhông`, `x☐ Có`), or, standing alone as a word, the
option it follows or precedes (`☐ Có ✓`, `X ☐ Có`). A letter mark counts only where it cannot be the first letter
of a word (`☐Xây dựng` is no tick). Tick marks are data: `tick_marks` in patterns/vocabulary.yaml.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from rapidfuzz import fuzz

from extractor.blanks import COLON, find_leader, unlead
from extractor.model import CHECKED_BOX, EMPTY_BOX, UNKNOWN_BOX
from extractor.text.normalize import clean_label, fold
from extractor.text.vocab import load_vocabulary

BOX_STATES = {EMPTY_BOX: False, CHECKED_BOX: True, UNKNOWN_BOX: None}
_TRIM = " \t\u00a0-–+•*:;,."


@dataclass
class ParsedOption:
    """One option of an option line: its words, box state, mark and the blank it may hold."""

    text: str
    checked: bool | None
    mark: str  # box | typed_x
    blank: str | None = None  # text typed in a blank inside the option ("☒ Khác (nêu tên): Misa ……")
    has_blank: bool = False  # the option has a blank of its own (dots or a colon after its text)
    blank_label: str | None = None  # the blank's own label, when it has one ("Tên phần mềm" after the box)


@dataclass
class OptionLine:
    """A line read by the option grammar: its label, its options and where the boxes sit."""

    label: str  # the question printed before the options on the same line ("" when it is the line above)
    options: list[ParsedOption]
    layout: str  # before | after | single


YES_NO_LIKE = 85  # rapidfuzz ratio at which an option's folded text is one of the yes/no words (typos allowed)


@functools.lru_cache(maxsize=4096)
def is_yes_no(text: str) -> bool:
    """Is `text` a yes/no answer word of patterns/vocabulary.yaml (`Không`, `Chưa sử dụng`, mistyped `Chaư sử
    dụng`): an option of a question, never an item of its own?"""
    key = " ".join(fold(text).split())
    return bool(key) and any(fuzz.ratio(key, w) >= YES_NO_LIKE for w in _yes_no_words())


@functools.lru_cache(maxsize=1)
def _yes_no_words() -> tuple[str, ...]:
    voc = load_vocabulary()
    return tuple(" ".join(fold(w).split()) for w in voc.true_words + voc.false_words)


@functools.lru_cache(maxsize=1)
def _marks() -> frozenset[str]:
    return frozenset(m.lower() for m in load_vocabulary().tick_marks)


def _is_mark(text: str, i: int) -> bool:
    """Is text[i] a typed tick: a mark character that is not part of a word?"""
    ch = text[i]
    if ch.lower() not in _marks():
        return False
    if not ch.isalpha():
        return True
    before = text[i - 1] if i > 0 else " "
    after = text[i + 1] if i + 1 < len(text) else " "
    if before.isalpha() or before.isdigit():
        return False
    # "☐xKhông": a lower-case mark glued to a capital is a tick; "☐Xây", "xã" are words
    return not after.isalnum() or (after.isupper() and ch.islower()) or after in BOX_STATES or \
        (before in BOX_STATES and (after.isupper() or after.isdigit()))  # "☐Xây" is a word, "☐x10 Mb" a tick


def tokens(text: str) -> list[tuple[str, int, int]]:
    """(kind, start, end) tokens of a line: BOX, MARK, TEXT; a mark standing where a box would be, before an
    option's text (`X Có   ☐ Không`, `[x] Không`), is a TICK (a box the clerk replaced by a mark)."""
    out: list[tuple[str, int, int]] = []
    start = 0
    for i in _stops(text):
        if i < start:
            continue  # inside the `[x]` just read
        ch = text[i]
        width = 3 if ch in "[(" and i + 2 < len(text) and text[i + 2] == {"[": "]", "(": ")"}[ch] \
            and text[i + 1].lower() in _marks() else 1
        kind = "BOX" if ch in BOX_STATES else "MARK" if width == 3 or _is_mark(text, i) else None
        if kind is None:
            continue
        if start < i:
            out.append(("TEXT", start, i))
        out.append((kind, i, i + width))
        start = i + width
    if start < len(text):
        out.append(("TEXT", start, len(text)))
    boxes_after: bool | None = None  # `_boxes_follow_text`, asked at the first mark (its boxes are never changed)
    for k, (kind, a, b) in enumerate(out):
        if kind != "MARK" or _touches_box(out, k):
            continue
        if boxes_after is None:
            boxes_after = _boxes_follow_text(text, out)
        nxt = out[k + 1] if k + 1 < len(out) else None
        prev = out[k - 1] if k > 0 else None
        words_after = nxt is not None and nxt[0] == "TEXT" and bool(_words(unlead(text[nxt[1]:nxt[2]])))
        words_before = prev is not None and prev[0] == "TEXT" and bool(_words(text[prev[1]:prev[2]]))
        # white space on either side (99: nothing but white space up to the line's end)
        left = _gap(text[prev[1]:prev[2]], end=True) if prev is not None and text[:a].strip() else 99
        right = _gap(text[nxt[1]:nxt[2]]) if nxt is not None and text[b:].strip() else 99
        if _mark_owner(text, out, k) is not None:
            continue  # "Có ☐ ✓  Không ☐", "x ☐ Có": a tick beside its box, closer to it than to anything else
        if words_after and not (boxes_after and words_before and left < right):
            out[k] = ("TICK", a, b)  # "X Có   ☐ Không", "☐ Có\t[x] Không": a box before its option replaced
        elif prev is None and not words_after:
            out[k] = ("TICK", a, b)  # a mark alone ("X" in a table cell): a ticked box with no text
        elif boxes_after and words_before and left < right:
            out[k] = ("TICK", a, b)  # "Đĩa CD/DVD X", "… tại văn thư: X": the box after an option replaced
    return out


def _stops(text: str) -> list[int]:
    """The positions of `text` where a token other than TEXT may begin, in order: a box, `[` or `(`, or a character
    whose lower case is a tick mark. Found by one regex over the lower-cased text, which holds each character's
    lower case at its position unless lower-casing changed the length (then: every position)."""
    low = text.lower()
    if len(low) != len(text):
        return list(range(len(text)))
    return [m.start() for m in _stop_chars().finditer(low)]


@functools.lru_cache(maxsize=1)
def _stop_chars() -> re.Pattern[str]:
    """A character of the lower-cased text at which `tokens` has a look: a tick mark (lower case), a box (in lower
    case: the same glyph), `[` or `(`. Python lower-cases one character at a time, but for a final sigma (`Σ`
    before a non-letter: `ς`, else `σ`): both stop when either is a mark."""
    chars = set(_marks()) | {b.lower() for b in BOX_STATES} | {"[", "("}
    if chars & {"σ", "ς"}:
        chars |= {"σ", "ς"}
    # (literal characters only: `re` finds them at 60% of `regex`'s cost, which checks each against every member)
    return re.compile("[" + "".join(re.escape(c) for c in sorted(chars)) + "]")


def _gap(text: str, end: bool = False) -> int:
    """The width of the white space at the start (or `end`) of `text`, a tab counted as four."""
    space = text[len(text.rstrip()):] if end else text[:len(text) - len(text.lstrip())]
    return len(space) + 3 * space.count("\t")


def _boxes_follow_text(text: str, toks: list[tuple[str, int, int]]) -> bool:
    """Do the line's boxes stand after their option's text (`USB Box ☐  Đĩa CD/DVD ☐`): each box closer to the
    text before it than to the text after it? True for a line without boxes (the caller asks its neighbours)."""
    for kind, a, b in toks:
        if kind != "BOX":
            continue
        if not text[:a].strip() or (text[b:].strip() and _gap(text[b:]) <= _gap(text[:a], end=True)):
            return False
    return True


def _touches_box(toks: list[tuple[str, int, int]], k: int) -> bool:
    _, a, b = toks[k]
    return (k > 0 and toks[k - 1][0] == "BOX" and toks[k - 1][2] == a) or \
        (k + 1 < len(toks) and toks[k + 1][0] == "BOX" and toks[k + 1][1] == b)


def _words(text: str) -> str:
    return text.strip(_TRIM)


@functools.lru_cache(maxsize=8192)
def parse(text: str) -> OptionLine | None:
    """The label and options of a line holding at least one box; None for a line without boxes (remembered per
    line: callers read the result, never change it)."""
    toks = tokens(text)
    boxes = [k for k, t in enumerate(toks) if t[0] in ("BOX", "TICK")]
    if not boxes:
        return None
    # segments of text around the boxes: seg[0] before the first box … seg[n] after the last
    segs: list[list[tuple[str, int, int]]] = [[] for _ in range(len(boxes) + 1)]
    n = 0
    for t in toks:
        if t[0] in ("BOX", "TICK"):
            n += 1
        else:
            segs[n].append(t)

    def seg_text(k: int) -> str:
        return "".join(text[a:b] for kind, a, b in segs[k] if kind == "TEXT")

    texts = [seg_text(k) for k in range(len(segs))]
    after_last = _words(unlead(texts[-1]))
    tail = _tail_blank(texts, toks[boxes[0]]) if len(boxes) == 1 and after_last else None
    if tail is not None:
        # "Tưởng lửa mềm ☒  Tên phần mềm: ……": the box follows its option, a blank of its own after it
        options = [_option(texts[0], _state(text, toks, boxes[0], segs, 0), _how(text, toks, boxes[0], segs, 0),
                           False)]
        options[0].blank, options[0].has_blank, options[0].blank_label = tail.blank, True, tail.text
        return OptionLine("", options, "after")
    if after_last:
        layout = "before"
        owners = list(range(1, len(boxes) + 1))  # box j's option text is the segment after it
        label = texts[0]
    else:
        layout = "single" if len(boxes) == 1 else "after"
        owners = list(range(0, len(boxes)))  # box j's option text is the segment before it
        label = ""
    options: list[ParsedOption] = []
    for j, b in enumerate(boxes):
        if toks[b][0] == "TICK":
            options.append(_option(texts[owners[j]], True, "typed_x", layout == "before"))
            continue
        state = BOX_STATES[text[toks[b][1]]]
        seg = owners[j]
        opt_text = texts[seg]
        if layout != "before" and j == 0:
            # "Câu hỏi: Có ☐ Không ☐": the question before the last colon of the first segment
            colons = list(COLON.finditer(opt_text))
            if colons and _words(opt_text[colons[-1].end():]):
                label, opt_text = opt_text[:colons[-1].start()], opt_text[colons[-1].end():]
            elif layout == "single":
                label = opt_text
        checked, how = state, "box"
        if state is not True and _ticked(text, toks, b, segs, seg):
            checked, how = True, "typed_x"
        options.append(_option(opt_text, checked, how, layout == "before"))
    # a lone box (a table cell "Có thực hiện" holding only ☐) is the yes/no answer of its row: kept without text
    return OptionLine(_words(unlead(label)), [o for o in options if o.text or layout == "single"], layout)


def _tail_blank(texts: list[str], box: tuple[str, int, int]) -> ParsedOption | None:
    """The `label: blank` after a line's only box when the box belongs to the words before it: those words are no
    label (no colon), and the box stands no farther from them than from the blank's label."""
    head, rest = texts[0], texts[-1]
    if not _words(head) or COLON.search(head) or not (COLON.search(rest) or find_leader(rest)):
        return None
    if box[0] == "BOX" and _gap(head, end=True) > _gap(rest):
        return None
    tail = _option(rest, None, "box", True)
    return tail if tail.has_blank and tail.text else None


def _state(text: str, toks: list[tuple[str, int, int]], b: int, segs: list[list[tuple[str, int, int]]],
           seg: int) -> bool | None:
    """The state of box (or tick) token `b`: its glyph's, or ticked by a mark beside it."""
    if toks[b][0] == "TICK":
        return True
    state = BOX_STATES[text[toks[b][1]]]
    return True if state is not True and _ticked(text, toks, b, segs, seg) else state


def _how(text: str, toks: list[tuple[str, int, int]], b: int, segs: list[list[tuple[str, int, int]]],
         seg: int) -> str:
    if toks[b][0] == "TICK":
        return "typed_x"
    return "typed_x" if BOX_STATES[text[toks[b][1]]] is not True and _ticked(text, toks, b, segs, seg) else "box"


def _ticked(text: str, toks: list[tuple[str, int, int]], b: int, segs: list[list[tuple[str, int, int]]],
            seg: int) -> bool:
    """Is box token `b` ticked by a mark: glued to it, right after it, or standing in its option's text?"""

    def nxt_text(t: tuple[str, int, int]) -> str:
        return text[t[1]:t[2]]

    nxt = toks[b + 1] if b + 1 < len(toks) else None
    prev = toks[b - 1] if b > 0 else None
    if nxt and nxt[0] == "MARK" and nxt[1] == toks[b][2]:
        return True  # "☐x Có", "☐xKhông"
    if prev and prev[0] == "MARK" and prev[2] == toks[b][1]:
        return True  # "x☐ Có": glued before the box
    if b >= 2 and toks[b - 2][0] == "MARK" and _mark_owner(text, toks, b - 2) == b:
        return True  # "x ☐ Có": before the box, a space between
    after = toks[b + 2] if b + 2 < len(toks) else None
    if after and after[0] == "MARK" and nxt and nxt[0] == "TEXT" and not nxt_text(nxt).strip() and \
            (b + 3 >= len(toks) or toks[b + 3][0] != "BOX"):
        return True  # "Chưa cài đặt: ☐ ✓": a tick right after the box, the next box (if any) not glued to it
    # a mark standing alone in the option's own segment ("☐ Có ✓", "Có ✓ ☐"), not glued to another box
    for k, t in enumerate(toks):
        if t[0] != "MARK" or t not in segs[seg]:
            continue
        glued_next = k + 1 < len(toks) and toks[k + 1][0] == "BOX" and toks[k + 1][1] == t[2]
        glued_prev = k > 0 and toks[k - 1][0] == "BOX" and toks[k - 1][2] == t[1]
        if not glued_next and not glued_prev and _mark_owner(text, toks, k) in (None, b):
            return True
    return False


def _mark_owner(text: str, toks: list[tuple[str, int, int]], k: int) -> int | None:
    """The box a mark stands beside, a space between them, closer to it than to anything on its other side:
    `☐ ✓  Không` (after it), `x ☐ Có` at the start of a line (before it; PDF text puts a space there)."""

    def space(t: tuple[str, int, int]) -> int | None:  # the width of a white-space-only text token
        piece = text[t[1]:t[2]]
        return None if t[0] != "TEXT" or piece.strip() else len(piece) + 3 * piece.count("\t")

    if k >= 2 and toks[k - 2][0] == "BOX" and (width := space(toks[k - 1])) is not None:
        rest = text[toks[k][2]:]
        if not rest.strip() or width < _gap(rest):
            return k - 2
    if k + 2 < len(toks) and toks[k + 2][0] == "BOX" and (width := space(toks[k + 1])) is not None:
        before = text[:toks[k][1]]
        if not before.strip() or width < _gap(before, end=True):
            return k + 2
    return None


def _option(text: str, checked: bool | None, how: str, before_box: bool) -> ParsedOption:
    """An option's words, with the blank it may hold: `Khác (nêu tên): Misa ……` → `Khác (nêu tên)` + `Misa`."""
    text = text.split("\t")[0] if text.strip().split("\t")[0].strip() else text
    leader = find_leader(text)
    colon = COLON.search(text)
    cut = min([m.start() for m in (leader, colon) if m is not None], default=None)
    if cut is None:
        # "1. Ứng dụng một cửa điện tử ☐", "- Chưa cài đặt: ☐": the item's numbering is not the option's words
        return ParsedOption(_words(text) if before_box else clean_label(text), checked, how)
    typed = _words(unlead(text[cut:]))
    if not typed and leader is None and not before_box:
        return ParsedOption(clean_label(text), checked, how)  # "- Chưa cài đặt: ☐": the colon leads to the box
    return ParsedOption(_words(text[:cut]), checked, how, " ".join(typed.split()) or None, True)
