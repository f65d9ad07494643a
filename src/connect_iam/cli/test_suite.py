"""`connect-iam test SUITE.yaml`: policy tests as code.

A suite names policies and lists cases (a request and the decision it must get); docs/test-suites.md
is the schema. The command prints a table (case, expected, actual, ok), exits 1 on any mismatch and
0 otherwise, and can write JUnit XML for CI. A malformed suite is an input error (exit 1) whose
message carries the YAML position, because a suite is code and its errors should read like a
compiler's. The module is not called `test.py` so pytest never collects it.
"""

from __future__ import annotations

import argparse
import difflib
import json
import os
import sys
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from connect_iam.errors import ConnectIamError

if TYPE_CHECKING:
    import yaml

    from connect_iam.cli.simulate import PolicySetCache

EXIT_OK = 0
EXIT_FAILED = 1

DECISIONS = ("allowed", "explicitDeny", "implicitDeny")
POLICY_KINDS = {
    "identity": "PolicyInputList",
    "boundary": "PermissionsBoundaryPolicyInputList",
    "resource": "ResourcePolicy",
    "session": "SessionPolicyInputList",
    "scp": "OrderedOrganizationPolicyInputList",
    "rcp": "OrderedResourceControlPolicyInputList",
}
POLICY_KEYS = ("file", "text", "type", "note")
CASE_KEYS = (
    "name",
    "policies",
    "action",
    "actions",
    "resource",
    "resources",
    "context",
    "caller_arn",
    "resource_owner",
    "expect",
    "expect_parse_error",
    "expect_error_lines",
    "expect_resources",
    "expect_warning",
    "note",
    "rule",
)
TOP_KEYS = ("policies", "cases", "name", "description")
PARSE_ERROR = "parseError"


class SuiteError(ConnectIamError):
    """A malformed suite; the message starts with `file:line:column:`."""


# -- the suite as values ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class SuitePolicy:
    name: str
    kind: str  # a key of POLICY_KINDS
    text: str
    origin: str  # the file it came from, or `suite.yaml:line` for inline text


@dataclass(frozen=True, slots=True, kw_only=True)
class Case:
    name: str
    line: int
    policies: tuple[SuitePolicy, ...]
    request: Mapping[str, Any]  # ActionNames, ResourceArns, ContextEntries, CallerArn, ...
    expect: str | None
    expect_parse_error: bool = False
    expect_error_lines: tuple[int, ...] = ()
    expect_resources: tuple[tuple[str, str], ...] = ()
    expect_warning: str | None = None
    note: str = ""


@dataclass(frozen=True, slots=True)
class Suite:
    name: str
    path: str
    cases: tuple[Case, ...]


@dataclass(slots=True)
class CaseResult:
    case: Case
    expected: str
    actual: str
    ok: bool
    problems: list[str] = field(default_factory=list)
    seconds: float = 0.0


# -- reading the suite (YAML nodes keep their marks, so every error is positioned) ----------------


