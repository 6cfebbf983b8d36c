"""absorb: a reviewed DOCX, saved by a reviewer's editor, comes back into the year's data."""
from __future__ import annotations

import copy
import datetime
import difflib
import json
import re
import shutil
import zipfile
from pathlib import Path

import docx
import pytest
from docx.text.paragraph import Paragraph
from lxml import etree

from generator.cli import main
from generator.commands.build import edition
from generator.pipeline import open_report
from generator.pipeline.loader import load
from generator.pipeline.resolve import resolve
from generator.writers import docx as docx_writer
from generator.writers import text as text_writer

from .helpers import ROOT, SAMPLE, generator, libreoffice_save

SHAPES = ROOT / "tests" / "shapes"

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"

# A table with figures, and comments inside the body, added to the sample.
_AFTER = "五里堡街道人民调解委员会被评为全省优秀人民调解委员会。\n"
_TABLE = """          # 附表：复议和诉讼数字
          - table:
              header: [项目, 数量]
              rows:
                - [办结行政复议案件, "{{ 行政复议办结 }}"]
                - [行政诉讼审结, "{{ 行政诉讼审结 }}"]
                - [行政诉讼败诉率, "{{ 行政诉讼败诉率 }}"]
            caption: 表1　行政复议和行政诉讼情况
"""


def sample_text() -> str:
    text = SAMPLE.read_text(encoding="utf-8")
    assert _AFTER in text
    return text.replace(_AFTER, _AFTER + _TABLE).replace("  - section: 主要举措和成效\n", "  # 二、举措成效\n  - section: 主要举措和成效\n")


def comments_of(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip().startswith("#")]


def line_changes(before: str, after: str) -> tuple[list[str], list[str]]:
    """The lines of a file removed and added, in order."""
    lines = list(difflib.ndiff(before.splitlines(), after.splitlines()))
    return [line[2:] for line in lines if line.startswith("- ")], [line[2:] for line in lines if line.startswith("+ ")]


def build_docx(data: Path, out: Path) -> Path:
    loaded = open_report(data)
    docx_writer.write(loaded.document, loaded.profile, out)
    return out


def rendered_text(data: Path) -> str:
    return text_writer.render(resolve(load(data)))


def docx_texts(path: Path) -> list[str]:
    """Non-empty paragraphs and table rows in order, as a reader of the document sees them."""
    document = docx.Document(str(path))
    texts = []
    for block in document.iter_inner_content():
        if isinstance(block, Paragraph):
            texts.append(block.text)
        else:
            texts += ["\t".join(cell.text for cell in row.cells) for row in block.rows]
    return [t for t in texts if t.strip()]


# -- what a reviewer does, on the XML ------------------------------------------------------------

def paragraph_text(p: etree._Element) -> str:
    return "".join(t.text or "" for t in p.iter(f"{W}t"))


def find(body: etree._Element, needle: str, whole: bool = False) -> etree._Element:
    return next(p for p in body.iter(f"{W}p") if (paragraph_text(p) == needle if whole else needle in paragraph_text(p)))


def replace(p: etree._Element, old: str, new: str) -> None:
    """Edit text inside a paragraph whatever its runs, as typing over a selection does."""
    places = [(t, k) for t in p.iter(f"{W}t") for k in range(len(t.text or ""))]
    at = paragraph_text(p).index(old)
    first, offset = places[at]
    for t, k in reversed(places[at:at + len(old)]):
        t.text = t.text[:k] + t.text[k + 1:]
    first.text = first.text[:offset] + new + first.text[offset:]


def new_paragraph_after(p: etree._Element, text: str, at: etree._Element | None = None) -> etree._Element:
    """Enter at the end of a paragraph and type: the new one has its style (placed after `at`
    when given: a paragraph typed below a table in the style of one above it)."""
    new = copy.deepcopy(p)
    for child in list(new):
        if child.tag != f"{W}pPr":
            new.remove(child)
    run = etree.SubElement(new, f"{W}r")
    etree.SubElement(run, f"{W}t").text = text
    (p if at is None else at).addnext(new)
    return new


