"""PDF fixtures for tests/test_reader_pdf.py, generated in the test session (no binary files are checked in).

    form_docx(path)              a DOCX with every checkbox encoding, leaders with values, a wrapped paragraph,
                                 a header / footer with the page number and a long table (one row taller than
                                 a page) that LibreOffice must split over pages
    to_pdf(docx)                 LibreOffice export (corpora.build.to_pdf), returns the PDF path
    encrypted_pdf(user_pw)       a one-page PDF encrypted with the standard security handler (RC4 40-bit, R2),
                                 written by hand: pypdf and qpdf are not installed and pdfplumber cannot write
    image_only_pdf(path, png)    a PDF holding only an image (a "scan"): Pillow wraps a PNG (pdftoppm's render of
                                 a real page when given, else a drawn page)
    layout_docx(path)            narrow table cells (words cut anywhere), paragraphs ending with a space, vector
                                 boxes typed against their option text
    split_rows_docx(path)        tables whose first row a page break cuts at shifting places (value cells start
                                 with an empty paragraph, so their text may all fall on the next page)

ENCODINGS lists (encoding written in the DOCX, Box.encoding expected from the PDF reader) and the label of the
paragraph that carries each pair of boxes: "<label>: <box checked> Có <box empty> Không".
"""

from __future__ import annotations

import hashlib
import io
import struct
from pathlib import Path

from docx import Document
from docx.enum.text import WD_BREAK
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls
from docx.shared import Cm, Pt

from corpora import build
from corpora.boxes import add_box

# DOCX encoding (corpora/boxes.py) -> Box.encoding the PDF reader reports for it
ENCODINGS = {
    "glyph": "glyph",            # ☐ ☒ typed as text
    "glyph_square": "glyph",     # □ ■
    "wingdings_sym": "pua_text",  # w:sym Wingdings → private-use code in OpenSymbol
    "wingdings2_sym": "pua_text",  # w:sym Wingdings 2
    "wingdings_text": "pua_text",  # private-use characters typed in a Wingdings run (fallback font + ActualText)
    "formcheckbox": "vector",    # legacy form field: a drawn square, two diagonals when checked
    "sdt": "glyph",              # w14 checkbox content control: drawn as its ☒ / ☐ glyph
}
LABELS = {enc: f"Hộp kiểu {n}" for n, enc in enumerate(ENCODINGS, start=1)}

LEADER_LINES = [  # leaders with the values typed in them: the reader must give each line back as written
    "1. Tên cơ quan báo cáo: ……Sở Thông tin và Truyền thông……",
    "2. Tổng số máy tính tại cơ quan: …..1.250…… chiếc",
    "3. Băng thông: ..........85,5.......... Mbps",
    "- Địa chỉ: .............., Điện thoại: …0257.3843.123…",
]
WRAPPED = ("4. Tổng số cán bộ, công chức, viên chức và người lao động của cơ quan, đơn vị (kể cả các đơn vị sự nghiệp "
           "trực thuộc, không tính hợp đồng thời vụ) hiện có tính đến ngày báo cáo: ……312…… người")
TABLE_ROWS = 45  # data rows of the long table (with the tall row, it needs three pages)
TALL_ROW = 20  # the data row whose label cell holds TALL_LINES paragraphs: taller than a page, it must split
TALL_LINES = 60
HEADER_TEXT = "Biểu mẫu thử nghiệm — bản dùng cho kiểm thử"


def _page_field(paragraph) -> None:  # type: ignore[no-untyped-def]
    paragraph._p.append(parse_xml(f'<w:fldSimple {nsdecls("w")} w:instr=" PAGE "><w:r><w:t>1</w:t></w:r>'
                                  '</w:fldSimple>'))


