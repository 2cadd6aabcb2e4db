"""The scan reader (OCR): page preparation in OpenCV, checkbox squares, tables and Tesseract words assembled into
the same `Document` as a PDF. Fixtures are drawn by recipe (Pillow text with DejaVu, OpenCV squares and rulings),
never stored images."""

from __future__ import annotations

import io
import os
import shutil
from pathlib import Path

import cv2
import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFont

from extractor import readers
from extractor.answers import Answer
from extractor.confidence import ocr_cap
from extractor.errors import InputError
from extractor.model import CHECKED_BOX, EMPTY_BOX, Block, Table
from extractor.readers.ocr import settings
from extractor.readers.ocr_image import Scan, clean, straighten

DPI = 150
FONT = Path("/usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf")


def needs_tesseract() -> None:
    if shutil.which("tesseract") is None:
        if os.environ.get("CI"):
            pytest.fail("Tesseract must be installed in CI (.ci/run installs tesseract-ocr and tesseract-ocr-vie)")
        pytest.skip("Tesseract not installed")


def _font(size_pt: float) -> ImageFont.FreeTypeFont:
    if not FONT.exists():
        pytest.skip("fonts-dejavu-core not installed")
    return ImageFont.truetype(str(FONT), int(size_pt * DPI / 72))


def _square(draw: ImageDraw.ImageDraw, x: int, y: int, side: int, ticked: bool) -> None:
    draw.rectangle([x, y, x + side, y + side], outline=0, width=2)
    if ticked:
        draw.line([x + 3, y + 3, x + side - 3, y + side - 3], fill=0, width=3)
        draw.line([x + 3, y + side - 3, x + side - 3, y + 3], fill=0, width=3)


def form_page() -> Image.Image:
    """An A4 page at 150 dpi: two leader lines with values, a ticked and an empty box, a 3 × 2 ruled table."""
    w, h = int(8.27 * DPI), int(11.69 * DPI)
    img = Image.new("RGB", (w, h), "white")
    d = ImageDraw.Draw(img)
    f = _font(13)
    x = int(0.9 * DPI)
    d.text((x, 150), "1. Tổng số máy tính tại đơn vị: .....125..... chiếc", font=f, fill=0)
    d.text((x, 220), "2. Địa chỉ thư điện tử: vanphong@sotttt.gov.vn", font=f, fill=0)
    side = int(11 * DPI / 72)
    d.text((x, 290), "3. Có mạng nội bộ (LAN):", font=f, fill=0)
    _square(d, x + 560, 292, side, True)
    d.text((x + 560 + side + 12, 290), "Có", font=f, fill=0)
    _square(d, x + 700, 292, side, False)
    d.text((x + 700 + side + 12, 290), "Không", font=f, fill=0)
    rows = [("Loại kết nối", "Số lượng"), ("Leased Line", "12"), ("Cáp quang", "45")]
    top, cols = 400, [x, x + 500, x + 900]
    rh = 60
    for r, (a, b) in enumerate(rows):
        y = top + r * rh
        d.text((cols[0] + 10, y + 14), a, font=f, fill=0)
        d.text((cols[1] + 10, y + 14), b, font=f, fill=0)
    for r in range(len(rows) + 1):
        d.line([cols[0], top + r * rh, cols[2], top + r * rh], fill=0, width=2)
    for c in cols:
        d.line([c, top, c, top + len(rows) * rh], fill=0, width=2)
    return img


def png(img: Image.Image) -> bytes:
    out = io.BytesIO()
    img.save(out, "PNG", dpi=(DPI, DPI))
    return out.getvalue()


def bgr(img: Image.Image) -> np.ndarray:
    return cv2.cvtColor(np.asarray(img), cv2.COLOR_RGB2BGR)


