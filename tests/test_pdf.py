"""The PDF measured: the GB/T 9704 page, 22 lines of 28 characters, justified, numbered, embedded.

Positions are in PDF points from the page's top-left corner, as pdfplumber gives them. The
layout numbers come from the profile, so the tests follow it.
"""
from __future__ import annotations

import copy
import dataclasses
import re
import shutil
import subprocess
import unicodedata
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

import pdfplumber
import pytest
from pdfminer.pdftypes import resolve1

from generator import resources
from generator.config import layout
from generator.errors import DataError
from generator.pipeline.document import Attachment, Document, Heading, Paragraph, Span, Table
from generator.writers import pagefit, pdf, text
from generator.writers.pdf import fonts

MM = 72 / 25.4
# WeasyPrint writes glyph advances in whole thousandths of an em, truncated: over a line of
# 28 characters that drifts by up to about 0.45 pt (measured). Edges are checked within that.
DRIFT = 0.5
NO_LINE_START = "，。、；：？！）》」”"
NO_LINE_END = "（《「“"


@dataclass
class Line:
    page: int
    baseline: float
    chars: list[dict]

    @property
    def text(self) -> str:
        return "".join(c["text"] for c in self.chars)

    @property
    def x0(self) -> float:
        return self.chars[0]["x0"]

    @property
    def x1(self) -> float:
        return self.chars[-1]["x1"]

    @property
    def size(self) -> float:
        return round(self.chars[0]["size"], 2)


@dataclass
class Rendered:
    path: Path
    notes: list[str]
    pages: list[list[Line]]  # lines top to bottom, page numbers included
    page_sizes: list[tuple[float, float]]
    extracted: list[str]  # pdfplumber's text of each page


@dataclass(frozen=True)
class Frame:
    """The type area and grid in PDF points, from the profile."""

    left: float
    right: float
    top: float
    bottom: float
    pitch: float  # one line
    char: float  # one body character, letter-spacing included
    body_size: float
    title_size: float
    number_size: float

    @classmethod
    def of(cls, profile) -> Frame:
        page, font = profile["page"], profile["fonts"]
        return cls(
            left=page["margin_left_mm"] * MM,
            right=(page["width_mm"] - page["margin_right_mm"]) * MM,
            top=page["margin_top_mm"] * MM,
            bottom=(page["height_mm"] - page["margin_bottom_mm"]) * MM,
            pitch=layout.line_pitch_pt(profile),
            char=font["body"]["size_pt"] + profile["grid"]["body_char_spacing_pt"],
            body_size=font["body"]["size_pt"],
            title_size=font["title"]["size_pt"],
            number_size=font["page_number"]["size_pt"],
        )


def render(document, profile, path: Path) -> Rendered:
    notes = pdf.write(document, profile, path)
    pages, sizes, extracted = [], [], []
    with pdfplumber.open(path) as opened:
        for number, page in enumerate(opened.pages, 1):
            by_baseline: dict[float, list[dict]] = defaultdict(list)
            for char in page.chars:
                by_baseline[round(page.height - char["matrix"][5], 1)].append(char)
            pages.append([
                Line(number, page.height - cs[0]["matrix"][5], sorted(cs, key=lambda c: c["x0"]))
                for _, cs in sorted(by_baseline.items())
            ])
            sizes.append((page.width, page.height))
            extracted.append(page.extract_text())
    return Rendered(path, notes, pages, sizes, extracted)


@pytest.fixture(scope="module")
def profile():
    return layout.load()


@pytest.fixture(scope="module")
def frame(profile) -> Frame:
    return Frame.of(profile)


@pytest.fixture(scope="module")
def report(document_2024, profile, tmp_path_factory) -> Rendered:
    return render(document_2024, profile, tmp_path_factory.mktemp("pdf") / "2024.pdf")


