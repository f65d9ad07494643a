"""Decisions per second: connect-iam against its peers, on one fixed, seeded workload, in one run.

    .venv/bin/python benchmarks/bench_simulate.py [--requests 100000] [--peer-requests N] [--seed S]

Run by hand; not a test. Workload: the eight seed policies (examples/policies; seed 03 with its two
trailing commas stripped) plus a synthetic 50-statement Connect policy (Allow/Deny, wildcards,
conditions on connect:InstanceId, aws:ResourceTag/team and aws:SourceIp), all attached to one
principal, and N requests over connect, app-integrations and profile actions drawn from the
catalog, against realistic ARNs from a pool; half the requests carry context, half do not.

Engines, each timed with time.perf_counter, median of 3 runs:

- connect-iam, `prepare()` once, then per request: `decide_resource` (the explaining evaluator,
  no reuse between requests); `FastDecider.decide` (the decision-only batch path); `simulate` with
  the batch's `FastDecider` (explained results: deciding statements with spans, missing context
  keys, catalog notes); and the same plus boto3 response dicts (`evaluation_results`);
- moto's `IAMPolicy.is_action_permitted`, aggregated as moto's `IAMRequestBase` does;
- principalmapper's `local_check_authorization` (its local policy simulation);
- cedarpy's `is_authorized_batch` on a translated Cedar policy set. Cedar cannot express IAM's `?`
  wildcard, the per-ARN-segment `*` rule, or most condition operators: only statements without
  `?` and with conditions among StringEquals/StringLike/IpAddress/NotIpAddress are translated,
  with `like` over the whole ARN (so `*` may cross `:`). The table says how many were left out;
- a pure-Python floor: one dict lookup plus one compiled-regex match per request.

Peers that are not installed are skipped. Agreement with connect-iam is printed for each peer:
where they differ, tests/differential/README.md explains who is right.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
ACCOUNT = "123456789012"
REGIONS = ("us-east-1", "us-west-2")
INSTANCES = (
    "00fbeee1-123e-111e-93e3-11111bfbfcc1",
    "7c3a1a4e-5d6f-4e2b-9a8b-1234567890ab",
    "f1e2d3c4-b5a6-4978-8a9b-0c1d2e3f4a5b",
)
TEAMS = ("billing", "support", "sales", "fraud")
IPS = ("203.0.113.7", "198.51.100.23", "192.0.2.200", "10.1.2.3")
SERVICES = ("connect", "app-integrations", "profile")


# -- workload --------------------------------------------------------------------------------------


def seed_policies() -> list[tuple[str, str]]:
    """(name, text) of the eight seed policies; seed 03 without its two trailing commas."""
    out = []
    for path in sorted((ROOT / "examples" / "policies").glob("*.json")):
        text = path.read_text(encoding="utf-8")
        if path.name.startswith("03-"):
            text = re.sub(r",(\s*[}\]])", r"\1", text)
        json.loads(text)  # the workload must be valid JSON for every engine
        out.append((path.stem, text))
    return out


def resource_pool(rng: random.Random) -> dict[str, list[str]]:
    """Realistic ARNs, per service namespace as the catalog's ARN formats spell them."""
    connect = []
    for region in REGIONS:
        for instance in INSTANCES:
            base = f"arn:aws:connect:{region}:{ACCOUNT}:instance/{instance}"
            connect.append(base)
            for kind, count in (
                ("queue", 12),
                ("agent", 12),
                ("contact", 20),
                ("security-profile", 6),
                ("routing-profile", 6),
                ("contact-flow", 6),
                ("transfer-destination", 3),
            ):
                for _ in range(count):
                    connect.append(f"{base}/{kind}/{rng.getrandbits(64):016x}")
    app = [
        f"arn:aws:app-integrations:{region}:{ACCOUNT}:event-integration/{name}"
        for region in REGIONS
        for name in ("MyNamePrefix-orders", "MyNamePrefix-cases", "Name", "crm-sync", "tickets")
    ]
    app += [
        f"arn:aws:app-integrations:{region}:{ACCOUNT}:data-integration/{rng.getrandbits(48):012x}"
        for region in REGIONS
        for _ in range(5)
    ]
    profile = [
        f"arn:aws:profile:{region}:{ACCOUNT}:domains/{name}"
        for region in REGIONS
        for name in ("domainName", "retail", "wholesale", "support-center")
    ]
    profile += [f"{p}/object-types/{t}" for p in profile[:4] for t in ("CTR", "Order", "Case")]
    return {"connect": connect, "app-integrations": app, "profile": profile}


