"""`import` turns a published report back into data that renders to the same text."""
from __future__ import annotations

import datetime
import re
from pathlib import Path

import pytest
import yaml

from generator import cli
from generator.chinese import differences, normalize
from generator.commands.check import check
from generator.importer import Imported, Stated, dump, import_report, write
from generator.importer.reading import strip_web_chrome
from generator.pipeline.loader import load
from generator.pipeline.resolve import resolve
from generator.writers import text

from .helpers import SAMPLE

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "seeds" / "000_4d44c9ce54bb60c3.txt"
SAMPLES = ROOT / "tests" / "import_samples"
# Written exactly as the text writer lays a report out: they must come back byte for byte.
RENDERED_FORM = [
    SAMPLES / "enumeration_under_top.txt",
    SAMPLES / "recipient_signature.txt",
    SAMPLES / "running_items.txt",
    *sorted((ROOT / "tests" / "shapes").glob("*.txt")),
]


def roundtrip(source: Path, tmp_path: Path, stated: Stated = Stated()) -> tuple[Imported, str, Path]:
    imported = import_report(source, stated)
    data = tmp_path / "imported.yaml"
    assert write(imported, data) == []
    return imported, text.render(resolve(load(data))), data


def body_text(data: Path) -> str:
    return data.read_text(encoding="utf-8").partition("\nbody:")[2]


# -- the seed: a web page copy, NFKC-folded, with page chrome and a lost heading number ----------

@pytest.fixture(scope="module")
def seed_import(tmp_path_factory) -> tuple[Imported, str, Path]:
    return roundtrip(SEED, tmp_path_factory.mktemp("seed"))


def test_seed_renders_back_to_itself_except_the_reported_repair(seed_import):
    imported, rendered, _ = seed_import
    assert [(normalize(r.seed), normalize(r.ours)) for r in imported.repairs] == [(")健全社会矛盾纠纷行政", "(七)健全社会矛盾纠纷行政")]
    expected = normalize(strip_web_chrome(SEED.read_text(encoding="utf-8")))
    repaired = expected.replace(")健全社会矛盾纠纷行政", "(七)健全社会矛盾纠纷行政")
    assert differences(repaired, normalize(rendered)) == []


def test_seed_statistics_become_figures_with_units_and_display_forms(seed_import):
    imported, _, data = seed_import
    figures = {(f["value"], f["unit"], f.get("display", "")) for f in imported.figures.values()}
    assert {(298389, "件", ""), (5.38, "%", ""), (98.48, "%", ""), (30, "部", "余"), (200000, "条", "余万"),
            (60000, "人", "万余"), (20000000, "条", "万"), (1000, "名", "余")} <= figures
    body = body_text(data)
    for number in ("298389", "5.38", "98.48", "20余万", "6万余"):
        assert number not in body
    for kept in ("“24.7”", "第四名", "《宛城区2024年度法治政府建设工作安排》", "{{ year - 1 }}年度法治政府建设考核反馈问题整改情况"):
        assert kept in body
    assert re.findall(r"20\d\d", body) == ["2024"]  # the report's own years are relative; a book title's stays
    assert all(name.isidentifier() for name in imported.figures)
    assert imported.figures["网上办件总量"] == {"value": 298389, "unit": "件", "label": "网上办件总量"}


def test_figures_are_named_by_what_they_count_and_labelled_by_their_clause(seed_import, tmp_path):
    imported, _, data = seed_import
    named = {name: figure.get("label") for name, figure in imported.figures.items()}
    assert named["行政复议办结"] == "办结行政复议案件"
    assert (named["行政诉讼审结"], named["行政诉讼败诉率"]) == ("行政诉讼审结", "行政诉讼败诉率")  # 审结, 败诉率 take the sentence's topic
    assert named["负责人出庭应诉率"] == "行政机关负责人出庭应诉率"
    assert named["矛盾纠纷调解成功"] == "矛盾纠纷调解成功"
    assert all(label for label in named.values())
    fragments = [name for name in named if re.search(r"(?:保持|达到|实现|为|达|的|了|等)$|^(?:全[县区市]|号|等)", name)]
    assert fragments == []
    drafted = tmp_path / "drafts"
    drafted.mkdir()
    (drafted / "2024.yaml").write_bytes(data.read_bytes())
    assert cli.main(["draft", "2025", "--data-dir", str(drafted)]) == 0
    body = text.render(resolve(load(drafted / "2025.yaml")))
    assert "【待填：行政机关负责人出庭应诉率，2024年为100%】" in body
    assert "【待填：办结行政复议案件，2024年为217件】" in body


def test_seed_meta_and_covers(seed_import):
    imported, _, _ = seed_import
    meta = imported.data["meta"]
    assert (meta["year"], meta["region"], meta["issuer"]) == (2024, "宛城区", "宛城区人民政府")
    assert meta["title"] == ["{{ issuer }}", "关于{{ year }}年法治政府建设情况的报告"]
    assert meta["published"] == {"date": datetime.date(2025, 3, 25), "source": "南阳市宛城区"}
    covers = [s.get("covers") for s in imported.data["body"] if isinstance(s, dict)]
    assert covers == ["第一责任人", "举措成效", "不足原因", "下年安排"]
    assert sorted(imported.chrome) == ["分享:", "扫一扫在手机打开当前页", "相关阅读:"]


