"""`retiree-tools validate`: check transfer workbooks; table on stderr, JSON on stdout."""

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
    PolicyOpt,
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
from retiree_tools.cli.help import HelpCommand


def register(app: typer.Typer) -> None:
    app.command("validate", cls=HelpCommand)(validate)


@guarded
def validate(
    paths: Annotated[list[Path], typer.Argument(
        metavar="文件", show_default=False,
        help="移交表（.xlsx .xlsm .xls .ods；.csv .txt .tsv 须写出文件名）或放移交表的目录。"
        "Workbooks, or directories of them (CSV/TXT/TSV only when named).")],
    sheet: SheetOpt = None,
    enterprise: EnterpriseOpt = None,
    credit_code: CreditCodeOpt = None,
    columns: ColumnsOpt = None,
    annotate: Annotated[Path | None, typer.Option(
        "--annotate", metavar="文件或目录",
        help="写出批注副本（xlsx，问题单元格标色并加批注；多个输入时为目录）。"
        "Write an annotated copy (a directory when several inputs).")] = None,
    strict: Annotated[bool, typer.Option("--strict", help="警告也算不通过（退出码 1）。Warnings fail too (exit 1).")] = False,
    max_rows: Annotated[int | None, typer.Option(
        "--max-rows", metavar="行数", show_default=False,
        help="终端表格最多显示的行数（默认：汇总 8，--verbose 50）。Rows per terminal table (default 8; 50 with --verbose).")] = None,
    verbose: VerboseOpt = False,
    policy: PolicyOpt = None,
    lang: LangOpt = Lang.zh,
    fmt: FormatOpt = Fmt.table,
    show_pii: ShowPiiOpt = False,
    quiet: QuietOpt = False,
) -> None:
    """校验移交表：必填字段、填写规范和应交材料，逐条指出单元格。
    Check transfer workbooks against the required fields and documents, cell by cell.

    默认显示每个文件的汇总和按问题代码的统计；--verbose 逐条列出问题。
    By default a summary per file and per finding code; --verbose lists every finding.

    退出码 Exit codes：0 无错误（可有警告）no errors；1 有错误（--strict 时警告也算）errors；
    2 用法错误或文件无法读取 usage or input error.

    示例 Examples:

    \b
      retiree-tools validate samples/enterprise_a.xlsx
      retiree-tools validate samples/enterprise_a.xlsx samples/enterprise_b.csv --annotate out/annotated
      retiree-tools validate 收件目录/ --format json > validate.json
    """
    from retiree_tools import Prefetch, expand_paths

    files = expand_paths(paths)
    head = Prefetch.start(files[0] if files else None, sheet)  # parse the first workbook while the rest loads

    from retiree_tools import Options, tr, validate_paths

    with progress_bar(lang.value, not quiet) as tick:
        opts = Options(sheet=sheet, enterprise=enterprise, credit_code=credit_code, lang=lang.value, prefetch=head,
                       columns=columns, progress=tick)
        report = validate_paths(paths, policy, opts, annotate=annotate)
    if fmt is Fmt.json:
        print_json(with_error(report.to_dict(show_pii=show_pii), report.fatal()))
    if not quiet:
        skipped_notice(report.skipped, lang.value)
        rows = max_rows if max_rows is not None else (50 if verbose else 8)
        render_report(report, lang.value, show_pii, rows, verbose)
        folders = {str(Path(out).parent) for out in report.annotated}
        if len(report.annotated) > 1 and len(folders) == 1:  # the --annotate directory: one line
            console().print(plain(tr("validate.annotated_many", lang.value, n=len(report.annotated), path=folders.pop())))
        else:
            for out in report.annotated:
                console().print(plain(tr("validate.annotated", lang.value, path=out)))
    if report.fatal():
        fatal_lines(report.fatal())
    raise typer.Exit(report.exit_code(strict))


