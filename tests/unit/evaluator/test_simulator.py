"""The boto3 shape of simulate_custom_policy: positions, result shapes, parameters, errors."""

from __future__ import annotations

import json

import pytest

from connect_iam import (
    PolicyError,
    RequestError,
    get_context_keys_for_custom_policy,
    simulate_custom_policy,
)

ARN = "arn:aws:connect:us-east-1:111122223333:instance/i-1/agent/u1"

# The policy of AWS's SimulatePrincipalPolicy example 1, laid out as AWS printed it.
AWS_EXAMPLE = (
    "{\n"
    '  "Version": "2012-10-17",\n'
    '  "Statement":{\n'
    '    "Effect":"Allow",\n'
    '    "Action":"connect:DescribeUser",\n'
    '    "Resource":"*"\n'
    "  }\n"
    "}"
)


def test_statement_positions_reproduce_aws_example() -> None:
    """IAM API Statement.StartPosition/EndPosition: AWS reports `{` at 1-based column 15 as 16 and
    the closing `}` at column 3 as 4 (iam-semantics §6.3); this text has them at the same places."""
    [result] = simulate_custom_policy(
        PolicyInputList=[AWS_EXAMPLE], ActionNames=["connect:DescribeUser"]
    )["EvaluationResults"]
    [statement] = result["MatchedStatements"]
    assert statement["StartPosition"] == {"Line": 3, "Column": 16}
    assert statement["EndPosition"] == {"Line": 7, "Column": 4}
    assert statement["SourcePolicyId"] == "PolicyInputList.1"
    assert statement["SourcePolicyType"] == "IAM Policy"


def test_star_resource_result_has_no_resource_specific_results() -> None:
    """IAM API: with no ResourceArns the resource is `*`; EvalDecisionDetails is absent then."""
    [result] = simulate_custom_policy(
        PolicyInputList=[AWS_EXAMPLE], ActionNames=["connect:DescribeUser"]
    )["EvaluationResults"]
    assert result["EvalResourceName"] == "*"
    assert "ResourceSpecificResults" not in result
    assert "EvalDecisionDetails" not in result


def test_named_resource_same_account_has_empty_details() -> None:
    """IAM API: same-account simulation naming a resource returns empty EvalDecisionDetails."""
    [result] = simulate_custom_policy(
        PolicyInputList=[AWS_EXAMPLE], ActionNames=["connect:DescribeUser"], ResourceArns=[ARN]
    )["EvaluationResults"]
    assert result["EvalResourceName"] == ARN
    assert result["EvalDecisionDetails"] == {}
    assert result["ResourceSpecificResults"][0]["EvalResourceDecision"] == "allowed"


def test_per_resource_shape_gives_one_result_per_arn() -> None:
    """Older simulator behaviour (API examples): one EvaluationResult per action and resource."""
    other = ARN.replace("u1", "u2")
    response = simulate_custom_policy(
        PolicyInputList=[AWS_EXAMPLE],
        ActionNames=["connect:DescribeUser", "connect:DeleteUser"],
        ResourceArns=[ARN, other],
        EvaluationResultShape="action-resource",
    )
    names = [(r["EvalActionName"], r["EvalResourceName"]) for r in response["EvaluationResults"]]
    assert names == [
        ("connect:DescribeUser", ARN),
        ("connect:DescribeUser", other),
        ("connect:DeleteUser", ARN),
        ("connect:DeleteUser", other),
    ]
    aggregated = simulate_custom_policy(
        PolicyInputList=[AWS_EXAMPLE],
        ActionNames=["connect:DescribeUser"],
        ResourceArns=[ARN, other],
    )["EvaluationResults"]
    assert [r["EvalResourceName"] for r in aggregated] == ["*"]
    assert len(aggregated[0]["ResourceSpecificResults"]) == 2