def test_seed_import_passes_check(seed_import):
    _, _, data = seed_import
    assert [f for f in check(data) if f.severity == "error"] == []


def test_command_prints_a_summary_and_refuses_to_overwrite(tmp_path, capsys):
    target = tmp_path / "data" / "2024.yaml"
    assert cli.main(["import", str(SEED), "-o", str(target)]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0] == "报告年度 2024：19 个部分，65 项数据；修复 1 处，待核对 1 处"
    assert out[1] == "第31行 修复：“健全社会矛盾纠纷行政…”前的标题序号丢失，已补为（七）"
    assert out[2].startswith("第19行 待核对：标题长 180 字")
    assert out[3] == "略去网页或页面上不属于报告的 3 行：分享: | 相关阅读: | 扫一扫在手机打开当前页"
    assert out[4] == f"已写入 {target}"
    assert target.read_text(encoding="utf-8").startswith("# 由 000_4d44c9ce54bb60c3.txt 经 ./fazhi import 导入。请核对：")
    written = target.read_bytes()
    target.write_text("# mine\n", encoding="utf-8")
    assert cli.main(["import", str(SEED), "-o", str(target)]) == 2
    assert "--force" in capsys.readouterr().err
    assert target.read_text(encoding="utf-8") == "# mine\n"
    assert cli.main(["import", str(SEED), "-o", str(target), "--force"]) == 0
    assert target.read_bytes() == written
    assert [p.name for p in target.parent.iterdir()] == ["2024.yaml"]  # no temporary files left


# -- other shapes of the genre -------------------------------------------------------------------

@pytest.mark.parametrize("source", RENDERED_FORM, ids=lambda p: p.stem)
def test_report_in_rendered_form_comes_back_exactly(source, tmp_path):
    _, rendered, _ = roundtrip(source, tmp_path)
    assert rendered == source.read_text(encoding="utf-8")


def test_web_copy_of_a_county_report_with_run_in_top_level(tmp_path):
    source = SAMPLES / "county_runin_web.txt"
    imported, rendered, data = roundtrip(source, tmp_path)
    assert normalize(rendered) == normalize(strip_web_chrome(source.read_text(encoding="utf-8")))
    sections = [b for b in imported.data["body"] if isinstance(b, dict)]
    assert len(sections) == 6 and all(s.get("runin") for s in sections)
    body = body_text(data)
    assert not re.search(r"[\u4e00-\u9fff][,;:()]|[,;:()][\u4e00-\u9fff]", body)  # full-width beside Chinese
    assert "“12345”热线" in body and "2025年创成" in body  # quoted numbers and far years stay text
    assert imported.figures["政务服务事项网上可办率"] == {"value": 99.2, "unit": "%", "label": "政务服务事项网上可办率", "precision": 2}
    assert imported.figures["投诉举报受理"] == {"value": 240, "unit": "件", "label": "受理投诉（举报）"}


def test_enumeration_directly_under_a_top_heading(tmp_path):
    imported, _, _ = roundtrip(SAMPLES / "enumeration_under_top.txt", tmp_path)
    first = imported.data["body"][0]
    assert first["section"] == "主要举措和成效"
    assert list(first["body"][0]) == ["items"] and len(first["body"][0]["items"]) == 3
    assert imported.figures["罚没款"] == {"value": 235000000, "unit": "元", "label": "罚没款", "display": "亿"}
    assert imported.data["meta"]["region"] == "某市"


def test_recipient_web_block_signature_and_attachments(tmp_path):
    imported, _, _ = roundtrip(SAMPLES / "recipient_signature.txt", tmp_path)
    meta = imported.data["meta"]
    assert meta["recipient"] == "中共某市委员会，某市人民政府："
    assert meta["web"]["文号"] == "某政文〔2025〕8号"  # a document number stays text
    assert meta["signature"] == {"issuer": "某区人民政府", "date": datetime.date(2025, 3, 18)}
    assert [a["title"] for a in imported.data["attachments"]] == ["{{ year }}年度法治政府建设重点工作台账", "{{ year }}年度行政执法数据统计"]
    assert [b["bullet"][:6] for b in imported.data["body"] if "bullet" in b] == ["行政复议案件", "化解矛盾纠纷"]


def test_arabic_items_running_on_across_subsections(tmp_path):
    imported, _, _ = roundtrip(SAMPLES / "running_items.txt", tmp_path)
    second = imported.data["body"][1]["body"][1]  # （二）规范行政执法
    assert second["body"][0]["section"] == "深化执法监督" and second["body"][0]["continue"] is True


