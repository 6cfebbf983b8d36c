"""`diff`: this year's report against last year's, as a DOCX with Word tracked changes (审阅 →
接受/拒绝), a marked-up PDF (花脸稿: right wherever it opens, as some editors show generated
tracked changes poorly) and an HTML view. The review page writes the same redline through
`write_redline`."""
from __future__ import annotations

import datetime
import tempfile
from pathlib import Path

from generator import outputs
from generator.atomic import write_all
from generator.commands.build import file_stem
from generator.config import layout
from generator.pipeline.document import Document


def stem(new: Document) -> str:
    return f"{file_stem(new)}（修订对照）"


def write_redline(old: Document, new: Document, profile: layout.Profile, path: Path, author: str, when: datetime.datetime) -> None:
    """Both reports through the DOCX writer, then the new one with the changes tracked."""
    from generator.writers import docx
    from generator.writers.docx import tracked

    with tempfile.TemporaryDirectory() as scratch:
        old_docx, new_docx = Path(scratch) / "old.docx", Path(scratch) / "new.docx"
        docx.write(old, profile, old_docx)
        docx.write(new, profile, new_docx)
        tracked.write(old_docx, new_docx, path, author, when)


def diff(old: Document, new: Document, profile: layout.Profile, out_dir: Path, author: str, when: datetime.datetime) -> tuple[list[Path], list[Path]]:
    """The redline DOCX, the marked-up PDF and the HTML view, written into `out_dir`, and the
    outputs of another version of the new year's data moved aside (generator/outputs.py)."""
    from generator.writers import changes, diff_html, pdf

    pdf.check_engine()  # one line, before anything is written, where WeasyPrint cannot load
    name = stem(new)
    written = write_all({
        out_dir / f"{name}.docx": lambda path: write_redline(old, new, profile, path, author, when),
        out_dir / f"{name}.pdf": lambda path: pdf.write(changes.marked(old, new), profile, path),
        out_dir / f"{name}.html": lambda path: path.write_text(diff_html.render(old, new), encoding="utf-8"),
    })
    return written, outputs.record(out_dir, written, new.data_version, new.year) if new.data_version else []
