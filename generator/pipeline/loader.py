"""Validate a data file's node tree into a `Report`.

Every check names the file, line and column, what was found and what was expected, and
suggests the nearest known key for a typo.
"""
from __future__ import annotations

import datetime
import difflib
from pathlib import Path

from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from generator.pipeline import yamlsource
from generator.errors import DataError
from generator.pipeline.model import (
    NUMBERING_STYLES,
    REGULATION_ITEMS,
    Attachment,
    Block,
    Bullet,
    Figure,
    Formal,
    Meta,
    Paragraph,
    Publication,
    Report,
    Section,
    Signature,
    Table,
    Text,
)
from generator.pipeline.yamlsource import Source, describe, scalar_value

FIGURE_DISPLAYS = ("万", "亿", "余", "余万", "万余", "余亿", "亿余")
NUMBERING_ALIASES = {"(一)": "（一）", "(1)": "（1）", "无": "无", "none": "无"}


def load(path: Path) -> Report:
    source, root = yamlsource.read(path)
    return _Reader(source).report(root)


class _Reader:
    def __init__(self, source: Source) -> None:
        self.source = source

    # -- generic shapes -------------------------------------------------------------------

    def fail(self, node: Node, message: str) -> DataError:
        return DataError(self.source.at(node), message)

    def mapping(self, node: Node, what: str, required: tuple[str, ...], optional: tuple[str, ...]) -> dict[str, Node]:
        if not isinstance(node, MappingNode):
            raise self.fail(node, f"{what} must be a mapping (key: value lines), found {describe(node)}")
        allowed = required + optional
        fields: dict[str, Node] = {}
        for key, value in node.value:
            name = key.value if isinstance(key, ScalarNode) else None
            if name not in allowed:
                raise self.fail(key, f"unknown key '{name}' in {what}{_suggest(name, allowed)}")
            fields[name] = value
        missing = [name for name in required if name not in fields]
        if missing:
            raise self.fail(node, f"{what} lacks the key '{missing[0]}'; expected keys: {', '.join(required)}")
        return fields

    def sequence(self, node: Node, what: str) -> list[Node]:
        if not isinstance(node, SequenceNode):
            raise self.fail(node, f"{what} must be a list (lines starting with '- '), found {describe(node)}")
        return list(node.value)

    def text(self, node: Node, what: str) -> Text:
        if not isinstance(node, ScalarNode) or scalar_value(node) is None:
            raise self.fail(node, f"{what} must be text, found {describe(node)}")
        return Text(str(node.value), self.source, node.start_mark.index, node.end_mark.index)

    def plain(self, node: Node, what: str) -> str:
        return self.text(node, what).template.strip()

    def integer(self, node: Node, what: str, low: int, high: int) -> int:
        value = scalar_value(node) if isinstance(node, ScalarNode) else None
        if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
            raise self.fail(node, f"{what} must be a whole number from {low} to {high}, found {describe(node)}")
        return value

    def number(self, node: Node, what: str) -> int | float:
        value = scalar_value(node) if isinstance(node, ScalarNode) else None
        if not isinstance(value, (int, float)) or isinstance(value, bool):
            raise self.fail(node, f"{what} must be a number such as 217 or 98.48, found {describe(node)}")
        return value

    def boolean(self, node: Node, what: str) -> bool:
        value = scalar_value(node) if isinstance(node, ScalarNode) else None
        if not isinstance(value, bool):
            raise self.fail(node, f"{what} must be true or false, found {describe(node)}")
        return value

    def date(self, node: Node, what: str) -> datetime.date:
        value = scalar_value(node) if isinstance(node, ScalarNode) else None
        if not isinstance(value, datetime.date) or isinstance(value, datetime.datetime):
            raise self.fail(node, f"{what} must be a date written 2025-03-25, found {describe(node)}")
        return value

    def choice(self, node: Node, what: str, choices: tuple[str, ...]) -> str:
        value = scalar_value(node) if isinstance(node, ScalarNode) else None
        if not isinstance(value, str) or value not in choices:
            raise self.fail(node, f"{what} must be one of {', '.join(choices)}, found {describe(node)}")
        return value

    # -- the report -----------------------------------------------------------------------

    def report(self, node: Node) -> Report:
        fields = self.mapping(node, "the report", ("meta", "body"), ("figures", "attachments", "checks"))
        meta = self.meta(fields["meta"])
        figures = self.figures(fields["figures"]) if "figures" in fields else {}
        body = self.blocks(fields["body"], "body")
        attachments = tuple(
            self.attachment(item) for item in self.sequence(fields["attachments"], "attachments")
        ) if "attachments" in fields else ()
        checks_off = self.checks_off(fields["checks"]) if "checks" in fields else {}
        return Report(meta, figures, body, attachments, checks_off, self.source)

    def checks_off(self, node: Node) -> dict[str, str]:
        f = self.mapping(node, "checks", ("off",), ())
        off = f["off"]
        if not isinstance(off, MappingNode):
            raise self.fail(off, f"checks.off must map rule ids to the reason they are off, e.g. 'figure-unused: 附表引用', found {describe(off)}")
        return {self.plain(rule, "a rule id"): self.plain(reason, f"the reason for switching off {rule.value}") for rule, reason in off.value}

    def meta(self, node: Node) -> Meta:
        f = self.mapping(
            node,
            "meta",
            ("year", "region", "issuer", "title"),
            ("recipient", "web", "published", "signature", "layout", "formal"),
        )
        title_node = f["title"]
        if isinstance(title_node, ScalarNode):
            title = (self.text(title_node, "meta.title"),)
        else:
            title = tuple(self.text(line, "a title line") for line in self.sequence(title_node, "meta.title"))
            if not 1 <= len(title) <= 3:
                raise self.fail(title_node, f"meta.title must have 1 to 3 lines, found {len(title)}")
        web: tuple[tuple[str, Text], ...] = ()
        if "web" in f:
            web_node = f["web"]
            if not isinstance(web_node, MappingNode):
                raise self.fail(web_node, f"meta.web must be a mapping such as '索引号: …', found {describe(web_node)}")
            web = tuple((self.plain(k, "a meta.web label"), self.text(v, f"meta.web.{k.value}")) for k, v in web_node.value)
        published = None
        if "published" in f:
            p = self.mapping(f["published"], "meta.published", ("date",), ("source",))
            published = Publication(
                self.date(p["date"], "meta.published.date"),
                self.text(p["source"], "meta.published.source") if "source" in p else None,
            )
        signature = None
        if "signature" in f:
            s = self.mapping(f["signature"], "meta.signature", ("issuer", "date"), ())
            signature = Signature(self.text(s["issuer"], "meta.signature.issuer"), self.date(s["date"], "meta.signature.date"))
        return Meta(
            year=self.integer(f["year"], "meta.year", 1990, 2100),
            region=self.plain(f["region"], "meta.region"),
            issuer=self.plain(f["issuer"], "meta.issuer"),
            title=title,
            recipient=self.text(f["recipient"], "meta.recipient") if "recipient" in f else None,
            web=web,
            published=published,
            signature=signature,
            layout=self.plain(f["layout"], "meta.layout") if "layout" in f else None,
            formal=self.formal(f["formal"]) if "formal" in f else None,
        )

    def formal(self, node: Node) -> Formal:
        keys = ("number", "signers", "recipient", "seal", "note", "cc", "printer", "printed", "copy_number", "secrecy", "urgency")
        f = self.mapping(node, "meta.formal", ("mark",), keys)

        def names(key: str) -> tuple[str, ...]:
            value = f[key]
            items = [value] if isinstance(value, ScalarNode) else self.sequence(value, f"meta.formal.{key}")
            return tuple(self.plain(item, f"meta.formal.{key}") for item in items)

        def text(key: str) -> str:
            return self.plain(f[key], f"meta.formal.{key}") if key in f else ""

        return Formal(
            marks=names("mark"),
            number=text("number"),
            signers=names("signers") if "signers" in f else (),
            recipient=text("recipient"),
            seal=self.boolean(f["seal"], "meta.formal.seal") if "seal" in f else False,
            note=text("note"),
            cc=names("cc") if "cc" in f else (),
            printer=text("printer"),
            printed=self.date(f["printed"], "meta.formal.printed") if "printed" in f else None,
            copy_number=text("copy_number"),
            secrecy=text("secrecy"),
            urgency=text("urgency"),
        )

    def figures(self, node: Node) -> dict[str, Figure]:
        if not isinstance(node, MappingNode):
            raise self.fail(node, f"figures must be a mapping of names to figures, found {describe(node)}")
        figures: dict[str, Figure] = {}
        for key, value in node.value:
            name = self.plain(key, "a figure name")
            if not name.isidentifier():
                raise self.fail(key, f"figure name '{name}' must be one word of letters, digits or _ (no spaces, not starting with a digit)")
            figures[name] = self.figure(name, value)
        return figures

    def figure(self, name: str, node: Node) -> Figure:
        what = f"figure '{name}'"
        if isinstance(node, ScalarNode):  # shorthand: 审结: 130
            return Figure(name, self.source.at(node), value=self.number(node, what))
        f = self.mapping(node, what, (), ("value", "last_year", "formula", "unit", "percent", "precision", "display", "label", "counts", "at_most", "over_100", "from"))
        if "formula" in f and ("value" in f or "last_year" in f):
            raise self.fail(node, f"{what} has a formula, so it takes no 'value' or 'last_year': both are computed")
        if not f.keys() & {"value", "formula", "last_year"}:
            raise self.fail(node, f"{what} needs 'value' (a number), 'formula' (e.g. 败诉 / 审结) or, in a draft, 'last_year'")
        return Figure(
            name,
            self.source.at(node),
            unit=self.plain(f["unit"], f"{what}.unit") if "unit" in f else "",
            value=self.number(f["value"], f"{what}.value") if "value" in f else None,
            last_year=self.number(f["last_year"], f"{what}.last_year") if "last_year" in f else None,
            formula=self.text(f["formula"], f"{what}.formula") if "formula" in f else None,
            percent=self.boolean(f["percent"], f"{what}.percent") if "percent" in f else False,
            precision=self.integer(f["precision"], f"{what}.precision", 0, 6) if "precision" in f else None,
            display=self.choice(f["display"], f"{what}.display", FIGURE_DISPLAYS) if "display" in f else "",
            label=self.plain(f["label"], f"{what}.label") if "label" in f else "",
            counts=self.text(f["counts"], f"{what}.counts") if "counts" in f else None,
            at_most=self.plain(f["at_most"], f"{what}.at_most") if "at_most" in f else "",
            over_100=self.boolean(f["over_100"], f"{what}.over_100") if "over_100" in f else False,
            source_unit=self.plain(f["from"], f"{what}.from") if "from" in f else "",
        )

    def blocks(self, node: Node, what: str) -> tuple[Block, ...]:
        return tuple(self.block(item) for item in self.sequence(node, what))

    def block(self, node: Node) -> Block:
        where = self.source.at(node)
        if isinstance(node, ScalarNode):
            return Paragraph(self.text(node, "a paragraph"), location=where)
        if not isinstance(node, MappingNode) or not node.value:
            raise self.fail(node, f"a body entry must be a paragraph (text), or a mapping starting with section, p, items, bullet or table; found {describe(node)}")
        first = node.value[0][0].value
        if first == "section":
            f = self.mapping(node, "a section", ("section",), ("body", "runin", "numbering", "continue", "covers"))
            return Section(
                title=self.text(f["section"], "the section title"),
                body=self.blocks(f["body"], "a section's body") if "body" in f else (),
                runin=self.boolean(f["runin"], "runin") if "runin" in f else False,
                numbering=self.numbering(f["numbering"]) if "numbering" in f else None,
                continue_numbering=self.boolean(f["continue"], "continue") if "continue" in f else False,
                covers=self.covers(f["covers"]) if "covers" in f else (),
                location=where,
            )
        if first in ("p", "items"):
            f = self.mapping(node, "a paragraph", (), ("p", "items"))
            items = tuple(self.text(i, "an item") for i in self.sequence(f["items"], "items")) if "items" in f else ()
            return Paragraph(self.text(f["p"], "the paragraph") if "p" in f else None, items, where)
        if first == "bullet":
            f = self.mapping(node, "a bullet", ("bullet",), ())
            return Bullet(self.text(f["bullet"], "the bullet"), where)
        if first == "table":
            f = self.mapping(node, "a table", ("table",), ("caption",))
            t = self.mapping(f["table"], "the table", ("header", "rows"), ())
            header = tuple(self.text(c, "a header cell") for c in self.sequence(t["header"], "header"))
            rows = []
            for row in self.sequence(t["rows"], "rows"):
                cells = tuple(self.text(c, "a table cell") for c in self.sequence(row, "a table row"))
                if len(cells) != len(header):
                    raise self.fail(row, f"a table row must have {len(header)} cells like the header, found {len(cells)}")
                rows.append(cells)
            caption = self.text(f["caption"], "the caption") if "caption" in f else None
            return Table(header, tuple(rows), caption, where)
        raise self.fail(node.value[0][0], f"unknown body entry '{first}'{_suggest(first, ('section', 'p', 'items', 'bullet', 'table'))}")

    def numbering(self, node: Node) -> str:
        value = scalar_value(node) if isinstance(node, ScalarNode) else None
        value = NUMBERING_ALIASES.get(value, value) if isinstance(value, str) else value
        choices = NUMBERING_STYLES + ("无",)
        if value not in choices:
            raise self.fail(node, f"numbering must be one of {' '.join(choices)}, found {describe(node)}")
        return value

    def covers(self, node: Node) -> tuple[str, ...]:
        items = [node] if isinstance(node, ScalarNode) else self.sequence(node, "covers")
        return tuple(self.choice(item, "covers", tuple(REGULATION_ITEMS)) for item in items)

    def attachment(self, node: Node) -> Attachment:
        f = self.mapping(node, "an attachment", ("title",), ("body",))
        body = self.blocks(f["body"], "an attachment's body") if "body" in f else ()
        return Attachment(self.text(f["title"], "the attachment title"), body, self.source.at(node))


def _suggest(name: object, allowed: tuple[str, ...]) -> str:
    close = difflib.get_close_matches(str(name), allowed, n=1)
    return f" (did you mean '{close[0]}'?)" if close else f"; expected one of: {', '.join(allowed)}"
