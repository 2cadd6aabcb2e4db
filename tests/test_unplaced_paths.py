"""`coverage.unplaced_blocks` looks locations up by their values as they are when they can be keys (a DOCX block's
part and number) and through `_key` otherwise (a PDF bbox list); `is_typed` asks its remembered word test for the
leader-only check too. Both give what the plain forms give (written out here), on DOCX- and PDF-like locations."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from extractor.blanks import LEADER
from extractor.coverage import _key, _typed_words, is_typed, unplaced_blocks
from extractor.model import Block
from extractor.printed import build
from extractor.slots import is_heading

PRINTED = build([
    "MỤC 1. DỊCH VỤ CÔNG",
    "- Số hồ sơ tiếp nhận trực tuyến mức độ 4 tính đến 1/10/2020:……………hồ sơ",
    "Ghi chú: số liệu tính đến ngày 30/9/2020 theo báo cáo của Văn phòng",
    "Cao đẳng",
])
TEXTS = ["", "   ", "……", ". . . .", "Cao đẳng", "Ghi chú: số liệu tính đến ngày 30/9/2020 theo báo cáo của Văn phòng",
         "Lê Hoàng Minh", "236 máy", "MỤC 1. DỊCH VỤ CÔNG", "Câu hỏi nào?", "(…)", "Số hồ sơ: 12", "- ;"]


def plain_is_typed(block: Block, text: str) -> bool:
    if not text or not LEADER.sub("", text).strip(" \t.:;,-–—()"):
        return False
    return _typed_words.__wrapped__(text, PRINTED) and not block.boxes and not is_heading(block)


def plain_unplaced(items: list[Any], slots: list[Any]) -> list[tuple[Block, str]]:
    blocks = [(n, it) for n, it in enumerate(items) if isinstance(it, Block)]
    if not blocks:
        return []
    keys = tuple(blocks[0][1].location)
    where = {_key(b.location, keys): n for n, b in blocks}
    covered: set[int] = set()
    for s in slots:
        for loc in (s.location, s.location.get("next_line")):
            if not isinstance(loc, dict):
                continue
            n = where.get(_key(loc, keys))
            if n is not None:
                covered.update(range(n, n + int(loc.get("blocks", 1))))
    out = []
    above = ""
    for n, block in blocks:
        if n in covered:
            if block.text and not block.text.isspace():
                above = block.text
            continue
        text = block.text.strip()
        if plain_is_typed(block, text):
            out.append((block, above.strip()))
        if text:
            above = text
    return out


def location(pdf: bool, n: int) -> dict[str, Any]:
    return {"page": 1 + n // 4, "bbox": [10.0, 20.0 * n, 100.0, 20.0 * n + 12]} if pdf else {"part": "body", "block": n}


@settings(max_examples=300, deadline=None)
@given(st.booleans(), st.lists(st.sampled_from(TEXTS), min_size=0, max_size=12), st.data())
def test_unplaced_blocks_as_the_plain_form(pdf: bool, texts: list[str], data: st.DataObject) -> None:
    items: list[Any] = [Block(t, location=location(pdf, n), bold=data.draw(st.booleans())) for n, t in enumerate(texts)]
    slots = []
    for _ in range(data.draw(st.integers(0, 8))):
        n = data.draw(st.integers(-1, len(texts) + 1))
        loc: dict[str, Any] = dict(location(pdf, n), start=0, end=3)
        if data.draw(st.booleans()):
            loc["blocks"] = data.draw(st.integers(1, 3))
        if data.draw(st.booleans()):
            loc["next_line"] = data.draw(st.sampled_from([None, "x", location(pdf, n + 1),
                                                          dict(location(pdf, n + 1), blocks=2)]))
        slots.append(SimpleNamespace(location=loc))
    got = unplaced_blocks(items, slots, PRINTED)
    assert [(id(b), a) for b, a in got] == [(id(b), a) for b, a in plain_unplaced(items, slots)]


@given(st.sampled_from(TEXTS + ["x" * 3, "12", "Có"]), st.booleans())
def test_is_typed_as_the_plain_form(text: str, bold: bool) -> None:
    block = Block(text, location={"part": "body", "block": 0}, bold=bold)
    assert is_typed(block, text.strip(), PRINTED) == plain_is_typed(block, text.strip())


def test_a_slot_location_holding_a_list_among_plain_blocks() -> None:
    """DOCX blocks (values that are keys) and a slot whose location holds a list: looked up through `_key`."""
    items: list[Any] = [Block(t, location=location(False, n)) for n, t in enumerate(["Lê Hoàng Minh", "236 máy"])]
    slots = [SimpleNamespace(location={"part": "body", "block": [0]}),
             SimpleNamespace(location={"part": "body", "block": 1, "next_line": {"part": ["body"], "block": 0}})]
    got = unplaced_blocks(items, slots, PRINTED)
    assert [(id(b), a) for b, a in got] == [(id(b), a) for b, a in plain_unplaced(items, slots)]
