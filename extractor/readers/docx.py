"""DOCX reader: one lxml walk over word/document.xml (and its headers and footers) into the block model.

    read_docx(data, source) -> Document
    load_checkboxes(path) -> dict            # the checkbox table; CHECKBOXES is patterns/checkboxes.yaml

python-docx's ``paragraph.text`` drops w:sym, fields, content controls, insertions and text boxes
(/work/shared/PARSING-NOTES.md), so the XML is walked directly. What comes out:

- Items: header blocks, then the body in document order (paragraphs → `Block`, tables → `Table`), then
  footer blocks. Headers/footers are taken in the order the section properties reference them; a part
  whose text repeats an earlier one (or is empty) is skipped.
- Locations: a body paragraph ``{"part": "body", "block": i}``, i counting the direct w:p / w:tbl children
  of w:body (the numbering of corpora/verify.py ``body_blocks``); a table cell's paragraphs add ``row`` (w:tr
  index), ``cell`` (w:tc index within the row) and ``col`` (grid column); text-box paragraphs add
  ``textbox`` (k-th text box anchored in block i); paragraphs of a nested table keep the outer cell's
  location and add ``nested: [row, cell]`` of the innermost table; content of a body-level w:sdt or
  w:customXml gets ``{"block": i, "sdt": j}`` (i: the number of direct blocks before it, j: its index
  inside the wrapper). Headers/footers: ``part`` "header"/"footer", ``partname`` the zip path.
- Tables: merged cells once. ``w:gridSpan`` gives colspan; a ``w:vMerge`` continuation extends the rowspan
  of the cell above (its text, if any, is appended to that cell); ``w:gridBefore`` shifts grid columns; a
  row deleted as a tracked change keeps its index with no cells. Nested tables are flattened: their
  paragraphs join the containing cell's blocks in reading order (row by row, cell by cell).
- Text boxes (w:txbxContent) become blocks right after the paragraph anchoring them; in
  mc:AlternateContent only mc:Choice is read (mc:Fallback when there is no Choice), never both.
- Tracked changes are read as accepted: w:ins / w:moveTo kept; w:del, w:delText, w:moveFrom dropped (a
  warning says so). Fields: w:instrText skipped, results kept, w:fldSimple content kept; a drop-down form
  field gives its selected entry. Content controls showing their placeholder text give nothing.
- w:tab / w:ptab → "\\t", w:br / w:cr → "\\n", w:noBreakHyphen → "-", w:softHyphen dropped; math text kept.
- Checkboxes: one token in `Block.text` (☐ unchecked, ☒ checked) with a `Box` at its offset. Encodings:
  ``glyph`` (a glyph of CHECKBOXES["glyphs"] typed as text, in any font); ``sym`` (w:sym, font from
  w:font else the run's: a listed code of a symbol font is a box, an unlisted one is dropped; a
  private-use code of another font is looked up in the ``unknown_font`` codes, else dropped; any other
  code is a Unicode character, a box if it is a glyph, else text); ``pua_text`` (a private-use character
  U+F0xx typed in a run whose w:rFonts names a symbol font in any of ascii/hAnsi/cs/eastAsia: a box if
  listed, else dropped (U+F020); in a run of another or no font: a box if it is an ``unknown_font`` code,
  else kept as text; a character 0x20–0xFF in a run whose ascii/hAnsi font is a symbol font is read as
  code F0xx: a box if listed, else kept); ``formcheckbox`` (legacy FORMCHECKBOX field: w:checked, val
  absent = true, "0"/"false" = false; without w:checked, w:default; neither = unchecked); ``sdt``
  (w14:checkbox content control, checked when w14:checked is "1"/"true"; the glyph in its content is
  skipped so it counts once). ☐/☒/▢ never stand in `Block.text` without a `Box` at that offset.
- Block.bold: every run contributing non-space text (boxes aside) has w:b on (style bold is not read).
- Block.spans: the text of runs with w:b (`bold`), w:strike / w:dstrike (`strike`), a w:highlight colour or a
  w:shd fill other than none/auto/white (`highlight`), as [start, end) of `Block.text` (boxes not included;
  style formatting is not read).
- Legacy fonts: a run whose Latin font (w:rFonts hAnsi / ascii, else its w:rStyle's, else its paragraph
  style's, else the default paragraph style's or docDefaults', from word/styles.xml) is a TCVN3 or VNI font
  (`extractor.text.legacy`) has its text decoded to Unicode NFC (`…H` capitals fonts upper-cased); a
  w:softHyphen in a TCVN3 run is its `ư`. `Document.repairs` lists the encodings decoded, with a warning.
- Damage: a part that is not well-formed XML is parsed again with lxml's recovery parser; what it keeps is
  read, a warning says so and `Document.doubts` gets ``damaged_file`` (every field then stays in review). An
  XML entity reference inside w:t (undeclared, or declared in a DTD and left unresolved) is read as U+FFFD
  with a warning; only a part nothing can be recovered from is refused.
"""

from __future__ import annotations

import io
import posixpath
import re
import zipfile
import zlib
from typing import Any

from lxml import etree

from extractor.errors import InputError
from extractor.model import CHECKED_BOX, EMPTY_BOX, Block, Box, Cell, Document, Source, Span, Table
from extractor.readers.checkboxes import CHECKBOXES, PATTERN_FILE, load_checkboxes  # noqa: F401 (re-exported)
from extractor.readers.sniff import main_part_name
from extractor.text.legacy import ENCODINGS, FontEncoding, label
from extractor.text.syllables import REPLACEMENT

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
W14 = "http://schemas.microsoft.com/office/word/2010/wordml"
MC = "http://schemas.openxmlformats.org/markup-compatibility/2006"
M = "http://schemas.openxmlformats.org/officeDocument/2006/math"
RNS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG_RELS = "http://schemas.openxmlformats.org/package/2006/relationships"

