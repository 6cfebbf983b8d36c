"""The data folder as a git repository, written with dulwich (pure Python, no git program).

Each accepted change is one commit authored by the person who made it; `log` reads who changed
a file, when and how. A file changed outside the server (an XLSX merge at the terminal) is
committed as such before the server's next change to it, so no change goes unrecorded.
"""
from __future__ import annotations

import datetime
import time
from dataclasses import dataclass
from pathlib import Path

from dulwich import porcelain
from dulwich.objects import Blob, Commit, Tree
from dulwich.repo import Repo

from generator.errors import DataError

OUTSIDE = "本机命令行"  # the author of changes made to the files outside the server


@dataclass(frozen=True)
class Change:
    """One commit as the history lists it."""

    id: str
    author: str
    time: str  # ISO 8601 with the offset it was made at
    message: str

    def as_dict(self) -> dict[str, str]:
        return {"id": self.id, "author": self.author, "time": self.time, "message": self.message}


def ensure(data: Path) -> None:
    """A repository in `data`, made when there is none, with the files already there committed."""
    if not (data / ".git").exists():
        Repo.init(str(data)).close()
    commit_outside_changes(data)


def signature(name: str) -> bytes:
    """Git's "Name <address>" for an account: the address only says it is this office's."""
    return f"{name} <{name}@office>".encode()


def commit(data: Path, files: list[str], message: str, author: str) -> str:
    """Commit the named files of `data` as they are now; the commit id."""
    with Repo(str(data)) as repository:
        porcelain.add(repository, paths=[str(data / name) for name in files])
        offset = time.localtime().tm_gmtoff
        who = signature(author)
        return porcelain.commit(repository, message=message.encode(), author=who, committer=who,
                                author_timezone=offset, commit_timezone=offset).decode()


def committed(data: Path, name: str, commit_id: str = "") -> bytes | None:
    """The file as a commit (by default the last) has it, None when it is not in that commit."""
    with Repo(str(data)) as repository:
        try:
            commit = repository[commit_id.encode() if commit_id else repository.head()]
        except KeyError:  # no commit yet, or no such commit
            return None
        if not isinstance(commit, Commit):
            return None
        tree = repository[commit.tree]
        assert isinstance(tree, Tree)
        if name.encode() not in tree:
            return None
        blob = repository[tree[name.encode()][1]]
        assert isinstance(blob, Blob)
        return blob.data


def commit_outside_changes(data: Path) -> tuple[str, list[int]]:
    """Commit the <year>.yaml files that differ from the last commit, as made outside the server;
    the commit ("" if none was needed) and the years it changed."""
    from generator.chinese import years_in

    changed = {year: path.name for year, path in years_in(data).items() if committed(data, path.name) != path.read_bytes()}
    if not changed:
        return "", []
    return commit(data, list(changed.values()), f"收录服务器之外的改动：{'、'.join(changed.values())}", OUTSIDE), list(changed)


def log(data: Path, name: str, limit: int = 500) -> list[Change]:
    """The commits that changed the file, newest first."""
    with Repo(str(data)) as repository:
        try:
            repository.head()
        except KeyError:
            return []
        return [_change(entry.commit) for entry in repository.get_walker(paths=[name.encode()], max_entries=limit)]


def last_changes(data: Path, name: str, first: int, last: int) -> list[Change]:
    """The commits that last changed lines `first` to `last` (1-based) of the file as committed
    now, newest first: who wrote what a paragraph says today (git blame)."""
    from dulwich.annotate import annotate_lines

    with Repo(str(data)) as repository:
        try:
            head = repository.head()
        except KeyError:
            return []
        lines = annotate_lines(repository.object_store, head, name.encode())
        commits = {entry[0][0].id: entry[0][0] for entry in lines[first - 1:last]}
        return sorted((_change(commit) for commit in commits.values()), key=lambda change: change.time, reverse=True)


def root_of(path: Path) -> Path:
    """The repository holding a file (its folder or one above), as `history` is given a file."""
    for folder in [path.resolve().parent, *path.resolve().parent.parents]:
        if (folder / ".git").exists():
            return folder
    raise DataError(None, f"{path} 不在办公室的数据仓库中：history 只能列出 serve --office 所用 data 文件夹中的文件，例如 office/data/2025.yaml")


def _change(commit: Commit) -> Change:
    author = commit.author.decode(errors="replace").split(" <")[0]
    zone = datetime.timezone(datetime.timedelta(seconds=commit.author_timezone))
    when = datetime.datetime.fromtimestamp(commit.author_time, zone).isoformat()
    return Change(commit.id.decode(), author, when, commit.message.decode(errors="replace").strip())

