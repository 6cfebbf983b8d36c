"""The 填报表 workbook: what `collect` writes and `merge` reads back.

One visible sheet with a heading and one row per figure; only 本年数值 and 说明 are editable.
Each row carries its figure's name in a hidden column, and a hidden sheet names the report, the
year and the unit, so a form is recognised whatever its file is called and however its rows are
ordered. Reading goes by header text, not by position, so a form that went through WPS or
LibreOffice and came back with its columns moved still reads.
"""
from __future__ import annotations

import datetime
import io
import re
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from openpyxl import Workbook, load_workbook
from openpyxl.cell.cell import Cell
from openpyxl.styles import Alignment, Border, Font, PatternFill, Protection, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.protection import SheetProtection
from openpyxl.worksheet.worksheet import Worksheet

from generator import incoming
from generator.commands.forms import FORMULA_STARTS
from generator.errors import DataError

KIND = "fazhi-report-form"  # marks a workbook as one of ours
VERSION = 1
DATA_SHEET = "数据填报"
INFO_SHEET = "填报信息"
NAME, LABEL, UNIT, LAST, VALUE, NOTE, KEY = "名称", "指标说明", "单位", "上年数值", "本年数值", "说明", "编号"
COLUMNS = (NAME, LABEL, UNIT, LAST, VALUE, NOTE, KEY)
WIDTHS = (20, 44, 9, 12, 14, 32, 20)
HEADER_ROW = 5
# Characters Windows and WPS refuse in file names.
_UNSAFE = re.compile(r'[\\/:*?"<>|\x00-\x1f]')
_FONT = "宋体"
_INPUT_FILL = PatternFill("solid", fgColor="FFF2CC")
_HEADER_FILL = PatternFill("solid", fgColor="D9D9D9")
_THIN = Side(style="thin", color="808080")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_LIMIT = "999999999999"  # "a number" for Excel's decimal validation, which needs bounds


@dataclass(frozen=True)
class Identity:
    """Which report, year and unit a form belongs to (the hidden sheet)."""

    issuer: str
    region: str
    year: int
    unit: str
    title: str = ""
    data_file: str = ""


@dataclass(frozen=True)
class Question:
    """One row of a form: a figure the unit is asked for."""

    name: str
    label: str
    unit: str
    last: int | float | None
    percent: bool
    over_100: bool


@dataclass(frozen=True)
class Answer:
    """One row as it came back: the raw cell contents, and where they are."""

    name: str
    row: int
    cell: str  # coordinate of the 本年数值 cell, E7
    value: object  # what the cell holds: None, a number, a text, a date…
    number_format: str
    last: object  # the 上年数值 cell
    note: str


@dataclass(frozen=True)
class Returned:
    path: Path
    identity: Identity
    sheet: str
    answers: tuple[Answer, ...]

    def place(self, answer: Answer) -> str:
        """Where a clerk finds a cell: 区司法局.xlsx 第7行 本年数值（工作表“数据填报”E7）."""
        return f"{self.path} 第{answer.row}行 {VALUE}（工作表“{self.sheet}”{answer.cell}）"


def file_name(year: int, unit: str) -> str:
    return f"{year}年法治政府建设数据填报表-{_UNSAFE.sub('_', unit)}.xlsx"


# -- writing ---------------------------------------------------------------------------------

def write(path: Path, identity: Identity, questions: list[Question]) -> None:
    """Write one unit's form."""
    book = Workbook()
    sheet = book.active
    assert isinstance(sheet, Worksheet)
    sheet.title = DATA_SHEET
    _heading(sheet, identity)
    _table(sheet, identity, questions)
    _info_sheet(book.create_sheet(INFO_SHEET), identity)
    book.properties.title = f"{identity.year}年法治政府建设数据填报表（{identity.unit}）"
    book.properties.creator = identity.issuer
    book.save(path)


def _heading(sheet: Worksheet, identity: Identity) -> None:
    last_column = COLUMNS.index(NOTE) + 1
    lines = (
        (f"{identity.year}年法治政府建设数据填报表", Font(name=_FONT, size=16, bold=True), 30),
        (f"报告：{identity.title}", Font(name=_FONT, size=11), 20),
        (f"填报单位：{identity.unit}　　所属年度：{identity.year}年", Font(name=_FONT, size=11, bold=True), 20),
        (f"请在浅黄色的“{VALUE}”列填写{identity.year}年的数字：只填阿拉伯数字，不带单位，百分数只填数值（如 98.5）；"
         f"暂时没有数的留空，没有发生的填 0。“{NOTE}”列可写统计口径或备注。其余单元格已锁定；文件名可以改，请勿增删行列。",
         Font(name=_FONT, size=10, color="595959"), 44),
    )
    for row, (text, font, height) in enumerate(lines, 1):
        sheet.merge_cells(start_row=row, start_column=1, end_row=row, end_column=last_column)
        cell = _put(sheet, row, 1, text)
        cell.font = font
        cell.alignment = Alignment(horizontal="center" if row == 1 else "left", vertical="center", wrap_text=True)
        sheet.row_dimensions[row].height = height


