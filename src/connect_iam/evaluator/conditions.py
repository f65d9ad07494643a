"""Condition operator semantics: does one `operator: {key: values}` entry hold for a request?

The caller resolves the key in the request context and hands us the entry (or None) plus the
policy's values as strings (JSON `true`/`10` already turned into `"true"`/`"10"`, policy variables
already substituted). Compile once per (operator, values) with `compile_condition`, then call
`CompiledCondition.matches` per request; `condition_matches` is the one-shot form.

Rules (iam-semantics §5.2-§5.4), with our decisions where the notes are not definitive:

- Several policy values: OR for positive operators, NOR for the negated ones (MULTI).
- Missing key (§5.2 table): positive -> false; negated -> true; `...IfExists` -> true (also with
  a qualifier); `ForAllValues:` -> true; `ForAnyValue:` -> false. **[INFERRED]** An entry present
  with no values at all is "an empty data set" (SETOPS) and is treated exactly like a missing key,
  for `Null` too.
- `ForAnyValue:Op`: some request value satisfies Op; `ForAllValues:Op`: every request value does.
  For a negated Op, "satisfies" is per request value: the value matches none of the policy values
  (**[INFERRED]** §5.4; agrees with the worked cases published for cloud-copilot's IAM simulator,
  e.g. `ForAnyValue:StringNotEquals` `[DataClass, Owner]` vs `[Dept, DataClass]` -> true).
- **[INFERRED]** A plain (unqualified) operator against a request entry with several values: a
  positive operator holds if *any* request value matches any policy value (like `ForAnyValue:`);
  a negated operator holds if *no* request value matches any policy value, so that for a present
  key `StringNotEquals` is always the complement of `StringEquals`. AWS says such keys "require" a
  set operator (AA `MISSING_QUALIFIER`), so this only decides what an invalid policy does.
- `Null`: `"true"` holds iff the key is missing, `"false"` iff it is present (OR over values).
  `ForAllValues:Null` is always true and `ForAnyValue:Null` always false (AA `NULL_WITH_QUALIFIER`).
  `IfExists` on `Null` is invalid (the validator reports `NULL_WITH_IF_EXISTS`); we ignore it.
- String: exact code-point comparison; `IgnoreCase` compares casefolded text; `Like` uses the IAM
  glob (`*`, `?`). Arn operators use the Resource-element rule (`ArnPattern`); ArnEquals behaves
  as ArnLike (CONDOPS).
- Numeric (`decimal.Decimal`), Date (instants, see `connect_iam.model.context`), Bool (`true` /
  `false` in any case, **[UNSURE]** in the notes), Binary (base64-decoded bytes), IP (`ipaddress`;
  a bare address is /32 or /128, host bits after the mask are ignored). **[INFERRED]** A value on
  either side that does not parse as the operator's type makes that comparison fail for positive
  *and* negated operators: it never matches, and a negated operator does not turn the failure
  into a match (a typo in `NumericNotEquals` must not grant access).
- **[UNSURE]** A plain operator with an empty value list (`"StringEquals": {"k": []}`) never
  holds when positive, and holds for a present key when negated (NOR of nothing).
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TypeVar, assert_never

from connect_iam.model.arn import ArnPattern
from connect_iam.model.context import (
    ContextEntry,
    IpAddress,
    IpNetwork,
    parse_binary,
    parse_bool,
    parse_instant,
    parse_ip_address,
    parse_ip_network,
    parse_numeric,
)
from connect_iam.model.operators import (
    BaseOperator,
    ConditionOperator,
    OperatorFamily,
    SetQualifier,
)
from connect_iam.model.wildcard import WildcardPattern

_T = TypeVar("_T")
_P = TypeVar("_P")

ValueTest = Callable[[str], bool]


def value_parses(family: OperatorFamily, text: str) -> bool:
    """Is `text` a usable policy value for an operator of `family`? (validator: TYPE_MISMATCH_*)"""
    match family:
        case OperatorFamily.STRING | OperatorFamily.ARN:
            return True
        case OperatorFamily.NUMERIC:
            return parse_numeric(text) is not None
        case OperatorFamily.DATE:
            return parse_instant(text) is not None
        case OperatorFamily.BOOL | OperatorFamily.NULL:
            return parse_bool(text) is not None
        case OperatorFamily.BINARY:
            return parse_binary(text) is not None
        case OperatorFamily.IP:
            return parse_ip_network(text) is not None
        case _:
            assert_never(family)


@dataclass(frozen=True, slots=True)
class CompiledCondition:
    """One operator with its policy values, parsed and compiled once for many `matches` calls."""

    operator: ConditionOperator
    policy_values: tuple[str, ...]
    _test: ValueTest = field(repr=False, compare=False)
    _when_missing: bool = field(repr=False, compare=False)
    _when_present: bool | None = field(repr=False, compare=False)
    _require_all: bool = field(repr=False, compare=False)

    def matches(self, entry: ContextEntry | None) -> bool:
        """Does the condition hold for the request's entry (None when the key is missing)?"""
        if entry is None or not entry.values:
            return self._when_missing
        if self._when_present is not None:
            return self._when_present
        values = entry.values
        test = self._test
        if len(values) == 1:
            return test(values[0])
        if self._require_all:
            return all(test(value) for value in values)
        return any(test(value) for value in values)


