"""The formal 公文's parts as both the PDF and the DOCX set them (GB/T 9704-2012 §7.2–7.5).

Where each part goes is computed here once, in points and characters, from the layout profile,
so that the two writers cannot disagree: the 版头 as a stack of rows of exact heights (the
mark's top 35 mm below the type area, the 发文字号 two blank lines below it, the red line 4 mm
below that, the title two blank lines lower), the 签发人 lines, the 落款's indents, the 版记's
lines and the page it goes on. Also the date and the author a document states in its files'
properties, whatever the edition.
"""
from __future__ import annotations

import datetime
import functools
import math
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from generator.chinese import width_chars
from generator.config.layout import Profile, line_pitch_pt, type_area_mm
from generator.pipeline.document import Document, Formal

if TYPE_CHECKING:
    from generator.writers.pdf.fonts import ResolvedFonts

PT_PER_MM = 72 / 25.4
PT_PER_PX = 0.75  # WeasyPrint's positions are CSS pixels
SIGNER_LABEL = "签发人："  # §7.2.6
CC_LABEL = "抄送："  # §7.4.2
JOINT_SUFFIX = "文件"  # §7.2.4: beside the names of a joint issuance
_NAME_GAP = "　"  # between two 签发人 on one line
_DATE = re.compile(r"(\d{4})(?:年|-)(\d{1,2})(?:月|-)(\d{1,2})")



def document_date(document: Document) -> datetime.date | None:
    """The 成文日期, else the publication date, else the 印发日期: what the files state as
    their creation time, so that building the same data twice gives the same bytes."""
    for text in (document.signature_date, document.publication, document.formal.printed if document.formal else ""):
        found = _DATE.search(text)
        if found:
            return datetime.date(*map(int, found.groups()))
    return None


def document_issuer(document: Document) -> str:
    """Who issues the report, for the files' author: the 落款's issuer, else the first line of a
    title of several lines (a title names its issuer first: 宛城区人民政府 / 关于…的报告)."""
    if document.signature_issuer:
        return document.signature_issuer
    return document.title_lines[0] if len(document.title_lines) > 1 else ""


# -- 版头 ------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Mark:
    """发文机关标志: one line per issuer; several stacked at one width, 文件 beside them."""

    names: tuple[str, ...]
    suffix: str  # "文件" beside the names of a joint issuance, else ""
    size_pt: float
    spacing_pt: tuple[float, ...]  # per name: between its characters, so all names are equally wide
    leading_pt: float  # between two names

    @property
    def height_pt(self) -> float:
        return len(self.names) * self.size_pt + (len(self.names) - 1) * self.leading_pt

    @property
    def names_width_pt(self) -> float:
        return max(width_chars(name) for name in self.names) * self.size_pt


@dataclass(frozen=True)
class SignerRow:
    """One line of the 发文字号 and 签发人 (§7.2.5, §7.2.6)."""

    number: str  # the 发文字号 on the line of the last 签发人 (or centred, without 签发人)
    label: str  # "签发人：" on the first line, else ""
    names: str


@dataclass(frozen=True)
class Masthead:
    """The 版头 from the top of the type area down to the title, as rows of exact heights."""

    top_lines: tuple[tuple[str, str], ...]  # (font role, text): 份号, 密级, 紧急程度, one line each
    mark: Mark
    mark_before_pt: float  # from the last top line (or the type area's top) to the mark's top edge
    rows_before_pt: float  # blank lines between the mark and the 发文字号
    rows: tuple[SignerRow, ...]  # one grid line each
    signed: bool  # 上行文: the 发文字号 left, 签发人 right
    rule_before_pt: float  # from the last row to the red line
    rule_pt: float
    title_before_pt: float  # blank lines between the red line and the title

    @property
    def signer_names_chars(self) -> float:
        """Width of the widest line of 签发人 names: where the label starts, right-aligned."""
        return max((width_chars(row.names) for row in self.rows), default=0)


