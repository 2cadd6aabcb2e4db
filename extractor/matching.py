"""Tie each slot of a document to a canonical field: form detection, fuzzy label scoring against every
known template slot, order-aware one-to-one assignment, and list tables matched by their header.

Scores and thresholds come from `patterns/matching.yaml`.
"""

from __future__ import annotations

import bisect
import functools
import hashlib
import re
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from operator import attrgetter
from typing import Any

import numpy as np
import rapidfuzz

from extractor import compiled, similarity
from extractor.assignments import Assignments, Plan
from extractor.catalogue import PATTERNS, Catalogue, Keys, TemplateSlot
from extractor.similarity import Targets, grid
from extractor.similarity import sim_matrix as _sim_matrix
from extractor.slots import Slot
from extractor.text.normalize import fold
from extractor.text.values import parse_value, plain_number_qualities
from extractor.yamlfile import load_text


@functools.lru_cache(maxsize=4096)
def _readable(raw: str | None) -> dict[str, float]:
    """Types that can read `raw`, with the reading's quality."""
    out: dict[str, float] = {}
    if not raw:
        return out  # (no type is kept for an empty or missing text: it is not read)
    plain = plain_number_qualities(raw, CHECKED_TYPES)
    if plain is not None:
        return plain
    for t in CHECKED_TYPES:
        parsed = parse_value(raw, t)
        if parsed.ok:
            out[t] = parsed.quality
    return out


def _rare_type(quality: dict[str, float]) -> set[str]:
    """`{"date"}` or `{"ratio"}` when the text reads cleanly as one and not as a plain number."""
    clean = {t for t, q in quality.items() if q >= 0.85}
    if "date" in clean:
        return {"date"}
    if "ratio" in clean and not clean & {"integer", "decimal"}:
        return {"ratio"}
    return set()


@functools.lru_cache(maxsize=4096)
def _type_key(raw: str) -> tuple[frozenset[str], frozenset[str]]:
    """The types that can read `raw` and its rare type (`_rare_type`): what `Matcher._type_adjust` groups by."""
    quality = _readable(raw)
    return frozenset(quality), frozenset(_rare_type(quality))


_SLOT_ORDER = attrgetter("slot.order")  # a match's place in the document (C-level, no Python frame a call)


def _answered(s: Slot) -> bool:
    """Was something typed in `s` or one of its boxes ticked?"""
    return bool(s.raw or (s.options and any(o.checked for o in s.options)))


def rounded3(x: np.ndarray) -> list[float]:
    """`[round(v, 3) for v in x]` of float64 values, in a few numpy steps. `round(v, 3)` is the double nearest to the
    decimal with 3 places nearest to v's exact value: that is `n / 1000` (the quotient of two exact doubles,
    correctly rounded) with n the integer nearest to v · 1000. The product `v * 1000` is off v · 1000 by far less
    than 1e-6 (|v| < 1e6: a relative error of 2^-53), so where it lies farther than that from a half-integer,
    `rint` of it is n; the other values (and any not finite or that large) go through `round` itself. (float32
    values: of their float64 value, as `round(float(v), 3)`.)"""
    x = x.astype(np.float64, copy=False)
    with np.errstate(over="ignore", invalid="ignore"):  # (past 1.8e305 or inf - inf: unsure)
        scaled = x * 1000.0
        out = np.rint(scaled) / 1000.0
        unsure = ~(np.abs(np.abs(scaled - np.floor(scaled)) - 0.5) > 1e-6) | ~(np.abs(x) < 1e6)
    got = out.tolist()
    if unsure.any():
        values = x.tolist()
        for n in np.flatnonzero(unsure).tolist():
            got[n] = round(values[n], 3)
    return got


CHECKED_TYPES = ("integer", "decimal", "percent", "ratio", "date", "boolean")
NOT_SCORED = -2.0  # a template column a slot was not scored against (below any real score)


@functools.lru_cache(maxsize=1)
def settings() -> dict[str, Any]:
    with open(PATTERNS / "matching.yaml", encoding="utf-8") as fh:
        return load_text(fh.read())


@dataclass
class Match:
    """A slot and the field it was assigned (or None), with the evidence."""

    slot: Slot
    field_id: str | None
    template: TemplateSlot | None = None
    score: float = 0.0
    margin: float = 1.0  # score minus the best score for another field
    row: int | None = None  # list-table row
    form_prior: bool = True  # the template slot belongs to the detected form
    candidates: list[tuple[str, float]] = field(default_factory=list)


@dataclass
class FormGuess:
    """The form a return was detected as (None: none clearly), its confidence and every form's score."""

    id: str | None
    confidence: float
    scores: dict[str, float]


def detect_form(slots: Sequence[Slot], headings: Sequence[str], catalogue: Catalogue) -> FormGuess:
    """Which known form this is: mean best-match similarity of each form's labels and headings to the
    document's; confidence from the winner's score and its lead over the runner-up."""
    texts = [s.label for s in slots if s.label] + list(headings)
    if not texts:
        return FormGuess(None, 0.0, {})
    _templates(catalogue)  # (with the rows of the templates' own texts)
    # the guess depends on the set of the document's keys only (a maximum over them, in any order), so on the set
    # of its texts (`Keys.of` is a function of the text): the returns of a form print the same labels and headings,
    # whatever was typed
    memo = catalogue.derived.setdefault("matching.form_guesses", {})
    key = frozenset(texts)
    found = memo.get(key)
    if found is None:
        distinct = {(k.tone, k.folded): k for k in map(Keys.of, texts)}
        if len(memo) >= MAX_FORM_GUESSES:
            memo.clear()
        found = memo[key] = _guess_form(list(distinct.values()), catalogue)
    return FormGuess(found.id, found.confidence, dict(found.scores))


MAX_FORM_GUESSES = 1024  # remembered guesses (a set of ~100 keys each); past it the memory starts again


def _guess_form(doc_keys: list[Keys], catalogue: Catalogue) -> FormGuess:
    """`detect_form` of a document whose distinct label and heading keys are `doc_keys`."""
    # one matrix of the document against every form's keys (the forms' side is fixed: its rows are reused)
    keys, spans = _form_keys(catalogue)
    # each form key's best match among the document's keys, then each form's mean of those
    best = _sim_matrix(doc_keys, keys, subset=False).max(axis=0)
    scores = {fid: float(best[lo:hi].mean()) if hi > lo else 0.0 for fid, (lo, hi) in spans.items()}
    ranked = sorted(scores.items(), key=lambda kv: -kv[1])
    best, s1 = ranked[0]
    s2 = ranked[1][1] if len(ranked) > 1 else 0.0
    confidence = max(0.0, min(1.0, (s1 - 0.4) / 0.4)) * min(1.0, (s1 - s2) / 0.08 + 0.2)
    return FormGuess(best if s1 >= 0.45 else None, round(confidence, 3), {k: round(v, 3) for k, v in ranked})


def _top_columns(S: np.ndarray, k: int) -> np.ndarray:
    """Each row's `k` highest columns, best first, equal scores by column order (deterministic, unlike an
    unstable sort, and much cheaper than sorting whole rows for the few columns kept). Each column taken is set
    to -inf in `S` itself for the next round, and every value is put back before it returns (last taken first,
    so a cell taken twice ends with its own value): `S` comes back as it was, with no copy of it made."""
    k = min(k, S.shape[1])
    rows = np.arange(S.shape[0])
    out = np.empty((S.shape[0], k), dtype=np.intp)
    kept = np.empty((S.shape[0], k), dtype=S.dtype)
    for n in range(k):
        col = S.argmax(axis=1)  # the first of equal maxima
        out[:, n] = col
        kept[:, n] = S[rows, col]
        S[rows, col] = -np.inf
    for n in reversed(range(k)):
        S[rows, out[:, n]] = kept[:, n]
    return out


def _alignment_table(gain: np.ndarray) -> np.ndarray:
    """best[i, j]: the highest total gain of an order-preserving alignment of the first i rows with the first j
    columns (each row and column used once; -inf gains never taken). One step per line of the shorter side (the
    table is the same either way: it is symmetric in rows and columns), each step three numpy calls on views
    made once."""
    flip = gain.shape[0] > gain.shape[1]
    g = gain.T if flip else gain
    n, m = g.shape
    best = np.zeros((n + 1, m + 1))
    diagonal, above, out = best[:, :-1], best[:, 1:], best[1:, 1:]  # (row i of each: best[i, j-1], best[i, j], …)
    step = np.empty(m)
    add, maximum, accumulate = np.add, np.maximum, np.maximum.accumulate
    for i in range(n):
        add(diagonal[i], g[i], out=step)  # take the pair (i + 1, j)
        maximum(step, above[i], out=step)  # or skip row i + 1
        accumulate(step, out=out[i])  # or skip column j (every value is >= 0 = best[i + 1, 0])
    return best.T if flip else best


def _aligned_pairs(m: np.ndarray, floor: float = 0.4) -> list[tuple[int, int]]:
    """The (row, column) pairs of the best order-keeping alignment of a similarity matrix, pairs below `floor`
    never taken."""
    return _best_alignment(np.where(m >= floor, m, -np.inf))


