"""Tell a file's real type from its bytes, never from its extension.

    sniff(data) -> Kind(kind, main_part, looks_like)

`kind` is one of ``docx pdf doc rtf odt image`` (a reader exists or is planned), ``encrypted`` (a
password-protected Office file), ``damaged`` (a Word package missing its main part) or ``unknown``;
`looks_like` is a short human description for messages ("a PNG image", "an Excel workbook (.xlsx)"; for
``damaged``, what is wrong). Checks, in order:

- ``PK`` zip: ``mimetype`` = ``application/vnd.oasis.opendocument.text`` → odt; the main part named by
  ``_rels/.rels`` (officeDocument relationship, default ``word/document.xml``) present → docx; xlsx/pptx,
  other ODF and plain zips → unknown; a zip with ``word/`` entries or ``[Content_Types].xml`` but no main
  part → damaged. A zip that cannot be opened → `CorruptZip`.
- ``%PDF-`` within the first 1024 bytes → pdf.
- OLE2 compound file (``D0 CF 11 E0 A1 B1 1A E1``): a directory entry named ``EncryptedPackage``
  (UTF-16LE, at a 128-byte aligned offset as directory entries are) → encrypted (a password-protected
  OOXML file); ``WordDocument`` → doc; ``Workbook``/``Book`` → Excel; ``PowerPoint Document`` → PowerPoint.
  Only the entry names are checked, the FAT and directory chains are not walked.
- ``{\\rtf`` → rtf. PNG, JPEG, TIFF, GIF, BMP signatures → image (a scan or photo, read by OCR). Otherwise a
  guess for the message (HTML, XML, plain text) and kind unknown.

An ``unknown`` kind also has a ``family`` (spreadsheet, web_page …): `extractor.readers` tells the
person what to do about each family from ``patterns/formats.yaml``.
"""

from __future__ import annotations

import io
import posixpath
import re
import zipfile
from dataclasses import dataclass

from lxml import etree

FAMILIES = ("image", "spreadsheet", "presentation", "web_page", "word_xml", "xml", "text", "archive",
            "other_document", "binary")  # of unknown kinds; each has its message in patterns/formats.yaml
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ODT_MIME = b"application/vnd.oasis.opendocument.text"
OFFICE_DOCUMENT = "/officeDocument"
RELS_NS = "{http://schemas.openxmlformats.org/package/2006/relationships}"

_IMAGES = [(b"\x89PNG\r\n\x1a\n", "a PNG image"), (b"\xff\xd8\xff", "a JPEG image"), (b"GIF8", "a GIF image"),
           (b"II*\x00", "a TIFF image"), (b"MM\x00*", "a TIFF image"), (b"BM", "a BMP image")]
_OLE_STREAMS = [("WordDocument", "doc", "a Word 97-2003 document (.doc)", ""),
                ("Workbook", "unknown", "an Excel 97-2003 workbook (.xls)", "spreadsheet"),
                ("Book", "unknown", "an Excel 5 workbook (.xls)", "spreadsheet"),
                ("PowerPoint Document", "unknown", "a PowerPoint 97-2003 presentation (.ppt)", "presentation")]
_OOXML_OTHER = [("xl/", "an Excel workbook (.xlsx)", "spreadsheet"),
                ("ppt/", "a PowerPoint presentation (.pptx)", "presentation")]


class CorruptZip(Exception):
    """The bytes start like a zip but cannot be opened as one."""


@dataclass(frozen=True)
class Kind:
    kind: str  # docx | pdf | doc | rtf | odt | encrypted | damaged | unknown
    looks_like: str
    main_part: str | None = None  # docx: name of the main document part inside the zip
    family: str = ""  # unknown kinds: one of FAMILIES, what to tell the sender (patterns/formats.yaml)


def _ole_entry(data: bytes, name: str) -> bool:
    needle = name.encode("utf-16-le") + b"\x00\x00"
    return any(m.start() % 128 == 0 for m in re.finditer(re.escape(needle), data))


def main_part_name(z: zipfile.ZipFile) -> str:
    """The officeDocument target named by ``_rels/.rels``, else ``word/document.xml``."""
    try:
        rels = z.read("_rels/.rels")
    except (KeyError, zipfile.BadZipFile, OSError, ValueError):
        return "word/document.xml"
    name = _MAIN_PARTS.get(rels)
    if name is None:
        name = _main_part(rels)
        if len(_MAIN_PARTS) >= MAIN_PART_MEMO_MAX:
            _MAIN_PARTS.clear()
        _MAIN_PARTS[rels] = name
    return name


MAIN_PART_MEMO_MAX = 256  # `_rels/.rels` parts remembered (returns of one form share theirs byte for byte)
_MAIN_PARTS: dict[bytes, str] = {}


