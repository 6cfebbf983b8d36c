"""What the review pages show for each year, kept current as data/<year>.yaml is saved.

One thread (`watch`) notices saves. A save is taken once it has settled: two reads SETTLE
seconds apart must agree (an editor may still be writing), and a file that does not load must
also have stayed unchanged for GRACE seconds before its error is shown. A year is rebuilt when
its file changes, or last year's (redline, 同比 checks). The work is done in a worker process
under a time limit (worker.py, job.py): the page first, then the downloads.

The downloads, and the print preview's page pictures made from their PDFs, are kept in memory,
one complete set per year, replaced whole when a new set is ready: a download never waits for a
rebuild and never reads a file the server did not just make (a link planted in out/ leads
nowhere). A copy of the downloads goes to out/<year>/, replacing files atomically, for use after
the server stops. A save that does not load keeps the last good page and downloads, with the
error beside them.

Each refresh also reads the record `absorb` leaves beside a data file (data/.<year>.absorbed.json):
which reviewed DOCX the data last took in, and whether the file was edited since.
"""
from __future__ import annotations

import dataclasses
import datetime
import logging
import os
import shutil
import stat
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import watchfiles

from generator import errors, incoming, outputs
from generator.atomic import write_all
from generator.chinese import years_in
from generator.commands.absorb import last_absorbed
from generator.commands.serve.job import Broken, Built, Download, Job, Message, Page, Previewed, Rendered, Unsettled, digest
from generator.commands.serve.preview import Picture
from generator.commands.serve.worker import Outcome, Worker
from generator.pipeline import yamlsource

log = logging.getLogger(__name__)

SETTLE = 0.2  # seconds between the two reads of a saved file that must agree
GRACE = 1.0  # seconds a file that does not load must stay unchanged before its error is shown
TIME_LIMIT = 60.0  # seconds a save may take, page and downloads (the sample takes about two)
RETRY = 500  # milliseconds between looks at the folder when nothing happens (a save to take again)


@dataclass(frozen=True)
class Downloads:
    """One complete set of downloads, made from one save."""

    files: dict[str, Download]  # download kind → file
    notes: tuple[str, ...]  # font substitutions, a redline that could not be made …
    built: datetime.datetime
    previews: dict[str, tuple[Picture, ...]]  # edition ("web", "formal") → its PDF's pages
    version: str = ""  # of the data every file was made from (generator/outputs.py)


@dataclass(frozen=True)
class Absorbed:
    """The reviewed DOCX `absorb` last wrote back into a data file, as the page tells it."""

    docx: str
    at: str  # "2025-03-01 10:20"
    changes: int
    comments: int
    accepted: int  # tracked changes accepted on the way
    changed_since: bool  # the data file was edited after


@dataclass
class Year:
    """One data file and what was last made from it. Updated attribute by attribute by the
    watcher thread; request handlers only read (each attribute is replaced whole)."""

    year: int
    path: Path
    page: Page | None = None
    error: str | None = None  # the file as last saved could not be rendered
    downloads: Downloads | None = None
    updating: bool = False  # new downloads are being made; `downloads` are the last set
    previewing: bool = False  # the downloads are new, their print preview is being drawn
    write_error: str | None = None  # the downloads could not be made again; `downloads` are older
    disk_error: str | None = None  # the downloads could not be copied to out/<year>/
    absorbed: Absorbed | None = None  # the reviewed DOCX last written back into the file
    version: int = 0  # changes whenever anything above does; the page polls it
    inputs: tuple[str, str] = ("", "")  # digests of this and last year's file as last taken
    seen: tuple[tuple[str, str], float] = (("", ""), 0.0)  # the inputs as last seen, and since when


