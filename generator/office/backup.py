"""`backup` and `restore`: the office folder as one ZIP file, taken while the server runs.

The snapshot is consistent without stopping anything: the repository's references are read
first and the objects after them (git objects never change once written, so whatever a
reference names is already there); the database is copied through SQLite's backup API, which
sees one committed state of accounts, submissions and the audit log. The working files of data/
are not copied: `restore` writes them from the repository, so data and history cannot disagree.
"""
from __future__ import annotations

import datetime
import json
import shutil
import sqlite3
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from dulwich import porcelain
from dulwich.repo import Repo

from generator.atomic import write_all
from generator.errors import DataError
from generator.office import audit
from generator.office.folder import Office

MANIFEST = "manifest.json"
GIT = "data/.git"
MEMBER_CAP = 200_000  # files in a backup
SIZE_CAP = 4 * 1024**3  # bytes, unpacked
_SKIPPED = ("index",)


@dataclass(frozen=True)
class Snapshot:
    head: str
    users: int
    audit_entries: int
    files: int


def backup(office: Office, target: Path) -> Snapshot:
    office.require()
    if target.suffix.lower() != ".zip":
        raise DataError(None, f"备份文件应以 .zip 结尾，例如 备份-{datetime.date.today():%Y%m%d}.zip，而不是 {target}")
    made: list[Snapshot] = []
    write_all({target: lambda temp: made.append(_write(office, temp))})
    return made[0]


def _write(office: Office, temp: Path) -> Snapshot:
    git = office.data / ".git"
    references = {path: path.read_bytes() for path in [git / "HEAD", git / "packed-refs", *(git / "refs").rglob("*")] if path.is_file() and _kept(path)}
    head = _resolved(git, references)
    files = 0
    with zipfile.ZipFile(temp, "w", zipfile.ZIP_DEFLATED) as archive:
        for path, content in references.items():
            archive.writestr(f"{GIT}/{path.relative_to(git).as_posix()}", content)
            files += 1
        for path in sorted(git.rglob("*")):
            if path.is_file() and path not in references and _kept(path) and "refs" not in path.relative_to(git).parts[:1]:
                archive.write(path, f"{GIT}/{path.relative_to(git).as_posix()}")
                files += 1
        with tempfile.TemporaryDirectory() as folder:
            copy = Path(folder) / "office.db"
            with office.connect() as db, sqlite3.connect(copy) as target:
                db.backup(target)
                users = target.execute("SELECT count(*) FROM users").fetchone()[0]
                entries = target.execute("SELECT count(*) FROM audit").fetchone()[0]
            target.close()
            archive.write(copy, "office.db")
        if office.settings_file.is_file():
            archive.write(office.settings_file, "settings.json")
        snapshot = Snapshot(head, users, entries, files + 2)
        archive.writestr(MANIFEST, json.dumps({"format": 1, "made": datetime.datetime.now().astimezone().isoformat(timespec="seconds"),
                                               "head": head, "users": users, "audit_entries": entries}, ensure_ascii=False, indent=2))
    return snapshot


def _kept(path: Path) -> bool:
    """Not the index (restore rebuilds it) nor a file dulwich is still writing (a .lock or tmp_
    file, renamed into place when complete)."""
    return path.name not in _SKIPPED and not path.name.endswith(".lock") and not path.name.startswith("tmp_")


def _resolved(git: Path, references: dict[Path, bytes]) -> str:
    """The commit HEAD names in the references as read."""
    lines = references.get(git / "packed-refs", b"").decode().splitlines()
    packed = {name: sha for sha, _, name in (line.partition(" ") for line in lines if line[:1] not in ("#", "^", ""))}
    head = references[git / "HEAD"].decode().strip()
    while head.startswith("ref: "):
        name = head[5:]
        head = references[git / name].decode().strip() if git / name in references else packed.get(name, "")
    return head


def restore(archive_path: Path, target: Path) -> Snapshot:
    """Unpack a backup into an empty (or new) folder and write data/ from its repository."""
    if target.exists() and (not target.is_dir() or any(target.iterdir())):
        raise DataError(None, f"{target} 不是空文件夹：恢复只写入空文件夹或新文件夹，以免覆盖现有的数据")
    try:
        archive = zipfile.ZipFile(archive_path)
    except (zipfile.BadZipFile, OSError):
        raise DataError(None, f"{archive_path} 不是备份文件（无法作为 ZIP 打开）") from None
    with archive:
        members = archive.infolist()
        names = {member.filename for member in members}
        if MANIFEST not in names or "office.db" not in names or f"{GIT}/HEAD" not in names:
            raise DataError(None, f"{archive_path} 不是由 backup 生成的备份文件（缺少 {MANIFEST}、office.db 或数据仓库）")
        if len(members) > MEMBER_CAP or sum(member.file_size for member in members) > SIZE_CAP:
            raise DataError(None, f"{archive_path} 超出上限（{MEMBER_CAP} 个文件或 {SIZE_CAP // 1024**3} GB），不像本工具的备份")
        for member in members:
            if not _safe(member.filename):
                raise DataError(None, f"{archive_path} 中有不安全的路径“{member.filename}”，未恢复")
        manifest = json.loads(archive.read(MANIFEST))
        target.parent.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=f".{target.name}.", dir=target.parent))
        try:
            archive.extractall(staging)
            (staging / MANIFEST).unlink()
            with Repo(str(staging / "data")) as repository:
                porcelain.reset(repository, "hard", "HEAD")
            office = Office(staging)
            checked, broken = audit.verify(office)
            if broken:
                raise DataError(None, f"{archive_path} 中的审计日志不完整：{broken}")
            if target.exists():
                target.rmdir()
            staging.rename(target)
        finally:
            shutil.rmtree(staging, ignore_errors=True)
    restored = Office(target)
    with restored.connect() as db:
        users = db.execute("SELECT count(*) FROM users").fetchone()[0]
    return Snapshot(str(manifest.get("head", "")), users, checked, len(members))


def _safe(name: str) -> bool:
    path = PurePosixPath(name)
    return not path.is_absolute() and ".." not in path.parts and "\\" not in name and (
        name in (MANIFEST, "office.db", "settings.json") or name.startswith(f"{GIT}/"))
