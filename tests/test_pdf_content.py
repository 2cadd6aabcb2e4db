"""The fast content-stream parser and character path (extractor/readers/pdf_content.py, pdf_page._Aggregator) give
what pdfminer's own parser and `LTChar`s give: the same objects, the same characters, the same Document."""

from __future__ import annotations

import io
import random
from pathlib import Path
from typing import Any

import pdfplumber
import pytest
from pdfminer import pdffont
from pdfminer.cmapdb import CMapParser, FileUnicodeMap
from pdfminer.pdfinterp import PDFContentParser, PDFPageInterpreter
from pdfminer.pdftypes import PDFStream
from pdfminer.psparser import PSEOF, PSBaseParser, PSKeyword, PSLiteral

from extractor import readers
from extractor.readers import pdf_content
from extractor.readers.pdf_content import ContentInterpreter, FastCMapParser, parse_content, tokens
from extractor.readers.pdf_page import _layout
from tests.pdf_fixtures import pdf_file

CORPUS = Path(__file__).resolve().parents[1] / "corpora"


def _pdfminer(data: bytes) -> list[Any]:
    stream = PDFStream({}, data)
    stream.objid = 1
    parser = PDFContentParser([stream])
    out = []
    while True:
        try:
            out.append(parser.nextobject()[1])
        except PSEOF:
            return out


def _plain(obj: Any) -> Any:
    if isinstance(obj, list):
        return [_plain(x) for x in obj]
    if isinstance(obj, dict):
        return {k: _plain(v) for k, v in obj.items()}
    if isinstance(obj, (PSKeyword, PSLiteral)):
        return type(obj).__name__, obj.name
    return type(obj).__name__, obj


def _outcome(parse: Any, data: bytes) -> Any:
    try:
        return _plain(parse(data))
    except Exception as exc:  # both must fail alike (pdfminer's odd dictionary, octal code over 255)
        return type(exc).__name__


ATOMS = [b"1", b"-2", b"+3", b".5", b"-.5", b"1.", b"1.2.3", b"-", b"+", b".", b"--5", b"007", b"1e5", b"/Name",
         b"/N#41me", b"/A#4", b"/#zz", b"/A#", b"/", b"(abc)", b"(a(b)c)", b"(a\\)b)", b"(\\101\\7x)", b"(\\q)",
         b"(a\\\nb)", b"(a\\\r\nb)", b"(\\\r)", b"(\\1234)", b"(\\777)", b"(a", b"(\\", b"(\\(x)", b"<41>", b"<4 1 4>",
         b"<414>", b"<>", b"<4", b"<41>>", b"<<", b">>", b"<", b">", b"[", b"]", b"{", b"}", b"(", b")", b"#", b"\xe9",
         b"a#b", b"/a/b", b"1/a", b"(x)(y)", b"Tj", b"TJ", b"T*", b"'", b'"', b"true", b"false", b"%c\n", b"%x",
         b"\x00", b" ", b"\n", b"\r", b"\t", b"BT", b"ET", b"q", b"Q", b"re", b"[1 [2] 3]", b"{1 2}", b"]]",
         b"<</A 1/B>>", b"<</A [1 2] /B <</C 3>> >>", b"/Span<</ActualText(\xfe\xff\x00A)>>BDC", b"EMC",
         b"[<01>2<0203>-764 5 .5<0>+.5 1.]", b"[<0A0b>]", b"[ ]", b"[<01>>]", b"[1-2]", b"[<01>(x)]", b"[1.2.3]",
         b"[-. 1]", b"[<01>\x00]", b"[1%c\n]", b"[<0 1>]", b"[\x0b<01>\x0c2\n]"]


@pytest.mark.parametrize("data", [
    b"BT /F1 12 Tf 72 712 Td [(H) -20 (ello)] TJ ET",
    b"q 1 0 0 1 0 0 cm 0.5 w 10 10 m 20 20 l S Q",
    b"/Span <</ActualText <FEFF0041>>> BDC (x) Tj EMC",
    b"(unterminated", b"/A#4", b"<41", b"<</A 1 /B>> Tj", b"(\\777) Tj",
    b"[<01>2<0203>-764<0405>4<06>-2<020405>-3<06>4<02>]TJ [<01> -4829 <02>]TJ [ ]TJ [1-2]TJ [<01>>]TJ",
    b"<</A [<01> 2] /B [3 <04>]>> BDC [[<01>] 1]",
    b"% [ a comment\n[<01> 2]TJ %[\n [ 3<04>]TJ",
])
def test_parse_content_gives_pdfminers_objects(data: bytes) -> None:
    assert _outcome(parse_content, data) == _outcome(_pdfminer, data)


