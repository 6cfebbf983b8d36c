"""What the review pages show for each year, kept up to date as data/<year>.yaml is saved.

One thread does all the work: it rebuilds a year when its file, or last year's (redline, 同比
checks), changes. The page comes first (HTML and check, a fraction of a second), then the
downloads into out/<year>/ with the same functions as `build`, `diff` and `compare`. A save
that does not load keeps the last good page and downloads, with the error beside them.
"""
from __future__ import annotations

import datetime
import hashlib
import logging
import re
import threading
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path

import watchfiles

from generator.atomic import write_all
from generator.chinese import years_in
from generator.commands import compare, diff
from generator.commands.build import build
from generator.commands.check import Finding, check_loaded
from generator.commands.serve.anchors import link
from generator.errors import DataError
from generator.pipeline import Loaded, open_report
from generator.writers import html

log = logging.getLogger(__name__)

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
class Page:
    """A year's report as rendered from a data file that loaded."""

    title: str
    html: str  # the report page, block elements with ids
    findings: tuple[Finding, ...]
    anchors: tuple[str | None, ...]  # for each finding, the id of the block it concerns

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


@dataclass
class Year:
    """One data file and what was last made from it. Updated attribute by attribute by the
    worker thread; request handlers only read."""

    year: int
    path: Path
    page: Page | None = None
    error: str | None = None  # the file as last saved could not be rendered (file:line:column: message)
    files: dict[str, Path] = field(default_factory=dict)  # download kind → file this server wrote
    notes: tuple[str, ...] = ()  # font substitutions, a redline that could not be made …
    write_error: str | None = None  # the downloads could not be rebuilt; `files` are older
    built: datetime.datetime | None = None  # when `files` were written
    version: int = 0  # changes whenever anything above does; the page polls it
    inputs: str = ""  # digest of this and last year's file as last processed
    loaded: Loaded | None = None  # the data file as last loaded, for the downloads
    lock: threading.Lock = field(default_factory=threading.Lock)  # held while rebuilding


class Site:
    """All years of a data folder; `watch` keeps them current."""

    def __init__(self, data_dir: Path, out_dir: Path) -> None:
        self.data_dir = data_dir
        self.out_dir = out_dir
        self.years: dict[int, Year] = {}
        self.version = 0

    def watch(self, stop: threading.Event) -> None:
        """Refresh now and whenever a .yaml file in the folder changes, until `stop` is set. The
        one-second timeout refreshes too: a save made before the watcher started, or one whose
        event a network drive lost, is still picked up (a refresh only reads and hashes)."""
        self.refresh()
        for _ in watchfiles.watch(
            self.data_dir, watch_filter=lambda _, path: path.endswith(".yaml"), stop_event=stop,
            step=50, rust_timeout=1000, yield_on_timeout=True, recursive=False,
        ):
            self.refresh()

    def refresh(self) -> None:
        """Rebuild every year whose inputs changed; forget years whose file is gone."""
        paths = years_in(self.data_dir)
        years = {year: self.years.get(year) or Year(year, path) for year, path in paths.items()}
        changed = []
        for year, state in years.items():
            digest = _digest(state.path, paths.get(year - 1))
            if digest != state.inputs:
                state.inputs = digest
                changed.append(state)
        if years.keys() != self.years.keys():
            self.years = years  # replaced whole: request handlers may be iterating the old one
            self._bump()
        with ExitStack() as held:
            for state in changed:
                held.enter_context(state.lock)  # downloads wait for the files being rebuilt
            for state in changed:
                self._render(state)
            for state in changed:
                if state.error is None:
                    self._write(state)

    def _bump(self, state: Year | None = None) -> None:
        self.version += 1
        if state is not None:
            state.version = self.version

    def _render(self, state: Year) -> None:
        try:
            loaded = open_report(state.path)
            findings = tuple(check_loaded(state.path, loaded.report, loaded.document))
            page, ids = link(html.render(loaded.document, loaded.profile), loaded.report, findings)
            state.page = Page(loaded.document.title, page.replace("</head>", _REVIEW_CSS + "</head>", 1), findings, ids)
            state.loaded, state.error = loaded, None
        except DataError as error:
            state.error = str(error)
        except Exception as error:  # a bug in a writer must not stop the watcher
            log.exception("rendering %s failed", state.path)
            state.error = f"{state.path}：报告无法生成（{type(error).__name__}: {error}）"
        self._bump(state)

    def _write(self, state: Year) -> None:
        """DOCX, PDF and TXT; with last year's file also the redline DOCX and the figures CSV."""
        out = self.out_dir / str(state.year)
        try:
            assert state.loaded is not None  # _render loaded it
            result = build(state.loaded.document, state.loaded.profile, out, ("docx", "pdf", "txt"))
            files = {path.suffix[1:]: path for path in result.written}
            notes = list(result.notes)
            last = state.path.with_name(f"{state.year - 1}.yaml")
            if last.is_file():
                try:
                    files.update(_year_on_year(open_report(last), state.loaded, out))
                except DataError as error:
                    notes.append(f"未生成修订对照稿和数据对比表：上一年度的数据文件无法读取：{error}")
            state.files, state.notes, state.write_error = files, tuple(notes), None
            state.built = datetime.datetime.now().replace(microsecond=0)
        except Exception as error:  # keep the last good files downloadable
            log.exception("writing the downloads of %s failed", state.path)
            state.write_error = f"{type(error).__name__}: {error}"
        self._bump(state)


def _digest(*paths: Path | None) -> str:
    """What a year is made from; a file gone (or going) counts as empty."""
    digest = hashlib.sha256()
    for path in paths:
        try:
            content = path.read_bytes() if path is not None else b""
        except OSError:
            content = b""
        digest.update(len(content).to_bytes(8, "big") + content)
    return digest.hexdigest()


def _year_on_year(last: Loaded, this: Loaded, out: Path) -> dict[str, Path]:
    """The redline DOCX and the figures CSV, as `diff` and `compare` write them."""
    redline = out / f"{diff.stem(this.document)}.docx"
    table = out / f"{compare.stem(last.report, this.report)}.csv"
    when = datetime.datetime.now().replace(microsecond=0)
    write_all({
        redline: lambda path: diff.write_redline(last.document, this.document, this.profile, path, this.report.meta.issuer, when),
        table: lambda path: compare.write_csv(last.report, this.report, path),
    })
    return {"redline": redline, "compare": table}
