"""The report written and reviewed on the office page: texts listed with their paths, figures as
chips and versions; an edit lands at its node only, as a commit by the editor; a stale version,
a 填报员 or an undefined name is refused and writes nothing; a reviewed DOCX becomes a pending
plan that the clerk accepts as one commit; the approval is withdrawn by a later change."""
from __future__ import annotations

import http.client
import io
import json
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from generator.office import audit, repo
from generator.office.web import create_app

from .helpers import libreoffice_save
from .test_office import Client, Served, log_in, make_office, upload
from .test_office import quick_hashes as quick_hashes  # noqa: F401 (autouse: cheap argon2 for the many logins)
from .test_serve import browser, serving  # noqa: F401 (browser: the suite's Chromium fixture)

DATA = """\
# 某县2025年度报告的数据（测试用）
meta:
  year: 2025
  region: 某县
  issuer: 某县人民政府
  title: 某县人民政府关于{{ year }}年法治政府建设情况的报告
figures:
  行政复议办结: {value: 230, last_year: 217, unit: 件, from: 区司法局, label: 办结行政复议案件}  # 每年1月由区司法局报送
  行政诉讼审结: {value: 140, last_year: 130, unit: 件, from: 区法院, label: 行政诉讼审结}
body:
  - 全年办结行政复议案件{{ 行政复议办结 }}，审结行政诉讼案件{{ 行政诉讼审结 }}。

  - section: 主要举措和成效
    body:
      - p: 我县着力做好以下工作：
        items:
          - 健全学法制度。  # 常委会学法
          - '健全述法制度。'
      - 严格规范公正文明执法。
  - table:
      header: [项目, 数量]
      rows:
        - [行政复议, "{{ 行政复议办结 }}"]
    caption: 表1　主要数字
"""
PEOPLE = {"admin": ("管理员", ""), "wang": ("填报员", "区司法局"), "li": ("经办人", ""), "chen": ("审核人", ""), "zhou": ("审核人", "")}
SENTENCE = "  - 全年办结行政复议案件{{ 行政复议办结 }}，审结行政诉讼案件{{ 行政诉讼审结 }}。\n"


@pytest.fixture
def served(tmp_path: Path) -> Iterator[Served]:
    office = make_office(tmp_path / "office", PEOPLE, DATA)
    with serving(create_app(office)) as port:
        yield Served(office, port)


def data_bytes(served: Served) -> bytes:
    return (served.office.data / "2025.yaml").read_bytes()


def listed(client: Client) -> dict[str, dict]:
    status, body, _ = client.call("GET", "/api/years/2025/texts")
    assert status == 200, body
    return {text["path"]: text for block in body["blocks"] for text in block["texts"]}


def test_the_texts_are_listed_as_they_print_with_figures_as_chips(served: Served) -> None:
    texts = listed(served.client("li"))
    assert list(texts) == ["meta/title", "body/0", "body/1/section", "body/1/body/0/p", "body/1/body/0/items/0",
                           "body/1/body/0/items/1", "body/1/body/1", "body/2/caption",
                           "body/2/table/header/0", "body/2/table/header/1", "body/2/table/rows/0/0", "body/2/table/rows/0/1"]
    first = texts["body/0"]
    assert first["segments"] == [{"text": "全年办结行政复议案件"}, {"source": "{{ 行政复议办结 }}", "name": "行政复议办结", "value": "230件", "figure": True},
                                 {"text": "，审结行政诉讼案件"}, {"source": "{{ 行政诉讼审结 }}", "name": "行政诉讼审结", "value": "140件", "figure": True},
                                 {"text": "。"}]
    assert (first["kind"], first["entry"], first["line"], first["opaque"]) == ("paragraph", "body/0", 11, False)
    assert (texts["body/1/section"]["kind"], texts["body/1/section"]["label"]) == ("heading", "一、")
    assert [(texts[f"body/1/body/0/items/{n}"]["kind"], texts[f"body/1/body/0/items/{n}"]["label"]) for n in (0, 1)] == [("item", "一是"), ("item", "二是")]
    assert served.client("wang").call("GET", "/api/years/2025/texts")[0] == 403


