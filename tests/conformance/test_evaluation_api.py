"""Evaluation conformance through the Python API (evaluation.yaml; each case cites its rule)."""

from __future__ import annotations

from typing import Any

import pytest
from conformance_cases import check_response, load_cases, to_params

from connect_iam import simulate_custom_policy

CASES = load_cases()


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_case_through_python_api(case: dict[str, Any]) -> None:
    """Each case's `rule` names the IAM User Guide section whose behaviour it pins."""
    check_response(case, simulate_custom_policy(**to_params(case)))
