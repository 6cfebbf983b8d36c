"""Turn a `Report` into a `Document`: render the text templates, number the headings.

Text in the data is Jinja, in a sandbox that shows it only what docs/data-format.md documents:
the figures (TemplateFigure's members), year, region and issuer. An undefined name is an error,
never a blank. A text may hold expressions, {% if %} and comments, nothing else: no loops,
macros, assignments or filters, so it renders in time proportional to its length, and its
output is capped besides. Numbering is computed here once, so inserting a section renumbers
everything after it.
"""
from __future__ import annotations

import functools
import re
from typing import Any, NoReturn

from jinja2 import StrictUndefined, Template, TemplateError, TemplateSyntaxError, nodes
from jinja2.runtime import Context
from jinja2.sandbox import SandboxedEnvironment

from generator.chinese import CJK, attachment_note, chinese_date, did_you_mean, ends_sentence
from generator.errors import DataError
from generator.pipeline import document as doc
from generator.pipeline import model
from generator.pipeline.figures import PLACEHOLDER_END, PLACEHOLDER_START, FigureProblem, FigureValue, TemplateFigure, evaluate
from generator.pipeline.numbering import enumeration_label, label

OUTPUT_LIMIT = 100_000  # characters one text may have, before and after rendering; a long paragraph has 1,000
MAX_EXPRESSIONS = 10_000  # {{ }} and {% %} in one report (the sample has 150); each costs Jinja 0.1 ms
LARGEST_NUMERAL = 999  # Chinese numerals (一、 （一） 一是) stop here
_PRODUCT_BITS = 1_000  # an integer product larger than this is no figure of a report

_SPACE_BETWEEN_CJK = re.compile(rf"(?<=[{CJK}])\s+(?=[{CJK}])")
_PLACEHOLDER_MARKS = re.compile(f"[{PLACEHOLDER_START}{PLACEHOLDER_END}]")
_MEMBERS = "、".join(f".{m}" for m in TemplateFigure.ATTRIBUTES) + "、" + "、".join(f".{m}()" for m in TemplateFigure.METHODS)
_ALLOWED = f"正文的表达式只能引用 figures 中的数字（及其 {_MEMBERS}）和 year、region、issuer，并可用 {{% if %}} 条件"

# What a text may be made of besides names, member access and method calls, which are checked
# one by one; anything else is refused before the template is compiled.
_PLAIN_NODES = (
    nodes.Template, nodes.Output, nodes.TemplateData, nodes.Const, nodes.If, nodes.CondExpr,
    nodes.Compare, nodes.Operand, nodes.And, nodes.Or, nodes.Not, nodes.Neg, nodes.Pos,
    nodes.Add, nodes.Sub, nodes.Mul, nodes.Div, nodes.FloorDiv, nodes.Mod, nodes.Concat, nodes.Keyword,
)
# How a clerk would name the constructs refused, and a word of them to find in the text.
_REFUSED: dict[type[nodes.Node], tuple[str, str]] = {
    nodes.For: ("“{% for %}”循环", "for"),
    nodes.Macro: ("“{% macro %}”宏", "macro"),
    nodes.CallBlock: ("“{% call %}”", "call"),
    nodes.FilterBlock: ("“{% filter %}”", "filter"),
    nodes.Assign: ("“{% set %}”赋值", "set"),
    nodes.AssignBlock: ("“{% set %}”赋值", "set"),
    nodes.With: ("“{% with %}”", "with"),
    nodes.Include: ("“{% include %}”", "include"),
    nodes.Import: ("“{% import %}”", "import"),
    nodes.FromImport: ("“{% from %}”", "from"),
    nodes.Extends: ("“{% extends %}”", "extends"),
    nodes.Block: ("“{% block %}”", "block"),
    nodes.Pow: ("乘方“**”", "**"),
    nodes.Getitem: ("方括号“[]”", "["),
    nodes.List: ("列表“[]”", "["),
    nodes.Tuple: ("逗号分隔的多个值", ","),
    nodes.Dict: ("花括号“{}”", "{"),
}


class _Refused(Exception):
    """Something a text asked for that the sandbox will not do, as a Chinese sentence."""


