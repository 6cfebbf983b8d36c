"""Figures: compute formulas, round and format numbers the way Chinese reports write them."""
from __future__ import annotations

import ast
import difflib
import math
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Callable, Mapping

from .errors import DataError
from .model import Figure, Text

_SCALES = {"万": 10_000, "亿": 100_000_000}


@dataclass(frozen=True)
class FigureValue:
    """A figure as templates see it: `{{ 审结 }}` gives "130件", `.number` "130", `.value` 130."""

    figure: Figure
    value: float | int

    @property
    def number(self) -> str:
        return format_number(self.value, self.figure.precision, self.figure.display)

    @property
    def unit(self) -> str:
        return "%" if self.figure.percent else self.figure.unit

    def __str__(self) -> str:
        return self.number + self.unit


def format_number(value: float | int, precision: int | None, display: str = "") -> str:
    """217 → "217"; 5.384 with precision 2 → "5.38"; 200000 as 余万 → "20余"+"万"."""
    scale_name = display.replace("余", "")
    scaled = value / _SCALES[scale_name] if scale_name else value
    if "余" in display:
        digits = str(math.floor(scaled))
    elif precision is not None:
        digits = str(Decimal(repr(scaled)).quantize(Decimal(1).scaleb(-precision), ROUND_HALF_UP))
    elif float(scaled).is_integer():
        digits = str(int(scaled))
    else:
        digits = repr(float(scaled))
    if display.startswith("余"):
        return digits + display
    if display.endswith("余") and scale_name:
        return digits + scale_name + "余"
    return digits + display


def evaluate(figures: dict[str, Figure]) -> dict[str, FigureValue]:
    """Every figure's value, formulas computed from the figures they name."""
    values: dict[str, float | int] = {}

    def value_of(name: str, chain: tuple[str, ...]) -> float | int:
        if name in values:
            return values[name]
        figure = figures[name]
        if figure.value is not None:
            result: float | int = figure.value
        else:
            if name in chain:
                cycle = " → ".join(chain[chain.index(name):] + (name,))
                raise DataError(figure.formula.location, f"formula of '{name}' depends on itself: {cycle}")
            result = compute(figure.formula, name, lambda other: value_of(other, chain + (name,)), figures)
            if figure.percent:
                result *= 100
        values[name] = result
        return result

    for name in figures:
        value_of(name, ())
    return {name: FigureValue(figures[name], values[name]) for name in figures}


def compute(formula: Text, owner: str, value_of: Callable[[str], float], figures: Mapping[str, object]) -> float:
    """Evaluate an arithmetic formula over figure names; `owner` names the figure in messages."""
    try:
        tree = ast.parse(formula.template.strip(), mode="eval")
    except SyntaxError:
        raise DataError(formula.location, f"formula of '{owner}' is not an arithmetic expression; expected names of figures, numbers, + - * / and parentheses, e.g. 败诉 / 审结") from None

    def walk(node: ast.AST) -> float:
        if isinstance(node, ast.Expression):
            return walk(node.body)
        if isinstance(node, ast.Constant) and isinstance(node.value, (int, float)) and not isinstance(node.value, bool):
            return node.value
        if isinstance(node, ast.Name):
            if node.id not in figures:
                raise DataError(formula.location_of(node.id), f"formula of '{owner}' names '{node.id}', which is not a figure{_known(node.id, figures)}")
            return value_of(node.id)
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
            operand = walk(node.operand)
            return -operand if isinstance(node.op, ast.USub) else operand
        if isinstance(node, ast.BinOp) and isinstance(node.op, (ast.Add, ast.Sub, ast.Mult, ast.Div)):
            left, right = walk(node.left), walk(node.right)
            if isinstance(node.op, ast.Div):
                if right == 0:
                    divisor = ast.unparse(node.right)
                    raise DataError(formula.location_of(divisor), f"division by zero in the formula of '{owner}': {divisor} is 0")
                return left / right
            return left + right if isinstance(node.op, ast.Add) else left - right if isinstance(node.op, ast.Sub) else left * right
        raise DataError(formula.location, f"formula of '{owner}' may use only figure names, numbers, + - * / and parentheses; found '{ast.unparse(node)}'")

    return walk(tree)


def _known(name: str, figures: Mapping[str, object]) -> str:
    close = difflib.get_close_matches(name, list(figures), n=1)
    return f" (did you mean '{close[0]}'?)" if close else ""
