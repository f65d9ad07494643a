"""The statement index never changes an answer: `prepare(..., indexed=True)` against the unindexed
oracle `prepare(..., indexed=False)`.

Property (README.md): for all policy sets P (identity, boundary, session, SCP levels) and requests
(a, r, c): decide_resource(prepare(P, indexed=True), a, r, c) and decide_resource(prepare(P,
indexed=False), a, r, c) give the same decision, the same matched and deciding statements in the
same order, and the same missing context keys. Action names are case-insensitive (IAM User Guide:
Action element), so requests vary the case the index keys on; patterns put wildcards in the
service part and use NotAction, the two shapes the index files under "every service".
"""

from __future__ import annotations

import json
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from connect_iam.evaluator.decide import Caller, decide_resource
from connect_iam.evaluator.prepare import PolicyInput, PreparedPolicySet, prepare
from connect_iam.model.context import RequestContext
from connect_iam.model.decision import ResourceResult
from connect_iam.model.policy import PolicyType
from connect_iam.syntax.policy_parser import load_policy

ACTIONS = (
    "connect:DescribeQueue",
    "connect:ListQueues",
    "connect:DeleteUser",
    "profile:SearchProfiles",
    "app-integrations:GetEventIntegration",
    "s3:GetObject",
)
ACTION_PATTERNS = (
    *ACTIONS,
    "connect:*",
    "connect:Describe*",
    "*:Describe*",
    "conn*:List*",
    "?3:GetObject",
    "*",
    "PROFILE:search*",
    "app-integrations:Get?ventIntegration",
)
RESOURCES = (
    "arn:aws:connect:us-east-1:111122223333:instance/i-1/queue/q1",
    "arn:aws:connect:us-east-1:111122223333:instance/i-2/agent/u1",
    "arn:aws:profile:us-west-2:111122223333:domains/retail",
    "arn:aws:s3:::bucket/key",
    "*",
)
RESOURCE_PATTERNS = (
    *RESOURCES[:-1],
    "*",
    "arn:aws:connect:*:111122223333:instance/i-1/*",
    "arn:aws:*:*:111122223333:*",
    "arn:aws:profile:us-west-2:111122223333:domains/${aws:username}",
)
CONDITIONS = (
    {"StringEquals": {"connect:InstanceId": "i-1"}},
    {"StringNotEquals": {"aws:ResourceTag/team": ["billing", "sales"]}},
    {"Bool": {"aws:ViaAWSService": "false"}},
    {"IpAddress": {"aws:SourceIp": "203.0.113.0/24"}},
)


@st.composite
def statements(draw: st.DrawFn) -> dict[str, Any]:
    statement: dict[str, Any] = {"Effect": draw(st.sampled_from(("Allow", "Deny")))}
    actions = draw(st.lists(st.sampled_from(ACTION_PATTERNS), min_size=1, max_size=3))
    statement["NotAction" if draw(st.integers(0, 4)) == 0 else "Action"] = actions
    resources = draw(st.lists(st.sampled_from(RESOURCE_PATTERNS), min_size=1, max_size=2))
    statement["NotResource" if draw(st.integers(0, 6)) == 0 else "Resource"] = resources
    if draw(st.integers(0, 2)) == 0:
        statement["Condition"] = draw(st.sampled_from(CONDITIONS))
    return statement


POLICIES = st.builds(
    lambda s: json.dumps({"Version": "2012-10-17", "Statement": s}),
    st.lists(statements(), min_size=1, max_size=5),
)


@st.composite
def policy_sets(draw: st.DrawFn) -> dict[str, Any]:
    return {
        "identity": draw(st.lists(POLICIES, min_size=0, max_size=3)),
        "boundary": draw(st.none() | POLICIES),
        "session": draw(st.none() | st.lists(POLICIES, min_size=1, max_size=2)),
        "scps": draw(st.lists(st.lists(POLICIES, min_size=1, max_size=2), max_size=2)),
    }


def _inputs(texts: list[str], prefix: str, policy_type: PolicyType) -> list[PolicyInput]:
    return [
        PolicyInput(load_policy(t, name=f"{prefix}.{i}", policy_type=policy_type), f"{prefix}.{i}")
        for i, t in enumerate(texts, 1)
    ]


def build(spec: dict[str, Any], indexed: bool) -> PreparedPolicySet:
    boundary = spec["boundary"]
    session = spec["session"]
    return prepare(
        _inputs(spec["identity"], "PolicyInputList", PolicyType.IDENTITY),
        boundary=_inputs([boundary], "Boundary", PolicyType.BOUNDARY)[0] if boundary else None,
        session=None if session is None else _inputs(session, "Session", PolicyType.SESSION),
        scp_levels=[
            _inputs(level, f"SCP{n}", PolicyType.SCP) for n, level in enumerate(spec["scps"], 1)
        ],
        indexed=indexed,
    )


def _shape(result: ResourceResult) -> tuple[Any, ...]:
    def ids(matched: Any) -> list[tuple[str, int]]:
        return [(m.policy_id, m.statement.index) for m in matched]

    return (
        result.decision,
        ids(result.matched),
        ids(result.deciding),
        result.missing_context,
        result.allowed_by_boundary,
        result.allowed_by_organizations,
        result.reason,
    )


@st.composite
def cased(draw: st.DrawFn, action: str) -> str:
    style = draw(st.sampled_from(("as-is", "lower", "upper", "swap")))
    return {"lower": action.lower(), "upper": action.upper(), "swap": action.swapcase()}.get(
        style, action
    )


CONTEXT = st.lists(
    st.sampled_from(
        (
            {
                "ContextKeyName": "connect:InstanceId",
                "ContextKeyValues": ["i-1"],
                "ContextKeyType": "string",
            },
            {
                "ContextKeyName": "aws:ResourceTag/team",
                "ContextKeyValues": ["billing"],
                "ContextKeyType": "string",
            },
            {
                "ContextKeyName": "aws:ViaAWSService",
                "ContextKeyValues": ["false"],
                "ContextKeyType": "boolean",
            },
            {
                "ContextKeyName": "aws:SourceIp",
                "ContextKeyValues": ["203.0.113.9"],
                "ContextKeyType": "ip",
            },
            {
                "ContextKeyName": "aws:username",
                "ContextKeyValues": ["retail"],
                "ContextKeyType": "string",
            },
        )
    ),
    unique_by=lambda e: e["ContextKeyName"],
    max_size=5,
)


@given(
    spec=policy_sets(),
    requests=st.lists(
        st.tuples(st.sampled_from(ACTIONS).flatmap(cased), st.sampled_from(RESOURCES), CONTEXT),
        min_size=1,
        max_size=6,
    ),
)
@settings(max_examples=300, deadline=None)
def test_indexed_and_unindexed_evaluators_agree(
    spec: dict[str, Any], requests: list[tuple[str, str, list[dict[str, Any]]]]
) -> None:
    """Several requests per set, so the per-action cache of the indexed side is exercised too."""
    indexed, oracle = build(spec, True), build(spec, False)
    caller = Caller("arn:aws:iam::111122223333:user/alice", None)
    for action, resource, entries in requests:
        context = RequestContext.from_entries(entries)
        fast = decide_resource(indexed, action, resource, context, caller)
        slow = decide_resource(oracle, action, resource, context, caller)
        assert _shape(fast) == _shape(slow), (action, resource)
