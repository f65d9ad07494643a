"""connect-iam against principalmapper's local policy simulation, where their features overlap.

Property (README.md in this directory): for every Connect-shaped identity policy set P, optional
permissions boundary B, and request (action a, resource r, context c) drawn from the generators
below, `allowed_connect_iam(P, B, a, r, c) == local_check_authorization(node(P, B), a, r, c)`, and
connect-iam's explicit deny coincides with principalmapper finding a matching Deny statement.

The generators stay inside the overlap: no policy variables, no `StringNotLike`, lower-case ARNs,
ARN text without regular-expression metacharacters, six-field ARN patterns, context keys that
principalmapper does not infer on its own. Each exclusion is a known divergence, pinned by a
`test_divergence_*` test below and explained (with the AWS rule that says who is right) in the
README.

principalmapper is AGPL-3.0 and test-only; the test skips when it is not installed.
"""

from __future__ import annotations

import json
import warnings
from typing import Any

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from connect_iam.evaluator.decide import Caller, decide_resource
from connect_iam.evaluator.prepare import PolicyInput, prepare
from connect_iam.model.context import RequestContext
from connect_iam.model.decision import EvalDecision
from connect_iam.model.policy import PolicyType
from connect_iam.syntax.policy_parser import load_policy


def _import_principalmapper() -> Any:
    """principalmapper 1.1 still uses `collections.Mapping` (gone since Python 3.10)."""
    import collections
    import collections.abc

    for name in ("Mapping", "MutableMapping", "Sequence", "Iterable", "Callable", "MutableSet"):
        if not hasattr(collections, name):
            setattr(collections, name, getattr(collections.abc, name))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return pytest.importorskip("principalmapper.querying.query_interface")


query_interface = _import_principalmapper()
from principalmapper.common import Node, Policy  # noqa: E402
from principalmapper.querying import local_policy_simulation as lps  # noqa: E402

ACCOUNT = "123456789012"
USER = f"arn:aws:iam::{ACCOUNT}:user/alice"
CALLER = Caller(USER, None)

# -- generators ------------------------------------------------------------------------------------

ACTIONS = (
    "connect:DescribeQueue",
    "connect:ListQueues",
    "connect:CreateUser",
    "connect:DeleteUser",
    "connect:UpdateUserHierarchy",
    "connect:StartContactRecording",
    "app-integrations:GetEventIntegration",
    "profile:SearchProfiles",
)
ACTION_PATTERNS = (
    *ACTIONS,
    "connect:*",
    "connect:Describe*",
    "connect:*User*",
    "connect:?eleteUser",
    "profile:*Profiles",
    "app-integrations:Get*",
    "*",
    "CONNECT:describequeue",  # action names are case-insensitive (ACTION)
)
INSTANCES = ("i-1111", "i-2222")
REGIONS = ("us-east-1", "us-west-2")


@st.composite
def resource_arns(draw: st.DrawFn) -> str:
    service = draw(st.sampled_from(("connect", "app-integrations", "profile")))
    region = draw(st.sampled_from(REGIONS))
    if service == "connect":
        instance = draw(st.sampled_from(INSTANCES))
        kind = draw(st.sampled_from(("queue", "agent", "contact", "security-profile")))
        name = draw(st.sampled_from(("q1", "q2", "a.b", "x-9")))
        tail = f"instance/{instance}/{kind}/{name}"
    elif service == "app-integrations":
        tail = "event-integration/" + draw(st.sampled_from(("MyNamePrefix-1", "Name", "other")))
    else:
        tail = "domains/" + draw(st.sampled_from(("domainname", "retail")))
    return f"arn:aws:{service}:{region}:{ACCOUNT}:{tail}"


def _wildcard(draw: st.DrawFn, text: str) -> str:
    """Maybe replace a piece of `text` by `*`, or one character by `?`."""
    roll = draw(st.integers(0, 3))
    if roll == 0 or not text:
        return text
    start = draw(st.integers(0, len(text) - 1))
    if roll == 1:
        return text[:start] + "?" + text[start + 1 :]
    end = draw(st.integers(start, len(text)))
    return text[:start] + "*" + text[end:]


