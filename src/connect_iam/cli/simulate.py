"""`connect-iam simulate`: SimulateCustomPolicy from the command line, one request or a stream.

Three ways to give a request (docs/cli-simulate.md has the full reference):

* flags only: `--policy FILE --action A --resource ARN --context KEY=VALUE:TYPE ...`;
* `--input FILE|-`: one request as JSON with boto3's parameter names;
* `--batch FILE|-`: JSON Lines, one request per line, one response per line, in order, streamed.

Flags and a JSON request merge: the flags supply parameters (policies, actions, ...) and the JSON
supplies the rest. A parameter given both ways is an input error on that request, never a silent
override, because a batch line that quietly replaced the policies of `--policy` would answer a
different question than the one asked. In `--batch` mode the flag policies apply to every line and
each distinct policy set is parsed and compiled once (a bounded LRU keyed by the policy texts).

`--scp FILE` is repeatable and each use is one more organization level, root first, as
`OrderedOrganizationPolicyInputList` orders them; `--scp-level FILE,FILE` puts several SCPs on one
level. Exit codes: 0 ran, 1 input error (unreadable file, malformed JSON, invalid policy, bad
request; in `--batch`, any failed line), 2 usage error.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import OrderedDict
from collections.abc import Callable, Hashable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import IO, TYPE_CHECKING, Any

from connect_iam.errors import ConnectIamError, PolicyError, RequestError

if TYPE_CHECKING:
    from connect_iam.evaluator.fastpath import FastDecider
    from connect_iam.evaluator.prepare import PreparedPolicySet
    from connect_iam.model.decision import ActionResult
    from connect_iam.source import SourceText

EXIT_OK = 0
EXIT_INPUT = 1
EXIT_USAGE = 2

# IAM's policyDocumentType limit; a file is read only this far (plus one character to notice that
# it is longer), so a huge file never sits in memory.
MAX_POLICY_CHARS = 131_072
# A JSON request may carry a few dozen policies of that size; anything larger is not a request.
MAX_INPUT_CHARS = 64 * MAX_POLICY_CHARS
CACHE_SIZE = 64

CONTEXT_TYPES = (
    "string",
    "stringList",
    "numeric",
    "numericList",
    "boolean",
    "booleanList",
    "ip",
    "ipList",
    "binary",
    "binaryList",
    "date",
    "dateList",
)

# Parameters whose values are policy texts: the key of the compiled-policy-set cache.
POLICY_PARAMS = (
    "PolicyInputList",
    "PermissionsBoundaryPolicyInputList",
    "ResourcePolicy",
    "SessionPolicyInputList",
    "OrderedOrganizationPolicyInputList",
    "OrderedResourceControlPolicyInputList",
)


class InputError(ConnectIamError):
    """A file or stream the user named cannot be used; the message says which and why."""


# -- argument parsing ------------------------------------------------------------------------------


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add `simulate`; nothing heavy is imported here so `--help` stays fast."""
    parser = subparsers.add_parser(
        "simulate",
        help="decide requests against policies (SimulateCustomPolicy, offline)",
        description="Decide requests against policies exactly as IAM's SimulateCustomPolicy does, "
        "offline. Give the request by flags, as one JSON document (--input) or as JSON Lines "
        "(--batch). Exit codes: 0 ran, 1 input error, 2 usage error.",
    )
    source = parser.add_mutually_exclusive_group()
    source.add_argument(
        "--input",
        metavar="FILE",
        help="one SimulateCustomPolicy request as JSON with boto3's parameter names ('-' = stdin)",
    )
    source.add_argument(
        "--batch",
        metavar="FILE",
        help="JSON Lines, one request per line ('-' = stdin); one JSON response per line, in order",
    )
    add = parser.add_argument
    add(
        "--policy", metavar="FILE", action="append", default=[], help="identity policy (repeatable)"
    )
    add("--action", metavar="ACTION", action="append", default=[], help="action name (repeatable)")
    add("--resource", metavar="ARN", action="append", default=[], help="resource ARN (repeatable)")
    add(
        "--context",
        metavar="KEY=VALUE[,VALUE...][:TYPE]",
        action="append",
        default=[],
        type=parse_context,
        help="context key (repeatable); TYPE is one of " + ", ".join(CONTEXT_TYPES) + "; default "
        "string, or stringList when several values are given",
    )
    add("--boundary", metavar="FILE", help="permissions boundary policy")
    add("--resource-policy", metavar="FILE", help="resource-based policy (needs --caller-arn)")
    add("--caller-arn", metavar="ARN", help="the caller's ARN (CallerArn)")
    add("--resource-owner", metavar="ACCOUNT|ARN", help="the resource's owner (ResourceOwner)")
    add(
        "--scp",
        metavar="FILE",
        action="append",
        default=[],
        help="service control policy; each use is one more organization level, root first",
    )
    add(
        "--scp-level",
        metavar="FILE[,FILE...]",
        action="append",
        default=[],
        help="one organization level holding several SCPs (after the --scp levels)",
    )
    add(
        "--session-policy",
        metavar="FILE",
        action="append",
        default=[],
        help="session policy (extension: SessionPolicyInputList)",
    )
    add(
        "--shape",
        choices=("action", "action-resource"),
        help="one result per action (AWS) or per action and resource (EvaluationResultShape)",
    )
    add(
        "--format",
        choices=("human", "plain", "json"),
        help="human (default): decisions with the deciding statements' source lines; plain: the "
        "same as sentences, for screen readers; json: boto3's response. --batch always writes "
        "JSON Lines",
    )
    add(
        "--plain", action="store_const", const="plain", dest="format", help="same as --format plain"
    )
    parser.set_defaults(run=run, _parser=parser)


