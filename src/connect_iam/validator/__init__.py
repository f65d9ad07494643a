"""Offline policy validation in IAM Access Analyzer's shape, with Connect-specific checks.

`validate_policy(policyDocument=..., policyType=...)` mirrors boto3's
`accessanalyzer.validate_policy` and returns `{"findings": [...]}`; `validate(text, ...)` returns
typed findings for the CLI. The checks run in the order of `CHECKS`, one object per family
(each satisfies `Check`), on the parsed model even when the JSON needed recovery (a trailing comma
is reported, and the rest of the policy is still checked). Every code is listed in docs/checks.md.
"""

from __future__ import annotations

import gc
from dataclasses import dataclass

from connect_iam.catalog import get_catalog
from connect_iam.diagnostics import Finding, sort_key
from connect_iam.errors import RequestError
from connect_iam.model.policy import PolicyType
from connect_iam.source import SourceText
from connect_iam.syntax.policy_parser import parse_policy
from connect_iam.validator.actions import ActionsCheck
from connect_iam.validator.base import Check, CheckContext
from connect_iam.validator.conditions import ConditionsCheck
from connect_iam.validator.document import DocumentCheck
from connect_iam.validator.resources import ApplicabilityCheck, ArnCheck
from connect_iam.validator.security import SecurityCheck
from connect_iam.validator.suggestions import NarrowerResourceCheck, RedundancyCheck

__all__ = [
    "CHECKS",
    "POLICY_TYPES",
    "Check",
    "CheckContext",
    "ValidationReport",
    "validate",
    "validate_policy",
]

#: The checks, in the order they run (grammar first, suggestions last).
CHECKS: tuple[Check, ...] = (
    DocumentCheck(),
    ActionsCheck(),
    ArnCheck(),
    ApplicabilityCheck(),
    ConditionsCheck(),
    SecurityCheck(),
    RedundancyCheck(),
    NarrowerResourceCheck(),
)

#: Access Analyzer's ValidatePolicy `policyType` values.
POLICY_TYPES = {
    "IDENTITY_POLICY": PolicyType.IDENTITY,
    "RESOURCE_POLICY": PolicyType.RESOURCE,
    "SERVICE_CONTROL_POLICY": PolicyType.SCP,
    "RESOURCE_CONTROL_POLICY": PolicyType.RCP,
}
LOCALES = ("DE", "EN", "ES", "FR", "IT", "JA", "KO", "PT_BR", "ZH_CN", "ZH_TW")
RESOURCE_TYPES = (
    "AWS::S3::Bucket",
    "AWS::S3::AccessPoint",
    "AWS::S3::MultiRegionAccessPoint",
    "AWS::S3ObjectLambda::AccessPoint",
    "AWS::IAM::AssumeRolePolicyDocument",
    "AWS::DynamoDB::Table",
)
_MAX_DOCUMENT = 10 * 1024 * 1024


@dataclass(frozen=True, slots=True)
class ValidationReport:
    """Every finding for one document, sorted by position, with the source to show them."""

    findings: tuple[Finding, ...]
    source: SourceText


def validate(
    text: str, *, name: str = "<policy>", policy_type: PolicyType = PolicyType.IDENTITY
) -> ValidationReport:
    """Parse `text` and run every check in `CHECKS`; never raises for any input text.

    The cyclic garbage collector is paused meanwhile (as `read_json` does for reading): the tree,
    the model and the findings are thousands of small acyclic objects, freed by reference
    counting as soon as they are dropped, so the collector's passes over them (and, through
    them, over the whole heap, catalog included) found nothing and cost about a fifth of the run.
    """
    collecting = gc.isenabled()
    gc.disable()
    try:
        result = parse_policy(text, name=name, policy_type=policy_type)
        findings = list(result.findings)
        if result.tree is not None:
            context = CheckContext(result, get_catalog(), policy_type)
            for check in CHECKS:
                findings.extend(check.run(context))
        unique = list(dict.fromkeys(findings))
        unique.sort(key=sort_key)
        return ValidationReport(tuple(unique), result.source)
    finally:
        if collecting:
            gc.enable()


def validate_policy(
    *,
    policyDocument: str,
    policyType: str = "IDENTITY_POLICY",
    locale: str = "EN",
    validatePolicyResourceType: str | None = None,
    maxResults: int | None = None,
    nextToken: str | None = None,
) -> dict[str, object]:
    """Access Analyzer's ValidatePolicy, offline: `{"findings": [...], "nextToken"?: str}`.

    Bad parameters raise `RequestError` (the service's ValidationException). Only English
    messages exist; other locales are accepted and answered in English.
    """
    if not isinstance(policyDocument, str):
        raise RequestError("policyDocument must be a string")
    if len(policyDocument) > _MAX_DOCUMENT:
        raise RequestError(f"policyDocument is longer than {_MAX_DOCUMENT} characters")
    policy_type = POLICY_TYPES.get(policyType) if isinstance(policyType, str) else None
    if policy_type is None:
        raise RequestError(f"policyType `{policyType}` is not one of {', '.join(POLICY_TYPES)}")
    if locale not in LOCALES:
        raise RequestError(f"locale `{locale}` is not one of {', '.join(LOCALES)}")
    if validatePolicyResourceType is not None:
        if validatePolicyResourceType not in RESOURCE_TYPES:
            raise RequestError(
                f"validatePolicyResourceType `{validatePolicyResourceType}` is not one of "
                f"{', '.join(RESOURCE_TYPES)}"
            )
        if policy_type is not PolicyType.RESOURCE:
            raise RequestError("validatePolicyResourceType applies only to RESOURCE_POLICY")
    if maxResults is not None and (
        isinstance(maxResults, bool) or not isinstance(maxResults, int) or maxResults < 1
    ):
        raise RequestError("maxResults must be a positive integer")
    start = 0
    if nextToken is not None:
        if not isinstance(nextToken, str) or not nextToken.isdigit():
            raise RequestError(f"nextToken `{nextToken}` is not a token this service issued")
        start = int(nextToken)
    findings = [
        f.to_access_analyzer() for f in validate(policyDocument, policy_type=policy_type).findings
    ]
    if start > len(findings):
        raise RequestError(f"nextToken `{nextToken}` is past the last finding")
    end = len(findings) if maxResults is None else min(len(findings), start + maxResults)
    response: dict[str, object] = {"findings": findings[start:end]}
    if end < len(findings):
        response["nextToken"] = str(end)
    return response
