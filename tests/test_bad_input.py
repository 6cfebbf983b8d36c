"""Bad input stops the build with one message naming file:line:column, exit 2, no traceback,
and leaves earlier outputs untouched."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

GOOD = """\
meta:
  year: 2024
  region: 某县
  issuer: 某县人民政府
  title: 某县人民政府关于{{ year }}年法治政府建设情况的报告
figures:
  审结: {value: 130, unit: 件}
  败诉: {value: 7, unit: 件}
  败诉率: {formula: 败诉 / 审结, percent: true, precision: 2}
body:
  - 全年审结行政诉讼案件{{ 审结 }}，败诉率{{ 败诉率 }}。
"""


def run_build(data: Path, out: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "generator", "build", str(data), "-o", str(out), "--format", "txt"],
        cwd=ROOT, capture_output=True, text=True,
    )


@pytest.mark.parametrize(
    "change, expected",
    [
        pytest.param(("  region: 某县\n", "  region: 某县\n  tilte: x\n"), ":4:3：unknown key 'tilte' in meta (did you mean 'title'?)", id="unknown-key"),
        pytest.param(("  year: 2024\n", "  year: 二〇二四\n"), ":2:9：meta.year must be a whole number from 1990 to 2100, found the text \"二〇二四\"", id="wrong-type"),
        pytest.param(("  败诉: {value: 7, unit: 件}\n", "  败诉: {value: 7, unit: 件}\n  审结: 5\n"), ":9:3：duplicate key '审结' (first given at line 7)", id="duplicate-key"),
        pytest.param(("败诉率{{ 败诉率 }}", "败诉率{{ 败诉比率 }}"), ":11:30：'败诉比率' is not defined; expected a figure name or one of year, region, issuer (did you mean '败诉率'?)", id="undefined-figure"),
        pytest.param(("{value: 130, unit: 件}", "{value: 0, unit: 件}"), ":9:23：division by zero in the formula of '败诉率': 审结 is 0", id="division-by-zero"),
        pytest.param(("  - 全年", "  - : 全年"), ":11:5：YAML syntax error", id="syntax-error"),
        pytest.param(("value: 7,", "value: 七,"), ":8:15：figure '败诉'.value must be a number such as 217 or 98.48, found the text \"七\"", id="figure-not-a-number"),
        pytest.param(("{{ 审结 }}，", "{{ 审结 }，"), ":11:5：template error in the text", id="template-syntax"),
    ],
)
def test_bad_input_names_the_place_and_keeps_old_outputs(tmp_path, change, expected):
    data = tmp_path / "2024.yaml"
    out = tmp_path / "out"
    data.write_text(GOOD, encoding="utf-8")
    first = run_build(data, out)
    assert first.returncode == 0, first.stderr
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    assert len(before) == 1

    old, new = change
    assert old in GOOD
    data.write_text(GOOD.replace(old, new, 1), encoding="utf-8")
    second = run_build(data, out)

    assert second.returncode == 2
    assert second.stdout == ""
    assert "Traceback" not in second.stderr
    assert second.stderr.startswith(f"错误：{data}{expected}"), second.stderr
    assert len(second.stderr.strip().splitlines()) == 1
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before


def test_missing_file_is_a_clear_error(tmp_path):
    result = run_build(tmp_path / "2031.yaml", tmp_path / "out")
    assert result.returncode == 2
    assert "cannot read the file" in result.stderr and "Traceback" not in result.stderr


def test_empty_file_is_a_clear_error(tmp_path):
    data = tmp_path / "2024.yaml"
    data.write_text("", encoding="utf-8")
    result = run_build(data, tmp_path / "out")
    assert result.returncode == 2
    assert result.stderr.strip() == f"error: {data}:1:1: the file is empty; expected a mapping with meta, figures and body"
