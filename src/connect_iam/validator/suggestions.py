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
    """(redundant index, covering index) pairs; of two equal items the later one is redundant."""
    texts = [item.text for item in items]
    for i, narrow in enumerate(texts):
        for j, wide in enumerate(texts):
            if i == j:
                continue
            same = narrow == wide or (ignore_case and narrow.lower() == wide.lower())
            if same and j > i:
                continue
            if covers(wide, narrow, ignore_case=ignore_case):
                yield i, j
                break


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
        statements = context.statements
        for statement in statements:
            for other in statements:
                if other is statement or not _same_frame(statement, other):
                    continue
                if _inside(statement, other) and (
                    not _inside(other, statement) or other.index < statement.index
                ):
                    yield context.finding(
                        "REDUNDANT_STATEMENT",
                        FindingType.SUGGESTION,
                        f"{statement.label} grants nothing that {other.label} does not already "
                        f"{'grant' if statement.effect is Effect.ALLOW else 'deny'}",
                        context.head(statement.span) if statement.span else None,
                        suggestion="remove it",
                    )
                    break


def _same_frame(a: Statement, b: Statement) -> bool:
    return (
        a.effect == b.effect
        and a.not_action == b.not_action == False  # noqa: E712
        and a.not_resource == b.not_resource == False  # noqa: E712
        and a.conditions == b.conditions
        and a.principals == b.principals
        and a.not_principal == b.not_principal
        and a.resources is not None
        and b.resources is not None
    )


def _inside(narrow: Statement, wide: Statement) -> bool:
    return all(
        any(covers(w.text, n.text, ignore_case=True) for w in wide.actions) for n in narrow.actions
    ) and all(
        any(covers(w.text, n.text, ignore_case=False) for w in wide.resources or ())
        for n in narrow.resources or ()
    )


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
