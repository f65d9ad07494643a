"""Resource ARNs: their fields, and whether the statement's actions can ever apply to them.

Rules: IAM User Guide "IAM JSON policy elements: Resource" and "IAM identifiers" (ARN format);
Service Authorization Reference intro ("you must include an ARN or pattern for each required
resource type"; actions without resource types need `"Resource": "*"`); Access Analyzer checks
INVALID_SERVICE, INVALID_ARN_SERVICE_CASE, INVALID_PARTITION, INVALID_ARN_REGION,
INVALID_ARN_ACCOUNT, MISSING_ARN_REGION, MISSING_ARN_ACCOUNT, INVALID_ARN_RESOURCE,
UNSUPPORTED_RESOURCE_ARN_IN_POLICY. Connect id checks use the id format of the Connect API
(`InstanceId`: a UUID, botocore connect service-2.json). Codes of our own: docs/checks.md.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator
from dataclasses import dataclass
from enum import Enum
from typing import cast

from connect_iam.catalog import ActionInfo, ResourceTypeInfo, ServiceCatalog, suggest_service
from connect_iam.diagnostics import Finding, FindingType, Path
from connect_iam.model.policy import Effect, ResourcePattern, Statement
from connect_iam.model.wildcard import WildcardPattern
from connect_iam.source import Span
from connect_iam.validator.base import CheckContext, could_match, names, plural

PARTITIONS = frozenset(
    {"aws", "aws-cn", "aws-us-gov", "aws-iso", "aws-iso-b", "aws-iso-e", "aws-iso-f", "aws-eusc"}
)
_REGION = re.compile(r"[a-z]{2}(?:-[a-z]+)+-\d+")
_ACCOUNT = re.compile(r"\d{12}")
_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
_UUID_GROUPS = (8, 4, 4, 4, 12)
_VARIABLE = re.compile(r"\$\{[^}]*\}")
#: Connect ARN path segments whose id is a UUID in the Connect API (instance, user, ...).
CONNECT_UUID_SEGMENTS = {
    "agent": "user",
    "security-profile": "security profile",
    "routing-profile": "routing profile",
    "queue": "queue",
    "contact-flow": "flow",
    "contact": "contact",
    "agent-group": "hierarchy group",
    "operating-hours": "hours of operation",
    "transfer-destination": "quick connect",
    "agent-state": "agent status",
    "prompt": "prompt",
}
#: Namespaces whose ARNs always carry an account (other services, e.g. SSM documents owned by
#: AWS, legitimately leave it empty, and the catalog cannot tell which types do).
_STRICT_ACCOUNT = frozenset({"connect", "app-integrations", "profile", "wisdom"})
_EXAMPLE_UUID = "00fbeee1-123e-111e-93e3-11111bfbfcc1"


def _free(text: str) -> bool:
    """Holds a wildcard or a variable, so its value is not ours to judge."""
    return "*" in text or "?" in text or "${" in text


@functools.cache
def _namespaces(
    catalog_id: int, catalog: ServiceCatalog
) -> dict[str, tuple[ResourceTypeInfo, ...]]:
    index: dict[str, list[ResourceTypeInfo]] = {}
    for prefix in catalog.service_prefixes():
        for info in catalog.resource_types(prefix):
            namespace = info.arn_namespace
            if namespace and "${" not in namespace:
                index.setdefault(namespace, []).append(info)
    return {key: tuple(value) for key, value in index.items()}


def namespace_types(catalog: ServiceCatalog, namespace: str) -> tuple[ResourceTypeInfo, ...]:
    """Every resource type (of any service) whose ARN uses `namespace`."""
    return _namespaces(id(catalog), catalog).get(namespace, ())


@dataclass(frozen=True, slots=True)
class _Fields:
    """The six ARN fields with their start offsets in the string."""

    texts: tuple[str, ...]
    starts: tuple[int, ...]

    @classmethod
    def parse(cls, text: str) -> _Fields | None:
        parts = text.split(":", 5)
        if len(parts) != 6 or parts[0] != "arn":
            return None
        starts, offset = [], 0
        for part in parts:
            starts.append(offset)
            offset += len(part) + 1
        return cls(tuple(parts), tuple(starts))

    def bounds(self, index: int) -> tuple[int, int]:
        return self.starts[index], self.starts[index] + len(self.texts[index])


def usable_namespace(catalog: ServiceCatalog, resource: str) -> str | None:
    """The ARN's service field when it names a real namespace, else None (`*` stays `*`)."""
    if resource == "*":
        return "*"
    fields = _Fields.parse(resource)
    if fields is None:
        return None
    namespace = fields.texts[2]
    if _free(namespace):
        return None
    if namespace_types(catalog, namespace) or catalog.service_exists(namespace):
        return namespace if namespace == namespace.lower() else None
    return None


