"""The text of a report as people receive it: a Word .docx, a published PDF, a saved web page.

Each reader returns the report's paragraphs in order, a table's rows as tab-separated lines (as
the text writer lays them out), with where each was found (第3段, 第2页) for the messages. Every
reader is bounded: a DOCX is inflated within the caps of generator/incoming.py, pdftotext runs
under a time, memory and output limit, and XML is parsed without entities or network access.
"""
from __future__ import annotations

import codecs
import re
import resource
import shutil
import signal
import statistics
import subprocess
import tempfile
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from lxml import etree, html

from generator import incoming
from generator.chinese import HAN
from generator.errors import DataError
from generator.importer.pageinfo import fields

PDF_SECONDS = 6  # pdftotext reads a 280-page report in about 1 s; a 9 KB PDF drawing one word 90,000 times, minutes
MAX_PDF_TEXT = 24 * 1024 * 1024  # pdftotext's word boxes of a 280-page report: 2.3 MB
MAX_PDF_PAGES = 300


@dataclass(frozen=True)
class Paragraph:
    text: str
    where: str  # 第12段, 第3页: how the user finds it in the file
    doubt: str = ""  # what to check about how the paragraph was read (a PDF's layout unclear)


def _refuse(path: Path, message: str) -> DataError:
    return DataError(None, f"{path}：{message}")


# -- DOCX -------------------------------------------------------------------------------------------

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_MC_FALLBACK = "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"
# Subtrees whose text is not the paragraph's own: deleted revisions, text boxes, alternatives.
_SKIP = frozenset({_W + "del", _W + "moveFrom", _W + "txbxContent", _W + "p", _W + "tbl", _MC_FALLBACK,
                   _W + "rPr", _W + "pPr", _W + "instrText", _W + "footnoteReference", _W + "endnoteReference"})


def docx_paragraphs(path: Path, raw: bytes) -> list[Paragraph]:
    """Paragraphs of word/document.xml in order, inflated within the caps of generator/incoming.py."""
    archive = incoming.Archive(path, raw, "Word 文档")
    if "word/document.xml" not in archive.names:
        raise _refuse(path, "文件里没有正文部分（word/document.xml），不是完整的 Word 文档；请用 Word/WPS 打开后另存为 .docx")
    root = archive.xml("word/document.xml")
    body = root.find(_W + "body")
    if body is None:
        raise _refuse(path, "文档的正文部分是空的（word/document.xml 中没有 w:body）；请用 Word/WPS 打开后另存为 .docx")
    lines = list(_blocks(body))
    return [Paragraph(text, f"第{n}段") for n, text in enumerate(lines, 1)]


def _blocks(container: etree._Element) -> list[str]:
    """Body paragraphs and table rows in order; content controls and custom XML are looked into."""
    lines: list[str] = []
    for child in container:
        if child.tag == _W + "p":
            lines += _paragraph_text(child).split("\n")
        elif child.tag == _W + "tbl":
            lines += _table_rows(child)
        elif child.tag in (_W + "sdt", _W + "sdtContent", _W + "customXml"):
            lines += _blocks(child)
    return lines


def _paragraph_text(paragraph: etree._Element) -> str:
    parts: list[str] = []
    for child in paragraph:
        _collect(child, parts)
    return "".join(parts)


def _collect(element: etree._Element, parts: list[str]) -> None:
    tag = element.tag
    if not isinstance(tag, str) or tag in _SKIP:
        return
    if tag == _W + "t":
        parts.append(element.text or "")
    elif tag in (_W + "tab", _W + "ptab"):
        parts.append("\t")
    elif tag in (_W + "br", _W + "cr"):
        parts.append("\n")
    elif tag == _W + "noBreakHyphen":
        parts.append("-")
    for child in element:
        _collect(child, parts)


def _table_rows(table: etree._Element) -> list[str]:
    """Each row's cells joined by tabs; a cell spanning columns is repeated, as Word's grid has it."""
    rows = []
    for row in table.iter(_W + "tr"):
        if row.getparent() is not table:
            continue
        cells = []
        for cell in row.findall(_W + "tc"):
            text = "".join(_paragraph_text(p) for p in cell.iter(_W + "p")).replace("\t", " ").replace("\n", "")
            span = cell.find(f"{_W}tcPr/{_W}gridSpan")
            cells += [text] * max(1, min(int(span.get(_W + "val", "1")) if span is not None and span.get(_W + "val", "").isdigit() else 1, 64))
        rows.append("\t".join(cells))
    return rows


