"""Inter-character justification for WeasyPrint 70.0.

WeasyPrint justifies a line only by widening its spaces, and Chinese has none: every line would
stay ragged (up to a character short of the type area). `install()` replaces
`weasyprint.layout.inline.justify_line` with a version that spreads the line's spare width over
the gaps between its characters, as extra letter-spacing on each text box, whose Pango layout
is then recreated the way WeasyPrint's own `add_word_spacing` recreates it for spaces. The last
line of a paragraph is never passed here (WeasyPrint applies text-align-last instead).

This reaches into WeasyPrint's internals, so it is written for one version: `install()` checks
the version and the source of everything it replaces or relies on, and raises
`IncompatibleWeasyPrint` when any of it differs — a silent fallback would bring ragged lines
back unnoticed.
"""
from __future__ import annotations

import hashlib
import inspect
import unicodedata
from collections.abc import Callable
from typing import Any

import weasyprint
from weasyprint.draw import text as draw_text
from weasyprint.formatting_structure import boxes
from weasyprint.layout import inline
from weasyprint.text import line_break

WEASYPRINT_VERSION = "70.0"

# SHA-256 of the source of what this module replaces or relies on, in WeasyPrint 70.0:
# - justify_line, which it replaces, and text_align, which calls it for justified lines but
#   the last (looking the name up in the module at call time);
# - add_word_spacing, whose way of recreating a text box's layout it follows;
# - Layout.set_text, which reads letter-spacing from the box's style (again when drawing, via
#   Layout.reactivate, which draw_text calls with the box's own style), and line_size, which
#   adds one letter-spacing to a box's width.
EXPECTED_SOURCES: dict[str, str] = {
    "weasyprint.layout.inline.justify_line": "f83b21ff8793ba6b6dfc5fe8e10e4ab6cd6e02b17de02da97200902166148a81",
    "weasyprint.layout.inline.text_align": "e953d41b87ccfc30405f83f6cc3c73918ef4638662794db4f834b1d788d6ed67",
    "weasyprint.layout.inline.add_word_spacing": "879516e71f1b80fa1833aee877e1a34c851248c5fd871d6c855c58f07358d418",
    "weasyprint.text.line_break.Layout.set_text": "fe23ca9937dbf5205bda422f9c01103f301ef2c511228842632ea86e853274f7",
    "weasyprint.text.line_break.Layout.reactivate": "0b89ee097104b71376c179f48a98858708b07169dc0212c393263a1a831607c9",
    "weasyprint.text.line_break.line_size": "03fa04fd51fc69aa128ca5312faa9a82578d88cf8549fda8d3d63a76f8eef173",
    "weasyprint.draw.text.draw_text": "ebaf96239c6ca3635d2b91bfb34718c2dcebd7809fec1c53fb8dffd1366befe3",
}

_original_justify_line = inline.justify_line  # before install() replaces it
_ZERO_WIDTH = frozenset("\u200b\u200c\u200d\u2060\ufeff")


class IncompatibleWeasyPrint(RuntimeError):
    """The installed WeasyPrint is not the one the justification patch was written for."""


def _targets() -> dict[str, Callable[..., Any]]:
    return {
        "weasyprint.layout.inline.justify_line": _original_justify_line,
        "weasyprint.layout.inline.text_align": inline.text_align,
        "weasyprint.layout.inline.add_word_spacing": inline.add_word_spacing,
        "weasyprint.text.line_break.Layout.set_text": line_break.Layout.set_text,
        "weasyprint.text.line_break.Layout.reactivate": line_break.Layout.reactivate,
        "weasyprint.text.line_break.line_size": line_break.line_size,
        "weasyprint.draw.text.draw_text": draw_text.draw_text,
    }


def source_digest(function: Callable[..., Any]) -> str:
    return hashlib.sha256(inspect.getsource(function).encode()).hexdigest()


def check() -> None:
    """Raise IncompatibleWeasyPrint unless WeasyPrint is exactly what the patch was written for."""
    if weasyprint.__version__ != WEASYPRINT_VERSION:
        raise IncompatibleWeasyPrint(
            f"the PDF writer's inter-character justification was written for WeasyPrint {WEASYPRINT_VERSION}, "
            f"but {weasyprint.__version__} is installed; install the pinned version (pip install -e .) "
            "or port generator/writers/justify.py"
        )
    changed = [name for name, function in _targets().items() if source_digest(function) != EXPECTED_SOURCES[name]]
    if changed:
        raise IncompatibleWeasyPrint(
            f"WeasyPrint {weasyprint.__version__} differs from what generator/writers/justify.py was written for: "
            f"{', '.join(changed)} changed; port the patch and update EXPECTED_SOURCES"
        )


def install() -> None:
    """Check WeasyPrint, then make it justify Chinese lines between characters (idempotent)."""
    if inline.justify_line is justify_line:
        return
    check()
    inline.justify_line = justify_line


def justify_line(context: Any, line: boxes.LineBox, extra_width: float) -> None:
    """Spread `extra_width` over the gaps between the line's characters.

    Each character gets the same extra spacing `e` after it. A text box's width already counts
    its own letter-spacing `L` after every character, the last one included, so the last glyph
    ends `L` before the line's end; it lands on the type area's edge when
    (N - 1) * e = extra_width + L, N being the number of characters on the line."""
    text_boxes = list(_text_boxes(line))
    count = sum(_characters(box.text) for box in text_boxes)
    if count < 2:
        return
    trailing = _letter_spacing(text_boxes[-1].style)
    _add_letter_spacing(context, line, (extra_width + trailing) / (count - 1), 0.0)


def _text_boxes(box: boxes.Box):
    if isinstance(box, boxes.TextBox):
        yield box
    elif isinstance(box, (boxes.LineBox, boxes.InlineBox)):
        for child in box.children:
            if child.is_in_normal_flow():
                yield from _text_boxes(child)


def _characters(text: str) -> int:
    """Characters Pango letter-spaces: one per grapheme (combining marks and joiners excluded)."""
    return sum(1 for char in text if not unicodedata.combining(char) and char not in _ZERO_WIDTH)


def _letter_spacing(style: Any) -> float:
    spacing = style["letter_spacing"]
    return 0.0 if spacing == "normal" else spacing


def _add_letter_spacing(context: Any, box: boxes.Box, extra: float, x_advance: float) -> float:
    """Shift `box` by `x_advance` and widen it by `extra` per character; return the new advance.

    Mirrors WeasyPrint's add_word_spacing, with letter-spacing in place of word-spacing. The
    style is copied, never changed in place: other boxes (and a later layout of the same
    element) share it."""
    if isinstance(box, boxes.TextBox):
        box.position_x += x_advance
        characters = _characters(box.text)
        if characters:
            style = box.style.copy()
            style["letter_spacing"] = _letter_spacing(box.style) + extra
            layout = line_break.create_layout(
                box.text, style, context, max_width=None, justification_spacing=box.justification_spacing)
            layout.deactivate()
            box.style = style
            box.pango_layout = layout
            box.width += extra * characters
            x_advance += extra * characters
    elif isinstance(box, (boxes.LineBox, boxes.InlineBox)):
        box.position_x += x_advance
        before = x_advance
        children = box.children[::-1] if box.style["direction"] == "rtl" else box.children
        for child in children:
            if child.is_in_normal_flow():
                x_advance = _add_letter_spacing(context, child, extra, x_advance)
        box.width += x_advance - before
    else:
        box.translate(x_advance, 0)  # an atomic inline (inline-block, image): moved, not widened
    return x_advance
