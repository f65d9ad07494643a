"""The condition operator table: every operator AWS documents, with the facts the engines need.

Spelling is **case-sensitive**, exactly as CONDOPS writes the operators: IAM rejects a policy with
`stringEquals` ("MalformedPolicyDocument: Invalid Condition type : stringEquals", reported in
ministryofjustice/modernisation-platform-environments PR #8893), so `parse_operator` does not
fold case. The set qualifiers (`ForAllValues:` / `ForAnyValue:`) and the `IfExists` suffix are
matched with the same exact spelling.

`NullIfExists` parses (with `if_exists=True`) even though AWS rejects it, so that the validator can
report `NULL_WITH_IF_EXISTS` at the right place instead of a generic unknown operator.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import assert_never

_IF_EXISTS = "IfExists"


class OperatorFamily(StrEnum):
    """The value type an operator compares (CONDOPS section headings)."""

    STRING = "String"
    NUMERIC = "Numeric"
    DATE = "Date"
    BOOL = "Bool"
    BINARY = "Binary"
    IP = "IpAddress"
    ARN = "Arn"
    NULL = "Null"


class BaseOperator(StrEnum):
    """A condition operator without qualifier or `IfExists`, spelled as AWS spells it."""

    STRING_EQUALS = "StringEquals"
    STRING_NOT_EQUALS = "StringNotEquals"
    STRING_EQUALS_IGNORE_CASE = "StringEqualsIgnoreCase"
    STRING_NOT_EQUALS_IGNORE_CASE = "StringNotEqualsIgnoreCase"
    STRING_LIKE = "StringLike"
    STRING_NOT_LIKE = "StringNotLike"
    NUMERIC_EQUALS = "NumericEquals"
    NUMERIC_NOT_EQUALS = "NumericNotEquals"
    NUMERIC_LESS_THAN = "NumericLessThan"
    NUMERIC_LESS_THAN_EQUALS = "NumericLessThanEquals"
    NUMERIC_GREATER_THAN = "NumericGreaterThan"
    NUMERIC_GREATER_THAN_EQUALS = "NumericGreaterThanEquals"
    DATE_EQUALS = "DateEquals"
    DATE_NOT_EQUALS = "DateNotEquals"
    DATE_LESS_THAN = "DateLessThan"
    DATE_LESS_THAN_EQUALS = "DateLessThanEquals"
    DATE_GREATER_THAN = "DateGreaterThan"
    DATE_GREATER_THAN_EQUALS = "DateGreaterThanEquals"
    BOOL = "Bool"
    BINARY_EQUALS = "BinaryEquals"
    IP_ADDRESS = "IpAddress"
    NOT_IP_ADDRESS = "NotIpAddress"
    ARN_EQUALS = "ArnEquals"
    ARN_LIKE = "ArnLike"
    ARN_NOT_EQUALS = "ArnNotEquals"
    ARN_NOT_LIKE = "ArnNotLike"
    NULL = "Null"

    @property
    def family(self) -> OperatorFamily:
        """Which kind of value the operator compares, and so how policy values must parse."""
        match self:
            case (
                BaseOperator.STRING_EQUALS
                | BaseOperator.STRING_NOT_EQUALS
                | BaseOperator.STRING_EQUALS_IGNORE_CASE
                | BaseOperator.STRING_NOT_EQUALS_IGNORE_CASE
                | BaseOperator.STRING_LIKE
                | BaseOperator.STRING_NOT_LIKE
            ):
                return OperatorFamily.STRING
            case (
                BaseOperator.NUMERIC_EQUALS
                | BaseOperator.NUMERIC_NOT_EQUALS
                | BaseOperator.NUMERIC_LESS_THAN
                | BaseOperator.NUMERIC_LESS_THAN_EQUALS
                | BaseOperator.NUMERIC_GREATER_THAN
                | BaseOperator.NUMERIC_GREATER_THAN_EQUALS
            ):
                return OperatorFamily.NUMERIC
            case (
                BaseOperator.DATE_EQUALS
                | BaseOperator.DATE_NOT_EQUALS
                | BaseOperator.DATE_LESS_THAN
                | BaseOperator.DATE_LESS_THAN_EQUALS
                | BaseOperator.DATE_GREATER_THAN
                | BaseOperator.DATE_GREATER_THAN_EQUALS
            ):
                return OperatorFamily.DATE
            case BaseOperator.BOOL:
                return OperatorFamily.BOOL
            case BaseOperator.BINARY_EQUALS:
                return OperatorFamily.BINARY
            case BaseOperator.IP_ADDRESS | BaseOperator.NOT_IP_ADDRESS:
                return OperatorFamily.IP
            case (
                BaseOperator.ARN_EQUALS
                | BaseOperator.ARN_LIKE
                | BaseOperator.ARN_NOT_EQUALS
                | BaseOperator.ARN_NOT_LIKE
            ):
                return OperatorFamily.ARN
            case BaseOperator.NULL:
                return OperatorFamily.NULL
            case _:
                assert_never(self)

    @property
    def negated(self) -> bool:
        """A `...Not...` operator: NOR over policy values, and true when the key is missing (§5.2).

        Exactly the eight operators MULTI lists as negated.
        """
        return self in _NEGATED

    @property
    def supports_variables(self) -> bool:
        """Policy variables are allowed only in String and ARN operators' values (VARS, §4)."""
        return self.family in (OperatorFamily.STRING, OperatorFamily.ARN)

    @property
    def supports_wildcards(self) -> bool:
        """`*`/`?` are wildcards only for `StringLike`/`StringNotLike` and every Arn operator.

        CONDOPS: ArnEquals behaves as ArnLike; in other String operators they are literal
        (AA `WILDCARD_WITHOUT_LIKE_OPERATOR`).
        """
        return self in (BaseOperator.STRING_LIKE, BaseOperator.STRING_NOT_LIKE) or (
            self.family is OperatorFamily.ARN
        )


