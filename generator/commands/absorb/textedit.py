"""Taking an edited block of text back to the templates it was rendered from.

A block's text is a row of segments (see expected.py). The reviewed text is compared with it
token by token (a number is one token, as in the redline); each difference goes to the segment
it falls in. Computed segments take no edits, except that renumbering by hand is no edit at all.
Within a text, a difference that touches a `{{ … }}` either changes the figure it shows (the
new number is its new value, and the reference stays) or, if the reviewer wrote something of
another shape there, removes the reference and keeps the words.
"""
from __future__ import annotations

import difflib
import re
import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from generator.chinese import ends_sentence
from generator.writers.changes import tokens

from .expected import Expression, Segment, TextRef

# Heading numbers and 一是 labels: computed, so a reviewer's renumbering is not an edit.
_NUMERAL = "一二三四五六七八九十百零"
HEADING_LABEL = re.compile(rf"^(?:[{_NUMERAL}]+、|（[{_NUMERAL}]+）|\(([{_NUMERAL}]+)\)|\d+[.．](?!\d)|（\d+）|\(\d+\))")
ITEM_LABEL = re.compile(rf"^[{_NUMERAL}]+是$")


@dataclass
class Split:
    """Where the differences of one block went."""

    edits: dict[TextRef, list[tuple[int, int, str]]] = field(default_factory=dict)  # rendered offsets → new text
    merged: set[int] = field(default_factory=set)  # segments whose 一是 label the reviewer deleted
    problems: list[str] = field(default_factory=list)


def opcodes(old: str, new: str) -> list[tuple[str, int, int, int, int]]:
    """difflib opcodes at character offsets, diffing token by token."""
    a, b = tokens(old), tokens(new)
    at_a, at_b = _offsets(a), _offsets(b)
    return [(tag, at_a[i1], at_a[i2], at_b[j1], at_b[j2]) for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes()]


def _offsets(parts: list[str]) -> list[int]:
    offsets = [0]
    for part in parts:
        offsets.append(offsets[-1] + len(part))
    return offsets


def split(segments: tuple[Segment, ...], new: str) -> Split:
    """Send each difference between the segments' text and `new` to the segment it belongs to."""
    return _Splitter(segments, new).run()


