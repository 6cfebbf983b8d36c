"""`import`: start a data file from a published report (the work is done by generator.importer)."""
from __future__ import annotations

from pathlib import Path

from generator import advice
from generator.chinese import YEAR_FILE
from generator.errors import DataError
from generator.importer import Imported, Stated, import_report, write

__all__ = ["Stated", "import_file"]


def import_file(source: Path, output: Path | None, force: bool, stated: Stated = Stated()) -> tuple[Imported, Path, list[str]]:
    """Read `source`, write the data file; returns what was read, where it went, and where its
    text still differs from the input (normally nothing). `stated` is what the user says on the
    command line about what the text does not say (its title, year, region, issuer)."""
    imported = import_report(source, stated)
    target = output or Path("data") / f"{imported.year}.yaml"
    named = YEAR_FILE.fullmatch(target.name)
    if named and int(named.group(1)) != imported.year:
        raise DataError(None, f"这份报告是 {imported.year} 年度的，却要写成 {target.name}；"
                              f"请改用 {advice.option('-o', 'OUT=', str(target.with_name(f'{imported.year}.yaml')))}，或用 {advice.option('--year', 'IMPORT_YEAR=')} 说明年度")
    return imported, target, write(imported, target, force, source)
