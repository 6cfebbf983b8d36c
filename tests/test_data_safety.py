"""A data file is data, never a program. Its text sees only the documented figures and names;
nothing in it can read or write a file, run long, fill memory, or print a wrong figure in
silence. Each refusal is one located Chinese line, exit status 2, with nothing written."""
from __future__ import annotations

import gc
import importlib
import os
import subprocess
import sys
import weakref

import pytest
from jinja2.exceptions import SecurityError, UndefinedError

from generator import cli
from generator.pipeline import figures, yamlsource
from generator.pipeline.model import Figure

from .datafiles import GOOD, PARAGRAPH, body_of, build, refused, variant
from .helpers import ROOT, SAMPLE

resolve = importlib.import_module("generator.pipeline.resolve")  # the module, not its function


def with_text(expression: str) -> str:
    return variant("{{ 审结 }}", expression)


# -- the text of a report sees the figures' documented members, year, region and issuer -----------

@pytest.mark.parametrize("expression", [
    "{{ 审结.figure.location.path.joinpath('/etc/passwd').read_text() }}",
    "{{ 审结.figure.location.path.parent.joinpath('pwned').write_text('x') }}",
    "{{ 审结.figure.location.path.unlink() }}",
    "{{ 审结.figure }}",
    "{{ 审结._figure }}",
    "{{ 审结.__class__ }}",
    "{{ 审结.yoy.__self__ }}",
    "{{ 审结.yoy.__globals__ }}",
    "{{ 审结['figure'] }}",
    "{{ 审结|attr('figure') }}",
    "{{ region.format(year) }}",
    "{{ region.upper() }}",
    "{{ year.__class__.__mro__ }}",
    "{{ ''.__class__ }}",
    "{{ lipsum(100000) }}",
    "{{ range(10) }}",
    "{{ namespace() }}",
    "{{ cycler }}",
    "{{ self }}",
    "{% include '/etc/passwd' %}",
    "{% import 'x.html' as x %}",
    "{% extends '/etc/passwd' %}",
])
def test_a_text_cannot_reach_beyond_the_documented_names(tmp_path, capsys, expression):
    line, _, message = refused(tmp_path, capsys, with_text(expression))
    assert line == 11
    assert not (tmp_path / "pwned").exists()


def test_a_misspelt_member_is_named_with_the_documented_ones(tmp_path, capsys):
    assert refused(tmp_path, capsys, with_text("{{ 审结.figure }}"))[2] == "数字“审结”没有“.figure”；可以用的有 .number、.unit、.value、.yoy()、.change()"
    assert refused(tmp_path, capsys, with_text("{{ 审结.numbr }}"))[2] == "数字“审结”没有“.numbr”（是否想写“number”？）"


def test_the_documented_members_work(tmp_path, capsys):
    text = with_text("{{ 审结.number }}|{{ 审结.unit }}|{{ 审结.value + 1 }}|{{ 审结.yoy() }}|{{ 审结.yoy(2) }}|{{ 审结.change() }}|{{ year - 1 }}|{{ region }}|{{ issuer }}")
    assert body_of(tmp_path, capsys, text) == "全年审结行政诉讼案件130|件|131|同比增长66.7%|同比增长66.67%|增加52件|2023|某县|某县人民政府，败诉率5.38%。"


def test_conditions_and_comments_are_allowed(tmp_path, capsys):
    """A comment is removed even from a text with no {{ }} in it."""
    text = variant(PARAGRAPH, '  - "{% if 审结.value > 100 %}审结过百。{% else %}审结不多。{% endif %}{# 此处数字待核 #}"\n  - 全年{#备注#}审结。')
    status, output = build(tmp_path, capsys, text)
    assert status == 0
    assert output.rstrip("\n").splitlines()[-2:] == ["审结过百。", "全年审结。"]


