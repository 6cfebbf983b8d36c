"""Figures come in: a form (XLSX) for each unit that reports figures, the answers merged back.

`layout` is the workbook: what `collect` writes and `merge` reads, in one place. `units` says
which unit reports which figure (`from:`), and how far the collection has come.
"""
from __future__ import annotations

from generator.chinese import display_width

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")  # what a spreadsheet takes for a formula (OWASP)


def text_table(lines: list[tuple[str, ...]]) -> str:
    """Rows of cells as aligned terminal columns (a Chinese character is two columns wide)."""
    widths = [max(display_width(line[i]) for line in lines) for i in range(len(lines[0]))]
    return "\n".join("  ".join(cell + " " * (w - display_width(cell)) for cell, w in zip(line, widths)).rstrip() for line in lines) + "\n"


def inert_cell(cell: str) -> str:
    """A CSV cell a spreadsheet shows as text: one a spreadsheet would take for a formula (it
    begins with =, +, -, @, a tab or a carriage return) gets a leading ' (OWASP: CSV injection)."""
    return "'" + cell if cell[:1] in FORMULA_STARTS else cell
