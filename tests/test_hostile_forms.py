"""What we send to the units is inert, and what comes back is read within caps: every text cell
of a form is stored as text, the units CSV neutralises formula-like cells, units that would
share one form file are refused, and a hostile workbook ends in one located Chinese line under
the 1 GiB / 10 s limit of tests/hostile.py."""
from __future__ import annotations

import csv
import io
import os
import re
import zipfile
from pathlib import Path

import pytest
from openpyxl import load_workbook

from generator.commands.forms import layout

from .datafiles import GOOD
from .hostile import run

ISSUER = "=cmd|' /C calc'!A0"
UNITS = GOOD.replace("issuer: 某县人民政府", f"issuer: \"{ISSUER}\"").replace(
    "审结: {value: 130, unit: 件, last_year: 78}", "审结: {unit: 件, last_year: 78, from: \"@SUM(1+1)*cmd|' /C calc'!A0\", label: \"=HYPERLINK(\\\"http://127.0.0.1/\\\")\"}").replace(
    "败诉: {value: 7, unit: 件}", "败诉: {unit: \"-2+3\", last_year: 5, from: \"+法院\"}")


def _collect(tmp_path: Path, text: str = UNITS) -> tuple[Path, Path]:
    folder = tmp_path / "data"
    folder.mkdir(exist_ok=True)
    data = folder / "2024.yaml"
    data.write_text(text, encoding="utf-8")
    ended = run("collect", str(data), "-o", str(tmp_path / "forms"), cwd=tmp_path)
    assert ended.returncode == 0, ended.stderr
    return data, tmp_path / "forms"


def test_every_text_cell_of_a_form_is_text_never_a_formula(tmp_path):
    _, forms = _collect(tmp_path)
    paths = sorted(forms.glob("*.xlsx"))
    assert len(paths) == 2
    for path in paths:
        with zipfile.ZipFile(path) as archive:
            for name in archive.namelist():
                if name.startswith("xl/worksheets/"):
                    xml = archive.read(name).decode()
                    assert "<f>" not in xml and "<f " not in xml, name
        book = load_workbook(path)
        values = [cell.value for sheet in book.worksheets for row in sheet.iter_rows() for cell in row]
        assert ISSUER in values
        for sheet in book.worksheets:
            for row in sheet.iter_rows():
                for cell in row:
                    if isinstance(cell.value, str) and cell.value[:1] in "=+-@":
                        assert cell.data_type == "s" and cell.quotePrefix, (path.name, cell.coordinate)


def test_the_units_csv_neutralises_formula_like_cells(tmp_path):
    _, forms = _collect(tmp_path)
    (listing,) = forms.glob("*.csv")
    rows = list(csv.reader(io.StringIO(listing.read_text(encoding="utf-8-sig"))))
    units = [row[0] for row in rows[1:]]
    assert sorted(units) == sorted(["'@SUM(1+1)*cmd|' /C calc'!A0", "'+法院"])
    assert not any(cell[:1] in "=+-@\t\r" for row in rows for cell in row)


def test_a_form_of_an_issuer_beginning_with_equals_merges(tmp_path):
    data, forms = _collect(tmp_path)
    form = next(p for p in forms.glob("*.xlsx") if "法院" in p.name)
    book = load_workbook(form)
    sheet = book[layout.DATA_SHEET]
    sheet.cell(layout.HEADER_ROW + 1, layout.COLUMNS.index(layout.VALUE) + 1, 9)
    book.save(form)
    ended = run("merge", str(data), str(form), cwd=tmp_path)
    assert ended.returncode == 0, ended.stderr
    assert "败诉: {value: 9, unit: \"-2+3\", last_year: 5, from: \"+法院\"}" in data.read_text(encoding="utf-8")


@pytest.mark.parametrize("first, second", [("某某/执法局", "某某\\\\执法局"), ("ABC局", "abc局"), ("某某:局", "某某*局")])
def test_units_that_would_share_a_form_file_are_refused_with_both_names(tmp_path, first, second):
    text = GOOD.replace("审结: {value: 130, unit: 件, last_year: 78}", f"审结: {{unit: 件, last_year: 78, from: \"{first}\"}}").replace(
        "败诉: {value: 7, unit: 件}", f"败诉: {{unit: 件, last_year: 5, from: \"{second}\"}}")
    folder = tmp_path / "data"
    folder.mkdir()
    (folder / "2024.yaml").write_text(text, encoding="utf-8")
    message = run("collect", str(folder / "2024.yaml"), "-o", str(tmp_path / "forms"), cwd=tmp_path).error_line()
    assert message.startswith(f"错误：{folder / '2024.yaml'}:8:")
    assert f"“{first}”和“{second.replace(chr(92) * 2, chr(92))}”的填报表会是同一个文件" in message
    assert not (tmp_path / "forms").exists()


# -- hostile workbooks -----------------------------------------------------------------------

def _zip(path: Path, members: dict[str, bytes], method: int = zipfile.ZIP_DEFLATED) -> Path:
    with zipfile.ZipFile(path, "w", method, compresslevel=1 if method == zipfile.ZIP_DEFLATED else None) as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return path


def _form_members(tmp_path: Path) -> dict[str, bytes]:
    _, forms = _collect(tmp_path, UNITS)
    form = next(iter(forms.glob("*.xlsx")))
    with zipfile.ZipFile(form) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def _sheet_with(members: dict[str, bytes], extra: str) -> dict[str, bytes]:
    sheet = members["xl/worksheets/sheet1.xml"].decode()
    return {**members, "xl/worksheets/sheet1.xml": sheet.replace("</sheetData>", extra + "</sheetData>").encode()}


