"""Nothing outside the project's own files reaches a rendered page: the PDF renderer loads only
the fonts folder's and the templates' files, profile strings cannot leave the CSS string they
are written into, and a profile is a built-in name or a .yaml of the data's own folder."""
from __future__ import annotations

import io
import shutil
from pathlib import Path

import pytest
from PIL import Image

from generator.writers.pdf import fetcher, startup

from .datafiles import GOOD
from .hostile import PDF_TIMEOUT, Listener, run


@pytest.fixture
def listener():
    server = Listener()
    yield server
    server.close()


def _image(path: Path) -> Path:
    buffer = io.BytesIO()
    Image.new("RGB", (40, 40), (255, 0, 0)).save(buffer, "PNG")
    path.write_bytes(buffer.getvalue())
    return path


def _has_image(pdf: bytes) -> bool:
    return b"/Subtype /Image" in pdf


def test_the_renderer_loads_no_local_file_and_no_url(tmp_path, listener):
    image = _image(tmp_path / "secret.png")
    page = (f'<html><head><style>body {{ background: url("{listener.url}") }} p {{ background: url("{image.as_uri()}") }}</style>'
            f'<link rel="stylesheet" href="{listener.url}"></head>'
            f'<body><p>正文</p><img src="{image.as_uri()}"><img src="{listener.url}"><img src="data:image/png;base64,AAAA"></body></html>')
    HTML = startup.load().HTML
    control = HTML(string=page.replace(listener.url, "http://0.0.0.0:0/")).write_pdf()
    assert _has_image(control)  # WeasyPrint's own fetcher paints the local file
    guarded = HTML(string=page, url_fetcher=fetcher.project_files()).write_pdf()
    assert not _has_image(guarded)
    assert listener.connections == 0


def test_the_fetcher_serves_the_fonts_folder_only(tmp_path):
    from generator.resources import fonts_dir

    font = next(fonts_dir().glob("*.otf"))
    assert fetcher.allowed(font.as_uri()) == font.resolve()
    outside = tmp_path / "font.otf"
    shutil.copy(font, outside)
    link = fonts_dir() / ".." / ".." / "etc"
    for url in (outside.as_uri(), "file:///etc/passwd", "file:///dev/zero", f"{font.as_uri()}?x", "http://127.0.0.1/",
                f"file://{link}/passwd", "data:font/otf;base64,AAAA", "ftp://127.0.0.1/x"):
        assert fetcher.allowed(url) is None, url


