"""One file that holds several returns (e.g. a 300-page PDF of a whole district's forms, or returns pasted
one after another into one Word file) is read as one return; this tells the person to split it.

    several_returns(headings, form_headings) -> warning text, or None

`headings` are the document's bold blocks in reading order (what form detection reads). The evidence is the
form's own headings (``headings:`` of patterns/forms/<form>.yaml): when at least two of them each occur
more than once, the file looks like as many returns as the most repeated one occurs. Without it (form
unknown, headings reworded), the document's first heading repeated is the evidence. No form's wording is
in here: the headings come from the form descriptions and the document itself.
"""

from __future__ import annotations

import functools
import re
from collections import Counter
from collections.abc import Sequence

from extractor.text import fold

_NON_WORD = re.compile(r"[^\w]+")
MIN_LETTERS = 8  # a first heading shorter than this ("I.", "1") proves nothing when repeated
SHOWN = 60  # characters of a heading quoted in the warning


@functools.lru_cache(maxsize=4096)  # the headings of a form come back in every return
def _key(text: str) -> str:
    return " ".join(_NON_WORD.sub(" ", fold(text)).split())


@functools.lru_cache(maxsize=64)
def _keys(headings: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(_key(h) for h in headings)


def _quote(text: str) -> str:
    text = " ".join(text.split())
    return f"'{text[:SHOWN]}…'" if len(text) > SHOWN else f"'{text}'"


def several_returns(headings: Sequence[str], form_headings: Sequence[str] = ()) -> str | None:
    """A warning naming how many returns the file seems to hold and what repeats, or None for one return."""
    if not headings:
        return None
    seen = Counter(_key(h) for h in headings)
    repeated = sorted(((seen[k], i) for i, k in enumerate(_keys(tuple(form_headings))) if k and seen[k] > 1),
                      key=lambda t: (-t[0], t[1]))
    if len(repeated) >= 2:
        n, i = repeated[0]
        what = f"the form's heading {_quote(form_headings[i])} occurs {n} times"
    else:
        first = next((h for h in headings if sum(c.isalpha() for c in h) >= MIN_LETTERS), None)
        n = seen[_key(first)] if first else 0
        if n < 2:
            return None
        what = f"its first heading {_quote(first)} occurs {n} times"  # type: ignore[arg-type]
    return f"looks like {n} returns in one file ({what}); split it into one file per return and extract each"
