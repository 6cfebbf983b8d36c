"""Every file that comes in from someone else is read here, under the same caps.

A reviewed DOCX (absorb), a returned XLSX form (merge), a published report (import): each is
a regular file of limited size, read without blocking (a FIFO or a device named like the file
never hangs or floods a command), and a zip archive's members are inflated in chunks against a
budget, whatever sizes its directory declares. Counts of parts, rows, paragraphs, comments and
revisions have one cap each, with one wording, whichever command reads the file. XML is parsed
without entities, network or huge trees.
"""
from __future__ import annotations

import functools
import io
import os
import stat
import zipfile
import zlib
from pathlib import Path
from typing import TYPE_CHECKING

from generator.errors import DataError, describe_os_error

if TYPE_CHECKING:
    from lxml import etree

MAX_FILE_BYTES = 20 * 1024 * 1024  # the sample report's DOCX is 17 KB, a form 8 KB
MAX_UNPACKED = 100 * 1024 * 1024  # all members inflated, counted as they inflate
MAX_MEMBER = 50 * 1024 * 1024  # one member (word/document.xml of the sample report: 16 KB)
CHUNK = 1024 * 1024
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # a compound file: old Office formats, and encrypted new ones

# What a report, a review of it or a form can hold, with room to spare.
CAPS = {
    "parts": (1_000, "个部件"),
    "paragraphs": (20_000, "段"),
    "rows": (2_000, "行"),
    "comments": (5_000, "条批注"),
    "revisions": (20_000, "处修订"),
}


@functools.cache
def _xml_parser() -> etree.XMLParser:
    """lxml's parser without entities, network, huge trees or processing instructions (made on
    first use: the data file's reader shares this module and needs no XML)."""
    from lxml import etree

    return etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False, remove_pis=True)


class NotRegular(Exception):
    """The path is no regular file; `mode` is what it is (os.stat's st_mode, 0 when it turned
    into something else after the check)."""

    def __init__(self, mode: int) -> None:
        super().__init__(mode)
        self.mode = mode


class TooLarge(Exception):
    """The file has more bytes than the limit; `size` is how many were seen."""

    def __init__(self, size: int) -> None:
        super().__init__(size)
        self.size = size


def read_regular(path: Path, limit: int) -> bytes:
    """At most `limit` bytes of a regular file, read without blocking (a FIFO or a device named
    like the file never hangs or floods): raises NotRegular, TooLarge, or the OSError as it is.
    Callers word the refusal for their clerk (`read_bytes` below, the data file's reader)."""
    status = os.stat(path)
    if not stat.S_ISREG(status.st_mode):
        raise NotRegular(status.st_mode)
    if status.st_size > limit:
        raise TooLarge(status.st_size)
    descriptor = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    with os.fdopen(descriptor, "rb") as file:
        if not stat.S_ISREG(os.fstat(file.fileno()).st_mode):  # replaced after the check
            raise NotRegular(0)
        raw = file.read(limit + 1)
    if len(raw) > limit:
        raise TooLarge(len(raw))
    return raw


def refuse(path: Path, message: str) -> DataError:
    return DataError(None, f"{path}：{message}")


def read_bytes(path: Path, what: str, limit: int = MAX_FILE_BYTES) -> bytes:
    """A regular file's bytes, at most `limit`; `what` names the file for the clerk (审阅稿)."""
    try:
        return read_regular(path, limit)
    except NotRegular as refused:
        if not refused.mode:
            raise refuse(path, f"这是管道或设备，不是普通文件，不能作为{what}读取") from None
        kind = "文件夹" if stat.S_ISDIR(refused.mode) else "管道或设备，不是普通文件"
        raise refuse(path, f"这是{kind}，不能作为{what}读取；请给出{what}本身（一个普通文件）") from None
    except TooLarge as refused:
        raise refuse(path, _too_big(what, refused.size, limit)) from None
    except OSError as error:
        raise DataError(None, f"无法读取{what} {describe_os_error(error).partition('；')[0]}") from None


def _too_big(what: str, size: int, limit: int) -> str:
    return f"文件有 {size / 1024 / 1024:.1f} MB，超过{what}的上限 {limit // 1024 // 1024} MB；请确认选对了文件"


def check_count(path: Path, kind: str, count: int, where: str) -> None:
    """Refuse more paragraphs, rows, comments … than any report has (`kind`: a key of CAPS;
    `where` begins the sentence: 审阅稿中有 …)."""
    cap, unit = CAPS[kind]
    if count > cap:
        raise refuse(path, f"{where} {count} {unit}，超过上限 {cap} {unit}，不像一份报告或填报表，为安全起见不予读取；请确认选对了文件")


class Archive:
    """A zip archive (DOCX, XLSX) read from bytes: members inflated against one budget."""

    def __init__(self, path: Path, raw: bytes, what: str) -> None:
        self.path = path
        self.what = what
        self.budget = MAX_UNPACKED
        if raw.startswith(_OLE):  # how Office stores a file with an opening password, and the old .doc/.xls
            raise refuse(path, f"这是设置了打开密码的文件，或旧版的 .doc/.xls/.et 文件，不能作为{what}读取；"
                               "请在 WPS/Office 中取消密码，另存为 .docx 或 .xlsx 后再试")
        try:
            self.zip = zipfile.ZipFile(io.BytesIO(raw))
            members = self.zip.infolist()
        except (zipfile.BadZipFile, zlib.error, EOFError, ValueError, NotImplementedError, OSError):
            raise self.broken() from None
        check_count(path, "parts", len(members), "压缩包中有")
        self.names = {member.filename for member in members}
        if any(member.flag_bits & 0x1 for member in members):
            raise refuse(path, f"这个{what}设置了打开密码（已加密），无法读取；请在 WPS/Excel/Word 中取消密码后另存，再试")

    def broken(self) -> DataError:
        return refuse(self.path, f"这个文件不是完好的{self.what}：已损坏，或只是改了扩展名；请用 WPS/Office 打开后重新保存，再试")

    def read(self, name: str) -> bytes:
        """One member, inflated in chunks: stopped at MAX_MEMBER or when the budget is spent."""
        limit = min(MAX_MEMBER, self.budget)
        chunks: list[bytes] = []
        size = 0
        try:
            with self.zip.open(name) as member:
                while chunk := member.read(CHUNK):
                    size += len(chunk)
                    if size > limit:
                        raise refuse(self.path, f"其中的 {name[:80]} 解压后超过 {limit // 1024 // 1024} MB，"
                                                f"不像正常的{self.what}（可能是“压缩炸弹”），为安全起见不予读取；请用 WPS/Office 打开后另存，再试")
                    chunks.append(chunk)
        except (zipfile.BadZipFile, zlib.error, EOFError, ValueError, NotImplementedError, RuntimeError, KeyError, OSError):
            raise self.broken() from None
        self.budget -= size
        return b"".join(chunks)

    def xml(self, name: str) -> etree._Element:
        """A member parsed as XML, without entities or network; a broken part is one message."""
        from lxml import etree

        try:
            return etree.fromstring(self.read(name), _xml_parser())
        except etree.XMLSyntaxError as error:
            raise refuse(self.path, f"{self.what}中的 {name[:80]} 已损坏（XML 第{error.lineno}行格式错误）；请用 WPS/Office 打开、修复后另存，再试") from None
