"""`printed.line_key` deletes the noise characters of an ASCII masked line as bytes (issue 18): the same key as
`str.translate` with the deletion table, on every ASCII character and on corpus lines."""

from __future__ import annotations

from pathlib import Path

from extractor import printed as P
from extractor.pipeline import read


def by_table(text: str) -> str:
    """The key as `str.translate` gives it (the path for a line that is not ASCII once masked)."""
    return P._masked(text).translate(P._NOISE_DELETED)


def test_every_ascii_character_is_deleted_or_kept_as_the_table_says() -> None:
    text = "".join(chr(k) for k in range(128))
    assert P._masked(text).isascii()
    assert P.line_key(text) == by_table(text)
    for k in range(1, 128):
        assert P.line_key(f"ab{chr(k)}cd") == by_table(f"ab{chr(k)}cd")


def test_corpus_lines_get_the_table_key() -> None:
    files = sorted(Path("corpora/returns").glob("*.docx"))[::20][:16]
    lines = {t for f in files for it in read(f).items for t in getattr(it, "text", "").split("\n")}
    ascii_lines = [t for t in lines if P._masked(t).isascii()]
    assert len(ascii_lines) > 100 and len(lines) > len(ascii_lines)  # both paths are taken
    for t in lines:
        assert P.line_key(t) == by_table(t)


def test_noise_bytes_are_the_tables_ascii_characters() -> None:
    assert set(P._NOISE_BYTES) == {k for k in P._NOISE_DELETED if k < 128}
    assert P.line_key("1. Họ và tên:  ……  (ghi rõ)") == "hovatenghiro"
