"""ARN parsing and the Resource-element / ArnLike matching rule (iam-semantics §3.2)."""

from __future__ import annotations

import pytest

from connect_iam.model.arn import Arn, ArnPattern

CONNECT = "arn:aws:connect:us-east-1:111122223333:instance/abc/agent/u1"


def test_parse_fields() -> None:
    """§3.2: `arn:partition:service:region:account-id:resource`; resource keeps `:` and `/`."""
    arn = Arn.parse("arn:aws:sqs:us-east-1:123:queue:with:colons/and/slashes")
    assert arn == Arn("aws", "sqs", "us-east-1", "123", "queue:with:colons/and/slashes")
    assert str(arn) == "arn:aws:sqs:us-east-1:123:queue:with:colons/and/slashes"


def test_parse_empty_fields() -> None:
    """§3.2: S3 ARNs leave region and account empty (`arn:aws:s3:::bucket`)."""
    arn = Arn.parse("arn:aws:s3:::bucket/key")
    assert arn is not None
    assert (arn.region, arn.account, arn.resource) == ("", "", "bucket/key")
    assert str(arn) == "arn:aws:s3:::bucket/key"


@pytest.mark.parametrize(
    "text",
    ["*", "", "arn:aws:s3::", "arn:aws:sqs:us-east-1:123", "ARN:aws:s3:::b", "urn:a:b:c:d:e"],
)
def test_parse_rejects_non_arns(text: str) -> None:
    """AACHECKS MISSING_ARN_FIELD: an ARN needs `arn:` and all six colon-separated fields."""
    assert Arn.parse(text) is None


@pytest.mark.parametrize(
    ("pattern", "value", "expected"),
    [
        # RESOURCE: "*" matches every resource, even non-ARN ones.
        ("*", CONNECT, True),
        ("*", "*", True),
        # RESOURCE: case-sensitive.
        (CONNECT, CONNECT, True),
        (CONNECT, CONNECT.upper(), False),
        ("arn:aws:connect:us-east-1:111122223333:instance/ABC/*", CONNECT, False),
        # Glob within a field.
        ("arn:aws:connect:*:111122223333:instance/*", CONNECT, True),
        ("arn:aws:connect:us-east-?:111122223333:instance/*", CONNECT, True),
        ("arn:aws:connect:us-east-1:111122223333:instance/*/agent/*", CONNECT, True),
        ("arn:aws:connect:us-east-1:111122223333:instance/*/queue/*", CONNECT, False),
        # RESOURCE: `*` matches `/` too.
        ("arn:aws:s3:::bucket/*/test/*", "arn:aws:s3:::bucket/1/2/test/3/object.jpg", True),
        # A segment-final `*` expands beyond the colon boundaries.
        ("arn:aws:sqs:us-east-1:*", "arn:aws:sqs:us-east-1:123:queue", True),
        ("arn:aws:sqs:*", "arn:aws:sqs:eu-west-1:123:queue", True),
        ("arn:aws:*", CONNECT, True),
        ("arn:*", CONNECT, True),
        ("arn:aws:sqs:us-east-1:*", "arn:aws:sns:us-east-1:123:topic", False),
        # ...but a field not ending in `*` stays in its field.
        ("arn:aws:sqs:*:123:q", "arn:aws:sqs:us-east-1:999:x:123:q", False),
        ("arn:aws:sqs:*:123:q", "arn:aws:sqs:us-east-1:123:q", True),
        ("arn:aws:sqs:us-east-1:*1:q", "arn:aws:sqs:us-east-1:1:2:1:q", False),
        # A pattern with fewer fields that does not end in `*` cannot match a full ARN.
        ("arn:aws:sqs:us-east-1", "arn:aws:sqs:us-east-1:123:q", False),
        # Non-ARN values never match an ARN-shaped pattern.
        ("arn:aws:sqs:*:*:*", "*", False),
        ("arn:*", "not-an-arn", False),
        # Non-ARN-shaped patterns: whole-string glob.
        ("*:123:q", "arn:aws:sqs:us-east-1:999:x:123:q", True),
        ("foo*", "foobar", True),
    ],
)
def test_resource_matching(pattern: str, value: str, expected: bool) -> None:
    """RESOURCE + [INFERRED] §3.2 rule: per-field glob, a field-final `*` may cross colons."""
    assert ArnPattern.compile(pattern).matches(value) is expected


def test_condops_worked_example() -> None:
    """CONDOPS Arn worked example: ArnLike checks the six fields separately, so no match."""
    pattern = "arn:aws:someservice:*:111122223333:finance/*"
    value = "arn:aws:someservice:us-east-2:999999999999:store/abc:111122223333:finance/document.txt"
    assert not ArnPattern.compile(pattern).matches(value)
    assert ArnPattern.compile(pattern).matches(
        "arn:aws:someservice:us-east-2:111122223333:finance/document.txt"
    )


def test_compile_cached() -> None:
    """Policies repeat ARNs; compiled patterns are shared values."""
    assert ArnPattern.compile(CONNECT) is ArnPattern.compile(CONNECT)
    assert ArnPattern.compile(CONNECT) == ArnPattern(CONNECT)