def parse_context(text: str) -> dict[str, Any]:
    """`KEY=VALUE[,VALUE...][:TYPE]` -> a ContextEntries item.

    The `:TYPE` suffix is recognised only when it names a type, so ARNs and times keep their colons
    (`aws:SourceArn=arn:aws:...` is one string). Several values promote a scalar type to its List
    form, as AWS rejects several values for a single-valued type.
    """
    key, sep, rest = text.partition("=")
    if not sep or not key:
        raise argparse.ArgumentTypeError(f"`{text}`: expected KEY=VALUE[,VALUE...][:TYPE]")
    key_type = "string"
    head, colon, suffix = rest.rpartition(":")
    if colon and suffix in CONTEXT_TYPES:
        rest, key_type = head, suffix
    values = rest.split(",") if rest else []
    if len(values) > 1 and not key_type.endswith("List"):
        key_type += "List"
    return {"ContextKeyName": key, "ContextKeyValues": values, "ContextKeyType": key_type}


# -- reading ---------------------------------------------------------------------------------------


def read_text(path: str, *, limit: int, what: str) -> str:
    """A whole UTF-8 file (or stdin for `-`), refusing more than `limit` characters."""
    try:
        if path == "-":
            text = sys.stdin.read(limit + 1)
        else:
            with open(path, encoding="utf-8-sig") as handle:
                text = handle.read(limit + 1)
    except UnicodeDecodeError as error:
        raise InputError(f"{path}: {what} is not UTF-8 text (byte {error.start})") from None
    except OSError as error:
        raise InputError(f"{path}: cannot read {what}: {error.strerror or error}") from None
    if len(text) > limit:
        raise InputError(f"{path}: {what} is longer than {limit:,} characters")
    return text


def read_policy(path: str) -> str:
    """A policy file; IAM's size limit is checked here so the message can name the file."""
    text = read_text(path, limit=MAX_POLICY_CHARS, what="the policy")
    if not text.strip():
        raise InputError(f"{path}: the policy file is empty")
    return text


def decode_json(text: str, name: str) -> Any:
    """JSON with a positioned message: `name:line:column: ...`."""
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        raise InputError(
            f"{name}:{error.lineno}:{error.colno}: invalid JSON: {error.msg}"
        ) from None
    except RecursionError:
        raise InputError(f"{name}: invalid JSON: nested too deeply") from None


# -- the request ----------------------------------------------------------------------------------