def _best_alignment(gain: np.ndarray) -> list[tuple[int, int]]:
    """The (row, column) pairs `_traceback(_alignment_table(gain))` gives, computed without the rows and columns
    whose gains are all -inf: such a row (column) of the table repeats the one before it value for value, and
    the traceback passes it without taking a pair, so leaving it out changes neither the pairs nor a number."""
    live = gain > -np.inf
    rows, cols = np.flatnonzero(live.any(axis=1)), np.flatnonzero(live.any(axis=0))
    if rows.size < gain.shape[0] or cols.size < gain.shape[1]:
        gain = grid(gain, rows, cols)
    else:
        rows, cols = np.arange(gain.shape[0]), np.arange(gain.shape[1])
    r, c = rows.tolist(), cols.tolist()
    return [(r[i], c[j]) for i, j in _traceback(_alignment_table(gain))]


def _traceback(best: np.ndarray) -> list[tuple[int, int]]:
    """The (row, column) pairs an alignment table (`_alignment_table`) chose, first row first."""
    pairs = []
    i, j = best.shape[0] - 1, best.shape[1] - 1
    item = best.item  # (Python floats, the same comparisons: of the cells the path passes only, not the table's)
    while i > 0 and j > 0:
        here = item(i, j)
        if here == item(i, j - 1):
            j -= 1
        elif here == item(i - 1, j):
            i -= 1
        else:
            pairs.append((i - 1, j - 1))
            i, j = i - 1, j - 1
    return pairs[::-1]


def _first_free(rows: np.ndarray, groups: np.ndarray, n_rows: int, n_groups: int) -> np.ndarray:
    """Positions, in order, of the pairs (rows[p], groups[p]) a scan in position order takes when it takes each
    pair whose row and group are both still free (each row and each group once).

    Computed in rounds rather than pair by pair: a pair that comes first among the remaining pairs of its row and
    of its group is taken by the scan (nothing before it touches either); take every such pair, drop the pairs
    their rows and groups rule out, repeat. A few rounds replace a Python step per pair."""
    live = np.arange(rows.size)
    taken = []
    row_used = np.zeros(n_rows, dtype=bool)
    group_used = np.zeros(n_groups, dtype=bool)
    while live.size:
        r, g = rows[live], groups[live]
        first_r = np.full(n_rows, rows.size)
        first_g = np.full(n_groups, rows.size)
        np.minimum.at(first_r, r, live)
        np.minimum.at(first_g, g, live)
        now = live[(first_r[r] == live) & (first_g[g] == live)]
        taken.append(now)
        row_used[rows[now]] = True
        group_used[groups[now]] = True
        live = live[~(row_used[r] | group_used[g])]
    return np.sort(np.concatenate(taken)) if taken else live


def _greedy_pairs(m: np.ndarray, floor: float = 0.4) -> list[tuple[int, int]]:
    """(row, column) pairs taken best first, each row and column once, pairs below `floor` never taken."""
    pairs: list[tuple[int, int]] = []
    used_r: set[int] = set()
    used_c: set[int] = set()
    for flat in np.argsort(-m, axis=None):
        i, j = divmod(int(flat), m.shape[1])
        if i in used_r or j in used_c or m[i, j] < floor:
            continue
        pairs.append((i, j))
        used_r.add(i)
        used_c.add(j)
    return sorted(pairs)


def _pairs_mean(m: np.ndarray, pairs: list[tuple[int, int]]) -> float:
    """`float(np.mean([m[i, j] for i, j in pairs]))` (some pairs): the same values in the same type and order, gathered
    by one fancy index instead of a Python scalar per pair."""
    rows, cols = zip(*pairs, strict=True)
    return float(m[list(rows), list(cols)].mean())


def _list_columns(tslots: Sequence[TemplateSlot], form_id: str | None) -> list[TemplateSlot]:
    """A list's columns in a return detected as `form_id`: one template per field (the form's own first), in
    column order."""
    by_field: dict[str, TemplateSlot] = {}
    for t in sorted(tslots, key=lambda t: (t.form != form_id, t.index)):
        by_field.setdefault(t.field, t)
    return sorted(by_field.values(), key=lambda t: t.index)


@dataclass
class _ListPlan:
    """Every list's columns (`_list_columns`) for one detected form as one target list, each list's span of it,
    and each list's first section: what `Matcher._list_options` scores a table's headers and section against."""

    label_keys: Targets
    spans: list[tuple[int, int]]
    section_keys: Targets
    columns: list[list[TemplateSlot]]  # each list's `_list_columns`


def _form_keys(catalogue: Catalogue) -> tuple[Sequence[Keys], dict[str, tuple[int, int]]]:
    """Every form's label and heading keys in one list, and each form's span of it (built once per catalogue)."""
    found = catalogue.derived.get("matching.form_keys")
    if found is None:
        keys: list[Keys] = []
        spans = {}
        for fid, form in catalogue.forms.items():
            form_keys = [s.label_keys for s in form.slots if s.label] + form.heading_keys
            spans[fid] = (len(keys), len(keys) + len(form_keys))
            keys += form_keys
        found = catalogue.derived["matching.form_keys"] = (Targets(keys), spans)
    return found


def _templates(cat: Catalogue) -> _Templates:
    """The catalogue's `_Templates`, built once per catalogue; with them, the score rows of the templates' own
    texts (`_seed_scores`)."""
    tpl = cat.derived.get("matching.templates")
    if tpl is None:
        tpl = cat.derived["matching.templates"] = _Templates(cat, settings())
        _seed_scores(cat, tpl)
    return tpl


def _printed_texts(cat: Catalogue) -> dict[str | None, dict[str, Targets]]:
    """The keys of the texts each form prints (None: every form), each distinct key once, by the part of a slot they
    can be: "column" (its slots' columns), "section" (their sections and its headings) and "any" (those and the
    labels and contexts): the catalogue's own texts, nothing a return printed."""
    def distinct(keys: list[Keys]) -> Targets:
        return Targets({(k.tone, k.folded): k for k in keys}.values())

    out: dict[str | None, dict[str, Targets]] = {}
    every: dict[str, list[Keys]] = {"any": [], "column": [], "section": []}
    for fid, form in cat.forms.items():
        slots = form.slots
        sections = [Keys.of(t.section) for t in slots] + form.heading_keys
        columns = [t.column_keys for t in slots if t.column_keys is not None]
        parts = {"any": [t.label_keys for t in slots] + [t.context_keys for t in slots] + sections + columns,
                 "column": columns, "section": sections}
        out[fid] = {role: distinct(keys) for role, keys in parts.items()}
        for role, keys in out[fid].items():
            every[role] += keys
    out[None] = {role: distinct(keys) for role, keys in every.items()}
    return out


def _seed_lists(cat: Catalogue, tpl: _Templates) -> list[tuple[Sequence[Keys], bool, Sequence[Keys]]]:
    """The fixed lists a return of a known form is scored against (form detection, the form's own label,
    context, column and section columns, the other forms' (every column's) labels and columns, the lists' columns
    and sections, every template's options), with their subset flag as scored and the texts whose rows are seeded:
    the list's own texts and the texts of the catalogue a plain return can ask of it (`_printed_texts`: a heading
    printed as a slot's label, a grid's column as a list's header): its form's for a form's own columns, every
    form's for the others."""
    texts = _printed_texts(cat)
    every = texts[None]
    lists: list[tuple[Sequence[Keys], bool, Sequence[Keys]]] = [(_form_keys(cat)[0], False, ()),
                                                                (tpl.option_keys, True, ())]
    for fid in cat.forms:
        v = tpl.view(fid, True)
        own = texts[fid]
        lists += [(v.label_keys, True, own["any"]), (v.context_keys, False, own["any"]),
                  (v.col_keys, True, own["column"]), (v.section_keys, False, own["section"])]
    w = tpl.all  # (its context and section rows: cheap to compute, not worth their room)
    lists += [(w.label_keys, True, every["any"]), (w.col_keys, True, every["column"])]
    if tpl.lists:
        for fid in (*cat.forms, None):
            plan = tpl.list_plan(fid)
            lists += [(plan.label_keys, False, every["column"]), (plan.section_keys, True, every["section"])]
    return [(b, subset, texts) for b, subset, texts in lists if b]


