"""`merge`: the returned 填报表 into the year's data file.

Forms come back in any order and under any name; each is recognised by its hidden sheet and
refused when it belongs to another report or year. A cell is read as the clerk meant it
(`1,020`, full-width digits, `98.5%` in a percent row, a number stored as text); what cannot be a
value stops the merge with every such cell named, and nothing is written. What is merely odd
(a part larger than its whole, a change of more than half against last year, a rate that no
longer matches its counts) is a warning. The values go into the data file the way `draft` edits
it: at the offsets of the YAML nodes, so every comment and every other line stays as it was.
"""
from __future__ import annotations

import codecs
import datetime
import hashlib
import json
import math
import re
import unicodedata
import warnings
from dataclasses import dataclass, replace
from decimal import Decimal
from pathlib import Path

from yaml.nodes import MappingNode

from generator import incoming
from generator.atomic import write_all
from generator.chinese import did_you_mean
from generator.commands.forms import layout, text_table
from generator.commands.forms.units import collection_state, is_percent
from generator.errors import DataError, Location
from generator.pipeline import yamledit, yamlsource
from generator.pipeline.figures import compute, evaluate, format_number
from generator.pipeline.loader import load
from generator.pipeline.model import Figure, Report

_PLAIN = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)")
_GROUPED = re.compile(r"[+-]?\d{1,3}(?:,\d{3})+(?:\.\d+)?")
_QUOTED = re.compile(r'"[^"]*"|\\.')  # literal text inside a number format, where a % is not a percent
_SPREADSHEETS = (".xls", ".et", ".ods")  # forms saved in another format: named, not read
UNITS_HEADER = ("填报单位", "交回情况", "已填", "未填")
_TOO_LARGE = Decimal(10) ** 12  # the form's own validation allows ±999999999999
# A unit's form as merge found it, told by its content: the very blank collect wrote (its bytes'
# fingerprint is on record) was never answered; a form saved back with no number is 空表.
NOT_RETURNED, BLANK, FILLED = "未交回", "空表", "已填"
_LARGEST_FORM = 20_000_000  # bytes a blank form could have (they are about 10 KB): larger is not hashed


@dataclass(frozen=True)
class Given:
    """A value a form gives, and where."""

    value: Decimal
    form: layout.Returned
    answer: layout.Answer

    @property
    def place(self) -> str:
        return f"{self.form.path} 第{self.answer.row}行"


@dataclass(frozen=True)
class Change:
    """One figure's value written into the data file."""

    name: str
    line: int
    old: int | float | None
    new: str  # as written into the YAML
    unit: str
    given: Given

    def describe(self) -> str:
        what = f"填入 {self.new}{self.unit}" if self.old is None else f"改为 {self.new}{self.unit}（原为 {format_number(self.old, None)}{self.unit}）"
        return f"{self.name}：{what}（表第{self.given.answer.row}行 → 数据文件第{self.line}行）"


@dataclass(frozen=True)
class Merged:
    data: Path
    changes: tuple[Change, ...]
    warnings: tuple[str, ...]
    notes: tuple[str, ...]  # the 说明 the units wrote, and files skipped
    units: tuple[tuple[str, str, int, int], ...]  # unit, form returned?, figures filled, still empty
    written: bool

    def lines(self) -> list[tuple[str, ...]]:
        return [UNITS_HEADER, *((unit, returned, str(filled), str(empty)) for unit, returned, filled, empty in self.units)]

    def summary(self) -> str:
        """What the clerk reads at the end of a merge (or of a dry run)."""
        out = [f"提示：{note}" for note in self.notes] + [f"警告：{warning}" for warning in self.warnings]
        if self.changes:
            out.append(f"{'已写入' if self.written else '将写入'} {self.data}{'' if self.written else '（试运行，未改动文件）'}：")
            for form in dict.fromkeys(change.given.form.path for change in self.changes):
                out.append(f"  {form}：")
                out += [f"    {change.describe()}" for change in self.changes if change.given.form.path == form]
        else:
            out.append(f"{self.data}：没有需要写入的数字")
        out.append(text_table(self.lines()).rstrip("\n"))
        filled = sum(1 for c in self.changes if c.old is None)
        tail = f"填入 {filled} 项，修改 {len(self.changes) - filled} 项，仍有 {sum(u[3] for u in self.units)} 项未填"
        out.append(("" if self.written or not self.changes else "试运行：") + tail)
        return "\n".join(out) + "\n"


