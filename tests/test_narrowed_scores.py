"""Texts narrowed to one byte per character (extractor.narrow) score as the texts themselves: ratio and
token_sort of narrowed texts are the very float32 numbers rapidfuzz gives on the originals."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rapidfuzz import fuzz, process

from extractor import narrow as narrowing
from extractor import similarity
from extractor.catalogue import Keys, load_catalogue

_WORDS = st.sampled_from(["số", "so", "sổ", "lượng", "luong", "cán", "bộ", "bo", "tổng", "máy", "tính", "a", "ab",
                          "ba", "b", "tỷ", "lệ", "đi", "điện", "tử", "dien", "tu", "x", "xy", "ÿ", "ā", "Ω", "中",
                          "\U0001f600", "ß", "ǅ"])
# any characters too: far past 128 distinct non-ASCII ones (stand-ins then take two bytes; still one per character)
_ANY = st.text(st.characters(), max_size=30)  # (lone surrogates included)
_TEXT = st.one_of(st.lists(_WORDS, max_size=9).map(" ".join), _ANY)


def _plain(qa: list[str], qb: list[str], weight: float) -> np.ndarray:
    return (process.cdist(qa, qb, scorer=fuzz.ratio, workers=1)
            + process.cdist(qa, qb, scorer=fuzz.token_sort_ratio, workers=1)) / 200.0 * weight


def _sorted(qb: list[str]) -> list[str] | None:
    return [similarity._sorted_tokens(t) for t in qb] if similarity._plain_spaces(qb) else None


@settings(max_examples=300, deadline=None)
@given(st.lists(_TEXT, min_size=1, max_size=8), st.lists(_TEXT, min_size=1, max_size=12))
def test_sort_scores_of_narrowed_texts_equal_rapidfuzz(qa: list[str], qb: list[str]) -> None:
    for weight in (1.0, 0.98):
        qs = _sorted(qb)
        narrow = (narrowing.narrowed(qb), None if qs is None else narrowing.narrowed(qs))
        want = _plain(qa, qb, weight)
        for got in (similarity._sort_scores(qa, qb, qs, weight), similarity._sort_scores(qa, qb, qs, weight, narrow)):
            assert got.dtype == want.dtype and np.array_equal(got, want)


@settings(max_examples=200, deadline=None)
@given(st.lists(_TEXT, min_size=2, max_size=6))
def test_narrowed_texts_are_equal_where_the_texts_are(texts: list[str]) -> None:
    narrow = narrowing.narrowed(texts)
    assert narrow == [narrowing.narrowed([t])[0] for t in texts]
    for t, n in zip(texts, narrow, strict=True):
        assert len(n) == len(t) and (t.isascii() and n == t or not t.isascii())
    for a, na in zip(texts, narrow, strict=True):
        for b, nb in zip(texts, narrow, strict=True):
            assert [x == y for x in a for y in b] == [x == y for x in na for y in nb]


def test_label_keys_narrow_to_one_byte_per_character() -> None:
    """The catalogue's keys use fewer than 128 non-ASCII characters (in a process that has seen nothing else, all
    of them narrow to one byte), and score as they are."""
    cat = load_catalogue()
    texts = sorted({k.tone for f in cat.forms.values() for t in f.slots for k in [t.label_keys]})
    assert len({c for t in texts for c in t if ord(c) > 127}) < 128
    qa = [Keys.of(x).tone for x in ("Số lượng cán bộ công chức", "Tổng số máy tính", "", "Tỷ lệ (%)")]
    want = _plain(qa, texts, 1.0)
    assert np.array_equal(similarity._sort_scores(qa, texts, _sorted(texts), 1.0), want)


def test_stand_ins_skip_the_surrogates(monkeypatch: pytest.MonkeyPatch) -> None:
    """Past ~55 000 distinct characters the stand-ins jump over U+D800-U+DFFF (a str holding one could not be
    made from UTF-32) and stay distinct."""
    many = {0x20000 + i: 128 + i for i in range(0xD800 - 128 - 2)}
    monkeypatch.setattr(narrowing, "_STAND_INS", many)
    fresh = np.full(0x10000, narrowing._UNSET, dtype=np.uint32)
    fresh[:128] = np.arange(128)
    monkeypatch.setattr(narrowing, "_LOOKUP", fresh)
    texts = ["aé", "éêë\ud801", "ë\U0001f600"]
    got = narrowing.narrowed(texts)
    assert sorted(many.values())[-5:] == [0xD7FE, 0xD7FF, 0xE000, 0xE001, 0xE002]  # é ê ë, U+D801, U+1F600
    assert [len(t) for t in got] == [len(t) for t in texts]
    for a, na in zip(texts, got, strict=True):
        for b, nb in zip(texts, got, strict=True):
            assert [x == y for x in a for y in b] == [x == y for x in na for y in nb]
