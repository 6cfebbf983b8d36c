"""What makes a cold PDF build quick, checked by its behaviour (never by timing): cffi's parses
come from the cache, the C libraries are found without gcc or ld, the fonts folder is known to
fontconfig, and the user's own environment is left as it was. See docs/performance.md."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from generator import resources
from generator.config import layout
from generator.errors import EngineError
from generator.pipeline import open_report
from generator.writers import html
from generator.writers.pdf import fontdata, fonts
from generator.writers.pdf import startup as weasyprint_startup

from .helpers import ROOT

FANDOL = "FandolKai-Regular.otf"
needs_fandol = pytest.mark.skipif(not (resources.fonts_dir() / FANDOL).is_file(), reason=f"{FANDOL} not in .fonts/ (make setup)")
needs_fc_list = pytest.mark.skipif(shutil.which("fc-list") is None, reason="fontconfig's fc-list not installed")


def run_python(code: str, **env: str) -> subprocess.CompletedProcess:
    """Run `code` in a new interpreter in the repository, with `env` added to the environment."""
    return subprocess.run([sys.executable, "-c", textwrap.dedent(code)], cwd=ROOT, capture_output=True, text=True,
                          env={**os.environ, **env}, check=False)


@pytest.fixture
def cache(tmp_path: Path, monkeypatch) -> Path:
    """A cache folder of the test's own, for this process and the ones it starts."""
    folder = tmp_path / "cache"
    monkeypatch.setenv(resources.CACHE_DIR_ENV, str(folder))
    return folder


# -- cffi's parses ---------------------------------------------------------------------------

PARSE = """
    import cffi, pycparser
    from generator.writers.pdf import startup as weasyprint_startup
    weasyprint_startup.install()
    if {forbid_parsing}:
        def refuse(*args, **kwargs):
            raise AssertionError("pycparser was asked to parse")
        pycparser.CParser = refuse
        pycparser.c_parser.CParser = refuse
    ffi = cffi.FFI()
    ffi.cdef("int abs(int);")
    print(ffi.dlopen(None).abs(-3))
"""


def test_cffi_parses_are_cached_and_reused_by_the_next_process(cache):
    first = run_python(PARSE.format(forbid_parsing=False))
    assert first.returncode == 0, first.stderr
    assert first.stdout.strip() == "3"
    assert list(cache.glob("cffi-*.pickle"))
    second = run_python(PARSE.format(forbid_parsing=True))  # only the cache can answer now
    assert second.returncode == 0, second.stderr
    assert second.stdout.strip() == "3"


def test_the_caching_parser_parses_each_text_once(cache, monkeypatch):
    monkeypatch.setattr(weasyprint_startup, "CACHE_DIR", cache)
    monkeypatch.setattr(weasyprint_startup, "CACHE_FILE", cache / "trees.pickle")
    made = []

    class Parser:
        def parse(self, text):
            return ("tree of", text)

    def make_parser():
        made.append(1)
        return Parser()

    parser = weasyprint_startup._CachingParser({}, make_parser)
    assert parser.parse("int f(void);") == parser.parse("int f(void);") == ("tree of", "int f(void);")
    assert len(made) == 1
    assert weasyprint_startup._load() == parser.parse_trees  # saved for the next process


def test_an_array_type_is_parsed_once_for_every_length(cache, monkeypatch):
    """WeasyPrint allocates arrays whose length changes with every document (`hb_codepoint_t[N]`):
    the type is parsed, and kept, with length 1; any other length is that tree with its number."""
    import io

    import pycparser

    monkeypatch.setattr(weasyprint_startup, "CACHE_DIR", cache)
    monkeypatch.setattr(weasyprint_startup, "CACHE_FILE", cache / "trees.pickle")
    real, parsed = pycparser.CParser(), []

    class Counting:
        def parse(self, text):
            parsed.append(text)
            return real.parse(text)

    def shown(tree) -> str:
        out = io.StringIO()
        tree.show(out, attrnames=True, showcoord=True)
        return out.getvalue()

    parser = weasyprint_startup._CachingParser({}, Counting)
    head = 'typedef int hb_codepoint_t;\ntypedef int __dotdotdotint__, __dotdotdotfloat__, __dotdotdot__;\n# 1 "<cdef source string>"\n'
    for length in (7, 4558, 100000):
        text = f"{head}void __dummy(\nhb_codepoint_t[{length}]\n);\n"
        assert shown(parser.parse(text)) == shown(real.parse(text))
    assert len(parsed) == 1 and "hb_codepoint_t[1]" in parsed[0]
    assert len(weasyprint_startup._load()) == 1  # only the tree of length 1 is kept on disk


