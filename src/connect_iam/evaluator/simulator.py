"""The IAM policy simulator's API, offline: boto3's parameter names in, boto3's response shape out.

`simulate_custom_policy(**params)` accepts exactly what `boto3.client("iam").simulate_custom_policy`
accepts, so code written against AWS runs unchanged. Our extensions are parameters AWS does not
have (`SessionPolicyInputList`, `OrderedResourceControlPolicyInputList`, `EvaluationResultShape`)
and one response member (`Warnings`); each is documented in docs/simulate.md.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from connect_iam.errors import PolicyError, RequestError
from connect_iam.evaluator.decide import Caller, decide_resource
from connect_iam.evaluator.fastpath import FastDecider
from connect_iam.evaluator.prepare import PolicyInput, PreparedPolicySet, prepare
from connect_iam.model.context import RequestContext
from connect_iam.model.decision import (
    ActionResult,
    EvalDecision,
    MatchedStatement,
    PolicyRole,
    ResourceResult,
)
from connect_iam.model.policy import PolicyType
from connect_iam.source import Position
from connect_iam.syntax.policy_parser import load_policy

MAX_POLICY_CHARS = 131_072  # policyDocumentType max length (IAM API)
MAX_ORG_LEVELS = 7
SHAPE_PER_ACTION = "action"
SHAPE_PER_RESOURCE = "action-resource"

CUSTOM_PARAMETERS = frozenset(
    {
        "PolicyInputList",
        "PermissionsBoundaryPolicyInputList",
        "OrderedOrganizationPolicyInputList",
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
        "SessionPolicyInputList",
        "OrderedResourceControlPolicyInputList",
        "EvaluationResultShape",
    }
)


@dataclass(frozen=True, slots=True, kw_only=True)
class SimulationRequest:
    """The request half of a simulation: what is asked, independent of the policies."""

    actions: tuple[str, ...]
    resources: tuple[str, ...] | None  # None: ResourceArns not given, AWS simulates `*`
    context: RequestContext
    caller: Caller


# -- parameter checking --------------------------------------------------------------------------


def _string_list(params: Mapping[str, Any], name: str, *, required: bool = False) -> list[str]:
    if name not in params:
        if required:
            raise RequestError(f"missing required parameter `{name}`")
        return []
    value = params[name]
    if not isinstance(value, list | tuple) or not all(isinstance(v, str) for v in value):
        raise RequestError(f"parameter `{name}` must be a list of strings")
    return list(value)


def _policy(text: str, name: str, policy_type: PolicyType) -> PolicyInput:
    if not 1 <= len(text) <= MAX_POLICY_CHARS:
        raise RequestError(
            f"`{name}` has {len(text)} characters; a policy must have 1 to {MAX_POLICY_CHARS}"
        )
    document = load_policy(text, name=name, policy_type=policy_type)
    return PolicyInput(document, name, _source_type(policy_type))


def _source_type(policy_type: PolicyType) -> str:
    return {
        PolicyType.IDENTITY: PolicyRole.IDENTITY.value,
        PolicyType.RESOURCE: PolicyRole.RESOURCE.value,
        PolicyType.BOUNDARY: PolicyRole.BOUNDARY.value,
        PolicyType.SESSION: PolicyRole.SESSION.value,
        PolicyType.SCP: PolicyRole.SCP.value,
        PolicyType.RCP: PolicyRole.RCP.value,
    }[policy_type]


def _levels(
    params: Mapping[str, Any], name: str, member: str, policy_type: PolicyType
) -> list[list[PolicyInput]]:
    if name not in params:
        return []
    value = params[name]
    if not isinstance(value, list | tuple) or len(value) > MAX_ORG_LEVELS:
        raise RequestError(f"parameter `{name}` must be a list of at most {MAX_ORG_LEVELS} levels")
    levels: list[list[PolicyInput]] = []
    for level_index, level in enumerate(value, start=1):
        if not isinstance(level, Mapping) or not isinstance(level.get(member), list | tuple):
            raise RequestError(f'`{name}` level {level_index} must be {{"{member}": [...]}}')
        texts = level[member]
        if not all(isinstance(t, str) for t in texts):
            raise RequestError(f"`{name}` level {level_index}: policies must be strings")
        levels.append(
            [
                _policy(text, f"{name}.{level_index}.{member}.{i}", policy_type)
                for i, text in enumerate(texts, start=1)
            ]
        )
    return levels


@dataclass(slots=True, kw_only=True)
class PolicyInputs:
    """The parsed policies of a simulation request, by role, before compilation."""

    identity: list[PolicyInput]
    boundary: PolicyInput | None
    resource: PolicyInput | None
    session: list[PolicyInput] | None
    scp_levels: list[list[PolicyInput]]
    rcp_levels: list[list[PolicyInput]]

    def prepare(self) -> PreparedPolicySet:
        return prepare(
            self.identity,
            boundary=self.boundary,
            resource=self.resource,
            session=self.session,
            scp_levels=self.scp_levels,
            rcp_levels=self.rcp_levels,
        )


def policy_inputs_from_params(
    params: Mapping[str, Any], *, identity_required: bool = True
) -> PolicyInputs:
    """Parse every policy of a SimulateCustomPolicy / SimulatePrincipalPolicy request."""
    identity = [
        _policy(text, f"PolicyInputList.{i}", PolicyType.IDENTITY)
        for i, text in enumerate(
            _string_list(params, "PolicyInputList", required=identity_required), 1
        )
    ]
    boundaries = _string_list(params, "PermissionsBoundaryPolicyInputList")
    if len(boundaries) > 1:
        raise RequestError("you can input only one permissions boundary")
    boundary = (
        _policy(boundaries[0], "PermissionsBoundaryPolicyInputList.1", PolicyType.BOUNDARY)
        if boundaries
        else None
    )
    resource = None
    if params.get("ResourcePolicy") is not None:
        text = params["ResourcePolicy"]
        if not isinstance(text, str):
            raise RequestError("parameter `ResourcePolicy` must be a string")
        resource = _policy(text, "ResourcePolicy", PolicyType.RESOURCE)
    session = None
    if "SessionPolicyInputList" in params:
        session = [
            _policy(text, f"SessionPolicyInputList.{i}", PolicyType.SESSION)
            for i, text in enumerate(_string_list(params, "SessionPolicyInputList"), 1)
        ]
    return PolicyInputs(
        identity=identity,
        boundary=boundary,
        resource=resource,
        session=session,
        scp_levels=_levels(
            params,
            "OrderedOrganizationPolicyInputList",
            "ServiceControlPolicyInputList",
            PolicyType.SCP,
        ),
        rcp_levels=_levels(
            params,
            "OrderedResourceControlPolicyInputList",
            "ResourceControlPolicyInputList",
            PolicyType.RCP,
        ),
    )


def policy_set_from_params(
    params: Mapping[str, Any], *, identity_required: bool = True
) -> PreparedPolicySet:
    """Parse and compile every policy of a SimulateCustomPolicy request."""
    return policy_inputs_from_params(params, identity_required=identity_required).prepare()


def request_from_params(params: Mapping[str, Any]) -> SimulationRequest:
    """The request half of a SimulateCustomPolicy call, checked as AWS checks it."""
    actions = _string_list(params, "ActionNames", required=True)
    if not actions:
        raise RequestError("`ActionNames` must name at least one action")
    for action in actions:
        if not 3 <= len(action) <= 128 or ":" not in action.strip(":"):
            raise RequestError(f"`{action}` is not an action name: use `service:ActionName`")
        if "*" in action or "?" in action:
            raise RequestError(
                f"`{action}`: the simulator does not accept wildcards in action names"
            )
    resources: tuple[str, ...] | None = None
    if "ResourceArns" in params:
        resources = tuple(_string_list(params, "ResourceArns"))
        for arn in resources:
            check_resource_arn(arn)
        if not resources:
            resources = None
    entries = params.get("ContextEntries", [])
    if not isinstance(entries, list | tuple):
        raise RequestError("parameter `ContextEntries` must be a list")
    context = RequestContext.from_entries(entries)
    caller_arn = params.get("CallerArn")
    if caller_arn is not None and (
        not isinstance(caller_arn, str) or not caller_arn.startswith("arn:")
    ):
        raise RequestError(f"`CallerArn` `{caller_arn}` is not an ARN")
    if params.get("ResourcePolicy") is not None and caller_arn is None:
        raise RequestError("`CallerArn` is required when you include a `ResourcePolicy`")
    owner = params.get("ResourceOwner")
    owner_account = None
    if owner is not None:
        if not isinstance(owner, str):
            raise RequestError("parameter `ResourceOwner` must be a string")
        owner_account = (
            owner if owner.isdigit() else (owner.split(":")[4] if owner.count(":") >= 5 else None)
        )
        if not owner_account:
            raise RequestError(
                f"`ResourceOwner` `{owner}` must be an account id or `arn:aws:iam::ACCOUNT:root`"
            )
    return SimulationRequest(
        actions=tuple(actions),
        resources=resources,
        context=context,
        caller=Caller(caller_arn, owner_account),
    )


def check_resource_arn(arn: str) -> None:
    """Strict about structure, literal about content: `arn:p:s:r:a:res` or `*` (IAM API)."""
    if not 1 <= len(arn) <= 2048:
        raise RequestError(f"resource ARN of {len(arn)} characters: the limit is 1 to 2048")
    if arn == "*":
        return
    fields = arn.split(":", 5)
    if len(fields) != 6 or fields[0] != "arn" or not fields[1] or not fields[2]:
        raise RequestError(
            f"`{arn}` is not an ARN: use `arn:partition:service:region:account:resource` or `*`"
        )


# -- evaluation ------------------------------------------------------------------------------------


def simulate(
    policy_set: PreparedPolicySet,
    request: SimulationRequest,
    decider: FastDecider | None = None,
) -> tuple[ActionResult, ...]:
    """Decide every action of `request` on every resource, with explanations and catalog notes.

    Pass one `FastDecider(policy_set)` for a whole batch: it reuses explanations that cannot
    depend on the request context."""
    return tuple(
        simulate_action(policy_set, action, request, decider) for action in request.actions
    )


def simulate_action(
    policy_set: PreparedPolicySet,
    action: str,
    request: SimulationRequest,
    decider: FastDecider | None = None,
) -> ActionResult:
    resources = request.resources or ("*",)
    explicit = request.resources is not None
    if decider is None:
        results = tuple(
            decide_resource(
                policy_set,
                action,
                resource,
                request.context,
                request.caller,
                explicit_resource=explicit,
            )
            for resource in resources
        )
    else:
        results = tuple(
            decider.explain(
                action, resource, request.context, request.caller, explicit_resource=explicit
            )
            for resource in resources
        )
    decision = (
        results[0].decision
        if len(results) == 1
        else max((r.decision for r in results), key=lambda d: d.restrictiveness)
    )
    warnings, typed, missing_types = _catalog_notes(action, request.resources)
    return ActionResult(
        action=action,
        decision=decision,
        resources=results,
        warnings=warnings,
        resource_types=typed,
        missing_resource_types=missing_types,
    )


@dataclass(frozen=True, slots=True)
class _ActionFacts:
    """What the catalog says about one action, prepared once for every request naming it."""

    known: bool
    known_service: bool
    qualified: str
    takes_no_resource: bool
    type_names: str  # for messages
    matchers: tuple[tuple[str, Callable[[str], object]], ...]  # resource type -> ARN matcher
    required: tuple[str, ...]


@functools.lru_cache(maxsize=4096)
def _action_facts(action: str) -> _ActionFacts:
    from connect_iam.catalog import get_catalog

    catalog = get_catalog()
    info = catalog.action(action)
    known_service = catalog.service_exists(action.split(":", 1)[0])
    if info is None:
        return _ActionFacts(False, known_service, action, False, "", (), ())
    types = catalog.resource_types_for_action(info)
    return _ActionFacts(
        known=True,
        known_service=known_service,
        qualified=info.qualified_name,
        takes_no_resource=not info.resource_types,
        type_names=", ".join(r.name for r in info.resource_types),
        matchers=tuple((t.name, t.matcher()) for t in types),
        required=tuple(r.name for r in info.resource_types if r.required),
    )


def _catalog_notes(
    action: str, resources: tuple[str, ...] | None
) -> tuple[tuple[str, ...], tuple[tuple[str, str], ...], tuple[str, ...]]:
    """What the catalog knows about the request: unknown actions, which resource type each ARN
    is, and required resource types the request does not name. Notes never change a decision."""
    facts = _action_facts(action)
    if not facts.known:
        service = action.split(":", 1)[0]
        if not facts.known_service:
            note = (
                f"`{service}` is not a known service prefix; `{action}` matches only "
                "patterns that name it literally"
            )
        else:
            note = (
                f"`{action}` is not an action of the catalog; it matches only patterns "
                "that name it literally"
            )
        return (note,), (), ()
    if resources is None:
        return (), (), ()
    warnings: list[str] = []
    typed: list[tuple[str, str]] = []
    for arn in resources:
        matched = False
        for name, match in facts.matchers:
            if match(arn) is not None:
                typed.append((arn, name))
                matched = True
        if matched:
            continue
        if facts.takes_no_resource:
            warnings.append(
                f"`{facts.qualified}` takes no resource: AWS authorizes it against `*`, not `{arn}`"
            )
        else:
            warnings.append(
                f"`{arn}` is not an ARN of a resource type `{facts.qualified}` uses "
                f"({facts.type_names})"
            )
    if not typed:
        return tuple(warnings), (), ()
    covered = {name for _, name in typed}
    missing = tuple(name for name in facts.required if name not in covered)
    if missing:
        warnings.append(
            f"`{facts.qualified}` is also authorized against "
            + ", ".join(f"`{m}`" for m in missing)
            + ": add those ARNs to decide the whole request"
        )
    return tuple(warnings), tuple(typed), missing


# -- response shape --------------------------------------------------------------------------------


def _statement_json(matched: MatchedStatement) -> dict[str, Any]:
    out: dict[str, Any] = {
        "SourcePolicyId": matched.policy_id,
        "SourcePolicyType": matched.source_type,
    }
    span = matched.statement.span
    if span is not None:
        out["StartPosition"] = _start(span.start)
        out["EndPosition"] = _end(span.end)
    return out


def _start(position: Position) -> dict[str, int]:
    """AWS reports the column one past the `{`, counting from 1 (iam-semantics §6.3)."""
    return {"Line": position.line, "Column": position.column + 2}


def _end(position: Position) -> dict[str, int]:
    """`position` is one past the `}`; AWS reports the `}`'s 1-based column plus one."""
    return {"Line": position.line, "Column": position.column + 1}


