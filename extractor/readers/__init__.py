"""Readers: one per input format, all producing the same `extractor.model.Document`.

    read(path) ─ checks (exists, file, not empty, size) ─ sniff(bytes) ─ READERS[kind](data, source) → Document

The format is told from the bytes (`extractor.readers.sniff`), never from the extension. `READERS` maps a
kind to its reader function ``(data: bytes, source: Source) -> Document``; a new format is one entry.
Kinds that are recognised but have no reader yet (`PLANNED`) raise `InputError` saying so. Every problem
with the input is an `InputError` whose one-line message names the file and says what to do.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable
from pathlib import Path

from extractor.errors import InputError
from extractor.model import Document, Source
from extractor.readers import docx as docx_reader
from extractor.readers import pdf as pdf_reader
from extractor.readers.legacy import read_legacy
from extractor.readers.sniff import CorruptZip, Kind, sniff

__all__ = ["MAX_BYTES", "PLANNED", "READERS", "Reader", "read", "sniff", "Kind"]

Reader = Callable[[bytes, Source], Document]

MAX_BYTES = 50 * 1024 * 1024  # default size limit of one input file; `read(..., max_bytes=)` overrides
READERS: dict[str, Reader] = {"docx": docx_reader.read_docx, "pdf": pdf_reader.read_pdf, "doc": read_legacy,
                              "rtf": read_legacy, "odt": read_legacy}
PLANNED: dict[str, str] = {}  # recognised formats without a reader yet


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
        raise InputError("the file is empty (0 bytes); ask the sender for the return again", path=name)
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
        raise InputError("the file is empty (0 bytes); ask the sender for the return again", path=name)
    return data


def read(path: str | os.PathLike[str], *, max_bytes: int | None = None) -> Document:
    """Read one return (any supported format) into a `Document`; raises `InputError` for unusable input."""
    p = Path(path)
    name = str(path)
    data = _load(p, MAX_BYTES if max_bytes is None else max_bytes)
    try:
        kind = sniff(data)
    except CorruptZip as exc:
        raise InputError(f"the file is a damaged ZIP/Word file and cannot be opened ({exc}); ask for it again "
                         "or re-save it in Word", path=name) from None
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
        raise InputError(f"not a form return this tool can read: it looks like {kind.looks_like}; save it as "
                         ".docx and try again", path=name)
    source = Source(path=name, sha256=hashlib.sha256(data).hexdigest(), format=kind.kind)
    return reader(data, source)
