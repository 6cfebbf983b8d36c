"""Read a YAML file into nodes that remember where each value was written.

PyYAML's node tree keeps a start and end mark for every value; the schema walks that tree, so
any error, even one found much later in a Jinja expression inside a string, can name its line
and column.
"""
from __future__ import annotations

import datetime
from dataclasses import dataclass
from pathlib import Path

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from generator.errors import DataError, Location


@dataclass(frozen=True)
class Source:
    """One data file: its path and text, for turning offsets into locations."""

    path: Path
    text: str

    def location_of(self, offset: int) -> Location:
        line = self.text.count("\n", 0, offset) + 1
        column = offset - (self.text.rfind("\n", 0, offset) + 1) + 1
        return Location(self.path, line, column)

    def at(self, node: Node) -> Location:
        return self.location_of(node.start_mark.index)


_constructor = yaml.SafeLoader(b"")


def scalar_value(node: ScalarNode) -> object:
    """The Python value of a scalar as YAML 1.1 resolves it (int, float, bool, date, str, None)."""
    return _constructor.construct_object(node, deep=True)


def describe(node: Node) -> str:
    """How a user would name what they wrote: 'a list', 'the number 3', 'the text "x"'."""
    if isinstance(node, MappingNode):
        return "a mapping (key: value)"
    if isinstance(node, SequenceNode):
        return "a list"
    value = scalar_value(node)
    if value is None:
        return "nothing (an empty value)"
    if isinstance(value, bool):
        return f"the boolean {str(value).lower()}"
    if isinstance(value, (int, float)):
        return f"the number {node.value}"
    if isinstance(value, (datetime.date, datetime.datetime)):
        return f"the date {node.value}"
    return f'the text "{_shorten(node.value)}"'


def _shorten(text: str, limit: int = 30) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def read(path: Path) -> tuple[Source, Node]:
    """Parse a data file; syntax errors and duplicate keys become DataErrors with a location."""
    try:
        raw = path.read_bytes()
    except OSError as error:
        raise DataError(None, f"{path}: cannot read the file ({error.strerror})") from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        source = Source(path, raw[: error.start].decode("utf-8", "replace"))
        raise DataError(
            source.location_of(len(source.text)),
            "the file is not UTF-8 text; save it as UTF-8 (WPS/Word: 另存为 → 编码 UTF-8)",
        ) from None
    source = Source(path, text)
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        where = source.location_of(mark.index) if mark else None
        problem = error.problem or error.context or "invalid YAML"
        raise DataError(where, f"YAML syntax error: {problem}{_syntax_hint(problem)}") from None
    if node is None:
        raise DataError(Location(path, 1, 1), "the file is empty; expected a mapping with meta, figures and body")
    _reject_duplicate_keys(source, node)
    return source, node


def _syntax_hint(problem: str) -> str:
    if "mapping values are not allowed" in problem:
        return " (a text containing ': ' must be quoted, or use a full-width '：')"
    if "found character '\\t'" in problem:
        return " (indent with spaces, not tabs)"
    return ""


def _reject_duplicate_keys(source: Source, node: Node) -> None:
    if isinstance(node, MappingNode):
        seen: dict[object, Node] = {}
        for key, value in node.value:
            name = key.value if isinstance(key, ScalarNode) else None
            if name in seen:
                first = source.at(seen[name])
                raise DataError(
                    source.at(key),
                    f"duplicate key '{name}' (first given at line {first.line}); each key may appear once",
                )
            seen[name] = key
            _reject_duplicate_keys(source, value)
    elif isinstance(node, SequenceNode):
        for item in node.value:
            _reject_duplicate_keys(source, item)
