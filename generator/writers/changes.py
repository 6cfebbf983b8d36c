"""Differences between two versions of a report, the way a reviewer wants to see them.

Paragraphs are aligned first; within a changed paragraph the difference goes down to the
character, but a number is one token, so 217 → 230 reads as "217" deleted and "230" inserted,
not as "2" kept and "17" replaced by "30". `marked` makes of two documents the marked-up copy
(花脸稿) that the PDF writer prints.
"""
from __future__ import annotations

import dataclasses
import difflib
import itertools
import re
from typing import Iterator, Sequence, TypeVar

from generator.pipeline.document import Block, Document, Heading, Paragraph, Span, Table

_TOKEN = re.compile(r"\d+(?:\.\d+)?%?|.", re.S)



def tokens(text: str) -> list[str]:
    return _TOKEN.findall(text)


def text_changes(old: str, new: str) -> list[tuple[str, str]]:
    """(kind, text) pieces, kind "equal", "deleted" or "inserted"; deleted before inserted."""
    a, b = tokens(old), tokens(new)
    pieces: list[tuple[str, str]] = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if op == "equal":
            pieces.append(("equal", "".join(a[i1:i2])))
            continue
        if i2 > i1:
            pieces.append(("deleted", "".join(a[i1:i2])))
        if j2 > j1:
            pieces.append(("inserted", "".join(b[j1:j2])))
    return pieces


Item = TypeVar("Item")


def text_changes_of(old: str, new: str, old_items: Sequence[Item], new_items: Sequence[Item]) -> Iterator[tuple[str, str, Sequence[Item]]]:
    """`text_changes`, each piece with what stands for its characters (one item per character:
    a run's properties, a span's role): the old text's for a deletion, the new text's otherwise."""
    old_at = new_at = 0
    for kind, text in text_changes(old, new):
        if kind == "deleted":
            items, old_at = old_items[old_at:old_at + len(text)], old_at + len(text)
        else:
            items, new_at = new_items[new_at:new_at + len(text)], new_at + len(text)
            old_at += len(text) if kind == "equal" else 0
        yield kind, text, items


def align(old: Sequence[str], new: Sequence[str], *, window: int | None = None) -> Iterator[tuple[int | None, int | None]]:
    """Pairs of indexes (old, new) in document order; None on one side for a paragraph that
    exists only in the other version. Changed paragraphs pair up when they are alike enough
    to be read as one paragraph edited; with a `window`, an old paragraph looks for its like
    among that many new ones only (the work then grows with the length, not its square)."""
    matcher = difflib.SequenceMatcher(None, list(old), list(new), autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            yield from zip(range(i1, i2), range(j1, j2))
        else:
            yield from _pair_similar(old, new, range(i1, i2), range(j1, j2), window)


def _pair_similar(old: Sequence[str], new: Sequence[str], olds: range, news: range, window: int | None) -> Iterator[tuple[int | None, int | None]]:
    """Within a changed stretch, pair each old paragraph with the next new one like it."""
    j = news.start
    for i in olds:
        stop = news.stop if window is None else min(news.stop, j + window)
        match = next((k for k in range(j, stop) if _alike(old[i], new[k])), None)
        if match is None:
            yield i, None
            continue
        yield from ((None, k) for k in range(j, match))
        yield i, match
        j = match + 1
    yield from ((None, k) for k in range(j, news.stop))


def _alike(a: str, b: str) -> bool:
    matcher = difflib.SequenceMatcher(None, tokens(a), tokens(b), autojunk=False)
    # the two upper bounds are cheap and decide most pairs of unrelated paragraphs
    return matcher.real_quick_ratio() >= 0.5 and matcher.quick_ratio() >= 0.5 and matcher.ratio() >= 0.5


# -- the marked-up copy (花脸稿) --------------------------------------------------------------------

def marked(old: Document, new: Document) -> Document:
    """The new report with the old one's deleted text struck in and its inserted text marked,
    block by block and, in blocks that pair up, character by character: what a reviewer's
    marked-up printout shows. Headings and paragraphs carry the marks in their spans; a table
    that changed is shown twice, the old one deleted and the new one inserted."""
    body = _marked_blocks(old.body, new.body)
    attachments = tuple(
        dataclasses.replace(attachment, body=_marked_blocks(before.body if before else (), attachment.body))
        for attachment, before in itertools.zip_longest(new.attachments, old.attachments[:len(new.attachments)])
        if attachment is not None
    )
    return dataclasses.replace(new, body=body, attachments=attachments)


def _block_text(block: Block) -> str:
    if isinstance(block, Heading):
        return block.full_text
    if isinstance(block, Paragraph):
        return block.text
    return "\n".join("\t".join(row) for row in (block.header, *block.rows))


def _marked_blocks(old: tuple[Block, ...], new: tuple[Block, ...]) -> tuple[Block, ...]:
    result: list[Block] = []
    for i, j in align([_block_text(b) for b in old], [_block_text(b) for b in new]):
        if j is None:
            assert i is not None
            result.append(_whole(old[i], "deleted"))
        elif i is None:
            result.append(_whole(new[j], "inserted"))
        elif _block_text(old[i]) == _block_text(new[j]):
            result.append(new[j])
        elif isinstance(old[i], Table) or isinstance(new[j], Table) or type(old[i]) is not type(new[j]):
            result += [_whole(old[i], "deleted"), _whole(new[j], "inserted")]
        else:
            result.append(_changed(old[i], new[j]))  # type: ignore[arg-type]
    return tuple(result)


def _spans(block: Heading | Paragraph) -> tuple[Span, ...]:
    return block.spans if isinstance(block, Paragraph) else (Span(block.full_text),)


def _whole(block: Block, change: str) -> Block:
    if isinstance(block, Table):
        return dataclasses.replace(block, change=change)
    spans = tuple(dataclasses.replace(span, change=change) for span in _spans(block))
    return dataclasses.replace(block, spans=spans) if isinstance(block, Paragraph) else dataclasses.replace(block, marks=spans)


def _changed(old: Heading | Paragraph, new: Heading | Paragraph) -> Block:
    """`new` with the character-level changes from `old`, each character keeping its own role
    (a run-in heading's font, a placeholder's highlight)."""
    spans: list[Span] = []
    for kind, text, roles in text_changes_of(_block_text(old), _block_text(new), _roles(_spans(old)), _roles(_spans(new))):
        change = "" if kind == "equal" else kind
        for role, group in itertools.groupby(zip(text, roles), key=lambda pair: pair[1]):
            spans.append(Span("".join(c for c, _ in group), role, change))
    return dataclasses.replace(new, spans=tuple(spans)) if isinstance(new, Paragraph) else dataclasses.replace(new, marks=tuple(spans))


def _roles(spans: tuple[Span, ...]) -> list[str]:
    return [span.role for span in spans for _ in span.text]
