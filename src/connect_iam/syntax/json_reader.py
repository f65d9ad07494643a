"""A positioned, error-recovering JSON reader.

Policy authors paste JSON by hand, so one stray comma must not hide every other problem in the
document: the reader reports each deviation from RFC 8259 and still returns the best tree it can,
letting the policy checks run on the rest. It is iterative (an explicit stack, no recursion) so
that no input, however deep, can raise `RecursionError`, and it works in one left-to-right pass so
that its cost stays linear in the size of the text.
"""

from __future__ import annotations

import gc
import re

from connect_iam.diagnostics import Finding, FindingType, sort_key
from connect_iam.source import Position, SourceText, Span
from connect_iam.syntax.tree import (
    JsonArray,
    JsonBool,
    JsonMember,
    JsonNull,
    JsonNumber,
    JsonObject,
    JsonString,
    JsonValue,
)

JSON_SYNTAX_ERROR = "JSON_SYNTAX_ERROR"
INVALID_CHARACTER = "INVALID_CHARACTER"
MAX_DEPTH = 64

# Token kinds. Punctuation tokens use the character itself as their kind.
_STRING = "string"
_NUMBER = "number"
_LITERAL = "literal"
_WORD = "word"
_EOF = "end of input"
_VALUE_STARTS = frozenset({_STRING, _NUMBER, _LITERAL, "{", "["})
_SCALARS = frozenset({_WORD, _NUMBER, _LITERAL})

_WHITESPACE = re.compile(r"[ \t\n\r]*")
_FAST_STRING = re.compile(r'"([^"\\\x00-\x1f]*)"')
_DOUBLE_CHUNK = re.compile(r'[^"\\\x00-\x1f]+')
_SINGLE_CHUNK = re.compile(r"[^'\\\x00-\x1f]+")
_HEX4 = re.compile(r"[0-9a-fA-F]{4}")
_HEX_UP_TO_4 = re.compile(r"[0-9a-fA-F]{0,4}")
_LOW_SURROGATE = re.compile(r"\\u[dD][c-fC-F][0-9a-fA-F]{2}")
# A bare run of characters that cannot end a token: numbers, literals and stray words alike.
_WORD_RUN = re.compile(r"""(?:[^\t\n\r {}\[\],:"'/]|/(?![/*]))+""")
_STRICT_NUMBER = re.compile(r"-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?")
_LENIENT_NUMBER = re.compile(r"[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")
_NON_FINITE = re.compile(r"[+-]?(?:NaN|Infinity)")
_LEADING_ZERO = re.compile(r"[+-]?0[0-9]")
_INVALID_CHARACTER = re.compile(r"[^\t\n\r\x20-\xff]")
# The tokens of well-formed JSON, in one match: most documents are mostly right, and handling them
# without building token objects is what keeps a 10 MB document within seconds. Group 1 is
# punctuation; group 2 a string without escapes, with group 3 the `:` after it (a key) or group 4
# the `,` after it (a value); group 5 a strict number or a literal, with group 6 its `,`. Taking a
# string's `:` or a value's `,` in the same match as the token halves the loop's iterations on
# pretty-printed policies; `match.lastindex` tells the six cases apart. Linear: the suffixes are
# optional single characters after whitespace, tried once.
_FAST_TOKEN = re.compile(
    r'[ \t\n\r]*(?:([{}\[\],:])|"([^"\\\x00-\x1f]*)"(?:[ \t\n\r]*(?::()|,()))?|'
    r"(-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?|true|false|null)"
    r"""(?![^\t\n\r {}\[\],:"'/]|/(?![/*]))(?:[ \t\n\r]*,())?)"""
)
_FAST_NUMBER_LIMIT = 4000  # digits; longer integers take the careful path in `_number_value`

_ESCAPES = {
    '"': '"',
    "\\": "\\",
    "/": "/",
    "b": "\b",
    "f": "\f",
    "n": "\n",
    "r": "\r",
    "t": "\t",
}
_LITERALS: dict[str, bool | None] = {"true": True, "false": False, "null": None}
_NEAR_LITERALS: dict[str, tuple[str, bool | None]] = {
    "true": ("true", True),
    "false": ("false", False),
    "null": ("null", None),
    "none": ("null", None),
}
_CLOSER = {True: "}", False: "]"}

_SHOW_LIMIT = 40


