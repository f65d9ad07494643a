"""simulate_principal_policy over a get-account-authorization-details snapshot.

Rules pinned here (IAM API reference: SimulatePrincipalPolicy; IAM User Guide: policy evaluation
logic): a user's identity policies include its groups' policies; the attached permissions boundary
limits them unless `PermissionsBoundaryPolicyInputList` replaces it; `PolicyExclusionList` leaves
attached policies out; an unknown `PolicySourceArn` is `NoSuchEntity`; `CallerArn` defaults to
`PolicySourceArn`; `SourcePolicyId` / `SourcePolicyType` are spelled as the simulator spells them.
"""

from __future__ import annotations

import copy
import json
import urllib.parse
from pathlib import Path
from typing import Any

import pytest

from connect_iam import (
    AccountSnapshot,
    NoSuchEntityError,
    PolicyError,
    RequestError,
    get_context_keys_for_principal_policy,
    simulate_principal_policy,
)
from connect_iam.evaluator.principal import document_text

ACCOUNT = "123456789012"
INSTANCE = f"arn:aws:connect:us-east-1:{ACCOUNT}:instance/11111111-2222-3333-4444-555555555555"
USER = f"arn:aws:iam::{ACCOUNT}:user/alice"
LONER = f"arn:aws:iam::{ACCOUNT}:user/bob"
GROUP = f"arn:aws:iam::{ACCOUNT}:group/Agents"
ROLE = f"arn:aws:iam::{ACCOUNT}:role/AgentRole"
TEAM_POLICY = f"arn:aws:iam::{ACCOUNT}:policy/TeamAccess"
BOUNDARY = f"arn:aws:iam::{ACCOUNT}:policy/Boundary"
READ_ONLY = "arn:aws:iam::aws:policy/AmazonConnectReadOnlyAccess"
EXAMPLE = Path(__file__).resolve().parents[3] / "examples" / "account-authorization-details.json"


def allow(action: str, resource: str = "*", **extra: Any) -> dict[str, Any]:
    statement = {"Effect": "Allow", "Action": action, "Resource": resource, **extra}
    return {"Version": "2012-10-17", "Statement": [statement]}


def deny(action: str, resource: str = "*") -> dict[str, Any]:
    return {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Deny", "Action": action, "Resource": resource}],
    }


def managed(arn: str, document: Any) -> dict[str, Any]:
    return {
        "PolicyName": arn.rsplit("/", 1)[1],
        "Arn": arn,
        "DefaultVersionId": "v2",
        "PolicyVersionList": [
            {"Document": allow("connect:*"), "VersionId": "v1", "IsDefaultVersion": False},
            {"Document": document, "VersionId": "v2", "IsDefaultVersion": True},
        ],
    }


def attached(*arns: str) -> list[dict[str, str]]:
    return [{"PolicyName": arn.rsplit("/", 1)[1], "PolicyArn": arn} for arn in arns]


def snapshot() -> dict[str, Any]:
    """alice (in group Agents), bob (no group), group Agents, role AgentRole with a boundary."""
    return {
        "UserDetailList": [
            {
                "UserName": "alice",
                "Arn": USER,
                "UserPolicyList": [
                    {"PolicyName": "Own", "PolicyDocument": allow("connect:DescribeUser")}
                ],
                "GroupList": ["Agents"],
                "AttachedManagedPolicies": attached(READ_ONLY),
            },
            {
                "UserName": "bob",
                "Arn": LONER,
                "UserPolicyList": [],
                "GroupList": [],
                "AttachedManagedPolicies": [],
            },
        ],
        "GroupDetailList": [
            {
                "GroupName": "Agents",
                "Arn": GROUP,
                "GroupPolicyList": [
                    {"PolicyName": "Queues", "PolicyDocument": allow("connect:DescribeQueue")}
                ],
                "AttachedManagedPolicies": attached(TEAM_POLICY, READ_ONLY),
            }
        ],
        "RoleDetailList": [
            {
                "RoleName": "AgentRole",
                "Arn": ROLE,
                "RolePolicyList": [
                    {
                        "PolicyName": "Work",
                        "PolicyDocument": allow(
                            "app-integrations:CreateEventIntegration", Sid="Create"
                        ),
                    },
                    {
                        "PolicyName": "Record",
                        "PolicyDocument": allow("connect:StartContactRecording"),
                    },
                ],
                "AttachedManagedPolicies": attached(READ_ONLY),
                "PermissionsBoundary": {
                    "PermissionsBoundaryType": "Policy",
                    "PermissionsBoundaryArn": BOUNDARY,
                },
            }
        ],
        "Policies": [
            managed(TEAM_POLICY, allow("connect:UpdateUserHierarchy")),
            managed(BOUNDARY, allow("connect:*")),
            managed(
                READ_ONLY,
                {
                    "Version": "2012-10-17",
                    "Statement": [
                        {"Effect": "Allow", "Action": "connect:List*", "Resource": "*"},
                        {"Effect": "Deny", "Action": "connect:GetFederationToken", "Resource": "*"},
                    ],
                },
            ),
        ],
    }


