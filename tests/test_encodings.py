"""Legacy encodings and the syllable check: tables (against glibc iconv), font names, decoding, mojibake repair."""

from __future__ import annotations

import shutil
import subprocess
import unicodedata
from pathlib import Path

import pytest

from extractor.errors import PatternError
from extractor.text import legacy
from extractor.text.legacy import ENCODINGS, JUDGE, label, load_encodings
from extractor.text.syllables import SYLLABLES, Judge, load_syllables


@pytest.mark.skipif(shutil.which("iconv") is None, reason="glibc iconv not installed")
def test_tcvn3_table_matches_glibc_iconv() -> None:
    """Every entry of the TCVN3 table is what glibc `iconv -f TCVN5712-1` makes of that byte."""
    codes = sorted(ENCODINGS.tcvn3)
    run = subprocess.run(["iconv", "-f", "TCVN5712-1", "-t", "UTF-8"], input=bytes(codes), capture_output=True,
                         check=True)
    assert list(run.stdout.decode("utf-8")) == [ENCODINGS.tcvn3[c] for c in codes]
    assert len(codes) == 74  # 67 lowercase letters with their tones, đ, and Ă Â Ê Ô Ơ Ư Đ


def test_tcvn3_table_covers_every_lowercase_letter() -> None:
    letters = set(ENCODINGS.tcvn3.values())
    for base in "aăâeêioôơuưy":
        for tone in ("", "\u0300", "\u0301", "\u0303", "\u0309", "\u0323"):
            letter = unicodedata.normalize("NFC", base + tone)
            assert letter.isascii() or letter in letters


@pytest.mark.parametrize(("stored", "capitals", "unicode"), [
    ("§Æng Hoµng Th¾ng", False, "Đặng Hoàng Thắng"),
    ("Thanh tra tØnh", False, "Thanh tra tỉnh"),
    ("ng\u00adêi", False, "người"),
    ("c¬ quan chñ qu¶n", True, "CƠ QUAN CHỦ QUẢN"),
    ("“Cã”", False, "“Có”"),  # Windows-1252 punctuation (0x80-0x9F) is left alone
])
def test_tcvn3_decode(stored: str, capitals: bool, unicode: str) -> None:
    assert ENCODINGS.decode(stored, "TCVN3", capitals) == unicode


@pytest.mark.parametrize(("stored", "unicode"), [
    ("Vieät Nam", "Việt Nam"), ("Ñaëng Hoaøng Thaéng", "Đặng Hoàng Thắng"), ("ngöôøi", "người"),
    ("Nguyeãn", "Nguyễn"), ("tænh", "tỉnh"), ("naêm", "năm"), ("quoác", "quốc"),
    ("AÙ AØ AÛ AÕ AÏ", "Á À Ả Ã Ạ"), ("EÂ EÁ EÀ EÅ EÃ EÄ", "Ê Ế Ề Ể Ễ Ệ"), ("AÊ AÉ AÈ AÚ AÜ AË", "Ă Ắ Ằ Ẳ Ẵ Ặ"),
    ("Í Ì Æ Ó Ò", "Í Ì Ỉ Ĩ Ị"), ("YÙ YØ YÛ YÕ Î", "Ý Ỳ Ỷ Ỹ Ỵ"), ("ÔÙ ÖØ", "Ớ Ừ"),
    ("Thaønh phoá Hoà Chí Minh", "Thành phố Hồ Chí Minh"),
])
def test_vni_decode(stored: str, unicode: str) -> None:
    assert ENCODINGS.decode(stored, "VNI") == unicode


@pytest.mark.parametrize(("name", "expected"), [
    (".VnTime", ("TCVN3", False)), (".VnTimeH", ("TCVN3", True)), ("ABCDEF+.VnArialH", ("TCVN3", True)),
    (".VnCentury Schoolbook", ("TCVN3", False)), ("VnTimeH-Bold", ("TCVN3", True)), (".vntime", ("TCVN3", False)),
    ("VNI-Times", ("VNI", False)), ("VNI-Helve-Condense", ("VNI", False)),
    ("Times New Roman", None), ("Verdana", None), ("", None), ("Wingdings", None),
])
def test_font_names(name: str, expected: tuple[str, bool] | None) -> None:
    assert ENCODINGS.font(name) == expected


def test_label() -> None:
    assert label(["TCVN3"]) == "TCVN3 → Unicode"
    assert label(["TCVN3", "VNI"]) == "TCVN3, VNI → Unicode"


