"""The office's per-year operations: what a person may see and do with a year's report, on
the data files of the office repository. The web layer calls these and only does HTTP; they call
the existing pipeline and commands (loader, merge's value reading, build), never re-implement them.

Every accepted change to a data file is written whole (generator.atomic) and committed in the
same step, authored by its person, under one lock: one office per process, so changes take turns
and none is lost. A save carries the version of the figure it was based on; when the figure has
changed since, it is refused with both values, never merged.
"""
from __future__ import annotations

import codecs
import datetime
import difflib
import hashlib
import json
import sqlite3
import tempfile
import threading
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from yaml.nodes import MappingNode, Node

from generator.atomic import write_all
from generator.chinese import years_in
from generator.commands.forms import layout
from generator.commands.forms.merge import _plain as plain
from generator.commands.forms.merge import read_number
from generator.commands.forms.units import by_unit, is_percent
from generator.commands.serve.preview import Picture
from generator.errors import DataError
from generator.office import audit, repo, texts
from generator.office.accounts import Refused, User
from generator.office.folder import Office, set_deadline, transaction
from generator.pipeline import yamledit, yamlsource
from generator.pipeline.figures import format_number
from generator.pipeline.loader import load
from generator.pipeline.model import Figure, Report

# The states of a unit's figures on the clerk's board, and of the report itself.
EMPTY, FILLED, SUBMITTED, RETURNED, TAKEN = "未填", "已填", "已提交", "退回", "已采用"
REPORT = ""  # the submissions row of the report itself (submitted for review, approved or returned)
APPROVED, WITHDRAWN = "已批准", "批准已撤销"
PENDING, ACCEPTED, DECLINED = "待处理", "已采纳", "未采纳"  # the states of an uploaded review
WHERE = "位置："  # the line of a commit message naming the text it changed, as history filters by it
DOWNLOADS = {"docx": ("docx", "web"), "formal-docx": ("docx", "formal"), "pdf": ("pdf", "web"), "formal-pdf": ("pdf", "formal")}
# A change of the texts: the new file text, the path it concerns now, the commit message.
TextChange = Callable[[texts.Located], tuple[str, str, str]]
NOTE_CAP, REASON_CAP, VALUE_CAP, COMMENT_CAP = 500, 500, 40, 1000  # characters
PENDING_CAP, COMMENTS_CAP = 20, 2000  # pending reviews (each keeps its DOCX) and comments of one year


@dataclass(frozen=True)
class Preview:
    """The pictures of one version of a year's PDF (`version`: the data file's hash)."""

    version: str
    pages: tuple[Picture, ...]


