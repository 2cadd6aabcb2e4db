"""Label similarity matrices, with each distinct text scored once against a fixed list and remembered.

    sim_matrix(a, b, subset) -> (len(a), len(b)) float32 array

sim(a, b) = max over the tone key and the diacritic-free key (weight 0.98) of (ratio + token_sort_ratio) / 200,
and, with `subset`, of 0.8 · token_set_ratio / 100 (a label holding all the words of the other scores well).

Most of the time of a return goes into these fuzzy scores, and most of the texts are the same from one
return to the next (the printed labels of a form). So the right-hand list `b` (template labels, contexts,
sections, …) gets a `SimTable` once, and each text of `a` is scored against all of `b`'s distinct texts the
first time it is seen; later returns reuse the row. The rows are the very numbers a fresh computation gives
(the same rapidfuzz call on the same pair, then the same float32 arithmetic elementwise).

A text seen for the first time is scored in several tables (detect_form's, then its views' labels and
contexts), mostly against the same target texts: each pair's (ratio + token_sort) score, which depends on the
pair alone, is kept once per key kind for all tables (`_PairScores`). Token-set scores come from word counts
and lengths where these decide them, and are skipped where they cannot raise the max of the other scores
(`_TokenSetTargets`, `SimTable._add`); the rest get their difference strings' Indel distances in one batch
(extractor/token_set.py). Ratio and token_sort compare narrowed texts (`extractor.narrow`: one byte per character,
the same scores, ~3.5x faster on tone keys).
"""

from __future__ import annotations

import copy
import functools
import itertools
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence

import numpy as np
from rapidfuzz import fuzz, process
from rapidfuzz.distance import Indel

from extractor.catalogue import Keys
from extractor.narrow import narrowed
from extractor.token_set import Rows, difference_distances, encoded

SUBSET_WEIGHT = 0.8
ATTRS = (("tone", 1.0), ("folded", 0.98))
MAX_CELLS = 2**21  # remembered scores per table (8 MB); past it the table starts again
MAX_PAIR_CELLS = 2**21  # (text, target text) scores shared by the tables, per key kind (8 MB: the ~3 300 texts of
# 20 new returns against ~630 target texts, so that no row starts again within them)
MAX_TEXTS = 8192  # texts whose words are remembered (a text is scored in several tables: ~3 500 texts per 20 returns)


@functools.lru_cache(maxsize=MAX_TEXTS)
def _sorted_tokens(text: str) -> str:
    """`text`'s words in sorted order, one space apart: what `token_sort_ratio` compares with `ratio`."""
    return " ".join(sorted(text.split(" "))).strip()


@functools.lru_cache(maxsize=MAX_TEXTS)
def _plain(text: str) -> bool:
    """True when `text` holds no whitespace but single spaces between words (`str.split` cuts at the very
    characters `re`'s \\s matches, and drops them at both ends)."""
    return " ".join(text.split()) == text


def _plain_spaces(texts: Sequence[str]) -> bool:
    """True when every text separates its words by single spaces only (as label keys do): then `ratio` of the
    `_sorted_tokens` is exactly rapidfuzz's `token_sort_ratio`, without sorting each target again per pair."""
    return all(map(_plain, texts))


def grid(m: np.ndarray, rows: Sequence[int] | np.ndarray, cols: Sequence[int] | np.ndarray) -> np.ndarray:
    """`m[np.ix_(rows, cols)]` (a new array), by two `take`s: numpy's two-index gather walks an index iterator per
    element, a few times slower."""
    return m.take(rows, axis=0).take(cols, axis=1)


# rapidfuzz's cdist scores queries of up to 64 characters several at once (one SIMD lane each), longer ones pair by
# pair: a long text against a short target costs less from the target's side, but each query costs a set-up. Callgrind,
# narrowed texts of ~75 characters against 600 of 3-40: ~850 instructions a pair from the long side, ~190 from the
# short side plus ~2 300 a short query; splitting a call costs ~150 000 more (three calls, numpy glue)
SIMD_LENGTH = 64
PAIR_GAIN, QUERY_SETUP, SPLIT_COST = 660, 2300, 150_000


_LONG_TARGETS: dict[int, tuple[Sequence[str], np.ndarray, int]] = {}  # id(list) -> (list, its long texts, their count)
MAX_LONG_TARGETS = 256  # (target lists in use: a few per table; lists made per call pass through)


def _long_targets(qb: Sequence[str]) -> tuple[np.ndarray, int]:
    """Which texts of `qb` are longer than SIMD_LENGTH, and their count; remembered per list object (a table's
    target lists are scored against again and again; the entry holds the list, so its id stays its own). The
    numbers never depend on it: `_split_cdist` gives cdist's matrix for any split of the columns."""
    found = _LONG_TARGETS.get(id(qb))
    if found is not None and found[0] is qb and len(found[1]) == len(qb):
        return found[1], found[2]
    long = np.fromiter(map(len, qb), dtype=np.intp, count=len(qb)) > SIMD_LENGTH
    if len(_LONG_TARGETS) >= MAX_LONG_TARGETS:
        _LONG_TARGETS.clear()
    count = int(np.count_nonzero(long))
    _LONG_TARGETS[id(qb)] = (qb, long, count)
    return long, count


