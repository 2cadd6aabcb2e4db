"""The DOCX reader and `extractor.readers.read`: checkbox encodings, structure, bad input, the mini corpus."""

from __future__ import annotations

import io
import json
import re
import zipfile
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from corpora import build, verify
from extractor import readers
from extractor.errors import InputError, PatternError
from extractor.model import CHECKED_BOX, EMPTY_BOX, UNKNOWN_BOX, Block, Box, Document, Source, Table
from extractor.readers import docx as docx_reader
from extractor.readers.sniff import OLE_MAGIC
from tests.docx_xml import docx_bytes, p, r, tbl, tc, write_docx

DATA = Path(__file__).parent / "data"
TABLE = yaml.safe_load(docx_reader.PATTERN_FILE.read_text(encoding="utf-8"))


def read_body(tmp_path: Path, body: str, **kwargs: Any) -> Document:
    return readers.read(write_docx(tmp_path / "t.docx", body, **kwargs))


def only(doc: Document) -> Block:
    """The single body block of a one-paragraph document."""
    blocks = [i for i in doc.items if isinstance(i, Block)]
    assert len(blocks) == 1, blocks
    return blocks[0]


def sym(font: str, code: str) -> str:
    return r(extra=f'<w:sym w:font="{font}" w:char="{code}"/>')


def states(block: Block) -> list[tuple[bool | None, str]]:
    return [(b.checked, b.encoding) for b in block.boxes]


def assert_tokens_match_boxes(block: Block) -> None:
    tokens = [i for i, ch in enumerate(block.text) if ch in (EMPTY_BOX, CHECKED_BOX, UNKNOWN_BOX)]
    assert tokens == [b.offset for b in block.boxes]
    for b in block.boxes:
        assert block.text[b.offset] == (CHECKED_BOX if b.checked else EMPTY_BOX if b.checked is False else UNKNOWN_BOX)


# -- checkbox encodings ----------------------------------------------------------------------------------------
GLYPHS = [(g, False) for g in TABLE["glyphs"]["empty"]] + [(g, True) for g in TABLE["glyphs"]["checked"]]
SYMS = [(font, code, checked) for font, entry in TABLE["fonts"].items()
        for key, checked in (("empty", False), ("checked", True)) for code in entry[key]]


@pytest.mark.parametrize(("glyph", "checked"), GLYPHS, ids=[f"U+{ord(g):04X}" for g, _ in GLYPHS])
def test_glyph_boxes(tmp_path: Path, glyph: str, checked: bool) -> None:
    block = only(read_body(tmp_path, p(r(f"{glyph} Có   {glyph} Không"))))
    mark = CHECKED_BOX if checked else EMPTY_BOX
    assert block.text == f"{mark} Có   {mark} Không"
    assert block.boxes == [Box(0, checked, "glyph"), Box(7, checked, "glyph")]


@pytest.mark.parametrize(("font", "code", "checked"), SYMS, ids=[f"{f}-{c}" for f, c, _ in SYMS])
def test_sym_boxes(tmp_path: Path, font: str, code: str, checked: bool) -> None:
    block = only(read_body(tmp_path, p(sym(font, code), r(" Có"))))
    assert block.text == (CHECKED_BOX if checked else EMPTY_BOX) + " Có"
    assert block.boxes == [Box(0, checked, "sym")]


@pytest.mark.parametrize("code", ["f0fe", "00FE", "FE"])
def test_sym_code_spellings(tmp_path: Path, code: str) -> None:
    assert states(only(read_body(tmp_path, p(sym("Wingdings", code))))) == [(True, "sym")]


def test_sym_takes_the_run_font_when_it_has_none(tmp_path: Path) -> None:
    body = p(r(font="Wingdings 2", extra='<w:sym w:char="F052"/>'))
    assert states(only(read_body(tmp_path, body))) == [(True, "sym")]


@pytest.mark.parametrize(("font", "code"), [("Wingdings", "F0E0"), ("Wingdings 2", "F097"), ("Symbol", "F0B7"),
                                            ("Wingdings 3", "F071")])