def test_the_sandbox_itself_allows_only_the_members(tmp_path):
    """Below the friendly checks: Jinja's sandbox with the allowlist."""
    value = figures.FigureValue(Figure("审结", None, unit="件", value=130), 130)  # type: ignore[arg-type]
    proxy = figures.TemplateFigure(value)
    render = lambda source: resolve._ENV.from_string(source).render(审结=proxy, region="某县")  # noqa: E731
    assert render("{{ 审结 }} {{ 审结.number }} {{ 审结.unit }}") == "130件 130 件"
    for source in ("{{ 审结.figure }}", "{{ 审结._figure }}", "{{ 审结['figure'] }}", "{{ region.upper() }}", "{{ region.format(1) }}", "{{ 审结.yoy.__self__ }}"):
        with pytest.raises((SecurityError, UndefinedError)):
            render(source)
    assert set(figures.TemplateFigure.MEMBERS) == {"number", "unit", "value", "yoy", "change"}
    assert "number、.unit、.value、.yoy()、.change()" in resolve._MEMBERS


# -- nothing a text asks for runs long or fills memory --------------------------------------------

@pytest.mark.parametrize("expression, says", [
    ("{{ 'x' * 10**9 }}", "乘方"),
    ("{{ 'x' * 1000000000 }}", "文字不能相乘"),
    ("{{ '%999999999d' % 1 }}", "文字不能相乘或取余"),
    ("{{ 'x'|center(1000000000) }}", "过滤器“|center”"),
    ("{% for a in '" + "x" * 1000 + "' %}{% for b in '" + "x" * 1000 + "' %}{{ a }}{% endfor %}{% endfor %}", "“{% for %}”循环"),
    ("{% macro f() %}{{ f() }}{% endmacro %}{{ f() }}", "“{% macro %}”宏"),
    ("{{ " + " * ".join(["99999999999999999999"] * 20) + " }}", "数太大"),
    ("{{ " + "(" * 1000 + "1" + ")" * 1000 + " }}", "嵌套太深"),
])
def test_expensive_expressions_are_refused(tmp_path, capsys, expression, says):
    line, _, message = refused(tmp_path, capsys, with_text(expression))
    assert line == 11 and says in message, message


def test_a_figure_cannot_be_assigned_in_the_text(tmp_path, capsys):
    assert refused(tmp_path, capsys, with_text("{% set 审结.value = 999 %}{{ 审结 }}")) == (11, 18, "数字“审结”的值只能在 figures 中修改，正文中不能给它赋值")
    assert "“{% set %}”赋值" in refused(tmp_path, capsys, with_text("{% set x = 1 %}{{ x }}"))[2]


def test_the_output_of_one_text_is_capped(tmp_path, capsys, monkeypatch):
    monkeypatch.setattr(resolve, "OUTPUT_LIMIT", 40)
    text = variant(PARAGRAPH, '  - "{{ issuer }}{{ issuer }}{{ issuer }}"').replace("issuer: 某县人民政府", "issuer: 某县全面依法治县委员会办公室与某县司法局")
    assert refused(tmp_path, capsys, text) == (11, 5, "这一段文字生成后超过 40 个字符，不像报告中的一段；请检查其中的表达式")
    text = variant(PARAGRAPH, "  - " + "全年审结" * 11)
    assert refused(tmp_path, capsys, text) == (11, 5, "这一段文字超过 40 个字符，不像报告中的一段；请检查是否粘贴了多余的内容")


def test_the_number_of_expressions_is_capped(tmp_path, capsys, monkeypatch):
    """The body is rendered before the title: the title's is the third."""
    monkeypatch.setattr(resolve, "MAX_EXPRESSIONS", 2)
    assert refused(tmp_path, capsys, GOOD) == (5, 10, "数据文件中的 {{ }} 表达式超过了 2 个，不像一份年度报告；请检查内容是否重复")


# -- YAML: no anchors, aliases or tags; nesting, size and values capped ---------------------------

BILLION_LAUGHS = "meta:\n  year: 2024\n" + 'lol0: &lol0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n' + "".join(
    f"lol{n}: &lol{n} [{','.join([f'*lol{n - 1}'] * 10)}]\n" for n in range(1, 10)
)


def test_billion_laughs_stop_at_the_first_anchor(tmp_path, capsys):
    assert len(BILLION_LAUGHS) < 2_000
    line, column, message = refused(tmp_path, capsys, BILLION_LAUGHS)
    assert (line, column) == (3, 7)
    assert message == "以“&”开头的写法是 YAML 的锚点或引用，数据文件中不能使用；如果这是正文文字，请把整段用英文双引号括起来"


