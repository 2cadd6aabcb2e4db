"""Typed values from clerk-typed text (parse_value) and the word lists behind them (patterns/*.yaml)."""

from __future__ import annotations

import math
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from extractor.errors import PatternError
from extractor.text import abbreviations, load_units, load_vocabulary, nfd, parse_value, read_number
from extractor.text.values import TYPES, ParsedValue
from extractor.text.vocab import PATTERNS_DIR

AMB = "ambiguous_separator"

# (text, type, unit_hint, value, unit, ok, reason)
CASES = [
    # integers: leaders, units, separators
    ("…...150.....", "integer", None, 150, None, True, None),
    ("…...150.....chiếc", "integer", "chiếc", 150, "chiếc", True, None),
    ("150 chiếc", "integer", "chiếc", 150, "chiếc", True, None),
    ("150 chiếc.", "integer", None, 150, "chiếc", True, None),
    ("150chiếc", "integer", "chiếc", 150, "chiếc", True, None),
    ("150 CHIEC", "integer", "chiếc", 150, "chiếc", True, None),
    ("chiếc: 150", "integer", "chiếc", 150, "chiếc", True, None),
    ("35 (người)", "integer", "người", 35, "người", True, None),
    ("1.250", "integer", None, 1250, None, True, None),
    ("1.250.000", "integer", None, 1250000, None, True, None),
    ("1,250", "integer", None, 1250, None, True, AMB),
    ("1,000", "integer", None, 1000, None, True, AMB),
    ("1 250", "integer", None, 1250, None, True, None),
    ("1\u00a0250\u00a0000", "integer", None, 1250000, None, True, None),
    ("1250", "integer", None, 1250, None, True, None),
    ("1,250,000", "integer", None, 1250000, None, True, "foreign_separator"),
    ("06", "integer", None, 6, None, True, None),
    ("0", "integer", None, 0, None, True, None),
    ("không có", "integer", None, 0, None, True, None),
    ("Không có.", "integer", None, 0, None, True, None),
    ("không", "integer", None, 0, None, True, None),
    ("chưa có", "integer", None, 0, None, True, None),
    ("0 (không)", "integer", None, 0, None, True, None),
    ("12,5", "integer", None, None, None, False, "not_integer"),
    ("1.2.3", "integer", None, None, None, False, "bad_number"),
    ("1,2,50", "integer", None, None, None, False, "bad_number"),
    ("abc", "integer", None, None, None, False, "no_number"),
    ("-", "integer", None, 0, None, True, "zero_sign"),  # none typed as a dash (issue 15): 0, to a reviewer
    ("- (người)", "integer", "người", 0, "người", True, "zero_sign"),
    ("Không văn bản", "integer", "văn bản", 0, "văn bản", True, None),
    ("Không có máy", "integer", "người", 0, "máy", True, "unit_mismatch"),
    ("—", "decimal", None, 0.0, None, True, "zero_sign"),
    ("- 5", "integer", None, 5, None, True, None),
    ("khoảng 150", "integer", None, 150, None, True, "extra_text"),
    ("150 chiếc (trong đó 20 hỏng)", "integer", "chiếc", 150, "chiếc", True, "multiple_numbers"),
    ("150 máy", "integer", "chiếc", 150, "máy", True, "unit_mismatch"),
    ("12 phòng", "integer", "phòng", 12, "phòng", True, None),  # the form's unit, absent from units.yaml
    ("3 website / portal", "integer", "Website/Portal", 3, "Website/Portal", True, None),
    ("25 văn bản", "integer", "văn bản", 25, "văn bản", True, None),
    ("25 bản văn bản", "integer", "bản văn bản", 25, "bản văn bản", True, None),
    ("4 hộp thư", "integer", "hộp thư", 4, "hộp thư", True, None),
    ("7 TTHC", "integer", "thủ tục", 7, "thủ tục", True, None),
    ("-5", "integer", None, -5, None, True, "negative"),
    ("2019 150", "integer", None, 2019, None, True, "multiple_numbers"),  # 2019 is no thousands group
    ("", "integer", None, None, None, True, "empty"),
    ("……….", "integer", None, None, None, True, "empty"),
    ("  ___  ", "integer", None, None, None, True, "empty"),
    # decimals
    ("12,5", "decimal", None, 12.5, None, True, None),
    ("1.250,75", "decimal", None, 1250.75, None, True, None),
    ("1 250,75", "decimal", None, 1250.75, None, True, None),
    ("1,250.75", "decimal", None, 1250.75, None, True, "foreign_separator"),
    ("12.5", "decimal", None, 12.5, None, True, "foreign_separator"),
    ("0,125", "decimal", None, 0.125, None, True, None),
    ("1.250", "decimal", None, 1250, None, True, None),
    ("1,250", "decimal", None, 1250, None, True, AMB),
    ("3,125", "decimal", None, 3.125, None, True, AMB),
    ("1.125", "decimal", None, 1125, None, True, AMB),
    ("100 Mbps", "decimal", "Mbps", 100, "Mbps", True, None),
    ("100Mb/s", "decimal", "Mbps", 100, "Mbps", True, None),
    ("1.500 triệu đồng", "decimal", "triệu đồng", 1500, "triệu đồng", True, None),
    ("1.500 triệu VND", "decimal", "triệu đồng", 1500, "triệu đồng", True, None),
    ("25 triệu", "decimal", "triệu đồng", 25, "triệu", True, "unit_mismatch"),
    ("1.500.000 đồng", "decimal", "triệu đồng", 1500000, "đồng", True, "unit_mismatch"),
    ("không có", "decimal", None, 0, None, True, "zero_word"),
    # percents
    ("85%", "percent", None, 85, "%", True, None),
    ("85 %", "percent", None, 85, "%", True, None),
    ("85", "percent", None, 85, None, True, None),
    ("85,5%", "percent", None, 85.5, "%", True, None),
    ("85.5%", "percent", None, 85.5, "%", True, "foreign_separator"),
    ("…....85,5.....%", "percent", "%", 85.5, "%", True, None),
    ("12,500%", "percent", None, 12.5, "%", True, None),
    ("12.500%", "percent", None, 12.5, "%", True, AMB),
    ("100%", "percent", None, 100, "%", True, None),
    ("120%", "percent", None, 120, "%", True, "out_of_range_percent"),
    ("85 phần trăm", "percent", None, 85, "%", True, None),
    ("85 người", "percent", None, 85, "người", True, "unit_mismatch"),
    ("0", "percent", None, 0, None, True, None),
    # ratios
    ("45/60", "ratio", None, [45, 60], None, True, None),
    ("45 / 60", "ratio", None, [45, 60], None, True, None),
    ("45 trên 60", "ratio", None, [45, 60], None, True, None),
    ("45 TREN 60", "ratio", None, [45, 60], None, True, None),
    ("…..45…../…..60…./tháng", "ratio", None, [45, 60], "tháng", True, None),
    ("1.250/2.000", "ratio", None, [1250, 2000], None, True, None),
    ("45/0", "ratio", None, [45, 0], None, True, "zero_denominator"),
    ("75%", "ratio", None, None, None, False, "no_ratio"),
    ("chưa rõ", "ratio", None, None, None, False, "no_number"),
    # booleans
    ("Có", "boolean", None, True, None, True, None),
    ("có.", "boolean", None, True, None, True, None),
    ("CÓ", "boolean", None, True, None, True, None),
    ("Không", "boolean", None, False, None, True, None),
    ("không.", "boolean", None, False, None, True, None),
    ("Không có", "boolean", None, False, None, True, None),
    ("Chưa triển khai", "boolean", None, False, None, True, None),
    ("Đã triển khai", "boolean", None, True, None, True, None),
    ("1", "boolean", None, True, None, True, None),
    ("0", "boolean", None, False, None, True, None),
    ("Có (từ năm 2019)", "boolean", None, True, None, True, "extra_text"),
    ("x", "boolean", None, None, None, False, "no_boolean"),
    ("2", "boolean", None, None, None, False, "no_boolean"),
    ("Có/Không", "boolean", None, None, None, False, "conflicting_boolean"),
    # dates (day first, always)
    ("ngày 15 tháng 8 năm 2019", "date", None, "2019-08-15", None, True, None),
    ("Ngày 05 tháng 08 năm 2019", "date", None, "2019-08-05", None, True, None),
    ("15 tháng 8, 2019", "date", None, "2019-08-15", None, True, None),
    ("15/8/2019", "date", None, "2019-08-15", None, True, None),
    ("15/08/2019", "date", None, "2019-08-15", None, True, None),
    ("15 / 08 / 2019", "date", None, "2019-08-15", None, True, None),
    ("15-8-2019", "date", None, "2019-08-15", None, True, None),
    ("15.8.2019", "date", None, "2019-08-15", None, True, None),
    ("ngày 15/8/2019", "date", None, "2019-08-15", None, True, None),
    ("05/08/2019", "date", None, "2019-08-05", None, True, None),
    ("2019-08-15", "date", None, "2019-08-15", None, True, None),
    ("15/8/19", "date", None, "2019-08-15", None, True, "two_digit_year"),
    ("Hà Nội, ngày 15/8/2019", "date", None, "2019-08-15", None, True, "extra_text"),
    ("31/2/2019", "date", None, None, None, False, "invalid_date"),
    ("08/15/2019", "date", None, None, None, False, "invalid_date"),
    ("tháng 8/2019", "date", None, None, None, False, "partial_date"),
    ("chưa xác định", "date", None, None, None, False, "no_date"),
    # text
    ("…Nguyễn Văn A…….", "text", None, "Nguyễn Văn A", None, True, None),
    (": Sở Thông tin và Truyền thông.", "text", None, "Sở Thông tin và Truyền thông", None, True, None),
    ("https://phuyen.gov.vn", "text", None, "https://phuyen.gov.vn", None, True, None),
    ("  Phần mềm  QLVB (2018)  ", "text", None, "Phần mềm  QLVB (2018)", None, True, None),
    ("………", "text", None, None, None, True, "empty"),
    # choices are read by the slot stage
    ("Có", "choice", None, "Có", None, False, "needs_options"),
]