class _Reader:
    def __init__(self, path: str) -> None:
        self.path = path
        self.base = os.path.dirname(path) or "."

    def fail(self, node: yaml.Node, message: str) -> SuiteError:
        mark = node.start_mark
        return SuiteError(f"{self.path}:{mark.line + 1}:{mark.column + 1}: {message}")

    def mapping(
        self, node: yaml.Node, what: str, allowed: Sequence[str] | None = None
    ) -> dict[str, tuple[yaml.Node, yaml.Node]]:
        import yaml

        if not isinstance(node, yaml.MappingNode):
            raise self.fail(node, f"{what} must be a mapping")
        out: dict[str, tuple[yaml.Node, yaml.Node]] = {}
        for key, value in node.value:
            if not isinstance(key, yaml.ScalarNode):
                raise self.fail(key, f"{what}: keys must be plain names")
            name = str(key.value)
            if name in out:
                raise self.fail(key, f"{what}: `{name}` is given twice")
            if allowed is not None and name not in allowed:
                hint = difflib.get_close_matches(name, allowed, n=1)
                extra = f"; did you mean `{hint[0]}`?" if hint else ""
                raise self.fail(
                    key, f"{what}: unknown key `{name}` (expected {', '.join(allowed)}){extra}"
                )
            out[name] = (key, value)
        return out

    def string(self, node: yaml.Node, what: str) -> str:
        import yaml

        if not isinstance(node, yaml.ScalarNode) or node.tag == "tag:yaml.org,2002:null":
            raise self.fail(node, f"{what} must be a string")
        return str(node.value)

    def strings(self, node: yaml.Node, what: str) -> list[str]:
        """A string or a list of strings."""
        import yaml

        if isinstance(node, yaml.SequenceNode):
            return [self.string(item, f"{what} item") for item in node.value]
        return [self.string(node, what)]

    def boolean(self, node: yaml.Node, what: str) -> bool:
        import yaml

        if not isinstance(node, yaml.ScalarNode) or node.tag != "tag:yaml.org,2002:bool":
            raise self.fail(node, f"{what} must be true or false")
        return str(node.value).lower() in ("true", "yes", "on")

    def decision(self, node: yaml.Node, what: str) -> str:
        text = self.string(node, what)
        if text not in DECISIONS:
            hint = difflib.get_close_matches(text, DECISIONS, n=1, cutoff=0.5)
            extra = f"; did you mean `{hint[0]}`?" if hint else ""
            raise self.fail(node, f"{what} `{text}` is not one of {', '.join(DECISIONS)}{extra}")
        return text

    # -- sections

    def suite(self, text: str) -> Suite:
        import yaml

        try:
            root = yaml.compose(text, Loader=yaml.SafeLoader)
        except yaml.MarkedYAMLError as error:
            mark = error.problem_mark or error.context_mark
            where = f"{self.path}:{mark.line + 1}:{mark.column + 1}" if mark else self.path
            raise SuiteError(f"{where}: invalid YAML: {error.problem or error}") from None
        except yaml.YAMLError as error:
            raise SuiteError(f"{self.path}: invalid YAML: {error}") from None
        if root is None:
            raise SuiteError(f"{self.path}: the suite is empty; it needs `policies:` and `cases:`")
        top = self.mapping(root, "the suite", TOP_KEYS)
        if "cases" not in top:
            raise self.fail(root, "the suite has no `cases:`")
        policies: dict[str, SuitePolicy] = {}
        if "policies" in top:
            for name, (key, value) in self.mapping(top["policies"][1], "`policies`").items():
                policies[name] = self.policy(name, key, value)
        cases_node = top["cases"][1]
        if not isinstance(cases_node, yaml.SequenceNode) or not cases_node.value:
            raise self.fail(cases_node, "`cases` must be a non-empty list")
        cases = [self.case(node, policies) for node in cases_node.value]
        seen: dict[str, int] = {}
        for case in cases:
            if case.name in seen:
                raise SuiteError(
                    f"{self.path}:{case.line}: case name `{case.name}` is also used on line "
                    f"{seen[case.name]}; names identify cases in reports"
                )
            seen[case.name] = case.line
        name = self.string(top["name"][1], "`name`") if "name" in top else ""
        stem = os.path.splitext(os.path.basename(self.path))[0]
        return Suite(name or stem, self.path, tuple(cases))

    def policy(self, name: str, key: yaml.Node, node: yaml.Node) -> SuitePolicy:
        import yaml

        kind = "identity"
        if isinstance(node, yaml.ScalarNode):
            spec = self.string(node, f"policy `{name}`")
            inline = spec.lstrip().startswith("{")
            text_node: yaml.Node = node
        else:
            fields = self.mapping(node, f"policy `{name}`", POLICY_KEYS)
            if ("file" in fields) == ("text" in fields):
                raise self.fail(node, f"policy `{name}` needs exactly one of `file:` or `text:`")
            inline = "text" in fields
            text_node = fields["text" if inline else "file"][1]
            spec = self.string(text_node, f"policy `{name}`")
            if "type" in fields:
                kind = self.string(fields["type"][1], f"policy `{name}` type")
                if kind not in POLICY_KINDS:
                    raise self.fail(
                        fields["type"][1],
                        f"policy `{name}`: type `{kind}` is not one of {', '.join(POLICY_KINDS)}",
                    )
        if inline:
            line = text_node.start_mark.line + 1
            return SuitePolicy(name, kind, spec, f"{self.path}:{line} (policy `{name}`)")
        path = os.path.normpath(os.path.join(self.base, spec))
        from connect_iam.cli.simulate import InputError, read_policy

        try:
            text = read_policy(path)
        except InputError as error:
            raise self.fail(text_node, f"policy `{name}`: {error}") from None
        return SuitePolicy(name, kind, text, path)

    def case(self, node: yaml.Node, policies: Mapping[str, SuitePolicy]) -> Case:
        fields = self.mapping(node, "a case", CASE_KEYS)
        line = node.start_mark.line + 1
        if "name" not in fields:
            raise self.fail(node, "a case needs a `name:`")
        name = self.string(fields["name"][1], "`name`")
        what = f"case `{name}`"
        if "policies" not in fields:
            raise self.fail(node, f"{what} needs `policies:` (names from the top-level `policies`)")
        chosen: list[SuitePolicy] = []
        for item_name, item in zip(
            self.strings(fields["policies"][1], f"{what} policies"),
            _items(fields["policies"][1]),
            strict=True,
        ):
            if item_name not in policies:
                hint = difflib.get_close_matches(item_name, list(policies), n=1)
                extra = f"; did you mean `{hint[0]}`?" if hint else ""
                raise self.fail(item, f"{what}: no policy named `{item_name}`{extra}")
            chosen.append(policies[item_name])
        request: dict[str, Any] = {}
        if ("action" in fields) == ("actions" in fields):
            raise self.fail(node, f"{what} needs exactly one of `action:` or `actions:`")
        action_node = fields["action" if "action" in fields else "actions"][1]
        request["ActionNames"] = self.strings(action_node, f"{what} action")
        if "resource" in fields and "resources" in fields:
            raise self.fail(node, f"{what}: give `resource:` or `resources:`, not both")
        for key in ("resource", "resources"):
            if key in fields:
                request["ResourceArns"] = self.strings(fields[key][1], f"{what} {key}")
        if "context" in fields:
            request["ContextEntries"] = self.context(fields["context"][1], what)
        if "caller_arn" in fields:
            request["CallerArn"] = self.string(fields["caller_arn"][1], f"{what} caller_arn")
        if "resource_owner" in fields:
            owner = self.string(fields["resource_owner"][1], f"{what} resource_owner")
            request["ResourceOwner"] = owner
        expect = None
        if "expect" in fields:
            expect = self.decision(fields["expect"][1], f"{what}: expect")
        parse_error = False
        if "expect_parse_error" in fields:
            parse_error = self.boolean(
                fields["expect_parse_error"][1], f"{what}: expect_parse_error"
            )
        if (expect is None) == (not parse_error):
            raise self.fail(
                node, f"{what} needs exactly one of `expect:` or `expect_parse_error: true`"
            )
        error_lines: tuple[int, ...] = ()
        if "expect_error_lines" in fields:
            texts = self.strings(fields["expect_error_lines"][1], f"{what}: expect_error_lines")
            if not all(t.isdigit() for t in texts):
                raise self.fail(fields["expect_error_lines"][1], f"{what}: lines must be numbers")
            error_lines = tuple(int(t) for t in texts)
        per_resource: list[tuple[str, str]] = []
        if "expect_resources" in fields:
            for arn, (_, value) in self.mapping(
                fields["expect_resources"][1], f"{what}: expect_resources"
            ).items():
                per_resource.append((arn, self.decision(value, f"{what}: `{arn}`")))
        warning = None
        if "expect_warning" in fields:
            warning = self.string(fields["expect_warning"][1], f"{what}: expect_warning")
        note = self.string(fields["note"][1], f"{what}: note") if "note" in fields else ""
        return Case(
            name=name,
            line=line,
            policies=tuple(chosen),
            request=request,
            expect=expect,
            expect_parse_error=parse_error,
            expect_error_lines=error_lines,
            expect_resources=tuple(per_resource),
            expect_warning=warning,
            note=note,
        )

    def context(self, node: yaml.Node, what: str) -> list[dict[str, Any]]:
        """A map `key: value(s)` (types from the YAML scalars) or boto3's ContextEntries list."""
        import yaml

        if isinstance(node, yaml.SequenceNode):
            constructed = yaml.SafeLoader("").construct_document(node)
            if not isinstance(constructed, list):  # pragma: no cover - a sequence constructs a list
                raise self.fail(node, f"{what}: context must be a map or a ContextEntries list")
            return constructed
        entries: list[dict[str, Any]] = []
        for key, (_, value) in self.mapping(node, f"{what} context").items():
            entries.append(self.context_entry(key, value, what))
        return entries

    def context_entry(self, key: str, node: yaml.Node, what: str) -> dict[str, Any]:
        import yaml

        if isinstance(node, yaml.MappingNode):
            fields = self.mapping(node, f"{what} context `{key}`", ("type", "value", "values"))
            key_type = self.string(fields["type"][1], "type") if "type" in fields else "string"
            if "value" in fields:
                values = [self.string(fields["value"][1], "value")]
            elif "values" in fields:
                values = self.strings(fields["values"][1], "values")
            else:
                raise self.fail(node, f"{what} context `{key}` needs `value:` or `values:`")
            return {"ContextKeyName": key, "ContextKeyValues": values, "ContextKeyType": key_type}
        items = list(node.value) if isinstance(node, yaml.SequenceNode) else [node]
        kinds = {_scalar_type(item) for item in items}
        scalar = kinds.pop() if len(kinds) == 1 else "string"
        values = [self.string(item, f"{what} context `{key}`") for item in items]
        key_type = scalar + "List" if isinstance(node, yaml.SequenceNode) else scalar
        return {"ContextKeyName": key, "ContextKeyValues": values, "ContextKeyType": key_type}


