"""The formal 公文 (build --edition formal) measured: 版头, sealed 落款, 附注 and 版记 where
GB/T 9704-2012 §7.2–7.5 puts them, in the PDF (pdfplumber) and in the DOCX (its XML, and as
LibreOffice lays it out); the web edition without any of them; and builds that give the same
bytes every time."""
from __future__ import annotations

import dataclasses
import zipfile
from pathlib import Path

import pdfplumber
import pytest

from generator.config import layout
from generator.pipeline.document import Document, Formal, Paragraph, Span
from generator.pipeline.loader import load
from generator.pipeline.resolve import resolve
from generator.writers import formal, html, text
from generator.writers.docx import report as docx

from .helpers import SAMPLE, generator
from .test_docx import NS, Package, editor_gaps, ind, style_of, text_of, w
from .test_pdf import DRIFT, MM, Frame, Line, Rendered, font_of, render

FORMAL = Path(__file__).resolve().parent / "fixtures" / "2024-formal.yaml"
RED = (1.0, 0.0, 0.0)
MARK = "宛城区人民政府文件"
NUMBER = "宛政〔2025〕8号"
CC = "抄送：中共南阳市委全面依法治市委员会办公室。"
PRINTED = "2025年3月20日印发"


@pytest.fixture(scope="module")
def profile() -> layout.Profile:
    return layout.load()


@pytest.fixture(scope="module")
def frame(profile) -> Frame:
    return Frame.of(profile)


@pytest.fixture(scope="module")
def formal_document() -> Document:
    return dataclasses.replace(resolve(load(FORMAL)), edition="formal")


@pytest.fixture(scope="module")
def formal_pdf(formal_document, profile, tmp_path_factory) -> Rendered:
    return render(formal_document, profile, tmp_path_factory.mktemp("formal") / "formal.pdf")


@pytest.fixture(scope="module")
def formal_docx(formal_document, profile, tmp_path_factory) -> Package:
    path = tmp_path_factory.mktemp("formal") / "formal.docx"
    docx.write(formal_document, profile, path)
    return Package(path)


def small(paragraphs: int, **parts) -> Document:
    """A formal document of `paragraphs` one-line paragraphs; `parts` change its meta.formal."""
    fields = {"marks": ("某县人民政府文件",), "number": "某政〔2025〕1号", "cc": ("某市司法局",),
              "printer": "某县人民政府办公室", "printed": "2025年3月20日", **parts}
    body = tuple(Paragraph((Span(f"第{n}段。"),)) for n in range(1, paragraphs + 1))
    return Document(year=2024, title_lines=("某县人民政府关于2024年法治政府建设情况的报告",), body=body,
                    formal=Formal(**fields), edition="formal")


def line(rendered: Rendered, start: str, page: int | None = None) -> Line:
    """The first line (on `page`, if given) whose text starts with `start`."""
    pages = rendered.pages if page is None else [rendered.pages[page - 1]]
    return next(found for lines in pages for found in lines if found.text.startswith(start))


def top(line: Line) -> float:
    return min(c["top"] for c in line.chars)


def bottom(line: Line) -> float:
    return max(c["bottom"] for c in line.chars)


def box_top(line: Line, frame: Frame) -> float:
    """The top of the line's grid line: its text sits centred in one line pitch."""
    return top(line) - (frame.pitch - line.size) / 2


def rules(pdf: Path, page: int, frame: Frame, color: tuple[float, ...] | None = None) -> list[tuple[float, float]]:
    """Horizontal rules as wide as the type area, (top, bottom): WeasyPrint fills a border
    between the edges of two rectangles, which pdfplumber lists one by one."""
    with pdfplumber.open(pdf) as opened:
        rects = opened.pages[page - 1].rects
    wide = [r for r in rects if abs(r["x0"] - frame.left) < 0.1 and abs(r["x1"] - frame.right) < 0.1
            and (color is None or tuple(r["non_stroking_color"] or ()) == color)]
    edges = sorted({round(y, 2) for r in wide for y in (r["top"], r["bottom"])})
    return [(a, b) for a, b in zip(edges, edges[1:]) if b - a < 2]


# -- reproducible builds ---------------------------------------------------------------------------


def files(folder: Path) -> dict[str, bytes]:
    return {path.suffix: path.read_bytes() for path in sorted(folder.glob("[!.]*"))}  # not the folder's record


