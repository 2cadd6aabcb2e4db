"""Compiled `regex` patterns kept in the compiled cache (`compiled.regex_compile`): a pattern read back is the code
`regex.compile` makes (same pickled data, same matches on corpus texts), a process that compiled new patterns stores
them at exit and the next one reads them without compiling, and a broken, foreign or locale-dependent entry is
compiled again."""

from __future__ import annotations

import os
import pickle
import subprocess
import sys
from pathlib import Path

import pytest
import regex

from extractor import compiled
from extractor.model import Table
from extractor.pipeline import extract_path
from extractor.readers import read

ROOT = Path(__file__).resolve().parent.parent
RETURN = ROOT / "corpora" / "returns" / "f003_r000.docx"
IMPORTED = list(compiled._PATTERNS)  # what the package's modules compiled at import


@pytest.fixture()
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A private cache folder, and a process that has read and compiled nothing through it yet."""
    folder = tmp_path / "cache"
    monkeypatch.setenv("EXTRACTOR_CACHE_DIR", str(folder))
    _new_process(monkeypatch)
    return folder


def _new_process(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(compiled, "_PATTERNS", {})
    monkeypatch.setattr(compiled, "_KEPT_PATTERNS", None)
    monkeypatch.setattr(compiled, "_NEW_PATTERNS", [False])


def _no_compile(*_args: object, **_kwargs: object) -> None:
    raise AssertionError("compiled again although the pattern is kept")


def _corpus_texts() -> list[str]:
    texts = []
    for item in read(RETURN).items:
        blocks = [b for row in item.rows for cell in row for b in cell.blocks] if isinstance(item, Table) else [item]
        texts += [b.text for b in blocks]
    return texts + ["1.250.000 đồng", "12,5 %", "Không", "- (người)", "3/4", "ngày 12 tháng 3 năm 2024", ""]


def _all_patterns() -> list[tuple[str, int]]:
    """The patterns this package compiles through the cache at import and in a return."""
    extract_path(RETURN)
    return list(dict.fromkeys((p, f) for p, f, _ in [*IMPORTED, *compiled._PATTERNS]))


def test_kept_patterns_are_the_compilers_code_and_match_alike(cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    keys = _all_patterns()
    assert len(keys) > 20
    blobs = {(p, f): pickle.dumps(regex.compile(p, f)) for p, f in keys}
    texts = _corpus_texts()
    for (p, f), blob in blobs.items():
        kept = compiled._unpickle_pattern(blob, p)
        fresh = regex.compile(p, f, cache_pattern=False)
        assert kept is not None and kept is not fresh
        assert kept._pickled_data == fresh._pickled_data, p
        assert (kept.pattern, kept.flags, kept.groups, kept.groupindex) == \
            (fresh.pattern, fresh.flags, fresh.groups, fresh.groupindex)
        for text in texts:
            assert [m.span() for m in kept.finditer(text)] == [m.span() for m in fresh.finditer(text)], (p, text)


def test_a_second_process_reads_the_stored_patterns(cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    first = compiled.regex_compile(r"(?<![\p{L}\p{N}])(?:ab|c)\s+x", regex.IGNORECASE)
    assert compiled.regex_compile(r"(?<![\p{L}\p{N}])(?:ab|c)\s+x", regex.IGNORECASE) is first
    assert compiled._NEW_PATTERNS == [True]
    compiled._store_patterns()  # (what the process does at exit)
    assert list(cache.glob("regex-*.pickle"))
    _new_process(monkeypatch)
    monkeypatch.setattr(regex, "compile", _no_compile)
    again = compiled.regex_compile(r"(?<![\p{L}\p{N}])(?:ab|c)\s+x", regex.IGNORECASE)
    assert again is not first and again._pickled_data == first._pickled_data
    assert again.search("Đ AB  x").span() == first.search("Đ AB  x").span() == (2, 7)
    assert compiled._NEW_PATTERNS == [False]  # nothing new: nothing written at exit


def test_flags_and_default_version_are_part_of_the_key(cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    plain = compiled.regex_compile(r"[[a-z]--[c]]+")
    v1 = compiled.regex_compile(r"[[a-z]--[c]]+", regex.V1)
    assert plain.findall("a--c]] ab") == ["a--c]]"] and v1.findall("a--c]] ab") == ["a", "ab"]
    compiled._store_patterns()
    _new_process(monkeypatch)
    monkeypatch.setattr(regex, "DEFAULT_VERSION", regex.VERSION1)
    assert compiled.regex_compile(r"[[a-z]--[c]]+").findall("a--c]] ab") == ["a", "ab"]


def test_a_broken_or_foreign_entry_is_compiled_again(cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    key = ("a+b", 0, int(regex.DEFAULT_VERSION))
    compiled._kept_patterns()[key] = b"not a pickle"
    assert compiled.regex_compile("a+b").pattern == "a+b"
    _new_process(monkeypatch)
    compiled._kept_patterns()[key] = pickle.dumps(regex.compile("x+y"))  # another pattern's code
    assert compiled.regex_compile("a+b").findall("aab xy") == ["aab"]


def test_locale_patterns_are_not_kept(cache: Path) -> None:
    compiled.regex_compile(r"(?L)\w+")
    compiled.regex_compile(r"\w+", regex.LOCALE)
    assert compiled._kept_patterns() == {}
    assert compiled._NEW_PATTERNS == [False]


def test_with_the_cache_off_nothing_is_kept(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("EXTRACTOR_CACHE_DIR", "off")
    _new_process(monkeypatch)
    assert compiled.regex_compile("o+").findall("foo") == ["oo"]
    assert compiled._NEW_PATTERNS == [False]


def test_new_patterns_are_stored_at_exit(tmp_path: Path) -> None:
    env = dict(os.environ, EXTRACTOR_CACHE_DIR=str(tmp_path / "cache"), PYTHONPATH=str(ROOT))
    code = ("import sys, regex; from extractor import compiled\n"
            "if sys.argv[1] == 'again': regex.compile = None\n"
            "print(compiled.regex_compile(r'q(?=u)\\w+').findall('quit qi'))")
    for run in ("first", "again"):
        out = subprocess.run([sys.executable, "-c", code, run], env=env, capture_output=True, text=True, check=True)
        assert out.stdout.strip() == "['quit']"
    assert len(list((tmp_path / "cache").glob("regex-*.pickle"))) == 1
