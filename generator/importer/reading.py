"""Reading the input as clean lines: a .txt (UTF-8, UTF-16 or GB18030), a .docx, a PDF or a
saved web page (.html/.htm).

A report is often copied from a government web page, so the page's own lines (打印, 关闭, …) are
left out and its NFKC-folded punctuation is set full-width again before anything is recognised.
Input is bounded before it is looked at (generator/incoming.py: a regular file of at most 20 MB,
a capped number of paragraphs), and a "line" longer than any paragraph of a report is refused
with a message instead of being fed to the recognisers.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from generator import incoming
from generator.chinese import CJK, normalize
from generator.errors import DataError
from generator.importer.formats import Paragraph, docx_paragraphs, html_paragraphs, pdf_paragraphs

MAX_CHARACTERS = 500_000  # a long report has 30,000
MAX_LINE = 20_000  # a long paragraph has 2,000

# Lines of the web page around the report that are not part of it.
WEB_PAGE_CHROME = frozenset({"分享:", "相关阅读:", "扫一扫在手机打开当前页"})


def strip_web_chrome(text: str) -> str:
    return "\n".join(line for line in text.splitlines() if normalize(line) not in WEB_PAGE_CHROME)


@dataclass(frozen=True)
class Line:
    text: str  # cleaned: full-width punctuation, no stray spaces; table cells joined by tabs
    where: str  # 第12行 (TXT), 第12段 (DOCX, web page), 第3页 (PDF): how the user finds it
    doubt: str = ""  # what to check about how it was read (a PDF's layout), shown as 待核对


_MORE_CHROME = re.compile(
    r"^(【?(打印|关闭|打印本页|关闭窗口|返回顶部|收藏|我要纠错|分享到:?|微信|微博|QQ空间)】?|【?字[体号]:?大中小】?|"
    r"浏览次数:\d+|首页[>›].*|上一篇:.*|下一篇:.*|扫一扫.{0,12}|相关(阅读|链接|文章|附件):?)+$"
)


def read_lines(path: Path) -> tuple[list[Line], list[str]]:
    """The input's non-empty lines, cleaned; and the page lines left out (web chrome, page numbers)."""
    raw = incoming.read_bytes(path, "报告")
    chrome: list[str] = []
    kind = _kind(path, raw)
    if kind == "docx":
        paragraphs = docx_paragraphs(path, raw)
    elif kind == "pdf":
        paragraphs, chrome = pdf_paragraphs(path)
    elif kind == "html":
        paragraphs, chrome = html_paragraphs(path, raw)
    else:
        paragraphs = [Paragraph(text, f"第{n}行") for n, text in enumerate(_decode(path, raw).splitlines(), 1)]
    incoming.check_count(path, "paragraphs", len(paragraphs), "报告有")
    _check_lengths(path, paragraphs)
    lines = []
    for paragraph in paragraphs:
        folded = normalize(paragraph.text)
        if folded in WEB_PAGE_CHROME or _MORE_CHROME.match(folded):
            chrome.append(paragraph.text.strip())
        elif folded:
            text = "\t".join(_clean(cell) for cell in paragraph.text.strip().split("\t"))
            lines.append(Line(text, paragraph.where, paragraph.doubt))
    return lines, chrome


def _kind(path: Path, raw: bytes) -> str:
    """What the file is, by its first bytes, then by its name."""
    suffix = path.suffix.lower()
    if raw.startswith(b"PK\x03\x04") or suffix == ".docx":
        return "docx"
    if raw.lstrip().startswith(b"%PDF") or suffix == ".pdf":
        return "pdf"
    if raw.startswith(b"\xd0\xcf\x11\xe0"):
        raise DataError(None, f"{path}：这是旧版 Word（.doc）或 WPS（.wps）文件，不能直接导入；请用 Word/WPS 打开后另存为 .docx")
    if suffix in (".yaml", ".yml"):
        raise DataError(None, f"{path}：这是数据文件，不是已发布的报告；导入用的是报告的 .txt、.docx、.pdf 或另存的网页，数据文件可以直接 build 或 check")
    start = raw[:1024].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if suffix in (".html", ".htm", ".shtml", ".xhtml") or start.startswith((b"<!doctype html", b"<html")):
        return "html"
    return "text"


def _check_lengths(path: Path, paragraphs: list[Paragraph]) -> None:
    """Refuse text no report has, before any pattern is matched against it."""
    total = sum(len(p.text) for p in paragraphs)
    if total > MAX_CHARACTERS:
        raise DataError(None, f"{path}：文字有 {total} 个字符，超过导入的上限 {MAX_CHARACTERS} 个；"
                              "一份报告通常只有几万字，请确认选对了文件，或只保留报告正文再导入")
    for paragraph in paragraphs:
        if len(paragraph.text) > MAX_LINE:
            raise DataError(None, f"{path}：{paragraph.where}有 {len(paragraph.text)} 个字符，超过一段的上限 {MAX_LINE} 个；"
                                  "文件可能没有分行，或者不是报告的文字；请在段落之间换行后再导入")


def _decode(path: Path, raw: bytes) -> str:
    """UTF-8, UTF-16 with a byte order mark, or GB18030 (what Chinese Windows saves as 'ANSI')."""
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return raw.decode("utf-16")
        except UnicodeDecodeError:
            raise DataError(None, f"{path}：文件开头标明是 UTF-16 文本，内容却不是；请另存为 UTF-8 文本") from None
    if b"\x00" in raw[:8192]:
        raise DataError(None, f"{path}：这是二进制文件，不是报告的文字；请导入 .txt、.docx、.pdf 或网页文件（.html）")
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise DataError(None, f"{path}：文字既不是 UTF-8 也不是 GB18030 编码；请用记事本打开，另存为 UTF-8 文本")


_CJK = CJK + "《》〔〕"
_SPACES = re.compile(rf"[^\S\u3000]+(?=[{_CJK}])|(?<=[{_CJK}])[^\S\u3000]+")  # 　 inside a line is typeset on purpose
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029]")
_FULLWIDTH = {",": "，", ";": "；", ":": "：", "?": "？", "!": "！", "(": "（", ")": "）"}
_CJK_CHAR = re.compile(f"[{_CJK}]")


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
    return any(0 <= j < len(text) and _CJK_CHAR.match(text[j]) for j in (i - 1, i + 1))


def _chinese_pair(text: str, i: int, partner: dict[int, int]) -> bool:
    """A bracket pair is Chinese if either bracket stands beside Chinese, it holds Chinese, or it
    is a heading number at the start of the line: (1) → （1）."""
    if i not in partner:
        return False
    start, end = sorted((i, partner[i]))
    inside = text[start + 1:end]
    return _beside_cjk(text, partner[i]) or bool(_CJK_CHAR.search(inside)) or (start == 0 and inside.isdigit())


def _bracket_partners(text: str) -> dict[int, int]:
    partner, opened = {}, []
    for i, char in enumerate(text):
        if char == "(":
            opened.append(i)
        elif char == ")" and opened:
            j = opened.pop()
            partner[i], partner[j] = j, i
    return partner
