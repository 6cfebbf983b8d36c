"""From the differences between the rendered data and the reviewed DOCX to edits of the data file.

Blocks are aligned by their text, heading numbers left out (they are computed: renumbering by
hand is no edit). A pair of blocks that differ becomes edits of the texts they came from; a
block only the data has is deleted from it (a section when all of it went); a block only the
review has is added where it stands: after the block before it, in the section a heading of its
level opens there.
"""
from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, field

from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from generator.chinese import normalize
from generator.pipeline.model import NUMBERING_STYLES, Report
from generator.pipeline.numbering import chinese_numeral
from generator.pipeline.yamledit import ListEdits as _ListEdits
from generator.pipeline.yamledit import Span, column, content_end, delete_key, fields, new_key, scalar
from generator.writers.changes import align

from . import reviewed as rv
from .expected import Block, Entry, Expression, ListRef, ParagraphRef, SectionRef, Segment, TextRef
from .textedit import HEADING_LABEL, Change, apply, opcodes, split

_ITEM_LABEL_IN_TEXT = re.compile(r"(?<![^，；。：！？、\n])[一二三四五六七八九十]+是")
_SENTENCE_END = re.compile(r"[。？！：；…]+")
_DATE = re.compile(r"(\d{4})年(\d{1,2})月(\d{1,2})日")
_STYLE_OF_LABEL = (
    (re.compile(r"[一二三四五六七八九十百]+、"), "一、"),
    (re.compile(r"（[一二三四五六七八九十百]+）"), "（一）"),
    (re.compile(r"\d+[.．](?!\d)"), "1."),
    (re.compile(r"（\d+）"), "（1）"),
)


PAIRING_WINDOW = 30  # new paragraphs an edited one is looked for among: a hostile review costs seconds, not minutes


def strip_label(text: str) -> str:
    return HEADING_LABEL.sub("", text, count=1)


def comparable(text: str, items: bool) -> str:
    """A block's text as compared: heading numbers and, in a paragraph with 一是 items, the
    items' numbers left out: both are computed."""
    text = strip_label(text)
    return _ITEM_LABEL_IN_TEXT.sub("#是", text) if items else text


def key(text: str, table: bool) -> str:
    return ("表\t" if table else "") + normalize(strip_label(text))


def describe(old: str, new: str, context: int = 6, gap: int = 6) -> str:
    """The differences as a reviewer reads them: "…先后[4 → 5]次…"; differences closer than
    `gap` characters are shown as one."""
    groups: list[list[int]] = []
    for tag, i1, i2, j1, j2 in opcodes(old, new):
        if tag == "equal":
            continue
        if groups and i1 - groups[-1][1] <= gap:
            groups[-1][1], groups[-1][3] = i2, j2
        else:
            groups.append([i1, i2, j1, j2])
    shown = [f"…{old[max(0, i1 - context):i1]}[{old[i1:i2]} → {new[j1:j2]}]{old[i2:i2 + context]}…" for i1, i2, j1, j2 in groups]
    return "；".join(shown) or "文字改动"


def shorten(text: str, limit: int = 24) -> str:
    text = text.replace("\n", " ").replace("\t", " ")
    return text if len(text) <= limit else text[: limit - 1] + "…"


@dataclass(frozen=True)
class Problem:
    """An edit that found no place in the data file."""

    block: rv.Block | None
    reason: str

    def __str__(self) -> str:
        if self.block is None:
            return self.reason
        return f"第{self.block.number}段“{shorten(self.block.text)}”：{self.reason}"