@dataclass(slots=True)
class FlagRequest:
    """The parameters the flags give, and which file each policy parameter came from."""

    params: dict[str, Any] = field(default_factory=dict)
    files: dict[str, str] = field(default_factory=dict)  # SourcePolicyId -> file, for messages


def flag_request(args: argparse.Namespace) -> FlagRequest:
    """Read every policy file the flags name into boto3-shaped parameters."""
    out = FlagRequest()
    params, files = out.params, out.files
    if args.policy:
        params["PolicyInputList"] = [read_policy(p) for p in args.policy]
        files.update({f"PolicyInputList.{i}": p for i, p in enumerate(args.policy, 1)})
    if args.boundary:
        params["PermissionsBoundaryPolicyInputList"] = [read_policy(args.boundary)]
        files["PermissionsBoundaryPolicyInputList.1"] = args.boundary
    if args.resource_policy:
        params["ResourcePolicy"] = read_policy(args.resource_policy)
        files["ResourcePolicy"] = args.resource_policy
    if args.session_policy:
        params["SessionPolicyInputList"] = [read_policy(p) for p in args.session_policy]
        files.update(
            {f"SessionPolicyInputList.{i}": p for i, p in enumerate(args.session_policy, 1)}
        )
    levels = [[path] for path in args.scp]
    levels += [[p for p in spec.split(",") if p] for spec in args.scp_level]
    if levels:
        member = "ServiceControlPolicyInputList"
        params["OrderedOrganizationPolicyInputList"] = [
            {member: [read_policy(p) for p in level]} for level in levels
        ]
        for n, level in enumerate(levels, 1):
            files.update(
                {
                    f"OrderedOrganizationPolicyInputList.{n}.{member}.{i}": p
                    for i, p in enumerate(level, 1)
                }
            )
    if args.action:
        params["ActionNames"] = list(args.action)
    if args.resource:
        params["ResourceArns"] = list(args.resource)
    if args.context:
        params["ContextEntries"] = list(args.context)
    if args.caller_arn:
        params["CallerArn"] = args.caller_arn
    if args.resource_owner:
        params["ResourceOwner"] = args.resource_owner
    if args.shape:
        params["EvaluationResultShape"] = args.shape
    return out


def merge(flags: Mapping[str, Any], document: Any, where: str) -> dict[str, Any]:
    """A JSON request plus the flag parameters; a parameter given both ways is an error."""
    if not isinstance(document, dict):
        raise RequestError(f"{where}: expected a JSON object with boto3's parameter names")
    both = sorted(set(flags) & set(document))
    if both:
        raise RequestError(
            f"{where}: " + ", ".join(f"`{b}`" for b in both) + " given both by flags and by the "
            "request; give each parameter one way"
        )
    return {**flags, **document}


# -- evaluation with a cache -----------------------------------------------------------------------


def _freeze(value: Any) -> Hashable:
    """A hashable copy of JSON data (lists -> tuples, objects -> sorted item tuples)."""
    if isinstance(value, list | tuple):
        return tuple(_freeze(v) for v in value)
    if isinstance(value, dict):
        return tuple(sorted((str(k), _freeze(v)) for k, v in value.items()))
    if isinstance(value, str | int | float | bool) or value is None:
        return value
    return repr(value)


def policy_key(params: Mapping[str, Any]) -> Hashable:
    """The cache key of a request's policy set: its policy texts, in parameter order."""
    return tuple(_freeze(params.get(name)) for name in POLICY_PARAMS)


@dataclass(frozen=True, slots=True)
class Compiled:
    """A prepared policy set and, for batches, the decision-only fast path built over it."""

    policy_set: PreparedPolicySet
    decider: FastDecider | None


