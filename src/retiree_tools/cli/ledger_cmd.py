"""The campaign ledger's commands: ``submit``, ``handover``, ``status`` and ``ledger init | export
| history``."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from retiree_tools.cli.common import (
    ColumnsOpt,
    CreditCodeOpt,
    EnterpriseOpt,
    Fmt,
    FormatOpt,
    Lang,
    LangOpt,
    QuietOpt,
    SheetOpt,
    ShowPiiOpt,
    VerboseOpt,
    console,
    fatal_lines,
    guarded,
    plain,
    print_json,
    progress_bar,
    skipped_notice,
    table,
    with_error,
)
from retiree_tools.cli.help import HelpCommand, HelpGroup

DbOpt = Annotated[str | None, typer.Option(
    "--db", metavar="台账",
    help="台账：SQLite 文件路径或 postgresql://用户@主机/库（默认取环境变量 RETIREE_TOOLS_DB，"
    "否则当前目录的 retiree-ledger.sqlite）。The ledger: a SQLite file or a postgresql:// URL "
    "(default: $RETIREE_TOOLS_DB, else ./retiree-ledger.sqlite).")]

ledger_app = typer.Typer(name="ledger", cls=HelpGroup, no_args_is_help=True, add_completion=False,
                         pretty_exceptions_enable=False, rich_markup_mode=None,
                         help="移交工作台账：建立台账、导出接收单位基本信息台账、查看操作记录。\n"
                         "The campaign ledger: create it, export a unit's basic-information ledger, show its history.")


def register(app: typer.Typer) -> None:
    app.command("submit", cls=HelpCommand)(submit)
    app.command("handover", cls=HelpCommand)(handover)
    app.command("status", cls=HelpCommand)(status)
    ledger_app.command("init", cls=HelpCommand)(init)
    ledger_app.command("export", cls=HelpCommand)(export)
    ledger_app.command("history", cls=HelpCommand)(history)
    app.add_typer(ledger_app, name="ledger")


def _t(key: str, lang: str, **params: object) -> str:
    from retiree_tools import tr

    return tr(f"ledger.{key}", lang, **params)


# ---------------------------------------------------------------------------------------------
# ledger init | export | history
# ---------------------------------------------------------------------------------------------

@guarded
def init(
    catalog: Annotated[Path | None, typer.Option(
        "--catalog", metavar="目录文件",
        help="接收地区目录（新建台账时必填；以后再给则更新，旧目录留作记录）。Receiving-jurisdiction catalogue "
        "(required for a new ledger; given again it replaces the one in force, the old one kept).")] = None,
    policy: Annotated[Path | None, typer.Option(
        "--policy", metavar="TOML", help="本地政策文件（默认用内置政策）。A locality's policy TOML.")] = None,
    targets: Annotated[Path | None, typer.Option(
        "--targets", "-t", metavar="文件",
        help="验收目标（status 据此列出未报送的企业，acceptance-report --db 默认用它）。Acceptance targets.")] = None,
    db: DbOpt = None,
    lang: LangOpt = Lang.zh,
    fmt: FormatOpt = Fmt.table,
    quiet: QuietOpt = False,
) -> None:
    """建立台账，或更新其中的接收地区目录、政策和验收目标。
    Create the ledger, or update the catalogue, policy and targets it holds.

    每个文件先按各命令的规则校验，再连同文件名、哈希、操作人和时间存入台账；同一文件再载入不改动台账。
    Each file is checked, then stored with its name, hash, user and time; loading the same file again changes nothing.

    退出码 Exit codes：0 完成 done；2 用法或输入错误 usage or input error.

    示例 Examples:

    \b
      retiree-tools ledger init --catalog samples/catalog.csv --targets samples/targets.csv --db out/ledger.sqlite
      retiree-tools ledger init --catalog 新目录.xlsx --db postgresql://退管中心@dbhost/retirees
    """
    from retiree_tools.ledger.documents import init_ledger

    lg = lang.value
    result = init_ledger(db, catalog, policy, targets, lg)
    if fmt is Fmt.json:
        print_json(result.to_dict())
    if not quiet:
        con = console()
        con.print(plain(_t("created" if result.created else "opened", lg, name=result.ledger)), style="bold")
        for d in result.loaded:
            kind = _t(f"kind.{d['kind']}", lg)
            s = d["summary"]
            summary = (_t("units", lg, n=s["units"]) if "units" in s else
                       _t("targets_rows", lg, n=s["targets"]) if "targets" in s else d["sha256"][:12])
            key = "document_loaded" if d["changed"] else "document_same"
            con.print(plain(_t(key, lg, kind=kind, file=d["file"], summary=summary)))
    raise typer.Exit(0)


@guarded
def export(
    output: Annotated[Path, typer.Option(
        "--output", "-o", metavar="文件.xlsx", help="写出的台账工作簿。The workbook to write.")],
    unit: Annotated[str | None, typer.Option(
        "--unit", metavar="单位代码",
        help="只导出这个接收单位（默认：每个接收单位一张工作表）。Only this receiving unit (default: every unit, one sheet each).")] = None,
    db: DbOpt = None,
    lang: LangOpt = Lang.zh,
    fmt: FormatOpt = Fmt.table,
    quiet: QuietOpt = False,
) -> None:
    """导出接收单位的管理服务对象基本信息台账（禄政通〔2006〕101号第十条(三)）。
    Export the basic-information ledger of the people a receiving unit takes over.

    每个接收单位一张工作表：姓名、身份证号码、原工作单位、户籍和居住地、联系电话、党组织关系、交接日期等；
    A4 横向打印，表头每页重复。One sheet per unit, A4 landscape, header on every page.

    退出码 Exit codes：0 已写出 written；2 用法或输入错误 usage or input error.

    示例 Examples:

    \b
      retiree-tools ledger export --unit 321002001000 -o out/东关街道台账.xlsx --db out/ledger.sqlite
      retiree-tools ledger export -o out/基本信息台账.xlsx --db out/ledger.sqlite
    """
    from retiree_tools.ledger.export import export_units

    lg = lang.value
    result = export_units(db, output, unit, lg)
    if fmt is Fmt.json:
        print_json(result)
    if not quiet:
        console().print(plain(_t("export_written", lg, path=result["path"], units=len(result["units"]),
                                 people=result["people"])))
    raise typer.Exit(0)


@guarded
def history(
    limit: Annotated[int | None, typer.Option(
        "--limit", metavar="条数", help="只显示最近的若干条（默认全部）。Only the latest N entries.")] = None,
    db: DbOpt = None,
    lang: LangOpt = Lang.zh,
    fmt: FormatOpt = Fmt.table,
    quiet: QuietOpt = False,
) -> None:
    """台账操作记录：每次建立、载入目录、报送、替换、交接，含时间、操作人、文件哈希和人数。
    The ledger's audit trail: every init, catalogue change, submit, supersede and handover.

    退出码 Exit codes：0；2 用法或输入错误 usage or input error.

    示例 Examples:

    \b
      retiree-tools ledger history --db out/ledger.sqlite
      retiree-tools ledger history --limit 20 --format json
    """
    from retiree_tools.ledger.engine import open_ledger
    from retiree_tools.ledger.query import history as read_history

    lg = lang.value
    ledger = open_ledger(db)
    try:
        with ledger.read() as conn:
            rows = read_history(conn, limit)
    finally:
        ledger.close()
    if fmt is Fmt.json:
        print_json({"ledger": ledger.name, "events": rows})
    if not quiet:
        tbl = table(_t("history_title", lg))
        for k in ("at", "user", "action", "enterprise", "file", "detail"):
            tbl.add_column(_t(f"col.{k}", lg), overflow="fold")
        for r in rows:
            detail = "，".join(f"{_detail_key(k, lg)} {v}" for k, v in r["detail"].items() if v is not None)
            tbl.add_row(plain(r["at"]), plain(r["user"]), plain(_t(f"action.{r['action']}", lg)),
                        plain(r["enterprise"] or ""), plain(r["file"] or ""), plain(detail))
        console().print(tbl)
    raise typer.Exit(0)


def _detail_key(key: str, lg: str) -> str:
    """A word for a key of an audit row's counts (the JSON keeps the keys)."""
    from retiree_tools import tr
    from retiree_tools.texts import has

    for k in (f"status.{key}", f"ledger.col.{key}", f"ledger.detail.{key}"):
        if has(k):
            return tr(k, lg)
    return key


