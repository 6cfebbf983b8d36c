"""The pipeline from a data file to what writers read.

yamlsource (YAML with line and column of every value) → loader (validated into `model.Report`,
with `figures` computed) → resolve (Jinja text, numbering: `document.Document`). Commands load a
file once with `open_report` and hand the loaded objects on.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from generator.config import layout
from generator.pipeline.document import Document
from generator.pipeline.loader import load
from generator.pipeline.model import Report
from generator.pipeline.resolve import resolve


@dataclass(frozen=True)
class Loaded:
    """A data file read, validated and resolved, with the layout profile it asks for."""

    path: Path
    report: Report
    document: Document
    profile: layout.Profile


def open_report(path: Path, layout_name: str | None = None) -> Loaded:
    """Load, validate and resolve a data file; `layout_name` overrides the data's meta.layout."""
    report = load(path)
    document = resolve(report)
    profile = layout.load(layout_name or document.layout or layout.DEFAULT_LAYOUT, path.parent)
    return Loaded(path, report, document, profile)
