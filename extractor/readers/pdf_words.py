"""Words cut at line wraps: where a wrap may have fallen inside a word (a word wider than a narrow table cell is
cut anywhere; a space at a wrap is often not drawn), decide from the words each reading would make.

    resolve(texts, seps) -> seps        the MAYBE separators of a paragraph replaced by "" or " "
    may_join(run, after) -> bool        could the pieces a paragraph ends with go on with the text `after` (a
                                        word, or the beginning of a syllable or an address)?
    running_pieces(texts, seps) -> run  the pieces a paragraph ends with, over wraps that may have cut a word

A run of text whose pieces are separated only by MAYBE wraps (`X|ây|d|ự|ng|cơ|bả|n` down a 1 cm cell) is split into
the words of least cost: a word costs nothing when it is one Vietnamese syllable (extractor/text/syllable_parts.py), a
number, an e-mail address, a URL or domain, or an acronym (parts between ``-``, ``/`` and dot leaders scored alone:
`………122,4………..triệu`); `FOREIGN` when it is a plain ASCII word (a loan word or name: `Fortinet`, `Zalo`); `INVALID`
otherwise (`Xâ`, `cơbản`, `vụabc@sotttt.gov.vn`); an invalid word is worth as much times the pieces it glues (a
foreign one one more per piece; a lone letter costs `LONE`), and `INVALID` more for each seam of a lower-case letter
and a capital or of a letter and a digit it glues (`Kaspersky|Endpoint`, `FortiGate|60F`: a cut falls there by
chance only); every space kept costs `SPACE`, so of two valid readings the one with fewer words wins (`đổ|i` →
`đổi`, `Ca|o` → `Cao`, `12,|5` → `12,5`). Punctuation around a word does not count. In text with characters no
Vietnamese text has (a TCVN3 or VNI font whose name the PDF lost, decoded later by extractor/text/legacy.py), a
syllable in those encodings is a word too (`trùc|tuyÕn` → `trùc tuyÕn`, read `trực tuyến`).
"""

from __future__ import annotations

import functools
import re

from extractor.text.legacy import ENCODINGS, JUDGE
from extractor.text.syllable_parts import is_syllable, is_syllable_start

MAYBE = "\x00"  # a separator still to decide (never left in a block's text)
SPACE = 1
FOREIGN = 3
LONE = 1  # a one-letter piece read as a word of its own (`Securit|y`)
INVALID = 10
MAX_PIECES = 12  # pieces one word may be made of
LEGACY = ("TCVN3", "VNI")  # 8-bit encodings whose syllables count as words
_EDGE = re.compile(r"^[^\w]+|[^\w%]+$")
_NUMBER = re.compile(r"[+-]?\d+(?:[.,]\d+)*%?")
_EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}")
_URL = re.compile(r"(?:[A-Za-z]+://)?[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}(?::\d+)?(?:[/?#][\x21-\x7e]*)?")
_ASCII_WORD = re.compile(r"(?:[A-Z]?[a-z]+)+|[A-Z]+|[A-Za-z0-9]*\d[A-Za-z0-9]*")  # words, CamelCase names, codes
_PARTS = re.compile(r"[-/…]|\.{2,}")  # parts scored alone: across hyphens, slashes and dot leaders


@functools.lru_cache(maxsize=65536)
def word_cost(piece: str, legacy: bool = False) -> int:
    """What reading `piece` as one word costs (see the module docstring); with `legacy` (the text around it has
    characters no Vietnamese text has: a legacy font whose name the PDF lost), a syllable in a legacy encoding is a
    word too."""
    core = _EDGE.sub("", piece)
    if not core:
        return 0
    if "@" in core:
        return 0 if _EMAIL.fullmatch(core) else INVALID
    if _NUMBER.fullmatch(core) or (core.isascii() and ("://" in core or "." in core) and _URL.fullmatch(core)):
        return 0
    parts = [p for p in _PARTS.split(core) if p]
    if len(parts) > 1:
        return max(word_cost(p, legacy) for p in parts)
    if is_syllable(core) or (len(core) >= 2 and core.isupper() and core.isalnum()) or \
            (legacy and _legacy_syllable(core)):
        return 0
    if core.isascii() and len(core) >= 2 and _ASCII_WORD.fullmatch(core):
        return FOREIGN
    return INVALID


def _legacy_syllable(core: str) -> bool:
    """Is `core` one syllable in a legacy 8-bit encoding (TCVN3 `trùc` = trực, `tuyÕn` = tuyến): text of a legacy font
    whose name the PDF lost, decoded only later (extractor.text.legacy)?"""
    return not core.isascii() and any(is_syllable(ENCODINGS.decode(core, enc)) for enc in LEGACY)


