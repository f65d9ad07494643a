"""Resource patterns as deterministic automata: which combinations of patterns can one resource
string match at once?

The resource string appears in the analysis only through "does it match Resource pattern p"
(`ArnPattern`, iam-semantics §3.2) and the request universe (`*` or an ARN-shaped string without
the evaluator's reserved characters). So the engine replaces each such membership by a Boolean
atom and only needs the set of atom valuations a real string can produce: the *realizable
vectors*. This module computes that set exactly, with one witness string per vector, by exploring
the product of one DFA per pattern.

- Regexes are hash-consed terms (`Builder`) with Brzozowski derivatives; union and intersection
  are kept as sorted, duplicate-free sets (ACI), so every term has finitely many derivatives and
  the DFA construction terminates. Complement and intersection are supported because the ARN
  language uses intersection (a field that consumes several value fields).
- The languages are built by `arn` / `glob` / `universe`, mirroring `connect_iam.analyzer.regex`
  (and so `ArnPattern`) alignment by alignment.
- Alphabet: a term only distinguishes the characters it names literally, `:` (a field separator
  for `[^:]`) and the two reserved characters. Every other character behaves like the symbol
  `OTHER`, so each DFA is built over its own literal characters plus `OTHER`; the product moves on
  the union of the components' characters that differ from `OTHER` in the current state, plus
  `OTHER` (represented in witnesses by a character no pattern mentions).

Pure Python, no z3; exact by construction (tests compare it with `ArnPattern.matches`).
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

OTHER = ""  # the symbol standing for every character no term names
RESERVED = ("\ue000", "\ue001")
_FIELDS = 6

# Character classes: a one-character string is that literal; these names are the wide classes.
ANY, NOT_COLON, CLEAN = "<any>", "<not-colon>", "<clean>"

# Term kinds
_EMPTY, _EPS, _CHR, _CAT, _OR, _AND, _STAR, _NOT = range(8)


def _class_matches(cls: str, symbol: str) -> bool:
    if len(cls) == 1:
        return symbol == cls
    if cls == ANY:
        return True
    if cls == NOT_COLON:
        return symbol != ":"
    return symbol not in RESERVED  # CLEAN


class TooLarge(Exception):
    """The exploration passed its state budget (the engine then falls back to z3 strings)."""


class Builder:
    """Hash-consed regex terms (ints) with derivatives; one per analysis."""

    def __init__(self) -> None:
        self._nodes: list[tuple[int, tuple[object, ...]]] = []
        self._ids: dict[tuple[int, tuple[object, ...]], int] = {}
        self._nullable: list[bool] = []
        self._chars: list[frozenset[str]] = []
        self._heads: list[frozenset[str]] = []
        self._derivatives: dict[tuple[int, str], int] = {}
        self.empty = self._make(_EMPTY, ())
        self.eps = self._make(_EPS, ())
        self.any_char = self.char(ANY)
        self.full = self._make(_STAR, (self.any_char,))

    # -- construction -------------------------------------------------------------------------

    def _make(self, kind: int, args: tuple[object, ...]) -> int:
        key = (kind, args)
        found = self._ids.get(key)
        if found is not None:
            return found
        index = len(self._nodes)
        self._nodes.append(key)
        self._ids[key] = index
        self._nullable.append(self._compute_nullable(kind, args))
        self._chars.append(self._compute_chars(kind, args))
        self._heads.append(self._compute_heads(kind, args))
        return index

    def _compute_nullable(self, kind: int, args: tuple[object, ...]) -> bool:
        if kind in (_EPS, _STAR):
            return True
        if kind in (_EMPTY, _CHR):
            return False
        items = [a for a in args if isinstance(a, int)]
        if kind == _CAT:
            return all(self._nullable[a] for a in items)
        if kind == _OR:
            return any(self._nullable[a] for a in items)
        if kind == _AND:
            return all(self._nullable[a] for a in items)
        return not self._nullable[items[0]]  # _NOT

    def _compute_chars(self, kind: int, args: tuple[object, ...]) -> frozenset[str]:
        if kind == _CHR:
            cls = args[0]
            assert isinstance(cls, str)
            if len(cls) == 1:
                return frozenset((cls,))
            return frozenset((":",)) if cls == NOT_COLON else frozenset(RESERVED)
        out: frozenset[str] = frozenset()
        for a in args:
            if isinstance(a, int):
                out |= self._chars[a]
        return out

    def _compute_heads(self, kind: int, args: tuple[object, ...]) -> frozenset[str]:
        """The characters whose derivative may differ from `OTHER`'s (first position only)."""
        if kind == _CHR:
            return self._compute_chars(kind, args)
        items = [a for a in args if isinstance(a, int)]
        if kind == _CAT:
            left, right = items
            if self._nullable[left]:
                return self._heads[left] | self._heads[right]
            return self._heads[left]
        out: frozenset[str] = frozenset()
        for a in items:
            out |= self._heads[a]
        return out

    def char(self, cls: str) -> int:
        return self._make(_CHR, (cls,))

    def literal(self, text: str) -> int:
        return self.concat([self.char(c) for c in text])

    def concat(self, parts: Sequence[int]) -> int:
        out = self.eps
        for part in reversed(parts):
            out = self._cat(part, out)
        return out

    def _cat(self, left: int, right: int) -> int:
        if left == self.empty or right == self.empty:
            return self.empty
        if left == self.eps:
            return right
        if right == self.eps:
            return left
        kind, args = self._nodes[left]
        if kind == _CAT:
            first, rest = args
            assert isinstance(first, int) and isinstance(rest, int)
            return self._cat(first, self._cat(rest, right))
        return self._make(_CAT, (left, right))

    def union(self, parts: Sequence[int]) -> int:
        items: set[int] = set()
        for part in parts:
            kind, args = self._nodes[part]
            if kind == _OR:
                items.update(a for a in args if isinstance(a, int))
            elif part != self.empty:
                items.add(part)
        if self.full in items:
            return self.full
        if not items:
            return self.empty
        if len(items) == 1:
            return next(iter(items))
        return self._make(_OR, tuple(sorted(items)))

    def intersect(self, parts: Sequence[int]) -> int:
        items: set[int] = set()
        for part in parts:
            kind, args = self._nodes[part]
            if kind == _AND:
                items.update(a for a in args if isinstance(a, int))
            elif part != self.full:
                items.add(part)
        if self.empty in items:
            return self.empty
        if not items:
            return self.full
        if len(items) == 1:
            return next(iter(items))
        return self._make(_AND, tuple(sorted(items)))

    def star(self, inner: int) -> int:
        if inner in (self.empty, self.eps):
            return self.eps
        if self._nodes[inner][0] == _STAR:
            return inner
        return self._make(_STAR, (inner,))

    def plus(self, inner: int) -> int:
        return self._cat(inner, self.star(inner))

    def complement(self, inner: int) -> int:
        kind, args = self._nodes[inner]
        if kind == _NOT:
            only = args[0]
            assert isinstance(only, int)
            return only
        if inner == self.empty:
            return self.full
        if inner == self.full:
            return self.empty
        return self._make(_NOT, (inner,))

    # -- semantics ----------------------------------------------------------------------------

    def nullable(self, term: int) -> bool:
        return self._nullable[term]

    def chars(self, term: int) -> frozenset[str]:
        """The characters the term tells apart from `OTHER`."""
        return self._chars[term]

    def heads(self, term: int) -> frozenset[str]:
        """The characters whose derivative of the term may differ from the one of `OTHER`."""
        return self._heads[term]

    def derivative(self, term: int, symbol: str) -> int:
        key = (term, symbol)
        found = self._derivatives.get(key)
        if found is not None:
            return found
        kind, args = self._nodes[term]
        result: int
        if kind in (_EMPTY, _EPS):
            result = self.empty
        elif kind == _CHR:
            cls = args[0]
            assert isinstance(cls, str)
            result = self.eps if _class_matches(cls, symbol) else self.empty
        elif kind == _CAT:
            left, right = args
            assert isinstance(left, int) and isinstance(right, int)
            step = self._cat(self.derivative(left, symbol), right)
            if self._nullable[left]:
                step = self.union([step, self.derivative(right, symbol)])
            result = step
        elif kind == _OR:
            result = self.union([self.derivative(a, symbol) for a in args if isinstance(a, int)])
        elif kind == _AND:
            result = self.intersect(
                [self.derivative(a, symbol) for a in args if isinstance(a, int)]
            )
        elif kind == _STAR:
            inner = args[0]
            assert isinstance(inner, int)
            result = self._cat(self.derivative(inner, symbol), term)
        else:
            inner = args[0]
            assert isinstance(inner, int)
            result = self.complement(self.derivative(inner, symbol))
        self._derivatives[key] = result
        return result

    def matches(self, term: int, text: str) -> bool:
        """Membership (for tests): characters outside the term's alphabet read as `OTHER`."""
        for c in text:
            term = self.derivative(term, c if c in self._chars[term] else OTHER)
        return self._nullable[term]

    # -- the languages of the analysis ---------------------------------------------------------

    def glob(self, pattern: str, *, colon_free: bool = False) -> int:
        """`WildcardPattern` (`*` any run, `?` one character); `colon_free`: within one field."""
        char = self.char(NOT_COLON if colon_free else ANY)
        parts = []
        for c in pattern:
            if c == "*":
                parts.append(self.star(char))
            elif c == "?":
                parts.append(char)
            else:
                parts.append(self.char(c))
        return self.concat(parts)

    def _fields_shape(self, count: int, last_free: bool) -> int:
        pieces: list[int] = []
        for i in range(count):
            if i:
                pieces.append(self.char(":"))
            free = last_free and i == count - 1
            pieces.append(self.full if free else self.star(self.char(NOT_COLON)))
        return self.concat(pieces)

    def arn(self, pattern: str) -> int:
        """The language of `ArnPattern(pattern).matches` (mirrors `regex.arn_re`)."""
        parts = pattern.split(":", _FIELDS - 1)
        if parts[0] != "arn" or ("*" not in pattern and "?" not in pattern):
            return self.glob(pattern)
        n = len(parts)
        spills = tuple(part.endswith("*") for part in parts)
        alternatives: list[int] = []
        for k in range(n, _FIELDS + 1):
            for counts in _compositions(k, n, spills):
                pieces: list[int] = []
                start = 0
                for i, count in enumerate(counts):
                    if i:
                        pieces.append(self.char(":"))
                    includes_free = k == _FIELDS and start + count == _FIELDS
                    if count == 1 and not includes_free:
                        pieces.append(self.glob(parts[i], colon_free=True))
                    elif count == 1:
                        pieces.append(self.glob(parts[i]))
                    else:
                        pieces.append(
                            self.intersect(
                                [self.glob(parts[i]), self._fields_shape(count, includes_free)]
                            )
                        )
                    start += count
                alternatives.append(self.concat(pieces))
        return self.union(alternatives)

    def universe(self) -> int:
        """The resources a request may name: `*` or `arn:p:s:r:a:rest` (p, s non-empty), without
        the reserved characters (mirrors the encoder's universe axiom)."""
        not_colon = self.char(NOT_COLON)
        shape = self.concat(
            [
                self.literal("arn:"),
                self.plus(not_colon),
                self.char(":"),
                self.plus(not_colon),
                self.char(":"),
                self.star(not_colon),
                self.char(":"),
                self.star(not_colon),
                self.char(":"),
                self.full,
            ]
        )
        clean = self.star(self.char(CLEAN))
        return self.intersect([self.union([self.char("*"), shape]), clean])


