"""`python -m extractor` and the `extractor` command hold the garbage collector off over the command line's imports
only: the collector is on again when a command runs if it was on before, and stays off if the caller had turned it
off."""

from __future__ import annotations

import subprocess
import sys
from importlib.metadata import entry_points
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

PROBE = """
import gc, runpy, sys
import extractor.cli
{before}
seen = []
extractor.cli.main = lambda: seen.append(gc.isenabled())  # the command line, once its imports are done
sys.modules.pop("extractor.__main__", None)
runpy.run_module("extractor", run_name="__main__")
print(seen, gc.isenabled())
"""


def _run(before: str) -> str:
    code = PROBE.format(before=before)
    env = {"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin", "EXTRACTOR_CACHE_DIR": "off"}
    return subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True,
                          check=True).stdout.strip()


def test_the_collector_is_on_again_when_the_command_runs() -> None:
    assert _run("") == "[True] True"


def test_a_collector_the_caller_turned_off_stays_off() -> None:
    assert _run("gc.disable()") == "[False] False"


def test_the_command_line_runs() -> None:
    out = subprocess.run([sys.executable, "-m", "extractor", "--version"], cwd=ROOT, capture_output=True, text=True,
                         check=True, env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"}).stdout
    assert out.startswith("extractor, version")


def test_the_extractor_command_runs_the_same_entry_as_python_m() -> None:
    (script,) = entry_points(group="console_scripts", name="extractor")
    assert script.value == "extractor.__main__:run"
