"""`import`: start a data file from a published report (the work is done by generator.importer)."""
from __future__ import annotations

from pathlib import Path

from generator.importer import Imported, import_report, write


def import_file(source: Path, output: Path | None, force: bool) -> tuple[Imported, Path, list[str]]:
    """Read `source`, write the data file; returns what was read, where it went, and where its
    text still differs from the input (normally nothing)."""
    imported = import_report(source)
    target = output or Path("data") / f"{imported.year}.yaml"
    return imported, target, write(imported, target, force)