def test_an_edit_of_a_sentence_with_figures_changes_only_its_node_and_keeps_the_references(served: Served) -> None:
    li = served.client("li")
    before = data_bytes(served)
    text = listed(li)["body/0"]
    new = "全年共办结行政复议案件{{ 行政复议办结 }}，审结行政诉讼案件{{ 行政诉讼审结 }}，均按期办结。"
    status, body, _ = li.call("PUT", "/api/years/2025/texts/body/0", {"text": new, "version": text["version"]})
    assert status == 200, body
    after = data_bytes(served)
    old_line, new_line = SENTENCE.encode(), f"  - {new}\n".encode()
    assert before.count(old_line) == 1 and after == before.replace(old_line, new_line)  # nothing else differs, byte for byte
    change = repo.log(served.office.data, "2025.yaml")[0]
    assert change.author == "li" and change.message.splitlines()[0] == "修改正文：全年办结行政复议案件{{ 行政复议办结 }}，审结行政诉讼案… → 全年共办结行政复议案件{{ 行政复议办结 }}，审结行政诉讼…"
    assert "位置：body/0" in change.message.splitlines()
    assert [c["id"] for c in li.call("GET", "/api/years/2025/history?path=body/0")[1]["history"]] == [change.id]
    # a quoted item keeps its quotes, a commented one its comment
    items = listed(li)
    assert li.call("PUT", "/api/years/2025/texts/body/1/body/0/items/1", {"text": "健全述法制度，每年述法一次。", "version": items["body/1/body/0/items/1"]["version"]})[0] == 200
    assert li.call("PUT", "/api/years/2025/texts/body/1/body/0/items/0", {"text": "健全学法制度。", "version": items["body/1/body/0/items/0"]["version"]})[0] == 200
    assert "          - 健全学法制度。  # 常委会学法\n          - '健全述法制度，每年述法一次。'\n" in data_bytes(served).decode()


def test_a_heading_and_a_table_cell_are_edited_in_place(served: Served) -> None:
    li = served.client("li")
    texts = listed(li)
    assert (texts["body/2/table/rows/0/1"]["kind"], texts["body/2/table/rows/0/1"]["row"], texts["body/2/table/rows/0/1"]["column"]) == ("cell", 1, 1)
    assert li.call("PUT", "/api/years/2025/texts/body/2/table/rows/0/0", {"text": "复议案件，办结", "version": texts["body/2/table/rows/0/0"]["version"]})[0] == 200
    assert li.call("PUT", "/api/years/2025/texts/body/1/section", {"text": "主要举措", "version": texts["body/1/section"]["version"]})[0] == 200
    text = data_bytes(served).decode()
    assert '        - [复议案件，办结, "{{ 行政复议办结 }}"]\n' in text and "  - section: 主要举措\n" in text
    assert listed(li)["body/1/section"]["label"] == "一、"
    conditional = "严格执法{% if 行政复议办结.value > 200 %}，复议案件较多{% endif %}。"
    assert li.call("PUT", "/api/years/2025/texts/body/1/body/1", {"text": conditional, "version": listed(li)["body/1/body/1"]["version"]})[0] == 200
    text = listed(li)["body/1/body/1"]
    assert (text["opaque"], text["template"], text["segments"]) == (True, conditional, [{"text": "严格执法，复议案件较多。"}])


def test_a_number_typed_into_a_sentence_is_made_a_figure_in_one_step(served: Served) -> None:
    li = served.client("li")
    version = listed(li)["body/1/body/1"]["version"]
    assert li.call("PUT", "/api/years/2025/texts/body/1/body/1", {"text": "检查涉企单位1,026家，整改率98.5%。", "version": version})[0] == 200
    text = listed(li)["body/1/body/1"]
    ask = {"path": "body/1/body/1", "typed": "1,026家", "name": "检查涉企单位", "label": "检查涉企单位数", "version": text["version"]}
    assert li.call("POST", "/api/years/2025/new-figure", ask | {"typed": "2,000家"})[1]["error"] == "这段文字中没有“2,000家”；请写出文中只出现一次的那个数（连同单位）"
    assert li.call("POST", "/api/years/2025/new-figure", ask | {"name": "行政复议办结"})[1]["error"] == "已经有一个叫“行政复议办结”的数字；请换一个名称，或在文中直接引用它"
    status, body, _ = li.call("POST", "/api/years/2025/new-figure", ask)
    assert status == 200, body
    data = data_bytes(served).decode()
    assert "      - 检查涉企单位{{ 检查涉企单位 }}，整改率98.5%。\n" in data
    assert "  行政诉讼审结: {value: 140, last_year: 130, unit: 件, from: 区法院, label: 行政诉讼审结}\n  检查涉企单位: {value: 1026, unit: 家, label: 检查涉企单位数}\nbody:\n" in data
    assert listed(li)["body/1/body/1"]["segments"][1] == {"source": "{{ 检查涉企单位 }}", "name": "检查涉企单位", "value": "1026家", "figure": True}
    assert repo.log(served.office.data, "2025.yaml")[0].message.splitlines()[0] == "设为数字项：检查涉企单位（1,026家，检查涉企单位数）"
    text = listed(li)["body/1/body/1"]
    status, body, _ = li.call("POST", "/api/years/2025/new-figure", ask | {"typed": "98.5%", "name": "整改率", "label": "", "version": text["version"]})
    assert status == 200 and '  整改率: {value: 98.5, unit: "%"}\n' in data_bytes(served).decode()


def test_a_stale_version_gets_409_and_writes_nothing(served: Served) -> None:
    li = served.client("li")
    seen = listed(li)["body/0"]["version"]
    assert li.call("PUT", "/api/years/2025/texts/body/0", {"text": "全年办结行政复议案件{{ 行政复议办结 }}。", "version": seen})[0] == 200
    before, commits = data_bytes(served), len(repo.log(served.office.data, "2025.yaml"))
    status, body, _ = li.call("PUT", "/api/years/2025/texts/body/0", {"text": "另一种写法。", "version": seen})
    assert status == 409
    assert body["error"] == "这段文字在您打开页面之后已被他人改过，现在是：“全年办结行政复议案件{{ 行政复议办结 }}。”。请刷新页面，在最新版本上重新修改"
    assert body["current"]["version"] != seen and body["yours"] == {"version": seen}
    assert data_bytes(served) == before and len(repo.log(served.office.data, "2025.yaml")) == commits


