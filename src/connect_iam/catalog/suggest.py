"""Suggestions ("did you mean ...?") for misspelled services, actions and condition keys.

Why: the published Connect policy examples contain exactly these mistakes and they fail silently
(connect-model.md §3, §5.9): `app-integartions:DeleteEventIntegration`, the ARN namespace
`appintegrations`, the nonexistent `profile:ListObjects` (meant: `ListProfileObjects`), and the
admin guide's `connect:ResourceTag/...` (real key: `aws:ResourceTag/...`, §1.3).

Two heuristics, tried in order, each returning nothing rather than a weak guess:
1. spelling: difflib similarity with a high cutoff (typos, transpositions, a dropped letter);
2. containment: the written name's CamelCase words appear, in order, in exactly one real name
   that only adds one word, preferably a word of the service's own name (`List|Objects` in
   `List|Profile|Objects` for the `profile` service).
"""

from __future__ import annotations

import difflib
import re

from connect_iam.catalog.service_catalog import ServiceCatalog, get_catalog

__all__ = ["suggest_action", "suggest_condition_key", "suggest_service"]

_CUTOFF = 0.8
_CAMEL_WORD = re.compile(r"[A-Z]+(?![a-z])|[A-Z]?[a-z]+|\d+")
_TEMPLATE_PART = re.compile(r"\$\{[^}]*\}|<[^>]*>")


def _closest(word: str, candidates: dict[str, str]) -> str | None:
    """Best difflib match among lower-cased candidate keys; returns the canonical value."""
    found = difflib.get_close_matches(word.lower(), candidates.keys(), n=1, cutoff=_CUTOFF)
    return candidates[found[0]] if found else None


def suggest_service(prefix: str, catalog: ServiceCatalog | None = None) -> str | None:
    """A real service prefix close to `prefix`, or None if it exists or nothing is close.

    Hyphens are ignored first, because SDK client names drop them (`appintegrations` is the
    boto3 client name of `app-integrations`, connect-model.md §2.1).
    """
    catalog = catalog or get_catalog()
    if catalog.service_exists(prefix):
        return None
    prefixes = catalog.service_prefixes()
    squashed = prefix.lower().replace("-", "")
    same = [p for p in prefixes if p.replace("-", "") == squashed]
    if len(same) == 1:
        return same[0]
    return _closest(prefix, {p: p for p in prefixes})


def _words(name: str) -> tuple[str, ...]:
    return tuple(w.lower().removesuffix("s") for w in _CAMEL_WORD.findall(name))


def _is_subsequence(short: tuple[str, ...], long: tuple[str, ...]) -> bool:
    remaining = iter(long)
    return all(word in remaining for word in short)


def _service_words(catalog: ServiceCatalog, prefix: str) -> frozenset[str]:
    """Words naming the service, e.g. {"profile"} for `profile`; they are the likeliest word to
    have been dropped from an action name."""
    return frozenset(w.removesuffix("s") for w in re.split(r"[^a-z0-9]+", prefix.lower()) if w)


def _contained_action(
    name: str, actions: dict[str, str], service_words: frozenset[str]
) -> str | None:
    wanted = _words(name)
    if len(wanted) < 2:
        return None
    fits: list[tuple[str, str]] = []  # (canonical name, the one added word)
    for canonical in actions.values():
        words = _words(canonical)
        if (
            len(words) == len(wanted) + 1
            and words[0] == wanted[0]
            and words[-1] == wanted[-1]
            and _is_subsequence(wanted, words)
        ):
            added = next(w for i, w in enumerate(words) if i >= len(wanted) or w != wanted[i])
            fits.append((canonical, added))
    preferred = [c for c, added in fits if added in service_words]
    if len(preferred) == 1:
        return preferred[0]
    if len(fits) == 1:
        return fits[0][0]
    return None


def suggest_action(qualified: str, catalog: ServiceCatalog | None = None) -> str | None:
    """A real `service:Action` close to `qualified`, or None if it exists or nothing is close.

    A misspelled service is corrected first (`app-integartions:DeleteEventIntegration`); wildcard
    patterns get no suggestion, because they are not meant to name one action.
    """
    catalog = catalog or get_catalog()
    prefix, sep, name = qualified.partition(":")
    if not sep or not name or "*" in qualified or "?" in qualified:
        return None
    service = prefix.lower()
    if not catalog.service_exists(service):
        corrected = suggest_service(prefix, catalog)
        if corrected is None:
            return None
        service = corrected
        exact = catalog.action(service, name)
        if exact is not None:
            return exact.qualified_name
    elif catalog.action(service, name) is not None:
        return None
    actions = {a.name.lower(): a.name for a in catalog.actions(service)}
    found = _closest(name, actions) or _contained_action(
        name, actions, _service_words(catalog, service)
    )
    return f"{service}:{found}" if found else None


def _family(key: str) -> str:
    """The fixed part of a templated key: `aws:ResourceTag/${TagKey}` -> `aws:resourcetag/`."""
    return _TEMPLATE_PART.split(key, maxsplit=1)[0].lower()


def suggest_condition_key(key: str, catalog: ServiceCatalog | None = None) -> str | None:
    """A real condition key close to `key`, or None if it is known or nothing is close.

    A concrete key in a misspelled templated family keeps its own tail:
    `aws:ResourceTags/Team` -> `aws:ResourceTag/Team`, `connect:ResourceTag/Team` ->
    `aws:ResourceTag/Team`.
    """
    catalog = catalog or get_catalog()
    if catalog.condition_key(key) is not None:
        return None
    prefix, sep, rest = key.partition(":")
    if not sep:
        return None
    pool = list(catalog.condition_keys("aws"))
    if prefix.lower() != "aws":
        pool.extend(catalog.condition_keys(prefix))
    head, slash, tail = key.partition("/")
    if slash and tail:
        families = {_family(info.key): info.key for info in pool if info.is_templated}
        family = _closest(head + "/", families)
        if family is None and prefix.lower() != "aws":
            family = families.get(f"aws:{head.partition(':')[2]}/".lower())
        if family is not None:
            return _family_with_tail(family, tail)
    plain = {info.key.lower(): info.key for info in pool if not info.is_templated}
    found = _closest(key, plain)
    if found is None and prefix.lower() != "aws":
        found = plain.get(f"aws:{rest}".lower())
    return found


def _family_with_tail(template: str, tail: str) -> str:
    head = _TEMPLATE_PART.split(template, maxsplit=1)[0]
    return head + tail