def test_docx_input(tmp_path):
    import docx

    paragraphs = ["某县人民政府", "关于2023年度法治政府建设情况的报告", "2023年，我县扎实推进法治政府建设。",
                  "一、主要举措和成效", "（一）深化改革。全年办理行政复议案件120件，纠错率8.3%。",
                  "二、存在的不足和原因", "基层力量薄弱。", "三、2024年工作安排", "一是完善制度；二是加强培训。",
                  "某县人民政府", "2024年3月1日"]
    document = docx.Document()
    for paragraph in paragraphs[:5]:
        document.add_paragraph(paragraph)
    table = document.add_table(rows=2, cols=2)
    for cell, value in zip(table._cells, ["项目", "数量", "行政复议", "120"]):
        cell.text = value
    for paragraph in paragraphs[5:]:
        document.add_paragraph(paragraph)
    source = tmp_path / "report.docx"
    document.save(source)
    imported, rendered, _ = roundtrip(source, tmp_path)
    assert normalize(rendered) == normalize("".join(paragraphs[:5]) + "项目数量行政复议120" + "".join(paragraphs[5:]))
    assert imported.data["body"][1]["body"][0]["body"][1] == {"table": {"header": ["项目", "数量"], "rows": [["行政复议", "120"]]}}
    assert imported.data["meta"]["signature"]["date"] == datetime.date(2024, 3, 1)
    assert imported.figures["行政复议办理"] == {"value": 120, "unit": "件", "label": "办理行政复议案件"}


# -- reports without a title, and what the user states --------------------------------------------

TITLE = "桐江县人民政府关于2023年度法治政府建设情况的报告"
OPENING = "2023年，我县坚持以习近平法治思想为指导，全面推进依法行政。"
BODY = ("一、主要举措和成效\n（一）规范执法。办理行政处罚案件356件。\n二、存在的不足和原因\n基层力量薄弱。\n"
        "三、2024年工作安排\n持续推进法治政府建设。\n")


def import_text(tmp_path: Path, content: str, stated: Stated = Stated()) -> tuple[Imported, str, Path]:
    source = tmp_path / "report.txt"
    source.write_text(content, encoding="utf-8")
    return roundtrip(source, tmp_path, stated)


def test_a_report_without_its_title_takes_year_and_place_from_its_opening_and_says_so(tmp_path):
    imported, rendered, _ = roundtrip(SAMPLES / "no_title.txt", tmp_path)
    meta = imported.data["meta"]
    assert (meta["year"], meta["region"], meta["issuer"]) == (2023, "青禾县", "青禾县人民政府")
    assert meta["title"] == ["{{ issuer }}", "关于{{ year }}年度法治政府建设情况的报告"]
    assert rendered.startswith("青禾县人民政府关于2023年度法治政府建设情况的报告\n\n2023年，青禾县在县委的坚强领导下")
    assert [(n.where, n.message.partition("，")[0]) for n in imported.notes] == [
        ("第1行", "原文没有标题"),  # the year, from the opening paragraph
        ("第1行", "地区“青禾县”取自正文开头“2023年"),
        ("", "原文没有写发文机关"),
        ("", "原文没有标题"),  # the title we supplied
    ]
    assert "meta.region" in imported.notes[1].message and "“青禾县人民政府”" in imported.notes[2].message


def test_without_a_title_the_issuer_is_read_from_the_signature(tmp_path):
    content = (SAMPLES / "no_title.txt").read_text(encoding="utf-8") + "\n青禾县司法局\n2024年2月20日\n"
    imported, _, _ = import_text(tmp_path, content)
    meta = imported.data["meta"]
    assert (meta["region"], meta["issuer"]) == ("青禾县", "青禾县司法局")
    assert meta["signature"] == {"issuer": "青禾县司法局", "date": datetime.date(2024, 2, 20)}
    assert not any("meta.region" in n.message or "meta.issuer" in n.message for n in imported.notes)


def test_a_report_without_a_title_or_a_year_takes_the_year_from_the_page_date(tmp_path):
    imported, _, _ = import_text(tmp_path, "发布时间：2024-03-15\n我县全面推进依法行政，法治政府建设取得新成效。\n" + BODY)
    assert imported.data["meta"]["year"] == 2023
    assert any("发布时间 2024-03-15 推定报告年度为 2023 年" in n.message for n in imported.notes)


def test_what_the_text_does_not_say_can_be_stated_on_the_command_line(tmp_path, capsys):
    target = tmp_path / "2023.yaml"
    assert cli.main(["import", str(SAMPLES / "no_title.txt"), "-o", str(target),
                     "--title", "青禾县人民政府关于2023年度法治政府建设情况的报告", "--region", "青禾县"]) == 0
    assert capsys.readouterr().out.splitlines()[0].endswith("修复 0 处，待核对 0 处")
    meta = yaml.safe_load(target.read_text(encoding="utf-8"))["meta"]
    assert (meta["year"], meta["region"], meta["issuer"]) == (2023, "青禾县", "青禾县人民政府")
    assert meta["title"] == ["{{ issuer }}", "关于{{ year }}年度法治政府建设情况的报告"]

    source = tmp_path / "no_year.txt"
    source.write_text("青禾县法治政府建设情况报告\n全面推进依法行政。\n", encoding="utf-8")
    assert cli.main(["import", str(source), "-o", str(tmp_path / "a.yaml"), "--year", "2023", "--issuer", "青禾县司法局"]) == 0
    out = capsys.readouterr().out
    meta = yaml.safe_load((tmp_path / "a.yaml").read_text(encoding="utf-8"))["meta"]
    assert (meta["year"], meta["region"], meta["issuer"]) == (2023, "青禾县", "青禾县司法局")
    assert "待核对 0 处" in out


