"""Where the files that travel with the package are: templates/ and the fonts folder.

In the source tree `templates/` sits beside `generator/`; an installed package carries it as
`generator/templates/` (pyproject.toml maps it there), so both places are looked at.
"""
from __future__ import annotations

import os
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
FONTS_DIR_ENV = "FAZHI_FONTS_DIR"
CACHE_DIR_ENV = "FAZHI_CACHE_DIR"


def _project_dir() -> Path:
    """The checkout holding the package, or the current folder for an installed package."""
    return PACKAGE_DIR.parent if (PACKAGE_DIR.parent / "pyproject.toml").is_file() else Path.cwd()


def templates_dir() -> Path:
    installed = PACKAGE_DIR / "templates"
    return installed if installed.is_dir() else PACKAGE_DIR.parent / "templates"


def fonts_dir() -> Path:
    """The project's font folder (.fonts/, filled by make setup); FAZHI_FONTS_DIR points elsewhere."""
    override = os.environ.get(FONTS_DIR_ENV)
    return Path(override) if override else _project_dir() / ".fonts"


def cache_dir() -> Path:
    """The project's git-ignored cache folder; FAZHI_CACHE_DIR points elsewhere."""
    override = os.environ.get(CACHE_DIR_ENV)
    return Path(override) if override else _project_dir() / ".cache"
