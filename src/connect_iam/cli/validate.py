"""`connect-iam validate PATH...`: Access Analyzer-style findings for policy files, offline.

Exit codes: 0 no finding at or above `--fail-on`, 1 some finding is, 2 usage error (bad option, or
no input file at all). Unreadable or undecodable inputs are reported per file, as a finding in the
output, and the other files are still validated.
"""

from __future__ import annotations

import argparse
import glob
import json
import os
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from connect_iam.diagnostics import Finding, FindingType

EXIT_OK = 0
EXIT_FINDINGS = 1
EXIT_USAGE = 2

POLICY_TYPES = {
    "identity": "IDENTITY_POLICY",
    "resource": "RESOURCE_POLICY",
    "scp": "SERVICE_CONTROL_POLICY",
    "rcp": "RESOURCE_CONTROL_POLICY",
}
FAIL_ON = {
    "error": FindingType.ERROR,
    "security-warning": FindingType.SECURITY_WARNING,
    "warning": FindingType.WARNING,
    "suggestion": FindingType.SUGGESTION,
}
MAX_BYTES = 10 * 1024 * 1024  # larger than any policy AWS accepts (131,072 characters)
SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
INFORMATION_URI = "https://github.com/connect-iam/connect-iam"
_SARIF_LEVEL = {
    FindingType.ERROR: "error",
    FindingType.SECURITY_WARNING: "warning",
    FindingType.WARNING: "warning",
    FindingType.SUGGESTION: "note",
}


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "validate",
        help="check policy files like IAM Access Analyzer, offline, with Connect-specific checks",
        description="Validate IAM policy documents offline. PATH may be a file, a folder "
        "(every *.json below it), a glob, or - for standard input.",
    )
    parser.add_argument("paths", nargs="+", metavar="PATH", help="policy files, folders, globs, -")
    parser.add_argument(
        "--policy-type", choices=tuple(POLICY_TYPES), default="identity", help="default: identity"
    )
    parser.add_argument(
        "--format", choices=("human", "json", "sarif"), default="human", help="default: human"
    )
    parser.add_argument(
        "--fail-on",
        choices=tuple(FAIL_ON),
        default="security-warning",
        help="exit 1 when a finding is this severe or more (default: security-warning)",
    )
    parser.set_defaults(run=run)


@dataclass(frozen=True, slots=True)
class _Input:
    name: str
    text: str | None  # None when the input could not be read
    problem: str | None = None


def run(args: argparse.Namespace) -> int:
    from connect_iam.model.policy import PolicyType
    from connect_iam.validator import validate
    from connect_iam.validator.base import own_link

    inputs, usage_errors = _collect(args.paths)
    for message in usage_errors:
        sys.stderr.write(f"connect-iam validate: {message}\n")
    if not inputs:
        sys.stderr.write("connect-iam validate: no policy file to validate\n")
        return EXIT_USAGE
    policy_type = PolicyType(POLICY_TYPES[args.policy_type])
    threshold = FAIL_ON[args.fail_on].rank
    results: list[tuple[_Input, tuple[Finding, ...], Any]] = []
    for item in inputs:
        if item.text is None:
            finding = Finding(
                issue_code="UNREADABLE_INPUT",
                finding_type=FindingType.ERROR,
                message=item.problem or "the file cannot be read",
                link=own_link("UNREADABLE_INPUT"),
            )
            results.append((item, (finding,), None))
            continue
        report = validate(item.text, name=item.name, policy_type=policy_type)
        results.append((item, report.findings, report.source))
    out = sys.stdout
    if args.format == "json":
        payload = [
            {"file": item.name, "findings": [f.to_access_analyzer() for f in findings]}
            for item, findings, _ in results
        ]
        out.write(json.dumps(payload, indent=2) + "\n")
    elif args.format == "sarif":
        out.write(json.dumps(sarif(results), indent=2) + "\n")
    else:
        out.write(_human(results))
    failing = any(f.finding_type.rank <= threshold for _, fs, _ in results for f in fs)
    return EXIT_FINDINGS if failing else EXIT_OK


# -- inputs -------------------------------------------------------------------------------------


def _collect(paths: list[str]) -> tuple[list[_Input], list[str]]:
    inputs: list[_Input] = []
    errors: list[str] = []
    seen: set[str] = set()
    for raw in paths:
        for name in _expand(raw, errors):
            if name in seen:
                continue
            seen.add(name)
            inputs.append(_read(name))
    return inputs, errors


def _expand(raw: str, errors: list[str]) -> Iterator[str]:
    if raw == "-":
        yield "-"
        return
    if os.path.isdir(raw):
        found = sorted(
            os.path.join(root, file)
            for root, _, files in os.walk(raw)
            for file in files
            if file.endswith(".json")
        )
        if not found:
            errors.append(f"{raw}: no *.json file in this folder")
        yield from found
        return
    if os.path.exists(raw) or os.path.islink(raw):
        yield raw
        return
    if glob.has_magic(raw):
        matches = sorted(glob.glob(raw, recursive=True))
        if not matches:
            errors.append(f"{raw}: no file matches this pattern")
        for match in matches:
            yield from _expand(match, errors) if os.path.isdir(match) else iter((match,))
        return
    yield raw  # reported as unreadable, so the other files still run


