"""Bad input stops the build with one message naming file:line:column, exit 2, no traceback,
and leaves earlier outputs untouched."""
from __future__ import annotations

from pathlib import Path

import pytest

from generator import cli

from .datafiles import GOOD


def run_build(data: Path, out: Path, capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    status = cli.main(["build", str(data), "-o", str(out), "--format", "txt"])
    captured = capsys.readouterr()
    return status, captured.out, captured.err


@pytest.mark.parametrize(
    "change, expected",
    [
        pytest.param(("  region: 某县\n", "  region: 某县\n  tilte: x\n"), ":4:3：meta 中没有“tilte”这一项（是否想写“title”？）", id="unknown-key"),
        pytest.param(("  year: 2024\n", "  year: 二〇二四\n"), ":2:9：meta.year 应为 1990 至 2100 之间的整数，这里写的是文字“二〇二四”", id="wrong-type"),
        pytest.param(("  败诉: {value: 7, unit: 件}\n", "  败诉: {value: 7, unit: 件}\n  审结: 5\n"), ":9:3：“审结”出现了两次（第一次在第 7 行）", id="duplicate-key"),
        pytest.param(("败诉率{{ 败诉率 }}", "败诉率{{ 败诉比率 }}"), ":11:30：“败诉比率”没有定义；正文中可以引用 figures 中的数字，或 year、region、issuer（是否想写“败诉率”？）", id="undefined-figure"),
        pytest.param(("{value: 130, unit: 件,", "{value: 0, unit: 件,"), ":9:23：数字“败诉率”的公式中除数 审结 为 0", id="division-by-zero"),
        pytest.param(("  - 全年", "  - : 全年"), ":11:5：这一行的英文冒号“:”前面缺少名称", id="syntax-error"),
        pytest.param(("value: 7,", "value: 七,"), ":8:15：figures.败诉.value 应为数字，例如 217 或 98.48，这里写的是文字“七”", id="figure-not-a-number"),
        pytest.param(("{{ 审结 }}，", "{{ 审结 }，"), ":11:5：表达式的写法有误", id="template-syntax"),
    ],
)
def test_bad_input_names_the_place_and_keeps_old_outputs(tmp_path, capsys, change, expected):
    data = tmp_path / "2024.yaml"
    out = tmp_path / "out"
    data.write_text(GOOD, encoding="utf-8")
    status, _, err = run_build(data, out, capsys)
    assert status == 0, err
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    assert [name for name in before if not name.startswith(".")] != [] and len(before) == 2  # the TXT and the folder's record

    old, new = change
    assert old in GOOD
    data.write_text(GOOD.replace(old, new, 1), encoding="utf-8")
    status, stdout, stderr = run_build(data, out, capsys)

    assert status == 2
    assert stdout == ""
    assert "Traceback" not in stderr
    assert stderr.startswith(f"错误：{data}{expected}"), stderr
    assert len(stderr.strip().splitlines()) == 1
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before


def test_missing_file_is_a_clear_error(tmp_path, capsys):
    status, _, err = run_build(tmp_path / "2031.yaml", tmp_path / "out", capsys)
    assert status == 2
    assert err.strip() == f"错误：无法读取数据文件 {tmp_path / '2031.yaml'}：文件或文件夹不存在；之前已生成的文件保持不变"


def test_empty_file_is_a_clear_error(tmp_path, capsys):
    data = tmp_path / "2024.yaml"
    data.write_text("", encoding="utf-8")
    status, _, err = run_build(data, tmp_path / "out", capsys)
    assert status == 2
    assert err.strip() == f"错误：{data}:1:1：文件是空的；数据文件至少要有 meta 和 body 两部分"