MAX_PART_BYTES = 256 * 2**20  # an XML part unpacking to more than this is refused (zip bomb)
_FALSE = frozenset({"0", "false", "off", "none"})


def _w(local: str) -> str:
    return f"{{{W}}}{local}"


P, R, T, RPR, BODY = map(_w, ("p", "r", "t", "rPr", "body"))
TBL, TR, TC, TCPR, TRPR = map(_w, ("tbl", "tr", "tc", "tcPr", "trPr"))
GRIDSPAN, VMERGE, HMERGE, GRIDBEFORE = map(_w, ("gridSpan", "vMerge", "hMerge", "gridBefore"))
RFONTS, B, VAL, FONT, CHAR = map(_w, ("rFonts", "b", "val", "font", "char"))
TAB, PTAB, BR, CR, NBHYPHEN, SYM = map(_w, ("tab", "ptab", "br", "cr", "noBreakHyphen", "sym"))
FLDCHAR, FLDCHARTYPE, FFDATA, CHECKBOX = map(_w, ("fldChar", "fldCharType", "ffData", "checkBox"))
CHECKED, DEFAULT, DDLIST, RESULT, LISTENTRY = map(_w, ("checked", "default", "ddList", "result", "listEntry"))
INS, DEL, MOVETO, MOVEFROM = map(_w, ("ins", "del", "moveTo", "moveFrom"))
HYPERLINK, SMARTTAG, CUSTOMXML, FLDSIMPLE, DIR, BDO = map(_w, ("hyperlink", "smartTag", "customXml", "fldSimple",
                                                               "dir", "bdo"))
SDT, SDTPR, SDTCONTENT, PLCHDR = map(_w, ("sdt", "sdtPr", "sdtContent", "showingPlcHdr"))
DRAWING, PICT, OBJECT, TXBX, RUBY, RUBYBASE = map(_w, ("drawing", "pict", "object", "txbxContent", "ruby",
                                                       "rubyBase"))
HDRREF, FTRREF = map(_w, ("headerReference", "footerReference"))
PPR, PSTYLE, RSTYLE, STYLE, STYLEID, BASEDON = map(_w, ("pPr", "pStyle", "rStyle", "style", "styleId", "basedOn"))
DOCDEFAULTS, SOFTHYPHEN = _w("docDefaults"), _w("softHyphen")
STRIKE, DSTRIKE, HIGHLIGHT, SHD, FILL = map(_w, ("strike", "dstrike", "highlight", "shd", "fill"))
# run properties `_Walker.plain_para` leaves to the full walk: fonts (symbols, legacy), styles, strike, colour
_RUN_FORMATS = frozenset({_w("rFonts"), _w("rStyle"), _w("strike"), _w("dstrike"), _w("highlight"), _w("shd")})
_BREAKS = {BR: "\n", CR: "\n", PTAB: "\t"}  # run content `plain_para` writes besides w:t and w:tab
_NO_COLOUR = frozenset({"", "none", "auto", "clear", "ffffff", "white", "nil"})
ASCII, HANSI, CS, EASTASIA = map(_w, ("ascii", "hAnsi", "cs", "eastAsia"))
W14_CHECKBOX, W14_CHECKED, W14_VAL = f"{{{W14}}}checkbox", f"{{{W14}}}checked", f"{{{W14}}}val"
ALT, CHOICE, FALLBACK = f"{{{MC}}}AlternateContent", f"{{{MC}}}Choice", f"{{{MC}}}Fallback"
M_T, OMATH, OMATHPARA = f"{{{M}}}t", f"{{{M}}}oMath", f"{{{M}}}oMathPara"
RID = f"{{{RNS}}}id"
_SECTIONS = etree.XPath("w:p/w:pPr/w:sectPr | w:sectPr", namespaces={"w": W})
_TRANSPARENT = frozenset({HYPERLINK, SMARTTAG, CUSTOMXML, FLDSIMPLE, DIR, BDO})
_TEXTBOX_HOSTS = frozenset({DRAWING, PICT, OBJECT})


# -- one paragraph's text under construction ---------------------------------------------------------------
class _Para:
    __slots__ = ("parts", "boxes", "n", "text_runs", "bold_runs", "textboxes", "styles", "spans")

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.boxes: list[Box] = []
        self.n = 0
        self.text_runs = 0
        self.bold_runs = 0
        self.textboxes: list[etree._Element] = []
        self.styles: tuple[str, ...] = ()  # the current run's span styles (Span.style)
        self.spans: list[Span] = []

    def plain(self, s: str) -> None:
        for style in self.styles:
            last = next((sp for sp in reversed(self.spans) if sp.style == style), None)
            if last is not None and last.end == self.n:
                last.end += len(s)
            else:
                self.spans.append(Span(self.n, self.n + len(s), style))
        self.parts.append(s)
        self.n += len(s)

    def box(self, checked: bool, encoding: str) -> None:
        self.boxes.append(Box(self.n, checked, encoding))
        self.parts.append(CHECKED_BOX if checked else EMPTY_BOX)
        self.n += 1

    def counted(self, s: str, bold: bool) -> None:
        if s and not s.isspace():
            self.text_runs += 1
            self.bold_runs += bold


