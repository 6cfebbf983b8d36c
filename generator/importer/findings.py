"""What an import found: the data, and the repairs and notes the user should read before using it.

Kept apart so that recognising the report (structure) and writing the data file (datafile) share
these types without depending on each other.
"""
from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Repair:
    """A change to the input's wording, so the data renders consistently; `seed` → `ours`."""

    line: int
    message: str
    seed: str
    ours: str


@dataclass(frozen=True)
class Note:
    """A line kept as it was but worth a look (a paragraph it could not place, a doubtful heading)."""

    line: int
    message: str


@dataclass
class Imported:
    """The data to write, and what the summary tells the user about how it was read."""

    data: dict[str, object]
    year: int
    text: str  # the input as text, page chrome removed
    sections: int = 0
    repairs: list[Repair] = field(default_factory=list)
    notes: list[Note] = field(default_factory=list)
    chrome: list[str] = field(default_factory=list)  # web page lines left out

    @property
    def figures(self) -> dict[str, dict[str, object]]:
        return self.data.get("figures", {})  # type: ignore[return-value]

    def summary(self) -> str:
        lines = [f"report year {self.year}: {self.sections} sections, {len(self.figures)} figures; "
                 f"repaired {len(self.repairs)}, to check {len(self.notes)}"]
        lines += [f"  repaired line {r.line}: {r.message}" for r in self.repairs]
        lines += [f"  check line {n.line}: {n.message}" for n in self.notes]
        if self.chrome:
            lines.append(f"  left out {len(self.chrome)} web page lines: {' | '.join(self.chrome)}")
        return "\n".join(lines)
