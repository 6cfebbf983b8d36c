"""The report's texts as the office page edits them: each paragraph, item of 一是…二是…, heading,
table cell and title line, named by the path of its YAML node (`body/2/items/0`), shown as it
prints with each `{{ }}` as a chip (its name and what it shows), and changed at that node's
offsets only (generator.pipeline.yamledit), so the rest of the file stays byte for byte.

What a text is and how it renders comes from absorb's map of the rendered report
(`expected.Builder`): the page and absorb see the same report the same way.
"""
from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from generator.commands.absorb.expected import Block, Builder, TextRef
from generator.errors import DataError
from generator.pipeline import yamledit, yamlsource
from generator.pipeline.loader import load
from generator.pipeline.resolve import resolve

TEXT_CAP = 20_000  # characters of one text typed on the page (a long paragraph has 1,000)
# Where the page may write: the body, the attachments and the title. Never meta's other fields
# (文号, 签发人, dates are written by a person in the file) nor the figures (they have their form).
EDITABLE = ("body/", "attachments/", "meta/title")
LISTS = ("body", "items")  # the lists whose entries the page may add, delete and move


@dataclass(frozen=True)
class Located:
    """A node of the data file found by its path."""

    text: str  # the whole file
    root: Node
    node: Node
    parent: Node | None  # the sequence or mapping holding it
    key: str  # its key or index in the parent


def listing(path: Path) -> list[dict[str, object]]:
    """The report's blocks in print order, each with its editable texts."""
    source, root = yamlsource.read(path)
    report = load(path)
    blocks = Builder(report, resolve(report), root).build()
    paths = _paths(root)
    return [_block(block, source.text, paths, n) for n, block in enumerate(blocks)]


def version(text: str, node: Node) -> str:
    """A text's version: a hash of its YAML as written, as a figure's version is."""
    return hashlib.sha256(text[node.start_mark.index:yamledit.content_end(text, node)].encode()).hexdigest()[:16]


def locate(path: Path, where: str) -> Located:
    """The node at `where` (keys and indexes joined by "/"), or DataError saying it is not there
    or is no text the page may change."""
    check_editable(where)
    source, root = yamlsource.read(path)
    node: Node = root
    parent: Node | None = None
    key = ""
    for part in where.split("/"):
        parent, key = node, part
        if isinstance(node, MappingNode):
            found = yamledit.fields(node).get(part)
            if found is None:
                raise DataError(None, f"数据文件中没有“{where}”这一处（已被他人改动？请刷新页面）")
            node = found[1]
        elif isinstance(node, SequenceNode) and part.isdigit() and int(part) < len(node.value):
            node = node.value[int(part)]
        else:
            raise DataError(None, f"数据文件中没有“{where}”这一处（已被他人改动？请刷新页面）")
    return Located(source.text, root, node, parent, key)


def check_editable(where: str) -> None:
    if not where.startswith(EDITABLE):
        raise DataError(None, f"“{where}”不是正文、附件或标题中的文字；网页上只能修改这些（发文字号、签发人、日期等只能在数据文件中亲手写入）")


def entry_of(where: str) -> str:
    """The list entry a text belongs to: an item itself, else the paragraph, section or table
    of `body` holding it (`body/3/p` → `body/3`)."""
    parts = where.split("/")
    for n in range(len(parts) - 1, 0, -1):
        if parts[n].isdigit() and parts[n - 1] in LISTS:
            return "/".join(parts[:n + 1])
    raise DataError(None, f"“{where}”不是段落或事项，不能在此增删或移动")


def replaced(located: Located, new: str) -> str:
    """The file's text with the scalar at `located` replaced by `new` (a template)."""
    node = located.node
    if not isinstance(node, ScalarNode):
        raise DataError(None, "这一处不是一段文字，不能在此修改")
    flow = isinstance(located.parent, (SequenceNode, MappingNode)) and bool(located.parent.flow_style)
    return yamledit.apply(located.text, [yamledit.replace_scalar(located.text, node, new, flow)])


def inserted(located: Located, new: str, title: str = "") -> tuple[str, str]:
    """The file's text with a new entry after the entry at `located` — the template `new`, or
    with a `title` a section of that title whose body starts with `new` — and its path."""
    seq, index = _entry(located)
    entry = "- " + yamledit.scalar(new) + "\n"
    if title:
        if _paths(located.root)[id(seq)].rsplit("/", 1)[-1] != "body":
            raise DataError(None, "一是、二是的事项中不能添加一节；请选正文中的段落或标题，在它后面添加")
        entry = f"- section: {yamledit.scalar(title)}\n  body:\n    - {yamledit.scalar(new)}\n"
    edits = yamledit.ListEdits(seq, None, set(), {index + 1: [entry]})
    return yamledit.apply(located.text, edits.spans(located.text)), _sibling(located, index + 1)


