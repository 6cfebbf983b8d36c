"""`import`: turn a published report (TXT or DOCX) into a data file that renders back to it.

An office's fastest start is its own last report. The importer recognises the genre's parts
(title, web metadata, 主送机关, headings of four levels standalone or run-in, 一是…二是…,
"——" bullets, 落款, 附件), turns statistics into named figures and the report year into
`{{ year }}`, and writes YAML that `build` renders to the same text. What it changes to make the
numbering consistent it reports as a repair; what it cannot place stays a paragraph, never dropped.
"""
from __future__ import annotations

import datetime
import json
import re
import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Iterator

from .errors import DataError
from .figures import format_number
from .model import NUMBERING_STYLES
from .numbering import chinese_numeral, enumeration_label, label
from .textcompare import WEB_PAGE_CHROME, differences, normalize

# -- what the importer found -------------------------------------------------------------------


@dataclass(frozen=True)
class Repair:
    """A change to the input's wording, so the data renders consistently; `seed` → `ours`."""

    line: int
    message: str
    seed: str
    ours: str


@dataclass(frozen=True)
class Note:
    """A line kept as it was but worth a look (a paragraph it could not place, a doubtful heading)."""

    line: int
    message: str


@dataclass
class Imported:
    data: dict[str, object]
    year: int
    text: str  # the input as text, page chrome removed
    sections: int = 0
    repairs: list[Repair] = field(default_factory=list)
    notes: list[Note] = field(default_factory=list)
    chrome: list[str] = field(default_factory=list)  # web page lines left out

    @property
    def figures(self) -> dict[str, dict[str, object]]:
        return self.data.get("figures", {})  # type: ignore[return-value]

    def summary(self) -> str:
        lines = [f"report year {self.year}: {self.sections} sections, {len(self.figures)} figures; "
                 f"repaired {len(self.repairs)}, to check {len(self.notes)}"]
        lines += [f"  repaired line {r.line}: {r.message}" for r in self.repairs]
        lines += [f"  check line {n.line}: {n.message}" for n in self.notes]
        if self.chrome:
            lines.append(f"  left out {len(self.chrome)} web page lines: {' | '.join(self.chrome)}")
        return "\n".join(lines)


def import_report(path: Path) -> Imported:
    """Read a report and recognise its parts; raises DataError for input that is no report."""
    lines, chrome = _read_lines(path)
    if not lines:
        raise DataError(None, f"{path}: the file holds no text")
    return _Importer(lines, chrome).run()


def write(imported: Imported, output: Path, force: bool = False) -> list[str]:
    """Write the data file atomically, only once it builds; returns where its text still differs
    from the input beyond the reported repairs (normally nothing)."""
    from .build import write_all
    from .loader import load
    from .resolve import resolve
    from .writers import text

    if output.exists() and not force:
        raise DataError(None, f"{output} exists; choose another name or pass --force to overwrite it")
    found: list[str] = []

    def stage(path: Path) -> None:
        path.write_text(dump(imported.data, _HEADER), encoding="utf-8")
        try:
            found.extend(unexplained(imported, text.render(resolve(load(path)))))
        except DataError as error:
            raise DataError(None, f"the imported data does not build ({error.message}); nothing written") from None

    write_all({output: stage})
    return found


def unexplained(imported: Imported, rendered: str) -> list[str]:
    """Where the rendered text differs from the input beyond the reported repairs (normalized)."""
    expected = normalize(imported.text)
    for repair in imported.repairs:
        if repair.seed:
            expected = expected.replace(normalize(repair.seed), normalize(repair.ours), 1)
    return differences(expected, normalize(rendered))


_HEADER = (
    "# Imported by `python -m generator import`: check the figure names (they come from the words\n"
    "# before each number) and the sections' `covers`. How to write this file: docs/data-format.md.\n"
)


# -- reading ------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Line:
    number: int  # 1-based line (TXT) or paragraph (DOCX) of the input
    text: str  # cleaned: full-width punctuation, no stray spaces; table cells joined by tabs


_MORE_CHROME = re.compile(r"^(【?(打印|关闭|打印本页|关闭窗口|返回顶部)】?|【?字[体号]:?大中小】?|浏览次数:\d+|首页[>›].*)+$")


def _read_lines(path: Path) -> tuple[list[Line], list[str]]:
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