@pytest.fixture(scope="module")
def complete_document(document_2024):
    """The 2024 report with the parts its data lacks: recipient, "——" bullets, a table,
    附件说明, 落款 and two attachments."""
    bullets = (
        Paragraph((Span("——全年办结行政复议案件217件，法定期限内办结率100%，位居全市前列。"),), bullet=True),
        Paragraph((Span("——行政机关负责人出庭应诉率100%。"),), bullet=True),
    )
    rows = (("行政复议办结（件）", "198", "217"), ("行政诉讼败诉率", "6.10%", "5.38%"))
    table = Table(("项目", "2023年", "2024年"), rows, "主要指标")
    return dataclasses.replace(
        document_2024,
        recipient="中共南阳市宛城区委员会，南阳市宛城区人民政府：",
        body=(*bullets, table, *document_2024.body[:6]),
        attachment_note=("附件：1.宛城区2024年度法治政府建设重点任务完成情况统计表", "2.宛城区行政执法数据汇总表"),
        attachments=(
            Attachment("附件1", "宛城区2024年度法治政府建设重点任务完成情况统计表",
                       (Paragraph((Span("本表统计截至2024年12月31日。"),)),)),
            Attachment("附件2", "宛城区行政执法数据汇总表", (Heading(1, 1, "一、", "总体情况"), Paragraph((Span("略。"),)))),
        ),
        signature_issuer="南阳市宛城区人民政府",
        signature_date="2025年3月25日",
    )


@pytest.fixture(scope="module")
def complete(complete_document, profile, tmp_path_factory) -> Rendered:
    return render(complete_document, profile, tmp_path_factory.mktemp("pdf") / "complete.pdf")


def text_lines(rendered: Rendered, frame: Frame) -> list[Line]:
    """Every line but the page numbers, in reading order."""
    return [line for page in rendered.pages for line in page if line.baseline < frame.bottom]


def body_lines(rendered: Rendered, frame: Frame) -> list[Line]:
    return [line for line in text_lines(rendered, frame) if line.size == frame.body_size]


def slot(line: Line, first_baseline: float, frame: Frame) -> float:
    """The line's place on the page's grid of lines: 0 for the first, 21 for the 22nd."""
    return (line.baseline - first_baseline) / frame.pitch


def first_baseline(rendered: Rendered, frame: Frame) -> float:
    """Where the grid's first body line sits: the first line of page 2."""
    return rendered.pages[1][0].baseline


def em_width(line: Line) -> float:
    return sum((c["x1"] - c["x0"]) / c["size"] for c in line.chars)


# -- the page --------------------------------------------------------------------------------


def test_pages_are_a4(report):
    assert len(report.page_sizes) >= 5
    for width, height in report.page_sizes:
        assert width == pytest.approx(210 * MM, abs=0.1)
        assert height == pytest.approx(297 * MM, abs=0.1)


@pytest.mark.parametrize("name", ["report", "complete"])
def test_text_stays_inside_the_type_area(name, request, frame):
    rendered = request.getfixturevalue(name)
    for line in text_lines(rendered, frame):
        for char in line.chars:
            assert char["x0"] >= frame.left - 0.01, line.text
            assert char["x1"] <= frame.right + DRIFT, line.text
            assert char["top"] >= frame.top - 0.01, line.text
            assert char["bottom"] <= frame.bottom + 0.01, line.text


@pytest.mark.parametrize("name", ["report", "complete"])
def test_body_lines_sit_on_a_grid_of_22_lines(name, request, frame):
    rendered = request.getfixturevalue(name)
    first = first_baseline(rendered, frame)
    assert first - frame.top < frame.pitch
    for line in body_lines(rendered, frame):
        place = slot(line, first, frame)
        assert place == pytest.approx(round(place), abs=0.02), line.text
        assert 0 <= round(place) <= 21, line.text


def test_full_pages_have_exactly_22_lines(report, frame, document_2024):
    pages = [[line for line in page if line.baseline < frame.bottom] for page in report.pages]
    title_lines = len(document_2024.title_lines)
    assert len(pages[0]) == 22 - 1  # the title's lines, one blank line, the body
    assert len([line for line in pages[0] if line.size == frame.title_size]) == title_lines
    for page in pages[1:-1]:
        assert len(page) == 22, page[0].text
    first = first_baseline(report, frame)
    for page in pages[:-1]:
        assert round(slot(page[-1], first, frame)) == 21


def test_no_line_holds_more_than_28_characters(report, frame):
    lines = body_lines(report, frame)
    widest = max(em_width(line) + (line.x0 - frame.left) / frame.char for line in lines)
    assert widest <= 28.01
    assert max(sum(unicodedata.east_asian_width(c) in "WF" for c in line.text) for line in lines) == 28


def non_final_lines(rendered: Rendered, frame: Frame) -> list[Line]:
    """Lines followed by a continuation line: full width, not indented, in the body's size."""
    lines = text_lines(rendered, frame)
    return [
        line for line, following in zip(lines, lines[1:])
        if line.size == following.size == frame.body_size and abs(following.x0 - frame.left) < 0.05
    ]