def _seed_scores(cat: Catalogue, tpl: _Templates) -> None:
    """Score rows of the templates' own texts against each list of `_seed_lists`: a plain return of a known
    form prints these very texts, so its first return in a process scores next to nothing. Kept in the user's
    cache (`extractor.compiled`) under a key made of every list's texts and the scoring code; computed (once)
    only when the cache is on and can be written (else every process would pay for them). The rows are the
    numbers a fresh computation gives (`similarity.SimTable`: a row is a function of its text and the list)."""
    if compiled.cache_dir() is None:
        return
    lists = _seed_lists(cat, tpl)
    h = hashlib.sha256(compiled.fingerprint([]).encode())
    for name in ("similarity.py", "narrow.py", "token_set.py", "matching.py"):
        h.update((compiled.PACKAGE / name).read_bytes())
    h.update(f"{rapidfuzz.__version__}\0{np.__version__}".encode())
    hashed: dict[int, str] = {}  # (a text list shared by several lists is joined once)
    for b, subset, texts in lists:
        for part in (b, texts):
            if id(part) not in hashed:
                pairs = part.pairs if isinstance(part, Targets) else tuple((k.tone, k.folded) for k in part)
                hashed[id(part)] = hashlib.sha256("\0".join(map("\1".join, pairs)).encode()).hexdigest()
        h.update(f"\2{subset}\2{hashed[id(b)]}\2{hashed[id(texts)]}".encode())
    key = h.hexdigest()
    found = compiled.load("labelscores", key)
    if isinstance(found, dict):
        similarity.import_tables(found)
        return
    if not compiled.writable():
        return
    seeded: dict[tuple[tuple[tuple[str, str], ...], bool], set[tuple[str, str]]] = {}  # table -> other texts kept
    for b, subset, texts in lists:
        similarity.self_rows(b, subset)
        if texts:
            _sim_matrix(texts, b, subset)
        pairs = tuple((k.tone, k.folded) for k in b)
        seeded.setdefault((pairs, subset), set()).update((k.tone, k.folded) for k in texts)
    compiled.store("labelscores", key, similarity.export_tables(seeded, seeded))


def _stacked(rows: list[np.ndarray]) -> np.ndarray:
    """`np.stack(rows)` of equally long 1-D rows (at least one), as one `concatenate`: `np.stack` makes a view of
    each row in Python first."""
    return np.concatenate(rows).reshape(len(rows), -1)


def _row_key(form_id: str | None, s: Slot) -> tuple[Any, ...]:
    """The key of a slot's wording row in a return detected as `form_id`: what its wording rows
    (`Matcher._wording_rows`) depend on; two slots with the same key get the same row."""
    return (form_id, s.kind, s.label, s.context, s.section, s.column, s.unit_text,
            None if s.options is None else tuple(o.text for o in s.options))


class _RowMemory:
    """Wording rows already computed, by slot wording and detected form: most slots of a return are printed
    text another return of the season already had. A row is the very numbers the batch computation gives
    (every step of it is elementwise within a row)."""

    MAX_ROWS = 16384  # ~27 MB of float32 rows of 417 templates; past it the memory starts again
    MAX_FINISHED = 8192  # score rows of typed values and weak blanks (float64 with a detected form: ~28 MB)

    def __init__(self) -> None:
        self.rows: dict[tuple[Any, ...], np.ndarray] = {}
        self.finished: dict[tuple[Any, ...], np.ndarray] = {}  # typed or weak slots' score rows (`scored`)
        self.assigned = Assignments()  # what `Matcher._assigned` gave, by the slots' score keys
        self.aliases: tuple[tuple[str, tuple[str, ...]], ...] = ()

    def score_keys(self, aliases: dict[str, list[str]], form_id: str | None, slots: Sequence[Slot]
                   ) -> list[tuple[Any, ...]]:
        """Each slot's score-row key: (its wording key `_row_key`, the type key of what was typed (`_type_key`;
        None for options or nothing typed), whether it is a weak blank). Its score row is a function of it."""
        self._check(aliases)
        return [(_row_key(form_id, s), _type_key(s.raw) if s.raw and s.options is None else None, s.weak)
                for s in slots]

    def scored(self, aliases: dict[str, list[str]], form_id: str | None, slots: Sequence[Slot],
               compute: Callable[[Sequence[Slot], str | None], np.ndarray],
               finish: Callable[[np.ndarray, Sequence[Slot]], np.ndarray],
               keys: list[tuple[Any, ...]] | None = None) -> np.ndarray:
        """Score rows of `slots` (a fresh array): their wording rows (`get`) made score rows by
        `finish(rows, slots)`, which depends on a slot's wording row, the type key of what was typed
        (`_type_key`; none for options) and whether it is a weak blank alone, elementwise within the row. A slot
        with nothing typed that is no weak blank keeps its wording row; the others' rows are remembered by
        (wording, type key, weakness) in `finished` (MAX_FINISHED rows, then it starts again). `keys`: the
        slots' `score_keys`, when already made."""
        if keys is None:
            keys = self.score_keys(aliases, form_id, slots)
        rows, finished = self.rows, self.finished
        found = [rows.get(key[0]) if key[1] is None and not key[2] else finished.get(key) for key in keys]
        missing = [i for i, row in enumerate(found) if row is None]
        if missing:
            some = [slots[i] for i in missing]
            fresh = finish(self.get(aliases, form_id, some, compute, [keys[i][0] for i in missing]), some)
            if len(finished) + len(missing) > self.MAX_FINISHED:
                finished.clear()
            for i, row in zip(missing, fresh, strict=True):
                found[i] = row
                key = keys[i]
                if key[1] is not None or key[2]:
                    finished[key] = row
        return _stacked(found)

    def _check(self, aliases: dict[str, list[str]]) -> None:
        state = tuple((fid, tuple(labels)) for fid, labels in aliases.items())
        if state != self.aliases:  # learnt aliases change the label scores
            self.clear()
            self.aliases = state

    def clear(self) -> None:
        """Forget every row (scoring settings changed)."""
        self.rows.clear()
        self.finished.clear()
        self.assigned.clear()

    def get(self, aliases: dict[str, list[str]], form_id: str | None, slots: Sequence[Slot],
            compute: Callable[[Sequence[Slot], str | None], np.ndarray],
            keys: list[tuple[Any, ...]] | None = None) -> np.ndarray:
        """Rows of `slots` (a fresh array), computing with `compute(slots, form_id)` only those not yet seen.
        `keys`: the slots' `_row_key`s, when already made."""
        self._check(aliases)
        if keys is None:
            keys = [_row_key(form_id, s) for s in slots]
        rows = self.rows
        found = list(map(rows.get, keys))  # (each key hashed once when every row is known)
        missing = {keys[i]: i for i, row in enumerate(found) if row is None}
        if missing:
            if len(rows) + len(missing) > self.MAX_ROWS:
                rows.clear()
                missing = {k: i for i, k in enumerate(keys)}
            fresh = compute([slots[i] for i in missing.values()], form_id)
            for k, row in zip(missing, fresh, strict=True):
                rows[k] = row
            found = [rows[k] for k in keys]
        return _stacked(found)


class _View:
    """Some of the template columns (all, one form's, or the other forms'), with what wording scores need of
    them: scoring only a view gives the very numbers the same columns get when every column is scored."""

    def __init__(self, tpl: _Templates, idx: np.ndarray, whole: _View | None = None) -> None:
        self.idx = idx
        self.slots = [tpl.slots[j] for j in idx]
        ts = self.slots
        self.label_keys = Targets(t.label_keys for t in ts)
        self.context_keys = Targets(t.context_keys for t in ts)
        self.section_keys = Targets(tpl.section_keys[j] for j in idx)
        self.col_pos = [n for n, t in enumerate(ts) if t.column_keys is not None]
        self.col_keys = Targets(ts[n].column_keys for n in self.col_pos)
        self.col_folded_pos = [n for n, t in enumerate(ts) if t.column]
        # positions, among the templates with a column, of this view's (to index `_Templates.column_in`)
        in_view = set(idx.tolist())
        self.col_folded_sel = [k for k, (j, _col) in enumerate(tpl.col_folded) if j in in_view]
        self.forms = tpl.forms[idx]
        self.factor = {kind: f[idx] for kind, f in tpl.factor.items()}
        self.has_unit = tpl.has_unit[idx]
        self.units = tpl.units[idx]
        # the view's columns as runs of consecutive template columns (start, stop, position in the view)
        breaks = np.flatnonzero(np.diff(idx) != 1) + 1 if idx.size else np.zeros(0, dtype=np.intp)
        starts = [0, *breaks.tolist()]
        stops = [*breaks.tolist(), int(idx.size)]
        self.runs = [(int(idx[a]), int(idx[a]) + (b - a), a) for a, b in zip(starts, stops, strict=True) if b > a]
        self._other: dict[str, tuple[np.ndarray, bool]] = {}
        self._unit_columns: dict[str, tuple[np.ndarray, np.ndarray]] = {}
        self._unit_steps: dict[tuple[Any, ...], np.ndarray] = {}
        self._by_field: dict[str, list[int]] | None = None
        # a view holding every column of this one (`matrix`): this view's positions among its targets, by list
        self.whole = whole
        self.within: dict[str, np.ndarray] = {}
        if whole is not None:
            at = np.searchsorted(whole.idx, idx)
            if idx.size and (int(at.max()) >= whole.idx.size or not np.array_equal(whole.idx[at], idx)):
                raise ValueError("a view's whole must hold its columns")
            with_col = whole.idx[whole.col_pos]
            self.within = {"label_keys": at, "context_keys": at, "section_keys": at,
                           "col_keys": np.searchsorted(with_col, idx[self.col_pos])}

    def matrix(self, a: Sequence[Keys], which: str, subset: bool = True) -> np.ndarray:
        """`sim_matrix(a, self.<which>, subset)` (`which`: "label_keys", "context_keys", "section_keys" or
        "col_keys"). A view with a whole (the other forms' columns: every column) takes its columns of the whole's
        matrix: a similarity is a function of its pair alone (`similarity.SimTable`: every step is elementwise,
        the token-set floor only stands for scores that cannot change a cell), so these are the same numbers,
        from one table for every detected form instead of a table per form (the texts scored there are few: the
        slots the form's own columns do not fit)."""
        if self.whole is None or not a or not getattr(self, which):
            return _sim_matrix(a, getattr(self, which), subset)
        return self.whole.matrix(a, which, subset).take(self.within[which], axis=1)

    def other(self, form_id: str) -> tuple[np.ndarray, bool]:
        """The view's columns of forms other than `form_id` (positions in the view), and whether that is all of
        them (made once per form)."""
        found = self._other.get(form_id)
        if found is None:
            if len(self._other) > 256:
                self._other.clear()
            cols = np.flatnonzero(self.forms != form_id)
            found = self._other[form_id] = (cols, cols.size == self.forms.size)
        return found

    def unit_columns(self, unit: str) -> tuple[np.ndarray, np.ndarray]:
        """The view's columns with a unit equal to the folded `unit`, and those with another unit."""
        found = self._unit_columns.get(unit)
        if found is None:
            if len(self._unit_columns) > 4096:
                self._unit_columns.clear()
            same = self.units == unit
            found = (np.flatnonzero(self.has_unit & same), np.flatnonzero(self.has_unit & ~same))
            self._unit_columns[unit] = found
        return found

    def unit_steps(self, unit: str, bonus: float, penalty: float, dtype: np.dtype[Any]) -> np.ndarray:
        """What `Matcher._unit_adjust` takes off the row of a slot printing `unit` (not folded): -bonus on the view's
        columns whose unit agrees with it (`unit_columns`), penalty on those with another unit, 0.0 elsewhere, in
        `dtype` (made once per unit, amounts and type)."""
        key = (unit, bonus, penalty, dtype)
        found = self._unit_steps.get(key)
        if found is None:
            if len(self._unit_steps) > 4096:
                self._unit_steps.clear()
            agree, clash = self.unit_columns(fold(unit))
            found = np.zeros(self.idx.size, dtype=dtype)
            found[agree] = -np.asarray(bonus, dtype=dtype)
            found[clash] = np.asarray(penalty, dtype=dtype)
            self._unit_steps[key] = found
        return found

    def by_field(self) -> dict[str, list[int]]:
        """The view's columns (positions) of each field id."""
        if self._by_field is None:
            self._by_field = _columns_by_field(self.slots)
        return self._by_field


