"""The fast paths of issue 9 give exactly what the plain computations give: remembered similarity rows,
the JSON encoder (reads back as the value), the fastjsonschema check, the cached line splitter,
the order alignment table and the top candidates."""

from __future__ import annotations

import copy
import enum
import json
import math

import jsonschema
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rapidfuzz import fuzz, process

from extractor import similarity
from extractor.blanks import _split_line, split_line, split_value_unit
from extractor.catalogue import Keys, load_catalogue
from extractor.matching import _alignment_table, _best_alignment, _first_free, _top_columns, _traceback
from extractor.output import dumps, validate, validator

LABELS = ["Số lượng cán bộ công chức", "Tổng số máy tính", "Tỷ lệ văn bản đi điện tử", "Có trang thông tin điện tử",
          "So luong CBCCVC", "Địa chỉ thư điện tử", "Tổng số máy tính", ""]


def _plain_matrix(a: list[Keys], b: list[Keys], subset: bool) -> np.ndarray:
    """The similarity matrix computed from scratch, the way matching computed it before rows were remembered."""
    out = None
    for attr, weight in (("tone", 1.0), ("folded", 0.98)):
        qa = [getattr(k, attr) for k in a]
        qb = [getattr(k, attr) for k in b]
        m = (process.cdist(qa, qb, scorer=fuzz.ratio) + process.cdist(qa, qb, scorer=fuzz.token_sort_ratio)) \
            / 200.0 * weight
        if subset:
            m = np.maximum(m, process.cdist(qa, qb, scorer=fuzz.token_set_ratio) / 100.0 * similarity.SUBSET_WEIGHT)
        out = m if out is None else np.maximum(out, m)
    assert out is not None
    return out


@pytest.mark.parametrize("subset", [True, False])
def test_remembered_rows_equal_a_fresh_computation(subset: bool) -> None:
    cat = load_catalogue()
    b = [t.label_keys for f in cat.forms.values() for t in f.slots][:120]
    a = [Keys.of(x) for x in LABELS]
    first = similarity.sim_matrix(a, b, subset)
    again = similarity.sim_matrix(list(reversed(a)), b, subset)  # every row now comes from memory
    expected = _plain_matrix(a, b, subset)
    assert first.dtype == expected.dtype
    assert np.array_equal(first, expected)
    assert np.array_equal(again, expected[::-1])


_WORDS = st.sampled_from(["số", "so", "lượng", "cán", "bộ", "tổng", "máy", "tính", "a", "ab", "b", "tỷ", "lệ", "đi"])
_PLAIN = st.lists(_WORDS, max_size=7).map(" ".join)  # words one space apart, repeats and "" included


@settings(max_examples=120, deadline=None)
@given(st.lists(_PLAIN, min_size=1, max_size=8), st.lists(_PLAIN, min_size=1, max_size=12, unique=True))
def test_token_set_ratio_by_shared_words_equals_rapidfuzz(qa: list[str], qb: list[str]) -> None:
    """Pairs with no word in common scored from the Indel distance of their distinct sorted words: the very
    float32 numbers of rapidfuzz's `token_set_ratio`, ties, repeated words and empty texts included."""
    got = similarity._TokenSetTargets(qb).scores(qa)
    assert np.array_equal(got, process.cdist(qa, qb, scorer=fuzz.token_set_ratio, workers=1))


def test_token_set_ratio_on_catalogue_labels_equals_rapidfuzz() -> None:
    cat = load_catalogue()
    qb = sorted({k for f in cat.forms.values() for t in f.slots for k in (t.label_keys.tone, t.label_keys.folded)})
    qa = [Keys.of(x).tone for x in LABELS] + [Keys.of(x).folded for x in LABELS] + qb[::7]
    got = similarity._TokenSetTargets(qb).scores(qa)
    assert np.array_equal(got, process.cdist(qa, qb, scorer=fuzz.token_set_ratio, workers=1))


def test_a_full_table_starts_again_and_still_answers(monkeypatch: pytest.MonkeyPatch) -> None:
    b = [Keys.of(x) for x in ("Tổng số", "Tỷ lệ", "Số lượng")]
    monkeypatch.setattr(similarity, "MAX_CELLS", 6)  # two rows of three
    table = similarity._table(tuple((k.tone, k.folded) for k in b), True)
    for chunk in (LABELS[:2], LABELS[2:5], LABELS[5:]):
        keys = [Keys.of(x) for x in chunk]
        assert np.array_equal(table.matrix(keys), _plain_matrix(keys, b, True))
        assert len(table.rows) * len(b) <= max(6, len(set(chunk)) * len(b))


