"""The sniffer hands the zip it opened to the DOCX reader, and remembers the main part's name by the bytes of
``_rels/.rels``: the same kinds, names and documents as opening and parsing each time."""

from __future__ import annotations

import hashlib
import importlib
import io
import zipfile
from pathlib import Path

import pytest

from extractor.model import Source
from extractor.readers import docx as docx_reader
from extractor.readers import read, sniff
from extractor.readers.sniff import CorruptZip, _main_part, main_part_name, sniff_package

sniff_module = importlib.import_module("extractor.readers.sniff")  # (`extractor.readers.sniff` is also a function)
CORPUS = Path(__file__).resolve().parents[1] / "corpora" / "returns"
RELS = ('<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
        'officeDocument" Target="{target}"/></Relationships>')


def _zip(parts: dict[str, str | bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        for name, data in parts.items():
            z.writestr(name, data)
    return buf.getvalue()


def _samples() -> list[bytes]:
    doc = "<w:document xmlns:w='http://schemas.openxmlformats.org/wordprocessingml/2006/main'><w:body/></w:document>"
    return [
        _zip({"word/document.xml": doc}),
        _zip({"_rels/.rels": RELS.format(target="/word/main.xml"), "word/main.xml": doc}),
        _zip({"_rels/.rels": RELS.format(target="word/missing.xml"), "word/document.xml": doc}),
        _zip({"_rels/.rels": "<not xml", "word/document.xml": doc}),
        _zip({"mimetype": "application/vnd.oasis.opendocument.text"}),
        _zip({"mimetype": "application/vnd.oasis.opendocument.spreadsheet"}),
        _zip({"xl/workbook.xml": "<x/>"}), _zip({"readme.txt": "hello"}),
        b"%PDF-1.4 ...", b"{\\rtf1 hello}", b"PK\x03\x04 broken", b"plain text",
    ]


def test_the_kind_is_the_same_and_only_a_word_document_keeps_its_zip_open() -> None:
    for data in _samples():
        try:
            kind, package = sniff_package(data)
        except CorruptZip:
            with pytest.raises(CorruptZip):
                sniff(data)
            continue
        assert kind == sniff(data)
        if kind.kind == "docx":
            assert package is not None and package.fp is not None
            assert kind.main_part in package.namelist()
            package.close()
        else:
            assert package is None


def test_the_remembered_main_part_is_the_parsed_one(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sniff_module, "MAIN_PART_MEMO_MAX", 2)
    rels = [RELS.format(target=t).encode() for t in ("/word/a.xml", "word/b.xml", "", "x/../word/c.xml")]
    rels += [b"<broken", b"<Relationships/>"]
    for _ in range(3):
        for data in rels:
            with zipfile.ZipFile(io.BytesIO(_zip({"_rels/.rels": data}))) as z:
                assert main_part_name(z) == _main_part(data)
            assert len(sniff_module._MAIN_PARTS) <= 2
    with zipfile.ZipFile(io.BytesIO(_zip({"word/document.xml": "<x/>"}))) as z:
        assert main_part_name(z) == "word/document.xml"


def test_reading_through_the_sniffers_zip_gives_the_same_document() -> None:
    for path in sorted(CORPUS.glob("*.docx"))[::40]:
        data = path.read_bytes()
        source = Source(path=str(path), sha256=hashlib.sha256(data).hexdigest(), format="docx")
        plain = docx_reader.read_docx(data, source)
        assert read(path).to_dict() == plain.to_dict()


def test_read_closes_the_zip_it_opened(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    opened: list[zipfile.ZipFile] = []
    real = sniff_package

    def spy(data: bytes):  # type: ignore[no-untyped-def]
        kind, package = real(data)
        if package is not None:
            opened.append(package)
        return kind, package

    monkeypatch.setattr("extractor.readers.sniff_package", spy)
    path = sorted(CORPUS.glob("*.docx"))[0]
    read(path)
    bad = tmp_path / "bad.docx"  # a Word package whose main part is no XML: refused, the zip still closed
    bad.write_bytes(_zip({"word/document.xml": "<w:document"}))
    with pytest.raises(Exception, match="bad.docx"):
        read(bad)
    assert len(opened) == 2 and all(z.fp is None for z in opened)
