"""`build`: data file → DOCX, PDF, HTML and TXT, written all-or-nothing.

Every output is first written to a temporary file beside its target; only when all formats have
rendered are they renamed into place, so a failed build leaves the previous files untouched.
"""
from __future__ import annotations

import os
import re
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from . import layout
from .document import Document
from .errors import DataError
from .loader import load
from .resolve import resolve

FORMATS = ("docx", "pdf", "html", "txt")
_UMASK = os.umask(0)
os.umask(_UMASK)


@dataclass
class BuildResult:
    written: list[Path] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def parse_formats(text: str) -> tuple[str, ...]:
    formats = tuple(part.strip().lower() for part in text.split(",") if part.strip())
    unknown = [f for f in formats if f not in FORMATS]
    if unknown or not formats:
        raise DataError(None, f"unknown format '{unknown[0] if unknown else text}'; expected a comma-separated list of {', '.join(FORMATS)}")
    return formats


def file_stem(document: Document) -> str:
    """The report's title as a file name (characters no file system accepts are dropped)."""
    return re.sub(r'[\\/:*?"<>|\s]+', "", document.title) or f"report-{document.year}"


def build(data_path: Path, out_dir: Path | None = None, formats: tuple[str, ...] = FORMATS, layout_name: str | None = None) -> BuildResult:
    document = resolve(load(data_path))
    profile = layout.load(layout_name or document.layout or layout.DEFAULT_LAYOUT, data_path.parent)
    out_dir = out_dir if out_dir is not None else Path("out") / str(document.year)
    result = BuildResult()
    outputs = {out_dir / f"{file_stem(document)}.{fmt}": (lambda path, fmt=fmt: result.notes.extend(_write(fmt, document, profile, path))) for fmt in formats}
    result.written = write_all(outputs)
    return result


def write_all(outputs: dict[Path, Callable[[Path], object]]) -> list[Path]:
    """Call each writer on a temporary file beside its target; rename all into place only when
    every writer succeeded. Returns the targets written."""
    staged: list[tuple[Path, Path]] = []
    try:
        for target, write in outputs.items():
            target.parent.mkdir(parents=True, exist_ok=True)
            handle, temp_name = tempfile.mkstemp(prefix=f".{target.stem}.", suffix=f"{target.suffix}.tmp", dir=target.parent)
            os.close(handle)
            staged.append((Path(temp_name), target))
            write(Path(temp_name))
        for temp, target in staged:
            os.chmod(temp, 0o666 & ~_UMASK)  # temporary files are private; outputs are not
            os.replace(temp, target)
        return [target for _, target in staged]
    finally:
        for temp, _ in staged:
            temp.unlink(missing_ok=True)


def _write(fmt: str, document: Document, profile: layout.Profile, path: Path) -> list[str]:
    """Render one format to `path`; writers are imported only when asked for (WeasyPrint is slow to load)."""
    if fmt == "txt":
        from .writers import text

        path.write_text(text.render(document), encoding="utf-8")
    elif fmt == "html":
        from .writers import html

        path.write_text(html.render(document, profile), encoding="utf-8")
    elif fmt == "docx":
        from .writers import docx

        docx.write(document, profile, path)
    else:
        from .writers import pdf

        return pdf.write(document, profile, path)
    return []
