"""The decision-only path for batches: same answer as `decide_resource`, without explanations.

Per action, the statements that can match are split into those a regular expression can decide
exactly (no condition, no variable, no principal, a resource pattern of a safe shape) and the rest.
The first kind are joined into one alternation per role and effect, so a whole policy set is
checked with a couple of C-level `fullmatch` calls. Everything else goes through the compiled
statements, exactly as the explaining path does; `tests/differential` holds both paths equal.

Nothing is memoized per request: measured on the benchmark workload, building a key from the
request costs more than deciding it again.

Regular expressions are only used where they cannot blow up: at most two `*` in the part of the
pattern that may contain `:` and values of at most 512 characters. Anything else falls back to
the linear-time matcher.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from connect_iam.evaluator.compiled import (
    CompiledStatement,
    PrincipalMatch,
    Unresolved,
)
from connect_iam.evaluator.decide import (
    Buckets,
    Caller,
    decide_resource,
    derive,
    is_cross_account,
)
from connect_iam.evaluator.prepare import PreparedPolicy, PreparedPolicySet
from connect_iam.model.arn import MAX_REGEX_VALUE, alternation, pattern_regex
from connect_iam.model.context import RequestContext
from connect_iam.model.decision import EvalDecision, MatchedStatement, ResourceResult
from connect_iam.model.policy import Effect

_ALLOWED = EvalDecision.ALLOWED
_EXPLICIT = EvalDecision.EXPLICIT_DENY
_IMPLICIT = EvalDecision.IMPLICIT_DENY


def _regexable(compiled: CompiledStatement) -> list[str] | None:
    if compiled.clauses or compiled.statement.conditions:
        return None
    return _resource_sources(compiled)


def _resource_sources(compiled: CompiledStatement) -> list[str] | None:
    """Regex sources for the statement's Resource element, or None if any needs the slow path."""
    if compiled.not_resource or compiled.resources is None:
        return None
    sources: list[str] = []
    for resource in compiled.resources:
        if resource.pattern is None:
            return None
        source = pattern_regex(resource.pattern.pattern)
        if source is None:
            return None
        sources.append(source)
    return sources


@dataclass(frozen=True, slots=True)
class _Side:
    """One role's statements of one effect for one action: a joined regex plus the leftovers."""

    regex: re.Pattern[str] | None
    regexed: tuple[CompiledStatement, ...]  # folded into `regex`; checked one by one when long
    rest: tuple[tuple[CompiledStatement, re.Pattern[str] | None], ...]

    def matches(self, resource: str, context: RequestContext, short: bool) -> bool:
        if short and not self.rest:
            return self.regex is not None and self.regex.fullmatch(resource) is not None
        if short:
            if self.regex is not None and self.regex.fullmatch(resource) is not None:
                return True
        else:
            for compiled in self.regexed:
                if compiled.names_resource(resource, context):
                    return True
        for compiled, resource_regex in self.rest:
            try:
                if short and resource_regex is not None:
                    if resource_regex.fullmatch(resource) is None:
                        continue
                elif not compiled.names_resource(resource, context):
                    continue
                if compiled.conditions_hold(context):
                    return True
            except Unresolved:
                continue
        return False


def _side(statements: list[CompiledStatement]) -> _Side:
    sources: list[str] = []
    regexed: list[CompiledStatement] = []
    rest: list[tuple[CompiledStatement, re.Pattern[str] | None]] = []
    for compiled in statements:
        found = _regexable(compiled)
        if found is None:
            own = _resource_sources(compiled)
            rest.append((compiled, _join(own) if own else None))
        else:
            sources.extend(found)
            regexed.append(compiled)
    return _Side(_join(sources) if sources else None, tuple(regexed), tuple(rest))


def _join(sources: list[str]) -> re.Pattern[str]:
    return alternation(tuple(sources))


@dataclass(frozen=True, slots=True)
class _Group:
    allow: _Side
    empty: bool


def _group(policies: tuple[PreparedPolicy, ...], action: str) -> _Group:
    allows: list[CompiledStatement] = []
    denies: list[CompiledStatement] = []
    for prepared in policies:
        for compiled in prepared.candidates(action):
            (denies if compiled.effect is Effect.DENY else allows).append(compiled)
    return _Group(_side(allows), not allows and not denies)


@dataclass(frozen=True, slots=True)
class _Plan:
    deny: _Side | None  # every role's Deny statements together: any match is an explicit deny
    org_allows: tuple[_Side, ...]  # RCP then SCP levels: each must match
    allows: tuple[_Side, ...]  # identity, then boundary and session when present: each must match
    nothing_matches: bool  # no statement of any policy names the action: implicit deny
    # The common shape, decided by at most two C-level calls: no condition or variable anywhere,
    # no organization levels, one allowing role. Bound `fullmatch` methods, or None for "never".
    lane: bool
    deny_match: Callable[[str], object] | None
    allow_match: Callable[[str], object] | None
    # For explanations on the lane: each identity statement's own matcher, in the order the
    # explaining evaluator visits them.
    lane_denies: tuple[tuple[MatchedStatement, Callable[[str], object]], ...]
    lane_allows: tuple[tuple[MatchedStatement, Callable[[str], object]], ...]


