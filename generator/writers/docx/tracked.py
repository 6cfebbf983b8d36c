"""A redline DOCX: the new report with every difference from the old one as a Word tracked change.

It works on two DOCX files made by our own DOCX writer, so the new report keeps exactly its
layout: paragraphs are aligned by text, and each changed paragraph is rebuilt from its runs with
`w:del`/`w:ins` around what changed (author and date on each), so 审阅 → 接受/拒绝 in Word or WPS
gives back the new or the old text. A table that changed is tracked row by row and, in rows
that pair up, cell by cell; a paragraph whose properties changed (its style, an indent) carries
the old ones in `w:pPrChange`. Revision tracking is left on, so a reviewer's own edits in Word
are tracked too.
"""
from __future__ import annotations

import copy
import datetime
import itertools
import zipfile
from collections.abc import Sequence
from pathlib import Path

from docx.oxml.parser import parse_xml
from lxml import etree

from generator.ooxml import new as _new
from generator.ooxml import to_bytes as _xml
from generator.ooxml import w
from generator.writers.changes import align, text_changes_of
from generator.writers.docx.oxml import set_child

DOCUMENT_PART = "word/document.xml"
SETTINGS_PART = "word/settings.xml"


# Children of w:pPr that follow w:rPr (its paragraph mark's run properties).
_PPR_AFTER_RPR = {w("sectPr"), w("pPrChange")}
# What w:pPrChange records of the old properties: all but these (CT_PPrBase).
_NOT_BASE = {w("rPr"), w("sectPr"), w("pPrChange")}
# w:trPr's own properties (CT_TrPrBase): a row's w:ins or w:del must follow at least one.
_ROW_BASE = {w(tag) for tag in ("cnfStyle", "divId", "gridBefore", "gridAfter", "wBefore", "wAfter", "cantSplit",
                                "trHeight", "tblHeader", "tblCellSpacing", "jc", "hidden")}


class _Revisions:
    """Makes w:ins / w:del / w:pPrChange elements with unique ids, one author and one date."""

    def __init__(self, author: str, date: datetime.datetime) -> None:
        self.author = author
        self.date = date.strftime("%Y-%m-%dT%H:%M:%SZ")
        self.ids = itertools.count(1)

    def element(self, kind: str) -> etree._Element:
        mark = _new(kind)
        mark.set(w("id"), str(next(self.ids)))
        mark.set(w("author"), self.author)
        mark.set(w("date"), self.date)
        return mark


def write(old_docx: Path, new_docx: Path, path: Path, author: str, date: datetime.datetime) -> None:
    old_body = _body(old_docx)
    with zipfile.ZipFile(new_docx) as source:
        root = etree.fromstring(source.read(DOCUMENT_PART))
        new_body = root.find(w("body"))
        _merge(old_body, new_body, _Revisions(author, date))
        parts = {DOCUMENT_PART: _xml(root), SETTINGS_PART: _tracking_on(source.read(SETTINGS_PART))}
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
            for item in source.infolist():
                target.writestr(item, parts.get(item.filename) or source.read(item))


def _tracking_on(settings: bytes) -> bytes:
    """settings.xml with w:trackRevisions: what a reviewer changes in Word is tracked as well."""
    root = parse_xml(settings)
    set_child(root, "w:trackRevisions")
    return _xml(root)


def _body(docx: Path) -> etree._Element:
    with zipfile.ZipFile(docx) as archive:
        return etree.fromstring(archive.read(DOCUMENT_PART)).find(w("body"))


def block_text(element: etree._Element) -> str:
    """The text of a body paragraph or table, as the alignment compares it."""
    return "".join(t.text or "" for t in element.iter(w("t"), w("delText")))


def _blocks(parent: etree._Element) -> list[etree._Element]:
    """A body's or a table cell's paragraphs and tables."""
    return [child for child in parent if child.tag in (w("p"), w("tbl"))]


