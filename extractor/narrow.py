"""Texts narrowed for rapidfuzz's Indel-based scores: each non-ASCII character replaced by a stand-in code.

    narrowed(texts) -> texts with the same equalities, lengths and Indel-based scores, one byte per character

Every character past ASCII gets one stand-in for the whole process (128, 129, … in order of first sight; ASCII
is kept): two narrowed texts are equal character for character exactly where the texts are, and as long, so
every score that only compares characters for equality (ratio, Indel distance, LCS) is the same number. With
at most 128 distinct non-ASCII characters seen (Vietnamese has ~70 lowercase letters past ASCII), a narrowed
text is a Latin-1 string, which rapidfuzz compares ~3.5x faster than the text itself (an array look-up per
character, where characters past U+00FF take a hash map). Never for what sorts or splits a text: the order of
characters is not kept.

The stand-ins are the process's own: a narrowed text is never stored where another process could read it.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

_UNSET = np.uint32(0xFFFFFFFF)
_BMP = 0x10000
_LOOKUP = np.full(_BMP, _UNSET, dtype=np.uint32)  # code point of the Basic Multilingual Plane -> its stand-in
_LOOKUP[:128] = np.arange(128, dtype=np.uint32)
_STAND_INS: dict[int, int] = {}  # non-ASCII code point -> its stand-in
_SURROGATES = range(0xD800, 0xE000)  # (no stand-in: a str holding one cannot be decoded from UTF-32)
_MEMO: dict[str, str] = {}  # text -> its narrowed text (a text's stand-ins never change: always the same)
_MEMO_OF: list[object] = [None, None]  # the stand-in tables the memo was made with (tests may replace them)
MAX_MEMO = 2**16  # texts remembered (~3 500 distinct texts per 20 new returns); past it the memo starts again


def _stand_in(code: int) -> int:
    """The stand-in of the non-ASCII `code`, made at its first sight."""
    found = _STAND_INS.get(code)
    if found is None:
        found = 128 + len(_STAND_INS)
        if found >= _SURROGATES.start:  # past ~55 000 distinct characters
            found += len(_SURROGATES)
        _STAND_INS[code] = found
        if code < _BMP:
            _LOOKUP[code] = found
    return found


def narrowed(texts: Sequence[str]) -> list[str]:
    """Each of `texts` narrowed (module docstring): remembered, else all in one numpy pass."""
    memo = _MEMO
    if _MEMO_OF[0] is not _STAND_INS or _MEMO_OF[1] is not _LOOKUP:
        memo.clear()
        _MEMO_OF[:] = [_STAND_INS, _LOOKUP]
    out = list(map(memo.get, texts))
    if None not in out:
        return out  # type: ignore[return-value]
    new = list(dict.fromkeys(t for t, n in zip(texts, out, strict=True) if n is None))
    if len(memo) + len(new) > MAX_MEMO:
        memo.clear()
        new = list(dict.fromkeys(texts))
    memo.update(zip(new, _narrowed(new), strict=True))
    return [memo[t] for t in texts]


def _narrowed(texts: Sequence[str]) -> list[str]:
    """Each of `texts` narrowed, all in one numpy pass."""
    joined = "".join(texts)
    if joined.isascii():
        return list(texts)
    codes = np.frombuffer(joined.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    wide = codes >= _BMP
    out = _LOOKUP[np.where(wide, 0, codes)]
    new = (out == _UNSET) & ~wide
    if new.any() or wide.any():
        for code in sorted(set(codes[new | wide].tolist())):  # (not np.unique: it imports numpy.ma, ~40 ms)
            _stand_in(code)
        out = _LOOKUP[np.where(wide, 0, codes)]
        if wide.any():
            out[wide] = [_STAND_INS[c] for c in codes[wide].tolist()]
    if int(out.max()) < 256:
        text = out.astype(np.uint8).tobytes().decode("latin-1")
    else:
        text = out.tobytes().decode("utf-32-le")
    pieces, start = [], 0
    for t in texts:
        end = start + len(t)
        pieces.append(text[start:end])
        start = end
    return pieces
