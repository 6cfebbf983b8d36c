"""The office server's HTTP side: routes, the session cookie, CSRF, Host and Origin checks, pages.

Everything a request asks is done by `service.Years`, `accounts` and `audit`; this module only
turns requests into calls and answers into JSON or pages. The rules every request meets:
- the Host header names this server (its address, localhost, or a name in settings.json),
  else 400 — a page of another site pointed at this address (DNS rebinding) gets nothing;
- a request that changes anything carries no foreign Origin and, but for the login, a session's
  CSRF token in X-CSRF-Token (compared in constant time), else 403;
- the session cookie is HttpOnly, SameSite=Strict, with an expiry; the login is throttled;
- every response has a CSP allowing this server's own script and style only, and nosniff.
"""
from __future__ import annotations

import email.parser
import email.policy
import hmac
import json
from collections.abc import Awaitable, Callable
from typing import Any
from urllib.parse import quote, unquote, urlsplit

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import MutableHeaders
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, PlainTextResponse, Response
from starlette.routing import Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from generator.commands.serve.app import allowed_hosts
from generator.office import accounts, audit
from generator.office.accounts import Refused, Session
from generator.office.folder import Office
from generator.office.service import DOWNLOADS, Years
from generator.resources import templates_dir

COOKIE = "fazhi_office"
BODY_CAP = 64 * 1024  # bytes: the largest JSON request is a figure with its note
UPLOAD_CAP = 20 * 1024 * 1024  # bytes: a returned XLSX form or a reviewed DOCX
TEMPLATES = templates_dir() / "office"
STATIC = {"office.js": "text/javascript; charset=utf-8", "editor.js": "text/javascript; charset=utf-8", "office.css": "text/css; charset=utf-8"}
_HEADERS = {
    "cache-control": "no-store",
    "x-content-type-options": "nosniff",
    "referrer-policy": "no-referrer",
    "x-frame-options": "DENY",
    "content-security-policy": "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self'; "
                               "form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
}
_UNSAFE = ("POST", "PUT", "PATCH", "DELETE")
_ERRORS = {400: "请求有误", 401: "请先登录", 403: "没有权限", 404: "未找到该页面", 405: "不接受这种请求",
           413: "请求太大", 500: "服务器内部错误，详细信息已记在服务器的日志中"}
_ENV = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=True, undefined=StrictUndefined)

Body = dict[str, Any]  # the request's JSON object ({} for a GET)
Handler = Callable[[Request, Body], Response]


