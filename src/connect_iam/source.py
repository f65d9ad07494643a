"""Source text with a line table, so every model value can point back at the text it came from.

Positions follow IAM Access Analyzer's conventions (line from 1, column from 0, offset from 0, in
characters), because our validator speaks Access Analyzer's wire shape. The policy simulator reports
columns differently; `simulator_position` converts at the edge that needs it.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass, field
from typing import NamedTuple


class Position(NamedTuple):
    """A point in a source text: `line` from 1, `column` from 0, `offset` from 0 (characters).

    A named tuple rather than a frozen dataclass: the reader makes one per token, and a tuple is
    several times cheaper to build while staying immutable, hashable and ordered."""

    line: int
    column: int
    offset: int

    def __str__(self) -> str:
        return f"{self.line}:{self.column + 1}"


class Span(NamedTuple):
    """A half-open range `[start, end)` of a source text."""

    start: Position
    end: Position

    def __str__(self) -> str:
        return f"{self.start}-{self.end}"


@dataclass(frozen=True, slots=True)
class SourceText:
    """A document's text and name, with offset -> position conversion in O(log lines)."""

    text: str
    name: str = "<policy>"
    _line_starts: tuple[int, ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        starts = [0]
        text = self.text
        index = text.find("\n")
        while index != -1:
            starts.append(index + 1)
            index = text.find("\n", index + 1)
        object.__setattr__(self, "_line_starts", tuple(starts))

    def position(self, offset: int) -> Position:
        """The position of character `offset` (clamped to the text)."""
        offset = max(0, min(offset, len(self.text)))
        line_index = bisect.bisect_right(self._line_starts, offset) - 1
        return Position(line_index + 1, offset - self._line_starts[line_index], offset)

    def span(self, start: int, end: int) -> Span:
        return Span(self.position(start), self.position(end))

    def line_text(self, line: int) -> str:
        """The text of 1-based `line`, without its line break."""
        if line < 1 or line > len(self._line_starts):
            return ""
        start = self._line_starts[line - 1]
        end = self._line_starts[line] - 1 if line < len(self._line_starts) else len(self.text)
        return self.text[start:end].rstrip("\r")

    @property
    def line_count(self) -> int:
        return len(self._line_starts)

    def snippet(self, span: Span) -> str:
        return self.text[span.start.offset : span.end.offset]


def simulator_position(position: Position) -> dict[str, int]:
    """The simulator reports 1-based lines, columns one past the character (iam-semantics §6.3).

    AWS's documented example puts a statement's `{` at 1-based column 15 and reports Column 16; the
    closing `}` at 1-based column 3 is reported as Column 4. With our 0-based column, that is `+ 2`
    for a position that points at the character itself.
    """
    return {"Line": position.line, "Column": position.column + 2}
