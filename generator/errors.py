"""Errors a user can act on: each names a place in a file and what was expected there."""
from __future__ import annotations

import errno
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Location:
    """A place in a data file, 1-based as editors show it."""

    path: Path
    line: int
    column: int

    def __str__(self) -> str:
        return f"{self.path}:{self.line}:{self.column}"


class DataError(Exception):
    """Bad input: stops the command with one message and exit status 2."""

    def __init__(self, location: Location | None, message: str) -> None:
        super().__init__(message)
        self.location = location
        self.message = message

    def __str__(self) -> str:
        return f"{self.location}：{self.message}" if self.location else self.message


class EngineError(Exception):
    """An installed library is not the version a patch of ours was written for: one line,
    exit status 2, naming the package; the formats that do not need it can still be built."""


_OS_ERRORS = {
    errno.EACCES: "没有权限",
    errno.EPERM: "没有权限",
    errno.EROFS: "所在磁盘只读",
    errno.ENOSPC: "磁盘空间已满",
    errno.EDQUOT: "磁盘配额已用完",
    errno.ENAMETOOLONG: "文件名太长（报告标题过长时可用 -o 另选文件夹，或缩短 meta.title）",
    errno.ENOTDIR: "路径中有一项是文件而不是文件夹",
    errno.EISDIR: "这是一个文件夹，不是文件",
    errno.ENOENT: "文件或文件夹不存在",
    errno.EEXIST: "已存在同名的文件",
}


def describe_os_error(error: OSError) -> str:
    """A file-system failure as one Chinese sentence naming the file."""
    reason = _OS_ERRORS.get(error.errno or 0, error.strerror or "无法读写")
    name = error.filename if error.filename is not None else ""
    return f"{name}：{reason}；之前已生成的文件保持不变" if name else f"{reason}；之前已生成的文件保持不变"