class Years:
    """The years of one office, and what its people may do with them."""

    def __init__(self, office: Office) -> None:
        self.office = office
        self._lock = threading.Lock()
        self._render_lock = threading.Lock()  # one WeasyPrint render at a time (its fonts are shared)
        self._previews: dict[int, Preview] = {}

    # -- reading -------------------------------------------------------------------------

    def years(self) -> list[int]:
        return list(years_in(self.office.data))

    def path(self, year: int) -> Path:
        path = years_in(self.office.data).get(year)
        if path is None:
            raise Refused(404, f"没有 {year} 年度的数据文件")
        return path

    def figures(self, year: int, user: User) -> list[dict[str, object]]:
        """The figures this person may see: a 填报员 those of their unit, the others every
        figure that is typed in (computed ones follow from these)."""
        path = self.path(year)
        report, versions = _load(path), figure_versions(path)
        units = by_unit(report)
        seen = units.get(user.unit, []) if user.role == "填报员" else [f for figures in units.values() for f in figures]
        unit_of = {f.name: unit for unit, figures in units.items() for f in figures}
        return [_figure_dict(f, unit_of[f.name], versions[f.name]) for f in seen]

    def history(self, year: int, where: str = "") -> list[repo.Change]:
        """The commits of the year's data file, newest first; with `where`, those that changed
        the text at that path: made on the page (their messages name it), or the last to change
        one of its lines (whatever made them: a merge, a review, the terminal)."""
        path = self.path(year)
        changes = repo.log(self.office.data, path.name)
        if where:
            try:
                located = texts.locate(path, where)
            except DataError as error:
                raise Refused(404, error.message) from None
            first, last = located.node.start_mark.line + 1, located.text.count("\n", 0, yamledit.content_end(located.text, located.node)) + 1
            wrote = {c.id for c in repo.last_changes(self.office.data, path.name, first, last)} if repo.committed(self.office.data, path.name) == path.read_bytes() else set()
            changes = [c for c in changes if c.id in wrote or f"{WHERE}{where}" in c.message.splitlines()]
        return changes

    def board(self, year: int) -> dict[str, object]:
        """Each unit's state, the report's, and the deadline: the clerk's status board."""
        report = _load(self.path(year))
        rows = self._submissions(year)
        units = []
        for unit, figures in by_unit(report).items():
            filled = sum(1 for f in figures if f.value is not None)
            row = rows.get(unit)
            state = row["state"] if row else (FILLED if filled else EMPTY)
            units.append({"unit": unit, "state": state, "filled": filled, "total": len(figures),
                          "by": row["by"] if row else "", "at": row["at"] if row else "", "reason": row["reason"] if row else ""})
        own = rows.get(REPORT)
        if own is not None and own["state"] == APPROVED and self._approval_outdated(year, own["reason"]):
            own = self._submissions(year)[REPORT]
        return {"year": year, "deadline": self.office.settings().deadlines.get(str(year), ""), "units": units,
                "report": {"state": own["state"], "by": own["by"], "at": own["at"], "reason": own["reason"]} if own else None}

    def findings(self, year: int) -> list[str]:
        """`check`'s findings on the year's report, as the clerk reads them at the terminal."""
        return [str(finding["shown"]) for finding in self.findings_at(year)]

    def findings_at(self, year: int) -> list[dict[str, object]]:
        """`check`'s findings with their lines, so the page shows each beside its text."""
        from generator.commands.check import check_loaded
        from generator.pipeline import open_report

        path = self.path(year)
        try:
            loaded = open_report(path)
        except DataError as error:
            line = error.location.line if error.location else None
            return [{"rule": "", "severity": "error", "line": line, "message": error.message, "shown": f"错误：{error}"}]
        return [{"rule": f.rule, "severity": f.severity, "line": f.location.line if f.location else None, "message": f.message,
                 "sentence": f.sentence, "advice": f.advice, "shown": f.format().replace(f"{path}:", f"{path.name}:")}
                for f in check_loaded(path, loaded.report, loaded.document)]

    def draft(self, year: int, user: User) -> str:
        """`draft`: the year's data file from the newest earlier one, committed as the clerk's."""
        from generator.commands.draft import draft

        self._clerk(user)
        with self._lock:
            self._take_outside_changes()
            try:
                target, origin, to_fill = draft(year, self.office.data)
            except DataError as error:
                raise Refused(409, error.message) from None
            return repo.commit(self.office.data, [target.name], f"起草{year}年度数据文件（由 {origin.name} 滚动生成，{to_fill} 项数据待填）", user.name)

    # -- figures ---------------------------------------------------------------------------

    def set_figure(self, year: int, name: str, typed: str, note: str, version: str, user: User) -> dict[str, object]:
        """Write one figure's value and commit it; Refused with the status the API answers."""
        if user.role not in ("填报员", "经办人"):
            raise Refused(403, f"{user.role}不能修改数字")
        if len(typed) > VALUE_CAP or len(note) > NOTE_CAP:
            raise Refused(422, f"数值最多 {VALUE_CAP} 个字符，说明最多 {NOTE_CAP} 个字符")
        with self._lock:
            path = self.path(year)
            self._take_outside_changes()
            report = _load(path)
            figure = report.figures.get(name)
            unit = _unit_of(report, name)
            if figure is None or unit is None:
                raise Refused(404, f"数据文件中没有需要填报的数字“{name}”")
            if user.role == "填报员":
                if unit != user.unit:
                    raise Refused(403, f"“{name}”由{unit}填报，{user.unit}不能修改")
                state = self._submissions(year).get(unit)
                if state is not None and state["state"] in (SUBMITTED, TAKEN):
                    raise Refused(403, f"{unit}的数字{state['state']}，不能再改；需要修改时请经办人退回")
            try:
                number = read_number(layout.Answer(name, 0, "", typed, "General", None, note), figure)
            except ValueError as error:
                raise Refused(422, f"{name}：{error}") from None
            if number is None:
                raise Refused(422, f"{name}：请填写数值（暂时没有数的，先不填这一项）")
            source, root = yamlsource.read(path)
            current = _versions(source.text, root)[name]
            if version != current:
                shown = _shown(figure.value)
                raise Refused(409, f"“{name}”在您打开页面之后已被他人改过：现在是 {shown}，您填的是 {typed}。请核对后在最新版本上重新填写",
                              current={"value": figure.value, "version": current}, yours={"value": typed, "version": version})
            if figure.value is not None and Decimal(repr(figure.value)) == number:
                return {"name": name, "value": figure.value, "version": current, "commit": None}
            node = yamledit.fields(yamledit.fields(root)["figures"][1])[name][1]
            edit = yamledit.figure_value(node, plain(number), "\r\n" if "\r\n" in source.text else "\n")
            message = f"{name} {_shown(figure.value)} → {plain(number)}" + (f"\n\n说明：{note.strip()}" if note.strip() else "")
            commit = self._write(year, path, yamledit.apply(source.text, [edit]), message, user)
            new = figure_versions(path)[name]
        value = int(number) if number == number.to_integral_value() else float(number)
        return {"name": name, "value": value, "version": new, "commit": commit}

    def _write(self, year: int, path: Path, text: str, message: str, user: User, rendered: bool = False) -> str:
        """Replace the data file with `text` once it is seen to load (and, for a change of the
        texts, to render: an undefined `{{ name }}` shows only then), and commit it."""
        from generator.pipeline.resolve import resolve

        encoding = "utf-8-sig" if path.read_bytes().startswith(codecs.BOM_UTF8) else "utf-8"

        def checked(temp: Path) -> None:
            temp.write_text(text, encoding=encoding, newline="")
            report = load(temp)
            if rendered:
                resolve(report)

        try:
            write_all({path: checked})
        except DataError as error:
            raise Refused(422, f"写入后数据文件无法读取，未作改动：{error.message}") from None
        return self._commit(year, [path.name], message, user)

    def _commit(self, year: int, files: list[str], message: str, user: User) -> str:
        """Commit a change of the year's data, withdrawing an approval given before it."""
        commit = repo.commit(self.office.data, files, message, user.name)
        self._withdraw(year, user.name, commit, message)
        return commit

    def _approval_outdated(self, year: int, approved: str) -> bool:
        """Whether the data changed since the approval of `approved` (版本 <id>) without the
        server seeing it (at the terminal, while it was stopped); if so the approval is withdrawn."""
        with self._lock:
            self._take_outside_changes()
            latest = self.history(year)[:1]
            if not latest or approved == f"版本 {latest[0].id[:10]}":
                return False
            self._withdraw(year, latest[0].author, latest[0].id, latest[0].message)
            return True

    def _take_outside_changes(self) -> None:
        """Commit what changed in the data files outside the server (at the terminal): that too
        withdraws an approval."""
        commit, changed = repo.commit_outside_changes(self.office.data)
        for year in changed:
            self._withdraw(year, repo.OUTSIDE, commit, "服务器之外的改动")

    def _withdraw(self, year: int, author: str, commit: str, message: str) -> None:
        """An approval of the year's report withdrawn, in the audit log and on the board, by a
        change after it: what was approved is no longer the report."""
        now = datetime.datetime.now().astimezone().isoformat(timespec="seconds")
        with self.office.connect() as db, transaction(db):
            row = db.execute("SELECT * FROM submissions WHERE year = ? AND unit = ?", (year, REPORT)).fetchone()
            if row is not None and row["state"] == APPROVED:
                why = f"批准的{row['reason']}之后，{author}修改了数据（版本 {commit[:10]}：{message.splitlines()[0]}）"
                db.execute("INSERT OR REPLACE INTO submissions VALUES (?, ?, ?, ?, ?, ?)", (year, REPORT, WITHDRAWN, author, now, why))
                audit.append(db, author, "撤销批准", f"{year}年度报告：{why}")

    # -- the report's texts, edited on the page -------------------------------------------

    def texts(self, year: int, user: User) -> dict[str, object]:
        """The report as it prints, block by block, each text with its path and version; the
        findings of `check` and the reviewers' comments, by the lines and paths they concern."""
        if user.role not in ("经办人", "审核人"):
            raise Refused(403, "只有经办人和审核人能看报告正文")
        path = self.path(year)
        try:
            blocks = texts.listing(path)
        except DataError as error:
            raise Refused(409, f"数据文件有错误，请经办人先改正：{error}") from None
        with self.office.connect() as db:
            comments = [dict(row) for row in db.execute("SELECT id, path, by, at, text FROM comments WHERE year = ? ORDER BY id", (year,))]
        return {"year": year, "blocks": blocks, "findings": self.findings_at(year), "comments": comments}

    def set_text(self, year: int, where: str, typed: str, version: str, user: User) -> dict[str, object]:
        """Replace one text (a template: chips come back as `{{ name }}`) at its node."""
        new = _typed_text(typed)

        def change(located: texts.Located) -> tuple[str, str, str]:
            old = located.text[located.node.start_mark.index:yamledit.content_end(located.text, located.node)]
            return texts.replaced(located, new), where, f"修改正文：{_short(str(located.node.value))} → {_short(new)}\n\n原文：{old}"
        return self._text_change(year, where, version, user, change)

    def add_text(self, year: int, after: str, typed: str, version: str, user: User, title: str = "") -> dict[str, object]:
        """A new paragraph or item (as the entry at `after` is) right after it; with a `title`,
        a new section there, `typed` its first paragraph."""
        new, heading = _typed_text(typed), _typed_text(title) if title.strip() else ""

        def change(located: texts.Located) -> tuple[str, str, str]:
            text, added = texts.inserted(located, new, heading)
            return text, added, f"新增一节：{_short(heading)}" if heading else f"新增{_entry_name(added)}：{_short(new)}"
        return self._text_change(year, _entry(after), version, user, change, after)

    def delete_text(self, year: int, where: str, version: str, user: User) -> dict[str, object]:
        """The paragraph, item or section holding the text at `where`, deleted."""
        def change(located: texts.Located) -> tuple[str, str, str]:
            gone = located.text[located.node.start_mark.index:yamledit.content_end(located.text, located.node)]
            return texts.deleted(located), entry, f"删除{_entry_name(entry)}：{_short(gone)}\n\n原文：{gone}"
        entry = _entry(where)
        return self._text_change(year, entry, version, user, change, where)

    def move_text(self, year: int, where: str, step: int, version: str, user: User) -> dict[str, object]:
        """The paragraph, item or section holding the text at `where`, moved up (−1) or down (1)."""
        def change(located: texts.Located) -> tuple[str, str, str]:
            text, now = texts.moved(located, step)
            return text, now, f"{'上移' if step < 0 else '下移'}{_entry_name(entry)}：{_short(str(_first_text(located.node)))}"
        entry = _entry(where)
        return self._text_change(year, entry, version, user, change, where)

    def make_figure(self, year: int, where: str, typed: str, name: str, label: str, version: str, user: User) -> dict[str, object]:
        """A number typed into a text made a figure in one step: named, labelled, referred to."""
        name, label = name.strip(), label.strip()
        if not 1 <= len(name) <= 30 or len(label) > 60:
            raise Refused(422, "请写数字的名称（1 至 30 个字），说明不超过 60 个字")

        def change(located: texts.Located) -> tuple[str, str, str]:
            text, _ = texts.with_figure(located, typed, name, label)
            return text, where, f"设为数字项：{name}（{typed.strip()}{'，' + label if label else ''}）"
        return self._text_change(year, where, version, user, change)

    def _text_change(self, year: int, at: str, version: str, user: User, change: TextChange, versioned: str = "") -> dict[str, object]:
        """One change of the texts, checked against the version of the text it was based on
        (`versioned`, by default `at`), written once the file still loads, and committed with
        the path it concerns."""
        self._clerk(user)
        try:
            texts.check_editable(at)
        except DataError as error:
            raise Refused(403, error.message) from None
        with self._lock:
            path = self.path(year)
            self._take_outside_changes()
            try:
                seen = texts.locate(path, versioned or at)
                located = texts.locate(path, at)
            except DataError as error:
                raise Refused(409, error.message) from None
            current = texts.version(seen.text, seen.node)
            if version != current:
                shown = seen.node.value if isinstance(seen.node.value, str) else ""
                raise Refused(409, f"这段文字在您打开页面之后已被他人改过，现在是：“{_short(shown, 60)}”。请刷新页面，在最新版本上重新修改",
                              current={"text": shown, "version": current}, yours={"version": version})
            try:
                text, changed, message = change(located)
            except DataError as error:
                raise Refused(422, error.message) from None
            commit = self._write(year, path, text, f"{message}\n\n{WHERE}{changed}", user, rendered=True)
        self._draw_soon(year)
        return {"path": changed, "commit": commit}

    # -- the print preview ---------------------------------------------------------------

    def preview(self, year: int, user: User) -> Preview:
        """The year's print preview: the public edition's PDF of the data as it is now, drawn
        page by page (the pictures the local review page shows). Made once per version of the
        data file and kept; a text saved on the page starts the next one at once."""
        if user.role not in ("经办人", "审核人"):
            raise Refused(403, "只有经办人和审核人能看打印预览")
        return self._drawn(year)

    def _drawn(self, year: int) -> Preview:
        path = self.path(year)
        with self._render_lock:
            content = path.read_bytes()
            version = hashlib.sha256(content).hexdigest()[:12]
            kept = self._previews.get(year)
            if kept is not None and kept.version == version:
                return kept
            from generator.commands.build import build
            from generator.commands.serve import preview
            from generator.pipeline import open_report

            try:
                with tempfile.TemporaryDirectory() as folder:
                    data = Path(folder) / path.name
                    data.write_bytes(content)  # the very version hashed, whatever is saved meanwhile
                    loaded = open_report(data)
                    (pdf,) = build(loaded.document, loaded.profile, Path(folder) / "out", ("pdf",)).written
                    with preview.Drawing(pdf) as drawing:
                        pages = drawing.pictures()
            except DataError as error:
                raise Refused(409, f"报告现在无法生成：{error}") from None
            except preview.Unavailable as why:
                raise Refused(503, str(why)) from None
            self._previews[year] = drawn = Preview(version, pages)
            return drawn

    def _draw_soon(self, year: int) -> None:
        """Start drawing the preview of what was just saved, so that it is ready when the page
        asks (a failure is the page's to show when it asks)."""
        def draw() -> None:
            try:
                self._drawn(year)
            except Refused:
                pass
        threading.Thread(target=draw, name=f"preview-{year}", daemon=True).start()

    def acknowledge(self, year: int, rule: str, message: str, reason: str, user: User) -> dict[str, object]:
        """A finding of `check` found to be right, kept in the data file (`checks: acknowledged:`)
        with the reason, so `check` no longer lists it, here and at the terminal."""
        self._clerk(user)
        why = reason.strip()
        if not 1 <= len(why) <= REASON_CAP:
            raise Refused(422, f"请写明为什么这条检查结果无须改正（1 至 {REASON_CAP} 个字）")
        with self._lock:
            path = self.path(year)
            self._take_outside_changes()
            if not any(f["rule"] == rule and f["message"] == message for f in self.findings_at(year)):
                raise Refused(409, "检查结果中已没有这一条（可能已改正或已确认），请刷新页面")
            source, root = yamlsource.read(path)
            entry = "{" + ", ".join(f"{key}: {yamledit.scalar(value, flow=True)}" for key, value in
                                    (("rule", rule), ("message", message), ("reason", why))) + "}"
            try:
                spans = texts.acknowledgement(source.text, root, entry)
            except DataError as error:
                raise Refused(422, error.message) from None
            commit = self._write(year, path, yamledit.apply(source.text, spans), f"确认检查结果无误：[{rule}] {_short(message)}\n\n理由：{why}", user)
        return {"commit": commit}

    def comment(self, year: int, where: str, typed: str, user: User, address: str) -> dict[str, object]:
        """A reviewer's comment on a text, kept beside it (not in the data file)."""
        if user.role not in ("经办人", "审核人"):
            raise Refused(403, "只有经办人和审核人能写批注")
        said = typed.strip()
        if not 1 <= len(said) <= COMMENT_CAP:
            raise Refused(422, f"批注应为 1 至 {COMMENT_CAP} 个字")
        try:
            texts.locate(self.path(year), where)
        except DataError as error:
            raise Refused(404, error.message) from None
        now = datetime.datetime.now().astimezone().isoformat(timespec="seconds")
        with self.office.connect() as db, transaction(db):
            if db.execute("SELECT COUNT(*) FROM comments WHERE year = ?", (year,)).fetchone()[0] >= COMMENTS_CAP:
                raise Refused(409, f"{year}年度的批注已达 {COMMENTS_CAP} 条，不能再加")
            row = db.execute("INSERT INTO comments (year, path, by, at, text) VALUES (?, ?, ?, ?, ?)", (year, where, user.name, now, said))
            audit.append(db, user.name, "批注", f"{year}年度 {where}：{_short(said)}", address)
        return {"id": row.lastrowid, "path": where, "by": user.name, "at": now, "text": said}

    def restore(self, year: int, commit_id: str, user: User) -> dict[str, object]:
        """An earlier version of the year's data file made the current one, as a new commit."""
        self._clerk(user)
        with self._lock:
            path = self.path(year)
            self._take_outside_changes()
            versions = {change.id: change for change in self.history(year)}
            old = versions.get(commit_id)
            content = repo.committed(self.office.data, path.name, commit_id) if old else None
            if old is None or content is None:
                raise Refused(404, f"{path.name} 的修改记录中没有这个版本")
            text = content.decode("utf-8-sig")
            when = old.time[:16].replace("T", " ")
            commit = self._write(year, path, text, f"恢复到 {when} {old.author} 的版本 {commit_id[:10]}（{old.message.splitlines()[0]}）", user)
        return {"commit": commit}

    # -- reviews uploaded on the page: absorb's plan, accepted or declined by the clerk ----

    def upload_review(self, year: int, name: str, content: bytes, user: User, address: str) -> dict[str, object]:
        """A reviewed DOCX kept as a pending review with absorb's plan for it (nothing written)."""
        from generator.commands.absorb import absorb

        if user.role not in ("经办人", "审核人"):
            raise Refused(403, "只有经办人和审核人能上传审阅稿")
        with self.office.connect() as db:
            waiting = db.execute("SELECT COUNT(*) FROM reviews WHERE year = ? AND state = ?", (year, PENDING)).fetchone()[0]
        if waiting >= PENDING_CAP:
            raise Refused(409, f"已有 {waiting} 份审阅稿待处理；请经办人先采纳或不采纳其中一些，再上传新的")
        with self._lock, tempfile.TemporaryDirectory() as folder:
            path = self.path(year)
            self._take_outside_changes()
            docx = _uploaded(Path(folder), name, ".docx", content)
            copy = Path(folder) / "data" / path.name  # absorbed for real into a copy: its edits are the plan's
            copy.parent.mkdir()
            copy.write_bytes(path.read_bytes())
            try:
                outcome = absorb(copy, docx, accept_changes=True)
            except DataError as error:
                raise Refused(422, _unfolded(str(error), folder)) from None
            if outcome.problems:
                raise Refused(422, _unfolded("\n".join(outcome.problem_lines()), folder))
            plan = {"changes": [_unfolded(c, folder) for c in outcome.changes], "comments": outcome.comments,
                    "notes": [_unfolded(n, folder) for n in outcome.notes], "revisions": outcome.accepted,
                    "diff": _unfolded(outcome.diff, folder), "edits": _edits(path.read_bytes(), copy.read_bytes())}
        base = hashlib.sha256(path.read_bytes()).hexdigest()
        now = datetime.datetime.now().astimezone().isoformat(timespec="seconds")
        with self.office.connect() as db, transaction(db):
            row = db.execute("INSERT INTO reviews (year, name, by, at, base, docx, plan, state) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                             (year, docx.name, user.name, now, base, content, json.dumps(plan, ensure_ascii=False), PENDING))
            audit.append(db, user.name, "上传审阅稿", f"{year}年度 {docx.name}：{len(outcome.changes)} 处改动，{len(outcome.comments)} 条批注", address)
        return self._review_dict({"id": row.lastrowid, "year": year, "name": docx.name, "by": user.name, "at": now,
                                  "plan": json.dumps(plan), "state": PENDING, "decided_by": "", "decided_at": ""})

    def reviews(self, year: int, user: User) -> list[dict[str, object]]:
        if user.role not in ("经办人", "审核人"):
            raise Refused(403, "只有经办人和审核人能看审阅稿")
        with self.office.connect() as db:
            rows = db.execute("SELECT id, year, name, by, at, plan, state, decided_by, decided_at FROM reviews WHERE year = ? ORDER BY id DESC", (year,))
            return [self._review_dict(dict(row)) for row in rows]

    def decide_review(self, year: int, number: int, accept: bool, user: User, address: str, chosen: list[int] | None = None) -> dict[str, object]:
        """The clerk takes a pending review's plan into the data (one commit, as the clerk's) —
        all of it, or the edits `chosen` by their ids — or declines it; a plan made on an
        earlier version of the data is not applied."""

        self._clerk(user)
        with self._lock, tempfile.TemporaryDirectory() as folder:
            path = self.path(year)
            self._take_outside_changes()
            with self.office.connect() as db:
                row = db.execute("SELECT * FROM reviews WHERE year = ? AND id = ?", (year, number)).fetchone()
            if row is None:
                raise Refused(404, "没有这份审阅稿")
            if row["state"] != PENDING:
                raise Refused(409, f"审阅稿 {row['name']} 已经{row['state']}（{row['decided_by']}）")
            commit = None
            if accept:
                if hashlib.sha256(path.read_bytes()).hexdigest() != row["base"]:
                    raise Refused(409, f"审阅稿 {row['name']} 上传之后数据文件又有改动，这份修改方案已不对应现在的数据；请重新上传这份审阅稿，看新的方案后再采纳")
                edits = json.loads(row["plan"]).get("edits", [])
                if chosen is not None and sorted(chosen) != [edit["id"] for edit in edits]:
                    commit = self._take_some(year, path, row, edits, chosen, user)
                    return self._decided(year, number, row, ACCEPTED, commit, user, address, f"其中 {len(chosen)}/{len(edits)} 处")
                docx = Path(folder) / row["name"]
                docx.write_bytes(row["docx"])
                _, commit = self._absorbed(year, path, docx, True, f"采纳审阅稿 {row['name']}（{row['by']} 上传）", user)
            return self._decided(year, number, row, ACCEPTED if accept else DECLINED, commit, user, address)

    def _take_some(self, year: int, path: Path, row: sqlite3.Row, edits: list[dict[str, object]], chosen: list[int], user: User) -> str:
        """Only the chosen edits of a review's plan written, as one commit (if the data still loads)."""
        unknown = set(chosen) - {edit["id"] for edit in edits}
        if unknown or not chosen:
            raise Refused(422, "请至少选择一处修改（编号须是这份审阅稿的修改方案中的）")
        raw = path.read_bytes()
        lines = raw.decode("utf-8-sig").splitlines(keepends=True)
        for edit in sorted((e for e in edits if e["id"] in chosen), key=lambda e: int(str(e["start"])), reverse=True):
            lines[int(str(edit["start"])):int(str(edit["end"]))] = [str(edit["new"])]
        message = f"采纳审阅稿 {row['name']}（{row['by']} 上传）中的 {len(chosen)}/{len(edits)} 处改动\n\n" + "\n".join(
            f"第 {edit['line']} 行：{_short(str(edit['old']).strip())} → {_short(str(edit['new']).strip())}" for edit in edits if edit["id"] in chosen)
        return self._write(year, path, "".join(lines), message, user, rendered=True)

    def _decided(self, year: int, number: int, row: sqlite3.Row, state: str, commit: str | None, user: User, address: str, part: str = "") -> dict[str, object]:
        now = datetime.datetime.now().astimezone().isoformat(timespec="seconds")
        with self.office.connect() as db, transaction(db):
            db.execute("UPDATE reviews SET state = ?, decided_by = ?, decided_at = ? WHERE id = ?", (state, user.name, now, number))
            audit.append(db, user.name, "不采纳审阅稿" if state == DECLINED else "采纳审阅稿", f"{year}年度 {row['name']}（{row['by']} 上传）{part}", address)
        return {"id": number, "state": state, "commit": commit}

    @staticmethod
    def _review_dict(row: dict[str, object]) -> dict[str, object]:
        return {**{k: v for k, v in row.items() if k != "plan"}, "plan": json.loads(str(row["plan"]))}

    # -- files the clerk brings in: returned XLSX forms, reviewed DOCX ---------------------

    def merge_form(self, year: int, name: str, content: bytes, user: User) -> list[str]:
        """`merge`: a returned 填报表 into the year's data file, committed as the clerk's."""
        from generator.commands.forms.merge import merge

        self._clerk(user)
        with self._lock, tempfile.TemporaryDirectory() as folder:
            path = self.path(year)
            self._take_outside_changes()
            form = _uploaded(Path(folder), name, ".xlsx", content)
            try:
                merged = merge(path, _load(path), [form])
            except DataError as error:
                raise Refused(422, error.message.replace(f"{folder}/", "")) from None
            if merged.written:
                message = f"合并填报表 {form.name}：{len(merged.changes)} 项\n\n" + "\n".join(change.describe() for change in merged.changes)
                self._commit(year, [path.name], message, user)
            return merged.summary().replace(f"{folder}/", "").splitlines()

    def absorb_review(self, year: int, name: str, content: bytes, accept_changes: bool, user: User) -> list[str]:
        """`absorb`: the edits of a reviewed DOCX into the year's data file, committed as the clerk's."""

        self._clerk(user)
        with self._lock, tempfile.TemporaryDirectory() as folder:
            path = self.path(year)
            self._take_outside_changes()
            docx = _uploaded(Path(folder), name, ".docx", content)
            lines, _ = self._absorbed(year, path, docx, accept_changes, f"写回审阅稿 {docx.name}", user)
            return lines

    def _absorbed(self, year: int, path: Path, docx: Path, accept_changes: bool, title: str, user: User) -> tuple[list[str], str | None]:
        """absorb's edits of `docx` (in a scratch folder, which no message names) written into the
        data file and committed as `user`'s, `title` heading the message: absorb's report and the commit."""
        from generator.commands.absorb import absorb, record_path

        folder = f"{docx.parent}/"
        try:
            outcome = absorb(path, docx, accept_changes)
        except DataError as error:
            raise Refused(422, str(error).replace(folder, "")) from None
        if outcome.problems:
            raise Refused(422, "\n".join(outcome.problem_lines()).replace(folder, ""))
        commit = None
        if path in outcome.written:
            message = f"{title}：{len(outcome.changes)} 处改动\n\n" + "\n".join(outcome.changes)
            commit = self._commit(year, [path.name, record_path(path).name], message, user)
        return [line.replace(folder, "") for line in outcome.lines()], commit

    # -- the units' submissions and the report's review -----------------------------------

    def submit(self, year: int, unit: str, user: User, address: str) -> None:
        """A 填报员 hands their unit's figures in: all must be filled."""
        if user.role != "填报员" or user.unit != unit:
            raise Refused(403, f"只有{unit}的填报员能提交本单位的数字")
        report = _load(self.path(year))
        empty = [f.name for f in by_unit(report).get(unit, []) if f.value is None]
        if empty:
            raise Refused(422, f"还有 {len(empty)} 项未填：{'、'.join(empty)}；填完后再提交")
        self._move(year, unit, (EMPTY, FILLED, RETURNED), SUBMITTED, user, address, "提交数字")

    def take_in(self, year: int, unit: str, user: User, address: str) -> None:
        """The clerk takes a unit's submitted figures into the report."""
        self._clerk(user)
        self._move(year, unit, (SUBMITTED,), TAKEN, user, address, "采用数字")

    def give_back(self, year: int, unit: str, reason: str, user: User, address: str) -> None:
        """The clerk returns a unit's figures, saying why; the unit can change them again."""
        self._clerk(user)
        self._move(year, unit, (SUBMITTED, TAKEN), RETURNED, user, address, "退回数字", _reason(reason))

    def submit_report(self, year: int, user: User, address: str) -> None:
        self._clerk(user)
        self.path(year)
        self._move(year, REPORT, (EMPTY, RETURNED, WITHDRAWN), SUBMITTED, user, address, "报告送审")

    def approve_report(self, year: int, user: User, address: str) -> None:
        """The leader's approval of the report (the formal edition is built from it), recorded
        with the version approved; nobody approves a report holding edits of their own."""
        self._reviewer(user)
        with self._lock:
            self._take_outside_changes()
            changes = self.history(year)
            if any(change.author == user.name for change in changes):
                raise Refused(403, f"{year}年度报告中有您本人的修改，不能由您本人批准；请由另一位审核人批准")
            approved = f"版本 {changes[0].id[:10]}" if changes else "未提交版本"
            self._move(year, REPORT, (SUBMITTED,), APPROVED, user, address, "批准报告", approved)

    def return_report(self, year: int, reason: str, user: User, address: str) -> None:
        self._reviewer(user)
        self._move(year, REPORT, (SUBMITTED,), RETURNED, user, address, "退回报告", _reason(reason))

    def _move(self, year: int, unit: str, allowed: tuple[str, ...], to: str, user: User, address: str, action: str, reason: str = "") -> None:
        """One step of a submission, checked against its state and recorded in the audit log
        in the same transaction. Nobody takes in or approves what they submitted themselves."""
        what = f"{year}年度报告" if unit == REPORT else f"{year}年度 {unit}的数字"
        now = datetime.datetime.now().astimezone().isoformat(timespec="seconds")
        with self.office.connect() as db, transaction(db):
            row = db.execute("SELECT * FROM submissions WHERE year = ? AND unit = ?", (year, unit)).fetchone()
            state = row["state"] if row else EMPTY
            if state not in allowed:
                raise Refused(409, f"{what}现在是“{state}”，不能{action}")
            if to in (TAKEN, APPROVED) and row is not None and row["by"] == user.name:
                raise Refused(403, f"{what}是您提交的，不能由您本人{action}；请由另一位同事处理")
            by = user.name if to == SUBMITTED else row["by"] if row else user.name
            db.execute("INSERT OR REPLACE INTO submissions VALUES (?, ?, ?, ?, ?, ?)", (year, unit, to, by, now, reason))
            said = f"（{reason}）" if to == APPROVED else f"；理由：{reason}" if reason else ""
            audit.append(db, user.name, action, what + said, address)

    def _submissions(self, year: int) -> dict[str, dict[str, str]]:
        with self.office.connect() as db:
            return {row["unit"]: dict(row) for row in db.execute("SELECT * FROM submissions WHERE year = ?", (year,))}

    def set_deadline(self, year: int, day: str, user: User, address: str) -> None:
        """The units' deadline for the year, shown on their forms and the board."""
        self._clerk(user)
        self.path(year)
        try:
            datetime.date.fromisoformat(day)
        except ValueError:
            raise Refused(422, f"截止日期应写成 2026-01-31，而不是“{day}”") from None
        with self._lock:
            set_deadline(self.office, year, day)
        audit.record(self.office, user.name, "设定截止日期", f"{year}年度：{day}", address)

    @staticmethod
    def _clerk(user: User) -> None:
        if user.role != "经办人":
            raise Refused(403, "只有经办人能做这一步")

    @staticmethod
    def _reviewer(user: User) -> None:
        if user.role != "审核人":
            raise Refused(403, "只有审核人能批准或退回报告")

    # -- downloads -------------------------------------------------------------------------

    def redline(self, year: int, old_id: str, new_id: str, user: User) -> tuple[str, bytes]:
        """Two versions of the year's data file compared as a DOCX with tracked changes (the
        `diff` command's redline), the newer version's author as the reviser."""
        from generator.commands.diff import stem, write_redline
        from generator.pipeline import open_report

        if user.role not in ("经办人", "审核人"):
            raise Refused(403, "只有经办人和审核人能对照版本")
        path = self.path(year)
        versions = {change.id: change for change in self.history(year)}
        if old_id not in versions or new_id not in versions:
            raise Refused(404, f"{path.name} 的修改记录中没有这个版本")
        with tempfile.TemporaryDirectory() as folder:
            loaded = []
            for n, commit_id in enumerate((old_id, new_id)):
                copy = Path(folder) / str(n) / path.name
                copy.parent.mkdir()
                copy.write_bytes(repo.committed(self.office.data, path.name, commit_id) or b"")
                try:
                    loaded.append(open_report(copy))
                except DataError as error:
                    raise Refused(409, f"版本 {commit_id[:10]} 无法读取：{error.message}") from None
            newer = versions[new_id]
            target = Path(folder) / "redline.docx"
            write_redline(loaded[0].document, loaded[1].document, loaded[1].profile, target, newer.author,
                          datetime.datetime.fromisoformat(newer.time).replace(tzinfo=None))
            return f"{stem(loaded[1].document)}-{old_id[:7]}-{new_id[:7]}.docx", target.read_bytes()

    def download(self, year: int, kind: str, user: User, address: str) -> tuple[str, bytes]:
        """The report built now from the current data (file name, content); a download of the
        formal edition is recorded in the audit log."""
        from generator.commands.build import build, edition
        from generator.pipeline import open_report

        if user.role not in ("经办人", "审核人"):
            raise Refused(403, "只有经办人和审核人能下载报告")
        if kind not in DOWNLOADS:
            raise Refused(404, "没有这种下载")
        fmt, name = DOWNLOADS[kind]
        try:
            loaded = open_report(self.path(year))
            with self._render_lock, tempfile.TemporaryDirectory() as folder:
                (written,) = build(edition(loaded.document, name), loaded.profile, Path(folder), (fmt,)).written
                content = written.read_bytes()
        except DataError as error:
            raise Refused(409, f"报告现在无法生成：{error}") from None
        if name == "formal":
            audit.record(self.office, user.name, "下载正式公文", f"{year}年度 {written.name}", address)
        return written.name, content


def figure_versions(path: Path) -> dict[str, str]:
    """Each figure's version: a hash of its text in the data file, so a save can tell whether
    the figure it was based on is still the one there."""
    source, root = yamlsource.read(path)
    return _versions(source.text, root)


def _versions(text: str, root: Node) -> dict[str, str]:
    figures = yamledit.fields(root).get("figures")
    if figures is None or not isinstance(figures[1], MappingNode):
        return {}
    return {name: hashlib.sha256(text[key.start_mark.index:yamledit.content_end(text, value)].encode()).hexdigest()[:16]
            for name, (key, value) in yamledit.fields(figures[1]).items()}


def _uploaded(folder: Path, name: str, suffix: str, content: bytes) -> Path:
    """The uploaded file saved under its own base name (nothing of a path it may carry)."""
    base = Path(name.replace("\\", "/")).name.strip()[:100]
    if not base.lower().endswith(suffix) or base.startswith("."):
        raise Refused(422, f"请选择 {suffix} 文件，而不是“{base or name}”")
    path = folder / base
    path.write_bytes(content)
    return path


def _load(path: Path) -> Report:
    try:
        return load(path)
    except DataError as error:
        raise Refused(409, f"数据文件有错误，请经办人先改正：{error}") from None


def _unit_of(report: Report, name: str) -> str | None:
    return next((unit for unit, figures in by_unit(report).items() if any(f.name == name for f in figures)), None)


def _shown(value: int | float | None) -> str:
    return "未填" if value is None else format_number(value, None)


def _figure_dict(figure: Figure, unit: str, version: str) -> dict[str, object]:
    return {"name": figure.name, "label": figure.label, "unit": "%" if is_percent(figure) else figure.unit, "from": unit,
            "value": figure.value, "last_year": figure.last_year, "version": version}


def _unfolded(text: str, folder: str) -> str:
    """A message of absorb's without the scratch folder it worked in."""
    return text.replace(f"{folder}/data/", "").replace(f"{folder}/", "")


def _edits(old: bytes, new: bytes) -> list[dict[str, object]]:
    """The runs of lines a review changes in the data file, each to be taken or left."""
    before, after = old.decode("utf-8-sig").splitlines(keepends=True), new.decode("utf-8-sig").splitlines(keepends=True)
    runs = [op for op in difflib.SequenceMatcher(None, before, after, autojunk=False).get_opcodes() if op[0] != "equal"]
    return [{"id": n, "line": i1 + 1, "start": i1, "end": i2, "old": "".join(before[i1:i2]), "new": "".join(after[j1:j2])}
            for n, (_, i1, i2, j1, j2) in enumerate(runs, 1)]


def _typed_text(typed: str) -> str:
    """A text typed on the page, on one line, within its cap."""
    cleaned = " ".join(typed.split()) if "\n" in typed else typed.strip()
    if not 1 <= len(cleaned) <= texts.TEXT_CAP:
        raise Refused(422, f"文字不能为空，也不能超过 {texts.TEXT_CAP} 个字；要删除这一段，请用“删除”")
    return cleaned


def _entry(where: str) -> str:
    try:
        return texts.entry_of(where)
    except DataError as error:
        raise Refused(422, error.message) from None


def _entry_name(where: str) -> str:
    return "事项" if where.rsplit("/", 2)[-2] == "items" else "段落"


def _first_text(node: Node) -> object:
    """What names an entry in a commit message: its text, a section's title, a paragraph's p."""
    if isinstance(node, MappingNode):
        parts = yamledit.fields(node)
        for key in ("section", "p", "bullet"):
            if key in parts:
                return parts[key][1].value
        return ""
    return node.value


def _short(text: str, limit: int = 30) -> str:
    return text if len(text) <= limit else text[:limit] + "…"


def _reason(reason: str) -> str:
    cleaned = reason.strip()
    if not 1 <= len(cleaned) <= REASON_CAP:
        raise Refused(422, f"请写明退回的理由（1 至 {REASON_CAP} 个字）")
    return cleaned
