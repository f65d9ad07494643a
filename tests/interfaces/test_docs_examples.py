"""Documentation that runs: the walkthrough in docs/architecture.md prints what it says it prints
(each `# -> ` line is the expected output of the print before it)."""

from __future__ import annotations

import contextlib
import io
import os
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_architecture_walkthrough_runs_as_printed() -> None:
    """docs/architecture.md: one policy through every stage."""
    text = (ROOT / "docs" / "architecture.md").read_text()
    [code] = re.findall(r"```python\n(.*?)```", text, re.S)
    expected = [line[len("# -> ") :] for line in code.splitlines() if line.startswith("# -> ")]
    out = io.StringIO()
    cwd = os.getcwd()
    try:
        os.chdir(ROOT)
        with contextlib.redirect_stdout(out):
            exec(compile(code, "architecture.md", "exec"), {})
    finally:
        os.chdir(cwd)
    assert out.getvalue().splitlines() == expected


def test_readme_python_example_runs() -> None:
    """README: the Python example's assertion holds."""
    text = (ROOT / "README.md").read_text()
    [code] = re.findall(r"```python\n(.*?)```", text, re.S)
    cwd = os.getcwd()
    try:
        os.chdir(ROOT)
        exec(compile(code, "README.md", "exec"), {})
    finally:
        os.chdir(cwd)
