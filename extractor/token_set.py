"""Indel distances of many pairs' token-set difference strings, made at once and scored in one rapidfuzz call.

rapidfuzz's `token_set_ratio(a, b)` compares the two difference strings of a pair: the distinct words of `a`
not in `b`, and of `b` not in `a`, each sorted and joined by single spaces. Building them pair by pair in
Python costs more than rapidfuzz's own call. Here each text's distinct sorted words are laid out once as a row
of bytes (`Rows`: every word followed by a space; one byte per character, its narrowed code: `encoded`); a pair's
string is its text's row with the bytes of the common words overwritten by a filler byte: all pairs' rows at once
(a gather, a scatter of the dropped words), each row a bytes object without its trailing padding (numpy's `S`
view). The fillers are not removed: the left texts' filler is the padding byte, the targets' another one, and
neither occurs in the other side's rows, so no common subsequence holds one and the longest common subsequence is
that of the strings without them (removing them, a compaction of every padded row, cost ~25 ms over the 20
reworded returns against ~3 ms more in rapidfuzz for the longer strings). Each string is the difference string
plus one space, on both sides of a pair: the longest common subsequence is one more than that of the difference
strings (both end with the same character, fillers aside). One `cpdist` call scores every pair, elementwise.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence

import numpy as np
from rapidfuzz import process
from rapidfuzz.distance import LCSseq

# bytes of a row past the texts' own: padding (and the left texts' dropped words), the targets' dropped words
DROPPED, FILLER = 0, 1


def encoded(narrow: Sequence[str]) -> list[bytes] | None:
    """Narrowed texts (`extractor.narrow`: one code per character for the whole process, the same on both sides of
    a pair) as one byte per character; None when a code does not fit a byte (past ~128 distinct non-ASCII
    characters in the process) or a text holds DROPPED or FILLER itself. A left text's character that no target
    holds keeps its own byte: it matches nothing in a target, as in rapidfuzz's own comparison."""
    try:
        out = [t.encode("latin-1") for t in narrow]
    except UnicodeEncodeError:
        return None
    joined = b"".join(out)
    return None if bytes([DROPPED]) in joined or bytes([FILLER]) in joined else out


class Rows:
    """Texts' distinct sorted words as rows of bytes: each word followed by a space, then DROPPED up to the last
    column."""

    def __init__(self, texts: Sequence[bytes], words: Sequence[tuple[str, ...]]) -> None:
        """`texts`: each text's distinct sorted words joined by single spaces (`encoded`), `words` these words."""
        self.width = max(map(len, texts), default=0) + 1  # (with the last word's space)
        # (an `S` array pads each text with zero bytes: DROPPED)
        self.bytes = np.array([t + b" " if t else b"" for t in texts], dtype=f"S{self.width}").view(np.uint8)
        self.bytes = self.bytes.reshape(len(texts), self.width)
        flat = list(itertools.chain.from_iterable(words))
        self.lengths = np.fromiter(map(len, flat), dtype=np.intp, count=len(flat)) + 1  # each word with its space
        counts = np.fromiter(map(len, words), dtype=np.intp, count=len(words))
        self.first = np.cumsum(counts) - counts  # each text's first word in `lengths` / `starts`
        before = np.concatenate([[0], np.cumsum(self.lengths)]).astype(np.intp)  # characters before each word
        self.starts = before[:-1] - np.repeat(before[self.first], counts)  # each word's offset in its row

    def differences(self, rows: np.ndarray, pairs: np.ndarray, places: np.ndarray, filler: int) -> list[bytes]:
        """For each pair p, the row of text `rows[p]` with `filler` in place of the words at the positions
        `places[e]` of the entries e with `pairs[e] == p` (each word followed by a space), up to its last byte
        that is not DROPPED."""
        out = self.bytes.take(rows, axis=0)
        word = self.first[rows[pairs]] + places
        lengths = self.lengths[word]
        ends = np.cumsum(lengths)
        out.reshape(-1)[np.repeat(pairs * self.width + self.starts[word] - (ends - lengths), lengths)
                        + np.arange(ends[-1] if len(ends) else 0)] = filler
        return out.view(f"S{self.width}").ravel().tolist()  # (an `S` item drops its trailing zero bytes)


def difference_distances(left: Rows, right: Rows, rows: np.ndarray, cols: np.ndarray, pairs: np.ndarray,
                         left_places: np.ndarray, right_places: np.ndarray,
                         difference_lengths: np.ndarray) -> np.ndarray:
    """Indel distance of the difference strings of text `rows[p]` of `left` and text `cols[p]` of `right`
    (rows `encoded` in one process), for each pair p. Their common words are given one by one: pair `pairs[e]` holds the
    word at position `left_places[e]` on the left and `right_places[e]` on the right; each side keeps a word at
    least. `difference_lengths[p]`: the two difference strings' summed length."""
    lcs = process.cpdist(left.differences(rows, pairs, left_places, DROPPED),
                         right.differences(cols, pairs, right_places, FILLER),
                         scorer=LCSseq.similarity, workers=1).astype(np.int64) - 1  # (the trailing spaces)
    return difference_lengths - 2 * lcs
