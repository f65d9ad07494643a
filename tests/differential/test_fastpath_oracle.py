"""The decision-only fast path agrees with the explaining evaluator, and its regex translation
agrees with ArnPattern (AWS's per-segment Resource rule) on every input hypothesis finds.

Properties (tests/differential/README.md):
  for all policy sets P and requests r: FastDecider(P).decide(r) == decide_resource(P, r).decision
                                        FastDecider(P).explain(r) == decide_resource(P, r)
  (the same decider answers requests in several contexts, so its memo is exercised)
  for all patterns p and values v:      fullmatch(pattern_regex(p), v) == ArnPattern(p).matches(v)
"""

from __future__ import annotations

import json
import re

from hypothesis import given, settings
from hypothesis import strategies as st

from connect_iam.evaluator.decide import Caller, decide_resource
from connect_iam.evaluator.fastpath import FastDecider
from connect_iam.evaluator.simulator import policy_set_from_params
from connect_iam.model.arn import ArnPattern, pattern_regex
from connect_iam.model.context import RequestContext

FIELD_CHARS = st.sampled_from(list("ab:/*?-"))
PATTERN = st.lists(FIELD_CHARS, max_size=12).map("".join)
ARN_PATTERN = st.builds(
    lambda region, account, rest: f"arn:aws:connect:{region}:{account}:{rest}",
    st.sampled_from(["us-east-1", "*", "us-*", "?s-east-1", ""]),
    st.sampled_from(["111122223333", "*", "1111*", ""]),
    PATTERN,
)
VALUE = st.one_of(
    st.lists(st.sampled_from(list("ab:/-*")), max_size=12).map("".join),
    st.builds(
        lambda region, account, rest: f"arn:aws:connect:{region}:{account}:{rest}",
        st.sampled_from(["us-east-1", "eu-west-1", ""]),
        st.sampled_from(["111122223333", "999", ""]),
        st.lists(st.sampled_from(list("ab:/-")), max_size=10).map("".join),
    ),
)


@settings(max_examples=400, deadline=None)
@given(st.one_of(ARN_PATTERN, PATTERN), VALUE)
def test_regex_translation_agrees_with_arn_pattern(pattern: str, value: str) -> None:
    """IAM JSON policy elements: Resource - wildcards within ARN segments; both forms agree."""
    source = pattern_regex(pattern)
    if source is None:
        return
    assert (re.fullmatch(source, value, re.DOTALL) is not None) == ArnPattern(pattern).matches(
        value
    )


CALLERS = [
    Caller("arn:aws:iam::111122223333:user/alice"),
    Caller("arn:aws:iam::111122223333:user/alice", "999988887777"),  # cross-account
    Caller("arn:aws:iam::111122223333:role/r", "111122223333"),
]
ACTIONS = ["connect:DescribeUser", "connect:DeleteUser", "connect:UpdateUserHierarchy"]
ACTION_PATTERNS = st.sampled_from(["connect:*", "connect:Describe*", "connect:DeleteUser", "*"])
RESOURCES = [
    "arn:aws:connect:us-east-1:111122223333:instance/i-1/agent/u1",
    "arn:aws:connect:us-east-1:111122223333:instance/i-2/agent/u2",
    "arn:aws:connect:us-west-2:111122223333:instance/i-1/queue/q1",
    "*",
]
RESOURCE_PATTERNS = st.sampled_from(
    [
        "*",
        "arn:aws:connect:us-east-1:111122223333:instance/i-1/*",
        "arn:aws:connect:*:*:instance/*/agent/*",
        "arn:aws:connect:us-east-1:*",
        "arn:aws:connect:us-east-1:111122223333:instance/${aws:username}/*",
    ]
)
CONDITIONS = st.sampled_from(
    [
        None,
        {"StringEquals": {"connect:InstanceId": "i-1"}},
        {"StringNotEquals": {"connect:InstanceId": "i-1"}},
        {"Null": {"connect:InstanceId": "true"}},
    ]
)


@st.composite
def statements(draw: st.DrawFn) -> dict[str, object]:
    statement: dict[str, object] = {
        "Effect": draw(st.sampled_from(["Allow", "Allow", "Deny"])),
        draw(st.sampled_from(["Action", "Action", "NotAction"])): draw(
            st.lists(ACTION_PATTERNS, min_size=1, max_size=2)
        ),
        draw(st.sampled_from(["Resource", "Resource", "NotResource"])): draw(
            st.lists(RESOURCE_PATTERNS, min_size=1, max_size=2)
        ),
    }
    condition = draw(CONDITIONS)
    if condition:
        statement["Condition"] = condition
    return statement


def _policy(stmts: list[dict[str, object]]) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": stmts})


@settings(max_examples=150, deadline=None)
@given(
    identity=st.lists(st.lists(statements(), min_size=1, max_size=4), min_size=1, max_size=2),
    boundary=st.none() | st.lists(statements(), min_size=1, max_size=3),
    scp=st.none() | st.lists(statements(), min_size=1, max_size=2),
    context=st.sampled_from([[], ["i-1"], ["i-2"]]),
    username=st.sampled_from([[], ["i-1"]]),
)
def test_fast_path_agrees_with_explaining_evaluator(
    identity: list[list[dict[str, object]]],
    boundary: list[dict[str, object]] | None,
    scp: list[dict[str, object]] | None,
    context: list[str],
    username: list[str],
) -> None:
    """Policy evaluation logic: the decision-only path decides exactly as the full evaluator."""
    params: dict[str, object] = {"PolicyInputList": [_policy(p) for p in identity]}
    if boundary:
        params["PermissionsBoundaryPolicyInputList"] = [_policy(boundary)]
    if scp:
        params["OrderedOrganizationPolicyInputList"] = [
            {"ServiceControlPolicyInputList": [_policy(scp)]}
        ]
    policy_set = policy_set_from_params(params)
    fast = FastDecider(policy_set)
    # Contexts vary inside one decider, so a memo that wrongly ignored the context would show.
    for instance_ids in ([], ["i-1"], ["i-2"], context, ["i-1"], []):
        entries = []
        if instance_ids:
            entries.append(
                {
                    "ContextKeyName": "connect:InstanceId",
                    "ContextKeyValues": instance_ids,
                    "ContextKeyType": "string",
                }
            )
        if username:
            entries.append(
                {
                    "ContextKeyName": "aws:username",
                    "ContextKeyValues": username,
                    "ContextKeyType": "string",
                }
            )
        request_context = RequestContext.from_entries(entries)
        for action in ACTIONS:
            for resource in RESOURCES:
                reference = decide_resource(policy_set, action, resource, request_context, Caller())
                assert fast.decide(action, resource, request_context) is reference.decision
                assert fast.explain(action, resource, request_context) == reference
                for caller in CALLERS:
                    expected = decide_resource(
                        policy_set, action, resource, request_context, caller
                    )
                    decided = fast.decide(action, resource, request_context, caller)
                    assert decided is expected.decision
                    assert fast.explain(action, resource, request_context, caller) == expected