class _Splitter:
    def __init__(self, segments: tuple[Segment, ...], new: str) -> None:
        self.segments = segments
        self.new = new
        self.old = "".join(s.text for s in segments)
        self.bounds: list[tuple[int, int]] = []
        at = 0
        for segment in segments:
            self.bounds.append((at, at + len(segment.text)))
            at += len(segment.text)
        self.result = Split()

    def run(self) -> Split:
        for tag, i1, i2, j1, j2 in self.joined(opcodes(self.old, self.new)):
            if tag == "equal":
                continue
            replacement = self.new[j1:j2]
            if i1 == i2:
                self.insertion(i1, replacement)
            else:
                self.replacement(i1, i2, replacement)
        return self.result

    def joined(self, ops: list[tuple[str, int, int, int, int]]) -> list[tuple[str, int, int, int, int]]:
        """Differences on both sides of a piece of computed text that stayed, as one: 一是 → 第一，
        is "第" inserted and "是" replaced, one change of the label."""
        out: list[tuple[str, int, int, int, int]] = []
        for op in ops:
            if op[0] != "equal" and len(out) >= 2 and out[-1][0] == "equal" and out[-2][0] != "equal":
                _, e1, e2, _, _ = out[-1]
                inside = next((k for k, (s, e) in enumerate(self.bounds) if s <= e1 and e2 <= e and not self.is_text(k)), None)
                if inside is not None and self.bounds[inside][0] <= out[-2][2] and op[1] <= self.bounds[inside][1]:
                    out.pop()
                    previous = out.pop()
                    op = ("replace", previous[1], op[2], previous[3], op[4])
            out.append(op)
        return out

    def is_text(self, k: int) -> bool:
        return self.segments[k].kind == "text"

    def edit(self, k: int, start: int, end: int, text: str) -> None:
        ref = self.segments[k].ref
        assert ref is not None
        offset = self.bounds[k][0]
        self.result.edits.setdefault(ref, []).append((start - offset, end - offset, text))

    def insertion(self, at: int, text: str) -> None:
        # Slide an insertion over computed text it repeats: "领导" + "。新句" + "。" is "领导。" + "新句。".
        while text and at < len(self.old) and self.old[at] == text[0] and not self.is_text(self.segment_at(at)):
            text, at = text[1:] + text[0], at + 1
        inside = next((k for k, (s, e) in enumerate(self.bounds) if s < at < e), None)
        if inside is not None:
            if self.is_text(inside):
                self.edit(inside, at, at, text)
            else:
                self.computed(inside, at, at, text)
            return
        left = next((k for k in reversed(range(len(self.bounds))) if self.bounds[k][1] == at and self.bounds[k][0] < at), None)
        right = next((k for k in range(len(self.bounds)) if self.bounds[k][0] == at and self.bounds[k][1] > at), None)
        if right is not None and self.is_text(right):
            self.edit(right, at, at, text)
        elif left is not None and self.is_text(left):
            self.edit(left, at, at, text)
        else:
            self.problem(f"加在自动生成的序号旁的“{text}”不属于数据中的任何一段文字")

    def segment_at(self, at: int) -> int:
        return next(k for k, (s, e) in enumerate(self.bounds) if s <= at < e)

    def replacement(self, start: int, end: int, text: str) -> None:
        touched = [k for k, (s, e) in enumerate(self.bounds) if s < end and e > start]
        if len(touched) == 1 and not self.is_text(touched[0]):
            self.computed(touched[0], start, end, text)
            return
        texts = [k for k in touched if self.is_text(k)]
        for k in touched:
            if self.is_text(k):
                continue
            s, e = self.bounds[k]
            following = next((t for t in range(k + 1, len(self.segments)) if self.is_text(t)), None)
            if self.segments[k].kind == "item" and start <= s and e <= end and following is not None:
                self.result.merged.add(following)
                if following not in texts:
                    texts.append(following)
            else:
                self.problem(f"改动了自动生成的“{self.segments[k].text}”")
                return
        if not texts:
            self.problem(f"改动了自动生成的文字“{self.old[start:end]}”")
            return
        texts.sort()
        for k in texts:
            s, e = self.bounds[k]
            low = min(max(start, s), e)
            self.edit(k, low, max(low, min(end, e)), text if k == texts[0] else "")

    def computed(self, k: int, start: int, end: int, text: str) -> None:
        """A difference inside computed text: a renumbered label is no edit; a run-in heading's
        added 。 may become another mark that ends a sentence, which then joins the title."""
        segment = self.segments[k]
        s, e = self.bounds[k]
        changed = self.old[s:start] + text + self.old[end:e]
        if segment.kind == "label" and (not changed or HEADING_LABEL.fullmatch(changed)):
            return  # renumbered by hand, or the number left to Word's automatic numbering
        if segment.kind == "item" and ITEM_LABEL.fullmatch(changed):
            return
        if segment.kind == "dot" and changed and ends_sentence(changed) and k > 0 and self.is_text(k - 1):
            self.edit(k - 1, s, s, changed)
            return
        what = {"label": "序号", "item": "“一是”“二是”这样的序号", "dot": "接排标题后自动加的“。”", "dash": "要点前的“——”"}.get(segment.kind, "自动生成的文字")
        self.problem(f"{what}“{segment.text}”改成了“{changed}”：它不是数据中写的文字，不能直接改")

    def problem(self, message: str) -> None:
        self.result.problems.append(message)


# -- one text -----------------------------------------------------------------------------------

@dataclass
class Change:
    """What the edits of one text come to."""

    template: str
    values: list[tuple[str, str, str, str]] = field(default_factory=list)  # figure, new value, old output, new output
    computed: list[tuple[Expression, str]] = field(default_factory=list)  # a computed output the reviewer changed
    dropped: list[Expression] = field(default_factory=list)  # references the edit replaced by words
    problems: list[str] = field(default_factory=list)