def test_form_detection_side_is_symmetric() -> None:
    """detect_form scores the document against the forms (not the forms against the document): same numbers."""
    a = [Keys.of(x) for x in LABELS[:5]]
    b = [Keys.of(x) for x in LABELS[3:]]
    assert np.array_equal(similarity.sim_matrix(a, b, False), similarity.sim_matrix(b, a, False).T)


json_values = st.recursive(
    st.none() | st.booleans() | st.integers(min_value=-2**63, max_value=2**64 - 1)
    | st.floats(allow_nan=False, allow_infinity=False) | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=6), inner, max_size=4),
    max_leaves=30)


@settings(max_examples=300, deadline=None)
@given(json_values)
def test_dumps_reads_back_as_the_same_value(value: object) -> None:
    text = dumps(value)
    assert text.endswith(b"\n")
    assert json.loads(text) == value


class _Level(enum.IntEnum):
    ONE = 1


@pytest.mark.parametrize("value, plain", [({"a": {"b": []}}, {"a": {"b": []}}), ((1, [2, ()]), [1, [2, []]]),
                                          ({"x": True, "y": None}, {"x": True, "y": None}),
                                          ("é\n\"\\\u2028", "é\n\"\\\u2028"), ({"level": _Level.ONE}, {"level": 1}),
                                          ([np.float64(1.5), np.float32(2.0).item()], [1.5, 2.0])])
def test_dumps_unusual_values(value: object, plain: object) -> None:
    assert json.loads(dumps(value)) == plain


def test_dumps_of_an_unknown_type_raises_like_json() -> None:
    with pytest.raises(TypeError):
        dumps({"a": {1, 2}})


def _result() -> dict:
    field = {"field_id": "a.b", "label": "Tổng số", "section": "", "column": None, "value": 3, "raw": "3",
             "unit": None, "type": "integer", "confidence": 0.95, "status": "accepted",
             "location": {"part": "body", "block": 1}, "row": None, "reasons": [], "candidates": []}
    return {"source": {"path": "x.docx", "sha256": "0" * 64, "format": "docx"},
            "form": {"id": "f000", "confidence": 1.0, "scores": {"f000": 0.9}}, "fields": [field], "unmatched": [],
            "warnings": []}


@pytest.mark.parametrize("path, bad", [
    (("fields", 0, "confidence"), True), (("fields", 0, "confidence"), 1.5), (("fields", 0, "row"), 0),
    (("fields", 0, "row"), True), (("fields", 0, "value"), {}), (("fields", 0, "field_id"), "A.b"),
    (("fields", 0, "type"), "x"), (("fields", 0, "status"), "done"), (("fields", 0, "location"), []),
    (("fields", 0, "reasons"), [1]), (("form", "scores"), {"a": True}), (("warnings",), ["x", 2]),
    (("source", "sha256"), "ab"), (("source", "format"), "txt"),
])
def test_fast_validation_rejects_what_jsonschema_rejects(path: tuple, bad: object) -> None:
    data = _result()
    target = data
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = bad
    assert not validator().is_valid(data)
    with pytest.raises(jsonschema.ValidationError):
        validate(data)


@pytest.mark.parametrize("path, good", [
    (("fields", 0, "field_id"), "a.b\n"),  # fastjsonschema's `$` is stricter: jsonschema decides, and accepts
    (("fields", 0, "row"), 1.0), (("fields", 0, "value"), [1, 2]), (("fields", 0, "confidence"), math.nan),
])
def test_fast_validation_accepts_what_jsonschema_accepts(path: tuple, good: object) -> None:
    data = _result()
    data[path[0]][path[1]][path[2]] = good
    assert validator().is_valid(data)
    validate(copy.deepcopy(data))


@pytest.mark.parametrize("text", ["1.2. Tổng số …: …..120…… người, Tỷ lệ: 85 %", "Họ và tên: ………………",
                                  "Điện thoại cơ quan0972676431", "(Cấp huyện)……… máy"])
def test_cached_line_split_equals_a_fresh_split(text: str) -> None:
    units = load_catalogue().units
    first = split_line(text, units)
    first[0].raw = "changed by a caller"  # callers get copies: the cache is not touched
    assert split_line(text, units) == _split_line(text, units)
    assert split_line(text, list(units)) == _split_line(text, units)  # an unhashable unit list is not cached



