"""Turn a `Report` into a `Document`: render the text templates, number the headings.

Text in the data is Jinja, rendered in a sandbox where an undefined name is an error, never a
blank. Numbering is computed here once, so inserting a section renumbers everything after it.
"""
from __future__ import annotations

import datetime
import difflib
import re

from jinja2 import StrictUndefined, TemplateSyntaxError, UndefinedError, meta
from jinja2.sandbox import SandboxedEnvironment, SecurityError

from generator.pipeline import document as doc
from generator.pipeline import model
from generator.chinese import CJK, attachment_note, chinese_date, did_you_mean, ends_sentence
from generator.errors import DataError
from generator.pipeline.figures import PLACEHOLDER_END, PLACEHOLDER_START, FigureValue, evaluate
from generator.pipeline.numbering import enumeration_label, label

_ENV = SandboxedEnvironment(undefined=StrictUndefined, autoescape=False)
_SPACE_BETWEEN_CJK = re.compile(rf"(?<=[{CJK}])\s+(?=[{CJK}])")
_PLACEHOLDER_MARKS = re.compile(f"[{PLACEHOLDER_START}{PLACEHOLDER_END}]")


def resolve(report: model.Report) -> doc.Document:
    return _Resolver(report).document()


class _Resolver:
    def __init__(self, report: model.Report) -> None:
        self.report = report
        self.figures: dict[str, FigureValue] = evaluate(report.figures, report.meta.year)
        m = report.meta
        self.context: dict[str, object] = {**self.figures, "year": m.year, "region": m.region, "issuer": m.issuer}
        self.used: set[str] = set()
        self.last_number: dict[str, int] = {}  # per numbering style, across the document

    def document(self) -> doc.Document:
        m = self.report.meta
        body = self.blocks(self.report.body, parent_level=0, depth=1)  # before attachments: numbering runs in reading order
        attachments = tuple(
            doc.Attachment(
                "附件" if len(self.report.attachments) == 1 else f"附件{n}",
                self.render(a.title),
                self.blocks(a.body, parent_level=0, depth=1),
            )
            for n, a in enumerate(self.report.attachments, 1)
        )
        return doc.Document(
            year=m.year,
            title_lines=tuple(self.render(line) for line in m.title),
            body=body,
            recipient=self.render(m.recipient) if m.recipient else "",
            web=tuple((name, self.render(value)) for name, value in m.web),
            publication=self.publication(m.published),
            attachment_note=attachment_note([a.title for a in attachments]),
            attachments=attachments,
            signature_issuer=self.render(m.signature.issuer) if m.signature else "",
            signature_date=chinese_date(m.signature.date) if m.signature else "",
            layout=m.layout or "",
            formal=_formal(m.formal),
            figures_used=frozenset(self.used),
        )

    def publication(self, published: model.Publication | None) -> str:
        if published is None:
            return ""
        line = f"发布时间：{published.date.isoformat()}"
        return line + (f"　来源：{self.render(published.source)}" if published.source else "")

    # -- text ---------------------------------------------------------------------------

    def render(self, text: model.Text) -> str:
        """Plain text: placeholders keep their 【】 but lose the marks that make them spans."""
        return _PLACEHOLDER_MARKS.sub("", self.render_marked(text))

    def render_marked(self, text: model.Text) -> str:
        source = text.template
        if "{{" in source or "{%" in source:
            source = self._render_template(text)
        return _SPACE_BETWEEN_CJK.sub("", source.strip())

    def _render_template(self, text: model.Text) -> str:
        try:
            parsed = _ENV.parse(text.template)
        except TemplateSyntaxError as error:
            raise DataError(text.location, f"template error in the text: {error.message}; expressions are written {{{{ name }}}}") from None
        names = meta.find_undeclared_variables(parsed)
        for name in sorted(names):
            if name not in self.context:
                raise DataError(text.location_of(name), f"'{name}' is not defined; expected a figure name or one of year, region, issuer{did_you_mean(name, self.context)}")
        self.used.update(name for name in names if name in self.figures)
        try:
            return _ENV.from_string(parsed).render(self.context)
        except (UndefinedError, SecurityError) as error:
            raise DataError(text.location, f"in the text: {error}") from None
        except (TypeError, ValueError, ArithmeticError) as error:
            raise DataError(text.location, f"an expression in the text failed: {error}") from None

    # -- structure ------------------------------------------------------------------------

    def blocks(self, blocks: tuple[model.Block, ...], parent_level: int, depth: int, covers: frozenset[str] = frozenset()) -> tuple[doc.Block, ...]:
        counts: dict[str, int] = {}
        out: list[doc.Block] = []
        for block in blocks:
            if isinstance(block, model.Section):
                out.extend(self.section(block, parent_level, depth, counts, covers | set(block.covers)))
            elif isinstance(block, model.Paragraph):
                out.append(self.paragraph(block, covers))
            elif isinstance(block, model.Bullet):
                out.append(doc.Paragraph(_spans("——" + self.render_marked(block.text)), bullet=True, location=block.location, covers=covers))
            else:
                out.append(self.table(block))
        return tuple(out)

    def section(self, section: model.Section, parent_level: int, depth: int, counts: dict[str, int], covers: frozenset[str]) -> list[doc.Block]:
        style = section.numbering or model.NUMBERING_STYLES[min(parent_level, 3)]
        if style == "无":
            level, heading_label = min(parent_level + 1, 4), ""
        else:
            level = model.NUMBERING_STYLES.index(style) + 1
            n = (self.last_number.get(style, 0) if section.continue_numbering else counts.get(style, 0)) + 1
            counts[style] = self.last_number[style] = n
            heading_label = label(style, n)
        title = self.render(section.title)
        body = list(self.blocks(section.body, level, depth + 1, covers))
        if not section.runin:
            return [doc.Heading(level, depth, heading_label, title, section.location, covers), *body]
        if not body or not isinstance(body[0], doc.Paragraph) or body[0].bullet:
            raise DataError(section.location, "a run-in heading (runin: true) needs a paragraph as the first entry of its body")
        lead = heading_label + title + ("" if ends_sentence(title) else "。")
        first = body[0]
        body[0] = doc.Paragraph((doc.Span(lead, f"heading{level}"), *first.spans), location=first.location, covers=covers)
        return body

    def paragraph(self, paragraph: model.Paragraph, covers: frozenset[str]) -> doc.Paragraph:
        text = self.render_marked(paragraph.text) if paragraph.text else ""
        for n, item in enumerate(paragraph.items, 1):
            text += enumeration_label(n) + self.render_marked(item)
        return doc.Paragraph(_spans(text), location=paragraph.location, covers=covers)

    def table(self, table: model.Table) -> doc.Table:
        return doc.Table(
            tuple(self.render(cell) for cell in table.header),
            tuple(tuple(self.render(cell) for cell in row) for row in table.rows),
            self.render(table.caption) if table.caption else "",
            table.location,
        )


def _spans(marked: str) -> tuple[doc.Span, ...]:
    """Body text and placeholder runs ("placeholder" spans) from text with placeholder marks."""
    parts = re.split(f"{PLACEHOLDER_START}(.*?){PLACEHOLDER_END}", marked)
    spans = [doc.Span(part, "placeholder" if odd else "") for odd, part in zip((0, 1) * len(parts), parts) if part]
    return tuple(spans) or (doc.Span(""),)


def _formal(formal: model.Formal | None) -> doc.Formal | None:
    if formal is None:
        return None
    return doc.Formal(
        marks=formal.marks, number=formal.number, signers=formal.signers, recipient=formal.recipient,
        seal=formal.seal, note=formal.note, cc=formal.cc, printer=formal.printer,
        printed=chinese_date(formal.printed) if formal.printed else "",
        copy_number=formal.copy_number, secrecy=formal.secrecy, urgency=formal.urgency,
    )
