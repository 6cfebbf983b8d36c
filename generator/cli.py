"""The command line: `./fazhi build|check|…` (the launcher runs `python -m generator` in .venv). It parses, loads and hands the loaded
objects to a command in generator/commands/; it prints. Bad input exits 2 with one message in
Chinese, never a traceback."""
from __future__ import annotations

import argparse
import datetime
import sys
from pathlib import Path

from generator import advice, errors
from generator.errors import DataError, EngineError

# argparse's own words, as a clerk reads them (argparse looks `_` and `ngettext` up at call time).
_ARGPARSE_ZH = {
    "usage: ": "用法：",
    "positional arguments": "参数",
    "options": "选项",
    "show this help message and exit": "显示本帮助并退出",
    "%(prog)s: error: %(message)s\n": "%(prog)s：错误：%(message)s\n",
    "the following arguments are required: %s": "缺少参数：%s",
    "unrecognized arguments: %s": "无法识别的参数：%s",
    "invalid choice: %(value)r (choose from %(choices)s)": "无效的选择：%(value)r（可选：%(choices)s）",
    "invalid %(type)s value: %(value)r": "无效的值：%(value)r",
    "expected one argument": "需要一个值",
    "argument %(argument_name)s: %(message)s": "参数 %(argument_name)s：%(message)s",
    "ambiguous option: %(option)s could match %(matches)s": "选项 %(option)s 有歧义，可能是：%(matches)s",
    "not allowed with argument %s": "不能与参数 %s 同时使用",
    "ignored explicit argument %r": "忽略了多余的值 %r",
    "expected at most one argument": "最多需要一个值",
    "expected at least one argument": "至少需要一个值",
    "one of the arguments %s is required": "需要以下参数之一：%s",
}
argparse._ = lambda text: _ARGPARSE_ZH.get(text, text)  # type: ignore[attr-defined]
argparse.ngettext = lambda one, many, n: _ARGPARSE_ZH.get(one if n == 1 else many, one if n == 1 else many)  # type: ignore[attr-defined]


# -- argument types: each refuses a bad value with a Chinese sentence ----------------------------

def _year(text: str) -> int:
    if not text.isdigit() or not 1990 <= int(text) <= 2100:
        raise argparse.ArgumentTypeError(f"年份应为 1990 至 2100 之间的四位数字，例如 2025，而不是“{text}”")
    return int(text)


def _port(text: str) -> int:
    if not text.isdigit() or not 1 <= int(text) <= 65535:
        raise argparse.ArgumentTypeError(f"端口应为 1 至 65535 之间的整数，例如 8000，而不是“{text}”")
    return int(text)


def _date(text: str) -> datetime.datetime:
    try:
        return datetime.datetime.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"日期应写成 2026-01-15（或 2026-01-15T09:30），而不是“{text}”") from None


def _short_text(text: str) -> str:
    """A name given on the command line (修订人, 标题, 地区, 发文机关): visible characters, not a page."""
    cleaned = text.strip()
    if not cleaned or len(cleaned) > 100 or not cleaned.isprintable():
        raise argparse.ArgumentTypeError("应为 1 至 100 个可见字符")
    return cleaned


# -- commands -------------------------------------------------------------------------------

def _build(args: argparse.Namespace) -> int:
    from generator.commands.build import build, data_files, edition, parse_formats
    from generator.pipeline import open_report

    formats = parse_formats(args.format)
    files = data_files(args.data)
    if len(files) > 1:
        return _build_many(files, formats, args)
    loaded = open_report(files[0], args.layout)
    document = edition(loaded.document, args.edition)
    out_dir = args.output if args.output is not None else Path("out") / str(document.year)
    result = build(document, loaded.profile, out_dir, formats)
    for note in result.notes:
        print(f"提示：{note}", file=sys.stderr)
    for path in result.written:
        print(f"已写入 {path}")
    _say_moved(result.moved)
    return 0


def _build_many(files: list[Path], formats: tuple[str, ...], args: argparse.Namespace) -> int:
    """Several reports in one process: each one's files, or its one error line; exit 2 when
    any could not be built (the others are written all the same)."""
    from generator.commands.build import build_many

    failed = 0
    noted: set[str] = set()  # the substitute fonts are the same for every report: said once
    for built in build_many(files, args.output or Path("out"), formats, args.edition, args.layout):
        if built.result is None:
            failed += 1
            print(f"错误：{built.error}", file=sys.stderr)
            continue
        for note in built.result.notes:
            if note not in noted:
                noted.add(note)
                print(f"提示：{note}", file=sys.stderr)
        print(f"已生成 {built.data} → {built.out_dir}（{len(built.result.written)} 个文件）")
        _say_moved(built.result.moved)
    print(f"共 {len(files)} 份报告：{len(files) - failed} 份已生成" + (f"，{failed} 份有错误（见上）" if failed else ""))
    return 2 if failed else 0


