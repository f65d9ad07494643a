"""Security warnings: grants much wider than they look.

Rules: IAM User Guide "NotAction", "NotResource", "NotPrincipal" (Allow with a negated element
grants everything else) and "Grant least privilege"; Access Analyzer checks ALLOW_WITH_NOT_PRINCIPAL
and the PASS_ROLE_* family; Amazon Connect admin guide "Best practices for security profiles"
(whoever may edit users or security profiles can make anyone an administrator). Codes of our own:
docs/checks.md.
"""

from __future__ import annotations

from collections.abc import Iterator

from connect_iam.diagnostics import Finding, FindingType
from connect_iam.model.policy import Effect, Statement
from connect_iam.model.wildcard import WildcardPattern
from connect_iam.source import Span
from connect_iam.validator.base import CheckContext, could_match, names
from connect_iam.validator.resources import Reach, statement_reach, usable_resources

#: Connect actions that let their holder give users (themselves included) any permission in the
#: Connect instance, administrator included, when allowed on every user / security profile.
ESCALATION_ACTIONS = {
    "createuser": "create a user with any security profile",
    "updateusersecurityprofiles": "assign any security profile to any user",
    "updatesecurityprofile": "add any permission to a security profile",
    "updateuseridentityinfo": "change a user's email and then reset the password",
    "associatesecurityprofiles": "associate any security profile with an entity",
}
_ESCALATION_TYPES = ("user", "security-profile")


def _is_wildcard(text: str) -> bool:
    return "*" in text or "?" in text


