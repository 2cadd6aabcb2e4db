"""The DOCX reader's plain-paragraph shortcut (`_Walker.plain_para`) against the full walk (`_Walker._walk`):
on every paragraph of every corpus DOCX it takes, and on hand-made shapes near its edges, the same Block."""

from __future__ import annotations

from pathlib import Path

import pytest
from lxml import etree

from extractor.model import Block
from extractor.readers import docx as D
from tests.docx_parts import parsed_main
from tests.docx_xml import NS, XMLNS, docx_bytes

ROOT = Path(__file__).resolve().parents[1]
CORPUS = sorted((ROOT / "corpora").glob("**/*.docx"))


def _walked(walker: D._Walker, p: etree._Element, loc: dict) -> Block:
    st = D._Para()
    walker._walk(p, st)
    bold = st.text_runs > 0 and st.bold_runs == st.text_runs
    return Block("".join(st.parts), st.boxes, dict(loc), bold, st.spans)


def _check_package(data: bytes, path: str) -> tuple[int, int]:
    """(paragraphs the shortcut took, paragraphs with a None legacy encoding), asserting equality on each."""
    root, walker = parsed_main(data, path)
    taken = plain = 0
    for p in root.iter(D.P):
        kids = p[:]
        if not kids:
            continue
        ppr = p.find(D.PPR)
        pstyle = ppr.find(D.PSTYLE) if ppr is not None else None
        style = pstyle.get(D.VAL) if pstyle is not None else None
        walker.para_font = walker.styles.get(style or "", "") or walker.default_font
        walker.para_legacy = walker._legacy(walker.para_font)
        if walker.para_legacy is not None:
            continue
        plain += 1
        loc = {"part": "body", "block": plain}
        fast = walker.plain_para(kids, loc)
        if fast is not None:
            taken += 1
            assert fast == _walked(walker, p, loc), (path, etree.tostring(p, encoding=str))
    return taken, plain


def test_corpus_paragraphs_equal() -> None:
    assert CORPUS
    taken = plain = 0
    for f in CORPUS:
        a, b = _check_package(f.read_bytes(), str(f))
        taken += a
        plain += b
    assert taken > plain // 2  # the shortcut is the common case


def _one(xml: str) -> tuple[Block | None, Block]:
    root = etree.fromstring(f"<w:body {XMLNS}>{xml}</w:body>")
    p = root[0]
    walker = D._Walker(D.CHECKBOXES)
    walker.para_legacy = None
    loc = {"part": "body", "block": 0}
    return walker.plain_para(p[:], loc), _walked(walker, p, loc)


@pytest.mark.parametrize("xml", [
    '<w:p><w:r><w:t>a</w:t></w:r></w:p>',
    '<w:p><w:pPr><w:jc w:val="center"/></w:pPr><w:r><w:rPr><w:b/></w:rPr><w:t>Bold</w:t></w:r>'
    '<w:r><w:rPr><w:b/></w:rPr><w:tab/><w:t xml:space="preserve"> more</w:t></w:r><w:r><w:t> plain</w:t></w:r></w:p>',
    '<w:p><w:r><w:rPr><w:b/></w:rPr><w:t>x</w:t></w:r><w:r><w:t xml:space="preserve">   </w:t></w:r></w:p>',
    '<w:p><w:r><w:rPr><w:b w:val="0"/><w:i/></w:rPr><w:t>x</w:t></w:r><w:r><w:rPr><w:b w:val="off"/></w:rPr>'
    '<w:t>y</w:t></w:r></w:p>',
    '<w:p><w:r><w:t>before</w:t><w:rPr><w:b/></w:rPr><w:t>after</w:t><w:rPr><w:i/></w:rPr><w:t>z</w:t></w:r></w:p>',
    '<w:p><w:r><w:rPr><w:b/><w:b w:val="false"/></w:rPr><w:t>x</w:t></w:r></w:p>',
    '<w:p><w:r><w:rPr><w:b/></w:rPr><w:t></w:t><w:t>a</w:t></w:r><w:r><w:rPr><w:b/></w:rPr><w:t>b</w:t></w:r></w:p>',
    '<w:p><w:r><w:tab/><w:t>a</w:t></w:r><w:r><w:rPr><w:b/></w:rPr><w:tab/></w:r></w:p>',
    '<w:p><w:r><w:t>☐ box</w:t></w:r></w:p>',  # a glyph: the full walk's
    '<w:p><w:r><w:t>\uf0a8</w:t></w:r></w:p>',  # private use: the full walk's
    '<w:p><w:r><w:rPr><w:rFonts w:ascii="Arial"/></w:rPr><w:t>x</w:t></w:r></w:p>',  # fonts: the full walk's
    '<w:p><w:r><w:rPr><w:strike/></w:rPr><w:t>x</w:t></w:r></w:p>',
    '<w:p><w:r><w:rPr><w:highlight w:val="yellow"/></w:rPr><w:t>x</w:t></w:r></w:p>',
    '<w:p><w:r><w:rPr><w:rStyle w:val="S"/></w:rPr><w:t>x</w:t></w:r></w:p>',
    '<w:p><w:r><w:br/><w:t>x</w:t></w:r></w:p>',
    '<w:p><w:r><w:rPr><w:b/></w:rPr><w:t>a</w:t><w:br w:type="page"/><w:t>b</w:t></w:r><w:r><w:br/></w:r></w:p>',
    '<w:p><w:r><w:rPr><w:b/></w:rPr><w:cr/></w:r><w:r><w:t>x</w:t><w:ptab w:alignment="right"/><w:cr/></w:r></w:p>',
    '<w:p><w:r><w:rPr><w:b/></w:rPr><w:br/><w:ptab/></w:r></w:p>',
    '<w:p><w:r><w:t>x</w:t></w:r><w:ins><w:r><w:t>y</w:t></w:r></w:ins></w:p>',
    '<w:p><w:r><w:t>x</w:t></w:r><w:bookmarkStart w:id="0" w:name="a"/></w:p>',
    '<w:p><w:t>loose</w:t></w:p>',
])
def test_edges_equal(xml: str) -> None:
    fast, full = _one(xml)
    if fast is not None:
        assert fast == full


def test_edges_taken_or_left() -> None:
    assert _one('<w:p><w:r><w:rPr><w:b/></w:rPr><w:t>a</w:t><w:tab/></w:r></w:p>')[0] is not None
    for brk in ("<w:br/>", "<w:cr/>", "<w:ptab/>"):
        assert _one(f'<w:p><w:r><w:t>a</w:t>{brk}<w:t>b</w:t></w:r></w:p>')[0] is not None
    assert _one('<w:p><w:r><w:t>☐</w:t></w:r></w:p>')[0] is None
    assert _one('<w:p><w:r><w:sym w:font="Wingdings" w:char="F0A8"/></w:r></w:p>')[0] is None
    assert _one('<w:p><w:r><w:rPr><w:rFonts w:ascii="Arial"/></w:rPr><w:t>x</w:t></w:r></w:p>')[0] is None


def test_built_package() -> None:
    data = docx_bytes('<w:p><w:r><w:t>a</w:t></w:r></w:p>')
    assert _check_package(data, "x.docx") == (1, 1)
    assert NS["w"] == D.W