def _items(node: yaml.Node) -> list[yaml.Node]:
    import yaml

    return list(node.value) if isinstance(node, yaml.SequenceNode) else [node]


def _scalar_type(node: yaml.Node) -> str:
    """YAML `true` is a boolean context value, `5` numeric, anything else a string."""
    tag = getattr(node, "tag", "")
    return {
        "tag:yaml.org,2002:bool": "boolean",
        "tag:yaml.org,2002:int": "numeric",
        "tag:yaml.org,2002:float": "numeric",
    }.get(tag, "string")


def load_suite(path: str) -> Suite:
    """Read and check a suite file; every problem is a SuiteError naming its position."""
    from connect_iam.cli.simulate import MAX_INPUT_CHARS, InputError, read_text

    try:
        text = read_text(path, limit=MAX_INPUT_CHARS, what="the suite")
    except InputError as error:
        raise SuiteError(str(error)) from None
    return _Reader(path).suite(text)


# -- running ---------------------------------------------------------------------------------------


def case_params(case: Case) -> dict[str, Any]:
    """A SimulateCustomPolicy request: each SCP or RCP is one organization level, in case order."""
    params: dict[str, Any] = dict(case.request)
    for policy in case.policies:
        name = POLICY_KINDS[policy.kind]
        if policy.kind == "resource":
            params[name] = policy.text
        elif policy.kind == "scp":
            params.setdefault(name, []).append({"ServiceControlPolicyInputList": [policy.text]})
        elif policy.kind == "rcp":
            params.setdefault(name, []).append({"ResourceControlPolicyInputList": [policy.text]})
        else:
            params.setdefault(name, []).append(policy.text)
    params.setdefault("PolicyInputList", [])
    return params


