"""Every command as a clerk types it after `make setup`: the ./fazhi launcher (no `python` on the
PATH, no activated environment) and the make targets, whose failures end in the tool's own
Chinese line and whose advice names make's variables."""
from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from .helpers import ROOT, SAMPLE

# A PATH without the project's .venv and without any `python` command of its own.
PLAIN_PATH = "/usr/local/bin:/usr/bin:/bin"


def run(args: list[str], cwd: Path, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(args, cwd=cwd, capture_output=True, text=True, timeout=300,
                          env={"PATH": PLAIN_PATH, "HOME": str(cwd), "LANG": "C.UTF-8", **env})


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A checkout as after `make setup`: the Makefile, the launcher and the set-up the worktree
    already has (linked, so nothing is installed again), and a data folder of its own."""
    if not (ROOT / ".venv" / ".stamp").exists() or shutil.which("make") is None:
        pytest.skip("needs make and a .venv made by make setup")
    for name in ("Makefile", "fazhi", ".venv", ".fonts", ".cache", "scripts", "pyproject.toml", "constraints.txt"):
        (tmp_path / name).symlink_to(ROOT / name)
    (tmp_path / "data").mkdir()
    shutil.copy(SAMPLE, tmp_path / "data" / "2024.yaml")
    return tmp_path


def test_the_launcher_runs_the_tool_with_no_python_on_the_path(project: Path) -> None:
    result = run(["./fazhi", "check", "data/2024.yaml"], project)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[-1] == "data/2024.yaml：0 个错误，0 个警告，2 个提示"
    usage = run([str(project / "fazhi"), "-h"], project / "data")  # from another folder too
    assert usage.stdout.startswith("用法：./fazhi [-h] 命令 ...")


def test_the_launcher_without_setup_says_to_run_make_setup(tmp_path: Path) -> None:
    shutil.copy(ROOT / "fazhi", tmp_path / "fazhi")
    result = run(["./fazhi", "check", "data/2024.yaml"], tmp_path)
    assert result.returncode == 2
    assert result.stderr.strip() == f"错误：还没有安装本工具的运行环境（{tmp_path}/.venv）：请先在 {tmp_path} 中运行 make setup"


def test_make_runs_the_tool_without_echoing_it(project: Path) -> None:
    result = run(["make", "check"], project)
    assert result.returncode == 0, result.stderr
    assert "fazhi" not in result.stdout and "python" not in result.stdout
    assert result.stdout.splitlines()[-1] == "data/2024.yaml：0 个错误，0 个警告，2 个提示"


@pytest.mark.parametrize(("target", "last_line"), [
    (["absorb"], "请用 DOCX= 指明审阅后的 Word 文档，例如 make absorb DOCX=审阅稿.docx"),
    (["import"], "请用 FILE= 指明去年发布的报告，例如 make import FILE=报告.docx（也可以是 .txt、.pdf、.html）"),
    (["check", "YEAR=2019"], "错误：没有 data/2019.yaml；现有的年份：2024"),
    (["diff"], "错误：data/ 中没有早于 2024 年的数据文件可作比较；用 LAST=<年份> 指定上一年度"),
    (["draft", "YEAR=2024"], "错误：data/2024.yaml 已经存在；起草从不覆盖数据文件，请先改名或删除它"),
])
def test_a_failing_make_target_ends_with_the_tools_own_line(project: Path, target: list[str], last_line: str) -> None:
    result = run(["make", *target], project)
    assert result.returncode != 0
    assert result.stderr.splitlines()[-1] == last_line
    assert "make:" not in result.stderr + result.stdout and "Error" not in result.stderr


def test_advice_under_make_names_makes_variables(project: Path) -> None:
    report = project / "报告.txt"
    built = run(["./fazhi", "build", "data/2024.yaml", "--format", "txt", "-o", "out"], project)
    assert built.returncode == 0, built.stderr
    shutil.copy(next((project / "out").glob("*.txt")), report)
    under_make = run(["make", "import", "FILE=报告.txt"], project)
    assert under_make.stderr.splitlines()[-1] == "错误：data/2024.yaml 已存在：请用 OUT= 另选文件名，或加 FORCE=1 覆盖它"
    direct = run(["./fazhi", "import", "报告.txt"], project)
    assert direct.stderr.splitlines()[-1] == "错误：data/2024.yaml 已存在：请用 -o 另选文件名，或加 --force 覆盖它"
    imported = run(["make", "import", "FILE=报告.txt", "OUT=data/2023.yaml"], project)
    assert imported.stderr.splitlines()[-1] == ("错误：这份报告是 2024 年度的，却要写成 2023.yaml；"
                                                "请改用 OUT=data/2024.yaml，或用 IMPORT_YEAR= 说明年度")


def test_make_import_diff_and_compare_work_as_typed(project: Path) -> None:
    (project / "data" / "2024.yaml").rename(project / "sample.yaml")
    built = run(["./fazhi", "build", "sample.yaml", "--format", "txt", "-o", "out"], project)
    shutil.copy(next((project / "out").glob("*.txt")), project / "报告.txt")
    imported = run(["make", "import", "FILE=报告.txt"], project)
    assert imported.returncode == 0, imported.stderr
    assert imported.stdout.splitlines()[-1] == "已写入 data/2024.yaml"
    drafted = run(["make", "draft"], project)
    assert drafted.returncode == 0, drafted.stderr
    assert drafted.stdout.strip().endswith("项数据待填，make check YEAR=2025 会逐项列出")
    again = run(["make", "draft"], project)
    assert again.returncode != 0
    assert again.stderr.splitlines()[-1].endswith("因此不起草 2026 年度；确实要起草 2026 年度，请写 make draft YEAR=2026")
    for target in ("diff", "compare"):
        result = run(["make", target], project)
        assert result.returncode == 0, result.stderr
        assert result.stdout.splitlines()[-1].startswith("已写入 out/2025/"), result.stdout
    assert built.returncode == 0


def test_make_rename_renames_a_figure(project: Path) -> None:
    result = run(["make", "rename", "OLD=行政诉讼败诉", "NEW=行政诉讼败诉案件"], project)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "已把 data/2024.yaml 中的数字“行政诉讼败诉”改名为“行政诉讼败诉案件”：figures 中的名称和 2 处引用；报告的文字不变"
