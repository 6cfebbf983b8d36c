"""Figures come in: `collect` writes a form for each unit, `merge` puts the answers into the data."""
from __future__ import annotations

import csv
import datetime
import re
import shutil
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook

from generator.cli import main
from generator.commands.forms import layout
from generator.commands.forms.merge import read_number
from generator.commands.forms.units import collection_state
from generator.errors import Location
from generator.pipeline.loader import load
from generator.pipeline.model import Figure

from .helpers import SAMPLE, libreoffice_save

# The draft of 2025 with three reporting units, one figure in block style, comments, an
# `at_most` and a stated rate with `counts`.
EDITS = (
    ("  行政复议办结: {last_year: 217, unit: 件, label: 办结行政复议案件}",
     "  行政复议办结: {last_year: 217, unit: 件, from: 区司法局, label: 办结行政复议案件}  # 每年1月由区司法局报送"),
    ("  复议按期办结率: {last_year: 100, unit: \"%\",", "  复议按期办结率: {last_year: 100, unit: \"%\", from: 区司法局,"),
    ("  行政诉讼发案: {last_year: 139, unit: 件, label: 行政诉讼发案数}",
     "  行政诉讼发案:\n    # 区法院行政庭统计\n    last_year: 139\n    unit: 件\n    from: 区法院\n    label: 行政诉讼发案数"),
    ("  行政诉讼审结: {last_year: 130, unit: 件,", "  行政诉讼审结: {last_year: 130, unit: 件, from: 区法院,"),
    ("  行政诉讼败诉: {last_year: 7, unit: 件,", "  行政诉讼败诉: {last_year: 7, unit: 件, from: 区法院,"),
    ("  调处矛盾纠纷: {last_year: 2068, unit: 起,", "  调处矛盾纠纷: {last_year: 2068, unit: 起, from: 区司法局,"),
    ("  调解成功: {last_year: 2026, unit: 起,", "  调解成功: {last_year: 2026, unit: 起, from: 区司法局, at_most: 调处矛盾纠纷,"),
    ("  枫桥式司法所:",
     "  调解率: {last_year: 98, unit: \"%\", precision: 0, counts: 调解成功 / 调处矛盾纠纷, from: 区司法局, label: 矛盾纠纷调解率}\n  枫桥式司法所:"),
)
OFFICE, JUSTICE, COURT = "宛城区人民政府", "区司法局", "区法院"
KEY = layout.COLUMNS.index(layout.KEY) + 1
VALUE = layout.COLUMNS.index(layout.VALUE) + 1
NOTE = layout.COLUMNS.index(layout.NOTE) + 1


