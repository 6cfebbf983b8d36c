"""The command line: `python -m generator build|…`. Bad input exits 2 with one message, no traceback."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .errors import DataError


def _build(args: argparse.Namespace) -> int:
    from .build import build, parse_formats

    result = build(args.data, args.output, parse_formats(args.format), args.layout)
    for note in result.notes:
        print(f"note: {note}", file=sys.stderr)
    for path in result.written:
        print(f"wrote {path}")
    return 0


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(prog="python -m generator", description="Draft the annual 法治政府建设情况报告 from data/<year>.yaml.")
    commands = top.add_subparsers(dest="command", required=True, metavar="COMMAND")

    build = commands.add_parser("build", help="render a data file to DOCX, PDF, HTML and TXT")
    build.add_argument("data", type=Path, help="the data file, e.g. data/2024.yaml")
    build.add_argument("-o", "--output", type=Path, help="output folder (default: out/<year>/)")
    build.add_argument("--format", default="docx,pdf,html,txt", help="comma-separated formats (default: docx,pdf,html,txt)")
    build.add_argument("--layout", help="layout profile name or file (default: the data's meta.layout, else gbt9704)")
    build.set_defaults(run=_build)
    return top


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        return args.run(args)
    except DataError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