def _main_part(rels: bytes) -> str:
    """The main part's name that the package relationships `rels` give (a function of the bytes alone)."""
    try:
        root = etree.fromstring(rels, etree.XMLParser(resolve_entities=False, no_network=True))
    except (etree.XMLSyntaxError, ValueError):
        return "word/document.xml"
    for rel in root.iter(f"{RELS_NS}Relationship"):
        if (rel.get("Type") or "").endswith(OFFICE_DOCUMENT) and rel.get("TargetMode") != "External":
            target = rel.get("Target") or ""
            return posixpath.normpath(target.lstrip("/")) if target else "word/document.xml"
    return "word/document.xml"


def _sniff_zip(data: bytes) -> tuple[Kind, zipfile.ZipFile | None]:
    """The kind of a zip, and the open zip when it is a Word document (else it is closed)."""
    try:
        z = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as exc:
        raise CorruptZip(str(exc)) from exc
    try:
        kind = _zip_kind(z)
    except BaseException:
        z.close()
        raise
    if kind.kind != "docx":
        z.close()
        return kind, None
    return kind, z


def _zip_kind(z: zipfile.ZipFile) -> Kind:
    """The kind of an open zip (see the module docstring)."""
    names = set(z.namelist())
    if "mimetype" in names:
        try:
            mime = z.read("mimetype").strip()
        except (zipfile.BadZipFile, OSError, ValueError, EOFError, RuntimeError) as exc:
            raise CorruptZip(str(exc)) from exc
        if mime == ODT_MIME:
            return Kind("odt", "an OpenDocument text (.odt)")
        if mime.startswith(b"application/vnd.oasis.opendocument"):
            return Kind("unknown", f"an OpenDocument file of another kind ({mime.decode('ascii', 'replace')})",
                        family="other_document")
    main = main_part_name(z)
    if main in names:
        return Kind("docx", "a Word document (.docx)", main)
    for prefix, what, family in _OOXML_OTHER:
        if any(n.startswith(prefix) for n in names):
            return Kind("unknown", what, family=family)
    if any(n.startswith("word/") for n in names) or "[Content_Types].xml" in names:
        return Kind("damaged", f"the Word package has no {main}")
    return Kind("unknown", "a ZIP archive that is not a Word document", family="archive")


def _guess_other(head: bytes) -> tuple[str, str]:
    """(what it looks like, its family) of bytes that are no document this tool reads."""
    for magic, what in _IMAGES:
        if head.startswith(magic):
            return what, "image"
    lower = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if lower.startswith((b"<!doctype html", b"<html")) or b"<html" in lower[:512]:
        return "a web page (HTML)", "web_page"
    if lower.startswith(b"<?xml"):
        if b"word.document" in lower or b"w:worddocument" in lower or b"pkg:package" in lower:
            return "a Word XML document (Word 2003 XML or Flat OPC)", "word_xml"
        return "an XML file", "xml"
    try:
        text = head.decode("utf-8")
    except UnicodeDecodeError:
        return "unrecognised binary data", "binary"
    if text and sum(c.isprintable() or c in "\r\n\t" for c in text) >= 0.95 * len(text):
        return "plain text", "text"
    return "unrecognised binary data", "binary"


def sniff(data: bytes) -> Kind:
    """The kind of `data` (see the module docstring); raises `CorruptZip` for a damaged zip."""
    kind, package = sniff_package(data)
    if package is not None:
        package.close()
    return kind


def sniff_package(data: bytes) -> tuple[Kind, zipfile.ZipFile | None]:
    """`sniff(data)`, and for a Word document the zip it opened (the caller closes it), else None: the DOCX
    reader reads the parts from it instead of reading the zip's central directory again."""
    if data.startswith((b"PK\x03\x04", b"PK\x05\x06", b"PK\x07\x08")):
        return _sniff_zip(data)
    return _sniff_other(data), None


def _sniff_other(data: bytes) -> Kind:
    if b"%PDF-" in data[:1024]:
        return Kind("pdf", "a PDF document")
    if data.startswith(OLE_MAGIC):
        if _ole_entry(data, "EncryptedPackage"):
            return Kind("encrypted", "a password-protected (encrypted) Office document")
        for name, kind, what, family in _OLE_STREAMS:
            if _ole_entry(data, name):
                return Kind(kind, what, family=family)
        return Kind("unknown", "an OLE compound file that is not a Word document", family="other_document")
    if data.lstrip(b"\xef\xbb\xbf \t\r\n")[:5] == b"{\\rtf":
        return Kind("rtf", "an RTF document")
    what, family = _guess_other(data[:2048])
    return Kind("image" if family == "image" else "unknown", what, family=family)
