"""`extractor extract` writes one result per input and never overwrites another input's result (issue 14)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from click.testing import CliRunner

from extractor.cli import main
from extractor.output import output_paths

CORPUS = Path(__file__).resolve().parents[1] / "corpora" / "returns"


def _extract(*args: str) -> str:
    res = CliRunner().invoke(main, ["extract", *args], catch_exceptions=False)
    assert res.exit_code == 0, res.output
    return res.output


def _source_of(path: Path) -> str:
    return json.loads(path.read_text(encoding="utf-8"))["source"]["path"]


def _two_folders(root: Path) -> tuple[Path, Path]:
    a, b = root / "IN" / "soA" / "baocao.docx", root / "IN" / "soB" / "baocao.docx"
    for target, name in ((a, "f000_r001.docx"), (b, "f003_r002.docx")):
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(CORPUS / name, target)
    return a, b


def test_same_named_files_in_two_folders_keep_their_relative_paths(tmp_path: Path) -> None:
    a, b = _two_folders(tmp_path)
    out = tmp_path / "OUT"
    _extract(str(tmp_path / "IN"), "-o", str(out))
    written = sorted(p.relative_to(out).as_posix() for p in out.rglob("*.json"))
    assert written == ["soA/baocao.docx.json", "soB/baocao.docx.json"]
    assert _source_of(out / "soA" / "baocao.docx.json") == str(a)
    assert _source_of(out / "soB" / "baocao.docx.json") == str(b)


def test_same_named_files_named_directly_get_a_short_hash(tmp_path: Path) -> None:
    a, b = _two_folders(tmp_path)
    out = tmp_path / "OUT"
    output = _extract(str(a), str(b), "-o", str(out))
    written = sorted(out.glob("*.json"))
    assert len(written) == 2 and all(p.name.startswith("baocao.docx.") for p in written)
    assert {_source_of(p) for p in written} == {str(a), str(b)}
    for p in written:
        assert f"→ {p}" in output
    # one at a time into the same folder: the second does not overwrite the first
    out2 = tmp_path / "OUT2"
    _extract(str(a), "-o", str(out2))
    _extract(str(b), "-o", str(out2))
    assert {_source_of(p) for p in out2.glob("*.json")} == {str(a), str(b)}
    # the same input again replaces its own result
    _extract(str(a), "-o", str(out2))
    assert len(list(out2.glob("*.json"))) == 2


def test_output_paths_are_distinct_also_across_case_and_folders(tmp_path: Path) -> None:
    x, y, z = tmp_path / "A" / "r.docx", tmp_path / "B" / "r.docx", tmp_path / "C" / "R.DOCX"
    paths = output_paths([(x, tmp_path / "A"), (y, tmp_path / "B"), (z, None)], tmp_path / "out")
    assert len({p.as_posix().casefold() for p in paths.values()}) == 3
    alone = output_paths([(x, tmp_path)], tmp_path / "out")
    assert alone[x] == tmp_path / "out" / "A" / "r.docx.json"
