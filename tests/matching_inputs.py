"""A corpus return as matching receives it, for tests of the matching stage.

    cat, slots, guess = detected(path)   # the catalogue, the return's slots (printed lines known), its form guess
"""

from __future__ import annotations

from pathlib import Path

from extractor.catalogue import Catalogue, load_catalogue
from extractor.matching import FormGuess, detect_form
from extractor.model import Block
from extractor.printed import load_printed
from extractor.readers import read
from extractor.slots import Slot, find_slots


def detected(path: Path) -> tuple[Catalogue, list[Slot], FormGuess]:
    """The catalogue, the slots of the return at `path` and the form detected from them and its bold headings,
    as `pipeline.extract_with_evidence` makes them."""
    cat = load_catalogue()
    doc = read(path)
    slots = find_slots(doc, cat.units, load_printed())
    headings = [b.text for b in doc.items if isinstance(b, Block) and b.bold]
    return cat, slots, detect_form(slots, headings, cat)
