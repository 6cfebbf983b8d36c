"""`check`: proofread a year's data and its rendered text for the mistakes reviewers find every year.

Each rule has an id, a severity and a reason (RULES; docs/checks.md explains them with examples).
A data file can switch a rule off with a reason under `checks: off:`. Messages are Chinese: the
clerks who read them are.
"""
from __future__ import annotations

import math
import re
import tempfile
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Iterator

from generator import advice
from generator.chinese import CJK, HAN, SENTENCE_BREAKS, chinese_date, width_chars
from generator.config import bodies, layout
from generator.config.layout import Profile, type_area_mm
from generator.config.menus import Menu
from generator.errors import DataError, Location
from generator.pipeline import Loaded, model
from generator.pipeline import document as doc
from generator.pipeline.figures import FigureValue, compute, evaluate
from generator.pipeline.loader import load
from generator.pipeline.resolve import resolve

SEVERITIES = ("error", "warning", "note")
SEVERITY_NAMES = {"error": "错误", "warning": "警告", "note": "提示"}  # as a clerk reads them


@dataclass(frozen=True)
class Rule:
    severity: str
    what: str


RULES: dict[str, Rule] = {
    "schema": Rule("error", "数据文件读不进来：YAML 语法错误、未知的键、类型不对、引用了不存在的名称"),
    "required-item": Rule("error", "报告主体种类（meta.body）要求报告的事项中，有一项没有任何章节承担（严重程度由事项规定）"),
    "rate-mismatch": Rule("error", "直接填写的比率与按分子分母算出的值相差超出舍入误差"),
    "part-exceeds-whole": Rule("error", "一个数字大于数据中注明它不能超过的数字"),
    "percent-over-100": Rule("error", "不可能超过100%的百分比超过了100%"),
    "figure-unused": Rule("warning", "定义了的数字，正文和公式都没有用到"),
    "year-mismatch": Rule("warning", "正文中的年份与报告年度对不上（工作安排应为下一年，考核反馈应为上一年）"),
    "year-literal": Rule("note", "报告年度或相邻年度直接写成了数字，而不是 {{ year }}"),
    "document-year": Rule("note", "文件名称《》或文号〔〕中的年份写成了 {{ year }}，会随报告年度变化"),
    "publication-late": Rule("warning", "公开日期晚于报告主体种类的公开期限（一般为次年4月1日）"),
    "report-late": Rule("warning", "落款的成文日期晚于报告主体种类的报送期限（如政府部门为次年3月1日）"),
    "recipient-missing": Rule("note", "正式公文没有写主送或抄送机关（给出这类主体通常的主送、抄送机关）"),
    "date-form": Rule("warning", "日期没有写成“2025年3月25日”的形式"),
    "halfwidth-punctuation": Rule("warning", "中文旁边用了半角的 , ; : ( ) ?（GB/T 15834）"),
    "title-short-line": Rule("warning", "标题（含附件标题）排版后有一行只有一个字"),
    "heading-punctuation": Rule("warning", "独占一行的标题以“。”结尾，或接排标题以“，、；”结尾"),
    "wrapping-quotes": Rule("warning", "整段文字被一对引号“”包了起来（多半是输入法换掉了 YAML 的英文引号）"),
    "unbalanced-pairs": Rule("error", "引号、书名号、括号“” 《》 （）不成对"),
    "doubled-punctuation": Rule("error", "重复或冲突的标点：。。 ，， ，。"),
    "doubled-word": Rule("warning", "词语或虚词紧挨着重复了一遍（负责负责人、的的），多是手工修改或粘贴留下的"),
    "number-format": Rule("warning", "数字写法不合 GB/T 15835 的习惯：千位分隔符"),
    "typed-numbering": Rule("warning", "段落开头手打了标题序号，而不是写成章节"),
    "placeholder": Rule("warning", "还有没填的内容（××、XX、【待填…】、TODO）"),
    "unchanged-figure": Rule("warning", "数字与上一年度的数据相同"),
    "unchanged-paragraph": Rule("warning", "段落除年份和数字外与上一年度一字不差"),
    "promise-unreported": Rule("note", "上年报告中的下一年度工作安排，本年度报告没有写到落实情况"),
    "shortfall-unreported": Rule("note", "上年报告指出的不足，本年度报告没有写到整改或改进的情况"),
    "last-year-unreadable": Rule("note", "同一目录下上一年度的数据文件读不进来，未能与上年比较"),
    "menu-item": Rule("note", "check --menu 给出的细化要点中，报告没有写到的要点"),
    "page-widow": Rule("warning", "排版后段落的最后一行单独排在页首（check --pages）"),
    "page-short-line": Rule("note", "排版后段落的最后一行只有一个字（check --pages）"),
}


@dataclass(frozen=True)
class Finding:
    rule: str
    location: Location | None
    message: str
    sentence: str = ""
    advice: str = ""
    severity: str = ""

    def __post_init__(self) -> None:
        if not self.severity:
            object.__setattr__(self, "severity", RULES[self.rule].severity)

    def as_dict(self) -> dict[str, object]:
        data = asdict(self)
        loc = data.pop("location")
        data.update(file=str(loc["path"]) if loc else None, line=loc["line"] if loc else None, column=loc["column"] if loc else None)
        return data

    def format(self) -> str:
        where = f"{self.location}：" if self.location else ""
        lines = [f"{where}{SEVERITY_NAMES[self.severity]} [{self.rule}] {self.message}"]
        if self.sentence:
            lines.append(f"    “{self.sentence}”")
        if self.advice:
            lines.append(f"    → {self.advice}")
        return "\n".join(lines)


def check(path: Path) -> list[Finding]:
    """All findings for a data file, errors first; last year's file is read when it exists."""
    try:
        report = load(path)
        document = resolve(report)
    except DataError as error:
        return [Finding("schema", error.location, error.message, advice="在该位置改正数据文件")]
    return check_loaded(path, report, document)