def _read(name: str) -> _Input:
    if name == "-":
        data = (
            sys.stdin.buffer.read(MAX_BYTES + 1)
            if hasattr(sys.stdin, "buffer")
            else (sys.stdin.read(MAX_BYTES + 1).encode("utf-8"))
        )
        return _decode("<stdin>", data)
    try:
        with open(name, "rb") as handle:
            data = handle.read(MAX_BYTES + 1)
    except FileNotFoundError:
        return _Input(name, None, "the file does not exist")
    except IsADirectoryError:
        return _Input(name, None, "this is a folder, not a file")
    except PermissionError:
        return _Input(name, None, "permission denied: the file cannot be read")
    except OSError as error:
        return _Input(name, None, f"the file cannot be read: {error.strerror or error}")
    return _decode(name, data)


def _decode(name: str, data: bytes) -> _Input:
    if len(data) > MAX_BYTES:
        return _Input(
            name,
            None,
            f"the file is larger than {MAX_BYTES // (1024 * 1024)} MB; IAM accepts policies of "
            "at most 131,072 characters",
        )
    if b"\x00" in data[:8192]:
        return _Input(name, None, "this is a binary file, not a JSON policy")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        return _Input(
            name, None, f"the file is not UTF-8 text (byte {error.start}): not a JSON policy"
        )
    if not text.strip():
        return _Input(name, None, "the file is empty: a policy is a JSON object")
    return _Input(name, text)


# -- human --------------------------------------------------------------------------------------


def _human(results: list[tuple[_Input, tuple[Finding, ...], Any]]) -> str:
    from connect_iam.cli.render import excerpt

    lines: list[str] = []
    counts = {kind: 0 for kind in FindingType}
    for item, findings, source in results:
        for finding in findings:
            counts[finding.finding_type] += 1
            if finding.span is None or source is None:
                lines.append(
                    f"{item.name}: {finding.finding_type.value} {finding.issue_code} "
                    f"{finding.message}"
                )
            else:
                start = finding.span.start
                lines.append(
                    f"{item.name}:{start.line}:{start.column + 1}: {finding.finding_type.value} "
                    f"{finding.issue_code} {finding.message}"
                )
                lines.append(excerpt(source, finding.span))
            if finding.suggestion:
                lines.append(f"  = help: {finding.suggestion}")
            lines.append("")
    total = sum(counts.values())
    files = len(results)
    summary = ", ".join(
        f"{count} {kind.value.lower().replace('_', ' ')}{'' if count == 1 else 's'}"
        for kind, count in counts.items()
        if count
    )
    file_word = "file" if files == 1 else "files"
    if total:
        lines.append(f"{files} {file_word} checked: {summary}")
    else:
        lines.append(f"{files} {file_word} checked: no findings")
    return "\n".join(lines) + "\n"


# -- SARIF --------------------------------------------------------------------------------------


def sarif(results: list[tuple[_Input, tuple[Finding, ...], Any]]) -> dict[str, object]:
    """A SARIF 2.1.0 log that GitHub code scanning accepts: one run, a rule per issue code."""
    from connect_iam import __version__

    rules: dict[str, dict[str, object]] = {}
    sarif_results: list[dict[str, object]] = []
    for item, findings, _source in results:
        uri = item.name.replace(os.sep, "/").removeprefix("./")
        for finding in findings:
            if finding.issue_code not in rules:
                rules[finding.issue_code] = {
                    "id": finding.issue_code,
                    "name": _camel(finding.issue_code),
                    "shortDescription": {"text": finding.issue_code.replace("_", " ").lower()},
                    "helpUri": finding.learn_more_link,
                    "help": {"text": f"See {finding.learn_more_link}"},
                    "defaultConfiguration": {"level": _SARIF_LEVEL[finding.finding_type]},
                    "properties": {"tags": ["iam", finding.finding_type.value.lower()]},
                }
            message = finding.message
            if finding.suggestion:
                message = f"{message}; {finding.suggestion}"
            region: dict[str, int] = {"startLine": 1, "startColumn": 1}
            if finding.span is not None:
                end = finding.span.end
                start = finding.span.start
                end_column = end.column + 1
                if (end.line, end_column) <= (start.line, start.column + 1):
                    end_column = start.column + 2
                region = {
                    "startLine": start.line,
                    "startColumn": start.column + 1,
                    "endLine": max(end.line, start.line),
                    "endColumn": end_column,
                }
            sarif_results.append(
                {
                    "ruleId": finding.issue_code,
                    "ruleIndex": list(rules).index(finding.issue_code),
                    "level": _SARIF_LEVEL[finding.finding_type],
                    "message": {"text": message},
                    "locations": [
                        {
                            "physicalLocation": {
                                "artifactLocation": {"uri": uri if uri != "-" else "stdin"},
                                "region": region,
                            }
                        }
                    ],
                    "properties": {"findingType": finding.finding_type.value},
                }
            )
    return {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "connect-iam",
                        "version": __version__,
                        "informationUri": INFORMATION_URI,
                        "rules": list(rules.values()),
                    }
                },
                "results": sarif_results,
            }
        ],
    }


def _camel(code: str) -> str:
    return "".join(part.capitalize() for part in code.split("_"))
