"""Inputs → candidate returns (`Item`) with their provenance.

    plan_inputs(paths)        folders (recursive), single files → returns to read + containers to unpack
    classify(name, data)      return | zip | eml | mbox | msg | None, from the name's ending and the bytes
    sanitize_name(name)       an attachment or archive member name made safe to show and to store
    Stager                    writes an attachment's bytes once under its sha256 (temp file + rename)

Containers are unpacked by `extractor.batch.containers` in a worker process with the per-file limits. The
type of a file is told from its bytes when its name says nothing (`extractor.readers.sniff`).
"""

from __future__ import annotations

import hashlib
import io
import re
import unicodedata
from dataclasses import asdict, dataclass, field, replace
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from extractor.batch.config import BatchConfig
from extractor.errors import InputError
from extractor.output import write_bytes
from extractor.readers import EMPTY, READERS
from extractor.readers.sniff import CorruptZip, sniff

NOT_WORD_ZIP = "a ZIP archive that is not a Word document"
_UNSAFE_CHARS = re.compile(r'[<>:"/\\|?*]')
_MSG_ENTRY = "__substg1.0_".encode("utf-16-le")


@dataclass
class Provenance:
    """Where a return was found (the result JSON's optional ``provenance`` key)."""

    original_name: str
    container: list[str] = field(default_factory=list)  # outermost first: input path, message, archive
    sender: str | None = None
    subject: str | None = None
    date: str | None = None  # ISO 8601, of the message that carried the return

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class Item:
    """One candidate return found in the inputs, or an entry refused or ignored while unpacking."""

    input: str  # how the manifest names it: the container chain and the name, joined by " > "
    provenance: Provenance
    path: str | None = None  # the file to read: the input itself or a staged copy of an attachment
    sha256: str | None = None
    contained: bool = False  # True: `path` is a staged copy; the result's source.path is the original name
    received: str | None = None  # UTC ISO 8601: message date, else the file's or archive entry's time
    status: str | None = None  # set when unpacking already decided: failed (refused) | ignored
    error: str | None = None
    parcel: str | None = None  # the message (else the archive input) it came in: never a resend of its parcel

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def display(container: list[str], name: str) -> str:
    """The manifest's ``input``: container chain and name joined by `` > ``."""
    return " > ".join([*container, name])


def utc_iso(moment: datetime) -> str:
    """`moment` as a UTC ISO 8601 string (a naive time is taken as UTC)."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(timezone.utc).isoformat(timespec="seconds")


def mtime_iso(path: Path) -> str | None:
    """The file's modification time as UTC ISO 8601, None when it cannot be read."""
    try:
        return utc_iso(datetime.fromtimestamp(path.stat().st_mtime, tz=timezone.utc))
    except (OSError, ValueError, OverflowError):
        return None


def sanitize_name(name: str, max_length: int = 120) -> str:
    """A name safe to show and to write: no folders, no control or reserved characters, not hidden, short.

    ``"../../evil.docx"`` → ``"evil.docx"``; ``"C:\\tmp\\a?.pdf"`` → ``"a_.pdf"``; empty → ``"attachment"``.
    """
    base = re.split(r"[/\\]", unicodedata.normalize("NFC", name or ""))[-1]
    base = "".join(c for c in base if unicodedata.category(c)[0] != "C")
    base = _UNSAFE_CHARS.sub("_", base).strip().lstrip(". ")
    if not base:
        return "attachment"
    if len(base) > max_length:
        stem, dot, ext = base.rpartition(".")
        ext = f".{ext}" if dot and len(ext) <= 10 else ""
        base = base[: max_length - len(ext)] + ext
    return base


def unsafe_member(name: str) -> str | None:
    """Why an archive member name is refused (absolute path, drive letter, ``..``), None when it is safe."""
    if name.startswith(("/", "\\")) or re.match(r"^[A-Za-z]:", name):
        return f"absolute path in the archive entry name {name!r}"
    if any(part == ".." for part in re.split(r"[/\\]", name)):
        return f"path traversal ('..') in the archive entry name {name!r}"
    return None