def _compositions(total: int, parts: int, spills: tuple[bool, ...]) -> list[tuple[int, ...]]:
    """Ways to give each pattern field >= 1 value fields (exactly 1 unless it spills)."""
    out: list[tuple[int, ...]] = []

    def walk(i: int, left: int, acc: tuple[int, ...]) -> None:
        if i == parts:
            if left == 0:
                out.append(acc)
            return
        top = left - (parts - i - 1) if spills[i] else 1
        for c in range(1, top + 1):
            walk(i + 1, left - c, (*acc, c))

    walk(0, total, ())
    return out


@dataclass(slots=True)
class Dfa:
    """States 0..n-1 (0 initial); per state the move on `OTHER` plus the characters that differ."""

    other: list[int]
    special: list[dict[str, int]]
    accepting: list[bool]
    live: list[bool]  # some accepting state is reachable


def compile_dfa(builder: Builder, term: int, budget: int) -> Dfa:
    index = {term: 0}
    terms = [term]
    other: list[int] = []
    special: list[dict[str, int]] = []
    i = 0
    while i < len(terms):
        current = terms[i]
        i += 1
        targets: dict[str, int] = {}
        for symbol in (OTHER, *sorted(builder.heads(current))):
            nxt = builder.derivative(current, symbol)
            found = index.get(nxt)
            if found is None:
                found = index[nxt] = len(terms)
                terms.append(nxt)
                if len(terms) > budget:
                    raise TooLarge(f"a resource pattern needs more than {budget} DFA states")
            targets[symbol] = found
        default = targets.pop(OTHER)
        other.append(default)
        special.append({s: t for s, t in targets.items() if t != default})
    accepting = [builder.nullable(t) for t in terms]
    predecessors: list[set[int]] = [set() for _ in terms]
    for state in range(len(terms)):
        predecessors[other[state]].add(state)
        for target in special[state].values():
            predecessors[target].add(state)
    live = list(accepting)
    stack = [state for state, ok in enumerate(accepting) if ok]
    while stack:
        for previous in predecessors[stack.pop()]:
            if not live[previous]:
                live[previous] = True
                stack.append(previous)
    return Dfa(other, special, accepting, live)


