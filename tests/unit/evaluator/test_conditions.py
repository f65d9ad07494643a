"""Condition semantics (iam-semantics §5.2-§5.4: CONDOPS, MULTI, SETOPS, AACHECKS)."""

from __future__ import annotations

import pytest

from connect_iam.evaluator.conditions import (
    CompiledCondition,
    compile_condition,
    condition_matches,
    value_parses,
)
from connect_iam.model.context import ContextEntry, ContextKeyType
from connect_iam.model.operators import (
    BaseOperator,
    ConditionOperator,
    OperatorFamily,
    parse_operator,
)

T = ContextKeyType


def op(text: str) -> ConditionOperator:
    operator = parse_operator(text)
    assert operator is not None, text
    return operator


def ctx(
    values: tuple[str, ...] | list[str] | str, key_type: ContextKeyType = T.STRING
) -> ContextEntry:
    if isinstance(values, str):
        values = (values,)
    return ContextEntry("k", tuple(values), key_type)


def check(operator: str, policy: list[str], entry: ContextEntry | None) -> bool:
    return condition_matches(op(operator), tuple(policy), entry)


# §5.2 missing-key table ---------------------------------------------------------------------------


@pytest.mark.parametrize("operator", [o.value for o in BaseOperator if o is not BaseOperator.NULL])
def test_missing_key_table(operator: str) -> None:
    """CONDOPS 'Important' box: missing key -> positive false, negated true, IfExists true."""
    base = op(operator).base
    values = ["x"]
    assert check(operator, values, None) is base.negated
    assert check(operator + "IfExists", values, None) is True
    assert check("ForAllValues:" + operator, values, None) is True
    assert check("ForAnyValue:" + operator, values, None) is False
    assert check("ForAnyValue:" + operator + "IfExists", values, None) is True


def test_empty_value_set_is_treated_as_missing() -> None:
    """SETOPS: an empty data set -> ForAllValues true, ForAnyValue false ([INFERRED] = missing)."""
    empty = ctx((), T.STRING_LIST)
    assert check("ForAllValues:StringEquals", ["a"], empty)
    assert not check("ForAnyValue:StringEquals", ["a"], empty)
    assert not check("StringEquals", ["a"], empty)
    assert check("StringNotEquals", ["a"], empty)
    assert check("Null", ["true"], empty)


# §5.4 Null ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("policy", "present", "expected"),
    [
        (["true"], False, True),
        (["true"], True, False),
        (["false"], False, False),
        (["false"], True, True),
        (["TRUE"], False, True),
        (["true", "false"], True, True),
        (["maybe"], False, False),
        (["maybe"], True, False),
    ],
)
def test_null(policy: list[str], present: bool, expected: bool) -> None:
    """CONDOPS Null: true = key absent, false = key present (OR over values)."""
    assert check("Null", policy, ctx("v") if present else None) is expected


@pytest.mark.parametrize("present", [True, False])
def test_null_with_qualifiers(present: bool) -> None:
    """AACHECKS NULL_WITH_QUALIFIER: ForAllValues:Null is always true, ForAnyValue:Null false."""
    entry = ctx(("a", "b"), T.STRING_LIST) if present else None
    for value in ("true", "false"):
        assert check("ForAllValues:Null", [value], entry)
        assert not check("ForAnyValue:Null", [value], entry)


def test_null_if_exists_is_plain_null() -> None:
    """§5.2: IfExists does not apply to Null (AA NULL_WITH_IF_EXISTS); we evaluate plain Null."""
    assert check("NullIfExists", ["true"], None)
    assert not check("NullIfExists", ["true"], ctx("v"))


# §5.1 OR / NOR ------------------------------------------------------------------------------------


def test_or_over_values_for_positive() -> None:
    """MULTI: several values for one key under one operator -> OR."""
    assert check("StringEquals", ["a", "b"], ctx("b"))
    assert not check("StringEquals", ["a", "b"], ctx("c"))


def test_nor_over_values_for_negated() -> None:
    """MULTI: under a negated operator -> NOR (matches none of the values)."""
    assert not check("StringNotEquals", ["a", "b"], ctx("b"))
    assert check("StringNotEquals", ["a", "b"], ctx("c"))
    assert not check("NumericNotEquals", ["1", "2"], ctx("2", T.NUMERIC))
    assert check("NumericNotEquals", ["1", "2"], ctx("3", T.NUMERIC))


# §5.4 set operators -------------------------------------------------------------------------------

TAGS = ["DataClass", "Owner"]


