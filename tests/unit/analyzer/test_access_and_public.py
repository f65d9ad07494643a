"""CheckAccessNotGranted (actions only / resources only / both) and CheckNoPublicAccess
(iam-semantics §7.3), and the CLI subcommands' exit codes (0 PASS, 1 FAIL, 2 usage, 3 UNKNOWN)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from test_no_new_access import POLICIES, allow, decision, deny, policy  # type: ignore[import-not-found]

from connect_iam import check_access_not_granted, check_no_public_access
from connect_iam.analyzer.checks import NOT_GRANTED_PASS, PUBLIC_FAIL, PUBLIC_PASS
from connect_iam.cli.main import main
from connect_iam.errors import RequestError

SEED_05 = (POLICIES / "05-allow-all-contact-actions.json").read_text()
CONTACT = "arn:aws:connect:us-west-2:accountID:instance/i1/contact/c1"
FLOW = "arn:aws:connect:us-west-2:accountID:instance/i1/contact-flow/f1"


def access(actions: list[str] | None = None, resources: list[str] | None = None) -> list[Any]:
    entry: dict[str, Any] = {}
    if actions is not None:
        entry["actions"] = actions
    if resources is not None:
        entry["resources"] = resources
    return [entry]


def assert_granted(document: str, entry: list[Any]) -> dict[str, Any]:
    result = check_access_not_granted(document, entry)
    assert result["result"] == "FAIL", result
    for example in result["examples"]:
        assert decision([document], example) == "allowed"
    return result


def test_actions_only() -> None:
    """Only actions: can the policy allow one of them on any resource (BOTO-AA Access)."""
    result = assert_granted(SEED_05, access(["connect:StopContactRecording"]))
    assert result["examples"][0]["action"] == "connect:StopContactRecording"
    assert check_access_not_granted(SEED_05, access(["profile:SearchProfiles"])) == {
        "result": "PASS",
        "message": NOT_GRANTED_PASS,
    }


def test_resources_only() -> None:
    """Only resources: can the policy allow any action on one of them."""
    result = assert_granted(SEED_05, access(resources=[CONTACT]))
    assert result["examples"][0]["resource"] == CONTACT
    assert check_access_not_granted(SEED_05, access(resources=[FLOW]))["result"] == "PASS"


def test_actions_and_resources() -> None:
    """Both: one of the actions on one of the resources; a Deny removes access."""
    assert_granted(SEED_05, access(["connect:DescribeContact"], [CONTACT]))
    guarded = policy(allow("connect:*", "*"), deny("connect:DescribeContact", CONTACT))
    assert check_access_not_granted(guarded, access(["connect:DescribeContact"], [CONTACT])) == {
        "result": "PASS",
        "message": NOT_GRANTED_PASS,
    }


def test_access_must_name_something() -> None:
    """An Access entry lists actions and/or resources (BOTO-AA); empty is a ValidationException."""
    with pytest.raises(RequestError):
        check_access_not_granted(SEED_05, access([], []))


def public(statement: dict[str, Any]) -> str:
    return policy({"Principal": "*", **statement})


def test_public_access() -> None:
    """`"Principal": "*"` without a limiting condition is public; aws:SourceAccount limits it."""
    open_policy = public(allow("sqs:SendMessage", "arn:aws:sqs:us-east-1:111122223333:q"))
    result = check_no_public_access(open_policy, "AWS::SQS::Queue")
    assert result["result"] == "FAIL" and result["message"] == PUBLIC_FAIL
    assert result["reasons"][0]["statementIndex"] == 0
    limited = public(
        allow(
            "sqs:SendMessage",
            "arn:aws:sqs:us-east-1:111122223333:q",
            Condition={"StringEquals": {"aws:SourceAccount": "111122223333"}},
        )
    )
    assert check_no_public_access(limited, "AWS::SQS::Queue") == {
        "result": "PASS",
        "message": PUBLIC_PASS,
    }
    named = policy({"Principal": {"AWS": "arn:aws:iam::111122223333:root"}, **allow("sqs:*", "*")})
    assert check_no_public_access(named, "AWS::SQS::Queue")["result"] == "PASS"


def test_public_access_unknown_resource_type() -> None:
    """Connect has no AccessCheckResourceType: AWS answers ValidationException."""
    with pytest.raises(RequestError):
        check_no_public_access(public(allow("connect:*")), "AWS::Connect::Instance")


def write(tmp_path: Path, name: str, text: str) -> str:
    path = tmp_path / name
    path.write_text(text)
    return str(path)


def test_cli_exit_codes(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """0 PASS, 1 FAIL, 3 UNKNOWN, 2 usage error (cli/main.py contract)."""
    old = write(tmp_path, "old.json", policy(allow("connect:Describe*")))
    new = write(tmp_path, "new.json", policy(allow("connect:*")))
    assert main(["check-no-new-access", "--existing", new, "--new", old]) == 0
    assert capsys.readouterr().out.startswith("PASS")
    assert main(["check-no-new-access", "--existing", old, "--new", new, "--format", "json"]) == 1
    out = capsys.readouterr().out
    assert json.loads(out)["result"] == "FAIL"
    mixed = write(
        tmp_path,
        "mixed.json",
        policy(
            allow("connect:*", Condition={"NumericLessThan": {"aws:PrincipalTag/n": "1"}}),
            allow("connect:*", Condition={"StringEquals": {"aws:PrincipalTag/n": "x"}}),
        ),
    )
    assert main(["check-no-new-access", "--existing", old, "--new", mixed]) == 3
    assert "UNKNOWN" in capsys.readouterr().out
    with pytest.raises(SystemExit) as exited:
        main(["check-no-new-access", "--existing", old])
    assert exited.value.code == 2
    assert main(["check-access-not-granted", new, "--action", "connect:DeleteUser"]) == 1
    assert main(["check-access-not-granted", old, "--action", "connect:DeleteUser"]) == 0
    assert main(["check-access-not-granted", old]) == 2
    assert main(["check-no-public-access", old, "--resource-type", "AWS::Nope"]) == 1
    assert main(["check-no-new-access", "--existing", str(tmp_path / "missing"), "--new", new]) == 1
    assert "cannot read" in capsys.readouterr().err


def test_cli_diff(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """`diff OLD NEW` lists gained and lost access with confirmed examples."""
    old = write(tmp_path, "old.json", policy(allow("connect:Describe*")))
    new = write(tmp_path, "new.json", policy(allow("connect:List*")))
    assert main(["diff", old, new, "--format", "json"]) == 1
    result = json.loads(capsys.readouterr().out)
    assert result["gained"] and result["lost"]
    for row in result["gained"]:
        assert decision([policy(allow("connect:List*"))], row["example"]) == "allowed"
    assert main(["diff", old, old]) == 0
    assert "no change" in capsys.readouterr().out
    assert main(["diff", old, new]) == 1
    assert "access gained" in capsys.readouterr().out