class ArnCheck:
    """Every field of every Resource/NotResource ARN, and Connect's UUID ids."""

    name = "arns"

    def run(self, context: CheckContext) -> Iterator[Finding]:
        catalog_id = id(context.catalog)
        for statement in context.statements:
            for resource in statement.resources or ():
                if resource.span is not None and resource.text != "*":
                    key = (catalog_id, resource.text)
                    if key in _CLEAN_ARNS:
                        continue
                    found = list(self.arn(context, resource.text, resource.span))
                    if not found:
                        if len(_CLEAN_ARNS) > _CLEAN_LIMIT:
                            _CLEAN_ARNS.clear()
                        _CLEAN_ARNS.add(key)
                    yield from found

    def arn(self, context: CheckContext, text: str, span: Span) -> Iterator[Finding]:
        fields = _Fields.parse(text)
        if fields is None:
            return  # not ARN-shaped: the parser reported it

        def at(index: int) -> tuple[Span, Path]:
            start, end = fields.bounds(index)
            return context.substring(span, text, start, end)

        catalog = context.catalog
        partition, namespace, region, account, resource = fields.texts[1:]
        if partition not in PARTITIONS and not _free(partition):
            sub, path = at(1)
            yield context.finding(
                "INVALID_PARTITION",
                FindingType.ERROR,
                f"`{partition}` is not an AWS partition",
                sub,
                path=path,
                suggestion="use `aws` (or `aws-cn`, `aws-us-gov`, ...)",
            )
        if _free(namespace):
            return
        types = namespace_types(catalog, namespace)
        lower = namespace.lower()
        if lower != namespace or (not types and not catalog.service_exists(namespace)):
            sub, path = at(2)
            if lower != namespace and (
                namespace_types(catalog, lower) or catalog.service_exists(lower)
            ):
                yield context.finding(
                    "INVALID_ARN_SERVICE_CASE",
                    FindingType.ERROR,
                    f"the service `{namespace}` in an ARN must be lowercase",
                    sub,
                    path=path,
                    suggestion=f"use `{lower}`",
                )
                return
            hint = context.did_you_mean(suggest_service, namespace)
            yield context.finding(
                "INVALID_SERVICE",
                FindingType.ERROR,
                f"`{namespace}` is not a service namespace in ARNs, so `{text}` matches no "
                "resource",
                sub,
                path=path,
                suggestion=f"did you mean `{hint}`?" if hint else None,
            )
            return
        if region and not _free(region) and _REGION.fullmatch(region) is None:
            sub, path = at(3)
            yield context.finding(
                "INVALID_ARN_REGION",
                FindingType.ERROR,
                f"`{region}` is not a region code" + _placeholder_note(region),
                sub,
                path=path,
                suggestion="use a region code such as `us-east-1`, or `*`",
            )
        elif not region and types and all(_field_required(t, 3) for t in types):
            sub, path = at(3)
            yield context.finding(
                "MISSING_ARN_REGION",
                FindingType.ERROR,
                f"`{namespace}` ARNs need a region, and this one has none",
                sub if sub.start != sub.end else span,
                path=path,
                suggestion="write the region, or `*` for every region",
            )
        if account and not _free(account) and account != "aws" and not _ACCOUNT.fullmatch(account):
            sub, path = at(4)
            yield context.finding(
                "INVALID_ARN_ACCOUNT",
                FindingType.ERROR,
                f"`{account}` is not an account id (12 digits)" + _placeholder_note(account),
                sub,
                path=path,
                suggestion="write the 12-digit account id, or `*` for any account",
            )
        elif not account and namespace in _STRICT_ACCOUNT:
            sub, path = at(4)
            yield context.finding(
                "MISSING_ARN_ACCOUNT",
                FindingType.ERROR,
                f"`{namespace}` ARNs need an account id, and this one has none",
                sub if sub.start != sub.end else span,
                path=path,
                suggestion="write the 12-digit account id, or `*` for any account",
            )
        if types:
            pattern = _VARIABLE.sub("*", text)
            if not any(could_match(info, pattern) for info in types):
                sub, path = at(5)
                known = sorted({t.name for t in types})
                yield context.finding(
                    "INVALID_ARN_RESOURCE",
                    FindingType.ERROR,
                    f"`{resource}` matches no `{namespace}` resource type ({names(known, 8)})",
                    sub,
                    path=path,
                )
                return
        if namespace == "connect":
            yield from self.connect_ids(context, text, span, fields)

    def connect_ids(
        self, context: CheckContext, text: str, span: Span, fields: _Fields
    ) -> Iterator[Finding]:
        resource = fields.texts[5]
        base = fields.starts[5]
        segments = resource.split("/")
        offsets, offset = [], base
        for segment in segments:
            offsets.append(offset)
            offset += len(segment) + 1
        checks: list[tuple[int, str, str]] = []  # (segment index, what, code)
        if len(segments) >= 2 and segments[0] == "instance":
            checks.append((1, "instance", "INVALID_CONNECT_INSTANCE_ID"))
            if len(segments) >= 4 and segments[2] in CONNECT_UUID_SEGMENTS:
                checks.append(
                    (3, CONNECT_UUID_SEGMENTS[segments[2]], "INVALID_CONNECT_RESOURCE_ID")
                )
        elif len(segments) == 2 and segments[0] == "phone-number":
            checks.append((1, "phone number", "INVALID_CONNECT_RESOURCE_ID"))
        for index, what, code in checks:
            value = segments[index].split(":", 1)[0]
            if not value or _free(value) or _UUID.fullmatch(value):
                continue
            sub, path = context.substring(span, text, offsets[index], offsets[index] + len(value))
            yield context.finding(
                code,
                FindingType.WARNING,
                f"`{value}` is not a Connect {what} id: {_uuid_problem(value)}, so the ARN "
                "matches no real resource",
                sub,
                path=path,
                suggestion=f"use the {what} id, a UUID such as `{_EXAMPLE_UUID}`, or `*`",
            )