def form_docx(path: Path) -> Path:
    """Write the fixture form (see the module docstring) to `path`."""
    doc = Document()
    style = doc.styles["Normal"]
    style.font.name = "Times New Roman"
    style.font.size = Pt(13)
    section = doc.sections[0]
    header = section.header.paragraphs[0]
    header.text = HEADER_TEXT
    footer = section.footer.paragraphs[0]
    footer.add_run("Trang ")
    _page_field(footer)

    title = doc.add_paragraph()
    title.add_run("MỤC 1. THÔNG TIN CHUNG").bold = True
    for text in LEADER_LINES:
        doc.add_paragraph(text)
    doc.add_paragraph(WRAPPED)
    p = doc.add_paragraph("5. Ghi chú có ngắt dòng:")
    p.add_run().add_break(WD_BREAK.LINE)
    p.add_run("dòng thứ hai của cùng đoạn")
    for n, enc in enumerate(ENCODINGS):
        p = doc.add_paragraph(f"{LABELS[enc]}: ")
        add_box(p, enc, True, name=f"Check{2 * n}")
        p.add_run(" Có   ")
        add_box(p, enc, False, name=f"Check{2 * n + 1}")
        p.add_run(" Không")

    doc.add_paragraph("MỤC 2. BẢNG DÀI").runs[0].bold = True
    table = doc.add_table(rows=1 + TABLE_ROWS, cols=3)
    table.style = "Table Grid"
    for c, text in enumerate(["STT", "Tên thiết bị", "Số lượng"]):
        table.cell(0, c).text = text
    for r in range(1, TABLE_ROWS + 1):
        table.cell(r, 0).text = str(r)
        table.cell(r, 1).text = f"Thiết bị số {r}"
        table.cell(r, 2).text = f"…{r * 7}… chiếc"
    tall = table.cell(TALL_ROW, 1)
    tall.text = "Thiết bị nhiều dòng"
    for k in range(1, TALL_LINES + 1):
        tall.add_paragraph(f"dòng {k}")
    doc.add_paragraph("Người lập biểu")
    doc.save(str(path))
    return path


def to_pdf(docx: Path) -> Path:
    """Export with LibreOffice (the corpus builder's converter); the PDF is written beside the DOCX."""
    build.to_pdf([docx])
    return docx.with_suffix(".pdf")


# -- a hand-written encrypted PDF ---------------------------------------------------------------------------------
_PAD = bytes.fromhex("28BF4E5E4E758A4164004E56FFFA01082E2E00B6D0683E802F0CA9FE6453697A")


def _rc4(key: bytes, data: bytes) -> bytes:
    s = list(range(256))
    j = 0
    for i in range(256):
        j = (j + s[i] + key[i % len(key)]) % 256
        s[i], s[j] = s[j], s[i]
    out = bytearray()
    i = j = 0
    for byte in data:
        i = (i + 1) % 256
        j = (j + s[i]) % 256
        s[i], s[j] = s[j], s[i]
        out.append(byte ^ s[(s[i] + s[j]) % 256])
    return bytes(out)