_CJK = r"\u2e80-\u9fff\uf900-\ufaff\u3000-\u303f\uff00-\uffef“”‘’—…《》〔〕"
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


# -- structure ----------------------------------------------------------------------------------

_NUMERAL = "一二三四五六七八九十百零"
_HEADINGS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("一、", re.compile(rf"^([{_NUMERAL}]+)、(.+)$")),
    ("（一）", re.compile(rf"^（([{_NUMERAL}]+)）(.+)$")),
    ("1.", re.compile(r"^(\d{1,3})([.．、])(?!\d)(.+)$")),
    ("（1）", re.compile(r"^（(\d{1,3})）(.+)$")),
)
_LOST_NUMBER = re.compile(r"^）(.+)$")  # "（七" swallowed by the page markup
_SIGNS = tuple("。？！：；")  # a run-in heading ending so gets no added 。 (resolve.py)
_LONG_HEADING = 40
_WEB_LABELS = ("索引号", "文号", "发文字号", "发布机构", "发文机关", "成文日期", "发布日期", "主题分类", "公开方式", "有效性")
_WEB_FIELD = re.compile(rf"({'|'.join(_WEB_LABELS)})：\s*(.*?)\s*(?=(?:{'|'.join(_WEB_LABELS)})：|$)")
_RECIPIENT = re.compile(r"[^。]{2,80}[委政府人大][^。]*：")
_LABELLED = re.compile(r"[\u4e00-\u9fff]{2,6}：\S{1,40}")  # 作者：… 来源：…: page metadata we do not know
_PUBLISHED = re.compile(r"^发布时间：\s*(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?")
_DATE = re.compile(r"^(\d{4})年(\d{1,2})月(\d{1,2})日$")
_ATTACHMENT_PAGE = re.compile(r"^附件\d*$")
_LIST_ITEM = re.compile(r"^(\d+)[.．、](.+)$")
_COVERS = (
    ("第一责任人", ("第一责任人",)),
    ("举措成效", ("举措", "成效", "主要做法", "工作开展情况", "主要工作")),
    ("不足原因", ("不足", "存在的问题", "存在问题", "困难")),
    ("下年安排", ("下一年度", "下年度", "工作计划", "打算", "下一步", "工作思路")),
    ("其他情况", ("其他需要报告",)),
)


@dataclass
class _Open:
    """A section still taking children, with the numbering counts resolve() will keep for it."""

    rank: int  # index into NUMBERING_STYLES; -1 for the body itself
    children: list[object]
    counts: dict[str, int] = field(default_factory=dict)


