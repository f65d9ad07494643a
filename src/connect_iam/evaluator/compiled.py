"""Statements compiled once for evaluation: matchers built, variables parsed, conditions typed.

A compiled statement answers three questions, cheapest first: does it name this action (cached per
action by the owning policy), does it name this resource, do its conditions hold.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import Enum

from connect_iam.evaluator.conditions import CompiledCondition, compile_condition, condition_matches
from connect_iam.model.arn import MAX_REGEX_VALUE, ArnPattern, alternation, pattern_regex
from connect_iam.model.context import ContextEntry, RequestContext
from connect_iam.model.operators import ConditionOperator
from connect_iam.model.policy import (
    ConditionClause,
    Effect,
    PolicyDocument,
    Principal,
    PrincipalKind,
    Statement,
)
from connect_iam.model.variables import Escape, Literal, Template, Variable, parse_template
from connect_iam.model.wildcard import WildcardPattern

# Substituted text is literal: a `*` that came from a variable (or the `${*}` escape) must not act
# as a wildcard. Both sides map such characters to private-use code points before matching.
_LITERAL_STAR = "\ue000"
_LITERAL_QMARK = "\ue001"
_LITERALIZE = str.maketrans({"*": _LITERAL_STAR, "?": _LITERAL_QMARK})


class Unresolved(Exception):
    """A policy variable had no value and no default: the statement does not apply."""

    def __init__(self, key: str) -> None:
        super().__init__(key)
        self.key = key


def resolve(template: Template, context: RequestContext) -> tuple[str, bool]:
    """Substitute variables; returns the text and whether a substituted part held `*` or `?`."""
    pieces: list[str] = []
    literal_wildcards = False
    for part in template.parts:
        if isinstance(part, Literal):
            pieces.append(part.text)
            continue
        value = part.text if isinstance(part, Escape) else _variable_value(part, context)
        if "*" in value or "?" in value:
            literal_wildcards = True
            value = value.translate(_LITERALIZE)
        pieces.append(value)
    return "".join(pieces), literal_wildcards


def _variable_value(variable: Variable, context: RequestContext) -> str:
    entry = context.get(variable.key)
    if entry is not None and len(entry.values) == 1 and not entry.type.is_list:
        return entry.values[0]
    if variable.default is not None:
        return variable.default
    raise Unresolved(variable.key)


def literalize(text: str) -> str:
    return text.translate(_LITERALIZE)


class PrincipalMatch(Enum):
    """How a resource policy's Principal named the caller; decides what else must allow (§1.4)."""

    NONE = 0
    ANYONE = 1
    ACCOUNT = 2
    EXACT = 3


@dataclass(frozen=True, slots=True)
class CompiledResource:
    template: Template | None  # set when the pattern holds variables to substitute per request
    pattern: ArnPattern | None

    def matches(self, resource: str, context: RequestContext) -> bool:
        if self.pattern is not None:
            return self.pattern.matches(resource)
        assert self.template is not None
        text, literal = resolve(self.template, context)
        return ArnPattern.compile(text).matches(literalize(resource) if literal else resource)


@dataclass(frozen=True, slots=True)
class CompiledClause:
    key: str  # lowercased: condition key names are case-insensitive (IAM: Condition)
    clause: ConditionClause
    operator: ConditionOperator
    compiled: CompiledCondition | None  # None when values hold variables
    templates: tuple[Template, ...]

    def holds(self, context: RequestContext) -> bool:
        entry = context.get(self.key)
        if self.compiled is not None:
            return self.compiled.matches(entry)
        values: list[str] = []
        literal = False
        for template in self.templates:
            text, had = resolve(template, context)
            literal |= had
            values.append(text)
        if literal and entry is not None:
            entry = ContextEntry(entry.name, tuple(literalize(v) for v in entry.values), entry.type)
        return condition_matches(self.operator, tuple(values), entry)


