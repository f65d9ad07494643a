"""`SimulatePrincipalPolicy` and `GetContextKeysForPrincipalPolicy`, offline, over a snapshot.

AWS reads the principal's policies from IAM; we read them from the output of
`aws iam get-account-authorization-details` (the format cloudsplaining and PMapper consume), passed
as the extension parameter `AccountAuthorizationDetails` or loaded once with `AccountSnapshot.load`.

Which policies take part (IAM API: SimulatePrincipalPolicy, `PolicySourceArn`; IAM User Guide:
"Policy evaluation logic", identity-based policies include the policies of the user's groups):

- a user: its inline policies, its attached managed policies, then for each group it belongs to
  (in `GroupList` order) that group's inline and attached managed policies;
- a role: its inline and attached managed policies;
- a group: its inline and attached managed policies;
- the permissions boundary attached to the user or role (`PermissionsBoundary`), unless
  `PermissionsBoundaryPolicyInputList` is given: "the new permissions boundary policy is used";
- `PolicyInputList`: extra identity policies, named `PolicyInputList.N` as in SimulateCustomPolicy.

`SourcePolicyId` / `SourcePolicyType` as the simulator reports them (iam-semantics §6.3): a
managed policy is named by its policy name and typed `aws-managed` (ARN has `:aws:policy/`) or
`user-managed`; an inline policy is `user_<user>_<policy>`, `group_<group>_<policy>` or
`role_<role>_<policy>`, typed `user`, `group` or `role`.

Decisions taken where AWS is silent ([INFERRED], documented in docs/simulate-principal.md):

- A managed policy attached twice (to the user and to one of its groups) takes part once.
- `PolicyExclusionList` removes attached policies only. `PolicyArn` and the `aws-managed` /
  `user-managed` types match permissions policies, not the boundary; only `permission-boundary`
  removes the attached boundary. Policies passed as parameters are never excluded. `scp`
  excludes `OrderedOrganizationPolicyInputList` (our extension); `rcp` is ignored, as AWS says.
- A policy document given as a JSON object (what the AWS CLI and boto3 print) is serialized with
  4-space indentation before parsing, so `StartPosition` / `EndPosition` refer to that text.
- A managed policy that an entity references but the snapshot does not contain raises
  NoSuchEntityError: run `get-account-authorization-details` without a `--filter`.
"""

from __future__ import annotations

import json
import os
import re
import urllib.parse
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from connect_iam.errors import NoSuchEntityError, RequestError
from connect_iam.evaluator.prepare import PolicyInput, PreparedPolicySet
from connect_iam.evaluator.simulator import (
    SHAPE_PER_ACTION,
    SHAPE_PER_RESOURCE,
    _policy,
    _string_list,
    check_parameters,
    context_keys,
    evaluation_results,
    paginate,
    policy_inputs_from_params,
    request_from_params,
    simulate,
)
from connect_iam.model.decision import ActionResult
from connect_iam.model.policy import PolicyType
from connect_iam.syntax.policy_parser import load_policy

SNAPSHOT_PARAM = "AccountAuthorizationDetails"
MAX_EXCLUSIONS = 256  # PolicyExclusionsListType max (IAM API)

_PRINCIPAL_PARAMS = frozenset(
    {
        "PolicySourceArn",
        "PolicyInputList",
        "PolicyExclusionList",
        "PermissionsBoundaryPolicyInputList",
        "ActionNames",
        "ResourceArns",
        "ResourcePolicy",
        "ResourceOwner",
        "CallerArn",
        "ContextEntries",
        "ResourceHandlingOption",
        "MaxItems",
        "Marker",
        # extensions
        SNAPSHOT_PARAM,
        "SessionPolicyInputList",
        "OrderedOrganizationPolicyInputList",
        "OrderedResourceControlPolicyInputList",
        "EvaluationResultShape",
    }
)

_EXCLUSION_TYPES = frozenset(
    {"inline", "aws-managed", "user-managed", "permission-boundary", "scp", "rcp"}
)
_ATTACHMENT_TYPES = frozenset({"user", "group", "role"})


# -- the snapshot ----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class InlinePolicy:
    """A policy embedded in one user, group or role."""

    name: str
    text: str


@dataclass(frozen=True, slots=True)
class ManagedPolicy:
    """The default version of a managed policy (IAM: managed policy versions)."""

    arn: str
    name: str
    text: str

    @property
    def source_type(self) -> str:
        """`aws-managed` for AWS's policies (`arn:aws:iam::aws:policy/...`), else user-managed."""
        return "aws-managed" if ":aws:policy/" in self.arn else "user-managed"


