"""The review page never stops: a bad absorb record or a FIFO named like a year's file is that
year's problem only (or no year at all), and the server closes connections that do not send a
whole request in time and holds only so many."""
from __future__ import annotations

import json
import os
import socket
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from generator.commands.serve.job import Job, Message
from generator.commands.serve.worker import Outcome, Worker

from .datafiles import GOOD


class RecordingWorker(Worker):
    """Takes each job by noting its file (the rendering is not what these tests are about); a
    job for `failing` raises, as a bug met by one year's file would."""

    def __init__(self, failing: str = "") -> None:
        super().__init__(limit=0)
        self.taken: list[str] = []
        self.failing = failing

    def run(self, job: Job, receive: Callable[[Message], None]) -> Outcome:
        if job.path.name == self.failing:
            raise RuntimeError("a bug")
        self.taken.append(job.path.name)
        return Outcome.DONE


def _refreshed(site, seconds: float = 10) -> None:
    """refresh() in a thread: it must return (a FIFO must not block it)."""
    thread = threading.Thread(target=site.refresh, daemon=True)
    thread.start()
    thread.join(timeout=seconds)
    assert not thread.is_alive(), "the refresh is blocked"


def _folder(tmp_path: Path) -> Path:
    data = tmp_path / "data"
    data.mkdir()
    for year in (2024, 2025):
        (data / f"{year}.yaml").write_text(GOOD.replace("year: 2024", f"year: {year}"), encoding="utf-8")
    return data


@pytest.mark.parametrize("record", [
    "[" * 100_000 + "]" * 100_000,
    "{" + '"a": {' * 5_000 + "}" * 5_001,
    "\x00\xff garbage",
    json.dumps({"docx": 3, "absorbed_at": [], "changes": "x"}),
    json.dumps({"docx": "a.docx", "absorbed_at": "2025-13-45T99:99", "changes": 1, "comments": 0, "accepted_revisions": 0}),
    "FIFO",
], ids=["deep-list", "deep-object", "binary", "wrong-types", "bad-date", "fifo"])
def test_a_bad_absorb_record_is_no_record_and_every_year_is_taken(tmp_path, record):
    from generator.commands.serve.state import Site

    data = _folder(tmp_path)
    target = data / ".2024.absorbed.json"
    if record == "FIFO":
        os.mkfifo(target)
    else:
        target.write_bytes(record.encode("utf-8", "surrogateescape") if isinstance(record, str) else record)
    worker = RecordingWorker()
    site = Site(data, tmp_path / "out", worker, settle=0)
    _refreshed(site)
    assert worker.taken == ["2024.yaml", "2025.yaml"]
    assert site.years[2024].absorbed is None


def test_a_fifo_or_device_named_like_a_year_is_skipped(tmp_path):
    from generator.commands.serve.state import Site

    data = _folder(tmp_path)
    os.mkfifo(data / "2023.yaml")
    os.symlink("/dev/zero", data / "2026.yaml")
    worker = RecordingWorker()
    site = Site(data, tmp_path / "out", worker, settle=0)
    _refreshed(site)
    assert sorted(site.years) == [2024, 2025]
    assert worker.taken == ["2024.yaml", "2025.yaml"]


def test_a_year_that_fails_is_reported_on_that_year_and_the_others_go_on(tmp_path):
    from generator.commands.serve.state import Site

    data = _folder(tmp_path)
    worker = RecordingWorker(failing="2024.yaml")
    site = Site(data, tmp_path / "out", worker, settle=0)
    _refreshed(site)
    assert worker.taken == ["2025.yaml"]
    assert site.years[2024].error == f"{data / '2024.yaml'}：生成页面时出现意外错误，已跳过这一年度；其他年度不受影响。请检查最近的修改后再保存。"
    assert site.years[2025].error is None


# -- connections -------------------------------------------------------------------------------

async def _hello(scope, receive, send) -> None:
    if scope["type"] != "http":
        return
    await send({"type": "http.response.start", "status": 200, "headers": [(b"content-type", b"text/plain")]})
    await send({"type": "http.response.body", "body": b"ok"})


@contextmanager
def _server(request_seconds: float, max_connections: int) -> Iterator[int]:
    import uvicorn

    from generator.commands.serve import connections

    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    server = uvicorn.Server(connections.config(_hello, request_seconds, max_connections, lifespan="off"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [listener]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.02)
    assert server.started
    try:
        yield listener.getsockname()[1]
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        listener.close()


def _closed(connection: socket.socket, seconds: float = 5) -> bool:
    """True when the server closes the connection within `seconds` (reads until end of stream)."""
    connection.settimeout(seconds)
    try:
        while connection.recv(4096):
            pass
    except TimeoutError:
        return False
    except ConnectionResetError:
        pass
    return True


def _get(port: int) -> bytes:
    with socket.create_connection(("127.0.0.1", port), timeout=5) as connection:
        connection.sendall(b"GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        answer = b""
        while chunk := connection.recv(4096):
            answer += chunk
        return answer


def test_half_sent_requests_are_closed_and_the_page_still_answers():
    with _server(request_seconds=0.5, max_connections=8) as port:
        held = [socket.create_connection(("127.0.0.1", port)) for _ in range(5)]
        for n, connection in enumerate(held):
            connection.sendall(b"GET / HTTP/1.1\r\nHost: x\r\n" if n % 2 else b"GE")
        assert all(_closed(connection) for connection in held)
        assert _get(port).startswith(b"HTTP/1.1 200")


def test_connections_beyond_the_cap_are_closed_as_they_open():
    with _server(request_seconds=30, max_connections=4) as port:
        held = [socket.create_connection(("127.0.0.1", port)) for _ in range(4)]
        extra = socket.create_connection(("127.0.0.1", port))
        assert _closed(extra)
        for connection in held:
            connection.close()
        deadline = time.monotonic() + 5
        while True:  # the server notices the closes; then it answers again
            try:
                if _get(port).startswith(b"HTTP/1.1 200"):
                    break
            except OSError:
                pass
            assert time.monotonic() < deadline, "the server did not answer again"


def test_a_request_head_growing_beyond_the_limit_is_refused_before_it_ends():
    with _server(request_seconds=30, max_connections=8) as port:
        with socket.create_connection(("127.0.0.1", port), timeout=5) as connection:
            connection.sendall(b"GET / HTTP/1.1\r\nHost: x\r\nX-Long: " + b"a" * 40_000)
            answer = connection.recv(4096)
        assert answer.startswith(b"HTTP/1.1 400")