@st.composite
def resource_patterns(draw: st.DrawFn) -> str:
    if draw(st.integers(0, 2)) == 0:
        return "*"
    arn = draw(resource_arns())
    fields = arn.split(":", 5)
    index = draw(st.sampled_from((3, 4, 5, 5, 5)))
    fields[index] = _wildcard(draw, fields[index])
    return ":".join(fields)


# (operator, key, values strategy, context type)
STRING_KEYS = ("aws:ResourceTag/team", "connect:InstanceId")
TEAMS = ("billing", "support", "Billing", "sales")
NUMBERS = ("0", "3", "10", "20", "1.5")
IPS = ("203.0.113.7", "198.51.100.23", "10.1.2.3")
CIDRS = ("203.0.113.0/24", "10.0.0.0/8", "198.51.100.23/32")


@st.composite
def conditions(draw: st.DrawFn) -> dict[str, dict[str, Any]]:
    block: dict[str, dict[str, Any]] = {}
    for _ in range(draw(st.integers(1, 2))):
        family = draw(st.sampled_from(("string", "like", "bool", "numeric", "ip")))
        if family == "string":
            operator = draw(
                st.sampled_from(
                    (
                        "StringEquals",
                        "StringNotEquals",
                        "StringEqualsIgnoreCase",
                        "StringNotEqualsIgnoreCase",
                        "StringEqualsIfExists",
                    )
                )
            )
            key = draw(st.sampled_from(STRING_KEYS))
            pool = TEAMS if "team" in key else INSTANCES
        elif family == "like":
            operator = draw(st.sampled_from(("StringLike", "StringLikeIfExists")))
            key = draw(st.sampled_from(STRING_KEYS))
            pool = ("bill*", "*port", "s?les", "i-*", "*")
        elif family == "bool":
            operator, key, pool = "Bool", "aws:ViaAWSService", ("true", "false")
        elif family == "numeric":
            operator = draw(
                st.sampled_from(
                    (
                        "NumericEquals",
                        "NumericNotEquals",
                        "NumericLessThan",
                        "NumericLessThanEquals",
                        "NumericGreaterThan",
                        "NumericGreaterThanEquals",
                    )
                )
            )
            key, pool = "aws:MultiFactorAuthAge", NUMBERS
        else:
            operator = draw(st.sampled_from(("IpAddress", "NotIpAddress")))
            key, pool = "aws:SourceIp", CIDRS
        values = draw(st.lists(st.sampled_from(pool), min_size=1, max_size=2, unique=True))
        if operator == "Bool":
            values = values[:1]
        block.setdefault(operator, {})[key] = values if len(values) > 1 else values[0]
    return block


@st.composite
def statements(draw: st.DrawFn) -> dict[str, Any]:
    statement: dict[str, Any] = {"Effect": draw(st.sampled_from(("Allow", "Allow", "Deny")))}
    actions = draw(st.lists(st.sampled_from(ACTION_PATTERNS), min_size=1, max_size=3))
    statement["NotAction" if draw(st.integers(0, 5)) == 0 else "Action"] = actions
    resources = draw(st.lists(resource_patterns(), min_size=1, max_size=2))
    statement["NotResource" if draw(st.integers(0, 6)) == 0 else "Resource"] = resources
    if draw(st.integers(0, 2)) == 0:
        statement["Condition"] = draw(conditions())
    return statement


def policies(max_statements: int = 4) -> st.SearchStrategy[dict[str, Any]]:
    return st.builds(
        lambda s: {"Version": "2012-10-17", "Statement": s},
        st.lists(statements(), min_size=1, max_size=max_statements),
    )


@st.composite
def contexts(draw: st.DrawFn) -> dict[str, tuple[str, str]]:
    """key -> (value, ContextKeyType); every key optional."""
    out: dict[str, tuple[str, str]] = {}
    if draw(st.booleans()):
        out["aws:ResourceTag/team"] = (draw(st.sampled_from(TEAMS)), "string")
    if draw(st.booleans()):
        out["connect:InstanceId"] = (draw(st.sampled_from(INSTANCES)), "string")
    if draw(st.booleans()):
        out["aws:ViaAWSService"] = (draw(st.sampled_from(("true", "false"))), "boolean")
    if draw(st.booleans()):
        out["aws:MultiFactorAuthAge"] = (draw(st.sampled_from(NUMBERS)), "numeric")
    if draw(st.booleans()):
        out["aws:SourceIp"] = (draw(st.sampled_from(IPS)), "ip")
    return out


