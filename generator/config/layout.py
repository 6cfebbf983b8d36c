"""Layout profiles: the GB/T 9704 numbers the PDF and DOCX writers share, as a typed schema.

A profile is YAML in templates/layouts/. The schema below is the one list of what a profile may
say: every key with its type, and its unit in its name (`_mm` millimetres, `_pt` points,
`_twips` twentieths of a point, `_chars` characters of the body size). A unit's own profile
names the profile it starts from with `extends:` (gbt9704 when it says nothing) and overrides
single values; every mistake in it (an unknown key, a wrong type, a number out of range, an
`extends` that loops) is reported with file, line and column, in the words of the clerk's
colleague who wrote it.
"""
from __future__ import annotations

import functools
import math
import re
import typing
import unicodedata
from pathlib import Path
from typing import Any, NotRequired, TypedDict

from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from generator.chinese import did_you_mean
from generator.errors import DataError, Location, describe_os_error
from generator.pipeline import yamlsource
from generator.resources import templates_dir

LAYOUTS_DIR = templates_dir() / "layouts"
DEFAULT_LAYOUT = "gbt9704"


class PageSpec(TypedDict):
    width_mm: float
    height_mm: float
    margin_top_mm: float
    margin_left_mm: float
    margin_right_mm: float
    margin_bottom_mm: float


class GridSpec(TypedDict):
    lines_per_page: int
    chars_per_line: int
    line_pitch_twips: int
    body_char_spacing_pt: float
    docx_char_spacing_twips: int


class FontCandidate(TypedDict, total=False):
    """One candidate for the PDF: an installed family, or a file of the fonts folder."""

    family: str
    file: str
    weight: int


class _FontSpecOptions(TypedDict, total=False):
    # (total=False, not NotRequired: under `from __future__ import annotations` a TypedDict
    # cannot see NotRequired and would count the key as required)
    western: str  # the DOCX's font for digits and Latin letters; without it, `docx`


class FontSpec(_FontSpecOptions):
    size_pt: float
    bold: bool
    docx: str  # the office font the DOCX names
    pdf: list[FontCandidate]  # candidates for the PDF, best first


class FontsSpec(TypedDict):
    title: FontSpec
    body: FontSpec
    heading1: FontSpec
    heading2: FontSpec
    heading3: FontSpec
    heading4: FontSpec
    table: NotRequired[FontSpec]  # without it, tables are set in the body font
    page_number: FontSpec


class ParagraphSpec(TypedDict):
    first_line_indent_chars: float
    justify: bool


class PageNumberSpec(TypedDict):
    form: str  # "— {n} —"
    below_type_area_mm: float
    outer_indent_chars: float


class ClosingSpec(TypedDict):
    issuer_right_indent_chars: float
    date_shift_chars: float


class TablesSpec(TypedDict):
    rule_pt: float
    cell_padding_chars: float  # left and right, in characters of the body size


class _OfficeFontOptions(TypedDict, total=False):
    alt: str  # the font's other name (仿宋_GB2312 → 仿宋)


class OfficeFontSpec(_OfficeFontOptions):
    """What Word and WPS read in fontTable.xml to stand in for an office font a PC lacks."""

    name: str
    panose: str  # PANOSE class, 20 hexadecimal digits
    charset: str  # "86": GB2312; "00": ANSI
    family: str  # auto, decorative, modern, roman, script or swiss
    pitch: str  # fixed or variable


class MarkSpec(TypedDict):
    """发文机关标志, in the title's fonts."""

    top_mm: float
    size_pt: float
    joint_leading_pt: float  # between the names of a joint issuance
    blank_lines_after: int


class SignersSpec(TypedDict):
    """发文字号 and 签发人: the 签发人 names in the heading2 (楷体) fonts."""

    outer_indent_chars: float
    names_per_line: int


class SeparatorSpec(TypedDict):
    below_number_mm: float
    thickness_pt: float
    blank_lines_after: int


class SealedClosingSpec(TypedDict):
    date_right_indent_chars: float
    blank_lines_before: int  # room for the seal above the issuer
    joint_column_chars: float  # 联合行文: between the centres of two issuers side by side
    joint_row_lines: int  # 联合行文: from one row of issuers to the next, room for the seals