# -- PDF --------------------------------------------------------------------------------------------

_XHTML = "{http://www.w3.org/1999/xhtml}"
_PAGE_NUMBER = re.compile(r"^[-—–－~～·\s]*(?:第\s*)?\d{1,4}\s*(?:页)?(?:\s*[/／]\s*\d{1,4}|\s*共\s*\d{1,4}\s*页)?[-—–－~～·\s]*$")


@dataclass
class _PdfLine:
    page: int
    x0: float
    y0: float
    x1: float
    y1: float
    text: str


def pdf_paragraphs(path: Path) -> tuple[list[Paragraph], list[str]]:
    """The text of a published PDF, its lines joined back into paragraphs; page numbers and the
    lines repeated at the top or bottom of every page are left out (returned second)."""
    command = shutil.which("pdftotext")
    if command is None:
        raise _refuse(path, "读取 PDF 需要 pdftotext 命令（poppler-utils 软件包），本机没有安装；请运行 make setup "
                      "或 sudo apt-get install poppler-utils，或把 PDF 中的文字复制到 .txt 文件再导入")
    with tempfile.TemporaryFile() as output:
        try:
            done = subprocess.run([command, "-bbox-layout", "-enc", "UTF-8", "-q", "-l", str(MAX_PDF_PAGES + 1), str(path), "-"],
                                  stdin=subprocess.DEVNULL, stdout=output, stderr=subprocess.DEVNULL, timeout=PDF_SECONDS, check=False,
                                  preexec_fn=_pdftotext_limits)
        except subprocess.TimeoutExpired:
            raise _refuse(path, f"pdftotext 读取这个 PDF 超过了 {PDF_SECONDS} 秒，已停止；请把其中的文字复制到 .txt 文件再导入") from None
        output.seek(0)
        text = output.read(MAX_PDF_TEXT + 1)
    if done.returncode == -signal.SIGXFSZ or len(text) > MAX_PDF_TEXT:
        raise _refuse(path, f"这个 PDF 的文字层超过 {MAX_PDF_TEXT // 1024 // 1024} MB，不像一份报告，为安全起见不予读取；请把其中的文字复制到 .txt 文件再导入")
    if done.returncode != 0 or not text.strip():
        raise _refuse(path, "无法读取这个 PDF 中的文字（文件已损坏或加密）；请用阅读器打开，把文字复制到 .txt 文件再导入")
    try:
        root = etree.fromstring(text, etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True, recover=True))
    except etree.XMLSyntaxError:
        raise _refuse(path, "无法读取这个 PDF 中的文字；请用阅读器打开，把文字复制到 .txt 文件再导入") from None
    pages = list(root.iter(_XHTML + "page"))
    if len(pages) > MAX_PDF_PAGES:
        raise _refuse(path, f"这个 PDF 超过 {MAX_PDF_PAGES} 页，不像一份报告；请确认选对了文件")
    lines = _pdf_lines(pages)
    if not any(line.text.strip() for line in lines):
        raise _refuse(path, "这个 PDF 中没有可以读取的文字（可能是扫描件，只有图片）；请先用文字识别（OCR）转成文字，再存为 .txt 导入")
    lines, left_out = _without_page_furniture(lines)
    return _pdf_paragraph_runs(lines), left_out


def _pdftotext_limits() -> None:
    """pdftotext's output is a file of at most MAX_PDF_TEXT bytes (beyond it the kernel stops
    the program), and its memory is capped: a small PDF can draw gigabytes of text."""
    resource.setrlimit(resource.RLIMIT_FSIZE, (MAX_PDF_TEXT + 1, MAX_PDF_TEXT + 1))
    resource.setrlimit(resource.RLIMIT_AS, (2**30, 2**30))