_NEGATED = frozenset(
    {
        BaseOperator.STRING_NOT_EQUALS,
        BaseOperator.STRING_NOT_EQUALS_IGNORE_CASE,
        BaseOperator.STRING_NOT_LIKE,
        BaseOperator.NUMERIC_NOT_EQUALS,
        BaseOperator.DATE_NOT_EQUALS,
        BaseOperator.NOT_IP_ADDRESS,
        BaseOperator.ARN_NOT_EQUALS,
        BaseOperator.ARN_NOT_LIKE,
    }
)


class SetQualifier(StrEnum):
    """The set operator prefix for multivalued keys (SETOPS, §5.4); NONE when absent."""

    NONE = ""
    FOR_ALL_VALUES = "ForAllValues"
    FOR_ANY_VALUE = "ForAnyValue"


@dataclass(frozen=True, slots=True)
class ConditionOperator:
    """A full condition operator: `[qualifier:]Base[IfExists]`."""

    base: BaseOperator
    if_exists: bool = False
    qualifier: SetQualifier = SetQualifier.NONE

    @property
    def text(self) -> str:
        """The canonical spelling, e.g. `ForAnyValue:StringLikeIfExists`."""
        prefix = f"{self.qualifier.value}:" if self.qualifier is not SetQualifier.NONE else ""
        suffix = _IF_EXISTS if self.if_exists else ""
        return f"{prefix}{self.base.value}{suffix}"

    def __str__(self) -> str:
        return self.text


_BASES: dict[str, BaseOperator] = {member.value: member for member in BaseOperator}
_QUALIFIERS: dict[str, SetQualifier] = {
    member.value: member for member in SetQualifier if member is not SetQualifier.NONE
}


def parse_operator(text: str) -> ConditionOperator | None:
    """The operator spelled by `text` (case-sensitive, see module docstring), or None if unknown."""
    qualifier = SetQualifier.NONE
    head, colon, rest = text.partition(":")
    if colon:
        found = _QUALIFIERS.get(head)
        if found is None:
            return None
        qualifier, text = found, rest
    base = _BASES.get(text)
    if base is not None:
        return ConditionOperator(base, False, qualifier)
    if text.endswith(_IF_EXISTS):
        base = _BASES.get(text[: -len(_IF_EXISTS)])
        if base is not None:
            return ConditionOperator(base, True, qualifier)
    return None