def _answered(members: dict[str, bytes], content: str, kind: str) -> dict[str, bytes]:
    """The first figure's 本年数值 cell given `content` (raw XML)."""
    sheet = members["xl/worksheets/sheet1.xml"].decode()
    cell = f"E{layout.HEADER_ROW + 1}"
    answered, count = re.subn(rf'<c r="{cell}" (s="\d+") t="n"></c>', rf'<c r="{cell}" \1{kind}>{content}</c>', sheet)
    assert count == 1
    return {**members, "xl/worksheets/sheet1.xml": answered.encode()}


def _hostile_forms(tmp_path: Path) -> dict[str, Path]:
    members = _form_members(tmp_path)
    made = tmp_path / "made"
    made.mkdir()
    (tmp_path / "fifo-folder").mkdir()
    fifo = made / "fifo.xlsx"
    os.mkfifo(fifo)
    os.mkfifo(tmp_path / "fifo-folder" / "表.xlsx")
    bomb_strings = b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">' + b"<si><t/></si>" * (20 * 1024 * 1024) + b"</sst>"
    encrypted = made / "encrypted.xlsx"
    _zip(encrypted, members)
    raw = bytearray(encrypted.read_bytes())
    for match in re.finditer(rb"PK\x03\x04|PK\x01\x02", bytes(raw)):  # set the "encrypted" flag of every header
        offset = match.start() + (6 if raw[match.start() + 2] == 3 else 8)
        raw[offset] |= 1
    encrypted.write_bytes(bytes(raw))
    (made / "password.xlsx").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(4096))  # what Excel saves with a password
    (made / "empty.xlsx").write_bytes(b"PK\x05\x06" + b"\x00" * 18 + b"garbage")
    return {
        "rows-beyond-a-form": _zip(made / "rows.xlsx", _sheet_with(members, '<row r="2031"><c r="A2031" t="inlineStr"><is><t>x</t></is></c></row>')),
        "far-row": _zip(made / "far-row.xlsx", _sheet_with(members, '<row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>x</t></is></c></row>')),
        "shared-strings-bomb": _zip(made / "bomb.xlsx", {**members, "xl/sharedStrings.xml": bomb_strings}),
        "huge-number": _zip(made / "digits.xlsx", _answered(members, "<v>" + "9" * 4000 + "</v>", "")),
        "huge-text-number": _zip(made / "text-digits.xlsx", _answered(members, "<is><t>" + "9" * 4000 + "</t></is>", ' t="inlineStr"')),
        "broken-xml": _zip(made / "broken.xlsx", {**members, "xl/workbook.xml": b"<workbook><sheets"}),
        "no-zip": made / "empty.xlsx",
        "bzip2": _zip(made / "bzip2.xlsx", members, zipfile.ZIP_BZIP2),
        "lzma": _zip(made / "lzma.xlsx", members, zipfile.ZIP_LZMA),
        "encrypted": encrypted,
        "password": made / "password.xlsx",
        "fifo": fifo,
        "device": Path("/dev/zero"),
        "folder-of-a-fifo": tmp_path / "fifo-folder",
    }


# Each case and what it ends in: a form read (nothing answered in it) or one line saying why not.
HOSTILE = {
    "far-row": None, "bzip2": None, "lzma": None, "rows-beyond-a-form": "工作表“数据填报”至少有 2031 行，超过上限 2000 行",
    "shared-strings-bomb": "解压后超过 50 MB", "huge-number": "不是合理的数值", "huge-text-number": "不是合理的数值",
    "broken-xml": "无法作为 .xlsx 文件打开", "no-zip": "无法作为 .xlsx 文件打开", "encrypted": "设置了打开密码", "password": "这是设置了打开密码的文件，或旧版的 .doc/.xls/.et 文件，不能作为填报表读取",
    "fifo": "这是管道或设备，不是普通文件", "device": "这是管道或设备，不是普通文件", "folder-of-a-fifo": "这是管道或设备，不是普通文件",
}


@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    folder = tmp_path_factory.mktemp("hostile")
    return folder, _hostile_forms(folder)


@pytest.mark.parametrize("case", HOSTILE)
def test_a_hostile_workbook_ends_in_one_line(hostile, case):
    tmp_path, forms = hostile
    data = tmp_path / "data" / "2024.yaml"
    before = data.read_bytes()
    ended = run("merge", str(data), str(forms[case]), "--dry-run", cwd=tmp_path)
    words = HOSTILE[case]
    if words is None:
        assert ended.returncode == 0 and ended.stderr == "", ended.stderr
        assert "填入 0 项，修改 0 项" in ended.stdout
    else:
        message = ended.error_line()
        assert message.startswith(f"错误：{forms[case]}") and words in message, message
        assert len(message) < 400
    assert data.read_bytes() == before


def test_a_failed_write_names_the_file_being_written_not_its_temporary_copy(tmp_path):
    import errno

    from generator.atomic import write_all

    def full_disk(path: Path) -> None:
        raise OSError(errno.ENOSPC, "No space left on device", str(path))

    target = tmp_path / "forms" / "2024年法治政府建设数据填报表-区法院.xlsx"
    with pytest.raises(OSError) as raised:
        write_all({target: full_disk})
    assert raised.value.filename == str(target)
    assert list(target.parent.iterdir()) == []
