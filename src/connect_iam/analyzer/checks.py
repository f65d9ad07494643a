"""IAM Access Analyzer's custom policy checks, offline: CheckNoNewAccess, CheckAccessNotGranted,
CheckNoPublicAccess (iam-semantics §7.3), with AWS's parameter names and response shape.

Response: `{"result": "PASS" | "FAIL" | "UNKNOWN", "message": str, "reasons": [{"description",
"statementIndex", "statementId"}], "examples": [...]}`. `reasons` is omitted on PASS, as AWS does;
`statementIndex` is 0-based into the *new* (checked) policy. `UNKNOWN` and `examples` are our
extensions: UNKNOWN when the policies leave the exactly handled fragment (docs/analysis.md), and
`examples` are concrete requests `{action, resource, contextEntries}` (contextEntries in boto3's
SimulateCustomPolicy shape), each replayed through the evaluator before it is returned.

Malformed input raises: `PolicyError` for a policy that does not parse, `RequestError` (AWS's
`ValidationException`) for a bad parameter such as an unsupported `resourceType`.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from typing import Any

from connect_iam.errors import RequestError
from connect_iam.model.policy import PolicyDocument, PolicyType, PrincipalKind, Statement
from connect_iam.syntax.policy_parser import load_policy

PASS, FAIL, UNKNOWN = "PASS", "FAIL", "UNKNOWN"

NO_NEW_ACCESS_PASS = (
    "The modified permissions do not grant new access compared to your existing policy."
)
NO_NEW_ACCESS_FAIL = "The modified permissions grant new access compared to your existing policy."
NOT_GRANTED_PASS = "The policy document does not grant access to perform the listed actions."
NOT_GRANTED_FAIL = "The policy document grants access to perform one or more of the listed actions."
PUBLIC_PASS = "The resource policy does not grant public access for the given resource type."
PUBLIC_FAIL = "The resource policy grants public access for the given resource type."

ACCESS_CHECK_POLICY_TYPES = ("IDENTITY_POLICY", "RESOURCE_POLICY")

# AccessCheckResourceType (BOTO-AA, botocore 1.44.8); Connect has none.
ACCESS_CHECK_RESOURCE_TYPES = (
    "AWS::DynamoDB::Table",
    "AWS::DynamoDB::Stream",
    "AWS::EFS::FileSystem",
    "AWS::OpenSearchService::Domain",
    "AWS::Kinesis::Stream",
    "AWS::Kinesis::StreamConsumer",
    "AWS::KMS::Key",
    "AWS::Lambda::Function",
    "AWS::S3::Bucket",
    "AWS::S3::AccessPoint",
    "AWS::S3Express::DirectoryBucket",
    "AWS::S3::Glacier",
    "AWS::S3Outposts::Bucket",
    "AWS::S3Outposts::AccessPoint",
    "AWS::SecretsManager::Secret",
    "AWS::SNS::Topic",
    "AWS::SQS::Queue",
    "AWS::IAM::AssumeRolePolicyDocument",
    "AWS::S3Tables::TableBucket",
    "AWS::S3Tables::Table",
    "AWS::ApiGateway::RestApi",
    "AWS::CodeArtifact::Domain",
    "AWS::Backup::BackupVault",
    "AWS::CloudTrail::Dashboard",
    "AWS::CloudTrail::EventDataStore",
    "AWS::S3Express::AccessPoint",
)

# Keys that tie a request to the caller's identity or network: a Condition on one of these is what
# keeps an `"AWS": "*"` grant from being public (docs/analysis.md, "Public access").
LIMITING_KEYS = (
    "aws:SourceAccount",
    "aws:SourceArn",
    "aws:SourceOwner",
    "aws:SourceOrgID",
    "aws:SourceOrgPaths",
    "aws:PrincipalOrgID",
    "aws:PrincipalOrgPaths",
    "aws:PrincipalAccount",
    "aws:PrincipalArn",
    "aws:userid",
    "aws:username",
    "aws:SourceVpc",
    "aws:SourceVpce",
    "aws:SourceIp",
    "aws:VpcSourceIp",
)

PUBLIC_CALLER = "arn:aws:iam::999999999999:user/anyone"

Documents = str | Sequence[str]


def _policy_type(value: str) -> PolicyType:
    if value not in ACCESS_CHECK_POLICY_TYPES:
        allowed = ", ".join(ACCESS_CHECK_POLICY_TYPES)
        raise RequestError(f"policyType `{value}` is not supported: use one of {allowed}")
    return PolicyType(value)


def _load(texts: Documents, name: str, policy_type: PolicyType) -> list[PolicyDocument]:
    items = [texts] if isinstance(texts, str) else list(texts)
    if not items:
        raise RequestError(f"`{name}` must hold a policy document")
    if policy_type is PolicyType.RESOURCE and len(items) != 1:
        raise RequestError(f"`{name}`: exactly one resource policy")
    out = []
    for i, text in enumerate(items):
        if not isinstance(text, str):
            raise RequestError(f"`{name}` must be a JSON policy document string")
        label = name if len(items) == 1 else f"{name}[{i}]"
        out.append(load_policy(text, name=label, policy_type=policy_type))
    return out


def _reason(
    description: str, statement: Statement | None, policy_number: int | None = None
) -> dict[str, Any]:
    reason: dict[str, Any] = {"description": description}
    if statement is not None:
        reason["statementIndex"] = statement.index
        if statement.sid:
            reason["statementId"] = statement.sid
        if policy_number is not None:
            reason["policyIndex"] = policy_number
    return reason


def _unknown(question: str, outcome: Any, analysis_where: Any = None) -> dict[str, Any]:
    where = outcome.where if outcome is not None else analysis_where
    reason = outcome.reason
    return {
        "result": UNKNOWN,
        "message": f"connect-iam could not decide {question}: {reason}.",
        "reasons": [_reason(f"Outside the analyzed fragment: {reason}.", where)],
        "examples": [],
    }


def _build(documents: list[PolicyDocument], policy_type: PolicyType, **kwargs: Any) -> Any:
    from connect_iam.analyzer.encode import Unsupported
    from connect_iam.analyzer.engine import Analysis

    try:
        return Analysis(documents, policy_type, **kwargs)
    except Unsupported as exc:
        return exc


def _failed(
    outcome: Any,
    positive: Sequence[int],
    documents: list[PolicyDocument],
    message: str,
    describe: str,
) -> dict[str, Any]:
    reasons = []
    several = len(positive) > 1
    for policy_number, index in outcome.statements:
        document = documents[policy_number]
        statement = next(s for s in document.statements if s.index == index)
        reason = _reason(
            describe.format(index=index),
            statement,
            positive.index(policy_number) if several else None,
        )
        reasons.append(reason)
    return {
        "result": FAIL,
        "message": message,
        "reasons": reasons,
        "examples": [example.as_dict() for example in outcome.examples],
    }


def check_no_new_access(
    newPolicyDocument: Documents,
    existingPolicyDocument: Documents,
    policyType: str = "IDENTITY_POLICY",
    *,
    max_examples: int = 10,
    timeout_ms: int | None = None,
) -> dict[str, Any]:
    """Does the new policy allow any request the existing one does not? (CheckNoNewAccess)

    A list of documents on either side is a policy set (union of Allows, any Deny wins).
    """
    from connect_iam.analyzer.encode import Unsupported
    from connect_iam.analyzer.engine import DEFAULT_TIMEOUT_MS, Goal, Side, Verdict, solve

    policy_type = _policy_type(policyType)
    new = _load(newPolicyDocument, "newPolicyDocument", policy_type)
    old = _load(existingPolicyDocument, "existingPolicyDocument", policy_type)
    analysis = _build(new + old, policy_type, timeout_ms=timeout_ms or DEFAULT_TIMEOUT_MS)
    question = "whether the modified permissions grant new access"
    if isinstance(analysis, Unsupported):
        return _unknown(question, analysis)
    positive = tuple(range(len(new)))
    goal = Goal(Side(positive), Side(tuple(range(len(new), len(new) + len(old)))))
    outcome = solve(analysis, goal, max_examples=max_examples)
    if outcome.verdict is Verdict.UNKNOWN:
        return _unknown(question, outcome)
    if outcome.verdict is Verdict.HOLDS:
        return {"result": PASS, "message": NO_NEW_ACCESS_PASS}
    return _failed(
        outcome,
        positive,
        new + old,
        NO_NEW_ACCESS_FAIL,
        "New access in the statement with index: {index}.",
    )


def _access(access: Any) -> tuple[list[str], list[str]]:
    if isinstance(access, Mapping):
        access = [access]
    if not isinstance(access, list | tuple) or len(access) != 1:
        raise RequestError("`access` must be a list with one {actions, resources} entry")
    entry = access[0]
    if not isinstance(entry, Mapping):
        raise RequestError("`access[0]` must be an object with `actions` and/or `resources`")
    unknown = set(entry) - {"actions", "resources"}
    if unknown:
        raise RequestError(f"`access[0]` has unknown members: {', '.join(sorted(unknown))}")
    actions = entry.get("actions", [])
    resources = entry.get("resources", [])
    for name, values in (("actions", actions), ("resources", resources)):
        if not isinstance(values, list | tuple) or not all(isinstance(v, str) for v in values):
            raise RequestError(f"`access[0].{name}` must be a list of strings")
        if len(values) > 100:
            raise RequestError(f"`access[0].{name}` holds {len(values)} items; the limit is 100")
    for resource in resources:
        if not 1 <= len(resource) <= 2048:
            raise RequestError("each resource in `access[0].resources` has 1 to 2048 characters")
    if not actions and not resources:
        raise RequestError("`access[0]` must list at least one action or resource")
    return list(actions), list(resources)


def check_access_not_granted(
    policyDocument: Documents,
    access: Any,
    policyType: str = "IDENTITY_POLICY",
    *,
    max_examples: int = 10,
    timeout_ms: int | None = None,
) -> dict[str, Any]:
    """Can the policy allow any of the listed actions / on any of the listed resources?

    Actions only: any listed action on any resource. Resources only: any action on a listed
    resource. Both: a listed action on a listed resource (CheckAccessNotGranted). Listed actions
    may use `*`/`?` like policy actions; listed resources match like Resource elements.
    """
    import z3

    from connect_iam.analyzer.encode import Unsupported
    from connect_iam.analyzer.engine import (
        DEFAULT_TIMEOUT_MS,
        SCOPE_KEY,
        Goal,
        Side,
        Verdict,
        solve,
    )

    policy_type = _policy_type(policyType)
    documents = _load(policyDocument, "policyDocument", policy_type)
    actions, resources = _access(access)
    analysis = _build(
        documents,
        policy_type,
        scope_actions=actions or ["*"],
        scope_resources=resources,
        timeout_ms=timeout_ms or DEFAULT_TIMEOUT_MS,
    )
    question = "whether the policy grants the listed access"
    if isinstance(analysis, Unsupported):
        return _unknown(question, analysis)

    def scope(analysis: Any, guard: Any, _resource: Any) -> Any:
        terms = [guard(SCOPE_KEY)]
        if resources:
            terms.append(z3.Or(*(analysis.encoder.resource_in(r) for r in resources)))
        return z3.And(*terms)

    positive = tuple(range(len(documents)))
    outcome = solve(analysis, Goal(Side(positive), None, scope), max_examples=max_examples)
    if outcome.verdict is Verdict.UNKNOWN:
        return _unknown(question, outcome)
    if outcome.verdict is Verdict.HOLDS:
        return {"result": PASS, "message": NOT_GRANTED_PASS}
    return _failed(
        outcome,
        positive,
        documents,
        NOT_GRANTED_FAIL,
        "One or more of the listed actions or resources in the statement with index: {index}.",
    )


def _anonymous_applies(statement: Statement) -> bool:
    """Does the statement's Principal / NotPrincipal take in a caller from any account?"""
    principals = statement.principals or ()

    def anyone(kind: PrincipalKind, value: str) -> bool:
        return kind is PrincipalKind.ANY or (kind is PrincipalKind.AWS and value == "*")

    listed_anyone = any(anyone(p.kind, p.value) for p in principals)
    if statement.not_principal:
        return not listed_anyone
    return listed_anyone


