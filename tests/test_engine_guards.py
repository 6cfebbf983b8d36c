"""The PDF writer's patches of WeasyPrint, pydyf and cffi fail safe: a guard that trips stops
the PDF with one Chinese line naming the package (exit 2) while the other formats are still
written; a start-up trick whose private function is gone leaves the plain path working."""
from __future__ import annotations

import os
import re
import subprocess
import sys
import textwrap

import pytest

from generator.cli import main
from generator.errors import EngineError

from .helpers import ROOT, SAMPLE


def test_justification_patch_refuses_another_weasyprint_version(monkeypatch):
    import weasyprint
    from weasyprint.layout import inline

    from generator.writers.pdf import justify

    justify.check()
    monkeypatch.setattr(weasyprint, "__version__", "71.0")
    monkeypatch.setattr(inline, "justify_line", justify._original_justify_line)
    with pytest.raises(EngineError, match="为 weasyprint 70.0 编写的，本机装的是 weasyprint 71.0"):
        justify.install()
    assert inline.justify_line is justify._original_justify_line


def test_justification_patch_refuses_another_pydyf_version(monkeypatch):
    import pydyf

    from generator.writers.pdf import justify

    monkeypatch.setattr(pydyf, "__version__", "0.14.0")
    with pytest.raises(EngineError, match="pydyf 0.13.0 编写的，本机装的是 pydyf 0.14.0"):
        justify.check()


def _owner(target: str):
    """The object holding a patched-or-relied-on function, and the attribute's name."""
    from generator.writers.pdf import justify

    if target == "weasyprint.layout.inline.justify_line":
        return justify, "_original_justify_line"  # the original, as captured before patching
    if target == "weasyprint.draw.text.draw_first_line":
        return justify, "_original_draw_first_line"
    module_name, _, attribute = target.rpartition(".")
    owner_name = None
    if module_name.rsplit(".", 1)[-1][:1].isupper():  # a class: Layout, Stream
        module_name, owner_name = module_name.rsplit(".", 1)
    module = __import__(module_name, fromlist=["_"])
    return (getattr(module, owner_name) if owner_name else module), attribute


def _expected_targets() -> list[str]:
    from generator.writers.pdf import justify

    return sorted(justify.EXPECTED_SOURCES)


def _changed(*args, **kwargs):  # stands for a new release's version of a function
    raise AssertionError("never called")


@pytest.mark.parametrize("target", _expected_targets())
def test_justification_patch_refuses_changed_internals(target, monkeypatch):
    from generator.writers.pdf import justify, sources

    owner, attribute = _owner(target)
    assert sources.source_digest(getattr(owner, attribute)) == justify.EXPECTED_SOURCES[target]
    monkeypatch.setattr(owner, attribute, _changed)
    package = target.split(".")[0]
    with pytest.raises(EngineError, match=re.escape(f"{package} ") + r"[\d.]+ 的 " + re.escape(target)):
        justify.check()


def test_a_tripped_guard_is_one_line_exit_2_and_the_other_formats_are_written(tmp_path, monkeypatch, capsys):
    import pydyf

    from generator.writers.pdf import justify

    monkeypatch.setattr(pydyf.Stream, "show_text", _changed)
    monkeypatch.setattr(justify.inline, "justify_line", justify._original_justify_line)
    out = tmp_path / "out"
    assert main(["build", str(SAMPLE), "-o", str(out)]) == 2
    error = capsys.readouterr().err
    assert len(error.strip().splitlines()) == 1, error
    assert error.startswith("错误：pydyf 0.13.0 的 pydyf.Stream.show_text") and "--format docx,html,txt" in error
    assert sorted(p.suffix for p in out.glob("[!.]*")) == [".docx", ".html", ".txt"]  # not the folder's record

    alone = tmp_path / "alone"
    assert main(["build", str(SAMPLE), "-o", str(alone), "--format", "docx,html,txt"]) == 0
    assert sorted(p.suffix for p in alone.glob("[!.]*")) == [".docx", ".html", ".txt"]


def test_without_cffis_private_parser_function_the_pdf_is_still_made(tmp_path):
    """`cffi.cparser._get_parser` gone (a cffi release that renamed it): cffi parses as usual.

    cffi itself still needs its parser: the test keeps it reachable as a builtin, where cffi's
    own global look-up finds it but `getattr(cffi.cparser, …)` does not."""
    code = textwrap.dedent(f"""
        import builtins
        import cffi.cparser
        builtins._get_parser = cffi.cparser._get_parser
        del cffi.cparser._get_parser
        from generator.cli import main
        raise SystemExit(main(["build", {str(SAMPLE)!r}, "-o", {str(tmp_path)!r}, "--format", "pdf"]))
    """)
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True,
                            env={**os.environ, "FAZHI_CACHE_DIR": str(tmp_path / "cache")})
    assert result.returncode == 0, result.stderr
    (pdf,) = tmp_path.glob("*.pdf")
    assert pdf.read_bytes().startswith(b"%PDF")
    assert not (tmp_path / "cache").exists() or not list((tmp_path / "cache").glob("cffi-*.pickle"))


def test_source_digests_are_read_again_only_when_the_file_changes(tmp_path, monkeypatch):
    """A digest is remembered with its file's size and time; an edit of the file is read anew."""
    import importlib.util

    from generator import resources
    from generator.writers.pdf import sources

    monkeypatch.setenv(resources.CACHE_DIR_ENV, str(tmp_path / "cache"))
    module_file = tmp_path / "foreign.py"
    module_file.write_text("def relied_on():\n    return 1\n", encoding="utf-8")

    def load():
        spec = importlib.util.spec_from_file_location("foreign", module_file)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        return module.relied_on

    first = sources.digests({"foreign.relied_on": load()})
    assert first == {"foreign.relied_on": sources.source_digest(load())}
    read = []
    real_getsource = sources.inspect.getsource
    monkeypatch.setattr(sources.inspect, "getsource", lambda f: read.append(f) or real_getsource(f))
    assert sources.digests({"foreign.relied_on": load()}) == first and read == []

    module_file.write_text("def relied_on():\n    return 2  # a new release\n", encoding="utf-8")
    os.utime(module_file, ns=(1, 1))
    changed = sources.digests({"foreign.relied_on": load()})
    assert len(read) == 1 and changed != first