class _Walker:
    """Walks one part; `tracked` records whether tracked changes were met."""

    # a cell of w:tcPr and one w:p (3,021 of 3,041 cells of the unseen returns) is read by `para` without
    # `content`: -2% of the walk's instructions (tests/test_docx_cell_shortcut.py turns it off to compare)
    cell_shortcut = True

    def __init__(self, table: dict[str, Any]) -> None:
        self.glyphs: dict[str, bool] = table["glyphs"]
        self.fonts: dict[str, dict[int, bool]] = table["fonts"]
        self.unknown: dict[int, bool] = table["unknown_font"]
        self.special = re.compile("[" + re.escape("".join(self.glyphs)) + "\uf000-\uf0ff]")
        self.special_search = self.special.search
        # no glyph is ASCII (nor is a private-use code): an ASCII text then needs no search
        self.ascii_plain = not any(g.isascii() for g in self.glyphs)
        self.font_cache: dict[tuple[str, ...], tuple[str, bool] | None] = {}
        self.tracked = False
        self.textbox_no = 0
        self.styles: dict[str, str] = {}  # style id -> the Latin font it sets (resolved through basedOn)
        self.default_font = ""  # docDefaults' Latin font
        self.para_font = ""  # the current paragraph's font (its style's, else the default)
        self.legacy_cache: dict[str, FontEncoding | None] = {}
        # its legacy encoding (a run's, unless its w:rPr says); `para` keeps the default's while no style is loaded
        self.para_legacy: FontEncoding | None = self._legacy("")
        self.decoded: dict[str, int] = {}  # legacy encoding -> runs decoded
        self.entities = 0  # XML entity references met inside text (read as U+FFFD)

    # -- run properties ----------------------------------------------------------------------------
    def _font(self, rfonts: etree._Element | None) -> tuple[str, bool] | None:
        """(symbol font, whether it covers 0x20–0xFF characters) of a run, or None."""
        if rfonts is None:
            return None
        key = tuple(rfonts.values())
        if key in self.font_cache:
            return self.font_cache[key]
        found = None
        for attr in (ASCII, HANSI, CS, EASTASIA):
            name = (rfonts.get(attr) or "").casefold()
            if name in self.fonts:
                low = any((rfonts.get(a) or "").casefold() == name for a in (ASCII, HANSI))
                found = (name, low)
                break
        self.font_cache[key] = found
        return found

    def settle_default(self) -> None:
        """The paragraph font and its legacy encoding for paragraphs with no style font: the default's."""
        self.para_font = self.default_font
        self.para_legacy = self._legacy(self.default_font)

    def _legacy(self, name: str) -> FontEncoding | None:
        if name not in self.legacy_cache:
            self.legacy_cache[name] = ENCODINGS.font(name)
        return self.legacy_cache[name]

    def run_legacy(self, rfonts: etree._Element | None, rstyle: str | None) -> FontEncoding | None:
        """The legacy encoding of a run's Latin text: its w:rFonts (ascii / hAnsi), else its character
        style's font, else the paragraph's."""
        if rfonts is not None:
            for attr in (HANSI, ASCII):
                name = rfonts.get(attr)
                if name:
                    return self._legacy(name)
        if rstyle and self.styles.get(rstyle):
            return self._legacy(self.styles[rstyle])
        return self._legacy(self.para_font)

    def _t(self, el: etree._Element, rfonts: etree._Element | None, bold: bool, st: _Para,
           legacy: FontEncoding | None) -> None:
        """A w:t: its text (an XML entity reference in it read as U+FFFD), decoded when its font is legacy."""
        text = el.text or ""
        if len(el):
            for child in el:
                if isinstance(child, etree._Entity):
                    self.entities += 1
                    text += REPLACEMENT
                text += child.tail or ""
        if not text:
            return
        if legacy is not None:
            decoded = ENCODINGS.decode(text, legacy.encoding, legacy.capitals)
            if decoded != text:
                self.decoded[legacy.encoding] = self.decoded.get(legacy.encoding, 0) + 1
                text = decoded
        self._text(text, rfonts, bold, st)

    # -- text and symbols --------------------------------------------------------------------------
    def _text(self, text: str, rfonts: etree._Element | None, bold: bool, st: _Para) -> None:
        font = self._font(rfonts)
        if font is None and not self.special.search(text):
            st.plain(text)
            st.counted(text, bold)
            return
        table = self.fonts[font[0]] if font else self.unknown
        kept: list[str] = []
        for ch in text:
            code = ord(ch)
            state = self.glyphs.get(ch)
            if state is not None:
                encoding = "glyph"
            elif 0xF000 <= code <= 0xF0FF or (font and font[1] and 0x20 <= code <= 0xFF):
                state = table.get(code | 0xF000)
                encoding = "pua_text"
                if state is None:
                    if font is None or code < 0xF000:  # not a box: keep it (unknown font, or a plain character)
                        st.plain(ch)
                        kept.append(ch)
                    continue  # a symbol font's private-use non-box symbol: dropped
            else:
                st.plain(ch)
                kept.append(ch)
                continue
            st.box(state, encoding)
        st.counted("".join(kept), bold)

    def _sym(self, el: etree._Element, rfonts: etree._Element | None, st: _Para) -> None:
        try:
            code = int(el.get(CHAR) or "", 16)
        except ValueError:
            return
        name = (el.get(FONT) or "").casefold()
        if not name:
            font = self._font(rfonts)
            name = font[0] if font else ""
        table = self.fonts.get(name)
        if table is None and 0xF000 <= code <= 0xF0FF:
            table = self.unknown  # private-use code of an unknown font
        if table is not None:
            state = table.get(code | 0xF000 if code < 0x100 else code)
            if state is not None:
                st.box(state, "sym")
            return
        ch = chr(code) if 0x20 <= code < 0x110000 else ""
        if ch in self.glyphs:
            st.box(self.glyphs[ch], "sym")
        elif ch.isprintable():
            st.plain(ch)

    @staticmethod
    def _on(el: etree._Element | None, attr: str = VAL) -> bool:
        return el is not None and (el.get(attr) or "true").lower() not in _FALSE

    def _fldchar(self, el: etree._Element, st: _Para, bold: bool) -> None:
        ff = el.find(FFDATA)
        if ff is None or el.get(FLDCHARTYPE) != "begin":
            return
        cb = ff.find(CHECKBOX)
        if cb is not None:
            state = cb.find(CHECKED)
            st.box(self._on(state) if state is not None else self._on(cb.find(DEFAULT)), "formcheckbox")
            return
        dd = ff.find(DDLIST)
        if dd is not None:  # a drop-down shows its selected entry and has no result text
            entries = dd.findall(LISTENTRY)
            pick = dd.find(RESULT)
            pick = pick if pick is not None else dd.find(DEFAULT)
            i = int(pick.get(VAL) or 0) if pick is not None and (pick.get(VAL) or "0").isdigit() else 0
            if 0 <= i < len(entries):
                self._text(entries[i].get(VAL) or "", None, bold, st)

    def _sdt(self, el: etree._Element, st: _Para) -> None:
        pr = el.find(SDTPR)
        if pr is not None:
            cb = pr.find(W14_CHECKBOX)
            if cb is not None:
                checked = cb.find(W14_CHECKED)
                st.box(checked is not None and (checked.get(W14_VAL) or "").lower() in ("1", "true", "on"), "sdt")
                return
            if pr.find(PLCHDR) is not None:
                return  # placeholder prompt, nothing typed
        content = el.find(SDTCONTENT)
        if content is not None:
            self._walk(content, st)

    @staticmethod
    def _choice(alt: etree._Element) -> etree._Element | None:
        choice = alt.find(CHOICE)
        return choice if choice is not None else alt.find(FALLBACK)

    def _find_textboxes(self, el: etree._Element, out: list[etree._Element]) -> None:
        for ch in el:
            tag = ch.tag
            if tag == TXBX:
                out.append(ch)
            elif tag == ALT:
                branch = self._choice(ch)
                if branch is not None:
                    self._find_textboxes(branch, out)
            elif isinstance(tag, str):
                self._find_textboxes(ch, out)

    # -- the inline walk: paragraph content and run content ---------------------------------------------
    def _walk(self, parent: etree._Element, st: _Para, rfonts: etree._Element | None = None,
              bold: bool = False, legacy: FontEncoding | None = None) -> None:
        """Paragraph (or wrapper) content; `rfonts`/`bold`/`legacy` are the current run's (set by w:rPr; `legacy`
        starts as the paragraph's). A run's own content is walked by `_run`, with the same dispatch."""
        for ch in parent[:]:  # a slice: lxml builds the child list faster than its iterator steps
            tag = ch.tag
            if tag == R:
                self._run(ch, st)
            elif tag == PPR:
                continue
            elif tag == T:
                self._tee(ch, st, rfonts, bold, legacy)
            elif tag == RPR:
                rfonts, bold, legacy = self._rpr(ch, st)
            else:
                self._other(ch, tag, st, rfonts, bold, legacy)

    def _run(self, run: etree._Element, st: _Para) -> None:
        """A w:r: its properties, then its text (plain text in no symbol or legacy font appended here: the
        common case, `_Para.plain` and `_Para.counted` inlined), anything else through `_other`."""
        outer, st.styles = st.styles, ()
        rfonts, bold, legacy = None, False, self.para_legacy
        special = self.special_search
        for ch in run[:]:
            tag = ch.tag
            if tag == T:
                text = ch.text
                if len(ch) or legacy is not None or rfonts is not None or (text and special(text)):
                    if text or len(ch):
                        self._t(ch, rfonts, bold, st, legacy)
                elif text:
                    if st.styles:
                        st.plain(text)
                    else:
                        st.parts.append(text)
                        st.n += len(text)
                    if not text.isspace():
                        st.text_runs += 1
                        st.bold_runs += bold
            elif tag == RPR:
                rfonts, bold, legacy = self._rpr(ch, st)
            elif tag == R:
                self._run(ch, st)
            else:
                self._other(ch, tag, st, rfonts, bold, legacy)
        st.styles = outer

    def _tee(self, ch: etree._Element, st: _Para, rfonts: etree._Element | None, bold: bool,
             legacy: FontEncoding | None) -> None:
        """A w:t outside a run (`_run` has this inlined)."""
        text = ch.text
        if len(ch) or legacy is not None or rfonts is not None or (text and self.special.search(text)):
            if text or len(ch):
                self._t(ch, rfonts, bold, st, legacy)
        elif text:  # plain text in no symbol or legacy font (`_text`'s first branch)
            st.plain(text)
            st.counted(text, bold)

    def _rpr(self, rpr: etree._Element, st: _Para) -> tuple[etree._Element | None, bool, FontEncoding | None]:
        """A w:rPr: the run's (w:rFonts, bold, legacy encoding); its span styles go to `st.styles`."""
        rfonts, bold, rstyle = None, False, None
        styles = []
        for prop in rpr[:]:
            ptag = prop.tag
            if ptag == B:
                bold = self._on(prop)
            elif ptag == RFONTS:
                rfonts = prop
            elif ptag == RSTYLE:
                rstyle = prop.get(VAL)
            elif ptag in (STRIKE, DSTRIKE) and self._on(prop):
                styles.append("strike")
            elif ptag in (HIGHLIGHT, SHD) and _coloured(prop):
                styles.append("highlight")
        if bold:
            styles.append("bold")
        st.styles = tuple(dict.fromkeys(styles)) if len(styles) > 1 else tuple(styles)
        return rfonts, bold, self.run_legacy(rfonts, rstyle)

    def _other(self, ch: etree._Element, tag: Any, st: _Para, rfonts: etree._Element | None, bold: bool,
               legacy: FontEncoding | None) -> None:
        """Any content but w:r, w:t and w:rPr, in the run state given."""
        if tag in (TAB, PTAB):
            st.plain("\t")
        elif tag in (BR, CR):
            st.plain("\n")
        elif tag in _TRANSPARENT:
            self._walk(ch, st)
        elif tag in (INS, MOVETO):
            self.tracked = True
            self._walk(ch, st)
        elif tag in (DEL, MOVEFROM):
            self.tracked = True
        elif tag == SYM:
            self._sym(ch, rfonts, st)
        elif tag == FLDCHAR:
            self._fldchar(ch, st, bold)
        elif tag == SDT:
            self._sdt(ch, st)
        elif tag == NBHYPHEN:
            st.plain("-")
        elif tag == SOFTHYPHEN and legacy is not None and legacy.encoding == "TCVN3":
            # TCVN3's ư is byte 0xAD, the soft hyphen: LibreOffice writes it as w:softHyphen
            self._text(ENCODINGS.decode("\u00ad", "TCVN3", legacy.capitals), rfonts, bold, st)
            self.decoded["TCVN3"] = self.decoded.get("TCVN3", 0) + 1
        elif tag == ALT:
            branch = self._choice(ch)
            if branch is not None:
                self._walk(branch, st, rfonts, bold, legacy)
        elif tag in _TEXTBOX_HOSTS:
            if ch.find(f".//{TXBX}") is not None:
                self._find_textboxes(ch, st.textboxes)
        elif tag in (OMATH, OMATHPARA):
            for t in ch.iter(M_T):
                if t.text:
                    self._text(t.text, None, bold, st)
        elif tag == RUBY:
            base = ch.find(RUBYBASE)
            if base is not None:
                self._walk(base, st)
        # anything else (pPr, bookmarks, proofErr, instrText, delText, softHyphen, ...) gives no text

    # -- blocks ------------------------------------------------------------------------------------
    def plain_para(self, kids: list[etree._Element], loc: dict[str, Any]) -> Block | None:
        """The block of a paragraph of the common shape, or None for any other: w:pPr and w:r children only,
        each run holding w:rPr (whose only text formatting is w:b), w:t (no entity inside), w:tab, w:ptab, w:br
        and w:cr only, no glyph or private-use character in its text. Call it only when the paragraph's legacy
        encoding is None (then no such run is decoded); what it gives equals `_walk`'s
        (tests/test_docx_plain_para.py). The block takes `loc` itself: give it a dict of its own."""
        parts: list[str] = []
        spans: list[Span] = []
        n = text_runs = bold_runs = 0
        for r in kids:
            tag = r.tag
            if tag == R:
                bold = False
                for x in r[:]:
                    xt = x.tag
                    if xt == T:
                        if len(x):
                            return None
                        text = x.text
                        if not text:
                            continue
                    elif xt == TAB:
                        text = "\t"  # (white space: not a text run)
                    elif xt == RPR:
                        bold = False
                        for prop in x[:]:
                            ptag = prop.tag
                            if ptag == B:
                                bold = (prop.get(VAL) or "true").lower() not in _FALSE
                            elif ptag in _RUN_FORMATS:
                                return None
                        continue
                    elif xt in _BREAKS:  # w:br, w:cr, w:ptab: white space as `_other` writes it (3 a return)
                        text = _BREAKS[xt]
                    else:
                        return None
                    parts.append(text)  # (`_Para.plain` and `_Para.counted` for the one style, bold)
                    end = n + len(text)
                    if bold:
                        if spans and spans[-1].end == n:
                            spans[-1].end = end
                        else:
                            spans.append(Span(n, end, "bold"))
                    n = end
                    if not text.isspace():
                        text_runs += 1
                        bold_runs += bold
            elif tag != PPR:
                return None
        text = "".join(parts)
        if (not self.ascii_plain or not text.isascii()) and self.special_search(text):
            return None
        return Block(text, [], loc, text_runs > 0 and bold_runs == text_runs, spans)

    def para(self, p: etree._Element, loc: dict[str, Any], out: list[Block], own: bool = False) -> None:
        """The blocks of a w:p (its own, then its text boxes'); `own`: its block may keep `loc` (a dict made for
        it alone) instead of a copy (one dict less a paragraph, ~270 a return)."""
        kids = p[:]
        here = loc if own else dict(loc)
        if not kids:  # an empty paragraph (a blank cell's)
            out.append(Block("", [], here, False, []))
            return
        if self.styles:  # a style's font matters (styles are loaded only for a document using a legacy font)
            ppr = p.find(PPR)
            pstyle = ppr.find(PSTYLE) if ppr is not None else None
            style = pstyle.get(VAL) if pstyle is not None else None
            self.para_font = font = self.styles.get(style or "", "") or self.default_font
            cache = self.legacy_cache
            self.para_legacy = cache[font] if font in cache else self._legacy(font)
        # else para_font / para_legacy stay the default font's (`settle_default`)
        if self.para_legacy is None:
            block = self.plain_para(kids, here)
            if block is not None:
                out.append(block)
                return
        st = _Para()
        self._walk(p, st)
        bold = st.text_runs > 0 and st.bold_runs == st.text_runs
        out.append(Block("".join(st.parts), st.boxes, here, bold, st.spans))
        for tx in st.textboxes:
            k = self.textbox_no
            self.textbox_no += 1
            self.content(tx, {**loc, "textbox": k}, out, True)

    def content(self, container: etree._Element, loc: dict[str, Any], out: list[Block], own: bool = False) -> None:
        """Paragraphs of a cell, text box or wrapper as blocks; nested tables flattened. `own`: `loc` was made for
        this content alone, so its first paragraph's block may keep it (the others get copies)."""
        for ch in container[:]:
            tag = ch.tag
            if tag == P:
                self.para(ch, loc, out, own)
                own = False
            elif tag == TBL:
                for r, tr in enumerate(_children(ch, TR)):
                    cells = tr[:]
                    trpr = _first(cells, TRPR)
                    if trpr is not None and trpr.find(DEL) is not None:
                        self.tracked = True
                        continue
                    for c, tc in enumerate(_children(cells, TC)):
                        self.content(tc, {**loc, "nested": [r, c]}, out, True)
            elif tag == SDT:
                pr = ch.find(SDTPR)
                inner = ch.find(SDTCONTENT)
                if inner is not None and (pr is None or pr.find(PLCHDR) is None):
                    self.content(inner, loc, out)
            elif tag == CUSTOMXML:
                self.content(ch, loc, out)
            elif tag == ALT:
                branch = self._choice(ch)
                if branch is not None:
                    self.content(branch, loc, out)

    def table(self, tbl: etree._Element, loc: dict[str, Any]) -> Table:
        rows: list[list[Cell]] = []
        above: dict[int, Cell] = {}  # grid column -> cell open for a vertical merge
        merges = _merges(tbl)
        for r, tr in enumerate(_children(tbl, TR)):
            row: list[Cell] = []
            rows.append(row)
            cells = tr[:]  # one list for both looks (`_first` on the row made two proxies it dropped)
            trpr = _first(cells, TRPR)
            if trpr is not None and trpr.find(DEL) is not None:
                self.tracked = True
                continue
            col = _int(trpr.find(GRIDBEFORE), 0) if trpr is not None else 0
            for c, tc in enumerate(_children(cells, TC)):
                span, vmerge, hmerge = 1, None, None
                kids = tc[:]
                tcpr = kids[0] if kids else None  # w:tcPr comes first (`_first` without the second look)
                if tcpr is not None and tcpr.tag != TCPR:
                    tcpr = _first(tc, TCPR)
                for prop in merges.get(tcpr, ()) if tcpr is not None else ():
                    tag = prop.tag
                    if tag == GRIDSPAN:
                        span = max(1, _int(prop, 1))
                    elif tag == VMERGE:
                        vmerge = prop.get(VAL) or "continue"
                    elif tag == HMERGE:
                        hmerge = prop.get(VAL) or "continue"
                cell_loc = {**loc, "row": r, "cell": c, "col": col}
                target = above.get(col) if vmerge == "continue" else None
                if target is None and hmerge == "continue" and row:
                    target = row[-1]
                    target.colspan += span
                if target is not None:
                    if vmerge == "continue":
                        target.rowspan = r - target.row + 1
                    extra: list[Block] = []
                    self.content(tc, cell_loc, extra, True)
                    target.blocks.extend(b for b in extra if b.text.strip() or b.boxes)
                else:
                    blocks: list[Block] = []
                    cell = Cell(r, col, blocks, span)
                    if len(kids) == 2 and kids[0] is tcpr and kids[1].tag == P and self.cell_shortcut:
                        self.para(kids[1], cell_loc, blocks, True)  # `content`'s work for its common cell
                    else:
                        self.content(tc, cell_loc, blocks, True)
                    row.append(cell)
                    if vmerge == "restart":
                        for g in range(col, col + span):
                            above[g] = cell
                    elif above:  # nothing open for a merge: nothing to close
                        for g in range(col, col + span):
                            above.pop(g, None)
                col += span
        return Table(rows, dict(loc))

    def blocks(self, container: etree._Element, base: dict[str, Any]) -> list[Block | Table]:
        """Items of a body, header or footer: direct w:p / w:tbl numbered, wrapped content sub-numbered."""
        items: list[Any] = []
        i = 0
        for ch in container[:]:
            tag = ch.tag
            if tag == P:  # `_item`, inlined for the common case
                self.textbox_no = 0
                self.para(ch, {**base, "block": i}, items, True)
                i += 1
            elif tag == TBL:
                self._item(ch, {**base, "block": i}, items)
                i += 1
            elif tag in (SDT, CUSTOMXML, ALT):
                for j, el in enumerate(_wrapped(ch)):
                    self._item(el, {**base, "block": i, "sdt": j}, items)
        return items

    def _item(self, el: etree._Element, loc: dict[str, Any], items: list[Any]) -> None:
        self.textbox_no = 0
        if el.tag == P:
            self.para(el, loc, items)
        else:
            items.append(self.table(el, loc))


