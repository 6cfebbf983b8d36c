"""Reports of other shapes (DESIGN.md §2) render, through the same code, to their exact text."""
from __future__ import annotations

from pathlib import Path

import pytest

from generator.pipeline.loader import load
from generator.pipeline.resolve import resolve
from generator.writers import text

SHAPES = Path(__file__).resolve().parent / "shapes"


@pytest.mark.parametrize("data", sorted(SHAPES.glob("*.yaml")), ids=lambda p: p.stem)
def test_shape_renders_to_its_exact_text(data):
    expected = data.with_suffix(".txt").read_text(encoding="utf-8")
    assert text.render(resolve(load(data))) == expected


def test_inserting_a_section_renumbers_what_follows(tmp_path):
    source = (SHAPES / "skipped_levels.yaml").read_text(encoding="utf-8")
    inserted = source.replace(
        "  - section: 主要举措\n",
        "  - section: 新增一节\n    body:\n      - 新内容。\n  - section: 主要举措\n",
    )
    data = tmp_path / "2022.yaml"
    data.write_text(inserted, encoding="utf-8")
    lines = text.render(resolve(load(data))).splitlines()
    assert [line for line in lines if line[:2] in ("一、", "二、", "三、", "四、")] == [
        "一、工作开展情况", "二、新增一节", "三、主要举措", "四、下一步工作",
    ]
