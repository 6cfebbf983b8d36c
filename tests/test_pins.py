"""A clean clone installs exactly what was tested: every package in .venv is pinned in
constraints.txt, pyproject.toml's pins agree with it, and the build backend is pinned too."""
from __future__ import annotations

import re
import subprocess
import sys
import tomllib

from .helpers import ROOT


def pinned() -> dict[str, str]:
    lines = (ROOT / "constraints.txt").read_text(encoding="utf-8").splitlines()
    pins = dict(line.split("==") for line in lines if line and not line.startswith("#"))
    return {_name(name): version for name, version in pins.items()}


def _name(name: str) -> str:
    """PyPI's normalised name: case and -_. do not matter."""
    return re.sub(r"[-_.]+", "-", name).lower()


def test_every_installed_package_is_pinned():
    freeze = subprocess.run([sys.executable, "-m", "pip", "freeze", "--exclude-editable"], capture_output=True, text=True, check=True).stdout
    installed = dict(line.split("==") for line in freeze.splitlines() if "==" in line)
    pins = pinned()
    unpinned = {name: version for name, version in installed.items() if pins.get(_name(name)) != version}
    assert not unpinned, f"installed but not pinned in constraints.txt (or another version): {unpinned}"


def test_pyproject_pins_agree_with_constraints():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    requirements = [*project["dependencies"], *(r for extra in project["optional-dependencies"].values() for r in extra)]
    pins = pinned()
    for requirement in requirements:
        name, _, version = requirement.partition("==")
        assert version, f"{requirement} is not pinned with =="
        assert pins.get(_name(name)) == version, requirement


def test_build_backend_is_pinned():
    """pip builds the editable install in an isolated environment that constraints.txt does not
    reach: only an exact pin in [build-system] keeps a new setuptools release out of a clean clone."""
    requires = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["build-system"]["requires"]
    assert requires and all(re.fullmatch(r"[A-Za-z0-9_.-]+==[0-9][0-9A-Za-z.]*", r) for r in requires), requires