def merge(data: Path, report: Report, inputs: list[Path], dry_run: bool = False) -> Merged:
    """Read the forms, check them, and write their values into the data file (unless dry_run).

    Only the loaded report is needed, not its rendered text: a slip in the text, which the
    clerk fixes later, does not hold the figures up."""
    paths, notes = _form_paths(inputs)
    problems: list[str] = []
    given: dict[str, Given] = {}
    returned: dict[str, bool] = {}  # unit → its form gave at least one value
    blanks = blank_fingerprints({path.parent for path in paths})
    stray: list[str] = []
    for path in paths:
        if _fingerprint(path) in blanks:
            continue  # the blank form as collect wrote it: the unit has not answered
        try:
            form = layout.read(path)
        except DataError as error:
            problems.append(str(error))
            continue
        if foreign := _foreign(form, data, report):
            problems.append(foreign)
            continue
        returned.setdefault(form.identity.unit, False)
        stray += _numbers_elsewhere(form)
        for answer in form.answers:
            figure = report.figures.get(answer.name)
            if figure is None or figure.formula is not None:
                why = "由公式计算，不需要填报" if figure else f"在数据文件中不存在{did_you_mean(answer.name, report.figures)}"
                problems.append(f"{form.path} 第{answer.row}行：数字“{answer.name}”{why}；数据文件在发出填报表后可能改过，请重新生成填报表")
                continue
            if answer.note:
                notes.append(f"{form.path} 第{answer.row}行 {answer.name}，{layout.NOTE}：{answer.note}")
            try:
                value = read_number(answer, figure)
            except ValueError as error:
                problems.append(f"{form.place(answer)}：{error}")
                continue
            if value is None:
                continue
            returned[form.identity.unit] = True
            earlier = given.get(answer.name)
            if earlier is None:
                given[answer.name] = Given(value, form, answer)
            elif earlier.value != value:
                problems.append(f"{form.place(answer)}：{answer.name}填为 {_plain(value)}，而 {earlier.place} 填为 {_plain(earlier.value)}；请只保留正确的一份")
    if len(problems) == 1:
        raise DataError(None, f"{problems[0]}；数据文件未作任何改动")
    if problems:
        raise DataError(None, f"填报表中有 {len(problems)} 处问题，数据文件未作任何改动：\n" + "\n".join(f"  {p}" for p in problems))
    figures = {name: replace(f, value=_number(given[name].value)) if name in given else f for name, f in report.figures.items()}
    merged = replace(report, figures=figures)
    cautions = tuple(stray + _warnings(merged, given))
    text, changes = _edited(data, report, given)
    if changes and not dry_run:
        encoding = "utf-8-sig" if data.read_bytes().startswith(codecs.BOM_UTF8) else "utf-8"
        write_all({data: lambda temp: _write_checked(temp, data, text, encoding)})
    units = tuple(
        (state.unit, FILLED if returned.get(state.unit) else BLANK if state.unit in returned else NOT_RETURNED, len(state.filled), len(state.empty))
        for state in collection_state(merged)
    )
    return Merged(data, tuple(changes), cautions, tuple(notes), units, bool(changes) and not dry_run)


# -- who answered ---------------------------------------------------------------------------

BLANK_RECORD = ".blank-forms.json"  # beside the forms collect wrote: the fingerprint of each


def blank_fingerprints(folders: set[Path]) -> set[str]:
    """The fingerprints of the blank forms collect wrote into these folders."""
    found: set[str] = set()
    for folder in folders:
        try:
            record = folder / BLANK_RECORD
            if record.is_file() and record.stat().st_size < 1_000_000:
                listed = json.loads(record.read_text(encoding="utf-8"))
                if isinstance(listed, list):
                    found.update(item for item in listed if isinstance(item, str))
        except (OSError, ValueError):
            continue
    return found


