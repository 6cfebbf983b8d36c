"""`rename`: a figure's name and every reference to it, in one safe step."""
from __future__ import annotations

from pathlib import Path

import pytest

from generator.pipeline.loader import load
from generator.pipeline.resolve import resolve
from generator.writers import text

from .helpers import SAMPLE, generator


@pytest.fixture
def data(tmp_path: Path) -> Path:
    path = tmp_path / "2024.yaml"
    path.write_text(SAMPLE.read_text(encoding="utf-8"), encoding="utf-8")
    return path


def test_rename_changes_the_name_and_every_reference_and_nothing_else(data: Path) -> None:
    before_text = data.read_text(encoding="utf-8")
    before = text.render(resolve(load(data)))
    result = generator("rename", str(data), "行政诉讼败诉", "行政诉讼败诉案件")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == f"已把 {data} 中的数字“行政诉讼败诉”改名为“行政诉讼败诉案件”：figures 中的名称和 2 处引用；报告的文字不变"
    after_text = data.read_text(encoding="utf-8")
    assert "  行政诉讼败诉案件: {value: 7," in after_text
    assert "{formula: 行政诉讼败诉案件 / 行政诉讼审结," in after_text
    assert "败诉{{ 行政诉讼败诉案件 }}，败诉率{{ 行政诉讼败诉率 }}" in after_text  # 败诉率 is another figure
    assert text.render(resolve(load(data))) == before
    changed = [(a, b) for a, b in zip(before_text.splitlines(), after_text.splitlines()) if a != b]
    assert len(changed) == 3 and len(before_text.splitlines()) == len(after_text.splitlines())  # comments and all else kept
    assert after_text.startswith("# 宛城区人民政府关于2024年法治政府建设情况的报告（样例：已发布报告的数据）。")


@pytest.mark.parametrize(("old", "new", "message"), [
    ("行政诉讼败诉", "行政诉讼审结", "错误：{data} 中已经有名为“行政诉讼审结”的数字；请另选一个新名称"),
    ("受理", "行政复议受理", "错误：{data} 的 figures 中没有名为“受理”的数字；现有的数字："),
    ("行政诉讼败诉", "year", "错误：{data} 中已经有名为“year”的名称；请另选一个新名称"),
    ("行政诉讼败诉", "败诉 件数", "错误：{data}:78:3：数字的名称“败诉 件数”只能是一个词"),
])
def test_rename_refuses_and_leaves_the_file_as_it_was(data: Path, old: str, new: str, message: str) -> None:
    before = data.read_bytes()
    result = generator("rename", str(data), old, new)
    assert result.returncode == 2
    assert result.stderr.startswith(message.format(data=data))
    assert data.read_bytes() == before
    assert [p.name for p in data.parent.iterdir()] == ["2024.yaml"]  # no temporary file left
