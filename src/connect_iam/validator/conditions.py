"""Condition blocks: operators, keys, values and set qualifiers.

Rules: IAM User Guide "IAM JSON policy elements: Condition operators", "Single-valued vs.
multivalued context keys", "AWS global condition context keys"; Service Authorization Reference
condition-key tables; Access Analyzer checks NULL_WITH_IF_EXISTS, NULL_WITH_QUALIFIER,
INVALID_GLOBAL_CONDITION_KEY, INVALID_SERVICE_CONDITION_KEY, INVALID_CONDITION_KEY_FORMAT,
DUPLICATE_KEYS_WITH_DIFFERENT_CASE, DEPRECATED_GLOBAL_CONDITION_KEY, TYPE_MISMATCH and its
_NUMBER/_DATE/_BOOLEAN/_IP_RANGE variants, INVALID_CONDITION_MULTIPLE_BOOLEAN,
WILDCARD_WITHOUT_LIKE_OPERATOR, MISSING_QUALIFIER, FORALLVALUES_WITH_SINGLE_VALUED_KEY,
UNSUPPORTED_ACTION_FOR_CONDITION_KEY.
"""

from __future__ import annotations

from collections.abc import Generator, Iterator

from connect_iam.catalog import ActionInfo, ConditionKeyInfo, suggest_condition_key
from connect_iam.diagnostics import Finding, FindingType
from connect_iam.model.context import parse_bool, parse_instant, parse_ip_network, parse_numeric
from connect_iam.model.operators import OperatorFamily, SetQualifier
from connect_iam.model.policy import ConditionClause, Statement
from connect_iam.model.variables import parse_template
from connect_iam.validator.base import CheckContext, names

#: Operator families each catalog key type accepts (IAM: condition operators by data type).
_ACCEPTS = {
    "String": {OperatorFamily.STRING, OperatorFamily.ARN},
    "ARN": {OperatorFamily.ARN, OperatorFamily.STRING},
    "Bool": {OperatorFamily.BOOL, OperatorFamily.STRING},
    "Numeric": {OperatorFamily.NUMERIC},
    "Date": {OperatorFamily.DATE, OperatorFamily.NUMERIC},
    "IPAddress": {OperatorFamily.IP},
    "Binary": {OperatorFamily.BINARY},
}
#: Global keys every request may carry, whatever the action (no per-action support to check).
_PER_ACTION_GLOBAL = ("aws:resourcetag/", "aws:requesttag/", "aws:tagkeys")
_VALUE_CODES = {
    OperatorFamily.NUMERIC: ("TYPE_MISMATCH_NUMBER", FindingType.WARNING, "a number"),
    OperatorFamily.DATE: ("TYPE_MISMATCH_DATE", FindingType.WARNING, "an ISO 8601 date or epoch"),
    OperatorFamily.BOOL: ("TYPE_MISMATCH_BOOLEAN", FindingType.WARNING, "`true` or `false`"),
    OperatorFamily.NULL: ("TYPE_MISMATCH_BOOLEAN", FindingType.WARNING, "`true` or `false`"),
    OperatorFamily.IP: ("TYPE_MISMATCH_IP_RANGE", FindingType.ERROR, "an IP address or CIDR"),
}


def _scalar(key_type: str) -> str:
    return key_type.removeprefix("ArrayOf")


