"""`make bench`: how long a clerk waits, and what a city pays for many districts.

Whole processes are timed as a user runs them (median of several runs); the warm and batch
figures are measured inside one process. Prints a table; asserts nothing.

The headline ratio (our cold full build / DOCX → LibreOffice → PDF) is timed in interleaved
pairs, each pair one run of each route back to back, and a ratio per pair: timing the two
routes a minute apart let a change in machine load move the ratio (0.57 once, against 0.73–0.79
for side-by-side pairs). The median ratio is printed with its spread.

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
DATA = ROOT / "tests" / "fixtures" / "2024.yaml"  # the test fixture, never the user's data/
RUNS = int(os.environ.get("BENCH_RUNS", "5"))
PAIRS = int(os.environ.get("BENCH_PAIRS", "7"))  # more than RUNS: the ratio is the headline
BATCH = int(os.environ.get("BENCH_BATCH", "50"))
MANY = int(os.environ.get("BENCH_MANY", "20"))  # reports of one `build` run (a city's counties and districts) against a process each
sys.path.insert(0, str(ROOT))

import typst_peer  # noqa: E402  (benchmarks/, beside this file)

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
    from generator.commands.build import build as write_formats
    from generator.pipeline import open_report

    def build(data: Path, out: Path) -> None:
        """What `python -m generator build` does, in this process: load once, write every format."""
        loaded = open_report(data)
        write_formats(loaded.document, loaded.profile, out)

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
    rows.append((f"batch of {BATCH}, per report (RSS after #{min(10, BATCH)} {rss_after[min(10, BATCH) - 1]:.0f} MB, after #{BATCH} {rss_after[-1]:.0f} MB)", per_report, peak))
    return rows


def office_save(scratch: Path) -> list[tuple[str, float, int]]:
    """The office page: a paragraph saved (written, checked to render, committed), then the
    page's texts and check's findings read again, as the page does after each save; and the
    time until the print preview of the saved text is drawn."""
    from generator.office import accounts
    from generator.office.folder import Office
    from generator.office.service import Years

    office = Office(scratch / "office")
    office.data.mkdir(parents=True)
    shutil.copy(DATA, office.data / "2024.yaml")
    office.prepare()
    years, clerk = Years(office), accounts.User("经办人", "经办人", "")
    path = "body/1/body/0/body/0"
    years.preview(2024, clerk)  # the first PDF of the process: imports and fonts
    times, previews = [], []
    for n in range(RUNS):
        text = next(t for block in years.texts(2024, clerk)["blocks"] for t in block["texts"] if t["path"] == path)  # type: ignore[union-attr]
        start = time.perf_counter()
        years.set_text(2024, path, f"{text['template'].rstrip('。')}，第{n}次修改。", str(text["version"]), clerk)
        years.texts(2024, clerk)
        times.append(time.perf_counter() - start)
        years.preview(2024, clerk)  # drawn since the save, in the background
        previews.append(time.perf_counter() - start)
    return [("office page: a paragraph saved, then texts and findings again", statistics.median(times), 0),
            ("office page: a paragraph saved → its print preview drawn", statistics.median(previews), 0)]


def many_reports(scratch: Path) -> tuple[float, float]:
    """Seconds a report: MANY districts' reports built by one `build` of their folder, and the
    same reports built by a process each (all four formats)."""
    city = scratch / "city"
    source = DATA.read_text(encoding="utf-8")
    for n in range(1, MANY + 1):
        data = city / f"第{n}区" / "2024.yaml"
        data.parent.mkdir(parents=True)
        data.write_text(source.replace("宛城", f"第{n}"), encoding="utf-8")
    together, _ = run_process([sys.executable, "-m", "generator", "build", str(city), "-o", str(scratch / "many-together")])
    apart = sum(run_process(full_build_command(scratch / "many-apart" / data.parent.name, data))[0]
                for data in sorted(city.glob("*/2024.yaml")))
    return together / MANY, apart / MANY


def review_page(scratch: Path) -> list[tuple[str, float, int]]:
    """Seconds from a save to the review page's updated report, downloads and print preview:
    a Site over a copy of the sample with its worker process warm (as after the first save)."""
    from generator.commands.serve.state import Site
    from generator.commands.serve.worker import Worker

    class Timed(Worker):
        """Notes when each message of a save reaches the site."""

        arrivals: dict[str, float] = {}

        def run(self, job, receive):  # type: ignore[no-untyped-def]
            def timed(message):  # type: ignore[no-untyped-def]
                self.arrivals.setdefault(type(message).__name__, time.perf_counter())
                receive(message)
            return super().run(job, timed)

    data = scratch / "site" / "data"
    data.mkdir(parents=True)
    source = DATA.read_text(encoding="utf-8")
    worker = Timed(limit=120)
    site = Site(data, scratch / "site" / "out", worker, settle=0)
    (data / "2024.yaml").write_text(source, encoding="utf-8")
    site.refresh()  # the first save starts the worker and loads WeasyPrint
    marks: dict[str, list[float]] = {"Rendered": [], "Built": [], "Previewed": []}
    try:
        for n in range(RUNS):
            (data / "2024.yaml").write_text(source.replace("宛城区", f"宛城区{'　' * (n + 1)}", 1), encoding="utf-8")
            worker.arrivals = {}
            start = time.perf_counter()
            site.refresh()
            for name in marks:
                marks[name].append(worker.arrivals[name] - start)
    finally:
        worker.stop()
    return [("review page: save → updated page", statistics.median(marks["Rendered"]), 0),
            ("review page: save → downloads ready", statistics.median(marks["Built"]), 0),
            ("review page: save → print preview drawn", statistics.median(marks["Previewed"]), 0)]


def full_build_command(out: Path, data: Path = DATA) -> list[str]:
    return [sys.executable, "-m", "generator", "build", str(data), "-o", str(out), "--format", "docx,pdf,html,txt"]


def ratio_pairs(scratch: Path) -> dict | None:
    """Our cold full build and the LibreOffice route, timed pair by pair (None without LibreOffice).

    Both routes of a pair see the same machine load, so each pair's ratio is fair even when the
    load changes during the bench; the order inside a pair alternates so that neither route
    always runs first.
    """
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if not soffice:
        return None
    source = scratch / "lo-source"  # a DOCX of our own, the input a LibreOffice user converts
    run_process([sys.executable, "-m", "generator", "build", str(DATA), "-o", str(source), "--format", "docx"])
    docx = next(source.glob("*.docx"))
    profile = scratch / "lo-profile"
    converted = scratch / "lo"
    convert = [soffice, f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to", "pdf", "--outdir", str(converted), str(docx)]
    run_process(convert)  # the first run creates the profile: a user converting daily has one
    if not (converted / f"{docx.stem}.pdf").exists():  # soffice exits 0 even when it converts nothing
        raise SystemExit(f"LibreOffice wrote no PDF: {' '.join(convert)}")
    ours_command = full_build_command(scratch / "paired")
    load_before = load()
    ours, theirs = [], []
    for pair in range(PAIRS):
        if pair % 2 == 0:
            ours.append(run_process(ours_command))
            theirs.append(run_process(convert))
        else:
            theirs.append(run_process(convert))
            ours.append(run_process(ours_command))
    return {
        "ours": ours,
        "theirs": theirs,
        "ratios": [o / t for (o, _), (t, _) in zip(ours, theirs)],
        "load": (load_before, load()),
    }


def typst_pairs(scratch: Path) -> dict | None:
    """Our cold full build against Typst compiling the same report with the same fonts, in
    interleaved pairs, and Typst's warm re-compile (None when its environment cannot be made)."""
    python = typst_peer.ensure_environment()
    if python is None:
        return None
    from generator.pipeline import open_report

    source = scratch / "peer" / "report.typ"
    source.parent.mkdir()
    source.write_text(typst_peer.typst_source(open_report(DATA).document), encoding="utf-8")
    pdf, fonts = source.with_suffix(".pdf"), ROOT / ".fonts"
    cold = typst_peer.cold_command(python, source, pdf, fonts)
    run_process(cold)  # Typst's own first-run costs, as LibreOffice's profile above
    ours_command = full_build_command(scratch / "paired-typst")
    ours, theirs = [], []
    for pair in range(PAIRS):
        first, second = (ours_command, cold) if pair % 2 == 0 else (cold, ours_command)
        a, b = run_process(first), run_process(second)
        ours.append(a if first is ours_command else b)
        theirs.append(b if first is ours_command else a)
    return {
        "ours": ours,
        "theirs": theirs,
        "ratios": [o / t for (o, _), (t, _) in zip(ours, theirs)],
        "warm": typst_peer.warm_seconds(python, source, pdf, fonts, RUNS),
    }


