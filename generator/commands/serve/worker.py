"""The process that makes the saves (job.make), one at a time, under a time limit.

A render that never ends (a loop in the data's text, a library stuck on a page) cannot be
stopped inside the server's own process; in a child process it can: past the limit the child is
killed, the page says so, and the next save starts a new child. The child is spawned, not
forked (the server has threads), and lives on between saves, so WeasyPrint is imported and its
fonts are loaded once, and last year's file is loaded again only when it changed.
"""
from __future__ import annotations

import enum
import multiprocessing
import signal
import time
from collections.abc import Callable, Iterator
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess

from generator.commands.serve.job import Cache, Job, Message, make

Target = Callable[[Job, Cache], Iterator[Message]]


class Outcome(enum.Enum):
    DONE = "done"
    TIMEOUT = "timeout"  # ran over the limit and was killed
    DIED = "died"  # the child ended without finishing (killed from outside, out of memory, a crash)


class Worker:
    """Runs jobs in a child process. Whatever a job does, `run` returns in bounded time: a child
    gets `limit` seconds to start, a job `limit` seconds to finish."""

    def __init__(self, limit: float, target: Target = make) -> None:
        self.limit = limit
        self.target = target  # a module-level function: the child imports it by name
        self._process: BaseProcess | None = None
        self._connection: Connection | None = None

    def run(self, job: Job, receive: Callable[[Message], None]) -> Outcome:
        """Send `job` to the child and hand each message it sends back to `receive`. The limit
        counts from when the child is ready: starting one (after a kill) is not the job's time."""
        finished = False
        try:
            connection = self._start()
            deadline = time.monotonic() + self.limit
            connection.send(job)
            while True:
                if not connection.poll(max(0.0, deadline - time.monotonic())):
                    return Outcome.TIMEOUT
                message = connection.recv()
                if message is None:
                    finished = True
                    return Outcome.DONE
                receive(message)
        except (EOFError, OSError):
            return Outcome.DIED
        finally:
            if not finished:  # the child may be mid-job: its messages must not reach the next one
                self.stop()

    def kill(self) -> None:
        """End the job under way now (the server is stopping); `run` then returns DIED. Safe to
        call from another thread: it only signals the child."""
        process = self._process
        if process is not None:
            process.kill()

    def stop(self) -> None:
        """End the child; the next job starts a new one."""
        process, connection = self._process, self._connection
        self._process = self._connection = None
        if process is not None:
            process.kill()
            process.join()
            process.close()
        if connection is not None:
            connection.close()

    def _start(self) -> Connection:
        """The child's end of the pipe, once the child is ready (EOFError if it does not get
        ready within the limit)."""
        if self._process is not None and self._connection is not None and self._process.is_alive():
            return self._connection
        self.stop()
        context = multiprocessing.get_context("spawn")
        ours, theirs = context.Pipe()
        process = context.Process(target=_serve, args=(theirs, self.target), name="report-builder", daemon=True)
        process.start()
        theirs.close()  # the child's end: once the child is gone, reading ours raises EOFError
        self._process, self._connection = process, ours
        if not ours.poll(self.limit) or ours.recv() is not None:
            raise EOFError
        return ours


def _serve(connection: Connection, target: Target) -> None:
    """The child: say it is ready (None), then run each job sent, send its messages and then
    None, until the server hangs up."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl+C stops the server, which then ends us
    cache: Cache = {}
    connection.send(None)
    while True:
        try:
            job = connection.recv()
        except (EOFError, OSError):
            return
        for message in target(job, cache):
            connection.send(message)
        connection.send(None)
