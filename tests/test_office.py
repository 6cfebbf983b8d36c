"""`serve --office` over loopback, with accounts made by the command line: a 填报员 fills only
their unit's figures; every change is a commit authored by its person; each refusal (role,
CSRF token, foreign Host or Origin, stale version, bad value, throttling) is said in Chinese and
changes nothing; backup then restore gives the same data, history and accounts; the audit log's
chain is checked; and `serve --office` on its own listens on loopback only."""
from __future__ import annotations

import http.client
import io
import json
import re
import socket
import sqlite3
import subprocess
import sys
import threading
import zipfile
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote, unquote

import pytest
from argon2 import PasswordHasher

from generator.office import accounts, audit, repo
from generator.office.accounts import Refused
from generator.office.folder import Office
from generator.office.service import Years
from generator.office.web import create_app

from .helpers import generator
from .test_serve import FORMAL, browser, english_in, serving  # noqa: F401 (browser: the suite's Chromium fixture)

PASSWORD = "correct horse 1"
DATA = """\
# 某县2025年度报告的数据（测试用）
meta:
  year: 2025
  region: 某县
  issuer: 某县人民政府
  title: 某县人民政府关于{{ year }}年法治政府建设情况的报告
figures:
  行政复议办结: {last_year: 217, unit: 件, from: 区司法局, label: 办结行政复议案件}  # 每年1月由区司法局报送
  复议纠错:
    # 纠错包括撤销、变更、确认违法
    last_year: 9
    unit: 件
    from: 区司法局
  行政诉讼审结: {last_year: 130, unit: 件, from: 区法院, label: 行政诉讼审结}
  纠错率: {formula: 复议纠错 / 行政复议办结, percent: true, precision: 1}
body:
  - 全年办结行政复议案件{{ 行政复议办结 }}，纠错{{ 复议纠错 }}，纠错率{{ 纠错率 }}；审结行政诉讼案件{{ 行政诉讼审结 }}。
"""
# name → (role, unit)
PEOPLE = {"admin": ("管理员", ""), "wang": ("填报员", "区司法局"), "zhao": ("填报员", "区法院"), "li": ("经办人", ""), "chen": ("审核人", "")}


def make_office(root: Path, people: dict[str, tuple[str, str]] = PEOPLE, data: str = DATA) -> Office:
    """An office folder with the year's data and accounts made by the command line."""
    (root / "data").mkdir(parents=True)
    (root / "data" / "2025.yaml").write_text(data, encoding="utf-8")
    for name, (role, unit) in people.items():
        args = ["users", "add", name, "--role", role, "--password-stdin", "--office-dir", str(root)] + (["--unit", unit] if unit else [])
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(sys, "stdin", _Lines(PASSWORD))
            result = generator(*args)
        assert result.returncode == 0, result.stderr
    return Office(root)


class _Lines:
    def __init__(self, line: str) -> None:
        self.line = line

    def readline(self) -> str:
        return self.line + "\n"


@pytest.fixture(autouse=True)
def quick_hashes(monkeypatch: pytest.MonkeyPatch) -> None:
    """argon2id still, at the lowest cost: the suite makes dozens of accounts and logins."""
    monkeypatch.setattr(accounts, "_HASHER", PasswordHasher(time_cost=1, memory_cost=8, parallelism=1))


@dataclass
class Client:
    """One person's browser, as far as the API goes: the cookie, the CSRF token."""

    port: int
    cookie: str = ""
    csrf: str = ""
    headers: dict[str, str] = field(default_factory=dict)

    def call(self, method: str, path: str, body: object = None, token: bool = True, **headers: str) -> tuple[int, dict, http.client.HTTPMessage]:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        sent = {"content-type": "application/json", **self.headers, **{k.replace("_", "-"): v for k, v in headers.items()}}
        if self.cookie:
            sent["cookie"] = self.cookie
        if token and self.csrf:
            sent["x-csrf-token"] = self.csrf
        try:
            connection.request(method, quote(path, safe="/?=&"), body=None if body is None else json.dumps(body), headers=sent)
            response = connection.getresponse()
            raw = response.read()
        finally:
            connection.close()
        cookie = response.headers.get("set-cookie", "")
        if cookie.startswith("fazhi_office="):
            self.cookie = cookie.split(";")[0]
        kind = response.headers.get("content-type", "")
        return response.status, json.loads(raw) if kind.startswith("application/json") else {"text": raw.decode(errors="replace"), "raw": raw}, response.headers

    def login(self, name: str, password: str = PASSWORD) -> int:
        status, body, _ = self.call("POST", "/api/login", {"user": name, "password": password})
        self.csrf = body.get("csrf", "")
        return status

    def figures(self) -> dict[str, dict]:
        status, body, _ = self.call("GET", "/api/years/2025/figures")
        assert status == 200, body
        return {f["name"]: f for f in body["figures"]}

    def put(self, name: str, value: object, version: str | None = None, note: str = "", **headers: str) -> tuple[int, dict]:
        if version is None:
            version = self.figures()[name]["version"]
        status, body, _ = self.call("PUT", f"/api/years/2025/figures/{name}", {"value": value, "note": note, "version": version}, **headers)
        return status, body


@dataclass(frozen=True)
class Served:
    office: Office
    port: int

    def client(self, name: str | None = None) -> Client:
        client = Client(self.port)
        if name is not None:
            assert client.login(name) == 200
        return client


