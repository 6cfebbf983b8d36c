"""Inter-character justification for WeasyPrint 70.0.

WeasyPrint justifies a line only by widening its spaces, and Chinese has none: every line would
stay ragged, up to a character short of the type area. `install()` replaces
`weasyprint.layout.inline.justify_line` with one that spreads the line's spare width over the
gaps next to Chinese characters (ideographs, full-width punctuation, “”): each of them gets
extra letter-spacing, half on either side, so digits and Latin words stay tight and a "——"
stays one unbroken line. A text box's Pango layout is recreated with that spacing, the way
WeasyPrint's own `add_word_spacing` recreates it for spaces; the layout object keeps the
spacing, so it survives the layout being rebuilt when the box is drawn. The last line of a
paragraph never comes here (WeasyPrint applies text-align-last to it instead); a line without
Chinese characters is justified at its spaces, as WeasyPrint does.

WeasyPrint draws letter-spacing as offsets between glyphs in a TJ array. Poppler (pdftotext)
starts a new word where the gap after a glyph exceeds a tenth of the font size, character
spacing (Tc) included, so a line stretched by a few characters would read as characters
separated by spaces. `draw_first_line` therefore draws each text box of a line justified here
as a marked-content span whose ActualText is the box's text, ending where the line's next box
starts: poppler reads the line as one word. The glyphs are painted where they were. pdfminer
(pdfplumber) ignores ActualText and measures the gaps between glyphs itself.

This reaches into WeasyPrint's internals, so it is written for one version: `install()` checks
the version and the source of everything it replaces or relies on, and raises
`generator.errors.EngineError` when any of it differs — a silent fallback would bring ragged
lines back unnoticed.
"""
from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterator
from typing import Any

import pydyf
import weasyprint
from weasyprint.draw import text as draw_text
from weasyprint.formatting_structure import boxes
from weasyprint.layout import inline
from weasyprint.text import line_break
from weasyprint.text.ffi import TO_UNITS, ffi, pango

from generator import advice
from generator.errors import EngineError
from generator.writers.pdf import sources

WEASYPRINT_VERSION = "70.0"
PYDYF_VERSION = "0.13.0"

# SHA-256 of the source of what this module replaces or relies on, in WeasyPrint 70.0:
# - justify_line, which it replaces, and text_align, which calls it for every justified line
#   but the last (looking the name up in the module at call time);
# - add_word_spacing, whose way of recreating a text box's layout it follows;
# - Layout.set_text, which it extends, and Layout.reactivate, through which draw_text rebuilds
#   the box's layout (calling set_text again) before drawing it;
# - line_size, which measures a line and adds one letter-spacing of the style to its width;
# - draw_first_line, which it wraps, and whose TJ strings it reads and splits: glyph ids in
#   hex, four digits each, and between them numbers in thousandths of the font size;
# - pydyf's Stream.show_text and begin_marked_content, which append `[...] TJ` and
#   `/tag <<...>> BDC` to the stream's list of operators, where Tc is appended too.
EXPECTED_SOURCES: dict[str, str] = {
    "weasyprint.layout.inline.justify_line": "f83b21ff8793ba6b6dfc5fe8e10e4ab6cd6e02b17de02da97200902166148a81",
    "weasyprint.layout.inline.text_align": "e953d41b87ccfc30405f83f6cc3c73918ef4638662794db4f834b1d788d6ed67",
    "weasyprint.layout.inline.add_word_spacing": "879516e71f1b80fa1833aee877e1a34c851248c5fd871d6c855c58f07358d418",
    "weasyprint.text.line_break.Layout.set_text": "fe23ca9937dbf5205bda422f9c01103f301ef2c511228842632ea86e853274f7",
    "weasyprint.text.line_break.Layout.reactivate": "0b89ee097104b71376c179f48a98858708b07169dc0212c393263a1a831607c9",
    "weasyprint.text.line_break.line_size": "03fa04fd51fc69aa128ca5312faa9a82578d88cf8549fda8d3d63a76f8eef173",
    "weasyprint.draw.text.draw_text": "ebaf96239c6ca3635d2b91bfb34718c2dcebd7809fec1c53fb8dffd1366befe3",
    "weasyprint.draw.text.draw_first_line": "1bb8eae6d88e71b17096a034656f3be17da8f1f513c78536c1c38d971927638b",
    "pydyf.Stream.show_text": "3e008af86f62f42c382b8d75f85a92022008f8254db58a9d8f58f137ee7bcc40",
    "pydyf.Stream.begin_marked_content": "4348260a8eb6e24feba5de685c28ff479833598458fcdf00a915ba514b5b3b5e",
}