def _merges(tbl: etree._Element) -> dict[etree._Element, list[etree._Element]]:
    """The w:gridSpan, w:vMerge and w:hMerge elements of a table (nested tables' too), in document order, by
    parent: one C-level search a table instead of a proxy for every w:tcPr child (a w:tcW in most cells).
    The dict holds the parents' proxies, so a cell's w:tcPr read again is the same object (lxml keeps one
    proxy a node while it lives)."""
    out: dict[etree._Element, list[etree._Element]] = {}
    for prop in tbl.iter(GRIDSPAN, VMERGE, HMERGE):
        parent = prop.getparent()
        if parent in out:
            out[parent].append(prop)
        else:
            out[parent] = [prop]
    return out


def _coloured(prop: etree._Element) -> bool:
    """A w:highlight colour or a w:shd fill behind the text (not none, auto, clear or white)."""
    value = prop.get(VAL) if prop.tag == HIGHLIGHT else prop.get(FILL)
    return (value or "").lower() not in _NO_COLOUR


def _first(el: etree._Element | list[etree._Element], tag: str) -> etree._Element | None:
    """A properties child (w:tcPr, w:trPr), which the schema puts first (w:trPr after an optional w:tblPrEx), of
    an element or of its list of children."""
    n = len(el)
    if n:
        ch = el[0]
        if ch.tag == tag:
            return ch
        if n > 1:
            ch = el[1]
            if ch.tag == tag:
                return ch
    return None


