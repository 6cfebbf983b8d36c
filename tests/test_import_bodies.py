"""`import` recognises who reports (a department, a township or 街道, a joint Party–government
report) and reads the year and the place where earlier versions gave up; every guess is listed."""
from __future__ import annotations

import pytest

from generator.commands.check import check
from generator.importer import Stated

from .test_import import BODY, OPENING, SAMPLES, import_text, roundtrip


def noted(imported) -> list[str]:
    return [note.message for note in imported.notes]


def test_a_department_with_a_recipient_line_first(tmp_path):
    """主送 line, then the paragraph with the year; the 落款 names a department."""
    imported, rendered, data = roundtrip(SAMPLES / "department_recipient_first.txt", tmp_path)
    meta = imported.data["meta"]
    assert (meta["year"], meta["region"], meta["issuer"], meta["body"]) == (2024, "南溪县", "南溪县市场监督管理局", "政府部门")
    assert meta["recipient"] == "中共南溪县委员会，南溪县人民政府："
    assert rendered.startswith("南溪县市场监督管理局关于2024年度法治政府建设情况的报告\n\n中共南溪县委员会，南溪县人民政府：\n2024年，")
    assert noted(imported)[0].startswith("原文没有标题，报告年度取自正文开头“2024年，南溪县市场监督管理局…”：2024年")
    assert ("发文机关“南溪县市场监督管理局”看来是县级以上人民政府工作部门，meta.body 写作“政府部门”，"
            "检查按这类主体要报告的事项和期限进行；不对时改 meta.body") in noted(imported)
    # The imported department is checked against a department's items.
    required = [f.message for f in check(data) if f.rule == "required-item"]
    assert "没有哪一节承担“行政复议、行政应诉和负责人出庭应诉情况”" in required


def test_the_year_from_the_page_generation_date(tmp_path):
    imported, _, _ = roundtrip(SAMPLES / "generation_date_only.txt", tmp_path)
    assert imported.data["meta"]["year"] == 2024
    assert "原文没有标题，正文开头也没有写年度，按网页上的公文生成日期 2025-02-07 推定报告年度为 2024 年（报告一般在次年初发布）；不对时用 --year 指定" in noted(imported)
    assert imported.data["meta"]["region"] == "【待填：地区】"  # 我街 names no place: said, not guessed


def test_the_place_after_a_leading_clause(tmp_path):
    imported, _, _ = roundtrip(SAMPLES / "leading_clause.txt", tmp_path)
    meta = imported.data["meta"]
    assert (meta["year"], meta["region"], meta["issuer"]) == (2025, "云溪区", "云溪区人民政府")
    assert "body" not in meta
    assert "地区“云溪区”取自正文开头“2025年，在市委、市政府的坚强领导下，云溪区…”，请核对 meta.region，或导入时用 --region 指定" in noted(imported)


def test_a_street_named_the_short_way_is_a_jiedao_and_its_office_reports(tmp_path):
    imported, rendered, _ = roundtrip(SAMPLES / "short_street.txt", tmp_path)
    meta = imported.data["meta"]
    assert (meta["region"], meta["issuer"], meta["body"]) == ("东湖街道", "东湖街道办事处", "乡镇街道")
    assert rendered.startswith("东湖街道办事处关于2024年度法治政府建设情况的报告\n\n2024年，东湖街坚持")
    assert "地区“东湖街道”取自正文开头“2024年，东湖街…”，请核对 meta.region，或导入时用 --region 指定" in noted(imported)
    assert "原文没有写发文机关，推定为“东湖街道办事处”；请核对 meta.issuer，或导入时用 --issuer 指定" in noted(imported)


def test_a_city_cut_short_takes_the_full_name_the_page_gives(tmp_path):
    imported, _, _ = roundtrip(SAMPLES / "city_short_name.txt", tmp_path)
    meta = imported.data["meta"]
    assert (meta["region"], meta["issuer"]) == ("柳州市", "柳州市人民政府")
    assert ("地区“柳州市”取自正文开头“2024年，柳州…”（原文写作“柳州”，按标题、落款或网页信息写全），"
            "请核对 meta.region，或导入时用 --region 指定") in noted(imported)


def test_a_city_cut_short_with_no_full_name_anywhere_stays_as_written(tmp_path):
    text = (SAMPLES / "city_short_name.txt").read_text(encoding="utf-8").split("\n", 1)[1]
    imported, _, _ = import_text(tmp_path, text)
    assert imported.data["meta"]["region"] == "柳州"
    assert any(message.startswith("地区“柳州”取自正文开头") for message in noted(imported))


@pytest.mark.parametrize(("head", "tail", "kind"), [
    ("中共青禾县委　青禾县人民政府关于2023年度法治政府建设情况的报告\n", "", "党委政府"),
    ("", "青禾镇人民政府\n2024年2月20日\n", "乡镇街道"),
    ("青禾县自然资源局关于2023年度法治政府建设情况的报告\n", "", "政府部门"),
    ("桐江县人民政府关于2023年度法治政府建设情况的报告\n", "", None),
])
def test_the_kind_of_body_from_the_title_or_the_signature(tmp_path, head, tail, kind):
    imported, _, _ = import_text(tmp_path, head + OPENING + "\n" + BODY + tail)
    assert imported.data["meta"].get("body") == kind
    assert any("meta.body" in message for message in noted(imported)) == (kind is not None)


def test_an_issuer_stated_on_the_command_line_sets_the_kind_without_a_note(tmp_path):
    imported, _, _ = import_text(tmp_path, OPENING + "\n" + BODY, Stated(issuer="桐江县司法局"))
    assert imported.data["meta"]["body"] == "政府部门"
    assert not any("meta.body" in message for message in noted(imported))



def test_a_departments_sections_cover_its_own_items_by_their_keywords(tmp_path):
    body = ("一、主要举措和成效\n（一）规范执法。办理行政处罚案件356件。\n二、推进行政执法“三项制度”落实\n全面落实执法公示制度。\n"
            "三、存在的不足和原因\n基层力量薄弱。\n四、2024年工作打算\n持续推进法治政府建设。\n")
    imported, _, data = import_text(tmp_path, "青禾县自然资源局关于2023年度法治政府建设情况的报告\n" + OPENING + "\n" + body)
    covers = [block.get("covers") for block in imported.data["body"] if isinstance(block, dict) and "section" in block]
    assert covers == ["举措成效", "行政执法", "不足原因", "下年安排"]
    assert [f.message for f in check(data) if f.rule == "required-item"] == [
        "没有哪一节承担“部门主要负责人履行推进法治建设第一责任人职责、加强本部门法治建设的有关情况”",
        "没有哪一节承担“行政复议、行政应诉和负责人出庭应诉情况”",
        "没有哪一节承担“落实“谁执法谁普法”普法责任制情况”",
        "没有哪一节承担“其他需要报告的情况”",
    ]
