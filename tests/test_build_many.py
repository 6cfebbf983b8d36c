"""`build` with several data files or folders: one process builds them all, each report into a
folder of its own; one bad file is reported with its place and the others are still built."""
from __future__ import annotations

import shutil
from pathlib import Path

from .helpers import SAMPLE, generator

TITLE = "人民政府关于2024年法治政府建设情况的报告"


def district(folder: Path, name: str, year: int = 2024) -> Path:
    """A copy of the sample as another district's data file: <folder>/<name>/<year>.yaml."""
    path = folder / name / f"{year}.yaml"
    path.parent.mkdir(parents=True, exist_ok=True)
    text = SAMPLE.read_text(encoding="utf-8").replace("宛城区", name)
    path.write_text(text.replace("2024", str(year)) if year != 2024 else text, encoding="utf-8")
    return path


def files(folder: Path) -> list[str]:
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file() and not p.name.startswith("."))


def test_a_folder_of_districts_builds_each_into_its_own_folder_and_reports_the_bad_one(tmp_path):
    city = tmp_path / "city"
    district(city, "卧龙区")
    district(city, "宛城区")
    broken = city / "某某区" / "2024.yaml"
    broken.parent.mkdir()
    broken.write_text("meta:\n  title: [x\n", encoding="utf-8")
    out = tmp_path / "out"

    run = generator("build", str(city), "-o", str(out), "--format", "txt,docx")

    assert run.returncode == 2
    assert files(out) == [f"{name}/2024/{name}{TITLE}.{ext}" for name in ("卧龙区", "宛城区") for ext in ("docx", "txt")]
    errors = [line for line in run.stderr.splitlines() if line.startswith("错误：")]
    assert len(errors) == 1 and errors[0].startswith(f"错误：{broken}:3:1：")
    assert run.stdout.splitlines()[-1] == "共 3 份报告：2 份已生成，1 份有错误（见上）"
    assert "卧龙区人民政府" in (out / "卧龙区" / "2024" / f"卧龙区{TITLE}.txt").read_text(encoding="utf-8")


def test_years_of_one_office_go_to_their_year_folders(tmp_path):
    data = tmp_path / "data"
    data.mkdir()
    shutil.copy(SAMPLE, data / "2024.yaml")
    older = district(tmp_path / "x", "宛城区", 2023)
    shutil.move(older, data / "2023.yaml")
    out = tmp_path / "out"

    run = generator("build", str(data / "2023.yaml"), str(data / "2024.yaml"), "-o", str(out), "--format", "txt")

    assert run.returncode == 0, run.stderr
    assert files(out) == ["2023/宛城区人民政府关于2023年法治政府建设情况的报告.txt", f"2024/宛城区{TITLE}.txt"]
    assert run.stdout.splitlines()[-1] == "共 2 份报告：2 份已生成"


def test_two_reports_that_would_share_a_folder_are_not_mixed(tmp_path):
    folder = tmp_path / "data"
    folder.mkdir()
    shutil.copy(SAMPLE, folder / "2024.yaml")
    shutil.copy(SAMPLE, folder / "copy.yaml")
    out = tmp_path / "out"

    run = generator("build", str(folder / "2024.yaml"), str(folder / "copy.yaml"), "-o", str(out), "--format", "txt")

    assert run.returncode == 2
    assert files(out) == [f"2024/宛城区{TITLE}.txt"]
    assert f"{folder / 'copy.yaml'} 与 {folder / '2024.yaml'} 是同一年度、同一文件夹的报告" in run.stderr


def test_a_report_built_among_others_is_the_report_built_alone(tmp_path):
    city = tmp_path / "city"
    district(city, "卧龙区")
    alone, many = tmp_path / "alone", tmp_path / "many"

    assert generator("build", str(district(city, "宛城区")), "-o", str(alone)).returncode == 0
    assert generator("build", str(city), "-o", str(many)).returncode == 0

    built = many / "宛城区" / "2024"
    names = sorted(p.name for p in alone.iterdir() if not p.name.startswith("."))
    assert names == sorted(p.name for p in built.iterdir() if not p.name.startswith(".")) and len(names) == 4
    for name in names:
        assert (alone / name).read_bytes() == (built / name).read_bytes(), name


def test_a_folder_without_data_files_is_one_line(tmp_path):
    run = generator("build", str(tmp_path), "-o", str(tmp_path / "out"))
    assert run.returncode == 2
    assert run.stderr.strip() == f"错误：{tmp_path} 中及其下一层文件夹中都没有 <年份>.yaml 数据文件（例如 2024.yaml）"
