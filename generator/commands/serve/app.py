"""The review pages. Read-only: every route is a fixed pattern of a year (digits) and, for a
download, a kind from DOWNLOADS, for the print preview an edition from EDITIONS and a page number;
the file sent is one the server made itself and keeps in memory (`Year.downloads`), never a path
taken from the URL or a file read from out/. Anything else is a 404. Only requests addressed to
this computer by a name it knows are answered (`allowed_hosts`), and nothing redirects.
"""
from __future__ import annotations

import contextlib
import socket
import threading
from collections.abc import AsyncIterator
from urllib.parse import quote

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from starlette.applications import Starlette
from starlette.datastructures import MutableHeaders
from starlette.exceptions import HTTPException
from starlette.middleware.trustedhost import TrustedHostMiddleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, PlainTextResponse, Response
from starlette.routing import Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from generator.commands.check import SEVERITY_NAMES
from generator.commands.serve.job import Download
from generator.commands.serve.state import Site, Year
from generator.resources import templates_dir

TEMPLATES_DIR = templates_dir() / "serve"
LOOPBACK = ("127.0.0.1", "localhost", "::1")
EVERY_ADDRESS = ("0.0.0.0", "::", "")
_DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
# kind → (media type, button label); the label may name last year as {last} and this one as {year}.
DOWNLOADS: dict[str, tuple[str, str]] = {
    "docx": (_DOCX, "下载DOCX"),
    "pdf": ("application/pdf", "下载PDF"),
    "txt": ("text/plain; charset=utf-8", "下载TXT"),
    "formal-docx": (_DOCX, "正式公文DOCX"),
    "formal-pdf": ("application/pdf", "正式公文PDF"),
    "redline": (_DOCX, "修订对照稿（与{last}年比较）"),
    "compare": ("text/csv; charset=utf-8", "数据对比表（CSV）"),
}
# The print preview's editions (generator.pipeline.document.EDITIONS) → the tab's name.
EDITIONS = {"web": "网站公开版", "formal": "正式公文版"}
# What a refused or failed request reads, by status.
_REFUSALS = {
    400: "审阅页面拒绝了这个请求：网址中的主机名不是本机的地址。请在本机用 http://127.0.0.1:{port}/ 打开；"
         "从其他电脑打开时，请用本机的 IP 地址，并在启动服务时用 --host 指定它。",
    404: "未找到该页面或文件",
    405: "审阅页面只能查看，不接受这种请求",
    500: "服务器内部错误，详细信息已显示在运行 serve 的命令行窗口中",
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
_ENV.globals["severities"] = SEVERITY_NAMES
_ENV.globals["editions"] = EDITIONS


def create_app(site: Site, host: str = "127.0.0.1") -> Starlette:
    """The application over `site`, answering requests addressed to `host` (the address it
    listens on) or to a loopback name; while it runs, a thread keeps the site current."""

    @contextlib.asynccontextmanager
    async def lifespan(_: Starlette) -> AsyncIterator[None]:
        stop = threading.Event()
        watcher = threading.Thread(target=site.watch, args=(stop,), name="data-watcher", daemon=True)
        watcher.start()
        yield
        stop.set()
        site.worker.kill()  # a rebuild under way ends now
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
        """The review view: the HTML report with the findings linked to its paragraphs."""
        state = year_of(request)
        return _page("year.html.j2", site=site, state=state, view="review", version=state.version, version_url=f"/api/{state.year}/version")

    def print_page(request: Request) -> HTMLResponse:
        """The print preview of one edition: its PDF's pages as pictures."""
        state, edition = year_of(request), request.path_params["edition"]
        if edition not in EDITIONS:
            raise HTTPException(404)
        return _page("year.html.j2", site=site, state=state, view=edition, version=state.version, version_url=f"/api/{state.year}/version")

    def picture(request: Request) -> Response:
        """Page n (from 1) of an edition's PDF, as a PNG of the current set."""
        state, edition, n = year_of(request), request.path_params["edition"], request.path_params["n"]
        pages = state.downloads.previews.get(edition, ()) if state.downloads is not None else ()
        if not 1 <= n <= len(pages):
            raise HTTPException(404)
        return Response(pages[n - 1].png, media_type="image/png")

    def report(request: Request) -> HTMLResponse:
        page = year_of(request).page
        if page is None:
            raise HTTPException(404)
        return HTMLResponse(page.html)

    def download(request: Request) -> Response:
        """The file of the year's current set: complete, and never waiting for a rebuild."""
        state, kind = year_of(request), request.path_params["kind"]
        current = state.downloads
        file = current.files.get(kind) if current is not None and kind in DOWNLOADS else None
        if file is None:
            raise HTTPException(404)
        disposition = f"attachment; filename*=utf-8''{quote(file.name)}"
        return Response(file.content, media_type=DOWNLOADS[kind][0], headers={"content-disposition": disposition})

    def version(request: Request) -> JSONResponse:
        return JSONResponse({"version": year_of(request).version if "year" in request.path_params else site.version})

    routes = [
        Route("/", index),
        Route("/{year:int}", year_page),
        Route("/{year:int}/report", report),
        Route("/{year:int}/print/{edition}", print_page),
        Route("/{year:int}/page/{edition}/{n:int}.png", picture),
        Route("/download/{year:int}/{kind}", download),
        Route("/api/version", version),
        Route("/api/{year:int}/version", version),
    ]
    app = Starlette(routes=routes, lifespan=lifespan, exception_handlers={HTTPException: _refused, Exception: _failed})
    app.router.redirect_slashes = False  # "/2024/" is a 404, not a redirect built from the Host header
    app.add_middleware(_TrustedHost, allowed_hosts=allowed_hosts(host))
    app.add_middleware(_SecurityHeaders)
    return app


def allowed_hosts(host: str) -> list[str]:
    """The names a request may address the server by (its Host header, port aside): the loopback
    names, the address it listens on, and when that is every address, this computer's names and
    addresses. Anything else is refused: a web page whose name an attacker points at this
    computer (DNS rebinding) gets nothing."""
    names = {"127.0.0.1", "localhost", "[::1]"}
    if host in EVERY_ADDRESS:
        names |= _own_names()
    else:
        names.add(_bracketed(host))
    return sorted(name.lower() for name in names)


def downloads(state: Year) -> list[tuple[str, str, Download]]:
    """(kind, label, file) of each download the year has, in the order of DOWNLOADS."""
    files = state.downloads.files if state.downloads is not None else {}
    return [
        (kind, label.format(last=state.year - 1, year=state.year), files[kind])
        for kind, (_, label) in DOWNLOADS.items() if kind in files
    ]


def _page(template: str, **context: object) -> HTMLResponse:
    return HTMLResponse(_ENV.get_template(template).render(downloads=downloads, **context))


def _refused(_: Request, error: Exception) -> PlainTextResponse:
    status = error.status_code if isinstance(error, HTTPException) else 500
    return PlainTextResponse(_REFUSALS.get(status, _REFUSALS[404]), status_code=status)


def _failed(_: Request, __: Exception) -> PlainTextResponse:
    return PlainTextResponse(_REFUSALS[500], status_code=500)


def _bracketed(host: str) -> str:
    """An IPv6 address as a Host header writes it."""
    return f"[{host}]" if ":" in host else host


def _own_names() -> set[str]:
    """This computer's name and the addresses it is known by: the name's addresses (on Windows
    all of the network cards') and the address it reaches other networks from."""
    name = socket.gethostname()
    names = {name, socket.getfqdn()}
    with contextlib.suppress(OSError):
        names |= {_bracketed(str(info[4][0])) for info in socket.getaddrinfo(name, None)}
    with contextlib.suppress(OSError), socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        probe.connect(("192.0.2.1", 9))  # a documentation address: connecting a UDP socket sends nothing
        names.add(probe.getsockname()[0])
    return names


class _TrustedHost:
    """Starlette's TrustedHostMiddleware, refusing in Chinese."""

    def __init__(self, app: ASGIApp, allowed_hosts: list[str]) -> None:
        async def admitted(scope: Scope, receive: Receive, send: Send) -> None:
            scope["fazhi.admitted"] = True
            await app(scope, receive, send)

        self.check = TrustedHostMiddleware(admitted, allowed_hosts=allowed_hosts, www_redirect=False)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        async def refuse_in_chinese(message: Message) -> None:
            if scope.get("fazhi.admitted"):
                await send(message)
            elif message["type"] == "http.response.start":
                port = (scope.get("server") or ("", 8000))[1]
                await PlainTextResponse(_REFUSALS[400].format(port=port), status_code=400)(scope, receive, send)

        await self.check(scope, receive, refuse_in_chinese if scope["type"] == "http" else send)


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