@pytest.mark.parametrize(("text", "type_", "hint", "value", "unit", "ok", "reason"), CASES,
                         ids=[f"{c[1]}:{c[0]!r}" for c in CASES])
def test_parse_value(text: str, type_: str, hint: str | None, value: object, unit: str | None, ok: bool,
                     reason: str | None) -> None:
    got = parse_value(text, type_, hint)
    assert (got.value, got.unit, got.ok, got.reason) == (value, unit, ok, reason)
    assert 0.0 <= got.quality <= 1.0
    assert (got.quality == 1.0) == (reason in (None, "empty")) or not ok
    if type_ == "integer" and value is not None:
        assert type(got.value) is int
    if type_ in ("decimal", "percent") and value is not None:
        assert isinstance(got.value, float)
    # the same text decomposed (NFD, as some converters write it) reads the same
    assert parse_value(nfd(text), type_, hint) == got


def test_case_table_is_large_and_covers_every_type() -> None:
    assert len(CASES) >= 60
    assert {c[1] for c in CASES} >= set(TYPES) - {"multi_choice"}


def test_quality_orders_the_separator_readings() -> None:
    clean = parse_value("1.250", "integer")
    against = parse_value("1,250", "integer")
    tie = parse_value("3,125", "decimal")
    assert clean.quality > against.quality > tie.quality > 0