def _say_moved(moved: list[Path]) -> None:
    """Older outputs moved aside, so the folder holds only what was made from this data."""
    if moved:
        print(f"由旧版数据生成的 {len(moved)} 个文件已移入 {moved[0].parent}：{'、'.join(path.name for path in moved)}")


def _check(args: argparse.Namespace) -> int:
    import json

    from generator.commands.build import edition
    from generator.commands.check import SEVERITY_NAMES, Finding, check_loaded, page_findings
    from generator.config import menus
    from generator.pipeline import open_report

    try:
        loaded = open_report(args.data)
    except DataError as error:  # the file does not load: bad input, exit 2
        if args.format == "json":
            finding = Finding("schema", error.location, error.message, advice="在该位置改正数据文件")
            print(json.dumps([finding.as_dict()], ensure_ascii=False, indent=2))
            return 2
        raise
    menu = menus.load(args.menu) if args.menu else None
    findings = check_loaded(args.data, loaded.report, loaded.document, menu=menu)
    if args.pages:
        document = edition(loaded.document, args.edition)
        findings += page_findings(document, loaded.profile, loaded.report.checks_off)
    if args.format == "json":
        print(json.dumps([f.as_dict() for f in findings], ensure_ascii=False, indent=2))
    else:
        for finding in findings:
            print(finding.format())
        counts = [f"{sum(f.severity == s for f in findings)} 个{name}" for s, name in SEVERITY_NAMES.items()]
        print(f"{args.data}：{'，'.join(counts)}")
    return 1 if any(f.severity == "error" for f in findings) else 0


def _draft(args: argparse.Namespace) -> int:
    from generator.commands.draft import draft

    target, origin, to_fill = draft(args.year, args.data_dir)
    listing = advice.command(f"check {target}", f"make check YEAR={target.stem}")
    print(f"已写入 {target}（由 {origin} 滚动生成）：{to_fill} 项数据待填，{listing} 会逐项列出")
    return 0


def _compare(args: argparse.Namespace) -> int:
    from generator.commands.compare import compare
    from generator.pipeline import open_report

    last, this = open_report(args.last), open_report(args.this)
    out_dir = args.output or Path("out") / str(this.report.meta.year)
    table, written, moved = compare(last.report, this.report, this.profile, out_dir, this.version)
    print(table, end="")
    for path in written:
        print(f"已写入 {path}")
    _say_moved(moved)
    return 0


def _compare_bodies(args: argparse.Namespace) -> int:
    from generator.commands.compare_bodies import compare_bodies
    from generator.pipeline import open_report

    loaded = [open_report(path) for path in args.data]
    table, written = compare_bodies(loaded, loaded[0].profile, args.output or Path("out") / str(loaded[0].report.meta.year))
    print(table, end="")
    for path in written:
        print(f"已写入 {path}")
    return 0


def _diff(args: argparse.Namespace) -> int:
    from generator.commands.diff import diff
    from generator.pipeline import open_report

    old, new = open_report(args.old), open_report(args.new, args.layout)
    author = args.author or new.report.meta.issuer
    when = args.date or datetime.datetime.now().replace(microsecond=0)
    written, moved = diff(old.document, new.document, new.profile, args.output or Path("out") / str(new.document.year), author, when)
    for path in written:
        print(f"已写入 {path}")
    _say_moved(moved)
    return 0


def _import(args: argparse.Namespace) -> int:
    from generator.commands.import_ import Stated, import_file

    stated = Stated(args.title or "", args.year, args.region or "", args.issuer or "")
    imported, target, left = import_file(args.source, args.output, args.force, stated)
    print(imported.summary())
    for difference in left:
        print(f"与原文不同：{difference}")
    print(f"已写入 {target}")
    return 0



def _rename(args: argparse.Namespace) -> int:
    from generator.commands.rename import rename

    renamed = rename(args.data, args.old, args.new)
    print(f"已把 {renamed.path} 中的数字“{renamed.old}”改名为“{renamed.new}”：figures 中的名称和 {renamed.references} 处引用；报告的文字不变")
    return 0