def test_pagination_with_marker() -> None:
    """IAM API: MaxItems / Marker / IsTruncated paginate EvaluationResults."""
    actions = [f"connect:Describe{n}" for n in ("User", "Queue", "Prompt")]
    first = simulate_custom_policy(PolicyInputList=[AWS_EXAMPLE], ActionNames=actions, MaxItems=2)
    assert first["IsTruncated"] is True
    second = simulate_custom_policy(
        PolicyInputList=[AWS_EXAMPLE], ActionNames=actions, MaxItems=2, Marker=first["Marker"]
    )
    assert second["IsTruncated"] is False
    names = [r["EvalActionName"] for r in first["EvaluationResults"] + second["EvaluationResults"]]
    assert names == actions


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"ActionNames": ["connect:DescribeUser"]}, "PolicyInputList"),
        ({"PolicyInputList": [AWS_EXAMPLE], "ActionNames": ["connect:Describe*"]}, "wildcards"),
        ({"PolicyInputList": [AWS_EXAMPLE], "ActionNames": ["DescribeUser"]}, "not an action"),
        (
            {"PolicyInputList": [AWS_EXAMPLE], "ActionNames": ["connect:X"], "ResourceArns": ["x"]},
            "not an ARN",
        ),
        (
            {"PolicyInputList": [AWS_EXAMPLE], "ActionNames": ["connect:X"], "Bogus": 1},
            "unknown parameter",
        ),
        (
            {
                "PolicyInputList": [AWS_EXAMPLE],
                "ActionNames": ["connect:X"],
                "ResourcePolicy": AWS_EXAMPLE,
            },
            "CallerArn",
        ),
        (
            {
                "PolicyInputList": [AWS_EXAMPLE],
                "ActionNames": ["connect:X"],
                "ContextEntries": [
                    {
                        "ContextKeyName": "aws:SourceIp",
                        "ContextKeyValues": ["x"],
                        "ContextKeyType": "ip",
                    }
                ],
            },
            "aws:SourceIp",
        ),
        (
            {
                "PolicyInputList": [AWS_EXAMPLE],
                "ActionNames": ["connect:X"],
                "PermissionsBoundaryPolicyInputList": [AWS_EXAMPLE, AWS_EXAMPLE],
            },
            "only one permissions boundary",
        ),
        ({"PolicyInputList": ["{}" * 70_000], "ActionNames": ["connect:X"]}, "131072"),
    ],
)
def test_malformed_parameters_are_request_errors(params: dict[str, object], message: str) -> None:
    """IAM API InvalidInput: malformed parameters are rejected with a message naming them."""
    with pytest.raises(RequestError, match=message):
        simulate_custom_policy(**params)


def test_invalid_policy_reports_every_problem_with_position() -> None:
    """IAM rejects malformed policy documents; we report every problem, positioned."""
    text = '{"Version": "2012-10-17", "Statement": [{"Effect": "allow", "Action": "x",}]}'
    with pytest.raises(PolicyError) as raised:
        simulate_custom_policy(PolicyInputList=[text], ActionNames=["connect:X"])
    codes = sorted(f.issue_code for f in raised.value.findings)
    assert codes == ["INVALID_ACTION", "INVALID_EFFECT", "JSON_SYNTAX_ERROR", "MISSING_RESOURCE"]
    assert all(f.span is not None for f in raised.value.findings)


def test_unknown_action_decides_literally_and_warns() -> None:
    """A misspelled action matches nothing but the patterns naming it; the response warns."""
    policy = json.dumps(
        {"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "*", "Resource": "*"}}
    )
    [result] = simulate_custom_policy(
        PolicyInputList=[policy], ActionNames=["app-integartions:DeleteEventIntegration"]
    )["EvaluationResults"]
    assert result["EvalDecision"] == "allowed"
    assert "app-integartions" in result["Warnings"][0]


def test_missing_required_resource_type_warns() -> None:
    """Service Authorization Reference: CreateUser needs user, security-profile and
    routing-profile ARNs; a request naming only the user is decided on it, with a warning."""
    policy = json.dumps(
        {"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "*", "Resource": "*"}}
    )
    [result] = simulate_custom_policy(
        PolicyInputList=[policy],
        ActionNames=["connect:CreateUser"],
        ResourceArns=["arn:aws:connect:us-east-1:111122223333:instance/i-1/agent/new"],
    )["EvaluationResults"]
    assert result["EvalDecision"] == "allowed"
    assert any("routing-profile" in w and "security-profile" in w for w in result["Warnings"])


def test_context_keys_for_custom_policy() -> None:
    """IAM API GetContextKeysForCustomPolicy: every condition key and variable key, once."""
    policy = json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": {
                "Effect": "Allow",
                "Action": "profile:*",
                "Resource": "arn:aws:profile:*:*:domains/${aws:username}",
                "Condition": {
                    "StringEquals": {"connect:InstanceId": "i", "CONNECT:instanceid": "j"},
                    "IpAddress": {"aws:SourceIp": "203.0.113.0/24"},
                },
            },
        }
    )
    keys = get_context_keys_for_custom_policy(PolicyInputList=[policy])["ContextKeyNames"]
    assert keys == ["connect:InstanceId", "aws:SourceIp", "aws:username"]
