"""Decide "is there a request that policy set A allows and policy set B does not?" exactly, with
counterexamples confirmed by the evaluator.

The query is split by action class (`connect_iam.analyzer.actions`): per class the action part
of every statement is a constant, so the formula only speaks about the resource string and the
context, which `connect_iam.analyzer.encode` encodes for z3. One last query lets the action be any
string outside the catalog's classes. Every satisfying model is turned into a concrete request
and replayed through the evaluator (`connect_iam.evaluator.decide.decide_resource`); a model the
evaluator does not confirm makes the answer UNKNOWN, never FAIL or PASS.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum
from fractions import Fraction
from typing import Any

import z3

from connect_iam.analyzer.actions import (
    ActionClass,
    ActionElement,
    StatementKey,
    catalog_classes,
    symbolic_pattern_re,
)
from connect_iam.analyzer.automaton import TooLarge, explore_actions
from connect_iam.analyzer.encode import (
    AUTOMATON_BUDGET,
    BINARY,
    BOOL,
    DATE,
    IP,
    NUMBER,
    TEXT,
    Encoder,
    KeyModel,
    Unsupported,
)
from connect_iam.analyzer.regex import any_char, zstr
from connect_iam.catalog import get_catalog
from connect_iam.errors import ConnectIamError
from connect_iam.evaluator.decide import decide_resource
from connect_iam.evaluator.prepare import PolicyInput, PreparedPolicySet, prepare
from connect_iam.evaluator.simulator import request_from_params
from connect_iam.model.decision import EvalDecision
from connect_iam.model.policy import Effect, PolicyDocument, PolicyType, PrincipalKind, Statement

log = logging.getLogger("connect_iam.analyzer")

Z = Any

DEFAULT_TIMEOUT_MS = 30_000
SCOPE_KEY: StatementKey = (-1, 0)
RESOURCE_POLICY_CALLER = "arn:aws:iam::111122223333:user/connect-iam-analyzer"


class Verdict(StrEnum):
    HOLDS = "holds"  # no request satisfies the goal
    FOUND = "found"  # confirmed requests satisfy it
    UNKNOWN = "unknown"


@dataclass(frozen=True, slots=True)
class Example:
    """A concrete request, in the simulator's terms, plus the statements that allowed it."""

    action: str
    resource: str
    context_entries: tuple[dict[str, Any], ...]
    action_class: ActionClass | None
    statements: tuple[StatementKey, ...]  # allow statements of the goal's `granting` side

    def as_dict(self) -> dict[str, Any]:
        return {
            "action": self.action,
            "resource": self.resource,
            "contextEntries": [dict(entry) for entry in self.context_entries],
        }


@dataclass(slots=True)
class Outcome:
    verdict: Verdict
    examples: list[Example] = field(default_factory=list)
    statements: list[StatementKey] = field(default_factory=list)  # granting statements, sorted
    reason: str = ""
    where: Statement | None = None
    where_key: StatementKey | None = None


@dataclass(frozen=True, slots=True)
class Side:
    """Policies combined as one principal's identity policies (union of Allows, any Deny wins)."""

    policies: tuple[int, ...]  # indices into Analysis.documents