def test_sym_unknown_code_of_a_box_font_is_nothing(tmp_path: Path, font: str, code: str) -> None:
    block = only(read_body(tmp_path, p(r("a"), sym(font, code), r("b"))))
    assert (block.text, block.boxes) == ("ab", [])


def test_sym_of_a_text_font_is_its_unicode_character(tmp_path: Path) -> None:
    block = only(read_body(tmp_path, p(sym("MS Gothic", "2612"), sym("Times New Roman", "00E9"))))
    assert block.text == CHECKED_BOX + "é"
    assert states(block) == [(True, "sym")]


PUA = [(font, chr(int(code, 16)), checked) for font, code, checked in SYMS]


@pytest.mark.parametrize(("font", "char", "checked"), PUA, ids=[f"{f}-U+{ord(c):04X}" for f, c, _ in PUA])
def test_private_use_text_in_a_symbol_font_run(tmp_path: Path, font: str, char: str, checked: bool) -> None:
    block = only(read_body(tmp_path, p(r(char, font=font), r(" Có"))))
    assert block.text == (CHECKED_BOX if checked else EMPTY_BOX) + " Có"
    assert block.boxes == [Box(0, checked, "pua_text")]


def test_private_use_space_in_a_wingdings_run_is_dropped(tmp_path: Path) -> None:
    block = only(read_body(tmp_path, p(r("Có"), r("\uf020\uf071\uf020", font="Wingdings"), r("Không"))))
    assert block.text == f"Có{EMPTY_BOX}Không"
    assert block.boxes == [Box(2, False, "pua_text")]


def test_private_use_box_code_in_a_run_of_unknown_font_is_a_box(tmp_path: Path) -> None:
    block = only(read_body(tmp_path, p(r("\uf0fe Có \uf071 Không \uf0b7"))))
    assert block.text == f"{CHECKED_BOX} Có {EMPTY_BOX} Không \uf0b7"  # a non-box code of no known font is kept
    assert states(block) == [(True, "pua_text"), (False, "pua_text")]


def test_font_named_in_one_rfonts_slot_only(tmp_path: Path) -> None:
    body = p('<w:r><w:rPr><w:rFonts w:cs="Wingdings"/></w:rPr><w:t>\uf0fe</w:t></w:r>')
    assert states(only(read_body(tmp_path, body))) == [(True, "pua_text")]


def test_low_codes_in_a_wingdings_run_are_its_symbols(tmp_path: Path) -> None:
    block = only(read_body(tmp_path, p(r("þ", font="Wingdings"), r(" Có "), r("o", font="Wingdings"), r(" Không"))))
    assert block.text == f"{CHECKED_BOX} Có {EMPTY_BOX} Không"


FORMCHECKBOX = ('<w:r><w:fldChar w:fldCharType="begin"><w:ffData><w:name w:val="Check1"/><w:enabled/>'
                '<w:checkBox><w:sizeAuto/>{state}</w:checkBox></w:ffData></w:fldChar></w:r>'
                '<w:r><w:instrText xml:space="preserve"> FORMCHECKBOX </w:instrText></w:r>'
                '<w:r><w:fldChar w:fldCharType="end"/></w:r>')


@pytest.mark.parametrize(("state", "checked"), [
    ('<w:default w:val="0"/><w:checked/>', True),
    ('<w:default w:val="0"/><w:checked w:val="1"/>', True),
    ('<w:default w:val="0"/><w:checked w:val="true"/>', True),
    ('<w:default w:val="1"/><w:checked w:val="0"/>', False),
    ('<w:default w:val="1"/><w:checked w:val="false"/>', False),
    ('<w:default w:val="1"/>', True),
    ('<w:default w:val="0"/>', False),
    ("", False),
], ids=["checked-val-absent", "checked-1", "checked-true", "checked-0", "checked-false", "default-1", "default-0",
        "neither"])
