"""HTML: the report as one web page, and the page the PDF is printed from.

The CSS is rendered from the layout profile, so the PDF and the DOCX (which reads the same
profile) cannot drift apart. Without resolved fonts (a page for the browser) each role names
the office font first and the free substitutes after it.

The formal edition adds the 版头, the sealed 落款, the 附注 and the 版记 (writers/formal.py
says where). For the PDF the 版记 must end on the type area's bottom of an even page, which
depends on where the text ends: the page is laid out once to measure that, then written with
the 版记 in its place.
"""
from __future__ import annotations

import re
import unicodedata
from typing import Any

from jinja2 import BytecodeCache, Environment, FileSystemBytecodeCache, FileSystemLoader, StrictUndefined
from markupsafe import Markup, escape

from generator.chinese import HAN
from generator.config.layout import Profile, line_pitch_pt, type_area_mm
from generator.pipeline.document import Document, Heading, Paragraph, Table
from generator.resources import cache_dir, templates_dir
from generator.writers import formal
from generator.writers.pdf.fonts import ROLES, ResolvedFonts

TEMPLATES_DIR = templates_dir()
PT_PER_MM = formal.PT_PER_MM
MEASURE = "measure"  # the 版记 on a page of its own, for formal.place_record to read
_NOTE_LABEL_CHARS = 3  # "附件：", before the first attachment's number
_GENERIC = {"title": "serif", "heading1": "sans-serif"}  # everything else: serif
# Where Chinese typesetting may break a line at a quotation mark: before an opening one and
# after a closing one, between Han characters (or between ” and “). Pango (1.50) follows the
# older UAX #14 rule for class QU, which forbids both and so pushes whole "…“五" chunks to the
# next line. The break opportunity is a <wbr>: invisible, and nothing in copied or extracted text.
_HAN = f"[{HAN}]"
_QUOTE_BREAK = re.compile(rf"(?<={_HAN}|[”’])(?=[“‘])|(?<=[”’])(?={_HAN})")
_NOTE_LABEL = re.compile(r"(附件：)?(\d+[.．])?")


def _breaks(text: str) -> Markup:
    """Escaped text with the break opportunities Pango misses around quotation marks."""
    return Markup("<wbr>").join(escape(part) for part in _QUOTE_BREAK.split(text))


def _css_string(value: object) -> str:
    """A CSS string literal in which every character CSS or HTML treats specially (quotes,
    backslash, line breaks and other controls, "<", "&" …) is a hex escape: nothing can end the
    string, start a rule or close the <style> element."""
    return '"' + "".join(char if _css_plain(char) else f"\\{ord(char):x} " for char in str(value)) + '"'


def _css_plain(char: str) -> bool:
    """Letters, digits and a few marks of ASCII; any other printable character."""
    if char.isascii():
        return char.isalnum() or char in " _-.,"
    return not unicodedata.category(char).startswith(("C", "Z")) or char in "\u3000\u00a0"


def _number(value: float) -> str:
    """Points for the stylesheet: exact enough (1/1000 pt), without float noise."""
    return f"{value:.3f}".rstrip("0").rstrip(".")


def _note_parts(lines: tuple[str, ...]) -> list[tuple[str, str]]:
    """Split each 附件说明 line into its label ("附件：1." or "2.") and the attachment's name,
    so that a long name can wrap under its own first character (GB/T 9704 §7.3.6)."""
    parts = []
    for line in lines:
        label = _NOTE_LABEL.match(line).group()  # type: ignore[union-attr]  # every part optional: always matches
        parts.append((label, line[len(label):]))
    return parts


def _compiled_templates() -> BytecodeCache | None:
    """The templates compiled once and kept in the cache folder (Jinja checks each against its
    source): compiling the page and its stylesheet was some 40 ms of every cold build. None, and
    compiling as before, when the folder cannot be made."""
    folder = cache_dir() / "jinja"
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError:
        return None
    return FileSystemBytecodeCache(str(folder))


_ENV = Environment(
    loader=FileSystemLoader(TEMPLATES_DIR),
    bytecode_cache=_compiled_templates(),
    autoescape=lambda name: name is None or name.endswith(".html.j2"),
    undefined=StrictUndefined,
    trim_blocks=False,
    keep_trailing_newline=True,
)
_ENV.filters["css_string"] = _css_string
_ENV.filters["breaks"] = _breaks
_ENV.filters["note_parts"] = _note_parts
_ENV.tests["heading"] = lambda block: isinstance(block, Heading)
_ENV.tests["paragraph"] = lambda block: isinstance(block, Paragraph)
_ENV.tests["table"] = lambda block: isinstance(block, Table)