class _Importer:
    text: _Templater  # set once the report year is known

    def __init__(self, lines: list[Line], chrome: list[str]) -> None:
        self.lines = lines
        self.chrome = chrome
        self.repairs: list[Repair] = []
        self.notes: list[Note] = []
        self.sections = 0
        self.last_number: dict[str, int] = {}  # per style across the document, for `continue`

    def run(self) -> Imported:
        title, rest = self._title()
        year = self._year(title, rest)
        self.text = _Templater(year)
        front, rest = self._front_matter(rest)
        body_lines, note, signature, pages = self._tail(rest)
        web: dict[str, str] = front.get("web", {})  # type: ignore[assignment]
        issuer = _issuer("".join(line.text for line in title)) or (signature[0] if signature else "") or web.get("发布机构", "")
        if not issuer:
            self.notes.append(Note(title[0].number, "no issuer found in the title: set meta.issuer and meta.region"))
        meta = {"year": year, "region": _region(issuer), "issuer": issuer, "title": self._title_lines(title, issuer), **front}
        if signature:
            meta["signature"] = {"issuer": self.text.template(signature[0], figures=False), "date": signature[1]}
        # figures fill in while the text is read; the mapping goes before the body in the file
        data: dict[str, object] = {"meta": meta, "figures": self.text.figures, "body": self._blocks(body_lines, top=True)}
        if not data["body"]:
            raise DataError(None, "no report text after the title; is this a 法治政府建设情况报告?")
        attachments = self._attachments(note, pages)
        if attachments:
            data["attachments"] = attachments
        if not self.text.figures:
            del data["figures"]
        text = "\n".join(line.text for line in self.lines)
        return Imported(data, year, text, self.sections, self.repairs, self.notes, self.chrome)

    # -- front matter ---------------------------------------------------------------------------

    def _title(self) -> tuple[list[Line], list[Line]]:
        """One to three lines naming a 报告, before any sentence."""
        for k, line in enumerate(self.lines[:3]):
            if re.search(r"[。，；]", line.text):
                break
            if "报告" in line.text:
                return self.lines[: k + 1], self.lines[k + 1:]
        first = self.lines[0].text
        raise DataError(None, f"not a 法治政府建设情况报告: no title naming a 报告 in the first lines (it begins “{first[:30]}”)")

    def _year(self, title: list[Line], rest: list[Line]) -> int:
        """The year the report is about: from its title, else from its first lines."""
        for line in [*title, *rest[:5]]:
            found = re.search(r"(?<!\d)(19\d\d|20\d\d)年", line.text)
            if found:
                return int(found.group(1))
        raise DataError(None, "cannot tell which year the report is about: its title names no year (…2024年…)")

    def _title_lines(self, title: list[Line], issuer: str) -> list[str]:
        """Title lines as the data keeps them; a one-line title is set as issuer + 关于… (GB/T 9704)."""
        lines = [line.text for line in title]
        if len(lines) == 1 and issuer and lines[0].startswith(issuer + "关于"):
            lines = [issuer, lines[0][len(issuer):]]
        return ["{{ issuer }}" if line == issuer else self.text.template(line, figures=False) for line in lines]

    def _front_matter(self, lines: list[Line]) -> tuple[dict[str, object], list[Line]]:
        """Publication line, web metadata and 主送机关, as far as they go; and the lines after them."""
        front: dict[str, object] = {}
        web: dict[str, str] = {}
        while lines:
            line, text = lines[0], lines[0].text
            if _PUBLISHED.match(text) and "published" not in front:
                front["published"] = self._published(line)
            elif text.startswith("来源：") and "published" in front:  # the source on a line of its own
                front["published"]["source"] = self.text.template(text.removeprefix("来源："), figures=False)  # type: ignore[index]
            elif _WEB_FIELD.match(text):
                web.update((name, self.text.template(value, figures=False)) for name, value in _WEB_FIELD.findall(text))
            elif _RECIPIENT.fullmatch(text):
                front["recipient"] = self.text.template(text, figures=False)
                lines = lines[1:]
                break
            else:
                if _LABELLED.fullmatch(text):
                    self.notes.append(Note(line.number, f"“{text}” looks like page metadata: kept as the first paragraph"))
                break
            lines = lines[1:]
        if web:
            front["web"] = web
        return front, lines

    def _published(self, line: Line) -> dict[str, object]:
        found = _PUBLISHED.match(line.text)
        try:
            day = datetime.date(*(int(found.group(n)) for n in (1, 2, 3)))
        except ValueError:
            raise DataError(None, f"line {line.number}: the publication date is no date: {line.text}") from None
        published: dict[str, object] = {"date": day}
        source = re.search(r"来源：\s*(.+?)\s*$", line.text)
        if source:
            published["source"] = self.text.template(source.group(1), figures=False)
        rendered = f"发布时间：{day.isoformat()}" + (f"　来源：{source.group(1)}" if source else "")
        if normalize(rendered) != normalize(line.text):
            self.repairs.append(Repair(line.number, f"publication line kept as “{rendered}”", line.text, rendered))
        return published

    def _tail(self, lines: list[Line]) -> tuple[list[Line], list[Line], tuple[str, datetime.date] | None, list[Line]]:
        """Split off attachment pages, the 落款 (issuer and date) and the 附件说明 before it."""
        first_page = next((i for i, line in enumerate(lines) if _ATTACHMENT_PAGE.match(line.text)), len(lines))
        rest, pages = lines[:first_page], lines[first_page:]
        signature = None
        if len(rest) >= 3 and (date := _date(rest[-1].text)) and re.fullmatch(r"[^，。；：,]{2,30}", rest[-2].text):
            signature, rest = (rest[-2].text, date), rest[:-2]
        end = len(rest)
        while end > 1 and _LIST_ITEM.match(rest[end - 1].text) and not rest[end - 1].text.endswith("。"):
            end -= 1
        if end and rest[end - 1].text.startswith("附件："):
            return rest[: end - 1], rest[end - 1:], signature, pages
        return rest, [], signature, pages

    def _attachments(self, note: list[Line], pages: list[Line]) -> list[dict[str, object]]:
        """Attachments from their pages, titled as the 附件说明 lists them."""
        listed = [_LIST_ITEM.sub(r"\2", line.text.removeprefix("附件：")) for line in note]
        starts = [i for i, line in enumerate(pages) if _ATTACHMENT_PAGE.match(line.text)] + [len(pages)]
        attachments = []
        for n, (start, end) in enumerate(zip(starts, starts[1:])):
            page = pages[start + 1:end]
            title = page[0].text if page else (listed[n] if n < len(listed) else "")
            if not page:
                self.repairs.append(Repair(pages[start].number, f"attachment page “{pages[start].text}” has no title line: the built report adds “{title}”", "", title))
            entry: dict[str, object] = {"title": self.text.template(title, figures=False)}
            if page[1:]:
                entry["body"] = self._blocks(page[1:], top=False)
            attachments.append(entry)
        for title in listed[len(attachments):]:
            attachments.append({"title": self.text.template(title, figures=False)})
            self.repairs.append(Repair(note[0].number, f"attachment “{title}” has no text in the input: the built report adds a page for it", "", title))
        if note:
            titles = [str(a["title"]) for a in attachments]
            rendered = [f"附件：{titles[0]}"] if len(titles) == 1 else [("附件：" if n == 1 else "") + f"{n}.{t}" for n, t in enumerate(titles, 1)]
            given = "".join(line.text for line in note)
            ours = self.text.plain("".join(rendered))
            if normalize(ours) != normalize(given):
                self.repairs.append(Repair(note[0].number, f"附件说明 rewritten from the attachments' titles: {ours}", given, ours))
        elif attachments:
            self.repairs.append(Repair(pages[0].number, "附件说明 added before the 落款", "", ""))
        return attachments

    # -- body -------------------------------------------------------------------------------------

    def _blocks(self, lines: list[Line], top: bool) -> list[object]:
        """The body's entries: sections nested by their numbering, paragraphs, bullets, tables."""
        root = _Open(-1, [])
        stack = [root]
        for line in lines:
            if "\t" in line.text:
                self._table_row(stack[-1].children, line)
                continue
            heading = self._heading(line, stack)
            if heading is None:
                stack[-1].children.append(self._paragraph(line.text))
                continue
            style, number, title = heading
            rank = NUMBERING_STYLES.index(style)
            while stack[-1].rank >= rank:
                stack.pop()
            parent = stack[-1]
            section = self._section(line, parent, style, number, title, top and parent is root)
            stack.append(_Open(rank, section["body"]))  # type: ignore[arg-type]
            parent.children.append(section)
        return root.children

    def _heading(self, line: Line, stack: list[_Open]) -> tuple[str, int | None, str] | None:
        """(style, number or None when the page lost it, rest of the line), or None for a paragraph."""
        for style, pattern in _HEADINGS:
            found = pattern.match(line.text)
            if found:
                number = found.group(1)
                return style, int(number) if number.isdigit() else _numeral_value(number), found.group(found.lastindex)
        lost = _LOST_NUMBER.match(line.text)
        if lost:
            parents = [s for s in stack if s.rank in (1, 3)]
            if parents:
                return NUMBERING_STYLES[parents[-1].rank], None, lost.group(1)
            self.notes.append(Note(line.number, "a line begins with “）” but no （一） or （1） heading is open: kept as a paragraph"))
        return None

    def _section(self, line: Line, parent: _Open, style: str, number: int | None, rest: str, top: bool) -> dict[str, object]:
        """A section entry numbered as resolve() will number it; a label it cannot reproduce is reported."""
        self.sections += 1
        expected = parent.counts.get(style, 0) + 1
        carried = self.last_number.get(style, 0) + 1
        runs_on = number == carried != expected
        n = carried if runs_on else expected
        self._check_label(line, rest, number, label(style, n))
        head, stop, first = rest.partition("。")
        runin = bool(stop and first)
        if runin:  # resolve() adds the 。 back, unless the heading already ends in a sign
            title = head + stop if head.endswith(_SIGNS) else head
        else:
            title, first = rest, ""
        if len(title) > _LONG_HEADING:
            self.notes.append(Note(line.number, f"heading of {len(title)} characters with no 。 to end it: kept whole as the heading; split it where the heading ends"))
        parent.counts[style] = self.last_number[style] = n
        section: dict[str, object] = {"section": self.text.template(title)}
        if style != NUMBERING_STYLES[min(parent.rank + 1, 3)]:
            section["numbering"] = style
        if runin:
            section["runin"] = True
        if runs_on:
            section["continue"] = True
        covers = [key for key, words in _COVERS if any(w in title for w in words)] if top else []
        if top and f"{self.text.year + 1}年" in title and "下年安排" not in covers:
            covers.append("下年安排")
        if covers:
            section["covers"] = covers[0] if len(covers) == 1 else covers
        section["body"] = [self._paragraph(first)] if runin else []
        return section

    def _check_label(self, line: Line, rest: str, number: int | None, ours: str) -> None:
        given = line.text[: len(line.text) - len(rest)]
        if normalize(given) == normalize(ours):
            return
        if number is None:
            what = f"heading number lost before “{rest[:10]}…”: restored as {ours}"
        elif given.rstrip(".．、") == ours.rstrip(".") and not ours.startswith("（"):
            what = f"heading label “{given}” written “{ours}”"
        else:
            what = f"heading “{given}{rest[:10]}…” does not follow its predecessor: numbered {ours}"
        self.repairs.append(Repair(line.number, what, given + rest[:10], ours + rest[:10]))

    def _paragraph(self, text: str) -> object:
        """A paragraph; bullets as `bullet:`, 一是…二是… in order as `p:` + `items:`."""
        if text.startswith("——"):
            return {"bullet": self.text.template(text[2:])}
        cuts = list(_enumeration(text))
        if len(cuts) < 2:
            return self.text.template(text)
        items = [text[start + len(enumeration_label(n)):end] for n, (start, end) in enumerate(zip(cuts, cuts[1:] + [len(text)]), 1)]
        entry: dict[str, object] = {"p": self.text.template(text[: cuts[0]])} if cuts[0] else {}
        entry["items"] = [self.text.template(item) for item in items]
        return entry

    def _table_row(self, children: list[object], line: Line) -> None:
        """Tab-separated lines of equal width form a table; a preceding 表1… line is its caption."""
        cells = [self.text.template(cell, figures=False) for cell in line.text.split("\t")]
        last = children[-1] if children else None
        if isinstance(last, dict) and "table" in last and len(last["table"]["header"]) == len(cells):  # type: ignore[index]
            last["table"]["rows"].append(_Flow(cells))  # type: ignore[index]
            return
        table: dict[str, object] = {"table": {"header": _Flow(cells), "rows": []}}
        if isinstance(last, str) and re.match(r"^表\s*\d", last) and len(last) <= 40:
            children.pop()
            table["caption"] = last
        children.append(table)


