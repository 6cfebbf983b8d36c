"""Writing the imported data file: only once it builds, and saying where it still differs from the input."""
from __future__ import annotations

import dataclasses
import os
from pathlib import Path

from generator import advice
from generator.atomic import write_all
from generator.chinese import differences, normalize
from generator.errors import DataError
from generator.importer.findings import Imported
from generator.importer.yamlwriter import dump
from generator.pipeline.document import Document


def write(imported: Imported, output: Path, force: bool = False, source: Path | None = None) -> list[str]:
    """Write the data file atomically, only once it builds; returns where its text still differs
    from the input beyond the reported repairs (normally nothing)."""
    from generator.pipeline.loader import load
    from generator.pipeline.resolve import resolve

    if output.exists() and not force:
        raise DataError(None, f"{output} 已存在：请用 {advice.option('-o', 'OUT=')} 另选文件名，或加 {advice.option('--force', 'FORCE=1')} 覆盖它")
    found: list[str] = []

    def stage(path: Path) -> None:
        path.write_text(dump(imported.data, _header(source)), encoding="utf-8")
        try:
            found.extend(unexplained(imported, resolve(load(path))))
        except DataError as error:
            message = str(error).replace(str(path), str(output))  # name the file the user asked for, not the staged one
            raise DataError(None, f"导入得到的数据无法生成报告（{message}），没有写入任何文件；"
                                  "请把原文和这条消息发给维护人员") from None

    write_all({output: stage})
    return found


def unexplained(imported: Imported, document: Document) -> list[str]:
    """Where the built report differs from the input beyond the reported repairs (normalized).

    The title is compared on its own; the page information and the title the importer supplied
    are not compared: the summary already says how they were read."""
    from generator.writers import text

    expected = normalize(imported.text)
    for repair in imported.repairs:
        if repair.seed:
            expected = expected.replace(normalize(repair.seed), normalize(repair.ours), 1)
    body = text.render(dataclasses.replace(document, title_lines=(), publication="", web=()))
    found = _differences(expected, normalize(body))
    if imported.title and normalize(imported.title) != normalize(document.title):
        found.insert(0, f"标题[{imported.title} → {document.title}]")
    return found


def _differences(expected: str, actual: str, context: int = 12) -> list[str]:
    """differences() on the part that differs: the common start and end are cut off first, since
    comparing two long texts char by char takes quadratic time (minutes for a 20,000-character line)."""
    start = len(os.path.commonprefix([expected, actual]))
    end = len(os.path.commonprefix([expected[start:][::-1], actual[start:][::-1]]))
    if start == len(expected) == len(actual):
        return []
    left, right_e, right_a = max(0, start - context), len(expected) - end, len(actual) - end
    if right_e - start + right_a - start > _COMPARED:
        return [f"…{expected[left:start]}[{expected[start:start + 40]}… → {actual[start:start + 40]}…]"]
    return differences(expected[left:right_e + context], actual[left:right_a + context], context)


_COMPARED = 20_000


def _header(source: Path | None) -> str:
    origin = f"由 {source.name} " if source else ""
    return (
        f"# {origin}经 {advice.LAUNCHER} import 导入。请核对：数字的名称和 label（说明）、各章节的 covers，\n"
        f"# 以及写着【待填：…】的地方（{advice.LAUNCHER} check 会逐项列出）。数据文件的写法见 docs/data-format.md。\n"
    )