class RecordSpec(TypedDict):
    """版记: 抄送, 印发机关 and 印发日期 between rules, in the body's fonts."""

    size_pt: float
    outer_indent_chars: float  # in characters of the record's size
    outer_rule_mm: float
    inner_rule_mm: float


class FormalSpec(TypedDict):
    color: str  # the red of the mark and the separator, "#RRGGBB"
    mark: MarkSpec
    signers: SignersSpec
    separator: SeparatorSpec
    sealed: SealedClosingSpec
    record: RecordSpec


class Profile(TypedDict):
    page: PageSpec
    grid: GridSpec
    fonts: FontsSpec
    paragraph: ParagraphSpec
    page_number: PageNumberSpec
    closing: ClosingSpec
    tables: TablesSpec
    office_fonts: list[OfficeFontSpec]
    formal: FormalSpec


# What a number may be, by the unit its key ends with: a typo of a digit should not pass.
_UNITS: dict[str, tuple[str, float, float]] = {
    "_mm": ("毫米", 0, 1000),
    "_pt": ("磅", -100, 200),
    "_twips": ("缇（1/20 磅）", -2000, 20000),
    "_chars": ("字", 0, 50),
    "weight": ("CSS 字重", 100, 1000),
}
_COUNTS = ("个", 1, 200)  # lines_per_page, chars_per_line, weight …
_ROOT = "版式配置"
MAX_EXTENDS = 16  # a unit's profile extends its county's, which extends the standard: three
# Profile strings that reach the DOCX's XML or the stylesheet in a fixed form.
_PATTERNS: dict[str, tuple[re.Pattern[str], str]] = {
    "color": (re.compile(r"#[0-9A-Fa-f]{6}"), "“#RRGGBB”形式的颜色，例如 #FF0000"),
    "panose": (re.compile(r"[0-9A-Fa-f]{20}"), "20 位十六进制数字（PANOSE 分类）"),
    "charset": (re.compile(r"[0-9A-Fa-f]{2}"), "两位十六进制数字，例如 86（GB2312）或 00"),
    "file": (re.compile(r"[^/\\\x00-\x1f]+\.(?:ttf|otf|ttc|otc)", re.IGNORECASE), "字体文件夹 .fonts/ 中的一个文件名（如 FandolFang-Regular.otf），不带路径"),
}


def find(name_or_path: str, relative_to: Path | None = None, anywhere: bool = False) -> Path:
    """A profile named in the data, in another profile or on the command line: a name in
    templates/layouts/, or a .yaml file in `relative_to` (the data file's folder, or the folder of
    the profile that extends it). Only the command line (`anywhere`, or no folder given) may name
    a profile elsewhere: a data file passed round must not make the build open any other file."""
    own = Path(name_or_path)
    folders = [relative_to] if relative_to is not None else []
    candidates = [folder / name for folder in folders for name in (name_or_path, f"{name_or_path}.yaml")]
    if anywhere or relative_to is None:
        candidates.append(own)
    if own.name == name_or_path and own.suffix == "":
        candidates.append(LAYOUTS_DIR / f"{name_or_path}.yaml")
    for candidate in candidates:
        if candidate.suffix.lower() not in (".yaml", ".yml") or not _inside(candidate, relative_to, anywhere):
            continue
        if candidate.is_file():
            return candidate
    known = "、".join(sorted(p.stem for p in LAYOUTS_DIR.glob("*.yaml")))
    where = f"，或 {relative_to} 中的 .yaml 文件" if relative_to is not None and not anywhere else ""
    raise DataError(None, f"找不到版式配置“{name_or_path}”；版式配置应是以下名称之一：{known}{where}")


def _inside(candidate: Path, folder: Path | None, anywhere: bool) -> bool:
    """A built-in profile, a file named on the command line, or a file really inside `folder`
    (symbolic links and `..` resolved)."""
    resolved = candidate.resolve()
    if resolved.parent == LAYOUTS_DIR.resolve() or anywhere or folder is None:
        return True
    return resolved.is_relative_to(folder.resolve())


