"""Token-set scores whose difference strings are made for all pairs at once (extractor/token_set.py, used by
similarity._TokenSetTargets): the very float32 numbers of rapidfuzz's `token_set_ratio`."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rapidfuzz import fuzz, process
from rapidfuzz.distance import Indel

from bench.user_cases import variant_returns
from extractor import narrow as narrowing
from extractor import similarity, token_set
from extractor.catalogue import Keys, load_catalogue
from extractor.readers import read

# few words sharing letters (so that pairs share words), Vietnamese letters, and letters only texts hold ("ß")
_WORDS = st.sampled_from(["số", "so", "sổ", "sở", "a", "ab", "ba", "b", "aa", "bộ", "bo", "đi", "điện", "di",
                          "tử", "tu", "x", "ß", "ßa", "ư", "ừ", "tỷ", "lệ"])
_TEXT = st.lists(_WORDS, max_size=8).map(" ".join)  # repeated words, "" and one-word texts come too
_TARGET_WORDS = st.sampled_from(["số", "so", "sổ", "a", "ab", "ba", "b", "bộ", "đi", "điện", "tử", "x", "ư", "lệ"])
_TARGET = st.lists(_TARGET_WORDS, max_size=8).map(" ".join)


@pytest.fixture(autouse=True, scope="module")
def _fresh_stand_ins() -> Any:
    """Stand-in tables of this module's own (`extractor.narrow`), so that a byte holds every code whatever other
    tests of the process have narrowed (no table of `similarity._TABLES` is made here)."""
    saved = narrowing._STAND_INS, narrowing._LOOKUP
    fresh = np.full(0x10000, narrowing._UNSET, dtype=np.uint32)
    fresh[:128] = np.arange(128)
    narrowing._STAND_INS, narrowing._LOOKUP = {}, fresh
    yield
    narrowing._STAND_INS, narrowing._LOOKUP = saved


def _rows(sets: list[str], words: list[tuple[str, ...]]) -> token_set.Rows:
    encoded = token_set.encoded(narrowing.narrowed(sets))
    assert encoded is not None
    return token_set.Rows(encoded, words)


def _plain(qa: list[str], qb: list[str]) -> np.ndarray:
    return process.cdist(qa, qb, scorer=fuzz.token_set_ratio, workers=1)


@settings(max_examples=400, deadline=None)
@given(st.lists(_TEXT, min_size=1, max_size=10), st.lists(_TARGET, min_size=1, max_size=12, unique=True))
def test_batch_scores_equal_rapidfuzz(qa: list[str], qb: list[str]) -> None:
    got = similarity._TokenSetTargets(qb).scores(qa)
    assert got.dtype == np.float32 and np.array_equal(got, _plain(qa, qb))


def _difference(a: str, b: str) -> str:
    """rapidfuzz's difference string: the distinct words of `a` not in `b`, sorted, joined by single spaces."""
    return " ".join(sorted(set(a.split()) - set(b.split())))


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(_TEXT, _TARGET), min_size=1, max_size=12))
def test_difference_distances_equal_indel_of_the_difference_strings(pairs: list[tuple[str, str]]) -> None:
    """Every pair's distance, whether or not it shares words (each side keeping a word at least)."""
    pairs = [(a, b) for a, b in pairs if _difference(a, b) and _difference(b, a)]
    if not pairs:
        return
    qa = sorted({a for a, _b in pairs})
    qb = sorted({b for _a, b in pairs})
    words_a = [similarity._words(t) for t in qa]
    words_b = [similarity._words(t) for t in qb]
    sets_a = [" ".join(ws) for ws in words_a]
    sets_b = [" ".join(ws) for ws in words_b]
    rows = np.array([qa.index(a) for a, _b in pairs], dtype=np.intp)
    cols = np.array([qb.index(b) for _a, b in pairs], dtype=np.intp)
    entries = [(p, sets_a[i].split(" ").index(w), sets_b[j].split(" ").index(w))
               for p, (i, j) in enumerate(zip(rows, cols, strict=True))
               for w in set(similarity._words(qa[i])) & set(similarity._words(qb[j]))]
    e = np.array(entries, dtype=np.intp).reshape(-1, 3).T
    expected = [Indel.distance(_difference(a, b), _difference(b, a)) for a, b in pairs]
    lengths = np.array([len(_difference(a, b)) + len(_difference(b, a)) for a, b in pairs], dtype=np.int64)
    got = token_set.difference_distances(_rows(sets_a, words_a), _rows(sets_b, words_b),
                                         rows, cols, e[0], e[1], e[2], lengths)
    assert got.tolist() == expected


