"""`retiree-tools assign`: receiving county and unit for every person, with the deciding rule."""

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
    app.command("assign", cls=HelpCommand)(assign)


@guarded
def assign(
    paths: Annotated[list[Path], typer.Argument(
        metavar="文件", show_default=False,
        help="移交表（与 validate 读法相同）或放移交表的目录。Transfer workbooks (as validate reads them) or directories.")],
    catalog: Annotated[Path, typer.Option(
        "--catalog", metavar="目录文件",
        help="接收地区目录（csv/xlsx：区县、街道/乡镇/社区的代码和名称）。Receiving-jurisdiction catalogue.")],
    output: Annotated[Path | None, typer.Option(
        "--output", "-o", metavar="文件",
        help="写出分配结果（.xlsx 或 .csv）；不写此项则只在终端显示。Assigned file to write (.xlsx or .csv).")] = None,
    sheet: SheetOpt = None,
    enterprise: EnterpriseOpt = None,
    credit_code: CreditCodeOpt = None,
    columns: ColumnsOpt = None,
    max_rows: Annotated[int | None, typer.Option(
        "--max-rows", metavar="行数", show_default=False,
        help="终端上列出的需人工处理人员数（默认：汇总 5，--verbose 30）。People needing attention listed (default 5; 30 with --verbose).")] = None,
    verbose: VerboseOpt = False,
    policy: PolicyOpt = None,
    lang: LangOpt = Lang.zh,
    fmt: FormatOpt = Fmt.table,
    show_pii: ShowPiiOpt = False,
    quiet: QuietOpt = False,
) -> None:
    """分配接收单位：按政策规定的顺序为每位退休人员确定接收区县和街道/乡镇/社区，并说明依据。
    Assign every retiree a receiving county and street/township/community, saying which rule decided.

    依据顺序 Order：医保关系所在地 → 户籍所在地 → 长期居住地；离休人员、中央管理的领导干部、
    内部退养人员等按政策不予移交或转人工。Exceptions are routed by the policy.

    退出码 Exit codes：0 每人都已分配或按规定不移交 everyone assigned or excluded；
    1 有待人工核实或退回补正的人员 some in review or rejected；2 用法或输入错误 usage or input error.

    示例 Examples:

    \b
      retiree-tools assign samples/enterprise_a.xlsx --catalog samples/catalog.csv -o out/assigned.xlsx
      retiree-tools assign 收件目录/ --catalog samples/catalog.csv -o out/assigned.csv --format json
    """
    from retiree_tools import Prefetch, expand_paths

    files = expand_paths(paths)
    head = Prefetch.start(files[0] if files else None, sheet)  # parse the first workbook while the rest loads

    from retiree_tools import Options, assign_paths, tr

    rows = max_rows if max_rows is not None else (30 if verbose else 5)
    with progress_bar(lang.value, not quiet) as tick:
        opts = Options(sheet=sheet, enterprise=enterprise, credit_code=credit_code, lang=lang.value, prefetch=head,
                       columns=columns, progress=tick)
        # the summary lists the people a clerk must decide on (review); --verbose also the rejected ones
        result = assign_paths(paths, catalog, policy, opts, output=output, people=fmt is Fmt.json,
                              attention=0 if quiet else rows,
                              attention_status=("review", "rejected") if verbose else ("review",))
    if fmt is Fmt.json:
        print_json(with_error(result.to_dict(show_pii=show_pii), result.fatal()))
    if not quiet:
        skipped_notice(result.skipped, lang.value)
        _render(result, lang.value, show_pii, rows, verbose)
        if output is None:
            console().print(plain(tr("assign.not_written", lang.value)), style="yellow")
    if result.fatal():
        fatal_lines(result.fatal())
    raise typer.Exit(result.exit_code)


_UNITS_SHOWN = 15  # per county on the terminal; the assigned file and JSON have them all


def _render(result, lang: str, show_pii: bool, max_rows: int, verbose: bool = False) -> None:
    """Counts per status; per county (and, with ``verbose``, per unit); the people who need a
    clerk (in review; with ``verbose`` also the rejected), then what was written."""
    from retiree_tools import tr

    def t(key: str, **params) -> str:
        return tr(f"assign.{key}", lang, **params)

    cat = result.catalog
    con = console()
    s = result.summary()
    con.print("  ".join(f"{tr(f'status.{k}', lang)} {v}" for k, v in s["by_status"].items()), style="bold")
    per_county: dict[str, list[tuple[str, int]]] = {}
    for unit, m in result.by_unit.items():
        per_county.setdefault(cat.units[unit].county, []).append((unit, m))
    tbl = table(t("title"))
    for k in ("county", "units" if not verbose else "unit", "people"):
        tbl.add_column(t(k), justify="left" if k != "people" else "right")
    for county, n in sorted(result.by_county.items()):
        units = sorted(per_county.get(county, []), key=lambda u: (-u[1], u[0]))
        tbl.add_row(plain(f"{county} {cat.units[county].name}"), "" if verbose else str(len(units)), str(n),
                    style="bold" if verbose else None)
        if not verbose:
            continue
        for unit, m in units[:_UNITS_SHOWN]:
            tbl.add_row("", plain(f"{unit} {cat.units[unit].name}"), str(m))
        if len(units) > _UNITS_SHOWN:
            rest = sum(m for _, m in units[_UNITS_SHOWN:])
            tbl.add_row("", t("more_units", n=len(units) - _UNITS_SHOWN), str(rest), style="dim")
    con.print(tbl)
    entries = result.attention_entries(show_pii)[:max_rows]
    if entries:
        at = table(t("attention"))
        for k in ("file", "row", "name", "id", "status", "reason"):
            at.add_column(t(k), overflow="fold")
        for p in entries:
            at.add_row(plain(Path(p["file"]).name), str(p["row"]), plain(p["name"] or ""),
                       plain(p["id_number"] or ""), tr(f"status.{p['status']}", lang), plain(p["reason"] or ""))
        con.print(at)
    shown = len(entries)
    review, rejected = s["by_status"].get("review", 0), s["by_status"].get("rejected", 0)
    if not verbose and rejected:
        con.print(plain(t("rejected_note", n=rejected)))
    if review + (rejected if verbose else 0) > shown:
        con.print(plain(t("more_attention", n=review + (rejected if verbose else 0) - shown)), style="dim")
    if result.written is not None:
        con.print(t("written", path=result.written))
