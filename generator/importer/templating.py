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
        self._raw = ""  # the text being templated, for the labels of its figures

    def template(self, raw: str, figures: bool = True) -> str:
        quoted = _Quoted(raw)
        self._raw = raw
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
        name = self._unique((adjoining + unit if adjoining and unit.isalpha() else "") or _name(before, after, self._raw[:match.start()]) or f"数据{len(self.figures) + 1}")
        figure: dict[str, object] = {"value": value, "unit": unit}
        said = label(self._raw, match.start(), match.end(), name)
        if len(said) < len(name) and said in name:  # 审结 → 行政诉讼审结: the name says more
            said = name
        if said:
            figure["label"] = said
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


def _name(before: str, after: str, sentence: str) -> str:
    """A figure name by what the number counts: the noun phrase before the number (cleaned),
    else after it, as `_counted` shapes it.

    Words after a quotation (“双随机、一公开”联合抽查检查) name it if they are enough on their own;
    a name runs from the last particle or verb. `sentence` is the text before the number from
    the sentence's start, for the topic a short name belongs to."""
    run = re.findall(r"[\u4e00-\u9fff“”‘’（）]*$", before[-40:])[0]
    unquoted = _trim(re.split(r"[“”‘’（）]", run)[-1])
    run = unquoted if len(unquoted) >= 4 else _trim(re.sub(r"[“”‘’（）]", "", run))
    following = _STOPS.split(re.findall(r"^[\u4e00-\u9fff]*", after[:40])[0])[0]
    if len(following) >= 2 and (run.endswith(_VERBS) or len(run) < 2):
        return _counted(following, sentence)
    tail = _trim(_NAME_START.sub("", run))
    run = tail if len(tail) >= 2 else run
    return "" if len(run) < 2 else _counted(run, sentence)


# Who does or where (行政机关负责人 → 负责人, 区直各政务服务单位政务服务事项 → 政务服务事项): not
# what is counted.
_OWNER = re.compile(r"^.*?(?:各单位|单位|部门|行政机关|机关|负责人|常委会|常务会议|常务会|党组|政府|全[县区市省州旗]|[我本各][县区市局委办])(?=..)")
# A verb before its object is put after it (办结行政复议案件 → 行政复议办结); light verbs go.
_ACTION = re.compile(r"^(受理|办结|审结|办理|审查|审核|化解|调处|查办|查处|出台|制定|培训|录入|出动|发放|整改|评查|清理|备案)(.{2,})$")
_LIGHT = re.compile(r"^(?:开展|举办|组织|召开|实施|完成|进行)(?=..)")
_GENERIC = re.compile(r"(?<=..)(?:案件|事项|工作)$")
# What a short name (审结, 败诉, 成功率) belongs to, from the words before it in the sentence.
_TOPICS = re.compile(r"行政复议|行政诉讼|行政应诉|行政处罚|行政许可|行政强制|行政检查|行政执法|矛盾纠纷|规范性文件|公益诉讼|政务服务|法律援助|人民调解|信访")
# Names that say what was done but not to what (审结, 败诉率): they take the sentence's topic.
_BARE = re.compile(r"^(?:审结|败诉|胜诉|纠错|撤销|维持|受理|办结|办理|审查|结案|发案|立案|调解成功|.{0,2}率)$")
_LONGEST = 12


def _counted(run: str, sentence: str) -> str:
    """The name of what a number counts, from the words that name it in the text."""
    name = run
    while len(name) > 8 and _OWNER.match(name):  # 区政府主要负责人全年听取… → 听取…
        name = _trim(_OWNER.sub("", name, count=1))
    if name == run and len(_OWNER.sub("", name, count=1)) >= 4:
        name = _OWNER.sub("", name, count=1)  # 行政机关负责人出庭应诉率 → 负责人出庭应诉率
    name = _LIGHT.sub("", re.sub(r"^[号等之其]+(?=..)", "", name))  # 〔2023〕4号等文件: 号 ends the number before
    action = _ACTION.match(name)
    if action:
        name = _GENERIC.sub("", action.group(2)) + action.group(1)
    if _BARE.match(name):
        topics = _TOPICS.findall(re.split(r"[。；]", sentence)[-1])
        if topics:
            name = topics[-1] + name
    if len(name) > _LONGEST:  # keep the end, where the counted thing is, from a word's start
        cut = [m.end() for m in re.finditer(r"[的和及与、]|单位|事项|服务|行政", name) if len(name) - m.end() >= 4]
        name = name[cut[-1]:] if cut and len(name) - cut[-1] <= _LONGEST else name[-_LONGEST:]
    return name


# Words around the number that are not what it counts: kept out of its label.
_LABEL_TRIM = re.compile(r"^(?:全年|全县|全区|全市|共|累计|先后|其中|同时|并|均|已|还|又)+|(?:均达到|达到|均达|均为|保持在|保持|达|为|实现了|实现|约|共计|累计|共|分别|超过|仅占|仅|占|同比)+$")
_CLAUSE_ENDS = "，。；：、！？,;:\n"


_NUMBERS = re.compile(rf"(?<![\d年])\d+(?:\.\d+)?余?[万亿]?余?(?:%|‰|{'|'.join(_UNITS)})")


def label(raw: str, start: int, end: int, name: str) -> str:
    """The clause a number comes from, without the number: what the forms, the draft's
    placeholders and the review page show beside the figure (办结行政复议案件)."""
    left = max((raw.rfind(mark, 0, start) for mark in _CLAUSE_ENDS), default=-1) + 1
    rights = [i for i in (raw.find(mark, end) for mark in _CLAUSE_ENDS) if i >= 0]
    right = min(rights, default=len(raw))
    before, after = _NUMBERS.sub("", raw[left:start]), _NUMBERS.sub("", raw[end:right])
    if len(_LABEL_TRIM.sub("", before)) < 4 or (name[:2] in after and name[:2] not in before):
        return _paired(_LABEL_TRIM.sub("", (before + after).strip())[:30])  # 先后4次听取法治建设专题汇报
    return _paired(_LABEL_TRIM.sub("", before.strip())[-30:])


def _paired(text: str) -> str:
    """The text without quotation or title marks left open by the clause's bounds."""
    for opening, closing in ("“”", "《》", "（）"):
        if text.count(opening) != text.count(closing) or text.find(closing) < text.find(opening):
            text = text.replace(opening, "").replace(closing, "")
    return text


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
