"""The report's front matter and what it says about the report: title, page information,
主送机关; the year, region and issuer, read from the title where it names them and otherwise
inferred from the opening paragraph, the 落款 and the page information — every inference listed.

Reports reach the importer without their title (the text copied from below it), with the page's
metadata block before the title, with the title printed twice: none of that makes a report less
of a report, so only text that is not about 法治政府建设 at all is refused.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from generator import advice
from generator.config import bodies
from generator.errors import DataError
from generator.importer.findings import Note
from generator.importer.pageinfo import DATE, Field, fields
from generator.importer.reading import Line
from generator.importer.templating import stated_years

PLACEHOLDER_ISSUER = "【待填：发文机关】"
PLACEHOLDER_REGION = "【待填：地区】"

_SENTENCE = re.compile(r"[。，；！？]")
_BODY = r"(?:人民政府|政府|委员会|办公室|委|局|厅|院|办|署|中心|部)"
_ENDS_WITH_BODY = re.compile(_BODY + "$")
_SUFFIX = r"(?:自治区|自治州|自治县|新区|省|市|州|盟|县|旗|区)(?![场级直属内域长])"
# 青禾县, 南阳市宛城区; a further level has two characters at least (青禾县在县委… is 青禾县).
_PLACE = re.compile(rf"^[\u4e00-\u9fff]{{1,8}}?{_SUFFIX}(?:[\u4e00-\u9fff]{{2,8}}?{_SUFFIX})*")
_NOT_A_PLACE = "我全本各该在省市县区州盟旗"
_TOPIC = re.compile(r"法治|依法|推进|全面|关于|年度")
_GENRE = re.compile(r"法治|依法行政|依法治")
_RECIPIENT = re.compile(r"[^。]{2,80}[委政府人大][^。]{0,60}：")
_JOINT = re.compile(rf"^(中共.+?(?:委员会|委))[\s\u3000、]*(.+?{_BODY})$")
# The opening's year, and a leading clause before the place: 2025年，在市委、市政府的坚强领导下，某某区…
_OPENING_LEAD = re.compile(r"^\d{4}年(?:度|以来)?[，,](?:在[^，。；,]{2,40}?[下中里][，,])?")
# A township or 街道 named at the start of a sentence, the short way too: 某某街坚持…, 某某镇深入…
_TOWNSHIP = re.compile(r"^([\u4e00-\u9fff]{2,6}?)(街道|街|镇|乡)(?=[坚全深持扎以围认始紧着聚积按把将不进统推锚立在])")


@dataclass(frozen=True)
class Stated:
    """What the user states on the command line, for what the text does not say."""

    title: str = ""
    year: int | None = None
    region: str = ""
    issuer: str = ""


@dataclass
class Head:
    """The lines before the report's text, sorted out."""

    title: list[Line] = field(default_factory=list)  # as read; [] when the text has none
    page: list[tuple[Line, Field]] = field(default_factory=list)  # page information, in order
    recipient: Line | None = None
    left_out: list[str] = field(default_factory=list)  # page lines that are no part of the report
    rest: list[Line] = field(default_factory=list)  # the report's text from its first paragraph


def split_head(lines: list[Line]) -> Head:
    """Page information before and after the title, the title, a second print of it, the 主送机关;
    and page information trailing the text."""
    head = Head()
    i = _page_information(lines, 0, head)
    end = _title_end(lines, i)
    if end is not None:
        start = end
        while start > i and end - start < 2 and _joins_title(lines[start - 1].text, lines[start].text):
            start -= 1
        head.left_out += [line.text for line in lines[i:start]]
        head.title = lines[start:end + 1]
        i = end + 1
        while True:
            after = _page_information(lines, i, head)
            repeated = _repeats_title(lines, after, head.title)
            head.left_out += [line.text for line in lines[after:after + repeated]]
            if after + repeated == i:
                break
            i = after + repeated
    if i < len(lines) and len(lines[i].text) <= 160 and _RECIPIENT.fullmatch(lines[i].text):
        head.recipient = lines[i]
        i += 1
    rest = lines[i:]
    trailing: list[tuple[Line, Field]] = []
    while rest and (found := fields(rest[-1].text)) is not None:
        trailing[:0] = [(rest[-1], f) for f in found]
        rest = rest[:-1]
    head.page += trailing
    head.rest = rest
    return head


