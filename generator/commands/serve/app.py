"""The review pages. Read-only: every route is a fixed pattern of a year (digits) and, for a
download, a kind from DOWNLOADS; the file sent is one the server wrote itself (`Year.files`),
never a path taken from the URL. Anything else is a 404.
"""
from __future__ import annotations

import contextlib
import threading
from collections.abc import AsyncIterator
from pathlib import Path
from urllib.parse import quote

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from starlette.applications import Starlette
from starlette.datastructures import MutableHeaders
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, PlainTextResponse, Response
from starlette.routing import Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from generator.commands.serve.state import Site, Year
from generator.resources import templates_dir

TEMPLATES_DIR = templates_dir() / "serve"
_DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
# kind → (media type, button label); the label may name last year as {last} and this one as {year}.
DOWNLOADS: dict[str, tuple[str, str]] = {
    "docx": (_DOCX, "下载DOCX"),
    "pdf": ("application/pdf", "下载PDF"),
    "txt": ("text/plain; charset=utf-8", "下载TXT"),
    "redline": (_DOCX, "修订对照稿（与{last}年比较）"),
    "compare": ("text/csv; charset=utf-8", "数据对比表（CSV）"),
}
# Pages change on every save, so nothing is cached; the pages run their own inline script only.
_HEADERS = {
    "cache-control": "no-store",
    "x-content-type-options": "nosniff",
    "referrer-policy": "no-referrer",
    "content-security-policy": "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; "
                               "frame-ancestors 'self'; form-action 'none'; base-uri 'none'",
}

_ENV = Environment(loader=FileSystemLoader(TEMPLATES_DIR), autoescape=True, undefined=StrictUndefined)


def create_app(site: Site) -> Starlette:
    """The application over `site`; while it runs, a thread keeps the site current."""

    @contextlib.asynccontextmanager
    async def lifespan(_: Starlette) -> AsyncIterator[None]:
        stop = threading.Event()
        watcher = threading.Thread(target=site.watch, args=(stop,), name="data-watcher", daemon=True)
        watcher.start()
        yield
        stop.set()
        watcher.join(timeout=10)

    def year_of(request: Request) -> Year:
        state = site.years.get(request.path_params["year"])
        if state is None:
            raise HTTPException(404)
        return state

    def index(_: Request) -> HTMLResponse:
        years = [site.years[y] for y in sorted(site.years, reverse=True)]
        return _page("index.html.j2", site=site, years=years, version=site.version, version_url="/api/version")

    def year_page(request: Request) -> HTMLResponse:
        state = year_of(request)
        return _page("year.html.j2", site=site, state=state, version=state.version, version_url=f"/api/{state.year}/version")

    def report(request: Request) -> HTMLResponse:
        page = year_of(request).page
        if page is None:
            raise HTTPException(404)
        return HTMLResponse(page.html)

    def download(request: Request) -> Response:
        state, kind = year_of(request), request.path_params["kind"]
        if kind not in DOWNLOADS:
            raise HTTPException(404)
        with state.lock:  # a rebuild under way finishes first: the file matches the page
            path = state.files.get(kind)
            content = path.read_bytes() if path is not None and path.is_file() else None
        if content is None:
            raise HTTPException(404)
        disposition = f"attachment; filename*=utf-8''{quote(path.name)}"
        return Response(content, media_type=DOWNLOADS[kind][0], headers={"content-disposition": disposition})

    def version(request: Request) -> JSONResponse:
        return JSONResponse({"version": year_of(request).version if "year" in request.path_params else site.version})

    def not_found(_: Request, __: Exception) -> PlainTextResponse:
        return PlainTextResponse("未找到该页面或文件", status_code=404)

    routes = [
        Route("/", index),
        Route("/{year:int}", year_page),
        Route("/{year:int}/report", report),
        Route("/download/{year:int}/{kind}", download),
        Route("/api/version", version),
        Route("/api/{year:int}/version", version),
    ]
    app = Starlette(routes=routes, lifespan=lifespan, exception_handlers={404: not_found})
    app.add_middleware(_SecurityHeaders)
    return app


def downloads(state: Year) -> list[tuple[str, str, Path]]:
    """(kind, label, file) of each download the year has, in the order of DOWNLOADS."""
    return [
        (kind, label.format(last=state.year - 1, year=state.year), state.files[kind])
        for kind, (_, label) in DOWNLOADS.items() if kind in state.files
    ]


def _page(template: str, **context: object) -> HTMLResponse:
    return HTMLResponse(_ENV.get_template(template).render(downloads=downloads, **context))


class _SecurityHeaders:
    """Adds _HEADERS to every response, the 404s included."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in _HEADERS.items():
                    headers[name] = value
            await send(message)

        await self.app(scope, receive, send_with_headers if scope["type"] == "http" else send)