def _int(el: etree._Element | None, default: int) -> int:
    val = el.get(VAL) if el is not None else None
    return int(val) if val is not None and val.isdigit() else default


def _children(parent: etree._Element | list[etree._Element], tag: str) -> list[etree._Element]:
    """Children with `tag` of an element (or in its list of children), looking through w:sdt / w:customXml
    wrappers (rows, cells)."""
    out = []
    for ch in parent[:]:
        ctag = ch.tag
        if ctag == tag:
            out.append(ch)
        elif ctag == SDT:
            inner = ch.find(SDTCONTENT)
            if inner is not None:
                out.extend(_children(inner, tag))
        elif ctag == CUSTOMXML:
            out.extend(_children(ch, tag))
    return out


def _wrapped(el: etree._Element) -> list[etree._Element]:
    """w:p / w:tbl inside a block-level w:sdt, w:customXml or mc:AlternateContent, in order."""
    if el.tag == SDT:
        pr = el.find(SDTPR)
        if pr is not None and pr.find(PLCHDR) is not None:
            return []
        el = el.find(SDTCONTENT)
    elif el.tag == ALT:
        el = _Walker._choice(el)
    out: list[etree._Element] = []
    for ch in el if el is not None else ():
        if ch.tag in (P, TBL):
            out.append(ch)
        elif ch.tag in (SDT, CUSTOMXML, ALT):
            out.extend(_wrapped(ch))
    return out


