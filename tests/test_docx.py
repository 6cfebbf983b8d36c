"""The DOCX is GB/T 9704-2012 as measured in its XML: page, grid, styles, footers, closing,
attachments; and a file Word and WPS users take as their own: fonts in styles with substitution
hints, Word's built-in headings, tables that behave, none of python-docx's template left over."""
from __future__ import annotations

import copy
import dataclasses
import re
import zipfile
from pathlib import Path

import pytest
from lxml import etree

from generator.config import layout
from generator.pipeline.document import Attachment, Document, Heading, Paragraph, Span, Table
from generator.writers import text
from generator.writers.docx import report as docx

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
NS = {"w": W, "r": R}
MM = 1440 / 25.4  # twips in a millimetre

ISSUER = "宛城区人民政府"  # 7 字
DATE = "2025年3月25日"  # 6.5 字: arabic digits are half-width
DATE_WIDTH = 6.5


def w(name: str) -> str:
    return f"{{{W}}}{name}"


class Package:
    """A written .docx, read back with zipfile and lxml."""

    def __init__(self, path: Path) -> None:
        with zipfile.ZipFile(path) as archive:
            self.infos = archive.infolist()
            self.names = set(archive.namelist())
            self.xml = {name: etree.fromstring(archive.read(name)) for name in self.names if name.endswith((".xml", ".rels"))}
        self.document = self.xml["word/document.xml"]
        self.styles = self.xml["word/styles.xml"]
        self.body = self.document.find("w:body", NS)
        self.sectPr = self.body.find("w:sectPr", NS)

    def style(self, style_id: str) -> etree._Element:
        found = self.styles.find(f"w:style[@w:styleId='{style_id}']", NS)
        assert found is not None, f"no style {style_id}"
        return found

    def chain(self, style_id: str | None) -> list[etree._Element]:
        """The style and those it is based on, nearest first."""
        styles = []
        while style_id:
            style = self.style(style_id)
            styles.append(style)
            based_on = style.find("w:basedOn", NS)
            style_id = based_on.get(w("val")) if based_on is not None else None
        return styles

    def resolved(self, paragraph: etree._Element, path: str, attribute: str) -> str | None:
        """What Word applies to `paragraph` for pPr/`path`/@attribute: direct, its style chain, then defaults."""
        style = paragraph.find("w:pPr/w:pStyle", NS)
        sources = [paragraph.find("w:pPr", NS)]
        sources += [s.find("w:pPr", NS) for s in self.chain(style.get(w("val")) if style is not None else "Normal")]
        sources.append(self.styles.find("w:docDefaults/w:pPrDefault/w:pPr", NS))
        for properties in sources:
            if properties is None:
                continue
            element = properties.find(path, NS)
            if element is not None and element.get(w(attribute)) is not None:
                return element.get(w(attribute))
        return None

    def style_run(self, style_id: str, path: str, attribute: str = "val") -> str | None:
        """The run property a style gives (own or inherited)."""
        for style in self.chain(style_id):
            element = style.find(f"w:rPr/{path}", NS)
            if element is not None:
                return element.get(w(attribute), "1")
        return None

    def paragraphs(self, style_id: str | None = None) -> list[etree._Element]:
        found = self.body.findall("w:p", NS)
        return [p for p in found if style_id is None or style_of(p) == style_id]

    def lines(self) -> list[str]:
        """The body as Word shows it: one line a paragraph, one a table row with cells joined by tabs."""
        lines = []
        for block in self.body:
            if block.tag == w("p"):
                lines.append(text_of(block))
            elif block.tag == w("tbl"):
                lines += ["\t".join(text_of(cell) for cell in row.findall("w:tc", NS)) for row in block.findall("w:tr", NS)]
        return lines

    def footer(self, kind: str) -> etree._Element:
        reference = self.sectPr.find(f"w:footerReference[@w:type='{kind}']", NS)
        rels = self.xml["word/_rels/document.xml.rels"]
        target = rels.find(f"{{*}}Relationship[@Id='{reference.get(f'{{{R}}}id')}']").get("Target")
        return self.xml[f"word/{target}"]


def style_of(paragraph: etree._Element) -> str:
    """The paragraph's style id; Normal where it names none."""
    style = paragraph.find("w:pPr/w:pStyle", NS)
    return style.get(w("val")) if style is not None else "Normal"


def text_of(element: etree._Element) -> str:
    return "".join(t.text or "" for t in element.iter(w("t")))


