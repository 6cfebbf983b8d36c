"""DOCX: the report as a Word/WPS file in the GB/T 9704-2012 layout, for review and edits.

Every number comes from the layout profile, the one the PDF reads too. The layout lives in named
styles (公文正文, 一级标题 …) so that text a user adds in Word takes the same form; runs name their
fonts as well, so text pasted into another file keeps them.
"""
from __future__ import annotations

import datetime
import re
import unicodedata
from pathlib import Path

import docx
from docx.document import Document as DocxDocument
from docx.enum.style import WD_STYLE_TYPE
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.oxml.table import CT_Tbl
from docx.oxml.text.paragraph import CT_P
from docx.oxml.text.run import CT_R
from docx.oxml.xmlchemy import BaseOxmlElement
from docx.shared import Twips
from docx.styles.style import BaseStyle

from generator.pipeline.document import Attachment, Block, Document, Heading, Paragraph, Table
from generator.config.layout import Profile
from generator.writers.docx.oxml import add_field, set_child, set_fonts

# Style ids are ASCII, as Word writes them whatever its language; the names users see are Chinese.
TITLE = "ReportTitle"
BODY = "ReportBody"
BULLET = "ReportBullet"
HEADING = {level: f"ReportHeading{level}" for level in range(1, 5)}
RUN_IN = {level: f"ReportHeading{level}Run" for level in range(1, 5)}
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

_LEVEL_NAMES = "一二三四"
_STYLES_WITH_EFFECTS = "http://schemas.microsoft.com/office/2007/relationships/stylesWithEffects"
_NOTE_LEAD = "附件："  # GB/T 9704 §7.3.6; continuation lines align after it
_NOTE_NUMBER = re.compile(r"\d+\.")


def write(document: Document, profile: Profile, path: Path) -> None:
    """Write `document` to `path` as .docx in the layout `profile` gives."""
    package = docx.Document()
    _drop_template_leftovers(package)
    roles = _define_styles(package, profile)
    _set_page(package, profile)
    _add_page_numbers(package, profile)
    _set_settings(package)
    _set_properties(package, document)
    _Body(package, profile, roles).write(document)
    package.save(str(path))


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


def _width_chars(text: str) -> float:
    """Width in 字: half-width characters (arabic digits, ASCII) take half a 字."""
    return sum(0.5 if unicodedata.east_asian_width(c) in ("Na", "H") else 1 for c in text)


# -- package, page, footers ------------------------------------------------------------------------

def _drop_template_leftovers(package: DocxDocument) -> None:
    """Parts of python-docx's template that misdescribe the report.

    Its stylesWithEffects part no longer matches styles.xml (validators flag the file), and its
    thumbnail shows a blank page in file browsers. Parts no relationship reaches are not saved.
    """
    for rels in (package.part.rels, package.part.package.rels):
        for rId, rel in list(rels.items()):
            if rel.reltype in (_STYLES_WITH_EFFECTS, RT.THUMBNAIL):
                rels.pop(rId)


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
    """Page numbers "— N —" (GB/T 9704 §7.5): odd pages right, even left, one 字 in from the edge.

    The number's line sits `below_type_area_mm` under the type area, whose lower edge is the
    bottom margin above the page edge. Word measures the footer distance from the page edge to
    the bottom of the footer's last line, and the page-number style makes that line exactly one
    number-size high. With the standard's numbers:
    footer = (35 − 7) mm − 14 pt = 1587 − 280 = 1307 twips (23.06 mm from the page edge).
    """
    numbers = profile["page_number"]
    font = profile["fonts"]["page_number"]
    line_bottom_mm = profile["page"]["margin_bottom_mm"] - numbers["below_type_area_mm"]
    section = package.sections[0]
    section.footer_distance = Twips(_twips_mm(line_bottom_mm) - _twips_pt(font["size_pt"]))
    package.settings.odd_and_even_pages_header_footer = True
    before, after = numbers["form"].split("{n}")
    indent = _twips_pt(numbers["outer_indent_chars"] * font["size_pt"])
    for footer, side, cached in ((section.footer, "right", "1"), (section.even_page_footer, "left", "2")):
        footer.is_linked_to_previous = False
        story = footer.part.element
        for paragraph in story.p_lst:  # the template's empty paragraph
            story.remove(paragraph)
        paragraph = story.add_p()
        paragraph.style = PAGE_NUMBER
        properties = paragraph.get_or_add_pPr()
        set_child(properties, "w:ind", **{side: indent})
        set_child(properties, "w:jc", val=side)
        _add_run(paragraph, before, font["docx"])
        add_field(paragraph, " PAGE ", cached, _run_properties(font["docx"]))
        _add_run(paragraph, after, font["docx"])