def create_app(office: Office, bind: str = "127.0.0.1") -> Starlette:
    years = Years(office)
    hosts = set(allowed_hosts(bind)) | set(office.settings().names)

    def current(request: Request) -> Session:
        found = accounts.session(office, request.cookies.get(COOKIE, ""))
        if found is None:
            raise Refused(401, "请先登录（登录已过期时请重新登录）")
        return found

    def changing(request: Request) -> Session:
        """The session of a request that changes something: its CSRF token must match."""
        found = current(request)
        if not hmac.compare_digest(request.headers.get("x-csrf-token", "").encode(), found.csrf.encode()):
            raise Refused(403, "请求缺少有效的防伪令牌（X-CSRF-Token），已拒绝；请刷新页面后重试")
        return found

    def address(request: Request) -> str:
        return request.client.host if request.client else ""

    # -- pages ---------------------------------------------------------------------------

    def home(request: Request, body: Body) -> Response:
        found = accounts.session(office, request.cookies.get(COOKIE, ""))
        if found is None:
            return _page("login.html.j2", session=None)
        extra: dict[str, object] = {}
        if found.user.role == "管理员":
            extra = {"users": accounts.listed(office), "entries": audit.entries(office, 50)}
        return _page("home.html.j2", session=found, years=years.years(), **extra)

    def year_page(request: Request, body: Body) -> Response:
        found, year = current(request), request.path_params["year"]
        if found.user.role == "填报员":
            return _page("form.html.j2", session=found, year=year, figures=years.figures(year, found.user), board=years.board(year))
        if found.user.role == "管理员":
            raise Refused(403, "管理员管理账号和备份，不处理报告内容")
        return _page("board.html.j2", session=found, year=year, board=years.board(year), figures=years.figures(year, found.user),
                     history=years.history(year)[:50], downloads=DOWNLOADS, findings=years.findings(year))

    def report_page(request: Request, body: Body) -> Response:
        found, year = current(request), request.path_params["year"]
        if found.user.role not in ("经办人", "审核人"):
            raise Refused(403, "只有经办人和审核人能看报告正文")
        years.path(year)
        return _page("report.html.j2", session=found, year=year)

    def static(request: Request, body: Body) -> Response:
        name = request.path_params["name"]
        if name not in STATIC:
            raise HTTPException(404)
        return Response((TEMPLATES / name).read_bytes(), media_type=STATIC[name])

    # -- the API ---------------------------------------------------------------------------

    def login(request: Request, body: Body) -> Response:
        session = accounts.login(office, str(body.get("user", "")), str(body.get("password", "")), address(request))
        response = JSONResponse({"csrf": session.csrf, "user": session.user.as_dict()})
        response.set_cookie(COOKIE, session.token, max_age=int(office.settings().session_hours * 3600), path="/",
                            httponly=True, samesite="strict", secure=request.url.scheme == "https")
        return response

    def logout(request: Request, body: Body) -> Response:
        accounts.logout(office, changing(request), address(request))
        response = JSONResponse({"ok": True})
        response.delete_cookie(COOKIE, path="/", httponly=True, samesite="strict")
        return response

    def me(request: Request, body: Body) -> Response:
        found = current(request)
        return JSONResponse({"user": found.user.as_dict(), "csrf": found.csrf})

    def year_list(request: Request, body: Body) -> Response:
        current(request)
        return JSONResponse({"years": years.years()})

    def figures(request: Request, body: Body) -> Response:
        return JSONResponse({"figures": years.figures(request.path_params["year"], current(request).user)})

    def put_figure(request: Request, body: Body) -> Response:
        found = changing(request)
        typed, note, version = (body.get(key, "") for key in ("value", "note", "version"))
        answer = years.set_figure(request.path_params["year"], request.path_params["name"], _text(typed), _text(note), _text(version), found.user)
        return JSONResponse(answer)

    def history(request: Request, body: Body) -> Response:
        current(request)
        changes = years.history(request.path_params["year"], request.query_params.get("path", ""))
        return JSONResponse({"history": [change.as_dict() for change in changes]})

    def texts(request: Request, body: Body) -> Response:
        return JSONResponse(years.texts(request.path_params["year"], current(request).user))

    def add_text(request: Request, body: Body) -> Response:
        found, year = changing(request), request.path_params["year"]
        said = {key: _text(body.get(key)) for key in ("after", "text", "version", "title")}
        return JSONResponse(years.add_text(year, said["after"], said["text"], said["version"], found.user, said["title"]))

    def one_text(request: Request, body: Body) -> Response:
        found, year, where = changing(request), request.path_params["year"], request.path_params["path"]
        version = _text(body.get("version"))
        if request.method == "PUT":
            return JSONResponse(years.set_text(year, where, _text(body.get("text")), version, found.user))
        return JSONResponse(years.delete_text(year, where, version, found.user))

    def make_figure(request: Request, body: Body) -> Response:
        found, year = changing(request), request.path_params["year"]
        said = {key: _text(body.get(key)) for key in ("path", "typed", "name", "label", "version")}
        return JSONResponse(years.make_figure(year, said["path"], said["typed"], said["name"], said["label"], said["version"], found.user))

    def move_text(request: Request, body: Body) -> Response:
        found, year = changing(request), request.path_params["year"]
        step = body.get("step")
        if step not in (-1, 1):
            raise Refused(422, "step 应为 -1（上移）或 1（下移）")
        return JSONResponse(years.move_text(year, _text(body.get("path")), step, _text(body.get("version")), found.user))

    def comment(request: Request, body: Body) -> Response:
        found, year = changing(request), request.path_params["year"]
        return JSONResponse(years.comment(year, _text(body.get("path")), _text(body.get("text")), found.user, address(request)))

    def acknowledge(request: Request, body: Body) -> Response:
        found, year = changing(request), request.path_params["year"]
        rule, message, reason = (_text(body.get(key)) for key in ("rule", "message", "reason"))
        return JSONResponse(years.acknowledge(year, rule, message, reason, found.user))

    def restore(request: Request, body: Body) -> Response:
        found, year = changing(request), request.path_params["year"]
        return JSONResponse(years.restore(year, _text(body.get("commit")), found.user))

    def reviews(request: Request, body: Body) -> Response:
        year = request.path_params["year"]
        if request.method == "POST":
            return JSONResponse(years.upload_review(year, body["name"], body["content"], changing(request).user, address(request)))
        return JSONResponse({"reviews": years.reviews(year, current(request).user)})

    def decide_review(request: Request, body: Body) -> Response:
        found, year, step = changing(request), request.path_params["year"], request.path_params["step"]
        if step not in ("accept", "decline"):
            raise HTTPException(404)
        chosen = body.get("edits")
        if chosen is not None and (not isinstance(chosen, list) or not all(isinstance(n, int) for n in chosen)):
            raise Refused(422, "edits 应为修改方案中各处修改的编号列表，例如 [1, 3]")
        return JSONResponse(years.decide_review(year, request.path_params["id"], step == "accept", found.user, address(request), chosen))

    def board(request: Request, body: Body) -> Response:
        if current(request).user.role not in ("经办人", "审核人"):
            raise Refused(403, "只有经办人和审核人能看各单位的填报情况")
        return JSONResponse(years.board(request.path_params["year"]))

    def unit_step(request: Request, body: Body) -> Response:
        found, year, unit, step = changing(request), request.path_params["year"], request.path_params["unit"], request.path_params["step"]
        if step == "submit":
            years.submit(year, unit, found.user, address(request))
        elif step == "take-in":
            years.take_in(year, unit, found.user, address(request))
        elif step == "return":
            years.give_back(year, unit, _text(body.get("reason", "")), found.user, address(request))
        else:
            raise HTTPException(404)
        return JSONResponse(years.board(year) if found.user.role != "填报员" else {"ok": True})

    def report_step(request: Request, body: Body) -> Response:
        found, year, step = changing(request), request.path_params["year"], request.path_params["step"]
        if step == "submit":
            years.submit_report(year, found.user, address(request))
        elif step == "approve":
            years.approve_report(year, found.user, address(request))
        elif step == "return":
            years.return_report(year, _text(body.get("reason", "")), found.user, address(request))
        else:
            raise HTTPException(404)
        return JSONResponse(years.board(year))

    def deadline(request: Request, body: Body) -> Response:
        found, year = changing(request), request.path_params["year"]
        years.set_deadline(year, _text(body.get("deadline", "")), found.user, address(request))
        return JSONResponse(years.board(year))

    def draft(request: Request, body: Body) -> Response:
        found, year = changing(request), request.path_params["year"]
        return JSONResponse({"year": year, "commit": years.draft(year, found.user)})

    def merge_form(request: Request, body: Body) -> Response:
        lines = years.merge_form(request.path_params["year"], body["name"], body["content"], changing(request).user)
        return JSONResponse({"lines": lines})

    def absorb_review(request: Request, body: Body) -> Response:
        accept = request.query_params.get("accept_changes") == "1"
        lines = years.absorb_review(request.path_params["year"], body["name"], body["content"], accept, changing(request).user)
        return JSONResponse({"lines": lines})

    def download(request: Request, body: Body) -> Response:
        found = current(request)
        name, content = years.download(request.path_params["year"], request.path_params["kind"], found.user, address(request))
        return Response(content, media_type="application/octet-stream",
                        headers={"content-disposition": f"attachment; filename*=utf-8''{quote(name)}"})

    def redline(request: Request, body: Body) -> Response:
        found = current(request)
        name, content = years.redline(request.path_params["year"], request.query_params.get("from", ""), request.query_params.get("to", ""), found.user)
        return Response(content, media_type="application/octet-stream",
                        headers={"content-disposition": f"attachment; filename*=utf-8''{quote(name)}"})

    def preview(request: Request, body: Body) -> Response:
        drawn = years.preview(request.path_params["year"], current(request).user)
        return JSONResponse({"version": drawn.version, "pages": [{"width": p.width, "height": p.height} for p in drawn.pages]})

    def preview_page(request: Request, body: Body) -> Response:
        drawn = years.preview(request.path_params["year"], current(request).user)
        number = request.path_params["page"]
        if not 1 <= number <= len(drawn.pages):
            raise Refused(404, "没有这一页")
        return Response(drawn.pages[number - 1].png, media_type="image/png", headers={"cache-control": "no-store"})

    def print_page(request: Request, body: Body) -> Response:
        found, year = current(request), request.path_params["year"]
        drawn = years.preview(year, found.user)
        return _page("print.html.j2", session=found, year=year, preview=drawn)

    routes = [
        Route("/", _run(home)),
        Route("/years/{year:int}", _run(year_page)),
        Route("/years/{year:int}/report", _run(report_page)),
        Route("/years/{year:int}/print", _run(print_page)),
        Route("/years/{year:int}/print/{page:int}.png", _run(preview_page)),
        Route("/static/{name}", _run(static)),
        Route("/api/login", _run(login), methods=["POST"]),
        Route("/api/logout", _run(logout), methods=["POST"]),
        Route("/api/me", _run(me)),
        Route("/api/years", _run(year_list)),
        Route("/api/years/{year:int}/figures", _run(figures)),
        Route("/api/years/{year:int}/figures/{name}", _run(put_figure), methods=["PUT"]),
        Route("/api/years/{year:int}/history", _run(history)),
        Route("/api/years/{year:int}/texts", _run(texts)),
        Route("/api/years/{year:int}/texts", _run(add_text), methods=["POST"]),
        Route("/api/years/{year:int}/texts/{path:path}", _run(one_text), methods=["PUT", "DELETE"]),
        Route("/api/years/{year:int}/move", _run(move_text), methods=["POST"]),
        Route("/api/years/{year:int}/new-figure", _run(make_figure), methods=["POST"]),
        Route("/api/years/{year:int}/comments", _run(comment), methods=["POST"]),
        Route("/api/years/{year:int}/restore", _run(restore), methods=["POST"]),
        Route("/api/years/{year:int}/acknowledge", _run(acknowledge), methods=["POST"]),
        Route("/api/years/{year:int}/reviews", _run(reviews), methods=["GET"]),
        Route("/api/years/{year:int}/reviews", _run(reviews, upload=True), methods=["POST"]),
        Route("/api/years/{year:int}/reviews/{id:int}/{step}", _run(decide_review), methods=["POST"]),
        Route("/api/years/{year:int}/board", _run(board)),
        Route("/api/years/{year:int}/units/{unit}/{step}", _run(unit_step), methods=["POST"]),
        Route("/api/years/{year:int}/report/{step}", _run(report_step), methods=["POST"]),
        Route("/api/years/{year:int}/draft", _run(draft), methods=["POST"]),
        Route("/api/years/{year:int}/deadline", _run(deadline), methods=["PUT"]),
        Route("/api/years/{year:int}/merge", _run(merge_form, upload=True), methods=["POST"]),
        Route("/api/years/{year:int}/absorb", _run(absorb_review, upload=True), methods=["POST"]),
        Route("/api/years/{year:int}/download/{kind}", _run(download)),
        Route("/api/years/{year:int}/redline", _run(redline)),
        Route("/api/years/{year:int}/preview", _run(preview)),
    ]
    app = Starlette(routes=routes, exception_handlers={HTTPException: _http_error, Exception: _failed})
    app.router.redirect_slashes = False
    app.add_middleware(_Guard, hosts=hosts)
    return app


