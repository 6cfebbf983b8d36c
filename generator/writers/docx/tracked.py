"""A redline DOCX: the new report with every difference from the old one as a Word tracked change.

It works on two DOCX files made by our own DOCX writer, so the new report keeps exactly its
layout: paragraphs are aligned by text, and each changed paragraph is rebuilt from its runs with
`w:del`/`w:ins` around what changed (author and date on each), so 审阅 → 接受/拒绝 in Word or WPS
gives back the new or the old text.
"""
from __future__ import annotations

import copy
import datetime
import itertools
import zipfile
from pathlib import Path

from lxml import etree

from generator.writers.changes import align, text_changes

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
DOCUMENT_PART = "word/document.xml"


def w(tag: str) -> str:
    return f"{{{W_NS}}}{tag}"


# Children of w:rPr that must precede every other (CT_ParaRPr: ins, del come first).
_PPR_AFTER_RPR = {w("sectPr"), w("pPrChange")}


class _Revisions:
    """Makes w:ins / w:del elements with unique ids, one author and one date."""

    def __init__(self, author: str, date: datetime.datetime) -> None:
        self.author = author
        self.date = date.strftime("%Y-%m-%dT%H:%M:%SZ")
        self.ids = itertools.count(1)

    def element(self, kind: str) -> etree._Element:
        mark = etree.Element(w(kind))
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
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
            for item in source.infolist():
                data = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True) if item.filename == DOCUMENT_PART else source.read(item)
                target.writestr(item, data)


def _body(docx: Path) -> etree._Element:
    with zipfile.ZipFile(docx) as archive:
        return etree.fromstring(archive.read(DOCUMENT_PART)).find(w("body"))


def block_text(element: etree._Element) -> str:
    """The text of a body paragraph or table, as the alignment compares it."""
    return "".join(t.text or "" for t in element.iter(w("t"), w("delText")))


def _blocks(body: etree._Element) -> list[etree._Element]:
    return [child for child in body if child.tag in (w("p"), w("tbl"))]


def _merge(old_body: etree._Element, new_body: etree._Element, revisions: _Revisions) -> None:
    """Replace the new body's blocks by the merged sequence, before its final sectPr."""
    old, new = _blocks(old_body), _blocks(new_body)
    merged: list[etree._Element] = []
    for i, j in align([block_text(b) for b in old], [block_text(b) for b in new]):
        if j is None:
            merged.extend(_whole(old[i], "del", revisions))
        elif i is None:
            merged.extend(_whole(new[j], "ins", revisions))
        elif old[i].tag == w("p") and new[j].tag == w("p"):
            merged.append(_merged_paragraph(old[i], new[j], revisions))
        elif block_text(old[i]) == block_text(new[j]):
            merged.append(new[j])
        else:  # a table changed: the old one deleted, the new one inserted
            merged.extend(_whole(old[i], "del", revisions))
            merged.extend(_whole(new[j], "ins", revisions))
    for block in new:
        new_body.remove(block)
    anchor = new_body.find(w("sectPr"))
    for block in merged:
        if anchor is not None:
            anchor.addprevious(block)
        else:
            new_body.append(block)


def _whole(block: etree._Element, kind: str, revisions: _Revisions) -> list[etree._Element]:
    """A paragraph or table that exists only in one version, marked whole, paragraph marks too."""
    block = copy.deepcopy(block)
    paragraphs = [block] if block.tag == w("p") else list(block.iter(w("p")))
    for paragraph in paragraphs:
        for run in paragraph.findall(w("r")):
            mark = revisions.element(kind)
            run.addprevious(mark)
            mark.append(run)
            if kind == "del":
                for t in run.findall(w("t")):
                    t.tag = w("delText")
        _mark_paragraph(paragraph, kind, revisions)
    if block.tag == w("tbl"):
        for row in block.findall(w("tr")):
            properties = row.find(w("trPr"))
            if properties is None:
                properties = etree.Element(w("trPr"))
                row.insert(next((k for k, c in enumerate(row) if c.tag != w("tblPrEx")), 0), properties)
            properties.append(revisions.element(kind))
    return [block]


def _mark_paragraph(paragraph: etree._Element, kind: str, revisions: _Revisions) -> None:
    """Track the paragraph mark itself (w:pPr/w:rPr/w:ins|w:del), in schema order."""
    properties = paragraph.find(w("pPr"))
    if properties is None:
        properties = etree.Element(w("pPr"))
        paragraph.insert(0, properties)
    run_properties = properties.find(w("rPr"))
    if run_properties is None:
        run_properties = etree.Element(w("rPr"))
        after = next((c for c in properties if c.tag in _PPR_AFTER_RPR), None)
        if after is not None:
            after.addprevious(run_properties)
        else:
            properties.append(run_properties)
    run_properties.insert(0, revisions.element(kind))


def _characters(paragraph: etree._Element) -> list[tuple[str, etree._Element | None]]:
    """Each character of a paragraph with the run properties it is set in."""
    chars = []
    for run in paragraph.iter(w("r")):
        properties = run.find(w("rPr"))
        for t in run.findall(w("t")):
            chars.extend((c, properties) for c in t.text or "")
    return chars


def _merged_paragraph(old: etree._Element, new: etree._Element, revisions: _Revisions) -> etree._Element:
    """The new paragraph with the character-level changes from the old one tracked."""
    if block_text(old) == block_text(new):
        return new
    old_chars, new_chars = _characters(old), _characters(new)
    merged = etree.Element(w("p"))
    if new.find(w("pPr")) is not None:
        merged.append(copy.deepcopy(new.find(w("pPr"))))
    i = j = 0
    for kind, text in text_changes(block_text(old), block_text(new)):
        if kind == "deleted":
            source, i = old_chars[i:i + len(text)], i + len(text)
        else:
            source, j = new_chars[j:j + len(text)], j + len(text)
            i += len(text) if kind == "equal" else 0
        runs = _runs(source, deleted=kind == "deleted")
        if kind == "equal":
            merged.extend(runs)
        else:
            mark = revisions.element("del" if kind == "deleted" else "ins")
            mark.extend(runs)
            merged.append(mark)
    return merged


def _runs(chars: list[tuple[str, etree._Element | None]], deleted: bool) -> list[etree._Element]:
    """Runs for consecutive characters that share their run properties."""
    runs = []
    for properties, group in itertools.groupby(chars, key=lambda pair: pair[1]):
        run = etree.Element(w("r"))
        if properties is not None:
            run.append(copy.deepcopy(properties))
        t = etree.SubElement(run, w("delText" if deleted else "t"))
        t.text = "".join(c for c, _ in group)
        t.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
        runs.append(run)
    return runs
