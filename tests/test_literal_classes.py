"""Character classes of literal characters run by `re` instead of `regex` (issue 18): over every code point, and
over runs of them, the same matches as the `regex` pattern of the same text."""

from __future__ import annotations

import regex

from extractor import options, printed

# every code point but the surrogates, in order: each class member and its neighbours side by side
_ALL = "".join(chr(cp) for cp in range(0x110000) if not 0xD800 <= cp <= 0xDFFF)


def _same(fast, pattern: str, text: str) -> None:
    slow = regex.compile(pattern)
    assert [m.span() for m in fast.finditer(text)] == [m.span() for m in slow.finditer(text)]


def test_stop_characters_are_the_regex_class() -> None:
    fast = options._stop_chars()
    _same(fast, fast.pattern, _ALL)
    _same(fast, fast.pattern, "☐x Có [x] Không (v) ✓ xã ☒ vào")


def test_kept_runs_are_the_regex_class() -> None:
    fast = printed._KEPT_RUN
    _same(fast, fast.pattern, _ALL)
    _same(fast, fast.pattern, "  1. Họ và tên: …… (ghi rõ) “Sở Y tế” - 12,5 [x]? ")
    # (one kept character a time: every code point outside the noise characters)
    assert sum(len(m.group()) for m in fast.finditer(_ALL)) == len(_ALL) - len(printed._NOISE_CHARS.replace("\\", ""))
