"""The contract every check satisfies, and the context the checks share.

A check is an object with a `name` and a `run(context)` that yields findings (sqlglot's optimizer
rules are the model: one module per family, an ordered tuple, a Protocol). The context is built
once per policy: the parse result, the catalog, a way to find the JSON path of a node (so a finding
can carry Access Analyzer's `path`), and caches for action expansion and resource-type matching.
"""

from __future__ import annotations

import bisect
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Protocol

from connect_iam.catalog import ActionInfo, ResourceTypeInfo, ServiceCatalog
from connect_iam.diagnostics import (
    Finding,
    FindingType,
    Index,
    Key,
    Path,
    PathElement,
    Substring,
    Value,
)
from connect_iam.model.policy import PolicyDocument, PolicyType, Statement
from connect_iam.source import SourceText, Span
from connect_iam.syntax.policy_parser import ParseResult
from connect_iam.syntax.tree import JsonArray, JsonMember, JsonObject, JsonValue

#: Where the codes of our own are documented (Access Analyzer codes link to AWS's reference).
DOCS_LINK = "https://github.com/connect-iam/connect-iam/blob/main/docs/checks.md"
OWN_CODES = frozenset(
    {
        "ACTION_WILDCARD_MATCHES_NOTHING",
        "ACTION_WILDCARD_PARTLY_APPLICABLE",
        "ACTION_NOT_APPLICABLE_TO_RESOURCE",
        "RESOURCE_SERVICE_MISMATCH",
        "RESOURCE_TYPE_MISMATCH",
        "INVALID_CONNECT_INSTANCE_ID",
        "INVALID_CONNECT_RESOURCE_ID",
        "POLICY_SIZE_EXCEEDS_RCP_QUOTA",
        "TYPE_MISMATCH_ARN",
        "FORANYVALUE_WITH_SINGLE_VALUED_KEY",
        "ALLOW_WITH_NOT_ACTION",
        "ALLOW_WITH_NOT_RESOURCE",
        "FULL_ACCESS_ON_ALL_RESOURCES",
        "SERVICE_WILDCARD_ON_ALL_RESOURCES",
        "CONNECT_PRIVILEGE_ESCALATION",
        "NARROWER_RESOURCE",
        "UNREADABLE_INPUT",
    }
)

#: How many action names a message lists before it says "and N more".
NAME_LIMIT = 20


class Check(Protocol):
    """One family of checks: `run` yields findings and never raises for any parsed policy."""

    @property
    def name(self) -> str: ...

    def run(self, context: CheckContext) -> Iterable[Finding]: ...


@dataclass(slots=True)
class CheckContext:
    """Everything a check may read about one policy; built once, shared by every check."""

    result: ParseResult
    catalog: ServiceCatalog
    policy_type: PolicyType
    memo: dict[str, dict[object, object]] = field(default_factory=dict)

    @property
    def source(self) -> SourceText:
        return self.result.source

    @property
    def policy(self) -> PolicyDocument | None:
        return self.result.policy

    @property
    def statements(self) -> tuple[Statement, ...]:
        return self.result.policy.statements if self.result.policy else ()

    # -- locations ----------------------------------------------------------------------------

    def path_at(self, span: Span | None) -> Path:
        """The Access Analyzer path of the JSON node (value or key) that starts at `span`."""
        if span is None or self.result.tree is None:
            return ()
        return _locate(self.result.tree, span.start.offset)[0]

    def members(self, node_span: Span | None) -> dict[str, JsonMember]:
        """The members (first of each name) of the object that starts at `node_span`."""
        if node_span is None or self.result.tree is None:
            return {}
        obj = _locate(self.result.tree, node_span.start.offset)[1]
        out: dict[str, JsonMember] = {}
        if isinstance(obj, JsonObject):
            for member in obj.members:
                out.setdefault(member.key.value, member)
        return out

    def head(self, span: Span) -> Span:
        """The first character of a node: where "this object ..." findings point."""
        return self.source.span(span.start.offset, span.start.offset + 1)

    def substring(self, span: Span, value: str, start: int, end: int) -> tuple[Span, Path]:
        """The narrower span and path of `value[start:end]` inside the string literal at `span`.

        Exact when the literal has no escapes (the source between the quotes equals the value);
        otherwise the whole literal, since escaped offsets do not map one to one.
        """
        path = self.path_at(span)
        inner = span.start.offset + 1
        if self.source.text[inner : span.end.offset - 1] != value:
            return span, path
        narrow = self.source.span(inner + start, inner + end)
        return narrow, (*path, Substring(start, end - start))

    def finding(
        self,
        code: str,
        finding_type: FindingType,
        message: str,
        span: Span | None,
        *,
        path: Path | None = None,
        suggestion: str | None = None,
    ) -> Finding:
        return Finding(
            issue_code=code,
            finding_type=finding_type,
            message=message,
            span=span,
            path=self.path_at(span) if path is None else path,
            suggestion=suggestion,
            link=own_link(code),
        )

    # -- catalog ------------------------------------------------------------------------------

    def expand(self, pattern: str) -> tuple[ActionInfo, ...]:
        """The catalog actions an Action pattern matches (cached per policy)."""
        key = (id(self.catalog), pattern.lower())
        found = _EXPANDED.get(key)
        if found is None:
            if "*" in pattern or "?" in pattern:
                found = self.catalog.actions_matching(pattern)
            else:
                single = self.catalog.action(pattern)
                found = (single,) if single is not None else ()
            if len(_EXPANDED) > _CACHE_LIMIT:
                _EXPANDED.clear()
            _EXPANDED[key] = found
        return found

    def types_of(self, action: ActionInfo) -> tuple[ResourceTypeInfo, ...]:
        return _types_of(self.catalog, action)

    def did_you_mean(
        self, suggest: Callable[[str, ServiceCatalog], str | None], text: str
    ) -> str | None:
        """`suggest(text, catalog)`, memoised: a "did you mean" scores the name against every
        name of a service (difflib), and retired names recur across policies."""
        key = (id(self.catalog), suggest, text)
        if key in _SUGGESTED:
            return _SUGGESTED[key]
        found = suggest(text, self.catalog)
        if len(_SUGGESTED) > _CACHE_LIMIT:
            _SUGGESTED.clear()
        _SUGGESTED[key] = found
        return found


