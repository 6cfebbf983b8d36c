"""All-or-nothing writing: every command that writes files writes them through `write_all`.

Each output is first written to a temporary file beside its target; only when every writer has
succeeded are they renamed into place, so a failed run leaves the files already there untouched.
"""
from __future__ import annotations

import os
import tempfile
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
        for temp, target in staged:
            os.chmod(temp, 0o666 & ~_UMASK)  # temporary files are private; outputs are not
            os.replace(temp, target)
        return [target for _, target in staged]
    finally:
        for temp, _ in staged:
            temp.unlink(missing_ok=True)
