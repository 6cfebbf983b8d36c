"""The resolved document: final text, numbering done, figures filled in. What writers read.

Writers know this module and the layout profile, nothing of YAML.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from generator.errors import Location


@dataclass(frozen=True)
class Span:
    """A run of text. `role` is "" for body text, "heading1"…"heading4" for a run-in heading,
    "placeholder" for a figure still to be filled in (writers highlight it)."""

    text: str
    role: str = ""
    change: str = ""  # "inserted" or "deleted" in a marked-up copy (diff's 花脸稿), else ""


@dataclass(frozen=True)
class Heading:
    """A heading on its own line. `level` picks the font (1 一、 2 （一） 3 1. 4 （1）); `depth` the outline."""

    level: int
    depth: int
    label: str
    text: str
    location: Location | None = None
    covers: frozenset[str] = frozenset()  # regulation items of the enclosing sections
    marks: tuple[Span, ...] = ()  # in a marked-up copy: the full text with its changes marked

    @property
    def full_text(self) -> str:
        return self.label + self.text


@dataclass(frozen=True)
class Paragraph:
    spans: tuple[Span, ...]
    bullet: bool = False  # a "——" highlight line
    location: Location | None = None
    covers: frozenset[str] = frozenset()  # regulation items of the enclosing sections

    @property
    def text(self) -> str:
        return "".join(span.text for span in self.spans)


@dataclass(frozen=True)
class Table:
    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    caption: str = ""
    location: Location | None = None
    change: str = ""  # in a marked-up copy: "inserted" or "deleted" when the table changed


Block = Heading | Paragraph | Table


@dataclass(frozen=True)
class Attachment:
    label: str  # 附件 or 附件1
    title: str
    body: tuple[Block, ...]
    title_lines: tuple[str, ...] = ()  # where the data breaks the title; () lets the writers wrap it


@dataclass(frozen=True)
class Formal:
    """The formal 公文 edition's parts (GB/T 9704 §7.2–7.4), as they print."""

    marks: tuple[str, ...]  # 发文机关标志, the leading issuer first
    number: str = ""  # 发文字号
    signers: tuple[str, ...] = ()  # 签发人
    recipient: str = ""  # 主送机关
    seal: bool = False  # sealed 落款 layout
    note: str = ""  # 附注
    cc: tuple[str, ...] = ()  # 抄送机关
    printer: str = ""  # 印发机关
    printed: str = ""  # 印发日期 as printed: 2025年3月20日
    copy_number: str = ""  # 份号
    secrecy: str = ""  # 密级和保密期限
    urgency: str = ""  # 紧急程度


EDITIONS = ("web", "formal")  # the public web edition; the formal 公文 with 版头 and 版记


@dataclass(frozen=True)
class Document:
    year: int
    title_lines: tuple[str, ...]
    body: tuple[Block, ...]
    recipient: str = ""
    web: tuple[tuple[str, str], ...] = ()
    publication: str = ""  # 发布时间：2025-03-25　来源：…
    attachment_note: tuple[str, ...] = ()  # lines of the 附件说明
    attachments: tuple[Attachment, ...] = ()
    signature_issuer: str = ""  # the 落款's issuer; of a joint issuance, the leading one
    co_issuers: tuple[str, ...] = ()  # a joint issuance's other issuers, in the order of the 版头
    signature_date: str = ""  # 2025年3月25日
    layout: str = ""  # name of a layout profile asked for by the data
    formal: Formal | None = None  # what the formal edition prints, when the data gives it
    edition: str = "web"  # which edition writers set: one of EDITIONS
    data_version: str = ""  # the data and layout it was made from (generator/outputs.py)
    figures_used: frozenset[str] = field(default=frozenset(), compare=False)

    @property
    def title(self) -> str:
        return "".join(self.title_lines)

    @property
    def issuers(self) -> tuple[str, ...]:
        """Every issuer the 落款 names, the leading one first."""
        return (self.signature_issuer, *self.co_issuers) if self.signature_issuer else self.co_issuers