def _enumeration(text: str) -> Iterator[int]:
    """Where 一是, 二是 … begin, in order, each after a punctuation mark or at the start."""
    start, n = 0, 1
    while True:
        mark = enumeration_label(n)
        at = text.find(mark, start)
        while at > 0 and text[at - 1] not in "，。；：、！？":
            at = text.find(mark, at + 1)
        if at < 0:
            return
        yield at
        start, n = at + len(mark), n + 1


def _numeral_value(numeral: str) -> int:
    """一 → 1, 十二 → 12: the inverse of chinese_numeral, by search (headings stay small)."""
    return next((n for n in range(1, 1000) if chinese_numeral(n) == numeral), 0)


def _date(text: str) -> datetime.date | None:
    found = _DATE.match(text)
    try:
        return datetime.date(*(int(g) for g in found.groups())) if found else None
    except ValueError:
        return None


_BODY = r"(?:政府|局|委员会|办公室|厅|委|院|办|署|中心)"


def _issuer(title: str) -> str:
    """The issuing body named in the title: before 关于 or the year, or after the year (2022年度某市司法局…)."""
    found = (re.match(r"^(.+?)关于", title) or re.match(rf"^(.+?{_BODY})\d{{4}}年", title)
             or re.search(rf"\d{{4}}年度?(.+?{_BODY})", title))
    return found.group(1) if found else ""


