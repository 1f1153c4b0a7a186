"""`retiree-tools`: the typer application; subcommands live in their own modules."""

from __future__ import annotations

import typer

from .. import __version__

app = typer.Typer(
    name="retiree-tools",
    help="企业退休人员社会化管理移交工具 — validate transfer workbooks, assign receiving "
    "jurisdictions, render handover forms, report acceptance. Exit codes: 0 clean, "
    "1 findings or targets missed, 2 usage or input error.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"retiree-tools {__version__}")
        raise typer.Exit()


@app.callback()
def _root(version: bool = typer.Option(False, "--version", callback=_version, is_eager=True, help="Show the version.")) -> None:
    pass


def _register() -> None:
    from . import acceptance_cmd, assign_cmd, forms_cmd, template_cmd, validate_cmd

    for module in (validate_cmd, template_cmd, assign_cmd, forms_cmd, acceptance_cmd):
        module.register(app)


_register()


def run() -> None:
    """Console-script entry point."""
    import sys

    try:
        app()
    except SystemExit:
        raise
    except BaseException as exc:  # usage errors surface as click exceptions inside app()
        sys.stderr.write(f"retiree-tools: {exc}\n")
        sys.exit(2)