def test_difference_rows_hold_the_difference_strings_but_for_fillers() -> None:
    """`Rows.differences` leaves each dropped word in place as filler bytes (none past the last kept byte on the
    left, where the filler is the padding byte): with the fillers taken out, the difference string and a space;
    the left and the right fillers never match, so the LCS is that of the strings without them."""
    sets_a = ["a b c", "a b c", "b c", "c x"]
    sets_b = ["a c", "c", "b c", "c x y"]
    words_a = [tuple(s.split(" ")) for s in sets_a]
    words_b = [tuple(s.split(" ")) for s in sets_b]
    left, right = _rows(sets_a, words_a), _rows(sets_b, words_b)
    rows = cols = np.arange(4, dtype=np.intp)
    # common words per pair (pair, place on the left, on the right): a & c; c (last on both sides); b & c; c & x
    pairs, places_a, places_b = np.array([[0, 0, 0], [0, 2, 1], [1, 2, 0], [2, 0, 0], [2, 1, 1], [3, 0, 0],
                                          [3, 1, 1]], dtype=np.intp).T
    got_a = left.differences(rows, pairs, places_a, token_set.DROPPED)
    got_b = right.differences(cols, pairs, places_b, token_set.FILLER)
    code = {c: ord(c) for c in "abcxy "}  # (ASCII keeps its codes)
    assert [s.replace(b"\0", b"") for s in got_a] == [bytes([code["b"], code[" "]]), bytes([code["a"], code[" "],
                                                      code["b"], code[" "]]), b"", b""]
    assert got_a[0][0] == token_set.DROPPED and got_a[1][-1] == code[" "]  # (a trailing dropped word is cut off)
    assert [s.replace(b"\1", b"") for s in got_b] == [b"", b"", b"", bytes([code["y"], code[" "]])]
    assert got_b[0] == bytes([token_set.FILLER] * 4)  # (the right fillers are kept to the end)


def test_a_character_no_target_holds_matches_nothing() -> None:
    qb = ["ab x", "ba x", "a b x", "số x"]
    qa = ["ßa x", "aß x", "ß ab x", "sß x", "ßß ßa x", "a ß x"]
    assert np.array_equal(similarity._TokenSetTargets(qb).scores(qa), _plain(qa, qb))


def test_targets_with_too_many_characters_are_scored_by_rapidfuzz_itself() -> None:
    letters = [chr(0x4E00 + k) for k in range(300)]  # 300 characters: more than the bytes hold
    qb = [f"{letters[k]}{letters[k + 1]} chung {letters[k + 2]}" for k in range(0, 298, 3)]
    qa = [f"{letters[k]} chung {letters[k + 1]}{letters[k + 3]}" for k in range(0, 290, 7)] + ["chung", ""]
    targets = similarity._TokenSetTargets(qb)
    assert np.array_equal(targets.scores(qa), _plain(qa, qb))
    assert targets._unencoded and targets._rows is None


def test_texts_holding_the_filler_bytes_are_scored_by_rapidfuzz_itself() -> None:
    qb = ["a\x00 b", "b c", "c\x01 d"]
    qa = ["b \x00a", "a b c\x01", "d c"]
    assert token_set.encoded(qb) is None and token_set.encoded(["ab", "\xff"]) == [b"ab", b"\xff"]
    assert np.array_equal(similarity._TokenSetTargets(qb).scores(qa), _plain(qa, qb))
    left_only = similarity._TokenSetTargets(["a b", "b c d", "c d e"])  # (targets encoded, a text not)
    assert np.array_equal(left_only.scores(["b \x00", "c\x01 d e", "b c e"]),
                          _plain(["b \x00", "c\x01 d e", "b c e"], ["a b", "b c d", "c d e"]))


def _texts(value: Any) -> list[str]:
    if isinstance(value, dict):
        return [t for k, v in value.items() for t in ([v] if k == "text" and isinstance(v, str) else _texts(v))]
    if isinstance(value, list):
        return [t for v in value for t in _texts(v)]
    return []


@pytest.mark.parametrize("attr", ["tone", "folded"])
def test_corpus_texts_against_template_keys_equal_rapidfuzz(attr: str) -> None:
    """Reworded returns' texts (their keys) against every label key of the templates, as detect_form scores."""
    cat = load_catalogue()
    qb = sorted({getattr(t.label_keys, attr) for f in cat.forms.values() for t in f.slots})
    texts = [t for f in variant_returns(Path("corpora/returns"), 3) for t in _texts(read(f).to_dict())]
    qa = sorted({getattr(Keys.of(t), attr) for t in texts})[:400]
    assert len(qa) > 50
    targets = similarity._TokenSetTargets(qb)
    assert np.array_equal(targets.scores(qa), _plain(qa, qb))