def synthetic_policy(rng: random.Random, actions: dict[str, list[str]]) -> dict[str, Any]:
    """50 Connect-shaped statements: Allow/Deny, wildcards, conditions on three keys."""
    statements = []
    verbs = ("Describe", "List", "Get", "Create", "Update", "Delete", "Search", "Start", "Put")
    for index in range(50):
        service = rng.choices(SERVICES, weights=(6, 2, 2))[0]
        kind = rng.random()
        if kind < 0.4:
            action: list[str] | str = rng.sample(actions[service], 3)
        elif kind < 0.8:
            action = f"{service}:{rng.choice(verbs)}*"
        elif kind < 0.9:
            action = f"{service}:*"
        else:
            action = [f"{service}:*{rng.choice(('Queue', 'User', 'Contact', 'Profile'))}*"]
        instance = rng.choice(INSTANCES)
        region = rng.choice(REGIONS)
        resource = rng.choice(
            (
                "*",
                f"arn:aws:connect:{region}:{ACCOUNT}:instance/{instance}/*",
                f"arn:aws:connect:*:{ACCOUNT}:instance/*/queue/*",
                f"arn:aws:connect:{region}:{ACCOUNT}:instance/{instance}/contact/*",
                f"arn:aws:connect:*:*:instance/{instance}",
                f"arn:aws:app-integrations:*:{ACCOUNT}:event-integration/MyNamePrefix-*",
                f"arn:aws:profile:{region}:{ACCOUNT}:domains/*",
                f"arn:aws:connect:{region}:{ACCOUNT}:instance/{instance}/agent/?????????*",
            )
        )
        statement: dict[str, Any] = {
            "Sid": f"S{index}",
            "Effect": "Deny" if rng.random() < 0.3 else "Allow",
            "Action": action,
            "Resource": resource,
        }
        roll = rng.random()
        if roll < 0.15:
            statement["Condition"] = {"StringEquals": {"connect:InstanceId": instance}}
        elif roll < 0.3:
            statement["Condition"] = {
                "StringLike": {"aws:ResourceTag/team": f"{rng.choice(TEAMS)[:3]}*"}
            }
        elif roll < 0.4:
            statement["Condition"] = {"IpAddress": {"aws:SourceIp": "203.0.113.0/24"}}
        elif roll < 0.45:
            statement["Condition"] = {"NotIpAddress": {"aws:SourceIp": ["192.0.2.0/24"]}}
        statements.append(statement)
    return {"Version": "2012-10-17", "Statement": statements}


@dataclass(slots=True)
class Request:
    action: str
    resource: str
    context: dict[str, tuple[str, str]]  # key -> (value, ContextKeyType)


@dataclass(slots=True)
class Workload:
    policies: list[tuple[str, str]]
    requests: list[Request]
    actions: dict[str, list[str]] = field(default_factory=dict)