@pytest.mark.parametrize(("data", "edition"), [(SAMPLE, "web"), (FORMAL, "formal")])
def test_building_twice_gives_identical_bytes_in_every_format(tmp_path, data, edition):
    """Two processes, two builds: DOCX (dates from the data, zip entries too), PDF, HTML, TXT."""
    for out in ("a", "b"):
        result = generator("build", str(data), "-o", str(tmp_path / out), "--edition", edition)
        assert result.returncode == 0, result.stderr
    first, second = files(tmp_path / "a"), files(tmp_path / "b")
    assert set(first) == {".docx", ".pdf", ".html", ".txt"}
    for suffix in first:
        assert first[suffix] == second[suffix], suffix
    with zipfile.ZipFile(tmp_path / "a" / next(p.name for p in (tmp_path / "a").glob("*.docx"))) as archive:
        date = {"web": (2025, 3, 25), "formal": (2025, 3, 18)}[edition]  # published; 成文日期
        assert {info.date_time for info in archive.infolist()} == {(*date, 0, 0, 0)}
    with pdfplumber.open(next((tmp_path / "a").glob("*.pdf"))) as opened:
        assert opened.metadata["CreationDate"].startswith("D:" + "".join(f"{n:02}" for n in date))
        assert opened.metadata["Author"] == "宛城区人民政府"


def test_a_document_without_any_date_states_none(tmp_path, profile):
    document = Document(year=2024, title_lines=("标题",), body=(Paragraph((Span("正文。"),)),))
    docx.write(document, profile, tmp_path / "undated.docx")
    package = Package(tmp_path / "undated.docx")
    core = package.xml["docProps/core.xml"]
    assert core.find("{http://purl.org/dc/terms/}created") is None
    assert {info.date_time for info in package.infos} == {(1980, 1, 1, 0, 0, 0)}
    assert "dcterms.created" not in html.render(document, profile)


# -- the web edition ---------------------------------------------------------------------------------


def test_the_web_edition_prints_no_part_of_the_formal_one(tmp_path):
    """From the same data: no 发文机关标志, 发文字号, 签发人, 附注 or 版记, in any format."""
    result = generator("build", str(FORMAL), "-o", str(tmp_path), "--edition", "web")
    assert result.returncode == 0, result.stderr
    shown = {}
    for path in tmp_path.glob("[!.]*"):  # not the folder's record
        if path.suffix == ".pdf":
            with pdfplumber.open(path) as opened:
                shown[".pdf"] = "".join(page.extract_text() for page in opened.pages)
        elif path.suffix == ".docx":
            shown[".docx"] = "".join(Package(path).lines())
        else:
            shown[path.suffix] = path.read_text(encoding="utf-8")
    assert set(shown) == {".docx", ".pdf", ".html", ".txt"}
    for suffix, content in shown.items():
        for part in (MARK, NUMBER, "签发人", "张三", "抄送", PRINTED, "宛城区人民政府办公室", "南阳市人民政府：", "（此件公开发布）"):
            assert part not in content, (suffix, part)
        assert "宛城区人民政府" in content


# -- the PDF: 版头 -----------------------------------------------------------------------------------


def test_mark_is_red_centred_its_top_35_mm_below_the_type_area(formal_pdf, frame):
    mark = line(formal_pdf, MARK, page=1)
    assert mark.text == MARK and mark.size == 36
    assert {tuple(c["non_stroking_color"]) for c in mark.chars} == {RED}
    assert top(mark) - frame.top == pytest.approx(35 * MM, abs=0.5)
    assert mark.x0 - frame.left == pytest.approx(frame.right - mark.x1, abs=0.5)
    assert {font_of(c) for c in mark.chars} == {font_of(c) for c in line(formal_pdf, "关于2024年").chars}  # the title's font


def test_number_two_blank_lines_below_the_mark_left_with_the_signer_right(formal_pdf, frame):
    """上行文: 发文字号 左空一字 on the line of the last 签发人, who stands 居右空一字; "签发人："
    in 仿宋, the name in 楷体."""
    mark, row = line(formal_pdf, MARK), line(formal_pdf, NUMBER)
    assert row.text == NUMBER + "签发人：张三"
    assert box_top(row, frame) - bottom(mark) == pytest.approx(2 * frame.pitch, abs=0.5)
    assert row.x0 == pytest.approx(frame.left + frame.char, abs=0.1)
    name = row.chars[-2:]
    assert name[-1]["x1"] == pytest.approx(frame.right - frame.char, abs=DRIFT)
    label, number = row.chars[len(NUMBER):len(NUMBER) + 4], row.chars[:len(NUMBER)]
    body_font = font_of(line(formal_pdf, "2024年，宛城区").chars[0])
    assert {font_of(c) for c in label} == {body_font} and font_of(number[0]) == body_font
    kai = font_of(line(formal_pdf, "（一）深化").chars[0])
    assert {font_of(c) for c in name} == {kai} != {body_font}


