"""A small valid data file and the run that a bad variant of it must fail in the clerk's way:
exit status 2, one Chinese line naming file:line:column, no traceback, nothing written."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from generator import cli

GOOD = """\
meta:
  year: 2024
  region: 某县
  issuer: 某县人民政府
  title: 某县人民政府关于{{ year }}年法治政府建设情况的报告
figures:
  审结: {value: 130, unit: 件, last_year: 78}
  败诉: {value: 7, unit: 件}
  败诉率: {formula: 败诉 / 审结, percent: true, precision: 2}
body:
  - 全年审结行政诉讼案件{{ 审结 }}，败诉率{{ 败诉率 }}。
"""
PARAGRAPH = "  - 全年审结行政诉讼案件{{ 审结 }}，败诉率{{ 败诉率 }}。"
# Words of PyYAML's, Jinja's and Python's own messages that must never reach a clerk.
_JARGON = re.compile(r"expected|found|error|scalar|token|mapping|Traceback|unicode|object|undefined|not allowed", re.IGNORECASE)


def variant(old: str, new: str) -> str:
    assert old in GOOD, old
    return GOOD.replace(old, new, 1)


def _files(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def build(tmp_path: Path, capsys: pytest.CaptureFixture[str], text: str | bytes, name: str = "2024.yaml") -> tuple[int, str]:
    """Write the data, build its TXT into tmp_path/out: the exit status and the text (or stderr)."""
    data = tmp_path / name
    data.write_bytes(text if isinstance(text, bytes) else text.encode("utf-8", "surrogatepass"))
    out = tmp_path / "out"
    status = cli.main(["build", str(data), "-o", str(out), "--format", "txt"])
    captured = capsys.readouterr()
    if status != 0:
        return status, captured.err
    (written,) = out.glob("*.txt")
    return status, written.read_text(encoding="utf-8")


def body_of(tmp_path: Path, capsys: pytest.CaptureFixture[str], text: str) -> str:
    """The last line of the TXT a valid data file gives."""
    status, output = build(tmp_path, capsys, text)
    assert status == 0, output
    return output.rstrip("\n").splitlines()[-1]


def refused(tmp_path: Path, capsys: pytest.CaptureFixture[str], text: str | bytes, name: str = "2024.yaml") -> tuple[int, int, str]:
    """Line, column and message of the one error `build` and `check` give; asserts that the
    earlier output in out/ and every other file stayed as it was."""
    data = tmp_path / name
    out = tmp_path / "out"
    out.mkdir(exist_ok=True)
    (out / "某县2023年报告.txt").write_text("去年生成的报告", encoding="utf-8")
    data.write_bytes(text if isinstance(text, bytes) else text.encode("utf-8", "surrogatepass"))
    before = _files(tmp_path)
    lines = []
    for command in (["build", str(data), "-o", str(out), "--format", "txt"], ["check", str(data)]):
        status = cli.main(command)
        captured = capsys.readouterr()
        assert status == 2, captured
        assert captured.out == ""
        assert "Traceback" not in captured.err
        assert len(captured.err.splitlines()) == 1, captured.err
        lines.append(captured.err.rstrip("\n"))
    assert _files(tmp_path) == before
    assert lines[0] == lines[1]
    match = re.fullmatch(rf"错误：{re.escape(str(data))}:(\d+):(\d+)：(.+)", lines[0])
    assert match, lines[0]
    message = match.group(3)
    assert re.search("[\u4e00-\u9fff]", message) and not _JARGON.search(re.sub("“[^”]*”", "", message)), message  # quoted: as written
    return int(match.group(1)), int(match.group(2)), message
