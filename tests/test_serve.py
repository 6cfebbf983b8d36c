"""`serve`: the review pages in a real browser (Debian's chromium, driven by Playwright), over a
copy of the data: downloads equal what `build` writes, the print preview has a picture of each
page of the PDF, a save re-renders the open page, a broken save shows its file:line and keeps the
last good report, no URL reaches a file, and no text on the pages is English. Those tests share
one server and run in order: the last one edits the data.

Then what the year page tells beside the report, each with a site of its own: the formal
edition's preview and downloads (only with meta.formal), the reviewed DOCX last absorbed, and the
collection's state of a drafted year.

Then the hardening, each over loopback with a site of its own: only requests addressed to this
computer are answered, downloads never wait for a rebuild, a rebuild that never ends is cut off,
a file still being written is not published, memory stays flat over a thousand saves, links in
out/ are not followed, and `serve` refuses to start on a busy port or without a data folder.
"""
from __future__ import annotations

import contextlib
import datetime
import http.client
import io
import os
import re
import shutil
import signal
import socket
import struct
import subprocess
import sys
import threading
import time
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pdfplumber
import pytest

from generator.cli import main
from generator.commands.absorb import absorb, record_path
from generator.commands.build import build, file_stem
from generator.commands.check import RULES, check
from generator.commands.serve import job, preview
from generator.commands.serve.anchors import link
from generator.commands.serve.job import Cache, Job, Message, Rendered, make
from generator.commands.serve.worker import Outcome, Worker
from generator.config import layout
from generator.pipeline import open_report
from generator.pipeline.loader import load
from generator.pipeline.resolve import resolve
from generator.writers import html

from .helpers import ROOT, SAMPLE

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]
SECRET = "[build-system]"  # in pyproject.toml: must never come back
SMALL = Path(__file__).resolve().parent / "serve_fixtures" / "2024.yaml"  # 某县, two figures: 复议 86, 纠错 9
# What the formal edition needs beyond the small report (docs/data-format.md, 正式公文版).
FORMAL = """  formal:
    mark: 某县人民政府文件
    number: 某政〔2025〕1号
    signers: [张三]
    recipient: 某市人民政府：
    cc: [某市司法局]
    printer: 某县人民政府办公室
    printed: 2025-03-20
  signature: {issuer: 某县人民政府, date: 2025-03-18}
"""
A4 = 297 / 210


@dataclass(frozen=True)
class Served:
    url: str
    port: int
    data: Path


