"""All-or-nothing writing: every command that writes files writes them through `write_all`.

Each output is first written to a temporary file beside its target; only when every writer has
succeeded are they renamed into place, so a failed run leaves the files already there untouched.
The renames of one run hold a lock on the folder, so runs writing into the same folder at once
leave the set of one of them, never a mix.
"""
from __future__ import annotations

import contextlib
import fcntl
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Callable

_UMASK = os.umask(0)
os.umask(_UMASK)


def write_all(outputs: dict[Path, Callable[[Path], object]]) -> list[Path]:
    """Call each writer on a temporary file beside its target; rename all into place only when
    every writer succeeded. Returns the targets written."""
    staged: list[tuple[Path, Path]] = []
    try:
        for target, write in outputs.items():
            target.parent.mkdir(parents=True, exist_ok=True)
            handle, temp_name = tempfile.mkstemp(prefix=f".{target.stem}.", suffix=f"{target.suffix}.tmp", dir=target.parent)
            os.close(handle)
            staged.append((Path(temp_name), target))
            write(Path(temp_name))
        with _locked({target.parent for _, target in staged}):
            for temp, target in staged:
                os.chmod(temp, 0o666 & ~_UMASK)  # temporary files are private; outputs are not
                os.replace(temp, target)
        return [target for _, target in staged]
    finally:
        for temp, _ in staged:
            temp.unlink(missing_ok=True)


@contextlib.contextmanager
def _locked(folders: set[Path]) -> Iterator[None]:
    """An exclusive lock on each folder itself (flock on the folder: no lock file is left
    behind), taken in a fixed order so that two runs cannot wait on each other."""
    with contextlib.ExitStack() as stack:
        for folder in sorted(folders):
            descriptor = os.open(folder, os.O_RDONLY)
            stack.callback(os.close, descriptor)
            fcntl.flock(descriptor, fcntl.LOCK_EX)
        yield


@contextlib.contextmanager
def folder_lock(folder: Path) -> Iterator[None]:
    """The lock `write_all` holds on a folder while it renames: for a step that must not
    interleave with a run writing there (generator/outputs.py's record of what is current)."""
    with _locked({folder}):
        yield
