"""Each check rule fires on the mistake it is for, in the words a reviewer would use, and stays
quiet on a clean report."""
from __future__ import annotations

import dataclasses
import json
import math
import shutil
from pathlib import Path

import pytest

from generator import cli
from generator.commands.check import RULES, check, check_loaded
from generator.pipeline import open_report
from generator.pipeline.loader import load
from generator.pipeline.model import Figure, Text
from generator.pipeline.resolve import resolve

from .helpers import SAMPLE

CLEAN = """\
meta:
  year: 2025
  region: 某县
  issuer: 某县人民政府
  title: 某县人民政府关于{{ year }}年法治政府建设情况的报告
  published: {date: 2026-03-20, source: 某县}
figures:
  调解: {value: 200, unit: 起}
  调解成功: {value: 190, unit: 起, at_most: 调解}
  成功率: {value: 95, unit: "%", counts: 调解成功 / 调解}
  出庭率: {value: 100, unit: "%"}
body:
  - "{{ year }}年，全县调解纠纷{{ 调解 }}，成功{{ 调解成功 }}，成功率{{ 成功率 }}，出庭率{{ 出庭率 }}。"
  - section: 主要举措和成效
    covers: 举措成效
    body:
      - 印发《法治政府建设工作要点》，推进“放管服”改革（含下放事项）。
  - section: 存在的不足和原因
    covers: 不足原因
    body:
      - 基层力量薄弱。
  - section: 第一责任人职责履行情况
    covers: 第一责任人
    body:
      - 主要负责人带头述法。
  - section: "{{ year + 1 }}年工作安排"
    covers: 下年安排
    body:
      - "{{ year + 1 }}年，将继续深化改革。"
  - section: 其他需要报告的情况
    covers: 其他情况
    body:
      - 无。
"""
# Rules added for what reviewers catch: last year's plans, names of documents, auto quotes.
NEW_RULES = ("document-year", "wrapping-quotes", "promise-unreported", "last-year-unreadable")


def last_year_of(text: str) -> str:
    """The same report one year earlier, published in time."""
    return text.replace("year: 2025", "year: 2024").replace("date: 2026-03-20", "date: 2025-03-20")


