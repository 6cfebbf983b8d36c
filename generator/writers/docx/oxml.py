"""Raw WordprocessingML for what python-docx has no API for, kept apart from the DOCX writer's logic.

Word offers to repair a file whose `w:pPr`, `w:rPr`, `w:sectPr` or `w:style` children are out of
schema order, so every element is inserted at its place in the sequence ECMA-376 Part 1 gives.
"""
from __future__ import annotations

from copy import deepcopy

from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.oxml.xmlchemy import BaseOxmlElement

# Child sequences of the complex types written into (ECMA-376 Part 1, transitional schema).
_PPR = (
    "pStyle", "keepNext", "keepLines", "pageBreakBefore", "framePr", "widowControl", "numPr",
    "suppressLineNumbers", "pBdr", "shd", "tabs", "suppressAutoHyphens", "kinsoku", "wordWrap",
    "overflowPunct", "topLinePunct", "autoSpaceDE", "autoSpaceDN", "bidi", "adjustRightInd",
    "snapToGrid", "spacing", "ind", "contextualSpacing", "mirrorIndents", "suppressOverlap", "jc",
    "textDirection", "textAlignment", "textboxTightWrap", "outlineLvl", "divId", "cnfStyle", "rPr",
    "sectPr", "pPrChange",
)
_RPR = (
    "rStyle", "rFonts", "b", "bCs", "i", "iCs", "caps", "smallCaps", "strike", "dstrike", "outline",
    "shadow", "emboss", "imprint", "noProof", "snapToGrid", "vanish", "webHidden", "color", "spacing",
    "w", "kern", "position", "sz", "szCs", "highlight", "u", "effect", "bdr", "shd", "fitText",
    "vertAlign", "rtl", "cs", "em", "lang", "eastAsianLayout", "specVanish", "oMath", "rPrChange",
)
_SECTPR = (
    "headerReference", "footerReference", "footnotePr", "endnotePr", "type", "pgSz", "pgMar",
    "paperSrc", "pgBorders", "lnNumType", "pgNumType", "cols", "formProt", "vAlign", "noEndnote",
    "titlePg", "textDirection", "bidi", "rtlGutter", "docGrid", "printerSettings", "sectPrChange",
)
_STYLE = (
    "name", "aliases", "basedOn", "next", "link", "autoRedefine", "hidden", "uiPriority",
    "semiHidden", "unhideWhenUsed", "qFormat", "locked", "personal", "personalCompose",
    "personalReply", "rsid", "pPr", "rPr", "tblPr", "trPr", "tcPr", "tblStylePr",
)
_TBLPR = (
    "tblStyle", "tblpPr", "tblOverlap", "bidiVisual", "tblStyleRowBandSize", "tblStyleColBandSize",
    "tblW", "jc", "tblCellSpacing", "tblInd", "tblBorders", "shd", "tblLayout", "tblCellMar",
    "tblLook", "tblCaption", "tblDescription", "tblPrChange",
)
_TBLBORDERS = ("top", "left", "start", "bottom", "right", "end", "insideH", "insideV")
# w:trPr is an unordered choice; any fixed order is valid.
_TRPR = ("cnfStyle", "divId", "gridBefore", "gridAfter", "wBefore", "wAfter", "cantSplit",
         "trHeight", "tblHeader", "tblCellSpacing", "jc", "hidden", "ins", "del", "trPrChange")

_SEQUENCES: dict[str, dict[str, int]] = {
    qn(f"w:{parent}"): {qn(f"w:{tag}"): n for n, tag in enumerate(sequence)}
    for parent, sequence in (
        ("pPr", _PPR), ("rPr", _RPR), ("sectPr", _SECTPR), ("style", _STYLE), ("tblPr", _TBLPR),
        ("tblBorders", _TBLBORDERS), ("trPr", _TRPR),
    )
}


def set_child(parent: BaseOxmlElement, tag: str, **attributes: str | int | bool) -> BaseOxmlElement:
    """Replace `parent`'s `tag` child by one with exactly `attributes` (in the w: namespace).

    Replacing, not merging, keeps each property stated whole in one place: a `w:rFonts` from the
    template keeps no theme font attribute, a `w:ind` no stale first-line value.
    """
    old = parent.find(qn(tag))
    if old is not None:
        parent.remove(old)
    element = _element(tag, **attributes)
    _insert(parent, element)
    return element


def set_fonts(rPr: BaseOxmlElement, name: str) -> None:
    """Name `name` for Latin and East Asian text alike.

    python-docx's `font.name` sets only ascii/hAnsi; Chinese text is drawn in the `w:eastAsia`
    font, and punctuation such as “ ” — falls in ascii/hAnsi ranges, so all three name one font.
    """
    set_child(rPr, "w:rFonts", ascii=name, hAnsi=name, eastAsia=name)


def add_field(paragraph: BaseOxmlElement, instruction: str, cached: str, rPr: BaseOxmlElement) -> None:
    """Append a complex field (`PAGE` …) whose runs carry copies of `rPr`; Word/WPS update `cached`."""
    begin, separate, end = (_element("w:fldChar", fldCharType=kind) for kind in ("begin", "separate", "end"))
    code = _element("w:instrText")
    code.set(qn("xml:space"), "preserve")
    code.text = instruction
    result = _element("w:t")
    result.text = cached
    for content in (begin, code, separate, result, end):
        run = _element("w:r")
        run.append(deepcopy(rPr))
        run.append(content)
        paragraph.append(run)


def _insert(parent: BaseOxmlElement, element: BaseOxmlElement) -> None:
    order = _SEQUENCES[parent.tag]
    position = order[element.tag]
    for sibling in parent:
        if order.get(sibling.tag, -1) > position:
            sibling.addprevious(element)
            return
    parent.append(element)


def _element(tag: str, **attributes: str | int | bool) -> BaseOxmlElement:
    element = OxmlElement(tag)
    for name, value in attributes.items():
        element.set(qn(f"w:{name}"), _attribute(value))
    return element


def _attribute(value: str | int | bool) -> str:
    if isinstance(value, bool):
        return "1" if value else "0"
    return str(value)