def test_parse_content_on_random_streams_gives_pdfminers_objects() -> None:
    rng = random.Random(18)
    for _ in range(3000):
        data = b"".join(rng.choice([b"", b" "]) + rng.choice(ATOMS) for _ in range(rng.randint(1, 10)))
        assert _outcome(parse_content, data) == _outcome(_pdfminer, data), data


def _pdfminer_tokens(data: bytes) -> list[Any]:
    parser = PSBaseParser(io.BytesIO(data))
    out = []
    while True:
        try:
            out.append(parser.nexttoken()[1])
        except PSEOF:
            return out


def test_tokens_are_pdfminers_tokens() -> None:
    rng = random.Random(19)
    for _ in range(2000):
        data = b"".join(rng.choice([b"", b" "]) + rng.choice(ATOMS + [b"BI", b"ID", b"begincmap"])
                        for _ in range(rng.randint(1, 10)))
        assert _outcome(tokens, data) == _outcome(_pdfminer_tokens, data), data


CMAP = (b"/CIDInit /ProcSet findresource begin 12 dict begin begincmap /CMapName /Adobe-Identity-UCS def\n"
        b"1 begincodespacerange <0000> <FFFF> endcodespacerange\n"
        b"3 beginbfchar <0003> <0020> <0011> <1EA1> <09BD> <00660069> endbfchar\n"
        b"2 beginbfrange <0041> <0043> <0061> <0050> <0051> [<0111> <01B0>] endbfrange\n"
        b"endcmap CMapName currentdict /CMap defineresource pop end end")


def test_the_fast_cmap_parser_reads_pdfminers_unicode_map() -> None:
    assert pdffont.CMapParser is FastCMapParser  # what pdfminer's fonts use
    fast, slow = FileUnicodeMap(), FileUnicodeMap()
    FastCMapParser(fast, io.BytesIO(CMAP)).run()
    CMapParser(slow, io.BytesIO(CMAP)).run()
    assert fast.cid2unichr == slow.cid2unichr
    assert fast.cid2unichr[0x11] == "ạ" and fast.cid2unichr[0x9BD] == "fi" and fast.cid2unichr[0x51] == "ư"


def test_an_inline_image_is_left_to_pdfminer() -> None:
    assert parse_content(b"q BI /W 1 /H 1 /BPC 8 /CS /G ID \x00\xff EI Q") is None


def _pdf(content: bytes, form: bytes) -> bytes:
    """A one-page PDF drawing `content`, with font /F1 (Helvetica, WinAnsi), /F2 (a Type0 font with a vertical
    Identity-V encoding) and the form XObject /X1 drawing `form`."""
    page = b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream"
    xobject = (b"<< /Type /XObject /Subtype /Form /BBox [0 0 595 842] /Matrix [1 0 0 1 5 7] /Resources << /Font "
               b"<< /F1 5 0 R >> >> /Length %d >>\nstream\n" % len(form) + form + b"\nendstream")
    return pdf_file([
        b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << /Font << /F1 5 0 R "
        b"/F2 7 0 R >> /XObject << /X1 6 0 R >> >> >>", page,
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>", xobject,
        b"<< /Type /Font /Subtype /Type0 /BaseFont /Vert /Encoding /Identity-V /DescendantFonts [8 0 R] >>",
        b"<< /Type /Font /Subtype /CIDFontType2 /BaseFont /Vert /CIDSystemInfo << /Registry (Adobe) /Ordering "
        b"(Identity) /Supplement 0 >> /DW 1000 /W2 [1 [-1000 500 880]] >>"])


