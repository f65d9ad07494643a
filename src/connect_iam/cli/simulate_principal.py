"""`connect-iam simulate-principal`: SimulatePrincipalPolicy over an account snapshot, offline.

    connect-iam simulate-principal --account-details FILE --principal ARN --action A [...]
        [--resource ARN ...] [--context KEY=VALUE[,VALUE...][:TYPE] ...] [--format human|json]

`--account-details` is the JSON that `aws iam get-account-authorization-details` prints. The
principal's policies are the ones IAM would use: a user's own and its groups', a role's, a
group's, and the attached permissions boundary (IAM API: SimulatePrincipalPolicy). `--format json`
prints exactly what `boto3.client("iam").simulate_principal_policy(...)` returns.

Exit codes: 0 ran, 1 input error (unreadable or malformed snapshot, unknown principal, invalid
policy, bad request), 2 usage error.
"""

from __future__ import annotations

import argparse
import difflib
import json
import sys
from typing import TYPE_CHECKING, Any

from connect_iam.errors import NoSuchEntityError, PolicyError, RequestError

if TYPE_CHECKING:
    from connect_iam.evaluator.principal import AccountSnapshot

EXIT_OK = 0
EXIT_INPUT = 1
MAX_SNAPSHOT_CHARS = 256 * 1024 * 1024  # a very large account is tens of MB
EXCLUSION_TYPES = ("inline", "aws-managed", "user-managed", "permission-boundary", "scp", "rcp")


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add `simulate-principal`; imports stay inside `run` so `--help` stays fast."""
    from connect_iam.cli.simulate import CONTEXT_TYPES, parse_context

    parser = subparsers.add_parser(
        "simulate-principal",
        help="decide requests for a user, group or role of an account snapshot "
        "(SimulatePrincipalPolicy, offline)",
        description="Decide requests for a principal of an account snapshot (the output of `aws "
        "iam get-account-authorization-details`) exactly as IAM's SimulatePrincipalPolicy does, "
        "offline. Exit codes: 0 ran, 1 input error, 2 usage error.",
    )
    add = parser.add_argument
    add(
        "--account-details",
        metavar="FILE",
        required=True,
        help="output of `aws iam get-account-authorization-details` ('-' = stdin)",
    )
    add(
        "--principal",
        metavar="ARN",
        required=True,
        help="user, group or role ARN whose policies are simulated (PolicySourceArn)",
    )
    add(
        "--action",
        metavar="ACTION",
        action="append",
        required=True,
        help="action name (repeatable)",
    )
    add("--resource", metavar="ARN", action="append", default=[], help="resource ARN (repeatable)")
    add(
        "--context",
        metavar="KEY=VALUE[,VALUE...][:TYPE]",
        action="append",
        default=[],
        type=parse_context,
        help="context key (repeatable); TYPE is one of " + ", ".join(CONTEXT_TYPES),
    )
    add(
        "--policy",
        metavar="FILE",
        action="append",
        default=[],
        help="an extra identity policy (PolicyInputList; repeatable)",
    )
    add(
        "--boundary",
        metavar="FILE",
        help="a permissions boundary that replaces the attached one",
    )
    add(
        "--exclude",
        metavar="TYPE|POLICY-ARN|KIND:ENTITY:POLICY",
        action="append",
        default=[],
        type=parse_exclusion,
        help="leave a policy out (PolicyExclusionList; repeatable): a type ("
        + ", ".join(EXCLUSION_TYPES)
        + "), a managed policy ARN (`*`, `?` in the name), or an inline policy as "
        "user|group|role:ENTITY:POLICY",
    )
    add("--resource-policy", metavar="FILE", help="resource-based policy")
    add("--caller-arn", metavar="ARN", help="the caller (CallerArn; default: --principal)")
    add("--resource-owner", metavar="ACCOUNT|ARN", help="the resource's owner (ResourceOwner)")
    add(
        "--shape",
        choices=("action", "action-resource"),
        help="one result per action (AWS) or per action and resource (EvaluationResultShape)",
    )
    add(
        "--format",
        choices=("human", "plain", "json"),
        default="human",
        help="human (default): decisions with the deciding statements' source lines; plain: "
        "sentences; json: boto3's response",
    )
    parser.set_defaults(run=run)


def parse_exclusion(text: str) -> dict[str, Any]:
    """One `PolicyIdentifier` from a flag: a type, a policy ARN or `kind:entity:policy`."""
    if text in EXCLUSION_TYPES:
        return {"PolicyType": text}
    if text.startswith("arn:"):
        return {"PolicyArn": text}
    kind, sep, rest = text.partition(":")
    entity, sep2, policy = rest.partition(":")
    if not (sep and sep2) or kind not in ("user", "group", "role") or not entity or not policy:
        raise argparse.ArgumentTypeError(
            f"`{text}`: expected a policy type, a policy ARN, or user|group|role:ENTITY:POLICY"
        )
    return {
        "InlinePolicyIdentifier": {
            "PolicyName": policy,
            "AttachmentType": kind,
            "AttachmentName": entity,
        }
    }


def load_snapshot(path: str) -> AccountSnapshot:
    """Read and check the snapshot file; RequestError (exit 1) with the file's name if unusable."""
    from connect_iam.cli.simulate import decode_json, read_text
    from connect_iam.evaluator.principal import AccountSnapshot

    text = read_text(path, limit=MAX_SNAPSHOT_CHARS, what="the account snapshot")
    name = "<stdin>" if path == "-" else path
    data = decode_json(text, name)
    try:
        return AccountSnapshot.from_json(data)
    except RequestError as error:
        raise RequestError(f"{name}: {error}") from None


