"""Conditions of every operator family, set qualifiers, IfExists and policy variables in the
analysis (iam-semantics §4, §5.2-§5.4). Each FAIL example is replayed through the simulator by
`assert_fail`; each PASS is an exact answer of the solver."""

from __future__ import annotations

from typing import Any

import pytest
from test_no_new_access import allow, assert_fail, assert_pass, policy  # type: ignore[import-not-found]

from connect_iam.analyzer.checks import check_no_new_access
from connect_iam.model.arn import ArnPattern

A = "connect:DescribeUser"


def cond(operator: str, key: str, values: Any) -> dict[str, Any]:
    return {"Condition": {operator: {key: values}}}


@pytest.mark.parametrize(
    ("narrow", "wide"),
    [
        (
            ("StringEquals", "aws:PrincipalTag/team", "ops"),
            ("StringLike", "aws:PrincipalTag/team", "o*"),
        ),
        (
            ("StringEqualsIgnoreCase", "aws:PrincipalTag/team", "OPS"),
            ("StringLike", "aws:PrincipalTag/team", "*"),
        ),
        (
            ("ArnLike", "aws:SourceArn", "arn:aws:sns:us-east-1:1:t"),
            ("ArnLike", "aws:SourceArn", "arn:aws:sns:*:1:*"),
        ),
        (
            ("NumericLessThan", "aws:MultiFactorAuthAge", "300"),
            ("NumericLessThanEquals", "aws:MultiFactorAuthAge", "3600"),
        ),
        (
            ("DateGreaterThan", "aws:CurrentTime", "2030-01-01T00:00:00Z"),
            ("DateGreaterThan", "aws:CurrentTime", "2020-01-01"),
        ),
        (("Bool", "aws:SecureTransport", "true"), ("Null", "aws:SecureTransport", "false")),
        (
            ("IpAddress", "aws:SourceIp", "203.0.113.0/24"),
            ("IpAddress", "aws:SourceIp", "203.0.0.0/16"),
        ),
        (
            ("StringNotEquals", "aws:RequestedRegion", ["us-east-1", "eu-west-1"]),
            ("StringNotEquals", "aws:RequestedRegion", "us-east-1"),
        ),
        (
            ("ForAllValues:StringEquals", "aws:TagKeys", ["a"]),
            ("ForAllValues:StringEquals", "aws:TagKeys", ["a", "b"]),
        ),
        (
            ("ForAnyValue:StringEquals", "aws:TagKeys", ["a"]),
            ("ForAnyValue:StringLike", "aws:TagKeys", ["a*"]),
        ),
        (
            ("StringEquals", "connect:InstanceId", "i-1"),
            ("StringEqualsIfExists", "connect:InstanceId", "i-1"),
        ),
    ],
)
def test_narrower_condition_grants_no_new_access(
    narrow: tuple[str, str, Any], wide: tuple[str, str, Any]
) -> None:
    """Each `narrow` condition implies the `wide` one (CONDOPS, MULTI, SETOPS), not conversely."""
    narrow_policy = policy(allow(A, **cond(*narrow)))
    wide_policy = policy(allow(A, **cond(*wide)))
    assert_pass(narrow_policy, wide_policy)
    assert_fail(wide_policy, narrow_policy)


def test_missing_key_rules() -> None:
    """Positive operators are false on a missing key, negated ones true; IfExists is true
    (CONDOPS "Important" box, iam-semantics §5.2)."""
    negated = policy(allow(A, **cond("StringNotEquals", "aws:PrincipalTag/team", "x")))
    result = assert_fail(
        negated, policy(allow(A, **cond("StringEquals", "aws:PrincipalTag/team", "y")))
    )
    assert result["examples"]


