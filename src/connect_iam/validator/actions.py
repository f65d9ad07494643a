"""Action and NotAction values against the Service Authorization Reference.

Rules: IAM User Guide "IAM JSON policy elements: Action" (service prefix, case-insensitive names,
`*`/`?` wildcards); Access Analyzer checks INVALID_SERVICE_IN_ACTION, INVALID_ACTION,
WILDCARD_IN_SERVICE_NAME. ACTION_WILDCARD_MATCHES_NOTHING is ours (docs/checks.md).
"""

from __future__ import annotations

from collections.abc import Iterator

from connect_iam.catalog import suggest_action, suggest_service
from connect_iam.diagnostics import Finding, FindingType
from connect_iam.model.policy import ActionPattern
from connect_iam.validator.base import CheckContext


def _has_wildcard(text: str) -> bool:
    return "*" in text or "?" in text


#: (catalog, Action text) of patterns `ActionsCheck.action` found nothing wrong with. Its findings
#: depend on the text and the catalog alone (the span only places them), and the same actions
#: recur across statements and policies, so a clean one is not looked up again.
_CLEAN: set[tuple[int, str]] = set()
_CLEAN_LIMIT = 200_000


class ActionsCheck:
    """Unknown services and actions (with "did you mean"), wildcards that match nothing."""

    name = "actions"

    def run(self, context: CheckContext) -> Iterator[Finding]:
        catalog_id = id(context.catalog)
        for statement in context.statements:
            for action in statement.actions:
                key = (catalog_id, action.text)
                if key in _CLEAN:
                    continue
                found = list(self.action(context, action))
                if not found and action.span is not None:
                    if len(_CLEAN) > _CLEAN_LIMIT:
                        _CLEAN.clear()
                    _CLEAN.add(key)
                yield from found

    def action(self, context: CheckContext, action: ActionPattern) -> Iterator[Finding]:
        text, span = action.text, action.span
        if text == "*" or span is None or ":" not in text:
            return
        service, _, name = text.partition(":")
        catalog = context.catalog
        if _has_wildcard(service):
            sub_span, path = context.substring(span, text, 0, len(service))
            yield context.finding(
                "WILDCARD_IN_SERVICE_NAME",
                FindingType.SUGGESTION,
                f"avoid wildcards in the service prefix `{service}`: it can match services "
                "added later",
                sub_span,
                path=path,
            )
            return
        if not catalog.service_exists(service):
            sub_span, path = context.substring(span, text, 0, len(service))
            hint = context.did_you_mean(suggest_service, service)
            yield context.finding(
                "INVALID_SERVICE_IN_ACTION",
                FindingType.ERROR,
                f"the service prefix `{service}` in `{text}` does not exist, so the action "
                "matches nothing",
                sub_span,
                path=path,
                suggestion=f"did you mean `{hint}:{name}`?" if hint else None,
            )
            return
        if _has_wildcard(name):
            if not context.expand(text):
                sub_span, path = context.substring(span, text, len(service) + 1, len(text))
                yield context.finding(
                    "ACTION_WILDCARD_MATCHES_NOTHING",
                    FindingType.WARNING,
                    f"`{text}` matches no action of the `{service.lower()}` service",
                    sub_span,
                    path=path,
                )
            return
        if catalog.action(service, name) is None:
            sub_span, path = context.substring(span, text, len(service) + 1, len(text))
            hint = context.did_you_mean(suggest_action, text)
            yield context.finding(
                "INVALID_ACTION",
                FindingType.ERROR,
                f"the action `{name}` does not exist in the `{service.lower()}` service",
                sub_span,
                path=path,
                suggestion=f"did you mean `{hint}`?" if hint else None,
            )
