"""The rules of written Chinese that every stage shares: one definition each.

What counts as a Chinese character, where a sentence ends, how a date and the 附件说明 are
written, how a report text is compared (NFKC-folded, whitespace ignored: web pages serve reports
folded, `,` for `，`, and with stray spaces), how wide text is in a terminal and on the page, and the "did you
mean" hint that every message about a name gives.
"""
from __future__ import annotations

import datetime
import difflib
import re
import unicodedata
from collections.abc import Iterable
from pathlib import Path

# Characters of Chinese text: CJK ideographs and radicals, CJK and full-width punctuation, and
# the marks Chinese text shares with others (“”‘’ —— ……). A regex character class.
CJK = "\u2e80-\u9fff\uf900-\ufaff\u3000-\u303f\uff00-\uffef“”‘’—…"
# Han ideographs only (a break opportunity next to a quotation mark, a name).
HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
# A text ending in one of these needs no 。 added (a run-in heading). …… counts: 加强学习……。
SENTENCE_ENDS = ("。", "？", "！", "：", "；", "…")
# Marks that close a sentence inside a paragraph, for showing the sentence around a place.
SENTENCE_BREAKS = "。！？；"
# File names of a year's data: data/2024.yaml.
YEAR_FILE = re.compile(r"(\d{4})\.yaml")


def ends_sentence(text: str) -> bool:
    return text.endswith(SENTENCE_ENDS)


def chinese_date(day: datetime.date) -> str:
    """GB/T 9704 §7.3.5.3: arabic numerals, no leading zeros: 2025年3月25日."""
    return f"{day.year}年{day.month}月{day.day}日"


def attachment_note(titles: list[str]) -> tuple[str, ...]:
    """附件说明 (GB/T 9704 §7.3.6): "附件：×××", or numbered lines "附件：1.×××" / "2.×××"."""
    if len(titles) == 1:
        return (f"附件：{titles[0]}",)
    return tuple(("附件：" if n == 1 else "") + f"{n}.{title}" for n, title in enumerate(titles, 1))


def did_you_mean(name: object, known: Iterable[str]) -> str:
    """"（是否想写“审结”？）" for the known name closest to a mistyped one, else ""."""
    close = difflib.get_close_matches(str(name), list(known), n=1)
    return f"（是否想写“{close[0]}”？）" if close else ""


def years_in(folder: Path) -> dict[int, Path]:
    """The <year>.yaml data files of a folder, by year, oldest first."""
    found = {int(m.group(1)): path for path in folder.glob("*.yaml") if (m := YEAR_FILE.fullmatch(path.name))}
    return dict(sorted(found.items()))


def display_width(text: str) -> int:
    """Columns a terminal gives the text: two for a wide (Chinese) character."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def width_chars(text: str) -> float:
    """Width in 字 (characters of the body size): half-width characters (arabic digits, ASCII)
    take half a 字. What the writers measure lines, columns and indents in."""
    return sum(0.5 if unicodedata.east_asian_width(c) in ("Na", "H") else 1 for c in text)


def normalize(text: str) -> str:
    """NFKC-fold and drop all whitespace (Chinese text has no meaningful spaces)."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))


def differences(expected: str, actual: str, context: int = 12) -> list[str]:
    """Each difference between two normalized texts, shown with a little context."""
    matcher = difflib.SequenceMatcher(None, expected, actual, autojunk=False)
    shown = []
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op != "equal":
            before = expected[max(0, i1 - context):i1]
            shown.append(f"…{before}[{expected[i1:i2]} → {actual[j1:j2]}]{expected[i2:i2 + context]}…")
    return shown
