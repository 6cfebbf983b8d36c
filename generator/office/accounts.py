"""Accounts, sessions and the login throttle.

Passwords are kept as argon2 hashes (argon2-cffi); a session is a random token from `secrets`
whose SHA-256 alone is stored, so the database does not hold a usable cookie; each session has
its own CSRF token. Failed logins are counted per account and per address over a window; past
the limit the login is refused before the password is even checked.
"""
from __future__ import annotations

import datetime
import functools
import hashlib
import secrets
import sqlite3
import threading
import time
from dataclasses import dataclass

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from generator.errors import DataError
from generator.office import audit
from generator.office.folder import ROLES, Office, transaction

ACCOUNT_LIMIT = 5  # failed logins of one account within WINDOW
ADDRESS_LIMIT = 20  # failed logins from one address within WINDOW
WINDOW = 15 * 60  # seconds
PASSWORD_MIN, PASSWORD_MAX = 8, 200
_HASHER = PasswordHasher()
# argon2 takes 64 MiB per hash: logins arriving together take turns, two at a time.
_HASHING = threading.BoundedSemaphore(2)


@dataclass(frozen=True)
class User:
    name: str
    role: str
    unit: str
    disabled: bool = False

    def as_dict(self) -> dict[str, object]:
        return {"name": self.name, "role": self.role, "unit": self.unit, "disabled": self.disabled}


@dataclass(frozen=True)
class Session:
    token: str  # the cookie's value; only its hash is stored
    user: User
    csrf: str
    expires: float


class Refused(Exception):
    """A request refused, with its HTTP status and the Chinese sentence the person reads."""

    def __init__(self, status: int, message: str, **extra: object) -> None:
        super().__init__(message)
        self.status, self.message, self.extra = status, message, extra


def check_name(name: str) -> str:
    cleaned = name.strip()
    if not 1 <= len(cleaned) <= 32 or not cleaned.isprintable() or any(c in cleaned for c in " <>@/\\"):
        raise DataError(None, f"账号名“{name}”不可用：应为 1 至 32 个字符，不含空格和 < > @ / \\")
    return cleaned


def check_password(password: str) -> str:
    if not PASSWORD_MIN <= len(password) <= PASSWORD_MAX:
        raise DataError(None, f"密码应为 {PASSWORD_MIN} 至 {PASSWORD_MAX} 个字符")
    return password


def check_account(name: str, role: str, unit: str) -> tuple[str, str]:
    """The name and unit of a new account, or a DataError saying what is wrong with them."""
    if role not in ROLES:
        raise DataError(None, f"角色应为 {'、'.join(ROLES)} 之一，而不是“{role}”")
    if role == "填报员" and not unit.strip():
        raise DataError(None, "填报员须用 --unit 指明所属单位（与数据文件中数字的 from: 相同），例如 --unit 区司法局")
    return check_name(name), unit.strip()


def add(office: Office, name: str, role: str, unit: str, password: str, by: str = "") -> User:
    name, unit = check_account(name, role, unit)
    digest = _HASHER.hash(check_password(password))
    now = datetime.datetime.now().astimezone().isoformat(timespec="seconds")
    with office.connect() as db, transaction(db):
        if db.execute("SELECT 1 FROM users WHERE name = ?", (name,)).fetchone():
            raise DataError(None, f"账号“{name}”已存在；改密码请用 users passwd {name}")
        db.execute("INSERT INTO users (name, role, unit, hash, created) VALUES (?, ?, ?, ?, ?)", (name, role, unit, digest, now))
        audit.append(db, by or name, "新建账号", f"{name}（{role}{'，' + unit if unit else ''}）")
    return User(name, role, unit)


def listed(office: Office) -> list[User]:
    with office.connect() as db:
        rows = db.execute("SELECT name, role, unit, disabled FROM users ORDER BY role, unit, name").fetchall()
    return [User(row["name"], row["role"], row["unit"], bool(row["disabled"])) for row in rows]