# ---------------------------------------------------------------------------------------------
# submit
# ---------------------------------------------------------------------------------------------

@guarded
def submit(
    paths: Annotated[list[Path], typer.Argument(
        metavar="文件", show_default=False,
        help="移交表（与 validate 读法相同）或放移交表的目录。Transfer workbooks (as validate reads them) or directories.")],
    db: DbOpt = None,
    sheet: SheetOpt = None,
    enterprise: EnterpriseOpt = None,
    credit_code: CreditCodeOpt = None,
    columns: ColumnsOpt = None,
    max_rows: Annotated[int | None, typer.Option(
        "--max-rows", metavar="行数", show_default=False,
        help="终端上列出的重复人员数（默认 10，--verbose 50）。Duplicates listed (default 10; 50 with --verbose).")] = None,
    verbose: VerboseOpt = False,
    lang: LangOpt = Lang.zh,
    fmt: FormatOpt = Fmt.table,
    show_pii: ShowPiiOpt = False,
    quiet: QuietOpt = False,
) -> None:
    """报送：校验并分配移交表（与 validate + assign 相同），把每份名册连同每个人记入台账。
    Submit: validate and assign workbooks exactly as validate + assign do, and record them in the ledger.

    同一文件再报送，台账不变并说明；同一企业（同一工作表）的新报送替换前次（历史保留），并列出新增、
    删除和变动的人数；同一身份证号码出现在两个企业的现行报送中，两边都报告。
    The same file again changes nothing; a newer one supersedes the enterprise's earlier one (history kept);
    a person in two enterprises' current submissions is reported for both.

    退出码 Exit codes：0 已记入且人人已分配或按规定不移交 recorded, all settled；
    1 有待核实、退回补正、未记入的表或跨企业重复 review, rejected, a sheet not recorded or duplicates；
    2 用法或输入错误（此时台账不变）usage or input error (nothing recorded).

    示例 Examples:

    \b
      retiree-tools submit samples/enterprise_a.xlsx samples/enterprise_b.csv --db out/ledger.sqlite
      retiree-tools submit 收件目录/ --format json
    """
    from retiree_tools import Options, Prefetch, expand_paths
    from retiree_tools.ledger.submit import submit_paths

    lg = lang.value
    files = expand_paths(paths)
    head = Prefetch.start(files[0] if files else None, sheet)
    with progress_bar(lg, not quiet) as tick:
        opts = Options(sheet=sheet, enterprise=enterprise, credit_code=credit_code, lang=lg, prefetch=head,
                       columns=columns, progress=tick)
        result = submit_paths(paths, db, opts, people_json=fmt is Fmt.json, attention=0)
    if fmt is Fmt.json:
        print_json(with_error(result.to_dict(show_pii=show_pii), result.assign.fatal()))
    if not quiet:
        skipped_notice(result.assign.skipped, lg)
        rows = max_rows if max_rows is not None else (50 if verbose else 10)
        _render_submit(result, lg, show_pii, rows)
    if result.assign.fatal():
        fatal_lines(result.assign.fatal())
    raise typer.Exit(result.exit_code)


