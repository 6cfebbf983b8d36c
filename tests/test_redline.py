"""The redline DOCX: every difference from last year is a real Word tracked change."""
from __future__ import annotations

import dataclasses
import datetime
import zipfile
from pathlib import Path

import pytest
from lxml import etree

from generator.config import layout
from generator.pipeline.document import Document, Paragraph, Span, Table
from generator.writers.docx import report as docx
from generator.writers.docx import tracked

from .helpers import fill, generator

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def paragraphs(docx: Path, keep: str) -> list[str]:
    """Body paragraph texts after accepting ("ins") or rejecting ("del") every change.

    A paragraph whose mark is tracked as the other kind disappears when it is left empty."""
    drop = "del" if keep == "ins" else "ins"
    with zipfile.ZipFile(docx) as archive:
        body = etree.fromstring(archive.read("word/document.xml")).find(f"{W}body")
    texts = []
    for paragraph in body.iter(f"{W}p"):
        for element in list(paragraph.iter(f"{W}{drop}")):
            if element.getparent().tag != f"{W}rPr":
                element.getparent().remove(element)
        text = "".join(t.text or "" for t in paragraph.iter(f"{W}t", f"{W}delText"))
        mark_dropped = paragraph.find(f"{W}pPr/{W}rPr/{W}{drop}") is not None
        if text or not mark_dropped:
            texts.append(text)
    return [t for t in texts if t]


@pytest.fixture
def redline(data_dir, tmp_path):
    fill(data_dir / "2025.yaml")
    text = (data_dir / "2025.yaml").read_text(encoding="utf-8")
    text = text.replace("      - 健全述法制度。组织召开了党政主要负责人现场专题述法会议，有效推动了领导干部带头学法尊法守法用法。\n", "")
    text = text.replace("  - section: 主要举措和成效\n", "  - 新增一段：全年未发生行政败诉案件被督办情况。\n  - section: 主要举措和成效\n")
    (data_dir / "2025.yaml").write_text(text, encoding="utf-8")
    out = tmp_path / "out"
    for year in ("2024", "2025"):
        result = generator("build", str(data_dir / f"{year}.yaml"), "-o", str(out / year), "--format", "docx")
        assert result.returncode == 0, result.stderr
    result = generator("diff", str(data_dir / "2024.yaml"), str(data_dir / "2025.yaml"), "-o", str(out / "diff"), "--author", "宛城区司法局", "--date", "2026-01-15")
    assert result.returncode == 0, result.stderr
    (docx,) = (out / "diff").glob("*.docx")
    (html,) = (out / "diff").glob("*.html")
    return {"docx": docx, "html": html, "old": next((out / "2024").glob("*.docx")), "new": next((out / "2025").glob("*.docx"))}


def test_accept_all_gives_the_new_report(redline):
    assert paragraphs(redline["docx"], keep="ins") == paragraphs(redline["new"], keep="ins")


def test_reject_all_gives_the_old_report(redline):
    assert paragraphs(redline["docx"], keep="del") == paragraphs(redline["old"], keep="del")


def test_a_changed_number_is_that_number_deleted_and_inserted(redline):
    with zipfile.ZipFile(redline["docx"]) as archive:
        root = etree.fromstring(archive.read("word/document.xml"))
    deleted = ["".join(e.itertext()) for e in root.iter(f"{W}del") if e.getparent().tag != f"{W}rPr"]
    inserted = ["".join(e.itertext()) for e in root.iter(f"{W}ins") if e.getparent().tag != f"{W}rPr"]
    assert "217" in deleted and "230" in inserted
    assert "298389" in deleted and "310000" in inserted
    assert "2024" in deleted and "2025" in inserted  # the title's year
    marks = [e for e in root.iter(f"{W}ins", f"{W}del")]
    assert {m.get(f"{W}author") for m in marks} == {"宛城区司法局"}
    assert {m.get(f"{W}date") for m in marks} == {"2026-01-15T00:00:00Z"}
    assert len({m.get(f"{W}id") for m in marks}) == len(marks)


