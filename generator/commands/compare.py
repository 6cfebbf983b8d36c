"""`compare`: every figure of two years side by side — for the reviewers' 同比 questions.

Printed as a terminal table and written as CSV (Excel/WPS) and DOCX; the review page writes the
same CSV through `write_csv`."""
from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

from generator import outputs
from generator.atomic import write_all
from generator.commands.forms import inert_cell, text_table
from generator.config import layout
from generator.pipeline import document as doc
from generator.pipeline.figures import FigureValue, evaluate, format_number
from generator.pipeline.model import Report

HEADER = ("名称", "说明", "单位", "上年", "本年", "增减", "增减%")


@dataclass(frozen=True)
class Row:
    name: str
    label: str
    unit: str
    last: float | int | None
    this: float | int | None
    precision: int | None

    def cells(self) -> tuple[str, ...]:
        """Each number as the report shows it (its own decimals); the change is worked out in
        decimal on those, so it has their decimals and no binary noise (98.58 − 98.48 = 0.10)."""
        def number(value: float | int | None) -> str:
            return "" if value is None else format_number(value, self.precision)

        change = percent = ""
        if self.last is not None and self.this is not None:
            last, this = Decimal(number(self.last)), Decimal(number(self.this))
            difference = this - last
            change = "0" if difference == 0 else f"{difference:+f}"
            if self.unit != "%" and last:
                percent = f"{(difference / last * 100).quantize(Decimal('0.1'), ROUND_HALF_UP):+f}"
        return (self.name, self.label, self.unit, number(self.last), number(self.this), change, percent)


def rows(last: Report, this: Report) -> list[Row]:
    """One row per figure of either year, this year's order first, then figures dropped since."""
    last_values, this_values = evaluate(last.figures), evaluate(this.figures)
    names = list(this.figures) + [n for n in last.figures if n not in this.figures]
    result = []
    for name in names:
        current: FigureValue | None = this_values.get(name)
        before: FigureValue | None = last_values.get(name)
        shown = current or before
        assert shown is not None  # the name is a figure of one year or the other
        previous = before.value if before else (current.last if current else None)
        result.append(Row(name, shown.figure.label, shown.unit, previous, current.value if current else None, shown.figure.precision))
    return result


def csv_text(table: list[Row]) -> str:
    """UTF-8 with BOM, so Excel and WPS open the Chinese intact. Text cells that a spreadsheet
    would take for a formula (=, +, -, @ first) are prefixed with ' (OWASP: CSV injection);
    the number columns are numbers and stay as they are."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(HEADER)
    writer.writerows((*map(inert_cell, row.cells()[:3]), *row.cells()[3:]) for row in table)
    return "\ufeff" + buffer.getvalue()


def terminal_text(table: list[Row]) -> str:
    return text_table([HEADER, *(row.cells() for row in table)])


def as_document(last: Report, this: Report, table: list[Row], data_version: str = "") -> doc.Document:
    """The table as a one-table document, so the DOCX writer sets it in the report's layout."""
    meta = this.meta
    return doc.Document(
        year=meta.year,
        title_lines=(f"{meta.issuer}{meta.year}年与{last.meta.year}年", "法治政府建设主要数据对比"),
        body=(doc.Table(HEADER, tuple(row.cells() for row in table)),),
        data_version=data_version,
    )


def stem(last: Report, this: Report) -> str:
    return f"{this.meta.year}年与{last.meta.year}年数据对比"


def write_csv(last: Report, this: Report, path: Path) -> None:
    path.write_text(csv_text(rows(last, this)), encoding="utf-8")


def write_docx(last: Report, this: Report, profile: layout.Profile, path: Path, data_version: str = "") -> None:
    from generator.writers import docx

    docx.write(as_document(last, this, rows(last, this), data_version), profile, path)


def compare(last: Report, this: Report, profile: layout.Profile, out_dir: Path, data_version: str = "") -> tuple[str, list[Path], list[Path]]:
    """The terminal table, the CSV and DOCX written into `out_dir`, and the outputs of another
    version of this year's data moved aside (generator/outputs.py)."""
    name = stem(last, this)
    written = write_all({
        out_dir / f"{name}.csv": lambda path: write_csv(last, this, path),
        out_dir / f"{name}.docx": lambda path: write_docx(last, this, profile, path, data_version),
    })
    moved = outputs.record(out_dir, written, data_version, this.meta.year) if data_version else []
    return terminal_text(rows(last, this)), written, moved


