"""DOCX: the report as a Word/WPS file in the GB/T 9704-2012 layout, for review and edits.

Every number comes from the layout profile, the one the PDF reads too. Layout and fonts live
in named styles — Normal (正文) is the body, Word's built-in 标题 1–4 the headings on their own
line — so that text a user adds, pastes or clears of formatting takes the same form, and runs
carry no formatting of their own (a draft's unfilled figures excepted: they are highlighted). A
run-in heading is the first run of its paragraph, in the character style linked to its level's
heading style. Only constructions Word, WPS and LibreOffice all render alike are used: README.md
in this folder lists them, and where an editor and the PDF must still differ.

The formal edition adds the 版头, the sealed 落款, the 附注 and the 版记 at the places
writers/formal.py gives both writers. Building the same data twice gives the same bytes: the
file's dates are the document's own, and so are the zip entries'.
"""
from __future__ import annotations

import datetime
import io
import re
import zipfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import docx
from docx.document import Document as DocxDocument
from docx.enum.style import WD_STYLE_TYPE
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.part import Part
from docx.oxml.ns import qn
from docx.oxml.table import CT_Tbl, CT_Tc
from docx.oxml.text.paragraph import CT_P
from docx.oxml.xmlchemy import BaseOxmlElement
from docx.shared import Twips
from docx.styles.style import BaseStyle

from generator.chinese import width_chars
from generator.config.layout import Profile, line_pitch_pt, type_area_mm
from generator.errors import DataError, EngineError
from generator.pipeline.document import Attachment, Block, Document, Heading, Paragraph, Table
from generator.writers import formal
from generator.writers.docx import oxml
from generator.writers.docx.oxml import add_field, set_child, set_fonts

# Style ids are ASCII, as Word writes them whatever its language; the names users see are Chinese
# (the headings' are Word's own built-in names, which Chinese Word shows as 标题 1 … 标题 4).
TITLE = "ReportTitle"
BODY = "Normal"  # Word's 正文: text typed, pasted or cleared of formatting (WPS 清除格式) takes the body's form
BULLET = "ReportBullet"
HEADING = {level: f"Heading{level}" for level in range(1, 5)}
RUN_IN = {level: f"Heading{level}Char" for level in range(1, 5)}  # a run-in heading's character style
RECIPIENT = "ReportRecipient"
NOTE = "ReportAttachmentNote"
SIGNATURE = "ReportSignature"
ATTACHMENT_LABEL = "ReportAttachmentLabel"
ATTACHMENT_TITLE = "ReportAttachmentTitle"
TABLE = "ReportTable"
TABLE_CAPTION = "ReportTableCaption"
TABLE_TEXT = "ReportTableText"
TABLE_HEADER = "ReportTableHeader"
PAGE_NUMBER = "ReportPageNumber"
# the formal edition's
COPY_NUMBER = "ReportCopyNumber"
MARKING = "ReportMarking"
MARK = "ReportMark"
NUMBER = "ReportNumber"
SIGNER = "ReportSigner"
SEPARATOR = "ReportSeparator"
RECORD = "ReportRecord"
RECORD_RULE = "ReportRecordRule"

APPLICATION = "fazhi-report"
_STYLES_WITH_EFFECTS = "http://schemas.microsoft.com/office/2007/relationships/stylesWithEffects"
_NOTE_LEAD = "附件："  # GB/T 9704 §7.3.6; continuation lines align after it
_NOTE_NUMBER = re.compile(r"\d+\.")
_NO_DATE = (1980, 1, 1, 0, 0, 0)  # the earliest a zip entry can state
_DASH_ABOVE_LINE_EM = 0.7  # the page number's dash above the bottom of its exact line (see _add_page_numbers)


def write(document: Document, profile: Profile, path: Path) -> None:
    """Write `document` to `path` as .docx in the layout `profile` gives."""
    package = docx.Document()
    _drop_template_leftovers(package)
    _define_styles(package, profile)
    _set_page(package, profile)
    _add_page_numbers(package, profile)
    _set_settings(package, profile)
    date = formal.document_date(document)
    _set_properties(package, document, date)
    _replace_blob(package.part.part_related_by(RT.FONT_TABLE), oxml.font_table(_fonts_used(profile)))
    _set_theme_fonts(package, profile)
    _Body(package, profile).write(document)
    _save(package, path, date)


def _save(package: DocxDocument, path: Path, date: datetime.date | None) -> None:
    """The package with every zip entry dated `date`: python-docx stamps the time of writing."""
    buffer = io.BytesIO()
    package.save(buffer)
    stamp = (date.year, date.month, date.day, 0, 0, 0) if date and date.year >= 1980 else _NO_DATE
    with zipfile.ZipFile(buffer) as source, zipfile.ZipFile(path, "w") as target:
        for item in source.infolist():
            entry = zipfile.ZipInfo(item.filename, date_time=stamp)
            entry.compress_type = zipfile.ZIP_DEFLATED
            target.writestr(entry, source.read(item))


# -- units ---------------------------------------------------------------------------------------

def _twips_mm(mm: float) -> int:
    return round(mm * 1440 / 25.4)


def _twips_pt(pt: float) -> int:
    return round(pt * 20)


