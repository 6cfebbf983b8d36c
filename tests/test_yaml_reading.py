"""Data files are scanned by libyaml where PyYAML has it, and by PyYAML's own Python loader
otherwise and for every error message: both must read the same nodes, marks and styles."""
from __future__ import annotations

from pathlib import Path

import pytest
from yaml.nodes import MappingNode, Node, SequenceNode

from generator.errors import DataError
from generator.pipeline import yamlsource

from .helpers import ROOT, SAMPLE

FILES = [SAMPLE, SAMPLE.with_name("2024-formal.yaml"), ROOT / "templates" / "layouts" / "gbt9704.yaml", *sorted((ROOT / "tests" / "shapes").glob("*.yaml"))]


def flat(node: Node) -> list[tuple[object, ...]]:
    """Every node in order with what the pipeline reads of it."""
    row = (type(node).__name__, node.tag, node.start_mark.index, node.end_mark.index, node.start_mark.line,
           node.start_mark.column, getattr(node, "style", None), getattr(node, "flow_style", None))
    if isinstance(node, MappingNode):
        return [(*row, None), *(r for key, value in node.value for r in (*flat(key), *flat(value)))]
    if isinstance(node, SequenceNode):
        return [(*row, None), *(r for item in node.value for r in flat(item))]
    return [(*row, node.value)]


@pytest.mark.skipif(yamlsource._FastLoader is None, reason="PyYAML without libyaml: only the Python loader")
@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_libyaml_and_python_loaders_read_the_same_nodes(path: Path):
    source = yamlsource.Source(path, path.read_text(encoding="utf-8"))
    assert flat(yamlsource._FastLoader(source).get_single_node()) == flat(yamlsource._Loader(source).get_single_node())


def test_rare_characters_keep_their_columns():
    """Marks count characters, also beyond the BMP (𠀀, emoji) and in block scalars."""
    text = 'a: "𠀀𠀁😀x"\nb: [1, 𠀂, "é"]\nc: |\n  多行\n  𠀃文字\nd: 4\n'
    source = yamlsource.Source(Path("x.yaml"), text)
    fast = yamlsource._FastLoader or yamlsource._Loader
    assert flat(fast(source).get_single_node()) == flat(yamlsource._Loader(source).get_single_node())


def test_without_libyaml_the_python_loader_reads_alone(tmp_path, monkeypatch):
    monkeypatch.setattr(yamlsource, "_FastLoader", None)
    _, node = yamlsource.read(SAMPLE)
    assert isinstance(node, MappingNode) and node.value[0][0].value == "meta"
    bad = tmp_path / "2024.yaml"
    bad.write_text("meta: &a\n  year: 2024\n", encoding="utf-8")
    with pytest.raises(DataError, match="2024.yaml:1:7"):
        yamlsource.read(bad)


def test_an_error_found_by_libyaml_is_reported_by_the_python_loader(tmp_path):
    bad = tmp_path / "2024.yaml"
    bad.write_text("meta:\n  region：邓州市\n  year: 2024\n", encoding="utf-8")
    with pytest.raises(DataError) as raised:
        yamlsource.read(bad)
    assert "全角冒号" in str(raised.value)