def _set_settings(package: DocxDocument) -> None:
    """Chinese theme-font language, and Word 2013+ layout rather than the template's "compatibility mode"."""
    settings = package.settings.element
    settings.find(qn("w:themeFontLang")).set(qn("w:eastAsia"), "zh-CN")
    for setting in settings.find(qn("w:compat")).findall(qn("w:compatSetting")):
        if setting.get(qn("w:name")) == "compatibilityMode":
            setting.set(qn("w:val"), "15")


def _set_properties(package: DocxDocument, document: Document) -> None:
    """File properties: the template's say "python-docx", 2013, English."""
    properties = package.core_properties
    now = datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0, tzinfo=None)
    properties.title = document.title
    properties.author = properties.last_modified_by = document.signature_issuer
    properties.comments = ""
    properties.language = "zh-CN"
    properties.created = properties.modified = now


# -- styles ----------------------------------------------------------------------------------------

def _define_styles(package: DocxDocument, profile: Profile) -> dict[str, str]:
    """Replace the template's styles by the report's; returns each paragraph style's font role."""
    styles = package.styles
    for style in styles.element.findall(qn("w:style")):
        if style.get(qn("w:default")) != "1":  # keep Normal, Default Paragraph Font, Table Normal, No List
            styles.element.remove(style)
    _set_defaults(styles.element, profile)
    sheet = _StyleSheet(package, profile)
    sheet.define()
    return sheet.roles


def _set_defaults(styles: BaseOxmlElement, profile: Profile) -> None:
    """Document defaults instead of the template's Calibri theme font, en-US, 10 pt space after.

    Widow control is off so that pages keep their 22 lines; automatic space between Chinese and
    digits or Latin is off so that lines keep their 28 characters (and match the PDF).
    """
    body = profile["fonts"]["body"]
    defaults = styles.find(qn("w:docDefaults"))
    run = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr"))
    set_fonts(run, body["docx"])
    set_child(run, "w:sz", val=round(body["size_pt"] * 2))
    set_child(run, "w:szCs", val=round(body["size_pt"] * 2))
    set_child(run, "w:lang", val="en-US", eastAsia="zh-CN", bidi="ar-SA")
    paragraph = defaults.find(qn("w:pPrDefault")).find(qn("w:pPr"))
    set_child(paragraph, "w:widowControl", val=False)
    set_child(paragraph, "w:autoSpaceDE", val=False)
    set_child(paragraph, "w:autoSpaceDN", val=False)
    set_child(paragraph, "w:spacing", before=0, after=0, line=240, lineRule="auto")


Properties = dict[str, dict[str, str | int | bool]]  # element name (w: prefix omitted) → attributes


