"""Find every slot of a document: dotted blanks (filled or not), `label: value` pairs whose dots were
deleted, several blanks on one line, table cells under a header (`extractor.table_slots`), and checkbox groups.

A slot carries what matching needs (label, the whole line as context, section path, column or per-level
qualifier, table coordinates) and the raw text the clerk typed; parsing the value is the next stage's job.
"""

from __future__ import annotations

import functools
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

import regex

from extractor import counts
from extractor.blanks import (
    LEADER,
    Region,
    answer_words,
    date_words,
    find_leader,
    has_leader,
    is_date_line,
    label_regions,
    split_line,
    split_unit,
    stable_units,
    unit_like,
    unlead,
)
from extractor.compiled import regex_compile
from extractor.model import CHECKED_BOX, EMPTY_BOX, UNKNOWN_BOX, Block, Document, Span, Table
from extractor.options import OptionLine, is_yes_no
from extractor.options import parse as parse_options
from extractor.options import tokens as tokens_of
from extractor.printed import Blank, Printed, label_score, line_key, spaced_label
from extractor.text.normalize import clean_label, fold, nfc

BOX_CHARS = EMPTY_BOX + CHECKED_BOX + UNKNOWN_BOX
DATE_ONLY = regex_compile(r"\d{1,2}/\d{1,2}/\d{2,4}|\p{L}{3,5}\s+\d{1,2}\s+\p{L}{4,5}\s+\d{1,2}\s+\p{L}{2,3}\s+\d{4}")
TYPED_MARK = regex_compile(r"(?:(?<=^)|(?<=[\s\t]))(\[[xX✓✔]\]|\([xX]\)|[xX✓✔])(?=[ \t]+\S)")
HEADING = regex_compile(r"^\s*(?:(?:MỤC|PHẦN|Mục|Phần)\s+[\dIVX]+|[IVX]{1,4}\.|[A-H][\.:]\s)", regex.V1)
SUBHEADING = regex_compile(r"^\s*\d+(?:\.\d+)*\.?\s+\S")
_DIGIT = regex_compile(r"\d")
_LABELLED_NUMBER = regex_compile(r"\p{L}\s*:[ \t]*\d")  # a number right after a label's colon
_MARKED_TOKEN = regex_compile(r"[\w@./-]*[\d@][\w@./-]*")  # a word holding a digit or an @
_NAME_START = regex_compile(r"(?<=[\p{Ll})][ \t]+)\p{Lu}")  # a capital after a lower-case word: typed text starts
LABEL_LIKE = 70  # `printed.label_score` from which words before a value are a label (reworded), not typed text
_MIN_PRINTED_PIECE = 6  # key characters a piece of a printed line needs to count as printed words


@dataclass(slots=True)
class Option:
    """One option of a checkbox group: its words, whether it was ticked, and how."""

    text: str
    checked: bool | None  # None: unknown (box state not readable)
    mark: str  # box | typed_x
    styles: tuple[str, ...] = ()  # span styles covering the option's text (Span.style: bold, highlight, strike)


@dataclass(slots=True)
class Slot:
    """One place a clerk could answer, with what was typed or ticked there."""

    kind: str  # blank | cell | choice | label (a table row's label cell: an answer only in list tables)
    label: str
    context: str = ""
    section: str = ""
    column: str | None = None
    raw: str | None = None  # typed text, None when the blank is empty
    unit_text: str | None = None  # text printed right after the blank (a unit, usually)
    options: list[Option] | None = None
    location: dict[str, Any] = field(default_factory=dict)
    order: int = 0
    table: int | None = None  # table number in the document, for cells
    row: int | None = None  # data row (1-based) within the table
    row_label: str | None = None
    weak: bool = False  # an empty `label:` with no dots: weaker evidence of a blank than a drawn leader
    extra: str | None = None  # typed text in the slot's region that is neither its value nor printed words
    whole_line: bool = False  # `raw` is a whole paragraph under its question: it may begin with a label's words

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def is_heading(block: Block) -> bool:
    """Is `block` a section heading of the form (what the slot finder takes as the start of a section)?"""
    return _Section().update(block)


@dataclass
class _Section:
    """The heading path (section, sub-section) the finder is in, as it walks the document."""

    path: list[str] = field(default_factory=lambda: ["", ""])

    def update(self, block: Block) -> bool:
        """Enter `block` when it is a heading; True when it is one."""
        return self.enter(block.text, _heading_level(block.text, block.bold))

    def enter(self, text: str, level: int) -> bool:
        """Enter a paragraph of `text` whose `_heading_level` is `level`; True when it is a heading."""
        if level == 1:
            self.path = [text.strip(), ""]
        elif level == 2:
            self.path[1] = text.strip()
        return level > 0

    def __str__(self) -> str:
        return " / ".join(p for p in self.path if p)


