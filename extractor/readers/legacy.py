"""Legacy `.doc` (and `.rtf`, `.odt`) returns: converted to DOCX by LibreOffice headless in a private
temporary folder, then read by the DOCX reader. The source stays the original file (its path, sha256 and
format); only the text and boxes come through the conversion (PARSING-NOTES: the round trip turns w14
controls into ☒/☐ glyphs and `w:sym` into Wingdings private-use text, both of which the DOCX reader reads).
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

from extractor.errors import InputError
from extractor.model import Document, Source
from extractor.readers.docx import read_docx

TIMEOUT_S = 120  # one conversion; a file that takes longer is reported, not waited on
SUFFIX = {"doc": ".doc", "rtf": ".rtf", "odt": ".odt"}
INSTALL_HINT = "install LibreOffice (Debian/Ubuntu: apt-get install libreoffice-writer-nogui)"


def soffice() -> str | None:
    """The LibreOffice executable, or None when it is not installed."""
    return shutil.which("soffice") or shutil.which("libreoffice")


def convert_to_docx(data: bytes, kind: str, name: str, timeout: float = TIMEOUT_S) -> bytes:
    """The DOCX bytes LibreOffice makes of a .doc/.rtf/.odt file; InputError when it cannot."""
    exe = soffice()
    if exe is None:
        raise InputError(f"{kind} files are converted with LibreOffice, which is not installed; {INSTALL_HINT}",
                         path=name)
    with tempfile.TemporaryDirectory(prefix="extractor-lo-") as tmp:
        folder = Path(tmp)
        src = folder / f"return{SUFFIX.get(kind, '.doc')}"
        src.write_bytes(data)
        cmd = [exe, f"-env:UserInstallation=file://{folder / 'profile'}", "--headless", "--norestore",
               "--convert-to", "docx", "--outdir", str(folder / "out"), str(src)]
        try:
            subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=timeout, check=False)
        except subprocess.TimeoutExpired:
            raise InputError(f"LibreOffice took more than {timeout:g} s to convert the {kind} file; save it as "
                             ".docx in Word and try again", path=name) from None
        out = folder / "out" / "return.docx"
        if not out.exists():
            raise InputError(f"LibreOffice could not convert the {kind} file (damaged or not a document); save "
                             "it as .docx in Word and try again", path=name)
        return out.read_bytes()


def read_legacy(data: bytes, source: Source) -> Document:
    """Read a .doc/.rtf/.odt return as the DOCX LibreOffice converts it to."""
    docx = convert_to_docx(data, source.format, source.path)
    doc = read_docx(docx, source)
    doc.warnings.append(f"read through a LibreOffice conversion of the {source.format} file")
    return doc
