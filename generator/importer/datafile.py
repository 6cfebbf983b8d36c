"""Writing the imported data file: only once it builds, and saying where it still differs from the input."""
from __future__ import annotations

from pathlib import Path

from generator.errors import DataError
from generator.chinese import differences, normalize
from generator.importer.findings import Imported
from generator.importer.yamlwriter import dump


def write(imported: Imported, output: Path, force: bool = False) -> list[str]:
    """Write the data file atomically, only once it builds; returns where its text still differs
    from the input beyond the reported repairs (normally nothing)."""
    from generator.commands.build import write_all
    from generator.pipeline.loader import load
    from generator.pipeline.resolve import resolve
    from generator.writers import text

    if output.exists() and not force:
        raise DataError(None, f"{output} exists; choose another name or pass --force to overwrite it")
    found: list[str] = []

    def stage(path: Path) -> None:
        path.write_text(dump(imported.data, _HEADER), encoding="utf-8")
        try:
            found.extend(unexplained(imported, text.render(resolve(load(path)))))
        except DataError as error:
            raise DataError(None, f"the imported data does not build ({error.message}); nothing written") from None

    write_all({output: stage})
    return found


def unexplained(imported: Imported, rendered: str) -> list[str]:
    """Where the rendered text differs from the input beyond the reported repairs (normalized)."""
    expected = normalize(imported.text)
    for repair in imported.repairs:
        if repair.seed:
            expected = expected.replace(normalize(repair.seed), normalize(repair.ours), 1)
    return differences(expected, normalize(rendered))


_HEADER = (
    "# Imported by `python -m generator import`: check the figure names (they come from the words\n"
    "# before each number) and the sections' `covers`. How to write this file: docs/data-format.md.\n"
)
