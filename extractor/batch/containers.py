"""Unpack containers into candidate returns: ZIP archives, e-mails (.eml), mailboxes (.mbox), Outlook .msg.

    expand_container(path, kind, staging, config) -> [Item]

Nested content is followed: a ZIP inside a message inside a mailbox, forwarded messages (``message/rfc822``
parts, embedded .msg attachments), ZIPs inside ZIPs — up to ``archive.max_depth`` levels. Every attachment
or entry becomes an `Item`: a staged copy (named by its sha256) of a return, an entry refused for a reason
(archive bomb, path traversal, unreadable), or an ignored non-return attachment (an image, a spreadsheet).
Nothing is ever written under a name taken from the container. Meant to run in a worker process with
the per-file time and memory limits (`extractor.batch.runner`).
"""

from __future__ import annotations

import email
import email.policy
import io
import logging
import mailbox
import tempfile
import zipfile
from dataclasses import dataclass, field, replace
from datetime import datetime
from email.message import EmailMessage
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import Any

from extractor.batch.config import BatchConfig
from extractor.batch.sources import (
    Item,
    Provenance,
    Stager,
    classify,
    contained_item,
    display,
    mtime_iso,
    sanitize_name,
    unsafe_member,
    utc_iso,
)
from extractor.errors import InputError
from extractor.readers.sniff import sniff

MB = 1024 * 1024


@dataclass
class _Context:
    """Where the walk is: the provenance so far, the nesting depth, the time that orders resends."""

    prov: Provenance
    depth: int
    received: str | None
    items: list[Item] = field(default_factory=list)
    parcel: str | None = None  # the innermost message so far (else the container input)

    def inner(self, label: str, **changes: Any) -> _Context:
        received = changes.pop("received", self.received)
        prov = replace(self.prov, container=[*self.prov.container, label], **changes)
        return _Context(prov, self.depth + 1, received, self.items, self.parcel)


