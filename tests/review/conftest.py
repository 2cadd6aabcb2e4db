"""Fixtures of the review tests: a results folder extracted from corpus returns (3 DOCX, 2 PDF), once per
session, copied per test so decisions never leak between tests."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from extractor.output import write_result
from extractor.pipeline import extract_path

REPO = Path(__file__).resolve().parents[2]
CORPUS = REPO / "corpora" / "returns"
RETURNS = ("f000_r001.docx", "f002_r004.docx", "f001_r016.docx", "f002_r001.pdf", "f000_r017.pdf",
           "f000_r015.pdf")
CSRF_RE = re.compile(r'name="csrf_token" value="([^"]+)"')


@pytest.fixture(scope="session")
def corpus_results(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("corpus-results")
    for name in RETURNS:
        write_result(extract_path(CORPUS / name), out)
    return out


@pytest.fixture
def results_dir(corpus_results: Path, tmp_path: Path) -> Path:
    target = tmp_path / "results"
    shutil.copytree(corpus_results, target)
    return target


def csrf(html: str) -> str:
    m = CSRF_RE.search(html)
    assert m, "page has no CSRF token"
    return m.group(1)