def check_loaded(path: Path, report: model.Report, document: doc.Document, previous: Loaded | None = None, menu: Menu | None = None) -> list[Finding]:
    """The findings for a data file its caller has already loaded and resolved. `previous` is
    last year's report when the caller has it loaded; otherwise <year−1>.yaml beside `path` is read.
    `menu` is a finer checklist of points (check --menu)."""
    values = evaluate(report.figures, report.meta.year)
    findings = [
        *_required_items(report),
        *_deadlines(report),
        *_recipients(report),
        *_figures(report, values, document),
        *_years(report, document),
        *_document_years(report),
        *_text(document),
        *_title_lines(report, document),
        *_wrapping_quotes(report),
        *_typed_placeholders(report),
        *_last_year(path, report, document, values, previous),
        *(_menu_points(report, document, menu) if menu else ()),
    ]
    findings = [f for f in findings if f.rule not in report.checks_off and (f.rule, f.message) not in report.acknowledged]
    return sorted(findings, key=lambda f: (SEVERITIES.index(f.severity), f.location.line if f.location else 0))


def page_findings(document: doc.Document, profile: Profile, checks_off: dict[str, str]) -> list[Finding]:
    """What a reviewer marks on the printed pages, read off the PDF rendered in a scratch folder:
    a paragraph's last line alone atop a page, a last line of one character."""
    from generator.commands.build import build
    from generator.writers import pagefit

    with tempfile.TemporaryDirectory() as scratch:
        (pdf,) = build(document, profile, Path(scratch), ("pdf",)).written
        found = pagefit.findings(pdf, profile)
    rules = {"widow": "page-widow", "short": "page-short-line"}
    paragraphs = [(block, "".join(text.split())) for block, text in _blocks(document) if isinstance(block, (doc.Paragraph, doc.Heading))]
    findings, at = [], 0
    for page_finding in found:  # in page order, as the paragraphs are in document order
        ending = "".join(page_finding.text.split())
        match = next((i for i in range(at, len(paragraphs)) if paragraphs[i][1].endswith(ending)), None)
        block, text = paragraphs[match] if match is not None else (None, "")
        at = match if match is not None else at
        findings.append(Finding(rules[page_finding.kind], block.location if block else None, page_finding.message,
                                text if len(text) <= 40 else "……" + text[-40:], advice="增删几个字，或调整上一段"))
    return [f for f in findings if f.rule not in checks_off]


# -- helpers -------------------------------------------------------------------------------


def _blocks(document: doc.Document) -> Iterator[tuple[doc.Block, str]]:
    """Every heading and paragraph with its text, attachments included."""
    for block in (*document.body, *(b for a in document.attachments for b in a.body)):
        if isinstance(block, doc.Heading):
            yield block, block.full_text
        elif isinstance(block, doc.Paragraph):
            yield block, block.text
        else:
            yield block, "".join((block.caption, *block.header, *(c for row in block.rows for c in row)))


def sentence_at(text: str, index: int) -> str:
    """The sentence around `index`, shortened to what a reviewer needs to find it."""
    start = max((text.rfind(mark, 0, index) for mark in SENTENCE_BREAKS), default=-1) + 1
    ends = [e for e in (text.find(mark, index) for mark in SENTENCE_BREAKS) if e >= 0]
    end = min(ends) + 1 if ends else len(text)
    return _shorten(text[start:end], 80)


def _shorten(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 2] + "……"


def _all_text(report: model.Report) -> Iterator[model.Text]:
    yield from report.meta.title
    yield from (line for attachment in report.attachments for line in attachment.title_lines)
    for block in report.all_blocks():
        yield from model.texts(block)


_TYPED_PLACEHOLDER = re.compile(r"【待填[^】]*】")


def _typed_placeholders(report: model.Report) -> Iterator[Finding]:
    """【待填…】 written into the data itself (import leaves them where it could not tell the
    region, the issuer or the title); an unfilled figure is reported at the figure instead."""
    for text in _all_text(report):
        for match in _TYPED_PLACEHOLDER.finditer(text.template):
            yield Finding("placeholder", text.location_of(match.group(0)), f"还留着待填的“{match.group(0)}”", sentence_at(text.template, match.start()), "换成实际内容")
    for key, value in (("region", report.meta.region), ("issuer", report.meta.issuer)):
        typed = _TYPED_PLACEHOLDER.search(value)
        if typed and report.source is not None:
            offset = report.source.text.find(typed.group(0))
            yield Finding("placeholder", report.source.location_of(max(offset, 0)), f"meta.{key} 还是待填的“{typed.group(0)}”", advice="写上本单位的地区或发文机关")


def _body_location(report: model.Report) -> Location | None:
    """The `body:` key: where a finding about the report as a whole points."""
    if report.source is None:
        return None
    key = re.search(r"^body:", report.source.text, re.M)
    return report.source.location_of(key.start() if key else 0)


def _shown(value: FigureValue) -> str:
    """A figure as the text shows it: 130件, 95%. A value no report can print (infinite, not a
    number, too large to format) is named as such instead of stopping the check."""
    try:
        return str(value)
    except (ArithmeticError, ValueError):
        number = value.value
        if isinstance(number, float) and math.isnan(number):
            return "非数值（NaN）"
        if isinstance(number, float) and math.isinf(number):
            return "负无穷大" if number < 0 else "无穷大"
        return "超出范围的数值"


# -- rules ---------------------------------------------------------------------------------


def _kind(report: model.Report) -> bodies.KindSpec:
    """The kind of body that writes the report (meta.body), as templates/bodies.yaml and the
    bodies.yaml beside the data file describe it."""
    return bodies.load(report.source.path.parent if report.source else None)[report.meta.body]


