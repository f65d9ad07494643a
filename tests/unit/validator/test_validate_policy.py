"""`validate_policy` mirrors boto3's accessanalyzer.validate_policy (iam-semantics §7.2)."""

from __future__ import annotations

import json

import pytest

from connect_iam.errors import RequestError
from connect_iam.validator import validate, validate_policy

POLICY = json.dumps(
    {
        "Statement": [
            {"Effect": "Allow", "Action": "connect:*", "Resource": "*"},
            {"Effect": "Allow", "Action": "profile:ListObjects", "Resource": "*"},
        ]
    },
    indent=2,
)


def test_response_shape_is_access_analyzers() -> None:
    """ValidatePolicyFinding: findingDetails, findingType, issueCode, learnMoreLink, locations."""
    findings = validate_policy(policyDocument=POLICY)["findings"]
    assert isinstance(findings, list) and findings
    for finding in findings:
        assert set(finding) == {
            "findingDetails",
            "findingType",
            "issueCode",
            "learnMoreLink",
            "locations",
        }
        assert finding["findingType"] in {"ERROR", "SECURITY_WARNING", "WARNING", "SUGGESTION"}
    codes = [f["issueCode"] for f in findings]
    assert "MISSING_VERSION" in codes
    missing = next(f for f in findings if f["issueCode"] == "MISSING_VERSION")
    assert missing["learnMoreLink"].endswith("general-warning-missing-version")


def test_pagination_with_max_results_and_next_token() -> None:
    """Paginator: nextToken/nextToken, limit_key maxResults, result_key findings."""
    every = validate_policy(policyDocument=POLICY)["findings"]
    first = validate_policy(policyDocument=POLICY, maxResults=1)
    assert first["findings"] == every[:1]  # type: ignore[index]
    rest = validate_policy(policyDocument=POLICY, nextToken=str(first["nextToken"]))
    assert rest["findings"] == every[1:]  # type: ignore[index]
    assert "nextToken" not in rest


@pytest.mark.parametrize(
    "kwargs",
    [
        {"policyType": "IDENTITY"},
        {"locale": "XX"},
        {"validatePolicyResourceType": "AWS::Connect::Instance", "policyType": "RESOURCE_POLICY"},
        {"validatePolicyResourceType": "AWS::S3::Bucket"},
        {"maxResults": 0},
        {"nextToken": "abc"},
    ],
)
def test_bad_parameters_raise_request_error(kwargs: dict[str, object]) -> None:
    """ValidationException for values outside the API's enums and ranges."""
    with pytest.raises(RequestError):
        validate_policy(policyDocument=POLICY, **kwargs)  # type: ignore[arg-type]


def test_checks_run_after_json_recovery() -> None:
    """Seed 03 pattern: trailing commas are reported and the rest is still checked."""
    text = '{"Version": "2012-10-17", "Statement": [{"Effect": "Allow",\n'
    text += '"Action": "profile:ListObjects", "Resource": "*",}]}'
    codes = [f.issue_code for f in validate(text).findings]
    assert "JSON_SYNTAX_ERROR" in codes
    assert "INVALID_ACTION" in codes


def test_scp_size_quota() -> None:
    """Organizations quota: an SCP has at most 5,120 characters without whitespace."""
    statements = [
        {"Effect": "Deny", "Action": "connect:DeleteInstance", "Resource": "*", "Sid": f"S{i}"}
        for i in range(100)
    ]
    text = json.dumps({"Version": "2012-10-17", "Statement": statements})
    findings = validate_policy(policyDocument=text, policyType="SERVICE_CONTROL_POLICY")
    codes = [f["issueCode"] for f in findings["findings"]]  # type: ignore[index]
    assert "POLICY_SIZE_EXCEEDS_SCP_QUOTA" in codes


def test_principal_in_identity_policy_still_reported_by_the_parser() -> None:
    """Grammar: Principal must not appear in identity-based policies (AA UNSUPPORTED_PRINCIPAL)."""
    text = json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [{"Effect": "Allow", "Principal": "*", "Action": "s3:*", "Resource": "*"}],
        }
    )
    codes = [f["issueCode"] for f in validate_policy(policyDocument=text)["findings"]]  # type: ignore[union-attr]
    assert "UNSUPPORTED_PRINCIPAL" in codes