def _serve(args: argparse.Namespace) -> int:
    from generator.commands.serve import run

    if args.office:
        return _serve_office(args)
    run(args.host, args.port, args.data_dir, args.out_dir)
    return 0


# -- the office server's verbs (generator/office/) ------------------------------------------

def _office_dir_option(command: argparse.ArgumentParser) -> None:
    command.add_argument("--office-dir", type=Path, default=Path("office"), help="办公室文件夹：数据仓库、账号数据库、设置（默认 office）")


def _serve_office(args: argparse.Namespace) -> int:
    from generator.office.folder import Office
    from generator.office.server import run

    if args.host != "127.0.0.1":
        raise DataError(None, "办公室模式用 --bind 指定监听地址（--host 是单机审阅页面的选项）")
    run(Office(args.office_dir), args.bind, args.port)
    return 0


def _users(args: argparse.Namespace) -> int:
    from generator.commands.forms import text_table
    from generator.office import accounts, terminal
    from generator.office.folder import Office

    office = Office(args.office_dir)
    if args.action == "add":
        user = terminal.add_user(office, args.name, args.role, args.unit or "", args.password_stdin)
        print(f"已建立账号 {user.name}（{user.role}{'，' + user.unit if user.unit else ''}）")
        if note := (terminal.unit_note(office, user.unit) if user.role == "填报员" else ""):
            print(f"提示：{note}", file=sys.stderr)
    elif args.action == "list":
        users = accounts.listed(office.require())
        print(text_table([("账号", "角色", "单位", "状态"), *((u.name, u.role, u.unit, "已停用" if u.disabled else "正常") for u in users)]), end="")
    elif args.action == "passwd":
        accounts.set_password(office.require(), args.name, terminal.read_password(args.password_stdin))
        print(f"已修改 {args.name} 的密码，其已登录的会话均已退出")
    else:
        accounts.disable(office.require(), args.name)
        print(f"已停用账号 {args.name}，其已登录的会话均已退出")
    return 0


def _history(args: argparse.Namespace) -> int:
    from generator.office.terminal import history_lines

    print("\n".join(history_lines(args.data)))
    return 0


def _audit(args: argparse.Namespace) -> int:
    from generator.office import audit
    from generator.office.folder import Office

    checked, broken = audit.verify(Office(args.office_dir).require())
    if broken:
        print(f"审计日志有误：{broken}（此前 {checked} 条完好）")
        return 1
    print(f"审计日志完好：共 {checked} 条，每条所记的上一条哈希都相符")
    return 0


def _backup(args: argparse.Namespace) -> int:
    from generator.office.backup import backup
    from generator.office.folder import Office

    snapshot = backup(Office(args.office_dir), args.file)
    print(f"已写入 {args.file}：数据仓库（最新提交 {snapshot.head[:10]}）、{snapshot.users} 个账号、{snapshot.audit_entries} 条审计日志")
    return 0


def _restore(args: argparse.Namespace) -> int:
    from generator.office.backup import restore

    snapshot = restore(args.file, args.folder)
    print(f"已恢复到 {args.folder}：数据仓库（最新提交 {snapshot.head[:10]}）、{snapshot.users} 个账号、{snapshot.audit_entries} 条审计日志；"
          f"启动：{advice.command(f'serve --office --office-dir {args.folder}')}")
    return 0


def _collect(args: argparse.Namespace) -> int:
    from generator.commands.forms import text_table
    from generator.commands.forms.collect import collect
    from generator.pipeline import open_report

    loaded = open_report(args.data)
    collected = collect(loaded, args.output or Path("forms") / str(loaded.report.meta.year))
    for note in collected.notes:
        print(f"提示：{note}", file=sys.stderr)
    print(text_table(collected.lines()), end="")
    print(f"共 {len(collected.forms)} 个单位、{sum(count for _, count, _ in collected.forms)} 项数字；单位名单已写入 {collected.units_csv}")
    return 0


def _merge(args: argparse.Namespace) -> int:
    from generator.commands.forms.merge import merge
    from generator.pipeline.loader import load

    print(merge(args.data, load(args.data), args.forms, args.dry_run).summary(), end="")
    return 0


def _absorb(args: argparse.Namespace) -> int:
    from generator.commands.absorb import absorb

    outcome = absorb(args.data, args.docx, args.accept_changes, args.dry_run)
    print("\n".join(outcome.lines()))
    if outcome.problems:
        print("\n".join(outcome.problem_lines()), file=sys.stderr)
        return 2
    return 0


