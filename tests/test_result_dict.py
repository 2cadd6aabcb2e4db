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
