"""The garbage collector settled after the first return (`pipeline.settle_gc`): what lives as long as the process
is frozen out of the collector's walks and young collections are rarer; a caller's `gc.disable`-style threshold
of 0 is left alone. Each case runs in a fresh interpreter: the collector's state is process-wide."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RETURN = ROOT / "corpora" / "returns" / "f003_r000.docx"

_PROBE = """
import gc, json, sys
if sys.argv[2] == "off":
    gc.set_threshold(0)
before = gc.get_freeze_count(), gc.get_threshold()
from extractor.pipeline import extract_path
result = extract_path(sys.argv[1])
print(json.dumps({"before": before, "frozen": gc.get_freeze_count(), "threshold": gc.get_threshold(),
                  "fields": len(result.fields)}))
"""


def _probe(mode: str) -> dict:
    out = subprocess.run([sys.executable, "-c", _PROBE, str(RETURN), mode], capture_output=True, text=True,
                         cwd=ROOT, check=True).stdout
    return json.loads(out)


def test_first_return_freezes_and_raises_young_threshold() -> None:
    from extractor.pipeline import GC_YOUNG_THRESHOLD

    got = _probe("default")
    assert got["before"][0] == 0
    assert got["frozen"] > 0
    assert got["threshold"][0] == max(GC_YOUNG_THRESHOLD, got["before"][1][0])
    assert got["threshold"][1:] == got["before"][1][1:]
    assert got["fields"] > 0


def test_collection_turned_off_by_the_caller_stays_off() -> None:
    got = _probe("off")
    assert got["threshold"][0] == 0


_PROBE_RETURNS = """
import gc, json, sys
from extractor import pipeline
pipeline.SETTLE_RETURNS = 2
counts = []
for path in sys.argv[1:]:
    pipeline.extract_path(path)
    counts.append(gc.get_freeze_count())
print(json.dumps(counts))
"""


def test_only_the_first_returns_are_frozen() -> None:
    files = [ROOT / "corpora" / "returns" / name for name in
             ("f003_r000.docx", "f000_r000.docx", "f001_r000.docx", "f002_r000.docx")]
    out = subprocess.run([sys.executable, "-c", _PROBE_RETURNS, *map(str, files)], capture_output=True, text=True,
                         cwd=ROOT, check=True).stdout
    first, second, third, fourth = json.loads(out)
    assert 0 < first < second  # what the second return's first sight added was frozen too
    assert third <= second and fourth <= third  # then no more: objects leave the frozen set only (freed)


_PROBE_FORMATS = """
import gc, json, sys
from extractor import pipeline
counts, settling = [], []
for path in sys.argv[1:]:
    pipeline.extract_path(path)
    counts.append(gc.get_freeze_count())
    settling.append(pipeline.settling())
print(json.dumps([counts, settling]))
"""


def test_a_return_whose_reader_leaves_cycles_ends_the_freezing() -> None:
    returns = ROOT / "corpora" / "returns"
    files = [returns / "f003_r000.docx", returns / "f000_r000.docx", returns / "f001_r000.pdf",
             returns / "f002_r000.docx"]
    out = subprocess.run([sys.executable, "-c", _PROBE_FORMATS, *map(str, files)], capture_output=True, text=True,
                         cwd=ROOT, check=True).stdout
    counts, settling = json.loads(out)
    assert counts[0] < counts[1]  # the second DOCX return was frozen too
    assert counts[2] <= counts[1] and counts[3] <= counts[2]  # not the PDF return (pdfminer's cycles), nor later
    assert settling == [True, True, False, False]
