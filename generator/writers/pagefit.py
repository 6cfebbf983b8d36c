"""Page fit: what a reader of the printed report calls badly broken, read off a rendered PDF.

The PDF keeps 22 lines a page (widows and orphans are allowed so that pages stay full), so a
paragraph may end with its last line alone at the top of a page, or with a line of one
character. Neither is wrong by the standard, but both look careless in a 公文, and the clerk
can mend them by adding or cutting a few characters. Lines are read by their position: a
paragraph's lines after the first start at the type area's left edge, every line but its last
reaches the right edge.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from generator.config.layout import Profile

PT_PER_MM = 72 / 25.4
_PUNCTUATION = "，。、；：？！）》」』”’…—"


@dataclass(frozen=True)
class Finding:
    page: int
    line: int  # on the page, counting the text lines of the type area from 1
    kind: str  # "widow": a paragraph's last line alone atop a page; "short": a last line of one character
    text: str

    @property
    def message(self) -> str:
        """The finding as the clerk reads it."""
        where = f"第{self.page}页第{self.line}行"
        if self.kind == "widow":
            return f"{where}：段落的最后一行“{self.text}”单独排在页首，可增删几个字，让它回到上一页或多带一行过来"
        return f"{where}：段落的最后一行只有一个字“{self.text}”，可增删几个字避免"


@dataclass(frozen=True)
class _Line:
    page: int
    number: int
    text: str
    x0: float
    x1: float
    size: float


def findings(pdf: Path, profile: Profile) -> list[Finding]:
    """Widows and one-character last lines of the body text (not titles, page numbers, 版记)."""
    lines = _body_lines(pdf, profile)
    page = profile["page"]
    left = page["margin_left_mm"] * PT_PER_MM
    right = (page["width_mm"] - page["margin_right_mm"]) * PT_PER_MM
    char = profile["fonts"]["body"]["size_pt"] + profile["grid"]["body_char_spacing_pt"]
    found = []
    for previous, line, following in zip([None, *lines], lines, [*lines[1:], None]):
        continues = (previous is not None and previous.size == line.size and abs(previous.x1 - right) < char / 2
                     and abs(line.x0 - left) < 0.5)
        last = line.x1 < right - char / 2 or following is None or abs(following.x0 - left) >= 0.5
        if not (continues and last):
            continue
        assert previous is not None
        if previous.page != line.page:
            found.append(Finding(line.page, line.number, "widow", line.text))
        if len(line.text.rstrip(_PUNCTUATION)) <= 1:
            found.append(Finding(line.page, line.number, "short", line.text))
    return found


def _body_lines(pdf: Path, profile: Profile) -> list[_Line]:
    """The lines in the body's size inside the type area, page by page, top to bottom."""
    import pdfplumber  # a test dependency: only `check` and the tests read PDFs

    page = profile["page"]
    top = page["margin_top_mm"] * PT_PER_MM
    bottom = (page["height_mm"] - page["margin_bottom_mm"]) * PT_PER_MM
    size = profile["fonts"]["body"]["size_pt"]
    lines = []
    with pdfplumber.open(pdf) as opened:
        for number, sheet in enumerate(opened.pages, 1):
            by_baseline: dict[float, list[dict]] = defaultdict(list)
            for char in sheet.chars:
                if top - 1 <= char["top"] and char["bottom"] <= bottom + 1:
                    by_baseline[round(char["bottom"], 1)].append(char)
            for index, (_, chars) in enumerate(sorted(by_baseline.items()), 1):
                chars.sort(key=lambda c: c["x0"])
                if round(chars[0]["size"], 1) == size:
                    text = "".join(c["text"] for c in chars)
                    lines.append(_Line(number, index, text, chars[0]["x0"], chars[-1]["x1"], round(chars[0]["size"], 1)))
    return lines
