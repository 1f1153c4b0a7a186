"""`retiree-tools validate`: check transfer workbooks; table on stderr, JSON on stdout."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from retiree_tools.cli.common import (
    EXIT_FINDINGS,
    EXIT_OK,
    EXIT_USAGE,
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

FATAL_CODES = {"file-unreadable", "file-encrypted", "file-too-large", "file-hostile", "file-empty", "sheet-not-found"}


def register(app: typer.Typer) -> None:
    app.command("validate")(validate)


@guarded
def validate(
    paths: Annotated[list[Path], typer.Argument(metavar="FILE...", help="Workbooks (.xlsx .xlsm .xls .ods .csv) or directories of them.")],
    sheet: Annotated[str | None, typer.Option("--sheet", help="Sheet to read (default: the sheet that holds the roster).")] = None,
    enterprise: Annotated[str | None, typer.Option("--enterprise", help="Enterprise name when the file does not say it.")] = None,
    credit_code: Annotated[str | None, typer.Option("--credit-code", help="The enterprise's unified social credit code.")] = None,
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
    from retiree_tools.findings.errors import InputError
    from retiree_tools.io.prefetch import expand_paths, prefetch
    from retiree_tools.io.safe import refuse_inputs

    files = expand_paths(paths)
    if not files:
        raise InputError("usage", detail="没有可读取的输入文件 / no input files")
    if annotate is not None:
        refuse_inputs([annotate], [*paths, *files])
    prefetch(files, sheet)  # parse the first workbook while pandas and the policy load

    from retiree_tools.policy.model import load_policy
    from retiree_tools.validate.run import Options, validate_paths

    pol = load_policy(policy)
    opts = Options(sheet=sheet, enterprise=enterprise, credit_code=credit_code, lang=lang.value)
    report = validate_paths(files, pol, opts)
    if fmt is Fmt.json:
        print_json(report.to_dict(show_pii=show_pii))
    if not quiet:
        render_report(report, lang.value, show_pii, max_rows)
    if annotate is not None:
        _annotate(report, annotate, lang.value, quiet)
    codes = {f.code for fr in report.files for f in fr.findings}
    if codes & FATAL_CODES:
        fatal_lines(report.files, FATAL_CODES)
        raise typer.Exit(EXIT_USAGE)
    raise typer.Exit(EXIT_FINDINGS if report.has_errors(strict) else EXIT_OK)


def _annotate(report, target: Path, lang: str, quiet: bool) -> None:
    from retiree_tools.findings.codes import ui
    from retiree_tools.validate.annotate import write_annotated

    readable = [fr for fr in report.files if fr.header_row is not None]
    if len(report.files) == 1:
        outs = [(readable[0], target)] if readable else []
    else:
        outs = [(fr, target / f"{Path(fr.path).stem}.annotated.xlsx") for fr in readable]
    for fr, out in outs:
        write_annotated(fr, out, lang)
        if not quiet:
            console().print(ui("annotated", lang, path=str(out)))


def render_report(report, lang: str, show_pii: bool, max_rows: int) -> None:
    """Summary per file, then the findings table (masked), then the verdict."""
    from rich.table import Table

    from retiree_tools.findings.codes import ui

    con = console()
    summary = Table(title=ui("summary_title", lang), title_justify="left")
    for key in ("file", "sheet", "enterprise", "header_row", "people", "errors", "warnings", "infos", "people_with_errors"):
        summary.add_column(ui(key, lang), overflow="fold")
    for fr in report.files:
        s = fr.summary()
        summary.add_row(plain(Path(fr.path).name), plain(fr.sheet or ""), plain(fr.enterprise or ""), str(fr.header_row or ""), str(s["people"]),
                        str(s["errors"]), str(s["warnings"]), str(s["infos"]), str(s["people_with_errors"]))
    con.print(summary)
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