def test_text_that_is_no_report_of_this_kind_is_refused_with_advice(tmp_path, capsys):
    source = tmp_path / "notice.txt"
    source.write_text("关于举办春季运动会的通知\n各单位：\n定于4月10日举办春季运动会，请报名。\n", encoding="utf-8")
    assert cli.main(["import", str(source), "-o", str(tmp_path / "out.yaml")]) == 2
    err = capsys.readouterr().err
    assert "看来不是法治政府建设情况报告" in err and "--title" in err


# -- page chrome: into meta, never into the body ------------------------------------------------

PUBLISHED = {"date": datetime.date(2024, 3, 15), "source": "桐江县司法局"}
WEB = {"索引号": "11331100/2024-00031", "发布机构": "桐江县人民政府办公室"}


@pytest.mark.parametrize("head, published, web", [
    (f"{TITLE}\n文章来源：桐江县司法局　更新时间：2024-03-15 09:30\n", PUBLISHED, None),
    (f"{TITLE}\n来源：桐江县司法局 发布时间：2024-03-15\n", PUBLISHED, None),
    (f"{TITLE}\n来源： 发布日期：2024-03-15\n", {"date": datetime.date(2024, 3, 15)}, None),
    (f"{TITLE}\n发布时间:2024-03-15 来源:桐江县司法局\n", PUBLISHED, None),
    (f"{TITLE}\n索 引 号：11331100/2024-00031\n发 布 机 构：桐江县人民政府办公室\n", None, WEB),
    (f"{TITLE}\n索　引　号：11331100/2024-00031　　发布机构：桐江县人民政府办公室\n", None, WEB),
    (f"{TITLE}\n索引号\t11331100/2024-00031\t发布机构\t桐江县人民政府办公室\n", None, WEB),
    (f"{TITLE}\n索 引 号：/备注/文号：/发布机构：/公文生成日期：\n", None, None),
    (f"发布时间：2024-03-15　来源：桐江县司法局\n{TITLE}\n", PUBLISHED, None),
    (f"索引号：11331100/2024-00031\n发布机构：桐江县人民政府办公室\n{TITLE}\n", None, WEB),
    (f"{TITLE}\n发布时间：2024-03-15　来源：桐江县司法局\n{TITLE}\n", PUBLISHED, None),
    (f"桐江县人民政府\n关于2023年度法治政府建设情况的报告\n来源：桐江县司法局 发布时间：2024-03-15\n{TITLE}\n", PUBLISHED, None),
    (f"{TITLE}\n【字体：大 中 小】【打印】\n作者：张三　浏览次数：128\n发布日期：2024/3/15\n", {"date": datetime.date(2024, 3, 15)}, None),
], ids=["文章来源-更新时间", "来源-发布时间", "来源空-发布日期", "半角冒号", "空格标签", "全角空格一行", "表格",
        "斜线空栏", "标题前", "元数据块在标题前", "标题重复", "两行标题重复为一行", "字体打印作者"])
def test_page_information_goes_to_meta_never_into_the_body(head, published, web, tmp_path):
    imported, rendered, data = import_text(tmp_path, head + OPENING + "\n" + BODY)
    meta = imported.data["meta"]
    assert (meta["year"], meta["region"], meta["issuer"]) == (2023, "桐江县", "桐江县人民政府")
    assert (meta.get("published"), meta.get("web")) == (published, web)
    assert imported.data["body"][0] == "{{ year }}年，我县坚持以习近平法治思想为指导，全面推进依法行政。"
    body = body_text(data)
    for chrome in ("来源", "时间", "日期", "索引号", "发布机构", "字体", "作者", "浏览", "打印", "报告"):
        assert chrome not in body
    assert imported.notes == []
    assert rendered.split("\n")[0] == TITLE


def test_an_empty_metadata_block_does_not_hide_the_recipient(tmp_path):
    head = f"{TITLE}\n索 引 号：/备注/文号：/发布机构：/公文生成日期：\n中共柳川市委，柳川市人民政府：\n"
    imported, _, _ = import_text(tmp_path, head + OPENING + "\n" + BODY)
    assert imported.data["meta"]["recipient"] == "中共柳川市委，柳川市人民政府："
    assert "web" not in imported.data["meta"]
    assert imported.chrome == ["索引号：", "备注/文号：", "发布机构：", "公文生成日期："]


def test_metadata_before_the_title(tmp_path):
    imported, _, data = roundtrip(SAMPLES / "metadata_before_title.txt", tmp_path)
    meta = imported.data["meta"]
    assert meta["title"] == ["{{ issuer }}", "关于{{ year }}年度法治政府建设情况的报告"]
    assert meta["web"] == {"索引号": "11331102/2024-00007", "发布机构": "云溪区人民政府办公室", "公文生成日期": "2024-03-08"}
    assert meta["published"] == {"date": datetime.date(2024, 3, 10)}
    assert meta["recipient"] == "中共柳川市委，柳川市人民政府："
    assert [(r.where, r.message) for r in imported.repairs] == [
        ("第4行", "网页上的“发布日期：2024-03-10”记入 meta.published，生成时写作“发布时间：2024-03-10”")]
    assert imported.notes == []
    assert "索引号" not in body_text(data)