# -- the two engines -------------------------------------------------------------------------------


def connect_iam_decision(
    identity: list[dict[str, Any]],
    boundary: dict[str, Any] | None,
    action: str,
    resource: str,
    context: dict[str, tuple[str, str]],
) -> EvalDecision:
    inputs = [
        PolicyInput(load_policy(json.dumps(p), name=f"p{i}"), f"p{i}")
        for i, p in enumerate(identity)
    ]
    limit = None
    if boundary is not None:
        document = load_policy(json.dumps(boundary), policy_type=PolicyType.BOUNDARY)
        limit = PolicyInput(document, "boundary")
    entries = [
        {"ContextKeyName": k, "ContextKeyValues": [v], "ContextKeyType": t}
        for k, (v, t) in context.items()
    ]
    policy_set = prepare(inputs, boundary=limit)
    return decide_resource(
        policy_set, action, resource, RequestContext.from_entries(entries), CALLER
    ).decision


def principalmapper_node(identity: list[dict[str, Any]], boundary: dict[str, Any] | None) -> Any:
    attached = [
        Policy(f"arn:aws:iam::{ACCOUNT}:policy/p{i}", f"p{i}", p) for i, p in enumerate(identity)
    ]
    limit = None
    if boundary is not None:
        limit = Policy(f"arn:aws:iam::{ACCOUNT}:policy/boundary", "boundary", boundary)
    return Node(USER, "AIDAEXAMPLE", attached, [], None, None, 0, False, False, limit, False, {})


def principalmapper_decision(
    identity: list[dict[str, Any]],
    boundary: dict[str, Any] | None,
    action: str,
    resource: str,
    context: dict[str, tuple[str, str]],
) -> EvalDecision:
    """Three-valued, from principalmapper's own pieces: its Deny search, then its allow check."""
    node = principalmapper_node(identity, boundary)
    plain = {k: v for k, (v, _) in context.items()}
    keys = query_interface._prepare_condition_context(dict(plain))
    keys.update(query_interface._infer_condition_keys(node, keys))
    denied = lps.has_matching_statement(node, "Deny", action, resource, keys) or (
        boundary is not None
        and lps.policy_has_matching_statement(boundary, "Deny", action, resource, keys)
    )
    if denied:
        return EvalDecision.EXPLICIT_DENY
    if query_interface.local_check_authorization(node, action, resource, plain):
        return EvalDecision.ALLOWED
    return EvalDecision.IMPLICIT_DENY


# -- the property ----------------------------------------------------------------------------------


@given(
    identity=st.lists(policies(), min_size=1, max_size=3),
    boundary=st.none() | policies(2),
    action=st.sampled_from(ACTIONS),
    resource=resource_arns(),
    context=contexts(),
)
@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_connect_iam_agrees_with_principalmapper(
    identity: list[dict[str, Any]],
    boundary: dict[str, Any] | None,
    action: str,
    resource: str,
    context: dict[str, tuple[str, str]],
) -> None:
    """IAM User Guide, policy evaluation logic: explicit deny > allow > implicit deny; identity
    policies and the boundary intersect."""
    ours = connect_iam_decision(identity, boundary, action, resource, context)
    theirs = principalmapper_decision(identity, boundary, action, resource, context)
    event(f"decision: {ours.value}")
    assert ours == theirs


# -- known divergences, pinned (README.md explains each, with the AWS rule) ------------------------


def _both(statement: dict[str, Any], action: str, resource: str, context: Any = None) -> Any:
    policy = {"Version": "2012-10-17", "Statement": [statement]}
    ctx = context or {}
    return (
        connect_iam_decision([policy], None, action, resource, ctx),
        principalmapper_decision([policy], None, action, resource, ctx),
    )


QUEUE = f"arn:aws:connect:us-east-1:{ACCOUNT}:instance/i-1111/queue/q1"