def deleted(located: Located) -> str:
    """The file's text without the entry at `located` (a list left empty becomes `[]`)."""
    seq, index = _entry(located)
    edits = yamledit.ListEdits(seq, _key_of(located.root, seq), {index}, {})
    return yamledit.apply(located.text, edits.spans(located.text))


def moved(located: Located, step: int) -> tuple[str, str]:
    """The file's text with the entry at `located` swapped with its neighbour (step −1 or 1)."""
    seq, index = _entry(located)
    other = index + step
    if not 0 <= other < len(seq.value):
        raise DataError(None, "已经是第一项" if step < 0 else "已经是最后一项")
    text = located.text
    first, second = sorted((index, other))
    spans = [_lines(text, seq.value[first]), _lines(text, seq.value[second])]
    (a_start, a_end), (b_start, b_end) = spans
    swapped = text[:a_start] + text[b_start:b_end] + text[a_end:b_start] + text[a_start:a_end] + text[b_end:]
    return swapped, _sibling(located, other)


def acknowledgement(text: str, root: Node, entry: str) -> list[yamledit.Span]:
    """The spans adding `entry` (one flow mapping) to `checks: acknowledged:`, made as needed."""
    if not isinstance(root, MappingNode) or root.flow_style:
        raise DataError(None, "数据文件的最外层不是逐行书写的“键: 值”，无法写入确认记录")
    checks = yamledit.fields(root).get("checks")
    if checks is None:
        return [yamledit.new_key(text, root, f"checks:\n  acknowledged:\n    - {entry}\n")]
    mapping = checks[1]
    if not isinstance(mapping, MappingNode) or mapping.flow_style or not mapping.value:
        raise DataError(None, "数据文件中的 checks: 不是逐行书写的“键: 值”，请在文件中手工写入确认记录")
    listed = yamledit.fields(mapping).get("acknowledged")
    if listed is None:
        return [yamledit.new_key(text, mapping, f"acknowledged:\n  - {entry}\n")]
    key, seq = listed
    if not isinstance(seq, SequenceNode) or seq.flow_style or not seq.value:
        raise DataError(None, "数据文件中的 checks.acknowledged 不是逐行书写的列表，请在文件中手工写入确认记录")
    return yamledit.ListEdits(seq, key, set(), {len(seq.value): [f"- {entry}\n"]}).spans(text)


def with_figure(located: Located, typed: str, name: str, label: str) -> tuple[str, str]:
    """The file's text with the number `typed` in the text at `located` (300人次) made the new
    figure `name`: the text says `{{ name }}` there, and figures: gains `name: {value, unit, label}`.
    Also the figure's value as written."""
    node = located.node
    if not isinstance(node, ScalarNode):
        raise DataError(None, "这一处不是一段文字")
    written = _TYPED_FIGURE.fullmatch(typed.strip())
    if written is None:
        raise DataError(None, f"“{typed}”不是一个数加单位（例如 300人次、98.5%）")
    number, unit = written.group(1).replace(",", ""), written.group(2)
    template = str(node.value)
    at = [n for n in range(len(template)) if template.startswith(typed.strip(), n) and template[:n].count("{{") == template[:n].count("}}")]
    if len(at) != 1:
        raise DataError(None, f"这段文字中{'没有' if not at else '不止一处'}“{typed.strip()}”；请写出文中只出现一次的那个数（连同单位）")
    figures = yamledit.fields(located.root).get("figures")
    if figures is None or not isinstance(figures[1], MappingNode) or figures[1].flow_style or not figures[1].value:
        raise DataError(None, "数据文件中没有逐行书写的 figures:，无法在网页上添加数字")
    if name in yamledit.fields(figures[1]):
        raise DataError(None, f"已经有一个叫“{name}”的数字；请换一个名称，或在文中直接引用它")
    new = template[:at[0]] + "{{ " + name + " }}" + template[at[0] + len(typed.strip()):]
    parts = [("value", number), *([("unit", yamledit.scalar(unit, flow=True))] if unit else []), *([("label", yamledit.scalar(label, flow=True))] if label else [])]
    entry = f"{yamledit.scalar(name)}: {{{', '.join(f'{key}: {value}' for key, value in parts)}}}\n"
    flow = isinstance(located.parent, (SequenceNode, MappingNode)) and bool(located.parent.flow_style)
    spans = [yamledit.replace_scalar(located.text, node, new, flow), yamledit.new_key(located.text, figures[1], entry)]
    return yamledit.apply(located.text, spans), number


