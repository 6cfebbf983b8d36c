"""`import` turns a published report back into data that renders to the same text."""
from __future__ import annotations

import datetime
import re
from pathlib import Path

import pytest
import yaml

from generator import cli
from generator.commands.check import check
from generator.importer import Imported, dump, import_report, write
from generator.pipeline.loader import load
from generator.pipeline.resolve import resolve
from generator.chinese import differences, normalize
from generator.importer.reading import strip_web_chrome
from generator.writers import text

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


def roundtrip(source: Path, tmp_path: Path) -> tuple[Imported, str, Path]:
    imported = import_report(source)
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
    for kept in ("“24.7”", "第四名", "《宛城区{{ year }}年度法治政府建设工作安排》", "{{ year - 1 }}年度法治政府建设考核反馈问题整改情况"):
        assert kept in body
    assert "2024" not in body and "2023" not in body
    assert all(name.isidentifier() for name in imported.figures)
    assert imported.figures["网上办件总量"] == {"value": 298389, "unit": "件"}


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
    out = capsys.readouterr().out
    assert "19 sections" in out and "repaired 1" in out and "（七）" in out and f"wrote {target}" in out
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
    assert imported.figures["政务服务事项网上可办率"] == {"value": 99.2, "unit": "%", "precision": 2}
    assert imported.figures["受理投诉举报"] == {"value": 240, "unit": "件"}


def test_enumeration_directly_under_a_top_heading(tmp_path):
    imported, _, _ = roundtrip(SAMPLES / "enumeration_under_top.txt", tmp_path)
    first = imported.data["body"][0]
    assert first["section"] == "主要举措和成效"
    assert list(first["body"][0]) == ["items"] and len(first["body"][0]["items"]) == 3
    assert imported.figures["罚没款"] == {"value": 235000000, "unit": "元", "display": "亿"}
    assert imported.data["meta"]["region"] == "某市"


def test_recipient_web_block_signature_and_attachments(tmp_path):
    imported, _, _ = roundtrip(SAMPLES / "recipient_signature.txt", tmp_path)
    meta = imported.data["meta"]
    assert meta["recipient"] == "中共某市委员会，某市人民政府："
    assert meta["web"]["文号"] == "某政文〔{{ year + 1 }}〕8号"
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
    assert imported.figures["办理行政复议案件"] == {"value": 120, "unit": "件"}


# -- repairs and unplaced lines ------------------------------------------------------------------

def test_numbering_that_cannot_be_reproduced_is_repaired_and_reported(tmp_path):
    source = tmp_path / "report.txt"
    source.write_text("某县人民政府关于2023年法治政府建设情况的报告\n一、主要举措和成效\n（一）甲。甲事。\n（三）乙。乙事。\n1、丙。丙事。\n", encoding="utf-8")
    imported, rendered, _ = roundtrip(source, tmp_path)
    assert [r.message for r in imported.repairs] == [
        "heading “（三）乙。乙事。…” does not follow its predecessor: numbered （二）",
        "heading label “1、” written “1.”",
    ]
    assert "（二）乙。乙事。\n1.丙。丙事。" in rendered


def test_a_lost_number_with_no_open_heading_stays_a_paragraph(tmp_path):
    source = tmp_path / "report.txt"
    source.write_text("某县2023年度法治政府建设情况报告\n）健全制度。全年出台文件3件。\n", encoding="utf-8")
    imported, rendered, _ = roundtrip(source, tmp_path)
    assert [n.line for n in imported.notes] == [2]
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
    ("empty.txt", b"", "no text"),
    ("blank.txt", b"\n \n\t\n", "no text"),
    ("binary.txt", bytes(range(256)) * 4, "binary"),
    ("recipe.txt", "红烧肉\n\n材料：五花肉500克，冰糖30克。\n做法：焯水，炒糖色，慢炖1小时。\n".encode(), "not a 法治政府建设情况报告"),
    ("scan.pdf", b"%PDF-1.7\n...", "PDF"),
    ("fake.docx", b"not a zip file", "not a Word .docx"),
    ("latin1.txt", "Année 2023 rapport".encode("latin-1") + b"\xff\xfe\xfd", "UTF-8"),
    ("title_only.txt", "某县2023年度法治政府建设情况报告\n".encode(), "no report text"),
    ("no_year.txt", "某县法治政府建设情况报告\n全面推进依法行政。\n".encode(), "which year"),
])
def test_malformed_input_gets_one_line_and_status_2(name, content, says, tmp_path, capsys):
    source = tmp_path / name
    source.write_bytes(content)
    assert cli.main(["import", str(source), "-o", str(tmp_path / "out.yaml")]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ") and err.count("\n") == 1 and says in err and "Traceback" not in err
    assert not (tmp_path / "out.yaml").exists()


def test_missing_file_gets_one_line_and_status_2(tmp_path, capsys):
    assert cli.main(["import", str(tmp_path / "absent.txt"), "-o", str(tmp_path / "out.yaml")]) == 2
    assert "cannot read the file" in capsys.readouterr().err
