"""Scanned returns made by recipe from corpus PDFs: printed, signed, stamped and scanned, as agencies do.

    python -m corpora.scans [--returns f000_r000,f004_r002 …] [--out corpora/scans]

Each page of a corpus PDF is rasterised at the scan resolution (150 dpi by default) and degraded the way a
desk scanner does it, with a seeded generator per return (reproducible): uneven light, a small rotation
(±2°), blur, sensor noise, JPEG compression; on the last page a red round seal and a blue signature over the
signature block; some returns in grayscale, one page of some returns upside down. The pages are written as an
image-only PDF (`OUT/returns/<id>.pdf`); the truth is the source return's, with ``files`` pointing at the scan
and ``scan`` listing what was done (`OUT/truth/<id>.json`). `extractor eval --corpus corpora/scans --format pdf`
scores them as a group of their own.
"""

from __future__ import annotations

import argparse
import io
import json
import math
import random
from pathlib import Path
from typing import Any

import cv2
import numpy as np
import pypdfium2 as pdfium
from PIL import Image

ROOT = Path(__file__).resolve().parent
DEFAULT_RETURNS = ("f000_r000", "f001_r001", "f002_r002", "f003_r003", "f004_r002", "f004_r005")


def _light(img: np.ndarray, rng: random.Random) -> np.ndarray:
    h, w = img.shape[:2]
    gx = np.linspace(1.0, 1.0 - rng.uniform(0.05, 0.2), w, dtype=np.float32)
    gy = np.linspace(1.0 - rng.uniform(0.0, 0.12), 1.0, h, dtype=np.float32)
    shade = np.outer(gy, gx)
    return np.clip(img.astype(np.float32) * (shade[..., None] if img.ndim == 3 else shade), 0, 255).astype(np.uint8)


