"""Tesseract for the scan reader: words with boxes and confidences, and page orientation.

    engine() -> Engine | None        None when Tesseract (or its `vie` data) is not installed
    Engine.words(gray) -> [Word]     one block of text (``--psm`` from `patterns/ocr.yaml`)
    Engine.turn(gray) -> 0|90|180|270  the clockwise turn that makes the page upright (orientation detection)

Tesseract runs in-process through tesserocr (its C++ API: the `vie` model is loaded once per thread and kept,
no image written to disk, no process started per call); where tesserocr is not installed, through pytesseract
and the `tesseract` command (one process per call, about twice the CPU). Both read the language data of the
Debian packages tesseract-ocr / tesseract-ocr-vie (``TESSDATA_PREFIX`` or the folders in `patterns/ocr.yaml`).
Both run single-threaded (``OMP_THREAD_LIMIT=1``): pages are read in parallel by the caller.
"""

from __future__ import annotations

import os
import shutil
import threading
from abc import ABC, abstractmethod
from pathlib import Path
from typing import Any

import numpy as np

Word = tuple[str, float, float, float, float, float, float, float]  # text, box, conf, line top / bottom (pixels)


class Engine(ABC):
    """Tesseract with the reader's settings (`patterns/ocr.yaml` ``tesseract``)."""

    error: type[Exception] = RuntimeError

    def __init__(self, cfg: dict[str, Any]) -> None:
        self.lang = cfg["lang"]
        self.psm = int(cfg["psm"])
        self.dpi = int(cfg["dpi"])
        self.min_conf = float(cfg["min_word_conf"])

    @abstractmethod
    def words(self, gray: np.ndarray) -> list[Word]:
        """The words Tesseract reads in the page image `gray` (one block)."""

    @abstractmethod
    def turn(self, gray: np.ndarray) -> int:
        """The clockwise turn (0, 90, 180, 270) that makes `gray` upright."""


class _TesserocrEngine(Engine):
    """Tesseract's C++ API through tesserocr; one API object per thread (an API is not thread-safe)."""

    def __init__(self, cfg: dict[str, Any], tessdata: str) -> None:
        import tesserocr

        super().__init__(cfg)
        self.t = tesserocr
        self.tessdata = tessdata
        self.local = threading.local()

    def _api(self, osd: bool = False) -> Any:
        name = "osd" if osd else "text"
        api = getattr(self.local, name, None)
        if api is None:
            t = self.t
            api = t.PyTessBaseAPI(path=self.tessdata, lang="osd" if osd else self.lang,
                                  psm=t.PSM.OSD_ONLY if osd else self.psm)
            setattr(self.local, name, api)
        return api

    def _set(self, api: Any, gray: np.ndarray) -> None:
        from PIL import Image

        api.SetImage(Image.fromarray(np.ascontiguousarray(gray)))
        api.SetSourceResolution(self.dpi)

    def words(self, gray: np.ndarray) -> list[Word]:
        t = self.t
        api = self._api()
        self._set(api, gray)
        if not api.Recognize():
            raise self.error("Tesseract could not recognise the page")
        out: list[Word] = []
        it = api.GetIterator()
        word, line = t.RIL.WORD, t.RIL.TEXTLINE
        for r in t.iterate_level(it, word) if it is not None else ():
            try:
                text = (r.GetUTF8Text(word) or "").strip()
            except RuntimeError:  # tesserocr: a page without any text has no word to give
                continue
            conf = float(r.Confidence(word))
            box = r.BoundingBox(word)
            if not text or conf < self.min_conf or box is None:
                continue
            lb = r.BoundingBox(line) or box
            out.append((text, box[0], box[1], box[2], box[3], conf, lb[1], lb[3]))
        api.Clear()
        return out

    def turn(self, gray: np.ndarray) -> int:
        api = self._api(osd=True)
        self._set(api, gray)
        osd = api.DetectOrientationScript()
        api.Clear()
        if not osd:
            return 0
        return (360 - int(osd["orient_deg"])) % 360


class _CommandEngine(Engine):
    """The `tesseract` command through pytesseract (one process per call)."""

    def __init__(self, cfg: dict[str, Any]) -> None:
        import pytesseract

        super().__init__(cfg)
        self.p = pytesseract
        self.error = pytesseract.TesseractError

    def words(self, gray: np.ndarray) -> list[Word]:
        data = self.p.image_to_data(gray, lang=self.lang, config=f"--psm {self.psm} --dpi {self.dpi}",
                                    output_type=self.p.Output.DICT)
        lines: dict[tuple[int, int, int], tuple[int, int]] = {}
        for i, level in enumerate(data["level"]):
            if level == 4:
                lines[(data["block_num"][i], data["par_num"][i], data["line_num"][i])] = (
                    data["top"][i], data["top"][i] + data["height"][i])
        out: list[Word] = []
        for i, level in enumerate(data["level"]):
            text = (data["text"][i] or "").strip()
            conf = float(data["conf"][i])
            if level != 5 or not text or conf < self.min_conf:
                continue
            x, y, w, h = data["left"][i], data["top"][i], data["width"][i], data["height"][i]
            ltop, lbottom = lines.get((data["block_num"][i], data["par_num"][i], data["line_num"][i]), (y, y + h))
            out.append((text, x, y, x + w, y + h, conf, ltop, lbottom))
        return out

    def turn(self, gray: np.ndarray) -> int:
        try:
            osd = self.p.image_to_osd(gray, config="--psm 0", output_type=self.p.Output.DICT)
        except self.p.TesseractError:
            return 0
        return int(osd.get("rotate", 0)) % 360


def _tessdata(cfg: dict[str, Any]) -> str | None:
    """The folder holding ``<lang>.traineddata`` and ``osd.traineddata``: ``TESSDATA_PREFIX``, else the first of
    the configured folders that has them."""
    want = (f"{cfg['lang']}.traineddata", "osd.traineddata")
    env = os.environ.get("TESSDATA_PREFIX")
    for folder in ([env] if env else []) + list(cfg.get("tessdata", [])):
        if all((Path(folder) / w).is_file() for w in want):
            return folder
    return None


_ENGINES: dict[int, Engine | None] = {}
_LOCK = threading.Lock()


def engine(cfg: dict[str, Any]) -> Engine | None:
    """The process's Tesseract (tesserocr when installed, else the `tesseract` command), or None when neither is
    usable; made once."""
    with _LOCK:
        if id(cfg) not in _ENGINES:
            _ENGINES[id(cfg)] = _make(cfg)
        return _ENGINES[id(cfg)]


def _make(cfg: dict[str, Any]) -> Engine | None:
    os.environ.setdefault("OMP_THREAD_LIMIT", "1")
    backend = os.environ.get("EXTRACTOR_OCR_ENGINE", "")
    if backend != "command":
        tessdata = _tessdata(cfg)
        try:
            import tesserocr  # noqa: F401
        except ImportError:
            tessdata = None
        if tessdata is not None:
            return _TesserocrEngine(cfg, tessdata)
    try:
        import pytesseract
    except ImportError:
        return None
    if shutil.which(pytesseract.pytesseract.tesseract_cmd) is None:
        return None
    return _CommandEngine(cfg)
