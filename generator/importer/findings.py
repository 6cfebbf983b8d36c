"""What an import found: the data, and the repairs and guesses the user should read before using it.

Kept apart so that recognising the report (structure) and writing the data file (datafile) share
these types without depending on each other.
"""
from __future__ import annotations

from dataclasses import dataclass, field

_CHROME_SHOWN = 10


@dataclass(frozen=True)
class Repair:
    """A change to the input's wording, so the data renders consistently; `seed` → `ours`."""

    where: str  # 第12行, 第3段, 第2页; "" for the file as a whole
    message: str
    seed: str
    ours: str


@dataclass(frozen=True)
class Note:
    """A guess, or a line kept as it was but worth a look (a paragraph it could not place)."""

    where: str
    message: str


@dataclass
class Imported:
    """The data to write, and what the summary tells the user about how it was read."""

    data: dict[str, object]
    year: int
    text: str  # the report's text from the 主送机关 on, page chrome removed: what the data must render
    title: str = ""  # the title as the input writes it; "" when the input has none or --title replaced it
    sections: int = 0
    repairs: list[Repair] = field(default_factory=list)
    notes: list[Note] = field(default_factory=list)
    chrome: list[str] = field(default_factory=list)  # page lines left out

    @property
    def figures(self) -> dict[str, dict[str, object]]:
        return self.data.get("figures", {})  # type: ignore[return-value]

    def summary(self) -> str:
        lines = [f"报告年度 {self.year}：{self.sections} 个部分，{len(self.figures)} 项数据；"
                 f"修复 {len(self.repairs)} 处，待核对 {len(self.notes)} 处"]
        lines += [_line(r.where, "修复", r.message) for r in self.repairs]
        lines += [_line(n.where, "待核对", n.message) for n in self.notes]
        if self.chrome:
            shown = " | ".join((c if len(c) <= 24 else c[:24] + "…").replace("\t", " ") for c in self.chrome[:_CHROME_SHOWN])
            more = " 等" if len(self.chrome) > _CHROME_SHOWN else ""
            lines.append(f"略去网页或页面上不属于报告的 {len(self.chrome)} 行：{shown}{more}")
        return "\n".join(lines)


def _line(where: str, kind: str, message: str) -> str:
    return f"{where} {kind}：{message}" if where else f"{kind}：{message}"