_HEAD_STARTS = frozenset("MPIVXABCDEFGH")  # the first characters of `HEADING`'s alternatives


def _may_head(text: str) -> bool:
    """False when `HEADING` cannot match a stripped `text`: its `\\s*` takes nothing there (`str.strip` removes all
    it takes), so the text begins as an alternative does (`MỤC`, `Mục`, `PHẦN`, `Phần`, `I`, `V`, `X`, `A`-`H`)."""
    return text[:1] in _HEAD_STARTS


@functools.lru_cache(maxsize=16384)
def _heading_level(text: str, bold: bool) -> int:
    """1 when a paragraph of `text` is a section heading, 2 a sub-heading, 0 neither (remembered per line)."""
    text = text.strip()
    if not bold and not _may_head(text):
        return 0  # (what follows gives 0 to such a line whatever it holds: leaders and boxes need not be looked for)
    if not text or len(text) > 160 or has_box(text) or find_leader(text):
        return 0
    if _may_head(text) and HEADING.match(text) and (bold or text.isupper() or len(text) < 90):
        return 1
    if bold and SUBHEADING.match(text) and not text.rstrip().endswith(":"):
        return 2
    if bold and text.isupper():
        return 1
    return 0


# -- text blocks -----------------------------------------------------------------------------------------
def block_slots(block: Block, section: str, units: Sequence[str], printed: Printed | None = None,
                paragraph: bool = False) -> list[Slot]:
    """Blank slots of one paragraph (checkbox groups are found separately). A value after its label with only a
    space (`Số điện thoại 0967011931`) is read in a `paragraph` only: in a table cell it is a row label's words.

    With `printed` (the known forms' printed lines), a line that is not printed text but was typed over a
    printed line with blanks is read by that line: what lies between its printed words is the value, however
    the clerk placed it (glued to the label, after the dots, over a shortened dot run)."""
    text = block.text
    if has_box(text):
        return []
    if printed is None or not isinstance(units, tuple):
        found = _line_slots(text, units, printed, paragraph)
    else:  # the printed lines of a form come back in every return: read each distinct line once
        found = _line_slots_cached(text, units, printed, paragraph)
    return [Slot("blank", label, context, section, column, raw, unit, location=dict(block.location, start=a, end=b),
                 weak=weak, extra=extra)
            for label, context, column, raw, unit, a, b, weak, extra in found]


def line_labels(text: str, units: Sequence[str], printed: Printed | None) -> list[str]:
    """The labels of the blanks `block_slots` finds in a line without boxes (a table cell's: not a paragraph)."""
    found = _line_slots(text, units, printed) if printed is None or not isinstance(units, tuple) else \
        _line_slots_cached(text, units, printed, False)
    return [f[0] for f in found]


_LineSlot = tuple[str, str, "str | None", "str | None", "str | None", int, int, bool, "str | None"]


@functools.lru_cache(maxsize=16384)
def _line_slots_cached(text: str, units: tuple[str, ...], printed: Printed, paragraph: bool) -> tuple[_LineSlot, ...]:
    return tuple(_line_slots(text, units, printed, paragraph))


def _line_slots(text: str, units: Sequence[str], printed: Printed | None, paragraph: bool = False) -> list[_LineSlot]:
    """(label, context, column, raw, unit, start, end, weak, extra) of each blank of one line."""
    regions = split_line(text, units, spaced=paragraph, sub_labels=printed.sub_labels if printed else frozenset())
    if printed is not None and printed.is_printed(text):
        regions = [r for r in regions if not r.spaced]  # "Số lao động hợp đồng 68": the form's words, no value

    on_printed = False  # the blanks are a printed line's: the words around them are that line's
    if printed is not None and not printed.is_printed(text):
        aligned = printed.align(text)
        if aligned is None and paragraph:  # "…tại chức):Kỹ sư, chuyên ngành Hệ thống …": a value after a space
            aligned = printed.align(text, spaced=True)
        if aligned is not None and not _spaced_is_tighter(regions, aligned) and (
                any(r.spaced for r in regions) or _aligned_is_better(regions, aligned, printed)):
            on_printed = True
            # a region starts at its value: the printed ")" or ":" before it stays in the label
            regions = label_regions(text, [Region(max(b.start, text.find(b.raw, b.start)) if b.raw else b.start,
                                                  b.end, b.raw) for b in aligned], units)
    if not regions:
        return []
    # the line as the form printed it: what the clerk typed is cut out
    pieces, pos = [], 0
    for r in regions:
        pieces.append(text[pos:r.start])
        pos = r.end
    pieces.append(text[pos:])
    context = clean_label(unlead(" ".join(pieces)))
    return [(clean_label(r.label), context, r.column, r.raw or None, r.unit or None, r.start, r.end, r.weak,
             _extra(text, regions, k, units, printed, on_printed)) for k, r in enumerate(regions)]