def test_whole_paragraphs_added_and_removed_are_tracked_with_their_marks(redline):
    with zipfile.ZipFile(redline["docx"]) as archive:
        root = etree.fromstring(archive.read("word/document.xml"))
    inserted_marks = [p for p in root.iter(f"{W}p") if p.find(f"{W}pPr/{W}rPr/{W}ins") is not None]
    assert ["".join(t.text for t in p.iter(f"{W}t")) for p in inserted_marks] == ["新增一段：全年未发生行政败诉案件被督办情况。"]


def test_html_view_marks_the_same_changes(redline):
    page = redline["html"].read_text(encoding="utf-8")
    assert "<del>217</del><ins>230</ins>" in page
    assert '<p class="added"><ins>新增一段：全年未发生行政败诉案件被督办情况。</ins></p>' in page


def test_reviewers_own_edits_are_tracked_too(redline):
    with zipfile.ZipFile(redline["docx"]) as archive:
        settings = etree.fromstring(archive.read("word/settings.xml"))
    assert settings.find(f"{W}trackRevisions") is not None


def test_the_redline_passes_openxml_audit(redline):
    openxml_audit = pytest.importorskip("openxml_audit")
    result = openxml_audit.OpenXmlValidator().validate(str(redline["docx"]))
    assert [str(error) for error in result.errors] == []


# -- tables and paragraph properties ------------------------------------------------------------


def _document(body) -> Document:
    return Document(year=2024, title_lines=("某县人民政府关于2024年法治政府建设情况的报告",), body=body)


OLD_TABLE = Table(("项目", "数量"), (("行政复议", "86件"), ("行政诉讼", "12件"), ("行政调解", "5件")), "表1")
NEW_TABLE = Table(("项目", "数量"), (("行政复议", "90件"), ("行政诉讼", "12件"), ("复议纠错", "2件")), "表1")


@pytest.fixture
def table_redline(tmp_path) -> etree._Element:
    """A table with a changed figure, a row removed and one added; a bullet that became a paragraph."""
    old = _document((Paragraph((Span("——办结案件。"),), bullet=True), OLD_TABLE))
    new = _document((Paragraph((Span("——办结案件。"),)), NEW_TABLE))
    profile = layout.load()
    for name, document in (("old", old), ("new", new)):
        docx.write(document, profile, tmp_path / f"{name}.docx")
    tracked.write(tmp_path / "old.docx", tmp_path / "new.docx", tmp_path / "redline.docx", "宛城区司法局", datetime.datetime(2026, 1, 15))
    with zipfile.ZipFile(tmp_path / "redline.docx") as archive:
        return etree.fromstring(archive.read("word/document.xml"))


def rows(table: etree._Element, keep: str) -> list[str]:
    """The table's rows (cells joined by |) once every change is accepted ("ins") or rejected ("del")."""
    drop = "del" if keep == "ins" else "ins"
    shown = []
    for row in table.iter(f"{W}tr"):
        if row.find(f"{W}trPr/{W}{drop}") is not None:
            continue
        cells = []
        for cell in row.iter(f"{W}tc"):
            cells.append("".join(t.text for t in cell.iter(f"{W}t", f"{W}delText") if t.getparent().getparent().tag != f"{W}{drop}"))
        shown.append("|".join(cells))
    return shown


def test_a_changed_table_is_tracked_by_rows_and_cells(table_redline):
    (table,) = table_redline.iter(f"{W}tbl")  # one table, not the old deleted and the new inserted
    assert rows(table, "ins") == ["项目|数量", "行政复议|90件", "行政诉讼|12件", "复议纠错|2件"]
    assert rows(table, "del") == ["项目|数量", "行政复议|86件", "行政诉讼|12件", "行政调解|5件"]
    marked = {"".join(row.itertext()): kind for row in table.iter(f"{W}tr") for kind in ("ins", "del")
              if row.find(f"{W}trPr/{W}{kind}") is not None}
    assert marked == {"行政调解5件": "del", "复议纠错2件": "ins"}
    for row in table.iter(f"{W}tr"):  # a row's w:ins / w:del follows one of its own properties
        children = [etree.QName(c).localname for c in row.find(f"{W}trPr")]
        assert children[0] not in ("ins", "del")
    figure = next(row for row in table.iter(f"{W}tr") if "行政复议" in "".join(row.itertext()))
    assert ["".join(e.itertext()) for e in figure.iter(f"{W}del")] == ["86"]
    assert ["".join(e.itertext()) for e in figure.iter(f"{W}ins")] == ["90"]


