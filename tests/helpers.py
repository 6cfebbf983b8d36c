"""Helpers shared by tests: running the command line, filling in a draft."""
from __future__ import annotations

import contextlib
import io
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest

from generator.cli import main

ROOT = Path(__file__).resolve().parent.parent
# The suite's own copy of the sample report (宛城区, 2024): the tests never read the user's data/.
SAMPLE = Path(__file__).resolve().parent / "fixtures" / "2024.yaml"


@dataclass(frozen=True)
class Run:
    """What a run of the command line left: its exit status and what it printed."""

    returncode: int
    stdout: str
    stderr: str


def generator(*args: str) -> Run:
    """Run `python -m generator …` in this process (the command line is `cli.main`; a child
    process would add nothing but its start-up time)."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            status = main(list(args))
        except SystemExit as exit:  # argparse's refusals
            status = exit.code if isinstance(exit.code, int) else 2
    return Run(status, out.getvalue(), err.getvalue())


# This year's numbers for the figures the cycle test fills in; all others grow by one.
FILLED = {"行政复议办结": 230, "行政诉讼审结": 120, "行政诉讼败诉": 6, "网上办件": 310000, "不见面审批占比": 98.48}


def fill(path: Path) -> None:
    """What the clerk does: give every figure this year's value, keeping last year's."""
    def value(match: re.Match) -> str:
        name, last = match.group(1), match.group(2)
        unchanged = "." in last or last == "100"  # rates stay as they were
        new = FILLED.get(name, last if unchanged else int(last) + 1)
        return f"{name}: {{value: {new}, last_year: {last},"

    path.write_text(re.sub(r"(\w+): \{last_year: ([\d.]+),", value, path.read_text(encoding="utf-8")), encoding="utf-8")


def libreoffice_save(files: list[Path], folder: Path, target: str, package: str) -> dict[str, Path]:
    """Open and save the files in LibreOffice (one process), as a reviewer's or a unit's editor
    would: `target` is soffice's --convert-to, e.g. "docx:MS Word 2007 XML". Skips the test where
    LibreOffice is not installed (set-up installs the Debian `package`)."""
    soffice = shutil.which("soffice")
    if soffice is None:
        pytest.skip(f"LibreOffice is not installed (Debian: {package})")
    out = folder / "libreoffice"
    result = subprocess.run(
        [soffice, f"-env:UserInstallation={(folder / 'lo-profile').as_uri()}", "--headless",
         "--convert-to", target, "--outdir", str(out), *map(str, files)],
        capture_output=True, text=True, timeout=300,
    )
    converted = {path.stem: out / path.name for path in files}
    assert all(path.exists() for path in converted.values()), result.stderr
    return converted