def _required_items(report: model.Report) -> Iterator[Finding]:
    """Each item the body's kind must report, covered by a section's `covers:`; a section whose
    title names the item (its keywords) is pointed at."""
    sections = [block for block in model.walk(report.body) if isinstance(block, model.Section)]
    covered = {item for section in sections for item in section.covers}
    where = _body_location(report)
    kind = _kind(report)
    for key, item in kind["items"].items():
        if key in covered:
            continue
        titled = next((s for s in sections if not s.covers and any(w in s.title.template for w in item["keywords"])), None)
        advice = (f"“{_shorten(titled.title.template.strip(), 30)}”一节像是写这一项：给它加上 covers: {key}" if titled
                  else f"在报告这项内容的章节加上 covers: {key}，或补写这一节")
        if report.meta.body != bodies.DEFAULT_KIND:
            advice += f"（{kind['name']}要报告的事项，见 templates/bodies.yaml 中的“{report.meta.body}”）"
        yield Finding(
            "required-item", titled.location if titled else where, f"没有哪一节承担“{item['label']}”",
            advice=advice, severity=item["severity"],
        )


def _deadlines(report: model.Report) -> Iterator[Finding]:
    """The 成文日期 (落款) and the publication date against the deadlines of the body's kind."""
    kind, year, meta = _kind(report), report.meta.year, report.meta
    dated = (("report", "report-late", "成文日期（落款日期）", meta.signature.date if meta.signature else None, "signature"),
             ("publish", "publication-late", "公开日期", meta.published.date if meta.published else None, "published"))
    for which, rule, what, day, key in dated:
        limit = bodies.due(kind, which, year)
        if day is not None and day > limit:
            offset = report.source.text.find(key) if report.source else -1
            yield Finding(
                rule, report.source.location_of(offset) if report.source and offset >= 0 else None,
                f"{what}为{chinese_date(day)}，晚于{chinese_date(limit)}",
                advice=f"{kind['name']}的报告应在次年{kind['deadlines'][which]}前{'报送' if which == 'report' else '公开'}（templates/bodies.yaml 中“{meta.body}”的 deadlines；"  # type: ignore[literal-required]
                       "本地另有规定时写在数据文件旁的 bodies.yaml 中）",
            )


def _recipients(report: model.Report) -> Iterator[Finding]:
    """A formal edition without 主送 or 抄送: the kind's defaults, for the clerk to write in."""
    formal = report.meta.formal
    if formal is None or (formal.recipient and formal.cc):
        return
    recipients, cc = bodies.names(_kind(report), report.meta.region)
    missing: list[str] = []
    if not formal.recipient and recipients:
        missing.append(f"主送 recipient: {'，'.join(recipients)}：")
    if not formal.cc and cc:
        missing.append(f"抄送 cc: [{', '.join(cc)}]")
    if missing:
        offset = report.source.text.find("formal") if report.source else -1
        yield Finding(
            "recipient-missing", report.source.location_of(offset) if report.source and offset >= 0 else None,
            f"正式公文没有写{'和'.join(m[:2] for m in missing)}机关",
            advice=f"{report.meta.body}通常报送：" + "；".join(missing) + "（在 meta.formal 中按实际写明）",
        )


def _menu_points(report: model.Report, document: doc.Document, menu: Menu) -> Iterator[Finding]:
    """Each point of the menu whose keywords the report never uses: looked for in the sections
    that cover the point's item, or in the whole text when no section covers it. A menu item
    the body's kind does not have is a mistake in the menu file (DataError, exit 2)."""
    menu.require_items(_kind(report))
    blocks = list(_blocks(document))
    everything = "".join(text for _, text in blocks)
    for item, points in menu.items.items():
        covering = [(block, text) for block, text in blocks if item in getattr(block, "covers", frozenset())]
        corpus = "".join(text for _, text in covering) if covering else everything
        where = covering[0][0].location if covering else _body_location(report)
        for point in points:
            if not any(word in corpus for word in point["keywords"]):
                place = f"承担“{item}”的章节" if covering else "报告"
                yield Finding(
                    "menu-item", where, f"{menu.name}中“{item}”之下的要点“{point['label']}”，{place}中没有写到",
                    advice=f"写上这方面的情况（检查找的词：{'、'.join(point['keywords'])}）；本年度确无此项工作的，可在不足和原因中说明",
                )


def _figures(report: model.Report, values: dict[str, FigureValue], document: doc.Document) -> Iterator[Finding]:
    in_formulas = {name for f in report.figures.values() for text in (f.formula, f.counts) if text for name in re.findall(r"\w+", text.template)}
    year = report.meta.year
    for name, figure in report.figures.items():
        value = values[name]
        if value.value is None:
            if figure.formula is None:
                last = f"{year - 1}年为{_shown(FigureValue(figure, value.last))}" if value.last is not None else f"{year - 1}年无数"
                yield Finding("placeholder", figure.location, f"数字“{name}”还没有填写（{last}）", advice=f"填上{year}年的数值")
            continue
        if figure.counts is not None:
            yield from _rate(report, values, name, figure)
        if figure.at_most:
            whole = values.get(figure.at_most)
            if whole is None:
                yield Finding("schema", figure.location, f"{name} 的 at_most 写的是“{figure.at_most}”，但没有这个数字", advice="改为一个已定义的数字的名称")
            elif whole.value is not None and value.value > whole.value:
                yield Finding("part-exceeds-whole", figure.location, f"{name}（{_shown(value)}）大于{figure.at_most}（{_shown(whole)}）", advice="两个数字中有一个填错了")
        if value.unit == "%" and value.value > 100 and not figure.over_100:
            yield Finding("percent-over-100", figure.location, f"{name}为{_shown(value)}，超过了100%", advice="改正这个数字；如果是增长率，加上 over_100: true")
        if name not in document.figures_used and name not in in_formulas:
            yield Finding("figure-unused", figure.location, f"数字“{name}”已定义，但正文中没有用到", advice="在正文中用上它，或者删去")