class FastDecider:
    """Decisions only, for one prepared policy set; plans are built per action on first use."""

    def __init__(self, policy_set: PreparedPolicySet) -> None:
        self.policy_set = policy_set
        self._plans: dict[str, _Plan] = {}
        self._general = policy_set.resource is not None
        self._last_caller: Caller | None = None
        self._last_cross = False

    def _plan(self, action: str) -> _Plan:
        ps = self.policy_set
        roles = [ps.identity, *ps.scp_levels, *ps.rcp_levels]
        if ps.boundary is not None:
            roles.append((ps.boundary,))
        if ps.session is not None:
            roles.append(ps.session)
        denies = [
            compiled
            for policies in roles
            for prepared in policies
            for compiled in prepared.candidates(action)
            if compiled.effect is Effect.DENY
        ]
        identity = _group(ps.identity, action)
        boundary = _group((ps.boundary,), action) if ps.boundary else None
        session = _group(ps.session, action) if ps.session is not None else None
        scps = tuple(_group(level, action) for level in ps.scp_levels)
        rcps = tuple(_group(level, action) for level in ps.rcp_levels)
        groups = [identity, *scps, *rcps, *(g for g in (boundary, session) if g is not None)]
        deny = _side(denies) if denies else None
        allows = tuple(g.allow for g in (identity, boundary, session) if g is not None)
        lane = (
            not scps
            and not rcps
            and len(allows) == 1
            and not allows[0].rest
            and (deny is None or not deny.rest)
        )
        lane_denies: list[tuple[MatchedStatement, Callable[[str], object]]] = []
        lane_allows: list[tuple[MatchedStatement, Callable[[str], object]]] = []
        if lane:
            for prepared, statements in ps.plan(action).identity:
                for compiled in statements:
                    regex = compiled.resource_regex
                    assert regex is not None  # on the lane every statement has one
                    entry = (prepared.matched[compiled.statement.index], regex.fullmatch)
                    (lane_denies if compiled.effect is Effect.DENY else lane_allows).append(entry)
        plan = _Plan(
            deny=deny,
            org_allows=tuple(g.allow for g in (*rcps, *scps)),
            allows=allows,
            nothing_matches=all(g.empty for g in groups),
            lane=lane,
            deny_match=deny.regex.fullmatch if deny is not None and deny.regex else None,
            allow_match=allows[0].regex.fullmatch if allows and allows[0].regex else None,
            lane_denies=tuple(lane_denies),
            lane_allows=tuple(lane_allows),
        )
        if len(self._plans) > 50_000:
            self._plans.clear()
        self._plans[action] = plan
        self._plans[action.lower()] = plan
        return plan

    def decide(
        self,
        action: str,
        resource: str,
        context: RequestContext,
        caller: Caller | None = None,
    ) -> EvalDecision:
        """The decision `decide_resource` would give, faster and without explanations."""
        if self._general:
            return self.explain(action, resource, context, caller).decision
        plan = self._plans.get(action) or self._plans.get(action.lower()) or self._plan(action)
        if plan.nothing_matches:
            return _IMPLICIT
        short = len(resource) <= MAX_REGEX_VALUE
        if plan.lane and short:
            if plan.deny_match is not None and plan.deny_match(resource) is not None:
                return _EXPLICIT
            if caller is not None and caller is not _NO_CALLER and self._cross(caller):
                return _IMPLICIT
            if plan.allow_match is not None and plan.allow_match(resource) is not None:
                return _ALLOWED
            return _IMPLICIT
        deny = plan.deny
        if deny is not None and deny.matches(resource, context, short):
            return _EXPLICIT
        for side in plan.org_allows:
            if not side.matches(resource, context, short):
                return _IMPLICIT
        if caller is not None and caller is not _NO_CALLER and self._cross(caller):
            return _IMPLICIT  # cross-account needs a resource policy, and there is none
        for side in plan.allows:
            if not side.matches(resource, context, short):
                return _IMPLICIT
        return _ALLOWED

    def _explain_lane(
        self, plan: _Plan, resource: str, caller: Caller, explicit_resource: bool
    ) -> ResourceResult:
        """Identity statements without conditions: find the matching ones with their own
        regexes (only on the side that matched at all), then derive as `decide_resource` does."""
        buckets = Buckets()
        if plan.deny_match is not None and plan.deny_match(resource) is not None:
            buckets.denies = [m for m, match in plan.lane_denies if match(resource) is not None]
        elif plan.allow_match is not None and plan.allow_match(resource) is not None:
            buckets.allows = [m for m, match in plan.lane_allows if match(resource) is not None]
            buckets.principal_match = PrincipalMatch.EXACT
        return derive(resource, caller, explicit_resource, (), buckets, None, None, None, [], [])

    def _cross(self, caller: Caller) -> bool:
        """Cross-account without a resource policy is an implicit deny; batches repeat one caller,
        so the last answer is kept."""
        if caller is not self._last_caller:
            self._last_caller = caller
            self._last_cross = is_cross_account(caller)
        return self._last_cross

    def explain(
        self,
        action: str,
        resource: str,
        context: RequestContext,
        caller: Caller | None = None,
        *,
        explicit_resource: bool = True,
    ) -> ResourceResult:
        """Exactly `decide_resource`; plans on the lane are explained with their own regexes."""
        plan = self._plans.get(action) or self._plans.get(action.lower()) or self._plan(action)
        if plan.lane and not self._general and len(resource) <= MAX_REGEX_VALUE:
            return self._explain_lane(plan, resource, caller or _NO_CALLER, explicit_resource)
        return decide_resource(
            self.policy_set,
            action,
            resource,
            context,
            caller or _NO_CALLER,
            explicit_resource=explicit_resource,
        )


_NO_CALLER = Caller()
