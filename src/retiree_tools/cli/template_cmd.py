"""`retiree-tools template`: write the blank input workbook enterprises start from."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from retiree_tools.cli.common import Lang, LangOpt, PolicyOpt, QuietOpt, console, guarded


def register(app: typer.Typer) -> None:
    app.command("template")(template)


@guarded
def template(
    output: Annotated[Path, typer.Option("--output", "-o", help="The workbook to write (.xlsx).")],
    rows: Annotated[int, typer.Option("--rows", help="Rows formatted as text and given drop-down lists.", min=1, max=100000)] = 2000,
    policy: PolicyOpt = None,
    lang: LangOpt = Lang.zh,
    quiet: QuietOpt = False,
) -> None:
    """Write a blank transfer workbook (空白移交表模板) with canonical headers, text-formatted
    ID/account/phone columns and drop-down lists, so no digits are lost."""
    from retiree_tools import tr, write_template

    out = write_template(policy, output, rows)
    if not quiet:
        console().print(tr("cli.written", lang.value, path=str(out)))
