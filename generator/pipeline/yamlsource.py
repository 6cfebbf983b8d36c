"""Read a YAML file into nodes that remember where each value was written.

PyYAML's node tree keeps a start and end mark for every value; the schema walks that tree, so
any error, even one found much later in a Jinja expression inside a string, can name its line
and column.

A data file is data, never a program: `read` takes only a regular file of limited size, refuses
YAML's anchors, aliases and tags, caps nesting and the number of values, refuses characters that
no document may hold, and checks that every scalar can be turned into a value, so that nothing
after it can fail on a scalar. Syntax errors are explained as the mistakes clerks make, at the
line where they made them.
"""
from __future__ import annotations

import datetime
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from yaml.composer import Composer
from yaml.constructor import SafeConstructor
from yaml.events import AliasEvent, Event
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode
from yaml.resolver import Resolver
from yaml.tokens import ScalarToken

from generator import incoming
from generator.errors import DataError, Location, describe_os_error

MAX_BYTES = 5_000_000  # a year's report is about 20 KB
MAX_NODES = 20_000  # values in one file; the sample has about 700
MAX_DEPTH = 40  # nesting of lists and mappings; four levels of sections need about 12
MAX_DIGITS = 4_300  # Python's own limit for turning digits into an integer

# Characters no report may hold: C0 controls but tab and line breaks, DEL and C1 controls but
# NEL, lone surrogates, the non-characters U+FFFE/U+FFFF (the same set PyYAML refuses raw, and
# XML cannot store), and the two private-use marks the resolver uses for placeholders.
FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x84\x86-\x9f\ud800-\udfff\ufffe\uffff\ue000\ue001]")
# The escapes of a double-quoted YAML scalar that can stand for a forbidden character.
_ESCAPE = re.compile(r"\\(?:x[0-9A-Fa-f]{2}|u[0-9A-Fa-f]{4}|U[0-9A-Fa-f]{8}|[0abtvfe])")
_SHORT_ESCAPES = {"0": "\0", "a": "\a", "b": "\b", "t": "\t", "v": "\v", "f": "\f", "e": "\x1b"}

_INT, _FLOAT, _TIMESTAMP, _NULL = (f"tag:yaml.org,2002:{name}" for name in ("int", "float", "timestamp", "null"))


@dataclass(frozen=True)
class Source:
    """One data file: its path and text, for turning offsets into locations."""

    path: Path
    text: str

    def location_of(self, offset: int) -> Location:
        line = self.text.count("\n", 0, offset) + 1
        column = offset - (self.text.rfind("\n", 0, offset) + 1) + 1
        return Location(self.path, line, column)

    def at(self, node: Node) -> Location:
        return self.location_of(node.start_mark.index)


def scalar_value(node: ScalarNode) -> object:
    """The Python value of a scalar as YAML 1.1 resolves it (int, float, bool, date, str, None).

    A constructor of its own for each call: PyYAML's keeps every node it ever built."""
    return SafeConstructor().construct_object(node, deep=True)


def is_null(node: Node) -> bool:
    return isinstance(node, ScalarNode) and node.tag == _NULL


def describe(node: Node) -> str:
    """How a clerk would name what they wrote: 列表, 数字 3, 文字“二〇二四”."""
    if isinstance(node, MappingNode):
        return "若干“键: 值”行"
    if not isinstance(node, ScalarNode):
        return "一个列表（以“- ”开头的若干行）"
    value = scalar_value(node)
    if value is None:
        return "空值（冒号后面什么也没写）"
    if isinstance(value, bool):
        return f"真假值 {node.value}"
    if isinstance(value, (int, float)):
        return f"数字 {node.value}"
    if isinstance(value, (datetime.date, datetime.datetime)):
        return f"日期 {node.value}"
    return f"文字“{_shorten(node.value)}”"


