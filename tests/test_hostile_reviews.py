"""A reviewed DOCX is read within the caps every incoming file has (generator/incoming.py), in
work that grows linearly with it, and text a reviewer could not see never comes back: each
hostile review ends in one located Chinese line under the 1 GiB / 10 s limit of tests/hostile.py,
with the data file untouched."""
from __future__ import annotations

import os
import re
import shutil
import zipfile
from collections.abc import Callable
from pathlib import Path

import docx
import docx.document
import pytest

from generator.pipeline import open_report
from generator.writers import docx as docx_writer

from .helpers import SAMPLE
from .hostile import run

W_NS = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'


def _members(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def _zip(path: Path, members: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return path


def _with_paragraph_xml(members: dict[str, bytes], inner: str) -> dict[str, bytes]:
    """The document with `inner` (runs, revisions, markers) added to its first body paragraph
    that holds text."""
    document = members["word/document.xml"].decode()
    at = document.index("<w:r>", document.index("<w:body>"))
    return {**members, "word/document.xml": (document[:at] + inner + document[at:]).encode()}


def _with_body_xml(members: dict[str, bytes], blocks: str) -> dict[str, bytes]:
    """The document with `blocks` (paragraphs, tables) first in its body."""
    document = members["word/document.xml"].decode()
    at = document.index("<w:body>") + len("<w:body>")
    return {**members, "word/document.xml": (document[:at] + blocks + document[at:]).encode()}


def _flag_encrypted(path: Path) -> Path:
    raw = bytearray(path.read_bytes())
    for match in re.finditer(rb"PK\x03\x04|PK\x01\x02", bytes(raw)):
        raw[match.start() + (6 if raw[match.start() + 2] == 3 else 8)] |= 1
    path.write_bytes(bytes(raw))
    return path


def _corrupt(path: Path) -> Path:
    raw = bytearray(path.read_bytes())
    start = raw.index(b"word/document.xml") + len(b"word/document.xml") + 40
    raw[start:start + 200] = bytes(200)
    path.write_bytes(bytes(raw))
    return path


def _unrelated(path: Path, paragraphs: int) -> Path:
    document = docx.Document()
    for n in range(paragraphs):
        document.add_paragraph(f"第{n}条　这是另一份材料的第{n}段，讲的是别的事情，编号{n * 7919 % 10007}。")
    document.save(str(path))
    return path


@pytest.fixture(scope="module")
def made(tmp_path_factory):
    folder = tmp_path_factory.mktemp("reviews")
    data = folder / "data" / "2024.yaml"
    data.parent.mkdir()
    shutil.copy(SAMPLE, data)
    loaded = open_report(data)
    base = folder / "review.docx"
    docx_writer.write(loaded.document, loaded.profile, base)
    members = _members(base)
    fifo = folder / "fifo.docx"
    os.mkfifo(fifo)
    insertions = "".join(f'<w:ins w:id="{n}" w:author="甲" w:date="2025-01-01T00:00:00Z"><w:r><w:t>增</w:t></w:r></w:ins>' for n in range(1000, 19000))
    run_on = "".join("<w:p><w:pPr><w:rPr><w:vanish/></w:rPr></w:pPr><w:r><w:t>接排的段落</w:t></w:r></w:p>" for _ in range(15000))
    open_ranges = "".join(f'<w:commentRangeStart w:id="{n}"/><w:r><w:t>字</w:t></w:r>' for n in range(30000))
    (folder / "report.pdf").write_bytes(b"%PDF-1.7\n" + bytes(100))
    cases = {
        "zip-bomb": _zip(folder / "bomb.docx", _with_paragraph_xml(members, "<w:r><w:t>" + " " * 60_000_000 + "</w:t></w:r>")),
        "fifo": fifo,
        "device": Path("/dev/zero"),
        "encrypted": _flag_encrypted(_zip(folder / "encrypted.docx", members)),
        "corrupt-member": _corrupt(_zip(folder / "corrupt.docx", members)),
        "pdf": folder / "report.pdf",
        "hidden-run": _zip(folder / "hidden.docx", _with_paragraph_xml(members, "<w:r><w:rPr><w:vanish/></w:rPr><w:t>隐藏的字</w:t></w:r>")),
        "zero-size-run": _zip(folder / "tiny.docx", _with_paragraph_xml(members, '<w:r><w:rPr><w:sz w:val="0"/></w:rPr><w:t>看不见的字</w:t></w:r>')),
        "many-revisions": _zip(folder / "revisions.docx", _with_paragraph_xml(members, insertions)),
        "too-many-revisions": _zip(folder / "more-revisions.docx", _with_paragraph_xml(members, insertions * 2)),
        "open-comment-ranges": _zip(folder / "ranges.docx", _with_paragraph_xml(members, open_ranges)),
        "unrelated-5000": _unrelated(folder / "unrelated.docx", 5000),
        "15000-run-on-paragraphs": _zip(folder / "run-on.docx", _with_body_xml(members, run_on)),
        "entity": _zip(folder / "entity.docx", {**members, "word/document.xml": b'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY a "' + b"x" * 1000 + b'"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">]><w:document ' + W_NS.encode() + b"><w:body><w:p><w:r><w:t>&c;&c;&c;</w:t></w:r></w:p></w:body></w:document>"}),
    }
    return data, cases


# Each case and the words of the one line it ends in.
CASES = {
    "zip-bomb": "word/document.xml 解压后超过 50 MB",
    "fifo": "这是管道或设备，不是普通文件，不能作为审阅稿读取",
    "device": "这是管道或设备，不是普通文件，不能作为审阅稿读取",
    "encrypted": "设置了打开密码",
    "corrupt-member": "这个文件不是完好的审阅稿",
    "pdf": "这是 PDF 文件，不是 Word 文档",
    "hidden-run": "第1段有在 Word 中隐藏的文字“隐藏的字”，审阅时看不到，不能写回",
    "zero-size-run": "有在 Word 中隐藏的文字“看不见的字”",
    "many-revisions": "审阅稿中还有 18000 处修订没有接受或拒绝",
    "too-many-revisions": "审阅稿中有 36000 处修订，超过上限 20000 处修订",
    "open-comment-ranges": "",
    "15000-run-on-paragraphs": "",
    "unrelated-5000": "不是同一份报告：审阅稿有 5000 段",
    "entity": "",
}


@pytest.mark.parametrize("case", list(CASES))
def test_a_hostile_review_ends_in_one_line(made, case):
    data, cases = made
    before = data.read_bytes()
    ended = run("absorb", str(data), str(cases[case]), cwd=data.parent.parent)
    if CASES[case]:
        message = ended.error_line()
        assert message.startswith(f"错误：{cases[case]}") and CASES[case] in message, message
    else:  # read, and its edits refused where they cannot go (absorb lists each such edit)
        assert ended.returncode in (0, 2) and "Traceback" not in ended.stderr, ended.stderr[-800:]
        assert "内部错误" not in ended.stderr and ended.stderr.startswith("错误："), ended.stderr
    assert data.read_bytes() == before


# -- a reviewer's ordinary edits get ordinary answers ---------------------------------------

TABLE = "body:\n  - table:\n      header: [项目, 数量]\n      rows:\n        - [审结, \"{{ 审结 }}\"]\n"


def _edited_review(tmp_path: Path, edit: Callable[[docx.document.Document], None]) -> tuple[Path, Path]:
    from .datafiles import GOOD

    data = tmp_path / "2024.yaml"
    data.write_text(GOOD.replace("body:\n", TABLE), encoding="utf-8")
    loaded = open_report(data)
    review = tmp_path / "审阅稿.docx"
    docx_writer.write(loaded.document, loaded.profile, review)
    document = docx.Document(str(review))
    edit(document)
    document.save(str(review))
    return data, review


def _retyped(old: str, new: str) -> Callable[[docx.document.Document], None]:
    def edit(document: docx.document.Document) -> None:
        paragraph = next(p for p in document.paragraphs if "全年审结" in p.text)
        text = paragraph.text.replace(old, new)
        for run_ in paragraph.runs[1:]:
            run_._r.getparent().remove(run_._r)
        paragraph.runs[0].text = text
    return edit


def _header_only(document: docx.document.Document) -> None:
    for row in list(document.tables[0].rows)[1:]:
        row._tr.getparent().remove(row._tr)


def _new_header_only_table(document: docx.document.Document) -> None:
    table = document.add_table(rows=1, cols=2)
    table.rows[0].cells[0].text, table.rows[0].cells[1].text = "项目", "数量"
    next(p for p in document.paragraphs if "全年审结" in p.text)._p.addnext(table._tbl)


@pytest.mark.parametrize("edit, written", [
    (_retyped("130", "１３１"), "审结: {value: 131, unit: 件, last_year: 78}"),
    (_retyped("130", "0131"), "审结: {value: 131, unit: 件, last_year: 78}"),
    (_retyped("130", "1,030"), "审结: {value: 1030, unit: 件, last_year: 78}"),
    (_retyped("130", "１，０３０"), "审结: {value: 1030, unit: 件, last_year: 78}"),
    (_header_only, "      header: [项目, 数量]\n      rows: []\n  - 全年审结"),
    (_new_header_only_table, "败诉率{{ 败诉率 }}。\n  - table:\n      header: [项目, 数量]\n      rows: []\n"),
], ids=["full-width-digits", "leading-zeros", "thousands-separator", "full-width-thousands", "rows-deleted-but-the-header", "new-header-only-table"])
def test_ordinary_edits_are_written_as_merge_reads_them(tmp_path, edit, written):
    data, review = _edited_review(tmp_path, edit)
    ended = run("absorb", str(data), str(review), cwd=tmp_path)
    assert ended.returncode == 0, ended.stderr
    assert written in data.read_text(encoding="utf-8")


@pytest.mark.parametrize("typed, brace", [("{131件", "{"), ("131}件", "}")])
def test_a_brace_typed_beside_a_number_is_named_as_the_edit_to_undo(tmp_path, typed, brace):
    data, review = _edited_review(tmp_path, _retyped("130件", typed))
    before = data.read_bytes()
    ended = run("absorb", str(data), str(review), cwd=tmp_path)
    assert ended.returncode == 2 and "内部错误" not in ended.stderr and "Traceback" not in ended.stderr
    assert f"数字“审结”（“130件”）改成了“{typed}”，其中多了一个“{brace}”；数字旁边不能有花括号，请在 Word 中删去它再保存" in ended.stderr
    assert data.read_bytes() == before