def ind(paragraph_or_style: etree._Element) -> dict[str, int]:
    element = paragraph_or_style.find("w:pPr/w:ind", NS)
    return {etree.QName(k).localname: int(v) for k, v in element.attrib.items()}


@pytest.fixture(scope="module")
def profile() -> layout.Profile:
    return layout.load()


@pytest.fixture(scope="module")
def report(document_2024, profile, tmp_path_factory) -> Package:
    path = tmp_path_factory.mktemp("docx") / "2024.docx"
    docx.write(document_2024, profile, path)
    return Package(path)


def small(**fields) -> Document:
    """A short document; `fields` add the parts under test."""
    fields.setdefault("body", (Paragraph((Span("2024年，我县法治政府建设取得新进展。"),)),))
    return Document(year=2024, title_lines=("某县人民政府", "关于2024年法治政府建设情况的报告"), **fields)


@pytest.fixture
def written(tmp_path, profile):
    def write(document: Document, with_profile: layout.Profile | None = None) -> Package:
        path = tmp_path / "small.docx"
        docx.write(document, with_profile or profile, path)
        return Package(path)

    return write


# -- page and grid -------------------------------------------------------------------------------

def test_page_is_a4_with_the_standard_margins(report):
    size = report.sectPr.find("w:pgSz", NS)
    margins = report.sectPr.find("w:pgMar", NS)
    assert (size.get(w("w")), size.get(w("h"))) == ("11906", "16838")  # 210 × 297 mm
    assert size.get(w("orient")) in (None, "portrait")
    assert {side: margins.get(w(side)) for side in ("top", "right", "bottom", "left", "gutter")} == {
        "top": "2098", "right": "1474", "bottom": "1984", "left": "1587", "gutter": "0",  # 37/26/35/28 mm
    }
    assert round((11906 - 1587 - 1474) / MM) == 156 and round((16838 - 2098 - 1984) / MM) == 225


def test_line_grid_gives_22_lines_of_28_characters(report):
    grid = report.sectPr.find("w:docGrid", NS)
    assert grid.get(w("type")) == "lines" and grid.get(w("linePitch")) == "579"
    assert grid.get(w("charSpace")) is None
    height, width = 16838 - 2098 - 1984, 11906 - 1587 - 1474
    assert 22 * 579 <= height < 23 * 579
    body_pitch = 32 * 10 + int(report.style_run(docx.BODY, "w:spacing"))  # 16 pt − 0.25 pt, in twips
    assert 28 * body_pitch <= width < 29 * body_pitch


def test_template_leftovers_are_gone(report):
    assert "word/stylesWithEffects.xml" not in report.names
    assert "docProps/thumbnail.jpeg" not in report.names
    assert "word/numbering.xml" not in report.names  # bullets in Symbol, named for Latin text only
    assert not [a for e in report.styles.iter() for a in e.attrib if "Theme" in a or "theme" in a]
    defaults = report.styles.find("w:docDefaults", NS)
    assert defaults.find("w:rPrDefault/w:rPr/w:lang", NS).get(w("eastAsia")) == "zh-CN"
    assert defaults.find("w:rPrDefault/w:rPr/w:rFonts", NS).get(w("eastAsia")) == "仿宋_GB2312"
    spacing = defaults.find("w:pPrDefault/w:pPr/w:spacing", NS)
    assert (spacing.get(w("before")), spacing.get(w("after"))) == ("0", "0")
    settings = report.xml["word/settings.xml"]
    assert settings.find("w:themeFontLang", NS).get(w("eastAsia")) == "zh-CN"
    assert settings.find("w:defaultTabStop", NS).get(w("val")) == "640"  # two characters, not the template's 720
    assert settings.find("w:characterSpacingControl", NS).get(w("val")) == "compressPunctuation"
    assert not any(name.startswith("customXml/") for name in report.names)  # the APA bibliography
    app = etree.tostring(report.xml["docProps/app.xml"], encoding="unicode")
    assert "Macintosh" not in app and "<Application>fazhi-report</Application>" in app
    core = report.xml["docProps/core.xml"]
    assert core.findtext("{http://purl.org/dc/elements/1.1/}title") == "宛城区人民政府关于2024年法治政府建设情况的报告"
    assert core.findtext("{http://purl.org/dc/elements/1.1/}creator") == "宛城区人民政府"
    assert "python-docx" not in etree.tostring(core, encoding="unicode")


