"""A file given to `import` is read within the caps of generator/incoming.py: no FIFO, device or
folder is read, a DOCX's members inflate within a budget whatever they declare, pdftotext works
under a time, memory and output limit, and a web page's declared charset is trusted only when it
names a text encoding of web pages. Each ends in one located Chinese line (or a data file) under
the 1 GiB / 10 s limit of tests/hostile.py."""
from __future__ import annotations

import os
import zipfile
from pathlib import Path

import pytest

from .hostile import run

PAGE = ("<html><head><meta charset=\"{charset}\"><title>某县人民政府关于2023年度法治政府建设情况的报告</title></head><body><div>"
        "<h1>某县人民政府关于2023年度法治政府建设情况的报告</h1>"
        "<p>2023年，我县深入推进依法行政，全面建设法治政府。</p><p>一、主要举措和成效</p><p>办理行政复议案件120件。</p>"
        "</div></body></html>")


def _pdf_drawing_one_word_many_times(levels: int = 2, fan: int = 300) -> bytes:
    """A 9 KB PDF whose page draws one word fan**levels times through nested form XObjects."""
    font = 5 + levels + 1
    names = " ".join(f"/X{i} {5 + i} 0 R" for i in range(levels + 1))
    resources = f"<< /Font << /F1 {font} 0 R >> /XObject << {names} >> >>".encode()
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
               b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources " + resources + b" >>"]
    content = f"/X{levels} Do".encode()
    objects.append(b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream")
    for level in range(levels + 1):
        body = (b"BT /F1 12 Tf 100 700 Td (Word) Tj ET" if level == 0 else
                b" ".join(f"q 1 0 0 1 0 {-(k % 50)} cm /X{level - 1} Do Q".encode() for k in range(fan)))
        objects.append(b"<< /Type /XObject /Subtype /Form /BBox [0 0 595 842] /Resources " + resources
                       + b" /Length %d >>\nstream\n" % len(body) + body + b"\nendstream")
    objects.append(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>")
    out, offsets = b"%PDF-1.4\n", []
    for number, content in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + content + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1) + b"".join(b"%010d 00000 n \n" % o for o in offsets)
    return out + b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)


def _docx(path: Path, document: bytes) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        archive.writestr("[Content_Types].xml", b"<Types/>")
        archive.writestr("word/document.xml", document)
    return path


def _made(folder: Path, case: str) -> Path:
    if case == "fifo":
        os.mkfifo(folder / "报告.txt")
        return folder / "报告.txt"
    if case == "device":
        return Path("/dev/zero")
    if case == "folder":
        (folder / "报告.docx").mkdir()
        return folder / "报告.docx"
    if case == "zip-bomb":
        return _docx(folder / "报告.docx", b'<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body><w:p><w:r><w:t>'
                     + b" " * 80_000_000 + b"</w:t></w:r></w:p></w:body></w:document>")
    if case == "too-many-parts":
        path = folder / "报告.docx"
        with zipfile.ZipFile(path, "w") as archive:
            for n in range(1_500):
                archive.writestr(f"word/media/{n}.bin", b"")
        return path
    if case == "pdf-drawing-a-word-90000-times":
        (folder / "报告.pdf").write_bytes(_pdf_drawing_one_word_many_times())
        return folder / "报告.pdf"
    raise AssertionError(case)


CASES = {
    "fifo": "这是管道或设备，不是普通文件，不能作为报告读取",
    "device": "这是管道或设备，不是普通文件，不能作为报告读取",
    "folder": "这是文件夹，不能作为报告读取",
    "zip-bomb": "word/document.xml 解压后超过 50 MB",
    "too-many-parts": "压缩包中有 1500 个部件，超过上限 1000 个部件",
    "pdf-drawing-a-word-90000-times": "pdftotext 读取这个 PDF 超过了 6 秒，已停止",
}


@pytest.mark.parametrize("case", list(CASES))
def test_a_hostile_file_to_import_ends_in_one_line(tmp_path, case):
    source = _made(tmp_path, case)
    out = tmp_path / "2023.yaml"
    message = run("import", str(source), "-o", str(out), cwd=tmp_path).error_line()
    assert CASES[case] in message and str(source) in message, message
    assert not out.exists()


@pytest.mark.parametrize("charset", ["idna", "punycode", "rot13", "hex", "unicode_escape", "x-no-such-charset", "utf-7", "mbcs"])
def test_a_web_page_declaring_no_text_encoding_is_read_as_utf8(tmp_path, charset):
    source = tmp_path / "报告.html"
    source.write_text(PAGE.format(charset=charset), encoding="utf-8")
    out = tmp_path / "2023.yaml"
    ended = run("import", str(source), "-o", str(out), cwd=tmp_path)
    assert ended.returncode == 0, ended.stderr
    assert "办理行政复议案件" in out.read_text(encoding="utf-8")