def _put(S: np.ndarray, rows: list[int] | None, view: _View, part: np.ndarray) -> None:
    """`S[np.ix_(rows, view.idx)] = part` (every row when `rows` is None), a run of consecutive columns at a time
    when the view's columns are a few runs (a form's columns are one run, the other forms' two at most)."""
    if len(view.runs) > 4:
        if rows is None:
            S[:, view.idx] = part
        else:
            S[np.ix_(rows, view.idx)] = part
        return
    for lo, hi, at in view.runs:
        if rows is None:
            S[:, lo:hi] = part[:, at:at + hi - lo]
        else:
            S[rows, lo:hi] = part[:, at:at + hi - lo]


def _columns_by_field(templates: Sequence[TemplateSlot]) -> dict[str, list[int]]:
    by_field: dict[str, list[int]] = {}
    for j, t in enumerate(templates):
        by_field.setdefault(t.field, []).append(j)
    return by_field


class _Templates:
    """The catalogue's template slots (the columns of the score matrix) and what scoring needs of them,
    computed once per catalogue."""

    def __init__(self, cat: Catalogue, cfg: dict[str, Any]) -> None:
        self.slots = [t for f in cat.forms.values() for t in f.slots if t.kind != "list"]
        ts = self.slots
        self.label_keys = [t.label_keys for t in ts]
        self.context_keys = [t.context_keys for t in ts]
        self.col_idx = [j for j, t in enumerate(ts) if t.column_keys is not None]
        self.col_keys = [ts[j].column_keys for j in self.col_idx]
        self.col_folded = [(j, fold(t.column)) for j, t in enumerate(ts) if t.column]
        # the distinct folded columns, and which of them each of `col_folded` is (a few dozen for ~200 columns)
        distinct = {col: n for n, col in enumerate(dict.fromkeys(col for _j, col in self.col_folded))}
        self.col_texts = list(distinct)
        self.col_text_of = np.array([distinct[col] for _j, col in self.col_folded], dtype=np.intp)
        self.section_keys = [Keys.of(t.section) for t in ts]
        self.forms = np.array([t.form for t in ts])
        self.fields = np.array([t.field for t in ts])
        self.types = np.array([t.type for t in ts])
        self.checked = np.isin(self.types, CHECKED_TYPES)
        self.date_ratio = np.isin(self.types, ["date", "ratio"])
        self.text = self.types == "text"
        units = [fold(t.unit) if t.unit else None for t in ts]
        self.has_unit = np.array([u is not None for u in units], dtype=bool)
        self.units = np.array([u or "" for u in units])
        self.factor = {kind: np.array([cfg["kind_factor"][kind].get(t.kind, 0.0) for t in ts])
                       for kind in ("blank", "cell", "choice")}
        self.option_keys = Targets(k for t in ts for k in t.option_keys)
        owner = [j for j, t in enumerate(ts) for _ in t.option_keys]
        # templates with options, and where each one's options start among `option_keys` (they are contiguous)
        self.option_owner = sorted(set(owner))
        self.option_start = np.array([owner.index(j) for j in self.option_owner], dtype=np.intp)
        self.column_hits: dict[str, np.ndarray | None] = {}
        self.column_hits_raw: dict[str, np.ndarray | None] = {}  # (`column_hit_of`: by unfolded text)
        # (a search for any column written inside a text: most texts hold none)
        written = sorted({col for col in self.col_texts if col}, key=len, reverse=True)
        self.any_column = re.compile("|".join(map(re.escape, written))) if written else None
        # by the (readable types, rare types) of a typed answer: the columns `Matcher._type_adjust` changes
        self.type_columns: dict[tuple[frozenset[str], frozenset[str], np.dtype[Any]], list[np.ndarray]] = {}
        self.rows = _RowMemory()
        # columns grouped by field id (for margins: the best score of a field other than the chosen one)
        codes = {f: n for n, f in enumerate(dict.fromkeys(t.field for t in ts))}
        self.field_code = np.array([codes[t.field] for t in ts], dtype=np.intp)
        self.field_names = list(codes)  # by code
        self.code_of = codes
        self.column_of = {id(t): j for j, t in enumerate(ts)}  # (`Matcher._assigned`: a template's column)
        self.field_name_arr = np.array(self.field_names, dtype=object)
        self.by_field = np.argsort(self.field_code, kind="stable")
        self.field_starts = np.flatnonzero(np.r_[True, np.diff(self.field_code[self.by_field]) != 0])
        self.lists: dict[str, list[TemplateSlot]] = defaultdict(list)
        for f in cat.forms.values():
            for t in f.slots:
                if t.kind == "list" and t.list:
                    self.lists[t.list].append(t)
        self.all = _View(self, np.arange(len(ts)))
        self._views: dict[tuple[str, bool], _View] = {}
        self._order_cols: dict[str, list[int]] = {}
        self._order_spans: dict[str, slice | None] = {}
        self._in_form: dict[str, np.ndarray] = {}
        self._list_plans: dict[str | None, _ListPlan] = {}
        # `Matcher._list_options` by (a table's headers, its section, detected form)
        self.list_options: dict[tuple[tuple[str, ...], str | None, str | None],
                                list[tuple[float, str, dict[str, TemplateSlot], float]]] = {}

    MAX_LIST_OPTIONS = 4096

    def list_plan(self, form_id: str | None) -> _ListPlan:
        """The `_ListPlan` of a return detected as `form_id` (made once per form)."""
        found = self._list_plans.get(form_id)
        if found is None:
            keys: list[Keys] = []
            spans = []
            columns = []
            for tslots in self.lists.values():
                cols = _list_columns(tslots, form_id)
                spans.append((len(keys), len(keys) + len(cols)))
                keys += [t.label_keys for t in cols]
                columns.append(cols)
            sections = Targets(Keys.of(tslots[0].section) for tslots in self.lists.values())
            found = self._list_plans[form_id] = _ListPlan(Targets(keys), spans, sections, columns)
        return found

    def in_form(self, form_id: str) -> np.ndarray:
        """`self.forms == form_id`: which columns are form `form_id`'s (made once per form)."""
        found = self._in_form.get(form_id)
        if found is None:
            if len(self._in_form) > 256:
                self._in_form.clear()
            found = self._in_form[form_id] = self.forms == form_id
        return found

    def order_cols(self, form_id: str) -> list[int]:
        """The columns of form `form_id`, in the form's order."""
        found = self._order_cols.get(form_id)
        if found is None:
            found = [j for j, t in enumerate(self.slots) if t.form == form_id]
            found.sort(key=lambda j: self.slots[j].index)
            self._order_cols[form_id] = found
        return found

    def order_span(self, form_id: str) -> slice | None:
        """`order_cols(form_id)` as a slice when they are consecutive columns in increasing order (each form's slots
        are listed in form order: they are), else None."""
        if form_id not in self._order_spans:
            cols = self.order_cols(form_id)
            run = bool(cols) and cols == list(range(cols[0], cols[0] + len(cols)))
            self._order_spans[form_id] = slice(cols[0], cols[0] + len(cols)) if run else None
        return self._order_spans[form_id]

    def view(self, form_id: str, inside: bool) -> _View:
        """The columns of form `form_id` (`inside`) or of every other form."""
        found = self._views.get((form_id, inside))
        if found is None:
            # (the other forms' columns are scored in the table of every column: `_View.matrix`)
            found = _View(self, np.flatnonzero((self.forms == form_id) == inside), None if inside else self.all)
            self._views[form_id, inside] = found
        return found

    def column_in(self, ctx: str) -> np.ndarray:
        """1.0 for each template column written inside the (folded) text `ctx`, else 0.3."""
        hit = self.column_hit(ctx)
        return np.full(len(self.col_folded), 0.3) if hit is None else hit

    def column_hit_of(self, text: str) -> np.ndarray | None:
        """`column_hit(fold(text))`, remembered by the unfolded text (a slot's context is scored in both views
        of its return and in later returns: the fold is the larger part of a hit's cost)."""
        hit = self.column_hits_raw.get(text, False)
        if hit is False:
            if len(self.column_hits_raw) > 65536:
                self.column_hits_raw.clear()
            hit = self.column_hits_raw[text] = self.column_hit(fold(text))
        return hit

    def column_hit(self, ctx: str) -> np.ndarray | None:
        """`column_in(ctx)`, or None when no template column is written inside `ctx` (every value 0.3): one search
        for any of the columns (an alternation matches at some place exactly when one of them is a part of `ctx`)
        before the test of each column."""
        hit = self.column_hits.get(ctx, False)
        if hit is False:
            if len(self.column_hits) > 65536:
                self.column_hits.clear()
            if self.any_column is not None and self.any_column.search(ctx) is not None:
                hit = np.array([1.0 if col and col in ctx else 0.3 for col in self.col_texts])[self.col_text_of]
            else:
                hit = None
            self.column_hits[ctx] = hit
        return hit


