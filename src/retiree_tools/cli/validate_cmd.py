"""`retiree-tools validate`: check transfer workbooks; table on stderr, JSON on stdout."""

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
    fatal_lines,
    guarded,
    plain,
    print_json,
)


def register(app: typer.Typer) -> None:
    app.command("validate")(validate)


@guarded
def validate(
    paths: Annotated[list[Path], typer.Argument(metavar="FILE...", help="Workbooks (.xlsx .xlsm .xls .ods .csv) or directories of them.")],
    sheet: Annotated[str | None, typer.Option("--sheet", help="Sheet to read (default: the sheet that holds the roster).")] = None,
    enterprise: Annotated[str | None, typer.Option("--enterprise", help="Enterprise name when the file does not say it.")] = None,
    credit_code: Annotated[str | None, typer.Option("--credit-code", help="The enterprise's unified social credit code.")] = None,
    columns: Annotated[str | None, typer.Option("--columns", help="Override how columns are read, for this run: '表头=字段,表头=字段' (a field key or its canonical header; '表头=' ignores the column).")] = None,
    annotate: Annotated[Path | None, typer.Option("--annotate", help="Write an annotated copy (xlsx; a directory when several inputs).")] = None,
    strict: Annotated[bool, typer.Option("--strict", help="Warnings fail too (exit 1).")] = False,
    max_rows: Annotated[int, typer.Option("--max-rows", help="Findings shown in the terminal table.")] = 50,
    policy: PolicyOpt = None,
    lang: LangOpt = Lang.zh,
    fmt: FormatOpt = Fmt.table,
    show_pii: ShowPiiOpt = False,
    quiet: QuietOpt = False,
) -> None:
    """Check transfer workbooks against the required fields and documents (校验移交表).

    Exit codes: 0 no errors (warnings allowed), 1 errors (or warnings with --strict),
    2 usage error or an unreadable/hostile input.
    """
    from retiree_tools import Prefetch, expand_paths

    files = expand_paths(paths)
    head = Prefetch.start(files[0] if files else None, sheet)  # parse the first workbook while the rest loads

    from retiree_tools import Options, tr, validate_paths

    opts = Options(sheet=sheet, enterprise=enterprise, credit_code=credit_code, lang=lang.value, prefetch=head,
                   columns=columns)
    report = validate_paths(paths, policy, opts, annotate=annotate)
    if fmt is Fmt.json:
        print_json(report.to_dict(show_pii=show_pii))
    if not quiet:
        render_report(report, lang.value, show_pii, max_rows)
        for out in report.annotated:
            console().print(tr("validate.annotated", lang.value, path=out))
    if report.fatal():
        fatal_lines(report.fatal())
    raise typer.Exit(report.exit_code(strict))


def render_report(report, lang: str, show_pii: bool, max_rows: int) -> None:
    """Summary per file, then the findings table (masked), then the verdict."""
    from rich.table import Table

    from retiree_tools import tr

    def ui(key: str, lang: str, **params) -> str:
        return tr(f"validate.{key}", lang, **params)

    con = console()
    summary = Table(title=ui("summary_title", lang), title_justify="left")
    for key in ("file", "sheet", "enterprise", "header_row", "people", "errors", "warnings", "infos", "people_with_errors"):
        summary.add_column(ui(key, lang), overflow="fold")
    for fr in report.files:
        s = fr.summary()
        summary.add_row(plain(Path(fr.path).name), plain(fr.sheet or ""), plain(fr.enterprise or ""), str(fr.header_row or ""), str(s["people"]),
                        str(s["errors"]), str(s["warnings"]), str(s["infos"]), str(s["people_with_errors"]))
    con.print(summary)
    _columns_table(con, report, lang)
    rows = [(fr, f) for fr in report.files for f in fr.sorted_findings()]
    if rows:
        table = Table(title=ui("findings_title", lang), title_justify="left")
        for key in ("file", "row", "column", "severity", "code", "header", "value", "message"):
            table.add_column(ui(key, lang), overflow="fold")
        styles = {"error": "red", "warning": "yellow", "info": "cyan"}
        for fr, f in rows[:max_rows]:
            d = f.to_dict(show_pii=show_pii)
            cells = [Path(fr.path).name, str(d["row"] or ""), d["column"] or "", ui(d["severity"], lang), d["code"],
                     d["header"] or "", (d["value"] or "")[:40], d["message"]]
            table.add_row(*[plain(c) for c in cells], style=styles[d["severity"]])
        con.print(table)
        if len(rows) > max_rows:
            con.print(ui("more_findings", lang, n=len(rows) - max_rows))
    errors = report.summary()["errors"]
    con.print(ui("result_fail", lang, n=errors) if errors else ui("result_ok", lang), style="bold red" if errors else "bold green")


def _columns_table(con, report, lang: str) -> None:
    """列识别: shown when a column was read by a guess or not at all (the clerk checks it)."""
    from rich.table import Table

    from retiree_tools import tr

    shown = [(fr, c) for fr in report.files for c in fr.columns if c["how"] not in ("exact", "override")]
    if not shown:
        return
    table = Table(title=tr("validate.columns_title", lang), title_justify="left")
    for key in ("file", "column", "header", "col_field", "col_how", "col_confidence"):
        table.add_column(tr(f"validate.{key}", lang), overflow="fold")
    for fr, c in shown:
        how = tr(f"validate.how.{c['how'] or 'none'}", lang)
        table.add_row(plain(Path(fr.path).name), c["column"], plain(c["header"]), plain(c["field"] or "—"), how,
                      f"{c['confidence']:.2f}" if c["field"] else "", style="yellow" if c["field"] else "dim")
    con.print(table)
