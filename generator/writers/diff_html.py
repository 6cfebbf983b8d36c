"""The redline as a web page: the new report's text with insertions and deletions marked."""
from __future__ import annotations

from dataclasses import dataclass

from jinja2 import Environment, FileSystemLoader, select_autoescape

from generator.pipeline.document import Document
from generator.resources import templates_dir
from generator.writers import text
from generator.writers.changes import align, text_changes

TEMPLATES = templates_dir()


@dataclass(frozen=True)
class ParagraphDiff:
    kind: str  # "same", "changed", "added", "removed"
    pieces: tuple[tuple[str, str], ...]


def paragraphs(old: Document, new: Document) -> list[ParagraphDiff]:
    old_lines = [line for line in text.render(old).splitlines() if line]
    new_lines = [line for line in text.render(new).splitlines() if line]
    result = []
    for i, j in align(old_lines, new_lines):
        if j is None:
            assert i is not None  # align pairs a paragraph with nothing, never nothing with nothing
            result.append(ParagraphDiff("removed", (("deleted", old_lines[i]),)))
        elif i is None:
            result.append(ParagraphDiff("added", (("inserted", new_lines[j]),)))
        else:
            pieces = tuple(text_changes(old_lines[i], new_lines[j]))
            result.append(ParagraphDiff("same" if len(pieces) == 1 and pieces[0][0] == "equal" else "changed", pieces))
    return result


def render(old: Document, new: Document) -> str:
    diffs = paragraphs(old, new)
    environment = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(["html", "j2"]))
    count = lambda kind: sum(k == kind for d in diffs for k, _ in d.pieces)  # noqa: E731
    return environment.get_template("diff.html.j2").render(
        title=new.title, data_version=new.data_version, old_year=old.year, paragraphs=diffs, inserted=count("inserted"), deleted=count("deleted"),
    )