def masthead(formal: Formal, profile: Profile) -> Masthead:
    spec = profile["formal"]
    pitch = line_pitch_pt(profile)
    body = profile["fonts"]["body"]["size_pt"]
    top_lines = tuple((role, text) for role, text in (
        ("body", formal.copy_number), ("heading1", formal.secrecy), ("heading1", formal.urgency)) if text)
    rows = _signer_rows(formal, spec["signers"]["names_per_line"])
    # 4 mm below the 发文字号's lower edge: its row is a grid line with the text centred in it
    below_number = spec["separator"]["below_number_mm"] * PT_PER_MM
    return Masthead(
        top_lines=top_lines,
        mark=mark(formal, profile),
        mark_before_pt=max(0.0, spec["mark"]["top_mm"] * PT_PER_MM - len(top_lines) * pitch),
        rows_before_pt=spec["mark"]["blank_lines_after"] * pitch if rows else 0.0,
        rows=rows,
        signed=bool(formal.signers),
        rule_before_pt=max(0.0, below_number - (pitch - body) / 2) if rows else below_number,
        rule_pt=spec["separator"]["thickness_pt"],
        title_before_pt=spec["separator"]["blank_lines_after"] * pitch,
    )


def mark(formal: Formal, profile: Profile) -> Mark:
    """The mark in the profile's size, or smaller where a long name would not fit the line."""
    spec = profile["formal"]["mark"]
    joint = len(formal.marks) > 1
    suffix = JOINT_SUFFIX if joint and any(m.endswith(JOINT_SUFFIX) for m in formal.marks) else ""
    names = tuple(m.removesuffix(JOINT_SUFFIX) for m in formal.marks) if suffix else formal.marks
    widest = max(width_chars(name) for name in names)
    across = widest + (1 + width_chars(suffix) if suffix else 0)  # one 字 between names and 文件
    width = type_area_mm(profile)[0] * PT_PER_MM
    size = math.floor(min(spec["size_pt"], width / across) * 2) / 2  # half points: what a DOCX states
    spacing = tuple((widest - width_chars(n)) * size / (len(n) - 1) if len(n) > 1 else 0.0 for n in names)
    return Mark(names, suffix, size, spacing, spec["joint_leading_pt"])


def _signer_rows(formal: Formal, per_line: int) -> tuple[SignerRow, ...]:
    if not formal.signers:
        return (SignerRow(formal.number, "", ""),) if formal.number else ()
    lines = [_NAME_GAP.join(formal.signers[i:i + per_line]) for i in range(0, len(formal.signers), per_line)]
    last = len(lines) - 1
    return tuple(
        SignerRow(formal.number if n == last else "", SIGNER_LABEL if n == 0 else "", names)
        for n, names in enumerate(lines)
    )


# -- 落款 ------------------------------------------------------------------------------------------

def closing_indents(issuer: str, date: str, profile: Profile, sealed: bool) -> tuple[float, float]:
    """Right indents in 字 of the 发文机关署名 and the 成文日期.

    Sealed (§7.3.5.1): the date 右空四字, the issuer centred on it. Unsealed (§7.3.5.2): the
    issuer 右空二字, the date's first character two 字 right of the issuer's; a date longer than
    that is 右空二字 and pushes the issuer left.
    """
    issuer_width, date_width = width_chars(issuer), width_chars(date)
    if sealed:
        date_right = profile["formal"]["sealed"]["date_right_indent_chars"]
        return max(0.0, date_right + (date_width - issuer_width) / 2), date_right
    closing = profile["closing"]
    right, shift = closing["issuer_right_indent_chars"], closing["date_shift_chars"]
    if date_width > issuer_width:
        return right + shift + date_width - issuer_width, right
    return right, right + issuer_width - shift - date_width


@dataclass(frozen=True)
class ClosingLine:
    """A line of a joint 落款, after `blank_lines` blank lines: names or the date, each as (text,
    alignment, anchor): its left end, centre or right end ("left", "center", "right") this many
    字 from the type area's right edge."""

    items: tuple[tuple[str, str, float], ...]
    blank_lines: int


