"""SQLite decisions: versions, conflicts between reviewers, undo that keeps history."""

from __future__ import annotations

from pathlib import Path

import pytest

from extractor.errors import ConflictError, ReviewError
from extractor.review.results import ItemKey
from extractor.review.store import Store

KEY = ItemKey("a" * 64, "fields", 3)


def test_decisions_are_versioned_and_kept(tmp_path: Path) -> None:
    store = Store(tmp_path / "r.sqlite")
    assert store.current(KEY).version == 0 and store.current(KEY).state is None
    d1 = store.decide(KEY, "correct", seen_version=0, by="An", value=12, field_id="x.y", shown=(None, "x.y"))
    assert (d1.state, d1.value, d1.version, d1.by) == ("correct", 12, 1, "An")
    d2 = store.decide(KEY, "empty", seen_version=1, by="Bình", shown=(12, "x.y"))
    assert (d2.state, d2.version) == ("empty", 2)
    hist = store.history(KEY)
    assert [(h["action"], h["old_value"], h["value"], h["reviewer"]) for h in hist] == [
        ("correct", None, 12, "An"), ("empty", 12, None, "Bình")]
    assert all(h["at"] for h in hist)
    # a second Store on the same file sees the same state
    assert Store(tmp_path / "r.sqlite").current(KEY) == d2


def test_stale_version_is_a_conflict_naming_the_other_reviewer(tmp_path: Path) -> None:
    a, b = Store(tmp_path / "r.sqlite"), Store(tmp_path / "r.sqlite")
    a.decide(KEY, "accept", seen_version=0, by="An", value=5, field_id="x.y")
    with pytest.raises(ConflictError, match="An changed this item") as exc:
        b.decide(KEY, "correct", seen_version=0, by="Bình", value=6, field_id="x.y")
    assert exc.value.code == "E402"
    assert a.current(KEY).value == 5 and len(a.history(KEY)) == 1


def test_undo_walks_back_and_keeps_history(tmp_path: Path) -> None:
    store = Store(tmp_path / "r.sqlite")
    store.decide(KEY, "correct", seen_version=0, by="An", value=1, field_id="x.y")
    store.decide(KEY, "correct", seen_version=1, by="An", value=2, field_id="x.y")
    assert store.undo(KEY, seen_version=2, by="An").value == 1
    back = store.undo(KEY, seen_version=3, by="An")
    assert back.state is None and back.version == 4  # the extractor's reading again
    with pytest.raises(ReviewError, match="nothing to undo"):
        store.undo(KEY, seen_version=4, by="An")
    assert [h["action"] for h in store.history(KEY)] == ["correct", "correct", "undo", "undo"]


def test_a_decision_needs_a_reviewer_and_a_known_action(tmp_path: Path) -> None:
    store = Store(tmp_path / "r.sqlite")
    with pytest.raises(ReviewError, match="reviewer name"):
        store.decide(KEY, "accept", seen_version=0, by=" ", value=1)
    with pytest.raises(ReviewError, match="unknown action"):
        store.decide(KEY, "not_a_form", seen_version=0, by="An")
    doc = ItemKey("a" * 64, "return", 0)
    assert store.decide(doc, "not_a_form", seen_version=0, by="An").state == "not_a_form"
    assert store.decide(doc, "is_a_form", seen_version=1, by="An").state is None
