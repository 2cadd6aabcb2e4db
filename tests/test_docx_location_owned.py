"""The DOCX reader gives each block (and each table) a location dict of its own, though a paragraph's block may
keep the dict made for it (`_Walker.para(..., own=True)`) instead of a copy: no two items share one, and the
values are the full walk's."""

from __future__ import annotations

from pathlib import Path

from extractor import readers
from extractor.model import Block, Table
from tests.docx_xml import p, r, tbl, tc, write_docx

ROOT = Path(__file__).resolve().parents[1]
CORPUS = sorted((ROOT / "corpora").glob("**/*.docx"))
BOX = ('<w:r><w:pict><v:shape><v:textbox><w:txbxContent>{}</w:txbxContent></v:textbox></v:shape></w:pict></w:r>')


def _locations(items: list[Block | Table]) -> list[dict]:
    out = []
    for item in items:
        if isinstance(item, Block):
            out.append(item.location)
        else:
            out.append(item.location)
            out += [b.location for row in item.rows for cell in row for b in cell.blocks]
    return out


def _distinct(locs: list[dict]) -> bool:
    return len({id(loc) for loc in locs}) == len(locs)


def test_corpus_locations_distinct() -> None:
    assert CORPUS
    for f in CORPUS:
        assert _distinct(_locations(readers.read(f).items)), f


def test_shapes_sharing_a_location(tmp_path: Path) -> None:
    inner = tbl([tc(p(r("n1")), p(r("n2")))])
    body = (p(r("A"), BOX.format(p(r("t1")) + p(r("t2")))) + p()
            + tbl([tc(p(r("c1")), p(r("c2")), p()), tc(inner + p(r("after")))],
                  [tc(p(r("v")), vmerge="restart"), tc(p(r("x")))],
                  [tc(p(r("more")), p(r("again")), vmerge=""), tc(p(r("y")))]))
    items = readers.read(write_docx(tmp_path / "s.docx", body)).items
    locs = _locations(items)
    assert _distinct(locs)
    assert [i.location for i in items if isinstance(i, Block)] == [
        {"part": "body", "block": 0}, {"part": "body", "block": 0, "textbox": 0},
        {"part": "body", "block": 0, "textbox": 0}, {"part": "body", "block": 1}]
    table = items[-1]
    assert isinstance(table, Table)
    cells = [[(c.row, c.col, [(b.text, b.location) for b in c.blocks]) for c in row] for row in table.rows]
    base = {"part": "body", "block": 2}
    assert cells[0][0][2] == [(t, {**base, "row": 0, "cell": 0, "col": 0}) for t in ("c1", "c2", "")]
    assert cells[0][1][2] == [
        ("n1", {**base, "row": 0, "cell": 1, "col": 1, "nested": [0, 0]}),
        ("n2", {**base, "row": 0, "cell": 1, "col": 1, "nested": [0, 0]}),
        ("after", {**base, "row": 0, "cell": 1, "col": 1})]
    assert [b[0] for b in cells[1][0][2]] == ["v", "more", "again"]
    assert cells[1][0][2][1][1] == {**base, "row": 2, "cell": 0, "col": 0}