def review(source: Path, target: Path, edit) -> Path:
    document = docx.Document(str(source))
    edit(document, document.element.body)
    document.save(str(target))
    return target


def the_reviewers_edits(document, body) -> None:
    replace(find(body, "区委常委会区政府常务会先后"), "先后4次", "先后5次")  # a figure
    replace(find(body, "广泛收集立法意见"), "广泛收集立法意见并反馈至立法机关", "广泛征集立法意见建议并及时反馈立法机关，")  # a sentence
    gone = find(body, "在过去的一年中，我区在法治政府建设方面")
    gone.getparent().remove(gone)  # a paragraph deleted
    new_paragraph_after(find(body, "宛城实践提供了有力的法治保障"), "一年来，全区法治政府建设工作得到上级充分肯定。")  # one inserted
    replace(find(body, "三、存在不足和原因及反馈问题整改情况"), "存在不足", "存在的不足")  # headings renamed
    replace(find(body, "（一）存在不足和原因", whole=True), "存在不足", "存在的主要不足")
    cell = next(tc for tc in body.iter(f"{W}tc") if paragraph_text(tc) == "行政诉讼审结")
    replace(cell.find(f"{W}p"), "行政诉讼审结", "行政诉讼审结案件")  # a table cell
    commented = Paragraph(find(body, "充分发挥"), document._body)
    document.add_comment(commented.runs[-1], text="请核实联系点数量", author="李四", initials="LS")


def tracked_edit(document, body) -> None:
    """One pending tracked change: 深入 deleted, 全面 inserted, in the first paragraph."""
    p = find(body, "宛城实践提供了有力的法治保障")
    text = paragraph_text(p)
    at = text.index("深入")
    properties = p.find(f"{W}pPr")
    for child in list(p):
        if child is not properties:
            p.remove(child)

    def run(kind: str, content: str) -> etree._Element:
        r = etree.Element(f"{W}r")
        etree.SubElement(r, f"{W}{kind}").text = content
        return r

    p.append(run("t", text[:at]))
    deleted = etree.SubElement(p, f"{W}del", {f"{W}id": "101", f"{W}author": "王五", f"{W}date": "2025-02-20T09:00:00Z"})
    deleted.append(run("delText", "深入"))
    inserted = etree.SubElement(p, f"{W}ins", {f"{W}id": "102", f"{W}author": "王五", f"{W}date": "2025-02-20T09:00:00Z"})
    inserted.append(run("t", "全面"))
    p.append(run("t", text[at + 2:]))


def libreoffice(files: list[Path], folder: Path) -> dict[str, Path]:
    """Open and save the files in LibreOffice Writer, as a reviewer's editor would (one process)."""
    return libreoffice_save(files, folder, "docx:MS Word 2007 XML", "libreoffice-writer-nogui")


@pytest.fixture(scope="module")
def saved(tmp_path_factory) -> dict[str, Path]:
    """The report built from the data, and reviewed copies saved through LibreOffice."""
    folder = tmp_path_factory.mktemp("absorb")
    data = folder / "2024.yaml"
    data.write_text(sample_text(), encoding="utf-8")
    original = build_docx(data, folder / "original.docx")
    edited = review(original, folder / "edited.docx", the_reviewers_edits)
    tracked = review(original, folder / "tracked.docx", tracked_edit)
    return {"data": data, "edited-xml": edited, **libreoffice([original, edited, tracked], folder)}


@pytest.fixture
def data(saved, tmp_path) -> Path:
    path = tmp_path / "data" / "2024.yaml"
    path.parent.mkdir()
    shutil.copy(saved["data"], path)
    return path


def absorb(capsys, *args: str | Path) -> tuple[int, str, str]:
    status = main(["absorb", *map(str, args)])
    out, err = capsys.readouterr()
    return status, out, err


# -- the tests ------------------------------------------------------------------------------------

