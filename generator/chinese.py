"""Compare report texts the way a reader would: NFKC-folded, whitespace ignored.

Web pages serve Chinese reports NFKC-folded (`,` for `，`) and with stray spaces; neither is
a difference in the report.
"""
from __future__ import annotations

import difflib
import re
import unicodedata

# Lines of the web page around the report that are not part of it.
WEB_PAGE_CHROME = frozenset({"分享:", "相关阅读:", "扫一扫在手机打开当前页"})


def normalize(text: str) -> str:
    """NFKC-fold and drop all whitespace (Chinese text has no meaningful spaces)."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))


def strip_web_chrome(text: str) -> str:
    return "\n".join(line for line in text.splitlines() if normalize(line) not in WEB_PAGE_CHROME)


def differences(expected: str, actual: str, context: int = 12) -> list[str]:
    """Each difference between two normalized texts, shown with a little context."""
    matcher = difflib.SequenceMatcher(None, expected, actual, autojunk=False)
    shown = []
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op != "equal":
            before = expected[max(0, i1 - context):i1]
            shown.append(f"…{before}[{expected[i1:i2]} → {actual[j1:j2]}]{expected[i2:i2 + context]}…")
    return shown