@dataclass(frozen=True, slots=True)
class Entity:
    """A user, group or role of the snapshot, with what is attached to it."""

    kind: str  # "user" | "group" | "role"
    name: str
    arn: str
    inline: tuple[InlinePolicy, ...]
    attached: tuple[str, ...]  # managed policy ARNs
    groups: tuple[str, ...] = ()  # users only: group names
    boundary: str | None = None  # managed policy ARN


@dataclass(frozen=True, slots=True)
class Exclusions:
    """A parsed `PolicyExclusionList`."""

    types: frozenset[str] = frozenset()
    arns: tuple[re.Pattern[str], ...] = ()
    inline: tuple[tuple[str, str, re.Pattern[str]], ...] = ()  # (kind, policy name, entity name)

    def excludes_inline(self, kind: str, entity: str, policy: str) -> bool:
        if "inline" in self.types:
            return True
        return any(
            k == kind and name == policy and pattern.fullmatch(entity)
            for k, name, pattern in self.inline
        )

    def excludes_managed(self, policy: ManagedPolicy) -> bool:
        if policy.source_type in self.types:
            return True
        return any(pattern.fullmatch(policy.arn) for pattern in self.arns)


NO_EXCLUSIONS = Exclusions()


@dataclass(slots=True)
class PrincipalPolicies:
    """The policies of one principal, as the simulator uses them."""

    entity: Entity
    identity: list[PolicyInput]
    boundary: PolicyInput | None