def check_no_public_access(
    policyDocument: str,
    resourceType: str,
    *,
    max_examples: int = 10,
    timeout_ms: int | None = None,
) -> dict[str, Any]:
    """Does the resource policy allow a caller from any account, unconstrained by a limiting
    condition key? (CheckNoPublicAccess; docs/analysis.md gives the exact definition.)"""
    import z3

    from connect_iam.analyzer.encode import IP, TEXT, Unsupported
    from connect_iam.analyzer.engine import DEFAULT_TIMEOUT_MS, Goal, Side, Verdict, solve
    from connect_iam.analyzer.regex import arn_re, fold_re, glob_re, zstr
    from connect_iam.model.context import parse_ip_network
    from connect_iam.model.operators import BaseOperator, OperatorFamily

    if resourceType not in ACCESS_CHECK_RESOURCE_TYPES:
        raise RequestError(
            f"resourceType `{resourceType}` is not an AccessCheckResourceType (Amazon Connect "
            f"resources have none); use one of: {', '.join(ACCESS_CHECK_RESOURCE_TYPES)}"
        )
    (document,) = _load(policyDocument, "policyDocument", PolicyType.RESOURCE)
    kept = tuple(s for s in document.statements if _anonymous_applies(s))
    anonymous = dataclasses.replace(document, statements=kept)
    analysis = _build(
        [anonymous],
        PolicyType.RESOURCE,
        timeout_ms=timeout_ms or DEFAULT_TIMEOUT_MS,
        confirm_caller=PUBLIC_CALLER,
        confirm_documents=[document],
        check_principals=False,
    )
    question = "whether the resource policy grants public access"
    if isinstance(analysis, Unsupported):
        return _unknown(question, analysis)
    limiting = {key.casefold() for key in LIMITING_KEYS}

    def scope(analysis: Any, _guard: Any, _resource: Any) -> Any:
        terms = []
        encoder = analysis.encoder
        for folded, model in encoder.keys.items():
            if folded not in limiting:
                continue
            for statement in kept:
                for clause in statement.conditions:
                    if clause.key.casefold() != folded or clause.operator is None:
                        continue
                    base = clause.operator.base
                    for value in clause.values:
                        if model.group == TEXT:
                            if value and not value.strip("*"):
                                continue  # `*` alone does not limit anyone
                            if base.family is OperatorFamily.ARN:
                                regex = arn_re(value)
                            elif base in (BaseOperator.STRING_LIKE, BaseOperator.STRING_NOT_LIKE):
                                regex = glob_re(value)
                            elif base in (
                                BaseOperator.STRING_EQUALS_IGNORE_CASE,
                                BaseOperator.STRING_NOT_EQUALS_IGNORE_CASE,
                            ):
                                regex = fold_re(value.casefold())
                            else:
                                regex = z3.Re(zstr(value))
                            for j, s in enumerate(model.text):
                                terms.append(z3.Implies(model.n > j, z3.Not(z3.InRe(s, regex))))
                        elif model.group == IP:
                            network = parse_ip_network(value)
                            if network is None or network.prefixlen == 0:
                                continue
                            for j in range(model.slots):
                                terms.append(
                                    z3.Implies(
                                        model.n > j,
                                        z3.Not(analysis.encoder._in_network(model, j, network)),
                                    )
                                )
        return z3.And(*terms) if terms else z3.BoolVal(True)

    outcome = solve(analysis, Goal(Side((0,)), None, scope), max_examples=max_examples)
    if outcome.verdict is Verdict.UNKNOWN:
        return _unknown(question, outcome)
    if outcome.verdict is Verdict.HOLDS:
        return {"result": PASS, "message": PUBLIC_PASS}
    return _failed(
        outcome,
        (0,),
        [document],
        PUBLIC_FAIL,
        "Public access granted in the following statement with index: {index}.",
    )
