"""Legacy .doc / .rtf / .odt returns, read through a LibreOffice conversion (extractor/readers/legacy.py)."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from extractor import readers
from extractor.errors import InputError
from extractor.pipeline import extract_path
from extractor.readers import legacy

CORPUS = Path(__file__).parent.parent / "corpora"


def _need_soffice() -> str:
    exe = legacy.soffice()
    if exe is None:
        if os.environ.get("CI"):
            pytest.fail("LibreOffice must be installed in CI (.ci/run installs it)")
        pytest.skip("LibreOffice not installed")
    return exe


def _convert(src: Path, fmt: str, out: Path) -> Path:
    """Make a legacy copy of a corpus return the way a clerk's older Word would have saved it."""
    exe = _need_soffice()
    subprocess.run([exe, f"-env:UserInstallation=file://{out / 'profile'}", "--headless", "--convert-to", fmt,
                    "--outdir", str(out), str(src)], check=True, timeout=180,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    made = out / f"{src.stem}.{fmt}"
    assert made.exists()
    return made


def _values(path: Path) -> dict:
    result = extract_path(path)
    return {(f.field_id, f.row): f.value for f in result.fields if f.value is not None}


@pytest.mark.libreoffice
@pytest.mark.parametrize("rid", ["f003_r000", "f004_r002"])
def test_doc_made_from_a_return_extracts_like_its_docx(tmp_path: Path, rid: str) -> None:
    docx = CORPUS / "returns" / f"{rid}.docx"
    doc = _convert(docx, "doc", tmp_path)
    assert doc.read_bytes()[:4] == b"\xd0\xcf\x11\xe0"  # an OLE2 compound file, as Word 97-2003 writes
    result = extract_path(doc)
    assert result.source.format == "doc"
    assert any("LibreOffice" in w for w in result.warnings)
    assert _values(doc) == _values(docx)


@pytest.mark.libreoffice
@pytest.mark.parametrize("fmt", ["rtf", "odt"])
def test_rtf_and_odt_are_read_too(tmp_path: Path, fmt: str) -> None:
    docx = CORPUS / "returns" / "f003_r001.docx"
    copy = _convert(docx, fmt, tmp_path)
    assert readers.read(copy).source.format == fmt
    got, want = _values(copy), _values(docx)
    same = sum(got.get(k) == v for k, v in want.items())
    assert same >= 0.95 * len(want)


@pytest.mark.libreoffice
def test_a_damaged_doc_is_one_clear_line(tmp_path: Path) -> None:
    _need_soffice()
    bad = tmp_path / "return.doc"
    bad.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600 + "WordDocument".encode("utf-16-le"))
    with pytest.raises(InputError) as err:
        readers.read(bad)
    text = str(err.value)
    assert text.startswith("[E101]") and str(bad) in text and "\n" not in text


def test_without_libreoffice_the_error_names_the_package(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(legacy.shutil, "which", lambda name: None)
    with pytest.raises(InputError) as err:
        legacy.convert_to_docx(b"{\\rtf1 x}", "rtf", str(tmp_path / "r.rtf"))
    assert "libreoffice-writer-nogui" in str(err.value)


def test_a_conversion_that_hangs_is_reported(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    fake = tmp_path / "soffice"
    fake.write_text("#!/bin/sh\nsleep 30\n")
    fake.chmod(0o755)
    monkeypatch.setattr(legacy, "soffice", lambda: str(fake))
    with pytest.raises(InputError) as err:
        legacy.convert_to_docx(b"{\\rtf1 x}", "rtf", "r.rtf", timeout=1)
    assert "more than 1 s" in str(err.value)

