"""What tests of `extractor.similarity` start from: empty tables and shared pair scores, and the catalogue's labels.

    fresh_tables(monkeypatch)   # no table and no shared pair score remembered (restored after the test)
    catalogue_labels()          # the keys of every template slot's label, one per distinct tone key, sorted
"""

from __future__ import annotations

import pytest

from extractor import similarity
from extractor.catalogue import Keys, load_catalogue


def fresh_tables(monkeypatch: pytest.MonkeyPatch) -> None:
    """Give the test empty similarity tables and shared pair scores of its own."""
    monkeypatch.setattr(similarity, "_PAIRS", [similarity._PairScores(w) for _a, w in similarity.ATTRS])
    monkeypatch.setattr(similarity, "_TABLES", {})


def catalogue_labels() -> list[Keys]:
    """The keys of the catalogue's template labels: one per distinct tone key, in its sorted order."""
    cat = load_catalogue()
    return [Keys.of(x) for x in sorted({t.label_keys.tone for f in cat.forms.values() for t in f.slots})]