def set_password(office: Office, name: str, password: str, by: str = "") -> None:
    digest = _HASHER.hash(check_password(password))
    with office.connect() as db, transaction(db):
        if db.execute("UPDATE users SET hash = ? WHERE name = ?", (digest, name)).rowcount == 0:
            raise DataError(None, f"没有账号“{name}”；users list 列出全部账号")
        db.execute("DELETE FROM sessions WHERE user = ?", (name,))
        audit.append(db, by or name, "修改密码", name)


def disable(office: Office, name: str, by: str = "") -> None:
    with office.connect() as db, transaction(db):
        if db.execute("UPDATE users SET disabled = 1 WHERE name = ?", (name,)).rowcount == 0:
            raise DataError(None, f"没有账号“{name}”；users list 列出全部账号")
        db.execute("DELETE FROM sessions WHERE user = ?", (name,))
        audit.append(db, by or name, "停用账号", name)


def login(office: Office, name: str, password: str, address: str) -> Session:
    """A new session, or Refused: 429 while throttled, 401 for a wrong name or password."""
    now = time.time()
    with office.connect() as db:
        db.execute("DELETE FROM failures WHERE at < ?", (now - WINDOW,))
        if _failures(db, f"user:{name}") >= ACCOUNT_LIMIT or _failures(db, f"addr:{address}") >= ADDRESS_LIMIT:
            audit.record(office, name, "登录被限制", "失败次数过多", address)
            raise Refused(429, f"登录失败次数过多，请 {WINDOW // 60} 分钟后再试，或请管理员重设密码")
        row = db.execute("SELECT * FROM users WHERE name = ? AND disabled = 0", (name,)).fetchone()
    if not _verified(row["hash"] if row is not None else _unknown_hash(), password) or row is None:
        with office.connect() as db, transaction(db):
            db.executemany("INSERT INTO failures VALUES (?, ?)", [(f"user:{name}", now), (f"addr:{address}", now)])
            audit.append(db, name, "登录失败", "", address)
        raise Refused(401, "账号或密码不对（账号停用时也不能登录）")
    user = User(row["name"], row["role"], row["unit"])
    token, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
    expires = now + office.settings().session_hours * 3600
    with office.connect() as db, transaction(db):
        db.execute("DELETE FROM failures WHERE key = ?", (f"user:{name}",))
        db.execute("DELETE FROM sessions WHERE expires < ?", (now,))
        db.execute("INSERT INTO sessions VALUES (?, ?, ?, ?)", (_stored(token), user.name, csrf, expires))
        audit.append(db, user.name, "登录", "", address)
    return Session(token, user, csrf, expires)


def session(office: Office, token: str) -> Session | None:
    """The live session of a cookie, None for an unknown, expired or disabled one."""
    if not token:
        return None
    with office.connect() as db:
        row = db.execute(
            "SELECT s.csrf, s.expires, u.name, u.role, u.unit FROM sessions s JOIN users u ON u.name = s.user "
            "WHERE s.id = ? AND s.expires > ? AND u.disabled = 0", (_stored(token), time.time())).fetchone()
    return None if row is None else Session(token, User(row["name"], row["role"], row["unit"]), row["csrf"], row["expires"])


def logout(office: Office, current: Session, address: str) -> None:
    with office.connect() as db, transaction(db):
        db.execute("DELETE FROM sessions WHERE id = ?", (_stored(current.token),))
        audit.append(db, current.user.name, "退出", "", address)


def _failures(db: sqlite3.Connection, key: str) -> int:
    return int(db.execute("SELECT count(*) FROM failures WHERE key = ?", (key,)).fetchone()[0])


@functools.cache
def _unknown_hash() -> str:
    """What a login to an unknown account is checked against: it takes as long as a known one's,
    so the time of the answer does not tell which names exist."""
    return _HASHER.hash(secrets.token_urlsafe(16))


def _verified(digest: str, password: str) -> bool:
    with _HASHING:
        try:
            return _HASHER.verify(digest, password)
        except (VerificationError, InvalidHashError):
            return False


def _stored(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()