class Site:
    """All years of a data folder; `watch` keeps them current."""

    def __init__(self, data_dir: Path, out_dir: Path, worker: Worker | None = None, settle: float = SETTLE, grace: float = GRACE) -> None:
        self.data_dir = data_dir
        self.out_dir = out_dir
        self.worker = worker or Worker(TIME_LIMIT)
        self.settle = settle
        self.grace = grace
        self.years: dict[int, Year] = {}
        self.version = 0

    def watch(self, stop: threading.Event) -> None:
        """Refresh now and whenever a .yaml file in the folder changes, until `stop` is set. The
        timeout refreshes too: a save still settling, a save made before the watcher started,
        one whose event a network drive lost (a refresh that finds nothing new only reads)."""
        try:
            self._refresh_logged()
            for _ in watchfiles.watch(
                self.data_dir, watch_filter=lambda _, path: path.endswith((".yaml", ".absorbed.json")), stop_event=stop,
                step=50, rust_timeout=RETRY, yield_on_timeout=True, recursive=False,
            ):
                self._refresh_logged()
        finally:
            self.worker.stop()

    def refresh(self) -> None:
        """Take every year whose inputs changed and have settled; forget years whose file is gone.
        Only <4 digits>.yaml files are years (absorb's records beside them are not)."""
        paths = {year: path for year, path in years_in(self.data_dir).items() if _regular(path)}  # not a FIFO or device
        years = {year: self.years.get(year) or Year(year, path) for year, path in paths.items()}
        if years.keys() != self.years.keys():
            self.years = years  # replaced whole: request handlers may be iterating the old one
            self._bump()
        for state in years.values():
            record = absorbed(state.path)  # never raises: a bad record is no record
            if record != state.absorbed:
                state.absorbed = record
                self._bump(state)
        due: dict[int, tuple[str, str]] = {}
        for year, state in years.items():
            inputs = _inputs(state.path, paths.get(year - 1))
            if inputs != state.inputs:
                due[year] = inputs
                if state.seen[0] != inputs:
                    state.seen = (inputs, time.monotonic())
        if not due:
            return
        self._wait()
        for year, inputs in due.items():  # oldest first: a year's file is loaded before the next year needs it
            if _inputs(years[year].path, paths.get(year - 1)) == inputs:
                try:
                    self._take(years[year], inputs, paths.get(year - 1))
                except Exception:  # a bug met by one year's file must not hold the other years up
                    log.exception("刷新 %s 失败", years[year].path)
                    years[year].error = f"{years[year].path}：生成页面时出现意外错误，已跳过这一年度；其他年度不受影响。请检查最近的修改后再保存。"
                    years[year].inputs = inputs
                    self._bump(years[year])

    def _refresh_logged(self) -> None:
        try:
            self.refresh()
        except Exception:  # a bug here must not stop the watcher
            log.exception("刷新失败")

    def _wait(self) -> None:
        """Let a save under way finish before the files are read again."""
        if self.settle:
            time.sleep(self.settle)

    def _bump(self, state: Year | None = None) -> None:
        self.version += 1
        if state is not None:
            state.version = self.version

    def _take(self, state: Year, inputs: tuple[str, str], last: Path | None) -> None:
        """Make the year in the worker and publish what it sends; `inputs` are marked taken
        unless the file turned out not to have settled."""
        taken = True
        waiting_for = "page"  # then "downloads", then ""

        def receive(message: Message) -> None:
            nonlocal taken, waiting_for
            if isinstance(message, Unsettled) or (
                isinstance(message, Broken) and message.data and time.monotonic() - state.seen[1] < self.grace
            ):
                taken = False  # asked again at the next refresh
                return
            if isinstance(message, Broken):
                state.error, waiting_for = message.message, ""
            elif isinstance(message, Rendered):
                state.page, state.error, state.updating, waiting_for = message.page, None, True, "downloads"
            elif isinstance(message, Built):
                downloads = Downloads(message.files, message.notes, datetime.datetime.now().replace(microsecond=0), {}, message.version)
                state.downloads, state.updating, state.write_error, waiting_for = downloads, False, None, "previews"
                state.previewing = True
                state.disk_error = self._copy_out(state.year, downloads)
            elif isinstance(message, Previewed):
                if state.downloads is not None and state.downloads.version == message.version:
                    state.downloads = dataclasses.replace(state.downloads, previews=message.previews, notes=state.downloads.notes + message.notes)
                state.previewing, waiting_for = False, ""
            else:
                state.write_error, state.updating, waiting_for = message.message, False, ""
            self._bump(state)

        scratch = Path(tempfile.mkdtemp(prefix="fazhi-serve-"))
        try:
            outcome = self.worker.run(Job(state.path, inputs[0], last, scratch), receive)
        finally:
            shutil.rmtree(scratch, ignore_errors=True)
        if outcome is not Outcome.DONE and waiting_for:
            why = f"超过{self.worker.limit:g}秒仍未完成，已停止" if outcome is Outcome.TIMEOUT else "意外中止"
            if waiting_for == "page":
                state.error = f"{state.path}：生成报告{why}。请检查最近的修改（如文字中的循环），改好后再保存。"
            elif waiting_for == "previews":
                state.previewing = False
            else:
                state.write_error = f"生成下载文件{why}。"
        if state.updating or state.previewing or outcome is not Outcome.DONE:
            state.updating = state.previewing = False
            self._bump(state)
        if taken:
            state.inputs = inputs

    def _copy_out(self, year: int, downloads: Downloads) -> str | None:
        """Write the downloads into out/<year>/, each replacing the file (or link) of its name,
        and move the files there made from another version of the data into 旧版/ (the HTML,
        a formal TXT, … of an earlier build: out/<year>/ holds one version); why not, if they
        could not be. A year folder that is a link is not written through."""
        folder = self.out_dir / str(year)
        if folder.is_symlink():
            return f"{folder} 是一个链接（快捷方式），为安全起见没有写入；删除它后再保存一次数据文件即可"
        try:
            written = write_all({folder / file.name: _writer(file.content) for file in downloads.files.values()})
            if downloads.version:
                outputs.record(folder, written, downloads.version, year)
        except OSError as error:
            return errors.describe_os_error(error)
        return None