class Analysis:
    """All documents of one question, their encoding and their evaluator twins."""

    def __init__(
        self,
        documents: Sequence[PolicyDocument],
        policy_type: PolicyType = PolicyType.IDENTITY,
        *,
        scope_actions: Sequence[str] | None = None,
        timeout_ms: int = DEFAULT_TIMEOUT_MS,
        confirm_documents: Sequence[PolicyDocument] | None = None,
        confirm_caller: str | None = None,
        check_principals: bool = True,
        scope_resources: Sequence[str] = (),
        resource_automaton: bool = True,
    ) -> None:
        self.documents = tuple(documents)
        # The evaluator confirms against these (the public-access check analyzes a filtered copy)
        self.confirm_documents = tuple(confirm_documents or documents)
        self.caller = confirm_caller or RESOURCE_POLICY_CALLER
        self.policy_type = policy_type
        self.timeout_ms = timeout_ms
        self.elements = [
            ActionElement(
                (number, statement.index),
                tuple(a.text for a in statement.actions),
                statement.not_action,
            )
            for number, document in enumerate(self.documents)
            for statement in document.statements
        ]
        if scope_actions is not None:
            # The actions a check asks about join the signature, so each class is in or out.
            self.elements.append(ActionElement(SCOPE_KEY, tuple(scope_actions), False))
        self.statements: dict[StatementKey, Statement] = {
            (number, statement.index): statement
            for number, document in enumerate(self.documents)
            for statement in document.statements
        }
        self._prepared: dict[tuple[int, ...], PreparedPolicySet] = {}
        self._classes: list[ActionClass] | None = None
        self._others: dict[frozenset[StatementKey], str] | None = None
        self.encoder = Encoder(self.documents, resource_automaton=resource_automaton)
        self.applies: dict[StatementKey, Z] = {}
        for number, document in enumerate(self.documents):
            for statement in document.statements:
                if policy_type is PolicyType.RESOURCE and check_principals:
                    _check_principals(statement)
                self.applies[(number, statement.index)] = self.encoder.statement(
                    statement, document
                )
        for pattern in scope_resources:
            self.encoder.resource_in(pattern)  # a check's resources join the resource space
        self.encoder.finish_axioms()

    # -- action classes -----------------------------------------------------------------------

    def classes(self) -> list[ActionClass]:
        if self._classes is None:
            self._classes = catalog_classes(self.elements, get_catalog())
        return self._classes

    def other_actions(self) -> dict[frozenset[StatementKey], str] | None:
        """Signatures realized only by action names outside the catalog's classes, each with a
        shortest witness name (`connect_iam.analyzer.automaton.explore_actions`); None when the
        automaton passes its budget (the engine then asks z3 with a symbolic action)."""
        if self._others is None:
            patterns = sorted({p.casefold() for e in self.elements for p in e.patterns})
            try:
                space = explore_actions(patterns, budget=AUTOMATON_BUDGET)
            except TooLarge:
                return None
            index = {p: i for i, p in enumerate(patterns)}
            seen = {c.signature for c in self.classes()}
            found: dict[frozenset[StatementKey], str] = {}
            for vector, name in space.witnesses.items():  # shortest names first
                signature = frozenset(
                    e.key
                    for e in self.elements
                    if any(vector[index[p.casefold()]] for p in e.patterns) != e.not_action
                )
                if signature not in seen:
                    found.setdefault(signature, name)
            self._others = found
        return self._others

    # -- formulas -----------------------------------------------------------------------------

    def allowed(self, side: Side, guard: Callable[[StatementKey], Z]) -> Z:
        allows: list[Z] = []
        denies: list[Z] = []
        for key, statement in self.statements.items():
            if key[0] not in side.policies:
                continue
            named = guard(key)
            if z3.is_false(named):
                continue
            term = z3.And(named, self.applies[key])
            (denies if statement.effect is Effect.DENY else allows).append(term)
        allow = z3.Or(*allows) if allows else z3.BoolVal(False)
        deny = z3.Or(*denies) if denies else z3.BoolVal(False)
        return z3.And(allow, z3.Not(deny))

    # -- evaluator ----------------------------------------------------------------------------

    def prepared(self, side: Side) -> PreparedPolicySet:
        cached = self._prepared.get(side.policies)
        if cached is None:
            inputs = [
                PolicyInput(self.confirm_documents[i], f"PolicyInputList.{n}")
                for n, i in enumerate(side.policies, start=1)
            ]
            if self.policy_type is PolicyType.RESOURCE:
                if len(inputs) != 1:
                    raise Unsupported("several resource policies in one set")
                cached = prepare((), resource=inputs[0])
            else:
                cached = prepare(inputs)
            self._prepared[side.policies] = cached
        return cached

    def decide(self, side: Side, action: str, resource: str, entries: Sequence[Any]) -> Any:
        params: dict[str, Any] = {
            "ActionNames": [action],
            "ResourceArns": [resource],
            "ContextEntries": list(entries),
        }
        if self.policy_type is PolicyType.RESOURCE:
            params["CallerArn"] = self.caller
        request = request_from_params(params)
        return decide_resource(
            self.prepared(side), action, resource, request.context, request.caller
        )