# -- the package ---------------------------------------------------------------------------------------------
def _parser() -> etree.XMLParser:
    return etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, remove_comments=True,
                           remove_pis=True, huge_tree=False, collect_ids=False)


_PARSER = _parser()  # shared: lxml serialises its use across threads


def _read_part(z: zipfile.ZipFile, name: str, path: str) -> bytes:
    info = z.getinfo(name)
    if info.flag_bits & 0x1:
        raise InputError("the document is password-protected; open it in Word, remove the password and save "
                         "it again", path=path)
    if info.file_size > MAX_PART_BYTES:
        raise InputError(f"{name} unpacks to {info.file_size / 2**20:.0f} MB, more than a form can hold; the file "
                         "is damaged or not a form", path=path)
    try:
        return z.read(name)
    except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, RuntimeError, OSError) as exc:
        raise InputError(f"{name} cannot be unpacked ({exc}); the file is damaged, ask for it again or re-save "
                         "it in Word", path=path) from None


_FONT_NAME = re.compile(rb'<w:font\s[^>]*?w:name="([^"]*)"')
# an entity reference other than the five XML predefines and character references
_ENTITY_REF = re.compile(rb"&(?!(?:amp|lt|gt|quot|apos|#[0-9]+|#x[0-9A-Fa-f]+);)[A-Za-z_][\w.-]*;")