def test_file_dates_are_the_documents_own(report):
    """The publication date (the sample has no 落款), in core.xml and on every zip entry."""
    core = report.xml["docProps/core.xml"]
    for tag in ("created", "modified"):
        assert core.findtext(f"{{http://purl.org/dc/terms/}}{tag}") == "2025-03-25T00:00:00Z"
    assert {info.date_time for info in report.infos} == {(2025, 3, 25, 0, 0, 0)}


def test_font_table_lists_the_fonts_used_with_substitution_hints(report):
    fonts = {f.get(w("name")): f for f in report.xml["word/fontTable.xml"].findall("w:font", NS)}
    assert list(fonts) == ["方正小标宋简体", "仿宋_GB2312", "Times New Roman", "黑体", "楷体_GB2312", "宋体"]

    def hint(name: str, tag: str) -> str | None:
        element = fonts[name].find(f"w:{tag}", NS)
        return element.get(w("val")) if element is not None else None

    for name in ("方正小标宋简体", "仿宋_GB2312", "黑体", "楷体_GB2312", "宋体"):
        assert hint(name, "charset") == "86", name  # GB2312
        assert len(hint(name, "panose1") or "") == 20, name
    assert (hint("仿宋_GB2312", "altName"), hint("楷体_GB2312", "altName")) == ("仿宋", "楷体")
    assert hint("黑体", "panose1") == "02010609060101010101"
    assert hint("Times New Roman", "charset") == "00"
    used = {f.get(w(a)) for f in report.styles.iter(w("rFonts")) for a in ("eastAsia", "ascii")}
    assert used == set(fonts)


def test_file_passes_openxml_audit(tmp_path, document_2024, profile):
    """No schema or Word-compatibility finding: Word opens the file without offering a repair."""
    openxml_audit = pytest.importorskip("openxml_audit")
    for name, document in (("2024", document_2024), ("full", full_document())):
        path = tmp_path / f"{name}.docx"
        docx.write(document, profile, path)
        result = openxml_audit.OpenXmlValidator().validate(str(path))
        assert [str(error) for error in result.errors] == []
        assert result.is_valid


# What one of Word, WPS and LibreOffice lacks (DESIGN §5.2): the style separator, text boxes,
# shapes and drawings, theme font references.
_EDITOR_GAPS = re.compile(rb"specVanish|txbxContent|<w:drawing|<w:pict|<v:shape|<wps:|<mc:AlternateContent|\w+Theme=")


def editor_gaps(path: Path) -> list[str]:
    """Each construction of one editor alone, with the part it is in: the patterns above, a font
    named for some scripts only (the others fall back to a theme font), a custom heading style."""
    found = []
    with zipfile.ZipFile(path) as archive:
        for name in (n for n in archive.namelist() if n.endswith(".xml")):
            xml = archive.read(name)
            found += [f"{name}: {m.group().decode()}" for m in _EDITOR_GAPS.finditer(xml)]
            found += [f"{name}: rFonts {dict(f.attrib)}" for f in etree.fromstring(xml).iter(w("rFonts"))
                      if any(f.get(w(kind)) is None for kind in ("ascii", "hAnsi", "eastAsia", "cs"))]
        styles = etree.fromstring(archive.read("word/styles.xml"))
    found += [f"custom heading {s.get(w('styleId'))}" for s in styles.findall("w:style", NS)
              if s.get(w("styleId"), "").startswith("Heading") and s.get(w("type")) == "paragraph" and s.get(w("customStyle"))]
    return found


def test_no_construction_that_one_editor_lacks(tmp_path, document_2024, profile):
    for name, document in (("2024", document_2024), ("full", full_document())):
        path = tmp_path / f"{name}.docx"
        docx.write(document, profile, path)
        assert editor_gaps(path) == []


def test_theme_fonts_are_the_documents_fonts(report):
    """A run that names a theme font (pasted from elsewhere) still gets a 公文 font."""
    a = "{http://schemas.openxmlformats.org/drawingml/2006/main}"
    theme = report.xml["word/theme/theme1.xml"]
    for scheme, chinese in (("majorFont", "黑体"), ("minorFont", "仿宋_GB2312")):
        fonts = theme.find(f".//{a}{scheme}")
        assert fonts.find(f"{a}ea").get("typeface") == chinese
        assert fonts.find(f"{a}latin").get("typeface") == TNR
        assert fonts.find(f"{a}font[@script='Hans']").get("typeface") == chinese


