"""The request context, typed exactly as SimulateCustomPolicy's `ContextEntries` (§6.2).

Each entry is `{ContextKeyName, ContextKeyValues: [str], ContextKeyType}`. Values stay strings, the
way the API carries them; `from_entries` checks that each one parses as its declared type, so a
request such as numeric `"abc"` fails up front with `RequestError` (AWS's `InvalidInput`) instead
of silently never matching later.

Key names are case-insensitive, including the tag-key part of `aws:ResourceTag/Team` (COND,
§5.1), so lookups casefold the whole name.

The value parsers live here, next to the types they define, and are shared with the condition
evaluator (which also applies them to policy values):

- numeric: plain decimal notation (`10`, `-1.5`, `.5`); no exponent, NaN or infinity.
- boolean: `true` / `false`, case-insensitive. **[UNSURE]** in the notes; AWS's examples use
  lowercase, and we accept any case rather than make `"True"` silently never match.
- date: epoch seconds (digits, optional fraction), or a W3C ISO 8601 form: `YYYY-MM`,
  `YYYY-MM-DD`, `YYYY-MM-DDThh:mm[:ss[.s]][TZD]` with TZD `Z` or `+hh:mm`. **[INFERRED]** A value
  with no time zone is UTC; a date-only value is midnight UTC; a bare `YYYY` is all digits and so
  reads as epoch seconds (the two W3C/epoch readings cannot both hold, and epoch is documented).
- ip: one IPv4 or IPv6 address (request side); the policy side also takes CIDR ranges.
- binary: base64 (RFC 4648 standard alphabet, padded).
"""

from __future__ import annotations

import base64
import binascii
import calendar
import datetime as dt
import functools
import ipaddress
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from typing import assert_never

from connect_iam.errors import RequestError

IpAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IpNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network

_MAX_KEY_LENGTH = 256  # ContextKeyName: 5-256 characters (BOTO-IAM)

_NUMERIC = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)")
_EPOCH = re.compile(r"-?\d+(?:\.\d+)?")
_W3C = re.compile(
    r"(\d{4})-(\d{2})(?:-(\d{2})"
    r"(?:[Tt](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d+))?)?([Zz]|[+-]\d{2}:\d{2})?)?)?"
)


class ContextKeyType(StrEnum):
    """SimulateCustomPolicy's `ContextKeyType`; the `...List` forms carry several values."""

    STRING = "string"
    STRING_LIST = "stringList"
    NUMERIC = "numeric"
    NUMERIC_LIST = "numericList"
    BOOLEAN = "boolean"
    BOOLEAN_LIST = "booleanList"
    IP = "ip"
    IP_LIST = "ipList"
    BINARY = "binary"
    BINARY_LIST = "binaryList"
    DATE = "date"
    DATE_LIST = "dateList"

    @property
    def is_list(self) -> bool:
        """A list type may carry any number of values; a scalar type at most one."""
        return self.value.endswith("List")

    @property
    def scalar(self) -> ContextKeyType:
        """The element type: `stringList` -> `string`, `string` -> `string`."""
        return ContextKeyType(self.value.removesuffix("List"))


@dataclass(frozen=True, slots=True)
class ContextEntry:
    """One context key with its values, as the request gives them."""

    name: str
    values: tuple[str, ...]
    type: ContextKeyType = ContextKeyType.STRING


@dataclass(frozen=True, slots=True)
class RequestContext:
    """The request's context keys, looked up case-insensitively."""

    entries: tuple[ContextEntry, ...] = ()
    _index: dict[str, ContextEntry] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        index: dict[str, ContextEntry] = {}
        for position, entry in enumerate(self.entries):
            folded = entry.name.casefold()
            if folded in index:
                raise RequestError(
                    f"ContextEntries[{position}]: context key `{entry.name}` is given more than "
                    f"once (key names are case-insensitive; first as `{index[folded].name}`)"
                )
            index[folded] = entry
        object.__setattr__(self, "_index", index)

    @classmethod
    def from_entries(cls, entries: Iterable[Mapping[str, object]]) -> RequestContext:
        """Validate SimulateCustomPolicy-shaped entries; `RequestError` names the bad one."""
        return cls(tuple(_entry(position, raw) for position, raw in enumerate(entries)))

    def get(self, key: str) -> ContextEntry | None:
        """The entry for `key` in any letter case, or None when the request lacks it."""
        return self._index.get(key.casefold())

    def keys(self) -> tuple[str, ...]:
        """The key names as the request spelled them, in request order."""
        return tuple(entry.name for entry in self.entries)

    def with_entries(self, *entries: ContextEntry) -> RequestContext:
        """A copy where `entries` replace same-named ones (e.g. keys the engine derives itself)."""
        replaced = {entry.name.casefold() for entry in entries}
        kept = tuple(entry for entry in self.entries if entry.name.casefold() not in replaced)
        return RequestContext(kept + tuple(entries))

    def __contains__(self, key: object) -> bool:
        return isinstance(key, str) and key.casefold() in self._index

    def __len__(self) -> int:
        return len(self.entries)