def test_a_report_saved_again_without_edits_has_nothing_to_absorb(saved, data, capsys):
    before = data.read_bytes()
    status, out, err = absorb(capsys, data, saved["original"])
    assert (status, err) == (0, "")
    assert "没有需要写回的改动" in out
    assert data.read_bytes() == before


def test_the_reviewed_edits_come_back_into_the_data(saved, data, capsys):
    before = data.read_text(encoding="utf-8")
    status, out, err = absorb(capsys, data, saved["edited"])
    assert (status, err) == (0, ""), out
    after = data.read_text(encoding="utf-8")
    # The data now builds to exactly the reviewed text.
    rebuilt = build_docx(data, data.parent / "rebuilt.docx")
    assert docx_texts(rebuilt) == docx_texts(saved["edited-xml"])
    # The changed figure is changed in figures:, and the text still refers to it.
    assert load(data).figures["专题汇报"].value == 5
    assert "先后{{ 专题汇报 }}听取" in after
    assert "专题汇报: {value: 5, unit: 次," in after
    # Every comment is still there, in order; what the review did not touch is as it was.
    assert comments_of(after) == comments_of(before)
    removed, added = line_changes(before, after)
    assert [line.split("，")[0].strip() for line in removed] == [
        "专题汇报: {value: 4, unit: 次, label: 区委常委会、区政府常务会听取法治建设专题汇报}", "- 充分发挥{{ 基层立法联系点 }}基层立法联系点作用",
        '- [行政诉讼审结, "{{ 行政诉讼审结 }}"]', "- section: 存在不足和原因及反馈问题整改情况", "- section: 存在不足和原因", "- 在过去的一年中"]
    assert [line.split("，")[0].strip() for line in added] == [
        "专题汇报: {value: 5, unit: 次, label: 区委常委会、区政府常务会听取法治建设专题汇报}", "- 一年来", "", "- 充分发挥{{ 基层立法联系点 }}基层立法联系点作用",
        '- [行政诉讼审结案件, "{{ 行政诉讼审结 }}"]', "- section: 存在的不足和原因及反馈问题整改情况", "- section: 存在的主要不足和原因"]
    # The clerk reads what changed, and the reviewer's comment with its paragraph.
    assert re.search(r"第\d+段：…[^\n]*先后\[4 → 5\]次[^\n]*（数字“专题汇报”：figures 中的 value 改为 5）\n", out)  # one edit, told once
    assert "数字“专题汇报”：4次 → 5次" not in out
    assert "删除段落“在过去的一年中，我区在法治政府建设方面虽然取得…”" in out
    assert "新增段落“一年来，全区法治政府建设工作得到上级充分肯定。”" in out
    assert re.search(r"李四：请核实联系点数量 —— 第\d+段“（三）健全依法行政制度体系。充分发挥71个基层…”", out)
    assert f"已写回 {data}（注释、顺序和格式保持原样）" in out
    # Absorbing the same review again says so, and keeps the data and the record of the first time.
    from generator.commands.absorb import record_path

    record = record_path(data).read_bytes()
    status, out, _ = absorb(capsys, data, saved["edited"])
    assert status == 0 and data.read_text(encoding="utf-8") == after and record_path(data).read_bytes() == record
    assert re.fullmatch(rf"{re.escape(str(saved['edited']))} 已于 \d{{4}}-\d\d-\d\d \d\d:\d\d:\d\d 写回过（7 处改动），"
                        "此后数据文件没有改动；这次不再写回，数据文件和那次的写回记录都保持原样\n", out)


def test_the_last_absorb_is_recorded_beside_the_data(saved, data, capsys):
    from generator.commands.absorb import last_absorbed, record_path

    assert absorb(capsys, data, saved["edited"])[0] == 0
    record = json.loads(record_path(data).read_text(encoding="utf-8"))
    assert record_path(data) == data.parent / ".2024.absorbed.json"
    assert record["docx"] == "edited.docx"
    assert record["changes"] == 7 and record["comments"] == 1  # the figure changed in its sentence: one edit
    assert datetime.datetime.fromisoformat(record["absorbed_at"]) <= datetime.datetime.now()
    assert last_absorbed(data)["changed_since"] is False
    data.write_text(data.read_text(encoding="utf-8") + "# later\n", encoding="utf-8")
    assert last_absorbed(data)["changed_since"] is True