def test_formcheckbox(tmp_path: Path, state: str, checked: bool) -> None:
    block = only(read_body(tmp_path, p(FORMCHECKBOX.format(state=state), r(" Có"))))
    assert block.text == (CHECKED_BOX if checked else EMPTY_BOX) + " Có"  # the instruction text is not read
    assert block.boxes == [Box(0, checked, "formcheckbox")]


SDT_BOX = ('<w:sdt><w:sdtPr><w14:checkbox><w14:checked w14:val="{val}"/>'
           '<w14:checkedState w14:val="2612" w14:font="MS Gothic"/>'
           '<w14:uncheckedState w14:val="2610" w14:font="MS Gothic"/></w14:checkbox></w:sdtPr>'
           '<w:sdtContent><w:r><w:t>{glyph}</w:t></w:r></w:sdtContent></w:sdt>')


@pytest.mark.parametrize(("val", "glyph", "checked"), [("1", "☒", True), ("true", "☒", True), ("0", "☐", False),
                                                        ("false", "☐", False)])
def test_w14_content_control_counts_once(tmp_path: Path, val: str, glyph: str, checked: bool) -> None:
    block = only(read_body(tmp_path, p(SDT_BOX.format(val=val, glyph=glyph), r(" Có"))))
    assert block.text == (CHECKED_BOX if checked else EMPTY_BOX) + " Có"
    assert block.boxes == [Box(0, checked, "sdt")]


def test_text_content_controls_are_read_and_placeholders_are_not(tmp_path: Path) -> None:
    typed = '<w:sdt><w:sdtPr><w:alias w:val="x"/></w:sdtPr><w:sdtContent>' + r("125") + "</w:sdtContent></w:sdt>"
    prompt = ('<w:sdt><w:sdtPr><w:showingPlcHdr/></w:sdtPr><w:sdtContent>' + r("Bấm để nhập")
              + "</w:sdtContent></w:sdt>")
    assert only(read_body(tmp_path, p(r("Số: "), typed, r(" / "), prompt))).text == "Số: 125 / "


@settings(max_examples=60, deadline=None)
@given(st.lists(st.sampled_from(["Có", " ", "\t", "☐", "■", "☑", "▢", "\uf0fe", "\uf071", "\uf0b7", "x",
                                 "SYM", "FORM", "SDT"]), max_size=12))
def test_every_box_token_in_the_text_has_its_box(pieces: list[str]) -> None:
    runs = []
    for piece in pieces:
        if piece == "SYM":
            runs.append(sym("Wingdings", "F0FE"))
        elif piece == "FORM":
            runs.append(FORMCHECKBOX.format(state="<w:checked/>"))
        elif piece == "SDT":
            runs.append(SDT_BOX.format(val="0", glyph="☐"))
        elif piece == "\t":
            runs.append(r(extra="<w:tab/>"))
        else:
            runs.append(r(piece))
    data = docx_bytes(p(*runs))
    doc = docx_reader.read_docx(data, Source("mem.docx", "", "docx"))
    block = only(doc)
    assert_tokens_match_boxes(block)
    expected = sum(piece not in ("Có", " ", "\t", "x", "\uf0b7") for piece in pieces)
    assert len(block.boxes) == expected


# -- text ------------------------------------------------------------------------------------------------------
def test_tracked_changes_read_as_accepted(tmp_path: Path) -> None:
    body = p(r("Tổng số: "), '<w:del w:id="1" w:author="a"><w:r><w:delText>7</w:delText></w:r></w:del>',
             '<w:ins w:id="2" w:author="a">' + r("9") + "</w:ins>",
             '<w:moveFrom w:id="3" w:author="a">' + r(" cũ") + "</w:moveFrom>",
             '<w:moveTo w:id="4" w:author="a">' + r(" máy") + "</w:moveTo>")
    doc = read_body(tmp_path, body)
    assert only(doc).text == "Tổng số: 9 máy"
    assert any("tracked changes" in w for w in doc.warnings)