def test_justified_lines_end_flush_with_the_type_area(report, frame):
    lines = non_final_lines(report, frame)
    assert len(lines) > 100
    deviations = [line.x1 - frame.right for line in lines]
    assert max(map(abs, deviations)) <= DRIFT, max(zip(map(abs, deviations), (line.text for line in lines)))


def test_last_lines_of_paragraphs_are_not_stretched(report, frame):
    lines = body_lines(report, frame)
    last = [line for line in lines if line.x1 < frame.right - 2 * frame.char]
    assert last
    for line in last:
        gaps = [b["x0"] - a["x1"] for a, b in zip(line.chars, line.chars[1:])]
        assert max(gaps) < 0.1, line.text


def test_digits_are_not_spread_apart(report, frame):
    for line in non_final_lines(report, frame):
        for a, b in zip(line.chars, line.chars[1:]):
            if a["text"].isdigit() and b["text"].isdigit():
                assert b["x0"] - a["x1"] < 0.1, line.text


def test_no_line_starts_or_ends_with_the_wrong_punctuation(report, complete, frame):
    for line in text_lines(report, frame) + text_lines(complete, frame):
        assert line.text[0] not in NO_LINE_START, line.text
        assert line.text[-1] not in NO_LINE_END, line.text


def test_paragraphs_and_headings_are_indented_two_characters(report, frame, document_2024):
    lines = body_lines(report, frame)
    indented = [line for line in lines if abs(line.x0 - frame.left - 2 * frame.char) < 0.05]
    flush = [line for line in lines if abs(line.x0 - frame.left) < 0.05]
    assert len(indented) + len(flush) == len(lines)
    assert len(indented) == len(document_2024.body)


def test_title_is_centred_in_22_point_one_line_per_entry(report, frame, document_2024):
    title = [line for line in report.pages[0] if line.size == frame.title_size]
    assert [line.text for line in title] == list(document_2024.title_lines)
    for line in title:
        assert line.x0 - frame.left == pytest.approx(frame.right - line.x1, abs=0.5)
    first = first_baseline(report, frame)
    assert round(slot(body_lines(report, frame)[0], first, frame)) == len(title) + 1  # one blank line


def font_of(char: dict) -> str:
    return char["fontname"].split("+", 1)[-1]


def test_headings_are_set_in_their_level_fonts(report, frame, document_2024):
    lines = body_lines(report, frame)
    body_font = font_of(lines[0].chars[0])
    level1 = {block.full_text for block in document_2024.body if isinstance(block, Heading) and block.level == 1}
    runin = [(span.text, span.role) for block in document_2024.body if isinstance(block, Paragraph)
             for span in block.spans if span.role]
    fonts_by_role: dict[str, set[str]] = defaultdict(set)
    for line in lines:
        if line.text in level1:
            fonts_by_role["heading1"] |= {font_of(c) for c in line.chars}
        for lead, role in runin:
            if line.text.startswith(lead[:8]) and len(line.text) > len(lead):
                fonts_by_role[role] |= {font_of(c) for c in line.chars[:len(lead)]}
                assert {font_of(c) for c in line.chars[len(lead):]} == {body_font}, line.text
    assert len(fonts_by_role["heading1"]) == 1 and len(fonts_by_role["heading2"]) == 1
    assert len({body_font, *fonts_by_role["heading1"], *fonts_by_role["heading2"]}) == 3
    resolved = fonts.resolve(layout.load())
    for role, used in fonts_by_role.items():
        face = resolved[role]
        if face.path is not None:
            assert used == {face.path.stem}


def test_page_numbers_alternate_sides_below_the_type_area(report, frame):
    for number, page in enumerate(report.pages, 1):
        numbers = [line for line in page if line.baseline > frame.bottom]
        assert len(numbers) == 1
        line = numbers[0]
        assert line.text.replace(" ", "") == f"—{number}—"
        assert line.size == frame.number_size
        if number % 2:
            assert line.x1 == pytest.approx(frame.right - frame.number_size, abs=0.1)
        else:
            assert line.x0 == pytest.approx(frame.left + frame.number_size, abs=0.1)
        dash_middle = line.baseline - 0.3 * frame.number_size  # where CJK fonts draw "—"
        assert dash_middle - frame.bottom == pytest.approx(7 * MM, abs=0.5 * MM)