@contextlib.contextmanager
def serving(app: object, lifespan: str = "on") -> Iterator[int]:
    """`app` served by uvicorn on a free port of 127.0.0.1 until the block ends; the port.
    With lifespan "off" no watcher runs: the test refreshes the site itself."""
    import uvicorn

    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", access_log=False, lifespan=lifespan))  # type: ignore[arg-type]
    thread = threading.Thread(target=server.run, kwargs={"sockets": [listener]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.02)
    assert server.started, "the server did not start"
    try:
        yield listener.getsockname()[1]
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        listener.close()


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    """The server on a free port of 127.0.0.1, over data/2024.yaml and a 2023 that differs in one figure."""
    from generator.commands.serve.app import create_app
    from generator.commands.serve.state import Site

    root = tmp_path_factory.mktemp("serve")
    data = root / "data"
    data.mkdir()
    this_year = (SAMPLE).read_text(encoding="utf-8")
    (data / "2024.yaml").write_text(this_year, encoding="utf-8")
    last_year = this_year.replace("  year: 2024", "  year: 2023").replace("行政诉讼审结: {value: 130,", "行政诉讼审结: {value: 120,")
    (data / "2023.yaml").write_text(last_year, encoding="utf-8")
    with serving(create_app(Site(data, root / "out"))) as port:
        yield Served(f"http://127.0.0.1:{port}", port, data)


@pytest.fixture(scope="module")
def browser():
    if not CHROMIUM.exists():
        pytest.skip("needs Debian's chromium at /usr/bin/chromium (make setup installs it)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser, served: Served):
    context = browser.new_context(accept_downloads=True, viewport={"width": 1400, "height": 900})
    yield context.new_page()
    context.close()


def document_xml(docx: bytes | Path) -> bytes:
    with zipfile.ZipFile(io.BytesIO(docx) if isinstance(docx, bytes) else docx) as archive:
        return archive.read("word/document.xml")


def built_docx(data: Path, folder: Path) -> Path:
    """The DOCX that `build` makes of a data file."""
    loaded = open_report(data)
    (written,) = build(loaded.document, loaded.profile, folder, ("docx",)).written
    return written


def get(served: Served | int, path: str, host: str | None = None) -> tuple[int, bytes]:
    """A request with exactly this path (no client-side clean-up of ../ or %2e), addressed to
    `host` (the Host header) when given."""
    status, _, body = request(served.port if isinstance(served, Served) else served, path, host)
    return status, body


def request(port: int, path: str, host: str | None = None, method: str = "GET") -> tuple[int, http.client.HTTPMessage, bytes]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        connection.putrequest(method, path, skip_host=host is not None)
        if host is not None:
            connection.putheader("Host", host)
        connection.endheaders()
        response = connection.getresponse()
        return response.status, response.headers, response.read()
    finally:
        connection.close()


def test_findings_point_at_the_paragraph_that_shows_them() -> None:
    """A typed heading number points at its paragraph; the missing item (at `body:`) and a year
    typed in an attachment's title (no paragraph) point nowhere."""
    path = ROOT / "tests" / "shapes" / "county_runin.yaml"
    report = load(path)
    document = resolve(report)
    findings = tuple(check(path))
    page, ids = link(html.render(document, layout.load()), report, findings)
    assert {f.rule: anchor for f, anchor in zip(findings, ids)} == {"typed-numbering": "L53", "required-item": None, "year-literal": None}
    assert '<p id="L53" data-flag="warning">' in page
    assert '<table id="L39">' in page and '<p id="L27" class="bullet">' in page


def test_index_lists_each_year_with_its_state(page, served: Served) -> None:
    from playwright.sync_api import expect

    page.goto(served.url)
    rows = page.locator("tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.nth(0)).to_contain_text("宛城区人民政府关于2024年法治政府建设情况的报告")
    expect(rows.nth(1)).to_contain_text("宛城区人民政府关于2023年法治政府建设情况的报告")
    expect(rows.nth(0).locator(".status")).to_have_text("通过检查", timeout=15_000)
    expect(rows.nth(0).get_by_role("link", name="下载DOCX", exact=True)).to_be_visible(timeout=15_000)
    assert re.search(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d", rows.nth(0).inner_text())


def test_docx_download_is_the_built_docx(page, served: Served, tmp_path: Path) -> None:
    page.goto(served.url)
    page.get_by_role("link", name="2024", exact=True).click()
    assert page.url == f"{served.url}/2024"
    with page.expect_download() as download:
        page.get_by_role("link", name="下载DOCX", exact=True).click()
    assert download.value.suggested_filename == "宛城区人民政府关于2024年法治政府建设情况的报告.docx"
    saved = tmp_path / "downloaded.docx"
    download.value.save_as(saved)
    assert document_xml(saved) == document_xml(built_docx(served.data / "2024.yaml", tmp_path / "built"))


def test_findings_link_to_their_paragraph(page, served: Served) -> None:
    """2024's 行政诉讼审结 equals nothing in 2023, but 专题汇报 does: its finding jumps to the
    first paragraph that states it."""
    from playwright.sync_api import expect

    page.goto(f"{served.url}/2024")
    finding = page.locator("a.finding", has=page.locator("code", has_text="unchanged-figure")).filter(has_text="专题汇报")
    expect(finding).to_have_count(1)
    anchor = finding.get_attribute("href").rsplit("#", 1)[1]
    finding.click()
    report = page.frame_locator("iframe[name=report]")
    target = report.locator(f"#{anchor}")
    expect(target).to_contain_text("常务会先后4次听取法治建设专题汇报")
    expect(target).to_have_attribute("data-flag", "warning")
    expect(report.locator(":target")).to_have_attribute("id", anchor)
    expect(page.locator("a.finding", has=page.locator("code", has_text="unchanged-figure")).filter(has_text="行政诉讼审结")).to_have_count(0)


def pdf_pages(pdf: bytes) -> int:
    with pdfplumber.open(io.BytesIO(pdf)) as document:
        return len(document.pages)


def png_size(png: bytes) -> tuple[int, int]:
    assert png.startswith(b"\x89PNG\r\n\x1a\n") and png[12:16] == b"IHDR"
    width, height = struct.unpack(">II", png[16:24])
    return width, height


def test_print_preview_shows_each_page_of_the_pdf(page, served: Served) -> None:
    """The 打印预览 tab: one picture per page of the PDF, numbered, each a PNG of A4 proportions;
    no formal edition, since the sample has no meta.formal."""
    from playwright.sync_api import expect

    page.goto(f"{served.url}/2024")
    page.get_by_role("link", name="打印预览（网站公开版）").click()
    assert page.url == f"{served.url}/2024/print/web"
    status, pdf = get(served, "/download/2024/pdf")
    count = pdf_pages(pdf)
    assert status == 200 and count >= 5
    sheets = page.locator("figure.sheet img")
    expect(sheets).to_have_count(count, timeout=15_000)
    expect(page.locator("figure.sheet figcaption").last).to_have_text(f"第 {count} 页，共 {count} 页")
    for n in range(1, count + 1):
        assert sheets.nth(n - 1).get_attribute("src") == f"/2024/page/web/{n}.png"
        status, headers, png = request(served.port, f"/2024/page/web/{n}.png")
        width, height = png_size(png)
        assert (status, headers["content-type"]) == (200, "image/png")
        assert abs(height / width - A4) < 0.01 and width >= 600
    sheets.last.scroll_into_view_if_needed()
    expect(sheets.last).to_have_js_property("complete", True)
    assert sheets.last.evaluate("img => img.naturalWidth") == png_size(get(served, f"/2024/page/web/{count}.png")[1])[0]
    assert get(served, f"/2024/page/web/{count + 1}.png")[0] == 404
    expect(page.get_by_role("link", name="打印预览（正式公文版）")).to_have_count(0)
    expect(page.get_by_role("link", name="正式公文PDF")).to_have_count(0)
    assert get(served, "/2024/page/formal/1.png")[0] == 404
    page.goto(f"{served.url}/2024/print/formal")
    expect(page.locator("main.sheets")).to_contain_text("meta 下没有 formal")
    page.get_by_role("link", name="审阅视图").click()
    expect(page.frame_locator("iframe[name=report]").locator("body")).to_contain_text("审结130件")
    expect(page.locator("#collection")).to_have_count(0)  # every figure filled, none asked of a unit


def test_last_year_gives_redline_and_figures_table(page, served: Served) -> None:
    from playwright.sync_api import expect

    page.goto(f"{served.url}/2023")
    expect(page.get_by_role("link", name="下载DOCX", exact=True)).to_be_visible()
    expect(page.get_by_role("link", name=re.compile("修订对照稿"))).to_have_count(0)
    page.goto(f"{served.url}/2024")
    expect(page.get_by_role("link", name="修订对照稿（与2023年比较）")).to_be_visible()
    status, redline = get(served, "/download/2024/redline")
    assert status == 200
    assert re.search(rb"<w:del\b.*?120.*?<w:ins\b.*?130", document_xml(redline), re.S)
    status, table = get(served, "/download/2024/compare")
    assert status == 200
    assert "行政诉讼审结,行政诉讼审结,件,120,130,+10," in table.decode("utf-8-sig")


@pytest.mark.parametrize("path", [
    "/../pyproject.toml",
    "/..%2fpyproject.toml",
    "/%2e%2e/pyproject.toml",
    "/%2e%2e%2fpyproject.toml",
    "/%252e%252e%252fpyproject.toml",
    "/download/2024/..%2f..%2fpyproject.toml",
    "/download/2024/%2e%2e%2f%2e%2e%2fpyproject.toml",
    "/download/2024/..%252f..%252fpyproject.toml",
    "/download/2024/..\\..\\pyproject.toml",
    "/download/2024/..%5c..%5cpyproject.toml",
    "/download/2024/%2fetc%2fpasswd",
    "/download/2024/docx/../../../pyproject.toml",
    "/2024/../../pyproject.toml",
    "//etc/passwd",
    "/etc/passwd",
    "/pyproject.toml",
    "/data/2024.yaml",
    "/2024.yaml",
    "/download/2024/yaml",
    "/download/2025/docx",
    "/2024/page/web/0.png",
    "/2024/page/web/-1.png",
    "/2024/page/web/1",
    "/2024/page/..%2f..%2fpyproject.toml/1.png",
    "/2024/page/web/1.png/../../../pyproject.toml",
    "/2024/page/web/%2e%2e%2f%2e%2e%2fpyproject.toml",
    "/2024/print/..%2f..%2fpyproject.toml",
    "/2024/print/pdf",
    "/2025/print/web",
])
def test_no_path_reaches_a_file(served: Served, path: str) -> None:
    status, body = get(served, path)
    assert status == 404
    assert SECRET.encode() not in body and b"root:" not in body and b"meta:" not in body


# How long a save may take to show on the page on a loaded machine: a ceiling, not a wait (each
# expectation returns as soon as the page shows what it expects).
SAVE_TAKEN = 60_000


def downloads_of_this_save(page) -> None:  # type: ignore[no-untyped-def]
    """Wait until the page's downloads are those of the save its report shows: the report comes
    first, the downloads a moment later (a loaded machine makes the moment long)."""
    from playwright.sync_api import expect

    expect(page.locator("body")).not_to_contain_text("正在生成新的下载文件", timeout=SAVE_TAKEN)
    expect(page.locator("body")).not_to_contain_text("由较早的数据生成", timeout=SAVE_TAKEN)


def test_saving_rerenders_and_a_broken_save_keeps_the_last_good(page, served: Served, tmp_path: Path) -> None:
    from playwright.sync_api import expect

    path = served.data / "2024.yaml"
    original = path.read_text(encoding="utf-8")
    page.goto(f"{served.url}/2024")
    report = page.frame_locator("iframe[name=report]")
    expect(report.locator("body")).to_contain_text("审结130件")

    edited = original.replace("行政诉讼审结: {value: 130,", "行政诉讼审结: {value: 131,")
    path.write_text(edited, encoding="utf-8")
    expect(report.locator("body")).to_contain_text("审结131件", timeout=SAVE_TAKEN)
    downloads_of_this_save(page)
    expect(page.get_by_role("link", name="下载DOCX", exact=True)).to_be_visible()

    lines = edited.splitlines(keepends=True)
    broken_line = next(n for n, line in enumerate(lines, 1) if line.startswith("  专题汇报:"))
    lines[broken_line - 1] = lines[broken_line - 1].replace("{value: 4,", "{value: 4,,")
    path.write_text("".join(lines), encoding="utf-8")
    alert = page.locator("#data-error")
    expect(alert).to_contain_text(f"{path}:{broken_line}:", timeout=SAVE_TAKEN)
    expect(report.locator("body")).to_contain_text("审结131件", timeout=SAVE_TAKEN)
    with page.expect_download() as download:
        page.get_by_role("link", name="下载DOCX", exact=True).click()
    good = tmp_path / "good" / "2024.yaml"
    good.parent.mkdir()
    good.write_text(edited, encoding="utf-8")
    saved = tmp_path / "downloaded.docx"
    download.value.save_as(saved)
    assert document_xml(saved) == document_xml(built_docx(good, tmp_path / "built"))

    path.write_text(original, encoding="utf-8")
    expect(alert).to_have_count(0, timeout=SAVE_TAKEN)
    expect(report.locator("body")).to_contain_text("审结130件", timeout=SAVE_TAKEN)


# -- no English on the pages -------------------------------------------------------------------

# What may stay Latin: paths and file names, format names, rule ids. Single words are names too
# (fonts such as FangSong, data keys such as covers, {{ year }}); two in a row are English.
_ALLOWED_LATIN = re.compile(
    r"\S*[/\\]\S*"
    r"|[\w.-]+\.(?:yaml|docx|pdf|txt|csv|html|otf|ttf)(?![A-Za-z])"
    r"|(?<![A-Za-z])(?:DOCX|PDF|TXT|CSV|HTML|YAML|Word|WPS|Ctrl\+C|TODO|XX)(?![A-Za-z])"
    r"|(?<![A-Za-z-])(?:" + "|".join(sorted(map(re.escape, RULES), key=len, reverse=True)) + r")(?![A-Za-z-])"
)


def english_in(text: str) -> list[str]:
    """The runs of two or more Latin words left once paths, file and format names and rule ids
    are taken out."""
    return re.findall(r"[A-Za-z]{2,}(?:[\s,.:;'!?-]+[A-Za-z]{2,})+", _ALLOWED_LATIN.sub(" ", text))


def test_pages_have_no_english(page, served: Served) -> None:
    """Everything a clerk reads on the list and on each year's page, the findings, the build
    notes and the titles included."""
    from playwright.sync_api import expect

    page.goto(served.url)
    expect(page.locator("tbody tr").first.get_by_role("link", name="下载DOCX", exact=True)).to_be_visible(timeout=15_000)
    texts = [page.title(), page.locator("body").inner_text()]
    for path in ("/2024", "/2023", "/2024/print/web", "/2024/print/formal"):
        page.goto(served.url + path)
        page.locator(".downloads details").evaluate_all("elements => elements.forEach(e => e.open = true)")
        texts += [page.title(), page.locator("body").inner_text()]
        texts += [page.locator(f"a.button >> nth={n}").get_attribute("title") or "" for n in range(page.locator("a.button").count())]
        texts += [page.locator(f"img >> nth={n}").get_attribute("alt") or "" for n in range(page.locator("img").count())]
    assert "生成说明" in "".join(texts) and "检查结果" in "".join(texts)
    assert [english_in(text) for text in texts] == [[]] * len(texts)
    for path in ("/nothing", "/download/2024/yaml"):
        assert english_in(get(served, path)[1].decode()) == []


def test_a_failing_build_is_reported_in_chinese(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A bug in a writer (here a TypeError) says so in Chinese; the traceback is for the terminal."""
    def broken(*_: object) -> None:
        raise TypeError("unsupported operand type(s) for +: 'int' and 'str'")

    monkeypatch.setattr(job, "build", broken)
    site, path = small_site(tmp_path)
    site.refresh()
    state = site.years[2024]
    assert state.page is not None and state.write_error == job.INTERNAL
    assert english_in(state.write_error) == []


# -- the hardening, each with a site of its own ------------------------------------------------


class InlineWorker(Worker):
    """Runs the jobs in this process, so that monkeypatches reach them; no time limit."""

    def __init__(self) -> None:
        super().__init__(limit=0)
        self.cache: Cache = {}

    def run(self, job: Job, receive: Callable[[Message], None]) -> Outcome:
        for message in make(job, self.cache):
            receive(message)
        return Outcome.DONE


def small_site(tmp_path: Path, worker: Worker | None = None, text: str | None = None, **options: float):
    """A site over data/2024.yaml (the small report, or `text`), made in this process; the
    downloads are the TXT only (the PDF is not what these tests are about)."""
    from generator.commands.serve.state import Site

    data = tmp_path / "data"
    data.mkdir()
    path = data / "2024.yaml"
    path.write_text(text if text is not None else SMALL.read_text(encoding="utf-8"), encoding="utf-8")
    options.setdefault("settle", 0)
    return Site(data, tmp_path / "out", worker or InlineWorker(), **options), path


@pytest.fixture
def txt_only(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(job, "build", lambda document, profile, out_dir, formats: build(document, profile, out_dir, ("txt",)))


def small(复议: int) -> str:
    return SMALL.read_text(encoding="utf-8").replace("复议: {value: 86,", f"复议: {{value: {复议},")


@pytest.mark.parametrize("host, status", [
    ("127.0.0.1", 200), ("localhost", 200), ("[::1]", 200), ("LOCALHOST", 200),
    ("evil.example.com", 400), ("127.0.0.1.evil.example.com", 400), ("localhost.", 400), ("", 400),
])
def test_only_requests_addressed_to_this_computer_are_answered(served: Served, host: str, status: int) -> None:
    """DNS rebinding: a page on evil.example.com, its name pointed at 127.0.0.1, asks for the
    report; the Host header gives it away. The refusal is in Chinese."""
    deadline = time.monotonic() + 30
    while get(served, "/download/2024/txt")[0] != 200 and time.monotonic() < deadline:
        time.sleep(0.1)  # the first build of the shared server
    for path in ("/", "/2024", "/download/2024/txt", "/api/version"):
        answer, body = get(served, path, f"{host}:{served.port}" if host else "")
        assert answer == status, (path, host)
        if status == 400:
            assert f"http://127.0.0.1:{served.port}/" in body.decode() and "法治政府" not in body.decode() and english_in(body.decode()) == []


def test_nothing_redirects(served: Served) -> None:
    """A trailing slash, or a foreign Host with one, never sends the browser elsewhere."""
    for path, host, expected in (("/2024/", None, 404), ("/2024/", "evil.example.com", 400), ("/download/2024/txt/", None, 404)):
        status, headers, _ = request(served.port, path, host)
        assert (status, headers.get("location")) == (expected, None)
    status, _, body = request(served.port, "/2024", method="POST")
    assert status == 405 and english_in(body.decode()) == []


def test_allowed_hosts_of_every_address_include_this_computers_names() -> None:
    from generator.commands.serve.app import allowed_hosts

    assert allowed_hosts("127.0.0.1") == ["127.0.0.1", "[::1]", "localhost"]
    assert allowed_hosts("192.168.1.5") == ["127.0.0.1", "192.168.1.5", "[::1]", "localhost"]
    assert allowed_hosts("fe80::1") == ["127.0.0.1", "[::1]", "[fe80::1]", "localhost"]
    everywhere = allowed_hosts("0.0.0.0")
    assert socket.gethostname().lower() in everywhere and "evil.example.com" not in everywhere


def test_downloads_never_wait_for_a_rebuild(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """While a save is being built (held here until the download has been answered), the page
    is the new one and the downloads are the last complete set; then the new set replaces it."""
    from generator.commands.serve.app import create_app

    release = threading.Event()
    held = threading.Event()

    def slow_txt(document, profile, out_dir, formats):
        if held.is_set():
            release.wait(timeout=10)  # without the fix, the download below would wait all of this
        return build(document, profile, out_dir, ("txt",))

    monkeypatch.setattr(job, "build", slow_txt)
    site, path = small_site(tmp_path)
    site.refresh()
    state = site.years[2024]
    with serving(create_app(site), lifespan="off") as port:
        assert "行政复议案件86件" in get(port, "/download/2024/txt")[1].decode()
        path.write_text(small(87), encoding="utf-8")
        held.set()
        rebuild = threading.Thread(target=site.refresh)
        rebuild.start()
        deadline = time.monotonic() + 10
        while not state.updating and time.monotonic() < deadline:
            time.sleep(0.01)
        assert state.updating and state.page is not None and "行政复议案件87件" in state.page.html
        status, body = get(port, "/download/2024/txt")
        assert (status, "行政复议案件86件" in body.decode()) == (200, True)
        assert "正在生成新的下载文件" in get(port, "/2024")[1].decode()
        release.set()
        rebuild.join(timeout=10)
        assert "行政复议案件87件" in get(port, "/download/2024/txt")[1].decode()


def hang_when_asked(job: Job, cache: Cache) -> Iterator[Message]:
    """A worker's target: a file with the comment `# hang` never finishes; any other gives its
    page only (this test is about the worker, not the downloads)."""
    if b"# hang" in job.path.read_bytes():
        time.sleep(600)
    for message in make(job, cache):
        yield message
        if isinstance(message, Rendered):
            return


def test_a_rebuild_that_never_ends_is_cut_off(tmp_path: Path) -> None:
    """Past the time limit the worker process is killed and the page says so, keeping the last
    good report; the next save is made by a new worker."""
    from generator.commands.serve.app import create_app

    site, path = small_site(tmp_path, Worker(limit=2, target=hang_when_asked))
    try:
        site.refresh()
        state = site.years[2024]
        assert state.page is not None and "行政复议案件86件" in state.page.html
        path.write_text(small(87) + "# hang\n", encoding="utf-8")
        started = time.monotonic()
        site.refresh()
        assert time.monotonic() - started < 30
        assert state.error is not None and "超过2秒仍未完成，已停止" in state.error
        assert "行政复议案件86件" in state.page.html
        with serving(create_app(site), lifespan="off") as port:
            page = get(port, "/2024")[1].decode()
        assert "超过2秒仍未完成，已停止" in page and "上次正确生成的版本" in page
        path.write_text(small(88), encoding="utf-8")
        site.refresh()
        assert state.error is None and "行政复议案件88件" in state.page.html
    finally:
        site.worker.stop()


def test_a_file_still_being_written_is_not_published(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, txt_only: None) -> None:
    """Changed between the two reads, changed while it was loaded, or not loading yet: nothing is
    published until the file settles; a file that stays broken shows its error after the grace."""
    site, path = small_site(tmp_path, settle=0.01, grace=60)
    monkeypatch.setattr(site, "_wait", lambda: path.write_text(small(87), encoding="utf-8"))  # the editor writes on
    site.refresh()
    assert 2024 not in site.years or site.years[2024].page is None
    monkeypatch.setattr(site, "_wait", lambda: None)
    site.refresh()
    state = site.years[2024]
    assert state.page is not None and "行政复议案件87件" in state.page.html

    real_open = job.open_report

    def open_while_saving(data: Path) -> object:
        loaded = real_open(data)
        data.write_text(small(89), encoding="utf-8")
        return loaded

    path.write_text(small(88), encoding="utf-8")
    monkeypatch.setattr(job, "open_report", open_while_saving)
    site.refresh()
    assert "行政复议案件87件" in state.page.html  # 88 was loaded, but the file was 89 by then
    monkeypatch.setattr(job, "open_report", real_open)
    site.refresh()
    assert "行政复议案件89件" in state.page.html

    text = small(90)
    path.write_text(text[: text.index("复议: {value: 90,") + 12], encoding="utf-8")  # cut inside a line
    site.refresh()
    assert state.error is None and "行政复议案件89件" in state.page.html
    path.write_text(text, encoding="utf-8")
    site.refresh()
    assert state.error is None and "行政复议案件90件" in state.page.html

    site.grace = 0
    path.write_text(text.replace("{value: 90,", "{value: 90,,"), encoding="utf-8")
    site.refresh()
    assert state.error is not None and state.error.startswith(f"{path}:10:") and "行政复议案件90件" in state.page.html


@pytest.fixture
def tmpfs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A folder in memory when the machine has one (/dev/shm), temporary files included: a
    thousand saves then cost their loading, not the disk."""
    import tempfile

    if not Path("/dev/shm").is_dir():
        yield tmp_path
        return
    with tempfile.TemporaryDirectory(dir="/dev/shm") as folder:
        monkeypatch.setattr(tempfile, "tempdir", folder)
        yield Path(folder)


def test_memory_stays_flat_over_a_thousand_saves(tmpfs: Path, monkeypatch: pytest.MonkeyPatch, txt_only: None) -> None:
    """The site's own bookkeeping: each save is loaded for real (YAML, check, the TXT, its copy
    in out/); the page is a cheap stand-in and the layout profile is read once. The resident
    memory after the last 900 saves is what it was after the first 100: it moved by 8 kB at most
    when measured, while keeping each save's small page, or its TXT, adds about 1.3 MB."""
    import functools

    monkeypatch.setattr(layout, "load", functools.lru_cache(layout.load))
    monkeypatch.setattr(job.html, "render", lambda document, profile: f'<html><head></head><body><p id="L5">{document.title}</p></body></html>')
    worker = InlineWorker()
    site, path = small_site(tmpfs, worker, grace=0)
    for save in range(1000):
        path.write_text(small(save), encoding="utf-8")
        site.refresh()
        if save == 99:
            warm = resident()
    grown = resident() - warm
    state = site.years[2024]
    assert state.downloads is not None and "行政复议案件999件" in state.downloads.files["txt"].content.decode()
    assert state.version >= 2000 and list(site.years) == [2024] and list(worker.cache) == [path]
    assert grown < 500_000, f"{grown} bytes more after 900 saves"


def resident() -> int:
    """Bytes of this process in memory, garbage collected first."""
    import gc

    gc.collect()
    return int(Path("/proc/self/statm").read_text().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def test_links_in_out_are_not_followed(tmp_path: Path, txt_only: None) -> None:
    """A link planted where a download goes is replaced by the file, its target untouched; a year
    folder that is a link is not written through, and the page says so. Downloads come from the
    server's memory either way."""
    secret = tmp_path / "secret.txt"
    secret.write_text("不可外泄", encoding="utf-8")
    site, path = small_site(tmp_path)
    name = f"{file_stem(open_report(path).document)}.txt"
    folder = tmp_path / "out" / "2024"
    folder.mkdir(parents=True)
    (folder / name).symlink_to(secret)
    site.refresh()
    state = site.years[2024]
    assert not (folder / name).is_symlink() and "行政复议案件86件" in (folder / name).read_text(encoding="utf-8")
    assert secret.read_text(encoding="utf-8") == "不可外泄" and state.disk_error is None

    shutil.rmtree(folder)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    folder.symlink_to(elsewhere, target_is_directory=True)
    path.write_text(small(87), encoding="utf-8")
    site.refresh()
    assert list(elsewhere.iterdir()) == []
    assert state.disk_error is not None and "链接" in state.disk_error and english_in(state.disk_error) == []
    assert state.downloads is not None and "行政复议案件87件" in state.downloads.files["txt"].content.decode()


# -- what the year page tells beside the report -------------------------------------------------


def page_text(port: int, path: str) -> str:
    """The text of a page, its style and script left out."""
    status, body = get(port, path)
    assert status == 200, path
    return re.sub(r"<[^>]+>", "", re.sub(r"<(style|script)>.*?</\1>", "", body.decode(), flags=re.S))


def test_the_formal_edition_is_previewed_only_with_meta_formal(tmp_path: Path) -> None:
    """With meta.formal, the formal edition's DOCX and PDF are downloads and its pages a second
    preview; once meta.formal is gone, so are they."""
    from generator.commands.serve.app import create_app

    site, path = small_site(tmp_path, text=small(86).replace("figures:\n", FORMAL + "figures:\n", 1))
    site.refresh()
    state = site.years[2024]
    assert state.downloads is not None and state.write_error is None
    files, previews = state.downloads.files, state.downloads.previews
    assert sorted(previews) == ["formal", "web"] and files["formal-docx"].name.endswith("（正式公文）.docx")
    for edition, kind in (("web", "pdf"), ("formal", "formal-pdf")):
        assert len(previews[edition]) == pdf_pages(files[kind].content) and len(previews[edition]) >= 1
        assert all(png_size(picture.png) == (picture.width, picture.height) for picture in previews[edition])
    assert len(previews["formal"]) > len(previews["web"])  # the 版头 and 版记 take room
    with serving(create_app(site), lifespan="off") as port:
        text = page_text(port, "/2024")
        assert "打印预览（正式公文版）" in text and "正式公文DOCX" in text and "正式公文PDF" in text
        formal = page_text(port, "/2024/print/formal")
        assert f"共 {len(previews['formal'])} 页" in formal and english_in(formal) == []
        status, png = get(port, "/2024/page/formal/1.png")
        assert status == 200 and png == previews["formal"][0].png
        path.write_text(small(87), encoding="utf-8")
        site.refresh()
        assert sorted(state.downloads.previews) == ["web"] and "formal-pdf" not in state.downloads.files
        text = page_text(port, "/2024")
        assert "正式公文" not in text and "打印预览（网站公开版）" in text
        assert get(port, "/2024/page/formal/1.png")[0] == 404
        assert "meta 下没有 formal" in page_text(port, "/2024/print/formal")


def test_a_preview_that_cannot_be_drawn_is_a_note(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Without pdftoppm the downloads are made all the same; the build notes say why there is no
    preview, and so does the tab."""
    from generator.commands.serve.app import create_app

    monkeypatch.setattr(preview.shutil, "which", lambda _: None)
    site, _ = small_site(tmp_path)
    site.refresh()
    state = site.years[2024]
    assert state.downloads is not None and "pdf" in state.downloads.files and state.downloads.previews == {}
    assert any("pdftoppm" in note for note in state.downloads.notes)
    with serving(create_app(site), lifespan="off") as port:
        assert "未能生成打印预览" in page_text(port, "/2024/print/web")


def test_pages_are_read_one_after_another_and_a_cut_one_is_refused() -> None:
    """pdftoppm's pages as it writes them: a header and the pixels, page after page."""
    first, second = b"P6\n2 1\n255\n" + bytes(6), b"P6\n1 1\n255\n" + b"\xff\x00\x00"
    assert [(w, h) for w, h, _ in preview.pages(io.BytesIO(first + second))] == [(2, 1), (1, 1)]
    assert list(preview.pages(io.BytesIO(second)))[0][2] == b"\xff\x00\x00"
    for cut in (first + second[:-1], b"P5\n1 1\n255\n\x00", b"GIF89a"):
        with pytest.raises(ValueError):
            list(preview.pages(io.BytesIO(cut)))


def reviewed_docx(data: Path, folder: Path) -> Path:
    """What comes back from review: the built DOCX with one sentence edited and one comment."""
    import docx

    document = docx.Document(built_docx(data, folder))
    paragraph = next(p for p in document.paragraphs if p.text == "基层执法力量仍显不足。")
    for run in paragraph.runs[1:]:
        run.text = ""
    paragraph.runs[0].text = "基层执法力量和装备仍显不足。"
    document.add_comment(paragraph.runs[0], text="请核实", author="李四")
    path = folder / "审阅稿.docx"
    document.save(str(path))
    return path


def test_the_last_reviewed_docx_absorbed_is_shown(tmp_path: Path, txt_only: None) -> None:
    """After `absorb` the page names the DOCX, when, its edits and comments; once the data file is
    edited again it says so. The record beside the data file is no year."""
    from generator.commands.serve.app import create_app

    site, path = small_site(tmp_path)
    site.refresh()
    state = site.years[2024]
    assert state.absorbed is None
    outcome = absorb(path, reviewed_docx(path, tmp_path / "review"), now=datetime.datetime(2025, 3, 1, 10, 20, 7))
    assert len(outcome.changes) == 1 and record_path(path).name == ".2024.absorbed.json" and record_path(path).exists()
    version = state.version
    site.refresh()
    assert list(site.years) == [2024] and state.version > version
    assert state.page is not None and "基层执法力量和装备仍显不足" in state.page.html
    shown = "最近写回的审阅稿：审阅稿.docx（2025-03-01 10:20，1 处改动，1 条批注）"
    with serving(create_app(site), lifespan="off") as port:
        text = page_text(port, "/2024")
        assert shown in text and "此后数据文件又有修改" not in text and english_in(text) == []
        assert shown in page_text(port, "/2024/print/web")
        path.write_text(path.read_text(encoding="utf-8") + "# 又改了一处\n", encoding="utf-8")
        site.refresh()
        assert shown + "此后数据文件又有修改" in page_text(port, "/2024")
        record_path(path).write_text('{"docx": 3}', encoding="utf-8")  # not a record absorb wrote
        site.refresh()
        assert state.absorbed is None and "最近写回的审阅稿" not in page_text(port, "/2024")


def test_a_drafted_year_shows_the_collection_state(browser, tmp_path: Path, txt_only: None) -> None:
    """A year drafted from the sample, its figures asked of the office and of two units, two of
    them filled: each unit's state, counts and empty figures by label. The sample's own year,
    all filled and asking no unit, has no table."""
    from playwright.sync_api import expect

    from generator.commands.serve.app import create_app
    from generator.commands.serve.state import Site

    data = tmp_path / "data"
    data.mkdir()
    shutil.copy(SAMPLE, data / "2024.yaml")
    assert main(["draft", "2025", "--data-dir", str(data)]) in (0, None)
    draft = data / "2025.yaml"
    text = draft.read_text(encoding="utf-8")
    for name, unit in (("行政复议办结", "区司法局"), ("行政诉讼审结", "区司法局"), ("紧急转移安置", "区应急管理局")):
        text, replaced = re.subn(rf"^  {name}: \{{", f"  {name}: {{from: {unit}, ", text, flags=re.M)
        assert replaced == 1
    for name, value in (("行政复议办结", 240), ("紧急转移安置", 12)):
        text = re.sub(rf"^(  {name}: \{{from: \S+ )", rf"\g<1>value: {value}, ", text, flags=re.M)
    draft.write_text(text, encoding="utf-8")
    empty = sum("last_year:" in line and "value:" not in line for line in text.splitlines())

    site = Site(data, tmp_path / "out", InlineWorker(), settle=0)
    site.refresh()
    assert site.years[2025].page is not None and site.years[2025].page.units
    assert site.years[2024].page is not None and site.years[2024].page.units == ()
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    try:
        page = context.new_page()
        with serving(create_app(site), lifespan="off") as port:
            page.goto(f"http://127.0.0.1:{port}/2025")
            table = page.locator("#collection")
            expect(table.locator("h3")).to_have_text("数据填报情况")
            expect(table.locator("thead th")).to_have_text(["填报单位", "状态", "已填", "未填"])
            rows = table.locator("tbody tr:not(.gaps)")
            expect(rows).to_have_count(3)
            expect(rows.nth(0).locator("td")).to_have_text(["宛城区人民政府", "未填报", "0", str(empty - 1)])
            expect(rows.nth(1).locator("td")).to_have_text(["区应急管理局", "已报齐", "1", "0"])  # in the order of the file
            expect(rows.nth(2).locator("td")).to_have_text(["区司法局", "部分填报", "1", "1"])
            gaps = table.locator("tr.gaps")
            expect(gaps).to_have_count(2)
            expect(gaps.nth(0).locator("li").first).to_have_text("区委常委会、区政府常务会听取法治建设专题汇报")
            expect(gaps.nth(0).locator("li").first).to_have_attribute("title", "专题汇报")
            expect(gaps.nth(0).locator("li")).to_have_count(empty - 1)
            expect(gaps.nth(1).locator("li")).to_have_text(["行政诉讼审结"])
            assert english_in(table.inner_text()) == []
            page.goto(f"http://127.0.0.1:{port}/2024")
            expect(page.locator("aside h2")).to_contain_text("检查结果")
            expect(page.locator("#collection")).to_have_count(0)
    finally:
        context.close()


def serve_command(*args: str) -> subprocess.Popen:
    """The server as a terminal starts it. A suite started in the background by a shell without
    job control (`make test &` in a script) has SIGINT ignored, and an ignored signal stays
    ignored across exec, so the server would shrug off the Ctrl+C a test sends; a handled signal
    is reset to the default at exec, so it is handled while the server starts."""
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        return subprocess.Popen(
            [sys.executable, "-m", "generator", "serve", *args], cwd=ROOT, text=True,
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True,
        )
    finally:
        signal.signal(signal.SIGINT, previous)


def test_serve_on_a_busy_port_fails_at_once(tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    shutil.copy(SMALL, data / "2024.yaml")
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        process = serve_command("--port", str(port), "--data-dir", str(data), "--out-dir", str(tmp_path / "out"))
        stdout, stderr = process.communicate(timeout=60)
    assert process.returncode == 2 and stdout == ""
    assert stderr == f"错误：端口 {port} 已被其他程序占用（也许审阅页面已经在运行）：请先关闭它，或用 --port 换一个端口，例如 --port {port + 1}\n"
    assert not (tmp_path / "out").exists()


def test_serve_without_a_data_folder_fails_at_once(tmp_path: Path) -> None:
    process = serve_command("--port", "1", "--data-dir", str(tmp_path / "nowhere"), "--out-dir", str(tmp_path / "out"))
    stdout, stderr = process.communicate(timeout=60)
    assert process.returncode == 2 and stdout == ""
    assert stderr == f"错误：找不到数据文件夹 {tmp_path / 'nowhere'}：请用 --data-dir 指明存放 <年份>.yaml 的文件夹\n"
    assert not (tmp_path / "out").exists()


def test_serve_starts_says_where_and_stops_on_ctrl_c(tmp_path: Path) -> None:
    """The command as a clerk runs it: one Chinese line with the address, the report built by
    its worker process, and Ctrl+C (to the whole process group, as a terminal sends it) ends
    both without a traceback."""
    data = tmp_path / "data"
    data.mkdir()
    shutil.copy(SMALL, data / "2024.yaml")
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    process = serve_command("--port", str(port), "--data-dir", str(data), "--out-dir", str(tmp_path / "out"))
    try:
        assert process.stdout is not None
        assert process.stdout.readline() == f"审阅页面：http://127.0.0.1:{port}/（按 Ctrl+C 停止）\n"
        deadline = time.monotonic() + 60
        while not list((tmp_path / "out").glob("2024/*.pdf")) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert "行政复议案件86件" in get(port, "/download/2024/txt")[1].decode()
        os.killpg(process.pid, signal.SIGINT)
        stdout, stderr = process.communicate(timeout=30)
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
    assert (process.returncode, stdout, stderr) == (130, "", "")  # 130: the exit status of Ctrl+C
    deadline = time.monotonic() + 10
    with contextlib.suppress(ProcessLookupError):
        while time.monotonic() < deadline:
            os.killpg(process.pid, 0)  # raises once the worker process is gone too
            time.sleep(0.05)
        pytest.fail("the worker process outlived the server")


def test_the_year_page_names_the_data_version_of_the_page_and_of_the_downloads(served: Served) -> None:
    from generator.pipeline import open_report

    version = open_report(served.data / "2024.yaml").version
    deadline = time.monotonic() + 60
    while True:  # until the shared server has taken the file as it is now, downloads included
        status, body = get(served, "/2024")
        page = re.sub(r"\s+", " ", body.decode())
        if f"（数据版本 {version}）" in page or time.monotonic() > deadline:
            break
        time.sleep(0.1)
    assert status == 200
    assert f'数据版本 <span class="version">{version}</span>' in page
    assert f"（数据版本 {version}）" in page and "由较早的数据生成" not in page


def test_the_downloads_are_published_before_the_print_preview_is_drawn(tmp_path: Path) -> None:
    """A save's downloads reach the page as soon as they are built; the pictures of the PDF's
    pages follow, and until then the print preview says they are being drawn."""
    from generator.commands.serve.app import create_app
    from generator.commands.serve.job import Built, Previewed

    seen: list[tuple[str, bool, bool]] = []  # message, downloads published, previews there

    class Watching(InlineWorker):
        def run(self, job: Job, receive: Callable[[Message], None]) -> Outcome:
            def noted(message: Message) -> None:
                receive(message)
                state = site.years[2024]
                if isinstance(message, (Built, Previewed)):
                    seen.append((type(message).__name__, state.downloads is not None, bool(state.downloads and state.downloads.previews)))
                if isinstance(message, Built):
                    with serving(create_app(site), lifespan="off") as port:
                        assert "正在画打印预览" in page_text(port, "/2024/print/web")
                        assert get(port, "/download/2024/pdf")[0] == 200
            return super().run(job, noted)

    site, _ = small_site(tmp_path, Watching())
    site.refresh()
    assert seen == [("Built", True, False), ("Previewed", True, True)]
    state = site.years[2024]
    assert not state.previewing and state.downloads is not None and len(state.downloads.previews["web"]) >= 1