def _rate(report: model.Report, values: dict[str, FigureValue], name: str, figure: model.Figure) -> Iterator[Finding]:
    """A stated rate against the counts it is stated from."""
    assert figure.counts is not None
    value = values[name]
    try:
        computed = compute(figure.counts, name, lambda other: values[other].value, report.figures)
    except DataError as error:  # counts that name no figure, or divide by zero
        yield Finding("schema", error.location, error.message, advice="在该位置改正数据文件")
        return
    except ArithmeticError:  # counts too large to divide: nothing a reviewer could recompute either
        return
    if computed is None or value.value is None:
        return
    computed *= 100 if value.unit == "%" else 1
    decimals = figure.precision if figure.precision is not None else _decimals(value.value)
    decimals = min(max(decimals, 0), 12)
    try:
        wrong = abs(computed - value.value) > 0.5 * 10.0 ** -decimals + 1e-9
    except OverflowError:
        wrong = computed != value.value
    if wrong:
        counts = figure.counts.template.strip()
        yield Finding(
            "rate-mismatch", figure.location, f"{name}填的是{_shown(value)}，但按 {counts} 算出来是{computed:.{decimals + 2}f}{value.unit}",
            advice="改正所填的数值或分子分母，或者改用公式（formula）",
        )


def _decimals(value: float | int) -> int:
    """Digits after the decimal point as the value was written: 98.48 → 2, 95 → 0."""
    if not isinstance(value, float) or not math.isfinite(value):
        return 0
    text = repr(value)
    if "e" in text:
        return 0
    return len(text.split(".")[1].rstrip("0"))


_YEAR = re.compile(r"(?<!\d)((?:19|20)\d\d)(?=年)")
_NAMED = re.compile(r"《[^《》]*》|〔[^〔〕]*〕")  # a document's name or number: its year is its own


def _named_spans(text: str) -> list[tuple[int, int]]:
    return [match.span() for match in _NAMED.finditer(text)]


def _inside(index: int, spans: list[tuple[int, int]]) -> bool:
    return any(start < index < end for start, end in spans)


def _years(report: model.Report, document: doc.Document) -> Iterator[Finding]:
    year = report.meta.year
    for block, text in _blocks(document):
        covers: frozenset[str] = getattr(block, "covers", frozenset())
        named = _named_spans(text)
        for match in _YEAR.finditer(text):
            found = int(match.group(1))
            if _inside(match.start(), named):
                continue
            if covers == {"下年安排"} and found <= year:
                yield Finding("year-mismatch", block.location, f"{year + 1}年的工作安排中出现了“{found}年”", sentence_at(text, match.start()), f"工作安排说的是{year + 1}年：写成 {{{{ year + 1 }}}}")
            elif "考核反馈" in text and found != year - 1 and "考核" in text[match.end():match.end() + 12]:
                yield Finding("year-mismatch", block.location, f"{year}年度的报告谈的是{found}年度考核的反馈", sentence_at(text, match.start()), f"考核反馈针对的是{year - 1}年度：写成 {{{{ year - 1 }}}}")
    for written in _all_text(report):
        named = _named_spans(written.template)
        for match in _YEAR.finditer(written.template):
            if abs(int(match.group(1)) - year) <= 1 and not _inside(match.start(), named):
                yield Finding("year-literal", written.location_of(match.group(0)), f"年份“{match.group(1)}”直接写成了数字", sentence_at(written.template, match.start()), "写成 {{ year }}、{{ year - 1 }} 或 {{ year + 1 }}，明年起草时会自动顺延")


_YEAR_EXPRESSION = re.compile(r"\{\{-?\s*year\s*(?:([+-])\s*(\d{1,4})\s*)?-?\}\}")


def _document_years(report: model.Report) -> Iterator[Finding]:
    """{{ year }} inside 《》 or 〔〕: the document's name moves on with every year's draft, but a
    document of a given year keeps its name."""
    year = report.meta.year
    for text in _all_text(report):
        for span in _NAMED.finditer(text.template):
            name = span.group(0)
            found = list(_YEAR_EXPRESSION.finditer(name))
            if not found:
                continue
            written = _YEAR_EXPRESSION.sub(lambda m: str(year + _offset(m)), name)
            kind = "文件名称" if name.startswith("《") else "文号"
            yield Finding(
                "document-year", text.location_of(found[0].group(0)),
                f"{kind}中的年份写成了 {found[0].group(0)}，明年起草时会随报告年度变为{year + _offset(found[0]) + 1}",
                written,
                f"某一年的文件，名称不随报告年度改变：直接写成{written}；确是每年都印发的同名文件，可以保留",
            )


def _offset(match: re.Match[str]) -> int:
    if not match.group(1):
        return 0
    return int(match.group(2)) * (1 if match.group(1) == "+" else -1)


_CJK = f"[{CJK}]"
_TEXT_RULES: tuple[tuple[str, re.Pattern[str], str, str], ...] = (
    ("halfwidth-punctuation", re.compile(rf"(?<={_CJK})[,;:()?]|[,;:()?](?={_CJK})"), "中文里用了半角的“{0}”", "改用全角的“{1}”"),
    ("doubled-punctuation", re.compile(r"([。，、；：！？])\1|[，、；：][。，]"), "标点“{0}”重复或冲突", "只保留一个"),
    ("date-form", re.compile(r"\d{4}年0\d月|\d{1,2}月0\d日|(?<!\d)\d{4}[./-]\d{1,2}[./-]\d{1,2}(?!\d)"), "日期“{0}”的写法不规范", "日期写成“2025年3月25日”的形式，月、日前不补0"),
    ("number-format", re.compile(r"(?<![\d.])\d{1,3}(?:,\d{3})+(?![\d])"), "数字“{0}”用了千位分隔符", "写成{1}，不加分隔符（GB/T 15835）"),
    ("placeholder", re.compile(r"××|ＸＸ|XX|TODO|？？"), "还留着占位符“{0}”", "填上实际内容"),
)
_FULL_WIDTH = str.maketrans(",;:()?", "，；：（）？")
_TYPED_NUMBER = re.compile(r"(?:[一二三四五六七八九十]+、|[（(][一二三四五六七八九十\d]+[）)]|\d+\.)")