class AccountSnapshot:
    """The users, groups, roles and managed policies of one `get-account-authorization-details`.

    Load once, simulate many: parsed policies are cached, so the CLI and the server pay for each
    document once. Structure is checked when loading; policy documents are parsed when first used.
    """

    def __init__(
        self,
        entities: Mapping[str, Entity],
        groups: Mapping[str, Entity],
        policies: Mapping[str, ManagedPolicy],
    ) -> None:
        self._entities = dict(entities)  # lower-cased ARN -> entity
        self._groups = dict(groups)  # lower-cased group name -> group
        self._policies = dict(policies)  # ARN -> managed policy
        self._parsed: dict[tuple[str, str, str], PolicyInput] = {}

    # loading --------------------------------------------------------------------------------------

    @classmethod
    def load(
        cls, source: AccountSnapshot | Mapping[str, Any] | str | os.PathLike[str]
    ) -> AccountSnapshot:
        """Read a snapshot from parsed JSON, a path, or JSON text; RequestError if malformed."""
        if isinstance(source, AccountSnapshot):
            return source
        if isinstance(source, Mapping):
            return cls.from_json(source)
        if isinstance(source, str) and source.lstrip().startswith("{"):
            return cls.from_json(_json_text(source, "account snapshot"))
        if isinstance(source, str | os.PathLike):
            path = Path(source)
            try:
                text = path.read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError) as error:
                raise RequestError(f"cannot read account snapshot `{path}`: {error}") from None
            return cls.from_json(_json_text(text, str(path)))
        raise RequestError(
            f"`{SNAPSHOT_PARAM}` must be the parsed JSON of `aws iam "
            "get-account-authorization-details` or the path of a file holding it"
        )

    @classmethod
    def from_json(cls, data: Any) -> AccountSnapshot:
        """Build from the parsed output of `get-account-authorization-details` (IAM API)."""
        if not isinstance(data, Mapping):
            raise RequestError(
                "account snapshot: expected a JSON object with `UserDetailList`, "
                "`GroupDetailList`, `RoleDetailList` and `Policies`"
            )
        known = ("UserDetailList", "GroupDetailList", "RoleDetailList", "Policies")
        if not any(k in data for k in known):
            raise RequestError(
                "account snapshot: none of "
                + ", ".join(f"`{k}`" for k in known)
                + " found; is this the output of `aws iam get-account-authorization-details`?"
            )
        entities: dict[str, Entity] = {}
        groups: dict[str, Entity] = {}
        for index, item in enumerate(_list(data, "UserDetailList")):
            where = f"UserDetailList[{index}]"
            entity = _entity(item, where, "user", "UserName", "UserPolicyList")
            group_names = _list(item, "GroupList", where)
            if not all(isinstance(g, str) for g in group_names):
                raise RequestError(f"account snapshot: {where}.GroupList must list group names")
            entity = Entity(
                kind="user",
                name=entity.name,
                arn=entity.arn,
                inline=entity.inline,
                attached=entity.attached,
                groups=tuple(group_names),
                boundary=_boundary(item, where),
            )
            entities[entity.arn.lower()] = entity
        for index, item in enumerate(_list(data, "GroupDetailList")):
            entity = _entity(
                item, f"GroupDetailList[{index}]", "group", "GroupName", "GroupPolicyList"
            )
            entities[entity.arn.lower()] = entity
            groups[entity.name.lower()] = entity
        for index, item in enumerate(_list(data, "RoleDetailList")):
            where = f"RoleDetailList[{index}]"
            entity = _entity(item, where, "role", "RoleName", "RolePolicyList")
            entity = Entity(
                kind="role",
                name=entity.name,
                arn=entity.arn,
                inline=entity.inline,
                attached=entity.attached,
                boundary=_boundary(item, where),
            )
            entities[entity.arn.lower()] = entity
        policies: dict[str, ManagedPolicy] = {}
        for index, item in enumerate(_list(data, "Policies")):
            policy = _managed(item, f"Policies[{index}]")
            policies[policy.arn] = policy
        return cls(entities, groups, policies)

    # queries --------------------------------------------------------------------------------------

    @property
    def principals(self) -> tuple[str, ...]:
        """Every user, group and role ARN, as spelled in the snapshot."""
        return tuple(e.arn for e in self._entities.values())

    def entity(self, arn: str) -> Entity:
        """The user, group or role `arn` names; NoSuchEntityError (AWS: NoSuchEntity) if absent.

        IAM names are unique case-insensitively (IAM User Guide: IAM identifiers), so is the lookup.
        """
        found = self._entities.get(arn.lower())
        if found is None:
            raise NoSuchEntityError(
                f"the principal `{arn}` is not in the account snapshot "
                f"({len(self._entities)} users, groups and roles)"
            )
        return found

    def managed(self, arn: str, attached_to: Entity) -> ManagedPolicy:
        found = self._policies.get(arn)
        if found is None:
            raise NoSuchEntityError(
                f"the managed policy `{arn}` attached to `{attached_to.arn}` is not in the account "
                "snapshot; run `aws iam get-account-authorization-details` without `--filter`"
            )
        return found

    def policies_of(self, arn: str, exclusions: Exclusions = NO_EXCLUSIONS) -> PrincipalPolicies:
        """The identity policies and boundary of `arn`, in the order the simulator lists them."""
        entity = self.entity(arn)
        identity: list[PolicyInput] = []
        seen_managed: set[str] = set()

        def add_entity(owner: Entity) -> None:
            for inline in owner.inline:
                if exclusions.excludes_inline(owner.kind, owner.name, inline.name):
                    continue
                identity.append(self._inline_input(owner, inline))
            for policy_arn in owner.attached:
                if policy_arn in seen_managed:
                    continue
                seen_managed.add(policy_arn)
                policy = self.managed(policy_arn, owner)
                if exclusions.excludes_managed(policy):
                    continue
                identity.append(self._managed_input(policy, PolicyType.IDENTITY))

        add_entity(entity)
        for group_name in entity.groups:
            group = self._groups.get(group_name.lower())
            if group is None:
                raise NoSuchEntityError(
                    f"the group `{group_name}` of `{entity.arn}` is not in the account snapshot"
                )
            add_entity(group)
        boundary = None
        if entity.boundary is not None and "permission-boundary" not in exclusions.types:
            boundary = self._managed_input(
                self.managed(entity.boundary, entity), PolicyType.BOUNDARY
            )
        return PrincipalPolicies(entity, identity, boundary)

    def _inline_input(self, owner: Entity, inline: InlinePolicy) -> PolicyInput:
        policy_id = f"{owner.kind}_{owner.name}_{inline.name}"
        key = ("inline", owner.arn, inline.name)
        cached = self._parsed.get(key)
        if cached is None:
            document = load_policy(inline.text, name=policy_id, policy_type=PolicyType.IDENTITY)
            cached = self._parsed[key] = PolicyInput(document, policy_id, owner.kind)
        return cached

    def _managed_input(self, policy: ManagedPolicy, policy_type: PolicyType) -> PolicyInput:
        key = ("managed", policy.arn, policy_type.value)
        cached = self._parsed.get(key)
        if cached is None:
            document = load_policy(policy.text, name=policy.name, policy_type=policy_type)
            cached = self._parsed[key] = PolicyInput(document, policy.name, policy.source_type)
        return cached