@pytest.fixture
def data(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    """data/2025.yaml drafted from the sample, with the units of EDITS."""
    folder = tmp_path / "data"
    folder.mkdir()
    shutil.copy(SAMPLE, folder / "2024.yaml")
    assert main(["draft", "2025", "--data-dir", str(folder)]) == 0
    path = folder / "2025.yaml"
    text = path.read_text(encoding="utf-8")
    for old, new in EDITS:
        assert text.count(old) == 1, old
        text = text.replace(old, new)
    path.write_text(text, encoding="utf-8")
    capsys.readouterr()
    return path


@pytest.fixture
def forms(data: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    folder = tmp_path / "forms"
    assert main(["collect", str(data), "-o", str(folder)]) == 0
    capsys.readouterr()
    return folder


def form_of(folder: Path, unit: str) -> Path:
    return folder / f"2025年法治政府建设数据填报表-{unit}.xlsx"


def rows_of(path: Path) -> dict[str, int]:
    sheet = load_workbook(path)[layout.DATA_SHEET]
    return {sheet.cell(row, KEY).value: row for row in range(layout.HEADER_ROW + 1, sheet.max_row + 1)}


def answer(path: Path, values: dict[str, object], formats: dict[str, str] | None = None, notes: dict[str, str] | None = None) -> None:
    """What a unit's clerk does in Excel: type into 本年数值 (and 说明), save."""
    book = load_workbook(path)
    sheet = book[layout.DATA_SHEET]
    rows = {sheet.cell(row, KEY).value: row for row in range(layout.HEADER_ROW + 1, sheet.max_row + 1)}
    for name, value in values.items():
        cell = sheet.cell(rows[name], VALUE)
        cell.value = value
        if formats and name in formats:
            cell.number_format = formats[name]
    for name, note in (notes or {}).items():
        sheet.cell(rows[name], NOTE).value = note
    book.save(path)


def last_year_values(path: Path) -> dict[str, object]:
    """Every row answered with last year's value: a year without surprises."""
    sheet = load_workbook(path)[layout.DATA_SHEET]
    return {sheet.cell(row, KEY).value: sheet.cell(row, VALUE - 1).value for row in range(layout.HEADER_ROW + 1, sheet.max_row + 1)}


def merge(capsys: pytest.CaptureFixture[str], data: Path, *forms: Path, dry_run: bool = False) -> tuple[int, str, str]:
    status = main(["merge", str(data), *map(str, forms), *(["--dry-run"] if dry_run else [])])
    out, err = capsys.readouterr()
    return status, out, err


def libreoffice_round_trip(path: Path, tmp_path: Path) -> Path:
    """Open and save the file in LibreOffice Calc, as a unit using it would."""
    return libreoffice_save([path], tmp_path, "xlsx:Calc Office Open XML", "libreoffice-calc-nogui")[path.stem]


# -- collect ---------------------------------------------------------------------------------

def test_collect_writes_one_form_per_unit_and_the_list_of_units(data, tmp_path, capsys):
    folder = tmp_path / "forms"
    assert main(["collect", str(data), "-o", str(folder)]) == 0
    out = capsys.readouterr().out
    assert sorted(p.name for p in folder.iterdir() if p.name != ".blank-forms.json") == sorted(
        [form_of(folder, unit).name for unit in (OFFICE, JUSTICE, COURT)] + ["2025年法治政府建设数据填报单位.csv"])
    assert "共 3 个单位、64 项数字" in out
    assert re.search(rf"{COURT}\s+3\s+{re.escape(str(form_of(folder, COURT)))}", out)
    raw = (folder / "2025年法治政府建设数据填报单位.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    assert list(csv.reader(raw.decode("utf-8-sig").splitlines())) == [
        ["填报单位", "数字个数", "填报表"],
        [OFFICE, "56", form_of(folder, OFFICE).name],
        [JUSTICE, "5", form_of(folder, JUSTICE).name],
        [COURT, "3", form_of(folder, COURT).name],
    ]


def test_a_form_has_a_heading_and_a_row_per_figure_with_last_year(forms):
    sheet = load_workbook(form_of(forms, JUSTICE))[layout.DATA_SHEET]
    heading = [sheet.cell(row, 1).value for row in range(1, layout.HEADER_ROW)]
    assert heading[0] == "2025年法治政府建设数据填报表"
    assert heading[1] == "报告：宛城区人民政府关于2025年法治政府建设情况的报告"
    assert heading[2] == f"填报单位：{JUSTICE}　　所属年度：2025年"
    rows = list(sheet.iter_rows(min_row=layout.HEADER_ROW, values_only=True))
    assert rows == [
        ("名称", "指标说明", "单位", "上年数值", "本年数值", "说明", "编号"),
        ("行政复议办结", "办结行政复议案件", "件", 217, None, None, "行政复议办结"),
        ("复议按期办结率", "行政复议法定期限内办结率、及时率", "%", 100, None, None, "复议按期办结率"),
        ("调处矛盾纠纷", "调处各类矛盾纠纷", "起", 2068, None, None, "调处矛盾纠纷"),
        ("调解成功", "矛盾纠纷调解成功", "起", 2026, None, None, "调解成功"),
        ("调解率", "矛盾纠纷调解率", "%", 98, None, None, "调解率"),
    ]


def test_computed_figures_are_not_asked_for(forms):
    asked = {name for unit in (OFFICE, JUSTICE, COURT) for name in rows_of(form_of(forms, unit))}
    assert "行政诉讼败诉率" not in asked and "调解成功率" not in asked
    assert len(asked) == 64


def test_only_the_input_cells_are_editable_and_validated(forms):
    book = load_workbook(form_of(forms, JUSTICE))
    sheet = book[layout.DATA_SHEET]
    assert sheet.protection.sheet and not sheet.protection.password
    for row in range(layout.HEADER_ROW + 1, sheet.max_row + 1):
        assert [sheet.cell(row, column).protection.locked for column in range(1, len(layout.COLUMNS) + 1)] == [
            True, True, True, True, False, False, True]
    assert sheet.cell(1, 1).protection.locked
    assert sheet.column_dimensions["G"].hidden
    info = book[layout.INFO_SHEET]
    assert info.sheet_state == "hidden"
    fields = {row[0]: row[1] for row in info.iter_rows(values_only=True)}
    assert (fields["kind"], fields["issuer"], fields["year"], fields["unit"]) == (layout.KIND, OFFICE, 2025, JUSTICE)
    validations = {str(v.sqref): v for v in sheet.data_validations.dataValidation}
    assert (validations["E7 E10"].formula1, validations["E7 E10"].formula2) == ("0", "100")  # the two percent rows
    assert "E6" in str(next(v.sqref for v in validations.values() if v.formula1 != "0"))
    for validation in validations.values():
        assert validation.type == "decimal" and validation.showErrorMessage and validation.showInputMessage
        # Excel refuses a file whose messages exceed these lengths
        assert len(validation.prompt) <= 255 and len(validation.error) <= 255
        assert len(validation.promptTitle) <= 32 and len(validation.errorTitle) <= 32
        assert re.search(r"[\u4e00-\u9fff]", validation.error)


def test_forms_pass_openxml_audit(forms):
    """No finding beyond two that every openpyxl workbook has and Excel reads without repair:
    inline strings (Excel moves them to a shared-string table on saving) and font properties in
    an order the standard allows (CT_Font is an unordered choice) but the SDK's schema does not."""
    openxml_audit = pytest.importorskip("openxml_audit")
    for unit in (OFFICE, JUSTICE, COURT):
        result = openxml_audit.OpenXmlValidator().validate(str(form_of(forms, unit)))
        findings = [str(error) for error in result.errors]
        assert [f for f in findings if "inline-string" not in f and not re.search(r"/fonts\[1\]/font\[\d+\]: Unexpected element", f)] == []


def test_last_year_comes_from_the_previous_data_file_without_last_year(data, tmp_path, capsys):
    text = data.read_text(encoding="utf-8").replace("行政复议办结: {last_year: 217,", "行政复议办结: {value: 230,")
    data.write_text(text, encoding="utf-8")
    assert main(["collect", str(data), "-o", str(tmp_path / "forms")]) == 0
    sheet = load_workbook(form_of(tmp_path / "forms", JUSTICE))[layout.DATA_SHEET]
    assert [sheet.cell(layout.HEADER_ROW + 1, column).value for column in (1, 4, 5)] == ["行政复议办结", 217, None]


def test_collect_never_overwrites_a_form_with_answers(data, forms, capsys):
    answer(form_of(forms, COURT), {"行政诉讼审结": 131})
    assert main(["collect", str(data), "-o", str(forms)]) == 2
    assert f"{form_of(forms, COURT)} 已存在，里面已有填报的内容" in capsys.readouterr().err
    assert load_workbook(form_of(forms, COURT))[layout.DATA_SHEET].cell(rows_of(form_of(forms, COURT))["行政诉讼审结"], VALUE).value == 131


# -- merge: the whole round ------------------------------------------------------------------

def test_filled_forms_merge_into_a_data_file_that_builds_without_placeholders(data, forms, tmp_path, capsys):
    before = data.read_text(encoding="utf-8")
    answer(form_of(forms, OFFICE), last_year_values(form_of(forms, OFFICE)) | {"网上办件": 310000, "不见面审批占比": 98.5})
    answer(form_of(forms, COURT), {"行政诉讼发案": 140, "行政诉讼审结": "131", "行政诉讼败诉": 6})
    # The 司法局 answers the way people type, then saves in LibreOffice Calc.
    answer(
        form_of(forms, JUSTICE),
        {"行政复议办结": "２３０", "复议按期办结率": 0.985, "调处矛盾纠纷": "2,070", "调解成功": "2030起", "调解率": "98%"},
        formats={"复议按期办结率": "0.0%"},
        notes={"行政复议办结": "含线上申请"},
    )
    returned = libreoffice_round_trip(form_of(forms, JUSTICE), tmp_path)
    renamed = tmp_path / "司法局交回.xlsx"
    shutil.move(returned, renamed)
    form_of(forms, JUSTICE).unlink()

    status, out, err = merge(capsys, data, renamed, form_of(forms, COURT), form_of(forms, OFFICE))
    assert (status, err) == (0, "")
    assert "警告" not in out
    assert f"提示：{renamed} 第6行 行政复议办结，说明：含线上申请" in out
    assert f"已写入 {data}：" in out
    assert "行政复议办结：填入 230件（表第6行 → 数据文件第" in out
    assert "填入 64 项，修改 0 项，仍有 0 项未填" in out
    assert re.search(rf"{JUSTICE}\s+已填\s+5\s+0", out)

    report = load(data)
    values = {name: figure.value for name, figure in report.figures.items() if figure.formula is None}
    assert None not in values.values()
    assert {name: values[name] for name in ("行政复议办结", "复议按期办结率", "调处矛盾纠纷", "调解成功", "调解率", "行政诉讼审结", "网上办件", "不见面审批占比")} == {
        "行政复议办结": 230, "复议按期办结率": 98.5, "调处矛盾纠纷": 2070, "调解成功": 2030, "调解率": 98,
        "行政诉讼审结": 131, "网上办件": 310000, "不见面审批占比": 98.5,
    }
    assert report.figures["行政复议办结"].last_year == 217

    after = data.read_text(encoding="utf-8")
    # Only `value: …` was added: taking it out gives back the file as it was, comments and all.
    assert re.sub(r"value: [-\d.]+(?:, |\n +)", "", after) == before
    assert "  行政复议办结: {value: 230, last_year: 217, unit: 件, from: 区司法局, label: 办结行政复议案件}  # 每年1月由区司法局报送" in after
    assert "  行政诉讼发案:\n    # 区法院行政庭统计\n    value: 140\n    last_year: 139\n" in after

    assert main(["build", str(data), "--format", "txt", "-o", str(tmp_path / "out")]) == 0
    capsys.readouterr()
    body = (tmp_path / "out" / "宛城区人民政府关于2025年法治政府建设情况的报告.txt").read_text(encoding="utf-8")
    assert "待填" not in body
    assert "办结行政复议案件230件，法定期限内办结率、及时率均达98.5%" in body


def test_a_second_merge_changes_only_what_changed(data, forms, capsys):
    answer(form_of(forms, COURT), {"行政诉讼审结": 131})
    assert merge(capsys, data, form_of(forms, COURT))[0] == 0
    answer(form_of(forms, COURT), {"行政诉讼审结": 132, "行政诉讼败诉": 6})
    status, out, _ = merge(capsys, data, form_of(forms, COURT))
    assert status == 0
    assert "行政诉讼审结：改为 132件（原为 131件）" in out
    assert "行政诉讼败诉：填入 6件" in out
    assert "  行政诉讼审结: {value: 132, last_year: 130," in data.read_text(encoding="utf-8")


def test_a_file_saved_on_windows_keeps_its_line_ends_and_byte_order_mark(data, forms, capsys):
    windows = b"\xef\xbb\xbf" + data.read_bytes().replace(b"\n", b"\r\n")
    data.write_bytes(windows)
    answer(form_of(forms, COURT), {"行政诉讼发案": 140, "行政诉讼审结": 131})
    assert merge(capsys, data, form_of(forms, COURT))[0] == 0
    assert data.read_bytes() == windows.replace(b"    last_year: 139\r\n", "    value: 140\r\n    last_year: 139\r\n".encode()).replace(
        "行政诉讼审结: {last_year: 130".encode(), "行政诉讼审结: {value: 131, last_year: 130".encode())


def test_dry_run_shows_the_changes_and_writes_nothing(data, forms, capsys):
    before = data.read_bytes()
    answer(form_of(forms, COURT), {"行政诉讼审结": 131})
    status, out, _ = merge(capsys, data, form_of(forms, COURT), dry_run=True)
    assert status == 0
    assert f"将写入 {data}（试运行，未改动文件）：" in out
    assert "行政诉讼审结：填入 131件" in out
    assert data.read_bytes() == before


def test_the_table_says_who_returned_what(data, forms, capsys, tmp_path):
    """By content, not by place: the blank forms collect wrote lie in the folder beside the
    returned ones (and one is copied elsewhere under another name); they are 未交回. A form
    saved back with nothing in it is 空表."""
    answer(form_of(forms, COURT), {"行政诉讼审结": 131, "行政诉讼败诉": 6})
    saved = load_workbook(form_of(forms, JUSTICE))  # opened and saved by the unit, nothing filled
    saved.properties.lastModifiedBy = JUSTICE
    saved.save(form_of(forms, JUSTICE))
    elsewhere = tmp_path / "收到的表"
    elsewhere.mkdir()
    shutil.copy(form_of(forms, OFFICE), elsewhere / "办公室.xlsx")
    status, out, _ = merge(capsys, data, forms)  # a folder: every form in it, the blank ones too
    assert status == 0
    lines = [line.split() for line in out.splitlines()]
    assert ["填报单位", "交回情况", "已填", "未填"] in lines
    assert [COURT, "已填", "2", "1"] in lines
    assert [JUSTICE, "空表", "0", "5"] in lines
    assert [OFFICE, "未交回", "0", "56"] in lines
    status, out, _ = merge(capsys, data, elsewhere / "办公室.xlsx", form_of(forms, COURT))
    assert [OFFICE, "未交回", "0", "56"] in [line.split() for line in out.splitlines()]


def test_numbers_typed_into_a_sheet_of_the_units_own_are_named(data, forms, capsys):
    path = form_of(forms, COURT)
    answer(path, {"行政诉讼审结": 131})
    book = load_workbook(path)
    added = book.create_sheet("补充数据")
    added.append(["行政诉讼发案", 140])
    added.append(["行政诉讼败诉", 6])
    book.save(path)
    status, out, _ = merge(capsys, data, path)
    assert status == 0
    assert (f"警告：{path} 的工作表“补充数据”中有 2 个数字，不是填报表的一部分，没有合并；"
            f"要填报的数字请填在工作表“{layout.DATA_SHEET}”的“本年数值”一栏") in out.splitlines()
    assert "行政诉讼审结：填入 131件" in out


def test_collection_state_lists_each_units_filled_and_empty_figures(data, forms, capsys):
    answer(form_of(forms, COURT), {"行政诉讼发案": 140, "行政诉讼审结": 131, "行政诉讼败诉": 6})
    answer(form_of(forms, JUSTICE), {"行政复议办结": 230})
    assert merge(capsys, data, form_of(forms, COURT), form_of(forms, JUSTICE))[0] == 0
    states = {state.unit: state for state in collection_state(load(data))}
    assert list(states) == [OFFICE, JUSTICE, COURT]
    assert (states[COURT].status, states[COURT].empty) == ("已报齐", ())
    assert (states[JUSTICE].status, states[JUSTICE].filled) == ("部分填报", ("行政复议办结",))
    assert states[JUSTICE].empty == ("复议按期办结率", "调处矛盾纠纷", "调解成功", "调解率")
    assert (states[OFFICE].status, len(states[OFFICE].empty)) == ("未填报", 56)


def test_a_reordered_and_renamed_form_is_still_recognised(data, forms, tmp_path, capsys):
    path = form_of(forms, COURT)
    answer(path, {"行政诉讼发案": 140, "行政诉讼审结": 131, "行政诉讼败诉": 6})
    book = load_workbook(path)
    sheet = book[layout.DATA_SHEET]
    sheet.protection.sheet = False
    first, last = layout.HEADER_ROW + 1, sheet.max_row
    contents = [[sheet.cell(row, column).value for column in range(1, KEY + 1)] for row in range(first, last + 1)]
    for row, values in zip(range(first, last + 1), reversed(contents)):
        for column, value in enumerate(values, 1):
            sheet.cell(row, column).value = value
    sheet.title = "法院"
    renamed = tmp_path / "回执（法院）.xlsx"
    book.save(renamed)
    assert merge(capsys, data, renamed)[0] == 0
    figures = load(data).figures
    assert (figures["行政诉讼发案"].value, figures["行政诉讼审结"].value, figures["行政诉讼败诉"].value) == (140, 131, 6)


# -- merge: what it refuses ------------------------------------------------------------------

@pytest.mark.parametrize(("name", "typed", "says"), [
    ("行政复议办结", "约一千", "：“约一千”不是数字，请只填阿拉伯数字（如 1020）"),
    ("行政复议办结", "1,02", "：“1,02”不是数字：逗号应三位一个"),
    ("行政复议办结", datetime.datetime(2025, 3, 1), "：被表格软件识别成了日期或时间"),
    ("行政复议办结", "98%", "：“98%”是百分数，但这一项的单位是“件”"),
    ("复议按期办结率", 120, "：百分数 120 不在 0 至 100 之间"),
    ("调处矛盾纠纷", True, "：“True”不是数字"),
])
def test_a_value_that_cannot_be_one_stops_the_merge(data, forms, capsys, name, typed, says):
    before = data.read_bytes()
    answer(form_of(forms, COURT), {"行政诉讼审结": 131})  # a good form beside it is not merged either
    path = form_of(forms, JUSTICE)
    answer(path, {name: typed})
    status, out, err = merge(capsys, data, form_of(forms, COURT), path)
    assert (status, out) == (2, "")
    row = rows_of(path)[name]
    assert err.startswith(f"错误：{path} 第{row}行 本年数值（工作表“数据填报”E{row}）{says}")
    assert err.endswith("；数据文件未作任何改动\n") and len(err.splitlines()) == 1
    assert data.read_bytes() == before


def test_two_forms_giving_different_values_stop_the_merge(data, forms, tmp_path, capsys):
    answer(form_of(forms, COURT), {"行政诉讼审结": 131})
    copy = tmp_path / "区法院-修改后.xlsx"
    shutil.copy(form_of(forms, COURT), copy)
    answer(copy, {"行政诉讼审结": 133})
    status, _, err = merge(capsys, data, form_of(forms, COURT), copy)
    assert status == 2
    assert f"行政诉讼审结填为 133，而 {form_of(forms, COURT)} 第7行 填为 131；请只保留正确的一份" in err


def test_a_form_of_another_year_is_refused(data, tmp_path, capsys):
    assert main(["collect", str(data.parent / "2024.yaml"), "-o", str(tmp_path / "old")]) == 0
    old = tmp_path / "old" / f"2024年法治政府建设数据填报表-{OFFICE}.xlsx"
    answer(old, {"专题汇报": 4})
    before = data.read_bytes()
    status, _, err = merge(capsys, data, old)
    assert status == 2
    assert f"{old} 是2024年度的填报表，而 {data} 是2025年度的数据，未合并" in err
    assert data.read_bytes() == before


def test_a_form_of_another_report_is_refused(data, tmp_path, capsys):
    other = tmp_path / "other" / "2025.yaml"
    other.parent.mkdir()
    other.write_text(data.read_text(encoding="utf-8").replace("issuer: 宛城区人民政府", "issuer: 卧龙区人民政府"), encoding="utf-8")
    assert main(["collect", str(other), "-o", str(tmp_path / "other-forms")]) == 0
    form = tmp_path / "other-forms" / f"2025年法治政府建设数据填报表-{COURT}.xlsx"
    answer(form, {"行政诉讼审结": 131})
    status, _, err = merge(capsys, data, form)
    assert status == 2
    assert f"{form} 是“卧龙区人民政府关于2025年法治政府建设情况的报告”的填报表，不属于本报告（宛城区人民政府），未合并" in err


def test_a_workbook_that_is_no_form_is_refused(data, tmp_path, capsys):
    plain = tmp_path / "统计.xlsx"
    book = Workbook()
    book.active.append(("名称", "本年数值"))
    book.save(plain)
    status, _, err = merge(capsys, data, plain)
    assert status == 2
    assert f"{plain}：不是本工具生成的数据填报表" in err


# -- merge: what it warns of -----------------------------------------------------------------

@pytest.mark.parametrize(("values", "says"), [
    ({"调处矛盾纠纷": 2068, "调解成功": 2100}, "调解成功：2100起，超过了调处矛盾纠纷（2068起），部分不应大于整体，请核实"),
    ({"行政复议办结": 400}, "行政复议办结：400件，上年为217件，变化+84.3%，超过一半，请与填报单位核实"),
    ({"调处矛盾纠纷": 2068, "调解成功": 2026, "调解率": 90}, "调解率：填报为90%，但按 调解成功 / 调处矛盾纠纷 计算为98%，二者不符，请核实"),
])
def test_suspicious_values_are_merged_with_a_warning(data, forms, capsys, values, says):
    path = form_of(forms, JUSTICE)
    answer(path, values)
    status, out, _ = merge(capsys, data, path)
    assert status == 0
    warnings = [line for line in out.splitlines() if line.startswith("警告：")]
    assert len(warnings) == 1
    assert warnings[0].startswith(f"警告：{path} 第") and warnings[0].endswith(says)
    figures = load(data).figures
    assert {name: figures[name].value for name in values} == values


# -- reading a cell as the clerk meant it ----------------------------------------------------

@pytest.mark.parametrize(("cell", "number_format", "unit", "expected"), [
    (1020, "General", "件", "1020"),
    ("1020", "@", "件", "1020"),
    ("1,020", "General", "件", "1020"),
    ("１，０２０", "General", "件", "1020"),
    (" 1 020 ", "General", "件", "1020"),
    ("1020件", "General", "件", "1020"),
    ("98.5%", "General", "%", "98.5"),
    ("９８．５％", "General", "%", "98.5"),
    (0.985, "0.0%", "%", "98.5"),
    (98.50, "0.00", "%", "98.5"),
    (0.1 + 0.2, "General", "件", "0.3"),
    ("", "General", "件", None),
    (None, "General", "件", None),
])
def test_cells_are_read_as_the_clerk_meant_them(cell, number_format, unit, expected):
    figure = Figure("x", Location(Path("2025.yaml"), 1, 1), unit=unit)
    answer_ = layout.Answer("x", 6, "E6", cell, number_format, None, "")
    number = read_number(answer_, figure)
    assert (None if number is None else format(number, "f")) == expected
