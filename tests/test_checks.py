"""Each check rule fires on the mistake it is for, and stays quiet on a clean report."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from .helpers import SAMPLE

from generator.commands.check import RULES, check

ROOT = Path(__file__).resolve().parent.parent

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


def findings_for(tmp_path: Path, text: str, name: str = "2025.yaml"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return check(path)


def rules_of(findings) -> list[str]:
    return [f.rule for f in findings]


def test_clean_report_has_no_findings(tmp_path):
    assert findings_for(tmp_path, CLEAN) == []


def test_2024_report_has_no_errors():
    findings = check(SAMPLE)
    assert [f for f in findings if f.severity == "error"] == []


@pytest.mark.parametrize(
    "rule, old, new, message",
    [
        ("schema", "  region: 某县\n", "  regoin: 某县\n", "unknown key 'regoin' in meta (did you mean 'region'?)"),
        ("required-item", "    covers: 下年安排\n", "", "no section covers item “下一年度推进法治政府建设的主要安排”"),
        ("rate-mismatch", "value: 95, unit", "value: 96, unit", "成功率 is stated as 96% but 调解成功 / 调解 gives 95.00%"),
        ("part-exceeds-whole", "{value: 190, unit: 起", "{value: 210, unit: 起", "调解成功 (210起) exceeds 调解 (200起)"),
        ("percent-over-100", "{value: 100, unit: \"%\"}", "{value: 120, unit: \"%\"}", "出庭率 is 120%, over 100%"),
        ("figure-unused", "，出庭率{{ 出庭率 }}", "", "figure 出庭率 is defined but no text uses it"),
        ("year-mismatch", "\"{{ year + 1 }}年，将", "\"{{ year }}年，将", "2025年 in the plans for 2026"),
        ("year-literal", "印发《法治政府建设工作要点》", "印发《2025年法治政府建设工作要点》", "the year 2025 is typed as a number"),
        ("publication-late", "date: 2026-03-20", "date: 2026-04-15", "published 2026-04-15, after 1 April 2026"),
        ("date-form", "基层力量薄弱。", "2025年03月5日起基层力量薄弱。", "date “2025年03月”"),
        ("halfwidth-punctuation", "基层力量薄弱。", "基层力量薄弱,人员不足。", "half-width “,” in Chinese text"),
        ("heading-punctuation", "section: 存在的不足和原因\n", "section: 存在的不足和原因。\n", "a heading on its own line ends with 。"),
        ("unbalanced-pairs", "推进“放管服”改革", "推进“放管服改革", "““” is never closed"),
        ("doubled-punctuation", "基层力量薄弱。", "基层力量薄弱。。", "punctuation “。。”"),
        ("number-format", "基层力量薄弱。", "培训1,200人次。", "number “1,200” with thousands separators"),
        ("typed-numbering", "      - 基层力量薄弱。", "      - （一）基层力量薄弱。", "the paragraph begins with a typed heading number"),
        ("placeholder", "基层力量薄弱。", "基层力量薄弱，缺编××人。", "placeholder “××” left in"),
    ],
)
def test_rule_fires_on_its_mistake(tmp_path, rule, old, new, message):
    assert old in CLEAN
    findings = findings_for(tmp_path, CLEAN.replace(old, new, 1))
    fired = [f for f in findings if f.rule == rule]
    assert [f.message for f in fired] == [message]
    assert fired[0].severity == RULES[rule].severity
    assert fired[0].location is not None and fired[0].location.path.name == "2025.yaml"


def test_finding_points_at_the_paragraph_and_quotes_the_sentence(tmp_path):
    findings = findings_for(tmp_path, CLEAN.replace("基层力量薄弱。", "基层力量薄弱,人员不足。"))
    (finding,) = findings
    assert (finding.location.line, finding.location.column) == (21, 9)
    assert finding.sentence == "基层力量薄弱,人员不足。"


def test_unchanged_figures_and_paragraphs_since_last_year(tmp_path):
    findings_for(tmp_path, CLEAN.replace("year: 2025", "year: 2024").replace("date: 2026-03-20", "date: 2025-03-20"), "2024.yaml")
    this_year = CLEAN.replace("{value: 200, unit: 起}", "{value: 260, unit: 起}").replace("{value: 190, unit: 起", "{value: 247, unit: 起")
    this_year = this_year.replace("推进“放管服”改革（含下放事项）", "推进“放管服”改革（含下放事项），持续优化营商环境，全面推行证明事项告知承诺制度")
    findings = findings_for(tmp_path, this_year)
    assert sorted(f.message for f in findings if f.rule == "unchanged-figure") == [
        "出庭率 = 100%, unchanged since 2024 — still true?",
        "成功率 = 95%, unchanged since 2024 — still true?",
    ]
    assert findings_for(tmp_path, CLEAN) and "unchanged-paragraph" not in rules_of(findings)


def test_unchanged_long_paragraph_is_flagged(tmp_path):
    long_text = "全面推行行政执法公示制度、执法全过程记录制度、重大执法决定法制审核制度，执法规范化水平不断提升。"
    base = CLEAN.replace("主要负责人带头述法。", long_text)
    findings_for(tmp_path, base.replace("year: 2025", "year: 2024"), "2024.yaml")
    findings = findings_for(tmp_path, base)
    flagged = [f.sentence for f in findings if f.rule == "unchanged-paragraph"]
    assert long_text in flagged and "基层力量薄弱。" not in flagged  # short stock phrases are not flagged


def test_rule_switched_off_with_a_reason(tmp_path):
    text = CLEAN.replace("，出庭率{{ 出庭率 }}", "") + "checks:\n  off:\n    figure-unused: 出庭率留作附表使用\n"
    assert findings_for(tmp_path, text) == []


def test_cli_exit_status_and_json(tmp_path):
    path = tmp_path / "2025.yaml"
    path.write_text(CLEAN.replace("value: 95, unit", "value: 96, unit"), encoding="utf-8")
    result = subprocess.run([sys.executable, "-m", "generator", "check", str(path), "--format", "json"], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 1
    (finding,) = json.loads(result.stdout)
    assert finding["rule"] == "rate-mismatch" and finding["severity"] == "error"
    assert finding["file"] == str(path) and finding["line"] == 10
    path.write_text(CLEAN, encoding="utf-8")
    result = subprocess.run([sys.executable, "-m", "generator", "check", str(path)], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0
    assert result.stdout.strip() == f"{path}: 0 errors, 0 warnings, 0 notes"
