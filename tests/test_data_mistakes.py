"""The mistakes clerks make in a data file are explained in Chinese, at the line where they were
made, with the fix: quotes left open, full-width colons and braces, numbers typed as in Word,
text that YAML reads as something else, a file named for another year."""
from __future__ import annotations

import pytest

from .datafiles import GOOD, PARAGRAPH, body_of, build, refused, variant


def test_the_valid_file_builds(tmp_path, capsys):
    assert body_of(tmp_path, capsys, GOOD) == "全年审结行政诉讼案件130件，败诉率5.38%。"


# -- quotes, colons, braces ----------------------------------------------------------------------

def test_a_quote_left_open_is_found_where_it_opens(tmp_path, capsys):
    """The open quote takes the text up to the next quote, two lines down; PyYAML complains there."""
    text = variant(PARAGRAPH, '  - "全年审结行政诉讼案件。\n  - 第二段。\n  - "第三段。"\n  - 第四段。')
    line, column, message = refused(tmp_path, capsys, text)
    assert (line, column) == (11, 5)
    assert message == "这里开始的英文引号没有在本行结束，一直延续到第 13 行；请在这段文字末尾补上同样的引号"


def test_a_quote_left_open_to_the_end_of_the_file(tmp_path, capsys):
    text = variant(PARAGRAPH, '  - 第一段。\n  - "最后一段。')
    assert refused(tmp_path, capsys, text) == (12, 5, "这里开始的英文引号一直没有结束；请在这段文字末尾补上同样的引号")


def test_text_after_a_closing_quote(tmp_path, capsys):
    line, column, message = refused(tmp_path, capsys, variant(PARAGRAPH, '  - "国务院"关于加强法治政府建设的意见。'))
    assert (line, column) == (11, 10)
    assert "引号结束后这一行还有文字" in message and "中文引号“”" in message


@pytest.mark.parametrize("old, new, where, key", [
    ("  region: 某县", "  region：邓州市", (3, 9), "region"),
    ("  title: 某县", "  title：某县", (5, 8), "title"),
    ("  审结: {value", "  审结：{value", (7, 5), "审结"),
])
def test_a_full_width_colon_after_a_key(tmp_path, capsys, old, new, where, key):
    """PyYAML reads `region：邓州市` as the start of a longer text and complains a line later."""
    line, column, message = refused(tmp_path, capsys, variant(old, new))
    assert (line, column) == where
    assert message == f"“{key}”后面用了全角冒号“：”；键和值之间要用英文冒号加一个空格，写作 {key}: ……"


def test_a_full_width_colon_that_still_parses(tmp_path, capsys):
    """`审结：130` alone under figures is one text where a mapping belongs."""
    text = GOOD.replace("  审结: {value: 130, unit: 件, last_year: 78}\n  败诉: {value: 7, unit: 件}\n  败诉率: {formula: 败诉 / 审结, percent: true, precision: 2}", "  审结：130").replace(PARAGRAPH, "  - 全年。")
    assert refused(tmp_path, capsys, text)[:2] == (7, 5)


def test_a_full_width_colon_after_section(tmp_path, capsys):
    line, column, message = refused(tmp_path, capsys, variant(PARAGRAPH, "  - section：主要举措和成效\n" + PARAGRAPH))
    assert (line, column) == (11, 12) and message.startswith("“section”后面用了全角冒号“：”；键和值之间要用英文冒号")


def test_a_colon_and_space_in_a_sentence(tmp_path, capsys):
    line, column, message = refused(tmp_path, capsys, variant(PARAGRAPH, "  - 主要做法: 一是加强学习。"))
    assert (line, column) == (11, 5)
    assert "中文冒号“：”" in message and "英文双引号" in message


