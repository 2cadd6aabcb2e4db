"""`printed.spaced_label` scores every place of a line against the printed labels in one `cdist` call (issue 18,
round 8): the same place as one `extractOne` per place, the best score kept, the earliest of equals."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rapidfuzz import fuzz, process

from extractor.printed import (
    _MIN_LABEL,
    _VALUE_START,
    SPACED_LABEL_RATIO,
    Printed,
    line_key,
    load_printed,
    spaced_label,
)


def _one_by_one(printed: Printed, text: str) -> int | None:
    """The plain computation: `extractOne` at each place, a higher score replacing the best."""
    best: tuple[int, float] | None = None
    for m in _VALUE_START.finditer(text):
        key = line_key(text[:m.start()])
        if len(key) < _MIN_LABEL:
            continue
        found = process.extractOne(key, printed.labels, scorer=fuzz.ratio, score_cutoff=SPACED_LABEL_RATIO)
        if found is not None and (best is None or found[1] > best[1]):
            best = (m.start(), found[1])
    return best[0] if best else None


@pytest.fixture(scope="module")
def printed() -> Printed:
    return load_printed()


def _corpus_lines() -> list[str]:
    from extractor.readers import read

    lines: list[str] = []
    for f in sorted(Path("corpora/returns").glob("*.docx"))[:12]:
        lines += [it.text for it in read(f).items if getattr(it, "text", "").strip()]
    return lines


def test_corpus_lines_and_their_retyped_values(printed: Printed) -> None:
    for line in _corpus_lines():
        for text in (line, line.rstrip(" .:…") + " Nguyễn Văn An", line.replace(":", " ") + " Trưởng Phòng"):
            assert spaced_label.__wrapped__(printed, text) == _one_by_one(printed, text), text


_WORDS = st.sampled_from(["Họ", "và", "tên", "Họ tên", "Chức vụ", "Đơn vị", "Số điện thoại", "Nguyễn", "Văn", "An",
                          "Phòng", "Kế hoạch", "người", "thư", "điện", "tử", "Sở", "Y tế", "cơ quan", "UBND", "1.",
                          "a)"])


@settings(max_examples=400, deadline=None)
@given(st.lists(_WORDS, max_size=12).map(" ".join))
def test_typed_lines(text: str) -> None:
    printed = load_printed()
    assert spaced_label.__wrapped__(printed, text) == _one_by_one(printed, text)


def test_no_labels() -> None:
    empty = Printed(frozenset(), "", {}, ())
    assert spaced_label.__wrapped__(empty, "Họ và tên Nguyễn Văn An") is None
