"""The condition operator table (iam-semantics §5.3-§5.4, CONDOPS, MULTI, SETOPS)."""

from __future__ import annotations

import pytest

from connect_iam.model.operators import (
    BaseOperator,
    ConditionOperator,
    OperatorFamily,
    SetQualifier,
    parse_operator,
)

NEGATED = {
    "StringNotEquals",
    "StringNotEqualsIgnoreCase",
    "StringNotLike",
    "NumericNotEquals",
    "DateNotEquals",
    "NotIpAddress",
    "ArnNotEquals",
    "ArnNotLike",
}


def test_every_documented_operator_is_present() -> None:
    """CONDOPS lists 27 base operators; each one is spelled exactly as AWS spells it."""
    assert len(BaseOperator) == 27
    for operator in BaseOperator:
        assert parse_operator(operator.value) == ConditionOperator(operator)


@pytest.mark.parametrize("operator", list(BaseOperator))
def test_negated_set(operator: BaseOperator) -> None:
    """MULTI: exactly these eight operators are negated (NOR over values, true when missing)."""
    assert operator.negated is (operator.value in NEGATED)


@pytest.mark.parametrize(
    ("operator", "family"),
    [
        (BaseOperator.STRING_LIKE, OperatorFamily.STRING),
        (BaseOperator.NUMERIC_LESS_THAN_EQUALS, OperatorFamily.NUMERIC),
        (BaseOperator.DATE_GREATER_THAN, OperatorFamily.DATE),
        (BaseOperator.BOOL, OperatorFamily.BOOL),
        (BaseOperator.BINARY_EQUALS, OperatorFamily.BINARY),
        (BaseOperator.NOT_IP_ADDRESS, OperatorFamily.IP),
        (BaseOperator.ARN_NOT_LIKE, OperatorFamily.ARN),
        (BaseOperator.NULL, OperatorFamily.NULL),
    ],
)
def test_family(operator: BaseOperator, family: OperatorFamily) -> None:
    """CONDOPS groups operators by the value type they compare."""
    assert operator.family is family


@pytest.mark.parametrize("operator", list(BaseOperator))
def test_family_matches_name(operator: BaseOperator) -> None:
    """CONDOPS naming: each operator's family is the section it is documented in."""
    name = operator.value
    match operator.family:
        case OperatorFamily.IP:
            assert name.endswith("IpAddress")
        case OperatorFamily.BOOL | OperatorFamily.NULL:
            assert name == operator.family.value
        case family:
            assert name.startswith(family.value)


@pytest.mark.parametrize("operator", list(BaseOperator))
def test_variables_only_in_string_and_arn(operator: BaseOperator) -> None:
    """VARS / AA INVALID_VARIABLE_FOR_OPERATOR: variables only with String and ARN operators."""
    expected = operator.family in (OperatorFamily.STRING, OperatorFamily.ARN)
    assert operator.supports_variables is expected


@pytest.mark.parametrize("operator", list(BaseOperator))
def test_wildcards_only_in_like_and_arn(operator: BaseOperator) -> None:
    """CONDOPS: `*`/`?` are wildcards in StringLike/StringNotLike and all Arn operators only."""
    expected = operator.value in {
        "StringLike",
        "StringNotLike",
        "ArnEquals",
        "ArnLike",
        "ArnNotEquals",
        "ArnNotLike",
    }
    assert operator.supports_wildcards is expected


@pytest.mark.parametrize(
    ("text", "base", "if_exists", "qualifier"),
    [
        ("StringEquals", BaseOperator.STRING_EQUALS, False, SetQualifier.NONE),
        ("StringLikeIfExists", BaseOperator.STRING_LIKE, True, SetQualifier.NONE),
        (
            "ForAnyValue:StringLikeIfExists",
            BaseOperator.STRING_LIKE,
            True,
            SetQualifier.FOR_ANY_VALUE,
        ),
        (
            "ForAllValues:StringEquals",
            BaseOperator.STRING_EQUALS,
            False,
            SetQualifier.FOR_ALL_VALUES,
        ),
        ("NotIpAddressIfExists", BaseOperator.NOT_IP_ADDRESS, True, SetQualifier.NONE),
        ("BoolIfExists", BaseOperator.BOOL, True, SetQualifier.NONE),
        ("NullIfExists", BaseOperator.NULL, True, SetQualifier.NONE),
        ("ForAllValues:Null", BaseOperator.NULL, False, SetQualifier.FOR_ALL_VALUES),
    ],
)
def test_parse(text: str, base: BaseOperator, if_exists: bool, qualifier: SetQualifier) -> None:
    """CONDOPS `...IfExists`, SETOPS qualifiers; NullIfExists parses so AA NULL_WITH_IF_EXISTS can
    be reported (§5.2)."""
    operator = parse_operator(text)
    assert operator == ConditionOperator(base, if_exists, qualifier)
    assert operator is not None
    assert operator.text == text
    assert str(operator) == text


@pytest.mark.parametrize(
    "text",
    [
        "stringEquals",
        "STRINGEQUALS",
        "StringEqualsIfexists",
        "forallvalues:StringEquals",
        "ForAllValues:",
        "ForAllValues:ForAnyValue:StringEquals",
        "Foo:StringEquals",
        "IfExists",
        "StringEqualsIfExistsIfExists",
        "StringMatches",
        "",
    ],
)
def test_parse_rejects(text: str) -> None:
    """AA INVALID_CONDITION_OPERATOR; spelling is case-sensitive (IAM rejects `stringEquals` with
    "Invalid Condition type")."""
    assert parse_operator(text) is None


def test_canonical_text() -> None:
    """SETOPS spelling `Qualifier:BaseIfExists`."""
    operator = ConditionOperator(BaseOperator.DATE_LESS_THAN, True, SetQualifier.FOR_ALL_VALUES)
    assert operator.text == "ForAllValues:DateLessThanIfExists"