def own_link(code: str) -> str | None:
    """docs/checks.md anchor for a code of our own; None (AWS's reference) otherwise."""
    return f"{DOCS_LINK}#{code.lower().replace('_', '-')}" if code in OWN_CODES else None


_EXPANDED: dict[tuple[int, str], tuple[ActionInfo, ...]] = {}
_TYPE_CACHE: dict[tuple[int, str, str], tuple[ResourceTypeInfo, ...]] = {}
_MATCH_CACHE: dict[tuple[int, str, str, str], bool] = {}
_SUGGESTED: dict[tuple[int, object, str], str | None] = {}
_CACHE_LIMIT = 200_000


def _types_of(catalog: ServiceCatalog, action: ActionInfo) -> tuple[ResourceTypeInfo, ...]:
    key = (id(catalog), action.service, action.name)
    found = _TYPE_CACHE.get(key)
    if found is None:
        found = catalog.resource_types_for_action(action)
        _TYPE_CACHE[key] = found
    return found


def could_match(info: ResourceTypeInfo, pattern: str) -> bool:
    """`info.pattern_could_match(pattern)`, memoised: policies repeat the same few ARNs."""
    key = (id(info), info.service, info.name, pattern)
    found = _MATCH_CACHE.get(key)
    if found is None and _quick_reject(info, pattern):
        found = False
        _MATCH_CACHE[key] = found
    if found is None and _quick_accept(info, pattern):
        found = True
        _MATCH_CACHE[key] = found
    if found is None:
        if len(_MATCH_CACHE) > _CACHE_LIMIT:
            _MATCH_CACHE.clear()
        found = info.pattern_could_match(pattern)
        _MATCH_CACHE[key] = found
    return found


def _literal_head(text: str, stops: str) -> str:
    cut = min((i for i in (text.find(c) for c in stops) if i != -1), default=len(text))
    return text[:cut]


def _quick_reject(info: ResourceTypeInfo, pattern: str) -> bool:
    """A sound shortcut for `pattern_could_match`: the ARN service fields differ, or the literal
    beginnings of the two resource parts disagree. Most candidate types fail here, cheaply."""
    fields = pattern.split(":", 5)
    template = info.arn_template.split(":", 5)
    if len(fields) < 6 or len(template) < 6:
        return False
    service = fields[2]
    if "*" not in service and "?" not in service and "${" not in template[2]:
        if service != template[2]:
            return True
    head = _literal_head(fields[5], "*?")
    template_head = _literal_head(template[5], "$*")
    common = min(len(head), len(template_head))
    return head[:common] != template_head[:common]


def _quick_accept(info: ResourceTypeInfo, pattern: str) -> bool:
    """A sound shortcut the other way: some concrete ARN the pattern matches is of this type."""
    if "*" not in pattern and "?" not in pattern:
        return info.matches(pattern)
    for fill in ("x", "", "x/x", "x-x"):
        if info.matches(pattern.replace("*", fill).replace("?", "x")):
            return True
    return False


def _member_start(member: JsonMember) -> int:
    return member.key.span.start.offset


def _item_start(item: JsonValue) -> int:
    return item.span.start.offset


def _locate(root: JsonValue, offset: int) -> tuple[Path, JsonValue | None]:
    """The path of the node (value or key) that starts at `offset`, and the node; `((), None)`
    when no node starts there.

    Found on demand by descending from the root rather than by indexing every node up front:
    only nodes that get a finding are ever asked for, and most policies have a handful of
    findings among thousands of nodes. The reader builds children in source order, so every node
    of a child's subtree starts at or after that child and before its next sibling: at each level
    the child to descend into is the last one starting at or before `offset` (a binary search).
    Iterative, so deep input cannot exhaust the stack.
    """
    node: JsonValue = root
    path: list[PathElement] = []
    while True:
        if node.span.start.offset == offset:
            return tuple(path), node
        if isinstance(node, JsonObject):
            members = node.members
            i = bisect.bisect_right(members, offset, key=_member_start) - 1
            if i < 0:
                break
            member = members[i]
            name = member.key.value
            if member.key.span.start.offset == offset:
                path.append(Key(name))
                return tuple(path), member.key
            path.append(Value(name))
            node = member.value
        elif isinstance(node, JsonArray):
            items = node.items
            i = bisect.bisect_right(items, offset, key=_item_start) - 1
            if i < 0:
                break
            path.append(Index(i))
            node = items[i]
        else:
            break
    return (), None


def names(actions: Iterable[str], limit: int = NAME_LIMIT) -> str:
    """`A, B, C` or `A, B, ... and 12 more`, for messages."""
    items = list(actions)
    shown = ", ".join(f"`{name}`" for name in items[:limit])
    if len(items) > limit:
        shown += f" and {len(items) - limit} more"
    return shown


def plural(count: int, word: str) -> str:
    return f"{count} {word}" + ("" if count == 1 else "s")
