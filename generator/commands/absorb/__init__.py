"""`absorb`: the reviewed DOCX comes back into the year's data.

The reviewed document is compared with what the data renders to, paragraph by paragraph and
table by table, and every edit goes back to where its text came from (see plan.py). The data
file's text is edited at the offsets of its YAML nodes, so comments, order, quoting and blank
lines survive. Nothing is written unless the edited data builds to exactly the reviewed text
(verify.py); otherwise the edits that found no place are listed.

After a successful run a small record beside the data file (`data/.2025.absorbed.json`) says
which DOCX was absorbed and when; the review page shows it.
"""
from __future__ import annotations

import datetime
import difflib
import hashlib
import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from generator import advice, incoming
from generator.atomic import write_all
from generator.errors import DataError
from generator.pipeline import yamlsource
from generator.pipeline.loader import load
from generator.pipeline.resolve import resolve
from generator.pipeline.yamledit import apply

from . import reviewed as rv
from .expected import Block, Builder
from .plan import Planner, Problem, key, shorten
from .verify import verify

# Paragraph styles only the formal edition (版头, 版记) uses, by the names the DOCX writer gives them.
FORMAL_STYLES = frozenset({"份号", "密级和紧急程度", "发文机关标志", "发文字号", "红色分隔线", "版记", "版记分隔线"})


@dataclass
class Outcome:
    """What an absorb did or would do, in sentences for the clerk."""

    data: Path
    docx: Path
    changes: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    comments: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    accepted: int = 0  # tracked changes accepted
    written: list[Path] = field(default_factory=list)
    diff: str = ""  # the data file's lines before and after
    dry_run: bool = False
    already: str = ""  # this very DOCX was absorbed into this very data before: said instead

    def lines(self) -> list[str]:
        """What the command prints: the edits, the comments, what was written."""
        if self.already:
            return [self.already]
        out = []
        if self.accepted:
            out.append(f"已接受审阅稿中的 {self.accepted} 处修订")
        if self.changes:
            unwritten = "（因下列错误，都没有写入）" if self.problems else ""
            out.append(f"审阅稿 {self.docx} 中有 {len(self.changes)} 处改动{unwritten}：")
            out += [f"  {change}" for change in self.changes]
        elif not self.problems:
            out.append(f"审阅稿 {self.docx} 与数据文件生成的报告一致，没有需要写回的改动")
        if self.comments:
            out.append(f"批注 {len(self.comments)} 条（批注不写入数据文件，请逐条处理）：")
            out += [f"  {comment}" for comment in self.comments]
        out += [f"提示：{note}" for note in self.notes]
        if self.problems:
            return out
        if self.dry_run:
            if self.diff:
                out += ["数据文件将作如下修改（试运行，没有写入任何文件）：", self.diff.rstrip("\n")]
            return out
        for path in self.written:
            out.append(f"已写回 {path}（注释、顺序和格式保持原样）" if path == self.data else f"已记录本次写回：{path}")
        return out

    def problem_lines(self) -> list[str]:
        return [f"错误：以下 {len(self.problems)} 处改动在 {self.data} 中找不到出处，数据文件没有任何改动：",
                *(f"  {problem}" for problem in self.problems)]


MAX_RECORD_BYTES = 64 * 1024  # a record is about 300 bytes


def record_path(data: Path) -> Path:
    """The record of the last DOCX absorbed into a data file: data/.2025.absorbed.json."""
    return data.with_name(f".{data.stem}.absorbed.json")


def last_absorbed(data: Path) -> dict[str, object] | None:
    """The record of the last absorb into `data`, or None; `changed_since` tells whether the data
    file was edited after it."""
    try:
        record = json.loads(incoming.read_bytes(record_path(data), "写回记录", MAX_RECORD_BYTES).decode("utf-8"))
        current = hashlib.sha256(incoming.read_bytes(data, "数据文件", yamlsource.MAX_BYTES)).hexdigest()
    except (DataError, ValueError, RecursionError):  # absent, no regular file, too large, not JSON, nested too deep
        return None
    if not isinstance(record, dict):
        return None
    record["changed_since"] = record.get("data_sha256") != current
    return record


