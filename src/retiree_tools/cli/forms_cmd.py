"""`retiree-tools render-forms`: print-ready handover forms from an assigned file."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from retiree_tools.cli.common import (
    EXIT_OK,
    Fmt,
    FormatOpt,
    Lang,
    LangOpt,
    QuietOpt,
    VerboseOpt,
    console,
    guarded,
    plain,
    print_json,
    skipped_notice,
    table,
)
from retiree_tools.cli.help import HelpCommand


def _t(key: str, lang: str, **params: object) -> str:
    from retiree_tools import tr

    return tr(f"forms.{key}", lang, **params)


def register(app: typer.Typer) -> None:
    app.command("render-forms", cls=HelpCommand)(render_forms_cmd)


@guarded
def render_forms_cmd(
    out_dir: Annotated[Path, typer.Option(
        "--out-dir", "-o", metavar="目录",
        help="表单写入的目录（整个替换）。Directory to write the forms into; replaced as a whole.")],
    paths: Annotated[list[Path] | None, typer.Argument(
        metavar="分配结果", show_default=False,
        help="assign 写出的分配结果（.xlsx 或 .csv）或放它们的目录；用 --db 时不写。Assigned files written by assign, "
        "or directories (none with --db).")] = None,
    forms: Annotated[str, typer.Option(
        "--forms", metavar="表单,…",
        help="要生成的表单，逗号分隔 Forms, comma-separated：summary 汇总表, registration 登记表, card 联系卡, "
        "agreement 服务协议书, receipt 交接清单。")]
    = "summary,registration,card,agreement,receipt",
    templates: Annotated[Path | None, typer.Option(
        "--templates", metavar="目录",
        help="本地模板目录：同名文件替换内置模板。Templates replacing the packaged ones of the same name.")] = None,
    date: Annotated[str | None, typer.Option(
        "--date", metavar="日期",
        help="表单上印的日期，如 2026-11-23 或 2026年11月23日（默认留空待填）。Date printed on the forms (default: blank).")] = None,
    pdf: Annotated[bool, typer.Option(
        "--pdf", help="同时生成 PDF（需 pip install 'retiree-tools[pdf]'）。Also write PDF files.")] = False,
    db: Annotated[str | None, typer.Option(
        "--db", metavar="台账",
        help="按台账的现行报送生成（代替分配结果文件）。Render from the ledger's current submissions instead of files.")] = None,
    verbose: VerboseOpt = False,
    lang: LangOpt = Lang.zh,
    fmt: FormatOpt = Fmt.table,
    quiet: QuietOpt = False,
) -> None:
    """生成移交表单：为已分配的人员按区县/接收单位/移交单位生成可打印的表单。
    Render print-ready handover forms for the people assigned, per county, receiving unit and enterprise.

    每组：汇总表（xlsx 和 html）、个人情况登记表、服务联系卡、服务协议书；每个移交单位和区县：交接清单；
    另有 index.html（先打开它 open first）和 manifest.json。Templates are Jinja2 (see docs/forms.md).

    退出码 Exit codes：0 已写出（无人可移交时也是 0）written；2 用法或输入错误 usage or input error.

    示例 Examples:

    \b
      retiree-tools render-forms out/assigned.xlsx -o out/forms --date 2026-11-23
      retiree-tools render-forms out/assigned.xlsx -o out/forms --forms summary,receipt --pdf
      retiree-tools render-forms --db out/ledger.sqlite -o out/forms
    """
    from retiree_tools.cli.common import files_or_db

    files_or_db(paths, db)
    if db is not None:
        from retiree_tools.ledger.export import render_from_ledger

        def render_forms(_paths, *args):
            return render_from_ledger(db, *args)
    else:
        from retiree_tools import render_forms

    lg = lang.value
    if pdf and not quiet:
        from retiree_tools import cjk_font_available

        if cjk_font_available() is False:
            console().print(plain(_t("no_font", lg)), style="yellow")
    if sys.stderr.isatty() and not quiet:
        manifest = _with_progress(lambda cb: render_forms(paths, out_dir, forms, templates, date, pdf, cb), lg)
    else:
        manifest = render_forms(paths, out_dir, forms, templates, date, pdf)
    if fmt is Fmt.json:
        print_json(manifest)
    if not quiet:
        from retiree_tools import scan_paths

        if paths:
            skipped_notice([s.to_dict(lg) for s in scan_paths(paths, "assigned").skipped], lg)
        _summary(manifest, out_dir, lg, verbose)
    raise typer.Exit(EXIT_OK)


def _with_progress(run, lang: str):
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                  console=console(), transient=True) as bar:
        task = bar.add_task(_t("progress", lang), total=None)

        def cb(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)

        return run(cb)


def _summary(manifest: dict, out_dir: Path, lang: str, verbose: bool = False) -> None:
    """Per county (units, enterprises, people, files); with ``verbose`` per county × unit ×
    enterprise. Names of units and enterprises only; no PII."""
    con = console()
    rows: dict[tuple[str, str, str], list[int]] = {}
    for f in manifest["files"]:
        if f["kind"] in ("index", "receipt"):
            continue
        key = (f"{f['county_code'] or ''} {f['county_name'] or ''}".strip(),
               f"{f['unit_code'] or ''} {f['unit_name'] or ''}".strip(), f["enterprise"] or "")
        entry = rows.setdefault(key, [0, 0])
        entry[0] = max(entry[0], f["people"])
        entry[1] += 1
    if rows and verbose:
        tbl = table(_t("title", lang))
        for key in ("county", "unit", "enterprise", "people", "files"):
            tbl.add_column(_t(key, lang), overflow="fold")
        for (c, u, e), (n, files) in sorted(rows.items()):
            tbl.add_row(plain(c), plain(u), plain(e), str(n), str(files))
        con.print(tbl)
    elif rows:
        counties: dict[str, list] = {}
        for (c, u, e), (n, files) in rows.items():
            entry = counties.setdefault(c, [set(), set(), 0, 0])
            entry[0].add(u)
            entry[1].add(e)
            entry[2] += n
            entry[3] += files
        tbl = table(_t("title", lang))
        for key in ("county", "units", "enterprises", "people", "files"):
            tbl.add_column(_t(key, lang), justify="left" if key == "county" else "right")
        for c, (units, ents, n, files) in sorted(counties.items()):
            tbl.add_row(plain(c), str(len(units)), str(len(ents)), str(n), str(files))
        con.print(tbl)
        index = next((f["path"] for f in manifest["files"] if f["kind"] == "index"), None)
        if index:
            con.print(plain(_t("open_index", lang, path=str(out_dir / index))))
    p = manifest["people"]
    if p["assigned"] == 0:
        con.print(plain(_t("none", lang)), style="yellow")
    con.print(plain(_t("done", lang, n=len(manifest["files"]), dir=str(out_dir), a=p["assigned"], e=p["excluded"],
                       r=p["review"], j=p["rejected"])), style="bold green")
