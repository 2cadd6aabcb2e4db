"""`Matcher._list_options` scores a table's headers against every list's columns in one matrix, and its section
against every list's first section in one more: each list's slice of these must be the matrix and score the list
gets alone (`_list_fit` without a matrix, the section scored as one pair)."""

from __future__ import annotations

import numpy as np
import pytest

from extractor.catalogue import Keys, load_catalogue
from extractor.matching import Matcher, _list_columns
from extractor.similarity import sim_matrix

HEADERS = [
    ("TT", "Tên ứng dụng", "Đơn vị chủ trì quản lý", "Đơn vị cung cấp"),
    ("STT", "Tên thủ tục hành chính", "Mức độ", "Số hồ sơ tiếp nhận", "Ghi chú"),
    ("Số UBND cấp huyện đã triển khai", "Ghi chú của đơn vị", "Tỷ lệ UBND cấp huyện đã sử dụng"),
]


@pytest.mark.parametrize("headers", HEADERS)
@pytest.mark.parametrize("form_id", [None, "f000", "f001", "f004"])
def test_each_lists_slice_is_its_own_matrix(headers: tuple[str, ...], form_id: str | None) -> None:
    m = Matcher(load_catalogue())
    plan = m.tpl.list_plan(form_id)
    keys = [Keys.of(h) for h in headers]
    whole = sim_matrix(keys, plan.label_keys, subset=False)
    secs = sim_matrix([Keys.of("Danh mục ứng dụng")], plan.section_keys)[0]
    assert len(plan.spans) == len(m.tpl.lists)
    for (lo, hi), tslots, sec in zip(plan.spans, m.tpl.lists.values(), secs, strict=True):
        cols = _list_columns(tslots, form_id)
        alone = sim_matrix(keys, [t.label_keys for t in cols], subset=False)
        assert np.array_equal(whole[:, lo:hi], alone)
        assert sec == sim_matrix([Keys.of("Danh mục ứng dụng")], [Keys.of(tslots[0].section)])[0, 0]
        assert m._list_fit(list(headers), tslots, form_id, whole[:, lo:hi]) == \
            m._list_fit(list(headers), tslots, form_id)


@pytest.mark.parametrize("form_id", [None, "f000", "f004"])
def test_tables_scored_together_get_what_each_gets_alone(form_id: str | None) -> None:
    """`_list_options_of` scores the tables of a return not yet remembered together (their headers in one matrix,
    their sections in one): each gets the options it gets alone, twice the same table included."""
    m = Matcher(load_catalogue())
    sections = ["Danh mục ứng dụng", None, "Thủ tục hành chính", "Danh mục ứng dụng"]
    tables = [(h, sec) for h, sec in zip([*HEADERS, HEADERS[0]], sections, strict=True)]
    m.tpl.list_options.clear()
    together = m._list_options_of(tables, form_id)
    assert len(m.tpl.list_options) == 3  # (the same table twice: once)
    assert m._list_options_of(tables, form_id) == together  # (remembered)
    for (headers, section), found in zip(tables, together, strict=True):
        m.tpl.list_options.clear()
        assert m._list_options(headers, section, form_id) == found
    assert any(together)
