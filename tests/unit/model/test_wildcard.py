"""IAM glob: `*` any run (including empty), `?` exactly one character (iam-semantics §3.1-§3.2)."""

from __future__ import annotations

import pytest

from connect_iam.model.wildcard import WildcardPattern, wildcard_match


@pytest.mark.parametrize(
    ("pattern", "text", "expected"),
    [
        ("*", "", True),
        ("*", "anything:at/all", True),
        ("**", "x", True),
        ("abc", "abc", True),
        ("abc", "abcd", False),
        ("abc", "ABC", False),
        ("abc*", "abc", True),
        ("abc*", "abcdef", True),
        ("abc*", "ab", False),
        ("*abc", "xxabc", True),
        ("*abc", "abcx", False),
        ("a*c", "ac", True),
        ("a*c", "abbbc", True),
        ("a*c", "abbb", False),
        ("a?c", "abc", True),
        ("a?c", "ac", False),
        ("a?c", "abbc", False),
        ("?", "", False),
        ("?", "x", True),
        ("??", "x", False),
        ("*?", "", False),
        ("*?", "x", True),
        ("a*b*c", "abc", True),
        ("a*b*c", "acb", False),
        ("a*b?d*e", "axbcdyye", True),
        ("a*b?d*e", "axbdde", True),
        ("a*b?d*e", "axbde", False),
        ("*a*a*", "aa", True),
        ("*a*a*", "a", False),
        ("x*x", "x", False),
        ("bucket/*/test/*", "bucket/1/2/test/3/object.jpg", True),
        ("a\nb*", "a\nbc", True),
        ("a?b", "a\nb", True),
        ("a.c", "abc", False),
        ("a[b]c", "a[b]c", True),
    ],
)
def test_glob_semantics(pattern: str, text: str, expected: bool) -> None:
    """RESOURCE/CONDOPS: `*` is any run including empty, `?` exactly one character, rest literal."""
    assert wildcard_match(pattern, text) is expected
    assert WildcardPattern.compile(pattern).matches(text) is expected


def test_case_sensitive_by_default() -> None:
    """CONDOPS StringLike: case-sensitive matching."""
    assert not wildcard_match("Team*", "team-a")


@pytest.mark.parametrize(
    ("pattern", "text"),
    [
        ("iam:Get*", "IAM:getuser"),
        ("IAM:LISTACCESSKEYS", "iam:ListAccessKeys"),
        ("s3:?et*", "S3:GET"),
    ],
)
def test_ignore_case(pattern: str, text: str) -> None:
    """ACTION: "The prefix and the action name are case insensitive" (§3.1)."""
    assert wildcard_match(pattern, text, ignore_case=True)


def test_properties() -> None:
    """§3.1/§3.2: a pattern without `*`/`?` is matched by equality; the literal prefix bounds it."""
    assert WildcardPattern.compile("connect:DescribeUser").is_literal
    assert not WildcardPattern.compile("connect:Describe*").is_literal
    assert not WildcardPattern.compile("a?").is_literal
    assert WildcardPattern.compile("connect:Describe*").literal_prefix == "connect:Describe"
    assert WildcardPattern.compile("ab?c*").literal_prefix == "ab"
    assert WildcardPattern.compile("abc").literal_prefix == "abc"
    assert WildcardPattern.compile("*").literal_prefix == ""


def test_compile_is_value_equal_and_cached() -> None:
    """Compiled patterns are shared values: same text and case mode compare equal."""
    first = WildcardPattern.compile("a*b")
    assert first == WildcardPattern("a*b")
    assert WildcardPattern.compile("a*b") is first
    assert WildcardPattern.compile("a*b", ignore_case=True) != first


def test_pathological_pattern_completes() -> None:
    """§3.2 globs are user input: `*a*a*...*b` against 2,000 characters must not backtrack."""
    pattern = WildcardPattern.compile("*a" * 12 + "*b")
    assert not pattern.matches("a" * 2000)
    assert pattern.matches("a" * 2000 + "b")
    assert not wildcard_match("*a*a*a*a*a*a*a*a*a*a*a*a*b", "a" * 2000)
    assert not wildcard_match("*?a*?a*?a*?a*?a*?a*?a*b", "a" * 2000)
