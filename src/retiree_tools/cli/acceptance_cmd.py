"""`retiree-tools acceptance-report`: reconcile assigned files against targets, deadlines, roster."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from retiree_tools.cli.common import (
    Fmt,
    FormatOpt,
    Lang,
    LangOpt,
    PolicyOpt,
    QuietOpt,
    ShowPiiOpt,
    VerboseOpt,
    console,
    guarded,
    plain,
    print_json,
    skipped_notice,
    table,
)
from retiree_tools.cli.help import HelpCommand

STYLES = {"break": "bold magenta", "overdue": "bold red", "behind": "red", "over-target": "yellow",
          "on-track": "cyan", "met": "green"}


def register(app: typer.Typer) -> None:
    app.command("acceptance-report", cls=HelpCommand)(acceptance_report)


@guarded
def acceptance_report(
    paths: Annotated[list[Path] | None, typer.Argument(
        metavar="分配结果", show_default=False,
        help="assign 写出的分配结果（.xlsx/.csv）或放它们的目录；用 --db 时不写。Assigned files written by assign, "
        "or directories (none with --db).")] = None,
    targets: Annotated[Path | None, typer.Option(
        "--targets", "-t", metavar="文件",
        help="验收目标（csv/xlsx：范围、代码、目标人数、截止日期，可选达标率）。Targets: scope, key, target, deadline, min_rate.")] = None,
    roster: Annotated[Path | None, typer.Option(
        "--roster", metavar="文件",
        help="应移交人员名册（身份证号、姓名、移交单位），用来找出缺少的和名单外的人。Expected people, to name who is missing.")] = None,
    as_of: Annotated[str | None, typer.Option(
        "--as-of", metavar="日期",
        help="按这一天判断是否逾期（默认今天），如 2026-11-23 或 2026年11月23日。Judge deadlines on this date.")] = None,
    min_rate: Annotated[str | None, typer.Option(
        "--min-rate", metavar="比例",
        help="目标未写达标率时的默认值：1、0.95 或 95%（默认取政策 [acceptance] min_rate，100%）。Default threshold.")] = None,
    output: Annotated[list[Path] | None, typer.Option(
        "--output", "-o", metavar="文件",
        help="写出报告 .xlsx 和/或 .html（可写两次）。Write report.xlsx and/or report.html (may be given twice).")] = None,
    max_rows: Annotated[int | None, typer.Option(
        "--max-rows", metavar="行数", show_default=False,
        help="终端每张表最多显示的行数（默认：汇总 10，--verbose 40）。Rows per terminal table (default 10; 40 with --verbose).")] = None,
    db: Annotated[str | None, typer.Option(
        "--db", metavar="台账",
        help="从台账（submit 记入的现行报送）核对，并加上按周的交接进度；目标默认用台账中的。"
        "Reconcile the ledger's current submissions instead of files, with weekly handover progress.")] = None,
    verbose: VerboseOpt = False,
    policy: PolicyOpt = None,
    lang: LangOpt = Lang.zh,
    fmt: FormatOpt = Fmt.table,
    show_pii: ShowPiiOpt = False,
    quiet: QuietOpt = False,
) -> None:
    """移交验收报告：按移交单位、区县和接收单位核对人数，对照目标和截止日期。
    Reconcile handed-over counts per enterprise, county and receiving unit against targets and deadlines.

    每行：目标、名单人数、已移交、不移交、待核实、退回、缺少、移交率和状态（已达标、进度正常、落后、
    逾期未完成、超出目标、核对不平）。Per row: counts, rate and status.

    退出码 Exit codes：0 目标均已达标或进度正常，且无核对不平和重复 all met or on track；
    1 其他情况 otherwise (a scheduled script can alert)；2 用法或输入错误（如目标文件有误）usage or input error.

    示例 Examples:

    \b
      retiree-tools acceptance-report out/assigned.xlsx --targets samples/targets.csv -o out/acceptance.html
      retiree-tools acceptance-report out/ --targets samples/targets.csv --roster samples/roster.csv --as-of 2026-11-23
      retiree-tools acceptance-report --db out/ledger.sqlite -o out/acceptance.html
    """
    from retiree_tools import scan_paths, tr
    from retiree_tools.cli.common import files_or_db

    files_or_db(paths, db)
    if db is not None:
        from retiree_tools.ledger.acceptance import acceptance_from_ledger

        report = acceptance_from_ledger(db, targets=targets, roster=roster, as_of=as_of, min_rate=min_rate,
                                        lang=lang.value, policy=policy, outputs=list(output or []))
    else:
        from retiree_tools import acceptance_report as build

        report = build(paths, targets=targets, roster=roster, as_of=as_of, min_rate=min_rate, lang=lang.value,
                       policy=policy, outputs=list(output or []))
    if fmt is Fmt.json:
        print_json(report.to_dict(show_pii=show_pii))
    if not quiet:
        if paths:
            skipped_notice([s.to_dict(lang.value) for s in scan_paths(paths, "assigned").skipped], lang.value)
        rows = max_rows if max_rows is not None else (40 if verbose else 10)
        render(report, lang.value, show_pii, rows, verbose)
        if report.progress is not None:
            _progress_line(report.progress, lang.value)
        for out in report.written:
            console().print(plain(tr("cli.written", lang.value, path=out)))
    raise typer.Exit(report.exit_code)


_SETTLED = ("met", "on-track")


def render(report, lang: str, show_pii: bool, max_rows: int, verbose: bool = False) -> None:
    """Totals, one table per scope (worst first), the people lists, then the verdict. By
    default the receiving-unit table lists only the units that are not met or on track and the
    people lists are one line of counts; ``verbose`` shows them all (up to ``max_rows``)."""

    label, rate_text = report.label, report.rate_text
    con = console()  # 160 columns wide in a log or a pipe (common.console), the terminal's on a terminal
    t = report.totals
    fields = ["listed", "assigned", "excluded", "review", "rejected", "unknown", "duplicates", "people"]
    if t.target is not None:
        fields += ["target", "missing", "unexpected"]
    values = [*(str(getattr(t, f)) for f in fields), rate_text(t.rate)]
    names = [label("roster_target" if f == "target" else f, lang) for f in [*fields, "rate"]]
    con.print(plain(f"{label('title', lang)} · {label('as_of', lang)} {report.as_of}"), style="bold")
    con.print(plain("  ".join(f"{n} {v}" for n, v in zip(names, values, strict=True))))
    if t.excluded_by_reason:
        reasons = {(k if verbose else _short_reason(k)): v for k, v in t.excluded_by_reason.items()}
        con.print(plain(f"{label('excluded_by_reason', lang)}：" + "；".join(f"{k} {v}" for k, v in reasons.items())))
    for scope in report.SCOPES:
        rows = report.rows_of(scope)
        settled = 0
        if not verbose and scope == report.SCOPES[-1]:  # the many receiving units: the open ones
            settled = sum(r.status in _SETTLED for r in rows)
            # the people no unit receives are the county table's — row too (— (无)): said once
            rows = [r for r in rows if r.status not in _SETTLED and r.key != NONE_KEY]
        if not rows:
            if settled:
                con.print(plain(label("all_settled", lang, scope=label(scope, lang), n=settled)))
            continue
        # short headers, one space between columns: the table fits 100 columns; the enterprise's
        # 18-character credit code only with --verbose (the report files always have it)
        tbl = table(label(scope, lang))
        cols = ["key", "name", "target", "listed", "assigned", "excluded", "review", "rejected", "missing", "rate", "deadline", "status"]
        if scope == "enterprise" and not verbose:
            cols.remove("key")
        for c in cols:
            text_col = c in ("key", "name", "deadline", "status")
            tbl.add_column(label(f"short.{c}", lang), justify="left" if text_col else "right",
                           overflow="fold", no_wrap=c not in ("key", "name"))
        for r in rows[:max_rows]:
            cell = {"key": "—" if r.key == NONE_KEY else r.key, "name": r.name or "", "target": _n(r.target), "listed": str(r.listed),
                    "assigned": str(r.assigned), "excluded": str(r.excluded), "review": str(r.review),
                    "rejected": str(r.rejected), "missing": _n(r.missing), "rate": rate_text(r.rate),
                    "deadline": r.deadline or "—", "status": label(r.status, lang)}
            tbl.add_row(*[plain(cell[c]) for c in cols], style=STYLES[r.status] if r.status != "met" else None)
        con.print(tbl)
        if len(rows) > max_rows:
            con.print(plain(label("more", lang, n=len(rows) - max_rows)))
        if settled:
            con.print(plain(label("settled_hidden", lang, n=settled)), style="dim")
    if not verbose:
        counts = [(key, len(people)) for key, people in (("missing_people", report.missing_people),
                                                          ("unexpected_people", report.unexpected_people),
                                                          ("duplicate_people", report.duplicates)) if people]
        if counts:
            con.print(plain("；".join(f"{label(k, lang)} {n}" for k, n in counts) + label("people_see", lang)),
                      style="yellow")
    else:
        _people_tables(con, report, lang, show_pii, max_rows)
    if report.breaks:
        tbl = table(label("breaks", lang))
        for c in ("kind", "scope", "key", "listed", "counted", "values"):
            tbl.add_column(label(c, lang), overflow="fold")
        for b in report.breaks:
            tbl.add_row(*[plain(c) for c in (label(b.kind, lang), label(b.scope, lang), b.key, str(b.listed), str(b.counted),
                                               "；".join(f"{k} {v}" for k, v in b.values.items()))], style="magenta")
        con.print(tbl)
    con.print(plain(f"{label('verdict', lang)}：{label('verdict_ok' if report.met else 'verdict_fail', lang)}"),
              style="bold green" if report.met else "bold red")


def _progress_line(progress, lang: str) -> None:
    """--db: handed over so far against the people expected, and the next deadline."""
    label = lambda k, **p: __import__("retiree_tools").tr(f"acceptance.{k}", lang, **p)  # noqa: E731
    con = console()
    last = progress.weeks[-1] if progress.weeks else None
    con.print(plain(label("progress_line", n=progress.handed_over, expected=progress.expected,
                          rate="—" if progress.rate is None else f"{progress.rate * 100:.1f}%",
                          week=last.week if last else "—", last=last.handed_over if last else 0)), style="bold")
    for d in progress.deadlines:
        con.print(plain(label("progress_deadline", date=d.date, due=d.due)))


NONE_KEY = "(none)"  # acceptance.report.NONE_KEY: the people no unit receives (shown as —)


def _short_reason(reason: str) -> str:
    """An exclusion reason without its closing citation (（《…》…）): the summary line stays
    short; --verbose and the report files keep the whole reason."""
    text = reason.rstrip()
    if text.endswith(("）", ")")):
        for i, ch in enumerate(text):
            if ch in "（(" and any(mark in text[i:] for mark in "《〔"):
                return text[:i].rstrip() or reason
    return reason


def _people_tables(con, report, lang: str, show_pii: bool, max_rows: int) -> None:
    """--verbose: who is missing, who is unexpected, which ID numbers repeat."""
    label, status_label = report.label, report.status_label
    _people(con, report, "missing_people", report.missing_people, lang, show_pii, max_rows,
            ("id_number", "name", "enterprise", "line", "reason"))
    _people(con, report, "unexpected_people", report.unexpected_people, lang, show_pii, max_rows,
            ("id_number", "name", "enterprise", "status", "file", "row", "reason"))
    if report.duplicates:
        tbl = table(label("duplicate_people", lang))
        for c in ("id_number", "person_name", "count", "file"):
            tbl.add_column(label(c, lang), overflow="fold")
        for d in report.duplicates[:max_rows]:
            where = "；".join(f"{o.enterprise or ''} {_base(o.file)}:{o.row or ''} {status_label(o.status, lang)}" for o in d.occurrences)
            tbl.add_row(*[plain(c) for c in (d.to_dict(show_pii)["id_number"], d.name or "", str(d.count), where)], style="yellow")
        con.print(tbl)


def _base(path: str | None) -> str:
    """A source file's name without its directories (the terminal is narrow)."""
    return path.replace("\\", "/").rsplit("/", 1)[-1] if path else ""


def _n(v: int | None) -> str:
    return "—" if v is None else str(v)


def _people(con, report, key: str, people: list, lang: str, show_pii: bool, max_rows: int, fields: tuple[str, ...]) -> None:

    label, status_label = report.label, report.status_label

    if not people:
        return
    tbl = table(f"{label(key, lang)}（{len(people)}）")
    for f in fields:
        tbl.add_column(label("person_name" if f == "name" else f, lang), overflow="fold")
    for p in people[:max_rows]:
        d = p.to_dict(show_pii)
        d["status"] = status_label(d.get("status"), lang)
        d["reason"] = label(d["reason"], lang) if d.get("reason") else ""
        d["file"] = _base(d.get("file"))
        tbl.add_row(*[plain("" if d.get(f) is None else d[f]) for f in fields])
    con.print(tbl)
    if len(people) > max_rows:
        con.print(plain(label("more", lang, n=len(people) - max_rows)))


__all__ = ["register", "acceptance_report", "render"]