def render_report(report, lang: str, show_pii: bool, max_rows: int, verbose: bool = False) -> None:
    """Summary per file, then the findings per code (by default) or one row per finding
    (``--verbose``; masked), then the verdict."""

    from retiree_tools import tr

    def ui(key: str, lang: str, **params) -> str:
        return tr(f"validate.{key}", lang, **params)

    con = console()
    summary = table(ui("summary_title", lang))
    for key in ("file", "sheet", "enterprise", "header_row", "people", "errors", "warnings", "infos", "people_with_errors"):
        summary.add_column(ui(key, lang), overflow="fold")
    for fr in report.files:
        s = fr.summary()
        summary.add_row(plain(Path(fr.path).name), plain(fr.sheet or ""), plain(fr.enterprise or ""), str(fr.header_row or ""), str(s["people"]),
                        str(s["errors"]), str(s["warnings"]), str(s["infos"]), str(s["people_with_errors"]))
    con.print(summary)
    _columns_table(con, report, lang)
    rows = [(fr, f) for fr in report.files for f in fr.sorted_findings()]
    if rows and not verbose:
        _by_code_table(con, rows, lang, max_rows)
    elif rows:
        tbl = table(ui("findings_title", lang))
        for key in ("file", "row", "column", "severity", "code", "header", "value", "message"):
            tbl.add_column(ui(key, lang), overflow="fold")
        styles = {"error": "red", "warning": "yellow", "info": "cyan"}
        for fr, f in rows[:max_rows]:
            d = f.to_dict(show_pii=show_pii)
            cells = [Path(fr.path).name, str(d["row"] or ""), d["column"] or "", ui(d["severity"], lang), d["code"],
                     d["header"] or "", (d["value"] or "")[:40], d["message"]]
            tbl.add_row(*[plain(c) for c in cells], style=styles[d["severity"]])
        con.print(tbl)
        if len(rows) > max_rows:
            con.print(ui("more_findings", lang, n=len(rows) - max_rows))
    errors = report.summary()["errors"]
    con.print(ui("result_fail", lang, n=errors) if errors else ui("result_ok", lang), style="bold red" if errors else "bold green")


_SEVERITY_ORDER = {"error": 0, "warning": 1, "info": 2}
_PLACES_SHOWN = 3


def _by_code_table(con, rows, lang: str, max_rows: int) -> None:
    """问题统计: one row per (severity, code): how many, and the first cells where it is."""

    from retiree_tools import tr
    from retiree_tools.findings.codes import title

    groups: dict[tuple[str, str], dict[str, list[str]]] = {}
    for fr, f in rows:
        cells = groups.setdefault((f.severity, f.code), {}).setdefault(Path(fr.path).name, [])
        cells.append(f"{f.column or ''}{f.row or ''}" or "—")
    order = sorted(groups.items(), key=lambda kv: (_SEVERITY_ORDER.get(kv[0][0], 3),
                                                   -sum(map(len, kv[1].values())), kv[0][1]))
    tbl = table(tr("validate.by_code_title", lang))
    for key in ("severity", "code", "problem", "count", "where"):
        tbl.add_column(tr(f"validate.{key}", lang), overflow="fold")
    styles = {"error": "red", "warning": "yellow", "info": "cyan"}
    for (severity, code), per_file in order[:max_rows]:
        n = sum(map(len, per_file.values()))
        where = _places(per_file, lang)
        tbl.add_row(tr(f"validate.{severity}", lang), code, plain(title(code, lang)), str(n), plain(where),
                    style=styles.get(severity))
    con.print(tbl)
    if len(order) > max_rows:
        con.print(tr("validate.more_codes", lang, n=len(order) - max_rows))
    con.print(tr("validate.see_each", lang), style="dim")


def _places(per_file: dict[str, list[str]], lang: str) -> str:
    """``a.xlsx D47、D84；b.csv F43`` — the first few cells, per file, and how many more."""
    from retiree_tools import tr

    parts, shown, total = [], 0, sum(map(len, per_file.values()))
    for name, cells in per_file.items():
        if shown >= _PLACES_SHOWN:
            break
        take = cells[: _PLACES_SHOWN - shown]
        shown += len(take)
        parts.append(f"{name} {'、'.join(take)}")
    text = "；".join(parts)
    return text + tr("validate.and_more", lang, n=total - shown) if total > shown else text


def _columns_table(con, report, lang: str) -> None:
    """列识别: shown when a column was read by a guess or not at all (the clerk checks it)."""

    from retiree_tools import tr

    shown = [(fr, c) for fr in report.files for c in fr.columns if c["how"] not in ("exact", "override")]
    if not shown:
        return
    tbl = table(tr("validate.columns_title", lang))
    for key in ("file", "column", "header", "col_field", "col_how", "col_confidence"):
        tbl.add_column(tr(f"validate.{key}", lang), overflow="fold")
    for fr, c in shown:
        how = tr(f"validate.how.{c['how'] or 'none'}", lang)
        tbl.add_row(plain(Path(fr.path).name), c["column"], plain(c["header"]), plain(c["field"] or "—"), how,
                      f"{c['confidence']:.2f}" if c["field"] else "", style="yellow" if c["field"] else "dim")
    con.print(tbl)
