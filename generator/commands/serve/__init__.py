"""`serve`: a review page for each year's report: rendered, checked, downloadable, and rendered
again whenever its data file is saved. The web libraries are imported when the server starts,
so the other commands do not pay for them. Whatever keeps it from starting (no data folder, a
port in use) is found before anything is built, and said in one line."""
from __future__ import annotations

import errno
import os
import socket
import sys
from pathlib import Path

from generator import advice
from generator.errors import DataError

LOOPBACK = ("127.0.0.1", "localhost", "::1")


def run(host: str, port: int, data_dir: Path, out_dir: Path) -> None:
    """Serve until Ctrl+C."""
    if not data_dir.is_dir():
        raise DataError(None, f"找不到数据文件夹 {data_dir}：请用 --data-dir 指明存放 <年份>.yaml 的文件夹")
    listener = listen(host, port)
    import uvicorn

    from generator.commands.serve import connections
    from generator.commands.serve.app import EVERY_ADDRESS, create_app
    from generator.commands.serve.state import Site

    shown = "127.0.0.1" if host in EVERY_ADDRESS else f"[{host}]" if ":" in host else host
    print(f"审阅页面：http://{shown}:{port}/（按 Ctrl+C 停止）", flush=True)
    if host not in LOOPBACK:
        print(f"注意：正在监听 {host}，凡能连到本机的人都能看到这些报告（没有登录）", file=sys.stderr, flush=True)
    uvicorn.Server(connections.config(create_app(Site(data_dir, out_dir), host))).run(sockets=[listener])


def listen(host: str, port: int) -> socket.socket:
    """A socket listening on host:port, or a DataError saying why there can be none."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET  # as uvicorn: "localhost" is 127.0.0.1
    try:
        family, kind, protocol, _, address = socket.getaddrinfo(host or None, port, family, socket.SOCK_STREAM, flags=socket.AI_PASSIVE)[0]
    except socket.gaierror:
        raise DataError(None, f"无法识别监听地址 {host}：{advice.option('--host', 'HOST=')} 应为 127.0.0.1、0.0.0.0 或本机的 IP 地址") from None
    listener = socket.socket(family, kind, protocol)
    try:
        if os.name != "nt":  # on Windows the option would let two servers share the port
            listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # a restart may reuse the port at once
        listener.bind(address)
        listener.listen(socket.SOMAXCONN)
    except OSError as error:
        listener.close()
        raise DataError(None, _why_not(error, host, port)) from None
    return listener


def _why_not(error: OSError, host: str, port: int) -> str:
    if error.errno == errno.EADDRINUSE:
        return (f"端口 {port} 已被其他程序占用（也许审阅页面已经在运行）：请先关闭它，"
                f"或用 --port 换一个端口，例如 --port {port + 1 if port < 65535 else 8000}")
    if error.errno in (errno.EACCES, errno.EPERM):
        return f"没有权限使用端口 {port}：请用 --port 换一个 1024 以上的端口，例如 --port 8000"
    if error.errno == errno.EADDRNOTAVAIL:
        return f"本机没有地址 {host}：{advice.option('--host', 'HOST=')} 应为 127.0.0.1、0.0.0.0 或本机的 IP 地址"
    return f"无法在 {host} 的端口 {port} 上监听（系统错误代码 {error.errno}）"
