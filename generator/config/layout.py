"""Layout profiles: the GB/T 9704 numbers shared by the PDF and DOCX writers.

A profile is YAML in templates/layouts/. A unit's own profile says `extends: gbt9704` and
overrides single values; a key the base profile does not have is an error (a typo would
otherwise be silently ignored).
"""
from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

from yaml.nodes import MappingNode, Node, SequenceNode

from generator.pipeline import yamlsource
from generator.errors import DataError
from generator.resources import templates_dir

LAYOUTS_DIR = templates_dir() / "layouts"
DEFAULT_LAYOUT = "gbt9704"

Profile = dict[str, Any]


def find(name_or_path: str, relative_to: Path | None = None) -> Path:
    """A profile named in the data or on the command line: a path, or a name in templates/layouts/."""
    candidates = [Path(name_or_path)]
    if relative_to is not None:
        candidates.insert(0, relative_to / name_or_path)
    candidates.append(LAYOUTS_DIR / f"{name_or_path}.yaml")
    for candidate in candidates:
        if candidate.is_file():
            return candidate
    known = ", ".join(sorted(p.stem for p in LAYOUTS_DIR.glob("*.yaml")))
    raise DataError(None, f"layout profile '{name_or_path}' not found; expected a file path or one of: {known}")


def load(name_or_path: str = DEFAULT_LAYOUT, relative_to: Path | None = None) -> Profile:
    path = find(name_or_path, relative_to)
    source, node = yamlsource.read(path)
    values = _plain(node)
    if not isinstance(values, dict):
        raise DataError(source.at(node), "a layout profile must be a mapping")
    base_name = values.pop("extends", None)
    if base_name is None:
        return values
    base = load(str(base_name), path.parent)
    _merge(base, values, node, source, ())
    return base


def _plain(node: Node) -> Any:
    if isinstance(node, MappingNode):
        return {key.value: _plain(value) for key, value in node.value}
    if isinstance(node, SequenceNode):
        return [_plain(item) for item in node.value]
    return yamlsource.scalar_value(node)


def _merge(base: Profile, override: Profile, node: MappingNode, source: yamlsource.Source, path: tuple[str, ...]) -> None:
    """Override base values in place; lists (font candidates) are replaced whole."""
    nodes = {key.value: (key, value) for key, value in node.value}
    for key, value in override.items():
        if key == "extends" and not path:
            continue
        key_node, value_node = nodes[key]
        if key not in base:
            where = ".".join(path) or "the profile"
            raise DataError(source.at(key_node), f"unknown layout key '{key}' in {where}; expected one of: {', '.join(base)}")
        if isinstance(base[key], dict) and isinstance(value, dict):
            _merge(base[key], value, value_node, source, path + (key,))
        else:
            base[key] = copy.deepcopy(value)


def type_area_mm(profile: Profile) -> tuple[float, float]:
    """Width and height of the 版心 (type area)."""
    page = profile["page"]
    return (
        page["width_mm"] - page["margin_left_mm"] - page["margin_right_mm"],
        page["height_mm"] - page["margin_top_mm"] - page["margin_bottom_mm"],
    )


def line_pitch_pt(profile: Profile) -> float:
    return profile["grid"]["line_pitch_twips"] / 20
