"""Properties of the recovering JSON reader (RFC 8259; IAM grammar in iam-semantics §2.1)."""

from __future__ import annotations

import json

from hypothesis import given, settings
from hypothesis import strategies as st

from connect_iam.source import SourceText
from connect_iam.syntax.json_reader import JSON_SYNTAX_ERROR, read_json
from connect_iam.syntax.tree import (
    JsonArray,
    JsonBool,
    JsonNull,
    JsonNumber,
    JsonObject,
    JsonString,
    JsonValue,
)


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


def containers(node: JsonValue) -> list[JsonObject | JsonArray]:
    out: list[JsonObject | JsonArray] = []
    pending = [node]
    while pending:
        current = pending.pop()
        if isinstance(current, JsonObject):
            out.append(current)
            pending.extend(member.value for member in current.members)
        elif isinstance(current, JsonArray):
            out.append(current)
            pending.extend(current.items)
    return out


json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(),
    lambda children: (
        st.lists(children, max_size=5) | st.dictionaries(st.text(max_size=8), children, max_size=5)
    ),
    max_leaves=25,
)
indents = st.none() | st.integers(min_value=0, max_value=4)

JSONISH = " \t\n\r{}[],:\"'\\/*0123456789-+.eEtrufalsnNIx\u00e9\u2028"


@settings(max_examples=300)
@given(st.text() | st.text(alphabet=JSONISH))
def test_never_raises_and_spans_stay_in_the_text(text: str) -> None:
    """RFC 8259 §9: a parser must accept any text; every finding points into that text."""
    source = SourceText(text)
    _, findings = read_json(source)
    for finding in findings:
        assert finding.span is not None
        start, end = finding.span.start, finding.span.end
        assert 0 <= start.offset <= end.offset <= len(text)
        assert start == source.position(start.offset)
        assert end == source.position(end.offset)


@settings(max_examples=200)
@given(json_values, indents)
def test_generated_json_reads_cleanly(value: object, indent: int | None) -> None:
    """RFC 8259 §2-§7: whatever a conforming serialiser writes reads back with no findings."""
    text = json.dumps(value, indent=indent)
    tree, findings = read_json(SourceText(text))
    assert findings == ()
    assert to_python(tree) == json.loads(text)


@settings(max_examples=200)
@given(json_values, indents, st.data())
def test_one_trailing_comma_gives_one_finding(
    value: object, indent: int | None, data: st.DataObject
) -> None:
    """RFC 8259 §4-§5: a comma before `]`/`}` is one error, and the value is read as without it."""
    text = json.dumps(value, indent=indent)
    tree, _ = read_json(SourceText(text))
    assert tree is not None
    targets = [c for c in containers(tree) if (c.members if isinstance(c, JsonObject) else c.items)]
    if not targets:
        return
    target = data.draw(st.sampled_from(targets))
    last = target.members[-1] if isinstance(target, JsonObject) else target.items[-1]
    closer = target.span.end.offset - 1
    at = data.draw(st.sampled_from([last.span.end.offset, closer]))
    broken = text[:at] + "," + text[at:]
    broken_tree, findings = read_json(SourceText(broken))
    assert len(findings) == 1
    finding = findings[0]
    assert finding.issue_code == JSON_SYNTAX_ERROR
    assert finding.message == f"trailing comma before `{text[closer]}`"
    assert finding.span is not None and finding.span.start.offset == at
    assert to_python(broken_tree) == json.loads(text)
