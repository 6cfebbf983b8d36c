"""The audit log: what is not a commit (logins, accounts, submissions taken in or returned,
approvals, downloads of the formal edition), one row each, append-only.

Each entry carries the hash of the one before it (SHA-256 over the previous hash and the entry's
own fields), so an entry changed or removed afterwards breaks the chain at that point; triggers
in the database refuse updates and deletions, and `verify` finds the first broken entry.
"""
from __future__ import annotations

import datetime
import hashlib
import json
import sqlite3

from generator.office.folder import Office, transaction

GENESIS = "0" * 64


def record(office: Office, user: str, action: str, detail: str = "", address: str = "") -> None:
    with office.connect() as db, transaction(db):
        append(db, user, action, detail, address)


def append(db: sqlite3.Connection, user: str, action: str, detail: str = "", address: str = "") -> None:
    """Add an entry inside the caller's transaction (which keeps the chain in order)."""
    last = db.execute("SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1").fetchone()
    seq, prev = (last["seq"] + 1, last["hash"]) if last else (1, GENESIS)
    at = datetime.datetime.now().astimezone().isoformat(timespec="seconds")
    digest = _hash(prev, seq, at, user, address, action, detail)
    db.execute("INSERT INTO audit VALUES (?, ?, ?, ?, ?, ?, ?, ?)", (seq, at, user, address, action, detail, prev, digest))


def entries(office: Office, limit: int = 200) -> list[dict[str, object]]:
    with office.connect() as db:
        rows = db.execute("SELECT seq, at, user, address, action, detail FROM audit ORDER BY seq DESC LIMIT ?", (limit,))
        return [dict(row) for row in rows]


def verify(office: Office) -> tuple[int, str]:
    """(entries checked, "" when the chain is whole, else what is wrong with the first broken entry)."""
    prev, expected_seq = GENESIS, 1
    with office.connect() as db:
        for row in db.execute("SELECT * FROM audit ORDER BY seq"):
            if row["seq"] != expected_seq:
                return expected_seq - 1, f"第 {expected_seq} 条记录缺失（下一条是第 {row['seq']} 条）"
            if row["prev"] != prev:
                return expected_seq - 1, f"第 {row['seq']} 条记录（{row['at']} {row['user']} {row['action']}）所记的上一条哈希与上一条不符"
            if _hash(prev, row["seq"], row["at"], row["user"], row["address"], row["action"], row["detail"]) != row["hash"]:
                return expected_seq - 1, f"第 {row['seq']} 条记录（{row['at']} {row['user']} {row['action']}）的内容与其哈希不符，记录被改动过"
            prev, expected_seq = row["hash"], expected_seq + 1
    return expected_seq - 1, ""


def _hash(prev: str, seq: int, at: str, user: str, address: str, action: str, detail: str) -> str:
    fields = json.dumps([seq, at, user, address, action, detail], ensure_ascii=False)
    return hashlib.sha256(f"{prev}\n{fields}".encode()).hexdigest()
