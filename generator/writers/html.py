"""HTML: the report as one web page, and the page the PDF is printed from.

The CSS is rendered from the layout profile, so the PDF and the DOCX (which reads the same
profile) cannot drift apart. Without resolved fonts (a page for the browser) each role names
the office font first and the free substitutes after it.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from markupsafe import Markup

from ..document import Document, Heading, Paragraph, Table
from ..fonts import ROLES, ResolvedFonts
from ..layout import Profile, line_pitch_pt, type_area_mm

TEMPLATES_DIR = Path(__file__).resolve().parent.parent.parent / "templates"
PT_PER_MM = 72 / 25.4
_NOTE_LABEL_CHARS = 3  # "附件：" before the first attachment's number
_GENERIC = {"title": "serif", "heading1": "sans-serif"}  # everything else: serif


def _css_string(value: object) -> str:
    """A CSS string literal; "<" is escaped too, so nothing can close the <style> element."""
    text = str(value).replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\a ").replace("<", "\\3c ")
    return f'"{text}"'


def _number(value: float) -> str:
    """Points for the stylesheet: exact enough (1/1000 pt), without float noise."""
    return f"{value:.3f}".rstrip("0").rstrip(".")


_ENV = Environment(
    loader=FileSystemLoader(TEMPLATES_DIR),
    autoescape=lambda name: name is None or name.endswith(".html.j2"),
    undefined=StrictUndefined,
    trim_blocks=False,
    keep_trailing_newline=True,
)
_ENV.filters["css_string"] = _css_string
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
            "note_indent_pt": _number((indent_chars + _NOTE_LABEL_CHARS) * pitch),
            "type_width_mm": _number(type_width),
        },
        "number": {
            "prefix": prefix,
            "suffix": suffix,
            "indent_pt": _number(number["outer_indent_chars"] * number_size),
            "padding_top_pt": _number(_number_padding_pt(number["below_type_area_mm"], number_size)),
        },
        "closing": {
            "issuer_right_pt": _number(closing["issuer_right_indent_chars"] * pitch),
            "date_shift_pt": _number(closing["date_shift_chars"] * pitch),
        },
        "fonts": {role: _font(role, profile["fonts"][role], fonts) for role in ROLES},
        "font_faces": [{"family": family, "url": path.as_uri()} for path, family in (fonts.files() if fonts else {}).items()],
    }


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


def _number_padding_pt(below_mm: float, size_pt: float) -> float:
    """Space above the page number's line so that its dashes sit `below_mm` under the type area.

    The line is one em high; a CJK font's em dash lies about 0.3 em above the baseline, the
    baseline about 0.88 em below the line's top."""
    return below_mm * PT_PER_MM - (0.88 - 0.3) * size_pt