def run_case(case: Case, cache: PolicySetCache) -> CaseResult:
    """Simulate one case and compare every expectation it states."""
    from connect_iam.cli.simulate import evaluate
    from connect_iam.errors import PolicyError

    expected = PARSE_ERROR if case.expect_parse_error else str(case.expect)
    started = time.perf_counter()
    try:
        outcome = evaluate(case_params(case), cache)
    except PolicyError as error:
        result = CaseResult(case, expected, PARSE_ERROR, case.expect_parse_error)
        if not case.expect_parse_error:
            result.problems.append(f"the policies do not parse: {error}")
        lines = sorted({f.span.start.line for f in error.findings if f.span is not None})
        if case.expect_error_lines and tuple(lines) != tuple(sorted(case.expect_error_lines)):
            result.ok = False
            result.problems.append(
                f"errors on lines {', '.join(map(str, lines)) or '(none)'}, expected on lines "
                + ", ".join(map(str, sorted(case.expect_error_lines)))
            )
        result.seconds = time.perf_counter() - started
        return result
    except ConnectIamError as error:
        message = str(error)
        result = CaseResult(case, expected, "requestError", False, [f"the request: {message}"])
        result.seconds = time.perf_counter() - started
        return result
    decisions = [r.decision.value for r in outcome.results]
    actual = ",".join(dict.fromkeys(decisions))
    result = CaseResult(case, expected, actual, True)
    if case.expect_parse_error:
        result.ok = False
        result.problems.append("the policies parsed, but the case expects a parse error")
    for action_result in outcome.results:
        if case.expect is not None and action_result.decision.value != case.expect:
            result.ok = False
            reasons = "; ".join(dict.fromkeys(r.reason for r in action_result.resources))
            result.problems.append(
                f"`{action_result.action}` is {action_result.decision.value} ({reasons})"
            )
        by_arn = {r.resource: r for r in action_result.resources}
        for arn, want in case.expect_resources:
            got = by_arn.get(arn)
            if got is None:
                result.ok = False
                result.problems.append(f"`{arn}` is not a resource of the request")
            elif got.decision.value != want:
                result.ok = False
                result.problems.append(
                    f"`{action_result.action}` on `{arn}` is {got.decision.value}, expected {want}"
                )
    if case.expect_warning is not None:
        warnings = [w for r in outcome.results for w in r.warnings]
        if not any(case.expect_warning in w for w in warnings):
            result.ok = False
            result.problems.append(
                f"no warning contains `{case.expect_warning}` (warnings: "
                + ("; ".join(warnings) or "none")
                + ")"
            )
    result.seconds = time.perf_counter() - started
    return result