#: (catalog, Resource text) of ARNs that `ArnCheck.arn` found nothing wrong with. Its findings
#: depend on the text and the catalog alone (the span only places them), and ARNs recur across
#: statements and policies, so a clean one is not checked field by field again.
_CLEAN_ARNS: set[tuple[int, str]] = set()
_CLEAN_LIMIT = 200_000


def _field_required(info: ResourceTypeInfo, index: int) -> bool:
    parts = info.arn_template.split(":", 5)
    return len(parts) == 6 and parts[index].startswith("${")


def _placeholder_note(value: str) -> str:
    if value.isalpha() or any(
        word in value.lower() for word in ("id", "name", "account", "region")
    ):
        return "; it looks like a placeholder left from an example"
    return ""


def _uuid_problem(value: str) -> str:
    if value.isalpha() or "id" in value.lower() or "name" in value.lower():
        return "it looks like a placeholder, not a UUID"
    groups = value.split("-")
    if len(groups) != len(_UUID_GROUPS):
        return f"a UUID has 5 groups of hex digits, this has {len(groups)}"
    for position, (group, size) in enumerate(zip(groups, _UUID_GROUPS, strict=True), start=1):
        if len(group) != size:
            return f"group {position} has {len(group)} characters, a UUID has {size} there"
        bad = sorted({c for c in group if c not in "0123456789abcdef"})
        if bad:
            return f"group {position} has characters that are not lowercase hex ({''.join(bad)})"
    return "it is not a UUID"  # pragma: no cover - every non-UUID fails one test above


# ---------------------------------------------------------------------------------------------
# Applicability: which actions the Resource can ever grant (or deny)
# ---------------------------------------------------------------------------------------------


class Reach(Enum):
    """How a statement's Resource relates to one action's resource types."""

    FULL = "full"  # every required resource type (or `*` for type-less actions) is covered
    PARTIAL = "partial"  # some types covered, a required one is not
    NEVER = "never"  # no request of this action can match the Resource


@dataclass(frozen=True, slots=True)
class ActionReach:
    action: ActionInfo
    reach: Reach
    missing: tuple[str, ...]  # required resource types the Resource cannot match
    covered: tuple[str, ...]  # resource types the Resource can match


def usable_resources(context: CheckContext, statement: Statement) -> tuple[str, ...]:
    """The Resource patterns that can name something: `*` or an ARN of a real namespace."""
    out = []
    for resource in statement.resources or ():
        if usable_namespace(context.catalog, resource.text) is not None:
            out.append(_VARIABLE.sub("*", resource.text))
    return tuple(out)


