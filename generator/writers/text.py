"""Plain text: the report as its web page publishes it, one paragraph a line; the formal edition
with its 版头, 附注 and 版记 as lines of their own, and without the web page's chrome."""
from __future__ import annotations

from generator.pipeline.document import Block, Document, Formal, Heading, Paragraph, Table
from generator.writers import formal

_GAP = "　　"  # between the parts of one printed line (发文字号 and 签发人, 印发机关 and 印发日期)


def _block_lines(blocks: tuple[Block, ...]) -> list[str]:
    lines: list[str] = []
    for block in blocks:
        if isinstance(block, Heading):
            lines.append(block.full_text)
        elif isinstance(block, Paragraph):
            lines.append(block.text)
        elif isinstance(block, Table):
            if block.caption:
                lines.append(block.caption)
            lines.extend("\t".join(row) for row in (block.header, *block.rows))
    return lines


def render(document: Document) -> str:
    parts = document.formal if document.edition == "formal" else None
    lines = [*(_masthead(parts) if parts else []), document.title, ""]
    if parts is None:
        if document.publication:
            lines += [document.publication, ""]
        if document.web:
            lines += [f"{name}：{value}" for name, value in document.web] + [""]
    recipient = (parts.recipient or document.recipient) if parts else document.recipient
    if recipient:
        lines.append(recipient)
    lines += _block_lines(document.body)
    if document.attachment_note:
        lines += ["", *document.attachment_note]
    if document.signature_issuer:
        lines += ["", *document.issuers, document.signature_date]
    if parts and parts.note:
        lines.append(parts.note)
    for attachment in document.attachments:
        lines += ["", attachment.label, attachment.title, *_block_lines(attachment.body)]
    record = formal.record(parts)
    if record is not None:
        lines += ["", *([record.cc] if record.cc else []), _GAP.join(filter(None, (record.printer, record.printed)))]
    return "\n".join(lines) + "\n"


def _masthead(parts: Formal) -> list[str]:
    """份号, 密级, 紧急程度, the mark (文件 after a joint issuance's last name), the 发文字号 and 签发人."""
    lines = [text for text in (parts.copy_number, parts.secrecy, parts.urgency) if text]
    lines += list(parts.marks)
    if parts.signers:
        names = "、".join(parts.signers)
        lines.append(_GAP.join(filter(None, (parts.number, f"{formal.SIGNER_LABEL}{names}"))))
    elif parts.number:
        lines.append(parts.number)
    return [*lines, ""]
