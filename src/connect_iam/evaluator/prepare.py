"""Compile a policy set once; find the statements that can match an action in O(1) after the first
request for that action.

The index groups statements by service prefix and the first letter of the action name (a pattern
whose name starts with a wildcard sits in its service's every group; one with a wildcard in the
service part, or a NotAction statement, sits in every group), then caches, per action name, the
statements whose Action element names it. `indexed=False` skips both layers: tests use it as the
oracle the index must agree with.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from connect_iam.evaluator.compiled import CompiledStatement, compile_statement
from connect_iam.model.decision import MatchedStatement, PolicyRole
from connect_iam.model.policy import PolicyDocument


@dataclass(frozen=True, slots=True)
class PolicyInput:
    """A policy and how the simulator names it (`SourcePolicyId`, `SourcePolicyType`)."""

    policy: PolicyDocument
    policy_id: str
    source_type: str = PolicyRole.IDENTITY.value


@dataclass(slots=True)
class PreparedPolicy:
    input: PolicyInput
    role: PolicyRole
    statements: tuple[CompiledStatement, ...]
    indexed: bool = True
    _by_service: dict[str, tuple[CompiledStatement, ...]] = field(default_factory=dict)
    _groups: dict[str, tuple[CompiledStatement, ...]] = field(default_factory=dict)
    _everywhere: tuple[CompiledStatement, ...] = ()
    _by_action: dict[str, tuple[CompiledStatement, ...]] = field(default_factory=dict)
    # What an explanation says about each statement, built once (keyed by statement index).
    matched: dict[int, MatchedStatement] = field(default_factory=dict)

    @classmethod
    def build(cls, policy_input: PolicyInput, role: PolicyRole, indexed: bool) -> PreparedPolicy:
        compiled = tuple(
            compile_statement(statement, policy_input.policy)
            for statement in policy_input.policy.statements
        )
        prepared = cls(policy_input, role, compiled, indexed)
        prepared.matched = {
            c.statement.index: MatchedStatement(
                policy_input.policy_id, role, policy_input.source_type, c.statement
            )
            for c in compiled
        }
        if indexed:
            prepared._index()
        return prepared

    def _index(self) -> None:
        groups: dict[str, list[CompiledStatement]] = {}
        everywhere: list[CompiledStatement] = []
        for compiled in self.statements:
            services = {action.service for action in compiled.statement.actions}
            if compiled.not_action or any(not _literal_service(s) for s in services):
                everywhere.append(compiled)
                continue
            for action in compiled.statement.actions:
                groups.setdefault(_group_key(action.service, action.name), []).append(compiled)
        self._everywhere = tuple(everywhere)
        self._groups = {key: tuple(members) for key, members in groups.items()}

    def _pool(self, key: str) -> tuple[CompiledStatement, ...]:
        """Statements that may name actions starting `service:c`: those whose patterns start
        with that letter, those whose names start with a wildcard, and the unindexable ones,
        in document order (explanations list statements as written)."""
        pool = self._by_service.get(key)
        if pool is None:
            service = key.split(":", 1)[0]
            members = (
                *self._groups.get(key, ()),
                *self._groups.get(service + ":", ()),
                *self._everywhere,
            )
            unique = {id(c): c for c in members}
            pool = tuple(c for c in self.statements if id(c) in unique)
            self._by_service[key] = pool
        return pool

    def candidates(self, action: str) -> tuple[CompiledStatement, ...]:
        """Statements whose Action / NotAction element names `action` (case-insensitive)."""
        key = action.lower()
        cached = self._by_action.get(key)
        if cached is not None:
            return cached
        if self.indexed:
            service, _, name = key.partition(":")
            pool = self._pool(_group_key(service, name))
        else:
            pool = self.statements
        found = tuple(c for c in pool if c.names_action(action))
        if self.indexed:
            if len(self._by_action) > 100_000:
                self._by_action.clear()
            self._by_action[key] = found
        return found


def _group_key(service: str, name: str) -> str:
    """`connect:d` for `connect:Describe*`; `connect:` when the name starts with a wildcard."""
    first = name[:1].lower()
    return f"{service}:" if first in ("", "*", "?") else f"{service}:{first}"


def _literal_service(service: str) -> bool:
    return "*" not in service and "?" not in service


Candidates = tuple[tuple[PreparedPolicy, tuple[CompiledStatement, ...]], ...]


@dataclass(frozen=True, slots=True)
class ActionPlan:
    """For one action, each role's policies paired with their candidate statements; policies
    without a candidate are left out, so a request only touches statements that can apply."""

    identity: Candidates
    boundary: Candidates | None
    resource: Candidates | None
    session: Candidates | None
    scp_levels: tuple[Candidates, ...]
    rcp_levels: tuple[Candidates, ...]


@dataclass(frozen=True, slots=True)
class PreparedPolicySet:
    """Everything that takes part in one principal's decisions (IAM: policy evaluation logic)."""

    identity: tuple[PreparedPolicy, ...] = ()
    boundary: PreparedPolicy | None = None
    resource: PreparedPolicy | None = None
    session: tuple[PreparedPolicy, ...] | None = None
    scp_levels: tuple[tuple[PreparedPolicy, ...], ...] = ()
    rcp_levels: tuple[tuple[PreparedPolicy, ...], ...] = ()
    _plans: dict[str, ActionPlan] = field(default_factory=dict, compare=False, repr=False)

    def plan(self, action: str) -> ActionPlan:
        """The candidates of every role for `action` (case-insensitive), cached per action."""
        key = action.lower()
        found = self._plans.get(key)
        if found is not None:
            return found

        def pick(policies: tuple[PreparedPolicy, ...]) -> Candidates:
            pairs = ((p, p.candidates(action)) for p in policies)
            return tuple((p, c) for p, c in pairs if c)

        built = ActionPlan(
            identity=pick(self.identity),
            boundary=pick((self.boundary,)) if self.boundary else None,
            resource=pick((self.resource,)) if self.resource else None,
            session=pick(self.session) if self.session is not None else None,
            scp_levels=tuple(pick(level) for level in self.scp_levels),
            rcp_levels=tuple(pick(level) for level in self.rcp_levels),
        )
        if len(self._plans) > 50_000:
            self._plans.clear()
        self._plans[key] = built
        return built

    def all_policies(self) -> tuple[PreparedPolicy, ...]:
        out: list[PreparedPolicy] = list(self.identity)
        if self.boundary is not None:
            out.append(self.boundary)
        if self.resource is not None:
            out.append(self.resource)
        out.extend(self.session or ())
        for level in (*self.scp_levels, *self.rcp_levels):
            out.extend(level)
        return tuple(out)


def prepare(
    identity: Sequence[PolicyInput] = (),
    *,
    boundary: PolicyInput | None = None,
    resource: PolicyInput | None = None,
    session: Sequence[PolicyInput] | None = None,
    scp_levels: Sequence[Sequence[PolicyInput]] = (),
    rcp_levels: Sequence[Sequence[PolicyInput]] = (),
    indexed: bool = True,
) -> PreparedPolicySet:
    """Compile once, evaluate many: the result is reused for every request of a batch."""

    def build(policy_input: PolicyInput, role: PolicyRole) -> PreparedPolicy:
        return PreparedPolicy.build(policy_input, role, indexed)

    return PreparedPolicySet(
        identity=tuple(build(p, PolicyRole.IDENTITY) for p in identity),
        boundary=build(boundary, PolicyRole.BOUNDARY) if boundary else None,
        resource=build(resource, PolicyRole.RESOURCE) if resource else None,
        session=None if session is None else tuple(build(p, PolicyRole.SESSION) for p in session),
        scp_levels=tuple(tuple(build(p, PolicyRole.SCP) for p in level) for level in scp_levels),
        rcp_levels=tuple(tuple(build(p, PolicyRole.RCP) for p in level) for level in rcp_levels),
    )