@pytest.fixture
def served(tmp_path: Path) -> Iterator[Served]:
    office = make_office(tmp_path / "office")
    with serving(create_app(office)) as port:
        yield Served(office, port)


def data_text(served: Served) -> str:
    return (served.office.data / "2025.yaml").read_text(encoding="utf-8")


def test_a_unit_changes_its_figure_and_the_change_is_a_commit_by_its_person(served: Served) -> None:
    wang = served.client("wang")
    figures = wang.figures()
    assert list(figures) == ["行政复议办结", "复议纠错"]  # only 区司法局's; nothing of 区法院, no formula
    assert figures["行政复议办结"] | {"version": ""} == {"name": "行政复议办结", "label": "办结行政复议案件", "unit": "件", "from": "区司法局",
                                                         "value": None, "last_year": 217, "version": ""}
    status, body = wang.put("行政复议办结", "230", note="含上年结转3件")
    assert status == 200, body
    assert body["value"] == 230 and body["version"] != figures["行政复议办结"]["version"]
    text = data_text(served)
    assert "行政复议办结: {value: 230, last_year: 217, unit: 件, from: 区司法局, label: 办结行政复议案件}  # 每年1月由区司法局报送" in text
    status, body = wang.put("复议纠错", "１１")  # full-width digits, as merge reads them
    assert status == 200, body
    assert "    # 纠错包括撤销、变更、确认违法\n    value: 11\n    last_year: 9\n" in data_text(served)
    (last, first, *_) = repo.log(served.office.data, "2025.yaml")
    assert (first.author, first.message) == ("wang", "行政复议办结 未填 → 230\n\n说明：含上年结转3件")
    assert (last.author, last.message) == ("wang", "复议纠错 未填 → 11")
    status, body, _ = wang.call("GET", "/api/years/2025/history")
    assert [(c["author"], c["message"].splitlines()[0]) for c in body["history"][:2]] == [("wang", "复议纠错 未填 → 11"), ("wang", "行政复议办结 未填 → 230")]
    lines = generator("history", str(served.office.data / "2025.yaml")).stdout.splitlines()
    assert lines[0].endswith("  wang  复议纠错 未填 → 11") and lines[1].endswith("  wang  行政复议办结 未填 → 230（说明：含上年结转3件）")

    status, body = wang.put("行政诉讼审结", "140", version="0")
    assert (status, body["error"]) == (403, "“行政诉讼审结”由区法院填报，区司法局不能修改")
    assert "行政诉讼审结: {last_year: 130," in data_text(served)


def test_a_change_without_the_csrf_token_is_refused(served: Served) -> None:
    wang = served.client("wang")
    before = data_text(served)
    version = wang.figures()["行政复议办结"]["version"]
    status, body, _ = wang.call("PUT", "/api/years/2025/figures/行政复议办结", {"value": "230", "version": version}, token=False)
    assert (status, body["error"]) == (403, "请求缺少有效的防伪令牌（X-CSRF-Token），已拒绝；请刷新页面后重试")
    status, _, _ = wang.call("PUT", "/api/years/2025/figures/行政复议办结", {"value": "230", "version": version}, token=False, x_csrf_token="guessed")
    assert status == 403
    status, _, _ = wang.call("POST", "/api/years/2025/units/区司法局/submit", {}, token=False)
    assert status == 403
    assert data_text(served) == before and len(repo.log(served.office.data, "2025.yaml")) == 1


def test_a_stale_version_is_refused_with_both_values_and_loses_nothing(served: Served) -> None:
    wang, li = served.client("wang"), served.client("li")
    seen = wang.figures()["行政复议办结"]["version"]
    assert li.put("行政复议办结", "240")[0] == 200
    status, body = wang.put("行政复议办结", "250", version=seen)
    assert status == 409
    assert body["error"] == "“行政复议办结”在您打开页面之后已被他人改过：现在是 240，您填的是 250。请核对后在最新版本上重新填写"
    assert body["current"]["value"] == 240 and body["yours"] == {"value": "250", "version": seen}
    assert "{value: 240," in data_text(served)
    assert [c.author for c in repo.log(served.office.data, "2025.yaml")][:1] == ["li"]
    assert wang.put("行政复议办结", "250", version=body["current"]["version"])[0] == 200  # on the current version it goes in


@pytest.mark.parametrize(("typed", "message"), [
    ("abc", "行政复议办结：“abc”不是数字，请只填阿拉伯数字（如 1020）；暂时没有数的请留空"),
    ("1,02", "行政复议办结：“1,02”不是数字：逗号应三位一个（如 1,020），也可以不写逗号"),
    ("50%", "行政复议办结：“50%”是百分数，但这一项的单位是“件”；请填写数字"),
    ("", "行政复议办结：请填写数值（暂时没有数的，先不填这一项）"),
])
def test_a_bad_value_is_refused_with_merges_message(served: Served, typed: str, message: str) -> None:
    wang = served.client("wang")
    before = data_text(served)
    status, body = wang.put("行政复议办结", typed)
    assert (status, body["error"]) == (422, message)
    assert data_text(served) == before


def test_a_request_too_large_or_not_json_is_refused(served: Served) -> None:
    wang = served.client("wang")
    status, body = wang.put("行政复议办结", "230", note="说" * 40_000)
    assert (status, body["error"]) == (413, "请求超过 64 KB")
    status, body, _ = wang.call("POST", "/api/years/2025/units/区司法局/submit", "[1, 2]")
    assert (status, body["error"]) == (400, "请求的内容应为 JSON 对象")
    assert len(repo.log(served.office.data, "2025.yaml")) == 1

