"""Office Open XML namespaces and the few XML helpers every reader and writer of a DOCX shares:
the report writer (writers/docx/oxml.py), the redline (writers/docx/tracked.py) and absorb's
reader of a reviewed file (commands/absorb/reviewed.py)."""
from __future__ import annotations

from lxml import etree

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
A_NS = "http://schemas.openxmlformats.org/drawingml/2006/main"  # the theme's fonts
MC_NS = "http://schemas.openxmlformats.org/markup-compatibility/2006"
REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
EXTENDED_PROPERTIES_NS = "http://schemas.openxmlformats.org/officeDocument/2006/extended-properties"
COMMENTS_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/comments"


def w(tag: str) -> str:
    """A WordprocessingML name in Clark notation: w("p") → {…/main}p."""
    return f"{{{W_NS}}}{tag}"


def a(tag: str) -> str:
    """A DrawingML name in Clark notation (the theme part)."""
    return f"{{{A_NS}}}{tag}"


def new(tag: str) -> etree._Element:
    """A w: element with the document's own prefix (lxml would make one up: ns0)."""
    return etree.Element(w(tag), nsmap={"w": W_NS})


def to_bytes(root: etree._Element) -> bytes:
    """A part as Word writes it: XML declaration, UTF-8, standalone."""
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
