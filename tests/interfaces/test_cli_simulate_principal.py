"""`connect-iam simulate-principal`: SimulatePrincipalPolicy over a snapshot file, from the CLI.

Exit codes (README): 0 ran, 1 input error (missing file, malformed snapshot, unknown principal,
bad request), 2 usage error. `--format json` prints boto3's response.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from connect_iam import simulate_principal_policy
from connect_iam.cli.main import main

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "account-authorization-details.json"
ADMIN = "arn:aws:iam::123456789012:user/connect-admin"
AGENT = "arn:aws:iam::123456789012:role/ContactCenterAgent"
INSTANCE = "arn:aws:connect:us-east-1:123456789012:instance/00fbeee1-123e-111e-93e3-11111bfbfcc1"


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(["simulate-principal", *argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_json_output_is_the_python_api_response(capsys: pytest.CaptureFixture[str]) -> None:
    argv = ["--account-details", str(EXAMPLE), "--principal", ADMIN]
    argv += ["--action", "connect:DeleteUser", "--resource", f"{INSTANCE}/agent/a1"]
    code, out, _ = run(capsys, *argv, "--format", "json")
    assert code == 0
    expected = simulate_principal_policy(
        AccountAuthorizationDetails=str(EXAMPLE),
        PolicySourceArn=ADMIN,
        ActionNames=["connect:DeleteUser"],
        ResourceArns=[f"{INSTANCE}/agent/a1"],
    )
    assert json.loads(out) == expected
    result = expected["EvaluationResults"][0]
    assert result["EvalDecision"] == "explicitDeny"
    assert result["MatchedStatements"][0]["SourcePolicyId"] == (
        "user_connect-admin_DenyDeleteAndUpdateUsers"
    )


def test_human_output_shows_the_deciding_lines(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(
        capsys,
        "--account-details",
        str(EXAMPLE),
        "--principal",
        AGENT,
        "--action",
        "profile:SearchProfiles",
        "--resource",
        "arn:aws:profile:us-east-1:123456789012:domains/domainName",
        "--context",
        "aws:SourceIp=198.51.100.7:ip",
        "--context",
        "aws:ViaAWSService=false:boolean",
    )
    assert code == 0
    assert out.startswith(f"role {AGENT}")
    assert "EXPLICIT DENY" in out
    assert "role_ContactCenterAgent_AgentAccess" in out
    assert '"Sid": "OnlyFromTheOffice"' in out


def test_group_policy_allows_member(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(
        capsys,
        "--account-details",
        str(EXAMPLE),
        "--principal",
        ADMIN,
        "--action",
        "connect:DescribeQueue",
        "--resource",
        f"{INSTANCE}/queue/q1",
        "--format",
        "json",
    )
    assert code == 0
    result = json.loads(out)["EvaluationResults"][0]
    assert result["EvalDecision"] == "allowed"
    assert result["MatchedStatements"][0]["SourcePolicyId"] == "ConnectAdminAccess"
    assert result["MatchedStatements"][0]["SourcePolicyType"] == "user-managed"


def _agent_create(capsys: pytest.CaptureFixture[str], *extra: str) -> dict[str, Any]:
    code, out, err = run(
        capsys,
        "--account-details",
        str(EXAMPLE),
        "--principal",
        AGENT,
        "--action",
        "app-integrations:CreateEventIntegration",
        "--resource",
        "arn:aws:app-integrations:us-east-1:123456789012:event-integration/crm",
        "--format",
        "json",
        *extra,
    )
    assert code == 0, err
    result: dict[str, Any] = json.loads(out)["EvaluationResults"][0]
    return result


def test_boundary_limits_and_exclusion_lifts_it(capsys: pytest.CaptureFixture[str]) -> None:
    assert _agent_create(capsys)["EvalDecision"] == "implicitDeny"
    lifted = _agent_create(capsys, "--exclude", "permission-boundary")
    assert lifted["EvalDecision"] == "allowed"
    inline_gone = _agent_create(
        capsys, "--exclude", "permission-boundary", "--exclude", "role:Contact*:AgentAccess"
    )
    assert inline_gone["EvalDecision"] == "implicitDeny"


def test_boundary_file_replaces_the_attached_one(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    boundary = tmp_path / "boundary.json"
    statement = {"Effect": "Allow", "Action": "app-integrations:*", "Resource": "*"}
    boundary.write_text(json.dumps({"Version": "2012-10-17", "Statement": [statement]}))
    assert _agent_create(capsys, "--boundary", str(boundary))["EvalDecision"] == "allowed"


def test_unknown_principal_exits_1_with_a_suggestion(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(
        capsys,
        "--account-details",
        str(EXAMPLE),
        "--principal",
        AGENT[:-1],
        "--action",
        "connect:ListQueues",
    )
    assert (code, out) == (1, "")
    assert "NoSuchEntity" in err and f"did you mean `{AGENT}`" in err
    assert "Traceback" not in err


def test_missing_file_exits_1(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    missing = tmp_path / "nope.json"
    argv = ["--account-details", str(missing), "--principal", ADMIN, "--action", "connect:X"]
    code, out, err = run(capsys, *argv)
    assert (code, out) == (1, "")
    assert str(missing) in err and "cannot read" in err


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('{"UserDetailList": [', "invalid JSON"),
        ('{"Users": []}', "get-account-authorization-details"),
        ('{"UserDetailList": [{"UserName": "a"}]}', "has no `Arn`"),
    ],
)
def test_malformed_snapshot_exits_1(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, text: str, message: str
) -> None:
    path = tmp_path / "snapshot.json"
    path.write_text(text)
    argv = ["--account-details", str(path), "--principal", ADMIN, "--action", "connect:X"]
    code, out, err = run(capsys, *argv)
    assert (code, out) == (1, "")
    assert message in err and str(path) in err
    assert "Traceback" not in err


def test_bad_request_exits_1(capsys: pytest.CaptureFixture[str]) -> None:
    argv = ["--account-details", str(EXAMPLE), "--principal", ADMIN, "--action", "connect:*"]
    code, _, err = run(capsys, *argv)
    assert code == 1
    assert "InvalidInput" in err and "wildcards" in err


def test_bad_exclusion_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(
            [
                "simulate-principal",
                "--account-details",
                str(EXAMPLE),
                "--principal",
                ADMIN,
                "--action",
                "connect:ListQueues",
                "--exclude",
                "managed",
            ]
        )
    assert exit_info.value.code == 2
    assert "policy type" in capsys.readouterr().err


def test_missing_principal_flag_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["simulate-principal", "--account-details", str(EXAMPLE), "--action", "connect:X"])
    assert exit_info.value.code == 2
    assert "--principal" in capsys.readouterr().err