def _resource_json(result: ResourceResult) -> dict[str, Any]:
    out: dict[str, Any] = {
        "EvalResourceName": result.resource,
        "EvalResourceDecision": result.decision.value,
        "MatchedStatements": [_statement_json(m) for m in result.matched],
        "MissingContextValues": list(result.missing_context),
    }
    if result.details is not None:
        out["EvalDecisionDetails"] = {k: v.value for k, v in result.details}
    if result.allowed_by_boundary is not None:
        out["PermissionsBoundaryDecisionDetail"] = {
            "AllowedByPermissionsBoundary": result.allowed_by_boundary
        }
    return out


def evaluation_results(
    results: Iterable[ActionResult], shape: str = SHAPE_PER_ACTION
) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for action_result in results:
        if shape == SHAPE_PER_RESOURCE:
            for resource in action_result.resources:
                out.append(_action_json(action_result, (resource,)))
        else:
            out.append(_action_json(action_result, action_result.resources))
    return out


def _action_json(result: ActionResult, resources: Sequence[ResourceResult]) -> dict[str, Any]:
    decision = max((r.decision for r in resources), key=lambda d: d.restrictiveness)
    star = len(resources) == 1 and resources[0].resource == "*"
    name = resources[0].resource if len(resources) == 1 else "*"
    deciding = [r for r in resources if r.decision is decision]
    matched: dict[tuple[str, int], MatchedStatement] = {}
    for r in deciding:
        for m in r.matched:
            matched.setdefault((m.policy_id, m.statement.index), m)
    out: dict[str, Any] = {
        "EvalActionName": result.action,
        "EvalResourceName": name,
        "EvalDecision": decision.value,
        "MatchedStatements": [_statement_json(m) for m in matched.values()],
        "MissingContextValues": list(resources[0].missing_context) if star else [],
    }
    if star and resources[0].details is not None:
        out["EvalDecisionDetails"] = {k: v.value for k, v in resources[0].details}
    elif not star:
        details: dict[str, str] = {}
        for r in resources:
            for k, v in r.details or ():
                if k not in details or EvalDecision(details[k]).restrictiveness < v.restrictiveness:
                    details[k] = v.value
        out["EvalDecisionDetails"] = details
    boundary = [r.allowed_by_boundary for r in resources if r.allowed_by_boundary is not None]
    if boundary:
        out["PermissionsBoundaryDecisionDetail"] = {"AllowedByPermissionsBoundary": all(boundary)}
    orgs = [r.allowed_by_organizations for r in resources if r.allowed_by_organizations is not None]
    if orgs:
        out["OrganizationsDecisionDetail"] = {"AllowedByOrganizations": all(orgs)}
    if not star:
        out["ResourceSpecificResults"] = [_resource_json(r) for r in resources]
    if result.warnings:
        out["Warnings"] = list(result.warnings)
    return out


