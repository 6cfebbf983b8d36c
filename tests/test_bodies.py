"""Every kind of reporting body from the same engine: the kinds as data (templates/bodies.yaml and
an office's own bodies.yaml), a department's and a township's report through build, check, draft,
collect/merge and the county clerk's table, and the finer checklists of `check --menu`."""
from __future__ import annotations

import csv
import json
import subprocess
import zipfile
from pathlib import Path

import pytest
from openpyxl import load_workbook

from generator.commands.check import check
from generator.commands.forms import layout
from generator.config import bodies

from .helpers import SAMPLE, generator

FIXTURES = Path(__file__).resolve().parent / "fixtures"
DEPARTMENT = FIXTURES / "department-2024.yaml"
TOWNSHIP = FIXTURES / "township-2024.yaml"
REGULATION = ("举措成效", "不足原因", "第一责任人", "下年安排", "其他情况")


def copied(source: Path, folder: Path, text_edits: tuple[tuple[str, str], ...] = ()) -> Path:
    """The fixture as <year>.yaml in a folder of its own, edited."""
    folder.mkdir(parents=True, exist_ok=True)
    text = source.read_text(encoding="utf-8")
    for old, new in text_edits:
        assert text.count(old) == 1, old
        text = text.replace(old, new)
    path = folder / "2024.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def findings(path: Path) -> list[tuple[str, str, str]]:
    return [(f.rule, f.severity, f.message) for f in check(path)]


# -- the kinds as data -----------------------------------------------------------------------

def test_every_shipped_kind_reports_the_five_items_of_the_regulation():
    kinds = bodies.load()
    assert set(kinds) >= {"县级政府", "政府部门", "乡镇街道", "党委政府"}
    for name, kind in kinds.items():
        assert set(REGULATION) <= set(kind["items"]), name
        assert kind["items"]["其他情况"]["severity"] == "note"
    assert kind_items("政府部门") == ["举措成效", "不足原因", "第一责任人", "下年安排", "行政执法", "复议应诉", "普法责任", "其他情况"]
    assert str(bodies.due(kinds["政府部门"], "report", 2024)) == "2025-03-01"
    assert str(bodies.due(kinds["县级政府"], "publish", 2024)) == "2025-04-01"
    assert bodies.names(kinds["政府部门"], "某某县") == (
        ["中共某某县委员会", "某某县人民政府", "上一级人民政府有关部门"], ["中共某某县委全面依法治县委员会办公室"])


def kind_items(name: str) -> list[str]:
    return list(bodies.load()[name]["items"])


@pytest.mark.parametrize(("issuer", "kind"), [
    ("某某县市场监督管理局", "政府部门"),
    ("某某县发展和改革委员会", "政府部门"),
    ("某某镇人民政府", "乡镇街道"),
    ("某某街道办事处", "乡镇街道"),
    ("中共某某县委　某某县人民政府", "党委政府"),
    ("中共某某县委员会 某某县人民政府", "党委政府"),
    ("某某县人民政府", "县级政府"),
    ("宛城区人民政府", "县级政府"),
])
def test_the_kind_is_recognised_from_the_issuer(issuer, kind):
    assert bodies.recognise(issuer, bodies.load()) == kind


def test_an_office_extends_the_kinds_beside_its_data(tmp_path):
    path = copied(DEPARTMENT, tmp_path / "data", (("date: 2025-02-26\n  formal:", "date: 2025-02-24\n  formal:"),))
    assert "report-late" not in [rule for rule, _, _ in findings(path)]
    (tmp_path / "data" / "bodies.yaml").write_text(
        "政府部门:\n  deadlines: {report: 2月20日, publish: 4月1日}\n"
        "开发区:\n  extends: 县级政府\n  name: 开发区管理委员会\n  issuers: ['*开发区管理委员会']\n",
        encoding="utf-8",
    )
    assert ("report-late", "warning", "成文日期（落款日期）为2025年2月24日，晚于2025年2月20日") in findings(path)
    kinds = bodies.load(tmp_path / "data")
    assert kinds["开发区"]["items"] == kinds["县级政府"]["items"]
    assert bodies.recognise("某某经济技术开发区管理委员会", kinds) == "开发区"


