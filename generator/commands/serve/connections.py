"""The review page's connections: each must send a whole request in time, and there are only
so many at once.

uvicorn closes a connection left idle between requests (`timeout_keep_alive`), but not one that
sends half a request head and waits: enough of those would hold every file descriptor and
shut everyone out. Here a connection that has not sent a whole request within REQUEST_SECONDS of
opening (or of its last answer) is closed, connections beyond MAX_CONNECTIONS are closed as they
open, and a request head is limited in size (h11's incomplete-event limit).
"""
from __future__ import annotations

import asyncio
from typing import Any

import h11
import uvicorn
from uvicorn.protocols.http.h11_impl import H11Protocol

REQUEST_SECONDS = 10.0  # a browser sends its request at once; a slow line takes well under this
MAX_CONNECTIONS = 64  # browsers open six per page; the page is for one office
MAX_HEAD_BYTES = 32 * 1024  # a request head (URL and headers); browsers send under 8 KB
KEEP_ALIVE_SECONDS = 5


class _Guarded(H11Protocol):
    """H11Protocol with a deadline for each request head and a cap on open connections."""

    request_seconds = REQUEST_SECONDS
    max_connections = MAX_CONNECTIONS

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._deadline: asyncio.TimerHandle | None = None
        if len(self.connections) > self.max_connections:
            transport.close()
            return
        self._arm()

    def on_response_complete(self) -> None:
        super().on_response_complete()
        self._arm()

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm()
        super().connection_lost(exc)

    def _arm(self) -> None:
        self._disarm()
        if not self.transport.is_closing():
            self._deadline = self.loop.call_later(self.request_seconds, self._too_slow)

    def _disarm(self) -> None:
        if getattr(self, "_deadline", None) is not None:
            self._deadline.cancel()  # type: ignore[union-attr]
            self._deadline = None

    def _too_slow(self) -> None:
        """Close the connection if the request it began is still incomplete."""
        self._deadline = None
        if self.conn.their_state in (h11.IDLE, h11.SEND_BODY) and not self.transport.is_closing():
            self.transport.close()


def config(app: Any, request_seconds: float = REQUEST_SECONDS, max_connections: int = MAX_CONNECTIONS, **options: Any) -> uvicorn.Config:
    """uvicorn's configuration for the review page, with the guarded protocol."""
    protocol = type("GuardedH11Protocol", (_Guarded,), {"request_seconds": request_seconds, "max_connections": max_connections})
    return uvicorn.Config(
        app, http=protocol, timeout_keep_alive=KEEP_ALIVE_SECONDS, h11_max_incomplete_event_size=MAX_HEAD_BYTES,
        log_level="warning", access_log=False, **options,
    )


__all__ = ["config"]
