"""The seed score rows kept in the user's cache (`matching._seed_scores`): besides each fixed list's own texts, the
catalogue's other printed texts a plain return can ask of a list (a heading printed as a slot's label, a section
as a table's header, any form's text against the other forms' columns). Every seeded row is the row a fresh
computation gives, and the cache holds the catalogue's own texts only."""

from __future__ import annotations

import numpy as np
import pytest

from extractor import matching, similarity
from extractor.catalogue import Keys, load_catalogue
from tests.test_speed_paths import _plain_matrix


def _pairs(keys: object) -> set[tuple[str, str]]:
    return {(k.tone, k.folded) for k in keys}  # type: ignore[attr-defined]


def test_seed_lists_cover_the_other_forms_columns_and_the_lists() -> None:
    cat = load_catalogue()
    tpl = matching._templates(cat)
    lists = matching._seed_lists(cat, tpl)
    targets = {id(b) for b, _subset, _texts in lists}
    assert id(tpl.all.label_keys) in targets and id(tpl.all.col_keys) in targets
    for fid in (*cat.forms, None):
        assert id(tpl.list_plan(fid).label_keys) in targets and id(tpl.list_plan(fid).section_keys) in targets
    printed = matching._printed_texts(cat)
    every = _pairs(printed[None]["any"])
    for _b, _subset, texts in lists:
        assert _pairs(texts) <= every  # the catalogue's own texts only
    for fid in cat.forms:  # a form's headings and sections are among its printed texts
        own = _pairs(printed[fid]["any"])
        assert _pairs(printed[fid]["section"]) <= own and _pairs(printed[fid]["column"]) <= own
        assert _pairs(cat.forms[fid].heading_keys) <= own
        assert _pairs(Keys.of(t.section) for t in cat.forms[fid].slots) <= own


def test_seeded_rows_equal_a_fresh_computation_and_hold_catalogue_texts_only(
        tmp_path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("EXTRACTOR_CACHE_DIR", str(tmp_path))
    cat = load_catalogue()
    tpl = matching._templates(cat)
    lists = matching._seed_lists(cat, tpl)
    allowed = _pairs(matching._printed_texts(cat)[None]["any"])
    for b, _subset, _texts in lists:
        allowed |= _pairs(b)
    for step in ("miss", "hit"):
        monkeypatch.setattr(similarity, "_TABLES", {})
        matching._seed_scores(cat, tpl)
        assert list(tmp_path.glob("labelscores-*.pickle")), step
        if step == "hit":  # what was read back: the catalogue's texts and nothing else
            for table in similarity._TABLES.values():
                assert set(table.rows) <= allowed
        rng = np.random.default_rng(7)
        for b, subset, texts in lists:
            table = similarity._table(tuple((k.tone, k.folded) for k in b), subset)
            asked = list({(k.tone, k.folded): k for k in (*b, *texts)}.values())
            assert all((k.tone, k.folded) in table.rows for k in asked), step
            sample = [asked[i] for i in sorted(rng.choice(len(asked), size=min(6, len(asked)), replace=False))]
            keys = [(k.tone, k.folded) for k in sample]
            seeded = np.concatenate([table.rows[k] for k in keys]).reshape(len(keys), -1)
            assert np.array_equal(seeded, _plain_matrix(sample, list(b), subset)), step