def test_red_line_4_mm_below_the_number_as_wide_as_the_type_area(formal_pdf, frame):
    (rule,) = rules(formal_pdf.path, 1, frame, RED)
    assert rule[0] - bottom(line(formal_pdf, NUMBER)) == pytest.approx(4 * MM, abs=0.3)
    assert rule[1] - rule[0] == pytest.approx(1.5, abs=0.05)


def test_title_two_blank_lines_below_the_red_line_then_the_recipient(formal_pdf, formal_document, frame):
    (rule,) = rules(formal_pdf.path, 1, frame, RED)
    title = [found for found in formal_pdf.pages[0] if found.size == frame.title_size]
    assert [found.text for found in title] == list(formal_document.title_lines)
    assert box_top(title[0], frame) - rule[1] == pytest.approx(2 * frame.pitch, abs=0.5)
    recipient = line(formal_pdf, "南阳市人民政府：")
    assert recipient.text == "南阳市人民政府：" and recipient.x0 == pytest.approx(frame.left, abs=0.05)
    assert box_top(recipient, frame) - box_top(title[-1], frame) == pytest.approx(2 * frame.pitch, abs=0.5)  # one blank line


def test_first_page_shows_the_body_text(formal_pdf, formal_document):
    first = formal_document.body[0]
    assert isinstance(first, Paragraph)
    assert any(found.text and first.text.startswith(found.text) for found in formal_pdf.pages[0])


# -- the PDF: 落款, 附注 ---------------------------------------------------------------------------------


def test_sealed_closing_date_four_characters_in_issuer_centred_on_it(formal_pdf, frame):
    """§7.3.5.1: the date 右空四字, the issuer centred above it, two blank lines above them for
    the seal, and the text's last lines on the same page."""
    date = line(formal_pdf, "2025年3月18日")
    issuer = next(found for page in formal_pdf.pages for found in page
                  if found.text == "宛城区人民政府" and found.size == frame.body_size)
    assert date.page == issuer.page and date.baseline - issuer.baseline == pytest.approx(frame.pitch, abs=0.05)
    assert date.x1 == pytest.approx(frame.right - 4 * frame.char, abs=DRIFT)
    assert (issuer.x0 + issuer.x1) / 2 == pytest.approx((date.x0 + date.x1) / 2, abs=DRIFT)
    above = [found for found in formal_pdf.pages[issuer.page - 1] if found.baseline < issuer.baseline]
    assert len(above) >= 2  # never a page holding only the 落款
    assert issuer.baseline - above[-1].baseline == pytest.approx(3 * frame.pitch, abs=0.05)


JOINT = ("中共某县委员会", "某县人民政府")


def joint(paragraphs: int, seal: bool = True, issuers: tuple[str, ...] = JOINT) -> Document:
    """A joint issuance (联合行文): the issuers in the 版头 and in the 落款, in one order."""
    return dataclasses.replace(small(paragraphs, marks=tuple(i + "文件" for i in issuers), seal=seal, note="（此件公开发布）"),
                               signature_issuer=issuers[0], co_issuers=issuers[1:], signature_date="2025年3月18日")


def split_line(found: Line) -> list[tuple[str, float, float]]:
    """The runs of a line separated by blank space: (text, x0, x1)."""
    runs: list[tuple[str, float, float]] = []
    for c in found.chars:
        if runs and c["x0"] - runs[-1][2] < c["size"]:
            text, x0, _ = runs[-1]
            runs[-1] = (text + c["text"], x0, c["x1"])
        else:
            runs.append((c["text"], c["x0"], c["x1"]))
    return runs