def _cdist(qa: Sequence[str], qb: Sequence[str], scorer: Callable[..., float]) -> np.ndarray:
    """`process.cdist(qa, qb, scorer=scorer, workers=1)` for a symmetric `scorer` (`fuzz.ratio`, `Indel.distance`:
    the same number either way round); where it pays (module figures), the pairs of a text of `qa` longer than
    SIMD_LENGTH and a target not longer are scored with the target as the query."""
    n_long = sum(map(SIMD_LENGTH.__lt__, map(len, qa)))
    if n_long * PAIR_GAIN <= QUERY_SETUP or not qb:
        return process.cdist(qa, qb, scorer=scorer, workers=1)
    lb, long_targets = _long_targets(qb)
    if (len(qb) - long_targets) * (n_long * PAIR_GAIN - QUERY_SETUP) <= SPLIT_COST:
        return process.cdist(qa, qb, scorer=scorer, workers=1)
    la = np.fromiter(map(len, qa), dtype=np.intp, count=len(qa)) > SIMD_LENGTH
    return _split_cdist(qa, qb, scorer, la, lb)


def _split_cdist(qa: Sequence[str], qb: Sequence[str], scorer: Callable[..., float], la: np.ndarray,
                 lb: np.ndarray) -> np.ndarray:
    """`_cdist` with the long pairs' short targets as queries (`la`, `lb`: which texts are long)."""
    long_rows, short_cols, long_cols = np.flatnonzero(la), np.flatnonzero(~lb), np.flatnonzero(lb)
    long_texts = [qa[i] for i in long_rows.tolist()]
    swapped = process.cdist([qb[j] for j in short_cols.tolist()], long_texts, scorer=scorer, workers=1)
    rest = process.cdist(long_texts, [qb[j] for j in long_cols.tolist()], scorer=scorer, workers=1)
    place = np.empty(len(qb), dtype=np.intp)  # each column's place in (short columns, long columns)
    place[np.concatenate([short_cols, long_cols])] = np.arange(len(qb))
    bottom = np.concatenate([swapped.T, rest], axis=1).take(place, axis=1)
    if len(long_rows) == len(qa):
        return bottom
    out = np.empty((len(qa), len(qb)), dtype=swapped.dtype)
    short_rows = np.flatnonzero(~la)
    out[short_rows] = process.cdist([qa[i] for i in short_rows.tolist()], qb, scorer=scorer, workers=1)
    out[long_rows] = bottom
    return out


def _spread(m: np.ndarray, rows: np.ndarray | None, cols: np.ndarray) -> np.ndarray:
    """`grid(m, rows, cols)`; `rows` None: every row of `m` in order (one `take` fewer)."""
    return m.take(cols, axis=1) if rows is None else grid(m, rows, cols)


def _token_sort(qa: list[str], qb: list[str], qb_sorted: list[str] | None,
                qb_sorted_narrow: list[str] | None = None, qa_sorted_narrow: list[str] | None = None) -> np.ndarray:
    """`cdist(qa, qb, scorer=fuzz.token_sort_ratio)`, given qb's `_sorted_tokens` (None when not all
    plain-spaced) and, optionally, these narrowed (`extractor.narrow`), and qa's narrowed `_sorted_tokens` (when
    qa is plain-spaced)."""
    if qb_sorted is not None and (qa_sorted_narrow is not None or _plain_spaces(qa)):
        if qb_sorted_narrow is None:
            qb_sorted_narrow = narrowed(qb_sorted)
        if qa_sorted_narrow is None:
            qa_sorted_narrow = narrowed([_sorted_tokens(t) for t in qa])
        return _cdist(qa_sorted_narrow, qb_sorted_narrow, fuzz.ratio)
    return process.cdist(qa, qb, scorer=fuzz.token_sort_ratio, workers=1)


@functools.lru_cache(maxsize=MAX_TEXTS)
def _words(text: str) -> tuple[str, ...]:
    """`text`'s distinct words in sorted order (a plain-spaced `text`; none for ""): its `_sorted_tokens` (mostly
    remembered already: the (ratio + token_sort) scores come first) without repeats."""
    return tuple(dict.fromkeys(_sorted_tokens(text).split(" "))) if text else ()


def _sizes(words: Sequence[tuple[str, ...]]) -> tuple[np.ndarray, np.ndarray]:
    """Number of distinct words and their summed lengths, per text."""
    return (np.array([len(ws) for ws in words], dtype=np.int64),
            np.array([sum(map(len, ws)) for ws in words], dtype=np.int64))