def test_only_the_clerk_edits_text_and_a_text_that_does_not_load_is_refused(served: Served) -> None:
    before = data_bytes(served)
    for name in ("wang", "chen"):
        client = served.client(name)
        status, body, _ = client.call("PUT", "/api/years/2025/texts/body/0", {"text": "改写。", "version": "x"})
        assert (status, body["error"]) == (403, "只有经办人能做这一步")
    li = served.client("li")
    version = listed(li)["body/0"]["version"]
    status, body, _ = li.call("PUT", "/api/years/2025/texts/body/0", {"text": "全年办结案件{{ 办结数 }}。", "version": version})
    assert status == 422 and body["error"].startswith("写入后数据文件无法读取，未作改动：") and "办结数" in body["error"]
    for where in ("meta/year", "figures/行政复议办结/label"):  # authoritative fields and figures are not the page's to write
        status, body, _ = li.call("PUT", f"/api/years/2025/texts/{where}", {"text": "2030", "version": "x"})
        assert status == 403 and body["error"].startswith(f"“{where}”不是正文、附件或标题中的文字"), body
    assert data_bytes(served) == before and len(repo.log(served.office.data, "2025.yaml")) == 1


def test_items_are_added_deleted_and_moved_each_as_a_commit(served: Served) -> None:
    li = served.client("li")
    texts = listed(li)
    status, body, _ = li.call("POST", "/api/years/2025/texts", {"after": "body/1/body/0/items/1", "text": "建立“五个一”机制。",
                                                                 "version": texts["body/1/body/0/items/1"]["version"]})
    assert (status, body["path"]) == (200, "body/1/body/0/items/2")
    assert "          - '健全述法制度。'\n          - 建立“五个一”机制。\n      - 严格" in data_bytes(served).decode()
    texts = listed(li)
    status, body, _ = li.call("DELETE", "/api/years/2025/texts/body/1/body/0/items/0", {"version": texts["body/1/body/0/items/0"]["version"]})
    assert status == 200, body
    assert "健全学法制度" not in data_bytes(served).decode() and "常委会学法" not in data_bytes(served).decode()
    texts = listed(li)
    status, body, _ = li.call("POST", "/api/years/2025/move", {"path": "body/1/body/0/items/1", "step": -1, "version": texts["body/1/body/0/items/1"]["version"]})
    assert (status, body["path"]) == (200, "body/1/body/0/items/0")
    assert "        items:\n          - 建立“五个一”机制。\n          - '健全述法制度。'\n" in data_bytes(served).decode()
    assert [c.message.splitlines()[0] for c in repo.log(served.office.data, "2025.yaml")][:3] == [
        "上移事项：建立“五个一”机制。", "删除事项：健全学法制度。", "新增事项：建立“五个一”机制。"]
    texts = listed(li)
    ask = {"after": "body/1/section", "text": "全年未发生行政败诉案件。", "title": "存在的不足", "version": texts["body/1/section"]["version"]}
    status, body, _ = li.call("POST", "/api/years/2025/texts", ask | {"after": "body/1/body/0/items/0", "version": texts["body/1/body/0/items/0"]["version"]})
    assert (status, body["error"]) == (422, "一是、二是的事项中不能添加一节；请选正文中的段落或标题，在它后面添加")
    status, body, _ = li.call("POST", "/api/years/2025/texts", ask)
    assert (status, body["path"]) == (200, "body/2")
    assert "      - 严格规范公正文明执法。\n\n  - section: 存在的不足\n    body:\n      - 全年未发生行政败诉案件。\n  - table:" in data_bytes(served).decode()
    assert (listed(li)["body/2/section"]["label"], listed(li)["body/2/body/0"]["kind"]) == ("二、", "paragraph")


def test_a_finding_acknowledged_with_a_reason_stays_acknowledged(served: Served, tmp_path: Path) -> None:
    from .helpers import generator

    li = served.client("li")
    version = listed(li)["body/1/body/1"]["version"]
    assert li.call("PUT", "/api/years/2025/texts/body/1/body/1", {"text": "严格严格规范执法。", "version": version})[0] == 200
    (finding,) = [f for f in li.call("GET", "/api/years/2025/texts")[1]["findings"] if f["rule"] == "doubled-word"]
    assert (finding["line"], finding["message"]) == (19, "“严格”紧挨着重复了一遍：“严格严格”")
    ask = {"rule": "doubled-word", "message": finding["message"], "reason": ""}
    assert li.call("POST", "/api/years/2025/acknowledge", ask)[1]["error"] == "请写明为什么这条检查结果无须改正（1 至 500 个字）"
    assert served.client("chen").call("POST", "/api/years/2025/acknowledge", ask | {"reason": "原文如此"})[0] == 403
    status, body, _ = li.call("POST", "/api/years/2025/acknowledge", ask | {"reason": "原文如此"})
    assert status == 200, body
    text = data_bytes(served).decode()
    assert text.endswith(f"checks:\n  acknowledged:\n    - {{rule: doubled-word, message: {finding['message']}, reason: 原文如此}}\n")
    assert not [f for f in li.call("GET", "/api/years/2025/texts")[1]["findings"] if f["rule"] == "doubled-word"]
    assert "doubled-word" not in generator("check", str(served.office.data / "2025.yaml")).stdout  # at the terminal too
    assert li.call("POST", "/api/years/2025/acknowledge", ask | {"reason": "再确认"})[0] == 409


