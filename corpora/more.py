"""Returns filled with the clerk habits the main corpus does not draw (issue 15): corpora/returns_more/.

    python -m corpora.more                        # DOCX, truth and LibreOffice PDFs into corpora/returns_more/
    python -m corpora.more --no-pdf --out /tmp/m  # DOCX + truth only (deterministic, byte for byte)

The same generator as corpora/build.py (`build_return`), drawing each field's habit from habits.yaml and
habits_more.yaml together (`corpora.habits.more_habits`), seeded per return (`m:f001:3`) so the group is
reproducible and independent of the main corpus, whose returns and truth stay as they are. The truth files
name the group's own DOCX and PDF (`producer: corpora.more`); ``extractor eval --corpus corpora/returns_more``
scores the folder as its own group and ``python -m corpora.verify corpora/returns_more`` re-reads it.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from corpora.build import build_return, to_pdf, write_group_truth
from corpora.formdesc import load_forms
from corpora.habits import more_habits

HERE = Path(__file__).parent
OUT = HERE / "returns_more"
PRODUCER = "corpora.more"
GROUP = "m"  # return ids f000_m000 …
PER_FORM = 5  # 25 returns: r0, r2, r4 on the printed form, r1, r3 on variant templates


def make(out: Path = OUT, per_form: int = PER_FORM, pdf: bool = True, forms_dir: Path = HERE / "forms"
         ) -> list[Path]:
    """Write the group's DOCX (and PDF) and truth under `out`; returns the DOCX paths."""
    (out / "truth").mkdir(parents=True, exist_ok=True)
    habits = more_habits()
    written = []
    for desc in load_forms(forms_dir):
        for i in range(per_form):
            ret = build_return(desc, i, habits, GROUP)
            path = out / f"{ret.return_id}.docx"
            path.write_bytes(ret.docx)
            write_group_truth(out, ret.truth, [path, path.with_suffix(".pdf")], PRODUCER)
            written.append(path)
    if pdf:
        to_pdf(written)
    return written


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m corpora.more", description=__doc__.splitlines()[0])
    ap.add_argument("--out", type=Path, default=OUT, help="output folder (default: corpora/returns_more/)")
    ap.add_argument("--per-form", type=int, default=PER_FORM, help="returns per form")
    ap.add_argument("--no-pdf", dest="pdf", action="store_false", help="skip the LibreOffice PDF export")
    args = ap.parse_args(argv)
    written = make(args.out, args.per_form, args.pdf)
    print(f"wrote {len(written)} DOCX{' + PDF' if args.pdf else ''} + truth under {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