def _norm(dist: np.ndarray, lensum: np.ndarray) -> np.ndarray:
    """rapidfuzz's normalised similarity `100 - 100 * dist / lensum`, in the same float64 operations."""
    return 100.0 - (100 * dist).astype(np.float64) / np.maximum(lensum, 1)


class _TokenSetTargets:
    """rapidfuzz's `token_set_ratio` of any plain-spaced texts against a fixed list of plain-spaced texts, with
    the same numbers and a fraction of its cost.

    `token_set_ratio(a, b)` splits both texts into distinct words: common ones (`sect`) and the two differences
    (`ab`, `ba`), each sorted and joined by single spaces. It is 0 when a text has no word, 100 when the texts
    share a word and one holds all the words of the other, else the largest of `sect_ab_ratio`, `sect_ba_ratio`
    (from lengths only) and `result`, the Indel similarity of the two difference strings. All lengths come from
    word counts, summed word lengths and, per pair, the common words' count and summed length (an index of
    the targets' words). Only `result` needs an Indel distance:
    - with no common word the difference strings are the texts' own distinct sorted words: one batch of Indel
      distances of these (which every pair gets; cheap, bit-parallel);
    - otherwise the difference strings are subsequences of those, so their longest common subsequence is at
      most the batch's, and at most the shorter difference string: an upper bound of `result`. Where it is not
      above the length-only ratios the score is exact without a distance; where the caller's `floor` says a
      score up to the bound cannot matter (`max(floor, score / 100 * SUBSET_WEIGHT)` in float32, the
      same rounded operations: monotone), the bound is returned instead; the other pairs' difference strings
      are made all at once and their Indel distances come from one rapidfuzz call (`token_set.py`), then
      rapidfuzz's own normalisation: `result` in float64 as `_norm`, the max, float32 (when a text's narrowed
      codes do not fit a byte, `token_set.encoded`: rapidfuzz's `token_set_ratio` itself, text by text)."""

    def __init__(self, texts: Sequence[str]) -> None:
        self.words = words = [_words(t) for t in texts]
        self.sets = [" ".join(ws) for ws in words]
        self.set_texts = np.array(self.sets, dtype=object)
        self.count, self.letters = _sizes(words)
        self.lengths = np.array([len(t) for t in self.sets], dtype=np.int64)
        flat = list(itertools.chain.from_iterable(words))
        self.ids = ids = {word: n for n, word in enumerate(dict.fromkeys(flat))}  # the targets' words
        word_of = np.fromiter(map(ids.__getitem__, flat), dtype=np.intp, count=len(flat))
        counts = np.fromiter(map(len, words), dtype=np.intp, count=len(words))
        target_of = np.repeat(np.arange(len(words), dtype=np.intp), counts)
        place_of = np.arange(len(flat), dtype=np.intp) - np.repeat(np.cumsum(counts) - counts, counts)
        self.word_lengths = np.fromiter(map(len, ids), dtype=np.int64, count=len(ids))
        by_word = np.argsort(word_of, kind="stable")
        self.holders = target_of[by_word]  # word by word
        self.places = place_of[by_word]  # the word's position among its holder's words
        self.starts = np.concatenate([[0], np.cumsum(np.bincount(word_of, minlength=len(ids)))]).astype(np.intp)
        self._rows: Rows | None = None  # made at the first pair needing a distance
        self._unencoded = False  # (True: the targets have no `encoded` form)
        self._narrow_sets: list[str] | None = None  # `sets` narrowed (made at the first text scored)

    def _common(self, words: Sequence[tuple[str, ...]]) -> tuple[np.ndarray, np.ndarray, np.ndarray,
                                                                   tuple[np.ndarray, ...]]:
        """The pairs (text, target) sharing a word, as flat indices into the (len(words), len(targets)) matrix in
        increasing order, with their number of common words and these words' summed length; and each common word
        of each such pair: (its pair's flat index, its position in the text's words, in the target's)."""
        width = len(self.sets)
        flat = list(itertools.chain.from_iterable(words))
        ids = np.fromiter(map(self.ids.get, flat, itertools.repeat(-1)), dtype=np.intp, count=len(flat))
        counts = np.fromiter(map(len, words), dtype=np.intp, count=len(words))
        texts = np.repeat(np.arange(len(words)), counts)
        places = np.arange(len(flat)) - np.repeat(np.cumsum(counts) - counts, counts)  # in the text's words
        found = ids >= 0
        if not found.any():
            none = np.zeros(0, dtype=np.intp)
            return none, none, none, (none, none, none)
        texts, places, ids = texts[found], places[found], ids[found]
        # each found word's holders, one cell per (text, holder) (`take`: ~5 M instructions fewer than fancy
        # indexing over the 20 reworded returns, for these gathers)
        sizes = self.starts.take(ids + 1) - self.starts.take(ids)
        first = np.cumsum(sizes) - sizes
        at = np.repeat(self.starts.take(ids) - first, sizes) + np.arange(first[-1] + sizes[-1])
        cells = np.repeat(texts * width, sizes) + self.holders.take(at)
        count = np.bincount(cells, minlength=len(words) * width)
        summed = np.bincount(cells, weights=np.repeat(self.word_lengths[ids], sizes).astype(np.float64),
                             minlength=len(words) * width)
        shared = np.flatnonzero(count)
        return (shared, count.take(shared), summed.take(shared).astype(np.int64),
                (cells, np.repeat(places, sizes), self.places.take(at)))

    def scores(self, texts: Sequence[str], floor: np.ndarray | None = None) -> np.ndarray:
        """(len(texts), len(targets)) float32 matrix: `cdist(texts, targets, scorer=fuzz.token_set_ratio)`;
        with `floor` (float32, same shape), pairs whose score cannot raise `floor` (weighted as in `SimTable`)
        may hold an upper bound of their score instead.

        A pair with no common word scores its sets' Indel similarity (the whole matrix, from one batch of
        distances); the pairs sharing a word (about half on the reworded returns) are worked out apart, on their
        own arrays."""
        words = [_words(t) for t in texts]
        sets = [" ".join(ws) for ws in words]
        count, letters = _sizes(words)
        lengths = np.array([len(t) for t in sets], dtype=np.int64)
        if self._narrow_sets is None:
            self._narrow_sets = narrowed(self.sets)
        narrow = narrowed(sets)
        dist = _cdist(narrow, self._narrow_sets, Indel.distance)
        # no common word: the difference strings are the sets themselves (exact); a text or target without a
        # word scores 0
        out = _norm(dist, lengths[:, None] + self.lengths[None, :]).astype(np.float32)
        if not count.all():
            out[count == 0] = 0.0
        if not self.count.all():
            out[:, self.count == 0] = 0.0
        cells, common, common_len, (entry_cell, places_a, places_b) = self._common(words)
        if not len(cells):
            return out
        rows, cols = np.divmod(cells, out.shape[1])
        ab_count = count.take(rows) - common
        ba_count = self.count.take(cols) - common
        ab_len = np.where(ab_count > 0, letters.take(rows) - common_len + ab_count - 1, 0)
        ba_len = np.where(ba_count > 0, self.letters.take(cols) - common_len + ba_count - 1, 0)
        sect_len = common_len + common - 1
        sect_ab_len = sect_len + 1 + ab_len
        sect_ba_len = sect_len + 1 + ba_len
        # the difference strings are subsequences of the sets: their LCS is at most the sets' (an upper bound)
        lcs = np.minimum((lengths.take(rows) + self.lengths.take(cols) - dist.take(cells)) // 2,
                         np.minimum(ab_len, ba_len))
        result = _norm(ab_len + ba_len - 2 * lcs, sect_ab_len + sect_ba_len)
        lengths_only = np.maximum(_norm(1 + ab_len, sect_len + sect_ab_len), _norm(1 + ba_len, sect_len + sect_ba_len))
        both = (ab_count > 0) & (ba_count > 0)
        values = np.where(both, np.maximum(result, lengths_only), 100.0).astype(np.float32)
        out.reshape(-1)[cells] = values
        todo = both & (result > lengths_only)
        if floor is not None:
            todo &= values / 100.0 * SUBSET_WEIGHT > floor.reshape(-1)[cells]
        pairs = np.flatnonzero(todo)  # (sharing a word) the pairs needing a distance
        if not len(pairs):
            return out
        rows, cols = rows[pairs], cols[pairs]
        if self._rows is None and not self._unencoded:
            targets = encoded(self._narrow_sets)
            self._unencoded = targets is None
            self._rows = None if targets is None else Rows(targets, self.words)
        needed = np.flatnonzero(np.bincount(rows, minlength=len(texts)))  # the texts with a pair needing one
        left = None if self._rows is None else encoded([narrow[i] for i in needed])
        if self._rows is None or left is None:  # (codes past a byte: rapidfuzz's own call, text by text)
            for i in needed:  # on the distinct sorted words
                js = cols[rows == i]
                out[i, js] = process.cdist([sets[i]], self.set_texts[js], scorer=fuzz.token_set_ratio, workers=1)[0]
            return out
        pair = np.full(out.size, -1, dtype=np.intp)  # each pair needing a distance: its index among `pairs`
        pair[cells[pairs]] = np.arange(len(pairs))
        p = pair[entry_cell]
        found = p >= 0
        dist = difference_distances(Rows(left, [words[i] for i in needed]),
                                    self._rows, np.searchsorted(needed, rows), cols, p[found],
                                    places_a[found], places_b[found], ab_len[pairs] + ba_len[pairs])
        exact = _norm(dist, sect_ab_len[pairs] + sect_ba_len[pairs])
        out[rows, cols] = np.maximum(exact, lengths_only[pairs])
        return out


