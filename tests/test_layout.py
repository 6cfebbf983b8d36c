"""The layout profile: a unit's own profile overrides single values of the one it extends, and
every mistake in it is named at its place, in Chinese, with exit status 2."""
from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from generator.cli import main
from generator.config import layout
from generator.errors import DataError

from .helpers import SAMPLE


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def test_builtin_profile_is_complete_and_typed():
    profile = layout.load()
    assert profile["page"]["margin_top_mm"] == 37
    assert profile["grid"]["line_pitch_twips"] == 579
    assert profile["fonts"]["body"]["docx"] == "仿宋_GB2312"
    assert layout.type_area_mm(profile) == (156, 225)


def test_a_unit_profile_extends_another_and_overrides_single_values(tmp_path):
    write(tmp_path, "county.yaml", "extends: gbt9704\nfonts:\n  heading2:\n    bold: true\n")
    write(tmp_path, "office.yaml", "extends: county\npage:\n  margin_top_mm: 38\n")
    profile = layout.load(str(tmp_path / "office.yaml"))
    assert profile["page"]["margin_top_mm"] == 38
    assert profile["page"]["margin_left_mm"] == 28  # from gbt9704, through county
    assert profile["fonts"]["heading2"]["bold"] is True  # from county
    assert profile["fonts"]["heading2"]["docx"] == "楷体_GB2312"


def test_a_profile_without_extends_starts_from_the_standard(tmp_path):
    profile = layout.load(str(write(tmp_path, "own.yaml", "fonts:\n  body:\n    pdf: [{family: 仿宋}]\n")))
    assert profile["fonts"]["body"]["pdf"] == [{"family": "仿宋"}]  # a list is replaced whole
    assert profile["grid"]["chars_per_line"] == 28


@pytest.mark.parametrize(
    "text, where, words",
    [
        pytest.param("page:\n  margn_top_mm: 38\n", ":2:3：", "page 中没有“margn_top_mm”这一项（是否想写“margin_top_mm”？）", id="unknown-key"),
        pytest.param("page:\n  margin_top_mm: 三十七\n", ":2:18：", "page.margin_top_mm 应为 0 至 1000 之间的数字（单位：毫米）", id="wrong-type"),
        pytest.param("grid:\n  lines_per_page: 22.5\n", ":2:19：", "grid.lines_per_page 应为 1 至 200 之间的整数", id="not-whole"),
        pytest.param("paragraph:\n  justify: 是\n", ":2:12：", "paragraph.justify 应为 true 或 false", id="not-boolean"),
        pytest.param("fonts:\n  body:\n    pdf: [{weight: 400}]\n", ":3:11：", "应写 family（已安装的字体）或 file", id="candidate-without-font"),
        pytest.param("extends: own\n", ":1:10：", "extends 形成了循环", id="extends-itself"),
        pytest.param("extends: nowhere\n", "", "找不到版式配置“nowhere”", id="extends-missing"),
        pytest.param("- page\n", ":1:1：", "版式配置应由“键: 值”组成", id="not-a-mapping"),
    ],
)
def test_mistakes_in_a_unit_profile_are_located(tmp_path, text, where, words):
    path = write(tmp_path, "own.yaml", text)
    with pytest.raises(DataError) as raised:
        layout.load(str(path))
    message = str(raised.value)
    assert words in message
    if where:
        assert message.startswith(f"{path}{where}")


def test_layout_option_and_meta_layout_reach_the_docx(tmp_path, capsys):
    profile = write(tmp_path, "wide.yaml", "page:\n  margin_left_mm: 30\n")
    data = tmp_path / "2024.yaml"
    data.write_text(SAMPLE.read_text(encoding="utf-8"), encoding="utf-8")

    def left_margin(out: Path) -> str:
        (docx,) = out.glob("*.docx")
        with zipfile.ZipFile(docx) as archive:
            xml = archive.read("word/document.xml").decode()
        return xml.split("<w:pgMar ")[1].split('w:left="')[1].split('"')[0]

    assert main(["build", str(data), "-o", str(tmp_path / "a"), "--format", "docx", "--layout", str(profile)]) == 0
    assert left_margin(tmp_path / "a") == str(round(30 * 1440 / 25.4))

    data.write_text(SAMPLE.read_text(encoding="utf-8").replace("meta:\n", "meta:\n  layout: wide.yaml\n", 1), encoding="utf-8")
    assert main(["build", str(data), "-o", str(tmp_path / "b"), "--format", "docx"]) == 0
    assert left_margin(tmp_path / "b") == left_margin(tmp_path / "a")
    capsys.readouterr()


def test_a_bad_profile_stops_the_build_with_exit_2_and_one_line(tmp_path, capsys):
    profile = write(tmp_path, "bad.yaml", "page:\n  margin_top_mm: -3\n")
    out = tmp_path / "out"
    assert main(["build", str(SAMPLE), "-o", str(out), "--format", "txt", "--layout", str(profile)]) == 2
    error = capsys.readouterr().err
    assert error.startswith(f"错误：{profile}:2:18：page.margin_top_mm 应为")
    assert len(error.strip().splitlines()) == 1
    assert not out.exists()
