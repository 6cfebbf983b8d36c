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

from generator import advice
from generator.chinese import years_in
from generator.errors import DataError
from generator.pipeline import yamlsource
from generator.pipeline.loader import load
from generator.pipeline.yamlsource import Source

# The comments a draft or an import puts at the top of a file: they speak of that year's making
# and do not travel into the next year's file.
_MADE_HEADERS = re.compile(r"\A(?:# \d{4} 年度草稿.*\n(?:# （.*\n)?|# .*import.* 导入。.*\n(?:# 以及.*\n)?)+")


def draft(year: int | None, data_dir: Path) -> tuple[Path, Path, int]:
    """Write data_dir/<year>.yaml; returns (new file, file it was made from, figures to fill in).
    Without a year, the year after the newest file, unless that file still has figures to fill
    in: then it is itself a draft (drafting twice by mistake), and that is said instead."""
    if year is None:
        year = _next_year(data_dir)
    target = data_dir / f"{year}.yaml"
    if target.exists():
        raise DataError(None, f"{target} 已经存在；起草从不覆盖数据文件，请先改名或删除它")
    earlier = [y for y in years_in(data_dir) if y < year]
    if not earlier:
        raise DataError(None, f"{data_dir} 中没有早于 {year} 年的 <年份>.yaml，无从起草；可先导入去年发布的报告："
                              f"{advice.command('import 报告.docx', 'make import FILE=报告.docx')}")
    origin = data_dir / f"{earlier[-1]}.yaml"
    load(origin)  # refuse to draft from a file that does not validate
    source, root = yamlsource.read(origin)
    text, to_fill = _rolled_forward(source, root, year)
    check = advice.command(f"check {target}", f"make check YEAR={year}")
    header = (f"# {year} 年度草稿，由 {origin.name} 于 {datetime.date.today().isoformat()} 生成：请填写每项数据的 value\n"
              f"# （{check} 会逐项列出），并按 {year} 年的情况改写正文。\n")
    _write_new(target, header + _MADE_HEADERS.sub("", text, count=1))
    return target, origin, to_fill


def _next_year(data_dir: Path) -> int:
    years = list(years_in(data_dir))
    if not years:
        raise DataError(None, f"{data_dir} 中没有 <年份>.yaml，无从起草；可先导入去年发布的报告："
                              f"{advice.command('import 报告.docx', 'make import FILE=报告.docx')}")
    newest = data_dir / f"{years[-1]}.yaml"
    unfilled = [f.name for f in load(newest).figures.values() if f.value is None and f.formula is None]
    if unfilled:
        insist = advice.command(f"draft {years[-1] + 1}", f"make draft YEAR={years[-1] + 1}")
        raise DataError(None, f"{newest} 还有 {len(unfilled)} 项数据待填（{'、'.join(unfilled[:3])}{'等' if len(unfilled) > 3 else ''}），"
                              f"它本身还是 {years[-1]} 年度的草稿，因此不起草 {years[-1] + 1} 年度；"
                              f"确实要起草 {years[-1] + 1} 年度，请写 {insist}")
    return years[-1] + 1


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
            placeholder = _as_placeholder(source, figure)
            edits += placeholder
            to_fill += bool(placeholder)
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


def _as_placeholder(source: Source, figure: Node) -> list[tuple[int, int, str]]:
    """A stated figure rewritten as `{last_year: <its value>, …}`; formulas are left alone. A
    figure written as a block mapping keeps its lines: `value:` becomes `last_year:` and the old
    `last_year:` line goes."""
    if isinstance(figure, ScalarNode):
        return [_replace(figure, f"{{last_year: {source.text[figure.start_mark.index:figure.end_mark.index]}}}")]
    fields = _fields(figure)
    if "value" not in fields:
        return []
    if isinstance(figure, MappingNode) and not figure.flow_style:
        keys = {key.value: key for key, _ in figure.value}
        edits = [_replace(keys["value"], "last_year")]
        if "last_year" in fields:
            edits.append(_whole_lines(source, keys["last_year"], fields["last_year"]))
        return edits
    parts = []
    for key, value in fields.items():
        if key == "last_year":
            continue
        raw = source.text[value.start_mark.index:value.end_mark.index]
        parts.append(f"{'last_year' if key == 'value' else key}: {raw}")
    return [_replace(figure, "{" + ", ".join(parts) + "}")]


def _whole_lines(source: Source, key: Node, value: Node) -> tuple[int, int, str]:
    """The lines of one block-mapping entry (key to the end of its value's line), removed."""
    start = source.text.rfind("\n", 0, key.start_mark.index) + 1
    end = source.text.find("\n", value.end_mark.index)
    return start, len(source.text) if end < 0 else end + 1, ""


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
