"""Recognising the report's parts: title, front matter, nested headings, paragraphs, tables, 落款, 附件.

Sections are numbered as resolve() will number them, so that the data renders back to the input;
where the input's numbering differs, the change is recorded as a repair.
"""
from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator

from generator.chinese import attachment_note, ends_sentence, normalize
from generator.config import bodies
from generator.config.bodies import DEFAULT_KIND
from generator.errors import DataError
from generator.importer.findings import Imported, Note, Repair
from generator.importer.front import Head, Stated, identify, split_head
from generator.importer.pageinfo import CHROME, DATE, SOURCE, Field
from generator.importer.reading import Line, read_lines
from generator.importer.templating import Templater
from generator.importer.yamlwriter import Flow
from generator.pipeline.model import NUMBERING_STYLES
from generator.pipeline.numbering import chinese_numeral, enumeration_label, label


def import_report(path: Path, stated: Stated = Stated()) -> Imported:
    """Read a report and recognise its parts; raises DataError for input that is no report."""
    lines, chrome = read_lines(path)
    if not lines:
        raise DataError(None, f"{path}：文件里没有文字")
    return _Importer(path, lines, chrome, stated).run()


_NUMERAL = "一二三四五六七八九十百零"
_HEADINGS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("一、", re.compile(rf"^([{_NUMERAL}]+)、(.+)$")),
    ("（一）", re.compile(rf"^（([{_NUMERAL}]+)）(.+)$")),
    ("1.", re.compile(r"^(\d{1,3})([.．、])(?!\d)(.+)$")),
    ("（1）", re.compile(r"^（(\d{1,3})）(.+)$")),
)
_LOST_NUMBER = re.compile(r"^）(.+)$")  # "（七" swallowed by the page markup
_LONG_HEADING = 40
_MAX_CHINESE_NUMBER = 999  # chinese_numeral() goes up to 九百九十九
_LABELLED = re.compile(r"[\u4e00-\u9fff]{2,6}：\S{1,40}")  # 发稿单位：…: page information we do not know
_DATE = re.compile(r"^(\d{4})年(\d{1,2})月(\d{1,2})日$")
_ATTACHMENT_PAGE = re.compile(r"^附件\d*$")
_LIST_ITEM = re.compile(r"^(\d+)[.．、](.+)$")
@dataclass
class _Open:
    """A section still taking children, with the numbering counts resolve() will keep for it."""

    rank: int  # index into NUMBERING_STYLES; -1 for the body itself
    children: list[object]
    counts: dict[str, int] = field(default_factory=dict)


