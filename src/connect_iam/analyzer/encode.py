"""The request space as z3 terms: resource string, principal, context keys; statements as formulas.

A request is `(action, resource, context)` (plus the caller for resource policies). The action is
handled outside z3 (`connect_iam.analyzer.actions` groups actions into classes by which statements'
Action elements name them); this module encodes everything else, mirroring the evaluator
(`connect_iam.evaluator.compiled` / `.conditions`) construct by construct. Anything it cannot mirror
exactly raises `Unsupported`, which the checks turn into `UNKNOWN`. See docs/analysis.md.

Context model, per condition key `k` (case-insensitive, as the evaluator's lookup):

- `n_k` (Int, 0..N_k): how many values the request gives; 0 means "missing" (the evaluator treats
  an entry with no values as missing too). `N_k` is the number of condition clauses on `k` (at
  least 1, at least 2 when `k` is used as a policy variable): a request that satisfies the formula
  with more values still satisfies it after dropping every value that is not the witness of some
  clause, so the bound loses nothing.
- `list_k` (Bool): the entry is declared with a `...List` type (only variables notice: a list never
  resolves a variable).
- per value slot, typed by the one operator family group the key is used with: a string (String and
  Arn operators, variables), a (valid, real) pair (Numeric; Date as epoch seconds), a (valid, bool)
  pair, an (IP version, 32/128-bit vector) pair, or an index into the policy's binary constants.
  A key used with two groups (say `NumericLessThan` and `StringEquals`) is outside the fragment.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import z3

from connect_iam.analyzer.automaton import ResourceSpace, TooLarge, explore
from connect_iam.analyzer.regex import anything, arn_re, fold_re, glob_re, not_colon, zstr
from connect_iam.model.context import (
    parse_binary,
    parse_bool,
    parse_instant,
    parse_ip_network,
    parse_numeric,
)
from connect_iam.model.operators import (
    BaseOperator,
    ConditionOperator,
    OperatorFamily,
    SetQualifier,
)
from connect_iam.model.policy import ConditionClause, PolicyDocument, Statement
from connect_iam.model.variables import Escape, Literal, Template, Variable, parse_template

Z = Any  # z3 terms are untyped; keep `Any` inside this module and the engine

TEXT, NUMBER, DATE, BOOL, IP, BINARY = "text", "number", "date", "bool", "ip", "binary"

_GROUP = {
    OperatorFamily.STRING: TEXT,
    OperatorFamily.ARN: TEXT,
    OperatorFamily.NUMERIC: NUMBER,
    OperatorFamily.DATE: DATE,
    OperatorFamily.BOOL: BOOL,
    OperatorFamily.IP: IP,
    OperatorFamily.BINARY: BINARY,
}

# The evaluator escapes substituted `*`/`?` to these private-use characters; requests holding them
# would be matched differently, so the request universe excludes them (docs/analysis.md).
_RESERVED = ("\ue000", "\ue001")

# Past these sizes the resource space is left to z3's string solver (exact, but slower).
AUTOMATON_BUDGET = 20_000  # product states (a few seconds of exploration at most)
VECTOR_BUDGET = 4_096  # realizable atom vectors


class Unsupported(Exception):
    """A construct outside the exactly handled fragment; `where` names the statement."""

    def __init__(self, reason: str, where: Statement | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.where = where


@dataclass(slots=True)
class KeyModel:
    name: str  # first spelling seen in a policy
    group: str
    slots: int
    n: Z
    is_list: Z
    text: list[Z] = field(default_factory=list)
    valid: list[Z] = field(default_factory=list)
    real: list[Z] = field(default_factory=list)
    flag: list[Z] = field(default_factory=list)
    ip_version: list[Z] = field(default_factory=list)
    ip4: list[Z] = field(default_factory=list)
    ip6: list[Z] = field(default_factory=list)
    binary: list[Z] = field(default_factory=list)
    binaries: list[bytes] = field(default_factory=list)
    constants: set[Decimal] = field(default_factory=set)

    @property
    def present(self) -> Z:
        return self.n >= 1

    def resolved(self) -> Z:
        """The evaluator substitutes a variable only from exactly one value of a non-list type."""
        return z3.And(self.n == 1, z3.Not(self.is_list))


def _clause_group(clause: ConditionClause) -> str | None:
    operator = clause.operator
    if operator is None or operator.base is BaseOperator.NULL:
        return None
    return _GROUP[operator.base.family]


def _uses_template(clause: ConditionClause, policy: PolicyDocument) -> bool:
    operator = clause.operator
    return (
        operator is not None
        and policy.substitutes_variables
        and operator.base.supports_variables
        and any("${" in value for value in clause.values)
    )


def _resource_templates(statement: Statement, policy: PolicyDocument) -> Iterable[Template]:
    if not policy.substitutes_variables or statement.resources is None:
        return ()
    return (parse_template(r.text) for r in statement.resources if "${" in r.text)


def _variables(statement: Statement, policy: PolicyDocument) -> list[Variable]:
    found: list[Variable] = []
    for template in _resource_templates(statement, policy):
        found.extend(template.variables)
    for clause in statement.conditions:
        if _uses_template(clause, policy):
            for value in clause.values:
                found.extend(parse_template(value).variables)
    return found


class Encoder:
    """Owns the z3 variables of one analysis and turns statements into formulas."""

    def __init__(
        self, policies: Sequence[PolicyDocument], *, resource_automaton: bool = True
    ) -> None:
        self.axioms: list[Z] = []
        self.resource = z3.String("resource")
        self.keys: dict[str, KeyModel] = {}
        self._splits: dict[str, tuple[Z, Z, Z]] = {}
        self._fresh = 0
        # Resource patterns matched against the request's resource, as Boolean atoms; which
        # combinations a string can realize is decided in `finish_axioms` (module docstring).
        self.resource_atoms: dict[str, Z] = {}
        self.space: ResourceSpace | None = None
        self._automaton = resource_automaton
        self._string_resource = False  # a pattern with variables needs the resource as a string
        self._finished = False
        self._plan_keys(policies)
        clean = z3.Star(
            z3.Intersect(
                z3.AllChar(z3.ReSort(z3.StringSort())),
                *(z3.Complement(z3.Re(z3.StringVal(c))) for c in _RESERVED),
            )
        )
        self._clean = clean

    def resource_in(self, pattern: str) -> Z:
        """The atom "the request's resource matches Resource pattern `pattern`" (`ArnPattern`)."""
        atom = self.resource_atoms.get(pattern)
        if atom is None:
            if self._finished:
                raise RuntimeError("resource patterns must be registered before finish_axioms")
            atom = z3.Bool(f"res{len(self.resource_atoms)}")
            self.resource_atoms[pattern] = atom
        return atom

    def _resource_universe_axiom(self) -> Z:
        # The simulator accepts `*` or `arn:partition:service:region:account:resource` with a
        # non-empty partition and service (IAM API: ResourceArns); nothing else is a request.
        arn_shape = z3.Concat(
            z3.Re("arn:"),
            z3.Plus(not_colon()),
            z3.Re(":"),
            z3.Plus(not_colon()),
            z3.Re(":"),
            z3.Star(not_colon()),
            z3.Re(":"),
            z3.Star(not_colon()),
            z3.Re(":"),
            anything(),
        )
        # One membership for the whole universe: z3 is much slower on a disjunction of shapes.
        # (The 2048-character limit is left out: a longer witness fails confirmation -> UNKNOWN.)
        return z3.InRe(self.resource, z3.Intersect(z3.Union(z3.Re("*"), arn_shape), self._clean))

    def resource_value(self, model: Any, read_string: Callable[[Any, Z], str]) -> str:
        """The request resource of a z3 model: the witness of the model's atom vector when the
        automaton decided the resource space, else the string the model gives."""
        if self.space is None:
            return read_string(model, self.resource)
        vector = tuple(
            z3.is_true(model.eval(atom, model_completion=True))
            for atom in self.resource_atoms.values()
        )
        return self.space.witnesses[vector]

    # -- key planning -------------------------------------------------------------------------

    def _plan_keys(self, policies: Sequence[PolicyDocument]) -> None:
        groups: dict[str, set[str]] = {}
        distinct: dict[str, set[tuple[str, tuple[str, ...], bool]]] = {}
        names: dict[str, str] = {}
        as_variable: set[str] = set()
        for policy in policies:
            for statement in policy.statements:
                for clause in statement.conditions:
                    if clause.operator is None:
                        raise Unsupported(
                            f"unknown condition operator `{clause.operator_text}`", statement
                        )
                    folded = clause.key.casefold()
                    names.setdefault(folded, clause.key)
                    # Identical clauses are true together and share their witness value.
                    distinct.setdefault(folded, set()).add(
                        (
                            clause.operator_text.casefold(),
                            tuple(clause.values),
                            _uses_template(clause, policy),
                        )
                    )
                    group = _clause_group(clause)
                    if group is not None:
                        groups.setdefault(folded, set()).add(group)
                for variable in _variables(statement, policy):
                    folded = variable.key.casefold()
                    names.setdefault(folded, variable.key)
                    as_variable.add(folded)
                    groups.setdefault(folded, set()).add(TEXT)
        for folded, name in names.items():
            used = groups.get(folded, set())
            if len(used) > 1:
                raise Unsupported(
                    f"condition key `{name}` is used with several operator families "
                    f"({', '.join(sorted(used))})"
                )
            group = next(iter(used)) if used else TEXT
            slots = max(1, len(distinct.get(folded, ())))
            if folded in as_variable:
                slots = max(2, slots)
            self.keys[folded] = self._make_key(name, folded, group, slots)

    def _make_key(self, name: str, folded: str, group: str, slots: int) -> KeyModel:
        tag = f"{len(self.keys)}"
        n = z3.Int(f"n{tag}")
        model = KeyModel(name, group, slots, n, z3.Bool(f"list{tag}"))
        self.axioms.extend([n >= 0, n <= slots])
        for j in range(slots):
            if group == TEXT:
                model.text.append(z3.String(f"s{tag}_{j}"))
            elif group in (NUMBER, DATE):
                model.valid.append(z3.Bool(f"ok{tag}_{j}"))
                model.real.append(z3.Real(f"x{tag}_{j}"))
            elif group == BOOL:
                model.valid.append(z3.Bool(f"ok{tag}_{j}"))
                model.flag.append(z3.Bool(f"b{tag}_{j}"))
            elif group == IP:
                version = z3.Int(f"v{tag}_{j}")
                model.ip_version.append(version)
                model.ip4.append(z3.BitVec(f"a{tag}_{j}", 32))
                model.ip6.append(z3.BitVec(f"A{tag}_{j}", 128))
                self.axioms.append(z3.Or(version == 0, version == 4, version == 6))
            else:
                model.binary.append(z3.Int(f"bin{tag}_{j}"))
        return model

    def finish_axioms(self) -> None:
        """Context-slot axioms, then the resource space: the realizable atom vectors (computed
        by `connect_iam.analyzer.automaton`) when every Resource pattern is a plain pattern and
        the product automaton stays small; otherwise the atoms are tied to a z3 string."""
        self._finished = True
        for model in self.keys.values():
            for s in model.text:
                self.axioms.append(z3.InRe(s, self._clean))
            for value in model.binary:
                self.axioms.extend([value >= -2, value < len(model.binaries)])
        patterns = list(self.resource_atoms)
        if self._automaton and not self._string_resource:
            try:
                space = explore(patterns, budget=AUTOMATON_BUDGET)
            except TooLarge:
                space = None
            if space is not None and len(space.witnesses) <= VECTOR_BUDGET:
                self.space = space
                atoms = list(self.resource_atoms.values())
                self.axioms.append(one_of_vectors(atoms, space.witnesses))
                return
        self.axioms.append(self._resource_universe_axiom())
        for pattern, atom in self.resource_atoms.items():
            self.axioms.append(atom == z3.InRe(self.resource, arn_re(pattern)))

    # -- strings ------------------------------------------------------------------------------

    def split5(self, s: Z) -> tuple[Z, Z, Z]:
        """(has five colons, head up to the fifth `:`, tail): a function of `s`, so usable under
        negation without quantifiers."""
        key = str(s)
        cached = self._splits.get(key)
        if cached is not None:
            return cached
        self._fresh += 1
        head = z3.String(f"head{self._fresh}")
        tail = z3.String(f"tail{self._fresh}")
        head_shape = z3.Loop(z3.Concat(z3.Star(not_colon()), z3.Re(":")), 5, 5)
        has5 = z3.InRe(s, z3.Concat(head_shape, anything()))
        self.axioms.append(
            z3.Implies(has5, z3.And(s == z3.Concat(head, tail), z3.InRe(head, head_shape)))
        )
        self._splits[key] = (has5, head, tail)
        return has5, head, tail

    def _variable(self, variable: Variable) -> tuple[Z, Z]:
        """(value, unresolved) of a policy variable (evaluator: `_variable_value`)."""
        model = self.keys[variable.key.casefold()]
        resolved = model.resolved()
        if variable.default is not None:
            return z3.If(resolved, model.text[0], zstr(variable.default)), z3.BoolVal(False)
        return model.text[0], z3.Not(resolved)

    def template_match(self, s: Z, template: Template, mode: str) -> tuple[Z, Z]:
        """(matches, unresolved) for a template with variables; mode `equals`, `glob`, `arn`."""
        parts = template.parts
        unresolved: list[Z] = []
        pieces: list[tuple[bool, Any]] = []  # (is_literal, text or z3 term)
        for part in parts:
            if isinstance(part, Literal):
                pieces.append((True, part.text))
            elif isinstance(part, Escape):
                pieces.append((False, zstr(part.text)))  # `${*}`: a literal `*`, never a wildcard
            else:
                value, missing = self._variable(part)
                unresolved.append(missing)
                pieces.append((False, value))
        unres = z3.Or(*unresolved) if unresolved else z3.BoolVal(False)
        wild = any(is_lit and ("*" in text or "?" in text) for is_lit, text in pieces)
        if mode == "equals" or not wild:
            return s == self._concat(pieces), unres
        if mode == "arn":
            first = pieces[0]
            if not first[0] or ":" not in first[1]:
                raise Unsupported("a policy variable in the first field of an ARN pattern")
            if first[1].split(":", 1)[0] == "arn":
                if first[1].count(":") < 5:
                    raise Unsupported(
                        "a policy variable before the resource part of an ARN pattern"
                    )
                head_text, tail_text = _cut_after_fifth_colon(first[1])
                if "*" not in head_text and "?" not in head_text:
                    # Literal first five fields: the field-wise match is the whole-string glob.
                    return self._glob(s, pieces), unres
                has5, head, tail = self.split5(s)
                head_re = z3.Concat(
                    *(
                        z3.Concat(glob_re(f, colon_free=True), z3.Re(":"))
                        for f in head_text.split(":")[:5]
                    )
                )
                rest = [(True, tail_text), *pieces[1:]]
                return z3.And(has5, z3.InRe(head, head_re), self._glob(tail, rest)), unres
        return self._glob(s, pieces), unres

    def _concat(self, pieces: list[tuple[bool, Any]]) -> Z:
        terms = [zstr(p) if is_lit else p for is_lit, p in pieces if not (is_lit and p == "")]
        if not terms:
            return z3.StringVal("")
        return terms[0] if len(terms) == 1 else z3.Concat(*terms)

    def _glob(self, s: Z, pieces: list[tuple[bool, Any]]) -> Z:
        """Whole-string glob where variables are literal text: wildcards only after the last
        variable keep this quantifier-free (prefix equality, then a regex on the rest)."""
        last_var = max((i for i, (is_lit, _) in enumerate(pieces) if not is_lit), default=-1)
        for is_lit, text in pieces[:last_var]:
            if is_lit and ("*" in text or "?" in text):
                raise Unsupported("a wildcard before a policy variable in the same pattern")
        if last_var == -1:
            text = "".join(t for _, t in pieces)
            return z3.InRe(s, glob_re(text))
        prefix = self._concat(pieces[: last_var + 1])
        suffix = "".join(t for _, t in pieces[last_var + 1 :])
        rest = z3.SubString(s, z3.Length(prefix), z3.Length(s) - z3.Length(prefix))
        return z3.And(z3.PrefixOf(prefix, s), z3.InRe(rest, glob_re(suffix)))

    # -- statements ---------------------------------------------------------------------------

    def resource_part(self, statement: Statement, policy: PolicyDocument) -> Z:
        """Resource / NotResource, including the evaluator's in-order variable abort."""
        if statement.resources is None:
            return z3.BoolVal(True)
        matches: list[Z] = []
        aborts: list[Z] = []
        for pattern in statement.resources:
            if policy.substitutes_variables and "${" in pattern.text:
                template = parse_template(pattern.text)
                if _substitutes(template):
                    self._string_resource = True
                    hit, unres = self.template_match(self.resource, template, "arn")
                else:
                    hit = self.resource_in(_joined(template))
                    unres = z3.BoolVal(False)
            else:
                hit, unres = self.resource_in(pattern.text), z3.BoolVal(False)
            matches.append(z3.And(z3.Not(unres), hit))
            aborts.append(unres)
        if statement.not_resource:
            return z3.And(
                *(z3.And(z3.Not(u), z3.Not(m)) for u, m in zip(aborts, matches, strict=True))
            )
        options: list[Z] = []
        for j, hit in enumerate(matches):
            earlier = [z3.And(z3.Not(matches[i]), z3.Not(aborts[i])) for i in range(j)]
            options.append(z3.And(hit, *earlier))
        return z3.Or(*options)

    def conditions(self, statement: Statement, policy: PolicyDocument) -> Z:
        terms = []
        for clause in statement.conditions:
            try:
                terms.append(self.clause(clause, policy))
            except Unsupported as exc:
                raise Unsupported(exc.reason, statement) from None
        return z3.And(*terms) if terms else z3.BoolVal(True)

    def clause(self, clause: ConditionClause, policy: PolicyDocument) -> Z:
        operator = clause.operator
        if operator is None:
            raise Unsupported(f"unknown condition operator `{clause.operator_text}`")
        model = self.keys[clause.key.casefold()]
        base = operator.base
        if base is BaseOperator.NULL:
            return self._null(operator, clause.values, model)
        unresolved = z3.BoolVal(False)
        if _uses_template(clause, policy):
            tests, unresolved = self._template_tests(operator, clause.values, model)
        else:
            tests = self._value_tests(operator, clause.values, model)
        negated = base.negated
        match operator.qualifier:
            case SetQualifier.FOR_ALL_VALUES:
                when_missing, require_all = True, True
            case SetQualifier.FOR_ANY_VALUE:
                when_missing, require_all = False, False
            case _:
                when_missing, require_all = negated, negated
        when_missing = when_missing or operator.if_exists
        if require_all:
            present = z3.And(*(z3.Implies(model.n > j, tests(j)) for j in range(model.slots)))
        else:
            present = z3.Or(*(z3.And(model.n > j, tests(j)) for j in range(model.slots)))
        holds = z3.If(model.present, present, z3.BoolVal(when_missing))
        return z3.And(z3.Not(unresolved), holds)

    def _null(self, operator: ConditionOperator, values: tuple[str, ...], model: KeyModel) -> Z:
        match operator.qualifier:
            case SetQualifier.FOR_ALL_VALUES:
                return z3.BoolVal(True)
            case SetQualifier.FOR_ANY_VALUE:
                return z3.BoolVal(False)
            case _:
                parsed = {parse_bool(value) for value in values}
                return z3.If(model.present, z3.BoolVal(False in parsed), z3.BoolVal(True in parsed))

    def _template_tests(
        self, operator: ConditionOperator, values: tuple[str, ...], model: KeyModel
    ) -> tuple[Callable[[int], Z], Z]:
        base = operator.base
        if base in (
            BaseOperator.STRING_EQUALS_IGNORE_CASE,
            BaseOperator.STRING_NOT_EQUALS_IGNORE_CASE,
        ):
            raise Unsupported(f"a policy variable in `{operator.text}`")
        mode = {
            OperatorFamily.ARN: "arn",
        }.get(base.family, "glob" if base.supports_wildcards else "equals")
        templates = [parse_template(value) for value in values]
        unresolved: list[Z] = []
        per_slot: list[list[Z]] = [[] for _ in range(model.slots)]
        for template in templates:
            for j in range(model.slots):
                s = model.text[j]
                if _substitutes(template):
                    hit, unres = self.template_match(s, template, mode)
                    if j == 0:
                        unresolved.append(unres)
                else:
                    hit = self._literal_text_test(base, _joined(template), s)
                per_slot[j].append(hit)

        def test(j: int) -> Z:
            any_hit = z3.Or(*per_slot[j]) if per_slot[j] else z3.BoolVal(False)
            return z3.Not(any_hit) if base.negated else any_hit

        return test, (z3.Or(*unresolved) if unresolved else z3.BoolVal(False))

    def _literal_text_test(self, base: BaseOperator, value: str, s: Z) -> Z:
        if base.family is OperatorFamily.ARN:
            return z3.InRe(s, arn_re(value))
        if base in (BaseOperator.STRING_LIKE, BaseOperator.STRING_NOT_LIKE):
            return z3.InRe(s, glob_re(value))
        if base in (
            BaseOperator.STRING_EQUALS_IGNORE_CASE,
            BaseOperator.STRING_NOT_EQUALS_IGNORE_CASE,
        ):
            return z3.InRe(s, fold_re(value.casefold()))
        return s == zstr(value)

    def _value_tests(
        self, operator: ConditionOperator, values: tuple[str, ...], model: KeyModel
    ) -> Callable[[int], Z]:
        """The evaluator's per-request-value test (`_value_test`), negation included."""
        base = operator.base
        negated = base.negated
        family = base.family
        if family in (OperatorFamily.STRING, OperatorFamily.ARN):

            def text_test(j: int) -> Z:
                s = model.text[j]
                hits = [self._literal_text_test(base, value, s) for value in values]
                hit = z3.Or(*hits) if hits else z3.BoolVal(False)
                return z3.Not(hit) if negated else hit

            return text_test
        if family in (OperatorFamily.NUMERIC, OperatorFamily.DATE):
            parse = parse_numeric if family is OperatorFamily.NUMERIC else parse_instant
            parsed = [parse(value) for value in values]
            valid = [p for p in parsed if p is not None]
            model.constants.update(valid)
            compare = _ORDER[base]

            def number_test(j: int) -> Z:
                if negated and len(valid) != len(parsed):
                    return z3.BoolVal(False)
                x = model.real[j]
                hits = [compare(x, z3.RealVal(str(c))) for c in valid]
                hit = z3.Or(*hits) if hits else z3.BoolVal(False)
                return z3.And(model.valid[j], z3.Not(hit) if negated else hit)

            return number_test
        if family is OperatorFamily.BOOL:
            flags = [parse_bool(value) for value in values]

            def bool_test(j: int) -> Z:
                hits = [model.flag[j] == z3.BoolVal(f) for f in flags if f is not None]
                hit = z3.Or(*hits) if hits else z3.BoolVal(False)
                return z3.And(model.valid[j], hit)

            return bool_test
        if family is OperatorFamily.IP:
            networks = [parse_ip_network(value) for value in values]
            good = [net for net in networks if net is not None]

            def ip_test(j: int) -> Z:
                if negated and len(good) != len(networks):
                    return z3.BoolVal(False)
                hits = [self._in_network(model, j, net) for net in good]
                hit = z3.Or(*hits) if hits else z3.BoolVal(False)
                return z3.And(model.ip_version[j] != 0, z3.Not(hit) if negated else hit)

            return ip_test
        if family is OperatorFamily.BINARY:
            decoded = [parse_binary(value) for value in values]
            ids: list[int] = []
            for item in decoded:
                if item is None:
                    continue
                if item not in model.binaries:
                    model.binaries.append(item)
                ids.append(model.binaries.index(item))

            def binary_test(j: int) -> Z:
                value = model.binary[j]
                hits = [value == i for i in ids]
                return z3.Or(*hits) if hits else z3.BoolVal(False)

            return binary_test
        raise Unsupported(f"operator `{operator.text}`")  # pragma: no cover

    def _in_network(
        self, model: KeyModel, j: int, network: ipaddress.IPv4Network | ipaddress.IPv6Network
    ) -> Z:
        bits = 32 if network.version == 4 else 128
        address = model.ip4[j] if bits == 32 else model.ip6[j]
        mask = z3.BitVecVal(int(network.netmask), bits)
        base = z3.BitVecVal(int(network.network_address), bits)
        return z3.And(model.ip_version[j] == network.version, (address & mask) == base)

    def statement(self, statement: Statement, policy: PolicyDocument) -> Z:
        """Resource part and conditions (the action part is decided per action class)."""
        try:
            resource = self.resource_part(statement, policy)
        except Unsupported as exc:
            raise Unsupported(exc.reason, statement) from None
        return z3.And(resource, self.conditions(statement, policy))