def _render_submit(result, lg: str, show_pii: bool, rows: int) -> None:
    from retiree_tools import tr

    con = console()
    s = result.assign.summary()
    con.print("  ".join(f"{tr(f'status.{k}', lg)} {v}" for k, v in s["by_status"].items()), style="bold")
    if result.submissions:
        tbl = table(_t("submit_title", lg))
        for k in ("enterprise", "file", "result", "people", "added", "removed", "changed", "duplicates"):
            tbl.add_column(_t(f"col.{k}", lg), justify="right" if k in ("people", "added", "removed", "changed",
                                                                         "duplicates") else "left", overflow="fold")
        for e in result.submissions:
            what = "unchanged" if e["unchanged"] else ("superseded" if e["supersedes"] else "new")
            c = e["changes"]
            tbl.add_row(plain(e["enterprise"] or ""), plain(e["file"] + (f"（{e['sheet']}）" if e["sheet"] else "")),
                        plain(_t(what, lg)), str(e["people"]), str(c["added"]), str(c["removed"]), str(c["changed"]),
                        str(e["duplicates"] + e["possible_duplicates"]),
                        style="dim" if e["unchanged"] else None)
        con.print(tbl)
    doc = result.to_dict(show_pii)
    if doc["duplicates"]:
        tbl = table(_t("duplicates_title", lg))
        for k in ("id", "name", "enterprises"):
            tbl.add_column(_t(f"col.{k}", lg), overflow="fold")
        for d in doc["duplicates"][:rows]:
            tbl.add_row(plain(d["id_number"] or ""), plain(d["name"] or ""), plain("、".join(d["enterprises"])),
                        style="yellow")
        con.print(tbl)
    if doc["possible_duplicates"]:
        tbl = table(_t("possible_title", lg))
        for k in ("name", "birth", "id", "enterprises"):
            tbl.add_column(_t(f"col.{k}", lg), overflow="fold")
        for d in doc["possible_duplicates"][:rows]:
            tbl.add_row(plain(d["name"]), plain(d["birth_date"]), plain("、".join(x or "" for x in d["id_numbers"])),
                        plain("、".join(d["enterprises"])), style="yellow")
        con.print(tbl)
    for n in result.not_recorded:
        con.print(plain(f"{Path(n['file']).name}{'（' + n['sheet'] + '）' if n['sheet'] else ''}: "
                        + "、".join(tr(f"finding.{c}.title", lg) for c in n["codes"])), style="red")
    if result.recorded:
        con.print(plain(_t("recorded", lg, name=result.ledger)))
    else:
        con.print(plain(_t("not_recorded", lg)), style="red")


