"""Where a PDF's paragraphs and cells differ from its DOCX's: the block texts of both readers, aligned.

    python3 -m bench.pdf_blocks corpora/returns/f000_r000.docx corpora/returns/f000_r000.pdf
    python3 -m bench.pdf_blocks corpora/returns/f002_r001.docx corpora/returns_chromium/f002_r001.pdf

Prints each run of blocks that differs (D: the DOCX's, P: the PDF's; B a body paragraph, C a table cell's
paragraph), empty blocks aside, and the count of differing runs. A tool for reading paragraph boundaries, not a
score: tabs to dotted tab stops (a tab in the DOCX, dots in the PDF) and spaces collapsed by a producer show up.
"""

from __future__ import annotations

import argparse
import difflib
from pathlib import Path

from extractor.model import Document, Table
from extractor.readers import read


def blocks(doc: Document) -> list[tuple[str, str]]:
    """(kind, text) of every paragraph in reading order: "B" body, "C" table cell."""
    out: list[tuple[str, str]] = []
    for item in doc.items:
        if isinstance(item, Table):
            out += [("C", b.text) for row in item.rows for cell in row for b in cell.blocks]
        else:
            out.append(("B", item.text))
    return out


def differences(docx: list[tuple[str, str]], pdf: list[tuple[str, str]]) -> list[tuple[list, list]]:
    """Runs of blocks that differ, as (DOCX blocks, PDF blocks); runs of empty blocks only are left out."""
    sm = difflib.SequenceMatcher(None, [t for _, t in docx], [t for _, t in pdf], autojunk=False)
    runs = []
    for op, a1, a2, b1, b2 in sm.get_opcodes():
        if op != "equal" and any(t.strip() for _, t in docx[a1:a2] + pdf[b1:b2]):
            runs.append((docx[a1:a2], pdf[b1:b2]))
    return runs


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("docx", type=Path)
    ap.add_argument("pdf", type=Path)
    ap.add_argument("--width", type=int, default=200, help="characters of each block shown")
    a = ap.parse_args()
    runs = differences(blocks(read(a.docx)), blocks(read(a.pdf)))
    for d, p in runs:
        print("==")
        for tag, items in (("D", d), ("P", p)):
            for kind, text in items:
                print(f"  {tag} {kind} {text!r}"[:a.width + 8])
    print(f"{len(runs)} differing run{'s' if len(runs) != 1 else ''}")


if __name__ == "__main__":
    main()
