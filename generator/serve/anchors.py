"""Which paragraph of the rendered report a check finding is about, and ids to link to it.

The HTML writer gives its elements no ids, so each block of the document is matched, in order,
to the next element with the same text; the id is the block's line in the data file ("L57").
A finding points at a line: a block's own line, a line inside a block (a year typed in a
paragraph), or a figure's line, which stands for the first paragraph that uses the figure.
"""
from __future__ import annotations

import bisect
import re
from html.parser import HTMLParser

from .. import document as doc
from .. import model
from ..checks import Finding

_BLOCK_TAGS = frozenset({"p", "h1", "h2", "h3", "h4", "h5", "h6", "table"})
_SPACE = re.compile(r"\s+")


def link(page: str, report: model.Report, document: doc.Document, findings: tuple[Finding, ...]) -> tuple[str, tuple[str | None, ...]]:
    """The page with id="L<line>" on each block's element and data-flag="<severity>" on those
    findings concern; and for each finding the id of its block, or None (the title, the
    metadata, a block the page does not show)."""
    offsets = _offsets(page, document)
    ids = tuple(anchor if anchor in offsets else None for anchor in _anchors(report, findings))
    flags: dict[str, str] = {}
    for finding, anchor in zip(findings, ids):
        if anchor:
            flags.setdefault(anchor, finding.severity)  # check() lists the gravest first
    for anchor, offset in sorted(offsets.items(), key=lambda item: item[1], reverse=True):
        flag = f' data-flag="{flags[anchor]}"' if anchor in flags else ""
        page = page[:offset] + f' id="{anchor}"{flag}' + page[offset:]
    return page, ids


def _anchors(report: model.Report, findings: tuple[Finding, ...]) -> list[str | None]:
    """The id of the block each finding's line falls in; a figure's line counts as the line of
    the first block that uses the figure."""
    starts = _block_starts(report)
    lines = sorted(starts)
    figure_lines = {figure.location.line: name for name, figure in report.figures.items()}
    result: list[str | None] = []
    for finding in findings:
        line = finding.location.line if finding.location else 0
        if line in figure_lines:
            line = _first_use(report, figure_lines[line]) or 0
        index = bisect.bisect_right(lines, line) - 1
        shown = starts[lines[index]] if index >= 0 else None
        result.append(f"L{shown}" if shown is not None else None)
    return result


def _offsets(page: str, document: doc.Document) -> dict[str, int]:
    """Each block's id → where in the page its element's attributes go."""
    elements = _Elements(page).found
    offsets: dict[str, int] = {}
    start = 0
    for block in _document_blocks(document):
        if block.location is None:
            continue
        wanted = _SPACE.sub("", _block_text(block))
        for index in range(start, len(elements)):
            offset, text = elements[index]
            if _SPACE.sub("", text) == wanted:
                offsets.setdefault(f"L{block.location.line}", offset)
                start = index + 1
                break
    return offsets


class _Elements(HTMLParser):
    """The report's block elements in order: where to insert attributes (just after the tag
    name) and their text."""

    def __init__(self, page: str) -> None:
        super().__init__(convert_charrefs=True)
        self.line_offsets = [0, *(newline.end() for newline in re.finditer("\n", page))]  # as getpos() counts
        self.found: list[tuple[int, str]] = []
        self.open: list[int] = []
        self.feed(page)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _BLOCK_TAGS:
            line, column = self.getpos()
            self.open.append(len(self.found))
            self.found.append((self.line_offsets[line - 1] + column + 1 + len(tag), ""))

    def handle_endtag(self, tag: str) -> None:
        if tag in _BLOCK_TAGS and self.open:
            self.open.pop()

    def handle_data(self, data: str) -> None:
        for index in self.open:
            offset, text = self.found[index]
            self.found[index] = (offset, text + data)


def _document_blocks(document: doc.Document) -> list[doc.Block]:
    return [*document.body, *(block for attachment in document.attachments for block in attachment.body)]


def _block_text(block: doc.Block) -> str:
    if isinstance(block, doc.Heading):
        return block.full_text
    if isinstance(block, doc.Paragraph):
        return block.text
    return "".join((block.caption, *block.header, *(cell for row in block.rows for cell in row)))


def _model_blocks(blocks: tuple[model.Block, ...]) -> list[model.Block]:
    """Every block, sections before their bodies, in the order of the file."""
    result: list[model.Block] = []
    for block in blocks:
        result.append(block)
        if isinstance(block, model.Section):
            result.extend(_model_blocks(block.body))
    return result


def _all_blocks(report: model.Report) -> list[model.Block]:
    return _model_blocks(report.body) + [b for attachment in report.attachments for b in _model_blocks(attachment.body)]


def _block_starts(report: model.Report) -> dict[int, int | None]:
    """Line where each block starts → line of the rendered block that shows it. A run-in
    heading is shown in its first paragraph, so its line maps there; an attachment's title is
    no block, so its line maps to None."""
    starts: dict[int, int | None] = {a.location.line: None for a in report.attachments if a.location is not None}
    for block in _all_blocks(report):
        if block.location is None:
            continue
        shown = block
        while isinstance(shown, model.Section) and shown.runin and shown.body:
            shown = shown.body[0]
        if shown.location is not None:
            starts[block.location.line] = shown.location.line
    return starts


def _texts(block: model.Block) -> list[model.Text]:
    if isinstance(block, model.Section):
        return [block.title]
    if isinstance(block, model.Paragraph):
        return [*([block.text] if block.text else []), *block.items]
    if isinstance(block, model.Bullet):
        return [block.text]
    return [*block.header, *(cell for row in block.rows for cell in row), *([block.caption] if block.caption else [])]


def _first_use(report: model.Report, name: str) -> int | None:
    """The line of the first block whose text writes {{ name }}."""
    use = re.compile(r"\{\{[^}]*(?<!\w)" + re.escape(name) + r"(?!\w)")
    for block in _all_blocks(report):
        if block.location is not None and any(use.search(text.template) for text in _texts(block)):
            return block.location.line
    return None
