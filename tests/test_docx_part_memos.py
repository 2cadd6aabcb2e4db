"""The DOCX reader's remembered package parts (`extractor.readers.docx`): whether a font table names a legacy
font, and the targets of the main part's relationships, are functions of the parts' bytes; remembered answers
equal the plain computation, a damaged part is never remembered, and the memories stay bounded."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import etree

from extractor.errors import InputError
from extractor.readers import docx as docx_reader
from extractor.text.legacy import ENCODINGS

FONTS = ["Times New Roman", "Arial", ".VnTime", ".VnTimeH", "VNI-Times", "Wingdings", "Symbol", "Cambria Math", ""]
W = docx_reader.W
PKG = docx_reader.PKG_RELS


def _font_table(names: list[str]) -> bytes:
    fonts = "".join(f'<w:font w:name="{n}"><w:charset w:val="00"/></w:font>' for n in names)
    return f'<?xml version="1.0"?><w:fonts xmlns:w="{W}">{fonts}</w:fonts>'.encode()


def _plain_legacy(table: bytes) -> bool:
    """The check as `_load_styles` made it before it was remembered."""
    return any(ENCODINGS.font(f.decode("utf-8", "replace")) for f in docx_reader._FONT_NAME.findall(table))


@pytest.fixture(autouse=True)
def _fresh() -> Any:
    docx_reader._LEGACY_TABLES.clear()
    docx_reader._REL_TARGETS.clear()
    yield
    docx_reader._LEGACY_TABLES.clear()
    docx_reader._REL_TARGETS.clear()


@settings(max_examples=100, deadline=None)
@given(st.lists(st.lists(st.sampled_from(FONTS), max_size=5), min_size=1, max_size=6))
def test_legacy_font_table_answer_equals_the_plain_check(tables: list[list[str]]) -> None:
    for names in tables + tables:  # each table met twice: the second answer comes from memory
        data = _font_table(names)
        assert docx_reader._names_legacy_font(data) == _plain_legacy(data)


def test_the_memories_stay_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(docx_reader, "PART_MEMO_MAX", 3)
    for i in range(10):
        docx_reader._names_legacy_font(_font_table([f"Font {i}"]))
        docx_reader._rel_targets(_rels(f"media/{i}.png"), "word/_rels/document.xml.rels", "word/document.xml", "t")
        assert len(docx_reader._LEGACY_TABLES) <= 3 and len(docx_reader._REL_TARGETS) <= 3


def _rels(*targets: str, external: str = "") -> bytes:
    rels = "".join(f'<Relationship Id="rId{i}" Type="t" Target="{t}"/>' for i, t in enumerate(targets, 1))
    if external:
        rels += f'<Relationship Id="rIdX" Type="t" Target="{external}" TargetMode="External"/>'
    return f'<?xml version="1.0"?><Relationships xmlns="{PKG}">{rels}</Relationships>'.encode()


def _plain_targets(data: bytes, main: str) -> dict[str | None, str]:
    import posixpath

    out = {}
    for rel in etree.fromstring(data).iter(f"{{{PKG}}}Relationship"):
        target = rel.get("Target") or ""
        if rel.get("TargetMode") != "External" and target:
            full = target.lstrip("/") if target.startswith("/") else posixpath.join(posixpath.dirname(main), target)
            out[rel.get("Id")] = posixpath.normpath(full)
    return out


_TARGET = st.sampled_from(["header1.xml", "footer1.xml", "/word/header2.xml", "../customXml/item1.xml",
                           "media/image1.png", "", "sub/../footer3.xml"])


@settings(max_examples=100, deadline=None)
@given(st.lists(st.tuples(st.lists(_TARGET, max_size=4), st.sampled_from(["word/document.xml", "document.xml",
                                                                          "word/sub/main.xml"])),
                min_size=1, max_size=5))
def test_relationship_targets_equal_a_fresh_parse(cases: list[tuple[list[str], str]]) -> None:
    """The same bytes under another main part name resolve relative to that part: the name is in the key."""
    for targets, main in cases + cases:
        data = _rels(*targets, external="http://example.org/x.xml")
        assert docx_reader._rel_targets(data, "r.rels", main, "t.docx") == _plain_targets(data, main)


def test_damaged_relationships_are_told_every_time() -> None:
    bad = b'<?xml version="1.0"?><Relationships xmlns="x"><Relationship Id="a"></Relationships>'
    for _ in range(2):
        with pytest.raises(InputError):
            docx_reader._rel_targets(bad, "word/_rels/document.xml.rels", "word/document.xml", "t.docx")
    assert not docx_reader._REL_TARGETS