def _text(document: doc.Document) -> Iterator[Finding]:
    for block, text in _blocks(document):
        if isinstance(block, doc.Table):
            continue
        for rule, pattern, message, fix in _TEXT_RULES:
            for match in pattern.finditer(text):
                found = match.group(0)
                fixed = found.translate(_FULL_WIDTH) if rule == "halfwidth-punctuation" else found.replace(",", "")
                yield Finding(rule, block.location, message.format(found), sentence_at(text, match.start()), fix.format(found, fixed))
        yield from _pairs(block, text)
        yield from _doubled(block, text)
        if isinstance(block, doc.Heading) and text.endswith("。"):
            yield Finding("heading-punctuation", block.location, "独占一行的标题以“。”结尾", text, "去掉“。”，或者改为接排标题（runin: true）")
        if isinstance(block, doc.Paragraph):
            lead = block.spans[0].text if block.spans[0].role else ""
            if re.search(r"[，、；][。]$", lead):
                yield Finding("heading-punctuation", block.location, f"接排标题以“{lead[-2]}”结尾", lead, "标题文字后面不加标点，句号会自动加上")
            typed = _TYPED_NUMBER.match(text)
            if not lead and typed:
                yield Finding("typed-numbering", block.location, f"段落开头手打了序号“{typed.group(0)}”", sentence_at(text, 0), "改为章节（section），序号会自动编排")


# A word of two to six characters written twice in a row (负责负责人), or a function word that is
# never doubled (的的, 在在). Doubling that Chinese uses on purpose stays: one character (常常,
# 人人, 一一, 各个 are single), 一X一X (一件一件, 一步一步), 不了了之, 的的确确, 是是非非.
_DOUBLED = re.compile(rf"([{HAN}]{{2,6}})\1|([的在和与及对把被将])\2")
_MEANT_DOUBLE = re.compile(r"^一.$")


def _doubled(block: doc.Block, text: str) -> Iterator[Finding]:
    for match in _DOUBLED.finditer(text):
        word = match.group(1) or match.group(2)
        if _MEANT_DOUBLE.match(word) or text[match.end():match.end() + 1] in ("确", "非") and len(word) == 1:
            continue
        yield Finding("doubled-word", block.location, f"“{word}”紧挨着重复了一遍：“{match.group(0)}”", sentence_at(text, match.start()),
                      f"删去一个“{word}”；确是有意重复的，可在 checks: off: 中关闭 doubled-word 并写明理由")


_PAIRS = {"”": "“", "》": "《", "）": "（", "」": "「"}
_PAIR_NAMES = {"“": "前引号", "”": "后引号", "《": "前书名号", "》": "后书名号", "（": "前括号", "）": "后括号", "「": "前引号", "」": "后引号"}


def _pairs(block: doc.Block, text: str) -> Iterator[Finding]:
    stack: list[tuple[str, int]] = []
    for index, char in enumerate(text):
        if char in _PAIRS.values():
            stack.append((char, index))
        elif char in _PAIRS:
            if stack and stack[-1][0] == _PAIRS[char]:
                stack.pop()
            else:
                opening = _PAIR_NAMES[_PAIRS[char]]
                yield Finding("unbalanced-pairs", block.location, f"{_PAIR_NAMES[char]}前面没有对应的{opening}", sentence_at(text, index), f"补上{opening}，或删去这个{_PAIR_NAMES[char]}")
                return
    closing = {opening: close for close, opening in _PAIRS.items()}
    for char, index in stack:
        yield Finding("unbalanced-pairs", block.location, f"{_PAIR_NAMES[char]}没有对应的{_PAIR_NAMES[closing[char]]}", sentence_at(text, index), f"补上{_PAIR_NAMES[closing[char]]}")


def _title_lines(report: model.Report, document: doc.Document) -> Iterator[Finding]:
    """A title line of one character, as the data breaks the title or as a line too long for the
    type area wraps (GB/T 9704: 2号 title across the 156 mm type area, 20 字 a line)."""
    profile = layout.load()
    per_line = math.floor(type_area_mm(profile)[0] * 72 / 25.4 / profile["fonts"]["title"]["size_pt"])
    titles = [(report.meta.title, document.title_lines)]
    titles += [(a.title_lines, d.title_lines or (d.title,)) for a, d in zip(report.attachments, document.attachments)]
    for texts, lines in titles:
        for n, (text, line) in enumerate(zip(texts, lines)):
            width = width_chars(line)
            rest = width - per_line * math.floor(width / per_line)
            if width > per_line and 0 < rest <= 1:
                yield Finding("title-short-line", text.location, f"标题的这一行超过 {per_line} 个字，转行后最后一行只剩“{line[-1]}”一个字",
                              line, "把标题分成几行写：写成列表，每行一项（见 docs/data-format.md 中 meta.title 的写法），在词语之间断行")
            elif n == len(lines) - 1 and n > 0 and width <= 1:
                yield Finding("title-short-line", text.location, f"标题的最后一行只有“{line}”一个字", "".join(lines),
                              "调整各行的断开位置，让最后一行至少有两个字（标题排成梯形或菱形）")


