"""The print preview: each page of a PDF the worker built, drawn by poppler's pdftoppm and sent
as a PNG. The browser's HTML view has neither the print's fonts nor its line and page breaks; a
picture of the PDF has both.

pdftoppm runs in the background while the worker builds on (the formal edition, the redline),
writing into an unlinked temporary file, so that a worker killed at its time limit leaves no
file behind; the worker gives pdftoppm a limit of its own. pdftoppm writes the pages as raw
pixels (PPM) and Pillow makes the PNGs: the same pixels as `pdftoppm -png`, in a fifth of the
time (pdftoppm's own PNG encoder took 0.9 s of the sample's 1.0 s).
"""
from __future__ import annotations

import io
import re
import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import BinaryIO

from PIL import Image

RESOLUTION = 80  # dots per inch: an A4 page is 662 × 936 pixels, a PNG of about 150 kB
TIME_LIMIT = 30.0  # seconds pdftoppm may take (the sample's seven pages take a tenth of one)
_HEADER = re.compile(rb"P6\s(\d{1,5})\s(\d{1,5})\s255\s")  # a page as pdftoppm writes it: colour, 8 bits


class Unavailable(Exception):
    """No preview could be drawn; the message (Chinese) says why."""


@dataclass(frozen=True)
class Picture:
    """One page of the PDF as a PNG, with its size in pixels for the <img> tag."""

    png: bytes
    width: int
    height: int


class Drawing:
    """pdftoppm at work on one PDF; `pictures` waits for it. Use it in a `with` block: leaving
    the block ends pdftoppm if it is still running."""

    def __init__(self, pdf: Path) -> None:
        self._output = tempfile.TemporaryFile()
        self._deadline = time.monotonic() + TIME_LIMIT
        self._process: subprocess.Popen[bytes] | None = None
        self._why_not = ""
        program = shutil.which("pdftoppm")
        if program is None:
            self._why_not = "本机没有安装 pdftoppm（poppler-utils），无法生成打印预览；下载的 PDF 不受影响"
            return
        try:
            self._process = subprocess.Popen(
                [program, "-r", str(RESOLUTION), str(pdf)],
                stdin=subprocess.DEVNULL, stdout=self._output, stderr=subprocess.DEVNULL,
            )
        except OSError as error:
            self._why_not = f"无法运行 pdftoppm（系统错误代码 {error.errno}），未生成打印预览；下载的 PDF 不受影响"

    def pictures(self) -> tuple[Picture, ...]:
        """Every page, in order (Unavailable when pdftoppm is missing, fails or overruns)."""
        if self._process is None:
            raise Unavailable(self._why_not)
        try:
            code = self._process.wait(max(0.0, self._deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            raise Unavailable(f"打印预览超过{TIME_LIMIT:g}秒仍未画完，已停止；下载的 PDF 不受影响") from None
        if code != 0:
            raise Unavailable(f"pdftoppm 未能画出打印预览（退出码 {code}）；下载的 PDF 不受影响")
        self._output.seek(0)
        try:
            pictures = tuple(_png(*page) for page in pages(self._output))
        except ValueError:
            pictures = ()
        if not pictures:
            raise Unavailable("pdftoppm 画出的打印预览不完整；下载的 PDF 不受影响")
        return pictures

    def close(self) -> None:
        if self._process is not None and self._process.poll() is None:
            self._process.kill()
            self._process.wait()
        self._output.close()

    def __enter__(self) -> Drawing:
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None) -> None:
        self.close()


def pages(stream: BinaryIO) -> Iterator[tuple[int, int, bytes]]:
    """(width, height, pixels) of each page pdftoppm wrote one after another, read one page at a
    time (a long report's pixels never sit in memory at once); ValueError if one is cut short."""
    while head := stream.read(32):
        found = _HEADER.match(head)
        if found is None:
            raise ValueError("not a page of pdftoppm's")
        width, height = int(found.group(1)), int(found.group(2))
        size = width * height * 3
        stream.seek(found.end() - len(head), io.SEEK_CUR)  # back to where the pixels start
        pixels = stream.read(size)
        if len(pixels) != size:
            raise ValueError("cut short")
        yield width, height, pixels


def _png(width: int, height: int, pixels: bytes) -> Picture:
    out = io.BytesIO()
    Image.frombytes("RGB", (width, height), pixels).save(out, "PNG", compress_level=3)
    return Picture(out.getvalue(), width, height)