def absorbed(path: Path) -> Absorbed | None:
    """What absorb's record says of the data file, or None when there is none (or it is not
    a record absorb wrote: corrupt, nested, huge or no regular file)."""
    try:
        record = last_absorbed(path)
    except Exception:  # whatever the record holds, the page goes on
        log.exception("读取 %s 的写回记录失败", path)
        return None
    if record is None:
        return None
    docx, at = record.get("docx"), record.get("absorbed_at")
    counts = [record.get(key, 0) for key in ("changes", "comments", "accepted_revisions")]
    numbers = [count for count in counts if isinstance(count, int) and not isinstance(count, bool)]
    if not isinstance(docx, str) or not isinstance(at, str) or len(numbers) != len(counts):
        return None
    try:
        when = datetime.datetime.fromisoformat(at).strftime("%Y-%m-%d %H:%M")
    except ValueError:
        return None
    return Absorbed(docx, when, numbers[0], numbers[1], numbers[2], bool(record["changed_since"]))


def _writer(content: bytes) -> Callable[[Path], object]:
    return lambda path: path.write_bytes(content)


def _inputs(path: Path, last: Path | None) -> tuple[str, str]:
    """What a year is made from: the digests of its file and of last year's ("" when there is
    none). A file gone (or going) counts as empty."""
    return digest(_read(path)), digest(_read(last)) if last is not None else ""


def _read(path: Path) -> bytes:
    """A data file's bytes; nothing for one gone, too large, or replaced by a FIFO or device."""
    try:
        return incoming.read_bytes(path, "数据文件", yamlsource.MAX_BYTES)
    except errors.DataError:
        return b""


def _regular(path: Path) -> bool:
    try:
        return stat.S_ISREG(os.stat(path).st_mode)
    except OSError:
        return False
