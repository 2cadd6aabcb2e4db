"""Readers: one per input format, all producing the same `extractor.model.Document`.

    read(path) ─ checks (exists, file, not empty, size) ─ sniff(bytes) ─ READERS[kind](data, source) → Document

The format is told from the bytes (`extractor.readers.sniff`), never from the extension. `READERS` maps a
kind to its reader function ``(data: bytes, source: Source) -> Document``; a new format is one entry.
Kinds that are recognised but have no reader yet (`PLANNED`) raise `InputError` saying so. Every problem
with the input is an `InputError` whose one-line message names the file and says what to do.
"""

from __future__ import annotations

import functools
import hashlib
import importlib
import os
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from extractor.errors import InputError, PatternError
from extractor.model import Document, Source
from extractor.readers import docx as docx_reader
from extractor.readers.sniff import FAMILIES, CorruptZip, Kind, sniff, sniff_package
from extractor.text.legacy import label, repair_items
from extractor.yamlfile import read_mapping

__all__ = ["EMPTY", "MAX_BYTES", "PLANNED", "READERS", "Reader", "read", "sniff", "Kind"]

Reader = Callable[[bytes, Source], Document]

EMPTY = "the file is empty (0 bytes); ask the sender for the return again"  # told before anything else
MAX_BYTES = 50 * 1024 * 1024  # default size limit of one input file; `read(..., max_bytes=)` overrides


class _Readers(dict[str, Any]):
    """kind -> reader function; a reader given as "module:function" is imported the first time its kind is
    looked up (`[kind]` or `.get(kind)`), so reading a DOCX does not load pdfplumber."""

    def __getitem__(self, kind: str) -> Reader:
        value = super().__getitem__(kind)
        if isinstance(value, str):
            module, _, name = value.partition(":")
            value = getattr(importlib.import_module(module), name)
            self[kind] = value
        return value

    def get(self, kind: str, default: Any = None) -> Any:  # type: ignore[override]
        return self[kind] if kind in self else default  # noqa: SIM401 - self.get would call itself


READERS: dict[str, Reader] = _Readers({
    "docx": docx_reader.read_docx, "pdf": "extractor.readers.pdf:read_pdf",
    "doc": "extractor.readers.legacy:read_legacy", "rtf": "extractor.readers.legacy:read_legacy",
    "odt": "extractor.readers.legacy:read_legacy", "image": "extractor.readers.ocr:read_image"})
PLANNED: dict[str, str] = {}  # recognised formats without a reader yet
FORMATS_FILE = Path(__file__).resolve().parents[2] / "patterns" / "formats.yaml"


@functools.lru_cache(maxsize=1)
def _advice() -> dict[str, str]:
    data = read_mapping(FORMATS_FILE).get("not_a_return")
    if not isinstance(data, dict) or not all(isinstance(v, str) and v.strip() for v in data.values()) \
            or not {"default", *FAMILIES} <= set(data):
        raise PatternError(f"not_a_return: must map every file family ({', '.join(FAMILIES)}) and default to a "
                           "message", path=str(FORMATS_FILE))
    return {str(k): " ".join(v.split()) for k, v in data.items()}


def advice(kind: Kind) -> str:
    """What to tell the person about a file of `kind` that no reader takes (patterns/formats.yaml)."""
    table = _advice()
    return table.get(kind.family, table["default"])


def _load(path: Path, limit: int) -> bytes:
    name = str(path)
    try:
        st = path.stat()
    except FileNotFoundError:
        raise InputError("file not found; check the folder and the file name", path=name) from None
    except OSError as exc:
        raise InputError(f"cannot be opened ({exc.strerror or exc})", path=name) from None
    if path.is_dir():
        raise InputError("is a folder, not a file; give the path of one return inside it", path=name)
    if st.st_size == 0:
        raise InputError(EMPTY, path=name)
    if st.st_size > limit:
        raise InputError(f"the file is {st.st_size / 2**20:.1f} MB, over the {limit / 2**20:g} MB limit for one "
                         "return; check it is a single form (or raise the limit)", path=name)
    try:
        data = path.read_bytes()
    except PermissionError:
        raise InputError("cannot be read: permission denied", path=name) from None
    except OSError as exc:
        raise InputError(f"cannot be read ({exc.strerror or exc})", path=name) from None
    if not data:
        raise InputError(EMPTY, path=name)
    return data


def read(path: str | os.PathLike[str], *, max_bytes: int | None = None) -> Document:
    """Read one return (any supported format) into a `Document`; raises `InputError` for unusable input."""
    p = Path(path)
    name = str(path)
    data = _load(p, MAX_BYTES if max_bytes is None else max_bytes)
    try:
        kind, package = sniff_package(data)
    except CorruptZip as exc:
        raise InputError(f"the file is a damaged ZIP/Word file and cannot be opened ({exc}); ask for it again "
                         "or re-save it in Word", path=name) from None
    try:
        return _read_kind(data, kind, package, name)
    finally:
        if package is not None:
            package.close()


def _read_kind(data: bytes, kind: Kind, package: zipfile.ZipFile | None, name: str) -> Document:
    """`read`'s work once the kind is known; `package` is the zip `sniff_package` opened for a Word document."""
    if kind.kind == "encrypted":
        raise InputError("the document is password-protected; open it in Word, remove the password (File > Info "
                         "> Protect Document) and save it again", path=name)
    if kind.kind == "damaged":
        raise InputError(f"the file is damaged: {kind.looks_like}; ask for it again or re-save it in Word", path=name)
    reader = READERS.get(kind.kind)
    if reader is None:
        if kind.kind in PLANNED:
            raise InputError(f"{PLANNED[kind.kind]} files cannot be read yet (no {kind.kind} reader is available); "
                             "save the return as .docx and try again", path=name)
        raise InputError(f"not a form return this tool can read: it looks like {kind.looks_like}; "
                         f"{advice(kind)}", path=name)
    source = Source(path=name, sha256=hashlib.sha256(data).hexdigest(), format=kind.kind)
    if reader is docx_reader.read_docx and kind.main_part:  # sniff has read the package's relationships
        return repair_mojibake(docx_reader.read_docx(data, source, main=kind.main_part, package=package))
    return repair_mojibake(reader(data, source))


def repair_mojibake(doc: Document) -> Document:
    """Decode text in no legacy font that reads as TCVN3 / VNI / double-encoded UTF-8 (see
    `extractor.text.legacy`), with a warning; the readers decode text whose font says its encoding. Text read by
    OCR is left alone: Tesseract writes Unicode, and its misreadings are no mojibake."""
    if doc.recognised:
        return doc
    found = repair_items(doc.items)
    if found:
        n = sum(found.values())
        were = "s were" if n > 1 else " was"
        doc.warnings.append(f"{n} paragraph{were} in no legacy font but read as mojibake, and decoded: "
                            f"{label(sorted(found))}; check them")
        doc.repairs += [e for e in sorted(found) if e not in doc.repairs]
    return doc