# -- page preparation (no Tesseract needed) --------------------------------------------------------------------
def test_coloured_ink_is_removed_and_black_text_kept() -> None:
    img = bgr(form_page())
    cv2.circle(img, (900, 300), 120, (40, 40, 210), 8)  # red seal over the box line
    cv2.line(img, (200, 600), (800, 640), (170, 60, 20), 3)  # blue signature stroke
    gray = clean(img, settings())
    assert gray[300 - 120, 900] > 200 and gray[620, 500] > 200  # seal ring and stroke gone
    assert (gray < 100).sum() > 0.5 * (cv2.cvtColor(bgr(form_page()), cv2.COLOR_BGR2GRAY) < 100).sum()


@pytest.mark.parametrize("angle", [-1.8, -0.7, 1.2, 2.0])
def test_a_skewed_page_is_straightened(angle: float) -> None:
    gray = cv2.cvtColor(bgr(form_page()), cv2.COLOR_BGR2GRAY)
    h, w = gray.shape
    m = cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0)
    skewed = cv2.warpAffine(gray, m, (w, h), borderValue=255)
    _, found = straighten(skewed, settings())
    assert found == pytest.approx(-angle, abs=0.25)


def test_checkbox_squares_and_their_state_come_from_the_image() -> None:
    gray = cv2.cvtColor(bgr(form_page()), cv2.COLOR_BGR2GRAY)
    scan = Scan.of(gray, settings(), DPI)
    states = [ticked for _, ticked in scan.boxes]
    assert states == [True, False]
    # the boxes are erased from what Tesseract reads, so they do not come back as `L]` or `1`
    (x0, y0, x1, y1), _ = scan.boxes[0]
    assert scan.text_image[y0:y1, x0:x1].min() == 255


def test_ruled_table_cells_are_found() -> None:
    gray = cv2.cvtColor(bgr(form_page()), cv2.COLOR_BGR2GRAY)
    scan = Scan.of(gray, settings(), DPI)
    assert len(scan.tables) == 1
    _, cells = scan.tables[0]
    assert len(cells) == 6


def test_a_dotted_leader_is_no_ruling_line() -> None:
    img = Image.new("L", (1240, 400), 255)
    ImageDraw.Draw(img).text((50, 100), "Số máy chủ: " + "." * 120, font=_font(13), fill=0)
    scan = Scan.of(np.asarray(img).copy(), settings(), DPI)
    assert scan.tables == [] and scan.boxes == []


# -- the reader (Tesseract) ------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def page_doc(tmp_path_factory: pytest.TempPathFactory):
    needs_tesseract()
    path = tmp_path_factory.mktemp("scan") / "return.png"
    path.write_bytes(png(form_page()))
    return readers.read(path)


def _blocks(doc) -> list[Block]:
    return [i for i in doc.items if isinstance(i, Block)]


def test_an_image_is_read_by_ocr_into_blocks_with_values(page_doc) -> None:
    assert page_doc.source.format == "image"
    texts = [b.text for b in _blocks(page_doc)]
    assert any("125" in t and "chiếc" in t for t in texts)
    assert any("vanphong@sotttt.gov.vn" in t for t in texts)
    assert any("read by OCR" in w for w in page_doc.warnings)


def test_boxes_are_written_into_the_text_with_their_state(page_doc) -> None:
    line = next(b for b in _blocks(page_doc) if b.boxes)
    assert [(line.text[b.offset], b.checked, b.encoding) for b in line.boxes] == [
        (CHECKED_BOX, True, "ocr"), (EMPTY_BOX, False, "ocr")]


def test_the_table_comes_back_as_a_table_with_cell_text(page_doc) -> None:
    table = next(i for i in page_doc.items if isinstance(i, Table))
    cells = {(c.row, c.col): c.text for row in table.rows for c in row}
    assert cells[(1, 1)].strip() == "12" and cells[(2, 1)].strip() == "45"
    assert "Cáp quang" in cells[(2, 0)]


def test_every_block_carries_its_ocr_word_confidence(page_doc) -> None:
    for b in _blocks(page_doc):
        assert 0 <= b.location["ocr"] <= 100 and b.location["page"] == 1 and len(b.location["bbox"]) == 4


