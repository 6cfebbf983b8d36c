"""Raw WordprocessingML for what python-docx has no API for, kept apart from the DOCX writer's logic.

Word offers to repair a file whose `w:pPr`, `w:rPr`, `w:sectPr` or `w:style` children are out of
schema order, so every element is inserted at its place in the sequence ECMA-376 Part 1 gives.
"""
from __future__ import annotations

from copy import deepcopy

from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.oxml.xmlchemy import BaseOxmlElement
from lxml import etree

from generator.ooxml import EXTENDED_PROPERTIES_NS, W_NS, a, to_bytes, w

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
_TBLCELLMAR = ("top", "left", "start", "bottom", "right", "end")
_TCPR = (
    "cnfStyle", "tcW", "gridSpan", "hMerge", "vMerge", "tcBorders", "shd", "noWrap", "tcMar",
    "textDirection", "tcFitText", "vAlign", "hideMark", "headers", "cellIns", "cellDel", "cellMerge",
    "tcPrChange",
)
# w:trPr is an unordered choice; any fixed order is valid.
_TRPR = ("cnfStyle", "divId", "gridBefore", "gridAfter", "wBefore", "wAfter", "cantSplit",
         "trHeight", "tblHeader", "tblCellSpacing", "jc", "hidden", "ins", "del", "trPrChange")
_SETTINGS = (
    "writeProtection", "view", "zoom", "removePersonalInformation", "removeDateAndTime",
    "doNotDisplayPageBoundaries", "displayBackgroundShape", "printPostScriptOverText",
    "printFractionalCharacterWidth", "printFormsData", "embedTrueTypeFonts", "embedSystemFonts",
    "saveSubsetFonts", "saveFormsData", "mirrorMargins", "alignBordersAndEdges",
    "bordersDoNotSurroundHeader", "bordersDoNotSurroundFooter", "gutterAtTop", "hideSpellingErrors",
    "hideGrammaticalErrors", "activeWritingStyle", "proofState", "formsDesign", "attachedTemplate",
    "linkStyles", "stylePaneFormatFilter", "stylePaneSortMethod", "documentType", "mailMerge",
    "revisionView", "trackRevisions", "doNotTrackMoves", "doNotTrackFormatting", "documentProtection",
    "autoFormatOverride", "styleLockTheme", "styleLockQFSet", "defaultTabStop", "autoHyphenation",
    "consecutiveHyphenLimit", "hyphenationZone", "doNotHyphenateCaps", "showEnvelope",
    "summaryLength", "clickAndTypeStyle", "defaultTableStyle", "evenAndOddHeaders",
    "bookFoldRevPrinting", "bookFoldPrinting", "bookFoldPrintingSheets",
    "drawingGridHorizontalSpacing", "drawingGridVerticalSpacing", "displayHorizontalDrawingGridEvery",
    "displayVerticalDrawingGridEvery", "doNotUseMarginsForDrawingGridOrigin",
    "drawingGridHorizontalOrigin", "drawingGridVerticalOrigin", "doNotShadeFormData",
    "noPunctuationKerning", "characterSpacingControl", "printTwoOnOne", "strictFirstAndLastChars",
    "noLineBreaksAfter", "noLineBreaksBefore", "savePreviewPicture", "doNotValidateAgainstSchema",
    "saveInvalidXml", "ignoreMixedContent", "alwaysShowPlaceholderText", "doNotDemarcateInvalidXml",
    "saveXmlDataOnly", "useXSLTWhenSaving", "saveThroughXslt", "showXMLTags",
    "alwaysMergeEmptyNamespace", "updateFields", "hdrShapeDefaults", "footnotePr", "endnotePr",
    "compat", "docVars", "rsids", "mathPr", "attachedSchema", "themeFontLang", "clrSchemeMapping",
    "doNotIncludeSubdocsInStats", "doNotAutoCompressPictures", "forceUpgrade", "captions",
    "readModeInkLockDown", "smartTagType", "schemaLibrary", "shapeDefaults",
    "doNotEmbedSmartTags", "decimalSymbol", "listSeparator",
)