class SecurityCheck:
    """Allow with NotAction/NotResource/NotPrincipal, `*` grants, PassRole, Connect escalation."""

    name = "security"

    def run(self, context: CheckContext) -> Iterator[Finding]:
        for statement in context.statements:
            if statement.effect is not Effect.ALLOW:
                continue
            yield from self.negations(context, statement)
            yield from self.star(context, statement)
            yield from self.pass_role(context, statement)
            yield from self.escalation(context, statement)

    def negations(self, context: CheckContext, statement: Statement) -> Iterator[Finding]:
        spans = context.members(statement.span)
        if statement.not_action and "NotAction" in spans:
            yield context.finding(
                "ALLOW_WITH_NOT_ACTION",
                FindingType.SECURITY_WARNING,
                "`Allow` with `NotAction` grants every action not listed, in every service, "
                "including ones AWS adds later",
                spans["NotAction"].key.span,
                suggestion="list the actions to allow with `Action`",
            )
        if statement.not_resource and "NotResource" in spans:
            yield context.finding(
                "ALLOW_WITH_NOT_RESOURCE",
                FindingType.SECURITY_WARNING,
                "`Allow` with `NotResource` grants the actions on every resource not listed, "
                "including resources created later",
                spans["NotResource"].key.span,
                suggestion="list the resources to allow with `Resource`",
            )
        if statement.not_principal and "NotPrincipal" in spans:
            yield context.finding(
                "ALLOW_WITH_NOT_PRINCIPAL",
                FindingType.SECURITY_WARNING,
                "`Allow` with `NotPrincipal` grants access to everyone not listed, anonymous "
                "users included",
                spans["NotPrincipal"].key.span,
                suggestion="name the principals with `Principal`",
            )

    def star(self, context: CheckContext, statement: Statement) -> Iterator[Finding]:
        if statement.not_action or not _all_resources(statement):
            return
        for action in statement.actions:
            if action.text == "*":
                yield context.finding(
                    "FULL_ACCESS_ON_ALL_RESOURCES",
                    FindingType.SECURITY_WARNING,
                    "`*` on every resource grants full administrator access to the account",
                    action.span,
                    suggestion="list the actions and resources this principal needs",
                )
            elif action.name == "*" and not _is_wildcard(action.service):
                yield context.finding(
                    "SERVICE_WILDCARD_ON_ALL_RESOURCES",
                    FindingType.SECURITY_WARNING,
                    f"`{action.text}` on every resource grants every `{action.service}` "
                    "action, destructive and permission-changing ones included, on every "
                    "resource",
                    action.span,
                    suggestion="list the actions this principal needs, and scope `Resource`",
                )

    def pass_role(self, context: CheckContext, statement: Statement) -> Iterator[Finding]:
        spans = context.members(statement.span)
        star_resource = _all_resources(statement)
        if statement.not_action:
            covered = not any(_passes_role(a.text) for a in statement.actions)
            if covered and star_resource and "NotAction" in spans:
                yield self.pass_role_finding(
                    context,
                    "PASS_ROLE_WITH_STAR_IN_RESOURCE_AND_NOT_ACTION",
                    "`NotAction` without `iam:PassRole` on `*` lets the principal pass any role",
                    spans["NotAction"].key.span,
                )
            return
        for action in statement.actions:
            if not _passes_role(action.text):
                continue
            wildcard = _is_wildcard(action.text)
            if statement.not_resource:
                code = "PASS_ROLE_WITH_NOT_RESOURCE"
                message = "`iam:PassRole` with `NotResource` lets the principal pass every role "
                "not listed, to any service"
            elif star_resource:
                code = (
                    "PASS_ROLE_WITH_STAR_IN_ACTION_AND_RESOURCE"
                    if wildcard
                    else "PASS_ROLE_WITH_STAR_IN_RESOURCE"
                )
                message = (
                    f"`{action.text}` covers `iam:PassRole` on `*`: the principal can pass any "
                    "role, with its permissions, to a service"
                )
            else:
                continue
            yield self.pass_role_finding(context, code, message, action.span)

    def pass_role_finding(
        self, context: CheckContext, code: str, message: str, span: Span | None
    ) -> Finding:
        return context.finding(
            code,
            FindingType.SECURITY_WARNING,
            message,
            span,
            suggestion="name the roles in `Resource` and add an `iam:PassedToService` condition",
        )

    def escalation(self, context: CheckContext, statement: Statement) -> Iterator[Finding]:
        """Connect actions that can grant any Connect permission, on broad resources."""
        if not any(_may_escalate(action.text) for action in statement.actions):
            return
        reaches = statement_reach(context, statement)
        if reaches is None:
            return
        patterns = usable_resources(context, statement)
        for position, rs in reaches.items():
            risky = []
            for r in rs:
                if r.action.service != "connect" or r.reach is Reach.NEVER:
                    continue
                if r.action.name.lower() not in ESCALATION_ACTIONS:
                    continue
                broad = [
                    t
                    for t in context.types_of(r.action)
                    if t.name in _ESCALATION_TYPES
                    and any(_is_wildcard(p) and could_match(t, p) for p in patterns)
                ]
                if broad:
                    risky.append(r.action.name)
            if not risky:
                continue
            action = statement.actions[position]
            what = "; ".join(f"`{n}` can {ESCALATION_ACTIONS[n.lower()]}" for n in risky[:5])
            yield context.finding(
                "CONNECT_PRIVILEGE_ESCALATION",
                FindingType.SECURITY_WARNING,
                f"`{action.text}` allows {names(risky, 5)} on every matching user or security "
                f"profile: {what}, so its holder can make anyone a Connect administrator",
                action.span,
                suggestion="name the security profiles that may be assigned in `Resource` "
                "(there is no condition key for them), or deny the administrator profile",
            )


def _all_resources(statement: Statement) -> bool:
    return (
        statement.resources is not None
        and not statement.not_resource
        and any(r.text == "*" for r in statement.resources)
    )


def _passes_role(pattern: str) -> bool:
    """Whether an Action pattern covers `iam:PassRole`."""
    return _facts(pattern)[0]


def _may_escalate(pattern: str) -> bool:
    """Whether an Action pattern covers one of `ESCALATION_ACTIONS`."""
    return _facts(pattern)[1]


def _facts(pattern: str) -> tuple[bool, bool]:
    """(covers `iam:PassRole`, covers an escalation action), memoised per Action pattern: every
    statement of every policy asks both for each of its actions, and the managed policies alone
    hold about 17,000 distinct patterns, more than a small LRU keeps."""
    found = _FACTS.get(pattern)
    if found is None:
        compiled = WildcardPattern.compile(pattern, ignore_case=True)
        found = (
            compiled.matches("iam:PassRole"),
            any(compiled.matches(f"connect:{name}") for name in ESCALATION_ACTIONS),
        )
        if len(_FACTS) > _FACTS_LIMIT:
            _FACTS.clear()
        _FACTS[pattern] = found
    return found


_FACTS: dict[str, tuple[bool, bool]] = {}
_FACTS_LIMIT = 200_000