# -- styles --------------------------------------------------------------------------------------

TNR = "Times New Roman"


@pytest.mark.parametrize(("style_id", "font", "western", "half_points"), [
    (docx.TITLE, "方正小标宋简体", "方正小标宋简体", 44),
    (docx.BODY, "仿宋_GB2312", TNR, 32),
    (docx.BULLET, "仿宋_GB2312", TNR, 32),
    (docx.HEADING[1], "黑体", TNR, 32),
    (docx.HEADING[2], "楷体_GB2312", TNR, 32),
    (docx.HEADING[3], "仿宋_GB2312", TNR, 32),
    (docx.HEADING[4], "仿宋_GB2312", TNR, 32),
    (docx.ATTACHMENT_LABEL, "黑体", TNR, 32),
    (docx.ATTACHMENT_TITLE, "方正小标宋简体", "方正小标宋简体", 44),
    (docx.TABLE_TEXT, "仿宋_GB2312", TNR, 28),
    (docx.TABLE_HEADER, "黑体", TNR, 28),
    (docx.PAGE_NUMBER, "宋体", "宋体", 28),
    ("Normal", "仿宋_GB2312", TNR, 32),
])
def test_each_style_names_its_fonts_and_size(report, style_id, font, western, half_points):
    """Chinese text in the role's office font, digits and Latin in its western font, and
    punctuation shared by both (“ ” —) hinted to the Chinese one."""
    fonts = report.style(style_id).find("w:rPr/w:rFonts", NS)
    assert fonts is not None, "the style names its fonts itself"
    assert {k: fonts.get(w(k)) for k in ("eastAsia", "ascii", "hAnsi", "cs", "hint")} == {
        "eastAsia": font, "ascii": western, "hAnsi": western, "cs": western, "hint": "eastAsia"}
    assert report.style_run(style_id, "w:sz") == str(half_points)


def test_body_style_is_exact_28_95_pt_indented_two_characters_justified(report):
    body = report.style(docx.BODY)
    spacing = body.find("w:pPr/w:spacing", NS)
    assert {k: spacing.get(w(k)) for k in ("before", "after", "line", "lineRule")} == {
        "before": "0", "after": "0", "line": "579", "lineRule": "exact"}
    assert ind(body) == {"firstLineChars": 200, "firstLine": 640}
    assert body.find("w:pPr/w:jc", NS).get(w("val")) == "both"
    assert body.find("w:rPr/w:spacing", NS).get(w("val")) == "-5"


def test_title_is_centred_off_the_grid_one_paragraph_a_line_then_a_blank_line(report, document_2024):
    paragraphs = report.paragraphs()
    count = len(document_2024.title_lines)
    assert [text_of(p) for p in paragraphs[:count]] == list(document_2024.title_lines) == ["宛城区人民政府", "关于2024年法治政府建设情况的报告"]
    assert {style_of(p) for p in paragraphs[:count]} == {docx.TITLE}
    blank = paragraphs[count]
    assert text_of(blank) == "" and report.resolved(blank, "w:spacing", "line") == "579"
    title = report.style(docx.TITLE)
    assert title.find("w:pPr/w:snapToGrid", NS).get(w("val")) == "0"
    assert title.find("w:pPr/w:jc", NS).get(w("val")) == "center"
    assert ind(title) == {"firstLineChars": 0, "firstLine": 0}  # not the body's indent
    assert title.find("w:rPr/w:spacing", NS).get(w("val")) == "0"  # nor its character spacing


def test_headings_are_words_built_in_heading_styles_with_outline_levels(report):
    """heading 1–4 (标题 1–4 in Chinese Word): built in, not custom, so the navigation pane, a TOC
    and Word's own heading commands know them; each linked to the character style of its run-in form."""
    for level in range(1, 5):
        style = report.style(f"Heading{level}")
        assert docx.HEADING[level] == f"Heading{level}"
        assert style.find("w:name", NS).get(w("val")) == f"heading {level}"
        assert style.get(w("customStyle")) is None
        assert style.find("w:pPr/w:outlineLvl", NS).get(w("val")) == str(level - 1)
        assert style.find("w:pPr/w:keepNext", NS) is not None
        assert style.find("w:next", NS).get(w("val")) == docx.BODY
        assert style.find("w:link", NS).get(w("val")) == docx.RUN_IN[level]
        assert style.get(w("type")) == "paragraph"
    assert report.style(docx.ATTACHMENT_TITLE).find("w:pPr/w:outlineLvl", NS).get(w("val")) == "0"
    characters = {s.get(w("styleId")) for s in report.styles.findall("w:style[@w:type='character']", NS)}
    assert characters == {"DefaultParagraphFont", docx.SIGNER, *docx.RUN_IN.values()}