def reach(context: CheckContext, action: ActionInfo, patterns: tuple[str, ...]) -> ActionReach:
    if "*" in patterns:
        return ActionReach(action, Reach.FULL, (), tuple(r.name for r in action.resource_types))
    if action.takes_no_resource:
        star = any(WildcardPattern.compile(p).matches("*") for p in patterns)
        return ActionReach(action, Reach.FULL if star else Reach.NEVER, () if star else ("*",), ())
    types = context.types_of(action)
    by_name = {t.name.lower(): t for t in types}
    covered = tuple(t.name for t in types if any(could_match(t, p) for p in patterns))
    covered_lower = {name.lower() for name in covered}
    missing = tuple(
        r.name
        for r in action.required_resource_types
        if r.name.lower() not in covered_lower and r.name.lower() in by_name
    )
    if not covered:
        return ActionReach(action, Reach.NEVER, missing or tuple(t.name for t in types), ())
    return ActionReach(action, Reach.PARTIAL if missing else Reach.FULL, missing, covered)


def statement_reach(
    context: CheckContext, statement: Statement
) -> dict[int, tuple[ActionReach, ...]] | None:
    """Per action pattern (by position), the reach of each action it matches; None when the
    statement's Resource cannot be judged (NotResource, no Resource, NotAction, no usable ARN)."""
    cache = context.memo.setdefault("statement_reach", {})
    if statement.index in cache:
        return cast("dict[int, tuple[ActionReach, ...]] | None", cache[statement.index])
    found = _statement_reach(context, statement)
    cache[statement.index] = found
    return found


def _statement_reach(
    context: CheckContext, statement: Statement
) -> dict[int, tuple[ActionReach, ...]] | None:
    if statement.not_action or statement.not_resource or statement.resources is None:
        return None
    patterns = usable_resources(context, statement)
    if not patterns:
        return None
    out: dict[int, tuple[ActionReach, ...]] = {}
    catalog_id = id(context.catalog)
    for position, action in enumerate(statement.actions):
        if action.text == "*" or _free(action.service):
            continue
        key = (catalog_id, action.text.lower(), patterns)
        found = _REACH_CACHE.get(key)
        if found is None:
            found = tuple(reach(context, info, patterns) for info in context.expand(action.text))
            if len(_REACH_CACHE) > _REACH_CACHE_LIMIT:
                _REACH_CACHE.clear()
            _REACH_CACHE[key] = found
        out[position] = found
    return out


#: (catalog, lowercased Action pattern, usable Resource patterns) -> the reach of each action the
#: pattern matches. A pure function of catalog facts and two statement fragments (`expand` is
#: case-insensitive, like IAM), and managed policies repeat the same pairs across statements.
_REACH_CACHE: dict[tuple[int, str, tuple[str, ...]], tuple[ActionReach, ...]] = {}
_REACH_CACHE_LIMIT = 50_000


