"""Which paragraph of the rendered report a check finding is about.

The HTML writer gives each block the id of its line in the data file ("L57"). A finding points
at a line: a block's own line, a line inside a block (a year typed in a
paragraph), or a figure's line, which stands for the first paragraph that uses the figure.
"""
from __future__ import annotations

import bisect
import re

from generator.commands.check import Finding
from generator.pipeline import model

_ID = re.compile(r' id="(L\d+)"')


def link(page: str, report: model.Report, findings: tuple[Finding, ...]) -> tuple[str, tuple[str | None, ...]]:
    """The page with data-flag="<severity>" on the blocks findings concern; and for each
    finding the id of its block, or None (the title, the metadata, a block the page does not show)."""
    shown = set(_ID.findall(page))
    ids = tuple(anchor if anchor in shown else None for anchor in _anchors(report, findings))
    flags: dict[str, str] = {}
    for finding, anchor in zip(findings, ids):
        if anchor:
            flags.setdefault(anchor, finding.severity)  # check() lists the gravest first
    for anchor, severity in flags.items():
        page = page.replace(f' id="{anchor}"', f' id="{anchor}" data-flag="{severity}"', 1)
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


def _block_starts(report: model.Report) -> dict[int, int | None]:
    """Line where each block starts → line of the rendered block that shows it. A run-in
    heading is shown in its first paragraph, so its line maps there; an attachment's title is
    no block, so its line maps to None."""
    starts: dict[int, int | None] = {a.location.line: None for a in report.attachments if a.location is not None}
    for block in report.all_blocks():
        if block.location is None:
            continue
        shown = block
        while isinstance(shown, model.Section) and shown.runin and shown.body:
            shown = shown.body[0]
        if shown.location is not None:
            starts[block.location.line] = shown.location.line
    return starts


def _first_use(report: model.Report, name: str) -> int | None:
    """The line of the first block whose text writes {{ name }}."""
    use = re.compile(r"\{\{[^}]*(?<!\w)" + re.escape(name) + r"(?!\w)")
    for block in report.all_blocks():
        if block.location is not None and any(use.search(text.template) for text in model.texts(block)):
            return block.location.line
    return None
