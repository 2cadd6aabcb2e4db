"""`confidence.consistency` takes each field's relations from a table kept in the catalogue (`_relations`): the
same relations `Catalogue.relations` gives, form by form, so the same failed rules."""

from __future__ import annotations

import dataclasses
import random

from extractor import confidence
from extractor.catalogue import load_catalogue


def _plain(values: dict, cat, form_id):  # noqa: ANN001, ANN202 - the catalogue with no table kept
    return confidence.consistency(values, dataclasses.replace(cat, derived={}), form_id)


def test_kept_relations_are_the_catalogue_s() -> None:
    cat = load_catalogue()
    rng = random.Random(7)
    ids = sorted(cat.fields)
    for form_id in [None, *sorted(cat.forms), "no_such_form"]:
        for _ in range(30):
            values = {fid: rng.choice([None, 0, 1, 5, 50, 99.5, 100, 2000, "x", True])
                      for fid in rng.sample(ids, min(len(ids), 60))}
            assert dict(confidence.consistency(values, cat, form_id)) == dict(_plain(values, cat, form_id))
        table = cat.derived["confidence.relations"][form_id]
        assert table and all(rel == cat.relations(fid, form_id) for fid, rel in table.items())