def _fingerprint(path: Path) -> str:
    """The sha256 of a form file; "" for what cannot be a blank form (too large, not a regular
    file: a FIFO must not block here, layout.read refuses it with the reason)."""
    try:
        return hashlib.sha256(incoming.read_bytes(path, "填报表", _LARGEST_FORM)).hexdigest()
    except DataError:
        return ""


def record_blanks(folder: Path, forms: list[Path]) -> None:
    """Note the fingerprints of blank forms just written, so that merge knows them unanswered
    wherever they lie later (kept with those of earlier runs: an old blank is still a blank)."""
    fingerprints = sorted(blank_fingerprints({folder}) | {_fingerprint(path) for path in forms} - {""})
    write_all({folder / BLANK_RECORD: lambda path: path.write_text(json.dumps(fingerprints, indent=0), encoding="utf-8")})


_CELLS_LOOKED_AT = 100_000  # cells of the other sheets read for numbers, at most


def _numbers_elsewhere(form: layout.Returned) -> list[str]:
    """Sheets a unit added to its form (or typed into) that hold numbers: they are not merged,
    and the clerk should know they are there."""
    from openpyxl import load_workbook

    found = []
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            book = load_workbook(form.path, read_only=True, data_only=True)
    except Exception:  # layout.read opened it already; a second look is only for this report
        return []
    try:
        looked = 0
        for sheet in book.worksheets:
            if sheet.title == form.sheet or sheet.sheet_state != "visible":
                continue
            count = 0
            for row in sheet.iter_rows(values_only=True):
                looked += max(len(row), 1)  # an empty row of a far-off cell counts too
                count += sum(isinstance(cell, (int, float)) and not isinstance(cell, bool) for cell in row)
                if looked > _CELLS_LOOKED_AT:
                    break
            if count:
                found.append(f"{form.path} 的工作表“{sheet.title}”中有 {count} 个数字，不是填报表的一部分，没有合并；"
                             f"要填报的数字请填在工作表“{form.sheet}”的“{layout.VALUE}”一栏")
    finally:
        book.close()
    return found


def _form_paths(inputs: list[Path]) -> tuple[list[Path], list[str]]:
    """The files to read: those named, and the .xlsx files of the folders named."""
    paths: list[Path] = []
    notes: list[str] = []
    for item in inputs:
        if item.is_dir():
            for path in sorted(item.iterdir()):
                if path.name.startswith(("~$", ".")):  # Excel's and LibreOffice's lock files
                    continue
                if path.suffix.lower() == ".xlsx":
                    paths.append(path)
                elif path.suffix.lower() in _SPREADSHEETS:
                    notes.append(f"跳过 {path}：只能合并 .xlsx 填报表，请在 WPS/Excel 中另存为 .xlsx")
        elif not item.exists():
            raise DataError(None, f"{item}：文件或文件夹不存在")
        else:
            paths.append(item)
    unique = list({path.resolve(): path for path in paths}.values())
    if not unique:
        raise DataError(None, f"没有找到要合并的填报表（.xlsx 文件）：{'、'.join(str(i) for i in inputs)}")
    return unique, notes


def _foreign(form: layout.Returned, data: Path, report: Report) -> str:
    """Why a form cannot go into this data file, or ""."""
    meta, identity = report.meta, form.identity
    if (identity.issuer, identity.region) != (meta.issuer, meta.region):
        return f"{form.path} 是“{identity.title or identity.issuer}”的填报表，不属于本报告（{meta.issuer}），未合并"
    if identity.year != meta.year:
        return f"{form.path} 是{identity.year}年度的填报表，而 {data} 是{meta.year}年度的数据，未合并"
    return ""


# -- reading a cell as the clerk meant it ----------------------------------------------------

