"""Import WeasyPrint without the startup costs that are the same in every process.

`load()` imports WeasyPrint (once per process) with five things in place:

- Library look-up. WeasyPrint opens each C library under several names, one per platform
  (`libgobject-2.0-0`, `gobject-2.0`, …). For a name that is not a file, cffi asks
  `ctypes.util.find_library`, which on Linux runs `ldconfig -p` and, when that has no answer,
  gcc and ld: 54 processes (about 0.13 s), most for names that can never match here, and all
  six names of libharfbuzz-vector, which Debian 12 does not have. While WeasyPrint is imported,
  `find_library` is replaced by one that reads `ldconfig -p` once and answers every name from
  it as CPython does (the first `lib<name>.` soname listed for this machine's ABI), then looks
  in LD_LIBRARY_PATH (where a library built by hand would be); it does not ask gcc or ld, which
  only find what those two places hold on a usual system. Where `ldconfig -p` gives nothing
  (not glibc, not Linux) the standard function is left in place. The original is put back
  once WeasyPrint is imported.
- No garbage collection during the import. Importing creates some 100,000 objects that live as
  long as the process; the collector ran over them again and again (two full collections, some
  35 ms, and many partial ones). It is paused for the import, and `gc.freeze()` then sets the
  objects that exist aside, so that the collection after each PDF (see pdf.py, 28 ms → 2 ms)
  and any later one only look at what was made since: about 0.1 s of a cold build. The cycle
  collector never frees frozen objects (reference counting still does); they are mostly the
  modules, which stay anyway.
- cffi's parses. WeasyPrint declares Pango, HarfBuzz and fontconfig to cffi, which parses the
  declarations with pycparser, a pure-Python parser (about 20 ms with pycparser 3.12). The
  parse trees are kept in one pickle in the project's git-ignored .cache/ folder, named after
  the cffi and pycparser versions and keyed by the text parsed, so a later process only
  unpickles them (about 4 ms). cffi also parses the type of each array
  WeasyPrint allocates, such as `hb_codepoint_t[4558]` (about 2 ms each, a dozen per PDF), and
  the length changes with every document: keeping each made the file grow with every new
  document and be rewritten (some 40 ms) for each new length. Such a type is parsed, and kept,
  as `hb_codepoint_t[1]`, and the tree given the length asked for. The file is only ever
  written by this module; an unreadable or unwritable cache just means parsing as before.

- fontTools' fallbacks. WeasyPrint's PDF writer imports fontTools' subsetter (used only where
  HarfBuzz's hb-subset library is missing) and its variable-font instancer (used only for
  variable fonts): some 100 modules, about 10 % of a cold build's CPU time and 8 MB. They are
  imported when first used instead (`deferred_font_fallbacks`).
- The presentational-hints stylesheet. `weasyprint.html` parses it when imported (some 12 ms),
  for `presentational_hints=True`, which the project never asks for; it is parsed on first
  use instead (`deferred_hints_stylesheet`).

fontconfig reads the project's configuration (see `fonts.fontconfig_selected`) while WeasyPrint
is imported, so its first look at the fonts already finds the project's font folder.
"""
from __future__ import annotations

import copy
import ctypes.util
import gc
import hashlib
import importlib.abc
import importlib.machinery
import importlib.util
import os
import pickle
import re
import struct
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from types import ModuleType
from typing import Any, Callable

import cffi
import cffi.cparser
import pycparser

from generator import resources
from generator.writers.pdf import fonts

CACHE_DIR = resources.cache_dir()
CACHE_FILE = CACHE_DIR / f"cffi-{cffi.__version__}-pycparser-{pycparser.__version__}-declarations.pickle"
# The text cffi parses for the type of an array of a given length (cffi.cparser.Parser.parse_type).
_ARRAY_OF_A_LENGTH = re.compile(r"void __dummy\(\n[^\n\[]*\[(\d+)\]\n\);\n$")