def test_normal_is_the_body_style(report):
    """正文 (Normal) is 3号仿宋, 2 字 indent, exact 28.95 pt: text pasted plain or cleared of its
    formatting (WPS 清除格式) keeps the body's form; body paragraphs name no style."""
    normal = report.style("Normal")
    assert docx.BODY == "Normal" and normal.get(w("default")) == "1"
    assert ind(normal) == {"firstLineChars": 200, "firstLine": 640}
    assert normal.find("w:pPr/w:spacing", NS).get(w("line")) == "579"
    assert report.style_run("Normal", "w:sz") == "32"
    texts = [p for p in report.paragraphs() if "深化对法治建设的全面领导" in text_of(p)]
    assert texts and all(p.find("w:pPr/w:pStyle", NS) is None for p in texts)


def test_run_in_headings_are_runs_in_the_heading_fonts_inside_their_paragraph(report, document_2024):
    """A run-in heading is the first run of its body paragraph, in the character style of its
    level (the heading's fonts): one paragraph in Word, WPS and LibreOffice alike, as the PDF
    shows it. No style separator (w:specVanish is Word's alone)."""
    expected = [(span.text, span.role) for block in document_2024.body if isinstance(block, Paragraph)
                for span in block.spans if span.role]
    runs = [r for r in report.body.iter(w("r")) if r.find("w:rPr/w:rStyle", NS) is not None]
    assert [(text_of(r), r.find("w:rPr/w:rStyle", NS).get(w("val"))) for r in runs] == [
        (text, docx.RUN_IN[int(role[-1])]) for text, role in expected]
    assert len(runs) == 13  # 3 in 一、, 7 in 二、, 3 in 三、
    for run in runs:
        paragraph = run.getparent()
        assert paragraph.find("w:r", NS) is run and style_of(paragraph) == docx.BODY
        assert len(text_of(paragraph)) > len(text_of(run))  # the text goes on in the same paragraph
    for level in range(1, 5):
        style = report.style(docx.RUN_IN[level])
        heading = report.style(docx.HEADING[level])
        assert style.find("w:rPr/w:rFonts", NS).attrib == heading.find("w:rPr/w:rFonts", NS).attrib
    assert not list(report.body.iter(w("specVanish"), w("vanish")))


def test_heading_bold_is_a_profile_option(written, profile):
    assert written(small()).style_run(docx.HEADING[2], "w:b") is None
    bold = copy.deepcopy(profile)
    bold["fonts"]["heading2"]["bold"] = bold["fonts"]["heading3"]["bold"] = True
    package = written(small(), bold)
    assert package.style_run(docx.HEADING[2], "w:b") == package.style_run(docx.HEADING[3], "w:b") == "1"
    assert package.style_run(docx.BODY, "w:b") is None


# -- every paragraph and run ---------------------------------------------------------------------

def test_every_paragraph_is_exactly_one_grid_line_high(report):
    """Title, blank lines, headings and text alike: 579 twips exact, no space before or after;
    indented two characters."""
    for paragraph in report.paragraphs():
        assert report.resolved(paragraph, "w:spacing", "line") == "579"
        assert report.resolved(paragraph, "w:spacing", "lineRule") == "exact"
        assert report.resolved(paragraph, "w:spacing", "before") == "0"
        assert report.resolved(paragraph, "w:spacing", "after") == "0"
        if style_of(paragraph) != docx.TITLE:
            assert report.resolved(paragraph, "w:ind", "firstLineChars") == "200"
            assert report.resolved(paragraph, "w:ind", "firstLine") == "640"
            assert report.resolved(paragraph, "w:jc", "val") == "both"


@pytest.mark.parametrize("name", ["report", "full"])
def test_runs_carry_no_fonts_the_styles_give_them(name, request):
    """Fonts and sizes are the styles' (so text typed in Word takes them); runs state nothing
    but a placeholder's highlight or a run-in heading's character style."""
    package = request.getfixturevalue(name)
    runs = [r for part in package.xml.values() for r in part.iter(w("r"))]
    assert len(runs) > 20
    for run in runs:
        properties = run.find("w:rPr", NS)
        assert properties is None or [etree.QName(c).localname for c in properties] in (["highlight"], ["rStyle"]), text_of(run)