class _Damage:
    """What recovery-mode parsing had to repair: a warning per damaged part, and the doubt every field gets."""

    def __init__(self) -> None:
        self.warnings: list[str] = []
        self.doubts: list[str] = []


def _parse(data: bytes, name: str, path: str, damage: _Damage | None = None) -> etree._Element:
    """Parse a part strictly; when that fails and `damage` is given, parse it again in recovery mode (lxml
    keeps what is readable), noting a warning and the `damaged_file` doubt unless the only errors were
    undeclared entity references (those are read as U+FFFD by the walker)."""
    try:
        return etree.fromstring(data, _PARSER)
    except etree.XMLSyntaxError as exc:
        message = " ".join(str(exc).split())
    entities_only = False
    if _ENTITY_REF.search(data):  # well-formed once its entity references are taken out?
        try:
            etree.fromstring(_ENTITY_REF.sub(b"", data), _parser())
            entities_only = True
        except etree.XMLSyntaxError:
            pass
    root = None
    if damage is not None:
        recover = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, remove_comments=True,
                                  remove_pis=True, huge_tree=False, recover=True)
        try:
            root = etree.fromstring(data, recover)
        except etree.XMLSyntaxError:
            root = None
    if root is None:
        raise InputError(f"{name} is not well-formed XML ({message}); the file is damaged, ask for it again or "
                         "re-save it in Word", path=path) from None
    if not entities_only:
        damage.warnings.append(f"{name} is not well-formed XML ({message}); it was read in recovery mode, so "  # type: ignore[union-attr]
                               "text may be missing or misplaced: every field needs review")
        if "damaged_file" not in damage.doubts:  # type: ignore[union-attr]
            damage.doubts.append("damaged_file")  # type: ignore[union-attr]
    return root


PART_MEMO_MAX = 256  # remembered font tables and relationship parts (see `_names_legacy_font`, `_rel_targets`)
_LEGACY_TABLES: dict[bytes, bool] = {}
_REL_TARGETS: dict[tuple[str, bytes], dict[str | None, str]] = {}


def _names_legacy_font(font_table: bytes) -> bool:
    """Whether a font table names a legacy (TCVN3 / VNI) font. Returns of one form share the table byte for
    byte, so the answer (a function of the bytes alone) is remembered under them."""
    known = _LEGACY_TABLES.get(font_table)
    if known is None:
        known = any(ENCODINGS.font(f.decode("utf-8", "replace")) for f in _FONT_NAME.findall(font_table))
        if len(_LEGACY_TABLES) >= PART_MEMO_MAX:
            _LEGACY_TABLES.clear()
        _LEGACY_TABLES[font_table] = known
    return known


def _load_styles(z: zipfile.ZipFile, main: str, path: str, walker: _Walker, damage: _Damage) -> None:
    """The Latin font of each style (through w:basedOn) and the default one, for legacy-font decoding."""
    folder = posixpath.dirname(main)
    name = posixpath.join(folder, "styles.xml")
    if name not in z.namelist():
        return
    table = posixpath.join(folder, "fontTable.xml")
    if table in z.namelist():  # the fonts the document uses: styles.xml (often 350 KB) matters only for a legacy one
        try:
            legacy = _names_legacy_font(_read_part(z, table, path))
        except InputError:  # unreadable: read as naming ".vn" (which `ENCODINGS.font` does not take as legacy)
            legacy = any(ENCODINGS.font(f) for f in (".vn",))
        if not legacy:
            return
    try:
        root = _parse(_read_part(z, name, path), name, path, damage)
    except InputError:
        return

    def latin(rpr_parent: etree._Element | None) -> str:
        rfonts = rpr_parent.find(f"{RPR}/{RFONTS}") if rpr_parent is not None else None
        return (rfonts.get(HANSI) or rfonts.get(ASCII) or "") if rfonts is not None else ""

    defaults = root.find(DOCDEFAULTS)
    default = latin(defaults.find(_w("rPrDefault"))) if defaults is not None else ""
    own: dict[str, tuple[str, str | None]] = {}
    default_para = None
    for style in root.iter(STYLE):
        sid = style.get(STYLEID) or ""
        based = style.find(BASEDON)
        own[sid] = (latin(style), based.get(VAL) if based is not None else None)
        if style.get(_w("type")) == "paragraph" and (style.get(_w("default")) or "").lower() in ("1", "true", "on"):
            default_para = sid

    def resolve(sid: str, depth: int = 0) -> str:
        font, based = own.get(sid, ("", None))
        return font or (resolve(based, depth + 1) if based and depth < 20 else "")

    walker.styles = {sid: resolve(sid) or default for sid in own}
    walker.default_font = walker.styles.get(default_para or "", "") or default
    walker.settle_default()


