"""IAM globs and ARN patterns as z3 regular expressions, mirroring the evaluator's matchers exactly.

- `glob_re`: `WildcardPattern` (`*` any run, `?` exactly one character), whole string.
- `arn_re`: `ArnPattern` (iam-semantics §3.2): a pattern that is not ARN-shaped, or has no
  wildcard, is a whole-string glob; otherwise the pattern's `:`-fields are matched against the
  value's fields (the value is split on its first five `:`), and a pattern field that ends in `*`
  may consume several value fields. Because a value has at most six fields and every pattern field
  consumes at least one, we enumerate the (few) alignments of pattern fields to value fields and
  build one regex per alignment; a field consuming several value fields is the field's glob
  intersected with the shape "c colon-free fields joined by `:`" (the sixth value field may hold
  `:`).
- `fold_re`: the strings whose `str.casefold()` equals a given folded text (`...IgnoreCase`).

Everything here is pure: it builds z3 terms and never solves. `z3` is imported lazily by callers.
"""

from __future__ import annotations

import functools
import sys
from typing import Any

import z3

Re = Any  # z3 regex terms are untyped

_FIELDS = 6


def zstr(text: str) -> Any:
    """A z3 string literal for `text`; z3 would read `\\u{..}` escapes in the raw text."""
    return z3.StringVal(text.replace("\\", "\\u{5c}"))


def lit(text: str) -> Re:
    return z3.Re(zstr(text))


@functools.cache
def any_char() -> Re:
    return z3.AllChar(z3.ReSort(z3.StringSort()))


@functools.cache
def not_colon() -> Re:
    return z3.Intersect(any_char(), z3.Complement(z3.Re(":")))


@functools.cache
def anything() -> Re:
    return z3.Star(any_char())


def _concat(parts: list[Re]) -> Re:
    if not parts:
        return z3.Re(z3.StringVal(""))
    if len(parts) == 1:
        return parts[0]
    return z3.Concat(*parts)


def _union(parts: list[Re]) -> Re:
    if not parts:
        return z3.Empty(z3.ReSort(z3.StringSort()))
    if len(parts) == 1:
        return parts[0]
    return z3.Union(*parts)


def glob_re(pattern: str, *, colon_free: bool = False) -> Re:
    """The IAM glob as a regex; `colon_free` makes `*`/`?` stop at `:` (one ARN field)."""
    char = not_colon() if colon_free else any_char()
    parts: list[Re] = []
    run: list[str] = []
    for c in pattern:
        if c in "*?":
            if run:
                parts.append(lit("".join(run)))
                run = []
            parts.append(z3.Star(char) if c == "*" else char)
        else:
            run.append(c)
    if run:
        parts.append(lit("".join(run)))
    return _concat(parts)


def _fields_shape(count: int, last_free: bool) -> Re:
    """`count` value fields joined by `:`; all colon-free except a free sixth field."""
    pieces: list[Re] = []
    for i in range(count):
        if i:
            pieces.append(z3.Re(":"))
        free = last_free and i == count - 1
        pieces.append(anything() if free else z3.Star(not_colon()))
    return _concat(pieces)


def _compositions(total: int, parts: int, spills: tuple[bool, ...]) -> list[tuple[int, ...]]:
    """Ways to give each pattern field >= 1 value fields (exactly 1 unless it spills)."""
    out: list[tuple[int, ...]] = []

    def walk(i: int, left: int, acc: tuple[int, ...]) -> None:
        if i == parts:
            if left == 0:
                out.append(acc)
            return
        remaining_fields = parts - i - 1
        top = left - remaining_fields if spills[i] else 1
        for c in range(1, top + 1):
            walk(i + 1, left - c, (*acc, c))

    walk(0, total, ())
    return out


@functools.lru_cache(maxsize=4096)
def arn_re(pattern: str) -> Re:
    """The language of `ArnPattern(pattern).matches` (module docstring)."""
    parts = pattern.split(":", _FIELDS - 1)
    if parts[0] != "arn" or ("*" not in pattern and "?" not in pattern):
        return glob_re(pattern)
    n = len(parts)
    spills = tuple(part.endswith("*") for part in parts)
    alternatives: list[Re] = []
    for k in range(n, _FIELDS + 1):
        for counts in _compositions(k, n, spills):
            pieces: list[Re] = []
            start = 0
            for i, count in enumerate(counts):
                if i:
                    pieces.append(z3.Re(":"))
                includes_free = k == _FIELDS and start + count == _FIELDS
                if count == 1 and not includes_free:
                    pieces.append(glob_re(parts[i], colon_free=True))
                elif count == 1:
                    pieces.append(glob_re(parts[i]))
                else:
                    pieces.append(
                        z3.Intersect(glob_re(parts[i]), _fields_shape(count, includes_free))
                    )
                start += count
            alternatives.append(_concat(pieces))
    return _union(alternatives)


@functools.cache
def _fold_inverse() -> dict[str, tuple[str, ...]]:
    """casefold image -> the code points whose fold differs from themselves (computed once)."""
    inverse: dict[str, list[str]] = {}
    for code in range(sys.maxunicode + 1):
        if 0xD800 <= code <= 0xDFFF:
            continue
        char = chr(code)
        folded = char.casefold()
        if folded != char:
            inverse.setdefault(folded, []).append(char)
    return {key: tuple(value) for key, value in inverse.items()}


@functools.cache
def _fold_lengths() -> tuple[int, ...]:
    return tuple(sorted({len(image) for image in _fold_inverse()} | {1}))


@functools.lru_cache(maxsize=4096)
def fold_re(folded: str) -> Re:
    """Strings `s` with `s.casefold() == folded` (`folded` is already casefolded).

    Built position by position: at offset p, a code point whose fold is the next piece of the
    target moves to p + len(fold); a code point that folds to itself matches itself.
    """
    inverse = _fold_inverse()
    lengths = _fold_lengths()

    @functools.cache
    def from_pos(p: int) -> Re:
        if p == len(folded):
            return z3.Re(z3.StringVal(""))
        options: list[Re] = []
        for length in lengths:
            piece = folded[p : p + length]
            if len(piece) != length:
                continue
            chars = list(inverse.get(piece, ()))
            if length == 1 and piece.casefold() == piece:
                chars.append(piece)
            if chars:
                options.append(z3.Concat(_union([lit(c) for c in chars]), from_pos(p + length)))
        return _union(options)

    return from_pos(0)