def _wrapping_quotes(report: model.Report) -> Iterator[Finding]:
    """A text that is one quotation from end to end: an input method typed “…” where the
    clerk meant YAML's "…", and the quotes would be printed."""
    texts = [*report.meta.title, *(line for a in report.attachments for line in a.title_lines)]
    texts += [text for block in report.all_blocks() if not isinstance(block, model.Table) for text in model.texts(block)]
    for text in texts:
        template = text.template.strip()
        if _wrapped(template):
            yield Finding(
                "wrapping-quotes", text.location, "整段文字被包在一对中文引号“”里，引号会印进报告", sentence_at(template, 0),
                "多半是输入法把 YAML 的英文引号 \" 换成了中文引号：删去首尾的“”；需要给 YAML 加引号时，切换到英文标点再输入 \"…\"",
            )


def _wrapped(text: str) -> bool:
    """True when the first “ closes only at the very end."""
    if len(text) < 3 or text[0] != "“" or text[-1] != "”":
        return False
    depth = 0
    for char in text[:-1]:
        depth += 1 if char == "“" else -1 if char == "”" else 0
        if depth == 0:
            return False
    return depth == 1


# -- last year -----------------------------------------------------------------------------


def _last_year(path: Path, report: model.Report, document: doc.Document, values: dict[str, FigureValue], previous: Loaded | None) -> Iterator[Finding]:
    """What last year's report (<year−1>.yaml beside the file, or the one the caller loaded)
    says that this year's should not: the same figures and paragraphs, plans left unanswered."""
    last = report.meta.year - 1
    before: tuple[model.Report, doc.Document] | None = (previous.report, previous.document) if previous else None
    if before is None:
        previous_path = path.with_name(f"{last}{path.suffix}")
        if previous_path.is_file():
            try:
                old = load(previous_path)
                before = old, resolve(old)
            except (DataError, OSError) as error:
                yield Finding(
                    "last-year-unreadable", _body_location(report), f"上一年度的数据文件 {previous_path.name} 读不进来，未能与上年比较：{error}",
                    advice=f"先改正 {previous_path.name}（{advice.command(f'check {previous_path}', f'make check YEAR={previous_path.stem}')}），或把它移出这个文件夹",
                )
    yield from _unchanged_figures(report, values, before[0] if before else None)
    if before is not None:
        yield from _unchanged_paragraphs(report, document, *before)
        yield from _follow_up(report, before[0], _older(path, last - 1))


def _older(path: Path, year: int) -> model.Report | None:
    """The report of the year before last beside the file, for what stayed open; one that does
    not load is left out (checking that year's own file names its mistakes)."""
    older = path.with_name(f"{year}{path.suffix}")
    try:
        return load(older) if older.is_file() else None
    except (DataError, OSError):
        return None


def _unchanged_figures(report: model.Report, values: dict[str, FigureValue], previous: model.Report | None) -> Iterator[Finding]:
    """Last year's value is the one in last year's data file, as `compare` shows it; the draft's
    `last_year:` only for a figure that file does not have, or when there is no such file."""
    last = report.meta.year - 1
    previous_values = evaluate(previous.figures, previous.meta.year) if previous else {}
    for name, figure in report.figures.items():
        if figure.formula is not None or figure.value is None:
            continue
        before = previous_values[name].value if name in previous_values else figure.last_year
        if before is not None and figure.value == before:
            yield Finding("unchanged-figure", figure.location, f"{name}为{_shown(values[name])}，与{last}年相同，是否属实？", advice=f"核实{report.meta.year}年的数字，确认无误可以保留")


_NUMBER = re.compile(r"\d+(?:\.\d+)?")
_EXPRESSION = re.compile(r"\{\{.*?\}\}|\{%.*?%\}", re.S)


def _mask(text: str) -> str:
    """The words without years, figures and numbers: what stays when only the numbers were updated."""
    return _NUMBER.sub("#", _EXPRESSION.sub("#", text))


def _paragraph_keys(report: model.Report, document: doc.Document) -> dict[int, tuple[str, str, str]]:
    """For each paragraph (by line): its text without a run-in heading, and that text and its
    template with numbers masked."""
    templates = {
        block.location.line: "".join(t.template for t in model.texts(block))
        for block in report.all_blocks() if isinstance(block, (model.Paragraph, model.Bullet)) and block.location
    }
    keys = {}
    for block, _ in _blocks(document):
        if isinstance(block, doc.Paragraph) and block.location:
            body = "".join("#" if span.role == "placeholder" else span.text for span in block.spans if not span.role.startswith("heading"))
            keys[block.location.line] = (body, _mask(body), _mask(templates.get(block.location.line, body)))
    return keys


def _unchanged_paragraphs(report: model.Report, document: doc.Document, old_report: model.Report, old_document: doc.Document) -> Iterator[Finding]:
    last, year = report.meta.year - 1, report.meta.year
    old = _paragraph_keys(old_report, old_document).values()
    old_texts = {text for text, _, _ in old}
    old_masked = {masked for _, masked, _ in old} | {template for _, _, template in old}
    by_line = {block.location.line: block for block, _ in _blocks(document) if isinstance(block, doc.Paragraph) and block.location}
    for line, (text, masked, template) in _paragraph_keys(report, document).items():
        if len(text) < 30:
            continue
        if text in old_texts:
            message = f"与{last}年相比一字未改，是否仍然属实？"
        elif masked in old_masked or template in old_masked:
            message = f"与{last}年相比只改了年份和数字，其余一字未改，是否仍然属实？"
        else:
            continue
        quoted = sentence_at(text, 0)
        if "#" in quoted:
            message += "（引文中的 # 是尚未填写的数字）"
        yield Finding("unchanged-paragraph", by_line[line].location, message, quoted, f"按{year}年的情况改写，或确认后保留")