def _merge(old_body: etree._Element, new_body: etree._Element, revisions: _Revisions) -> None:
    """Replace the new body's blocks by the merged sequence, before its final sectPr."""
    old, new = _blocks(old_body), _blocks(new_body)
    merged = _merged_blocks(old, new, revisions)
    for block in new:
        new_body.remove(block)
    anchor = new_body.find(w("sectPr"))
    for block in merged:
        if anchor is not None:
            anchor.addprevious(block)
        else:
            new_body.append(block)


def _merged_blocks(old: list[etree._Element], new: list[etree._Element], revisions: _Revisions) -> list[etree._Element]:
    """Old and new blocks (a body's, or a table cell's) in one sequence with the changes tracked."""
    merged: list[etree._Element] = []
    for i, j in align([block_text(b) for b in old], [block_text(b) for b in new]):
        if j is None:
            merged.extend(_whole(old[i], "del", revisions))  # type: ignore[index]
        elif i is None:
            merged.extend(_whole(new[j], "ins", revisions))
        elif old[i].tag == new[j].tag == w("p"):
            merged.append(_merged_paragraph(old[i], new[j], revisions))
        elif old[i].tag == new[j].tag == w("tbl") and _columns(old[i]) == _columns(new[j]):
            merged.append(_merged_table(old[i], new[j], revisions))
        elif block_text(old[i]) == block_text(new[j]):
            merged.append(new[j])
        else:  # a paragraph became a table, or a table its columns changed: the old deleted, the new inserted
            merged.extend(_whole(old[i], "del", revisions))
            merged.extend(_whole(new[j], "ins", revisions))
    return merged


def _whole(block: etree._Element, kind: str, revisions: _Revisions) -> list[etree._Element]:
    """A paragraph or table that exists only in one version, marked whole, paragraph marks too."""
    block = copy.deepcopy(block)
    paragraphs = [block] if block.tag == w("p") else list(block.iter(w("p")))
    for paragraph in paragraphs:
        _mark_runs(paragraph, kind, revisions)
        _mark_paragraph(paragraph, kind, revisions)
    for row in block.iter(w("tr")):
        _mark_row(row, kind, revisions)
    return [block]


def _mark_runs(paragraph: etree._Element, kind: str, revisions: _Revisions) -> None:
    for run in paragraph.findall(w("r")):
        mark = revisions.element(kind)
        run.addprevious(mark)
        mark.append(run)
        if kind == "del":
            for t in run.findall(w("t")):
                t.tag = w("delText")


def _mark_paragraph(paragraph: etree._Element, kind: str, revisions: _Revisions) -> None:
    """Track the paragraph mark itself (w:pPr/w:rPr/w:ins|w:del), in schema order."""
    properties = _properties(paragraph)
    run_properties = properties.find(w("rPr"))
    if run_properties is None:
        run_properties = _new("rPr")
        after = next((c for c in properties if c.tag in _PPR_AFTER_RPR), None)
        if after is not None:
            after.addprevious(run_properties)
        else:
            properties.append(run_properties)
    run_properties.insert(0, revisions.element(kind))


def _mark_row(row: etree._Element, kind: str, revisions: _Revisions) -> None:
    """Track a whole row (w:trPr/w:ins|w:del): after one of the row's own properties, which
    the schema asks for before it (a row without any states that it may split)."""
    properties = row.find(w("trPr"))
    if properties is None:
        properties = _new("trPr")
        row.insert(next((k for k, c in enumerate(row) if c.tag != w("tblPrEx")), 0), properties)
    if not any(child.tag in _ROW_BASE for child in properties):
        split = etree.SubElement(properties, w("cantSplit"))
        split.set(w("val"), "0")
    properties.append(revisions.element(kind))


def _properties(paragraph: etree._Element) -> etree._Element:
    properties = paragraph.find(w("pPr"))
    if properties is None:
        properties = _new("pPr")
        paragraph.insert(0, properties)
    return properties


def _columns(table: etree._Element) -> list[int]:
    return [len(row.findall(w("tc"))) for row in table.findall(w("tr"))[:1]]