def _spaced_is_tighter(regions: Sequence[Region], aligned: Sequence[Blank]) -> bool:
    """A value read after a label and a space (an address, a phone, a number) that the printed line's blank holds
    with words before it (`Thư điện tử lên hệ thuyh@…` over `Thư điện tử: ……`): the label reworded, those words
    are its own, not the value's."""
    if len(regions) != len(aligned) or not all(r.spaced for r in regions):
        return False
    return all(b.raw != r.raw and b.raw.endswith(r.raw) and not _DIGIT.search(b.raw[:-len(r.raw)])
               for r, b in zip(regions, aligned, strict=True))


def _aligned_is_better(regions: Sequence[Region], aligned: Sequence[Blank], printed: Printed) -> bool:
    """Take the printed line's blanks over the splitter's when they read more and lose nothing: what the splitter
    took as typed, less the aligned values, is printed words only (`2 Phụ trách 3` → `2`, `3`)."""
    found = [" ".join(r.raw.split()) for r in regions]
    got = [b.raw for b in aligned]
    if found == got or not any(got):
        return False
    text = " | ".join(found)
    rest, pos = [], 0
    for g in got:
        at = text.find(g, pos) if g else -1
        if at >= 0:
            rest.append(text[pos:at])
            pos = at + len(g)
    rest.append(text[pos:])
    pieces = [x for r in rest for x in r.split(" | ")]
    return all(not any(ch.isdigit() for ch in x) and printed.in_printed(x) for x in pieces)


def _extra(text: str, regions: Sequence[Region], k: int, units: Sequence[str], printed: Printed | None,
           on_printed: bool = False) -> str | None:
    """Text typed after blank k that is neither its unit, nor the next blank's label, nor printed words. When the
    blanks were read `on_printed` line, a short word after the blank that the printed lines have is that line's (the
    next label `DĐ:` after a phone typed into `Điện thoại cơ quan…… DĐ:`)."""
    if printed is None:
        return None
    r = regions[k]
    nxt = regions[k + 1] if k + 1 < len(regions) else None
    seg = text[r.end:nxt.start if nxt else len(text)]
    unit, rest = split_unit(seg, units)
    if not unit or not rest[:1].isalpha() or (nxt is not None and nxt.label and rest.strip() == nxt.label.strip()):
        seg = rest  # a unit ends the blank; one that words follow (`……Cổng dịch vụ công trực tuyến`) starts typed text
    if nxt is not None and nxt.label and seg.rstrip().endswith(nxt.label.strip()):
        seg = seg.rstrip()[:-len(nxt.label.strip())]
    seg = " ".join(unlead(seg).split()).strip(" :;,.()")
    if seg and not _printed_piece(seg, printed) and not (on_printed and printed.in_printed(seg)):
        return seg
    # a value swallowed into the label: a number or an address the printed text nowhere has ("cơ quan1026")
    if r.raw or printed.in_printed(r.label):
        return None
    swallowed = [t for t in _MARKED_TOKEN.findall(r.label) if not printed.in_printed(t)]
    return " ".join(swallowed) or None


def _printed_piece(text: str, printed: Printed) -> bool:
    """Printed words: a whole printed line, or a piece of one long enough to mean something (a short word such
    as `Có` or `Không` is in some printed line of every form, typed or not)."""
    return printed.is_printed(text) or (printed.in_printed(text) and len(line_key(text)) >= _MIN_PRINTED_PIECE)


# -- checkbox groups ---------------------------------------------------------------------------------------
def _options_in(block: Block) -> list[Option]:
    """Options of a paragraph with boxes (read by the option grammar, `extractor.options`) or typed X marks."""
    text = block.text
    parsed = parse_options(text)
    if parsed is not None:
        styles = option_styles(block, [o.text for o in parsed.options], parsed.label)
        return [Option(o.text, o.checked, o.mark, st) for o, st in zip(parsed.options, styles, strict=True)]
    marks = [(m.start(), m.end()) for m in TYPED_MARK.finditer(text)]
    options = []
    for k, (_start, b) in enumerate(marks):
        end = marks[k + 1][0] if k + 1 < len(marks) else len(text)
        opt = text[b:end].split("\t")[0].strip()
        opt = LEADER.split(opt)[0].strip().rstrip(":")
        if opt:
            options.append(Option(opt, True, "typed_x"))
    return options


