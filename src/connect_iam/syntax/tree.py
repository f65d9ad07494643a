"""A JSON tree whose every node keeps its source span.

Objects keep their members in order, duplicates included: IAM forbids duplicate keys, and the policy
parser can only report what the reader did not throw away.
"""

from __future__ import annotations

from dataclasses import dataclass

from connect_iam.source import Span


@dataclass(frozen=True, slots=True)
class JsonString:
    value: str
    span: Span


@dataclass(frozen=True, slots=True)
class JsonNumber:
    text: str  # as written, so `"10"` and `10.0` can be told apart by checks
    value: int | float
    span: Span


@dataclass(frozen=True, slots=True)
class JsonBool:
    value: bool
    span: Span


@dataclass(frozen=True, slots=True)
class JsonNull:
    span: Span


@dataclass(frozen=True, slots=True)
class JsonMember:
    key: JsonString
    value: JsonValue
    span: Span  # from the key's opening quote to the end of the value


@dataclass(frozen=True, slots=True)
class JsonObject:
    members: tuple[JsonMember, ...]
    span: Span


@dataclass(frozen=True, slots=True)
class JsonArray:
    items: tuple[JsonValue, ...]
    span: Span


JsonValue = JsonString | JsonNumber | JsonBool | JsonNull | JsonObject | JsonArray


def kind_name(node: JsonValue) -> str:
    """How a message names the JSON type of `node`."""
    match node:
        case JsonString():
            return "string"
        case JsonNumber():
            return "number"
        case JsonBool():
            return "boolean"
        case JsonNull():
            return "null"
        case JsonObject():
            return "object"
        case JsonArray():
            return "array"
