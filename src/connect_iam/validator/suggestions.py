"""Suggestions: redundant actions, resources and statements, and a narrower Resource than `*`
that keeps exactly the same access.

Rules: Access Analyzer checks REDUNDANT_ACTION, REDUNDANT_RESOURCE, REDUNDANT_STATEMENT; Service
Authorization Reference (an action is only ever authorized against ARNs of its resource types).
NARROWER_RESOURCE is ours (docs/checks.md).
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Sequence

from connect_iam.diagnostics import Finding, FindingType
from connect_iam.model.policy import ActionPattern, Effect, ResourcePattern, Statement
from connect_iam.model.wildcard import WildcardPattern
from connect_iam.validator.base import CheckContext


def covers(wide: str, narrow: str, *, ignore_case: bool) -> bool:
    """Whether every string `narrow` matches is matched by `wide` (sound, not complete): a `*` in
    `wide` absorbs `narrow`'s own wildcards, read as literal characters."""
    if wide == narrow or (ignore_case and wide.lower() == narrow.lower()):
        return True
    return WildcardPattern.compile(wide, ignore_case=ignore_case).matches(narrow) and (
        "?" not in narrow or "*" in wide
    )


def _redundant(
    items: Sequence[ActionPattern] | Sequence[ResourcePattern], *, ignore_case: bool
) -> Iterator[tuple[int, int]]:
    """(redundant index, covering index) pairs; of two equal items the later one is redundant.

    Only an equal item or a wildcard item can cover another, so each item is compared with
    those alone (a statement of 2,000 literal EC2 actions stays linear).
    """
    texts = [item.text.lower() if ignore_case else item.text for item in items]
    first: dict[str, int] = {}
    by_head: dict[str, list[int]] = {}
    for j, text in enumerate(texts):
        if "*" in text or "?" in text:
            by_head.setdefault(_head(text), []).append(j)
    anywhere = by_head.pop("", [])
    for i, text in enumerate(texts):
        earlier = first.setdefault(text, i)
        if earlier != i:
            yield i, earlier
            continue
        for j in (*by_head.get(_head(text), ()), *anywhere):
            if j != i and texts[j] != text and covers(texts[j], text, ignore_case=False):
                yield i, j
                break


def _head(text: str) -> str:
    """The text before the first `:` when it holds no wildcard (an action's service, an ARN's
    `arn`), else "": only items with the same head (or none) can cover each other."""
    head, colon, _ = text.partition(":")
    if not colon or "*" in head or "?" in head:
        return ""
    return head


class RedundancyCheck:
    """Actions, resources and statements that add nothing."""

    name = "redundancy"

    def run(self, context: CheckContext) -> Iterator[Finding]:
        for statement in context.statements:
            for i, j in _redundant(statement.actions, ignore_case=True):
                redundant, wide = statement.actions[i], statement.actions[j]
                yield context.finding(
                    "REDUNDANT_ACTION",
                    FindingType.SUGGESTION,
                    f"`{redundant.text}` is already covered by `{wide.text}` in this statement",
                    redundant.span,
                    suggestion=f"remove `{redundant.text}`",
                )
            for i, j in _redundant(statement.resources or (), ignore_case=False):
                resources = statement.resources or ()
                redundant_r, wide_r = resources[i], resources[j]
                yield context.finding(
                    "REDUNDANT_RESOURCE",
                    FindingType.SUGGESTION,
                    f"`{redundant_r.text}` is already covered by `{wide_r.text}` in this statement",
                    redundant_r.span,
                    suggestion=f"remove `{redundant_r.text}`",
                )
        groups: dict[tuple[object, ...], list[Statement]] = {}
        for statement in context.statements:
            if statement.not_action or statement.not_resource or statement.resources is None:
                continue
            frame = (
                statement.effect,
                statement.conditions,
                statement.principals,
                statement.not_principal,
            )
            groups.setdefault(frame, []).append(statement)
        covering: dict[int, tuple[_Cover, _Cover]] = {}
        for group in groups.values():
            if len(group) > _PAIRWISE_LIMIT:
                group = _exact_duplicates(group)
            for statement in group:
                for other in group:
                    if other is statement or not _inside(statement, other, covering):
                        continue
                    if _inside(other, statement, covering) and other.index > statement.index:
                        continue  # of two equal statements, the later one is redundant
                    yield context.finding(
                        "REDUNDANT_STATEMENT",
                        FindingType.SUGGESTION,
                        f"{statement.label} grants nothing that {other.label} does not "
                        f"already {'grant' if statement.effect is Effect.ALLOW else 'deny'}",
                        context.head(statement.span) if statement.span else None,
                        suggestion="remove it",
                    )
                    break


_PAIRWISE_LIMIT = 200