def test_changed_paragraph_properties_are_tracked_with_the_old_ones(table_redline):
    paragraph = next(p for p in table_redline.iter(f"{W}p") if "".join(p.itertext()) == "——办结案件。")
    change = paragraph.find(f"{W}pPr/{W}pPrChange")
    assert change is not None and change.get(f"{W}author") == "宛城区司法局"
    assert paragraph.find(f"{W}pPr/{W}pStyle") is None and docx.BODY == "Normal"  # the body: no style named
    assert change.find(f"{W}pPr/{W}pStyle").get(f"{W}val") == docx.BULLET
    unchanged = [p for p in table_redline.iter(f"{W}p") if p.find(f"{W}pPr/{W}pPrChange") is not None]
    assert unchanged == [paragraph]


def test_a_redline_with_a_changed_table_passes_openxml_audit(table_redline, tmp_path):
    openxml_audit = pytest.importorskip("openxml_audit")
    result = openxml_audit.OpenXmlValidator().validate(str(tmp_path / "redline.docx"))
    assert [str(error) for error in result.errors] == []


INSERTED, DELETED = (0.831, 0.0, 0.0), (0.0, 0.278, 0.702)  # #d40000 and #0047b3


def test_the_marked_up_pdf_shows_insertions_and_deletions_in_colour(redline):
    """花脸稿: the new report as the PDF prints it, deleted text struck through in blue, inserted
    text underlined in red, the rest black; a changed number is the old one struck, the new one
    marked."""
    import pdfplumber

    (marked,) = redline["docx"].parent.glob("*.pdf")
    with pdfplumber.open(marked) as opened:
        chars = [c for page in opened.pages for c in page.chars]
        lines = [(page.page_number, line) for page in opened.pages for line in page.lines + page.rects]

    def coloured(colour: tuple[float, ...]) -> str:
        return "".join(c["text"] for c in chars if tuple(round(v, 3) for v in c["non_stroking_color"] or ()) == colour)

    assert "新增一段：全年未发生行政败诉案件被督办情况。" in coloured(INSERTED)
    assert "230" in coloured(INSERTED) and "217" in coloured(DELETED)
    assert "健全述法制度。组织召开了党政主要负责人现场专题述法会议" in coloured(DELETED)
    text = "".join(c["text"] for c in chars)
    assert text.index("217") < text.index("230")  # the old number, then the new
    black = "".join(c["text"] for c in chars if tuple(c["non_stroking_color"] or (0,)) in ((0,), (0, 0, 0)))
    assert "宛城区深入贯彻落实党中央关于全面依法治国的" in black
    assert any(tuple(round(v, 3) for v in (line.get("stroking_color") or line.get("non_stroking_color") or ())) in (INSERTED, DELETED)
               for _, line in lines)  # the underlines and strike-throughs are drawn


def test_the_marked_up_copy_keeps_each_characters_role():
    """A run-in heading's characters keep the heading's font when marked; a table that changed
    is shown deleted, then inserted; a heading changed carries its marks."""
    from generator.pipeline.document import Heading
    from generator.writers.changes import marked

    heading = Heading(1, 1, "一、", "主要举措")
    old = Document(2024, ("题",), (heading, Paragraph((Span("（一）学法。", "heading2"), Span("开展4次。"))), Table(("项",), (("1",),))))
    new = Document(2025, ("题",), (dataclasses.replace(heading, text="主要举措和成效"),
                                   Paragraph((Span("（一）学法用法。", "heading2"), Span("开展5次。"))), Table(("项",), (("2",),))))
    changed_heading, paragraph, *tables = marked(old, new).body
    assert [(s.text, s.change) for s in changed_heading.marks] == [("一、主要举措", ""), ("和成效", "inserted")]
    assert [(s.text, s.role, s.change) for s in paragraph.spans] == [
        ("（一）学法", "heading2", ""), ("用法", "heading2", "inserted"), ("。", "heading2", ""),
        ("开展", "", ""), ("4", "", "deleted"), ("5", "", "inserted"), ("次。", "", "")]
    assert [(t.rows, t.change) for t in tables] == [((("1",),), "deleted"), ((("2",),), "inserted")]