def _other_candidates() -> Iterator[str]:
    yield from "xabcdefghijklmnopqrstuvwyz0123456789_~"
    for code in range(0x100, 0x10000):
        yield chr(code)


@dataclass(slots=True)
class ResourceSpace:
    """The realizable vectors of `patterns` over the universe, each with a shortest witness."""

    patterns: tuple[str, ...]
    witnesses: dict[tuple[bool, ...], str]
    states: int


def explore(patterns: Sequence[str], *, budget: int = 200_000) -> ResourceSpace:
    """Every vector `(p matches s for p in patterns)` over strings s of the request universe, with
    a shortest such s (`ArnPattern` semantics). Raises `TooLarge` past `budget` states."""
    builder = Builder()
    terms = [builder.arn(p) for p in patterns]
    return _explore(builder, builder.universe(), terms, patterns, budget)


def explore_actions(patterns: Sequence[str], *, budget: int = 200_000) -> ResourceSpace:
    """The same for case-folded Action patterns (whole-string globs) over the action names
    `service:name` (one `:`, both parts non-empty), read as case-folded strings."""
    builder = Builder()
    name = builder.plus(builder.char(NOT_COLON))
    universe = builder.concat([name, builder.char(":"), name])
    terms = [builder.glob(p) for p in patterns]
    return _explore(builder, universe, terms, patterns, budget)


