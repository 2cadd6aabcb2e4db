"""Legacy-encoded returns: corpus returns re-typed in TCVN3 (ABC) and VNI fonts, as DOCX, .doc and PDF.

    python -m corpora.legacy                   # corpora/legacy/{returns,truth}/ from corpora/returns + truth
    python -m corpora.legacy --out /tmp/l --per-form 2 --no-convert   # DOCX + truth only

Each source return (its Unicode DOCX and truth) gives one return per *kind*, the text stored the way
Word stores legacy-font text (the Windows-1252 character of each byte) in a run whose font names the
encoding:

- ``tcvn3-whole``    every run in ``.VnTime`` (runs holding a capital that has no TCVN3 code go to
                      ``.VnTimeH`` with lowercase codes, as clerks type them), and the styles' font too;
- ``tcvn3-answers``  a Unicode template whose typed answers are TCVN3 in ``.VnTime`` runs (the keyboard
                      driver left on TCVN3);
- ``tcvn3-nofont``   the same answers in TCVN3 but left in the template's Unicode font: mojibake that only
                      the text itself tells (repaired by `extractor.text.legacy`, with a warning);
- ``tcvn3-section``  a pasted section: the first table of the form, and the paragraphs after it, in TCVN3;
- ``vni-whole``      every run in ``VNI-Times``.
- ``unicode``        the source return itself, copied, so the group compares like with like.

TCVN3 is encoded with glibc ``iconv -t TCVN5712-1`` (independent of the extractor's table); VNI with the
inverse of `patterns/encodings.yaml`. The truth is the source's, in Unicode, with its own ``return_id``
(``<kind>__<source id>``), ``files`` and ``encoding``. .doc and PDF are LibreOffice conversions of the DOCX.
"""

from __future__ import annotations

import argparse
import io
import json
import shutil
import subprocess
import tempfile
import unicodedata
import zipfile
from pathlib import Path
from typing import Any

from lxml import etree

HERE = Path(__file__).parent
W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
KINDS = ("unicode", "tcvn3-whole", "tcvn3-answers", "tcvn3-nofont", "tcvn3-section", "vni-whole")
VN3_CAPITALS = "ĂÂÊÔƠƯĐ"  # VN3 has these capitals; its other capitals are the lowercase codes in a …H font


def _w(tag: str) -> str:
    return f"{{{W}}}{tag}"


# -- encoders ---------------------------------------------------------------------------------------------------
def _iconv_char(ch: str) -> bytes | None:
    """The TCVN5712-1 bytes glibc gives one character, or None when it has none."""
    run = subprocess.run(["iconv", "-f", "UTF-8", "-t", "TCVN5712-1"], input=ch.encode(), capture_output=True,
                         check=False)
    return run.stdout if run.returncode == 0 else None


_TCVN3: dict[str, str | None] = {}


def tcvn3_char(ch: str) -> str | None:
    """`ch` as stored in a .VnTime run (a Windows-1252 character), or None when VN3 has no code for it."""
    if ch.isascii():
        return ch
    if ch not in _TCVN3:
        raw = _iconv_char(ch)
        ok = raw is not None and len(raw) == 1 and raw[0] >= 0xA1 and (ch.islower() or ch in VN3_CAPITALS)
        _TCVN3[ch] = raw.decode("latin-1") if ok and raw is not None else None
    return _TCVN3[ch]


def tcvn3_runs(text: str) -> list[tuple[str, bool]]:
    """`text` as (stored text, capitals font) pieces: letters VN3 cannot hold go to a capitals (…H) piece
    with their lowercase codes; everything else stays in the plain font."""
    out: list[tuple[str, bool]] = []
    for ch in unicodedata.normalize("NFC", text):
        code = tcvn3_char(ch)
        caps = False
        if code is None:
            low = tcvn3_char(ch.lower())
            code, caps = (low, True) if low is not None else (ch, False)
        if out and out[-1][1] == caps:
            out[-1] = (out[-1][0] + code, caps)
        else:
            out.append((code, caps))
    return out


def _vni_inverse() -> tuple[dict[str, str], dict[tuple[str, ...], tuple[str, str]]]:
    from extractor.text.legacy import ENCODINGS

    letters = {dst: src for src, dst in ENCODINGS.vni_letters.items()}
    marks: dict[tuple[str, ...], tuple[str, str]] = {}
    for src, comb in ENCODINGS.vni_marks.items():
        low, up = marks.get(tuple(sorted(comb)), ("", ""))
        marks[tuple(sorted(comb))] = (src, up) if src.islower() else (low, src)
    return letters, marks


