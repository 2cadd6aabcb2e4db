"""Scanned pages as images, prepared for OCR with OpenCV: coloured ink removed, straightened, binarised; ruling
lines, table cells and checkbox squares found in the image itself (Tesseract reads neither).

    page_images(data, pdf, dpi) -> [gray page at `dpi`]        PDF pages rendered by PDFium, images by Pillow
    clean(gray_or_bgr, cfg) -> gray                            red seal / blue signature removed by colour
    straighten(gray, cfg) -> (gray, angle)                     small skew (±3°) by projection profile
    Scan.of(gray, cfg, dpi) -> Scan                            binary ink, rulings, cells, boxes, text image

Sizes in `patterns/ocr.yaml` are in points or shares of the page, so the rules hold at any resolution.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from typing import Any

import cv2
import numpy as np

A4_WIDTH_IN = 8.27  # an image without a resolution is taken to be an A4 page across its width

Rect = tuple[int, int, int, int]  # x0, y0, x1, y1 in pixels


def page_images(data: bytes, pdf: bool, dpi: int, min_dpi: int = 72, only: int | None = None) -> list[np.ndarray]:
    """Every page (or page number `only`) as an 8-bit BGR image at `dpi` (a PDF rendered by PDFium; an image file,
    every frame of a TIFF, resampled from its own resolution)."""
    if pdf:
        import pypdfium2 as pdfium

        doc = pdfium.PdfDocument(data)
        try:
            out = []
            for i in range(len(doc)) if only is None else [only - 1] if 0 < only <= len(doc) else []:
                page = doc[i]
                bitmap = page.render(scale=dpi / 72.0, grayscale=False)
                out.append(cv2.cvtColor(np.asarray(bitmap.to_pil().convert("RGB")), cv2.COLOR_RGB2BGR))
                page.close()
            return out
        finally:
            doc.close()
    from PIL import Image, ImageSequence

    out = []
    with Image.open(io.BytesIO(data)) as im:
        for number, frame in enumerate(ImageSequence.Iterator(im), start=1):
            if only is not None and number != only:
                continue
            rgb = frame.convert("RGB")
            src = frame.info.get("dpi", (0, 0))[0] or 0
            if not src or src < min_dpi:
                src = max(min_dpi, rgb.width / A4_WIDTH_IN)
            arr = cv2.cvtColor(np.asarray(rgb), cv2.COLOR_RGB2BGR)
            scale = dpi / float(src)
            if abs(scale - 1.0) > 0.02:
                arr = cv2.resize(arr, None, fx=scale, fy=scale,
                                 interpolation=cv2.INTER_CUBIC if scale > 1 else cv2.INTER_AREA)
            out.append(arr)
    return out


def clean(img: np.ndarray, cfg: dict[str, Any]) -> np.ndarray:
    """Gray page with coloured ink (the hue ranges of `cfg['ink']`: a red seal, a blue signature) turned white."""
    if img.ndim == 2:
        return img
    hsv = cv2.cvtColor(img, cv2.COLOR_BGR2HSV)
    ink = cfg["ink"]
    sat_ok = (hsv[..., 1] >= ink["min_saturation"]) & (hsv[..., 2] >= ink["min_value"])
    hue = hsv[..., 0]
    coloured = np.zeros(hue.shape, dtype=bool)
    for lo, hi in ink["hues"]:
        coloured |= (hue >= lo) & (hue <= hi)
    gray = cv2.cvtColor(img, cv2.COLOR_BGR2GRAY)
    gray[sat_ok & coloured] = 255
    return gray


def rotate(gray: np.ndarray, angle: float) -> np.ndarray:
    """`gray` turned by `angle` degrees (counter-clockwise), the corners filled white."""
    if not angle:
        return gray
    h, w = gray.shape
    m = cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0)
    return cv2.warpAffine(gray, m, (w, h), flags=cv2.INTER_LINEAR, borderValue=255)


def straighten(gray: np.ndarray, cfg: dict[str, Any]) -> tuple[np.ndarray, float]:
    """Undo a small skew: the angle whose rotation makes the rows of ink most uneven (text lines and rulings
    horizontal), searched on a quarter-size image."""
    small = cv2.resize(gray, None, fx=0.25, fy=0.25, interpolation=cv2.INTER_AREA)
    _, ink = cv2.threshold(small, 0, 255, cv2.THRESH_BINARY_INV | cv2.THRESH_OTSU)
    limit, step = cfg["deskew"]["max_angle"], cfg["deskew"]["step"]
    h, w = ink.shape
    best, best_score = 0.0, -1.0
    for angle in np.arange(-limit, limit + step / 2, step):
        m = cv2.getRotationMatrix2D((w / 2, h / 2), float(angle), 1.0)
        rows = cv2.warpAffine(ink, m, (w, h), flags=cv2.INTER_NEAREST, borderValue=0).sum(axis=1, dtype=np.float64)
        score = float(np.var(rows))
        if score > best_score:
            best, best_score = float(angle), score
    if abs(best) < step / 2:
        return gray, 0.0
    return rotate(gray, best), round(best, 2)


TURNS = {90: cv2.ROTATE_90_CLOCKWISE, 180: cv2.ROTATE_180, 270: cv2.ROTATE_90_COUNTERCLOCKWISE}


def prepared(img: np.ndarray, turned: list[float]) -> np.ndarray:
    """A page image turned as the reader turned it before OCR (``location["scan"]``: skew°, turn°, skew° after the
    turn), so that locations in points fall on it; colour kept (the review page shows the seal and signature)."""
    skew, turn, again = turned

    def rot(im: np.ndarray, angle: float) -> np.ndarray:
        if not angle:
            return im
        h, w = im.shape[:2]
        m = cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0)
        return cv2.warpAffine(im, m, (w, h), flags=cv2.INTER_LINEAR, borderValue=(255, 255, 255))

    out = rot(img, skew)
    if int(turn) in TURNS:
        out = cv2.rotate(out, TURNS[int(turn)])
    return rot(out, again)


def _boxes_of(mask: np.ndarray) -> list[Rect]:
    n, _, stats, _ = cv2.connectedComponentsWithStats(mask, connectivity=8)
    return [(int(x), int(y), int(x + w), int(y + h)) for x, y, w, h, _ in stats[1:n]]


@dataclass
class Scan:
    """One prepared page: what OCR reads and what the image itself says (pixels at the OCR resolution)."""

    text_image: np.ndarray  # gray text on an even white background, rulings and boxes erased
    tables: list[tuple[Rect, list[Rect]]] = field(default_factory=list)  # table box, its cells
    boxes: list[tuple[Rect, bool | None]] = field(default_factory=list)  # checkbox, ticked (None: cannot tell)
    leaders: list[tuple[Rect, int]] = field(default_factory=list)  # dotted leader run, number of dots

    @classmethod
    def of(cls, gray: np.ndarray, cfg: dict[str, Any], dpi: int) -> Scan:
        b = cfg["binarize"]
        ink = cv2.adaptiveThreshold(gray, 255, cv2.ADAPTIVE_THRESH_GAUSSIAN_C, cv2.THRESH_BINARY_INV,
                                    int(b["block"]) | 1, float(b["offset"]))
        h, w = ink.shape
        band = int(b["edge"] * w)  # the sheet's edge, where a skewed scan leaves a line and the scanner its noise
        if band:
            ink[:band], ink[h - band:], ink[:, :band], ink[:, w - band:] = 0, 0, 0, 0
        hmask, vmask = _rulings(ink, cfg["rulings"], w, h)
        tables = _tables(hmask, vmask)
        boxes = _checkboxes(ink, hmask | vmask, cfg["boxes"], dpi)
        leaders = _leaders(ink, cfg["leaders"], dpi)
        erase = np.zeros_like(ink)
        fringe = int(b["margin"]) + 1  # a dot's grey edge, which the margin around ink keeps, goes with it
        for (x0, y0, x1, y1), _ in leaders:  # Tesseract garbles a number typed against dots (`113……` → `;a b TNG`)
            erase[max(0, y0 - fringe):y1 + fringe, max(0, x0 - fringe):x1 + fringe] = 255
        erase[(hmask | vmask) > 0] = 255
        for (x0, y0, x1, y1), _ in boxes:
            pad = max(2, (x1 - x0) // 8)
            erase[max(0, y0 - pad):y1 + pad, max(0, x0 - pad):x1 + pad] = 255
        text = _even_light(gray)
        # paper away from ink turned white: on a page with little text Tesseract's own threshold splits the
        # scanner's noise into strokes and reads a page of garbage
        near_ink = cv2.dilate(ink, np.ones((2 * int(b["margin"]) + 1,) * 2, np.uint8))
        text[(near_ink == 0) | (cv2.dilate(erase, np.ones((3, 3), np.uint8)) > 0)] = 255
        return cls(text, tables, boxes, leaders)


def _even_light(gray: np.ndarray) -> np.ndarray:
    """The page divided by its background (a large closing removes the text): uneven light and paper tone gone,
    the strokes' anti-aliasing kept (Tesseract reads a gray page better than a hard binarisation)."""
    k = max(15, (gray.shape[1] // 60) | 1)
    background = cv2.morphologyEx(gray, cv2.MORPH_CLOSE, cv2.getStructuringElement(cv2.MORPH_RECT, (k, k)))
    return cv2.divide(gray, np.maximum(background, 1), scale=255)


def _rulings(ink: np.ndarray, cfg: dict[str, Any], w: int, h: int) -> tuple[np.ndarray, np.ndarray]:
    """Horizontal and vertical ruling lines: ink that survives an opening with a long thin kernel."""
    hk = cv2.getStructuringElement(cv2.MORPH_RECT, (max(10, int(cfg["min_length"] * w)), 1))
    vk = cv2.getStructuringElement(cv2.MORPH_RECT, (1, max(10, int(cfg["min_length"] * w))))
    hmask = cv2.morphologyEx(ink, cv2.MORPH_OPEN, hk)
    vmask = cv2.morphologyEx(ink, cv2.MORPH_OPEN, vk)
    # a dotted leader is no ruling: keep only components thin for their length
    thick = max(2, int(cfg["thickness"] * w))
    for mask, horizontal in ((hmask, True), (vmask, False)):
        n, labels, stats, _ = cv2.connectedComponentsWithStats(mask, connectivity=8)
        for i in range(1, n):
            across = stats[i, cv2.CC_STAT_HEIGHT] if horizontal else stats[i, cv2.CC_STAT_WIDTH]
            if across > 3 * thick:
                mask[labels == i] = 0
    # bridge small gaps where lines meet, so cells close
    hmask = cv2.dilate(hmask, cv2.getStructuringElement(cv2.MORPH_RECT, (5, 3)))
    vmask = cv2.dilate(vmask, cv2.getStructuringElement(cv2.MORPH_RECT, (3, 5)))
    return hmask, vmask


def _tables(hmask: np.ndarray, vmask: np.ndarray) -> list[tuple[Rect, list[Rect]]]:
    """Ruled tables: regions where horizontal and vertical rulings cross, split into the cells they enclose."""
    grid = cv2.bitwise_or(hmask, vmask)
    out = []
    for x0, y0, x1, y1 in _boxes_of(grid):
        region_h = hmask[y0:y1, x0:x1]
        region_v = vmask[y0:y1, x0:x1]
        if len(_boxes_of(region_h)) < 2 or len(_boxes_of(region_v)) < 2:
            continue
        inside = cv2.bitwise_not(grid[y0:y1, x0:x1])
        n, _, stats, _ = cv2.connectedComponentsWithStats(inside, connectivity=4)
        cells = []
        for i in range(1, n):
            cx, cy, cw, ch, area = (int(v) for v in stats[i])
            touches = cx == 0 or cy == 0 or cx + cw >= x1 - x0 or cy + ch >= y1 - y0
            if touches or cw < 6 or ch < 6 or area < 0.5 * cw * ch:
                continue
            cells.append((x0 + cx, y0 + cy, x0 + cx + cw, y0 + cy + ch))
        if len(cells) >= 2:
            out.append(((x0, y0, x1, y1), cells))
    return out


def _checkboxes(ink: np.ndarray, rulings: np.ndarray, cfg: dict[str, Any],
                dpi: int) -> list[tuple[Rect, bool | None]]:
    """Hollow squares of a checkbox's size, ticked when their inside holds enough ink (PARSING-NOTES: checked
    0.32–0.41, empty 0.00–0.12 inside the border). A hollow upright rectangle of a line's height is the box a
    renderer draws for a symbol-font character it has no glyph for (a Wingdings ☐ or ☒ alike): a checkbox whose
    state the image cannot tell (None) unless ink fills it."""
    px = dpi / 72.0
    lo, hi = cfg["min_side"] * px, cfg["max_side"] * px
    work = ink.copy()
    work[rulings > 0] = 0
    contours, _ = cv2.findContours(work, cv2.RETR_LIST, cv2.CHAIN_APPROX_SIMPLE)
    found: list[tuple[Rect, bool | None]] = []
    for c in sorted(contours, key=cv2.contourArea, reverse=True):  # a square's outline before its hole
        x, y, w, h = cv2.boundingRect(c)
        if not (lo <= w <= hi and lo <= h <= hi):
            continue
        square = abs(w - h) <= cfg["squareness"] * max(w, h)
        if not square and not (h > w and h <= cfg["missing_glyph_aspect"] * w):
            continue
        if cv2.contourArea(c) < 0.8 * w * h:  # the outline of a square fills its bounding box; O, D, 0 do not
            continue
        approx = cv2.approxPolyDP(c, 0.08 * cv2.arcLength(c, True), True)
        if len(approx) != 4:
            continue
        if not _straight_sides(ink[y:y + h, x:x + w], cfg["side_ink"]):
            continue  # an `o`, a `0`, an `O`: round, its sides touch the bounding box only in their middle
        rect = (x, y, x + w, y + h)
        if rulings[max(0, y - 3):y + h + 3, max(0, x - 3):x + w + 3].any():  # a corner left between rulings
            continue
        if any(_inside(rect, r) or _inside(r, rect) for r, _ in found):
            continue
        inset = int(round(cfg["border_inset"] * w))
        inner = ink[y + inset:y + h - inset, x + inset:x + w - inset]
        ratio = float((inner > 0).mean()) if inner.size else 0.0
        found.append((rect, True if ratio >= cfg["checked_ink"] else False if square else None))
    found.sort(key=lambda f: (f[0][1], f[0][0]))
    return found


def _straight_sides(box: np.ndarray, share: float) -> bool:
    """Whether ink runs along all four sides of `box` (a square's border), over at least `share` of each side, within
    a tenth of the side from the edge."""
    h, w = box.shape
    k = max(2, min(w, h) // 10)
    sides = (box[:k].any(axis=0), box[h - k:].any(axis=0), box[:, :k].any(axis=1), box[:, w - k:].any(axis=1))
    return all(float(side.mean()) >= share for side in sides)


def _leaders(ink: np.ndarray, cfg: dict[str, Any], dpi: int) -> list[tuple[Rect, int]]:
    """Dotted leaders: runs of at least `min_dots` dot-sized blobs on one baseline, evenly close together."""
    px = dpi / 72.0
    n, _, stats, centroids = cv2.connectedComponentsWithStats(ink, connectivity=8)
    small = [(float(centroids[i][0]), float(centroids[i][1]), int(stats[i, 0]), int(stats[i, 1]),
              int(stats[i, 0] + stats[i, 2]), int(stats[i, 1] + stats[i, 3])) for i in range(1, n)
             if cfg["min_side"] * px <= max(stats[i, 2], stats[i, 3]) <= cfg["max_side"] * px
             and stats[i, 4] >= 0.4 * stats[i, 2] * stats[i, 3]]
    small.sort(key=lambda d: d[0])
    used = [False] * len(small)
    runs: list[tuple[Rect, int]] = []
    step, drift = cfg["max_gap"] * px, cfg["baseline"] * px
    for i, first in enumerate(small):
        if used[i]:
            continue
        run, last = [i], first
        for j in range(i + 1, len(small)):
            d = small[j]
            if d[0] - last[0] > step:
                if d[0] - last[0] > 3 * step:
                    break
                continue
            if not used[j] and abs(d[1] - last[1]) <= drift and d[0] > last[0]:
                run.append(j)
                last = d
        if len(run) >= cfg["min_dots"]:
            for k in run:
                used[k] = True
            dots = [small[k] for k in run]
            runs.append(((min(d[2] for d in dots), min(d[3] for d in dots), max(d[4] for d in dots),
                          max(d[5] for d in dots)), len(dots)))
    return runs


def _inside(a: Rect, b: Rect) -> bool:
    """Whether the centre of `a` lies inside `b`."""
    cx, cy = (a[0] + a[2]) / 2, (a[1] + a[3]) / 2
    return b[0] <= cx <= b[2] and b[1] <= cy <= b[3]
