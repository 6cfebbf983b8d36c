"""Page information that government sites print around a report: 发布时间, 来源, 索引号 ….

Sites print it in many shapes — labels in any order, ASCII or full-width colons, labels spaced out
to line up (索 引 号：), several fields on one line, empty fields shown as "/", label and value in
separate table cells — so a line is read as a sequence of known labels, each followed by its
value. A line is page information only when it starts with a known label; what the report text
says is never read as page information, because only the lines around the title are asked.
"""
from __future__ import annotations

import datetime
import re
from dataclasses import dataclass

# What each label's value is: the publication date or source (meta.published), a field of the
# 政府信息公开 block (meta.web), or page furniture that is left out.
DATE, SOURCE, WEB, CHROME = "date", "source", "web", "chrome"
_LABELS: dict[str, str] = {
    **dict.fromkeys(("发布时间", "发布日期", "更新时间", "更新日期", "发表时间", "上传时间", "信息时间", "时间", "日期"), DATE),
    **dict.fromkeys(("来源", "文章来源", "信息来源", "稿件来源", "新闻来源"), SOURCE),
    **dict.fromkeys((
        "索引号", "信息索引号", "文号", "发文字号", "备注/文号", "备注", "发布机构", "发文机关", "发文单位",
        "发布单位", "信息发布机构", "生成日期", "公文生成日期", "成文日期", "印发日期", "主题分类", "主题词",
        "公开方式", "公开形式", "公开范围", "公开时限", "有效性", "效力状况", "信息时效", "信息分类",
        "组配分类", "体裁分类", "服务对象分类", "所属机构", "所属主题", "标题", "名称", "信息名称", "文种",
        "关键词", "内容概述", "实施日期", "废止日期", "统一编号", "登记号",
    ), WEB),
    **dict.fromkeys((
        "作者", "编辑", "责任编辑", "编审", "审核", "审校", "浏览次数", "浏览量", "访问量", "点击数",
        "点击量", "点击率", "阅读量", "阅读次数", "阅读数", "字号", "字体", "当前位置", "您的位置",
        "您现在的位置", "当前所在位置", "所在位置", "分享到", "分享", "打印", "视力保护色",
    ), CHROME),
}
# Web 政府信息公开 blocks print an empty field as "/" or "－".
_EMPTY = frozenset({"", "/", "／", "-", "－", "—", "--"})
_GAP = r"[\s\u3000]*"
_LABEL = re.compile(
    "|".join(_GAP.join(map(re.escape, label)) for label in sorted(_LABELS, key=len, reverse=True))
)
_FIELD_START = re.compile(rf"({_LABEL.pattern}){_GAP}[:：]")
# Page furniture that shares a line with the fields: 【打印】【关闭】 [字体：大 中 小].
_WORDS = r"(?:打印本页|打印|关闭窗口|关闭|收藏|返回顶部|我要纠错|视力保护色|字[体号][:：]?[\s\u3000]*(?:[大中小][\s\u3000]*)+)"
_FURNITURE = re.compile(rf"[【\[［]{_WORDS}[】\]］]|(?<!\S){_WORDS}(?!\S)|[【】\[\]［］|｜]")
_DAY = re.compile(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})")
_MAX_LINE = 400  # longer lines are report text, never page information


@dataclass(frozen=True)
class Field:
    label: str  # as sites write it, spaces removed: 索引号
    kind: str  # DATE, SOURCE, WEB or CHROME
    value: str  # "" for an empty field

    @property
    def date(self) -> datetime.date | None:
        return day(self.value)


def fields(text: str) -> list[Field] | None:
    """The fields of a line of page information, or None when the line is something else."""
    if len(text) > _MAX_LINE:
        return None
    if "\t" in text:
        cells = _cells(text)
        if cells is not None:
            return cells
    cleaned = _FURNITURE.sub(" ", text).strip(" \u3000·")
    starts = list(_FIELD_START.finditer(cleaned))
    if not starts or starts[0].start() != 0:
        return None
    found = []
    for match, following in zip(starts, [*starts[1:], None]):
        label = re.sub(r"[\s\u3000]", "", match.group(1))
        value = cleaned[match.end(): following.start() if following else len(cleaned)].strip(" \u3000\t")
        found.append(Field(label, _LABELS[label], "" if value in _EMPTY else value))
    return found


def _cells(text: str) -> list[Field] | None:
    """A row copied from a table of label cells and value cells: 索引号<tab>…<tab>发布机构<tab>…."""
    cells = [cell.strip(" \u3000") for cell in text.split("\t")]
    if len(cells) % 2:
        cells.append("")
    found = []
    for label_cell, value in zip(cells[::2], cells[1::2]):
        label = re.sub(r"[\s\u3000]|[:：]$", "", label_cell)
        if label not in _LABELS:
            return None
        found.append(Field(label, _LABELS[label], "" if value in _EMPTY else value))
    return found


def day(text: str) -> datetime.date | None:
    """The first date written in a value (2025-03-25, 2025/3/25, 2025年3月25日), if it is one."""
    found = _DAY.search(text)
    if not found:
        return None
    try:
        return datetime.date(*(int(found.group(n)) for n in (1, 2, 3)))
    except ValueError:
        return None