def read_number(answer: layout.Answer, figure: Figure) -> Decimal | None:
    """The value a 本年数值 cell gives, None when it is empty; ValueError says why it is no value."""
    raw, percent = answer.value, is_percent(figure)
    if raw is None:
        return None
    if isinstance(raw, (datetime.date, datetime.time, datetime.timedelta)):
        raise ValueError("被表格软件识别成了日期或时间；请把单元格格式设为“常规”，再重新填写数字")
    if isinstance(raw, (int, float)) and not isinstance(raw, bool) and (isinstance(raw, int) or math.isfinite(raw)):
        number = Decimal(repr(raw)) if isinstance(raw, float) else Decimal(raw)
        if "%" in _QUOTED.sub("", answer.number_format):  # Excel keeps 98.5% as 0.985
            number *= 100
            if not percent:
                raise ValueError(f"填成了百分数（{_plain(number)}%），但这一项的单位是“{figure.unit}”；请填写数字")
    elif isinstance(raw, str):
        parsed = _from_text(raw, figure, percent)
        if parsed is None:
            return None
        number = parsed
    else:
        raise ValueError(f"“{_shortened(raw)}”不是数字，请只填阿拉伯数字（如 1020）")
    if not number.is_finite() or abs(number) >= _TOO_LARGE:
        raise ValueError(f"“{_shortened(raw)}”不是合理的数值（超过 {_TOO_LARGE:,} 的上限）；请只填阿拉伯数字，如 1020")
    number = _tidy(number)
    if percent and not figure.over_100 and not 0 <= number <= 100:
        raise ValueError(f"百分数 {_plain(number)} 不在 0 至 100 之间；只填数值，如 98.5")
    return number


def _from_text(raw: str, figure: Figure, percent: bool) -> Decimal | None:
    """A number written as text: full-width digits, thousands separators, a % or the unit."""
    shown = _shortened(raw.strip())
    text = re.sub(r"\s+", "", unicodedata.normalize("NFKC", raw))
    if not text:
        return None
    unit = re.sub(r"\s+", "", unicodedata.normalize("NFKC", figure.unit))
    if text.endswith("%"):
        if not percent:
            raise ValueError(f"“{shown}”是百分数，但这一项的单位是“{figure.unit}”；请填写数字")
        text = text[:-1]
    elif unit and not percent and text.endswith(unit):
        text = text[: -len(unit)]
    if _GROUPED.fullmatch(text):
        text = text.replace(",", "")
    if not _PLAIN.fullmatch(text):
        if "," in text and _PLAIN.fullmatch(text.replace(",", "")):
            raise ValueError(f"“{shown}”不是数字：逗号应三位一个（如 1,020），也可以不写逗号")
        raise ValueError(f"“{shown}”不是数字，请只填阿拉伯数字（如 1020）；暂时没有数的请留空")
    return Decimal(text)


def _shortened(raw: object) -> str:
    """A cell's content for a message: a long one cut, its length said."""
    text = str(raw)
    return text if len(text) <= 20 else f"{text[:8]}…（共 {len(text)} 个字符）"


def _tidy(number: Decimal) -> Decimal:
    """Without float noise (0.30000000000000004) and trailing zeros; 0, never -0."""
    exponent = number.as_tuple().exponent
    if isinstance(exponent, int) and exponent < -10:
        number = number.quantize(Decimal("1e-10"))
    return number.normalize() if number else Decimal(0)


def _plain(number: Decimal) -> str:
    """1E+2 → 100, 98.50 → 98.5: how a number is written in YAML and in messages."""
    return format(number.normalize(), "f") if number else "0"


def _number(number: Decimal) -> int | float:
    return int(number) if number == number.to_integral_value() else float(number)


# -- warnings --------------------------------------------------------------------------------

