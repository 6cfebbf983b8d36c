"""Validate a data file's node tree into a `Report`.

Every check names the file, line and column, says in Chinese what was found and what was
expected, and suggests the nearest known key for a typo. The mistakes clerks make with numbers
(1,020, 12.5%, 0777, 130件) get their own explanation, as do figures that would print wrong.
"""
from __future__ import annotations

import datetime
import keyword
import math
import re
import unicodedata
from pathlib import Path

from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from generator.chinese import YEAR_FILE, did_you_mean
from generator.config import bodies
from generator.errors import DataError
from generator.pipeline import yamlsource
from generator.pipeline.figures import LARGEST
from generator.pipeline.model import (
    MAX_JOINT_ISSUERS,
    NUMBERING_STYLES,
    TEXT_NAMES,
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
from generator.pipeline.yamlsource import Source, describe, is_null, scalar_value

FIGURE_DISPLAYS = ("万", "亿", "余", "余万", "万余", "余亿", "亿余")
NUMBERING_ALIASES = {"(一)": "（一）", "(1)": "（1）", "无": "无", "none": "无"}
BODY_KEYS = ("section", "p", "items", "bullet", "table")

_PLAIN_NUMBER = re.compile(r"[-+]?(?:0|[1-9]\d*)(?:\.\d*)?|[-+]?\.\d+")
_LEADING_ZERO = re.compile(r"[-+]?0\d+(?:\.\d*)?")
_THOUSANDS = re.compile(r"[-+]?\d{1,3}(?:,\d{3})+(?:\.\d+)?")
_UNDERSCORES = re.compile(r"[-+]?\d[\d_]*(?:\.[\d_]*)?")
_PERCENT = re.compile(r"([-+]?\d+(?:\.\d+)?)\s*[%％]")
_WITH_UNIT = re.compile(r"([-+]?\d+(?:\.\d+)?)\s*([^\d\s.,%％]{1,4})")
# An expression typed with a Chinese input method: ｛｛ 复议纠错 ｝｝, or one brace of it.
_BRACED = re.compile(r"[{｛]{2}[^{}｛｝\n]{0,60}?[}｝]{2}")
_FULLWIDTH_BRACES = re.compile(r"[{｛]｛|｛\{|[}｝]｝|｝\}")
_FULLWIDTH_KEY = re.compile(rf"({'|'.join(BODY_KEYS)}|body|runin|numbering|continue|covers)\s*：")


def load(path: Path) -> Report:
    source, root = yamlsource.read(path)
    return _Reader(source).report(root)


def _spaced(what: str) -> str:
    """`what` ready to be followed by Chinese: a key path gets a space ("figures.审结 "), words none."""
    return what + " " if what[:1].isascii() else what


class _Reader:
    def __init__(self, source: Source) -> None:
        self.source = source
        self.items: tuple[str, ...] = ()  # what `covers:` may name: the items of meta.body's kind

    # -- generic shapes -------------------------------------------------------------------

    def fail(self, node: Node, message: str) -> DataError:
        return DataError(self.source.at(node), message)

    def fail_at(self, offset: int, message: str) -> DataError:
        return DataError(self.source.location_of(offset), message)

    def mapping(self, node: Node, what: str, required: tuple[str, ...], optional: tuple[str, ...]) -> dict[str, Node]:
        if not isinstance(node, MappingNode):
            raise self.not_a_mapping(node, f"{_spaced(what)}应为若干“键: 值”行")
        allowed = required + optional
        fields: dict[str, Node] = {}
        for index, (key, value) in enumerate(node.value):
            name = key.value
            if name not in allowed:
                raise self.separated_number(node, index) or self.run_together(key, allowed) or self.fail(
                    key, f"{_spaced(what)}中没有“{name}”这一项" + (did_you_mean(name, allowed) or f"；可以写的有：{'、'.join(allowed)}")
                )
            fields[name] = value
        missing = [name for name in required if name not in fields]
        if missing:
            raise self.fail(node, f"{_spaced(what)}缺少“{missing[0]}”这一项；必须写的有：{'、'.join(required)}")
        return fields

    def run_together(self, key: Node, allowed: tuple[str, ...]) -> DataError | None:
        """`{value：7, …}`, `{value:7, …}` or `{unit 件, …}`: a key and its value read as one
        unknown key, because the colon is full-width, has no space after it, or is missing."""
        written = re.fullmatch(r"(\w+)\s*([：:]|\s)\s*(.*)", str(key.value), re.DOTALL)
        if written is None or written.group(1) not in allowed:
            return None
        name, colon, value = written.groups()
        if colon.isspace():
            at = self.source.text.find(value, key.start_mark.index, key.end_mark.index)
            return self.fail_at(key.start_mark.index + len(name) if at < 0 else at - 1,
                                f"“{name}”后面少了英文冒号；键和值之间要用英文冒号加一个空格，写作 {name}: {value}")
        offset = self.source.text.find(colon, key.start_mark.index, key.end_mark.index)
        at = offset if offset >= 0 else key.start_mark.index
        if colon == "：":
            return self.fail_at(at, f"“{name}”后面用了全角冒号“：”；键和值之间要用英文冒号加一个空格，写作 {name}: {value}")
        return self.fail_at(at, f"“{name}”后面的英文冒号与值之间少了一个空格；键和值之间要用英文冒号加一个空格，写作 {name}: {value}")

    def not_a_mapping(self, node: Node, expected: str) -> DataError:
        """A mapping was expected; `审结：130` (a full-width colon) reads as one text instead."""
        if isinstance(node, ScalarNode) and not node.style:
            colon = re.match(r"([^\s：]+)\s*：", node.value)
            if colon:
                offset = self.source.text.find("：", node.start_mark.index, node.end_mark.index)
                return self.fail_at(
                    offset if offset >= 0 else node.start_mark.index,
                    f"“{colon.group(1)}”后面用了全角冒号“：”；键和值之间要用英文冒号加一个空格，写作 {colon.group(1)}: ……",
                )
        return self.fail(node, f"{expected}，这里写的是{describe(node)}")

    def separated_number(self, node: MappingNode, index: int) -> DataError | None:
        """`{value: 1,020, unit: 件}`: the comma ended the number, and 020 became a key of its own."""
        key = node.value[index][0]
        previous = node.value[index - 1][1] if index else None
        if not re.fullmatch(r"\d+(?:\.\d+)?", key.value) or not isinstance(previous, ScalarNode) or previous.style:
            return None
        written = _THOUSANDS.match(self.source.text, previous.start_mark.index)
        if not written:
            return None
        return self.fail(previous, f"数字中不要用逗号分隔千位：“{written.group()}”要写作 {written.group().replace(',', '')}")

    def sequence(self, node: Node, what: str) -> list[Node]:
        if not isinstance(node, SequenceNode):
            raise self.fail(node, f"{_spaced(what)}应为一个列表（以“- ”开头的若干行），这里写的是{describe(node)}")
        return list(node.value)

    def text(self, node: Node, what: str) -> Text:
        if not isinstance(node, ScalarNode) or is_null(node):
            raise self.fail(node, f"{_spaced(what)}应为一段文字，这里写的是{describe(node)}")
        text = Text(str(node.value), self.source, node.start_mark.index, node.end_mark.index)
        self.refuse_fullwidth_braces(text)
        return text

    def refuse_fullwidth_braces(self, text: Text) -> None:
        for braced in _BRACED.finditer(text.template):
            written = braced.group()
            if "｛" in written or "｝" in written:
                fixed = written.replace("｛", "{").replace("｝", "}")
                raise DataError(text.location_of(written), f"“{written}”中的花括号是用中文输入法打出的全角括号；请切换到英文输入法，写作 {fixed}")
        stray = _FULLWIDTH_BRACES.search(text.template)
        if stray:
            raise DataError(text.location_of(stray.group()), f"“{stray.group()}”是用中文输入法打出的全角括号；请切换到英文输入法，写作 {{{{ 名称 }}}}")

    def plain(self, node: Node, what: str) -> str:
        return self.text(node, what).template.strip()

    def number(self, node: Node, what: str, expected: str = "数字，例如 217 或 98.48") -> int | float:
        """A number written as digits, nothing YAML reads otherwise (0777, 1_000, .inf)."""
        if isinstance(node, ScalarNode) and not node.style and _PLAIN_NUMBER.fullmatch(node.value):
            value = scalar_value(node)
            if isinstance(value, (int, float)) and not isinstance(value, bool):
                if abs(value) >= LARGEST:
                    raise self.fail(node, f"{_spaced(what)}的数 {node.value} 大得不合常理（超过一千万亿）；请改正")
                return value
        raise self.fail(node, self.not_a_number(node, what, expected))

    def not_a_number(self, node: Node, what: str, expected: str) -> str:
        """Why a number is not one, for the ways clerks write numbers in Word."""
        found = f"{_spaced(what)}应为{expected}，这里写的是{describe(node)}"
        if not isinstance(node, ScalarNode):
            return found
        written = node.value.strip()
        if node.style and _PLAIN_NUMBER.fullmatch(written):
            return f"{_spaced(what)}的数字不要加引号：写作 {written}"
        if _LEADING_ZERO.fullmatch(written):
            fixed = re.sub(r"^([-+]?)0+(?=\d)", r"\1", written)
            value = scalar_value(node)
            octal = f"（YAML 会把 {written} 读作八进制数 {value}）" if isinstance(value, int) and str(value) != fixed else ""
            return f"{_spaced(what)}的数字前面不要加 0：写作 {fixed}{octal}"
        if _THOUSANDS.fullmatch(written):
            return f"数字中不要用逗号分隔千位：“{written}”要写作 {written.replace(',', '')}"
        if "_" in written and _UNDERSCORES.fullmatch(written):
            return f"数字中不要用下划线分隔：“{written}”要写作 {written.replace('_', '')}"
        percent = _PERCENT.fullmatch(written)
        if percent:
            return (f"{_spaced(what)}不要把百分号写在数字后面：写作 {percent.group(1)}，并在同一项中加上 unit: \"%\"（百分号要加引号）；"
                    "由公式算出的比率则写 percent: true，见 docs/data-format.md")
        folded = unicodedata.normalize("NFKC", written)
        if folded != written and _PLAIN_NUMBER.fullmatch(folded):
            return f"{_spaced(what)}的数字要用英文输入法（半角）输入：写作 {folded}"
        unit = _WITH_UNIT.fullmatch(written)
        if unit:
            return f"{_spaced(what)}只写数字，单位写在 unit 中：写作 {unit.group(1)}，并加上 unit: {unit.group(2)}"
        value = scalar_value(node)
        if isinstance(value, float) and not math.isfinite(value):
            return f"{_spaced(what)}应为一个具体的数，这里写的是“{written}”（YAML 把它读作无穷大或“不是数”）"
        return found

    def integer(self, node: Node, what: str, low: int, high: int) -> int:
        expected = f" {low} 至 {high} 之间的整数"
        value = self.number(node, what, expected)
        if not isinstance(value, int) or not low <= value <= high:
            raise self.fail(node, f"{_spaced(what)}应为{expected}，这里写的是{describe(node)}")
        return value

    def boolean(self, node: Node, what: str) -> bool:
        value = scalar_value(node) if isinstance(node, ScalarNode) else None
        if not isinstance(value, bool):
            raise self.fail(node, f"{_spaced(what)}应为 true 或 false，这里写的是{describe(node)}")
        return value

    def date(self, node: Node, what: str) -> datetime.date:
        value = scalar_value(node) if isinstance(node, ScalarNode) else None
        if not isinstance(value, datetime.date) or isinstance(value, datetime.datetime):
            raise self.fail(node, f"{_spaced(what)}应为日期，写作 2025-03-25，这里写的是{describe(node)}")
        return value

    def choice(self, node: Node, what: str, choices: tuple[str, ...]) -> str:
        value = scalar_value(node) if isinstance(node, ScalarNode) else None
        if not isinstance(value, str) or value not in choices:
            hint = did_you_mean(value, choices) if isinstance(value, str) else ""
            raise self.fail(node, f"{_spaced(what)}应为以下之一：{'、'.join(choices)}，这里写的是{describe(node)}{hint}")
        return value

    # -- the report -----------------------------------------------------------------------

    def report(self, node: Node) -> Report:
        fields = self.mapping(node, "数据文件的最外层", ("meta", "body"), ("figures", "attachments", "checks"))
        meta = self.meta(fields["meta"])
        figures = self.figures(fields["figures"]) if "figures" in fields else {}
        body = self.blocks(fields["body"], "body")
        attachments = tuple(
            self.attachment(item) for item in self.sequence(fields["attachments"], "attachments")
        ) if "attachments" in fields else ()
        checks = self.mapping(fields["checks"], "checks", (), ("off", "acknowledged")) if "checks" in fields else {}
        checks_off = self.checks_off(checks["off"]) if "off" in checks else {}
        acknowledged = self.acknowledged(checks["acknowledged"]) if "acknowledged" in checks else {}
        return Report(meta, figures, body, attachments, checks_off, self.source, acknowledged)

    def checks_off(self, off: Node) -> dict[str, str]:
        if not isinstance(off, MappingNode):
            raise self.not_a_mapping(off, "checks.off 应为若干“规则: 关闭的理由”行，例如 figure-unused: 附表引用")
        return {self.plain(rule, "规则名称"): self.plain(reason, f"关闭 {rule.value} 的理由") for rule, reason in off.value}

    def acknowledged(self, node: Node) -> dict[tuple[str, str], str]:
        """Single findings of `check` found to be right, each with why: `check` no longer lists them."""
        found = {}
        for n, entry in enumerate(self.sequence(node, "checks.acknowledged"), 1):
            f = self.mapping(entry, f"checks.acknowledged 第 {n} 项", ("rule", "message", "reason"), ())
            found[(self.plain(f["rule"], "规则名称"), self.plain(f["message"], "检查结果"))] = self.plain(f["reason"], "确认无误的理由")
        return found

    def meta(self, node: Node) -> Meta:
        f = self.mapping(
            node,
            "meta",
            ("year", "region", "issuer", "title"),
            ("recipient", "web", "published", "signature", "layout", "formal", "body"),
        )
        body = self.body(f["body"]) if "body" in f else bodies.DEFAULT_KIND
        title = self.title_lines(f["title"], "meta.title")
        web: tuple[tuple[str, Text], ...] = ()
        if "web" in f:
            web_node = f["web"]
            if not isinstance(web_node, MappingNode):
                raise self.not_a_mapping(web_node, "meta.web 应为若干“标签: 内容”行，例如 索引号: 11411302MB1234567X")
            web = tuple((self.plain(k, "meta.web 的标签"), self.text(v, f"meta.web.{k.value}")) for k, v in web_node.value)
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
            issuers = self.issuers(s["issuer"])
            signature = Signature(issuers[0], self.date(s["date"], "meta.signature.date"), issuers[1:])
        return Meta(
            year=self.year(f["year"]),
            region=self.plain(f["region"], "meta.region"),
            issuer=self.plain(f["issuer"], "meta.issuer"),
            title=title,
            recipient=self.text(f["recipient"], "meta.recipient") if "recipient" in f else None,
            web=web,
            published=published,
            signature=signature,
            layout=self.plain(f["layout"], "meta.layout") if "layout" in f else None,
            formal=self.formal(f["formal"]) if "formal" in f else None,
            body=body,
        )

    def title_lines(self, node: Node, what: str) -> tuple[Text, ...]:
        """A title in one line, or as a list of its 1 to 3 lines (where the title breaks)."""
        if isinstance(node, ScalarNode):
            return (self.text(node, what),)
        title = tuple(self.text(line, "标题的一行") for line in self.sequence(node, what))
        if not 1 <= len(title) <= 3:
            raise self.fail(node, f"{what} 应有 1 至 3 行，这里有 {len(title)} 行")
        return title

    def issuers(self, node: Node) -> tuple[Text, ...]:
        """One 发文机关署名, or a list of them for a joint issuance (the leading issuer first)."""
        if isinstance(node, ScalarNode):
            return (self.text(node, "meta.signature.issuer"),)
        issuers = tuple(self.text(item, "发文机关署名") for item in self.sequence(node, "meta.signature.issuer"))
        if not 1 <= len(issuers) <= MAX_JOINT_ISSUERS:
            raise self.fail(node, f"meta.signature.issuer 应写 1 至 {MAX_JOINT_ISSUERS} 个发文机关署名（联合行文按版头中的顺序，"
                                  f"主办机关在前），这里有 {len(issuers)} 个")
        return issuers

    def body(self, node: Node) -> str:
        """meta.body: a kind of templates/bodies.yaml or of the bodies.yaml beside the data file."""
        kinds = bodies.load(self.source.path.parent)
        self.items = tuple(kinds[self.choice(node, "meta.body", tuple(kinds))]["items"])
        return str(node.value)

    def year(self, node: Node) -> int:
        """The report year, which a file named <year>.yaml must agree with."""
        year = self.integer(node, "meta.year", 1990, 2100)
        named = YEAR_FILE.fullmatch(self.source.path.name)
        if named and int(named.group(1)) != year:
            raise self.fail(
                node,
                f"文件名是 {self.source.path.name}，meta.year 却是 {year}；请把 meta.year 改为 {named.group(1)}，或把文件改名为 {year}.yaml",
            )
        return year

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
            raise self.not_a_mapping(node, "figures 应为若干“名称: 数字”行")
        figures: dict[str, Figure] = {}
        for key, value in node.value:
            figures[self.figure_name(key)] = self.figure(key.value.strip(), value)
        return figures

    def figure_name(self, key: Node) -> str:
        name = self.plain(key, "数字的名称")
        if not name.isidentifier():
            raise self.fail(key, f"数字的名称“{name}”只能是一个词：由汉字、字母、数字或 _ 组成，不能有空格，不能以数字开头")
        if name in TEXT_NAMES:
            raise self.fail(key, f"数字不能叫“{name}”：正文中的 {{{{ {name} }}}} 表示{TEXT_NAMES[name]}；请给这个数字换一个名称")
        if keyword.iskeyword(name) or name.lower() in ("true", "false", "none"):
            raise self.fail(key, f"数字不能叫“{name}”：它在公式和正文的表达式中另有含义；请换一个名称")
        return name

    def figure(self, name: str, node: Node) -> Figure:
        what = f"figures.{name}"
        if isinstance(node, ScalarNode):  # shorthand: 审结: 130
            return Figure(name, self.source.at(node), value=self.number(node, what))
        f = self.mapping(node, what, (), ("value", "last_year", "formula", "unit", "percent", "precision", "display", "label", "counts", "at_most", "over_100", "from"))
        if "formula" in f and ("value" in f or "last_year" in f):
            raise self.fail(node, f"{what} 有 formula（公式），就不能再写 value 或 last_year：两者都由公式算出")
        if not f.keys() & {"value", "formula", "last_year"}:
            raise self.fail(node, f"{what} 需要 value（数字）或 formula（公式，例如 败诉 / 审结）；起草中的数字也可以只写 last_year")
        display = self.choice(f["display"], f"{what}.display", FIGURE_DISPLAYS) if "display" in f else ""
        value = self.number(f["value"], f"{what}.value") if "value" in f else None
        last_year = self.number(f["last_year"], f"{what}.last_year") if "last_year" in f else None
        for key, stated in (("value", value), ("last_year", last_year)):
            if "余" in display and stated is not None and stated < 0:
                raise self.fail(f[key], f"{what}.display 是“{display}”，带“余”的写法只用于正数，而 {key} 是 {stated}；请改正数字或去掉 display")
        return Figure(
            name,
            self.source.at(node),
            unit=self.plain(f["unit"], f"{what}.unit") if "unit" in f else "",
            value=value,
            last_year=last_year,
            formula=self.text(f["formula"], f"{what}.formula") if "formula" in f else None,
            percent=self.boolean(f["percent"], f"{what}.percent") if "percent" in f else False,
            precision=self.integer(f["precision"], f"{what}.precision", 0, 6) if "precision" in f else None,
            display=display,
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
            key = _FULLWIDTH_KEY.match(node.value) if not node.style else None
            if key:
                raise self.fail_at(
                    self.source.text.find("：", node.start_mark.index),
                    f"“{key.group(1)}”后面用了全角冒号“：”；键和值之间要用英文冒号加一个空格，写作 {key.group(1)}: ……",
                )
            return Paragraph(self.text(node, "段落"), location=where)
        if not isinstance(node, MappingNode) or not node.value:
            raise self.fail(node, f"正文中的每一项应为一段文字，或以 {'、'.join(BODY_KEYS)} 开头的若干“键: 值”行，这里写的是{describe(node)}")
        first = node.value[0][0].value
        if first == "section":
            f = self.mapping(node, "章节（section）", ("section",), ("body", "runin", "numbering", "continue", "covers"))
            return Section(
                title=self.text(f["section"], "章节标题"),
                body=self.blocks(f["body"], "章节的 body") if "body" in f else (),
                runin=self.boolean(f["runin"], "runin") if "runin" in f else False,
                numbering=self.numbering(f["numbering"]) if "numbering" in f else None,
                continue_numbering=self.boolean(f["continue"], "continue") if "continue" in f else False,
                covers=self.covers(f["covers"]) if "covers" in f else (),
                location=where,
            )
        if first in ("p", "items"):
            f = self.mapping(node, "带“一是……二是……”的段落", (), ("p", "items"))
            items = tuple(self.text(i, "条目") for i in self.sequence(f["items"], "items")) if "items" in f else ()
            return Paragraph(self.text(f["p"], "p") if "p" in f else None, items, where)
        if first == "bullet":
            f = self.mapping(node, "重点条目（bullet）", ("bullet",), ())
            return Bullet(self.text(f["bullet"], "bullet"), where)
        if first == "table":
            f = self.mapping(node, "表格", ("table",), ("caption",))
            t = self.mapping(f["table"], "table", ("header", "rows"), ())
            header = tuple(self.text(c, "表头的单元格") for c in self.sequence(t["header"], "header"))
            rows = []
            for row in self.sequence(t["rows"], "rows"):
                cells = tuple(self.text(c, "表格的单元格") for c in self.sequence(row, "表格的一行"))
                if len(cells) != len(header):
                    raise self.fail(row, f"表格的这一行有 {len(cells)} 个单元格，表头有 {len(header)} 个；每一行的单元格数要与表头相同")
                rows.append(cells)
            caption = self.text(f["caption"], "caption") if "caption" in f else None
            return Table(header, tuple(rows), caption, where)
        hint = did_you_mean(first, BODY_KEYS)
        if not hint and not first.isascii():  # - 主要做法: 一是……, a sentence read as key: value
            raise self.fail(node, f"这一段被读成了“{first}: ……”（键: 值）；文字中的英文冒号加空格请改用中文冒号“：”，或把整段文字用英文双引号括起来")
        raise self.fail(node.value[0][0], f"正文中没有“{first}”这种写法" + (hint or f"；可以写的有：{'、'.join(BODY_KEYS)}"))

    def numbering(self, node: Node) -> str:
        value = scalar_value(node) if isinstance(node, ScalarNode) else None
        value = NUMBERING_ALIASES.get(value, value) if isinstance(value, str) else value
        choices = NUMBERING_STYLES + ("无",)
        if value not in choices:
            raise self.fail(node, f"numbering 应为以下之一：{' '.join(choices)}，这里写的是{describe(node)}")
        return str(value)

    def covers(self, node: Node) -> tuple[str, ...]:
        items = [node] if isinstance(node, ScalarNode) else self.sequence(node, "covers")
        if not self.items:
            self.items = tuple(bodies.load(self.source.path.parent)[bodies.DEFAULT_KIND]["items"])
        return tuple(self.choice(item, "covers", self.items) for item in items)

    def attachment(self, node: Node) -> Attachment:
        f = self.mapping(node, "附件", ("title",), ("body",))
        body = self.blocks(f["body"], "附件的 body") if "body" in f else ()
        title = self.title_lines(f["title"], "附件标题")
        return Attachment(title[0], body, self.source.at(node), title[1:])
