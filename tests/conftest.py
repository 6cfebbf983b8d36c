from __future__ import annotations

from pathlib import Path

import pytest

from generator.document import Document
from generator.loader import load
from generator.resolve import resolve

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session")
def document_2024() -> Document:
    return resolve(load(ROOT / "data" / "2024.yaml"))
