"""`connect-iam test SUITE.yaml`: the table, exit codes, JUnit XML and positioned suite errors.

Issue #2 item 6 ("policy tests as code"): prints a table, exits 1 on any mismatch, writes JUnit XML
for CI; a malformed suite is an input error whose message names its line and column.
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from connect_iam.cli.main import main

ROOT = Path(__file__).resolve().parents[2]
SEED_SUITE = ROOT / "examples" / "seed-suite.yaml"
SEED01 = ROOT / "examples/policies/01-deny-delete-and-update-users.json"
USER = (
    "arn:aws:connect:us-east-1:123456789012:instance/00fbeee1-123e-111e-93e3-11111bfbfcc1/agent/u1"
)


def _suite(tmp_path: Path, text: str) -> str:
    path = tmp_path / "suite.yaml"
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_seed_suite_passes(capsys: pytest.CaptureFixture[str]) -> None:
    """Every connect-model.md §3 row, as written and w/ subst., decides as the table says."""
    assert main(["test", str(SEED_SUITE)]) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[0].split() == ["case", "expected", "actual", "ok"]
    assert "FAIL" not in out


def test_seed_suite_json_report(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["test", str(SEED_SUITE), "--format", "json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["failed"] == 0 and report["passed"] == len(report["cases"]) >= 40
    parse_error = next(c for c in report["cases"] if c["name"].startswith("03 as written"))
    assert parse_error["actual"] == "parseError"


WRONG = f"""
name: wrong
policies:
  seed01: {SEED01}
  allow-all: >-
    {{"Version": "2012-10-17",
    "Statement": [{{"Effect": "Allow", "Action": "*", "Resource": "*"}}]}}
cases:
  - name: right
    policies: [seed01]
    action: connect:DeleteUser
    resource: {USER}
    expect: explicitDeny
  - name: wrong decision
    policies: [seed01]
    action: connect:DeleteUser
    resource: {USER}
    expect: allowed
    note: deliberately wrong
  - name: wrong parse expectation
    policies: [allow-all]
    action: connect:DeleteUser
    expect_parse_error: true
  - name: wrong per-resource <&> expectation
    policies: [allow-all, seed01]
    action: connect:UpdateUserSecurityProfiles
    resources: [{USER}, arn:aws:connect:us-east-1:123456789012:instance/x/security-profile/sp]
    expect: explicitDeny
    expect_resources:
      arn:aws:connect:us-east-1:123456789012:instance/x/security-profile/sp: explicitDeny
"""


def test_wrong_suite_exits_1_and_writes_valid_junit(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    junit = tmp_path / "out" / "junit.xml"
    junit.parent.mkdir()
    assert main(["test", _suite(tmp_path, WRONG), "--junit", str(junit)]) == 1
    out = capsys.readouterr().out
    assert "wrong decision" in out and "FAIL" in out
    assert "`connect:DeleteUser` is explicitDeny" in out
    assert "4 cases, 1 passed, 3 failed" in out

    root = ET.parse(junit).getroot()
    assert root.tag == "testsuites"
    (suite,) = root.findall("testsuite")
    assert suite.get("name") == "wrong"
    assert suite.get("tests") == "4" and suite.get("failures") == "3"
    cases = suite.findall("testcase")
    assert [c.get("name") for c in cases][3] == "wrong per-resource <&> expectation"
    failures = {c.get("name"): c.find("failure") for c in cases}
    assert failures["right"] is None
    failure = failures["wrong decision"]
    assert failure is not None and failure.get("message") == "expected allowed, got explicitDeny"
    assert "deliberately wrong" in (failure.text or "")


def test_junit_target_that_cannot_be_written(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["test", str(SEED_SUITE), "--junit", str(tmp_path / "no" / "dir.xml")]) == 1
    assert "cannot write JUnit XML" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("text", "position", "message"),
    [
        ("cases: [\n  {name: a,\n", "3:1", "invalid YAML: expected the node content"),
        (
            "policies: {}\ncases:\n  - name: a\n    polices: [x]\n",
            "4:5",
            "did you mean `policies`?",
        ),
        (
            f"policies:\n  p: {SEED01}\ncases:\n  - name: a\n    policies: [q]\n"
            "    action: a:b\n    expect: allowed\n",
            "5:16",
            "no policy named `q`",
        ),
        (
            f"policies:\n  p: {SEED01}\ncases:\n  - name: a\n    policies: [p]\n"
            "    action: a:b\n    expect: allow\n",
            "7:13",
            "did you mean `allowed`?",
        ),
        ("policies:\n  p: missing.json\ncases: []\n", "2:6", "cannot read the policy"),
        (
            f"policies:\n  p: {SEED01}\ncases:\n  - name: a\n    policies: [p]\n    action: a:b\n",
            "4:5",
            "needs exactly one of `expect:` or `expect_parse_error: true`",
        ),
        ("just a string\n", "1:1", "the suite must be a mapping"),
        ("", "", "the suite is empty"),
    ],
)
def test_malformed_suite_is_positioned(
    text: str,
    position: str,
    message: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    path = _suite(tmp_path, text)
    assert main(["test", path]) == 1
    err = capsys.readouterr().err
    assert err.startswith(f"connect-iam: error: {path}:{position}")
    assert message in err
    assert "Traceback" not in err


def test_unreadable_suite(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["test", "/nonexistent/suite.yaml"]) == 1
    assert "cannot read the suite" in capsys.readouterr().err


def test_context_map_types_and_boto_entries(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Context as a map takes its types from YAML scalars; a list is boto3's ContextEntries."""
    policy = (
        '{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "connect:*", '
        '"Resource": "*", "Condition": {"NumericLessThan": {"aws:MultiFactorAuthAge": "300"}, '
        '"Bool": {"aws:SecureTransport": "true"}, '
        '"ForAnyValue:StringEquals": {"aws:TagKeys": ["team"]}}}]}'
    )
    text = f"""
policies:
  p:
    text: '{policy}'
cases:
  - name: map
    policies: [p]
    action: connect:CreateUser
    context:
      aws:MultiFactorAuthAge: 60
      aws:SecureTransport: true
      aws:TagKeys: [team, cost]
    expect: allowed
  - name: explicit type
    policies: [p]
    action: connect:CreateUser
    context:
      aws:MultiFactorAuthAge: {{type: numeric, value: "600"}}
      aws:SecureTransport: true
      aws:TagKeys: [team]
    expect: implicitDeny
  - name: boto entries
    policies: [p]
    action: connect:CreateUser
    context:
      - {{ContextKeyName: aws:MultiFactorAuthAge, ContextKeyValues: ["1"], ContextKeyType: numeric}}
      - {{ContextKeyName: aws:SecureTransport, ContextKeyValues: ["true"], ContextKeyType: boolean}}
      - {{ContextKeyName: aws:TagKeys, ContextKeyValues: [team], ContextKeyType: stringList}}
    expect: allowed
"""
    assert main(["test", _suite(tmp_path, text)]) == 0, capsys.readouterr().out


def test_bad_request_in_a_case_is_a_failure_not_a_crash(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = f"""
policies:
  p: {SEED01}
cases:
  - name: bad arn
    policies: [p]
    action: connect:DeleteUser
    resource: not-an-arn
    expect: implicitDeny
"""
    assert main(["test", _suite(tmp_path, text), "--format", "plain"]) == 1
    out = capsys.readouterr().out
    assert "Case bad arn: expected implicitDeny, got requestError, FAILED." in out
    assert "`not-an-arn` is not an ARN" in out