def _table(sheet: Worksheet, identity: Identity, questions: list[Question]) -> None:
    for column, (title, width) in enumerate(zip(COLUMNS, WIDTHS), 1):
        cell = _put(sheet, HEADER_ROW, column, title)
        cell.font = Font(name=_FONT, size=11, bold=True)
        cell.fill = _HEADER_FILL
        cell.border = _BORDER
        cell.alignment = Alignment(horizontal="center", vertical="center")
        sheet.column_dimensions[cell.column_letter].width = width
    sheet.column_dimensions[sheet.cell(HEADER_ROW, COLUMNS.index(KEY) + 1).column_letter].hidden = True
    percent = _validation(identity, "0", "100", "填写百分数的数值，0 至 100，如 98.5（不带 %）；暂时没有数的留空。")
    number = _validation(identity, f"-{_LIMIT}", _LIMIT, "填写阿拉伯数字，不带单位，如 1020；暂时没有数的留空，没有发生的填 0。")
    for row, question in enumerate(questions, HEADER_ROW + 1):
        cells = (question.name, question.label, "%" if question.percent else question.unit, question.last, None, None, question.name)
        for column, (title, content) in enumerate(zip(COLUMNS, cells), 1):
            cell = _put(sheet, row, column, content)
            cell.font = Font(name=_FONT, size=11)
            cell.border = _BORDER
            cell.alignment = Alignment(vertical="center", wrap_text=title in (LABEL, NOTE))
            if title in (VALUE, NOTE):
                cell.protection = Protection(locked=False)
                cell.fill = _INPUT_FILL
        sheet.row_dimensions[row].height = 20
        (percent if question.percent and not question.over_100 else number).add(sheet.cell(row, COLUMNS.index(VALUE) + 1).coordinate)
    for validation in (percent, number):
        if validation.sqref:
            sheet.add_data_validation(validation)
    sheet.freeze_panes = sheet.cell(HEADER_ROW + 1, 1)
    sheet.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW}"
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth, sheet.page_setup.fitToHeight = 1, 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.protection = SheetProtection(sheet=True, formatColumns=False, formatRows=False, formatCells=False)


def _put(sheet: Worksheet, row: int, column: int, content: object) -> Cell:
    """A cell holding `content` as it is: a text is stored as text (openpyxl would store a text
    beginning with "=" as a formula, which a recipient's spreadsheet would run), and marked with
    Excel's quote prefix, so that editing it does not make it a formula either."""
    cell = sheet.cell(row, column)
    cell.value = content
    if isinstance(content, str):
        cell.data_type = "s"
        cell.quotePrefix = content[:1] in FORMULA_STARTS
    return cell


def _validation(identity: Identity, low: str, high: str, prompt: str) -> DataValidation:
    """Excel and WPS show the prompt on entering the cell and refuse anything else with the error."""
    return DataValidation(
        type="decimal", operator="between", formula1=low, formula2=high, allow_blank=True,
        showInputMessage=True, promptTitle=f"{identity.year}年数值", prompt=prompt,
        showErrorMessage=True, errorStyle="stop", errorTitle="请填写数字",
        error=f"这里只能填数字：{prompt}",
    )


def _info_sheet(sheet: Worksheet, identity: Identity) -> None:
    rows = (
        ("kind", KIND, "本工作表供程序识别填报表，请勿修改"),
        ("version", VERSION, ""),
        ("issuer", identity.issuer, "报告的发文机关"),
        ("region", identity.region, ""),
        ("year", identity.year, "所属年度"),
        ("unit", identity.unit, "填报单位"),
        ("title", identity.title, ""),
        ("data_file", identity.data_file, "生成本表的数据文件"),
        ("created", datetime.datetime.now().replace(microsecond=0).isoformat(sep=" "), ""),
    )
    for number, row in enumerate(rows, 1):
        for column, content in enumerate(row, 1):
            _put(sheet, number, column, content)
    sheet.sheet_state = "hidden"
    sheet.protection = SheetProtection(sheet=True)


# -- reading ---------------------------------------------------------------------------------

