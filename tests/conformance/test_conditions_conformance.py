"""Table-driven conformance for condition operators (cases in conditions.yaml, iam-semantics §5)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from connect_iam.evaluator.conditions import condition_matches
from connect_iam.model.context import ContextEntry, ContextKeyType, RequestContext
from connect_iam.model.operators import BaseOperator, SetQualifier, parse_operator

CASES_PATH = Path(__file__).with_name("conditions.yaml")


def load_cases() -> list[dict[str, Any]]:
    with CASES_PATH.open(encoding="utf-8") as handle:
        cases = yaml.safe_load(handle)
    assert isinstance(cases, list)
    return cases


CASES = load_cases()


def entry_for(context: dict[str, Any] | None) -> ContextEntry | None:
    """Build the entry through the validating API path, as a simulator request would."""
    if context is None:
        return None
    request = RequestContext.from_entries(
        [
            {
                "ContextKeyName": "test:Key",
                "ContextKeyValues": list(context["values"]),
                "ContextKeyType": context["type"],
            }
        ]
    )
    return request.get("TEST:key")


@pytest.mark.parametrize("case", CASES, ids=[f"{i:03d}" for i in range(len(CASES))])
def test_condition_case(case: dict[str, Any]) -> None:
    """Each case states its IAM User Guide rule in `rule`; the engine must agree with it."""
    operator = parse_operator(case["operator"])
    assert operator is not None, case["operator"]
    values = tuple(str(value) for value in case["policy_values"])
    result = condition_matches(operator, values, entry_for(case["context"]))
    assert result is case["expected"], case["rule"]


def test_cases_are_well_formed_and_cover_every_operator() -> None:
    """Coverage promise: 60+ cases, every operator, IfExists, both qualifiers, missing keys."""
    assert len(CASES) >= 60
    seen = set()
    for case in CASES:
        assert set(case) == {"rule", "operator", "policy_values", "context", "expected"}
        assert isinstance(case["rule"], str) and case["rule"]
        assert isinstance(case["expected"], bool)
        if case["context"] is not None:
            ContextKeyType(case["context"]["type"])
        operator = parse_operator(case["operator"])
        assert operator is not None
        seen.add(operator)
    assert {operator.base for operator in seen} == set(BaseOperator)
    assert any(operator.if_exists for operator in seen)
    assert {operator.qualifier for operator in seen} == set(SetQualifier)
    assert any(case["context"] is None for case in CASES)