def build_workload(count: int, seed: int) -> Workload:
    from connect_iam.catalog import get_catalog

    rng = random.Random(seed)
    catalog = get_catalog()
    actions = {s: sorted(a.qualified_name for a in catalog.actions(s)) for s in SERVICES}
    pool = resource_pool(rng)
    policies = seed_policies()
    policies.append(("synthetic-50", json.dumps(synthetic_policy(rng, actions), indent=2)))
    requests = []
    for _ in range(count):
        service = rng.choices(SERVICES, weights=(6, 2, 2))[0]
        action = rng.choice(actions[service])
        namespace = service if rng.random() < 0.9 else rng.choice(SERVICES)
        resource = rng.choice(pool[namespace])
        context: dict[str, tuple[str, str]] = {}
        if rng.random() < 0.5:
            instance = (
                resource.split("instance/")[1].split("/")[0] if "instance/" in resource else ""
            )
            context = {
                "connect:InstanceId": (instance or rng.choice(INSTANCES), "string"),
                "aws:ResourceTag/team": (rng.choice(TEAMS), "string"),
                "aws:SourceIp": (rng.choice(IPS), "ip"),
            }
        requests.append(Request(action, resource, context))
    return Workload(policies, requests, actions)


# -- engines ---------------------------------------------------------------------------------------

ALLOWED, EXPLICIT, IMPLICIT = "allowed", "explicitDeny", "implicitDeny"


@dataclass(slots=True)
class Engine:
    name: str
    run: Callable[[], list[str]]  # decisions, one per request, in order
    requests: int
    note: str = ""
    binary: bool = False  # only allowed / not allowed is comparable


def connect_iam_engines(work: Workload) -> tuple[list[Engine], Any]:
    from connect_iam.evaluator.decide import Caller, decide_resource
    from connect_iam.evaluator.prepare import PolicyInput, prepare
    from connect_iam.evaluator.simulator import SimulationRequest, evaluation_results, simulate
    from connect_iam.model.context import RequestContext
    from connect_iam.syntax.policy_parser import load_policy

    inputs = [PolicyInput(load_policy(text, name=name), name) for name, text in work.policies]
    policy_set = prepare(inputs)
    caller = Caller(f"arn:aws:iam::{ACCOUNT}:user/bench", None)
    contexts = [
        RequestContext.from_entries(
            [
                {"ContextKeyName": k, "ContextKeyValues": [v], "ContextKeyType": t}
                for k, (v, t) in r.context.items()
            ]
        )
        for r in work.requests
    ]
    triples = [(r.action, r.resource, c) for r, c in zip(work.requests, contexts, strict=True)]

    def fast() -> list[str]:
        # A fresh compiled set per run, so no run warms another's per-action caches.
        fast_set = prepare(inputs)
        return [
            decide_resource(fast_set, a, res, ctx, caller).decision.value for a, res, ctx in triples
        ]

    sim_requests = [
        SimulationRequest(actions=(a,), resources=(res,), context=ctx, caller=caller)
        for a, res, ctx in triples
    ]

    from connect_iam.evaluator.fastpath import FastDecider

    # Each run starts from a fresh FastDecider (compiled once per run, as a batch would): its memo
    # only reuses results within the run, never from an earlier repeat.
    def explained() -> list[str]:
        # The batch path with explanations: per-resource results naming the deciding statements,
        # their policies and spans, missing context keys and catalog notes (ActionResult values).
        decider = FastDecider(prepare(inputs))
        policy_set = decider.policy_set
        return [simulate(policy_set, req, decider)[0].decision.value for req in sim_requests]

    def boto_dicts() -> list[str]:
        decider = FastDecider(prepare(inputs))
        policy_set = decider.policy_set
        return [
            evaluation_results(simulate(policy_set, req, decider))[0]["EvalDecision"]
            for req in sim_requests
        ]

    def fastpath() -> list[str]:
        decide = FastDecider(prepare(inputs)).decide
        return [decide(a, res, ctx, caller).value for a, res, ctx in triples]

    n = len(triples)
    engines = [
        Engine("connect-iam decide_resource (explaining evaluator)", fast, n),
        Engine("connect-iam FastDecider.decide (batch path)", fastpath, n),
        Engine("connect-iam simulate (explained results)", explained, n),
        Engine("connect-iam simulate + boto3 response dicts", boto_dicts, n),
    ]
    return engines, policy_set