def encrypted_pdf(user_password: str = "secret", owner_password: str = "owner") -> bytes:
    """A one-page PDF ("Hello") encrypted with the standard security handler, V1 R2 (RC4, 40-bit key), opening
    only with `user_password` (PDF 32000-1:2008, 7.6.3, algorithms 2, 3 and 4)."""
    def pad(pw: str) -> bytes:
        return (pw.encode("latin-1") + _PAD)[:32]

    file_id = hashlib.md5(b"extractor test fixture").digest()
    perms = -44  # print, copy... allowed; the value only has to be the one hashed into the key
    o_entry = _rc4(hashlib.md5(pad(owner_password)).digest()[:5], pad(user_password))
    key = hashlib.md5(pad(user_password) + o_entry + struct.pack("<i", perms) + file_id).digest()[:5]
    u_entry = _rc4(key, _PAD)

    def obj_key(num: int) -> bytes:
        return hashlib.md5(key + struct.pack("<i", num)[:3] + b"\x00\x00").digest()[:10]

    content = _rc4(obj_key(4), b"BT /F1 24 Tf 72 720 Td (Hello) Tj ET")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        b"<< /Filter /Standard /V 1 /R 2 /O <" + o_entry.hex().encode() + b"> /U <" + u_entry.hex().encode()
        + b"> /P %d >>" % perms,
    ]
    return pdf_file(objects, b" /Encrypt 6 0 R /ID [<%s> <%s>]" % (file_id.hex().encode(), file_id.hex().encode()),
                    header=b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")


def pdf_file(objects: list[bytes], trailer: bytes = b"", header: bytes = b"%PDF-1.4\n") -> bytes:
    """A PDF file of `objects` (each an object's body, a stream's with its dictionary and `stream … endstream`;
    numbered from 1, object 1 the catalogue) with its cross-reference table; `trailer`: more trailer entries."""
    out = io.BytesIO()
    out.write(header)
    offsets = []
    for n, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % n + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    out.write(b"".join(b"%010d 00000 n \n" % off for off in offsets))
    out.write(b"trailer\n<< /Size %d /Root 1 0 R%s >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, trailer, xref))
    return out.getvalue()


def image_only_pdf(path: Path, png: Path | None = None) -> Path:
    """A PDF whose only content is an image (what a scanner produces)."""
    from PIL import Image, ImageDraw

    if png is not None:
        img = Image.open(png).convert("RGB")
    else:
        img = Image.new("RGB", (850, 1100), "white")
        draw = ImageDraw.Draw(img)
        draw.text((80, 80), "PHIEU THU THAP SO LIEU", fill="black")
        draw.rectangle((80, 140, 96, 156), outline="black")
    img.save(str(path), "PDF", resolution=100.0)
    return path


# -- layouts that break word joining, rows and paragraphs (issue 15 D) -------------------------------------------
# Narrow table cells: LibreOffice cuts a word wider than the cell anywhere and often draws no space at a wrap.
NARROW_WIDTHS_CM = [0.9, 1.1, 1.4, 1.8, 2.4]
NARROW_CELLS = [
    ["Nhóm dịch vụ", "Xây dựng cơ bản", "Trình độ chuyên môn", "Chuyên trách CNTT", "Tên phần mềm"],
    ["Nguyễn Thị Hường", "Năm đưa vào sử dụng", "Quản lý văn bản và điều hành", "Hệ thống thông tin", "Cao đẳng"],
    ["Số lượng 1.250.000", "12,5", "abc@sotttt.gov.vn", "http://sotttt.phuyen.gov.vn", "Kinh phí (triệu đồng)"],
    ["Phòng họp trực tuyến", "Chuyển đổi số", "Thạc sỹ", "Trung tâm tích hợp dữ liệu", "Tỷ lệ (%)"],
]
# Lines ending with a space, then Enter: each is a paragraph of its own (the next word would have fitted)
TRAILING_SPACE_LINES = ["Chức vụ: Trưởng phòng ", "Số điện thoại: 0912 345 678 ", "Ghi chú: "]
VECTOR_GAP_LABEL = "Hộp sát chữ"  # FORMCHECKBOX fields typed with no space: "<label>: [x]Có[ ]Không"


def layout_docx(path: Path) -> Path:
    """Narrow cells (left-aligned and centered, 13 and 14 pt), paragraphs ending with a space, and vector boxes
    typed against their option text."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    doc = Document()
    style = doc.styles["Normal"]
    style.font.name = "Times New Roman"
    style.font.size = Pt(13)
    doc.add_paragraph("Phần đầu: các cơ quan, đơn vị báo cáo số liệu đầy đủ, chính xác và đúng thời hạn quy định "
                      "tại văn bản này.")
    for text in TRAILING_SPACE_LINES:
        doc.add_paragraph(text)
    p = doc.add_paragraph(f"{VECTOR_GAP_LABEL}: ")
    add_box(p, "formcheckbox", True, name="Gap1")
    p.add_run("Có")
    add_box(p, "formcheckbox", False, name="Gap2")
    p.add_run("Không")
    for centered, size in ((False, 13), (True, 13), (False, 14)):
        table = doc.add_table(rows=len(NARROW_CELLS), cols=len(NARROW_WIDTHS_CM))
        table.style = "Table Grid"
        table.autofit = False
        for c, width in enumerate(NARROW_WIDTHS_CM):
            table.columns[c].width = Cm(width)
        for r, row in enumerate(table.rows):
            for c, cell in enumerate(row.cells):
                cell.width = Cm(NARROW_WIDTHS_CM[c])
                para = cell.paragraphs[0]
                para.add_run(NARROW_CELLS[r][c]).font.size = Pt(size)
                if centered:
                    para.alignment = WD_ALIGN_PARAGRAPH.CENTER
        doc.add_paragraph("")
    doc.save(str(path))
    return path


# A row cut by a page break: the value cells start with an empty paragraph, so their text may fall on the next
# page only. Each table starts on a new page after a paragraph of a different number of lines, so that some page
# break cuts the first row between the empty paragraph and the value.
SPLIT_FILLERS = range(28, 38)
SPLIT_LABEL = ("Tổng số cán bộ, công chức, viên chức làm công tác công nghệ thông tin chuyên trách tại các phòng, "
               "ban chuyên môn và các đơn vị sự nghiệp trực thuộc, kể cả hợp đồng")
SPLIT_ROWS = [["1", SPLIT_LABEL, "1.234", "Có"], ["2", "Ghi chú", "56", "Không"]]


def split_rows_docx(path: Path) -> Path:
    doc = Document()
    style = doc.styles["Normal"]
    style.font.name = "Times New Roman"
    style.font.size = Pt(13)
    for k, filler in enumerate(SPLIT_FILLERS):
        if k:
            doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
        p = doc.add_paragraph(f"Dòng đệm {k}.0")
        for i in range(1, filler):
            p.add_run().add_break(WD_BREAK.LINE)
            p.add_run(f"Dòng đệm {k}.{i}")
        table = doc.add_table(rows=len(SPLIT_ROWS), cols=4)
        table.style = "Table Grid"
        for r, values in enumerate(SPLIT_ROWS):
            for c, text in enumerate(values):
                cell = table.cell(r, c)
                if c >= 2:
                    cell.add_paragraph(text)  # after the cell's empty first paragraph
                else:
                    cell.text = text
    doc.save(str(path))
    return path