def _page_information(lines: list[Line], i: int, head: Head) -> int:
    while i < len(lines) and (found := fields(lines[i].text)) is not None:
        head.page += [(lines[i], f) for f in found]
        i += 1
    return i


def _title_end(lines: list[Line], start: int) -> int | None:
    """The line that ends the title: the first naming a 报告 within a few lines, before any sentence."""
    for j in range(start, min(start + 6, len(lines))):
        text = lines[j].text
        if _SENTENCE.search(text) or len(text) > 80 or "：" in text:
            return None
        if "报告" in text:
            return j
    return None


def _joins_title(line: str, following: str) -> bool:
    """Whether a line before the title's 报告 line is part of the title (an issuer, the 关于… start)."""
    if _SENTENCE.search(line) or "：" in line or len(line) > 40:
        return False
    issuer_above = _ENDS_WITH_BODY.search(line) and (following.startswith("关于") or following[:1].isdigit() or _ENDS_WITH_BODY.search(following))
    broken = following.startswith(("的", "情况", "工作", "报告", "建设"))
    return bool(issuer_above or line.startswith("关于") or re.search(r"\d{4}年", line) or broken)


def _repeats_title(lines: list[Line], i: int, title: list[Line]) -> int:
    """How many lines from i print the title again (a page shows it above and in the text)."""
    whole = "".join(line.text for line in title)
    joined = ""
    for k in range(min(3, len(lines) - i)):
        joined += lines[i + k].text
        if joined == whole or (k == 0 and any(joined == line.text for line in title)):
            return k + 1
        if not whole.startswith(joined):
            break
    return 0


# -- what the report is -----------------------------------------------------------------------------

@dataclass
class Identity:
    year: int
    region: str
    issuer: str
    title: list[str]  # the title's lines as text
    default_title: bool = False  # the report has no title: `title` is ours, already a template
    notes: list[Note] = field(default_factory=list)
    body: str = bodies.DEFAULT_KIND  # the kind of reporting body (meta.body)


def identify(path: Path, head: Head, signature: str, stated: Stated) -> Identity:
    """Year, region, issuer and title: stated > read from the title > inferred (each inference noted)."""
    notes: list[Note] = []
    title_lines = [stated.title] if stated.title else [line.text for line in head.title]
    title = "".join(title_lines)
    where = head.title[0].where if head.title and not stated.title else ""
    page = [f for _, f in head.page]
    opening = head.rest[:3]
    if not title:
        named = next((f.value for f in page if f.label in ("标题", "名称", "信息名称") and "报告" in f.value), "")
        if named:
            title, title_lines = named, [named]
            notes.append(Note(_where(head, named), f"原文正文前没有标题，标题取自网页信息“{named}”"))
    genre = _GENRE.search(title) or _GENRE.search("".join(line.text for line in head.rest)[:3000])
    if not genre and not stated.title:
        raise DataError(None, f"{path}：看来不是法治政府建设情况报告：标题和正文开头都没有提到法治政府建设（法治、依法行政）；"
                              f"如果确实是这类报告，请用 {advice.option('--title', 'TITLE=')} 写明它的标题，例如 {advice.option('--title', 'TITLE=', '某县人民政府关于2024年度法治政府建设情况的报告')}")
    if not head.rest:
        raise DataError(None, f"{path}：标题之后没有报告正文；请导入包含全文的文件")
    year = _year(path, title, where, opening, page, stated, notes)
    issuer, region = _issuer_and_region(title, where, opening, page, signature, stated, notes)
    kinds = bodies.load()
    kind = _kind(issuer, bool(stated.issuer), kinds, notes)
    if not title_lines:
        form = kinds[kind]["title"]
        lines = ["{{ issuer }}", form.removeprefix("{{ issuer }}")] if form.startswith("{{ issuer }}") else [form]
        shown = form.replace("{{ issuer }}", issuer).replace("{{ year }}", str(year))
        notes.append(Note("", f"原文没有标题，已补上“{shown}”；可改 meta.title，或导入时用 {advice.option('--title', 'TITLE=')} 写明"))
        return Identity(year, region, issuer, lines, True, notes, kind)
    return Identity(year, region, issuer, title_lines, False, notes, kind)


