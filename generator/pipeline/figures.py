"""Figures: compute formulas, round and format numbers the way Chinese reports write them."""
from __future__ import annotations

import ast
import math
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Callable, Mapping

from generator.chinese import did_you_mean
from generator.errors import DataError
from generator.pipeline.model import Figure, Text

_SCALES = {"万": 10_000, "亿": 100_000_000}


# Private-use characters that mark a placeholder inside rendered text; the resolver turns the
# marked run into a span of its own, which writers highlight.
PLACEHOLDER_START, PLACEHOLDER_END = "\ue000", "\ue001"
MAX_PRECISION = 6  # digits after the decimal point a figure or .yoy() may ask for
LARGEST = 10**15  # a thousand trillion: no county counts more, and floats print exactly below it


class FigureProblem(ValueError):
    """A figure asked for what it cannot give (同比 without last year's value): a Chinese sentence."""


@dataclass(frozen=True)
class FigureValue:
    """A figure as templates see it: `{{ 审结 }}` gives "130件", `.number` "130", `.value` 130.

    `value` is None while the figure is not filled in (a draft); then the figure renders as a
    visible placeholder that shows last year's value.
    """

    figure: Figure
    value: float | int | None
    last: float | int | None = None  # last year's value, when the data gives it
    year: int | None = None  # the report year, to name last year in placeholders

    @property
    def unit(self) -> str:
        return "%" if self.figure.percent else self.figure.unit

    @property
    def number(self) -> str:
        return self.placeholder() if self.value is None else self._format(self.value)

    def _format(self, value: float | int) -> str:
        return format_number(value, self.figure.precision, self.figure.display)

    def placeholder(self, what: str = "") -> str:
        last_year = f"{self.year - 1}年" if self.year else "上年"
        last = f"{last_year}为{self._format(self.last)}{self.unit}" if self.last is not None else f"{last_year}无数"
        return f"{PLACEHOLDER_START}【待填：{what or self.figure.label or self.figure.name}，{last}】{PLACEHOLDER_END}"

    def yoy(self, precision: int = 1) -> str:
        """同比增长12.4% / 同比下降3.2% / 与上年持平, computed from last year's value."""
        if isinstance(precision, bool) or not isinstance(precision, int) or not 0 <= precision <= MAX_PRECISION:
            raise FigureProblem(f"{self.figure.name}.yoy() 括号中是保留的小数位数，应为 0 至 {MAX_PRECISION} 之间的整数，这里写的是 {precision!r}")
        if self.last is None:
            raise FigureProblem(f"数字“{self.figure.name}”没有 last_year（上年数值），无法计算同比；请在 figures 中给它加上 last_year")
        if self.value is None:
            return self.placeholder(f"{self.figure.label or self.figure.name}同比")
        if self.last == 0:
            raise FigureProblem(f"数字“{self.figure.name}”上年为 0，无法计算同比增减的百分比；可改用 {self.figure.name}.change()")
        change = Decimal(repr((self.value - self.last) / self.last * 100)).quantize(Decimal(1).scaleb(-precision), ROUND_HALF_UP)
        if change == 0:
            return "与上年持平"
        return f"同比{'增长' if change > 0 else '下降'}{abs(change)}%"

    def change(self) -> str:
        """增加25件 / 减少3件 / 与上年持平: the difference from last year with the unit."""
        if self.last is None:
            raise FigureProblem(f"数字“{self.figure.name}”没有 last_year（上年数值），无法计算增减；请在 figures 中给它加上 last_year")
        if self.value is None:
            return self.placeholder(f"{self.figure.label or self.figure.name}增减")
        difference = self.value - self.last
        if difference == 0:
            return "与上年持平"
        return f"{'增加' if difference > 0 else '减少'}{format_number(abs(difference), self.figure.precision)}{self.unit}"

    def __str__(self) -> str:
        return self.number if self.value is None else self.number + self.unit


class TemplateFigure:
    """A figure as the text of a report sees it: exactly the members docs/data-format.md lists.

    Templates get this, never the FigureValue: its `.figure` leads on to the model, to a Location
    and from there to the file system. The sandbox allows MEMBERS and nothing else."""

    ATTRIBUTES = ("number", "unit", "value")
    METHODS = ("yoy", "change")
    MEMBERS = ATTRIBUTES + METHODS
    __slots__ = ("_figure",)

    def __init__(self, figure: FigureValue) -> None:
        self._figure = figure

    @property
    def number(self) -> str:
        return self._figure.number

    @property
    def unit(self) -> str:
        return self._figure.unit

    @property
    def value(self) -> float | int | str:
        """The number, for arithmetic; while not filled in, the placeholder (never "None")."""
        return self._figure.placeholder() if self._figure.value is None else self._figure.value

    def yoy(self, precision: int = 1) -> str:
        return self._figure.yoy(precision)

    def change(self) -> str:
        return self._figure.change()

    def __str__(self) -> str:
        return str(self._figure)


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


