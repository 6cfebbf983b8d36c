"""Figures and years in the text: statistics become named figures, the report year `{{ year }}`.

That way next year's report starts from data where only the figures and the year need changing;
a number becomes a figure only when formatting its value reproduces the text exactly.
"""
from __future__ import annotations

import re
from decimal import Decimal

from generator.pipeline.figures import format_number
from generator.importer.yamlwriter import FlowMap


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


class Templater:
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
        self.figures[name] = FlowMap(figure)
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