def _region(issuer: str) -> str:
    """宛城区人民政府 → 宛城区; 南阳市宛城区司法局 → 南阳市宛城区; 某市市场监督管理局 → 某市."""
    place = re.sub(r"(人民)?政府$", "", issuer)
    if place != issuer and place:
        return place
    found = re.match(r"^((?:.+?[省市县区旗州盟](?!场))+)", issuer) if issuer else None
    return found.group(1) if found and found.group(1) != issuer else issuer


# -- figures and years in the text ---------------------------------------------------------------

_UNITS = sorted(
    "个百分点 个工作日 工作日 个月 人次 家次 户次 件次 批次 场次 车次 架次 条次 平方米 平方公里 公里 小时 分钟 "
    "件 个 项 次 人 名 家 条 部 篇 场 册 卷 起 处 类 元 户 所 期 份 套 台 辆 张 本 批 天 支 座 间 宗 笔 例 位 亩 吨 米 栋 种 组 轮 倍 只 株 头".split(),
    key=len, reverse=True,
)
_TOKEN = re.compile(
    r"(?P<year>(?<![\d.])\d{4}(?=年|〕|］|\]))"
    r"|(?<![\d.A-Za-z第\-/:×~#+])(?P<number>\d+(?:\.\d+)?)(?P<pre>余)?(?P<scale>[万亿])?(?P<post>余)?"
    rf"(?P<unit>%|‰|{'|'.join(_UNITS)})(?![A-Za-z])"
)
_QUOTED = re.compile(r"“[^”]*”|《[^》]*》|‘[^’]*’|〔[^〕]*〕")
_JINJA_OPEN = re.compile(r"\{(?=[{%#])")
_TRAILING = ("达到", "实现", "累计", "共计", "总计", "合计", "分别", "超过", "其中", "全年",
             "达", "为", "了", "共", "计", "约", "均", "有", "是", "的", "超", "近", "逾", "至", "占", "和", "及", "与", "对", "等", "仅", "只")