def test_joint_sealed_closing_issuers_side_by_side_the_last_centred_on_the_date(profile, frame, tmp_path):
    """§7.3.5.1 联合行文: each issuer's 署名 under its seal, in the order of the 版头, side by side
    half the type area apart; the date 右空四字 with the last issuer centred on it; the 附注 below."""
    rendered = render(joint(3), profile, tmp_path / "joint.pdf")
    date = line(rendered, "2025年3月18日")
    names = next(found for found in rendered.pages[date.page - 1] if found.text.startswith(JOINT[0]) and found.size == frame.body_size)
    (first, x0, x1), (second, y0, y1) = split_line(names)
    assert (first, second) == JOINT
    assert date.baseline - names.baseline == pytest.approx(frame.pitch, abs=0.05)
    assert date.x1 == pytest.approx(frame.right - 4 * frame.char, abs=DRIFT)
    assert (y0 + y1) / 2 == pytest.approx((date.x0 + date.x1) / 2, abs=DRIFT)
    assert (y0 + y1) / 2 - (x0 + x1) / 2 == pytest.approx(14 * frame.char, abs=DRIFT)
    above = [found for found in rendered.pages[date.page - 1] if found.baseline < names.baseline]
    assert names.baseline - above[-1].baseline == pytest.approx(3 * frame.pitch, abs=0.05)  # room for the seals
    assert line(rendered, "（此件公开发布）").baseline - date.baseline == pytest.approx(frame.pitch, abs=0.05)


def test_joint_closing_of_three_keeps_the_seals_apart(profile, frame, tmp_path):
    """A third issuer starts a second row, five lines below: 42 mm seals do not touch."""
    rendered = render(joint(3, issuers=(*JOINT, "某县政协")), profile, tmp_path / "three.pdf")
    date = line(rendered, "2025年3月18日")
    third, pair = line(rendered, "某县政协", date.page), line(rendered, JOINT[0], date.page)
    assert third.baseline - pair.baseline == pytest.approx(5 * frame.pitch, abs=0.05)
    assert date.baseline - third.baseline == pytest.approx(frame.pitch, abs=0.05)
    assert (third.x0 + third.x1) / 2 == pytest.approx((date.x0 + date.x1) / 2, abs=DRIFT)


def test_joint_unsealed_closing_issuers_one_below_the_other(profile, frame, tmp_path):
    """§7.3.5.2: the leading issuer first, the others below it, starting where it starts (the
    widest 右空二字); the date's first character two characters right of theirs."""
    rendered = render(joint(3, seal=False), profile, tmp_path / "plain.pdf")
    first, second, date = (line(rendered, text, 2) for text in (*JOINT, "2025年3月18日"))
    assert [first.text, second.text] == list(JOINT)
    assert first.x1 == pytest.approx(frame.right - 2 * frame.char, abs=DRIFT)
    assert second.x0 == pytest.approx(first.x0, abs=DRIFT)
    assert date.x0 - first.x0 == pytest.approx(2 * frame.char, abs=DRIFT)
    assert (second.baseline - first.baseline, date.baseline - second.baseline) == (
        pytest.approx(frame.pitch, abs=0.05), pytest.approx(frame.pitch, abs=0.05))


def test_docx_joint_closing_at_right_tab_stops_where_the_pdf_has_it(profile, tmp_path):
    docx.write(joint(3), profile, tmp_path / "joint.docx")
    package = Package(tmp_path / "joint.docx")
    names, date = package.paragraphs(docx.SIGNATURE)
    char = 315  # one body character with its spacing, in twips
    assert text_of(names) == "中共某县委员会某县人民政府" and text_of(date) == "2025年3月18日"
    assert [len(p.findall("w:r/w:tab", NS)) for p in (names, date)] == [2, 1]  # a tab before each
    stops = [(tab.get(w("val")), int(tab.get(w("pos")))) for tab in names.findall("w:pPr/w:tabs/w:tab", NS)]
    centre = 4 + 6.5 / 2  # the date's centre, in 字 from the right edge
    assert stops == [("center", 8845 - round((centre + 14) * char)), ("center", 8845 - round(centre * char))]
    assert [(tab.get(w("val")), int(tab.get(w("pos")))) for tab in date.findall("w:pPr/w:tabs/w:tab", NS)] == [
        ("right", 8845 - 4 * char)]
    paragraphs = package.paragraphs()
    note = paragraphs[paragraphs.index(date) + 1]
    assert text_of(note) == "（此件公开发布）"
    for paragraph in paragraphs[paragraphs.index(names) - 3:paragraphs.index(date) + 1]:  # the text's end to the date
        assert paragraph.find("w:pPr/w:keepNext", NS) is not None, text_of(paragraph)


def test_note_on_the_line_below_the_date_two_characters_in(formal_pdf, frame):
    note, date = line(formal_pdf, "（此件公开发布）"), line(formal_pdf, "2025年3月18日")
    assert note.page == date.page and note.baseline - date.baseline == pytest.approx(frame.pitch, abs=0.05)
    assert note.x0 == pytest.approx(frame.left + 2 * frame.char, abs=0.05)


