"""Edits to a data file's text at the offsets of its YAML nodes, so that everything the edits do
not touch (comments, order, quoting, blank lines) stays exactly as the user wrote it.

The one place such edits are made: absorb (a reviewed DOCX), merge (returned forms) and the
office page (a text typed in the browser) all turn their changes into spans here. Each edit is a
(start, end, replacement) span of the file's text; `apply` makes them all at once.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

Span = tuple[int, int, str]

# Characters that make a plain scalar mean something else somewhere: keep such text quoted.
_UNSAFE_PLAIN = re.compile(r"""^[-?:,\[\]{}#&*!|>'"%@`\s]|[\x00-\x1f]|: |\s#|\s$|^$""")
_FLOW_INDICATORS = re.compile(r"[,\[\]{}]")


def scalar(text: str, flow: bool = False, style: str | None = None) -> str:
    """YAML for a string: plain where that reads back as the same string, else double-quoted.

    `style` is the style the user wrote the replaced scalar in ("'" kept; block styles become
    double-quoted, one line)."""
    if style == "'" and "\n" not in text and text:
        return "'" + text.replace("'", "''") + "'"
    if style in (None, "") and _plain_safe(text, flow):
        return text
    return json.dumps(text, ensure_ascii=False)


def _plain_safe(text: str, flow: bool) -> bool:
    if _UNSAFE_PLAIN.search(text) or "\n" in text or (flow and _FLOW_INDICATORS.search(text)):
        return False
    try:
        return yaml.safe_load(f"k: {text}") == {"k": text}
    except yaml.YAMLError:
        return False


def replace_scalar(text: str, node: ScalarNode, new: str, flow: bool = False) -> Span:
    """A string scalar replaced by `new`, in the quoting the user wrote it in where that still
    reads back as `new` (see `scalar`)."""
    return node.start_mark.index, content_end(text, node), scalar(new, flow, node.style)


def figure_value(node: Node, new: str, newline: str) -> Span:
    """A figure's stated value replaced, or `value:` added before a placeholder's first key
    (`{last_year: 217, …}` → `{value: 230, last_year: 217, …}`)."""
    if isinstance(node, ScalarNode):  # shorthand: 审结: 130
        return node.start_mark.index, node.end_mark.index, new
    assert isinstance(node, MappingNode)
    for key, value in node.value:
        if key.value == "value":
            return value.start_mark.index, value.end_mark.index, new
    first = node.value[0][0].start_mark
    separator = ", " if node.flow_style else newline + " " * first.column
    return first.index, first.index, f"value: {new}{separator}"


def line_start(text: str, offset: int) -> int:
    return text.rfind("\n", 0, offset) + 1


def next_line(text: str, offset: int) -> int:
    """The offset of the line after the one holding `offset` (the end of the text if none)."""
    end = text.find("\n", offset)
    return len(text) if end < 0 else end + 1


def content_end(text: str, node: Node) -> int:
    """Where the node's own text ends: block collections' end marks run on to the next token."""
    if isinstance(node, ScalarNode) or getattr(node, "flow_style", False):
        return node.start_mark.index + len(text[node.start_mark.index:node.end_mark.index].rstrip())
    ends = [node.start_mark.index]
    if isinstance(node, MappingNode):
        for key, value in node.value:
            ends += [content_end(text, key), content_end(text, value)]
    elif isinstance(node, SequenceNode):
        ends += [content_end(text, item) for item in node.value]
    return max(ends)


def dash(text: str, item: Node) -> int:
    """The offset of the "-" that starts a block sequence entry."""
    return text.rfind("-", 0, item.start_mark.index)


def column(text: str, offset: int) -> int:
    return offset - line_start(text, offset)


def fields(node: Node) -> dict[str, tuple[ScalarNode, Node]]:
    """A mapping's keys, each with its key node and value node."""
    if not isinstance(node, MappingNode):
        return {}
    return {key.value: (key, value) for key, value in node.value if isinstance(key, ScalarNode)}


@dataclass
class ListEdits:
    """Entries deleted from and inserted into one block sequence, turned into spans together:
    a list left empty becomes `[]`, the loader's empty list."""

    seq: SequenceNode
    key: ScalarNode | None  # the mapping key the list is the value of (body:, items:, rows:)
    deleted: set[int]
    inserted: dict[int, list[str]]  # index → entries (YAML text, one or more lines each, unindented)

    def spans(self, text: str) -> list[Span]:
        items = self.seq.value
        if self.key is not None and len(self.deleted) == len(items) and not self.inserted:
            colon = text.index(":", self.key.end_mark.index) + 1
            return [(colon, content_end(text, self.seq), " []")]
        indent = column(text, dash(text, items[0]))
        blank = _separated_by_blank_lines(text, items)
        spans = [_deletion(text, items[index], keep_blank=index + 1 in self.inserted) for index in sorted(self.deleted)]
        for index, entries in sorted(self.inserted.items()):
            body = _join("".join(_indented(entry, indent) for entry in entries), blank)
            if index > 0:
                at, prefix = after_line(text, content_end(text, items[index - 1]))
                spans.append((at, at, prefix + ("\n" if blank else "") + body))
            else:
                at = line_start(text, dash(text, items[0]))
                spans.append((at, at, body + ("\n" if blank else "")))
        return spans


def after_line(text: str, offset: int) -> tuple[int, str]:
    """Where text goes on a line of its own after the line holding `offset`, and the line break
    it needs first when that line is the last of a file without a final line break."""
    at = next_line(text, offset)
    return at, "" if text[:at].endswith("\n") else "\n"


def _join(entries_text: str, blank: bool) -> str:
    """Entries one after another, with a blank line between them where the list has them."""
    if not blank:
        return entries_text
    lines = entries_text.splitlines(keepends=True)
    first_indent = len(lines[0]) - len(lines[0].lstrip(" "))
    out = []
    for n, line in enumerate(lines):
        if n and line.startswith(" " * first_indent + "- ") and not line.startswith(" " * (first_indent + 1)):
            out.append("\n")
        out.append(line)
    return "".join(out)


def _indented(entry: str, indent: int) -> str:
    pad = " " * indent
    return "".join(pad + line if line.strip() else line for line in entry.splitlines(keepends=True))


def _separated_by_blank_lines(text: str, items: list[Node]) -> bool:
    if len(items) < 2:
        return False
    between = text[content_end(text, items[0]):line_start(text, dash(text, items[1]))]
    return "\n\n" in between.replace(" ", "")


def _deletion(text: str, item: Node, keep_blank: bool) -> Span:
    """The entry's lines, from its "-" to the end of its last line; of two blank lines that
    would meet, the second goes with it (unless an entry is inserted right there)."""
    start = line_start(text, dash(text, item))
    end = next_line(text, content_end(text, item))
    before_blank = start >= 2 and text[line_start(text, start - 1):start].strip() == ""
    after = text[end:next_line(text, end)]
    if before_blank and after and after.strip() == "" and not keep_blank:
        end = next_line(text, end)
    return start, end, ""


def new_key(text: str, mapping: MappingNode, entry: str, before: ScalarNode | None = None) -> Span:
    """A `key: value` entry added to a block mapping: before the key `before`, or after the
    mapping's last line."""
    first_key = mapping.value[0][0]
    indent = column(text, first_key.start_mark.index)
    lines = _indented(entry, indent)
    if before is not None:
        at = before.start_mark.index
        return at, at, lines[indent:] + " " * indent
    at, prefix = after_line(text, content_end(text, mapping))
    return at, at, prefix + lines


def delete_key(text: str, key: ScalarNode, value: Node) -> Span:
    start = line_start(text, key.start_mark.index)
    return start, next_line(text, content_end(text, value)), ""


def apply(text: str, spans: list[Span]) -> str:
    """Make every edit at once; an edit inside a deleted span goes with it."""
    deletions = [(start, end) for start, end, replacement in spans if end > start and not replacement]
    kept = [span for span in spans if not any(_inside(span, deletion) for deletion in deletions)]
    for start, end, replacement in sorted(kept, key=lambda span: (span[0], span[1]), reverse=True):
        text = text[:start] + replacement + text[end:]
    return text


def _inside(span: Span, deletion: tuple[int, int]) -> bool:
    start, end, _ = span
    low, high = deletion
    if (start, end) == (low, high):
        return False
    if start == end:  # an insertion: kept at either edge of the deletion
        return low < start < high
    return low <= start and end <= high