# A run ending so counts what follows the number: 先后4次听取…, 不再保留7个部门执法大队.
_VERBS = ("先后", "学习", "举办", "开展", "发挥", "保留", "编印", "印发", "创建", "建成", "完成", "组织", "召开")
_LEADING = ("全年", "的", "了", "并", "共", "为", "占", "对", "将", "在", "把", "被", "等")
# Where a name may start: after a particle or a verb that takes the counted thing as its object.
_NAME_START = re.compile(r".*(?:[了的并]|创建|开展|举办|实施|建成|印发|完成|组织|召开|梳理|谋划|化解|调处|评为)")
_STOPS = re.compile(r"进行|作用|[被的了和并及等在对将把为与]")


class _Templater:
    """Writes text as the data keeps it: the report year as {{ year }}, statistics as figures."""

    def __init__(self, year: int) -> None:
        self.year = year
        self.figures: dict[str, dict[str, object]] = {}

    def template(self, raw: str, figures: bool = True) -> str:
        quoted = [m.span() for m in _QUOTED.finditer(raw)]
        out: list[str] = []
        position, figure_end, name = 0, -1, ""
        for match in _TOKEN.finditer(raw):
            inside = any(start < match.start() < end for start, end in quoted)
            if match.group("year"):
                replacement = self._year(int(match.group("year")))
            elif figures and not inside:
                adjoining = name if figure_end == match.start() else ""  # 121起19046人次: name the second after the first
                name = self._figure(match, raw[position:match.start()], raw[match.end():], adjoining)
                replacement = "{{ " + name + " }}" if name else None
                figure_end = match.end() if name else -1
            else:
                continue
            if replacement is not None:
                out += [_escape(raw[position:match.start()]), replacement]
                position = match.end()
        return "".join(out) + _escape(raw[position:])

    def plain(self, template: str) -> str:
        """The text a template stands for, where it holds only years (for comparing short lines)."""
        for offset, expression in ((0, "year"), (-1, "year - 1"), (1, "year + 1")):
            template = template.replace("{{ " + expression + " }}", str(self.year + offset))
        return template

    def _year(self, value: int) -> str | None:
        offset = value - self.year
        return {0: "{{ year }}", -1: "{{ year - 1 }}", 1: "{{ year + 1 }}"}.get(offset)

    def _figure(self, match: re.Match[str], before: str, after: str, adjoining: str) -> str:
        """A new figure's name, for a statistic whose formatting reproduces the text exactly; else ""."""
        pre, scale, post, unit = match.group("pre") or "", match.group("scale") or "", match.group("post") or "", match.group("unit")
        if pre and post or unit in ("%", "‰") and (pre or scale or post):
            return ""
        literal, display = match.group("number"), pre + scale + post
        shown = literal + display
        value = Decimal(literal) * {"": 1, "万": 10_000, "亿": 100_000_000}[scale]
        value = int(value) if value == value.to_integral_value() else float(value)
        precision = None
        if format_number(value, None, display) != shown:
            precision = len(literal.partition(".")[2])
            if format_number(value, precision, display) != shown:
                return ""
        name = self._unique((adjoining + unit if adjoining and unit.isalpha() else "") or _name(before, after) or f"数据{len(self.figures) + 1}")
        figure: dict[str, object] = {"value": value, "unit": unit}
        if precision is not None:
            figure["precision"] = precision
        if display:
            figure["display"] = display
        self.figures[name] = _FlowMap(figure)
        return name

    def _unique(self, name: str) -> str:
        if name not in self.figures:
            return name
        n = 2
        while f"{name}{n}" in self.figures:
            n += 1
        return f"{name}{n}"