def test_unsealed_formal_closing_is_the_web_editions(formal_document, profile, frame, tmp_path):
    unsealed = dataclasses.replace(formal_document, formal=dataclasses.replace(formal_document.formal, seal=False))
    rendered = render(unsealed, profile, tmp_path / "unsealed.pdf")
    date = line(rendered, "2025年3月18日")
    issuer = next(found for found in rendered.pages[date.page - 1] if found.text == "宛城区人民政府")
    assert issuer.x1 == pytest.approx(frame.right - 2 * frame.char, abs=DRIFT)  # §7.3.5.2 右空二字
    assert date.x0 == pytest.approx(issuer.x0 + 2 * frame.char, abs=DRIFT)


# -- the PDF: 版记 and its page ------------------------------------------------------------------------


def test_record_at_the_foot_of_the_last_page_an_even_one(formal_pdf, frame):
    pages = len(formal_pdf.pages)
    assert pages % 2 == 0
    cc, printing = line(formal_pdf, "抄送："), line(formal_pdf, "宛城区人民政府办公室")
    assert cc.page == printing.page == pages
    outer, inner = 0.35 * MM, 0.25 * MM
    first, middle, last = rules(formal_pdf.path, pages, frame)
    assert [b - a for a, b in (first, middle, last)] == pytest.approx([outer, inner, outer], abs=0.05)
    assert last[1] == pytest.approx(frame.bottom, abs=0.1)  # on the type area's bottom
    assert first[1] < top(cc) and bottom(cc) < middle[0] < top(printing) and bottom(printing) < last[0]
    assert cc.text == CC and cc.size == 14
    assert cc.x0 == pytest.approx(frame.left + 14, abs=0.1)  # 左空一字
    assert printing.x0 == pytest.approx(frame.left + 14, abs=0.1)
    assert printing.text.endswith(PRINTED) and printing.x1 == pytest.approx(frame.right - 14, abs=DRIFT)  # 右空一字


def test_record_page_keeps_its_number_when_no_blank_page_precedes_it(formal_pdf, frame):
    numbers = [found.text.replace(" ", "") for found in formal_pdf.pages[-1] if found.baseline > frame.bottom]
    assert numbers == [f"—{len(formal_pdf.pages)}—"]


@pytest.mark.parametrize(("paragraphs", "placement", "pages", "numbered"), [
    (3, "next", 2, [1, 2]),  # text ends on page 1: the 版记 takes page 2
    (15, "same", 2, [1, 2]),  # text ends on page 2 with room below it
    (31, "after-blank", 4, [1, 2]),  # page 2 full: a blank page 3, the 版记 on page 4, neither numbered
])
def test_record_page_follows_where_the_text_ends(paragraphs, placement, pages, numbered, profile, frame, tmp_path):
    document = small(paragraphs)
    assert formal.place_record(document, profile).page == placement
    rendered = render(document, profile, tmp_path / "placed.pdf")
    assert len(rendered.pages) == pages
    assert line(rendered, "抄送：").page == pages
    assert rules(rendered.path, pages, frame)[-1][1] == pytest.approx(frame.bottom, abs=0.1)
    shown = [n for n, page in enumerate(rendered.pages, 1) if any(found.baseline > frame.bottom for found in page)]
    assert shown == numbered
    if placement == "after-blank":
        assert rendered.pages[2] == []


# -- the PDF: the rest of the 版头 -------------------------------------------------------------------


def test_copy_number_secrecy_and_urgency_top_left_one_line_each(profile, frame, tmp_path):
    document = small(3, copy_number="000001", secrecy="机密★1年", urgency="特急")
    rendered = render(document, profile, tmp_path / "marked.pdf")
    first = rendered.pages[0][:3]
    assert [found.text for found in first] == ["000001", "机密★1年", "特急"]
    for n, found in enumerate(first):
        assert found.x0 == pytest.approx(frame.left, abs=0.05)
        assert box_top(found, frame) - frame.top == pytest.approx(n * frame.pitch, abs=0.5)
    assert font_of(first[1].chars[0]) == font_of(first[2].chars[0]) != font_of(first[0].chars[0])  # 黑体; 份号 仿宋
    mark = line(rendered, "某县人民政府文件")
    assert top(mark) - frame.top == pytest.approx(35 * MM, abs=0.5)


