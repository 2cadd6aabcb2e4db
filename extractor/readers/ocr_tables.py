"""Repairs of OCR'd tables that the image itself proves: structure a form prints, which Tesseract garbles.

    repair_column_numbers(table, cfg) -> bool     a row of column numbers `(1) (2) …` read as `(q) G6). _Œứ)`

A return's tables number their columns under the header, ``(1)`` over the first column and so on. Tesseract
reads a bracketed digit in a narrow cell poorly (`(q)`, `5)`, `G6).`), and a garbled number is taken for a value
in a data row, or it breaks the header, so that every row after it shifts. A row is a column-number row when at
least `min_read` of its cells read as `(k)` with one offset between k and the column, and every other non-empty
cell is short bracketed text; its cells are then written as the numbers their columns must have.
"""

from __future__ import annotations

from typing import Any

import regex

from extractor.model import Block, Cell, Table

_NUMBER = regex.compile(r"\(?(\d{1,2})\)?")


def _offset(row: list[Cell]) -> tuple[int | None, int]:
    """The offset k - col shared by the cells of `row` that read as a column number `(k)`, and how many do."""
    votes: dict[int, int] = {}
    for c in row:
        m = _NUMBER.fullmatch(c.text.strip())
        if m and ("(" in c.text or ")" in c.text):
            d = int(m.group(1)) - c.col
            votes[d] = votes.get(d, 0) + 1
    if not votes:
        return None, 0
    d, n = max(votes.items(), key=lambda kv: kv[1])
    return d, n


def repair_column_numbers(table: Table, cfg: dict[str, Any]) -> bool:
    """Rewrite the first column-number row among the top rows of `table` (see the module docstring); whether one
    was found."""
    for row in table.rows[: int(cfg["header_rows"])]:
        d, n = _offset(row)
        if d is None or n < int(cfg["min_read"]) or d < 0:
            continue
        texts = [c.text.strip() for c in row]
        garbled = [t for t in texts if t and not _NUMBER.fullmatch(t)]
        if any(len(t) > int(cfg["max_garbled"]) or not ("(" in t or ")" in t) for t in garbled):
            continue
        if sum(bool(t) for t in texts) < len(row) - 1:  # a column number in (nearly) every cell
            continue
        for c in row:
            want = f"({c.col + d})"
            if c.text.strip() and c.text.strip() != want:
                loc = dict(c.blocks[0].location) if c.blocks else {}
                c.blocks = [Block(text=want, location=loc)]
        return True
    return False