# ---------------------------------------------------------------------------------------------
# handover
# ---------------------------------------------------------------------------------------------

@guarded
def handover(
    enterprise: Annotated[str, typer.Option(
        "--enterprise", metavar="名称", help="移交企业的名称或统一社会信用代码。The enterprise's name or credit code.")],
    date: Annotated[str, typer.Option(
        "--date", metavar="日期", help="交接（签字盖章）日期，如 2026-11-23。The date the forms were signed.")],
    unit: Annotated[str | None, typer.Option(
        "--unit", metavar="代码",
        help="只登记交给这个接收单位或区县的人（默认：该企业全部已分配人员）。Only this unit or county.")] = None,
    db: DbOpt = None,
    lang: LangOpt = Lang.zh,
    fmt: FormatOpt = Fmt.table,
    quiet: QuietOpt = False,
) -> None:
    """登记交接：某企业的移交表单已签字盖章，其已分配人员于某日交接。
    Record a handover: the enterprise's forms were signed and its assigned people handed over on a date.

    只登记该企业现行报送中状态为“移交”、尚未交接的人；重复登记不重复计数。
    Only people of the current submission with status assigned and not yet handed over are marked.

    退出码 Exit codes：0 已登记（或已全部交接）recorded；2 用法或输入错误（如企业不在台账中）usage or input error.

    示例 Examples:

    \b
      retiree-tools handover --enterprise 扬州市红旗机械厂 --date 2026-11-23 --db out/ledger.sqlite
      retiree-tools handover --enterprise 913210022790446408 --unit 321002001000 --date 2026-11-23
    """
    from retiree_tools.ledger.handover import record_handover

    lg = lang.value
    result = record_handover(db, enterprise, date, unit)
    if fmt is Fmt.json:
        print_json(result)
    if not quiet:
        where = f"{unit} " if unit else ""
        if result["handed_over"]:
            console().print(plain(_t("handed_over", lg, enterprise=result["enterprise"], unit=where,
                                     n=result["handed_over"], date=result["date"])))
        else:
            console().print(plain(_t("handover_none", lg, enterprise=result["enterprise"], unit=where,
                                     done=result["already"])), style="yellow")
    raise typer.Exit(0)


