"""The document model and the YAML reader can be imported on their own: a tool that only reads
data files, or only walks a Document, does not start Jinja, the loader or the writers."""
from __future__ import annotations

import subprocess
import sys

import pytest


@pytest.mark.parametrize("module", ["generator.pipeline.document", "generator.pipeline.yamlsource", "generator.pipeline"])
def test_importing_stops_at_what_is_asked_for(module: str) -> None:
    code = f"import sys, {module}; print(' '.join(sorted(sys.modules)))"
    loaded = set(subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split())
    assert module in loaded
    assert not loaded & {"jinja2", "generator.pipeline.loader", "generator.pipeline.resolve", "generator.writers", "generator.config.layout"}