def _kind(issuer: str, stated: bool, kinds: bodies.Kinds, notes: list[Note]) -> str:
    """The kind of body the issuer's name says (templates/bodies.yaml); a kind other than a
    county government is listed for checking unless the user named the issuer."""
    kind = bodies.recognise(issuer, kinds) or bodies.DEFAULT_KIND
    if kind != bodies.DEFAULT_KIND and not stated:
        notes.append(Note("", f"发文机关“{issuer}”看来是{kinds[kind]['name']}，meta.body 写作“{kind}”，"
                              "检查按这类主体要报告的事项和期限进行；不对时改 meta.body"))
    return kind


def _where(head: Head, value: str) -> str:
    return next((line.where for line, f in head.page if f.value == value), "")


def _year(path: Path, title: str, where: str, opening: list[Line], page: list[Field], stated: Stated, notes: list[Note]) -> int:
    in_title = stated_years(title)
    if stated.year:
        if in_title and in_title[0][0] != stated.year:
            notes.append(Note(where, f"标题写的是{in_title[0][0]}年，报告年度按 {advice.option('--year', 'IMPORT_YEAR=')} 取 {stated.year}"))
        return stated.year
    if in_title:
        return in_title[0][0]
    for line in opening:
        years = stated_years(line.text)
        if years:
            notes.append(Note(line.where, f"{'标题没有写年度' if title else '原文没有标题'}，报告年度取自正文开头"
                                          f"“{_excerpt(line.text, years[0][1])}”：{years[0][0]}年；不对时用 {advice.option('--year', 'IMPORT_YEAR=')} 指定"))
            return years[0][0]
    for found in page:
        day = found.date if found.kind == DATE or found.label in ("成文日期", "公文生成日期", "生成日期") else None
        if day:
            notes.append(Note("", f"{'标题和正文开头都' if title else '原文没有标题，正文开头也'}没有写年度，按网页上的{found.label} {day.isoformat()} 推定报告年度为 {day.year - 1} 年"
                                  f"（报告一般在次年初发布）；不对时用 {advice.option('--year', 'IMPORT_YEAR=')} 指定"))
            return day.year - 1
    raise DataError(None, f"{path}：看不出报告是哪一年度的：标题和正文开头都没有写年份（如“2024年”）；请用 {advice.option('--year', 'IMPORT_YEAR=')} 指定，例如 {advice.option('--year', 'IMPORT_YEAR=', '2024')}")