class PolicySetCache:
    """Parsed and compiled policy sets, keyed by the policy texts (bounded LRU).

    Failures are cached too: a batch whose every line carries the same broken policy parses it
    once. With `fast=True` each entry also carries a `FastDecider`, which answers repeated
    context-free questions from its memo; the responses are the same (tests/differential).
    """

    def __init__(self, size: int = CACHE_SIZE, *, fast: bool = False) -> None:
        self.size = size
        self.fast = fast
        self.entries: OrderedDict[Hashable, Compiled | ConnectIamError] = OrderedDict()
        self.compiled = 0

    def get(self, params: Mapping[str, Any], key: Hashable | None = None) -> Compiled:
        """The compiled policy set of `params`; pass `key` when it is already known."""
        from connect_iam.evaluator.simulator import policy_set_from_params

        if key is None:
            key = policy_key(params)
        found = self.entries.get(key)
        if found is None:
            self.compiled += 1
            try:
                policy_set = policy_set_from_params(params)
                decider = None
                if self.fast:
                    from connect_iam.evaluator.fastpath import FastDecider

                    decider = FastDecider(policy_set)
                found = Compiled(policy_set, decider)
            except ConnectIamError as error:
                found = error
            self.entries[key] = found
            if len(self.entries) > self.size:
                self.entries.popitem(last=False)
        else:
            self.entries.move_to_end(key)
        if isinstance(found, ConnectIamError):
            # the same object is raised again for every line: drop the old traceback, or the
            # frames of every earlier line would pile up on it
            raise found.with_traceback(None)
        return found


@dataclass(frozen=True, slots=True)
class Outcome:
    """One simulated request: boto3's response, plus the values the human formatter explains."""

    response: dict[str, Any]
    results: tuple[ActionResult, ...]
    policy_set: PreparedPolicySet


def evaluate(
    params: Mapping[str, Any], cache: PolicySetCache, key: Hashable | None = None
) -> Outcome:
    """`simulate_custom_policy` step by step, so the compiled policy set can come from a cache."""
    # The parameter check and pagination are the simulator's own, so a response here is exactly
    # what `simulate_custom_policy(**params)` returns.
    from connect_iam.evaluator.simulator import (
        CUSTOM_PARAMETERS,
        SHAPE_PER_ACTION,
        SHAPE_PER_RESOURCE,
        check_parameters,
        evaluation_results,
        paginate,
        request_from_params,
        simulate,
    )

    check_parameters(params, CUSTOM_PARAMETERS)
    shape = params.get("EvaluationResultShape", SHAPE_PER_ACTION)
    if shape not in (SHAPE_PER_ACTION, SHAPE_PER_RESOURCE):
        raise RequestError(
            f"`EvaluationResultShape` must be `{SHAPE_PER_ACTION}` or `{SHAPE_PER_RESOURCE}`"
        )
    request = request_from_params(params)
    compiled = cache.get(params, key)
    results = simulate(compiled.policy_set, request, compiled.decider)
    response = paginate(evaluation_results(results, shape), params)
    return Outcome(response, results, compiled.policy_set)


# -- run -------------------------------------------------------------------------------------------


def run(args: argparse.Namespace) -> int:
    """Dispatch on the request source; every user-facing failure becomes a message and exit 1."""
    parser: argparse.ArgumentParser = args._parser
    if args.batch is not None and args.format in ("human", "plain"):
        parser.error("--batch always writes JSON Lines; drop --format")
    if args.input is None and args.batch is None:
        missing = [
            flag
            for flag, given in (("--policy", args.policy), ("--action", args.action))
            if not given
        ]
        if missing:
            parser.error(
                " and ".join(missing) + " required unless --input or --batch gives the request"
            )
    if "-" in [*args.policy, args.boundary, args.resource_policy] and (
        "-" in (args.input, args.batch)
    ):
        parser.error("stdin (`-`) can feed only one input")
    try:
        flags = flag_request(args)
        if args.batch is not None:
            return run_batch(args.batch, flags, sys.stdout)
        return run_single(args, flags)
    except InputError as error:
        sys.stderr.write(f"connect-iam: error: {error}\n")
        return EXIT_INPUT