def run_suite(suite: Suite) -> list[CaseResult]:
    from connect_iam.cli.simulate import PolicySetCache

    cache = PolicySetCache(256)
    return [run_case(case, cache) for case in suite.cases]


# -- reporting -------------------------------------------------------------------------------------


def table(suite: Suite, results: Sequence[CaseResult]) -> str:
    """Aligned columns case / expected / actual / ok, then every failure's details and a total."""
    rows = [("case", "expected", "actual", "ok")]
    rows += [(r.case.name, r.expected, r.actual, "ok" if r.ok else "FAIL") for r in results]
    widths = [max(len(row[i]) for row in rows) for i in range(3)]
    out = [
        "  ".join(cell.ljust(widths[i]) if i < 3 else cell for i, cell in enumerate(row)).rstrip()
        for row in rows
    ]
    failed = [r for r in results if not r.ok]
    for r in failed:
        out.append("")
        out.append(f"{suite.path}:{r.case.line}: FAIL {r.case.name}")
        out.extend(f"  {problem}" for problem in r.problems)
        if r.case.note:
            out.append(f"  note: {r.case.note}")
    out.append("")
    out.append(_summary(results))
    return "\n".join(out) + "\n"


def plain(suite: Suite, results: Sequence[CaseResult]) -> str:
    """One sentence per case, for screen readers."""
    out = []
    for r in results:
        verdict = "passed" if r.ok else "FAILED"
        line = f"Case {r.case.name}: expected {r.expected}, got {r.actual}, {verdict}."
        if r.problems:
            line += " " + " ".join(p.rstrip(".") + "." for p in r.problems)
        out.append(line)
    out.append(_summary(results) + ".")
    return "\n".join(out) + "\n"


