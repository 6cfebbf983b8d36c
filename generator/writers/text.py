"""Plain text: the report as its web page publishes it, one paragraph a line."""
from __future__ import annotations

from generator.pipeline.document import Document, Heading, Paragraph, Table


def _block_lines(blocks) -> list[str]:
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
    lines = [document.title, ""]
    if document.publication:
        lines += [document.publication, ""]
    if document.web:
        lines += [f"{name}：{value}" for name, value in document.web] + [""]
    if document.recipient:
        lines.append(document.recipient)
    lines += _block_lines(document.body)
    if document.attachment_note:
        lines += ["", *document.attachment_note]
    if document.signature_issuer:
        lines += ["", document.signature_issuer, document.signature_date]
    for attachment in document.attachments:
        lines += ["", attachment.label, attachment.title, *_block_lines(attachment.body)]
    return "\n".join(lines) + "\n"