@dataclass(frozen=True, slots=True)
class CompiledStatement:
    statement: Statement
    effect: Effect
    action_patterns: tuple[WildcardPattern, ...]
    not_action: bool
    resources: tuple[CompiledResource, ...] | None  # None: no Resource element (resource policy)
    not_resource: bool
    principals: tuple[Principal, ...] | None
    not_principal: bool
    clauses: tuple[CompiledClause, ...]
    condition_keys: tuple[str, ...]  # as written, for MissingContextValues
    # All Resource patterns as one regex, when each has an exact safe translation (model.arn).
    resource_regex: re.Pattern[str] | None = None

    def names_action(self, action: str) -> bool:
        hit = any(pattern.matches(action) for pattern in self.action_patterns)
        return hit != self.not_action

    def names_resource(self, resource: str, context: RequestContext) -> bool:
        """Resource / NotResource; Unresolved propagates (the statement does not apply)."""
        if self.resources is None:
            return True
        regex = self.resource_regex
        if regex is not None and len(resource) <= MAX_REGEX_VALUE:
            return (regex.fullmatch(resource) is not None) != self.not_resource
        hit = False
        for compiled in self.resources:
            if compiled.matches(resource, context):
                hit = True
                break
        return hit != self.not_resource

    def conditions_hold(self, context: RequestContext) -> bool:
        for clause in self.clauses:
            if not clause.holds(context):
                return False
        return True

    def principal_match(self, caller: str | None) -> PrincipalMatch:
        """Which way Principal / NotPrincipal names `caller` (IAM: Principal, NotPrincipal)."""
        if self.principals is None:
            return PrincipalMatch.EXACT
        best = PrincipalMatch.NONE
        for principal in self.principals:
            best = max(best, _principal_names(principal, caller), key=lambda m: m.value)
        if self.not_principal:
            return PrincipalMatch.ANYONE if best is PrincipalMatch.NONE else PrincipalMatch.NONE
        return best


def _principal_names(principal: Principal, caller: str | None) -> PrincipalMatch:
    if principal.kind is PrincipalKind.ANY or (
        principal.kind is PrincipalKind.AWS and principal.value == "*"
    ):
        return PrincipalMatch.ANYONE
    if caller is None or principal.kind is not PrincipalKind.AWS:
        return PrincipalMatch.NONE
    caller_account = account_of(caller)
    value = principal.value
    if value == caller:
        return PrincipalMatch.EXACT
    if caller_account and value in (caller_account, f"arn:aws:iam::{caller_account}:root"):
        return PrincipalMatch.ACCOUNT
    # A role ARN names every session of that role (IAM: Principal, role sessions).
    session = _role_of_session(caller)
    if session is not None and value == session:
        return PrincipalMatch.EXACT
    return PrincipalMatch.NONE


def account_of(arn: str | None) -> str | None:
    """The account field of an ARN, or a bare 12-digit account id."""
    if arn is None:
        return None
    if arn.isdigit():
        return arn
    fields = arn.split(":", 5)
    if len(fields) == 6 and fields[0] == "arn" and fields[4]:
        return fields[4]
    return None


def _role_of_session(caller: str) -> str | None:
    fields = caller.split(":", 5)
    if len(fields) != 6 or fields[2] != "sts" or not fields[5].startswith("assumed-role/"):
        return None
    role = fields[5].split("/")[1]
    return f"arn:aws:iam::{fields[4]}:role/{role}"


def compile_statement(statement: Statement, policy: PolicyDocument) -> CompiledStatement:
    substitutes = policy.substitutes_variables
    actions = tuple(
        WildcardPattern.compile(action.text, ignore_case=True) for action in statement.actions
    )
    resources = None
    resource_regex = None
    if statement.resources is not None:
        resources = tuple(
            _compile_resource(resource.text, substitutes) for resource in statement.resources
        )
        sources = [
            pattern_regex(r.pattern.pattern) if r.pattern is not None else None for r in resources
        ]
        if sources and all(source is not None for source in sources):
            resource_regex = alternation(tuple(s for s in sources if s is not None))
    clauses = tuple(
        _compile_clause(clause, substitutes)
        for clause in statement.conditions
        if clause.operator is not None
    )
    return CompiledStatement(
        statement=statement,
        effect=statement.effect,
        action_patterns=actions,
        not_action=statement.not_action,
        resources=resources,
        not_resource=statement.not_resource,
        principals=statement.principals,
        not_principal=statement.not_principal,
        clauses=clauses,
        condition_keys=tuple(dict.fromkeys(clause.key for clause in statement.conditions)),
        resource_regex=resource_regex,
    )


def _compile_resource(text: str, substitutes: bool) -> CompiledResource:
    if substitutes and "${" in text:
        return CompiledResource(parse_template(text), None)
    return CompiledResource(None, ArnPattern.compile(text))


def _compile_clause(clause: ConditionClause, substitutes: bool) -> CompiledClause:
    operator = clause.operator
    assert operator is not None
    templates: tuple[Template, ...] = ()
    if substitutes and operator.base.supports_variables and any("${" in v for v in clause.values):
        templates = tuple(parse_template(value) for value in clause.values)
        return CompiledClause(clause.key.lower(), clause, operator, None, templates)
    return CompiledClause(
        clause.key.lower(), clause, operator, compile_condition(operator, clause.values), ()
    )
