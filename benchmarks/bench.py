"""`make bench`: how long a clerk waits, and what a city pays for many districts.

Whole processes are timed as a user runs them (median of several runs); the warm and batch
figures are measured inside one process. Prints a table; asserts nothing.

Child processes run without PYTHONDONTWRITEBYTECODE, which some sandboxes and CI set: on a
user's machine Python keeps compiled modules (.pyc) and a cold start reads them instead of
compiling every module again. The table says so, and gives the machine's load average before
and after: on a busy machine every figure is higher.
"""
from __future__ import annotations

import gc
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "data" / "2024.yaml"
RUNS = int(os.environ.get("BENCH_RUNS", "5"))
BATCH = int(os.environ.get("BENCH_BATCH", "50"))
sys.path.insert(0, str(ROOT))


CHILD_ENV = {name: value for name, value in os.environ.items() if name != "PYTHONDONTWRITEBYTECODE"}


def run_process(command: list[str], cwd: Path = ROOT) -> tuple[float, int]:
    """Wall time and peak RSS (MB) of one child process."""
    start = time.perf_counter()
    child = subprocess.Popen(command, cwd=cwd, env=CHILD_ENV, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(child.pid, 0)
    elapsed = time.perf_counter() - start
    if status != 0:
        raise SystemExit(f"failed: {' '.join(command)}")
    return elapsed, usage.ru_maxrss // 1024


def median_process(command: list[str], cwd: Path = ROOT) -> tuple[float, int]:
    results = [run_process(command, cwd) for _ in range(RUNS)]
    return statistics.median(t for t, _ in results), max(m for _, m in results)


def cold_builds(scratch: Path) -> list[tuple[str, float, int]]:
    rows = []
    for formats in ("docx,pdf,html,txt", "docx", "pdf", "html", "txt"):
        seconds, memory = median_process([sys.executable, "-m", "generator", "build", str(DATA), "-o", str(scratch / "cold"), "--format", formats])
        rows.append((f"cold build {formats}", seconds, memory))
    seconds, memory = median_process([sys.executable, "-m", "generator", "check", str(DATA)])
    rows.append(("cold check", seconds, memory))
    return rows


def rss_mb() -> float:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def warm_and_batch(scratch: Path) -> list[tuple[str, float, int]]:
    from generator.build import build

    build(DATA, scratch / "warmup")  # imports, fonts, first layout
    times = []
    for _ in range(RUNS):
        start = time.perf_counter()
        build(DATA, scratch / "warm")
        times.append(time.perf_counter() - start)
        gc.collect()
    rows = [("warm re-render, all formats", statistics.median(times), 0)]

    source = DATA.read_text(encoding="utf-8")
    batch_dir = scratch / "batch"
    batch_dir.mkdir()
    rss_after = []
    start = time.perf_counter()
    for n in range(1, BATCH + 1):
        data = batch_dir / f"{n}" / "2024.yaml"
        data.parent.mkdir()
        data.write_text(source.replace("宛城", f"第{n}"), encoding="utf-8")
        build(data, batch_dir / f"{n}" / "out")
        gc.collect()
        rss_after.append(rss_mb())
    per_report = (time.perf_counter() - start) / BATCH
    import resource

    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024
    rows.append((f"batch of {BATCH}, per report (RSS after #10 {rss_after[9]:.0f} MB, after #{BATCH} {rss_after[-1]:.0f} MB)", per_report, peak))
    return rows


def libreoffice_route(scratch: Path) -> tuple[str, float, int] | None:
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if not soffice:
        return None
    docx = next((scratch / "cold").glob("*.docx"), None)
    if docx is None:
        run_process([sys.executable, "-m", "generator", "build", str(DATA), "-o", str(scratch / "cold"), "--format", "docx"])
        docx = next((scratch / "cold").glob("*.docx"))
    profile = scratch / "lo-profile"
    command = [soffice, f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to", "pdf", "--outdir", str(scratch / "lo"), str(docx)]
    run_process(command)  # the first run creates the profile: a user converting daily has one
    seconds, memory = median_process(command)
    return ("DOCX → LibreOffice → PDF", seconds, memory)


def embedded_fonts(pdf: Path) -> str:
    """"N of M fonts embedded", from pdffonts (poppler-utils) when it is installed."""
    if not shutil.which("pdffonts"):
        return "fonts not checked (pdffonts not installed)"
    rows = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True).stdout.splitlines()[2:]
    embedded = sum(row.split()[-5] == "yes" for row in rows)
    return f"{embedded} of {len(rows)} fonts embedded"


def load() -> str:
    return " ".join(f"{n:.2f}" for n in os.getloadavg())


def main() -> None:
    load_before = load()
    with tempfile.TemporaryDirectory() as name:
        scratch = Path(name)
        rows = cold_builds(scratch)
        rows += warm_and_batch(scratch)
        lo = libreoffice_route(scratch)
        pdf = next((scratch / "cold").glob("*.pdf"), None) or next((scratch / "warm").glob("*.pdf"))
        pdf_kb = pdf.stat().st_size / 1024
        fonts = embedded_fonts(pdf)
    width = max(len(r[0]) for r in rows + ([lo] if lo else [])) + 2
    print(f"load average (1, 5, 15 min) before: {load_before}; after: {load()}; {os.cpu_count()} CPUs")
    print("child processes run without PYTHONDONTWRITEBYTECODE: compiled modules (.pyc) are used, as on a user's machine")
    print(f"{'measure (median of %d runs)' % RUNS:<{width}}{'seconds':>9}{'peak MB':>9}")
    for label, seconds, memory in rows + ([lo] if lo else []):
        print(f"{label:<{width}}{seconds:>9.3f}{memory or '':>9}")
    print(f"PDF of the 2024 report: {pdf_kb:.0f} KB, {fonts}")
    if lo:
        print(f"full cold build / LibreOffice route: {rows[0][1] / lo[1]:.2f} (target ≤ 0.75)")
    else:
        print("LibreOffice not installed: the DOCX → PDF comparison is skipped (apt-get install libreoffice-writer-nogui)")


if __name__ == "__main__":
    main()