def vni_text(text: str) -> str:
    """`text` as stored in a VNI-Times run."""
    letters, marks = _vni_inverse()
    out = []
    for ch in unicodedata.normalize("NFC", text):
        if ch.isascii():
            out.append(ch)
            continue
        if ch in letters:
            out.append(letters[ch])
            continue
        d = unicodedata.normalize("NFD", ch)
        base, rest = d[0], list(d[1:])
        if "\u031b" in rest:  # ơ ư are letters of their own in VNI
            rest.remove("\u031b")
            base = letters[unicodedata.normalize("NFC", base + "\u031b")]
        elif rest and unicodedata.normalize("NFC", base + "".join(rest)) in letters:
            out.append(letters[unicodedata.normalize("NFC", base + "".join(rest))])
            continue
        if not rest:
            out.append(base)
            continue
        low, up = marks[tuple(sorted(rest))]
        out.append(base + (up if base.isupper() else low))
    return "".join(out)


# -- DOCX rewriting ----------------------------------------------------------------------------------------------
def _set_font(run: etree._Element, font: str) -> None:
    rpr = run.find(_w("rPr"))
    if rpr is None:
        rpr = etree.SubElement(run, _w("rPr"))
        run.remove(rpr)
        run.insert(0, rpr)
    rfonts = rpr.find(_w("rFonts"))
    if rfonts is None:
        rfonts = etree.Element(_w("rFonts"))
        rpr.insert(0, rfonts)
    for attr in ("ascii", "hAnsi", "cs", "eastAsia"):
        rfonts.set(_w(attr), font)


def _symbol_run(run: etree._Element) -> bool:
    """A run in a symbol font (a checkbox typed as a Wingdings character) keeps its font."""
    rfonts = run.find(f"{_w('rPr')}/{_w('rFonts')}")
    return rfonts is not None and "wingdings" in (rfonts.get(_w("ascii")) or "").lower()


def _encode_run(run: etree._Element, encoding: str, set_font: bool = True) -> None:
    """Re-type one run (its w:t texts) in `encoding`, splitting it where a TCVN3 capitals font is needed."""
    texts = run.findall(_w("t"))
    if not texts or _symbol_run(run):
        return
    if encoding == "VNI":
        for t in texts:
            t.text = vni_text(t.text or "")
        if set_font:
            _set_font(run, "VNI-Times")
        return
    if len(texts) > 1 or len(run) > len(texts) + (run.find(_w("rPr")) is not None):
        for t in texts:  # a run with other content (tabs, breaks): re-type in place, plain font only
            t.text = "".join(code for code, _ in tcvn3_runs(t.text or ""))
        if set_font:
            _set_font(run, ".VnTime")
        return
    pieces = tcvn3_runs(texts[0].text or "")
    parent, at = run.getparent(), run.getparent().index(run)
    for k, (code, caps) in enumerate(pieces):
        new = run if k == 0 else _clone(run)
        new.find(_w("t")).text = code
        new.find(_w("t")).set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
        if set_font:
            _set_font(new, ".VnTimeH" if caps else ".VnTime")
        if k:
            parent.insert(at + k, new)


def _clone(run: etree._Element) -> etree._Element:
    return etree.fromstring(etree.tostring(run))


def _split_answer(run: etree._Element, answers: list[str]) -> list[etree._Element]:
    """Split a run holding a typed answer into before / answer / after runs; returns the answer runs."""
    t = run.find(_w("t"))
    if t is None or not t.text or _symbol_run(run) or len(run.findall(_w("t"))) != 1:
        return []
    text = t.text
    hit = max((a for a in answers if a in text), key=len, default=None)
    if hit is None:
        return []
    i = text.index(hit)
    parts = [text[:i], hit, text[i + len(hit):]]
    parent, at = run.getparent(), run.getparent().index(run)
    made = []
    for k, part in enumerate(parts):
        new = _clone(run)
        new.find(_w("t")).text = part
        new.find(_w("t")).set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
        if part:
            parent.insert(at + len(made) + 1, new)
            made.append((k, new))
    parent.remove(run)
    return [r for k, r in made if k == 1]


def _answers(truth: dict[str, Any]) -> list[str]:
    """The typed answers of a return that TCVN3 stores differently (raw text with a non-ASCII letter; checkbox
    marks and plain-ASCII values stay as they are), longest first."""
    out = {str(f["raw"]) for f in truth["fields"] if f.get("raw") and f.get("fill") and not str(f["raw"]).isascii()}
    return sorted(out, key=lambda a: (-len(a), a))