def test_fields_keep_results_not_instructions(tmp_path: Path) -> None:
    simple = '<w:fldSimple w:instr=" DATE \\@ &quot;dd/MM/yyyy&quot; ">' + r("15/08/2019") + "</w:fldSimple>"
    complex_ = ('<w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText> PAGE </w:instrText></w:r>'
                '<w:r><w:fldChar w:fldCharType="separate"/></w:r>' + r("3")
                + '<w:r><w:fldChar w:fldCharType="end"/></w:r>')
    assert only(read_body(tmp_path, p(r("Ngày "), simple, r(", trang "), complex_))).text == "Ngày 15/08/2019, trang 3"


def test_dropdown_form_field_gives_its_selected_entry(tmp_path: Path) -> None:
    dd = ('<w:r><w:fldChar w:fldCharType="begin"><w:ffData><w:ddList><w:result w:val="1"/>'
          '<w:listEntry w:val="Có"/><w:listEntry w:val="Không"/></w:ddList></w:ffData></w:fldChar></w:r>'
          '<w:r><w:instrText> FORMDROPDOWN </w:instrText></w:r><w:r><w:fldChar w:fldCharType="end"/></w:r>')
    assert only(read_body(tmp_path, p(r("LAN: "), dd))).text == "LAN: Không"


def test_special_characters(tmp_path: Path) -> None:
    body = p(r("a", extra="<w:tab/>"), r("b", extra="<w:br/>"), r("c", extra="<w:cr/>"),
             r("d", extra="<w:noBreakHyphen/>"), r("e", extra="<w:softHyphen/>"), r("f", extra="<w:ptab/>"),
             r(extra="<w:lastRenderedPageBreak/>"), r("g"))
    assert only(read_body(tmp_path, body)).text == "a\tb\nc\nd-ef\tg"


@pytest.mark.parametrize(("runs", "bold"), [
    ([r("MỤC 1. ", bold=True), r("THÔNG TIN", bold=True)], True),
    ([r("MỤC 1. ", bold=True), r(" "), r("THÔNG TIN", bold=True)], True),  # a non-bold space run is ignored
    ([r("MỤC 1. ", bold=True), r("THÔNG TIN")], False),
    ([r("MỤC 1.", bold=False)], False),
    ([r("☒", font="MS Gothic"), r(" Có", bold=True)], True),  # boxes do not count
    ([r(" ")], False),
    ([], False),
], ids=["all", "space-run", "mixed", "val-0", "box-not-counted", "blank", "empty"])
def test_bold(tmp_path: Path, runs: list[str], bold: bool) -> None:
    assert only(read_body(tmp_path, p(*runs))).bold is bold


def test_math_and_hyperlinks_are_read(tmp_path: Path) -> None:
    body = p('<w:hyperlink r:id="x">' + r("mail.gov.vn") + "</w:hyperlink>", r(" "),
             "<m:oMath><m:r><m:t>a/b</m:t></m:r></m:oMath>")
    assert only(read_body(tmp_path, body)).text == "mail.gov.vn a/b"


# -- text boxes, tables, parts -------------------------------------------------------------------------------------
def textbox(text: str) -> str:
    return f"<w:txbxContent>{p(r(text))}</w:txbxContent>"


ALT_TEXTBOX = ('<w:r><mc:AlternateContent><mc:Choice Requires="wps"><w:drawing><wp:anchor><a:graphic>'
               '<a:graphicData><wps:wsp><wps:txbx>{box}</wps:txbx></wps:wsp></a:graphicData></a:graphic>'
               '</wp:anchor></w:drawing></mc:Choice><mc:Fallback><w:pict><v:shape><v:textbox>{box}</v:textbox>'
               '</v:shape></w:pict></mc:Fallback></mc:AlternateContent></w:r>')


def test_text_box_read_once_after_its_anchor(tmp_path: Path) -> None:
    body = p(r("Trước"), ALT_TEXTBOX.format(box=textbox("Mẫu số 01 ☒")), r(" sau")) + p(r("Tiếp"))
    items = read_body(tmp_path, body).items
    assert [(i.text, i.location) for i in items] == [
        ("Trước sau", {"part": "body", "block": 0}),
        (f"Mẫu số 01 {CHECKED_BOX}", {"part": "body", "block": 0, "textbox": 0}),
        ("Tiếp", {"part": "body", "block": 1}),
    ]
    assert items[1].boxes == [Box(10, True, "glyph")]