def test_unknown_type_is_a_programming_error() -> None:
    with pytest.raises(ValueError, match="unknown value type"):
        parse_value("1", "money")


def test_read_number_direct() -> None:
    assert read_number("1.250", "integer") == (1250, None, 1.0)
    assert read_number("1,250", "percent") == (1.25, None, 1.0)
    assert read_number("1.250,5") == (1250.5, None, 1.0)
    assert read_number("1,250,5") is None
    assert read_number("12.34.5") is None


def test_parsed_value_to_dict() -> None:
    assert parse_value("45/60", "ratio").to_dict() == {
        "value": [45, 60], "unit": None, "ok": True, "quality": 1.0, "reason": None}


# ── properties ──────────────────────────────────────────────────────────────────────────────────


def _group(n: int, sep: str) -> str:
    return f"{n:,}".replace(",", sep)


@settings(max_examples=400)
@given(st.integers(min_value=0, max_value=10**12), st.sampled_from([".", " ", "\u00a0", "\u202f", ""]),
       st.sampled_from(["", "…...", "  "]), st.sampled_from(["", " chiếc", " người", ".....", "…"]))
def test_grouped_integers_round_trip(n: int, sep: str, lead: str, tail: str) -> None:
    text = lead + _group(n, sep) + tail
    got = parse_value(text, "integer")
    assert got.ok and got.value == n and type(got.value) is int, text
    assert parse_value(text, "decimal").value == n