class _Expander:
    def __init__(self, stager: Stager, config: BatchConfig) -> None:
        self.stager = stager
        self.config = config
        self.limits = config.archive

    # ------------------------------------------------------------------ items
    def refuse(self, ctx: _Context, name: str, reason: str) -> None:
        where = display(ctx.prov.container, name)
        ctx.items.append(Item(where, replace(ctx.prov, original_name=name), status="failed",
                              error=str(InputError(f"refused: {reason}", path=where)), received=ctx.received))

    def ignore(self, ctx: _Context, name: str, reason: str) -> None:
        where = display(ctx.prov.container, name)
        ctx.items.append(Item(where, replace(ctx.prov, original_name=name), status="ignored", error=reason,
                              received=ctx.received))

    def content(self, data: bytes, raw_name: str, ctx: _Context, received: str | None = None) -> None:
        """An attachment or entry: a return to stage, a container to open, or something to ignore."""
        name = sanitize_name(raw_name, self.config.max_name_length)
        kind = classify(name, data, self.config)
        if kind is None:
            try:
                what = sniff(data).looks_like if data else "an empty file"
            except Exception:  # noqa: BLE001 - only for the message
                what = "unrecognised data"
            self.ignore(ctx, name, f"not a return: {what}")
        elif kind == "return":
            ctx.items.append(contained_item(self.stager, data, name, ctx.prov, received or ctx.received, ctx.parcel))
        elif ctx.depth >= self.limits.max_depth:
            self.refuse(ctx, name, f"nested more than {self.limits.max_depth} levels deep (archives and messages "
                                   "inside each other); unpack it by hand")
        else:
            self.open(kind, io.BytesIO(data), name, ctx, received)

    def open(self, kind: str, source: Any, name: str, ctx: _Context, received: str | None = None) -> None:
        """Open a container of `kind` read from `source` (a path or a binary file object)."""
        try:
            if kind == "zip":
                self.zip(source, name, ctx, received)
            elif kind == "eml":
                data = source.read() if hasattr(source, "read") else Path(source).read_bytes()
                msg = email.message_from_bytes(data, policy=email.policy.default)
                self.message(msg, ctx.inner(name))
            elif kind == "mbox":
                self.mbox(source, name, ctx)
            elif kind == "msg":
                self.outlook(source, name, ctx)
        except MemoryError:
            raise
        except Exception as exc:  # noqa: BLE001 - a damaged container is reported, the others go on
            self.refuse(ctx, name, f"cannot be opened as {kind} ({type(exc).__name__}: {exc})")

    # ------------------------------------------------------------------ zip
    def zip(self, source: Any, name: str, ctx: _Context, received: str | None) -> None:
        lim = self.limits
        try:
            archive = zipfile.ZipFile(source)
        except (zipfile.BadZipFile, OSError, ValueError, EOFError) as exc:
            self.refuse(ctx, name, f"a damaged ZIP archive ({exc}); ask for it again")
            return
        with archive:
            infos = [i for i in archive.infolist() if not i.is_dir()]
            total = sum(i.file_size for i in infos)
            if len(infos) > lim.max_members:
                self.refuse(ctx, name, f"archive with {len(infos)} entries, over the limit of {lim.max_members}")
                return
            if total > lim.max_total_bytes:
                self.refuse(ctx, name, f"archive bomb: it unpacks to {total / MB:.0f} MB, over the "
                                       f"{lim.max_total_bytes / MB:.0f} MB limit")
                return
            inner = ctx.inner(name)
            for info in infos:
                self.zip_entry(archive, info, inner, received)

    def zip_entry(self, archive: zipfile.ZipFile, info: zipfile.ZipInfo, ctx: _Context,
                  received: str | None) -> None:
        lim = self.limits
        shown = sanitize_name(info.filename, self.config.max_name_length)
        reason = unsafe_member(info.filename)
        if reason is None and info.file_size > lim.max_member_bytes:
            reason = f"the entry unpacks to {info.file_size / MB:.0f} MB, over the {lim.max_member_bytes / MB:.0f} " \
                     "MB limit"
        if reason is None and info.file_size >= lim.ratio_min_bytes \
                and info.file_size > lim.max_ratio * max(info.compress_size, 1):
            reason = f"archive bomb: the entry is compressed {info.file_size / max(info.compress_size, 1):.0f} " \
                     f"times (limit {lim.max_ratio:g})"
        if reason is None and info.flag_bits & 0x1:
            reason = "the archive entry is password-protected; ask for it without a password"
        if reason is not None:
            self.refuse(ctx, shown, reason)
            return
        try:
            with archive.open(info) as fh:
                data = fh.read(lim.max_member_bytes + 1)
        except (zipfile.BadZipFile, OSError, ValueError, EOFError, NotImplementedError, RuntimeError) as exc:
            self.refuse(ctx, shown, f"the archive entry is damaged ({exc}); ask for the archive again")
            return
        if len(data) > lim.max_member_bytes:
            self.refuse(ctx, shown, f"the entry unpacks to more than {lim.max_member_bytes / MB:.0f} MB")
            return
        when = received or ctx.received
        if when is None:
            try:
                when = utc_iso(datetime(*info.date_time))
            except ValueError:
                when = None
        self.content(data, info.filename, ctx, when)

    # ------------------------------------------------------------------ e-mail
    def message(self, msg: EmailMessage, ctx: _Context) -> None:
        """The attachments of one message, with its sender, subject and date as provenance."""
        moment = None
        try:
            moment = parsedate_to_datetime(str(msg["Date"])) if msg["Date"] else None
        except (TypeError, ValueError, IndexError):
            moment = None
        ctx.parcel = " > ".join(ctx.prov.container) or None  # its attachments are never resends of each other
        ctx.prov.sender = _header(msg, "From")
        ctx.prov.subject = _header(msg, "Subject")
        ctx.prov.date = moment.isoformat() if moment else None
        if moment is not None:
            ctx.received = utc_iso(moment)
        before = len(ctx.items)
        self.parts(msg, ctx)
        if len(ctx.items) == before:
            self.ignore(ctx, "(message)", "the message has no attachment")

    def parts(self, part: Any, ctx: _Context) -> None:
        ctype = part.get_content_type()
        if ctype == "message/rfc822":
            payload = part.get_payload()
            inner = payload[0] if isinstance(payload, list) and payload else None
            if inner is None:
                return
            subject = _header(inner, "Subject") or ""
            if ctx.depth >= self.limits.max_depth:
                self.refuse(ctx, "forwarded message", f"nested more than {self.limits.max_depth} levels deep")
                return
            self.message(inner, ctx.inner(f"forwarded: {subject}".strip()))
        elif part.is_multipart():
            for sub in part.iter_parts():
                self.parts(sub, ctx)
        elif part.get_filename() or part.get_content_disposition() == "attachment":
            data = part.get_payload(decode=True) or b""
            self.content(data, part.get_filename() or "attachment", ctx)

    def mbox(self, source: Any, name: str, ctx: _Context) -> None:
        with tempfile.TemporaryDirectory(prefix="extractor-mbox-") as tmp:
            path = source
            if hasattr(source, "read"):  # mailbox needs a file on disk
                path = Path(tmp) / "mailbox"
                path.write_bytes(source.read())
            box = mailbox.mbox(str(path), create=False)
            try:
                outer = ctx.inner(name)
                for n, key in enumerate(box.keys(), start=1):
                    label = f"message {n}"
                    try:
                        msg = email.message_from_bytes(box.get_bytes(key), policy=email.policy.default)
                    except Exception as exc:  # noqa: BLE001 - one bad message does not stop the mailbox
                        self.refuse(outer, label, f"cannot be read as an e-mail message ({exc})")
                        continue
                    self.message(msg, outer.inner(label))
            finally:
                box.close()

    def outlook(self, source: Any, name: str, ctx: _Context) -> None:
        import extract_msg

        logging.getLogger("extract_msg").setLevel(logging.ERROR)
        data = source.read() if hasattr(source, "read") else Path(source).read_bytes()
        msg = extract_msg.openMsg(data)
        try:
            self.outlook_message(msg, ctx.inner(name))
        finally:
            msg.close()

    def outlook_message(self, msg: Any, ctx: _Context) -> None:
        ctx.parcel = " > ".join(ctx.prov.container) or None  # its attachments are never resends of each other
        ctx.prov.sender = _outlook_sender(msg)
        ctx.prov.subject = msg.subject or None
        moment = msg.date if isinstance(msg.date, datetime) else None
        ctx.prov.date = moment.isoformat() if moment else None
        if moment is not None:
            ctx.received = utc_iso(moment)
        before = len(ctx.items)
        for att in msg.attachments:
            data = getattr(att, "data", None)
            if isinstance(data, bytes):
                self.content(data, att.longFilename or att.shortFilename or "attachment", ctx)
            elif data is not None and hasattr(data, "attachments"):  # an embedded (forwarded) message
                if ctx.depth >= self.limits.max_depth:
                    self.refuse(ctx, "forwarded message", f"nested more than {self.limits.max_depth} levels deep")
                    continue
                self.outlook_message(data, ctx.inner(f"forwarded: {data.subject or ''}".strip()))
            else:
                self.ignore(ctx, sanitize_name(getattr(att, "longFilename", None) or "attachment"),
                            "an attachment of a kind that cannot be read (link or unsupported)")
        if len(ctx.items) == before:
            self.ignore(ctx, "(message)", "the message has no attachment")


