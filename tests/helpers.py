"""Helpers shared by tests: running the command line, filling in a draft."""
from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# The suite's own copy of the sample report (宛城区, 2024): the tests never read the user's data/.
SAMPLE = Path(__file__).resolve().parent / "fixtures" / "2024.yaml"


def generator(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    """Run `python -m generator …` as a user would."""
    return subprocess.run([sys.executable, "-m", "generator", *args], cwd=cwd, capture_output=True, text=True)


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