# ---------------------------------------------------------------------------------------------
# status
# ---------------------------------------------------------------------------------------------

@guarded
def status(
    targets: Annotated[Path | None, typer.Option(
        "--targets", "-t", metavar="文件",
        help="验收目标，用来列出还没报送的企业（默认用台账中载入的目标）。Targets, to list who has not submitted "
        "(default: the ledger's).")] = None,
    db: DbOpt = None,
    max_rows: Annotated[int | None, typer.Option(
        "--max-rows", metavar="行数", show_default=False,
        help="终端上列出的企业数（默认 20，--verbose 全部）。Enterprises listed (default 20; all with --verbose).")] = None,
    verbose: VerboseOpt = False,
    lang: LangOpt = Lang.zh,
    fmt: FormatOpt = Fmt.table,
    quiet: QuietOpt = False,
) -> None:
    """移交进度：每个企业的现行报送、报送时间和人数（错误、已分配、不移交、待核实、退回、已交接），
    未报送的企业和全部合计。
    Campaign progress: per enterprise its current submission and counts, who has not submitted, the totals.

    退出码 Exit codes：0 都已报送且无待处理 everyone submitted and settled；
    1 有未报送、待核实、退回或跨企业重复 someone missing, in review, rejected or duplicated；2 用法或输入错误.

    示例 Examples:

    \b
      retiree-tools status --db out/ledger.sqlite
      retiree-tools status --format json
    """
    from retiree_tools.ledger.status import campaign_status

    lg = lang.value
    doc = campaign_status(db, targets)
    if fmt is Fmt.json:
        print_json(doc)
    if not quiet:
        _render_status(doc, lg, max_rows if max_rows is not None else (None if verbose else 20))
    raise typer.Exit(doc["exit_code"])


_STATUS_COLS = ("people", "errors", "assigned", "excluded", "review", "rejected", "handed_over", "duplicates")


def _render_status(doc: dict, lg: str, rows: int | None) -> None:
    from retiree_tools import tr

    con = console()
    tbl = table(_t("status_title", lg))
    tbl.add_column(_t("col.enterprise", lg), overflow="fold")
    tbl.add_column(_t("col.submitted_at", lg), no_wrap=True)
    for k in _STATUS_COLS:
        head = tr(f"status.{k}", lg) if k in ("assigned", "excluded", "review", "rejected") else _t(f"col.{k}", lg)
        tbl.add_column(head, justify="right")
    ents = doc["enterprises"]
    for e in ents[:rows] if rows is not None else ents:
        tbl.add_row(plain(e["enterprise"] or e["enterprise_key"]), plain(e["submitted_at"][:10]),
                    *[str(e[k]) for k in _STATUS_COLS],
                    style="yellow" if e["review"] or e["rejected"] or e["duplicates"] else None)
    t = doc["totals"]
    tbl.add_row(plain(_t("total", lg)), "", *[str(t[k]) for k in _STATUS_COLS], style="bold")
    con.print(tbl)
    if rows is not None and len(ents) > rows:
        con.print(plain(tr("acceptance.more", lg, n=len(ents) - rows)), style="dim")
    if t["possible_duplicates"]:
        con.print(plain(_t("possible_line", lg, n=t["possible_duplicates"])), style="yellow")
    if doc["not_submitted"]:
        names = "、".join(n["name"] or n["key"] for n in doc["not_submitted"])
        con.print(plain(_t("not_submitted", lg, names=names)), style="red")


__all__ = ["register", "ledger_app"]
