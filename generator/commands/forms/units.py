"""Who reports which figure: the unit named by `from:`, the office itself for the rest."""
from __future__ import annotations

from dataclasses import dataclass

from generator.pipeline.model import Figure, Report

OFFICE_FALLBACK = "本单位"


def office(report: Report) -> str:
    """The unit that answers for figures naming no unit: the issuer of the report."""
    return report.meta.issuer.strip() or OFFICE_FALLBACK


def is_percent(figure: Figure) -> bool:
    return figure.percent or figure.unit.strip() in ("%", "％")


def by_unit(report: Report) -> dict[str, list[Figure]]:
    """The figures each unit is asked for, units in the order they first appear. Computed
    figures (formulas) are asked of nobody."""
    units: dict[str, list[Figure]] = {}
    for figure in report.figures.values():
        if figure.formula is None:
            units.setdefault(figure.source_unit.strip() or office(report), []).append(figure)
    return units


@dataclass(frozen=True)
class UnitState:
    """How far one unit's figures have come in: filled in the data file, or still empty."""

    unit: str
    filled: tuple[str, ...]  # names of figures with this year's value
    empty: tuple[str, ...]  # names of figures still waiting for it

    @property
    def status(self) -> str:
        if not self.empty:
            return "已报齐"
        return "部分填报" if self.filled else "未填报"


def collection_state(report: Report) -> list[UnitState]:
    """Each unit with its filled and empty figures, for the review page and `merge`'s table."""
    return [
        UnitState(
            unit,
            tuple(f.name for f in figures if f.value is not None),
            tuple(f.name for f in figures if f.value is None),
        )
        for unit, figures in by_unit(report).items()
    ]
