"""Figures and years in the text: statistics become named figures, the report year `{{ year }}`.

That way next year's report starts from data where only the figures and the year need changing;
a number becomes a figure only when formatting its value reproduces the text exactly. A year
becomes relative only where it states the report's own time (2024年，我县…; 2025年工作安排):
a year inside 《》“”〔〕, in a range (2021—2025年) or in the name of an award or a document
(被评为2023年度全省法治政府建设示范县, 印发2024年度工作要点) is a fixed name and stays text,
so that next year's draft does not rename it.
"""
from __future__ import annotations

import bisect
import re
from decimal import Decimal

from generator.importer.yamlwriter import FlowMap
from generator.pipeline.figures import format_number

_UNITS = sorted(
    "个百分点 个工作日 工作日 个月 人次 家次 户次 件次 批次 场次 车次 架次 条次 平方米 平方公里 公里 小时 分钟 "
    "件 个 项 次 人 名 家 条 部 篇 场 册 卷 起 处 类 元 户 所 期 份 套 台 辆 张 本 批 天 支 座 间 宗 笔 例 位 亩 吨 米 栋 种 组 轮 倍 只 株 头".split(),
    key=len, reverse=True,
)
_TOKEN = re.compile(
    r"(?P<year>(?<![\d.])\d{4}(?=年))"
    r"|(?<![\d.A-Za-z第\-/:×~#+])(?P<number>\d+(?:\.\d+)?)(?P<pre>余)?(?P<scale>[万亿])?(?P<post>余)?"
    rf"(?P<unit>%|‰|{'|'.join(_UNITS)})(?![A-Za-z])"
)
_QUOTED = re.compile(r"“[^”]*”|《[^》]*》|‘[^’]*’|〔[^〕]*〕|【[^】]*】|「[^」]*」|『[^』]*』|［[^］]*］|\[[^\]]*\]|\"[^\"]*\"")
_RANGE_BEFORE = re.compile(r"\d{4}\s*年?度?\s*(?:[-－—–~～至到]|——)\s*$")
_RANGE_AFTER = re.compile(r"年?度?\s*(?:[-－—–~～至到]|——)\s*\d{4}")
# A year right after these words starts the name of an award or a document.
_NAMING = re.compile(r"(?:评为|荣获|获评|获得|获|授予|命名为|入选|列为|确定为|荣膺|评选为|印发|出台|制定|下发|转发|修订|编制|颁布|发布|起草)了?$")
# …and a clause that ends in one of these after the year is such a name.
_NAME_ENDS = re.compile(r"(?:示范[县区市州旗]|示范单位|示范点|示范项目|先进单位|先进集体|先进个人|称号|奖|荣誉)$")
_TIME_CLAUSE = re.compile(r"荣获|获|评为|被|成功|创成|创建|入选|授予|我[县区市局]")  # 2024年我县荣获…称号: the year is a time
_JINJA_OPEN = re.compile(r"\{(?=[{%#])")
_TRAILING = ("达到", "实现", "累计", "共计", "总计", "合计", "分别", "超过", "其中", "全年",
             "达", "为", "了", "共", "计", "约", "均", "有", "是", "的", "超", "近", "逾", "至", "占", "和", "及", "与", "对", "等", "仅", "只")
# A run ending so counts what follows the number: 先后4次听取…, 不再保留7个部门执法大队.
_VERBS = ("先后", "学习", "举办", "开展", "发挥", "保留", "编印", "印发", "创建", "建成", "完成", "组织", "召开")
_LEADING = ("全年", "的", "了", "并", "共", "为", "占", "对", "将", "在", "把", "被", "等")
# Where a name may start: after a particle or a verb that takes the counted thing as its object.
_NAME_START = re.compile(r".*(?:[了的并]|创建|开展|举办|实施|建成|印发|完成|组织|召开|梳理|谋划|化解|调处|评为)")
_STOPS = re.compile(r"进行|作用|[被的了和并及等在对将把为与]")


class Templater:
    """Writes text as the data keeps it: the report year as {{ year }}, statistics as figures."""

    def __init__(self, year: int) -> None:
        self.year = year
        self.figures: dict[str, dict[str, object]] = {}
        self._next: dict[str, int] = {}  # the next number to try for a name already taken

    def template(self, raw: str, figures: bool = True) -> str:
        quoted = _Quoted(raw)
        out: list[str] = []
        position, figure_end, name = 0, -1, ""
        for match in _TOKEN.finditer(raw):
            inside = quoted.holds(match.start())
            if match.group("year"):
                if inside or fixed_year(raw, match.start(), match.end()):
                    continue
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

    def literal(self, raw: str) -> str:
        """Text kept as written (page information): only what Jinja would read as a tag is escaped."""
        return _escape(raw)

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
        exact = Decimal(literal) * {"": 1, "万": 10_000, "亿": 100_000_000}[scale]
        value = int(exact) if exact == exact.to_integral_value() else float(exact)
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
        self.figures[name] = FlowMap(figure)
        return name

    def _unique(self, name: str) -> str:
        """The name, or the name with the next free number (名称2, 名称3 …); counted, not searched."""
        n = self._next.get(name, 2)
        unique = name
        while unique in self.figures:
            unique, n = f"{name}{n}", n + 1
        self._next[name] = n
        return unique


def fixed_year(text: str, start: int, end: int) -> bool:
    """Whether the year text[start:end] belongs to a range or to the name of an award or a document."""
    before, after = text[max(0, start - 12):start], text[end:end + 12]
    if _RANGE_BEFORE.search(before) or _RANGE_AFTER.match(after):
        return True
    if _NAMING.search(text[max(0, start - 6):start]):
        return True
    clause = re.split(r"[，。；：、,;:（）()]", text[end:end + 40])[0]
    return bool(_NAME_ENDS.search(clause)) and not _TIME_CLAUSE.search(clause)


def stated_years(text: str) -> list[tuple[int, int]]:
    """(year, position) of each year in the text that states a time, not a fixed name."""
    quoted = _Quoted(text)
    return [(int(m.group()), m.start()) for m in re.finditer(r"(?<!\d)(?:19|20)\d\d(?=年)", text)
            if not quoted.holds(m.start()) and not fixed_year(text, m.start(), m.end())]


class _Quoted:
    """The spans of a text inside quotation marks, book-title marks and brackets."""

    def __init__(self, text: str) -> None:
        self.spans = [m.span() for m in _QUOTED.finditer(text)]  # in order, not overlapping
        self.starts = [start for start, _ in self.spans]

    def holds(self, position: int) -> bool:
        i = bisect.bisect_left(self.starts, position) - 1
        return i >= 0 and self.spans[i][0] < position < self.spans[i][1]


def _name(before: str, after: str) -> str:
    """A figure name from the Han characters before the number (cleaned), else after it.

    Words after a quotation (“双随机、一公开”联合抽查检查) name it if they are enough on their own;
    a name runs from the last particle or verb, and a run longer than 12 keeps its last 8."""
    run = re.findall(r"[\u4e00-\u9fff“”‘’（）]*$", before[-40:])[0]
    unquoted = _trim(re.split(r"[“”‘’（）]", run)[-1])
    run = unquoted if len(unquoted) >= 4 else _trim(re.sub(r"[“”‘’（）]", "", run))
    following = _STOPS.split(re.findall(r"^[\u4e00-\u9fff]*", after[:40])[0])[0]
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
