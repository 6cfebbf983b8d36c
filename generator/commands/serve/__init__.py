"""`serve`: a review page for each year's report: rendered, checked, downloadable, and rendered
again whenever its data file is saved. The web libraries are imported when the server starts,
so the other commands do not pay for them."""
from __future__ import annotations

import sys
from pathlib import Path

from generator.errors import DataError

LOOPBACK = ("127.0.0.1", "localhost", "::1")


def run(host: str, port: int, data_dir: Path, out_dir: Path) -> None:
    """Serve until Ctrl+C."""
    import uvicorn

    from generator.commands.serve.app import create_app
    from generator.commands.serve.state import Site

    if not data_dir.is_dir():
        raise DataError(None, f"data folder '{data_dir}' not found")
    if host not in LOOPBACK:
        print(f"note: listening on {host}: everyone who can reach this machine can read the reports (no login)", file=sys.stderr)
    uvicorn.run(create_app(Site(data_dir, out_dir)), host=host, port=port, access_log=False)