def apply(ref: TextRef, edits: list[tuple[int, int, str]]) -> Change:
    """The text's new template, and the figures whose values its edits change."""
    atoms = ref.atoms
    template = ref.text.template
    change = Change(template)
    if atoms.opaque:
        change.problems.append("这段文字含有 {% %} 或 {# #} 模板语句，改动无法写回，请直接修改数据文件")
        return change
    replacements = []
    for start, end, new in _regions(ref, sorted(edits)):
        inside = [e for e in atoms.expressions if start <= e.output[0] and e.output[1] <= end and e.output[0] < e.output[1]]
        if len(inside) == 1 and inside[0].output == (start, end) and not inside[0].pattern.fullmatch(new):
            # the reviewer rewrote what the expression shows, nothing around it: read it as merge
            # reads a cell (１，０２０件 is 1020件), or say why it is no value
            if not inside[0].pattern.fullmatch(read := _as_merge_reads(new)):
                _unreadable(change, inside[0], new)
                continue
            new = read
        pieces = []
        at = 0
        for expression in inside:
            match = expression.pattern.search(new, at)
            if match is None:
                change.dropped.append(expression)
                continue
            pieces += [new[at:match.start()], expression.source]
            if match.group(0) != expression.text:
                if expression.figure is not None:
                    change.values.append((expression.figure, _value(match.group("n"), expression.scale), expression.text, match.group(0)))
                else:
                    change.computed.append((expression, match.group(0)))
            at = match.end()
        pieces.append(new[at:])
        literal = "".join(pieces[0::2])
        if any(mark in literal for mark in ("{{", "{%", "{#")):
            change.problems.append(f"新文字“{literal}”含有 {{{{、{{% 或 {{#，无法写入模板")
            return change
        low = atoms.template_start(start, template)
        replacements.append((low, atoms.template_end(end, template) if end > start else low, "".join(pieces)))
    for start, end, text in sorted(replacements, reverse=True):
        template = template[:start] + text + template[end:]
    change.template = template
    return change


# \d: any script's digits, full-width ones too
_GROUPED = re.compile(r"(?<![\d.．])\d{1,3}(?:[,，]\d{3})+(?!\d|,\d)")
_DIGITS = re.compile(r"(?<![\d.．])\d+")


def _as_merge_reads(text: str) -> str:
    """Full-width characters folded (NFKC) and thousands separators dropped: １，０２０ → 1020."""
    return plain_numbers(unicodedata.normalize("NFKC", text))


def plain_numbers(text: str) -> str:
    """Each number as merge reads a cell: thousands separators dropped, its digits ASCII, no
    leading zeros (a fraction's digits are kept): １，０２０ and 01020 → 1020."""
    text = _GROUPED.sub(lambda m: re.sub("[,，]", "", m.group()), text)
    return _DIGITS.sub(lambda m: "".join(str(unicodedata.decimal(c)) for c in m.group()).lstrip("0") or "0", text)


def _unreadable(change: Change, expression: Expression, new: str) -> None:
    """A figure's number rewritten as something that is not a number of its form is no value to
    write; a computed output rewritten at all is a conflict (verify.py tells which)."""
    if expression.figure is None:
        change.computed.append((expression, new))
    elif brace := next((c for c in new if c in "{}"), None):
        change.problems.append(f"数字“{expression.figure}”（“{expression.text}”）改成了“{new}”，其中多了一个“{brace}”；"
                               f"数字旁边不能有花括号，请在 Word 中删去它再保存，或直接修改数据文件")
    else:
        change.problems.append(f"数字“{expression.figure}”（“{expression.text}”）改成了“{new}”，读不出新的数值；"
                               f"请写成“{expression.text}”这样的阿拉伯数字加单位，或直接修改数据文件")


def _regions(ref: TextRef, edits: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    """Edits widened to whole `{{ … }}` outputs they touch, overlapping ones joined; each with
    the new text of its whole span."""
    expressions = ref.atoms.expressions
    rendered = ref.atoms.rendered

    def widen(start: int, end: int) -> tuple[int, int]:
        for e in expressions:
            o1, o2 = e.output
            if (start < o2 and end > o1) if end > start else (o1 < start < o2):
                start, end = min(start, o1), max(end, o2)
        return start, end

    regions: list[list] = []  # [start, end, [(a, b, text)]]
    for a, b, text in edits:
        start, end = widen(a, b)
        if regions and start < regions[-1][1]:
            regions[-1][1] = max(regions[-1][1], end)
            regions[-1][0] = min(regions[-1][0], start)
            regions[-1][2].append((a, b, text))
        else:
            regions.append([start, end, [(a, b, text)]])
    out = []
    for start, end, parts in regions:
        new, at = "", start
        for a, b, text in parts:
            new += rendered[at:a] + text
            at = max(at, b)
        out.append((start, end, new + rendered[at:end]))
    return out


def _value(digits: str, scale: int) -> str:
    """The value to write for a number as shown (20余万 with display 余万 is 200000); digits
    typed full-width by a Chinese input method, and leading zeros, as merge reads them (０１３１ → 131)."""
    digits = plain_numbers(digits)
    if scale == 1:
        return digits
    try:
        value = Decimal(digits) * scale
    except InvalidOperation:
        return digits
    return str(int(value)) if value == value.to_integral_value() else format(value.normalize(), "f")
