"""A test mailbox built from corpus returns, for tests/test_batch*.py (generated, nothing binary checked in).

    build_mailbox(folder) -> Expected

What it writes into `folder` (dates are the messages' Date headers):

    inbox.mbox       1  Sở KH&CN, 2020-06-01: f000_r016.docx
                     2  Sở Y tế: returns.zip = f002_r000.docx + f002_r001.pdf + nested.zip(f000_r003.docx)
                     3  a forward (message/rfc822) of UBND phường 7's message carrying f001_r004.docx
                     4  Sở KH&CN again, 2020-06-03: the same f000_r016.docx (a duplicate)
                     5  Sở KH&CN, 2020-06-10: "corrected" f000_r022.docx (same form, same agency: a resend)
                     6  broken files: truncated.docx, random.pdf (random bytes), locked.pdf (encrypted),
                        empty.docx (0 bytes)
                     7  hostile archives: bomb.zip (20 MB of zeros, ratio > 100), forged.zip (declares 4 GB),
                        evil.zip (members ../../evil.docx and /etc/evil.docx)
                     8  a logo.png and no return; 9  no attachment at all
    single.eml       f003_r000.docx from the provincial office
    outlook.msg      f004_r001.docx (Outlook .msg written by aspose-email-foss from an EmailMessage)
    folder/f004_r003.docx   a plain file

`Expected.statuses` maps each manifest ``input`` to its expected final status; `Expected.sources` maps
each good return's ``input`` to the corpus file, for comparison with ``extractor extract``.
"""

from __future__ import annotations

import io
import mailbox
import os
import random
import struct
import zipfile
from dataclasses import dataclass, field
from datetime import datetime, timezone
from email.message import EmailMessage
from email.utils import format_datetime
from pathlib import Path

from tests.pdf_fixtures import encrypted_pdf

CORPUS = Path(__file__).resolve().parents[1] / "corpora" / "returns"
MB = 1024 * 1024


@dataclass
class Expected:
    statuses: dict[str, str] = field(default_factory=dict)
    sources: dict[str, Path] = field(default_factory=dict)  # input -> corpus file (good returns)
    superseded: dict[str, str] = field(default_factory=dict)  # older input -> newer input


def corpus(name: str) -> bytes:
    return (CORPUS / name).read_bytes()


def message(sender: str, subject: str, day: int, attachments: list[tuple[str, bytes]] = (),
            forward: EmailMessage | None = None) -> EmailMessage:
    msg = EmailMessage()
    msg["From"] = sender
    msg["To"] = "Sở Thông tin và Truyền thông <stttt@example.gov.vn>"
    msg["Subject"] = subject
    msg["Date"] = format_datetime(datetime(2020, 6, day, 9, 30, tzinfo=timezone.utc))
    msg.set_content("Kính gửi Sở Thông tin và Truyền thông, đơn vị gửi báo cáo kèm theo.")
    for name, data in attachments:
        msg.add_attachment(data, maintype="application", subtype="octet-stream", filename=name)
    if forward is not None:
        msg.add_attachment(forward)
    return msg