class _Parser(argparse.ArgumentParser):
    """argparse with its help option in Chinese."""

    def __init__(self, **kwargs: object) -> None:
        super().__init__(add_help=False, **kwargs)  # type: ignore[arg-type]
        self.add_argument("-h", "--help", action="help", help="显示本帮助并退出")


def parser() -> argparse.ArgumentParser:
    top = _Parser(prog=advice.LAUNCHER, description="由 data/<年份>.yaml 生成年度法治政府建设情况报告（DOCX、PDF、HTML、TXT）。")
    commands = top.add_subparsers(dest="command", required=True, metavar="命令", title="命令", parser_class=_Parser)

    build = commands.add_parser("build", help="把数据文件生成 DOCX、PDF、HTML 和 TXT", description="把数据文件生成 DOCX、PDF、HTML 和 TXT。")
    build.add_argument("data", type=Path, nargs="+",
                       help="数据文件，例如 data/2024.yaml；可以写几个文件或文件夹（文件夹指其中及其子文件夹中的 <年份>.yaml），一次全部生成")
    build.add_argument("-o", "--output", type=Path,
                       help="输出文件夹（默认 out/<年份>/；生成几份报告时，每份写入 输出文件夹/<数据文件所在的子文件夹>/<年份>/，默认 out/）")
    build.add_argument("--format", default="docx,pdf,html,txt", help="要生成的格式，用逗号分隔（默认 docx,pdf,html,txt）")
    build.add_argument("--layout", help="版式配置的名称或文件（默认取数据中的 meta.layout，否则为 gbt9704）")
    build.add_argument("--edition", choices=("web", "formal"), default="web",
                       help="web：网站公开版（默认）；formal：带版头和版记的正式公文，需要数据中的 meta.formal")
    build.set_defaults(run=_build)

    check = commands.add_parser("check", help="校验数据、校对报告；有错误时退出码为 1", description="校验数据、校对报告。有错误时退出码为 1，数据文件无法读取时为 2。")
    check.add_argument("data", type=Path, help="数据文件，例如 data/2025.yaml")
    check.add_argument("--format", choices=("text", "json"), default="text", help="text 给人看，json 给程序读")
    check.add_argument("--pages", action="store_true", help="另外排出 PDF，检查版面：段落末行单独排在页首、末行只有一个字（多用约一秒）")
    check.add_argument("--edition", choices=("web", "formal"), default="web", help="与 --pages 同用：检查哪个版本的版面（默认 web）")
    check.add_argument("--menu", type=Path, help="细化的报告要点文件，列出报告没有写到的要点，例如 templates/menus/example.yaml")
    check.set_defaults(run=_check)

    draft = commands.add_parser("draft", help="由上一年度的数据文件起草新一年的数据文件", description="由最近一个较早年度的数据文件起草新一年的数据文件；已存在的文件绝不覆盖。")
    draft.add_argument("year", type=_year, nargs="?", help="要起草的年份，例如 2025（不写时为最新数据文件的下一年；最新的文件还有待填的数据时不起草）")
    draft.add_argument("--data-dir", type=Path, default=Path("data"), help="存放 <年份>.yaml 的文件夹（默认 data）")
    draft.set_defaults(run=_draft)

    compare = commands.add_parser("compare", help="两个年度的全部数据对照：屏幕表格、CSV 和 DOCX", description="两个年度的全部数据对照：屏幕表格、CSV 和 DOCX。")
    compare.add_argument("last", type=Path, help="上一年度的数据，例如 data/2024.yaml")
    compare.add_argument("this", type=Path, help="本年度的数据，例如 data/2025.yaml")
    compare.add_argument("-o", "--output", type=Path, help="输出文件夹（默认 out/<本年度>/）")
    compare.set_defaults(run=_compare)

    bodies = commands.add_parser("compare-bodies", help="同一年度几个单位（部门、乡镇）的数据对照：屏幕表格、CSV 和 DOCX",
                                 description="把同一年度几个单位（政府部门、乡镇街道等）的数据文件中的全部数字排成一张对照表：屏幕表格、CSV 和 DOCX。")
    bodies.add_argument("data", type=Path, nargs="+", help="各单位同一年度的数据文件，例如 部门/市场监管局-2024.yaml 乡镇/某某镇-2024.yaml")
    bodies.add_argument("-o", "--output", type=Path, help="输出文件夹（默认 out/<年度>/）")
    bodies.set_defaults(run=_compare_bodies)

    diff = commands.add_parser("diff", help="本年度报告与上年度的修订对照稿（Word 修订）和网页", description="本年度报告与上年度相比的修订对照稿：DOCX 中每处改动都是 Word 修订，另附网页版。")
    diff.add_argument("old", type=Path, help="上一年度的数据，例如 data/2024.yaml")
    diff.add_argument("new", type=Path, help="本年度的数据，例如 data/2025.yaml")
    diff.add_argument("-o", "--output", type=Path, help="输出文件夹（默认 out/<本年度>/）")
    diff.add_argument("--author", type=_short_text, help="记在每处修订上的修订人（默认为本年度报告的发文机关）")
    diff.add_argument("--date", type=_date, help="记在每处修订上的时间，例如 2026-01-15（默认为当前时间）")
    diff.add_argument("--layout", help="版式配置的名称或文件")
    diff.set_defaults(run=_diff)

    importer = commands.add_parser("import", help="由已发布的报告（.txt、.docx、.pdf 或网页）生成数据文件", description="由已发布的报告（.txt、.docx、.pdf 或保存的网页 .html）生成数据文件，生成的数据能还原出原文。原文没有写明的，可用下面的选项说明。")
    importer.add_argument("source", type=Path, help="报告的文件，例如 报告.txt、报告.docx、报告.pdf、报告.html")
    importer.add_argument("-o", "--output", type=Path, help="要写入的数据文件（默认 data/<年份>.yaml）")
    importer.add_argument("--force", action="store_true", help="数据文件已存在时覆盖它")
    importer.add_argument("--title", type=_short_text, help="报告的标题（原文没有标题时），例如 某县人民政府关于2024年度法治政府建设情况的报告")
    importer.add_argument("--year", type=_year, help="报告所属的年度（原文没有写明时），例如 2024")
    importer.add_argument("--region", type=_short_text, help="地区（meta.region），例如 某县")
    importer.add_argument("--issuer", type=_short_text, help="发文机关（meta.issuer），例如 某县人民政府")
    importer.set_defaults(run=_import)

    rename = commands.add_parser("rename", help="给数字改名：figures 中的名称和正文、公式中的每处引用一并改好",
                                 description="给数字改名：figures 中的名称和正文、公式中的每处引用一并改好；注释和格式不变，报告的文字必须与改名前完全相同，否则不改动文件。")
    rename.add_argument("data", type=Path, help="数据文件，例如 data/2025.yaml")
    rename.add_argument("old", help="数字现在的名称，例如 受理")
    rename.add_argument("new", help="新名称，例如 行政复议受理")
    rename.set_defaults(run=_rename)

    serve = commands.add_parser("serve", help="在浏览器中审阅：各年度报告、检查结果和下载，保存后自动更新", description="在浏览器中审阅各年度报告、检查结果和下载文件；数据文件一保存，页面随之更新。")
    serve.add_argument("--host", default="127.0.0.1", help="监听地址（默认 127.0.0.1，仅本机可访问；0.0.0.0 为整个网络）")
    serve.add_argument("--port", type=_port, default=8000, help="端口（默认 8000）")
    serve.add_argument("--data-dir", type=Path, default=Path("data"), help="存放 <年份>.yaml 的文件夹（默认 data）")
    serve.add_argument("--out-dir", type=Path, default=Path("out"), help="生成下载文件的位置，每年一个 <年份>/ 文件夹（默认 out）")
    serve.set_defaults(run=_serve)

    # The office server (docs/office.md): `serve --office`, accounts, history, audit, backups.
    serve.add_argument("--office", action="store_true", help="办公室模式：账号登录、各单位在浏览器中填报、每次修改都有记录（见 docs/office.md）")
    serve.add_argument("--bind", default="127.0.0.1", help="与 --office 同用：监听地址（默认 127.0.0.1，仅本机；内网使用时写本机的内网 IP）")
    _office_dir_option(serve)
    users = commands.add_parser("users", help="办公室模式的账号：建立、列出、改密码、停用", description="办公室模式的账号。第一个账号应为管理员。")
    user_actions = users.add_subparsers(dest="action", required=True, metavar="操作", title="操作", parser_class=_Parser)
    for action, text in (("add", "建立账号"), ("list", "列出全部账号"), ("passwd", "修改密码"), ("disable", "停用账号")):
        sub = user_actions.add_parser(action, help=text, description=text + "。")
        if action != "list":
            sub.add_argument("name", type=_short_text, help="账号名，例如 wangfang 或 王芳")
        if action == "add":
            sub.add_argument("--role", required=True, choices=("管理员", "经办人", "审核人", "填报员"), help="角色")
            sub.add_argument("--unit", type=_short_text, help="所属单位，填报员必填，与数据文件中数字的 from: 相同，例如 区司法局")
        if action in ("add", "passwd"):
            sub.add_argument("--password-stdin", action="store_true", help="从标准输入读取密码（第一行），不提示输入")
        _office_dir_option(sub)
    users.set_defaults(run=_users)
    history = commands.add_parser("history", help="办公室数据仓库中某个数据文件的修改记录：谁、何时、改了什么", description="列出数据文件的每次修改：时间、修改人、内容，最新的在前。")
    history.add_argument("data", type=Path, help="办公室数据仓库中的数据文件，例如 office/data/2025.yaml")
    history.set_defaults(run=_history)
    audit = commands.add_parser("audit", help="检查审计日志的哈希链", description="审计日志每条都记着上一条的哈希；verify 逐条核对，报告第一条有误的记录。")
    audit_actions = audit.add_subparsers(dest="action", required=True, metavar="操作", title="操作", parser_class=_Parser)
    verify = audit_actions.add_parser("verify", help="逐条核对哈希链", description="逐条核对审计日志的哈希链；有误时退出码为 1。")
    _office_dir_option(verify)
    audit.set_defaults(run=_audit)
    backup = commands.add_parser("backup", help="把办公室文件夹备份为一个 ZIP 文件（服务运行时也可以）", description="备份数据仓库（含全部修改记录）、账号、审计日志和设置；服务运行时也能得到一致的快照。")
    backup.add_argument("file", type=Path, help="备份文件，例如 备份-20260115.zip")
    _office_dir_option(backup)
    backup.set_defaults(run=_backup)
    restore = commands.add_parser("restore", help="由备份文件恢复到一个空文件夹", description="由 backup 生成的 ZIP 文件恢复出完整的办公室文件夹；只写入空文件夹或新文件夹。")
    restore.add_argument("file", type=Path, help="备份文件，例如 备份-20260115.zip")
    restore.add_argument("folder", type=Path, help="要恢复到的空文件夹，例如 office-恢复")
    restore.set_defaults(run=_restore)

    collect = commands.add_parser("collect", help="为每个填报单位生成数据填报表（XLSX）", description="按数字的 from（填报单位）为每个单位生成一份数据填报表（XLSX），并列出单位名单；由公式计算的数字不需填报。")
    collect.add_argument("data", type=Path, help="数据文件，例如 data/2025.yaml")
    collect.add_argument("-o", "--output", type=Path, help="输出文件夹（默认 forms/<年份>/）")
    collect.set_defaults(run=_collect)

    merge = commands.add_parser("merge", help="把交回的数据填报表合并进数据文件", description="把各单位交回的数据填报表合并进数据文件：先检查全部表格，有错误时不改动任何文件。")
    merge.add_argument("data", type=Path, help="数据文件，例如 data/2025.yaml")
    merge.add_argument("forms", type=Path, nargs="+", help="交回的填报表（.xlsx），或存放它们的文件夹")
    merge.add_argument("--dry-run", action="store_true", help="只列出将要写入的数字，不改动数据文件")
    merge.set_defaults(run=_merge)

    absorb = commands.add_parser("absorb", help="把审阅后的 DOCX 中的改动写回数据文件", description="把审阅后的 DOCX 与数据文件生成的报告逐段比较，把每处改动写回数据文件中它的出处；注释和格式保持原样。有改动找不到出处时不改动任何文件。")
    absorb.add_argument("data", type=Path, help="数据文件，例如 data/2025.yaml")
    absorb.add_argument("docx", type=Path, help="审阅后保存的 Word 文档，例如 审阅稿.docx")
    absorb.add_argument("--accept-changes", action="store_true", help="接受审阅稿中全部未处理的修订后再写回")
    absorb.add_argument("--dry-run", action="store_true", help="只列出将要写回的改动，不改动任何文件")
    absorb.set_defaults(run=_absorb)
    return top


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        return int(args.run(args))
    except (DataError, EngineError) as error:
        print(f"错误：{error}", file=sys.stderr)
        return 2
    except OSError as error:
        print(f"错误：{errors.describe_os_error(error)}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