def evaluate(figures: dict[str, Figure], year: int | None = None) -> dict[str, FigureValue]:
    """Every figure's value and last year's value, formulas computed from the figures they name."""
    this_year = _values(figures, lambda f: f.value)
    last_year = _values(figures, lambda f: f.last_year)
    for name, figure in figures.items():
        computed = this_year[name]
        if figure.formula is not None and "余" in figure.display and computed is not None and computed < 0:
            raise DataError(figure.formula.location, f"数字“{name}”的公式算出 {computed:g}，带“余”的写法（display: {figure.display}）只用于正数；请检查公式或去掉 display")
    return {name: FigureValue(figures[name], this_year[name], last_year[name], year) for name in figures}


def _values(figures: dict[str, Figure], stated: Callable[[Figure], float | int | None]) -> dict[str, float | int | None]:
    """Stated values, and formulas over them; a formula over an unknown value is unknown."""
    values: dict[str, float | int | None] = {}

    def value_of(name: str, chain: tuple[str, ...]) -> float | int | None:
        if name in values:
            return values[name]
        figure = figures[name]
        if figure.formula is None:
            result = stated(figure)
        else:
            if name in chain:
                cycle = " → ".join(chain[chain.index(name):] + (name,))
                raise DataError(figure.formula.location, f"数字“{name}”的公式绕回了它自己：{cycle}；请改正公式")
            result = compute(figure.formula, name, lambda other: value_of(other, chain + (name,)), figures)
            if figure.percent and result is not None:
                result *= 100
            if result is not None and not abs(result) < LARGEST:
                raise DataError(figure.formula.location, f"数字“{name}”的公式算出 {result:g}，大得不合常理（超过一千万亿）；请检查公式")
        values[name] = result
        return result

    for name in figures:
        value_of(name, ())
    return values


def compute(formula: Text, owner: str, value_of: Callable[[str], float | None], figures: Mapping[str, object]) -> float | None:
    """Evaluate an arithmetic formula over figure names; None when a figure it needs is unknown.

    `owner` names the figure in messages."""
    allowed = "公式只能由数字的名称、数、+ - * / 和括号组成，例如 败诉 / 审结"
    try:
        tree = ast.parse(formula.template.strip(), mode="eval")
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        raise DataError(formula.location, f"数字“{owner}”的公式不是一个算式；{allowed}") from None

    def walk(node: ast.AST) -> float | None:
        if isinstance(node, ast.Expression):
            return walk(node.body)
        if isinstance(node, ast.Constant) and isinstance(node.value, (int, float)) and not isinstance(node.value, bool):
            return _finite(node.value)
        if isinstance(node, ast.Name):
            if node.id not in figures:
                raise DataError(formula.location_of(node.id), f"数字“{owner}”的公式用到了“{node.id}”，但 figures 中没有这个数字{did_you_mean(node.id, figures)}")
            return value_of(node.id)
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
            operand = walk(node.operand)
            return -operand if isinstance(node.op, ast.USub) and operand is not None else operand
        if isinstance(node, ast.BinOp) and isinstance(node.op, (ast.Add, ast.Sub, ast.Mult, ast.Div)):
            left, right = walk(node.left), walk(node.right)
            if left is None or right is None:
                return None
            if isinstance(node.op, ast.Div):
                if right == 0:
                    divisor = ast.unparse(node.right)
                    raise DataError(formula.location_of(divisor), f"数字“{owner}”的公式中除数 {divisor} 为 0，无法计算")
                return _finite(left / right)
            return _finite(left + right if isinstance(node.op, ast.Add) else left - right if isinstance(node.op, ast.Sub) else left * right)
        raise DataError(formula.location, f"数字“{owner}”的公式中有“{ast.unparse(node)}”；{allowed}")

    try:
        return walk(tree)
    except (OverflowError, RecursionError):
        raise DataError(formula.location, f"数字“{owner}”的公式算出的数太大或嵌套太深，无法计算；请检查公式") from None


def _finite(result: float) -> float:
    """A formula's intermediate result, or OverflowError when it has left any sensible range."""
    if isinstance(result, float) and not math.isfinite(result) or isinstance(result, int) and result.bit_length() > 1000:
        raise OverflowError
    return result
