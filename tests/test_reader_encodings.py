"""Readers and legacy text: runs in TCVN3 / VNI fonts decoded (DOCX by w:rFonts and styles, PDF by the font
of each character), mojibake in no legacy font repaired, XML entities and damaged XML read with warnings,
and the pipeline never accepting what could not be read."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from extractor import readers
from extractor.answers import Answer
from extractor.confidence import DOUBT_CAP, UNDECODABLE, apply_doubts, doubts
from extractor.model import Block, Table
from tests.docx_xml import XMLNS, p, r, tbl, tc, write_docx
from tests.pdf_fixtures import pdf_file

ROOT = Path(__file__).resolve().parents[1]


def texts(doc) -> list[str]:  # type: ignore[no-untyped-def]
    out = []
    for item in doc.items:
        if isinstance(item, Block):
            out.append(item.text)
        elif isinstance(item, Table):
            out += [b.text for row in item.rows for c in row for b in c.blocks]
    return out


def with_part(path: Path, name: str, xml: str) -> Path:
    """Add (or replace) one part of a DOCX written by tests.docx_xml."""
    with zipfile.ZipFile(path) as z:
        files = {n: z.read(n) for n in z.namelist()}
    files[name] = xml.encode("utf-8")
    with zipfile.ZipFile(path, "w") as z:
        for n, data in files.items():
            z.writestr(n, data)
    return path


# -- DOCX ------------------------------------------------------------------------------------------------------------
def test_docx_runs_in_legacy_fonts_are_decoded(tmp_path: Path) -> None:
    body = (p(r("Họ và tên: "), r("§Æng Hoµng Th¾ng", font=".VnTime"))
            + p(r("c¬ quan chñ qu¶n", font=".VnTimeH"))
            + p(r("Ñaëng Hoaøng Thaéng", font="VNI-Times"))
            + tbl([tc(p(r("Tæng sè", font=".VnTime"))), tc(p(r("12")))]))
    doc = readers.read(write_docx(tmp_path / "a.docx", body))
    assert texts(doc) == ["Họ và tên: Đặng Hoàng Thắng", "CƠ QUAN CHỦ QUẢN", "Đặng Hoàng Thắng", "Tổng số", "12"]
    assert doc.repairs == ["TCVN3", "VNI"]
    assert any("TCVN3, VNI → Unicode" in w for w in doc.warnings)


def test_docx_soft_hyphen_element_in_a_tcvn3_run_is_u_horn(tmp_path: Path) -> None:
    """LibreOffice writes TCVN3's ư (byte 0xAD, the soft hyphen) as a w:softHyphen element."""
    run = ('<w:r><w:rPr><w:rFonts w:ascii=".VnTime" w:hAnsi=".VnTime"/></w:rPr><w:t>ng</w:t><w:softHyphen/>'
           '<w:t>êi</w:t></w:r><w:r><w:t>-</w:t><w:softHyphen/><w:t>x</w:t></w:r>')
    doc = readers.read(write_docx(tmp_path / "h.docx", p(run)))
    assert texts(doc) == ["người-x"]


def test_docx_font_from_styles(tmp_path: Path) -> None:
    """A whole document in TCVN3 often sets the font in its styles, not on each run."""
    styles = (f'<w:styles {XMLNS}><w:docDefaults><w:rPrDefault><w:rPr><w:rFonts w:ascii=".VnTime" '
              'w:hAnsi=".VnTime"/></w:rPr></w:rPrDefault></w:docDefaults>'
              '<w:style w:type="paragraph" w:styleId="Title"><w:rPr><w:rFonts w:ascii=".VnTimeH" w:hAnsi=".VnTimeH"/>'
              '</w:rPr></w:style><w:style w:type="paragraph" w:styleId="Sub"><w:basedOn w:val="Title"/></w:style>'
              '<w:style w:type="character" w:styleId="Uni"><w:rPr><w:rFonts w:ascii="Arial" w:hAnsi="Arial"/></w:rPr>'
              '</w:style></w:styles>')
    body = (p(r("Thanh tra tØnh"))
            + '<w:p><w:pPr><w:pStyle w:val="Sub"/></w:pPr>' + r("b¸o c¸o") + "</w:p>"
            + p('<w:r><w:rPr><w:rStyle w:val="Uni"/></w:rPr><w:t>Tổng số</w:t></w:r>'))
    path = with_part(write_docx(tmp_path / "s.docx", body), "word/styles.xml", styles)
    doc = readers.read(path)
    assert texts(doc) == ["Thanh tra tỉnh", "BÁO CÁO", "Tổng số"]