# CPython's _findSoname_ldconfig: the ABI ldconfig names for this interpreter's machine.
_LDCONFIG_ABI = {"x86_64-64": "libc6,x86-64", "ppc64-64": "libc6,64bit", "sparc64-64": "libc6,64bit",
                 "s390x-64": "libc6,64bit", "ia64-64": "libc6,IA-64"}


def load() -> ModuleType:
    """The weasyprint package, imported with the parse cache, the quick library look-up and the
    project's fontconfig configuration in place, and without garbage collections on the way."""
    if "weasyprint" in sys.modules:
        return sys.modules["weasyprint"]
    enabled = gc.isenabled()
    gc.disable()
    try:
        install()
        with fonts.fontconfig_selected(), quick_find_library(), deferred_font_fallbacks(), deferred_hints_stylesheet():
            import weasyprint
    finally:
        gc.freeze()
        if enabled:
            gc.enable()
    return weasyprint


# -- cffi's parses ---------------------------------------------------------------------------


class _CachingParser:
    """Stands in for the pycparser parser cffi asks for: parses only what it has not seen."""

    def __init__(self, parse_trees: dict[str, Any], make_parser: Callable[[], Any]) -> None:
        self.parse_trees = parse_trees  # the declarations from the file, and this process's parses
        self.kept = set(parse_trees)  # the keys of those in the file
        self.make_parser = make_parser  # pycparser's parser is only built on a miss

    def parse(self, text: str) -> Any:
        key = hashlib.sha256(text.encode()).hexdigest()
        if key not in self.parse_trees:
            array = _ARRAY_OF_A_LENGTH.search(text)
            if array and array.group(1) != "1":  # parsed as `T[1]`, kept, and given this length
                template = self.parse(text[:array.start(1)] + "1" + text[array.end(1):])
                self.parse_trees[key] = _with_length(template, array.group(1)) or self.make_parser().parse(text)
            else:
                self.parse_trees[key] = self.make_parser().parse(text)
                _save({k: tree for k, tree in self.parse_trees.items() if k in self.kept or k == key})
                self.kept.add(key)
        return self.parse_trees[key]


def _with_length(tree: Any, length: str) -> Any | None:
    """The parse of `void __dummy(T[1]);` with `length` in place of 1: new nodes on the way to
    the length, all others shared. None if the tree is not shaped as expected."""
    try:
        decl = copy.copy(tree.ext[-1])
        function = decl.type = copy.copy(decl.type)
        parameters = function.args = copy.copy(function.args)
        typename = copy.copy(parameters.params[0])
        parameters.params = [typename, *parameters.params[1:]]
        array = typename.type = copy.copy(typename.type)
        if type(array).__name__ != "ArrayDecl" or getattr(array.dim, "value", None) != "1":
            return None
        array.dim = copy.copy(array.dim)
        array.dim.value = length
        file = copy.copy(tree)
        file.ext = [*tree.ext[:-1], decl]
        return file
    except (AttributeError, IndexError, TypeError):
        return None


def install() -> None:
    """Route cffi's parsing through the cache; idempotent. `cffi.cparser._get_parser` is private:
    where a cffi release lacks it, nothing is replaced and cffi parses as it always does."""
    original = getattr(cffi.cparser, "_get_parser", None)
    if getattr(cffi.cparser, "_fazhi_cache_installed", False) or original is None:
        return  # installed already, or a cffi without this private function: parse as cffi does
    parse_trees = _load()
    caching_parser = _CachingParser(parse_trees, original)
    cffi.cparser._get_parser = lambda: caching_parser
    cffi.cparser._fazhi_cache_installed = True


def _load() -> dict[str, Any]:
    try:
        with CACHE_FILE.open("rb") as cache:
            trees = pickle.load(cache)
        return trees if isinstance(trees, dict) else {}
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError):
        return {}


