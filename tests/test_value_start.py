"""The value patterns searched from the line's first digit, or a bracket before it (issue 18): the same matches as
a search from the start of the line, on corpus lines and on lines whose look-behinds reach before that place."""

from __future__ import annotations

from pathlib import Path

import pytest

from extractor import blanks as B
from extractor.pipeline import read

EDGES = [
    "", "không có số", "Điện thoại (0257) 3.840.392 - 0902 642 322", "Tỷ lệ: 85 %", "là 12", "x là 5 người",
    "5 là 6", "(là 7)", "ab (12) là 3", "Số máy:…15…chiếc (ghi rõ)", "Tuy Hòa, 15/08/2019", "cơ quan0972676431",
    "văn bản đi1308 / 2053/tháng", "(Cấp tỉnh)……(Cấp huyện)…3…", "(", "((( 1", "Mã số ( x ) 0", "٣ ٤ ১২ 12",
]


def _spans(matches) -> list[tuple[tuple[int, int], str]]:
    return [(m.span(), m.group()) for m in matches]


def _lines() -> list[str]:
    files = sorted(Path("corpora/returns").glob("*.docx"))[::12][:27]
    return EDGES + sorted({t for f in files for it in read(f).items for t in getattr(it, "text", "").split("\n")})


@pytest.mark.parametrize("pattern", ["ANCHORED_VALUE", "_SPACED_NUMBER", "anchor_word"])
def test_a_search_from_the_first_value_start_finds_every_match(pattern: str) -> None:
    pat = B._after_anchor_word() if pattern == "anchor_word" else getattr(B, pattern)
    seen = 0
    for text in _lines():
        start = B._first_value_start(text)
        whole = _spans(pat.finditer(text))
        if start < 0:
            assert not B._DIGIT.search(text) and not whole
            continue
        at = B._digit_at(text, start) if pattern == "anchor_word" else start
        assert _spans(pat.finditer(text, at)) == whole, text
        seen += bool(whole)
    assert seen > (3 if pattern == "anchor_word" else 20)


def test_value_start_is_the_first_digit_or_a_bracket_before_it() -> None:
    assert B._first_value_start("abc") == -1
    assert B._first_value_start("Số 12 (ghi rõ)") == 3
    assert B._first_value_start("ĐT (0257) 3") == 3
    assert B._digit_at("ĐT (0257) 3", 3) == 4
    assert B._digit_at("( x", 0) == 3  # (no digit after the bracket: the text's end)