@functools.lru_cache(maxsize=16384)
def compile_condition(
    operator: ConditionOperator, policy_values: tuple[str, ...]
) -> CompiledCondition:
    """Compile `operator` with its (already substituted) policy values. Cached."""
    base = operator.base
    qualifier = operator.qualifier
    if base is BaseOperator.NULL:
        return _compile_null(operator, policy_values)
    negated = base.negated
    match qualifier:
        case SetQualifier.FOR_ALL_VALUES:
            when_missing, require_all = True, True
        case SetQualifier.FOR_ANY_VALUE:
            when_missing, require_all = False, False
        case SetQualifier.NONE:
            when_missing, require_all = negated, negated
        case _:
            assert_never(qualifier)
    return CompiledCondition(
        operator,
        policy_values,
        _value_test(base, policy_values),
        when_missing or operator.if_exists,
        None,
        require_all,
    )


def condition_matches(
    operator: ConditionOperator, policy_values: tuple[str, ...], entry: ContextEntry | None
) -> bool:
    """One-shot form of `compile_condition(operator, policy_values).matches(entry)`."""
    return compile_condition(operator, tuple(policy_values)).matches(entry)


def _compile_null(operator: ConditionOperator, policy_values: tuple[str, ...]) -> CompiledCondition:
    match operator.qualifier:
        case SetQualifier.FOR_ALL_VALUES:
            when_missing = when_present = True
        case SetQualifier.FOR_ANY_VALUE:
            when_missing = when_present = False
        case SetQualifier.NONE:
            parsed = {parse_bool(value) for value in policy_values}
            when_missing, when_present = True in parsed, False in parsed
        case _:
            assert_never(operator.qualifier)
    return CompiledCondition(
        operator, policy_values, _never, when_missing, when_present, _require_all=False
    )


def _never(_value: str) -> bool:
    return False


def _value_test(base: BaseOperator, policy_values: tuple[str, ...]) -> ValueTest:
    """The per-request-value test, negation included: OR over policy values, or NOR if negated."""
    negated = base.negated
    match base.family:
        case OperatorFamily.STRING:
            return _string_test(base, policy_values)
        case OperatorFamily.ARN:
            patterns = tuple(ArnPattern.compile(value) for value in policy_values)

            def arn_any(value: str) -> bool:
                return any(pattern.matches(value) for pattern in patterns)

            return _negate(arn_any) if negated else arn_any
        case OperatorFamily.NUMERIC:
            return _typed_test(
                parse_numeric,
                tuple(parse_numeric(value) for value in policy_values),
                _decimal_compare(base),
                negated=negated,
            )
        case OperatorFamily.DATE:
            return _typed_test(
                parse_instant,
                tuple(parse_instant(value) for value in policy_values),
                _decimal_compare(base),
                negated=negated,
            )
        case OperatorFamily.BOOL:
            return _typed_test(
                parse_bool,
                tuple(parse_bool(value) for value in policy_values),
                _equal,
                negated=negated,
            )
        case OperatorFamily.BINARY:
            return _typed_test(
                parse_binary,
                tuple(parse_binary(value) for value in policy_values),
                _equal,
                negated=negated,
            )
        case OperatorFamily.IP:
            return _typed_test(
                _request_address,
                tuple(_IpRange.parse(value) for value in policy_values),
                _in_range,
                negated=negated,
            )
        case OperatorFamily.NULL:  # pragma: no cover - compile_condition handles Null first
            return _never
        case _:
            assert_never(base.family)


