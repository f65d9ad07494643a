"""Typed request context, shaped as SimulateCustomPolicy's ContextEntries (iam-semantics §6.2)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from connect_iam.errors import RequestError
from connect_iam.model.context import (
    ContextEntry,
    ContextKeyType,
    RequestContext,
    parse_binary,
    parse_bool,
    parse_instant,
    parse_numeric,
    value_is_valid,
)

EPOCH_2024 = Decimal(1704067200)


def entry(name: str, values: object, key_type: str) -> dict[str, object]:
    return {"ContextKeyName": name, "ContextKeyValues": values, "ContextKeyType": key_type}


def test_all_twelve_types() -> None:
    """BOTO-IAM ContextKeyType: six scalar types, each with a List form."""
    assert {member.value for member in ContextKeyType} == {
        "string", "stringList", "numeric", "numericList", "boolean", "booleanList",
        "ip", "ipList", "binary", "binaryList", "date", "dateList",
    }  # fmt: skip
    for member in ContextKeyType:
        assert member.is_list is member.value.endswith("List")
        assert not member.scalar.is_list


def test_from_entries_and_case_insensitive_lookup() -> None:
    """COND/§5.1: key names, including the tag-key part of aws:ResourceTag/..., ignore case."""
    context = RequestContext.from_entries(
        [
            entry("aws:ResourceTag/Team", ["blue"], "string"),
            entry("aws:TagKeys", ["a", "b"], "stringList"),
            entry("aws:SourceIp", ["203.0.113.5"], "ip"),
        ]
    )
    assert context.get("AWS:resourcetag/TEAM") == ContextEntry(
        "aws:ResourceTag/Team", ("blue",), ContextKeyType.STRING
    )
    assert context.get("aws:tagkeys") == ContextEntry(
        "aws:TagKeys", ("a", "b"), ContextKeyType.STRING_LIST
    )
    assert context.get("aws:ResourceTag/Other") is None
    assert context.keys() == ("aws:ResourceTag/Team", "aws:TagKeys", "aws:SourceIp")
    assert "AWS:SOURCEIP" in context
    assert len(context) == 3


def test_every_type_accepts_valid_values() -> None:
    """CONDOPS value formats: decimal numbers, true/false, IP addresses, base64, ISO 8601/epoch."""
    context = RequestContext.from_entries(
        [
            entry("k:numeric", ["-1.5"], "numeric"),
            entry("k:numerics", ["1", "2.0", ".5"], "numericList"),
            entry("k:bool", ["TRUE"], "boolean"),
            entry("k:ips", ["203.0.113.5", "2001:db8::1"], "ipList"),
            entry("k:binary", ["QUJD"], "binary"),
            entry("k:dates", ["2024-01-01", "2024-01-01T10:00:00Z", "1704067200"], "dateList"),
            entry("k:empty", [], "stringList"),
            entry("k:emptyscalar", [], "string"),
        ]
    )
    assert len(context) == 8


@pytest.mark.parametrize(
    ("raw", "fragment"),
    [
        (entry("k:n", ["abc"], "numeric"), "ContextEntries[0] (`k:n`): value `abc`"),
        (entry("k:ip", ["300.1.1.1"], "ip"), "`300.1.1.1` is not a valid ip"),
        (entry("k:ip", ["10.0.0.0/8"], "ipList"), "not a valid ip"),
        (entry("k:b", ["yes"], "boolean"), "`yes` is not a valid boolean"),
        (entry("k:d", ["tomorrow"], "date"), "`tomorrow` is not a valid date"),
        (entry("k:d", ["2024-02-30"], "dateList"), "not a valid date"),
        (entry("k:bin", ["not base64!"], "binary"), "not a valid binary"),
        (entry("k:s", ["a", "b"], "string"), "2 values for the single-valued type `string`"),
        (entry("k:s", ["a"], "text"), "unknown ContextKeyType `text`"),
        (entry("k:s", "a", "string"), "ContextKeyValues is missing or not a list"),
        (entry("k:s", [1], "string"), "not a string"),
        ({"ContextKeyValues": ["a"], "ContextKeyType": "string"}, "ContextKeyName is missing"),
        ({"ContextKeyName": "k:s", "ContextKeyValues": ["a"]}, "ContextKeyType is missing"),
        ({"ContextKeyName": "k:s", "ContextKeyType": "string"}, "ContextKeyValues is missing"),
        (entry("k" * 257, ["a"], "string"), "longer than 256"),
    ],
)
def test_invalid_entries(raw: dict[str, object], fragment: str) -> None:
    """SimulateCustomPolicy rejects malformed ContextEntries (InvalidInput): name the entry."""
    with pytest.raises(RequestError) as caught:
        RequestContext.from_entries([entry("k:ok", ["x"], "string"), raw])
    message = str(caught.value)
    assert "ContextEntries[1]" in message
    assert fragment.replace("[0]", "[1]") in message


def test_duplicate_keys_differing_in_case_are_rejected() -> None:
    """§5.1: key names are case-insensitive, so `aws:SourceIp` twice is ambiguous."""
    with pytest.raises(RequestError, match="more than once"):
        RequestContext.from_entries(
            [entry("aws:SourceIp", ["1.2.3.4"], "ip"), entry("AWS:SOURCEIP", ["1.2.3.5"], "ip")]
        )


def test_with_entries_replaces_by_name() -> None:
    """§1.6: the engine adds keys it derives (e.g. aws:username) on top of the request's."""
    context = RequestContext((ContextEntry("aws:username", ("a",)),))
    updated = context.with_entries(ContextEntry("AWS:UserName", ("b",)))
    found = updated.get("aws:username")
    assert found is not None
    assert found.values == ("b",)
    assert len(updated) == 1


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2024-01-01", EPOCH_2024),
        ("2024-01", EPOCH_2024),
        ("2024-01-01T00:00Z", EPOCH_2024),
        ("2024-01-01T00:00:00Z", EPOCH_2024),
        ("2024-01-01T00:00:00", EPOCH_2024),
        ("2024-01-01T01:00:00+01:00", EPOCH_2024),
        ("2023-12-31T19:00:00-05:00", EPOCH_2024),
        ("2024-01-01T00:00:00.25Z", EPOCH_2024 + Decimal("0.25")),
        ("1704067200", EPOCH_2024),
        ("1704067200.5", EPOCH_2024 + Decimal("0.5")),
        ("2024", Decimal(2024)),
        ("2024-13-01", None),
        ("2024-01-01T25:00:00Z", None),
        ("2024-01-01 00:00:00", None),
        ("01/01/2024", None),
        ("", None),
    ],
)
def test_parse_instant(text: str, expected: Decimal | None) -> None:
    """CONDOPS Date: W3C ISO 8601 or epoch seconds; [INFERRED] no zone = UTC, date-only = midnight,
    all-digit = epoch seconds."""
    assert parse_instant(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [("10", Decimal(10)), ("-1.5", Decimal("-1.5")), (".5", Decimal("0.5")), ("+3", Decimal(3))],
)
def test_parse_numeric(text: str, expected: Decimal) -> None:
    """CONDOPS Numeric: integer or decimal values."""
    assert parse_numeric(text) == expected


@pytest.mark.parametrize("text", ["abc", "", "1e3", "NaN", "Infinity", "1.2.3", " 1"])
def test_parse_numeric_rejects(text: str) -> None:
    """[INFERRED] §5.3: only plain decimal notation is numeric (AA TYPE_MISMATCH_NUMBER)."""
    assert parse_numeric(text) is None


def test_parse_bool_and_binary() -> None:
    """CONDOPS Bool true/false ([UNSURE] case: accepted in any case); Binary is base64."""
    assert parse_bool("true") is True
    assert parse_bool("False") is False
    assert parse_bool("yes") is None
    assert parse_binary("QUJD") == b"ABC"
    assert parse_binary("QUJD!") is None


def test_value_is_valid_uses_element_type() -> None:
    """BOTO-IAM: a `...List` type holds values of its scalar type."""
    assert value_is_valid(ContextKeyType.NUMERIC_LIST, "7")
    assert not value_is_valid(ContextKeyType.NUMERIC_LIST, "seven")
    assert value_is_valid(ContextKeyType.STRING, "")