def classify(name: str, data: bytes, config: BatchConfig, *, named: bool = False) -> str | None:
    """``return``, a container kind (``zip eml mbox msg``), or None when `data` is neither.

    The name's ending decides first; otherwise the bytes: a Word/PDF/RTF/ODF file (or an encrypted or
    damaged one, so that the reader reports it) is a return, a plain ZIP an archive, an OLE file with MAPI
    streams an Outlook message. `named`: a file the user named directly is always at least a return.
    """
    suffix = Path(name).suffix.lower()
    if suffix in config.container_suffixes:
        return config.container_suffixes[suffix]
    if suffix in config.return_suffixes:
        return "return"
    try:
        kind = sniff(data)
    except CorruptZip:
        return "return" if named else None
    if kind.kind == "image":
        return "return" if named or _page_sized(data, config.scan_min_side_px) else None
    if kind.kind in READERS or kind.kind in ("encrypted", "damaged"):
        return "return"
    if kind.looks_like == NOT_WORD_ZIP:
        return "zip"
    if kind.looks_like.startswith("an OLE compound file") and _MSG_ENTRY in data:
        return "msg"
    return "return" if named else None


def _page_sized(data: bytes, min_side: int) -> bool:
    """Whether an image is large enough to be a scanned page (Pillow reads only its header)."""
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(io.BytesIO(data)) as im:
            return min(im.size) >= min_side
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError):
        return False


def sha256_file(path: Path) -> str:
    """The sha256 of a file, read in chunks."""
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


class Stager:
    """Writes attachment and archive-entry bytes once, named by their sha256, into a staging folder."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def stage(self, data: bytes) -> tuple[str, Path]:
        """(sha256, path of the staged copy); written with a temp file + rename, so never half-written."""
        digest = hashlib.sha256(data).hexdigest()
        target = self.folder / digest
        if not target.exists():
            self.folder.mkdir(parents=True, exist_ok=True)
            write_bytes(data, target)
        return digest, target


@dataclass
class Plan:
    """What the inputs hold before unpacking: returns to read, containers to unpack, inputs refused."""

    returns: list[Item] = field(default_factory=list)
    containers: list[tuple[Path, str]] = field(default_factory=list)  # (path, kind)
    refused: list[Item] = field(default_factory=list)


def _head(path: Path, size: int = 1 << 16) -> bytes:
    try:
        with open(path, "rb") as fh:
            return fh.read(size)
    except OSError:
        return b""


def _file_item(path: Path) -> Item:
    name = str(path)
    prov = Provenance(original_name=path.name, container=[])
    try:
        if path.stat().st_size == 0:  # before hashing: empty files are failures, never duplicates of each other
            return Item(name, prov, path=name, status="failed", error=str(InputError(EMPTY, path=name)))
        digest = sha256_file(path)
    except OSError as exc:
        return Item(name, prov, path=name, status="failed", error=f"[E101] {name}: cannot be read ({exc.strerror})")
    return Item(name, prov, path=name, sha256=digest, received=mtime_iso(path))


def plan_inputs(paths: list[Path], config: BatchConfig) -> Plan:
    """Walk folders (recursively, in name order) and sort every file into returns and containers.

    Inside folders only files whose ending is a return's or a container's are taken (like ``extract``);
    a file named directly is taken whatever its ending, its type told from its bytes.
    """
    plan = Plan()
    files: list[tuple[Path, bool]] = []
    for p in paths:
        if p.is_dir():
            known = set(config.return_suffixes) | set(config.container_suffixes)
            files += [(f, False) for f in sorted(p.rglob("*")) if f.is_file() and f.suffix.lower() in known]
        else:
            files.append((p, True))
    for path, named in files:
        if not path.exists():
            name = str(path)
            plan.refused.append(Item(name, Provenance(path.name), path=name, status="failed",
                                     error=f"[E101] {name}: file not found; check the folder and the file name"))
            continue
        known_suffix = path.suffix.lower() in config.return_suffixes or path.suffix.lower() in config.container_suffixes
        head = _head(path, 4096 if known_suffix else config.archive.max_member_bytes)
        kind = classify(path.name, head, config, named=named)
        if kind in (None, "return"):
            plan.returns.append(_file_item(path))
        else:
            plan.containers.append((path, kind))
    return plan


def contained_item(stager: Stager, data: bytes, name: str, prov: Provenance, received: str | None,
                   parcel: str | None = None) -> Item:
    """An attachment or archive entry: staged under its sha256, named by its container chain; an empty one is
    ``failed`` at once (never hashed, so never a duplicate of another empty file)."""
    where = display(prov.container, name)
    if not data:
        return Item(where, replace(prov, original_name=name), status="failed",
                    error=str(InputError(EMPTY, path=where)), received=received, parcel=parcel)
    digest, staged = stager.stage(data)
    return Item(where, replace(prov, original_name=name), path=str(staged),
                sha256=digest, contained=True, received=received, parcel=parcel)
