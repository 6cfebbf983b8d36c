"""`compare-bodies`: the figures of several bodies' reports of one year in one table — what the
county clerk reads when the departments' and townships' reports come in.

One row per figure name (first seen first), one column per body; a cell is the figure with its
unit, empty where a body has no such figure. Printed, and written as CSV and DOCX like `compare`."""
from __future__ import annotations

import csv
import io
from pathlib import Path

from generator.atomic import write_all
from generator.commands.forms import inert_cell, text_table
from generator.config import layout
from generator.errors import DataError
from generator.pipeline import Loaded
from generator.pipeline import document as doc
from generator.pipeline.figures import FigureValue, evaluate, format_number

Table = tuple[tuple[str, ...], list[tuple[str, ...]]]


def table(loaded: list[Loaded]) -> Table:
    """Header (名称, 说明, one column per issuer) and rows; the reports must be of one year."""
    years = {item.report.meta.year for item in loaded}
    if len(years) > 1:
        listed = "；".join(f"{item.path}：{item.report.meta.year}年" for item in loaded)
        raise DataError(None, f"要对照的报告不是同一年度的（{listed}）；请只列出同一年度的数据文件")
    issuers = [item.report.meta.issuer for item in loaded]
    if len(set(issuers)) < len(issuers):
        repeated = next(name for name in issuers if issuers.count(name) > 1)
        raise DataError(None, f"发文机关“{repeated}”出现了不止一次；每个单位只列一个数据文件")
    values = [evaluate(item.report.figures, item.report.meta.year) for item in loaded]
    names: dict[str, str] = {}  # name → label, in the order first seen
    for item in loaded:
        for name, figure in item.report.figures.items():
            names.setdefault(name, figure.label)
    rows = [(name, label, *(_cell(found.get(name)) for found in values)) for name, label in names.items()]
    return ("名称", "说明", *issuers), rows


def _cell(value: FigureValue | None) -> str:
    if value is None:
        return ""
    if value.value is None:
        return "待填"
    return format_number(value.value, value.figure.precision) + value.unit


def terminal_text(found: Table) -> str:
    header, rows = found
    return text_table([header, *rows])


def csv_text(found: Table) -> str:
    """UTF-8 with BOM for Excel and WPS; text that a spreadsheet would run as a formula is quoted."""
    header, rows = found
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(tuple(map(inert_cell, row)) for row in rows)
    return "\ufeff" + buffer.getvalue()


def compare_bodies(loaded: list[Loaded], profile: layout.Profile, out_dir: Path) -> tuple[str, list[Path]]:
    """The terminal table, and the CSV and DOCX written into `out_dir`."""
    from generator.writers import docx

    found = table(loaded)
    year = loaded[0].report.meta.year
    stem = f"{year}年各单位法治政府建设数据对照"
    document = doc.Document(year=year, title_lines=(f"{year}年各单位", "法治政府建设主要数据对照"), body=(doc.Table(found[0], tuple(found[1])),))
    written = write_all({
        out_dir / f"{stem}.csv": lambda path: path.write_text(csv_text(found), encoding="utf-8"),
        out_dir / f"{stem}.docx": lambda path: docx.write(document, profile, path),
    })
    return terminal_text(found), written
