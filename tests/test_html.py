"""The HTML page: escaped text, the report's structure, web chrome for the screen only."""
from __future__ import annotations

import dataclasses
import re

import pytest

from generator.config import layout
from generator.pipeline.document import Attachment, Heading, Paragraph, Span
from generator.writers import html


@pytest.fixture(scope="module")
def profile():
    return layout.load()


@pytest.fixture(scope="module")
def page_2024(document_2024, profile) -> str:
    return html.render(document_2024, profile)


def visible_text(page: str) -> str:
    """Text of the page's body, tags dropped (a <wbr> is a break opportunity, not text)."""
    body = page[page.index("<body>"):]
    return re.sub(r"<[^>]+>", "", body)


def test_text_is_escaped(document_2024, profile):
    document = dataclasses.replace(
        document_2024,
        title_lines=("关于<script>的报告",),
        body=(Heading(1, 1, "一、", "A&B<i>"), Paragraph((Span("（一）x<y。", "heading2"), Span("甲&乙</p><b>丙"))),),
    )
    page = html.render(document, profile)
    assert "<script>" not in page and "<i>" not in page and "<b>" not in page
    assert "关于&lt;script&gt;的报告" in page
    assert "A&amp;B&lt;i&gt;" in page
    assert "x&lt;y" in page and "甲&amp;乙&lt;/p&gt;&lt;b&gt;丙" in page


def test_title_lines_and_headings_are_present(document_2024, page_2024):
    text = visible_text(page_2024)
    for line in document_2024.title_lines:
        assert f'<span class="title-line">{line}</span>' in page_2024
    headings = [block for block in document_2024.body if isinstance(block, Heading)]
    assert headings
    for heading in headings:
        assert heading.full_text in text
        assert f'class="heading h{heading.level}"' in page_2024
    runins = [span for block in document_2024.body if isinstance(block, Paragraph) for span in block.spans if span.role]
    assert runins
    for span in runins:
        assert span.text in text


def test_body_text_is_all_there(document_2024, page_2024):
    text = visible_text(page_2024)
    for block in document_2024.body:
        if isinstance(block, Paragraph):
            assert block.text in text


def test_web_chrome_is_shown_on_screen_and_hidden_in_print(document_2024, page_2024):
    assert document_2024.publication
    header = page_2024[page_2024.index('<header class="web">'):page_2024.index("</header>")]
    assert document_2024.publication in header
    assert re.search(r"@media print \{\s*\.web \{ display: none; \}", page_2024)
    assert "@media screen" in page_2024


def test_web_metadata_block(document_2024, profile):
    web = (("索引号", "11411302005718016X/2025-00012"), ("文号", "宛区政〔2025〕5号"))
    document = dataclasses.replace(document_2024, web=web)
    header = html.render(document, profile).split('<header class="web">')[1].split("</header>")[0]
    assert "<dt>索引号</dt><dd>11411302005718016X/2025-00012</dd>" in header
    assert "<dt>文号</dt><dd>宛区政〔2025〕5号</dd>" in header


def test_no_chrome_without_web_data(document_2024, profile):
    page = html.render(dataclasses.replace(document_2024, publication="", web=()), profile)
    assert '<header class="web">' not in page


def test_layout_numbers_come_from_the_profile(page_2024):
    assert "margin: 37mm 26mm 35mm 28mm;" in page_2024
    assert "line-height: 28.95pt;" in page_2024
    assert "letter-spacing: -0.21pt;" in page_2024
    assert "text-indent: 31.58pt;" in page_2024  # two characters of 16 - 0.21 pt
    assert 'content: "— " counter(page) " —";' in page_2024


def test_browser_page_names_the_office_fonts_first(page_2024):
    assert re.search(r'html \{\s*font-family: "仿宋_GB2312", ', page_2024)
    assert re.search(r'\.h1 \{ font-family: "黑体", ', page_2024)
    assert re.search(r'\.h2 \{ font-family: "楷体_GB2312", ', page_2024)
    assert "@font-face" not in page_2024


def test_closing_attachments_and_recipient(document_2024, profile):
    document = dataclasses.replace(
        document_2024,
        recipient="中共××县委员会，××县人民政府：",
        attachment_note=("附件：1.甲表", "2.乙表"),
        attachments=(Attachment("附件1", "甲表", (Paragraph((Span("内容"),)),)), Attachment("附件2", "乙表", ())),
        signature_issuer="××县人民政府",
        signature_date="2025年3月25日",
    )
    page = html.render(document, profile)
    assert '<p class="recipient">中共××县委员会，××县人民政府：</p>' in page
    assert '<span class="label">附件：1.</span><span class="name">甲表</span>' in page
    assert '<span class="label">2.</span><span class="name">乙表</span>' in page
    assert '<p class="issuer">××县人民政府</p><p class="date">2025年3月25日</p>' in page
    assert page.count('<article class="sheet attachment">') == 2
    assert '<p class="attachment-label">附件2</p>' in page


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("落实“五个一”工作机制", "落实<wbr>“五个一”<wbr>工作机制"),
        ("“三调联动”“警司访+”等", "“三调联动”<wbr>“警司访+”<wbr>等"),
        ("建设“信用宛城”，", "建设<wbr>“信用宛城”，"),  # never a break before "，"
        ("（“x”）", "（“x”）"),  # nor after "（"
        ("a<“b”>", "a&lt;“b”&gt;"),
    ],
)
def test_line_breaks_are_allowed_at_quotation_marks_between_chinese_characters(text, expected):
    assert html._breaks(text) == expected



def test_page_is_one_complete_document(page_2024):
    assert page_2024.startswith('<!DOCTYPE html>\n<html lang="zh-CN">')
    assert page_2024.rstrip().endswith("</html>")


def test_placeholders_are_highlighted(document_2024, profile):
    spans = (Span("办结行政复议案件"), Span("〔待填〕", "placeholder"), Span("。"))
    document = dataclasses.replace(document_2024, body=(Paragraph(spans),))
    page = html.render(document, profile)
    assert '办结行政复议案件<mark class="placeholder">〔待填〕</mark>。' in page
    assert re.search(r"\.placeholder \{ background: #[0-9a-f]{6};", page)


def test_blocks_carry_the_line_of_the_data_they_come_from(document_2024, page_2024):
    blocks = [b for b in document_2024.body if b.location is not None]
    ids = re.findall(r' id="L(\d+)"', page_2024)
    assert ids == [str(b.location.line) for b in blocks]
    assert f'<p id="L{document_2024.body[0].location.line}">2024年，宛城区' in page_2024