CONTENT = (b"BT /F1 12 Tf 72 760 Td (Plain text) Tj ET\n"
           b"BT /F1 11 Tf 1.5 Tc 4 Tw 90 Tz 2 Ts 72 700 Td [(Spaced) -250 (and kerned) 120 (words)] TJ ET\n"
           b"BT /F1 10 Tf 0.8660 0.5 -0.5 0.8660 200 500 Tm (Rotated 30) Tj ET\n"
           b"BT /F1 10 Tf -1 0 0 -1 400 400 Tm (Upside) Tj ET\n"
           b"BT /F1 9 Tf 2 0 0 0.5 72 600 Tm (Squeezed) Tj T* (next) ' 3 1 (quoted) \" ET\n"
           b"q 1 0 0 1 10 20 cm /X1 Do Q\n"
           b"/Span << /ActualText <FEFFF0FE> >> BDC BT /F1 12 Tf 72 300 Td (AB) Tj ET EMC\n"
           b"BT /F2 12 Tf 500 700 Td <00010001> Tj ET\n"
           b"0.5 w 72 250 m 300 250 l S 80 100 14 14 re S\n")
FORM = b"BT /F1 10 Tf 72 200 Td (In a form) Tj ET"


INLINE_IMAGE = b"q 20 0 0 20 300 300 cm BI /W 2 /H 1 /BPC 8 /CS /G ID \x00\xff EI Q\n"


def _chars(fast: bool, monkeypatch: pytest.MonkeyPatch, content: bytes = CONTENT) -> tuple[list[tuple], list[Any]]:
    monkeypatch.setattr(pdf_content, "FAST", fast)
    with pdfplumber.open(io.BytesIO(_pdf(content, FORM))) as pdf:
        page = pdf.pages[0]
        chars = _layout(page)
        graphics = [(o["object_type"], o["x0"], o["top"], o["x1"], o["bottom"]) for o in page.objects.get("line", [])
                    + page.objects.get("rect", []) + page.objects.get("curve", [])]
        assert all(type(c) is tuple and len(c) == 8 for c in chars)  # (text, font, x0, y0, x1, y1, size, notdef)
        return chars, graphics


def test_the_fast_path_makes_pdfminers_characters(monkeypatch: pytest.MonkeyPatch) -> None:
    """Exactly the same characters (text, font, box to the last bit, size), in drawing order: transformed, spaced,
    kerned, scaled and raised text, a form XObject, /ActualText, vertical text."""
    assert pdf_content.interpreter_class() is ContentInterpreter
    fast, fast_graphics = _chars(True, monkeypatch)
    slow, slow_graphics = _chars(False, monkeypatch)
    assert pdf_content.interpreter_class() is PDFPageInterpreter
    assert fast == slow
    assert fast_graphics == slow_graphics and len(fast_graphics) == 2
    texts = "".join(c[0] for c in fast)
    assert "Plain text" in texts and "In a form" in texts and "\uf0fe" in texts  # the /ActualText of "AB"
    assert len({round(c[3], 3) for c in fast if c[0] in "Rotated"}) > 1  # the rotated line is really rotated
    assert texts.count("(cid:1)") == 2  # the vertical font's characters (pdfminer's LTChar path)


def test_the_fast_path_runs_the_page_with_an_inline_image(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[int] = []
    original = PDFPageInterpreter.execute
    monkeypatch.setattr(PDFPageInterpreter, "execute", lambda self, streams: calls.append(1) or original(self, streams))
    fast, _ = _chars(True, monkeypatch, CONTENT + INLINE_IMAGE)
    assert len(calls) == 1  # pdfminer's parser read the page (its inline image), not the form XObject
    monkeypatch.setattr(PDFPageInterpreter, "execute", original)
    assert fast == _chars(False, monkeypatch, CONTENT + INLINE_IMAGE)[0]


@pytest.mark.parametrize("path", ["returns/f000_r000.pdf", "returns/f003_r007.pdf", "returns_chromium/f002_r001.pdf",
                                  "legacy/returns/tcvn3-answers__f000_r000.pdf"])
def test_corpus_documents_are_equal_on_both_paths(path: str, monkeypatch: pytest.MonkeyPatch) -> None:
    file = CORPUS / path
    if not file.exists():
        pytest.skip(f"{path} not in the corpus")
    monkeypatch.setattr(pdf_content, "FAST", True)
    fast = readers.read(file).to_dict()
    monkeypatch.setattr(pdf_content, "FAST", False)
    assert readers.read(file).to_dict() == fast
