"""Property tests for the IAM glob and ARN matchers (iam-semantics §3.1-§3.2, §5.3)."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from connect_iam.model.arn import ArnPattern
from connect_iam.model.wildcard import WildcardPattern, wildcard_match

# A small alphabet makes matches (and near-misses) common; `:`/`/` exercise ARN structure.
TEXT = st.text(alphabet="ab:/\n", max_size=12)
PATTERN = st.text(alphabet="ab:/\n*?", max_size=10)
ARN_FIELD = st.text(alphabet="ab/-", max_size=4)


def reference(pattern: str, text: str) -> bool:
    """The textbook glob: `*` -> `.*`, `?` -> `.`, everything else escaped, whole-string match."""
    source = "".join(
        ".*" if char == "*" else "." if char == "?" else re.escape(char) for char in pattern
    )
    return re.fullmatch(source, text, re.DOTALL) is not None


@given(PATTERN, TEXT)
@settings(max_examples=600)
def test_glob_agrees_with_regex_reference(pattern: str, text: str) -> None:
    """CONDOPS StringLike / RESOURCE: `*` any run (incl. empty), `?` exactly one character."""
    assert wildcard_match(pattern, text) is reference(pattern, text)


@given(PATTERN, st.text(alphabet="aAbB:", max_size=10))
def test_ignore_case_agrees_with_casefolded_reference(pattern: str, text: str) -> None:
    """ACTION §3.1: names match case-insensitively (on ASCII, same as the casefolded reference)."""
    expected = reference(pattern.casefold(), text.casefold())
    assert wildcard_match(pattern.upper(), text, ignore_case=True) is expected


@given(TEXT)
def test_literal_pattern_is_equality(text: str) -> None:
    """§3.2: a pattern without wildcards matches exactly itself."""
    assert WildcardPattern.compile(text).matches(text)
    assert WildcardPattern.compile(text).matches(text + "a") is False


@given(TEXT, TEXT)
def test_star_suffix_is_prefix_test(prefix: str, text: str) -> None:
    """RESOURCE: a trailing `*` matches any continuation, so `p*` is `startswith(p)`."""
    assert wildcard_match(prefix + "*", text) is text.startswith(prefix)


@given(st.lists(ARN_FIELD, min_size=6, max_size=6), st.text(alphabet="ab:/-", max_size=20))
def test_arn_pattern_without_wildcards_is_equality(fields: list[str], other: str) -> None:
    """§3.2: an ARN pattern with no `*`/`?` matches only the identical string (case-sensitive)."""
    arn = "arn:" + ":".join(fields[1:])
    pattern = ArnPattern.compile(arn)
    assert pattern.matches(arn)
    assert pattern.matches(other) is (other == arn)


@given(
    st.lists(ARN_FIELD, min_size=5, max_size=5),
    st.integers(min_value=1, max_value=5),
    st.text(alphabet="ab:/-", max_size=10),
)
def test_arn_star_suffix_consumes_the_rest(fields: list[str], cut: int, tail: str) -> None:
    """RESOURCE: "If the * wildcard is the last character of a resource ARN segment, it can
    expand to match beyond the colon boundaries": a pattern that is a literal ARN prefix ending
    at a field boundary, plus `*`, matches every ARN that starts with it."""
    arn = "arn:" + ":".join(fields[1:]) + ":" + tail
    prefix = ":".join(arn.split(":")[:cut]) + ":"
    assert ArnPattern.compile(prefix + "*").matches(arn)


@given(st.lists(ARN_FIELD, min_size=6, max_size=6), st.lists(ARN_FIELD, min_size=6, max_size=6))
def test_arn_per_field_never_looser_than_whole_string_glob(
    pattern_fields: list[str], value_fields: list[str]
) -> None:
    """§3.2 [INFERRED]: per-field matching is at most as permissive as the whole-string glob."""
    pattern = "arn:" + ":".join(
        field + "*" if i % 2 else field for i, field in enumerate(pattern_fields[1:])
    )
    value = "arn:" + ":".join(value_fields[1:])
    if ArnPattern.compile(pattern).matches(value):
        assert reference(pattern, value)


def test_pathological_pattern_terminates() -> None:
    """§3.2: user-supplied globs must not backtrack exponentially (2,000-character input)."""
    assert not wildcard_match("*a*a*a*a*a*a*a*a*a*a*a*a*b", "a" * 2000)
    assert not ArnPattern.compile("*a*a*a*a*a*a*a*a*a*a*a*a*b").matches("a" * 2000)
    assert not ArnPattern.compile("arn:aws:s3:::*a*a*a*a*a*a*a*a*a*a*a*b").matches(
        "arn:aws:s3:::" + "a" * 2000
    )


@given(
    st.lists(st.text(alphabet="ab*?", max_size=3), min_size=2, max_size=6),
    st.text(alphabet="ab:", max_size=14),
)
@settings(max_examples=400)
def test_arn_fast_paths_agree_with_field_search(pattern_fields: list[str], tail: str) -> None:
    """§3.2 [INFERRED] rule: the one-to-one shortcut gives the same answer as the full search
    in which every `*`-ended field may also swallow following fields."""
    from connect_iam.model.arn import _match_fields

    pattern = "arn:" + ":".join(pattern_fields[1:])
    value = "arn:" + tail
    compiled = ArnPattern.compile(pattern)
    if "*" not in pattern and "?" not in pattern:
        return
    fields = tuple(WildcardPattern.compile(part) for part in pattern.split(":", 5))
    spills = tuple(part.endswith("*") for part in pattern.split(":", 5))
    expected = _match_fields(fields, spills, value.split(":", 5), 0, 0)
    assert compiled.matches(value) is expected
