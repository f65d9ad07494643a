"""The policy grammar (IAM User Guide: Grammar of the IAM JSON policy language, iam-semantics §2):
every problem reported with its position, the model built from what is valid."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from connect_iam import PolicyError, load_policy, parse_policy
from connect_iam.model.policy import Effect, PolicyType

SEED = Path(__file__).resolve().parents[3] / "examples" / "policies"


def _codes(text: str, policy_type: PolicyType = PolicyType.IDENTITY) -> list[str]:
    return sorted(f.issue_code for f in parse_policy(text, policy_type=policy_type).findings)


def _doc(statement: object, **top: object) -> str:
    return json.dumps({"Version": "2012-10-17", **top, "Statement": statement})


def test_seed_03_trailing_commas_name_lines_9_and_16() -> None:
    """RFC 8259 has no trailing commas; the seed's third example has two (connect-model §3)."""
    text = (SEED / "03-allow-create-user-deny-security-profile.json").read_text()
    with pytest.raises(PolicyError) as raised:
        load_policy(text, name="03.json")
    lines = [f.span.start.line for f in raised.value.findings if f.span]
    assert lines == [9, 16]
    assert "line 9" in str(raised.value) and "line 16" in str(raised.value)


def test_single_values_and_single_statement_object() -> None:
    """Grammar: brackets are optional for one value; Statement may be one object."""
    policy = load_policy(_doc({"Effect": "Allow", "Action": "connect:X", "Resource": "*"}))
    [statement] = policy.statements
    assert statement.effect is Effect.ALLOW
    assert [a.text for a in statement.actions] == ["connect:X"]


def test_spans_do_not_decide_equality() -> None:
    """Two policies that differ only in layout are equal values."""
    compact = _doc([{"Effect": "Allow", "Action": ["a:b"], "Resource": ["*"]}])
    spread = json.dumps(json.loads(compact), indent=4)
    assert load_policy(compact) == load_policy(spread)


@pytest.mark.parametrize(
    ("statement", "code"),
    [
        ({"Action": "a:b", "Resource": "*"}, "MISSING_EFFECT"),
        ({"Effect": "allow", "Action": "a:b", "Resource": "*"}, "INVALID_EFFECT"),
        ({"Effect": "Allow", "Resource": "*"}, "MISSING_ACTION"),
        ({"Effect": "Allow", "Action": "a:b"}, "MISSING_RESOURCE"),
        (
            {"Effect": "Allow", "Action": "a:b", "NotAction": "c:d", "Resource": "*"},
            "UNSUPPORTED_ELEMENT_COMBINATION",
        ),
        (
            {"Effect": "Allow", "Action": "a:b", "Resource": "*", "Resource ": "*"},
            "INVALID_POLICY_ELEMENT",
        ),
        ({"Effect": "Allow", "Action": "ab", "Resource": "*"}, "INVALID_ACTION"),
        (
            {"Effect": "Allow", "Action": "app-integrations::List", "Resource": "*"},
            "INVALID_ACTION",
        ),
        ({"Effect": "Allow", "Action": "a:b", "Resource": "bucket"}, "INVALID_ARN_PREFIX"),
        ({"Effect": "Allow", "Action": "a:b", "Resource": "arn:aws:s3"}, "MISSING_ARN_FIELD"),
        ({"Effect": "Allow", "Action": 3, "Resource": "*"}, "INVALID_ELEMENT_TYPE"),
        (
            {"Effect": "Allow", "Action": "a:b", "Resource": "*", "Principal": "*"},
            "UNSUPPORTED_PRINCIPAL",
        ),
        (
            {
                "Effect": "Allow",
                "Action": "a:b",
                "Resource": "*",
                "Condition": {"StringEqual": {"k": "v"}},
            },
            "INVALID_CONDITION_OPERATOR",
        ),
        (
            {"Effect": "Allow", "Action": "a:b", "Resource": "*", "Condition": {"Bool": {"k": {}}}},
            "INVALID_ELEMENT_TYPE",
        ),
    ],
)
def test_grammar_errors(statement: dict[str, object], code: str) -> None:
    """Grammar and Access Analyzer issue codes (iam-semantics §2, §7.2)."""
    assert code in _codes(_doc([statement]))
    with pytest.raises(PolicyError):
        load_policy(_doc([statement]))


def test_duplicate_keys_are_errors_with_positions() -> None:
    """Grammar: individual elements must not contain multiple instances of the same key."""
    text = (
        '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Effect":"Deny",'
        '"Action":"a:b","Resource":"*"}]}'
    )
    [finding] = parse_policy(text).findings
    assert finding.issue_code == "DUPLICATE_KEY"
    assert finding.span is not None and finding.span.start.offset == text.index('"Effect":"Deny"')


def test_invalid_version_and_missing_statement() -> None:
    """Version is 2012-10-17 or 2008-10-17; Statement is required (grammar)."""
    assert _codes('{"Version": "2012-10-18"}') == ["INVALID_VERSION", "MISSING_STATEMENT"]


def test_resource_policy_requires_principal_identity_forbids_it() -> None:
    """Grammar: Principal is required in resource-based policies and forbidden in identity ones."""
    statement = {"Effect": "Allow", "Action": "a:b", "Resource": "*"}
    assert "MISSING_PRINCIPAL" in _codes(_doc([statement]), PolicyType.RESOURCE)
    principal = {**statement, "Principal": {"Robot": "x"}}
    assert "INVALID_PRINCIPAL_KEY" in _codes(_doc([principal]), PolicyType.RESOURCE)


def test_sid_rules() -> None:
    """Sid: letters and digits only in IAM policies; unique within a policy (SCPs: required)."""
    bad = {"Sid": "has space", "Effect": "Allow", "Action": "a:b", "Resource": "*"}
    assert "UNSUPPORTED_SID" in _codes(_doc([bad]))
    dup = {"Sid": "A", "Effect": "Allow", "Action": "a:b", "Resource": "*"}
    assert "UNIQUE_SIDS_RECOMMENDED" in _codes(_doc([dup, dup]))
    assert "UNIQUE_SIDS_REQUIRED" in _codes(_doc([dup, dup]), PolicyType.SCP)


def test_every_problem_is_reported_not_just_the_first() -> None:
    """Report every problem, each positioned (brief: bad input)."""
    text = _doc(
        [
            {"Effect": "Maybe", "Action": "a:b", "Resource": "*"},
            {"Effect": "Allow", "Resource": "*"},
            {"Effect": "Allow", "Action": "a:b", "Resource": "nope"},
        ]
    )
    findings = parse_policy(text).findings
    assert [f.issue_code for f in findings] == [
        "INVALID_EFFECT",
        "MISSING_ACTION",
        "INVALID_ARN_PREFIX",
    ]
    assert [f.path[1] for f in findings] == [f.path[1] for f in findings]
    lines = [f.span.start.offset for f in findings if f.span]
    assert lines == sorted(lines)


@pytest.mark.parametrize("text", ["", "[]", "null", '"x"', "{", "\x00\x01", "{}" * 3])
def test_any_text_parses_or_yields_positioned_errors(text: str) -> None:
    """Malformed input never raises from parse_policy; load_policy raises PolicyError."""
    result = parse_policy(text)
    assert not result.ok
    with pytest.raises(PolicyError):
        load_policy(text)
