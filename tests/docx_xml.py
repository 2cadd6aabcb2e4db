"""A tiny builder of minimal valid DOCX files from WordprocessingML strings, for one-line reader tests.

    docx_bytes('<w:p><w:r><w:t>Có</w:t></w:r></w:p>')                  # body content only
    write_docx(tmp_path / "a.docx", body, header=p(r("Sở X")), footer=[...])
    p(r("Tổng số: ", bold=True), r("\\uf0fe", font="Wingdings"))        # helpers for the common shapes

Prefixes w, w14, mc, wps, wp, a, v, r, m are declared on every root, so fragments can use them freely.
A header/footer may be a list (one part each, all referenced by the section) to test de-duplication.
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path
from xml.sax.saxutils import escape

NS = {
    "w": "http://schemas.openxmlformats.org/wordprocessingml/2006/main",
    "w14": "http://schemas.microsoft.com/office/word/2010/wordml",
    "mc": "http://schemas.openxmlformats.org/markup-compatibility/2006",
    "wps": "http://schemas.microsoft.com/office/word/2010/wordprocessingShape",
    "wp": "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing",
    "a": "http://schemas.openxmlformats.org/drawingml/2006/main",
    "v": "urn:schemas-microsoft-com:vml",
    "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
    "m": "http://schemas.openxmlformats.org/officeDocument/2006/math",
}
XMLNS = " ".join(f'xmlns:{k}="{v}"' for k, v in NS.items())
DECL = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
WML = "application/vnd.openxmlformats-officedocument.wordprocessingml"


def r(text: str = "", *, font: str | None = None, bold: bool | None = None, extra: str = "") -> str:
    """A run; `font` sets all four w:rFonts slots; `extra` is raw run content appended after the text."""
    props = ""
    if font:
        props += f'<w:rFonts w:ascii="{font}" w:hAnsi="{font}" w:cs="{font}" w:eastAsia="{font}"/>'
    if bold is not None:
        props += "<w:b/>" if bold else '<w:b w:val="0"/>'
    rpr = f"<w:rPr>{props}</w:rPr>" if props else ""
    t = f'<w:t xml:space="preserve">{escape(text)}</w:t>' if text else ""
    return f"<w:r>{rpr}{t}{extra}</w:r>"


def p(*content: str) -> str:
    return f"<w:p>{''.join(content)}</w:p>"


def tc(*content: str, span: int = 1, vmerge: str | None = None) -> str:
    """A cell; vmerge "restart" starts a vertical merge, "" continues one (no w:val)."""
    pr = f'<w:gridSpan w:val="{span}"/>' if span > 1 else ""
    if vmerge is not None:
        pr += f'<w:vMerge w:val="{vmerge}"/>' if vmerge else "<w:vMerge/>"
    body = "".join(content) or "<w:p/>"
    return f"<w:tc>{f'<w:tcPr>{pr}</w:tcPr>' if pr else ''}{body}</w:tc>"


def tbl(*rows: list[str]) -> str:
    return "<w:tbl>" + "".join("<w:tr>" + "".join(row) + "</w:tr>" for row in rows) + "</w:tbl>"


def _parts(content: str | list[str] | None) -> list[str]:
    if content is None:
        return []
    return [content] if isinstance(content, str) else list(content)


def docx_bytes(body: str, *, header: str | list[str] | None = None, footer: str | list[str] | None = None) -> bytes:
    """A minimal DOCX whose w:body holds `body` (plus a final w:sectPr referencing headers/footers)."""
    heads, feet = _parts(header), _parts(footer)
    files: dict[str, str] = {}
    rels, refs, overrides = [], [], []
    for kind, root, contents in (("header", "hdr", heads), ("footer", "ftr", feet)):
        for i, content in enumerate(contents, 1):
            rid = f"rId{kind[0]}{i}"
            files[f"word/{kind}{i}.xml"] = f"{DECL}<w:{root} {XMLNS}>{content}</w:{root}>"
            rels.append(f'<Relationship Id="{rid}" Type="{REL}/{kind}" Target="{kind}{i}.xml"/>')
            ref_type = "default" if i == 1 else ("first" if i == 2 else "even")
            refs.append(f'<w:{kind}Reference w:type="{ref_type}" r:id="{rid}"/>')
            overrides.append(f'<Override PartName="/word/{kind}{i}.xml" ContentType="{WML}.{kind}+xml"/>')
    files["[Content_Types].xml"] = (
        f'{DECL}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        f'<Override PartName="/word/document.xml" ContentType="{WML}.document.main+xml"/>'
        f'{"".join(overrides)}</Types>')
    files["_rels/.rels"] = (
        f'{DECL}<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        f'<Relationship Id="rId1" Type="{REL}/officeDocument" Target="word/document.xml"/></Relationships>')
    files["word/_rels/document.xml.rels"] = (
        f'{DECL}<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        f'{"".join(rels)}</Relationships>')
    files["word/document.xml"] = (
        f'{DECL}<w:document {XMLNS}><w:body>{body}<w:sectPr>{"".join(refs)}</w:sectPr></w:body></w:document>')
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name, text in files.items():
            z.writestr(name, text.encode("utf-8"))
    return buf.getvalue()


def write_docx(path: Path, body: str, **kwargs: str | list[str] | None) -> Path:
    path.write_bytes(docx_bytes(body, **kwargs))
    return path