class ConditionsCheck:
    """Every condition clause of every statement."""

    name = "conditions"

    def run(self, context: CheckContext) -> Iterator[Finding]:
        for statement in context.statements:
            seen: dict[tuple[str, str], ConditionClause] = {}
            for clause in statement.conditions:
                lowered = (clause.operator_text, clause.key.lower())
                first = seen.setdefault(lowered, clause)
                if first is not clause and first.key != clause.key:
                    yield context.finding(
                        "DUPLICATE_KEYS_WITH_DIFFERENT_CASE",
                        FindingType.ERROR,
                        f"`{clause.key}` and `{first.key}` are the same key (key names are "
                        f"case-insensitive) under `{clause.operator_text}`",
                        clause.key_span,
                        suggestion="merge their values under one spelling",
                    )
                yield from self.clause(context, statement, clause)

    def clause(
        self, context: CheckContext, statement: Statement, clause: ConditionClause
    ) -> Iterator[Finding]:
        operator = clause.operator
        if operator is None:
            return  # INVALID_CONDITION_OPERATOR, from the parser
        family = operator.base.family
        if family is OperatorFamily.NULL and operator.if_exists:
            yield context.finding(
                "NULL_WITH_IF_EXISTS",
                FindingType.ERROR,
                f"`{clause.operator_text}`: the `Null` operator cannot take `IfExists`",
                clause.operator_span,
                suggestion="use `Null`",
            )
        if family is OperatorFamily.NULL and operator.qualifier is not SetQualifier.NONE:
            always = "true" if operator.qualifier is SetQualifier.FOR_ALL_VALUES else "false"
            yield context.finding(
                "NULL_WITH_QUALIFIER",
                FindingType.SUGGESTION,
                f"`{clause.operator_text}` is always {always}: `Null` takes no set qualifier",
                clause.operator_span,
                suggestion="use `Null`",
            )
        info = yield from self.key(context, clause)
        yield from self.values(context, clause, family)
        if info is None:
            return
        if family not in (OperatorFamily.NULL,):
            accepted = _ACCEPTS.get(_scalar(info.type))
            if accepted is not None and family not in accepted:
                yield context.finding(
                    "TYPE_MISMATCH",
                    FindingType.WARNING,
                    f"`{clause.key}` is of type {info.type}, which `{clause.operator_text}` "
                    "does not compare",
                    clause.operator_span,
                    suggestion=f"use a {_family_hint(info.type)} operator",
                )
        yield from self.qualifier(context, clause, info)
        yield from self.support(context, statement, clause, info)

    def key(
        self, context: CheckContext, clause: ConditionClause
    ) -> Generator[Finding, None, ConditionKeyInfo | None]:
        """Findings about the key itself; returns what the catalog knows about it."""
        info = context.catalog.condition_key(clause.key)
        prefix, colon, _ = clause.key.partition(":")
        if info is not None:
            if info.deprecated:
                yield context.finding(
                    "DEPRECATED_GLOBAL_CONDITION_KEY",
                    FindingType.WARNING,
                    f"the condition key `{clause.key}` is deprecated",
                    clause.key_span,
                )
            return info
        if not colon or not prefix:
            yield context.finding(
                "INVALID_CONDITION_KEY_FORMAT",
                FindingType.ERROR,
                f"`{clause.key}` is not a condition key: use `service:KeyName`",
                clause.key_span,
            )
            return None
        if "." in prefix or prefix.lower() in ("saml", "oidc"):
            return None  # identity-provider keys (saml:, oidc, web identity): not in the catalog
        hint = context.did_you_mean(suggest_condition_key, clause.key)
        global_key = prefix.lower() == "aws"
        yield context.finding(
            "INVALID_GLOBAL_CONDITION_KEY" if global_key else "INVALID_SERVICE_CONDITION_KEY",
            FindingType.ERROR,
            f"the condition key `{clause.key}` does not exist"
            + ("" if global_key else f" in the `{prefix.lower()}` service"),
            clause.key_span,
            suggestion=f"did you mean `{hint}`?" if hint else None,
        )
        return None

    def values(
        self, context: CheckContext, clause: ConditionClause, family: OperatorFamily
    ) -> Iterator[Finding]:
        operator = clause.operator
        assert operator is not None
        substitutes = context.policy is not None and context.policy.substitutes_variables
        bools: set[str] = set()
        for value, span in zip(clause.values, clause.value_spans, strict=False):
            if substitutes and parse_template(value).has_variables:
                continue  # document.py reports variables under the wrong operator
            if family in _VALUE_CODES:
                code, finding_type, expected = _VALUE_CODES[family]
                if not _parses(family, value):
                    yield context.finding(
                        code,
                        finding_type,
                        f"`{value}` is not {expected}, as `{clause.operator_text}` needs",
                        span,
                    )
                    continue
            if family in (OperatorFamily.BOOL, OperatorFamily.NULL):
                bools.add(value.lower())
            if family is OperatorFamily.ARN and value != "*" and not value.startswith("arn:"):
                yield context.finding(
                    "TYPE_MISMATCH_ARN",
                    FindingType.WARNING,
                    f"`{value}` is not an ARN, so `{clause.operator_text}` never matches it",
                    span,
                    suggestion="use `arn:partition:service:region:account:resource`, or a "
                    "String operator",
                )
            if (
                family is OperatorFamily.STRING
                and not operator.base.supports_wildcards
                and ("*" in value or "?" in value)
            ):
                yield context.finding(
                    "WILDCARD_WITHOUT_LIKE_OPERATOR",
                    FindingType.WARNING,
                    f"`{value}` holds a wildcard, but `{clause.operator_text}` compares it "
                    "literally",
                    span,
                    suggestion="use `StringLike`",
                )
        if len(bools) > 1 and family is OperatorFamily.BOOL and clause.value_spans:
            yield context.finding(
                "INVALID_CONDITION_MULTIPLE_BOOLEAN",
                FindingType.ERROR,
                f"`{clause.key}` is compared with both `true` and `false`, which always matches",
                clause.key_span,
                suggestion="remove the condition, or keep one value",
            )

    def qualifier(
        self, context: CheckContext, clause: ConditionClause, info: ConditionKeyInfo
    ) -> Iterator[Finding]:
        operator = clause.operator
        assert operator is not None
        if operator.base.family is OperatorFamily.NULL:
            return
        if info.is_multivalued and operator.qualifier is SetQualifier.NONE:
            yield context.finding(
                "MISSING_QUALIFIER",
                FindingType.ERROR,
                f"`{clause.key}` is multivalued, so `{clause.operator_text}` needs "
                "`ForAllValues:` or `ForAnyValue:`",
                clause.operator_span,
                suggestion=f"use `ForAnyValue:{clause.operator_text}` or "
                f"`ForAllValues:{clause.operator_text}`",
            )
        elif not info.is_multivalued and operator.qualifier is SetQualifier.FOR_ALL_VALUES:
            yield context.finding(
                "FORALLVALUES_WITH_SINGLE_VALUED_KEY",
                FindingType.SECURITY_WARNING,
                f"`{clause.key}` is single-valued: `ForAllValues:` is also true when the key "
                "is missing, which can allow more than you mean",
                clause.operator_span,
                suggestion=f"use `{operator.base.value}` without a qualifier",
            )
        elif not info.is_multivalued and operator.qualifier is SetQualifier.FOR_ANY_VALUE:
            yield context.finding(
                "FORANYVALUE_WITH_SINGLE_VALUED_KEY",
                FindingType.WARNING,
                f"`{clause.key}` is single-valued: `ForAnyValue:` adds nothing",
                clause.operator_span,
                suggestion=f"use `{operator.base.value}` without a qualifier",
            )

    def support(
        self,
        context: CheckContext,
        statement: Statement,
        clause: ConditionClause,
        info: ConditionKeyInfo,
    ) -> Iterator[Finding]:
        """A service key (or tag key) that no action of the statement supports."""
        canonical = info.key.lower()
        if info.service == "aws" and not canonical.startswith(_PER_ACTION_GLOBAL):
            return
        if statement.not_action or not statement.actions:
            return
        actions: list[ActionInfo] = []
        for action in statement.actions:
            if action.text == "*" or "*" in action.service or "?" in action.service:
                return
            actions.extend(context.expand(action.text))
        if not actions or any(_supports(context, a, canonical) for a in actions):
            return
        if info.service != "aws" and info.service not in {a.service for a in actions}:
            # Another service's key (`lambda:SourceFunctionArn`, `glue:RoleAssumedBy`) is set on
            # requests that service makes with the caller's credentials, whatever the action:
            # the catalog cannot tell us it is absent.
            return
        action_names = [a.qualified_name for a in actions]
        yield context.finding(
            "UNSUPPORTED_ACTION_FOR_CONDITION_KEY",
            FindingType.ERROR,
            f"no action of the statement supports `{clause.key}` "
            f"({names(action_names, 5)}), so the condition never matches a request",
            clause.key_span,
        )


