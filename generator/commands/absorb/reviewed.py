"""The reviewed DOCX as a list of blocks: paragraph texts and table cells, with the reviewers'
comments and the tracked changes still pending.

Word, WPS and LibreOffice save our DOCX back with runs split differently, styles renamed
(LibreOffice turns `ReportBody` into `Style18`), bookmarks, proofing marks, rsids and fields.
None of that is text: a paragraph is the text of its runs, and a paragraph's role is read from
its style's *name* and outline level, never the style id.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from lxml import etree

from generator import incoming
from generator.chinese import CJK
from generator.errors import DataError
from generator.ooxml import COMMENTS_REL, MC_NS, REL_NS, w

# Subtrees that hold no text of the paragraph: properties, deleted text (tracked changes are
# accepted), field codes, text boxes and drawings, alternative content.
_SKIP = {w(t) for t in ("pPr", "rPr", "del", "moveFrom", "delText", "instrText", "delInstrText", "txbxContent", "drawing", "pict", "object", "sdtPr", "fldData")}
_SKIP.add(f"{{{MC_NS}}}AlternateContent")
_ANCHOR_CHARS = 200
_CHARACTERS = {w("t"): "", w("tab"): "\t", w("noBreakHyphen"): "-"}  # w:t: its text
_REVISIONS = (w("ins"), w("del"), w("moveFrom"), w("moveTo"))
# A paragraph whose mark is deleted (the change accepted) or hidden (Word's style separator, how
# a run-in heading is written) runs on into the next paragraph: one paragraph to the reader.
_JOINING_MARKS = ("del", "moveFrom", "vanish", "specVanish")
_SPACE_BETWEEN_CJK = re.compile(rf"(?<=[{CJK}])\s+(?=[{CJK}])")
# Heading styles by name: ours, and Word's built-in ones (stored in English whatever the language).
_HEADING_NAMES = {**{f"{n}级标题": k for k, n in enumerate("一二三四", 1)}, **{f"heading {k}": k for k in range(1, 10)}, **{f"标题 {k}": k for k in range(1, 10)}}


@dataclass(frozen=True)
class Comment:
    author: str
    text: str
    anchor: str  # the text the comment is attached to, or ""
    block: int  # index of the block it belongs to, -1 if none


@dataclass(frozen=True)
class Block:
    """A non-empty paragraph or a table of the reviewed document."""

    number: int  # 1-based, counting the document's non-empty paragraphs and tables
    text: str  # a table: rows joined by line breaks, cells by tabs
    rows: tuple[tuple[str, ...], ...] | None = None  # a table's cells
    style: str = ""  # the paragraph style's name
    heading: int = 0  # heading level from the style's name or outline level; 0: body text

    @property
    def is_table(self) -> bool:
        return self.rows is not None


@dataclass(frozen=True)
class Reviewed:
    path: Path
    blocks: tuple[Block, ...]
    comments: tuple[Comment, ...]
    revisions: int  # tracked changes not yet accepted or rejected
    styles: frozenset[str] = frozenset()  # names of the paragraph styles the document uses


def clean(text: str) -> str:
    """Text as the generator would write it: no surrounding space, none between Chinese characters."""
    return _SPACE_BETWEEN_CJK.sub("", text.replace("\u00a0", " ").strip())


def read(path: Path) -> Reviewed:
    """Read a DOCX, taking every pending tracked change as accepted (`revisions` says how many).

    The file is read within the caps of generator/incoming.py; text hidden in Word (which the
    reviewers did not see) is refused, never taken into the data."""
    raw = incoming.read_bytes(path, "审阅稿")
    if not raw.startswith(b"PK"):
        raise DataError(None, _not_docx(path, raw[:8]))
    archive = incoming.Archive(path, raw, "审阅稿")
    if "word/document.xml" not in archive.names:
        raise DataError(None, f"{path}：这个压缩文件里没有 Word 正文，不是 .docx 文档")
    root = archive.xml("word/document.xml")
    styles = _Styles(archive.xml("word/styles.xml") if "word/styles.xml" in archive.names else None)
    comments_xml = _comments_part(archive)
    body = root.find(w("body"))
    if body is None:
        raise DataError(None, f"{path}：文档中没有正文")
    revisions = _count_revisions(body)
    incoming.check_count(path, "revisions", revisions, "审阅稿中有")
    reader = _Reader(styles)
    reader.blocks_of(body)
    incoming.check_count(path, "paragraphs", len(reader.blocks), "审阅稿有")
    if reader.hidden:
        number, text = reader.hidden[0]
        raise DataError(None, f"{path}：第{number}段有在 Word 中隐藏的文字“{_shown(text)}”{f'等 {len(reader.hidden)} 处' if len(reader.hidden) > 1 else ''}，"
                              "审阅时看不到，不能写回；请在 Word/WPS 中全选正文，打开“字体”，取消勾选“隐藏”（并检查字号为 0 的文字），"
                              "确认这些文字应当保留或删除后保存，再试")
    comments = tuple(_comments(comments_xml, reader.anchors)) if comments_xml is not None else ()
    incoming.check_count(path, "comments", len(comments), "审阅稿中有")
    return Reviewed(path, tuple(reader.blocks), comments, revisions, frozenset(reader.styles_used))


def _shown(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= 20 else text[:19] + "…"


def _not_docx(path: Path, head: bytes) -> str:
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        return f"{path}：这是旧的 Word 97-2003 文档（.doc），或设置了打开密码的文档；请在 Word/WPS 中取消密码、“另存为”Word 文档（.docx）后再试"
    if head.startswith(b"%PDF"):
        return f"{path}：这是 PDF 文件，不是 Word 文档；请给出审阅后保存的 .docx 文件"
    return f"{path}：不是 Word 文档（.docx）；请给出审阅后保存的 .docx 文件"


def _comments_part(archive: incoming.Archive) -> etree._Element | None:
    target = "word/comments.xml"
    if "word/_rels/document.xml.rels" in archive.names:
        rels = archive.xml("word/_rels/document.xml.rels")
        for rel in rels.iter(f"{{{REL_NS}}}Relationship"):
            if rel.get("Type") == COMMENTS_REL:
                target = "word/" + rel.get("Target", "comments.xml").lstrip("/").removeprefix("word/")
    return archive.xml(target) if target in archive.names else None


def _count_revisions(body: etree._Element) -> int:
    """Tracked insertions and deletions of text, table rows and paragraph marks (a paragraph mark
    counted only where no text of its paragraph is tracked, as Word lists them). One pass: the
    paragraphs with tracked text are noted first, their marks then looked up."""
    count = 0
    marks: list[etree._Element] = []  # paragraphs whose mark is tracked
    with_text: set[etree._Element] = set()  # elements holding tracked text or runs
    for element in body.iter(*_REVISIONS):
        parent = element.getparent()
        if parent.tag == w("trPr"):
            count += 1
        elif parent.tag == w("rPr"):
            paragraph = parent.getparent().getparent()
            if paragraph is not None:
                marks.append(paragraph)
        else:
            count += 1
            with_text.update(element.iterancestors())
    return count + sum(1 for paragraph in marks if paragraph not in with_text)


class _Styles:
    """Paragraph styles by id: name and outline level, following basedOn."""

    def __init__(self, root: etree._Element | None) -> None:
        self.names: dict[str, str] = {}
        self.based_on: dict[str, str] = {}
        self.outline: dict[str, int] = {}
        self.default = ""
        if root is None:
            return
        for style in root.iter(w("style")):
            if style.get(w("type")) != "paragraph":
                continue
            style_id = style.get(w("styleId"), "")
            name = style.find(w("name"))
            self.names[style_id] = name.get(w("val"), "") if name is not None else style_id
            based = style.find(w("basedOn"))
            if based is not None:
                self.based_on[style_id] = based.get(w("val"), "")
            level = style.find(f"{w('pPr')}/{w('outlineLvl')}")
            if level is not None and (level.get(w("val")) or "").isdigit():
                self.outline[style_id] = int(level.get(w("val")))
            if style.get(w("default")) in ("1", "true"):
                self.default = style_id

    def heading(self, style_id: str, direct_outline: int | None) -> int:
        """Heading level 1…9 from the style's name or the outline level; 0 for body text."""
        seen = set()
        current = style_id
        while current and current not in seen:
            seen.add(current)
            level = _HEADING_NAMES.get(self.names.get(current, "").lower())
            if level:
                return level
            current = self.based_on.get(current, "")
        outline = direct_outline if direct_outline is not None else self._outline(style_id)
        return outline + 1 if outline is not None and outline < 9 else 0

    def _outline(self, style_id: str) -> int | None:
        seen = set()
        while style_id and style_id not in seen:
            seen.add(style_id)
            if style_id in self.outline:
                return self.outline[style_id]
            style_id = self.based_on.get(style_id, "")
        return None


