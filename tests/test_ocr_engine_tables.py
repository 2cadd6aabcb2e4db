"""Scan reader, second round: Tesseract in-process (tesserocr) or as a command, paper noise kept from Tesseract,
and table structure OCR garbles (column-number rows) repaired. Fixtures by recipe, never stored images."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from extractor.answers import Answer
from extractor.confidence import ocr_cap
from extractor.model import Block, Cell, Table
from extractor.readers import ocr_engine
from extractor.readers.ocr import settings
from extractor.readers.ocr_image import Scan
from extractor.readers.ocr_tables import repair_column_numbers
from tests.test_reader_ocr import DPI, bgr, form_page, needs_tesseract

RULES = settings()["column_numbers"]


def _table(*rows: list[str]) -> Table:
    return Table(rows=[[Cell(r, c, [Block(text=t)]) for c, t in enumerate(row)] for r, row in enumerate(rows)])


def _texts(table: Table) -> list[list[str]]:
    return [[c.text for c in row] for row in table.rows]


# -- column numbers ------------------------------------------------------------------------------------------
def test_a_garbled_column_number_row_is_written_as_the_numbers_its_columns_have() -> None:
    t = _table(["TT", "Nhóm lĩnh vực", "Tên DVCTT", "Số UBND", "Tỷ lệ", "Ghi chú"],
               ["(q)", "(2)", "(3)", "(4)", "G6).", "_Œứ)"],
               ["1", "Lĩnh vực đất đai", "Cấp giấy phép", "37", "0,3%", "Không"])
    assert repair_column_numbers(t, RULES)
    assert _texts(t)[1] == ["(1)", "(2)", "(3)", "(4)", "(5)", "(6)"]
    assert _texts(t)[2] == ["1", "Lĩnh vực đất đai", "Cấp giấy phép", "37", "0,3%", "Không"]


def test_column_numbers_that_start_after_the_first_column_keep_their_offset() -> None:
    t = _table(["", "A", "B", "C", "D"], ["", "(1)", "(2)", "(3)", "4)"])
    assert repair_column_numbers(t, RULES)
    assert _texts(t)[1] == ["", "(1)", "(2)", "(3)", "(4)"]


@pytest.mark.parametrize("row", [
    ["1", "Lĩnh vực", "12", "45", "7"],                 # a data row: numbers without brackets
    ["(1)", "(2)", "(3)", "Ghi chú dài", "(5)"],        # a long text among them is no garbled number
    ["(1)", "(2)", "", "", ""],                         # too few numbers read
    ["(3)", "(1)", "(4)", "(2)", "(7)"],                # numbers that do not follow the columns
])
def test_rows_that_are_not_column_numbers_are_left_alone(row: list[str]) -> None:
    t = _table(["TT", "A", "B", "C", "D"], row)
    assert not repair_column_numbers(t, RULES)
    assert _texts(t)[1] == row


# -- paper noise -------------------------------------------------------------------------------------------------
def _noisy(gray: np.ndarray, seed: int = 1) -> np.ndarray:
    """A page as a desk scanner gives it: paper tone, sensor noise, blur, JPEG."""
    rng = np.random.default_rng(seed)
    page = gray.astype(np.float32) * 0.9 + rng.normal(0, 6, gray.shape)
    page = cv2.GaussianBlur(np.clip(page, 0, 255).astype(np.uint8), (3, 3), 0.6)
    ok, jpeg = cv2.imencode(".jpg", page, [cv2.IMWRITE_JPEG_QUALITY, 60])
    assert ok
    return cv2.imdecode(jpeg, cv2.IMREAD_GRAYSCALE)


def test_the_paper_of_a_blank_scanned_page_reaches_tesseract_white() -> None:
    blank = _noisy(np.full((1754, 1240), 255, np.uint8))
    assert int(blank.min()) < 230  # the noise is there to be removed
    text = Scan.of(blank, settings(), DPI).text_image
    assert (text < 255).mean() < 0.001 and text.min() > 200  # a light speck or two at most


def test_paper_noise_is_whitened_but_the_text_strokes_kept() -> None:
    gray = cv2.cvtColor(bgr(form_page()), cv2.COLOR_BGR2GRAY)
    text = Scan.of(_noisy(gray), settings(), DPI).text_image
    strokes = Scan.of(gray, settings(), DPI).text_image < 100  # the words Tesseract reads on the clean page
    assert (text[strokes] < 128).mean() > 0.9
    assert (text[~cv2.dilate(strokes.astype(np.uint8), np.ones((9, 9), np.uint8)).astype(bool)] == 255).mean() > 0.99


def test_a_blank_noisy_page_gives_no_words() -> None:
    needs_tesseract()
    eng = ocr_engine.engine(settings()["tesseract"])
    blank = _noisy(np.full((1754, 1240), 255, np.uint8))
    assert eng.words(Scan.of(blank, settings(), DPI).text_image) == []


# -- the engine ----------------------------------------------------------------------------------------------
def test_language_data_is_found_where_tessdata_prefix_says(tmp_path, monkeypatch) -> None:
    cfg = dict(settings()["tesseract"], tessdata=[])
    assert ocr_engine._tessdata(cfg) is None
    for name in (f"{cfg['lang']}.traineddata", "osd.traineddata"):
        (tmp_path / name).write_bytes(b"")
    monkeypatch.setenv("TESSDATA_PREFIX", str(tmp_path))
    assert ocr_engine._tessdata(cfg) == str(tmp_path)


def test_the_command_engine_is_used_when_asked(monkeypatch) -> None:
    needs_tesseract()
    monkeypatch.setenv("EXTRACTOR_OCR_ENGINE", "command")
    assert type(ocr_engine._make(settings()["tesseract"])).__name__ == "_CommandEngine"


def test_both_engines_read_the_same_words_and_turns(monkeypatch) -> None:
    needs_tesseract()
    pytest.importorskip("tesserocr")
    cfg = settings()["tesseract"]
    fast = ocr_engine._make(cfg)
    if ocr_engine._tessdata(cfg) is None:
        pytest.skip("no tessdata folder for tesserocr")
    monkeypatch.setenv("EXTRACTOR_OCR_ENGINE", "command")
    slow = ocr_engine._make(cfg)
    assert type(fast).__name__ == "_TesserocrEngine"
    gray = cv2.cvtColor(bgr(form_page()), cv2.COLOR_BGR2GRAY)
    page = Scan.of(gray, settings(), DPI).text_image
    words = [w[0] for w in fast.words(page)]
    assert "vanphong@sotttt.gov.vn" in words
    assert len(set(words) ^ {w[0] for w in slow.words(page)}) <= 2
    for turn, code in ((90, cv2.ROTATE_90_COUNTERCLOCKWISE), (180, cv2.ROTATE_180),
                       (270, cv2.ROTATE_90_CLOCKWISE)):
        assert fast.turn(cv2.rotate(gray, code)) == slow.turn(cv2.rotate(gray, code)) == turn


# -- confidence: what OCR reads at high word confidence but often wrong ----------------------------------------
def _text(raw: str) -> Answer:
    return Answer(value=raw, raw=raw, unit=None, ok=True, quality=1.0, reason=None)


def test_accented_typed_text_read_by_ocr_goes_to_review_however_clear() -> None:
    conf, reasons = ocr_cap(0.999, [], {"page": 1, "ocr": 97}, _text("Hệ thông giám sát môi trường"), "text")
    assert conf < 0.9 and reasons == ["ocr: accented typed text (word confidence 97)"]


def test_plain_ascii_text_and_numbers_read_clearly_stay_accepted() -> None:
    assert ocr_cap(0.99, [], {"page": 1, "ocr": 97}, _text("vanphong@sotttt.gov.vn"), "text") == (0.99, [])
    num = Answer(value=125, raw="125", unit=None, ok=True, quality=1.0, reason=None)
    assert ocr_cap(0.99, [], {"page": 1, "ocr": 97}, num, "integer") == (0.99, [])


def test_accented_text_not_read_by_ocr_is_untouched() -> None:
    assert ocr_cap(0.99, [], {"page": 1}, _text("Hệ thống"), "text") == (0.99, [])


@pytest.mark.parametrize("raw", ["1163/QC-", "12/", "Phòng ("])
def test_a_value_cut_short_goes_to_review(raw: str) -> None:
    conf, reasons = ocr_cap(0.99, [], {"page": 1, "ocr": 97}, _text(raw), "integer")
    assert conf < 0.9 and reasons[-1].startswith("ocr: value cut short")


# -- checkboxes a renderer drew as a missing glyph -----------------------------------------------------------------
def test_a_tall_hollow_box_is_a_checkbox_whose_state_the_image_cannot_tell() -> None:
    from PIL import Image, ImageDraw

    from tests.test_reader_ocr import _font

    img = Image.new("L", (1240, 300), 255)
    d = ImageDraw.Draw(img)
    f = _font(13)
    side = int(7 * DPI / 72)
    d.text((100, 100), "Có", font=f, fill=0)
    d.rectangle([170, 98, 170 + side, 98 + int(1.7 * side)], outline=0, width=2)  # the renderer's missing glyph
    d.text((300, 100), "Không", font=f, fill=0)
    d.rectangle([420, 98, 420 + side, 98 + side], outline=0, width=2)  # a real empty square
    d.text((600, 80), "0 O D 00", font=_font(22), fill=0)  # tall round letters and digits are no boxes
    scan = Scan.of(np.asarray(img).copy(), settings(), DPI)
    assert [(r[0] // 10, state) for r, state in scan.boxes] == [(17, None), (42, False)]


def test_a_box_has_ink_along_its_four_sides_a_round_letter_does_not() -> None:
    from extractor.readers.ocr_image import _straight_sides

    square = np.zeros((30, 30), np.uint8)
    cv2.rectangle(square, (0, 0), (29, 29), 255, 3)
    letter_o = np.zeros((30, 30), np.uint8)  # a scanned `o`: a thick ring filling its box
    cv2.ellipse(letter_o, (15, 15), (13, 13), 0, 0, 360, 255, 7)
    rule = settings()["boxes"]["side_ink"]
    assert _straight_sides(square, rule) and not _straight_sides(letter_o, rule)


def test_a_blank_raw_value_is_not_cut_short() -> None:
    assert ocr_cap(0.99, [], {"page": 1, "ocr": 97}, _text("  "), "integer") == (0.99, [])


def test_the_line_a_skewed_scan_leaves_at_the_sheet_edge_makes_no_table() -> None:
    gray = cv2.cvtColor(bgr(form_page()), cv2.COLOR_BGR2GRAY)
    h, w = gray.shape
    edged = gray.copy()
    edged[:6, :] = 60  # the scanner's border left along the top and right edges after straightening
    edged[:, w - 6:] = 60
    for x in (int(0.7 * w), int(0.85 * w)):  # rulings running into the edges close cells with them
        cv2.line(edged, (x, 0), (x, 300), 0, 2)
    cv2.line(edged, (int(0.7 * w), 300), (w - 1, 300), 0, 2)
    scan = Scan.of(edged, settings(), DPI)
    assert [cells for _, cells in scan.tables] == [cells for _, cells in Scan.of(gray, settings(), DPI).tables]
    assert scan.text_image[:6].min() == 255 and scan.text_image[:, w - 6:].min() == 255


def test_every_ocr_line_gets_the_page_s_usual_height_whatever_its_marks() -> None:
    needs_tesseract()
    from extractor.readers.ocr import _page

    cfg = settings()
    page = _page(1, bgr(form_page()), ocr_engine.engine(cfg["tesseract"]), cfg)
    words = [g for g in page.glyphs if g.text not in "…☐☒▢"]
    assert words and len({round(g.size, 2) for g in words}) == 1
    assert all(abs((g.bottom - g.top) - g.size) < 0.01 for g in words)
