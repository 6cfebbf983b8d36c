"""Promises followed across years: last year's plans and last year's 不足 stay open until this
year's report answers them, and a named campaign or document must be named again."""
from __future__ import annotations

from pathlib import Path

from generator.commands.check import check

from .test_checks import CLEAN, findings_for, last_year_of

CAMPAIGN = "深入开展提升行政执法质量三年行动"


def notes(path: Path, rule: str) -> list[str]:
    return [f.message for f in check(path) if f.rule == rule]


def test_the_drafted_sample_gets_only_the_notes_it_deserves(data_dir):
    """The draft copies last year's text: the plans are answered (the campaign is named in
    举措成效), two of the three 不足 are not (nothing was written about them since)."""
    drafted = data_dir / "2025.yaml"
    assert notes(drafted, "promise-unreported") == []
    assert notes(drafted, "shortfall-unreported") == [
        "2024年报告指出的不足“法治政府建设宣传力度不够”，本年度报告没有写到整改或改进的情况",
        "2024年报告指出的不足“基层法治力量还有待加强”，本年度报告没有写到整改或改进的情况",
    ]


def test_a_report_that_drops_last_years_named_campaign_is_told_its_name(data_dir):
    drafted = data_dir / "2025.yaml"
    text = drafted.read_text(encoding="utf-8")
    assert text.count(CAMPAIGN) == 2  # in 举措成效 and in the plans
    # This year's 举措成效 keeps the general words (行政执法, 规范) but not the campaign.
    drafted.write_text(text.replace(CAMPAIGN + "，", "深入推进行政执法规范化建设，", 1), encoding="utf-8")
    (finding,) = [f for f in check(drafted) if f.rule == "promise-unreported"]
    assert finding.message == f"2024年报告安排的“{CAMPAIGN}”，本年度报告没有写到落实情况，没有再提到“提升行政执法质量三年行动”"
    assert finding.sentence.startswith(CAMPAIGN + "，加大重点领域执法力度")


def test_the_campaign_named_again_answers_however_it_is_introduced(data_dir):
    drafted = data_dir / "2025.yaml"
    text = drafted.read_text(encoding="utf-8")
    drafted.write_text(text.replace(CAMPAIGN + "，", "巩固提升行政执法质量三年行动成果，", 1), encoding="utf-8")
    assert notes(drafted, "promise-unreported") == []


PLANS = """\
  - section: "{{ year + 1 }}年工作安排"
    covers: 下年安排
    body:
      - items:
          - 深化“放管服”改革，推行证明事项告知承诺制；
          - 修订《某县行政规范性文件管理办法》，加强合法性审核。
"""


def with_plans(text: str, plans: str) -> str:
    head, tail = text.split('  - section: "{{ year + 1 }}年工作安排"')
    return head + plans + "  - section: 其他需要报告的情况" + tail.split("  - section: 其他需要报告的情况")[1]


def test_quoted_names_and_documents_must_be_named_again(tmp_path):
    findings_for(tmp_path, with_plans(last_year_of(CLEAN), PLANS), "2024.yaml")
    # General words only: 改革, 告知承诺制, 规范性文件, 合法性审核 — but not 放管服 or the 管理办法.
    this_year = CLEAN.replace("推进“放管服”改革（含下放事项）。", "深化审批制度改革，推行证明事项告知承诺制。加强行政规范性文件合法性审核，完善管理制度。")
    noted = [f.message for f in findings_for(tmp_path, this_year) if f.rule == "promise-unreported"]
    assert noted == [
        "2024年报告安排的“深化‘放管服’改革”，本年度报告没有写到落实情况，没有再提到“放管服”",
        "2024年报告安排的“修订《某县行政规范性文件管理办法》”，本年度报告没有写到落实情况，没有再提到“《某县行政规范性文件管理办法》”",
    ]
    named = this_year.replace("深化审批制度改革", "深化“放管服”改革").replace("完善管理制度", "修订《某县行政规范性文件管理办法》")
    assert [f for f in findings_for(tmp_path, named) if f.rule == "promise-unreported"] == []


SHORTFALLS = """\
  - section: 存在的不足和原因
    covers: 不足原因
    body:
      - items:
          - 基层法治力量薄弱，乡镇司法所人员配备不足。
          - 行政执法监督平台建设滞后，执法数据未能互联共享。
"""


def with_shortfalls(text: str) -> str:
    head, tail = text.split("  - section: 存在的不足和原因")
    return head + SHORTFALLS + "  - section: 第一责任人职责履行情况" + tail.split("  - section: 第一责任人职责履行情况")[1]


def test_last_years_shortfalls_stay_open_until_a_report_answers_them(tmp_path):
    findings_for(tmp_path, with_shortfalls(last_year_of(CLEAN)), "2024.yaml")
    # Repeating them among this year's 不足 does not answer them.
    repeated = with_shortfalls(CLEAN)
    noted = [f for f in findings_for(tmp_path, repeated) if f.rule == "shortfall-unreported"]
    assert [f.message for f in noted] == [
        "2024年报告指出的不足“基层法治力量薄弱”，本年度报告没有写到整改或改进的情况",
        "2024年报告指出的不足“行政执法监督平台建设滞后”，本年度报告没有写到整改或改进的情况",
    ]
    assert noted[0].severity == "note" and noted[0].sentence == "基层法治力量薄弱，乡镇司法所人员配备不足。"
    answered = repeated.replace("印发《法治政府建设工作要点》，", "印发《法治政府建设工作要点》，为乡镇司法所充实人员12名，基层法治力量明显增强；")
    noted = [f.message for f in findings_for(tmp_path, answered) if f.rule == "shortfall-unreported"]
    assert noted == ["2024年报告指出的不足“行政执法监督平台建设滞后”，本年度报告没有写到整改或改进的情况"]


def test_a_shortfall_left_open_last_year_stays_open_until_answered(tmp_path):
    """2023 names two 不足; 2024 repeats one among its own 不足 and answers the other; 2025
    says nothing about either: the one never answered is noted since 2023, once."""
    findings_for(tmp_path, with_shortfalls(last_year_of(CLEAN)).replace("year: 2024", "year: 2023").replace("date: 2025-03-20", "date: 2024-03-20"), "2023.yaml")
    answered = "印发《法治政府建设工作要点》，建成行政执法监督平台，执法数据实现互联共享；"
    last_year = with_shortfalls(last_year_of(CLEAN)).replace("印发《法治政府建设工作要点》，", answered)
    findings_for(tmp_path, last_year.replace("          - 行政执法监督平台建设滞后，执法数据未能互联共享。\n", ""), "2024.yaml")
    noted = [f.message for f in findings_for(tmp_path, CLEAN) if f.rule == "shortfall-unreported"]
    assert noted == ["2023年报告指出的不足“基层法治力量薄弱”，2024年和本年度报告都没有写到整改或改进的情况"]
    # Answered this year: closed.
    closed = CLEAN.replace("印发《法治政府建设工作要点》，", "为乡镇司法所充实人员12名，基层法治力量明显增强；印发《法治政府建设工作要点》，")
    assert [f for f in findings_for(tmp_path, closed) if f.rule == "shortfall-unreported"] == []