def _styles_font(styles: bytes, font: str) -> bytes:
    root = etree.fromstring(styles)
    for rfonts in root.iter(_w("rFonts")):
        for attr in ("ascii", "hAnsi", "cs", "eastAsia"):
            if rfonts.get(_w(attr)):
                rfonts.set(_w(attr), font)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def convert(docx: bytes, truth: dict[str, Any], kind: str) -> bytes:
    """The DOCX of `kind` made from a Unicode return."""
    files: dict[str, bytes] = {}
    with zipfile.ZipFile(io.BytesIO(docx)) as z:
        infos = z.infolist()
        for info in infos:
            files[info.filename] = z.read(info.filename)
    if kind != "unicode":
        root = etree.fromstring(files["word/document.xml"])
        body = root.find(_w("body"))
        runs = list(body.iter(_w("r")))
        if kind in ("tcvn3-whole", "vni-whole"):
            enc = "VNI" if kind.startswith("vni") else "TCVN3"
            for run in runs:
                _encode_run(run, enc)
            files["word/styles.xml"] = _styles_font(files["word/styles.xml"], "VNI-Times" if enc == "VNI"
                                                    else ".VnTime")
        elif kind in ("tcvn3-answers", "tcvn3-nofont"):
            answers = _answers(truth)
            for run in runs:
                for ans in _split_answer(run, answers):
                    _encode_run(ans, "TCVN3", set_font=kind == "tcvn3-answers")
        elif kind == "tcvn3-section":
            blocks = [el for el in body if el.tag in (_w("p"), _w("tbl"))]
            first = next((i for i, el in enumerate(blocks) if el.tag == _w("tbl")), len(blocks) // 2)
            for el in blocks[first:first + 4]:
                for run in list(el.iter(_w("r"))):
                    _encode_run(run, "TCVN3")
        else:
            raise ValueError(f"unknown kind {kind!r}")
        files["word/document.xml"] = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for info in infos:
            zi = zipfile.ZipInfo(info.filename, date_time=(2020, 1, 1, 0, 0, 0))
            zi.compress_type = zipfile.ZIP_DEFLATED
            z.writestr(zi, files[info.filename])
    return buf.getvalue()


def _soffice_convert(paths: list[Path], fmt: str, outdir: Path) -> None:
    exe = shutil.which("soffice") or shutil.which("libreoffice")
    if exe is None:
        raise SystemExit("LibreOffice is needed for .doc and PDF: apt-get install libreoffice-writer-nogui")
    with tempfile.TemporaryDirectory() as profile:
        for start in range(0, len(paths), 40):
            cmd = [exe, f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to", fmt,
                   "--outdir", str(outdir), *map(str, paths[start:start + 40])]
            subprocess.run(cmd, check=True, timeout=900, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def build(source: Path, out: Path, per_form: int, kinds: tuple[str, ...], convert_files: bool) -> list[Path]:
    """Write `out`/returns and `out`/truth for the first `per_form` returns of each form in `source`."""
    (out / "returns").mkdir(parents=True, exist_ok=True)
    (out / "truth").mkdir(parents=True, exist_ok=True)
    truths = sorted((source / "truth").glob("*.json"))
    picked: dict[str, int] = {}
    written: list[Path] = []
    for tpath in truths:
        truth = json.loads(tpath.read_text(encoding="utf-8"))
        form = truth["form"]
        if picked.get(form, 0) >= per_form:
            continue
        picked[form] = picked.get(form, 0) + 1
        docx = (source / truth["files"]["docx"]).read_bytes()
        for kind in kinds:
            rid = f"{kind}__{truth['return_id']}"
            path = out / "returns" / f"{rid}.docx"
            path.write_bytes(convert(docx, truth, kind))
            written.append(path)
            files = {"docx": f"returns/{rid}.docx"}
            if convert_files:
                files.update(pdf=f"returns/{rid}.pdf", doc=f"returns/{rid}.doc")
            new = {**truth, "return_id": rid, "files": files, "encoding": kind, "source_return": truth["return_id"]}
            (out / "truth" / f"{rid}.json").write_text(json.dumps(new, ensure_ascii=False, indent=1) + "\n",
                                                      encoding="utf-8")
    if convert_files:
        _soffice_convert(written, "pdf", out / "returns")
        _soffice_convert(written, "doc", out / "returns")
    return written


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--source", type=Path, default=HERE, help="corpus with returns/ and truth/ (default corpora/)")
    ap.add_argument("--out", type=Path, default=HERE / "legacy")
    ap.add_argument("--per-form", type=int, default=2, help="source returns per form (default 2)")
    ap.add_argument("--kinds", nargs="*", default=list(KINDS), choices=KINDS)
    ap.add_argument("--no-convert", action="store_true", help="DOCX and truth only (no LibreOffice)")
    args = ap.parse_args(argv)
    written = build(args.source, args.out, args.per_form, tuple(args.kinds), not args.no_convert)
    print(f"{len(written)} returns written to {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