def moto_engine(work: Workload, n: int) -> Engine | None:
    try:
        from moto.iam.access_control import IAMPolicy, PermissionResult
    except ImportError:
        return None
    # moto pastes `?` into a regular expression as a quantifier (`re.error: multiple repeat`):
    # statements with `?` are left out of its copy of the workload.
    policies, dropped = [], 0
    for _, text in work.policies:
        document = json.loads(text)
        statements = document["Statement"]
        statements = statements if isinstance(statements, list) else [statements]
        kept = [
            s for s in statements if "?" not in json.dumps([s.get("Action"), s.get("Resource")])
        ]
        dropped += len(statements) - len(kept)
        document["Statement"] = kept
        policies.append(IAMPolicy(json.dumps(document)))
    requests = [
        (r.action, r.resource, {k: v for k, (v, _) in r.context.items()}) for r in work.requests[:n]
    ]
    denied, permitted = PermissionResult.DENIED, PermissionResult.PERMITTED

    def run() -> list[str]:
        out = []
        for action, resource, context in requests:
            decision = IMPLICIT
            for policy in policies:  # moto's IAMRequestBase.check_action_permitted
                result = policy.is_action_permitted(action, resource, None, context)
                if result == denied:
                    decision = EXPLICIT
                    break
                if result == permitted:
                    decision = ALLOWED
            out.append(decision)
        return out

    note = f"{dropped} statements with `?` left out (moto crashes on them)"
    return Engine("moto IAMPolicy.is_action_permitted", run, n, note=note)


def import_principalmapper() -> Any:
    """principalmapper 1.1.x uses `collections.Mapping`, gone since Python 3.10: alias them."""
    import collections
    import collections.abc

    for name in ("Mapping", "MutableMapping", "Sequence", "Iterable", "Callable", "MutableSet"):
        if not hasattr(collections, name):
            setattr(collections, name, getattr(collections.abc, name))
    from principalmapper.querying import query_interface

    return query_interface


def principalmapper_engine(work: Workload, n: int) -> Engine | None:
    try:
        query_interface = import_principalmapper()
        from principalmapper.common import Node, Policy
    except ImportError:
        return None
    policies = [
        Policy(f"arn:aws:iam::{ACCOUNT}:policy/{name}", name, json.loads(text))
        for name, text in work.policies
    ]
    node = Node(
        f"arn:aws:iam::{ACCOUNT}:user/bench",
        "AIDAEXAMPLEBENCH0001",
        policies,
        [],
        None,
        None,
        0,
        False,
        False,
        None,
        False,
        {},
    )
    requests = [
        (r.action, r.resource, {k: v for k, (v, _) in r.context.items()}) for r in work.requests[:n]
    ]
    check = query_interface.local_check_authorization

    def run() -> list[str]:
        return [ALLOWED if check(node, a, res, ctx) else IMPLICIT for a, res, ctx in requests]

    return Engine("principalmapper local_check_authorization", run, n, binary=True)


def _cedar_str(text: str) -> str:
    return json.dumps(text)  # Cedar string literals escape like JSON for ASCII


def _cedar_like(pattern: str) -> str:
    return '"' + json.dumps(pattern)[1:-1] + '"'


