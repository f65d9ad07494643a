"""Evaluation conformance through the CLI: the same cases as the Python API (evaluation.yaml),
sent as one SimulateCustomPolicy request each with `connect-iam simulate --input FILE`."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from conformance_cases import check_response, load_cases, to_params

from connect_iam.cli.main import main

CASES = load_cases()


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_case_through_cli(
    case: dict[str, Any], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Each case's `rule` names the IAM User Guide section whose behaviour it pins."""
    request = tmp_path / "request.json"
    request.write_text(json.dumps(to_params(case)))
    code = main(["simulate", "--input", str(request), "--format", "json"])
    out = capsys.readouterr().out
    assert code == 0
    check_response(case, json.loads(out))