def reviewed_docx(client: Client, sentence: str) -> bytes:
    import docx

    status, body, _ = client.call("GET", "/api/years/2025/download/docx")
    assert status == 200
    document = docx.Document(io.BytesIO(body["raw"]))
    paragraph = next(p for p in document.paragraphs if p.text.startswith("全年"))
    for run in paragraph.runs[1:]:
        run.text = ""
    paragraph.runs[0].text = sentence
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def test_a_review_plan_accepted_lands_as_one_commit_by_the_accepting_clerk(served: Served) -> None:
    chen, li = served.client("chen"), served.client("li")
    before = data_bytes(served)
    content = reviewed_docx(chen, "全年共办结行政复议案件230件，审结行政诉讼案件140件。")
    assert upload(served.client("wang"), "/api/years/2025/reviews", "审阅稿.docx", content)[0] == 403
    status, review = upload(chen, "/api/years/2025/reviews", "审阅稿.docx", content)
    assert status == 200, review
    assert review["state"] == "待处理" and review["by"] == "chen" and len(review["plan"]["changes"]) == 1
    assert tempfile.gettempdir() not in json.dumps(review, ensure_ascii=False)  # nothing of the scratch folder absorb worked in
    assert data_bytes(served) == before  # a plan only
    assert chen.call("POST", f"/api/years/2025/reviews/{review['id']}/accept", {})[0] == 403
    commits = len(repo.log(served.office.data, "2025.yaml"))
    status, body, _ = li.call("POST", f"/api/years/2025/reviews/{review['id']}/accept", {})
    assert status == 200 and body["state"] == "已采纳", body
    log = repo.log(served.office.data, "2025.yaml")
    assert len(log) == commits + 1 and (log[0].author, log[0].id) == ("li", body["commit"])
    assert log[0].message.splitlines()[0] == "采纳审阅稿 审阅稿.docx（chen 上传）：1 处改动"
    assert "  - 全年共办结行政复议案件{{ 行政复议办结 }}，审结行政诉讼案件{{ 行政诉讼审结 }}。\n" in data_bytes(served).decode()
    assert [c["author"] for c in li.call("GET", "/api/years/2025/history?path=body/0")[1]["history"]] == ["li"]  # who wrote it now
    assert [c["author"] for c in li.call("GET", "/api/years/2025/history?path=body/1/section")[1]["history"]] == ["本机命令行"]  # the first commit
    assert li.call("POST", f"/api/years/2025/reviews/{review['id']}/decline", {})[0] == 409  # decided once
    assert [r["state"] for r in li.call("GET", "/api/years/2025/reviews")[1]["reviews"]] == ["已采纳"]


def test_the_clerk_takes_some_edits_of_a_review_and_leaves_the_others(served: Served) -> None:
    import docx

    chen, li = served.client("chen"), served.client("li")
    status, body, _ = chen.call("GET", "/api/years/2025/download/docx")
    document = docx.Document(io.BytesIO(body["raw"]))
    for paragraph in document.paragraphs:
        for start, new in (("全年办结", "全年共办结行政复议案件230件，审结行政诉讼案件140件。"), ("严格规范", "严格规范执法。")):
            if paragraph.text.startswith(start):
                for run in paragraph.runs[1:]:
                    run.text = ""
                paragraph.runs[0].text = new
    reviewed = io.BytesIO()
    document.save(reviewed)
    status, review = upload(chen, "/api/years/2025/reviews", "审阅稿.docx", reviewed.getvalue())
    assert status == 200, review
    edits = review["plan"]["edits"]
    assert [(e["id"], e["line"], e["new"].strip()) for e in edits] == [
        (1, 11, "- 全年共办结行政复议案件{{ 行政复议办结 }}，审结行政诉讼案件{{ 行政诉讼审结 }}。"), (2, 19, "- 严格规范执法。")]
    before = data_bytes(served)
    assert li.call("POST", f"/api/years/2025/reviews/{review['id']}/accept", {"edits": [7]})[0] == 422
    status, body, _ = li.call("POST", f"/api/years/2025/reviews/{review['id']}/accept", {"edits": [2]})
    assert status == 200 and body["state"] == "已采纳", body
    assert data_bytes(served) == before.replace("      - 严格规范公正文明执法。\n".encode(), "      - 严格规范执法。\n".encode())
    change = repo.log(served.office.data, "2025.yaml")[0]
    assert (change.author, change.message.splitlines()[0]) == ("li", "采纳审阅稿 审阅稿.docx（chen 上传）中的 1/2 处改动")