def test_joint_issuers_one_a_line_at_one_width_with_wenjian_beside(profile, frame, tmp_path):
    """联合行文 (§7.2.4): the leading issuer first, the names equally wide, 文件 to their right
    and centred on them vertically; all red, the first name's top 35 mm down."""
    document = small(3, marks=("中共某县委员会文件", "某县人民政府文件"))
    rendered = render(document, profile, tmp_path / "joint.pdf")
    first, second = line(rendered, "中共某县委员会"), line(rendered, "某县人民政府")
    suffix = next(found for found in rendered.pages[0] if "文件" in found.text)
    assert first.text == "中共某县委员会" and second.text == "某县人民政府" and suffix.text == "文件"
    assert first.x0 == pytest.approx(second.x0, abs=0.1) and first.x1 == pytest.approx(second.x1, abs=0.5)
    assert (top(suffix) + bottom(suffix)) / 2 == pytest.approx((top(first) + bottom(second)) / 2, abs=1)
    assert suffix.x0 - first.x1 == pytest.approx(first.size, abs=1)  # one character apart
    assert first.x0 - frame.left == pytest.approx(frame.right - suffix.x1, abs=0.5)  # centred as a whole
    assert top(first) - frame.top == pytest.approx(35 * MM, abs=0.5)
    assert {tuple(c["non_stroking_color"]) for found in (first, second, suffix) for c in found.chars} == {RED}


def test_a_long_mark_is_set_smaller_to_fit_the_line(profile, frame):
    mark = formal.mark(Formal(marks=("某某省某某市某某县某某某某某某某某局文件",)), profile)
    assert mark.size_pt < 36 and len(mark.names[0]) * mark.size_pt <= frame.right - frame.left


# -- the DOCX --------------------------------------------------------------------------------------


def test_docx_masthead_where_the_pdf_has_it(formal_docx):
    """The mark's space above it is 35 mm, its line one mark high; the 发文字号 two grid lines
    lower; the red line 4 mm below the number's lower edge; the title two grid lines lower."""
    mark, number, separator, title = formal_docx.paragraphs()[:4]
    assert (style_of(mark), text_of(mark)) == (docx.MARK, MARK)
    spacing = mark.find("w:pPr/w:spacing", NS)
    assert (spacing.get(w("before")), spacing.get(w("line")), spacing.get(w("lineRule"))) == ("1984", "720", "exact")
    style = formal_docx.style(docx.MARK)
    assert style.find("w:rPr/w:color", NS).get(w("val")) == "FF0000"
    assert style.find("w:rPr/w:rFonts", NS).get(w("eastAsia")) == "方正小标宋简体"
    assert style.find("w:pPr/w:jc", NS).get(w("val")) == "center"
    assert style_of(number) == docx.NUMBER and number.find("w:pPr/w:spacing", NS).get(w("before")) == "1158"
    assert style_of(separator) == docx.SEPARATOR
    rule = separator.find("w:pPr/w:spacing", NS)
    below = round((4 * 72 / 25.4 - (28.95 - 16) / 2) * 20)
    assert (rule.get(w("before")), rule.get(w("line")), rule.get(w("lineRule"))) == (str(below), "30", "exact")
    assert formal_docx.style(docx.SEPARATOR).find("w:pPr/w:shd", NS).get(w("fill")) == "FF0000"
    assert style_of(title) == docx.TITLE and title.find("w:pPr/w:spacing", NS).get(w("before")) == "1158"


def test_docx_number_left_signer_right_by_tab_stops(formal_docx):
    number = formal_docx.paragraphs(docx.NUMBER)[0]
    assert ind(number)["leftChars"] == 100  # 左空一字
    (tab,) = number.findall("w:pPr/w:tabs/w:tab", NS)
    char = 320 - 5
    assert (tab.get(w("val")), int(tab.get(w("pos")))) == ("left", 8845 - 3 * char - 4 * char)  # "签发人：张三" ends 1 字 in
    runs = number.findall("w:r", NS)
    assert "".join(text_of(r) for r in runs) == NUMBER + "签发人：张三"
    assert runs[-1].find("w:rPr/w:rStyle", NS).get(w("val")) == docx.SIGNER and text_of(runs[-1]) == "张三"
    assert formal_docx.style_run(docx.SIGNER, "w:rFonts", "eastAsia") == "楷体_GB2312"


