"""DOCX: the report in the GB/T 9704 layout (report.py), the WordprocessingML it needs that
python-docx has no API for (oxml.py), and the redline with Word tracked changes (tracked.py)."""
from generator.writers.docx.report import write

__all__ = ["write"]
