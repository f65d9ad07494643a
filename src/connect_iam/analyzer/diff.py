"""`diff OLD NEW`: the access gained and the access lost, one row per action class.

Gained = requests NEW allows and OLD does not (CheckNoNewAccess(new, old)); lost = the reverse.
Each row names the class (example actions and how many catalog actions share the verdict), the
Resource patterns and Conditions of the statements that grant the example, and one example request
confirmed by the evaluator.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from connect_iam.catalog import get_catalog
from connect_iam.model.policy import PolicyDocument, PolicyType, Statement

MAX_ROWS = 200


def _statement_summary(statement: Statement) -> tuple[list[str], list[str]]:
    if statement.resources is None:
        resources = ["(no Resource element)"]
    else:
        resources = [r.text for r in statement.resources]
        if statement.not_resource:
            resources = [f"NotResource {r}" for r in resources]
    conditions = [f"{c.operator_text} {c.key} {list(c.values)}" for c in statement.conditions]
    return resources, conditions


def _rows(outcome: Any, documents: Sequence[PolicyDocument], offset: int) -> list[dict[str, Any]]:
    rows = []
    for example in outcome.examples:
        action_class = example.action_class
        resources: list[str] = []
        conditions: list[str] = []
        statements = []
        for policy_number, index in example.statements:
            statement = next(s for s in documents[policy_number].statements if s.index == index)
            found_resources, found_conditions = _statement_summary(statement)
            resources += [r for r in found_resources if r not in resources]
            conditions += [c for c in found_conditions if c not in conditions]
            statements.append(
                {"policyIndex": policy_number - offset, "statementIndex": index}
                | ({"statementId": statement.sid} if statement.sid else {})
            )
        if action_class is None:
            actions = [example.action]
            count = None
        else:
            actions = list(action_class.examples)
            count = action_class.catalog_size(get_catalog())
        rows.append(
            {
                "actions": actions,
                "catalogActions": count,
                "resources": resources,
                "conditions": conditions,
                "statements": statements,
                "example": example.as_dict(),
            }
        )
    return rows


def diff_policies(
    old: Sequence[str], new: Sequence[str], policy_type: str = "IDENTITY_POLICY"
) -> dict[str, Any]:
    """`{"gained": rows, "lost": rows, "result": ...}`; result UNKNOWN when either side is."""
    from connect_iam.analyzer.checks import _build, _load, _policy_type
    from connect_iam.analyzer.encode import Unsupported
    from connect_iam.analyzer.engine import Goal, Side, Verdict, solve

    kind: PolicyType = _policy_type(policy_type)
    old_docs = _load(list(old), "OLD", kind)
    new_docs = _load(list(new), "NEW", kind)
    documents = old_docs + new_docs
    analysis = _build(documents, kind)
    if isinstance(analysis, Unsupported):
        return {"result": "UNKNOWN", "reason": analysis.reason, "gained": [], "lost": []}
    old_side = Side(tuple(range(len(old_docs))))
    new_side = Side(tuple(range(len(old_docs), len(documents))))
    out: dict[str, Any] = {"result": "SAME", "gained": [], "lost": []}
    for name, positive, negative, offset in (
        ("gained", new_side, old_side, len(old_docs)),
        ("lost", old_side, new_side, 0),
    ):
        outcome = solve(
            analysis, Goal(positive, negative), max_examples=MAX_ROWS, all_statements=False
        )
        if outcome.verdict is Verdict.UNKNOWN:
            return {"result": "UNKNOWN", "reason": outcome.reason, "gained": [], "lost": []}
        out[name] = _rows(outcome, documents, offset)
    if out["gained"] or out["lost"]:
        out["result"] = "CHANGED"
    return out
