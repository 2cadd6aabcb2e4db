"""Checkbox drawing in every encoding Word produces (see FORMAT.md "Checkbox encodings")."""

from __future__ import annotations

import copy

from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.text.paragraph import Paragraph
from lxml import etree

# encoding -> (empty variants, checked variants); one variant is picked per return
GLYPHS = {
    "glyph": (["\u2610"], ["\u2612", "\u2611"]),
    "glyph_square": (["\u25a1"], ["\u25a0"]),
    "wingdings_sym": (["F0A8", "F06F", "F071"], ["F0FE", "F0FD", "F078"]),
    "wingdings2_sym": (["F0A3", "F02A"], ["F052", "F053", "F054"]),
    "wingdings_text": (["\uf071"], ["\uf0fe", "\uf078"]),
}
SYM_FONT = {"wingdings_sym": "Wingdings", "wingdings2_sym": "Wingdings 2"}
W14 = "http://schemas.microsoft.com/office/word/2010/wordml"


def _run(paragraph: Paragraph, text: str = "", font: str | None = None) -> etree._Element:
    run = paragraph.add_run(text)
    if font:
        run.font.name = font
        rfonts = run._r.rPr.find(qn("w:rFonts"))
        rfonts.set(qn("w:hAnsi"), font)
        rfonts.set(qn("w:cs"), font)
        rfonts.set(qn("w:eastAsia"), font)
    return run._r


def add_box(paragraph: Paragraph, encoding: str, checked: bool, variant: int = 0, name: str = "Check") -> None:
    """Append one checkbox, drawn in `encoding`, to the paragraph."""
    if encoding in ("glyph", "glyph_square"):
        choices = GLYPHS[encoding][1 if checked else 0]
        font = "MS Gothic" if encoding == "glyph" else None
        _run(paragraph, choices[variant % len(choices)], font)
    elif encoding in SYM_FONT:
        choices = GLYPHS[encoding][1 if checked else 0]
        r = _run(paragraph)
        sym = etree.SubElement(r, qn("w:sym"))
        sym.set(qn("w:font"), SYM_FONT[encoding])
        sym.set(qn("w:char"), choices[variant % len(choices)])
    elif encoding == "wingdings_text":
        choices = GLYPHS[encoding][1 if checked else 0]
        _run(paragraph, choices[variant % len(choices)], "Wingdings")
    elif encoding == "formcheckbox":
        _add_formcheckbox(paragraph, checked, name)
    elif encoding == "sdt":
        _add_sdt_checkbox(paragraph, checked)
    else:
        raise ValueError(f"unknown checkbox encoding {encoding!r}")


def _add_formcheckbox(paragraph: Paragraph, checked: bool, name: str) -> None:
    state = '<w:checked/>' if checked else ""
    begin = parse_xml(
        f'<w:r {nsdecls("w")}><w:fldChar w:fldCharType="begin"><w:ffData><w:name w:val="{name}"/>'
        f'<w:enabled/><w:calcOnExit w:val="0"/><w:checkBox><w:sizeAuto/><w:default w:val="0"/>{state}'
        f'</w:checkBox></w:ffData></w:fldChar></w:r>'
    )
    instr = parse_xml(f'<w:r {nsdecls("w")}><w:instrText xml:space="preserve"> FORMCHECKBOX </w:instrText></w:r>')
    end = parse_xml(f'<w:r {nsdecls("w")}><w:fldChar w:fldCharType="end"/></w:r>')
    for el in (begin, instr, end):
        paragraph._p.append(el)


def _add_sdt_checkbox(paragraph: Paragraph, checked: bool) -> None:
    glyph = "\u2612" if checked else "\u2610"
    sdt = parse_xml(
        f'<w:sdt {nsdecls("w")} xmlns:w14="{W14}"><w:sdtPr><w14:checkbox>'
        f'<w14:checked w14:val="{1 if checked else 0}"/>'
        '<w14:checkedState w14:val="2612" w14:font="MS Gothic"/>'
        '<w14:uncheckedState w14:val="2610" w14:font="MS Gothic"/>'
        '</w14:checkbox></w:sdtPr><w:sdtContent><w:r><w:rPr>'
        '<w:rFonts w:ascii="MS Gothic" w:eastAsia="MS Gothic" w:hAnsi="MS Gothic" w:hint="eastAsia"/>'
        f'</w:rPr><w:t>{glyph}</w:t></w:r></w:sdtContent></w:sdt>'
    )
    paragraph._p.append(copy.deepcopy(sdt))