def _check_principals(statement: Statement) -> None:
    if statement.not_principal:
        raise Unsupported("NotPrincipal in a resource policy", statement)
    for principal in statement.principals or ():
        anyone = principal.kind is PrincipalKind.ANY or (
            principal.kind is PrincipalKind.AWS and principal.value == "*"
        )
        if not anyone:
            raise Unsupported(
                "a resource-policy Principal other than `*` (the caller would be part of the "
                "request; only policies granting to everyone are in the fragment)",
                statement,
            )


# -- solving ------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Goal:
    """Find requests with `positive` allowed, `negative` (if any) not allowed, inside `scope`."""

    positive: Side
    negative: Side | None = None
    scope: Callable[[Analysis, Callable[[StatementKey], Z], Z], Z] | None = None


def solve(
    analysis: Analysis,
    goal: Goal,
    *,
    max_examples: int = 10,
    all_statements: bool = True,
) -> Outcome:
    """Decide the goal. HOLDS means no request exists (PASS); FOUND carries confirmed examples."""
    try:
        return _solve(analysis, goal, max_examples, all_statements)
    except Unsupported as exc:
        return Outcome(Verdict.UNKNOWN, reason=exc.reason, where=exc.where)


def _solver(analysis: Analysis) -> Any:
    solver = z3.Solver()
    solver.set("timeout", analysis.timeout_ms)
    solver.add(*analysis.encoder.axioms)
    return solver


def _solve(analysis: Analysis, goal: Goal, max_examples: int, all_statements: bool) -> Outcome:
    outcome = Outcome(Verdict.HOLDS)
    solver = _solver(analysis)
    granting: set[StatementKey] = set()
    seen_signatures: list[frozenset[StatementKey]] = []
    relevant = [
        key
        for key, statement in analysis.statements.items()
        if key[0] in goal.positive.policies and statement.effect is Effect.ALLOW
    ]

    def goal_formula(guard: Callable[[StatementKey], Z]) -> Z:
        formula = analysis.allowed(goal.positive, guard)
        if goal.negative is not None:
            formula = z3.And(formula, z3.Not(analysis.allowed(goal.negative, guard)))
        if goal.scope is not None:
            formula = z3.And(formula, goal.scope(analysis, guard, analysis.encoder.resource))
        return formula

    # One unit per action signature: catalog classes, then (when the action automaton stays
    # small) the signatures only non-catalog action names realize, each with a witness name.
    units: list[tuple[frozenset[StatementKey], str, ActionClass | None]] = []
    for catalog_class in analysis.classes():
        seen_signatures.append(catalog_class.signature)
        if catalog_class.examples:
            units.append((catalog_class.signature, catalog_class.examples[0], catalog_class))
    others = analysis.other_actions()
    if others is not None:
        units.extend((signature, name, None) for signature, name in others.items())
    sat_units: list[tuple[frozenset[StatementKey], Z]] = []
    for signature, action, action_class in units:

        def guard(key: StatementKey, signature: frozenset[StatementKey] = signature) -> Z:
            return z3.BoolVal(key in signature)

        formula = goal_formula(guard)
        if z3.is_false(z3.simplify(formula)):
            continue
        result, model = _check_model(solver, formula)
        if result == z3.unknown:
            return Outcome(Verdict.UNKNOWN, reason=_unknown_reason(solver))
        if result == z3.sat:
            example = _example(analysis, goal, model, action, action_class)
            if isinstance(example, str):
                return Outcome(Verdict.UNKNOWN, reason=example)
            sat_units.append((signature, formula))
            granting.update(example.statements)
            if len(outcome.examples) < max_examples:
                outcome.examples.append(example)
    symbolic: tuple[Example, Z, Callable[[StatementKey], Z]] | None = None
    if others is None:
        answer = _symbolic(analysis, goal, solver, seen_signatures, goal_formula)
        if isinstance(answer, str):
            return Outcome(Verdict.UNKNOWN, reason=answer)
        symbolic = answer
        if symbolic is not None:
            granting.update(symbolic[0].statements)
            if len(outcome.examples) < max_examples:
                outcome.examples.append(symbolic[0])
    if not outcome.examples:
        return outcome
    outcome.verdict = Verdict.FOUND
    if all_statements:
        for key in relevant:
            if key in granting:
                continue
            for signature, formula in sat_units:
                if key not in signature:
                    continue
                result = _check(solver, z3.And(formula, analysis.applies[key]))
                if result == z3.sat:
                    granting.add(key)
                    break
            else:
                if symbolic is not None and key not in granting:
                    result = _check(solver, z3.And(symbolic[1], symbolic[2](key)))
                    if result == z3.sat:
                        granting.add(key)
    outcome.statements = sorted(granting)
    return outcome