def test_docx_mojibake_without_font_is_repaired_with_a_warning(tmp_path: Path) -> None:
    doc = readers.read(write_docx(tmp_path / "m.docx", p(r("Họ và tên: §Æng Hoµng Th¾ng")) + p(r("Xâ y dựng"))))
    assert texts(doc) == ["Họ và tên: Đặng Hoàng Thắng", "Xâ y dựng"]
    assert doc.repairs == ["TCVN3"]
    assert any("mojibake" in w and "TCVN3 → Unicode" in w for w in doc.warnings)


def test_docx_entity_reference_warns_and_marks_the_text(tmp_path: Path) -> None:
    body = p("<w:r><w:t>UBND &x; huyện</w:t></w:r>")
    doc = readers.read(write_docx(tmp_path / "e.docx", body))
    assert texts(doc) == ["UBND \ufffd huyện"]
    assert any("entity" in w for w in doc.warnings)
    assert doc.doubts == []  # only that text is doubtful, not the whole file


def test_docx_declared_entity_is_not_dropped_silently(tmp_path: Path) -> None:
    path = write_docx(tmp_path / "d.docx", p("<w:r><w:t>UBND &x; huyện</w:t></w:r>"))
    with zipfile.ZipFile(path) as z:
        xml = z.read("word/document.xml").decode()
    xml = xml.replace("<w:document", '<!DOCTYPE w:document [<!ENTITY x "Sở">]><w:document', 1)
    doc = readers.read(with_part(path, "word/document.xml", xml))
    assert texts(doc) == ["UBND \ufffd huyện"]


def test_docx_damaged_xml_is_recovered_with_a_warning(tmp_path: Path) -> None:
    """What LibreOffice writes around a content control in a table cell: mismatched w:p / w:sdtContent tags."""
    cell = ('<w:tc><w:sdt><w:sdtPr/><w:sdtContent><w:p><w:r><w:t>Có</w:t></w:r></w:sdtContent></w:p></w:sdt>'
            '</w:tc>')
    body = p(r("Tên đơn vị: Sở Y tế")) + f"<w:tbl><w:tr>{cell}<w:tc>{p(r('12'))}</w:tc></w:tr></w:tbl>" \
        + p(r("Tổng số máy tính: 40"))
    doc = readers.read(write_docx(tmp_path / "broken.docx", body))
    assert "Tên đơn vị: Sở Y tế" in texts(doc)
    assert any("recovery mode" in w for w in doc.warnings)
    assert doc.doubts == ["damaged_file"]


def test_docx_beyond_recovery_is_still_refused(tmp_path: Path) -> None:
    path = write_docx(tmp_path / "x.docx", p(r("a")))
    with pytest.raises(readers.InputError, match="not well-formed XML"):
        readers.read(with_part(path, "word/document.xml", "<w:document><w:body><w:p></w:body>"))


# -- PDF -------------------------------------------------------------------------------------------------------------
def _pdf(lines: list[tuple[str, bytes]]) -> bytes:
    """A one-page PDF drawing each (font name, bytes) line in a non-embedded WinAnsi TrueType font of that name
    (as a PDF made on a machine with the legacy fonts installed names them)."""
    fonts = list(dict.fromkeys(name for name, _ in lines))
    content = b"BT\n"
    y = 760
    for name, raw in lines:
        esc = raw.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)")
        content += f"/F{fonts.index(name)} 12 Tf 1 0 0 1 72 {y} Tm (".encode() + esc + b") Tj\n"
        y -= 60
    content += b"ET\n"
    objs = ["<< /Type /Catalog /Pages 2 0 R >>", "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << /Font << "
            + " ".join(f"/F{i} {5 + i} 0 R" for i in range(len(fonts))) + " >> >> >>", None]
    widths = " ".join(["500"] * 224)
    objs += [f"<< /Type /Font /Subtype /TrueType /BaseFont /{name} /FirstChar 32 /LastChar 255 /Widths [{widths}] "
             f"/Encoding /WinAnsiEncoding /FontDescriptor << /Type /FontDescriptor /FontName /{name} /Flags 32 "
             "/FontBBox [0 -200 1000 800] /ItalicAngle 0 /Ascent 800 /Descent -200 /CapHeight 700 /StemV 80 >> >>"
             for name in fonts]
    stream = f"<< /Length {len(content)} >>\nstream\n".encode() + content + b"endstream"
    return pdf_file([stream if obj is None else obj.encode() for obj in objs])


def test_pdf_characters_in_legacy_fonts_are_decoded(tmp_path: Path) -> None:
    path = tmp_path / "legacy.pdf"
    path.write_bytes(_pdf([(".VnTime", "§Æng Hoµng Th¾ng".encode("cp1252")),
                           (".VnTimeH", "c¬ quan".encode("cp1252")),
                           ("VNI-Times", "Vieät Nam".encode("cp1252")),
                           ("Helvetica", b"Tong so: 12")]))
    doc = readers.read(path)
    assert texts(doc) == ["Đặng Hoàng Thắng", "CƠ QUAN", "Việt Nam", "Tong so: 12"]
    assert doc.repairs == ["TCVN3", "VNI"]


