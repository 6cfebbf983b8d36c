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


def _check(args: argparse.Namespace) -> int:
    import json

    from .checks import check

    findings = check(args.data)
    if args.format == "json":
        print(json.dumps([f.as_dict() for f in findings], ensure_ascii=False, indent=2))
    else:
        for finding in findings:
            print(finding.format())
        counts = {s: sum(f.severity == s for f in findings) for s in ("error", "warning", "note")}
        print(f"{args.data}: {counts['error']} errors, {counts['warning']} warnings, {counts['note']} notes")
    return 1 if any(f.severity == "error" for f in findings) else 0


def _draft(args: argparse.Namespace) -> int:
    from .draft import draft

    target, origin, to_fill = draft(args.year, args.data_dir)
    print(f"wrote {target} from {origin}: {to_fill} figures to fill in (python -m generator check {target} lists them)")
    return 0


def _compare(args: argparse.Namespace) -> int:
    from . import compare, layout, yearonyear
    from .build import write_all
    from .loader import load

    last, this = load(args.last), load(args.this)
    print(compare.terminal_text(compare.rows(last, this)), end="")
    out_dir = args.output or Path("out") / str(this.meta.year)
    stem = yearonyear.comparison_stem(last, this)
    profile = layout.load(this.meta.layout or layout.DEFAULT_LAYOUT, args.this.parent)
    written = write_all({
        out_dir / f"{stem}.csv": lambda path: yearonyear.write_comparison_csv(last, this, path),
        out_dir / f"{stem}.docx": lambda path: yearonyear.write_comparison_docx(last, this, profile, path),
    })
    for path in written:
        print(f"wrote {path}")
    return 0


def _diff(args: argparse.Namespace) -> int:
    import datetime

    from . import layout, yearonyear
    from .build import write_all
    from .loader import load
    from .resolve import resolve
    from .writers import diff_html

    new_report = load(args.new)
    old, new = resolve(load(args.old)), resolve(new_report)
    profile = layout.load(args.layout or new.layout or layout.DEFAULT_LAYOUT, args.new.parent)
    author = args.author or new_report.meta.issuer
    when = datetime.datetime.fromisoformat(args.date) if args.date else datetime.datetime.now().replace(microsecond=0)
    stem = yearonyear.redline_stem(new)
    out_dir = args.output or Path("out") / str(new.year)
    written = write_all({
        out_dir / f"{stem}.docx": lambda path: yearonyear.write_redline_docx(old, new, profile, path, author, when),
        out_dir / f"{stem}.html": lambda path: path.write_text(diff_html.render(old, new), encoding="utf-8"),
    })
    for path in written:
        print(f"wrote {path}")
    return 0


def _import(args: argparse.Namespace) -> int:
    from .importer import import_report, write

    imported = import_report(args.source)
    output = args.output or Path("data") / f"{imported.year}.yaml"
    left = write(imported, output, args.force)
    print(imported.summary())
    for difference in left:
        print(f"  differs from the input: {difference}")
    print(f"wrote {output}")
    return 0


def _serve(args: argparse.Namespace) -> int:
    from .serve import run

    run(args.host, args.port, args.data_dir, args.out_dir)
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

    check = commands.add_parser("check", help="validate the data and proofread the report; exit 1 on errors")
    check.add_argument("data", type=Path, help="the data file, e.g. data/2025.yaml")
    check.add_argument("--format", choices=("text", "json"), default="text", help="text for people, json for tools")
    check.set_defaults(run=_check)

    draft = commands.add_parser("draft", help="start next year's data file from the newest earlier one")
    draft.add_argument("year", type=int, help="the year to draft, e.g. 2025")
    draft.add_argument("--data-dir", type=Path, default=Path("data"), help="folder of the <year>.yaml files (default: data)")
    draft.set_defaults(run=_draft)

    compare = commands.add_parser("compare", help="every figure of two years side by side: terminal, CSV and DOCX")
    compare.add_argument("last", type=Path, help="last year's data, e.g. data/2024.yaml")
    compare.add_argument("this", type=Path, help="this year's data, e.g. data/2025.yaml")
    compare.add_argument("-o", "--output", type=Path, help="output folder (default: out/<this year>/)")
    compare.set_defaults(run=_compare)

    diff = commands.add_parser("diff", help="a redline DOCX (Word tracked changes) and HTML of this year's report against last year's")
    diff.add_argument("old", type=Path, help="last year's data, e.g. data/2024.yaml")
    diff.add_argument("new", type=Path, help="this year's data, e.g. data/2025.yaml")
    diff.add_argument("-o", "--output", type=Path, help="output folder (default: out/<new year>/)")
    diff.add_argument("--author", help="the author recorded on each change (default: the new report's issuer)")
    diff.add_argument("--date", help="the date recorded on each change, e.g. 2026-01-15 (default: now)")
    diff.add_argument("--layout", help="layout profile name or file")
    diff.set_defaults(run=_diff)

    importer = commands.add_parser("import", help="start a data file from a published report (.txt or .docx)")
    importer.add_argument("source", type=Path, help="the report's text or Word file, e.g. report.txt")
    importer.add_argument("-o", "--output", type=Path, help="the data file to write (default: data/<year>.yaml)")
    importer.add_argument("--force", action="store_true", help="overwrite the data file if it exists")
    importer.set_defaults(run=_import)

    serve = commands.add_parser("serve", help="a review page in the browser: each year's report, its check findings and downloads, redone on every save")
    serve.add_argument("--host", default="127.0.0.1", help="address to listen on (default: 127.0.0.1, this computer only; 0.0.0.0: the whole network)")
    serve.add_argument("--port", type=int, default=8000, help="port (default: 8000)")
    serve.add_argument("--data-dir", type=Path, default=Path("data"), help="folder of the <year>.yaml files (default: data)")
    serve.add_argument("--out-dir", type=Path, default=Path("out"), help="where the downloads are built, one <year>/ folder each (default: out)")
    serve.set_defaults(run=_serve)
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