class _Sandbox(SandboxedEnvironment):
    """Jinja's sandbox narrowed to an allowlist: the members of TemplateFigure and nothing else."""

    # Intercepted, `*` and `%` also keep the compiler from folding 'x' * 10**9 before rendering.
    intercepted_binops = frozenset({"*", "%"})

    def is_safe_attribute(self, obj: Any, attr: str, value: Any) -> bool:
        return isinstance(obj, TemplateFigure) and attr in TemplateFigure.MEMBERS

    def is_safe_callable(self, obj: Any) -> bool:
        return isinstance(getattr(obj, "__self__", None), TemplateFigure) and getattr(obj, "__name__", "") in TemplateFigure.METHODS

    def wrap_str_format(self, value: Any) -> None:
        """No str.format: the sandbox would hand it out before asking is_safe_attribute."""
        return None

    def call_binop(self, context: Context, operator: str, left: Any, right: Any) -> Any:
        if not all(isinstance(x, (int, float)) and not isinstance(x, bool) for x in (left, right)):
            raise _Refused(f"“{operator}”只能用于数；文字不能相乘或取余（数字要用 .value 取值，例如 {{{{ 审结.value * 2 }}}}）")
        if isinstance(left, int) and isinstance(right, int) and left.bit_length() + right.bit_length() > _PRODUCT_BITS:
            raise _Refused("表达式算出的数太大，不可能是报告中的数字")
        return super().call_binop(context, operator, left, right)


_ENV = _Sandbox(undefined=StrictUndefined, autoescape=False)
_ENV.globals.clear()  # range, lipsum, namespace …: nothing the documentation offers
_ENV.filters.clear()
_ENV.tests.clear()


@functools.lru_cache(maxsize=4096)
def _compiled(source: str) -> Template:
    """A text compiled once per process: the review page, absorb and a run of many reports
    render the same texts again and again, and compiling is most of a text's cost. Only texts
    that passed `Resolver._check` (for the figures of the report at hand) get here; a compiled
    text holds no values, they come with each render's context."""
    return _ENV.from_string(source)


def resolve(report: model.Report) -> doc.Document:
    return Resolver(report).document()


