"""Start-up: the compiled catalogue cache (keyed by the pattern files' content, never stale) and the imports
`extractor extract` leaves out (no web, spreadsheet, Parquet, e-mail or PDF library for a DOCX)."""

from __future__ import annotations

import copy
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from extractor import catalogue as catalogue_module
from extractor import compiled
from extractor.catalogue import PATTERNS, load_catalogue
from extractor.yamlfile import SafeLoader, load_text

ROOT = Path(__file__).resolve().parent.parent
RETURN = ROOT / "corpora" / "returns" / "f003_r000.docx"
HEAVY = ("flask", "openpyxl", "pyarrow", "extract_msg", "pdfplumber", "pdfminer", "jsonschema",
         "numpy.ma")  # numpy.ma: ~40 ms, pulled in by `np.unique` / `np.intersect1d` without inverse


@pytest.fixture()
def patterns(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of the catalogue and forms, and a private cache folder."""
    root = tmp_path / "patterns"
    root.mkdir()
    shutil.copy(PATTERNS / "catalogue.yaml", root / "catalogue.yaml")
    shutil.copytree(PATTERNS / "forms", root / "forms")
    monkeypatch.setenv("EXTRACTOR_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.delenv("EXTRACTOR_PATTERNS_OVERLAY", raising=False)
    load_catalogue.cache_clear()
    yield root
    load_catalogue.cache_clear()


def _load(root: Path, overlay: Path | None = None) -> catalogue_module.Catalogue:
    load_catalogue.cache_clear()  # a new process, as far as the in-memory cache goes
    return load_catalogue(str(root), str(overlay) if overlay else None)


def _no_build(*_args: object) -> None:
    raise AssertionError("built again although the compiled copy is current")


def test_second_load_comes_from_the_cache_and_equals_a_fresh_build(patterns: Path,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    built = _load(patterns)
    assert list((patterns.parent / "cache").glob("catalogue-*.pickle"))
    monkeypatch.setattr(catalogue_module, "build_catalogue", _no_build)
    cached = _load(patterns)
    assert cached == built and cached is not built
    assert cached.derived == {}


def test_a_changed_form_file_invalidates_the_cache(patterns: Path) -> None:
    form = patterns / "forms" / "f003.yaml"
    before = _load(patterns)
    label = before.forms["f003"].slots[0].label
    form.write_text(form.read_text(encoding="utf-8").replace(label, label + " (sửa)", 1), encoding="utf-8")
    after = _load(patterns)
    assert after.forms["f003"].slots[0].label == label + " (sửa)"
    assert len(list((patterns.parent / "cache").glob("catalogue-*.pickle"))) == 2


def test_a_changed_overlay_invalidates_the_cache(patterns: Path, tmp_path: Path) -> None:
    overlay = tmp_path / "overlay"
    overlay.mkdir()
    base = _load(patterns)
    fid = next(iter(base.fields))
    (overlay / "aliases.yaml").write_text(f"{fid}: [nhãn mới học được]\n", encoding="utf-8")
    first = _load(patterns, overlay)
    assert first.aliases == {fid: ["nhãn mới học được"]}
    (overlay / "aliases.yaml").write_text(f"{fid}: [nhãn khác]\n", encoding="utf-8")
    second = _load(patterns, overlay)
    assert second.aliases == {fid: ["nhãn khác"]}
    assert _load(patterns).aliases == {}


def test_a_damaged_cache_file_is_rebuilt(patterns: Path) -> None:
    built = _load(patterns)
    for f in (patterns.parent / "cache").glob("catalogue-*.pickle"):
        f.write_bytes(b"not a pickle")
    assert _load(patterns) == built


def test_the_cache_can_be_turned_off(patterns: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("EXTRACTOR_CACHE_DIR", "off")
    assert compiled.cache_dir() is None
    _load(patterns)
    assert not (tmp_path / "cache").exists()


def test_the_key_covers_content_not_just_names(tmp_path: Path) -> None:
    f = tmp_path / "a.yaml"
    f.write_text("x: 1\n", encoding="utf-8")
    one = compiled.fingerprint([f])
    assert compiled.fingerprint([f]) == one
    f.write_text("x: 2\n", encoding="utf-8")
    assert compiled.fingerprint([f]) != one


@pytest.mark.parametrize("name", ["catalogue.yaml", "forms/f000.yaml", "matching.yaml", "vocabulary.yaml",
                                  "confidence.yaml", "checkboxes.yaml", "syllables.yaml", "encodings.yaml"])
def test_libyaml_reads_the_patterns_as_the_python_loader_does(name: str) -> None:
    text = (PATTERNS / name).read_text(encoding="utf-8")
    assert load_text(text) == yaml.load(text, Loader=yaml.SafeLoader)  # noqa: S506
    assert SafeLoader in (getattr(yaml, "CSafeLoader", None), yaml.SafeLoader)


def _modules_after(code: str, tmp_path: Path) -> dict[str, bool]:
    probe = code + f"\nimport json, sys\nprint(json.dumps({{m: m in sys.modules for m in {HEAVY!r}}}))\n"
    env = dict(os.environ, PYTHONPATH=str(ROOT), EXTRACTOR_CACHE_DIR=str(tmp_path / "cache"))
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, env=env, cwd=ROOT,
                         check=True).stdout
    return json.loads(out.strip().splitlines()[-1])


def test_importing_the_cli_loads_no_heavy_library(tmp_path: Path) -> None:
    loaded = _modules_after("import extractor.cli", tmp_path)
    assert not any(loaded.values()), loaded


def test_extracting_one_docx_loads_no_heavy_library(tmp_path: Path) -> None:
    code = ("from extractor.cli import main\n"
            f"main(['extract', {str(RETURN)!r}, '-o', {str(tmp_path / 'out')!r}], standalone_mode=False)")
    loaded = _modules_after(code, tmp_path)
    assert (tmp_path / "out" / f"{RETURN.name}.json").is_file()
    assert not any(loaded.values()), loaded


def test_commands_in_their_own_packages_are_still_listed_and_run() -> None:
    from click.testing import CliRunner

    from extractor.cli import main

    listed = CliRunner().invoke(main, ["--help"])
    for name in ("batch", "aggregate", "review", "export-reviewed", "template", "extract", "eval"):
        assert name in listed.output
    assert CliRunner().invoke(main, ["template", "--help"]).exit_code == 0


def test_concurrent_first_runs_share_one_cache_entry(tmp_path: Path) -> None:
    env = dict(os.environ, PYTHONPATH=str(ROOT), EXTRACTOR_CACHE_DIR=str(tmp_path / "cache"))
    env.pop("EXTRACTOR_PATTERNS_OVERLAY", None)
    code = ("from extractor.catalogue import load_catalogue\n"
            "c = load_catalogue()\n"
            "print(len(c.fields), sum(len(f.slots) for f in c.forms.values()))")
    procs = [subprocess.Popen([sys.executable, "-c", code], env=env, cwd=ROOT, stdout=subprocess.PIPE, text=True)
             for _ in range(3)]
    outs = [p.communicate()[0] for p in procs]
    assert all(p.returncode == 0 for p in procs)
    assert len(set(outs)) == 1
    # the catalogue, the patterns compiled, the small YAML texts read
    files = sorted(p.name for p in (tmp_path / "cache").iterdir())
    assert [f.split("-")[0] for f in files] == ["catalogue", "regex", "yaml"]
    assert all(f.endswith(".pickle") for f in files)


def test_the_vocabulary_loader_still_refuses_duplicate_keys(tmp_path: Path) -> None:
    from extractor.errors import PatternError
    from extractor.text.vocab import _read_yaml

    f = tmp_path / "v.yaml"
    f.write_text("a: 1\nb: 2\na: 3\n", encoding="utf-8")
    with pytest.raises(PatternError, match="duplicate key"):
        _read_yaml(f)


def _probe(code: str, tmp_path: Path, **env_extra: str) -> dict:
    """Run `code` in a fresh interpreter; it prints one JSON line last."""
    env = dict(os.environ, PYTHONPATH=str(ROOT), EXTRACTOR_CACHE_DIR=str(tmp_path / "cache"), **env_extra)
    for name in ("OPENBLAS_NUM_THREADS", "GOTO_NUM_THREADS", "OMP_NUM_THREADS"):
        if name not in env_extra:
            env.pop(name, None)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, cwd=ROOT,
                         check=True).stdout
    return json.loads(out.strip().splitlines()[-1])


_EXTRACT_THEN_REPORT = (
    "import gc, json, os\n"
    "from extractor.cli import main\n"
    "main(['extract', {ret!r}, {ret!r}, '-o', {out!r}], standalone_mode=False)\n"
    "print(json.dumps({{'gc': gc.isenabled(), 'frozen': gc.get_freeze_count(),\n"
    "                  'blas': os.environ.get('OPENBLAS_NUM_THREADS')}}))\n")


def test_extract_holds_the_collector_until_the_first_return_is_settled(tmp_path: Path) -> None:
    code = _EXTRACT_THEN_REPORT.format(ret=str(RETURN), out=str(tmp_path / "out"))
    seen = _probe(code, tmp_path)
    assert seen["gc"] is True  # turned back on
    assert seen["frozen"] > 10_000  # start-up's objects were frozen by settle_gc after the first return
    assert seen["blas"] == "1"
    assert (tmp_path / "out" / f"{RETURN.name}.json").is_file()


def test_extract_leaves_a_thread_count_the_user_set(tmp_path: Path) -> None:
    code = _EXTRACT_THEN_REPORT.format(ret=str(RETURN), out=str(tmp_path / "out"))
    assert _probe(code, tmp_path, OMP_NUM_THREADS="2")["blas"] is None
    assert _probe(code, tmp_path, OPENBLAS_NUM_THREADS="3")["blas"] == "3"


def test_a_failed_extraction_turns_the_collector_back_on(tmp_path: Path) -> None:
    import gc

    from click.testing import CliRunner

    from extractor.cli import main

    assert gc.isenabled()
    missing = tmp_path / "missing.docx"
    result = CliRunner().invoke(main, ["extract", str(missing), "-o", str(tmp_path / "out")])
    assert result.exit_code != 0
    assert gc.isenabled()
    gc.disable()  # a caller that turned collection off keeps it off
    try:
        CliRunner().invoke(main, ["extract", str(missing), "-o", str(tmp_path / "out")])
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_a_second_extraction_from_the_cache_does_not_import_tempfile(tmp_path: Path) -> None:
    code = ("import json, sys\nfrom extractor.cli import main\n"
            f"main(['extract', {str(RETURN)!r}, '-o', {str(tmp_path / 'out')!r}], standalone_mode=False)\n"
            "print(json.dumps({m: m in sys.modules for m in ('tempfile', 'random')}))\n")
    _probe(code, tmp_path)  # fills the cache folder (storing uses tempfile)
    assert _probe(code, tmp_path) == {"tempfile": False, "random": False}


def test_the_key_names_a_file_by_its_absolute_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    f = tmp_path / "a.yaml"
    f.write_text("x: 1\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    assert compiled.fingerprint([Path("a.yaml")]) == compiled.fingerprint([f])
    other = tmp_path / "b.yaml"
    other.write_text("x: 1\n", encoding="utf-8")
    assert compiled.fingerprint([other]) != compiled.fingerprint([f])  # the same content elsewhere


def test_the_stored_catalogue_holds_each_string_once(patterns: Path) -> None:
    built = _load(patterns)
    stored = catalogue_module._share_strings(copy.deepcopy(built), {}, set())
    assert stored == built
    ids = {t.field: id(t.field) for f in stored.forms.values() for t in f.slots}
    assert all(id(t.field) == ids[t.field] for f in stored.forms.values() for t in f.slots)
    assert all(id(spec.id) == ids[fid] for fid, spec in stored.fields.items() if fid in ids)
    cached = _load(patterns)  # from the cache: equal, strings shared as stored
    assert cached == built
    assert len({id(t.form) for t in cached.forms["f000"].slots}) == 1


def test_sharing_strings_keeps_every_value() -> None:
    pool: dict[str, str] = {}
    a, b = "x" * 3, "".join(["x", "xx"])
    assert a is not b
    obj = {"k": [a, (b, 1, None)], a: catalogue_module.Keys(b, a)}
    out = catalogue_module._share_strings(obj, pool, set())
    assert out is obj and out == {"k": ["xxx", ("xxx", 1, None)], "xxx": catalogue_module.Keys("xxx", "xxx")}
    assert out["k"][0] is out["k"][1][0] is out["xxx"].tone is out["xxx"].folded
