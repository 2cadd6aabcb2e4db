"""corpora/returns_resaved: corpus returns saved again by LibreOffice read the same as their source."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from extractor.pipeline import extract_path

CORPUS = Path(__file__).resolve().parent.parent / "corpora"
RESAVED = CORPUS / "returns_resaved"


def test_every_resaved_return_has_its_file_and_the_source_truth() -> None:
    truths = sorted((RESAVED / "truth").glob("*.json"))
    assert len(truths) >= 20
    for path in truths:
        truth = json.loads(path.read_text(encoding="utf-8"))
        assert truth["producer"] == "libreoffice-resave" and (RESAVED / truth["files"]["docx"]).is_file()
        source = json.loads((CORPUS / "truth" / path.name).read_text(encoding="utf-8"))
        assert truth["fields"] == source["fields"]


@pytest.mark.parametrize("return_id", ["f000_r004", "f004_r005"])
def test_a_resaved_return_reads_like_its_source(return_id: str) -> None:
    def values(path: Path) -> list[tuple]:
        return [(f.field_id, f.row, f.value, f.status) for f in extract_path(path).fields]

    resaved = RESAVED / f"{return_id}.docx"
    assert resaved.read_bytes() != (CORPUS / "returns" / f"{return_id}.docx").read_bytes()
    assert values(resaved) == values(CORPUS / "returns" / f"{return_id}.docx")