def _save(parse_trees: dict[str, Any]) -> None:
    try:
        CACHE_DIR.mkdir(parents=True, exist_ok=True)
        handle, temp = tempfile.mkstemp(dir=CACHE_DIR, suffix=".tmp")
        with os.fdopen(handle, "wb") as cache:
            pickle.dump(parse_trees, cache, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(temp, CACHE_FILE)
        for stale in CACHE_DIR.glob("cffi-*.pickle"):  # other versions of cffi or pycparser
            if stale != CACHE_FILE:
                stale.unlink(missing_ok=True)
    except OSError:
        pass


# -- fontTools' fallbacks -------------------------------------------------------------------

# WeasyPrint's PDF writer imports these at its top, for fonts this project never embeds as they
# are: `fontTools.subset` subsets a font when HarfBuzz's hb-subset is missing, and
# `fontTools.varLib.instancer` turns a variable font into a static one.
_SUBSET = "fontTools.subset"
_INSTANCER = "fontTools.varLib.instancer"


@contextmanager
def deferred_font_fallbacks() -> Iterator[None]:
    """Inside the block, importing fontTools' subsetter and variable-font instancer costs
    nothing: `fontTools.subset` becomes a lazily executed module (it runs on first use), and
    `fontTools.varLib.instancer` a stand-in whose `instantiateVariableFont` imports the real
    module when it is first called. The stand-in leaves sys.modules on leaving the block."""
    if _SUBSET not in sys.modules:
        _install_lazy(_SUBSET)
    stand_in = None
    if _INSTANCER not in sys.modules:
        stand_in = ModuleType(_INSTANCER)
        stand_in.instantiateVariableFont = _instantiate_variable_font  # type: ignore[attr-defined]
        sys.modules[_INSTANCER] = stand_in
    try:
        yield
    finally:
        if stand_in is not None and sys.modules.get(_INSTANCER) is stand_in:
            del sys.modules[_INSTANCER]


def _install_lazy(name: str) -> None:
    spec = importlib.util.find_spec(name)
    if spec is None or spec.loader is None:
        return
    spec.loader = importlib.util.LazyLoader(spec.loader)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    parent, _, child = name.rpartition(".")
    setattr(sys.modules[parent], child, module)


def _instantiate_variable_font(*args: Any, **kwargs: Any) -> Any:
    from fontTools.varLib.instancer import instantiateVariableFont

    return instantiateVariableFont(*args, **kwargs)


# -- the presentational-hints stylesheet -----------------------------------------------------

_HTML_MODULE = "weasyprint.html"


@contextmanager
def deferred_hints_stylesheet() -> Iterator[None]:
    """While `weasyprint.html` is imported inside the block, a stylesheet it makes without a
    counter style (the presentational hints', `PH_STYLESHEET`) is parsed when first used. The
    user agent's stylesheets are made with the counter style they fill, which a render copies
    before it reads the stylesheets: those are parsed at once, as before."""
    finder = _WrappingFinder(_HTML_MODULE, _exec_with_deferred_css)
    sys.meta_path.insert(0, finder)
    try:
        yield
    finally:
        sys.meta_path.remove(finder)


class _WrappingFinder(importlib.abc.MetaPathFinder):
    """Finds one module as the other finders do, and runs `exec_module` through `wrap`."""

    def __init__(self, name: str, wrap: Callable[[importlib.abc.Loader, ModuleType], None]) -> None:
        self.name, self.wrap = name, wrap

    def find_spec(self, name: str, path: Any, target: Any = None) -> importlib.machinery.ModuleSpec | None:
        if name != self.name:
            return None
        for finder in sys.meta_path:
            if finder is not self and hasattr(finder, "find_spec"):
                spec = finder.find_spec(name, path, target)
                if spec is not None and spec.loader is not None:
                    spec.loader = _WrappedLoader(spec.loader, self.wrap)
                    return spec
        return None


class _WrappedLoader(importlib.abc.Loader):
    def __init__(self, loader: importlib.abc.Loader, wrap: Callable[[importlib.abc.Loader, ModuleType], None]) -> None:
        self.loader, self.wrap = loader, wrap

    def create_module(self, spec: importlib.machinery.ModuleSpec) -> ModuleType | None:
        return self.loader.create_module(spec)

    def exec_module(self, module: ModuleType) -> None:
        self.wrap(self.loader, module)


def _exec_with_deferred_css(loader: importlib.abc.Loader, module: ModuleType) -> None:
    """Run weasyprint.html with `weasyprint.CSS` standing for a class whose instances made
    without a counter style parse their text on first use."""
    package = sys.modules["weasyprint"]
    css = getattr(package, "CSS")

    class DeferredCSS(css):  # type: ignore[misc, valid-type]
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            if kwargs.get("counter_style") is None:
                self.__dict__["_fazhi_deferred"] = (args, kwargs)
            else:
                css.__init__(self, *args, **kwargs)

        def __getattr__(self, name: str) -> Any:
            deferred = self.__dict__.pop("_fazhi_deferred", None)
            if deferred is None:
                raise AttributeError(name)
            css.__init__(self, *deferred[0], **deferred[1])
            return getattr(self, name)

    setattr(package, "CSS", DeferredCSS)
    try:
        loader.exec_module(module)
    finally:
        setattr(package, "CSS", css)
        setattr(module, "CSS", css)  # later stylesheets of weasyprint.html are made as usual


# -- finding the C libraries -----------------------------------------------------------------


@contextmanager
def quick_find_library() -> Iterator[None]:
    """`ctypes.util.find_library` answers from one `ldconfig -p` inside the block."""
    libraries = _ldconfig_libraries() if sys.platform.startswith("linux") else []
    if not libraries:
        yield
        return
    original = ctypes.util.find_library
    ctypes.util.find_library = lambda name: find_library(name, libraries)
    try:
        yield
    finally:
        ctypes.util.find_library = original


def find_library(name: str, libraries: list[tuple[str, str]]) -> str | None:
    """What CPython's find_library answers from `ldconfig -p` (the first soname `lib<name>.…`
    listed for this machine's ABI), else a `lib<name>.so` in LD_LIBRARY_PATH, else None."""
    prefix, abi = f"lib{name}.", _ldconfig_abi()
    for soname, library_abi in libraries:
        if soname.startswith(prefix) and library_abi.startswith(abi):
            return soname
    for folder in filter(None, os.environ.get("LD_LIBRARY_PATH", "").split(":")):
        candidate = Path(folder) / f"lib{name}.so"
        if _is_elf(candidate):
            return str(candidate)
    return None


def _ldconfig_libraries() -> list[tuple[str, str]]:
    """(soname, ABI) of each library `ldconfig -p` lists, in its order; [] without ldconfig.

    A line reads `\tlibfoo.so.1 (libc6,x86-64) => /lib/x86_64-linux-gnu/libfoo.so.1`."""
    try:
        listing = subprocess.run(["/sbin/ldconfig", "-p"], stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                 stderr=subprocess.DEVNULL, env={"LC_ALL": "C", "LANG": "C"}, check=False).stdout
    except OSError:
        return []
    libraries = []
    for line in os.fsdecode(listing).splitlines():  # the first line, a count, has no " ("
        soname, _, rest = line.strip().partition(" (")
        if rest and " " not in soname:
            libraries.append((soname, rest.partition(")")[0]))
    return libraries


def _ldconfig_abi() -> str:
    machine = os.uname().machine + ("-32" if struct.calcsize("l") == 4 else "-64")
    return _LDCONFIG_ABI.get(machine, "libc6")


def _is_elf(path: Path) -> bool:
    try:
        with path.open("rb") as library:
            return library.read(4) == b"\x7fELF"
    except OSError:
        return False
