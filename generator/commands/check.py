"""`check`: proofread a year's data and its rendered text for the mistakes reviewers find every year.

Each rule has an id, a severity and a reason (RULES; docs/checks.md explains them with examples).
A data file can switch a rule off with a reason under `checks: off:`.
"""
from __future__ import annotations

import datetime
import re
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Iterator

from generator.pipeline import document as doc
from generator.pipeline import model
from generator.chinese import CJK, SENTENCE_BREAKS
from generator.errors import DataError, Location
from generator.pipeline.figures import FigureValue, compute, evaluate, format_number
from generator.pipeline.loader import load
from generator.pipeline.resolve import resolve

SEVERITIES = ("error", "warning", "note")
SEVERITY_NAMES = {"error": "错误", "warning": "警告", "note": "提示"}  # as a clerk reads them


@dataclass(frozen=True)
class Rule:
    severity: str
    what: str


RULES: dict[str, Rule] = {
    "schema": Rule("error", "the data file does not load: YAML syntax, unknown key, wrong type, undefined name"),
    "required-item": Rule("error", "one of the regulation's five items is covered by no section (item 5 only a note)"),
    "rate-mismatch": Rule("error", "a stated rate differs from the counts it is stated from beyond rounding"),
    "part-exceeds-whole": Rule("error", "a figure exceeds the figure the data says it cannot exceed"),
    "percent-over-100": Rule("error", "a percentage over 100 where it cannot be"),
    "figure-unused": Rule("warning", "a figure is defined but no text or formula uses it"),
    "year-mismatch": Rule("warning", "a year in the text does not fit the report year (plans: year+1; 考核反馈: year−1)"),
    "year-literal": Rule("note", "the report year or a neighbouring year is typed as a number instead of {{ year }}"),
    "publication-late": Rule("warning", "publication date after 1 April of the following year"),
    "date-form": Rule("warning", "a date not written 2025年3月25日"),
    "halfwidth-punctuation": Rule("warning", "half-width , ; : ( ) ? beside Chinese characters (GB/T 15834)"),
    "heading-punctuation": Rule("warning", "a standalone heading ending in 。, or a run-in heading ending in ，、；"),
    "unbalanced-pairs": Rule("error", "quotes or brackets “” 《》 （） that do not close"),
    "doubled-punctuation": Rule("error", "doubled or clashing punctuation: 。。 ，， ，。"),
    "number-format": Rule("warning", "numbers against GB/T 15835 habits: thousands separators, 01 for a month or day"),
    "typed-numbering": Rule("warning", "a paragraph begins with a typed heading number instead of being a section"),
    "placeholder": Rule("warning", "a placeholder is still unfilled (××, XX, 【待填…】, TODO)"),
    "unchanged-figure": Rule("warning", "a figure has the same value as in last year's data"),
    "unchanged-paragraph": Rule("warning", "a paragraph is word for word the same as last year's"),
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
        lines = [f"{self.location or '-'}: {self.severity} [{self.rule}] {self.message}"]
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
        return [Finding("schema", error.location, error.message, advice="fix the data file at that place")]
    return check_loaded(path, report, document)


def check_loaded(path: Path, report: model.Report, document: doc.Document) -> list[Finding]:
    """The findings for a data file its caller has already loaded and resolved."""
    values = evaluate(report.figures, report.meta.year)
    findings = [
        *_required_items(report),
        *_figures(report, values, document),
        *_years(report, document),
        *_text(document),
        *_last_year(path, report, document, values),
    ]
    findings = [f for f in findings if f.rule not in report.checks_off]
    return sorted(findings, key=lambda f: (SEVERITIES.index(f.severity), f.location.line if f.location else 0))


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
    sentence = text[start:end]
    return sentence if len(sentence) <= 80 else sentence[: 78] + "……"


def _all_text(report: model.Report) -> Iterator[model.Text]:
    yield from report.meta.title
    yield from (attachment.title for attachment in report.attachments)
    for block in report.all_blocks():
        yield from model.texts(block)


# -- rules ---------------------------------------------------------------------------------


def _required_items(report: model.Report) -> Iterator[Finding]:
    covered = {item for block in model.walk(report.body) if isinstance(block, model.Section) for item in block.covers}
    body_key = re.search(r"^body:", report.source.text, re.M) if report.source else None
    where = report.source.location_of(body_key.start() if body_key else 0) if report.source else None
    for key, item in model.REGULATION_ITEMS.items():
        if key not in covered:
            yield Finding(
                "required-item", where, f"no section covers item “{item}”",
                advice=f"add `covers: {key}` to the section that reports it, or write that section",
                severity="note" if key == "其他情况" else "",
            )


def _figures(report: model.Report, values: dict[str, FigureValue], document: doc.Document) -> Iterator[Finding]:
    in_formulas = {name for f in report.figures.values() for text in (f.formula, f.counts) if text for name in re.findall(r"\w+", text.template)}
    for name, figure in report.figures.items():
        value = values[name]
        if value.value is None:
            if figure.formula is None:
                last = f"{format_number(value.last, figure.precision, figure.display)}{value.unit}" if value.last is not None else "none"
                yield Finding("placeholder", figure.location, f"figure {name} is not filled in (last year: {last})", advice="add its value: this year's number")
            continue
        if figure.counts is not None:
            computed = compute(figure.counts, name, lambda other: values[other].value, report.figures)
            if computed is None:
                continue
            computed *= 100 if value.unit == "%" else 1
            decimals = figure.precision if figure.precision is not None else _decimals(figure.value)
            if abs(computed - value.value) > 0.5 * 10 ** -decimals + 1e-9:
                yield Finding("rate-mismatch", figure.location, f"{name} is stated as {value} but {figure.counts.template.strip()} gives {computed:.{decimals + 2}f}{value.unit}", advice="correct the stated value or the counts, or make it a formula")
        if figure.at_most:
            if figure.at_most not in values:
                yield Finding("schema", figure.location, f"{name}.at_most names '{figure.at_most}', which is not a figure")
            elif values[figure.at_most].value is not None and value.value > values[figure.at_most].value:
                yield Finding("part-exceeds-whole", figure.location, f"{name} ({value}) exceeds {figure.at_most} ({values[figure.at_most]})", advice="one of the two numbers is wrong")
        if value.unit == "%" and value.value > 100 and not figure.over_100:
            yield Finding("percent-over-100", figure.location, f"{name} is {value}, over 100%", advice="correct it, or add `over_100: true` if it is a growth rate")
        if name not in document.figures_used and name not in in_formulas:
            yield Finding("figure-unused", figure.location, f"figure {name} is defined but no text uses it", advice="use it in the text or delete it")


def _decimals(value: float | int | None) -> int:
    text = repr(value)
    return len(text.split(".")[1]) if "." in text and not text.endswith(".0") else 0


_YEAR = re.compile(r"(?<!\d)((?:19|20)\d\d)(?=年)")


def _years(report: model.Report, document: doc.Document) -> Iterator[Finding]:
    year = report.meta.year
    for block, text in _blocks(document):
        covers = getattr(block, "covers", frozenset())
        for match in _YEAR.finditer(text):
            found = int(match.group(1))
            if covers == {"下年安排"} and found <= year:
                yield Finding("year-mismatch", block.location, f"{found}年 in the plans for {year + 1}", sentence_at(text, match.start()), f"plans are about {year + 1}: write {{{{ year + 1 }}}}")
            elif "考核反馈" in text and found != year - 1 and "考核" in text[match.end():match.end() + 12]:
                yield Finding("year-mismatch", block.location, f"feedback on the {found} assessment in the report on {year}", sentence_at(text, match.start()), f"the feedback is on {year - 1}: write {{{{ year - 1 }}}}")
    for text in _all_text(report):
        for match in _YEAR.finditer(text.template):
            if abs(int(match.group(1)) - year) <= 1:
                yield Finding("year-literal", text.location_of(match.group(0)), f"the year {match.group(1)} is typed as a number", sentence_at(text.template, match.start()), "write {{ year }}, {{ year - 1 }} or {{ year + 1 }} so next year's draft moves on by itself")
    published = report.meta.published
    if published and published.date > datetime.date(year + 1, 4, 1):
        yield Finding("publication-late", report.source.location_of(report.source.text.find("published")), f"published {published.date.isoformat()}, after 1 April {year + 1}", advice="the regulation asks for publication before 1 April")


_CJK = f"[{CJK}]"
_TEXT_RULES: tuple[tuple[str, re.Pattern[str], str, str], ...] = (
    ("halfwidth-punctuation", re.compile(rf"(?<={_CJK})[,;:()?]|[,;:()?](?={_CJK})"), "half-width “{0}” in Chinese text", "use the full-width form ，；：（）？"),
    ("doubled-punctuation", re.compile(r"([。，、；：！？])\1|[，、；：][。，]"), "punctuation “{0}”", "keep one mark"),
    ("date-form", re.compile(r"\d{4}年0\d月|\d{1,2}月0\d日|(?<!\d)\d{4}[./-]\d{1,2}[./-]\d{1,2}(?!\d)"), "date “{0}”", "write dates as 2025年3月25日, without leading zeros"),
    ("number-format", re.compile(r"(?<![\d.])\d{1,3}(?:,\d{3})+(?![\d])"), "number “{0}” with thousands separators", "write 298389, without separators (GB/T 15835)"),
    ("placeholder", re.compile(r"××|ＸＸ|XX|TODO|？？"), "placeholder “{0}” left in", "fill it in"),
)


def _text(document: doc.Document) -> Iterator[Finding]:
    for block, text in _blocks(document):
        if isinstance(block, doc.Table):
            continue
        for rule, pattern, message, advice in _TEXT_RULES:
            for match in pattern.finditer(text):
                yield Finding(rule, block.location, message.format(match.group(0)), sentence_at(text, match.start()), advice)
        yield from _pairs(block, text)
        if isinstance(block, doc.Heading) and text.endswith("。"):
            yield Finding("heading-punctuation", block.location, "a heading on its own line ends with 。", text, "drop the 。, or make the heading run in (runin: true)")
        if isinstance(block, doc.Paragraph):
            lead = block.spans[0].text if block.spans[0].role else ""
            if re.search(r"[，、；][。]$", lead):
                yield Finding("heading-punctuation", block.location, "a run-in heading ends with a comma", lead, "end the heading's words without punctuation")
            if not lead and re.match(r"(?:[一二三四五六七八九十]+、|[（(][一二三四五六七八九十\d]+[）)]|\d+\.)", text):
                yield Finding("typed-numbering", block.location, "the paragraph begins with a typed heading number", sentence_at(text, 0), "make it a section; numbers are computed")


def _pairs(block: doc.Block, text: str) -> Iterator[Finding]:
    closing = {"”": "“", "》": "《", "）": "（", "」": "「"}
    stack: list[tuple[str, int]] = []
    for index, char in enumerate(text):
        if char in closing.values():
            stack.append((char, index))
        elif char in closing:
            if stack and stack[-1][0] == closing[char]:
                stack.pop()
            else:
                yield Finding("unbalanced-pairs", block.location, f"“{char}” closes nothing", sentence_at(text, index), "add the opening mark or delete this one")
                return
    for char, index in stack:
        yield Finding("unbalanced-pairs", block.location, f"“{char}” is never closed", sentence_at(text, index), "add the closing mark")


def _last_year(path: Path, report: model.Report, document: doc.Document, values: dict[str, FigureValue]) -> Iterator[Finding]:
    """Figures and paragraphs left as they were: last year's values come from `last_year:` or
    from data/<year−1>.yaml beside the file."""
    previous, previous_document = None, None
    previous_path = path.with_name(f"{report.meta.year - 1}{path.suffix}")
    if previous_path.is_file():
        try:
            previous = load(previous_path)
            previous_document = resolve(previous)
        except DataError:
            previous = None
    last = report.meta.year - 1
    for name, figure in report.figures.items():
        before = figure.last_year
        if before is None and previous is not None and name in previous.figures:
            before = previous.figures[name].value
        if figure.value is not None and figure.value == before:
            yield Finding("unchanged-figure", figure.location, f"{name} = {values[name]}, unchanged since {last} — still true?", advice=f"confirm the {report.meta.year} figure")
    if previous_document is None:
        return
    old_paragraphs = {text for _, text in _blocks(previous_document)}
    for block, text in _blocks(document):
        if isinstance(block, doc.Paragraph) and len(text) >= 30 and text in old_paragraphs:
            yield Finding("unchanged-paragraph", block.location, f"paragraph unchanged since {last} — still true?", sentence_at(text, 0), f"rewrite it for {report.meta.year}, or confirm it")