def _outlook_sender(msg: Any) -> str | None:
    """``Name <address>`` of a .msg sender: the SMTP address, else the sender address, else the name alone."""
    name = " ".join(str(msg.sender or "").split()) or None
    if name and "@" in name:
        return name
    for tag in ("5D01", "0C1F", "0065"):  # PR_SENDER_SMTP_ADDRESS, PR_SENDER_EMAIL_ADDRESS, PR_SENT_REPRESENTING
        address = msg.getStringStream(f"__substg1.0_{tag}")
        if address and "@" in address:
            return f"{name} <{address}>" if name and name != address else address
    return name


def _header(msg: Any, name: str) -> str | None:
    try:
        value = msg[name]
    except Exception:  # noqa: BLE001 - a malformed header is just missing provenance
        return None
    if value is None:
        return None
    return " ".join(str(value).split()) or None


def expand_container(path: str, kind: str, staging: str, config: BatchConfig) -> list[Item]:
    """Every candidate return inside the container file `path` (its kind told by `classify`)."""
    p = Path(path)
    expander = _Expander(Stager(Path(staging)), config)
    ctx = _Context(Provenance(original_name=p.name, container=[]), 0, mtime_iso(p), parcel=path)
    expander.open(kind, path, path, ctx)
    return ctx.items
