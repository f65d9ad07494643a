"""Grammar extras the parser leaves to the validator: missing Version, empty arrays and objects,
empty Sid, size quotas, and policy variables (where they may appear and under which Version).

Rules: IAM User Guide "Grammar of the IAM JSON policy language", "Policy variables", "IAM and AWS
STS quotas"; Access Analyzer policy-check reference (codes as in iam-semantics §7.2).
"""

from __future__ import annotations

from collections.abc import Iterator

from connect_iam.diagnostics import Finding, FindingType
from connect_iam.model.operators import SetQualifier, parse_operator
from connect_iam.model.policy import VERSION_2012, PolicyType
from connect_iam.model.variables import parse_template
from connect_iam.syntax.tree import JsonArray, JsonMember, JsonObject, JsonString, JsonValue
from connect_iam.validator.base import CheckContext

IDENTITY_POLICY_QUOTA = 6_144  # managed policy, non-whitespace characters (IAM quotas)
SCP_QUOTA = 5_120  # Organizations quota for SCPs and RCPs
_SIZE_QUOTAS = {
    PolicyType.IDENTITY: ("POLICY_SIZE_EXCEEDS_IDENTITY_POLICY_QUOTA", IDENTITY_POLICY_QUOTA),
    PolicyType.SCP: ("POLICY_SIZE_EXCEEDS_SCP_QUOTA", SCP_QUOTA),
    PolicyType.RCP: ("POLICY_SIZE_EXCEEDS_RCP_QUOTA", SCP_QUOTA),
}
_NO_VARIABLES = ("Sid", "Action", "NotAction", "Principal", "NotPrincipal")
_EMPTY_ARRAY_CODES = {
    "Action": "EMPTY_ARRAY_ACTION",
    "NotAction": "EMPTY_ARRAY_ACTION",
    "Resource": "EMPTY_ARRAY_RESOURCE",
    "NotResource": "EMPTY_ARRAY_RESOURCE",
    "Principal": "EMPTY_ARRAY_PRINCIPAL",
    "NotPrincipal": "EMPTY_ARRAY_PRINCIPAL",
}


