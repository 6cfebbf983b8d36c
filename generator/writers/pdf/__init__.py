"""PDF: the HTML page printed by WeasyPrint, fonts embedded and subset.

WeasyPrint is imported inside `write`, so commands that never print (`check`) do not pay for
it, and through `weasyprint_startup`, which spares the costs that are the same in every process.
One FontConfiguration serves every render (one per fontconfig configuration, see
`fonts.fontconfig_selected`): fonts are then loaded once per process, and with a garbage
collection after each document memory stays flat when many reports are built in one run.
"""
from __future__ import annotations

import atexit
import gc
from pathlib import Path
from typing import TYPE_CHECKING

from generator.config.layout import Profile
from generator.errors import EngineError
from generator.pipeline.document import Document
from generator.writers import html
from generator.writers.pdf import fonts as font_resolution

if TYPE_CHECKING:
    from weasyprint.text.fonts import FontConfiguration

_font_config: tuple[object, FontConfiguration] | None = None


def check_engine() -> None:
    """Import WeasyPrint and check the patches' guards; EngineError (one line) when it cannot be
    loaded or is not the version the patches were written for. `build` asks before writing."""
    from generator.writers.pdf import startup

    try:
        startup.load()
    except (ImportError, OSError) as error:
        raise EngineError(f"WeasyPrint 无法加载（{error}）：请运行 make setup；或先只生成其他格式：--format docx,html,txt") from None
    from generator.writers.pdf import justify

    justify.check()


def write(document: Document, profile: Profile, path: Path) -> list[str]:
    """Write the PDF to `path`; return notes on the substitute fonts it used."""
    fonts = font_resolution.resolve(profile)
    page = html.render(document, profile, fonts)
    from generator.writers.pdf import justify, startup

    HTML = startup.load().HTML
    justify.install()
    try:
        HTML(string=page, base_url=str(html.TEMPLATES_DIR)).write_pdf(path, font_config=_shared_font_config(), custom_metadata=True)
    finally:
        gc.collect()
    return fonts.notes()


def _shared_font_config() -> FontConfiguration:
    """The FontConfiguration made with the project's fontconfig configuration; a new one when
    that configuration is another (FAZHI_FONTS_DIR changed) or was rewritten (fonts added)."""
    global _font_config
    with font_resolution.fontconfig_selected() as config:
        key = (config, config.stat().st_mtime_ns if config else 0)
        if _font_config is None or _font_config[0] != key:
            from weasyprint.text.fonts import FontConfiguration

            if _font_config is None:
                atexit.register(_drop_font_config)
            _font_config = (key, FontConfiguration())
    return _font_config[1]


def _drop_font_config() -> None:
    """Let the FontConfiguration go while the interpreter is whole: it deletes the temporary
    folder of the fonts it was given with @font-face, which it cannot do once modules are torn
    down (and objects made before WeasyPrint's import are frozen, see weasyprint_startup)."""
    global _font_config
    _font_config = None
