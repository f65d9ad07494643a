"""Human output: source lines with a caret under the place a message is about, like a compiler."""

from __future__ import annotations

from connect_iam.source import SourceText, Span


def excerpt(source: SourceText, span: Span, *, max_lines: int = 6, label: str = "") -> str:
    """The lines of `span` with a gutter; a one-line span gets a caret run under it."""
    first, last = span.start.line, max(span.start.line, span.end.line)
    if span.end.column == 0 and last > first:
        last -= 1  # a span ending at the start of a line does not show that line
    width = len(str(last))
    out: list[str] = []
    shown = list(range(first, last + 1))
    if len(shown) > max_lines:
        shown = [*shown[: max_lines - 1], last]
    previous = None
    for line in shown:
        if previous is not None and line != previous + 1:
            out.append(f"{'.' * width} | ...")
        text = source.line_text(line).expandtabs(1)
        out.append(f"{line:>{width}} | {text}")
        previous = line
    if first == last:
        start = span.start.column
        length = max(1, span.end.column - span.start.column)
        caret = " " * start + "^" * length
        out.append(f"{' ' * width} | {caret}" + (f" {label}" if label else ""))
    elif label:
        out.append(f"{' ' * width} = {label}")
    return "\n".join(out)


def location(source: SourceText, span: Span) -> str:
    """`file:line:column`, 1-based, as editors and CI annotations expect."""
    return f"{source.name}:{span.start.line}:{span.start.column + 1}"