def test_vml_only_text_box(tmp_path: Path) -> None:
    body = p(r("A"), f"<w:r><w:pict><v:shape><v:textbox>{textbox('Hộp')}</v:textbox></v:shape></w:pict></w:r>")
    assert [i.text for i in read_body(tmp_path, body).items] == ["A", "Hộp"]


def test_table_merged_cells_given_once_with_spans(tmp_path: Path) -> None:
    table = tbl(
        [tc(p(r("Stt")), vmerge="restart"), tc(p(r("Thông tin")), span=2)],
        [tc(vmerge=""), tc(p(r("Quy mô"))), tc(p(r("Kết nối")))],
        [tc(vmerge=""), tc(p(r("Toàn tỉnh"))), tc(p(r("☒ Có")))],
    )
    doc = read_body(tmp_path, p(r("Bảng")) + table)
    t = doc.items[1]
    assert isinstance(t, Table) and t.location == {"part": "body", "block": 1}
    assert [[(c.row, c.col, c.rowspan, c.colspan, c.text) for c in row] for row in t.rows] == [
        [(0, 0, 3, 1, "Stt"), (0, 1, 1, 2, "Thông tin")],
        [(1, 1, 1, 1, "Quy mô"), (1, 2, 1, 1, "Kết nối")],
        [(2, 1, 1, 1, "Toàn tỉnh"), (2, 2, 1, 1, f"{CHECKED_BOX} Có")],
    ]
    assert t.ncols == 3
    assert t.rows[2][0].blocks[0].location == {"part": "body", "block": 1, "row": 2, "cell": 1, "col": 1}


def test_grid_before_and_legacy_hmerge(tmp_path: Path) -> None:
    table = ('<w:tbl><w:tr><w:trPr><w:gridBefore w:val="1"/></w:trPr>' + tc(p(r("a")))
             + '<w:tc><w:tcPr><w:hMerge w:val="restart"/></w:tcPr>' + p(r("b")) + "</w:tc>"
             + '<w:tc><w:tcPr><w:hMerge/></w:tcPr><w:p/></w:tc></w:tr></w:tbl>')
    t = read_body(tmp_path, table).items[0]
    assert [(c.col, c.colspan, c.text) for c in t.rows[0]] == [(1, 1, "a"), (2, 2, "b")]


def test_deleted_row_keeps_its_index_and_row_properties_after_tblprex(tmp_path: Path) -> None:
    table = ('<w:tbl><w:tr><w:tblPrEx><w:tblBorders/></w:tblPrEx><w:trPr><w:del w:id="1" w:author="a"/></w:trPr>'
             + tc(p(r("bỏ"))) + "</w:tr><w:tr><w:tblPrEx/><w:trPr><w:gridBefore w:val=\"1\"/></w:trPr>"
             + tc(p(r("giữ"))) + "</w:tr></w:tbl>")
    doc = read_body(tmp_path, table)
    assert [[(c.row, c.col, c.text) for c in row] for row in doc.items[0].rows] == [[], [(1, 1, "giữ")]]
    assert any("tracked changes" in w for w in doc.warnings)


def test_nested_table_is_flattened_into_its_cell(tmp_path: Path) -> None:
    inner = tbl([tc(p(r("x"))), tc(p(r("y")))], [tc(p(r("z"))), tc(p(r("☐ w")))])
    doc = read_body(tmp_path, tbl([tc(p(r("A")), inner, p(r("B"))), tc(p(r("C")))]))
    cell = doc.items[0].rows[0][0]
    assert [b.text for b in cell.blocks] == ["A", "x", "y", "z", f"{EMPTY_BOX} w", "B"]
    assert cell.blocks[2].location == {"part": "body", "block": 0, "row": 0, "cell": 0, "col": 0, "nested": [0, 1]}
    assert cell.blocks[4].boxes == [Box(0, False, "glyph")]