class _Importer:
    text: Templater  # set once the report year is known
    items: dict[str, bodies.ItemSpec]  # set once the kind of body is known

    def __init__(self, path: Path, lines: list[Line], chrome: list[str], stated: Stated) -> None:
        self.path = path
        self.lines = lines
        self.chrome = chrome
        self.stated = stated
        self.repairs: list[Repair] = []
        self.notes: list[Note] = [Note(line.where, line.doubt) for line in lines if line.doubt]  # how a PDF was read
        self.sections = 0
        self.last_number: dict[str, int] = {}  # per style across the document, for `continue`

    def run(self) -> Imported:
        head = split_head(self.lines)
        self.chrome += head.left_out
        body_lines, note, signature, pages = self._tail(head.rest)
        who = identify(self.path, head, signature[0] if signature else "", self.stated)
        self.notes += who.notes
        self.text = Templater(who.year)
        self.items = bodies.load()[who.body]["items"]  # what a top-level title may cover, by its keywords
        meta: dict[str, object] = {"year": who.year, "region": who.region, "issuer": who.issuer,
                                   "title": who.title if who.default_title else self._title_lines(who.title, who.issuer),
                                   **self._page(head)}
        if who.body != DEFAULT_KIND:
            meta["body"] = who.body
        if head.recipient:
            meta["recipient"] = self.text.template(head.recipient.text, figures=False)
        if signature:
            meta["signature"] = {"issuer": self.text.template(signature[0], figures=False), "date": signature[1]}
        if body_lines and _LABELLED.fullmatch(body_lines[0].text):
            self.notes.append(Note(body_lines[0].where, f"“{body_lines[0].text}”像是网页上的信息，已作为正文第一段保留；不需要就删去"))
        # figures fill in while the text is read; the mapping goes before the body in the file
        data: dict[str, object] = {"meta": meta, "figures": self.text.figures, "body": self._blocks(body_lines, top=True)}
        if not data["body"]:
            raise DataError(None, f"{self.path}：标题之后没有报告正文；请导入包含全文的文件")
        attachments = self._attachments(note, pages)
        if attachments:
            data["attachments"] = attachments
        if not self.text.figures:
            del data["figures"]
        text = "\n".join(line.text for line in [*([head.recipient] if head.recipient else []), *head.rest])
        title = "" if self.stated.title else "".join(line.text for line in head.title)
        return Imported(data, who.year, text, title, self.sections, self.repairs, self.notes, self.chrome)

    # -- front matter ---------------------------------------------------------------------------

    def _title_lines(self, lines: list[str], issuer: str) -> list[str]:
        """Title lines as the data keeps them; a one-line title is set as issuer + 关于… (GB/T 9704)."""
        if len(lines) == 1 and issuer and normalize(lines[0]).startswith(normalize(issuer) + "关于"):
            lines = [issuer, lines[0][lines[0].index("关于"):]]
        return ["{{ issuer }}" if normalize(line) == normalize(issuer) else self.text.template(line, figures=False) for line in lines]

    def _page(self, head: Head) -> dict[str, object]:
        """The page information around the title: publication date and source, the 政府信息公开 fields."""
        day: datetime.date | None = None
        source: Field | None = None
        dated: Field | None = None
        web: dict[str, str] = {}
        for _, found in head.page:
            if found.kind == CHROME or not found.value:
                self.chrome.append(f"{found.label}：{found.value}")
            elif found.kind == DATE and day is None and found.date:
                day, dated = found.date, found
            elif found.kind == SOURCE and source is None:
                source = found
            elif found.label not in web:
                web[found.label] = self.text.literal(found.value)
        front: dict[str, object] = {}
        if day is None or dated is None:
            if source:  # a source without a date is one more field of the page
                web = {source.label: self.text.literal(source.value), **web}
        else:
            front["published"] = {"date": day, **({"source": self.text.literal(source.value)} if source else {})}
            given = "　".join(f"{f.label}：{f.value}" for f in (dated, source) if f)
            ours = f"发布时间：{day.isoformat()}" + (f"　来源：{source.value}" if source else "")
            if normalize(given) != normalize(ours):
                where = next(line.where for line, f in head.page if f is dated)
                self.repairs.append(Repair(where, f"网页上的“{given}”记入 meta.published，生成时写作“{ours}”", "", ""))
        if web:
            front["web"] = web
        return front

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
                self.repairs.append(Repair(pages[start].where, f"附件页“{pages[start].text}”没有标题行，生成的报告会加上“{title}”", "", title))
            entry: dict[str, object] = {"title": self.text.template(title, figures=False)}
            if page[1:]:
                entry["body"] = self._blocks(page[1:], top=False)
            attachments.append(entry)
        for title in listed[len(attachments):]:
            attachments.append({"title": self.text.template(title, figures=False)})
            self.repairs.append(Repair(note[0].where, f"附件“{title}”在原文中没有正文，生成的报告会为它加上一页", "", title))
        if note:
            titles = [str(a["title"]) for a in attachments]
            rendered = list(attachment_note(titles))
            given = "".join(line.text for line in note)
            ours = self.text.plain("".join(rendered))
            if normalize(ours) != normalize(given):
                self.repairs.append(Repair(note[0].where, f"附件说明按各附件的标题重写为“{ours}”", given, ours))
        elif attachments:
            self.repairs.append(Repair(pages[0].where, "原文没有附件说明，生成的报告会在落款前加上", "", ""))
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
                return style, int(number) if number.isdigit() else _NUMERAL_VALUES.get(number, 0), found.groups()[-1]
        lost = _LOST_NUMBER.match(line.text)
        if lost:
            parents = [s for s in stack if s.rank in (1, 3)]
            if parents:
                return NUMBERING_STYLES[parents[-1].rank], None, lost.group(1)
            self.notes.append(Note(line.where, "这一行以“）”开头，但前面没有（一）或（1）一级的标题，已作为段落保留"))
        return None

    def _section(self, line: Line, parent: _Open, style: str, number: int | None, rest: str, top: bool) -> dict[str, object]:
        """A section entry numbered as resolve() will number it; a label it cannot reproduce is reported."""
        self.sections += 1
        expected = parent.counts.get(style, 0) + 1
        carried = self.last_number.get(style, 0) + 1
        runs_on = number == carried != expected
        n = carried if runs_on else expected
        if n > _MAX_CHINESE_NUMBER:
            raise DataError(None, f"{self.path}：{line.where}是同一级的第 {n} 个标题，超过了 {_MAX_CHINESE_NUMBER} 个，不像一份报告；请检查文件是否选错或内容是否重复")
        self._check_label(line, rest, number, label(style, n))
        head, stop, first = rest.partition("。")
        runin = bool(stop and first)
        if runin:  # resolve() adds the 。 back, unless the heading already ends in a sign
            title = head + stop if ends_sentence(head) else head
        else:
            title, first = rest, ""
        if len(title) > _LONG_HEADING:
            self.notes.append(Note(line.where, f"标题长 {len(title)} 字，没有“。”结束，已整段作为标题；请在标题结束处拆开"))
        parent.counts[style] = self.last_number[style] = n
        section: dict[str, object] = {"section": self.text.template(title)}
        if style != NUMBERING_STYLES[min(parent.rank + 1, 3)]:
            section["numbering"] = style
        if runin:
            section["runin"] = True
        if runs_on:
            section["continue"] = True
        covers = [key for key, item in self.items.items() if any(w in title for w in item["keywords"])] if top else []
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
            what = f"“{rest[:10]}…”前的标题序号丢失，已补为{ours}"
        elif given.rstrip(".．、") == ours.rstrip(".") and not ours.startswith("（"):
            what = f"标题序号“{given}”改写为“{ours}”"
        else:
            what = f"标题“{given}{rest[:10]}…”与前一个标题的序号不连续，已编为{ours}"
        self.repairs.append(Repair(line.where, what, given + rest[:10], ours + rest[:10]))

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
            last["table"]["rows"].append(Flow(cells))  # type: ignore[index]
            return
        table: dict[str, object] = {"table": {"header": Flow(cells), "rows": []}}
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


# 一 → 1, 十二 → 12: the inverse of chinese_numeral, as far as it goes.
_NUMERAL_VALUES = {chinese_numeral(n): n for n in range(1, _MAX_CHINESE_NUMBER + 1)}


def _date(text: str) -> datetime.date | None:
    found = _DATE.match(text)
    try:
        return datetime.date(*(int(g) for g in found.groups())) if found else None
    except ValueError:
        return None
