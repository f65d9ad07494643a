"""Findings: the values every engine reports problems with, in IAM Access Analyzer's shape."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from connect_iam.source import Position, Span

LEARN_MORE_BASE = (
    "https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-reference-policy-checks.html"
)


class FindingType(StrEnum):
    """Access Analyzer's `findingType`, most severe first."""

    ERROR = "ERROR"
    SECURITY_WARNING = "SECURITY_WARNING"
    WARNING = "WARNING"
    SUGGESTION = "SUGGESTION"

    @property
    def rank(self) -> int:
        """0 for ERROR ... 3 for SUGGESTION, for `--fail-on` comparisons."""
        return list(FindingType).index(self)


@dataclass(frozen=True, slots=True)
class Index:
    """Path element: an index into a JSON array."""

    index: int


@dataclass(frozen=True, slots=True)
class Key:
    """Path element: the key of a JSON object member."""

    key: str


@dataclass(frozen=True, slots=True)
class Value:
    """Path element: the value under a JSON object key."""

    value: str


@dataclass(frozen=True, slots=True)
class Substring:
    """Path element: a 0-based substring of a string literal."""

    start: int
    length: int


PathElement = Index | Key | Value | Substring
Path = tuple[PathElement, ...]


def path_to_json(path: Path) -> list[dict[str, object]]:
    """Access Analyzer's `path` list."""
    out: list[dict[str, object]] = []
    for element in path:
        match element:
            case Index(index):
                out.append({"index": index})
            case Key(key):
                out.append({"key": key})
            case Value(value):
                out.append({"value": value})
            case Substring(start, length):
                out.append({"substring": {"start": start, "length": length}})
    return out


def learn_more_link(issue_code: str, finding_type: FindingType) -> str:
    """The Access Analyzer reference anchor for `issue_code` (iam-semantics §7.2)."""
    category = {
        FindingType.ERROR: "error",
        FindingType.WARNING: "general-warning",
        FindingType.SECURITY_WARNING: "security-warning",
        FindingType.SUGGESTION: "suggestion",
    }[finding_type]
    slug = issue_code.lower().replace("_", "-")
    return f"{LEARN_MORE_BASE}#access-analyzer-reference-policy-checks-{category}-{slug}"


@dataclass(frozen=True, slots=True, kw_only=True)
class Finding:
    """One problem at one place. Messages: lowercase, no final period, user input in backticks."""

    issue_code: str
    finding_type: FindingType
    message: str
    span: Span | None = None
    path: Path = ()
    suggestion: str | None = None
    link: str | None = field(default=None, compare=False)

    @property
    def learn_more_link(self) -> str:
        return self.link or learn_more_link(self.issue_code, self.finding_type)

    def location_text(self) -> str:
        if self.span is None:
            return "-"
        return f"line {self.span.start.line}, column {self.span.start.column + 1}"

    def to_access_analyzer(self) -> dict[str, object]:
        """The `ValidatePolicyFinding` shape of boto3's `accessanalyzer.validate_policy`."""
        details = self.message
        if self.suggestion:
            details = f"{details}; {self.suggestion}"
        locations: list[dict[str, object]] = []
        if self.span is not None:
            locations.append(
                {
                    "path": path_to_json(self.path),
                    "span": {
                        "start": _position_json(self.span.start),
                        "end": _position_json(self.span.end),
                    },
                }
            )
        return {
            "findingDetails": details,
            "findingType": self.finding_type.value,
            "issueCode": self.issue_code,
            "learnMoreLink": self.learn_more_link,
            "locations": locations,
        }


def _position_json(position: Position) -> dict[str, int]:
    return {"line": position.line, "column": position.column, "offset": position.offset}


def sort_key(finding: Finding) -> tuple[int, int, str]:
    """Findings sort by position, then by code, so output is stable."""
    offset = finding.span.start.offset if finding.span else -1
    return (offset, finding.finding_type.rank, finding.issue_code)
