"""Differences between two versions of a report, the way a reviewer wants to see them.

Paragraphs are aligned first; within a changed paragraph the difference goes down to the
character, but a number is one token, so 217 → 230 reads as "217" deleted and "230" inserted,
not as "2" kept and "17" replaced by "30".
"""
from __future__ import annotations

import difflib
import re
from typing import Iterator, Sequence

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