def test_document_text_is_the_text_writers_without_web_chrome(report, document_2024):
    expected = text.render(dataclasses.replace(document_2024, web=(), publication="")).splitlines()
    expected = [*document_2024.title_lines, *expected[1:]]
    assert report.lines() == expected
    assert not any(line.startswith("发布时间") for line in report.lines())


# -- page numbers --------------------------------------------------------------------------------

def test_page_numbers_alternate_one_character_in_from_the_outer_edge(report):
    assert report.xml["word/settings.xml"].find("w:evenAndOddHeaders", NS) is not None
    for kind, side in (("default", "right"), ("even", "left")):
        footer = report.footer(kind)
        (paragraph,) = footer.findall("w:p", NS)
        assert style_of(paragraph) == docx.PAGE_NUMBER
        assert paragraph.find("w:pPr/w:jc", NS).get(w("val")) == side
        assert ind(paragraph) == {side: 280}  # one 14 pt character
        instruction = "".join(t.text for t in paragraph.iter(w("instrText")))
        assert instruction.strip() == "PAGE"
        assert [f.get(w("fldCharType")) for f in paragraph.iter(w("fldChar"))] == ["begin", "separate", "end"]
        runs = paragraph.findall("w:r", NS)
        assert text_of(runs[0]) == "— " and text_of(runs[-1]) == " —"
        assert all(r.find("w:rPr", NS) is None for r in runs)  # 宋体 from the page-number style
    style = report.style(docx.PAGE_NUMBER)
    assert style.find("w:pPr/w:spacing", NS).get(w("line")) == "280"
    assert style.find("w:pPr/w:spacing", NS).get(w("lineRule")) == "exact"
    assert style.find("w:rPr/w:spacing", NS).get(w("val")) == "0"  # not the body's −0.25 pt


def test_page_number_dash_7_mm_below_the_type_area(report):
    """The dash 0.7 em above the bottom of the number's exact 14 pt line, whose bottom is the
    footer distance: (35 − 7) mm − 9.8 pt; the footer's paragraph fills the room up to the type
    area, so that no editor need add spacing above it (LibreOffice leaves it out in a new section)."""
    margins = report.sectPr.find("w:pgMar", NS)
    footer, bottom = int(margins.get(w("footer"))), int(margins.get(w("bottom")))
    assert footer == 1391
    assert abs((footer + 0.7 * 280) / MM - (35 - 7)) < 0.05
    spacing = report.style(docx.PAGE_NUMBER).find("w:pPr/w:spacing", NS)
    assert int(spacing.get(w("before"))) + int(spacing.get(w("line"))) == bottom - footer


# -- front matter, closing, attachments, tables, bullets -----------------------------------------

def full_document() -> Document:
    return small(
        recipient="中共某市委员会，某市人民政府：",
        body=(
            Paragraph((Span("2024年，我县法治政府建设取得新进展。"),)),
            Paragraph((Span("——行政复议案件86件。"),), bullet=True),
            Heading(1, 1, "一、", "主要举措和成效"),
            Heading(3, 2, "1.", "抓好学习"),
            Paragraph((Span("（1）抓好培训。", "heading4"), Span("第二条措施。"))),
            Table(("项目", "数量"), (("行政复议", "86件"), ("行政诉讼", "12件")), "表1　行政复议情况"),
        ),
        web=(("索引号", "123-456"),),
        publication="发布时间：2025-03-25　来源：某县",
        attachment_note=("附件：1.重点任务清单", "2.行政复议案件统计表"),
        attachments=(
            Attachment("附件1", "重点任务清单", (Paragraph((Span("任务一。"),)),)),
            Attachment("附件2", "行政复议案件统计表", (Table(("月份", "件数"), (("1月", "3"),)),), ("行政复议", "案件统计表")),
        ),
        signature_issuer=ISSUER,
        signature_date=DATE,
    )


@pytest.fixture
def full(written) -> Package:
    return written(full_document())


def test_full_document_text_matches_the_text_writer_line_for_line(full):
    document = full_document()
    expected = text.render(dataclasses.replace(document, web=(), publication="")).splitlines()
    expected = [*document.title_lines, *expected[1:]]
    assert [line for line in full.lines() if line] == [line for line in expected if line]
    assert "123-456" not in "".join(full.lines())