def _token_set(qa: list[str], qb: list[str], targets: _TokenSetTargets | None,
               floor: np.ndarray | None = None) -> np.ndarray:
    if targets is not None and _plain_spaces(qa):
        return targets.scores(qa, floor)
    return process.cdist(qa, qb, scorer=fuzz.token_set_ratio, workers=1)


# a table's batch of few pairs (a key kind's distinct new texts x its targets) is scored by rapidfuzz straight: the
# numpy steps of `_TokenSetTargets` (~0.5 ms whatever the size, ~0.2 ms more to build it for a table) and of
# `_PairScores` (~0.1 ms) cost more than the pairs themselves (~3 µs a token-set pair). The same numbers either way:
# each is its pair's own rapidfuzz score, which `_TokenSetTargets` and `_PairScores` give exactly. Callgrind, a replay
# of the 270 sim_matrix calls of the 20 reworded returns' first pass: flat from 192 to 400 token-set pairs and from
# 256 to 1024 (ratio + token_sort) pairs
SMALL_TOKEN_SET = 256
SMALL_PAIRS = 256


def _sort_scores(qa: list[str], qb: list[str], qb_sorted: list[str] | None, weight: float,
                 narrow: tuple[list[str], list[str] | None] | None = None) -> np.ndarray:
    """(ratio + token_sort_ratio) / 200 · weight of every pair, float32; `narrow`: qb and qb_sorted narrowed
    (`extractor.narrow`; made here when not given)."""
    qb_narrow, qb_sorted_narrow = narrow if narrow is not None else (narrowed(qb), None)
    qa_sorted_narrow = None
    if qb_sorted is not None and _plain_spaces(qa):  # qa and its sorted words narrowed in one pass
        both = narrowed(qa + [_sorted_tokens(t) for t in qa])
        qa_narrow, qa_sorted_narrow = both[:len(qa)], both[len(qa):]
    else:
        qa_narrow = narrowed(qa)
    ratio = _cdist(qa_narrow, qb_narrow, fuzz.ratio)
    return (ratio + _token_sort(qa, qb, qb_sorted, qb_sorted_narrow, qa_sorted_narrow)) / 200.0 * weight