def test_dry_run_shows_the_edits_and_writes_nothing(saved, data, capsys):
    before = data.read_bytes()
    status, out, err = absorb(capsys, data, saved["edited"], "--dry-run")
    assert (status, err) == (0, "")
    assert "数据文件将作如下修改（试运行，没有写入任何文件）：" in out
    assert "-  专题汇报: {value: 4," in out and "+  专题汇报: {value: 5," in out
    assert data.read_bytes() == before
    assert sorted(p.name for p in data.parent.iterdir()) == ["2024.yaml"]


def test_pending_tracked_changes_stop_the_command_until_accepted(saved, data, capsys):
    before = data.read_bytes()
    status, out, err = absorb(capsys, data, saved["tracked"])
    assert status == 2
    assert err.strip() == (f"错误：{saved['tracked']}：审阅稿中还有 2 处修订没有接受或拒绝。请在 Word/WPS 中用“审阅 → 接受/拒绝”逐一处理后保存再试；"
                           "或者加上 --accept-changes，全部接受后写回")
    assert data.read_bytes() == before
    status, out, err = absorb(capsys, data, saved["tracked"], "--accept-changes")
    assert (status, err) == (0, "")
    assert "已接受审阅稿中的 2 处修订" in out
    assert "宛城区全面贯彻落实党中央关于全面依法治国的决策部署" in rendered_text(data)


def test_a_changed_computed_figure_is_a_conflict(saved, data, tmp_path, capsys):
    before = data.read_bytes()
    changed = review(saved["original"], tmp_path / "rate.docx", lambda d, body: replace(find(body, "败诉率5.38%"), "败诉率5.38%", "败诉率6%"))
    status, out, err = absorb(capsys, data, changed)
    assert status == 2
    assert "“行政诉讼败诉率”由公式“行政诉讼败诉 / 行政诉讼审结”算出，不能直接改：审阅稿中改为“6%”" in err
    assert err.startswith(f"错误：以下 1 处改动在 {data} 中找不到出处，数据文件没有任何改动：\n  第")
    assert data.read_bytes() == before


def test_a_changed_figure_changes_what_is_computed_from_it_and_says_so(saved, data, tmp_path, capsys):
    changed = review(saved["original"], tmp_path / "lost.docx", lambda d, body: replace(find(body, "败诉7件"), "败诉7件", "败诉6件"))
    status, out, err = absorb(capsys, data, changed)
    assert (status, err) == (0, "")
    assert load(data).figures["行政诉讼败诉"].value == 6
    assert re.search(r"提示：第\d+段没有改动，但引用的数字变了，写回后将随之变为：…[^\n]*\[5\.38% → 4\.62%\]", out)  # the rate in the table
    assert "败诉6件，败诉率4.62%" in rendered_text(data)


def test_edits_without_a_place_are_listed_and_nothing_is_written(saved, data, tmp_path, capsys):
    before = data.read_bytes()

    def edit(document, body) -> None:
        replace(find(body, "一是健全学法制度"), "一是健全学法制度", "第一，健全学法制度")  # 一是 is computed
        replace(find(body, "先后4次"), "先后4次", "先后5次")  # this one alone would have found its place

    status, out, err = absorb(capsys, data, review(saved["original"], tmp_path / "label.docx", edit))
    assert status == 2
    lines = err.splitlines()
    assert lines[0] == f"错误：以下 1 处改动在 {data} 中找不到出处，数据文件没有任何改动："
    assert re.fullmatch(r"  第\d+段“（三）健全法治政府建设体制机制。第一，健全学法…”：“一是”“二是”这样的序号“一是”改成了“第一，”：它不是数据中写的文字，不能直接改", lines[1])
    assert data.read_bytes() == before
    assert not (data.parent / ".2024.absorbed.json").exists()