# -- fontTools' fallbacks -------------------------------------------------------------------

DEFERRED = """
    import sys
    from generator.writers.pdf import startup as weasyprint_startup
    weasyprint_startup.load()
    from weasyprint.pdf import fonts as pdf_fonts
    lazy = sys.modules["fontTools.subset"]
    print("varLib" if "fontTools.varLib" in sys.modules else "no varLib")
    print("instancer stand-in gone" if "fontTools.varLib.instancer" not in sys.modules else "stand-in left")
    print(pdf_fonts.subset.Subsetter.__module__)  # first use runs the real module
    try:
        pdf_fonts.instantiateVariableFont(None, {})  # not a font: the real function refuses it
    except Exception as error:
        print(error.__traceback__.tb_next.tb_next.tb_frame.f_code.co_filename.endswith("instancer/__init__.py"))
    print(sys.modules["fontTools.varLib.instancer"].instantiateVariableFont.__module__)
"""


def test_fonttools_fallbacks_load_only_when_used(cache):
    result = run_python(DEFERRED)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [
        "no varLib", "instancer stand-in gone", "fontTools.subset", "True", "fontTools.varLib.instancer",
    ]


HINTS = """
    import sys
    import pdfplumber
    from generator.writers.pdf import startup as weasyprint_startup
    weasyprint = weasyprint_startup.load()
    from weasyprint import html
    print("deferred" if "_fazhi_deferred" in html.PH_STYLESHEET.__dict__ else "parsed")
    print("deferred" if "_fazhi_deferred" in html.UA_STYLESHEET.__dict__ else "parsed")
    print(html.CSS is weasyprint.CSS)
    page = '<style>@page { size: 200px 100px; margin: 0 }</style><p align="right" style="margin: 0">x</p>'
    for hints in (False, True):
        weasyprint.HTML(string=page).write_pdf(sys.argv[1], presentational_hints=hints)
        with pdfplumber.open(sys.argv[1]) as pdf:
            print("right" if pdf.pages[0].chars[0]["x0"] > 100 else "left")
"""