def _indent(profile: Profile, **chars: float) -> dict[str, int]:
    """`w:ind` attributes for indents counted in 字 (one 字 = the body size).

    `…Chars` is what Word writes for its 字符 unit and what it reads first; the twips beside it
    serve readers without that unit.
    """
    size = profile["fonts"]["body"]["size_pt"]
    attributes: dict[str, int] = {}
    for side, count in chars.items():
        attributes[f"{side}Chars"] = round(count * 100)
        attributes[side] = _twips_pt(count * size)
    return attributes


def _char_twips(profile: Profile) -> int:
    """One body character with the body's character spacing: 28 of them fill a line."""
    return _twips_pt(profile["fonts"]["body"]["size_pt"]) + profile["grid"]["docx_char_spacing_twips"]


# -- package, page, footers ------------------------------------------------------------------------

def _drop_template_leftovers(package: DocxDocument) -> None:
    """Parts of python-docx's template that misdescribe the report.

    Its stylesWithEffects part no longer matches styles.xml (validators flag the file), its
    thumbnail shows a blank page in file browsers, its custom XML is an empty APA bibliography,
    its numbering part defines bullet lists nothing uses in a font named for Latin text only
    (Word writes the part anew when a user starts a list), and app.xml says "Microsoft Macintosh
    Word" with a page count of 1. Parts no relationship reaches are not saved.
    """
    for rels in (package.part.rels, package.part.package.rels):
        for rId, rel in list(rels.items()):
            if rel.reltype in (_STYLES_WITH_EFFECTS, RT.THUMBNAIL, RT.CUSTOM_XML, RT.NUMBERING):
                rels.pop(rId)
    _replace_blob(package.part.package.part_related_by(RT.EXTENDED_PROPERTIES), oxml.extended_properties(APPLICATION))


def _replace_blob(part: Part, blob: bytes) -> None:
    """A part python-docx keeps as bytes (app.xml, fontTable.xml), given new content."""
    part._blob = blob


def _set_page(package: DocxDocument, profile: Profile) -> None:
    """A4, the GB/T 9704 margins, and a line-only grid of 22 lines to the page.

    A character grid (`linesAndChars`) is what Word templates often use, but LibreOffice reads it
    as 14 characters a line; character spacing in the body style fits 28 instead.
    """
    page = profile["page"]
    section = package.sections[0]
    section.page_width = Twips(_twips_mm(page["width_mm"]))
    section.page_height = Twips(_twips_mm(page["height_mm"]))
    section.top_margin = Twips(_twips_mm(page["margin_top_mm"]))
    section.right_margin = Twips(_twips_mm(page["margin_right_mm"]))
    section.bottom_margin = Twips(_twips_mm(page["margin_bottom_mm"]))
    section.left_margin = Twips(_twips_mm(page["margin_left_mm"]))
    section.gutter = Twips(0)
    set_child(package.element.body.sectPr, "w:docGrid", type="lines", linePitch=profile["grid"]["line_pitch_twips"])


def _add_page_numbers(package: DocxDocument, profile: Profile) -> None:
    """Page numbers "— N —" (GB/T 9704 §7.5): odd pages right, even left, one 字 in from the edge,
    the dash `below_type_area_mm` under the type area.

    Word and LibreOffice measure the footer distance from the page edge to the bottom of the
    footer's last line, here exactly one number-size high. LibreOffice sets an exact line's
    baseline 0.4 em above its bottom (measured), and the dash is drawn 0.3 em above the baseline
    (as the PDF test measures it): the dash is 0.7 em above the footer distance. With the
    standard's numbers: (35 − 7) mm − 0.7 × 14 pt = 1587 − 196 = 1391 twips.
    The footer's paragraph fills the space up to the type area (space before the line), so that
    a section that LibreOffice gives no spacing above its footer keeps the same type area.
    """
    numbers = profile["page_number"]
    font = profile["fonts"]["page_number"]
    section = package.sections[0]
    section.footer_distance = Twips(_footer_distance(profile))
    package.settings.odd_and_even_pages_header_footer = True
    before, after = numbers["form"].split("{n}")
    indent = _twips_pt(numbers["outer_indent_chars"] * font["size_pt"])
    for footer, side, cached in ((section.footer, "right", "1"), (section.even_page_footer, "left", "2")):
        footer.is_linked_to_previous = False
        paragraph = _only_paragraph(footer.part.element)
        properties = paragraph.get_or_add_pPr()
        set_child(properties, "w:ind", **{side: indent})
        set_child(properties, "w:jc", val=side)
        paragraph.add_r().text = before
        add_field(paragraph, " PAGE ", cached)
        paragraph.add_r().text = after


def _footer_distance(profile: Profile) -> int:
    """From the page's lower edge to the bottom of the page number's line (see above)."""
    dash_mm = profile["page"]["margin_bottom_mm"] - profile["page_number"]["below_type_area_mm"]
    return _twips_mm(dash_mm) - _twips_pt(_DASH_ABOVE_LINE_EM * profile["fonts"]["page_number"]["size_pt"])


def _footer_room(profile: Profile) -> int:
    """Between the type area and the footer distance: what a footer paragraph fills."""
    return _twips_mm(profile["page"]["margin_bottom_mm"]) - _footer_distance(profile)


def _role(profile: Profile, role: str) -> Any:
    """A role's FontSpec by its name (a TypedDict takes only literal keys)."""
    return dict(profile["fonts"])[role]


def _only_paragraph(story: BaseOxmlElement) -> CT_P:
    """A header or footer's one paragraph, in the page-number style (the template's is "Footer",
    a style this file does not define)."""
    for paragraph in story.p_lst:
        story.remove(paragraph)
    paragraph = story.add_p()
    paragraph.style = PAGE_NUMBER
    return paragraph


