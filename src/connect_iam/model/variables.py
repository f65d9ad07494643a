"""Policy variables: `${aws:username}`, `${aws:userid, 'anonymous'}` and the escapes `${*}`, `${?}`,
`${$}` (IAM User Guide: Policy variables).

A template is parsed once into parts; substitution is then a join over the request's context.
"""

from __future__ import annotations

from dataclasses import dataclass

ESCAPES = {"*": "*", "?": "?", "$": "$"}


@dataclass(frozen=True, slots=True)
class Literal:
    text: str


@dataclass(frozen=True, slots=True)
class Escape:
    """`${*}`, `${?}` or `${$}`: a character that must match literally, never as a wildcard."""

    text: str


@dataclass(frozen=True, slots=True)
class Variable:
    key: str  # as written; looked up case-insensitively
    default: str | None
    start: int  # offset of `$` in the template, for findings
    end: int


@dataclass(frozen=True, slots=True)
class VariableProblem:
    """A malformed variable: `code` is Access Analyzer's issue code."""

    code: str
    message: str
    start: int
    end: int


Part = Literal | Escape | Variable


@dataclass(frozen=True, slots=True)
class Template:
    parts: tuple[Part, ...]
    problems: tuple[VariableProblem, ...] = ()

    @property
    def has_variables(self) -> bool:
        return any(isinstance(part, Variable) for part in self.parts)

    @property
    def variables(self) -> tuple[Variable, ...]:
        return tuple(part for part in self.parts if isinstance(part, Variable))


def parse_template(text: str) -> Template:
    """Split `text` into literals and variables; malformed `${` sequences stay literal and are
    reported, since AWS rejects them (Access Analyzer: MISSING_BRACE_IN_VARIABLE and friends)."""
    if "${" not in text:
        return Template((Literal(text),))
    parts: list[Part] = []
    problems: list[VariableProblem] = []
    literal: list[str] = []
    i = 0
    while i < len(text):
        start = text.find("${", i)
        if start == -1:
            literal.append(text[i:])
            break
        literal.append(text[i:start])
        close = text.find("}", start + 2)
        if close == -1:
            problems.append(
                VariableProblem(
                    "MISSING_BRACE_IN_VARIABLE",
                    f"the variable at `{text[start:]}` has no closing brace",
                    start,
                    len(text),
                )
            )
            literal.append(text[start:])
            break
        body = text[start + 2 : close]
        outcome = _parse_body(body, start, close + 1)
        if isinstance(outcome, VariableProblem):
            problems.append(outcome)
            literal.append(text[start : close + 1])
        else:
            if literal:
                parts.append(Literal("".join(literal)))
                literal = []
            parts.append(Escape(outcome) if isinstance(outcome, str) else outcome)
        i = close + 1
    if literal and "".join(literal):
        parts.append(Literal("".join(literal)))
    return Template(tuple(parts), tuple(problems))


def _parse_body(body: str, start: int, end: int) -> Variable | VariableProblem | str:
    if body in ESCAPES:
        return ESCAPES[body]
    if body.strip() == "":
        return VariableProblem("EMPTY_VARIABLE", "the variable `${}` is empty", start, end)
    default: str | None = None
    name = body
    if "," in body:
        name, _, rest = body.partition(",")
        rest = rest.strip()
        if len(rest) < 2 or not (rest.startswith("'") and rest.endswith("'")):
            return VariableProblem(
                "MISSING_QUOTE_IN_VARIABLE",
                f"the default value in `${{{body}}}` must be in single quotes",
                start,
                end,
            )
        default = rest[1:-1]
    if name != name.strip() or " " in name:
        return VariableProblem(
            "UNSUPPORTED_SPACE_IN_VARIABLE",
            f"the variable name in `${{{body}}}` contains a space",
            start,
            end,
        )
    if any(ch in name for ch in "${}'\""):
        return VariableProblem(
            "UNSUPPORTED_SYMBOL_IN_VARIABLE",
            f"the variable name in `${{{body}}}` contains an unsupported symbol",
            start,
            end,
        )
    return Variable(name, default, start, end)
