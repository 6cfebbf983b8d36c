"""Keep cffi's parses of C declarations across processes: a third of a cold PDF build.

WeasyPrint declares Pango, HarfBuzz and fontconfig to cffi when it is imported and when it first
subsets a font; cffi parses those declarations with pycparser, a pure-Python parser, which takes
about 0.3 s and gives the same result every time. The parse trees are kept in one pickle in the
project's git-ignored .cache/ folder, named after the cffi and pycparser versions and keyed by
the text parsed, so a later process only unpickles them (about 10 ms). The file is only ever
written by this module; an unreadable or unwritable cache just means parsing as before.
"""
from __future__ import annotations

import hashlib
import os
import pickle
import tempfile
from pathlib import Path
from typing import Any, Callable

import cffi
import cffi.cparser
import pycparser

CACHE_DIR = Path(os.environ.get("FAZHI_CACHE_DIR", Path(__file__).resolve().parents[2] / ".cache"))
CACHE_FILE = CACHE_DIR / f"cffi-{cffi.__version__}-pycparser-{pycparser.__version__}.pickle"


class _CachingParser:
    """Stands in for the pycparser parser cffi asks for: parses only what it has not seen."""

    def __init__(self, parse_trees: dict[str, Any], make_parser: Callable[[], Any]) -> None:
        self.parse_trees = parse_trees
        self.make_parser = make_parser  # building pycparser's parser is itself slow: only on a miss

    def parse(self, text: str) -> Any:
        key = hashlib.sha256(text.encode()).hexdigest()
        if key not in self.parse_trees:
            self.parse_trees[key] = self.make_parser().parse(text)
            _save(self.parse_trees)
        return self.parse_trees[key]


def install() -> None:
    """Route cffi's parsing through the cache; idempotent, and a no-op once installed."""
    if getattr(cffi.cparser, "_fazhi_cache_installed", False):
        return
    parse_trees = _load()
    original = cffi.cparser._get_parser
    caching_parser = _CachingParser(parse_trees, original)
    cffi.cparser._get_parser = lambda: caching_parser
    cffi.cparser._fazhi_cache_installed = True


def _load() -> dict[str, Any]:
    try:
        with CACHE_FILE.open("rb") as cache:
            trees = pickle.load(cache)
        return trees if isinstance(trees, dict) else {}
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError):
        return {}


def _save(parse_trees: dict[str, Any]) -> None:
    try:
        CACHE_DIR.mkdir(parents=True, exist_ok=True)
        handle, temp = tempfile.mkstemp(dir=CACHE_DIR, suffix=".tmp")
        with os.fdopen(handle, "wb") as cache:
            pickle.dump(parse_trees, cache, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(temp, CACHE_FILE)
    except OSError:
        pass