def test_each_role_does_only_its_part(served: Served) -> None:
    chen, admin, zhao = served.client("chen"), served.client("admin"), served.client("zhao")
    assert chen.put("行政复议办结", "230")[0] == 403  # 审核人 reviews, does not type figures
    assert admin.put("行政复议办结", "230")[0] == 403
    assert zhao.call("GET", "/api/years/2025/board")[0] == 403  # a unit sees its own form only
    assert zhao.call("POST", "/api/years/2025/units/区司法局/submit", {})[0] == 403
    assert zhao.call("POST", "/api/years/2025/units/区法院/take-in", {})[0] == 403
    assert list(zhao.figures()) == ["行政诉讼审结"]
    assert Client(served.port).call("GET", "/api/years/2025/figures")[0] == 401
    # the report: the clerk sends it for review, a reviewer approves; the clerk cannot
    li = served.client("li")
    assert li.call("POST", "/api/years/2025/report/submit", {})[0] == 200
    assert li.call("POST", "/api/years/2025/report/approve", {})[0] == 403
    status, board, _ = chen.call("POST", "/api/years/2025/report/approve", {})
    assert status == 200 and board["report"]["state"] == "已批准" and board["report"]["by"] == "li"


def test_nobody_takes_in_what_they_submitted(served: Served) -> None:
    years, wang = Years(served.office), accounts.User("wang", "填报员", "区司法局")
    years.set_figure(2025, "行政复议办结", "230", "", years.figures(2025, wang)[0]["version"], wang)  # type: ignore[arg-type]
    years.set_figure(2025, "复议纠错", "11", "", years.figures(2025, wang)[1]["version"], wang)  # type: ignore[arg-type]
    years.submit(2025, "区司法局", wang, "127.0.0.1")
    with pytest.raises(Refused) as refused:  # the same person holding a clerk's account too
        years.take_in(2025, "区司法局", accounts.User("wang", "经办人", ""), "127.0.0.1")
    assert refused.value.status == 403 and refused.value.message == "2025年度 区司法局的数字是您提交的，不能由您本人采用数字；请由另一位同事处理"


def test_a_unit_submits_the_clerk_takes_in_or_returns_with_a_reason(served: Served) -> None:
    wang, li = served.client("wang"), served.client("li")
    status, body, _ = wang.call("POST", "/api/years/2025/units/区司法局/submit", {})
    assert (status, body["error"]) == (422, "还有 2 项未填：行政复议办结、复议纠错；填完后再提交")
    assert wang.put("行政复议办结", "230")[0] == 200 and wang.put("复议纠错", "11")[0] == 200
    assert li.call("GET", "/api/years/2025/board")[2] is not None
    assert [(u["unit"], u["state"]) for u in li.call("GET", "/api/years/2025/board")[1]["units"]] == [("区司法局", "已填"), ("区法院", "未填")]
    assert wang.call("POST", "/api/years/2025/units/区司法局/submit", {})[0] == 200
    status, body = wang.put("行政复议办结", "231")
    assert (status, body["error"]) == (403, "区司法局的数字已提交，不能再改；需要修改时请经办人退回")
    status, board, _ = li.call("POST", "/api/years/2025/units/区司法局/take-in", {})
    assert status == 200 and board["units"][0] | {"at": ""} == {"unit": "区司法局", "state": "已采用", "filled": 2, "total": 2, "by": "wang", "at": "", "reason": ""}
    assert li.call("POST", "/api/years/2025/units/区司法局/return", {"reason": " "})[1]["error"] == "请写明退回的理由（1 至 500 个字）"
    status, board, _ = li.call("POST", "/api/years/2025/units/区司法局/return", {"reason": "办结数与复议台账不符，请核对"})
    assert status == 200 and (board["units"][0]["state"], board["units"][0]["reason"]) == ("退回", "办结数与复议台账不符，请核对")
    assert wang.put("行政复议办结", "229")[0] == 200  # returned: the unit may change it again
    assert li.call("PUT", "/api/years/2025/deadline", {"deadline": "1月底"})[1]["error"] == "截止日期应写成 2026-01-31，而不是“1月底”"
    assert wang.call("PUT", "/api/years/2025/deadline", {"deadline": "2026-01-31"})[0] == 403
    status, board, _ = li.call("PUT", "/api/years/2025/deadline", {"deadline": "2026-01-31"})
    assert status == 200 and board["deadline"] == "2026-01-31"
    assert "截止日期：2026-01-31" in wang.call("GET", "/years/2025")[1]["text"]
    actions = [(e["user"], e["action"]) for e in audit.entries(served.office)]
    assert actions[:4] == [("li", "设定截止日期"), ("li", "退回数字"), ("li", "采用数字"), ("wang", "提交数字")]


