"""`Result.to_dict` writes the source without `dataclasses.asdict`: the same dict, keys in the same order, and
copies of any container a source might hold (as asdict's deep copy gives)."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from extractor.model import Result, Source, _source_dict

PLAIN = st.recursive(st.one_of(st.none(), st.text(max_size=5), st.integers(), st.floats(allow_nan=False)),
                     lambda inner: st.one_of(st.lists(inner, max_size=3), st.dictionaries(st.text(max_size=3), inner,
                                                                                          max_size=3)), max_leaves=8)


@given(PLAIN, PLAIN, PLAIN)
def test_the_source_dict_is_asdict(path: Any, sha: Any, fmt: Any) -> None:
    source = Source(path, sha, fmt)
    got = _source_dict(source)
    assert got == asdict(source) and list(got) == list(asdict(source))
    for name, value in got.items():
        if isinstance(value, (list, dict)):
            assert value is not getattr(source, name)  # a copy, as asdict gives


def test_a_result_dict_carries_its_source() -> None:
    result = Result(Source("in/a.docx", "0" * 64, "docx"), None, 0.0, [], [])
    assert result.to_dict()["source"] == {"path": "in/a.docx", "sha256": "0" * 64, "format": "docx"}


def test_the_view_is_the_shallow_dict_without_copies() -> None:
    from extractor.model import Field

    fields = [Field("a.b", "Tổng", "", None, 3, "3", None, "integer", 0.9, "accepted", {"part": "body", "block": 1},
                    None, ["x"], [{"field_id": "a.c", "score": 0.5}]),
              Field(None, "Ghi chú", "", None, "y", "y", None, None, 0.0, "review", {})]
    fields[1].extra = "an attribute that is no field"  # type: ignore[attr-defined]
    result = Result(Source("in/a.docx", "0" * 64, "docx"), "f000", 0.9, fields[:1], fields[1:], ["w"], {"f000": 0.9})
    view = result.view()
    assert view == result.to_dict(shallow=True) and list(view) == list(result.to_dict(shallow=True))
    assert view["fields"][0] is fields[0].__dict__  # shared: serialised at once, never changed
    assert list(view["unmatched"][0]) == [f for f in result.to_dict()["unmatched"][0]]  # a copy of the fields alone
