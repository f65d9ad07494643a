"""Each seed policy gets exactly the findings connect-model.md §3 lists, at the right lines.

Rules: the Access Analyzer policy-check reference (AA codes, linked from each finding) and
docs/checks.md (our codes; its "Seed policies" table maps each finding to its §3 item).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from connect_iam.validator import validate, validate_policy

SEEDS = Path(__file__).resolve().parents[3] / "examples" / "policies"

EXPECTED: dict[str, set[tuple[str, int]]] = {
    # §3 seed_1: UpdateUser* covers 2 actions that never take an agent ARN
    "01-deny-delete-and-update-users.json": {("ACTION_WILDCARD_PARTLY_APPLICABLE", 8)},
    # §3 seed_2 items 1, 2, 3 (item 4, style, is not a finding: see docs/checks.md)
    "02-allow-integrations-with-name-prefix.json": {
        ("UNSUPPORTED_RESOURCE_ARN_IN_POLICY", 8),
        ("INVALID_SERVICE_IN_ACTION", 12),
        ("INVALID_SERVICE", 14),
    },
    # §3 seed_3 items 1 (two trailing commas), 2 (two malformed ids), 4 (overreach of Allow *)
    "03-allow-create-user-deny-security-profile.json": {
        ("CONNECT_PRIVILEGE_ESCALATION", 7),
        ("NARROWER_RESOURCE", 9),
        ("JSON_SYNTAX_ERROR", 9),
        ("INVALID_CONNECT_INSTANCE_ID", 16),
        ("INVALID_CONNECT_RESOURCE_ID", 16),
        ("JSON_SYNTAX_ERROR", 16),
    },
    # §3 seed_4 items 1, 2
    "04-allow-contact-recording.json": {
        ("INVALID_ARN_ACCOUNT", 8),
        ("INVALID_CONNECT_INSTANCE_ID", 8),
    },
    # §3 seed_5 items 1, 2
    "05-allow-all-contact-actions.json": {
        ("ACTION_WILDCARD_PARTLY_APPLICABLE", 6),
        ("INVALID_ARN_ACCOUNT", 8),
    },
    # §3 seed_6: placeholder account (`Name` cannot be told from a real name)
    "06-view-one-event-integration.json": {("INVALID_ARN_ACCOUNT", 9)},
    # §3 seed_7 items 1, 2
    "07-customer-profiles-full-access.json": {
        ("ACTION_WILDCARD_PARTLY_APPLICABLE", 6),
        ("INVALID_ARN_ACCOUNT", 8),
    },
    # §3 seed_8 items 1, 2
    "08-customer-profiles-read-only.json": {
        ("INVALID_ACTION", 7),
        ("INVALID_ARN_ACCOUNT", 9),
    },
}


def _findings(name: str) -> list[tuple[str, int]]:
    path = SEEDS / name
    if not path.exists():
        pytest.skip("examples/policies is absent")
    report = validate(path.read_text(encoding="utf-8"), name=name)
    return [(f.issue_code, f.span.start.line if f.span else 0) for f in report.findings]


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_seed_findings_are_exactly_the_documented_ones(name: str) -> None:
    """connect-model.md §3: every listed defect, nothing else (no false alarm on valid parts)."""
    found = _findings(name)
    assert len(found) == len(set(found)), found
    assert set(found) == EXPECTED[name]


def _one(name: str, code: str) -> dict[str, object]:
    text = (SEEDS / name).read_text(encoding="utf-8")
    findings = validate_policy(policyDocument=text)["findings"]
    assert isinstance(findings, list)
    return next(f for f in findings if f["issueCode"] == code)


def test_seed_02_suggests_the_real_names() -> None:
    """AA INVALID_SERVICE_IN_ACTION / INVALID_SERVICE: a "did you mean" with the real prefix."""
    action = _one("02-allow-integrations-with-name-prefix.json", "INVALID_SERVICE_IN_ACTION")
    assert "did you mean `app-integrations:DeleteEventIntegration`?" in str(
        action["findingDetails"]
    )
    arn = _one("02-allow-integrations-with-name-prefix.json", "INVALID_SERVICE")
    assert "did you mean `app-integrations`?" in str(arn["findingDetails"])
    location = arn["locations"][0]  # type: ignore[index]
    assert location["path"][-1] == {"substring": {"start": 8, "length": 15}}
    assert location["span"]["start"] == {"line": 14, "column": 20, "offset": 493}


def test_seed_04_placeholder_account_span_is_the_account_field() -> None:
    """AA span conventions (iam-semantics §7.2): line from 1, column from 0, end exclusive."""
    finding = _one("04-allow-contact-recording.json", "INVALID_ARN_ACCOUNT")
    span = finding["locations"][0]["span"]  # type: ignore[index]
    assert span["start"]["line"] == 8
    assert span["end"]["column"] - span["start"]["column"] == len("accountID")
    assert "placeholder" in str(finding["findingDetails"])


def test_seed_05_counts_are_computed_from_the_catalog() -> None:
    """connect-model.md §3 seed_5: connect:* on instance/*/contact/* fully grants 18 of 387."""
    finding = _one("05-allow-all-contact-actions.json", "ACTION_WILDCARD_PARTLY_APPLICABLE")
    details = str(finding["findingDetails"])
    assert "matches 387 actions" in details
    assert "fully grants only 18" in details
    assert "`StartContactRecording`" in details
    assert "17 also need a resource" in details


def test_seed_01_names_the_two_dead_actions() -> None:
    """connect-model.md §1.4: UpdateUserHierarchyGroupName/Structure never take an agent ARN."""
    finding = _one("01-deny-delete-and-update-users.json", "ACTION_WILDCARD_PARTLY_APPLICABLE")
    details = str(finding["findingDetails"])
    assert "`UpdateUserHierarchyGroupName`" in details
    assert "`UpdateUserHierarchyStructure`" in details
    assert "never applies to 2" in details


def test_seed_08_suggests_list_profile_objects() -> None:
    """AA INVALID_ACTION with a did-you-mean (connect-model.md §2.2)."""
    finding = _one("08-customer-profiles-read-only.json", "INVALID_ACTION")
    assert "did you mean `profile:ListProfileObjects`?" in str(finding["findingDetails"])