class _Reader:
    def __init__(self, styles: _Styles) -> None:
        self.styles = styles
        self.blocks: list[Block] = []
        self.carry: list[str] = []  # text of paragraphs whose mark was deleted: it runs on into the next
        self.anchors: dict[str, tuple[int, str]] = {}  # comment id → (block index, anchored text)
        self.pending_anchors: dict[str, str] = {}
        self.styles_used: set[str] = set()
        self.hidden: list[tuple[int, str]] = []  # (number of the block it is in, hidden text)

    def blocks_of(self, container: etree._Element) -> None:
        for child in container:
            if child.tag == w("p"):
                self.paragraph(child)
            elif child.tag == w("tbl"):
                self.table(child)
            elif child.tag in (w("sdt"), w("customXml"), w("sdtContent")):
                self.blocks_of(child.find(w("sdtContent")) if child.tag == w("sdt") and child.find(w("sdtContent")) is not None else child)
        self.flush()

    def flush(self) -> None:
        """A paragraph run on into something that is not a paragraph stands on its own."""
        carried = clean("".join(self.carry))
        if carried:
            self.add(Block(0, carried))
        self.carry = []

    def paragraph(self, element: etree._Element) -> None:
        text, anchors, hidden = paragraph_text(element)
        if hidden.strip():
            self.hidden.append((len(self.blocks) + 1, hidden))
        mark = element.find(f"{w('pPr')}/{w('rPr')}")
        if mark is not None and any(mark.find(w(tag)) is not None for tag in _JOINING_MARKS):
            self.carry.append(text)
            self.pending_anchors.update(anchors)
            return
        text, self.carry = "".join([*self.carry, text]), []
        anchors = {**self.pending_anchors, **anchors}
        self.pending_anchors = {}
        properties = element.find(w("pPr"))
        style_id = ""
        outline = None
        if properties is not None:
            style = properties.find(w("pStyle"))
            style_id = style.get(w("val"), "") if style is not None else ""
            level = properties.find(w("outlineLvl"))
            if level is not None and (level.get(w("val")) or "").isdigit():
                outline = int(level.get(w("val")))
        style_id = style_id or self.styles.default
        self.styles_used.add(self.styles.names.get(style_id, ""))
        cleaned = clean(text)
        index = len(self.blocks)
        for comment_id, anchored in anchors.items():
            self.anchors.setdefault(comment_id, (index if cleaned else index - 1, anchored))
        if cleaned:
            self.add(Block(0, cleaned, None, self.styles.names.get(style_id, ""), self.styles.heading(style_id, outline)))

    def table(self, element: etree._Element) -> None:
        self.flush()
        rows = []
        index = len(self.blocks)
        for row in element.findall(w("tr")):
            if row.find(f"{w('trPr')}/{w('del')}") is not None:
                continue
            cells = []
            for cell in row.findall(w("tc")):
                parts = []
                for paragraph in cell.iter(w("p")):
                    text, anchors, hidden = paragraph_text(paragraph)
                    if hidden.strip():
                        self.hidden.append((index + 1, hidden))
                    parts.append(text)
                    for comment_id, anchored in anchors.items():
                        self.anchors.setdefault(comment_id, (index, anchored))
                cells.append(clean("".join(parts)))
            rows.append(tuple(cells))
        if rows:  # a table whose rows were all deleted is gone
            self.add(Block(0, "\n".join("\t".join(r) for r in rows), tuple(rows)))

    def add(self, block: Block) -> None:
        self.blocks.append(Block(len(self.blocks) + 1, block.text, block.rows, block.style, block.heading))


