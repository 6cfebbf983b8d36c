"""Running a command on a hostile input the way the promise is stated: a child process under a
1 GiB address-space limit, stopped after a timeout that only keeps a regression from hanging the
suite; the run must end in exit 0 or 2 with one located Chinese line, no traceback, and leave
every file outside its test folder as it was. A loopback listener records any fetch."""
from __future__ import annotations

import contextlib
import os
import resource
import socket
import subprocess
import sys
import threading
from dataclasses import dataclass
from pathlib import Path

from .helpers import ROOT

LIMIT = 2**30
TIMEOUT = 10  # seconds; a PDF build gets PDF_TIMEOUT (WeasyPrint's start on a busy machine)
PDF_TIMEOUT = 60


def _capped() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (LIMIT, LIMIT))


@dataclass(frozen=True)
class Ended:
    returncode: int
    stdout: str
    stderr: str

    def error_line(self) -> str:
        """The one line a refusal prints (asserting there is exactly one, in Chinese, no traceback)."""
        assert self.returncode == 2, (self.returncode, self.stderr[-800:])
        assert "Traceback" not in self.stderr, self.stderr[-800:]
        lines = self.stderr.strip().splitlines()
        assert len(lines) == 1, self.stderr[-800:]
        assert lines[0].startswith("错误：") and any("\u4e00" <= c <= "\u9fff" for c in lines[0][3:]), lines[0]
        return lines[0]


def _repository_state() -> str:
    """What git sees of the checkout (the tests run inside it): nothing may change there."""
    return subprocess.run(["git", "status", "--porcelain", "--untracked-files=all"], cwd=ROOT, capture_output=True, text=True).stdout


def run(*args: str, cwd: Path, timeout: float = TIMEOUT, env: dict[str, str] | None = None) -> Ended:
    """`python -m generator ARGS` as a capped child process in `cwd` (a folder of tmp_path)."""
    before = _repository_state()
    environment = {**os.environ, "PYTHONPATH": str(ROOT), **(env or {})}
    done = subprocess.run([sys.executable, "-m", "generator", *args], cwd=cwd, capture_output=True, text=True,
                          timeout=timeout, preexec_fn=_capped, env=environment)
    assert _repository_state() == before, "a file of the checkout changed"
    return Ended(done.returncode, done.stdout, done.stderr)


class Listener:
    """A loopback TCP server that records every connection made to it (and answers nothing)."""

    def __init__(self) -> None:
        self.server = socket.create_server(("127.0.0.1", 0))
        self.port = self.server.getsockname()[1]
        self.connections = 0
        self.thread = threading.Thread(target=self._accept, daemon=True)
        self.thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/x.png"

    def _accept(self) -> None:
        while True:
            try:
                connection, _ = self.server.accept()
            except OSError:
                return
            self.connections += 1
            connection.close()

    def close(self) -> None:
        with contextlib.suppress(OSError):
            self.server.shutdown(socket.SHUT_RDWR)  # wakes the accept
        self.server.close()
        self.thread.join(timeout=5)