def request_params(args: argparse.Namespace) -> tuple[dict[str, Any], dict[str, str]]:
    """SimulatePrincipalPolicy parameters from the flags, and the file behind each policy."""
    from connect_iam.cli.simulate import read_policy

    params: dict[str, Any] = {"PolicySourceArn": args.principal, "ActionNames": list(args.action)}
    files: dict[str, str] = {}
    if args.resource:
        params["ResourceArns"] = list(args.resource)
    if args.context:
        params["ContextEntries"] = list(args.context)
    if args.policy:
        params["PolicyInputList"] = [read_policy(p) for p in args.policy]
        files.update({f"PolicyInputList.{i}": p for i, p in enumerate(args.policy, 1)})
    if args.boundary:
        params["PermissionsBoundaryPolicyInputList"] = [read_policy(args.boundary)]
        files["PermissionsBoundaryPolicyInputList.1"] = args.boundary
    if args.exclude:
        params["PolicyExclusionList"] = list(args.exclude)
    if args.resource_policy:
        params["ResourcePolicy"] = read_policy(args.resource_policy)
        files["ResourcePolicy"] = args.resource_policy
    if args.caller_arn:
        params["CallerArn"] = args.caller_arn
    if args.resource_owner:
        params["ResourceOwner"] = args.resource_owner
    if args.shape:
        params["EvaluationResultShape"] = args.shape
    return params, files


def _did_you_mean(arn: str, snapshot: AccountSnapshot) -> str:
    known = snapshot.principals
    close = difflib.get_close_matches(arn, known, n=2, cutoff=0.8)
    if close:
        return "; did you mean " + " or ".join(f"`{c}`" for c in close) + "?"
    if known:
        shown = ", ".join(f"`{k}`" for k in known[:5])
        more = f" and {len(known) - 5} more" if len(known) > 5 else ""
        return f"; the snapshot holds {shown}{more}"
    return "; the snapshot holds no users, groups or roles"


def run(args: argparse.Namespace) -> int:
    """Load, simulate, print; every user-facing failure is one message and exit 1."""
    from connect_iam.cli import simulate_format
    from connect_iam.cli.simulate import InputError, display_names
    from connect_iam.evaluator.principal import SNAPSHOT_PARAM, simulate_principal

    try:
        snapshot = load_snapshot(args.account_details)
        params, files = request_params(args)
    except (InputError, RequestError) as error:
        sys.stderr.write(f"connect-iam: error: {error}\n")
        return EXIT_INPUT
    params[SNAPSHOT_PARAM] = snapshot
    try:
        outcome = simulate_principal(params)
    except NoSuchEntityError as error:
        hint = _did_you_mean(args.principal, snapshot) if "principal" in str(error) else ""
        sys.stderr.write(f"connect-iam: error: NoSuchEntity: {error}{hint}\n")
        return EXIT_INPUT
    except PolicyError as error:
        sys.stderr.write(f"connect-iam: error: {error}\n")
        return EXIT_INPUT
    except RequestError as error:
        sys.stderr.write(f"connect-iam: error: InvalidInput: {error}\n")
        return EXIT_INPUT
    if args.format == "json":
        sys.stdout.write(json.dumps(outcome.response, indent=2) + "\n")
        return EXIT_OK
    names = display_names(outcome.policy_set, files)
    entity = outcome.entity
    header = f"{entity.kind} {entity.arn}\n\n"
    if args.format == "human":
        sys.stdout.write(header + simulate_format.human(outcome.results, names))
    else:
        sys.stdout.write(header + simulate_format.plain(outcome.results, names))
    return EXIT_OK


__all__ = ["load_snapshot", "parse_exclusion", "register", "request_params", "run"]