def test_a_review_on_an_older_version_is_not_applied(served: Served) -> None:
    chen, li = served.client("chen"), served.client("li")
    status, review = upload(chen, "/api/years/2025/reviews", "审阅稿.docx", reviewed_docx(chen, "全年共办结行政复议案件230件，审结行政诉讼案件140件。"))
    assert status == 200
    version = listed(li)["body/1/body/1"]["version"]
    assert li.call("PUT", "/api/years/2025/texts/body/1/body/1", {"text": "严格执法。", "version": version})[0] == 200
    before = data_bytes(served)
    status, body, _ = li.call("POST", f"/api/years/2025/reviews/{review['id']}/accept", {})
    assert status == 409 and "上传之后数据文件又有改动" in body["error"]
    assert data_bytes(served) == before


def test_the_approval_is_audited_with_its_version_and_withdrawn_by_a_later_change(served: Served) -> None:
    li, chen = served.client("li"), served.client("chen")
    assert li.call("POST", "/api/years/2025/report/submit", {})[0] == 200
    head = repo.log(served.office.data, "2025.yaml")[0].id
    status, board, _ = chen.call("POST", "/api/years/2025/report/approve", {})
    assert status == 200 and board["report"]["state"] == "已批准"
    entry = audit.entries(served.office, 1)[0]
    assert (entry["user"], entry["action"], entry["detail"]) == ("chen", "批准报告", f"2025年度报告（版本 {head[:10]}）")
    version = listed(li)["body/1/body/1"]["version"]
    status, body, _ = li.call("PUT", "/api/years/2025/texts/body/1/body/1", {"text": "严格执法。", "version": version})
    assert status == 200
    entry = audit.entries(served.office, 1)[0]
    assert (entry["user"], entry["action"]) == ("li", "撤销批准")
    assert entry["detail"] == f"2025年度报告：批准的版本 {head[:10]}之后，li修改了数据（版本 {body['commit'][:10]}：修改正文：严格规范公正文明执法。 → 严格执法。）"
    board = li.call("GET", "/api/years/2025/board")[1]
    assert board["report"]["state"] == "批准已撤销"
    assert li.call("POST", "/api/years/2025/report/submit", {})[0] == 200  # sent for review again
    # approved again, then changed at the terminal (the server stopped or not): withdrawn as well
    assert served.client("zhou").call("POST", "/api/years/2025/report/approve", {})[0] == 200
    path = served.office.data / "2025.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("严格执法。", "严格执法，公正执法。"), encoding="utf-8")
    repo.commit_outside_changes(served.office.data)  # as the server's start does
    assert li.call("GET", "/api/years/2025/board")[1]["report"]["state"] == "批准已撤销"
    entry = audit.entries(served.office, 1)[0]
    assert (entry["user"], entry["action"]) == ("本机命令行", "撤销批准") and entry["detail"].startswith("2025年度报告：批准的版本 ")


def test_comments_restore_and_nobody_approves_their_own_edits(served: Served) -> None:
    li, chen = served.client("li"), served.client("chen")
    status, comment, _ = chen.call("POST", "/api/years/2025/comments", {"path": "body/1/body/1", "text": "“严格规范公正文明执法”后请补充具体数字"})
    assert status == 200 and comment["by"] == "chen"
    assert li.call("GET", "/api/years/2025/texts")[1]["comments"][0]["text"] == "“严格规范公正文明执法”后请补充具体数字"
    assert served.client("wang").call("POST", "/api/years/2025/comments", {"path": "body/0", "text": "好"})[0] == 403
    first = repo.log(served.office.data, "2025.yaml")[0].id
    version = listed(li)["body/1/body/1"]["version"]
    assert li.call("PUT", "/api/years/2025/texts/body/1/body/1", {"text": "严格执法。", "version": version})[0] == 200
    status, body, _ = li.call("POST", "/api/years/2025/restore", {"commit": first})
    assert status == 200, body
    assert data_bytes(served).decode() == DATA
    assert repo.log(served.office.data, "2025.yaml")[0].message.startswith("恢复到 ")
    assert chen.call("POST", "/api/years/2025/restore", {"commit": first})[0] == 403
    # a reviewer holding edits of their own in the year's history does not approve it
    path = served.office.data / "2025.yaml"
    path.write_text(path.read_text(encoding="utf-8") + "# 审核人加的注释\n", encoding="utf-8")
    repo.commit(served.office.data, ["2025.yaml"], "审核人亲自修改", "zhou")
    assert li.call("POST", "/api/years/2025/report/submit", {})[0] == 200
    status, body, _ = served.client("zhou").call("POST", "/api/years/2025/report/approve", {})
    assert (status, body["error"]) == (403, "2025年度报告中有您本人的修改，不能由您本人批准；请由另一位审核人批准")