def test_renumbering_headings_by_hand_is_no_edit(saved, data, tmp_path, capsys):
    before = data.read_bytes()

    def edit(document, body) -> None:
        replace(find(body, "（二）全面统筹谋划法治政府建设"), "（二）", "（五）")
        replace(find(body, "四、2025年度工作计划", whole=True), "四、", "五、")

    status, out, err = absorb(capsys, data, review(saved["original"], tmp_path / "renumbered.docx", edit))
    assert (status, err) == (0, "")
    assert "没有需要写回的改动" in out
    assert data.read_bytes() == before


def test_the_wrong_file_is_refused(saved, data, tmp_path, capsys):
    before = data.read_bytes()
    other_year = tmp_path / "2023.yaml"
    other_year.write_text(data.read_text(encoding="utf-8").replace("  year: 2024\n", "  year: 2023\n"), encoding="utf-8")
    status, _, err = absorb(capsys, data, build_docx(other_year, tmp_path / "2023.docx"))
    assert status == 2
    assert err.strip() == (f"错误：{tmp_path / '2023.docx'} 是2023年度的报告（“宛城区人民政府关于2023年法治政府建设情况的报告”），"
                           f"而 {data} 是2024年度的数据；请给出由这个数据文件生成、审阅后的 DOCX")
    other_report = tmp_path / "other.yaml"
    other_report.write_text((SHAPES / "county_runin.yaml").read_text(encoding="utf-8").replace("  year: 2023\n", "  year: 2024\n"), encoding="utf-8")
    other = build_docx(other_report, tmp_path / "other.docx")
    status, _, err = absorb(capsys, data, other)
    assert status == 2 and f"错误：{other} 与 {data} 不是同一份报告：数据生成的" in err
    formal = open_report(ROOT / "tests" / "fixtures" / "2024-formal.yaml")
    docx_writer.write(edition(formal.document, "formal"), formal.profile, tmp_path / "formal.docx")
    status, _, err = absorb(capsys, data, tmp_path / "formal.docx")
    assert (status, err.strip()) == (2, f"错误：{tmp_path / 'formal.docx'}：这是带版头、版记的正式公文版，不能作为审阅稿写回；"
                                        "请用网站公开版（make report 默认生成的 DOCX）送审，把审阅后的那份交给 absorb")
    text = tmp_path / "审阅稿.docx"
    text.write_text("不是 Word 文档", encoding="utf-8")
    status, _, err = absorb(capsys, data, text)
    assert (status, err.strip()) == (2, f"错误：{text}：不是 Word 文档（.docx）；请给出审阅后保存的 .docx 文件")
    assert data.read_bytes() == before


def test_a_redline_from_diff_absorbed_with_accepted_changes_builds_to_the_new_data(data, tmp_path, capsys):
    new = tmp_path / "new" / "2024.yaml"
    new.parent.mkdir()
    text = data.read_text(encoding="utf-8")
    edits = {
        "专题培训: {value: 4,": "专题培训: {value: 6,",  # a figure
        "广泛收集立法意见并反馈至立法机关": "广泛征集立法意见并及时反馈",  # a sentence
        "          - section: 基层法治力量还有待加强\n            runin: true\n            body:\n"
        "              - 基层法治人员力量配备相对薄弱，部分单位一线执法人员数量较少，执法规范化水平还需提升，这不仅影响了法治政府建设的整体推进，也制约了基层社会治理能力的提升。\n": "",  # a run-in subsection deleted
        "      - section: 健全行政决策制度体系\n": "      - section: 加强法治宣传教育\n        runin: true\n        body:\n          - 深入开展“八五”普法，全年举办法治讲座多场。\n"
                                              "      - section: 健全行政决策制度体系\n",  # one added
        "  - section: \"{{ year + 1 }}年度工作计划\"": "  - section: \"{{ year + 1 }}年度工作打算\"",  # a heading
        "[行政诉讼审结, ": "[审结行政诉讼案件, ",  # a table cell
        "          - 严格行政规范性文件制定程序": "          - 加强法治督察，压实第一责任人职责；\n          - 严格行政规范性文件制定程序",  # an item
    }
    for old, replacement in edits.items():
        assert old in text, old
        text = text.replace(old, replacement)
    new.write_text(text, encoding="utf-8")
    out = tmp_path / "redline"
    result = generator("diff", str(data), str(new), "-o", str(out), "--author", "宛城区司法局", "--date", "2025-02-20")
    assert result.returncode == 0, result.stderr
    (redline,) = out.glob("*.docx")
    before = data.read_text(encoding="utf-8")
    status, stdout, err = absorb(capsys, data, redline, "--accept-changes")
    assert (status, err) == (0, ""), stdout
    assert rendered_text(data) == rendered_text(new)
    after = data.read_text(encoding="utf-8")
    assert comments_of(after) == comments_of(before)
    assert load(data).figures["专题培训"].value == 6
    assert "先后举办{{ 专题培训 }}习近平法治思想专题培训" in after
    assert "      - section: 加强法治宣传教育\n        runin: true\n        body:\n          - 深入开展“八五”普法，全年举办法治讲座多场。\n" in after