def cedar_statement(statement: dict[str, Any]) -> str | None:
    """One IAM statement as one Cedar policy, or None when Cedar cannot express it."""
    supported = {"StringEquals", "StringLike", "IpAddress", "NotIpAddress"}

    def listed(value: Any) -> list[str]:
        return value if isinstance(value, list) else [value]

    texts = [
        *listed(statement.get("Action", statement.get("NotAction", []))),
        *listed(statement.get("Resource", [])),
    ]
    if any("?" in t for t in texts) or "NotResource" in statement:
        return None
    parts = []
    acts = " || ".join(
        f"context.act like {_cedar_like(a.lower())}"
        for a in listed(statement.get("Action", statement.get("NotAction")))
    )
    parts.append(f"!({acts})" if "NotAction" in statement else f"({acts})")
    resources = listed(statement["Resource"])
    if "*" not in resources:
        parts.append(
            "(" + " || ".join(f"context.res like {_cedar_like(r)}" for r in resources) + ")"
        )
    for operator, block in statement.get("Condition", {}).items():
        if operator not in supported:
            return None
        for key, values in block.items():
            k = _cedar_str(key.lower())
            ref = f"context[{k}]"
            if operator == "StringEquals":
                test = " || ".join(f"{ref} == {_cedar_str(v)}" for v in listed(values))
            elif operator == "StringLike":
                test = " || ".join(f"{ref} like {_cedar_like(v)}" for v in listed(values))
            else:
                test = " || ".join(
                    f"ip({ref}).isInRange(ip({_cedar_str(v)}))" for v in listed(values)
                )
            if operator == "NotIpAddress":
                parts.append(f"(!(context has {k}) || !({test}))")
            else:
                parts.append(f"(context has {k} && ({test}))")
    effect = "forbid" if statement["Effect"] == "Deny" else "permit"
    return f"{effect}(principal, action, resource) when {{ {' && '.join(parts)} }};"


def cedar_engine(work: Workload, n: int) -> Engine | None:
    try:
        import cedarpy
    except ImportError:
        return None
    translated, skipped = [], 0
    for _, text in work.policies:
        statements = json.loads(text)["Statement"]
        for statement in statements if isinstance(statements, list) else [statements]:
            policy = cedar_statement(statement)
            if policy is None:
                skipped += 1
            else:
                translated.append(policy)
    policy_set = cedarpy.PolicySet.from_str("\n".join(translated))
    entities = cedarpy.Entities.from_json_str("[]")
    requests = [
        {
            "principal": 'User::"bench"',
            "action": 'Action::"call"',
            "resource": 'Resource::"r"',
            "context": {
                "act": r.action.lower(),
                "res": r.resource,
                **{k.lower(): v for k, (v, _) in r.context.items()},
            },
        }
        for r in work.requests[:n]
    ]
    allow = cedarpy.Decision.Allow

    def run() -> list[str]:
        results = cedarpy.is_authorized_batch(requests, policy_set, entities)
        return [ALLOWED if r.decision == allow else IMPLICIT for r in results]

    total = skipped + len(translated)
    note = f"{len(translated)}/{total} statements translated"
    return Engine("cedarpy is_authorized_batch (translated)", run, n, note=note, binary=True)


def floor_engine(work: Workload) -> Engine:
    table = {
        action: re.compile(r"arn:aws:[a-z-]+:[a-z0-9-]*:\d{12}:(?:instance|domains|event-).*")
        for actions in work.actions.values()
        for action in actions
    }
    pairs = [(r.action, r.resource) for r in work.requests]

    def run() -> list[str]:
        get = table.get
        return [ALLOWED if get(a).fullmatch(res) else IMPLICIT for a, res in pairs]  # type: ignore[union-attr]

    return Engine("floor: dict lookup + compiled regex", run, len(pairs))


# -- measuring -------------------------------------------------------------------------------------


@dataclass(slots=True)
class Measured:
    engine: Engine
    rate: float  # decisions per second, median of the runs
    decisions: list[str]


def measure(engine: Engine, repeats: int) -> Measured:
    times, decisions = [], []
    for _ in range(repeats):
        start = time.perf_counter()
        decisions = engine.run()
        times.append(time.perf_counter() - start)
    return Measured(engine, engine.requests / statistics.median(times), decisions)


