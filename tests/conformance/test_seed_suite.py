"""The seed suite is the conformance data for connect-model.md §3; this file keeps it honest.

`examples/seed-suite.yaml` already encodes every §3 row ("as written" against the verbatim seeds,
"w/ subst." against `examples/policies/fixed/`), so a separate `seed_decisions.yaml` would only
duplicate it. Instead the suite's cases run through the Python API (here) and the CLI
(tests/interfaces/test_cli_suite.py), and the checks below pin what the suite must keep covering.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from connect_iam import PolicyError, simulate_custom_policy
from connect_iam.cli.test_suite import Case, case_params, load_suite

ROOT = Path(__file__).resolve().parents[2]
SUITE = load_suite(str(ROOT / "examples" / "seed-suite.yaml"))
SEEDS = sorted((ROOT / "examples" / "policies").glob("0*.json"))


@pytest.mark.parametrize("case", SUITE.cases, ids=[c.name for c in SUITE.cases])
def test_case_through_the_python_api(case: Case) -> None:
    """Each §3 row through `simulate_custom_policy`, independent of the CLI's cache."""
    params = case_params(case)
    if case.expect_parse_error:
        with pytest.raises(PolicyError) as raised:
            simulate_custom_policy(**params)
        lines = {f.span.start.line for f in raised.value.findings if f.span is not None}
        assert lines == set(case.expect_error_lines)
        return
    response = simulate_custom_policy(**params)
    for result in response["EvaluationResults"]:
        assert result["EvalDecision"] == case.expect, case.note
        by_arn = {
            r["EvalResourceName"]: r["EvalResourceDecision"]
            for r in result.get("ResourceSpecificResults", [])
        }
        for arn, decision in case.expect_resources:
            assert by_arn[arn] == decision


def test_every_seed_is_covered_as_written() -> None:
    """§3 gives "as written" rows for all eight seeds; each verbatim file has a case."""
    used = {
        Path(p.origin).name for c in SUITE.cases for p in c.policies if "/fixed/" not in p.origin
    }
    assert used == {seed.name for seed in SEEDS}


def test_every_fixed_copy_is_used_and_differs_only_where_the_readme_says() -> None:
    """Every corrected copy has a "w/ subst." case, and is valid JSON (only seed 03 is not)."""
    fixed = sorted((ROOT / "examples" / "policies" / "fixed").glob("*.json"))
    used = {Path(p.origin).name for c in SUITE.cases for p in c.policies if "/fixed/" in p.origin}
    assert used == {f.name for f in fixed}
    readme = (ROOT / "examples" / "policies" / "fixed" / "README.md").read_text()
    for path in fixed:
        json.loads(path.read_text())
        assert f"`{path.name}`" in readme


def test_every_case_says_why() -> None:
    """A documentation suite: each case carries a `note` explaining the decision."""
    assert all(case.note for case in SUITE.cases)


def test_seed_03_as_written_is_the_only_seed_that_does_not_parse() -> None:
    """§3 seed_3 item 1: trailing commas; the other seven are valid JSON."""
    broken = {seed.name for seed in SEEDS if not _parses(seed)}
    assert broken == {"03-allow-create-user-deny-security-profile.json"}


def _parses(path: Path) -> bool:
    try:
        json.loads(path.read_text())
    except json.JSONDecodeError:
        return False
    return True
