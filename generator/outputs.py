"""What an output folder (out/<year>/) holds: each file the tool wrote there, with the version
of the data it was made from; files of another version are moved aside into 旧版/, so the folder
holds only what is current and never a mix of two versions.

The version is a short hash of the data file's text and the layout profile it was set in; every
output carries it (the DOCX's core properties, the HTML's head, the PDF's metadata, the review
page), and the folder's record (.outputs.json) notes it for every file, the TXT and CSV too.
Files the tool did not write (no record) are never touched, nor files of another year that
share a folder given with -o.
"""
from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path
from typing import Any, NamedTuple

from generator.atomic import folder_lock

RECORD = ".outputs.json"
OLD = "旧版"
_RECORD_BYTES = 1 << 20  # the record is a few hundred bytes; a larger file is not ours


def version(data_text: str, profile: Any) -> str:
    """12 hex digits naming the data and layout an output was made from."""
    digest = hashlib.sha256(data_text.encode("utf-8"))
    digest.update(json.dumps(profile, sort_keys=True, ensure_ascii=False, default=str).encode("utf-8"))
    return digest.hexdigest()[:12]


class Made(NamedTuple):
    """What an output was made from: the report's year and the data version."""

    year: int
    version: str


def record(folder: Path, written: list[Path], made_from: str, year: int) -> list[Path]:
    """Note `written` (files in `folder`) as made from version `made_from` of the data of
    `year`, and move every other file noted for that year with another version into 旧版/
    (replacing an older copy of the same name there). Returns where the moved files now are."""
    moved: list[Path] = []
    with folder_lock(folder):
        noted = read(folder)
        for path in written:
            noted[path.name] = Made(year, made_from)
        for name, made in list(noted.items()):
            current = folder / name
            if not current.is_file():
                del noted[name]
            elif made.year == year and made.version != made_from:
                aside = folder / OLD / name
                aside.parent.mkdir(exist_ok=True)
                os.replace(current, aside)
                moved.append(aside)
                del noted[name]
        temp = folder / f".{RECORD}.{os.getpid()}.tmp"  # under the lock already: not through write_all
        text = json.dumps({name: made._asdict() for name, made in noted.items()}, ensure_ascii=False, indent=1, sort_keys=True)
        temp.write_text(text, encoding="utf-8")
        os.replace(temp, folder / RECORD)
    return moved


def read(folder: Path) -> dict[str, Made]:
    """file name → what it was made from; {} when there is no usable record."""
    path = folder / RECORD
    try:
        if path.is_symlink() or path.stat().st_size > _RECORD_BYTES:
            return {}
        noted = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(noted, dict):
        return {}
    return {name: Made(made["year"], made["version"]) for name, made in noted.items()
            if name == Path(name).name and name not in ("", ".", "..", RECORD) and isinstance(made, dict)
            and isinstance(made.get("year"), int) and isinstance(made.get("version"), str)}
