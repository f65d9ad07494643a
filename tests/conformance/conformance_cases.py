"""Load evaluation.yaml into SimulateCustomPolicy parameters and check responses against a case.

Shared by the API and CLI conformance tests, so the same data runs through every interface.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import yaml

CASES_FILE = Path(__file__).with_name("evaluation.yaml")


def load_cases() -> list[dict[str, Any]]:
    cases: list[dict[str, Any]] = yaml.safe_load(CASES_FILE.read_text())
    return cases


def _policy_text(policy: Any) -> str:
    document = (
        policy if isinstance(policy, dict) else {"Version": "2012-10-17", "Statement": policy}
    )
    return json.dumps(document, indent=2)


def to_params(case: dict[str, Any]) -> dict[str, Any]:
    params: dict[str, Any] = {
        "PolicyInputList": [_policy_text(p) for p in case.get("identity", [])],
        "ActionNames": [case["action"]],
    }
    if "resources" in case:
        params["ResourceArns"] = case["resources"]
    if "boundary" in case:
        params["PermissionsBoundaryPolicyInputList"] = [_policy_text(case["boundary"])]
    if "resource_policy" in case:
        params["ResourcePolicy"] = _policy_text(case["resource_policy"])
    if "scps" in case:
        params["OrderedOrganizationPolicyInputList"] = [
            {"ServiceControlPolicyInputList": [_policy_text(p) for p in level]}
            for level in case["scps"]
        ]
    if "session" in case:
        params["SessionPolicyInputList"] = [_policy_text(p) for p in case["session"]]
    if "context" in case:
        params["ContextEntries"] = case["context"]
    if "caller_arn" in case:
        params["CallerArn"] = case["caller_arn"]
    if "resource_owner" in case:
        params["ResourceOwner"] = case["resource_owner"]
    return params


def check_response(case: dict[str, Any], response: dict[str, Any]) -> None:
    [result] = response["EvaluationResults"]
    assert result["EvalDecision"] == case["expect"], case["rule"]
    if "expect_matched" in case:
        matched = [
            f"{m['SourcePolicyId']}#{_statement_index(case, m)}"
            for m in result["MatchedStatements"]
        ]
        assert matched == case["expect_matched"], case["rule"]
    if "expect_missing" in case:
        missing = list(result["MissingContextValues"])
        for resource in result.get("ResourceSpecificResults", []):
            missing.extend(resource["MissingContextValues"])
        assert sorted(set(missing)) == sorted(case["expect_missing"]), case["rule"]
    if "expect_resources" in case:
        per_resource = {
            r["EvalResourceName"]: r["EvalResourceDecision"]
            for r in result["ResourceSpecificResults"]
        }
        assert per_resource == case["expect_resources"], case["rule"]
    if "expect_boundary" in case:
        detail = result["PermissionsBoundaryDecisionDetail"]
        assert detail["AllowedByPermissionsBoundary"] is case["expect_boundary"], case["rule"]
    if "expect_orgs" in case:
        detail = result["OrganizationsDecisionDetail"]
        assert detail["AllowedByOrganizations"] is case["expect_orgs"], case["rule"]
    if "expect_details" in case:
        assert result["EvalDecisionDetails"] == case["expect_details"], case["rule"]


def _statement_index(case: dict[str, Any], matched: dict[str, Any]) -> int:
    """Which statement a StartPosition points at: re-find it in the policy text we sent."""
    params = to_params(case)
    policy_id = matched["SourcePolicyId"]
    if policy_id.startswith("PolicyInputList."):
        text = params["PolicyInputList"][int(policy_id.split(".")[1]) - 1]
    elif policy_id == "ResourcePolicy":
        text = params["ResourcePolicy"]
    else:
        raise AssertionError(f"unexpected policy id {policy_id}")
    line = matched["StartPosition"]["Line"]
    document = json.loads(text)
    statements = document["Statement"]
    starts = _statement_start_lines(text, len(statements))
    return starts.index(line)


def _statement_start_lines(text: str, count: int) -> list[int]:
    """Line of each statement's `{` in json.dumps(indent=2) output: one per array element."""
    lines = text.splitlines()
    starts = [i + 1 for i, line in enumerate(lines) if line == "    {"]
    assert len(starts) == count
    return starts
