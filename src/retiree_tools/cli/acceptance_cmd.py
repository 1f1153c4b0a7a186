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
    console,
    guarded,
    plain,
    print_json,
)

STYLES = {"break": "bold magenta", "overdue": "bold red", "behind": "red", "over-target": "yellow",
          "on-track": "cyan", "met": "green"}


def register(app: typer.Typer) -> None:
    app.command("acceptance-report")(acceptance_report)


@guarded
def acceptance_report(
    paths: Annotated[list[Path], typer.Argument(help="Assigned files written by `assign` (.xlsx/.csv) or directories of them.")],
    targets: Annotated[Path | None, typer.Option("--targets", "-t", help="Targets file (csv/xlsx): scope, key, target, deadline, optional min_rate.")] = None,
    roster: Annotated[Path | None, typer.Option("--roster", help="Expected people (ID number, name, enterprise): names who is missing and who is unexpected.")] = None,
    as_of: Annotated[str | None, typer.Option("--as-of", help="Judge deadlines on this date (default: today), e.g. 2025-06-30.")] = None,
    min_rate: Annotated[str | None, typer.Option("--min-rate", help="Default threshold where a target gives none: 1, 0.95 or 95% (default: the policy's [acceptance] min_rate, 100%).")] = None,
    output: Annotated[list[Path] | None, typer.Option("--output", "-o", help="Write report.xlsx and/or report.html (may be given twice).")] = None,
    max_rows: Annotated[int, typer.Option("--max-rows", help="Rows per table shown in the terminal.")] = 40,
    policy: PolicyOpt = None,
    lang: LangOpt = Lang.zh,
    fmt: FormatOpt = Fmt.table,
    show_pii: ShowPiiOpt = False,
    quiet: QuietOpt = False,
) -> None:
    """Reconcile handed-over counts against targets and deadlines (移交验收报告).

    Per enterprise, county and receiving unit: target, listed, handed over, excluded, in
    review, rejected, missing, rate and status (met, on-track, behind, overdue, over-target,
    break). Exit codes: 0 every target met or on track and no reconciliation break or
    duplicate; 1 otherwise; 2 usage or input error (e.g. an invalid targets file).
    """
    from retiree_tools import acceptance_report as build
    from retiree_tools import tr

    report = build(paths, targets=targets, roster=roster, as_of=as_of, min_rate=min_rate, lang=lang.value,
                   policy=policy, outputs=list(output or []))
    if fmt is Fmt.json:
        print_json(report.to_dict(show_pii=show_pii))
    if not quiet:
        render(report, lang.value, show_pii, max_rows)
        for out in report.written:
            console().print(plain(tr("cli.written", lang.value, path=out)))
    raise typer.Exit(report.exit_code)


def render(report, lang: str, show_pii: bool, max_rows: int) -> None:
    """Totals, one table per scope (worst first), the people lists, then the verdict."""
    from rich.table import Table

    label, rate_text, status_label = report.label, report.rate_text, report.status_label
    con = console()
    if not con.is_terminal:  # a log or a pipe: do not fold the tables to 80 columns
        con.width = max(con.width, 160)
    t = report.totals
    head = Table(title=f"{label('title', lang)} · {label('as_of', lang)} {report.as_of}", title_justify="left")
    fields = ["listed", "assigned", "excluded", "review", "rejected", "unknown", "duplicates", "people"]
    if t.target is not None:
        fields += ["target", "missing", "unexpected"]
    for f in [*fields, "rate"]:
        head.add_column(label("roster_target" if f == "target" else f, lang), justify="right")
    head.add_row(*[str(getattr(t, f)) for f in fields], rate_text(t.rate))
    con.print(head)
    if t.excluded_by_reason:
        con.print(plain(f"{label('excluded_by_reason', lang)}：" + "；".join(f"{k} {v}" for k, v in t.excluded_by_reason.items())))
    for scope in report.SCOPES:
        rows = report.rows_of(scope)
        if not rows:
            continue
        table = Table(title=label(scope, lang), title_justify="left")
        cols = ["key", "name", "target", "listed", "assigned", "excluded", "review", "rejected", "missing", "rate", "deadline", "status"]
        for c in cols:
            text_col = c in ("key", "name", "deadline", "status")
            table.add_column(label(c, lang), justify="left" if text_col else "right", overflow="fold",
                             no_wrap=c not in ("key", "name"))
        for r in rows[:max_rows]:
            cells = [r.key, r.name or "", _n(r.target), str(r.listed), str(r.assigned), str(r.excluded), str(r.review),
                     str(r.rejected), _n(r.missing), rate_text(r.rate), r.deadline or "—", label(r.status, lang)]
            table.add_row(*[plain(c) for c in cells], style=STYLES[r.status] if r.status != "met" else None)
        con.print(table)
        if len(rows) > max_rows:
            con.print(plain(label("more", lang, n=len(rows) - max_rows)))
    _people(con, report, "missing_people", report.missing_people, lang, show_pii, max_rows, ("id_number", "name", "enterprise", "line", "reason"))
    _people(con, report, "unexpected_people", report.unexpected_people, lang, show_pii, max_rows,
            ("id_number", "name", "enterprise", "status", "file", "row", "reason"))
    if report.duplicates:
        table = Table(title=label("duplicate_people", lang), title_justify="left")
        for c in ("id_number", "person_name", "count", "file"):
            table.add_column(label(c, lang), overflow="fold")
        for d in report.duplicates[:max_rows]:
            where = "；".join(f"{o.enterprise or ''} {_base(o.file)}:{o.row or ''} {status_label(o.status, lang)}" for o in d.occurrences)
            table.add_row(*[plain(c) for c in (d.to_dict(show_pii)["id_number"], d.name or "", str(d.count), where)], style="yellow")
        con.print(table)
    if report.breaks:
        table = Table(title=label("breaks", lang), title_justify="left")
        for c in ("kind", "scope", "key", "listed", "counted", "values"):
            table.add_column(label(c, lang), overflow="fold")
        for b in report.breaks:
            table.add_row(*[plain(c) for c in (label(b.kind, lang), label(b.scope, lang), b.key, str(b.listed), str(b.counted),
                                               "；".join(f"{k} {v}" for k, v in b.values.items()))], style="magenta")
        con.print(table)
    con.print(plain(f"{label('verdict', lang)}：{label('verdict_ok' if report.met else 'verdict_fail', lang)}"),
              style="bold green" if report.met else "bold red")


def _base(path: str | None) -> str:
    """A source file's name without its directories (the terminal is narrow)."""
    return path.replace("\\", "/").rsplit("/", 1)[-1] if path else ""


def _n(v: int | None) -> str:
    return "—" if v is None else str(v)


def _people(con, report, key: str, people: list, lang: str, show_pii: bool, max_rows: int, fields: tuple[str, ...]) -> None:
    from rich.table import Table

    label, status_label = report.label, report.status_label

    if not people:
        return
    table = Table(title=f"{label(key, lang)}（{len(people)}）", title_justify="left")
    for f in fields:
        table.add_column(label("person_name" if f == "name" else f, lang), overflow="fold")
    for p in people[:max_rows]:
        d = p.to_dict(show_pii)
        d["status"] = status_label(d.get("status"), lang)
        d["reason"] = label(d["reason"], lang) if d.get("reason") else ""
        d["file"] = _base(d.get("file"))
        table.add_row(*[plain("" if d.get(f) is None else d[f]) for f in fields])
    con.print(table)
    if len(people) > max_rows:
        con.print(plain(label("more", lang, n=len(people) - max_rows)))


__all__ = ["register", "acceptance_report", "render"]
