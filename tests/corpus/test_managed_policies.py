"""Every AWS managed policy that moto ships, validated: no crash, no syntax or grammar ERROR.

AWS accepted every one of these documents, so a grammar ERROR would be our bug. The ERROR findings
that remain are catalog findings (actions or services AWS has retired or renamed since, ARNs of
resource types the catalog lacks, actions without resource-level permissions named with ARNs); they
are kept in the reviewed snapshot `managed_policy_errors.json`, so any change in them is seen.
Rewrite it with `UPDATE_SNAPSHOTS=1`. Rules: docs/checks.md; Access Analyzer policy-check reference.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from connect_iam.diagnostics import FindingType
from connect_iam.validator import validate

SNAPSHOT = Path(__file__).with_name("managed_policy_errors.json")
#: Codes that come from the document's shape, not from the catalog: never expected here.
GRAMMAR_CODES = frozenset(
    {
        "JSON_SYNTAX_ERROR",
        "MISSING_EFFECT",
        "INVALID_EFFECT",
        "INVALID_VERSION",
        "MISSING_STATEMENT",
        "MISSING_ACTION",
        "MISSING_RESOURCE",
        "UNSUPPORTED_ELEMENT_COMBINATION",
        "INVALID_POLICY_ELEMENT",
        "DUPLICATE_KEY",
        "INVALID_ELEMENT_TYPE",
        "INVALID_ARN_PREFIX",
        "MISSING_ARN_FIELD",
        "UNSUPPORTED_SID",
        "UNIQUE_SIDS_REQUIRED",
        "UNSUPPORTED_PRINCIPAL",
        "INVALID_CONDITION_OPERATOR",
        "INVALID_PARTITION",
        "INVALID_ARN_ACCOUNT",
        "INVALID_ARN_REGION",
        "INVALID_ARN_SERVICE_CASE",
        "MISSING_BRACE_IN_VARIABLE",
        "MISSING_QUOTE_IN_VARIABLE",
        "UNSUPPORTED_SPACE_IN_VARIABLE",
        "UNSUPPORTED_SYMBOL_IN_VARIABLE",
        "EMPTY_VARIABLE",
        "NULL_WITH_IF_EXISTS",
    }
)


def _corpus() -> dict[str, str]:
    policies = pytest.importorskip("moto.iam.aws_managed_policies")
    data = json.loads(policies.aws_managed_policies_data)
    return {name: json.dumps(entry["Document"], indent=4) for name, entry in sorted(data.items())}


def test_managed_policies_validate_without_grammar_errors() -> None:
    """No crash, no grammar ERROR; the catalog ERRORs equal the reviewed snapshot."""
    corpus = _corpus()
    assert len(corpus) > 1000
    errors: list[list[object]] = []
    grammar: list[tuple[str, str, str]] = []
    for name, text in corpus.items():
        for finding in validate(text, name=name).findings:
            if finding.finding_type is not FindingType.ERROR:
                continue
            if finding.issue_code in GRAMMAR_CODES:
                grammar.append((name, finding.issue_code, finding.message))
            line = finding.span.start.line if finding.span else 0
            errors.append([name, finding.issue_code, line, finding.message])
    assert not grammar, grammar[:10]
    errors.sort(key=lambda row: (str(row[0]), int(str(row[2])), str(row[1]), str(row[3])))
    if os.environ.get("UPDATE_SNAPSHOTS") == "1" or not SNAPSHOT.exists():
        SNAPSHOT.write_text(json.dumps(errors, indent=1) + "\n", encoding="utf-8")
    expected = json.loads(SNAPSHOT.read_text(encoding="utf-8"))
    assert errors == expected, "catalog ERRORs changed: review, then rerun with UPDATE_SNAPSHOTS=1"
