"""A PDF font's file bytes are read only when something reads them.

`weasyprint.pdf.fonts.Font.__init__` copies the whole font file out of HarfBuzz into a bytes
object (`file_content`) for every font a document uses, and the copies live until the PDF is
written. With HarfBuzz's hb-subset (installed by make setup) the subset is made from the face,
not from those bytes, which are then replaced by the subset's: for the sample's five Fandol
fonts (31 MB of files) the copies were some 22 MB of a cold build's peak memory, never read.

`install()` makes `file_content` a property. The first value it is given, the copy made in
`__init__`, is let go at once; a read before any other value is set (the fontTools subsetter,
a variable or colour font) copies the face's bytes again, which are the same bytes. This relies
on `__init__` setting `file_content` once, to the face's blob, and reading it nowhere else: its
source is checked (`check`) before the property is put in place.
"""
from __future__ import annotations

from typing import Any

from generator.errors import EngineError

EXPECTED_INIT = "1f281166b10302a4278a04384970b91496a19b071e071a4087f77a49bc1487fe"
_GIVEN = "_fazhi_file_content_given"  # set once __init__'s copy has been let go
_DATA = "_fazhi_file_content"


def check() -> None:
    """EngineError unless Font.__init__ is the one this module was written for."""
    from weasyprint.pdf import fonts

    from generator.writers.pdf.justify import source_digest

    if source_digest(fonts.Font.__init__) != EXPECTED_INIT:
        raise EngineError(
            "weasyprint 的 weasyprint.pdf.fonts.Font.__init__ 与 PDF 字体补丁所依据的源代码不同"
            "（见 generator/writers/pdf/README.md）：请运行 make setup 装回固定版本；或先只生成其他格式：--format docx,html,txt"
        )


def install() -> None:
    """Put the property in place (idempotent); check() first."""
    from weasyprint.pdf import fonts

    if isinstance(fonts.Font.__dict__.get("file_content"), property):
        return
    check()
    fonts.Font.file_content = property(_read, _set)


def _read(font: Any) -> bytes | None:
    try:
        return font.__dict__[_DATA]
    except KeyError:
        from weasyprint.text.fonts import get_hb_object_data

        data = font.__dict__[_DATA] = get_hb_object_data(font.hb_face)
        return data


def _set(font: Any, value: bytes | None) -> None:
    if not font.__dict__.get(_GIVEN):
        font.__dict__[_GIVEN] = True  # __init__'s copy of the face: read again if ever needed
        return
    font.__dict__[_DATA] = value