def absorb(data: Path, docx: Path, accept_changes: bool = False, dry_run: bool = False, now: datetime.datetime | None = None) -> Outcome:
    """Take the edits of the reviewed `docx` into the data file `data` (or only say what they are)."""
    review = rv.read(docx)
    if review.revisions and not accept_changes:
        raise DataError(None, f"{docx}：审阅稿中还有 {review.revisions} 处修订没有接受或拒绝。"
                              f"请在 Word/WPS 中用“审阅 → 接受/拒绝”逐一处理后保存再试；或者加上 {advice.option('--accept-changes', 'ACCEPT=1')}，全部接受后写回")
    if review.styles & FORMAL_STYLES:
        raise DataError(None, f"{docx}：这是带版头、版记的正式公文版，不能作为审阅稿写回；"
                              f"请用网站公开版（make report 默认生成的 DOCX）送审，把审阅后的那份交给 absorb")
    earlier = last_absorbed(data)
    if earlier is not None and not earlier["changed_since"] and earlier.get("docx_sha256") == hashlib.sha256(docx.read_bytes()).hexdigest():
        return Outcome(data, docx, dry_run=dry_run, already=(
            f"{docx} 已于 {str(earlier.get('absorbed_at', '')).replace('T', ' ')} 写回过（{earlier.get('changes')} 处改动），"
            "此后数据文件没有改动；这次不再写回，数据文件和那次的写回记录都保持原样"))
    source, root = yamlsource.read(data)
    report = load(data)
    blocks = Builder(report, resolve(report), root).build()
    _alike_at_a_glance(data, docx, blocks, review)
    planner = Planner(source.text, root, report, blocks, review)
    _same_report(data, docx, report.meta.year, blocks, review, planner.align())
    planner.run()
    outcome = Outcome(data, docx, planner.changes, planner.notes, _comments(review), accepted=review.revisions if accept_changes else 0, dry_run=dry_run)
    new_text = apply(source.text, planner.spans)
    problems = planner.problems
    if not problems:
        problems, consequences = verify(new_text, data, review, planner)
        outcome.notes += consequences
    if problems:
        outcome.problems = _grouped(problems)
        return outcome
    if "\r\n" in source.text:
        new_text = new_text.replace("\r\n", "\n").replace("\n", "\r\n")
    outcome.diff = "".join(difflib.unified_diff(source.text.splitlines(keepends=True), new_text.splitlines(keepends=True), str(data), str(data)))
    if dry_run:
        return outcome
    docx_sha256 = hashlib.sha256(docx.read_bytes()).hexdigest()
    bom = data.read_bytes().startswith(b"\xef\xbb\xbf")
    encoded = ("\ufeff" if bom else "") + new_text
    record = {
        "docx": docx.name,
        "docx_sha256": docx_sha256,
        "absorbed_at": (now or datetime.datetime.now()).replace(microsecond=0).isoformat(),
        "changes": len(outcome.changes),
        "comments": len(outcome.comments),
        "accepted_revisions": outcome.accepted,
        "data_sha256": hashlib.sha256(encoded.encode("utf-8")).hexdigest(),
    }
    outputs = {record_path(data): lambda path: path.write_text(json.dumps(record, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")}
    if new_text != source.text:
        outputs = {data: lambda path: path.write_bytes(encoded.encode("utf-8")), **outputs}
    outcome.written = write_all(outputs)
    return outcome


def _alike_at_a_glance(data: Path, docx: Path, blocks: list[Block], review: rv.Reviewed) -> None:
    """A cheap test before any pairing of paragraphs (whose cost grows with both lengths): a
    review has about as many paragraphs as the report it reviews and leaves some unchanged."""
    theirs = len(review.blocks)
    if theirs > 2 * len(blocks) + 50:
        raise DataError(None, f"{docx} 与 {data} 不是同一份报告：审阅稿有 {theirs} 段，而数据生成的只有 {len(blocks)} 段；"
                              f"请给出由这个数据文件生成、审阅后的 DOCX")
    ours = {key(b.text, b.kind == "table") for b in blocks}
    unchanged = sum(1 for b in review.blocks if key(b.text, b.is_table) in ours)
    if len(blocks) >= 20 and unchanged < len(blocks) / 10:
        raise DataError(None, f"{docx} 与 {data} 不是同一份报告：数据生成的 {len(blocks)} 段中只有 {unchanged} 段在审阅稿中原样出现；"
                              f"请给出由这个数据文件生成、审阅后的 DOCX")


def _same_report(data: Path, docx: Path, year: int, blocks: list[Block], review: rv.Reviewed, pairs: list[tuple[int | None, int | None]]) -> None:
    """Refuse a DOCX of another year or another report: it has little in common with the data."""
    titles = [b.text for b in blocks if b.kind == "title"]
    their_title = "".join(b.text for b in review.blocks[: len(titles)])
    their_years = set(re.findall(r"(?<!\d)(?:19|20)\d{2}(?!\d)", their_title))
    if str(year) in "".join(titles) and their_years and str(year) not in their_years:
        raise DataError(None, f"{docx} 是{'、'.join(sorted(their_years))}年度的报告（“{shorten(their_title, 40)}”），"
                              f"而 {data} 是{year}年度的数据；请给出由这个数据文件生成、审阅后的 DOCX")
    paired = sum(1 for i, j in pairs if i is not None and j is not None)
    if not review.blocks or paired < len(blocks) / 2:
        raise DataError(None, f"{docx} 与 {data} 不是同一份报告：数据生成的 {len(blocks)} 段中只有 {paired} 段能在审阅稿中找到；"
                              f"请给出由这个数据文件生成、审阅后的 DOCX")


def _grouped(problems: list[Problem]) -> list[str]:
    """One line per paragraph of the review, in its order; problems without one come first."""
    by_block: dict[int, list[Problem]] = {}
    for problem in problems:
        by_block.setdefault(problem.block.number if problem.block else 0, []).append(problem)
    lines = []
    for number in sorted(by_block):
        group = by_block[number]
        if number == 0:
            lines += [problem.reason for problem in group]
        else:
            reasons = list(dict.fromkeys(problem.reason for problem in group))
            lines.append(str(Problem(group[0].block, "；".join(reasons))))
    return lines


def _comments(review: rv.Reviewed) -> list[str]:
    lines = []
    for comment in review.comments:
        block = review.blocks[comment.block] if 0 <= comment.block < len(review.blocks) else None
        where = f"第{block.number}段“{shorten(block.text)}”" if block else "（位置不明）"
        anchor = f"，针对“{shorten(comment.anchor)}”" if comment.anchor else ""
        lines.append(f"{comment.author or '审阅人'}：{comment.text} —— {where}{anchor}")
    return lines


__all__ = ["Outcome", "Problem", "absorb", "last_absorbed", "record_path"]