@dataclass
class _New:
    """A block the reviewer added, as it will be written into the data file."""

    kind: str  # paragraph bullet section table
    text: str = ""
    items: tuple[str, ...] = ()
    level: int = 0
    runin: bool = False
    numbering: str | None = None
    body: list[_New] = field(default_factory=list)
    rows: tuple[tuple[str, ...], ...] = ()
    caption: str = ""

    def yaml(self) -> str:
        if self.kind == "bullet":
            return f"- bullet: {scalar(self.text)}\n"
        if self.kind == "paragraph" and self.items:
            lines = f"- p: {scalar(self.text)}\n  items:\n" if self.text else "- items:\n"
            return lines + "".join(f"    - {scalar(item)}\n" for item in self.items)
        if self.kind == "paragraph":
            return f"- {scalar(self.text)}\n"
        if self.kind == "table":
            rows = "".join(f"      - [{', '.join(scalar(c, flow=True) for c in row)}]\n" for row in self.rows[1:])
            header = f"- table:\n    header: [{', '.join(scalar(c, flow=True) for c in self.rows[0])}]\n"
            out = header + (f"    rows:\n{rows}" if rows else "    rows: []\n")  # a header row only: a table still to be filled
            return out + (f"  caption: {scalar(self.caption)}\n" if self.caption else "")
        out = f"- section: {scalar(self.text)}\n"
        out += f"  numbering: {scalar(self.numbering)}\n" if self.numbering else ""
        out += "  runin: true\n" if self.runin else ""
        if self.body:
            out += "  body:\n" + "".join("    " + line if line.strip() else line for child in self.body for line in child.yaml().splitlines(keepends=True))
        return out

    def describe(self) -> str:
        if self.kind == "section":
            inner = f"（含 {len(self.body)} 段）" if self.body else ""
            return f"新增一节“{shorten(self.text)}”{inner}"
        if self.kind == "table":
            return f"新增表格（{len(self.rows)} 行）"
        return f"新增段落“{shorten(self.text + ''.join(self.items))}”"


_NUMBER = re.compile(r"\d+(?:\.\d+)?")