# -- title forms -----------------------------------------------------------------------------------

@pytest.mark.parametrize("title, region, issuer, inferred", [
    ("桐江县人民政府关于2023年度法治政府建设情况的报告", "桐江县", "桐江县人民政府", []),
    ("桐江县人民政府\n关于2023年度法治政府建设情况的报告", "桐江县", "桐江县人民政府", []),
    ("青禾县2023年度法治政府建设情况报告", "青禾县", "青禾县人民政府", ["meta.region", "meta.issuer"]),
    ("2023年云溪区法治政府建设情况报告", "云溪区", "云溪区人民政府", ["meta.region", "meta.issuer"]),
    ("柳川市司法局关于2023年度法治政府建设情况的报告", "柳川市", "柳川市司法局", []),
    ("2023年度柳川市市场监督管理局法治政府建设情况报告", "柳川市", "柳川市市场监督管理局", []),
    ("柳川市市场监督管理局2023年法治政府建设情况报告", "柳川市", "柳川市市场监督管理局", []),
    ("柳川市云溪区司法局2023年度法治政府建设工作报告", "柳川市云溪区", "柳川市云溪区司法局", []),
    ("中共青禾县委　青禾县人民政府关于2023年度法治政府建设情况的报告", "青禾县", "中共青禾县委　青禾县人民政府", []),
    ("中共青禾县委 青禾县人民政府关于2023年度法治政府建设情况的报告", "青禾县", "中共青禾县委　青禾县人民政府", []),
    ("关于2023年度法治政府建设情况的报告", "【待填：地区】", "【待填：发文机关】", ["meta.region", "meta.issuer"]),
], ids=["人民政府关于", "两行", "某县年度", "年份在前", "局关于", "年份在前的局", "局年份", "市区局", "党政联合", "党政联合半角空格", "无机关"])
def test_region_and_issuer_from_every_common_title_form(title, region, issuer, inferred, tmp_path):
    imported, rendered, _ = import_text(tmp_path, f"{title}\n{OPENING}\n{BODY}")
    meta = imported.data["meta"]
    assert (meta["year"], meta["region"], meta["issuer"]) == (2023, region, issuer)
    assert [key for n in imported.notes for key in ("meta.region", "meta.issuer") if key in n.message] == inferred
    assert normalize(rendered.partition("\n")[0]) == normalize(title)


# -- fixed names keep their years ---------------------------------------------------------------

def test_fixed_names_keep_their_years_and_next_years_draft_renames_none(tmp_path, capsys):
    folder = tmp_path / "data"
    assert cli.main(["import", str(SAMPLES / "fixed_names.txt"), "-o", str(folder / "2023.yaml")]) == 0
    assert cli.main(["draft", "2024", "--data-dir", str(folder)]) == 0
    this_year, next_year = (text.render(resolve(load(folder / f"{year}.yaml"))) for year in (2023, 2024))
    for name in ("“2023年度全省法治政府建设示范县”", "印发2023年度法治政府建设工作要点", "《桐江县法治政府建设实施方案（2021—2025年）》",
                 "《法治政府建设实施纲要（2021－2025年）》", "清理2015-2020年出台", "桐政发〔2023〕4号", "被评为2022年度全市法治建设先进单位",
                 "对标2021年至2025年规划目标"):
        assert name in this_year and name in next_year
    assert next_year.startswith("桐江县人民政府关于2024年度法治政府建设情况的报告\n\n2024年，桐江县被命名为“2023年度")
    assert "，2024年我县荣获" in next_year and "三、2025年工作安排" in next_year


# -- PDF and saved web pages ---------------------------------------------------------------------

def test_a_published_pdf_reads_back_as_its_paragraphs_without_page_numbers(tmp_path, capsys):
    assert cli.main(["build", str(SAMPLE), "--format", "pdf,txt", "-o", str(tmp_path / "out")]) == 0
    pdf, txt = (next((tmp_path / "out").glob(f"*.{kind}")) for kind in ("pdf", "txt"))
    imported, rendered, _ = roundtrip(pdf, tmp_path)
    assert imported.chrome == [f"— {n} —" for n in range(1, 8)]
    published = [line for line in txt.read_text(encoding="utf-8").splitlines() if not line.startswith("发布时间：")]
    assert differences(normalize("\n".join(published)), normalize(rendered)) == []
    assert (imported.data["meta"]["issuer"], len(imported.figures)) == ("宛城区人民政府", 65)