def ratio_summary(ratios: list[float]) -> str:
    """Median ratio, min–max and interquartile range."""
    ordered = sorted(ratios)
    text = f"median {statistics.median(ordered):.2f}, min–max {ordered[0]:.2f}–{ordered[-1]:.2f}"
    if len(ordered) >= 2:
        q1, _, q3 = statistics.quantiles(ordered, n=4, method="inclusive")
        text += f", IQR {q1:.2f}–{q3:.2f}"
    return text


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
        pairs = ratio_pairs(scratch)
        typst = typst_pairs(scratch)
        rows += warm_and_batch(scratch)
        rows += review_page(scratch)
        together, apart = many_reports(scratch)
        rows += [(f"{MANY} reports by one build, per report", together, 0), (f"{MANY} reports by a process each, per report", apart, 0)]
        rows += office_save(scratch)
        pdf = next((scratch / "cold").glob("*.pdf"), None) or next((scratch / "warm").glob("*.pdf"))
        pdf_kb = pdf.stat().st_size / 1024
        fonts = embedded_fonts(pdf)
    if pairs:
        for label, runs in (("cold build docx,pdf,html,txt, paired", pairs["ours"]), ("DOCX → LibreOffice → PDF, paired", pairs["theirs"])):
            rows.append((f"{label} ({PAIRS} pairs)", statistics.median(t for t, _ in runs), max(m for _, m in runs)))
    if typst:
        rows.append((f"Typst peer, cold compile ({PAIRS} pairs)", statistics.median(t for t, _ in typst["theirs"]), max(m for _, m in typst["theirs"])))
        rows.append((f"Typst peer, warm re-compile (median of {RUNS})", typst["warm"], 0))
    width = max(len(r[0]) for r in rows) + 2
    print(f"load average (1, 5, 15 min) before: {load_before}; after: {load()}; {os.cpu_count()} CPUs")
    print("child processes run without PYTHONDONTWRITEBYTECODE: compiled modules (.pyc) are used, as on a user's machine")
    print(f"{'measure (median of %d runs unless stated)' % RUNS:<{width}}{'seconds':>9}{'peak MB':>9}")
    for label, seconds, memory in rows:
        print(f"{label:<{width}}{seconds:>9.3f}{memory or '':>9}")
    print(f"PDF of the 2024 report: {pdf_kb:.0f} KB, {fonts}")
    if pairs:
        print(f"full cold build / LibreOffice route, per pair of {PAIRS} interleaved pairs: "
              f"{ratio_summary(pairs['ratios'])} (target ≤ 0.65)")
        print(f"  per pair: {' '.join(f'{r:.2f}' for r in pairs['ratios'])}; "
              f"load during the pairs: {pairs['load'][0]} → {pairs['load'][1]}")
    if typst:
        warm = next(seconds for label, seconds, _ in rows if label.startswith("warm re-render"))
        print(f"full cold build / Typst cold compile, per pair of {PAIRS} interleaved pairs: {ratio_summary(typst['ratios'])}; "
              f"warm re-render / Typst warm re-compile: {warm / typst['warm']:.1f}")
    print(f"{MANY} reports in one run / a process each: {together / apart:.2f} (target ≤ 0.5)")
    if not pairs:
        print("LibreOffice not installed: the DOCX → PDF comparison is skipped (apt-get install libreoffice-writer-nogui)")


if __name__ == "__main__":
    main()
