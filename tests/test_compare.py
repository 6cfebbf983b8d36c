"""`compare` shows each figure with its own decimals: on screen, in the CSV and in the DOCX."""
from __future__ import annotations

import csv
import io
import re
import shutil
from pathlib import Path

from docx import Document as open_docx

from .helpers import SAMPLE, fill, generator

NOISE = re.compile(r"\d\.\d{6,}")  # 0.09999999999999432, -2.000000000000001


def test_changes_have_the_decimals_of_the_figures(tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    shutil.copy(SAMPLE, data / "2024.yaml")
    assert generator("draft", "2025", "--data-dir", str(data)).returncode == 0
    fill(data / "2025.yaml")
    text = (data / "2025.yaml").read_text(encoding="utf-8")
    text = text.replace("不见面审批占比: {value: 98.48,", "不见面审批占比: {value: 98.58,")
    (data / "2025.yaml").write_text(text.replace("即办件占比: {value: 88.72,", "即办件占比: {value: 86.72,"), encoding="utf-8")
    result = generator("compare", str(data / "2024.yaml"), str(data / "2025.yaml"), "-o", str(tmp_path / "out"))
    assert result.returncode == 0, result.stderr
    screen = {line.split()[0]: line.split()[-4:] for line in result.stdout.splitlines()[1:] if not line.startswith("已写入")}
    assert screen["不见面审批占比"] == ["%", "98.48", "98.58", "+0.10"]
    assert screen["即办件占比"] == ["%", "88.72", "86.72", "-2.00"]
    assert screen["行政诉讼败诉率"] == ["%", "5.38", "5.00", "-0.38"]
    assert screen["网上办件"] == ["298389", "310000", "+11611", "+3.9"]
    assert not NOISE.search(result.stdout)

    table = next((tmp_path / "out").glob("*.csv")).read_text(encoding="utf-8-sig")
    rows = {row[0]: row for row in csv.reader(io.StringIO(table))}
    assert rows["不见面审批占比"][3:] == ["98.48", "98.58", "+0.10", ""]
    assert rows["即办件占比"][5] == "-2.00"
    assert not NOISE.search(table)

    cells = [cell.text for row in open_docx(str(next((tmp_path / "out").glob("*.docx")))).tables[0].rows for cell in row.cells]
    assert "+0.10" in cells and "-2.00" in cells
    assert not any(NOISE.search(cell) for cell in cells)
