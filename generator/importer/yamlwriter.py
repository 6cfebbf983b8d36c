"""A small YAML writer, because the data file is meant to be read and edited by hand.

Keys stay in the report's order and Chinese stays readable; a text is quoted unless it is plainly
safe, so none reads back as a number, date or yes/no; dates stay dates; and table rows and figures
are written on one line each.
"""
from __future__ import annotations

import datetime
import json
import re


class Flow(list):
    """A list written on one line: [项目, 数量]."""


class FlowMap(dict):
    """A mapping written on one line: {value: 217, unit: 件}."""


_PLAIN = re.compile(r"^[\u4e00-\u9fff\w][^:#{}\[\],&*!|>'\"%@`\s]*$")


def dump(data: dict[str, object], header: str = "") -> str:
    """YAML that keeps every text a text: quoted unless it is plainly safe; dates stay dates."""
    return header + "\n".join(_lines(data, 0)) + "\n"


def _lines(value: object, indent: int) -> list[str]:
    pad = " " * indent
    out: list[str] = []
    if isinstance(value, dict):
        for key, item in value.items():
            if _is_block(item):
                out.append(f"{pad}{_scalar(key)}:")
                out += _lines(item, indent + 2)
            else:
                out.append(f"{pad}{_scalar(key)}: {_inline(item)}")
        return out
    assert isinstance(value, list)
    for item in value:
        if _is_block(item):  # a mapping: its first key on the dash's line
            nested = _lines(item, indent + 2)
            out.append(f"{pad}- {nested[0].lstrip()}")
            out += nested[1:]
        else:
            out.append(f"{pad}- {_inline(item)}")
    return out


def _is_block(value: object) -> bool:
    return isinstance(value, (dict, list)) and not isinstance(value, (Flow, FlowMap)) and bool(value)


def _inline(value: object) -> str:
    if isinstance(value, dict):
        return "{" + ", ".join(f"{_scalar(k)}: {_inline(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(_inline(v) for v in value) + "]"
    return _scalar(value)


def _scalar(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float, datetime.date)):
        return value.isoformat() if isinstance(value, datetime.date) else repr(value)
    text = str(value)
    if _PLAIN.match(text) and not re.match(r"^[\d.+-]", text) and text.lower() not in _YAML_WORDS:
        return text
    quoted = json.dumps(text, ensure_ascii=False)  # JSON strings are YAML, bar three line breaks JSON leaves raw
    return quoted.replace("\u0085", "\\N").replace("\u2028", "\\L").replace("\u2029", "\\P")


_YAML_WORDS = frozenset("y n yes no on off true false null".split())
