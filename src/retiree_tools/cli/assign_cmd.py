"""`retiree-tools assign`: receiving county and unit for every person, with the deciding rule."""

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
    app.command("assign")(assign)


@guarded
def assign(
    paths: Annotated[list[Path], typer.Argument(metavar="FILE...", help="Transfer workbooks (as validate reads them) or directories.")],
    catalog: Annotated[Path, typer.Option("--catalog", help="Receiving-jurisdiction catalogue (csv/xlsx).")],
    output: Annotated[Path | None, typer.Option("--output", "-o", help="Assigned file to write (.xlsx or .csv).")] = None,
    sheet: Annotated[str | None, typer.Option("--sheet", help="Sheet to read.")] = None,
    enterprise: Annotated[str | None, typer.Option("--enterprise", help="Enterprise name when the file does not say it.")] = None,
    credit_code: Annotated[str | None, typer.Option("--credit-code", help="The enterprise's unified social credit code.")] = None,
    columns: Annotated[str | None, typer.Option("--columns", help="Override how columns are read, for this run: '表头=字段,表头=字段' (as in validate).")] = None,
    max_rows: Annotated[int, typer.Option("--max-rows", help="Review/rejected people listed on the terminal.")] = 30,
    policy: PolicyOpt = None,
    lang: LangOpt = Lang.zh,
    fmt: FormatOpt = Fmt.table,
    show_pii: ShowPiiOpt = False,
    quiet: QuietOpt = False,
) -> None:
    """Assign every retiree a receiving county and street/township/community (分配接收单位).

    Exit codes: 0 everyone assigned or excluded by rule, 1 some people in review or rejected,
    2 usage or input error (unreadable file, broken catalogue).
    """
    from retiree_tools import Prefetch, expand_paths

    files = expand_paths(paths)
    head = Prefetch.start(files[0] if files else None, sheet)  # parse the first workbook while the rest loads

    from retiree_tools import Options, assign_paths

    opts = Options(sheet=sheet, enterprise=enterprise, credit_code=credit_code, lang=lang.value, prefetch=head,
                   columns=columns)
    result = assign_paths(paths, catalog, policy, opts, output=output, people=fmt is Fmt.json,
                          attention=0 if quiet else max_rows)
    if fmt is Fmt.json:
        print_json(result.to_dict(show_pii=show_pii))
    if not quiet:
        _render(result, lang.value, show_pii, max_rows)
    if result.fatal():
        fatal_lines(result.fatal())
    raise typer.Exit(result.exit_code)


_UNITS_SHOWN = 15  # per county on the terminal; the assigned file and JSON have them all


def _render(result, lang: str, show_pii: bool, max_rows: int) -> None:
    from rich.table import Table

    from retiree_tools import tr

    def t(key: str, **params) -> str:
        return tr(f"assign.{key}", lang, **params)

    cat = result.catalog
    con = console()
    s = result.summary()
    con.print("  ".join(f"{tr(f'status.{k}', lang)} {v}" for k, v in s["by_status"].items()), style="bold")
    table = Table(title=t("title"), title_justify="left")
    for k in ("county", "unit", "people"):
        table.add_column(t(k))
    per_county: dict[str, list[tuple[str, int]]] = {}
    for unit, m in result.by_unit.items():
        per_county.setdefault(cat.units[unit].county, []).append((unit, m))
    for county, n in sorted(result.by_county.items()):
        table.add_row(plain(f"{county} {cat.units[county].name}"), "", str(n), style="bold")
        units = sorted(per_county.get(county, []), key=lambda u: (-u[1], u[0]))
        for unit, m in units[:_UNITS_SHOWN]:
            table.add_row("", plain(f"{unit} {cat.units[unit].name}"), str(m))
        if len(units) > _UNITS_SHOWN:
            rest = sum(m for _, m in units[_UNITS_SHOWN:])
            table.add_row("", t("more_units", n=len(units) - _UNITS_SHOWN), str(rest), style="dim")
    con.print(table)
    if result.attention:
        at = Table(title=t("attention"), title_justify="left")
        for k in ("file", "row", "name", "id", "status", "reason"):
            at.add_column(t(k), overflow="fold")
        for p in result.attention_entries(show_pii)[:max_rows]:
            name = p["name"] or ""
            idn = p["id_number"] or ""
            at.add_row(plain(Path(p["file"]).name), str(p["row"]), plain(name),
                       plain(idn), tr(f"status.{p['status']}", lang), plain(p["reason"] or ""))
        con.print(at)
    if result.written is not None:
        con.print(t("written", path=result.written))