def decide(principal: str, action: str, snap: Any = None, **params: Any) -> dict[str, Any]:
    response = simulate_principal_policy(
        AccountAuthorizationDetails=snapshot() if snap is None else snap,
        PolicySourceArn=principal,
        ActionNames=[action],
        **params,
    )
    result: dict[str, Any] = response["EvaluationResults"][0]
    return result


def sources(result: dict[str, Any]) -> list[tuple[str, str]]:
    return [(m["SourcePolicyId"], m["SourcePolicyType"]) for m in result["MatchedStatements"]]


# -- which policies take part ----------------------------------------------------------------------


def test_group_inline_policy_applies_to_members() -> None:
    result = decide(USER, "connect:DescribeQueue")
    assert result["EvalDecision"] == "allowed"
    assert ("group_Agents_Queues", "group") in sources(result)


def test_group_managed_policy_applies_to_members() -> None:
    result = decide(USER, "connect:UpdateUserHierarchy")
    assert result["EvalDecision"] == "allowed"
    assert sources(result) == [("TeamAccess", "user-managed")]


def test_group_policies_do_not_apply_to_non_members() -> None:
    assert decide(LONER, "connect:DescribeQueue")["EvalDecision"] == "implicitDeny"


def test_user_inline_policy_is_named_user_name_policy() -> None:
    result = decide(USER, "connect:DescribeUser")
    assert sources(result) == [("user_alice_Own", "user")]


def test_role_inline_policy_is_named_role_name_policy() -> None:
    result = decide(ROLE, "connect:StartContactRecording")
    assert result["EvalDecision"] == "allowed"
    assert sources(result) == [("role_AgentRole_Record", "role")]


def test_aws_managed_policy_type_and_name() -> None:
    result = decide(ROLE, "connect:GetFederationToken")
    assert result["EvalDecision"] == "explicitDeny"
    assert sources(result) == [("AmazonConnectReadOnlyAccess", "aws-managed")]


def test_managed_policy_attached_twice_takes_part_once() -> None:
    result = decide(USER, "connect:ListUsers")
    assert sources(result) == [("AmazonConnectReadOnlyAccess", "aws-managed")]


def test_group_as_policy_source_uses_its_own_policies() -> None:
    assert decide(GROUP, "connect:DescribeQueue")["EvalDecision"] == "allowed"
    assert decide(GROUP, "connect:DescribeUser")["EvalDecision"] == "implicitDeny"


def test_only_the_default_version_of_a_managed_policy_counts() -> None:
    # v1 of TeamAccess allows connect:*; v2 (default) allows only UpdateUserHierarchy.
    assert decide(USER, "connect:DeleteUser")["EvalDecision"] == "implicitDeny"


def test_policy_input_list_adds_policies() -> None:
    result = decide(
        LONER, "connect:DeleteUser", PolicyInputList=[json.dumps(allow("connect:DeleteUser"))]
    )
    assert result["EvalDecision"] == "allowed"
    assert sources(result) == [("PolicyInputList.1", "IAM Policy")]


def test_principal_lookup_ignores_case() -> None:
    # IAM user names are unique regardless of case (IAM User Guide: IAM identifiers).
    assert decide(USER.upper().replace("ARN:AWS:IAM", "arn:aws:iam"), "connect:DescribeQueue")[
        "EvalDecision"
    ] == ("allowed")