def _supports(context: CheckContext, action: ActionInfo, canonical: str) -> bool:
    """Does the action list the key? A templated key (`.../${TagKey}`) is listed by any key of
    its family: the data sometimes uses a sample name (`secretsmanager:ResourceTag/tag-key`)."""
    family = canonical.split("${", 1)[0] if "${" in canonical else None
    keys = [*action.condition_keys]
    for resource in action.resource_types:
        keys.extend(resource.condition_keys)
    for info in context.types_of(action):
        keys.extend(info.condition_keys)
    for key in keys:
        lowered = key.lower()
        if lowered == canonical or (family is not None and lowered.startswith(family)):
            return True
    return False


def _parses(family: OperatorFamily, value: str) -> bool:
    match family:
        case OperatorFamily.NUMERIC:
            return parse_numeric(value) is not None
        case OperatorFamily.DATE:
            return parse_instant(value) is not None
        case OperatorFamily.BOOL | OperatorFamily.NULL:
            return parse_bool(value) is not None
        case OperatorFamily.IP:
            return parse_ip_network(value) is not None
        case _:
            return True


def _family_hint(key_type: str) -> str:
    return {
        "String": "String",
        "ARN": "Arn",
        "Bool": "Bool",
        "Numeric": "Numeric",
        "Date": "Date",
        "IPAddress": "IpAddress",
        "Binary": "BinaryEquals",
    }.get(_scalar(key_type), "matching")
