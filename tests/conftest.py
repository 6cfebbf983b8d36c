from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from generator.pipeline.document import Document
from generator.pipeline.loader import load
from generator.pipeline.resolve import resolve

from .helpers import SAMPLE, generator


@pytest.fixture(scope="session")
def document_2024() -> Document:
    return resolve(load(SAMPLE))


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "data"
    folder.mkdir()
    shutil.copy(SAMPLE, folder / "2024.yaml")
    result = generator("draft", "2025", "--data-dir", str(folder))
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith(f"已写入 {folder / '2025.yaml'}（由 {folder / '2024.yaml'} 滚动生成）：63 项数据待填")
    return folder