# -- snapshot structure ----------------------------------------------------------------------------


def _json_text(text: str, name: str) -> Any:
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        raise RequestError(
            f"{name}: not valid JSON (line {error.lineno}, column {error.colno}: {error.msg})"
        ) from None


def _list(data: Mapping[str, Any], key: str, where: str = "") -> list[Any]:
    value = data.get(key, [])
    if not isinstance(value, list):
        prefix = f"{where}." if where else ""
        raise RequestError(f"account snapshot: `{prefix}{key}` must be a list")
    return value


def _text(data: Any, key: str, where: str) -> str:
    value = data.get(key) if isinstance(data, Mapping) else None
    if not isinstance(value, str) or not value:
        raise RequestError(f"account snapshot: {where} has no `{key}` string")
    return value


def _entity(item: Any, where: str, kind: str, name_key: str, inline_key: str) -> Entity:
    if not isinstance(item, Mapping):
        raise RequestError(f"account snapshot: {where} must be an object")
    name = _text(item, name_key, where)
    arn = _text(item, "Arn", where)
    inline = []
    for index, entry in enumerate(_list(item, inline_key, where)):
        entry_where = f"{where}.{inline_key}[{index}]"
        inline.append(
            InlinePolicy(
                _text(entry, "PolicyName", entry_where),
                document_text(_document(entry, "PolicyDocument", entry_where), entry_where),
            )
        )
    attached = []
    for index, entry in enumerate(_list(item, "AttachedManagedPolicies", where)):
        attached.append(_text(entry, "PolicyArn", f"{where}.AttachedManagedPolicies[{index}]"))
    return Entity(kind=kind, name=name, arn=arn, inline=tuple(inline), attached=tuple(attached))


def _boundary(item: Mapping[str, Any], where: str) -> str | None:
    boundary = item.get("PermissionsBoundary")
    if boundary is None:
        return None
    return _text(boundary, "PermissionsBoundaryArn", f"{where}.PermissionsBoundary")


def _document(entry: Any, key: str, where: str) -> Any:
    if not isinstance(entry, Mapping) or key not in entry:
        raise RequestError(f"account snapshot: {where} has no `{key}`")
    return entry[key]


def _managed(item: Any, where: str) -> ManagedPolicy:
    if not isinstance(item, Mapping):
        raise RequestError(f"account snapshot: {where} must be an object")
    arn = _text(item, "Arn", where)
    name = _text(item, "PolicyName", where)
    versions = _list(item, "PolicyVersionList", where)
    default_id = item.get("DefaultVersionId")
    chosen = None
    for index, version in enumerate(versions):
        if not isinstance(version, Mapping):
            raise RequestError(
                f"account snapshot: {where}.PolicyVersionList[{index}] must be an object"
            )
        if version.get("IsDefaultVersion") is True or (
            default_id is not None and version.get("VersionId") == default_id
        ):
            chosen = (index, version)
            break
    if chosen is None:
        raise RequestError(f"account snapshot: {where} (`{arn}`) has no default policy version")
    index, version = chosen
    version_where = f"{where}.PolicyVersionList[{index}]"
    text = document_text(_document(version, "Document", version_where), version_where)
    return ManagedPolicy(arn=arn, name=name, text=text)


def document_text(document: Any, where: str = "policy document") -> str:
    """Policy JSON text from any of the three spellings a snapshot carries.

    The IAM API returns documents URL-encoded (RFC 3986, IAM API: GetAccountAuthorizationDetails);
    the AWS CLI and boto3 decode them into JSON objects; some tools keep them as plain JSON text.
    """
    if isinstance(document, Mapping):
        return json.dumps(document, indent=4)
    if not isinstance(document, str):
        raise RequestError(
            f"account snapshot: {where}: a policy document must be JSON text or an object"
        )
    stripped = document.lstrip()
    if stripped.startswith("{") or not stripped:
        return document
    return urllib.parse.unquote(document)


# -- parameters ------------------------------------------------------------------------------------


def _name_glob(pattern: str, what: str) -> re.Pattern[str]:
    """At most one `*` (any sequence) and any number of `?` (one character) (IAM API:
    PolicyIdentifier)."""
    if pattern.count("*") > 1:
        raise RequestError(f"{what} `{pattern}`: use at most one `*`")
    return re.compile(
        "".join(".*" if c == "*" else "." if c == "?" else re.escape(c) for c in pattern),
        re.DOTALL,
    )