def _run(handler: Handler, upload: bool = False) -> Callable[[Request], Awaitable[Response]]:
    """The endpoint: the body read (JSON within BODY_CAP; an upload, its content and the name
    in X-File-Name, within UPLOAD_CAP), the handler run in a worker thread (it
    reads files, hashes passwords, commits, builds: the event loop must not wait on that), a
    refusal turned into JSON for the API and into a page for the rest."""
    async def answered(request: Request) -> Response:
        try:
            if upload:
                content = await _read(request, UPLOAD_CAP)
                kind = request.headers.get("content-type", "")
                if kind.lower().startswith("multipart/form-data"):
                    body = _form_file(kind, content)
                else:
                    body = {"name": unquote(request.headers.get("x-file-name", "")), "content": content}
            else:
                body = await _json(request) if request.method in _UNSAFE else {}
            return await run_in_threadpool(handler, request, body)
        except Refused as refused:
            if request.url.path.startswith("/api/"):
                return JSONResponse({"error": refused.message, **refused.extra}, status_code=refused.status)
            return _page("refused.html.j2", session=None, message=refused.message, status=refused.status)
    return answered


async def _read(request: Request, cap: int) -> bytes:
    body = bytearray()
    async for chunk in request.stream():
        body.extend(chunk)
        if len(body) > cap:
            raise Refused(413, f"请求超过 {cap // 1024 // 1024} MB" if cap >= 1024 * 1024 else f"请求超过 {cap // 1024} KB")
    return bytes(body)