def test_a_pdf_leaves_out_running_heads_and_page_numbers_of_any_form(tmp_path):
    import weasyprint

    items = [f"（{'一二三四五六七八'[n]}）第{n + 1}项工作。" + "全县深入推进依法行政，严格规范公正文明执法，持续提升行政执法质量，" * 12
             + f"全年办理案件{100 + n}件。" for n in range(8)]
    paragraphs = ["2023年，我县坚持以习近平法治思想为指导，全面推进依法行政。", "一、主要举措和成效", *items, "二、存在的不足和原因", "基层力量薄弱。"]
    style = ("@page { size: A4; margin: 30mm 26mm; @top-center { content: '桐江县人民政府办公室'; font-size: 10pt }"
             " @bottom-center { content: '第 ' counter(page) ' 页'; font-size: 10pt } }"
             " body { font-size: 16pt; line-height: 1.6 } h1 { text-align: center; font-size: 22pt }"
             " p { text-indent: 2em; margin: 0; text-align: justify }")
    page = (f"<html><head><style>{style}</style></head><body><h1>{TITLE}</h1>"
            + "".join(f"<p>{p}</p>" for p in paragraphs) + "</body></html>")
    source = tmp_path / "report.pdf"
    weasyprint.HTML(string=page).write_pdf(source)
    imported, rendered, _ = roundtrip(source, tmp_path)
    pages = len([c for c in imported.chrome if c.startswith("第 ")])
    assert pages >= 2 and sorted(imported.chrome) == sorted([f"第 {n} 页" for n in range(1, pages + 1)] + ["桐江县人民政府办公室"] * pages)
    assert rendered == f"{TITLE}\n\n" + "\n".join(paragraphs) + "\n"
    assert "".join(imported.data["meta"]["title"]) == "桐江县人民政府关于{{ year }}年度法治政府建设情况的报告"  # as the page breaks it


def test_a_pdf_without_pdftotext_says_what_to_install(tmp_path, capsys, monkeypatch):
    from generator.importer import formats

    monkeypatch.setattr(formats.shutil, "which", lambda name: None)
    source = tmp_path / "report.pdf"
    source.write_bytes(b"%PDF-1.7\n")
    assert cli.main(["import", str(source), "-o", str(tmp_path / "out.yaml")]) == 2
    assert "poppler-utils" in capsys.readouterr().err


@pytest.mark.parametrize("encoding", ["utf-8", "gb18030"])
def test_a_saved_web_page_gives_its_main_text_not_the_navigation(encoding, tmp_path):
    page = (SAMPLES / "saved_page.html").read_text(encoding="utf-8")
    source = tmp_path / "page.html"
    source.write_bytes(page.replace('charset="utf-8"', f'charset="{"gb2312" if encoding == "gb18030" else encoding}"').encode(encoding))
    imported, rendered, data = roundtrip(source, tmp_path)
    meta = imported.data["meta"]
    assert (meta["year"], meta["region"], meta["issuer"]) == (2023, "桐江县", "桐江县人民政府")
    assert meta["published"] == {"date": datetime.date(2024, 3, 15), "source": "桐江县司法局"}
    assert meta["web"] == {"索引号": "11331100/2024-00031", "发布机构": "桐江县人民政府办公室", "主题分类": "政府工作", "成文日期": "2024-03-12"}
    assert meta["recipient"] == "中共柳川市委、柳川市人民政府："
    assert meta["signature"] == {"issuer": "桐江县人民政府", "date": datetime.date(2024, 3, 12)}
    assert rendered.splitlines()[10:] == [
        "2023年，桐江县坚持以习近平法治思想为指导，全面推进依法行政，法治政府建设取得新进展。现将有关情况报告如下：",
        "一、主要举措和成效",
        "（一）健全依法行政制度体系。审查行政规范性文件26件，备案率100%。",
        "（二）严格规范公正文明执法。开展行政执法案卷评查3轮，评查案卷420卷。",
        "项目\t数量", "行政复议\t58",
        "二、存在的不足和原因", "基层执法力量仍然薄弱。", "三、2024年工作安排",
        "一是深化行政复议体制改革；二是推进严格规范公正文明执法。", "", "桐江县人民政府", "2024年3月12日",
    ]
    written = data.read_text(encoding="utf-8")
    for chrome in ("首页", "政务服务", "相关阅读", "网站标识码", "统计代码", "微信", "打印", "字体", "2022年度"):
        assert chrome not in written


def test_a_web_page_wrapped_in_a_form_with_the_title_in_the_articles_header(tmp_path):
    imported, rendered, _ = roundtrip(SAMPLES / "saved_page_form.html", tmp_path)
    meta = imported.data["meta"]
    assert (meta["year"], meta["region"], meta["issuer"]) == (2023, "柳川市", "柳川市司法局")
    assert meta["published"] == {"date": datetime.date(2024, 2, 28)}
    assert rendered.splitlines()[4:] == [
        "2023年，市司法局在市委、市政府的领导下，全面推进依法行政。", "一、主要举措和成效", "（一）强化制度建设。审查规范性文件42件。",
        "二、存在的不足和原因", "基层法治力量不足。"]
    assert imported.chrome == ["柳川市司法局", "首页 > 信息公开 > 关于2023年度法治政府建设情况的报告", "浏览次数：312"]


# -- DOCX as Word writes it, and DOCX that is not -----------------------------------------------

