"""Check that a generated return says what its truth says, where the truth says it.

An independent re-read of the DOCX XML (not the extractor): every filled blank's typed text must stand in
the paragraph or table cell named by its `location`, and every checkbox group must show the marks its
truth records. ``python -m corpora.verify [CORPUS_DIR]`` checks a whole corpus.
"""

from __future__ import annotations

import io
import json
import sys
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import regex
from lxml import etree

from corpora.boxes import GLYPHS

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
W14 = "http://schemas.microsoft.com/office/word/2010/wordml"
EMPTY, CHECKED = "\u2610", "\u2612"
_STATE = {ch: state for enc, (empty, checked) in GLYPHS.items() for state, chars in ((EMPTY, empty),
                                                                                    (CHECKED, checked))
          for ch in chars}


def _q(tag: str) -> str:
    prefix, local = tag.split(":")
    return f"{{{W if prefix == 'w' else W14}}}{local}"


def element_text(el: etree._Element) -> str:
    """Text of a paragraph, cell or table in document order, every checkbox as ☐ or ☒."""
    out: list[str] = []
    for node in el.iter():
        tag = node.tag
        if tag == _q("w:t"):
            parent_sdt = next((a for a in node.iterancestors(_q("w:sdt"))), None)
            if parent_sdt is not None and parent_sdt.find(f".//{_q('w14:checkbox')}") is not None:
                continue  # the glyph inside a w14 checkbox duplicates its state
            out.append("".join(_STATE.get(c, c) for c in node.text or ""))
        elif tag == _q("w:tab") and node.getparent().tag == _q("w:r"):  # not a tab stop of the paragraph
            out.append("\t")
        elif tag == _q("w:sym"):
            out.append(_STATE.get(node.get(_q("w:char")), "?"))
        elif tag == _q("w:checkBox"):
            checked = node.find(_q("w:checked"))
            on = checked is not None and checked.get(_q("w:val"), "1") not in ("0", "false")
            out.append(CHECKED if on else EMPTY)
        elif tag == _q("w14:checkbox"):
            checked = node.find(_q("w14:checked"))
            out.append(CHECKED if checked is not None and checked.get(_q("w14:val")) == "1" else EMPTY)
        elif tag == _q("w:p"):
            out.append("\n")
    return "".join(out)


def body_blocks(docx: Path | bytes) -> list[etree._Element]:
    """Direct children of w:body (paragraphs and tables), as the renderer counts them."""
    src = docx if isinstance(docx, Path) else io.BytesIO(docx)
    with zipfile.ZipFile(src) as z:
        root = etree.fromstring(z.read("word/document.xml"))
    body = root.find(_q("w:body"))
    return [c for c in body if c.tag in (_q("w:p"), _q("w:tbl"))]


def located(blocks: list[etree._Element], loc: dict[str, Any]) -> list[etree._Element]:
    """The paragraphs or the table cell a location names."""
    el = blocks[loc["block"]]
    if "row" in loc:
        row = el.findall(_q("w:tr"))[loc["row"]]
        return [row.findall(_q("w:tc"))[loc["cell"]]]
    return blocks[loc["block"]:loc["block"] + loc.get("blocks", 1)]


def located_text(blocks: list[etree._Element], loc: dict[str, Any]) -> str:
    return "".join(element_text(el) for el in located(blocks, loc))


def formatted_runs(els: list[etree._Element], prop: str) -> int:
    """Runs with text whose w:rPr turns `prop` on (w:b, w:strike, w:highlight other than none)."""
    n = 0
    for el in els:
        for r in el.iter(_q("w:r")):
            on = r.find(f"{_q('w:rPr')}/{_q(prop)}")
            if on is None or on.get(_q("w:val"), "true") in ("0", "false", "none"):
                continue
            n += any((t.text or "").strip() for t in r.iter(_q("w:t")))
    return n