@pytest.mark.parametrize("new, where", [
    ("  - {{ year }}年，全县审结行政诉讼案件{{ 审结 }}。", (11, 5)),
    ("  - {{ 审结 }}", (11, 5)),
])
def test_unquoted_text_starting_with_braces(tmp_path, capsys, new, where):
    line, column, message = refused(tmp_path, capsys, variant(PARAGRAPH, new))
    assert (line, column) == where
    assert message.startswith("以“{{”") and "英文双引号把整段括起来" in message


def test_an_unquoted_title_starting_with_braces(tmp_path, capsys):
    line, column, message = refused(tmp_path, capsys, variant("  title: 某县人民政府关于{{ year }}年法治政府建设情况的报告", "  title: {{ issuer }}关于{{ year }}年法治政府建设情况的报告"))
    assert (line, column) == (5, 10) and "英文双引号" in message


def test_quoted_text_starting_with_braces_is_fine(tmp_path, capsys):
    assert body_of(tmp_path, capsys, variant(PARAGRAPH, '  - "{{ year }}年，审结{{ 审结 }}。"')) == "2024年，审结130件。"


@pytest.mark.parametrize("typed", ["｛｛ 审结 ｝｝", "{{ 审结 ｝｝", "｛{ 审结 }}"])
def test_braces_typed_with_a_chinese_input_method(tmp_path, capsys, typed):
    line, column, message = refused(tmp_path, capsys, variant("{{ 审结 }}", typed))
    assert (line, column) == (11, 15)
    assert message == f"“{typed}”中的花括号是用中文输入法打出的全角括号；请切换到英文输入法，写作 {{{{ 审结 }}}}"


@pytest.mark.parametrize("old, new, where", [
    ("unit: 件}\n  败诉率", "unit: %}\n  败诉率", (8, 24)),
    ("  败诉: {value: 7, unit: 件}", "  败诉:\n    value: 7\n    unit: %", (10, 11)),
    ("  region: 某县", "  region: @某县", (3, 11)),
])
def test_characters_that_need_quotes(tmp_path, capsys, old, new, where):
    line, column, message = refused(tmp_path, capsys, variant(old, new))
    assert (line, column) == where
    assert "英文双引号" in message


def test_a_backslash_in_double_quotes(tmp_path, capsys):
    """A Windows path: \\文 is no escape YAML knows."""
    line, column, message = refused(tmp_path, capsys, variant(PARAGRAPH, '  - "材料见 D:\\文件夹\\报告。"'))
    assert (line, column) == (11, 12)
    assert message == "双引号中的反斜杠“\\”后面跟了无法识别的字符；要写反斜杠本身请写成 \\\\，或改用单引号括起来"


def test_a_tab_for_indentation(tmp_path, capsys):
    assert refused(tmp_path, capsys, variant("  region: 某县", "\tregion: 某县")) == (3, 1, "这一行用 Tab 键缩进了；请改用空格（每级两个空格）")


def test_a_line_indented_one_space_too_far(tmp_path, capsys):
    line, column, message = refused(tmp_path, capsys, variant("  region: 某县", "   region: 某县"))
    assert (line, column) == (3, 10) and "缩进" in message


def test_text_starting_with_an_asterisk(tmp_path, capsys):
    line, column, message = refused(tmp_path, capsys, variant(PARAGRAPH, "  - * 重点工作：全年审结。"))
    assert line == 11 and "英文双引号" in message


# -- numbers typed as in Word ---------------------------------------------------------------------