# -- permissions boundary --------------------------------------------------------------------------


def test_boundary_from_snapshot_limits_the_role() -> None:
    result = decide(ROLE, "app-integrations:CreateEventIntegration")
    assert result["EvalDecision"] == "implicitDeny"
    assert result["PermissionsBoundaryDecisionDetail"] == {"AllowedByPermissionsBoundary": False}


def test_boundary_from_snapshot_allows_what_it_covers() -> None:
    result = decide(ROLE, "connect:StartContactRecording")
    assert result["PermissionsBoundaryDecisionDetail"] == {"AllowedByPermissionsBoundary": True}


def test_boundary_parameter_replaces_the_attached_boundary() -> None:
    boundary = json.dumps(allow("app-integrations:*"))
    result = decide(
        ROLE,
        "app-integrations:CreateEventIntegration",
        PermissionsBoundaryPolicyInputList=[boundary],
    )
    assert result["EvalDecision"] == "allowed"
    # ...and the replaced boundary no longer allows Connect actions.
    other = decide(
        ROLE, "connect:StartContactRecording", PermissionsBoundaryPolicyInputList=[boundary]
    )
    assert other["EvalDecision"] == "implicitDeny"


# -- PolicyExclusionList ---------------------------------------------------------------------------


def by_type(policy_type: str) -> dict[str, Any]:
    return {"PolicyType": policy_type}


def by_arn(arn: str) -> dict[str, Any]:
    return {"PolicyArn": arn}


def inline(kind: str, entity: str, name: str) -> dict[str, Any]:
    spec = {"PolicyName": name, "AttachmentType": kind, "AttachmentName": entity}
    return {"InlinePolicyIdentifier": spec}


UPDATE = "connect:UpdateUserHierarchy"
CREATE = "app-integrations:CreateEventIntegration"
FEDERATION = "connect:GetFederationToken"
QUEUE = "connect:DescribeQueue"
OURS = f"arn:aws:iam::{ACCOUNT}:policy"


@pytest.mark.parametrize(
    ("identifier", "principal", "action", "before", "after"),
    [
        (by_type("inline"), USER, "connect:DescribeQueue", "allowed", "implicitDeny"),
        (by_type("user-managed"), USER, UPDATE, "allowed", "implicitDeny"),
        (by_type("aws-managed"), ROLE, FEDERATION, "explicitDeny", "implicitDeny"),
        (by_type("permission-boundary"), ROLE, CREATE, "implicitDeny", "allowed"),
        (by_arn(TEAM_POLICY), USER, UPDATE, "allowed", "implicitDeny"),
        (by_arn(f"{OURS}/Team*"), USER, UPDATE, "allowed", "implicitDeny"),
        (by_arn(f"{OURS}/T?amAccess"), USER, UPDATE, "allowed", "implicitDeny"),
        (by_arn("arn:aws:iam::aws:policy/AmazonConnect*"), USER, "connect:ListUsers", "allowed",
         "implicitDeny"),
        (inline("group", "Agents", "Queues"), USER, "connect:DescribeQueue", "allowed",
         "implicitDeny"),
        (inline("group", "Ag*", "Queues"), USER, QUEUE, "allowed", "implicitDeny"),
        (inline("user", "alic?", "Own"), USER, "connect:DescribeUser", "allowed", "implicitDeny"),
    ],
)  # fmt: skip
def test_exclusion_removes_the_policy(
    identifier: dict[str, Any], principal: str, action: str, before: str, after: str
) -> None:
    assert decide(principal, action)["EvalDecision"] == before
    excluded = decide(principal, action, PolicyExclusionList=[identifier])
    assert excluded["EvalDecision"] == after


@pytest.mark.parametrize(
    "identifier",
    [
        by_arn(f"{OURS}/NotAttached"),
        inline("user", "Agents", "Queues"),
        inline("group", "Agents", "queues"),
        by_type("scp"),
        by_type("rcp"),
    ],
)
def test_valid_identifier_that_matches_nothing_is_ignored(identifier: dict[str, Any]) -> None:
    # "Syntactically valid identifiers that don't match any attached policy are ignored."
    assert decide(USER, "connect:DescribeQueue", PolicyExclusionList=[identifier])[
        "EvalDecision"
    ] == ("allowed")