def check_return(docx: Path, truth: dict[str, Any]) -> list[str]:
    """Problems found (empty when the document matches its truth)."""
    blocks = body_blocks(docx)
    problems = []
    for f in truth["fields"]:
        where = f"{f['field_id']}[{f['row']}]" if f["row"] else f["field_id"]
        try:
            text = located_text(blocks, f["location"])
        except IndexError:
            problems.append(f"{where}: location {f['location']} not in the document")
            continue
        is_box = f["fill"] in MARKS or (
            f["raw"] is None and f["type"] in ("choice", "multi_choice", "boolean")
            and (EMPTY in text or CHECKED in text))
        if f["raw"] is None:
            if CHECKED in text and is_box:
                problems.append(f"{where}: left empty in the truth but a box is checked")
            continue
        if f.get("expect") == "review" and (f["value"] is not None or len(f.get("ticked") or []) < 2):
            problems.append(f"{where}: a group to review must have no value and at least two ticks")
        chosen = f.get("ticked") or (f["value"] if isinstance(f["value"], list) else [f["value"]])
        if f["fill"] in FORMAT_MARKS:
            els = located(blocks, f["location"])
            found = FORMAT_MARKS[f["fill"]](els, text)
            if found != len(chosen):
                problems.append(f"{where}: {found} options marked by {f['fill']}, truth chose {len(chosen)}")
        elif is_box:
            found = MARKS[f["fill"]](text)
            if found != len(chosen):
                problems.append(f"{where}: {found} options marked by {f['fill']}, truth chose {len(chosen)}")
        elif f["raw"] not in text:
            problems.append(f"{where}: typed {f['raw']!r} not found in {text.strip()[:80]!r}")
        if f["fill"] == "tick":  # an option sub-column: the other options' cells stay clear
            first, width = f["location"]["span"]
            others = [c for c in range(first, first + width) if c != f["location"]["cell"]]
            marked = [c for c in others if located_text(blocks, {**f["location"], "cell": c}).strip()]
            if marked:
                problems.append(f"{where}: other option columns {marked} are marked too")
    for e in truth.get("extras") or []:
        try:
            text = located_text(blocks, e["location"])
        except IndexError:
            problems.append(f"extra column {e['label']!r}[{e['row']}]: location {e['location']} not in the document")
            continue
        if e["raw"] not in text:
            problems.append(f"extra column {e['label']!r}[{e['row']}]: {e['raw']!r} not in {text.strip()[:80]!r}")
    return problems


# checkbox marking (truth `fill`) -> how many options the re-read text shows marked that way
MARKS: dict[str, Callable[[str], int]] = {
    "native": lambda t: t.count(CHECKED),
    "multi_tick": lambda t: t.count(CHECKED),
    "glyph_replaced": lambda t: t.count(CHECKED),
    "typed_x": lambda t: len(regex.findall(r"(?<![\p{L}\d])X(?![\p{L}\d])", t)),
    "bracket_x": lambda t: t.count("[x]"),
    "deleted_others": lambda t: t.count(EMPTY) if CHECKED not in t else -1,
    "x_after_box": lambda t: len(regex.findall(EMPTY + "[xX]", t)) if CHECKED not in t else -1,
    "x_before_box": lambda t: t.count("x" + EMPTY) if CHECKED not in t else -1,
    "check_after_option": lambda t: t.count("\u2713") if CHECKED not in t else -1,
}

# an option shown by its text's formatting, every box left empty (corpora/habits_more.yaml): how many options
# the runs of the group's paragraphs or cell show chosen
FORMAT_MARKS: dict[str, Callable[[list[etree._Element], str], int]] = {
    "bold_chosen": lambda els, t: formatted_runs(els, "w:b") if CHECKED not in t else -1,
    "highlight_chosen": lambda els, t: formatted_runs(els, "w:highlight") if CHECKED not in t else -1,
    "strike_others": lambda els, t: t.count(EMPTY) - formatted_runs(els, "w:strike") if CHECKED not in t else -1,
}


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    corpus = Path(argv[0]) if argv else Path(__file__).parent
    bad = 0
    truths = sorted((corpus / "truth").glob("*.json"))
    for tp in truths:
        truth = json.loads(tp.read_text(encoding="utf-8"))
        for p in check_return(corpus / truth["files"]["docx"], truth):
            print(f"{truth['return_id']}: {p}")
            bad += 1
    print(f"{len(truths)} returns checked, {bad} problems")
    return 1 if bad else 0


if __name__ == "__main__":
    raise SystemExit(main())
