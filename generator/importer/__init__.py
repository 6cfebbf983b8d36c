"""`import`: turn a published report (TXT, DOCX, PDF or a saved web page) into a data file that renders back to it.

An office's fastest start is its own last report. The importer recognises the genre's parts
(title, web metadata, 主送机关, headings of four levels standalone or run-in, 一是…二是…,
"——" bullets, 落款, 附件), turns statistics into named figures and the report year into
`{{ year }}`, and writes YAML that `build` renders to the same text. What it changes to make the
numbering consistent it reports as a repair; what it cannot place stays a paragraph, never dropped.

reading → structure (with templating for figures and years) → findings → datafile (via yamlwriter).
"""
from generator.importer.datafile import write
from generator.importer.findings import Imported
from generator.importer.front import Stated
from generator.importer.structure import import_report
from generator.importer.yamlwriter import dump

__all__ = ["Imported", "Stated", "dump", "import_report", "write"]
