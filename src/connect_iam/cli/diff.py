"""`connect-iam diff OLD NEW`: the access a policy change gains and loses, as a table.

One row per action class (actions that every statement treats alike), with the Resource patterns
and Conditions of the granting statements and one example request confirmed by the simulator.
Exit codes: 0 no change, 1 access changed (or an input error), 2 usage error, 3 UNKNOWN.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

_POLICY_TYPES = {"identity": "IDENTITY_POLICY", "resource": "RESOURCE_POLICY"}


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "diff",
        help="table of access gained and lost between two policies",
        description="Exact difference in access between OLD and NEW, with example requests.",
    )
    parser.add_argument("old", metavar="OLD")
    parser.add_argument("new", metavar="NEW")
    parser.add_argument("--format", choices=("human", "json"), default="human")
    parser.add_argument("--policy-type", choices=tuple(_POLICY_TYPES), default="identity")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from connect_iam.analyzer.diff import diff_policies
    from connect_iam.cli.check import read_policy

    result = diff_policies(
        [read_policy(args.old)], [read_policy(args.new)], _POLICY_TYPES[args.policy_type]
    )
    if args.format == "json":
        sys.stdout.write(json.dumps(result, indent=2) + "\n")
    else:
        sys.stdout.write(render_human(result))
    return {"SAME": 0, "CHANGED": 1}.get(result["result"], 3)


def _table(rows: list[dict[str, Any]]) -> list[str]:
    header = ("actions", "resources", "conditions", "example request")
    body = []
    for row in rows:
        actions = ", ".join(row["actions"])
        if row["catalogActions"] and row["catalogActions"] > len(row["actions"]):
            actions += f" (+{row['catalogActions'] - len(row['actions'])} more)"
        example = row["example"]
        request = f"{example['action']} on {example['resource']}"
        for entry in example["contextEntries"]:
            request += f" with {entry['ContextKeyName']}={','.join(entry['ContextKeyValues'])}"
        body.append(
            (actions, "; ".join(row["resources"]), "; ".join(row["conditions"]) or "-", request)
        )
    widths = [min(60, max([len(h)] + [len(r[i]) for r in body])) for i, h in enumerate(header)]
    widths[-1] = 0
    lines = ["  " + "  ".join(h.ljust(w) for h, w in zip(header, widths, strict=True)).rstrip()]
    for r in body:
        lines.append("  " + "  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip())
    return lines


def render_human(result: dict[str, Any]) -> str:
    if result["result"] == "UNKNOWN":
        return f"UNKNOWN: {result['reason']}\n"
    if result["result"] == "SAME":
        return "no change in access\n"
    lines: list[str] = []
    for name, title in (("gained", "access gained"), ("lost", "access lost")):
        rows = result[name]
        lines.append(f"{title}: {len(rows) or 'none'}")
        if rows:
            lines.extend(_table(rows))
    return "\n".join(lines) + "\n"
