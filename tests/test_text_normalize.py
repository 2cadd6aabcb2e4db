"""Unicode keys for Vietnamese labels: tone key, fold, clean_label, label keys with abbreviations."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rapidfuzz import fuzz, process

from extractor.text import (
    abbreviations,
    clean_label,
    clean_text,
    fold,
    is_blank_text,
    label_fold_key,
    label_key,
    nfc,
    nfd,
    tone_key,
)

ABBR = abbreviations()

# ── tone key ────────────────────────────────────────────────────────────────────────────────────

SAME_WORD = [
    ("hoà", "hòa"),
    ("thuỷ", "thủy"),
    ("khoẻ", "khỏe"),
    ("Hoà Bình", "hòa bình"),
    ("Uỷ ban", "Ủy ban"),
    ("luỹ kế", "lũy kế"),
    ("hoá đơn", "hóa đơn"),
    ("người", "ngừơi"),  # tone typed on the first vowel of ươ
]


@pytest.mark.parametrize(("old", "new"), SAME_WORD)
@pytest.mark.parametrize("form", ["NFC", "NFD"])
def test_tone_key_unifies_old_and_new_placement(old: str, new: str, form: str) -> None:
    a, b = unicodedata.normalize(form, old), unicodedata.normalize(form, new)
    assert tone_key(a) == tone_key(b) == tone_key(nfc(new)) == tone_key(nfd(old))


@pytest.mark.parametrize(("a", "b"), [("hoa", "hòa"), ("má", "mà"), ("ma", "mã"), ("thuy", "thủy"), ("dân", "dan")])
def test_tone_key_keeps_tones_and_vowel_shapes(a: str, b: str) -> None:
    assert tone_key(a) != tone_key(b)


def test_tone_key_lowercases_and_keeps_non_letters() -> None:
    assert tone_key("HOÀ 2019 / %") == tone_key("hòa 2019 / %")
    assert tone_key("Tổng số: 12") == tone_key("tổng số: 12")
    assert tone_key("ĐƠN") == "đơn"


# ── fold ────────────────────────────────────────────────────────────────────────────────────────


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("Đơn vị", "don vi"),
        ("ĐỒNG", "dong"),
        ("Hoà", "hoa"),
        ("thủy", "thuy"),
        ("Người lao động", "nguoi lao dong"),
        ("Ủy ban nhân dân", "uy ban nhan dan"),
        ("CCVC-NLĐ", "ccvc-nld"),
        ("85 %", "85 %"),
    ],
)
def test_fold(text: str, key: str) -> None:
    assert fold(text) == key
    assert fold(nfd(text)) == key


# ── clean_label ─────────────────────────────────────────────────────────────────────────────────

CLEAN = [
    ("1. Tổng số máy tính:", "Tổng số máy tính"),
    ("1.2. Số lượng CBCCVC được cấp tài khoản: \t….........", "Số lượng CBCCVC được cấp tài khoản"),
    ("2.2.2 Tên phần mềm", "Tên phần mềm"),
    ("10.1. Tổng băng thông", "Tổng băng thông"),
    ("1) Số máy chủ", "Số máy chủ"),
    ("a) Tiêu chí thành phần", "Tiêu chí thành phần"),
    ("a. Tiêu chí", "Tiêu chí"),
    ("đ. Hệ thống khác", "Hệ thống khác"),
    ("I. THÔNG TIN CHUNG", "THÔNG TIN CHUNG"),
    ("IV. KẾ HOẠCH", "KẾ HOẠCH"),
    ("C. ỨNG DỤNG CNTT", "ỨNG DỤNG CNTT"),
    ("- Tổng số máy chủ: …............chiếc.", "Tổng số máy chủ: chiếc."),
    ("+ Tổng số máy tính xách tay", "Tổng số máy tính xách tay"),
    ("· Mục con", "Mục con"),
    ("• Mục con", "Mục con"),
    ("* Ghi chú", "Ghi chú"),
    ("MỤC 2. HẠ TẦNG KỸ THUẬT", "MỤC 2. HẠ TẦNG KỸ THUẬT"),
    ("PHẦN II. NHÂN LỰC", "PHẦN II. NHÂN LỰC"),
    ("☐ Có", "Có"),
    ("☒ Không", "Không"),
    ("▢ Khác (nêu rõ)", "Khác (nêu rõ)"),
    ("\uf071 Có \uf020\uf020", "Có"),
    ("Đơn vị có ban hành quy chế không?", "Đơn vị có ban hành quy chế không"),
    ("(Cấp tỉnh)……….", "(Cấp tỉnh)"),
    ("Tổng số  CB,   VC\tngười lao động", "Tổng số CB, VC người lao động"),
    ("Tỷ lệ (%)…………", "Tỷ lệ (%)"),
    ("10 Mb ≤ KT ≤ 20 Mb", "10 Mb ≤ KT ≤ 20 Mb"),  # an option text: a leading number is not numbering
    ("500 Mb < DL < 2Gb", "500 Mb < DL < 2Gb"),
    ("- a) Tên:", "Tên"),
    ("………………", ""),
]


@pytest.mark.parametrize(("text", "clean"), CLEAN)
def test_clean_label(text: str, clean: str) -> None:
    assert clean_label(text) == clean
    assert clean_label(nfd(text)) == clean  # output is NFC whatever the input


def test_clean_text_removes_leaders_keeps_numbers() -> None:
    assert clean_text("…...150.....chiếc") == "150 chiếc"
    assert clean_text("1.250,5 ___ đồng") == "1.250,5 đồng"
    assert clean_text("a\u200bb\u00ad") == "ab"


@pytest.mark.parametrize("text", ["", "   ", "……….", ".....", "___", " … _ . ", "\u200b"])
def test_is_blank_text(text: str) -> None:
    assert is_blank_text(text)


@pytest.mark.parametrize("text", ["0", "x", "- ", "☐", "…150…", "không"])
def test_is_not_blank_text(text: str) -> None:
    assert not is_blank_text(text)


# ── label keys ──────────────────────────────────────────────────────────────────────────────────


@pytest.mark.parametrize(
    ("short", "long"),
    [
        ("1.2. Số lượng CBCCVC:", "Số lượng cán bộ, công chức, viên chức"),
        ("Tổng số CCVC-NLĐ tại cơ quan", "Tổng số công chức, viên chức, người lao động tại cơ quan"),
        ("Số CB,VC trong biên chế", "Số cán bộ, viên chức trong biên chế"),
        ("Hệ thống QLVBĐH", "Hệ thống quản lý văn bản và điều hành"),
        ("Hệ thống QLVBDH", "Hệ thống quản lý văn bản và điều hành"),  # typed without Đ
        ("Ứng dụng phần mềm QLVB&HSCV", "Ứng dụng phần mềm quản lý văn bản và hồ sơ công việc"),
        ("Tổng số DVCTT mức độ 3", "Tổng số dịch vụ công trực tuyến mức độ 3"),
        ("Số TTHC giải quyết tại MCĐT", "Số thủ tục hành chính giải quyết tại một cửa điện tử"),
        ("UBND cấp xã", "Uỷ ban nhân dân cấp xã"),
        ("Sở TT&TT", "Sở Thông tin và Truyền thông"),
        ("HẠ TẦNG KỸ THUẬT CNTT-TT", "hạ tầng kỹ thuật công nghệ thông tin và truyền thông"),
        ("Tỷ lệ ∑VBĐT/∑VBG", "tỷ lệ văn bản điện tử / văn bản giấy"),
        ("KT < 10 Mb", "kích thước < 10 Mb"),
    ],
)
def test_label_key_expands_abbreviations(short: str, long: str) -> None:
    assert label_key(short, ABBR) == label_key(long, ABBR)
    assert label_fold_key(short, ABBR) == label_fold_key(long, ABBR)


def test_label_key_expansion_is_whole_word_and_case_sensitive() -> None:
    assert label_key("CCVC-NLĐ", ABBR) == tone_key("công chức viên chức người lao động")  # not CC + NLĐ
    assert label_key("cntt", ABBR) == "cntt"
    assert label_key("CNTTX", ABBR) == "cnttx"
    assert label_key("ABCNTT", ABBR) == "abcntt"
    assert label_key("Mức CB", ABBR) == label_key("mức cán bộ", ABBR)


def test_label_key_punctuation_and_kept_symbols() -> None:
    assert label_key("2. Tỷ lệ máy tính/ CCVC-NLĐ: …...%", ABBR) == \
        tone_key("tỷ lệ máy tính / công chức viên chức người lao động %")
    assert label_key("2Gb≤ DL ≤ 5Gb", ABBR) == tone_key("2gb ≤ dung lượng ≤ 5gb")
    assert label_key("KT > 20 Mb", ABBR) == tone_key("kích thước > 20 mb")
    assert label_key("“Tổng số” (a); [b] — c!", ABBR) == tone_key("tổng số a b c")
    assert label_key("Địa chỉ (@most.gov.vn)", ABBR) == tone_key("địa chỉ most gov vn")


def test_label_keys_equal_for_nfd_old_tones_and_no_tones() -> None:
    catalogue = "1.2. Tổng số cán bộ được hòa mạng:"
    assert label_key(nfd(catalogue), ABBR) == label_key(catalogue, ABBR)
    assert label_key("- Tổng số CB được hoà mạng", ABBR) == label_key(catalogue, ABBR)
    assert label_fold_key("Tong so can bo duoc hoa mang", ABBR) == label_fold_key(catalogue, ABBR)
    assert label_key("Tong so can bo duoc hoa mang", ABBR) != label_key(catalogue, ABBR)


def test_keys_are_the_rapidfuzz_processor() -> None:
    catalogue = {
        "infra.computers.total": "Tổng số máy tính tại cơ quan",
        "staff.total": "Tổng số CCVC-NLĐ tại cơ quan",
        "email.accounts": "Số lượng CBCCVC được cấp tài khoản thư điện tử",
    }
    choices = {fid: label_key(text, ABBR) for fid, text in catalogue.items()}
    found = nfd("- Tổng số công chức, viên chức, người lao động tại cơ quan: ………")
    match = process.extractOne(label_key(found, ABBR), choices, scorer=fuzz.ratio, processor=None)
    assert match is not None and match[2] == "staff.total" and match[1] == 100


# ── properties ──────────────────────────────────────────────────────────────────────────────────

VIETNAMESE = (
    "aàáảãạăằắẳẵặâầấẩẫậeèéẻẽẹêềếểễệiìíỉĩịoòóỏõọôồốổỗộơờớởỡợuùúủũụưừứửữựyỳýỷỹỵđ"
    "AÀÁẢÃẠĂẰẮẲẴẶÂẦẤẨẪẬEÈÉẺẼẸÊỀẾỂỄỆIÌÍỈĨỊOÒÓỎÕỌÔỒỐỔỖỘƠỜỚỞỠỢUÙÚỦŨỤƯỪỨỬỮỰYỲÝỶỸỴĐ"
    "bcdghklmnpqrstvx BCDGHKLMNPQRSTVX0123456789.,:;/%()-…"
)
vietnamese_text = st.text(alphabet=VIETNAMESE, max_size=40)


@settings(max_examples=300)
@given(st.text(max_size=40))
def test_tone_key_same_for_nfc_and_nfd(s: str) -> None:
    assert tone_key(nfd(s)) == tone_key(nfc(s))


@settings(max_examples=300)
@given(st.text(max_size=40))
def test_fold_idempotent_and_normalisation_free(s: str) -> None:
    assert fold(fold(s)) == fold(s)
    assert fold(nfd(s)) == fold(nfc(s))


@settings(max_examples=300)
@given(vietnamese_text)
def test_vietnamese_keys_are_stable(s: str) -> None:
    assert tone_key(tone_key(s)) == tone_key(s)
    assert fold(tone_key(s)) == fold(s)
    assert label_key(nfd(s), ABBR) == label_key(s, ABBR)
    assert label_fold_key(s, ABBR) == fold(label_key(s, ABBR))


def _fold_reference(text: str) -> str:
    """`fold` as first written: NFD, lowercase, NFD, every combining mark dropped, đ -> d."""
    decomposed = unicodedata.normalize("NFD", unicodedata.normalize("NFD", text).lower())
    return "".join(c for c in decomposed if not unicodedata.combining(c)).replace("đ", "d")


_FOLD_ALPHABET = ("aăâeêioôơuưyđAĂÂĐ áàảãạấầẩẫậắằẳẵặéèẻẽẹếềểễệíìỉĩịóòỏõọốồổỗộớờởỡợúùủũụứừửữựýỳỷỹỵ"
                  "\u0300\u0301\u0303\u0309\u0323\u034f\u0483ΣσςİßǅﬁⅫ中·–…x1 ")


@given(st.text(alphabet=_FOLD_ALPHABET, max_size=20) | st.text(max_size=12))
def test_fold_fast_paths_equal_the_reference(text: str) -> None:
    from extractor.text.normalize import fold

    assert fold.__wrapped__(text) == _fold_reference(text)