def _seal(img: np.ndarray, rng: random.Random) -> None:
    """A red round stamp (two rings, a star, ring text strokes) near the bottom right of the page."""
    h, w = img.shape[:2]
    r = int(w * rng.uniform(0.09, 0.11))
    cx, cy = int(w * rng.uniform(0.62, 0.75)), int(h * rng.uniform(0.55, 0.8))
    red = (40, 40, 210)
    cv2.circle(img, (cx, cy), r, red, max(2, r // 18), cv2.LINE_AA)
    cv2.circle(img, (cx, cy), int(r * 0.72), red, max(1, r // 30), cv2.LINE_AA)
    star = [(cx + int(r * 0.3 * math.cos(math.pi / 2 + k * 4 * math.pi / 5)),
             cy - int(r * 0.3 * math.sin(math.pi / 2 + k * 4 * math.pi / 5))) for k in range(5)]
    cv2.fillPoly(img, [np.array(star, dtype=np.int32)], red, cv2.LINE_AA)
    for k in range(28):  # the agency's name around the ring, as short strokes
        a = 2 * math.pi * k / 28
        p0 = (cx + int(r * 0.8 * math.cos(a)), cy + int(r * 0.8 * math.sin(a)))
        p1 = (cx + int(r * 0.92 * math.cos(a + 0.08)), cy + int(r * 0.92 * math.sin(a + 0.08)))
        cv2.line(img, p0, p1, red, max(1, r // 35), cv2.LINE_AA)


def _signature(img: np.ndarray, rng: random.Random) -> None:
    """A blue handwritten signature: a few loops drawn as a smooth random curve."""
    h, w = img.shape[:2]
    x0, y0 = int(w * rng.uniform(0.55, 0.65)), int(h * rng.uniform(0.6, 0.8))
    pts = []
    for t in np.linspace(0, 1, 160):
        x = x0 + int(w * 0.22 * t)
        y = y0 + int(h * 0.012 * math.sin(t * rng.uniform(14, 22)) + h * 0.01 * math.sin(t * 5))
        pts.append((x, y))
    cv2.polylines(img, [np.array(pts, dtype=np.int32)], False, (170, 60, 20), 2, cv2.LINE_AA)


def degrade(page: np.ndarray, rng: random.Random, last: bool, gray: bool, upside_down: bool) -> np.ndarray:
    """One clean page image (BGR) as it comes out of a desk scanner."""
    img = page.copy()
    if last:
        _seal(img, rng)
        _signature(img, rng)
    img = _light(img, rng)
    h, w = img.shape[:2]
    angle = rng.uniform(-2.0, 2.0)
    m = cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0)
    img = cv2.warpAffine(img, m, (w, h), flags=cv2.INTER_LINEAR, borderValue=(250, 250, 250))
    img = cv2.GaussianBlur(img, (3, 3), rng.uniform(0.3, 0.7))
    noise = np.random.default_rng(rng.randrange(2**32)).normal(0, rng.uniform(3, 7), img.shape)
    img = np.clip(img.astype(np.float32) + noise, 0, 255).astype(np.uint8)
    if gray:
        img = cv2.cvtColor(cv2.cvtColor(img, cv2.COLOR_BGR2GRAY), cv2.COLOR_GRAY2BGR)
    if upside_down:
        img = cv2.rotate(img, cv2.ROTATE_180)
    ok, jpeg = cv2.imencode(".jpg", img, [cv2.IMWRITE_JPEG_QUALITY, rng.randrange(55, 85)])
    assert ok
    return cv2.imdecode(jpeg, cv2.IMREAD_COLOR)


def scan_pdf(pdf: bytes, rid: str, dpi: int = 150) -> tuple[bytes, dict[str, Any]]:
    """An image-only PDF scanned from `pdf`, and what was done to it."""
    rng = random.Random(f"scan:{rid}")
    gray = rng.random() < 0.4
    doc = pdfium.PdfDocument(pdf)
    n = len(doc)
    flipped = rng.randrange(n) if rng.random() < 0.35 else None
    pages = []
    for i in range(n):
        clean = cv2.cvtColor(np.asarray(doc[i].render(scale=dpi / 72).to_pil().convert("RGB")), cv2.COLOR_RGB2BGR)
        pages.append(degrade(clean, rng, i == n - 1, gray, i == flipped))
    doc.close()
    images = [Image.fromarray(cv2.cvtColor(p, cv2.COLOR_BGR2RGB)) for p in pages]
    out = io.BytesIO()
    images[0].save(out, "PDF", save_all=True, append_images=images[1:], resolution=float(dpi), quality=80)
    ops = {"dpi": dpi, "gray": gray, "upside_down_page": None if flipped is None else flipped + 1,
           "seal": True, "signature": True, "rotation_deg": "±2", "jpeg": True}
    return out.getvalue(), ops


def build(returns: list[str], out: Path, corpus: Path = ROOT, dpi: int = 150) -> list[Path]:
    """Scan each named corpus return into `out` (returns/ and truth/); the written PDFs."""
    (out / "returns").mkdir(parents=True, exist_ok=True)
    (out / "truth").mkdir(parents=True, exist_ok=True)
    written = []
    for rid in returns:
        truth = json.loads((corpus / "truth" / f"{rid}.json").read_text(encoding="utf-8"))
        data, ops = scan_pdf((corpus / truth["files"]["pdf"]).read_bytes(), rid, dpi)
        target = out / "returns" / f"{rid}.pdf"
        target.write_bytes(data)
        truth["files"] = {"pdf": f"returns/{rid}.pdf"}
        truth["scan"] = ops
        (out / "truth" / f"{rid}.json").write_text(json.dumps(truth, ensure_ascii=False, indent=1) + "\n",
                                                   encoding="utf-8")
        written.append(target)
    return written


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--returns", default=",".join(DEFAULT_RETURNS), help="comma-separated return ids")
    ap.add_argument("--out", type=Path, default=ROOT / "scans")
    ap.add_argument("--dpi", type=int, default=150)
    args = ap.parse_args(argv)
    for p in build([r for r in args.returns.split(",") if r], args.out, dpi=args.dpi):
        print(p)


if __name__ == "__main__":
    main()
