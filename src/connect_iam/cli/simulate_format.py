"""Human and plain renderings of simulation results; JSON is boto3's response, printed as is.

`human` shows each deciding statement like a compiler error: `file:line:col: Deny statement 1`
then the statement's source lines, because the question a policy author asks after "denied?" is
"by which lines?". `plain` says the same in sentences without gutters or alignment, for screen
readers and for logs that strip leading whitespace.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from connect_iam.cli.render import excerpt, location
from connect_iam.model.decision import ActionResult, EvalDecision, MatchedStatement, PolicyRole
from connect_iam.source import SourceText

EXCERPT_LINES = 8

_TITLE = {
    EvalDecision.ALLOWED: "ALLOWED",
    EvalDecision.EXPLICIT_DENY: "EXPLICIT DENY",
    EvalDecision.IMPLICIT_DENY: "IMPLICIT DENY",
}
_WORDS = {
    EvalDecision.ALLOWED: "allowed",
    EvalDecision.EXPLICIT_DENY: "explicit deny",
    EvalDecision.IMPLICIT_DENY: "implicit deny",
}


def _label(matched: MatchedStatement) -> str:
    """`Deny statement 1 (`Sid`)`, plus the policy's role when it is not an identity policy."""
    text = f"{matched.effect.value} {matched.statement.label}"
    if matched.role is not PolicyRole.IDENTITY:
        text += f" [{matched.role.value}]"
    return text


def _unique(statements: Sequence[MatchedStatement]) -> list[MatchedStatement]:
    seen: dict[tuple[str, int], MatchedStatement] = {}
    for matched in statements:
        seen.setdefault((matched.policy_id, matched.statement.index), matched)
    return list(seen.values())


def human(results: Sequence[ActionResult], sources: Mapping[str, SourceText]) -> str:
    """Per action its decision; per resource the decision, why, and the deciding source lines."""
    out: list[str] = []
    for result in results:
        out.append(f"{result.action}  {_TITLE[result.decision]}")
        for resource in result.resources:
            out.append(f"  {resource.resource}")
            out.append(f"    {_TITLE[resource.decision]}: {resource.reason}")
            for matched in _unique(resource.deciding):
                source = sources.get(matched.policy_id)
                span = matched.statement.span
                if source is None or span is None:
                    out.append(f"    {matched.policy_id}: {_label(matched)}")
                    continue
                out.append(f"    {location(source, span)}: {_label(matched)}")
                block = excerpt(source, span, max_lines=EXCERPT_LINES)
                out.extend(f"      {line}" for line in block.splitlines())
            if resource.missing_context:
                out.append("    missing context values: " + ", ".join(resource.missing_context))
        for warning in result.warnings:
            out.append(f"  warning: {warning}")
        out.append("")
    return "\n".join(out)


def plain(results: Sequence[ActionResult], sources: Mapping[str, SourceText]) -> str:
    """The same facts as `human`, as one sentence per line, with no source excerpts."""
    out: list[str] = []
    for result in results:
        out.append(f"Action {result.action}: {_WORDS[result.decision]}.")
        for resource in result.resources:
            out.append(
                f"Resource {resource.resource}: {_WORDS[resource.decision]}, because "
                f"{resource.reason}."
            )
            for matched in _unique(resource.deciding):
                source = sources.get(matched.policy_id)
                span = matched.statement.span
                where = source.name if source is not None else matched.policy_id
                if span is not None:
                    where += f", line {span.start.line}, column {span.start.column + 1}"
                out.append(f"Decided by {_label(matched)} in {where}.")
            if resource.missing_context:
                out.append("Missing context values: " + ", ".join(resource.missing_context) + ".")
        for warning in result.warnings:
            out.append(f"Warning: {warning}.")
    return "\n".join(out) + "\n"