def paginate(results: list[dict[str, Any]], params: Mapping[str, Any]) -> dict[str, Any]:
    """MaxItems / Marker / IsTruncated, as the simulator's paginator expects them."""
    max_items = params.get("MaxItems", 100)
    if not isinstance(max_items, int) or not 1 <= max_items <= 1000:
        raise RequestError("`MaxItems` must be an integer from 1 to 1000")
    marker = params.get("Marker")
    start = 0
    if marker is not None:
        if not isinstance(marker, str) or not marker.isdigit() or int(marker) > len(results):
            raise RequestError(f"`Marker` `{marker}` is not a marker this simulator returned")
        start = int(marker)
    page = results[start : start + max_items]
    response: dict[str, Any] = {
        "EvaluationResults": page,
        "IsTruncated": start + max_items < len(results),
    }
    if response["IsTruncated"]:
        response["Marker"] = str(start + max_items)
    return response


def check_parameters(params: Mapping[str, Any], allowed: frozenset[str]) -> None:
    """Reject parameters boto3 would not send (boto3 validates them client-side)."""
    unknown = sorted(set(params) - allowed)
    if unknown:
        raise RequestError("unknown parameter " + ", ".join(f"`{u}`" for u in unknown))


def simulate_custom_policy(**params: Any) -> dict[str, Any]:
    """Offline `iam.simulate_custom_policy`: same parameters, same response shape.

    Raises RequestError (AWS: InvalidInput) for malformed parameters and PolicyError (AWS:
    InvalidInput / MalformedPolicyDocument) for a policy AWS would not accept.
    """
    check_parameters(params, CUSTOM_PARAMETERS)
    shape = params.get("EvaluationResultShape", SHAPE_PER_ACTION)
    if shape not in (SHAPE_PER_ACTION, SHAPE_PER_RESOURCE):
        raise RequestError(
            f"`EvaluationResultShape` must be `{SHAPE_PER_ACTION}` or `{SHAPE_PER_RESOURCE}`"
        )
    request = request_from_params(params)
    policy_set = policy_set_from_params(params)
    return paginate(evaluation_results(simulate(policy_set, request), shape), params)


