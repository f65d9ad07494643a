"""`connect-iam check-no-new-access`, `check-access-not-granted`, `check-no-public-access`:
IAM Access Analyzer's custom policy checks, offline (docs/analysis.md).

Exit codes: 0 PASS, 1 FAIL (or an input error: unreadable file, invalid policy), 2 usage error,
3 UNKNOWN (the policies leave the exactly analyzed fragment; the message says why).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

EXIT_PASS = 0
EXIT_FAIL = 1
EXIT_USAGE = 2
EXIT_UNKNOWN = 3

_POLICY_TYPES = {"identity": "IDENTITY_POLICY", "resource": "RESOURCE_POLICY"}


def _common(parser: argparse.ArgumentParser, *, policy_type: bool = True) -> None:
    parser.add_argument("--format", choices=("human", "json"), default="human")
    if policy_type:
        parser.add_argument("--policy-type", choices=tuple(_POLICY_TYPES), default="identity")
    parser.add_argument(
        "--max-examples", type=int, default=10, help="at most this many example requests"
    )


def register(subparsers: Any) -> None:
    new = subparsers.add_parser(
        "check-no-new-access",
        help="prove that NEW grants nothing EXISTING does not (CheckNoNewAccess)",
        description="PASS when no request is allowed by the new policy and denied by the "
        "existing one; FAIL lists confirmed example requests. Repeat --existing/--new to "
        "compare policy sets.",
    )
    new.add_argument("--existing", action="append", required=True, metavar="OLD")
    new.add_argument("--new", action="append", required=True, metavar="NEW")
    _common(new)
    new.set_defaults(run=run, check="no-new-access")

    granted = subparsers.add_parser(
        "check-access-not-granted",
        help="prove that POLICY never allows the listed actions/resources (CheckAccessNotGranted)",
    )
    granted.add_argument("policy", metavar="POLICY")
    granted.add_argument("--action", action="append", default=[], metavar="A")
    granted.add_argument("--resource", action="append", default=[], metavar="R")
    _common(granted)
    granted.set_defaults(run=run, check="access-not-granted")

    public = subparsers.add_parser(
        "check-no-public-access",
        help="prove that a resource policy grants no public access (CheckNoPublicAccess)",
    )
    public.add_argument("policy", metavar="POLICY")
    public.add_argument(
        "--resource-type", required=True, metavar="TYPE", help="an AccessCheckResourceType"
    )
    _common(public, policy_type=False)
    public.set_defaults(run=run, check="no-public-access")


def read_policy(path: str) -> str:
    from connect_iam.errors import RequestError

    try:
        if path == "-":
            return sys.stdin.read()
        return Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise RequestError(f"cannot read policy file `{path}`: {exc}") from None


def run(args: argparse.Namespace) -> int:
    from connect_iam.analyzer.checks import (
        check_access_not_granted,
        check_no_new_access,
        check_no_public_access,
    )

    if args.max_examples < 0:
        sys.stderr.write("connect-iam: error: --max-examples must be >= 0\n")
        return EXIT_USAGE
    if args.check == "no-new-access":
        result = check_no_new_access(
            [read_policy(p) for p in args.new],
            [read_policy(p) for p in args.existing],
            _POLICY_TYPES[args.policy_type],
            max_examples=args.max_examples,
        )
    elif args.check == "access-not-granted":
        if not args.action and not args.resource:
            sys.stderr.write("connect-iam: error: give at least one --action or --resource\n")
            return EXIT_USAGE
        access = [{"actions": args.action, "resources": args.resource}]
        result = check_access_not_granted(
            read_policy(args.policy),
            access,
            _POLICY_TYPES[args.policy_type],
            max_examples=args.max_examples,
        )
    else:
        result = check_no_public_access(
            read_policy(args.policy), args.resource_type, max_examples=args.max_examples
        )
    if args.format == "json":
        sys.stdout.write(json.dumps(result, indent=2) + "\n")
    else:
        sys.stdout.write(render_human(result))
    return {"PASS": EXIT_PASS, "FAIL": EXIT_FAIL}.get(result["result"], EXIT_UNKNOWN)


def render_human(result: dict[str, Any]) -> str:
    lines = [f"{result['result']}: {result['message']}"]
    for reason in result.get("reasons", []):
        where = ""
        if "statementIndex" in reason:
            where = f" [statement {reason['statementIndex']}"
            if "statementId" in reason:
                where += f" `{reason['statementId']}`"
            if "policyIndex" in reason:
                where += f" of policy {reason['policyIndex']}"
            where += "]"
        lines.append(f"  - {reason['description']}{where}")
    examples = result.get("examples", [])
    if examples:
        lines.append("  example requests (confirmed by the simulator):")
    for example in examples:
        lines.append(f"    {example['action']} on {example['resource']}")
        for entry in example["contextEntries"]:
            values = ", ".join(entry["ContextKeyValues"])
            lines.append(
                f"        {entry['ContextKeyName']} = [{values}] ({entry['ContextKeyType']})"
            )
    return "\n".join(lines) + "\n"
