"""Checkboxes in PDF pages: which drawn characters and vector squares are boxes, and their state.

    GlyphTable(checkboxes, pdf_patterns).classify(text, fontname) -> (checked, encoding) | DROP | None
    vector_boxes(rects, lines, curves, spec) -> (list[VectorBox], ids of the objects they consumed)

The state is decided from what is drawn:

- ``glyph``: a character of the checkbox table's ``glyphs`` (☐ ☒ ☑ □ ■ …) in any font.
- ``pua_text``: a private-use character U+F0xx (or 0x20–0xFF in a symbol font, read as F0xx). In a font
  listed under ``symbol_fonts`` of patterns/pdf.yaml, the codes of that entry's checkbox tables decide (an
  unlisted code is a symbol and is dropped; a glyph with no Unicode text, ``(cid:N)``, is a box of unknown
  state when the font's ``unmapped_is_box`` says so). In any other font a code of the checkbox table's
  ``unknown_font`` is a box, anything else is text. The reader passes the /ActualText of marked content as the
  character's text, so LibreOffice exports whose fallback font draws every private-use character with one
  glyph still give the true code.
- ``notdef``: glyph 0 (.notdef, a missing glyph) of a text font with no Unicode text, ``(cid:0)``: a producer
  that lacks the symbol font draws the private-use codes of Wingdings boxes so (Chromium; it gives the code as
  /ActualText to all but the first code it met in that font, which is lost). A box of unknown state, unless the
  document's other missing glyphs of that font that carry a code are all boxes of one state: then it is a box of
  the other state (the lost code is another code than theirs; see `infer_missing`).
- ``vector``: a stroked, roughly square rectangle of checkbox size (legacy FORMCHECKBOX fields), or a closed
  square path, stroked or filled with a colour (an HTML checkbox printed by Chromium: a rounded square, filled
  with the accent colour and a check mark when checked); squares drawn over one another count once; checked when
  marks are drawn inside it: two crossing diagonals, a check-mark path, or a filled inner square.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from extractor.errors import PatternError
from extractor.readers.checkboxes import CHECKBOXES, read_pattern_file

PATTERN_FILE = Path(__file__).resolve().parents[2] / "patterns" / "pdf.yaml"
MARK_TOL = 0.25  # pt: a mark spanning this much less than the share asked of a box's side still counts
NOTDEF = "notdef"  # Box.encoding of a missing glyph taken for a box
MISSING_GLYPH = "(cid:0)"  # glyph 0 (.notdef) with no Unicode text: what a font that lacks a character draws
DROP = "drop"  # classify(): a symbol-font character that is not a box and is not text
_CID = re.compile(r"\(cid:\d+\)")
_SUBSET = re.compile(r"^[A-Z]{6}\+")
_STYLE = re.compile(r"(?:regular|roman|normal|bold|italic|oblique|mt|psmt)+$")


def font_key(fontname: str) -> str:
    """A PDF font name reduced for lookups: ``BAAAAA+Wingdings-Regular`` → ``wingdings``."""
    name = _SUBSET.sub("", fontname or "")
    name = name.split(",")[0].casefold()
    name = re.sub(r"[\s_\-]+", "", name)
    return _STYLE.sub("", name) or name


@functools.lru_cache(maxsize=1024)  # asked for every character; a document has a handful of fonts
def is_bold_font(fontname: str) -> bool:
    name = _SUBSET.sub("", fontname or "").casefold()
    return any(w in name for w in ("bold", "black", "heavy", "semibold", "demi"))


@dataclass(frozen=True)
class VectorSpec:
    min_size: float
    max_size: float
    max_aspect: float
    mark_min_span: float


def load_pdf_patterns(path: Path) -> dict[str, Any]:
    """Load and validate patterns/pdf.yaml; raises `PatternError` naming the file and the entry."""
    def bad(msg: str) -> PatternError:
        return PatternError(msg, path=str(path))

    raw = read_pattern_file(path, ("symbol_fonts", "vector_box", "missing_glyph_font"))
    known = set(CHECKBOXES["fonts"])
    fonts: dict[str, tuple[list[str], bool]] = {}
    if not isinstance(raw["symbol_fonts"], dict) or not raw["symbol_fonts"]:
        raise bad("symbol_fonts: must be a mapping of PDF font name to {tables, unmapped_is_box}")
    for name, entry in raw["symbol_fonts"].items():
        where = f"symbol_fonts.{name}"
        if not isinstance(entry, dict) or set(entry) != {"tables", "unmapped_is_box"}:
            raise bad(f"{where}: must be a mapping with exactly the keys tables, unmapped_is_box")
        tables = entry["tables"]
        if not isinstance(tables, list) or not tables:
            raise bad(f"{where}.tables: must be a non-empty list of fonts of checkboxes.yaml")
        for t in tables:
            if str(t).casefold() not in known:
                raise bad(f"{where}.tables: {t!r} is not a font of patterns/checkboxes.yaml")
        if not isinstance(entry["unmapped_is_box"], bool):
            raise bad(f"{where}.unmapped_is_box: must be true or false")
        fonts[font_key(str(name))] = ([str(t).casefold() for t in tables], entry["unmapped_is_box"])
    vb = raw["vector_box"]
    keys = ("min_size", "max_size", "max_aspect", "mark_min_span")
    if not isinstance(vb, dict) or set(vb) != set(keys):
        raise bad("vector_box: must be a mapping with exactly the keys " + ", ".join(keys))
    for k in keys:
        if not isinstance(vb[k], (int, float)) or isinstance(vb[k], bool) or vb[k] <= 0:
            raise bad(f"vector_box.{k}: must be a positive number")
    if vb["min_size"] >= vb["max_size"] or vb["max_aspect"] < 1:
        raise bad("vector_box: min_size must be below max_size and max_aspect at least 1")
    missing = font_key(str(raw["missing_glyph_font"]))
    if missing not in fonts:
        raise bad("missing_glyph_font: must name an entry of symbol_fonts")
    return {"symbol_fonts": fonts, "vector_box": VectorSpec(*(float(vb[k]) for k in keys)),
            "missing_glyph_font": missing}


PDF_PATTERNS: dict[str, Any] = load_pdf_patterns(PATTERN_FILE)


class GlyphTable:
    """Decides, character by character, whether a drawn character is a checkbox."""

    def __init__(self, checkboxes: dict[str, Any] | None = None, patterns: dict[str, Any] | None = None) -> None:
        cb = checkboxes or CHECKBOXES
        pp = patterns or PDF_PATTERNS
        self.glyphs: dict[str, bool] = cb["glyphs"]
        self.unknown: dict[int, bool] = cb["unknown_font"]
        self.symbol: dict[str, tuple[list[dict[int, bool]], bool]] = {
            key: ([cb["fonts"][t] for t in tables], unmapped) for key, (tables, unmapped) in pp["symbol_fonts"].items()}
        self._font_cache: dict[str, tuple[list[dict[int, bool]], bool] | None] = {}
        self.missing_glyph_font: str = pp.get("missing_glyph_font", "")

    def symbol_font(self, fontname: str) -> tuple[list[dict[int, bool]], bool] | None:
        hit = self._font_cache.get(fontname, False)
        if hit is False:
            hit = self.symbol.get(font_key(fontname))
            self._font_cache[fontname] = hit
        return hit  # type: ignore[return-value]

    def special(self, text: str, fontname: str) -> bool:
        """Might this character be a box (cheap pre-test)?"""
        if len(text) != 1:
            return bool(_CID.fullmatch(text)) or text in self.glyphs
        return text in self.glyphs or 0xF000 <= ord(text) <= 0xF0FF or self.symbol_font(fontname) is not None

    def classify(self, text: str, fontname: str) -> tuple[bool | None, str] | str | None:
        """(checked, encoding) for a box (checked None: state unknown), DROP for a symbol to drop, None for text."""
        state = self.glyphs.get(text)
        if state is not None:
            return state, "glyph"
        sym = self.symbol_font(fontname)
        if len(text) != 1:
            if sym is not None and _CID.fullmatch(text):
                return (None, "pua_text") if sym[1] else DROP
            return (None, NOTDEF) if text == MISSING_GLYPH else None
        code = ord(text)
        if sym is not None:
            if 0xF000 <= code <= 0xF0FF or 0x20 <= code <= 0xFF:
                code |= 0xF000
                for table in sym[0]:
                    if code in table:
                        return table[code], "pua_text"
                return DROP
            return None
        if 0xF000 <= code <= 0xF0FF:
            state = self.unknown.get(code)
            return (state, "pua_text") if state is not None else None
        return None


@dataclass
class VectorBox:
    x0: float
    top: float
    x1: float
    bottom: float
    checked: bool


def _within(obj: dict[str, Any], box: tuple[float, float, float, float]) -> bool:
    return obj["x0"] >= box[0] and obj["top"] >= box[1] and obj["x1"] <= box[2] and obj["bottom"] <= box[3]


def _outline(obj: dict[str, Any]) -> bool:
    """A closed path (the outline of a shape drawn again as a path), not a mark inside a box."""
    pts = obj.get("pts") or []
    return len(pts) >= 4 and abs(pts[0][0] - pts[-1][0]) < 0.5 and abs(pts[0][1] - pts[-1][1]) < 0.5


def _diagonal(obj: dict[str, Any]) -> bool:
    pts = obj.get("pts") or []
    if len(pts) < 2:
        return False
    (ax, ay), (bx, by) = pts[0], pts[-1]
    return abs(ax - bx) > 0.5 and abs(ay - by) > 0.5


def vector_boxes(rects: list[dict[str, Any]], lines: list[dict[str, Any]], curves: list[dict[str, Any]],
                 spec: VectorSpec | None = None) -> tuple[list[VectorBox], set[int]]:
    """Checkbox squares drawn as vectors, with their state, and the ids of the objects that make them up."""
    spec = spec or PDF_PATTERNS["vector_box"]
    found: list[VectorBox] = []
    used: set[int] = set()
    def square(o: dict[str, Any]) -> bool:
        w, h = o["x1"] - o["x0"], o["bottom"] - o["top"]
        return spec.min_size <= w <= spec.max_size and spec.min_size <= h <= spec.max_size and \
            max(w, h) / min(w, h) <= spec.max_aspect

    candidates = [r for r in rects if r.get("stroke") and square(r)]
    # a rounded square drawn as a closed path (an HTML checkbox as Chromium prints it): stroked, or filled with a
    # colour (a white square under it is its background, taken with it)
    backs = []
    for c in curves:
        if _outline(c) and square(c):
            (candidates if c.get("stroke") or not _white(c.get("non_stroking_color")) else backs).append(c)
    squares = _distinct(candidates)
    if not squares:
        return found, used
    marks = [o for o in lines if _diagonal(o)] + [c for c in curves if len(c.get("pts") or []) >= 2]
    fills = [r for r in rects if r.get("fill") and not r.get("stroke")]
    for sq in squares:
        x0, top, x1, bottom = sq["x0"], sq["top"], sq["x1"], sq["bottom"]
        w, h = x1 - x0, bottom - top
        tol = max(1.0, 0.12 * w)
        box = (x0 - tol, top - tol, x1 + tol, bottom + tol)
        inside = [m for m in marks if _within(m, box) and (m["x1"] - m["x0"]) >= spec.mark_min_span * w - MARK_TOL
                  and (m["bottom"] - m["top"]) >= spec.mark_min_span * h - MARK_TOL and not _outline(m)]
        # two crossing diagonals (an X), or one drawn path spanning the box (a check mark, an X in one path)
        slopes = {(m["pts"][-1][0] - m["pts"][0][0]) * (m["pts"][-1][1] - m["pts"][0][1]) > 0 for m in inside}
        checked = (len(inside) >= 2 and len(slopes) == 2) or any(len(m["pts"]) >= 3 for m in inside)
        if not checked:  # a filled square inside the box
            filled = [f for f in fills if _within(f, box) and
                      0.2 * w * h <= (f["x1"] - f["x0"]) * (f["bottom"] - f["top"]) <= 0.95 * w * h]
            inside += filled
            checked = bool(filled)
        found.append(VectorBox(x0, top, x1, bottom, checked))
        used.add(id(sq))
        used.update(id(m) for m in inside)
        used.update(id(b) for b in backs if _within(b, box))
        used.update(id(o) for o in candidates if o is not sq and _within(o, box))
    return found, used


def _white(color: Any) -> bool:
    values = color if isinstance(color, (tuple, list)) else (color,)
    return all(isinstance(v, (int, float)) and v >= 0.95 for v in values) if values else False


def _distinct(squares: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """One square per box: squares drawn over one another (an outline and its fill) count once."""
    out: list[dict[str, Any]] = []
    for sq in sorted(squares, key=lambda o: (o["top"], o["x0"])):
        if not any(abs(sq["x0"] - o["x0"]) < 1.5 and abs(sq["top"] - o["top"]) < 1.5 and
                   abs(sq["x1"] - o["x1"]) < 1.5 and abs(sq["bottom"] - o["bottom"]) < 1.5 for o in out):
            out.append(sq)
    return out


def infer_missing(missing: dict[str, list[Any]], known: dict[str, set[bool | None]]) -> None:
    """Give boxes drawn with a font's missing glyph (`missing[font]`: glyphs with ``box == (None, NOTDEF)``) the state
    opposite to the one all boxes of that font's missing glyph with a code have (`known[font]`), when they agree."""
    for font, glyphs in missing.items():
        states = known.get(font, set())
        if len(states) == 1 and None not in states:
            state = not next(iter(states))
            for g in glyphs:
                g.box = (state, NOTDEF)