def test_a_report_of_another_shape_takes_its_edits_back_too(tmp_path, capsys):
    """Bullets, run-in top-level headings, a 主送机关, a 落款 and attachments (tests/shapes/county_runin.yaml)."""
    data = tmp_path / "2023.yaml"
    shutil.copy(SHAPES / "county_runin.yaml", data)
    original = build_docx(data, tmp_path / "county.docx")

    def edit(document, body) -> None:
        replace(find(body, "中共某市委员会，某市人民政府："), "，", "、")
        replace(find(body, "调解各类纠纷"), "3万余起", "4万余起")
        new_paragraph_after(find(body, "调解各类纠纷"), "——全年未发生重大行政执法过错。")
        cell = next(tc for tc in body.iter(f"{W}tc") if paragraph_text(tc) == "86")
        replace(cell.find(f"{W}p"), "86", "90")
        table = next(body.iter(f"{W}tbl"))
        new_paragraph_after(find(body, "严格规范性文件备案审查"), "三、加强法治宣传。全年开展普法活动12场。", at=table)
        replace(find(body, "三、存在的问题和下一步打算"), "三、", "四、")
        replace(find(body, "一、任务一。"), "任务一。", "任务一：完善制度。")
        replace(find(body, "2024年2月28日"), "2月28日", "3月1日")

    edited = review(original, tmp_path / "edited.docx", edit)
    before = data.read_text(encoding="utf-8")
    status, out, err = absorb(capsys, data, edited)
    assert (status, err) == (0, ""), out
    assert docx_texts(build_docx(data, tmp_path / "rebuilt.docx")) == [t.replace("86件，纠错率10.5%", "90件，纠错率10.0%") for t in docx_texts(edited)]
    assert "提示：第6段没有改动，但引用的数字变了，写回后将随之变为：…行政复议案件[86件，纠错率10.5% → 90件，纠错率10.0%]；…" in out
    after = data.read_text(encoding="utf-8")
    assert "  复议: {value: 90, unit: 件}\n" in after and "  调解: {value: 40000, unit: 起, display: 万余}\n" in after
    assert "    date: 2024-03-01\n" in after
    assert "  - bullet: 全年未发生重大行政执法过错。\n" in after
    assert "  - section: 加强法治宣传\n    runin: true\n    body:\n      - 全年开展普法活动12场。\n  - section: 存在的问题和下一步打算\n" in after
    assert comments_of(after) == comments_of(before)