# Last year's plans: the section that covers 下年安排, or is titled like one.
_PLAN_TITLE = re.compile(r"下一步|下一年|工作(?:安排|打算|计划|思路)|今后")
# Words every plan and every report uses: they say nothing about which promise is meant.
_GENERIC = re.compile("|".join(sorted(
    "法治政府建设 法治建设 贯彻落实 深入贯彻 进一步 全面 推进 持续 深化 深入 加强 强化 提升 提高 完善 健全 工作 开展 "
    "积极 切实 努力 继续 着力 坚持 重点 水平 能力 体系 制度 机制 推动 确保 更加 全区 我区 全县 我县 全市 我市 年度 "
    "实际行动 形式 通过 有效 优化 打造 严格 加大 力度 全力 不断 构建 落实 作为 实现 大力 扎实 进行 以及 有关 相关 各项 "
    "将 的 了 在 把 是 要".split(), key=len, reverse=True)))
_ENUMERATED = re.compile(r"(?:^|(?<=[。；，：]))[一二三四五六七八九十]+是")


def _plan_sections(blocks: tuple[model.Block, ...]) -> Iterator[model.Section]:
    for block in blocks:
        if not isinstance(block, model.Section):
            continue
        if tuple(block.covers) == ("下年安排",) or (not block.covers and _PLAN_TITLE.search(block.title.template)):
            yield block
        elif not block.covers or "下年安排" in block.covers:  # a section on other items holds no plans
            yield from _plan_sections(block.body)


def _promised(section: model.Section) -> Iterator[tuple[str, str]]:
    """Each promise of a plans section, as (short name, text): a sub-section, an item of
    一是…二是…, a paragraph that is not just the lead-in to a list."""
    for block in section.body:
        if isinstance(block, model.Section):
            text = "".join(t.template for b in (block, *model.walk(block.body)) for t in model.texts(b))
            yield _shorten(block.title.template.strip(), 24), text
        elif isinstance(block, model.Bullet):
            yield _first_clause(block.text.template), block.text.template
        elif isinstance(block, model.Paragraph):
            if block.items:
                yield from ((_first_clause(item.template), item.template) for item in block.items)
            elif block.text:
                parts = _ENUMERATED.split(block.text.template)
                if len(parts) > 1:
                    yield from ((_first_clause(p), p) for p in parts[1:] if p.strip())
                elif not block.text.template.rstrip().endswith(("：", ":", "，")):
                    yield _first_clause(block.text.template), block.text.template


def _first_clause(text: str) -> str:
    """What a promise is called: its first clause that says something (not "2025年", "下一步")."""
    clauses = [c for c in re.split(r"[，。；：,;:]", text.strip()) if c]
    telling = [c for c in clauses if len(re.findall(f"[{HAN}]", _EXPRESSION.sub("", c))) >= 4]
    return _shorten((telling or clauses or [text])[0], 24)


def _key_runs(text: str) -> list[str]:
    """The Chinese words of a text that name what it is about, generic words removed."""
    return re.findall(f"[{HAN}]+", _GENERIC.sub("|", _EXPRESSION.sub("|", text)))


def _reported(promise: str, corpus: str) -> bool:
    """Whether this year's text takes up the promise: its key words (runs of three characters
    or more; two-character words only when it has no longer ones) appear there, covering at
    least 30% of them, or one run of six does (a named campaign, 习近平法治思想)."""
    words = _key_runs(promise)
    runs = [run for run in words if len(run) >= 3] or [run for run in words if len(run) == 2]
    if not runs:
        return True
    total, shortest = sum(len(run) for run in runs), min(3, *(len(run) for run in runs))
    covered = longest = 0
    for run in runs:
        i = 0
        while i < len(run):
            length = 0
            while i + length < len(run) and run[i:i + length + 1] in corpus:
                length += 1
            if length >= shortest:
                covered += length
                longest = max(longest, length)
                i += length
            else:
                i += 1
    return covered >= 0.3 * total or longest >= 6


@dataclass(frozen=True)
class _Promise:
    """An item a report leaves open for the next one: a plan, or a 不足 to be worked on."""

    rule: str  # promise-unreported or shortfall-unreported
    name: str  # short name for the note
    text: str  # what is matched against the later report (a 不足 with its title)
    said: str  # the sentence shown
    year: int  # the year of the report that made it


def _promises_of(report: model.Report) -> Iterator[_Promise]:
    for section in _plan_sections(report.body):
        for name, text in _promised(section):
            yield _Promise("promise-unreported", name, text, text, report.meta.year)
    for section in _shortfall_sections(report.body):
        for name, said, text in _weaknesses(section):
            yield _Promise("shortfall-unreported", name, text, said, report.meta.year)


class _Answers:
    """A report's text as it answers earlier promises: plans are answered outside its own plans,
    不足 outside its own plans and 不足 (repeating them answers nothing)."""

    def __init__(self, report: model.Report) -> None:
        plans = {id(block) for section in _plan_sections(report.body) for block in (section, *model.walk(section.body))}
        shortfalls = {id(block) for section in _shortfall_sections(report.body) for block in (section, *model.walk(section.body))}
        self.corpora = {"promise-unreported": _corpus(report, plans), "shortfall-unreported": _corpus(report, plans | shortfalls)}

    def missing(self, promise: _Promise) -> list[str] | None:
        """None when the promise is answered; else the names it gave that are not named again."""
        words, named = self.corpora[promise.rule]
        missing = _unnamed(promise.text, promise.year, named)
        return None if _reported(promise.text, words) and not missing else missing