# -- syllables ---------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("word", ["người", "Nguyễn", "quốc", "gì", "giữa", "khuya", "thuở", "HUYỆN", "hoà", "hòa",
                                  "thuỷ", "thủy", "nghiêng", "được", "Krông", "Đắk", "oong"])
def test_valid_syllables(word: str) -> None:
    assert SYLLABLES.valid(word)


@pytest.mark.parametrize("word", ["tØnh", "§Æng", "Hoµng", "xâ", "thàp", "ñ", "Ñaëng", "Phơng", "ngêi", "hóà"])
def test_invalid_syllables(word: str) -> None:
    assert not SYLLABLES.valid(word)


def test_judge_counts_neutral_words() -> None:
    j = Judge()
    assert j.verdict("UBND huyện Krông Pắc, HĐND, ƯDCNTT, 1.000 đ, FTTH") == (3, 0, 5)
    assert j.verdict("UBND \ufffd huyện").invalid == 1  # an unreadable character is never neutral
    assert JUDGE.verdict("§Æng Hoµng Th¾ng").invalid == 3  # TCVN3 symbols are word characters


def test_syllable_file_is_validated(tmp_path: Path) -> None:
    bad = tmp_path / "syllables.yaml"
    text = legacy.PATTERN_FILE.parent.joinpath("syllables.yaml").read_text(encoding="utf-8")
    bad.write_text(text.replace('stop_tones: [acute, dot_below]', 'stop_tones: [acute, sharp]'), encoding="utf-8")
    with pytest.raises(PatternError, match="stop_tones"):
        load_syllables(bad)


def test_encoding_file_is_validated(tmp_path: Path) -> None:
    bad = tmp_path / "encodings.yaml"
    text = legacy.PATTERN_FILE.read_text(encoding="utf-8")
    bad.write_text(text.replace('"B5": "à"', '"ZZ": "à"'), encoding="utf-8")
    with pytest.raises(PatternError, match="TCVN3.ZZ"):
        load_encodings(bad)
    bad.write_text(text.replace('"ù": [acute]', '"ù": [sharp]'), encoding="utf-8")
    with pytest.raises(PatternError, match="VNI.marks"):
        load_encodings(bad)


# -- mojibake repair ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize(("given", "repaired", "encoding"), [
    ("Họ và tên: §Æng Hoµng Th¾ng", "Họ và tên: Đặng Hoàng Thắng", "TCVN3"),  # answer only, Unicode label kept
    ("Sè ®iÖn tho¹i liªn hÖ: 0952", "Số điện thoại liên hệ: 0952", "TCVN3"),  # whole line: `Sè` is legacy too
    ("PHIÕU THU THËP", "PHIẾU THU THẬP", "TCVN3"),  # capitals font codes in capital words
    ("Ph¬ng, Tr¬ng, ®îc", "Phương, Trương, được", "TCVN3"),  # ư (U+00AD) lost by a PDF export, put back
    ("Ñaëng Hoaøng Thaéng", "Đặng Hoàng Thắng", "VNI"),
    ("Soá ñieän thoaïi", "Số điện thoại", "VNI"),
    ("Ä\x90áº·ng Viá»‡t Nam", "Đặng Việt Nam", "UTF8_AS_CP1252"),
])
def test_repair(given: str, repaired: str, encoding: str) -> None:
    assert ENCODINGS.repair(given) == (repaired, encoding)


@pytest.mark.parametrize("text", [
    "Họ và tên người báo cáo: Đặng Hoàng Thắng",  # Unicode: nothing to do
    "Xâ y dựng",  # a word broken in a PDF cell: invalid, but no encoding gives valid text with evidence
    "Nhómdịchvụ",  # glued words
    "café 25°C",
])
def test_no_repair_of_unicode(text: str) -> None:
    assert ENCODINGS.repair(text) == (text, None)


def test_repair_items_keeps_box_offsets() -> None:
    from extractor.model import Block, Box, Cell, Table

    b = Block("☒ C¸c ®¬n vÞ ☐ Kh«ng", [Box(0, True, "glyph"), Box(13, False, "glyph")])
    t = Table([[Cell(0, 0, [Block("tØnh")])]])
    used = legacy.repair_items([b, t])
    assert b.text == "☒ Các đơn vị ☐ Không"
    assert [b.text[x.offset] for x in b.boxes] == ["☒", "☐"]
    assert t.rows[0][0].blocks[0].text == "tỉnh"
    assert used == {"TCVN3": 2}