def _show(text: str) -> str:
    """User text for a message: invisible characters escaped, so a finding never hides its cause."""
    if len(text) > _SHOW_LIMIT:
        text = text[:_SHOW_LIMIT] + "…"
    if text.isprintable():
        return text
    return "".join(
        c if c.isprintable() else c.encode("unicode_escape").decode("ascii") for c in text
    )


class _Token:
    __slots__ = ("end", "flag", "kind", "number", "problem", "start", "string")

    def __init__(
        self,
        kind: str,
        start: int,
        end: int,
        *,
        string: str = "",
        number: int | float = 0,
        flag: bool | None = None,
        problem: str | None = None,
    ) -> None:
        self.kind = kind
        self.start = start
        self.end = end
        self.string = string
        self.number = number
        self.flag = flag
        # A number or literal that is readable but not strict JSON. Reported only when the token is
        # used as a value, so an unquoted key `01` gets one finding rather than two.
        self.problem = problem


class _Reader:
    """Lexer and parser in one object: both report into the same finding list."""

    def __init__(self, source: SourceText) -> None:
        self.source = source
        self.text = source.text
        self.length = len(source.text)
        self.findings: list[Finding] = []
        self.pos = 0
        # A byte order mark is not JSON, but RFC 8259 §8.1 lets a reader ignore it; the
        # INVALID_CHARACTER check still reports it as outside IAM's character set.
        if self.text.startswith("\ufeff"):
            self.pos = 1
        self.peeked: _Token | None = None

    # ---- findings -------------------------------------------------------------------------

    def span(self, start: int, end: int) -> Span:
        return self.source.span(start, end)

    def error(self, start: int, end: int, message: str) -> None:
        self.findings.append(
            Finding(
                issue_code=JSON_SYNTAX_ERROR,
                finding_type=FindingType.ERROR,
                message=message,
                span=self.span(start, end),
            )
        )

    def check_characters(self) -> None:
        match = _INVALID_CHARACTER.search(self.text)
        if match is None:
            return
        char = match.group()
        self.findings.append(
            Finding(
                issue_code=INVALID_CHARACTER,
                finding_type=FindingType.ERROR,
                message=(
                    f"character `{_show(char)}` (U+{ord(char):04X}) is not allowed in a policy "
                    "document"
                ),
                span=self.span(match.start(), match.end()),
            )
        )

    # ---- lexer ----------------------------------------------------------------------------

    def peek(self) -> _Token:
        if self.peeked is None:
            self.peeked = self.scan()
        return self.peeked

    def next(self) -> _Token:
        token = self.peeked
        if token is not None:
            self.peeked = None
            return token
        return self.scan()

    def scan(self) -> _Token:
        text = self.text
        length = self.length
        while True:
            match = _WHITESPACE.match(text, self.pos)
            pos = match.end() if match else self.pos
            if pos >= length:
                self.pos = length
                return _Token(_EOF, length, length)
            char = text[pos]
            if char in "{}[],:":
                self.pos = pos + 1
                return _Token(char, pos, pos + 1)
            if char == '"':
                return self.scan_string(pos, '"')
            if char == "'":
                token = self.scan_string(pos, "'")
                self.error(token.start, token.end, "single-quoted strings are not allowed")
                return token
            if char == "/" and pos + 1 < length and text[pos + 1] in "/*":
                self.skip_comment(pos)
                continue
            return self.scan_word(pos)

    def skip_comment(self, start: int) -> None:
        text = self.text
        if text[start + 1] == "/":
            end = text.find("\n", start)
            end = self.length if end == -1 else end
            if end > start and text[end - 1] == "\r":
                end -= 1
            self.error(start, end, "comments are not allowed in JSON")
        else:
            close = text.find("*/", start + 2)
            if close == -1:
                end = self.length
                self.error(start, end, "unterminated comment")
            else:
                end = close + 2
                self.error(start, end, "comments are not allowed in JSON")
        self.pos = max(end, start + 1)

    def scan_string(self, start: int, quote: str) -> _Token:
        text = self.text
        if quote == '"':
            fast = _FAST_STRING.match(text, start)
            if fast is not None:
                self.pos = fast.end()
                return _Token(_STRING, start, fast.end(), string=fast.group(1))
        chunk = _DOUBLE_CHUNK if quote == '"' else _SINGLE_CHUNK
        parts: list[str] = []
        length = self.length
        pos = start + 1
        while True:
            match = chunk.match(text, pos)
            if match is not None:
                parts.append(match.group())
                pos = match.end()
            if pos >= length:
                end = length
                self.error(start, end, "unterminated string")
                break
            char = text[pos]
            if char == quote:
                end = pos + 1
                break
            if char == "\\":
                pos = self.scan_escape(pos, parts, quote)
                continue
            if char in "\n\r":
                # A raw line break almost always means a missing closing quote: ending the string
                # here keeps the next line's tokens intact instead of swallowing them.
                end = pos
                raw = text[start + 1 : pos]
                kept = raw.rstrip(" \t")
                if kept.endswith(","):
                    # `"Allow,` at a line end: the comma was meant to follow the string.
                    end = start + len(kept)
                    value = "".join(parts)
                    parts = [value[: len(value) - (len(raw) - len(kept)) - 1]]
                self.error(start, end, "unterminated string")
                break
            self.error(pos, pos + 1, "control character in string")
            parts.append(char)
            pos += 1
        self.pos = end
        return _Token(_STRING, start, end, string="".join(parts))

    def scan_escape(self, pos: int, parts: list[str], quote: str) -> int:
        text = self.text
        if pos + 1 >= self.length:
            return pos + 1
        char = text[pos + 1]
        simple = _ESCAPES.get(char)
        if simple is not None:
            parts.append(simple)
            return pos + 2
        if char == "'" and quote == "'":
            parts.append("'")
            return pos + 2
        if char in "\n\r":
            return pos + 1
        if char != "u":
            self.error(pos, pos + 2, f"invalid escape `{_show(text[pos : pos + 2])}`")
            parts.append(text[pos : pos + 2])
            return pos + 2
        digits = _HEX4.match(text, pos + 2)
        if digits is None:
            partial = _HEX_UP_TO_4.match(text, pos + 2)
            end = partial.end() if partial else pos + 2
            self.error(pos, end, f"invalid escape `{_show(text[pos:end])}`")
            parts.append("\ufffd")
            return end
        code = int(digits.group(), 16)
        end = pos + 6
        if 0xD800 <= code <= 0xDBFF:
            low = _LOW_SURROGATE.match(text, end)
            if low is not None:
                low_code = int(text[end + 2 : end + 6], 16)
                parts.append(chr(0x10000 + ((code - 0xD800) << 10) + (low_code - 0xDC00)))
                return end + 6
        if 0xD800 <= code <= 0xDFFF:
            # A lone surrogate cannot be encoded as UTF-8, so it would break every later consumer
            # that prints or serialises the value; the replacement character keeps the tree safe.
            self.error(pos, end, f"lone surrogate escape `{text[pos:end]}`")
            parts.append("\ufffd")
            return end
        parts.append(chr(code))
        return end

    def scan_word(self, start: int) -> _Token:
        match = _WORD_RUN.match(self.text, start)
        end = match.end() if match is not None and match.end() > start else start + 1
        self.pos = end
        word = self.text[start:end]
        if word in _LITERALS:
            return _Token(_LITERAL, start, end, flag=_LITERALS[word])
        if _STRICT_NUMBER.fullmatch(word):
            value, problem = _number_value(word)
            return _Token(_NUMBER, start, end, number=value, problem=problem)
        near = _NEAR_LITERALS.get(word.lower())
        if near is not None:
            problem = f"invalid literal `{_show(word)}`, expected `{near[0]}`"
            return _Token(_LITERAL, start, end, flag=near[1], problem=problem)
        if _NON_FINITE.fullmatch(word):
            problem = f"invalid number `{word}`: NaN and Infinity are not allowed"
            return _Token(_NUMBER, start, end, number=float(word), problem=problem)
        if _LENIENT_NUMBER.fullmatch(word):
            value, too_long = _number_value(word)
            if too_long is not None:
                problem = too_long
            elif word.startswith("+"):
                problem = f"invalid number `{_show(word)}`: leading `+` is not allowed"
            elif _LEADING_ZERO.match(word):
                problem = f"invalid number `{_show(word)}`: leading zeros are not allowed"
            else:
                problem = f"invalid number `{_show(word)}`"
            return _Token(_NUMBER, start, end, number=value, problem=problem)
        return _Token(_WORD, start, end)

    # ---- parser ---------------------------------------------------------------------------

    def read(self) -> JsonValue | None:
        self.check_characters()
        parser = _Parser(self)
        return parser.run()