def test_divergence_resource_case() -> None:
    """RESOURCE: ARN matching is case-sensitive; principalmapper matches ignoring case."""
    upper = QUEUE.replace("queue/q1", "QUEUE/Q1")
    statement = {"Effect": "Allow", "Action": "connect:DescribeQueue", "Resource": upper}
    ours, theirs = _both(statement, "connect:DescribeQueue", QUEUE)
    assert (ours, theirs) == (EvalDecision.IMPLICIT_DENY, EvalDecision.ALLOWED)


def test_divergence_string_not_like_missing_key() -> None:
    """CONDOPS missing-key rule: a negated operator with the key absent is true; principalmapper
    returns false for StringNotLike."""
    statement = {
        "Effect": "Deny",
        "Action": "connect:DescribeQueue",
        "Resource": "*",
        "Condition": {"StringNotLike": {"aws:ResourceTag/team": "bill*"}},
    }
    ours, theirs = _both(statement, "connect:DescribeQueue", QUEUE)
    assert (ours, theirs) == (EvalDecision.EXPLICIT_DENY, EvalDecision.IMPLICIT_DENY)


def test_divergence_star_crosses_arn_segments() -> None:
    """RESOURCE: `*` matches within one ARN segment unless it ends the segment; principalmapper's
    `*` is `.*` over the whole ARN."""
    statement = {
        "Effect": "Allow",
        "Action": "connect:DescribeQueue",
        "Resource": f"arn:aws:connect:*east-1:{ACCOUNT}:instance/i-1111/queue/q1",
    }
    odd = f"arn:aws:connect:us:x-east-1:{ACCOUNT}:instance/i-1111/queue/q1"
    ours, theirs = _both(statement, "connect:DescribeQueue", odd)
    assert (ours, theirs) == (EvalDecision.IMPLICIT_DENY, EvalDecision.ALLOWED)


def test_divergence_regex_metacharacters_in_resource() -> None:
    """RESOURCE: only `*` and `?` are wildcards; principalmapper pastes `+` (and `(`, `[`, `|`)
    into a regular expression."""
    arn = f"arn:aws:profile:us-east-1:{ACCOUNT}:domains/a+b"
    statement = {"Effect": "Allow", "Action": "profile:SearchProfiles", "Resource": arn}
    ours, theirs = _both(statement, "profile:SearchProfiles", arn)
    assert (ours, theirs) == (EvalDecision.ALLOWED, EvalDecision.IMPLICIT_DENY)


def test_divergence_policy_variable_without_value() -> None:
    """VARS: an unresolvable variable makes the statement not apply (our documented reading);
    principalmapper keeps `${...}` as literal text, which here matches the ARN that spells it."""
    arn = f"arn:aws:profile:us-east-1:{ACCOUNT}:domains/${{aws:username}}"
    statement = {"Effect": "Allow", "Action": "profile:SearchProfiles", "Resource": arn}
    policy = {"Version": "2012-10-17", "Statement": [statement]}
    ours = connect_iam_decision([policy], None, "profile:SearchProfiles", arn, {})
    # principalmapper infers aws:username from the node (alice) and substitutes it.
    theirs = principalmapper_decision([policy], None, "profile:SearchProfiles", arn, {})
    assert (ours, theirs) == (EvalDecision.IMPLICIT_DENY, EvalDecision.IMPLICIT_DENY)
    alice = arn.replace("${aws:username}", "alice")
    assert principalmapper_decision([policy], None, "profile:SearchProfiles", alice, {}) == (
        EvalDecision.ALLOWED
    )
    assert connect_iam_decision([policy], None, "profile:SearchProfiles", alice, {}) == (
        EvalDecision.IMPLICIT_DENY
    )


def test_divergence_inferred_context_keys() -> None:
    """The simulator uses only the ContextEntries given (IAM API: SimulateCustomPolicy);
    principalmapper infers aws:SecureTransport=true, aws:username, aws:CurrentTime, ..."""
    statement = {
        "Effect": "Allow",
        "Action": "connect:DescribeQueue",
        "Resource": "*",
        "Condition": {"Bool": {"aws:SecureTransport": "true"}},
    }
    ours, theirs = _both(statement, "connect:DescribeQueue", QUEUE)
    assert (ours, theirs) == (EvalDecision.IMPLICIT_DENY, EvalDecision.ALLOWED)