def _shorten(text: str, limit: int = 30) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def read(path: Path) -> tuple[Source, Node]:
    """Parse a data file; every mistake becomes a DataError with a location and a hint."""
    raw = _read_bytes(path)
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        source = Source(path, raw[: error.start].decode("utf-8", "replace"))
        raise DataError(
            source.location_of(len(source.text)),
            "文件不是 UTF-8 编码；请另存为 UTF-8（WPS/Word：另存为 → 编码 UTF-8）",
        ) from None
    source = Source(path, text)
    bad = FORBIDDEN.search(text)
    if bad:
        raise DataError(source.location_of(bad.start()), f"这里有一个看不见的特殊字符 {_code(bad.group())}（多是从 Word 或网页复制带来的），请删除它")
    node = _compose(source)
    if node is None:
        raise DataError(Location(path, 1, 1), "文件是空的；数据文件至少要有 meta 和 body 两部分")
    _check_tree(source, node)
    return source, node


def _read_bytes(path: Path) -> bytes:
    """At most MAX_BYTES of a regular file, read as every incoming file is (a FIFO or a device
    never blocks or floods), refused in the data file's own words."""
    try:
        return incoming.read_regular(path, MAX_BYTES)
    except incoming.NotRegular:
        raise DataError(None, f"{path}：不是普通文件，无法作为数据文件读取；请指定一个 .yaml 文件") from None
    except incoming.TooLarge:
        raise DataError(None, _too_big(path)) from None
    except OSError as error:
        raise DataError(None, f"无法读取数据文件 {describe_os_error(error)}") from None


def _too_big(path: Path) -> str:
    return f"{path}：文件超过 {MAX_BYTES // 1_000_000} MB，不像一份年度报告的数据文件（一份通常只有几十 KB）；请检查是否选错了文件"


def _code(character: str) -> str:
    return f"U+{ord(character):04X}"


class _Limits:
    """Composing nodes only, with no anchors, aliases or tags and with limits on nesting and size
    (a few lines of aliases can stand for billions of values). Mixed into both loaders below."""

    source: Source
    nodes: int
    depth: int

    def fail(self, event: Event, message: str) -> DataError:
        return DataError(self.source.location_of(event.start_mark.index if event.start_mark else 0), message)

    def compose_node(self, parent: Node | None, index: int) -> Node | None:
        event = self.peek_event()  # type: ignore[attr-defined]
        if isinstance(event, AliasEvent) or getattr(event, "anchor", None) is not None:
            raise self.fail(event, _ANCHORS.format("*" if isinstance(event, AliasEvent) else "&"))
        if getattr(event, "tag", None) is not None:
            offset = event.start_mark.index if event.start_mark else 0
            written = re.match(r"!\S*", self.source.text[offset:offset + 100])
            tag = written.group() if written else event.tag
            raise self.fail(event, f"数据文件中不能使用 YAML 标签“{tag}”；如果这是正文文字，请把整段用英文双引号括起来")
        self.nodes += 1
        if self.nodes > MAX_NODES:
            raise self.fail(event, f"数据文件中的条目超过 {MAX_NODES} 项，不像一份年度报告；请检查文件是否选错或内容是否重复")
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise self.fail(event, f"这里的内容嵌套超过 {MAX_DEPTH} 层；请检查缩进和括号是否配对")
        try:
            return super().compose_node(parent, index)  # type: ignore[misc]
        finally:
            self.depth -= 1


class _Loader(_Limits, yaml.SafeLoader):
    """PyYAML's pure-Python safe loader: its error messages are the ones the hints know."""

    def __init__(self, source: Source) -> None:
        super().__init__(source.text)
        self.source, self.nodes, self.depth = source, 0, 0


_CPARSER: Any
try:  # libyaml's parser, where PyYAML was built with it
    from yaml._yaml import CParser as _CPARSER
except ImportError:
    _CPARSER = None
_FastLoader: Any = None
if _CPARSER is not None:

    class _CLoader(_Limits, Composer, _CPARSER, Resolver):  # type: ignore[misc, valid-type]
        """The same composing over libyaml's events: a data file is scanned in C, about ten
        times faster. Any error is reported through _Loader, whose messages the hints know."""

        def __init__(self, source: Source) -> None:
            _CPARSER.__init__(self, source.text)
            Composer.__init__(self)
            Resolver.__init__(self)
            self.source, self.nodes, self.depth = source, 0, 0

        def compose_scalar_node(self, anchor: Any) -> ScalarNode:
            node = super().compose_scalar_node(anchor)
            node.style = node.style or None  # libyaml says "" for a plain scalar, PyYAML None
            return node

    _FastLoader = _CLoader


