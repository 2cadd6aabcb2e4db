"""Word joining at PDF line wraps (extractor/readers/pdf_words.py) and the syllable table behind it
(extractor/text/syllable_parts.py, patterns/syllable_parts.yaml)."""

from __future__ import annotations

import unicodedata
from pathlib import Path

import pytest

from extractor.errors import PatternError
from extractor.readers.pdf_words import (
    FOREIGN,
    INVALID,
    MAYBE,
    may_join,
    resolve,
    running_pieces,
    split_pieces,
    word_cost,
)
from extractor.text.syllable_parts import SYLLABLES_FILE, is_syllable, is_syllable_start, load_syllables

CORPUS_FORMS = Path(__file__).resolve().parents[1] / "corpora" / "forms"


@pytest.mark.parametrize("word", ["Xây", "dựng", "Nguyễn", "Hường", "quyết", "giếng", "gìn", "giữ", "khuya", "Thạc",
                                  "nghĩ", "kỹ", "Quản", "điều", "oanh", "y", "ĐỒNG", "hoà", "hòa", "thuỷ",
                                  "luong", "tiep", "Dich"])  # the last ones typed without diacritics
def test_syllables(word: str) -> None:
    assert is_syllable(word)
    assert is_syllable(unicodedata.normalize("NFD", word))


@pytest.mark.parametrize("word", ["Xâ", "cơbản", "điề", "ghọp", "ka", "ngi", "thàc", "dựngcơ", "CNTT", "ng", "b",
                                  "vụabc", "lượng1"])
def test_not_syllables(word: str) -> None:
    assert not is_syllable(word)


def test_syllable_starts() -> None:
    assert all(is_syllable_start(w) for w in ("Nguyễ", "Hườ", "ng", "tr", "Xâ", "Qu"))
    assert not any(is_syllable_start(w) for w in ("ờng", "chv", "dịchv", "cơb"))


def test_every_vietnamese_word_of_the_form_descriptions_is_a_syllable() -> None:
    import re

    words = set()
    for path in CORPUS_FORMS.glob("*.yaml"):
        text = unicodedata.normalize("NFC", path.read_text(encoding="utf-8")).replace("\\t", " ").replace("\\n", " ")
        words.update(w for w in re.findall(r"[^\W\d_]+", text) if len(w) > 1 and not w.isascii() and not w.isupper())
    assert len(words) > 300
    assert sorted(w for w in words if not is_syllable(w)) == []


def test_malformed_syllable_table(tmp_path: Path) -> None:
    good = SYLLABLES_FILE.read_text(encoding="utf-8")
    for bad, message in [(good.replace("rimes:", "rhymes:"), "missing key"),
                         (good.replace("  ă: [ăc,", "  ă: [ac,"), "does not start with"),
                         (good.replace("back_onsets: {c:", "back_onsets: {z:"), "not one of the onsets"),
                         (good.replace('stop_tones: ["\\u0301"', 'stop_tones: ["x"'), "tone marks"),
                         (good.replace("onsets: [b,", "onsets: [b1,"), "not a Vietnamese letter")]:
        path = tmp_path / "syllable_parts.yaml"
        path.write_text(bad, encoding="utf-8")
        with pytest.raises(PatternError, match=message):
            load_syllables(path)


@pytest.mark.parametrize(("piece", "cost"), [
    ("dựng", 0), ("(triệu", 0), ("đồng)", 0), ("1.250.000", 0), ("12,5", 0), ("85%", 0), ("abc@sotttt.gov.vn", 0),
    ("http://sotttt.phuyen.gov.vn", 0), ("CNTT-TT", 0), ("125/KH-UBND", 0), ("QLVBĐH", 0), ("Fortinet", FOREIGN),
    ("Xâ", INVALID), ("cơbản", INVALID), ("vụabc@sotttt.gov.vn", INVALID), ("T", INVALID),
    ("FortiGate", FOREIGN),
])
def test_word_cost(piece: str, cost: int) -> None:
    assert word_cost(piece) == cost


@pytest.mark.parametrize(("pieces", "joined"), [
    (["X", "ây", "d", "ự", "ng", "cơ", "bả", "n"], "Xây dựng cơ bản"),
    (["T", "ên", "ph", "ầ", "n", "m", "ề", "m"], "Tên phần mềm"),
    (["đi", "ề", "u"], "điều"), (["Ca", "o"], "Cao"), (["Ph", "òn", "g", "họ", "p"], "Phòng họp"),
    (["Thạc", "sỹ"], "Thạc sỹ"), (["12,", "5"], "12,5"), (["vụ", "abc@sotttt.gov.vn"], "vụ abc@sotttt.gov.vn"),
    (["http://sotttt.phu", "yen.gov.vn"], "http://sotttt.phuyen.gov.vn"), (["Fortine", "t"], "Fortinet"),
    (["Zalo", "và"], "Zalo và"), (["DVCT", "T"], "DVCTT"), (["luong", "ho"], "luong ho"),
    (["tiep", "nhan"], "tiep nhan"), (["………122,4………..triệu", "đồng"], "………122,4………..triệu đồng"),
    (["FortiG", "ate"], "FortiGate"),
    (["Kaspersky", "Endpoint", "Security"], "Kaspersky Endpoint Security"), (["FortiGate", "60F"], "FortiGate 60F"),
    (["abc", "123@sotttt.gov.vn"], "abc123@sotttt.gov.vn"), (["Internet", "Explorer"], "Internet Explorer"),
    (["su", "dung", "dich", "vu"], "su dung dich vu"), (["Securit", "y"], "Security"), (["Y", "tế"], "Y tế"),
    (["đã", "giiải", "quyết", "qua"], "đã giiải quyết qua"),
])
def test_split_pieces(pieces: list[str], joined: str) -> None:
    decided = split_pieces(pieces)
    assert "".join(p + ("" if j else " ") for p, j in zip(pieces, [*decided, True], strict=True)) == joined