def test_fonts_are_embedded_and_subset(report):
    seen = set()
    with pdfplumber.open(report.path) as opened:
        for page in opened.pages:
            for font in resolve1(page.page_obj.resources["Font"]).values():
                font = resolve1(font)
                name = font["BaseFont"].name
                seen.add(name)
                assert re.match(r"[A-Z]{6}\+", name), name
                descendant = resolve1(resolve1(font["DescendantFonts"])[0]) if "DescendantFonts" in font else font
                descriptor = resolve1(descendant["FontDescriptor"])
                assert {"FontFile", "FontFile2", "FontFile3"} & set(descriptor), name
    assert len(seen) >= 4  # title, body, 黑体, 楷体 (and the page numbers' 宋体)


def expected_text(document) -> str:
    """What the PDF shows: the text writer's text without the web page's chrome, line breaks dropped."""
    return text.render(dataclasses.replace(document, publication="", web=())).replace("\n", "")


def test_pdf_holds_exactly_the_documents_text(report, document_2024, frame):
    shown = "".join(line.text for line in text_lines(report, frame))
    assert shown == expected_text(document_2024)


def test_extracted_text_is_the_documents_text(report, document_2024, frame):
    """pdfplumber's text is ours, except that where a line had to be stretched so much that
    its gaps reach pdfplumber's word-space tolerance (3 pt) it reads a space there. Such a line
    is one that could not take the next unbreakable piece ("98.48%，")."""
    extracted = [line for page in report.extracted for line in page.split("\n") if not re.fullmatch(r"— \d+ —", line)]
    lines = text_lines(report, frame)
    assert [line.replace(" ", "") for line in extracted] == [line.text for line in lines]
    for words, line in zip(extracted, lines):
        if " " in words:
            gaps = [b["x0"] - a["x1"] for a, b in zip(line.chars, line.chars[1:])]
            assert max(gaps) >= 2.9, words
    assert sum(" " in line for line in extracted) <= 1


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils not installed")
def test_pdftotext_reads_every_line_as_shown_without_spaces(report, document_2024, frame):
    """Even the lines stretched by several characters: their boxes are ActualText spans."""
    command = ["pdftotext", "-enc", "UTF-8", str(report.path), "-"]
    extracted = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    lines = [line for line in extracted.splitlines() if line and not re.fullmatch(r"—\s*\d+\s*—", line)]
    assert lines == [line.text for line in text_lines(report, frame)]
    assert "".join(lines) == expected_text(document_2024)


def test_justified_boxes_leave_no_character_spacing_behind(report):
    """The character spacing a justified box's last glyph gets is reset before its span ends."""
    spans = 0
    with pdfplumber.open(report.path) as opened:
        for page in opened.pages:
            content = b"".join(resolve1(stream).get_data() for stream in page.page_obj.contents)
            spacing = "0"
            for operand, operator in re.findall(rb"(\S+)\s+(Tc|EMC|ET)\b", content):
                if operator == b"Tc":
                    spacing = operand.decode()
                else:
                    assert float(spacing) == 0, operator
            spans += content.count(b"/ActualText")
    assert spans > 100


def test_notes_name_the_substitute_fonts(report, profile):
    assert report.notes == fonts.resolve(profile).notes()
    for note in report.notes:
        assert re.fullmatch(r"[^\sA-Za-z]+(、[^\sA-Za-z]+)*：本机未安装 .+，PDF 改用 .+", note), note  # roles by their Chinese names
        assert not re.search(r"\.(?:otf|ttf|ttc)|[a-z]+\d|（[a-z_0-9]+）", note), note  # no file names, no keys


# -- the parts the 2024 data lacks -------------------------------------------------------------


def test_recipient_is_flush_left_one_blank_line_below_the_title(complete, complete_document, frame):
    first = first_baseline(complete, frame)
    recipient = next(line for line in body_lines(complete, frame) if line.text == complete_document.recipient)
    assert recipient.page == 1
    assert recipient.x0 == pytest.approx(frame.left, abs=0.05)
    assert round(slot(recipient, first, frame)) == len(complete_document.title_lines) + 1


def test_bullets_and_table(complete, frame):
    lines = text_lines(complete, frame)
    bullets = [line for line in lines if line.text.startswith("——")]
    assert len(bullets) == 2
    assert all(line.x0 == pytest.approx(frame.left + 2 * frame.char, abs=0.05) for line in bullets)
    texts = [line.text for line in lines]
    assert "主要指标" in texts
    assert "项目2023年2024年" in texts
    assert "行政诉讼败诉率6.10%5.38%" in texts


