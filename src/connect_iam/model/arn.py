"""ARNs, and the Resource-element / `ArnLike` matching rule.

An ARN is `arn:partition:service:region:account-id:resource`; the resource part may itself contain
`:` and `/` (iam-semantics §3.2). Matching is case-sensitive.

**[INFERRED] matching rule** (iam-semantics §3.2, "If the * wildcard is the last character of a
resource ARN segment, it can expand to match beyond the colon boundaries"):

1. Split pattern and value on their first five `:` into at most six fields; the sixth (resource)
   field keeps any further `:`.
2. Match field by field with glob semantics (`*` any run, `?` one character), each field only
   against its own field.
3. A pattern field that *ends* in `*` may also consume whole following value fields (joined with
   their `:`), so `arn:aws:sqs:us-east-1:*` matches every SQS resource in us-east-1.

Because the value's resource field is never split further, `arn:aws:sqs:*:123:q` does *not* match
`arn:aws:sqs:us-east-1:999:x:123:q`, and CONDOPS' worked example holds: `ArnLike`
`arn:aws:someservice:*:111122223333:finance/*` does not match
`arn:aws:someservice:us-east-2:999999999999:store/abc:111122223333:finance/document.txt`, although a
whole-string `StringLike` glob would.

The pattern `*` matches everything, including values that are not ARNs (such as `*`). A pattern
that is not ARN-shaped (its first field is not literally `arn`) falls back to a whole-string glob.
The same rule serves the `Resource`/`NotResource` elements and the `ArnLike`/`ArnEquals` family.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field

from connect_iam.model.wildcard import WildcardPattern

_FIELD_COUNT = 6
MAX_REGEX_VALUE = 512  # longer values take the linear-time matcher
MAX_TAIL_STARS = 2  # more `*` where `.*` is needed could backtrack badly: linear matcher instead


@dataclass(frozen=True, slots=True)
class Arn:
    """A parsed ARN. Fields are kept verbatim; validity of each field is the validator's job."""

    partition: str
    service: str
    region: str
    account: str
    resource: str

    @classmethod
    def parse(cls, text: str) -> Arn | None:
        """The ARN in `text`, or None unless it is `arn:` followed by at least five more colons."""
        parts = text.split(":", _FIELD_COUNT - 1)
        if len(parts) != _FIELD_COUNT or parts[0] != "arn":
            return None
        return cls(parts[1], parts[2], parts[3], parts[4], parts[5])

    def __str__(self) -> str:
        return f"arn:{self.partition}:{self.service}:{self.region}:{self.account}:{self.resource}"


@dataclass(frozen=True, slots=True)
class ArnPattern:
    """A compiled Resource-element / `ArnLike` pattern (rule in the module docstring)."""

    pattern: str
    _whole: WildcardPattern | None = field(init=False, repr=False, compare=False)
    _fields: tuple[WildcardPattern, ...] = field(init=False, repr=False, compare=False)
    _spills: tuple[bool, ...] = field(init=False, repr=False, compare=False)
    _simple: bool = field(init=False, repr=False, compare=False)
    _checks: tuple[tuple[int, WildcardPattern], ...] = field(init=False, repr=False, compare=False)
    _first_spill: int = field(init=False, repr=False, compare=False)
    _regex: re.Pattern[str] | None = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        parts = self.pattern.split(":", _FIELD_COUNT - 1)
        whole: WildcardPattern | None = None
        if parts[0] != "arn" or ("*" not in self.pattern and "?" not in self.pattern):
            # Not ARN-shaped, or no wildcard at all: the whole-string glob is exact (for a literal
            # it is plain equality, which is what field-by-field matching would give too).
            whole = WildcardPattern.compile(self.pattern)
        fields = tuple(WildcardPattern.compile(part) for part in parts)
        spills = tuple(part.endswith("*") for part in parts)
        set_ = object.__setattr__
        set_(self, "_whole", whole)
        set_(self, "_fields", fields)
        set_(self, "_spills", spills)
        # Six fields and no `*`-ended field before the last one: a value matches iff it splits
        # into six fields that match one by one. Otherwise (`arn:aws:connect:*:*:instance/*`)
        # a one-to-one match is tried first and the spilling search only runs when it fails.
        set_(self, "_simple", len(parts) == _FIELD_COUNT and not any(spills[:-1]))
        # A field that is exactly `*` matches any single field: skip it in the one-to-one pass.
        set_(self, "_checks", tuple((i, p) for i, p in enumerate(fields) if parts[i] != "*"))
        set_(self, "_first_spill", spills.index(True) if True in spills else len(spills))
        source = pattern_regex(self.pattern)
        set_(self, "_regex", re.compile(source, re.DOTALL) if source is not None else None)

    @classmethod
    def compile(cls, pattern: str) -> ArnPattern:
        """A compiled pattern (cached: policies repeat the same ARNs a lot)."""
        return _compile(pattern)

    def matches(self, arn_text: str) -> bool:
        """Does `arn_text` (an ARN, or any string such as `*`) match this pattern?"""
        regex = self._regex
        if regex is not None and len(arn_text) <= MAX_REGEX_VALUE:
            return regex.fullmatch(arn_text) is not None
        whole = self._whole
        if whole is not None:
            return whole.matches(arn_text)
        values = arn_text.split(":", _FIELD_COUNT - 1)
        fields = self._fields
        if len(values) == len(fields):
            # One pattern field per value field: enough whenever it succeeds, and the only
            # possibility when no field but the last ends in `*`. Fields before the first
            # `*`-ended one must match one to one in any case.
            for index, pattern in self._checks:
                if not pattern.matches(values[index]):
                    if self._simple or index < self._first_spill:
                        return False
                    break
            else:
                return True
        elif self._simple:
            return False
        return _match_fields(fields, self._spills, values, 0, 0)


