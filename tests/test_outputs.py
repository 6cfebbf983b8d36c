"""Outputs are never stale and never mixed: each carries the version of the data it was made
from, and out/<year>/ keeps only the files of the current version (older ones go to 旧版/)."""
from __future__ import annotations

import datetime
import json
import re
import zipfile
from pathlib import Path

import pdfplumber

from generator import outputs
from generator.commands.serve.job import Download
from generator.commands.serve.state import Downloads, Site
from generator.pipeline import open_report

from .helpers import SAMPLE, generator


def data_version_of(path: Path) -> str:
    """The version an output says it was made from, read as another program would."""
    if path.suffix == ".docx":
        with zipfile.ZipFile(path) as package:
            core = package.read("docProps/core.xml").decode()
        found = re.search(r"<cp:version>([0-9a-f]+)</cp:version>", core)
    elif path.suffix == ".html":
        found = re.search(r'<meta name="data-version" content="([0-9a-f]+)">', path.read_text(encoding="utf-8"))
    else:
        with pdfplumber.open(path) as pdf:
            return str(pdf.metadata.get("dataversion", ""))  # WeasyPrint: the meta name, letters only
    return found.group(1) if found else ""


def test_every_output_carries_the_data_version(tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert generator("build", str(SAMPLE), "-o", str(out)).returncode == 0
    version = open_report(SAMPLE).version
    assert re.fullmatch(r"[0-9a-f]{12}", version)
    made = sorted(path for path in out.iterdir() if path.suffix in (".docx", ".html", ".pdf"))
    assert [path.suffix for path in made] == [".docx", ".html", ".pdf"]
    assert {path.name: data_version_of(path) for path in made} == {path.name: version for path in made}
    assert outputs.read(out) == {path.name: (2024, version) for path in out.iterdir() if path.is_file() and path.name != outputs.RECORD}


def test_a_changed_title_moves_the_old_files_aside(tmp_path: Path) -> None:
    data, out = tmp_path / "2024.yaml", tmp_path / "out"
    data.write_text(SAMPLE.read_text(encoding="utf-8"), encoding="utf-8")
    assert generator("build", str(data), "-o", str(out), "--format", "docx,html,txt").returncode == 0
    old = sorted(path.name for path in out.glob("[!.]*"))
    (out / "审阅意见.docx").write_bytes(b"a clerk's own file")  # not the tool's: never touched
    text = data.read_text(encoding="utf-8")
    data.write_text(text.replace("issuer: 宛城区人民政府", "issuer: 某县人民政府", 1), encoding="utf-8")
    result = generator("build", str(data), "-o", str(out), "--format", "docx,html,txt")
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[-1] == f"由旧版数据生成的 3 个文件已移入 {out / '旧版'}：{'、'.join(old)}"
    assert sorted(path.name for path in (out / "旧版").iterdir()) == old
    current = sorted(path.name for path in out.glob("[!.]*.*") if path.name != "审阅意见.docx")
    assert all(name.startswith("某县人民政府关于") for name in current) and len(current) == 3
    assert (out / "审阅意见.docx").read_bytes() == b"a clerk's own file"


def test_a_partial_build_leaves_no_older_format_beside_it(tmp_path: Path) -> None:
    data, out = tmp_path / "2024.yaml", tmp_path / "out"
    data.write_text(SAMPLE.read_text(encoding="utf-8"), encoding="utf-8")
    assert generator("build", str(data), "-o", str(out), "--format", "html,txt").returncode == 0
    data.write_text(data.read_text(encoding="utf-8").replace("行政诉讼审结: {value: 130,", "行政诉讼审结: {value: 131,"), encoding="utf-8")
    assert generator("build", str(data), "-o", str(out), "--format", "txt").returncode == 0
    assert [path.suffix for path in out.iterdir() if path.is_file() and not path.name.startswith(".")] == [".txt"]
    assert [path.suffix for path in (out / "旧版").iterdir()] == [".html"]


def test_another_years_outputs_in_the_same_folder_stay(tmp_path: Path) -> None:
    """A folder given with -o may hold two years: each year's build keeps to its own files."""
    out = tmp_path / "交付"
    last = tmp_path / "2023.yaml"
    last.write_text(SAMPLE.read_text(encoding="utf-8").replace("year: 2024", "year: 2023", 1), encoding="utf-8")
    assert generator("build", str(last), "-o", str(out), "--format", "txt").returncode == 0
    assert generator("build", str(SAMPLE), "-o", str(out), "--format", "txt").returncode == 0
    assert sorted(path.name[9:13] for path in out.glob("[!.]*")) == ["2023", "2024"]
    assert not (out / "旧版").exists()


def test_the_review_pages_copy_moves_older_outputs_aside(tmp_path: Path) -> None:
    """The review page rebuilds DOCX, PDF and TXT; the HTML a build left from an earlier save
    must not stay beside them as if it were current."""
    data = tmp_path / "data"
    data.mkdir()
    (data / "2024.yaml").write_text(SAMPLE.read_text(encoding="utf-8"), encoding="utf-8")
    out = tmp_path / "out"
    assert generator("build", str(data / "2024.yaml"), "-o", str(out / "2024"), "--format", "html,txt").returncode == 0
    html = next((out / "2024").glob("*.html")).name
    site = Site(data, out)
    downloads = Downloads({"txt": Download("报告.txt", "新".encode())}, (), datetime.datetime.now(), {}, "0123456789ab")
    try:
        assert site._copy_out(2024, downloads) is None
    finally:
        site.worker.stop()
    assert sorted(path.name for path in (out / "2024").glob("[!.]*.*")) == ["报告.txt"]
    assert (out / "2024" / "旧版" / html).is_file()
    assert json.loads((out / "2024" / outputs.RECORD).read_text(encoding="utf-8")) == {"报告.txt": {"year": 2024, "version": "0123456789ab"}}


def test_the_review_page_and_its_downloads_carry_the_data_version(tmp_path: Path, monkeypatch) -> None:
    from generator.commands.build import build
    from generator.commands.serve import job

    monkeypatch.setattr(job, "build", lambda document, profile, out_dir, formats: build(document, profile, out_dir, ("txt",)))
    data = tmp_path / "2024.yaml"
    data.write_text(SAMPLE.read_text(encoding="utf-8"), encoding="utf-8")
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    messages = list(job.make(job.Job(data, job.digest(data.read_bytes()), None, scratch), {}))
    rendered = next(m for m in messages if isinstance(m, job.Rendered))
    built = next(m for m in messages if isinstance(m, job.Built))
    assert rendered.page.version == built.version == open_report(data).version
    assert f'<meta name="data-version" content="{built.version}">' in rendered.page.html


def test_the_review_page_writes_one_complete_set_into_out(tmp_path: Path, monkeypatch) -> None:
    """Besides its downloads, a save makes the HTML, the redline's HTML and the comparison DOCX,
    so out/<year>/ holds every file the commands would write, all of one version."""
    from generator.commands.build import build
    from generator.commands.serve import job

    from .helpers import fill

    monkeypatch.setattr(job, "build", lambda document, profile, out_dir, formats: build(document, profile, out_dir, tuple(f for f in formats if f != "pdf")))
    data = tmp_path / "data"
    data.mkdir()
    (data / "2024.yaml").write_text(SAMPLE.read_text(encoding="utf-8"), encoding="utf-8")
    assert generator("draft", "2025", "--data-dir", str(data)).returncode == 0
    fill(data / "2025.yaml")
    this = data / "2025.yaml"
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    built = next(m for m in job.make(job.Job(this, job.digest(this.read_bytes()), data / "2024.yaml", scratch), {}) if isinstance(m, job.Built))
    assert set(built.files) == {"docx", "txt", "html", "redline", "redline-html", "compare", "compare-docx"}
    site = Site(data, tmp_path / "out")
    try:
        assert site._copy_out(2025, Downloads(built.files, (), datetime.datetime.now(), {}, built.version)) is None
    finally:
        site.worker.stop()
    folder = tmp_path / "out" / "2025"
    names = sorted(path.name for path in folder.glob("[!.]*"))
    assert outputs.read(folder) == {name: (2025, built.version) for name in names} and len(names) == 7
    assert {data_version_of(folder / name) for name in names if name.endswith((".docx", ".html"))} == {built.version}