def test_recipient_is_flush_left_one_blank_line_below_the_title(full):
    paragraphs = full.paragraphs()
    assert text_of(paragraphs[2]) == "" and style_of(paragraphs[2]) == docx.BODY
    assert text_of(paragraphs[3]) == "中共某市委员会，某市人民政府："
    assert full.resolved(paragraphs[3], "w:ind", "firstLineChars") == "0"
    assert full.resolved(paragraphs[3], "w:ind", "firstLine") == "0"
    assert full.resolved(paragraphs[3], "w:spacing", "line") == "579"


def test_bullets_and_heading_depth(full):
    (bullet,) = full.paragraphs(docx.BULLET)
    assert text_of(bullet).startswith("——")
    assert full.resolved(bullet, "w:ind", "firstLineChars") == "200"
    (level3,) = full.paragraphs(docx.HEADING[3])
    assert level3.find("w:pPr/w:outlineLvl", NS).get(w("val")) == "1"  # 1. straight under 一、
    (level1,) = full.paragraphs(docx.HEADING[1])
    assert level1.find("w:pPr/w:outlineLvl", NS) is None  # the style's level 0 applies


def test_attachment_note_aligns_names_after_the_lead_and_number(full):
    """左空二字 "附件：1.": the second line starts after "附件：", wrapped lines after "1."."""
    notes = full.paragraphs(docx.NOTE)
    assert [text_of(p) for p in notes] == ["附件：1.重点任务清单", "2.行政复议案件统计表"]
    before = full.paragraphs()[full.paragraphs().index(notes[0]) - 1]
    assert text_of(before) == ""
    first, second = (ind(p) for p in notes)
    assert first["leftChars"] - first["hangingChars"] == 200  # 附件： at 2 字
    assert second["leftChars"] - second["hangingChars"] == 500  # 2. under 1., after 附件：
    assert first["leftChars"] == second["leftChars"] == 600  # names wrap under their first character
    assert first["left"] == 1920 and first["hanging"] == 1280


@pytest.mark.parametrize(("issuer", "issuer_right", "date_right"), [
    (ISSUER, 2, 0.5),  # 7 字 issuer: issuer 右空二字, date starts 2 字 right of it
    ("某县人民政府", 4.5, 2),  # 6 字 issuer, longer date: date 右空二字, issuer moves left
])
def test_closing_without_seal(written, issuer, issuer_right, date_right):
    package = written(small(signature_issuer=issuer, signature_date=DATE))
    paragraphs = package.paragraphs()
    blank, issuer_line, date_line = paragraphs[-3:]
    assert text_of(blank) == "" and text_of(issuer_line) == issuer and text_of(date_line) == DATE
    for line, right in ((issuer_line, issuer_right), (date_line, date_right)):
        assert package.resolved(line, "w:jc", "val") == "right"
        assert ind(line)["rightChars"] == right * 100 and ind(line)["right"] == right * 320
        assert ind(line)["firstLineChars"] == 0
    issuer_start = 28 - issuer_right - len(issuer)  # in 字 from the left edge of the type area
    date_start = 28 - date_right - DATE_WIDTH
    assert date_start - issuer_start == 2
    text = paragraphs[-4]
    for kept in (text, blank, issuer_line):  # the 落款 never goes to a page without the text's end
        assert kept.find("w:pPr/w:keepNext", NS) is not None


def test_attachments_start_on_new_pages_with_label_and_centred_title(full):
    labels = full.paragraphs(docx.ATTACHMENT_LABEL)
    assert [text_of(p) for p in labels] == ["附件1", "附件2"]
    label_style = full.style(docx.ATTACHMENT_LABEL)
    assert label_style.find("w:pPr/w:pageBreakBefore", NS) is not None
    assert full.resolved(labels[0], "w:ind", "firstLineChars") == "0"
    assert full.resolved(labels[0], "w:jc", "val") == "left"
    assert full.resolved(labels[0], "w:spacing", "after") == "579"  # the title on the third line
    paragraphs = full.paragraphs()
    for label in labels:
        title = paragraphs[paragraphs.index(label) + 1]
        assert style_of(title) == docx.ATTACHMENT_TITLE
        assert full.resolved(title, "w:jc", "val") == "center"
        assert text_of(paragraphs[paragraphs.index(label) + 2]) == ""
    signature = full.paragraphs(docx.SIGNATURE)
    assert paragraphs.index(signature[-1]) < paragraphs.index(labels[0])