def _follow_up(report: model.Report, previous: model.Report, older: model.Report | None) -> Iterator[Finding]:
    """Last year's plans and 不足, each looked for in this year's text; a campaign or document a
    plan names must be named again. Those of the year before that which last year's report left
    open stay open until this one answers them."""
    answers = _Answers(report)
    achievements = next((s for s in model.walk(report.body) if isinstance(s, model.Section) and "举措成效" in s.covers), None)
    where = achievements.location if achievements and achievements.location else _body_location(report)
    open_items = [(promise, "") for promise in _promises_of(previous)]
    if older is not None:
        earlier = _Answers(previous)
        still = [(promise, f"{previous.meta.year}年和") for promise in _promises_of(older) if earlier.missing(promise) is not None]
        repeated = {(promise.rule, promise.name) for promise, _ in still}  # named once, since the year it was made
        open_items = still + [item for item in open_items if (item[0].rule, item[0].name) not in repeated]
    for promise, also in open_items:
        missing = answers.missing(promise)
        if missing is None:
            continue
        name = _EXPRESSION.sub(lambda m: _plain_year(m.group(0), promise.year), promise.name).translate(_INNER_QUOTES)
        said = _shorten(_EXPRESSION.sub(lambda m: _plain_year(m.group(0), promise.year), promise.said.strip()), 80)
        both = "都" if also else ""
        if promise.rule == "promise-unreported":
            dropped = f"，没有再提到{'、'.join(f'“{n.translate(_INNER_QUOTES)}”' for n in missing)}" if missing else ""
            yield Finding(
                promise.rule, where, f"{promise.year}年报告安排的“{name}”，{also}本年度报告{both}没有写到落实情况{dropped}",
                said, "在举措成效中写明这项安排落实得怎样；没有落实的，在不足和原因中说明",
            )
        else:
            yield Finding(
                promise.rule, where, f"{promise.year}年报告指出的不足“{name}”，{also}本年度报告{both}没有写到整改或改进的情况",
                said, "在举措成效中写明针对这项不足做了什么；仍未解决的，在本年度的不足和原因中说明",
            )


def _corpus(report: model.Report, left_out: set[int]) -> tuple[str, str]:
    """This year's text outside the blocks `left_out`: with every expression a break (for key
    words), and with the years written out (for the names of campaigns and documents)."""
    templates = "|".join(text.template for block in report.all_blocks() if id(block) not in left_out for text in model.texts(block))
    with_years = _EXPRESSION.sub("|", _YEAR_EXPRESSION.sub(lambda m: _plain_year(m.group(0), report.meta.year), templates))
    return _EXPRESSION.sub("|", templates), with_years


# A named campaign (…三年行动, …专项行动), a quoted name (“放管服”) or a document (《…》): general
# words around it (行政执法, 规范) do not answer for it, only its name does.
_CAMPAIGN_WORD = "(?:[一二三四五两]年行动|专项行动|专项整治(?:行动)?|专项治理|攻坚行动|集中行动|提升行动|行动计划)"
_CAMPAIGN = re.compile(f"[{HAN}]{{2,30}}?{_CAMPAIGN_WORD}")
_QUOTED_NAME = re.compile(r"“([^“”]{2,30})”|《([^《》]{2,60})》")
# What a plan says it will do with a campaign, not part of the campaign's name.
_CAMPAIGN_VERBS = re.compile(r"^(?:深入|持续|扎实|继续|全面|认真|组织|着力|巩固|启动|开展|实施|推进|推动|落实|做好|抓好|部署|深化|完成|聚焦|围绕|通过|依托|以)+")


def _names(text: str) -> list[str]:
    """The campaigns, quoted names and documents a text names, as they must be written again."""
    campaigns = [_CAMPAIGN_VERBS.sub("", match.group(0)) for match in _CAMPAIGN.finditer(text)]
    found = [name for name in campaigns if not re.fullmatch(f"[{HAN}]?{_CAMPAIGN_WORD}", name)]  # not 开展专项行动
    found += [match.group(1) or f"《{match.group(2)}》" for match in _QUOTED_NAME.finditer(text)]
    return list(dict.fromkeys(found))


def _unnamed(promise: str, year: int, corpus: str) -> list[str]:
    """The names in last year's `promise` (years of `year`'s report written out) that `corpus` lacks."""
    plain = _EXPRESSION.sub("|", _YEAR_EXPRESSION.sub(lambda m: _plain_year(m.group(0), year), promise))
    return [name for name in _names(plain) if "|" not in name and name not in corpus]


def _shortfall_sections(blocks: tuple[model.Block, ...]) -> Iterator[model.Section]:
    for block in blocks:
        if isinstance(block, model.Section):
            if "不足原因" in block.covers:
                yield block
            elif not block.covers:
                yield from _shortfall_sections(block.body)


def _weaknesses(section: model.Section) -> Iterator[tuple[str, str, str]]:
    """Each 不足 of a section as (short name, what it says, text to match: with its title): a
    sub-section with a title that names it, or an item of a list.
    Sub-sections that report on something else (考核反馈问题整改情况) are not 不足."""
    for block in section.body:
        if isinstance(block, model.Section):
            title = block.title.template
            if "整改" in title or "反馈" in title:
                continue
            inner = [b for b in block.body if isinstance(b, model.Section)]
            if inner:
                yield from _weaknesses(block)
            else:
                text = "".join(t.template for b in model.walk(block.body) for t in model.texts(b))
                yield _shorten(title.strip(), 24), text, title + text
        elif isinstance(block, model.Paragraph):
            if block.items:
                yield from ((_first_clause(item.template), item.template, item.template) for item in block.items)
            elif block.text:
                parts = _ENUMERATED.split(block.text.template)
                yield from ((_first_clause(p), p, p) for p in parts[1:] if p.strip())


_INNER_QUOTES = str.maketrans("“”", "‘’")  # quotes inside quotes (GB/T 15834)


def _plain_year(expression: str, year: int) -> str:
    """{{ year + 1 }} of last year's text as the year it meant; other expressions as written."""
    match = _YEAR_EXPRESSION.fullmatch(expression)
    return str(year + _offset(match)) if match else expression
