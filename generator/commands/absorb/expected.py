"""What the data renders to, block by block, with where every piece of text came from.

Each block of the rendered report (a title line, a heading, a paragraph, a table …) is a list of
segments: text rendered from one `Text` of the data file, or text the generator computes (heading
numbers, 一是, the 。 after a run-in heading, ——). A text's rendering is split further into the
characters written literally in the template and the output of each `{{ … }}`, so that an edit
of the rendered text can be taken back to the template.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Iterator

from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from generator.chinese import CJK, ends_sentence
from generator.errors import DataError
from generator.pipeline import document as doc
from generator.pipeline import model
from generator.pipeline.figures import PLACEHOLDER_END, PLACEHOLDER_START, format_number
from generator.pipeline.numbering import enumeration_label
from generator.pipeline.resolve import Resolver
from generator.pipeline.yamledit import fields

_EXPRESSION = re.compile(r"\{\{.*?\}\}", re.S)
_FIGURE_REFERENCE = re.compile(r"\s*([^\W\d]\w*)\s*(\.\s*number\s*)?")
NUMBER = re.compile(r"(?<![\d.])-?\d+(?:\.\d+)?")
_SPACE_BETWEEN_CJK = re.compile(rf"(?<=[{CJK}])\s+(?=[{CJK}])")  # the resolver's rule: such spaces are not text
_MARKS = (PLACEHOLDER_START, PLACEHOLDER_END)


@dataclass(frozen=True)
class Expression:
    """One `{{ … }}` of a template and what it rendered to."""

    source: str  # "{{ 专题汇报 }}"
    template: tuple[int, int]  # its span in the template
    output: tuple[int, int]  # its span in the rendered text
    text: str  # the rendered output, "4次"
    figure: str | None  # the stated figure it shows (its value can be changed); None: computed
    pattern: re.Pattern[str]  # what its output looks like whatever the number
    scale: int = 1  # 万 or 亿 in the figure's display form


@dataclass(frozen=True)
class Atoms:
    """A rendered text split back onto its template."""

    rendered: str
    index: tuple[int | None, ...]  # each rendered character's index in the template; None: an expression's
    expressions: tuple[Expression, ...]
    opaque: bool  # a template with {% %} or {# #}: edits cannot be taken back into it

    def template_start(self, position: int, template: str) -> int:
        """The template offset where the rendered character at `position` starts."""
        if position >= len(self.rendered):
            return self.template_end(position, template)
        at = self.index[position]
        if at is not None:
            return at
        return next(e.template[0] for e in self.expressions if e.output[0] <= position < e.output[1])

    def template_end(self, position: int, template: str) -> int:
        """The template offset just after the rendered character before `position`."""
        if position == 0:
            return len(template) - len(template.lstrip())
        at = self.index[position - 1]
        if at is not None:
            return at + 1
        return next(e.template[1] for e in self.expressions if e.output[0] < position <= e.output[1])


@dataclass(frozen=True, eq=False)
class ListRef:
    """A list of the data file: a body, a paragraph's items, a table's rows, the title's lines."""

    seq: SequenceNode | None  # None: its key is not written yet
    key: ScalarNode | None
    owner: MappingNode | None  # the mapping holding the key
    name: str = "body"


@dataclass(frozen=True, eq=False)
class Entry:
    list: ListRef
    index: int
    node: Node


@dataclass(eq=False)
class TextRef:
    """One text of the data file: where it is, and its rendering split onto its template."""

    text: model.Text
    node: ScalarNode
    flow: bool  # inside a [ ] or { } (a table row): the YAML for it must not contain , [ ] { }
    atoms: Atoms


@dataclass(eq=False)
class SectionRef:
    section: model.Section
    node: MappingNode
    entry: Entry
    level: int  # 1 一、 2 （一） 3 1. 4 （1）; a run-in section's is set by the paragraph it leads


@dataclass(frozen=True, eq=False)
class ParagraphRef:
    node: Node  # a scalar, or the mapping with p / items / bullet
    p: TextRef | None
    items: tuple[TextRef, ...]
    items_list: ListRef | None


@dataclass(frozen=True, eq=False)
class TableRef:
    node: MappingNode  # the entry: table: and caption:
    caption: TextRef | None
    caption_key: tuple[ScalarNode, Node] | None
    header: tuple[TextRef, ...]
    rows: tuple[tuple[TextRef, ...], ...]
    rows_list: ListRef


