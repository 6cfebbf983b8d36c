"""The source digests the patches' guards compare, remembered between processes.

A guard hashes the source of every foreign function its patch replaces or relies on
(`inspect.getsource` tokenizes the module around each): some 15 ms of every cold build, for
files that change only when a package is upgraded. A digest is remembered in the cache folder
with the file it was read from, the file's size and modification time, and the function's
first line; anything else (another file, an upgrade, an edit, a function put in its place)
reads the source again. An unreadable or unwritable cache just means reading every source.
"""
from __future__ import annotations

import hashlib
import inspect
import json
import os
import tempfile
from collections.abc import Callable
from typing import Any

from generator.resources import cache_dir

CACHE_NAME = "patch-source-digests.json"


def source_digest(function: Callable[..., Any]) -> str:
    """SHA-256 of the function's source, read now."""
    return hashlib.sha256(inspect.getsource(function).encode()).hexdigest()


def digests(functions: dict[str, Callable[..., Any]]) -> dict[str, str]:
    """Each named function's source digest, from the cache where its file is unchanged."""
    path = cache_dir() / CACHE_NAME
    cached = _read(path)
    result: dict[str, str] = {}
    changed = False
    for name, function in functions.items():
        key = _key(function)
        entry = cached.get(name)
        if key is not None and isinstance(entry, list) and entry[:-1] == key:
            result[name] = entry[-1]
            continue
        result[name] = source_digest(function)
        if key is not None:
            cached[name] = [*key, result[name]]
            changed = True
    if changed:
        _write(path, cached)
    return result


def _key(function: Callable[..., Any]) -> list[Any] | None:
    """What identifies the source read: file, size, modification time, first line."""
    code = getattr(function, "__code__", None)
    if code is None:
        return None
    try:
        stat = os.stat(code.co_filename)
    except OSError:
        return None
    return [code.co_filename, stat.st_size, stat.st_mtime_ns, code.co_firstlineno]


def _read(path: os.PathLike[str]) -> dict[str, Any]:
    try:
        with open(path, encoding="utf-8") as cache:
            data = json.load(cache)
        return data if isinstance(data, dict) else {}
    except (OSError, ValueError):
        return {}


def _write(path: os.PathLike[str], data: dict[str, Any]) -> None:
    folder = os.path.dirname(path)
    try:
        os.makedirs(folder, exist_ok=True)
        handle, temp = tempfile.mkstemp(dir=folder, suffix=".tmp")
        with os.fdopen(handle, "w", encoding="utf-8") as cache:
            json.dump(data, cache)
        os.replace(temp, path)
    except OSError:
        pass