def test_a_foreign_host_or_origin_is_refused(served: Served) -> None:
    wang = served.client("wang")
    status, body, _ = wang.call("GET", "/api/years/2025/figures", host="evil.example")
    assert status == 400 and body["error"].startswith("拒绝了发往“evil.example”的请求")
    status, body = wang.put("行政复议办结", "230", origin="http://evil.example")
    assert (status, body["error"]) == (403, "拒绝了来自其他网站（http://evil.example）的修改请求")
    assert wang.put("行政复议办结", "230", origin=f"http://127.0.0.1:{served.port + 1}")[0] == 403  # another port is another site
    assert wang.put("行政复议办结", "230", sec_fetch_site="cross-site")[0] == 403
    assert Client(served.port).call("POST", "/api/login", {"user": "wang", "password": PASSWORD}, origin="http://evil.example")[0] == 403
    assert "value" not in data_text(served).split("行政复议办结")[1].split("\n")[0]
    assert wang.put("行政复议办结", "230", origin=f"http://127.0.0.1:{served.port}")[0] == 200


def test_names_from_the_settings_are_answered_and_an_expired_session_is_refused(tmp_path: Path) -> None:
    office = make_office(tmp_path / "office", {"admin": ("管理员", ""), "wang": ("填报员", "区司法局")})
    office.settings_file.write_text(json.dumps({"names": ["fazhi.example.gov.cn"], "session_hours": 1}), encoding="utf-8")
    with serving(create_app(office)) as port:
        wang = Served(office, port).client("wang")
        assert wang.call("GET", "/api/me", host=f"fazhi.example.gov.cn:{port}")[0] == 200
        assert wang.call("GET", "/api/me", host=f"fazhi.example.gov.cn.evil.example:{port}")[0] == 400
        with sqlite3.connect(office.database) as db:
            db.execute("UPDATE sessions SET expires = 0")
        status, body, _ = wang.call("GET", "/api/me")
        assert (status, body["error"]) == (401, "请先登录（登录已过期时请重新登录）")

def test_every_answer_carries_the_security_headers_and_the_cookie_is_strict(served: Served) -> None:
    client = Client(served.port)
    status, body, headers = client.call("POST", "/api/login", {"user": "wang", "password": PASSWORD})
    cookie = headers["set-cookie"]
    assert status == 200 and "HttpOnly" in cookie and "SameSite=strict" in cookie and "Max-Age=28800" in cookie and "Path=/" in cookie
    assert body["csrf"] not in cookie
    client.csrf = body["csrf"]
    for method, path, host in [("GET", "/", None), ("GET", "/years/2025", None), ("GET", "/api/years/2025/figures", None),
                               ("GET", "/nothing", None), ("GET", "/", "evil.example"), ("GET", "/static/office.js", None)]:
        status, _, headers = client.call(method, path, **({"host": host} if host else {}))
        assert headers["x-content-type-options"] == "nosniff", path
        assert "default-src 'none'; script-src 'self'" in headers["content-security-policy"], path
    assert client.call("POST", "/api/logout", {})[0] == 200
    assert client.call("GET", "/api/years/2025/figures")[0] == 401  # the session is gone on the server too


def test_repeated_wrong_passwords_are_throttled(served: Served) -> None:
    client = Client(served.port)
    for _ in range(accounts.ACCOUNT_LIMIT):
        assert client.login("wang", "wrong password") == 401
    status, body, _ = client.call("POST", "/api/login", {"user": "wang", "password": PASSWORD})
    assert (status, body["error"]) == (429, "登录失败次数过多，请 15 分钟后再试，或请管理员重设密码")
    assert Client(served.port).login("zhao") == 200  # another account from the same address still logs in
    assert [e["action"] for e in audit.entries(served.office, 2)] == ["登录", "登录被限制"]


def test_failed_logins_from_one_address_are_throttled(tmp_path: Path) -> None:
    office = make_office(tmp_path / "office", {"admin": ("管理员", "")})
    for n in range(accounts.ADDRESS_LIMIT):
        with pytest.raises(Refused):
            accounts.login(office, f"guess{n}", "x", "10.0.0.9")
    with pytest.raises(Refused) as refused:
        accounts.login(office, "admin", PASSWORD, "10.0.0.9")
    assert refused.value.status == 429
    assert accounts.login(office, "admin", PASSWORD, "10.0.0.8").user.name == "admin"


def test_accounts_from_the_command_line(tmp_path: Path) -> None:
    root = tmp_path / "office"
    assert generator("users", "list", "--office-dir", str(root)).stderr.startswith(f"错误：{root} 不是办公室文件夹")
    refused = generator("users", "add", "wang", "--role", "填报员", "--unit", "区司法局", "--password-stdin", "--office-dir", str(root))
    assert (refused.returncode, refused.stderr) == (2, "错误：第一个账号应为管理员：./fazhi users add 名字 --role 管理员\n")
    office = make_office(root, {"admin": ("管理员", ""), "wang": ("填报员", "区司法局")})
    listed = generator("users", "list", "--office-dir", str(root)).stdout.splitlines()
    assert [line.split() for line in listed] == [["账号", "角色", "单位", "状态"], ["wang", "填报员", "区司法局", "正常"], ["admin", "管理员", "正常"]]
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(sys, "stdin", _Lines("new password 2"))
        assert generator("users", "passwd", "wang", "--password-stdin", "--office-dir", str(root)).returncode == 0
    with pytest.raises(Refused):
        accounts.login(office, "wang", PASSWORD, "127.0.0.1")
    assert accounts.login(office, "wang", "new password 2", "127.0.0.1").user.unit == "区司法局"
    assert generator("users", "disable", "wang", "--office-dir", str(root)).stdout == "已停用账号 wang，其已登录的会话均已退出\n"
    with pytest.raises(Refused) as refused_login:
        accounts.login(office, "wang", "new password 2", "127.0.0.1")
    assert refused_login.value.status == 401
    (office.data / "2025.yaml").write_text(DATA, encoding="utf-8")
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(sys, "stdin", _Lines(PASSWORD))
        slip = generator("users", "add", "zhao", "--role", "填报员", "--unit", "区法阮", "--password-stdin", "--office-dir", str(root))
    assert (slip.returncode, slip.stderr) == (0, "提示：2025.yaml 中没有数字由“区法阮”填报（from:）（是否想写“区法院”？）；该账号登录后会看到空表\n")
    unit_missing = generator("users", "add", "zhou", "--role", "填报员", "--password-stdin", "--office-dir", str(root))
    assert unit_missing.stderr.startswith("错误：填报员须用 --unit 指明所属单位")
    stored = sqlite3.connect(office.database).execute("SELECT hash FROM users WHERE name = 'admin'").fetchone()[0]
    assert stored.startswith("$argon2id$") and PASSWORD not in stored