def _warnings(merged: Report, given: dict[str, Given]) -> list[str]:
    """What deserves a call to the unit before the report goes round."""
    found: list[str] = []
    figures = merged.figures
    try:
        values = {name: v.value for name, v in evaluate(figures, merged.meta.year).items()}
    except DataError as error:
        found.append(f"合并后的数字无法计算：{error.message}；生成报告前请改正")
        values = {name: f.value for name, f in figures.items()}

    def shown(name: str) -> str:
        figure, value = figures[name], values.get(name)
        return "未填" if value is None else f"{format_number(value, figure.precision if figure.formula else None)}{'%' if is_percent(figure) else figure.unit}"

    def where(name: str) -> str:
        return f"{given[name].place} {name}" if name in given else f"数据文件中的{name}"

    for name, item in given.items():
        figure, value = figures[name], _number(item.value)
        last = figure.last_year if figure.last_year is not None else _last(item.answer.last)
        if last and abs(value - last) > abs(last) / 2:
            unit = "%" if is_percent(figure) else figure.unit
            found.append(f"{item.place} {name}：{shown(name)}，上年为{format_number(last, None)}{unit}，"
                         f"变化{(value - last) / abs(last) * 100:+.1f}%，超过一半，请与填报单位核实")
    for name, figure in figures.items():
        if figure.at_most and figure.at_most in figures and {name, figure.at_most} & given.keys():
            part, whole = values.get(name), values.get(figure.at_most)
            if part is not None and whole is not None and part > whole:
                found.append(f"{where(name)}：{shown(name)}，超过了{figure.at_most}（{shown(figure.at_most)}），部分不应大于整体，请核实")
        if figure.counts is not None and figure.value is not None and ({name, *re.findall(r"\w+", figure.counts.template)} & given.keys()):
            try:
                computed = compute(figure.counts, name, lambda other: values.get(other), figures)
            except DataError:
                continue
            if computed is None:
                continue
            computed *= 100 if is_percent(figure) else 1
            decimals = figure.precision if figure.precision is not None else max(0, -int(Decimal(repr(figure.value)).normalize().as_tuple().exponent))
            if abs(computed - figure.value) > 0.5 * 10 ** -decimals + 1e-9:
                found.append(f"{where(name)}：填报为{shown(name)}，但按 {figure.counts.template.strip()} 计算为"
                             f"{computed:.{decimals}f}{'%' if is_percent(figure) else figure.unit}，二者不符，请核实")
    return found


def _last(cell: object) -> int | float | None:
    """上年数值 as the form shows it, for figures whose data has no last_year."""
    return cell if isinstance(cell, (int, float)) and not isinstance(cell, bool) else None


# -- writing the data file -------------------------------------------------------------------

def _edited(path: Path, report: Report, given: dict[str, Given]) -> tuple[str, list[Change]]:
    """The data file's text with each new value put in place, and the changes made."""
    source, root = yamlsource.read(path)
    top = {key.value: value for key, value in root.value} if isinstance(root, MappingNode) else {}
    nodes = {key.value: value for key, value in top["figures"].value} if isinstance(top.get("figures"), MappingNode) else {}
    edits: list[tuple[int, int, str]] = []
    changes: list[Change] = []
    for name, item in given.items():
        if name not in nodes:
            raise DataError(None, f"{path} 在合并过程中被改动过，请重新运行 merge")
        figure, node, new = report.figures[name], nodes[name], _plain(item.value)
        if figure.value is not None and Decimal(repr(figure.value)) == item.value:
            continue
        edits.append(yamledit.figure_value(node, new, "\r\n" if "\r\n" in source.text else "\n"))
        unit = "%" if is_percent(figure) else figure.unit
        changes.append(Change(name, source.location_of(node.start_mark.index).line, figure.value, new, unit, item))
    return yamledit.apply(source.text, edits), sorted(changes, key=lambda change: change.line)


def _write_checked(temp: Path, data: Path, text: str, encoding: str) -> None:
    """Write the new text and make sure it still loads before it replaces the data file."""
    temp.write_text(text, encoding=encoding, newline="")
    try:
        load(temp)
    except DataError as error:  # name the data file: the temporary file is gone when this is read
        location = error.location and Location(data, error.location.line, error.location.column)
        raise DataError(location, f"合并后的数据文件无法读取，未作改动：{error.message}") from None
