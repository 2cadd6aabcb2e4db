"""Parsed YAML texts kept in the compiled cache (`yamlfile.load_text`): the same objects a parse gives (new ones at
every call, repeated nodes still shared), an edited text parsed again, duplicate keys still refused where asked,
and a process whose texts are all kept never imports PyYAML."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from extractor import yamlfile
from extractor.catalogue import PATTERNS
from extractor.errors import PatternError

ROOT = Path(__file__).resolve().parent.parent
FILES = ["confidence.yaml", "matching.yaml", "checkboxes.yaml", "encodings.yaml", "syllables.yaml",
         "vocabulary.yaml", "units.yaml"]


@pytest.fixture()
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A private cache folder, and a process that has read nothing from it yet."""
    folder = tmp_path / "cache"
    monkeypatch.setenv("EXTRACTOR_CACHE_DIR", str(folder))
    monkeypatch.setattr(yamlfile, "_KEPT", None)
    yield folder
    yamlfile._KEPT = None


def _new_process(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(yamlfile, "_KEPT", None)


@pytest.mark.parametrize("name", FILES)
def test_kept_texts_read_as_a_parse(name: str, cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    text = (PATTERNS / name).read_text(encoding="utf-8")
    plain = yaml.load(text, Loader=yaml.SafeLoader)  # noqa: S506
    assert yamlfile.load_text(text) == plain  # parsed, then kept
    _new_process(monkeypatch)
    monkeypatch.setattr(yamlfile, "parse", _no_parse)
    assert yamlfile.load_text(text) == plain  # from the cache folder
    assert yamlfile.load_text(text) == plain  # from this process's copy


def _no_parse(*_args: object) -> None:
    raise AssertionError("parsed again although the text is kept")


def test_each_call_gives_new_objects_with_their_sharing(cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    text = "a: &x [1, {b: 2}]\nc: *x\nd: 2026-12-03\ne: !!set {p, q}\nf: .nan\n"
    for _ in range(2):
        first = yamlfile.load_text(text)
        assert first["a"] is first["c"]
        first["a"].append(3)
        second = yamlfile.load_text(text)
        assert second["a"] == [1, {"b": 2}] and second["a"] is second["c"]
        assert str(second["d"]) == "2026-12-03" and second["e"] == {"p", "q"}
        _new_process(monkeypatch)


def test_an_edited_text_is_parsed_again(cache: Path) -> None:
    assert yamlfile.load_text("x: 1\n") == {"x": 1}
    assert yamlfile.load_text("x: 2\n") == {"x": 2}
    assert yamlfile.load_text("x: 1\n") == {"x": 1}


def test_duplicate_keys_refused_only_where_asked(cache: Path, tmp_path: Path) -> None:
    text = "a: 1\nb: 2\na: 3\n"
    assert yamlfile.load_text(text) == {"a": 3, "b": 2}
    with pytest.raises(yaml.constructor.ConstructorError, match="duplicate key 'a'"):
        yamlfile.load_text(text, unique_keys=True)
    assert yamlfile.load_text("a: 1\nb: 2\n", unique_keys=True) == {"a": 1, "b": 2}


def test_malformed_text_is_a_pattern_error_every_time(cache: Path, tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("a: [1, 2\n", encoding="utf-8")
    for _ in range(2):
        with pytest.raises(PatternError, match="is not valid YAML"):
            yamlfile.read_yaml(bad)
    with pytest.raises(PatternError, match="cannot be read"):
        yamlfile.read_yaml(tmp_path / "missing.yaml")


def test_bounded(cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(yamlfile, "KEEP_TEXTS", 3)
    for n in range(5):
        assert yamlfile.load_text(f"n: {n}\n") == {"n": n}
    assert len(yamlfile._kept()) == 3
    assert yamlfile.load_text("n: 0\n") == {"n": 0}


def test_long_texts_are_not_kept(cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    text = (PATTERNS / "catalogue.yaml").read_text(encoding="utf-8")
    assert len(text) > yamlfile.KEEP_CHARS
    assert yamlfile.load_text(text) == yaml.load(text, Loader=yaml.SafeLoader)  # noqa: S506
    assert yamlfile._kept() == {}


def test_the_cache_turned_off(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("EXTRACTOR_CACHE_DIR", "off")
    monkeypatch.setattr(yamlfile, "_KEPT", None)
    assert yamlfile.load_text("x: [1]\n") == {"x": [1]}
    assert yamlfile.load_text("x: [1]\n") == {"x": [1]}


def test_kept_texts_need_no_pyyaml(tmp_path: Path) -> None:
    """A fresh process reads kept texts without importing PyYAML; `yaml_error` is then an exception nothing
    raises, and `SafeLoader` is still there when asked for."""
    code = ("import json, sys\n"
            "from extractor import yamlfile\n"
            f"texts = [open(p, encoding='utf-8').read() for p in {[str(PATTERNS / f) for f in FILES[:5]]!r}]\n"
            "data = [yamlfile.load_text(t) for t in texts]\n"
            "before = 'yaml' in sys.modules\n"
            "err = yamlfile.yaml_error().__name__\n"
            "loader = yamlfile.SafeLoader.__name__\n"
            "print(json.dumps({'before': before, 'err': err, 'loader': loader, 'n': len(data)}))\n")
    env = dict(os.environ, PYTHONPATH=str(ROOT), EXTRACTOR_CACHE_DIR=str(tmp_path / "cache"))
    runs = [json.loads(subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env,
                                      cwd=ROOT, check=True).stdout.strip().splitlines()[-1]) for _ in range(2)]
    assert runs[0]["before"] is True  # parsed, and kept
    assert runs[1] == {"before": False, "err": "_NotParsed", "loader": runs[1]["loader"], "n": 5}
    assert runs[1]["loader"] in ("CSafeLoader", "SafeLoader")