def test_resolve_decides_each_run_of_cut_pieces() -> None:
    texts = ["Số", "lư", "ợng 1.2", "50.", "00", "0", "cơ", "bản"]
    seps = [MAYBE, MAYBE, MAYBE, "", MAYBE, " ", MAYBE]
    assert resolve(texts, seps) == [" ", "", "", "", "", " ", " "]
    assert resolve(["a", "b"], [" "]) == [" "]


def test_words_of_a_legacy_font_the_pdf_lost_are_cut_as_their_decoded_syllables() -> None:
    # TCVN3 text drawn in a fallback font, down a narrow cell: "hình thức trực tuyến và" cut as h×nh|thøc|trùc|tuyÕ|n vµ
    texts = ["h×nh", "thøc", "trùc", "tuyÕ", "n vµ"]
    assert resolve(texts, [MAYBE] * 4) == [" ", " ", " ", ""]
    assert word_cost("trùc", legacy=True) == 0 and word_cost("trùc") == INVALID  # "trùc" is no Unicode syllable
    assert word_cost("Xâ") == INVALID  # Unicode text is never read as a legacy encoding


def test_may_join_looks_at_the_pieces_so_far() -> None:
    assert may_join(["Ng", "uy"], "ễ")  # "Nguyễ" begins a syllable: the rest is on the next line
    assert may_join(["dị", "ch", "v"], "ụ")  # "vụ" is a word, though "dịchvụ" is none
    assert may_join(["abc"], "@sotttt.gov")
    assert may_join(["FortiG"], "ate 60F")  # no reading makes words: the cut is inside one
    assert not may_join(["Có"], "Không") and not may_join(["cơ"], "bản hay")
    assert not may_join([], "ụ") and not may_join(["v"], " ụ")


def test_running_pieces() -> None:
    assert running_pieces(["m ", "dị", "ch", "v"], ["", MAYBE, MAYBE]) == ["dị", "ch", "v"]
    assert running_pieces(["1.2", "50.", "00"], [MAYBE, ""]) == ["1.2", "50.00"]
    assert running_pieces(["a b", "c"], [MAYBE]) == ["b", "c"]
    assert running_pieces(["x "], []) == []


# -- the wrap decisions of pdf_paragraphs.Flow on lines built by hand ---------------------------------------------
def _line(text: str, top: float, x0: float = 0.0, width: float = 5.0, space: float = 2.5):  # type: ignore[no-untyped-def]
    from extractor.readers.pdf_lines import Glyph, Line

    glyphs, x = [], x0
    for ch in text:
        w = space if ch == " " else width
        glyphs.append(Glyph(ch, x, x + w, top, top + 10, 10.0, False))
        x += w
    return Line(glyphs, True, 1)


@pytest.mark.parametrize(("nxt", "wrap"), [("lịch", True), ("Lịch", False)])
def test_a_next_word_that_just_fits_is_a_wrap_when_it_starts_in_lower_case(nxt: str, wrap: bool) -> None:
    from extractor.readers.pdf_paragraphs import Flow

    prev, line = _line("lý", 0), _line(nxt, 11.3)
    flow = Flow([[prev, line]])
    right = prev.x1 + line.first_word + prev.space_w - 0.1  # it would fit, by less than the tolerance
    assert flow.continues(prev, line, prev, 0.0, right) is wrap
    assert flow.continues(prev, line, prev, 0.0, right + 5) is False  # clearly room: the paragraph ended


def test_a_colon_before_a_leader_at_a_wrap_is_a_space_when_no_trailing_space_is_drawn() -> None:
    from extractor.readers.pdf_paragraphs import Flow

    prev, line = _line("Địa chỉ: ab cơ quan:", 0), _line("......http://a.gov.vn......", 11.3)
    flow = Flow([[prev, line]])
    assert not flow.trailing_wraps
    assert flow.separator(prev, line, 0.0, 200.0) == " "


def test_a_box_alone_on_its_line_is_the_wrap_of_the_box_ending_the_line_above() -> None:
    from extractor.model import EMPTY_BOX
    from extractor.readers.pdf_lines import Glyph, Line
    from extractor.readers.pdf_paragraphs import Flow

    prev = _line("- Lập hồ sơ trên phần mềm", 0)
    box = Line([Glyph(EMPTY_BOX, 0, 7, 11.3, 21.3, 10.0, False, (False, "glyph"))], True, 1)
    flow = Flow([[prev, box]])
    assert not flow.trailing_wraps
    assert flow.continues(prev, box, prev, 0.0, prev.x1 + prev.space_w + 5) is True  # it did not fit: wrapped
    assert flow.continues(prev, box, prev, 0.0, prev.x1 + 20) is False  # it would have fitted: a line of its own
