"""Which font each role (title, body, headings, page number) gets in the PDF.

A PDF embeds its fonts, so it can only use what this machine has. The layout profile lists, per
role, candidates best first: `{family: X[, weight: N]}` is a family installed on the system
(asked of fontconfig once), `{file: NAME}` a font file in the project's `.fonts/` folder. The
first candidate found wins; when none is found the build stops with a message saying how to
install one, rather than print empty boxes (tofu) where the text should be.

The fonts folder is made known to fontconfig itself (`fontconfig_file`): a small configuration
in the cache folder includes the machine's own, adds the folder, and gives each font file there
its file name as a family, as WeasyPrint's @font-face rules would. fontconfig reads the files once
and keeps what it found in its own cache beside that configuration, and the stylesheet names the
family; with @font-face every process read each file (several MB) and WeasyPrint copied it into
a temporary folder for fontconfig to read again. Naming by file keeps apart faces that the files
describe alike: Fandol's Bold files give the regular weight, so family and weight could not
pick them. A file that fontconfig does not list under its name (not a font, no Chinese, no
fc-list, a cache folder that cannot be written) is declared with @font-face as before.
FONTCONFIG_FILE names the configuration only for the fc-list this module starts and, in this
process, while WeasyPrint reads its fontconfig setup (`fontconfig_selected`); the user's own
setting is back in place afterwards, and nothing is written outside the cache folder.
"""
from __future__ import annotations

import functools
import hashlib
import os
import re
import shutil
import subprocess
import tempfile
import threading
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType

from generator.config.layout import FontSpec, Profile
from generator.errors import DataError
from generator.resources import cache_dir, fonts_dir

ROLES = ("title", "body", "heading1", "heading2", "heading3", "heading4", "table", "page_number")
# How a clerk names each role (the profile's key follows in brackets in the notes).
ROLE_NAMES = {"title": "标题", "body": "正文", "heading1": "一级标题", "heading2": "二级标题", "heading3": "三级标题",
              "heading4": "四级标题", "table": "表格", "page_number": "页码"}
FONT_SUFFIXES = (".otf", ".ttf", ".otc", ".ttc")  # the font files fontconfig is told about

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
    in_fontconfig: bool = False  # a file fontconfig has under `family`: no @font-face needed

    @property
    def name(self) -> str:
        """How a note names the font, as a font menu shows it: FandolSong 粗体, not the file
        FandolSong-Bold.otf; an installed family with its weight when not the regular one."""
        if self.path is not None:
            family, _, style = self.path.stem.partition("-")
            return family if style.lower() in ("", "regular") else f"{family} {_STYLES.get(style.lower(), style)}"
        return self.family if self.weight == 400 else f"{self.family} {_WEIGHTS.get(self.weight, f'（字重 {self.weight}）')}"


# How a face's style and weight read in a note.
_STYLES = {"bold": "粗体", "light": "细体", "medium": "中等", "italic": "斜体", "bolditalic": "粗斜体"}
_WEIGHTS = {300: "细体", 500: "中等", 600: "半粗体", 700: "粗体", 900: "特粗体"}


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
        """Font files to declare with @font-face, each with its CSS family name: those of the
        fonts folder that fontconfig does not already have under that name."""
        return {face.path: face.family for face in self._faces.values() if face.path is not None and not face.in_fontconfig}

    def notes(self) -> list[str]:
        """One line per substitution (or missing bold), roles with the same note named together."""
        by_text: dict[str, list[str]] = {}
        for face in self._faces.values():
            if face.skipped:
                by_text.setdefault(f"本机未安装 {'、'.join(face.skipped)}，PDF 改用 {face.name}", []).append(face.role)
            if face.lacks_bold:
                by_text.setdefault(f"要求加粗，但 {face.name} 没有粗体，PDF 中按常规字重排印", []).append(face.role)
        return [f"{'、'.join(ROLE_NAMES[r] for r in roles)}：{text}" for text, roles in by_text.items()]


def resolve(profile: Profile) -> ResolvedFonts:
    """Pick each role's face from the profile's `fonts.<role>.pdf` candidates (roles it has)."""
    specs = roles(profile)
    return ResolvedFonts({role: _resolve_role(role, specs[role]) for role in ROLES if role in specs})