def test_figures_a_reviewer_fills_into_a_draft_become_values(data_dir, tmp_path, capsys):
    draft = data_dir / "2025.yaml"
    before = draft.read_text(encoding="utf-8")

    def edit(document, body) -> None:
        for label, value in (("区委常委会、区政府常务会听取法治建设专题汇报", "5次"), ("归集推送双公示信息", "25余万条")):
            p = find(body, f"【待填：{label}，")
            text = paragraph_text(p)
            start = text.index(f"【待填：{label}，")
            replace(p, text[start:text.index("】", start) + 1], value)

    status, out, err = absorb(capsys, draft, review(build_docx(draft, tmp_path / "draft.docx"), tmp_path / "filled.docx", edit))
    assert (status, err) == (0, "")
    assert "数字“专题汇报”：填入 5次（figures 中加上 value: 5）" in out
    removed, added = line_changes(before, draft.read_text(encoding="utf-8"))
    assert added == ["  专题汇报: {value: 5, last_year: 4, unit: 次, label: 区委常委会、区政府常务会听取法治建设专题汇报}",
                     "  双公示信息: {value: 250000, last_year: 200000, unit: 条, display: 余万, label: 归集推送双公示信息}"]
    assert "先后5次听取" in rendered_text(draft) and "“双公示”信息25余万条" in rendered_text(draft)


def word_resave(source: Path, target: Path) -> Path:
    """What Word and WPS do to a file they save, on the XML: styles get ids of their own (Chinese
    Word calls 标题 1 "1" and the body style "a3"), runs are cut into pieces with revision ids,
    and bookmarks, proofing marks, a hyperlink and rendered page breaks appear."""
    with zipfile.ZipFile(source) as archive:
        parts = {name: archive.read(name) for name in archive.namelist()}
    styles = etree.fromstring(parts["word/styles.xml"])
    renamed = {}
    for n, style in enumerate(styles.iter(f"{W}style")):
        old = style.get(f"{W}styleId")
        renamed[old] = {"Heading1": "1", "Heading2": "2"}.get(old, f"a{n}")
        style.set(f"{W}styleId", renamed[old])
    for element in styles.iter(f"{W}basedOn", f"{W}next", f"{W}link"):
        element.set(f"{W}val", renamed.get(element.get(f"{W}val"), element.get(f"{W}val")))
    root = etree.fromstring(parts["word/document.xml"])
    for element in root.iter(f"{W}pStyle", f"{W}rStyle", f"{W}tblStyle"):
        element.set(f"{W}val", renamed.get(element.get(f"{W}val"), element.get(f"{W}val")))
    for n, p in enumerate(root.iter(f"{W}p")):
        p.set(f"{W}rsidR", f"00{n:06X}")
        properties = p.find(f"{W}pPr")
        at = 1 if properties is not None else 0
        p.insert(at, etree.Element(f"{W}bookmarkStart", {f"{W}id": str(n), f"{W}name": f"_Toc{n}"}))
        p.append(etree.Element(f"{W}bookmarkEnd", {f"{W}id": str(n)}))
        for run in list(p.findall(f"{W}r")):
            t = run.find(f"{W}t")
            if t is None or not t.text or len(t.text) < 4:
                continue
            pieces = [t.text[k:k + 3] for k in range(0, len(t.text), 3)]
            t.text = pieces[0]
            anchor = run
            for k, piece in enumerate(pieces[1:]):
                copy_ = copy.deepcopy(run)
                copy_.set(f"{W}rsidRPr", f"00{k:06X}")
                copy_.find(f"{W}t").text = piece
                if k == 1:
                    copy_.insert(0, etree.Element(f"{W}lastRenderedPageBreak"))
                anchor.addnext(copy_)
                anchor = copy_
                if k == 2:
                    anchor.addnext(etree.Element(f"{W}proofErr", {f"{W}type": "spellStart"}))
                    anchor = anchor.getnext()
            if n == 5:
                link = etree.Element(f"{W}hyperlink", {f"{W}anchor": "_Toc1"})
                run.addprevious(link)
                link.append(run)
    parts["word/document.xml"] = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
    parts["word/styles.xml"] = etree.tostring(styles, xml_declaration=True, encoding="UTF-8", standalone=True)
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in parts.items():
            archive.writestr(name, content)
    return target


