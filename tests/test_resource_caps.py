"""Hostile data files end quickly under a memory cap: each run is a child process limited to
1 GiB of address space, and must stop with exit 2 and one Chinese line within seconds (the
timeout only keeps a regression from hanging the suite)."""
from __future__ import annotations

import resource
import subprocess
import sys

import pytest

from .helpers import ROOT

HEAD = "meta:\n  year: 2024\n  region: 某县\n  issuer: 某县人民政府\n  title: 某县关于{{ year }}年法治政府建设情况的报告\nfigures:\n  甲: {value: 5, unit: 件}\nbody:\n"
LAUGHS = "a: &a [x, x, x, x, x, x, x, x, x, x]\n" + "".join(
    f"{chr(98 + n)}: &{chr(98 + n)} [*{chr(97 + n)}, *{chr(97 + n)}, *{chr(97 + n)}, *{chr(97 + n)}, *{chr(97 + n)}, *{chr(97 + n)}, *{chr(97 + n)}, *{chr(97 + n)}, *{chr(97 + n)}, *{chr(97 + n)}]\n"
    for n in range(9)
)

CASES = {
    "billion-laughs": LAUGHS,
    "string-times-a-billion": HEAD + "  - \"{{ '全' * 1000000000 }}\"\n",
    "power": HEAD + "  - \"{{ 10 ** 100000000 }}\"\n",
    "center-filter": HEAD + "  - \"{{ '全' | center(1000000000) }}\"\n",
    "nested-loops": HEAD + "  - \"{% for a in range(100000) %}{% for b in range(100000) %}全{% endfor %}{% endfor %}\"\n",
    "macro-recursion": HEAD + "  - \"{% macro f(n) %}{{ f(n) }}{% endmacro %}{{ f(1) }}\"\n",
    "deep-nesting": HEAD + "  - " + "[" * 100000 + "]" * 100000 + "\n",
    "many-values": HEAD + "".join(f"  - 第{n}段。\n" for n in range(200000)),
    "huge-number": HEAD.replace("value: 5", "value: " + "9" * 5000),
    "expressions": HEAD + "  - \"" + "{{ 甲 }}" * 20000 + "\"\n",
}


def _capped() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (2**30, 2**30))


@pytest.mark.parametrize("text", list(CASES.values()), ids=list(CASES))
def test_hostile_data_ends_quickly_under_a_memory_cap(tmp_path, text):
    data = tmp_path / "2024.yaml"
    data.write_text(text, encoding="utf-8")
    out = tmp_path / "out"
    result = subprocess.run([sys.executable, "-m", "generator", "build", str(data), "-o", str(out), "--format", "txt"],
                            cwd=ROOT, capture_output=True, text=True, timeout=60, preexec_fn=_capped)
    assert result.returncode == 2, result.stderr[-500:]
    assert result.stderr.startswith(f"错误：{data}") and len(result.stderr.splitlines()) == 1, result.stderr[-500:]
    assert "Traceback" not in result.stderr
    assert not out.exists()