def test_tables_are_bordered_with_a_repeating_header_in_heiti(full):
    tables = full.body.findall("w:tbl", NS)
    assert len(tables) == 2
    table = tables[0]
    assert table.find("w:tblPr/w:tblStyle", NS).get(w("val")) == docx.TABLE
    assert table.find("w:tblPr/w:tblW", NS).get(w("type")) == "dxa"
    header, *rows = table.findall("w:tr", NS)
    assert header.find("w:trPr/w:tblHeader", NS) is not None
    assert all(row.find("w:trPr/w:tblHeader", NS) is None for row in rows)
    assert all(row.find("w:trPr/w:cantSplit", NS) is not None for row in (header, *rows))  # rows stay whole
    assert {style_of(p) for p in header.iter(w("p"))} == {docx.TABLE_HEADER}
    assert full.style_run(docx.TABLE_HEADER, "w:rFonts", "eastAsia") == "黑体"  # not a bold 仿宋
    assert full.style_run(docx.TABLE_HEADER, "w:b") is None and full.style_run(docx.TABLE_TEXT, "w:b") is None
    assert {c.find("w:tcPr/w:vAlign", NS).get(w("val")) for c in table.iter(w("tc"))} == {"center"}
    borders = full.style(docx.TABLE).find("w:tblPr/w:tblBorders", NS)
    assert {etree.QName(b).localname: b.get(w("val")) for b in borders} == dict.fromkeys(
        ("top", "left", "bottom", "right", "insideH", "insideV"), "single")
    caption = table.getprevious()
    assert style_of(caption) == docx.TABLE_CAPTION and text_of(caption) == "表1　行政复议情况"
    assert full.resolved(caption, "w:jc", "val") == "center"


def test_table_columns_take_the_width_their_content_asks(written):
    """A long first column and short figures: the type area's 156 mm shared by the widest cell
    of each column (padding included), fixed so Word and WPS keep them."""
    rows = (("行政复议案件办结情况（含调解）", "2023年"), ("合计", "86"))
    package = written(small(body=(Table(("项目", "数量"), rows),)))
    table = package.body.find("w:tbl", NS)
    grid = [int(c.get(w("w"))) for c in table.findall("w:tblGrid/w:gridCol", NS)]
    assert sum(grid) == 11906 - 1587 - 1474
    assert grid[0] / grid[1] == pytest.approx((15 * 280 + 2 * 80) / (3 * 280 + 2 * 80), rel=0.001)  # 15 字 vs "2023年" 3 字
    assert table.find("w:tblPr/w:tblLayout", NS).get(w("type")) == "fixed"
    for row in table.findall("w:tr", NS):
        assert [int(c.find("w:tcPr/w:tcW", NS).get(w("w"))) for c in row.findall("w:tc", NS)] == grid
    margins = package.style(docx.TABLE).find("w:tblPr/w:tblCellMar", NS)
    assert {etree.QName(m).localname: m.get(w("w")) for m in margins} == {"left": "80", "right": "80"}  # ¼ 字


def test_table_rows_are_one_grid_line_high_with_their_rule(full):
    """As in the PDF: the text line (579 − 10 twips) and the 0.5 pt rule make one grid line."""
    spacing = full.style(docx.TABLE_TEXT).find("w:pPr/w:spacing", NS)
    assert (spacing.get(w("line")), spacing.get(w("lineRule"))) == ("569", "exact")
    assert full.style(docx.TABLE).find("w:tblPr/w:tblBorders/w:insideH", NS).get(w("sz")) == "4"


def test_an_attachment_title_breaks_where_the_data_breaks_it(written):
    """One paragraph (one entry in the navigation pane), a line break where the data puts it."""
    lines = ("某县二〇二四年度法治政府建设", "工作台账及各项任务完成情况")
    document = small(attachments=(Attachment("附件", "".join(lines), (Paragraph((Span("正文。"),)),), lines),))
    (title,) = written(document).paragraphs(docx.ATTACHMENT_TITLE)
    runs = title.findall("w:r", NS)
    assert [text_of(run) for run in runs] == list(lines)
    assert runs[0].find("w:br", NS) is None and runs[1].find("w:br", NS) is not None
