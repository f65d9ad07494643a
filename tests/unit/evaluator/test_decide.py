"""Decisions for resource-based policies by principal kind (IAM User Guide: policy evaluation
logic, "resource-based policies" table; iam-semantics §1.4), and the documented [UNSURE] choices."""

from __future__ import annotations

import json

from connect_iam import simulate_custom_policy

ARN = "arn:aws:connect:us-east-1:111122223333:instance/i-1/agent/u1"
NOTHING = json.dumps(
    {"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "s3:x", "Resource": "*"}}
)


def _resource_policy(principal: object) -> str:
    return json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": {
                "Effect": "Allow",
                "Principal": principal,
                "Action": "connect:DescribeUser",
                "Resource": "*",
            },
        }
    )


def _decide(principal: object, caller: str, boundary: str | None = None) -> str:
    params: dict[str, object] = {
        "PolicyInputList": [NOTHING],
        "ActionNames": ["connect:DescribeUser"],
        "ResourceArns": [ARN],
        "ResourcePolicy": _resource_policy(principal),
        "CallerArn": caller,
    }
    if boundary:
        params["PermissionsBoundaryPolicyInputList"] = [boundary]
    [result] = simulate_custom_policy(**params)["EvaluationResults"]
    decision: str = result["EvalDecision"]
    return decision


def test_account_principal_same_account_needs_identity_allow() -> None:
    """[UNSURE] in iam-semantics §1.4, decided in docs/simulate.md: an account principal in a
    same-account resource policy does not grant on its own."""
    assert _decide({"AWS": "111122223333"}, "arn:aws:iam::111122223333:user/alice") == (
        "implicitDeny"
    )
    assert _decide(
        {"AWS": "arn:aws:iam::111122223333:root"}, "arn:aws:iam::111122223333:user/a"
    ) == ("implicitDeny")


def test_star_principal_grants_a_user_on_its_own() -> None:
    """Principal `*` names everyone, the caller included (IAM: Principal)."""
    assert _decide("*", "arn:aws:iam::111122223333:user/alice") == "allowed"
    assert _decide({"AWS": "*"}, "arn:aws:iam::111122223333:user/alice") == "allowed"


def test_star_principal_to_a_role_is_limited_by_its_boundary() -> None:
    """Policy evaluation logic: a boundary limits resource-policy grants to a role."""
    boundary = NOTHING
    assert _decide("*", "arn:aws:iam::111122223333:role/agent", boundary) == "implicitDeny"
    assert _decide("*", "arn:aws:iam::111122223333:role/agent") == "allowed"


def test_role_principal_names_its_sessions() -> None:
    """IAM: Principal - a role ARN principal matches sessions of that role."""
    caller = "arn:aws:sts::111122223333:assumed-role/agent/session-1"
    assert _decide({"AWS": "arn:aws:iam::111122223333:role/agent"}, caller) == "allowed"
    assert _decide({"AWS": "arn:aws:iam::111122223333:role/other"}, caller) == "implicitDeny"


def test_service_principal_never_names_an_iam_caller() -> None:
    """IAM: Principal - a service principal is not an IAM user or role."""
    assert _decide({"Service": "connect.amazonaws.com"}, "arn:aws:iam::1:user/a") == "implicitDeny"