def exclusions_from_params(params: Mapping[str, Any]) -> Exclusions:
    """Parse `PolicyExclusionList` (IAM API: SimulatePrincipalPolicy, PolicyIdentifier union).

    Syntactically invalid identifiers fail with InvalidInput; valid ones that match nothing are
    ignored, as AWS documents.
    """
    value = params.get("PolicyExclusionList")
    if value is None:
        return NO_EXCLUSIONS
    if not isinstance(value, list | tuple) or len(value) > MAX_EXCLUSIONS:
        raise RequestError(
            "parameter `PolicyExclusionList` must be a list of at most "
            f"{MAX_EXCLUSIONS} identifiers"
        )
    types: set[str] = set()
    arns: list[re.Pattern[str]] = []
    inline: list[tuple[str, str, re.Pattern[str]]] = []
    for index, item in enumerate(value, start=1):
        where = f"`PolicyExclusionList` entry {index}"
        if not isinstance(item, Mapping) or len(item) != 1:
            raise RequestError(
                f"{where} must have exactly one of `PolicyType`, `PolicyArn`, "
                "`InlinePolicyIdentifier`"
            )
        ((key, member),) = item.items()
        if key == "PolicyType":
            if member not in _EXCLUSION_TYPES:
                raise RequestError(
                    f"{where}: `PolicyType` `{member}` is not one of "
                    + ", ".join(f"`{t}`" for t in sorted(_EXCLUSION_TYPES))
                )
            types.add(member)
        elif key == "PolicyArn":
            arns.append(_policy_arn_pattern(member, where))
        elif key == "InlinePolicyIdentifier":
            if not isinstance(member, Mapping):
                raise RequestError(f"{where}: `InlinePolicyIdentifier` must be an object")
            for required in ("PolicyName", "AttachmentType", "AttachmentName"):
                if not isinstance(member.get(required), str) or not member[required]:
                    raise RequestError(f"{where}: `InlinePolicyIdentifier` needs `{required}`")
            kind = member["AttachmentType"]
            if kind not in _ATTACHMENT_TYPES:
                raise RequestError(
                    f"{where}: `AttachmentType` `{kind}` must be `user`, `group` or `role`"
                )
            name_pattern = _name_glob(member["AttachmentName"], f"{where}: `AttachmentName`")
            inline.append((kind, member["PolicyName"], name_pattern))
        else:
            raise RequestError(f"{where}: unknown member `{key}`")
    return Exclusions(frozenset(types), tuple(arns), tuple(inline))


def _policy_arn_pattern(arn: Any, where: str) -> re.Pattern[str]:
    if not isinstance(arn, str) or not 20 <= len(arn) <= 2048:
        raise RequestError(f"{where}: `PolicyArn` must be an ARN of 20 to 2048 characters")
    fields = arn.split(":", 5)
    if (
        len(fields) != 6
        or fields[0] != "arn"
        or fields[2] != "iam"
        or not fields[5].startswith("policy/")
    ):
        raise RequestError(f"{where}: `{arn}` is not a managed policy ARN")
    prefix = ":".join(fields[:5]) + ":"
    if any(c in prefix for c in "*?"):
        raise RequestError(f"{where}: `{arn}`: wildcards are allowed only in the policy name part")
    return re.compile(re.escape(prefix) + _name_glob(fields[5], f"{where}: `PolicyArn`").pattern)


def _source_arn(params: Mapping[str, Any]) -> str:
    if "PolicySourceArn" not in params:
        raise RequestError("missing required parameter `PolicySourceArn`")
    arn = params["PolicySourceArn"]
    if not isinstance(arn, str) or not 20 <= len(arn) <= 2048 or not arn.startswith("arn:"):
        raise RequestError(f"`PolicySourceArn` `{arn}` is not an ARN of 20 to 2048 characters")
    return arn


def _snapshot(params: Mapping[str, Any]) -> AccountSnapshot:
    if params.get(SNAPSHOT_PARAM) is None:
        # No local entity store: every principal is unknown (iam-semantics §6.2).
        raise NoSuchEntityError(
            f"no account snapshot: pass `{SNAPSHOT_PARAM}` (the output of `aws iam "
            "get-account-authorization-details`) to simulate a principal offline"
        )
    return AccountSnapshot.load(params[SNAPSHOT_PARAM])