def test_the_clerk_edits_in_the_browser_and_accepts_a_reviewers_docx(browser, tmp_path: Path) -> None:  # noqa: F811
    office = make_office(tmp_path / "office", PEOPLE, DATA.replace("严格规范公正文明执法。", "严格严格规范公正文明执法。"))
    with serving(create_app(office)) as port:
        served = Served(office, port)
        li, chen = served.client("li"), served.client("chen")
        assert li.call("POST", "/api/years/2025/report/submit", {})[0] == 200
        assert chen.call("POST", "/api/years/2025/report/approve", {})[0] == 200
        context, page, errors = log_in(browser, port, "li")
        page.goto(f"http://127.0.0.1:{port}/years/2025")
        page.get_by_role("link", name="查看和修改报告正文、处理审阅稿").click()
        sentence = page.locator('.text[data-path="body/0"]')
        sentence.wait_for()
        assert sentence.locator(".chip").all_inner_texts() == ["行政复议办结：230件", "行政诉讼审结：140件"]
        assert page.locator(".block.heading").inner_text() == "一、主要举措和成效"
        assert page.locator(".block.paragraph", has=page.locator(".text.item")).inner_text() == "我县着力做好以下工作：一是健全学法制度。二是健全述法制度。"

        # a sentence holding figures, rewritten from the keyboard: the chips stay references
        before = data_bytes(served)
        sentence.focus()
        page.keyboard.press("Enter")
        page.get_by_role("textbox", name="段落内容").wait_for()
        page.keyboard.press("Home")
        page.keyboard.press("ArrowRight")
        page.keyboard.press("ArrowRight")
        page.keyboard.type("共")
        page.keyboard.press("Control+Enter")
        page.locator("#status", has_text="已保存").wait_for()
        new = SENTENCE.replace("全年办结", "全年共办结").encode()
        assert data_bytes(served) == before.replace(SENTENCE.encode(), new)
        assert page.locator('.text[data-path="body/0"] .chip').count() == 2
        assert page.locator('.text[data-path="body/0"]').inner_text().startswith("全年共办结行政复议案件")

        # the finding beside the paragraph goes once the paragraph is corrected
        doubled = page.locator(".findings li[data-rule=doubled-word]")
        assert doubled.count() == 1 and "“严格”紧挨着重复了一遍" in doubled.inner_text()
        page.locator('.text[data-path="body/1/body/1"]').click()
        page.keyboard.press("Control+A")
        page.keyboard.type("严格规范公正文明执法。")
        page.get_by_role("button", name="保存", exact=True).click()
        page.locator('.text[data-path="body/1/body/1"]', has_text="严格规范公正文明执法。").wait_for()
        doubled.wait_for(state="detached")

        # a number typed into the sentence made a figure in one step: it shows as a chip
        page.locator('.text[data-path="body/1/body/1"]').click()
        page.keyboard.press("End")
        page.keyboard.press("Backspace")
        page.keyboard.type("，检查企业120家。")
        page.keyboard.press("Control+Enter")
        page.locator('.text[data-path="body/1/body/1"]', has_text="检查企业120家").wait_for()
        page.locator('.text[data-path="body/1/body/1"]').click()
        page.get_by_label("文中的数（连同单位）").fill("120家")
        page.get_by_label("数字的名称").fill("检查企业")
        page.get_by_label("数字的说明").fill("执法检查企业数")
        page.get_by_role("button", name="设为数字项").click()
        page.locator('.text[data-path="body/1/body/1"] .chip', has_text="检查企业：120家").wait_for()
        assert "  检查企业: {value: 120, unit: 家, label: 执法检查企业数}\n" in data_bytes(served).decode()

        # an item deleted, another added after the one left
        page.locator('.text[data-path="body/1/body/0/items/0"]').click()
        page.get_by_role("button", name="删除事项").click()
        page.locator("#status", has_text="已删除").wait_for()
        page.locator('.text[data-path="body/1/body/0/items/0"]').click()
        page.get_by_role("button", name="在后面添加事项").click()
        page.keyboard.type("建立“五个一”机制。")
        page.keyboard.press("Control+Enter")
        page.locator("#status", has_text="已添加").wait_for()
        assert page.locator(".block.paragraph", has=page.locator(".text.item")).inner_text() == "我县着力做好以下工作：一是健全述法制度。二是建立“五个一”机制。"
        assert "        items:\n          - '健全述法制度。'\n          - 建立“五个一”机制。\n" in data_bytes(served).decode()

        # a new section after the first, its title then its first paragraph, from the keyboard
        page.locator('.text[data-path="body/1/section"]').focus()
        page.keyboard.press("Enter")
        page.get_by_role("button", name="在后面添加一节").click()
        page.get_by_role("textbox", name="新一节的标题").wait_for()
        page.keyboard.type("存在的不足")
        page.keyboard.press("Tab")
        page.keyboard.type("宣传形式还不够丰富。")
        page.keyboard.press("Control+Enter")
        page.locator(".block.heading", has_text="二、存在的不足").wait_for()  # the status still says 已添加 from the item
        assert page.locator(".block.heading").all_inner_texts() == ["一、主要举措和成效", "二、存在的不足"]
        assert errors == []

        # the approval given before these changes is withdrawn, in the audit log and on the board
        actions = [entry["action"] for entry in audit.entries(office)]
        assert actions.index("撤销批准") < actions.index("批准报告")
        page.goto(f"http://127.0.0.1:{port}/years/2025")
        assert page.locator("#report-state").inner_text() == "批准已撤销"

        # a reviewer's DOCX, edited with python-docx and saved again by LibreOffice, accepted by the clerk
        edited = tmp_path / "审阅稿.docx"
        edited.write_bytes(reviewed_docx(chen, "全年共办结行政复议案件230件，审结行政诉讼案件140件，全部按期办结。"))
        resaved = libreoffice_save([edited], tmp_path, "docx:MS Word 2007 XML", "libreoffice-writer")["审阅稿"]
        reviewer, review_page, review_errors = log_in(browser, port, "chen")
        review_page.goto(f"http://127.0.0.1:{port}/years/2025/report")
        review_page.locator("#review-upload").set_input_files(str(resaved))
        review_page.get_by_role("button", name="上传并查看修改方案").click()
        review_page.locator(".review", has_text="待处理").wait_for()
        review_page.locator('.text[data-path="body/1/body/1"]').focus()
        review_page.keyboard.press("Enter")
        review_page.get_by_role("textbox", name="批注内容").wait_for()
        review_page.keyboard.type("请补充执法检查的次数")
        review_page.keyboard.press("Control+Enter")
        review_page.locator(".comments li", has_text="请补充执法检查的次数").wait_for()
        assert review_errors == []
        reviewer.close()
        page.goto(f"http://127.0.0.1:{port}/years/2025/report")
        assert page.locator(".comments li").inner_text().startswith("批注（chen，")
        plan = page.locator(".review", has_text="待处理")
        assert "全部按期办结" in plan.inner_text()
        plan.get_by_role("button", name="采纳全部修改").click()
        page.locator("#status", has_text="已采纳").wait_for()
        change = repo.log(office.data, "2025.yaml")[0]
        assert (change.author, change.message.splitlines()[0]) == ("li", "采纳审阅稿 审阅稿.docx（chen 上传）：1 处改动")
        assert "  - 全年共办结行政复议案件{{ 行政复议办结 }}，审结行政诉讼案件{{ 行政诉讼审结 }}，全部按期办结。\n" in data_bytes(served).decode()
        page.locator('.text[data-path="body/0"]', has_text="全部按期办结").wait_for()
        assert errors == []
        context.close()