def _compose(source: Source) -> Node | None:
    if _FastLoader is not None:
        try:
            return _FastLoader(source).get_single_node()
        except yaml.YAMLError:
            pass  # composed again below, for the message
    loader = _Loader(source)
    try:
        return loader.get_single_node()
    except yaml.MarkedYAMLError as error:
        raise _syntax_error(source, error) from None
    except yaml.YAMLError:
        raise DataError(None, f"{source.path}：{_GENERIC}") from None
    finally:
        loader.dispose()


# -- the tree: keys, escapes, and scalars that cannot become values -------------------------------

def _check_tree(source: Source, node: Node) -> None:
    """Duplicate and non-text keys, forbidden escapes, and scalars YAML cannot construct."""
    if isinstance(node, MappingNode):
        seen: dict[str, Node] = {}
        for key, value in node.value:
            if not isinstance(key, ScalarNode):
                raise DataError(source.at(node), _complex_key(source, node))
            if key.value in seen:
                first = source.at(seen[key.value])
                raise DataError(source.at(key), f"“{key.value}”出现了两次（第一次在第 {first.line} 行）；同一处每一项只能写一次")
            seen[key.value] = key
            _check_scalar(source, key)
            _check_tree(source, value)
    elif isinstance(node, SequenceNode):
        for item in node.value:
            _check_tree(source, item)
    elif isinstance(node, ScalarNode):
        _check_scalar(source, node)


def _complex_key(source: Source, node: MappingNode) -> str:
    if source.text.startswith(("{{", "{%"), node.start_mark.index):
        return "以“{{”或“{%”开头的文字必须用英文双引号把整段括起来，例如 \"{{ year }}年……\""
    return "这里把一组内容当成了键；键只能是一个名称，后面跟英文冒号和空格"


def _check_scalar(source: Source, node: ScalarNode) -> None:
    bad = FORBIDDEN.search(node.value)
    if bad:  # only an escape can bring it: raw ones are refused before parsing
        offset, written = _escape_of(source, node, bad.group())
        raise DataError(source.location_of(offset), f"双引号中的“{written}”表示看不见的特殊字符 {_code(bad.group())}，报告中不能有这种字符；请删除它")
    if node.tag in (_INT, _FLOAT) and len(node.value) > MAX_DIGITS:
        raise DataError(source.at(node), f"这个数字超过 {MAX_DIGITS} 位，不可能是统计数字；请改正")
    if node.tag in (_INT, _TIMESTAMP):
        try:
            scalar_value(node)
        except ValueError:
            raise DataError(source.at(node), _bad_date(node.value) if node.tag == _TIMESTAMP else "无法读作数字；请改正") from None


def _escape_of(source: Source, node: ScalarNode, character: str) -> tuple[int, str]:
    """Where in the file, and how, the escape for `character` was written."""
    start, end = node.start_mark.index, node.end_mark.index
    for match in _ESCAPE.finditer(source.text, start, end):
        code = match.group()[1:]
        if _SHORT_ESCAPES.get(code, "") == character or (len(code) > 1 and chr(int(code[1:], 16)) == character):
            return match.start(), match.group()
    return start, f"\\u{ord(character):04X}"