def _check(solver: Any, formula: Z) -> Any:
    return _check_model(solver, formula)[0]


def _check_model(solver: Any, formula: Z) -> tuple[Any, Any]:
    """(result, model when sat); the formula is retracted afterwards."""
    solver.push()
    try:
        solver.add(formula)
        result = solver.check()
        return result, (solver.model() if result == z3.sat else None)
    finally:
        solver.pop()


def _unknown_reason(solver: Any) -> str:
    return f"the solver gave up ({solver.reason_unknown()})"


def _symbolic(
    analysis: Analysis,
    goal: Goal,
    solver: Any,
    seen: list[frozenset[StatementKey]],
    goal_formula: Callable[[Callable[[StatementKey], Z]], Z],
) -> tuple[Example, Z, Callable[[StatementKey], Z]] | str | None:
    """Actions outside the catalog's classes: the action is a z3 string (case-folded)."""
    action = z3.String("action")
    named: dict[StatementKey, Z] = {}
    for element in analysis.elements:
        regexes = [symbolic_pattern_re(p) for p in element.patterns]
        hit = z3.Or(*(z3.InRe(action, r) for r in regexes)) if regexes else z3.BoolVal(False)
        named[element.key] = z3.Not(hit) if element.not_action else hit

    def guard(key: StatementKey) -> Z:
        return named[key]

    alphabet = _action_alphabet(analysis)
    name_re = z3.Plus(alphabet)
    shape = z3.And(
        z3.InRe(action, z3.Concat(name_re, z3.Re(":"), name_re)),
        z3.Length(action) <= 128,
    )
    excluded = [
        z3.Or(*(named[k] != z3.BoolVal(k in signature) for k in named)) if named else False
        for signature in seen
    ]
    formula = z3.And(shape, *excluded, goal_formula(guard))
    result, model = _check_model(solver, formula)
    if result == z3.unknown:
        return _unknown_reason(solver)
    if result == z3.unsat:
        return None
    name = _string_value(model, action)
    example = _example(analysis, goal, model, name, None)
    if isinstance(example, str):
        return example

    def applies(key: StatementKey) -> Z:
        return z3.And(named[key], analysis.applies[key])

    return example, formula, applies


def _action_alphabet(analysis: Analysis) -> Z:
    chars = set("abcdefghijklmnopqrstuvwxyz0123456789-_.")
    for element in analysis.elements:
        for pattern in element.patterns:
            chars.update(pattern.casefold())
    chars -= {"*", "?", ":"}
    for candidate in "~^!#%&+=@" + "".join(chr(c) for c in range(0x100, 0x200)):
        if candidate not in chars and candidate.casefold() == candidate:
            chars.add(candidate)  # a character no pattern mentions: stands for all others
            break
    return z3.Union(*(z3.Re(zstr(c)) for c in sorted(chars)))


