"""Vietnamese text: Unicode keys for labels (``normalize``), typed values (``values``), word lists (``vocab``).

The words themselves live in ``patterns/vocabulary.yaml`` and ``patterns/units.yaml``; this package holds
the mechanisms.
"""

from __future__ import annotations

from extractor.text.normalize import (
    clean_label,
    clean_text,
    expand_abbreviations,
    fold,
    is_blank_text,
    label_fold_key,
    label_key,
    nfc,
    nfd,
    tone_key,
)
from extractor.text.values import ParsedValue, parse_value, read_number
from extractor.text.vocab import abbreviations, load_units, load_vocabulary

__all__ = [
    "ParsedValue",
    "abbreviations",
    "clean_label",
    "clean_text",
    "expand_abbreviations",
    "fold",
    "is_blank_text",
    "label_fold_key",
    "label_key",
    "load_units",
    "load_vocabulary",
    "nfc",
    "nfd",
    "parse_value",
    "read_number",
    "tone_key",
]
