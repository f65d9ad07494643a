"""Time the three checks on seed-sized policies (target < 1 s) and on generated 50-statement
Connect policies (target < 10 s). Run: `.venv/bin/python benchmarks/bench_analyze.py`."""

from __future__ import annotations

import json
import random
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from connect_iam import check_access_not_granted, check_no_new_access, check_no_public_access

POLICIES = Path(__file__).resolve().parents[1] / "examples" / "policies"
ACTIONS = [
    "connect:*",
    "connect:Describe*",
    "connect:List*",
    "connect:UpdateUser*",
    "connect:DeleteUser",
    "connect:StartContactRecording",
    "connect:Get*",
    "profile:*",
    "profile:Search*",
    "app-integrations:Get*",
    "connect:Create*",
    "connect:*Contact*",
]
RESOURCES = [
    "*",
    "arn:aws:connect:us-west-2:111122223333:instance/*",
    "arn:aws:connect:us-west-2:111122223333:instance/*/contact/*",
    "arn:aws:connect:us-west-2:111122223333:instance/*/agent/*",
    "arn:aws:connect:*:*:instance/i-?/queue/*",
    "arn:aws:profile:us-west-2:111122223333:domains/*",
]
CONDITIONS: list[dict[str, Any]] = [
    {},
    {"StringEquals": {"connect:InstanceId": "i-1"}},
    {"Bool": {"aws:SecureTransport": "true"}},
    {"IpAddress": {"aws:SourceIp": "203.0.113.0/24"}},
    {"ForAnyValue:StringEquals": {"aws:TagKeys": ["team"]}},
]


def generated(seed: int, count: int = 50) -> str:
    rng = random.Random(seed)
    statements = []
    for index in range(count):
        statement: dict[str, Any] = {
            "Sid": f"S{index}",
            "Effect": "Deny" if rng.random() < 0.15 else "Allow",
            "Action": rng.sample(ACTIONS, rng.randint(1, 3)),
            "Resource": rng.sample(RESOURCES, rng.randint(1, 2)),
        }
        condition = rng.choice(CONDITIONS)
        if condition:
            statement["Condition"] = condition
        statements.append(statement)
    return json.dumps({"Version": "2012-10-17", "Statement": statements})


def with_variable(policy: str) -> str:
    """One more statement whose Resource holds a policy variable: the resource is then a z3
    string (docs/analysis.md, Encoding 3, fallback) instead of automaton atoms."""
    doc = json.loads(policy)
    doc["Statement"].append(
        {
            "Effect": "Allow",
            "Action": "connect:DescribeUser",
            "Resource": "arn:aws:connect:us-west-2:111122223333:instance/i-1/agent/${aws:username}",
        }
    )
    return json.dumps(doc)


def as_public(policy: str) -> str:
    """The statements as a resource policy granting to everyone."""
    doc = json.loads(policy)
    for statement in doc["Statement"]:
        statement["Principal"] = "*"
    return json.dumps(doc)


def distinct_arns(seed: int) -> str:
    """Stress beyond the target: every statement adds two ARNs of its own (106 patterns)."""
    doc = json.loads(generated(seed))
    instance = "arn:aws:connect:us-west-2:111122223333:instance"
    for index, statement in enumerate(doc["Statement"]):
        statement["Resource"] = [
            *statement["Resource"],
            f"{instance}/i-{seed % 7}{index}/queue/*",
            f"arn:aws:connect:*:111122223333:instance/*/agent/u{index}?",
        ]
    return json.dumps(doc)


def timed(label: str, call: Callable[[], dict[str, Any]], target: float) -> None:
    start = time.perf_counter()
    result = call()
    elapsed = time.perf_counter() - start
    flag = "ok" if elapsed < target else "SLOW"
    print(f"{label:<58} {result['result']:<8} {elapsed:7.3f} s  (target < {target:g} s) {flag}")


def main() -> None:
    import z3  # noqa: F401  (import time is not part of a check)

    from connect_iam.catalog import get_catalog

    get_catalog()
    seed_05 = (POLICIES / "05-allow-all-contact-actions.json").read_text()
    seed_01 = (POLICIES / "01-deny-delete-and-update-users.json").read_text()
    doc = json.loads(seed_05)
    doc["Statement"][0]["Resource"] = [
        doc["Statement"][0]["Resource"],
        "arn:aws:connect:us-west-2:accountID:instance/*/contact-flow/*",
    ]
    wider = json.dumps(doc)
    print("seed-sized policies")
    timed(
        "check_no_new_access 05 + contact-flow vs 05 (FAIL)",
        lambda: check_no_new_access(wider, seed_05),
        1,
    )
    timed(
        "check_no_new_access 05 vs 05 + contact-flow (PASS)",
        lambda: check_no_new_access(seed_05, wider),
        1,
    )
    timed("check_no_new_access 01 vs 05", lambda: check_no_new_access(seed_01, seed_05), 1)
    timed(
        "check_access_not_granted 05 StopContactRecording",
        lambda: check_access_not_granted(seed_05, [{"actions": ["connect:StopContactRecording"]}]),
        1,
    )
    public = json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Effect": "Allow",
                    "Principal": "*",
                    "Action": "sqs:SendMessage",
                    "Resource": "*",
                    "Condition": {"StringEquals": {"aws:SourceAccount": "111122223333"}},
                }
            ],
        }
    )
    timed(
        "check_no_public_access SQS with aws:SourceAccount",
        lambda: check_no_public_access(public, "AWS::SQS::Queue"),
        1,
    )
    print("generated 50-statement Connect policies")
    for seed in range(3):
        a, b = generated(seed), generated(seed + 100)
        timed(
            f"check_no_new_access gen{seed} vs gen{seed + 100}",
            lambda a=a, b=b: check_no_new_access(a, b),
            10,
        )
        timed(f"check_no_new_access gen{seed} vs itself", lambda a=a: check_no_new_access(a, a), 10)
        timed(
            f"check_access_not_granted gen{seed} DeleteUser on agents",
            lambda a=a: check_access_not_granted(
                a,
                [
                    {
                        "actions": ["connect:DeleteUser"],
                        "resources": ["arn:aws:connect:us-west-2:111122223333:instance/*/agent/*"],
                    }
                ],
            ),
            10,
        )
    a, b = generated(0), generated(100)
    timed(
        "check_no_new_access gen0 + variable vs gen100 (z3 strings)",
        lambda: check_no_new_access(with_variable(a), b),
        10,
    )
    timed(
        "check_no_public_access gen0 as resource policy",
        lambda: check_no_public_access(as_public(a), "AWS::SQS::Queue"),
        10,
    )
    print("stress: 50 statements with 2 own ARNs each (string fallback)")
    timed(
        "check_no_new_access distinct0 vs distinct100",
        lambda: check_no_new_access(distinct_arns(0), distinct_arns(100)),
        10,
    )


if __name__ == "__main__":
    main()
