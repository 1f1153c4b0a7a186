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
    console,
    guarded,
    plain,
    print_json,
)


def _t(key: str, lang: str, **params: object) -> str:
    from retiree_tools import tr

    return tr(f"forms.{key}", lang, **params)


def register(app: typer.Typer) -> None:
    app.command("render-forms")(render_forms_cmd)


@guarded
def render_forms_cmd(
    paths: Annotated[list[Path], typer.Argument(help="Assigned files (.xlsx or .csv written by `assign`) or directories of them.")],
    out_dir: Annotated[Path, typer.Option("--out-dir", "-o", help="Directory to write the forms into; replaced as a whole.")],
    forms: Annotated[str, typer.Option("--forms", help="Forms to write, comma-separated: summary,registration,card,agreement,receipt.")]
    = "summary,registration,card,agreement,receipt",
    templates: Annotated[Path | None, typer.Option("--templates", help="Directory whose templates replace the packaged ones of the same file name.")] = None,
    date: Annotated[str | None, typer.Option("--date", help="Date printed on the forms (YYYY-MM-DD); default: blank lines to fill in.")] = None,
    pdf: Annotated[bool, typer.Option("--pdf", help="Also write PDF files (needs: pip install 'retiree-tools[pdf]').")] = False,
    lang: LangOpt = Lang.zh,
    fmt: FormatOpt = Fmt.table,
    quiet: QuietOpt = False,
) -> None:
    """Render the handover forms for the people with status assigned (生成移交表单).

    Writes, per county / receiving unit / enterprise: 汇总表 (xlsx + html), 个人情况登记表,
    服务联系卡, 服务协议书; per enterprise and county: 交接清单; plus index.html and
    manifest.json. Exit codes: 0 written (also when nobody is assigned), 2 usage or input error.
    """
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
        _summary(manifest, out_dir, lg)
    raise typer.Exit(EXIT_OK)


def _with_progress(run, lang: str):
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                  console=console(), transient=True) as bar:
        task = bar.add_task(_t("progress", lang), total=None)

        def cb(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)

        return run(cb)


def _summary(manifest: dict, out_dir: Path, lang: str) -> None:
    """Per county × unit × enterprise: people and files. Names of units and enterprises only; no PII."""
    from rich.table import Table

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
    if rows:
        table = Table(title=_t("title", lang), title_justify="left")
        for key in ("county", "unit", "enterprise", "people", "files"):
            table.add_column(_t(key, lang), overflow="fold")
        for (c, u, e), (n, files) in sorted(rows.items()):
            table.add_row(plain(c), plain(u), plain(e), str(n), str(files))
        con.print(table)
    p = manifest["people"]
    if p["assigned"] == 0:
        con.print(plain(_t("none", lang)), style="yellow")
    con.print(plain(_t("done", lang, n=len(manifest["files"]), dir=str(out_dir), a=p["assigned"], e=p["excluded"],
                       r=p["review"], j=p["rejected"])), style="bold green")
