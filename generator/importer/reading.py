"""Reading the input: a .txt (UTF-8, UTF-16 or GB18030) or a .docx, as clean lines.

A report is often copied from a government web page, so the page's own lines (打印, 关闭, …) are
left out and its NFKC-folded punctuation is set full-width again before anything is recognised.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from generator.errors import DataError
from generator.chinese import CJK, normalize

# Lines of the web page around the report that are not part of it.
WEB_PAGE_CHROME = frozenset({"分享:", "相关阅读:", "扫一扫在手机打开当前页"})


def strip_web_chrome(text: str) -> str:
    return "\n".join(line for line in text.splitlines() if normalize(line) not in WEB_PAGE_CHROME)


@dataclass(frozen=True)
class Line:
    number: int  # 1-based line (TXT) or paragraph (DOCX) of the input
    text: str  # cleaned: full-width punctuation, no stray spaces; table cells joined by tabs


_MORE_CHROME = re.compile(r"^(【?(打印|关闭|打印本页|关闭窗口|返回顶部)】?|【?字[体号]:?大中小】?|浏览次数:\d+|首页[>›].*)+$")


def read_lines(path: Path) -> tuple[list[Line], list[str]]:
    """The input's non-empty lines, cleaned; and the web page lines left out."""
    paragraphs = _docx_paragraphs(path) if _is_docx(path) else _decode(path).splitlines()
    lines, chrome = [], []
    for number, raw in enumerate(paragraphs, 1):
        folded = normalize(raw)
        if folded in WEB_PAGE_CHROME or _MORE_CHROME.match(folded):
            chrome.append(raw.strip())
        elif folded:
            lines.append(Line(number, "\t".join(_clean(cell) for cell in raw.strip().split("\t"))))
    return lines, chrome


def _is_docx(path: Path) -> bool:
    if path.suffix.lower() == ".docx":
        return True
    try:
        with path.open("rb") as stream:
            return stream.read(4) == b"PK\x03\x04"
    except OSError as error:
        raise DataError(None, f"{path}: cannot read the file ({error.strerror})") from None


def _docx_paragraphs(path: Path) -> list[str]:
    """Paragraphs in order; a table's rows as tab-separated lines, as the text writer gives them."""
    import zipfile

    import docx
    from docx.opc.exceptions import PackageNotFoundError
    from docx.table import Table

    try:
        lines = []
        for block in docx.Document(str(path)).iter_inner_content():
            if isinstance(block, Table):
                lines += ["\t".join(cell.text for cell in row.cells) for row in block.rows]
            else:
                lines.append(block.text)
        return lines
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError):
        raise DataError(None, f"{path}: not a Word .docx document; save it from Word/WPS as .docx, or as text (.txt)") from None


def _decode(path: Path) -> str:
    """UTF-8, UTF-16 with a byte order mark, or GB18030 (what Chinese Windows saves as 'ANSI')."""
    try:
        raw = path.read_bytes()
    except OSError as error:
        raise DataError(None, f"{path}: cannot read the file ({error.strerror})") from None
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        return raw.decode("utf-16")
    if raw.startswith(b"%PDF"):
        raise DataError(None, f"{path}: a PDF cannot be imported; copy its text into a .txt file, or open it in Word and save as .docx")
    if b"\x00" in raw[:8192]:
        raise DataError(None, f"{path}: a binary file, not a report's text; give a .txt or .docx file")
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise DataError(None, f"{path}: the text is neither UTF-8 nor GB18030; save it as UTF-8 text")


_CJK = CJK + "《》〔〕"
_SPACES = re.compile(rf"[^\S\u3000]+(?=[{_CJK}])|(?<=[{_CJK}])[^\S\u3000]+")  # 　 inside a line is typeset on purpose
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029]")
_FULLWIDTH = {",": "，", ";": "；", ":": "：", "?": "？", "!": "！", "(": "（", ")": "）"}


def _clean(text: str) -> str:
    """Undo the web page's NFKC folding and spacing: `,` → `，` beside Chinese, no stray spaces."""
    text = _SPACES.sub("", _CONTROL.sub("", unicodedata.normalize("NFC", text)).strip())
    chars = list(text)
    partner = _bracket_partners(text)
    for i, char in enumerate(chars):
        if char in _FULLWIDTH and (_beside_cjk(text, i) or _chinese_pair(text, i, partner)):
            chars[i] = _FULLWIDTH[char]
    return "".join(chars)


def _beside_cjk(text: str, i: int) -> bool:
    return any(0 <= j < len(text) and re.match(f"[{_CJK}]", text[j]) for j in (i - 1, i + 1))


def _chinese_pair(text: str, i: int, partner: dict[int, int]) -> bool:
    """A bracket pair is Chinese if either bracket stands beside Chinese, it holds Chinese, or it
    is a heading number at the start of the line: (1) → （1）."""
    if i not in partner:
        return False
    start, end = sorted((i, partner[i]))
    inside = text[start + 1:end]
    return _beside_cjk(text, partner[i]) or bool(re.search(f"[{_CJK}]", inside)) or (start == 0 and inside.isdigit())


def _bracket_partners(text: str) -> dict[int, int]:
    partner, opened = {}, []
    for i, char in enumerate(text):
        if char == "(":
            opened.append(i)
        elif char == ")" and opened:
            j = opened.pop()
            partner[i], partner[j] = j, i
    return partner
