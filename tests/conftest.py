from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from generator.document import Document
from generator.loader import load
from generator.resolve import resolve

from .helpers import ROOT, generator


@pytest.fixture(scope="session")
def document_2024() -> Document:
    return resolve(load(ROOT / "data" / "2024.yaml"))


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "data"
    folder.mkdir()
    shutil.copy(ROOT / "data" / "2024.yaml", folder / "2024.yaml")
    result = generator("draft", "2025", "--data-dir", str(folder))
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith(f"wrote {folder / '2025.yaml'} from {folder / '2024.yaml'}: 63 figures to fill in")
    return folder
