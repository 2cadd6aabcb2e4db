"""A table's batch of few pairs is scored by rapidfuzz straight (`similarity.SMALL_PAIRS`, `SMALL_TOKEN_SET`)
instead of through the shared pair scores and `_TokenSetTargets`: the very numbers either way, whichever path
each batch takes and whatever the other tables scored before (shared pair scores, token-set floors)."""

import numpy as np
import pytest

from extractor import similarity
from extractor.catalogue import Keys
from tests.similarity_state import catalogue_labels, fresh_tables
from tests.test_speed_paths import _plain_matrix


@pytest.mark.parametrize("small", [0, 40, 256, 10**9])  # never; some batches; the usual; always
def test_small_batches_equal_a_fresh_computation(monkeypatch: pytest.MonkeyPatch, small: int) -> None:
    monkeypatch.setattr(similarity, "SMALL_PAIRS", small)
    monkeypatch.setattr(similarity, "SMALL_TOKEN_SET", small)
    fresh_tables(monkeypatch)
    labels = catalogue_labels()
    every = labels[:60]
    tables = ((every[:3], True), (every[:12], True), (every, False), (every[10:40], True), (every[5:9], False))
    texts = [Keys.of(x) for x in ("Tổng số máy tính được trang bị", "So luong can bo", "", "máy", "Số lượng",
                                  "số  lượng", "Sổ lượng", "so luong")] + labels[::4]
    chunks = (texts[:1], texts[:4], texts[2:30], texts, texts[25:])
    for step in range(len(chunks)):  # each table gets the chunks in its own order: new texts and seen ones
        for t, (b, subset) in enumerate(tables):
            chunk = chunks[(step + t) % len(chunks)]
            assert np.array_equal(similarity.sim_matrix(chunk, b, subset), _plain_matrix(chunk, b, subset))