def test_permission_boundary_is_not_excluded_by_policy_arn() -> None:
    # [INFERRED] PolicyArn names permissions policies; `permission-boundary` drops the boundary.
    result = decide(
        ROLE,
        "app-integrations:CreateEventIntegration",
        PolicyExclusionList=[{"PolicyArn": BOUNDARY}],
    )
    assert result["EvalDecision"] == "implicitDeny"


@pytest.mark.parametrize(
    ("identifier", "message"),
    [
        (by_type("managed"), "is not one of"),
        (by_arn(f"{OURS}/*Team*"), "at most one `*`"),
        (by_arn("arn:aws:iam::*:policy/TeamAccess"), "only in the policy name"),
        (by_arn("arn:aws:s3:::bucket/object-name"), "not a managed policy ARN"),
        ({"PolicyType": "inline", "PolicyArn": TEAM_POLICY}, "exactly one of"),
        ({}, "exactly one of"),
        (inline("user", "", "Own"), "`AttachmentName`"),
        (inline("bucket", "a", "Own"), "`AttachmentType`"),
        (inline("user", "*a*", "Own"), "at most one `*`"),
    ],
)
def test_malformed_identifier_is_invalid_input(identifier: dict[str, Any], message: str) -> None:
    with pytest.raises(RequestError, match=message):
        decide(USER, "connect:ListQueues", PolicyExclusionList=[identifier])


def test_exclusion_list_longer_than_256_is_invalid_input() -> None:
    with pytest.raises(RequestError, match="at most 256"):
        decide(USER, "connect:ListQueues", PolicyExclusionList=[{"PolicyType": "inline"}] * 257)


# -- NoSuchEntity and bad input --------------------------------------------------------------------


def test_unknown_principal_is_no_such_entity() -> None:
    with pytest.raises(NoSuchEntityError, match="user/carol"):
        decide(f"arn:aws:iam::{ACCOUNT}:user/carol", "connect:ListQueues")


def test_without_a_snapshot_every_principal_is_unknown() -> None:
    with pytest.raises(NoSuchEntityError, match="AccountAuthorizationDetails"):
        simulate_principal_policy(PolicySourceArn=USER, ActionNames=["connect:ListQueues"])


def test_missing_managed_policy_is_no_such_entity() -> None:
    snap = snapshot()
    snap["Policies"] = [p for p in snap["Policies"] if p["Arn"] != TEAM_POLICY]
    with pytest.raises(NoSuchEntityError, match="TeamAccess"):
        decide(USER, "connect:ListQueues", snap)


def test_missing_group_is_no_such_entity() -> None:
    snap = snapshot()
    snap["GroupDetailList"] = []
    with pytest.raises(NoSuchEntityError, match="`Agents`"):
        decide(USER, "connect:ListQueues", snap)


def test_policy_source_arn_is_required() -> None:
    with pytest.raises(RequestError, match="PolicySourceArn"):
        simulate_principal_policy(
            AccountAuthorizationDetails=snapshot(), ActionNames=["connect:ListQueues"]
        )


def test_unknown_parameter_is_invalid_input() -> None:
    with pytest.raises(RequestError, match="PolicySourcArn"):
        decide(USER, "connect:ListQueues", PolicySourcArn=USER)


def versions(*entries: Any) -> dict[str, Any]:
    return {"Policies": [{"PolicyName": "p", "Arn": TEAM_POLICY, "PolicyVersionList": [*entries]}]}


NO_DOCUMENT = {"RoleName": "r", "Arn": ROLE, "RolePolicyList": [{"PolicyName": "x"}]}


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ([], "must be the parsed JSON"),
        ({"Users": []}, "get-account-authorization-details"),
        ({"UserDetailList": {}}, "`UserDetailList` must be a list"),
        ({"UserDetailList": [{"UserName": "a"}]}, r"UserDetailList\[0\] has no `Arn`"),
        ({"RoleDetailList": [NO_DOCUMENT]}, "has no `PolicyDocument`"),
        (versions(), "no default policy version"),
        (versions({"IsDefaultVersion": True, "Document": 3}), "JSON text or an object"),
    ],
)
def test_malformed_snapshot_is_request_error(data: Any, message: str) -> None:
    with pytest.raises(RequestError, match=message):
        AccountSnapshot.load(data)