def test_attachment_note_and_closing(complete, complete_document, frame):
    lines = text_lines(complete, frame)
    texts = [line.text for line in lines]
    note = lines[next(i for i, t in enumerate(texts) if t.startswith("附件：1."))]
    assert note.x0 == pytest.approx(frame.left + 2 * frame.char, abs=0.05)
    continuation = lines[lines.index(note) + 1]
    name_start = next(c for c in note.chars if c["text"] == "宛")
    assert continuation.x0 == pytest.approx(name_start["x0"], abs=0.05)  # under the name's first character
    second = lines[texts.index("2.宛城区行政执法数据汇总表")]
    assert second.x0 == pytest.approx(frame.left + 5 * frame.char, abs=0.05)  # under "1."
    issuer = lines[texts.index(complete_document.signature_issuer)]
    date = lines[texts.index(complete_document.signature_date)]
    assert issuer.x1 == pytest.approx(frame.right - 2 * frame.char, abs=DRIFT)
    assert date.x0 == pytest.approx(issuer.x0 + 2 * frame.char, abs=0.05)
    assert date.baseline - issuer.baseline == pytest.approx(frame.pitch, abs=0.05)


def test_attachments_start_on_new_pages(complete, complete_document, frame):
    first = first_baseline(complete, frame)
    for attachment in complete_document.attachments:
        page = next(p for p in complete.pages if p[0].text == attachment.label)
        label, title = page[0], page[1]
        assert round(slot(label, first, frame)) == 0 and label.x0 == pytest.approx(frame.left, abs=0.05)
        assert title.size == frame.title_size
        assert 2 * frame.pitch < title.baseline - label.baseline < 3 * frame.pitch  # on the third line
        assert "".join(line.text for line in page if line.size == frame.title_size) == attachment.title


def test_complete_text_is_all_there_in_order(complete, complete_document, frame):
    shown = "".join(line.text for line in text_lines(complete, frame))
    assert shown == expected_text(complete_document).replace("\t", "")  # the text writer separates table cells with tabs


def test_a_heading_never_ends_a_page(document_2024, profile, frame, tmp_path):
    """The heading would fall on page 1's last line: it goes to page 2 with its paragraph."""
    free = 22 - len(document_2024.title_lines) - 1
    filler = tuple(Paragraph((Span(f"第{n}段。"),)) for n in range(free - 1))
    body = (*filler, Heading(1, 1, "一、", "标题"), Paragraph((Span("正文。"),)))
    rendered = render(dataclasses.replace(document_2024, body=body), profile, tmp_path / "keep.pdf")
    assert [line.text for line in rendered.pages[1][:2]] == ["一、标题", "正文。"]
    page_one = [line for line in rendered.pages[0] if line.baseline < frame.bottom]
    assert len(page_one) == len(document_2024.title_lines) + len(filler)  # its last line left empty


# -- fonts -----------------------------------------------------------------------------------


def test_a_role_without_any_installed_candidate_is_an_error(profile, tmp_path):
    broken = copy.deepcopy(profile)
    broken["fonts"]["body"]["pdf"] = [{"family": "No Such Font 仿宋 XYZ"}, {"file": "NoSuchFont.otf"}]
    with pytest.raises(DataError) as error:
        fonts.resolve(broken)
    message = str(error.value)
    assert "正文" in message and "No Such Font 仿宋 XYZ" in message and "NoSuchFont.otf" in message
    assert "scripts/setup-fonts.sh" in message and "make setup" in message
    with pytest.raises(DataError):
        document = Document(year=2024, title_lines=("标题",), body=(Paragraph((Span("正文。"),)),))
        pdf.write(document, broken, tmp_path / "never.pdf")
    assert not (tmp_path / "never.pdf").exists()


def test_font_files_come_from_the_fonts_folder(profile, tmp_path, monkeypatch):
    (tmp_path / "Some-Fang.otf").write_bytes(b"not really a font")
    monkeypatch.setenv(resources.FONTS_DIR_ENV, str(tmp_path))
    changed = copy.deepcopy(profile)
    changed["fonts"]["body"]["pdf"] = [{"family": "No Such Font XYZ"}, {"file": "Some-Fang.otf"}]
    face = fonts.resolve(changed)["body"]
    assert face.path == (tmp_path / "Some-Fang.otf").resolve()
    assert face.family == "Some-Fang"
    assert "正文：本机未安装 No Such Font XYZ，PDF 改用 Some Fang" in fonts.resolve(changed).notes()