def _number_value(word: str) -> tuple[int | float, str | None]:
    """The value of a number literal, and a problem when Python cannot hold it as an int."""
    if "." in word or "e" in word or "E" in word:
        return float(word), None
    try:
        return int(word), None
    except ValueError:
        # CPython refuses int() on more than 4300 digits; a float still orders it correctly.
        return float(word), f"number `{_show(word)}` has too many digits"


# Frame states.
_OBJECT_START = 0  # after `{`
_OBJECT_KEY = 1  # after `,`: a key must follow
_OBJECT_COLON = 2  # after a key
_OBJECT_VALUE = 3  # after `:`
_OBJECT_AFTER = 4  # after a member's value
_ARRAY_START = 5  # after `[`
_ARRAY_VALUE = 6  # after `,`: an item must follow
_ARRAY_AFTER = 7  # after an item

_KEY_STATES = frozenset({_OBJECT_START, _OBJECT_KEY})
_VALUE_STATES = frozenset({_OBJECT_VALUE, _ARRAY_START, _ARRAY_VALUE})
_CLEAN_CLOSE = frozenset({_OBJECT_START, _OBJECT_AFTER, _ARRAY_START, _ARRAY_AFTER})

_EXPECTED = {
    _OBJECT_START: "`}`",
    _OBJECT_KEY: "a string key",
    _OBJECT_COLON: "`:`",
    _OBJECT_VALUE: "a value",
    _OBJECT_AFTER: "`}`",
    _ARRAY_START: "`]`",
    _ARRAY_VALUE: "a value",
    _ARRAY_AFTER: "`]`",
}