def test_invalid_policy_in_snapshot_names_the_policy() -> None:
    snap = snapshot()
    snap["UserDetailList"][0]["UserPolicyList"][0]["PolicyDocument"] = '{"Statement": [}'
    with pytest.raises(PolicyError, match="user_alice_Own"):
        decide(USER, "connect:ListQueues", snap)
    # Other principals do not depend on that policy: documents are parsed when first used.
    assert decide(LONER, "connect:ListQueues", snap)["EvalDecision"] == "implicitDeny"


# -- document spellings ----------------------------------------------------------------------------


def _with_document(document: Any) -> dict[str, Any]:
    snap = snapshot()
    snap["UserDetailList"][1]["UserPolicyList"] = [
        {"PolicyName": "Spelled", "PolicyDocument": document}
    ]
    return snap


POLICY = {
    "Version": "2012-10-17",
    "Statement": [
        {"Effect": "Allow", "Action": "connect:ListQueues", "Resource": f"{INSTANCE}/queue/*"},
        {"Effect": "Deny", "Action": "connect:ListQueues", "Resource": f"{INSTANCE}/queue/q-1"},
    ],
}


@pytest.mark.parametrize(
    "document",
    [
        POLICY,
        json.dumps(POLICY, indent=2),
        urllib.parse.quote(json.dumps(POLICY, indent=2), safe=""),
        urllib.parse.quote(json.dumps(POLICY)),
    ],
    ids=["object", "json-text", "url-encoded", "url-encoded-compact"],
)
def test_every_document_spelling_decides_the_same(document: Any) -> None:
    snap = _with_document(document)
    allowed = decide(LONER, "connect:ListQueues", snap, ResourceArns=[f"{INSTANCE}/queue/q-2"])
    denied = decide(LONER, "connect:ListQueues", snap, ResourceArns=[f"{INSTANCE}/queue/q-1"])
    assert allowed["EvalDecision"] == "allowed"
    assert denied["EvalDecision"] == "explicitDeny"
    assert sources(denied) == [("user_bob_Spelled", "user")]


def test_url_encoded_positions_refer_to_the_decoded_text() -> None:
    text = json.dumps(POLICY, indent=2)
    snap = _with_document(urllib.parse.quote(text, safe=""))
    result = decide(LONER, "connect:ListQueues", snap, ResourceArns=[f"{INSTANCE}/queue/q-1"])
    start = result["MatchedStatements"][0]["StartPosition"]
    line = text.splitlines()[start["Line"] - 1]
    # AWS reports the column one past the statement's `{`, 1-based (iam-semantics §6.3).
    assert line[start["Column"] - 2] == "{"


def test_document_text_decodes_url_encoding_only_when_not_json() -> None:
    assert document_text('{"a": "%41"}') == '{"a": "%41"}'
    assert document_text("%7B%22a%22%3A%201%7D") == '{"a": 1}'
    assert json.loads(document_text({"a": 1})) == {"a": 1}


# -- CallerArn, context keys, loading --------------------------------------------------------------


def test_caller_arn_defaults_to_policy_source_arn() -> None:
    resource_policy = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"AWS": LONER},
                "Action": "connect:DescribeQueue",
                "Resource": "*",
            }
        ],
    }
    params = {
        "ResourcePolicy": json.dumps(resource_policy),
        "ResourceArns": [f"{INSTANCE}/queue/q"],
    }
    # No CallerArn: the caller is bob himself, whom the resource policy names (same account, a
    # user principal: the resource policy alone allows; IAM User Guide: policy evaluation logic).
    assert decide(LONER, "connect:DescribeQueue", **params)["EvalDecision"] == "allowed"
    # Another caller is not named by the resource policy.
    other = decide(LONER, "connect:DescribeQueue", CallerArn=USER, **params)
    assert other["EvalDecision"] == "implicitDeny"