def test_remembered_score_rows_equal_a_fresh_computation() -> None:
    """Matcher.score with rows remembered from other returns (in another order) gives the batch numbers, and
    a learnt alias is not served from the memory."""
    from pathlib import Path

    from extractor.matching import Matcher, _RowMemory, detect_form
    from extractor.readers import read
    from extractor.slots import find_slots

    cat = load_catalogue()
    returns = Path(__file__).resolve().parent.parent / "corpora" / "returns"
    docs = [find_slots(read(returns / f"f00{n}_r00{n}.docx"), cat.units) for n in (1, 2)]
    matcher = Matcher(cat)
    for slots in docs:
        form = detect_form(slots, [], cat).id
        fresh = matcher._wording_rows(slots, form)
        matcher.tpl.rows = _RowMemory()
        matcher.score(list(reversed(slots)), form)  # remembers every row
        remembered = matcher.tpl.rows.get(cat.aliases, form, slots, matcher._wording_rows)
        assert remembered.dtype == fresh.dtype
        assert np.array_equal(remembered, fresh)
    memory = matcher.tpl.rows
    before = len(memory.rows)
    memory.get({"x.y": ["Tổng số"]}, None, docs[0][:3], matcher._wording_rows)
    assert len(memory.rows) <= 3 < before


def _plain_alignment(gain: np.ndarray) -> np.ndarray:
    """The weighted-LCS table cell by cell: best of skipping the row, skipping the column, or taking the pair."""
    n, m = gain.shape
    best = np.zeros((n + 1, m + 1))
    for i in range(1, n + 1):
        for j in range(1, m + 1):
            best[i, j] = max(best[i - 1, j], best[i, j - 1], best[i - 1, j - 1] + gain[i - 1, j - 1])
    return best


@settings(max_examples=60, deadline=None)
@given(st.integers(1, 9), st.integers(1, 9), st.data())
def test_alignment_table_equals_the_cell_by_cell_recurrence(n: int, m: int, data: st.DataObject) -> None:
    values = st.one_of(st.just(-math.inf), st.floats(0.001, 1.0), st.sampled_from([0.25, 0.5]))  # ties too
    gain = np.array(data.draw(st.lists(values, min_size=n * m, max_size=n * m))).reshape(n, m)
    assert np.array_equal(_alignment_table(gain), _plain_alignment(gain))


@settings(max_examples=150, deadline=None)
@given(st.integers(1, 9), st.integers(1, 9), st.data())
def test_alignment_without_dead_rows_and_columns_takes_the_same_pairs(n: int, m: int, data: st.DataObject) -> None:
    """Rows and columns of -inf gains only are left out of the table: the same pairs, ties included."""
    values = st.one_of(st.just(-math.inf), st.just(-math.inf), st.floats(0.001, 1.0), st.sampled_from([0.25, 0.5]))
    gain = np.array(data.draw(st.lists(values, min_size=n * m, max_size=n * m))).reshape(n, m)
    assert _best_alignment(gain) == _traceback(_alignment_table(gain))


def _scan_free(rows: list[int], groups: list[int]) -> list[int]:
    """The plain scan: each pair in order, taken when its row and its group are both still free."""
    used_r: set[int] = set()
    used_g: set[int] = set()
    out = []
    for p, (r, g) in enumerate(zip(rows, groups, strict=True)):
        if r not in used_r and g not in used_g:
            out.append(p)
            used_r.add(r)
            used_g.add(g)
    return out


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 7), st.integers(0, 5)), max_size=60))
def test_first_free_pairs_by_rounds_equal_the_scan(pairs: list[tuple[int, int]]) -> None:
    rows, groups = [r for r, _ in pairs], [g for _, g in pairs]
    got = _first_free(np.array(rows, dtype=np.intp), np.array(groups, dtype=np.intp), 8, 6)
    assert got.tolist() == _scan_free(rows, groups)


def test_top_columns_are_best_first_with_ties_in_column_order() -> None:
    S = np.array([[0.5, 0.9, 0.5, 0.1, 0.9], [0.2, 0.2, 0.2, 0.2, 0.2]])
    assert _top_columns(S, 3).tolist() == [[1, 4, 0], [0, 1, 2]]
    assert _top_columns(S, 9).shape == (2, 5)  # never more than the row has
    rng = np.random.default_rng(7)
    big = rng.random((40, 300)).round(2)  # many ties
    expected = np.argsort(-big, axis=1, kind="stable")[:, :6]
    before = big.copy()
    assert np.array_equal(_top_columns(big, 6), expected)
    assert np.array_equal(big, before)  # every cell put back
    odd = np.array([[-np.inf, 0.3, -np.inf], [0.1, -np.inf, 0.1]], dtype=np.float32)  # fewer finite cells than k
    kept = odd.copy()
    assert _top_columns(odd, 3).tolist() == [[1, 0, 0], [0, 2, 0]]
    assert np.array_equal(odd, kept) and odd.dtype == np.float32


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet="0123456789 .,;(%/aáàạăđêôơưxyzKMT", max_size=12),
       st.sampled_from(list(load_catalogue().units) + ["", "xyz"]), st.sampled_from(["", " ", "(", "a", "1", ".", ";"]))