def test_what_word_adds_when_it_saves_is_no_edit(saved, data, tmp_path, capsys):
    before = data.read_bytes()
    resaved = word_resave(build_docx(data, tmp_path / "ours.docx"), tmp_path / "word.docx")
    status, out, err = absorb(capsys, data, resaved)
    assert (status, err) == (0, "") and "没有需要写回的改动" in out
    edited = word_resave(review(build_docx(data, tmp_path / "ours.docx"), tmp_path / "edited.docx", lambda d, body: replace(find(body, "先后4次"), "先后4次", "先后6次")), tmp_path / "word-edited.docx")
    status, out, err = absorb(capsys, data, edited)
    assert (status, err) == (0, "")
    assert "中有 1 处改动：" in out and "先后[4 → 6]次" in out and "（数字“专题汇报”：figures 中的 value 改为 6）" in out
    assert data.read_bytes() != before and load(data).figures["专题汇报"].value == 6


@pytest.mark.parametrize(("starts", "section", "after"), [
    (("（四）健全行政决策制度体系。组织各乡镇街道",), "健全行政决策制度体系", "（四）健全行政执法工作体系。深入开展"),
    (("（二）2023年度法治政府建设考核反馈问题整改情况", "接到市委依法治市办反馈问题"), "{{ year - 1 }}年度法治政府建设考核反馈问题整改情况", "四、2025年度工作计划"),
])
def test_a_subsection_deleted_whole_is_deleted_from_the_data(saved, data, tmp_path, capsys, starts, section, after):
    """A reviewer deletes what they see: a run-in heading with its text (one paragraph), or a
    heading with the paragraphs under it; the numbers after it are computed again."""
    def edit(document, body) -> None:
        for start in starts:
            gone = find(body, start)
            gone.getparent().remove(gone)

    status, out, err = absorb(capsys, data, review(saved["original"], tmp_path / "deleted.docx", edit))
    assert (status, err) == (0, "")
    assert re.search(f"删除一节“{re.escape(section[:16])}[^”]*”（{len(starts)} 段）", out), out
    assert f"- section: {section}" not in data.read_text(encoding="utf-8").replace('"', "")
    rendered = rendered_text(data)
    assert after in rendered and not any(start in rendered for start in starts)


def test_a_joint_signature_and_a_broken_attachment_title_take_their_edits_back(tmp_path, capsys):
    """Each issuer of a joint issuance is a line of the (web edition's) 落款, each line of an
    attachment title a part of its paragraph: an edit goes back into the item of the list."""
    text = SAMPLE.read_text(encoding="utf-8").replace(
        "  published:", "  signature:\n    issuer:\n      - 中共宛城区委员会\n      - 宛城区人民政府\n    date: 2025-03-18\n  published:", 1)
    text += "attachments:\n  - title:\n      - 宛城区2024年度法治政府建设\n      - 重点任务完成情况\n    body:\n      - 全部完成。\n"
    data = tmp_path / "data" / "2024.yaml"
    data.parent.mkdir()
    data.write_text(text, encoding="utf-8")
    original = build_docx(data, tmp_path / "joint.docx")
    status, out, err = absorb(capsys, data, original)
    assert (status, err) == (0, "") and "没有需要写回的改动" in out

    def edit(document, body) -> None:
        issuer = [p for p in body.iter(f"{W}p") if paragraph_text(p) == "宛城区人民政府"][-1]  # the title's first line is the same
        replace(issuer, "宛城区人民政府", "南阳市宛城区人民政府")
        replace(find(body, "宛城区2024年度法治政府建设重点任务完成情况", whole=True), "完成情况", "落实情况")

    status, out, err = absorb(capsys, data, review(original, tmp_path / "edited.docx", edit))
    assert (status, err) == (0, "")
    written = data.read_text(encoding="utf-8")
    assert "      - 中共宛城区委员会\n      - 南阳市宛城区人民政府\n" in written
    assert "      - 宛城区2024年度法治政府建设\n      - 重点任务落实情况\n" in written