@pytest.mark.parametrize("new, where, mark", [
    ("  败诉: &base {value: 7, unit: 件}\n  败诉2: *base", (8, 7), "&"),
    ("  败诉: &base {value: 7, unit: 件}\n  败诉2: {<<: *base}", (8, 7), "&"),
    ("  败诉: {value: 7, unit: 件}\n  败诉2: *base", (9, 8), "*"),
    ("  败诉: {value: 7, unit: 件}\n  败诉2: *败诉", (9, 9), "*"),  # PyYAML takes only ASCII names
])
def test_anchors_and_aliases_are_refused(tmp_path, capsys, new, where, mark):
    line, column, message = refused(tmp_path, capsys, variant("  败诉: {value: 7, unit: 件}", new))
    assert (line, column) == where
    assert message == f"以“{mark}”开头的写法是 YAML 的锚点或引用，数据文件中不能使用；如果这是正文文字，请把整段用英文双引号括起来"


@pytest.mark.parametrize("tag", ["!!python/object/apply:os.system", "!!python/name:os.system", "!foo", "!!timestamp", "!!binary", "!!str"])
def test_tags_are_refused(tmp_path, capsys, tag):
    line, column, message = refused(tmp_path, capsys, variant("  region: 某县", f"  region: {tag} 某县"))
    assert (line, column) == (3, 11)
    assert message == f"数据文件中不能使用 YAML 标签“{tag}”；如果这是正文文字，请把整段用英文双引号括起来"


@pytest.mark.parametrize("nested", ["[" * 10_000 + "]" * 10_000, "{a: " * 5_000 + "1" + "}" * 5_000])
def test_deep_nesting_is_refused(tmp_path, capsys, nested):
    line, _, message = refused(tmp_path, capsys, variant("  region: 某县", f"  region: {nested}"))
    assert line == 3 and message == f"这里的内容嵌套超过 {yamlsource.MAX_DEPTH} 层；请检查缩进和括号是否配对"


def test_the_number_of_values_is_capped(tmp_path, capsys, monkeypatch):
    monkeypatch.setattr(yamlsource, "MAX_NODES", 40)
    text = GOOD + "".join(f"  - 第{n}段。\n" for n in range(30))
    line, column, message = refused(tmp_path, capsys, text)
    assert (line, column) == (14, 5)  # the 41st value: 第2段
    assert message == "数据文件中的条目超过 40 项，不像一份年度报告；请检查文件是否选错或内容是否重复"


def run_without_place(data: str, tmp_path, capsys) -> str:
    """The one line of a refusal that names a file but no place in it."""
    out = tmp_path / "out"
    assert cli.main(["build", data, "-o", str(out), "--format", "txt"]) == 2
    captured = capsys.readouterr()
    assert captured.out == "" and len(captured.err.splitlines()) == 1 and "Traceback" not in captured.err
    assert not out.exists()
    return captured.err.strip()


def test_the_file_size_is_capped(tmp_path, capsys, monkeypatch):
    monkeypatch.setattr(yamlsource, "MAX_BYTES", 100)
    data = tmp_path / "2024.yaml"
    data.write_text(GOOD, encoding="utf-8")
    assert run_without_place(str(data), tmp_path, capsys).startswith(f"错误：{data}：文件超过")


@pytest.mark.parametrize("path", ["/dev/zero", "/dev/null"])
def test_only_a_regular_file_is_read(tmp_path, capsys, path):
    assert run_without_place(path, tmp_path, capsys) == f"错误：{path}：不是普通文件，无法作为数据文件读取；请指定一个 .yaml 文件"


def test_a_folder_is_looked_at_two_levels_deep_only(tmp_path, capsys):
    """`build /` stands for the <year>.yaml files of / and its direct subfolders: it does not
    walk the whole disk."""
    assert run_without_place("/", tmp_path, capsys) == "错误：/ 中及其下一层文件夹中都没有 <年份>.yaml 数据文件（例如 2024.yaml）"