class _PairScores:
    """`_sort_scores` of (text, target text) pairs of one key kind, shared by all tables.

    A new text is scored in detect_form's table (every form key), then in its views' label and context tables,
    whose target texts are mostly the same: such pairs are gathered here instead of scored again (on the 20
    variant returns' first sight, 93 % of the label tables' pairs and 44 % of the context tables'). Each number
    depends on its pair alone (elementwise rapidfuzz scores, elementwise float32 arithmetic): a gathered number
    is the one a fresh computation gives. One row per text against every target text registered by a table
    (NaN where not scored yet); past MAX_PAIR_CELLS the rows start again."""

    def __init__(self, weight: float) -> None:
        self.weight = weight
        self.generation = 0  # bumped when the columns start again: tables then register theirs again
        self._start()

    def _start(self) -> None:
        self.columns: dict[str, int] = {}
        self.rows: dict[str, int] = {}
        self.values = np.full((0, 0), np.nan, dtype=np.float32)  # rows × columns, grown as needed

    def _grow(self, rows: int, columns: int) -> None:
        """Make room for `rows` × `columns` scores. The matrix is made MAX_PAIR_CELLS high at once (unless `rows` ×
        `columns` alone, or the rows in use, are more) and its rows are set to NaN only when given to texts
        (`_row_ids`): rows never need copying, and memory not yet given out is never touched. New columns past the
        width copy the rows in use (a few more columns each time)."""
        height, width = self.values.shape
        if rows <= height and columns <= width:
            return
        used = len(self.rows)
        if columns > width:
            width = max(columns, width + 256)
        height = max(rows, used, MAX_PAIR_CELLS // width)  # (the rows in use are kept, past the cap if need be:
        # the next new text starts them again, `_row_ids`)
        grown = np.empty((height, width), dtype=np.float32)
        kept = self.values.shape[1]
        grown[:used, :kept] = self.values[:used]
        grown[:used, kept:] = np.nan
        self.values = grown

    def register(self, texts: Sequence[str]) -> np.ndarray:
        """The columns of `texts` (target texts of a table), added where new."""
        cols = [self.columns.setdefault(t, len(self.columns)) for t in texts]
        if len(self.columns) > MAX_PAIR_CELLS // 64:  # room for 64 rows at least
            self._start()
            self.generation += 1
            cols = [self.columns.setdefault(t, len(self.columns)) for t in texts]
        self._grow(0, len(self.columns))
        return np.array(cols, dtype=np.intp)

    def _row_ids(self, texts: list[str]) -> tuple[np.ndarray, int]:
        """The rows of `texts`, and the first row given out by this call (rows from it on hold NaN only)."""
        rows = self.rows
        new = [t for t in texts if t not in rows]
        start = len(rows)
        if new:
            if (len(rows) + len(new)) * max(self.values.shape[1], 1) > MAX_PAIR_CELLS:
                rows.clear()
                new = list(dict.fromkeys(texts))
            start = len(rows)
            self._grow(start + len(new), 0)
            for t in new:
                rows[t] = len(rows)
            self.values[start:len(rows)] = np.nan
        return np.array([rows[t] for t in texts], dtype=np.intp), start

    def scores(self, qa: list[str], qb: list[str], cols: np.ndarray, qb_sorted: list[str] | None,
               narrow: tuple[list[str], list[str] | None]) -> np.ndarray:
        """(len(qa), len(qb)) float32: `_sort_scores(qa, qb, qb_sorted, weight, narrow)`, `cols` being qb's
        columns."""
        rows, start = self._row_ids(qa)
        flat = self.values.reshape(-1)  # (a view: the matrix is C-contiguous)
        if len(rows) and rows.min() >= start:  # (texts new to every table: the usual case at first sight)
            out = _sort_scores(qa, qb, qb_sorted, self.weight, narrow)
            if rows[-1] - start == len(rows) - 1:  # (rows start .. start + n - 1: distinct texts, given rows in order)
                self.values[start:start + len(rows), cols] = out  # (~6x faster than the flat scatter: 62 -> 10 us
            else:  # for 20 x 600 scores)
                flat[(rows[:, None] * self.values.shape[1] + cols).ravel()] = out.ravel()
            return out
        out = grid(self.values, rows, cols)
        missing = np.isnan(out)
        count = missing.sum(axis=1)
        groups: dict[bytes, list[int]] = {}  # texts missing the same targets: one batch
        some = np.flatnonzero(count)
        every = count[some] == len(qb)
        if every.any():
            groups[b""] = some[every].tolist()
        partly = some[~every]
        if len(partly):
            packed = np.packbits(missing[partly], axis=1)
            size, raw = packed.shape[1], packed.tobytes()
            for k, i in enumerate(partly.tolist()):
                groups.setdefault(raw[k * size:(k + 1) * size], []).append(i)
        for key, idx in groups.items():
            if not key:  # every target (a text new to all of them: the usual case)
                js, sub = cols, (qb, qb_sorted, narrow)
            else:
                picked = np.flatnonzero(missing[idx[0]])
                js, jl = cols[picked], picked.tolist()
                nb, nb_sorted = narrow
                sub = ([qb[j] for j in jl], None if qb_sorted is None else [qb_sorted[j] for j in jl],
                       ([nb[j] for j in jl], None if nb_sorted is None else [nb_sorted[j] for j in jl]))
            fresh = _sort_scores([qa[i] for i in idx], *sub[:2], self.weight, sub[2])
            if key:
                out[np.ix_(idx, picked)] = fresh
            else:
                out[idx] = fresh
            flat[(rows[idx, None] * self.values.shape[1] + js).ravel()] = fresh.ravel()
        return out


_PAIRS = [_PairScores(weight) for _attr, weight in ATTRS]


Runs = tuple[np.ndarray | None, np.ndarray | None]


def _runs(ids: np.ndarray, count: int) -> Runs:
    """How `_least` gathers `ids` (ids 0 .. count - 1, each held once at least): the order sorting them (None when
    they are 0, 1, 2, … already) and, where some id is held twice, the start of each id's run in that order."""
    if len(ids) == count and (ids[:-1] < ids[1:]).all():
        return None, None
    order = np.argsort(ids, kind="stable")
    if len(ids) == count:
        return order, None
    return order, np.flatnonzero(np.r_[True, np.diff(ids[order]) != 0])


def _least(full: np.ndarray, rows: Runs, cols: Runs) -> np.ndarray:
    """The matrix of ids: for each (row id, column id), the least of `full` over the rows and columns holding them
    (`rows`, `cols`: `_runs` of the ids of `full`'s rows and columns); `full` itself when each id is held once and
    in order."""
    out = full
    for axis, (order, starts) in enumerate((rows, cols)):
        if order is not None:
            out = np.take(out, order, axis=axis)
            if starts is not None:
                out = np.minimum.reduceat(out, starts, axis=axis)
    return out


class SimTable:
    """Similarity of any text to the fixed texts of `b`, one remembered row per distinct text."""

    def __init__(self, b: Sequence[tuple[str, str]], subset: bool) -> None:
        self.subset = subset
        self.targets: list[list[str]] = []
        self.targets_sorted: list[list[str] | None] = []  # their `_sorted_tokens` (None: not plain-spaced)
        self._token_sets: list[_TokenSetTargets | None] | None = None  # made at the first text scored
        self._narrow_targets: list[tuple[list[str], list[str] | None]] | None = None  # (the same)
        self.inverse: list[np.ndarray] = []
        for n in range(len(ATTRS)):
            texts = [k[n] for k in b]
            qb = sorted(set(texts))  # (np.unique's order, without a numpy string array)
            index = {t: i for i, t in enumerate(qb)}
            self.targets.append(qb)
            self.targets_sorted.append([_sorted_tokens(t) for t in qb] if _plain_spaces(qb) else None)
            self.inverse.append(np.fromiter(map(index.__getitem__, texts), dtype=np.intp, count=len(texts)))
        self.width = len(b)
        self.rows: dict[tuple[str, str], np.ndarray] = {}  # (tone, folded) key of a text -> its row against b
        self._columns: tuple[tuple[int, ...], list[np.ndarray]] | None = None  # (generation, columns in _PAIRS)
        self._column_runs: list[Runs] | None = None  # (`column_runs`)

    def _add(self, keys: list[tuple[str, str]]) -> None:
        """Compute the rows of `keys` (distinct, not yet remembered) in one batch per key kind.

        A row is the max over key kinds of (ratio + token_sort) scores and, with `subset`, weighted token-set
        scores: all (ratio + token_sort) scores come first, so that a token-set score is only needed where it
        could raise the max of everything else known (`_TokenSetTargets.scores`' floor: for each pair of
        distinct texts, the least of that max over the keys and targets holding them)."""
        kinds = []
        for n in range(len(ATTRS)):
            index: dict[str, int] = {}  # the distinct texts (each row depends on its text alone: any order)
            ia = np.array([index.setdefault(k[n], len(index)) for k in keys], dtype=np.intp)
            qa = list(index)
            if len(qa) * len(self.targets[n]) <= SMALL_PAIRS:  # (the numbers `_PAIRS` would give or keep)
                m = _sort_scores(qa, self.targets[n], self.targets_sorted[n], ATTRS[n][1], self.narrow()[n])
            else:
                m = _PAIRS[n].scores(qa, self.targets[n], self.columns()[n], self.targets_sorted[n],
                                     self.narrow()[n])
            kinds.append((qa, None if len(qa) == len(keys) else ia, m))  # (None: the keys' texts, in order)
        out = np.maximum.reduce([_spread(m, ia, self.inverse[n]) for n, (_qa, ia, m) in enumerate(kinds)])
        if self.subset:
            for n in reversed(range(len(ATTRS))):  # (folded first: its token-set scores are mostly the higher, so
                qa, ia, m = kinds[n]  # the tone kind's floor rules out more pairs)
                if m.size <= SMALL_TOKEN_SET:  # (the same scores: every pair's own, exact)
                    scores = process.cdist(qa, self.targets[n], scorer=fuzz.token_set_ratio, workers=1)
                else:
                    floor = _least(out, (None, None) if ia is None else _runs(ia, len(qa)), self.column_runs(n))
                    scores = _token_set(qa, self.targets[n], self.token_sets()[n], floor)
                weighted = scores / 100.0 * SUBSET_WEIGHT
                np.maximum(out, _spread(weighted, ia, self.inverse[n]), out=out)
        for k, row in zip(keys, out, strict=True):
            self.rows[k] = row

    def column_runs(self, n: int) -> Runs:
        """`_runs` of key kind n's `inverse` (made once)."""
        runs = self._column_runs
        if runs is None:
            runs = self._column_runs = [_runs(ids, len(qb)) for ids, qb in zip(self.inverse, self.targets, strict=True)]
        return runs[n]

    def columns(self) -> list[np.ndarray]:
        """Each key kind's targets' columns in `_PAIRS` (registered at the first text scored)."""
        if self._columns is None or self._columns[0] != tuple(p.generation for p in _PAIRS):
            columns = [p.register(qb) for p, qb in zip(_PAIRS, self.targets, strict=True)]
            self._columns = (tuple(p.generation for p in _PAIRS), columns)
        return self._columns[1]

    def narrow(self) -> list[tuple[list[str], list[str] | None]]:
        """Each key kind's targets and their `_sorted_tokens`, narrowed (`extractor.narrow`), made once per process (the
        stand-ins are the process's: never pickled)."""
        if self._narrow_targets is None:
            self._narrow_targets = [(narrowed(qb), None if qs is None else narrowed(qs))
                            for qb, qs in zip(self.targets, self.targets_sorted, strict=True)]
        return self._narrow_targets

    def token_sets(self) -> list[_TokenSetTargets | None]:
        """Each key kind's targets as `_TokenSetTargets` (None where they are not plain-spaced), made once."""
        if self._token_sets is None:
            self._token_sets = [None if plain is None else _TokenSetTargets(qb)
                                for qb, plain in zip(self.targets, self.targets_sorted, strict=True)]
        return self._token_sets

    def __getstate__(self) -> dict[str, object]:
        state = dict(self.__dict__)
        state["_token_sets"] = None  # made again when needed
        state["_narrow_targets"] = None  # (stand-ins are the process's own)
        state["_columns"] = None
        state["_column_runs"] = None
        keys = list(self.rows)
        state["rows"] = (keys, np.stack([self.rows[k] for k in keys]) if keys else None)
        return state

    def __setstate__(self, state: dict[str, object]) -> None:
        keys, matrix = state.pop("rows")  # type: ignore[misc]
        self.__dict__.update(state)
        self.__dict__.setdefault("_column_runs", None)
        self.rows = dict(zip(keys, matrix, strict=True)) if keys else {}

    def matrix(self, a: Sequence[Keys]) -> np.ndarray:
        keys = [(k.tone, k.folded) for k in a]
        rows = self.rows
        missing = list(dict.fromkeys(k for k in keys if k not in rows))
        if missing and (len(rows) + len(missing)) * max(1, self.width) > MAX_CELLS:
            rows.clear()
            missing = list(dict.fromkeys(keys))
        if missing:
            self._add(missing)
        return np.concatenate([rows[k] for k in keys]).reshape(len(keys), -1)  # (np.stack, without a view per row)


_TABLES: dict[tuple[tuple[tuple[str, str], ...], bool], SimTable] = {}
_CLEARED = [0]  # times `_TABLES` was cleared (a table leaves it only then)
MAX_TABLES = 256  # ~50 tables are in use (template views × key kinds); past it the tables start again


def _table(b: tuple[tuple[str, str], ...], subset: bool) -> SimTable:
    found = _TABLES.get((b, subset))
    if found is None:
        _make_room()
        found = _TABLES[b, subset] = SimTable(b, subset)
    return found


def _make_room() -> None:
    """Before a table is added: past MAX_TABLES the tables start again (counted in `_CLEARED`)."""
    if len(_TABLES) >= MAX_TABLES:
        _TABLES.clear()
        _CLEARED[0] += 1


def _targets_table(b: Targets, subset: bool) -> SimTable:
    """`_table(b.pairs, subset)`, remembered by `b` (hashing the whole list at every call costs more than the
    look-up): the table found is the one `_TABLES` holds, as long as `_TABLES` holds that table (checked by
    identity: a table never leaves `_TABLES` but by `_TABLES` being cleared or replaced)."""
    found = b.tables.get(subset)
    if found is not None and found[0] is _TABLES and found[1] == _CLEARED[0]:
        return found[2]
    table = _table(b.pairs, subset)
    b.tables[subset] = (_TABLES, _CLEARED[0], table)
    return table


class Targets(tuple):  # type: ignore[type-arg]
    """A fixed list of keys scored against again and again (a template view's labels, …): its (tone, folded)
    pairs, which name its table, are made once rather than at every `sim_matrix` call."""

    pairs: tuple[tuple[str, str], ...]
    tables: dict[bool, tuple[dict, int, SimTable]]  # subset flag -> (`_TABLES`, `_CLEARED`, its table) when found

    def __new__(cls, keys: Iterable[Keys]) -> Targets:
        self = super().__new__(cls, keys)
        self.pairs = tuple((k.tone, k.folded) for k in self)
        self.tables = {}
        return self

    def __reduce__(self) -> tuple[type, tuple[tuple[Keys, ...]]]:
        return (Targets, (tuple(self),))  # (pickled without its tables)


def sim_matrix(a: Sequence[Keys], b: Sequence[Keys], subset: bool = True) -> np.ndarray:
    """max(tone, folded) of (ratio + token_sort_ratio) / 200 for every pair (and, with `subset`, of a
    capped token_set_ratio); rows of texts already seen against the same `b` are reused."""
    if not a or not b:
        return np.zeros((len(a), len(b)))
    if isinstance(b, Targets):
        return _targets_table(b, subset).matrix(a)
    return _table(tuple((k.tone, k.folded) for k in b), subset).matrix(a)


# -- rows known before any document: each fixed list scored against its own texts ----------------------------------
def self_rows(b: Sequence[Keys], subset: bool) -> None:
    """Make sure the table of `b` holds the row of each of `b`'s own texts (a plain return's labels are the
    template's: their rows are then ready before its first return)."""
    if b:
        _table(tuple((k.tone, k.folded) for k in b), subset).matrix(list(b))


def export_tables(wanted: Collection[tuple[tuple[tuple[str, str], ...], bool]],
                  also: Mapping[tuple[tuple[tuple[str, str], ...], bool], Collection[tuple[str, str]]] | None = None
                  ) -> dict[tuple[tuple[tuple[str, str], ...], bool], SimTable]:
    """The `wanted` tables (target list, subset flag) with the rows of their own target texts and of the texts
    `also` names for them (pickled compactly: one matrix per table); no other text a process has seen is kept."""
    out = {}
    for key in wanted:
        table = _TABLES.get(key)
        if table is not None:
            keep = set(key[0]).union((also or {}).get(key, ()))
            out[key] = copy.copy(table)
            out[key].rows = {k: row for k, row in table.rows.items() if k in keep}
    return out


def import_tables(tables: dict[tuple[tuple[tuple[str, str], ...], bool], SimTable]) -> None:
    """Remember the tables of `export_tables` (rows already remembered are kept as they are: the same numbers)."""
    for key, table in tables.items():
        found = _TABLES.get(key)
        if found is None:
            _make_room()
            _TABLES[key] = table
        else:
            for k, row in table.rows.items():
                found.rows.setdefault(k, row)