def test_unit_split_by_one_search_equals_the_loop_over_units(head: str, unit: str, glue: str) -> None:
    units = load_catalogue().units
    text = head + glue + unit
    assert split_value_unit(text, units) == split_value_unit(text, list(units))  # a list takes the plain loop


def test_seeded_template_rows_equal_a_fresh_computation(tmp_path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The rows of the templates' own texts kept in the user's cache (built on a miss, read back on a hit) are
    the numbers a fresh computation gives, and the cache holds no other text the process has seen."""
    from extractor import matching

    monkeypatch.setenv("EXTRACTOR_CACHE_DIR", str(tmp_path))
    cat = load_catalogue()
    tpl = matching._templates(cat)
    lists = matching._seed_lists(cat, tpl)
    b, subset = next((b, s) for b, s, _texts in lists if s)  # a subset-scored list (labels, options)
    seen = [Keys.of(x) for x in LABELS]
    for _ in ("miss", "hit"):
        monkeypatch.setattr(similarity, "_TABLES", {})
        similarity.sim_matrix(seen, b, subset)  # a document's texts, scored before the seed
        matching._seed_scores(cat, tpl)
        assert list(tmp_path.glob("labelscores-*.pickle"))
        table = similarity._table(tuple((k.tone, k.folded) for k in b), subset)
        own = list({(k.tone, k.folded): k for k in b}.values())[:40]
        assert all((k.tone, k.folded) in table.rows for k in own)
        assert np.array_equal(table.matrix(own), _plain_matrix(own, list(b), subset))
    stored = similarity.export_tables({(tuple((k.tone, k.folded) for k in b), subset)})
    for (targets, _subset), t in stored.items():
        assert set(t.rows) <= set(targets)  # no document text kept


def test_no_seed_without_a_cache(monkeypatch: pytest.MonkeyPatch) -> None:
    from extractor import matching

    monkeypatch.setenv("EXTRACTOR_CACHE_DIR", "off")
    monkeypatch.setattr(similarity, "_TABLES", {})
    cat = load_catalogue()
    matching._seed_scores(cat, matching._templates(cat))
    assert similarity._TABLES == {}  # nothing computed ahead: the rows come as documents need them


def test_known_keys_equal_a_fresh_computation() -> None:
    """The keys kept with the catalogue for its own texts are those `Keys.of` computes from scratch."""
    from extractor.catalogue import _keys

    cat = load_catalogue()
    assert len(cat.known_keys) > 500
    for text, keys in list(cat.known_keys.items())[::7]:
        _keys.cache_clear()
        assert _keys(text) == keys
        assert Keys.of(text) == keys


@settings(max_examples=40, deadline=None)
@given(st.integers(min_value=0, max_value=2**32 - 1), st.sampled_from([1, 3, 6]), st.sampled_from([4, 20, 1000]))
def test_margins_from_top_columns_equal_the_full_computation(seed: int, k: int, levels: int) -> None:
    """A chosen pair's margin read off the row's top columns is the one computed over every field (ties too:
    few score levels make many equal scores)."""
    from extractor.matching import Matcher

    m = Matcher(load_catalogue())
    rng = np.random.default_rng(seed)
    width = len(m.tpl.slots)
    S = rng.integers(0, levels, size=(12, width)) / levels
    chosen = {int(i): int(rng.integers(0, width)) for i in rng.choice(12, size=8, replace=False)}
    tops = _top_columns(S, k)
    fast = m._margins(S, chosen, tops, m.tpl.field_code[tops])
    assert fast == m._margins(S, chosen)


def test_no_seed_when_the_cache_cannot_be_written(tmp_path, monkeypatch: pytest.MonkeyPatch) -> None:
    from extractor import matching

    (tmp_path / "a-file").write_text("x", encoding="utf-8")
    monkeypatch.setenv("EXTRACTOR_CACHE_DIR", str(tmp_path / "a-file" / "cache"))  # cannot be created
    monkeypatch.setattr(similarity, "_TABLES", {})
    cat = load_catalogue()
    matching._seed_scores(cat, matching._templates(cat))
    assert similarity._TABLES == {}  # not computed in every process for nothing