def zip_bytes(members: list[tuple[str, bytes]]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in members:
            z.writestr(name, data)
    return buf.getvalue()


def forged_zip(declared: int = 0xFFFF0000) -> bytes:
    """A small archive whose central directory declares `declared` bytes uncompressed for its one entry."""
    data = bytearray(zip_bytes([("f000_r000.docx", b"x" * 100)]))
    cd = data.rfind(b"PK\x01\x02")
    data[cd + 24:cd + 28] = struct.pack("<I", declared)  # uncompressed size in the central directory entry
    return bytes(data)


def outlook_msg(msg: EmailMessage) -> bytes:
    """The .msg of an EmailMessage (no library here writes .msg except aspose-email-foss, a test dependency)."""
    from aspose.email_foss import msg as amsg

    return amsg.MapiMessage.from_email_message(msg).to_bytes()


def build_mailbox(folder: Path) -> Expected:
    """Write the test mailbox (see the module docstring) into `folder`; return what the batch should report."""
    folder.mkdir(parents=True, exist_ok=True)
    exp = Expected()
    vh = "Sở Khoa học và Công nghệ <skhcn@example.gov.vn>"
    rnd = random.Random(5)
    docx = corpus("f000_r016.docx")
    messages = [
        message(vh, "Báo cáo ứng dụng CNTT năm 2020", 1, [("f000_r016.docx", docx)]),
        message("Sở Y tế <syt@example.gov.vn>", "Báo cáo (nén)", 2, [("returns.zip", zip_bytes([
            ("f002_r000.docx", corpus("f002_r000.docx")), ("bc/f002_r001.pdf", corpus("f002_r001.pdf")),
            ("nested.zip", zip_bytes([("f000_r003.docx", corpus("f000_r003.docx"))]))]))]),
        message("Văn thư <vanthu@example.gov.vn>", "Fwd: Báo cáo phường 7", 3, forward=message(
            "UBND phường 7 <p7@example.gov.vn>", "Báo cáo phường 7", 2,
            [("f001_r004.docx", corpus("f001_r004.docx"))])),
        message(vh, "Gửi lại báo cáo", 3, [("f000_r016.docx", docx)]),
        message(vh, "Báo cáo đã sửa", 10, [("bao cao (sua).docx", corpus("f000_r022.docx"))]),
        message("Sở Tư pháp <stp@example.gov.vn>", "Báo cáo lỗi", 4, [
            ("truncated.docx", corpus("f000_r001.docx")[:20000]), ("random.pdf", rnd.randbytes(4096)),
            ("locked.pdf", encrypted_pdf()), ("empty.docx", b"")]),
        message("attacker <x@example.com>", "archives", 5, [
            ("bomb.zip", zip_bytes([("zeros.docx", bytes(20 * MB))])), ("forged.zip", forged_zip()),
            ("evil.zip", zip_bytes([("../../evil.docx", docx), ("/etc/evil.docx", docx)]))]),
        message("Sở Nội vụ <snv@example.gov.vn>", "Logo", 6, [("logo.png", b"\x89PNG\r\n\x1a\n" + bytes(64))]),
        message("Sở Nội vụ <snv@example.gov.vn>", "Chỉ có thư", 6),
    ]
    box_path = folder / "inbox.mbox"
    box = mailbox.mbox(str(box_path))
    for msg in messages:
        box.add(msg)
    box.flush()
    box.close()
    m = [f"{box_path} > message {i}" for i in range(1, 10)]
    good = {
        f"{m[0]} > f000_r016.docx": "f000_r016.docx",
        f"{m[1]} > returns.zip > f002_r000.docx": "f002_r000.docx",
        f"{m[1]} > returns.zip > f002_r001.pdf": "f002_r001.pdf",
        f"{m[1]} > returns.zip > nested.zip > f000_r003.docx": "f000_r003.docx",
        f"{m[2]} > forwarded: Báo cáo phường 7 > f001_r004.docx": "f001_r004.docx",
        f"{m[4]} > bao cao (sua).docx": "f000_r022.docx",
    }
    exp.statuses.update({
        f"{m[3]} > f000_r016.docx": "duplicate",
        f"{m[5]} > truncated.docx": "failed", f"{m[5]} > random.pdf": "failed",
        f"{m[5]} > locked.pdf": "failed", f"{m[5]} > empty.docx": "failed",
        f"{m[6]} > bomb.zip > zeros.docx": "failed", f"{m[6]} > forged.zip": "failed",
        f"{m[6]} > evil.zip > evil.docx": "failed",
        f"{m[7]} > logo.png": "ignored", f"{m[8]} > (message)": "ignored",
    })
    exp.superseded[f"{m[0]} > f000_r016.docx"] = f"{m[4]} > bao cao (sua).docx"

    eml = folder / "single.eml"
    eml.write_bytes(bytes(message("Văn phòng UBND tỉnh <vp@example.gov.vn>", "Báo cáo 2017", 5,
                                  [("f003_r000.docx", corpus("f003_r000.docx"))])))
    good[f"{eml} > f003_r000.docx"] = "f003_r000.docx"
    msg_file = folder / "outlook.msg"
    msg_file.write_bytes(outlook_msg(message("Văn phòng UBND tỉnh <vp@example.gov.vn>", "Báo cáo Q2", 7,
                                             [("f004_r001.docx", corpus("f004_r001.docx"))])))
    good[f"{msg_file} > f004_r001.docx"] = "f004_r001.docx"
    plain = folder / "folder" / "f004_r003.docx"
    plain.parent.mkdir(exist_ok=True)
    plain.write_bytes(corpus("f004_r003.docx"))
    os.utime(plain, (1_590_000_000, 1_590_000_000))
    good[str(plain)] = "f004_r003.docx"

    for inp, name in good.items():
        exp.sources[inp] = CORPUS / name
        exp.statuses.setdefault(inp, "review")
    exp.statuses[f"{m[0]} > f000_r016.docx"] = "superseded"
    return exp