def _seam(a: str, b: str) -> bool:
    """Is `a|b` an unlikely place for a cut inside a word: lower case then a capital, or a letter beside a digit?"""
    return (a.islower() and b.isupper()) or (a.isalpha() and b.isdigit()) or (a.isdigit() and b.isalpha())


def split_pieces(pieces: list[str], legacy: bool = False) -> list[bool]:
    """For pieces of text met at MAYBE wraps, whether each wrap joins its neighbours into one word (least cost);
    `legacy`: see `word_cost`."""
    n = len(pieces)
    best = [0] + [INVALID * (n + 1)] * n  # best[j]: cost of pieces[:j] read as whole words
    back = [0] * (n + 1)
    for j in range(1, n + 1):
        for i in range(max(0, j - MAX_PIECES), j):
            part = pieces[i:j]
            cost = word_cost("".join(part), legacy)
            if cost:  # no word we know: the more pieces it glues the worse, the more so at unlikely seams
                seams = sum(_seam(a[-1:], b[:1]) for a, b in zip(part, part[1:], strict=False))
                cost = (cost * len(part) if cost >= INVALID else cost + len(part) - 1) + INVALID * seams
            elif len(part) == 1 and len(part[0]) == 1:
                cost = LONE  # a letter standing alone is a word only seldom
            cost += best[i] + (SPACE if i else 0)
            if cost < best[j]:
                best[j], back[j] = cost, i
    starts = set()
    j = n
    while j > 0:
        j = back[j]
        starts.add(j)
    return [k not in starts for k in range(1, n)]


def may_join(run: list[str], after: str) -> bool:
    """Could a wrap after the pieces `run` (the end of the text so far, pieces met at wraps that may have cut a word)
    fall inside a word going on with the text `after`: the least-cost words join across it (see `split_pieces`), or
    the last pieces and the first word of `after` begin a syllable (its rest follows on the next line: `Nguy|ễ`) or
    an e-mail or web address?"""
    b = after.split()
    if not run or not b or after[:1].isspace():
        return False
    if split_pieces([*run, b[0]], JUDGE.foreign(" ".join([*run, after])))[-1]:
        return True  # the least-cost words join across this wrap
    for k in range(len(run) - 1, -1, -1):
        core = _EDGE.sub("", "".join(run[k:]) + b[0])
        if (core.isascii() and any(c in core for c in "@.:/")) or (core.isalpha() and is_syllable_start(core)):
            return True
    return False


def running_pieces(texts: list[str], seps: list[str]) -> list[str]:
    """The pieces the texts end with, back over wraps decided "" (glued) or still MAYBE (a word may be cut)."""
    word = _last_word(texts[-1]) if texts else ""
    if not word:
        return []
    run = [word]
    k = len(texts) - 1
    while k > 0 and seps[k - 1] in (MAYBE, "") and _whole(texts[k]):
        k -= 1
        piece = _last_word(texts[k])
        if not piece:
            break
        if seps[k] == "":
            run[0] = piece + run[0]
        else:
            run.insert(0, piece)
    return run[-MAX_PIECES:]


def resolve(texts: list[str], seps: list[str]) -> list[str]:
    """`seps` (between texts[i] and texts[i + 1]) with each MAYBE decided over the run of pieces it belongs to."""
    if MAYBE not in seps:
        return seps
    out = list(seps)
    legacy = JUDGE.foreign(" ".join(texts))
    i = 0
    while i < len(seps):
        if seps[i] != MAYBE:
            i += 1
            continue
        # the run: the word ending texts[i] (back over texts glued by ""), then the texts after it joined by MAYBE
        # or "" as long as they hold no space, up to the first word of the text that has one
        head, k = _last_word(texts[i]), i
        while k > 0 and seps[k - 1] == "" and _whole(texts[k]):
            k -= 1
            head = _last_word(texts[k]) + head
        pieces = [head]
        wraps: list[int] = []
        j = i
        while j < len(seps) and seps[j] in (MAYBE, ""):
            nxt = texts[j + 1]
            word = nxt if _whole(nxt) else _first_word(nxt)
            if seps[j] == MAYBE:
                wraps.append(j)
                pieces.append(word)
            else:
                pieces[-1] += word
            if not _whole(nxt):
                break
            j += 1
        for w, joined in zip(wraps, split_pieces(pieces, legacy), strict=True):
            out[w] = "" if joined else " "
        i = wraps[-1] + 1
    return out


def _whole(text: str) -> bool:
    return bool(text) and not any(c.isspace() for c in text)


def _last_word(text: str) -> str:
    parts = text.split()
    return parts[-1] if parts and not text[-1:].isspace() else ""


def _first_word(text: str) -> str:
    parts = text.split()
    return parts[0] if parts and not text[:1].isspace() else ""