_original_justify_line = inline.justify_line  # kept before install() replaces it
_original_draw_first_line = draw_text.draw_first_line  # kept before install() replaces it
_WIDE_QUOTES = frozenset("“”‘’")  # ambiguous width in Unicode, full width in Chinese fonts
_ZERO_WIDTH = "\u200b\u2060\ufeff"  # break opportunities (<wbr>) and joiners: no width, no spacing
_NO_ZERO_WIDTH = dict.fromkeys(map(ord, _ZERO_WIDTH))
_TJ_TOKEN = re.compile(r"<([0-9a-f]*)>|(-?[0-9.e+-]+)")  # a TJ string's glyphs and numbers


def _targets() -> dict[str, Callable[..., Any]]:
    return {
        "weasyprint.layout.inline.justify_line": _original_justify_line,
        "weasyprint.layout.inline.text_align": inline.text_align,
        "weasyprint.layout.inline.add_word_spacing": inline.add_word_spacing,
        "weasyprint.text.line_break.Layout.set_text": line_break.Layout.set_text,
        "weasyprint.text.line_break.Layout.reactivate": line_break.Layout.reactivate,
        "weasyprint.text.line_break.line_size": line_break.line_size,
        "weasyprint.draw.text.draw_text": draw_text.draw_text,
        "weasyprint.draw.text.draw_first_line": _original_draw_first_line,
        "pydyf.Stream.show_text": pydyf.Stream.show_text,
        "pydyf.Stream.begin_marked_content": pydyf.Stream.begin_marked_content,
    }


def check() -> None:
    """Raise EngineError, in one line naming the package, unless WeasyPrint and pydyf are exactly
    what the patch was written for."""
    versions = {"weasyprint": weasyprint.__version__, "pydyf": pydyf.__version__}
    for package, expected in (("weasyprint", WEASYPRINT_VERSION), ("pydyf", PYDYF_VERSION)):
        if versions[package] != expected:
            raise EngineError(
                f"PDF 的中文两端对齐补丁是为 {package} {expected} 编写的，本机装的是 {package} {versions[package]}："
                f"请运行 make setup 装回固定版本；或先只生成其他格式：{advice.option('--format', 'FORMAT=', 'docx,html,txt')}"
            )
    changed = [name for name, digest in sources.digests(_targets()).items() if digest != EXPECTED_SOURCES[name]]
    if changed:
        package = changed[0].split(".")[0]
        raise EngineError(
            f"{package} {versions[package]} 的 {changed[0]} 与 PDF 排版补丁所依据的源代码不同"
            f"（见 generator/writers/pdf/README.md）：请运行 make setup 装回固定版本；或先只生成其他格式：{advice.option('--format', 'FORMAT=', 'docx,html,txt')}"
        )


def install() -> None:
    """Check WeasyPrint, then make it justify Chinese lines between characters (idempotent)."""
    if inline.justify_line is justify_line and draw_text.draw_first_line is draw_first_line:
        return
    check()
    inline.justify_line = justify_line
    draw_text.draw_first_line = draw_first_line


def is_chinese(char: str) -> bool:
    """A character that takes justification space: wide (ideographs, full-width punctuation) or “”."""
    return unicodedata.east_asian_width(char) in "WF" or char in _WIDE_QUOTES


def justify_line(context: Any, line: boxes.LineBox, extra_width: float) -> None:
    """Spread `extra_width` over the line's Chinese characters.

    Each Chinese character gets `e` more letter-spacing, half before and half after it, except
    before the line's first character and after its last. A text box's width counts the style's
    letter-spacing `L` after its last character too, so the last glyph ends `L` before the
    line does; it lands on the type area's edge when the widths grow by extra_width + L."""
    text_boxes = [box for box in _text_boxes(line) if box.text.strip(_ZERO_WIDTH)]  # not a <wbr>'s space
    text = "".join(box.text for box in text_boxes).strip(_ZERO_WIDTH)
    shares = sum(map(is_chinese, text)) - (is_chinese(text[0]) + is_chinese(text[-1])) / 2 if text else 0
    if shares <= 0:
        _original_justify_line(context, line, extra_width)
        return
    extra = (extra_width + _letter_spacing(text_boxes[-1].style)) / shares
    _spread(line, extra, 0.0, text_boxes[0], text_boxes[-1])
    for box, following in zip(text_boxes, text_boxes[1:]):
        box.next_text_start = following.position_x - box.position_x  # what moves with the line


