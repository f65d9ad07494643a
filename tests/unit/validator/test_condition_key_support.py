"""UNSUPPORTED_ACTION_FOR_CONDITION_KEY must not fire on keys the catalog lists under a sample
name, nor on another service's keys (Access Analyzer policy checks: unsupported action for
condition key; both cases occur in AWS managed policies that AWS accepts)."""

from __future__ import annotations

import json

from connect_iam.validator import validate_policy


def _codes(statement: dict[str, object]) -> list[str]:
    document = json.dumps({"Version": "2012-10-17", "Statement": [statement]})
    return [f["issueCode"] for f in validate_policy(policyDocument=document)["findings"]]


def test_tag_key_listed_with_a_sample_name_is_supported() -> None:
    """The catalog lists `secretsmanager:ResourceTag/tag-key` for `.../${TagKey}`."""
    codes = _codes(
        {
            "Effect": "Allow",
            "Action": "secretsmanager:GetSecretValue",
            "Resource": "*",
            "Condition": {
                "StringEquals": {"secretsmanager:ResourceTag/aws:secretsmanager:owningService": "x"}
            },
        }
    )
    assert "UNSUPPORTED_ACTION_FOR_CONDITION_KEY" not in codes


def test_other_services_keys_are_not_claimed_absent() -> None:
    """`lambda:SourceFunctionArn` is set on any request a Lambda function's role makes."""
    codes = _codes(
        {
            "Effect": "Allow",
            "Action": "s3:ListBucket",
            "Resource": "*",
            "Condition": {"ArnEquals": {"lambda:SourceFunctionArn": "arn:aws:lambda:*:*:f"}},
        }
    )
    assert "UNSUPPORTED_ACTION_FOR_CONDITION_KEY" not in codes


def test_own_service_key_not_supported_is_reported() -> None:
    """A Connect key no action of the statement supports never matches a request."""
    codes = _codes(
        {
            "Effect": "Allow",
            "Action": "connect:StartContactRecording",
            "Resource": "*",
            "Condition": {"StringEquals": {"connect:InstanceId": "i"}},
        }
    )
    assert "UNSUPPORTED_ACTION_FOR_CONDITION_KEY" in codes
