"""The Typst peer of `make bench`: the same report typeset by Typst, with the same fonts.

`typst_source(document)` writes the public edition of a resolved report as Typst markup, in
the layout the PDF writer follows (A4, type area 156 × 225 mm from 37 mm top and 28 mm left,
22 lines of 28.95 pt, 3号仿宋 body with a two-character indent, 2号小标宋 title, 黑体 and 楷体
headings, "— n —" page numbers on the outer side) and the Fandol fonts of `.fonts/`. It is not
our PDF: it is what a document of the same length and fonts costs a fast typesetter, so the
bench can print how far our build is from it.

The `typst` package runs in the bench's own environment (`.cache/bench/typst`, made by
`ensure_environment` with the pinned version of `benchmarks/typst-requirements.txt`), never
in the project's `.venv`.
"""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from generator.pipeline.document import Block, Document, Heading, Paragraph, Table

ROOT = Path(__file__).resolve().parent.parent
REQUIREMENTS = ROOT / "benchmarks" / "typst-requirements.txt"
ENVIRONMENT = ROOT / ".cache" / "bench" / "typst"

FONTS = {  # role → the Fandol family the PDF embeds for it
    "title": ("FandolSong", "bold"),
    "body": ("FandolFang R", "regular"),  # the family name Typst reads from the file
    "heading1": ("FandolHei", "regular"),
    "heading2": ("FandolKai", "regular"),
    "page_number": ("FandolSong", "regular"),
}

PREAMBLE = """\
#set page(paper: "a4", margin: (top: 37mm, bottom: 35mm, left: 28mm, right: 26mm),
  footer-descent: 7mm,
  footer: context {
    let n = counter(page).get().first()
    set text(font: "FandolSong", size: 14pt)
    if calc.odd(n) { align(right)[— #n —#h(1em)] } else { align(left)[#h(1em)— #n —] }
  })
#set text(font: "FandolFang R", size: 16pt, lang: "zh", region: "cn", tracking: -0.21pt)
#set par(justify: true, first-line-indent: (amount: 2em, all: true), leading: 12.95pt, spacing: 12.95pt)
"""


def _escape(text: str) -> str:
    """Text as Typst markup: every character Typst gives a meaning is escaped."""
    return "".join(f"\\{c}" if c in "\\#*_`$<>@[]~/=-+'\"" else c for c in text)


def _font(role: str) -> str:
    family, weight = FONTS.get(role, FONTS["body"])
    return f'font: "{family}", weight: "{weight}"'


def _blocks(blocks: tuple[Block, ...]) -> list[str]:
    out = []
    for block in blocks:
        if isinstance(block, Heading):
            role = f"heading{min(block.level, 2)}" if block.level <= 2 else "body"
            out.append(f"#par[#text({_font(role)})[{_escape(block.full_text)}]]")
        elif isinstance(block, Paragraph):
            spans = "".join(
                f"#text({_font(span.role if span.role in FONTS else 'body')})[{_escape(span.text)}]" if span.role else _escape(span.text)
                for span in block.spans
            )
            out.append(spans)
        elif isinstance(block, Table):
            cells = ", ".join(f"[{_escape(cell)}]" for row in (block.header, *block.rows) for cell in row)
            out.append(f"#table(columns: {len(block.header)}, {cells})")
        out.append("")
    return out


def typst_source(document: Document) -> str:
    """The public edition of `document` as a Typst document."""
    title = "\\\n".join(_escape(line) for line in document.title_lines)
    lines = [PREAMBLE, f"#align(center)[#text({_font('title')}, size: 22pt)[{title}]]", ""]
    lines += _blocks(document.body)
    if document.signature_issuer:
        lines += [f"#align(right)[{_escape(document.signature_issuer)}#h(2em)]", "",
                  f"#align(right)[{_escape(document.signature_date)}#h(4em)]", ""]
    for attachment in document.attachments:
        lines += ["#pagebreak()", f"#text({_font('heading1')})[{_escape(attachment.label)}]", "",
                  f"#align(center)[#text({_font('title')}, size: 22pt)[{_escape(attachment.title)}]]", ""]
        lines += _blocks(attachment.body)
    return "\n".join(lines) + "\n"


def ensure_environment() -> Path | None:
    """The bench's Python with the pinned `typst` package (made once); None, with the reason
    printed, when it cannot be made (no network to the package index, say)."""
    python = ENVIRONMENT / "bin" / "python"
    stamp = ENVIRONMENT / ".installed"
    wanted = REQUIREMENTS.read_text(encoding="utf-8")
    if stamp.is_file() and stamp.read_text(encoding="utf-8") == wanted and python.exists():
        return python
    try:
        subprocess.run([sys.executable, "-m", "venv", "--clear", str(ENVIRONMENT)], check=True, capture_output=True)
        subprocess.run([str(python), "-m", "pip", "install", "-q", "-r", str(REQUIREMENTS)], check=True, capture_output=True)
    except (OSError, subprocess.CalledProcessError) as error:
        print(f"Typst peer skipped: could not install {wanted.strip()} into {ENVIRONMENT} ({error})")
        return None
    stamp.write_text(wanted, encoding="utf-8")
    return python


COLD = """
import sys, typst
typst.compile(sys.argv[1], output=sys.argv[2], font_paths=[sys.argv[3]], ignore_system_fonts=True)
"""

WARM = """
import sys, time, typst, statistics
compiler = typst.Compiler(sys.argv[1], font_paths=[sys.argv[3]], ignore_system_fonts=True)
compiler.compile(output=sys.argv[2])
times = []
for _ in range(int(sys.argv[4])):
    start = time.perf_counter()
    compiler.compile(output=sys.argv[2])
    times.append(time.perf_counter() - start)
print(statistics.median(times))
"""


def cold_command(python: Path, source: Path, pdf: Path, fonts: Path) -> list[str]:
    return [str(python), "-c", COLD, str(source), str(pdf), str(fonts)]


def warm_seconds(python: Path, source: Path, pdf: Path, fonts: Path, runs: int) -> float:
    """Median seconds of a re-compile in one warm Typst compiler."""
    result = subprocess.run([str(python), "-c", WARM, str(source), str(pdf), str(fonts), str(runs)],
                            check=True, capture_output=True, text=True)
    return float(result.stdout)
