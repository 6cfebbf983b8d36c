"""What the office's command-line verbs need beyond the accounts: reading a password, the
first account, the history's lines."""
from __future__ import annotations

import getpass
import sys
from pathlib import Path

from generator import advice
from generator.errors import DataError
from generator.office import accounts, repo
from generator.office.folder import Office


def read_password(from_stdin: bool) -> str:
    """The first line of standard input, or a password typed twice at a prompt."""
    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    first = getpass.getpass("密码：")
    if getpass.getpass("再输入一次：") != first:
        raise DataError(None, "两次输入的密码不一致，账号未改动")
    return first


def add_user(office: Office, name: str, role: str, unit: str, password_from_stdin: bool) -> accounts.User:
    """An account; the office folder is made with the first, which must be an administrator."""
    accounts.check_account(name, role, unit)
    if (not office.exists() or not accounts.listed(office)) and role != "管理员":
        raise DataError(None, f"第一个账号应为管理员：{advice.command('users add 名字 --role 管理员')}")
    password = read_password(password_from_stdin)
    office.prepare()
    return accounts.add(office, name, role, unit, password)


def unit_note(office: Office, unit: str) -> str:
    """A warning when no figure of the newest year's data is asked of this unit (a slip in
    its name would leave the account with an empty form), else ""."""
    from generator.chinese import did_you_mean, years_in
    from generator.commands.forms.units import by_unit
    from generator.pipeline.loader import load

    files = years_in(office.data)
    if not unit or not files:
        return ""
    newest = list(files.values())[-1]
    try:
        units = by_unit(load(newest))
    except DataError:
        return ""
    if unit in units:
        return ""
    return f"{newest.name} 中没有数字由“{unit}”填报（from:）{did_you_mean(unit, units)}；该账号登录后会看到空表"


def history_lines(path: Path) -> list[str]:
    root = repo.root_of(path)
    changes = repo.log(root, path.resolve().relative_to(root).as_posix())
    if not changes:
        return [f"{path}：还没有修改记录"]
    return [f"{change.time}  {change.author}  {change.message.splitlines()[0]}" + (f"（{'；'.join(change.message.splitlines()[2:])}）" if len(change.message.splitlines()) > 2 else "") for change in changes]