def test_pdf_mojibake_without_legacy_font_is_repaired(tmp_path: Path) -> None:
    path = tmp_path / "nofont.pdf"
    path.write_bytes(_pdf([("Helvetica", "Sè ®iÖn tho¹i liªn hÖ: 0952".encode("cp1252"))]))
    doc = readers.read(path)
    assert texts(doc) == ["Số điện thoại liên hệ: 0952"]
    assert doc.repairs == ["TCVN3"]


# -- pipeline: doubts keep fields out of `accepted` ------------------------------------------------------------------
def test_undecodable_text_is_never_accepted() -> None:
    bad = Answer("Nguyen §Æng Ö", "Nguyen §Æng Ö", None, True, 1.0, None)
    good = Answer("Đặng Hoàng Thắng", "Đặng Hoàng Thắng", None, True, 1.0, None)
    assert doubts(bad, []) == [UNDECODABLE]
    assert doubts(good, []) == []
    assert doubts(good, ["damaged_file"]) == ["damaged_file"]
    reasons: list[str] = []
    conf, status = apply_doubts(0.99, "accepted", reasons, [UNDECODABLE], 0.9)
    assert (conf, status, reasons) == (DOUBT_CAP, "review", [UNDECODABLE])
    assert apply_doubts(0.2, "empty", [], ["damaged_file"], 0.9) == (0.2, "empty")
    assert apply_doubts(0.99, "accepted", [], [], 0.9) == (0.99, "accepted")


def _example() -> Path:
    found = sorted((ROOT / "corpora" / "examples").glob("*.docx"))
    if not found:
        pytest.skip("corpus examples not built")
    return found[0]


def test_damaged_return_is_review_not_failed(tmp_path: Path) -> None:
    """A real return whose document.xml lost one closing tag: read, warned, and nothing accepted."""
    from extractor.pipeline import extract_path

    src = _example()
    with zipfile.ZipFile(src) as z:
        xml = z.read("word/document.xml").decode("utf-8")
    cut = xml.index("</w:p>", len(xml) // 3)
    path = tmp_path / "damaged.docx"
    path.write_bytes(src.read_bytes())
    result = extract_path(with_part(path, "word/document.xml", xml[:cut] + xml[cut + len("</w:p>"):]))
    assert any("recovery mode" in w for w in result.warnings)
    filled = [f for f in result.fields if f.status != "empty"]
    assert filled and all(f.status == "review" and "damaged_file" in f.reasons for f in filled)
    assert all(f.confidence < 0.9 for f in result.fields)


def test_entity_in_a_return_sends_its_field_to_review(tmp_path: Path) -> None:
    from extractor.pipeline import extract_path

    src = _example()
    with zipfile.ZipFile(src) as z:
        xml = z.read("word/document.xml").decode("utf-8")
    plain = extract_path(src)
    target = next(f for f in plain.fields if f.status == "accepted" and f.type == "text" and f.raw
                  and " " in f.raw and xml.count(f.raw) == 1)
    word = target.raw.split(" ")[1]
    damaged = xml.replace(target.raw, target.raw.replace(" " + word, " &x; " + word, 1), 1)
    path = tmp_path / "entity.docx"
    path.write_bytes(src.read_bytes())
    result = extract_path(with_part(path, "word/document.xml", damaged))
    field = next(f for f in result.fields if f.field_id == target.field_id and f.row == target.row)
    assert field.status == "review" and UNDECODABLE in field.reasons
    assert any("entity" in w for w in result.warnings)


def test_doc_keeps_legacy_font_names_through_libreoffice(tmp_path: Path) -> None:
    """A .doc saved from a TCVN3 / VNI document: LibreOffice's conversion keeps the font names (in w:rFonts
    cs / eastAsia and the styles), so the text is decoded; TCVN3's ư survives as w:softHyphen."""
    import subprocess

    from tests.test_reader_legacy import _need_soffice

    exe = _need_soffice()
    body = (p(r("Tæng sè ng\u00adêi lao ®éng: 12", font=".VnTime")) + p(r("c¬ quan chñ qu¶n", font=".VnTimeH"))
            + p(r("Ñaëng Hoaøng Thaéng", font="VNI-Times")))
    src = write_docx(tmp_path / "legacy.docx", body)
    subprocess.run([exe, f"-env:UserInstallation=file://{tmp_path / 'profile'}", "--headless", "--convert-to", "doc",
                    "--outdir", str(tmp_path), str(src)], check=True, timeout=180, stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL)
    doc = readers.read(tmp_path / "legacy.doc")
    assert texts(doc) == ["Tổng số người lao động: 12", "CƠ QUAN CHỦ QUẢN", "Đặng Hoàng Thắng"]
    assert doc.repairs == ["TCVN3", "VNI"]
