"""All-or-nothing writing: a failed run leaves the folder as it was, runs at once leave the set
of one run, and the compare CSV never hands a spreadsheet a formula."""
from __future__ import annotations

import threading
from pathlib import Path

import pytest

from generator import atomic
from generator.commands import compare


def test_a_failing_writer_leaves_the_folder_as_it_was(tmp_path):
    (tmp_path / "a.txt").write_text("old", encoding="utf-8")

    def fail(path: Path) -> None:
        raise RuntimeError("disk full")

    with pytest.raises(RuntimeError):
        atomic.write_all({tmp_path / "a.txt": lambda p: p.write_text("new", encoding="utf-8"), tmp_path / "b.txt": fail})
    assert [p.name for p in tmp_path.iterdir()] == ["a.txt"]
    assert (tmp_path / "a.txt").read_text(encoding="utf-8") == "old"


def test_runs_into_one_folder_at_once_leave_one_runs_set(tmp_path, monkeypatch):
    """The renames of one run are not interleaved with another's: the lock is held across them.
    Each rename yields to the other threads, so without the lock the sets would mix."""
    real_replace = atomic.os.replace
    start = threading.Barrier(10)

    def slow_replace(source: object, target: object) -> None:
        real_replace(source, target)  # type: ignore[arg-type]
        threading.Event().wait(0.005)

    monkeypatch.setattr(atomic.os, "replace", slow_replace)

    def run(n: int) -> None:
        start.wait()
        atomic.write_all({tmp_path / f"{kind}.txt": (lambda p: p.write_text(str(n), encoding="utf-8")) for kind in ("docx", "pdf", "html", "txt")})

    threads = [threading.Thread(target=run, args=(n,)) for n in range(10)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    contents = {p.read_text(encoding="utf-8") for p in tmp_path.iterdir()}
    assert len(contents) == 1, contents
    assert sorted(p.name for p in tmp_path.iterdir()) == ["docx.txt", "html.txt", "pdf.txt", "txt.txt"]


def test_compare_csv_prefixes_text_that_a_spreadsheet_would_run():
    row = compare.Row("=HYPERLINK(\"http://x\")", "@SUM(A1)", "件", -3, 5, None)
    text = compare.csv_text([row])
    line = text.splitlines()[1]
    assert line.startswith('"\'=HYPERLINK(') and ",'@SUM(A1),件,-3,5,+8," in line


def test_a_title_too_long_for_a_file_name_is_cut(tmp_path, capsys):
    from generator.cli import main

    data = tmp_path / "2024.yaml"
    title = "很长的标题" * 60
    data.write_text(f"meta:\n  year: 2024\n  region: 某县\n  issuer: 某县人民政府\n  title: {title}\nbody:\n  - 全年工作。\n", encoding="utf-8")
    assert main(["build", str(data), "-o", str(tmp_path / "out"), "--format", "txt,html"]) == 0
    names = sorted(p.name for p in (tmp_path / "out").glob("[!.]*"))  # not the folder's record
    assert [len(n.encode()) <= 160 for n in names] == [True, True]
    assert names[0].startswith("很长的标题很长的标题") and names[0].endswith(".html")
    capsys.readouterr()


def test_an_output_folder_that_is_a_file_is_one_chinese_line(tmp_path, capsys):
    from generator.cli import main

    from .helpers import SAMPLE

    (tmp_path / "out").write_text("", encoding="utf-8")
    assert main(["build", str(SAMPLE), "-o", str(tmp_path / "out"), "--format", "txt"]) == 2
    error = capsys.readouterr().err
    assert error.startswith("错误：") and "之前已生成的文件保持不变" in error and len(error.splitlines()) == 1