def _issuer_and_region(title: str, where: str, opening: list[Line], page: list[Field], signature: str,
                       stated: Stated, notes: list[Note]) -> tuple[str, str]:
    named, place = title_names(title)
    issuer = stated.issuer or named or signature
    region = stated.region or region_of(issuer)  # stated, or part of an issuer the report names
    fuller = [title, signature, *(f.value for f in page)]  # where a city's full name may be written
    if not region and place:
        region = _full_form(place, fuller)
        notes.append(Note(where, f"地区“{region}”取自标题{_expanded(place, region)}，请核对 meta.region"))
    elif not region:
        found, (found_at, found_in) = _region_elsewhere(opening, page)
        region = _full_form(found, fuller)
        if region:
            notes.append(Note(found_at, f"地区“{region}”取自{found_in}{_expanded(found, region)}，请核对 meta.region，或导入时用 --region 指定"))
        else:
            region = PLACEHOLDER_REGION
            notes.append(Note("", f"看不出是哪个地区的报告，meta.region 暂写作{PLACEHOLDER_REGION}；请填写，或导入时用 --region 指定"))
    if not issuer and region != PLACEHOLDER_REGION:
        issuer = region + ("办事处" if region.endswith("街道") else "人民政府")
        notes.append(Note(where, f"{'标题' if title else '原文'}没有写发文机关，推定为“{issuer}”；请核对 meta.issuer，或导入时用 --issuer 指定"))
    elif not issuer:
        issuer = PLACEHOLDER_ISSUER
        notes.append(Note("", f"看不出发文机关，meta.issuer 暂写作{PLACEHOLDER_ISSUER}；请填写，或导入时用 --issuer 指定"))
    return issuer, region


def _region_elsewhere(opening: list[Line], page: list[Field]) -> tuple[str, tuple[str, str]]:
    """A place named at the start of the opening paragraph, else in the page's 发布机构 or 来源."""
    for line in opening[:1]:
        start = _OPENING_LEAD.match(line.text)
        if start:
            after = line.text[start.end():]
            township = _TOWNSHIP.match(after)
            named = township or _PLACE.match(after)
            if named and named.group()[0] not in _NOT_A_PLACE:
                place = named.group() if not township else township.group(1) + ("街道" if township.group(2) == "街" else township.group(2))
                return place, (line.where, f"正文开头“{line.text[:start.end() + len(named.group())]}…”")
    for found in page:
        if found.label in ("发布机构", "发文机关", "发文单位", "发布单位", "来源", "文章来源", "信息来源") and found.value:
            place = region_of(found.value)
            if place:
                return place, ("", f"网页上的{found.label}“{found.value}”")
    return "", ("", "")


def _full_form(place: str, texts: list[str]) -> str:
    """某州 → 某州市 when the title, the 落款 or the page writes the city's full name."""
    if not place or place.endswith(("市", "区", "县", "街道", "镇", "乡", "旗", "盟")):
        return place
    return place + "市" if any(place + "市" in text for text in texts) else place


def _expanded(short: str, full: str) -> str:
    return f"（原文写作“{short}”，按标题、落款或网页信息写全）" if short != full else ""


def title_names(title: str) -> tuple[str, str]:
    """(issuer, place) that a title names; "" for what it does not name.

    某县人民政府关于…的报告 and 2022年度某市司法局…报告 name an issuer; 某某县2023年度…报告
    and 2020年某某区…报告 only a place; a joint 中共某县委 某县人民政府关于… both bodies."""
    if "关于" in title:
        named = title.partition("关于")[0]
    else:
        year = re.search(r"\d{4}年度?", title)
        named = title[:year.start()] if year and year.start() else _TOPIC.split(title[year.end():] if year else title)[0]
    named = named.strip(" \u3000")
    joint = _JOINT.match(named)
    if joint:
        return f"{joint.group(1)}\u3000{joint.group(2)}", ""
    if _ENDS_WITH_BODY.search(named):
        return named, ""
    place = _PLACE.match(named)
    return "", named if place and place.group() == named else ""


def region_of(issuer: str) -> str:
    """宛城区人民政府 → 宛城区; 南阳市宛城区司法局 → 南阳市宛城区; 中共某县委　某县人民政府 → 某县; "" if none."""
    issuer = issuer.split("\u3000")[-1]
    place = re.sub(r"(人民政府|政府)$", "", issuer)
    if place != issuer and _PLACE.fullmatch(place):
        return place
    found = _PLACE.match(issuer)
    return found.group() if found and found.group() != issuer else ""


def _excerpt(text: str, at: int) -> str:
    return text[max(0, at - 4):at + 16] + ("…" if len(text) > at + 16 else "")