def load(name_or_path: str = DEFAULT_LAYOUT, relative_to: Path | None = None, anywhere: bool = False) -> Profile:
    """The profile, complete and checked against the schema."""
    return _load(find(name_or_path, relative_to, anywhere), ())


def _load(path: Path, chain: tuple[Path, ...]) -> Profile:
    try:
        stat = path.stat()
    except OSError as error:
        raise DataError(None, f"无法读取版式配置 {describe_os_error(error)}") from None
    source, node = _read(path.resolve(), stat.st_mtime_ns, stat.st_size)
    if not isinstance(node, MappingNode):
        raise DataError(source.at(node), "版式配置应由“键: 值”组成，例如 page: 下面写 margin_top_mm: 37")
    fields = {key.value: (key, value) for key, value in node.value if isinstance(key, ScalarNode)}
    if not fields.keys() & {"extends", *typing.get_type_hints(Profile)}:  # say nothing of what it holds
        raise DataError(Location(path, 1, 1), "这不是版式配置文件（其中没有 extends、page、fonts 等任何一项）；请检查 meta.layout 或 --layout 写的文件名")
    if len(chain) >= MAX_EXTENDS:
        raise DataError(source.at(fields["extends"][1]) if "extends" in fields else Location(path, 1, 1),
                        f"extends 一层套一层超过了 {MAX_EXTENDS} 层；请让版式配置直接 extends: gbt9704，只写不同的数值")
    builtin = path.resolve() == (LAYOUTS_DIR / f"{DEFAULT_LAYOUT}.yaml").resolve()
    base: dict[str, Any] = {}
    if "extends" in fields:
        value = fields["extends"][1]
        if not isinstance(value, ScalarNode) or not value.value:
            raise DataError(source.at(value), "extends 应写一个版式配置的名称或路径，例如 extends: gbt9704")
        builtin_base = path.resolve().parent == LAYOUTS_DIR.resolve()
        base_path = find(str(value.value), None if builtin_base else path.parent)
        if base_path.resolve() in {p.resolve() for p in (*chain, path)}:
            raise DataError(source.at(value), f"extends 形成了循环：{base_path.name} 又回到了本文件")
        base = dict(_load(base_path, (*chain, path)))
    elif not builtin:
        base = dict(load(DEFAULT_LAYOUT))
    reader = _Reader(source)
    override = reader.mapping(node, Profile, _ROOT, partial=bool(base))
    merged = _merge(base, override)
    if base:
        reader.require(node, Profile, merged, _ROOT)
    return typing.cast(Profile, merged)


@functools.lru_cache(maxsize=16)
def _read(path: Path, mtime_ns: int, size: int) -> tuple[yamlsource.Source, Node]:
    """A profile file's nodes, parsed once per version of the file (the review page and the
    commands load the same profile again and again; the nodes are only read)."""
    return yamlsource.read(path)