# -- models to requests ---------------------------------------------------------------------------


def _string_value(model: Any, term: Z) -> str:
    length = model.eval(z3.Length(term), model_completion=True).as_long()
    chars = []
    for i in range(length):
        code = model.eval(z3.StrToCode(z3.SubString(term, i, 1)), model_completion=True)
        chars.append(chr(code.as_long()))
    return "".join(chars)


def _example(
    analysis: Analysis, goal: Goal, model: Any, action: str, action_class: ActionClass | None
) -> Example | str:
    resource = analysis.encoder.resource_value(model, _string_value)
    entries = tuple(_entries(analysis.encoder.keys, model))
    try:
        positive = analysis.decide(goal.positive, action, resource, entries)
        negative = (
            analysis.decide(goal.negative, action, resource, entries)
            if goal.negative is not None
            else None
        )
    except ConnectIamError as exc:
        message = f"the evaluator rejected the solver's request ({exc})"
        log.warning("analyzer: %s: %s %s %s", message, action, resource, entries)
        return message
    ok = positive.decision is EvalDecision.ALLOWED and (
        negative is None or negative.decision is not EvalDecision.ALLOWED
    )
    if not ok:
        message = (
            f"the evaluator does not confirm the solver's counterexample ({action} on "
            f"{resource}: {positive.decision}"
            + (f" / {negative.decision}" if negative is not None else "")
            + ")"
        )
        log.warning("analyzer: %s; entries %s", message, entries)
        return message
    resource = _beautify(analysis, goal, action, resource, entries)
    entries = _fewer_entries(analysis, goal, action, resource, entries)
    positive = analysis.decide(goal.positive, action, resource, entries)
    statements = tuple(
        (goal.positive.policies[int(m.policy_id.rsplit(".", 1)[1]) - 1], m.statement.index)
        for m in positive.matched
        if m.statement.effect is Effect.ALLOW and m.policy_id.startswith("PolicyInputList.")
    )
    if analysis.policy_type is PolicyType.RESOURCE:
        statements = tuple(
            (goal.positive.policies[0], m.statement.index)
            for m in positive.matched
            if m.statement.effect is Effect.ALLOW
        )
    return Example(action, resource, entries, action_class, statements)


def _readable(resource: str) -> list[str]:
    """Friendlier spellings of a solver-made resource: empty path segments filled, odd characters
    replaced. Only used when the evaluator confirms them too."""
    cleaned = "".join(c if "!" <= c <= "~" else "x" for c in resource)
    filled = cleaned
    while "//" in filled:
        filled = filled.replace("//", "/example/")
    if filled.endswith("/"):
        filled += "example"
    return [c for c in dict.fromkeys((filled, cleaned)) if c != resource]


def _confirms(
    analysis: Analysis, goal: Goal, action: str, resource: str, entries: Sequence[Any]
) -> bool:
    try:
        positive = analysis.decide(goal.positive, action, resource, entries)
        negative = (
            analysis.decide(goal.negative, action, resource, entries)
            if goal.negative is not None
            else None
        )
    except ConnectIamError:
        return False
    return positive.decision is EvalDecision.ALLOWED and (
        negative is None or negative.decision is not EvalDecision.ALLOWED
    )


def _beautify(
    analysis: Analysis, goal: Goal, action: str, resource: str, entries: Sequence[Any]
) -> str:
    for candidate in _readable(resource):
        if _confirms(analysis, goal, action, candidate, entries):
            return candidate
    return resource