def _exact_duplicates(group: list[Statement]) -> list[Statement]:
    """For very long policies only statements with an equal twin are compared (linear)."""
    keyed: dict[tuple[object, ...], list[Statement]] = {}
    for statement in group:
        key = (
            tuple(sorted(a.text.lower() for a in statement.actions)),
            tuple(sorted(r.text for r in statement.resources or ())),
        )
        keyed.setdefault(key, []).append(statement)
    return [s for twins in keyed.values() if len(twins) > 1 for s in twins][:_PAIRWISE_LIMIT]


def _inside(narrow: Statement, wide: Statement, covering: dict[int, tuple[_Cover, _Cover]]) -> bool:
    found = covering.get(wide.index)
    if found is None:
        found = covering[wide.index] = (
            _Cover(wide.actions, ignore_case=True),
            _Cover(wide.resources or (), ignore_case=False),
        )
    actions, resources = found
    return all(actions.covers(n.text) for n in narrow.actions) and all(
        resources.covers(n.text) for n in narrow.resources or ()
    )


class _Cover:
    """`any(covers(w, text) for w in items)`, answered without trying every item.

    Comparing every pair of statements would otherwise compare every action of one with every
    action of the other. A literal item (no `*` or `?`) covers exactly the texts equal to it
    (under `ignore_case`: equal lowercased or casefolded, as `covers` and `WildcardPattern`
    compare), so literals are looked up in a set and only wildcard items are matched one by one.
    """

    __slots__ = ("folded", "ignore_case", "literals", "wildcards")

    def __init__(
        self, items: Sequence[ActionPattern] | Sequence[ResourcePattern], *, ignore_case: bool
    ) -> None:
        self.ignore_case = ignore_case
        texts = [item.text for item in items]
        plain = [text for text in texts if "*" not in text and "?" not in text]
        self.literals = frozenset(t.lower() for t in plain) if ignore_case else frozenset(plain)
        self.folded = frozenset(t.casefold() for t in plain) if ignore_case else frozenset()
        self.wildcards = tuple(text for text in texts if "*" in text or "?" in text)

    def covers(self, text: str) -> bool:
        if self.ignore_case:
            if text.lower() in self.literals or text.casefold() in self.folded:
                return True
        elif text in self.literals:
            return True
        return any(covers(w, text, ignore_case=self.ignore_case) for w in self.wildcards)


class NarrowerResourceCheck:
    """`"Resource": "*"` for actions that only ever take ARNs of one shape: say which shape."""

    name = "narrower-resource"

    def run(self, context: CheckContext) -> Iterator[Finding]:
        for statement in context.statements:
            if statement.effect is not Effect.ALLOW or statement.not_action:
                continue
            resources = statement.resources
            if resources is None or statement.not_resource or len(resources) != 1:
                continue
            if resources[0].text != "*" or not statement.actions:
                continue
            suggestion = self.narrower(context, statement)
            if suggestion is not None:
                yield context.finding(
                    "NARROWER_RESOURCE",
                    FindingType.SUGGESTION,
                    f"every action of {statement.label} is authorized only against ARNs "
                    f"matching `{suggestion}`, so `*` can be narrowed with the same access",
                    resources[0].span,
                    suggestion=f'use `"Resource": "{suggestion}"` and narrow it further',
                )

    def narrower(self, context: CheckContext, statement: Statement) -> str | None:
        templates: set[str] = set()
        for action in statement.actions:
            if action.text == "*" or "*" in action.service or "?" in action.service:
                return None
            infos = context.expand(action.text)
            if not infos:
                return None
            for info in infos:
                if info.takes_no_resource:
                    return None
                types = context.types_of(info)
                if len(types) != len(info.resource_types):
                    return None  # a type the catalog cannot resolve: be quiet
                templates.update(t.arn_template for t in types)
        if not templates:
            return None
        prefix = os.path.commonprefix(sorted(templates))  # noqa: RUF071 - strings, not paths
        last_open = prefix.rfind("${")
        if last_open != -1 and prefix.find("}", last_open) == -1:
            prefix = prefix[:last_open]  # do not cut a variable in half
        fields = prefix.split(":", 5)
        if len(fields) < 6 or not any(c.isalpha() for c in fields[5].split("$", 1)[0]):
            return None  # nothing specific about the resource part to suggest
        narrowed = _wildcard(prefix)
        return narrowed if narrowed.endswith("*") else narrowed + "*"


def _wildcard(template: str) -> str:
    out, i = [], 0
    while i < len(template):
        if template.startswith("${", i):
            close = template.find("}", i)
            out.append("*")
            i = close + 1 if close != -1 else len(template)
        else:
            out.append(template[i])
            i += 1
    return "".join(out)