def read(path: Path) -> Returned:
    """A returned form, or a DataError naming the file when it is not one of ours.

    The workbook is checked as a zip (sizes inflated against a budget, no encryption) before
    openpyxl sees it, then streamed (read-only mode): only the rows and columns a form can have
    are looked at, so a cell written at row 1,048,576 costs nothing."""
    raw = incoming.read_bytes(path, "填报表", MAX_FORM_BYTES)
    archive = incoming.Archive(path, raw, "填报表")
    for name in sorted(archive.names):
        archive.read(name)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # openpyxl warns of extensions other programs add
            book = load_workbook(io.BytesIO(raw), read_only=True, data_only=True)
            try:
                sheets = [_Sheet(sheet.title, sheet.sheet_state, _rows(path, sheet)) for sheet in book.worksheets]
            finally:
                book.close()
    except (MemoryError, DataError):
        raise
    except Exception:  # openpyxl's many ways of failing on a broken workbook (KeyError, TypeError, lxml's …)
        raise DataError(None, f"{path}：无法作为 .xlsx 文件打开；如是 .xls 或 .et 文件，请在 WPS/Excel 中另存为 .xlsx 后再合并") from None
    identity = _identity(path, sheets)
    for sheet in sheets:
        if sheet.state == "visible" and (header := _header(sheet)) is not None:
            row, columns = header
            return Returned(path, identity, sheet.title, tuple(_answers(sheet, row, columns)))
    raise DataError(None, f"{path}：找不到表头含“{VALUE}”的工作表，无法读取填报的数字")


MAX_FORM_BYTES = 5 * 1024 * 1024  # a form is about 8 KB
MAX_COLUMNS = 30  # a form has 7; a moved column stays within this
_HEADER_ROWS = 30


@dataclass(frozen=True)
class _Cell:
    value: object
    number_format: str


@dataclass(frozen=True)
class _Sheet:
    title: str
    state: str
    rows: list[tuple[_Cell, ...]]  # the first rows only, each MAX_COLUMNS cells


def _rows(path: Path, sheet: Any) -> list[tuple[_Cell, ...]]:
    """The rows a form can have: its heading, the header and one row per figure, at most; a
    value in the row after those is refused (the rows further down are never parsed)."""
    last = _HEADER_ROWS + incoming.CAPS["rows"][0]
    rows = [tuple(_Cell(cell.value, str(getattr(cell, "number_format", "") or "")) for cell in row)
            for row in sheet.iter_rows(min_row=1, max_row=last + 1, min_col=1, max_col=MAX_COLUMNS)]
    if len(rows) > last and any(cell.value is not None for cell in rows[last]):
        incoming.check_count(path, "rows", len(rows), f"工作表“{sheet.title}”至少有")
    return rows[:last]


def _identity(path: Path, sheets: list[_Sheet]) -> Identity:
    for sheet in sheets:
        fields = {str(row[0].value).strip(): row[1].value for row in sheet.rows if row[0].value is not None}
        if fields.get("kind") != KIND:
            continue
        try:
            year = str(fields.get("year"))
            if not year.isascii() or not year.isdigit() or len(year) != 4:
                break
            return Identity(
                issuer=_text(fields.get("issuer")), region=_text(fields.get("region")), year=int(year),
                unit=_text(fields.get("unit")), title=_text(fields.get("title")), data_file=_text(fields.get("data_file")),
            )
        except ValueError:
            break
    raise DataError(None, f"{path}：不是本工具生成的数据填报表（没有完好的“{INFO_SHEET}”隐藏工作表），未合并")


def _header(sheet: _Sheet) -> tuple[int, dict[str, int]] | None:
    """The header row and the column of each title, found by their text."""
    for number, row in enumerate(sheet.rows[:_HEADER_ROWS], 1):
        titles: dict[str, int] = {_text(cell.value): column for column, cell in enumerate(row, 1) if isinstance(cell.value, str)}
        if VALUE in titles and (KEY in titles or NAME in titles):
            return number, titles
    return None


def _answers(sheet: _Sheet, header_row: int, columns: dict[str, int]) -> list[Answer]:
    answers = []
    key_column = columns.get(KEY, columns.get(NAME, 0))
    for row, cells in enumerate(sheet.rows[header_row:], header_row + 1):
        name = _text(cells[key_column - 1].value)
        if not name:
            continue
        value = cells[columns[VALUE] - 1]
        answers.append(Answer(
            name=name, row=row, cell=f"{get_column_letter(columns[VALUE])}{row}", value=value.value, number_format=value.number_format,
            last=cells[columns[LAST] - 1].value if LAST in columns else None,
            note=_text(cells[columns[NOTE] - 1].value) if NOTE in columns else "",
        ))
    return answers


def _text(value: object) -> str:
    return "" if value is None else str(value).strip()
