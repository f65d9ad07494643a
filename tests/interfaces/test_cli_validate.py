"""`connect-iam validate`: formats, exit codes, SARIF 2.1.0 validity and bad input.

Exit codes and formats: docs/checks.md "Usage". SARIF: OASIS SARIF 2.1.0, checked against the
official schema (tests/fixtures/sarif-schema-2.1.0.json), with the fields GitHub code scanning
reads (ruleId, level, physicalLocation.region with 1-based startLine/startColumn).
"""

from __future__ import annotations

import io
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from connect_iam.cli.main import main

ROOT = Path(__file__).resolve().parents[2]
SEEDS = ROOT / "examples" / "policies"
SCHEMA = ROOT / "tests" / "fixtures" / "sarif-schema-2.1.0.json"
GOOD = ROOT / "tests" / "fixtures" / "validator" / "REDUNDANT_ACTION.good.json"


def _seed(name: str) -> str:
    path = SEEDS / name
    if not path.exists():
        pytest.skip("examples/policies is absent")
    return str(path)


def test_human_output_has_location_caret_help_and_summary(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Human format: `file:line:col: TYPE CODE message`, the source line, a caret, the help."""
    path = _seed("08-customer-profiles-read-only.json")
    code = main(["validate", path])
    out = capsys.readouterr().out
    assert code == 1
    assert f"{path}:7:26: ERROR INVALID_ACTION the action `ListObjects`" in out
    assert '7 |                 "profile:ListObjects"' in out
    assert "^^^^^^^^^^^" in out
    assert "= help: did you mean `profile:ListProfileObjects`?" in out
    assert out.rstrip().endswith("1 file checked: 2 errors")


def test_exit_codes_follow_fail_on(capsys: pytest.CaptureFixture[str]) -> None:
    """0 when nothing is at or above --fail-on, 1 when something is."""
    path = _seed("01-deny-delete-and-update-users.json")  # one WARNING only
    assert main(["validate", path]) == 0
    assert main(["validate", path, "--fail-on", "warning"]) == 1
    assert main(["validate", str(GOOD), "--fail-on", "suggestion"]) == 0
    capsys.readouterr()


def test_usage_errors_exit_2(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    """argparse errors and an input list with nothing to validate are usage errors."""
    with pytest.raises(SystemExit) as exit_info:
        main(["validate", str(GOOD), "--format", "xml"])
    assert exit_info.value.code == 2
    assert main(["validate", str(tmp_path)]) == 2
    assert "no *.json file in this folder" in capsys.readouterr().err


def test_json_output_is_access_analyzer_shape_per_file(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """JSON format: `[{"file": ..., "findings": [ValidatePolicyFinding...]}]`."""
    path = _seed("06-view-one-event-integration.json")
    main(["validate", path, "--format", "json"])
    payload = json.loads(capsys.readouterr().out)
    assert payload[0]["file"] == path
    finding = payload[0]["findings"][0]
    assert finding["issueCode"] == "INVALID_ARN_ACCOUNT"
    assert finding["locations"][0]["span"]["start"]["line"] == 9


def test_folder_and_glob_inputs(capsys: pytest.CaptureFixture[str]) -> None:
    """Folders are searched recursively for *.json; globs are expanded."""
    _seed("01-deny-delete-and-update-users.json")
    main(["validate", str(SEEDS), "--format", "json"])
    files = {item["file"] for item in json.loads(capsys.readouterr().out)}
    assert len([f for f in files if "/policies/0" in f]) >= 8
    main(["validate", str(SEEDS / "0[12]-*.json"), "--format", "json"])
    assert len(json.loads(capsys.readouterr().out)) == 2


def test_stdin(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    """`-` reads the policy from standard input."""
    text = Path(_seed("08-customer-profiles-read-only.json")).read_bytes()
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(text)))
    assert main(["validate", "-", "--format", "json"]) == 1
    payload = json.loads(capsys.readouterr().out)
    assert payload[0]["file"] == "<stdin>"


def test_sarif_is_valid_sarif_2_1_0(capsys: pytest.CaptureFixture[str]) -> None:
    """The SARIF log validates against the official 2.1.0 schema and has what GitHub reads."""
    jsonschema = pytest.importorskip("jsonschema")
    if not SCHEMA.exists():
        pytest.skip("SARIF schema fixture is absent")
    _seed("01-deny-delete-and-update-users.json")
    main(["validate", str(SEEDS), "--format", "sarif"])
    log = json.loads(capsys.readouterr().out)
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    jsonschema.validate(log, schema)
    run = log["runs"][0]
    rule_ids = {rule["id"] for rule in run["tool"]["driver"]["rules"]}
    assert "INVALID_ARN_ACCOUNT" in rule_ids
    assert all(rule["helpUri"].startswith("https://") for rule in run["tool"]["driver"]["rules"])
    result = next(r for r in run["results"] if r["ruleId"] == "INVALID_ACTION")
    region = result["locations"][0]["physicalLocation"]["region"]
    assert region == {"startLine": 7, "startColumn": 26, "endLine": 7, "endColumn": 37}
    assert result["level"] == "error"
    assert {r["level"] for r in run["results"]} <= {"error", "warning", "note"}


def test_bad_inputs_are_findings_and_others_still_run(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Binary, empty, over-10-MB, 10,000-level nesting, missing, unreadable: a clear message each,
    never a traceback, and the good file is still validated."""
    binary = tmp_path / "binary.json"
    binary.write_bytes(bytes(range(256)) * 4)
    empty = tmp_path / "empty.json"
    empty.write_text("")
    huge = tmp_path / "huge.json"
    huge.write_bytes(b" " * (10 * 1024 * 1024 + 1))
    deep = tmp_path / "deep.json"
    deep.write_text("[" * 10_000 + "]" * 10_000)
    locked = tmp_path / "locked.json"
    locked.write_text("{}")
    locked.chmod(0)
    missing = tmp_path / "missing.json"
    code = main(
        [
            "validate",
            str(binary),
            str(empty),
            str(huge),
            str(deep),
            str(locked),
            str(missing),
            str(GOOD),
            "--format",
            "json",
        ]
    )
    payload = {
        Path(item["file"]).name: item["findings"] for item in json.loads(capsys.readouterr().out)
    }
    assert code == 1
    assert "binary file" in payload["binary.json"][0]["findingDetails"]
    assert "empty" in payload["empty.json"][0]["findingDetails"]
    assert "larger than 10 MB" in payload["huge.json"][0]["findingDetails"]
    assert any("nesting deeper" in f["findingDetails"] for f in payload["deep.json"])
    assert "does not exist" in payload["missing.json"][0]["findingDetails"]
    if os.geteuid() != 0:  # root reads any file
        assert "permission denied" in payload["locked.json"][0]["findingDetails"]
    assert payload["REDUNDANT_ACTION.good.json"] == [
        f for f in payload["REDUNDANT_ACTION.good.json"] if f["findingType"] != "ERROR"
    ]


def test_console_script_runs_as_a_process() -> None:
    """The installed `connect-iam` entry point, as CI and pre-commit run it."""
    script = Path(sys.executable).parent / "connect-iam"
    command = str(script) if script.exists() else shutil.which("connect-iam")
    if command is None:
        pytest.skip("connect-iam console script is not installed")
    path = _seed("02-allow-integrations-with-name-prefix.json")
    done = subprocess.run(
        [command, "validate", path, "--format", "json"],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 1, done.stderr
    codes = {f["issueCode"] for f in json.loads(done.stdout)[0]["findings"]}
    assert {"INVALID_SERVICE_IN_ACTION", "INVALID_SERVICE"} <= codes