@pytest.mark.parametrize(("written", "line", "column", "message"), [
    ("政府部门:\n  items:\n    行政执法: {severity: fatal}\n", 3, 22, "政府部门.items.行政执法.severity 应为 error、warning 或 note 之一，这里写的是“fatal”"),
    ("政府部门:\n  deadline: {report: 3月1日}\n", 2, 3, "政府部门中没有“deadline”这一项（是否想写“deadlines”？）"),
    ("政府部门:\n  deadlines: {report: 3-1, publish: 4月1日}\n", 2, 23, "政府部门.deadlines.report 应写成“3月1日”的形式（次年的月、日），这里写的是“3-1”"),
    ("新种类:\n  name: 某种主体\n", 2, 3, "新的主体种类“新种类”缺少 issuers；写全各项，或用 extends: 县级政府 从已有的种类改起"),
    ("开发区:\n  extends: 县政府\n", 2, 12, "开发区.extends 写的是“县政府”，但没有这种主体"),
])
def test_a_mistake_in_the_offices_kinds_is_one_located_line(tmp_path, written, line, column, message):
    path = copied(DEPARTMENT, tmp_path / "data")
    own = tmp_path / "data" / "bodies.yaml"
    own.write_text(written, encoding="utf-8")
    run = generator("check", str(path))
    assert run.returncode == 2
    assert run.stderr.startswith(f"错误：{own}:{line}:{column}：{message}")
    assert len(run.stderr.splitlines()) == 1


def test_meta_body_names_a_known_kind_and_covers_its_items(tmp_path):
    path = copied(DEPARTMENT, tmp_path / "a", (("body: 政府部门", "body: 部门"),))
    (finding,) = check(path)
    assert (finding.rule, finding.location.line) == ("schema", 6)
    assert finding.message.startswith("meta.body 应为以下之一：县级政府、政府部门、乡镇街道、党委政府，这里写的是文字“部门”")
    county = copied(DEPARTMENT, tmp_path / "b", (("  body: 政府部门\n", ""),))
    (finding,) = check(county)
    assert finding.rule == "schema"
    assert finding.message.startswith("covers 应为以下之一：举措成效、不足原因、第一责任人、下年安排、其他情况，这里写的是文字“行政执法”")


# -- a department's and a township's report ----------------------------------------------------

@pytest.mark.parametrize("fixture", [DEPARTMENT, TOWNSHIP])
def test_department_and_township_pass_check_with_their_own_items(fixture):
    assert check(fixture) == []


def test_a_department_without_its_own_items_is_told_which(tmp_path):
    path = copied(DEPARTMENT, tmp_path, (("        covers: 行政执法\n", ""), ("        covers: 普法责任\n", "")))
    assert [f for f in findings(path) if f[0] == "required-item"] == [
        ("required-item", "warning", "没有哪一节承担“严格规范公正文明执法：行政执法“三项制度”、执法人员持证、案卷评查和行政执法责任制落实情况”"),
        ("required-item", "warning", "没有哪一节承担“落实“谁执法谁普法”普法责任制情况”"),
    ]
    (titled,) = [f for f in check(path) if "普法" in f.message]
    assert titled.advice.startswith("“落实“谁执法谁普法”普法责任制”一节像是写这一项：给它加上 covers: 普法责任")
    assert titled.location.line == path.read_text(encoding="utf-8").splitlines().index("      - section: 落实“谁执法谁普法”普法责任制") + 1


