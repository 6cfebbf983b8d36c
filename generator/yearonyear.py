"""The two year-over-year outputs, as `compare`, `diff` and the review page all write them."""
from __future__ import annotations

import datetime
import tempfile
from pathlib import Path

from . import compare, layout
from .build import file_stem
from .document import Document
from .model import Report


def comparison_stem(last: Report, this: Report) -> str:
    return f"{this.meta.year}年与{last.meta.year}年数据对比"


def redline_stem(new: Document) -> str:
    return f"{file_stem(new)}（修订对照）"


def write_comparison_csv(last: Report, this: Report, path: Path) -> None:
    path.write_text(compare.csv_text(compare.rows(last, this)), encoding="utf-8")


def write_comparison_docx(last: Report, this: Report, profile: layout.Profile, path: Path) -> None:
    from .writers import docx

    docx.write(compare.as_document(last, this, compare.rows(last, this)), profile, path)


def write_redline_docx(old: Document, new: Document, profile: layout.Profile, path: Path, author: str, when: datetime.datetime) -> None:
    """Both reports through the DOCX writer, then the new one with the changes tracked."""
    from .writers import docx, tracked_docx

    with tempfile.TemporaryDirectory() as scratch:
        old_docx, new_docx = Path(scratch) / "old.docx", Path(scratch) / "new.docx"
        docx.write(old, profile, old_docx)
        docx.write(new, profile, new_docx)
        tracked_docx.write(old_docx, new_docx, path, author, when)
