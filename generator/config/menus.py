"""Menus of reporting items: a province's or city's finer checklist under the items of a kind
of body (`check --menu FILE`), read through the located YAML layer with the caps of body kinds."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from yaml.nodes import SequenceNode

from generator.chinese import did_you_mean
from generator.config.bodies import MAX_ITEMS, ItemSpec, KindSpec, Reader
from generator.errors import DataError, Location
from generator.pipeline import yamlsource


@dataclass(frozen=True)
class Menu:
    name: str
    items: dict[str, list[ItemSpec]]  # item of the body's kind (举措成效) → its points
    where: dict[str, Location]  # where each item's key is written, for a key the kind lacks

    def require_items(self, kind: KindSpec) -> None:
        """Every item the menu lists under is one the body's kind reports (else a located error)."""
        known = tuple(kind["items"])
        for item, where in self.where.items():
            if item not in known:
                raise DataError(where, f"要点文件中的“{item}”不是{kind['name']}要报告的事项{did_you_mean(item, known)}；可以写的有：{'、'.join(known)}")


def load(path: Path) -> Menu:
    source, node = yamlsource.read(path)
    reader = Reader(source)
    fields = reader.fields(node, "要点文件", ("name", "items"))
    if "items" not in fields:
        raise reader.fail(node, "要点文件缺少 items：在报告事项（如 举措成效）下列出要点")
    items: dict[str, list[ItemSpec]] = {}
    where: dict[str, Location] = {}
    for key, points in reader.mapping(fields["items"], "items", MAX_ITEMS):
        parent = reader.text(key, "items 的键")
        where[parent] = source.at(key)
        if not isinstance(points, SequenceNode) or len(points.value) > MAX_ITEMS:
            raise reader.fail(points, f"items.{parent} 应为不超过 {MAX_ITEMS} 项的列表，每项写 label 和 keywords")
        items[parent] = [reader.item(point, f"items.{parent} 的要点") for point in points.value]
        for point, spec in zip(points.value, items[parent]):
            if not spec["keywords"]:
                raise reader.fail(point, f"items.{parent} 的要点“{spec['label']}”缺少 keywords：写到这一要点时会用的词")
    name = reader.text(fields["name"], "name") if "name" in fields else path.stem
    return Menu(name, items, where)