def roles(profile: Profile) -> dict[str, FontSpec]:
    """The profile's fonts by role name (a role missing from the profile is left out)."""
    return dict(profile["fonts"].items())  # type: ignore[arg-type]  # a TypedDict's values, by name


def _resolve_role(role: str, spec: FontSpec) -> Face:
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
                known = _fontconfig_file_families().get(_listed_path(path)) == path.stem
                return Face(role, path.stem, weight, path.resolve(), tuple(tried), lacks_bold, known)
            tried.append(candidate["file"])
        else:
            family = candidate["family"]
            if _installed(family, weight if "weight" in candidate else None):
                lacks_bold = bold and weight >= 600 and not _installed(family, weight)
                return Face(role, family, weight, None, tuple(tried), lacks_bold)
            tried.append(family if "weight" not in candidate else f"{family} {weight}")
    raise DataError(
        None,
        f"PDF 的{ROLE_NAMES[role]}找不到可用的字体：试过 {'、'.join(tried) or '（版式配置没有列出候选字体）'}。"
        f"请运行 make setup（或 scripts/setup-fonts.sh）把免费的 Fandol 字体放进 {folder}，"
        "或在本机安装上面列出的任一字体（需含中文）",
    )


def _installed(family: str, weight: int | None) -> bool:
    """True when fontconfig has the family with Chinese coverage (and the weight, if asked for)."""
    weights = _chinese_families().get(family.casefold())
    if weights is None:
        return False
    return weight is None or any(low - 50 <= weight <= high + 50 for low, high in weights)


def _chinese_families() -> dict[str, list[tuple[int, int]]]:
    """Installed families covering Chinese, casefolded, with the CSS weight ranges of their faces."""
    return _fontconfig_fonts(*_config_version())[0]


def _fontconfig_file_families() -> dict[str, str]:
    """The first family of each font file covering Chinese, by the file's path."""
    return _fontconfig_fonts(*_config_version())[1]


def _config_version() -> tuple[str | None, int]:
    """The project's configuration and when it was written (fonts added to the folder rewrite it)."""
    config = fontconfig_file()
    if config is None:
        return None, 0
    try:
        return str(config), config.stat().st_mtime_ns
    except OSError:
        return None, 0


@functools.cache
def _fontconfig_fonts(config: str | None, written: int) -> tuple[dict[str, list[tuple[int, int]]], dict[str, str]]:
    """What fontconfig (with the project's configuration, when there is one) lists as covering
    Chinese: the families with their CSS weight ranges, and the first family of each file. Asked
    once per process and configuration (`written` tells a rewritten configuration apart)."""
    environment = None if config is None else {**os.environ, "FONTCONFIG_FILE": config}
    try:
        listing = subprocess.run(
            ["fc-list", ":lang=zh", "--format", "%{family}\t%{weight}\t%{file}\n"],
            capture_output=True, text=True, check=True, env=environment,
        ).stdout
    except (OSError, subprocess.CalledProcessError):
        return {}, {}
    families: dict[str, list[tuple[int, int]]] = {}
    files: dict[str, str] = {}
    for line in listing.splitlines():
        listed, weight, file = (line.split("\t") + ["", ""])[:3]
        css_range = _css_weights(weight)
        names = [name.replace("\\", "").strip() for name in _UNESCAPED_COMMA.split(listed)]
        for name in names:
            families.setdefault(name.casefold(), []).append(css_range)
        if file:
            files.setdefault(file, names[0])
    return families, files


# -- the fonts folder in fontconfig ------------------------------------------------------------

_ENVIRONMENT_LOCK = threading.RLock()
CONFIG_NAME = "fazhi-fonts.conf"  # not fonts.conf: that is the name the configuration includes
_SCAN_RULES = "fazhi-family-per-file-1"  # names the scan rules below: change it when they change


