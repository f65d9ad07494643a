"""The policy model: frozen values parsed from JSON, each keeping the span it came from.

Spans ride along but never decide equality, so two policies that differ only in layout are equal.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from connect_iam.model.operators import ConditionOperator
from connect_iam.source import SourceText, Span


class Effect(StrEnum):
    ALLOW = "Allow"
    DENY = "Deny"


class PolicyType(StrEnum):
    """What a policy is for: decides which grammar rules apply and how it joins a decision."""

    IDENTITY = "IDENTITY_POLICY"
    RESOURCE = "RESOURCE_POLICY"
    BOUNDARY = "PERMISSIONS_BOUNDARY"
    SCP = "SERVICE_CONTROL_POLICY"
    RCP = "RESOURCE_CONTROL_POLICY"
    SESSION = "SESSION_POLICY"


VERSION_2012 = "2012-10-17"
VERSION_2008 = "2008-10-17"


@dataclass(frozen=True, slots=True, kw_only=True)
class ActionPattern:
    """`service:Name` with `*`/`?`, or `*`; matched case-insensitively (IAM User Guide: Action)."""

    text: str
    span: Span | None = field(default=None, compare=False, hash=False, repr=False)

    @property
    def service(self) -> str:
        """The lowercased service prefix, `*` for the bare wildcard."""
        if self.text == "*":
            return "*"
        return self.text.split(":", 1)[0].lower()

    @property
    def name(self) -> str:
        return self.text.split(":", 1)[1] if ":" in self.text else self.text


@dataclass(frozen=True, slots=True, kw_only=True)
class ResourcePattern:
    """An ARN pattern or `*`; may hold policy variables (only substituted under 2012-10-17)."""

    text: str
    span: Span | None = field(default=None, compare=False, hash=False, repr=False)


class PrincipalKind(StrEnum):
    ANY = "*"
    AWS = "AWS"
    SERVICE = "Service"
    FEDERATED = "Federated"
    CANONICAL_USER = "CanonicalUser"


@dataclass(frozen=True, slots=True, kw_only=True)
class Principal:
    kind: PrincipalKind
    value: str
    span: Span | None = field(default=None, compare=False, hash=False, repr=False)


@dataclass(frozen=True, slots=True, kw_only=True)
class ConditionClause:
    """One `operator: {key: values}` pair; the operator text is kept for messages and validation."""

    operator_text: str
    operator: ConditionOperator | None  # None when the operator is unknown (an ERROR finding)
    key: str
    values: tuple[str, ...]
    operator_span: Span | None = field(default=None, compare=False, hash=False, repr=False)
    key_span: Span | None = field(default=None, compare=False, hash=False, repr=False)
    value_spans: tuple[Span, ...] = field(default=(), compare=False, hash=False, repr=False)
    raw_value_kinds: tuple[str, ...] = field(default=(), compare=False, hash=False, repr=False)


@dataclass(frozen=True, slots=True, kw_only=True)
class Statement:
    """One statement. `resources is None` means the statement has no Resource element at all, which
    resource-based policies allow (the resource is the one the policy is attached to)."""

    index: int
    sid: str | None
    effect: Effect
    actions: tuple[ActionPattern, ...]
    not_action: bool = False
    resources: tuple[ResourcePattern, ...] | None = ()
    not_resource: bool = False
    principals: tuple[Principal, ...] | None = None
    not_principal: bool = False
    conditions: tuple[ConditionClause, ...] = ()
    span: Span | None = field(default=None, compare=False, hash=False, repr=False)

    @property
    def label(self) -> str:
        return f"statement {self.index}" + (f" (`{self.sid}`)" if self.sid else "")


@dataclass(frozen=True, slots=True, kw_only=True)
class PolicyDocument:
    version: str | None
    id: str | None
    statements: tuple[Statement, ...]
    policy_type: PolicyType = PolicyType.IDENTITY
    source: SourceText | None = field(default=None, compare=False, hash=False, repr=False)

    @property
    def substitutes_variables(self) -> bool:
        """Variables are only substituted under Version 2012-10-17 (IAM: Version, Variables)."""
        return self.version == VERSION_2012
