"""Hypothesis properties of the evaluator (IAM User Guide: policy evaluation logic).

adding a Deny statement never turns a non-allow into an allow
statement order (and policy order) never changes a decision
parse_policy never raises: any text parses or yields positioned errors
"""

from __future__ import annotations

import json

from hypothesis import given, settings
from hypothesis import strategies as st

from connect_iam import parse_policy
from connect_iam.evaluator.decide import Caller, decide_resource
from connect_iam.evaluator.simulator import policy_set_from_params
from connect_iam.model.context import RequestContext
from connect_iam.model.decision import EvalDecision

ACTIONS = ["connect:DescribeUser", "connect:DeleteUser", "profile:SearchProfiles"]
RESOURCES = [
    "arn:aws:connect:us-east-1:111122223333:instance/i-1/agent/u1",
    "arn:aws:profile:us-east-1:111122223333:domains/d",
    "*",
]
STATEMENT = st.fixed_dictionaries(
    {
        "Effect": st.sampled_from(["Allow", "Deny"]),
        "Action": st.lists(
            st.sampled_from(
                ["connect:*", "connect:Describe*", "profile:*", "*", "connect:D?leteUser"]
            ),
            min_size=1,
            max_size=2,
        ),
        "Resource": st.lists(
            st.sampled_from(
                ["*", "arn:aws:connect:*:*:instance/i-1/*", "arn:aws:profile:us-east-1:*"]
            ),
            min_size=1,
            max_size=2,
        ),
    },
    optional={
        "Condition": st.sampled_from(
            [
                {"StringEquals": {"connect:InstanceId": "i-1"}},
                {"StringNotLike": {"connect:InstanceId": "i-*"}},
                {"Bool": {"aws:SecureTransport": "true"}},
            ]
        )
    },
)
CONTEXT = RequestContext.from_entries(
    [
        {
            "ContextKeyName": "connect:InstanceId",
            "ContextKeyValues": ["i-1"],
            "ContextKeyType": "string",
        }
    ]
)


def _decisions(policies: list[list[dict[str, object]]]) -> list[EvalDecision]:
    texts = [json.dumps({"Version": "2012-10-17", "Statement": p}) for p in policies]
    policy_set = policy_set_from_params({"PolicyInputList": texts})
    return [
        decide_resource(policy_set, action, resource, context, Caller()).decision
        for action in ACTIONS
        for resource in RESOURCES
        for context in (CONTEXT, RequestContext.from_entries([]))
    ]


@settings(max_examples=120, deadline=None)
@given(st.lists(STATEMENT, min_size=1, max_size=5), STATEMENT)
def test_adding_a_deny_never_grants(
    statements: list[dict[str, object]], extra: dict[str, object]
) -> None:
    """Policy evaluation logic: an explicit deny overrides any allow, so adding a Deny statement
    can only keep or remove access, never add it."""
    deny = {**extra, "Effect": "Deny"}
    before = _decisions([statements])
    after = _decisions([[*statements, deny]])
    for old, new in zip(before, after, strict=True):
        if old is not EvalDecision.ALLOWED:
            assert new is not EvalDecision.ALLOWED


@settings(max_examples=120, deadline=None)
@given(st.lists(STATEMENT, min_size=1, max_size=5), st.randoms(use_true_random=False))
def test_statement_order_never_changes_a_decision(
    statements: list[dict[str, object]], random: object
) -> None:
    """Policy evaluation logic: statements are evaluated as a set; order is irrelevant."""
    shuffled = list(statements)
    random.shuffle(shuffled)  # type: ignore[attr-defined]
    assert _decisions([statements]) == _decisions([shuffled])
    half = len(statements) // 2
    assert _decisions([statements]) == _decisions([statements[half:], statements[:half]])


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=200))
def test_any_text_parses_or_yields_positioned_errors(text: str) -> None:
    """Bad input never crashes: every finding carries a position inside the text."""
    result = parse_policy(text)
    for finding in result.findings:
        if finding.span is not None:
            assert 0 <= finding.span.start.offset <= finding.span.end.offset <= len(text)
    assert result.ok or result.errors


@settings(max_examples=150, deadline=None)
@given(st.lists(STATEMENT, min_size=1, max_size=4))
def test_reformatting_never_changes_the_model(statements: list[dict[str, object]]) -> None:
    """JSON whitespace is insignificant; spans ride along but never decide equality."""
    document = {"Version": "2012-10-17", "Statement": statements}
    compact = parse_policy(json.dumps(document, separators=(",", ":"))).policy
    spread = parse_policy(json.dumps(document, indent=3)).policy
    assert compact is not None and compact == spread