def test_block_numbering_counts_direct_paragraphs_and_tables(tmp_path: Path) -> None:
    wrapped = "<w:sdt><w:sdtPr/><w:sdtContent>" + p(r("s0")) + p(r("s1")) + "</w:sdtContent></w:sdt>"
    body = p(r("p0")) + tbl([tc(p(r("t")))]) + wrapped + p(r("p2"))
    doc = read_body(tmp_path, body)
    locs = [i.location for i in doc.items]
    assert locs == [{"part": "body", "block": 0}, {"part": "body", "block": 1},
                    {"part": "body", "block": 2, "sdt": 0}, {"part": "body", "block": 2, "sdt": 1},
                    {"part": "body", "block": 2}]
    assert len(verify.body_blocks(write_docx(tmp_path / "v.docx", body))) == 3


def test_headers_first_footers_last_duplicates_skipped(tmp_path: Path) -> None:
    doc = read_body(tmp_path, p(r("Thân")), header=[p(r("Sở TT&TT")), p(r("Sở TT&TT")), p(r("Trang đầu"))],
                    footer=[p(r("Trang ", extra="<w:tab/>")), p()])
    got = [(i.text, i.location) for i in doc.items]
    assert got == [
        ("Sở TT&TT", {"part": "header", "partname": "word/header1.xml", "block": 0}),
        ("Trang đầu", {"part": "header", "partname": "word/header3.xml", "block": 0}),
        ("Thân", {"part": "body", "block": 0}),
        ("Trang \t", {"part": "footer", "partname": "word/footer1.xml", "block": 0}),
    ]


def test_missing_header_part_is_a_warning(tmp_path: Path) -> None:
    path = write_docx(tmp_path / "h.docx", p(r("Thân")), header=p(r("H")))
    broken = tmp_path / "broken.docx"
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(broken, "w") as dst:
        for name in src.namelist():
            if name != "word/header1.xml":
                dst.writestr(name, src.read(name))
    doc = readers.read(broken)
    assert [i.text for i in doc.items] == ["Thân"]
    assert any("header1.xml" in w for w in doc.warnings)


# -- read(): sniffing and bad input --------------------------------------------------------------------------------
def test_source_and_extension_ignored(tmp_path: Path) -> None:
    path = write_docx(tmp_path / "return.pdf", p(r("x")))
    doc = readers.read(path)
    assert doc.source.format == "docx" and doc.source.path == str(path) and len(doc.source.sha256) == 64
    assert json.dumps(doc.to_dict(), ensure_ascii=False)


def ole(*names: str) -> bytes:
    """OLE2 magic, a 512-byte header sector, then one directory sector holding `names` (128 bytes each)."""
    entries = b"".join(n.encode("utf-16-le").ljust(128, b"\0") for n in ("Root Entry", *names))
    return OLE_MAGIC.ljust(512, b"\0") + entries.ljust(512, b"\0")


def good_docx() -> bytes:
    return docx_bytes(p(r("x")))


def without(name: str) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(good_docx())) as src, zipfile.ZipFile(buf, "w") as dst:
        for n in src.namelist():
            if n != name:
                dst.writestr(n, src.read(n))
    return buf.getvalue()


def replaced(name: str, data: bytes) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(good_docx())) as src, zipfile.ZipFile(buf, "w") as dst:
        for n in src.namelist():
            dst.writestr(n, data if n == name else src.read(n))
    return buf.getvalue()


def bad_crc() -> bytes:
    """A DOCX whose stored word/document.xml has one byte changed after its CRC was written."""
    buf = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(good_docx())) as src, zipfile.ZipFile(buf, "w", zipfile.ZIP_STORED) as dst:
        for n in src.namelist():
            dst.writestr(n, src.read(n))
    data = bytearray(buf.getvalue())
    at = data.index(b"<w:body>") + 2
    data[at] = ord("X")
    return bytes(data)


