"""`serve --office`: the office server, on loopback unless an address is named."""
from __future__ import annotations

import sys

from generator import advice
from generator.commands.serve import LOOPBACK, listen
from generator.commands.serve.connections import config as guarded_config
from generator.errors import DataError
from generator.office import accounts
from generator.office.folder import Office

OFFICE_CONNECTIONS = 256
OFFICE_REQUEST_SECONDS = 60.0  # a whole request, upload included (the review page allows 10)


def run(office: Office, bind: str, port: int) -> None:
    """Serve until Ctrl+C; refuses to start without an administrator (set up at the terminal)."""
    office.require().prepare()  # commits what changed in data/ while the server was stopped
    if not any(user.role == "管理员" and not user.disabled for user in accounts.listed(office)):
        raise DataError(None, f"{office.root} 中还没有可用的管理员：请先用 {advice.command(f'users add 名字 --role 管理员 --office-dir {office.root}')} 建立")
    listener = listen(bind, port)
    import uvicorn

    from generator.office.web import create_app

    shown = f"[{bind}]" if ":" in bind else bind
    print(f"办公室服务：http://{shown}:{port}/（按 Ctrl+C 停止）", flush=True)
    if bind not in LOOPBACK:
        print(f"注意：正在监听 {bind}，内网中能连到本机的人都能打开登录页；切勿让互联网访问到这个地址", file=sys.stderr, flush=True)
    # The review page's guard against slow and surplus connections. An office has a browser for
    # each of its units, six connections each, so it holds more of them; and its requests carry
    # uploads (a 20 MB DOCX takes tens of seconds on a slow line), so each has longer to arrive.
    config = guarded_config(create_app(office, bind), request_seconds=OFFICE_REQUEST_SECONDS, max_connections=OFFICE_CONNECTIONS)
    uvicorn.Server(config).run(sockets=[listener])
