"""Next year from last year: draft, placeholders, filling in, 同比 wording and the compare table."""
from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pytest

from generator.commands import compare
from generator.commands.check import check
from generator.pipeline.figures import evaluate
from generator.pipeline.loader import load
from generator.pipeline.resolve import resolve
from generator.writers import text

from .helpers import SAMPLE, fill, generator

ROOT = Path(__file__).resolve().parent.parent
PLACEHOLDER = re.compile(r"【待填：[^】]*】")

def test_draft_moves_the_year_and_dates_on(data_dir):
    report = load(data_dir / "2025.yaml")
    assert report.meta.year == 2025
    assert report.meta.published.date.isoformat() == "2026-03-25"
    document = resolve(report)
    assert document.title == "宛城区人民政府关于2025年法治政府建设情况的报告"
    body = text.render(document)
    assert "（二）2024年度法治政府建设考核反馈问题整改情况" in body
    assert "四、2026年度工作计划" in body


def test_draft_refuses_to_overwrite(data_dir):
    before = (data_dir / "2025.yaml").read_bytes()
    result = generator("draft", "2025", "--data-dir", str(data_dir))
    assert result.returncode == 2
    assert result.stderr.strip() == f"错误：{data_dir / '2025.yaml'} 已经存在；起草从不覆盖数据文件，请先改名或删除它"
    assert (data_dir / "2025.yaml").read_bytes() == before


def test_draft_shows_placeholders_and_no_old_statistics(data_dir):
    body = text.render(resolve(load(data_dir / "2025.yaml")))
    assert "【待填：办结行政复议案件，2024年为217件】" in body
    assert "【待填：网上办件总量，2024年为298389件】" in body
    assert "【待填：行政诉讼败诉率，2024年为5.38%】" in body
    outside = PLACEHOLDER.sub("", body)
    old = load(SAMPLE)
    for name, value in evaluate(old.figures, 2024).items():
        assert str(value) not in outside, f"2024's {name} ({value}) is still in the draft's text"
    for statistic in ("298389", "7933670", "46935", "2120", "5.38"):
        assert statistic not in outside


def test_placeholders_are_spans_of_their_own(data_dir):
    document = resolve(load(data_dir / "2025.yaml"))
    spans = [s for block in document.body for s in getattr(block, "spans", ()) if s.role == "placeholder"]
    assert len(spans) >= 63
    assert all(PLACEHOLDER.fullmatch(s.text) for s in spans)


def test_check_lists_every_unfilled_figure(data_dir):
    findings = [f for f in check(data_dir / "2025.yaml") if f.rule == "placeholder"]
    assert len(findings) == 63
    assert "数字“行政复议办结”还没有填写（2024年为217件）" in [f.message for f in findings]


def test_filled_draft_passes_check_and_compares(data_dir):
    fill(data_dir / "2025.yaml")
    findings = check(data_dir / "2025.yaml")
    assert [f for f in findings if f.severity == "error"] == []
    assert not [f for f in findings if f.rule == "placeholder"]
    body = text.render(resolve(load(data_dir / "2025.yaml")))
    assert "【待填" not in body
    assert "办结行政复议案件230件" in body and "败诉率5.00%" in body

    table = {row.name: row.cells() for row in compare.rows(load(data_dir / "2024.yaml"), load(data_dir / "2025.yaml"))}
    assert table["行政复议办结"] == ("行政复议办结", "办结行政复议案件", "件", "217", "230", "+13", "+6.0")
    assert table["网上办件"][3:] == ("298389", "310000", "+11611", "+3.9")
    assert table["行政诉讼败诉率"][2:] == ("%", "5.38", "5.00", "-0.38", "")
    assert table["不见面审批占比"][3:] == ("98.48", "98.48", "0", "")


def test_compare_csv_opens_in_excel_with_chinese_intact(data_dir):
    fill(data_dir / "2025.yaml")
    table = compare.rows(load(data_dir / "2024.yaml"), load(data_dir / "2025.yaml"))
    content = compare.csv_text(table)
    assert content.startswith("\ufeff名称,说明,单位,上年,本年,增减,增减%\r\n")
    rows = list(csv.reader(io.StringIO(content.lstrip("\ufeff"))))
    assert len(rows) == 1 + len(load(data_dir / "2025.yaml").figures)
    assert ["行政复议办结", "办结行政复议案件", "件", "217", "230", "+13", "+6.0"] in rows


@pytest.mark.parametrize("value, expected", [(230, "同比增长6.0%"), (217, "与上年持平"), (200, "同比下降7.8%")])
def test_year_over_year_wording_from_an_expression(tmp_path, value, expected):
    data = tmp_path / "2025.yaml"
    data.write_text(
        "meta: {year: 2025, region: 某区, issuer: 某区人民政府, title: 报告}\n"
        f"figures:\n  复议: {{value: {value}, last_year: 217, unit: 件}}\n"
        "body:\n  - 办结行政复议案件{{ 复议 }}，{{ 复议.yoy() }}，{{ 复议.change() }}。\n",
        encoding="utf-8",
    )
    change = {230: "增加13件", 217: "与上年持平", 200: "减少17件"}[value]
    assert text.render(resolve(load(data))).splitlines()[-1] == f"办结行政复议案件{value}件，{expected}，{change}。"


def test_placeholders_are_highlighted_in_the_docx(data_dir, tmp_path):
    import zipfile

    from lxml import etree

    result = generator("build", str(data_dir / "2025.yaml"), "-o", str(tmp_path / "out"), "--format", "docx")
    assert result.returncode == 0, result.stderr
    (docx,) = (tmp_path / "out").glob("*.docx")
    w = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
    with zipfile.ZipFile(docx) as archive:
        root = etree.fromstring(archive.read("word/document.xml"))
    highlighted = ["".join(r.itertext()) for r in root.iter(f"{w}r") if r.find(f"{w}rPr/{w}highlight[@{w}val='yellow']") is not None]
    assert "【待填：办结行政复议案件，2024年为217件】" in highlighted
    assert all(PLACEHOLDER.fullmatch(text) for text in highlighted)
    assert len(highlighted) >= 63


def test_compare_command_prints_and_writes_csv_and_docx(data_dir, tmp_path):
    import zipfile

    fill(data_dir / "2025.yaml")
    out = tmp_path / "out"
    result = generator("compare", str(data_dir / "2024.yaml"), str(data_dir / "2025.yaml"), "-o", str(out))
    assert result.returncode == 0, result.stderr
    row = next(line for line in result.stdout.splitlines() if line.startswith("行政复议办结"))
    assert row.split() == ["行政复议办结", "办结行政复议案件", "件", "217", "230", "+13", "+6.0"]
    assert sorted(p.name for p in out.iterdir() if p.name != ".outputs.json") == ["2025年与2024年数据对比.csv", "2025年与2024年数据对比.docx"]
    with zipfile.ZipFile(out / "2025年与2024年数据对比.docx") as archive:
        body = archive.read("word/document.xml").decode("utf-8")
    assert "<w:tbl>" in body and "行政复议办结" in body and ">230<" in body
