"""Corpus returns opened and saved again by LibreOffice Writer (DOCX → DOCX), as clerks who fill the form in
LibreOffice send them.

    python -m corpora.resaved                      # the default returns into corpora/returns_resaved/
    python -m corpora.resaved --ids f001_r004 --out /tmp/r

LibreOffice writes the same document with other XML: runs split and merged differently, its own styles and
numbering, content controls and legacy form checkboxes turned into its own fields or plain text, tabs and
fonts kept as it understood them. Each file gets a truth file: the source return's truth with ``files``
pointing at the re-saved DOCX (relative to the output folder, so the folder is a corpus of its own) and
``producer: libreoffice-resave``; block locations are the source's, the text is the same. ``extractor eval``
scores the folder as its own group.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
from pathlib import Path

from corpora.build import soffice, source_truths, write_group_truth

HERE = Path(__file__).parent
OUT = HERE / "returns_resaved"
PRODUCER = "libreoffice-resave"
DEFAULT_IDS = [f"f00{f}_r00{r}" for f in range(5) for r in range(4, 8)]  # two plain, two variant returns per form


def resave(docx_paths: list[Path], outdir: Path, timeout: int = 900) -> list[Path]:
    """Each DOCX opened and saved as DOCX by LibreOffice into `outdir` (one process for all)."""
    with tempfile.TemporaryDirectory() as profile:
        subprocess.run([soffice(), f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to",
                        "docx:MS Word 2007 XML", "--outdir", str(outdir), *map(str, docx_paths)], check=True,
                       timeout=timeout, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    out = [outdir / p.name for p in docx_paths]
    missing = [str(p) for p in out if not p.is_file()]
    if missing:
        raise SystemExit(f"LibreOffice did not write: {', '.join(missing)}")
    return out


def make(return_ids: list[str], corpus: Path = HERE, out: Path = OUT) -> list[Path]:
    """Re-saved DOCX and truth files for `return_ids` of `corpus` (its returns/ and truth/) into `out`."""
    truths = source_truths(corpus, return_ids)
    (out / "truth").mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        saved = resave([corpus / t["files"]["docx"] for t in truths.values()], Path(tmp))
        written = []
        for rid, src in zip(return_ids, saved, strict=True):
            dst = out / f"{rid}.docx"
            dst.write_bytes(src.read_bytes())
            write_group_truth(out, truths[rid], [dst], PRODUCER)
            written.append(dst)
    return written


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m corpora.resaved", description=__doc__.splitlines()[0])
    ap.add_argument("--corpus", type=Path, default=HERE, help="corpus with returns/ and truth/ (default: corpora/)")
    ap.add_argument("--out", type=Path, default=OUT, help="output folder (default: corpora/returns_resaved/)")
    ap.add_argument("--ids", nargs="+", default=DEFAULT_IDS, help="return ids (default: r004–r007 of each form)")
    args = ap.parse_args(argv)
    written = make(args.ids, args.corpus, args.out)
    print(f"wrote {len(written)} re-saved DOCX + truth under {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
