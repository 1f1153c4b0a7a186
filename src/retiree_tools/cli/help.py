"""``--help`` laid out for Chinese text: click wraps help by character count, so a line of
Chinese (two columns a character) runs past the terminal and metavars such as ``<list[Path]>``
show Python types. Here the help is laid out by rich, which measures display width: the
usage line, the description as written (a Chinese line, then its English), the arguments and
options with readable metavars and defaults, and the examples kept verbatim."""

from __future__ import annotations

import io
import shutil

from typer.core import TyperCommand, TyperGroup

MAX_WIDTH = 100
HELP_OPTION = "显示本帮助并退出。Show this help and exit."


def _width() -> int:
    return max(60, min(shutil.get_terminal_size((MAX_WIDTH, 24)).columns, MAX_WIDTH))


def _render(build) -> str:
    from rich.console import Console

    buf = io.StringIO()
    con = Console(file=buf, width=_width(), highlight=False, color_system=None, soft_wrap=False,
                  emoji=False, markup=False)
    build(con)
    return "\n".join(line.rstrip() for line in buf.getvalue().splitlines()) + "\n"


def _description(con, text: str | None) -> None:
    """The docstring as written: lines kept (a Chinese line, then the English one); a
    paragraph that starts with ``\\b`` (click's marker) is printed verbatim."""
    import inspect

    from rich.padding import Padding
    from rich.text import Text

    for para in inspect.cleandoc(text or "").split("\n\n"):
        verbatim = para.startswith("\b")
        lines = para.removeprefix("\b").strip("\n").splitlines()
        for line in lines:
            if verbatim:  # an example command line: never broken, never cut
                con.print(Text("  " + line), overflow="ignore", no_wrap=True, crop=False)
            else:
                con.print(Padding(Text(line.strip(), overflow="fold"), (0, 0, 0, 2)))
        con.print()


def _metavar(param) -> str:
    if param.metavar:
        return param.metavar
    if getattr(param, "is_flag", False):
        return ""
    return param.name.upper()


def _default(param) -> str | None:
    if param.param_type_name != "option" or getattr(param, "is_flag", False) or param.required:
        return None
    d = param.default
    if d is None or d == [] or callable(d):
        return None
    return str(getattr(d, "value", d))


def _params_table(con, ctx, params, title: str) -> None:
    from rich.padding import Padding
    from rich.table import Table

    if not params:
        return
    con.print(title)
    table = Table(box=None, show_header=False, padding=(0, 2, 0, 0), pad_edge=False)
    table.add_column(no_wrap=True)
    table.add_column(no_wrap=True)
    table.add_column(overflow="fold", ratio=1)
    for p in params:
        if p.param_type_name == "argument":
            names = _metavar(p) + ("…" if p.nargs != 1 else "")
            meta = ""
        else:
            names = ", ".join(sorted(p.opts, key=len))
            meta = _metavar(p)
        text = HELP_OPTION if p.name == "help" else (p.help or "")
        extra = []
        if (d := _default(p)) is not None:
            extra.append(f"默认 default: {d}")
        if p.param_type_name == "argument" and p.required:
            extra.append("必填 required")
        if p.param_type_name == "option" and p.required:
            extra.append("必填 required")
        if extra:
            text = f"{text} [{'；'.join(extra)}]"
        table.add_row(names, meta, text)
    con.print(Padding(table, (0, 0, 0, 2)))
    con.print()


def _usage(ctx, command) -> str:
    pieces = [ctx.command_path, "[选项 OPTIONS]"]
    for p in command.get_params(ctx):
        if p.param_type_name == "argument":
            pieces.append(_metavar(p) + ("…" if p.nargs != 1 else ""))
    return " ".join(pieces)


class HelpCommand(TyperCommand):
    """A subcommand whose ``--help`` is laid out by display width (see the module doc)."""

    def format_help(self, ctx, formatter) -> None:  # noqa: D401 - click's hook
        params = self.get_params(ctx)

        def build(con) -> None:
            con.print(f"用法 Usage: {_usage(ctx, self)}")
            con.print()
            _description(con, self.help)
            _params_table(con, ctx, [p for p in params if p.param_type_name == "argument"], "参数 Arguments:")
            _params_table(con, ctx, [p for p in params if p.param_type_name == "option"], "选项 Options:")

        formatter.write(_render(build))


class HelpGroup(TyperGroup):
    """The root command: usage, description, options and the list of commands."""

    def format_help(self, ctx, formatter) -> None:  # noqa: D401 - click's hook
        from rich.padding import Padding
        from rich.table import Table

        def build(con) -> None:
            con.print(f"用法 Usage: {ctx.command_path} [选项 OPTIONS] 命令 COMMAND [参数 ARGS]…")
            con.print()
            _description(con, self.help)
            _params_table(con, ctx, self.get_params(ctx), "选项 Options:")
            con.print("命令 Commands:")
            table = Table(box=None, show_header=False, padding=(0, 2, 0, 0), pad_edge=False)
            table.add_column(no_wrap=True)
            table.add_column(overflow="fold", ratio=1)
            for name in self.list_commands(ctx):
                cmd = self.get_command(ctx, name)
                if cmd is None or cmd.hidden:
                    continue
                first = (cmd.help or "").strip().split("\n\n")[0].splitlines()
                table.add_row(name, "\n".join(line.strip() for line in first))
            con.print(Padding(table, (0, 0, 0, 2)))
            con.print()
            con.print(f"  每个命令的用法和示例 Usage and examples: {ctx.command_path} 命令 COMMAND --help")

        formatter.write(_render(build))