class Planner:
    """Works out the edits of the data file's text for one reviewed DOCX."""

    def __init__(self, text: str, root: Node, report: Report, blocks: list[Block], review: rv.Reviewed) -> None:
        self.text = text
        self.root = root
        self.report = report
        self.old = blocks
        self.review = review
        self.new = list(review.blocks)
        self.edits: dict[TextRef, list[tuple[int, int, str]]] = {}
        self.where: dict[TextRef, rv.Block] = {}
        self.merges: dict[ParagraphRef, set[int]] = {}
        self.lists: dict[int, _ListEdits] = {}  # by id of the list's node: one set of edits per list
        self.missing_lists: dict[tuple[int, str], tuple[ListRef, list[str]]] = {}  # by owner and key
        self.added: list[tuple[ListRef, int, _New, int]] = []
        self.spans: list[Span] = []
        self.found: list[tuple[int, str]] = []  # (place in the document, what changed)
        self.at = 0  # the place being worked on: an index into self.pairs
        self.notes: list[str] = []
        self.problems: list[Problem] = []
        self.computed: dict[int, list[tuple[Expression, str]]] = {}  # reviewed block number → computed outputs changed in it
        self.gone: set[int] = set()  # ids of the sections deleted whole
        self.values: dict[str, list[tuple[str, str, str, rv.Block]]] = {}
        self.numbers_only: dict[int, int] = {}  # reviewed block number → its change in self.found, when only numbers changed
        self.pairs: list[tuple[int | None, int | None]] = []

    # -- the whole -----------------------------------------------------------------------------

    def align(self) -> list[tuple[int | None, int | None]]:
        old_keys = [key(b.text, b.kind == "table") for b in self.old]
        new_keys = [key(b.text, b.is_table) for b in self.new]
        self.pairs = list(align(old_keys, new_keys, window=PAIRING_WINDOW))
        return self.pairs

    def run(self) -> None:
        pairs = self.pairs or self.align()
        deleted = {i for i, j in pairs if j is None and i is not None}
        self.deletions(deleted)
        last_old: int | None = None
        run: list[int] = []
        for n, (i, j) in enumerate(pairs):
            self.at = n
            if i is None:
                assert j is not None
                run.append(j)
                continue
            if run:
                self.at = n - len(run)
                self.insertions(run, last_old, i)
                self.at, run = n, []
            last_old = i
            if j is not None:
                self.compare(self.old[i], self.new[j])
        if run:
            self.at = len(pairs) - len(run)
            self.insertions(run, last_old, None)
        self.write_added()
        self.at = len(pairs)
        self.texts()
        for edits in self.lists.values():
            self.spans += edits.spans(self.text)
        for listed, entries in self.missing_lists.values():
            self.spans.append(self.new_list(listed, entries))

    # -- a pair of blocks ------------------------------------------------------------------------

    def compare(self, old: Block, new: rv.Block) -> None:
        if old.kind == "table" or new.is_table:
            if old.kind == "table" and new.is_table:
                self.table(old, new)
            elif old.text != new.text:
                self.problem(new, "表格与段落互相替换，请直接修改数据文件")
            return
        has_items = any(s.kind == "item" for s in old.segments)
        if comparable(old.text, has_items) == comparable(new.text, has_items):
            return
        if old.kind == "date":
            self.date(old, new)
            return
        if old.kind in ("note", "attachment-label"):
            what = "附件说明由附件标题生成" if old.kind == "note" else "附件序号是自动生成的"
            self.problem(new, f"{what}，不能直接改；请修改数据文件中的附件")
            return
        self.split(old.segments, new, old.paragraph)
        if _NUMBER.sub("#", old.text) == _NUMBER.sub("#", new.text):  # only numbers changed: maybe figures
            self.numbers_only[new.number] = len(self.found)
        self.change(f"第{new.number}段：{describe(old.text, new.text)}")

    def split(self, segments: tuple[Segment, ...], new: rv.Block, paragraph: ParagraphRef | None, text: str | None = None) -> None:
        result = split(segments, new.text if text is None else text)
        for message in result.problems:
            self.problem(new, message)
        for ref, edits in result.edits.items():
            self.edits.setdefault(ref, []).extend(edits)
            self.where[ref] = new
        for k in result.merged:
            item = segments[k].ref
            index = next((n for n, i in enumerate(paragraph.items) if i is item), None) if paragraph and item else None
            if paragraph is None or item is None or index is None or paragraph.items_list is None:
                self.problem(new, "删掉了“一是”“二是”这样的序号")
                continue
            self.merges.setdefault(paragraph, set()).add(index)
            self.where.setdefault(item, new)

    def date(self, old: Block, new: rv.Block) -> None:
        match = _DATE.fullmatch(new.text)
        try:
            day = datetime.date(int(match[1]), int(match[2]), int(match[3])) if match else None
        except ValueError:
            day = None
        if day is None or old.date_node is None:
            self.problem(new, "落款日期应写成2025年3月25日这样的形式")
            return
        node = old.date_node
        self.spans.append((node.start_mark.index, content_end(self.text, node), day.isoformat()))
        self.change(f"落款日期改为{new.text}")

    def table(self, old: Block, new: rv.Block) -> None:
        table = old.table
        assert table is not None and new.rows is not None
        columns = len(old.cells[0])
        if any(len(row) != columns for row in new.rows) or not new.rows:
            self.problem(new, f"表格的列数有变化（数据中为 {columns} 列），请直接修改数据文件")
            return
        self.cells(table.header, old.cells[0], new.rows[0], new, 1)
        old_rows = old.cells[1:]
        new_rows = new.rows[1:]
        previous = -1
        rows = self.list_edits(table.rows_list)
        for i, j in align(["\t".join(r) for r in old_rows], ["\t".join(r) for r in new_rows]):
            if i is None:
                assert j is not None
                rows.inserted.setdefault(previous + 1, []).append(f"- [{', '.join(scalar(c, flow=True) for c in new_rows[j])}]\n")
                self.change(f"第{new.number}段（表格）：新增一行“{shorten(' '.join(new_rows[j]))}”")
            elif j is None:
                rows.deleted.add(i)
                self.change(f"第{new.number}段（表格）：删除一行“{shorten(' '.join(old_rows[i]))}”")
                previous = i
            else:
                self.cells(table.rows[i], old_rows[i], new_rows[j], new, j + 2)
                previous = i
        if table.rows_list.seq is not None and table.rows_list.seq.flow_style and (rows.deleted or rows.inserted):
            self.problem(new, "表格的行写在一行中（[…]），无法增删行；请直接修改数据文件")

    def cells(self, refs: tuple[TextRef, ...], old: tuple[str, ...], new: tuple[str, ...], block: rv.Block, row: int) -> None:
        for column_number, (ref, before, after) in enumerate(zip(refs, old, new), 1):
            if before != after:
                self.split((Segment(before, "text", ref),), block, None, after)
                self.change(f"第{block.number}段（表格）第{row}行第{column_number}列：“{before}”改为“{after}”")

    # -- deleted blocks ---------------------------------------------------------------------------

    def deletions(self, deleted: set[int]) -> None:
        members: dict[int, list[int]] = {}
        sections: dict[int, SectionRef] = {}
        for i, block in enumerate(self.old):
            for section in block.chain:
                members.setdefault(id(section.node), []).append(i)
                sections[id(section.node)] = section
        gone = self.gone = {node for node, blocks in members.items() if all(i in deleted for i in blocks)}
        done: set[int] = set()
        place = {i: n for n, (i, _) in enumerate(self.pairs) if i is not None}
        for i in sorted(deleted):
            self.at = place[i]
            block = self.old[i]
            outer = next((s for s in block.chain if id(s.node) in gone), None)
            if outer is not None:
                if id(outer.node) not in done:
                    done.add(id(outer.node))
                    self.delete(outer.entry)
                    self.change(f"删除一节“{shorten(outer.section.title.template)}”（{len(members[id(outer.node)])} 段）")
                continue
            if block.kind == "paragraph" and not block.leads and block.entry is not None:
                self.delete(block.entry)
                self.change(f"删除段落“{shorten(block.text)}”")
            elif block.kind == "paragraph":
                self.problem(None, f"删除了以“{shorten(block.text)}”开头的段落，但它所在的一节还有其他内容；接排的标题不能单独删除，请直接修改数据文件")
            elif block.kind == "heading":
                self.problem(None, f"删除了标题“{shorten(block.text)}”，但保留了这一节的内容；请直接在数据文件中移动这些内容")
            elif block.kind == "table" and block.entry is not None and block.table is not None:
                caption_kept = block.table.caption is not None and not any(b.kind == "caption" and b.table is block.table and k in deleted for k, b in enumerate(self.old))
                if caption_kept:
                    self.problem(None, f"删除了表格，但保留了表题“{shorten(block.table.caption.atoms.rendered) if block.table.caption else ''}”")
                else:
                    self.delete(block.entry)
                    self.change("删除表格")
            elif block.kind == "caption" and block.table is not None and block.table.caption_key is not None:
                if not any(b.kind == "table" and b.table is block.table and k in deleted for k, b in enumerate(self.old)):
                    self.spans.append(delete_key(self.text, *block.table.caption_key))
                    self.change(f"删除表题“{shorten(block.text)}”")
            else:
                self.problem(None, f"审阅稿删除了“{shorten(block.text)}”，它不能这样删除；请直接修改数据文件")

    def delete(self, entry: Entry) -> None:
        self.list_edits(entry.list).deleted.add(entry.index)

    def list_edits(self, listed: ListRef) -> _ListEdits:
        assert listed.seq is not None
        if id(listed.seq) not in self.lists:
            self.lists[id(listed.seq)] = _ListEdits(listed.seq, listed.key, set(), {})
        return self.lists[id(listed.seq)]

    # -- added blocks -------------------------------------------------------------------------------

    def insertions(self, run: list[int], before: int | None, after: int | None) -> None:
        """Blocks the reviewer added between old blocks `before` and `after` (indexes, or None)."""
        slot = self.slot(before, after)
        if slot is None:
            for j in run:
                self.problem(self.new[j], "加在了标题、附件说明或落款中间，数据中没有对应的位置")
            return
        listed, index, chain = slot
        following = self.old[after] if after is not None else None
        opened: list[_New] = []
        pending_caption = ""
        for j in run:
            block = self.new[j]
            if any(mark in block.text for mark in ("{{", "{%", "{#")):
                self.problem(block, "新文字中含有 {{、{% 或 {#，它们在数据文件中有特殊含义；请直接修改数据文件")
                continue
            new = self.classify(block)
            if new.kind == "paragraph" and block.style == "表格标题" and j + 1 in run and self.new[j + 1].is_table:
                pending_caption = block.text
                continue
            if new.kind == "table" and pending_caption:
                new.caption, pending_caption = pending_caption, ""
            if new.kind == "section":
                while opened and opened[-1].level >= new.level:
                    opened.pop()
                if opened:
                    opened[-1].body.append(new)
                    opened.append(new)
                    continue
                while chain and chain[-1].level >= new.level:
                    section = chain[-1]
                    if following is not None and any(s is section for s in following.chain):
                        self.problem(block, f"新加的标题把“{shorten(section.section.title.template)}”一节从中间分开，它后面原有的内容要移进新的一节；请直接在数据文件中调整")
                        return
                    listed, index, chain = section.entry.list, section.entry.index + 1, chain[:-1]
                parent = chain[-1].level if chain else 0
                default = min(parent, len(NUMBERING_STYLES) - 1) + 1
                new.numbering = None if new.level == default else NUMBERING_STYLES[new.level - 1]
                self.insert(listed, index, new)
                opened = [new]
            elif opened:
                opened[-1].body.append(new)
            else:
                self.insert(listed, index, new)

    def slot(self, before: int | None, after: int | None) -> tuple[ListRef, int, tuple[SectionRef, ...]] | None:
        """Where blocks added after old block `before` go: a list, an index in it, the sections it lies in."""
        top = self._top_body()
        if before is None:
            return (top, 0, ()) if after is None or self.old[after].kind not in ("title",) else None
        block = self.old[before]
        for section in block.chain:
            if id(section.node) in self.gone:
                position = block.chain.index(section)
                return section.entry.list, section.entry.index + 1, block.chain[:position]
        if block.kind in ("title", "recipient"):
            if after is not None and self.old[after].kind in ("title", "recipient"):
                return None
            return top, 0, ()
        if block.kind == "heading" and block.body is not None:
            return block.body, 0, block.chain
        if block.kind == "attachment-title" and block.body is not None:
            return block.body, 0, ()
        if block.kind in ("paragraph", "table") and block.entry is not None:
            return block.entry.list, block.entry.index + 1, block.chain
        return None

    def _top_body(self) -> ListRef:
        parts = fields(self.root)
        key, value = parts["body"]
        return ListRef(value if isinstance(value, SequenceNode) else None, key, self.root if isinstance(self.root, MappingNode) else None)

    def insert(self, listed: ListRef, index: int, new: _New) -> None:
        """Add a new block (its YAML is written once the run it opens has all its blocks)."""
        if listed.seq is not None and listed.seq.value and listed.seq.flow_style:
            self.problem(None, f"{new.describe()}：数据中这一处的列表写在一行中（[…]），请直接修改数据文件")
            return
        self.added.append((listed, index, new, self.at))

    def write_added(self) -> None:
        for listed, index, new, at in self.added:
            self.at = at
            self.change(new.describe())
            if listed.seq is None or not listed.seq.value:
                self.missing_lists.setdefault((id(listed.owner), listed.name), (listed, []))[1].append(new.yaml())
            else:
                self.list_edits(listed).inserted.setdefault(index, []).append(new.yaml())

    def new_list(self, listed: ListRef, entries: list[str]) -> Span:
        """A list that has no entries yet (no key, or `body: []`), written with them."""
        if listed.key is not None and listed.seq is not None:
            pad = " " * (column(self.text, listed.key.start_mark.index) + 2)
            lines = "".join(pad + line if line.strip() else line for entry in entries for line in entry.splitlines(keepends=True))
            colon = self.text.index(":", listed.key.end_mark.index) + 1
            return colon, content_end(self.text, listed.seq), "\n" + lines.rstrip("\n")
        assert listed.owner is not None
        lines = "".join("  " + line if line.strip() else line for entry in entries for line in entry.splitlines(keepends=True))
        return new_key(self.text, listed.owner, f"{listed.name}:\n{lines}")

    def classify(self, block: rv.Block) -> _New:
        if block.rows is not None:
            return _New("table", rows=block.rows)
        text = block.text
        label = HEADING_LABEL.match(text)
        style = next((s for pattern, s in _STYLE_OF_LABEL if label and pattern.fullmatch(label.group(0))), None)
        level = NUMBERING_STYLES.index(style) + 1 if style else 0
        title = text[label.end():] if label else text
        if block.heading and 1 <= (level or block.heading) <= 4:
            return _New("section", title, level=level or block.heading)
        if level:
            end = _SENTENCE_END.search(title)
            if end and end.end() < len(title):
                lead = title[: end.end()]
                lead = lead[:-1] if lead.endswith("。") and len(lead) > 1 else lead
                return _New("section", lead, level=level, runin=True, body=[self.paragraph(title[end.end():])])
        if text.startswith("——") and len(text) > 2:
            return _New("bullet", text[2:])
        return self.paragraph(text)

    def paragraph(self, text: str) -> _New:
        """A new paragraph; with 一是 … 二是 … in it, its items."""
        labels = []
        at = 0
        for n, numeral in enumerate("一二三四五六七八九十", 1):
            match = re.compile(rf"(?<![^，；。：！？、]){numeral}是").search(text, at)
            if match is None:
                break
            labels.append(match)
            at = match.end()
        if len(labels) < 2:
            return _New("paragraph", text)
        items = tuple(text[m.end():(labels[k + 1].start() if k + 1 < len(labels) else len(text))] for k, m in enumerate(labels))
        return _New("paragraph", text[: labels[0].start()], items=items)

    # -- the texts --------------------------------------------------------------------------------------

    def texts(self) -> None:
        changes: dict[TextRef, Change] = {ref: apply(ref, edits) for ref, edits in self.edits.items()}
        final: dict[TextRef, str] = {ref: change.template for ref, change in changes.items()}
        for ref, change in changes.items():
            where = self.where[ref]
            for message in change.problems:
                self.problem(where, message)
            for figure, value, before, after in change.values:
                self.values.setdefault(figure, []).append((value, before, after, where))
            for expression, output in change.computed:
                self.computed.setdefault(where.number, []).append((expression, output))
            for expression in change.dropped:
                self.notes.append(f"第{where.number}段不再引用“{expression.source}”（原为“{expression.text}”），改为审阅稿中的文字")
        for paragraph, merged in self.merges.items():
            self.merge(paragraph, merged, final)
        for paragraph in {b.paragraph for b in self.old if b.paragraph is not None and b.paragraph.items_list is not None}:
            self.split_items(paragraph, final)
        for ref, template in final.items():
            if template != ref.text.template:
                node = ref.node
                self.spans.append((node.start_mark.index, content_end(self.text, node), scalar(template, ref.flow, node.style)))
        self.figure_values()

    def merge(self, paragraph: ParagraphRef, merged: set[int], final: dict[TextRef, str]) -> None:
        """Items whose 一是 label the reviewer deleted run on in the text before them."""
        assert paragraph.items_list is not None
        templates = [final.get(ref, ref.text.template) for ref in paragraph.items]
        lead = final.get(paragraph.p, paragraph.p.text.template) if paragraph.p else None
        for k in sorted(merged):
            target = next((t for t in range(k - 1, -1, -1) if t not in merged), None)
            if target is not None:
                templates[target] += templates[k]
                final[paragraph.items[target]] = templates[target]
            elif lead is not None and paragraph.p is not None:
                lead += templates[k]
                final[paragraph.p] = lead
            else:
                items_key = paragraph.items_list.key
                assert isinstance(paragraph.node, MappingNode) and items_key is not None
                self.spans.append(new_key(self.text, paragraph.node, f"p: {scalar(templates[k])}\n", before=items_key))
                lead = templates[k]
            final.pop(paragraph.items[k], None)
            self.delete(Entry(paragraph.items_list, k, paragraph.items[k].node))

    def split_items(self, paragraph: ParagraphRef, final: dict[TextRef, str]) -> None:
        """An item into which the reviewer typed the next label (“；四是…”) becomes two items."""
        assert paragraph.items_list is not None
        merged = self.merges.get(paragraph, set())
        for k, ref in enumerate(paragraph.items):
            if ref not in final or k in merged:
                continue
            pieces, rest, n = [], final[ref], k + 2
            while n <= 99:
                label = chinese_numeral(n) + "是"
                match = re.search(rf"(?<=[，；。：！？]){label}", rest)
                if match is None or final[ref].count(label) <= ref.text.template.count(label) or rest[:match.start()].count("{{") != rest[:match.start()].count("}}"):
                    break
                pieces.append(rest[:match.start()])
                rest, n = rest[match.end():], n + 1
            if pieces:
                final[ref] = pieces[0]
                for piece in [*pieces[1:], rest]:
                    self.list_edits(paragraph.items_list).inserted.setdefault(k + 1, []).append(f"- {scalar(piece)}\n")

    def figure_values(self) -> None:
        figures = fields(fields(self.root)["figures"][1]) if "figures" in fields(self.root) else {}
        for name, entries in self.values.items():
            values = sorted({value for value, *_ in entries})
            if len(values) > 1:
                for _, before, after, where in entries:
                    self.problem(where, f"数字“{name}”在几处改成了不同的值（{'、'.join(values)}），无法确定取哪一个")
                continue
            value = values[0]
            _, before, after, where = entries[0]
            node = figures[name][1]
            self.spans.append(self.set_value(node, value))
            if where.number in self.numbers_only:  # one edit, told once: in its paragraph's line
                index = self.numbers_only[where.number]
                place, line = self.found[index]
                self.found[index] = (place, f"{line}（数字“{name}”：figures 中的 value {'填入' if before.startswith('【待填') else '改为'} {value}）")
            elif before.startswith("【待填"):
                self.change(f"数字“{name}”：填入 {after}（figures 中加上 value: {value}）")
            else:
                self.change(f"数字“{name}”：{before} → {after}（figures 中的 value 改为 {value}）")

    def set_value(self, node: Node, value: str) -> Span:
        if isinstance(node, ScalarNode):
            return node.start_mark.index, content_end(self.text, node), value
        parts = fields(node)
        if "value" in parts:
            target = parts["value"][1]
            return target.start_mark.index, content_end(self.text, target), value
        assert isinstance(node, MappingNode)
        if node.flow_style:
            at = node.start_mark.index + 1
            return at, at, f"value: {value}, "
        return new_key(self.text, node, f"value: {value}\n", before=node.value[0][0])

    @property
    def changes(self) -> list[str]:
        """What changed, in the order of the document."""
        return [text for _, text in sorted(self.found, key=lambda found: found[0])]

    def change(self, text: str) -> None:
        self.found.append((self.at, text))

    def problem(self, block: rv.Block | None, reason: str) -> None:
        self.problems.append(Problem(block, reason))