def render(document: Document, profile: Profile, fonts: ResolvedFonts | None = None) -> str:
    """The complete HTML page, its stylesheet inline; with `fonts`, the page the PDF prints."""
    placement: formal.RecordPlacement | None = None
    if fonts is not None and _is_formal(document) and formal.record(document.formal):
        placement = formal.place_record(document, profile, fonts)
    return _render(document, profile, fonts, placement)


def measuring_page(document: Document, profile: Profile, fonts: ResolvedFonts) -> str:
    """The formal edition's page with the 版记 on a page of its own, marked where the text ends."""
    return _render(document, profile, fonts, MEASURE)


def _is_formal(document: Document) -> bool:
    return document.edition == "formal" and document.formal is not None


def _render(document: Document, profile: Profile, fonts: ResolvedFonts | None,
            placement: formal.RecordPlacement | str | None) -> str:
    css = _ENV.get_template("report.css.j2").render(_css_context(profile, fonts))
    assert "</" not in css, "the stylesheet must not close its <style> element"
    return _ENV.get_template("report.html.j2").render(
        document=document, css=Markup(css), formal=_formal_context(document, profile, placement),
        created=formal.document_date(document),
        author=formal.document_issuer(document),
        long_date=formal.width_chars(document.signature_date) > formal.width_chars(document.signature_issuer),
        joint=_joint_closing(document, profile),
    )


def _joint_closing(document: Document, profile: Profile) -> list[dict[str, Any]] | None:
    """A joint 落款's lines for the template, in points; None for one issuer's."""
    if not document.co_issuers:
        return None
    sealed = _is_formal(document) and document.formal is not None and document.formal.seal and bool(document.signature_date)
    line, pitch = line_pitch_pt(profile), _char_pitch(profile)
    width = type_area_mm(profile)[0] * formal.PT_PER_MM

    def placed(align: str, anchor: float) -> str:
        """CSS placing a span's left end, centre or right end `anchor` 字 from the right edge."""
        x = width - anchor * pitch
        if align == "left":
            return f"left: {_number(x)}pt"
        if align == "right":
            return f"right: {_number(anchor * pitch)}pt"
        half = min(x, width - x)  # a box centred on x, inside the type area
        return f"left: {_number(x - half)}pt; width: {_number(2 * half)}pt; text-align: center"

    return [{"before_pt": _number(closing.blank_lines * line),
             "items": [(text, placed(align, anchor)) for text, align, anchor in closing.items]}
            for closing in formal.joint_closing(document.issuers, document.signature_date, profile, sealed)]


def _formal_context(document: Document, profile: Profile, placement: formal.RecordPlacement | str | None) -> dict[str, Any] | None:
    """What the template needs of the formal edition's parts; None for the web edition."""
    if not _is_formal(document):
        return None
    parts = document.formal
    assert parts is not None
    sealed = parts.seal and bool(document.signature_date)
    _, date_right = formal.closing_indents(document.signature_issuer, document.signature_date, profile, sealed)
    pitch = _char_pitch(profile)
    record = formal.record(parts)
    style = ""
    if record is not None and placement == MEASURE:
        style = "break-before: page"
    elif isinstance(placement, formal.RecordPlacement):
        # an even page is a left one: the first page is a right one
        breaks = {"same": "", "next": "break-before: left; ", "after-blank": "break-before: left; page: record-plain; "}
        style = f"{breaks[placement.page]}padding-top: {_number(placement.space_before_pt)}pt"
    head = formal.masthead(parts, profile)
    mark = head.mark
    return {
        "parts": parts,
        "masthead": head,
        "names": [(name[:-1], name[-1:], _number(spacing)) for name, spacing in zip(mark.names, mark.spacing_pt)],
        "pt": {  # the 版头's positions, in points
            "mark_before": _number(head.mark_before_pt),
            "mark_size": _number(mark.size_pt),
            "mark_leading": _number(mark.leading_pt),
            "mark_gap": _number(mark.size_pt),  # one character between joint names and 文件
            "rows_before": _number(head.rows_before_pt),
            "names_width": _number(head.signer_names_chars * pitch),
            "rule_before": _number(head.rule_before_pt),
            "rule": _number(head.rule_pt),
            "title_before": _number(head.title_before_pt),
        },
        "recipient": parts.recipient or document.recipient,
        "sealed": sealed,
        "date_right_pt": _number(date_right * pitch),
        "record": record,
        "record_style": style,
        "cc_label": formal.CC_LABEL,
        "text_end_id": formal.TEXT_END_ID,
        "record_id": formal.RECORD_ID,
    }


