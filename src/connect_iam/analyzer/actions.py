"""The action dimension: catalog actions grouped into classes by which statements name them.

Two actions that are named by exactly the same statements (of every policy in the analysis) get
the same verdict for every resource and context, so the analysis decides one formula per class.

- Catalog actions (`connect_iam.catalog`): enumerated concretely. A service whose actions can only
  be told apart by a pattern with a non-trivial name part (`connect:Update*`) is loaded and every
  action of it is classified; a service touched only by service-level patterns (`*`,
  `profile:*`, `s*:*`) is one class without reading its file, except one representative service
  per class, read to name a real example action.
- Every other action name (new actions, misspellings, unknown services): the engine covers them
  with one symbolic query whose action is a z3 string, excluding the signatures found here
  (`symbolic_pattern_re`). So `Allow *` versus `Allow connect:*` fails even if the catalog had
  no service but connect.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from connect_iam.catalog import ServiceCatalog
from connect_iam.model.wildcard import WildcardPattern

StatementKey = tuple[int, int]  # (policy number in the analysis, statement index)


@dataclass(frozen=True, slots=True)
class ActionElement:
    """One statement's Action / NotAction element, compiled as the evaluator compiles it."""

    key: StatementKey
    patterns: tuple[str, ...]
    not_action: bool
    compiled: tuple[WildcardPattern, ...] = field(init=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(
            self,
            "compiled",
            tuple(WildcardPattern.compile(p, ignore_case=True) for p in self.patterns),
        )

    def names(self, action: str) -> bool:
        return any(p.matches(action) for p in self.compiled) != self.not_action


@dataclass(slots=True)
class ActionClass:
    signature: frozenset[StatementKey]
    examples: list[str] = field(default_factory=list)  # catalog actions, first few
    size: int = 0  # catalog actions counted so far (the services in `unread` are not counted)
    services: list[str] = field(default_factory=list)
    unread: list[str] = field(default_factory=list)  # member services whose file was not read

    def catalog_size(self, catalog: ServiceCatalog) -> int:
        """How many catalog actions share this signature (reads the `unread` services)."""
        return self.size + sum(len(catalog.actions(prefix)) for prefix in self.unread)


_EXAMPLES = 3


def _all_stars(text: str) -> bool:
    return bool(text) and not text.strip("*")


def catalog_classes(
    elements: Sequence[ActionElement], catalog: ServiceCatalog
) -> list[ActionClass]:
    """Every signature realised by a catalog action, with example actions, in catalog order."""
    prefixes = catalog.service_prefixes()
    to_load: set[str] = set()
    for element in elements:
        for pattern in element.patterns:
            if _all_stars(pattern):
                continue
            service, colon, name = pattern.partition(":")
            if colon and _all_stars(name) and ":" not in name:
                continue  # service-level: same verdict for every action of a service
            if colon and "*" not in service and "?" not in service:
                if catalog.service_exists(service):
                    to_load.add(service.lower())
                continue
            glob = WildcardPattern.compile(service if colon else pattern, ignore_case=True)
            if colon:
                to_load.update(p for p in prefixes if glob.matches(p))
            else:
                to_load.update(prefixes)
    classes: dict[frozenset[StatementKey], ActionClass] = {}

    def add(signature: frozenset[StatementKey], action: str | None, count: int, svc: str) -> None:
        entry = classes.get(signature)
        if entry is None:
            entry = classes[signature] = ActionClass(signature)
        if action is not None and len(entry.examples) < _EXAMPLES:
            entry.examples.append(action)
        entry.size += count
        if svc not in entry.services:
            entry.services.append(svc)

    # An action's signature is a function of which distinct patterns match it: match each
    # distinct pattern once per action and memoize the signature per hit vector.
    distinct = sorted({p for e in elements for p in e.patterns})
    compiled = [WildcardPattern.compile(p, ignore_case=True) for p in distinct]
    position = {p: i for i, p in enumerate(distinct)}
    element_hits = [(e.key, [position[p] for p in e.patterns], e.not_action) for e in elements]
    by_vector: dict[tuple[bool, ...], frozenset[StatementKey]] = {}

    def signature_of(action: str) -> frozenset[StatementKey]:
        vector = tuple(p.matches(action) for p in compiled)
        found = by_vector.get(vector)
        if found is None:
            found = by_vector[vector] = frozenset(
                key
                for key, hits, negated in element_hits
                if any(vector[h] for h in hits) != negated
            )
        return found

    pending: dict[frozenset[StatementKey], list[str]] = {}
    for prefix in prefixes:
        if prefix in to_load:
            for info in catalog.actions(prefix):
                action = info.qualified_name
                add(signature_of(action), action, 1, prefix)
            continue
        # Only service-level patterns can name this service: any action name stands for all.
        signature = signature_of(f"{prefix}:\ue002")
        pending.setdefault(signature, []).append(prefix)
    for signature, members in pending.items():
        example: str | None = None
        read = len(members)  # services read looking for an example action
        count = 0
        for done, prefix in enumerate(members, start=1):
            actions = catalog.actions(prefix)
            if actions:
                example = actions[0].qualified_name
                count = len(actions)
                read = done
                break
        add(signature, example, count, members[0])
        classes[signature].services.extend(m for m in members[1:6])
        classes[signature].unread.extend(members[read:])
    return list(classes.values())


def action_universe_note() -> str:
    return (
        "actions: every catalog action, plus every other `service:Name` string the simulator "
        "accepts (matched case-insensitively)"
    )


def symbolic_pattern_re(pattern: str) -> Any:
    """A case-folded action pattern as a z3 regex over the case-folded action name."""
    from connect_iam.analyzer.regex import glob_re

    return glob_re(pattern.casefold())