def findings_for(tmp_path: Path, text: str, name: str = "2025.yaml"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return check(path)


def rules_of(findings) -> list[str]:
    return [f.rule for f in findings]


def test_clean_report_has_no_findings(tmp_path):
    assert findings_for(tmp_path, CLEAN) == []


def test_clean_report_beside_last_year_has_no_findings(tmp_path):
    """Last year's plans (深化改革) are answered by this year's 放管服改革; nothing else repeats."""
    previous = last_year_of(CLEAN).replace("{value: 200,", "{value: 180,").replace("{value: 190,", "{value: 162,").replace("{value: 95,", "{value: 90,")
    previous = previous.replace("{value: 100,", "{value: 98,").replace("全县调解纠纷", "全县共调解纠纷").replace("推进“放管服”改革", "深化“放管服”改革")
    findings_for(tmp_path, previous, "2024.yaml")
    assert findings_for(tmp_path, CLEAN) == []


def test_2024_report_has_no_errors_and_new_rules_only_note_what_it_does():
    """The sample names 《宛城区{{ year }}年度法治政府建设工作安排》: that, and only that, is noted."""
    findings = check(SAMPLE)
    assert [f for f in findings if f.severity == "error"] == []
    new = [(f.rule, f.severity, f.sentence) for f in findings if f.rule in NEW_RULES]
    assert new == [("document-year", "note", "《宛城区2024年度法治政府建设工作安排》")]


def test_2024_report_answers_for_the_plans_it_repeats(tmp_path):
    """The sample beside a 2023 of the same text: 2023's plans are all taken up in 2024's work."""
    shutil.copy(SAMPLE, tmp_path / "2024.yaml")
    (tmp_path / "2023.yaml").write_text(SAMPLE.read_text(encoding="utf-8").replace("  year: 2024", "  year: 2023"), encoding="utf-8")
    findings = check(tmp_path / "2024.yaml")
    assert "promise-unreported" not in rules_of(findings)
    assert [f for f in findings if f.rule in NEW_RULES and f.severity != "note"] == []


@pytest.mark.parametrize(
    "rule, old, new, message",
    [
        ("required-item", "    covers: 下年安排\n", "", "没有哪一节承担“下一年度推进法治政府建设的主要安排”"),
        ("rate-mismatch", "value: 95, unit", "value: 96, unit", "成功率填的是96%，但按 调解成功 / 调解 算出来是95.00%"),
        ("part-exceeds-whole", "{value: 190, unit: 起", "{value: 210, unit: 起", "调解成功（210起）大于调解（200起）"),
        ("percent-over-100", "{value: 100, unit: \"%\"}", "{value: 120, unit: \"%\"}", "出庭率为120%，超过了100%"),
        ("figure-unused", "，出庭率{{ 出庭率 }}", "", "数字“出庭率”已定义，但正文中没有用到"),
        ("year-mismatch", "\"{{ year + 1 }}年，将", "\"{{ year }}年，将", "2026年的工作安排中出现了“2025年”"),
        ("year-literal", "\"{{ year }}年，全县", "\"2025年，全县", "年份“2025”直接写成了数字"),
        ("document-year", "印发《法治政府建设工作要点》", "印发《{{ year }}年法治政府建设工作要点》", "文件名称中的年份写成了 {{ year }}，明年起草时会随报告年度变为2026"),
        ("document-year", "印发《法治政府建设工作要点》", "转发《某县人民政府关于推进改革的通知》（某政〔{{ year - 1 }}〕3号）", "文号中的年份写成了 {{ year - 1 }}，明年起草时会随报告年度变为2025"),
        ("publication-late", "date: 2026-03-20", "date: 2026-04-15", "公开日期为2026年4月15日，晚于2026年4月1日"),
        ("date-form", "基层力量薄弱。", "于3月05日起基层力量薄弱。", "日期“3月05日”的写法不规范"),
        ("halfwidth-punctuation", "基层力量薄弱。", "基层力量薄弱,人员不足。", "中文里用了半角的“,”"),
        ("heading-punctuation", "section: 存在的不足和原因\n", "section: 存在的不足和原因。\n", "独占一行的标题以“。”结尾"),
        ("wrapping-quotes", "      - 基层力量薄弱。", "      - “基层力量薄弱。”", "整段文字被包在一对中文引号“”里，引号会印进报告"),
        ("wrapping-quotes", "section: 存在的不足和原因\n", "section: “存在的不足和原因”\n", "整段文字被包在一对中文引号“”里，引号会印进报告"),
        ("unbalanced-pairs", "推进“放管服”改革", "推进“放管服改革", "前引号没有对应的后引号"),
        ("unbalanced-pairs", "印发《法治政府建设工作要点》", "印发法治政府建设工作要点》", "后书名号前面没有对应的前书名号"),
        ("doubled-punctuation", "基层力量薄弱。", "基层力量薄弱。。", "标点“。。”重复或冲突"),
        ("number-format", "基层力量薄弱。", "培训1,200人次。", "数字“1,200”用了千位分隔符"),
        ("typed-numbering", "      - 基层力量薄弱。", "      - （一）基层力量薄弱。", "段落开头手打了序号“（一）”"),
        ("placeholder", "基层力量薄弱。", "基层力量薄弱，缺编××人。", "还留着占位符“××”"),
    ],
)
def test_rule_fires_on_its_mistake(tmp_path, rule, old, new, message):
    assert old in CLEAN
    findings = findings_for(tmp_path, CLEAN.replace(old, new, 1))
    fired = [f for f in findings if f.rule == rule]
    assert [f.message for f in fired] == [message]
    assert fired[0].severity == RULES[rule].severity
    assert fired[0].location is not None and fired[0].location.path.name == "2025.yaml"


def test_schema_finding_names_the_key(tmp_path):
    (finding,) = findings_for(tmp_path, CLEAN.replace("  region: 某县\n", "  regoin: 某县\n"))
    assert (finding.rule, finding.severity, finding.advice) == ("schema", "error", "在该位置改正数据文件")
    assert "regoin" in finding.message and (finding.location.line, finding.location.column) == (3, 3)


def test_counts_naming_no_figure_is_a_finding_not_a_crash(tmp_path):
    (finding,) = findings_for(tmp_path, CLEAN.replace("counts: 调解成功 / 调解", "counts: 调解成功 / 调处"))
    assert finding.rule == "schema" and "调处" in finding.message and finding.location.line == 10


def test_every_rule_is_described_in_chinese_and_documented():
    documented = (Path(__file__).resolve().parent.parent / "docs" / "checks.md").read_text(encoding="utf-8")
    for rule_id, rule in RULES.items():
        assert rule.severity in ("error", "warning", "note")
        assert any("\u4e00" <= c <= "\u9fff" for c in rule.what), rule_id
        assert f"| `{rule_id}` | {rule.severity}" in documented, rule_id


def test_finding_is_written_in_chinese_with_place_sentence_and_advice(tmp_path):
    (finding,) = findings_for(tmp_path, CLEAN.replace("基层力量薄弱。", "基层力量薄弱,人员不足。"))
    assert (finding.location.line, finding.location.column) == (21, 9)
    assert finding.format() == (
        f"{tmp_path / '2025.yaml'}:21:9：警告 [halfwidth-punctuation] 中文里用了半角的“,”\n"
        "    “基层力量薄弱,人员不足。”\n"
        "    → 改用全角的“，”"
    )


def test_number_format_advice_gives_the_number_to_write(tmp_path):
    (finding,) = findings_for(tmp_path, CLEAN.replace("基层力量薄弱。", "培训1,200人次。"))
    assert finding.advice == "写成1200，不加分隔符（GB/T 15835）"


def test_year_inside_a_document_name_is_not_asked_to_move_on(tmp_path):
    """《2025年法治政府建设工作要点》 is that year's document: year-literal leaves it, as document-year does."""
    findings = findings_for(tmp_path, CLEAN.replace("印发《法治政府建设工作要点》", "印发《2025年法治政府建设工作要点》（某政〔2025〕3号）"))
    assert findings == []


def test_document_year_shows_the_name_as_it_should_stay(tmp_path):
    findings = findings_for(tmp_path, CLEAN.replace("印发《法治政府建设工作要点》", "印发《{{ region }}{{ year }}年法治政府建设工作要点》"))
    (finding,) = findings
    assert finding.sentence == "《{{ region }}2025年法治政府建设工作要点》"
    assert finding.advice.startswith("某一年的文件，名称不随报告年度改变：直接写成《{{ region }}2025年法治政府建设工作要点》")
    assert (finding.location.line, finding.location.column) == (17, 24)


def test_quotes_inside_a_paragraph_are_not_wrapping_it(tmp_path):
    text = CLEAN.replace("      - 基层力量薄弱。", "      - “放管服”改革仍有短板，“一网通办”")
    assert "wrapping-quotes" not in rules_of(findings_for(tmp_path, text))


def test_unchanged_figures_compare_with_last_years_file(tmp_path):
    """As `compare` does: last year's file, not the value the draft remembered in last_year."""
    findings_for(tmp_path, last_year_of(CLEAN), "2024.yaml")
    this_year = CLEAN.replace("{value: 200, unit: 起}", "{value: 260, unit: 起, last_year: 260}")
    this_year = this_year.replace("{value: 190, unit: 起", "{value: 247, unit: 起, last_year: 247")
    this_year = this_year.replace("出庭率: {value: 100,", "出庭率: {value: 100, last_year: 90,")
    findings = findings_for(tmp_path, this_year)
    unchanged = [f for f in findings if f.rule == "unchanged-figure"]
    assert sorted(f.message for f in unchanged) == [
        "出庭率为100%，与2024年相同，是否属实？",
        "成功率为95%，与2024年相同，是否属实？",
    ]
    assert unchanged[0].advice == "核实2025年的数字，确认无误可以保留"


def test_unchanged_figures_fall_back_to_last_year_without_its_file(tmp_path):
    text = CLEAN.replace("{value: 200, unit: 起}", "{value: 200, unit: 起, last_year: 200}")
    assert [f.message for f in findings_for(tmp_path, text) if f.rule == "unchanged-figure"] == ["调解为200起，与2024年相同，是否属实？"]


def test_paragraph_copied_from_last_year_is_flagged_though_its_year_and_figures_differ(tmp_path):
    """The first paragraph writes {{ year }} and four figures: rendered, every number differs."""
    findings_for(tmp_path, last_year_of(CLEAN), "2024.yaml")
    this_year = CLEAN.replace("{value: 200, unit: 起}", "{value: 260, unit: 起}").replace("{value: 190, unit: 起", "{value: 247, unit: 起")
    this_year = this_year.replace("推进“放管服”改革（含下放事项）", "推进“放管服”改革（含下放事项），持续优化营商环境，全面推行证明事项告知承诺制度")
    flagged = [f for f in findings_for(tmp_path, this_year) if f.rule == "unchanged-paragraph"]
    assert [(f.location.line, f.message, f.advice) for f in flagged] == [
        (13, "与2024年相比只改了年份和数字，其余一字未改，是否仍然属实？", "按2025年的情况改写，或确认后保留"),
    ]
    assert flagged[0].sentence.startswith("2025年，全县调解纠纷260起")


def test_paragraph_typed_with_last_years_numbers_is_flagged(tmp_path):
    """Last year wrote the figures as plain numbers, this year as {{ }}: the words are the same."""
    findings_for(tmp_path, last_year_of(CLEAN).replace('"{{ year }}年，全县调解纠纷{{ 调解 }}', '"2024年，全县调解纠纷200起'), "2024.yaml")
    flagged = [f for f in findings_for(tmp_path, CLEAN) if f.rule == "unchanged-paragraph"]
    assert [f.location.line for f in flagged] == [13, 17]  # 17: 印发《…》 is the same in both


def test_unchanged_long_paragraph_is_flagged(tmp_path):
    long_text = "全面推行行政执法公示制度、执法全过程记录制度、重大执法决定法制审核制度，执法规范化水平不断提升。"
    base = CLEAN.replace("主要负责人带头述法。", long_text)
    findings_for(tmp_path, last_year_of(base), "2024.yaml")
    findings = findings_for(tmp_path, base)
    flagged = {f.sentence: f.message for f in findings if f.rule == "unchanged-paragraph"}
    assert flagged[long_text] == "与2024年相比一字未改，是否仍然属实？"
    assert "基层力量薄弱。" not in flagged  # short stock phrases are not flagged


PLANS_2024 = """\
  - section: "{{ year + 1 }}年工作安排"
    covers: 下年安排
    body:
      - p: 下一步，我县将重点抓好以下工作：
        items:
          - 深化“放管服”改革，推行证明事项告知承诺制；
          - 推进智慧司法建设，建成全县统一的行政执法监督平台；
          - 深化府院联动，推动行政争议实质性化解。
"""


def plans_last_year(tmp_path: Path, plans: str = PLANS_2024) -> None:
    old = last_year_of(CLEAN).split('  - section: "{{ year + 1 }}年工作安排"')
    findings_for(tmp_path, old[0] + plans + "  - section: 其他需要报告的情况" + old[1].split("  - section: 其他需要报告的情况")[1], "2024.yaml")


def test_promise_of_last_year_that_this_year_does_not_answer(tmp_path):
    plans_last_year(tmp_path)
    this_year = CLEAN.replace("推进“放管服”改革（含下放事项）。", "推进“放管服”改革，全面推行证明事项告知承诺制。建立府院联席会议制度，推动行政争议实质性化解。")
    findings = findings_for(tmp_path, this_year)
    (finding,) = [f for f in findings if f.rule == "promise-unreported"]
    assert finding.message == "2024年报告安排的“推进智慧司法建设”，本年度报告没有写到落实情况"
    assert finding.sentence == "推进智慧司法建设，建成全县统一的行政执法监督平台；"
    assert finding.severity == "note" and finding.location.line == 14  # this year's 主要举措和成效
    assert finding.advice == "在举措成效中写明这项安排落实得怎样；没有落实的，在不足和原因中说明"


def test_promises_answered_leave_no_note(tmp_path):
    plans_last_year(tmp_path)
    this_year = CLEAN.replace(
        "推进“放管服”改革（含下放事项）。",
        "推进“放管服”改革，全面推行证明事项告知承诺制。建成全县统一的行政执法监督平台。推动行政争议实质性化解。",
    )
    assert "promise-unreported" not in rules_of(findings_for(tmp_path, this_year))


def test_promise_repeated_in_this_years_plans_is_still_unanswered(tmp_path):
    """Copying last year's plan into this year's plans does not report on it."""
    plans_last_year(tmp_path)
    this_year = CLEAN.replace("将继续深化改革。", "将推进智慧司法建设，建成全县统一的行政执法监督平台，深化府院联动，推动行政争议实质性化解，深化“放管服”改革，推行证明事项告知承诺制。")
    noted = [f.message for f in findings_for(tmp_path, this_year) if f.rule == "promise-unreported"]
    assert noted == [
        "2024年报告安排的“深化‘放管服’改革”，本年度报告没有写到落实情况",
        "2024年报告安排的“推进智慧司法建设”，本年度报告没有写到落实情况",
        "2024年报告安排的“深化府院联动”，本年度报告没有写到落实情况",
    ]


def test_plans_found_by_title_with_inline_enumeration(tmp_path):
    """A 下一步工作打算 section without covers, its promises typed as 一是…二是… in one paragraph."""
    plans = """\
  - section: 下一步工作打算
    body:
      - 一是推进智慧司法建设，建成全县统一的行政执法监督平台；二是深化“放管服”改革。
  - section: 工作安排
    covers: 下年安排
    body:
      - 无。
"""
    plans_last_year(tmp_path, plans)
    (finding,) = [f for f in findings_for(tmp_path, CLEAN) if f.rule == "promise-unreported"]
    assert finding.message == "2024年报告安排的“推进智慧司法建设”，本年度报告没有写到落实情况"


def test_promise_is_named_by_the_clause_that_says_what_it_is(tmp_path):
    """"2025年，" and "下一步，" name nothing: the note names the first clause that does."""
    plans = PLANS_2024.replace("- 推进智慧司法建设，", "- 下一步，{{ year + 1 }}年，推进智慧司法建设，")
    plans_last_year(tmp_path, plans)
    noted = [f for f in findings_for(tmp_path, CLEAN) if f.rule == "promise-unreported"]
    assert "2024年报告安排的“推进智慧司法建设”，本年度报告没有写到落实情况" in [f.message for f in noted]
    assert "下一步，2025年，推进智慧司法建设，建成全县统一的行政执法监督平台；" in [f.sentence for f in noted]


def test_last_years_file_that_does_not_load_is_noted(tmp_path):
    findings_for(tmp_path, last_year_of(CLEAN).replace("  region: 某县\n", "  regoin: 某县\n"), "2024.yaml")
    text = CLEAN.replace("{value: 200, unit: 起}", "{value: 200, unit: 起, last_year: 200}")
    findings = findings_for(tmp_path, text)
    assert rules_of(findings) == ["unchanged-figure", "last-year-unreadable"]
    assert findings[1].message.startswith("上一年度的数据文件 2024.yaml 读不进来，未能与上年比较：")
    assert "regoin" in findings[1].message


def test_check_loaded_takes_last_years_report_as_loaded(tmp_path):
    """The review page hands last year's report in; no <year-1>.yaml need be on disk."""
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    findings_for(elsewhere, last_year_of(CLEAN), "2024.yaml")
    path = tmp_path / "2025.yaml"
    path.write_text(CLEAN, encoding="utf-8")
    this, last = open_report(path), open_report(elsewhere / "2024.yaml")
    assert check_loaded(path, this.report, this.document) == []
    given = check_loaded(path, this.report, this.document, last)
    assert rules_of(given) == ["unchanged-figure"] * 4 + ["unchanged-paragraph"] * 2


def test_odd_values_do_not_stop_the_check(tmp_path):
    """Infinite, not-a-number and astronomically large values reach the messages as words."""
    path = tmp_path / "2025.yaml"
    path.write_text(CLEAN, encoding="utf-8")
    report = load(path)
    where = report.figures["调解"].location
    counts = Text("巨 / 调解", report.source, 0, 0)
    odd = {
        "无穷": Figure("无穷", where, unit="%", value=math.inf, precision=1),
        "非数": Figure("非数", where, unit="%", value=math.nan, precision=1),
        "巨": Figure("巨", where, unit="起", value=10 ** 400, at_most="调解"),
        "巨率": Figure("巨率", where, unit="%", value=50, counts=counts),
        "未填": Figure("未填", where, unit="%", last_year=-math.inf, precision=2),
        "小": Figure("小", where, unit="%", value=1e-300, counts=Text("调解成功 / 调解", report.source, 0, 0)),
    }
    odd_report = dataclasses.replace(report, figures={**report.figures, **odd})
    findings = check_loaded(path, odd_report, resolve(report))
    messages = [f.message for f in findings]
    assert "无穷为无穷大，超过了100%" in messages
    assert "巨（超出范围的数值）大于调解（200起）" in messages
    assert "数字“未填”还没有填写（2024年为负无穷大）" in messages
    assert any(m.startswith("小填的是") and m.endswith("算出来是95.00%") for m in messages)
    for finding in findings:
        finding.format()
        json.dumps(finding.as_dict(), ensure_ascii=False)


def test_rule_switched_off_with_a_reason(tmp_path):
    text = CLEAN.replace("，出庭率{{ 出庭率 }}", "") + "checks:\n  off:\n    figure-unused: 出庭率留作附表使用\n"
    assert findings_for(tmp_path, text) == []


def test_cli_exit_status_json_and_summary(tmp_path, capsys):
    path = tmp_path / "2025.yaml"
    path.write_text(CLEAN.replace("value: 95, unit", "value: 96, unit"), encoding="utf-8")
    assert cli.main(["check", str(path), "--format", "json"]) == 1
    (finding,) = json.loads(capsys.readouterr().out)
    assert finding["rule"] == "rate-mismatch" and finding["severity"] == "error"
    assert finding["file"] == str(path) and finding["line"] == 10
    assert finding["message"] == "成功率填的是96%，但按 调解成功 / 调解 算出来是95.00%"
    assert cli.main(["check", str(path)]) == 1
    assert capsys.readouterr().out.splitlines()[-1] == f"{path}：1 个错误，0 个警告，0 个提示"
    path.write_text(CLEAN, encoding="utf-8")
    assert cli.main(["check", str(path)]) == 0
    assert capsys.readouterr().out.strip() == f"{path}：0 个错误，0 个警告，0 个提示"


def test_check_pages_reads_the_printed_pages(capsys):
    """--pages renders the PDF and reports, with page and line, a paragraph's last line alone
    atop a page and a last line of one character (the sample has both)."""
    from generator.cli import main

    assert main(["check", str(SAMPLE), "--pages"]) == 0
    out = capsys.readouterr().out
    assert "警告 [page-widow] 第6页第1行：段落的最后一行“治理能力的提升。”单独排在页首" in out
    assert "提示 [page-short-line] 第7页第10行：段落的最后一行只有一个字“境。”" in out
    assert f"\n{SAMPLE}:160:17：警告 [page-widow] 第6页第1行：" in out  # where the paragraph is in the data
    assert f"\n{SAMPLE}:175:9：提示 [page-short-line] 第7页第10行：" in out
    assert "全面落实行政执法责任制，提升执法规范化水平和群众满意度，构建和谐执法环境。”\n" in out  # the paragraph's end
    assert main(["check", str(SAMPLE)]) == 0
    assert "page-" not in capsys.readouterr().out  # only when asked: it takes a PDF


def test_placeholders_typed_into_the_data_are_found(tmp_path):
    """import leaves 【待填：…】 where it could not tell the region, the issuer or a title line."""
    text = CLEAN.replace("region: 某县", "region: 【待填：地区】", 1)
    findings = [f for f in findings_for(tmp_path, text) if f.rule == "placeholder"]
    assert [f.message for f in findings] == ["meta.region 还是待填的“【待填：地区】”"]
    assert findings[0].location.line == text.splitlines().index("  region: 【待填：地区】") + 1


def test_doubled_words_a_hand_edit_leaves_are_found(tmp_path):
    text = CLEAN.replace("      - 主要负责人带头述法。", "      - 行政机关负责负责人出庭应诉，主要负责人带头述法的的情况良好。")
    found = [f for f in findings_for(tmp_path, text) if f.rule == "doubled-word"]
    assert [(f.message, f.severity) for f in found] == [
        ("“负责”紧挨着重复了一遍：“负责负责”", "warning"),
        ("“的”紧挨着重复了一遍：“的的”", "warning"),
    ]
    assert found[0].sentence == "行政机关负责负责人出庭应诉，主要负责人带头述法的的情况良好。"
    assert found[0].location is not None and found[0].location.line == text.splitlines().index("      - 行政机关负责负责人出庭应诉，主要负责人带头述法的的情况良好。") + 1


def test_doubling_chinese_means_is_not_a_finding(tmp_path):
    meant = "常常深入基层，人人参与，各个单位一一落实，一件一件抓，一年一年坚持，的的确确没有不了了之。"
    text = CLEAN.replace("      - 主要负责人带头述法。", f"      - {meant}")
    assert [f for f in findings_for(tmp_path, text) if f.rule == "doubled-word"] == []
    assert [f for f in check(SAMPLE) if f.rule == "doubled-word"] == []


def test_an_unchanged_paragraph_says_what_its_hash_marks_stand_for(data_dir):
    flagged = [f for f in check(data_dir / "2025.yaml") if f.rule == "unchanged-paragraph"]
    with_hash = [f for f in flagged if "#" in f.sentence]
    assert with_hash and all(f.message.endswith("（引文中的 # 是尚未填写的数字）") for f in with_hash)
    assert all("#" in f.sentence for f in flagged if "#" in f.message)