def one_of_vectors(atoms: Sequence[Z], vectors: Iterable[tuple[bool, ...]]) -> Z:
    """The atoms take one of the given valuations."""
    options = [
        z3.And(*(a if bit else z3.Not(a) for a, bit in zip(atoms, vector, strict=True)))
        for vector in vectors
    ]
    if not atoms:
        return z3.BoolVal(bool(options))
    return z3.Or(*options) if options else z3.BoolVal(False)


def _substitutes(template: Template) -> bool:
    return any(not isinstance(part, Literal) for part in template.parts)


def _joined(template: Template) -> str:
    return "".join(part.text for part in template.parts if isinstance(part, Literal))


def _cut_after_fifth_colon(text: str) -> tuple[str, str]:
    index = -1
    for _ in range(5):
        index = text.index(":", index + 1)
    return text[: index + 1], text[index + 1 :]


_ORDER: dict[BaseOperator, Callable[[Z, Z], Z]] = {
    BaseOperator.NUMERIC_EQUALS: lambda a, b: a == b,
    BaseOperator.NUMERIC_NOT_EQUALS: lambda a, b: a == b,
    BaseOperator.DATE_EQUALS: lambda a, b: a == b,
    BaseOperator.DATE_NOT_EQUALS: lambda a, b: a == b,
    BaseOperator.NUMERIC_LESS_THAN: lambda a, b: a < b,
    BaseOperator.DATE_LESS_THAN: lambda a, b: a < b,
    BaseOperator.NUMERIC_LESS_THAN_EQUALS: lambda a, b: a <= b,
    BaseOperator.DATE_LESS_THAN_EQUALS: lambda a, b: a <= b,
    BaseOperator.NUMERIC_GREATER_THAN: lambda a, b: a > b,
    BaseOperator.DATE_GREATER_THAN: lambda a, b: a > b,
    BaseOperator.NUMERIC_GREATER_THAN_EQUALS: lambda a, b: a >= b,
    BaseOperator.DATE_GREATER_THAN_EQUALS: lambda a, b: a >= b,
}
