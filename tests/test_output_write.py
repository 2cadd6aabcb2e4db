"""Writing a result: valid against the schema or nothing written, atomically, into folders made on demand
(and made again when removed while the process runs)."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from extractor.output import write_data


def _result() -> dict[str, Any]:
    field = {"field_id": "a.b", "label": "Tổng số", "section": "", "column": None, "value": 3, "raw": "3",
             "unit": None, "type": "integer", "confidence": 0.95, "status": "accepted",
             "location": {"part": "body", "block": 1}, "row": None, "reasons": [], "candidates": []}
    return {"source": {"path": "x.docx", "sha256": "0" * 64, "format": "docx"},
            "form": {"id": "f000", "confidence": 1.0, "scores": {}}, "fields": [field], "unmatched": [],
            "warnings": []}


def test_a_removed_folder_is_made_again(tmp_path: Path) -> None:
    target = tmp_path / "out" / "sub" / "x.docx.json"
    write_data(_result(), target)
    shutil.rmtree(tmp_path / "out")
    write_data(_result(), target)
    assert target.read_bytes().endswith(b"\n")


@pytest.mark.parametrize("place, bad", [("confidence", 1.5), ("status", "done"), ("field_id", "A b"),
                                        ("reasons", ["ok", 3])])
def test_an_invalid_result_is_never_written(tmp_path: Path, place: str, bad: Any) -> None:
    target = tmp_path / "x.docx.json"
    write_data(_result(), target)
    before = target.read_bytes()
    data = _result()
    data["fields"][0][place] = bad
    with pytest.raises(jsonschema.ValidationError):
        write_data(data, target)
    assert target.read_bytes() == before  # the earlier result stays whole
    assert [p.name for p in tmp_path.iterdir()] == ["x.docx.json"]  # no temp file left


def test_a_value_json_cannot_hold_writes_nothing(tmp_path: Path) -> None:
    data = _result()
    data["fields"][0]["location"] = {"cells": {1, 2}}  # a set: the check passes objects' insides, the encoder refuses
    with pytest.raises(TypeError):
        write_data(data, tmp_path / "x.docx.json")
    assert list(tmp_path.iterdir()) == []


def test_a_field_dict_has_the_fields_alone_in_their_order() -> None:
    from dataclasses import fields

    from extractor.model import Field

    f = Field("a.b", "Tổng số", "", None, 3, "3", None, "integer", 0.95, "accepted", {"block": 1})
    names = [x.name for x in fields(Field)]
    assert list(f.to_dict(shallow=True)) == names
    f.status = "review"  # set again: same place
    f.note = "not a field"  # type: ignore[attr-defined]
    for shallow in (True, False):
        out = f.to_dict(shallow=shallow)
        assert list(out) == names and out["status"] == "review"
    f.to_dict()["reasons"].append("x")  # a deep dict is a copy
    assert f.reasons == []


def test_a_result_is_written_as_mkstemp_would_write_it(tmp_path: Path) -> None:
    """`write_bytes` names its temp file by process id and counter: the file it leaves is mkstemp's (mode 0600),
    no temp file stays, and a temp name already taken (a killed process's leftover) is left alone."""
    import os
    import stat

    from extractor import output

    taken = tmp_path / f".tmp-{os.getpid()}-{next(output._TEMP_COUNT) + 1}.json"
    taken.write_bytes(b"left behind")
    target = output.write_bytes(b"{}\n", tmp_path / "a.json", suffix=".json")
    assert target.read_bytes() == b"{}\n"
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert taken.read_bytes() == b"left behind"
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([taken.name, "a.json"])
    output.write_bytes(b"[]\n", target, suffix=".json")  # replaced whole
    assert target.read_bytes() == b"[]\n" and len(list(tmp_path.iterdir())) == 2


def test_a_failed_write_leaves_no_temp_file(tmp_path: Path) -> None:
    from extractor import output

    with pytest.raises(OSError):  # the target is a folder: the rename fails
        (tmp_path / "d.json").mkdir()
        output.write_bytes(b"{}", tmp_path / "d.json", suffix=".json")
    assert [p.name for p in tmp_path.iterdir()] == ["d.json"]