_WORD = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def docx_file(tmp_path: Path, members: dict[str, bytes]) -> Path:
    import zipfile

    path = tmp_path / "report.docx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return path


def document_xml(body: str) -> bytes:
    return f'<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="{_WORD}"><w:body>{body}</w:body></w:document>'.encode()


def test_docx_with_tracked_changes_and_content_controls_reads_as_accepted(tmp_path):
    def p(inner: str) -> str:
        return f"<w:p>{inner}</w:p>"
    body = "".join([
        p("<w:r><w:t>某县人民政府</w:t></w:r><w:r><w:br/><w:t>关于2023年度法治政府建设情况的报告</w:t></w:r>"),
        p("<w:r><w:t>2023年，我县</w:t></w:r><w:ins w:author='x'><w:r><w:t>深入</w:t></w:r></w:ins>"
          "<w:del w:author='x'><w:r><w:delText>认真</w:delText></w:r></w:del><w:r><w:t>推进依法行政。</w:t></w:r>"),
        f"<w:sdt><w:sdtContent>{p('<w:r><w:t>一、主要举措和成效</w:t></w:r>')}</w:sdtContent></w:sdt>",
        p("<w:r><w:t>办理行政复议案件</w:t></w:r><w:r><w:t>120件。</w:t></w:r>"),
    ])
    imported, rendered, _ = roundtrip(docx_file(tmp_path, {"word/document.xml": document_xml(body)}), tmp_path)
    assert rendered.splitlines()[:2] == ["某县人民政府关于2023年度法治政府建设情况的报告", ""]
    assert "2023年，我县深入推进依法行政。\n一、主要举措和成效\n办理行政复议案件120件。\n" in rendered
    assert imported.data["meta"]["title"] == ["{{ issuer }}", "关于{{ year }}年度法治政府建设情况的报告"]


@pytest.mark.parametrize("members, says", [
    ({"[Content_Types].xml": b"<Types/>"}, "没有正文部分（word/document.xml）"),
    ({"word/document.xml": b"<w:document><w:body><w:p>"}, "正文部分已损坏"),
    ({"word/document.xml": document_xml("")[:-20] + b"<!DOCTYPE x [<!ENTITY a 'b'>]>"}, "正文部分已损坏"),
    ({"word/document.xml": document_xml("<w:p><w:r><w:t>" + " " * 30_000_000 + "</w:t></w:r></w:p>")}, "解压后过大"),
], ids=["no-document-xml", "broken-xml", "doctype-after-root", "zip-bomb"])
def test_a_malformed_docx_gets_one_line_and_nothing_is_written(members, says, tmp_path, capsys):
    source = docx_file(tmp_path, members)
    assert cli.main(["import", str(source), "-o", str(tmp_path / "out.yaml")]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"错误：{source}：") and err.count("\n") == 1 and says in err
    assert not (tmp_path / "out.yaml").exists()


def test_a_docx_declaring_gigabytes_is_refused_before_anything_is_unpacked(tmp_path, capsys):
    source = docx_file(tmp_path, {"word/document.xml": document_xml("<w:p><w:r><w:t>某县</w:t></w:r></w:p>")})
    raw = bytearray(source.read_bytes())
    entry = raw.rfind(b"PK\x01\x02")  # the central directory's record of the member
    raw[entry + 24:entry + 28] = (4_000_000_000).to_bytes(4, "little")  # its uncompressed size: 4 GB
    source.write_bytes(bytes(raw))
    assert cli.main(["import", str(source), "-o", str(tmp_path / "out.yaml")]) == 2
    assert "解压后过大（解压后共 3814 MB，上限 200 MB）" in capsys.readouterr().err


def test_a_file_over_20_mb_is_refused_before_it_is_read(tmp_path, capsys):
    source = tmp_path / "huge.txt"
    with source.open("wb") as stream:
        stream.truncate(21 * 1024 * 1024)
    assert cli.main(["import", str(source), "-o", str(tmp_path / "out.yaml")]) == 2
    assert "文件有 21 MB，超过导入的上限 20 MB" in capsys.readouterr().err


# -- repairs and unplaced lines ------------------------------------------------------------------

def test_numbering_that_cannot_be_reproduced_is_repaired_and_reported(tmp_path):
    source = tmp_path / "report.txt"
    source.write_text("某县人民政府关于2023年法治政府建设情况的报告\n一、主要举措和成效\n（一）甲。甲事。\n（三）乙。乙事。\n1、丙。丙事。\n", encoding="utf-8")
    imported, rendered, _ = roundtrip(source, tmp_path)
    assert [(r.where, r.message) for r in imported.repairs] == [
        ("第4行", "标题“（三）乙。乙事。…”与前一个标题的序号不连续，已编为（二）"),
        ("第5行", "标题序号“1、”改写为“1.”"),
    ]
    assert "（二）乙。乙事。\n1.丙。丙事。" in rendered


