"""The checkbox table: which glyphs and which symbol-font codes are boxes, and their state.

Data in `patterns/checkboxes.yaml`, loaded and validated once (`CHECKBOXES`); every reader uses it.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from extractor.errors import PatternError
from extractor.model import CHECKED_BOX, EMPTY_BOX, UNKNOWN_BOX
from extractor.yamlfile import load_text, yaml_error

PATTERN_FILE = Path(__file__).resolve().parents[2] / "patterns" / "checkboxes.yaml"


def _hex_code(text: Any, where: str, bad: Any) -> int:
    if not isinstance(text, str) or not re.fullmatch(r"[0-9A-Fa-f]{2,4}", text):
        raise bad(f"{where}: {text!r} is not a quoted hex character code such as \"F0FE\"")
    code = int(text, 16)
    return code | 0xF000 if code < 0x100 else code


def read_pattern_file(path: Path, keys: tuple[str, ...]) -> dict[str, Any]:
    """The YAML mapping in `path`, which must have exactly `keys`; `PatternError` naming the file otherwise."""
    try:
        raw = load_text(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise PatternError(f"cannot be read ({exc.strerror or exc})", path=str(path)) from None
    except yaml_error() as exc:
        raise PatternError("is not valid YAML: " + " ".join(str(exc).split()), path=str(path)) from None
    if not isinstance(raw, dict) or set(raw) != set(keys):
        raise PatternError(f"must be a mapping with exactly the keys {', '.join(keys)}", path=str(path))
    return raw


def load_checkboxes(path: Path) -> dict[str, Any]:
    """Load and validate a checkbox table; raises `PatternError` naming the file and the entry.

    Returns ``{"glyphs": {char: checked}, "fonts": {casefolded font: {code: checked}},
    "unknown_font": {code: checked}}`` (codes as ints, 0x20–0xFF normalised to 0xF020–0xF0FF).
    """
    def bad(msg: str) -> PatternError:
        return PatternError(msg, path=str(path))

    raw = read_pattern_file(path, ("glyphs", "fonts", "unknown_font"))

    def states(entry: Any, where: str, convert: Any) -> dict[Any, bool]:
        if not isinstance(entry, dict) or set(entry) != {"empty", "checked"}:
            raise bad(f"{where}: must be a mapping with exactly the keys empty, checked")
        out: dict[Any, bool] = {}
        for key, checked in (("empty", False), ("checked", True)):
            if not isinstance(entry[key], list):
                raise bad(f"{where}.{key}: must be a list")
            for item in entry[key]:
                k = convert(item, f"{where}.{key}")
                if k in out:
                    raise bad(f"{where}.{key}: {item!r} is listed twice")
                out[k] = checked
        return out

    def glyph(item: Any, where: str) -> str:
        if not isinstance(item, str) or len(item) != 1:
            raise bad(f"{where}: {item!r} is not a single character")
        return item

    glyphs = states(raw["glyphs"], "glyphs", glyph)
    for token, checked in ((EMPTY_BOX, False), (CHECKED_BOX, True), (UNKNOWN_BOX, False)):
        if glyphs.get(token) is not checked:
            raise bad(f"glyphs: {token} must be listed under {'checked' if checked else 'empty'} (it is one of the "
                      "reader's own box tokens, so it must never stand in the text without a box)")
    if not isinstance(raw["fonts"], dict) or not raw["fonts"]:
        raise bad("fonts: must be a mapping of font name to {empty, checked}")
    fonts = {str(name).casefold(): states(entry, f"fonts.{name}", lambda i, w: _hex_code(i, w, bad))
             for name, entry in raw["fonts"].items()}
    unknown = str(raw["unknown_font"]).casefold()
    if unknown not in fonts:
        raise bad(f"unknown_font: {raw['unknown_font']!r} is not one of the fonts")
    return {"glyphs": glyphs, "fonts": fonts, "unknown_font": fonts[unknown]}


CHECKBOXES: dict[str, Any] = load_checkboxes(PATTERN_FILE)


