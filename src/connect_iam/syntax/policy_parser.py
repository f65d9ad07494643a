"""JSON tree -> PolicyDocument, reporting every grammar problem with its position.

The grammar is IAM's (IAM User Guide: Grammar of the IAM JSON policy language). The parser is strict
about structure and literal about content: an action of a service that does not exist still parses
(it simply matches nothing); the catalog checks belong to the validator.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from connect_iam.diagnostics import Finding, FindingType, Index, Key, Path, Value
from connect_iam.errors import PolicyError
from connect_iam.model.operators import parse_operator
from connect_iam.model.policy import (
    VERSION_2008,
    VERSION_2012,
    ActionPattern,
    ConditionClause,
    Effect,
    PolicyDocument,
    PolicyType,
    Principal,
    PrincipalKind,
    ResourcePattern,
    Statement,
)
from connect_iam.source import SourceText, Span
from connect_iam.syntax.json_reader import read_json
from connect_iam.syntax.tree import (
    JsonArray,
    JsonBool,
    JsonMember,
    JsonNull,
    JsonNumber,
    JsonObject,
    JsonString,
    JsonValue,
    kind_name,
)

TOP_LEVEL_KEYS = ("Version", "Id", "Statement")
STATEMENT_KEYS = (
    "Sid",
    "Effect",
    "Principal",
    "NotPrincipal",
    "Action",
    "NotAction",
    "Resource",
    "NotResource",
    "Condition",
)
PRINCIPAL_KEYS = {kind.value: kind for kind in PrincipalKind if kind is not PrincipalKind.ANY}
SID_PATTERN = re.compile(r"[A-Za-z0-9]*")
_POLICIES_WITH_PRINCIPAL = (PolicyType.RESOURCE, PolicyType.RCP)


@dataclass(frozen=True, slots=True)
class ParseResult:
    """The policy (None when nothing usable was read) and every finding, in document order."""

    policy: PolicyDocument | None
    findings: tuple[Finding, ...]
    tree: JsonValue | None
    source: SourceText

    @property
    def errors(self) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if f.finding_type is FindingType.ERROR)

    @property
    def ok(self) -> bool:
        return self.policy is not None and not self.errors


def parse_policy(
    text: str, *, name: str = "<policy>", policy_type: PolicyType = PolicyType.IDENTITY
) -> ParseResult:
    """Read and parse a policy; never raises for any input text."""
    source = SourceText(text, name)
    tree, json_findings = read_json(source)
    parser = _Parser(source, policy_type)
    parser.findings.extend(json_findings)
    policy = parser.policy(tree) if tree is not None else None
    findings = tuple(sorted(parser.findings, key=_order))
    return ParseResult(policy, findings, tree, source)


def load_policy(
    text: str, *, name: str = "<policy>", policy_type: PolicyType = PolicyType.IDENTITY
) -> PolicyDocument:
    """Parse a policy that must be usable, as AWS requires before it evaluates one.

    Raises PolicyError carrying every ERROR finding, so the caller can show them all at once.
    """
    result = parse_policy(text, name=name, policy_type=policy_type)
    if result.policy is None or result.errors:
        count = len(result.errors)
        problems = "problem" if count == 1 else "problems"
        raise PolicyError(f"{name}: the policy is not valid ({count} {problems})", result.errors)
    return result.policy


def _order(finding: Finding) -> tuple[int, str]:
    return (finding.span.start.offset if finding.span else -1, finding.issue_code)


class _Parser:
    def __init__(self, source: SourceText, policy_type: PolicyType) -> None:
        self.source = source
        self.policy_type = policy_type
        self.findings: list[Finding] = []

    def report(
        self,
        code: str,
        message: str,
        span: Span | None,
        path: Path,
        finding_type: FindingType = FindingType.ERROR,
        suggestion: str | None = None,
    ) -> None:
        self.findings.append(
            Finding(
                issue_code=code,
                finding_type=finding_type,
                message=message,
                span=span,
                path=path,
                suggestion=suggestion,
            )
        )

    # -- document -------------------------------------------------------------------------------

    def policy(self, tree: JsonValue) -> PolicyDocument | None:
        if not isinstance(tree, JsonObject):
            self.report(
                "JSON_SYNTAX_ERROR",
                f"a policy must be a JSON object, found {kind_name(tree)}",
                tree.span,
                (),
            )
            return None
        members = self.unique_members(tree, (), TOP_LEVEL_KEYS, "policy")
        version = self.version(members.get("Version"))
        policy_id = self.policy_id(members.get("Id"))
        statements: list[Statement] = []
        statement_member = members.get("Statement")
        if statement_member is None:
            self.report(
                "MISSING_STATEMENT",
                "the policy has no `Statement` element",
                _head(tree.span, self.source),
                (),
            )
        else:
            statements = list(self.statements(statement_member))
        self.check_sids(statements)
        return PolicyDocument(
            version=version,
            id=policy_id,
            statements=tuple(statements),
            policy_type=self.policy_type,
            source=self.source,
        )

    def unique_members(
        self, obj: JsonObject, path: Path, known: tuple[str, ...], where: str
    ) -> dict[str, JsonMember]:
        """Members by name; duplicates and unknown keys reported (grammar: no duplicate keys)."""
        seen: dict[str, JsonMember] = {}
        for member in obj.members:
            key = member.key.value
            if key in seen:
                self.report(
                    "DUPLICATE_KEY",
                    f"duplicate key `{key}` in the {where}: IAM rejects repeated keys",
                    member.key.span,
                    (*path, Key(key)),
                )
                continue
            if key not in known:
                lowered = {name.lower(): name for name in known}
                hint = lowered.get(key.lower())
                self.report(
                    "INVALID_POLICY_ELEMENT",
                    f"unknown element `{key}` in the {where}",
                    member.key.span,
                    (*path, Key(key)),
                    suggestion=f"did you mean `{hint}`?" if hint else None,
                )
                continue
            seen[key] = member
        return seen

    def version(self, member: JsonMember | None) -> str | None:
        if member is None:
            return None
        node = member.value
        if isinstance(node, JsonString) and node.value in (VERSION_2012, VERSION_2008):
            return node.value
        shown = node.value if isinstance(node, JsonString) else kind_name(node)
        self.report(
            "INVALID_VERSION",
            f"`{shown}` is not a policy language version",
            node.span,
            (Value("Version"),),
            suggestion=f"use `{VERSION_2012}`",
        )
        return None

    def policy_id(self, member: JsonMember | None) -> str | None:
        if member is None:
            return None
        if isinstance(member.value, JsonString):
            return member.value.value
        self.expected("a string", member.value, (Value("Id"),))
        return None

    def statements(self, member: JsonMember) -> Iterator[Statement]:
        node = member.value
        if isinstance(node, JsonObject):
            stmt = self.statement(node, 0, (Value("Statement"),))
            if stmt is not None:
                yield stmt
            return
        if not isinstance(node, JsonArray):
            self.expected("an object or an array of objects", node, (Value("Statement"),))
            return
        for index, item in enumerate(node.items):
            path: Path = (Value("Statement"), Index(index))
            if not isinstance(item, JsonObject):
                self.expected("a statement object", item, path)
                continue
            stmt = self.statement(item, index, path)
            if stmt is not None:
                yield stmt

    # -- statement ------------------------------------------------------------------------------

    def statement(self, obj: JsonObject, index: int, path: Path) -> Statement | None:
        members = self.unique_members(obj, path, STATEMENT_KEYS, "statement")
        head = _head(obj.span, self.source)
        usable = True

        sid = None
        if "Sid" in members:
            node = members["Sid"].value
            if isinstance(node, JsonString):
                sid = node.value
            else:
                self.expected("a string", node, (*path, Value("Sid")))

        effect = None
        if "Effect" not in members:
            self.report("MISSING_EFFECT", "the statement has no `Effect`", head, path)
            usable = False
        else:
            node = members["Effect"].value
            if isinstance(node, JsonString) and node.value in (Effect.ALLOW, Effect.DENY):
                effect = Effect(node.value)
            else:
                shown = node.value if isinstance(node, JsonString) else kind_name(node)
                hint = None
                if isinstance(node, JsonString) and node.value.lower() in ("allow", "deny"):
                    hint = f"did you mean `{node.value.capitalize()}`?"
                self.report(
                    "INVALID_EFFECT",
                    f"`{shown}` is not an effect: use `Allow` or `Deny`",
                    node.span,
                    (*path, Value("Effect")),
                    suggestion=hint,
                )
                usable = False

        actions, not_action, ok = self.pair(members, path, head, "Action", "NotAction", True)
        usable &= ok
        resource_required = self.policy_type is not PolicyType.RESOURCE
        resources, not_resource, ok = self.pair(
            members, path, head, "Resource", "NotResource", resource_required
        )
        usable &= ok
        principals, not_principal, ok = self.principals(members, path, head)
        usable &= ok
        conditions, ok = self.conditions(members.get("Condition"), path)
        usable &= ok

        if not usable or effect is None:
            return None
        return Statement(
            index=index,
            sid=sid,
            effect=effect,
            actions=tuple(ActionPattern(text=text, span=span) for text, span in actions or ()),
            not_action=not_action,
            resources=None
            if resources is None
            else tuple(ResourcePattern(text=text, span=span) for text, span in resources),
            not_resource=not_resource,
            principals=principals,
            not_principal=not_principal,
            conditions=conditions,
            span=obj.span,
        )

    def pair(
        self,
        members: dict[str, JsonMember],
        path: Path,
        head: Span,
        positive: str,
        negative: str,
        required: bool,
    ) -> tuple[list[tuple[str, Span]] | None, bool, bool]:
        """Action/NotAction or Resource/NotResource: exactly one of the two (grammar)."""
        has_positive, has_negative = positive in members, negative in members
        if has_positive and has_negative:
            self.report(
                "UNSUPPORTED_ELEMENT_COMBINATION",
                f"a statement cannot have both `{positive}` and `{negative}`",
                members[negative].key.span,
                (*path, Key(negative)),
            )
            return None, False, False
        if not has_positive and not has_negative:
            if required:
                code = "MISSING_ACTION" if positive == "Action" else "MISSING_RESOURCE"
                self.report(
                    code,
                    f"the statement has neither `{positive}` nor `{negative}`",
                    head,
                    path,
                )
                return None, False, False
            return None, False, True
        name = positive if has_positive else negative
        values = self.string_list(members[name].value, (*path, Value(name)))
        if values is None:
            return None, False, False
        checker = self.action_text if positive == "Action" else self.resource_text
        # The item's path is built only for an item that gets a finding: a statement may list
        # thousands of actions, and almost all of them are fine.
        ok = all([checker(text, span, path, name, i) for i, (text, span) in enumerate(values)])
        return values, has_negative, ok

    def action_text(self, text: str, span: Span, path: Path, element: str, index: int) -> bool:
        if text == "*":
            return True
        service, sep, name = text.partition(":")
        if not sep or not service or not name or ":" in name:
            self.report(
                "INVALID_ACTION",
                f"`{text}` is not an action: use `service:ActionName` or `*`",
                span,
                (*path, Value(element), Index(index)),
            )
            return False
        return True

    def resource_text(self, text: str, span: Span, path: Path, element: str, index: int) -> bool:
        if text == "*":
            return True
        if not text.startswith("arn:"):
            self.report(
                "INVALID_ARN_PREFIX",
                f"`{text}` is not an ARN: a resource must be `*` or start with `arn:`",
                span,
                (*path, Value(element), Index(index)),
            )
            return False
        # A segment-final `*` may stand for the remaining fields (IAM: Resource), so
        # `arn:aws:sqs:us-east-1:*` is accepted; `arn:aws:sqs:us-east-1` is not.
        if text.count(":") < 5 and not text.endswith("*"):
            self.report(
                "MISSING_ARN_FIELD",
                f"`{text}` has {text.count(':') + 1} of the 6 fields "
                "`arn:partition:service:region:account:resource`",
                span,
                (*path, Value(element), Index(index)),
            )
            return False
        return True

    def principals(
        self, members: dict[str, JsonMember], path: Path, head: Span
    ) -> tuple[tuple[Principal, ...] | None, bool, bool]:
        has_p, has_np = "Principal" in members, "NotPrincipal" in members
        if has_p and has_np:
            self.report(
                "UNSUPPORTED_ELEMENT_COMBINATION",
                "a statement cannot have both `Principal` and `NotPrincipal`",
                members["NotPrincipal"].key.span,
                (*path, Key("NotPrincipal")),
            )
            return None, False, False
        if not has_p and not has_np:
            if self.policy_type in _POLICIES_WITH_PRINCIPAL:
                self.report(
                    "MISSING_PRINCIPAL",
                    "a resource-based policy statement must name a `Principal`",
                    head,
                    path,
                )
                return None, False, False
            return None, False, True
        name = "Principal" if has_p else "NotPrincipal"
        member = members[name]
        if self.policy_type not in _POLICIES_WITH_PRINCIPAL:
            self.report(
                "UNSUPPORTED_PRINCIPAL",
                f"`{name}` is not allowed in a {self.policy_type_text()}",
                member.key.span,
                (*path, Key(name)),
            )
            return None, False, False
        node = member.value
        ppath: Path = (*path, Value(name))
        if isinstance(node, JsonString):
            if node.value != "*":
                self.report(
                    "INVALID_PRINCIPAL_FORMAT",
                    f"`{node.value}` is not a principal: use `*` or an object such as "
                    '`{"AWS": "arn:aws:iam::123456789012:root"}`',
                    node.span,
                    ppath,
                )
                return None, False, False
            return (Principal(kind=PrincipalKind.ANY, value="*", span=node.span),), has_np, True
        if not isinstance(node, JsonObject):
            self.expected("`*` or an object", node, ppath)
            return None, False, False
        result: list[Principal] = []
        ok = True
        for pmember in node.members:
            kind = PRINCIPAL_KEYS.get(pmember.key.value)
            if kind is None:
                self.report(
                    "INVALID_PRINCIPAL_KEY",
                    f"`{pmember.key.value}` is not a principal type: use AWS, Service, "
                    "Federated or CanonicalUser",
                    pmember.key.span,
                    (*ppath, Key(pmember.key.value)),
                )
                ok = False
                continue
            values = self.string_list(pmember.value, (*ppath, Value(pmember.key.value)))
            if values is None:
                ok = False
                continue
            result.extend(Principal(kind=kind, value=text, span=span) for text, span in values)
        return tuple(result), has_np, ok

    def conditions(
        self, member: JsonMember | None, path: Path
    ) -> tuple[tuple[ConditionClause, ...], bool]:
        if member is None:
            return (), True
        cpath: Path = (*path, Value("Condition"))
        node = member.value
        if not isinstance(node, JsonObject):
            self.expected("an object of condition operators", node, cpath)
            return (), False
        clauses: list[ConditionClause] = []
        ok = True
        for op_member in node.members:
            op_text = op_member.key.value
            operator = parse_operator(op_text)
            opath: Path = (*cpath, Key(op_text))
            if operator is None:
                self.report(
                    "INVALID_CONDITION_OPERATOR",
                    f"`{op_text}` is not a condition operator",
                    op_member.key.span,
                    opath,
                )
                ok = False
            block = op_member.value
            if not isinstance(block, JsonObject):
                self.expected("an object of condition keys", block, (*cpath, Value(op_text)))
                ok = False
                continue
            for key_member in block.members:
                key = key_member.key.value
                values = self.condition_values(
                    key_member.value, (*cpath, Value(op_text), Value(key))
                )
                if values is None:
                    ok = False
                    continue
                clauses.append(
                    ConditionClause(
                        operator_text=op_text,
                        operator=operator,
                        key=key,
                        values=tuple(text for text, _, _ in values),
                        operator_span=op_member.key.span,
                        key_span=key_member.key.span,
                        value_spans=tuple(span for _, span, _ in values),
                        raw_value_kinds=tuple(kind for _, _, kind in values),
                    )
                )
        return tuple(clauses), ok

    def condition_values(self, node: JsonValue, path: Path) -> list[tuple[str, Span, str]] | None:
        """Condition values: strings, numbers or booleans, alone or in an array (grammar)."""
        items = node.items if isinstance(node, JsonArray) else (node,)
        out: list[tuple[str, Span, str]] = []
        for i, item in enumerate(items):
            ipath: Path = (*path, Index(i)) if isinstance(node, JsonArray) else path
            match item:
                case JsonString(value=value):
                    out.append((value, item.span, "string"))
                case JsonNumber(text=text):
                    out.append((text, item.span, "number"))
                case JsonBool(value=value):
                    out.append(("true" if value else "false", item.span, "boolean"))
                case _:
                    self.expected("a string, number or boolean", item, ipath)
                    return None
        return out

    def string_list(self, node: JsonValue, path: Path) -> list[tuple[str, Span]] | None:
        """A string or an array of strings (grammar: brackets optional for one value)."""
        if isinstance(node, JsonString):
            return [(node.value, node.span)]
        if not isinstance(node, JsonArray):
            self.expected("a string or an array of strings", node, path)
            return None
        out: list[tuple[str, Span]] = []
        for i, item in enumerate(node.items):
            if not isinstance(item, JsonString):
                self.expected("a string", item, (*path, Index(i)))
                return None
            out.append((item.value, item.span))
        return out

    def expected(self, what: str, node: JsonValue, path: Path) -> None:
        found = kind_name(node)
        if isinstance(node, JsonNull):
            found = "null"
        self.report("INVALID_ELEMENT_TYPE", f"expected {what}, found {found}", node.span, path)

    def check_sids(self, statements: list[Statement]) -> None:
        seen: dict[str, Statement] = {}
        strict = self.policy_type in (PolicyType.SCP, PolicyType.RCP)
        for stmt in statements:
            if stmt.sid is None:
                continue
            path: Path = (Value("Statement"), Index(stmt.index), Value("Sid"))
            if self.policy_type is not PolicyType.RESOURCE and not SID_PATTERN.fullmatch(stmt.sid):
                self.report(
                    "UNSUPPORTED_SID",
                    f"the Sid `{stmt.sid}` may contain only letters and digits in IAM policies",
                    stmt.span,
                    path,
                )
            if stmt.sid in seen and stmt.sid:
                self.report(
                    "UNIQUE_SIDS_REQUIRED" if strict else "UNIQUE_SIDS_RECOMMENDED",
                    f"the Sid `{stmt.sid}` is used by more than one statement",
                    stmt.span,
                    path,
                    FindingType.ERROR if strict else FindingType.WARNING,
                )
            seen.setdefault(stmt.sid, stmt)

    def policy_type_text(self) -> str:
        return {
            PolicyType.IDENTITY: "identity-based policy",
            PolicyType.RESOURCE: "resource-based policy",
            PolicyType.BOUNDARY: "permissions boundary",
            PolicyType.SCP: "service control policy",
            PolicyType.RCP: "resource control policy",
            PolicyType.SESSION: "session policy",
        }[self.policy_type]


def _head(span: Span, source: SourceText) -> Span:
    """The opening brace of an object: where a 'missing element' finding points."""
    return source.span(span.start.offset, span.start.offset + 1)