def zipped(files: dict[str, str]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        for name, text in files.items():
            z.writestr(name, text)
    return buf.getvalue()


def odt() -> bytes:
    return zipped({"mimetype": "application/vnd.oasis.opendocument.text", "content.xml": "<document-content/>"})


BAD = {
    "random-bytes": (bytes(range(256)) * 4, "looks like unrecognised binary data"),
    "png": (b"\x89PNG\r\n\x1a\n" + b"\0" * 64, "the image (a scan/photo, read by OCR) cannot be decoded"),
    "text": ("Tổng số máy tính: 12\n".encode(), "looks like plain text"),
    "truncated-zip": (good_docx()[:300], "damaged ZIP"),
    "bad-crc": (bad_crc(), "word/document.xml cannot be unpacked"),
    "zip-without-document": (without("word/document.xml"), "damaged: the Word package has no word/document.xml"),
    "plain-zip": (zipped({"a.txt": "x"}), "looks like a ZIP archive that is not a Word document"),
    "xlsx": (zipped({"[Content_Types].xml": "<Types/>", "xl/workbook.xml": "<workbook/>"}),
             "looks like an Excel workbook (.xlsx)"),
    "bad-xml": (replaced("word/document.xml", b"<w:document><w:body><w:p></w:body>"), "not well-formed XML"),
    "no-body": (replaced("word/document.xml", b'<w:document xmlns:w="urn:x"/>'), "no document body"),
    "encrypted": (ole("EncryptedPackage", "EncryptionInfo"), "password-protected"),
    "truncated-pdf": (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n", "the PDF is damaged and cannot be opened"),
    "xls": (ole("Workbook"), "looks like an Excel 97-2003 workbook"),
}


@pytest.mark.parametrize("case", sorted(BAD))
def test_bad_input_is_one_line_naming_the_file(tmp_path: Path, case: str) -> None:
    data, message = BAD[case]
    path = tmp_path / f"return-{case}.docx"
    path.write_bytes(data)
    with pytest.raises(InputError) as err:
        readers.read(path)
    text = str(err.value)
    assert message in text and str(path) in text and "\n" not in text and text.startswith("[E101]")


def test_missing_empty_directory(tmp_path: Path) -> None:
    (tmp_path / "empty.docx").write_bytes(b"")
    for path, message in [(tmp_path / "nope.docx", "file not found"), (tmp_path / "empty.docx", "empty (0 bytes)"),
                          (tmp_path, "is a folder")]:
        with pytest.raises(InputError, match=re.escape(message)) as err:
            readers.read(path)
        assert str(path) in str(err.value)


def test_size_limit(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = write_docx(tmp_path / "big.docx", p(r("x" * 2000)))
    monkeypatch.setattr(readers, "MAX_BYTES", 1000)
    with pytest.raises(InputError, match="over the .* MB limit"):
        readers.read(path)
    assert readers.read(path, max_bytes=10**6).items


def test_dispatch_table_is_extensible(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "a.rtf"
    path.write_bytes(b"{\\rtf1 x}")
    monkeypatch.setitem(readers.READERS, "rtf", lambda data, source: Document(source, [Block("x")]))
    assert readers.read(path).source.format == "rtf"


# -- the checkbox table ------------------------------------------------------------------------------------------
def test_checkbox_table_loads() -> None:
    table = docx_reader.CHECKBOXES
    assert table["glyphs"]["☒"] is True and table["fonts"]["wingdings"][0xF071] is False
    assert table["unknown_font"] is table["fonts"]["wingdings"]


GLYPHS_OK = "glyphs: {empty: [☐, ▢], checked: [☒]}\n"


@pytest.mark.parametrize(("text", "message"), [
    ("glyphs: [", "is not valid YAML"),
    ("glyphs: {}\n", "exactly the keys glyphs, fonts, unknown_font"),
    ("glyphs: {empty: [☐], checked: [☐]}\nfonts: {W: {empty: [], checked: []}}\nunknown_font: W\n", "listed twice"),
    ("glyphs: {empty: [☐, ▢], checked: []}\nfonts: {W: {empty: [], checked: []}}\nunknown_font: W\n",
     "☒ must be listed under checked"),
    ("glyphs: {empty: [ab], checked: []}\nfonts: {W: {empty: [], checked: []}}\nunknown_font: W\n",
     "not a single character"),
    (GLYPHS_OK + "fonts: {W: {empty: [0xF0], checked: []}}\nunknown_font: W\n",
     "not a quoted hex character code"),
    (GLYPHS_OK + "fonts: {W: {empty: []}}\nunknown_font: W\n", "fonts.W"),
    (GLYPHS_OK + "fonts: {W: {empty: [], checked: []}}\nunknown_font: X\n",
     "unknown_font: 'X' is not one of the fonts"),
])
def test_malformed_checkbox_table(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "checkboxes.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(PatternError) as err:
        docx_reader.load_checkboxes(path)
    assert message in str(err.value) and "checkboxes.yaml" in str(err.value)


# -- acceptance: the mini corpus ---------------------------------------------------------------------------------
BOX_ENCODING = {"glyph": "glyph", "glyph_square": "glyph", "wingdings_sym": "sym", "wingdings2_sym": "sym",
                "wingdings_text": "pua_text", "formcheckbox": "formcheckbox", "sdt": "sdt"}


@pytest.fixture(scope="module")
def mini_corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("corpus")
    forms = tmp_path_factory.mktemp("forms")
    (forms / "f900.yaml").write_bytes((DATA / "mini_form.yaml").read_bytes())
    build.build(out, forms, per_form=12, pdf=False)
    return out


def located(doc: Document, loc: dict[str, Any]) -> list[Block]:
    """The blocks a truth location names: body block(s), or one table cell (by row and w:tc index)."""
    first, n = loc["block"], loc.get("blocks", 1)
    out: list[Block] = []
    for item in doc.items:
        if item.location.get("part") != "body" or not first <= item.location["block"] < first + n:
            continue
        if isinstance(item, Block) and "row" not in loc:
            out.append(item)
        elif isinstance(item, Table) and "row" in loc:
            for cell in item.rows[loc["row"]]:
                if (cell.blocks[0].location["row"], cell.blocks[0].location["cell"]) == (loc["row"], loc["cell"]):
                    out.extend(cell.blocks)
    return out


def test_reader_agrees_with_the_truth_of_every_mini_corpus_return(mini_corpus: Path) -> None:
    truths = sorted((mini_corpus / "truth").glob("*.json"))
    assert len(truths) == 12
    checked_text = checked_native = 0
    encodings = set()
    for tp in truths:
        truth = json.loads(tp.read_text(encoding="utf-8"))
        docx_path = mini_corpus / truth["files"]["docx"]
        doc = readers.read(docx_path)
        body = [i for i in doc.items if i.location["part"] == "body"]
        assert len(body) == len(verify.body_blocks(docx_path))  # one item per direct w:p / w:tbl
        for item in doc.items:
            for block in [item] if isinstance(item, Block) else [b for row in item.rows for c in row for b in c.blocks]:
                assert_tokens_match_boxes(block)
        for f in truth["fields"]:
            if f["raw"] is None:
                continue
            blocks = located(doc, f["location"])
            assert blocks, (truth["return_id"], f["field_id"], f["location"])
            text = "\n".join(b.text for b in blocks)
            if f["fill"] in ("native", "multi_tick"):
                chosen = f.get("ticked") or (f["value"] if isinstance(f["value"], list) else [f["value"]])
                boxes = [b for blk in blocks for b in blk.boxes]
                assert sum(b.checked is True for b in boxes) == len(chosen), (truth["return_id"], f["field_id"], text)
                assert {b.encoding for b in boxes} == {BOX_ENCODING[truth["box"]]}
                encodings.add(BOX_ENCODING[truth["box"]])
                checked_native += 1
            elif f["fill"] not in verify.MARKS:  # other box markings are counted by verify.check_return
                assert f["raw"] in text, (truth["return_id"], f["field_id"], f["raw"], text)
                checked_text += 1
    assert checked_text > 100 and checked_native > 10 and len(encodings) >= 2