def test_installed_families_need_chinese_coverage_and_the_weight_asked_for(monkeypatch):
    monkeypatch.setattr(fonts, "_chinese_families", lambda: {"some serif": [(400, 400)], "some sans": [(400, 400), (700, 700)]})
    assert fonts._installed("Some Serif", None)
    assert not fonts._installed("Some Serif", 700)
    assert fonts._installed("some sans", 700)
    assert not fonts._installed("DejaVu Sans", None)  # no Chinese: not in the list at all


def test_fontconfig_weights_map_to_css():
    assert fonts._css_weights("80") == (400, 400)
    assert fonts._css_weights("200") == (700, 700)
    assert fonts._css_weights("[0 210]") == (100, 900)


# -- the justification patch -----------------------------------------------------------------


def test_justification_patch_is_installed_by_the_writer(report):
    from weasyprint.draw import text as draw_text
    from weasyprint.layout import inline

    from generator.writers.pdf import justify

    assert inline.justify_line is justify.justify_line
    assert draw_text.draw_first_line is justify.draw_first_line


def test_bold_without_a_bold_face_is_noted(profile, tmp_path, monkeypatch):
    (tmp_path / "Some-Kai.otf").write_bytes(b"not really a font")
    (tmp_path / "Some-Hei-Bold.otf").write_bytes(b"not really a font")
    monkeypatch.setenv(resources.FONTS_DIR_ENV, str(tmp_path))
    changed = copy.deepcopy(profile)
    changed["fonts"]["heading2"].update(bold=True, pdf=[{"file": "Some-Kai.otf"}])
    changed["fonts"]["heading1"].update(bold=True, pdf=[{"file": "Some-Hei-Bold.otf", "weight": 700}])
    resolved = fonts.resolve(changed)
    assert resolved["heading2"].lacks_bold and not resolved["heading1"].lacks_bold
    assert resolved["heading1"].weight == resolved["heading2"].weight == 700
    assert "二级标题：要求加粗，但 Some Kai 没有粗体，PDF 中按常规字重排印" in resolved.notes()


# -- page fit --------------------------------------------------------------------------------


def test_page_fit_finds_widows_and_one_character_last_lines(document_2024, profile, tmp_path):
    """A paragraph's last line alone atop page 2, and a last line of one character, each with
    its page and line; the sample report itself has one of the latter (“审。”)."""
    free = 22 - len(document_2024.title_lines) - 1
    filler = tuple(Paragraph((Span(f"第{n}段。"),)) for n in range(free - 2))
    body = (*filler, Paragraph((Span("甲" * 26 + "乙" * 28 + "丙丙。"),)), Paragraph((Span("丁" * 26 + "戊。"),)))
    rendered = render(dataclasses.replace(document_2024, body=body), profile, tmp_path / "fit.pdf")
    assert [line.text for line in rendered.pages[1][:2]] == ["丙丙。", "丁" * 26]
    found = pagefit.findings(rendered.path, profile)
    assert [(f.page, f.line, f.kind, f.text) for f in found] == [(2, 1, "widow", "丙丙。"), (2, 3, "short", "戊。")]
    assert found[0].message.startswith("第2页第1行：段落的最后一行“丙丙。”单独排在页首")
    sample = pagefit.findings(render(document_2024, profile, tmp_path / "sample.pdf").path, profile)
    assert {(f.kind, f.text) for f in sample} >= {("short", "审。")}


def test_the_closing_never_stands_alone_on_a_page(document_2024, profile, frame, tmp_path):
    """The text fills page 1 to its last line: the 落款 takes the last paragraph's last two
    lines along to page 2 instead of standing there alone."""
    free = 22 - len(document_2024.title_lines) - 1
    body = (*(Paragraph((Span(f"第{n}段。"),)) for n in range(free - 1)), Paragraph((Span("甲" * 26 + "乙乙乙。"),)))
    document = dataclasses.replace(document_2024, body=body, signature_issuer="南阳市宛城区人民政府", signature_date="2025年3月25日")
    rendered = render(document, profile, tmp_path / "closing.pdf")
    page = [line.text for line in rendered.pages[-1] if line.baseline < frame.bottom]
    assert page[-2:] == ["南阳市宛城区人民政府", "2025年3月25日"]
    assert page[:-2] == ["甲" * 26, "乙乙乙。"]  # the last paragraph's two lines came along