class _StyleSheet:
    """The report's named styles, each in the font of a role in the profile's `fonts`."""

    def __init__(self, package: DocxDocument, profile: Profile) -> None:
        self.styles = package.styles
        self.profile = profile
        self.by_id: dict[str, BaseStyle] = {s.style_id: s for s in self.styles}
        self.roles: dict[str, str] = {}

    def define(self) -> None:
        profile = self.profile
        self._font(self.by_id["Normal"].element.get_or_add_rPr(), "body")
        exact = {"before": 0, "after": 0, "line": profile["grid"]["line_pitch_twips"], "lineRule": "exact"}
        flush = _indent(profile, firstLine=0)
        off = {"val": False}

        self.paragraph(
            BODY, "公文正文", "Normal", "body", quick=True,
            pPr={"spacing": exact, "ind": _indent(profile, firstLine=profile["paragraph"]["first_line_indent_chars"]),
                 "jc": {"val": "both" if profile["paragraph"]["justify"] else "left"}},
            rPr={"spacing": {"val": profile["grid"]["docx_char_spacing_twips"]}},  # 28 characters a line
        )
        self.paragraph(BULLET, "公文要点", BODY, "body", quick=True)
        # snapToGrid off: LibreOffice would otherwise snap the 22 pt lines to the grid.
        self.paragraph(TITLE, "公文标题", "Normal", "title", quick=True,
                       pPr={"keepNext": {}, "snapToGrid": off, "spacing": exact, "jc": {"val": "center"}})
        self.paragraph(ATTACHMENT_TITLE, "附件标题", TITLE, "title", pPr={"outlineLvl": {"val": 0}})
        for level in range(1, 5):
            name = f"{_LEVEL_NAMES[level - 1]}级标题"
            self.paragraph(HEADING[level], name, BODY, f"heading{level}", quick=True,
                           pPr={"keepNext": {}, "outlineLvl": {"val": level - 1}})
            self.character(RUN_IN[level], f"{name} 字符", f"heading{level}")
            self._link(HEADING[level], RUN_IN[level])
            self.by_id[HEADING[level]].next_paragraph_style = self.by_id[BODY]
        self.paragraph(RECIPIENT, "主送机关", BODY, "body", pPr={"ind": flush})
        self.paragraph(NOTE, "附件说明", BODY, "body", pPr={"ind": flush})
        self.paragraph(SIGNATURE, "落款", BODY, "body", pPr={"ind": flush, "jc": {"val": "right"}})
        # §8: "附件" and its number in 3号黑体 at the top left of a new page.
        self.paragraph(ATTACHMENT_LABEL, "附件标识", BODY, "heading1",
                       pPr={"pageBreakBefore": {}, "ind": flush, "jc": {"val": "left"}})
        self._table_styles(flush, off)
        number_size = profile["fonts"]["page_number"]["size_pt"]
        self.paragraph(PAGE_NUMBER, "页码", "Normal", "page_number", pPr={
            "snapToGrid": off,
            "spacing": {"before": 0, "after": 0, "line": _twips_pt(number_size), "lineRule": "exact"},
        })

    def _table_styles(self, flush: dict[str, int], off: dict[str, bool]) -> None:
        """A bordered table, its text single-spaced off the grid (rows would each take a grid line)."""
        role = "table" if "table" in self.profile["fonts"] else "body"
        self.paragraph(TABLE_CAPTION, "表格标题", BODY, "body",
                       pPr={"keepNext": {}, "ind": flush, "jc": {"val": "center"}})
        self.paragraph(TABLE_TEXT, "表格文字", "Normal", role, pPr={"snapToGrid": off, "jc": {"val": "center"}})
        self.paragraph(TABLE_HEADER, "表头文字", TABLE_TEXT, role, rPr={"b": {}})
        table = self._add(TABLE, "公文表格", WD_STYLE_TYPE.TABLE, "TableNormal")
        borders = set_child(set_child(table.element, "w:tblPr"), "w:tblBorders")
        for side in ("top", "left", "bottom", "right", "insideH", "insideV"):
            set_child(borders, f"w:{side}", val="single", sz=4, space=0, color="auto")

    def paragraph(self, style_id: str, name: str, based_on: str, role: str, quick: bool = False,
                  pPr: Properties | None = None, rPr: Properties | None = None) -> None:
        """A paragraph style in the font of `role`; `quick` puts it in Word's style gallery."""
        style = self._add(style_id, name, WD_STYLE_TYPE.PARAGRAPH, based_on)
        style.quick_style = quick
        self.roles[style_id] = role
        for tag, attributes in (pPr or {}).items():
            set_child(style.element.get_or_add_pPr(), f"w:{tag}", **attributes)
        self._font(style.element.get_or_add_rPr(), role)
        for tag, attributes in (rPr or {}).items():
            set_child(style.element.get_or_add_rPr(), f"w:{tag}", **attributes)

    def character(self, style_id: str, name: str, role: str) -> None:
        style = self._add(style_id, name, WD_STYLE_TYPE.CHARACTER, "DefaultParagraphFont")
        self._font(style.element.get_or_add_rPr(), role)

    def _add(self, style_id: str, name: str, kind: WD_STYLE_TYPE, based_on: str) -> BaseStyle:
        style = self.styles.add_style(name, kind)
        style.style_id = style_id
        style.base_style = self.by_id[based_on]
        self.by_id[style_id] = style
        return style

    def _link(self, paragraph_id: str, character_id: str) -> None:
        """Link a heading's paragraph and run-in styles: applied to part of a line, Word uses the latter."""
        set_child(self.by_id[paragraph_id].element, "w:link", val=character_id)
        set_child(self.by_id[character_id].element, "w:link", val=paragraph_id)

    def _font(self, rPr: BaseOxmlElement, role: str) -> None:
        font = self.profile["fonts"][role]
        set_fonts(rPr, font["docx"])
        if font["bold"]:
            set_child(rPr, "w:b")
        set_child(rPr, "w:sz", val=round(font["size_pt"] * 2))
        set_child(rPr, "w:szCs", val=round(font["size_pt"] * 2))


# -- content ---------------------------------------------------------------------------------------

def _run_properties(font_name: str) -> BaseOxmlElement:
    properties = OxmlElement("w:rPr")
    set_fonts(properties, font_name)
    return properties


def _add_run(paragraph: CT_P, text: str, font_name: str, style: str | None = None) -> CT_R:
    """A run naming its font directly; `style` is a character style (a run-in heading)."""
    run = paragraph.add_r()
    if style:
        run.style = style
    set_fonts(run.get_or_add_rPr(), font_name)
    run.text = text
    return run