def option_styles(block: Block, texts: Sequence[str], label: str = "") -> list[tuple[str, ...]]:
    """The span styles of each option text, found in turn in the block's text after the question's `label` (words
    in order, whatever is between them)."""
    if not block.spans:
        return [()] * len(texts)

    def find(text: str, pos: int) -> regex.Match[str] | None:
        words = regex.findall(r"\w+", text)
        return regex.compile(r"\W*".join(map(regex.escape, words))).search(block.text, pos) if words else None

    m = find(label, 0) if texts and clean_label(label) != clean_label(texts[0]) else None  # "- Có: ☐": no label
    pos = m.end() if m is not None else 0
    out: list[tuple[str, ...]] = []
    for t in texts:
        m = find(t, pos)
        if m is None:
            out.append(())
            continue
        out.append(tuple(sorted(block.styles_at(m.start(), m.end()))))
        pos = m.end()
    return out


def split_lines(block: Block) -> list[Block]:
    """A block cut at its line breaks, each line keeping its spans (boxes are not needed by the callers)."""
    if "\n" not in block.text:
        return [block]
    out, start = [], 0
    for line in block.text.split("\n"):
        end = start + len(line)
        spans = [Span(max(sp.start, start) - start, min(sp.end, end) - start, sp.style) for sp in block.spans
                 if sp.start < end and sp.end > start]
        out.append(Block(text=line, spans=spans))
        start = end + 1
    return out


def _label_before_boxes(block: Block) -> str:
    first = min((i for i, ch in enumerate(block.text) if ch in BOX_CHARS), default=None)
    m = TYPED_MARK.search(block.text)
    if m and (first is None or m.start() < first):
        first = m.start()
    return clean_label(block.text[:first]) if first else ""


def has_box(text: str) -> bool:
    """Does `text` hold a checkbox? (Three substring searches: a set test walks the text a character at a time,
    twenty times slower.)"""
    return EMPTY_BOX in text or CHECKED_BOX in text or UNKNOWN_BOX in text


def has_options(block: Block) -> bool:
    return has_box(block.text)


# -- document ----------------------------------------------------------------------------------------------
def _nfc_items(items: Sequence[Block | Table]) -> list[Block | Table]:
    """The document's text in NFC (readers keep NFD as found; every rule here is written for NFC)."""
    out: list[Block | Table] = []
    for it in items:
        if isinstance(it, Table):
            if all(map(_is_nfc, [b.text for row in it.rows for c in row for b in c.blocks])):
                out.append(it)  # most documents are NFC already: nothing to copy
                continue
            rows = [[_copy(c, blocks=[_nfc_block(b) for b in c.blocks]) for c in row]
                    for row in it.rows]
            out.append(_copy(it, rows=rows))
        else:
            out.append(it if _is_nfc(it.text) else _nfc_block(it))
    return out


def _nfc_block(block: Block) -> Block:
    """A block in NFC, its spans moved to the same characters."""
    text, at = _nfc_moved(block.text, tuple([k for sp in block.spans for k in (sp.start, sp.end)]))
    spans = [Span(at[sp.start], at[sp.end], sp.style) for sp in block.spans]
    return _copy(block, text=text, spans=spans)


@functools.lru_cache(maxsize=16384)
def _nfc_moved(text: str, points: tuple[int, ...]) -> tuple[str, dict[int, int]]:
    """(NFC of `text`, `_nfc_offsets` of `points`): remembered per text and span points (a return typed in NFD
    brings the same lines back; callers only read the positions)."""
    return nfc(text), _nfc_offsets(text, points)


def _nfc_offsets(text: str, points: Sequence[int]) -> dict[int, int]:
    """``len(nfc(text[:k]))`` for each k of `points`, without normalising every prefix (a block's spans were a
    square of its length): NFC of a text is NFC of its part before an ASCII character followed by NFC of the rest
    (ASCII is never decomposed, has combining class 0, so no mark moves or composes across it, and composes with
    nothing before it), so each prefix is cut at the last ASCII character at or before its end and only the part
    after the last cut is normalised again."""
    n = len(text)
    out: dict[int, int] = {}
    base, base_len = 0, 0  # a cut (0 or an ASCII character's position) and len(nfc(text[:base]))
    for k in sorted(set(points)):
        j = min(k, n)
        while j > base and (j >= n or not text[j].isascii()):
            j -= 1
        if j > base:
            base_len += len(nfc(text[base:j]))
            base = j
        out[k] = base_len + len(nfc(text[base:k]))
    return out


@functools.lru_cache(maxsize=16384)
def _is_nfc(text: str) -> bool:
    """Is `text` NFC? Remembered per text: the memos after this one hash the same texts anyway, and a look-up is
    cheaper than the normalization quick check over every character."""
    return unicodedata.is_normalized("NFC", text)


def _copy(obj: Any, **changes: Any) -> Any:
    """`dataclasses.replace` for the model's plain dataclasses (no __post_init__, no slots), at half the cost."""
    new = object.__new__(type(obj))
    new.__dict__.update(obj.__dict__, **changes)
    return new