_TYPED_FIGURE = re.compile(r"(\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)\s*([^\d\s{}\[\],:#]{0,8})")


def _lines(text: str, node: Node) -> tuple[int, int]:
    start = yamledit.line_start(text, yamledit.dash(text, node))
    end = yamledit.next_line(text, yamledit.content_end(text, node))
    if not text[:end].endswith("\n"):
        raise DataError(None, "文件最后一行没有换行，无法移动最后一项；请在文件末尾加一个换行")
    return start, end


def _entry(located: Located) -> tuple[SequenceNode, int]:
    seq = located.parent
    if not isinstance(seq, SequenceNode) or seq.flow_style or not located.key.isdigit():
        raise DataError(None, "这一处不是段落或事项，不能在此增删或移动")
    return seq, int(located.key)


def _sibling(located: Located, index: int) -> str:
    return "/".join([*_paths(located.root)[id(located.node)].split("/")[:-1], str(index)])


def _key_of(root: Node, seq: SequenceNode) -> ScalarNode | None:
    """The mapping key whose value is `seq` (`items:`, `body:`)."""
    stack = [root]
    while stack:
        node = stack.pop()
        if isinstance(node, MappingNode):
            for key, value in node.value:
                if value is seq and isinstance(key, ScalarNode):
                    return key
                stack.append(value)
        elif isinstance(node, SequenceNode):
            stack += node.value
    return None


def _paths(root: Node) -> dict[int, str]:
    """Every node's path, by the node's id."""
    found: dict[int, str] = {}
    stack: list[tuple[Node, str]] = [(root, "")]
    while stack:
        node, where = stack.pop()
        found[id(node)] = where
        if isinstance(node, MappingNode):
            stack += [(value, f"{where}/{key.value}".lstrip("/")) for key, value in node.value if isinstance(key, ScalarNode)]
        elif isinstance(node, SequenceNode):
            stack += [(item, f"{where}/{n}".lstrip("/")) for n, item in enumerate(node.value)]
    return found


def _block(block: Block, text: str, paths: dict[int, str], number: int) -> dict[str, object]:
    """One rendered block: its kind, and its texts, each with the label the generator puts
    before it (一、 一是 ——) and the full stop after a run-in heading."""
    texts: list[dict[str, object]] = []
    label = ""
    paragraph = block.paragraph
    for segment in block.segments:
        if segment.ref is None:
            if segment.kind == "dot" and texts:
                texts[-1]["suffix"] = segment.text
            else:
                label += segment.text
            continue
        ref = segment.ref
        kind = ("heading" if block.kind == "heading" else "item" if paragraph and ref in paragraph.items
                else "paragraph" if paragraph and ref is paragraph.p else "heading" if block.kind == "paragraph" else block.kind)
        texts.append(_text(ref, text, paths, kind, label))
        label = ""
    if block.table is not None and block.kind == "table":
        for r, row in enumerate((block.table.header, *block.table.rows)):
            for c, ref in enumerate(row):
                texts.append(_text(ref, text, paths, "cell", "") | {"row": r, "column": c})
    return {"index": number, "kind": block.kind, "texts": texts}


def _text(ref: TextRef, text: str, paths: dict[int, str], kind: str, label: str) -> dict[str, object]:
    where = paths[id(ref.node)]
    try:
        entry = entry_of(where) if kind in ("paragraph", "item", "heading") else ""
    except DataError:
        entry = ""
    return {"path": where, "entry": entry, "kind": kind, "label": label, "suffix": "", "template": ref.text.template,
            "segments": _segments(ref), "opaque": ref.atoms.opaque, "version": version(text, ref.node), "line": ref.text.location.line,
            "last_line": ref.node.end_mark.line + 1}


def _segments(ref: TextRef) -> list[dict[str, object]]:
    """The text as it prints: literal runs, and each `{{ }}` as a chip with what it shows."""
    atoms = ref.atoms
    if atoms.opaque:
        return [{"text": atoms.rendered}]
    out: list[dict[str, object]] = []
    at = 0
    for expression in atoms.expressions:
        start, end = expression.output
        if start > at:
            out.append({"text": atoms.rendered[at:start]})
        out.append({"source": expression.source, "name": expression.source[2:-2].strip(), "value": expression.text,
                    "figure": expression.figure is not None})
        at = end
    if at < len(atoms.rendered):
        out.append({"text": atoms.rendered[at:]})
    return out