def test_forallvalues_true_on_missing_key() -> None:
    """ForAllValues returns true if the key is missing (SETOPS), so it adds access over Null."""
    all_values = policy(allow(A, **cond("ForAllValues:StringEquals", "aws:TagKeys", ["a"])))
    present = policy(allow(A, **cond("ForAnyValue:StringEquals", "aws:TagKeys", ["a"])))
    result = assert_fail(all_values, present)
    assert result["examples"][0]["contextEntries"] == [] or all(
        e["ContextKeyName"] != "aws:TagKeys" or e["ContextKeyValues"]
        for e in result["examples"][0]["contextEntries"]
    )


def test_numeric_boundary_example_is_a_decimal() -> None:
    """NumericLessThanEquals 10 grants exactly one more number than NumericLessThan 10."""
    result = assert_fail(
        policy(allow(A, **cond("NumericLessThanEquals", "s3:max-keys", "10"))),
        policy(allow(A, **cond("NumericLessThan", "s3:max-keys", "10"))),
    )
    (entry,) = result["examples"][0]["contextEntries"]
    assert entry["ContextKeyValues"] == ["10"]


def test_variable_in_resource() -> None:
    """Policy variables are substituted in Resource (IAM: policy variables); `${aws:username}`
    grants only the caller's own path, so a literal user path is new access."""
    own = policy(allow("s3:GetObject", "arn:aws:s3:::bucket/home/${aws:username}/*"))
    assert_pass(own, policy(allow("s3:GetObject", "arn:aws:s3:::bucket/home/*")))
    result = assert_fail(policy(allow("s3:GetObject", "arn:aws:s3:::bucket/home/*")), own)
    assert result["examples"][0]["resource"].startswith("arn:aws:s3:::bucket/home/")


def test_variable_in_condition_and_default() -> None:
    """String operators accept variables; a default applies when the key is missing (VARS)."""
    with_default = policy(
        allow(A, **cond("StringEquals", "aws:PrincipalTag/team", "${aws:username, 'x'}"))
    )
    without = policy(allow(A, **cond("StringEquals", "aws:PrincipalTag/team", "${aws:username}")))
    assert_pass(without, with_default)
    assert_fail(with_default, without)


def test_unknown_for_mixed_families() -> None:
    """A key compared as a number and as a string is outside the fragment: UNKNOWN, not PASS."""
    result = check_no_new_access(
        policy(allow(A, **cond("NumericLessThan", "aws:PrincipalTag/n", "3"))),
        policy(allow(A, **cond("StringEquals", "aws:PrincipalTag/n", "1"))),
    )
    assert result["result"] == "UNKNOWN"
    assert "several operator families" in result["message"]


@pytest.mark.parametrize(
    "pattern",
    [
        "arn:aws:sqs:*:123:q",
        "arn:aws:sqs:us-east-1:*",
        "arn:aws:s*:*",
        "arn:aws:connect:*:*:instance/*/contact/*",
        "arn:*",
        "arn:aws:iam::*:role/a?c",
        "*",
        "x*y",
    ],
)
@pytest.mark.parametrize(
    "value",
    [
        "arn:aws:sqs:us-east-1:999:x:123:q",
        "arn:aws:sqs:us-east-1:123:q",
        "arn:aws:sqs:us-east-1:1:2:3",
        "arn:aws:sns:eu:1:t",
        "arn:aws:connect:us-west-2:1:instance/a/contact/b",
        "arn:aws:connect:us-west-2:1:instance/a/contact-flow/b",
        "arn:aws:iam::1:role/abc",
        "arn:aws:iam::1:role/a:c",
        "arn",
        "xy",
        "*",
    ],
)
def test_arn_regex_agrees_with_arn_pattern(pattern: str, value: str) -> None:
    """The z3 regex for a Resource pattern is ArnPattern's language (iam-semantics §3.2)."""
    import z3

    from connect_iam.analyzer.regex import arn_re, zstr

    membership = z3.simplify(z3.InRe(zstr(value), arn_re(pattern)))
    assert z3.is_true(membership) == ArnPattern.compile(pattern).matches(value)