def find_slots(doc: Document, units: Sequence[str], printed: Printed | None = None) -> list[Slot]:
    """Every slot of the document, in reading order; `printed` (the known forms' printed lines) lets the
    finder read values against the printed text (see `block_slots`) and find answers typed on the next line."""
    from extractor.table_slots import table_slots  # the table finder builds on this module's line slots

    section = _Section()
    where = ""  # str(section), kept as the section changes
    units = stable_units(units)
    slots: list[Slot] = []
    items = _nfc_items(doc.items)
    last_text = ""
    last_block: Block | None = None
    i = 0
    tables = 0
    count_memo: dict[int, counts.CountLine | None] = {}  # each item read as a count line once
    while i < len(items):
        item = items[i]
        if isinstance(item, Table) and len(item.rows) == 1 and len(item.rows[0]) == 1:
            items[i:i + 1] = item.rows[0][0].blocks  # a one-cell table (a framed paragraph) reads as paragraphs
            count_memo.clear()  # the items after it moved
            continue
        if isinstance(item, Table):
            slots += table_slots(item, tables, where, units, printed)
            tables += 1
            last_block = None
            i += 1
            continue
        block = item
        level, candidate, boxed, ticked, typed = _paragraph_facts(block.text, block.bold, printed)
        if section.enter(block.text, level):
            where = str(section)
            last_text = block.text
            last_block = None
            i += 1
            continue
        count_memo[i] = candidate  # (what `_count_candidate` gives: the neighbours' readings ask the memo)
        count = _count_line(items, i, printed, count_memo) if candidate is not None else None  # (None: no candidate)
        if count is not None:  # boxes that take a number ("☐0 Chuyên trách  1☐ Phụ trách"): count blanks
            found, j = _count_slots(count, block, items, i, where)
            slots += found
            last_text, last_block = block.text, None
            i = j
            continue
        parsed = parse_options(block.text) if boxed or (ticked and _looks_like_choice_line(block, items, i)) else None
        options = _options_in(block) if (parsed is not None or typed) else []
        if options and (parsed is not None or _looks_like_choice_line(block, items, i)):
            label = clean_label(parsed.label) if parsed is not None else _label_before_boxes(block)
            group = list(options)
            lines = [parsed] if parsed is not None else []
            locs = [block.location]
            j = i + 1
            if parsed is not None and parsed.layout != "before" and (parsed.layout == "single" or not label):
                # box-after layout ("- Chưa cài đặt: ☐" lines): following lines with their box at the end join
                while j < len(items) and isinstance(items[j], Block) and _ends_with_box(items[j]):
                    nxt = parse_options(items[j].text)
                    group += _options_in(items[j])
                    lines.append(nxt)
                    locs.append(items[j].location)
                    j += 1
                if len(locs) > 1 or not label or is_yes_no(label):
                    label = clean_label(last_text)  # options of the question above ("Không ☐": the others deleted)
                # else: a single box after an item is that item's yes/no answer
            elif not label:
                # list layout: following paragraphs that each start with a box join the group
                while j < len(items) and isinstance(items[j], Block) and _starts_with_option(items[j]):
                    group += _options_in(items[j])
                    lines.append(parse_options(items[j].text))
                    locs.append(items[j].location)
                    j += 1
                label = clean_label(last_text)
            loc = dict(locs[0], blocks=len(locs)) if len(locs) > 1 else dict(locs[0])
            slots.append(Slot("choice", label, clean_label(last_text) if label != clean_label(last_text) else label,
                              where, options=group, location=loc))
            slots += _option_blanks(lines, locs, label, where)
            i = j
            continue
        found = block_slots(block, where, units, printed, paragraph=True)
        if found and printed is not None and slots and not slots[-1].weak and _no_label(block, found, printed) \
                and _answers_line_above(block, slots, last_block, printed, units):
            found = []  # "UBND phường 7" under "Tên cơ quan báo cáo: ……": no label of the form, the answer above
        if not found and printed is not None:
            found = _spaced_line(block, where, printed)
        if not found and last_text.rstrip().endswith(":") and _plain_answer(block):
            # the answer to the question above, typed over the dotted lines (dots deleted)
            found = [Slot("blank", clean_label(last_text), clean_label(last_text), where,
                          raw=" ".join(block.text.split()), location=dict(block.location), whole_line=True)]
        if not found and printed is not None and _answers_line_above(block, slots, last_block, printed, units):
            # the answer typed on the line under an empty blank that ends its line ("Họ tên: ……" / "Nguyễn Văn A")
            slots[-1].raw = " ".join(block.text.split())
            slots[-1].location = dict(slots[-1].location, next_line=block.location)
            last_text = block.text
            last_block = block
            i += 1
            continue
        if not found and printed is not None:
            found = _unplaced_line(block, where, printed)
        signer = signer_label(items[i + 1:]) if any(not s.label for s in found) and is_date_line(block.text) else ""
        for s in found:
            if not s.label and signer:  # the date of a signature line: "Người khai (ngày tháng năm)"
                s.label = s.context = signer
                continue
            if not s.label and s.raw and DATE_ONLY.fullmatch(s.raw):
                continue  # "……, 15/08/2019" under a signature: a date line, not the answer to the line above
            if not s.label:
                # a line of leaders under its question: the question is the label
                s.label = clean_label(last_text)
                s.context = clean_label(last_text)
            if not s.context:
                s.context = clean_label(last_text)
        slots += found
        if block.text.strip():
            last_text = block.text
            last_block = block
        i += 1
    for n, s in enumerate(slots):
        s.order = n
    return slots