def _form_file(content_type: str, body: bytes) -> dict[str, Any]:
    """The one file of a multipart/form-data upload (a form's <input type=file>, curl -F), read
    with the standard library's MIME parser from the body already read within UPLOAD_CAP."""
    message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(
        b"Content-Type: " + content_type.encode("latin-1", "replace") + b"\r\n\r\n" + body)
    files = [part for part in message.iter_parts() if part.get_filename()] if message.is_multipart() else []
    if len(files) != 1:
        raise Refused(400, "上传的表单中应有且只有一个文件")
    content = files[0].get_payload(decode=True)
    return {"name": files[0].get_filename() or "", "content": content if isinstance(content, bytes) else b""}


async def _json(request: Request) -> dict[str, Any]:
    """The request's JSON object, read within BODY_CAP."""
    body = await _read(request, BODY_CAP)
    if not body:
        return {}
    try:
        parsed = json.loads(body)
    except ValueError:
        raise Refused(400, "请求的内容不是 JSON") from None
    if not isinstance(parsed, dict):
        raise Refused(400, "请求的内容应为 JSON 对象")
    return parsed


def _text(value: object) -> str:
    """A JSON value as the text a person typed (a number is read as written)."""
    return "" if value is None else value if isinstance(value, str) else json.dumps(value)