def _pdf_lines(pages: list[etree._Element]) -> list[_PdfLine]:
    """Every text line with its box; lines sharing a baseline (table cells) become one tab-separated row."""
    found: list[_PdfLine] = []
    for number, page in enumerate(pages, 1):
        row: list[_PdfLine] = []
        for line in page.iter(_XHTML + "line"):
            words = [word.text or "" for word in line.iter(_XHTML + "word")]
            try:
                box = [float(line.get(k, "0")) for k in ("xMin", "yMin", "xMax", "yMax")]
            except ValueError:
                continue
            row.append(_PdfLine(number, box[0], box[1], box[2], box[3], " ".join(words)))
        row.sort(key=lambda box: (round(box.y1), box.x0))
        for line in row:
            last = found[-1] if found else None
            if last and last.page == number and abs(last.y1 - line.y1) < 2 and line.x0 > last.x1:
                last.text += "\t" + line.text
                last.x1 = line.x1
            else:
                found.append(line)
    return found


def _without_page_furniture(lines: list[_PdfLine]) -> tuple[list[_PdfLine], list[str]]:
    """Leave out page numbers (— 3 —, 第3页) and running lines repeated at the top or bottom of pages."""
    pages = sorted({line.page for line in lines})
    kept = [line for line in lines if not _PAGE_NUMBER.match(line.text)]
    left_out = [line.text for line in lines if _PAGE_NUMBER.match(line.text)]
    if len(pages) >= 2:
        edges: Counter[str] = Counter()
        for page in pages:
            on_page = [line for line in kept if line.page == page]
            for line in {id(edge): edge for edge in (on_page[:1] + on_page[-1:])}.values():
                edges[_shape(line.text)] += 1
        running = {shape for shape, count in edges.items() if count >= max(2, len(pages) // 2 + 1)}
        left_out += [line.text for line in kept if _shape(line.text) in running]
        kept = [line for line in kept if _shape(line.text) not in running]
    return kept, left_out


def _shape(text: str) -> str:
    return re.sub(r"\d+", "#", re.sub(r"\s+", "", text))


def _pdf_paragraph_runs(lines: list[_PdfLine]) -> list[Paragraph]:
    """Join a paragraph's lines by reading the layout: a line at the left margin continues the
    one before it unless it starts a new paragraph. A line that reaches the right margin always
    runs on; one that ends short of it (a left-aligned, ragged PDF breaks before a number or a
    quotation that does not fit) runs on when the next line's first word would not have fitted
    into the space left, which is why the line broke there. A new paragraph shows by its indent
    or by a heading or item starting the line; where the layout says neither clearly, the lines
    are kept apart and the place is named for checking (`doubt`)."""
    if not lines:
        return []
    height = statistics.median(line.y1 - line.y0 for line in lines) or 12.0
    left = Counter(round(line.x0) for line in lines).most_common(1)[0][0]
    long = [round(line.x1) for line in lines if line.x1 - line.x0 > 10 * height]
    right = Counter(long).most_common(1)[0][0] if long else max(line.x1 for line in lines)
    char = _char_width(lines, left, right, height)
    indents = sum(1 for line in lines if 1.5 * char <= line.x0 - left <= 2.5 * char)
    runs: list[tuple[list[str], str, str]] = []  # a paragraph's lines, where it starts, and a doubt
    previous: _PdfLine | None = None
    for line in lines:
        text = line.text.strip()
        joins, doubt = _runs_on(previous, line, text, left, right, char, height, indents >= 2)
        if joins and runs:
            parts = runs[-1][0]
            parts.append(_gap(parts[-1], text) + text)
        else:
            runs.append(([text], f"第{line.page}页", doubt))
        previous = line
    return [Paragraph("".join(parts), where, doubt) for parts, where, doubt in runs]


# What starts a heading or an item: 一、 （一） 1. （1） 一是 ——, 附件.
_STARTS_BLOCK = re.compile(r"^(?:[一二三四五六七八九十]+、|[（(][一二三四五六七八九十\d]+[）)]|\d+[.．、](?!\d)|[一二三四五六七八九十]+是|——|附件)")
# The first unit the line could not be broken inside: a run of Latin letters and digits, or one
# character, with the punctuation that may not start or end a line kept to it.
_FIRST_UNIT = re.compile(r"^[“‘《（(「]*(?:[A-Za-z0-9.%％‰+\-]+|.)[，。、；：！？）》”’」…—]*")


def _char_width(lines: list[_PdfLine], left: float, right: float, height: float) -> float:
    """The width of a full-width character, from lines that fill the measure."""
    widths = [(line.x1 - line.x0) / _units(line.text) for line in lines
              if abs(line.x0 - left) < height and abs(line.x1 - right) < height and _units(line.text) >= 10]
    return statistics.median(widths) if widths else height * 0.7


def _units(text: str) -> float:
    """Characters counted as a typesetter does: half for a Latin letter or digit."""
    return sum(0.5 if character.isascii() else 1.0 for character in text.strip()) or 1.0


def _runs_on(previous: _PdfLine | None, line: _PdfLine, text: str, left: float, right: float, char: float,
             height: float, indented_paragraphs: bool) -> tuple[bool, str]:
    """Whether `line` continues the paragraph of `previous`, and what to check when unsure."""
    if previous is None or "\t" in text or "\t" in previous.text or previous.x0 > left + 3 * height:
        return False, ""
    if line.x0 > left + 0.5 * char:  # indented or centred: a paragraph, a heading, a title of its own
        return False, ""
    if previous.x1 >= right - 1.2 * height:
        return True, ""
    where = f"“{text[:12]}…”"
    block = _STARTS_BLOCK.match(text)
    if block is not None:
        if not indented_paragraphs:
            return False, ""
        return False, f"{where}这一行没有缩进，却以“{block.group()}”开头，已作为新的一段；如果它接着上一行，请在数据文件中把两段合并"
    unit = _FIRST_UNIT.match(text)
    room = right - previous.x1
    if unit is not None and _units(unit.group()) * char > room - 0.3 * char:
        return True, ""  # it did not fit: the line broke there, the paragraph goes on
    if indented_paragraphs:
        return False, f"{where}上一行没有排满，这一行又没有缩进，已作为新的一段；如果它接着上一行，请在数据文件中把两段合并"
    return False, ""


def _gap(before: str, after: str) -> str:
    """A space where a line broke between two Latin words; Chinese lines join without one."""
    latin = before[-1:].isascii() and before[-1:].isalpha() and after[:1].isascii() and after[:1].isalpha()
    return " " if latin else ""


# -- HTML -------------------------------------------------------------------------------------------

# Never report text. (Not <form>: ASP.NET pages wrap the whole page in one; not <header>: an
# article's own header holds its title and publication line.)
_DROP = ("script", "style", "noscript", "template", "iframe", "object", "embed", "svg", "canvas", "nav",
         "footer", "aside", "select", "button", "input", "textarea", "head", "map")
_BLOCK = frozenset(("p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "li", "ul", "ol", "dl", "dt", "dd", "table",
                    "thead", "tbody", "tfoot", "tr", "td", "th", "section", "article", "main", "blockquote",
                    "pre", "center", "body", "html", "caption", "figure", "figcaption", "address", "hr"))
_HAN = re.compile(f"[{HAN}]")


@dataclass
class _Run:
    text: str
    owner: html.HtmlElement  # the block element the text sits in
    links: int  # characters inside <a>


def html_paragraphs(path: Path, raw: bytes) -> tuple[list[Paragraph], list[str]]:
    """The report on a saved web page: its title, the page information around it and the main
    text; navigation, lists of links and the footer are left out (returned second)."""
    text = _html_text(raw)
    try:
        root = html.document_fromstring(text)
    except (etree.ParserError, ValueError):
        raise _refuse(path, "无法读取这个网页文件；请在浏览器中打开，把正文复制到 .txt 文件再导入") from None
    page_title = root.findtext(".//title") or ""
    for element in [*root.iter(etree.Comment, etree.ProcessingInstruction), *root.iter(*_DROP)]:
        if element.getparent() is not None:
            element.drop_tree()
    runs = _runs(root)
    content = _main_text(runs)
    if content is None:
        raise _refuse(path, "这个网页中没有找到成段的正文；请在浏览器中打开，把正文复制到 .txt 文件再导入")
    inside = [run for run in runs if _within(run.owner, content)]
    before = runs[:next(i for i, run in enumerate(runs) if run is inside[0])]
    title_at = next((i for i in range(len(before) - 1, -1, -1) if _title_like(before[i].text)), None)
    kept = [run for i, run in enumerate(before) if i == title_at or fields(run.text) is not None] + inside
    texts = [run.text for run in kept]
    if title_at is None:  # the page shows its title only in the window's title bar
        heading = re.split(r"[_|｜]|\s[-–—]\s", page_title.strip())[0].strip()
        if _title_like(heading) and not any(heading in text for text in texts[:5]):
            texts.insert(0, heading)
    chosen = {id(run) for run in kept}
    left_out = [run.text for run in runs if id(run) not in chosen]
    return [Paragraph(text, f"第{n}段") for n, text in enumerate(texts, 1)], left_out


def _html_text(raw: bytes) -> str:
    """Decoded as the page declares (GB2312 pages as GB18030), else UTF-8, else GB18030."""
    head = raw[:4096].decode("ascii", "replace")
    declared = re.search(r"""charset\s*=\s*["']?([\w-]+)""", head, re.IGNORECASE)
    names = [_web_encoding(declared.group(1))] if declared else []
    for name in [*filter(None, names), "utf-8-sig", "gb18030"]:
        try:
            return re.sub(r"^\s*<\?xml[^>]*>", "", raw.decode(name))
        except (UnicodeDecodeError, LookupError):
            continue
    return raw.decode("utf-8", "replace")


# Encodings of Chinese web pages; another declared name (a codec such as idna or punycode, or
# none at all) is not trusted: the page is read as UTF-8, else GB18030.
_WEB_ENCODINGS = frozenset({"utf-8", "utf-16", "utf-16-le", "utf-16-be", "gb18030", "big5", "big5hkscs", "ascii",
                            "iso8859-1", "iso8859-15", "cp1252"})


def _web_encoding(declared: str) -> str | None:
    """The codec of a declared charset (GB2312 and GBK pages as GB18030), None for any other."""
    try:
        name = codecs.lookup(declared).name
    except (LookupError, ValueError):
        return None
    name = "gb18030" if name in ("gb2312", "gbk") else name
    return name if name in _WEB_ENCODINGS else None


def _runs(root: html.HtmlElement) -> list[_Run]:
    """The page's text, one run per block (a leaf table row is one tab-separated run)."""
    runs: list[_Run] = []

    def flush(buffer: list[str], owner: html.HtmlElement, links: list[int]) -> None:
        text = re.sub(r"[ \t\r\n\f\v\xa0]+", " ", "".join(buffer)).strip()
        if text:
            runs.append(_Run(text, owner, links[0]))
        buffer.clear()
        links[0] = 0

    def walk(element: html.HtmlElement, owner: html.HtmlElement, buffer: list[str], links: list[int], in_link: bool) -> None:
        tag = element.tag if isinstance(element.tag, str) else ""
        if tag == "tr" and not any(isinstance(e.tag, str) and e.tag in _BLOCK - {"td", "th"} for e in element.iterdescendants()):
            flush(buffer, owner, links)
            cells = [re.sub(r"\s+", " ", c.text_content()).strip() for c in element if c.tag in ("td", "th")]
            if any(cells):
                runs.append(_Run("\t".join(cells), element, sum(len(a.text_content()) for a in element.iter("a"))))
            return
        block = tag in _BLOCK or tag == "br"
        if block:
            flush(buffer, owner, links)
            owner = element if tag != "br" else owner
        if element.text and tag != "br":
            buffer.append(element.text)
            if in_link or tag == "a":
                links[0] += len(element.text)
        for child in element:
            walk(child, owner, buffer, links, in_link or tag == "a")
            if child.tail:
                buffer.append(child.tail)
                if in_link or tag == "a":
                    links[0] += len(child.tail)
        if block:
            flush(buffer, owner, links)

    walk(root, root, [], [0], False)
    return runs


def _main_text(runs: list[_Run]) -> html.HtmlElement | None:
    """The smallest element holding four fifths of the page's sentences: the article, not the page."""
    weight: Counter[html.HtmlElement] = Counter()
    total = 0
    for run in runs:
        if any(mark in run.text for mark in "。；，") and run.links < len(run.text) / 2:
            size = len(_HAN.findall(run.text))
            total += size
            for ancestor in [run.owner, *run.owner.iterancestors()]:
                weight[ancestor] += size
    if not total:
        return None
    enough = [element for element, size in weight.items() if size >= 0.8 * total]
    return max(enough, key=lambda e: sum(1 for _ in e.iterancestors()))


def _within(element: html.HtmlElement, container: html.HtmlElement) -> bool:
    return element is container or any(a is container for a in element.iterancestors())


def _title_like(text: str) -> bool:
    return "报告" in text and len(text) <= 80 and not re.search(r"[。；：:>›»]", text)