def test_backup_while_serving_then_restore_gives_the_same_data_history_and_accounts(served: Served, tmp_path: Path) -> None:
    wang = served.client("wang")
    assert wang.put("行政复议办结", "230")[0] == 200 and wang.put("复议纠错", "11")[0] == 200
    archive = tmp_path / "备份.zip"
    result = generator("backup", str(archive), "--office-dir", str(served.office.root))
    assert result.returncode == 0 and result.stdout.startswith(f"已写入 {archive}：数据仓库（最新提交 "), result.stderr
    assert wang.put("行政复议办结", "231")[0] == 200  # after the snapshot: not in it
    target = tmp_path / "恢复"
    assert generator("restore", str(archive), str(target)).returncode == 0
    restored = Office(target)
    assert "{value: 230," in (target / "data" / "2025.yaml").read_text(encoding="utf-8")
    log = repo.log(served.office.data, "2025.yaml")
    assert [c.as_dict() for c in repo.log(restored.data, "2025.yaml")] == [c.as_dict() for c in log[1:]]
    assert accounts.listed(restored) == accounts.listed(served.office)
    assert accounts.login(restored, "wang", PASSWORD, "127.0.0.1").user.unit == "区司法局"
    assert generator("audit", "verify", "--office-dir", str(target)).returncode == 0
    with serving(create_app(restored)) as port:  # the restored office serves
        assert Client(port).login("li") == 200
    refused = generator("restore", str(archive), str(target))
    assert (refused.returncode, refused.stderr) == (2, f"错误：{target} 不是空文件夹：恢复只写入空文件夹或新文件夹，以免覆盖现有的数据\n")
    hostile = tmp_path / "hostile.zip"
    with zipfile.ZipFile(archive) as good, zipfile.ZipFile(hostile, "w") as bad:
        for item in good.infolist():
            bad.writestr(item, good.read(item))
        bad.writestr("data/.git/../../escape.txt", "x")
    assert generator("restore", str(hostile), str(tmp_path / "other")).stderr == f"错误：{hostile} 中有不安全的路径“data/.git/../../escape.txt”，未恢复\n"
    assert not (tmp_path / "escape.txt").exists() and not (tmp_path / "other").exists()


def test_backups_taken_while_changes_go_in_restore_whole(served: Served, tmp_path: Path) -> None:
    """Backups taken while a clerk saves figure after figure each restore to a whole office:
    every commit readable, the data file that of the last commit, the audit chain intact."""
    years, li = Years(served.office), accounts.User("li", "经办人", "")
    done = threading.Event()

    def saving() -> None:
        for n in range(20):
            version = {f["name"]: f["version"] for f in years.figures(2025, li)}["行政复议办结"]
            years.set_figure(2025, "行政复议办结", str(300 + n), "", version, li)
            audit.record(served.office, "li", "测试", str(n))
        done.set()

    writer = threading.Thread(target=saving)
    writer.start()
    archives = []
    while not done.is_set() or not archives:
        archive = tmp_path / f"{len(archives)}.zip"
        assert generator("backup", str(archive), "--office-dir", str(served.office.root)).returncode == 0
        archives.append(archive)
    writer.join(timeout=60)
    for archive in archives:
        target = tmp_path / f"恢复{archive.stem}"
        assert generator("restore", str(archive), str(target)).returncode == 0
        history = repo.log(target / "data", "2025.yaml")
        assert history[-1].message == "收录服务器之外的改动：2025.yaml" and len(history) <= 21
        assert (target / "data" / "2025.yaml").read_bytes() == repo.committed(target / "data", "2025.yaml")
        assert generator("audit", "verify", "--office-dir", str(target)).returncode == 0
    assert len(repo.log(served.office.data, "2025.yaml")) == 21

def test_audit_verify_reports_the_first_broken_entry(served: Served) -> None:
    served.client("wang")
    served.client("li")
    office = served.office
    ok = generator("audit", "verify", "--office-dir", str(office.root))
    assert (ok.returncode, ok.stdout) == (0, f"审计日志完好：共 {len(PEOPLE) + 2} 条，每条所记的上一条哈希都相符\n")
    with sqlite3.connect(office.database) as db, pytest.raises(sqlite3.DatabaseError):
        db.execute("UPDATE audit SET user = 'someone' WHERE seq = 6")  # refused by the table's trigger
    with sqlite3.connect(office.database) as db:  # someone with the file itself
        db.execute("DROP TRIGGER audit_no_update")
        db.execute("UPDATE audit SET user = 'someone' WHERE seq = 6")
    broken = generator("audit", "verify", "--office-dir", str(office.root))
    assert broken.returncode == 1
    assert broken.stdout.startswith("审计日志有误：第 6 条记录（") and broken.stdout.endswith("someone 登录）的内容与其哈希不符，记录被改动过（此前 5 条完好）\n")


