"""IAM glob matching (`*` = any run, including empty; `?` = exactly one character).

Actions, resources and `StringLike` values all use this glob (iam-semantics §3.1, §3.2, §5.3). A
translation to a backtracking regex (`.*a.*a.*b`) goes exponential on patterns such as
`*a*a*a*a*a*a*a*a*a*a*a*a*b` against a long string, and policies are user input, so we never do
that. Instead the pattern is split on `*` into segments once, at compile time:

- the first segment must match at the start of the text and the last one at the end;
- every middle segment is found left to right at its leftmost position.

Taking the leftmost occurrence of each middle segment is always safe: segments have a fixed
length (a `?` stands for exactly one character), so an earlier occurrence leaves at least as much
text for the remaining segments as a later one. That makes `matches` one `str.find` per segment (a
tiny non-backtracking regex when the segment contains `?`), with no exponential case.

Case-insensitive matching (actions, iam-semantics §3.1) casefolds the pattern once and the text per
call. Casefolding can change lengths (`ß` -> `ss`), so under `ignore_case` a `?` matches one
character of the casefolded text; IAM names are ASCII, where this makes no difference.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field
from enum import IntEnum

_WILDCARDS = ("*", "?")


class _Kind(IntEnum):
    """Which fast path `matches` takes; chosen once at compile time."""

    ANY = 0  # `*`, `**`, ...: everything matches
    LITERAL = 1  # no wildcard: equality
    PREFIX = 2  # `abc*` with a literal `abc`: startswith
    FIXED = 3  # `?` but no `*`: same length, position-wise match
    GENERAL = 4  # segments between `*`


@dataclass(frozen=True, slots=True)
class _Segment:
    """A `*`-free piece of a pattern: plain text, or a non-backtracking regex when it has `?`."""

    text: str
    regex: re.Pattern[str] | None

    @classmethod
    def of(cls, text: str) -> _Segment:
        if "?" not in text:
            return cls(text, None)
        source = "".join("." if char == "?" else re.escape(char) for char in text)
        return cls(text, re.compile(source, re.DOTALL))

    def at(self, text: str, pos: int) -> bool:
        """Does the segment match `text` exactly at `pos`?"""
        if self.regex is None:
            return text.startswith(self.text, pos)
        return self.regex.match(text, pos) is not None

    def find(self, text: str, start: int, end: int) -> int:
        """The leftmost position >= `start` where the segment fits entirely before `end`, or -1."""
        if self.regex is None:
            return text.find(self.text, start, end)
        found = self.regex.search(text, start, end)
        return -1 if found is None else found.start()


@dataclass(frozen=True, slots=True)
class WildcardPattern:
    """A compiled IAM glob. Build with `compile`; call `matches` as often as you like."""

    pattern: str
    ignore_case: bool = False
    _kind: _Kind = field(init=False, repr=False, compare=False)
    _folded: str = field(init=False, repr=False, compare=False)
    _first: _Segment = field(init=False, repr=False, compare=False)
    _middle: tuple[_Segment, ...] = field(init=False, repr=False, compare=False)
    _last: _Segment = field(init=False, repr=False, compare=False)
    _min_length: int = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        folded = self.pattern.casefold() if self.ignore_case else self.pattern
        pieces = folded.split("*")
        if len(pieces) == 1:
            kind = _Kind.FIXED if "?" in folded else _Kind.LITERAL
        elif not "".join(pieces):
            kind = _Kind.ANY
        elif len(pieces) == 2 and not pieces[1] and "?" not in pieces[0]:
            kind = _Kind.PREFIX
        else:
            kind = _Kind.GENERAL
        segments = tuple(_Segment.of(piece) for piece in pieces)
        set_ = object.__setattr__
        set_(self, "_kind", kind)
        set_(self, "_folded", folded)
        set_(self, "_first", segments[0])
        set_(self, "_middle", tuple(s for s in segments[1:-1] if s.text))
        set_(self, "_last", segments[-1])
        set_(self, "_min_length", sum(len(piece) for piece in pieces))

    @classmethod
    def compile(cls, pattern: str, *, ignore_case: bool = False) -> WildcardPattern:
        """A compiled pattern, shared between callers that compile the same text (cached)."""
        return _compile(pattern, ignore_case)

    @property
    def is_literal(self) -> bool:
        """True when the pattern has no `*` or `?`, so matching is plain equality."""
        return self._kind is _Kind.LITERAL

    @property
    def literal_prefix(self) -> str:
        """The text before the first wildcard: every match starts with it (index-friendly)."""
        cut = len(self.pattern)
        for wildcard in _WILDCARDS:
            index = self.pattern.find(wildcard)
            if index != -1:
                cut = min(cut, index)
        return self.pattern[:cut]

    def matches(self, text: str) -> bool:
        """Does the whole of `text` match the pattern?"""
        kind = self._kind
        if kind is _Kind.ANY:
            return True
        if self.ignore_case:
            text = text.casefold()
        if kind is _Kind.LITERAL:
            return text == self._folded
        if kind is _Kind.PREFIX:
            return text.startswith(self._first.text)
        if len(text) < self._min_length:
            return False
        if kind is _Kind.FIXED:
            return len(text) == self._min_length and self._first.at(text, 0)
        first = self._first
        last = self._last
        end = len(text) - len(last.text)
        if not first.at(text, 0) or not last.at(text, end):
            return False
        pos = len(first.text)
        for segment in self._middle:
            found = segment.find(text, pos, end)
            if found == -1:
                return False
            pos = found + len(segment.text)
        return True


@functools.lru_cache(maxsize=8192)
def _compile(pattern: str, ignore_case: bool) -> WildcardPattern:
    return WildcardPattern(pattern, ignore_case)


def wildcard_match(pattern: str, text: str, *, ignore_case: bool = False) -> bool:
    """One-off glob match; compiled patterns are cached, so repeated patterns stay cheap."""
    return _compile(pattern, ignore_case).matches(text)