def test_context_keys_cover_user_group_and_extra_policies() -> None:
    snap = snapshot()
    snap["GroupDetailList"][0]["GroupPolicyList"][0]["PolicyDocument"] = allow(
        "connect:ListQueues", Condition={"StringEquals": {"connect:InstanceId": "i-1"}}
    )
    extra = allow("connect:ListUsers", Condition={"IpAddress": {"aws:SourceIp": "10.0.0.0/8"}})
    keys = get_context_keys_for_principal_policy(
        AccountAuthorizationDetails=snap, PolicySourceArn=USER, PolicyInputList=[json.dumps(extra)]
    )
    assert keys == {"ContextKeyNames": ["connect:InstanceId", "aws:SourceIp"]}


def test_context_keys_include_the_attached_boundary() -> None:
    snap = snapshot()
    snap["Policies"][1] = managed(
        BOUNDARY, allow("connect:*", Condition={"Bool": {"aws:SecureTransport": "true"}})
    )
    keys = get_context_keys_for_principal_policy(
        AccountAuthorizationDetails=snap, PolicySourceArn=ROLE
    )
    assert keys["ContextKeyNames"] == ["aws:SecureTransport"]


def test_snapshot_loads_from_path_text_object_and_itself() -> None:
    from_path = AccountSnapshot.load(EXAMPLE)
    from_str_path = AccountSnapshot.load(str(EXAMPLE))
    text = EXAMPLE.read_text(encoding="utf-8")
    from_text = AccountSnapshot.load(text)
    from_object = AccountSnapshot.load(json.loads(text))
    assert AccountSnapshot.load(from_path) is from_path
    assert from_path.principals == from_str_path.principals == from_text.principals
    assert from_object.principals == from_path.principals


def test_unreadable_snapshot_path_is_request_error(tmp_path: Path) -> None:
    with pytest.raises(RequestError, match="cannot read"):
        AccountSnapshot.load(tmp_path / "missing.json")


def test_loaded_snapshot_is_reused_across_calls() -> None:
    snap = AccountSnapshot.load(copy.deepcopy(snapshot()))
    first = decide(USER, "connect:ListQueues", snap)
    second = decide(USER, "connect:ListQueues", snap)
    assert first == second


def test_example_snapshot_decides_as_documented() -> None:
    admin = f"arn:aws:iam::{ACCOUNT}:user/connect-admin"
    agent = f"arn:aws:iam::{ACCOUNT}:role/ContactCenterAgent"
    instance = (
        "arn:aws:connect:us-east-1:123456789012:instance/00fbeee1-123e-111e-93e3-11111bfbfcc1"
    )
    assert decide(admin, "connect:DescribeQueue", EXAMPLE, ResourceArns=[f"{instance}/queue/q"])[
        "EvalDecision"
    ] == ("allowed")
    assert decide(admin, "connect:DeleteUser", EXAMPLE, ResourceArns=[f"{instance}/agent/a"])[
        "EvalDecision"
    ] == ("explicitDeny")
    # The agent role's inline policy allows CreateEventIntegration; its boundary does not.
    blocked = decide(agent, "app-integrations:CreateEventIntegration", EXAMPLE)
    assert blocked["EvalDecision"] == "implicitDeny"
    assert blocked["PermissionsBoundaryDecisionDetail"] == {"AllowedByPermissionsBoundary": False}


def test_pagination_as_simulate_custom_policy() -> None:
    response = simulate_principal_policy(
        AccountAuthorizationDetails=snapshot(),
        PolicySourceArn=USER,
        ActionNames=["connect:ListQueues", "connect:ListUsers", "connect:DescribeUser"],
        MaxItems=2,
    )
    assert response["IsTruncated"] is True and len(response["EvaluationResults"]) == 2
    rest = simulate_principal_policy(
        AccountAuthorizationDetails=snapshot(),
        PolicySourceArn=USER,
        ActionNames=["connect:ListQueues", "connect:ListUsers", "connect:DescribeUser"],
        MaxItems=2,
        Marker=response["Marker"],
    )
    assert [r["EvalActionName"] for r in rest["EvaluationResults"]] == ["connect:DescribeUser"]