def _entry(position: int, raw: Mapping[str, object]) -> ContextEntry:
    where = f"ContextEntries[{position}]"
    if not isinstance(raw, Mapping):
        raise RequestError(
            f"{where}: expected an object with ContextKeyName, ContextKeyValues and ContextKeyType"
        )
    name = raw.get("ContextKeyName")
    if not isinstance(name, str) or not name:
        raise RequestError(f"{where}: ContextKeyName is missing or not a non-empty string")
    if len(name) > _MAX_KEY_LENGTH:
        raise RequestError(
            f"{where} (`{name[:40]}...`): ContextKeyName is longer than "
            f"{_MAX_KEY_LENGTH} characters"
        )
    where = f"{where} (`{name}`)"
    type_text = raw.get("ContextKeyType")
    if not isinstance(type_text, str):
        raise RequestError(f"{where}: ContextKeyType is missing")
    try:
        key_type = ContextKeyType(type_text)
    except ValueError:
        allowed = ", ".join(member.value for member in ContextKeyType)
        raise RequestError(
            f"{where}: unknown ContextKeyType `{type_text}` (expected one of {allowed})"
        ) from None
    values = raw.get("ContextKeyValues")
    if not isinstance(values, list | tuple):
        raise RequestError(f"{where}: ContextKeyValues is missing or not a list of strings")
    for value in values:
        if not isinstance(value, str):
            raise RequestError(f"{where}: ContextKeyValues holds {value!r}, which is not a string")
        if not value_is_valid(key_type, value):
            raise RequestError(
                f"{where}: value `{value}` is not a valid {key_type.scalar.value} "
                f"({_EXPECTED[key_type.scalar]})"
            )
    if len(values) > 1 and not key_type.is_list:
        raise RequestError(
            f"{where}: {len(values)} values for the single-valued type `{key_type.value}` "
            f"(use `{key_type.value}List` for several values)"
        )
    return ContextEntry(name, tuple(values), key_type)


_EXPECTED = {
    ContextKeyType.STRING: "any text",
    ContextKeyType.NUMERIC: "a decimal number such as 10 or 2.5",
    ContextKeyType.BOOLEAN: "true or false",
    ContextKeyType.IP: "an IPv4 or IPv6 address",
    ContextKeyType.BINARY: "base64-encoded bytes",
    ContextKeyType.DATE: "an ISO 8601 date such as 2024-05-01T12:00:00Z, or epoch seconds",
}


def value_is_valid(key_type: ContextKeyType, text: str) -> bool:
    """Does `text` parse as one value of `key_type` (list types: as one element)?"""
    scalar = key_type.scalar
    match scalar:
        case ContextKeyType.STRING:
            return True
        case ContextKeyType.NUMERIC:
            return parse_numeric(text) is not None
        case ContextKeyType.BOOLEAN:
            return parse_bool(text) is not None
        case ContextKeyType.IP:
            return parse_ip_address(text) is not None
        case ContextKeyType.BINARY:
            return parse_binary(text) is not None
        case ContextKeyType.DATE:
            return parse_instant(text) is not None
        case (
            ContextKeyType.STRING_LIST
            | ContextKeyType.NUMERIC_LIST
            | ContextKeyType.BOOLEAN_LIST
            | ContextKeyType.IP_LIST
            | ContextKeyType.BINARY_LIST
            | ContextKeyType.DATE_LIST
        ):
            raise AssertionError("scalar types only")  # pragma: no cover
        case _:
            assert_never(scalar)


@functools.lru_cache(maxsize=4096)
def parse_numeric(text: str) -> Decimal | None:
    """A decimal number in plain notation, or None (see module docstring)."""
    if _NUMERIC.fullmatch(text) is None:
        return None
    try:
        return Decimal(text)
    except InvalidOperation:  # pragma: no cover - the regex admits only valid literals
        return None


def parse_bool(text: str) -> bool | None:
    """`true`/`false` in any letter case, or None."""
    lowered = text.lower()
    if lowered == "true":
        return True
    if lowered == "false":
        return False
    return None


@functools.lru_cache(maxsize=4096)
def parse_instant(text: str) -> Decimal | None:
    """The instant `text` names, as epoch seconds, or None when it is not a date we accept."""
    if _EPOCH.fullmatch(text) is not None:
        return Decimal(text)
    match = _W3C.fullmatch(text)
    if match is None:
        return None
    year, month, day, hour, minute, second, fraction, zone = match.groups()
    try:
        moment = dt.datetime(
            int(year),
            int(month),
            int(day or 1),
            int(hour or 0),
            int(minute or 0),
            int(second or 0),
        )
    except ValueError:
        return None
    seconds = Decimal(calendar.timegm(moment.timetuple()))
    if fraction:
        seconds += Decimal(f"0.{fraction}")
    if zone and zone not in ("Z", "z"):
        hours, minutes = int(zone[1:3]), int(zone[4:6])
        if hours > 23 or minutes > 59:
            return None
        offset = (hours * 60 + minutes) * 60
        seconds -= offset if zone[0] == "+" else -offset
    return seconds


@functools.lru_cache(maxsize=4096)
def parse_ip_address(text: str) -> IpAddress | None:
    """One IPv4/IPv6 address, or None."""
    try:
        return ipaddress.ip_address(text)
    except ValueError:
        return None


@functools.lru_cache(maxsize=4096)
def parse_ip_network(text: str) -> IpNetwork | None:
    """A policy IP value as a network: bare address = /32 or /128; host bits ignored (§5.3)."""
    try:
        return ipaddress.ip_network(text, strict=False)
    except ValueError:
        return None


@functools.lru_cache(maxsize=4096)
def parse_binary(text: str) -> bytes | None:
    """Base64-decoded bytes, or None when `text` is not valid base64."""
    try:
        return base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        return None
