"""`sniff.unpacked` (a package member taken straight from the package's bytes) against `ZipFile.read`: the same
bytes for every member of every corpus DOCX; None (left to zipfile) for anything not plain."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

from extractor.readers import docx as D
from extractor.readers.sniff import unpacked
from tests.docx_xml import docx_bytes

ROOT = Path(__file__).resolve().parents[1]


def test_corpus_members_equal() -> None:
    n = 0
    for f in sorted((ROOT / "corpora").glob("**/*.docx")):
        data = f.read_bytes()
        z = zipfile.ZipFile(io.BytesIO(data))
        for info in z.infolist():
            got = unpacked(data, info)
            assert got is not None and got == z.read(info.filename), (f, info.filename)
            n += 1
    assert n > 1000


def _stored(data: bytes) -> tuple[bytes, zipfile.ZipInfo]:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_STORED) as z:
        z.writestr("word/document.xml", data)
    out = buf.getvalue()
    return out, zipfile.ZipFile(io.BytesIO(out)).getinfo("word/document.xml")


def test_stored_member() -> None:
    data, info = _stored(b"<x/>")
    assert unpacked(data, info) == b"<x/>"


def test_damage_left_to_zipfile() -> None:
    data, info = _stored(b"<abc/>")
    body = data.index(b"<abc/>")
    assert unpacked(data[:body] + b"<abd/>" + data[body + 6:], info) is None  # CRC-32 differs
    assert unpacked(data[:body + 3], info) is None  # truncated
    assert unpacked(b"XX" + data[2:], info) is None  # no local header
    renamed = data.replace(b"word/document.xml", b"word/documenX.xml", 1)  # the local header's name only
    assert unpacked(renamed, info) is None


def test_reader_reads_the_same_document() -> None:
    data = docx_bytes('<w:p><w:r><w:t>Có</w:t></w:r></w:p>')
    src = D.Source(path="x.docx", sha256="", format="docx")
    with_bytes = D.read_docx(data, src)
    z = zipfile.ZipFile(io.BytesIO(data))
    assert D._read_part(z, "word/document.xml", "x.docx", data) == z.read("word/document.xml")
    assert with_bytes.items[0].text == "Có"
