"""One bad and one good policy per check (tests/fixtures/validator/<CODE>.{bad,good}.json).

The rule each code enforces is in docs/checks.md, with the Access Analyzer reference anchor
(https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-reference-policy-checks.html)
for AWS's codes.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from connect_iam.diagnostics import FindingType
from connect_iam.validator import CHECKS, validate

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "validator"
CODES = sorted({path.name.split(".")[0] for path in FIXTURES.glob("*.bad.json")})
DOCS = Path(__file__).resolve().parents[3] / "docs" / "checks.md"


def _codes(path: Path) -> set[str]:
    return {f.issue_code for f in validate(path.read_text(encoding="utf-8")).findings}


@pytest.mark.parametrize("code", CODES)
def test_bad_example_reports_the_code(code: str) -> None:
    """The bad example of docs/checks.md triggers its check."""
    assert code in _codes(FIXTURES / f"{code}.bad.json")


@pytest.mark.parametrize("code", CODES)
def test_good_example_does_not(code: str) -> None:
    """The fixed example of docs/checks.md does not trigger it, nor any ERROR."""
    path = FIXTURES / f"{code}.good.json"
    findings = validate(path.read_text(encoding="utf-8")).findings
    assert code not in {f.issue_code for f in findings}
    assert not [f for f in findings if f.finding_type is FindingType.ERROR]


def test_every_fixture_code_is_documented() -> None:
    """Each code has a docs/checks.md section (bad example, fixed example, rule, type)."""
    text = DOCS.read_text(encoding="utf-8")
    missing = [code for code in CODES if f"### {code}" not in text]
    assert not missing


def test_checks_are_ordered_and_named() -> None:
    """STYLE.md row 9: an ordered CHECKS tuple of objects satisfying the Check protocol."""
    names = [check.name for check in CHECKS]
    assert len(names) == len(set(names))
    assert names[0] == "document"
