"""The office folder: everything one office's server keeps, in one place that a backup copies.

    <office>/data/          the data files, a git repository (generator.office.repo)
    <office>/office.db      accounts, sessions, failed logins, submissions, reviews uploaded and
                            comments on the page, the audit log (SQLite)
    <office>/settings.json  names the server may be addressed by, deadlines, session length

The database is opened anew by each request (SQLite connections stay in their thread) in WAL
mode, so readers never wait for a writer and a backup can run while the server does.
"""
from __future__ import annotations

import contextlib
import json
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from generator import advice
from generator.errors import DataError

ROLES = ("管理员", "经办人", "审核人", "填报员")
SETTINGS_CAP = 64 * 1024  # bytes: settings.json is a handful of names and dates

_SCHEMA = """
CREATE TABLE IF NOT EXISTS users (
    name TEXT PRIMARY KEY, role TEXT NOT NULL, unit TEXT NOT NULL DEFAULT '',
    hash TEXT NOT NULL, disabled INTEGER NOT NULL DEFAULT 0, created TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS sessions (
    id TEXT PRIMARY KEY, user TEXT NOT NULL, csrf TEXT NOT NULL, expires REAL NOT NULL);
CREATE TABLE IF NOT EXISTS failures (key TEXT NOT NULL, at REAL NOT NULL);
CREATE INDEX IF NOT EXISTS failures_key ON failures (key, at);
CREATE TABLE IF NOT EXISTS submissions (
    year INTEGER NOT NULL, unit TEXT NOT NULL, state TEXT NOT NULL, by TEXT NOT NULL,
    at TEXT NOT NULL, reason TEXT NOT NULL DEFAULT '', PRIMARY KEY (year, unit));
CREATE TABLE IF NOT EXISTS audit (
    seq INTEGER PRIMARY KEY, at TEXT NOT NULL, user TEXT NOT NULL, address TEXT NOT NULL,
    action TEXT NOT NULL, detail TEXT NOT NULL, prev TEXT NOT NULL, hash TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS reviews (
    id INTEGER PRIMARY KEY, year INTEGER NOT NULL, name TEXT NOT NULL, by TEXT NOT NULL, at TEXT NOT NULL,
    base TEXT NOT NULL, docx BLOB NOT NULL, plan TEXT NOT NULL, state TEXT NOT NULL,
    decided_by TEXT NOT NULL DEFAULT '', decided_at TEXT NOT NULL DEFAULT '');
CREATE TABLE IF NOT EXISTS comments (
    id INTEGER PRIMARY KEY, year INTEGER NOT NULL, path TEXT NOT NULL, by TEXT NOT NULL, at TEXT NOT NULL, text TEXT NOT NULL);
CREATE TRIGGER IF NOT EXISTS audit_no_update BEFORE UPDATE ON audit
    BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
CREATE TRIGGER IF NOT EXISTS audit_no_delete BEFORE DELETE ON audit
    BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
"""


@dataclass(frozen=True)
class Settings:
    """What the administrator may set in settings.json."""

    names: tuple[str, ...] = ()  # host names the server is reached by, beside its address and localhost
    deadlines: dict[str, str] = field(default_factory=dict)  # year → the units' deadline, 2026-01-31
    session_hours: float = 8.0


@dataclass(frozen=True)
class Office:
    root: Path

    @property
    def data(self) -> Path:
        return self.root / "data"

    @property
    def database(self) -> Path:
        return self.root / "office.db"

    @property
    def settings_file(self) -> Path:
        return self.root / "settings.json"

    def prepare(self) -> None:
        """Make the folder, the repository and the tables, keeping whatever is there."""
        from generator.office import repo

        self.data.mkdir(parents=True, exist_ok=True)
        repo.ensure(self.data)
        with self.connect() as db:
            db.executescript(_SCHEMA)

    def exists(self) -> bool:
        return self.database.is_file()

    def require(self) -> Office:
        if not self.exists():
            raise DataError(None, f"{self.root} 不是办公室文件夹（其中没有 office.db）：请先用 {advice.command(f'users add 名字 --role 管理员 --office-dir {self.root}')} 建立第一个管理员")
        return self

    @contextlib.contextmanager
    def connect(self) -> Iterator[sqlite3.Connection]:
        db = sqlite3.connect(self.database, timeout=30, isolation_level=None)
        try:
            db.execute("PRAGMA journal_mode=WAL")
            db.row_factory = sqlite3.Row
            yield db
        finally:
            db.close()

    def settings(self) -> Settings:
        if not self.settings_file.is_file():
            return Settings()
        if self.settings_file.stat().st_size > SETTINGS_CAP:
            raise DataError(None, f"{self.settings_file} 超过 {SETTINGS_CAP // 1024} KB，不像设置文件")
        try:
            raw = json.loads(self.settings_file.read_text(encoding="utf-8"))
            names = tuple(str(name).lower() for name in raw.get("names", ()))
            deadlines = {str(year): str(day) for year, day in raw.get("deadlines", {}).items()}
            return Settings(names, deadlines, float(raw.get("session_hours", 8.0)))
        except (ValueError, TypeError, AttributeError):
            raise DataError(None, f"{self.settings_file} 不是有效的设置文件：应为 JSON，例如 {{\"names\": [\"fazhi.example.gov.cn\"], \"deadlines\": {{\"2025\": \"2026-01-31\"}}}}") from None


def set_deadline(office: Office, year: int, day: str) -> None:
    """Write a year's deadline into settings.json, keeping everything else the file holds."""
    from generator.atomic import write_all

    office.settings()  # refuses a settings file that is not one
    raw = json.loads(office.settings_file.read_text(encoding="utf-8")) if office.settings_file.is_file() else {}
    raw.setdefault("deadlines", {})[str(year)] = day
    text = json.dumps(raw, ensure_ascii=False, indent=2) + "\n"
    write_all({office.settings_file: lambda temp: temp.write_text(text, encoding="utf-8")})


@contextlib.contextmanager
def transaction(db: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    """BEGIN IMMEDIATE … COMMIT: writers of the database take their turn, across processes too."""
    db.execute("BEGIN IMMEDIATE")
    try:
        yield db
    except BaseException:
        db.execute("ROLLBACK")
        raise
    db.execute("COMMIT")
