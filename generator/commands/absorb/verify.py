"""The proof that the edits found their places: the edited data, built, gives the reviewed text.

The new data file is loaded and rendered like any other, and compared with the reviewed DOCX
block by block. A difference is allowed only where the reviewer left the text as it was and a
figure they changed shows up again (a rate computed from it, the same number in another
paragraph): those are reported as consequences, not failures.
"""
from __future__ import annotations

import re
import tempfile
from pathlib import Path

from generator.errors import DataError
from generator.pipeline import yamlsource
from generator.pipeline.loader import load
from generator.pipeline.resolve import resolve
from generator.writers.changes import align

from . import reviewed as rv
from .expected import Block, Builder, Expression
from .plan import PAIRING_WINDOW, Planner, Problem, comparable, describe, key
from .textedit import opcodes, plain_numbers


def verify(text: str, data: Path, review: rv.Reviewed, planner: Planner) -> tuple[list[Problem], list[str]]:
    """Problems (the edited data does not build to the review) and consequences (notes)."""
    with tempfile.TemporaryDirectory() as scratch:
        path = Path(scratch) / data.name
        path.write_text(text, encoding="utf-8")
        try:
            report = load(path)
            _, root = yamlsource.read(path)
            blocks = Builder(report, resolve(report), root).build()
        except DataError as error:
            return [Problem(None, f"按审阅稿改动后，数据文件将无法读取（{error.message}）；这些改动请直接在数据文件中修改，数据文件未作修改")], []
    old_of = {j: i for i, j in planner.pairs if i is not None and j is not None}
    problems: list[Problem] = []
    notes: list[str] = []
    new_keys = [key(b.text, b.kind == "table") for b in blocks]
    review_keys = [key(b.text, b.is_table) for b in review.blocks]
    for n, j in align(new_keys, review_keys, window=PAIRING_WINDOW):
        if j is None:
            assert n is not None
            problems.append(Problem(None, f"写回后，数据会多生成一段“{blocks[n].text[:24]}”，审阅稿中没有"))
            continue
        wanted = review.blocks[j]
        if n is None:
            problems.append(Problem(wanted, "写回后，数据生成不出这一段"))
            continue
        old = planner.old[old_of[j]] if j in old_of else None
        items = _has_items(blocks[n]) or (old is not None and _has_items(old))
        # numbers compared as merge reads them: ０１３１ typed, 131 written
        built, expected = plain_numbers(comparable(blocks[n].text, items)), plain_numbers(comparable(wanted.text, items))
        if built == expected:
            continue
        before = plain_numbers(comparable(old.text, items)) if old is not None else None
        shown = describe(expected, built)
        if before is not None and _untouched(before, expected, built):
            notes.append(f"第{wanted.number}段没有改动，但引用的数字变了，写回后将随之变为：{shown}")
            continue
        problems.append(Problem(wanted, _reason(planner, wanted, shown)))
    return problems, notes


def _has_items(block: Block) -> bool:
    return any(s.kind == "item" for s in block.segments)


def _untouched(before: str, reviewed: str, built: str) -> bool:
    """Every difference between the reviewed and the built text lies where the reviewer changed nothing."""
    edited = [(j1, j2) for tag, _, _, j1, j2 in opcodes(before, reviewed) if tag != "equal"]
    for tag, j1, j2, _, _ in opcodes(reviewed, built):
        if tag != "equal" and any(a <= j2 and j1 <= b for a, b in edited):
            return False
    return True


def _reason(planner: Planner, block: rv.Block, shown: str) -> str:
    computed = planner.computed.get(block.number, [])
    if computed:
        return "；".join(_computed(planner, expression, output) for expression, output in computed) + f"（审阅稿 → 数据：{shown}）"
    return f"写回后，数据生成的文字与审阅稿不一致（审阅稿 → 数据：{shown}）；请直接修改数据文件"


def _computed(planner: Planner, expression: Expression, output: str) -> str:
    name = expression.source[2:-2].strip()
    figure = planner.report.figures.get(name)
    if figure is not None and figure.formula is not None:
        return (f"“{name}”由公式“{figure.formula.template.strip()}”算出，不能直接改：审阅稿中改为“{output}”；"
                f"请改它所依据的数字，或在数据文件中改写这句话")
    meta = next((key for key in ("year", "region", "issuer") if re.match(rf"{key}\b", name)), None)
    if meta is not None:
        return f"“{expression.text}”取自数据文件的 meta.{meta}（{expression.source}），审阅稿中改为“{output}”；请在 meta 中修改，或在数据文件中改写这句话"
    return f"“{expression.source}”是计算得出的（原为“{expression.text}”），审阅稿中改为“{output}”；请修改它所依据的数据，或在数据文件中改写这句话"