def _data(folder: Path, layout_line: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    data = folder / "2024.yaml"
    data.write_text(GOOD.replace("meta:\n", f"meta:\n  layout: {layout_line}\n", 1), encoding="utf-8")
    return data


def test_hostile_profile_strings_stay_inside_the_stylesheet_string(tmp_path, listener):
    image = _image(tmp_path / "secret.png")
    escape = f'x"; }} @page {{ background: url({listener.url}) }} html {{ background: url("{image.as_uri()}") }} .a {{ content: "'
    data = _data(tmp_path / "data", "own")
    (tmp_path / "data" / "own.yaml").write_text(
        "extends: gbt9704\n"
        f"page_number:\n  form: '— {{n}} —{escape.replace(chr(39), chr(39) * 2)}'\n"
        f"fonts:\n  body:\n    size_pt: 16\n    bold: false\n    docx: '{escape.replace(chr(39), chr(39) * 2)}'\n"
        f"    pdf: [{{file: FandolFang-Regular.otf}}, {{family: '{escape.replace(chr(39), chr(39) * 2)}'}}]\n",
        encoding="utf-8")
    ended = run("build", str(data), "-o", str(tmp_path / "out"), "--format", "pdf", cwd=tmp_path, timeout=PDF_TIMEOUT)
    assert ended.returncode == 0, ended.stderr[-800:]
    (pdf,) = (tmp_path / "out").glob("*.pdf")
    assert not _has_image(pdf.read_bytes())
    assert listener.connections == 0


@pytest.mark.parametrize("line, value, words", [
    ("form: \"— {n} —\\r} @page { background: red }\"", "page_number", "page_number.form 中有看不见的控制字符 U+000D"),
    ("form: \"— {n} —\\u2028x\"", "page_number", "page_number.form 中有看不见的控制字符 U+2028"),
    ("color: \"red; } html { background: url(http://127.0.0.1:1/) } x {\"", "formal", "formal.color 应为“#RRGGBB”形式的颜色"),
], ids=["carriage-return", "line-separator", "colour-with-rules"])
def test_a_profile_string_that_could_end_its_css_is_refused_at_its_place(tmp_path, line, value, words):
    data = _data(tmp_path / "data", "own")
    (tmp_path / "data" / "own.yaml").write_text(f"extends: gbt9704\n{value}:\n  {line}\n", encoding="utf-8")
    message = run("build", str(data), "-o", str(tmp_path / "out"), "--format", "txt", cwd=tmp_path).error_line()
    assert message.startswith(f"错误：{tmp_path / 'data' / 'own.yaml'}:3:") and words in message
    assert not (tmp_path / "out").exists()


def test_a_font_file_is_a_name_in_the_fonts_folder(tmp_path):
    data = _data(tmp_path / "data", "own")
    (tmp_path / "data" / "own.yaml").write_text("fonts:\n  body:\n    pdf: [{file: ../../../../etc/passwd.otf}]\n", encoding="utf-8")
    message = run("build", str(data), "-o", str(tmp_path / "out"), "--format", "txt", cwd=tmp_path).error_line()
    assert ":3:18：fonts.body.pdf.file 应为字体文件夹 .fonts/ 中的一个文件名" in message


@pytest.mark.parametrize("name", ["/etc/passwd", "../outside.yaml", "../outside", "/etc/hostname", "sub/../../outside.yaml", "linked.yaml"])
def test_meta_layout_names_only_a_builtin_profile_or_a_yaml_of_the_data_folder(tmp_path, name):
    outside = tmp_path / "outside.yaml"
    outside.write_text("SECRET_KEY: 42\n", encoding="utf-8")
    data = _data(tmp_path / "data", name)
    (tmp_path / "data" / "linked.yaml").symlink_to(outside)
    message = run("build", str(data), "-o", str(tmp_path / "out"), "--format", "txt", cwd=tmp_path).error_line()
    assert message.startswith(f"错误：{data} 的 meta.layout：找不到版式配置“{name}”")
    assert "SECRET" not in message and "root:" not in message
    assert not (tmp_path / "out").exists()


def test_a_file_that_is_not_a_profile_is_named_without_its_content(tmp_path):
    data = _data(tmp_path / "data", "notes.yaml")
    (tmp_path / "data" / "notes.yaml").write_text("SECRET_KEY: 42\n", encoding="utf-8")
    message = run("build", str(data), "-o", str(tmp_path / "out"), "--format", "txt", cwd=tmp_path).error_line()
    assert message == f"错误：{tmp_path / 'data' / 'notes.yaml'}:1:1：这不是版式配置文件（其中没有 extends、page、fonts 等任何一项）；请检查 meta.layout 或 --layout 写的文件名"


def test_a_chain_of_a_thousand_profiles_ends_at_the_cap(tmp_path):
    data = _data(tmp_path / "data", "p0")
    for n in range(1000):
        (tmp_path / "data" / f"p{n}.yaml").write_text(f"extends: p{n + 1}\n" if n < 999 else "extends: gbt9704\n", encoding="utf-8")
    message = run("build", str(data), "-o", str(tmp_path / "out"), "--format", "txt", cwd=tmp_path).error_line()
    assert ":1:10：extends 一层套一层超过了 16 层" in message


def test_a_font_face_of_the_fonts_folder_is_embedded_and_one_elsewhere_is_not(tmp_path):
    import pdfplumber

    from generator.resources import fonts_dir

    font = fonts_dir() / "FandolKai-Regular.otf"
    outside = tmp_path / "Outside.otf"
    shutil.copy(font, outside)

    def font_of(url: str) -> str:
        page = (f'<html><head><style>@font-face {{ font-family: "Chosen"; src: url("{url}"); }} p {{ font-family: "Chosen"; }}</style>'
                "</head><body><p>测试文字</p></body></html>")
        pdf = startup.load().HTML(string=page, url_fetcher=fetcher.project_files()).write_pdf()
        with pdfplumber.open(io.BytesIO(pdf)) as document:
            return document.pages[0].chars[0]["fontname"]

    assert font_of(font.as_uri()).endswith("+Chosen")
    assert not font_of(outside.as_uri()).endswith("+Chosen")