def test_a_county_report_marked_as_a_department_lacks_the_departments_items(tmp_path):
    path = copied(SAMPLE, tmp_path, (("  year: 2024\n", "  year: 2024\n  body: 政府部门\n"),))
    missing = [message for rule, _, message in findings(path) if rule == "required-item"]
    assert "没有哪一节承担“行政复议、行政应诉和负责人出庭应诉情况”" in missing
    assert "没有哪一节承担“部门主要负责人履行推进法治建设第一责任人职责、加强本部门法治建设的有关情况”" not in missing  # covered


def test_a_department_signing_after_1_march_is_late(tmp_path):
    path = copied(DEPARTMENT, tmp_path, (("date: 2025-02-26\n  formal:", "date: 2025-03-10\n  formal:"), ("date: 2025-03-20", "date: 2025-04-08")))
    late = [f for f in check(path) if f.rule in ("report-late", "publication-late")]
    assert [(f.rule, f.message) for f in late] == [
        ("report-late", "成文日期（落款日期）为2025年3月10日，晚于2025年3月1日"),
        ("publication-late", "公开日期为2025年4月8日，晚于2025年4月1日"),
    ]
    assert late[0].advice.startswith("县级以上人民政府工作部门的报告应在次年3月1日前报送")
    # The same date is in time for a county government (3月31日).
    county = copied(SAMPLE, tmp_path / "county", (("    source: 南阳市宛城区\n", "    source: 南阳市宛城区\n  signature: {issuer: 宛城区人民政府, date: 2025-03-10}\n"),))
    assert "report-late" not in [rule for rule, _, _ in findings(county)]


def test_a_formal_edition_without_recipient_is_given_the_kinds_default(tmp_path):
    path = copied(DEPARTMENT, tmp_path, (("    recipient: 中共某某县委员会，某某县人民政府，某某市市场监督管理局：\n", ""),))
    (finding,) = [f for f in check(path) if f.rule == "recipient-missing"]
    assert finding.message == "正式公文没有写主送机关"
    assert "主送 recipient: 中共某某县委员会，某某县人民政府，上一级人民政府有关部门：" in finding.advice


def pdf_text(path: Path) -> str:
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout


@pytest.mark.parametrize(("fixture", "issuer", "mark"), [
    (DEPARTMENT, "某某县市场监督管理局", "某某县市场监督管理局文件"),
    (TOWNSHIP, "某某镇人民政府", "某某镇人民政府文件"),
])
def test_department_and_township_build_in_both_editions(tmp_path, fixture, issuer, mark):
    title = f"{issuer}关于2024年度法治政府建设情况的报告"
    for edition in ("web", "formal"):
        out = tmp_path / edition
        run = generator("build", str(fixture), "--format", "docx,pdf", "--edition", edition, "-o", str(out))
        assert run.returncode == 0, run.stderr
        suffix = "（正式公文）" if edition == "formal" else ""
        pdf = "".join(pdf_text(out / f"{title}{suffix}.pdf").split())
        with zipfile.ZipFile(out / f"{title}{suffix}.docx") as docx:
            xml = docx.read("word/document.xml").decode("utf-8")
        assert title in pdf
        assert ("抄送：中共某某县委全面依法治县委员会办公室" in pdf) == (edition == "formal")
        assert (mark in pdf) == (edition == "formal")
        assert (mark in xml) == (edition == "formal")
        assert "第一责任人职责" in pdf and "第一责任人职责" in xml


@pytest.mark.parametrize(("fixture", "kind", "to_fill"), [(DEPARTMENT, "政府部门", 24), (TOWNSHIP, "乡镇街道", 17)])
def test_draft_of_a_department_or_township_keeps_its_kind_and_its_items(tmp_path, fixture, kind, to_fill):
    folder = tmp_path / "data"
    copied(fixture, folder)
    run = generator("draft", "2025", "--data-dir", str(folder))
    assert run.returncode == 0, run.stderr
    assert f"{to_fill} 项数据待填" in run.stdout
    drafted = folder / "2025.yaml"
    assert f"  body: {kind}\n" in drafted.read_text(encoding="utf-8")
    rules = [f.rule for f in check(drafted)]
    assert "placeholder" in rules and "schema" not in rules and "required-item" not in rules


