"""`serve`: the review pages in a real browser (Debian's chromium, driven by Playwright), over a
copy of the data: downloads equal what `build` writes, a save re-renders the open page, a broken
save shows its file:line and keeps the last good report, and no URL reaches a file.

The tests share one server and run in order: the last one edits the data.
"""
from __future__ import annotations

import http.client
import io
import re
import socket
import threading
import time
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from generator.config import layout
from generator.commands.build import build
from generator.pipeline import open_report
from generator.commands.check import check
from generator.pipeline.loader import load
from generator.pipeline.resolve import resolve
from generator.commands.serve.anchors import link
from generator.writers import html

from .helpers import ROOT, SAMPLE

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]
SECRET = "[build-system]"  # in pyproject.toml: must never come back


@dataclass(frozen=True)
class Served:
    url: str
    port: int
    data: Path


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    """The server on a free port of 127.0.0.1, over data/2024.yaml and a 2023 that differs in one figure."""
    import uvicorn

    from generator.commands.serve.app import create_app
    from generator.commands.serve.state import Site

    root = tmp_path_factory.mktemp("serve")
    data = root / "data"
    data.mkdir()
    this_year = (SAMPLE).read_text(encoding="utf-8")
    (data / "2024.yaml").write_text(this_year, encoding="utf-8")
    last_year = this_year.replace("  year: 2024", "  year: 2023").replace("行政诉讼审结: {value: 130,", "行政诉讼审结: {value: 120,")
    (data / "2023.yaml").write_text(last_year, encoding="utf-8")
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    port = listener.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(create_app(Site(data, root / "out")), log_level="warning", access_log=False))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [listener]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.02)
    assert server.started, "the server did not start"
    yield Served(f"http://127.0.0.1:{port}", port, data)
    server.should_exit = True
    thread.join(timeout=10)
    listener.close()


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


def get(served: Served, path: str) -> tuple[int, bytes]:
    """A request with exactly this path (no client-side clean-up of ../ or %2e)."""
    connection = http.client.HTTPConnection("127.0.0.1", served.port, timeout=10)
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        return response.status, response.read()
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
    finding = page.locator("a.finding", has_text="专题汇报 = 4次, unchanged since 2023")
    expect(finding).to_have_count(1)
    anchor = finding.get_attribute("href").rsplit("#", 1)[1]
    finding.click()
    report = page.frame_locator("iframe[name=report]")
    target = report.locator(f"#{anchor}")
    expect(target).to_contain_text("常务会先后4次听取法治建设专题汇报")
    expect(target).to_have_attribute("data-flag", "warning")
    expect(report.locator(":target")).to_have_attribute("id", anchor)
    expect(page.locator("a.finding", has_text="行政诉讼审结 =")).to_have_count(0)


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
])
def test_no_path_reaches_a_file(served: Served, path: str) -> None:
    status, body = get(served, path)
    assert status == 404
    assert SECRET.encode() not in body and b"root:" not in body and b"meta:" not in body


def test_saving_rerenders_and_a_broken_save_keeps_the_last_good(page, served: Served, tmp_path: Path) -> None:
    from playwright.sync_api import expect

    path = served.data / "2024.yaml"
    original = path.read_text(encoding="utf-8")
    page.goto(f"{served.url}/2024")
    report = page.frame_locator("iframe[name=report]")
    expect(report.locator("body")).to_contain_text("审结130件")

    edited = original.replace("行政诉讼审结: {value: 130,", "行政诉讼审结: {value: 131,")
    path.write_text(edited, encoding="utf-8")
    expect(report.locator("body")).to_contain_text("审结131件", timeout=4_000)
    expect(page.get_by_role("link", name="下载DOCX", exact=True)).to_be_visible()

    lines = edited.splitlines(keepends=True)
    broken_line = next(n for n, line in enumerate(lines, 1) if line.startswith("  专题汇报:"))
    lines[broken_line - 1] = lines[broken_line - 1].replace("{value: 4,", "{value: 4,,")
    path.write_text("".join(lines), encoding="utf-8")
    alert = page.locator("#data-error")
    expect(alert).to_contain_text(f"{path}:{broken_line}:", timeout=4_000)
    expect(report.locator("body")).to_contain_text("审结131件")
    with page.expect_download() as download:
        page.get_by_role("link", name="下载DOCX", exact=True).click()
    good = tmp_path / "good" / "2024.yaml"
    good.parent.mkdir()
    good.write_text(edited, encoding="utf-8")
    saved = tmp_path / "downloaded.docx"
    download.value.save_as(saved)
    assert document_xml(saved) == document_xml(built_docx(good, tmp_path / "built"))

    path.write_text(original, encoding="utf-8")
    expect(alert).to_have_count(0, timeout=4_000)
    expect(report.locator("body")).to_contain_text("审结130件")