@pytest.mark.parametrize(
    ("operator", "request_values", "expected"),
    [
        ("ForAllValues:StringEquals", ["DataClass"], True),
        ("ForAllValues:StringEquals", ["DataClass", "Owner"], True),
        ("ForAllValues:StringEquals", ["DataClass", "Dept"], False),
        ("ForAnyValue:StringEquals", ["Dept", "Owner"], True),
        ("ForAnyValue:StringEquals", ["Dept", "SIC"], False),
        ("ForAnyValue:StringNotEquals", ["DataClass", "Owner"], False),
        ("ForAnyValue:StringNotEquals", ["Dept", "DataClass"], True),
        ("ForAllValues:StringNotEquals", ["Dept", "SIC"], True),
        ("ForAllValues:StringNotEquals", ["Dept", "DataClass"], False),
        ("ForAllValues:StringLike", ["DataClass", "Data"], False),
    ],
)
def test_set_operators(operator: str, request_values: list[str], expected: bool) -> None:
    """SETOPS: ForAnyValue = some request value, ForAllValues = every request value; negated ops
    apply per request value ([INFERRED] §5.4)."""
    assert check(operator, TAGS, ctx(tuple(request_values), T.STRING_LIST)) is expected


def test_for_all_values_like_subset() -> None:
    """SETOPS example: ForAllValues:StringLike Created* vs [CreatedBy, CreatedAt] -> true."""
    entry = ctx(("CreatedBy", "CreatedAt"), T.STRING_LIST)
    assert check("ForAllValues:StringLike", ["Created*"], entry)


def test_empty_policy_value_lists() -> None:
    """AACHECKS EMPTY_ARRAY_CONDITION_*: ForAllValues [] only if missing, ForAnyValue [] never,
    IfExists [] only if missing."""
    present = ctx(("a",), T.STRING_LIST)
    assert check("ForAllValues:StringEquals", [], None)
    assert not check("ForAllValues:StringEquals", [], present)
    assert not check("ForAnyValue:StringEquals", [], None)
    assert not check("ForAnyValue:StringEquals", [], present)
    assert check("StringEqualsIfExists", [], None)
    assert not check("StringEqualsIfExists", [], present)
    assert not check("StringEquals", [], present)


def test_plain_operator_with_multivalued_entry() -> None:
    """[INFERRED]: without a qualifier, a positive op matches if any request value matches; a
    negated op is its complement (no request value matches)."""
    entry = ctx(("a", "b"), T.STRING_LIST)
    assert check("StringEquals", ["b"], entry)
    assert not check("StringEquals", ["c"], entry)
    assert not check("StringNotEquals", ["b"], entry)
    assert check("StringNotEquals", ["c"], entry)


# §5.3 per-family --------------------------------------------------------------------------------


def test_string_operators() -> None:
    """CONDOPS String: Equals exact and case-sensitive, IgnoreCase, Like with `*` and `?`."""
    assert not check("StringEquals", ["Blue"], ctx("blue"))
    assert check("StringEqualsIgnoreCase", ["Blue"], ctx("bLUE"))
    assert not check("StringNotEqualsIgnoreCase", ["Blue"], ctx("BLUE"))
    assert check("StringLike", ["home/${user}/*"], ctx("home/${user}/x"))
    assert check("StringLike", ["team-?"], ctx("team-a"))
    assert not check("StringLike", ["team-?"], ctx("team-ab"))
    assert check("StringLike", ["*"], ctx(""))
    assert not check("StringNotLike", ["*"], ctx("x"))
    assert check("StringNotLike", ["a*"], ctx("ba"))


def test_wildcard_literal_outside_like() -> None:
    """AACHECKS WILDCARD_WITHOUT_LIKE_OPERATOR: `*` is a literal in StringEquals."""
    assert not check("StringEquals", ["a*"], ctx("abc"))
    assert check("StringEquals", ["a*"], ctx("a*"))


@pytest.mark.parametrize(
    ("operator", "policy", "request_value", "expected"),
    [
        ("NumericEquals", "10", "10.0", True),
        ("NumericEquals", "10", "11", False),
        ("NumericLessThan", "10", "9.99", True),
        ("NumericLessThan", "10", "10", False),
        ("NumericLessThanEquals", "10", "10", True),
        ("NumericGreaterThan", "10", "10.01", True),
        ("NumericGreaterThanEquals", "10", "9", False),
        ("NumericEquals", "abc", "10", False),
        ("NumericNotEquals", "abc", "10", False),
        ("NumericEquals", "10", "abc", False),
        ("NumericNotEquals", "10", "abc", False),
    ],
)
def test_numeric(operator: str, policy: str, request_value: str, expected: bool) -> None:
    """CONDOPS Numeric: request <op> policy as decimals; [INFERRED] non-numeric never matches."""
    assert check(operator, [policy], ctx(request_value, T.NUMERIC)) is expected


@pytest.mark.parametrize(
    ("operator", "policy", "request_value", "expected"),
    [
        ("DateEquals", "2024-01-01", "2024-01-01T00:00:00Z", True),
        ("DateEquals", "2024-01-01T00:00:00Z", "1704067200", True),
        ("DateEquals", "2024-01-01T01:00:00+01:00", "2024-01-01T00:00:00Z", True),
        ("DateNotEquals", "2024-01-01", "2024-01-02", True),
        ("DateLessThan", "2024-01-01T00:00:00Z", "2023-12-31T23:59:59Z", True),
        ("DateLessThan", "2024-01-01T00:00:00Z", "2024-01-01T00:00:00Z", False),
        ("DateLessThanEquals", "2024-01-01", "2024-01-01T00:00:00Z", True),
        ("DateGreaterThan", "2024-01-01", "2024-01-01T00:00:01Z", True),
        ("DateGreaterThanEquals", "2024-01-01", "2023-12-31", False),
        ("DateGreaterThan", "someday", "2024-01-01", False),
        ("DateNotEquals", "someday", "2024-01-01", False),
    ],
)
def test_date(operator: str, policy: str, request_value: str, expected: bool) -> None:
    """CONDOPS Date: W3C ISO 8601 or epoch, compared as instants ([INFERRED] no zone = UTC)."""
    assert check(operator, [policy], ctx(request_value, T.DATE)) is expected