def agreement(reference: Sequence[str], other: Measured) -> str:
    n = len(other.decisions)
    if other.engine.binary:
        same = sum(
            (a == ALLOWED) == (b == ALLOWED)
            for a, b in zip(reference[:n], other.decisions, strict=True)
        )
    else:
        same = sum(a == b for a, b in zip(reference[:n], other.decisions, strict=True))
    return f"{100.0 * same / n:.1f}%"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=100_000, help="requests (default 100000)")
    parser.add_argument(
        "--peer-requests",
        type=int,
        default=None,
        help="requests given to each peer (default: all); rates are per decision either way",
    )
    parser.add_argument("--repeats", type=int, default=3, help="runs per engine; median reported")
    parser.add_argument("--seed", type=int, default=20_241_130)
    parser.add_argument("--profile", action="store_true", help="cProfile the fast path (top 15)")
    args = parser.parse_args(argv)

    t0 = time.perf_counter()
    work = build_workload(args.requests, args.seed)
    distinct = len({(r.action, r.resource) for r in work.requests})
    with_context = sum(1 for r in work.requests if r.context)
    print(
        f"workload: {len(work.policies)} policies "
        f"({sum(len(json.loads(t)['Statement']) for _, t in work.policies)} statements), "
        f"{len(work.requests):,} requests ({with_context:,} with context, {distinct:,} distinct "
        f"action/resource pairs), seed {args.seed}, built in {time.perf_counter() - t0:.1f}s"
    )
    peer_n = min(args.peer_requests or args.requests, args.requests)
    ours, _ = connect_iam_engines(work)
    peers: list[tuple[str, Engine | None]] = [
        ("moto", moto_engine(work, peer_n)),
        ("principalmapper", principalmapper_engine(work, peer_n)),
        ("cedarpy", cedar_engine(work, peer_n)),
    ]
    engines = [*ours, *(e for _, e in peers if e is not None), floor_engine(work)]
    missing = [name for name, e in peers if e is None]

    results = []
    for engine in engines:
        print(f"  running {engine.name} on {engine.requests:,} requests ...", file=sys.stderr)
        results.append(measure(engine, args.repeats))

    if args.profile:
        import cProfile
        import pstats

        profiler = cProfile.Profile()
        profiler.runcall(ours[0].run)
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(15)

    fast = results[0]
    reference = fast.decisions
    best_ours = max(
        (m for m in results[: len(ours)] if "simulate" not in m.engine.name), key=lambda m: m.rate
    )
    peer_results = results[len(ours) : -1]
    print()
    header = f"{'engine':<48} {'decisions/s':>12} {'vs fast path':>13} {'agrees':>8}  note"
    print(header)
    print("-" * len(header))
    for m in results:
        ratio = m.rate / best_ours.rate
        agree = agreement(reference, m) if m in peer_results else ""
        print(f"{m.engine.name:<48} {m.rate:>12,.0f} {ratio:>12.4f}x {agree:>8}  {m.engine.note}")
    print()
    explain = next(m for m in results if "explained results" in m.engine.name)
    dicts = next(m for m in results if "boto3" in m.engine.name)
    print(f"fast path: {best_ours.engine.name}")
    print(
        f"explanations are {best_ours.rate / explain.rate:.2f}x slower than the fast path "
        f"(target <= 3x); with boto3 response dicts {best_ours.rate / dicts.rate:.2f}x"
    )
    plain = results[0]
    if plain is not best_ours:
        print(f"decide_resource is {best_ours.rate / plain.rate:.2f}x slower than the fast path")
    if peer_results:
        fastest = max(peer_results, key=lambda m: m.rate)
        print(
            f"fast path / fastest peer ({fastest.engine.name}): "
            f"{best_ours.rate / fastest.rate:.1f}x (target >= 50x)"
        )
    if missing:
        print("not installed (skipped): " + ", ".join(missing))
    print(f"peers ran on {peer_n:,} requests; medians of {args.repeats} runs")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
