"""What the PDF renderer may load: the project's fonts and templates, nothing else.

WeasyPrint's own fetcher opens any `file:` path and any `http:`, `https:`, `ftp:` or `data:`
URL a page or stylesheet names. A page we print names only the font files of the fonts folder
(@font-face); so every other URL is refused, before anything is opened, and a page that somehow
named a local file or a server would be printed without it.
"""
from __future__ import annotations

import functools
import os
import stat
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote, urlsplit

from generator.resources import fonts_dir, templates_dir

if TYPE_CHECKING:
    from weasyprint.urls import URLFetcher

MAX_BYTES = 64 * 1024 * 1024  # the Fandol fonts are 6 to 8 MB; a CJK collection (.ttc) some 30 MB


def allowed(url: str) -> Path | None:
    """The project file a URL names, or None when it names anything else."""
    parts = urlsplit(url)
    if parts.scheme.lower() != "file" or parts.netloc not in ("", "localhost") or parts.query:
        return None
    try:
        path = Path(unquote(parts.path)).resolve(strict=True)
        status = os.stat(path)
    except (OSError, ValueError, RuntimeError):
        return None
    roots = {folder.resolve() for folder in (fonts_dir(), templates_dir())}
    if not stat.S_ISREG(status.st_mode) or status.st_size > MAX_BYTES or not any(path.is_relative_to(root) for root in roots):
        return None
    return path


@functools.cache
def project_files() -> URLFetcher:
    """The fetcher every render uses (WeasyPrint is imported by then, see writers/pdf/startup.py)."""
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class ProjectFiles(URLFetcher):  # type: ignore[misc]  # WeasyPrint has no type hints
        def fetch(self, url: str, headers: Any = None) -> URLFetcherResponse:
            path = allowed(url)
            if path is None:
                raise ValueError(f"refused: {url[:200]}")
            return URLFetcherResponse(path.as_uri(), path.read_bytes())

    return ProjectFiles(allowed_protocols=("file",), allow_redirects=False)