def run_single(args: argparse.Namespace, flags: FlagRequest) -> int:
    """One request from flags and/or `--input`; errors are shown with their source positions."""
    params = dict(flags.params)
    where = "the request"
    if args.input is not None:
        name = "<stdin>" if args.input == "-" else args.input
        document = decode_json(
            read_text(args.input, limit=MAX_INPUT_CHARS, what="the request"), name
        )
        params = merge(flags.params, document, name)
        where = name
    cache = PolicySetCache(1)
    try:
        outcome = evaluate(params, cache)
    except PolicyError as error:
        sys.stderr.write(policy_error_text(error, params, flags.files))
        return EXIT_INPUT
    except RequestError as error:
        sys.stderr.write(f"connect-iam: error: {where}: {name_files(str(error), flags.files)}\n")
        return EXIT_INPUT
    fmt = args.format or "human"
    if fmt == "json":
        sys.stdout.write(json.dumps(outcome.response, indent=2) + "\n")
    else:
        from connect_iam.cli import simulate_format

        names = display_names(outcome.policy_set, flags.files)
        render = simulate_format.human if fmt == "human" else simulate_format.plain
        sys.stdout.write(render(outcome.results, names))
    return EXIT_OK


def name_files(message: str, files: Mapping[str, str]) -> str:
    """Name the file behind a parameter name in a message (`PolicyInputList.1` -> its path)."""
    for policy_id, path in files.items():
        message = message.replace(f"`{policy_id}`", f"`{policy_id}` ({path})")
    return message


def display_names(policy_set: PreparedPolicySet, files: Mapping[str, str]) -> dict[str, SourceText]:
    """SourcePolicyId -> the policy's source text, renamed after its file when it came from one."""
    from connect_iam.source import SourceText

    out: dict[str, SourceText] = {}
    for prepared in policy_set.all_policies():
        policy_id = prepared.input.policy_id
        source = prepared.input.policy.source
        if source is None:
            continue
        out[policy_id] = SourceText(source.text, files.get(policy_id, policy_id))
    return out


def policy_texts(params: Mapping[str, Any]) -> Iterator[tuple[str, str, str]]:
    """(SourcePolicyId, text, policy type) of every policy, named as the simulator names them."""
    for name, kind in (
        ("PolicyInputList", "IDENTITY_POLICY"),
        ("PermissionsBoundaryPolicyInputList", "PERMISSIONS_BOUNDARY"),
        ("SessionPolicyInputList", "SESSION_POLICY"),
    ):
        value = params.get(name)
        if isinstance(value, list):
            for i, text in enumerate(value, 1):
                if isinstance(text, str):
                    yield f"{name}.{i}", text, kind
    if isinstance(params.get("ResourcePolicy"), str):
        yield "ResourcePolicy", params["ResourcePolicy"], "RESOURCE_POLICY"
    for name, member, kind in (
        (
            "OrderedOrganizationPolicyInputList",
            "ServiceControlPolicyInputList",
            "SERVICE_CONTROL_POLICY",
        ),
        (
            "OrderedResourceControlPolicyInputList",
            "ResourceControlPolicyInputList",
            "RESOURCE_CONTROL_POLICY",
        ),
    ):
        levels = params.get(name)
        if not isinstance(levels, list):
            continue
        for n, level in enumerate(levels, 1):
            texts = level.get(member) if isinstance(level, dict) else None
            for i, text in enumerate(texts if isinstance(texts, list) else [], 1):
                if isinstance(text, str):
                    yield f"{name}.{n}.{member}.{i}", text, kind


def policy_error_text(
    error: PolicyError, params: Mapping[str, Any], files: Mapping[str, str]
) -> str:
    """Every problem of every invalid policy as `file:line:col: message` plus its source lines.

    The simulator stops at the first invalid policy; re-parsing each one here (only on this error
    path) shows the user every broken policy at once, positioned in its own file.
    """
    from connect_iam.cli.render import excerpt, location
    from connect_iam.model.policy import PolicyType
    from connect_iam.source import SourceText
    from connect_iam.syntax.policy_parser import parse_policy

    out: list[str] = []
    for policy_id, text, kind in policy_texts(params):
        if len(text) > MAX_POLICY_CHARS:
            continue
        result = parse_policy(text, name=policy_id, policy_type=PolicyType(kind))
        if result.ok:
            continue
        source = SourceText(text, files.get(policy_id, policy_id))
        for finding in result.errors:
            if finding.span is None:
                out.append(f"{source.name}: {finding.message}")
                continue
            out.append(f"{location(source, finding.span)}: {finding.message}")
            out.append(excerpt(source, finding.span))
    if not out:  # the parser and the simulator disagree: still say what the simulator said
        out.append(f"connect-iam: error: {name_files(str(error), files)}")
    return "\n".join(out) + "\n"