class ApplicabilityCheck:
    """Actions the Resource can never grant, Resources no action can use (docs/checks.md)."""

    name = "applicability"

    def run(self, context: CheckContext) -> Iterator[Finding]:
        for statement in context.statements:
            yield from self.statement(context, statement)

    def statement(self, context: CheckContext, statement: Statement) -> Iterator[Finding]:
        reaches = statement_reach(context, statement)
        if reaches is None:
            yield from self.typeless(context, statement)
            return
        every = [r for rs in reaches.values() for r in rs]
        resource_findings = list(self.resources(context, statement))
        yield from resource_findings
        if resource_findings and not any(r.reach is not Reach.NEVER for r in every):
            return  # the Resource is wrong as a whole: said once, at the Resource
        for position, rs in reaches.items():
            action = statement.actions[position]
            if not rs:
                continue
            if "*" not in action.text and "?" not in action.text:
                yield from self.literal(context, statement, action.text, action.span, rs[0])
            else:
                yield from self.wildcard(context, statement, action.text, action.span, rs)

    def typeless(self, context: CheckContext, statement: Statement) -> Iterator[Finding]:
        """Actions without resource types named with a specific ARN, even when that ARN is
        itself invalid (seed 02: `ListEventIntegrations` on an `appintegrations` ARN)."""
        if statement.not_action or statement.not_resource or not statement.resources:
            return
        patterns = tuple(_VARIABLE.sub("*", r.text) for r in statement.resources)
        for action in statement.actions:
            if _free(action.text) or ":" not in action.text:
                continue
            info = context.catalog.action(action.text)
            if info is not None and info.takes_no_resource:
                yield from self.literal(
                    context, statement, action.text, action.span, reach(context, info, patterns)
                )

    def resources(self, context: CheckContext, statement: Statement) -> Iterator[Finding]:
        """A Resource ARN that no resource type of any of the statement's actions can match."""
        if any(a.text == "*" or _free(a.service) for a in statement.actions):
            return
        actions = [info for a in statement.actions for info in context.expand(a.text)]
        actions = [info for info in actions if not info.takes_no_resource]
        if not actions:
            return  # UNSUPPORTED_RESOURCE_ARN_IN_POLICY says it, per action
        types: list[ResourceTypeInfo] | None = None
        for resource in statement.resources or ():
            if resource.text == "*" or resource.span is None:
                continue
            namespace = usable_namespace(context.catalog, resource.text)
            if namespace is None:
                continue
            pattern = _VARIABLE.sub("*", resource.text)
            if types is None:
                # Distinct types once: a statement's actions share most of their types.
                types = list(
                    {id(t): t for info in actions for t in context.types_of(info)}.values()
                )
            if any(could_match(t, pattern) for t in types):
                continue
            if any(info.takes_no_resource for info in actions) and WildcardPattern.compile(
                pattern
            ).matches("*"):
                continue
            yield self.resource_finding(context, statement, resource, namespace, actions)

    def resource_finding(
        self,
        context: CheckContext,
        statement: Statement,
        resource: ResourcePattern,
        namespace: str,
        actions: list[ActionInfo],
    ) -> Finding:
        namespaces = sorted({t.arn_namespace for info in actions for t in context.types_of(info)})
        action_names = [a.qualified_name for a in actions]
        if namespace not in namespaces:
            return context.finding(
                "RESOURCE_SERVICE_MISMATCH",
                FindingType.WARNING,
                f"`{namespace}` ARNs are not resources of the statement's actions "
                f"({names(action_names, 5)}), so this Resource grants nothing"
                + (f"; they take {names(namespaces, 5)} ARNs" if namespaces else ""),
                resource.span,
            )
        types = sorted({t.name for info in actions for t in context.types_of(info)})
        return context.finding(
            "RESOURCE_TYPE_MISMATCH",
            FindingType.WARNING,
            f"`{resource.text}` matches no resource type of the statement's actions "
            f"({names(action_names, 5)}); they take {names(types, 8)}",
            resource.span,
        )

    def literal(
        self,
        context: CheckContext,
        statement: Statement,
        text: str,
        span: Span | None,
        found: ActionReach,
    ) -> Iterator[Finding]:
        if found.reach is not Reach.NEVER:
            return
        verb = "grant" if statement.effect is Effect.ALLOW else "deny"
        if found.action.takes_no_resource:
            yield context.finding(
                "UNSUPPORTED_RESOURCE_ARN_IN_POLICY",
                FindingType.ERROR,
                f'`{text}` has no resource-level permissions: only `"Resource": "*"` can '
                f"{verb} it, so this statement never does",
                span,
                suggestion=f'move `{text}` to a statement with `"Resource": "*"`',
            )
            return
        yield context.finding(
            "ACTION_NOT_APPLICABLE_TO_RESOURCE",
            FindingType.WARNING,
            f"`{text}` takes {names(found.missing, 6)} resources, and no Resource of this "
            f"statement can match one, so the statement never {verb}s it",
            span,
        )

    def wildcard(
        self,
        context: CheckContext,
        statement: Statement,
        text: str,
        span: Span | None,
        rs: tuple[ActionReach, ...],
    ) -> Iterator[Finding]:
        never = [r for r in rs if r.reach is Reach.NEVER]
        if not never:
            return
        full = [r for r in rs if r.reach is Reach.FULL]
        partial = [r for r in rs if r.reach is Reach.PARTIAL]
        total = plural(len(rs), "action")
        if statement.effect is Effect.DENY:
            detail = ", ".join(
                f"`{r.action.name}` ({', '.join(r.missing) or 'none'})" for r in never[:20]
            )
            if len(never) > 20:
                detail += f" and {len(never) - 20} more"
            message = (
                f"`{text}` matches {total}, but this Deny never applies to "
                f"{len(never)} of them, which never take a resource it names: {detail}"
            )
        else:
            message = (
                f"`{text}` matches {total}, but with this Resource it fully grants only "
                f"{len(full)}" + (f" ({names(r.action.name for r in full)})" if full else "")
            )
            if partial:
                message += (
                    f"; {len(partial)} also need a resource it does not name "
                    f"({names((r.action.name for r in partial), 8)})"
                )
            message += (
                f"; {len(never)} can never be granted by it "
                f"({names((r.action.name for r in never), 8)})"
            )
        yield context.finding(
            "ACTION_WILDCARD_PARTLY_APPLICABLE",
            FindingType.WARNING,
            message,
            span,
            suggestion="list the actions you mean, or add the resources they need",
        )