def _set_theme_fonts(package: DocxDocument, profile: Profile) -> None:
    """The theme's heading and body fonts are the 公文's (no style here names a theme font)."""
    fonts = profile["fonts"]
    heading, body = fonts["heading1"], fonts["body"]
    theme = package.part.part_related_by(RT.THEME)
    _replace_blob(theme, oxml.theme_fonts(theme.blob, (heading["docx"], heading.get("western", heading["docx"])),
                                          (body["docx"], body.get("western", body["docx"]))))


def _set_settings(package: DocxDocument, profile: Profile) -> None:
    """As Chinese Word sets them: Chinese theme-font language, punctuation compressed, a default
    tab of two characters (the template's 720 twips are half an inch); Word 2013+ layout rather
    than the template's "compatibility mode"."""
    settings = package.settings.element
    settings.find(qn("w:themeFontLang")).set(qn("w:eastAsia"), "zh-CN")
    set_child(settings, "w:defaultTabStop", val=_twips_pt(2 * profile["fonts"]["body"]["size_pt"]))
    set_child(settings, "w:characterSpacingControl", val="compressPunctuation")
    for setting in settings.find(qn("w:compat")).findall(qn("w:compatSetting")):
        if setting.get(qn("w:name")) == "compatibilityMode":
            setting.set(qn("w:val"), "15")


def _set_properties(package: DocxDocument, document: Document, date: datetime.date | None) -> None:
    """File properties: the template's say "python-docx", 2013, English; the dates are the
    document's own (none when the data gives none), never the time of writing."""
    properties = package.core_properties
    properties.title = document.title
    properties.author = properties.last_modified_by = formal.document_issuer(document)
    properties.comments = ""
    properties.language = "zh-CN"
    if document.data_version:  # which data it was made from (generator/outputs.py)
        properties.version = document.data_version
    if date is not None:
        properties.created = properties.modified = datetime.datetime(date.year, date.month, date.day)
    else:
        for tag in ("dcterms:created", "dcterms:modified"):
            oxml.remove_child(properties._element, tag)


def _fonts_used(profile: Profile) -> list[dict[str, str]]:
    """The fonts the styles name, each with the substitution hints the profile gives for it."""
    names: list[str] = []
    for role in profile["fonts"]:
        spec = _role(profile, role)
        names += [spec["docx"], *([spec["western"]] if "western" in spec else [])]
    hints = {font["name"]: {key: str(value) for key, value in font.items()} for font in profile["office_fonts"]}
    plain = {"charset": "86", "family": "auto", "pitch": "variable"}
    return [hints.get(name, {"name": name, **plain, **({"charset": "00"} if name.isascii() else {})})
            for name in dict.fromkeys(names)]


# -- styles ----------------------------------------------------------------------------------------

def _define_styles(package: DocxDocument, profile: Profile) -> None:
    """Replace the template's styles by the report's."""
    styles = package.styles
    for style in styles.element.findall(qn("w:style")):
        if style.get(qn("w:default")) != "1":  # keep Normal, Default Paragraph Font, Table Normal, No List
            styles.element.remove(style)
    _set_defaults(styles.element, profile)
    _StyleSheet(package, profile).define()


def _set_defaults(styles: BaseOxmlElement, profile: Profile) -> None:
    """Document defaults instead of the template's Calibri theme font, en-US, 10 pt space after.

    Widow control is off so that pages keep their 22 lines; automatic space between Chinese and
    digits or Latin is off so that lines keep their 28 characters (and match the PDF).
    """
    body = profile["fonts"]["body"]
    defaults = styles.find(qn("w:docDefaults"))
    run = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr"))
    set_fonts(run, body["docx"], body.get("western"))
    set_child(run, "w:sz", val=round(body["size_pt"] * 2))
    set_child(run, "w:szCs", val=round(body["size_pt"] * 2))
    set_child(run, "w:lang", val="en-US", eastAsia="zh-CN", bidi="ar-SA")
    paragraph = defaults.find(qn("w:pPrDefault")).find(qn("w:pPr"))
    set_child(paragraph, "w:widowControl", val=False)
    set_child(paragraph, "w:overflowPunct", val=False)
    set_child(paragraph, "w:autoSpaceDE", val=False)
    set_child(paragraph, "w:autoSpaceDN", val=False)
    set_child(paragraph, "w:spacing", before=0, after=0, line=240, lineRule="auto")


Properties = Mapping[str, Mapping[str, str | int | bool]]  # element name (w: prefix omitted) → attributes
_LEVEL_NAMES = "一二三四"