@settings(max_examples=300)
@given(st.integers(min_value=0, max_value=10**9), st.integers(min_value=1, max_value=99),
       st.sampled_from([".", " "]))
def test_vietnamese_decimals_round_trip(whole: int, frac: int, sep: str) -> None:
    frac_text = str(frac).rstrip("0")
    text = _group(whole, sep) + "," + frac_text
    got = parse_value(text, "decimal")
    assert got.ok and math.isclose(got.value, float(f"{whole}.{frac_text}")), text


@settings(max_examples=300)
@given(st.text(max_size=30), st.sampled_from(TYPES), st.sampled_from([None, "chiếc", "%", "triệu đồng"]))
def test_parse_value_never_raises(text: str, type_: str, hint: str | None) -> None:
    got = parse_value(text, type_, hint)
    assert isinstance(got, ParsedValue)
    assert 0.0 <= got.quality <= 1.0
    if not got.ok:
        assert got.reason and got.quality == 0.0


# ── the word lists ──────────────────────────────────────────────────────────────────────────────


@pytest.mark.parametrize("name", ["vocabulary.yaml", "units.yaml"])
def test_pattern_files_load(name: str) -> None:
    path = PATTERNS_DIR / name
    loaded = load_vocabulary(path) if name == "vocabulary.yaml" else load_units(path)
    assert loaded is (load_vocabulary(path) if name == "vocabulary.yaml" else load_units(path))  # cached


def test_vocabulary_content() -> None:
    voc = load_vocabulary()
    assert "có" in voc.true_words and "không" in voc.false_words and "không có" in voc.zero_words
    assert voc.day_words == ("ngày",) and voc.ratio_words == ("trên",)
    table = abbreviations()
    for short in ["CBCCVC", "CBCC", "CB", "CC", "VC", "CCVC-NLĐ", "NLĐ", "CNTT", "CNTT-TT", "QLVBĐH", "QLVB",
                  "QLVB&HSCV", "HSCV", "DVCTT", "DVC", "TTHC", "MCĐT", "ATTT", "ATTTM", "UBND", "CQNN", "VBĐT",
                  "VBG", "PM", "KT", "DL", "CPĐT", "ƯDCNTT", "TT&TT", "GDĐT", "VP"]:
        assert table[short], short
    assert table["CBCCVC"] == "cán bộ, công chức, viên chức"

def test_a_loanword_label_keys_like_its_vietnamese_spelling() -> None:
    """issue 15: `5. Email: …abc@…` is the form's `5. Thư điện tử:` (it lost to a glossary line, whose long text was
    accepted as the e-mail address)."""
    from extractor.catalogue import Keys
    assert Keys.of("5. Email:") == Keys.of("Thư điện tử")
    assert Keys.of("Hệ thống email dùng chung") == Keys.of("Hệ thống thư điện tử dùng chung")
    assert Keys.of("E-mail") == Keys.of("thư điện tử")


def test_unit_table() -> None:
    units = load_units()
    assert units.canonical_of("CHIEC") == "chiếc"
    assert units.canonical_of(nfd("triệu VNĐ")) == "triệu đồng"
    assert units.canonical_of("mbps") == "Mbps"
    assert units.canonical_of("ghế") is None