def joint_closing(issuers: tuple[str, ...], date: str, profile: Profile, sealed: bool) -> tuple[ClosingLine, ...]:
    """The 落款 of a joint issuance (联合行文), issuers in the order of the 版头.

    Sealed (§7.3.5.1): the 署名 two to a row, each under its seal, rows far enough apart for
    the seals not to touch; the date 右空四字 with the last issuer centred on it (the last seal
    presses on both). Unsealed (§7.3.5.2): the leading issuer first, the others one a line below
    it, all starting where the widest starts 右空二字; the date below, as for one issuer.
    """
    if sealed:
        spec = profile["formal"]["sealed"]
        date_right = spec["date_right_indent_chars"]
        centre = date_right + width_chars(date) / 2
        columns = (centre + spec["joint_column_chars"], centre)
        rows = [issuers[n:n + 2] for n in range(0, len(issuers), 2)]
        lines = [ClosingLine(tuple((name, "center", middle) for name, middle in zip(row, columns[2 - len(row):])),
                             spec["blank_lines_before"] if n == 0 else spec["joint_row_lines"] - 1)
                 for n, row in enumerate(rows)]
        return (*lines, ClosingLine(((date, "right", date_right),), 0))
    widest = max(issuers, key=width_chars)
    issuer_right, _ = closing_indents(widest, date, profile, sealed=False)
    start = issuer_right + width_chars(widest)
    lines = [ClosingLine(((name, "left", start),), 1 if n == 0 else 0) for n, name in enumerate(issuers)]
    if not date:
        return tuple(lines)
    return (*lines, ClosingLine(((date, "left", start - profile["closing"]["date_shift_chars"]),), 0))


# -- 版记 ------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Record:
    """版记 (§7.4): 抄送 above the line of 印发机关 and 印发日期."""

    cc_names: str  # "甲，乙。" (§7.4.2: commas between, a full stop after the last) or ""
    printer: str
    printed: str  # "2025年3月20日印发" or ""

    @property
    def cc(self) -> str:
        return CC_LABEL + self.cc_names if self.cc_names else ""


def record(formal: Formal | None) -> Record | None:
    if formal is None or not (formal.cc or formal.printer or formal.printed):
        return None
    names = "，".join(formal.cc) + "。" if formal.cc else ""
    return Record(names, formal.printer, f"{formal.printed}印发" if formal.printed else "")


@dataclass(frozen=True)
class RecordPlacement:
    """Where the 版记 goes: at the foot of the last page, which is an even page (§7.4, §7.5).

    `page` is "same" when the text ends on an even page with room below it, "next" when the text
    ends on an odd page (the 版记 takes the even page after it), and "after-blank" when it ends
    on an even page without room (a blank page, then the 版记's; neither is numbered).
    """

    page: str
    space_before_pt: float  # above the 版记's first rule, so its last rule is on the type area's bottom

    @property
    def numbered(self) -> bool:
        return self.page != "after-blank"


# The elements a measuring layout is read by: where the text ends, and the 版记.
TEXT_END_ID = "text-end"
RECORD_ID = "record"


def place_record(document: Document, profile: Profile, fonts: ResolvedFonts | None = None) -> RecordPlacement:
    """Lay the document out once as the PDF does, with the 版记 on a page of its own, and read
    where the text ends and how tall the 版记 is. The DOCX follows the same decision."""
    from generator.writers import html
    from generator.writers.pdf import fonts as font_resolution

    resolved = fonts if fonts is not None else font_resolution.resolve(profile)
    page = html.measuring_page(document, profile, resolved)
    top = profile["page"]["margin_top_mm"] * PT_PER_MM
    bottom = (profile["page"]["height_mm"] - profile["page"]["margin_bottom_mm"]) * PT_PER_MM
    return _placement(page, top, bottom)


@functools.lru_cache(maxsize=4)
def _placement(page_html: str, type_top: float, type_bottom: float) -> RecordPlacement:
    """One layout per distinct page: the DOCX and the PDF of one build share it."""
    from generator.writers import html
    from generator.writers.pdf import _shared_font_config, fetcher, justify, startup

    justify.install()
    rendered = startup.load().HTML(string=page_html, base_url=str(html.TEMPLATES_DIR), url_fetcher=fetcher.project_files()).render(font_config=_shared_font_config())
    # each anchor: its page and the top and bottom of its border box
    anchors = {name: (number, top * PT_PER_PX, bottom * PT_PER_PX)
               for number, page in enumerate(rendered.pages, 1) for name, (_, top, _, bottom) in page.anchors.items()}
    end_page, end, _ = anchors[TEXT_END_ID]
    _, record_top, record_bottom = anchors[RECORD_ID]
    height = record_bottom - record_top
    if end_page % 2 == 0 and type_bottom - end >= height:
        return RecordPlacement("same", _down(type_bottom - end - height))
    return RecordPlacement("next" if end_page % 2 else "after-blank", _down(type_bottom - type_top - height))


def _down(points: float) -> float:
    """A space a little short rather than a little long: the 版记 must not spill onto a page."""
    return math.floor(points * 100) / 100