def _match_fields(
    fields: tuple[WildcardPattern, ...],
    spills: tuple[bool, ...],
    values: list[str],
    field_index: int,
    value_index: int,
) -> bool:
    """Field-by-field match where a field ending in `*` may also swallow following value fields.

    At most six fields on each side, so the search is tiny (bounded by 6 x 6 steps per level).
    """
    if field_index == len(fields):
        return value_index == len(values)
    if value_index == len(values):
        return False
    pattern = fields[field_index]
    if not spills[field_index]:
        return pattern.matches(values[value_index]) and _match_fields(
            fields, spills, values, field_index + 1, value_index + 1
        )
    last_field = field_index == len(fields) - 1
    for stop in range(value_index + 1, len(values) + 1):
        if last_field and stop != len(values):
            continue
        if pattern.matches(":".join(values[value_index:stop])) and _match_fields(
            fields, spills, values, field_index + 1, stop
        ):
            return True
    return False


@functools.lru_cache(maxsize=8192)
def _compile(pattern: str) -> ArnPattern:
    return ArnPattern(pattern)


@functools.lru_cache(maxsize=8192)
def pattern_regex(pattern: str) -> str | None:
    """A regular expression equivalent to `ArnPattern(pattern).matches`, or None.

    None when it could backtrack badly (more than two `*` where `:` may be crossed) or when the
    pattern needs the field-spilling search (an ARN pattern with fewer than six fields). With six
    pattern fields a value needs six fields, one each, so a field-final `*` has nothing to spill
    into and header fields are plain globs that cannot cross `:`. Held equal to the field matcher
    by tests/differential/test_fastpath_oracle.py.
    """
    parts = pattern.split(":", _FIELD_COUNT - 1)
    if parts[0] != "arn" or ("*" not in pattern and "?" not in pattern):
        if pattern.count("*") > MAX_TAIL_STARS:
            return None
        return _glob_regex(pattern, ".*", ".")
    if len(parts) != _FIELD_COUNT or parts[-1].count("*") > MAX_TAIL_STARS:
        return None
    header = [_glob_regex(part, "[^:]*", "[^:]") for part in parts[:-1]]
    return ":".join([*header, _glob_regex(parts[-1], ".*", ".")])


def _glob_regex(text: str, star: str, one: str) -> str:
    return "".join(star if c == "*" else one if c == "?" else re.escape(c) for c in text)


@functools.lru_cache(maxsize=4096)
def alternation(sources: tuple[str, ...]) -> re.Pattern[str]:
    """One compiled regex matching any of `sources` (statements share patterns: compile once)."""
    return re.compile("|".join(f"(?:{source})" for source in sources), re.DOTALL)