def test_a_scalar_is_replaced_in_the_quoting_it_was_written_in() -> None:
    import yaml

    from generator.pipeline import yamledit

    text = "row: [甲, '乙']  # 注释\nplain: 丙\nquoted: \"丁\"\n"
    root = yaml.compose(text)
    (_, row), (_, plain), (_, quoted) = root.value
    edits = [yamledit.replace_scalar(text, row.value[0], "甲, 乙", flow=True), yamledit.replace_scalar(text, row.value[1], "它's"),
             yamledit.replace_scalar(text, plain, "# 不是注释"), yamledit.replace_scalar(text, quoted, "戊")]
    assert yamledit.apply(text, edits) == "row: [\"甲, 乙\", '它''s']  # 注释\nplain: \"# 不是注释\"\nquoted: \"戊\"\n"


def test_the_report_page_reads_at_200_percent_zoom(browser, served: Served) -> None:  # noqa: F811
    """200 % zoom of a 1280-pixel screen: a 640-pixel-wide page, with nothing to scroll sideways."""
    context, page, errors = log_in(browser, served.port, "li")
    page.set_viewport_size({"width": 640, "height": 900})
    page.goto(f"http://127.0.0.1:{served.port}/years/2025/report")
    page.locator('.text[data-path="body/0"]').wait_for()
    page.locator('.text[data-path="body/0"]').click()
    page.get_by_role("textbox", name="段落内容").wait_for()
    assert page.evaluate("document.documentElement.scrollWidth") <= 640
    assert errors == []
    context.close()


def test_the_print_page_takes_the_new_version_by_itself(browser, served: Served) -> None:  # noqa: F811
    """A clerk keeps the print preview open in a tab; a save elsewhere brings its pictures."""
    from playwright.sync_api import expect

    context, page, errors = log_in(browser, served.port, "li")
    page.goto(f"http://127.0.0.1:{served.port}/years/2025/print")
    first = page.locator("#preview").get_attribute("data-version")
    assert page.locator("#preview img").count() >= 1 and page.locator("#preview img").first.evaluate("img => img.naturalWidth") > 0
    li = served.client("li")
    text = listed(li)["body/0"]
    assert li.call("PUT", "/api/years/2025/texts/body/0", {"text": text["template"] + "另有说明。", "version": text["version"]})[0] == 200
    expect(page.locator("#preview")).not_to_have_attribute("data-version", first or "", timeout=60_000)
    assert "打印预览" in page.locator("h1").inner_text() and errors == []
    context.close()