BAD_VOCABULARY = [
    ("booleans: [có]\n", "booleans"),
    ("booleans: {true_words: [có, 5], false_words: [không]}\n", "booleans.true_words[1]"),
    ("booleans: {true_words: [có, yes], false_words: [không]}\n", "booleans.true_words[1]"),  # YAML bool
    ("booleans: {true_words: [có, Có], false_words: [không]}\n", "booleans.true_words[1]"),
    ("booleans: {true_words: [có], false_words: [không, co]}\n", "booleans"),
    ("booleans: {true_words: [có], false_words: [không], maybe: [x]}\n", "booleans"),
    ("abbreviations: {CNTT: công nghệ thông tin, CNTT: khác}\n", "duplicate key"),
    ("abbreviations: {CNTT: 5}\n", "abbreviations.CNTT"),
    ("abbreviations: {'CN TT': công nghệ}\n", "abbreviations.CN TT"),
    ("date_words: {day: [ngày], month: [tháng]}\n", "date_words"),
    ("zero_words: []\n", "zero_words"),
    ("tick_marks: [xx]\n", "tick_marks"),
    ("range_words: {lower_before: [trên], upper_before: [dưới]}\n", "range_words"),
    ("extra: 1\n", "(top level)"),
    ("booleans: [\n", "not valid YAML"),
]

GOOD_VOCABULARY = {
    "booleans": "booleans: {true_words: [có], false_words: [không]}\n",
    "zero_words": "zero_words: [không]\n",
    "zero_signs": "zero_signs: [\"-\"]\n",
    "date_words": "date_words: {day: [ngày], month: [tháng], year: [năm]}\n",
    "ratio_words": "ratio_words: [trên]\n",
    "range_words": "range_words: {lower_before: [trên], upper_before: [dưới], lower_after: [trở lên], "
                   "upper_after: [trở xuống], less_signs: [\"<\"], greater_signs: [\">\"]}\n",
    "value_anchors": "value_anchors: [là, \"=\"]\n",
    "tick_marks": "tick_marks: [x, ✓]\n",
    "abbreviations": "abbreviations: {CNTT: công nghệ thông tin}\n",
}


def _vocabulary_text(bad: str) -> str:
    replaced = bad.split(":", 1)[0].strip()
    parts = [text for key, text in GOOD_VOCABULARY.items() if key != replaced]
    return "".join(parts) + bad


def test_good_vocabulary_fixture_loads(tmp_path: Path) -> None:
    path = tmp_path / "vocabulary.yaml"
    path.write_text("".join(GOOD_VOCABULARY.values()), encoding="utf-8")
    assert load_vocabulary(path).abbreviations == {"CNTT": "công nghệ thông tin"}


@pytest.mark.parametrize(("bad", "entry"), BAD_VOCABULARY, ids=[e for _, e in BAD_VOCABULARY])
def test_bad_vocabulary_names_file_and_entry(tmp_path: Path, bad: str, entry: str) -> None:
    path = tmp_path / f"vocab_{abs(hash(bad))}.yaml"
    path.write_text(_vocabulary_text(bad), encoding="utf-8")
    with pytest.raises(PatternError) as info:
        load_vocabulary(path)
    message = str(info.value)
    assert message.startswith("[E201]") and str(path) in message and entry in message


@pytest.mark.parametrize(
    ("text", "entry"),
    [
        ("units: [chiếc]\n", "units"),
        ("units: {}\n", "units"),
        ("units: {chiếc: cái}\n", "units.chiếc"),
        ("units: {chiếc: [cái], cái: []}\n", "units.cái"),
        ("units: {chiếc: [], máy: [Chiec]}\n", "units.máy"),
        ("units: {chiếc: [cái, Cái]}\n", "units.chiếc[1]"),
        ("unit: {chiếc: []}\n", "(top level)"),
    ],
)
def test_bad_units_name_file_and_entry(tmp_path: Path, text: str, entry: str) -> None:
    path = tmp_path / f"units_{abs(hash(text))}.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(PatternError) as info:
        load_units(path)
    assert str(path) in str(info.value) and entry in str(info.value)


def test_missing_pattern_file(tmp_path: Path) -> None:
    with pytest.raises(PatternError, match="cannot read"):
        load_units(tmp_path / "absent.yaml")
