"""The DOCX reader's one-paragraph cell shortcut in `_Walker.table`: a cell holding w:tcPr then one w:p is read by
`para` directly instead of through `content`. On every such cell of every corpus DOCX, and on hand-made cells
near its edges, both give the same blocks; whole tables read the same with the shortcut as without it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from lxml import etree

from extractor.readers import docx as D
from tests.docx_parts import parsed_main
from tests.docx_xml import XMLNS

ROOT = Path(__file__).resolve().parents[1]
CORPUS = sorted((ROOT / "corpora").glob("**/*.docx"))


def _both(walker: D._Walker, tc: etree._Element) -> tuple[list[Any], list[Any]]:
    loc = {"part": "body", "block": 0, "row": 0, "cell": 0, "col": 0}
    fast: list[Any] = []
    slow: list[Any] = []
    walker.textbox_no = 0
    walker.para(tc[1], dict(loc), fast, True)
    walker.textbox_no = 0
    walker.content(tc, dict(loc), slow, True)
    return fast, slow


def test_corpus_one_paragraph_cells_equal() -> None:
    assert CORPUS
    cells = 0
    for f in CORPUS:
        root, walker = parsed_main(f.read_bytes(), str(f))
        for tc in root.iter(D.TC):
            kids = tc[:]
            if len(kids) == 2 and kids[0].tag == D.TCPR and kids[1].tag == D.P:
                cells += 1
                fast, slow = _both(walker, tc)
                assert fast == slow, (f, etree.tostring(tc, encoding=str))
    assert cells > 1000  # the shortcut is the common cell


class _NoShortcut(D._Walker):
    """A walker reading every cell through `content`."""

    cell_shortcut = False


@pytest.mark.parametrize("cell", [
    '<w:tc><w:tcPr><w:tcW w:w="10"/></w:tcPr><w:p><w:r><w:t>a</w:t></w:r></w:p></w:tc>',
    '<w:tc><w:tcPr/><w:p/></w:tc>',
    '<w:tc><w:tcPr><w:gridSpan w:val="2"/></w:tcPr><w:p><w:r><w:sym w:font="Wingdings" w:char="F0A8"/>'
    '<w:t>x</w:t></w:r></w:p></w:tc>',
    '<w:tc><w:tcPr/><w:p><w:r><w:pict><v:shape xmlns:v="urn:schemas-microsoft-com:vml"><v:textbox>'
    '<w:txbxContent><w:p><w:r><w:t>boxed</w:t></w:r></w:p></w:txbxContent></v:textbox></v:shape></w:pict>'
    '<w:t>host</w:t></w:r></w:p></w:tc>',
    '<w:tc><w:p><w:r><w:t>no tcPr</w:t></w:r></w:p></w:tc>',
    '<w:tc><w:tcPr/><w:p><w:r><w:t>one</w:t></w:r></w:p><w:p><w:r><w:t>two</w:t></w:r></w:p></w:tc>',
    '<w:tc><w:tcPr/><w:tbl><w:tr><w:tc><w:tcPr/><w:p><w:r><w:t>nested</w:t></w:r></w:p></w:tc></w:tr></w:tbl>'
    '</w:tc>',
])
def test_table_same_with_and_without_shortcut(cell: str) -> None:
    xml = f'<w:body {XMLNS}><w:tbl><w:tr>{cell}{cell}</w:tr><w:tr>{cell}</w:tr></w:tbl></w:body>'
    tbl = etree.fromstring(xml)[0]
    fast = D._Walker(D.CHECKBOXES).table(tbl, {"part": "body", "block": 0})
    slow = _NoShortcut(D.CHECKBOXES).table(tbl, {"part": "body", "block": 0})
    assert fast == slow
    assert fast.rows[0][0].blocks


def _direct(tcpr: etree._Element) -> list[etree._Element]:
    return [prop for prop in tcpr if prop.tag in (D.GRIDSPAN, D.VMERGE, D.HMERGE)]


def test_corpus_merges_are_the_cells_own() -> None:
    """`_merges` gives each w:tcPr exactly its own merge children, in order (what a loop over them gives)."""
    merged = 0
    for f in CORPUS:
        root, _ = parsed_main(f.read_bytes(), str(f))
        for tbl in root.iter(D.TBL):
            merges = D._merges(tbl)
            for tcpr in tbl.iter(D.TCPR):
                assert merges.get(tcpr, []) == _direct(tcpr), (f, etree.tostring(tcpr, encoding=str))
                merged += bool(_direct(tcpr))
    assert merged > 100


def test_merges_edges() -> None:
    """Repeated and tracked-change merge elements: only direct children count, the last one wins."""
    xml = (f'<w:body {XMLNS}><w:tbl><w:tr><w:tc><w:tcPr><w:gridSpan w:val="2"/><w:gridSpan w:val="3"/>'
           '<w:tcPrChange><w:tcPr><w:gridSpan w:val="5"/></w:tcPr></w:tcPrChange></w:tcPr><w:p/></w:tc>'
           '<w:tc><w:tcPr><w:tcW w:w="1"/></w:tcPr><w:p/></w:tc></w:tr>'
           '<w:tr><w:tc><w:tcPr><w:vMerge/><w:hMerge w:val="restart"/></w:tcPr><w:p/></w:tc></w:tr></w:tbl></w:body>')
    tbl = etree.fromstring(xml)[0]
    merges = D._merges(tbl)
    for tcpr in tbl.iter(D.TCPR):
        assert merges.get(tcpr, []) == _direct(tcpr)
    table = D._Walker(D.CHECKBOXES).table(tbl, {"part": "body", "block": 0})
    assert [c.colspan for c in table.rows[0]] == [3, 1]
