"""The result schema's generated check raises fastjsonschema's own refusal without fastjsonschema being imported
until a check refuses (`output._lazy_exceptions`, `output._refusal`), and `validate` still lets jsonschema decide
on a refusal only."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import fastjsonschema
import jsonschema
import pytest

from extractor import output
from extractor.output import _EXCEPTIONS_IMPORT, _lazy_exceptions, check_source

ROOT = Path(__file__).resolve().parent.parent


def test_the_generated_check_loses_only_its_exceptions_import() -> None:
    source = check_source()
    lazy = _lazy_exceptions(source)
    assert _EXCEPTIONS_IMPORT in source and _EXCEPTIONS_IMPORT not in lazy
    assert lazy == source.replace(_EXCEPTIONS_IMPORT, "", 1)


@pytest.mark.parametrize("source", [
    "import re\n",  # no such import: kept as it is
    _EXCEPTIONS_IMPORT + "try:\n    pass\nexcept JsonSchemaValueException:\n    pass\n",  # caught, not only raised
    _EXCEPTIONS_IMPORT + "raise JsonSchemaValuesException([])\n",  # the other exception used
])
def test_a_check_that_uses_the_exceptions_otherwise_keeps_its_import(source: str) -> None:
    assert _lazy_exceptions(source) == source


def test_a_refusal_is_fastjsonschemas_own_exception() -> None:
    check = output._fast_check.__wrapped__()
    with pytest.raises(fastjsonschema.JsonSchemaValueException):
        check({"source": 3})


def test_a_fresh_process_checks_a_result_without_importing_fastjsonschema(tmp_path: Any) -> None:
    code = ("import sys\nfrom extractor import output\n"
            "output.validate({'source': {'path': 'x', 'sha256': '0' * 64, 'format': 'docx'},"
            " 'form': {'id': None, 'confidence': 0.0, 'scores': {}}, 'fields': [], 'unmatched': [], 'warnings': []})\n"
            "print('fastjsonschema' in sys.modules)\n")
    env = {"EXTRACTOR_CACHE_DIR": str(tmp_path), "PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"}
    runs = [subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
            for _ in range(2)]
    assert [r.stdout.strip() for r in runs] == ["True", "False"]  # generated (and stored) once, then read back


def test_validate_lets_jsonschema_decide_only_on_a_refusal(monkeypatch: Any) -> None:
    def broken(data: Any) -> None:
        raise TypeError("not a refusal")

    def refusing(data: Any) -> None:
        raise output._refusal("data must be object")

    monkeypatch.setattr(output, "_fast_check", lambda: broken)
    with pytest.raises(TypeError):
        output.validate({"source": 3})
    monkeypatch.setattr(output, "_fast_check", lambda: refusing)
    with pytest.raises(jsonschema.ValidationError):  # jsonschema's verdict on the document
        output.validate({"source": 3})