class Matcher:
    """Scores document slots against template slots and assigns fields one-to-one."""

    def __init__(self, catalogue: Catalogue) -> None:
        self.cat = catalogue
        self.cfg = settings()
        self.tpl: _Templates = _templates(catalogue)

    # -- scoring ------------------------------------------------------------------------------------------
    def score(self, slots: Sequence[Slot], form_id: str | None) -> tuple[list[TemplateSlot], np.ndarray]:
        """Score matrix (slot × template slot) of `slots` in a return detected as `form_id`."""
        tpl = self.tpl
        templates = tpl.slots
        if not slots or not templates:
            return templates, np.zeros((len(slots), len(templates)))
        return templates, tpl.rows.scored(self.cat.aliases, form_id, slots, self._wording_rows, self._finish)

    def _finish(self, S: np.ndarray, slots: Sequence[Slot]) -> np.ndarray:
        """Wording rows `S` of `slots` (changed in place) made score rows: what was typed (its type) and weak blanks."""
        self._type_adjust(S, slots)
        weak = [i for i, s in enumerate(slots) if s.weak]
        if weak:  # (an empty gather and scatter cost more than the loop)
            S[weak] -= self.cfg["weak_blank_penalty"]
        return S

    def _wording_rows(self, slots: Sequence[Slot], form_id: str | None) -> np.ndarray:
        """The part of the score rows that depends only on each slot's printed wording (`_row_key`): labels,
        context, column, options, section, form, unit. What was typed (its type) and weak blanks come after.

        In a return detected as `form_id`, a slot is scored against that form's template slots first, and
        against the other forms' only when its best score there is under `widen_below` (matching.yaml): a
        question the form prints well is not looked for elsewhere. The other forms' columns of such a slot
        hold `NOT_SCORED`, below any score (they can be neither taken nor a candidate)."""
        tpl = self.tpl
        widen = self.cfg.get("widen_below")
        if not form_id or widen is None or not tpl.in_form(form_id).any():
            return self._view_rows(slots, form_id, tpl.all)
        inside, outside = tpl.view(form_id, True), tpl.view(form_id, False)
        # the options' rows of the choice slots, made once for both views
        choice = [i for i, s in enumerate(slots) if s.kind == "choice"]
        options = self._option_rows([slots[i] for i in choice], choice) if choice else None
        S = np.full((len(slots), len(tpl.slots)), NOT_SCORED)
        S_in = self._view_rows(slots, form_id, inside, options)
        _put(S, None, inside, S_in)
        weak = np.flatnonzero(S_in.max(axis=1, initial=-np.inf) < widen).tolist()
        if weak and outside.idx.size:
            some = None if options is None else {n: options[i] for n, i in enumerate(weak) if i in options}
            _put(S, weak, outside, self._view_rows([slots[i] for i in weak], form_id, outside, some))
        return S

    def _view_rows(self, slots: Sequence[Slot], form_id: str | None, view: _View,
                   options: dict[int, np.ndarray] | None = None) -> np.ndarray:
        """Wording rows of `slots` over the template columns of `view`. `options`: `_option_rows` of the slots,
        by index, when already made (over every template column)."""
        tpl = self.tpl
        templates = view.slots
        cfg = self.cfg
        n, width = len(slots), len(templates)
        of = Keys.of  # (a class method: looked up once, not per slot)
        s_label = [of(s.label) for s in slots]
        s_ctx = [of(s.context or s.label) for s in slots]
        L = view.matrix(s_label, "label_keys")
        C = view.matrix(s_ctx, "context_keys", subset=False)
        if self.cat.aliases:
            self._alias_adjust(L, C, s_label, templates, view)
        with_col = [i for i, s in enumerate(slots) if s.column]
        K = np.full((n, width), 1.0)
        if with_col:
            K[with_col] = 0.3
            if view.col_pos:
                sub = view.matrix([Keys.of(slots[i].column) for i in with_col], "col_keys")
                K[np.ix_(with_col, view.col_pos)] = sub
        if len(with_col) < n and view.col_folded_pos:
            # a per-level qualifier written inside the label ("Số lượng CBCCVC cấp huyện …"): each slot's row of
            # column hits, all of them put in place at once (the same values as one slot at a time)
            without = [i for i, s in enumerate(slots) if not s.column]
            # (0.3 where no column is written inside: most slots; the others' rows of hits over it)
            column_hit = tpl.column_hit_of
            hits = [column_hit(slots[i].context or slots[i].label) for i in without]
            if with_col:
                K[np.ix_(without, view.col_folded_pos)] = 0.3
            else:  # (every row: a slice, no index grid)
                K[:, view.col_folded_pos] = 0.3
            some = [n for n, hit in enumerate(hits) if hit is not None]
            if some:
                K[np.ix_([without[n] for n in some], view.col_folded_pos)] = \
                    _stacked([hits[n] for n in some])[:, view.col_folded_sel]
        by_kind: dict[str, list[int]] = {}
        for i, s in enumerate(slots):
            by_kind.setdefault(s.kind, []).append(i)
        S = None
        for kind in ("blank", "cell", "choice"):
            rows = by_kind.get(kind)
            if not rows:
                continue
            w = cfg[kind]
            whole = len(rows) == n  # (one kind: the whole matrices, no gathers; the same numbers elementwise)
            if kind == "choice":
                got = options if options is not None else self._option_rows([slots[i] for i in rows], rows)
                opt = _stacked([got[i] for i in rows]) if len(view.idx) == len(tpl.slots) else \
                    _stacked([got[i] for i in rows]).take(view.idx, axis=1)
                part = (w["label"] * L + w["context"] * C + w["options"] * opt + w["column"] * K) if whole else \
                    w["label"] * L[rows] + w["context"] * C[rows] + w["options"] * opt + w["column"] * K[rows]
            else:
                part = (w["label"] * L + w["context"] * C + w["column"] * K) if whole else \
                    w["label"] * L[rows] + w["context"] * C[rows] + w["column"] * K[rows]
            if whole:  # (in L's type, as the rows stored into a matrix like L below)
                S = part.astype(L.dtype, copy=False)
                S *= view.factor[kind]
            else:
                if S is None:
                    S = np.zeros_like(L)
                S[rows] = part
                S[rows] *= view.factor[kind]
        if S is None:
            S = np.zeros_like(L)
        # the section a slot sits in: same label under another heading is another question
        sec_keys = [of(s.section) for s in slots]
        Sec = view.matrix(sec_keys, "section_keys", subset=False)
        S += cfg["section_weight"] * (Sec - 0.5)
        if form_id:
            other, every = view.other(form_id)
            if every:
                S -= cfg["other_form_penalty"]
            elif other.size:
                S[:, other] -= cfg["other_form_penalty"]
        self._unit_adjust(S, slots, view)
        return S

    def _alias_adjust(self, L: np.ndarray, C: np.ndarray, s_label: Sequence[Keys],
                      templates: Sequence[TemplateSlot], view: _View | None = None) -> None:
        """A slot label close to a learnt alias of a field reads as that field's own label and context."""
        pairs = [(fid, Keys.of(a)) for fid, labels in self.cat.aliases.items() for a in labels]
        A = _sim_matrix(s_label, [k for _, k in pairs], subset=False)
        by_field = view.by_field() if view is not None else _columns_by_field(templates)
        for a, (fid, _) in enumerate(pairs):
            hit = np.flatnonzero(A[:, a] >= self.cfg["alias_min"])
            cols = by_field.get(fid, [])
            if hit.size and cols:
                idx = np.ix_(hit, cols)
                L[idx] = np.maximum(L[idx], A[hit, a][:, None])
                C[idx] = np.maximum(C[idx], A[hit, a][:, None])

    def _option_rows(self, slots: Sequence[Slot], index: Sequence[int]) -> dict[int, np.ndarray]:
        """Each slot's row over every template column, under its `index`: the mean, over the slot's printed options,
        of the best similarity to each template slot's options (a slot without options: zeros)."""
        templates = self.tpl.slots
        s_keys = [Keys.of(o.text) for s in slots for o in s.options or []]
        s_owner = [i for i, s in enumerate(slots) for _ in s.options or []]
        tpl = self.tpl
        zero = np.zeros(len(templates))
        if not s_keys or not tpl.option_keys:
            return {i: zero for i in index}
        m = _sim_matrix(s_keys, tpl.option_keys)
        best = np.zeros((len(s_keys), len(templates)))
        # each template's options are a contiguous run of columns: the max over each run
        best[:, tpl.option_owner] = np.maximum.reduceat(m, tpl.option_start, axis=1)
        s_owner_arr = np.array(s_owner)
        out = {i: zero for i in index}
        for i in set(s_owner):
            out[index[i]] = best[s_owner_arr == i].mean(axis=0)
        return out

    def _type_adjust(self, S: np.ndarray, slots: Sequence[Slot]) -> None:
        """Penalise fields whose type cannot read what was typed (a date in a count, words in a number)."""
        tpl = self.tpl
        # slots whose text reads as the same types get the same adjustments: one step per group
        groups: dict[tuple[frozenset[str], frozenset[str]], list[int]] = defaultdict(list)
        for i, s in enumerate(slots):
            if s.raw and s.options is None:
                groups[_type_key(s.raw)].append(i)
        for key, rows in groups.items():
            steps = tpl.type_columns.get((*key, S.dtype))
            if steps is None:  # (in S's own type: the same arithmetic as subtracting each amount)
                steps = [step.astype(S.dtype) for step in self._type_steps(*key)]
                tpl.type_columns[(*key, S.dtype)] = steps
            sub = S[rows]
            for step in steps:
                sub -= step
            S[rows] = sub

    def _type_steps(self, readable: frozenset[str], rare: frozenset[str]) -> list[np.ndarray]:
        """What `_type_adjust` subtracts from the row of a typed value that reads as `readable` (with the rare
        type `rare`), step by step, each step a whole row (0.0 off its columns: x - 0.0 is x, bit for bit)."""
        tpl = self.tpl
        t_types = tpl.types
        penalty, bonus = self.cfg["type_clash_penalty"], self.cfg["rare_type_bonus"]
        clashing = tpl.checked & ~np.isin(t_types, list(readable))
        # a date or ratio field takes nothing else: the clash counts twice there (a mask, not `np.intersect1d`,
        # whose `np.unique` imports numpy.ma: ~40 ms of a cold start)
        masks = [(clashing, penalty), (clashing & tpl.date_ratio, penalty)]
        if rare:  # a date or a ratio is rare enough to point at the few fields that take one
            masks.append((np.isin(t_types, list(rare)), -bonus))  # (x - -b is x + b, bit for bit)
        if "date" in rare:
            masks.append((tpl.text, penalty))
        return [np.where(mask, amount, 0.0) for mask, amount in masks if mask.any()]

    def _unit_adjust(self, S: np.ndarray, slots: Sequence[Slot], view: _View) -> None:
        """A unit printed by the blank that a template's unit agrees with (a bonus) or clashes with (a penalty); the
        slots printing one unit in one step (the same additions, cell by cell)."""
        rows = [i for i, s in enumerate(slots) if s.unit_text]
        if not rows:
            return
        # each row's steps (`_View.unit_steps`) taken off at once: x - (-bonus) is x + bonus and x - 0.0 is x, bit
        # for bit, in S's type (as the bonus and penalty were added to it)
        steps = view.unit_steps
        bonus, penalty = self.cfg["unit_agree_bonus"], self.cfg["unit_clash_penalty"]
        S[rows] -= _stacked([steps(slots[i].unit_text, bonus, penalty, S.dtype) for i in rows])

    # -- assignment -----------------------------------------------------------------------------------------
    def assign(self, slots: Sequence[Slot], form_id: str | None) -> list[Match]:
        list_matches, rest = self._list_tables(slots, form_id)
        rest = [s for s in rest if s.kind != "label"]  # row labels of grid tables are the form's own text
        matches = self._assigned(rest, form_id)
        if form_id:
            self._fill_gaps(matches, form_id)
        return sorted(matches + list_matches, key=_SLOT_ORDER)

    def _assigned(self, slots: Sequence[Slot], form_id: str | None) -> list[Match]:
        """`_greedy(slots, *self.score(slots, form_id), form_id)`, remembered. What `_greedy` gives depends on
        the score matrix, the slots' document order (`_order_adjust`) and the form alone; the score matrix is
        the slots' score rows, each a function of its slot's score key (`_RowMemory.score_keys`). So a return
        whose slots have the same keys in the same order (the same form, wordings and kinds of typed values,
        whatever the values) gets the same fields, scores, margins and candidates: kept by (form, keys, order),
        in `extractor.assignments` (bounded), forgotten with the rows (`_RowMemory.clear`)."""
        tpl = self.tpl
        if not slots or not tpl.slots:
            return self._greedy(slots, *self.score(slots, form_id), form_id)
        memory = tpl.rows
        keys = memory.score_keys(self.cat.aliases, form_id, slots)
        orders = [s.order for s in slots]
        key = memory.assigned.key(form_id, keys, sorted(range(len(slots)), key=orders.__getitem__))
        plan = memory.assigned.get(key)
        if plan is not None:
            templates = tpl.slots
            return [Match(s, None, None, score, margin, None, prior, cands) if j < 0 else
                    Match(s, templates[j].field, templates[j], score, margin, None, prior, cands)
                    for s, (j, score, margin, prior, cands) in zip(slots, plan.rows(tpl.field_names), strict=True)]
        S = memory.scored(self.cat.aliases, form_id, slots, self._wording_rows, self._finish, keys)
        plans: list[Plan] = []
        matches = self._greedy(slots, tpl.slots, S, form_id, plans)
        memory.assigned.put(key, plans[0], keys)
        return matches

    def _greedy(self, slots: Sequence[Slot], templates: Sequence[TemplateSlot], S: np.ndarray,
                form_id: str | None, plans: list[Plan] | None = None) -> list[Match]:
        """The matches of `slots` from their score rows `S` over `templates`. With `plans`, the `Plan` of them is
        appended to it, made from the arrays the matches are read from (`templates` being `_Templates.slots`: the
        column of a match's template is its column in `S`)."""
        cfg = self.cfg
        if not slots:
            return []
        S = S.copy()
        if form_id:
            self._order_adjust(S, slots, form_id)
        # one-to-one, best pairs first; one field id once
        # only pairs above min_score can be taken: sort those, equal scores in row-major order (slot, then
        # template) -- deterministic, where numpy's default (quicksort) order of ties depends on the CPU
        width = S.shape[1]
        flat = np.flatnonzero(S.ravel() >= cfg["min_score"])
        if form_id:  # a question of another form needs a clearly better label match
            flat = flat[self.tpl.in_form(form_id)[flat % width] | (S.ravel()[flat] >= cfg["other_form_min_score"])]
        flat = flat[np.argsort(-S.ravel()[flat], kind="stable")]
        codes = self.tpl.field_code
        flat = flat[_first_free(flat // width, codes[flat % width], len(slots), len(self.tpl.field_names))]
        chosen = dict(zip((flat // width).tolist(), (flat % width).tolist(), strict=True))
        self._uncross(S, chosen, form_id)
        matches = []
        # each slot's best templates, best first: their field ids and scores as Python lists, read in one go
        tops = _top_columns(S, cfg["top_k"])
        k = tops.shape[1]
        top_codes_arr = codes[tops]
        # row i's top scores, their rounded values and field names at [i * k, (i + 1) * k) of flat lists, read in
        # one go
        top = np.take_along_axis(S, tops, axis=1).ravel()
        top_scores, top_rounded = top.tolist(), rounded3(top)
        top_names = self.tpl.field_name_arr[top_codes_arr].ravel().tolist()  # (the same str objects as `field_names`)
        margins = self._margins(S, chosen, tops, top_codes_arr)
        # rows whose top columns hold a field twice (the others take every column as it comes)
        in_order = np.sort(top_codes_arr, axis=1)
        repeats = set(np.flatnonzero((in_order[:, 1:] == in_order[:, :-1]).any(axis=1)).tolist())
        item = S.item
        kept = np.ones((len(slots), k), dtype=bool) if plans is not None and repeats else None  # (candidates)
        named = list(zip(top_names, top_rounded, strict=True))  # (a row's candidates: a slice, when no repeats)
        for i, s in enumerate(slots):
            lo = i * k
            if i in repeats:
                cands: list[tuple[str, float]] = []
                seen: set[int] = set()
                for n, code in enumerate(top_codes_arr[i].tolist(), start=lo):
                    if code not in seen:
                        seen.add(code)
                        cands.append((top_names[n], top_rounded[n]))
                    elif kept is not None:
                        kept[i, n - lo] = False
            else:
                cands = named[lo:lo + k]
            j = chosen.get(i)
            if j is not None:
                t = templates[j]
                matches.append(Match(s, t.field, t, item(i, j), margins[i], None, t.form == form_id, cands))
            else:  # (its score: the row maximum)
                matches.append(Match(s, None, None, top_scores[lo] if k else 0.0, 0.0, None, False, cands))
        if plans is not None:  # (each slot's candidates: its top columns' field codes and rounded scores, in order)
            columns = np.full(len(slots), -1, dtype=np.intp)
            if chosen:
                columns[list(chosen)] = list(chosen.values())
            values = np.array(top_rounded, dtype=np.float64)
            if kept is None:
                codes_kept, counts = top_codes_arr.ravel(), np.full(len(slots), k, dtype=np.intp)
            else:
                codes_kept, values, counts = top_codes_arr[kept], values[kept.ravel()], kept.sum(axis=1)
            plans.append(Plan.of_arrays(columns, [m.score for m in matches], [m.margin for m in matches],
                                        [m.form_prior for m in matches], counts, codes_kept, values))
        return matches

    def _fill_gaps(self, matches: list[Match], form_id: str) -> None:
        """Place unmatched answers by order: between two matched neighbours, the form's unassigned slots
        of a type that can read the answer are paired with the unmatched slots in order ("……, 15/8/2019"
        under a signature, a question reworded beyond recognition). Such matches keep their low score."""
        form = self.cat.forms[form_id]
        taken = {m.field_id for m in matches if m.field_id}
        anchored = sorted((m.slot.order, m.template.index) for m in matches
                          if m.template is not None and m.template.form == form_id)
        if not anchored:
            return
        orders = [a[0] for a in anchored]
        in_order: set[str] = set()  # rare-type fields placed by order: their typed values go in form order
        # the unmatched answers, in document order (the slots' orders never change below); a match given a field
        # below is passed over after (a match losing its field, `_held_by_empty`, holds no answer)
        pending = sorted((m for m in matches if m.field_id is None and _answered(m.slot)), key=_SLOT_ORDER)
        for strict in (True, False):  # first the answers whose type says where they go (dates, ratios)
            for m in pending:
                s = m.slot
                if m.field_id is not None:
                    continue
                if strict and not _type_key(s.raw or "")[1]:
                    continue  # (no rare type: neither `_gap_candidate` nor `_held_by_empty` takes it when strict)
                if not strict and m.score < self.cfg["gap_min_score"]:
                    continue  # placing by order alone needs at least a faint label match
                k = bisect.bisect_left(orders, s.order)
                lo = anchored[k - 1][1] if k > 0 else -1
                hi = anchored[k][1] if k < len(anchored) else len(form.slots)
                if lo >= hi:
                    hi = len(form.slots)
                t = self._gap_candidate(s, form.slots[lo + 1:hi], taken, strict)
                if t is None and strict:  # the next anchor may be a stray match: look past it for a date
                    t = self._gap_candidate(s, form.slots[lo + 1:], taken, strict)
                if t is None and strict:  # dates are put in form order (below): any free date field of the form
                    t = self._gap_candidate(s, form.slots, taken, strict)
                if t is None and strict:  # a date field an empty blank holds: the typed date needs it more
                    held = self._held_by_empty(s, matches, form_id)
                    if held is not None:
                        t = held.template
                        held.field_id, held.template, held.score, held.margin = None, None, held.score, 0.0
                        taken.discard(t.field)
                        in_order.add(t.field)
                if t is None:
                    continue
                m.field_id, m.template, m.form_prior = t.field, t, True
                m.score = max(m.score, 0.5)
                m.margin = 0.0
                taken.add(t.field)
                if strict:
                    in_order.add(t.field)
        if in_order:  # with the other typed values of those types whose labels did not tell their place
            types = {t.type for t in form.slots if t.field in in_order}
            self._in_form_order([m for m in matches if m.template is not None and m.template.form == form_id
                                 and (m.field_id in in_order or (m.template.type in types and m.slot.raw
                                                                 and m.score < self.cfg["order_by_label_below"]))])

    @staticmethod
    def _held_by_empty(s: Slot, matches: Sequence[Match], form_id: str) -> Match | None:
        """The match of an empty blank (nothing typed, nothing ticked) holding a field of the detected form of the
        rare type `s` reads as (a date), nearest to `s` in the document; None when there is none."""
        rare = _type_key(s.raw or "")[1]  # (`_rare_type(_readable(s.raw))`, remembered)
        if not rare:
            return None
        held = [m for m in matches if m.template is not None and m.template.form == form_id and m.template.type in rare
                and not _answered(m.slot)]
        return min(held, key=lambda m: abs(m.slot.order - s.order), default=None)

    @staticmethod
    def _in_form_order(group: Sequence[Match]) -> None:
        """Give the fields of `group` (typed values of one rare type placed by order) to its slots in the form's
        order: the first typed date the form's first date field (`……, 18/09/2017` then `……, ngày 10 tháng 9 …`)."""
        slots = sorted(group, key=_SLOT_ORDER)
        templates = sorted((m.template for m in group if m.template is not None), key=lambda t: t.index)
        if len(templates) != len(slots):
            return
        for m, t in zip(slots, templates, strict=True):
            m.field_id, m.template = t.field, t

    @staticmethod
    def _gap_candidate(s: Slot, pool: Sequence[TemplateSlot], taken: set[str], strict: bool) -> TemplateSlot | None:
        readable, rare = _type_key(s.raw or "")  # (the types of `_readable(s.raw)` and their `_rare_type`)
        if strict and not rare:
            return None  # (strict takes only fields of the rare type the answer reads as)
        for t in pool:
            if t.field in taken or t.kind == "list" or (t.kind == "choice") != (s.options is not None):
                continue
            if strict and t.type not in rare:
                continue
            if s.raw and t.type in CHECKED_TYPES and t.type not in readable:
                continue
            if s.raw and t.type not in CHECKED_TYPES and t.type != "text":
                continue
            if not strict and rare and t.type == "text":
                continue
            return t
        return None

    def _uncross(self, S: np.ndarray, chosen: dict[int, int], form_id: str | None) -> None:
        """Swap the fields of two chosen slots when each fits the other's better than they fit their own, summed
        (`Điện thoại liên hệ` at the top and `Số điện thoại liên lạc` under the IT officer, the two labels reworded
        each towards the other's field): taking the best pair first may give a slot the field of a later one."""
        cfg = self.cfg
        floor, other_floor = float(cfg["min_score"]), float(cfg["other_form_min_score"])
        for _ in range(cfg["uncross_rounds"]):
            rows = list(chosen)
            if len(rows) < 2:
                return
            cols = [chosen[i] for i in rows]
            fit = grid(S, rows, cols)  # fit[a, b]: slot rows[a] with the template chosen for slot rows[b]
            ok = fit >= floor
            if form_id:
                other = ~self.tpl.in_form(form_id)[cols]
                ok &= ~other[None, :] | (fit >= other_floor)
            own = np.diag(fit)
            gain = fit + fit.T - own[:, None] - own[None, :]
            gain[~(ok & ok.T)] = -np.inf
            a, b = np.unravel_index(int(np.argmax(gain)), gain.shape)
            if gain[a, b] <= cfg["uncross_min_gain"]:
                return
            chosen[rows[a]], chosen[rows[b]] = cols[b], cols[a]

    def _margins(self, S: np.ndarray, chosen: dict[int, int], tops: np.ndarray | None = None,
                 top_codes: np.ndarray | None = None) -> dict[int, float]:
        """For each chosen pair (i, j): its score minus the best score of slot i for another field (1.0 when the
        catalogue has no other field).

        With each row's top columns (`_top_columns`, best first) and their field codes: a row whose top columns
        hold another field than j's takes the first such score — the best of another field, as every column
        not among them scores no higher; the other rows are computed over every field."""
        if not chosen:
            return {}
        tpl = self.tpl
        if len(tpl.field_starts) < 2:
            return {i: 1.0 for i in chosen}
        out: dict[int, float] = {}
        rows = list(chosen)
        if tops is not None and top_codes is not None and tops.shape[1]:
            r = np.array(rows, dtype=np.intp)
            other = top_codes[r] != tpl.field_code[[chosen[i] for i in rows]][:, None]
            has = other.any(axis=1)
            first = other.argmax(axis=1)
            best_other = S[r, tops[r, first]]
            for n in np.flatnonzero(has).tolist():
                i = rows[n]
                out[i] = float(S[i, chosen[i]] - best_other[n])
            rows = [rows[n] for n in np.flatnonzero(~has).tolist()]
            if not rows:
                return out
        best = np.maximum.reduceat(grid(S, rows, tpl.by_field), tpl.field_starts, axis=1)  # slot × field
        first = best.argmax(axis=1)
        top1 = best[np.arange(len(rows)), first]
        best[np.arange(len(rows)), first] = -np.inf
        top2 = best.max(axis=1)
        for n, i in enumerate(rows):
            j = chosen[i]
            other = top2[n] if tpl.field_code[j] == first[n] else top1[n]
            out[i] = float(S[i, j] - other)
        return out

    def _order_adjust(self, S: np.ndarray, slots: Sequence[Slot], form_id: str) -> None:
        """Favour the pairs of the best order-preserving alignment of the document with its template.

        A weighted longest-common-subsequence over (document slots × the detected form's slots) with gain
        `score − min_score`: of two equally good places for a field, the one in template order wins (the
        form's worked example below the real question, a second "Tỷ lệ" on another line). Pairs outside
        the alignment (a section moved elsewhere) keep their own score.
        """
        cols = self.tpl.order_cols(form_id)
        if not cols or not slots:
            return
        order = sorted(range(len(slots)), key=lambda i: slots[i].order)
        in_order = S if order == list(range(len(slots))) else S.take(order, axis=0)
        span = self.tpl.order_span(form_id)  # (the columns as a slice when they are a run: no gather)
        gain = (in_order[:, span] if span is not None else in_order.take(cols, axis=1)) - self.cfg["min_score"]
        gain[gain <= 0] = -np.inf
        for i, j in _best_alignment(gain):
            S[order[i], cols[j]] += self.cfg["order_bonus"]

    # -- list tables ------------------------------------------------------------------------------------------
    def _list_tables(self, slots: Sequence[Slot], form_id: str | None) -> tuple[list[Match], list[Slot]]:
        lists = self.tpl.lists
        by_table: dict[int, list[Slot]] = defaultdict(list)
        for s in slots:
            if s.table is not None and s.kind in ("cell", "choice", "label"):
                by_table[s.table].append(s)
        # each table goes to the list its header (and section) fits best; each list takes one table
        asked: list[tuple[int, tuple[str, ...], str | None]] = []  # (table, its headers, its section)
        for table, cells in by_table.items():
            first_col: dict[str, int] = {}
            for s in cells:
                column = s.column
                if column:  # (the least "col" of each column's cells, at most 10**6)
                    old, col = first_col.get(column, 1000000), s.location.get("col", 0)
                    first_col[column] = col if col < old else old
            headers = sorted(first_col, key=first_col.__getitem__)
            if len(headers) < 2 or not lists:
                continue
            asked.append((table, tuple(headers), cells[0].section))
        options = []
        found = self._list_options_of([(headers, section) for _table, headers, section in asked], form_id)
        for (table, _headers, _section), fits in zip(asked, found, strict=True):
            for rank, prefix, col_map, quality in fits:
                options.append((rank, table, prefix, col_map, quality))
        matched: list[Match] = []
        consumed: set[int] = set()
        taken_tables: set[int] = set()
        taken_lists: set[str] = set()
        for _rank, table, prefix, col_map, quality in sorted(options, key=lambda o: -o[0]):
            if table in taken_tables or prefix in taken_lists:
                continue
            taken_tables.add(table)
            taken_lists.add(prefix)
            cells = by_table[table]
            rows = sorted({s.row for s in cells if s.row is not None and s.raw})
            row_no = {r: n for n, r in enumerate(rows, start=1)}
            given: set[tuple[str, int]] = set()  # two columns under one header: the second is not that field
            rounded = round(quality, 3)
            consumed.update(map(id, cells))
            for s in cells:
                t = col_map.get(s.column or "")
                n = row_no.get(s.row)  # (None: not a data row with something typed)
                if t is not None and n is not None:
                    if (t.field, s.row) in given:
                        t = None
                    else:
                        given.add((t.field, s.row))
                if t is None or n is None:
                    if s.raw:
                        matched.append(Match(s, None, None, 0.0, 0.0))
                    continue
                matched.append(Match(s, t.field, t, quality, 1.0, n, t.form == form_id, [(t.field, rounded)]))
        if not consumed:
            return matched, list(slots)
        return matched, [s for s, key in zip(slots, map(id, slots), strict=True) if key not in consumed]

    def _list_options(self, headers: tuple[str, ...], section: str | None, form_id: str | None
                      ) -> list[tuple[float, str, dict[str, TemplateSlot], float]]:
        """(rank, list, column map, quality) of each list a table with these column headers, under this section,
        fits (`_list_fit`); remembered by those inputs (a form's tables print the same headers in every return)."""
        return self._list_options_of([(headers, section)], form_id)[0]

    def _list_options_of(self, tables: Sequence[tuple[tuple[str, ...], str | None]], form_id: str | None
                         ) -> list[list[tuple[float, str, dict[str, TemplateSlot], float]]]:
        """`_list_options` of each (headers, section) of `tables`, those not remembered scored together: their
        headers in one matrix against every list's columns, their sections in one against every list's first
        section (the same numbers as a table, a list at a time: a similarity is a function of its pair,
        `similarity.sim_matrix`)."""
        memo = self.tpl.list_options
        keys = [(headers, section, form_id) for headers, section in tables]
        out = [memo.get(key) for key in keys]
        todo = list(dict.fromkeys(key for key, found in zip(keys, out, strict=True) if found is None))
        if not todo:
            return out  # type: ignore[return-value]
        plan = self.tpl.list_plan(form_id)
        m_all = _sim_matrix([Keys.of(h) for headers, _s, _f in todo for h in headers], plan.label_keys, subset=False)
        sections = list(dict.fromkeys(section for _h, section, _f in todo))
        secs = dict(zip(sections, _sim_matrix([Keys.of(x) for x in sections], plan.section_keys).tolist(),
                        strict=True))
        if len(memo) + len(todo) > self.tpl.MAX_LIST_OPTIONS:
            memo.clear()
        top = 0
        done = {}
        for key in todo:
            headers, section, _form = key
            m_table = m_all[top:top + len(headers)]
            top += len(headers)
            found = []
            for n, (prefix, tslots) in enumerate(self.tpl.lists.items()):
                lo, hi = plan.spans[n]
                fit = self._list_fit(list(headers), tslots, form_id, m_table[:, lo:hi], plan.columns[n])
                if fit is not None:
                    col_map, quality = fit
                    sec = secs[section][n]
                    other = form_id is not None and all(t.form != form_id for t in tslots)
                    rank = quality + 0.2 * sec - (self.cfg["other_form_penalty"] if other else 0.0)
                    found.append((rank, prefix, col_map, quality))
            memo[key] = done[key] = found
        return [done[key] if found is None else found for key, found in zip(keys, out, strict=True)]

    def _list_fit(self, headers: list[str], tslots: list[TemplateSlot], form_id: str | None,
                  m: np.ndarray | None = None, cols: list[TemplateSlot] | None = None
                  ) -> tuple[dict[str, TemplateSlot], float] | None:
        """Map a table's column headers (in column order) onto a list's columns, one to one.

        A table is taken for the list when at least two headers match a column well, or one does and the others
        fit fairly well in order; the other headers follow by position when the column counts agree (reworded
        headers keep their place), else by the best alignment that keeps the columns' order (an added column is
        left out, its own field).
        """
        if cols is None:  # (else: `_list_columns(tslots, form_id)`, given)
            cols = _list_columns(tslots, form_id)
        if m is None:  # (else: the similarity of `headers` to `cols`' labels, given)
            m = _sim_matrix([Keys.of(h) for h in headers], [t.label_keys for t in cols], subset=False)
        best = m.max(axis=1)
        strong = int((best >= self.cfg["list_column_min"]).sum())
        if strong < 1:
            return None
        one_form = len({t.form for t in cols}) == 1  # indexes of different forms say nothing about column order
        mean = None  # (the mean score of `pairs`: `np.mean` of their scores, in m's type, as a Python float)
        if len(headers) == len(cols) and one_form:
            pairs = list(enumerate(range(len(cols))))
            same_shape = float(best.mean()) >= 0.6
        else:  # a column added or dropped: the best order-keeping alignment, so the others never swap places
            pairs = _greedy_pairs(m)
            crossed = any(j2 < j1 for (_, j1), (_, j2) in zip(pairs, pairs[1:], strict=False))
            crossed = crossed and one_form
            aligned = _aligned_pairs(m) if crossed else []
            if crossed and len(aligned) >= len(pairs):
                pairs = aligned  # best-first pairing swapped two neighbours: the order-keeping one, no fewer pairs
            # one strong header and every list column found in order, fairly well (`Tên thủ tục` for `Tên TTHC`)
            mean = _pairs_mean(m, pairs) if pairs else None
            same_shape = mean is not None and len(pairs) == len(cols) >= 2 and mean >= 0.6
        if not pairs or (strong < 2 and not same_shape):
            return None
        col_map = {headers[i]: cols[j] for i, j in pairs}
        return col_map, _pairs_mean(m, pairs) if mean is None else mean
