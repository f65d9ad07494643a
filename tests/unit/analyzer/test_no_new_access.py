"""CheckNoNewAccess on hand-written pairs with known answers (iam-semantics §7.3: "the updated
policy might allow new access"; statementIndex is 0-based into the new policy). Every FAIL example
is replayed through the simulator here as well, independently of the analyzer's own confirmation.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from connect_iam import simulate_custom_policy
from connect_iam.analyzer.checks import (
    NO_NEW_ACCESS_FAIL,
    NO_NEW_ACCESS_PASS,
    check_no_new_access,
)

POLICIES = Path(__file__).resolve().parents[3] / "examples" / "policies"
ARN = "arn:aws:connect:us-east-1:123456789012:instance/00fbeee1-123e-111e-93e3-11111bfbfcc1"


def policy(*statements: dict[str, Any]) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


def allow(action: Any, resource: Any = "*", **extra: Any) -> dict[str, Any]:
    return {"Effect": "Allow", "Action": action, "Resource": resource, **extra}


def deny(action: Any, resource: Any = "*", **extra: Any) -> dict[str, Any]:
    return {"Effect": "Deny", "Action": action, "Resource": resource, **extra}


def decision(policies: list[str], example: dict[str, Any]) -> str:
    response = simulate_custom_policy(
        PolicyInputList=policies,
        ActionNames=[example["action"]],
        ResourceArns=[example["resource"]],
        ContextEntries=example["contextEntries"],
    )
    return str(response["EvaluationResults"][0]["EvalDecision"])


def assert_fail(new: str | list[str], old: str | list[str], **kwargs: Any) -> dict[str, Any]:
    result = check_no_new_access(new, old, **kwargs)
    assert result["result"] == "FAIL", result
    assert result["message"] == NO_NEW_ACCESS_FAIL
    assert result["examples"]
    news = [new] if isinstance(new, str) else new
    olds = [old] if isinstance(old, str) else old
    for example in result["examples"]:
        assert decision(news, example) == "allowed", example
        assert decision(olds, example) != "allowed", example
    return result


def assert_pass(new: str | list[str], old: str | list[str]) -> None:
    result = check_no_new_access(new, old)
    assert result == {"result": "PASS", "message": NO_NEW_ACCESS_PASS}, result


def test_seed_05_adding_contact_flow_is_new_access() -> None:
    """Resource wildcards match within the literal path: `instance/*/contact/*` does not cover
    contact-flow ARNs (connect-model §0), so adding them is new access (IAM: Resource)."""
    old = (POLICIES / "05-allow-all-contact-actions.json").read_text()
    document = json.loads(old)
    statement = document["Statement"][0]
    statement["Resource"] = [
        statement["Resource"],
        "arn:aws:connect:us-west-2:accountID:instance/*/contact-flow/*",
    ]
    new = json.dumps(document)
    result = assert_fail(new, old)
    assert result["reasons"] == [
        {"description": "New access in the statement with index: 0.", "statementIndex": 0}
    ]
    assert all("/contact-flow/" in e["resource"] for e in result["examples"])
    assert all(e["action"].startswith("connect:") for e in result["examples"])
    assert_pass(old, new)


def test_seed_01_dropping_update_user_wildcard_lifts_a_deny() -> None:
    """An explicit Deny beats an Allow (IAM: evaluation logic); removing `connect:UpdateUser*`
    from the Deny of seed 01 makes every UpdateUser* action on agents newly allowed."""
    seed = (POLICIES / "01-deny-delete-and-update-users.json").read_text()
    document = json.loads(seed)
    document["Statement"][0]["Action"] = ["connect:DeleteUser"]
    without = json.dumps(document)
    grant = policy(allow("connect:*"))
    result = assert_fail([grant, without], [grant, seed])
    assert all(e["action"].lower().startswith("connect:updateuser") for e in result["examples"])
    assert all("/agent/" in e["resource"] for e in result["examples"])
    assert result["reasons"] == [
        {
            "description": "New access in the statement with index: 0.",
            "statementIndex": 0,
            "policyIndex": 0,
        }
    ]
    assert_pass([grant, seed], [grant, without])


def test_deny_only_policies_grant_nothing() -> None:
    """A policy with only Deny statements allows nothing (implicit deny by default)."""
    seed = (POLICIES / "01-deny-delete-and-update-users.json").read_text()
    assert_pass(seed, policy(deny("*")))
    assert_pass(policy(deny("connect:*")), seed)


def test_allow_star_versus_connect_star_fails_outside_connect() -> None:
    """`*` alone matches every action of every service (IAM: Action)."""
    result = assert_fail(policy(allow("*")), policy(allow("connect:*")))
    assert not result["examples"][0]["action"].lower().startswith("connect:")
    assert_pass(policy(allow("connect:*")), policy(allow("*")))


def test_unknown_actions_are_part_of_the_universe() -> None:
    """Action names outside the catalog still match patterns literally (IAM: Action), so a
    wildcard over a misspelled service grants more than the correctly spelled one."""
    result = assert_fail(policy(allow("app-integ*:Get*")), policy(allow("app-integrations:Get*")))
    assert result["examples"][0]["action"].lower().startswith("app-integ")


def test_action_case_is_ignored() -> None:
    """ "The prefix and the action name are case insensitive" (IAM: Action)."""
    assert_pass(policy(allow("CONNECT:describeuser")), policy(allow("connect:DescribeUser")))


def test_not_action_complement() -> None:
    """NotAction matches every action not listed, across all services (IAM: NotAction)."""
    result = assert_fail(
        policy(allow("iam:*")), policy({"Effect": "Allow", "NotAction": "iam:*", "Resource": "*"})
    )
    assert result["examples"][0]["action"].startswith("iam:")
    assert_pass(
        policy({"Effect": "Allow", "NotAction": ["iam:*", "connect:*"], "Resource": "*"}),
        policy({"Effect": "Allow", "NotAction": "iam:*", "Resource": "*"}),
    )


def test_not_resource() -> None:
    """NotResource matches every resource not listed (IAM: NotResource)."""
    old = policy({"Effect": "Allow", "Action": "connect:*", "NotResource": f"{ARN}/agent/*"})
    assert_pass(policy(allow("connect:DescribeQueue", f"{ARN}/queue/*")), old)
    result = assert_fail(policy(allow("connect:DescribeUser", f"{ARN}/agent/u1")), old)
    assert result["examples"][0]["resource"] == f"{ARN}/agent/u1"


def test_wildcards_in_the_middle_of_arn_segments() -> None:
    """`*` and `?` may appear inside any segment (IAM: Resource)."""
    narrow = policy(allow("connect:DescribeQueue", f"{ARN}/queue/q-??-*"))
    wide = policy(allow("connect:DescribeQueue", f"{ARN}/queue/q-*"))
    assert_pass(narrow, wide)
    result = assert_fail(wide, narrow)
    assert result["examples"][0]["resource"].startswith(f"{ARN}/queue/q-")
    region = policy(allow("connect:DescribeQueue", "arn:aws:connect:us-*-1:*:instance/*"))
    assert_pass(policy(allow("connect:DescribeQueue", f"{ARN}/queue/x")), region)


def test_segment_final_star_spills_only_with_fewer_fields() -> None:
    """A segment-final `*` may expand beyond `:` (IAM: Resource); with six fields it cannot, so
    `arn:aws:sqs:*:123:q` does not cover `arn:aws:sqs:us-east-1:999:x:123:q` (§3.2)."""
    assert_pass(
        policy(allow("sqs:SendMessage", "arn:aws:sqs:us-east-1:*")),
        policy(allow("sqs:*", "arn:aws:sqs:*")),
    )
    assert_fail(
        policy(allow("sqs:SendMessage", "arn:aws:sqs:*")),
        policy(allow("sqs:SendMessage", "arn:aws:sqs:*:123:q")),
    )


def test_multi_statement_deny_inside_allow() -> None:
    """Allow minus Deny: the new policy denies more, so nothing is new; the old denies more,
    so the new one grants what the old denied."""
    old = policy(allow("connect:*"), deny("connect:Delete*"))
    new = policy(allow("connect:*"), deny(["connect:Delete*", "connect:Update*"]))
    assert_pass(new, old)
    result = assert_fail(old, new)
    assert all(e["action"].lower().startswith("connect:update") for e in result["examples"])


def test_statement_id_is_reported() -> None:
    """ReasonSummary carries statementId when the statement has a Sid (BOTO-AA)."""
    new = policy(allow("connect:ListUsers", Sid="Keep"), allow("connect:DeleteUser", Sid="Added"))
    result = assert_fail(new, policy(allow("connect:ListUsers")))
    assert result["reasons"] == [
        {
            "description": "New access in the statement with index: 1.",
            "statementIndex": 1,
            "statementId": "Added",
        }
    ]


@pytest.mark.parametrize("policy_type", ["SERVICE_CONTROL_POLICY", "identity"])
def test_bad_policy_type_is_a_request_error(policy_type: str) -> None:
    """`policyType` is AccessCheckPolicyType: IDENTITY_POLICY | RESOURCE_POLICY (BOTO-AA)."""
    from connect_iam.errors import RequestError

    with pytest.raises(RequestError):
        check_no_new_access(policy(allow("*")), policy(allow("*")), policy_type)