class Resolver:
    """A report's figures and names, ready to render its texts: `document()` renders all of it;
    `render` and `render_marked` one text (absorb renders texts one by one to place edits)."""

    def __init__(self, report: model.Report) -> None:
        self.report = report
        self.figures: dict[str, FigureValue] = evaluate(report.figures, report.meta.year)
        m = report.meta
        plain: dict[str, object] = {"year": m.year, "region": m.region, "issuer": m.issuer}
        assert plain.keys() == model.TEXT_NAMES.keys()
        self.context: dict[str, object] = {**{name: TemplateFigure(value) for name, value in self.figures.items()}, **plain}
        self.used: set[str] = set()
        self.expressions = 0  # rendered so far, against MAX_EXPRESSIONS
        self.last_number: dict[str, int] = {}  # per numbering style, across the document

    def document(self) -> doc.Document:
        m = self.report.meta
        body = self.blocks(self.report.body, parent_level=0, depth=1)  # before attachments: numbering runs in reading order
        attachments = tuple(self.attachment(n, a) for n, a in enumerate(self.report.attachments, 1))
        return doc.Document(
            year=m.year,
            title_lines=tuple(self.render(line) for line in m.title),
            body=body,
            recipient=self.render(m.recipient) if m.recipient else "",
            web=tuple((name, self.render(value)) for name, value in m.web),
            publication=self.publication(m.published),
            attachment_note=attachment_note([a.title for a in attachments]),  # the rendered titles, whole
            attachments=attachments,
            signature_issuer=self.render(m.signature.issuer) if m.signature else "",
            co_issuers=tuple(self.render(issuer) for issuer in m.signature.joint) if m.signature else (),
            signature_date=chinese_date(m.signature.date) if m.signature else "",
            layout=m.layout or "",
            formal=_formal(m.formal),
            figures_used=frozenset(self.used),
        )

    def attachment(self, n: int, attachment: model.Attachment) -> doc.Attachment:
        lines = tuple(self.render(line) for line in attachment.title_lines)
        return doc.Attachment(
            "附件" if len(self.report.attachments) == 1 else f"附件{n}",
            "".join(lines),
            self.blocks(attachment.body, parent_level=0, depth=1),
            lines if len(lines) > 1 else (),
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
        if len(source) > OUTPUT_LIMIT:
            raise DataError(text.location, f"这一段文字超过 {OUTPUT_LIMIT} 个字符，不像报告中的一段；请检查是否粘贴了多余的内容")
        if "{{" in source or "{%" in source or "{#" in source:
            self.expressions += source.count("{{") + source.count("{%")
            if self.expressions > MAX_EXPRESSIONS:
                raise DataError(text.location, f"数据文件中的 {{{{ }}}} 表达式超过了 {MAX_EXPRESSIONS} 个，不像一份年度报告；请检查内容是否重复")
            source = self._render_template(text)
        return _SPACE_BETWEEN_CJK.sub("", source.strip())

    def _render_template(self, text: model.Text) -> str:
        try:
            self._check(_ENV.parse(text.template), text)
            template = _compiled(text.template)
        except TemplateSyntaxError as error:
            raise DataError(text.location, _syntax_message(error)) from None
        except (RecursionError, MemoryError, SyntaxError):
            raise DataError(text.location, "这一段中的表达式嵌套太深；请简化它") from None
        pieces: list[str] = []
        size = 0
        try:
            for piece in template.generate(self.context):
                size += len(piece)
                if size > OUTPUT_LIMIT:
                    raise _Refused(f"这一段文字生成后超过 {OUTPUT_LIMIT} 个字符，不像报告中的一段；请检查其中的表达式")
                pieces.append(piece)
        except (_Refused, FigureProblem) as error:
            raise DataError(text.location, str(error)) from None
        except ZeroDivisionError:
            raise DataError(text.location, "这一段的表达式中除数为 0，无法计算") from None
        except TypeError:
            raise DataError(text.location, "这一段的表达式中，运算的对象类型不符：数字要用 .value 参与计算，例如 {{ 审结.value + 1 }}，文字不能与数相加减") from None
        except (ArithmeticError, ValueError, RecursionError):
            raise DataError(text.location, "这一段的表达式算出的数太大或无法计算；请检查表达式") from None
        except TemplateError:
            raise DataError(text.location, f"这一段的表达式用到了不允许的写法；{_ALLOWED}") from None
        return "".join(pieces)

    def _check(self, node: nodes.Node, text: model.Text) -> None:
        """Refuse, with the clerk's words, anything but what the documentation offers."""
        if isinstance(node, nodes.Name):
            if node.name not in self.context:
                self._fail(text, node.name, f"“{node.name}”没有定义；正文中可以引用 figures 中的数字，或 year、region、issuer{did_you_mean(node.name, self.context)}")
            if node.name in self.figures:
                self.used.add(node.name)
        elif isinstance(node, nodes.Getattr):
            self._check_member(node, text, called=False)
        elif isinstance(node, nodes.Call):
            if not isinstance(node.node, nodes.Getattr) or node.dyn_args is not None or node.dyn_kwargs is not None:
                self._check(node.node, text)  # an undefined name says so first
                self._fail(text, "(", f"正文中只能调用数字的 .yoy() 和 .change()；{_ALLOWED}")
            self._check_member(node.node, text, called=True)
            for argument in [*node.args, *node.kwargs]:
                self._check(argument, text)
            return
        elif isinstance(node, (nodes.Assign, nodes.AssignBlock)) and isinstance(node.target, (nodes.Name, nodes.NSRef)) and node.target.name in self.figures:
            self._fail(text, "set", f"数字“{node.target.name}”的值只能在 figures 中修改，正文中不能给它赋值")
        elif isinstance(node, nodes.Filter):
            self._fail(text, node.name, f"正文中不能使用过滤器“|{node.name}”；{_ALLOWED}")
        elif isinstance(node, nodes.Test):
            self._fail(text, node.name, f"正文中不能使用“is {node.name}”；{_ALLOWED}")
        elif not isinstance(node, _PLAIN_NODES):
            what, needle = _REFUSED.get(type(node), (f"“{type(node).__name__}”", "{"))
            self._fail(text, needle, f"正文中不能使用{what}；{_ALLOWED}")
        for child in node.iter_child_nodes():
            self._check(child, text)

    def _check_member(self, node: nodes.Getattr, text: model.Text, called: bool) -> None:
        self._check(node.node, text)  # an undefined name says so first
        owner = node.node.name if isinstance(node.node, nodes.Name) else ""
        if owner in self.figures:
            members = TemplateFigure.METHODS if called else TemplateFigure.ATTRIBUTES
            if node.attr not in members:
                shown = f".{node.attr}()" if called else f".{node.attr}"
                hint = did_you_mean(node.attr, TemplateFigure.MEMBERS) or f"；可以用的有 {_MEMBERS}"
                self._fail(text, node.attr, f"数字“{owner}”没有“{shown}”{hint}")
        elif owner in model.TEXT_NAMES:
            self._fail(text, node.attr, f"{owner} 是{model.TEXT_NAMES[owner]}，后面不能再写“.{node.attr}”")
        else:
            self._fail(text, node.attr, f"“.{node.attr}”只能写在数字的名称后面，例如 审结.number；{_ALLOWED}")

    @staticmethod
    def _fail(text: model.Text, needle: str, message: str) -> NoReturn:
        raise DataError(text.location_of(needle), message)

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
            if n > LARGEST_NUMERAL and style in ("一、", "（一）"):
                raise DataError(section.location, f"这是用“{style}”编号的第 {n} 个章节；中文序号最多编到九百九十九，请拆分章节或改用 numbering: \"1.\"")
            counts[style] = self.last_number[style] = n
            heading_label = label(style, n)
        title = self.render(section.title)
        body = list(self.blocks(section.body, level, depth + 1, covers))
        if not section.runin:
            return [doc.Heading(level, depth, heading_label, title, section.location, covers), *body]
        if not body or not isinstance(body[0], doc.Paragraph) or body[0].bullet:
            raise DataError(section.location, "标题接排（runin: true）的章节，body 的第一项必须是一段文字")
        lead = heading_label + title + ("" if ends_sentence(title) else "。")
        first = body[0]
        body[0] = doc.Paragraph((doc.Span(lead, f"heading{level}"), *first.spans), location=first.location, covers=covers)
        return body

    def paragraph(self, paragraph: model.Paragraph, covers: frozenset[str]) -> doc.Paragraph:
        text = self.render_marked(paragraph.text) if paragraph.text else ""
        for n, item in enumerate(paragraph.items, 1):
            if n > LARGEST_NUMERAL:
                raise DataError(item.location, "这是第 1000 个条目；“一是……二是……”最多编到九百九十九是，请拆分为几个段落")
            text += enumeration_label(n) + self.render_marked(item)
        return doc.Paragraph(_spans(text), location=paragraph.location, covers=covers)

    def table(self, table: model.Table) -> doc.Table:
        return doc.Table(
            tuple(self.render(cell) for cell in table.header),
            tuple(tuple(self.render(cell) for cell in row) for row in table.rows),
            self.render(table.caption) if table.caption else "",
            table.location,
        )


def _syntax_message(error: TemplateSyntaxError) -> str:
    message = error.message or ""
    unknown = re.search(r"unknown tag '(\w+)'", message)
    if unknown:
        return f"正文中不能使用“{{% {unknown.group(1)} %}}”；{_ALLOWED}"
    if "comment" in message:
        return "注释没有结束：{# 要有对应的 #}；在不加引号的文字中，空格后面的 # 会被当作 YAML 的注释，请把整段文字用英文双引号括起来"
    if "end of template" in message:
        return "表达式没有结束：{{ 要有对应的 }}，{% if %} 要有对应的 {% endif %}"
    return "表达式的写法有误：要写成 {{ 名称 }}，{{ 和 }} 成对出现，里面是数字的名称或 year、region、issuer，例如 {{ 审结 }}"


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