def test_docx_sealed_closing_and_note(formal_docx):
    paragraphs = formal_docx.paragraphs()
    issuer = next(p for p in paragraphs if style_of(p) == docx.SIGNATURE and text_of(p) == "宛城区人民政府")
    at = paragraphs.index(issuer)
    date, note = paragraphs[at + 1], paragraphs[at + 2]
    assert text_of(date) == "2025年3月18日" and ind(date)["rightChars"] == 400  # 右空四字
    assert ind(issuer)["rightChars"] == 375  # centred on the date: 4 + (6.5 − 7) / 2
    text, *blanks = paragraphs[at - 3:at]
    assert [text_of(p) for p in blanks] == ["", ""] and text_of(text).endswith("构建和谐执法环境。")
    for kept in (text, *blanks, issuer, date):  # the text's last lines through the date to the 附注
        assert kept.find("w:pPr/w:keepNext", NS) is not None
    assert text.find("w:pPr/w:widowControl", NS) is not None  # two lines of it, as the PDF takes along
    assert (style_of(note), text_of(note)) == (docx.BODY, "（此件公开发布）")


def test_docx_record_in_a_frame_at_the_foot_of_the_page(formal_docx):
    framed = [p for p in formal_docx.paragraphs() if p.find("w:pPr/w:framePr", NS) is not None]
    assert [text_of(p) for p in framed] == ["", CC, "", "宛城区人民政府办公室" + PRINTED, ""]
    frames = {tuple(sorted(p.find("w:pPr/w:framePr", NS).attrib.items())) for p in framed}
    assert len(frames) == 1  # one frame
    frame = dict((k.split("}")[1], v) for k, v in frames.pop())
    assert frame == {"w": "8845", "wrap": "notBeside", "vAnchor": "margin", "hAnchor": "margin",
                     "xAlign": "center", "yAlign": "bottom"}
    heights = [int(p.find("w:pPr/w:spacing", NS).get(w("line"))) for p in framed[::2]]
    assert heights == [20, 14, 20]  # 0.35, 0.25, 0.35 mm
    assert formal_docx.style(docx.RECORD_RULE).find("w:pPr/w:shd", NS).get(w("fill")) == "000000"
    assert formal_docx.style_run(docx.RECORD, "w:sz") == "28"  # 4号
    cc, printing = framed[1], framed[3]
    assert ind(cc) == {"left": 280 + 840, "hanging": 840, "right": 280}  # names aligned after "抄送："
    assert ind(printing) == {"left": 280, "right": 280}
    (tab,) = printing.findall("w:pPr/w:tabs/w:tab", NS)
    assert (tab.get(w("val")), tab.get(w("pos"))) == ("right", str(8845 - 280))
    assert len(formal_docx.body.findall(".//w:sectPr", NS)) == 1  # on the page where the text ends


def sections(package: Package) -> list:
    return package.body.findall(".//w:sectPr", NS)


@pytest.mark.parametrize(("paragraphs", "numbered"), [(3, True), (31, False)])
def test_docx_record_on_a_later_even_page_is_a_section_of_its_own(paragraphs, numbered, profile, tmp_path):
    """"next" and "after-blank": the last section starts on an even page (Word and LibreOffice
    add the blank page when needed); after a blank page its footers are empty."""
    docx.write(small(paragraphs), profile, tmp_path / "placed.docx")
    package = Package(tmp_path / "placed.docx")
    text_section, record_section = sections(package)
    assert record_section.find("w:type", NS).get(w("val")) == "evenPage"
    assert text_section.getparent().getparent().tag == w("p")  # carried by the text's last paragraph
    assert text_of(text_section.getparent().getparent()) == f"第{paragraphs}段。"
    footers = record_section.findall("w:footerReference", NS)
    if numbered:
        assert footers == []  # the text's footers, numbers and all
    else:
        assert {f.get(w("type")) for f in footers} == {"default", "even"}
        for kind in ("default", "even"):  # the body's own sectPr is the record's section
            assert not list(package.footer(kind).iter(w("instrText")))


