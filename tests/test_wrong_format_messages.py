"""A file that is not a return is told what to do by what its bytes are, not by its name (issue 14)."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest

from extractor.errors import InputError
from extractor.readers import FORMATS_FILE, read
from extractor.readers.sniff import FAMILIES, OLE_MAGIC, sniff
from extractor.yamlfile import read_mapping

IMAGES = {"png": b"\x89PNG\r\n\x1a\n" + bytes(64), "jpeg": b"\xff\xd8\xff\xe0" + bytes(64),
          "tiff": b"II*\x00" + bytes(64), "tiff-be": b"MM\x00*" + bytes(64)}


def _message(tmp_path: Path, name: str, data: bytes) -> str:
    path = tmp_path / name
    path.write_bytes(data)
    with pytest.raises(InputError) as exc:
        read(path)
    return str(exc.value)


@pytest.mark.parametrize("kind", sorted(IMAGES))
def test_an_image_renamed_pdf_goes_to_ocr_and_says_so(tmp_path: Path, kind: str) -> None:
    msg = _message(tmp_path, "bao-cao.pdf", IMAGES[kind])  # a signature and zeros: no image to decode
    assert msg.startswith(f"[E101] {tmp_path / 'bao-cao.pdf'}: ")
    assert "image" in msg and "scan/photo" in msg and "OCR" in msg
    assert "save it as .docx" not in msg and "\n" not in msg


def test_a_spreadsheet_and_a_web_page_get_their_own_advice(tmp_path: Path) -> None:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("xl/workbook.xml", "<workbook/>")
    msg = _message(tmp_path, "bao-cao.docx", buf.getvalue())
    assert "Excel workbook" in msg and "not a spreadsheet" in msg
    msg = _message(tmp_path, "bao-cao.doc", b"<!DOCTYPE html><html><body>x</body></html>")
    assert "web page" in msg and "save it as a Word document (.docx)" in msg


def _zip(names: list[str]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        for name in names:
            z.writestr(name, "<x/>")
    return buf.getvalue()


def test_every_family_the_sniffer_names_has_a_message() -> None:
    samples = [*IMAGES.values(), b"<html>", b"<?xml version='1.0'?><w:wordDocument/>", b"<?xml ?><a/>", b"abc",
               b"\xff\xfe\x00\x81", _zip(["xl/workbook.xml"]), _zip(["ppt/slides/a.xml"]), _zip(["a.txt"]),
               OLE_MAGIC + bytes(600)]
    families = {sniff(data).family for data in samples}
    assert families == set(FAMILIES)
    table = read_mapping(FORMATS_FILE)["not_a_return"]
    assert set(FAMILIES) | {"default"} <= set(table)
