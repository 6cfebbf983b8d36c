"""Which font each role (title, body, headings, page number) gets in the PDF.

A PDF embeds its fonts, so it can only use what this machine has. The layout profile lists, per
role, candidates best first: `{family: X[, weight: N]}` is a family installed on the system
(asked of fontconfig once), `{file: NAME}` a font file in the project's `.fonts/` folder. The
first candidate found wins; when none is found the build stops with a message saying how to
install one, rather than print empty boxes (tofu) where the text should be.
"""
from __future__ import annotations

import functools
import os
import re
import subprocess
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import Any

from .errors import DataError
from .layout import Profile

ROLES = ("title", "body", "heading1", "heading2", "heading3", "heading4", "table", "page_number")
FONTS_DIR = Path(__file__).resolve().parent.parent / ".fonts"
FONTS_DIR_ENV = "FAZHI_FONTS_DIR"

# fontconfig's weight scale and the CSS weights it stands for (fontconfig's FcWeightToOpenType).
_FC_TO_CSS = ((0, 100), (40, 200), (50, 300), (55, 350), (75, 380), (80, 400), (100, 500),
              (180, 600), (200, 700), (205, 800), (210, 900), (215, 1000))
_UNESCAPED_COMMA = re.compile(r"(?<!\\),")


@dataclass(frozen=True)
class Face:
    """The font a role is set in: an installed family, or a file declared with @font-face."""

    role: str
    family: str  # the CSS font-family name
    weight: int  # the CSS font-weight for the role's text
    path: Path | None = None  # a file from the fonts folder; None for an installed family
    skipped: tuple[str, ...] = ()  # better candidates that are not installed
    lacks_bold: bool = False  # the profile asks for bold, the face has none (the PDF cannot fake it)

    @property
    def name(self) -> str:
        """How a note names the font: the file name, or the family (with its weight if set)."""
        if self.path is not None:
            return self.path.name
        return self.family if self.weight == 400 else f"{self.family} (weight {self.weight})"


class ResolvedFonts(Mapping[str, Face]):
    """The face of every role, and notes on the substitutes used."""

    def __init__(self, faces: dict[str, Face]) -> None:
        self._faces = MappingProxyType(dict(faces))

    def __getitem__(self, role: str) -> Face:
        return self._faces[role]

    def __iter__(self) -> Iterator[str]:
        return iter(self._faces)

    def __len__(self) -> int:
        return len(self._faces)

    def files(self) -> dict[Path, str]:
        """Font files to declare with @font-face, each with its CSS family name."""
        return {face.path: face.family for face in self._faces.values() if face.path is not None}

    def notes(self) -> list[str]:
        """One line per substitution (or missing bold), roles with the same note named together."""
        by_text: dict[str, list[str]] = {}
        for face in self._faces.values():
            if face.skipped:
                by_text.setdefault(f"{', '.join(face.skipped)} not installed; using {face.name}", []).append(face.role)
            if face.lacks_bold:
                by_text.setdefault(f"bold asked for, but {face.name} has no bold face; set regular", []).append(face.role)
        return [f"{', '.join(roles)}: {text}" for text, roles in by_text.items()]


def fonts_dir() -> Path:
    """The project's font folder; FAZHI_FONTS_DIR points elsewhere (tests, shared installs)."""
    override = os.environ.get(FONTS_DIR_ENV)
    return Path(override) if override else FONTS_DIR


def resolve(profile: Profile) -> ResolvedFonts:
    """Pick each role's face from the profile's `fonts.<role>.pdf` candidates (roles it has)."""
    return ResolvedFonts({role: _resolve_role(role, profile["fonts"][role]) for role in ROLES if role in profile["fonts"]})


def _resolve_role(role: str, spec: dict[str, Any]) -> Face:
    """The first candidate found. A candidate's `weight` is the weight of its face (a file's
    own, or the one wanted from a family); without it, the role's bold setting decides."""
    bold = bool(spec.get("bold"))
    tried: list[str] = []
    folder = fonts_dir()
    for candidate in spec["pdf"]:
        weight = int(candidate.get("weight", 700 if bold else 400))
        if "file" in candidate:
            path = folder / candidate["file"]
            if path.is_file():
                lacks_bold = bold and int(candidate.get("weight", 400)) < 600  # a file is one face
                return Face(role, path.stem, weight, path.resolve(), tuple(tried), lacks_bold)
            tried.append(candidate["file"])
        else:
            family = candidate["family"]
            if _installed(family, weight if "weight" in candidate else None):
                lacks_bold = bold and weight >= 600 and not _installed(family, weight)
                return Face(role, family, weight, None, tuple(tried), lacks_bold)
            tried.append(family if "weight" not in candidate else f"{family} {weight}")
    raise DataError(
        None,
        f"no font for the PDF's {role} text: tried {', '.join(tried) or 'nothing (the profile lists no candidates)'}. "
        f"Run `make setup` (or scripts/setup-fonts.sh) to put the free Fandol fonts into {folder}, "
        "or install one of the families named (with Chinese coverage) on this machine",
    )


def _installed(family: str, weight: int | None) -> bool:
    """True when fontconfig has the family with Chinese coverage (and the weight, if asked for)."""
    weights = _chinese_families().get(family.casefold())
    if weights is None:
        return False
    return weight is None or any(low - 50 <= weight <= high + 50 for low, high in weights)


@functools.cache
def _chinese_families() -> dict[str, list[tuple[int, int]]]:
    """Installed families covering Chinese, casefolded, with the CSS weight ranges of their faces."""
    try:
        listing = subprocess.run(
            ["fc-list", ":lang=zh", "--format", "%{family}\t%{weight}\n"],
            capture_output=True, text=True, check=True,
        ).stdout
    except (OSError, subprocess.CalledProcessError):
        return {}
    families: dict[str, list[tuple[int, int]]] = {}
    for line in listing.splitlines():
        names, _, weight = line.partition("\t")
        css_range = _css_weights(weight)
        for name in _UNESCAPED_COMMA.split(names):
            families.setdefault(name.replace("\\", "").strip().casefold(), []).append(css_range)
    return families


def _css_weights(fc_weight: str) -> tuple[int, int]:
    """A fontconfig weight ("80", or "[0 210]" for a variable font) as a CSS weight range."""
    numbers = [float(n) for n in re.findall(r"[\d.]+", fc_weight)] or [80.0]
    low, high = min(numbers), max(numbers)
    return _to_css(low), _to_css(high)


def _to_css(fc: float) -> int:
    for (fc_low, css_low), (fc_high, css_high) in zip(_FC_TO_CSS, _FC_TO_CSS[1:]):
        if fc <= fc_high:
            return round(css_low + (css_high - css_low) * (max(fc, fc_low) - fc_low) / (fc_high - fc_low))
    return _FC_TO_CSS[-1][1]