def _summary(results: Sequence[CaseResult]) -> str:
    failed = sum(not r.ok for r in results)
    return f"{len(results)} cases, {len(results) - failed} passed, {failed} failed"


def as_json(suite: Suite, results: Sequence[CaseResult]) -> dict[str, Any]:
    return {
        "suite": suite.name,
        "file": suite.path,
        "cases": [
            {
                "name": r.case.name,
                "line": r.case.line,
                "expected": r.expected,
                "actual": r.actual,
                "ok": r.ok,
                "problems": r.problems,
                "note": r.case.note,
            }
            for r in results
        ],
        "passed": sum(r.ok for r in results),
        "failed": sum(not r.ok for r in results),
    }


def junit_xml(suite: Suite, results: Sequence[CaseResult]) -> bytes:
    """JUnit XML as Jenkins, GitLab and GitHub reporters read it: one testcase per case."""
    import xml.etree.ElementTree as ET

    failures = sum(not r.ok for r in results)
    total = f"{sum(r.seconds for r in results):.6f}"
    root = ET.Element(
        "testsuites", tests=str(len(results)), failures=str(failures), errors="0", time=total
    )
    element = ET.SubElement(
        root,
        "testsuite",
        name=suite.name,
        tests=str(len(results)),
        failures=str(failures),
        errors="0",
        skipped="0",
        time=total,
        timestamp=time.strftime("%Y-%m-%dT%H:%M:%S"),
        file=suite.path,
    )
    for r in results:
        case = ET.SubElement(
            element,
            "testcase",
            classname=suite.name,
            name=r.case.name,
            time=f"{r.seconds:.6f}",
            file=suite.path,
            line=str(r.case.line),
        )
        if not r.ok:
            failure = ET.SubElement(
                case, "failure", message=f"expected {r.expected}, got {r.actual}", type="mismatch"
            )
            failure.text = "\n".join(r.problems + ([f"note: {r.case.note}"] if r.case.note else []))
        if r.case.note:
            ET.SubElement(case, "system-out").text = r.case.note
    ET.indent(root)
    body: bytes = ET.tostring(root, encoding="utf-8", xml_declaration=True)
    return body + b"\n"


# -- the subcommand --------------------------------------------------------------------------------


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add `test`; the YAML reader and the evaluator load only when the command runs."""
    parser = subparsers.add_parser(
        "test",
        help="run a declarative policy test suite (YAML); exit 1 on any mismatch",
        description="Run a policy test suite: named policies and cases with expected decisions "
        "(schema: docs/test-suites.md). Exit codes: 0 every case passed, 1 a case failed or the "
        "suite is malformed, 2 usage error.",
    )
    parser.add_argument("suite", metavar="SUITE.yaml", help="the suite file")
    parser.add_argument("--junit", metavar="FILE", help="also write JUnit XML to FILE")
    parser.add_argument(
        "--format",
        choices=("human", "plain", "json"),
        default="human",
        help="human: a table (default); plain: one sentence per case; json: machine-readable",
    )
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    try:
        suite = load_suite(args.suite)
    except SuiteError as error:
        sys.stderr.write(f"connect-iam: error: {error}\n")
        return EXIT_FAILED
    results = run_suite(suite)
    if args.format == "json":
        sys.stdout.write(json.dumps(as_json(suite, results), indent=2) + "\n")
    elif args.format == "plain":
        sys.stdout.write(plain(suite, results))
    else:
        sys.stdout.write(table(suite, results))
    if args.junit:
        try:
            with open(args.junit, "wb") as handle:
                handle.write(junit_xml(suite, results))
        except OSError as error:
            sys.stderr.write(
                f"connect-iam: error: {args.junit}: cannot write JUnit XML: "
                f"{error.strerror or error}\n"
            )
            return EXIT_FAILED
    return EXIT_OK if all(r.ok for r in results) else EXIT_FAILED