def principal_policy_set(
    snapshot: AccountSnapshot, params: Mapping[str, Any]
) -> tuple[PreparedPolicySet, Entity]:
    """Compile the principal's policies plus the policies given as parameters."""
    arn = _source_arn(params)
    exclusions = exclusions_from_params(params)
    found = snapshot.policies_of(arn, exclusions)
    given = policy_inputs_from_params(params, identity_required=False)
    # The principal's own policies come first; a boundary given as a parameter replaces the
    # attached one (IAM API: SimulatePrincipalPolicy PermissionsBoundaryPolicyInputList).
    given.identity = [*found.identity, *given.identity]
    if given.boundary is None:
        given.boundary = found.boundary
    if "scp" in exclusions.types:
        given.scp_levels = []
    prepared = given.prepare()
    return prepared, found.entity


# -- the API ---------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class PrincipalOutcome:
    """One SimulatePrincipalPolicy call: boto3's response plus the values behind it (for the CLI's
    human output)."""

    response: dict[str, Any]
    results: tuple[ActionResult, ...]
    policy_set: PreparedPolicySet
    entity: Entity


def simulate_principal(params: Mapping[str, Any]) -> PrincipalOutcome:
    """`simulate_principal_policy`, keeping the decisions as values as well as the response."""
    check_parameters(params, _PRINCIPAL_PARAMS)
    shape = params.get("EvaluationResultShape", SHAPE_PER_ACTION)
    if shape not in (SHAPE_PER_ACTION, SHAPE_PER_RESOURCE):
        raise RequestError(
            f"`EvaluationResultShape` must be `{SHAPE_PER_ACTION}` or `{SHAPE_PER_RESOURCE}`"
        )
    source_arn = _source_arn(params)
    request_params = dict(params)
    if request_params.get("CallerArn") is None:
        # "If you do not specify a CallerArn, it defaults to the ARN of the user, group, or role
        # that you specify in PolicySourceArn" (IAM API: SimulatePrincipalPolicy).
        request_params["CallerArn"] = source_arn
    request = request_from_params(request_params)
    snapshot = _snapshot(params)
    policy_set, entity = principal_policy_set(snapshot, params)
    results = simulate(policy_set, request)
    response = paginate(evaluation_results(results, shape), params)
    return PrincipalOutcome(response, results, policy_set, entity)


def simulate_principal_policy(**params: Any) -> dict[str, Any]:
    """Offline `iam.simulate_principal_policy`: boto3's parameters and response shape.

    Extension: `AccountAuthorizationDetails`, the snapshot (parsed JSON, JSON text, a path, or an
    `AccountSnapshot`). `CallerArn` defaults to `PolicySourceArn` (IAM API:
    SimulatePrincipalPolicy, CallerArn).

    Raises NoSuchEntityError (AWS: NoSuchEntity) for a principal the snapshot does not hold,
    RequestError (AWS: InvalidInput) for malformed parameters or snapshot, PolicyError for a policy
    that cannot be parsed.
    """
    return simulate_principal(params).response


def get_context_keys_for_principal_policy(**params: Any) -> dict[str, Any]:
    """Offline `iam.get_context_keys_for_principal_policy`: the condition keys of every policy
    attached to the principal (its groups' too, for a user), plus `PolicyInputList`.

    [INFERRED] the attached permissions boundary counts as attached: its keys are evaluated.
    """
    check_parameters(params, frozenset({"PolicySourceArn", "PolicyInputList", SNAPSHOT_PARAM}))
    arn = _source_arn(params)
    snapshot = _snapshot(params)
    found = snapshot.policies_of(arn)
    inputs: list[PolicyInput] = list(found.identity)
    if found.boundary is not None:
        inputs.append(found.boundary)
    inputs.extend(
        _policy(text, f"PolicyInputList.{i}", PolicyType.IDENTITY)
        for i, text in enumerate(_string_list(params, "PolicyInputList"), 1)
    )
    return {"ContextKeyNames": context_keys(inputs)}


__all__ = [
    "AccountSnapshot",
    "Entity",
    "Exclusions",
    "ManagedPolicy",
    "PrincipalOutcome",
    "document_text",
    "exclusions_from_params",
    "get_context_keys_for_principal_policy",
    "principal_policy_set",
    "simulate_principal",
    "simulate_principal_policy",
]
