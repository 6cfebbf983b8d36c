"""`rename`: a figure's new name, in `figures:` and in every reference to it, in one step.

Renaming by hand (the key, then each {{ 名称 }} in the text, each formula naming it) is how a
sentence gets corrupted. Here the edits are made at the offsets of the YAML nodes, so comments
and layout stay; the result must load and render to exactly the same text as before, or
nothing is written; the file is replaced atomically.
"""
from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterator
from pathlib import Path

from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from generator.atomic import write_all
from generator.errors import DataError
from generator.pipeline import yamlsource
from generator.pipeline.loader import load
from generator.pipeline.model import TEXT_NAMES
from generator.pipeline.resolve import resolve
from generator.pipeline.yamlsource import Source
from generator.writers import text as plain_text

# Jinja's expressions and statements inside a text: names are replaced only there.
_EXPRESSION = re.compile(r"\{\{.*?\}\}|\{%.*?%\}", re.DOTALL)
# Figure fields that are themselves expressions over names, or a name.
_NAMING_FIELDS = ("formula", "counts", "at_most")


@dataclasses.dataclass(frozen=True)
class Renamed:
    path: Path
    old: str
    new: str
    references: int  # references changed, besides the name in figures:


def rename(path: Path, old: str, new: str) -> Renamed:
    """Rename figure `old` to `new` in the data file `path`; refuses an unknown `old`, a `new`
    that exists, and any result that does not render the same text."""
    report = load(path)
    if old not in report.figures:
        raise DataError(None, f"{path} 的 figures 中没有名为“{old}”的数字；现有的数字：{'、'.join(list(report.figures)[:20])}")
    if new == old:
        raise DataError(None, f"新名称与旧名称相同（“{old}”），无需改名")
    if new in report.figures or new in TEXT_NAMES:
        raise DataError(None, f"{path} 中已经有名为“{new}”的{'数字' if new in report.figures else '名称'}；请另选一个新名称")
    before = plain_text.render(resolve(report))
    source, root = yamlsource.read(path)
    edits = list(_edits(source, root, old, new))
    text = source.text
    for start, end in sorted(edits, reverse=True):
        text = text[:start] + new + text[end:]

    def write(temp: Path) -> None:
        temp.write_text(text, encoding="utf-8")
        try:
            after = plain_text.render(resolve(load(temp)))
        except DataError as error:  # a name the loader refuses: say where, in the clerk's file
            location = dataclasses.replace(error.location, path=path) if error.location else None
            raise DataError(location, error.message) from None
        if after != before:
            raise DataError(None, f"改名后报告的文字会有变化，未改动 {path}；请手工核对“{old}”的各处引用")

    write_all({path: write})
    return Renamed(path, old, new, len(edits) - 1)


def _edits(source: Source, root: Node, old: str, new: str) -> Iterator[tuple[int, int]]:
    """Spans of the source text that name the figure: its key, and each reference."""
    token = re.compile(rf"(?<![\w.]){re.escape(old)}(?!\w)")
    for key, value in root.value if isinstance(root, MappingNode) else ():
        if key.value == "figures" and isinstance(value, MappingNode):
            for name, figure in value.value:
                if name.value == old:
                    yield name.start_mark.index + _offset(source, name, old), name.start_mark.index + _offset(source, name, old) + len(old)
                for field, written in figure.value if isinstance(figure, MappingNode) else ():
                    if field.value in _NAMING_FIELDS and isinstance(written, ScalarNode):
                        yield from _spans(source, written, token, whole=True)
        else:
            for scalar in _scalars(value):
                yield from _spans(source, scalar, token, whole=False)


def _offset(source: Source, key: ScalarNode, name: str) -> int:
    """Where the name starts in a key as written (after a quote, if quoted)."""
    return source.text.find(name, key.start_mark.index, key.end_mark.index) - key.start_mark.index


def _spans(source: Source, node: ScalarNode, token: re.Pattern[str], whole: bool) -> Iterator[tuple[int, int]]:
    start, end = node.start_mark.index, node.end_mark.index
    written = source.text[start:end]
    regions = [(0, len(written))] if whole else [m.span() for m in _EXPRESSION.finditer(written)]
    for left, right in regions:
        for match in token.finditer(written, left, right):
            yield start + match.start(), start + match.end()


def _scalars(node: Node) -> Iterator[ScalarNode]:
    """Every scalar value under a node (keys are names of fields, not text)."""
    if isinstance(node, ScalarNode):
        yield node
    elif isinstance(node, SequenceNode):
        for item in node.value:
            yield from _scalars(item)
    elif isinstance(node, MappingNode):
        for _, value in node.value:
            yield from _scalars(value)
