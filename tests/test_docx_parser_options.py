"""The DOCX reader's XML parser: no table of XML IDs is kept (`collect_ids=False`), so a repeated xml:id (a
validity matter, not well-formedness; Word writes none) reads as the text it is, not as a damaged part."""

from __future__ import annotations

from extractor.model import Source
from extractor.readers import docx as D
from tests.docx_xml import docx_bytes


def test_parser_keeps_no_id_table() -> None:
    assert D._PARSER is not None
    body = ('<w:p xml:id="a"><w:r><w:t>Có</w:t></w:r></w:p>'
            '<w:p xml:id="a"><w:r><w:t>Không</w:t></w:r></w:p>')
    doc = D.read_docx(docx_bytes(body), Source(path="x.docx", sha256="", format="docx"))
    assert [b.text for b in doc.items] == ["Có", "Không"]
    assert doc.doubts == [] and doc.warnings == []