def test_an_upside_down_page_is_turned_and_read(tmp_path: Path) -> None:
    needs_tesseract()
    path = tmp_path / "flipped.png"
    path.write_bytes(png(form_page().rotate(180)))
    doc = readers.read(path)
    assert any("upside down" in w for w in doc.warnings)
    assert any("125" in b.text for b in _blocks(doc))


def test_an_image_only_pdf_goes_to_the_ocr_reader(tmp_path: Path) -> None:
    needs_tesseract()
    path = tmp_path / "scan.pdf"
    form_page().save(path, "PDF", resolution=float(DPI))
    doc = readers.read(path)
    assert doc.source.format == "pdf"
    assert any("vanphong@sotttt.gov.vn" in b.text for b in _blocks(doc))


def test_a_damaged_image_is_a_one_line_error(tmp_path: Path) -> None:
    path = tmp_path / "broken.png"
    path.write_bytes(png(form_page())[:200])
    with pytest.raises(InputError) as exc:
        readers.read(path)
    assert "broken.png" in str(exc.value) and "\n" not in str(exc.value)


# -- confidence: OCR'd values are accepted only on strong evidence ---------------------------------------------
def _answer(quality: float = 1.0, ok: bool = True) -> Answer:
    return Answer(value=125, raw="125", unit=None, ok=ok, quality=quality, reason=None)


def test_a_clearly_read_ocr_value_keeps_its_confidence() -> None:
    assert ocr_cap(0.99, [], {"page": 1, "ocr": 95}, _answer()) == (0.99, [])


def test_a_weakly_read_ocr_value_goes_to_review_with_reason_ocr() -> None:
    conf, reasons = ocr_cap(0.99, [], {"page": 1, "ocr": 60}, _answer())
    assert conf < 0.9 and reasons == ["ocr: word confidence 60"]
    conf, reasons = ocr_cap(0.99, [], {"page": 1, "ocr": 97}, _answer(quality=0.8))
    assert conf < 0.9 and reasons[-1].startswith("ocr")
    conf, reasons = ocr_cap(0.95, ["check: sum_mismatch"], {"page": 1, "ocr": 97}, _answer())
    assert conf < 0.9 and reasons == ["check: sum_mismatch", "ocr: word confidence 97"]


def test_values_not_read_by_ocr_are_untouched() -> None:
    assert ocr_cap(0.99, ["x"], {"part": "body", "block": 3}, _answer(quality=0.5)) == (0.99, ["x"])


def test_the_review_page_crops_a_scan_from_the_page_image_turned_as_read(page_doc) -> None:
    from extractor.review import source_view

    block = next(b for b in _blocks(page_doc) if "125" in b.text)
    assert block.location["scan"][1] == 0
    png_bytes = source_view.pdf_crop_png(Path(page_doc.source.path), block.location)
    crop = cv2.imdecode(np.frombuffer(png_bytes, np.uint8), cv2.IMREAD_COLOR)
    page_h = 11.69 * source_view.RESOLUTION
    assert crop.shape[0] < 0.2 * page_h and crop.shape[1] > 0.9 * 8.27 * source_view.RESOLUTION
    assert "125" in source_view.pdf_context(Path(page_doc.source.path), block.location)


def test_a_batch_takes_page_sized_images_as_scans_and_ignores_logos() -> None:
    from extractor.batch.config import load_config
    from extractor.batch.sources import classify

    config = load_config()
    page, logo = png(form_page()), png(Image.new("RGB", (240, 80), "white"))
    assert classify("scan.jpg", page, config) == "return"
    assert classify("logo.png", logo, config) is None
    assert classify("logo.png", logo, config, named=True) == "return"


def test_ocr_text_is_never_taken_for_legacy_mojibake(page_doc) -> None:
    assert page_doc.recognised and page_doc.repairs == []
    assert not any("mojibake" in w for w in page_doc.warnings)
