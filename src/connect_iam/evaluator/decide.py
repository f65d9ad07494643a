"""AWS's evaluation logic for one action on one resource (IAM User Guide: policy evaluation logic,
"Determining whether a request is allowed or denied within an account" and "...cross-account").

Every policy is first evaluated into outcome buckets (matching Allow and Deny statements), and the
decision is derived from the buckets afterwards: the explanation falls out of the same data.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field

from connect_iam.evaluator.compiled import (
    CompiledStatement,
    PrincipalMatch,
    Unresolved,
    account_of,
)
from connect_iam.evaluator.prepare import Candidates, PreparedPolicy, PreparedPolicySet
from connect_iam.model.context import RequestContext
from connect_iam.model.decision import EvalDecision, MatchedStatement, PolicyRole, ResourceResult
from connect_iam.model.policy import Effect


@dataclass(slots=True)
class Buckets:
    """Matching statements of one policy group, split by effect."""

    allows: list[MatchedStatement] = field(default_factory=list)
    denies: list[MatchedStatement] = field(default_factory=list)
    principal_match: PrincipalMatch = PrincipalMatch.NONE

    @property
    def allowed(self) -> bool:
        return bool(self.allows)


@dataclass(frozen=True, slots=True)
class Caller:
    """Who makes the request and who owns the resource: decides same- versus cross-account."""

    arn: str | None = None
    resource_owner: str | None = None  # account id


def _evaluate_policy(
    prepared: PreparedPolicy,
    candidates: tuple[CompiledStatement, ...],
    resource: str,
    context: RequestContext,
    caller: Caller,
    buckets: Buckets,
    missing: dict[str, None] | None,
) -> None:
    with_principal = prepared.role is PolicyRole.RESOURCE or prepared.role is PolicyRole.RCP
    for compiled in candidates:
        match = PrincipalMatch.EXACT
        try:
            if not compiled.names_resource(resource, context):
                continue
            if with_principal:
                match = compiled.principal_match(caller.arn)
                if match is PrincipalMatch.NONE:
                    continue
            if compiled.clauses:
                if missing is not None:
                    for key in compiled.condition_keys:
                        if context.get(key) is None:
                            missing[key] = None
                if not compiled.conditions_hold(context):
                    continue
        except Unresolved as unresolved:
            # A variable without a value makes the statement invalid: it neither allows nor
            # denies (IAM: policy variables; the Deny reading is our documented decision).
            if missing is not None:
                missing[unresolved.key] = None
            continue
        matched = prepared.matched[compiled.statement.index]
        if compiled.effect is Effect.DENY:
            buckets.denies.append(matched)
        else:
            buckets.allows.append(matched)
            if match.value > buckets.principal_match.value:
                buckets.principal_match = match


def _group(
    candidates: Candidates,
    resource: str,
    context: RequestContext,
    caller: Caller,
    missing: dict[str, None] | None,
) -> Buckets:
    if not candidates:
        return Buckets()
    buckets = Buckets()
    for prepared, statements in candidates:
        _evaluate_policy(prepared, statements, resource, context, caller, buckets, missing)
    return buckets


def decide_resource(
    policy_set: PreparedPolicySet,
    action: str,
    resource: str,
    context: RequestContext,
    caller: Caller,
    *,
    explicit_resource: bool = True,
) -> ResourceResult:
    """Decide `action` on `resource` (IAM: evaluation logic, §1.3–§1.5 of our notes)."""
    missing: dict[str, None] = {}
    plan = policy_set.plan(action)
    identity = _group(plan.identity, resource, context, caller, missing)
    boundary = (
        None if plan.boundary is None else _group(plan.boundary, resource, context, caller, missing)
    )
    resource_policy = (
        None if plan.resource is None else _group(plan.resource, resource, context, caller, missing)
    )
    session = (
        None if plan.session is None else _group(plan.session, resource, context, caller, missing)
    )
    # SCP and RCP keys stay out of MissingContextValues, as in AWS's simulator.
    scps = [_group(level, resource, context, caller, None) for level in plan.scp_levels]
    rcps = [_group(level, resource, context, caller, None) for level in plan.rcp_levels]
    return derive(
        resource,
        caller,
        explicit_resource,
        tuple(missing),
        identity,
        boundary,
        resource_policy,
        session,
        scps,
        rcps,
    )


def derive(
    resource: str,
    caller: Caller,
    explicit_resource: bool,
    missing_keys: tuple[str, ...],
    identity: Buckets,
    boundary: Buckets | None,
    resource_policy: Buckets | None,
    session: Buckets | None,
    scps: list[Buckets],
    rcps: list[Buckets],
) -> ResourceResult:
    """The decision and its explanation from each role's matching statements: the one place the
    evaluation logic lives (the batch path's lane builds buckets faster, then calls this)."""
    cross_account = is_cross_account(caller)
    allowed_by_boundary = None if boundary is None else (boundary.allowed and not boundary.denies)
    allowed_by_orgs = None
    if scps:
        allowed_by_orgs = all(level.allowed for level in scps) and not any(
            level.denies for level in scps
        )

    def result(
        decision: EvalDecision,
        matched: list[MatchedStatement],
        deciding: list[MatchedStatement],
        reason: str,
        details: tuple[tuple[str, EvalDecision], ...] | None,
    ) -> ResourceResult:
        return ResourceResult(
            resource=resource,
            decision=decision,
            matched=tuple(matched),
            deciding=tuple(deciding),
            missing_context=missing_keys,
            allowed_by_boundary=allowed_by_boundary,
            allowed_by_organizations=allowed_by_orgs,
            cross_account=cross_account,
            details=details,
            reason=reason,
        )

    # 1. An explicit Deny in any applicable policy wins, SCPs and RCPs included.
    visible_denies = [*identity.denies]
    for group in (boundary, resource_policy, session):
        if group is not None:
            visible_denies.extend(group.denies)
    org_denies = [m for level in (*scps, *rcps) for m in level.denies]
    if visible_denies or org_denies:
        details = _details(cross_account, explicit_resource, EvalDecision.EXPLICIT_DENY, None)
        return result(
            EvalDecision.EXPLICIT_DENY,
            visible_denies,
            visible_denies + org_denies,
            "an explicit Deny statement matches the request",
            details,
        )

    # 2. RCPs: every level on the resource's path must allow.
    for index, level in enumerate(rcps):
        if not level.allowed:
            return result(
                EvalDecision.IMPLICIT_DENY,
                [],
                [],
                f"no resource control policy at organization level {index + 1} allows the request",
                None,
            )
    # 3. SCPs: every level on the principal's path must allow.
    for index, level in enumerate(scps):
        if not level.allowed:
            return result(
                EvalDecision.IMPLICIT_DENY,
                [],
                [],
                f"no service control policy at organization level {index + 1} allows the request",
                None,
            )
    org_allows = [m for level in (*rcps, *scps) for m in level.allows]

    identity_ok = identity.allowed
    boundary_ok = boundary is None or boundary.allowed
    session_ok = session is None or session.allowed
    resource_ok = resource_policy is not None and resource_policy.allowed
    allows = [*identity.allows, *(resource_policy.allows if resource_policy else [])]
    allows += [*(session.allows if session else [])]
    limits = [*(boundary.allows if boundary else [])]

    if cross_account:
        identity_side = identity_ok and boundary_ok and session_ok
        decision = (
            EvalDecision.ALLOWED if identity_side and resource_ok else EvalDecision.IMPLICIT_DENY
        )
        details = (
            ("IAM Policy", EvalDecision.ALLOWED if identity_side else EvalDecision.IMPLICIT_DENY),
            (
                "Resource Policy",
                EvalDecision.ALLOWED if resource_ok else EvalDecision.IMPLICIT_DENY,
            ),
        )
        if boundary is not None:
            details += (
                (
                    "Permissions Boundary Policy",
                    EvalDecision.ALLOWED if boundary_ok else EvalDecision.IMPLICIT_DENY,
                ),
            )
        if decision is EvalDecision.ALLOWED:
            reason = "cross-account: both the identity side and the resource policy allow"
        elif not resource_ok:
            reason = "cross-account: the resource policy does not allow the caller"
        else:
            reason = "cross-account: no identity-based policy allows the request"
        return result(decision, allows, allows + limits + org_allows, reason, details)

    details = _details(cross_account, explicit_resource, None, None)
    if resource_ok and resource_policy is not None:
        match = resource_policy.principal_match
        caller_is_role = _is_role(caller.arn)
        if match in (PrincipalMatch.EXACT, PrincipalMatch.ANYONE):
            # A grant naming the user (or a session) is not limited by the identity policies or
            # the boundary; a grant naming a role is limited by its boundary and session (§1.4).
            if not caller_is_role or (boundary_ok and session_ok):
                return result(
                    EvalDecision.ALLOWED,
                    allows,
                    allows + org_allows,
                    "the resource-based policy allows the caller",
                    details,
                )
    if not identity_ok:
        reason = "no statement allows the request"
        if resource_policy is not None and resource_ok:
            reason = "the resource-based policy's grant needs an identity-based Allow as well"
        return result(EvalDecision.IMPLICIT_DENY, allows, allows, reason, details)
    if not boundary_ok:
        return result(
            EvalDecision.IMPLICIT_DENY,
            allows,
            allows,
            "the permissions boundary does not allow the request",
            details,
        )
    if not session_ok:
        return result(
            EvalDecision.IMPLICIT_DENY,
            allows,
            allows,
            "the session policy does not allow the request",
            details,
        )
    return result(
        EvalDecision.ALLOWED,
        allows,
        allows + limits + org_allows,
        "an identity-based policy allows the request",
        details,
    )


@functools.lru_cache(maxsize=1024)
def is_cross_account(caller: Caller) -> bool:
    """The simulator takes the owner from ResourceOwner, defaulting to the caller's account; it
    does not read the account field of the resource ARN (IAM API: SimulateCustomPolicy)."""
    caller_account = account_of(caller.arn)
    resource_account = caller.resource_owner or caller_account
    return bool(caller_account and resource_account and caller_account != resource_account)


def _details(
    cross_account: bool, explicit_resource: bool, decision: EvalDecision | None, _: object
) -> tuple[tuple[str, EvalDecision], ...] | None:
    """Same-account: present but empty for a named resource, absent for `*` (IAM API docs)."""
    if cross_account and decision is not None:
        return (("IAM Policy", decision),)
    return () if explicit_resource else None


def _is_role(arn: str | None) -> bool:
    if arn is None:
        return False
    fields = arn.split(":", 5)
    return len(fields) == 6 and fields[2] == "iam" and fields[5].startswith("role/")