@contextmanager
def fontconfig_selected() -> Iterator[Path | None]:
    """Inside the block FONTCONFIG_FILE names the project's configuration (yielded; None when
    it cannot be written), for fontconfig in this process to read: WeasyPrint reads it when it is
    imported and when a FontConfiguration is made. The previous value is put back on leaving."""
    config = fontconfig_file()
    if config is None:
        yield None
        return
    with _ENVIRONMENT_LOCK:
        previous = os.environ.get("FONTCONFIG_FILE")
        os.environ["FONTCONFIG_FILE"] = str(config)
        try:
            yield config
        finally:
            if previous is None:
                os.environ.pop("FONTCONFIG_FILE", None)
            else:
                os.environ["FONTCONFIG_FILE"] = previous


def fontconfig_file() -> Path | None:
    """The fontconfig configuration for the fonts folder, in a folder of its own under the cache
    folder (where fontconfig also keeps its cache of the fonts), written when it is missing or
    differs; None when the fonts folder is missing or the file cannot be written."""
    folder = fonts_dir()
    if not folder.is_dir():
        return None
    folder = folder.resolve()
    root = cache_dir() / "fontconfig"
    system = _system_config(root)
    config_dir = root / hashlib.sha256(f"{folder}\0{system}".encode()).hexdigest()[:16]
    config = config_dir / CONFIG_NAME
    text = _config_text(folder, system, config_dir)
    try:
        if config.read_text(encoding="utf-8") == text:
            return config
    except (OSError, UnicodeDecodeError):
        pass
    try:
        config_dir.mkdir(parents=True, exist_ok=True)
        handle, temp = tempfile.mkstemp(dir=config_dir, suffix=".tmp")
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            out.write(text)
        os.replace(temp, config)
    except OSError:
        return None
    _forget_gone_folders(root)
    return config


def _forget_gone_folders(root: Path) -> None:
    """Remove the configurations (and fontconfig's caches) of font folders that no longer exist,
    such as the temporary ones of tests."""
    for config in root.glob(f"*/{CONFIG_NAME}"):
        try:
            named = re.search(r"<dir[^>]*>([^<]*)</dir>", config.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError):
            continue
        if named and not Path(_unescape(named.group(1))).is_dir():
            shutil.rmtree(config.parent, ignore_errors=True)


def _system_config(root: Path) -> str:
    """The configuration fontconfig would read without us: FONTCONFIG_FILE if the user set one,
    else `fonts.conf`, which fontconfig looks for in FONTCONFIG_PATH or its own folder."""
    current = os.environ.get("FONTCONFIG_FILE", "")
    if current and root.resolve() not in Path(current).resolve().parents:
        return current
    return "fonts.conf"


def _config_text(folder: Path, system: str, config_dir: Path) -> str:
    """Our cache folder first (the first writable one is where fontconfig writes), the machine's
    configuration, the fonts folder, and a family named after each font file in it.

    The rules act when fontconfig scans the files, and what it finds is cached by folder. The
    folder's `salt` gives our scan a cache file of its own: fontconfig takes the newest valid
    cache of a folder from any of its cache folders, and one written under another
    configuration (without these families) must not stand in for ours."""
    files = sorted(p.name for p in folder.iterdir() if p.suffix.lower() in FONT_SUFFIXES)
    rules = "".join(
        f'  <match target="scan">\n'
        f'    <test name="file" compare="eq"><string>{_escape(str(folder / name))}</string></test>\n'
        f'    <edit name="family" mode="prepend"><string>{_escape(Path(name).stem)}</string></edit>\n'
        f'  </match>\n'
        for name in files
    )
    return (
        '<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "urn:fontconfig:fonts.dtd">\n'
        "<!-- Written by the report generator for its own processes (generator/writers/pdf/fonts.py). -->\n"
        f"<fontconfig>\n  <cachedir>{_escape(str(config_dir))}</cachedir>\n"
        f'  <include ignore_missing="yes">{_escape(system)}</include>\n'
        f'  <dir salt="{_SCAN_RULES}">{_escape(str(folder))}</dir>\n{rules}</fontconfig>\n'
    )


def _escape(text: str) -> str:
    """Text for an XML element of the configuration."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")


def _unescape(text: str) -> str:
    return text.replace("&quot;", '"').replace("&gt;", ">").replace("&lt;", "<").replace("&amp;", "&")


def _listed_path(path: Path) -> str:
    """How fc-list names a file of the fonts folder: the folder as in the configuration."""
    return str(path.parent.resolve() / path.name)


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