def paragraph_text(element: etree._Element) -> tuple[str, dict[str, str], str]:
    """A paragraph's text with pending changes accepted; the text each comment is anchored to
    (by offsets, kept as the text is walked once); and the text hidden in Word, left out."""
    parts: list[str] = []
    hidden: list[str] = []
    length = 0
    starts: dict[str, int] = {}
    ends: dict[str, int] = {}

    def walk(node: etree._Element) -> None:
        nonlocal length
        for child in node:
            tag = child.tag
            if not isinstance(tag, str) or tag in _SKIP:
                continue
            if tag == w("r") and _invisible(child):
                hidden.append("".join(t.text or "" for t in child.iter(w("t"))))
            elif tag in _CHARACTERS:
                part = (child.text or "") if tag == w("t") else _CHARACTERS[tag]
                parts.append(part)
                length += len(part)
            elif tag == w("commentRangeStart"):
                starts[child.get(w("id"), "")] = length
            elif tag == w("commentRangeEnd"):
                ends[child.get(w("id"), "")] = length
            elif tag == w("commentReference"):
                comment_id = child.get(w("id"), "")
                starts.setdefault(comment_id, 0)
                ends.setdefault(comment_id, length)
            else:
                walk(child)

    walk(element)
    text = "".join(parts)
    # each anchor is kept short (it is only shown, shortened): thousands of ranges left open to
    # the paragraph's end must not each copy the paragraph
    anchors = {cid: text[start:min(ends.get(cid, len(text)), start + _ANCHOR_CHARS)] for cid, start in starts.items()}
    for cid, end in ends.items():
        anchors.setdefault(cid, text[max(0, end - _ANCHOR_CHARS):end])
    return text, anchors, "".join(hidden)


def _invisible(run: etree._Element) -> bool:
    """A run Word does not show: hidden (w:vanish, w:specVanish) or set in a size of nothing."""
    properties = run.find(w("rPr"))
    if properties is None:
        return False
    for tag in ("vanish", "specVanish"):
        mark = properties.find(w(tag))
        if mark is not None and mark.get(w("val"), "true") not in ("0", "false", "off"):
            return True
    size = properties.find(w("sz"))
    return size is not None and size.get(w("val"), "") in ("0", "1")


def _comments(root: etree._Element, anchors: dict[str, tuple[int, str]]) -> list[Comment]:
    comments = []
    for comment in root.iter(w("comment")):
        comment_id = comment.get(w("id"), "")
        text = "\n".join(clean(paragraph_text(p)[0]) for p in comment.iter(w("p"))).strip()
        block, anchored = anchors.get(comment_id, (-1, ""))
        comments.append(Comment(comment.get(w("author"), ""), text, clean(anchored), block))
    return comments