def _name(before: str, after: str) -> str:
    """A figure name from the Han characters before the number (cleaned), else after it.

    Words after a quotation (“双随机、一公开”联合抽查检查) name it if they are enough on their own;
    a name runs from the last particle or verb, and a run longer than 12 keeps its last 8."""
    run = re.search(r"[\u4e00-\u9fff“”‘’（）]*$", before).group()
    unquoted = _trim(re.split(r"[“”‘’（）]", run)[-1])
    run = unquoted if len(unquoted) >= 4 else _trim(re.sub(r"[“”‘’（）]", "", run))
    following = _STOPS.split(re.match(r"[\u4e00-\u9fff]*", after).group())[0]
    if len(following) >= 2 and (run.endswith(_VERBS) or len(run) < 2):
        return following if len(following) <= 12 else following[:8]
    tail = _trim(_NAME_START.sub("", run))
    run = tail if len(tail) >= 2 else run
    return "" if len(run) < 2 else run if len(run) <= 12 else run[-8:]


def _trim(run: str) -> str:
    changed = True
    while changed and run:
        changed = False
        for word in _TRAILING:
            if run.endswith(word):
                run, changed = run[: -len(word)], True
        for word in _LEADING:
            if run.startswith(word):
                run, changed = run[len(word):], True
    return run


def _escape(text: str) -> str:
    """Literal text that Jinja would read as a tag ({{, {%, {#) is written as an expression."""
    return _JINJA_OPEN.sub("{{ '{' }}", text)


# -- YAML ---------------------------------------------------------------------------------------

class _Flow(list):
    """A list written on one line: [项目, 数量]."""


class _FlowMap(dict):
    """A mapping written on one line: {value: 217, unit: 件}."""


_PLAIN = re.compile(r"^[\u4e00-\u9fff\w][^:#{}\[\],&*!|>'\"%@`\s]*$")


def dump(data: dict[str, object], header: str = "") -> str:
    """YAML that keeps every text a text: quoted unless it is plainly safe; dates stay dates."""
    return header + "\n".join(_lines(data, 0)) + "\n"


def _lines(value: object, indent: int) -> list[str]:
    pad = " " * indent
    out: list[str] = []
    if isinstance(value, dict):
        for key, item in value.items():
            if _is_block(item):
                out.append(f"{pad}{_scalar(key)}:")
                out += _lines(item, indent + 2)
            else:
                out.append(f"{pad}{_scalar(key)}: {_inline(item)}")
        return out
    for item in value:  # a list
        if _is_block(item):  # a mapping: its first key on the dash's line
            nested = _lines(item, indent + 2)
            out.append(f"{pad}- {nested[0].lstrip()}")
            out += nested[1:]
        else:
            out.append(f"{pad}- {_inline(item)}")
    return out


def _is_block(value: object) -> bool:
    return isinstance(value, (dict, list)) and not isinstance(value, (_Flow, _FlowMap)) and bool(value)


def _inline(value: object) -> str:
    if isinstance(value, dict):
        return "{" + ", ".join(f"{_scalar(k)}: {_inline(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(_inline(v) for v in value) + "]"
    return _scalar(value)


def _scalar(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float, datetime.date)):
        return value.isoformat() if isinstance(value, datetime.date) else repr(value)
    text = str(value)
    if _PLAIN.match(text) and not re.match(r"^[\d.+-]", text) and text.lower() not in _YAML_WORDS:
        return text
    quoted = json.dumps(text, ensure_ascii=False)  # JSON strings are YAML, bar three line breaks JSON leaves raw
    return quoted.replace("\u0085", "\\N").replace("\u2028", "\\L").replace("\u2029", "\\P")


_YAML_WORDS = frozenset("y n yes no on off true false null".split())