_Facts = tuple[int, "counts.CountLine | None", bool, bool, bool]


@functools.lru_cache(maxsize=16384)
def _paragraph_facts(text: str, bold: bool, printed: Printed | None) -> _Facts:
    """(`_heading_level`, `_count_candidate_text`, `has_box`, `_has_tick` unless boxed, `_has_typed_mark`) of a
    paragraph: what `find_slots` asks of every paragraph whatever its neighbours, in one memo look-up instead of
    four (a look-up hashes and compares its key anew for each document's new text objects)."""
    level = _heading_level(text, bold)
    if level:
        return level, None, False, False, False  # (a heading is asked nothing else)
    boxed = has_box(text)
    return level, _count_candidate_text(text, printed), boxed, not boxed and _has_tick(text), _has_typed_mark(text)


def signer_label(after: Iterable[Block | Table]) -> str:
    """The label of a signature line's date: the signer's caption under it and the date words (`Người khai (ngày
    tháng năm)`); a date typed on the line under it is skipped. Empty when no caption follows."""
    for item in after:
        if not isinstance(item, Block):
            return ""
        text = item.text.strip()
        if text and any(ch.isalpha() for ch in text) and not is_date_line(text) and not DATE_ONLY.fullmatch(text):
            return f"{clean_label(text)} ({date_words()})"
    return ""


def _count_candidate(item: Block | Table, printed: Printed | None) -> counts.CountLine | None:
    """The count line `item` can be read as: a paragraph with a typed count, not printed text."""
    return _count_candidate_text(item.text, printed) if isinstance(item, Block) else None


@functools.lru_cache(maxsize=16384)
def _count_candidate_text(text: str, printed: Printed | None) -> counts.CountLine | None:
    """`_count_candidate` of a paragraph's text (remembered per line)."""
    boxed = has_box(text)
    if not boxed and not _DIGIT.search(text):
        return None  # a count line has a box or a number (a line of zero words alone sits beside one that has)
    if printed is not None and printed.is_printed(text):
        return None  # the form's own words (asked first: the line's key serves the slot finder after, parsing it not)
    # (each match holds one colon: two matches need two colons)
    if not boxed and text.count(":") >= 2 and len(_LABELLED_NUMBER.findall(text)) >= 2:
        return None  # `Chuyên trách:2 người   Phụ trách:1 người`: each number its label's blank, no box typed over
    line = counts.parse(text)
    if line is None or not line.filled:
        return None
    return line


def _count_evidence(line: counts.CountLine, printed: Printed | None) -> bool:
    """Does the line say by itself that its boxes take numbers: a count glued to a box, or boxes whose printed
    line (the typed counts cut out) is a known form's line?"""
    return line.glued or (printed is not None and printed.is_printed(line.printed))


def _count_line(items: Sequence[Block | Table], i: int, printed: Printed | None,
                memo: dict[int, counts.CountLine | None] | None = None) -> counts.CountLine | None:
    """`items[i]` read as a count line: by its own evidence, or by a count line with the same options at most
    two paragraphs away (a line whose every box the clerk typed over: `Đại học: 0 Chuyên trách 0 Phụ trách 1 Kiêm
    nhiệm` among `☐0 Chuyên trách` lines). `memo` keeps each item's reading for the neighbours that ask again."""
    memo = {} if memo is None else memo
    line = _remembered_candidate(items, i, printed, memo)
    if line is None:
        return None
    if _count_evidence(line, printed):
        return line
    for j in (i - 1, i + 1, i - 2, i + 2):
        if 0 <= j < len(items):
            other = _remembered_candidate(items, j, printed, memo)
            if other is not None and _count_evidence(other, printed) and counts.same_options(line, other):
                return line
    return None


def _remembered_candidate(items: Sequence[Block | Table], j: int, printed: Printed | None,
                          memo: dict[int, counts.CountLine | None]) -> counts.CountLine | None:
    """`_count_candidate` of `items[j]`, kept in `memo`."""
    if j in memo:
        return memo[j]
    line = memo[j] = _count_candidate(items[j], printed)
    return line