def _char_pitch(profile: Profile) -> float:
    """One character of the 28 a line: the body size and its letter spacing."""
    return profile["fonts"]["body"]["size_pt"] + profile["grid"]["body_char_spacing_pt"]


def _css_context(profile: Profile, fonts: ResolvedFonts | None) -> dict[str, Any]:
    grid = profile["grid"]
    pitch = _char_pitch(profile)
    indent_chars = profile["paragraph"]["first_line_indent_chars"]
    type_width, _ = type_area_mm(profile)
    number, closing = profile["page_number"], profile["closing"]
    number_size = profile["fonts"]["page_number"]["size_pt"]
    prefix, _, suffix = number["form"].partition("{n}")
    rule = profile["tables"]["rule_pt"]
    return {
        "page": profile["page"],
        "justify": profile["paragraph"]["justify"],
        "grid": {
            "line_pt": _number(line_pitch_pt(profile)),
            "spacing_pt": _number(grid["body_char_spacing_pt"]),
            "indent_pt": _number(indent_chars * pitch),
            "note_label_pt": _number(_NOTE_LABEL_CHARS * pitch),
            "note_width_pt": _number(type_width * PT_PER_MM - indent_chars * pitch),
            "type_width_mm": _number(type_width),
            "rule_pt": _number(rule),
            "cell_line_pt": _number(line_pitch_pt(profile) - rule),
            "cell_padding_pt": _number(profile["tables"]["cell_padding_chars"] * pitch),
        },
        "number": {
            "prefix": prefix,
            "suffix": suffix,
            "indent_pt": _number(number["outer_indent_chars"] * number_size),
            "padding_top_pt": _number(_number_padding_pt(number["below_type_area_mm"])),
        },
        "closing": {
            "issuer_right_pt": _number(closing["issuer_right_indent_chars"] * pitch),
            "date_shift_pt": _number(closing["date_shift_chars"] * pitch),
        },
        "fonts": _fonts(profile, fonts),
        "font_faces": [{"family": family, "url": path.as_uri()} for path, family in (fonts.files() if fonts else {}).items()],
        "formal": _formal_css(profile, pitch),
    }


def _formal_css(profile: Profile, pitch: float) -> dict[str, str]:
    """The formal edition's numbers in points; the positions are writers/formal.py's."""
    spec = profile["formal"]
    line = line_pitch_pt(profile)
    record_size = spec["record"]["size_pt"]
    record_indent = spec["record"]["outer_indent_chars"] * record_size
    return {
        "color": spec["color"],
        "signer_indent_pt": _number(spec["signers"]["outer_indent_chars"] * pitch),
        "sealed_before_pt": _number(spec["sealed"]["blank_lines_before"] * line),
        "record_size_pt": _number(record_size),
        "record_indent_pt": _number(record_indent),
        "record_cc_indent_pt": _number(record_indent + formal.width_chars(formal.CC_LABEL) * record_size),
        "record_cc_label_pt": _number(formal.width_chars(formal.CC_LABEL) * record_size),
        "outer_rule_pt": _number(spec["record"]["outer_rule_mm"] * PT_PER_MM),
        "inner_rule_pt": _number(spec["record"]["inner_rule_mm"] * PT_PER_MM),
    }


def _fonts(profile: Profile, fonts: ResolvedFonts | None) -> dict[str, dict[str, str]]:
    """CSS fonts by role; a profile without a table role sets tables in the body font."""
    specs: dict[str, Any] = dict(profile["fonts"])
    css = {role: _font(role, specs[role], fonts) for role in ROLES if role in specs}
    css.setdefault("table", css["body"])
    return css


def _font(role: str, spec: dict[str, Any], fonts: ResolvedFonts | None) -> dict[str, str]:
    """A role's CSS font: the resolved face first (PDF), or the office font first (browser).

    The other installed families of the role's candidates follow, so a rare character missing
    from the chosen font is still drawn in a font of the same kind."""
    families = [c["family"] for c in spec["pdf"] if "family" in c]
    if fonts is None:
        names, weight = [spec["docx"], *families], 700 if spec.get("bold") else 400
    else:
        face = fonts[role]
        names, weight = [face.family, *(f for f in families if f != face.family)], face.weight
    unique = list(dict.fromkeys(names))
    return {
        "stack": ", ".join([*map(_css_string, unique), _GENERIC.get(role, "serif")]),
        "weight": str(weight),
        "size_pt": _number(spec["size_pt"]),
    }


def _number_padding_pt(below_mm: float) -> float:
    """Space above the page number so that its dashes sit `below_mm` under the type area.

    The number's line is zero high (line-height: 0) with its top at the padding's end: the
    middle of the em box, where a CJK font draws its em dash, then lies on that top edge."""
    return below_mm * PT_PER_MM