def test_bool() -> None:
    """CONDOPS Bool: `true`/`false` ([UNSURE] case -> accepted in any case)."""
    assert check("Bool", ["true"], ctx("true", T.BOOLEAN))
    assert check("Bool", ["True"], ctx("TRUE", T.BOOLEAN))
    assert not check("Bool", ["true"], ctx("false", T.BOOLEAN))
    assert not check("Bool", ["yes"], ctx("true", T.BOOLEAN))


def test_binary() -> None:
    """CONDOPS BinaryEquals: base64 policy value compared byte for byte with the key value."""
    assert check("BinaryEquals", ["QUJD"], ctx("QUJD", T.BINARY))
    assert not check("BinaryEquals", ["QUJE"], ctx("QUJD", T.BINARY))
    assert not check("BinaryEquals", ["not base64!"], ctx("QUJD", T.BINARY))


@pytest.mark.parametrize(
    ("operator", "policy", "request_value", "expected"),
    [
        ("IpAddress", "203.0.113.0/24", "203.0.113.200", True),
        ("IpAddress", "203.0.113.0/24", "203.0.114.1", False),
        ("IpAddress", "203.0.113.5", "203.0.113.5", True),
        ("IpAddress", "203.0.113.5", "203.0.113.6", False),
        ("IpAddress", "203.0.113.5/24", "203.0.113.77", True),
        ("IpAddress", "2001:db8::/32", "2001:db8::1", True),
        ("IpAddress", "2001:db8::1", "2001:db8::2", False),
        ("IpAddress", "::/0", "0.0.0.1", False),
        ("IpAddress", "0.0.0.0/0", "2001:db8::1", False),
        ("NotIpAddress", "203.0.113.0/24", "198.51.100.1", True),
        ("NotIpAddress", "203.0.113.0/24", "203.0.113.1", False),
        ("IpAddress", "not-an-ip", "203.0.113.1", False),
        ("NotIpAddress", "not-an-ip", "203.0.113.1", False),
    ],
)
def test_ip(operator: str, policy: str, request_value: str, expected: bool) -> None:
    """CONDOPS IpAddress: CIDR; bare address = /32 (/128 [INFERRED]); AA IMPROVE_IP_RANGE: host
    bits after the mask are ignored; IPv4 and IPv6 never match each other."""
    assert check(operator, [policy], ctx(request_value, T.IP)) is expected


def test_arn_operators() -> None:
    """CONDOPS Arn: six fields checked separately; ArnEquals behaves as ArnLike."""
    pattern = ["arn:aws:someservice:*:111122223333:finance/*"]
    value = ctx(
        "arn:aws:someservice:us-east-2:999999999999:store/abc:111122223333:finance/document.txt"
    )
    assert not check("ArnLike", pattern, value)
    assert not check("ArnEquals", pattern, value)
    assert check("ArnNotLike", pattern, value)
    assert check("StringLike", pattern, value)
    assert check("ArnEquals", ["arn:aws:iam::*:role/admin-*"], ctx("arn:aws:iam::1:role/admin-x"))


# API shape ---------------------------------------------------------------------------------


def test_compiled_condition_reuse() -> None:
    """Compile once per (operator, values) and match many requests (same answers as one-shot)."""
    compiled = compile_condition(op("StringLike"), ("a*",))
    assert isinstance(compiled, CompiledCondition)
    assert compiled.matches(ctx("abc"))
    assert not compiled.matches(ctx("bc"))
    assert not compiled.matches(None)
    assert compile_condition(op("StringLike"), ("a*",)) == compiled


@pytest.mark.parametrize(
    ("family", "good", "bad"),
    [
        (OperatorFamily.STRING, "anything", None),
        (OperatorFamily.ARN, "arn:*", None),
        (OperatorFamily.NUMERIC, "10", "ten"),
        (OperatorFamily.DATE, "2024-01-01T00:00:00Z", "tomorrow"),
        (OperatorFamily.BOOL, "true", "yes"),
        (OperatorFamily.NULL, "false", "no"),
        (OperatorFamily.BINARY, "QUJD", "QUJD!"),
        (OperatorFamily.IP, "10.0.0.0/8", "10.0.0.0/33"),
    ],
)
def test_value_parses(family: OperatorFamily, good: str, bad: str | None) -> None:
    """AACHECKS TYPE_MISMATCH_*: which policy values fit an operator family."""
    assert value_parses(family, good)
    if bad is not None:
        assert not value_parses(family, bad)
