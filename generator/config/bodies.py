"""Kinds of reporting body: who writes the report, which items it must cover, whom it goes to,
how its title reads and by when it is due — as data, not code.

The tool ships templates/bodies.yaml (county governments, departments, townships and 街道, joint
Party–government reports). An office or province extends it with a `bodies.yaml` beside its data
files, in the same schema: a kind of the same name is changed field by field (its items by key),
a new kind starts from the one it names with `extends:` or states every field. Both files are
read through the located YAML layer, with caps on counts and lengths; every mistake names its
file, line and column.
"""
from __future__ import annotations

import datetime
import fnmatch
import functools
import re
from pathlib import Path
from typing import Any, TypedDict

from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from generator.chinese import did_you_mean
from generator.errors import DataError
from generator.pipeline import yamlsource
from generator.resources import templates_dir

SHIPPED = templates_dir() / "bodies.yaml"
LOCAL_NAME = "bodies.yaml"  # the office's own kinds, beside its <year>.yaml files
DEFAULT_KIND = "县级政府"
SEVERITIES = ("error", "warning", "note")

MAX_KINDS = 40
MAX_ITEMS = 40  # items of a kind, or of a menu under one of them
MAX_WORDS = 40  # keywords of an item, names in a list
MAX_TEXT = 200  # characters of a label, a name or a keyword

_DAY = re.compile(r"(\d{1,2})月(\d{1,2})日")


def _spaced(where: str) -> str:
    """A key path (政府部门.items) is followed by a space before Chinese; a name or phrase is not."""
    return where + " " if any(c.isascii() for c in where) else where


class ItemSpec(TypedDict):
    label: str  # the item in full, as the regulation or the province words it
    keywords: list[str]  # words by which a section title shows it reports this item
    severity: str  # of the finding when no section covers it


class DeadlinesSpec(TypedDict):
    report: str  # 3月1日: latest 成文日期, in the year after the report year
    publish: str  # 4月1日: latest publication date


class KindSpec(TypedDict):
    name: str
    issuers: list[str]  # patterns of the issuer's name, * for any characters (import)
    items: dict[str, ItemSpec]  # key (as `covers:` names it) → item, in reporting order
    recipients: list[str]  # default 主送机关; {{ region }} stands for meta.region
    cc: list[str]  # default 抄送机关
    title: str  # {{ issuer }}关于{{ year }}年度法治政府建设情况的报告
    deadlines: DeadlinesSpec


Kinds = dict[str, KindSpec]


def load(folder: Path | None = None) -> Kinds:
    """The shipped kinds, extended by `folder`/bodies.yaml when there is one."""
    local = folder / LOCAL_NAME if folder is not None else None
    shipped = _kinds(SHIPPED, {})
    return _kinds(local, shipped) if local is not None and local.is_file() else shipped


def _kinds(path: Path, base: Kinds) -> Kinds:
    stat = path.stat()
    source, node = _nodes(path.resolve(), stat.st_mtime_ns, stat.st_size)
    return _Reader(source).kinds(node, base)


@functools.lru_cache(maxsize=16)
def _nodes(path: Path, mtime_ns: int, size: int) -> tuple[yamlsource.Source, Node]:
    """A file's nodes, parsed once per version of the file (every load and check reads them)."""
    return yamlsource.read(path)


def due(kind: KindSpec, which: str, year: int) -> datetime.date:
    """The deadline `which` (report, publish) for the report on `year`; 2月29日 is 2月28日 in a common year."""
    found = _DAY.fullmatch(kind["deadlines"][which])  # type: ignore[literal-required]
    assert found, kind["deadlines"]  # checked when the file was read
    month, day = int(found.group(1)), int(found.group(2))
    try:
        return datetime.date(year + 1, month, day)
    except ValueError:
        return datetime.date(year + 1, month, day - 1)