def _rel_targets(data: bytes, rels_name: str, main: str, path: str) -> dict[str | None, str]:
    """Relationship id -> the part it targets inside the package, from the main part's relationships; raises
    `InputError` when they are not well-formed (damage is told even when no header uses them). A function of
    the bytes and the main part's name: remembered under both (returns of one form share them)."""
    key = (main, data)
    targets = _REL_TARGETS.get(key)
    if targets is not None:
        return targets
    rels = _parse(data, rels_name, path)
    targets = {}
    for rel in rels.iter(f"{{{PKG_RELS}}}Relationship"):
        target = rel.get("Target") or ""
        if rel.get("TargetMode") != "External" and target:
            full = target.lstrip("/") if target.startswith("/") else posixpath.join(posixpath.dirname(main), target)
            targets[rel.get("Id")] = posixpath.normpath(full)
    if len(_REL_TARGETS) >= PART_MEMO_MAX:
        _REL_TARGETS.clear()
    _REL_TARGETS[key] = targets
    return targets


def _header_footer_parts(z: zipfile.ZipFile, main: str, body: etree._Element, path: str) -> list[tuple[str, str]]:
    """(kind, part name) of the headers and footers the sections reference, in reference order."""
    rels_name = posixpath.join(posixpath.dirname(main), "_rels", posixpath.basename(main) + ".rels")
    if rels_name not in z.namelist():
        return []
    targets = _rel_targets(_read_part(z, rels_name, path), rels_name, main, path)  # read even when unused
    sections = _SECTIONS(body)
    refs = [(kind, ref.get(RID)) for kind, ref_tag in (("header", HDRREF), ("footer", FTRREF))
            for sect in sections for ref in sect.iterfind(ref_tag)]
    if not refs:
        return []
    out: list[tuple[str, str]] = []
    for kind, rid in refs:
        name = targets.get(rid)
        if name and (kind, name) not in out:
            out.append((kind, name))
    return out


def _item_text(item: Block | Table) -> str:
    if isinstance(item, Block):
        return item.text
    return "\n".join(c.text for row in item.rows for c in row)


def read_docx(data: bytes, source: Source, checkboxes: dict[str, Any] | None = None, main: str | None = None,
              package: zipfile.ZipFile | None = None) -> Document:
    """Read DOCX bytes into a `Document` (see the module docstring); raises `InputError` for bad input.
    `main`: the main part's name when the caller has it (`sniff` read it from ``_rels/.rels``); `package`: the
    zip of `data` when the caller has opened it (`sniff_package`: its central directory is not read again); it
    is closed here."""
    path = source.path
    if package is not None:
        z = package
    else:
        try:
            z = zipfile.ZipFile(io.BytesIO(data))
        except (zipfile.BadZipFile, OSError, ValueError, EOFError) as exc:
            raise InputError(f"the file is a damaged ZIP/Word file ({exc}); ask for it again or re-save it in Word",
                             path=path) from None
    warnings: list[str] = []
    walker = _Walker(checkboxes or CHECKBOXES)
    with z:
        main = main or main_part_name(z)
        if main not in z.namelist():
            raise InputError(f"not a Word document: the ZIP has no {main}; save the return as .docx", path=path)
        damage = _Damage()
        root = _parse(_read_part(z, main, path), main, path, damage)
        _load_styles(z, main, path, walker, damage)
        body = root.find(BODY)
        if body is None and damage.doubts:
            raise InputError(f"{main} is not well-formed XML and no document body could be recovered from it; the "
                             "file is damaged, ask for it again or re-save it in Word", path=path)
        if body is None:
            raise InputError(f"{main} has no document body (w:body); the file is damaged or not a Word document",
                             path=path)
        items = walker.blocks(body, {"part": "body"})
        heads: list[Block | Table] = []
        feet: list[Block | Table] = []
        seen: set[tuple[str, str]] = set()
        try:
            parts = _header_footer_parts(z, main, body, path)
        except InputError:
            parts = []
            warnings.append("the document's relationships part is damaged; headers and footers were not read")
        for kind, name in parts:
            try:
                part_root = _parse(_read_part(z, name, path), name, path, damage)
            except KeyError:
                warnings.append(f"{kind} part {name} is referenced but missing; skipped")
                continue
            except InputError:
                warnings.append(f"{kind} part {name} is damaged; skipped")
                continue
            part_items = walker.blocks(part_root, {"part": kind, "partname": name})
            text = "\n".join(_item_text(i) for i in part_items).strip()
            if text and (kind, text) not in seen:
                seen.add((kind, text))
                (heads if kind == "header" else feet).extend(part_items)
    if walker.tracked:
        warnings.append("tracked changes were read as accepted (insertions kept, deletions dropped)")
    warnings += damage.warnings
    if walker.entities:
        warnings.append(f"{walker.entities} XML entity reference{'s' if walker.entities > 1 else ''} in the "
                        "document could not be read (shown as \ufffd); the fields around them need review")
    repairs = sorted(walker.decoded)
    if repairs:
        runs = sum(walker.decoded.values())
        warnings.append(f"text in legacy fonts decoded ({runs} run{'s' if runs > 1 else ''}): "
                        f"{label(repairs)}")
    return Document(source=source, items=[*heads, *items, *feet], pages=None, warnings=warnings,
                    repairs=repairs, doubts=damage.doubts)