class _Frame:
    """One open object or array."""

    __slots__ = (
        "build",
        "comma",
        "discard",
        "is_object",
        "items",
        "key",
        "members",
        "start",
        "state",
    )

    def __init__(self, is_object: bool, start: Position, build: bool) -> None:
        self.is_object = is_object
        self.start = start
        self.state = _OBJECT_START if is_object else _ARRAY_START
        self.build = build  # False beyond the depth limit: syntax is checked, nothing is kept
        self.items: list[JsonValue] = []
        self.members: list[JsonMember] = []
        self.key: JsonString | None = None
        self.discard = False  # the value being read is a stray one, to be dropped
        self.comma = 0  # offset of the last comma, for the trailing-comma finding


class _Parser:
    def __init__(self, reader: _Reader) -> None:
        self.reader = reader
        self.stack: list[_Frame] = []
        self.root: JsonValue | None = None
        self.root_done = False
        self.prev_end = reader.pos
        self.stray = False  # the previous token was skipped as stray
        self.depth_reported = False
        # Node positions are asked for left to right, so a cursor that counts line breaks as it
        # goes replaces a binary search per position.
        self.text = reader.text
        self.counted = 0
        self.line = 1
        self.line_start = 0

    def position(self, offset: int) -> Position:
        counted = self.counted
        if offset < counted:
            return self.reader.source.position(offset)
        text = self.text
        newlines = text.count("\n", counted, offset)
        if newlines:
            self.line += newlines
            self.line_start = text.rfind("\n", counted, offset) + 1
        self.counted = offset
        return Position(self.line, offset - self.line_start, offset)

    def node_span(self, start: int, end: int) -> Span:
        return Span(self.position(start), self.position(end))

    def fast_run(self) -> None:
        """Take well-formed tokens in the states that expect them, until one needs `run`'s care.

        Everything here is also handled by `run`; this loop only skips building token objects
        and method dispatch for the common case, which dominates large documents. For the same
        reason it inlines `position` (the line cursor lives in locals and is written back before
        any method that reads it) and `deliver` for scalars, and builds positions and spans with
        `tuple.__new__`, which skips the named tuples' Python-level `__new__`. A scalar token in
        this loop never spans a line break (the regex refuses control characters in strings), so
        its end shares its start's line.
        """
        reader = self.reader
        text = self.text
        stack = self.stack
        match_token = _FAST_TOKEN.match
        count = text.count
        rfind = text.rfind
        new = tuple.__new__
        counted = self.counted
        line = self.line
        line_start = self.line_start
        pos = reader.pos
        while stack:
            match = match_token(text, pos)
            if match is None:
                break
            frame = stack[-1]
            state = frame.state
            group = match.lastindex or 0
            end = match.end()
            if group == 1:
                char = text[end - 1]
                if char == ",":
                    if state == _OBJECT_AFTER:
                        frame.state = _OBJECT_KEY
                    elif state == _ARRAY_AFTER:
                        frame.state = _ARRAY_VALUE
                    else:
                        break
                    frame.comma = end - 1
                elif char == ":":
                    if state != _OBJECT_COLON:
                        break
                    frame.state = _OBJECT_VALUE
                else:
                    # `{`, `[`, `}`, `]`: handled by the methods, which read the line cursor.
                    if char == "}" or char == "]":
                        if (char == "}") != frame.is_object or state not in _CLEAN_CLOSE:
                            break
                    elif state not in _VALUE_STATES:
                        break
                    self.counted, self.line, self.line_start = counted, line, line_start
                    if char == "}" or char == "]":
                        self.close(end)
                    else:
                        self.begin_value(_Token(char, end - 1, end))
                    counted, line, line_start = self.counted, self.line, self.line_start
            else:
                # A string (groups 2-4) or a number or literal (groups 5-6), maybe with its `:`
                # or `,`: a token in a state that does not expect it is left to `run`, whole.
                is_string = group <= 4
                key = is_string and group != 4 and state in _KEY_STATES
                if not key and (group == 3 or state not in _VALUE_STATES):
                    break
                value_group = 2 if is_string else 5
                start = match.start(value_group)
                token_end = match.end(value_group)
                if is_string:
                    start -= 1
                    token_end += 1
                if start > counted:
                    newlines = count("\n", counted, start)
                    if newlines:
                        line += newlines
                        line_start = rfind("\n", counted, start) + 1
                    counted = start
                elif start < counted:
                    break  # cannot happen (tokens come left to right); `run` copes if it did
                span = new(
                    Span,
                    (
                        new(Position, (line, start - line_start, start)),
                        new(Position, (line, token_end - line_start, token_end)),
                    ),
                )
                node: JsonValue
                if is_string:
                    node = JsonString(match.group(2), span)
                    if key:
                        frame.key = node
                        frame.state = _OBJECT_VALUE if group == 3 else _OBJECT_COLON
                        pos = reader.pos = self.prev_end = end
                        self.stray = False
                        continue
                else:
                    word = match.group(5)
                    if len(word) > _FAST_NUMBER_LIMIT:
                        break
                    first = word[0]
                    if first == "t":
                        node = JsonBool(True, span)
                    elif first == "f":
                        node = JsonBool(False, span)
                    elif first == "n":
                        node = JsonNull(span)
                    elif "." in word or "e" in word or "E" in word:
                        node = JsonNumber(word, float(word), span)
                    else:
                        node = JsonNumber(word, int(word), span)
                # `deliver`, inlined; a `,` taken with the value moves on to the next item.
                comma = group == 4 or group == 6
                if frame.is_object:
                    owner = frame.key
                    if owner is not None and frame.build and not frame.discard:
                        frame.members.append(
                            JsonMember(owner, node, new(Span, (owner.span.start, span.end)))
                        )
                    frame.key = None
                    frame.state = _OBJECT_KEY if comma else _OBJECT_AFTER
                else:
                    if frame.build and not frame.discard:
                        frame.items.append(node)
                    frame.state = _ARRAY_VALUE if comma else _ARRAY_AFTER
                frame.discard = False
                if comma:
                    frame.comma = end - 1
            pos = reader.pos = self.prev_end = end
            self.stray = False
        self.counted, self.line, self.line_start = counted, line, line_start

    def run(self) -> JsonValue | None:
        reader = self.reader
        stack = self.stack
        seen_token = False
        while True:
            if stack and reader.peeked is None:
                self.fast_run()
            token = reader.next()
            was_stray = self.stray
            self.stray = False
            kind = token.kind
            if not stack:
                if self.root_done:
                    if kind != _EOF:
                        reader.error(token.start, token.end, "extra data after the JSON value")
                    break
                if kind == _EOF:
                    if not seen_token:
                        reader.error(token.start, token.end, "empty document")
                    elif not was_stray:
                        self.error_at_end("unexpected end of input, expected a JSON value")
                    break
                seen_token = True
                if kind in _VALUE_STARTS:
                    self.begin_value(token)
                else:
                    self.skip(
                        token, was_stray, f"expected a JSON value, found `{self.show(token)}`"
                    )
            elif kind == _EOF:
                frame = stack[-1]
                self.error_at_end(f"unexpected end of input, expected {_EXPECTED[frame.state]}")
                while stack:
                    self.close(self.prev_end)
                break
            elif kind == "}" or kind == "]":
                self.closer(token)
            elif stack[-1].is_object:
                self.object_token(stack[-1], token, was_stray)
            else:
                self.array_token(stack[-1], token, was_stray)
            self.prev_end = token.end
        return self.root

    # ---- helpers --------------------------------------------------------------------------

    def show(self, token: _Token) -> str:
        return _show(self.reader.text[token.start : token.end])

    def error(self, token: _Token, message: str) -> None:
        self.reader.error(token.start, token.end, message)

    def error_at_end(self, message: str) -> None:
        self.reader.error(self.prev_end, self.prev_end, message)

    def skip(self, token: _Token, was_stray: bool, message: str) -> None:
        """Drop a token that fits nowhere; a run of such tokens is one problem, reported once."""
        if not was_stray:
            self.error(token, message)
        self.stray = True

    def key_node(self, token: _Token) -> JsonString:
        if token.kind == _STRING:
            return JsonString(token.string, self.node_span(token.start, token.end))
        text = self.reader.text[token.start : token.end]
        return JsonString(text, self.node_span(token.start, token.end))

    # ---- values ---------------------------------------------------------------------------

    def begin_value(self, token: _Token) -> None:
        kind = token.kind
        if kind == "{" or kind == "[":
            stack = self.stack
            build = not stack or stack[-1].build
            if build and len(stack) >= MAX_DEPTH:
                build = False
                if not self.depth_reported:
                    self.depth_reported = True
                    self.error(token, f"nesting deeper than {MAX_DEPTH} levels")
            stack.append(_Frame(kind == "{", self.position(token.start), build))
            return
        if token.problem is not None:
            self.error(token, token.problem)
        span = self.node_span(token.start, token.end)
        node: JsonValue
        if kind == _STRING:
            node = JsonString(token.string, span)
        elif kind == _NUMBER:
            node = JsonNumber(self.reader.text[token.start : token.end], token.number, span)
        elif token.flag is None:
            node = JsonNull(span)
        else:
            node = JsonBool(token.flag, span)
        self.deliver(node)

    def deliver(self, node: JsonValue | None) -> None:
        """Hand a finished value to its container; None is a value read but not kept."""
        stack = self.stack
        if not stack:
            self.root = node
            self.root_done = True
            return
        frame = stack[-1]
        if frame.is_object:
            key = frame.key
            if node is not None and key is not None and frame.build and not frame.discard:
                member_span = Span(key.span.start, node.span.end)
                frame.members.append(JsonMember(key, node, member_span))
            frame.key = None
            frame.state = _OBJECT_AFTER
        else:
            if node is not None and frame.build and not frame.discard:
                frame.items.append(node)
            frame.state = _ARRAY_AFTER
        frame.discard = False

    def close(self, end: int) -> None:
        frame = self.stack.pop()
        node: JsonValue | None = None
        if frame.build:
            span = Span(frame.start, self.position(end))
            if frame.is_object:
                node = JsonObject(tuple(frame.members), span)
            else:
                node = JsonArray(tuple(frame.items), span)
        self.deliver(node)

    def closer(self, token: _Token) -> None:
        stack = self.stack
        frame = stack[-1]
        closes_object = token.kind == "}"
        if frame.is_object != closes_object:
            expected = _CLOSER[frame.is_object]
            self.error(token, f"expected `{expected}`, found `{token.kind}`")
            if any(open_frame.is_object == closes_object for open_frame in stack):
                # The closer belongs further out: close what was left open up to its frame.
                while stack[-1].is_object != closes_object:
                    self.close(self.prev_end)
            else:
                # No frame of that kind is open: read it as a mistyped closer for this one.
                self.close(token.end)
                return
            frame = stack[-1]
        else:
            state = frame.state
            if state in (_OBJECT_KEY, _ARRAY_VALUE):
                self.reader.error(
                    frame.comma, frame.comma + 1, f"trailing comma before `{token.kind}`"
                )
            elif state == _OBJECT_COLON:
                self.error(token, f"expected `:` after object key, found `{token.kind}`")
            elif state == _OBJECT_VALUE:
                self.error(token, f"expected a value, found `{token.kind}`")
        self.close(token.end)

    def object_token(self, frame: _Frame, token: _Token, was_stray: bool) -> None:
        kind = token.kind
        state = frame.state
        if state in (_OBJECT_START, _OBJECT_KEY):
            if kind == _STRING:
                frame.key = self.key_node(token)
                frame.state = _OBJECT_COLON
            elif kind in _SCALARS:
                self.error(token, f"expected a string key, found `{self.show(token)}`")
                frame.key = self.key_node(token)
                frame.state = _OBJECT_COLON
            elif kind == "{" or kind == "[":
                self.error(token, f"expected a string key, found `{kind}`")
                frame.key = None
                frame.discard = True
                frame.state = _OBJECT_VALUE
                self.begin_value(token)
            else:
                self.skip(token, was_stray, f"expected a string key, found `{kind}`")
            return
        if state == _OBJECT_COLON:
            if kind == ":":
                frame.state = _OBJECT_VALUE
                return
            self.error(token, f"expected `:` after object key, found `{self.show(token)}`")
            if kind == ",":
                frame.key = None
                frame.comma = token.start
                frame.state = _OBJECT_KEY
                return
            frame.state = state = _OBJECT_VALUE
            was_stray = True  # already reported: do not report this token again as stray
        if state == _OBJECT_VALUE:
            if kind in _VALUE_STARTS:
                self.begin_value(token)
            elif kind == ",":
                if not was_stray:
                    self.error(token, "expected a value, found `,`")
                frame.key = None
                frame.comma = token.start
                frame.state = _OBJECT_KEY
            elif kind == _WORD:
                if not was_stray:
                    self.error(token, f"expected a value, found `{self.show(token)}`")
                frame.key = None
                frame.state = _OBJECT_AFTER
            else:
                self.skip(token, was_stray, f"unexpected `{kind}`")
            return
        # _OBJECT_AFTER
        if kind == ",":
            frame.comma = token.start
            frame.state = _OBJECT_KEY
        elif kind == _STRING:
            self.error(token, "missing comma between object members")
            frame.key = self.key_node(token)
            frame.state = _OBJECT_COLON
        elif kind in _SCALARS and self.reader.peek().kind == ":":
            self.error(token, "missing comma between object members")
            self.error(token, f"expected a string key, found `{self.show(token)}`")
            frame.key = self.key_node(token)
            frame.state = _OBJECT_COLON
        elif kind in _VALUE_STARTS:
            self.error(token, f"expected `,` or `}}`, found `{self.show(token)}`")
            frame.discard = True
            frame.state = _OBJECT_VALUE
            self.begin_value(token)
        else:
            self.skip(token, was_stray, f"unexpected `{self.show(token)}`")

    def array_token(self, frame: _Frame, token: _Token, was_stray: bool) -> None:
        kind = token.kind
        if frame.state == _ARRAY_AFTER:
            if kind == ",":
                frame.comma = token.start
                frame.state = _ARRAY_VALUE
            elif kind in _VALUE_STARTS:
                self.error(token, "missing comma between array items")
                self.begin_value(token)
            else:
                self.skip(token, was_stray, f"unexpected `{self.show(token)}`")
            return
        if kind in _VALUE_STARTS:
            self.begin_value(token)
        elif kind == _WORD:
            if not was_stray:
                self.error(token, f"expected a value, found `{self.show(token)}`")
            frame.state = _ARRAY_AFTER
        else:
            if kind == ",":
                frame.comma = token.start
            self.skip(token, was_stray, f"expected a value, found `{kind}`")


def read_json(source: SourceText) -> tuple[JsonValue | None, tuple[Finding, ...]]:
    """Read `source` as JSON, reporting every deviation from RFC 8259 instead of stopping at one.

    The tree is None only when no value could be started at all (empty or non-JSON input).
    """
    reader = _Reader(source)
    # The tree is built from millions of small acyclic objects, which make the cyclic collector
    # rescan everything it has already seen again and again; pausing it keeps reading linear.
    collecting = gc.isenabled()
    gc.disable()
    try:
        tree = reader.read()
    finally:
        if collecting:
            gc.enable()
    return tree, tuple(sorted(reader.findings, key=sort_key))