def names(kind: KindSpec, region: str) -> tuple[list[str], list[str]]:
    """The default 主送 and 抄送 for a body of this kind in `region`."""
    def fill(name: str) -> str:
        return re.sub(r"\{\{\s*region\s*\}\}", region, name)
    return [fill(n) for n in kind["recipients"]], [fill(n) for n in kind["cc"]]


def recognise(issuer: str, kinds: Kinds) -> str | None:
    """The kind whose issuer pattern matches `issuer` most specifically (most characters given)."""
    name = re.sub(r"[\s\u3000]+", "", issuer)
    best: tuple[int, str] | None = None
    for kind_name, kind in kinds.items():
        for pattern in kind["issuers"]:
            if fnmatch.fnmatchcase(name, pattern) and (best is None or len(pattern.replace("*", "")) > best[0]):
                best = (len(pattern.replace("*", "")), kind_name)
    return best[1] if best else None


class Reader:
    """Located reading of the small shapes body kinds and menus are made of, with caps."""

    def __init__(self, source: yamlsource.Source) -> None:
        self.source = source

    def fail(self, node: Node, message: str) -> DataError:
        return DataError(self.source.at(node), message)

    def mapping(self, node: Node, where: str, limit: int) -> list[tuple[Node, Node]]:
        if not isinstance(node, MappingNode):
            raise self.fail(node, f"{_spaced(where)}应由“键: 值”组成，这里写的是{yamlsource.describe(node)}")
        if len(node.value) > limit:
            raise self.fail(node, f"{_spaced(where)}有 {len(node.value)} 项，超过了 {limit} 项的上限；请检查文件是否选错")
        return list(node.value)

    def fields(self, node: Node, where: str, allowed: tuple[str, ...]) -> dict[str, Node]:
        found: dict[str, Node] = {}
        for key, value in self.mapping(node, where, len(allowed)):
            name = self.text(key, f"{_spaced(where)}的键")
            if name not in allowed:
                raise self.fail(key, f"{_spaced(where)}中没有“{name}”这一项{did_you_mean(name, allowed)}；可以写的有：{'、'.join(allowed)}")
            found[name] = value
        return found

    def text(self, node: Node, where: str) -> str:
        value = yamlsource.scalar_value(node) if isinstance(node, ScalarNode) else None
        if not isinstance(value, str) or not value.strip():
            raise self.fail(node, f"{_spaced(where)}应为一段文字，这里写的是{yamlsource.describe(node)}")
        if len(value) > MAX_TEXT:
            raise self.fail(node, f"{_spaced(where)}超过 {MAX_TEXT} 个字，太长了；请写得简短些")
        return value.strip()

    def texts(self, node: Node, where: str) -> list[str]:
        if isinstance(node, ScalarNode):
            return [self.text(node, where)]
        if not isinstance(node, SequenceNode):
            raise self.fail(node, f"{_spaced(where)}应为一个列表，例如 [行政执法, 三项制度]，这里写的是{yamlsource.describe(node)}")
        if len(node.value) > MAX_WORDS:
            raise self.fail(node, f"{_spaced(where)}有 {len(node.value)} 项，超过了 {MAX_WORDS} 项的上限")
        return [self.text(item, where) for item in node.value]

    def item(self, node: Node, where: str, base: ItemSpec | None = None) -> ItemSpec:
        f = self.fields(node, where, ("label", "keywords", "severity"))
        if base is None and "label" not in f:
            raise self.fail(node, f"{_spaced(where)}缺少 label（这一事项的全文）")
        severity = self.text(f["severity"], f"{where}.severity") if "severity" in f else (base["severity"] if base else "error")
        if severity not in SEVERITIES:
            raise self.fail(f["severity"], f"{where}.severity 应为 error、warning 或 note 之一，这里写的是“{severity}”")
        return ItemSpec(
            label=self.text(f["label"], f"{where}.label") if "label" in f else base["label"] if base else "",
            keywords=self.texts(f["keywords"], f"{where}.keywords") if "keywords" in f else (list(base["keywords"]) if base else []),
            severity=severity,
        )