class _Body:
    """Writes the document's blocks, in order, into the package's body."""

    def __init__(self, package: DocxDocument, profile: Profile, roles: dict[str, str]) -> None:
        self.body = package.element.body
        self.profile = profile
        self.roles = roles
        self.fonts = profile["fonts"]
        section = package.sections[0]
        self.width = section.page_width - section.left_margin - section.right_margin

    def write(self, document: Document) -> None:
        for line in document.title_lines:
            self.paragraph(TITLE, line)
        self.paragraph(BODY)  # GB/T 9704: one blank line below the title
        if document.recipient:
            self.paragraph(RECIPIENT, document.recipient)
        self.blocks(document.body)
        if document.attachment_note:
            self.paragraph(BODY)
            for line in document.attachment_note:
                self.note_line(line, numbered=len(document.attachment_note) > 1)
        if document.signature_issuer:
            self.paragraph(BODY)
            self.closing(document.signature_issuer, document.signature_date)
        for attachment in document.attachments:
            self.attachment(attachment)

    def paragraph(self, style: str, text: str = "") -> CT_P:
        paragraph = self.body.add_p()
        paragraph.style = style
        if text:
            _add_run(paragraph, text, self.fonts[self.roles[style]]["docx"])
        return paragraph

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
        """A body paragraph; a run-in heading is a character-styled run inside it."""
        element = self.paragraph(BULLET if paragraph.bullet else BODY)
        for span in paragraph.spans:
            if span.role.startswith("heading"):
                level = int(span.role.removeprefix("heading"))
                _add_run(element, span.text, self.fonts[span.role]["docx"], RUN_IN[level])
            else:
                run = _add_run(element, span.text, self.fonts["body"]["docx"])
                if span.role == "placeholder":  # a draft's unfilled figure: reviewers must not miss it
                    set_child(run.get_or_add_rPr(), "w:highlight", val="yellow")

    def table(self, table: Table) -> None:
        if table.caption:
            self.paragraph(TABLE_CAPTION, table.caption)
        columns = len(table.header)
        element = CT_Tbl.new_tbl(1 + len(table.rows), columns, self.width)
        self.body.sectPr.addprevious(element)
        element.tblStyle_val = TABLE
        set_child(element.tblPr, "w:tblW", w=5000, type="pct")
        font = self.fonts[self.roles[TABLE_TEXT]]["docx"]
        for index, (row, cells) in enumerate(zip(element.tr_lst, (table.header, *table.rows))):
            if index == 0:
                set_child(row.get_or_add_trPr(), "w:tblHeader")  # repeated atop each page
            for cell, text in zip(row.tc_lst, cells):
                paragraph = cell.p_lst[0]
                paragraph.style = TABLE_HEADER if index == 0 else TABLE_TEXT
                _add_run(paragraph, text, font)

    def note_line(self, line: str, numbered: bool) -> None:
        """附件说明 (§7.3.6): 左空二字; a line without "附件：" starts after it; wrapped lines align
        with the first character of the attachment's name, after its number if `numbered`."""
        lead = line.startswith(_NOTE_LEAD)
        number = _NOTE_NUMBER.match(line.removeprefix(_NOTE_LEAD)) if numbered else None
        start = self.profile["paragraph"]["first_line_indent_chars"]
        name_start = start + _width_chars(_NOTE_LEAD) + (_width_chars(number[0]) if number else 0)
        first = start if lead else start + _width_chars(_NOTE_LEAD)
        paragraph = self.paragraph(NOTE, line)
        set_child(paragraph.get_or_add_pPr(), "w:ind", **_indent(self.profile, left=name_start, hanging=name_start - first))

    def closing(self, issuer: str, date: str) -> None:
        """落款 without a seal (§7.3.5.2): the issuer 右空二字, the date's first character two 字
        right of the issuer's; a date longer than the issuer is 右空二字 and pushes the issuer left."""
        closing = self.profile["closing"]
        right, shift = closing["issuer_right_indent_chars"], closing["date_shift_chars"]
        issuer_width, date_width = _width_chars(issuer), _width_chars(date)
        if date_width > issuer_width:
            issuer_right, date_right = right + shift + date_width - issuer_width, right
        else:
            issuer_right, date_right = right, right + issuer_width - shift - date_width
        issuer_line = self.signature_line(issuer, issuer_right)
        if date:
            set_child(issuer_line, "w:keepNext")  # never part the issuer from the date
            self.signature_line(date, date_right)

    def signature_line(self, text: str, right_chars: float) -> BaseOxmlElement:
        """A right-aligned line `right_chars` 字 from the right edge; returns its pPr."""
        properties = self.paragraph(SIGNATURE, text).get_or_add_pPr()
        set_child(properties, "w:ind", **_indent(self.profile, firstLine=0, right=right_chars))
        return properties

    def attachment(self, attachment: Attachment) -> None:
        """On a new page (§8): the label top left, the title centred, a blank line, the body."""
        self.paragraph(ATTACHMENT_LABEL, attachment.label)
        self.paragraph(ATTACHMENT_TITLE, attachment.title)
        self.paragraph(BODY)
        self.blocks(attachment.body)