def test_a_fifo_does_not_block(tmp_path):
    """Opening a FIFO for reading waits for a writer; the data file is never opened. (The timeout
    only keeps a regression from hanging the suite.)"""
    fifo = tmp_path / "2024.yaml"
    os.mkfifo(fifo)
    result = subprocess.run([sys.executable, "-m", "generator", "build", str(fifo), "-o", str(tmp_path / "out")],
                            cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert result.returncode == 2
    assert result.stderr == f"错误：{fifo}：不是普通文件，无法作为数据文件读取；请指定一个 .yaml 文件\n"


# -- characters no report can hold ------------------------------------------------------------

@pytest.mark.parametrize("written, column, code", [
    ("全年\x01审结", 7, "U+0001"),
    ("全年\x00审结", 7, "U+0000"),
    ("全年\x1b审结", 7, "U+001B"),
    ("全年\x7f审结", 7, "U+007F"),
    ("全年\ufffe审结", 7, "U+FFFE"),
    ("全年\ue000审结", 7, "U+E000"),
])
def test_a_control_character_pasted_in(tmp_path, capsys, written, column, code):
    assert refused(tmp_path, capsys, variant("全年审结", written)) == (11, column, f"这里有一个看不见的特殊字符 {code}（多是从 Word 或网页复制带来的），请删除它")


@pytest.mark.parametrize("escape, code", [
    ("\\x01", "U+0001"), ("\\0", "U+0000"), ("\\e", "U+001B"), ("\\u0008", "U+0008"),
    ("\\ud800", "U+D800"), ("\\uFFFF", "U+FFFF"), ("\\U0000FFFE", "U+FFFE"),
])
def test_a_control_character_written_as_an_escape(tmp_path, capsys, escape, code):
    text = variant(PARAGRAPH, f'  - "全年{escape}审结。"')
    assert refused(tmp_path, capsys, text) == (11, 8, f"双引号中的“{escape}”表示看不见的特殊字符 {code}，报告中不能有这种字符；请删除它")


def test_escapes_of_printable_line_breaks_are_allowed(tmp_path, capsys):
    """The importer writes U+2028 and U+0085 as \\L and \\N; a tab is fine too (spaces between
    Chinese characters are dropped)."""
    assert body_of(tmp_path, capsys, variant(PARAGRAPH, '  - "全年\\t审结\\L行政\\N案件。"')) == "全年审结行政案件。"


def test_a_control_character_in_a_key(tmp_path, capsys):
    assert refused(tmp_path, capsys, variant("  region: 某县", '  "reg\\x01ion": 某县'))[:2] == (3, 7)


def test_invalid_utf8_is_located(tmp_path, capsys):
    assert refused(tmp_path, capsys, GOOD.encode("utf-8").replace("某县".encode(), b"\xc4\xb3\xcf\xd8", 1)) == (  # GBK

        3, 12, "文件不是 UTF-8 编码；请另存为 UTF-8（WPS/Word：另存为 → 编码 UTF-8）"
    )


# -- figures that would print wrong without a word -------------------------------------------

@pytest.mark.parametrize("written", [".inf", "-.inf", ".nan", ".NaN", "1.0e+999"])
def test_infinite_values(tmp_path, capsys, written):
    line, column, message = refused(tmp_path, capsys, variant("value: 7,", f"value: {written},"))
    assert (line, column) == (8, 15) and "figures.败诉.value" in message


def test_a_number_of_more_than_4300_digits(tmp_path, capsys):
    assert refused(tmp_path, capsys, variant("value: 7,", f"value: {'9' * 5000},")) == (8, 15, "这个数字超过 4300 位，不可能是统计数字；请改正")


def test_an_absurdly_large_value(tmp_path, capsys):
    assert refused(tmp_path, capsys, variant("value: 7,", f"value: {'9' * 20},"))[:2] == (8, 15)


def test_octal_is_not_read_as_511(tmp_path, capsys):
    assert refused(tmp_path, capsys, variant("value: 7,", "value: 0777,"))[2] == "figures.败诉.value 的数字前面不要加 0：写作 777（YAML 会把 0777 读作八进制数 511）"


@pytest.mark.parametrize("old, new, where", [
    ("value: 7, unit: 件}", "value: -5, unit: 件, display: 余}", (8, 15)),
    ("value: 7, unit: 件}", "value: 5, last_year: -5, unit: 件, display: 余万}", (8, 29)),
])
def test_a_negative_value_shown_with_yu(tmp_path, capsys, old, new, where):
    line, column, message = refused(tmp_path, capsys, variant(old, new))
    assert (line, column) == where and "带“余”的写法只用于正数" in message


def test_a_negative_formula_shown_with_yu(tmp_path, capsys):
    text = variant("  败诉率: {formula: 败诉 / 审结, percent: true, precision: 2}", "  败诉率: {formula: 败诉 - 审结, display: 余}")
    assert refused(tmp_path, capsys, text) == (9, 18, "数字“败诉率”的公式算出 -123，带“余”的写法（display: 余）只用于正数；请检查公式或去掉 display")


def test_a_formula_that_overflows(tmp_path, capsys):
    text = variant("{formula: 败诉 / 审结,", "{formula: 败诉 * 1e300 * 1e300,")
    assert refused(tmp_path, capsys, text) == (9, 18, "数字“败诉率”的公式算出的数太大或嵌套太深，无法计算；请检查公式")


@pytest.mark.parametrize("precision", ["-3", "1.5", "true", "7"])
def test_yoy_precision_must_be_0_to_6(tmp_path, capsys, precision):
    line, column, message = refused(tmp_path, capsys, with_text(f"{{{{ 审结.yoy({precision}) }}}}"))
    assert (line, column) == (11, 5)
    assert message.startswith("审结.yoy() 括号中是保留的小数位数，应为 0 至 6 之间的整数")


@pytest.mark.parametrize("name", ["year", "region", "issuer"])
def test_a_figure_named_like_the_report_names(tmp_path, capsys, name):
    line, column, message = refused(tmp_path, capsys, variant("  败诉: {value", f"  {name}: 5\n  败诉: {{value"))
    assert (line, column) == (8, 3)
    assert message.startswith(f"数字不能叫“{name}”：正文中的 {{{{ {name} }}}} 表示")


@pytest.mark.parametrize("name", ["if", "True", "none"])
def test_a_figure_named_like_a_keyword(tmp_path, capsys, name):
    assert refused(tmp_path, capsys, variant("  败诉: {value", f"  {name}: 5\n  败诉: {{value"))[:2] == (8, 3)


def test_an_unfilled_value_shows_the_placeholder_never_none(tmp_path, capsys):
    text = variant("审结: {value: 130, unit: 件, last_year: 78}", "审结: {last_year: 78, unit: 件}").replace("，败诉率{{ 败诉率 }}", "，即{{ 审结.value }}")
    assert body_of(tmp_path, capsys, text) == "全年审结行政诉讼案件【待填：审结，2023年为78件】，即【待填：审结，2023年为78件】。"


# -- numbering stops where Chinese numerals stop --------------------------------------------------

def test_a_thousandth_section(tmp_path, capsys):
    text = variant(PARAGRAPH, "".join(f"  - section: 第{n}节\n" for n in range(1000)))
    assert refused(tmp_path, capsys, text) == (1010, 5, "这是用“一、”编号的第 1000 个章节；中文序号最多编到九百九十九，请拆分章节或改用 numbering: \"1.\"")


def test_a_thousandth_item(tmp_path, capsys):
    text = variant(PARAGRAPH, "  - items:\n" + "".join(f"    - 第{n}项；\n" for n in range(1000)))
    assert refused(tmp_path, capsys, text)[:2] == (1011, 7)


# -- memory: reading a file keeps nothing of it ---------------------------------------------------

def test_reading_keeps_no_node_alive():
    """PyYAML's constructor remembers every node it built; ours is made for each value."""
    source, root = yamlsource.read(SAMPLE)
    year = root.value[0][1].value[0][1]
    assert yamlsource.scalar_value(year) == 2024
    probe = weakref.ref(year)
    del source, root, year
    gc.collect()
    assert probe() is None
