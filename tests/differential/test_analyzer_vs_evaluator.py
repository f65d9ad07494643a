"""Differential property: analyzer versus evaluator on random Connect-shaped policy pairs.

For every pair, CheckNoNewAccess(new, old) must be consistent with the simulator: every FAIL
example is allowed by new and not by old (simulate_custom_policy), and for every PASS no request
sampled from both policies' vocabularies (actions, resources, context values; up to 400 requests
per pair) is allowed by new and not by old. Hypothesis runs 25 pairs (`max_examples=25`), keeping
the test well under a minute. Rule: iam-semantics §7.3 ("no new access") over §1.3 evaluation.
"""

from __future__ import annotations

import itertools
import json
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from connect_iam import check_no_new_access, simulate_custom_policy

ACTIONS = [
    "connect:*",
    "connect:Describe*",
    "connect:DescribeUser",
    "connect:Update*",
    "profile:*",
    "app-integrations:Get*",
    "*",
]
CONCRETE = [
    "connect:DescribeUser",
    "connect:DescribeQueue",
    "connect:UpdateUserHierarchy",
    "profile:SearchProfiles",
    "app-integrations:GetEventIntegration",
    "iam:GetUser",
]
INSTANCE = "arn:aws:connect:us-west-2:111122223333:instance"
RESOURCES = [
    "*",
    f"{INSTANCE}/*",
    f"{INSTANCE}/*/agent/*",
    f"{INSTANCE}/i1/queue/*",
    f"{INSTANCE}/i?/agent/u1",
]
CONCRETE_RESOURCES = [
    "*",
    f"{INSTANCE}/i1",
    f"{INSTANCE}/i1/agent/u1",
    f"{INSTANCE}/i2/agent/u1",
    f"{INSTANCE}/i1/queue/q",
    f"{INSTANCE}/i10/agent/u1",
]
CONDITIONS: list[dict[str, Any]] = [
    {},
    {"StringEquals": {"connect:InstanceId": "i1"}},
    {"StringNotEquals": {"connect:InstanceId": "i1"}},
    {"Bool": {"aws:SecureTransport": "true"}},
]
CONTEXTS: list[list[dict[str, Any]]] = [
    [],
    [
        {
            "ContextKeyName": "connect:InstanceId",
            "ContextKeyValues": ["i1"],
            "ContextKeyType": "string",
        }
    ],
    [
        {
            "ContextKeyName": "connect:InstanceId",
            "ContextKeyValues": ["i2"],
            "ContextKeyType": "string",
        }
    ],
    [
        {
            "ContextKeyName": "aws:SecureTransport",
            "ContextKeyValues": ["true"],
            "ContextKeyType": "boolean",
        }
    ],
]

statement = st.builds(
    lambda effect, actions, resources, condition: {
        "Effect": effect,
        "Action": actions,
        "Resource": resources,
        **({"Condition": condition} if condition else {}),
    },
    st.sampled_from(["Allow", "Allow", "Deny"]),
    st.lists(st.sampled_from(ACTIONS), min_size=1, max_size=2, unique=True),
    st.lists(st.sampled_from(RESOURCES), min_size=1, max_size=2, unique=True),
    st.sampled_from(CONDITIONS),
)
policy = st.lists(statement, min_size=1, max_size=3).map(
    lambda s: json.dumps({"Version": "2012-10-17", "Statement": s})
)


def allowed(document: str, action: str, resource: str, context: list[dict[str, Any]]) -> bool:
    response = simulate_custom_policy(
        PolicyInputList=[document],
        ActionNames=[action],
        ResourceArns=[resource],
        ContextEntries=context,
    )
    return bool(response["EvaluationResults"][0]["EvalDecision"] == "allowed")


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(policy, policy)
def test_no_new_access_agrees_with_evaluator(new: str, old: str) -> None:
    result = check_no_new_access(new, old)
    assert result["result"] in ("PASS", "FAIL"), result
    if result["result"] == "FAIL":
        for example in result["examples"]:
            args = (example["action"], example["resource"], example["contextEntries"])
            assert allowed(new, *args) and not allowed(old, *args)
        return
    for action, resource, context in itertools.islice(
        itertools.product(CONCRETE, CONCRETE_RESOURCES, CONTEXTS), 400
    ):
        assert not (
            allowed(new, action, resource, context) and not allowed(old, action, resource, context)
        )