_SEQUENCES: dict[str, dict[str, int]] = {
    qn(f"w:{parent}"): {qn(f"w:{tag}"): n for n, tag in enumerate(sequence)}
    for parent, sequence in (
        ("pPr", _PPR), ("rPr", _RPR), ("sectPr", _SECTPR), ("style", _STYLE), ("tblPr", _TBLPR),
        ("tblBorders", _TBLBORDERS), ("tblCellMar", _TBLCELLMAR), ("tcPr", _TCPR), ("trPr", _TRPR),
        ("settings", _SETTINGS),
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


def set_fonts(rPr: BaseOxmlElement, east_asian: str, western: str | None = None) -> None:
    """Name the font of Chinese text and the one of digits and Latin letters (`western`, else
    the same).

    python-docx's `font.name` sets only ascii/hAnsi; Chinese text is drawn in the `w:eastAsia`
    font. All four attributes are stated, so that no script falls back to a theme font. Punctuation such as “ ” — … falls in ranges Word may draw in either font: the
    eastAsia hint gives it the Chinese font, full width, as Chinese Word writes it.
    """
    latin = western or east_asian
    set_child(rPr, "w:rFonts", ascii=latin, hAnsi=latin, eastAsia=east_asian, cs=latin, hint="eastAsia")


def set_tabs(pPr: BaseOxmlElement, *stops: tuple[str, int]) -> None:
    """The paragraph's tab stops: (alignment, position in twips from the left margin)."""
    tabs = set_child(pPr, "w:tabs")
    for alignment, position in stops:
        tabs.append(_element("w:tab", val=alignment, pos=position))


def remove_child(parent: BaseOxmlElement, tag: str) -> None:
    """Drop `parent`'s `tag` children (any namespace python-docx knows: "dcterms:created")."""
    for child in parent.findall(qn(tag)):
        parent.remove(child)


def copy_element(element: BaseOxmlElement) -> BaseOxmlElement:
    return deepcopy(element)


def font_table(fonts: list[dict[str, str]]) -> bytes:
    """word/fontTable.xml naming `fonts` with the hints Word and WPS substitute by when a PC
    lacks one: alternative name, PANOSE class, character set, family and pitch."""
    root = etree.Element(w("fonts"), nsmap={"w": W_NS})
    for font in fonts:
        entry = etree.SubElement(root, w("font"), {w("name"): font["name"]})
        if font.get("alt"):
            etree.SubElement(entry, w("altName"), {w("val"): font["alt"]})
        if font.get("panose"):
            etree.SubElement(entry, w("panose1"), {w("val"): font["panose"]})
        for tag in ("charset", "family", "pitch"):
            etree.SubElement(entry, w(tag), {w("val"): font[tag]})
    return to_bytes(root)


def theme_fonts(theme: bytes, heading: tuple[str, str], body: tuple[str, str]) -> bytes:
    """word/theme/theme1.xml with its major (headings) and minor (body) fonts the 公文 fonts,
    each given as (Chinese, western): a style or a pasted run that names a theme font then gets
    the same font in Word, WPS and LibreOffice, not Calibri or MS Mincho."""
    root = etree.fromstring(theme)
    for scheme, (chinese, western) in (("majorFont", heading), ("minorFont", body)):
        for fonts in root.iter(a(scheme)):
            for tag, face in (("latin", western), ("ea", chinese), ("cs", western)):
                element = fonts.find(a(tag))
                if element is not None:
                    element.set("typeface", face)
            for element in fonts.findall(a("font")):
                if element.get("script") == "Hans":
                    element.set("typeface", chinese)
    return to_bytes(root)


def extended_properties(application: str) -> bytes:
    """docProps/app.xml naming the application that wrote the file, nothing stale."""
    namespace = EXTENDED_PROPERTIES_NS
    root = etree.Element(f"{{{namespace}}}Properties", nsmap={None: namespace})
    etree.SubElement(root, f"{{{namespace}}}Application").text = application
    etree.SubElement(root, f"{{{namespace}}}DocSecurity").text = "0"
    return to_bytes(root)


def add_field(paragraph: BaseOxmlElement, instruction: str, cached: str) -> None:
    """Append a complex field (`PAGE` …) in the paragraph's style; Word/WPS update `cached`."""
    begin, separate, end = (_element("w:fldChar", fldCharType=kind) for kind in ("begin", "separate", "end"))
    code = _element("w:instrText")
    code.set(qn("xml:space"), "preserve")
    code.text = instruction
    result = _element("w:t")
    result.text = cached
    for content in (begin, code, separate, result, end):
        run = _element("w:r")
        run.append(content)
        paragraph.append(run)


def place(parent: BaseOxmlElement, element: BaseOxmlElement) -> None:
    """Insert `element` (a section's `w:sectPr` …) at its place in `parent`'s sequence."""
    _insert(parent, element)


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