class _SpacedLayout(line_break.Layout):
    """A text box's layout with `extra` letter-spacing on its Chinese characters.

    set_text is where WeasyPrint applies letter-spacing, both at layout and when the box is
    drawn (Layout.reactivate), so the extra spacing is added there."""

    def __init__(self, style: Any, justification_spacing: float, extra: float) -> None:
        self.extra = extra
        super().__init__(style, justification_spacing)

    def set_text(self, text: str, justify: bool = False) -> None:
        super().set_text(text, justify)
        spacing = int((_letter_spacing(self.style) + self.extra) * TO_UNITS)
        attributes = pango.pango_layout_get_attributes(self.layout)
        if attributes == ffi.NULL:
            attributes = ffi.gc(pango.pango_attr_list_new(), pango.pango_attr_list_unref)
        for start, end in _chinese_byte_ranges(self.text):
            attribute = pango.pango_attr_letter_spacing_new(spacing)
            attribute.start_index, attribute.end_index = start, end
            pango.pango_attr_list_change(attributes, attribute)
        pango.pango_layout_set_attributes(self.layout, attributes)


def _chinese_byte_ranges(text: str) -> Iterator[tuple[int, int]]:
    """UTF-8 byte ranges of the runs of Chinese characters in `text` (Pango indexes bytes)."""
    position, start = 0, None
    for char in text:
        if is_chinese(char) and start is None:
            start = position
        elif not is_chinese(char) and start is not None:
            yield start, position
            start = None
        position += len(char.encode())
    if start is not None:
        yield start, position


def _text_boxes(box: boxes.Box) -> Iterator[boxes.TextBox]:
    if isinstance(box, boxes.TextBox):
        yield box
    elif isinstance(box, (boxes.LineBox, boxes.InlineBox)):
        for child in box.children:
            if child.is_in_normal_flow():
                yield from _text_boxes(child)


def _letter_spacing(style: Any) -> float:
    spacing = style["letter_spacing"]
    return 0.0 if spacing == "normal" else spacing


def _spread(box: boxes.Box, extra: float, x_advance: float, line_start: boxes.TextBox, line_end: boxes.TextBox) -> float:
    """Shift `box` by `x_advance` and give its Chinese characters `extra`; return the new advance.

    Mirrors WeasyPrint's add_word_spacing. Pango leaves out the half spacing before a layout's
    first character and after its last; where a box meets another box inside the line, that
    half is added here, as a shift of the box or as width after it."""
    if isinstance(box, boxes.TextBox):
        box.position_x += x_advance
        if not any(map(is_chinese, box.text)):
            return x_advance
        lead = extra / 2 if box is not line_start and is_chinese(box.text[0]) else 0.0
        tail = extra / 2 if box is not line_end and is_chinese(box.text[-1]) else 0.0
        layout = _SpacedLayout(box.style, box.justification_spacing, extra)
        layout.set_text(box.text)
        first_line, _ = layout.get_first_line()
        width, _ = line_break.line_size(first_line, box.style)
        layout.deactivate()
        box.pango_layout = layout
        box.position_x += lead
        x_advance += lead + (width - box.width) + tail
        box.width = width + tail
    elif isinstance(box, (boxes.LineBox, boxes.InlineBox)):
        box.position_x += x_advance
        before = x_advance
        children = box.children[::-1] if box.style["direction"] == "rtl" else box.children
        for child in children:
            if child.is_in_normal_flow():
                x_advance = _spread(child, extra, x_advance, line_start, line_end)
        box.width += x_advance - before
    else:
        box.translate(x_advance, 0)  # an atomic inline (inline-block, image): moved, not widened
    return x_advance


def draw_first_line(stream: Any, textbox: boxes.TextBox, text_overflow: str, block_ellipsis: Any, matrix: Any) -> Any:
    """WeasyPrint's draw_first_line; a box of a line justified here is drawn as a span whose
    ActualText is the box's text and which ends where the line's next box starts."""
    justified = isinstance(textbox.pango_layout, _SpacedLayout) or hasattr(textbox, "next_text_start")
    if not justified or text_overflow == "ellipsis" or block_ellipsis != "none":
        return _original_draw_first_line(stream, textbox, text_overflow, block_ellipsis, matrix)
    recorder = _Recorder(stream)
    emojis = _original_draw_first_line(recorder, textbox, text_overflow, block_ellipsis, matrix)
    recorder.replay(textbox.pango_layout.text.translate(_NO_ZERO_WIDTH), getattr(textbox, "next_text_start", None))
    return emojis