@pytest.mark.parametrize("name", ["fixture", "joint", "joint-closing", "joint-unsealed", "after-blank", "marked"])
def test_formal_docx_passes_openxml_audit(name, formal_document, profile, tmp_path):
    openxml_audit = pytest.importorskip("openxml_audit")
    document = {
        "fixture": formal_document,
        "joint": small(3, marks=("中共某县委员会文件", "某县人民政府文件"), signers=("张三", "李四", "王五")),
        "joint-closing": joint(3, issuers=(*JOINT, "某县政协")),
        "joint-unsealed": joint(3, seal=False),
        "after-blank": small(31),
        "marked": small(3, copy_number="000001", secrecy="机密★1年", urgency="特急"),
    }[name]
    path = tmp_path / f"{name}.docx"
    docx.write(document, profile, path)
    result = openxml_audit.OpenXmlValidator().validate(str(path))
    assert [str(error) for error in result.errors] == []
    assert editor_gaps(path) == []  # no construction one of Word, WPS and LibreOffice lacks


def test_docx_joint_mark_is_a_borderless_table_with_wenjian_centred(profile, tmp_path):
    docx.write(small(3, marks=("中共某县委员会文件", "某县人民政府文件")), profile, tmp_path / "joint.docx")
    package = Package(tmp_path / "joint.docx")
    table = package.body.find("w:tbl", NS)
    names, suffix = table.findall("w:tr/w:tc", NS)
    assert [text_of(p) for p in names.findall("w:p", NS)] == ["中共某县委员会", "某县人民政府"]
    assert text_of(suffix) == "文件" and suffix.find("w:tcPr/w:vAlign", NS).get(w("val")) == "center"
    spread = names.findall("w:p", NS)[1].find("w:r/w:rPr/w:spacing", NS)
    assert int(spread.get(w("val"))) == round(36 * 20 / 5)  # one 字 more over five gaps
    assert table.find("w:tblPr/w:tblBorders", NS) is None and table.find("w:tblPr/w:tblStyle", NS) is None


def test_signers_two_to_a_line_later_lines_under_the_first_name(profile, tmp_path):
    head = formal.masthead(Formal(marks=("某县人民政府文件",), number="某政〔2025〕1号", signers=("张三", "李四", "王五")), profile)
    assert [(r.number, r.label, r.names) for r in head.rows] == [("", "签发人：", "张三　李四"), ("某政〔2025〕1号", "", "王五")]
    docx.write(small(3, signers=("张三", "李四", "王五")), profile, tmp_path / "signers.docx")
    first, second = Package(tmp_path / "signers.docx").paragraphs(docx.NUMBER)
    char = 315
    name_start = 8845 - round((1 + 5) * char)
    assert int(first.find("w:pPr/w:tabs/w:tab", NS).get(w("pos"))) == name_start - 4 * char
    assert int(second.find("w:pPr/w:tabs/w:tab", NS).get(w("pos"))) == name_start
    assert text_of(second) == "某政〔2025〕1号王五"


# The DOCX as LibreOffice lays it out: tests/test_docx_pages.py.


# -- text and HTML -----------------------------------------------------------------------------------


def test_text_of_the_formal_edition(formal_document):
    lines = text.render(formal_document).splitlines()
    assert lines[:4] == [MARK, f"{NUMBER}　　签发人：张三", "", formal_document.title]
    assert lines[5] == "南阳市人民政府："
    assert lines[-6:] == ["宛城区人民政府", "2025年3月18日", "（此件公开发布）", "", CC, f"宛城区人民政府办公室　　{PRINTED}"]
    assert "发布时间" not in "".join(lines)


def test_html_states_the_creation_date_for_the_pdf(formal_document, profile):
    page = html.render(formal_document, profile)
    assert '<meta name="dcterms.created" content="2025-03-18">' in page
    assert '<section class="record" id="record">' in page  # a page for the browser: the 版记 at the end


def test_without_signers_the_number_is_centred(profile, frame, tmp_path):
    rendered = render(small(3), profile, tmp_path / "centred.pdf")
    number = line(rendered, "某政〔2025〕1号")
    assert number.text == "某政〔2025〕1号"
    assert number.x0 - frame.left == pytest.approx(frame.right - number.x1, abs=0.5)


def test_docx_without_a_layout_engine_puts_the_record_on_an_even_page_of_its_own(profile, tmp_path, monkeypatch):
    """No fonts or WeasyPrint to measure the text with: a section on an even page, unnumbered."""
    def unavailable(*args, **kwargs):
        raise OSError("cannot load library 'libpango-1.0-0'")

    monkeypatch.setattr(formal, "place_record", unavailable)
    docx.write(small(3), profile, tmp_path / "fallback.docx")
    package = Package(tmp_path / "fallback.docx")
    _, record_section = sections(package)
    assert record_section.find("w:type", NS).get(w("val")) == "evenPage"
    assert not list(package.footer("default").iter(w("instrText")))