@pytest.mark.parametrize("old, new, where, message", [
    ("value: 130,", "value: 1,020,", (7, 15), "数字中不要用逗号分隔千位：“1,020”要写作 1020"),
    ("value: 130,", "value: 1,020,300,", (7, 15), "数字中不要用逗号分隔千位：“1,020,300”要写作 1020300"),
    ("  败诉: {value: 7, unit: 件}", "  败诉:\n    value: 1,020\n    unit: 件", (9, 12), "数字中不要用逗号分隔千位：“1,020”要写作 1020"),
    ("value: 7,", "value: 1_020,", (8, 15), "数字中不要用下划线分隔：“1_020”要写作 1020"),
    ("value: 7,", "value: 0777,", (8, 15), "figures.败诉.value 的数字前面不要加 0：写作 777（YAML 会把 0777 读作八进制数 511）"),
    ("value: 7,", "value: 08,", (8, 15), "figures.败诉.value 的数字前面不要加 0：写作 8"),
    ("value: 7,", "value: 7件,", (8, 15), "figures.败诉.value 只写数字，单位写在 unit 中：写作 7，并加上 unit: 件"),
    ("value: 7,", "value: １０２０,", (8, 15), "figures.败诉.value 的数字要用英文输入法（半角）输入：写作 1020"),
    ("value: 7,", 'value: "7",', (8, 15), "figures.败诉.value 的数字不要加引号：写作 7"),
    ("value: 7,", "value: 七,", (8, 15), "figures.败诉.value 应为数字，例如 217 或 98.48，这里写的是文字“七”"),
    ("  year: 2024", "  year: 二〇二四", (2, 9), "meta.year 应为 1990 至 2100 之间的整数，这里写的是文字“二〇二四”"),
    ("  year: 2024", "  year: 2024.5", (2, 9), "meta.year 应为 1990 至 2100 之间的整数，这里写的是数字 2024.5"),
])
def test_numbers_written_as_in_word(tmp_path, capsys, old, new, where, message):
    assert refused(tmp_path, capsys, variant(old, new)) == (*where, message)


def test_a_percent_sign_after_the_number(tmp_path, capsys):
    line, column, message = refused(tmp_path, capsys, variant("value: 7,", "value: 12.5%,"))
    assert (line, column) == (8, 15)
    assert "写作 12.5" in message and 'unit: "%"' in message and "percent: true" in message and "docs/data-format.md" in message


# -- names, keys, the year ------------------------------------------------------------------------

def test_an_unknown_key_with_a_suggestion(tmp_path, capsys):
    assert refused(tmp_path, capsys, variant("  region: 某县", "  region: 某县\n  tilte: x")) == (4, 3, "meta 中没有“tilte”这一项（是否想写“title”？）")


def test_an_unknown_key_without_a_close_one(tmp_path, capsys):
    line, column, message = refused(tmp_path, capsys, variant("value: 7,", "value: 7, colour: 红,"))
    assert (line, column) == (8, 18)
    assert message.startswith("figures.败诉 中没有“colour”这一项；可以写的有：value、last_year、formula、unit")


def test_a_missing_key(tmp_path, capsys):
    assert refused(tmp_path, capsys, variant("  issuer: 某县人民政府\n", "")) == (2, 3, "meta 缺少“issuer”这一项；必须写的有：year、region、issuer、title")


def test_an_unknown_body_entry(tmp_path, capsys):
    assert refused(tmp_path, capsys, variant(PARAGRAPH, "  - sektion: 标题")) == (11, 5, "正文中没有“sektion”这种写法（是否想写“section”？）")


def test_a_file_named_for_another_year(tmp_path, capsys):
    line, column, message = refused(tmp_path, capsys, GOOD, name="2025.yaml")
    assert (line, column) == (2, 9)
    assert message == "文件名是 2025.yaml，meta.year 却是 2024；请把 meta.year 改为 2025，或把文件改名为 2024.yaml"


def test_a_file_named_otherwise_may_hold_any_year(tmp_path, capsys):
    status, output = build(tmp_path, capsys, GOOD, name="草稿.yaml")
    assert status == 0 and output.startswith("某县人民政府关于2024年法治政府建设情况的报告")


def test_a_date_that_does_not_exist(tmp_path, capsys):
    text = variant("  title:", "  published: {date: 2025-02-30, source: 某县}\n  title:")
    assert refused(tmp_path, capsys, text) == (5, 21, "没有 2025-02-30 这个日期：2025年2月只有28天；请改正")