# -- batch -----------------------------------------------------------------------------------------


def _lines(path: str) -> Iterator[bytes]:
    """The raw lines of a file or stdin, read one at a time (constant memory)."""
    if path == "-":
        stream: IO[bytes] | None = getattr(sys.stdin, "buffer", None)
        if stream is None:  # a text-only stdin (tests, embedding): encode back per line
            for line in sys.stdin:
                yield line.encode("utf-8")
            return
        yield from stream
        return
    try:
        handle = open(path, "rb")  # noqa: SIM115 - closed below, after the generator finishes
    except OSError as error:
        raise InputError(f"{path}: cannot read the batch: {error.strerror or error}") from None
    with handle:
        yield from handle


def run_batch(path: str, flags: FlagRequest, out: IO[str]) -> int:
    """One response per line, in order, flushed as it is written; bad lines get error objects."""
    cache = PolicySetCache(fast=True)
    flags_key = policy_key(flags.params)
    failed = 0
    if any(name in flags.params for name in POLICY_PARAMS):
        # Policies given by flags are checked once, up front: a broken --policy is not a per-line
        # problem and would otherwise repeat the same error on every line.
        from connect_iam.evaluator.simulator import policy_set_from_params

        try:
            policy_set_from_params(flags.params, identity_required=False)
        except PolicyError as error:
            sys.stderr.write(policy_error_text(error, flags.params, flags.files))
            return EXIT_INPUT
        except RequestError as error:
            sys.stderr.write(f"connect-iam: error: {name_files(str(error), flags.files)}\n")
            return EXIT_INPUT
    write: Callable[[str], object] = out.write
    for number, raw in enumerate(_lines(path), 1):
        response = batch_line(number, raw, flags, cache, flags_key)
        if "Error" in response:
            failed += 1
        write(json.dumps(response) + "\n")
        out.flush()
    return EXIT_INPUT if failed else EXIT_OK


def batch_line(
    number: int,
    raw: bytes,
    flags: FlagRequest,
    cache: PolicySetCache,
    flags_key: Hashable | None = None,
) -> dict[str, Any]:
    """The response for one line, or `{"Error": {"Code": "InvalidInput", "Message": ...}}`."""
    where = f"line {number}"
    try:
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as error:
            raise RequestError(f"{where}: not UTF-8 text (byte {error.start})") from None
        if number == 1:
            text = text.removeprefix("\ufeff")
        if not text.strip():
            raise RequestError(f"{where}: empty line; expected one JSON request per line")
        try:
            document = json.loads(text)
        except json.JSONDecodeError as error:
            raise RequestError(
                f"{where}, column {error.colno}: invalid JSON: {error.msg}"
            ) from None
        except RecursionError:
            raise RequestError(f"{where}: invalid JSON: nested too deeply") from None
        params = merge(flags.params, document, where)
        # a line without policies of its own uses the flags' set: no need to re-key the texts
        own = isinstance(document, dict) and any(name in document for name in POLICY_PARAMS)
        return evaluate(params, cache, None if own else flags_key).response
    except ConnectIamError as error:
        message = str(error)
        if not message.startswith(where):
            message = f"{where}: {message}"
        message = name_files(message, flags.files).replace("\n", "; ")
        return {"Error": {"Code": "InvalidInput", "Message": message}}
    except (ValueError, TypeError, KeyError, RecursionError) as error:
        # Not the user's fault as far as we know: report it on the line, keep the stream going.
        return {
            "Error": {
                "Code": "InternalError",
                "Message": f"{where}: internal error ({type(error).__name__}: {error}); please "
                "report it with this line",
            }
        }


__all__ = [
    "PolicySetCache",
    "batch_line",
    "evaluate",
    "parse_context",
    "register",
    "run",
]