def test_collect_for_a_department_asks_each_office_of_the_bureau(tmp_path):
    run = generator("collect", str(DEPARTMENT), "-o", str(tmp_path))
    assert run.returncode == 0, run.stderr
    assert sorted(path.name.removeprefix("2024年法治政府建设数据填报表-").removesuffix(".xlsx") for path in tmp_path.glob("*.xlsx")) == sorted(
        ["局办公室", "登记注册股", "信用监管股", "执法稽查大队", "法规股", "人事股", "12315投诉举报中心"])


def test_collect_and_merge_for_a_township(tmp_path):
    folder = tmp_path / "data"
    copied(TOWNSHIP, folder)
    assert generator("draft", "2025", "--data-dir", str(folder)).returncode == 0
    data = folder / "2025.yaml"
    forms = tmp_path / "forms"
    run = generator("collect", str(data), "-o", str(forms))
    assert run.returncode == 0, run.stderr
    units = sorted(path.name for path in forms.glob("*.xlsx"))
    assert units == sorted(f"2025年法治政府建设数据填报表-{unit}.xlsx" for unit in ("镇党政综合办公室", "镇司法所", "镇综合行政执法队", "镇综治中心", "镇信访办"))
    form = forms / "2025年法治政府建设数据填报表-镇综治中心.xlsx"
    book = load_workbook(form)
    sheet = book[layout.DATA_SHEET]
    key, value = layout.COLUMNS.index(layout.KEY) + 1, layout.COLUMNS.index(layout.VALUE) + 1
    rows = {sheet.cell(row, key).value: row for row in range(layout.HEADER_ROW + 1, sheet.max_row + 1)}
    assert set(rows) == {"排查纠纷", "调解成功"}
    sheet.cell(rows["排查纠纷"], value).value = 430
    sheet.cell(rows["调解成功"], value).value = 421
    book.save(form)
    run = generator("merge", str(data), str(form))
    assert run.returncode == 0, run.stderr
    text = data.read_text(encoding="utf-8")
    assert "  排查纠纷: {value: 430, last_year: 412," in text
    assert "  调解成功: {value: 421, last_year: 405," in text


# -- the county clerk's table --------------------------------------------------------------------

def test_compare_bodies_puts_every_bodys_figures_in_one_table(tmp_path):
    run = generator("compare-bodies", str(DEPARTMENT), str(TOWNSHIP), str(SAMPLE), "-o", str(tmp_path))
    assert run.returncode == 0, run.stderr
    header, *lines = run.stdout.splitlines()[:-2]
    assert header.split() == ["名称", "说明", "某某县市场监督管理局", "某某镇人民政府", "宛城区人民政府"]
    with (tmp_path / "2024年各单位法治政府建设数据对照.csv").open(encoding="utf-8-sig") as file:
        rows = {row[0]: row for row in csv.reader(file)}
    assert rows["持证率"] == ["持证率", "执法人员持证率", "97.4%", "", ""]
    assert rows["调解成功"] == ["调解成功", "调解成功", "", "405起", "2026起"]
    assert rows["行政复议"][2:] == ["9件", "", ""]
    assert len(lines) == len(rows) - 1
    with zipfile.ZipFile(tmp_path / "2024年各单位法治政府建设数据对照.docx") as docx:
        assert "某某镇人民政府" in docx.read("word/document.xml").decode("utf-8")


def test_compare_bodies_refuses_reports_of_different_years(tmp_path):
    other = copied(TOWNSHIP, tmp_path / "t", (("year: 2024", "year: 2023"),))
    other = other.rename(other.with_name("2023.yaml"))
    run = generator("compare-bodies", str(DEPARTMENT), str(other), "-o", str(tmp_path / "out"))
    assert run.returncode == 2
    assert run.stderr.startswith("错误：要对照的报告不是同一年度的（")
    assert not (tmp_path / "out").exists()


