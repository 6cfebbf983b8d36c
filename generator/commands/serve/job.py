"""What is made of one save, in the worker process (worker.py): the data file loaded once, then
checked, rendered as the review page and built into the downloads, all from that one load. The
results go back to the site as messages, the page first (a fraction of a second), the downloads
after it (most of the time is the PDF; the formal edition, when the data has one, is built as
well), then the print preview (the PDF's pages as pictures, preview.py), which pdftoppm draws
while the other files are made.

A file is loaded only when it is the very content the site saw settle, and it is read again
after loading: a file that changed meanwhile is not published (`Unsettled`), the site takes it
again once it has settled.
"""
from __future__ import annotations

import contextlib
import datetime
import hashlib
import logging
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from generator import errors
from generator.atomic import write_all
from generator.commands import compare, diff
from generator.commands.build import build, edition
from generator.commands.check import Finding, check_loaded
from generator.commands.forms.units import collection_state
from generator.commands.serve import preview
from generator.commands.serve.anchors import link
from generator.errors import DataError, EngineError
from generator.pipeline import Loaded, open_report
from generator.pipeline.model import Report
from generator.writers import html

log = logging.getLogger(__name__)

# What a save makes: the downloads the page offers, and with them the other files the commands
# write into out/<year>/ (the HTML, the formal edition's TXT and HTML, the redline's HTML, the
# comparison DOCX), so that the copy there is one complete set made from one version of the data.
FORMATS = ("docx", "pdf", "txt", "html")
FORMAL_FORMATS = ("docx", "pdf", "txt", "html")  # the formal edition's files are named formal-docx, formal-pdf, …
# What failed when the cause is a bug rather than the data: the details go to the terminal.
INTERNAL = "程序内部错误，详细信息已显示在运行 serve 的命令行窗口中"

# Marks on the paragraphs findings concern, and on the one a finding link jumps to; screen only.
_REVIEW_CSS = """<style>
@media screen {
  [data-flag="error"] { background: #fde3e1; }
  [data-flag="warning"] { background: #fff2c6; }
  [data-flag="note"] { background: #e6f0fb; }
  :target { outline: 2px solid #1f5fbf; outline-offset: 4px; scroll-margin-top: 24px; }
}
</style>
"""


@dataclass(frozen=True)
class Job:
    """Make `path` (whose content must still have the sha256 `digest`) with last year's file."""

    path: Path
    digest: str
    last: Path | None  # data/<year−1>.yaml, when it exists
    scratch: Path  # an empty folder of the site's, for the downloads while they are built


@dataclass(frozen=True)
class Unit:
    """One reporting unit's row of the page's 数据填报情况 table."""

    name: str
    status: str  # 已报齐, 部分填报, 未填报
    filled: int
    empty: tuple[tuple[str, str], ...]  # (label, name) of each figure still empty


@dataclass(frozen=True)
class Page:
    """A year's report as rendered from a data file that loaded."""

    title: str
    html: str  # the report page, block elements with ids
    findings: tuple[Finding, ...]
    anchors: tuple[str | None, ...]  # for each finding, the id of the block it concerns
    units: tuple[Unit, ...] = ()  # the collection's state, when the year has figures to collect
    version: str = ""  # of the data it was made from (generator/outputs.py)

    def count(self, severity: str) -> int:
        return sum(f.severity == severity for f in self.findings)

    @property
    def placeholders(self) -> int:
        return sum(f.rule == "placeholder" for f in self.findings)

    @property
    def status(self) -> str:
        errors = self.count("error")
        if errors:
            return f"{errors}个错误"
        if self.placeholders:
            return f"草稿：{self.placeholders}处待填"
        return "通过检查"


@dataclass(frozen=True)
class Download:
    name: str  # the file's name, as the commands name it in out/<year>/
    content: bytes


@dataclass(frozen=True)
class Unsettled:
    """The file is not the content the site saw settle, or changed while it was loaded."""


@dataclass(frozen=True)
class Broken:
    """No page: the file does not load (`data`: the clerk can fix it), or rendering failed."""

    message: str
    data: bool


@dataclass(frozen=True)
class Rendered:
    page: Page


@dataclass(frozen=True)
class Built:
    files: dict[str, Download]  # download kind → file
    notes: tuple[str, ...]  # font substitutions, a redline that could not be made …
    version: str = ""  # of the data every file was made from


@dataclass(frozen=True)
class Previewed:
    """The print preview of the downloads just sent: it follows them (pdftoppm draws the pages
    while the other files are made, and needs a moment more)."""

    previews: dict[str, tuple[preview.Picture, ...]]  # edition ("web", "formal") → its PDF's pages
    notes: tuple[str, ...]  # why a preview could not be drawn
    version: str = ""


@dataclass(frozen=True)
class BuildFailed:
    message: str


Message = Unsettled | Broken | Rendered | Built | Previewed | BuildFailed
# Each data file as last loaded by this worker: path → (sha256 of its content, the loaded file or
# why it does not load). Last year's file is loaded again only when it changed.
Cache = dict[Path, tuple[str, Loaded | str]]


