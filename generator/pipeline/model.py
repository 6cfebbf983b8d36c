"""The report as the data file states it: typed, validated, not yet rendered.

Text fields are `Text`: a Jinja template plus where it was written. Nothing here knows about
numbering, output formats or layout.
"""
from __future__ import annotations

import datetime
from collections.abc import Iterator
from dataclasses import dataclass, field

from generator.errors import Location
from generator.pipeline.yamlsource import Source

# The plain values a text may name besides the figures ({{ year }}年), and what each stands for.
TEXT_NAMES: dict[str, str] = {"year": "报告年度", "region": "地区名称", "issuer": "发文机关"}

# Numbering forms of GB/T 9704-2012 §7.3.3, from the top level down.
NUMBERING_STYLES: tuple[str, ...] = ("一、", "（一）", "1.", "（1）")


@dataclass(frozen=True)
class Text:
    """A template string from the data file, with the span of the file it came from."""

    template: str
    source: Source
    start: int  # offset of the scalar in the file
    end: int

    @property
    def location(self) -> Location:
        return self.source.location_of(self.start)

    def location_of(self, needle: str) -> Location:
        """Where `needle` was written inside this scalar, or the scalar's start."""
        offset = self.source.text.find(needle, self.start, self.end)
        return self.source.location_of(offset if offset >= 0 else self.start)


@dataclass(frozen=True)
class Figure:
    """A statistic: a stated value or a formula over other figures."""

    name: str
    location: Location
    unit: str = ""
    value: int | float | None = None  # None with last_year: not yet filled in (a draft)
    last_year: int | float | None = None  # the previous year's value, for 同比 and drafts
    formula: Text | None = None
    percent: bool = False  # formula result shown ×100 with "%"
    precision: int | None = None  # digits after the decimal point
    display: str = ""  # "", "万", "亿", "余", "余万", "万余", "余亿", "亿余"
    label: str = ""  # what the figure counts, for tables and checks
    counts: Text | None = None  # for a stated rate: the formula of counts it must agree with
    at_most: str = ""  # name of a figure this one cannot exceed (调解成功 ≤ 调解)
    over_100: bool = False  # a percentage that may exceed 100 (增长率)
    source_unit: str = ""  # the unit that reports it (`from: 区司法局`), for collect/merge


@dataclass(frozen=True)
class Paragraph:
    text: Text | None
    items: tuple[Text, ...] = ()  # inline enumeration: 一是…二是…
    location: Location | None = None


@dataclass(frozen=True)
class Bullet:
    """A "——" highlight line."""

    text: Text
    location: Location | None = None


@dataclass(frozen=True)
class Table:
    header: tuple[Text, ...]
    rows: tuple[tuple[Text, ...], ...]
    caption: Text | None = None
    location: Location | None = None


@dataclass(frozen=True)
class Section:
    title: Text
    body: tuple["Block", ...]
    runin: bool = False  # heading runs into its first paragraph
    numbering: str | None = None  # one of NUMBERING_STYLES, "无" for none, None for the default
    continue_numbering: bool = False  # carry the count on from the previous run of this style
    covers: tuple[str, ...] = ()  # keys of the items of the body's kind (templates/bodies.yaml)
    location: Location | None = None


Block = Paragraph | Bullet | Table | Section


def walk(blocks: tuple[Block, ...]) -> Iterator[Block]:
    """Every block, sections before their bodies, in the order of the file."""
    for block in blocks:
        yield block
        if isinstance(block, Section):
            yield from walk(block.body)


def texts(block: Block) -> list[Text]:
    """The texts a block itself writes (a section: its title, not its body)."""
    if isinstance(block, Section):
        return [block.title]
    if isinstance(block, Paragraph):
        return [*([block.text] if block.text else []), *block.items]
    if isinstance(block, Bullet):
        return [block.text]
    return [*block.header, *(cell for row in block.rows for cell in row), *([block.caption] if block.caption else [])]


@dataclass(frozen=True)
class Attachment:
    title: Text  # the title; its first line when the data gives it line by line
    body: tuple[Block, ...]
    location: Location | None = None
    title_rest: tuple[Text, ...] = ()  # the title's further lines, where the data breaks it

    @property
    def title_lines(self) -> tuple[Text, ...]:
        return (self.title, *self.title_rest)


@dataclass(frozen=True)
class Signature:
    issuer: Text  # the 发文机关署名; of a joint issuance, the leading issuer's
    date: datetime.date
    joint: tuple[Text, ...] = ()  # the other issuers of a joint issuance, in the order of the 版头


MAX_JOINT_ISSUERS = 10  # issuers one 落款 lists (a cap, as on every list a data file gives)


@dataclass(frozen=True)
class Publication:
    date: datetime.date
    source: Text | None = None


@dataclass(frozen=True)
class Formal:
    """What only the formal 公文 edition prints: 版头, 主送, 落款 layout, 附注 and 版记 (GB/T 9704 §7)."""

    marks: tuple[str, ...]  # 发文机关标志, one per issuer (联合行文: the leading issuer first)
    number: str = ""  # 发文字号 宛政〔2025〕8号
    signers: tuple[str, ...] = ()  # 签发人 (上行文)
    recipient: str = ""  # 主送机关, ending with ：
    seal: bool = False  # sealed 落款 layout (§7.3.5.1)
    note: str = ""  # 附注 （此件公开发布）
    cc: tuple[str, ...] = ()  # 抄送机关
    printer: str = ""  # 印发机关
    printed: datetime.date | None = None  # 印发日期
    copy_number: str = ""  # 份号
    secrecy: str = ""  # 密级和保密期限
    urgency: str = ""  # 紧急程度


@dataclass(frozen=True)
class Meta:
    year: int
    region: str
    issuer: str
    title: tuple[Text, ...]
    recipient: Text | None = None
    web: tuple[tuple[str, Text], ...] = ()  # 索引号, 文号, 发布机构, 成文日期 … in the order given
    published: Publication | None = None
    signature: Signature | None = None
    layout: str | None = None
    formal: Formal | None = None
    body: str = "县级政府"  # the kind of reporting body, a key of templates/bodies.yaml


@dataclass(frozen=True)
class Report:
    meta: Meta
    figures: dict[str, Figure]
    body: tuple[Block, ...]
    attachments: tuple[Attachment, ...] = ()
    checks_off: dict[str, str] = field(default_factory=dict)  # check rule id → the reason it is off
    source: Source | None = field(default=None, compare=False)
    # (rule id, the finding's message) → why it was found to be right (`checks: acknowledged:`)
    acknowledged: dict[tuple[str, str], str] = field(default_factory=dict)

    def all_blocks(self) -> Iterator[Block]:
        """The body's blocks, then each attachment's, sections before their bodies."""
        yield from walk(self.body)
        for attachment in self.attachments:
            yield from walk(attachment.body)
