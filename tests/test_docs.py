"""The README's two start-up commands are the ones CI runs, and they set up a virtual environment (PEP 668)."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _start_here_commands() -> list[str]:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Start here", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"```bash\n(.+?)\n```", section, flags=re.S)


def test_readme_starts_with_two_commands_in_a_virtual_environment() -> None:
    commands = _start_here_commands()
    assert len(commands) == 2
    for command in commands:
        assert command.startswith("python3 -m venv .venv && . .venv/bin/activate && pip install ")
        assert "python3 -m pip" not in command, "pip outside the venv is refused on Debian (PEP 668)"
    assert "extractor extract corpora/examples" in commands[0]
    assert "pytest" in commands[1]


def test_ci_runs_exactly_the_readme_test_command() -> None:
    ci_lines = (ROOT / ".ci" / "run").read_text(encoding="utf-8").splitlines()
    assert _start_here_commands()[1] in ci_lines
    assert "set -euo pipefail" in ci_lines