class _Reader:
    """Checks a profile's nodes against the TypedDicts above; errors name the node's place."""

    def __init__(self, source: yamlsource.Source) -> None:
        self.source = source

    def fail(self, node: Node, message: str) -> DataError:
        return DataError(self.source.at(node), message)

    def mapping(self, node: Node, schema: type, where: str, partial: bool) -> dict[str, Any]:
        if not isinstance(node, MappingNode):
            raise self.fail(node, f"{where} 应由“键: 值”组成，这里写的是{yamlsource.describe(node)}")
        hints = typing.get_type_hints(schema)
        values: dict[str, Any] = {}
        for key, value in node.value:
            name = key.value if isinstance(key, ScalarNode) else None
            if where == _ROOT and name == "extends":  # read by _load
                continue
            if name not in hints:
                known = "、".join(hints)
                raise self.fail(key, f"{where} 中没有“{name}”这一项{did_you_mean(name, hints)}；可用的有：{known}")
            values[name] = self.value(value, hints[name], f"{where}.{name}" if where != _ROOT else name, partial)
        if not partial:
            self.require(node, schema, values, where)
        return values

    def require(self, node: Node, schema: type, values: dict[str, Any], where: str) -> None:
        """Every required key present, at every level (after merging with the base profile)."""
        hints = typing.get_type_hints(schema)
        for name in sorted(getattr(schema, "__required_keys__", ())):
            if name not in values:
                raise self.fail(node, f"{where} 缺少“{name}”；写上它，或用 extends: gbt9704 继承国家标准的数值")
            inner = hints[name]
            if _is_typeddict(inner) and isinstance(values[name], dict):
                self.require(node, inner, values[name], f"{where}.{name}" if where != _ROOT else name)

    def value(self, node: Node, kind: Any, where: str, partial: bool) -> Any:
        if _is_typeddict(kind):
            values = self.mapping(node, kind, where, partial)
            if kind is FontCandidate and not values.keys() & {"family", "file"}:
                raise self.fail(node, f"{where} 的每一项应写 family（已安装的字体）或 file（.fonts/ 中的字体文件）")
            return values
        origin = typing.get_origin(kind)
        if origin is NotRequired:
            return self.value(node, typing.get_args(kind)[0], where, partial)
        if origin is list:
            if not isinstance(node, SequenceNode):
                raise self.fail(node, f"{where} 应为列表（每行以“- ”开头），这里写的是{yamlsource.describe(node)}")
            item = typing.get_args(kind)[0]
            return [self.value(child, item, where, False) for child in node.value]
        scalar = yamlsource.scalar_value(node) if isinstance(node, ScalarNode) else None
        if kind is bool:
            if not isinstance(scalar, bool):
                raise self.fail(node, f"{where} 应为 true 或 false，这里写的是{yamlsource.describe(node)}")
            return scalar
        if kind is str:
            if not isinstance(scalar, str) or not scalar.strip():
                raise self.fail(node, f"{where} 应为文字，这里写的是{yamlsource.describe(node)}")
            hidden = next((c for c in scalar if unicodedata.category(c) in ("Cc", "Cf", "Zl", "Zp")), None)
            if hidden is not None:
                raise self.fail(node, f"{where} 中有看不见的控制字符 U+{ord(hidden):04X}；版式配置的文字只能是可见的字符，请删除它")
            field = where.rpartition(".")[2]
            pattern, wanted = _PATTERNS.get(field, (None, ""))
            if pattern is not None and (not pattern.fullmatch(scalar) or scalar.startswith(".")):
                raise self.fail(node, f"{where} 应为{wanted}，这里写的是{yamlsource.describe(node)}")
            return scalar
        unit, low, high = next((u for suffix, u in _UNITS.items() if where.endswith(suffix)), _COUNTS)
        numeric = isinstance(scalar, (int, float)) and not isinstance(scalar, bool) and math.isfinite(scalar)
        if not isinstance(scalar, (int, float)) or not numeric or (kind is int and not isinstance(scalar, int)) or not low <= scalar <= high:
            what = "整数" if kind is int else "数字"
            raise self.fail(node, f"{where} 应为 {low:g} 至 {high:g} 之间的{what}（单位：{unit}），这里写的是{yamlsource.describe(node)}")
        return scalar


def _is_typeddict(kind: Any) -> bool:
    return isinstance(kind, type) and issubclass(kind, dict) and hasattr(kind, "__required_keys__")


def _merge(base: dict[str, Any], override: dict[str, Any]) -> dict[str, Any]:
    """Override base values; nested mappings merge, lists (font candidates) are replaced whole."""
    merged = dict(base)
    for key, value in override.items():
        merged[key] = _merge(base[key], value) if isinstance(value, dict) and isinstance(base.get(key), dict) else value
    return merged


def type_area_mm(profile: Profile) -> tuple[float, float]:
    """Width and height of the 版心 (type area)."""
    page = profile["page"]
    return (
        page["width_mm"] - page["margin_left_mm"] - page["margin_right_mm"],
        page["height_mm"] - page["margin_top_mm"] - page["margin_bottom_mm"],
    )


def line_pitch_pt(profile: Profile) -> float:
    return profile["grid"]["line_pitch_twips"] / 20


__all__ = ["DEFAULT_LAYOUT", "Profile", "find", "line_pitch_pt", "load", "type_area_mm"]
