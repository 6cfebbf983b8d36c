"""`build`: a resolved report → DOCX, PDF, HTML and TXT, written all-or-nothing."""
from __future__ import annotations

import dataclasses
import itertools
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from generator import advice, outputs
from generator.atomic import write_all
from generator.chinese import YEAR_FILE
from generator.config import layout
from generator.errors import DataError, EngineError
from generator.pipeline.document import Document

FORMATS = ("docx", "pdf", "html", "txt")


@dataclass
class BuildResult:
    written: list[Path] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    moved: list[Path] = field(default_factory=list)  # older outputs moved aside into 旧版/


def parse_formats(text: str) -> tuple[str, ...]:
    formats = tuple(part.strip().lower() for part in text.split(",") if part.strip())
    unknown = [f for f in formats if f not in FORMATS]
    if unknown or not formats:
        raise DataError(None, f"没有“{unknown[0] if unknown else text}”这种格式；{advice.option('--format', 'FORMAT=')} 写 {', '.join(FORMATS)} 中的一种或几种，用英文逗号分隔")
    return formats


# A file name may have 255 bytes; the title leaves room for （正式公文）/（修订对照）, the
# extension and the temporary name it is first written under.
_STEM_BYTES = 150


def file_stem(document: Document) -> str:
    """The report's title as a file name: characters no file system accepts are dropped, and a
    title too long for a file name is cut (at a character, never inside one)."""
    stem = re.sub(r'[\\/:*?"<>|\s]+', "", document.title) or f"report-{document.year}"
    return stem.encode("utf-8")[:_STEM_BYTES].decode("utf-8", "ignore")


def edition(document: Document, name: str) -> Document:
    """The document set as the named edition; the formal one needs meta.formal in the data."""
    if name == "formal" and document.formal is None:
        raise DataError(None, "正式公文版需要数据中的 meta.formal（发文机关标志、发文字号、签发人等），写法见 docs/data-format.md")
    return dataclasses.replace(document, edition=name)


def build(document: Document, profile: layout.Profile, out_dir: Path, formats: tuple[str, ...] = FORMATS) -> BuildResult:
    """Write each format of `document` into `out_dir`, named after its title (the formal
    edition's files end in （正式公文）, so both editions can sit in one folder). Outputs there
    made from another version of the data (an older title, an earlier save) are moved aside."""
    if "pdf" in formats:
        _check_pdf_engine(document, profile, out_dir, formats)
    result = BuildResult()
    stem = file_stem(document) + ("（正式公文）" if document.edition == "formal" else "")

    def writer(fmt: str) -> Callable[[Path], None]:
        return lambda path: result.notes.extend(_write(fmt, document, profile, path))

    result.written = write_all({out_dir / f"{stem}.{fmt}": writer(fmt) for fmt in formats})
    if document.data_version:
        result.moved = outputs.record(out_dir, result.written, document.data_version, document.year)
    return result


def _check_pdf_engine(document: Document, profile: layout.Profile, out_dir: Path, formats: tuple[str, ...]) -> None:
    """When the PDF cannot be made (a guard of its patches tripped), write the other formats
    asked for and stop with the guard's one line."""
    from generator.writers import pdf

    try:
        pdf.check_engine()
    except EngineError as error:
        others = tuple(fmt for fmt in formats if fmt != "pdf")
        if not others:
            raise
        build(document, profile, out_dir, others)
        raise EngineError(f"{error}（{'、'.join(others)} 已写入 {out_dir}）") from None


def _write(fmt: str, document: Document, profile: layout.Profile, path: Path) -> list[str]:
    """Render one format to `path`; writers are imported only when asked for (WeasyPrint is slow to load)."""
    if fmt == "txt":
        from generator.writers import text

        path.write_text(text.render(document), encoding="utf-8")
    elif fmt == "html":
        from generator.writers import html

        path.write_text(html.render(document, profile), encoding="utf-8")
    elif fmt == "docx":
        from generator.writers import docx

        docx.write(document, profile, path)
    else:
        from generator.writers import pdf

        return pdf.write(document, profile, path)
    return []


# -- many reports in one run ----------------------------------------------------------------

MAX_REPORTS = 2000  # a province's counties and departments, several years: not a whole disk
MAX_ENTRIES = 10_000  # looked at in one folder for data files and subfolders


@dataclass
class Built:
    """One data file of a run of many: where its report went, or the one line why not."""

    data: Path
    out_dir: Path | None = None
    result: BuildResult | None = None
    error: str = ""


def data_files(named: list[Path]) -> list[Path]:
    """The data files named; a folder stands for the <year>.yaml files in it and in its direct
    subfolders (a city's districts, each in a folder of its own), in order of their paths."""
    files: list[Path] = []
    for path in named:
        if path.is_dir():
            found = sorted(_year_files(path) + [p for sub in _entries(path) if sub.is_dir() for p in _year_files(sub)])
            if not found:
                raise DataError(None, f"{path} 中及其下一层文件夹中都没有 <年份>.yaml 数据文件（例如 2024.yaml）")
            files.extend(found)
        else:
            files.append(path)
        if len(files) > MAX_REPORTS:
            raise DataError(None, f"一次最多生成 {MAX_REPORTS} 份报告；请分几次运行，或只写要生成的文件夹")
    return list(dict.fromkeys(files))


def _entries(folder: Path) -> list[Path]:
    """What a folder holds, at most MAX_ENTRIES of it; nothing for a folder that cannot be read."""
    try:
        return list(itertools.islice(folder.iterdir(), MAX_ENTRIES))
    except OSError:
        return []


def _year_files(folder: Path) -> list[Path]:
    return [p for p in _entries(folder) if YEAR_FILE.fullmatch(p.name) and p.is_file()]


def build_many(files: list[Path], out_base: Path, formats: tuple[str, ...], edition_name: str = "web",
               layout_name: str | None = None) -> Iterator[Built]:
    """Build each data file in this process, the report of `<folder>/<year>.yaml` into
    `out_base/<folder>/<year>/` (the folder relative to the one all files share). A file that
    cannot be read or built is reported with its location and the others are still built;
    two reports that would share an output folder are refused rather than mixed."""
    from generator.pipeline import open_report

    common = _common_folder(files)
    used: dict[Path, Path] = {}
    for data in files:
        try:
            loaded = open_report(data, layout_name)
            document = edition(loaded.document, edition_name)
            out_dir = out_base / data.resolve().parent.relative_to(common) / str(document.year)
            if out_dir in used:
                raise DataError(None, f"{data} 与 {used[out_dir]} 是同一年度、同一文件夹的报告，会写进同一个输出文件夹 {out_dir}；"
                                      "请把它们放进不同的文件夹")
            used[out_dir] = data
            yield Built(data, out_dir, build(document, loaded.profile, out_dir, formats))
        except (DataError, EngineError) as error:
            yield Built(data, error=str(error))
        except OSError as error:
            from generator.errors import describe_os_error

            yield Built(data, error=describe_os_error(error))


def _common_folder(files: list[Path]) -> Path:
    folders = [f.resolve().parent for f in files]
    common = folders[0]
    while not all(folder == common or common in folder.parents for folder in folders):
        common = common.parent
    return common
