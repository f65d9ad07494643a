"""The analyzer's automata agree with the evaluator's matchers, and deciding the resource and the
non-catalog actions by automaton gives the same verdicts as z3's string solver.

Rules: `ArnPattern` (iam-semantics §3.2) for Resource patterns; case-insensitive `WildcardPattern`
(§3.1) for Action patterns; the request universe of docs/analysis.md (`*` or an ARN with non-empty
partition and service, without U+E000/U+E001).
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from connect_iam.analyzer import encode, engine
from connect_iam.analyzer.automaton import Builder, explore, explore_actions
from connect_iam.analyzer.checks import check_no_new_access
from connect_iam.analyzer.engine import Analysis, Goal, Side, Verdict, solve
from connect_iam.model.arn import ArnPattern
from connect_iam.model.policy import PolicyType
from connect_iam.model.wildcard import WildcardPattern
from connect_iam.syntax.policy_parser import load_policy

# Small alphabets make collisions (and so interesting matches) likely.
field = st.text(alphabet="ab*?/", max_size=4)
arn_like = st.lists(field, min_size=1, max_size=7).map(lambda fs: "arn:" + ":".join(fs))
pattern = st.one_of(arn_like, st.text(alphabet="arnb:*?/", max_size=10))
value_field = st.text(alphabet="ab/*", max_size=3)
value = st.one_of(
    st.lists(value_field, min_size=1, max_size=8).map(lambda fs: "arn:" + ":".join(fs)),
    st.text(alphabet="arnb:/*\ue000", max_size=10),
)


def in_universe(text: str) -> bool:
    if any(c in text for c in "\ue000\ue001"):
        return False
    if text == "*":
        return True
    parts = text.split(":", 5)
    return len(parts) == 6 and parts[0] == "arn" and bool(parts[1]) and bool(parts[2])


@settings(max_examples=400, deadline=None)
@given(pattern, value)
def test_arn_automaton_is_arn_pattern(pattern: str, value: str) -> None:
    builder = Builder()
    assert builder.matches(builder.arn(pattern), value) == ArnPattern.compile(pattern).matches(
        value
    )


@settings(max_examples=200, deadline=None)
@given(value)
def test_universe_automaton(value: str) -> None:
    builder = Builder()
    assert builder.matches(builder.universe(), value) == in_universe(value)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(pattern, min_size=1, max_size=4, unique=True), st.lists(value, max_size=20))
def test_resource_space_is_exact(patterns: list[str], values: list[str]) -> None:
    """Every witness realizes its vector; every value of the universe realizes a listed one."""
    space = explore(patterns)
    compiled = [ArnPattern.compile(p) for p in patterns]
    for vector, witness in space.witnesses.items():
        assert in_universe(witness)
        assert tuple(p.matches(witness) for p in compiled) == vector
    for text in [*values, "*"]:
        if in_universe(text):
            assert tuple(p.matches(text) for p in compiled) in space.witnesses


action_pattern = st.text(alphabet="aBc:*?", min_size=1, max_size=8)
action_name = st.tuples(
    st.text(alphabet="abcAB*", min_size=1, max_size=4),
    st.text(alphabet="abcAB*?", min_size=1, max_size=4),
).map(":".join)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(action_pattern, min_size=1, max_size=4, unique=True),
    st.lists(action_name, max_size=20),
)
def test_action_space_is_exact(patterns: list[str], names: list[str]) -> None:
    folded = sorted({p.casefold() for p in patterns})
    space = explore_actions(folded)
    compiled = [WildcardPattern.compile(p, ignore_case=True) for p in folded]
    for vector, witness in space.witnesses.items():
        service, colon, name = witness.partition(":")
        assert colon and service and name and ":" not in name
        assert tuple(p.matches(witness) for p in compiled) == vector
    for text in names:
        assert tuple(p.matches(text) for p in compiled) in space.witnesses


# -- verdicts: automaton versus z3 strings ------------------------------------------------------

INSTANCE = "arn:aws:connect:us-west-2:111122223333:instance"
RESOURCES = ["*", f"{INSTANCE}/*", f"{INSTANCE}/*/agent/*", f"{INSTANCE}/i?/queue/*", "arn:aws:*"]
statement = st.builds(
    lambda effect, actions, resources, not_resource, condition: {
        "Effect": effect,
        "Action": actions,
        ("NotResource" if not_resource else "Resource"): resources,
        **({"Condition": condition} if condition else {}),
    },
    st.sampled_from(["Allow", "Allow", "Deny"]),
    st.lists(
        st.sampled_from(["connect:*", "connect:Describe*", "*", "x?:*"]),
        min_size=1,
        max_size=2,
        unique=True,
    ),
    st.lists(st.sampled_from(RESOURCES), min_size=1, max_size=2, unique=True),
    st.booleans(),
    st.sampled_from([{}, {"Bool": {"aws:SecureTransport": "true"}}]),
)
policy = st.lists(statement, min_size=1, max_size=3).map(
    lambda s: json.dumps({"Version": "2012-10-17", "Statement": s})
)


def verdict(new: str, old: str, *, automaton: bool) -> Verdict:
    documents = [
        load_policy(new, name="new", policy_type=PolicyType.IDENTITY),
        load_policy(old, name="old", policy_type=PolicyType.IDENTITY),
    ]
    analysis = Analysis(documents, resource_automaton=automaton)
    assert (analysis.encoder.space is not None) == automaton
    outcome = solve(analysis, Goal(Side((0,)), Side((1,))), max_examples=1, all_statements=False)
    return outcome.verdict


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(policy, policy)
def test_automaton_and_string_solver_agree(new: str, old: str) -> None:
    fast = verdict(new, old, automaton=True)
    assert fast is not Verdict.UNKNOWN
    assert fast == verdict(new, old, automaton=False)


def doc(*statements: dict[str, Any]) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


@pytest.mark.parametrize("budget", [1, 100_000])
def test_budget_fallback_keeps_answers(monkeypatch: pytest.MonkeyPatch, budget: int) -> None:
    """Past the automaton budgets the engine asks z3 (string resource, symbolic action)."""
    monkeypatch.setattr(encode, "AUTOMATON_BUDGET", budget)
    monkeypatch.setattr(engine, "AUTOMATON_BUDGET", budget)
    wide = doc({"Effect": "Allow", "Action": "*", "Resource": f"{INSTANCE}/*"})
    narrow = doc({"Effect": "Allow", "Action": "connect:*", "Resource": f"{INSTANCE}/*/agent/*"})
    failed = check_no_new_access(wide, narrow)
    assert failed["result"] == "FAIL"
    assert check_no_new_access(narrow, wide)["result"] == "PASS"
    actions = {example["action"].partition(":")[0].lower() for example in failed["examples"]}
    assert actions - {"connect"}  # a non-catalog or non-connect action is new access too


def test_diff_counts_services_matched_only_by_service_patterns() -> None:
    """A row's catalogActions counts every catalog action of the class, also in services that
    only `*` / `service:*` patterns name (their files are read for the count)."""
    from connect_iam.analyzer.diff import diff_policies
    from connect_iam.catalog import get_catalog

    old = doc({"Effect": "Allow", "Action": "connect:*", "Resource": "*"})
    new = doc({"Effect": "Allow", "Action": "*", "Resource": "*"})
    result = diff_policies([old], [new])
    assert result["result"] == "CHANGED" and not result["lost"]
    catalog = get_catalog()
    expected = sum(len(catalog.actions(p)) for p in catalog.service_prefixes() if p != "connect")
    counted = [row["catalogActions"] for row in result["gained"] if row["catalogActions"]]
    assert counted == [expected]