def test_serve_office_listens_on_loopback_only(tmp_path: Path) -> None:
    office = make_office(tmp_path / "office", {"admin": ("管理员", "")})
    probe = socket.socket()
    probe.bind(("127.0.0.1", 0))
    port = probe.getsockname()[1]
    probe.close()
    server = subprocess.Popen([sys.executable, "-m", "generator", "serve", "--office", "--office-dir", str(office.root), "--port", str(port)],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert server.stdout is not None
        assert server.stdout.readline() == f"办公室服务：http://127.0.0.1:{port}/（按 Ctrl+C 停止）\n"
        assert Client(port).login("admin") == 200
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as route:
            try:
                route.connect(("192.0.2.1", 9))  # sends nothing: finds this computer's own network address
                own = route.getsockname()[0]
            except OSError:  # no route at all (a machine or container without a network)
                own = "127.0.0.1"
        if own.startswith("127."):
            pytest.skip("this computer has no network address besides loopback")
        with pytest.raises(ConnectionRefusedError):
            socket.create_connection((own, port), timeout=5).close()
    finally:
        server.terminate()
        server.wait(timeout=10)


def test_serve_office_needs_an_administrator_first(tmp_path: Path) -> None:
    result = generator("serve", "--office", "--office-dir", str(tmp_path / "none"))
    assert (result.returncode, result.stderr) == (2, f"错误：{tmp_path / 'none'} 不是办公室文件夹（其中没有 office.db）：请先用 ./fazhi users add 名字 --role 管理员 --office-dir {tmp_path / 'none'} 建立第一个管理员\n")


def test_the_clerk_drafts_checks_and_downloads_and_a_formal_download_is_audited(served: Served) -> None:
    li, chen, wang = served.client("li"), served.client("chen"), served.client("wang")
    for name, value in (("行政复议办结", "230"), ("复议纠错", "11"), ("行政诉讼审结", "140")):
        assert li.put(name, value)[0] == 200
    path = served.office.data / "2025.yaml"
    expected = generator("check", str(path)).stdout.replace(f"{path}:", "2025.yaml:").splitlines()[:-1]  # the last line is the summary
    assert "\n".join(Years(served.office).findings(2025)).splitlines() == expected
    assert "检查结果" in li.call("GET", "/years/2025")[1]["text"]
    status, body, headers = li.call("GET", "/api/years/2025/download/docx")
    assert status == 200 and headers["content-disposition"].endswith(".docx")
    assert "全年办结行政复议案件230件" in zipfile.ZipFile(io.BytesIO(body["raw"])).read("word/document.xml").decode()
    assert wang.call("GET", "/api/years/2025/download/docx")[0] == 403
    path.write_text(path.read_text(encoding="utf-8").replace("  issuer: 某县人民政府\n", "  issuer: 某县人民政府\n" + FORMAL, 1), encoding="utf-8")
    status, body, _ = chen.call("GET", "/api/years/2025/download/formal-docx")
    assert status == 200
    assert "某政〔2025〕1号" in zipfile.ZipFile(io.BytesIO(body["raw"])).read("word/document.xml").decode()
    assert [(e["user"], e["action"]) for e in audit.entries(served.office, 1)] == [("chen", "下载正式公文")]
    second, first = [c.id for c in repo.log(served.office.data, "2025.yaml")][1:3]  # 行政复议办结 → 230, then 复议纠错 → 11
    status, body, headers = chen.call("GET", f"/api/years/2025/redline?from={first}&to={second}")
    assert status == 200 and "修订对照" in unquote(headers["content-disposition"])
    document = zipfile.ZipFile(io.BytesIO(body["raw"])).read("word/document.xml").decode()
    assert 'w:author="li"' in document and re.search(r"<w:del\b.*?</w:del>", document) and re.search(r"<w:ins\b.*?</w:ins>", document)
    assert chen.call("GET", f"/api/years/2025/redline?from={first}&to={'0' * 40}")[0] == 404
    assert wang.call("GET", f"/api/years/2025/redline?from={first}&to={second}")[0] == 403
    status, body, _ = li.call("POST", "/api/years/2026/draft", {})
    assert status == 200, body
    (change,) = repo.log(served.office.data, "2026.yaml")
    assert (change.author, change.message) == ("li", "起草2026年度数据文件（由 2025.yaml 滚动生成，3 项数据待填）")
    assert li.call("POST", "/api/years/2026/draft", {})[0] == 409
    assert [c.author for c in repo.log(served.office.data, "2025.yaml")][:1] == ["本机命令行"]  # the edit made outside, committed as such


def test_pages_read_in_chinese(served: Served) -> None:
    """Every page each role opens, and the refusals, with commands (in <code>) set aside."""
    served.client("wang").put("行政复议办结", "230")
    texts = [Client(served.port).call("GET", "/")[1]["text"]]
    for name in PEOPLE:
        client = served.client(name)
        texts += [client.call("GET", path)[1].get("text", "") for path in ("/", "/years/2025", "/years/1999", "/nothing")]
    texts += [Client(served.port).call("GET", "/years/2025")[1]["text"]]
    shown = [re.sub(r"<[^>]+>", " ", re.sub(r"<code>.*?</code>|<(script|style)\b.*?</\1>", " ", text, flags=re.S)) for text in texts]
    assert all(shown) and "各单位填报情况" in "".join(shown) and "数据填报" in "".join(shown) and "审计日志" in "".join(shown)
    assert [english_in(text) for text in shown] == [[]] * len(shown)


def upload(client: Client, path: str, name: str, content: bytes) -> tuple[int, dict]:
    connection = http.client.HTTPConnection("127.0.0.1", client.port, timeout=60)
    try:
        connection.request("POST", path, body=content, headers={"cookie": client.cookie, "x-csrf-token": client.csrf,
                                                                "content-type": "application/octet-stream", "x-file-name": quote(name)})
        response = connection.getresponse()
        return response.status, json.loads(response.read())
    finally:
        connection.close()


def test_the_clerk_merges_a_returned_form_and_absorbs_a_reviewed_docx(served: Served, tmp_path: Path) -> None:
    from openpyxl import load_workbook

    from generator.commands.forms import layout

    li, wang = served.client("li"), served.client("wang")
    path = served.office.data / "2025.yaml"
    assert generator("collect", str(path), "-o", str(tmp_path / "forms")).returncode == 0
    form = tmp_path / "forms" / "2025年法治政府建设数据填报表-区法院.xlsx"
    book = load_workbook(form)
    sheet = book[layout.DATA_SHEET]
    key, value = layout.COLUMNS.index(layout.KEY) + 1, layout.COLUMNS.index(layout.VALUE) + 1
    row = next(r for r in range(layout.HEADER_ROW + 1, sheet.max_row + 1) if sheet.cell(r, key).value == "行政诉讼审结")
    sheet.cell(row, value).value = "一百四十"
    book.save(form)
    status, body = upload(li, "/api/years/2025/merge", form.name, form.read_bytes())
    assert status == 422 and f"{form.name} 第{row}行" in body["error"] and "不是数字" in body["error"] and str(tmp_path) not in body["error"]
    assert upload(wang, "/api/years/2025/merge", form.name, form.read_bytes())[0] == 403
    sheet.cell(row, value).value = 140
    book.save(form)
    status, body = upload(li, "/api/years/2025/merge", f"../../{form.name}", form.read_bytes())
    assert status == 200 and any("行政诉讼审结：填入 140件" in line for line in body["lines"]), body
    assert "行政诉讼审结: {value: 140, last_year: 130," in path.read_text(encoding="utf-8")
    change = repo.log(served.office.data, "2025.yaml")[0]
    assert (change.author, change.message.splitlines()[0]) == ("li", f"合并填报表 {form.name}：1 项")
    assert upload(li, "/api/years/2025/merge", "表.xls", b"x")[1]["error"] == "请选择 .xlsx 文件，而不是“表.xls”"

    import docx

    for name, typed in (("行政复议办结", "230"), ("复议纠错", "11")):
        assert li.put(name, typed)[0] == 200
    status, body, _ = li.call("GET", "/api/years/2025/download/docx")
    document = docx.Document(io.BytesIO(body["raw"]))
    paragraph = next(p for p in document.paragraphs if p.text.startswith("全年办结行政复议案件"))
    for run in paragraph.runs[1:]:
        run.text = ""
    paragraph.runs[0].text = "全年共办结行政复议案件230件，纠错11件，纠错率4.8%；审结行政诉讼案件140件。"
    reviewed = io.BytesIO()
    document.save(reviewed)
    status, body = upload(li, "/api/years/2025/absorb", "审阅稿.docx", reviewed.getvalue())
    assert status == 200, body
    assert "  - 全年共办结行政复议案件{{ 行政复议办结 }}，" in path.read_text(encoding="utf-8")
    change = repo.log(served.office.data, "2025.yaml")[0]
    assert (change.author, change.message.splitlines()[0]) == ("li", "写回审阅稿 审阅稿.docx：1 处改动")


UNITS = 30


def test_thirty_units_submitting_at_once_lose_nothing(tmp_path: Path) -> None:
    """30 units fill and submit at the same moment, three rounds over (the clerk returns them
    all between rounds): every value arrives, every commit is its submitter's, and the page
    keeps answering while they do."""
    figures = "".join(f"  指标{n:02d}: {{last_year: {n}, unit: 件, from: 单位{n:02d}}}\n" for n in range(UNITS))
    data = DATA.split("figures:\n")[0] + "figures:\n" + figures + "body:\n  - 共{{ 指标00 }}。\n"
    people = {"admin": ("管理员", ""), "li": ("经办人", "")} | {f"user{n:02d}": ("填报员", f"单位{n:02d}") for n in range(UNITS)}
    office = make_office(tmp_path / "office", people, data)
    with serving(create_app(office)) as port:
        li = Served(office, port).client("li")
        units = [Served(office, port).client(f"user{n:02d}") for n in range(UNITS)]
        for round_ in range(1, 4):
            start = threading.Barrier(UNITS + 1)
            done = threading.Event()

            def fill(n: int, client: Client) -> tuple[int, int]:
                version = client.figures()[f"指标{n:02d}"]["version"]
                start.wait(timeout=30)
                status, _ = client.put(f"指标{n:02d}", str(round_ * 1000 + n), version)
                return status, client.call("POST", f"/api/years/2025/units/单位{n:02d}/submit", {})[0]

            def poll() -> list[int]:
                seen = []
                start.wait(timeout=30)
                while not done.is_set() or not seen:
                    seen.append(li.call("GET", "/years/2025")[0])
                return seen

            with ThreadPoolExecutor(max_workers=UNITS + 1) as pool:
                poller = pool.submit(poll)
                results = [pool.submit(fill, n, client) for n, client in enumerate(units)]
                statuses = [result.result(timeout=120) for result in results]
                done.set()
                polled = poller.result(timeout=60)
            assert statuses == [(200, 200)] * UNITS
            assert polled and set(polled) == {200}
            text = (office.data / "2025.yaml").read_text(encoding="utf-8")
            assert all(f"指标{n:02d}: {{value: {round_ * 1000 + n}, last_year: {n}," in text for n in range(UNITS))
            commits = repo.log(office.data, "2025.yaml", limit=UNITS * 4)[:UNITS]
            assert sorted((c.author, c.message.split()[0]) for c in commits) == [(f"user{n:02d}", f"指标{n:02d}") for n in range(UNITS)]
            board = li.call("GET", "/api/years/2025/board")[1]
            assert [u["state"] for u in board["units"]] == ["已提交"] * UNITS
            for n in range(UNITS):
                assert li.call("POST", f"/api/years/2025/units/单位{n:02d}/return", {"reason": f"第{round_}轮核对"})[0] == 200
        assert len(repo.log(office.data, "2025.yaml", limit=1000)) == 3 * UNITS + 1  # and the first commit of the data
        assert generator("audit", "verify", "--office-dir", str(office.root)).returncode == 0


def log_in(chromium, port: int, name: str):
    """A fresh browser context logged in as `name` from the keyboard alone; its page and the
    script errors and CSP refusals of its console (a refused request's status is no error)."""
    context = chromium.new_context(viewport={"width": 1300, "height": 900})
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" and not message.text.startswith("Failed to load resource") else None)
    page.goto(f"http://127.0.0.1:{port}/")
    page.wait_for_function("document.activeElement && document.activeElement.id === 'user'")  # autofocus lands a moment after load
    page.keyboard.type(name)  # the name field has the focus
    page.keyboard.press("Tab")
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    page.get_by_role("link", name="2025年度").wait_for()
    return context, page, errors


def test_a_unit_fills_and_submits_in_the_browser_and_the_clerk_takes_it_in(browser, served: Served) -> None:  # noqa: F811
    context, page, errors = log_in(browser, served.port, "wang")
    page.get_by_role("link", name="2025年度").click()
    page.get_by_role("heading", name="2025年度 区司法局 数据填报").wait_for()
    rows = page.locator("#figures tbody tr")
    assert rows.count() == 2
    assert rows.nth(0).locator("th, td").all_inner_texts()[:5] == ["行政复议办结", "办结行政复议案件", "区司法局", "件", "217"]
    page.get_by_label("行政复议办结 本年数值").fill("二百三十")
    page.get_by_label("复议纠错 本年数值").fill("11")
    page.get_by_role("button", name="提交").click()
    page.locator("#status", has_text="未能保存").wait_for()
    assert rows.nth(0).locator(".result").inner_text() == "行政复议办结：“二百三十”不是数字，请只填阿拉伯数字（如 1020）；暂时没有数的请留空"
    assert rows.nth(1).locator(".result").inner_text() == "已保存"
    assert page.locator("#status").inner_text() == "有数字未能保存，请看各行的说明"  # and nothing was submitted
    page.get_by_label("行政复议办结 本年数值").fill("230")
    page.get_by_label("行政复议办结 说明").fill("含上年结转3件")
    page.get_by_role("button", name="提交").click()
    page.locator("#state", has_text="已提交").wait_for()
    assert page.get_by_label("行政复议办结 本年数值").is_disabled()
    assert [(c.author, c.message.splitlines()[0]) for c in repo.log(served.office.data, "2025.yaml")][:2] == [
        ("wang", "行政复议办结 未填 → 230"), ("wang", "复议纠错 未填 → 11")]
    assert errors == []
    context.close()

    context, page, errors = log_in(browser, served.port, "li")
    page.goto(f"http://127.0.0.1:{served.port}/years/2025")
    row = page.locator("#board tbody tr", has_text="区司法局")
    assert row.locator(".state").inner_text() == "已提交"
    row.get_by_role("button", name="采用").focus()
    page.keyboard.press("Enter")
    page.locator("#board tbody tr", has_text="区司法局").locator(".state", has_text="已采用").wait_for()
    history = page.locator("#history tbody tr").all_inner_texts()
    assert "wang\t行政复议办结 未填 → 230 说明：含上年结转3件" in ["\t".join(line.split("\t")[1:3]) for line in history]
    row = page.locator("#board tbody tr", has_text="区司法局")
    row.get_by_label("退回区司法局的理由").fill("请附办结台账")
    row.get_by_role("button", name="退回").click()
    page.locator("#board tbody tr", has_text="区司法局").locator(".state", has_text="退回").wait_for()
    assert errors == []
    context.close()

    context, page, errors = log_in(browser, served.port, "wang")
    page.goto(f"http://127.0.0.1:{served.port}/years/2025")
    assert page.get_by_role("alert").filter(has_text="经办人退回的理由").inner_text() == "经办人退回的理由：请附办结台账"
    assert page.get_by_label("行政复议办结 本年数值").is_enabled()
    context.close()
