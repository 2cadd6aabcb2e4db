"""`blanks._word_may_follow_colon` (issue 18, round 7): where it says no yes/no or zero word can follow a colon,
`_anchored_answer_word` finds none (checked on generated lines and on the corpus returns' lines)."""

from __future__ import annotations

from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from extractor import blanks
from extractor.readers import read
from extractor.text.normalize import fold

_PIECES = st.sampled_from([
    ":", " ", "  ", "\t", "   ", "    ", "co", "khong", "khong co", "k", "x", "1", "…", "người", "Có", "Không", ".",
    ",", "(", ")", "ko", "chua", *sorted(blanks.answer_words())])


@settings(max_examples=5000, deadline=None)
@given(st.lists(_PIECES, max_size=10).map("".join))
def test_no_word_after_a_colon_means_no_match(text: str) -> None:
    folded = fold(text)
    if not blanks._word_may_follow_colon(folded):
        assert blanks._anchored_answer_word().search(folded) is None


def test_corpus_lines() -> None:
    files = sorted(Path("corpora/returns").glob("*.docx"))[:40]
    seen = 0
    for f in files:
        for item in read(f).items:
            for text in getattr(item, "text", "").split("\n"):
                folded = fold(text)
                found = blanks._anchored_answer_word().search(folded) is not None
                assert blanks._word_may_follow_colon(folded) or not found
                seen += found
    assert seen > 0
