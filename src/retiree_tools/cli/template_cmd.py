"""`retiree-tools template`: write the blank input workbook enterprises start from."""

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
    console,
    guarded,
    print_json,
)
from retiree_tools.cli.help import HelpCommand


def register(app: typer.Typer) -> None:
    app.command("template", cls=HelpCommand)(template)


@guarded
def template(
    output: Annotated[Path, typer.Option(
        "--output", "-o", metavar="文件", help="要写出的空白移交表（.xlsx）。The workbook to write (.xlsx).")],
    rows: Annotated[int, typer.Option(
        "--rows", metavar="行数", min=1, max=100000,
        help="设为文本格式并带下拉选项的行数。Rows formatted as text and given drop-down lists.")] = 2000,
    policy: PolicyOpt = None,
    lang: LangOpt = Lang.zh,
    fmt: FormatOpt = Fmt.table,
    quiet: QuietOpt = False,
) -> None:
    """写出空白移交表模板：标准表头，身份证号/账号/电话列为文本格式，带下拉选项，数字不会丢失。
    Write a blank transfer workbook with canonical headers, text-formatted ID/account/phone columns
    and drop-down lists, so no digits are lost.

    退出码 Exit codes：0 已写出 written；2 用法或输入错误 usage or input error.

    示例 Examples:

    \b
      retiree-tools template -o 移交表模板.xlsx
      retiree-tools template -o 移交表模板.xlsx --rows 500 --policy 本地政策.toml
    """
    from retiree_tools import tr, write_template
    from retiree_tools.io.safe import refuse_directory

    refuse_directory(output)
    out = write_template(policy, output, rows)
    if fmt is Fmt.json:
        print_json({"written": str(out), "rows": rows})
    if not quiet:
        console().print(tr("cli.written", lang.value, path=str(out)))