_KIND_KEYS = ("extends", "name", "issuers", "items", "recipients", "cc", "title", "deadlines")


class _Reader(Reader):
    def kinds(self, node: Node, base: Kinds) -> Kinds:
        kinds: Kinds = {name: _copy(kind) for name, kind in base.items()}
        for key, value in self.mapping(node, "报告主体种类文件", MAX_KINDS):
            name = self.text(key, "主体种类的名称")
            kinds[name] = self.kind(value, name, kinds)
        if len(kinds) > MAX_KINDS:
            raise self.fail(node, f"主体种类超过了 {MAX_KINDS} 种的上限")
        return kinds

    def kind(self, node: Node, name: str, known: Kinds) -> KindSpec:
        f = self.fields(node, name, _KIND_KEYS)
        start: dict[str, Any] | None = _copy(known[name]) if name in known else None  # type: ignore[assignment]
        if "extends" in f:
            parent = self.text(f["extends"], f"{name}.extends")
            if parent not in known or parent == name:
                raise self.fail(f["extends"], f"{name}.extends 写的是“{parent}”，但没有这种主体{did_you_mean(parent, known)}；可以写的有：{'、'.join(known)}")
            start = _copy(known[parent])  # type: ignore[assignment]
        if start is None:
            missing = [k for k in _KIND_KEYS[1:] if k not in f]
            if missing:
                raise self.fail(node, f"新的主体种类“{name}”缺少 {missing[0]}；写全各项，或用 extends: 县级政府 从已有的种类改起")
            start = {}
        kind: dict[str, Any] = dict(start)
        for key in ("name", "title"):
            if key in f:
                kind[key] = self.text(f[key], f"{name}.{key}")
        for key in ("issuers", "recipients", "cc"):
            if key in f:
                kind[key] = self.texts(f[key], f"{name}.{key}")
        if "items" in f:
            items: dict[str, ItemSpec] = dict(kind.get("items", {}))
            for item_key, item_node in self.mapping(f["items"], f"{name}.items", MAX_ITEMS):
                key_text = self.text(item_key, f"{name}.items 的键")
                items[key_text] = self.item(item_node, f"{name}.items.{key_text}", items.get(key_text))
            if len(items) > MAX_ITEMS:
                raise self.fail(f["items"], f"{name}.items 超过了 {MAX_ITEMS} 项的上限")
            kind["items"] = items
        if "deadlines" in f:
            d = self.fields(f["deadlines"], f"{name}.deadlines", ("report", "publish"))
            deadlines = dict(kind.get("deadlines", {}))
            for which, value in d.items():
                deadlines[which] = self.day(value, f"{name}.deadlines.{which}")
            if set(deadlines) != {"report", "publish"}:
                raise self.fail(f["deadlines"], f"{name}.deadlines 要写 report（报送期限）和 publish（公开期限），例如 {{report: 3月1日, publish: 4月1日}}")
            kind["deadlines"] = deadlines
        return kind  # type: ignore[return-value]

    def day(self, node: Node, where: str) -> str:
        text = self.text(node, where)
        found = _DAY.fullmatch(text)
        valid = False
        if found:
            try:
                datetime.date(2024, int(found.group(1)), int(found.group(2)))  # a leap year: 2月29日 is a day
                valid = True
            except ValueError:
                pass
        if not valid:
            raise self.fail(node, f"{_spaced(where)}应写成“3月1日”的形式（次年的月、日），这里写的是“{text}”")
        return text


def _copy(kind: KindSpec) -> KindSpec:
    return KindSpec(
        name=kind["name"], issuers=list(kind["issuers"]), items=dict(kind["items"]),
        recipients=list(kind["recipients"]), cc=list(kind["cc"]), title=kind["title"], deadlines=DeadlinesSpec(**kind["deadlines"]),
    )


__all__ = ["DEFAULT_KIND", "ItemSpec", "KindSpec", "Kinds", "Reader", "due", "load", "names", "recognise"]
