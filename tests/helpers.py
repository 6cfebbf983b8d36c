"""Helpers shared by tests: running the command line, filling in a draft."""
from __future__ import annotations

import contextlib
import io
import os
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


def libreoffice_save(files: list[Path], folder: Path, target: str, package: str,
                     env: dict[str, str] | None = None) -> dict[str, Path]:
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
        capture_output=True, text=True, timeout=300, env=env,
    )
    extension = "." + target.split(":")[0]
    converted = {path.stem: out / (path.stem + extension) for path in files}
    assert all(path.exists() for path in converted.values()), result.stderr
    return converted


FONTS_ALIAS = ROOT / "scripts" / "fonts-alias.conf"


def libreoffice_pdfs(files: list[Path], folder: Path) -> dict[str, Path]:
    """The DOCX files laid out by LibreOffice as PDF, with the office fonts they name drawn in the
    Fandol fonts the PDF embeds (the project's own mapping, scripts/fonts-alias.conf), so that
    fonts are not what differs. Skips the test where the Fandol fonts are missing."""
    fonts = ROOT / ".fonts"
    if not list(fonts.glob("Fandol*.otf")):
        pytest.skip("the Fandol fonts are not in .fonts/ (make setup)")
    config = folder / "fonts.conf"
    config.write_text(
        '<?xml version="1.0"?><!DOCTYPE fontconfig SYSTEM "fonts.dtd"><fontconfig>'
        f'<include ignore_missing="yes">/etc/fonts/fonts.conf</include><dir>{fonts}</dir>'
        f'<cachedir>{folder / "fc-cache"}</cachedir><include>{FONTS_ALIAS}</include></fontconfig>',
        encoding="utf-8")
    env = {**os.environ, "FONTCONFIG_FILE": str(config)}
    keep_blank_pages = 'pdf:writer_pdf_Export:{"IsSkipEmptyPages":{"type":"boolean","value":"false"}}'
    return libreoffice_save(files, folder, keep_blank_pages, "libreoffice-writer-nogui", env)


def page_starts(pdf: Path) -> list[str]:
    """The first Chinese characters of each page's type area (page numbers below it left out)."""
    import pdfplumber

    starts = []
    with pdfplumber.open(pdf) as opened:
        for page in opened.pages:
            bottom = page.height - 35 * 72 / 25.4
            chars = sorted((c for c in page.chars if c["top"] < bottom + 1 and "\u4e00" <= c["text"] <= "\u9fff"),
                           key=lambda c: (round(c["bottom"] / 4), c["x0"]))
            starts.append("".join(c["text"] for c in chars[:16]))
    return starts


def same_line(ours: str, theirs: str) -> bool:
    """Two page starts on the same line: a break a few characters apart (LibreOffice sets a space
    between Chinese and digits) still starts the page on that line."""
    if not (ours or theirs):
        return True  # a blank page in both
    return bool(ours and theirs) and (ours[:6] in theirs or theirs[:6] in ours)