def _explore(
    builder: Builder,
    universe_term: int,
    terms: Sequence[int],
    patterns: Sequence[str],
    budget: int,
) -> ResourceSpace:
    universe = compile_dfa(builder, universe_term, budget)
    components = [universe] + [compile_dfa(builder, t, budget) for t in terms]
    used: set[str] = set(RESERVED) | {":", "*", "?"}
    for p in patterns:
        used.update(p)
    used.update("arn")
    other_char = next(c for c in _other_candidates() if c not in used)
    start = (0,) * len(components)
    parents: dict[tuple[int, ...], tuple[tuple[int, ...], str] | None] = {start: None}
    queue = deque([start])
    found: dict[tuple[bool, ...], tuple[int, ...]] = {}
    while queue:
        state = queue.popleft()
        if universe.accepting[state[0]]:
            vector = tuple(c.accepting[s] for c, s in zip(components[1:], state[1:], strict=True))
            found.setdefault(vector, state)
        symbols: set[str] = set()
        for component, s in zip(components, state, strict=True):
            symbols.update(component.special[s])
        for symbol in (OTHER, *sorted(symbols)):
            nxt = tuple(
                c.special[s].get(symbol, c.other[s]) if symbol else c.other[s]
                for c, s in zip(components, state, strict=True)
            )
            if not universe.live[nxt[0]] or nxt in parents:
                continue
            parents[nxt] = (state, symbol or other_char)
            if len(parents) > budget:
                raise TooLarge(f"the resource patterns need more than {budget} product states")
            queue.append(nxt)
    witnesses: dict[tuple[bool, ...], str] = {}
    for vector, state in found.items():
        chars: list[str] = []
        cursor = parents[state]
        while cursor is not None:
            previous, char = cursor
            chars.append(char)
            cursor = parents[previous]
        witnesses[vector] = "".join(reversed(chars))
    return ResourceSpace(tuple(patterns), witnesses, len(parents))