def _negate(test: ValueTest) -> ValueTest:
    def negated(value: str) -> bool:
        return not test(value)

    return negated


def _string_test(base: BaseOperator, policy_values: tuple[str, ...]) -> ValueTest:
    test: ValueTest
    match base:
        case BaseOperator.STRING_EQUALS | BaseOperator.STRING_NOT_EQUALS:
            exact = frozenset(policy_values)

            def test(value: str) -> bool:
                return value in exact

        case BaseOperator.STRING_EQUALS_IGNORE_CASE | BaseOperator.STRING_NOT_EQUALS_IGNORE_CASE:
            folded = frozenset(value.casefold() for value in policy_values)

            def test(value: str) -> bool:
                return value.casefold() in folded

        case BaseOperator.STRING_LIKE | BaseOperator.STRING_NOT_LIKE:
            patterns = tuple(WildcardPattern.compile(value) for value in policy_values)
            if any(pattern.pattern and not pattern.pattern.strip("*") for pattern in patterns):

                def test(value: str) -> bool:
                    return True

            else:

                def test(value: str) -> bool:
                    return any(pattern.matches(value) for pattern in patterns)

        case _:  # pragma: no cover - only String operators reach here
            raise AssertionError(f"not a String operator: {base}")
    return _negate(test) if base.negated else test


def _typed_test(
    parse: Callable[[str], _T | None],
    parsed_policy: tuple[_P | None, ...],
    compare: Callable[[_T, _P], bool],
    *,
    negated: bool,
) -> ValueTest:
    """Parse the request value, then OR (or NOR) `compare(request, policy)` over policy values.

    A value that does not parse fails the comparison both ways (module docstring).
    """
    valid = tuple(value for value in parsed_policy if value is not None)
    if negated:
        if len(valid) != len(parsed_policy):
            return _never

        def none_match(value: str) -> bool:
            request = parse(value)
            if request is None:
                return False
            return not any(compare(request, policy) for policy in valid)

        return none_match

    def any_match(value: str) -> bool:
        request = parse(value)
        if request is None:
            return False
        return any(compare(request, policy) for policy in valid)

    return any_match


def _equal(request: object, policy: object) -> bool:
    return request == policy


def _in_range(request: _RequestAddress, policy: _IpRange) -> bool:
    return policy.contains(request)


@dataclass(frozen=True, slots=True)
class _RequestAddress:
    """A request IP wrapped in one type, so the generic `_typed_test` can name it."""

    address: IpAddress


def _request_address(text: str) -> _RequestAddress | None:
    address = parse_ip_address(text)
    return None if address is None else _RequestAddress(address)


@dataclass(frozen=True, slots=True)
class _IpRange:
    """A policy IP value as a network (bare address = /32 or /128, host bits ignored)."""

    network: IpNetwork

    @classmethod
    def parse(cls, text: str) -> _IpRange | None:
        network = parse_ip_network(text)
        return None if network is None else cls(network)

    def contains(self, request: _RequestAddress) -> bool:
        # Mixed versions must not compare: `IPv4Address('0.0.0.1') in IPv6Network('::/0')` is
        # True in `ipaddress`, which only compares the integers under the mask.
        address = request.address
        return address.version == self.network.version and address in self.network


def _decimal_compare(base: BaseOperator) -> Callable[[Decimal, Decimal], bool]:
    """`request <op> policy` for the Numeric and Date operators (CONDOPS: request vs policy)."""
    match base:
        case (
            BaseOperator.NUMERIC_EQUALS
            | BaseOperator.NUMERIC_NOT_EQUALS
            | BaseOperator.DATE_EQUALS
            | BaseOperator.DATE_NOT_EQUALS
        ):
            return Decimal.__eq__
        case BaseOperator.NUMERIC_LESS_THAN | BaseOperator.DATE_LESS_THAN:
            return Decimal.__lt__
        case BaseOperator.NUMERIC_LESS_THAN_EQUALS | BaseOperator.DATE_LESS_THAN_EQUALS:
            return Decimal.__le__
        case BaseOperator.NUMERIC_GREATER_THAN | BaseOperator.DATE_GREATER_THAN:
            return Decimal.__gt__
        case BaseOperator.NUMERIC_GREATER_THAN_EQUALS | BaseOperator.DATE_GREATER_THAN_EQUALS:
            return Decimal.__ge__
        case _:  # pragma: no cover - only Numeric and Date operators reach here
            raise AssertionError(f"not an ordering operator: {base}")