def _count_slots(line: counts.CountLine, block: Block, items: Sequence[Block | Table], i: int,
                 section: str) -> tuple[list[Slot], int]:
    """One blank per box of a count line, labelled by its option, the line's label as column; a count typed
    alone on the next line is the last box's when that box is empty. Returns the slots and the next index."""
    context = clean_label(line.printed)
    out = [Slot("blank", p.option, context, section, line.label or None, raw=p.raw,
                location=dict(block.location, start=p.start, end=p.end),
                extra=CHECKED_BOX if p.ticked else None) for p in line.places]
    j = i + 1
    nxt = items[j] if j < len(items) else None
    if out[-1].raw is None and isinstance(nxt, Block) and counts.is_count(nxt.text):
        out[-1].raw = " ".join(nxt.text.split())
        out[-1].location = dict(out[-1].location, next_line=nxt.location)
        j += 1
    return out, j


def _spaced_line(block: Block, section: str, printed: Printed) -> list[Slot]:
    """A typed paragraph with no blank, written as a printed label's words, a space and the value (`Họ tên Hồ Văn
    Khánh`, colon and dots deleted, the label perhaps reworded): a slot labelled by those words."""
    found = _spaced_split(block.text, printed) if _plain_answer(block) else None
    if found is None:
        return []
    at, label, rest = found
    return [Slot("blank", label, label, section, raw=rest,
                 location=dict(block.location, start=at, end=len(block.text)))]


@functools.lru_cache(maxsize=16384)
def _spaced_split(text: str, printed: Printed) -> tuple[int, str, str] | None:
    """(value start, label, value) of `_spaced_line`'s paragraph text, None when it is no such line."""
    if _printed_piece(" ".join(text.split()), printed):
        return None
    at = spaced_label(printed, text)
    if at is None:
        return None
    label, rest = clean_label(text[:at]), " ".join(text[at:].split()).strip(" .;,")
    if not rest or _printed_piece(rest, printed):
        return None
    return at, label, rest


def _unplaced_line(block: Block, section: str, printed: Printed) -> list[Slot]:
    """A typed paragraph with no blank that is not the form's words, whose value cannot be told from its label
    (`Họ và tên Trương Công Hoài`, colon and dots deleted): a weak slot labelled by the words before the first
    capitalised word that follows a lower-case one, the rest to review (`extra`), never silently dropped."""
    found = _unplaced_split(block.text, printed) if _plain_answer(block) else None
    if found is None:
        return []
    start, end, label, rest = found
    return [Slot("blank", label, label, section, location=dict(block.location, start=start, end=end),
                 weak=True, extra=rest)]


@functools.lru_cache(maxsize=16384)
def _unplaced_split(text: str, printed: Printed) -> tuple[int, int, str, str] | None:
    """(start, end, label, rest) of `_unplaced_line`'s paragraph text (positions in the text with its white space
    collapsed), None when it is no such line."""
    text = " ".join(text.split())
    if _printed_piece(text, printed):
        return None
    m = _NAME_START.search(text)
    if m is None:
        return None
    label, rest = clean_label(text[:m.start()]), text[m.start():].strip(" .;,")
    if len(label) < 4 or len(rest.split()) < 2 or _printed_piece(rest, printed):
        return None  # one word after a label ("… thuộc Sở", "Kết quả giải quyết TTHC") is the label's own
    return m.start(), len(text), label, rest


def _answers_line_above(block: Block, slots: Sequence[Slot], above: Block | None, printed: Printed,
                        units: Sequence[str]) -> bool:
    """Is `block` (no slot of its own) the answer to the empty blank that ends the line above it? Only a unit or
    printed words may follow that blank (`…:……………hồ sơ`, `……… văn bản. (Văn bản ký số …)`); the answer is any
    short typed paragraph that is not printed words (a number alone may match a printed row number: `14`)."""
    if above is None or not slots or not _plain_answer(block):
        return False
    last = slots[-1]
    # the blank is on the line above: its location is that block's (DOCX part and block, PDF page and box); what the
    # finder read in it may be the form's own words before the dots (`…):Liệt kê……`)
    if last.kind != "blank" or not _found_in(last.location, above):
        return False
    text = block.text.strip()
    if _printed_words(text, printed) or (SUBHEADING.match(text) and any(ch.isalpha() for ch in text)):
        return False  # the form's words, or a numbered sub-heading
    if not (_printed_raw(last.raw, above, printed) or unit_like(last.raw or "", units)):
        return False
    if is_date_line(above.text) and not any(ch.isdigit() for ch in text):
        return False  # under an empty signature date: the signer's caption, not a date
    rest = unlead(above.text[last.location.get("end") or 0:])
    _, rest = split_unit(rest, units)
    rest = rest.strip(" \t.:;,")
    return not rest or printed.in_printed(rest) or unit_like(rest, units)


