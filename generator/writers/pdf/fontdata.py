"""A PDF font's file is read only when something reads its bytes.

`weasyprint.pdf.fonts.Font.__init__` copies the whole font file out of HarfBuzz into a bytes
object (`file_content`) for every font a document uses, and the copies live until the PDF is
written. With HarfBuzz's hb-subset (installed by make setup) the subset is made from the face,
not from those bytes, which are then replaced by the subset's. For the sample's five Fandol
fonts (31 MB of files) the copies cost some 22 MB of a cold build's peak memory, and reading
every page of each file cost as much again in mapped pages, for bytes that were never used.

`install()` makes `file_content` a property and has `Font.__init__` store a marker instead of
the copy; a read of the bytes before the subset replaces them (the fontTools subsetter, a
variable or colour font) copies the face's blob then, the same bytes `__init__` would have
copied. This relies on `__init__` calling `get_hb_object_data` once, for the face's blob, and
reading `file_content` nowhere else: its source is checked (`check`) first.
"""
from __future__ import annotations

import threading
from typing import Any

from generator.errors import EngineError

EXPECTED_INIT = "1f281166b10302a4278a04384970b91496a19b071e071a4087f77a49bc1487fe"
_DATA = "_fazhi_file_content"
_UNREAD = object()  # what Font.__init__ stores instead of the face's bytes


class _InInit(threading.local):
    active = False


_in_init = _InInit()


def check() -> None:
    """EngineError unless Font.__init__ is the one this module was written for."""
    from weasyprint.pdf import fonts

    from generator.writers.pdf import sources

    init = getattr(fonts.Font.__init__, "__wrapped__", fonts.Font.__init__)
    if sources.digests({"weasyprint.pdf.fonts.Font.__init__": init})["weasyprint.pdf.fonts.Font.__init__"] != EXPECTED_INIT:
        raise EngineError(
            "weasyprint 的 weasyprint.pdf.fonts.Font.__init__ 与 PDF 字体补丁所依据的源代码不同"
            "（见 generator/writers/pdf/README.md）：请运行 make setup 装回固定版本；或先只生成其他格式：--format docx,html,txt"
        )


def install() -> None:
    """Put the property and the marker in place (idempotent); check() first."""
    from weasyprint.pdf import fonts

    if isinstance(fonts.Font.__dict__.get("file_content"), property):
        return
    check()
    original_init = fonts.Font.__init__
    face_data = fonts.get_hb_object_data

    def __init__(font: Any, *args: Any, **kwargs: Any) -> None:
        _in_init.active = True
        try:
            original_init(font, *args, **kwargs)
        finally:
            _in_init.active = False

    def get_hb_object_data(hb_object: Any, ot_color: str | None = None, glyph: Any = None) -> Any:
        if _in_init.active and ot_color is None:
            return _UNREAD
        return face_data(hb_object, ot_color, glyph)

    def read(font: Any) -> bytes | None:
        data = font.__dict__.get(_DATA, _UNREAD)
        if data is _UNREAD:
            data = font.__dict__[_DATA] = face_data(font.hb_face)
        return data

    def write(font: Any, value: Any) -> None:
        font.__dict__[_DATA] = value

    __init__.__wrapped__ = original_init  # type: ignore[attr-defined]
    fonts.get_hb_object_data = get_hb_object_data
    fonts.Font.__init__ = __init__
    fonts.Font.file_content = property(read, write)