@dataclass(frozen=True)
class Segment:
    text: str
    kind: str  # "text"; computed: "label" (heading number), "item" (一是), "dot" (。 after a run-in heading), "dash" (——), "fixed"
    ref: TextRef | None = None


@dataclass(eq=False)
class Block:
    """One block of the rendered report and where it came from."""

    kind: str  # title recipient heading paragraph caption table note issuer date attachment-label attachment-title
    segments: tuple[Segment, ...] = ()
    cells: tuple[tuple[str, ...], ...] = ()  # a table's rows, the header first
    entry: Entry | None = None  # the list entry it belongs to
    chain: tuple[SectionRef, ...] = ()  # the sections it lies in, outermost first (a heading: its own last)
    leads: tuple[SectionRef, ...] = ()  # run-in sections whose heading starts this paragraph
    paragraph: ParagraphRef | None = None
    table: TableRef | None = None
    body: ListRef | None = None  # the body list that follows a heading or attachment title
    date_node: ScalarNode | None = None

    @property
    def text(self) -> str:
        if self.kind == "table":
            return "\n".join("\t".join(row) for row in self.cells)
        return "".join(segment.text for segment in self.segments)


class Builder:
    """The blocks a loaded report renders to, in the order the DOCX writer writes them."""

    def __init__(self, report: model.Report, document: doc.Document, root: Node) -> None:
        self.report = report
        self.document = document
        self.root = root
        self.resolver = Resolver(report)
        self.blocks: list[Block] = []
        self.pending: list[SectionRef] = []

    def build(self) -> list[Block]:
        top = fields(self.root)
        meta = fields(top["meta"][1])
        title_node = meta["title"][1]
        title_list = ListRef(title_node, meta["title"][0], top["meta"][1] if isinstance(top["meta"][1], MappingNode) else None, "title") if isinstance(title_node, SequenceNode) else None
        for n, line in enumerate(self.report.meta.title):
            node = title_node.value[n] if isinstance(title_node, SequenceNode) else title_node
            entry = Entry(title_list, n, node) if title_list else None
            self.add(Block("title", (self.segment(line, node),), entry=entry))
        if self.report.meta.recipient is not None:
            self.add(Block("recipient", (self.segment(self.report.meta.recipient, meta["recipient"][1]),)))
        body_key, body_node = top["body"]
        body = ListRef(body_node if isinstance(body_node, SequenceNode) else None, body_key, self.root if isinstance(self.root, MappingNode) else None)
        self.body(self.report.body, body, (), iter(self.document.body))
        for note in self.document.attachment_note:
            self.add(Block("note", (Segment(note, "fixed"),)))
        signature = self.report.meta.signature
        if signature is not None:
            parts = fields(meta["signature"][1])
            issuers = parts["issuer"][1]  # one 署名, or a joint issuance's list: a line each (web edition)
            for issuer, node in zip((signature.issuer, *signature.joint), issuers.value if isinstance(issuers, SequenceNode) else (issuers,)):
                self.add(Block("issuer", (self.segment(issuer, node),)))
            self.add(Block("date", (Segment(self.document.signature_date, "fixed"),), date_node=parts["date"][1]))  # type: ignore[arg-type]
        if "attachments" in top:
            for attachment, rendered, node in zip(self.report.attachments, self.document.attachments, top["attachments"][1].value):
                parts = fields(node)
                self.add(Block("attachment-label", (Segment(rendered.label, "fixed"),)))
                key, value = parts.get("body", (None, None))
                listed = ListRef(value if isinstance(value, SequenceNode) else None, key, node)  # type: ignore[arg-type]
                title = parts["title"][1]  # one paragraph, in one line or as the data breaks it
                lines = zip(attachment.title_lines, title.value if isinstance(title, SequenceNode) else (title,))
                self.add(Block("attachment-title", tuple(self.segment(line, node) for line, node in lines), body=listed))
                self.body(attachment.body, listed, (), iter(rendered.body))
        return self.blocks

    def add(self, block: Block) -> None:
        if block.text.strip():
            self.blocks.append(block)

    def segment(self, text: model.Text, node: Node, flow: bool = False) -> Segment:
        rendered = self.resolver.render(text)
        assert isinstance(node, ScalarNode)
        return Segment(rendered, "text", TextRef(text, node, flow, self.atoms(text, rendered)))

    # -- the body ---------------------------------------------------------------------------

    def body(self, blocks: tuple[model.Block, ...], listed: ListRef, chain: tuple[SectionRef, ...], rendered: Iterator[doc.Block]) -> None:
        nodes = listed.seq.value if listed.seq is not None else []
        for index, (block, node) in enumerate(zip(blocks, nodes)):
            entry = Entry(listed, index, node)
            if isinstance(block, model.Section):
                self.section(block, node, entry, chain, rendered)
            elif isinstance(block, (model.Paragraph, model.Bullet)):
                self.paragraph(block, node, entry, chain, next(rendered))
            else:
                self.table(block, node, entry, chain, next(rendered))

    def section(self, section: model.Section, node: Node, entry: Entry, chain: tuple[SectionRef, ...], rendered: Iterator[doc.Block]) -> None:
        assert isinstance(node, MappingNode)
        parts = fields(node)
        key, value = parts.get("body", (None, None))
        body = ListRef(value if isinstance(value, SequenceNode) else None, key, node)
        title_node = parts["section"][1]
        if section.runin:
            ref = SectionRef(section, node, entry, 0)  # the level comes with the paragraph it leads
            self.pending.append(ref)
            self.body(section.body, body, chain + (ref,), rendered)
            return
        heading = next(rendered)
        assert isinstance(heading, doc.Heading)
        ref = SectionRef(section, node, entry, heading.level)
        title = self.segment(section.title, title_node)
        self.add(Block("heading", (Segment(heading.label, "label"), title), entry=entry, chain=chain + (ref,), body=body))
        self.body(section.body, body, chain + (ref,), rendered)

    def paragraph(self, block: model.Paragraph | model.Bullet, node: Node, entry: Entry, chain: tuple[SectionRef, ...], rendered: doc.Block) -> None:
        assert isinstance(rendered, doc.Paragraph)
        leads, self.pending = tuple(self.pending), []
        segments: list[Segment] = []
        spans = rendered.spans
        for lead, span in zip(leads, spans):
            title = self.segment(lead.section.title, fields(lead.node)["section"][1])
            dot = "" if ends_sentence(title.text) else "。"
            label = span.text[: len(span.text) - len(title.text) - len(dot)]
            if label + title.text + dot != span.text:
                raise DataError(None, f"内部错误：接排标题“{span.text}”与数据不符")
            segments += [Segment(label, "label"), title, *([Segment(dot, "dot")] if dot else [])]
            lead.level = int(span.role.removeprefix("heading"))
        parts = fields(node)
        if isinstance(block, model.Bullet):
            text = self.segment(block.text, parts["bullet"][1])
            segments += [Segment("——", "dash"), text]
            ref = ParagraphRef(node, text.ref, (), None)
        else:
            p = self.segment(block.text, node if isinstance(node, ScalarNode) else parts["p"][1]) if block.text else None
            items_key, items_node = parts.get("items", (None, None))
            items_list = ListRef(items_node, items_key, node, "items") if isinstance(items_node, SequenceNode) and isinstance(node, MappingNode) else None
            items = [self.segment(item, items_node.value[n]) for n, item in enumerate(block.items)] if isinstance(items_node, SequenceNode) else []
            segments += [p] if p else []
            for n, item in enumerate(items, 1):
                segments += [Segment(enumeration_label(n), "item"), item]
            ref = ParagraphRef(node, p.ref if p else None, tuple(i.ref for i in items if i.ref), items_list)
        result = Block("paragraph", tuple(segments), entry=entry, chain=chain, leads=leads, paragraph=ref)
        if result.text != rendered.text:
            raise DataError(None, f"内部错误：段落“{rendered.text[:20]}”与数据不符")
        self.add(result)

    def table(self, block: model.Table, node: Node, entry: Entry, chain: tuple[SectionRef, ...], rendered: doc.Block) -> None:
        assert isinstance(rendered, doc.Table) and isinstance(node, MappingNode)
        parts = fields(node)
        table = fields(parts["table"][1])
        header_node, rows_key, rows_node = table["header"][1], table["rows"][0], table["rows"][1]
        assert isinstance(header_node, SequenceNode) and isinstance(rows_node, SequenceNode)
        header = tuple(self.segment(cell, n, bool(header_node.flow_style)) for cell, n in zip(block.header, header_node.value))
        rows = []
        for row, row_node in zip(block.rows, rows_node.value):
            assert isinstance(row_node, SequenceNode)
            rows.append(tuple(self.segment(cell, n, bool(row_node.flow_style)) for cell, n in zip(row, row_node.value)))
        caption = self.segment(block.caption, parts["caption"][1]) if block.caption else None
        ref = TableRef(node, caption.ref if caption else None, parts.get("caption"), tuple(h.ref for h in header if h.ref),
                       tuple(tuple(c.ref for c in row if c.ref) for row in rows), ListRef(rows_node, rows_key, table_mapping(parts), "rows"))
        if caption:
            self.add(Block("caption", (caption,), entry=entry, chain=chain, table=ref))
        cells = (tuple(h.text for h in header), *(tuple(c.text for c in row) for row in rows))
        self.blocks.append(Block("table", cells=cells, entry=entry, chain=chain, table=ref))

    # -- texts ------------------------------------------------------------------------------

    def atoms(self, text: model.Text, rendered: str) -> Atoms:
        """The rendering of `text` split onto its template (opaque if that does not reproduce it)."""
        template = text.template
        if "{%" in template or "{#" in template:
            return Atoms(rendered, (), (), True)
        chars: list[str] = []
        index: list[int | None] = []
        owner: list[int] = []  # per character: the expression it belongs to, -1 for literal text
        found: list[tuple[str, tuple[int, int], str]] = []
        at = 0
        for match in _EXPRESSION.finditer(template):
            chars += template[at:match.start()]
            index += range(at, match.start())
            owner += [-1] * (match.start() - at)
            output = self.resolver.render_marked(model.Text(match.group(0), text.source, text.start, text.end))
            chars += output
            index += [None] * len(output)
            owner += [len(found)] * len(output)
            found.append((match.group(0), match.span(), output))
            at = match.end()
        chars += template[at:]
        index += range(at, len(template))
        owner += [-1] * (len(template) - at)
        keep = _kept("".join(chars))
        kept = [k for k in range(len(chars)) if keep[k] and chars[k] not in _MARKS]
        result = "".join(chars[k] for k in kept)
        if result != rendered:
            return Atoms(rendered, (), (), True)
        expressions = []
        for n, (source, span, _) in enumerate(found):
            positions = [p for p, k in enumerate(kept) if owner[k] == n]
            start = positions[0] if positions else next((p for p, k in enumerate(kept) if k > span[0]), len(kept))
            end = positions[-1] + 1 if positions else start
            expressions.append(self.expression(source, span, (start, end), result[start:end]))
        return Atoms(result, tuple(index[k] for k in kept), tuple(expressions), False)

    def expression(self, source: str, span: tuple[int, int], output: tuple[int, int], text: str) -> Expression:
        reference = _FIGURE_REFERENCE.fullmatch(source[2:-2])
        figure = self.report.figures.get(reference.group(1)) if reference else None
        if figure is None or figure.formula is not None or reference is None:
            return Expression(source, span, output, text, None, _shape(text))
        scale = {"万": 10_000, "亿": 100_000_000}.get(figure.display.replace("余", ""), 1)
        suffix = NUMBER.sub("", format_number(1, figure.precision, figure.display), count=1) + ("" if reference.group(2) else figure.unit)
        pattern = re.compile(f"(?P<n>{NUMBER.pattern})" + re.escape(suffix))
        return Expression(source, span, output, text, figure.name, pattern if figure.value is None else _shape(text), scale)


def table_mapping(parts: dict[str, tuple[ScalarNode, Node]]) -> MappingNode | None:
    value = parts["table"][1]
    return value if isinstance(value, MappingNode) else None


def _shape(text: str) -> re.Pattern[str]:
    """The output with its first number free: "同比增长6.0%" matches any 同比增长N%."""
    number = NUMBER.search(text)
    if number is None:
        return re.compile(re.escape(text))
    return re.compile(re.escape(text[: number.start()]) + f"(?P<n>{NUMBER.pattern})" + re.escape(text[number.end():]))


def _kept(text: str) -> list[bool]:
    """Which characters the resolver keeps: it strips the text and drops spaces between CJK."""
    keep = [True] * len(text)
    lead = len(text) - len(text.lstrip())
    stop = len(text.rstrip())
    for k in [*range(lead), *range(stop, len(text))]:
        keep[k] = False
    middle = text[lead:stop]
    for match in _SPACE_BETWEEN_CJK.finditer(middle):
        for k in range(match.start(), match.end()):
            keep[lead + k] = False
    return keep