def get_context_keys_for_custom_policy(**params: Any) -> dict[str, Any]:
    """Offline `iam.get_context_keys_for_custom_policy`: every condition key the policies use."""
    check_parameters(params, frozenset({"PolicyInputList"}))
    texts = _string_list(params, "PolicyInputList", required=True)
    return {
        "ContextKeyNames": context_keys(
            _policy(text, f"PolicyInputList.{i}", PolicyType.IDENTITY)
            for i, text in enumerate(texts, 1)
        )
    }


def context_keys(policies: Iterable[PolicyInput]) -> list[str]:
    """Condition keys and variable keys, first spelling kept, case-insensitively unique."""
    from connect_iam.model.variables import parse_template

    seen: dict[str, str] = {}
    for policy_input in policies:
        policy = policy_input.policy
        for statement in policy.statements:
            for clause in statement.conditions:
                seen.setdefault(clause.key.lower(), clause.key)
                if policy.substitutes_variables:
                    for value in clause.values:
                        for var in parse_template(value).variables:
                            seen.setdefault(var.key.lower(), var.key)
            if policy.substitutes_variables:
                for resource in statement.resources or ():
                    for var in parse_template(resource.text).variables:
                        seen.setdefault(var.key.lower(), var.key)
    return list(seen.values())


__all__ = [
    "PolicyError",
    "RequestError",
    "SimulationRequest",
    "check_resource_arn",
    "context_keys",
    "evaluation_results",
    "get_context_keys_for_custom_policy",
    "policy_set_from_params",
    "request_from_params",
    "simulate",
    "simulate_custom_policy",
]
