"""`output.source_path` reads the source of an existing result (which a new result must not overwrite) as
``str(json.loads(blob)["source"]["path"])`` does: the same value, or an exception where that raises one."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from extractor import output

TEXTS = [
    b'{"source": {"path": "a.docx"}}',
    '{"source": {"path": "Báo cáo số 1.docx"}}'.encode(),
    '{"source": {"path": "\u2028\u00a0x"}}'.encode(),
    b'{"source": {"path": "a"}, "source": {"path": "b"}}',  # a repeated key: the last one
    b'{"source": {"path": "a", "path": "c"}}',
    b'{"source": {"path": 12345678901234567890123}}',  # orjson reads it as a float
    b'{"source": {"path": -0}}',
    b'{"source": {"path": NaN}}',  # orjson refuses it
    b'{"source": {"path": "\\ud800"}}',  # a lone surrogate
    b'{"source": {"path": 1.0000000000000002}}',
    b'{"source": {"path": 1e400}}',
    b'{"source": {"path": null}}',
    b'{"source": {"path": ["a"]}}',
    b'\xef\xbb\xbf{"source": {"path": "bom"}}',
    b'  {"source": {"path": "x"}}  \n',
    b'{"source": {"path": "a\x7fb"}}',
]
BAD = [b"", b"{", b'{"a": }', b"\xff\xfe", b'{"a": 1} x', b"nul", b"[1, 2]", b'{"source": 1}', b'{"other": 1}',
       b'{"source": {"path": "a\tb"}}', b'{"source": {"name": "a"}}']


@pytest.mark.parametrize("blob", TEXTS)
def test_reads_what_json_reads(blob: bytes) -> None:
    assert output.source_path(blob) == str(json.loads(blob)["source"]["path"])


@pytest.mark.parametrize("blob", BAD)
def test_fails_where_json_fails(blob: bytes) -> None:
    with pytest.raises((ValueError, KeyError, TypeError)) as want:
        str(json.loads(blob)["source"]["path"])
    with pytest.raises(want.type):
        output.source_path(blob)


def test_a_result_of_another_source_gets_a_name_of_its_own(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    mine = tmp_path / "a.docx"
    (out / "a.docx.json").write_bytes(b'{"source": {"path": 12345678901234567890123}}')
    target = output.output_paths([(mine, None)], out)[mine]
    assert target.name.startswith("a.docx.") and target.name != "a.docx.json"
    (out / "a.docx.json").write_text(json.dumps({"source": {"path": str(mine)}}), encoding="utf-8")
    assert output.output_paths([(mine, None)], out)[mine] == out / "a.docx.json"