def _fewer_entries(
    analysis: Analysis,
    goal: Goal,
    action: str,
    resource: str,
    entries: tuple[dict[str, Any], ...],
) -> tuple[dict[str, Any], ...]:
    """A smaller context that the evaluator still confirms: each entry dropped if it can be,
    else cut to one value if it can be (the solver's model may carry spare values)."""
    current = list(entries)
    i = 0
    while i < len(current):
        dropped = current[:i] + current[i + 1 :]
        if _confirms(analysis, goal, action, resource, dropped):
            current = dropped
            continue
        entry = current[i]
        kind = entry["ContextKeyType"]
        singles = [
            [
                *current[:i],
                dict(entry, ContextKeyValues=[value], ContextKeyType=k),
                *current[i + 1 :],
            ]
            for value in entry["ContextKeyValues"]
            for k in dict.fromkeys((kind.removesuffix("List"), kind))
        ]
        if len(entry["ContextKeyValues"]) > 1:
            current = next(
                (c for c in singles if _confirms(analysis, goal, action, resource, c)), current
            )
        i += 1
    return tuple(current)


def _entries(keys: dict[str, KeyModel], model: Any) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for key in keys.values():
        n = model.eval(key.n, model_completion=True).as_long()
        if n == 0:
            continue
        values = [_slot_value(key, j, model) for j in range(n)]
        is_list = z3.is_true(model.eval(key.is_list, model_completion=True)) or n > 1
        out.append(
            {
                "ContextKeyName": key.name,
                "ContextKeyValues": [v for v, _ in values],
                "ContextKeyType": _entry_type(key.group, all(ok for _, ok in values), is_list),
            }
        )
    return out


_TYPES = {NUMBER: "numeric", DATE: "date", BOOL: "boolean", IP: "ip", BINARY: "binary"}


def _entry_type(group: str, typed: bool, is_list: bool) -> str:
    base = _TYPES.get(group, "string") if typed else "string"
    return f"{base}List" if is_list else base


def _slot_value(key: KeyModel, j: int, model: Any) -> tuple[str, bool]:
    """The request value of slot j as text, and whether it is valid for the key's type."""
    group = key.group
    if group == TEXT:
        return _string_value(model, key.text[j]), True
    if group in (NUMBER, DATE):
        if not z3.is_true(model.eval(key.valid[j], model_completion=True)):
            return "not-a-number", False
        value = _decimal(model.eval(key.real[j], model_completion=True), key.constants)
        return _plain(value), True
    if group == BOOL:
        if not z3.is_true(model.eval(key.valid[j], model_completion=True)):
            return "maybe", False
        flag = z3.is_true(model.eval(key.flag[j], model_completion=True))
        return ("true" if flag else "false"), True
    if group == IP:
        import ipaddress

        version = model.eval(key.ip_version[j], model_completion=True).as_long()
        if version == 0:
            return "not-an-ip", False
        if version == 4:
            number = model.eval(key.ip4[j], model_completion=True).as_long()
            return str(ipaddress.IPv4Address(number)), True
        number = model.eval(key.ip6[j], model_completion=True).as_long()
        return str(ipaddress.IPv6Address(number)), True
    import base64

    index = model.eval(key.binary[j], model_completion=True).as_long()
    if index == -2:
        return "!not-base64!", False
    if index >= 0:
        return base64.b64encode(key.binaries[index]).decode("ascii"), True
    fresh = b"\x00"
    while fresh in key.binaries:
        fresh += b"\x00"
    return base64.b64encode(fresh).decode("ascii"), True


def _decimal(value: Z, constants: set[Decimal]) -> Decimal:
    """A finite decimal ordered like the model's (possibly non-decimal) rational value against
    every policy constant of the key: the constants are decimals, so a midpoint is one too."""
    exact = Fraction(value.as_fraction())
    ordered = sorted(constants)
    for constant in ordered:
        if Fraction(constant) == exact:
            return constant
    below = [c for c in ordered if Fraction(c) < exact]
    above = [c for c in ordered if Fraction(c) > exact]
    if below and above:
        return (below[-1] + above[0]) / 2
    if below:
        return below[-1] + 1
    if above:
        return above[0] - 1
    return Decimal(exact.numerator // exact.denominator)


def _plain(value: Decimal) -> str:
    text = format(value, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def any_action_re() -> Z:
    return z3.Star(any_char())