def _merged_table(old: etree._Element, new: etree._Element, revisions: _Revisions) -> etree._Element:
    """The new table with rows only one version has tracked whole, and rows both have merged
    cell by cell."""
    merged = copy.deepcopy(new)
    old_rows, new_rows = old.findall(w("tr")), merged.findall(w("tr"))
    for row in new_rows:
        merged.remove(row)
    rows_text = [["\t".join(block_text(c) for c in row.findall(w("tc"))) for row in rows] for rows in (old_rows, new_rows)]
    for i, j in align(*rows_text):
        if j is None:
            merged.extend(_whole(old_rows[i], "del", revisions))  # type: ignore[index]
        elif i is None:
            merged.extend(_whole(new_rows[j], "ins", revisions))
        else:
            for old_cell, new_cell in zip(old_rows[i].findall(w("tc")), new_rows[j].findall(w("tc"))):
                blocks = _blocks(new_cell)
                for block in blocks:
                    new_cell.remove(block)
                new_cell.extend(_merged_blocks(_blocks(old_cell), blocks, revisions))
            merged.append(new_rows[j])
    return merged


def _characters(paragraph: etree._Element) -> list[tuple[str, etree._Element | None]]:
    """Each character of a paragraph with the run properties it is set in."""
    chars: list[tuple[str, etree._Element | None]] = []
    for run in paragraph.iter(w("r")):
        properties = run.find(w("rPr"))
        for t in run.findall(w("t")):
            chars.extend((c, properties) for c in t.text or "")
    return chars


def _merged_paragraph(old: etree._Element, new: etree._Element, revisions: _Revisions) -> etree._Element:
    """The new paragraph with the character-level changes from the old one tracked, and its
    changed properties (style, indents …) with the old ones."""
    if block_text(old) == block_text(new):
        merged = copy.deepcopy(new)
    else:
        merged = _new("p")
        if new.find(w("pPr")) is not None:
            merged.append(copy.deepcopy(new.find(w("pPr"))))
        _merge_text(old, new, merged, revisions)
    _track_properties(old, merged, revisions)
    return merged


def _merge_text(old: etree._Element, new: etree._Element, merged: etree._Element, revisions: _Revisions) -> None:
    for kind, text, source in text_changes_of(block_text(old), block_text(new), _characters(old), _characters(new)):
        runs = _runs(source, deleted=kind == "deleted")
        if kind == "equal":
            merged.extend(runs)
        else:
            mark = revisions.element("del" if kind == "deleted" else "ins")
            mark.extend(runs)
            merged.append(mark)


def _base(properties: etree._Element | None) -> list[etree._Element]:
    return [child for child in (properties if properties is not None else ()) if child.tag not in _NOT_BASE]


def _canonical(element: etree._Element) -> bytes:
    """The element as XML without the namespace declarations it inherits from its document."""
    return etree.tostring(element, method="c14n", exclusive=True)


def _track_properties(old: etree._Element, merged: etree._Element, revisions: _Revisions) -> None:
    """w:pPrChange holding the old paragraph properties, where they differ from the new ones."""
    before = _base(old.find(w("pPr")))
    after = _base(merged.find(w("pPr")))
    if [_canonical(e) for e in before] == [_canonical(e) for e in after]:
        return
    change = revisions.element("pPrChange")
    recorded = etree.SubElement(change, w("pPr"))
    recorded.extend(copy.deepcopy(e) for e in before)
    _properties(merged).append(change)


def _runs(chars: Sequence[tuple[str, etree._Element | None]], deleted: bool) -> list[etree._Element]:
    """Runs for consecutive characters that share their run properties."""
    runs = []
    for properties, group in itertools.groupby(chars, key=lambda pair: pair[1]):
        run = _new("r")
        if properties is not None:
            run.append(copy.deepcopy(properties))
        t = etree.SubElement(run, w("delText" if deleted else "t"))
        t.text = "".join(c for c, _ in group)
        t.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
        runs.append(run)
    return runs
