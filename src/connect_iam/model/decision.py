"""What a simulation decides, as values: per resource, then per action."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import NamedTuple

from connect_iam.model.policy import Effect, Statement


class EvalDecision(StrEnum):
    """The simulator's `PolicyEvaluationDecisionType`, spelled as AWS spells it."""

    ALLOWED = "allowed"
    EXPLICIT_DENY = "explicitDeny"
    IMPLICIT_DENY = "implicitDeny"

    @property
    def restrictiveness(self) -> int:
        """explicitDeny > implicitDeny > allowed, for aggregating over resources (IAM API)."""
        return {"allowed": 0, "implicitDeny": 1, "explicitDeny": 2}[self.value]


class PolicyRole(StrEnum):
    """How a policy takes part in the decision (IAM User Guide: policy evaluation logic)."""

    IDENTITY = "IAM Policy"
    RESOURCE = "Resource Policy"
    BOUNDARY = "Permissions Boundary Policy"
    SESSION = "Session Policy"
    SCP = "Service Control Policy"
    RCP = "Resource Control Policy"


@dataclass(frozen=True, slots=True)
class MatchedStatement:
    """A statement that applied to the request, and the policy it came from."""

    policy_id: str
    role: PolicyRole
    source_type: str  # SourcePolicyType as reported: "IAM Policy", "user", "aws-managed", ...
    statement: Statement

    @property
    def effect(self) -> Effect:
        return self.statement.effect


class ResourceResult(NamedTuple):
    """One resource's decision and why. A named tuple rather than a frozen dataclass: batches
    build one per request, and a tuple is several times cheaper to build, equally immutable."""

    resource: str
    decision: EvalDecision
    matched: tuple[MatchedStatement, ...]
    deciding: tuple[MatchedStatement, ...]  # includes SCP/RCP statements that AWS leaves out
    missing_context: tuple[str, ...]
    allowed_by_boundary: bool | None
    allowed_by_organizations: bool | None
    cross_account: bool
    details: tuple[tuple[str, EvalDecision], ...] | None  # EvalDecisionDetails; None = absent
    reason: str


class ActionResult(NamedTuple):
    """One action's decision over every resource of the request, with catalog notes."""

    action: str
    decision: EvalDecision
    resources: tuple[ResourceResult, ...]
    warnings: tuple[str, ...] = ()
    resource_types: tuple[tuple[str, str], ...] = ()  # (ARN, resource type) pairs from the catalog
    missing_resource_types: tuple[str, ...] = ()