def _bad_date(written: str) -> str:
    match = re.match(r"(\d{4})-(\d{1,2})-(\d{1,2})", written)
    if not match:
        return f"“{written}”不是一个有效的日期或时间；日期写作 2025-03-25"
    year, month, day = (int(part) for part in match.groups())
    if not 1 <= month <= 12:
        return f"没有 {written} 这个日期：一年只有 12 个月；日期写作 2025-03-25"
    if day < 1:
        return f"没有 {written} 这个日期；日期写作 2025-03-25"
    following = datetime.date(year + month // 12, month % 12 + 1, 1)
    days = (following - datetime.timedelta(days=1)).day
    if day > days:
        return f"没有 {written} 这个日期：{year}年{month}月只有{days}天；请改正"
    return f"“{written}”不是一个有效的日期或时间；日期写作 2025-03-25"


# -- syntax errors, explained ----------------------------------------------------------------------

_ANCHORS = "以“{}”开头的写法是 YAML 的锚点或引用，数据文件中不能使用；如果这是正文文字，请把整段用英文双引号括起来"
_GENERIC = "这里的写法不符合 YAML 格式；请检查缩进（每级两个空格）、冒号（键后面用英文冒号加一个空格）和引号是否配对"
# A key typed with a full-width colon: `region：邓州市`; in a list only the schema's (ASCII) keys,
# as a list item may well be a sentence with a colon in it.
_FULLWIDTH_KEY = re.compile(r"^[ ]*(?:-[ ]+(?P<listed>[A-Za-z_]\w*)|(?P<key>[^\s\-#\"'：:{}\[\],][^\s：:\"'{}\[\],]{0,29}))[ ]*：")
# `  value:7` at block level: a field name, a colon and its value with no space between.
_SPACELESS_KEY = re.compile(r"^[ ]*(?P<key>[A-Za-z_]\w*):(?P<value>[^\s:/][^\n]*)$")
_BRACES = re.compile(r"^[ ]*(?:-[ ]+|[^\s:#][^:#]*:[ ]+)(\{[{%#])")


def _syntax_error(source: Source, error: yaml.MarkedYAMLError) -> DataError:
    """The clerk's mistake behind a YAML syntax error, at the line where it was made."""
    problem, context = error.problem or "", error.context or ""
    mark = error.problem_mark or error.context_mark
    offset = mark.index if mark else 0
    lines = source.text.splitlines(keepends=True)
    problem_line = source.location_of(offset).line

    if "quoted scalar" in context and "end of stream" in problem and error.context_mark is not None:
        return DataError(source.location_of(error.context_mark.index), "这里开始的英文引号一直没有结束；请在这段文字末尾补上同样的引号")
    quoted = _quoted_before(source, offset)
    if quoted is not None and quoted.start_mark.line < quoted.end_mark.line:
        return DataError(
            source.location_of(quoted.start_mark.index),
            f"这里开始的英文引号没有在本行结束，一直延续到第 {quoted.end_mark.line + 1} 行；请在这段文字末尾补上同样的引号",
        )
    if quoted is not None:  # - "国务院"关于……
        return DataError(source.location_of(offset), "引号结束后这一行还有文字；整段文字都要放在英文引号里面，文字中的引号请用中文引号“”")
    first_line = source.location_of(error.context_mark.index).line if error.context_mark else problem_line
    for number in range(max(1, min(first_line, problem_line - 1)), problem_line + 1):
        line = lines[number - 1] if number <= len(lines) else ""
        key = _FULLWIDTH_KEY.match(line)
        if key:
            name = key.group("listed") or key.group("key")
            return DataError(
                Location(source.path, number, key.end()),
                f"“{name}”后面用了全角冒号“：”；键和值之间要用英文冒号加一个空格，写作 {name}: ……",
            )
    for number in range(max(1, min(first_line, problem_line - 1)), problem_line + 1):
        line = lines[number - 1] if number <= len(lines) else ""
        spaceless = _SPACELESS_KEY.match(line)
        if spaceless:
            name, value = spaceless.group("key"), spaceless.group("value").strip()
            return DataError(
                Location(source.path, number, spaceless.end("key") + 1),
                f"“{name}”后面的英文冒号与值之间少了一个空格；键和值之间要用英文冒号加一个空格，写作 {name}: {value}",
            )
    for number in (problem_line, first_line):
        line = lines[number - 1] if number <= len(lines) else ""
        braces = _BRACES.match(line)
        if braces:
            return DataError(
                Location(source.path, number, braces.start(1) + 1),
                f"以“{braces.group(1)}”开头的文字必须用英文双引号把整段括起来，例如 \"{{{{ year }}}}年……\"",
            )
    if re.search(r"expected ',' or '[\]}]'", problem):
        flow = _flow_mistake(source, offset)
        if flow is not None:
            return flow
    if "unknown escape character" in problem:
        offset -= 1  # PyYAML points after the backslash
    at = source.location_of(offset)
    before = lines[at.line - 1][: at.column - 1] if at.line <= len(lines) else ""
    return DataError(at, _explain(problem, context, before))


# Inside {…} on one line, the entry PyYAML choked on: `key: value，next` or `key: value next`.
_FLOW_ENTRY = re.compile(r"(?P<key>[^\s,{}\[\]:：]+):[ ]+(?P<value>[^,{}\[\]]*?)(?P<gap>，|[ ]+)(?P<next>[A-Za-z_]\w*)[ ]*$")


def _flow_mistake(source: Source, offset: int) -> DataError | None:
    """A full-width comma, or no comma, between two entries of a `{…}` on one line: named at
    the place, as at block level (`{value: 7，unit: 件}`, `{value: 7 unit: 件}`)."""
    start = source.text.rfind("\n", 0, offset) + 1
    line = source.text[start:offset]
    opening = max(line.rfind("{"), line.rfind(","))
    entry = _FLOW_ENTRY.search(line[opening + 1:]) if opening >= 0 else None
    if entry is None:
        return None
    at = start + opening + 1 + entry.start("gap")
    value, following = entry.group("value").strip(), entry.group("next")
    if entry.group("gap") == "，":
        return DataError(source.location_of(at), f"“{value}”后面用了全角逗号“，”；花括号中各项之间要用英文逗号加一个空格，写作 {value}, {following}: ……")
    return DataError(source.location_of(at), f"“{value}”和“{following}”之间少了一个英文逗号；花括号中各项之间要用英文逗号加一个空格，写作 {value}, {following}: ……")


def _quoted_before(source: Source, offset: int) -> ScalarToken | None:
    """A quoted scalar that ends on the line of the error, right before it.

    A quote left open takes the text up to the next quote, often the opening quote of a later
    line, and the error shows only after it; a quote closed too early leaves text after it."""
    last: yaml.Token | None = None
    try:
        for token in yaml.scan(source.text, Loader=yaml.SafeLoader):
            if token.start_mark.index >= offset:
                break
            last = token
    except yaml.YAMLError:
        pass
    line = source.text.count("\n", 0, offset)
    if isinstance(last, ScalarToken) and last.style in ('"', "'") and last.end_mark.line == line:
        return last
    return None


def _explain(problem: str, context: str, before: str) -> str:
    """What PyYAML's `problem` means for a clerk; `before` is the line up to the error."""
    if "'\\t'" in problem or "tab character" in problem:
        return "这一行用 Tab 键缩进了；请改用空格（每级两个空格）"
    cannot_start = re.search(r"found character '(.)' that cannot start any token", problem)
    if cannot_start:
        character = cannot_start.group(1)
        return f"“{character}”不能出现在一项的开头；请把这一项用英文双引号括起来，例如 \"{character}\""
    if "alias" in context or "anchor" in context:
        return _ANCHORS.format("*" if "alias" in context else "&")
    if "mapping values are not allowed" in problem:
        if re.fullmatch(r"[ ]*(?:- )?[^\s:#\"']+[ ]*", before):  # `   region: x`, one space too many
            return "这一行的缩进与上一行不一致；同一级的项目要从同一列开始（每级两个空格）"
        return "这一行的文字中有英文冒号加空格（: ）；请把整段文字用英文双引号括起来，或改用中文冒号“：”"
    if "unknown escape character" in problem:
        return "双引号中的反斜杠“\\”后面跟了无法识别的字符；要写反斜杠本身请写成 \\\\，或改用单引号括起来"
    if "expected a comment or a line break" in problem:
        return "引号结束后这一行还有文字；整段文字都要放在引号里面，文字中的引号请用中文引号“”"
    if "but found ':'" in problem:
        return "这一行的英文冒号“:”前面缺少名称；如果这是正文文字，请把整段用英文双引号括起来"
    if "block sequence entries are not allowed" in problem:
        return "以“- ”开头的列表项要另起一行，并比上一级多缩进两个空格"
    if re.search(r"expected ',' or '[\]}]'", problem):
        return "方括号或花括号中的写法有误：各项之间用英文逗号分隔，含有逗号或冒号的文字要用英文双引号括起来"
    if "could not find expected ':'" in problem:
        return "这一行缺少键后面的英文冒号，或者上一行的文字换行后缩进不对；键和值之间要用英文冒号加一个空格"
    if "expected <block end>" in problem or "did not find expected" in problem:
        return "这一行的缩进与上面同一级的内容没有对齐；同一级的项目要从同一列开始（每级两个空格）"
    return _GENERIC