class DocumentCheck:
    """Version, empty elements, Sid, size quota."""

    name = "document"

    def run(self, context: CheckContext) -> Iterator[Finding]:
        tree = context.result.tree
        if not isinstance(tree, JsonObject):
            return
        yield from self.size(context)
        keys = {member.key.value for member in tree.members}
        if "Version" not in keys and context.policy is not None:
            yield context.finding(
                "MISSING_VERSION",
                FindingType.WARNING,
                "the policy has no `Version`: policy variables stay literal text and newer "
                "features do not work",
                context.head(tree.span),
                suggestion=f'add `"Version": "{VERSION_2012}"`',
            )
        for statement in _statement_nodes(tree):
            yield from self.statement(context, statement)

    def size(self, context: CheckContext) -> Iterator[Finding]:
        quota = _SIZE_QUOTAS.get(context.policy_type)
        if quota is None:
            return
        code, limit = quota
        text = context.source.text
        size = len(text) - sum(text.count(c) for c in " \t\r\n")
        if size <= limit:
            return
        finding_type = (
            FindingType.WARNING if code.endswith("IDENTITY_POLICY_QUOTA") else (FindingType.ERROR)
        )
        yield context.finding(
            code,
            finding_type,
            f"the policy has {size:,} characters without whitespace, over the quota of {limit:,}",
            context.source.span(0, len(text)),
            path=(),
            suggestion="split it into several policies",
        )

    def statement(self, context: CheckContext, node: JsonObject) -> Iterator[Finding]:
        for member in node.members:
            name = member.key.value
            value = member.value
            code = _EMPTY_ARRAY_CODES.get(name)
            if code and isinstance(value, JsonArray) and not value.items:
                yield context.finding(
                    code,
                    FindingType.SUGGESTION,
                    f"`{name}` is an empty array, so the statement matches nothing",
                    value.span,
                    suggestion="list at least one value or remove the statement",
                )
            if name in ("Principal", "NotPrincipal") and isinstance(value, JsonObject):
                if not value.members:
                    yield context.finding(
                        "EMPTY_OBJECT_PRINCIPAL",
                        FindingType.SUGGESTION,
                        f"`{name}` is an empty object, so the statement matches nobody",
                        value.span,
                    )
                for entry in value.members:
                    if isinstance(entry.value, JsonArray) and not entry.value.items:
                        yield context.finding(
                            "EMPTY_ARRAY_PRINCIPAL",
                            FindingType.SUGGESTION,
                            f"`{name}` `{entry.key.value}` is an empty array",
                            entry.value.span,
                        )
            if name == "Sid" and isinstance(value, JsonString) and value.value == "":
                yield context.finding(
                    "EMPTY_SID_VALUE",
                    FindingType.SUGGESTION,
                    "the `Sid` is an empty string",
                    value.span,
                    suggestion="give the statement a name or remove the `Sid`",
                )
            if name == "Condition" and isinstance(value, JsonObject):
                yield from self.condition(context, value)
            if name in _NO_VARIABLES:
                yield from self.no_variables(context, name, value)
            elif name in ("Resource", "NotResource"):
                yield from self.resource_variables(context, value)

    def condition(self, context: CheckContext, node: JsonObject) -> Iterator[Finding]:
        if not node.members:
            yield context.finding(
                "EMPTY_OBJECT_CONDITION",
                FindingType.SUGGESTION,
                "`Condition` is an empty object",
                node.span,
                suggestion="remove it",
            )
        for op_member in node.members:
            operator = parse_operator(op_member.key.value)
            block = op_member.value
            if not isinstance(block, JsonObject):
                continue
            for key_member in block.members:
                values = key_member.value
                if isinstance(values, JsonArray) and not values.items:
                    yield self.empty_condition(context, op_member, key_member, values)
                for item in values.items if isinstance(values, JsonArray) else (values,):
                    if isinstance(item, JsonString) and operator is not None:
                        yield from self.condition_variables(
                            context, item, operator.base.supports_variables, op_member
                        )

    def empty_condition(
        self, context: CheckContext, op: JsonMember, key: JsonMember, values: JsonArray
    ) -> Finding:
        operator = parse_operator(op.key.value)
        code, effect = "EMPTY_ARRAY_CONDITION", "the condition never matches a present key"
        if operator is not None and operator.qualifier is SetQualifier.FOR_ALL_VALUES:
            code = "EMPTY_ARRAY_CONDITION_FORALLVALUES"
            effect = "the condition matches only when the key is missing"
        elif operator is not None and operator.qualifier is SetQualifier.FOR_ANY_VALUE:
            code = "EMPTY_ARRAY_CONDITION_FORANYVALUE"
            effect = "the condition never matches"
        elif operator is not None and operator.if_exists:
            code = "EMPTY_ARRAY_CONDITION_IFEXISTS"
            effect = "the condition matches only when the key is missing"
        return context.finding(
            code,
            FindingType.SUGGESTION,
            f"the values of `{key.key.value}` under `{op.key.value}` are an empty array: {effect}",
            values.span,
        )

    # -- variables ----------------------------------------------------------------------------

    def no_variables(
        self, context: CheckContext, element: str, node: JsonValue
    ) -> Iterator[Finding]:
        for item in _strings(node):
            if "${" not in item.value:
                continue
            template = parse_template(item.value)
            for variable in template.variables:
                span, path = context.substring(item.span, item.value, variable.start, variable.end)
                yield context.finding(
                    "VARIABLE_UNSUPPORTED_IN_ELEMENT",
                    FindingType.ERROR,
                    f"policy variables are not supported in `{element}`: "
                    f"`{item.value[variable.start : variable.end]}` stays literal text",
                    span,
                    path=path,
                    suggestion="use variables only in `Resource` and in condition values",
                )

    def resource_variables(self, context: CheckContext, node: JsonValue) -> Iterator[Finding]:
        for item in _strings(node):
            if "${" not in item.value:
                continue
            yield from self.template(context, item)
            template = parse_template(item.value)
            if not template.has_variables or not item.value.startswith("arn:"):
                continue
            header_end = _nth(item.value, ":", 5)
            for variable in template.variables:
                if header_end != -1 and variable.start < header_end:
                    span, path = context.substring(
                        item.span, item.value, variable.start, variable.end
                    )
                    yield context.finding(
                        "VARIABLE_UNSUPPORTED_IN_ELEMENT",
                        FindingType.ERROR,
                        "policy variables are supported only in the resource part of an ARN, "
                        f"not in `{item.value[variable.start : variable.end]}` before it",
                        span,
                        path=path,
                    )

    def condition_variables(
        self, context: CheckContext, item: JsonString, allowed: bool, op: JsonMember
    ) -> Iterator[Finding]:
        if "${" not in item.value:
            return
        yield from self.template(context, item)
        template = parse_template(item.value)
        if allowed or not template.has_variables:
            return
        variable = template.variables[0]
        span, path = context.substring(item.span, item.value, variable.start, variable.end)
        yield context.finding(
            "INVALID_VARIABLE_FOR_OPERATOR",
            FindingType.ERROR,
            f"policy variables can only be used with String and ARN operators, not "
            f"`{op.key.value}`",
            span,
            path=path,
        )

    def template(self, context: CheckContext, item: JsonString) -> Iterator[Finding]:
        """Malformed `${...}` and variables under a Version that does not substitute them."""
        if "${" not in item.value:
            return
        template = parse_template(item.value)
        for problem in template.problems:
            span, path = context.substring(item.span, item.value, problem.start, problem.end)
            yield context.finding(problem.code, FindingType.ERROR, problem.message, span, path=path)
        policy = context.policy
        if policy is None or policy.substitutes_variables:
            return
        for variable in template.variables:
            span, path = context.substring(item.span, item.value, variable.start, variable.end)
            shown = item.value[variable.start : variable.end]
            yield context.finding(
                "VARIABLE_UNSUPPORTED_IN_VERSION",
                FindingType.ERROR,
                f"`{shown}` is literal text unless the policy `Version` is `{VERSION_2012}`",
                span,
                path=path,
                suggestion=f'set `"Version": "{VERSION_2012}"`',
            )


def _statement_nodes(tree: JsonObject) -> Iterator[JsonObject]:
    for member in tree.members:
        if member.key.value != "Statement":
            continue
        if isinstance(member.value, JsonObject):
            yield member.value
        elif isinstance(member.value, JsonArray):
            yield from (item for item in member.value.items if isinstance(item, JsonObject))


def _strings(node: JsonValue) -> Iterator[JsonString]:
    """Every string in a value, at any depth (Principal maps hold arrays of strings)."""
    stack = [node]
    while stack:
        current = stack.pop()
        if isinstance(current, JsonString):
            yield current
        elif isinstance(current, JsonArray):
            stack.extend(reversed(current.items))
        elif isinstance(current, JsonObject):
            stack.extend(reversed([member.value for member in current.members]))


def _nth(text: str, char: str, count: int) -> int:
    """Offset of the `count`-th `char` in `text`, or -1."""
    index = -1
    for _ in range(count):
        index = text.find(char, index + 1)
        if index == -1:
            return -1
    return index
