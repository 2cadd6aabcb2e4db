"""The floors and alternatives the pipeline is compared with, each timed in CPU seconds on one file.

    docx_lxml(path)        zipfile + lxml: every w:t of word/document.xml joined per paragraph (the DOCX floor)
    docx2python(path)      docx2python's text (a popular DOCX-to-text library)
    pdftotext(path)        poppler's `pdftotext -layout` in a subprocess (the PDF text floor); child CPU time
    pdfplumber_text(path)  pdfplumber's `extract_text()` on every page (what our PDF reader is built on)
    pypdfium2_chars(path)  PDFium (pypdfium2): every page's text, and each character's box and font size (what
                           our reader takes from pdfminer), a measurement of the alternative, not a reader

Each returns (CPU seconds, characters of text), so a run can also check the tool read something.
"""

from __future__ import annotations

import resource
import shutil
import subprocess
import time
import zipfile
from collections.abc import Callable
from pathlib import Path

from lxml import etree

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def _cpu(fn: Callable[[Path], int], path: Path) -> tuple[float, int]:
    t = time.process_time()
    n = fn(path)
    return time.process_time() - t, n


def _lxml_text(path: Path) -> int:
    with zipfile.ZipFile(path) as z:
        root = etree.fromstring(z.read("word/document.xml"))
    paras = ["".join(t.text or "" for t in p.iter(f"{W}t")) for p in root.iter(f"{W}p")]
    return sum(len(p) for p in paras)


def docx_lxml(path: Path) -> tuple[float, int]:
    return _cpu(_lxml_text, path)


def _docx2python_text(path: Path) -> int:
    from docx2python import docx2python as d2p

    with d2p(path) as content:
        return len(content.text)


def docx2python(path: Path) -> tuple[float, int]:
    return _cpu(_docx2python_text, path)


def pdftotext(path: Path) -> tuple[float, int]:
    """`pdftotext -layout FILE -`: CPU time of the child process (user + system)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    out = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, check=True).stdout
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return cpu, len(out.decode("utf-8", "replace"))


def _pdfplumber_text(path: Path) -> int:
    import pdfplumber

    with pdfplumber.open(path) as pdf:
        return sum(len(page.extract_text() or "") for page in pdf.pages)


def pdfplumber_text(path: Path) -> tuple[float, int]:
    return _cpu(_pdfplumber_text, path)


def _pypdfium2_chars(path: Path) -> int:
    import pypdfium2 as pdfium

    n = 0
    doc = pdfium.PdfDocument(str(path))
    try:
        for page in doc:
            text = page.get_textpage()
            count = text.count_chars()
            for i in range(count):
                text.get_charbox(i)
                pdfium.raw.FPDFText_GetFontSize(text, i)
            n += len(text.get_text_range())
            text.close()
            page.close()
    finally:
        doc.close()
    return n


def pypdfium2_chars(path: Path) -> tuple[float, int]:
    return _cpu(_pypdfium2_chars, path)


def available() -> dict[str, str | None]:
    """Why each alternative cannot run here (None: it can)."""
    why: dict[str, str | None] = {"docx_lxml": None, "pdfplumber_text": None}
    try:
        import docx2python as _  # noqa: F401
        why["docx2python"] = None
    except ImportError:
        why["docx2python"] = "docx2python is not installed (pip install '.[bench]')"
    why["pdftotext"] = None if shutil.which("pdftotext") else "pdftotext not found (apt-get install poppler-utils)"
    try:
        import pypdfium2 as _  # noqa: F401, F811
        why["pypdfium2_chars"] = None
    except ImportError:
        why["pypdfium2_chars"] = "pypdfium2 is not installed"
    return why


FLOORS: dict[str, dict[str, Callable[[Path], tuple[float, int]]]] = {
    "docx": {"docx_lxml": docx_lxml, "docx2python": docx2python},
    "pdf": {"pdftotext": pdftotext, "pdfplumber_text": pdfplumber_text, "pypdfium2_chars": pypdfium2_chars},
}