# -- menus -------------------------------------------------------------------------------------------

MENU = Path(__file__).resolve().parent.parent / "templates" / "menus" / "example.yaml"


def test_check_menu_lists_the_points_the_report_does_not_touch():
    run = generator("check", str(SAMPLE), "--menu", str(MENU), "--format", "json")

    points = [f["message"] for f in json.loads(run.stdout) if f["rule"] == "menu-item"]
    assert points == [
        f"某某市法治政府建设年度报告要点（示例）中“举措成效”之下的要点“{label}”，承担“举措成效”的章节中没有写到"
        for label in ("涉企行政检查规范", "政务公开和政府信息公开", "法治政府建设示范创建")
    ]
    department = [f.rule for f in check(DEPARTMENT)]
    assert "menu-item" not in department  # only with --menu


def test_a_menu_point_is_looked_for_in_the_sections_of_its_item(tmp_path):
    menu = tmp_path / "menu.yaml"
    menu.write_text("name: 本市要点\nitems:\n  第一责任人:\n    - {label: 年终述法, keywords: [述法]}\n"
                    "  复议应诉:\n    - {label: 复议纠错, keywords: [纠错]}\n", encoding="utf-8")
    run = generator("check", str(DEPARTMENT), "--menu", str(menu))
    assert run.returncode == 0
    assert "本市要点中“复议应诉”之下的要点“复议纠错”，承担“复议应诉”的章节中没有写到" in run.stdout
    assert "年终述法" not in run.stdout  # 述法 is in the 第一责任人 section


def test_a_bad_menu_is_one_located_line(tmp_path):
    menu = tmp_path / "menu.yaml"
    menu.write_text("items:\n  举措成效:\n    - {label: 述法}\n", encoding="utf-8")
    run = generator("check", str(DEPARTMENT), "--menu", str(menu))
    assert run.returncode == 2
    assert run.stderr == f"错误：{menu}:3:7：items.举措成效 的要点“述法”缺少 keywords：写到这一要点时会用的词\n"


def test_the_example_menu_and_the_kinds_ship_with_the_package():
    text = (Path(__file__).resolve().parent.parent / "pyproject.toml").read_text(encoding="utf-8")
    assert '"bodies.yaml"' in text and '"menus/*.yaml"' in text


def test_a_menu_item_the_kind_does_not_have_is_one_located_line(tmp_path):
    menu = tmp_path / "menu.yaml"
    menu.write_text("items:\n  举措成果:\n    - {label: 述法, keywords: [述法]}\n", encoding="utf-8")
    run = generator("check", str(TOWNSHIP), "--menu", str(menu))
    assert run.returncode == 2
    assert run.stderr == (f"错误：{menu}:2:3：要点文件中的“举措成果”不是乡镇人民政府、街道办事处要报告的事项（是否想写“举措成效”？）；"
                          "可以写的有：举措成效、不足原因、第一责任人、下年安排、综合执法、基层治理、其他情况\n")


def test_the_offices_kinds_are_read_within_caps(tmp_path):
    path = copied(DEPARTMENT, tmp_path / "data")
    own = tmp_path / "data" / "bodies.yaml"
    own.write_text("".join(f"种类{n}:\n  extends: 县级政府\n" for n in range(41)), encoding="utf-8")
    run = generator("check", str(path))
    assert (run.returncode, run.stderr) == (2, f"错误：{own}:1:1：报告主体种类文件有 41 项，超过了 40 项的上限；请检查文件是否选错\n")
    own.write_text("政府部门:\n  items:\n    行政执法:\n      keywords: [" + ", ".join(f"词{n}" for n in range(41)) + "]\n", encoding="utf-8")
    run = generator("check", str(path))
    assert run.returncode == 2 and run.stderr.startswith(f"错误：{own}:4:17：政府部门.items.行政执法.keywords 有 41 项，超过了 40 项的上限")