def make(job: Job, cache: Cache) -> Iterator[Message]:
    """The page, then the downloads (DOCX, PDF, TXT; with meta.formal also the formal edition's
    DOCX and PDF; with last year's file also the redline DOCX and the figures CSV), then the
    pictures of each PDF's pages: each is sent as soon as it is ready."""
    loaded = _load(job.path, cache, job.digest)
    last = _load(job.last, cache) if job.last is not None else None
    if loaded is None or (job.last is not None and last is None):
        yield Unsettled()
        return
    if isinstance(loaded, str):
        yield Broken(loaded, data=True)
        return
    try:
        previous = last if isinstance(last, Loaded) else None  # a broken one check reads itself, to say why
        findings = tuple(check_loaded(job.path, loaded.report, loaded.document, previous))
        page, ids = link(html.render(loaded.document, loaded.profile), loaded.report, findings)
        review = page.replace("</head>", _REVIEW_CSS + "</head>", 1)
        yield Rendered(Page(loaded.document.title, review, findings, ids, _units(loaded.report), loaded.version))
    except Exception as error:  # a bug in a writer must not stop the worker
        yield Broken(f"{job.path}：报告无法生成：{_describe(error)}", data=False)
        return
    try:
        with contextlib.ExitStack() as drawings:  # pdftoppm draws one PDF while the next is built
            result = build(loaded.document, loaded.profile, job.scratch, FORMATS)
            files = {path.suffix[1:]: path for path in result.written}
            notes = list(result.notes)
            pending: dict[str, preview.Drawing] = {}
            if "pdf" in files:
                pending["web"] = drawings.enter_context(preview.Drawing(files["pdf"]))
            if loaded.document.formal is not None:
                formal = build(edition(loaded.document, "formal"), loaded.profile, job.scratch, FORMAL_FORMATS)
                files.update({f"formal-{path.suffix[1:]}": path for path in formal.written})
                notes += [note for note in formal.notes if note not in notes]  # the same fonts, mostly
                if "formal-pdf" in files:
                    pending["formal"] = drawings.enter_context(preview.Drawing(files["formal-pdf"]))
            if isinstance(last, Loaded):
                files.update(_year_on_year(last, loaded, job.scratch))
            elif isinstance(last, str):
                notes.append(f"未生成修订对照稿和数据对比表：上一年度的数据文件无法读取：{last}")
            yield Built({kind: Download(path.name, path.read_bytes()) for kind, path in files.items()}, tuple(notes), loaded.version)
            previews, unavailable = {}, []
            for name, drawing in pending.items():
                try:
                    previews[name] = drawing.pictures()
                except preview.Unavailable as why:
                    unavailable.append(str(why))
        yield Previewed(previews, tuple(unavailable), loaded.version)
    except Exception as error:  # the last good downloads stay
        yield BuildFailed(_describe(error))


def _units(report: Report) -> tuple[Unit, ...]:
    """Each unit's figures filled and still empty, when the year has figures to fill or figures
    asked of a unit (`from:`); a finished report naming no unit has no table."""
    if not any(f.source_unit.strip() or (f.value is None and f.formula is None) for f in report.figures.values()):
        return ()
    figures = report.figures
    return tuple(
        Unit(state.unit, state.status, len(state.filled), tuple((figures[name].label or name, name) for name in state.empty))
        for state in collection_state(report)
    )


def digest(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


def _load(path: Path, cache: Cache, expected: str | None = None) -> Loaded | str | None:
    """The file loaded, or why it does not load; None when it is not the `expected` content or
    changed while it was being loaded."""
    try:
        content = path.read_bytes()
    except OSError:
        return None  # being replaced by the editor: the site sees it settle and asks again
    key = digest(content)
    if expected is not None and key != expected:
        return None
    cached = cache.get(path)
    if cached is not None and cached[0] == key:
        return cached[1]
    try:
        result: Loaded | str = open_report(path)
    except DataError as error:
        result = str(error)
    try:
        if path.read_bytes() != content:
            return None
    except OSError:
        return None
    cache[path] = (key, result)
    return result


def _year_on_year(last: Loaded, this: Loaded, out: Path) -> dict[str, Path]:
    """The redline DOCX and HTML and the figures CSV and DOCX, as `diff` and `compare` write them."""
    from generator.writers import diff_html

    redline = out / f"{diff.stem(this.document)}.docx"
    redline_html = redline.with_suffix(".html")
    table = out / f"{compare.stem(last.report, this.report)}.csv"
    table_docx = table.with_suffix(".docx")
    when = datetime.datetime.now().replace(microsecond=0)
    write_all({
        redline: lambda path: diff.write_redline(last.document, this.document, this.profile, path, this.report.meta.issuer, when),
        redline_html: lambda path: path.write_text(diff_html.render(last.document, this.document), encoding="utf-8"),
        table: lambda path: compare.write_csv(last.report, this.report, path),
        table_docx: lambda path: compare.write_docx(last.report, this.report, this.profile, path, this.version),
    })
    return {"redline": redline, "redline-html": redline_html, "compare": table, "compare-docx": table_docx}


def _describe(error: Exception) -> str:
    """The failure as the page shows it: the data's or a library's own message, a file-system
    failure in Chinese, and for a bug only that it is one (its traceback goes to the terminal)."""
    if isinstance(error, (DataError, EngineError)):
        return str(error)
    if isinstance(error, OSError):
        return errors.describe_os_error(error)
    log.error("生成失败", exc_info=error)
    return INTERNAL