class _Recorder:
    """Stands in for the stream while draw_first_line runs and keeps its text operators."""

    def __init__(self, stream: Any) -> None:
        self._stream = stream
        self._fonts: dict[str, Any] = {}
        self._operators: list[tuple[str, tuple[Any, ...]]] = []

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream, name)

    def add_font(self, pango_font: Any) -> Any:
        font, font_size = self._stream.add_font(pango_font)
        self._fonts[font.hash] = font
        return font, font_size

    def set_font_size(self, font: str, size: float) -> None:
        self._operators.append(("set_font_size", (font, size)))

    def set_text_rise(self, height: float) -> None:
        self._operators.append(("set_text_rise", (height,)))

    def show_text(self, text: str) -> None:
        self._operators.append(("show_text", (text,)))

    def replay(self, text: str, next_start: float | None) -> None:
        """Write the operators to the stream, enclosed in a span whose ActualText is `text`.

        Poppler (pdftotext) reads an ActualText span as its text spread evenly from where the
        span's first glyph starts to where its last glyph's advance ends, so a justified box
        reads as one word however far its glyphs are spread. `next_start` is where the line's
        next box starts, from where this one does: the box's last glyph gets the character
        spacing (Tc) that reaches it, so that the span ends where the next one begins; the TJ
        offset after that glyph takes the spacing back, and the glyphs are painted where they
        were. A box drawn with a text rise, with a bitmap font or without glyphs is written
        as it was."""
        parsed = {
            index: _parse_tj(operands[0]) for index, (name, operands) in enumerate(self._operators) if name == "show_text"
        }
        with_glyphs = [index for index, (_, glyphs) in parsed.items() if glyphs]
        if (
            not text
            or not with_glyphs
            or any(name == "set_text_rise" for name, _ in self._operators)
            or any(font.bitmap for font in self._fonts.values())
        ):
            for name, operands in self._operators:
                getattr(self._stream, name)(*operands)
            return
        last_run = with_glyphs[-1]
        end, size, font = 0.0, 0.0, None  # where the last glyph's advance ends, from the box's start
        for index, (name, operands) in enumerate(self._operators[:last_run + 1]):
            if name == "set_font_size":
                font, size = self._fonts[operands[0]], operands[1]
            else:
                lead, glyphs = parsed[index]
                assert font is not None  # a TJ follows its font's Tf
                end += (sum(font.widths[int(glyph, 16)] - after for glyph, after in glyphs) - sum(lead)) / 1000 * size
        lead, glyphs = parsed[last_run]
        (last, last_after), end = glyphs[-1], end + glyphs[-1][1] / 1000 * size
        spacing = 0.0 if next_start is None or not _number(next_start - end) else max(next_start - end, 0.0)
        self._stream.begin_marked_content("Span", pydyf.Dictionary({"ActualText": pydyf.String(text)}))
        for index, (name, operands) in enumerate(self._operators):
            if index != last_run or not spacing:
                getattr(self._stream, name)(*operands)
                continue
            if lead or glyphs[:-1]:
                self._stream.show_text(_tj(lead, glyphs[:-1]))
            self._stream.stream.append(f"{_number(spacing)} Tc".encode())
            self._stream.show_text(_tj([], [(last, last_after - spacing * 1000 / size)]))
            self._stream.stream.append(b"0 Tc")
        self._stream.end_marked_content()


def _parse_tj(text: str) -> tuple[list[float], list[tuple[str, float]]]:
    """From a TJ string of draw_first_line: the numbers before its first glyph, and each glyph
    (four hex digits) with the sum of the numbers after it."""
    lead: list[float] = []
    glyphs: list[list[Any]] = []
    for hexes, number in _TJ_TOKEN.findall(text):
        if number and glyphs:
            glyphs[-1][1] += float(number)
        elif number:
            lead.append(float(number))
        else:
            glyphs.extend([hexes[i:i + 4], 0.0] for i in range(0, len(hexes), 4))
    return lead, [(glyph, after) for glyph, after in glyphs]


def _tj(lead: list[float], glyphs: list[Any]) -> str:
    """A TJ string: the numbers before the first glyph, then each glyph and the number after it."""
    return _number(sum(lead)) + "".join(f"<{glyph}>{_number(after)}" for glyph, after in glyphs)


def _number(value: float) -> str:
    """A number for the content stream, "" for zero."""
    text = f"{value:.6f}".rstrip("0").rstrip(".")
    return "" if text in ("", "0", "-0") else text