def test_the_hints_stylesheet_is_parsed_when_first_used(cache, tmp_path):
    """The user agent's stylesheet is parsed at import as before; the presentational hints'
    only when a render asks for them, and then they apply (align="right" puts x at the edge)."""
    script = tmp_path / "hints.py"
    script.write_text(textwrap.dedent(HINTS), encoding="utf-8")
    result = subprocess.run([sys.executable, str(script), str(tmp_path / "hints.pdf")], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["deferred", "parsed", "True", "left", "right"]


# -- finding the C libraries -----------------------------------------------------------------

LOAD = """
    import ctypes.util, gc, sys
    spawned = []
    sys.addaudithook(lambda event, args: spawned.append(args[1]) if event == "subprocess.Popen" else None)
    from generator.writers.pdf import startup as weasyprint_startup
    original = ctypes.util.find_library
    weasyprint = weasyprint_startup.load()
    from weasyprint.text import ffi
    print(len(spawned), *(" ".join(map(str, command)) for command in spawned), sep="\\n")
    assert ctypes.util.find_library is original, "find_library was not put back"
    assert gc.isenabled() and gc.get_freeze_count() > 0
    assert (ffi.harfbuzz_subset is None) == (original("harfbuzz-subset") is None)
"""


@pytest.mark.skipif(not sys.platform.startswith("linux") or not Path("/sbin/ldconfig").exists(), reason="Linux with ldconfig")
def test_weasyprint_is_imported_with_one_ldconfig_and_no_gcc_or_ld(cache):
    result = run_python(LOAD)
    assert result.returncode == 0, result.stderr
    count, *commands = result.stdout.splitlines()
    assert commands == ["/sbin/ldconfig -p"]
    assert count == "1"


def test_find_library_answers_like_cpython_from_the_ldconfig_listing(monkeypatch):
    monkeypatch.setattr(weasyprint_startup, "_ldconfig_abi", lambda: "libc6,x86-64")
    listing = [("libpango-1.0.so.0", "libc6"), ("libpango-1.0.so.0", "libc6,x86-64"),
               ("libharfbuzz-subset.so.0", "libc6,x86-64, OS ABI: Linux 3.2.0"), ("libharfbuzz.so.0", "libc6,x86-64")]
    find = weasyprint_startup.find_library
    assert find("pango-1.0", listing) == "libpango-1.0.so.0"
    assert find("harfbuzz", listing) == "libharfbuzz.so.0"  # not libharfbuzz-subset: the name ends at the dot
    assert find("harfbuzz-subset", listing) == "libharfbuzz-subset.so.0"
    for name in ("libpango-1.0-0", "pango-1.0-0", "libpango-1.0.dylib", "harfbuzz-vector"):
        assert find(name, listing) is None


def test_find_library_looks_in_ld_library_path(tmp_path, monkeypatch):
    (tmp_path / "libhandmade.so").write_bytes(b"\x7fELF and the rest")
    (tmp_path / "libscript.so").write_text("GROUP ( /lib/libc.so.6 )")  # a linker script, not a library
    monkeypatch.setenv("LD_LIBRARY_PATH", f"/nowhere:{tmp_path}")
    assert weasyprint_startup.find_library("handmade", []) == str(tmp_path / "libhandmade.so")
    assert weasyprint_startup.find_library("script", []) is None


@pytest.mark.skipif(not sys.platform.startswith("linux") or not Path("/sbin/ldconfig").exists(), reason="Linux with ldconfig")
def test_find_library_agrees_with_cpython_on_this_machine():
    import ctypes.util

    libraries = weasyprint_startup._ldconfig_libraries()
    for name in ("c", "fontconfig", "no-such-library-xyz"):
        assert weasyprint_startup.find_library(name, libraries) == ctypes.util.find_library(name)


# -- the fonts folder in fontconfig ----------------------------------------------------------


@needs_fandol
@needs_fc_list
def test_fonts_folder_files_resolve_through_fontconfig(document_2024):
    profile = layout.load()
    resolved = fonts.resolve(profile)
    from_folder = [face for face in resolved.values() if face.path is not None]
    assert from_folder, "the profile's Fandol candidates should be chosen here"
    for face in from_folder:
        assert face.in_fontconfig and face.family == face.path.stem
    assert resolved.files() == {}
    assert "@font-face" not in html.render(document_2024, profile, resolved)
    for face in from_folder:  # the notes name the font, as a font menu does
        if face.skipped:
            assert any(note.endswith(f"，PDF 改用 {face.name}") for note in resolved.notes())
            assert face.name.startswith("Fandol") and ".otf" not in face.name


@needs_fandol
@needs_fc_list
def test_a_fonts_dir_elsewhere_resolves_through_fontconfig_with_its_cache_in_the_cache_folder(tmp_path, cache, monkeypatch):
    folder = tmp_path / "fonts"
    folder.mkdir()
    (folder / "Some-Kai.otf").symlink_to(resources.fonts_dir() / FANDOL)
    (folder / "Not-A-Font.otf").write_bytes(b"not really a font")
    monkeypatch.setenv(resources.FONTS_DIR_ENV, str(folder))
    changed = layout.load()
    changed["fonts"]["heading2"]["pdf"] = [{"file": "Some-Kai.otf"}]
    changed["fonts"]["body"]["pdf"] = [{"file": "Not-A-Font.otf"}]
    resolved = fonts.resolve(changed)
    assert resolved["heading2"].in_fontconfig and resolved["heading2"].family == "Some-Kai"
    assert not resolved["body"].in_fontconfig  # fontconfig cannot read it: declared with @font-face
    assert resolved.files() == {(folder / "Not-A-Font.otf").resolve(): "Not-A-Font"}
    config = fonts.fontconfig_file()
    assert config is not None and cache in config.parents
    assert list(config.parent.glob("*.cache-*")), "fontconfig keeps its scan of the folder beside the configuration"


@needs_fandol
@needs_fc_list
def test_a_cache_of_the_folder_written_under_another_configuration_does_not_hide_the_families(tmp_path, cache, monkeypatch):
    """fontconfig takes the newest valid cache of a folder from any cache folder it knows of; one
    that another program's configuration wrote there (without our rules) must not stand in."""
    folder = tmp_path / "fonts"
    folder.mkdir()
    (folder / "Some-Kai.otf").symlink_to(resources.fonts_dir() / FANDOL)
    shared_cache = tmp_path / "shared-cache"  # stands for ~/.cache/fontconfig or /var/cache/fontconfig
    users = tmp_path / "users.conf"
    users.write_text(f'<?xml version="1.0"?>\n<fontconfig><cachedir>{shared_cache}</cachedir>'
                     '<include ignore_missing="yes">fonts.conf</include></fontconfig>\n')
    another = tmp_path / "another-program.conf"
    another.write_text(f'<?xml version="1.0"?>\n<fontconfig><cachedir>{shared_cache}</cachedir><dir>{folder}</dir></fontconfig>\n')
    monkeypatch.setenv("FONTCONFIG_FILE", str(users))
    monkeypatch.setenv(resources.FONTS_DIR_ENV, str(folder))
    changed = layout.load()
    changed["fonts"]["heading2"]["pdf"] = [{"file": "Some-Kai.otf"}]
    fonts.fontconfig_file()  # ours first: the other program's cache is then the newer one
    subprocess.run(["fc-list", "--format", "%{family}\n"], env={**os.environ, "FONTCONFIG_FILE": str(another)},
                   capture_output=True, check=True)
    assert list(shared_cache.glob("*.cache-*")), "the other program cached the folder"
    assert fonts.resolve(changed)["heading2"].in_fontconfig
    assert str(users) in fonts.fontconfig_file().read_text()  # the user's configuration is included


def test_fontconfig_selected_puts_the_users_setting_back(cache, monkeypatch):
    monkeypatch.setenv("FONTCONFIG_FILE", "/etc/fonts/someone-elses.conf")
    with fonts.fontconfig_selected() as config:
        assert config is not None and os.environ["FONTCONFIG_FILE"] == str(config)
        assert "/etc/fonts/someone-elses.conf" in config.read_text()
    assert os.environ["FONTCONFIG_FILE"] == "/etc/fonts/someone-elses.conf"
    monkeypatch.delenv("FONTCONFIG_FILE")
    with fonts.fontconfig_selected():
        assert "FONTCONFIG_FILE" in os.environ
    assert "FONTCONFIG_FILE" not in os.environ


def test_without_a_fonts_folder_nothing_is_written(tmp_path, cache, monkeypatch):
    monkeypatch.setenv(resources.FONTS_DIR_ENV, str(tmp_path / "missing"))
    assert fonts.fontconfig_file() is None
    with fonts.fontconfig_selected() as config:
        assert config is None
    assert not cache.exists()


def test_configurations_of_folders_that_are_gone_are_removed(tmp_path, cache, monkeypatch):
    gone, kept = tmp_path / "gone", tmp_path / "kept"
    gone.mkdir()
    kept.mkdir()
    monkeypatch.setenv(resources.FONTS_DIR_ENV, str(gone))
    old = fonts.fontconfig_file()
    gone.rmdir()
    monkeypatch.setenv(resources.FONTS_DIR_ENV, str(kept))
    new = fonts.fontconfig_file()
    assert new.exists() and not old.parent.exists()


@needs_fandol
def test_writing_a_pdf_leaves_fontconfig_file_as_it_was(document_2024, tmp_path, monkeypatch):
    from generator.writers import pdf

    monkeypatch.delenv("FONTCONFIG_FILE", raising=False)
    pdf.write(document_2024, layout.load(), tmp_path / "2024.pdf")
    assert "FONTCONFIG_FILE" not in os.environ


# -- font files read only when read ----------------------------------------------------------

@needs_fandol
def test_a_fonts_bytes_read_before_subsetting_are_the_whole_face(document_2024, tmp_path, monkeypatch):
    """Nothing is copied when a font is first used; whoever reads the bytes before the subset
    replaces them (the fontTools subsetter would) gets the whole face, as before."""
    from weasyprint.pdf import fonts as pdf_fonts

    from generator.writers import pdf

    pdf.check_engine()
    seen: dict[str, int] = {}
    original_clean = pdf_fonts.Font.clean

    def clean(font, to_unicode, hinting):
        assert font.__dict__[fontdata._DATA] is fontdata._UNREAD  # __init__ copied nothing
        seen[font.family] = len(font.file_content)
        original_clean(font, to_unicode, hinting)
        assert len(font.file_content) < seen[font.family]  # the subset's bytes, set after the first

    monkeypatch.setattr(pdf_fonts.Font, "clean", clean)
    pdf.write(document_2024, layout.load(), tmp_path / "2024.pdf")
    sizes = {path.stem: path.stat().st_size for path in resources.fonts_dir().glob("Fandol*.otf")}
    assert seen and all(seen[family] == sizes[family] for family in seen), (seen, sizes)
    assert isinstance(pdf_fonts.Font.__dict__["file_content"], property)


def test_the_font_bytes_patch_refuses_another_weasyprint(monkeypatch):
    from generator.writers.pdf import startup as weasyprint_startup

    weasyprint_startup.load()
    monkeypatch.setattr(fontdata, "EXPECTED_INIT", "0" * 64)
    with pytest.raises(EngineError, match="Font.__init__"):
        fontdata.check()


# -- compiled page templates -----------------------------------------------------------------

def test_page_templates_are_compiled_once_into_the_cache_folder(cache):
    result = run_python(f"""
        from generator.pipeline import open_report
        from generator.writers import html
        loaded = open_report(__import__("pathlib").Path({str(ROOT / "tests" / "fixtures" / "2024.yaml")!r}))
        print(len(html.render(loaded.document, loaded.profile)) > 0)
    """)
    assert result.returncode == 0, result.stderr
    compiled = sorted((cache / "jinja").glob("__jinja2_*.cache"))
    assert len(compiled) == 2  # the page and its stylesheet
    stamps = [path.stat().st_mtime_ns for path in compiled]
    assert run_python(result.args[2]).returncode == 0
    assert [path.stat().st_mtime_ns for path in compiled] == stamps  # read, not written again


def test_pages_render_when_the_cache_folder_cannot_be_made(tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    result = run_python(f"""
        from generator.pipeline import open_report
        from generator.writers import html
        assert html._ENV.bytecode_cache is None
        loaded = open_report(__import__("pathlib").Path({str(ROOT / "tests" / "fixtures" / "2024.yaml")!r}))
        print(html.render(loaded.document, loaded.profile), end="")
    """, **{resources.CACHE_DIR_ENV: str(blocker / "cache")})
    assert result.returncode == 0, result.stderr
    loaded = open_report(ROOT / "tests" / "fixtures" / "2024.yaml")
    assert result.stdout == html.render(loaded.document, loaded.profile)


# -- texts compiled once ---------------------------------------------------------------------

def test_a_text_is_compiled_once_and_still_checked_for_each_report(monkeypatch, tmp_path):
    """The second report with the same text reuses its compiled form; a report in which the
    text names a figure it does not have is still refused, with its own location."""
    import importlib

    from generator.errors import DataError
    from generator.pipeline.loader import load

    resolving = importlib.import_module("generator.pipeline.resolve")  # the module, not the function the package exports

    compiled: list[str] = []
    real = resolving._ENV.from_string
    monkeypatch.setattr(resolving._ENV, "from_string", lambda source: compiled.append(source) or real(source))
    resolving._compiled.cache_clear()
    sample = (ROOT / "tests" / "fixtures" / "2024.yaml").read_text(encoding="utf-8")
    first = resolving.resolve(load(ROOT / "tests" / "fixtures" / "2024.yaml"))
    count = len(compiled)
    again = resolving.resolve(load(ROOT / "tests" / "fixtures" / "2024.yaml"))
    assert count > 10 and len(compiled) == count and again == first

    formulas = "\n".join(line for line in sample.splitlines() if "formula" in line)
    name = next(n for n in sorted(first.figures_used) if f"{{{{ {n} }}}}" in sample and n not in formulas)
    renamed = tmp_path / "2024.yaml"
    renamed.write_text(sample.replace(f"\n  {name}:", f"\n  改名的{name}:", 1), encoding="utf-8")
    with pytest.raises(DataError, match=f"“{name}”没有定义"):
        resolving.resolve(load(renamed))
