"""`draft`: next year's data file from the newest earlier one.

The new file is the old file's text with a few precise edits, so comments, order and wording
survive: the year moves on, dates move on a year, and every stated figure becomes a placeholder
that remembers last year's value (`value:` → `last_year:`).
"""
from __future__ import annotations

import datetime
import os
import re
from pathlib import Path

from yaml.nodes import MappingNode, Node, ScalarNode

from generator.chinese import years_in
from generator.errors import DataError
from generator.pipeline import yamlsource
from generator.pipeline.loader import load
from generator.pipeline.yamlsource import Source

# The header a draft starts with; a draft made from a draft gets the new one only.
_DRAFT_HEADER = re.compile(r"\A# \d{4} 年度草稿.*\n(?:# .*\n)?")


def draft(year: int, data_dir: Path) -> tuple[Path, Path, int]:
    """Write data_dir/<year>.yaml; returns (new file, file it was made from, figures to fill in)."""
    target = data_dir / f"{year}.yaml"
    if target.exists():
        raise DataError(None, f"{target} 已经存在；起草从不覆盖数据文件，请先改名或删除它")
    earlier = [y for y in years_in(data_dir) if y < year]
    if not earlier:
        raise DataError(None, f"{data_dir} 中没有早于 {year} 年的 <年份>.yaml，无从起草；可先用 python -m generator import 导入去年发布的报告")
    origin = data_dir / f"{earlier[-1]}.yaml"
    load(origin)  # refuse to draft from a file that does not validate
    source, root = yamlsource.read(origin)
    text, to_fill = _rolled_forward(source, root, year)
    header = (f"# {year} 年度草稿，由 {origin.name} 于 {datetime.date.today().isoformat()} 生成：请填写每项数据的 value\n"
              f"# （make check YEAR={year} 会逐项列出），并按 {year} 年的情况改写正文。\n")
    _write_new(target, header + _DRAFT_HEADER.sub("", text, count=1))
    return target, origin, to_fill


def _rolled_forward(source: Source, root: Node, year: int) -> tuple[str, int]:
    edits: list[tuple[int, int, str]] = []
    top = _fields(root)
    meta = _fields(top["meta"])
    shift = year - int(meta["year"].value)
    edits.append(_replace(meta["year"], str(year)))
    for key in ("published", "signature"):
        if key in meta and "date" in _fields(meta[key]):
            date_node = _fields(meta[key])["date"]
            day = yamlsource.scalar_value(date_node) if isinstance(date_node, ScalarNode) else None
            if isinstance(day, datetime.date):
                edits.append(_replace(date_node, _shifted_date(day, shift)))
    to_fill = 0
    if "figures" in top:
        for _, figure in top["figures"].value:
            edit = _as_placeholder(source, figure)
            if edit:
                edits.append(edit)
                to_fill += 1
    text = source.text
    for start, end, replacement in sorted(edits, reverse=True):
        text = text[:start] + replacement + text[end:]
    return text, to_fill


def _fields(node: Node) -> dict[str, Node]:
    return {key.value: value for key, value in node.value} if isinstance(node, MappingNode) else {}


def _replace(node: Node, replacement: str) -> tuple[int, int, str]:
    return node.start_mark.index, node.end_mark.index, replacement


def _shifted_date(day: datetime.date, years: int) -> str:
    try:
        return day.replace(year=day.year + years).isoformat()
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28).isoformat()


def _as_placeholder(source: Source, figure: Node) -> tuple[int, int, str] | None:
    """A stated figure rewritten as `{last_year: <its value>, …}`; formulas are left alone."""
    if isinstance(figure, ScalarNode):
        return _replace(figure, f"{{last_year: {figure.value}}}")
    fields = _fields(figure)
    if "value" not in fields:
        return None
    parts = []
    for key, value in fields.items():
        if key == "last_year":
            continue
        raw = source.text[value.start_mark.index:value.end_mark.index]
        parts.append(f"{'last_year' if key == 'value' else key}: {raw}")
    return _replace(figure, "{" + ", ".join(parts) + "}")


def _write_new(target: Path, text: str) -> None:
    """Write a file that must not exist yet, all at once."""
    temp = target.with_name(f".{target.name}.tmp")
    temp.write_text(text, encoding="utf-8")
    try:
        os.link(temp, target)  # fails if target appeared meanwhile: never overwrite
    except FileExistsError:
        raise DataError(None, f"{target} 已经存在；起草从不覆盖数据文件") from None
    finally:
        temp.unlink()