def test_a_month_that_does_not_exist(tmp_path, capsys):
    text = variant("  title:", "  signature: {issuer: 某县人民政府, date: 2025-13-01}\n  title:")
    line, column, message = refused(tmp_path, capsys, text)
    assert (line, column) == (5, 37) and message.startswith("没有 2025-13-01 这个日期：一年只有 12 个月")


def test_a_table_row_of_the_wrong_length(tmp_path, capsys):
    text = variant(PARAGRAPH, "  - table:\n      header: [项目, 数量]\n      rows:\n        - [行政复议]")
    assert refused(tmp_path, capsys, text) == (14, 11, "表格的这一行有 1 个单元格，表头有 2 个；每一行的单元格数要与表头相同")


def test_a_joint_signature_lists_its_issuers_and_the_text_prints_each(tmp_path, capsys):
    text = variant("  title:", "  signature:\n    issuer: [中共某县委员会, 某县人民政府]\n    date: 2025-03-18\n  title:")
    status, printed = build(tmp_path, capsys, text)
    assert status == 0
    assert printed.splitlines()[-3:] == ["中共某县委员会", "某县人民政府", "2025年3月18日"]


@pytest.mark.parametrize(("issuers", "count"), [("[]", 0), ("[" + ", ".join(f"某县第{n}局" for n in range(11)) + "]", 11)])
def test_a_joint_signature_names_one_to_ten_issuers(tmp_path, capsys, issuers, count):
    text = variant("  title:", f"  signature:\n    issuer: {issuers}\n    date: 2025-03-18\n  title:")
    assert refused(tmp_path, capsys, text) == (
        6, 13, f"meta.signature.issuer 应写 1 至 10 个发文机关署名（联合行文按版头中的顺序，主办机关在前），这里有 {count} 个")


# -- the same mistakes inside a figure's {…} -----------------------------------------------------

@pytest.mark.parametrize("written, column, message", [
    ("{value：7, unit: 件}", 13, "“value”后面用了全角冒号“：”；键和值之间要用英文冒号加一个空格，写作 value: 7"),
    ("{value:7, unit: 件}", 13, "“value”后面的英文冒号与值之间少了一个空格；键和值之间要用英文冒号加一个空格，写作 value: 7"),
    ("{value: 7, unit:件}", 22, "“unit”后面的英文冒号与值之间少了一个空格；键和值之间要用英文冒号加一个空格，写作 unit: 件"),
    ("{value: 7, unit 件}", 22, "“unit”后面少了英文冒号；键和值之间要用英文冒号加一个空格，写作 unit: 件"),
    ("{value: 7 unit: 件}", 16, "“7”和“unit”之间少了一个英文逗号；花括号中各项之间要用英文逗号加一个空格，写作 7, unit: ……"),
    ("{value: 7，unit: 件}", 16, "“7”后面用了全角逗号“，”；花括号中各项之间要用英文逗号加一个空格，写作 7, unit: ……"),
])
def test_a_typo_inside_a_figures_braces_is_named_exactly(tmp_path, capsys, written, column, message):
    """As at block level: the place of the slip and the fix, not a guess at a key."""
    assert refused(tmp_path, capsys, variant("  败诉: {value: 7, unit: 件}", f"  败诉: {written}")) == (8, column, message)


@pytest.mark.parametrize("written", ["    value:7\n    unit: 件", "    unit: 件\n    value:7"])
def test_a_colon_without_its_space_at_block_level(tmp_path, capsys, written):
    text = variant("  败诉: {value: 7, unit: 件}", f"  败诉:\n{written}")
    line = 8 + written.splitlines().index("    value:7") + 1
    assert refused(tmp_path, capsys, text) == (line, 10, "“value”后面的英文冒号与值之间少了一个空格；键和值之间要用英文冒号加一个空格，写作 value: 7")
