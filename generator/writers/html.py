"""HTML: the report as one web page, and the page the PDF is printed from.

The CSS is rendered from the layout profile, so the PDF and the DOCX (which reads the same
profile) cannot drift apart. Without resolved fonts (a page for the browser) each role names
the office font first and the free substitutes after it.
"""
from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from markupsafe import Markup, escape

from generator.pipeline.document import Document, Heading, Paragraph, Table
from generator.writers.pdf.fonts import ROLES, ResolvedFonts
from generator.config.layout import Profile, line_pitch_pt, type_area_mm
from generator.chinese import HAN
from generator.resources import templates_dir

TEMPLATES_DIR = templates_dir()
PT_PER_MM = 72 / 25.4
_RULE_PT = 0.5  # table rules
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
    """A CSS string literal; "<" is escaped too, so nothing can close the <style> element."""
    text = str(value).replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\a ").replace("<", "\\3c ")
    return f'"{text}"'


def _number(value: float) -> str:
    """Points for the stylesheet: exact enough (1/1000 pt), without float noise."""
    return f"{value:.3f}".rstrip("0").rstrip(".")


def _note_parts(lines: tuple[str, ...]) -> list[tuple[str, str]]:
    """Split each 附件说明 line into its label ("附件：1." or "2.") and the attachment's name,
    so that a long name can wrap under its own first character (GB/T 9704 §7.3.6)."""
    parts = []
    for line in lines:
        label = _NOTE_LABEL.match(line).group()
        parts.append((label, line[len(label):]))
    return parts


_ENV = Environment(
    loader=FileSystemLoader(TEMPLATES_DIR),
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
    """The complete HTML page, its stylesheet inline."""
    css = _ENV.get_template("report.css.j2").render(_css_context(profile, fonts))
    assert "</" not in css, "the stylesheet must not close its <style> element"
    return _ENV.get_template("report.html.j2").render(document=document, css=Markup(css))


def _css_context(profile: Profile, fonts: ResolvedFonts | None) -> dict[str, Any]:
    grid, body = profile["grid"], profile["fonts"]["body"]
    pitch = body["size_pt"] + grid["body_char_spacing_pt"]  # one character of the 28 a line
    indent_chars = profile["paragraph"]["first_line_indent_chars"]
    type_width, _ = type_area_mm(profile)
    number, closing = profile["page_number"], profile["closing"]
    number_size = profile["fonts"]["page_number"]["size_pt"]
    prefix, _, suffix = number["form"].partition("{n}")
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
            "rule_pt": _number(_RULE_PT),
            "cell_line_pt": _number(line_pitch_pt(profile) - _RULE_PT),
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
    }


def _fonts(profile: Profile, fonts: ResolvedFonts | None) -> dict[str, dict[str, str]]:
    """CSS fonts by role; a profile without a table role sets tables in the body font."""
    css = {role: _font(role, profile["fonts"][role], fonts) for role in ROLES if role in profile["fonts"]}
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
