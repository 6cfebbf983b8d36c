"""PDF: the HTML page printed by WeasyPrint, fonts embedded and subset.

WeasyPrint is imported inside `write`, so commands that never print (`check`) do not pay for
it. One FontConfiguration serves every render: fonts declared with @font-face are then read
once per process, and with a garbage collection after each document memory stays flat when
many reports are built in one run.
"""
from __future__ import annotations

import gc
from pathlib import Path
from typing import TYPE_CHECKING

from .. import fonts as font_resolution
from ..document import Document
from ..layout import Profile
from . import html

if TYPE_CHECKING:
    from weasyprint.text.fonts import FontConfiguration

_font_config: FontConfiguration | None = None


def write(document: Document, profile: Profile, path: Path) -> list[str]:
    """Write the PDF to `path`; return notes on the substitute fonts it used."""
    fonts = font_resolution.resolve(profile)
    page = html.render(document, profile, fonts)
    from . import cffi_cache

    cffi_cache.install()  # before WeasyPrint declares its C libraries
    from weasyprint import HTML

    from . import justify

    justify.install()
    try:
        HTML(string=page, base_url=str(html.TEMPLATES_DIR)).write_pdf(path, font_config=_shared_font_config())
    finally:
        gc.collect()
    return fonts.notes()


def _shared_font_config() -> FontConfiguration:
    global _font_config
    if _font_config is None:
        from weasyprint.text.fonts import FontConfiguration

        _font_config = FontConfiguration()
    return _font_config