class _StyleSheet:
    """The report's named styles, each in the fonts of a role in the profile's `fonts`."""

    def __init__(self, package: DocxDocument, profile: Profile) -> None:
        self.styles = package.styles
        self.profile = profile
        self.by_id: dict[str, BaseStyle] = {s.style_id: s for s in self.styles}

    def define(self) -> None:
        profile = self.profile
        line = profile["grid"]["line_pitch_twips"]
        exact: dict[str, str | int] = {"before": 0, "after": 0, "line": line, "lineRule": "exact"}
        flush = _indent(profile, firstLine=0)
        off = {"val": False}
        # Styles of other forms than the body's start from Normal without its indent and spacing.
        plain: Properties = {"ind": flush}
        unspaced: Properties = {"spacing": {"val": 0}}

        normal = self.by_id[BODY]
        body: Properties = {"spacing": exact, "ind": _indent(profile, firstLine=profile["paragraph"]["first_line_indent_chars"]),
                            "jc": {"val": "both" if profile["paragraph"]["justify"] else "left"}}
        for tag, attributes in body.items():
            set_child(normal.element.get_or_add_pPr(), f"w:{tag}", **attributes)
        self._font(normal.element.get_or_add_rPr(), "body")
        set_child(normal.element.get_or_add_rPr(), "w:spacing", val=profile["grid"]["docx_char_spacing_twips"])  # 28 a line
        normal.quick_style = True
        self.paragraph(BULLET, "公文要点", BODY, "body", quick=True)
        # snapToGrid off: LibreOffice would otherwise snap the 22 pt lines to the grid.
        self.paragraph(TITLE, "公文标题", BODY, "title", quick=True,
                       pPr={"keepNext": {}, "snapToGrid": off, "spacing": exact, **plain, "jc": {"val": "center"}}, rPr=unspaced)
        self.paragraph(ATTACHMENT_TITLE, "附件标题", TITLE, "title", pPr={"outlineLvl": {"val": 0}})
        for level in range(1, 5):  # Word's built-in headings: the navigation pane and TOC know them
            style = self.paragraph(HEADING[level], f"heading {level}", BODY, f"heading{level}", quick=True,
                                   pPr={"keepNext": {}, "outlineLvl": {"val": level - 1}})
            set_child(style.element, "w:next", val=BODY)
            set_child(style.element, "w:link", val=RUN_IN[level])
            set_child(style.element, "w:uiPriority", val=9)
            style.element.attrib.pop(qn("w:customStyle"), None)  # built in: Word's own 标题 1–4
            run_in = self.character(RUN_IN[level], f"标题 {level} 字符", f"heading{level}")
            set_child(run_in.element, "w:link", val=HEADING[level])
            set_child(run_in.element, "w:uiPriority", val=9)
        self.paragraph(RECIPIENT, "主送机关", BODY, "body", pPr=plain)
        self.paragraph(NOTE, "附件说明", BODY, "body", pPr=plain)
        self.paragraph(SIGNATURE, "落款", BODY, "body", pPr={**plain, "jc": {"val": "right"}})
        # §8: "附件" and its number in 3号黑体 at the top left of a new page; the title on line 3.
        self.paragraph(ATTACHMENT_LABEL, "附件标识", BODY, "heading1",
                       pPr={"pageBreakBefore": {}, "spacing": {**exact, "after": line}, **plain, "jc": {"val": "left"}})
        self._table_styles(plain, unspaced, off)
        number_size = profile["fonts"]["page_number"]["size_pt"]
        line_twips = _twips_pt(number_size)
        self.paragraph(PAGE_NUMBER, "页码", BODY, "page_number", pPr={
            "snapToGrid": off,
            "spacing": {"before": _footer_room(profile) - line_twips, "after": 0, "line": line_twips, "lineRule": "exact"}, **plain,
        }, rPr=unspaced)
        self._formal_styles(plain, unspaced, off)

    def _table_styles(self, plain: Properties, unspaced: Properties, off: dict[str, bool]) -> None:
        """A bordered table; its text one grid line a row with the rule (as the PDF sets it),
        the header in 黑体: no 仿宋 has a bold face."""
        role = "table" if "table" in self.profile["fonts"] else "body"
        tables = self.profile["tables"]
        line = self.profile["grid"]["line_pitch_twips"] - _twips_pt(tables["rule_pt"])
        self.paragraph(TABLE_CAPTION, "表格标题", BODY, "body",
                       pPr={"keepNext": {}, **plain, "jc": {"val": "center"}})
        self.paragraph(TABLE_TEXT, "表格文字", BODY, role, pPr={
            "snapToGrid": off, "spacing": {"before": 0, "after": 0, "line": line, "lineRule": "exact"}, **plain,
            "jc": {"val": "center"}}, rPr=unspaced)
        header = self.paragraph(TABLE_HEADER, "表头文字", TABLE_TEXT, role)
        heading = self.profile["fonts"]["heading1"]
        set_fonts(header.element.get_or_add_rPr(), heading["docx"], heading.get("western"))
        table = self._add(TABLE, "公文表格", WD_STYLE_TYPE.TABLE, "TableNormal")
        properties = set_child(table.element, "w:tblPr")
        borders = set_child(properties, "w:tblBorders")
        size = round(tables["rule_pt"] * 8)  # eighths of a point
        for side in ("top", "left", "bottom", "right", "insideH", "insideV"):
            set_child(borders, f"w:{side}", val="single", sz=size, space=0, color="auto")
        padding = _twips_pt(tables["cell_padding_chars"] * self.profile["fonts"]["body"]["size_pt"])
        margins = set_child(properties, "w:tblCellMar")
        for side in ("left", "right"):
            set_child(margins, f"w:{side}", w=padding, type="dxa")

    def _formal_styles(self, plain: Properties, unspaced: Properties, off: dict[str, bool]) -> None:
        """The formal edition's 版头 and 版记 (GB/T 9704 §7.2, §7.4)."""
        spec = self.profile["formal"]
        color = spec["color"].lstrip("#").upper()
        left: Properties = {**plain, "jc": {"val": "left"}}
        self.paragraph(COPY_NUMBER, "份号", BODY, "body", pPr=left)
        self.paragraph(MARKING, "密级和紧急程度", BODY, "heading1", pPr=left)
        self.paragraph(MARK, "发文机关标志", BODY, "title", pPr={"snapToGrid": off, **plain, "jc": {"val": "center"}},
                       rPr={**unspaced, "color": {"val": color}, "sz": {"val": round(spec["mark"]["size_pt"] * 2)},
                            "szCs": {"val": round(spec["mark"]["size_pt"] * 2)}})
        self.paragraph(NUMBER, "发文字号", BODY, "body", pPr={**plain, "jc": {"val": "center"}})
        signer = self.character(SIGNER, "签发人姓名", "heading2")
        oxml.remove_child(signer.element.get_or_add_rPr(), "w:b")  # §7.2.6 3号楷体, whatever the headings
        self.paragraph(SEPARATOR, "红色分隔线", BODY, "body",
                       pPr={"snapToGrid": off, **plain, "shd": {"val": "clear", "color": "auto", "fill": color}})
        record = spec["record"]
        size = round(record["size_pt"] * 2)
        self.paragraph(RECORD, "版记", BODY, "body", pPr=left,
                       rPr={"spacing": {"val": 0}, "sz": {"val": size}, "szCs": {"val": size}})
        self.paragraph(RECORD_RULE, "版记分隔线", BODY, "body",
                       pPr={"snapToGrid": off, **plain, "shd": {"val": "clear", "color": "auto", "fill": "000000"}})

    def paragraph(self, style_id: str, name: str, based_on: str, role: str, quick: bool = False,
                  pPr: Properties | None = None, rPr: Properties | None = None) -> BaseStyle:
        """A paragraph style in the fonts of `role`; `quick` puts it in Word's style gallery."""
        style = self._add(style_id, name, WD_STYLE_TYPE.PARAGRAPH, based_on)
        style.quick_style = quick
        for tag, attributes in (pPr or {}).items():
            set_child(style.element.get_or_add_pPr(), f"w:{tag}", **attributes)
        self._font(style.element.get_or_add_rPr(), role)
        for tag, attributes in (rPr or {}).items():
            set_child(style.element.get_or_add_rPr(), f"w:{tag}", **attributes)
        return style

    def character(self, style_id: str, name: str, role: str) -> BaseStyle:
        style = self._add(style_id, name, WD_STYLE_TYPE.CHARACTER, "DefaultParagraphFont")
        self._font(style.element.get_or_add_rPr(), role)
        return style

    def _add(self, style_id: str, name: str, kind: WD_STYLE_TYPE, based_on: str) -> BaseStyle:
        style = self.styles.add_style(name, kind)
        style.style_id = style_id
        style.base_style = self.by_id[based_on]
        self.by_id[style_id] = style
        return style

    def _font(self, rPr: BaseOxmlElement, role: str) -> None:
        font = _role(self.profile, role)
        set_fonts(rPr, font["docx"], font.get("western"))
        if font["bold"]:
            set_child(rPr, "w:b")
        set_child(rPr, "w:sz", val=round(font["size_pt"] * 2))
        set_child(rPr, "w:szCs", val=round(font["size_pt"] * 2))