def _page(template: str, **context: object) -> HTMLResponse:
    status = context.get("status", 200)
    return HTMLResponse(_ENV.get_template(template).render(**context), status_code=status if isinstance(status, int) else 200)


def _http_error(request: Request, error: Exception) -> Response:
    status = error.status_code if isinstance(error, HTTPException) else 500
    message = _ERRORS.get(status, _ERRORS[404])
    if request.url.path.startswith("/api/"):
        return JSONResponse({"error": message}, status_code=status)
    return PlainTextResponse(message, status_code=status)


def _failed(request: Request, error: Exception) -> Response:
    return _http_error(request, HTTPException(500))


class _Guard:
    """Host and Origin checks before anything else, and the security headers on every answer."""

    def __init__(self, app: ASGIApp, hosts: set[str]) -> None:
        self.app, self.hosts = app, hosts

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in _HEADERS.items():
                    headers[name] = value
            await send(message)

        refusal = self._refusal(Request(scope))
        if refusal is not None:
            status, message = refusal
            await JSONResponse({"error": message}, status_code=status)(scope, receive, with_headers)
            return
        await self.app(scope, receive, with_headers)

    def _refusal(self, request: Request) -> tuple[int, str] | None:
        host = request.headers.get("host", "")
        if _hostname(host) not in self.hosts:
            return 400, f"拒绝了发往“{host}”的请求：这不是本服务器的地址。请用管理员告知的地址访问（其他名称须写进 settings.json 的 names）"
        if request.method in _UNSAFE:
            origin = request.headers.get("origin")
            if origin is not None and origin not in (f"http://{host}", f"https://{host}"):
                return 403, f"拒绝了来自其他网站（{origin}）的修改请求"
            if request.headers.get("sec-fetch-site") == "cross-site":
                return 403, "拒绝了来自其他网站的修改请求"
        return None


def _hostname(host: str) -> str:
    """The Host header without its port, lower case ([::1] keeps its brackets)."""
    try:
        parsed = urlsplit(f"//{host}")
        name = parsed.hostname or ""
        _ = parsed.port  # a malformed port raises here
    except ValueError:
        return ""
    return f"[{name}]" if ":" in name else name.lower()
