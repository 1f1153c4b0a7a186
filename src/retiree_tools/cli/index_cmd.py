"""`retiree-tools index`: the page linking a run's outputs (out/index.html)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from retiree_tools.cli.common import (
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
from retiree_tools.cli.help import HelpCommand


def register(app: typer.Typer) -> None:
    app.command("index", cls=HelpCommand)(index)


@guarded
def index(
    out_dir: Annotated[Path, typer.Argument(
        metavar="输出目录", show_default=False,
        help="放各命令输出的目录（validate.json、annotated/、assigned.xlsx、forms/、acceptance.html …）。"
        "The directory holding the commands' outputs.")],
    lang: LangOpt = Lang.zh,
    fmt: FormatOpt = Fmt.table,
    quiet: QuietOpt = False,
) -> None:
    """写出输出目录的总目录页 index.html：每个输出是什么、有多少、先看哪个，并链接过去。
    Write OUT_DIR/index.html: one page linking every output found there, with what it is and its counts.

    找的是流程里的名字：validate.json、annotated/、assigned.xlsx 或 .csv、forms/、acceptance.html/.xlsx；
    没有的就不列。目录里已有别人写的 index.html 时拒绝覆盖。
    It looks for the pipeline's names; what is missing is left out. An index.html this tool did
    not write is never replaced.

    退出码 Exit codes：0 已写出 written；2 用法或输入错误 usage or input error.

    示例 Examples:

    \b
      retiree-tools index out
      retiree-tools index out --lang en --format json
    """
    from retiree_tools import tr, write_outputs_index

    page = write_outputs_index(out_dir, lang.value)
    if fmt is Fmt.json:
        print_json({"written": str(page)})
    if not quiet:
        console().print(plain(tr("cli.written", lang.value, path=str(page))))