def test_a_lost_number_with_no_open_heading_stays_a_paragraph(tmp_path):
    source = tmp_path / "report.txt"
    source.write_text("某县2023年度法治政府建设情况报告\n）健全制度。全年出台文件3件。\n", encoding="utf-8")
    imported, rendered, _ = roundtrip(source, tmp_path)
    assert [(n.where, n.message) for n in imported.notes] == [
        ("第1行", "地区“某县”取自标题，请核对 meta.region"),
        ("第1行", "标题没有写发文机关，推定为“某县人民政府”；请核对 meta.issuer，或导入时用 --issuer 指定"),
        ("第2行", "这一行以“）”开头，但前面没有（一）或（1）一级的标题，已作为段落保留"),
    ]
    assert "）健全制度。全年出台文件3件。" in rendered


def test_text_that_looks_like_template_syntax_stays_text(tmp_path):
    source = tmp_path / "report.txt"
    source.write_text("某县2023年度法治政府建设情况报告\n发布时间：2024-03-01　来源：{{来源}}\n"
                      "模板中写作{{名称}}或{%if%}，注释{#x#}: 照登。\n{{落款}}\n2024年3月1日\n", encoding="utf-8")
    _, rendered, _ = roundtrip(source, tmp_path)
    assert "来源：{{来源}}" in rendered and "模板中写作{{名称}}或{%if%}，注释{#x#}：照登。\n\n{{落款}}\n" in rendered


def test_yaml_writer_keeps_every_text_a_text():
    tricky = ["{{ year }}年", "a: b", "- x", "# c", "yes", "No", "2024-02-28", "“引号”", '"q"', "\\", "行\u2028分\u0085段",
              "%", "@x", "`x`", "[x]", "x #y", "1e3", "0x1F", ".inf", "~", "", "  空格  "]
    data = {"texts": tricky, "figure": {"名称": 217, "浮点": 98.48, "date": datetime.date(2025, 3, 25), "flag": True}}
    assert yaml.safe_load(dump(data)) == data


# -- input that is no report ---------------------------------------------------------------------

@pytest.mark.parametrize("name, content, says", [
    ("empty.txt", b"", "文件里没有文字"),
    ("blank.txt", b"\n \n\t\n", "文件里没有文字"),
    ("binary.txt", bytes(range(256)) * 4, "二进制文件"),
    ("recipe.txt", "红烧肉\n\n材料：五花肉500克，冰糖30克。\n做法：焯水，炒糖色，慢炖1小时。\n".encode(), "看来不是法治政府建设情况报告"),
    ("scan.pdf", b"%PDF-1.7\n...", "无法读取这个 PDF 中的文字"),
    ("old.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(512), "另存为 .docx"),
    ("fake.docx", b"not a zip file", "不是有效的 Word .docx 文件"),
    ("latin1.txt", "Année 2023 rapport".encode("latin-1") + b"\xff\xfe\xfd", "UTF-8"),
    ("title_only.txt", "某县2023年度法治政府建设情况报告\n".encode(), "标题之后没有报告正文"),
    ("no_year.txt", "某县法治政府建设情况报告\n全面推进依法行政。\n".encode(), "--year"),
    ("one_line.txt", ("某县2023年度法治政府建设情况报告\n" + "依法行政，" * 1_000_000).encode(), "超过导入的上限 500000 个"),
    ("long_line.txt", ("某县2023年度法治政府建设情况报告\n" + "依法行政，" * 6_000).encode(), "第2行有 30000 个字符，超过一段的上限 20000 个"),
    ("page.html", "<html><body><ul><li><a href='/'>首页</a></li></ul></body></html>".encode(), "没有找到成段的正文"),
], ids=lambda value: value if isinstance(value, str) and value.isascii() else "")
def test_malformed_input_gets_one_line_and_status_2(name, content, says, tmp_path, capsys):
    source = tmp_path / name
    source.write_bytes(content)
    assert cli.main(["import", str(source), "-o", str(tmp_path / "out.yaml")]) == 2
    err = capsys.readouterr().err
    assert err.startswith("错误：") and err.count("\n") == 1 and says in err and "Traceback" not in err
    assert not (tmp_path / "out.yaml").exists()


def test_missing_file_gets_one_line_and_status_2(tmp_path, capsys):
    assert cli.main(["import", str(tmp_path / "absent.txt"), "-o", str(tmp_path / "out.yaml")]) == 2
    assert capsys.readouterr().err == f"错误：{tmp_path / 'absent.txt'}：无法读取这个文件（文件或文件夹不存在）\n"


def test_a_data_file_named_after_another_year_is_refused(tmp_path, capsys):
    """data/2023.yaml must hold the 2023 report: build would refuse it, so import does first."""
    from generator.cli import main

    source = SAMPLES / "recipient_signature.txt"
    target = tmp_path / "2023.yaml"
    assert main(["import", str(source), "-o", str(target)]) == 2
    assert "却要写成 2023.yaml；请改用 -o" in capsys.readouterr().err
    assert not target.exists()


def test_a_data_file_is_not_imported(tmp_path, capsys):
    from generator.cli import main

    assert main(["import", str(SAMPLE), "-o", str(tmp_path / "2024.yaml")]) == 2
    assert "这是数据文件，不是已发布的报告" in capsys.readouterr().err
