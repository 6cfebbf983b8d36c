"""`collect`: one 填报表 (XLSX) for each unit that reports figures, and the list of units.

Each unit's form asks for the figures whose `from:` names it (the office itself answers for the
rest), with last year's value beside each: `last_year` of the data, or the value in the previous
year's data file. Computed figures are not asked for.
"""
from __future__ import annotations

import csv
import functools
import io
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from generator import advice
from generator.atomic import write_all
from generator.commands.forms import layout
from generator.commands.forms.units import by_unit, is_percent
from generator.errors import DataError
from generator.pipeline import Loaded
from generator.pipeline.figures import evaluate
from generator.pipeline.loader import load

UNITS_HEADER = ("填报单位", "数字个数", "填报表")


@dataclass(frozen=True)
class Collected:
    forms: tuple[tuple[str, int, Path], ...]  # unit, figures asked, form written
    units_csv: Path
    notes: tuple[str, ...]  # what the clerk should know: a previous year's file that did not load

    def lines(self, names_only: bool = False) -> list[tuple[str, ...]]:
        """The list of units; names_only for the CSV that lies beside the forms."""
        return [UNITS_HEADER, *((unit, str(count), path.name if names_only else str(path)) for unit, count, path in self.forms)]


def collect(loaded: Loaded, out_dir: Path) -> Collected:
    """Write every unit's form and the list of units into out_dir, all or none."""
    report = loaded.report
    year = report.meta.year
    units = by_unit(report)
    if not units:
        raise DataError(None, f"{loaded.path} 中没有需要填报的数字（figures 为空，或全部由公式计算）")
    previous, notes = _previous_values(loaded.path.parent / f"{year - 1}.yaml")
    outputs: dict[Path, Callable[[Path], object]] = {}
    forms = []
    for unit, figures in units.items():
        identity = layout.Identity(report.meta.issuer, report.meta.region, year, unit, loaded.document.title, loaded.path.name)
        questions = [
            layout.Question(f.name, f.label, f.unit, f.last_year if f.last_year is not None else previous.get(f.name), is_percent(f), f.over_100)
            for f in figures
        ]
        target = out_dir / layout.file_name(year, unit)
        _refuse_to_overwrite_answers(target, loaded.path)
        outputs[target] = functools.partial(layout.write, identity=identity, questions=questions)
        forms.append((unit, len(questions), target))
    collected = Collected(tuple(forms), out_dir / f"{year}年法治政府建设数据填报单位.csv", tuple(notes))
    outputs[collected.units_csv] = lambda path: path.write_text(_csv(collected.lines(names_only=True)), encoding="utf-8", newline="")
    write_all(outputs)
    return collected


def _previous_values(path: Path) -> tuple[dict[str, int | float], list[str]]:
    """Last year's stated and computed values by name, from <year-1>.yaml when it loads."""
    if not path.exists():
        return {}, []
    try:
        report = load(path)
        values = evaluate(report.figures, report.meta.year)
    except DataError as error:
        return {}, [f"{path} 无法读取（{error}），上年数值只取本年数据中的 last_year"]
    return {name: v.value for name, v in values.items() if v.value is not None}, []


def _refuse_to_overwrite_answers(target: Path, data: Path) -> None:
    """A form saved back into the folder with answers in it must survive a second collect."""
    if not target.exists():
        return
    try:
        returned = layout.read(target)
    except DataError:
        raise DataError(None, f"{target} 已存在，且不是空白的填报表；collect 不会覆盖它，请先移走或改名") from None
    if any(answer.value not in (None, "") or answer.note for answer in returned.answers):
        raise DataError(None, f"{target} 已存在，里面已有填报的内容；collect 不会覆盖它，请先移走或改名（合并它：{advice.command(f'merge {data} {target.parent}', 'make merge')}）")


def _csv(lines: list[tuple[str, ...]]) -> str:
    """UTF-8 with BOM, so Excel and WPS open the Chinese intact."""
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerows(lines)
    return "\ufeff" + buffer.getvalue()