# -- content ---------------------------------------------------------------------------------------

class _Body:
    """Writes the document's blocks, in order, into the package's body."""

    def __init__(self, package: DocxDocument, profile: Profile) -> None:
        self.package = package
        self.body = package.element.body
        self.profile = profile
        page = profile["page"]
        self.width = _twips_mm(page["width_mm"]) - _twips_mm(page["margin_left_mm"]) - _twips_mm(page["margin_right_mm"])

    def write(self, document: Document) -> None:
        parts = document.formal if document.edition == "formal" else None
        head = formal.masthead(parts, self.profile) if parts is not None else None
        if head is not None:
            self.masthead(head)
        for n, line in enumerate(document.title_lines):
            title = self.paragraph(TITLE, line)
            if n == 0 and head is not None:  # §7.3.1 two blank lines below the red line
                set_child(title.get_or_add_pPr(), "w:spacing", before=_twips_pt(head.title_before_pt))
        self.paragraph(BODY)  # GB/T 9704: one blank line below the title
        recipient = (parts.recipient or document.recipient) if parts is not None else document.recipient
        if recipient:
            self.paragraph(RECIPIENT, recipient)
        self.blocks(document.body)
        # the text's end, the 附件说明 and the 落款 on one page: each keeps with the next
        chain = [p for p in (self.last_paragraph(),) if p is not None]
        if document.attachment_note:
            chain.append(self.paragraph(BODY))
            chain += [self.note_line(line, numbered=len(document.attachment_note) > 1) for line in document.attachment_note]
        if document.signature_issuer or document.signature_date:
            sealed = parts is not None and parts.seal and bool(document.signature_date)
            if document.co_issuers:
                chain += self.joint_closing(formal.joint_closing(document.issuers, document.signature_date, self.profile, sealed))
            else:
                chain += self.closing(document.signature_issuer, document.signature_date, sealed)
        if parts is not None and parts.note:
            chain.append(self.paragraph(BODY, parts.note))  # §7.3.6 附注: 居左空二字, the line below the date
        for paragraph in chain[:-1]:
            set_child(paragraph.get_or_add_pPr(), "w:keepNext")
        if len(chain) > 1:  # as the PDF: the text's last two lines, not one, go along to the 落款's page
            set_child(chain[0].get_or_add_pPr(), "w:widowControl")
        for attachment in document.attachments:
            self.attachment(attachment)
        record = formal.record(parts)
        if parts is not None and record is not None:
            self.record(record, _placement(document, self.profile))

    def paragraph(self, style: str, text: str = "") -> CT_P:
        paragraph = self.body.add_p()
        if style != BODY:  # Normal is stated by no w:pStyle, as Word writes it
            paragraph.style = style
        if text:
            paragraph.add_r().text = text
        return paragraph

    def last_paragraph(self) -> CT_P | None:
        last = self.body.sectPr.getprevious()
        return last if isinstance(last, CT_P) else None

    def blocks(self, blocks: tuple[Block, ...]) -> None:
        for block in blocks:
            if isinstance(block, Heading):
                self.heading(block)
            elif isinstance(block, Paragraph):
                self.text(block)
            else:
                self.table(block)

    def heading(self, heading: Heading) -> None:
        """The level picks the style (font); the depth, where it differs, the outline level."""
        paragraph = self.paragraph(HEADING[heading.level], heading.full_text)
        if heading.depth != heading.level:
            set_child(paragraph.get_or_add_pPr(), "w:outlineLvl", val=heading.depth - 1)

    def text(self, paragraph: Paragraph) -> None:
        """A body paragraph; a run-in heading is its first run, in the character style linked to
        its level's heading style (the heading's fonts), the paragraph indented as any other."""
        element = self.paragraph(BULLET if paragraph.bullet else BODY)
        for span in paragraph.spans:
            run = element.add_r()
            run.text = span.text
            if span.role.startswith("heading"):
                run.style = RUN_IN[int(span.role.removeprefix("heading"))]
            elif span.role == "placeholder":  # a draft's unfilled figure: reviewers must not miss it
                set_child(run.get_or_add_rPr(), "w:highlight", val="yellow")

    def table(self, table: Table) -> None:
        """Columns as wide as their content asks (the rest shared out in proportion), rows kept
        whole on a page, the header repeated atop each page, every cell centred vertically."""
        if table.caption:
            self.paragraph(TABLE_CAPTION, table.caption)
        rows = (table.header, *table.rows)
        widths = self.column_widths(rows)
        element = CT_Tbl.new_tbl(len(rows), len(table.header), Twips(self.width))
        self.body.sectPr.addprevious(element)
        element.tblStyle_val = TABLE
        set_child(element.tblPr, "w:tblW", w=self.width, type="dxa")
        set_child(element.tblPr, "w:tblLayout", type="fixed")
        for column, width in zip(element.tblGrid.gridCol_lst, widths):
            column.w = Twips(width)
        for index, (row, cells) in enumerate(zip(element.tr_lst, rows)):
            properties = row.get_or_add_trPr()
            set_child(properties, "w:cantSplit")
            if index == 0:
                set_child(properties, "w:tblHeader")  # repeated atop each page
            cell: CT_Tc
            for cell, text, width in zip(row.tc_lst, cells, widths):
                cell.width = Twips(width)
                set_child(cell.get_or_add_tcPr(), "w:vAlign", val="center")
                paragraph = cell.p_lst[0]
                paragraph.style = TABLE_HEADER if index == 0 else TABLE_TEXT
                paragraph.add_r().text = text

    def column_widths(self, rows: tuple[tuple[str, ...], ...]) -> list[int]:
        """Each column's share of the type area's width by its widest cell (padding included)."""
        size = _role(self.profile, "table" if "table" in self.profile["fonts"] else "body")["size_pt"]
        padding = 2 * self.profile["tables"]["cell_padding_chars"] * self.profile["fonts"]["body"]["size_pt"]
        needs = [max(1, *(width_chars(row[c]) for row in rows)) * size + padding for c in range(len(rows[0]))]
        widths = [int(self.width * need / sum(needs)) for need in needs]
        widths[-1] += self.width - sum(widths)
        return widths

    def note_line(self, line: str, numbered: bool) -> CT_P:
        """附件说明 (§7.3.6): 左空二字; a line without "附件：" starts after it; wrapped lines align
        with the first character of the attachment's name, after its number if `numbered`."""
        lead = line.startswith(_NOTE_LEAD)
        number = _NOTE_NUMBER.match(line.removeprefix(_NOTE_LEAD)) if numbered else None
        start = self.profile["paragraph"]["first_line_indent_chars"]
        name_start = start + width_chars(_NOTE_LEAD) + (width_chars(number[0]) if number else 0)
        first = start if lead else start + width_chars(_NOTE_LEAD)
        paragraph = self.paragraph(NOTE, line)
        set_child(paragraph.get_or_add_pPr(), "w:ind", **_indent(self.profile, left=name_start, hanging=name_start - first))
        return paragraph

    def closing(self, issuer: str, date: str, sealed: bool) -> list[CT_P]:
        """落款 (§7.3.5): unsealed, one blank line below the text; sealed, the blank lines that
        leave room for the seal. Returns its paragraphs, the date's last."""
        issuer_right, date_right = formal.closing_indents(issuer, date, self.profile, sealed)
        blank_lines = self.profile["formal"]["sealed"]["blank_lines_before"] if sealed else 1
        lines = [self.paragraph(BODY) for _ in range(blank_lines)]
        if issuer:
            lines.append(self.signature_line(issuer, issuer_right))
        if date:
            lines.append(self.signature_line(date, date_right))
        return lines

    def joint_closing(self, lines: tuple[formal.ClosingLine, ...]) -> list[CT_P]:
        """A joint 落款: each line's names or date at left, centre or right tab stops, where
        formal.py places them."""
        paragraphs: list[CT_P] = []
        char = _char_twips(self.profile)
        for line in lines:
            paragraphs += [self.paragraph(BODY) for _ in range(line.blank_lines)]
            paragraph = self.paragraph(SIGNATURE, "".join(f"\t{text}" for text, _, _ in line.items))
            properties = paragraph.get_or_add_pPr()
            oxml.set_tabs(properties, *((align, self.width - round(anchor * char)) for _, align, anchor in line.items))
            set_child(properties, "w:jc", val="left")
            paragraphs.append(paragraph)
        return paragraphs

    def signature_line(self, text: str, right_chars: float) -> CT_P:
        """A right-aligned line `right_chars` 字 from the right edge."""
        paragraph = self.paragraph(SIGNATURE, text)
        set_child(paragraph.get_or_add_pPr(), "w:ind", **_indent(self.profile, firstLine=0, right=right_chars))
        return paragraph

    def attachment(self, attachment: Attachment) -> None:
        """On a new page (§8): the label top left, the title centred on line 3, a blank line, the body."""
        self.paragraph(ATTACHMENT_LABEL, attachment.label)
        title = self.paragraph(ATTACHMENT_TITLE)
        for n, line in enumerate(attachment.title_lines or (attachment.title,)):
            run = title.add_r()
            if n:  # one paragraph (one entry in the navigation pane), broken where the data breaks it
                run.add_br()
            run.add_t(line)
        self.paragraph(BODY)
        self.blocks(attachment.body)

    # -- the formal edition ------------------------------------------------------------------------

    def masthead(self, head: formal.Masthead) -> None:
        """版头 (§7.2): 份号, 密级, 紧急程度 top left; the mark in red, its top 35 mm below the
        type area's top; the 发文字号 and 签发人; the red line as wide as the type area."""
        for role, text in head.top_lines:
            self.paragraph(COPY_NUMBER if role == "body" else MARKING, text)
        self.mark(head)
        for n, row in enumerate(head.rows):
            paragraph = self.paragraph(NUMBER)
            properties = paragraph.get_or_add_pPr()
            if n == 0:
                set_child(properties, "w:spacing", before=_twips_pt(head.rows_before_pt))
            if head.signed:
                self.signer_row(paragraph, row, head)
            else:
                paragraph.add_r().text = row.number
        separator = self.paragraph(SEPARATOR)
        set_child(separator.get_or_add_pPr(), "w:spacing", before=_twips_pt(head.rule_before_pt), after=0,
                  line=max(_twips_pt(head.rule_pt), 14), lineRule="exact")  # Word's least exact line: 0.7 pt

    def mark(self, head: formal.Masthead) -> None:
        """One issuer: a line. Several (联合行文): their names one a line at one width, 文件 to
        the right centred on them — a borderless table of two cells."""
        mark = head.mark
        exact: dict[str, str | int] = {"after": 0, "line": _twips_pt(mark.size_pt), "lineRule": "exact"}
        size = {"val": round(mark.size_pt * 2)} if mark.size_pt != self.profile["formal"]["mark"]["size_pt"] else None
        if len(mark.names) == 1 and not mark.suffix:
            paragraph = self.paragraph(MARK)
            set_child(paragraph.get_or_add_pPr(), "w:spacing", before=_twips_pt(head.mark_before_pt), **exact)
            self.mark_run(paragraph, mark.names[0], 0.0, size)
            return
        spacer = self.paragraph(MARK)
        set_child(spacer.get_or_add_pPr(), "w:spacing", before=0, after=0, line=max(_twips_pt(head.mark_before_pt), 14), lineRule="exact")
        names_width = _twips_pt(mark.names_width_pt)
        suffix_width = _twips_pt((1 + width_chars(mark.suffix)) * mark.size_pt) if mark.suffix else 0
        element = CT_Tbl.new_tbl(1, 2 if mark.suffix else 1, Twips(names_width + suffix_width))
        self.body.sectPr.addprevious(element)
        set_child(element.tblPr, "w:tblW", w=names_width + suffix_width, type="dxa")
        set_child(element.tblPr, "w:jc", val="center")
        set_child(element.tblPr, "w:tblLayout", type="fixed")
        margins = set_child(element.tblPr, "w:tblCellMar")
        for side in ("left", "right"):
            set_child(margins, f"w:{side}", w=0, type="dxa")
        cells = element.tr_lst[0].tc_lst
        for column, cell, width in zip(element.tblGrid.gridCol_lst, cells, (names_width, suffix_width)):
            column.w = cell.width = Twips(width)
            set_child(cell.get_or_add_tcPr(), "w:vAlign", val="center")
        first = cells[0].p_lst[0]
        for n, (name, spacing) in enumerate(zip(mark.names, mark.spacing_pt)):
            paragraph = first if n == 0 else cells[0].add_p()
            paragraph.style = MARK
            set_child(paragraph.get_or_add_pPr(), "w:spacing", before=_twips_pt(mark.leading_pt) if n else 0, **exact)
            set_child(paragraph.get_or_add_pPr(), "w:jc", val="left")
            self.mark_run(paragraph, name, spacing, size)
        if mark.suffix:
            paragraph = cells[1].p_lst[0]
            paragraph.style = MARK
            set_child(paragraph.get_or_add_pPr(), "w:spacing", before=0, **exact)
            set_child(paragraph.get_or_add_pPr(), "w:jc", val="right")
            self.mark_run(paragraph, mark.suffix, 0.0, size)

    def mark_run(self, paragraph: CT_P, text: str, spacing_pt: float, size: dict[str, int] | None) -> None:
        """The name's characters spread by `spacing_pt` (its last one keeps none: the width ends there)."""
        for part, spacing in ((text[:-1], spacing_pt), (text[-1:], 0.0)) if spacing_pt else ((text, 0.0),):
            run = paragraph.add_r()
            run.text = part
            if spacing or size:
                properties = run.get_or_add_rPr()
                if spacing:
                    set_child(properties, "w:spacing", val=_twips_pt(spacing))
                if size:
                    set_child(properties, "w:sz", **size)
                    set_child(properties, "w:szCs", **size)

    def signer_row(self, paragraph: CT_P, row: formal.SignerRow, head: formal.Masthead) -> None:
        """发文字号 左空一字 on the last 签发人's line; "签发人：" and the names 居右空一字, the
        names of later lines under the first name: left tab stops where the label and the names start."""
        char = _char_twips(self.profile)
        outer = self.profile["formal"]["signers"]["outer_indent_chars"]
        names_start = self.width - round((outer + head.signer_names_chars) * char)
        label_start = names_start - round(width_chars(formal.SIGNER_LABEL) * char)
        properties = paragraph.get_or_add_pPr()
        set_child(properties, "w:ind", **_indent(self.profile, firstLine=0, left=outer))
        oxml.set_tabs(properties, ("left", label_start if row.label else names_start))
        set_child(properties, "w:jc", val="left")
        paragraph.add_r().text = f"{row.number}\t{row.label}"
        names = paragraph.add_r()
        names.style = SIGNER
        names.text = row.names

    def record(self, record: formal.Record, placement: formal.RecordPlacement) -> None:
        """版记 (§7.4) in a frame at the foot of the page, its last rule on the type area's bottom:
        on the page where the text ends, or in a section of its own that starts on an even page
        (Word adds a blank page where needed), unnumbered when a blank page precedes it (§7.5)."""
        if placement.page != "same":
            self.section_break(numbered=placement.numbered)
        spec = self.profile["formal"]["record"]
        frame: dict[str, str | int] = {"w": self.width, "wrap": "notBeside", "vAnchor": "margin", "hAnchor": "margin",
                                       "xAlign": "center", "yAlign": "bottom"}
        outer, inner = (_twips_mm(spec[key]) for key in ("outer_rule_mm", "inner_rule_mm"))
        size = spec["size_pt"]
        indent = _twips_pt(spec["outer_indent_chars"] * size)
        lines: list[tuple[str, dict[str, int], tuple[tuple[str, int], ...]]] = []
        if record.cc:
            label = _twips_pt(width_chars(formal.CC_LABEL) * size)
            lines.append((record.cc, {"left": indent + label, "hanging": label, "right": indent}, ()))
        if record.printer or record.printed:
            lines.append((f"{record.printer}\t{record.printed}", {"left": indent, "right": indent},
                          (("right", self.width - indent),)))
        self.record_rule(frame, outer)
        for n, (text, indents, tabs) in enumerate(lines):
            paragraph = self.paragraph(RECORD, text)
            properties = paragraph.get_or_add_pPr()
            set_child(properties, "w:framePr", **frame)
            if tabs:
                oxml.set_tabs(properties, *tabs)
            set_child(properties, "w:ind", **indents)
            self.record_rule(frame, outer if n == len(lines) - 1 else inner)

    def record_rule(self, frame: dict[str, str | int], thickness: int) -> None:
        """A rule as a paragraph filled black, exactly as high as the rule is thick: a border
        would make LibreOffice drop the frame."""
        properties = self.paragraph(RECORD_RULE).get_or_add_pPr()
        set_child(properties, "w:framePr", **frame)
        set_child(properties, "w:spacing", before=0, after=0, line=max(thickness, 14), lineRule="exact")

    def section_break(self, numbered: bool) -> None:
        """End the text's section at its last paragraph; the last section starts on an even page,
        and keeps the page numbers only if `numbered`."""
        carrier = self.last_paragraph()
        if carrier is None:
            carrier = self.paragraph(BODY)
        final = self.body.sectPr
        oxml.place(carrier.get_or_add_pPr(), oxml.copy_element(final))
        set_child(final, "w:type", val="evenPage")
        for kind in ("w:headerReference", "w:footerReference"):
            oxml.remove_child(final, kind)
        if not numbered:
            section = self.package.sections[-1]
            # As high as the space between the type area and the footer's distance from the page
            # edge: LibreOffice leaves out the spacing above a new section's footer otherwise.
            height = _footer_room(self.profile)
            for footer in (section.footer, section.even_page_footer):
                footer.is_linked_to_previous = False
                properties = _only_paragraph(footer.part.element).get_or_add_pPr()
                set_child(properties, "w:spacing", before=0, after=0, line=height, lineRule="exact")


def _placement(document: Document, profile: Profile) -> formal.RecordPlacement:
    """Where the PDF puts the 版记: the DOCX follows. Without the means to lay the page out
    (fonts, WeasyPrint), a section of its own on an even page, unnumbered."""
    try:
        return formal.place_record(document, profile)
    except (DataError, EngineError, ImportError, OSError):
        height = type_area_mm(profile)[1] * formal.PT_PER_MM
        return formal.RecordPlacement("after-blank", height - 2 * line_pitch_pt(profile))

