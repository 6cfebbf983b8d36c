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

from generator.errors import DataError
from generator.pipeline.model import NUMBERING_STYLES
from generator.pipeline.numbering import chinese_numeral, enumeration_label, label
from generator.chinese import attachment_note, ends_sentence, normalize
from generator.importer.findings import Imported, Note, Repair
from generator.importer.reading import Line, read_lines
from generator.importer.templating import Templater
from generator.importer.yamlwriter import Flow


def import_report(path: Path) -> Imported:
    """Read a report and recognise its parts; raises DataError for input that is no report."""
    lines, chrome = read_lines(path)
    if not lines:
        raise DataError(None, f"{path}: the file holds no text")
    return _Importer(lines, chrome).run()


_NUMERAL = "一二三四五六七八九十百零"
_HEADINGS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("一、", re.compile(rf"^([{_NUMERAL}]+)、(.+)$")),
    ("（一）", re.compile(rf"^（([{_NUMERAL}]+)）(.+)$")),
    ("1.", re.compile(r"^(\d{1,3})([.．、])(?!\d)(.+)$")),
    ("（1）", re.compile(r"^（(\d{1,3})）(.+)$")),
)
_LOST_NUMBER = re.compile(r"^）(.+)$")  # "（七" swallowed by the page markup
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
    text: Templater  # set once the report year is known

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
        self.text = Templater(year)
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
            rendered = list(attachment_note(titles))
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
            title = head + stop if ends_sentence(head) else head
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