@functools.lru_cache(maxsize=16384)
def _printed_words(text: str, printed: Printed) -> bool:
    """Is a paragraph's (stripped) text printed words, not a yes/no or zero answer (`Có.` under `(có/không):
    ……`)?"""
    return any(ch.isalpha() for ch in text) and _printed_piece(text, printed) and \
        fold(" ".join(text.strip(" .;,").split())) not in answer_words()


def _no_label(block: Block, found: Sequence[Slot], printed: Printed) -> bool:
    """Did `block` give only values read after words and a space (no dots, no colon), words like no printed label
    (`UBND phường 7`: a typed name ending with a number; `Số văn bản nhận có chữ ký số 418` has a label, `(Cấp xã)
    215` a qualifier)?"""
    text = block.text
    return ":" not in text and not has_leader(text) and all(
        s.column is None and label_score(printed, s.label) < LABEL_LIKE for s in found)


def _printed_raw(raw: str | None, line: Block, printed: Printed) -> bool:
    """Is a blank's text nothing typed: none, or the form's own words, its line being a printed line as it stands
    (`…):Liệt kê……`; not `Chức vụ: Chuyên viên`, though `Chuyên viên` is printed somewhere)?"""
    return raw is None or (any(ch.isalpha() for ch in raw) and not _DIGIT.search(raw) and printed.is_printed(line.text)
                           and fold(" ".join(raw.strip(" .;,").split())) not in answer_words())


def _found_in(location: dict[str, Any], block: Block) -> bool:
    """Was the slot at `location` found in `block`? Any reader's location: the slot's holds every key of its
    block's (DOCX part and block index; PDF and OCR page and bbox) plus its own offsets."""
    return bool(block.location) and all(location.get(k) == v for k, v in block.location.items())


def _plain_answer(block: Block) -> bool:
    """A paragraph that can be a typed answer: not bold, not a heading, no boxes, at most 80 words."""
    return not block.bold and _plain_text(block.text)


@functools.lru_cache(maxsize=16384)
def _plain_text(text: str) -> bool:
    stripped = text.strip()
    return bool(stripped) and len(stripped.split()) <= 80 and not (_may_head(stripped) and HEADING.match(stripped)) \
        and not has_box(text)


@functools.lru_cache(maxsize=16384)
def _has_typed_mark(text: str) -> bool:
    """Does `text` hold an X or a tick typed before words (`TYPED_MARK`)?"""
    return TYPED_MARK.search(text) is not None


@functools.lru_cache(maxsize=16384)
def _has_tick(text: str) -> bool:
    """Does the option grammar read a mark standing in a box's place in `text`?"""
    return any(kind == "TICK" for kind, _, _ in tokens_of(text))


def _ends_with_box(block: Block) -> bool:
    parsed = parse_options(block.text) if has_options(block) or _has_tick(block.text) else None
    return parsed is not None and parsed.layout != "before" and not (parsed.layout == "after" and parsed.label)


def _option_blanks(lines: Sequence[OptionLine | None], locs: Sequence[dict[str, Any]], question: str,
                   section: str) -> list[Slot]:
    """The blank an option line holds (`☒ Khác (nêu tên): Misa ……`): a slot labelled by the option."""
    out = []
    for line, loc in zip(lines, locs, strict=False):
        for o in line.options if line is not None else []:
            if o.has_blank:
                out.append(Slot("blank", clean_label(o.blank_label or o.text), question, section, raw=o.blank,
                                location=dict(loc, option=o.text)))
    return out


def _starts_with_option(block: Block) -> bool:
    """Does the paragraph start with a box, a mark in a box's place (`X Tài liệu họp`) or a mark glued to a box
    (`x☐ Không`)?"""
    return _starts_with_option_text(block.text)


@functools.lru_cache(maxsize=16384)
def _starts_with_option_text(text: str) -> bool:
    t = text.lstrip()
    if not t:
        return False
    first = tokens_of(t)[0]
    return first[0] in ("BOX", "TICK") or (first[0] == "MARK" and t[first[2]:first[2] + 1] in BOX_CHARS)


def _looks_like_choice_line(block: Block, items: Sequence[Any], i: int) -> bool:
    """A line with a typed X and no box: a choice when its neighbours are checkbox lines, or it is one of a run of
    option lines (`X Tài liệu họp` lines, every box replaced) that has checkbox lines in it or beside it."""
    lo = hi = i
    while lo > 0 and isinstance(items[lo - 1], Block) and _starts_with_option(items[lo - 1]):
        lo -= 1
    while hi + 1 < len(items) and isinstance(items[hi + 1], Block) and _starts_with_option(items[hi + 1]):
        hi += 1
    neighbours: Iterable[Any] = items[max(0, lo - 2):i] + items[i + 1:hi + 3]
    return any(isinstance(n, Block) and has_options(n) for n in neighbours)