def test_every_new_change_needs_the_csrf_token(served: Served) -> None:
    li = served.client("li")
    before = data_bytes(served)
    for method, path in [("PUT", "/api/years/2025/texts/body/0"), ("DELETE", "/api/years/2025/texts/body/0"), ("POST", "/api/years/2025/texts"),
                         ("POST", "/api/years/2025/move"), ("POST", "/api/years/2025/new-figure"), ("POST", "/api/years/2025/comments"),
                         ("POST", "/api/years/2025/acknowledge"), ("POST", "/api/years/2025/restore"), ("POST", "/api/years/2025/reviews"),
                         ("POST", "/api/years/2025/reviews/1/accept")]:
        status, body, _ = li.call(method, path, {}, token=False)
        assert (status, body["error"]) == (403, "请求缺少有效的防伪令牌（X-CSRF-Token），已拒绝；请刷新页面后重试"), path
    assert data_bytes(served) == before


def multipart(client: Client, path: str, parts: list[tuple[str, str, bytes]]) -> tuple[int, dict]:
    """POST a multipart/form-data body, as a form's file field or curl -F sends it."""
    boundary = "----fazhi-test-boundary"
    body = b"".join(
        f'--{boundary}\r\nContent-Disposition: form-data; name="{field}"; filename="{name}"\r\n'
        f"Content-Type: application/vnd.openxmlformats-officedocument.wordprocessingml.document\r\n\r\n".encode() + content + b"\r\n"
        for field, name, content in parts
    ) + f"--{boundary}--\r\n".encode()
    connection = http.client.HTTPConnection("127.0.0.1", client.port, timeout=60)
    try:
        connection.request("POST", path, body=body, headers={"cookie": client.cookie, "x-csrf-token": client.csrf,
                                                              "content-type": f"multipart/form-data; boundary={boundary}"})
        response = connection.getresponse()
        return response.status, json.loads(response.read())
    finally:
        connection.close()


def test_a_review_is_uploaded_as_a_multipart_form_too(served: Served) -> None:
    chen = served.client("chen")
    content = reviewed_docx(chen, "全年共办结行政复议案件230件，审结行政诉讼案件140件。")
    status, review = multipart(chen, "/api/years/2025/reviews", [("file", "审阅稿.docx", content)])
    assert status == 200, review
    assert review["state"] == "待处理" and len(review["plan"]["changes"]) == 1
    status, body, _ = served.client("li").call("POST", f"/api/years/2025/reviews/{review['id']}/accept", {})
    assert status == 200 and repo.log(served.office.data, "2025.yaml")[0].message.startswith("采纳审阅稿 审阅稿.docx（chen 上传）")
    status, refused = multipart(chen, "/api/years/2025/reviews", [("a", "一.docx", content), ("b", "二.docx", content)])
    assert (status, refused["error"]) == (400, "上传的表单中应有且只有一个文件")


def fetched(client: Client, path: str) -> tuple[int, str, bytes]:
    """A page or picture as the browser gets it: status, content type, bytes."""
    connection = http.client.HTTPConnection("127.0.0.1", client.port, timeout=60)
    try:
        connection.request("GET", path, headers={"cookie": client.cookie})
        response = connection.getresponse()
        return response.status, response.getheader("content-type") or "", response.read()
    finally:
        connection.close()


def test_the_print_preview_follows_a_saved_text(served: Served) -> None:
    """The print preview is the PDF of the data as it is now, drawn page by page; after a text
    is saved, it is of the new version (the save starts drawing it at once)."""
    import hashlib

    li = served.client("li")
    status, before, _ = li.call("GET", "/api/years/2025/preview")
    assert status == 200 and len(before["pages"]) >= 1 and before["version"] == hashlib.sha256(data_bytes(served)).hexdigest()[:12]
    text = listed(li)["body/0"]
    new = "全年共办结行政复议案件{{ 行政复议办结 }}，审结行政诉讼案件{{ 行政诉讼审结 }}，均按期办结。"
    assert li.call("PUT", "/api/years/2025/texts/body/0", {"text": new, "version": text["version"]})[0] == 200
    status, after, _ = li.call("GET", "/api/years/2025/preview")
    assert status == 200 and after["version"] == hashlib.sha256(data_bytes(served)).hexdigest()[:12] != before["version"]
    status, kind, png = fetched(li, "/years/2025/print/1.png")
    assert (status, kind, png[:8]) == (200, "image/png", b"\x89PNG\r\n\x1a\n")
    assert fetched(li, f"/years/2025/print/{len(after['pages']) + 1}.png")[0] == 404
    status, kind, page = fetched(li, "/years/2025/print")
    html = page.decode()
    assert status == 200 and f"共 {len(after['pages'])} 页" in html and html.count('<img src="/years/2025/print/') == len(after["pages"])
    assert f"?v={after['version']}" in html
    assert served.client("wang").call("GET", "/api/years/2025/preview")[0] == 403
