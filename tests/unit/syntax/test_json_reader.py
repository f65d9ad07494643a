"""The positioned, error-recovering JSON reader (RFC 8259; IAM grammar in iam-semantics §2.1)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from connect_iam.diagnostics import Finding, FindingType
from connect_iam.source import SourceText
from connect_iam.syntax.json_reader import INVALID_CHARACTER, JSON_SYNTAX_ERROR, read_json
from connect_iam.syntax.tree import (
    JsonArray,
    JsonBool,
    JsonNull,
    JsonNumber,
    JsonObject,
    JsonString,
    JsonValue,
)

SEED_03 = Path("/work/shared/seed/policies/03-allow-create-user-deny-security-profile.json")


def to_python(node: JsonValue | None) -> object:
    """The value `json.loads` would give: for duplicate keys the last one wins."""
    match node:
        case JsonObject(members):
            return {member.key.value: to_python(member.value) for member in members}
        case JsonArray(items):
            return [to_python(item) for item in items]
        case JsonNull() | None:
            return None
        case JsonString(value) | JsonBool(value) | JsonNumber(_, value):
            return value
    raise AssertionError(node)


def nodes(node: JsonValue) -> list[JsonValue]:
    out: list[JsonValue] = []
    pending = [node]
    while pending:
        current = pending.pop()
        out.append(current)
        if isinstance(current, JsonObject):
            for member in current.members:
                out.append(member.key)
                pending.append(member.value)
        elif isinstance(current, JsonArray):
            pending.extend(current.items)
    return out


def read(text: str) -> tuple[JsonValue | None, tuple[Finding, ...]]:
    return read_json(SourceText(text))


def located(findings: tuple[Finding, ...]) -> list[tuple[str, int, int, str]]:
    """(code, start offset, end offset, message) per finding, for exact comparisons."""
    out = []
    for finding in findings:
        assert finding.span is not None
        out.append(
            (
                finding.issue_code,
                finding.span.start.offset,
                finding.span.end.offset,
                finding.message,
            )
        )
    return out


VALID = [
    "{}",
    "[]",
    '{"a": [1, 2.5, -0, 1e3, 1E-2, true, false, null, "x"]}',
    '"\\"\\\\\\/\\b\\f\\n\\r\\t\\u00e9\\ud83d\\ude00"',
    '{"a": 1, "a": 2}',
    "  \n\t 42 \r\n",
    '{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*"}]}',
]


@pytest.mark.parametrize("text", VALID)
def test_valid_documents_agree_with_json_loads(text: str) -> None:
    """RFC 8259 §2-§7: a conforming document reads to the value `json.loads` gives."""
    tree, findings = read(text)
    assert findings == ()
    assert to_python(tree) == json.loads(text)


@pytest.mark.parametrize("text", VALID)
def test_every_span_reparses_to_its_node(text: str) -> None:
    """RFC 8259 §2: each value is a contiguous run of text, so its span alone re-reads to it."""
    tree, _ = read(text)
    assert tree is not None
    for node in nodes(tree):
        snippet = text[node.span.start.offset : node.span.end.offset]
        assert json.loads(snippet) == to_python(node)


def test_duplicate_keys_are_kept_in_order() -> None:
    """iam-semantics §2.1: duplicate keys are an IAM error the policy parser reports: keep them."""
    tree, findings = read('{"a": 1, "b": 2, "a": 3}')
    assert findings == ()
    assert isinstance(tree, JsonObject)
    assert [m.key.value for m in tree.members] == ["a", "b", "a"]


def test_member_span_runs_from_key_to_value_end() -> None:
    """RFC 8259 §4: a member is `string name-separator value`; its span covers exactly that."""
    text = '{ "key" :\n  [1, 2] }'
    tree, _ = read(text)
    assert isinstance(tree, JsonObject)
    member = tree.members[0]
    assert text[member.span.start.offset : member.span.end.offset] == '"key" :\n  [1, 2]'


def test_positions_on_multi_line_input() -> None:
    """RFC 8259 §2 whitespace includes line breaks; positions are line from 1, column from 0."""
    text = '{\n  "a": [\n    true,\n\t"x"\n  ]\n}'
    tree, _ = read(text)
    assert isinstance(tree, JsonObject)
    array = tree.members[0].value
    assert isinstance(array, JsonArray)
    assert (array.span.start.line, array.span.start.column) == (2, 7)
    assert (array.span.end.line, array.span.end.column) == (5, 3)
    first, second = array.items
    assert (first.span.start.line, first.span.start.column, first.span.start.offset) == (3, 4, 15)
    assert (second.span.start.line, second.span.start.column) == (4, 1)
    assert (tree.span.end.line, tree.span.end.column) == (6, 1)


def test_numbers_keep_their_text_and_type() -> None:
    """RFC 8259 §6: a number with no fraction or exponent is an integer; the text is kept."""
    tree, findings = read("[10, 10.0, 1e2, -0]")
    assert findings == ()
    assert isinstance(tree, JsonArray)
    got = [(n.text, n.value, type(n.value)) for n in tree.items if isinstance(n, JsonNumber)]
    assert got == [("10", 10, int), ("10.0", 10.0, float), ("1e2", 100.0, float), ("-0", 0, int)]


# ---- recovery ---------------------------------------------------------------------------------


def test_trailing_comma_in_object() -> None:
    """RFC 8259 §4: a comma separates members, so one before `}` is an error; read as absent."""
    tree, findings = read('{"a": 1,}')
    assert located(findings) == [(JSON_SYNTAX_ERROR, 7, 8, "trailing comma before `}`")]
    assert to_python(tree) == {"a": 1}


def test_trailing_comma_in_array() -> None:
    """RFC 8259 §5: a comma separates items, so one before `]` is an error; read as absent."""
    tree, findings = read("[1, 2 , ]")
    assert located(findings) == [(JSON_SYNTAX_ERROR, 6, 7, "trailing comma before `]`")]
    assert to_python(tree) == [1, 2]


def test_missing_comma_between_members() -> None:
    """RFC 8259 §4: members need a value-separator; a missing one is reported and inserted."""
    tree, findings = read('{"a": 1\n "b": 2}')
    assert located(findings) == [(JSON_SYNTAX_ERROR, 9, 12, "missing comma between object members")]
    assert findings[0].span is not None and findings[0].span.start.line == 2
    assert to_python(tree) == {"a": 1, "b": 2}


def test_missing_comma_between_items() -> None:
    """RFC 8259 §5: items need a value-separator; a missing one is reported and inserted."""
    tree, findings = read('[1 "x" {}]')
    assert located(findings) == [
        (JSON_SYNTAX_ERROR, 3, 6, "missing comma between array items"),
        (JSON_SYNTAX_ERROR, 7, 8, "missing comma between array items"),
    ]
    assert to_python(tree) == [1, "x", {}]


def test_missing_closers_at_end_of_input() -> None:
    """RFC 8259 §4-§5: objects and arrays end with `}`/`]`; at EOF they are closed for the user."""
    tree, findings = read('{"a": [1, 2')
    assert located(findings) == [
        (JSON_SYNTAX_ERROR, 11, 11, "unexpected end of input, expected `]`")
    ]
    assert to_python(tree) == {"a": [1, 2]}
    assert tree is not None and tree.span.end.offset == 11


def test_unexpected_end_in_object() -> None:
    """RFC 8259 §4: an object must be closed with `}`."""
    tree, findings = read('{"a": 1')
    assert located(findings) == [(JSON_SYNTAX_ERROR, 7, 7, "unexpected end of input, expected `}`")]
    assert to_python(tree) == {"a": 1}


def test_unquoted_key() -> None:
    """RFC 8259 §4: a member name is a string; an unquoted word is reported and used as the key."""
    tree, findings = read("{Effect: 1}")
    assert located(findings) == [(JSON_SYNTAX_ERROR, 1, 7, "expected a string key, found `Effect`")]
    assert to_python(tree) == {"Effect": 1}


def test_single_quoted_key_and_value() -> None:
    """RFC 8259 §7: strings are delimited by quotation marks (U+0022) only."""
    tree, findings = read("{'a': 'b'}")
    assert located(findings) == [
        (JSON_SYNTAX_ERROR, 1, 4, "single-quoted strings are not allowed"),
        (JSON_SYNTAX_ERROR, 6, 9, "single-quoted strings are not allowed"),
    ]
    assert to_python(tree) == {"a": "b"}


def test_stray_token_is_skipped() -> None:
    """RFC 8259 §5: only values and separators may appear in an array; a stray word is dropped."""
    tree, findings = read("[1, 2 oops, 3]")
    assert located(findings) == [(JSON_SYNTAX_ERROR, 6, 10, "unexpected `oops`")]
    assert to_python(tree) == [1, 2, 3]


def test_stray_word_as_value() -> None:
    """RFC 8259 §3: a value is one of the listed forms; an unknown word is reported and skipped."""
    tree, findings = read('{"a": Allow, "b": 1}')
    assert located(findings) == [(JSON_SYNTAX_ERROR, 6, 11, "expected a value, found `Allow`")]
    assert to_python(tree) == {"b": 1}


def test_mismatched_closer() -> None:
    """RFC 8259 §4-§5: brackets must pair; an inner unclosed array is closed at the outer `}`."""
    tree, findings = read('{"a": [1}')
    assert located(findings) == [(JSON_SYNTAX_ERROR, 8, 9, "expected `]`, found `}`")]
    assert to_python(tree) == {"a": [1]}


def test_several_problems_are_all_reported() -> None:
    """RFC 8259: each deviation is its own finding; reading goes on after the first."""
    tree, findings = read('{"a": [1, 2,], "b": 01, c: +1 "d": NaN,}')
    messages = [f.message for f in findings]
    assert messages == [
        "trailing comma before `]`",
        "invalid number `01`: leading zeros are not allowed",
        "expected a string key, found `c`",
        "invalid number `+1`: leading `+` is not allowed",
        "missing comma between object members",
        "invalid number `NaN`: NaN and Infinity are not allowed",
        "trailing comma before `}`",
    ]
    result = to_python(tree)
    assert isinstance(result, dict)
    assert result["a"] == [1, 2] and result["b"] == 1 and result["c"] == 1
    assert all(f.issue_code == JSON_SYNTAX_ERROR for f in findings)
    assert all(f.finding_type is FindingType.ERROR for f in findings)


def test_comments_are_reported_and_skipped() -> None:
    """RFC 8259 has no comment syntax (iam-semantics §2.1: comments are rejected)."""
    tree, findings = read('// note\n{"a": /* x */ 1}')
    assert located(findings) == [
        (JSON_SYNTAX_ERROR, 0, 7, "comments are not allowed in JSON"),
        (JSON_SYNTAX_ERROR, 14, 21, "comments are not allowed in JSON"),
    ]
    assert to_python(tree) == {"a": 1}


def test_extra_data_after_value() -> None:
    """RFC 8259 §2: a JSON text is exactly one value surrounded by whitespace."""
    tree, findings = read('{"a": 1} {"b": 2}')
    assert located(findings) == [(JSON_SYNTAX_ERROR, 9, 10, "extra data after the JSON value")]
    assert to_python(tree) == {"a": 1}


def test_string_problems() -> None:
    """RFC 8259 §7: escapes are limited to the listed ones; control characters must be escaped."""
    tree, findings = read('["a\\qb", "x\ty", "\\ud800", "\\u12"]')
    assert located(findings) == [
        (JSON_SYNTAX_ERROR, 3, 5, "invalid escape `\\q`"),
        (JSON_SYNTAX_ERROR, 11, 12, "control character in string"),
        (JSON_SYNTAX_ERROR, 17, 23, "lone surrogate escape `\\ud800`"),
        (JSON_SYNTAX_ERROR, 27, 31, "invalid escape `\\u12`"),
    ]
    assert to_python(tree) == ["a\\qb", "x\ty", "\ufffd", "\ufffd"]


def test_unterminated_string_ends_at_line_break() -> None:
    """RFC 8259 §7: a string ends with a quotation mark; a raw line break cannot be in it."""
    tree, findings = read('{"a": "b,\n "c": 1}')
    assert located(findings) == [(JSON_SYNTAX_ERROR, 6, 8, "unterminated string")]
    assert to_python(tree) == {"a": "b", "c": 1}


def test_literals_are_case_sensitive() -> None:
    """RFC 8259 §3: the literal names are lowercase; `True` is reported and read as `true`."""
    tree, findings = read("[True, null]")
    assert [f.message for f in findings] == ["invalid literal `True`, expected `true`"]
    assert to_python(tree) == [True, None]


def test_empty_document() -> None:
    """RFC 8259 §2: a JSON text contains one value, so an empty one has nothing to read."""
    tree, findings = read(" \n ")
    assert tree is None
    assert [f.message for f in findings] == ["empty document"]


def test_binary_garbage_gives_no_tree() -> None:
    """RFC 8259 §2: text that never starts a value yields no tree and one finding per stray run."""
    tree, findings = read("\x00\x01\x89PNG\x1a\x02")
    assert tree is None
    codes = sorted(f.issue_code for f in findings)
    assert codes == [INVALID_CHARACTER, JSON_SYNTAX_ERROR]


def test_invalid_characters_reported_once_but_parsed() -> None:
    """iam-semantics §2.1: policies allow only TAB, LF, CR and U+0020-U+00FF; report once."""
    tree, findings = read('["\u2028", "\u4e2d"]')
    assert located(findings) == [
        (
            INVALID_CHARACTER,
            2,
            3,
            "character `\\u2028` (U+2028) is not allowed in a policy document",
        )
    ]
    assert to_python(tree) == ["\u2028", "\u4e2d"]


def test_seed_03_trailing_commas() -> None:
    """RFC 8259 §4 (iam-semantics §2.1: trailing commas are rejected): seed 03 has two."""
    if not SEED_03.exists():
        pytest.skip("shared seed policies are not available")
    text = SEED_03.read_text(encoding="utf-8")
    tree, findings = read(text)
    assert [f.issue_code for f in findings] == [JSON_SYNTAX_ERROR, JSON_SYNTAX_ERROR]
    lines = [f.span.start.line for f in findings if f.span is not None]
    assert lines == [9, 16]
    for finding in findings:
        assert finding.span is not None
        assert text[finding.span.start.offset : finding.span.end.offset] == ","
    assert isinstance(tree, JsonObject)
    statements = [m.value for m in tree.members if m.key.value == "Statement"]
    assert len(statements) == 1 and isinstance(statements[0], JsonArray)
    assert len(statements[0].items) == 2


# ---- limits -------------------------------------------------------------------------------------


def test_deep_nesting_does_not_raise() -> None:
    """RFC 8259 §9 lets a parser limit nesting depth; 10,000 levels must still be read safely."""
    text = "[" * 10_000 + "]" * 10_000
    tree, findings = read(text)
    assert located(findings) == [(JSON_SYNTAX_ERROR, 64, 65, "nesting deeper than 64 levels")]
    depth = 0
    node = tree
    while isinstance(node, JsonArray):
        depth += 1
        node = node.items[0] if node.items else None
    assert depth == 64


def test_errors_beyond_depth_limit_are_still_reported() -> None:
    """RFC 8259 §9: the depth limit stops building the tree, not checking the syntax."""
    text = "[" * 70 + "1,]" + "]" * 69
    _, findings = read(text)
    assert [f.message for f in findings] == [
        "nesting deeper than 64 levels",
        "trailing comma before `]`",
    ]


def test_ten_megabyte_document() -> None:
    """RFC 8259 §9 lets a parser limit text size; ours reads a 10 MB policy set without failing."""
    statement = {"Effect": "Allow", "Action": ["connect:CreateUser"], "Resource": "*", "n": 1.5}
    text = json.dumps([statement] * 100_000, indent=1)
    while len(text) < 10_000_000:
        text = text[:-1] + ", " + json.dumps([statement] * 20_000)[1:]
    tree, findings = read(text)
    assert findings == ()
    assert isinstance(tree, JsonArray)
